"""Versioning: bucket states, version ids, the null version's replace rules, delete markers,
version-addressed GET/HEAD/DELETE, and ListObjectVersions against a model."""
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
from botocore.exceptions import ClientError

from conftest import error_code
from sigv4 import signed_request


NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
_SERVER = []


@pytest.fixture(autouse=True)
def _remember_server(server):
    _SERVER[:] = [server]


def versions(s3, bucket, MaxKeys=None, Delimiter=None):
    """Every version and delete marker in document order (boto3 splits the two kinds into
    separate lists), following NextKeyMarker / NextVersionIdMarker."""
    out, km, vm = [], None, None
    while True:
        q = [("versions", "")]
        if MaxKeys is not None:
            q.append(("max-keys", str(MaxKeys)))
        if Delimiter:
            q.append(("delimiter", Delimiter))
        if km is not None:
            q.append(("key-marker", km))
            if vm:
                q.append(("version-id-marker", vm))
        status, _, body = signed_request(_SERVER[0], "GET", "/" + bucket, query=q)
        assert status == 200, body
        root = ET.fromstring(body)
        entries = []
        for el in root:
            tag = el.tag[len(NS):]
            if tag in ("Version", "DeleteMarker"):
                entries.append(("v" if tag == "Version" else "dm", el.find(NS + "Key").text,
                                el.find(NS + "VersionId").text,
                                el.find(NS + "IsLatest").text == "true"))
        prefixes = [p.find(NS + "Prefix").text for p in root.findall(NS + "CommonPrefixes")]
        if MaxKeys:
            assert len(entries) + len(prefixes) <= MaxKeys
        out.append((entries, prefixes))
        if root.find(NS + "IsTruncated").text != "true":
            return out
        km = root.find(NS + "NextKeyMarker").text
        nv = root.find(NS + "NextVersionIdMarker")
        vm = nv.text if nv is not None else None


def flat(pages):
    return [e for entries, _ in pages for e in entries]


def test_versioning_states(s3, bucket):
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"


def test_bad_versioning_body(server, bucket):
    body = b"<VersioningConfiguration><Status>enabled</Status></VersioningConfiguration>"
    status, _, resp = signed_request(server, "PUT", "/" + bucket, query=[("versioning", "")],
                                     body=body)
    assert status == 400 and b"MalformedXML" in resp


def test_versions_and_delete_markers(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"before versioning")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"two")["VersionId"]
    assert v1 != v2 and v1 != "null" and len(v1) == 32
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"
    assert s3.get_object(Bucket=bucket, Key="k", VersionId=v1)["Body"].read() == b"one"
    assert s3.get_object(Bucket=bucket, Key="k",
                         VersionId="null")["Body"].read() == b"before versioning"
    assert s3.head_object(Bucket=bucket, Key="k", VersionId=v2)["VersionId"] == v2
    d = s3.delete_object(Bucket=bucket, Key="k")
    assert d["DeleteMarker"] is True
    dm = d["VersionId"]
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k")
    assert error_code(e.value) == "NoSuchKey"
    assert e.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k", VersionId=dm)
    assert error_code(e.value) == "MethodNotAllowed"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 405
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="k", VersionId=dm)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 405
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)
    listed = flat(versions(s3, bucket))
    assert listed == [("dm", "k", dm, True), ("v", "k", v2, False), ("v", "k", v1, False),
                      ("v", "k", "null", False)]
    # removing the delete marker brings v2 back
    r = s3.delete_object(Bucket=bucket, Key="k", VersionId=dm)
    assert r["DeleteMarker"] is True and r["VersionId"] == dm
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"
    s3.delete_object(Bucket=bucket, Key="k", VersionId=v2)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"one"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k", VersionId="NoSuchVersionId0000000000000000x")
    assert error_code(e.value) == "NoSuchVersion"


def test_suspended_replaces_null_version(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=bucket, Key="s", Body=b"versioned")["VersionId"]
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    r = s3.put_object(Bucket=bucket, Key="s", Body=b"null one")
    assert "VersionId" not in r  # AWS: a write into a suspended bucket names no version
    s3.put_object(Bucket=bucket, Key="s", Body=b"null two")
    head = s3.head_object(Bucket=bucket, Key="s")
    assert head["VersionId"] == "null"  # a read names the null version
    copied = s3.copy_object(Bucket=bucket, Key="c", CopySource={"Bucket": bucket, "Key": "s"})
    assert "VersionId" not in copied
    up = s3.create_multipart_upload(Bucket=bucket, Key="m")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="m", UploadId=up, PartNumber=1, Body=b"m")
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="m", UploadId=up,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert "VersionId" not in done
    for k in ("c", "m"):
        s3.delete_object(Bucket=bucket, Key=k, VersionId="null")
    listed = flat(versions(s3, bucket))
    assert listed == [("v", "s", "null", True), ("v", "s", v1, False)]
    assert s3.get_object(Bucket=bucket, Key="s")["Body"].read() == b"null two"
    d = s3.delete_object(Bucket=bucket, Key="s")
    assert d["DeleteMarker"] is True and d["VersionId"] == "null"
    listed = flat(versions(s3, bucket))
    assert listed == [("dm", "s", "null", True), ("v", "s", v1, False)]


def test_list_versions_paging_and_prefixes(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    expected = []
    for key in ["a", "b/1", "b/2", "c", "d/x/y"]:
        ids = [s3.put_object(Bucket=bucket, Key=key, Body=key.encode() * i)["VersionId"]
               for i in range(3)]
        expected += [(key, vid) for vid in reversed(ids)]
    dm = s3.delete_object(Bucket=bucket, Key="c")["VersionId"]
    expected.insert([k for k, _ in expected].index("c"), ("c", dm))
    for max_keys in (1, 2, 4, 1000):
        got = [(k, v) for _, k, v, _ in flat(versions(s3, bucket, MaxKeys=max_keys))]
        assert got == expected, max_keys
    pages = versions(s3, bucket, Delimiter="/", MaxKeys=2)
    keys = [e[1] for e in flat(pages)]
    prefixes = [p for _, ps in pages for p in ps]
    assert keys == ["a"] * 3 + ["c"] * 4
    assert prefixes == ["b/", "d/"]
    latest = {k: v for _, k, v, latest in flat(versions(s3, bucket)) if latest}
    assert latest["c"] == dm


def test_delete_objects_with_versions(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=bucket, Key="x", Body=b"1")["VersionId"]
    r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "x"}]})
    assert r["Deleted"][0]["DeleteMarker"] is True
    dm = r["Deleted"][0]["DeleteMarkerVersionId"]
    r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "x", "VersionId": dm},
                                                             {"Key": "x", "VersionId": v1}]})
    assert sorted(d["VersionId"] for d in r["Deleted"]) == sorted([dm, v1])
    assert "Versions" not in s3.list_object_versions(Bucket=bucket)


def test_versioned_bucket_not_empty_until_all_versions_gone(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v = s3.put_object(Bucket=bucket, Key="x", Body=b"1")["VersionId"]
    dm = s3.delete_object(Bucket=bucket, Key="x")["VersionId"]
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=bucket)
    assert error_code(e.value) == "BucketNotEmpty"
    s3.delete_object(Bucket=bucket, Key="x", VersionId=v)
    s3.delete_object(Bucket=bucket, Key="x", VersionId=dm)
    s3.delete_bucket(Bucket=bucket)


def test_suspend_never_versioned_bucket(s3, bucket):
    """AWS: suspending a bucket that was never versioned puts it in the Suspended state; it
    never returns to unversioned (no Status)."""
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    listed = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [(v["Key"], v["VersionId"]) for v in listed] == [("k", "null")]


def _nuke(s3, bucket, batch):
    """s3-tests' own cleanup: list a page of versions, delete it, resume at the markers of the
    page just deleted."""
    kw = {"Bucket": bucket, "MaxKeys": batch}
    pages = 0
    while True:
        r = s3.list_object_versions(**kw)
        objs = r.get("Versions", []) + r.get("DeleteMarkers", [])
        if objs:
            s3.delete_objects(Bucket=bucket, Delete={
                "Objects": [{"Key": o["Key"], "VersionId": o["VersionId"]} for o in objs],
                "Quiet": True})
        pages += 1
        if not r["IsTruncated"]:
            return pages
        kw["KeyMarker"] = r.get("NextKeyMarker")
        kw["VersionIdMarker"] = r.get("NextVersionIdMarker")


@pytest.mark.parametrize("versioned", [False, True])
def test_list_versions_resumes_after_deleted_marker(s3, bucket, versioned):
    """The version-id-marker names a version deleted since the page was listed: the listing
    resumes with what is left of that key (it used to answer InvalidArgument)."""
    if versioned:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for i in range(7):
        for _ in range(3 if versioned else 1):
            s3.put_object(Bucket=bucket, Key="k%d" % i, Body=b"x")
    assert _nuke(s3, bucket, 2) > 1
    r = s3.list_object_versions(Bucket=bucket)
    assert "Versions" not in r and "DeleteMarkers" not in r
    s3.delete_bucket(Bucket=bucket)


def test_list_versions_marker_of_deleted_version_keeps_older_ones(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    ids = [s3.put_object(Bucket=bucket, Key="k", Body=b"%d" % i)["VersionId"] for i in range(3)]
    s3.delete_object(Bucket=bucket, Key="k", VersionId=ids[2])
    r = s3.list_object_versions(Bucket=bucket, KeyMarker="k", VersionIdMarker=ids[2])
    assert [v["VersionId"] for v in r["Versions"]] == [ids[1], ids[0]]


@pytest.mark.parametrize("marker", ["not-a-version", "x" * 33, "null\n"])
def test_list_versions_malformed_version_marker(s3, bucket, marker):
    with pytest.raises(ClientError) as e:
        s3.list_object_versions(Bucket=bucket, KeyMarker="k", VersionIdMarker=marker)
    assert error_code(e.value) == "InvalidArgument"
    assert e.value.response["Error"]["Message"] == "Invalid version id specified"


def test_list_versions_empty_delimiter_not_echoed(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="a/b", Body=b"x")
    status, _, body = signed_request(server, "GET", "/" + bucket,
                                     query=[("versions", ""), ("delimiter", "")])
    assert status == 200
    root = ET.fromstring(body)
    assert root.find(NS + "Delimiter") is None
    assert [v.find(NS + "Key").text for v in root.findall(NS + "Version")] == ["a/b"]


@pytest.mark.parametrize("name,value", [("max-keys", "-1"), ("max-keys", "ten"),
                                        ("encoding-type", "base64")])
def test_list_versions_bad_parameter_named(server, bucket, name, value):
    status, _, body = signed_request(server, "GET", "/" + bucket,
                                     query=[("versions", ""), (name, value)])
    assert status == 400
    root = ET.fromstring(body)
    assert root.find("Code").text == "InvalidArgument"
    assert root.find("ArgumentName").text == name
    assert root.find("ArgumentValue").text == value


def test_delete_marker_answers_carry_aws_headers(s3, bucket):
    """GET/HEAD of a key whose current version is a delete marker: 404 with
    x-amz-delete-marker and the marker's version id; naming the marker's versionId: 405 with
    x-amz-delete-marker, Allow: DELETE and the marker's Last-Modified."""
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="dm", Body=b"x")
    marker = s3.delete_object(Bucket=bucket, Key="dm")["VersionId"]
    with pytest.raises(ClientError) as ei:
        s3.head_object(Bucket=bucket, Key="dm")
    h = ei.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert h["x-amz-delete-marker"] == "true" and h["x-amz-version-id"] == marker
    listed = s3.list_object_versions(Bucket=bucket, Prefix="dm")["DeleteMarkers"]
    for call in (s3.head_object, s3.get_object):
        with pytest.raises(ClientError) as ei:
            call(Bucket=bucket, Key="dm", VersionId=marker)
        h = ei.value.response["ResponseMetadata"]["HTTPHeaders"]
        assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 405
        assert h["x-amz-delete-marker"] == "true" and h["allow"] == "DELETE"
        assert parsedate_to_datetime(h["last-modified"]) == \
            listed[0]["LastModified"].replace(microsecond=0)
