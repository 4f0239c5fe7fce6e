"""Archives, restores and Intelligent-Tiering with boto3 and the aws CLI, on a server whose
lifecycle day lasts 1 s (--lifecycle-day-seconds 1) and whose restores take one such day
(--restore-days 1): GET of GLACIER / DEEP_ARCHIVE versions refused until RestoreObject's copy
is ready, x-amz-restore on HEAD, the restored copy expiring, AWS's errors, the
Intelligent-Tiering configuration API, and INTELLIGENT_TIERING versions moving to
INFREQUENT_ACCESS after 30 days without access and back on a GET, and into the opt-in
ARCHIVE_ACCESS tier after 90 and back with a restore — seen in inventory reports."""
import csv
import gzip
import json
import subprocess
import time

import pytest
from botocore.exceptions import ClientError

from conftest import allow_inventory_delivery, error_code, serve_checked
from test_inventory_reports import config, fetch_report, run_inventory


@pytest.fixture(scope="module")
def server():
    yield from serve_checked(["--lifecycle-day-seconds", "1", "--restore-days", "1"])


@pytest.fixture(scope="module")
def s3(server):
    return server.client()


def refused(fn, code, http, **kw):
    with pytest.raises(ClientError) as ei:
        fn(**kw)
    got = (error_code(ei.value), ei.value.response["ResponseMetadata"]["HTTPStatusCode"])
    assert got == (code, http), ei.value.response
    return ei.value


def wait_for(cond, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.2)
    raise AssertionError("condition not met within %s s" % timeout)


def test_glacier_restore_flow_and_expiry(s3):
    s3.create_bucket(Bucket="cold")
    s3.put_object(Bucket="cold", Key="g", Body=b"frozen", StorageClass="GLACIER")
    h = s3.head_object(Bucket="cold", Key="g")
    assert h["StorageClass"] == "GLACIER" and "Restore" not in h
    e = refused(s3.get_object, "InvalidObjectState", 403, Bucket="cold", Key="g")
    assert e.response["Error"].get("StorageClass") == "GLACIER"
    refused(s3.copy_object, "InvalidObjectState", 403, Bucket="cold", Key="copy",
            CopySource={"Bucket": "cold", "Key": "g"})
    refused(s3.restore_object, "InvalidArgument", 400, Bucket="cold", Key="g",
            RestoreRequest={"GlacierJobParameters": {"Tier": "Standard"}})
    r = s3.restore_object(Bucket="cold", Key="g", RestoreRequest={
        "Days": 1, "GlacierJobParameters": {"Tier": "Standard"}})
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert s3.head_object(Bucket="cold", Key="g")["Restore"] == 'ongoing-request="true"'
    refused(s3.restore_object, "RestoreAlreadyInProgress", 409, Bucket="cold", Key="g",
            RestoreRequest={"Days": 1})
    restore = wait_for(lambda: "false" in s3.head_object(Bucket="cold", Key="g")["Restore"]
                       and s3.head_object(Bucket="cold", Key="g")["Restore"])
    assert restore.startswith('ongoing-request="false", expiry-date="')
    assert s3.get_object(Bucket="cold", Key="g")["Body"].read() == b"frozen"
    assert s3.get_object(Bucket="cold", Key="g")["Restore"] == restore
    s3.copy_object(Bucket="cold", Key="thawed", CopySource={"Bucket": "cold", "Key": "g"},
                   StorageClass="STANDARD")
    assert s3.get_object(Bucket="cold", Key="thawed")["Body"].read() == b"frozen"
    # a restored version: 200, and the expiry moves
    again = s3.restore_object(Bucket="cold", Key="g", RestoreRequest={"Days": 2})
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    # the copy expires: GET is refused again and HEAD shows no restore
    wait_for(lambda: "Restore" not in s3.head_object(Bucket="cold", Key="g"), timeout=30)
    refused(s3.get_object, "InvalidObjectState", 403, Bucket="cold", Key="g")


def test_restore_errors(s3):
    s3.create_bucket(Bucket="cold2")
    s3.put_object(Bucket="cold2", Key="deep", Body=b"d", StorageClass="DEEP_ARCHIVE")
    s3.put_object(Bucket="cold2", Key="std", Body=b"s")
    s3.put_object(Bucket="cold2", Key="ir", Body=b"i", StorageClass="GLACIER_IR")
    refused(s3.restore_object, "InvalidArgument", 400, Bucket="cold2", Key="deep",
            RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})
    refused(s3.restore_object, "InvalidObjectState", 403, Bucket="cold2", Key="std",
            RestoreRequest={"Days": 1})
    refused(s3.restore_object, "InvalidObjectState", 403, Bucket="cold2", Key="ir",
            RestoreRequest={"Days": 1})
    assert s3.get_object(Bucket="cold2", Key="ir")["Body"].read() == b"i"
    refused(s3.restore_object, "NoSuchKey", 404, Bucket="cold2", Key="nope",
            RestoreRequest={"Days": 1})
    refused(s3.restore_object, "MalformedXML", 400, Bucket="cold2", Key="deep",
            RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Fast"}})
    refused(s3.get_object, "InvalidObjectState", 403, Bucket="cold2", Key="deep")


def test_restore_with_aws_cli(server, s3):
    s3.create_bucket(Bucket="cold3")
    s3.put_object(Bucket="cold3", Key="c", Body=b"cli", StorageClass="GLACIER")
    env = {"AWS_ACCESS_KEY_ID": server.access_key, "AWS_SECRET_ACCESS_KEY": server.secret_key,
           "AWS_DEFAULT_REGION": server.region, "PATH": "/usr/bin:/bin"}
    p = subprocess.run(["/usr/bin/aws", "--endpoint-url", server.endpoint, "s3api",
                        "restore-object", "--bucket", "cold3", "--key", "c", "--restore-request",
                        '{"Days":1,"GlacierJobParameters":{"Tier":"Bulk"}}'],
                       capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    p = subprocess.run(["/usr/bin/aws", "--endpoint-url", server.endpoint, "s3api", "head-object",
                        "--bucket", "cold3", "--key", "c"], capture_output=True, text=True,
                       env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "ongoing-request" in json.loads(p.stdout)["Restore"]


def test_intelligent_tiering_configuration_api(s3):
    s3.create_bucket(Bucket="itc")
    refused(s3.get_bucket_intelligent_tiering_configuration, "NoSuchConfiguration", 404,
            Bucket="itc", Id="a")
    conf = {"Id": "a", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
            "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"},
                         {"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"}]}
    s3.put_bucket_intelligent_tiering_configuration(Bucket="itc", Id="a",
                                                    IntelligentTieringConfiguration=conf)
    got = s3.get_bucket_intelligent_tiering_configuration(Bucket="itc", Id="a")
    assert got["IntelligentTieringConfiguration"] == conf
    tagged = {"Id": "b", "Status": "Disabled",
              "Filter": {"And": {"Prefix": "x/", "Tags": [{"Key": "k", "Value": "v"}]}},
              "Tierings": [{"Days": 365, "AccessTier": "DEEP_ARCHIVE_ACCESS"}]}
    s3.put_bucket_intelligent_tiering_configuration(Bucket="itc", Id="b",
                                                    IntelligentTieringConfiguration=tagged)
    listed = s3.list_bucket_intelligent_tiering_configurations(Bucket="itc")
    assert listed["IsTruncated"] is False
    assert listed["IntelligentTieringConfigurationList"] == [conf, tagged]
    for bad, code in [([{"Days": 89, "AccessTier": "ARCHIVE_ACCESS"}], "InvalidArgument"),
                      ([{"Days": 731, "AccessTier": "DEEP_ARCHIVE_ACCESS"}], "InvalidArgument"),
                      ([{"Days": 200, "AccessTier": "ARCHIVE_ACCESS"},
                        {"Days": 190, "AccessTier": "DEEP_ARCHIVE_ACCESS"}], "InvalidArgument"),
                      ([{"Days": 90, "AccessTier": "GLACIER"}], "MalformedXML")]:
        refused(s3.put_bucket_intelligent_tiering_configuration, code, 400, Bucket="itc",
                Id="c", IntelligentTieringConfiguration={"Id": "c", "Status": "Enabled",
                                                         "Tierings": bad})
    s3.delete_bucket_intelligent_tiering_configuration(Bucket="itc", Id="a")
    refused(s3.delete_bucket_intelligent_tiering_configuration, "NoSuchConfiguration", 404,
            Bucket="itc", Id="a")
    listed = s3.list_bucket_intelligent_tiering_configurations(Bucket="itc")
    assert [c["Id"] for c in listed["IntelligentTieringConfigurationList"]] == ["b"]


def _tiers(server, s3, tmp_path, src, dst, n):
    """A fresh report (one configuration per look: reports are one per minute each)."""
    s3.put_bucket_inventory_configuration(Bucket=src, Id="t%s" % n, InventoryConfiguration=config(
        "t%s" % n, dst, fields=["StorageClass", "IntelligentTieringAccessTier"]))
    p = run_inventory(server, src, "t%s" % n)
    (tmp_path / str(n)).mkdir(exist_ok=True)
    manifest, files = fetch_report(s3, dst, p.stdout.strip(), tmp_path / str(n))
    names = [c.strip() for c in manifest["fileSchema"].split(",")]
    rows = {}
    for path in files:
        with gzip.open(path, "rt", newline="") as f:
            for r in csv.reader(f):
                d = dict(zip(names, r))
                rows[d["Key"]] = d["IntelligentTieringAccessTier"]
    return rows


def test_intelligent_tiering_moves_and_returns(server, s3, tmp_path):
    """After 30 (one-second) days without access an INTELLIGENT_TIERING version is in
    INFREQUENT_ACCESS, as the inventory shows; a GET brings it back to FREQUENT_ACCESS, a HEAD
    does not count as an access."""
    src, dst = "it-src", "it-dst"
    s3.create_bucket(Bucket=src)
    s3.create_bucket(Bucket=dst)
    allow_inventory_delivery(server, s3, dst)
    s3.put_object(Bucket=src, Key="idle", Body=b"i", StorageClass="INTELLIGENT_TIERING")
    s3.put_object(Bucket=src, Key="busy", Body=b"b", StorageClass="INTELLIGENT_TIERING")
    s3.put_object(Bucket=src, Key="std", Body=b"s")
    assert s3.head_object(Bucket=src, Key="idle")["StorageClass"] == "INTELLIGENT_TIERING"
    (tmp_path / "0").mkdir()
    assert _tiers(server, s3, tmp_path, src, dst, 0) == {"idle": "FREQUENT", "busy": "FREQUENT",
                                                         "std": ""}
    # 30 days of 1 s, plus the worker's tick (1 s) and a margin: "busy" is read meanwhile
    start = time.time()
    while time.time() < start + 33:
        s3.get_object(Bucket=src, Key="busy")["Body"].read()
        s3.head_object(Bucket=src, Key="idle")
        time.sleep(1)
    (tmp_path / "1").mkdir()
    rows = _tiers(server, s3, tmp_path, src, dst, 1)
    assert rows["idle"] == "INFREQUENT" and rows["busy"] == "FREQUENT", rows
    assert s3.get_object(Bucket=src, Key="idle")["Body"].read() == b"i"
    (tmp_path / "back").mkdir()
    assert _tiers(server, s3, tmp_path, src, dst, "back")["idle"] == "FREQUENT"


def test_archive_access_tier_and_its_restore(server, s3, tmp_path):
    """An Intelligent-Tiering configuration opts a prefix into ARCHIVE_ACCESS after 90 days
    without access (90 s here): the version then answers GET with InvalidObjectState naming its
    access tier, HEAD shows x-amz-archive-status; RestoreObject (no Days for an IT tier) brings
    it back to FREQUENT_ACCESS once the restore finishes, readable again and so reported."""
    src, dst = "arch-src", "arch-dst"
    s3.create_bucket(Bucket=src)
    s3.create_bucket(Bucket=dst)
    allow_inventory_delivery(server, s3, dst)
    s3.put_bucket_intelligent_tiering_configuration(
        Bucket=src, Id="cold", IntelligentTieringConfiguration={
            "Id": "cold", "Filter": {"Prefix": "cold/"}, "Status": "Enabled",
            "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]})
    # warm/b first: older, it reaches its 90-day move in the same worker pass as cold/a or earlier
    s3.put_object(Bucket=src, Key="warm/b", Body=b"w", StorageClass="INTELLIGENT_TIERING")
    s3.put_object(Bucket=src, Key="cold/a", Body=b"deep", StorageClass="INTELLIGENT_TIERING")
    refused(s3.restore_object, "InvalidObjectState", 403, Bucket=src, Key="cold/a",
            RestoreRequest={})
    head = wait_for(lambda: (lambda h: h if h.get("ArchiveStatus") else None)(
        s3.head_object(Bucket=src, Key="cold/a")), timeout=110)
    assert head["ArchiveStatus"] == "ARCHIVE_ACCESS"
    assert head["StorageClass"] == "INTELLIGENT_TIERING"
    e = refused(s3.get_object, "InvalidObjectState", 403, Bucket=src, Key="cold/a")
    assert e.response["Error"].get("AccessTier") == "ARCHIVE_ACCESS"
    assert "ArchiveStatus" not in s3.head_object(Bucket=src, Key="warm/b")  # no configuration
    (tmp_path / "a").mkdir()
    rows = _tiers(server, s3, tmp_path, src, dst, "a")
    assert rows == {"cold/a": "ARCHIVE", "warm/b": "ARCHIVE_INSTANT_ACCESS"}, rows
    refused(s3.restore_object, "InvalidArgument", 400, Bucket=src, Key="cold/a",
            RestoreRequest={"Days": 1})
    assert s3.restore_object(Bucket=src, Key="cold/a", RestoreRequest={})[
        "ResponseMetadata"]["HTTPStatusCode"] == 202
    wait_for(lambda: "ArchiveStatus" not in s3.head_object(Bucket=src, Key="cold/a"))
    assert s3.get_object(Bucket=src, Key="cold/a")["Body"].read() == b"deep"
    # the worker returns it to FREQUENT_ACCESS (restored, accessed now)
    looks = iter(range(100))
    wait_for(lambda: _tiers(server, s3, tmp_path, src, dst, "b%d" % next(looks))["cold/a"]
             == "FREQUENT", timeout=10)
