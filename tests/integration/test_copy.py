"""CopyObject: same and cross bucket, metadata directives, versions, conditions, storage
class change, self-copy rules, and access between accounts."""
import datetime

import pytest
from botocore.exceptions import ClientError

from conftest import error_code


def test_copy_same_and_cross_bucket(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src/ü key", Body=b"copy me", ContentType="text/plain",
                  Metadata={"origin": "src"})
    r = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src/ü key"})
    assert r["CopyObjectResult"]["ETag"] == s3.head_object(Bucket=bucket, Key="src/ü key")["ETag"]
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["Body"].read() == b"copy me"
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"origin": "src"}
    s3.create_bucket(Bucket=bucket + "-other")
    s3.copy_object(Bucket=bucket + "-other", Key="x",
                   CopySource={"Bucket": bucket, "Key": "src/ü key"})
    assert s3.get_object(Bucket=bucket + "-other", Key="x")["Body"].read() == b"copy me"


def test_metadata_replace_and_storage_class(s3, bucket):
    s3.put_object(Bucket=bucket, Key="m", Body=b"x", Metadata={"old": "1"},
                  ContentType="text/plain")
    s3.copy_object(Bucket=bucket, Key="m2", CopySource={"Bucket": bucket, "Key": "m"},
                   MetadataDirective="REPLACE", Metadata={"new": "2"},
                   ContentType="application/json", StorageClass="GLACIER_IR")
    head = s3.head_object(Bucket=bucket, Key="m2")
    assert head["Metadata"] == {"new": "2"}
    assert head["ContentType"] == "application/json"
    assert head["StorageClass"] == "GLACIER_IR"
    # copying onto itself needs a change
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="m", CopySource={"Bucket": bucket, "Key": "m"})
    assert error_code(e.value) == "InvalidRequest"
    s3.copy_object(Bucket=bucket, Key="m", CopySource={"Bucket": bucket, "Key": "m"},
                   StorageClass="STANDARD_IA")
    assert s3.head_object(Bucket=bucket, Key="m")["StorageClass"] == "STANDARD_IA"
    s3.copy_object(Bucket=bucket, Key="m", CopySource={"Bucket": bucket, "Key": "m"},
                   MetadataDirective="REPLACE", Metadata={"v": "3"})
    head = s3.head_object(Bucket=bucket, Key="m")
    assert head["Metadata"] == {"v": "3"}
    assert head.get("StorageClass", "STANDARD") == "STANDARD"


def test_copy_conditions(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="c", Body=b"cond")["ETag"]
    src = {"Bucket": bucket, "Key": "c"}
    s3.copy_object(Bucket=bucket, Key="c1", CopySource=src, CopySourceIfMatch=etag)
    for kw in ({"CopySourceIfMatch": '"nope"'}, {"CopySourceIfNoneMatch": etag},
               {"CopySourceIfModifiedSince": datetime.datetime(2100, 1, 1)},
               {"CopySourceIfUnmodifiedSince": datetime.datetime(2000, 1, 1)}):
        with pytest.raises(ClientError) as e:
            s3.copy_object(Bucket=bucket, Key="c2", CopySource=src, **kw)
        assert error_code(e.value) == "PreconditionFailed", kw
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="c2")


def test_copy_versions(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=bucket, Key="v", Body=b"first")["VersionId"]
    s3.put_object(Bucket=bucket, Key="v", Body=b"second")
    r = s3.copy_object(Bucket=bucket, Key="v-copy",
                       CopySource={"Bucket": bucket, "Key": "v", "VersionId": v1})
    assert r["CopySourceVersionId"] == v1
    assert r["VersionId"] not in ("null", v1)
    assert s3.get_object(Bucket=bucket, Key="v-copy")["Body"].read() == b"first"
    s3.delete_object(Bucket=bucket, Key="v")
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "v"})
    assert error_code(e.value) == "NoSuchKey"


def test_copy_errors(server, s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "missing"})
    assert error_code(e.value) == "NoSuchKey"
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": "no-such-src", "Key": "k"})
    assert error_code(e.value) == "NoSuchBucket"
    s3.put_object(Bucket=bucket, Key="private", Body=b"mine")
    _, key, secret = server.add_account("copier")
    other = server.client(access_key=key, secret_key=secret)
    other.create_bucket(Bucket=bucket + "-copier")
    with pytest.raises(ClientError) as e:
        other.copy_object(Bucket=bucket + "-copier", Key="stolen",
                          CopySource={"Bucket": bucket, "Key": "private"})
    assert error_code(e.value) == "AccessDenied"
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": bucket, "Key": "private"},
                       MetadataDirective="MERGE")
    assert error_code(e.value) == "InvalidArgument"


def test_copy_checksum(s3, bucket):
    s3.put_object(Bucket=bucket, Key="ck", Body=b"checksum me", ChecksumAlgorithm="SHA256")
    r = s3.copy_object(Bucket=bucket, Key="ck2", CopySource={"Bucket": bucket, "Key": "ck"})
    src = s3.head_object(Bucket=bucket, Key="ck", ChecksumMode="ENABLED")
    dst = s3.head_object(Bucket=bucket, Key="ck2", ChecksumMode="ENABLED")
    assert src["ChecksumSHA256"] == dst["ChecksumSHA256"]
    assert r["CopyObjectResult"]["ChecksumSHA256"] == dst["ChecksumSHA256"]


def test_copy_of_multipart_is_single_part(s3, bucket):
    parts = [b"a" * (5 * 1024 * 1024), b"b" * 10]
    uid = s3.create_multipart_upload(Bucket=bucket, Key="mp")["UploadId"]
    done = [{"PartNumber": i, "ETag": s3.upload_part(Bucket=bucket, Key="mp", UploadId=uid,
                                                     PartNumber=i, Body=p)["ETag"]}
            for i, p in enumerate(parts, 1)]
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=uid,
                                 MultipartUpload={"Parts": done})
    s3.copy_object(Bucket=bucket, Key="mp-copy", CopySource={"Bucket": bucket, "Key": "mp"})
    head = s3.head_object(Bucket=bucket, Key="mp-copy")
    assert "-" not in head["ETag"]
    assert head["ContentLength"] == sum(map(len, parts))
