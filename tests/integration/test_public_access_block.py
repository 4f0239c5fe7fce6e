"""Block Public Access: Put/Get/DeletePublicAccessBlock, AWS's default for new buckets (all four
on; none with --legacy-bucket-defaults), and each setting enforced: BlockPublicPolicy (a public
policy is refused, a pinned one is not), BlockPublicAcls (public canned ACLs on PutBucketAcl
and CreateBucket), IgnorePublicAcls (AllUsers grants stop counting, also for
GetBucketPolicyStatus) and RestrictPublicBuckets (a public policy serves only the owner's
account), with two accounts and anonymous clients."""
import json
import os

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import error_code

_n = [0]
ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
          "RestrictPublicBuckets": True}


@pytest.fixture(scope="module")
def other(legacy):
    acct, key, secret = legacy.add_account("pab-other")
    return legacy.client(key, secret), acct


def name():
    _n[0] += 1
    return "pab-%d-%d" % (os.getpid(), _n[0])


def code(fn, **kw):
    with pytest.raises(ClientError) as e:
        fn(**kw)
    return error_code(e.value)


def conf(s3, b):
    return s3.get_public_access_block(Bucket=b)["PublicAccessBlockConfiguration"]


def public_get_policy(b):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::%s/*" % b}]})


def test_new_buckets_block_public_access(server, s3):
    b = name()
    s3.create_bucket(Bucket=b)
    assert conf(s3, b) == ALL_ON
    # a public policy is refused: BlockPublicPolicy
    assert code(s3.put_bucket_policy, Bucket=b, Policy=public_get_policy(b)) == "AccessDenied"
    # ACLs enabled and a public one asked for at creation: refused as AWS does
    assert code(s3.create_bucket, Bucket=b + "-acl", ACL="public-read",
                ObjectOwnership="ObjectWriter") == "InvalidBucketAclWithBlockPublicAccessError"
    s3.create_bucket(Bucket=b + "-acl", ObjectOwnership="ObjectWriter", ACL="private")
    assert code(s3.put_bucket_acl, Bucket=b + "-acl", ACL="public-read") == "AccessDenied"
    assert code(s3.put_bucket_acl, Bucket=b + "-acl", ACL="authenticated-read") == "AccessDenied"
    s3.delete_public_access_block(Bucket=b + "-acl")
    s3.put_bucket_acl(Bucket=b + "-acl", ACL="public-read")


def test_legacy_buckets_have_none(legacy):
    s3 = legacy.client()
    b = name()
    s3.create_bucket(Bucket=b)
    with pytest.raises(ClientError) as e:
        s3.get_public_access_block(Bucket=b)
    assert error_code(e.value) == "NoSuchPublicAccessBlockConfiguration"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_put_get_delete(legacy, other):
    s3 = legacy.client()
    b = name()
    s3.create_bucket(Bucket=b)
    r = s3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "RestrictPublicBuckets": True})
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert conf(s3, b) == {"BlockPublicAcls": True, "IgnorePublicAcls": False,
                           "BlockPublicPolicy": False, "RestrictPublicBuckets": True}
    assert code(other[0].get_public_access_block, Bucket=b) == "AccessDenied"
    assert code(other[0].delete_public_access_block, Bucket=b) == "AccessDenied"
    r = s3.delete_public_access_block(Bucket=b)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert code(s3.get_public_access_block, Bucket=b) == "NoSuchPublicAccessBlockConfiguration"


def test_malformed_configuration(legacy):
    s3 = legacy.client()
    b = name()
    s3.create_bucket(Bucket=b)
    bad = ("<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls>"
           "</PublicAccessBlockConfiguration>")

    def send(request, **kw):
        request.data = bad.encode()
        request.headers["Content-Length"] = str(len(bad))
        for h in ("Content-MD5", "x-amz-checksum-crc32", "x-amz-sdk-checksum-algorithm"):
            if h in request.headers:
                del request.headers[h]

    s3.meta.events.register_first("before-sign.s3.PutPublicAccessBlock", send)
    try:
        assert code(s3.put_public_access_block, Bucket=b,
                    PublicAccessBlockConfiguration={"BlockPublicAcls": True}) == "MalformedXML"
    finally:
        s3.meta.events.unregister("before-sign.s3.PutPublicAccessBlock", send)


def test_block_public_policy(legacy, other):
    s3 = legacy.client()
    b = name()
    s3.create_bucket(Bucket=b)
    s3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={
        "BlockPublicPolicy": True})
    assert code(s3.put_bucket_policy, Bucket=b, Policy=public_get_policy(b)) == "AccessDenied"
    pinned = json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::%s/*" % b,
        "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.1/32"}}}]})
    s3.put_bucket_policy(Bucket=b, Policy=pinned)
    named = json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"AWS": other[1]}, "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::%s/*" % b}]})
    s3.put_bucket_policy(Bucket=b, Policy=named)


def test_ignore_public_acls(legacy, other):
    s3, anon = legacy.client(), legacy.anonymous_client()
    b = name()
    s3.create_bucket(Bucket=b, ACL="public-read")
    s3.put_object(Bucket=b, Key="pub", Body=b"p", ACL="public-read")
    s3.put_object(Bucket=b, Key="auth", Body=b"a", ACL="authenticated-read")
    anon.list_objects_v2(Bucket=b)
    other[0].list_objects_v2(Bucket=b)
    assert anon.get_object(Bucket=b, Key="pub")["Body"].read() == b"p"
    assert other[0].get_object(Bucket=b, Key="auth")["Body"].read() == b"a"
    assert s3.get_bucket_policy_status(Bucket=b)["PolicyStatus"]["IsPublic"] is True
    s3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={
        "IgnorePublicAcls": True})
    assert code(anon.list_objects_v2, Bucket=b) == "AccessDenied"
    assert code(other[0].list_objects_v2, Bucket=b) == "AccessDenied"
    # object ACLs' public grants are ignored too
    assert code(anon.get_object, Bucket=b, Key="pub") == "AccessDenied"
    assert code(other[0].get_object, Bucket=b, Key="pub") == "AccessDenied"
    assert code(other[0].get_object, Bucket=b, Key="auth") == "AccessDenied"
    assert s3.get_bucket_policy_status(Bucket=b)["PolicyStatus"]["IsPublic"] is False
    # the owner's own access is not an ACL grant
    s3.list_objects_v2(Bucket=b)


def test_restrict_public_buckets(legacy, other):
    s3, anon = legacy.client(), legacy.anonymous_client()
    b = name()
    s3.create_bucket(Bucket=b)
    s3.put_object(Bucket=b, Key="foo", Body=b"bar")
    s3.put_bucket_policy(Bucket=b, Policy=public_get_policy(b))
    assert anon.get_object(Bucket=b, Key="foo")["Body"].read() == b"bar"
    assert other[0].get_object(Bucket=b, Key="foo")["Body"].read() == b"bar"
    s3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={
        "RestrictPublicBuckets": True})
    assert code(anon.get_object, Bucket=b, Key="foo") == "AccessDenied"
    assert code(other[0].get_object, Bucket=b, Key="foo") == "AccessDenied"
    assert s3.get_object(Bucket=b, Key="foo")["Body"].read() == b"bar"
    # the policy is still public; only its reach is restricted
    assert s3.get_bucket_policy_status(Bucket=b)["PolicyStatus"]["IsPublic"] is True
    s3.delete_public_access_block(Bucket=b)
    assert anon.get_object(Bucket=b, Key="foo")["Body"].read() == b"bar"


def test_block_public_acls_on_object_writes(server, s3):
    """BlockPublicAcls refuses public object ACLs on every write path (PutObject, CopyObject,
    CreateMultipartUpload, PutObjectAcl) while private ones and the bucket-owner ones pass."""
    b = name()
    s3.create_bucket(Bucket=b, ObjectOwnership="ObjectWriter")
    s3.put_object(Bucket=b, Key="src", Body=b"x")
    for acl in ("public-read", "public-read-write", "authenticated-read"):
        assert code(s3.put_object, Bucket=b, Key="k", Body=b"x", ACL=acl) == "AccessDenied"
    assert code(s3.put_object, Bucket=b, Key="k", Body=b"x",
                GrantRead='uri="http://acs.amazonaws.com/groups/global/AllUsers"') == \
        "AccessDenied"
    assert code(s3.copy_object, Bucket=b, Key="c", CopySource={"Bucket": b, "Key": "src"},
                ACL="public-read") == "AccessDenied"
    assert code(s3.create_multipart_upload, Bucket=b, Key="m", ACL="public-read") == \
        "AccessDenied"
    assert code(s3.put_object_acl, Bucket=b, Key="src", ACL="public-read") == "AccessDenied"
    assert "Contents" not in s3.list_objects_v2(Bucket=b, Prefix="k") and \
        "Contents" not in s3.list_objects_v2(Bucket=b, Prefix="c")
    s3.put_object(Bucket=b, Key="k", Body=b"x", ACL="bucket-owner-full-control")
    s3.put_object_acl(Bucket=b, Key="src", ACL="private")
    s3.delete_public_access_block(Bucket=b)
    s3.put_object(Bucket=b, Key="k", Body=b"x", ACL="public-read")
    anon = server.anonymous_client()
def test_ignore_public_acls_objects_and_bucket_write(legacy, other):
    """IgnorePublicAcls ignores the public grants of object ACLs and the bucket's public WRITE
    too: a public-read object is no longer readable by everyone, a public-read-write bucket no
    longer writable by everyone."""
    s3, anon = legacy.client(), legacy.anonymous_client()
    b = name()
    s3.create_bucket(Bucket=b, ACL="public-read-write")
    s3.put_object(Bucket=b, Key="pub", Body=b"x", ACL="public-read")
    s3.put_object(Bucket=b, Key="auth", Body=b"y", ACL="authenticated-read")
    assert anon.get_object(Bucket=b, Key="pub")["Body"].read() == b"x"
    assert other[0].get_object(Bucket=b, Key="auth")["Body"].read() == b"y"
    anon.put_object(Bucket=b, Key="from-anon", Body=b"z")
    s3.put_public_access_block(Bucket=b, PublicAccessBlockConfiguration={
        "IgnorePublicAcls": True})
    assert code(anon.get_object, Bucket=b, Key="pub") == "AccessDenied"
    assert code(anon.head_object, Bucket=b, Key="pub") == "403"
    assert code(other[0].get_object, Bucket=b, Key="auth") == "AccessDenied"
    assert code(anon.put_object, Bucket=b, Key="from-anon2", Body=b"z") == "AccessDenied"
    assert code(anon.delete_object, Bucket=b, Key="pub") == "AccessDenied"
    assert code(other[0].put_object, Bucket=b, Key="from-other", Body=b"z") == "AccessDenied"
    # the owner's access is not an ACL grant
    assert s3.get_object(Bucket=b, Key="pub")["Body"].read() == b"x"
    s3.delete_public_access_block(Bucket=b)
    assert anon.get_object(Bucket=b, Key="pub")["Body"].read() == b"x"


def test_block_public_acls_on_objects(server):
    """BlockPublicAcls refuses public object ACLs on every write that carries one (PutObject,
    CopyObject, CreateMultipartUpload, POST Object, PutObjectAcl, canned or grant headers), as AWS does;
    private ones still go through. AWS's defaults have it on, with ACLs enabled by
    ObjectWriter."""
    s3, anon = server.client(), server.anonymous_client()
    b = name()
    s3.create_bucket(Bucket=b, ObjectOwnership="ObjectWriter")
    all_users = 'uri="http://acs.amazonaws.com/groups/global/AllUsers"'
    assert code(s3.put_object, Bucket=b, Key="k", Body=b"x", ACL="public-read") == "AccessDenied"
    assert code(s3.put_object, Bucket=b, Key="k", Body=b"x",
                GrantRead=all_users) == "AccessDenied"
    assert code(s3.head_object, Bucket=b, Key="k") == "404"
    s3.put_object(Bucket=b, Key="k", Body=b"x", ACL="private")
    assert code(s3.put_object_acl, Bucket=b, Key="k", ACL="public-read") == "AccessDenied"
    assert code(s3.put_object_acl, Bucket=b, Key="k",
                ACL="authenticated-read") == "AccessDenied"
    assert code(s3.copy_object, Bucket=b, Key="c", CopySource={"Bucket": b, "Key": "k"},
                ACL="public-read") == "AccessDenied"
    assert code(s3.create_multipart_upload, Bucket=b, Key="m",
                ACL="public-read-write") == "AccessDenied"
    p = s3.generate_presigned_post(b, "posted", Fields={"acl": "public-read"},
                                   Conditions=[{"acl": "public-read"}])
    r = requests.post(p["url"], data=p["fields"], files={"file": ("f", b"form bytes")})
    assert r.status_code == 403 and b"<Code>AccessDenied</Code>" in r.content, r.text
    assert code(s3.head_object, Bucket=b, Key="posted") == "404"
    assert code(anon.get_object, Bucket=b, Key="k") == "AccessDenied"
    s3.put_object_acl(Bucket=b, Key="k", ACL="bucket-owner-full-control")
    s3.delete_public_access_block(Bucket=b)
    s3.put_object_acl(Bucket=b, Key="k", ACL="public-read")
    assert anon.get_object(Bucket=b, Key="k")["Body"].read() == b"x"
