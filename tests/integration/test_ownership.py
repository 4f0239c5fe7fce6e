"""Object Ownership controls: Put/Get/DeleteBucketOwnershipControls, x-amz-object-ownership on
CreateBucket, AWS's default (BucketOwnerEnforced) and `serve --legacy-bucket-defaults` (none
stored: ObjectWriter, OwnershipControlsNotFoundError), the owner-only permission."""
import os

import pytest
from botocore.exceptions import ClientError

from conftest import error_code

_n = [0]


def new_name():
    _n[0] += 1
    return "own-%d-%d" % (os.getpid(), _n[0])


def rule(s3, name):
    return s3.get_bucket_ownership_controls(Bucket=name)["OwnershipControls"]["Rules"]


def test_new_bucket_default_is_bucket_owner_enforced(s3, bucket):
    assert rule(s3, bucket) == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_create_bucket_with_ownership_header(s3):
    for value in ("ObjectWriter", "BucketOwnerPreferred", "BucketOwnerEnforced"):
        name = new_name()
        s3.create_bucket(Bucket=name, ObjectOwnership=value)
        assert rule(s3, name) == [{"ObjectOwnership": value}]


def test_create_bucket_with_bad_ownership_header(s3):
    name = new_name()
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket=name, ObjectOwnership="Nobody")
    assert error_code(e.value) == "InvalidArgument"
    with pytest.raises(ClientError) as e:
        s3.head_bucket(Bucket=name)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_put_get_delete_ownership_controls(s3, bucket):
    s3.put_bucket_ownership_controls(
        Bucket=bucket,
        OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    assert rule(s3, bucket) == [{"ObjectOwnership": "BucketOwnerPreferred"}]
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    assert rule(s3, bucket) == [{"ObjectOwnership": "ObjectWriter"}]
    assert s3.delete_bucket_ownership_controls(Bucket=bucket)[
        "ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as e:
        s3.get_bucket_ownership_controls(Bucket=bucket)
    assert error_code(e.value) == "OwnershipControlsNotFoundError"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    s3.delete_bucket_ownership_controls(Bucket=bucket)  # idempotent


def test_put_ownership_controls_malformed(s3, bucket):
    for rules in ([{"ObjectOwnership": "Everyone"}], [],
                  [{"ObjectOwnership": "ObjectWriter"}, {"ObjectOwnership": "ObjectWriter"}]):
        with pytest.raises(ClientError) as e:
            s3.put_bucket_ownership_controls(Bucket=bucket,
                                             OwnershipControls={"Rules": rules})
        assert error_code(e.value) == "MalformedXML", rules
    assert rule(s3, bucket) == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_ownership_controls_no_such_bucket(s3):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_ownership_controls(Bucket=new_name())
    assert error_code(e.value) == "NoSuchBucket"


def test_ownership_controls_owner_only(server, s3, bucket):
    _, key, secret = server.add_account("own-other-%d" % os.getpid())
    other = server.client(key, secret)
    with pytest.raises(ClientError) as e:
        other.get_bucket_ownership_controls(Bucket=bucket)
    assert error_code(e.value) == "AccessDenied"
    with pytest.raises(ClientError) as e:
        other.delete_bucket_ownership_controls(Bucket=bucket)
    assert error_code(e.value) == "AccessDenied"
    assert rule(s3, bucket) == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_legacy_defaults_store_no_controls(legacy):
    s3 = legacy.client()
    name = new_name()
    s3.create_bucket(Bucket=name)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_ownership_controls(Bucket=name)
    assert error_code(e.value) == "OwnershipControlsNotFoundError"
    named = new_name()
    s3.create_bucket(Bucket=named, ObjectOwnership="BucketOwnerEnforced")
    assert rule(s3, named) == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_enforced_refused_while_the_bucket_acl_grants_others(legacy):
    """AWS: BucketOwnerEnforced cannot be put while the bucket's ACL grants anyone but the
    owner (400 InvalidBucketAclWithObjectOwnership); once the ACL is private it can."""
    s3 = legacy.client()
    name = new_name()
    s3.create_bucket(Bucket=name, ACL="public-read")
    enforced = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    with pytest.raises(ClientError) as e:
        s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls=enforced)
    assert error_code(e.value) == "InvalidBucketAclWithObjectOwnership"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as e:
        s3.get_bucket_ownership_controls(Bucket=name)
    assert error_code(e.value) == "OwnershipControlsNotFoundError"
    s3.put_bucket_ownership_controls(
        Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    s3.put_bucket_acl(Bucket=name, ACL="private")
    s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls=enforced)
    assert rule(s3, name) == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls=enforced)  # again: fine


def test_ownership_change_takes_effect_at_once(server, s3):
    """The setting is cached per bucket and configuration generation: switching it changes who
    owns (and may read) another account's object on the very next request."""
    _, key, secret = server.add_account("own-switch")
    other = server.client(key, secret)
    other_id = other.list_buckets()["Owner"]["ID"]
    owner_id = s3.list_buckets()["Owner"]["ID"]
    b = new_name()
    s3.create_bucket(Bucket=b, ObjectOwnership="ObjectWriter")
    s3.delete_public_access_block(Bucket=b)
    s3.put_bucket_acl(Bucket=b, GrantWrite='id="%s"' % other_id,
                      GrantFullControl='id="%s"' % owner_id)
    other.put_object(Bucket=b, Key="theirs", Body=b"t")
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=b, Key="theirs")
    assert error_code(e.value) == "AccessDenied"
    s3.put_bucket_acl(Bucket=b, ACL="private")  # BucketOwnerEnforced needs an owner-only ACL
    s3.put_bucket_ownership_controls(Bucket=b, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    assert s3.get_object(Bucket=b, Key="theirs")["Body"].read() == b"t"
    s3.put_bucket_ownership_controls(Bucket=b, OwnershipControls={
        "Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=b, Key="theirs")
    assert error_code(e.value) == "AccessDenied"
