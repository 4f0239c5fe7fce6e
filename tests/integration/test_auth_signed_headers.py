"""Issue 9, defect 2: what a signature covers. Host and every x-amz-* header sent must be signed
(AWS: 403 AccessDenied "There were headers present in the request which were not signed" with
a HeadersNotSigned list), for header-signed and presigned requests alike; aws-chunked trailers
are exactly the announced ones and nothing follows the trailer signature; X-Amz-Expires is
checked as AWS does; SignedHeaders lists have no short length limit."""
import base64
import datetime
import hashlib
import hmac
import re
import urllib.error
import urllib.request
import zlib

import pytest
from botocore.exceptions import ClientError

from sigv4 import (canonical_query, chunked_body_with_trailer, quote, request, sign,
                   signed_request, signing_key)

NOT_SIGNED = b"There were headers present in the request which were not signed"


def code_of(body):
    m = re.search(rb"<Code>([^<]+)</Code>", body)
    return m.group(1).decode() if m else None


def headers_not_signed(body):
    m = re.search(rb"<HeadersNotSigned>([^<]*)</HeadersNotSigned>", body)
    return m.group(1).decode() if m else None


def _signed_then_added(server, method, path, body, extra, signed_extra=None):
    """Sign a request (with signed_extra among its headers), then add extra unsigned."""
    headers = {"host": "127.0.0.1:%d" % server.port}
    headers.update(signed_extra or {})
    signed, _, _, _, _ = sign(method, path, (), headers, hashlib.sha256(body).hexdigest(),
                              server.access_key, server.secret_key, server.region)
    signed.update(extra)
    return request(server.endpoint, method, path, (), signed, body)


def test_unsigned_copy_source_does_not_turn_put_into_copy(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="secret", Body=b"the secret")
    status, _, body = _signed_then_added(server, "PUT", "/%s/upload" % bucket, b"mine",
                                         {"x-amz-copy-source": "/%s/secret" % bucket})
    assert status == 403, body
    assert code_of(body) == "AccessDenied"
    assert NOT_SIGNED in body
    assert headers_not_signed(body) == "x-amz-copy-source"
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="upload")


@pytest.mark.parametrize("extra", [
    {"x-amz-meta-owner": "mallory"},
    {"x-amz-storage-class": "REDUCED_REDUNDANCY"},
    {"x-amz-metadata-directive": "REPLACE"},
    {"X-Amz-Meta-A": "1", "x-amz-tagging": "a=b"},
])
def test_unsigned_amz_headers_are_refused(server, s3, bucket, extra):
    status, _, body = _signed_then_added(server, "PUT", "/%s/k" % bucket, b"v", extra)
    assert status == 403 and code_of(body) == "AccessDenied" and NOT_SIGNED in body
    assert sorted(headers_not_signed(body).split(", ")) == sorted(h.lower() for h in extra)
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="k")


def test_signed_amz_headers_are_stored(server, s3, bucket):
    status, _, body = _signed_then_added(server, "PUT", "/%s/k" % bucket, b"v", {},
                                         {"x-amz-meta-owner": "alice"})
    assert status == 200, body
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == {"owner": "alice"}


def test_unsigned_non_amz_headers_are_accepted(server, bucket):
    status, _, body = _signed_then_added(server, "PUT", "/%s/k" % bucket, b"v",
                                         {"x-amzn-trace-id": "Root=1-2-3", "User-Agent": "t"})
    assert status == 200, body


def test_host_must_be_signed(server):
    signed, _, _, _, _ = sign("GET", "/", (), {}, hashlib.sha256(b"").hexdigest(),
                              server.access_key, server.secret_key, server.region)
    status, _, body = request(server.endpoint, "GET", "/", (), signed)
    assert status == 403 and code_of(body) == "AccessDenied"
    assert headers_not_signed(body) == "host"


def test_fifty_signed_headers(server, s3, bucket):
    meta = {"x-amz-meta-a-rather-long-metadata-header-name-%02d" % i: "v%d" % i
            for i in range(50)}
    status, _, body = _signed_then_added(server, "PUT", "/%s/many" % bucket, b"v", {}, meta)
    assert status == 200, body
    got = s3.head_object(Bucket=bucket, Key="many")["Metadata"]
    assert len(got) == 50


def _presigned_put(s3, bucket, key):
    return s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": key},
                                     ExpiresIn=300)


@pytest.mark.parametrize("extra", [
    {"x-amz-copy-source": "/b/k"},
    {"x-amz-meta-owner": "mallory"},
    {"x-amz-acl": "public-read"},
])
def test_presigned_unsigned_amz_headers_are_refused(s3, bucket, extra):
    s3.put_object(Bucket=bucket, Key="secret", Body=b"the secret")
    if "x-amz-copy-source" in extra:
        extra = {"x-amz-copy-source": "/%s/secret" % bucket}
    req = urllib.request.Request(_presigned_put(s3, bucket, "p"), data=b"mine", method="PUT",
                                 headers=extra)
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req)
    body = e.value.read()
    assert e.value.code == 403 and code_of(body) == "AccessDenied" and NOT_SIGNED in body
    assert headers_not_signed(body) == list(extra)[0]
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="p")


def test_presigned_with_unsigned_content_sha256(s3, bucket):
    # x-amz-content-sha256 may travel unsigned (its value is the canonical request's payload
    # hash, so it cannot be changed without breaking the signature)
    req = urllib.request.Request(_presigned_put(s3, bucket, "p"), data=b"mine", method="PUT",
                                 headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
    with urllib.request.urlopen(req) as r:
        assert r.status == 200
    assert s3.get_object(Bucket=bucket, Key="p")["Body"].read() == b"mine"


def presign(server, method, path, expires, when=None):
    """A presigned URL with any X-Amz-Expires (botocore refuses 0 and negative values)."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    scope = "%s/%s/s3/aws4_request" % (amz_date[:8], server.region)
    host = "127.0.0.1:%d" % server.port
    query = [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
             ("X-Amz-Credential", "%s/%s" % (server.access_key, scope)),
             ("X-Amz-Date", amz_date), ("X-Amz-Expires", str(expires)),
             ("X-Amz-SignedHeaders", "host")]
    creq = "\n".join([method, quote(path, safe="/-_.~"), canonical_query(query),
                      "host:%s\n" % host, "host", "UNSIGNED-PAYLOAD"])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    sig = hmac.new(signing_key(server.secret_key, amz_date[:8], server.region), sts.encode(),
                   hashlib.sha256).hexdigest()
    return "%s%s?%s&X-Amz-Signature=%s" % (server.endpoint, quote(path, safe="/-_.~"),
                                           canonical_query(query), sig)


def _get(url):
    try:
        with urllib.request.urlopen(url) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.mark.parametrize("expires,status,code,message", [
    (0, 403, "AccessDenied", b"Request has expired"),
    (-7, 400, "AuthorizationQueryParametersError", b"X-Amz-Expires must be non-negative"),
    (609901, 400, "AuthorizationQueryParametersError",
     b"X-Amz-Expires must be less than a week"),
    (99999999999999999999999, 400, "AuthorizationQueryParametersError",
     b"X-Amz-Expires must be less than a week"),
])
def test_presigned_expires_bounds(server, s3, bucket, expires, status, code, message):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    got, body = _get(presign(server, "GET", "/%s/k" % bucket, expires))
    assert got == status, body
    assert code_of(body) == code
    assert message in body
    if expires == 0:
        assert b"<X-Amz-Expires>0</X-Amz-Expires>" in body
        assert b"<ServerTime>" in body and b"<Expires>" in body


def test_presigned_expires_not_a_number(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    for bad in ("6O", "", "+5", "1.5", "-"):
        got, body = _get(presign(server, "GET", "/%s/k" % bucket, bad))
        assert got == 400 and code_of(body) == "AuthorizationQueryParametersError"
        assert b"X-Amz-Expires should be a number" in body


def test_presigned_expires_window(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert _get(presign(server, "GET", "/%s/k" % bucket, 604800)) == (200, b"v")
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=2)
    assert _get(presign(server, "GET", "/%s/k" % bucket, 3 * 3600, when=past)) == (200, b"v")
    got, body = _get(presign(server, "GET", "/%s/k" % bucket, 3600, when=past))
    assert got == 403 and b"Request has expired" in body


def _trailer_put_extra(server, bucket, key, data, signed, extra_trailer):
    """A trailer upload whose body carries one more trailer line after the announced one (and
    after the trailer signature, when signed)."""
    path = "/%s/%s" % (bucket, key)
    crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    headers = {"host": "127.0.0.1:%d" % server.port, "content-encoding": "aws-chunked",
               "x-amz-decoded-content-length": str(len(data)),
               "x-amz-trailer": "x-amz-checksum-crc32"}
    mode = ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" if signed
            else "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
    probe = chunked_body_with_trailer(data, 8192, "x-amz-checksum-crc32", crc,
                                      b"k" * 32 if signed else None, "20000101T000000Z", "s",
                                      "0" * 64)
    headers["content-length"] = str(len(probe) + len(extra_trailer))
    hdrs, seed, key_bytes, amz_date, scope = sign("PUT", path, (), headers, mode,
                                                  server.access_key, server.secret_key,
                                                  server.region)
    body = chunked_body_with_trailer(data, 8192, "x-amz-checksum-crc32", crc,
                                     key_bytes if signed else None, amz_date, scope, seed)
    assert body.endswith(b"\r\n\r\n")
    body = body[:-2] + extra_trailer + b"\r\n"
    return request(server.endpoint, "PUT", path, (), hdrs, body)


@pytest.mark.parametrize("signed", [True, False])
def test_unannounced_trailer_is_refused(server, s3, bucket, signed):
    status, _, body = _trailer_put_extra(server, bucket, "t", b"z" * 100, signed,
                                         b"x-amz-meta-evil:1\r\n")
    assert status == 400, body
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="t")
    status, _, body = _trailer_put_extra(server, bucket, "t", b"z" * 100, signed, b"")
    assert status == 200, body


def test_announced_trailer_repeated_after_signature_is_refused(server, s3, bucket):
    status, _, body = _trailer_put_extra(server, bucket, "t", b"z" * 100, True,
                                         b"x-amz-checksum-crc32:AAAAAA==\r\n")
    assert status == 400, body
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="t")


def test_boto3_and_presigned_still_work(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="b", Body=b"x", Metadata={"m": "1"},
                  StorageClass="STANDARD")
    s3.copy_object(Bucket=bucket, Key="c", CopySource={"Bucket": bucket, "Key": "b"},
                   MetadataDirective="REPLACE", Metadata={"m": "2"})
    assert s3.head_object(Bucket=bucket, Key="c")["Metadata"] == {"m": "2"}
    status, _, _ = signed_request(server, "GET", "/%s" % bucket)
    assert status == 200
