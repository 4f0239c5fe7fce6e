"""Replication to a remote S3 endpoint (issue 13): a second stocktake process, with its own port
and data directory, is registered on the source with `admin remote add` and named by a rule's
Destination Account. Versions, tags and delete markers reach it over HTTP with SigV4."""
import signal
import socket
import subprocess
import time

import pytest
from botocore.exceptions import ClientError

from conftest import BIN, Server, error_code

ROLE = "arn:aws:iam::123456789012:role/replication"


def versioned(s3, name):
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


def rule(dest, remote, **kw):
    r = {"ID": "remote", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
         "Destination": {"Bucket": "arn:aws:s3:::" + dest, "Account": remote},
         "DeleteMarkerReplication": {"Status": "Enabled"}}
    r.update(kw)
    return r


def configure(s3, bucket, rules):
    s3.put_bucket_replication(Bucket=bucket,
                              ReplicationConfiguration={"Role": ROLE, "Rules": rules})


def wait_status(s3, bucket, key, version, want, timeout=30):
    deadline = time.time() + timeout
    got = None
    while time.time() < deadline:
        got = s3.head_object(Bucket=bucket, Key=key, VersionId=version).get("ReplicationStatus")
        if got == want:
            return
        time.sleep(0.05)
    raise AssertionError("%s/%s %s: status %r, wanted %r" % (bucket, key, version, got, want))


def dead_endpoint():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return "http://127.0.0.1:%d" % port


class Pair:
    def __init__(self, retry_ms=100):
        self.remote = Server().start()
        _, self.key, self.secret = self.remote.add_account("backup")
        self.rs3 = self.remote.client(self.key, self.secret)
        self.source = Server(args=["--replication-retry-ms", str(retry_ms)]).start()
        self.s3 = self.source.client()

    def register(self, name="site2", endpoint=None):
        return self.source.admin("remote", "add", name, "--endpoint",
                                 endpoint or self.remote.endpoint, "--access-key", self.key,
                                 "--secret-key", self.secret, "--region", "us-east-1")

    def close(self):
        logs = []
        for srv in (self.source, self.remote):
            assert srv.stop() == 0
            logs.append(srv.read_log())
            srv.cleanup()
        print("\n--- source log ---\n" + logs[0][-3000:] + "\n--- remote log ---\n" + logs[1][-3000:])
        for log in logs:
            assert "Sanitizer" not in log and "runtime error:" not in log, log
        return logs


@pytest.fixture(scope="module")
def pair():
    p = Pair()
    yield p
    source_log, _ = p.close()
    assert p.secret not in source_log


def test_remote_add_list_remove(pair):
    out = pair.register("tmp-remote")
    assert pair.secret not in out and "ends " + pair.secret[-4:] in out
    listed = pair.source.admin("remote", "list")
    assert "tmp-remote" in listed and pair.remote.endpoint in listed
    assert pair.secret not in listed
    bad = subprocess.run([BIN, "admin", "--data", pair.source.data, "remote", "add",
                          "123456789012", "--endpoint", pair.remote.endpoint, "--access-key",
                          "k", "--secret-key", "s"], capture_output=True, text=True)
    assert bad.returncode != 0 and "12 digits" in bad.stderr
    assert "removed tmp-remote" in pair.source.admin("remote", "remove", "tmp-remote")
    assert "tmp-remote" not in pair.source.admin("remote", "list")


def test_unknown_remote_is_refused(pair):
    versioned(pair.s3, "src-unknown")
    with pytest.raises(ClientError) as ei:
        configure(pair.s3, "src-unknown", [rule("anything", "nosuchremote")])
    assert error_code(ei.value) == "InvalidArgument"


def test_put_overwrite_tags_delete_marker_replicate(pair):
    pair.register()
    versioned(pair.rs3, "backup")
    versioned(pair.s3, "src")
    configure(pair.s3, "src", [rule("backup", "site2")])  # no local "backup" bucket needed
    v1 = pair.s3.put_object(Bucket="src", Key="dir/a b.txt", Body=b"one",
                            ContentType="text/plain", Metadata={"colour": "blue"},
                            Tagging="t1=x&t2=y%20z", ChecksumAlgorithm="SHA256")["VersionId"]
    wait_status(pair.s3, "src", "dir/a b.txt", v1, "COMPLETED")
    v2 = pair.s3.put_object(Bucket="src", Key="dir/a b.txt", Body=b"two two")["VersionId"]
    wait_status(pair.s3, "src", "dir/a b.txt", v2, "COMPLETED")
    vs = pair.rs3.list_object_versions(Bucket="backup")["Versions"]
    assert len(vs) == 2
    old = [v for v in vs if not v["IsLatest"]][0]
    h = pair.rs3.head_object(Bucket="backup", Key="dir/a b.txt", VersionId=old["VersionId"])
    assert h["ContentType"] == "text/plain"
    assert h["Metadata"]["colour"] == "blue"
    assert h["Metadata"]["stocktake-replica-of"] == v1
    tags = pair.rs3.get_object_tagging(Bucket="backup", Key="dir/a b.txt",
                                       VersionId=old["VersionId"])["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("t1", "x"), ("t2", "y z")]
    assert pair.rs3.get_object(Bucket="backup", Key="dir/a b.txt")["Body"].read() == b"two two"
    # a tag change of the replicated version follows it
    pair.s3.put_object_tagging(Bucket="src", Key="dir/a b.txt", VersionId=v2,
                               Tagging={"TagSet": [{"Key": "late", "Value": "<&>"}]})
    deadline = time.time() + 20
    while time.time() < deadline:
        t = pair.rs3.get_object_tagging(Bucket="backup", Key="dir/a b.txt")["TagSet"]
        if t:
            break
        time.sleep(0.1)
    assert t == [{"Key": "late", "Value": "<&>"}]
    wait_status(pair.s3, "src", "dir/a b.txt", v2, "COMPLETED")
    # a delete marker replicates as a DELETE
    dm = pair.s3.delete_object(Bucket="src", Key="dir/a b.txt")["VersionId"]
    deadline = time.time() + 20
    markers = []
    while time.time() < deadline and not markers:
        markers = pair.rs3.list_object_versions(Bucket="backup").get("DeleteMarkers", [])
        time.sleep(0.1)
    assert len(markers) == 1 and markers[0]["IsLatest"], dm
    assert len(pair.rs3.list_object_versions(Bucket="backup")["Versions"]) == 2


def test_multipart_version_keeps_its_etag_and_composite_checksum(pair):
    pair.register("site-mp")
    versioned(pair.rs3, "backup-mp")
    versioned(pair.s3, "src-mp")
    configure(pair.s3, "src-mp", [rule("backup-mp", "site-mp")])
    s3 = pair.s3
    up = s3.create_multipart_upload(Bucket="src-mp", Key="big", ChecksumAlgorithm="CRC32",
                                    ContentType="application/x-thing", Metadata={"a": "b"},
                                    ServerSideEncryption="AES256")
    chunks, parts = [], []
    for n in (1, 3, 4):  # part numbers need not be consecutive
        chunk = bytes([n]) * (5 * 1024 * 1024 if n != 4 else 777)
        chunks.append(chunk)
        r = s3.upload_part(Bucket="src-mp", Key="big", UploadId=up["UploadId"], PartNumber=n,
                           Body=chunk, ChecksumAlgorithm="CRC32")
        parts.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
    v = s3.complete_multipart_upload(Bucket="src-mp", Key="big", UploadId=up["UploadId"],
                                     MultipartUpload={"Parts": parts})["VersionId"]
    wait_status(s3, "src-mp", "big", v, "COMPLETED", timeout=60)
    src = s3.head_object(Bucket="src-mp", Key="big", VersionId=v, ChecksumMode="ENABLED")
    dst = pair.rs3.head_object(Bucket="backup-mp", Key="big", ChecksumMode="ENABLED")
    assert dst["ETag"] == src["ETag"] and dst["ETag"].endswith('-3"')
    assert dst["ChecksumCRC32"] == src["ChecksumCRC32"] and dst["ChecksumCRC32"].endswith("-3")
    assert dst["ContentType"] == "application/x-thing"
    assert dst["Metadata"]["a"] == "b" and dst["Metadata"]["stocktake-replica-of"] == v
    assert dst["ServerSideEncryption"] == "AES256"
    assert pair.rs3.get_object(Bucket="backup-mp", Key="big")["Body"].read() == b"".join(chunks)
    p3 = pair.rs3.get_object(Bucket="backup-mp", Key="big", PartNumber=2)
    assert p3["Body"].read() == chunks[1]
    # no upload was left behind on the remote
    assert not pair.rs3.list_multipart_uploads(Bucket="backup-mp").get("Uploads")
    # a multipart version without a checksum algorithm
    up = s3.create_multipart_upload(Bucket="src-mp", Key="plain")
    r = s3.upload_part(Bucket="src-mp", Key="plain", UploadId=up["UploadId"], PartNumber=1,
                       Body=b"x" * 10)
    v2 = s3.complete_multipart_upload(
        Bucket="src-mp", Key="plain", UploadId=up["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": r["ETag"]}]})["VersionId"]
    wait_status(s3, "src-mp", "plain", v2, "COMPLETED")
    d2 = pair.rs3.head_object(Bucket="backup-mp", Key="plain")
    assert d2["ETag"] == s3.head_object(Bucket="src-mp", Key="plain")["ETag"]
    assert d2["ETag"].endswith('-1"')


def test_sse_kms_version_goes_encrypted_under_the_remote_key(pair):
    import boto3
    pair.register("site-kms")

    def kms(srv, key, secret):
        return boto3.client("kms", endpoint_url=srv.endpoint, region_name=srv.region,
                            aws_access_key_id=key, aws_secret_access_key=secret)
    local_key = kms(pair.source, pair.source.access_key,
                    pair.source.secret_key).create_key()["KeyMetadata"]["Arn"]
    remote_key = kms(pair.remote, pair.key, pair.secret).create_key()["KeyMetadata"]["Arn"]
    versioned(pair.rs3, "backup-kms")
    versioned(pair.s3, "src-kms")
    configure(pair.s3, "src-kms", [rule(
        "backup-kms", "site-kms",
        SourceSelectionCriteria={"SseKmsEncryptedObjects": {"Status": "Enabled"}},
        Destination={"Bucket": "arn:aws:s3:::backup-kms", "Account": "site-kms",
                     "EncryptionConfiguration": {"ReplicaKmsKeyID": remote_key}})])
    v = pair.s3.put_object(Bucket="src-kms", Key="secret", Body=b"classified",
                           ServerSideEncryption="aws:kms", SSEKMSKeyId=local_key)["VersionId"]
    wait_status(pair.s3, "src-kms", "secret", v, "COMPLETED")
    got = pair.rs3.get_object(Bucket="backup-kms", Key="secret")
    assert got["Body"].read() == b"classified"
    assert got["ServerSideEncryption"] == "aws:kms" and got["SSEKMSKeyId"] == remote_key
    assert got["Metadata"]["stocktake-replica-of"] == v
    # a replica key the remote does not have: FAILED, and nothing stored there
    configure(pair.s3, "src-kms", [rule(
        "backup-kms", "site-kms",
        SourceSelectionCriteria={"SseKmsEncryptedObjects": {"Status": "Enabled"}},
        Destination={"Bucket": "arn:aws:s3:::backup-kms", "Account": "site-kms",
                     "EncryptionConfiguration": {"ReplicaKmsKeyID": local_key}})])
    v2 = pair.s3.put_object(Bucket="src-kms", Key="other", Body=b"x",
                            ServerSideEncryption="aws:kms", SSEKMSKeyId=local_key)["VersionId"]
    wait_status(pair.s3, "src-kms", "other", v2, "FAILED", timeout=60)
    with pytest.raises(ClientError):
        pair.rs3.head_object(Bucket="backup-kms", Key="other")


def wait_log(srv, text, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in srv.read_log():
            return
        time.sleep(0.05)
    raise AssertionError("no %r in the log" % text)


def test_remote_down_then_back_completes_and_down_for_good_fails():
    p = Pair(retry_ms=500)
    try:
        versioned(p.rs3, "back")
        versioned(p.s3, "src2")
        p.register("flaky", dead_endpoint())
        configure(p.s3, "src2", [rule("back", "flaky")])
        v = p.s3.put_object(Bucket="src2", Key="k", Body=b"data")["VersionId"]
        wait_log(p.source, "not done (attempt 1)")
        assert p.s3.head_object(Bucket="src2", Key="k")["ReplicationStatus"] == "PENDING"
        p.register("flaky")  # the endpoint is back (re-registered at its real address)
        wait_status(p.s3, "src2", "k", v, "COMPLETED")
        assert len(p.rs3.list_object_versions(Bucket="back")["Versions"]) == 1
        p.register("flaky", dead_endpoint())
        v = p.s3.put_object(Bucket="src2", Key="k2", Body=b"data")["VersionId"]
        wait_status(p.s3, "src2", "k2", v, "FAILED", timeout=40)
    finally:
        source_log, _ = p.close()
    assert "FAILED after 5 attempts" in source_log
    assert p.secret not in source_log


def test_kill_9_with_a_backlog_delivers_each_version_once():
    p = Pair(retry_ms=100)
    srv = p.source
    try:
        versioned(p.rs3, "kbackup")
        versioned(p.s3, "ksrc")
        p.register("site")
        configure(p.s3, "ksrc", [rule("kbackup", "site")])
        versions = {}
        for i in range(40):
            key = "obj-%02d" % (i % 10)
            versions.setdefault(key, []).append(
                p.s3.put_object(Bucket="ksrc", Key=key, Body=b"y" * (i * 500))["VersionId"])
        srv.stop(signal.SIGKILL)
        srv = p.source = Server(data_dir=srv.data, args=["--replication-retry-ms", "100"]).start()
        s3 = srv.client()
        for key, vs in versions.items():
            for v in vs:
                wait_status(s3, "ksrc", key, v, "COMPLETED", timeout=60)
        got = p.rs3.list_object_versions(Bucket="kbackup")["Versions"]
        assert len(got) == 40
        marks = set()
        for o in got:
            h = p.rs3.head_object(Bucket="kbackup", Key=o["Key"], VersionId=o["VersionId"])
            marks.add(h["Metadata"]["stocktake-replica-of"])
        assert marks == {v for vs in versions.values() for v in vs}
    finally:
        p.close()


def test_failed_replication_event():
    """A version that becomes FAILED sends s3:Replication:OperationFailedReplication (AWS has no
    event for a successful replication), from the outbox written with the status."""
    from test_notifications import Receiver
    rec = Receiver()
    p = Pair(retry_ms=50)
    try:
        versioned(p.s3, "evsrc")
        p.register("gone", dead_endpoint())
        configure(p.s3, "evsrc", [rule("nowhere", "gone")])
        arn = "arn:aws:sqs:us-east-1:123456789012:replication-events"
        p.source.admin("notify", "add", arn, "webhook", rec.url("/repl"))
        p.s3.put_bucket_notification_configuration(Bucket="evsrc", NotificationConfiguration={
            "QueueConfigurations": [{"Id": "repl", "QueueArn": arn,
                                     "Events": ["s3:Replication:*"]}]})
        v = p.s3.put_object(Bucket="evsrc", Key="doc.txt", Body=b"abc")["VersionId"]
        wait_status(p.s3, "evsrc", "doc.txt", v, "FAILED", timeout=40)
        r = rec.wait_records("/repl", 1)[0]
        assert r["eventName"] == "Replication:OperationFailedReplication"
        assert r["eventVersion"] == "2.2"
        assert r["userIdentity"]["principalId"] == "s3.amazonaws.com"
        assert r["s3"]["object"]["key"] == "doc.txt" and r["s3"]["object"]["versionId"] == v
        d = r["replicationEventData"]
        assert d["replicationRuleId"] == "remote"
        assert d["destinationBucket"] == "arn:aws:s3:::nowhere"
        assert d["s3Operation"] == "OBJECT_PUT"
        assert d["failureReason"] == "DstServiceUnavailable"
        time.sleep(0.5)
        assert len(rec.records("/repl")) == 1  # the PUT itself is not a Replication event
    finally:
        p.close()
        rec.close()
