"""The inventory configuration's Encryption (research inventory-format.md, the seed's set-up):
SSE-S3 seals every report object — data files, manifest.json, manifest.checksum and
symlink.txt — with the server's master key, so reading them back over S3 shows
x-amz-server-side-encryption: AES256 and no report byte is stored in plaintext; the
`stocktake inventory run` process finds the master key serve uses. SSE-KMS follows the seed's
set-up steps (aws kms put-key-policy with its statement granting s3.amazonaws.com
kms:GenerateDataKey, then an SSE-KMS inventory): every report object reads back with
aws:kms and the key's ARN; without the grant, or with a disabled or missing key, the run fails
with the reason and writes nothing. EncryptionStatus / BucketKeyStatus show SSE-KMS, DSSE-KMS
and bucket keys."""
import csv
import gzip
import json
import os
import subprocess

import pytest

from conftest import Server, allow_inventory_delivery
from test_inventory_reports import config, fetch_report, run_inventory

MARKER = "report-marker-d41d8cd9"


@pytest.fixture(scope="module")
def server():
    srv = Server().start()
    yield srv
    assert srv.stop() == 0
    srv.cleanup()


@pytest.fixture(scope="module")
def s3(server):
    return server.client()


@pytest.fixture(scope="module")
def source(server, s3):
    s3.create_bucket(Bucket=MARKER)
    s3.create_bucket(Bucket="enc-dest")
    allow_inventory_delivery(server, s3, "enc-dest")
    for i in range(20):
        s3.put_object(Bucket=MARKER, Key="%s/%03d" % (MARKER, i), Body=b"x" * i)
    return MARKER


def _report_keys(s3, dest, prefix):
    out = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=dest, Prefix=prefix):
        out += [o["Key"] for o in page.get("Contents", [])]
    return out


@pytest.mark.parametrize("fmt", ["CSV", "Parquet"])
def test_sse_s3_report_objects_are_sealed(server, s3, source, tmp_path, fmt):
    prefix = "sse-" + fmt.lower()
    s3.put_bucket_inventory_configuration(Bucket=source, Id=prefix, InventoryConfiguration=config(
        prefix, "enc-dest", prefix=prefix, fmt=fmt, fields=["Size", "EncryptionStatus"],
        Encryption={"SSES3": {}}))
    p = run_inventory(server, source, prefix)
    manifest, files = fetch_report(s3, "enc-dest", p.stdout.strip(), tmp_path)  # readable
    assert len(files) == len(manifest["files"]) >= 1
    keys = _report_keys(s3, "enc-dest", prefix + "/")
    assert {k.rsplit("/", 1)[-1] for k in keys if "/data/" not in k} >= {
        "manifest.json", "manifest.checksum", "symlink.txt"}
    for k in keys:
        h = s3.head_object(Bucket="enc-dest", Key=k)
        assert h["ServerSideEncryption"] == "AES256", k
        got = s3.get_object(Bucket="enc-dest", Key=k)
        assert got["ServerSideEncryption"] == "AES256"
        got["Body"].read()
    # manifest.json names the source bucket: no stored file holds it in plaintext
    needle = ('"sourceBucket" : "%s"' % source).encode()
    for root, _, names in os.walk(server.data):
        for n in names:
            if n.endswith((".db", ".db-wal", ".db-shm")):
                continue
            with open(os.path.join(root, n), "rb") as f:
                assert needle not in f.read(), os.path.join(root, n)


SEED_STATEMENT = {  # the seed's set-up page, verbatim
    "Sid": "Allow Amazon S3 use of the CMK",
    "Effect": "Allow",
    "Principal": {
        "Service": "s3.amazonaws.com"
    },
    "Action": [
        "kms:GenerateDataKey"
    ],
    "Resource": "*"
}


def _aws(server, *args):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=server.access_key,
               AWS_SECRET_ACCESS_KEY=server.secret_key, AWS_DEFAULT_REGION=server.region,
               AWS_PAGER="", AWS_EC2_METADATA_DISABLED="true")
    p = subprocess.run(["/usr/bin/aws", "--endpoint-url", server.endpoint, *args, "--output",
                        "json"], env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout) if p.stdout.strip() else None


def _kms_key(server, grant_s3):
    """A customer managed key made with `aws kms create-key`; with grant_s3, the seed's
    statement added to its key policy with `aws kms put-key-policy`."""
    md = _aws(server, "kms", "create-key", "--description", "inventory reports")["KeyMetadata"]
    if grant_s3:
        policy = json.loads(_aws(server, "kms", "get-key-policy", "--key-id", md["KeyId"],
                                 "--policy-name", "default")["Policy"])
        policy["Statement"].append(SEED_STATEMENT)
        _aws(server, "kms", "put-key-policy", "--key-id", md["KeyId"], "--policy-name",
             "default", "--policy", json.dumps(policy))
    return md


def test_sse_kms_report_with_the_seeds_key_policy(server, s3, source, tmp_path):
    md = _kms_key(server, grant_s3=True)
    s3.put_object(Bucket=source, Key="kms-obj", Body=b"k", ServerSideEncryption="aws:kms",
                  SSEKMSKeyId=md["KeyId"], BucketKeyEnabled=True)
    s3.put_object(Bucket=source, Key="dsse-obj", Body=b"d", ServerSideEncryption="aws:kms:dsse",
                  SSEKMSKeyId=md["KeyId"])
    s3.put_bucket_inventory_configuration(Bucket=source, Id="kms", InventoryConfiguration=config(
        "kms", "enc-dest", prefix="kms", fields=["Size", "EncryptionStatus", "BucketKeyStatus"],
        Encryption={"SSEKMS": {"KeyId": md["Arn"]}}))
    p = run_inventory(server, source, "kms")
    manifest, files = fetch_report(s3, "enc-dest", p.stdout.strip(), tmp_path)  # decrypts
    keys = _report_keys(s3, "enc-dest", "kms/")
    assert {k.rsplit("/", 1)[-1] for k in keys if "/data/" not in k} >= {
        "manifest.json", "manifest.checksum", "symlink.txt"}
    for k in keys:
        h = s3.head_object(Bucket="enc-dest", Key=k)
        assert h["ServerSideEncryption"] == "aws:kms" and h["SSEKMSKeyId"] == md["Arn"], k
        g = s3.get_object(Bucket="enc-dest", Key=k)
        assert g["ServerSideEncryption"] == "aws:kms" and g["SSEKMSKeyId"] == md["Arn"]
        g["Body"].read()
    rows = {}
    for f in files:
        with gzip.open(f, "rt") as fh:
            for row in csv.reader(fh):
                rows[row[1]] = row[2:]
    assert rows["kms-obj"][1:] == ["SSE-KMS", "ENABLED"]
    assert rows["dsse-obj"][1:] == ["DSSE-KMS", "DISABLED"]
    assert rows["%s/000" % MARKER][1:] == ["SSE-S3", "DISABLED"]
    # manifest.json names the source bucket: no stored file holds it in plaintext
    needle = ('"sourceBucket" : "%s"' % source).encode()
    for root, _, names in os.walk(server.data):
        for n in names:
            if not n.endswith((".db", ".db-wal", ".db-shm")):
                with open(os.path.join(root, n), "rb") as fh:
                    assert needle not in fh.read(), os.path.join(root, n)


def _fails_writing_nothing(server, s3, source, id_, key_id, reason):
    s3.put_bucket_inventory_configuration(Bucket=source, Id=id_, InventoryConfiguration=config(
        id_, "enc-dest", prefix=id_, fields=["Size"], Encryption={"SSEKMS": {"KeyId": key_id}}))
    p = run_inventory(server, source, id_, check=False)
    assert p.returncode != 0
    assert "SSE-KMS" in p.stderr and reason in p.stderr, p.stderr
    assert "Sanitizer" not in p.stderr, p.stderr
    assert _report_keys(s3, "enc-dest", id_ + "/") == []


def test_sse_kms_report_fails_without_the_grant_and_writes_nothing(server, s3, source):
    md = _kms_key(server, grant_s3=False)  # the default policy: the account root only
    _fails_writing_nothing(server, s3, source, "nogrant", md["Arn"], "AccessDeniedException")


def test_sse_kms_report_fails_on_disabled_or_missing_key(server, s3, source):
    md = _kms_key(server, grant_s3=True)
    _aws(server, "kms", "disable-key", "--key-id", md["KeyId"])
    _fails_writing_nothing(server, s3, source, "disabled", md["Arn"], "DisabledException")
    missing = md["Arn"].rsplit("/", 1)[0] + "/00000000-0000-4000-8000-000000000000"
    _fails_writing_nothing(server, s3, source, "missing", missing, "NotFoundException")


def test_report_without_encryption_gets_the_destinations_default(server, s3, source, tmp_path):
    """No Encryption in the configuration: the report objects are encrypted as the destination
    bucket's default encryption says — SSE-S3 for every bucket since 2023 (a bucket created on
    this non-legacy server has it without a stored configuration)."""
    s3.put_bucket_inventory_configuration(Bucket=source, Id="dflt", InventoryConfiguration=config(
        "dflt", "enc-dest", prefix="dflt", fields=["Size"]))
    p = run_inventory(server, source, "dflt")
    fetch_report(s3, "enc-dest", p.stdout.strip(), tmp_path)
    for k in _report_keys(s3, "enc-dest", "dflt/"):
        assert s3.head_object(Bucket="enc-dest", Key=k)["ServerSideEncryption"] == "AES256", k


def test_legacy_destination_without_encryption_gets_plain_reports(tmp_path):
    srv = Server(args=["--legacy-bucket-defaults"]).start()
    try:
        s3 = srv.client()
        s3.create_bucket(Bucket="plain-src")
        s3.create_bucket(Bucket="plain-dst")
        allow_inventory_delivery(srv, s3, "plain-dst")
        s3.put_object(Bucket="plain-src", Key="k", Body=b"v")
        s3.put_bucket_inventory_configuration(Bucket="plain-src", Id="p",
                                              InventoryConfiguration=config(
                                                  "p", "plain-dst", fields=["Size"]))
        p = run_inventory(srv, "plain-src", "p", "--legacy-bucket-defaults")
        fetch_report(s3, "plain-dst", p.stdout.strip(), tmp_path)
        keys = _report_keys(s3, "plain-dst", "")
        assert keys
        for k in keys:
            assert "ServerSideEncryption" not in s3.head_object(Bucket="plain-dst", Key=k), k
    finally:
        assert srv.stop() == 0
        srv.cleanup()


@pytest.mark.parametrize("fmt", ["Parquet", "ORC"])
def test_encryption_status_of_every_mode_in_parquet_and_orc(tmp_path, fmt):
    """EncryptionStatus and BucketKeyStatus are the real values in the binary formats too:
    NOT-SSE, SSE-S3, SSE-C, SSE-KMS (with a bucket key), DSSE-KMS."""
    import orc_reader
    from test_inventory_parquet import duckdb_rows
    from test_sse import ssec  # legacy defaults: SSE-C allowed, no default encryption
    srv = Server(args=["--legacy-bucket-defaults", "--allow-insecure-sse-c"]).start()
    try:
        s3 = srv.client()
        s3.create_bucket(Bucket="modes-src")
        s3.create_bucket(Bucket="modes-dst")
        allow_inventory_delivery(srv, s3, "modes-dst")
        s3.put_object(Bucket="modes-src", Key="plain", Body=b"p")  # legacy: no default
        s3.put_object(Bucket="modes-src", Key="sse-s3", Body=b"s", ServerSideEncryption="AES256")
        s3.put_object(Bucket="modes-src", Key="sse-c", Body=b"c", **ssec(os.urandom(32)))
        s3.put_object(Bucket="modes-src", Key="kms-bk", Body=b"k", ServerSideEncryption="aws:kms",
                      BucketKeyEnabled=True)
        s3.put_object(Bucket="modes-src", Key="kms", Body=b"k", ServerSideEncryption="aws:kms")
        s3.put_object(Bucket="modes-src", Key="dsse", Body=b"d",
                      ServerSideEncryption="aws:kms:dsse")
        s3.put_bucket_inventory_configuration(Bucket="modes-src", Id="m", InventoryConfiguration=(
            config("m", "modes-dst", fmt=fmt, fields=["EncryptionStatus", "BucketKeyStatus"])))
        p = run_inventory(srv, "modes-src", "m")
        _, files = fetch_report(s3, "modes-dst", p.stdout.strip(), tmp_path)
        if fmt == "Parquet":
            rows = duckdb_rows([str(f) for f in files])
        else:
            rows = [r for f in files for r in orc_reader.read(f).rows()]
        got = {r["key"]: (r["encryption_status"], r["bucket_key_status"]) for r in rows}
        assert got == {"plain": ("NOT-SSE", "DISABLED"), "sse-s3": ("SSE-S3", "DISABLED"),
                       "sse-c": ("SSE-C", "DISABLED"), "kms-bk": ("SSE-KMS", "ENABLED"),
                       "kms": ("SSE-KMS", "DISABLED"), "dsse": ("DSSE-KMS", "DISABLED")}
    finally:
        srv.stop()
        srv.cleanup()
