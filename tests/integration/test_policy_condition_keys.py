"""Bucket-policy condition keys end to end with real clients (boto3), the ones the other
policy tests do not reach: s3:x-amz-server-side-encryption with Null and StringNotEquals,
s3:delimiter, aws:UserAgent, aws:PrincipalType (Account / Anonymous), s3:authType
(REST-HEADER / REST-QUERY-STRING), s3:RequestObjectTag/<key>, s3:object-lock-mode and
ForAnyValue on s3:RequestObjectTagKeys."""
import os
import urllib.request

import pytest

from conftest import denied, put_policy

_n = [0]


@pytest.fixture(scope="module")
def accts(legacy):
    b_id, key, secret = legacy.add_account("condkeys-b")
    return {"owner": legacy.client(), "b": legacy.client(key, secret), "b_id": b_id,
            "anon": legacy.anonymous_client(), "srv": legacy}


def new_bucket(s3, **kw):
    _n[0] += 1
    name = "condkeys-%d-%d" % (os.getpid(), _n[0])
    s3.create_bucket(Bucket=name, **kw)
    return name


def test_require_server_side_encryption(accts):
    """AWS's "deny unencrypted uploads" policy: Null (no header) and StringNotEquals."""
    s3 = accts["owner"]
    b = new_bucket(s3)
    obj = "arn:aws:s3:::%s/*" % b
    put_policy(s3, b,
               {"Sid": "NoPlain", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                "Resource": obj,
                "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}},
               {"Sid": "OnlyAES", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                "Resource": obj, "Condition": {
                    "StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": "AES256"}}})
    assert denied(s3.put_object, Bucket=b, Key="plain", Body=b"x") == "AccessDenied"
    s3.put_object(Bucket=b, Key="enc", Body=b"x", ServerSideEncryption="AES256")
    assert s3.head_object(Bucket=b, Key="enc")["ServerSideEncryption"] == "AES256"
    assert denied(s3.head_object, Bucket=b, Key="plain") == "404"


def test_delimiter_condition_on_list(accts):
    s3, other = accts["owner"], accts["b"]
    b = new_bucket(s3)
    s3.put_object(Bucket=b, Key="a/1", Body=b"x")
    put_policy(s3, b, {"Effect": "Allow", "Principal": {"AWS": accts["b_id"]},
                       "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::%s" % b,
                       "Condition": {"StringEquals": {"s3:delimiter": "/"}}})
    r = other.list_objects_v2(Bucket=b, Delimiter="/")
    assert [p["Prefix"] for p in r["CommonPrefixes"]] == ["a/"]
    assert denied(other.list_objects_v2, Bucket=b) == "AccessDenied"
    assert denied(other.list_objects_v2, Bucket=b, Delimiter="-") == "AccessDenied"


def test_user_agent_condition(accts):
    s3, srv = accts["owner"], accts["srv"]
    b = new_bucket(s3)
    s3.put_object(Bucket=b, Key="k", Body=b"v")
    put_policy(s3, b, {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::%s/*" % b,
                       "Condition": {"StringLike": {"aws:UserAgent": "*blocked-agent*"}}})
    blocked = srv.client(user_agent_extra="blocked-agent/1.0")
    assert denied(blocked.get_object, Bucket=b, Key="k") == "AccessDenied"
    assert s3.get_object(Bucket=b, Key="k")["Body"].read() == b"v"


def test_principal_type_account_or_anonymous(accts):
    s3, other, anon = accts["owner"], accts["b"], accts["anon"]
    b = new_bucket(s3)
    s3.put_object(Bucket=b, Key="k", Body=b"v")
    put_policy(s3, b, {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::%s/*" % b,
                       "Condition": {"StringEquals": {"aws:PrincipalType": "Account"}}})
    assert other.get_object(Bucket=b, Key="k")["Body"].read() == b"v"
    assert denied(anon.get_object, Bucket=b, Key="k") == "AccessDenied"
    put_policy(s3, b, {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::%s/*" % b,
                       "Condition": {"StringEquals": {"aws:PrincipalType": "Anonymous"}}})
    assert anon.get_object(Bucket=b, Key="k")["Body"].read() == b"v"
    assert denied(other.get_object, Bucket=b, Key="k") == "AccessDenied"


def test_auth_type_denies_presigned_urls(accts):
    s3 = accts["owner"]
    b = new_bucket(s3)
    s3.put_object(Bucket=b, Key="k", Body=b"v")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "k"})
    assert urllib.request.urlopen(url).read() == b"v"
    put_policy(s3, b, {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::%s/*" % b,
                       "Condition": {"StringEquals": {"s3:authType": "REST-QUERY-STRING"}}})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url)
    assert e.value.code == 403 and b"<Code>AccessDenied</Code>" in e.value.read()
    assert s3.get_object(Bucket=b, Key="k")["Body"].read() == b"v"  # REST-HEADER


def test_request_object_tag_conditions(accts):
    s3, other = accts["owner"], accts["b"]
    b = new_bucket(s3)
    put_policy(s3, b, {"Effect": "Allow", "Principal": {"AWS": accts["b_id"]},
                       "Action": "s3:PutObject", "Resource": "arn:aws:s3:::%s/*" % b,
                       "Condition": {"StringEquals": {"s3:RequestObjectTag/project": "blue"}}})
    other.put_object(Bucket=b, Key="ok", Body=b"x", Tagging="project=blue")
    assert denied(other.put_object, Bucket=b, Key="no", Body=b"x") == "AccessDenied"
    assert denied(other.put_object, Bucket=b, Key="no", Body=b"x",
                  Tagging="project=red") == "AccessDenied"
    put_policy(s3, b, {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                       "Resource": "arn:aws:s3:::%s/*" % b, "Condition": {
                           "ForAnyValue:StringEquals": {"s3:RequestObjectTagKeys": "secret"}}})
    assert denied(s3.put_object, Bucket=b, Key="t", Body=b"x",
                  Tagging="a=1&secret=2") == "AccessDenied"
    s3.put_object(Bucket=b, Key="t", Body=b"x", Tagging="a=1")


def test_object_lock_mode_condition(accts):
    s3 = accts["owner"]
    b = new_bucket(s3, ObjectLockEnabledForBucket=True)
    put_policy(s3, b, {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                       "Resource": "arn:aws:s3:::%s/*" % b,
                       "Condition": {"StringEquals": {"s3:object-lock-mode": "COMPLIANCE"}}})
    until = "2099-01-01T00:00:00Z"
    assert denied(s3.put_object, Bucket=b, Key="c", Body=b"x", ObjectLockMode="COMPLIANCE",
                  ObjectLockRetainUntilDate=until) == "AccessDenied"
    s3.put_object(Bucket=b, Key="g", Body=b"x", ObjectLockMode="GOVERNANCE",
                  ObjectLockRetainUntilDate=until)
    assert s3.head_object(Bucket=b, Key="g")["ObjectLockMode"] == "GOVERNANCE"
