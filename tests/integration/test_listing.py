"""Listing: ListObjectsV2 and ListObjects (v1) against a reference model of S3's semantics —
UTF-8 byte order, prefixes, delimiters, common prefixes, markers and pagination."""
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
from botocore.exceptions import ClientError

from conftest import error_code
from sigv4 import signed_request

KEYS = ["a", "a/b", "a/b/c", "a/b/d", "a/c", "a+b", "a b", "a%b", "a=b", "b/", "b//c",
        "b/x/y", "c", "photos/2024/jan/1.jpg", "photos/2024/feb/2.jpg", "photos/2025/x.jpg",
        "photos/readme", "z", "Z", "é", "e\u0301", "日本/語", "😀/x", "\u00ff", "\u0100",
        "new\nline/x", "sp ace/ k", "tab\t/", "-dash", "~tilde", "zz/" + "y" * 900]


def model(keys, prefix="", delimiter=None, after=None):
    """The ordered entries S3 lists: ('key', k) and ('prefix', p)."""
    out = []
    seen = set()
    for k in sorted(keys, key=lambda s: s.encode("utf-8")):
        if not k.startswith(prefix):
            continue
        entry = ("key", k)
        if delimiter:
            i = k.find(delimiter, len(prefix))
            if i >= 0:
                entry = ("prefix", k[: i + len(delimiter)])
        if after is not None and entry[1].encode() <= after.encode():
            continue
        if entry in seen:
            continue
        seen.add(entry)
        out.append(entry)
    return out


@pytest.fixture(scope="module")
def listed(s3):
    name = "listing-bucket"
    s3.create_bucket(Bucket=name)
    for k in KEYS:
        s3.put_object(Bucket=name, Key=k, Body=k.encode())
    return name


def page_v2(s3, bucket, **kw):
    entries, token, pages = [], None, 0
    while True:
        args = dict(kw)
        if token:
            args["ContinuationToken"] = token
        r = s3.list_objects_v2(Bucket=bucket, **args)
        pages += 1
        page = [("key", o["Key"]) for o in r.get("Contents", [])]
        page += [("prefix", p["Prefix"]) for p in r.get("CommonPrefixes", [])]
        assert r["KeyCount"] == len(page)
        assert len(page) <= kw.get("MaxKeys", 1000)
        entries += sorted(page, key=lambda e: e[1].encode())
        if not r["IsTruncated"]:
            assert "NextContinuationToken" not in r
            return entries, pages
        token = r["NextContinuationToken"]


@pytest.mark.parametrize("max_keys", [1, 2, 3, 7, 1000])
@pytest.mark.parametrize("prefix,delimiter", [("", None), ("", "/"), ("a", "/"), ("a/", "/"),
                                              ("photos/", "/"), ("photos/20", "/"), ("b", "/"),
                                              ("", "b"), ("photos/", "2"), ("nomatch", "/")])
def test_v2_matches_model(s3, listed, max_keys, prefix, delimiter):
    kw = {"MaxKeys": max_keys, "Prefix": prefix}
    if delimiter:
        kw["Delimiter"] = delimiter
    entries, pages = page_v2(s3, listed, **kw)
    expected = model(KEYS, prefix, delimiter)
    assert entries == expected
    assert pages == max(1, -(-len(expected) // max_keys))


@pytest.mark.parametrize("after", ["a", "a/", "a/b/c", "b/", "photos/2024/", "\u00ff", "zzz"])
def test_v2_start_after(s3, listed, after):
    entries, _ = page_v2(s3, listed, StartAfter=after, Delimiter="/", MaxKeys=4)
    assert entries == model(KEYS, "", "/", after)
    entries, _ = page_v2(s3, listed, StartAfter=after, MaxKeys=5)
    assert entries == model(KEYS, "", None, after)


def test_v2_fields_and_owner(s3, listed):
    r = s3.list_objects_v2(Bucket=listed, Prefix="photos/2025/", FetchOwner=True)
    (o,) = r["Contents"]
    assert o["Key"] == "photos/2025/x.jpg"
    assert o["Size"] == len("photos/2025/x.jpg")
    assert o["StorageClass"] == "STANDARD"
    assert o["ETag"].startswith('"')
    assert len(o["Owner"]["ID"]) == 64
    r = s3.list_objects_v2(Bucket=listed, Prefix="photos/2025/")
    assert "Owner" not in r["Contents"][0]


def test_v2_bad_arguments(s3, listed):
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket=listed, ContinuationToken="not-a-token")
    assert error_code(e.value) == "InvalidArgument"
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket=listed, MaxKeys=-1)
    assert error_code(e.value) == "InvalidArgument"


def test_max_keys_zero(s3, listed):
    r = s3.list_objects_v2(Bucket=listed, MaxKeys=0)
    assert r["KeyCount"] == 0 and not r["IsTruncated"]


@pytest.mark.parametrize("max_keys", [1, 4, 1000])
@pytest.mark.parametrize("delimiter", [None, "/"])
def test_v1_marker_paging(s3, listed, max_keys, delimiter):
    entries, marker = [], None
    while True:
        kw = {"MaxKeys": max_keys}
        if delimiter:
            kw["Delimiter"] = delimiter
        if marker:
            kw["Marker"] = marker
        r = s3.list_objects(Bucket=listed, **kw)
        page = [("key", o["Key"]) for o in r.get("Contents", [])]
        page += [("prefix", p["Prefix"]) for p in r.get("CommonPrefixes", [])]
        page.sort(key=lambda e: e[1].encode())
        entries += page
        for o in r.get("Contents", []):
            assert len(o["Owner"]["ID"]) == 64
        if not r["IsTruncated"]:
            break
        marker = r.get("NextMarker") or page[-1][1]
        if delimiter:
            assert r["NextMarker"] == page[-1][1]
        else:
            assert "NextMarker" not in r
    assert entries == model(KEYS, "", delimiter)


def test_raw_xml_without_url_encoding(server, listed):
    """Without encoding-type, keys are XML-escaped text; a newline survives."""
    status, _, body = signed_request(server, "GET", "/" + listed,
                                     query=[("list-type", "2"), ("prefix", "new")])
    assert status == 200
    ns = {"s3": "http://s3.amazonaws.com/doc/2006-03-01/"}
    root = ET.fromstring(body)
    assert [k.text for k in root.findall("s3:Contents/s3:Key", ns)] == ["new\nline/x"]


def test_raw_xml_url_encoding(server, listed):
    status, _, body = signed_request(server, "GET", "/" + listed,
                                     query=[("list-type", "2"), ("prefix", "sp ace/"),
                                            ("encoding-type", "url"), ("delimiter", "/")])
    assert status == 200
    ns = {"s3": "http://s3.amazonaws.com/doc/2006-03-01/"}
    root = ET.fromstring(body)
    keys = [k.text for k in root.findall("s3:Contents/s3:Key", ns)]
    assert keys == ["sp%20ace/%20k"]
    assert urllib.parse.unquote_plus(keys[0]) == "sp ace/ k"
    assert root.find("s3:EncodingType", ns).text == "url"
    assert root.find("s3:Prefix", ns).text == "sp%20ace/"


def test_bad_encoding_type(server, listed):
    status, _, body = signed_request(server, "GET", "/" + listed,
                                     query=[("list-type", "2"), ("encoding-type", "base64")])
    assert status == 400 and b"InvalidArgument" in body


@pytest.mark.parametrize("v2", [False, True])
def test_empty_delimiter_not_echoed(server, listed, v2):
    """An empty delimiter is no delimiter, and the answer has no Delimiter element (AWS)."""
    query = [("delimiter", ""), ("prefix", "a/")] + ([("list-type", "2")] if v2 else [])
    status, _, body = signed_request(server, "GET", "/" + listed, query=query)
    assert status == 200
    ns = {"s3": "http://s3.amazonaws.com/doc/2006-03-01/"}
    root = ET.fromstring(body)
    assert root.find("s3:Delimiter", ns) is None
    assert [k.text for k in root.findall("s3:Contents/s3:Key", ns)] == ["a/b", "a/b/c", "a/b/d",
                                                                         "a/c"]
    assert root.findall("s3:CommonPrefixes", ns) == []


def test_v1_prefix_not_url_encoded(s3, server, listed):
    """ListObjects v1 url-encodes keys, markers and the delimiter but answers Prefix as sent
    (botocore decodes only those); boto3, which always asks for encoding-type=url, must get
    back the prefix it sent."""
    r = s3.list_objects(Bucket=listed, Prefix="new\n")
    assert r["Prefix"] == "new\n"
    assert [o["Key"] for o in r["Contents"]] == ["new\nline/x"]
    status, _, body = signed_request(server, "GET", "/" + listed,
                                     query=[("prefix", "sp ace/"), ("encoding-type", "url")])
    assert status == 200
    root = ET.fromstring(body)
    ns = {"s3": "http://s3.amazonaws.com/doc/2006-03-01/"}
    assert root.find("s3:Prefix", ns).text == "sp ace/"
    assert [k.text for k in root.findall("s3:Contents/s3:Key", ns)] == ["sp%20ace/%20k"]


def test_v2_empty_continuation_token(s3, listed):
    """An empty token lists from the start and is echoed back (StartAfter still applies)."""
    r = s3.list_objects_v2(Bucket=listed, ContinuationToken="", MaxKeys=3)
    assert r["ContinuationToken"] == ""
    assert [o["Key"] for o in r["Contents"]] == [e[1] for e in model(KEYS)[:3]]
    r = s3.list_objects_v2(Bucket=listed, ContinuationToken="", StartAfter="photos")
    assert [o["Key"] for o in r["Contents"]] == [e[1] for e in model(KEYS, after="photos")]
