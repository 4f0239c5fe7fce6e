"""Fault injection (core/fault.h, compiled into the sanitizer build): the Nth blob write,
blob commit (fsync + rename) or metadata commit of the object layer fails. Swept over a
PutObject, a CompleteMultipartUpload and an inventory run: the client gets a clean S3 error
(the run a clean failure), no torn or half-visible object appears, the server keeps serving,
nothing leaks (LeakSanitizer at exit) and no blob is left behind."""
import hashlib
import os
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import Server, error_code, allow_inventory_delivery

MIB = 1024 * 1024
OLD = b"the old object"
GRACE = ["--blob-grace-seconds", "0.2"]


def client(srv):
    """A client that never retries: a retried 500 would hide the injected fault."""
    cfg = Config(s3={"addressing_style": "path"}, signature_version="s3v4",
                 retries={"mode": "standard", "total_max_attempts": 1})
    return boto3.client("s3", endpoint_url=srv.endpoint, region_name=srv.region,
                        aws_access_key_id=srv.access_key, aws_secret_access_key=srv.secret_key,
                        config=cfg)


def blob_files(srv):
    return [f for _, _, fs in os.walk(os.path.join(srv.data, "blobs")) for f in fs]


def check_log(srv):
    log = srv.read_log()
    assert "Sanitizer" not in log and "runtime error:" not in log, log


def faulty(srv, spec):
    """Restart srv's data directory with the fault spec armed."""
    assert srv.stop() == 0
    check_log(srv)
    again = Server(data_dir=srv.data, env_extra={"STOCKTAKE_FAULT": spec}, args=GRACE)
    again.tmp = srv.tmp
    return again.start()


@pytest.fixture(scope="module")
def faults_compiled_in():
    srv = Server(env_extra={"STOCKTAKE_FAULT": "meta_commit:1"}).start()
    try:
        s3 = client(srv)
        s3.create_bucket(Bucket="probe")
        try:
            s3.put_object(Bucket="probe", Key="k", Body=b"x")
            compiled = False
        except ClientError:
            compiled = True
    finally:
        srv.stop()
        srv.cleanup()
    if not compiled:
        pytest.skip("this build has no fault injection (build with SANITIZER=1)")


def settle(srv, s3, bucket):
    """Every blob left belongs to an object (dead ones collected), nothing in tmp/."""
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    deadline = time.time() + 10
    while len(blob_files(srv)) != len(keys) and time.time() < deadline:
        time.sleep(0.1)
    assert len(blob_files(srv)) == len(keys), (blob_files(srv), keys)
    assert os.listdir(os.path.join(srv.data, "tmp")) == []


PUT_CASES = [("blob_write", 1), ("blob_write", 3), ("blob_write", 40), ("blob_commit", 1),
             ("meta_commit", 1)]


@pytest.mark.parametrize("point,n", PUT_CASES)
def test_put_object_fault(faults_compiled_in, point, n):
    srv = Server(args=GRACE).start()
    try:
        s3 = client(srv)
        s3.create_bucket(Bucket="faults")
        s3.put_object(Bucket="faults", Key="k", Body=OLD)
        srv = faulty(srv, "%s:%d" % (point, n))
        s3 = client(srv)
        new = os.urandom(3 * MIB)
        try:
            r = s3.put_object(Bucket="faults", Key="k", Body=new)
            failed = False
            assert r["ETag"] == '"%s"' % hashlib.md5(new).hexdigest()
        except ClientError as e:
            failed = True
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 500
            assert error_code(e) == "InternalError"
        got = s3.get_object(Bucket="faults", Key="k")["Body"].read()
        assert got == (OLD if failed else new)
        assert failed or n > 1, "the first call at %s did not fail" % point
        # the server keeps serving
        s3.put_object(Bucket="faults", Key="after", Body=b"fine")
        assert s3.get_object(Bucket="faults", Key="after")["Body"].read() == b"fine"
        settle(srv, s3, "faults")
    finally:
        assert srv.stop() == 0
        check_log(srv)
        srv.cleanup()


# Complete copies the parts in 1 MiB chunks: 6 writes for 5 MiB + 1000 bytes; the 6th is the
# last part's.
COMPLETE_CASES = [("blob_write", 1), ("blob_write", 2), ("blob_write", 6), ("blob_commit", 1),
                  ("meta_commit", 1)]


@pytest.mark.parametrize("point,n", COMPLETE_CASES)
def test_complete_multipart_fault(faults_compiled_in, point, n):
    srv = Server(args=GRACE).start()
    try:
        s3 = client(srv)
        s3.create_bucket(Bucket="faults")
        s3.put_object(Bucket="faults", Key="mp", Body=OLD)
        uid = s3.create_multipart_upload(Bucket="faults", Key="mp")["UploadId"]
        data = [os.urandom(5 * MIB), os.urandom(1000)]
        parts = []
        for i, d in enumerate(data, 1):
            r = s3.upload_part(Bucket="faults", Key="mp", UploadId=uid, PartNumber=i, Body=d)
            parts.append({"PartNumber": i, "ETag": r["ETag"]})
        srv = faulty(srv, "%s:%d" % (point, n))
        s3 = client(srv)
        with pytest.raises(ClientError) as e:
            s3.complete_multipart_upload(Bucket="faults", Key="mp", UploadId=uid,
                                         MultipartUpload={"Parts": parts})
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert error_code(e.value) == "InternalError"
        # nothing half-visible: the old object, the upload still complete-able
        assert s3.get_object(Bucket="faults", Key="mp")["Body"].read() == OLD
        assert len(s3.list_parts(Bucket="faults", Key="mp", UploadId=uid)["Parts"]) == 2
        s3.complete_multipart_upload(Bucket="faults", Key="mp", UploadId=uid,
                                     MultipartUpload={"Parts": parts})
        assert s3.get_object(Bucket="faults", Key="mp")["Body"].read() == b"".join(data)
        settle(srv, s3, "faults")
    finally:
        assert srv.stop() == 0
        check_log(srv)
        srv.cleanup()


INVENTORY_CASES = ["blob_write:1", "blob_write:3", "blob_commit:1", "blob_commit:3",
                   "meta_commit:1", "meta_commit:3", "meta_commit:6"]


def test_inventory_run_faults(faults_compiled_in):
    """An inventory run whose Nth blob write, blob commit or delivery commit fails exits
    non-zero, reports the failure, never completes a report (no manifest.checksum), leaves no
    temp file or unreferenced blob behind and no leak; the next run succeeds."""
    import subprocess
    from conftest import BIN
    srv = Server(args=GRACE).start()
    try:
        s3 = client(srv)
        s3.create_bucket(Bucket="inv-src")
        s3.create_bucket(Bucket="inv-dst")
        allow_inventory_delivery(srv, s3, "inv-dst", "inv-src")
        for i in range(60):
            s3.put_object(Bucket="inv-src", Key="k%03d" % i, Body=b"x" * i)
        s3.put_bucket_inventory_configuration(Bucket="inv-src", Id="c", InventoryConfiguration={
            "Id": "c", "IsEnabled": True, "IncludedObjectVersions": "Current",
            "Schedule": {"Frequency": "Daily"},
            "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::inv-dst",
                                                    "Format": "CSV"}}})

        def run(spec):
            env = dict(os.environ)
            env.pop("STOCKTAKE_FAULT", None)
            if spec:
                env["STOCKTAKE_FAULT"] = spec
            return subprocess.run([BIN, "inventory", "run", "--data", srv.data, "--bucket",
                                   "inv-src", "--id", "c", "--file-size-cap", "300"],
                                  capture_output=True, text=True, env=env, timeout=120)

        def objects():
            out = []
            for b in ("inv-src", "inv-dst"):
                for page in s3.get_paginator("list_objects_v2").paginate(Bucket=b):
                    out.extend(o["Key"] for o in page.get("Contents", []))
            return out

        for spec in INVENTORY_CASES:
            p = run(spec)
            assert p.returncode != 0, (spec, p.stdout, p.stderr)
            assert "injected fault" in p.stderr and "failed" in p.stderr, p.stderr
            assert "Sanitizer" not in p.stderr and "runtime error:" not in p.stderr, p.stderr
            assert not [k for k in objects() if k.endswith("manifest.checksum")], spec
            assert os.listdir(os.path.join(srv.data, "tmp")) == []
            # every blob left is an object's (data files delivered before the fault are
            # objects; a replaced one is dead until the collector runs)
            keys = objects()
            deadline = time.time() + 10
            while len(blob_files(srv)) != len(keys) and time.time() < deadline:
                time.sleep(0.1)
            assert len(blob_files(srv)) == len(keys), (spec, len(blob_files(srv)), len(keys))
        p = run(None)
        assert p.returncode == 0, p.stderr
        manifest_key = p.stdout.strip()
        assert s3.head_object(Bucket="inv-dst", Key=manifest_key)["ContentLength"] > 0
    finally:
        assert srv.stop() == 0
        check_log(srv)
        srv.cleanup()


def test_get_whose_blob_was_collected_loads_the_key_again(faults_compiled_in):
    """A GET slower than the grace period finds the blob of the row it loaded collected; it
    loads the key again and answers with the current object instead of a 500."""
    srv = Server(args=GRACE).start()
    try:
        s3 = client(srv)
        s3.create_bucket(Bucket="faults")
        s3.put_object(Bucket="faults", Key="k", Body=b"current")
        srv = faulty(srv, "blob_open:1")
        s3 = client(srv)
        assert s3.get_object(Bucket="faults", Key="k")["Body"].read() == b"current"
        assert "fault injection: failing blob_open call 1" in srv.read_log()
    finally:
        assert srv.stop() == 0
        check_log(srv)
        srv.cleanup()
