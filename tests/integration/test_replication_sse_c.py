"""Replication of SSE-C versions (issue 13), as AWS does since 2022: the sealed bytes are copied
as they are (the customer's key is never stored, so the server cannot decrypt them), and the
replica reads with the same key. A destination that blocks SSE-C (BlockedEncryptionTypes, AWS
since April 2026) refuses the replication write: the source version ends FAILED."""
import base64
import hashlib
import os
import time

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, serve_checked
from test_sse import put_encryption_xml

ROLE = "arn:aws:iam::123456789012:role/replication"


@pytest.fixture(scope="module")
def server():
    yield from serve_checked(["--replication-retry-ms", "100", "--allow-insecure-sse-c"])


@pytest.fixture(scope="module")
def s3(server):
    return server.client()


def versioned(server, s3, name, sse_c="NONE"):
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    if sse_c:
        put_encryption_xml(server, name, sse_c)


def replicate(s3, src, dest):
    s3.put_bucket_replication(Bucket=src, ReplicationConfiguration={"Role": ROLE, "Rules": [{
        "ID": "r", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
        "Destination": {"Bucket": "arn:aws:s3:::" + dest},
        "DeleteMarkerReplication": {"Status": "Enabled"}}]})


def ssec(key):
    return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}


def wait_status(s3, bucket, key, version, want, timeout=20, **kw):
    deadline = time.time() + timeout
    got = None
    while time.time() < deadline:
        got = s3.head_object(Bucket=bucket, Key=key, VersionId=version, **kw).get(
            "ReplicationStatus")
        if got == want:
            return
        time.sleep(0.05)
    raise AssertionError("%s/%s: status %r, wanted %r" % (bucket, key, got, want))


def test_sse_c_version_replicates_and_reads_with_the_same_key(server, s3):
    versioned(server, s3, "c-src")
    versioned(server, s3, "c-dst")
    replicate(s3, "c-src", "c-dst")
    key = os.urandom(32)
    body = os.urandom(200 * 1024 + 7)  # several 64 KiB segments
    v = s3.put_object(Bucket="c-src", Key="k", Body=body, Metadata={"m": "1"},
                      **ssec(key))["VersionId"]
    wait_status(s3, "c-src", "k", v, "COMPLETED", **ssec(key))
    head = s3.head_object(Bucket="c-dst", Key="k", VersionId=v, **ssec(key))
    assert head["ReplicationStatus"] == "REPLICA"
    assert head["SSECustomerAlgorithm"] == "AES256"
    assert head["SSECustomerKeyMD5"] == base64.b64encode(hashlib.md5(key).digest()).decode()
    assert head["Metadata"] == {"m": "1"} and head["ContentLength"] == len(body)
    got = s3.get_object(Bucket="c-dst", Key="k", VersionId=v, **ssec(key))["Body"].read()
    assert got == body
    part = s3.get_object(Bucket="c-dst", Key="k", VersionId=v, Range="bytes=65530-131080",
                         **ssec(key))["Body"].read()
    assert part == body[65530:131081]
    # the replica is as closed as its source: no key, or another key, is refused
    for kw in ({}, ssec(os.urandom(32))):
        with pytest.raises(ClientError) as ei:
            s3.get_object(Bucket="c-dst", Key="k", VersionId=v, **kw)
        assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # the plaintext is nowhere on disk
    probe = body[1000:1064]
    for root, _, files in os.walk(server.data):
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                assert probe not in fh.read()


def test_sse_c_multipart_version_replicates(server, s3):
    versioned(server, s3, "cm-src")
    versioned(server, s3, "cm-dst")
    replicate(s3, "cm-src", "cm-dst")
    key = os.urandom(32)
    up = s3.create_multipart_upload(Bucket="cm-src", Key="big", **ssec(key))
    parts, data = [], []
    for n in (1, 2):
        chunk = os.urandom(5 * 1024 * 1024 if n == 1 else 1000)
        data.append(chunk)
        r = s3.upload_part(Bucket="cm-src", Key="big", UploadId=up["UploadId"], PartNumber=n,
                           Body=chunk, **ssec(key))
        parts.append({"PartNumber": n, "ETag": r["ETag"]})
    v = s3.complete_multipart_upload(Bucket="cm-src", Key="big", UploadId=up["UploadId"],
                                     MultipartUpload={"Parts": parts})["VersionId"]
    wait_status(s3, "cm-src", "big", v, "COMPLETED", **ssec(key))
    src = s3.head_object(Bucket="cm-src", Key="big", VersionId=v, **ssec(key))
    dst = s3.head_object(Bucket="cm-dst", Key="big", VersionId=v, **ssec(key))
    assert dst["ETag"] == src["ETag"] and dst["ETag"].endswith('-2"')
    got = s3.get_object(Bucket="cm-dst", Key="big", VersionId=v, **ssec(key))["Body"].read()
    assert got == b"".join(data)
    p2 = s3.get_object(Bucket="cm-dst", Key="big", VersionId=v, PartNumber=2, **ssec(key))
    assert p2["Body"].read() == data[1]


def test_destination_blocking_sse_c_fails_the_version(server, s3):
    versioned(server, s3, "cb-src")
    versioned(server, s3, "cb-dst", sse_c="SSE-C")
    replicate(s3, "cb-src", "cb-dst")
    key = os.urandom(32)
    v = s3.put_object(Bucket="cb-src", Key="k", Body=b"x", **ssec(key))["VersionId"]
    wait_status(s3, "cb-src", "k", v, "FAILED", timeout=30, **ssec(key))
    with pytest.raises(ClientError) as ei:
        s3.head_object(Bucket="cb-dst", Key="k", VersionId=v, **ssec(key))
    assert error_code(ei.value) in ("404", "NoSuchKey", "NoSuchVersion")
    assert "SSE-C writes are blocked on cb-dst" in server.read_log()
    # plain versions still replicate into it
    p = s3.put_object(Bucket="cb-src", Key="plain", Body=b"p")["VersionId"]
    wait_status(s3, "cb-src", "plain", p, "COMPLETED")

