"""Blobs in Ceph RADOS (--blobs rados:POOL/NS): a real single-node cluster from Debian's
packages (scripts/ceph-test-cluster.sh), the one scripts/test-rados.sh started
(STOCKTAKE_TEST_CEPH_CONF) or one of this module's own. Skipped, with the reason, only when
Ceph cannot start. Chunking (4 MiB chunks), ranges across chunks, multipart compose without
copying, SSE-C composites, removal of every chunk by the collector."""
import base64
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import uuid

import pytest

from conftest import ROOT, Server, stop_checked

CHUNK = 4 << 20
POOL = os.environ.get("STOCKTAKE_TEST_CEPH_POOL", "stocktake")


@pytest.fixture(scope="module")
def ceph():
    conf = os.environ.get("STOCKTAKE_TEST_CEPH_CONF")
    if conf:
        yield conf, os.environ["STOCKTAKE_TEST_CEPH_KEYRING"]
        return
    tmp = tempfile.mkdtemp(prefix="stocktake-ceph-")
    script = os.path.join(ROOT, "scripts", "ceph-test-cluster.sh")
    cluster = os.path.join(tmp, "cluster")
    p = subprocess.run(["bash", script, "start", cluster, POOL], capture_output=True, text=True,
                       timeout=300)
    if p.returncode != 0:
        subprocess.run(["bash", script, "stop", cluster], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.skip("Ceph could not start: " + (p.stderr.strip().splitlines() or ["?"])[-1])
    yield os.path.join(cluster, "ceph.conf"), os.path.join(cluster, "keyring")
    subprocess.run(["bash", script, "stop", cluster], capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)


def rados_server(ceph, *extra):
    conf, keyring = ceph
    ns = "t-" + uuid.uuid4().hex[:12]
    srv = Server(args=["--blobs", "rados:%s/%s" % (POOL, ns), "--ceph-conf", conf,
                       "--ceph-keyring", keyring, *extra]).start()
    srv.ns = ns
    return srv


def rados_ls(ceph, ns):
    conf, keyring = ceph
    out = subprocess.run(["rados", "-c", conf, "--keyring", keyring, "-p", POOL, "-N", ns, "ls"],
                         check=True, capture_output=True, text=True).stdout
    return sorted(out.split())


@pytest.fixture(scope="module")
def rsrv(ceph):
    srv = rados_server(ceph, "--blob-grace-seconds", "0.2", "--orphan-age-seconds", "1",
                       "--allow-insecure-sse-c", "--legacy-bucket-defaults")
    yield srv
    stop_checked(srv)


@pytest.fixture(scope="module")
def rs3(rsrv):
    """A client of a server whose new buckets are not encrypted by default (legacy), so that
    plain multipart uploads compose; the SSE-S3 paths run in the other modules on RADOS."""
    return rsrv.client()


def test_small_and_empty_objects_are_one_head_each(ceph, rsrv, rs3):
    rs3.create_bucket(Bucket="rados-small")
    rs3.put_object(Bucket="rados-small", Key="a", Body=b"hello")
    rs3.put_object(Bucket="rados-small", Key="empty", Body=b"")
    assert rs3.get_object(Bucket="rados-small", Key="a")["Body"].read() == b"hello"
    assert rs3.get_object(Bucket="rados-small", Key="empty")["Body"].read() == b""
    r = rs3.get_object(Bucket="rados-small", Key="a", Range="bytes=1-3")
    assert r["Body"].read() == b"ell" and r["ContentRange"] == "bytes 1-3/5"
    names = rados_ls(ceph, rsrv.ns)
    assert len(names) == 2 and all("." not in n for n in names), names  # no chunk objects


def test_large_object_is_chunked_and_ranges_cross_chunks(ceph, rsrv, rs3):
    rs3.create_bucket(Bucket="rados-large")
    body = os.urandom(20 << 20)
    rs3.put_object(Bucket="rados-large", Key="big", Body=body)
    got = rs3.get_object(Bucket="rados-large", Key="big")["Body"].read()
    assert hashlib.md5(got).digest() == hashlib.md5(body).digest()
    for start, end in [(0, 0), (CHUNK - 3, CHUNK + 2), (CHUNK - 1, 3 * CHUNK + 7),
                       (len(body) - 10, len(body) - 1), (2 * CHUNK, 2 * CHUNK)]:
        r = rs3.get_object(Bucket="rados-large", Key="big", Range="bytes=%d-%d" % (start, end))
        assert r["Body"].read() == body[start:end + 1], (start, end)
    chunks = [n for n in rados_ls(ceph, rsrv.ns) if "." in n]
    assert len(chunks) >= 5, chunks  # 20 MiB in chunks of at most 4 MiB


def upload(s3, bucket, key, parts, **kw):
    u = s3.create_multipart_upload(Bucket=bucket, Key=key, **kw)["UploadId"]
    done = []
    for i, p in enumerate(parts, 1):
        e = s3.upload_part(Bucket=bucket, Key=key, UploadId=u, PartNumber=i, Body=p, **kw)["ETag"]
        done.append({"PartNumber": i, "ETag": e})
    extra = {}
    if "SSECustomerKey" in kw:  # this botocore does not encode them on Complete
        k = kw["SSECustomerKey"]
        extra = {"SSECustomerAlgorithm": "AES256",
                 "SSECustomerKey": base64.b64encode(k).decode(),
                 "SSECustomerKeyMD5": base64.b64encode(hashlib.md5(k).digest()).decode()}
    return s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=u,
                                        MultipartUpload={"Parts": done}, **extra)


def test_multipart_complete_composes_without_copying(ceph, rsrv, rs3):
    rs3.create_bucket(Bucket="rados-mpu")
    parts = [os.urandom(5 << 20), os.urandom((5 << 20) + 123), os.urandom(1000)]
    before = set(rados_ls(ceph, rsrv.ns))
    upload(rs3, "rados-mpu", "obj", parts)
    body = b"".join(parts)
    assert rs3.get_object(Bucket="rados-mpu", Key="obj")["Body"].read() == body
    start = (5 << 20) - 5
    r = rs3.get_object(Bucket="rados-mpu", Key="obj", Range="bytes=%d-%d" % (start, start + 20))
    assert r["Body"].read() == body[start:start + 21]
    # after the collector removed the part blobs the object still reads whole
    deadline = time.time() + 15
    while time.time() < deadline:
        left = [n for n in rados_ls(ceph, rsrv.ns) if "." not in n and n not in before]
        if len(left) == 1:
            break
        time.sleep(0.3)
    assert len(left) == 1, left  # only the object's head: the parts' heads are gone
    assert rs3.get_object(Bucket="rados-mpu", Key="obj")["Body"].read() == body
    # the object's blob took the parts' chunks over (4 of them: 4 MiB + 1 MiB + 4 MiB +
    # 1 MiB + 123 B): its own chunks hold only the last part, which was its part's head
    # data (1000 bytes) and was copied
    new = set(rados_ls(ceph, rsrv.ns)) - before
    own = [n for n in new if n.startswith(left[0] + ".")]
    assert len(own) <= 1, sorted(new)
    assert len([n for n in new if "." in n and not n.startswith(left[0])]) == 4, sorted(new)


def test_sse_c_multipart_composite(ceph, rsrv, rs3):
    rs3.create_bucket(Bucket="rados-ssec")
    key = os.urandom(32)
    kw = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}
    parts = [os.urandom(5 << 20), os.urandom(70000)]
    upload(rs3, "rados-ssec", "enc", parts, **kw)
    got = rs3.get_object(Bucket="rados-ssec", Key="enc", **kw)["Body"].read()
    assert got == b"".join(parts)
    r = rs3.get_object(Bucket="rados-ssec", Key="enc", Range="bytes=5242870-5242889", **kw)
    assert r["Body"].read() == b"".join(parts)[5242870:5242890]


def test_delete_removes_every_chunk(ceph, rsrv, rs3):
    rs3.create_bucket(Bucket="rados-del")
    base = set(rados_ls(ceph, rsrv.ns))
    rs3.put_object(Bucket="rados-del", Key="x", Body=os.urandom(9 << 20))
    upload(rs3, "rados-del", "m", [os.urandom(5 << 20), os.urandom(10)])
    assert len(set(rados_ls(ceph, rsrv.ns)) - base) >= 4
    rs3.delete_object(Bucket="rados-del", Key="x")
    rs3.delete_object(Bucket="rados-del", Key="m")
    deadline = time.time() + 20
    while time.time() < deadline and set(rados_ls(ceph, rsrv.ns)) - base:
        time.sleep(0.3)
    assert set(rados_ls(ceph, rsrv.ns)) - base == set()


def test_missing_cluster_config_fails_at_start(tmp_path):
    srv = Server(args=["--blobs", "rados:" + POOL, "--ceph-conf", str(tmp_path / "none.conf")])
    with pytest.raises(RuntimeError):
        srv.start()
    srv.stop()
    srv.cleanup()
