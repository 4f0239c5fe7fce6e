"""ListMultipartUploads: delimiter roll-up, key markers inside a common prefix, encoding-type."""
import xml.etree.ElementTree as ET

import pytest

from sigv4 import signed_request

NS = {"s3": "http://s3.amazonaws.com/doc/2006-03-01/"}


@pytest.fixture
def uploading(s3, bucket):
    for key in ["a/1", "a/2", "b", "sp ace/x", "z"]:
        s3.create_multipart_upload(Bucket=bucket, Key=key)
    return bucket


def _list(server, bucket, query):
    status, _, body = signed_request(server, "GET", "/" + bucket, query=[("uploads", "")] + query)
    assert status == 200, body
    return ET.fromstring(body)


def test_empty_delimiter_not_echoed(server, uploading):
    root = _list(server, uploading, [("delimiter", "")])
    assert root.find("s3:Delimiter", NS) is None
    assert len(root.findall("s3:Upload", NS)) == 5
    assert root.findall("s3:CommonPrefixes", NS) == []


def test_key_marker_inside_common_prefix(s3, uploading):
    """Resuming at NextKeyMarker "a/" goes on after the prefix, never lists it again."""
    first = s3.list_multipart_uploads(Bucket=uploading, Delimiter="/", MaxUploads=1)
    assert [p["Prefix"] for p in first["CommonPrefixes"]] == ["a/"]
    assert first["IsTruncated"] and first["NextKeyMarker"] == "a/"
    rest = s3.list_multipart_uploads(Bucket=uploading, Delimiter="/",
                                     KeyMarker=first["NextKeyMarker"])
    assert "CommonPrefixes" in rest
    assert [p["Prefix"] for p in rest["CommonPrefixes"]] == ["sp ace/"]
    assert [u["Key"] for u in rest["Uploads"]] == ["b", "z"]
    again = s3.list_multipart_uploads(Bucket=uploading, Delimiter="/", KeyMarker="a/1")
    assert [p["Prefix"] for p in again["CommonPrefixes"]] == ["sp ace/"]


def test_encoding_type_url(server, uploading):
    root = _list(server, uploading, [("encoding-type", "url"), ("prefix", "sp ace/")])
    assert root.find("s3:EncodingType", NS).text == "url"
    assert root.find("s3:Prefix", NS).text == "sp%20ace/"
    assert [k.text for k in root.findall("s3:Upload/s3:Key", NS)] == ["sp%20ace/x"]


@pytest.mark.parametrize("query", [[("encoding-type", "base64")], [("max-uploads", "x")],
                                   [("max-uploads", "-1")]])
def test_bad_parameters(s3, server, uploading, query):
    status, _, body = signed_request(server, "GET", "/" + uploading,
                                     query=[("uploads", "")] + query)
    assert status == 400 and b"InvalidArgument" in body


def test_resume_after_aborted_marker_upload(s3, bucket):
    """Abort-as-you-list: the upload-id marker names an upload aborted since the page was
    listed; the listing goes on with the key's remaining uploads instead of skipping them."""
    ids = [s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"] for _ in range(3)]
    s3.create_multipart_upload(Bucket=bucket, Key="l")
    seen, kw = [], {}
    while True:
        r = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=1, **kw)
        for u in r.get("Uploads", []):
            seen.append(u["Key"])
            s3.abort_multipart_upload(Bucket=bucket, Key=u["Key"], UploadId=u["UploadId"])
        if not r["IsTruncated"]:
            break
        kw = {"KeyMarker": r["NextKeyMarker"], "UploadIdMarker": r["NextUploadIdMarker"]}
    assert seen == ["k", "k", "k", "l"]
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)
    assert len(set(ids)) == 3


def test_upload_id_marker_without_key_marker_is_ignored(s3, bucket):
    s3.create_multipart_upload(Bucket=bucket, Key="k")
    r = s3.list_multipart_uploads(Bucket=bucket, UploadIdMarker="whatever")
    assert [u["Key"] for u in r["Uploads"]] == ["k"]
