"""Authentication: SigV4 headers, presigned URLs, payload modes, and their errors."""
import datetime
import hashlib
import re
import time
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import error_code
import base64
import zlib

from sigv4 import chunked_body, chunked_body_with_trailer, request, sign, signed_request


def code_of(body):
    m = re.search(rb"<Code>([^<]+)</Code>", body)
    return m.group(1).decode() if m else None


def test_anonymous_request_is_refused(server, bucket):
    status, headers, body = request(server.endpoint, "GET", "/" + bucket)
    assert status == 403
    assert code_of(body) == "AccessDenied"
    assert headers.get("x-amz-request-id")


def test_unknown_access_key(server):
    s3 = server.client(access_key="NOSUCHKEY0000000000", secret_key="x" * 40)
    with pytest.raises(ClientError) as e:
        s3.list_buckets()
    assert error_code(e.value) == "InvalidAccessKeyId"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_wrong_secret_is_signature_mismatch(server):
    s3 = server.client(secret_key="wrong-secret-wrong-secret-wrong-secret00")
    with pytest.raises(ClientError) as e:
        s3.list_buckets()
    assert error_code(e.value) == "SignatureDoesNotMatch"


def test_clock_skew(server):
    when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
    status, _, body = signed_request(server, "GET", "/", when=when)
    assert status == 403
    assert code_of(body) == "RequestTimeTooSkewed"
    assert b"<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>" in body
    when = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)
    status, _, _ = signed_request(server, "GET", "/", when=when)
    assert status == 200


def test_wrong_region(server):
    status, _, body = signed_request(server, "GET", "/", region="eu-west-1")
    assert status == 400
    assert code_of(body) == "AuthorizationHeaderMalformed"
    assert b"<Region>us-east-1</Region>" in body


def test_missing_content_sha256_header(server):
    headers, _, _, _, _ = sign("GET", "/", (), {"host": "127.0.0.1:%d" % server.port},
                               hashlib.sha256(b"").hexdigest(), server.access_key,
                               server.secret_key, server.region)
    del headers["x-amz-content-sha256"]
    status, _, body = request(server.endpoint, "GET", "/", (), headers)
    # the header was signed but is gone: the signed header list names a missing header
    assert status in (400, 403)


def test_payload_hash_mismatch_writes_nothing(server, s3, bucket):
    body = b"the real body"
    status, _, resp = signed_request(server, "PUT", "/%s/k" % bucket, body=body,
                                     payload_hash=hashlib.sha256(b"another body").hexdigest())
    assert status == 400
    assert code_of(resp) == "XAmzContentSHA256Mismatch"
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="k")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_unsigned_payload(server, s3, bucket):
    status, _, _ = signed_request(server, "PUT", "/%s/u" % bucket, body=b"unsigned body",
                                  payload_hash="UNSIGNED-PAYLOAD")
    assert status == 200
    assert s3.get_object(Bucket=bucket, Key="u")["Body"].read() == b"unsigned body"


def test_invalid_payload_hash_value(server, bucket):
    status, _, body = signed_request(server, "PUT", "/%s/x" % bucket, body=b"abc",
                                     payload_hash="not-a-hash")
    assert status == 400
    assert code_of(body) == "InvalidArgument"


def _streaming_put(server, bucket, key, data, tamper_chunk=None, decoded_len=None):
    path = "/%s/%s" % (bucket, key)
    headers = {"host": "127.0.0.1:%d" % server.port, "content-encoding": "aws-chunked",
               "x-amz-decoded-content-length": str(len(data) if decoded_len is None
                                                    else decoded_len)}
    # the body length depends on the signatures only through their fixed width
    probe = chunked_body(data, 8192, b"k" * 32, "20000101T000000Z", "s", "0" * 64)
    headers["content-length"] = str(len(probe))
    signed, seed, key_bytes, amz_date, scope = sign(
        "PUT", path, (), headers, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", server.access_key,
        server.secret_key, server.region)
    body = chunked_body(data, 8192, key_bytes, amz_date, scope, seed, tamper_chunk)
    return request(server.endpoint, "PUT", path, (), signed, body)


def test_streaming_signed_payload(server, s3, bucket):
    data = bytes(range(256)) * 100  # 25600 bytes: four chunks
    status, headers, body = _streaming_put(server, bucket, "chunked", data)
    assert status == 200, body
    assert headers["etag"] == '"%s"' % hashlib.md5(data).hexdigest()
    got = s3.get_object(Bucket=bucket, Key="chunked")
    assert got["Body"].read() == data
    assert got.get("ContentEncoding") in (None, "")


def test_streaming_tampered_chunk_is_refused(server, s3, bucket):
    data = b"x" * 20000
    status, _, body = _streaming_put(server, bucket, "tampered", data, tamper_chunk=1)
    assert status == 403
    assert code_of(body) == "SignatureDoesNotMatch"
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="tampered")


def test_streaming_decoded_length_mismatch(server, s3, bucket):
    status, _, body = _streaming_put(server, bucket, "short", b"y" * 100, decoded_len=200)
    assert status == 400
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="short")


def test_presigned_get_and_put(server, s3, bucket):
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "p/ü k"},
                                        ExpiresIn=300)
    req = urllib.request.Request(put_url, data=b"presigned body", method="PUT")
    with urllib.request.urlopen(req) as r:
        assert r.status == 200
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "p/ü k"},
                                        ExpiresIn=300)
    with urllib.request.urlopen(get_url) as r:
        assert r.read() == b"presigned body"


def test_presigned_tampered_and_expired(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"},
                                    ExpiresIn=300)
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url.replace("/k?", "/other?"))
    assert e.value.code == 403
    assert code_of(e.value.read()) == "SignatureDoesNotMatch"
    expired = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"},
                                        ExpiresIn=1)
    time.sleep(2.1)
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(expired)
    assert e.value.code == 403
    assert b"Request has expired" in e.value.read()
    too_long = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"},
                                         ExpiresIn=604801)
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(too_long)
    assert e.value.code == 400
    assert code_of(e.value.read()) == "AuthorizationQueryParametersError"


def test_malformed_authorization_header(server):
    status, _, body = request(server.endpoint, "GET", "/",
                              headers={"Authorization": "AWS4-HMAC-SHA256 Credential=broken"})
    assert status == 400
    assert code_of(body) == "AuthorizationHeaderMalformed"


def test_health_needs_no_auth(server):
    with urllib.request.urlopen(server.endpoint + "/_stocktake/health") as r:
        assert r.status == 200


def _trailer_put(server, bucket, key, data, signed, crc=None, bad_sig=False):
    path = "/%s/%s" % (bucket, key)
    crc = crc or base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    headers = {"host": "127.0.0.1:%d" % server.port, "content-encoding": "aws-chunked",
               "x-amz-decoded-content-length": str(len(data)),
               "x-amz-trailer": "x-amz-checksum-crc32"}
    mode = ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" if signed
            else "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
    probe = chunked_body_with_trailer(data, 8192, "x-amz-checksum-crc32", crc,
                                      b"k" * 32 if signed else None, "20000101T000000Z", "s",
                                      "0" * 64)
    headers["content-length"] = str(len(probe))
    hdrs, seed, key_bytes, amz_date, scope = sign("PUT", path, (), headers, mode,
                                                  server.access_key, server.secret_key,
                                                  server.region)
    body = chunked_body_with_trailer(data, 8192, "x-amz-checksum-crc32", crc,
                                     key_bytes if signed else None, amz_date, scope, seed,
                                     bad_trailer_sig=bad_sig)
    return request(server.endpoint, "PUT", path, (), hdrs, body)


@pytest.mark.parametrize("signed", [True, False])
def test_streaming_payload_with_trailing_checksum(server, s3, bucket, signed):
    data = bytes(range(256)) * 90
    status, headers, body = _trailer_put(server, bucket, "trailer-%s" % signed, data, signed)
    assert status == 200, body
    got = s3.head_object(Bucket=bucket, Key="trailer-%s" % signed, ChecksumMode="ENABLED")
    assert got["ChecksumCRC32"] == base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    assert s3.get_object(Bucket=bucket, Key="trailer-%s" % signed)["Body"].read() == data
    wrong = base64.b64encode((zlib.crc32(data) ^ 1).to_bytes(4, "big")).decode()
    status, _, body = _trailer_put(server, bucket, "bad-crc-%s" % signed, data, signed, crc=wrong)
    assert status == 400 and code_of(body) == "BadDigest"
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="bad-crc-%s" % signed)


def test_streaming_trailer_signature_checked(server, s3, bucket):
    status, _, body = _trailer_put(server, bucket, "bad-trailer-sig", b"z" * 100, True,
                                   bad_sig=True)
    assert status == 403 and code_of(body) == "SignatureDoesNotMatch"
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="bad-trailer-sig")
