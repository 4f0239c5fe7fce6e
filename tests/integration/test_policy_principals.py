"""Bucket-policy principals and resources end to end: {"CanonicalUser": id}, a list of
principals (account id and arn:aws:iam::ID:root), NotResource, and the policy deciding every
step of another account's multipart upload (create, part, list parts, complete, abort)."""
import os

import pytest

from conftest import denied, put_policy

_n = [0]


@pytest.fixture(scope="module")
def accts(legacy):
    b_id, b_key, b_secret = legacy.add_account("princ-b")
    c_id, c_key, c_secret = legacy.add_account("princ-c")
    b, c = legacy.client(b_key, b_secret), legacy.client(c_key, c_secret)
    return {"owner": legacy.client(), "b": b, "c": c, "b_id": b_id, "c_id": c_id,
            "b_canon": b.list_buckets()["Owner"]["ID"]}


def new_bucket(s3):
    _n[0] += 1
    name = "princ-%d-%d" % (os.getpid(), _n[0])
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="pub/k", Body=b"v")
    s3.put_object(Bucket=name, Key="priv/k", Body=b"s")
    return name


def test_canonical_user_principal(accts):
    s3, b_cl, c_cl = accts["owner"], accts["b"], accts["c"]
    b = new_bucket(s3)
    put_policy(s3, b, {"Effect": "Allow", "Principal": {"CanonicalUser": accts["b_canon"]},
                       "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % b})
    assert b_cl.get_object(Bucket=b, Key="pub/k")["Body"].read() == b"v"
    assert denied(c_cl.get_object, Bucket=b, Key="pub/k") == "AccessDenied"


def test_principal_list_account_id_and_root_arn(accts):
    s3, b_cl, c_cl = accts["owner"], accts["b"], accts["c"]
    b = new_bucket(s3)
    put_policy(s3, b, {"Effect": "Allow", "Principal": {"AWS": [
        accts["b_id"], "arn:aws:iam::%s:root" % accts["c_id"]]},
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": ["arn:aws:s3:::%s" % b, "arn:aws:s3:::%s/*" % b]})
    for cl in (b_cl, c_cl):
        assert cl.get_object(Bucket=b, Key="pub/k")["Body"].read() == b"v"
        assert cl.list_objects_v2(Bucket=b)["KeyCount"] == 2


def test_not_resource(accts):
    """Allow everything but priv/*: NotResource matches every resource but the listed."""
    s3, b_cl = accts["owner"], accts["b"]
    b = new_bucket(s3)
    put_policy(s3, b, {"Effect": "Allow", "Principal": {"AWS": accts["b_id"]},
                       "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::%s/priv/*" % b})
    assert b_cl.get_object(Bucket=b, Key="pub/k")["Body"].read() == b"v"
    assert denied(b_cl.get_object, Bucket=b, Key="priv/k") == "AccessDenied"


def test_multipart_upload_by_another_account(accts):
    s3, b_cl, c_cl = accts["owner"], accts["b"], accts["c"]
    b = new_bucket(s3)
    assert denied(b_cl.create_multipart_upload, Bucket=b, Key="up/m") == "AccessDenied"
    put_policy(s3, b, {"Effect": "Allow", "Principal": {"AWS": accts["b_id"]},
                       "Action": ["s3:PutObject", "s3:ListMultipartUploadParts",
                                  "s3:AbortMultipartUpload"],
                       "Resource": "arn:aws:s3:::%s/up/*" % b})
    assert denied(b_cl.create_multipart_upload, Bucket=b, Key="other/m") == "AccessDenied"
    # ObjectWriter bucket: b owns what it writes, so it hands the owner FULL_CONTROL (AWS)
    up = b_cl.create_multipart_upload(Bucket=b, Key="up/m",
                                      ACL="bucket-owner-full-control")["UploadId"]
    assert denied(c_cl.upload_part, Bucket=b, Key="up/m", UploadId=up, PartNumber=1,
                  Body=b"p") == "AccessDenied"
    etag = b_cl.upload_part(Bucket=b, Key="up/m", UploadId=up, PartNumber=1,
                            Body=b"part")["ETag"]
    assert [p["ETag"] for p in b_cl.list_parts(Bucket=b, Key="up/m", UploadId=up)["Parts"]] \
        == [etag]
    b_cl.complete_multipart_upload(Bucket=b, Key="up/m", UploadId=up, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert s3.get_object(Bucket=b, Key="up/m")["Body"].read() == b"part"
    up2 = b_cl.create_multipart_upload(Bucket=b, Key="up/n")["UploadId"]
    assert denied(c_cl.abort_multipart_upload, Bucket=b, Key="up/n",
                  UploadId=up2) == "AccessDenied"
    b_cl.abort_multipart_upload(Bucket=b, Key="up/n", UploadId=up2)
