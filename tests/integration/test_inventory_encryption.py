"""The inventory configuration's Encryption (research inventory-format.md, the seed's set-up):
SSE-S3 seals every report object — data files, manifest.json, manifest.checksum and
symlink.txt — with the server's master key, so reading them back over S3 shows
x-amz-server-side-encryption: AES256 and no report byte is stored in plaintext; the
`stocktake inventory run` process finds the master key serve uses. SSE-KMS needs a KMS key
service Stocktake does not have yet: the run fails with that reason and writes nothing."""
import os

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


def test_sse_kms_report_fails_with_the_reason_and_writes_nothing(server, s3, source):
    s3.put_bucket_inventory_configuration(Bucket=source, Id="kms", InventoryConfiguration=config(
        "kms", "enc-dest", prefix="kms", fields=["Size"],
        Encryption={"SSEKMS": {"KeyId": "arn:aws:kms:us-east-1:111122223333:key/abcd"}}))
    p = run_inventory(server, source, "kms", check=False)
    assert p.returncode != 0
    assert "SSE-KMS" in p.stderr and "KMS key service" in p.stderr, p.stderr
    assert _report_keys(s3, "enc-dest", "kms/") == []


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
