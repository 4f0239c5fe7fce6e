"""Objects: put/get/head/delete, metadata and content headers, storage classes, ranges,
conditional requests, response-* overrides, DeleteObjects, digests and checksums."""
import base64
import datetime
import hashlib
import os
import zlib

import pytest
from botocore.exceptions import ClientError

from conftest import error_code
from sigv4 import signed_request

TRICKY_KEYS = ["plain", "with space", "plus+sign", "percent%20sign", "équipe/ünïcödé/日本語",
               "emoji-😀", "new\nline", "tab\tkey", "a/b/c/", "q?mark#hash&amp=eq", "~tilde*star",
               "'quote\"double", "<xml>&", "back\\slash", "k" * 1024]


def test_put_get_zero_bytes(s3, bucket):
    r = s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    assert r["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["Body"].read() == b""
    assert got["ContentLength"] == 0


def test_put_get_multi_megabyte(s3, bucket):
    data = os.urandom(16 * 1024 * 1024 + 3)
    r = s3.put_object(Bucket=bucket, Key="big.bin", Body=data)
    assert r["ETag"] == '"%s"' % hashlib.md5(data).hexdigest()
    got = s3.get_object(Bucket=bucket, Key="big.bin")
    assert got["ContentLength"] == len(data)
    assert got["Body"].read() == data


@pytest.mark.parametrize("key", TRICKY_KEYS)
def test_tricky_keys_round_trip(s3, bucket, key):
    body = key.encode() * 3
    s3.put_object(Bucket=bucket, Key=key, Body=body)
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=key)["Contents"]]
    assert key in listed
    s3.delete_object(Bucket=bucket, Key=key)
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key=key)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_key_too_long(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="k" * 1025, Body=b"x")
    assert error_code(e.value) == "KeyTooLongError"


def test_metadata_and_content_headers(s3, bucket):
    expires = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    s3.put_object(Bucket=bucket, Key="meta", Body=b"{}", ContentType="application/json",
                  ContentEncoding="identity", ContentDisposition='attachment; filename="a.json"',
                  ContentLanguage="en-GB", CacheControl="max-age=60", Expires=expires,
                  Metadata={"Project": "stocktake", "owner-name": "plain ascii ok"})
    for got in (s3.head_object(Bucket=bucket, Key="meta"),
                s3.get_object(Bucket=bucket, Key="meta")):
        assert got["ContentType"] == "application/json"
        assert got["ContentEncoding"] == "identity"
        assert got["ContentDisposition"] == 'attachment; filename="a.json"'
        assert got["ContentLanguage"] == "en-GB"
        assert got["CacheControl"] == "max-age=60"
        assert got["Expires"] == expires
        assert got["Metadata"]["project"] == "stocktake"
        assert got["Metadata"]["owner-name"]
        assert got["ContentLength"] == 2


def test_default_content_type(s3, bucket):
    s3.put_object(Bucket=bucket, Key="noct", Body=b"x")
    assert s3.head_object(Bucket=bucket, Key="noct")["ContentType"] == "binary/octet-stream"


def test_metadata_too_large(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="m", Body=b"x", Metadata={"big": "v" * 2100})
    assert error_code(e.value) == "MetadataTooLarge"


@pytest.mark.parametrize("sc", ["STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA",
                                "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS",
                                "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE"])
def test_storage_classes(s3, bucket, sc):
    s3.put_object(Bucket=bucket, Key="sc", Body=b"x", StorageClass=sc)
    head = s3.head_object(Bucket=bucket, Key="sc")
    assert head.get("StorageClass", "STANDARD") == sc
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="sc")["Contents"][0]
    assert listed["StorageClass"] == sc


def test_invalid_storage_class(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="sc", Body=b"x", StorageClass="FAST_AND_CHEAP")
    assert error_code(e.value) == "InvalidStorageClass"


def test_ranges(s3, bucket):
    data = bytes(range(100))
    s3.put_object(Bucket=bucket, Key="r", Body=data)
    r = s3.get_object(Bucket=bucket, Key="r", Range="bytes=10-19")
    assert r["Body"].read() == data[10:20]
    assert r["ContentRange"] == "bytes 10-19/100"
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert s3.get_object(Bucket=bucket, Key="r", Range="bytes=90-")["Body"].read() == data[90:]
    assert s3.get_object(Bucket=bucket, Key="r", Range="bytes=-5")["Body"].read() == data[95:]
    assert s3.get_object(Bucket=bucket, Key="r", Range="bytes=95-500")["Body"].read() == data[95:]
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="r", Range="bytes=100-200")
    assert error_code(e.value) == "InvalidRange"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 416
    whole = s3.get_object(Bucket=bucket, Key="r", Range="bytes=garbage")
    assert whole["Body"].read() == data


def test_conditional_get(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="c", Body=b"conditional")
    etag = put["ETag"]
    lm = s3.head_object(Bucket=bucket, Key="c")["LastModified"]
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag)["Body"].read() == b"conditional"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="c", IfMatch='"0000"')
    assert error_code(e.value) == "PreconditionFailed"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="c", IfNoneMatch=etag)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304
    later = lm + datetime.timedelta(hours=1)
    earlier = lm - datetime.timedelta(hours=1)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="c", IfModifiedSince=later)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304
    assert s3.get_object(Bucket=bucket, Key="c", IfModifiedSince=earlier)["ContentLength"] == 11
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="c", IfUnmodifiedSince=earlier)
    assert error_code(e.value) == "PreconditionFailed"
    assert s3.get_object(Bucket=bucket, Key="c", IfUnmodifiedSince=later)["ContentLength"] == 11
    # If-Match true wins over If-Unmodified-Since false (RFC 7232 order, as S3)
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag,
                         IfUnmodifiedSince=earlier)["ContentLength"] == 11
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="c", IfMatch='"nope"')
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412


def test_response_overrides(s3, bucket):
    s3.put_object(Bucket=bucket, Key="o", Body=b"x", ContentType="text/plain")
    r = s3.get_object(Bucket=bucket, Key="o", ResponseContentType="application/x-test",
                      ResponseContentDisposition="inline", ResponseCacheControl="no-cache",
                      ResponseContentLanguage="fr", ResponseContentEncoding="gzip",
                      ResponseExpires=datetime.datetime(2031, 1, 1,
                                                        tzinfo=datetime.timezone.utc))
    assert r["ContentType"] == "application/x-test"
    assert r["ContentDisposition"] == "inline"
    assert r["CacheControl"] == "no-cache"
    assert r["ContentLanguage"] == "fr"
    assert r["ContentEncoding"] == "gzip"


def test_missing_key_errors(server, s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="nope")
    assert error_code(e.value) == "NoSuchKey"
    assert e.value.response["Error"]["Key"] == "nope"
    status, _, body = signed_request(server, "HEAD", "/%s/nope" % bucket)
    assert status == 404 and body == b""
    s3.delete_object(Bucket=bucket, Key="nope")  # 204 even when absent


def test_overwrite_replaces(s3, bucket):
    s3.put_object(Bucket=bucket, Key="ow", Body=b"first")
    s3.put_object(Bucket=bucket, Key="ow", Body=b"second version")
    assert s3.get_object(Bucket=bucket, Key="ow")["Body"].read() == b"second version"
    assert len(s3.list_objects_v2(Bucket=bucket)["Contents"]) == 1


def test_put_if_none_match(server, s3, bucket):
    status, _, _ = signed_request(server, "PUT", "/%s/once" % bucket, body=b"1",
                                  headers={"If-None-Match": "*"})
    assert status == 200
    status, _, resp = signed_request(server, "PUT", "/%s/once" % bucket, body=b"2",
                                     headers={"If-None-Match": "*"})
    assert status == 412 and b"PreconditionFailed" in resp
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"1"


def test_content_md5(s3, bucket):
    body = b"digest me"
    good = base64.b64encode(hashlib.md5(body).digest()).decode()
    s3.put_object(Bucket=bucket, Key="md5", Body=body, ContentMD5=good)
    bad = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="md5", Body=b"changed", ContentMD5=bad)
    assert error_code(e.value) == "BadDigest"
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="md5", Body=b"changed", ContentMD5="not-base64!")
    assert error_code(e.value) == "InvalidDigest"
    assert s3.get_object(Bucket=bucket, Key="md5")["Body"].read() == body


def test_checksum_headers(s3, bucket):
    body = b"checksummed body"
    crc = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
    s3.put_object(Bucket=bucket, Key="crc", Body=body, ChecksumCRC32=crc)
    got = s3.head_object(Bucket=bucket, Key="crc", ChecksumMode="ENABLED")
    assert got["ChecksumCRC32"] == crc
    sha = base64.b64encode(hashlib.sha256(body).digest()).decode()
    s3.put_object(Bucket=bucket, Key="sha", Body=body, ChecksumSHA256=sha)
    wrong = base64.b64encode((zlib.crc32(body) ^ 1).to_bytes(4, "big")).decode()
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="crc", Body=b"tampered", ChecksumCRC32=wrong)
    assert error_code(e.value) == "BadDigest"
    assert s3.get_object(Bucket=bucket, Key="crc")["Body"].read() == body


def test_delete_objects(s3, bucket):
    keys = ["d/%03d" % i for i in range(30)] + ["d/ü nicode", "d/new\nline"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys[:10]]})
    assert sorted(d["Key"] for d in r["Deleted"]) == sorted(keys[:10])
    r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys[10:]],
                                                 "Quiet": True})
    assert "Deleted" not in r and "Errors" not in r
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0


def test_delete_objects_malformed(server, bucket):
    body = b"<Delete><Object><Key>a</Key></Object"
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    status, _, resp = signed_request(server, "POST", "/" + bucket, query=[("delete", "")],
                                     headers={"Content-MD5": md5}, body=body)
    assert status == 400 and b"<Code>MalformedXML</Code>" in resp
    too_many = b"<Delete>" + b"<Object><Key>k</Key></Object>" * 1001 + b"</Delete>"
    md5 = base64.b64encode(hashlib.md5(too_many).digest()).decode()
    status, _, resp = signed_request(server, "POST", "/" + bucket, query=[("delete", "")],
                                     headers={"Content-MD5": md5}, body=too_many)
    assert status == 400 and b"<Code>MalformedXML</Code>" in resp
    entity = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]>'
              b"<Delete><Object><Key>&e;</Key></Object></Delete>")
    md5 = base64.b64encode(hashlib.md5(entity).digest()).decode()
    status, _, resp = signed_request(server, "POST", "/" + bucket, query=[("delete", "")],
                                     headers={"Content-MD5": md5}, body=entity)
    assert status == 400 and b"<Code>MalformedXML</Code>" in resp
    status, _, resp = signed_request(server, "POST", "/" + bucket, query=[("delete", "")],
                                     body=b"<Delete><Object><Key>a</Key></Object></Delete>")
    assert status == 400 and b"Content-MD5" in resp


def test_declared_huge_body_is_refused(server, bucket):
    status, _, resp = signed_request(server, "PUT", "/%s/huge" % bucket,
                                     headers={"Content-Length": str(6 * 1024 ** 3)},
                                     payload_hash="UNSIGNED-PAYLOAD")
    assert status == 400 and b"<Code>EntityTooLarge</Code>" in resp


def test_unknown_method(server, bucket):
    status, _, resp = signed_request(server, "PATCH", "/%s/k" % bucket)
    assert status == 405 and b"MethodNotAllowed" in resp
