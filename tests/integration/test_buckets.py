"""Buckets: create, naming rules, ownership between accounts, head, location, list, delete."""
import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import Server, error_code
from sigv4 import signed_request


@pytest.mark.parametrize("name", ["ab", "a" * 64, "Upper", "under_score", "-start", "end-",
                                  "two..dots", "192.168.1.1", "xn--punycode", "sthree-x",
                                  "x-s3alias", "bad--x-s3", "foo.-bar", "foo-.bar", "a.-b.c"])
def test_invalid_bucket_names(s3, name):
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket=name)
    assert error_code(e.value) == "InvalidBucketName"


@pytest.mark.parametrize("name", ["abc", "a" * 63, "my.bucket.name", "0-9-digits", "a-b.c-d"])
def test_valid_bucket_names(s3, name):
    s3.create_bucket(Bucket=name)
    s3.head_bucket(Bucket=name)
    s3.delete_bucket(Bucket=name)


def test_create_twice_and_other_owner(server, s3):
    """us-east-1 keeps AWS's legacy answer to re-creating your own bucket: 200 OK, the bucket
    and its contents untouched. Another account gets BucketAlreadyExists."""
    s3.create_bucket(Bucket="owned-twice")
    s3.put_object(Bucket="owned-twice", Key="kept", Body=b"still here")
    again = s3.create_bucket(Bucket="owned-twice")
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert again["Location"] == "/owned-twice"
    assert s3.get_object(Bucket="owned-twice", Key="kept")["Body"].read() == b"still here"
    _, key, secret = server.add_account("other-owner")
    other = server.client(access_key=key, secret_key=secret)
    with pytest.raises(ClientError) as e:
        other.create_bucket(Bucket="owned-twice")
    assert error_code(e.value) == "BucketAlreadyExists"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_create_twice_outside_us_east_1():
    """Every other region answers 409 BucketAlreadyOwnedByYou."""
    srv = Server(region="eu-west-3").start()
    try:
        s3 = srv.client()
        cfg = {"LocationConstraint": "eu-west-3"}
        s3.create_bucket(Bucket="owned-twice", CreateBucketConfiguration=cfg)
        with pytest.raises(ClientError) as e:
            s3.create_bucket(Bucket="owned-twice", CreateBucketConfiguration=cfg)
        assert error_code(e.value) == "BucketAlreadyOwnedByYou"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    finally:
        assert srv.stop() == 0
        srv.cleanup()


def test_other_account_is_denied(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="secret.txt", Body=b"mine")
    _, key, secret = server.add_account("intruder")
    other = server.client(access_key=key, secret_key=secret)
    for call in (lambda: other.head_bucket(Bucket=bucket),
                 lambda: other.list_objects_v2(Bucket=bucket),
                 lambda: other.get_object(Bucket=bucket, Key="secret.txt"),
                 lambda: other.put_object(Bucket=bucket, Key="x", Body=b"y"),
                 lambda: other.delete_object(Bucket=bucket, Key="secret.txt"),
                 lambda: other.delete_bucket(Bucket=bucket)):
        with pytest.raises(ClientError) as e:
            call()
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert bucket not in [b["Name"] for b in other.list_buckets()["Buckets"]]
    assert s3.get_object(Bucket=bucket, Key="secret.txt")["Body"].read() == b"mine"


def test_expected_bucket_owner(server, s3, bucket):
    account = [line.split()[1] for line in server.admin("list").splitlines()
               if line.startswith("account") and " name root " in line][0]
    s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=account)
    s3.put_object(Bucket=bucket, Key="k", Body=b"v", ExpectedBucketOwner=account)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="k", ExpectedBucketOwner="111122223333")
    assert error_code(e.value) == "AccessDenied"
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket=bucket, ExpectedBucketOwner="111122223333")
    assert error_code(e.value) == "AccessDenied"


def test_head_bucket_missing_has_no_body(server):
    status, headers, body = signed_request(server, "HEAD", "/no-such-bucket-here")
    assert status == 404
    assert body == b""
    assert headers.get("x-amz-request-id")


def test_list_buckets_and_location(s3, bucket):
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert bucket in names
    assert names == sorted(names)
    assert s3.get_bucket_location(Bucket=bucket)["LocationConstraint"] is None
    owner = s3.list_buckets()["Owner"]
    assert len(owner["ID"]) == 64


def test_location_constraint_rules(s3):
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket="lc-bucket",
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert error_code(e.value) == "IllegalLocationConstraintException"
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket="lc-bucket",
                         CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    assert error_code(e.value) == "InvalidLocationConstraint"


def test_delete_bucket(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=bucket)
    assert error_code(e.value) == "BucketNotEmpty"
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=bucket)
    assert error_code(e.value) == "NoSuchBucket"
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket=bucket)
    assert error_code(e.value) == "NoSuchBucket"
    assert e.value.response["Error"]["BucketName"] == bucket


def test_virtual_hosted_style(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="vh/key.txt", Body=b"virtual")
    # botocore resolves <bucket>.localhost to the loopback address
    vs3 = boto3.client("s3", endpoint_url="http://localhost:%d" % server.port,
                       region_name=server.region, aws_access_key_id=server.access_key,
                       aws_secret_access_key=server.secret_key,
                       config=Config(s3={"addressing_style": "virtual"},
                                     signature_version="s3v4"))
    seen = []
    vs3.meta.events.register("before-sign.s3",
                             lambda request, **kw: _localhost_host(request, seen))
    assert vs3.get_object(Bucket=bucket, Key="vh/key.txt")["Body"].read() == b"virtual"
    keys = [o["Key"] for o in vs3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == ["vh/key.txt"]
    assert seen and all(h.startswith(bucket + ".localhost:") for h in seen)


def _localhost_host(request, seen):
    """Send to 127.0.0.1 but keep Host: <bucket>.localhost:<port>."""
    from urllib.parse import urlsplit, urlunsplit
    parts = urlsplit(request.url)
    host = parts.hostname
    if host.endswith(".localhost"):
        bucket = host[: -len(".localhost")]
        request.headers["Host"] = "%s.localhost:%d" % (bucket, parts.port)
        seen.append(request.headers["Host"])
        request.url = urlunsplit((parts.scheme, "127.0.0.1:%d" % parts.port, parts.path,
                                  parts.query, parts.fragment))


def test_unimplemented_subresources_say_so(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_website(Bucket=bucket)
    assert error_code(e.value) == "NotImplemented"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


def test_reserved_name_is_not_a_bucket(s3):
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket="_stocktake")
    assert error_code(e.value) in ("InvalidBucketName", "NoSuchBucket")
