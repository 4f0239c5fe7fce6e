"""Bucket policies: Put/Get/DeleteBucketPolicy and GetBucketPolicyStatus, MalformedPolicy
errors, and enforcement with three accounts and anonymous clients (boto3 UNSIGNED and curl):
allow, deny, deny-overrides-allow, conditions (IpAddress, aws:SecureTransport, s3:prefix,
s3:x-amz-acl), NotPrincipal / NotAction, wildcards, public read, and the owner who keeps the
policy actions whatever the policy denies."""
import json
import os
import subprocess

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import error_code

_n = [0]


@pytest.fixture(scope="module")
def accts(legacy):
    owner = legacy.client()
    b_id, b_key, b_secret = legacy.add_account("policy-b")
    c_id, c_key, c_secret = legacy.add_account("policy-c")
    anon = legacy.anonymous_client()
    return {"owner": owner, "b": legacy.client(b_key, b_secret),
            "c": legacy.client(c_key, c_secret), "anon": anon, "b_id": b_id, "c_id": c_id,
            "endpoint": legacy.endpoint}


def new_bucket(s3, objects=("k",)):
    _n[0] += 1
    name = "pol-%d-%d" % (os.getpid(), _n[0])
    s3.create_bucket(Bucket=name)
    for k in objects:
        s3.put_object(Bucket=name, Key=k, Body=b"data-" + k.encode())
    return name


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def stmt(effect, principal, action, resource, condition=None, **extra):
    s = {"Effect": effect, "Principal": principal, "Action": action, "Resource": resource}
    if condition:
        s["Condition"] = condition
    s.update(extra)
    return s


def code(fn, **kw):
    with pytest.raises(ClientError) as e:
        fn(**kw)
    return error_code(e.value)


def status(fn, **kw):
    with pytest.raises(ClientError) as e:
        fn(**kw)
    return e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_put_get_delete_policy(accts):
    s3 = accts["owner"]
    b = new_bucket(s3)
    assert code(s3.get_bucket_policy, Bucket=b) == "NoSuchBucketPolicy"
    doc = policy(stmt("Allow", {"AWS": accts["b_id"]}, "s3:GetObject", "arn:aws:s3:::%s/*" % b))
    r = s3.put_bucket_policy(Bucket=b, Policy=doc)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_bucket_policy(Bucket=b)["Policy"] == doc
    r = s3.delete_bucket_policy(Bucket=b)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert code(s3.get_bucket_policy, Bucket=b) == "NoSuchBucketPolicy"
    # another account may not manage the policy
    assert code(accts["b"].put_bucket_policy, Bucket=b, Policy=doc) == "AccessDenied"
    assert code(accts["b"].get_bucket_policy, Bucket=b) == "AccessDenied"


@pytest.mark.parametrize("doc,message", [
    ("not json", "Policies must be valid JSON and the first byte must be '{'"),
    ('{"Version": "2012-10-17"}', "Missing required field Statement"),
    (policy(stmt("Allow", "*", "s3:Teleport", "arn:aws:s3:::BUCKET/*")),
     "Policy has invalid action"),
    (policy(stmt("Allow", "*", "s3:GetObject", "arn:aws:s3:::someone-else/*")),
     "Policy has invalid resource"),
    (policy(stmt("Allow", "*", "s3:GetObject", "arn:aws:s3:::BUCKET")),
     "Action does not apply to any resource(s) in statement"),
    (policy(stmt("Allow", {"AWS": "999999999999"}, "s3:GetObject", "arn:aws:s3:::BUCKET/*")),
     "Invalid principal in policy"),
    (policy(stmt("Allow", "*", "s3:GetObject", "arn:aws:s3:::BUCKET/*",
                 {"StringEquals": {"s3:color": "blue"}})),
     "Policy has an invalid condition key"),
])
def test_malformed_policy(accts, doc, message):
    s3 = accts["owner"]
    b = new_bucket(s3, ())
    with pytest.raises(ClientError) as e:
        s3.put_bucket_policy(Bucket=b, Policy=doc.replace("BUCKET", b))
    assert error_code(e.value) == "MalformedPolicy"
    assert e.value.response["Error"]["Message"] == message
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_policy_too_large(accts):
    s3 = accts["owner"]
    b = new_bucket(s3, ())
    big = policy(*[stmt("Allow", {"AWS": accts["b_id"]}, "s3:GetObject",
                        "arn:aws:s3:::%s/prefix-%04d/*" % (b, i)) for i in range(200)])
    assert len(big) > 20 * 1024
    assert code(s3.put_bucket_policy, Bucket=b, Policy=big) == "PolicyTooLarge"


def test_cross_account_allow(accts):
    s3, bb, cc = accts["owner"], accts["b"], accts["c"]
    b = new_bucket(s3)
    assert code(bb.get_object, Bucket=b, Key="k") == "AccessDenied"
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", {"AWS": "arn:aws:iam::%s:root" % accts["b_id"]},
             ["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::%s" % b, "arn:aws:s3:::%s/*" % b])))
    assert bb.get_object(Bucket=b, Key="k")["Body"].read() == b"data-k"
    assert [o["Key"] for o in bb.list_objects_v2(Bucket=b)["Contents"]] == ["k"]
    assert code(bb.put_object, Bucket=b, Key="x", Body=b"") == "AccessDenied"
    assert code(cc.get_object, Bucket=b, Key="k") == "AccessDenied"
    assert code(accts["anon"].get_object, Bucket=b, Key="k") == "AccessDenied"


def test_deny_overrides_allow(accts):
    s3, bb, cc = accts["owner"], accts["b"], accts["c"]
    b = new_bucket(s3)
    obj = "arn:aws:s3:::%s/*" % b
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", {"AWS": [accts["b_id"], accts["c_id"]]}, "s3:GetObject", obj),
        stmt("Deny", {"AWS": accts["b_id"]}, "s3:*", obj)))
    assert code(bb.get_object, Bucket=b, Key="k") == "AccessDenied"
    assert cc.get_object(Bucket=b, Key="k")["Body"].read() == b"data-k"


def test_owner_denied_but_keeps_policy_actions(accts):
    s3 = accts["owner"]
    b = new_bucket(s3)
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Deny", "*", "s3:*", ["arn:aws:s3:::%s" % b, "arn:aws:s3:::%s/*" % b])))
    assert code(s3.get_object, Bucket=b, Key="k") == "AccessDenied"
    assert code(s3.list_objects_v2, Bucket=b) == "AccessDenied"
    assert s3.get_bucket_policy(Bucket=b)["Policy"]
    s3.delete_bucket_policy(Bucket=b)
    assert s3.get_object(Bucket=b, Key="k")["Body"].read() == b"data-k"


def test_public_read_policy_anonymous(accts):
    s3, anon = accts["owner"], accts["anon"]
    b = new_bucket(s3)
    assert status(anon.get_object, Bucket=b, Key="k") == 403
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", "*", "s3:GetObject", "arn:aws:s3:::%s/*" % b, Sid="PublicRead")))
    assert anon.get_object(Bucket=b, Key="k")["Body"].read() == b"data-k"
    out = subprocess.run(["curl", "-s", "-o", "-", "-w", "\n%{http_code}",
                          "%s/%s/k" % (accts["endpoint"], b)], capture_output=True, text=True)
    assert out.stdout.split("\n") == ["data-k", "200"]
    # the policy grants reads only
    assert code(anon.put_object, Bucket=b, Key="w", Body=b"") == "AccessDenied"
    assert code(anon.list_objects_v2, Bucket=b) == "AccessDenied"


def test_source_ip_condition(accts):
    s3, anon = accts["owner"], accts["anon"]
    b = new_bucket(s3)
    obj = "arn:aws:s3:::%s/*" % b
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", "*", "s3:GetObject", obj, {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})))
    assert code(anon.get_object, Bucket=b, Key="k") == "AccessDenied"
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", "*", "s3:GetObject", obj,
             {"IpAddress": {"aws:SourceIp": "127.0.0.1/32"}})))
    assert anon.get_object(Bucket=b, Key="k")["Body"].read() == b"data-k"
    assert s3.get_bucket_policy_status(Bucket=b)["PolicyStatus"]["IsPublic"] is False


def test_secure_transport_deny(accts):
    s3, bb = accts["owner"], accts["b"]
    b = new_bucket(s3)
    res = ["arn:aws:s3:::%s" % b, "arn:aws:s3:::%s/*" % b]
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", {"AWS": accts["b_id"]}, "s3:GetObject", res[1]),
        stmt("Deny", "*", "s3:*", res, {"Bool": {"aws:SecureTransport": "false"}})))
    # plain HTTP: everyone is refused, the owner too (but not from managing the policy)
    assert code(bb.get_object, Bucket=b, Key="k") == "AccessDenied"
    assert code(s3.get_object, Bucket=b, Key="k") == "AccessDenied"
    s3.delete_bucket_policy(Bucket=b)
    assert s3.get_object(Bucket=b, Key="k")["Body"].read() == b"data-k"


def test_prefix_condition_on_list_bucket(accts):
    s3, bb = accts["owner"], accts["b"]
    b = new_bucket(s3, ("home/b/1", "home/c/1", "top"))
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", {"AWS": accts["b_id"]}, "s3:ListBucket", "arn:aws:s3:::%s" % b,
             {"StringLike": {"s3:prefix": "home/b/*"}})))
    keys = [o["Key"] for o in bb.list_objects_v2(Bucket=b, Prefix="home/b/")["Contents"]]
    assert keys == ["home/b/1"]
    assert code(bb.list_objects_v2, Bucket=b, Prefix="home/c/") == "AccessDenied"
    assert code(bb.list_objects_v2, Bucket=b) == "AccessDenied"


def test_acl_header_condition(accts):
    s3, bb = accts["owner"], accts["b"]
    b = new_bucket(s3, ())
    obj = "arn:aws:s3:::%s/*" % b
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", {"AWS": accts["b_id"]}, "s3:PutObject", obj,
             {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}})))
    assert code(bb.put_object, Bucket=b, Key="no-acl", Body=b"x") == "AccessDenied"
    assert code(bb.put_object, Bucket=b, Key="wrong", Body=b"x", ACL="private") == "AccessDenied"
    bb.put_object(Bucket=b, Key="ok", Body=b"x", ACL="bucket-owner-full-control")


def test_not_principal_and_not_action(accts):
    s3, bb, cc = accts["owner"], accts["b"], accts["c"]
    b = new_bucket(s3)
    res = ["arn:aws:s3:::%s" % b, "arn:aws:s3:::%s/*" % b]
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", {"AWS": [accts["b_id"], accts["c_id"]]}, "s3:*", res),
        {"Effect": "Deny", "NotPrincipal": {"AWS": accts["b_id"]}, "Action": "s3:PutObject",
         "Resource": res[1]},
        {"Effect": "Deny", "Principal": {"AWS": accts["b_id"]},
         "NotAction": ["s3:GetObject", "s3:PutObject"], "Resource": res}))
    bb.put_object(Bucket=b, Key="from-b", Body=b"b")
    assert bb.get_object(Bucket=b, Key="k")["Body"].read() == b"data-k"
    assert code(bb.delete_object, Bucket=b, Key="k") == "AccessDenied"
    assert code(bb.list_objects_v2, Bucket=b) == "AccessDenied"
    assert code(cc.put_object, Bucket=b, Key="from-c", Body=b"c") == "AccessDenied"
    assert cc.list_objects_v2(Bucket=b)["KeyCount"] == 2
    # the NotPrincipal Deny reaches the owner too
    assert code(s3.put_object, Bucket=b, Key="from-owner", Body=b"o") == "AccessDenied"


def test_wildcards(accts):
    s3, bb = accts["owner"], accts["b"]
    b = new_bucket(s3, ("pub-1", "pub/2", "priv"))
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", {"AWS": accts["b_id"]}, "s3:get*", "arn:aws:s3:::%s/pub*" % b),
        stmt("Allow", {"AWS": accts["b_id"]}, "s3:List?ucket", "arn:aws:s3:::%s" % b[:-1] + "?")))
    assert bb.get_object(Bucket=b, Key="pub-1")["Body"].read() == b"data-pub-1"
    assert bb.get_object(Bucket=b, Key="pub/2")["Body"].read() == b"data-pub/2"
    assert code(bb.get_object, Bucket=b, Key="priv") == "AccessDenied"
    assert bb.list_objects_v2(Bucket=b)["KeyCount"] == 3


def test_policy_status(accts):
    s3 = accts["owner"]
    b = new_bucket(s3, ())
    st = lambda: s3.get_bucket_policy_status(Bucket=b)["PolicyStatus"]["IsPublic"]
    assert st() is False
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", {"AWS": "*"}, "s3:ListBucket", "arn:aws:s3:::%s" % b)))
    assert st() is True
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", {"AWS": "*"}, "s3:ListBucket", "arn:aws:s3:::%s" % b,
             {"StringEquals": {"aws:SourceAccount": accts["b_id"]}})))
    assert st() is False
    s3.delete_bucket_policy(Bucket=b)
    s3.put_bucket_acl(Bucket=b, ACL="public-read")
    assert st() is True
    assert code(accts["b"].get_bucket_policy_status, Bucket=b) == "AccessDenied"


def test_copy_source_needs_the_source_policy(accts):
    s3, bb = accts["owner"], accts["b"]
    src = new_bucket(s3, ("public/a", "private/a"))
    dst = new_bucket(bb, ())
    assert code(bb.copy_object, Bucket=dst, Key="c", CopySource={"Bucket": src, "Key": "public/a"}) \
        == "AccessDenied"
    s3.put_bucket_policy(Bucket=src, Policy=policy(
        stmt("Allow", {"AWS": accts["b_id"]}, "s3:GetObject", "arn:aws:s3:::%s/public/*" % src)))
    bb.copy_object(Bucket=dst, Key="c", CopySource={"Bucket": src, "Key": "public/a"})
    assert bb.get_object(Bucket=dst, Key="c")["Body"].read() == b"data-public/a"
    assert code(bb.copy_object, Bucket=dst, Key="d",
                CopySource={"Bucket": src, "Key": "private/a"}) == "AccessDenied"


def test_missing_key_is_403_without_list_permission(accts):
    s3, bb, anon = accts["owner"], accts["b"], accts["anon"]
    b = new_bucket(s3)
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", "*", "s3:GetObject", "arn:aws:s3:::%s/*" % b)))
    # may read objects but not list: a missing key must not be told apart from a forbidden one
    assert code(anon.get_object, Bucket=b, Key="missing") == "AccessDenied"
    assert code(bb.get_object, Bucket=b, Key="missing") == "AccessDenied"
    assert code(s3.get_object, Bucket=b, Key="missing") == "NoSuchKey"
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", "*", "s3:GetObject", "arn:aws:s3:::%s/*" % b),
        stmt("Allow", {"AWS": accts["b_id"]}, "s3:ListBucket", "arn:aws:s3:::%s" % b)))
    assert code(bb.get_object, Bucket=b, Key="missing") == "NoSuchKey"
    assert code(anon.get_object, Bucket=b, Key="missing") == "AccessDenied"


def test_other_accounts_cannot_manage_the_policy_even_if_allowed(accts):
    s3, bb = accts["owner"], accts["b"]
    b = new_bucket(s3, ())
    doc = policy(stmt("Allow", {"AWS": accts["b_id"]},
                      ["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
                      "arn:aws:s3:::%s" % b))
    s3.put_bucket_policy(Bucket=b, Policy=doc)
    for fn, kw in ((bb.get_bucket_policy, {}), (bb.delete_bucket_policy, {}),
                   (bb.put_bucket_policy, {"Policy": doc})):
        with pytest.raises(ClientError) as e:
            fn(Bucket=b, **kw)
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 405
        assert error_code(e.value) == "MethodNotAllowed"
    assert s3.get_bucket_policy(Bucket=b)["Policy"] == doc


def test_recreated_bucket_starts_without_the_policy(accts):
    s3, anon = accts["owner"], accts["anon"]
    b = new_bucket(s3)
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", "*", "s3:GetObject", "arn:aws:s3:::%s/*" % b)))
    assert anon.get_object(Bucket=b, Key="k")["Body"].read() == b"data-k"
    s3.delete_object(Bucket=b, Key="k")
    s3.delete_bucket(Bucket=b)
    s3.create_bucket(Bucket=b)
    s3.put_object(Bucket=b, Key="k", Body=b"new")
    assert code(s3.get_bucket_policy, Bucket=b) == "NoSuchBucketPolicy"
    assert code(anon.get_object, Bucket=b, Key="k") == "AccessDenied"


def test_deny_signature_version_2(server, s3):
    """A bucket policy can refuse SigV2 with s3:signatureversion, as on AWS."""
    b = "pol-sigv2-%d" % os.getpid()
    s3.create_bucket(Bucket=b)
    s3.put_object(Bucket=b, Key="k", Body=b"v")
    v2 = boto3.client("s3", endpoint_url=server.endpoint, region_name=server.region,
                      aws_access_key_id=server.access_key,
                      aws_secret_access_key=server.secret_key,
                      config=Config(signature_version="s3", s3={"addressing_style": "path"},
                                    retries={"max_attempts": 1}))
    assert v2.get_object(Bucket=b, Key="k")["Body"].read() == b"v"
    s3.put_bucket_policy(Bucket=b, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "NoSigV2", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": ["arn:aws:s3:::%s" % b, "arn:aws:s3:::%s/*" % b],
        "Condition": {"StringEquals": {"s3:signatureversion": "AWS"}}}]}))
    with pytest.raises(ClientError) as e:
        v2.get_object(Bucket=b, Key="k")
    assert error_code(e.value) == "AccessDenied"
    assert s3.get_object(Bucket=b, Key="k")["Body"].read() == b"v"  # SigV4 still works
def test_delete_objects_decided_per_key(accts):
    """DeleteObjects is decided key by key, as AWS does: a grant on a prefix deletes the keys
    under it (what `aws s3 rm --recursive` sends), the others answer AccessDenied in the
    result, and an explicit Deny on a prefix holds even for the bucket owner."""
    s3, other = accts["owner"], accts["b"]
    b = new_bucket(s3, ("pub/a", "pub/b", "priv/c"))
    s3.put_bucket_policy(Bucket=b, Policy=policy(stmt(
        "Allow", {"AWS": accts["b_id"]}, "s3:DeleteObject", "arn:aws:s3:::%s/pub/*" % b)))
    r = other.delete_objects(Bucket=b, Delete={"Objects": [
        {"Key": "pub/a"}, {"Key": "priv/c"}, {"Key": "pub/b"}]})
    assert sorted(d["Key"] for d in r["Deleted"]) == ["pub/a", "pub/b"]
    assert [(e["Key"], e["Code"]) for e in r["Errors"]] == [("priv/c", "AccessDenied")]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=b)["Contents"]] == ["priv/c"]
    r = accts["anon"].delete_objects(Bucket=b, Delete={"Objects": [{"Key": "priv/c"}]})
    assert [(e["Key"], e["Code"]) for e in r["Errors"]] == [("priv/c", "AccessDenied")]
    s3.put_bucket_policy(Bucket=b, Policy=policy(stmt(
        "Deny", "*", "s3:DeleteObject", "arn:aws:s3:::%s/priv/*" % b)))
    r = s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "priv/c"}]})
    assert [(e["Key"], e["Code"]) for e in r["Errors"]] == [("priv/c", "AccessDenied")]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=b)["Contents"]] == ["priv/c"]
    assert code(accts["anon"].delete_objects, Bucket=b + "-none",
                Delete={"Objects": [{"Key": "k"}]}) == "NoSuchBucket"


def test_policy_change_by_another_node_is_seen(server, s3):
    """Parsed policies are cached per bucket and configuration generation: a policy put or
    deleted through another server sharing the metadata takes effect on this one at the next
    request, with no invalidation message."""
    from conftest import Server
    b = "pol-nodes-%d" % os.getpid()
    s3.create_bucket(Bucket=b)
    s3.put_object(Bucket=b, Key="k", Body=b"v")
    anon = server.anonymous_client()
    with pytest.raises(ClientError):
        anon.get_object(Bucket=b, Key="k")  # caches "no policy" here
    other = Server(data_dir=server.data).start()
    try:
        s3b = other.client()
        s3b.delete_public_access_block(Bucket=b)
        s3b.put_bucket_policy(Bucket=b, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::%s/*" % b}]}))
        assert anon.get_object(Bucket=b, Key="k")["Body"].read() == b"v"
        s3b.delete_bucket_policy(Bucket=b)
        with pytest.raises(ClientError) as e:
            anon.get_object(Bucket=b, Key="k")
        assert error_code(e.value) == "AccessDenied"
    finally:
        other.stop()
        other.cleanup()


def test_policy_variables_home_folders(accts):
    """One statement gives every account its own folder: ${aws:PrincipalAccount} in Resource
    and in an s3:prefix condition (2012-10-17); a 2008-10-17 policy takes "${" as text."""
    s3, bb, cc = accts["owner"], accts["b"], accts["c"]
    b = new_bucket(s3, objects=("home/%s/f" % accts["b_id"], "home/%s/f" % accts["c_id"]))
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", {"AWS": [accts["b_id"], accts["c_id"]]}, ["s3:GetObject", "s3:PutObject"],
             "arn:aws:s3:::%s/home/${aws:PrincipalAccount}/*" % b),
        stmt("Allow", {"AWS": [accts["b_id"], accts["c_id"]]}, "s3:ListBucket",
             "arn:aws:s3:::%s" % b,
             {"StringLike": {"s3:prefix": "home/${aws:PrincipalAccount}/*"}})))
    mine, theirs = "home/%s/f" % accts["b_id"], "home/%s/f" % accts["c_id"]
    assert bb.get_object(Bucket=b, Key=mine)["Body"].read() == b"data-" + mine.encode()
    bb.put_object(Bucket=b, Key="home/%s/new" % accts["b_id"], Body=b"x")
    assert code(bb.get_object, Bucket=b, Key=theirs) == "AccessDenied"
    assert code(bb.put_object, Bucket=b, Key="home/other/x", Body=b"") == "AccessDenied"
    assert cc.get_object(Bucket=b, Key=theirs)["Body"].read() == b"data-" + theirs.encode()
    listed = bb.list_objects_v2(Bucket=b, Prefix="home/%s/" % accts["b_id"])
    assert sorted(o["Key"] for o in listed["Contents"]) == [mine, "home/%s/new" % accts["b_id"]]
    assert code(bb.list_objects_v2, Bucket=b, Prefix=theirs.rsplit("/", 1)[0] + "/") == \
        "AccessDenied"
    # anonymous callers have no PrincipalAccount: the default stands in for it
    s3.put_object(Bucket=b, Key="home/guest/readme", Body=b"hi")
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Allow", "*", "s3:GetObject",
             "arn:aws:s3:::%s/home/${aws:PrincipalAccount, 'guest'}/*" % b)))
    assert accts["anon"].get_object(Bucket=b, Key="home/guest/readme")["Body"].read() == b"hi"
    assert code(accts["anon"].get_object, Bucket=b, Key=mine) == "AccessDenied"
    assert bb.get_object(Bucket=b, Key=mine)["Body"].read() == b"data-" + mine.encode()
    # 2008-10-17: no variables, the text is literal
    s3.put_object(Bucket=b, Key="${aws:PrincipalAccount}", Body=b"lit")
    s3.put_bucket_policy(Bucket=b, Policy=json.dumps({"Version": "2008-10-17", "Statement": [
        stmt("Allow", {"AWS": accts["b_id"]}, "s3:GetObject",
             "arn:aws:s3:::%s/${aws:PrincipalAccount}" % b)]}))
    assert bb.get_object(Bucket=b, Key="${aws:PrincipalAccount}")["Body"].read() == b"lit"
    assert code(bb.get_object, Bucket=b, Key=mine) == "AccessDenied"


def test_delete_objects_conditions_see_each_keys_version_and_tags(accts):
    """Each DeleteObjects key is decided with its own s3:VersionId and its own
    s3:ExistingObjectTag values, as a DeleteObject of that key alone would be."""
    s3 = accts["owner"]
    b = new_bucket(s3, objects=())
    s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=b, Key="k", Body=b"1")["VersionId"]
    v2 = s3.put_object(Bucket=b, Key="k", Body=b"2")["VersionId"]
    s3.put_object(Bucket=b, Key="keep", Body=b"x", Tagging="retain=yes")
    s3.put_object(Bucket=b, Key="drop", Body=b"y", Tagging="retain=no")
    s3.put_bucket_policy(Bucket=b, Policy=policy(
        stmt("Deny", "*", "s3:DeleteObjectVersion", "arn:aws:s3:::%s/*" % b,
             {"StringEquals": {"s3:VersionId": v1}}),
        stmt("Deny", "*", "s3:DeleteObject", "arn:aws:s3:::%s/*" % b,
             {"StringEquals": {"s3:ExistingObjectTag/retain": "yes"}})))
    r = s3.delete_objects(Bucket=b, Delete={"Objects": [
        {"Key": "k", "VersionId": v1}, {"Key": "k", "VersionId": v2}, {"Key": "keep"},
        {"Key": "drop"}]})
    assert sorted((d["Key"], d.get("VersionId")) for d in r["Deleted"]) == \
        [("drop", None), ("k", v2)]
    assert sorted((e["Key"], e.get("VersionId"), e["Code"]) for e in r["Errors"]) == \
        [("k", v1, "AccessDenied"), ("keep", None, "AccessDenied")]
    versions = s3.list_object_versions(Bucket=b, Prefix="k")["Versions"]
    assert [v["VersionId"] for v in versions if v["Key"] == "k"] == [v1]
