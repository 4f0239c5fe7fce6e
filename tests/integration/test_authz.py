"""Authorization: one decision after routing (src/authz/, src/s3/s3_authz.c).

Anonymous (unsigned) requests reach the router and are decided there: AccessDenied on an
existing bucket, NoSuchBucket (404) on a missing one, as AWS answers. Another account gets
AccessDenied on a bucket it does not own but NoSuchBucket on one that does not exist. Copy
sources are decided apart from the destination (s3:GetObject on the source)."""
import re

import pytest
from botocore.exceptions import ClientError

from conftest import error_code
from sigv4 import request


def code_of(body):
    m = re.search(rb"<Code>([^<]+)</Code>", body)
    return m.group(1).decode() if m else None


def status_of(exc):
    return exc.response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture(scope="module")
def intruder(server):
    _, key, secret = server.add_account("authz-intruder")
    return server.client(access_key=key, secret_key=secret)


ANON_ON_BUCKET = [("GET", ()), ("HEAD", ()), ("GET", (("versions", ""),)),
                  ("GET", (("list-type", "2"),)), ("GET", (("location", ""),)),
                  ("GET", (("versioning", ""),)), ("GET", (("uploads", ""),)),
                  ("GET", (("inventory", ""),)), ("GET", (("tagging", ""),)),
                  ("DELETE", (("tagging", ""),)), ("DELETE", ())]
ANON_ON_OBJECT = [("GET", ()), ("HEAD", ()), ("PUT", ()), ("DELETE", ()),
                  ("GET", (("versionId", "null"),)), ("POST", (("uploads", ""),)),
                  ("GET", (("tagging", ""),)), ("PUT", (("tagging", ""),)),
                  ("DELETE", (("tagging", ""),)), ("GET", (("uploadId", "nope"),))]


@pytest.mark.parametrize("method,query", ANON_ON_BUCKET)
def test_anonymous_bucket_ops_are_denied(server, bucket, method, query):
    status, headers, body = request(server.endpoint, method, "/" + bucket, query)
    assert status == 403
    if method != "HEAD":
        assert code_of(body) == "AccessDenied"
    assert headers.get("x-amz-request-id")


@pytest.mark.parametrize("method,query", ANON_ON_OBJECT)
def test_anonymous_object_ops_are_denied(server, s3, bucket, method, query):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    status, _, body = request(server.endpoint, method, "/%s/k" % bucket, query,
                              body=b"x" if method == "PUT" else b"")
    assert status == 403
    if method != "HEAD":
        assert code_of(body) == "AccessDenied"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"


def test_anonymous_list_buckets_and_create_are_denied(server):
    status, _, body = request(server.endpoint, "GET", "/")
    assert (status, code_of(body)) == (403, "AccessDenied")
    status, _, body = request(server.endpoint, "PUT", "/anon-made-this")
    assert (status, code_of(body)) == (403, "AccessDenied")


@pytest.mark.parametrize("method,path", [("GET", "/no-such-bkt-authz"),
                                         ("GET", "/no-such-bkt-authz/k"),
                                         ("DELETE", "/no-such-bkt-authz/k"),
                                         ("PUT", "/no-such-bkt-authz/k")])
def test_anonymous_on_missing_bucket_is_no_such_bucket(server, method, path):
    status, _, body = request(server.endpoint, method, path)
    assert (status, code_of(body)) == (404, "NoSuchBucket")
    assert b"<BucketName>no-such-bkt-authz</BucketName>" in body


def test_anonymous_on_deleted_bucket_is_no_such_bucket(server, s3, bucket):
    """s3-tests test_object_raw_get_bucket_gone / test_object_delete_key_bucket_gone."""
    s3.put_object(Bucket=bucket, Key="foo", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="foo")
    s3.delete_bucket(Bucket=bucket)
    for method in ("GET", "DELETE"):
        status, _, body = request(server.endpoint, method, "/%s/foo" % bucket)
        assert (status, code_of(body)) == (404, "NoSuchBucket")


def test_other_account_missing_bucket_is_404_existing_is_403(s3, intruder, bucket):
    with pytest.raises(ClientError) as e:
        intruder.get_object(Bucket="no-such-bkt-authz", Key="k")
    assert (status_of(e.value), error_code(e.value)) == (404, "NoSuchBucket")
    with pytest.raises(ClientError) as e:
        intruder.list_objects_v2(Bucket="no-such-bkt-authz")
    assert (status_of(e.value), error_code(e.value)) == (404, "NoSuchBucket")
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    for call in (lambda: intruder.get_object(Bucket=bucket, Key="k"),
                 lambda: intruder.get_object(Bucket=bucket, Key="k", VersionId="null"),
                 lambda: intruder.list_object_versions(Bucket=bucket),
                 lambda: intruder.get_bucket_versioning(Bucket=bucket),
                 lambda: intruder.list_bucket_inventory_configurations(Bucket=bucket)):
        with pytest.raises(ClientError) as e:
            call()
        assert (status_of(e.value), error_code(e.value)) == (403, "AccessDenied")
    # DeleteObjects is decided per key (AWS): 200, each key AccessDenied
    r = intruder.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k"}]})
    assert [(x["Key"], x["Code"]) for x in r["Errors"]] == [("k", "AccessDenied")]
    assert "Deleted" not in r
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"


def test_copy_source_of_another_account_is_denied(server, s3, intruder, bucket):
    s3.put_object(Bucket=bucket, Key="secret", Body=b"mine")
    name = bucket + "-intruder"
    intruder.create_bucket(Bucket=name)
    with pytest.raises(ClientError) as e:
        intruder.copy_object(Bucket=name, Key="stolen", CopySource={"Bucket": bucket,
                                                                    "Key": "secret"})
    assert (status_of(e.value), error_code(e.value)) == (403, "AccessDenied")
    up = intruder.create_multipart_upload(Bucket=name, Key="stolen")["UploadId"]
    with pytest.raises(ClientError) as e:
        intruder.upload_part_copy(Bucket=name, Key="stolen", UploadId=up, PartNumber=1,
                                  CopySource={"Bucket": bucket, "Key": "secret"})
    assert (status_of(e.value), error_code(e.value)) == (403, "AccessDenied")
    intruder.abort_multipart_upload(Bucket=name, Key="stolen", UploadId=up)
    # the owner copies between its own buckets
    s3.create_bucket(Bucket=bucket + "-dst")
    s3.copy_object(Bucket=bucket + "-dst", Key="copy", CopySource={"Bucket": bucket,
                                                                 "Key": "secret"})
    assert s3.get_object(Bucket=bucket + "-dst", Key="copy")["Body"].read() == b"mine"
