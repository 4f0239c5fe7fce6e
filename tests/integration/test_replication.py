"""Replication: Put/Get/DeleteBucketReplication with AWS's validation and errors, and the worker
copying versions, delete markers, tags and ACLs to destination buckets on this server."""
import base64
import signal
import hashlib
import json
import subprocess
import time
import csv
import datetime
import gzip
import io

import pytest
from botocore.exceptions import ClientError

from conftest import BIN, Server, error_code, serve_checked
from sigv4 import signed_request

ROLE = "arn:aws:iam::123456789012:role/replication"


@pytest.fixture(scope="module")
def server():
    yield from serve_checked(["--replication-retry-ms", "100"])


@pytest.fixture(scope="module")
def s3(server):
    return server.client()


def v2_rule(dest="rdst", **kw):
    r = {
        "ID": "r1",
        "Priority": 1,
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "Destination": {"Bucket": "arn:aws:s3:::" + dest},
        "DeleteMarkerReplication": {"Status": "Enabled"},
    }
    r.update(kw)
    return r


def versioned(s3, name):
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


@pytest.fixture(scope="module")
def pair(s3):
    versioned(s3, "rsrc")
    versioned(s3, "rdst")
    return s3


def put(s3, rules, bucket="rsrc"):
    return s3.put_bucket_replication(
        Bucket=bucket, ReplicationConfiguration={"Role": ROLE, "Rules": rules}
    )


def refused(s3, rules, bucket="rsrc"):
    with pytest.raises(ClientError) as ei:
        put(s3, rules, bucket)
    err = ei.value.response["Error"]
    return err["Code"], err.get("Message", "")


def test_get_without_configuration_is_404(pair):
    with pytest.raises(ClientError) as ei:
        pair.get_bucket_replication(Bucket="rsrc")
    assert error_code(ei.value) == "ReplicationConfigurationNotFoundError"
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    # Delete without one answers 204 as AWS does
    assert pair.delete_bucket_replication(Bucket="rsrc")["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_versioning_required_on_source_and_destination(s3, pair):
    s3.create_bucket(Bucket="rplain")
    assert refused(s3, [v2_rule()], bucket="rplain") == (
        "InvalidRequest",
        "Versioning must be 'Enabled' on the bucket to apply a replication configuration",
    )
    assert refused(s3, [v2_rule(dest="rplain")]) == (
        "InvalidRequest",
        "Destination bucket must have versioning enabled.",
    )
    assert refused(s3, [v2_rule(dest="rnosuch")]) == (
        "InvalidRequest",
        "Destination bucket must exist.",
    )
    assert refused(s3, [v2_rule(dest="rsrc")])[0] == "InvalidRequest"


def test_rule_validation_as_aws(pair):
    s3 = pair
    assert refused(s3, [v2_rule(), v2_rule(ID="r2")]) == (
        "InvalidRequest",
        "Found duplicate priority. Rule priorities must be unique",
    )
    assert refused(s3, [v2_rule(), v2_rule(Priority=2)]) == (
        "InvalidArgument",
        "Rule Id must be unique",
    )
    no_dm = v2_rule()
    del no_dm["DeleteMarkerReplication"]
    assert refused(s3, [no_dm])[0] == "MalformedXML"
    tagged = v2_rule(Filter={"Tag": {"Key": "k", "Value": "v"}})
    code, msg = refused(s3, [tagged])
    assert code == "InvalidRequest" and "Delete marker replication is not supported" in msg
    bad_arn = v2_rule()
    bad_arn["Destination"] = {"Bucket": "rdst"}
    assert refused(s3, [bad_arn]) == ("InvalidArgument", "Invalid ARN")
    sc = v2_rule()
    sc["Destination"]["StorageClass"] = "WARP"
    # botocore validates the enum client-side only for known members; WARP is sent as is
    assert refused(s3, [sc])[0] == "InvalidStorageClass"
    act = v2_rule()
    act["Destination"]["AccessControlTranslation"] = {"Owner": "Destination"}
    assert refused(s3, [act]) == (
        "InvalidRequest",
        "Account must be specified when AccessControlTranslation is specified",
    )
    rules = [v2_rule(ID="r%d" % i, Priority=i) for i in range(1001)]
    assert refused(s3, rules)[0] == "InvalidRequest"


def test_malformed_body(server, pair):
    for body in (b"<ReplicationConfiguration>", b"<ReplicationConfiguration/>", b"<Other/>",
                 b"<ReplicationConfiguration><Rule><Bogus/></Rule></ReplicationConfiguration>"):
        md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
        status, _, resp = signed_request(server, "PUT", "/rsrc", query=[("replication", "")],
                                         headers={"content-md5": md5}, body=body)
        assert status == 400 and b"<Code>MalformedXML</Code>" in resp



def wait_status(s3, bucket, key, version, want, timeout=20):
    deadline = time.time() + timeout
    got = None
    while time.time() < deadline:
        got = s3.head_object(Bucket=bucket, Key=key, VersionId=version).get("ReplicationStatus")
        if got == want:
            return got
        time.sleep(0.05)
    raise AssertionError("%s/%s %s: replication status %r, wanted %r" % (bucket, key, version,
                                                                         got, want))


def test_get_answers_the_stored_rules_and_delete_removes_them(pair):
    rule = v2_rule(ID="", Filter={"And": {"Prefix": "a/", "Tags": [{"Key": "k", "Value": "v"}]}},
                   DeleteMarkerReplication={"Status": "Disabled"})
    del rule["ID"]
    rule["Destination"]["StorageClass"] = "STANDARD_IA"
    put(pair, [rule], bucket="rsrc")
    got = pair.get_bucket_replication(Bucket="rsrc")["ReplicationConfiguration"]
    assert got["Role"] == ROLE
    (r,) = got["Rules"]
    assert r["ID"] and r["Priority"] == 1 and r["Status"] == "Enabled"
    assert r["Filter"] == {"And": {"Prefix": "a/", "Tags": [{"Key": "k", "Value": "v"}]}}
    assert r["Destination"] == {"Bucket": "arn:aws:s3:::rdst", "StorageClass": "STANDARD_IA"}
    assert r["DeleteMarkerReplication"] == {"Status": "Disabled"}
    # the aws CLI reads the same document
    out = subprocess.run(["/usr/bin/aws", "--endpoint-url", pair.meta.endpoint_url,
                          "s3api", "get-bucket-replication", "--bucket", "rsrc"],
                         capture_output=True, text=True, env=aws_env(pair), check=True)
    assert json.loads(out.stdout)["ReplicationConfiguration"]["Rules"][0]["ID"] == r["ID"]
    pair.delete_bucket_replication(Bucket="rsrc")
    with pytest.raises(ClientError) as ei:
        pair.get_bucket_replication(Bucket="rsrc")
    assert error_code(ei.value) == "ReplicationConfigurationNotFoundError"


def aws_env(client):
    import os
    creds = client._request_signer._credentials
    env = dict(os.environ)
    env.update(AWS_ACCESS_KEY_ID=creds.access_key, AWS_SECRET_ACCESS_KEY=creds.secret_key,
               AWS_DEFAULT_REGION="us-east-1")
    return env


@pytest.fixture(scope="module")
def same(s3):
    versioned(s3, "same-src")
    versioned(s3, "same-dst")
    put(s3, [v2_rule(dest="same-dst")], bucket="same-src")
    return s3


def test_put_overwrite_tags_and_delete_marker_replicate(same):
    s3 = same
    v1 = s3.put_object(Bucket="same-src", Key="k", Body=b"one", ContentType="text/plain",
                       Metadata={"color": "blue"}, Tagging="t=1",
                       ChecksumAlgorithm="SHA256")["VersionId"]
    assert s3.head_object(Bucket="same-src", Key="k", VersionId=v1)["ReplicationStatus"] in (
        "PENDING", "COMPLETED")
    wait_status(s3, "same-src", "k", v1, "COMPLETED")
    h = s3.head_object(Bucket="same-dst", Key="k", VersionId=v1, ChecksumMode="ENABLED")
    src = s3.head_object(Bucket="same-src", Key="k", VersionId=v1, ChecksumMode="ENABLED")
    assert h["ReplicationStatus"] == "REPLICA"
    assert h["ContentType"] == "text/plain" and h["Metadata"] == {"color": "blue"}
    assert h["ETag"] == src["ETag"] and h["ChecksumSHA256"] == src["ChecksumSHA256"]
    assert s3.get_object(Bucket="same-dst", Key="k", VersionId=v1)["Body"].read() == b"one"
    assert s3.get_object_tagging(Bucket="same-dst", Key="k", VersionId=v1)["TagSet"] == [
        {"Key": "t", "Value": "1"}]
    # an overwrite is a new version, replicated with its own id
    v2 = s3.put_object(Bucket="same-src", Key="k", Body=b"two")["VersionId"]
    wait_status(s3, "same-src", "k", v2, "COMPLETED")
    assert s3.get_object(Bucket="same-dst", Key="k")["Body"].read() == b"two"
    assert s3.get_object(Bucket="same-dst", Key="k")["VersionId"] == v2
    # a tag change goes too
    s3.put_object_tagging(Bucket="same-src", Key="k", VersionId=v2,
                          Tagging={"TagSet": [{"Key": "new", "Value": "x"}]})
    deadline = time.time() + 20
    while time.time() < deadline:
        tags = s3.get_object_tagging(Bucket="same-dst", Key="k", VersionId=v2)["TagSet"]
        if tags == [{"Key": "new", "Value": "x"}]:
            break
        time.sleep(0.05)
    assert tags == [{"Key": "new", "Value": "x"}]
    wait_status(s3, "same-src", "k", v2, "COMPLETED")
    # a delete marker (DeleteMarkerReplication Enabled)
    dm = s3.delete_object(Bucket="same-src", Key="k")["VersionId"]
    deadline = time.time() + 20
    while time.time() < deadline:
        vs = s3.list_object_versions(Bucket="same-dst", Prefix="k").get("DeleteMarkers", [])
        if any(d["VersionId"] == dm and d["IsLatest"] for d in vs):
            break
        time.sleep(0.05)
    else:
        raise AssertionError("delete marker not replicated")
    # the replica itself is never replicated back, and a replica is not PENDING
    versions = s3.list_object_versions(Bucket="same-dst", Prefix="k")["Versions"]
    assert sorted(v["VersionId"] for v in versions) == sorted([v1, v2])


def test_filters_and_disabled_delete_markers(s3):
    versioned(s3, "flt-src")
    versioned(s3, "flt-dst")
    put(s3, [v2_rule(dest="flt-dst", Filter={"Prefix": "logs/"},
                     DeleteMarkerReplication={"Status": "Disabled"})], bucket="flt-src")
    other = s3.put_object(Bucket="flt-src", Key="data/x", Body=b"x")["VersionId"]
    v = s3.put_object(Bucket="flt-src", Key="logs/x", Body=b"x")["VersionId"]
    wait_status(s3, "flt-src", "logs/x", v, "COMPLETED")
    assert "ReplicationStatus" not in s3.head_object(Bucket="flt-src", Key="data/x",
                                                     VersionId=other)
    s3.delete_object(Bucket="flt-src", Key="logs/x")
    time.sleep(1)
    vs = s3.list_object_versions(Bucket="flt-dst")
    assert "DeleteMarkers" not in vs
    assert [o["Key"] for o in vs["Versions"]] == ["logs/x"]


def replicate_policy(dest, account):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % account},
        "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
        "Resource": "arn:aws:s3:::%s/*" % dest}]})


def test_cross_account_needs_the_destination_policy(server, s3):
    acct, key, secret = server.add_account("replica-owner")
    other = server.client(key, secret)
    versioned(s3, "x-src")
    versioned(other, "x-allowed")
    versioned(other, "x-refused")
    other.put_bucket_policy(Bucket="x-allowed",
                            Policy=replicate_policy("x-allowed", server.root_account()))
    rules = [v2_rule(dest="x-allowed", ID="ok", Priority=2, Filter={"Prefix": "ok/"}),
             v2_rule(dest="x-refused", ID="no", Priority=1, Filter={"Prefix": "no/"})]
    for r in rules:
        r["Destination"]["Account"] = acct
    rules[0]["Destination"]["AccessControlTranslation"] = {"Owner": "Destination"}
    put(s3, rules, bucket="x-src")
    ok = s3.put_object(Bucket="x-src", Key="ok/1", Body=b"1")["VersionId"]
    no = s3.put_object(Bucket="x-src", Key="no/1", Body=b"1")["VersionId"]
    wait_status(s3, "x-src", "ok/1", ok, "COMPLETED")
    assert other.get_object(Bucket="x-allowed", Key="ok/1")["Body"].read() == b"1"
    # AccessControlTranslation: the destination's owner owns the replica
    assert other.get_object_acl(Bucket="x-allowed", Key="ok/1")["Owner"]["ID"] == \
        other.list_buckets()["Owner"]["ID"]
    wait_status(s3, "x-src", "no/1", no, "FAILED")
    with pytest.raises(ClientError):
        other.head_object(Bucket="x-refused", Key="no/1")
    assert "FAILED after 5 attempts" in server.read_log()


def test_inventory_replication_status_column(server, s3, same):
    from conftest import allow_inventory_delivery

    s3.create_bucket(Bucket="repl-inv")
    allow_inventory_delivery(server, s3, "repl-inv")
    for b in ("same-src", "same-dst"):
        s3.put_bucket_inventory_configuration(
            Bucket=b, Id="r", InventoryConfiguration={
                "Id": "r", "IsEnabled": True, "IncludedObjectVersions": "All",
                "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::repl-inv",
                                                        "Format": "CSV", "Prefix": b}},
                "Schedule": {"Frequency": "Daily"}, "OptionalFields": ["ReplicationStatus"]})
        p = subprocess.run([BIN, "inventory", "run", "--data", server.data, "--bucket", b,
                            "--id", "r"], capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
    rows = {}
    for o in s3.list_objects_v2(Bucket="repl-inv")["Contents"]:
        if o["Key"].endswith(".csv.gz"):
            data = gzip.decompress(s3.get_object(Bucket="repl-inv", Key=o["Key"])["Body"].read())
            for r in csv.reader(io.StringIO(data.decode())):
                # bucket, key, version, is_latest, is_delete_marker, replication status
                rows[(r[0], r[1], r[2])] = r[-1]
    src = {k: v for k, v in rows.items() if k[0] == "same-src" and k[1] == "k"}
    dst = {k: v for k, v in rows.items() if k[0] == "same-dst" and k[1] == "k"}
    assert sorted(src.values()) == ["", "COMPLETED", "COMPLETED"] or \
        sorted(src.values()) == ["COMPLETED", "COMPLETED", "COMPLETED"]
    assert [v for v in dst.values() if v] == ["REPLICA", "REPLICA"]


def test_status_command(server, same):
    out = subprocess.run([BIN, "replication", "status", "--data", server.data],
                         capture_output=True, text=True, check=True).stdout
    assert "queued" in out and "failed" in out


def test_kill_9_during_a_backlog_loses_nothing(tmp_path):
    """Versions under "live/" replicate while the process is killed (some copied, some in
    flight); those under "held/" wait for a destination that does not exist yet, so a backlog
    is certain at the kill. After the restart (and the destination's creation) every one is
    COMPLETED, each exactly once in its destination."""
    args = ["--replication-retry-ms", "2000"]
    srv = first = Server(args=args).start()
    try:
        s3 = srv.client()
        versioned(s3, "bk-src")
        versioned(s3, "bk-dst")
        versioned(s3, "bk-held")
        put(s3, [v2_rule(dest="bk-dst", ID="live", Priority=1, Filter={"Prefix": "live/"}),
                 v2_rule(dest="bk-held", ID="held", Priority=2, Filter={"Prefix": "held/"})],
            bucket="bk-src")
        s3.delete_bucket(Bucket="bk-held")
        versions = {}
        for i in range(30):
            for prefix in ("live/", "held/"):
                key = "%sobj-%02d" % (prefix, i)
                versions[key] = s3.put_object(Bucket="bk-src", Key=key,
                                              Body=b"x" * (i * 1000))["VersionId"]
        srv.stop(signal.SIGKILL)
        out = subprocess.run([BIN, "replication", "status", "--data", first.data],
                             capture_output=True, text=True, check=True).stdout
        queued = int(out.split("queued ")[1].split()[0])
        assert queued >= 30, out
        srv = Server(data_dir=first.data, args=args).start()
        s3 = srv.client()
        versioned(s3, "bk-held")
        for key, v in versions.items():
            wait_status(s3, "bk-src", key, v, "COMPLETED", timeout=60)
            dest = "bk-dst" if key.startswith("live/") else "bk-held"
            h = s3.head_object(Bucket=dest, Key=key, VersionId=v)
            assert h["ContentLength"] == int(key[-2:]) * 1000
        for dest in ("bk-dst", "bk-held"):
            got = [o["VersionId"] for o in s3.list_object_versions(Bucket=dest)["Versions"]]
            assert len(got) == 30 and len(set(got)) == 30
        out = subprocess.run([BIN, "replication", "status", "--data", srv.data],
                             capture_output=True, text=True, check=True).stdout
        assert "queued 0\n" in out and "completed 60\n" in out, out
    finally:
        assert srv.stop() == 0
        log = srv.read_log()
        assert "Sanitizer" not in log and "runtime error:" not in log, log
        srv.cleanup()
        if first is not srv:
            first.cleanup()

def test_multipart_encrypted_and_locked_versions(s3):
    s3.create_bucket(Bucket="mp-src", ObjectLockEnabledForBucket=True)
    versioned(s3, "mp-dst")
    s3.create_bucket(Bucket="mp-locked", ObjectLockEnabledForBucket=True)
    put(s3, [v2_rule(dest="mp-dst", ID="main", Priority=1),
             v2_rule(dest="mp-locked", ID="locked", Priority=2, Filter={"Prefix": "lock/"})],
        bucket="mp-src")
    part = b"p" * (5 * 1024 * 1024)
    up = s3.create_multipart_upload(Bucket="mp-src", Key="big", ChecksumAlgorithm="CRC32")
    parts = []
    for n in (1, 2):
        r = s3.upload_part(Bucket="mp-src", Key="big", UploadId=up["UploadId"], PartNumber=n,
                           Body=part + bytes([n]), ChecksumAlgorithm="CRC32")
        parts.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
    v = s3.complete_multipart_upload(Bucket="mp-src", Key="big", UploadId=up["UploadId"],
                                     MultipartUpload={"Parts": parts})["VersionId"]
    enc = s3.put_object(Bucket="mp-src", Key="enc", Body=b"secret",
                        ServerSideEncryption="AES256")["VersionId"]
    until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    locked = s3.put_object(Bucket="mp-src", Key="lock/1", Body=b"l", ObjectLockMode="GOVERNANCE",
                           ObjectLockRetainUntilDate=until)["VersionId"]
    for key, ver in (("big", v), ("enc", enc), ("lock/1", locked)):
        wait_status(s3, "mp-src", key, ver, "COMPLETED")
    src = s3.head_object(Bucket="mp-src", Key="big", VersionId=v, ChecksumMode="ENABLED")
    dst = s3.head_object(Bucket="mp-dst", Key="big", VersionId=v, ChecksumMode="ENABLED")
    assert dst["ETag"] == src["ETag"] and dst["ETag"].endswith('-2"')
    assert dst["ChecksumCRC32"] == src["ChecksumCRC32"]
    body = s3.get_object(Bucket="mp-dst", Key="big", VersionId=v)["Body"].read()
    assert body == part + b"\x01" + part + b"\x02"
    e = s3.get_object(Bucket="mp-dst", Key="enc", VersionId=enc)
    assert e["ServerSideEncryption"] == "AES256" and e["Body"].read() == b"secret"
    lk = s3.head_object(Bucket="mp-locked", Key="lock/1", VersionId=locked)
    assert lk["ObjectLockMode"] == "GOVERNANCE" and lk["ReplicationStatus"] == "REPLICA"
    # a locked version cannot go to a bucket without Object Lock
    put(s3, [v2_rule(dest="mp-dst")], bucket="mp-src")
    locked2 = s3.put_object(Bucket="mp-src", Key="lock/2", Body=b"l", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=until)["VersionId"]
    wait_status(s3, "mp-src", "lock/2", locked2, "FAILED")


def test_versioning_cannot_be_suspended_under_replication(same):
    with pytest.raises(ClientError) as ei:
        same.put_bucket_versioning(Bucket="same-src",
                                   VersioningConfiguration={"Status": "Suspended"})
    assert error_code(ei.value) == "InvalidBucketState"


def test_aws_cli_put_and_delete(s3, tmp_path):
    versioned(s3, "cli-src")
    versioned(s3, "cli-dst")
    cfg = tmp_path / "repl.json"
    cfg.write_text(json.dumps({"Role": ROLE, "Rules": [{
        "Status": "Enabled", "Priority": 7, "Filter": {"Prefix": "docs/"},
        "DeleteMarkerReplication": {"Status": "Disabled"},
        "Destination": {"Bucket": "arn:aws:s3:::cli-dst"}}]}))

    def aws(*args):
        return subprocess.run(["/usr/bin/aws", "--endpoint-url", s3.meta.endpoint_url, "s3api",
                               *args], capture_output=True, text=True, env=aws_env(s3))

    p = aws("put-bucket-replication", "--bucket", "cli-src", "--replication-configuration",
            "file://%s" % cfg)
    assert p.returncode == 0, p.stderr
    (rule,) = s3.get_bucket_replication(Bucket="cli-src")["ReplicationConfiguration"]["Rules"]
    assert rule["Priority"] == 7 and rule["ID"]
    v = s3.put_object(Bucket="cli-src", Key="docs/a", Body=b"a")["VersionId"]
    wait_status(s3, "cli-src", "docs/a", v, "COMPLETED")
    assert aws("delete-bucket-replication", "--bucket", "cli-src").returncode == 0
    p = aws("get-bucket-replication", "--bucket", "cli-src")
    assert p.returncode != 0 and "ReplicationConfigurationNotFoundError" in p.stderr
    # without a configuration new versions are not replicated
    v2 = s3.put_object(Bucket="cli-src", Key="docs/b", Body=b"b")["VersionId"]
    assert "ReplicationStatus" not in s3.head_object(Bucket="cli-src", Key="docs/b", VersionId=v2)


def test_sse_kms_versions_replicate_only_when_selected(server, s3):
    """SSE-KMS versions replicate only with SourceSelectionCriteria/SseKmsEncryptedObjects
    Enabled, re-encrypted under the rule's ReplicaKmsKeyID; otherwise they get no status."""
    import boto3
    from botocore.config import Config
    kms = boto3.client("kms", endpoint_url=server.endpoint, region_name=server.region,
                       aws_access_key_id=server.access_key,
                       aws_secret_access_key=server.secret_key,
                       config=Config(retries={"max_attempts": 1}))
    src_key = kms.create_key()["KeyMetadata"]["Arn"]
    dst_key = kms.create_key()["KeyMetadata"]["Arn"]
    for b in ("kmssrc", "kmsdst", "kmsplain-src", "kmsplain-dst"):
        versioned(s3, b)
    put(s3, [v2_rule(dest="kmsdst", SourceSelectionCriteria={
        "SseKmsEncryptedObjects": {"Status": "Enabled"}},
        Destination={"Bucket": "arn:aws:s3:::kmsdst",
                     "EncryptionConfiguration": {"ReplicaKmsKeyID": dst_key}})],
        bucket="kmssrc")
    put(s3, [v2_rule(dest="kmsplain-dst")], bucket="kmsplain-src")
    v = s3.put_object(Bucket="kmssrc", Key="secret.txt", Body=b"classified",
                      ServerSideEncryption="aws:kms", SSEKMSKeyId=src_key)["VersionId"]
    wait_status(s3, "kmssrc", "secret.txt", v, "COMPLETED")
    got = s3.get_object(Bucket="kmsdst", Key="secret.txt", VersionId=v)
    assert got["Body"].read() == b"classified"
    assert got["ReplicationStatus"] == "REPLICA"
    assert got["ServerSideEncryption"] == "aws:kms"
    assert got["SSEKMSKeyId"] == dst_key
    # without SseKmsEncryptedObjects: not replicated, no status (plain versions still are)
    v = s3.put_object(Bucket="kmsplain-src", Key="k", Body=b"x", ServerSideEncryption="aws:kms",
                      SSEKMSKeyId=src_key)["VersionId"]
    p = s3.put_object(Bucket="kmsplain-src", Key="plain", Body=b"y")["VersionId"]
    wait_status(s3, "kmsplain-src", "plain", p, "COMPLETED")
    assert "ReplicationStatus" not in s3.head_object(Bucket="kmsplain-src", Key="k", VersionId=v)
    with pytest.raises(ClientError):
        s3.head_object(Bucket="kmsplain-dst", Key="k")


def test_lifecycle_delete_markers_are_not_replicated(tmp_path):
    """As AWS: delete markers that lifecycle expiration adds are not replicated; a user's
    delete marker is (DeleteMarkerReplication Enabled)."""
    srv = Server(args=["--replication-retry-ms", "100", "--lifecycle-day-seconds", "2"]).start()
    try:
        s3 = srv.client()
        versioned(s3, "lcr-src")
        versioned(s3, "lcr-dst")
        put(s3, [v2_rule(dest="lcr-dst")], bucket="lcr-src")
        v = s3.put_object(Bucket="lcr-src", Key="exp/k", Body=b"x")["VersionId"]
        wait_status(s3, "lcr-src", "exp/k", v, "COMPLETED")
        u = s3.put_object(Bucket="lcr-src", Key="user/k", Body=b"y")["VersionId"]
        wait_status(s3, "lcr-src", "user/k", u, "COMPLETED")
        s3.delete_object(Bucket="lcr-src", Key="user/k")
        s3.put_bucket_lifecycle_configuration(Bucket="lcr-src", LifecycleConfiguration={
            "Rules": [{"ID": "e", "Status": "Enabled", "Filter": {"Prefix": "exp/"},
                       "Expiration": {"Days": 1}}]})
        deadline = time.time() + 30
        markers = []
        while time.time() < deadline and not markers:
            markers = [m for m in s3.list_object_versions(Bucket="lcr-src", Prefix="exp/")
                       .get("DeleteMarkers", [])]
            time.sleep(0.2)
        assert markers, "lifecycle made no delete marker"
        deadline = time.time() + 10
        user_markers = []
        while time.time() < deadline and not user_markers:
            user_markers = s3.list_object_versions(Bucket="lcr-dst", Prefix="user/").get(
                "DeleteMarkers", [])
            time.sleep(0.1)
        assert len(user_markers) == 1
        time.sleep(1)  # several worker ticks
        dst = s3.list_object_versions(Bucket="lcr-dst", Prefix="exp/")
        assert not dst.get("DeleteMarkers") and len(dst["Versions"]) == 1
    finally:
        assert srv.stop() == 0
        log = srv.read_log()
        srv.cleanup()
        assert "Sanitizer" not in log and "runtime error:" not in log, log
