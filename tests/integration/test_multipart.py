"""Multipart uploads: create, upload, copy parts, complete (ETag, checksums, errors), abort,
list parts and uploads, part-addressed GETs, cleanup of aborted and abandoned uploads."""
import base64
import hashlib
import io
import os
import time
import zlib

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from conftest import Server, error_code, serve_checked, fs_blobs_only

MIB = 1024 * 1024


def multipart_etag(parts):
    return '"%s-%d"' % (hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest(),
                        len(parts))


def upload(s3, bucket, key, parts, **create):
    uid = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    done = []
    for i, data in enumerate(parts, 1):
        r = s3.upload_part(Bucket=bucket, Key=key, UploadId=uid, PartNumber=i, Body=data,
                           **({"ChecksumAlgorithm": create["ChecksumAlgorithm"]}
                              if "ChecksumAlgorithm" in create else {}))
        part = {"PartNumber": i, "ETag": r["ETag"]}
        for k in ("ChecksumCRC32", "ChecksumCRC32C", "ChecksumSHA1", "ChecksumSHA256"):
            if k in r:
                part[k] = r[k]
        done.append(part)
    return uid, done


# Replaced and aborted blobs are removed by the collector after a grace period; these
# tests run the server with a short one and wait for it.
GRACE_ARGS = ["--blob-grace-seconds", "0.2"]


@pytest.fixture(scope="module")
def server():
    yield from serve_checked(GRACE_ARGS)


def blob_count(server):
    return sum(len(files) for _, _, files in os.walk(os.path.join(server.data, "blobs")))


def settled_blob_count(server):
    """The blob count once earlier tests' dead blobs are collected (grace + a collector tick)."""
    time.sleep(1.5)
    return blob_count(server)


def wait_blob_count(server, n, timeout=10):
    """The blob count once the collector has caught up (at most timeout seconds)."""
    deadline = time.time() + timeout
    while blob_count(server) != n and time.time() < deadline:
        time.sleep(0.1)
    return blob_count(server)


def test_basic_multipart(s3, bucket):
    parts = [os.urandom(5 * MIB), os.urandom(5 * MIB), b"tail" * 100]
    uid, done = upload(s3, bucket, "mp/obj", parts, ContentType="text/x-test",
                       Metadata={"a": "b"}, StorageClass="STANDARD_IA")
    r = s3.complete_multipart_upload(Bucket=bucket, Key="mp/obj", UploadId=uid,
                                     MultipartUpload={"Parts": done})
    assert r["ETag"] == multipart_etag(parts)
    got = s3.get_object(Bucket=bucket, Key="mp/obj")
    assert got["Body"].read() == b"".join(parts)
    assert got["ETag"] == multipart_etag(parts)
    assert got["ContentType"] == "text/x-test"
    assert got["Metadata"] == {"a": "b"}
    assert got["StorageClass"] == "STANDARD_IA"
    p2 = s3.get_object(Bucket=bucket, Key="mp/obj", PartNumber=2)
    assert p2["Body"].read() == parts[1]
    assert p2["PartsCount"] == 3
    assert p2["ContentRange"] == "bytes %d-%d/%d" % (5 * MIB, 10 * MIB - 1, 10 * MIB + 400)
    assert s3.head_object(Bucket=bucket, Key="mp/obj", PartNumber=3)["ContentLength"] == 400
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="mp/obj", PartNumber=4)
    assert error_code(e.value) == "InvalidPartNumber"
    attrs = s3.get_object_attributes(Bucket=bucket, Key="mp/obj",
                                     ObjectAttributes=["ETag", "ObjectParts", "ObjectSize",
                                                       "StorageClass"])
    assert attrs["ETag"] == multipart_etag(parts).strip('"')
    assert attrs["ObjectParts"]["TotalPartsCount"] == 3
    assert attrs["ObjectSize"] == 10 * MIB + 400
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)


def test_100_mib_upload_with_transfer_manager(server, s3, bucket):
    data = os.urandom(100 * MIB + 12345)
    cfg = TransferConfig(multipart_threshold=8 * MIB, multipart_chunksize=16 * MIB,
                         max_concurrency=4)
    s3.upload_fileobj(io.BytesIO(data), bucket, "big/100mib.bin", Config=cfg)
    head = s3.head_object(Bucket=bucket, Key="big/100mib.bin")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-7"')
    out = io.BytesIO()
    s3.download_fileobj(bucket, "big/100mib.bin", out,
                        Config=TransferConfig(multipart_threshold=1024 ** 3))
    assert hashlib.sha256(out.getvalue()).digest() == hashlib.sha256(data).digest()
    # the part blobs are gone: one blob for the object
    s3.delete_object(Bucket=bucket, Key="big/100mib.bin")


def test_complete_errors(s3, bucket):
    parts = [os.urandom(5 * MIB), b"small"]
    uid, done = upload(s3, bucket, "err", parts)
    bad = [{"PartNumber": 1, "ETag": '"00000000000000000000000000000000"'}, done[1]]
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="err", UploadId=uid,
                                     MultipartUpload={"Parts": bad})
    assert error_code(e.value) == "InvalidPart"
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="err", UploadId=uid,
                                     MultipartUpload={"Parts": [done[1], done[0]]})
    assert error_code(e.value) == "InvalidPartOrder"
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="err", UploadId=uid,
                                     MultipartUpload={"Parts": [{"PartNumber": 3,
                                                                 "ETag": done[0]["ETag"]}]})
    assert error_code(e.value) == "InvalidPart"
    small_uid, small = upload(s3, bucket, "small", [b"a" * 100, b"b" * 100])
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="small", UploadId=small_uid,
                                     MultipartUpload={"Parts": small})
    assert error_code(e.value) == "EntityTooSmall"
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="err", UploadId=uid, PartNumber=10001, Body=b"x")
    assert error_code(e.value) == "InvalidArgument"
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="err", UploadId="nope", PartNumber=1, Body=b"x")
    assert error_code(e.value) == "NoSuchUpload"
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="other-key", UploadId=uid, PartNumber=1, Body=b"x")
    assert error_code(e.value) == "NoSuchUpload"
    # the upload is still usable after the failed completes
    r = s3.complete_multipart_upload(Bucket=bucket, Key="err", UploadId=uid,
                                     MultipartUpload={"Parts": done})
    assert r["ETag"] == multipart_etag(parts)
    # a repeated Complete of the completed upload answers as the first did (AWS)
    again = s3.complete_multipart_upload(Bucket=bucket, Key="err", UploadId=uid,
                                         MultipartUpload={"Parts": done})
    assert again["ETag"] == r["ETag"]
    # but the upload itself is gone
    with pytest.raises(ClientError) as e:
        s3.list_parts(Bucket=bucket, Key="err", UploadId=uid)
    assert error_code(e.value) == "NoSuchUpload"
    # once the object is deleted, the upload is gone for Complete too
    s3.delete_object(Bucket=bucket, Key="err")
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="err", UploadId=uid,
                                     MultipartUpload={"Parts": done})
    assert error_code(e.value) == "NoSuchUpload"


@fs_blobs_only
def test_replace_part_and_abort_cleans_up(server, s3, bucket):
    before = settled_blob_count(server)
    uid = s3.create_multipart_upload(Bucket=bucket, Key="ab")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="ab", UploadId=uid, PartNumber=1, Body=b"first")
    s3.upload_part(Bucket=bucket, Key="ab", UploadId=uid, PartNumber=1, Body=b"second")
    s3.upload_part(Bucket=bucket, Key="ab", UploadId=uid, PartNumber=2, Body=b"third")
    parts = s3.list_parts(Bucket=bucket, Key="ab", UploadId=uid)["Parts"]
    assert [(p["PartNumber"], p["Size"]) for p in parts] == [(1, 6), (2, 5)]
    assert wait_blob_count(server, before + 2) == before + 2
    s3.abort_multipart_upload(Bucket=bucket, Key="ab", UploadId=uid)
    assert wait_blob_count(server, before) == before
    with pytest.raises(ClientError) as e:
        s3.list_parts(Bucket=bucket, Key="ab", UploadId=uid)
    assert error_code(e.value) == "NoSuchUpload"
    with pytest.raises(ClientError) as e:
        s3.abort_multipart_upload(Bucket=bucket, Key="ab", UploadId=uid)
    assert error_code(e.value) == "NoSuchUpload"


def test_list_parts_and_uploads_paging(s3, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="lp")["UploadId"]
    for i in range(1, 8):
        s3.upload_part(Bucket=bucket, Key="lp", UploadId=uid, PartNumber=i, Body=b"x" * i)
    seen, marker = [], 0
    while True:
        r = s3.list_parts(Bucket=bucket, Key="lp", UploadId=uid, MaxParts=3,
                          PartNumberMarker=marker)
        seen += [p["PartNumber"] for p in r["Parts"]]
        if not r["IsTruncated"]:
            break
        marker = r["NextPartNumberMarker"]
    assert seen == list(range(1, 8))
    ids = {uid}
    for key in ["u/a", "u/a", "u/b", "v/c"]:
        ids.add(s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"])
    listed, km, um = [], None, None
    while True:
        kw = {"MaxUploads": 2}
        if km:
            kw.update(KeyMarker=km, UploadIdMarker=um)
        r = s3.list_multipart_uploads(Bucket=bucket, **kw)
        listed += [(u["Key"], u["UploadId"]) for u in r.get("Uploads", [])]
        if not r["IsTruncated"]:
            break
        km, um = r["NextKeyMarker"], r["NextUploadIdMarker"]
    assert [k for k, _ in listed] == ["lp", "u/a", "u/a", "u/b", "v/c"]
    assert {u for _, u in listed} == ids
    r = s3.list_multipart_uploads(Bucket=bucket, Prefix="u/", Delimiter="/")
    assert [u["Key"] for u in r["Uploads"]] == ["u/a", "u/a", "u/b"]
    r = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in r["CommonPrefixes"]] == ["u/", "v/"]


def test_upload_part_copy_with_range(s3, bucket):
    src = os.urandom(12 * MIB)
    s3.put_object(Bucket=bucket, Key="src", Body=src)
    uid = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    p1 = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=uid, PartNumber=1,
                             CopySource={"Bucket": bucket, "Key": "src"},
                             CopySourceRange="bytes=0-%d" % (6 * MIB - 1))
    p2 = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=uid, PartNumber=2,
                             CopySource={"Bucket": bucket, "Key": "src"},
                             CopySourceRange="bytes=%d-%d" % (6 * MIB, 12 * MIB - 1))
    s3.complete_multipart_upload(Bucket=bucket, Key="dst", UploadId=uid, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": p1["CopyPartResult"]["ETag"]},
                  {"PartNumber": 2, "ETag": p2["CopyPartResult"]["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == src
    with pytest.raises(ClientError) as e:
        s3.upload_part_copy(Bucket=bucket, Key="dst2", UploadId=uid, PartNumber=1,
                            CopySource={"Bucket": bucket, "Key": "src"})
    assert error_code(e.value) == "NoSuchUpload"
    uid = s3.create_multipart_upload(Bucket=bucket, Key="dst3")["UploadId"]
    with pytest.raises(ClientError) as e:
        s3.upload_part_copy(Bucket=bucket, Key="dst3", UploadId=uid, PartNumber=1,
                            CopySource={"Bucket": bucket, "Key": "src"},
                            CopySourceRange="bytes=0-%d" % (12 * MIB))
    assert error_code(e.value) == "InvalidRange"
    # first-last, digits only: no sign, no space, no open end, nothing after
    for bad in ("bytes=-5-10", "bytes= 1-2", "bytes=+1-2", "bytes=1-", "bytes=-3", "bytes=2-1",
                "bytes=1-2x", "bytes=1- 2", "items=1-2", "bytes=1-2,4-5"):
        with pytest.raises(ClientError) as e:
            s3.upload_part_copy(Bucket=bucket, Key="dst3", UploadId=uid, PartNumber=1,
                                CopySource={"Bucket": bucket, "Key": "src"}, CopySourceRange=bad)
        assert error_code(e.value) == "InvalidArgument", bad


def test_composite_checksum(s3, bucket):
    parts = [os.urandom(5 * MIB), os.urandom(1000)]
    uid, done = upload(s3, bucket, "ck", parts, ChecksumAlgorithm="CRC32")
    for p, data in zip(done, parts):
        assert p["ChecksumCRC32"] == base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    r = s3.complete_multipart_upload(Bucket=bucket, Key="ck", UploadId=uid,
                                     MultipartUpload={"Parts": done})
    raw = b"".join(base64.b64decode(p["ChecksumCRC32"]) for p in done)
    composite = base64.b64encode(zlib.crc32(raw).to_bytes(4, "big")).decode() + "-2"
    assert r["ChecksumCRC32"] == composite
    head = s3.head_object(Bucket=bucket, Key="ck", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == composite
    attrs = s3.get_object_attributes(Bucket=bucket, Key="ck",
                                     ObjectAttributes=["Checksum", "ObjectParts"])
    assert attrs["Checksum"]["ChecksumCRC32"] == composite
    assert [p["ChecksumCRC32"] for p in attrs["ObjectParts"]["Parts"]] == \
        [p["ChecksumCRC32"] for p in done]


def test_full_object_checksum(s3, bucket):
    def add_type(request, **kwargs):
        request.headers["x-amz-checksum-type"] = "FULL_OBJECT"
    s3.meta.events.register("before-sign.s3.CreateMultipartUpload", add_type)
    try:
        parts = [os.urandom(5 * MIB), os.urandom(777)]
        uid, done = upload(s3, bucket, "full", parts, ChecksumAlgorithm="CRC32")
    finally:
        s3.meta.events.unregister("before-sign.s3.CreateMultipartUpload", add_type)
    r = s3.complete_multipart_upload(Bucket=bucket, Key="full", UploadId=uid,
                                     MultipartUpload={"Parts": done})
    whole = base64.b64encode(zlib.crc32(b"".join(parts)).to_bytes(4, "big")).decode()
    assert r["ChecksumCRC32"] == whole
    head = s3.head_object(Bucket=bucket, Key="full", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == whole
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-checksum-type"] == "FULL_OBJECT"


def test_part_checksum_mismatch(s3, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="bad", ChecksumAlgorithm="SHA256")["UploadId"]
    wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="bad", UploadId=uid, PartNumber=1, Body=b"data",
                       ChecksumSHA256=wrong)
    assert error_code(e.value) == "BadDigest"
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="bad", UploadId=uid, PartNumber=1, Body=b"data",
                       ChecksumAlgorithm="CRC32")
    assert error_code(e.value) == "InvalidRequest"


def test_multipart_in_versioned_bucket(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="mv", Body=b"plain version")
    uid, done = upload(s3, bucket, "mv", [b"multipart version"])
    r = s3.complete_multipart_upload(Bucket=bucket, Key="mv", UploadId=uid,
                                     MultipartUpload={"Parts": done})
    assert r["VersionId"] != "null"
    vs = s3.list_object_versions(Bucket=bucket, Prefix="mv")["Versions"]
    assert len(vs) == 2 and vs[0]["IsLatest"] and vs[0]["VersionId"] == r["VersionId"]


def test_delete_bucket_aborts_uploads(server, s3):
    s3.create_bucket(Bucket="mp-gone")
    before = settled_blob_count(server)
    uid = s3.create_multipart_upload(Bucket="mp-gone", Key="k")["UploadId"]
    s3.upload_part(Bucket="mp-gone", Key="k", UploadId=uid, PartNumber=1, Body=b"part")
    s3.delete_bucket(Bucket="mp-gone")
    assert wait_blob_count(server, before) == before


def test_abandoned_uploads_are_aborted_at_start():
    srv = Server().start()
    try:
        s3 = srv.client()
        s3.create_bucket(Bucket="janitor")
        uid = s3.create_multipart_upload(Bucket="janitor", Key="old")["UploadId"]
        s3.upload_part(Bucket="janitor", Key="old", UploadId=uid, PartNumber=1, Body=b"p" * 100)
        assert srv.stop() == 0
        time.sleep(1.2)
        srv2 = Server(data_dir=srv.data, args=["--abandoned-upload-days", "0.00001", *GRACE_ARGS])
        srv2.tmp = srv.tmp
        srv2.start()
        try:
            s3 = srv2.client()
            deadline = time.time() + 10
            while s3.list_multipart_uploads(Bucket="janitor").get("Uploads") and \
                    time.time() < deadline:
                time.sleep(0.1)
            assert "Uploads" not in s3.list_multipart_uploads(Bucket="janitor")
            assert wait_blob_count(srv2, 0) == 0
            # a fresh upload is not touched
            s3.create_multipart_upload(Bucket="janitor", Key="new")
            assert len(s3.list_multipart_uploads(Bucket="janitor")["Uploads"]) == 1
        finally:
            assert srv2.stop() == 0
    finally:
        srv.cleanup()
