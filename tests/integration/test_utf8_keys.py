"""Issue 9, defect 6: object keys (and the other names S3 echoes in XML: buckets, prefixes,
markers, copy sources, DeleteObjects keys) must be valid UTF-8. AWS answers 400 InvalidURI
"Couldn't parse the specified URI." for a key that is not; one such PUT used to be stored and
broke every later listing for strict XML readers (s3cmd, minio-js, DuckDB on the report)."""
import base64
import hashlib
import re

import pytest
from botocore.exceptions import ClientError
import xml.etree.ElementTree as etree  # strict: raises on XML that is not well-formed

from sigv4 import signed_request

BAD_KEYS = [
    b"bad\xff\xfe",          # not UTF-8 at all
    b"over\xc0\xaf",         # overlong '/'
    b"over\xe0\x80\xaf",     # overlong '/', three bytes
    b"surrogate\xed\xa0\x80",  # U+D800
    b"big\xf4\x90\x80\x80",  # U+110000
    b"cut\xe2\x82",          # truncated sequence
]


def code_of(body):
    m = re.search(rb"<Code>([^<]+)</Code>", body)
    return m.group(1).decode() if m else None


def _put(server, bucket, key_bytes, body=b"v"):
    return signed_request(server, "PUT", b"/" + bucket.encode() + b"/" + key_bytes, body=body)


@pytest.mark.parametrize("key", BAD_KEYS)
def test_put_of_invalid_utf8_key_is_refused(server, s3, bucket, key):
    status, _, body = _put(server, bucket, key)
    assert status == 400, body
    assert code_of(body) == "InvalidURI"
    etree.fromstring(body)  # the error itself is well-formed XML
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_listing_still_works_after_a_bad_put(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="good/ü 🥳", Body=b"g")
    status, _, _ = _put(server, bucket, b"bad\xff\xfe")
    assert status == 400
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["good/ü 🥳"]
    assert [o["Key"] for o in s3.list_objects(Bucket=bucket)["Contents"]] == ["good/ü 🥳"]
    status, _, body = signed_request(server, "GET", "/" + bucket, query=[("list-type", "2")])
    assert status == 200
    etree.fromstring(body)  # strict parse, no encoding-type=url


@pytest.mark.parametrize("param", ["prefix", "start-after", "delimiter", "marker"])
def test_listing_with_invalid_utf8_parameter_is_refused(server, bucket, param):
    query = [(param, b"p\xff")]
    if param != "marker":
        query.append(("list-type", "2"))
    status, _, body = signed_request(server, "GET", "/" + bucket, query=query)
    assert status == 400, body
    assert code_of(body) == "InvalidURI"
    etree.fromstring(body)


def test_invalid_utf8_bucket_name_is_refused(server):
    status, _, body = signed_request(server, "GET", b"/b\xff\xfe/k")
    assert status == 400
    assert code_of(body) == "InvalidURI"
    etree.fromstring(body)


def test_invalid_utf8_copy_source_is_refused(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"s")
    headers = {"x-amz-copy-source": "/%s/src%%FF%%FE" % bucket}
    status, _, body = signed_request(server, "PUT", "/%s/dst" % bucket, headers=headers)
    assert status == 400, body
    assert code_of(body) == "InvalidArgument"
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="dst")


@pytest.mark.parametrize("raw_key", [b"bad\xff\xfe", b"s\xed\xa0\x80", b"o\xc0\xaf",
                                     b"&#xD800;", b"&#x1;"])
def test_delete_objects_with_invalid_key_is_refused(server, s3, bucket, raw_key):
    s3.put_object(Bucket=bucket, Key="keep", Body=b"k")
    xml = (b'<?xml version="1.0" encoding="UTF-8"?><Delete><Object><Key>keep</Key></Object>'
           b"<Object><Key>" + raw_key + b"</Key></Object></Delete>")
    md5 = base64.b64encode(hashlib.md5(xml).digest()).decode()
    status, _, body = signed_request(server, "POST", "/" + bucket, query=[("delete", "")],
                                     headers={"content-md5": md5}, body=xml)
    assert status == 400, body
    assert code_of(body) == "MalformedXML"
    assert s3.head_object(Bucket=bucket, Key="keep")["ContentLength"] == 1
