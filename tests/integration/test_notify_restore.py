"""Notification events of the workers (issue 13): s3:LifecycleTransition when the lifecycle
worker changes a version's storage class (Transition, NoncurrentVersionTransition), one per
version, with AWS's lifecycleEventData.transitionEventData; s3:ObjectRestore:Completed when a
restore becomes ready and s3:ObjectRestore:Delete when its copy expires, exactly once each.
Prefix/suffix filters apply. Webhook receiver and helpers of test_notifications.py."""
import time

import pytest

from conftest import serve_checked
from test_notifications import QUEUE, Receiver, configure, new_bucket, receiver  # noqa: F401


@pytest.fixture(scope="module")
def evserver():
    yield from serve_checked(["--notify-retry-ms", "50", "--lifecycle-day-seconds", "2",
                               "--restore-days", "1"])


def names(recs):
    return [r["eventName"] for r in recs]


def test_lifecycle_transition_event_per_version(evserver, receiver):
    s3 = evserver.client()
    b = new_bucket(s3, versioned=True)
    configure(evserver, s3, receiver, "/tr", b, ["s3:LifecycleTransition"], prefix="logs/",
              suffix=".txt")
    s3.put_object(Bucket=b, Key="logs/a.txt", Body=b"one")
    s3.put_object(Bucket=b, Key="logs/a.txt", Body=b"two")   # first becomes noncurrent
    s3.put_object(Bucket=b, Key="logs/b.bin", Body=b"three")  # suffix filtered out
    s3.put_object(Bucket=b, Key="other/c.txt", Body=b"four")  # prefix filtered out
    s3.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={"Rules": [{
        "ID": "tr", "Status": "Enabled", "Filter": {"Prefix": ""},
        "Transitions": [{"Days": 1, "StorageClass": "GLACIER"}],
        "NoncurrentVersionTransitions": [{"NoncurrentDays": 1, "StorageClass": "DEEP_ARCHIVE"}],
    }]})
    recs = receiver.wait_records("/tr", 2, timeout=40)
    time.sleep(5)  # more passes: still one event per version
    recs = receiver.records("/tr")
    assert names(recs) == ["LifecycleTransition"] * 2, recs
    vers = {v["VersionId"]: v for v in s3.list_object_versions(Bucket=b)["Versions"]}
    got = {}
    for r in recs:
        assert r["eventVersion"] == "2.3"
        assert r["userIdentity"]["principalId"] == "s3.amazonaws.com"
        o = r["s3"]["object"]
        assert o["key"] == "logs/a.txt"
        assert o["size"] == 3 and o["eTag"] and o["sequencer"]
        got[o["versionId"]] = \
            r["lifecycleEventData"]["transitionEventData"]["destinationStorageClass"]
    for vid, cls in got.items():
        assert vers[vid]["StorageClass"] == cls
    assert sorted(got.values()) == ["DEEP_ARCHIVE", "GLACIER"]


def test_restore_post_completed_then_delete_once(evserver, receiver):
    s3 = evserver.client()
    b = new_bucket(s3)
    configure(evserver, s3, receiver, "/rs", b, ["s3:ObjectRestore:*"], prefix="cold/")
    s3.put_object(Bucket=b, Key="cold/a", Body=b"frozen", StorageClass="GLACIER")
    s3.put_object(Bucket=b, Key="warm/b", Body=b"filtered", StorageClass="GLACIER")
    for k in ("cold/a", "warm/b"):
        s3.restore_object(Bucket=b, Key=k, RestoreRequest={
            "Days": 1, "GlacierJobParameters": {"Tier": "Standard"}})
    recs = receiver.wait_records("/rs", 2, timeout=30)
    assert names(recs)[:2] == ["ObjectRestore:Post", "ObjectRestore:Completed"], recs
    done = recs[1]
    assert done["eventVersion"] == "2.1"
    assert done["userIdentity"]["principalId"] == "s3.amazonaws.com"
    assert done["s3"]["object"]["key"] == "cold/a"
    assert done["s3"]["object"]["size"] == 6
    red = done["glacierEventData"]["restoreEventData"]
    assert red["lifecycleRestoreStorageClass"] == "GLACIER"
    head = s3.head_object(Bucket=b, Key="cold/a")
    assert 'ongoing-request="false"' in head["Restore"]
    assert red["lifecycleRestorationExpiryTime"].endswith(".000Z")
    assert int(done["s3"]["object"]["sequencer"], 16) > \
        int(recs[0]["s3"]["object"]["sequencer"], 16)
    recs = receiver.wait_records("/rs", 3, timeout=40)
    assert names(recs) == ["ObjectRestore:Post", "ObjectRestore:Completed",
                           "ObjectRestore:Delete"], recs
    gone = recs[2]
    assert gone["eventVersion"] == "2.3" and "glacierEventData" not in gone
    assert gone["s3"]["object"]["key"] == "cold/a"
    assert "Restore" not in s3.head_object(Bucket=b, Key="cold/a")
    time.sleep(4)  # more passes: nothing more
    assert len(receiver.records("/rs")) == 3
    # a new restore after the copy expired notifies again, once each
    s3.restore_object(Bucket=b, Key="cold/a", RestoreRequest={
        "Days": 1, "GlacierJobParameters": {"Tier": "Standard"}})
    recs = receiver.wait_records("/rs", 5, timeout=30)
    assert names(recs)[3:] == ["ObjectRestore:Post", "ObjectRestore:Completed"], recs
