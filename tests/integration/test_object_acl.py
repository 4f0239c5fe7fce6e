"""Object ACLs: x-amz-acl and x-amz-grant-* on PutObject, CopyObject, CreateMultipartUpload and
POST uploads; Put/GetObjectAcl (canned, grant headers, AccessControlPolicy XML, versionId and
their errors); enforcement for a second account and anonymous clients (boto3 UNSIGNED and
curl): object READ / READ_ACP / WRITE_ACP grants, bucket WRITE; Object Ownership (who owns the
object, AccessControlListNotSupported); the real owner in listings; and the ObjectOwner /
ObjectAccessControlList inventory columns in CSV, Parquet and ORC."""
import base64
import csv
import gzip
import io
import json
import os
import subprocess

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.exceptions import ClientError

import orc_reader
from conftest import BIN, allow_inventory_delivery, error_code, denied
from test_inventory_parquet import hyparquet
from test_inventory_reports import config, fetch_report

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
_n = [0]


@pytest.fixture(scope="module")
def clients(legacy):
    owner = legacy.client()
    _, key, secret = legacy.add_account("objacl-other")
    other = legacy.client(key, secret)
    anon = legacy.anonymous_client()
    owner_id = owner.list_buckets()["Owner"]["ID"]
    other_id = other.list_buckets()["Owner"]["ID"]
    return owner, other, anon, owner_id, other_id


def new_bucket(s3, **kw):
    _n[0] += 1
    name = "oacl-%d-%d" % (os.getpid(), _n[0])
    s3.create_bucket(Bucket=name, **kw)
    return name


def grants(s3, bucket, key, **kw):
    out = []
    for g in s3.get_object_acl(Bucket=bucket, Key=key, **kw)["Grants"]:
        ge = g["Grantee"]
        out.append((ge["Type"], ge.get("ID") or ge.get("URI"), g["Permission"]))
    return sorted(out)


def curl_status(url):
    p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url],
                       capture_output=True, text=True, timeout=30)
    return int(p.stdout)


@pytest.mark.parametrize("canned,extra", [
    ("private", []),
    ("public-read", [("Group", ALL_USERS, "READ")]),
    ("public-read-write", [("Group", ALL_USERS, "READ"), ("Group", ALL_USERS, "WRITE")]),
    ("authenticated-read", [("Group", AUTH_USERS, "READ")]),
    ("bucket-owner-read", []),
    ("bucket-owner-full-control", []),
])
def test_canned_acls_on_put_object(clients, canned, extra):
    owner, _, _, owner_id, _ = clients
    b = new_bucket(owner)
    owner.put_object(Bucket=b, Key="k", Body=b"x", ACL=canned)
    acl = owner.get_object_acl(Bucket=b, Key="k")
    assert acl["Owner"]["ID"] == owner_id
    assert grants(owner, b, "k") == sorted([("CanonicalUser", owner_id, "FULL_CONTROL")] + extra)


def test_unknown_canned_acl_and_mixed_headers(clients):
    owner, _, _, _, other_id = clients
    b = new_bucket(owner)
    assert denied(owner.put_object, Bucket=b, Key="k", Body=b"x",
                  ACL="everyone") == "InvalidArgument"
    assert denied(owner.put_object, Bucket=b, Key="k", Body=b"x", ACL="public-read",
                  GrantRead='id="%s"' % other_id) == "InvalidRequest"
    assert denied(owner.head_object, Bucket=b, Key="k") == "404"


def test_public_read_object_readable_anonymously(clients, legacy):
    owner, _, anon, _, _ = clients
    b = new_bucket(owner)
    owner.put_object(Bucket=b, Key="pub", Body=b"hello", ACL="public-read")
    owner.put_object(Bucket=b, Key="priv", Body=b"secret")
    assert anon.get_object(Bucket=b, Key="pub")["Body"].read() == b"hello"
    anon.head_object(Bucket=b, Key="pub")
    assert curl_status("%s/%s/pub" % (legacy.endpoint, b)) == 200
    assert curl_status("%s/%s/priv" % (legacy.endpoint, b)) == 403
    assert denied(anon.get_object, Bucket=b, Key="priv") == "AccessDenied"
    # READ on the object is not READ_ACP, nor a right to overwrite or delete it
    assert denied(anon.get_object_acl, Bucket=b, Key="pub") == "AccessDenied"
    assert denied(anon.put_object, Bucket=b, Key="pub", Body=b"x") == "AccessDenied"
    assert denied(anon.delete_object, Bucket=b, Key="pub") == "AccessDenied"
    # an unsigned listing stays refused: the bucket is private
    assert denied(anon.list_objects_v2, Bucket=b) == "AccessDenied"


def test_authenticated_read_excludes_anonymous(clients):
    owner, other, anon, _, _ = clients
    b = new_bucket(owner)
    owner.put_object(Bucket=b, Key="k", Body=b"v", ACL="authenticated-read")
    assert other.get_object(Bucket=b, Key="k")["Body"].read() == b"v"
    assert denied(anon.get_object, Bucket=b, Key="k") == "AccessDenied"


def test_grant_headers_by_id_uri_and_email(clients):
    owner, other, anon, owner_id, other_id = clients
    b = new_bucket(owner)
    owner.put_object(Bucket=b, Key="k", Body=b"v", GrantRead='id="%s"' % other_id,
                     GrantFullControl='id="%s"' % owner_id)
    assert grants(owner, b, "k") == sorted([("CanonicalUser", other_id, "READ"),
                                            ("CanonicalUser", owner_id, "FULL_CONTROL")])
    assert other.get_object(Bucket=b, Key="k")["Body"].read() == b"v"
    assert denied(anon.get_object, Bucket=b, Key="k") == "AccessDenied"
    owner.put_object(Bucket=b, Key="u", Body=b"w", GrantRead='uri="%s"' % ALL_USERS)
    assert anon.get_object(Bucket=b, Key="u")["Body"].read() == b"w"
    # exactly the grants given: the owner did not grant itself anything
    assert grants(owner, b, "u") == [("Group", ALL_USERS, "READ")]
    assert denied(owner.put_object, Bucket=b, Key="e", Body=b"x",
                  GrantRead='emailAddress="someone@example.com"') == \
        "UnresolvableGrantByEmailAddress"
    assert denied(owner.put_object, Bucket=b, Key="e", Body=b"x",
                  GrantRead='id="%s"' % ("0" * 64)) == "InvalidArgument"
    assert denied(owner.put_object, Bucket=b, Key="e", Body=b"x",
                  GrantRead='uri="http://example.com/nobody"') == "InvalidArgument"


def test_read_acp_and_write_acp_grants(clients):
    owner, other, anon, owner_id, other_id = clients
    b = new_bucket(owner)
    owner.put_object(Bucket=b, Key="k", Body=b"v")
    assert denied(other.get_object_acl, Bucket=b, Key="k") == "AccessDenied"
    owner.put_object_acl(Bucket=b, Key="k", GrantReadACP='id="%s"' % other_id,
                         GrantFullControl='id="%s"' % owner_id)
    assert other.get_object_acl(Bucket=b, Key="k")["Owner"]["ID"] == owner_id
    assert denied(other.get_object, Bucket=b, Key="k") == "AccessDenied"
    assert denied(other.put_object_acl, Bucket=b, Key="k", ACL="public-read") == "AccessDenied"
    owner.put_object_acl(Bucket=b, Key="k", GrantWriteACP='id="%s"' % other_id)
    other.put_object_acl(Bucket=b, Key="k", ACL="public-read")
    assert anon.get_object(Bucket=b, Key="k")["Body"].read() == b"v"
    assert grants(owner, b, "k") == sorted([("CanonicalUser", owner_id, "FULL_CONTROL"),
                                            ("Group", ALL_USERS, "READ")])


def test_bucket_write_grant_lets_other_upload_and_own(clients):
    owner, other, anon, owner_id, other_id = clients
    b = new_bucket(owner)
    assert denied(other.put_object, Bucket=b, Key="k", Body=b"x") == "AccessDenied"
    owner.put_bucket_acl(Bucket=b, GrantWrite='id="%s"' % other_id,
                         GrantFullControl='id="%s"' % owner_id)
    other.put_object(Bucket=b, Key="k", Body=b"from other")
    # ObjectWriter: the writer owns it and may read it and its ACL
    assert other.get_object(Bucket=b, Key="k")["Body"].read() == b"from other"
    acl = other.get_object_acl(Bucket=b, Key="k")
    assert acl["Owner"]["ID"] == other_id
    assert grants(other, b, "k") == [("CanonicalUser", other_id, "FULL_CONTROL")]
    listing = owner.list_objects_v2(Bucket=b, FetchOwner=True)["Contents"]
    assert listing[0]["Owner"]["ID"] == other_id
    assert owner.list_objects(Bucket=b)["Contents"][0]["Owner"]["ID"] == other_id
    versions = owner.list_object_versions(Bucket=b)["Versions"]
    assert [(v["Key"], v["Owner"]["ID"]) for v in versions] == [("k", other_id)]
    # WRITE on the bucket lets other overwrite and delete any object there, not read them
    owner.put_object(Bucket=b, Key="mine", Body=b"owner's")
    assert denied(other.get_object, Bucket=b, Key="mine") == "AccessDenied"
    other.delete_object(Bucket=b, Key="mine")
    assert denied(owner.head_object, Bucket=b, Key="mine") == "404"
    # bucket-owner-full-control from the writer grants the bucket owner
    other.put_object(Bucket=b, Key="bofc", Body=b"x", ACL="bucket-owner-full-control")
    assert grants(other, b, "bofc") == sorted([("CanonicalUser", other_id, "FULL_CONTROL"),
                                               ("CanonicalUser", owner_id, "FULL_CONTROL")])
    other.put_object(Bucket=b, Key="bor", Body=b"x", ACL="bucket-owner-read")
    assert grants(other, b, "bor") == sorted([("CanonicalUser", other_id, "FULL_CONTROL"),
                                              ("CanonicalUser", owner_id, "READ")])
    assert denied(anon.put_object, Bucket=b, Key="a", Body=b"x") == "AccessDenied"


def test_public_read_write_bucket_takes_anonymous_uploads(clients):
    owner, _, anon, owner_id, _ = clients
    b = new_bucket(owner)
    owner.put_bucket_acl(Bucket=b, ACL="public-read-write")
    anon.put_object(Bucket=b, Key="anon", Body=b"a")
    # an anonymous writer's object is the bucket owner's
    assert owner.get_object_acl(Bucket=b, Key="anon")["Owner"]["ID"] == owner_id
    anon.delete_object(Bucket=b, Key="anon")


def test_ownership_enforced_refuses_acls(clients):
    owner, _, _, owner_id, _ = clients
    b = new_bucket(owner, ObjectOwnership="BucketOwnerEnforced")
    with pytest.raises(ClientError) as e:
        owner.put_object(Bucket=b, Key="k", Body=b"x", ACL="public-read")
    assert error_code(e.value) == "AccessControlListNotSupported"
    assert e.value.response["Error"]["Message"] == "The bucket does not allow ACLs"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert denied(owner.put_object, Bucket=b, Key="k", Body=b"x",
                  GrantRead='uri="%s"' % ALL_USERS) == "AccessControlListNotSupported"
    owner.put_object(Bucket=b, Key="k", Body=b"x", ACL="bucket-owner-full-control")
    owner.put_object(Bucket=b, Key="p", Body=b"x", ACL="private")
    assert grants(owner, b, "k") == [("CanonicalUser", owner_id, "FULL_CONTROL")]
    assert denied(owner.put_object_acl, Bucket=b, Key="k",
                  ACL="public-read") == "AccessControlListNotSupported"
    owner.put_object_acl(Bucket=b, Key="k", ACL="private")
    assert denied(owner.copy_object, Bucket=b, Key="c", CopySource={"Bucket": b, "Key": "k"},
                  ACL="authenticated-read") == "AccessControlListNotSupported"
    assert denied(owner.create_multipart_upload, Bucket=b, Key="m",
                  ACL="public-read") == "AccessControlListNotSupported"


def test_ownership_preferred_gives_bucket_owner_full_control_objects(clients):
    owner, other, _, owner_id, other_id = clients
    b = new_bucket(owner, ObjectOwnership="BucketOwnerPreferred")
    owner.put_bucket_acl(Bucket=b, GrantWrite='id="%s"' % other_id,
                         GrantFullControl='id="%s"' % owner_id)
    other.put_object(Bucket=b, Key="given", Body=b"x", ACL="bucket-owner-full-control")
    other.put_object(Bucket=b, Key="kept", Body=b"x")
    owners = {o["Key"]: o["Owner"]["ID"]
              for o in owner.list_objects_v2(Bucket=b, FetchOwner=True)["Contents"]}
    assert owners == {"given": owner_id, "kept": other_id}
    assert grants(owner, b, "given") == [("CanonicalUser", owner_id, "FULL_CONTROL")]


def test_copy_gets_the_requests_acl_not_the_sources(clients):
    owner, _, anon, owner_id, _ = clients
    b = new_bucket(owner)
    owner.put_object(Bucket=b, Key="src", Body=b"data", ACL="public-read")
    owner.copy_object(Bucket=b, Key="plain", CopySource={"Bucket": b, "Key": "src"})
    assert grants(owner, b, "plain") == [("CanonicalUser", owner_id, "FULL_CONTROL")]
    assert denied(anon.get_object, Bucket=b, Key="plain") == "AccessDenied"
    owner.copy_object(Bucket=b, Key="pub", CopySource={"Bucket": b, "Key": "src"},
                      ACL="public-read")
    assert anon.get_object(Bucket=b, Key="pub")["Body"].read() == b"data"


def test_multipart_upload_applies_the_acl_given_at_create(clients):
    owner, _, anon, owner_id, _ = clients
    b = new_bucket(owner)
    up = owner.create_multipart_upload(Bucket=b, Key="mp", ACL="public-read")
    part = owner.upload_part(Bucket=b, Key="mp", UploadId=up["UploadId"], PartNumber=1,
                             Body=b"p" * 10)
    assert denied(anon.get_object, Bucket=b, Key="mp") == "AccessDenied"  # not yet
    owner.complete_multipart_upload(
        Bucket=b, Key="mp", UploadId=up["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    assert anon.get_object(Bucket=b, Key="mp")["Body"].read() == b"p" * 10
    assert grants(owner, b, "mp") == sorted([("CanonicalUser", owner_id, "FULL_CONTROL"),
                                             ("Group", ALL_USERS, "READ")])


def test_post_upload_with_acl(clients):
    owner, _, anon, _, _ = clients
    b = new_bucket(owner)
    p = owner.generate_presigned_post(b, "posted", Fields={"acl": "public-read"},
                                      Conditions=[{"acl": "public-read"}])
    r = requests.post(p["url"], data=p["fields"], files={"file": ("f", b"form bytes")})
    assert r.status_code == 204, r.text
    assert anon.get_object(Bucket=b, Key="posted")["Body"].read() == b"form bytes"
    p = owner.generate_presigned_post(b, "bad", Fields={"acl": "no-such-acl"},
                                      Conditions=[{"acl": "no-such-acl"}])
    r = requests.post(p["url"], data=p["fields"], files={"file": ("f", b"x")})
    assert r.status_code == 400 and b"<Code>InvalidArgument</Code>" in r.content


def test_put_get_object_acl_xml_round_trip(clients):
    owner, other, _, owner_id, other_id = clients
    b = new_bucket(owner)
    owner.put_object(Bucket=b, Key="k", Body=b"v")
    policy = {"Owner": {"ID": owner_id},
              "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": owner_id},
                          "Permission": "FULL_CONTROL"},
                         {"Grantee": {"Type": "CanonicalUser", "ID": other_id},
                          "Permission": "READ"},
                         {"Grantee": {"Type": "Group", "URI": AUTH_USERS},
                          "Permission": "READ_ACP"}]}
    owner.put_object_acl(Bucket=b, Key="k", AccessControlPolicy=policy)
    got = owner.get_object_acl(Bucket=b, Key="k")
    assert got["Owner"]["ID"] == owner_id and got["Owner"]["DisplayName"]
    assert grants(owner, b, "k") == sorted([("CanonicalUser", owner_id, "FULL_CONTROL"),
                                            ("CanonicalUser", other_id, "READ"),
                                            ("Group", AUTH_USERS, "READ_ACP")])
    named = [g for g in got["Grants"] if g["Grantee"].get("ID") == other_id]
    assert named[0]["Grantee"]["DisplayName"] == "objacl-other"
    assert other.get_object(Bucket=b, Key="k")["Body"].read() == b"v"
    # the document must name the object's owner
    bad_owner = dict(policy, Owner={"ID": other_id})
    assert denied(owner.put_object_acl, Bucket=b, Key="k",
                  AccessControlPolicy=bad_owner) == "AccessDenied"
    bad_perm = {"Owner": {"ID": owner_id},
                "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": owner_id},
                            "Permission": "EVERYTHING"}]}
    assert denied(owner.put_object_acl, Bucket=b, Key="k",
                  AccessControlPolicy=bad_perm) == "MalformedACLError"
    # a refused document leaves the ACL as it was
    assert ("CanonicalUser", other_id, "READ") in grants(owner, b, "k")


def test_object_acl_versions_and_missing(clients):
    owner, _, anon, owner_id, _ = clients
    b = new_bucket(owner)
    owner.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    v1 = owner.put_object(Bucket=b, Key="k", Body=b"one")["VersionId"]
    v2 = owner.put_object(Bucket=b, Key="k", Body=b"two")["VersionId"]
    owner.put_object_acl(Bucket=b, Key="k", VersionId=v1, ACL="public-read")
    assert ("Group", ALL_USERS, "READ") in grants(owner, b, "k", VersionId=v1)
    assert grants(owner, b, "k") == [("CanonicalUser", owner_id, "FULL_CONTROL")]
    assert grants(owner, b, "k", VersionId=v2) == [("CanonicalUser", owner_id, "FULL_CONTROL")]
    assert anon.get_object(Bucket=b, Key="k", VersionId=v1)["Body"].read() == b"one"
    assert denied(anon.get_object, Bucket=b, Key="k") == "AccessDenied"
    assert denied(owner.get_object_acl, Bucket=b, Key="nope") == "NoSuchKey"
    assert denied(owner.put_object_acl, Bucket=b, Key="nope", ACL="private") == "NoSuchKey"
    assert denied(owner.get_object_acl, Bucket=b, Key="k",
                  VersionId="0" * 32) == "NoSuchVersion"
    dm = owner.delete_object(Bucket=b, Key="k")["VersionId"]
    assert denied(owner.get_object_acl, Bucket=b, Key="k") == "NoSuchKey"
    assert denied(owner.get_object_acl, Bucket=b, Key="k", VersionId=dm) == "MethodNotAllowed"


def test_default_buckets_show_owner_only_acl(s3, bucket):
    """AWS's default (BucketOwnerEnforced): GetObjectAcl answers the owner's FULL_CONTROL."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    owner_id = s3.list_buckets()["Owner"]["ID"]
    assert grants(s3, bucket, "k") == [("CanonicalUser", owner_id, "FULL_CONTROL")]


# ---- inventory columns ----

def acl_value(encoded):
    return json.loads(base64.b64decode(encoded))


def expected_acls(owner_id, other_id):
    def doc(*grants_):
        return {"version": "2022-11-10", "status": "AVAILABLE", "grants": [
            dict(permission=p, type=t, **({"canonicalId": v} if t == "CanonicalUser"
                                          else {"uri": v})) for t, v, p in grants_]}
    return {
        "private": (owner_id, doc(("CanonicalUser", owner_id, "FULL_CONTROL"))),
        "public": (owner_id, doc(("CanonicalUser", owner_id, "FULL_CONTROL"),
                                 ("Group", ALL_USERS, "READ"))),
        "theirs": (other_id, doc(("CanonicalUser", other_id, "FULL_CONTROL"),
                                 ("CanonicalUser", owner_id, "READ"))),
    }


def inventory_report(legacy, clients, fmt, tmp_path):
    owner, other, _, owner_id, other_id = clients
    src = new_bucket(owner)
    dst = new_bucket(owner)
    allow_inventory_delivery(legacy, owner, dst, src)
    owner.put_object(Bucket=src, Key="private", Body=b"a")
    owner.put_object(Bucket=src, Key="public", Body=b"b", ACL="public-read")
    owner.put_bucket_acl(Bucket=src, GrantWrite='id="%s"' % other_id,
                         GrantFullControl='id="%s"' % owner_id)
    other.put_object(Bucket=src, Key="theirs", Body=b"c", ACL="bucket-owner-read")
    owner.put_bucket_inventory_configuration(
        Bucket=src, Id="acl", InventoryConfiguration=config(
            "acl", dst, fmt=fmt, fields=["Size", "ObjectAccessControlList", "ObjectOwner"]))
    p = subprocess.run([BIN, "inventory", "run", "--data", legacy.data, "--bucket", src, "--id",
                        "acl"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    manifest, files = fetch_report(owner, dst, p.stdout.strip(), tmp_path)
    return manifest, files, expected_acls(owner_id, other_id)


def test_inventory_csv_acl_and_owner(legacy, clients, tmp_path):
    manifest, files, want = inventory_report(legacy, clients, "CSV", tmp_path)
    assert manifest["fileSchema"] == "Bucket, Key, Size, ObjectAccessControlList, ObjectOwner"
    rows = []
    for f in files:
        with gzip.open(f, "rt", newline="") as fh:
            rows += list(csv.reader(io.StringIO(fh.read())))
    got = {r[1]: (r[4], acl_value(r[3])) for r in rows}
    assert got == want


def test_inventory_parquet_acl_and_owner(legacy, clients, tmp_path):
    _, files, want = inventory_report(legacy, clients, "Parquet", tmp_path)
    got = {}
    for f in files:
        for r in hyparquet(f)["rows"]:
            got[r["key"]] = (r["object_owner"], acl_value(r["object_access_control_list"]))
    assert got == want


def test_inventory_orc_acl_and_owner(legacy, clients, tmp_path):
    _, files, want = inventory_report(legacy, clients, "ORC", tmp_path)
    got = {}
    for f in files:
        for r in orc_reader.read(f).rows():
            got[r["key"]] = (r["object_owner"], acl_value(r["object_access_control_list"]))
    assert got == want


def test_missing_object_is_404_only_for_who_may_list(clients):
    owner, other, anon, _, _ = clients
    b = new_bucket(owner)
    owner.put_object(Bucket=b, Key="gone", Body=b"x", ACL="public-read")
    owner.delete_object(Bucket=b, Key="gone")
    # AWS: without s3:ListBucket a missing key is AccessDenied, with it NoSuchKey
    assert denied(anon.get_object, Bucket=b, Key="gone") == "AccessDenied"
    assert denied(other.get_object, Bucket=b, Key="never") == "AccessDenied"
    owner.put_bucket_acl(Bucket=b, ACL="public-read")
    assert denied(anon.get_object, Bucket=b, Key="gone") == "NoSuchKey"
    assert denied(anon.head_object, Bucket=b, Key="never") == "404"
    assert denied(anon.get_object_acl, Bucket=b, Key="never") == "NoSuchKey"
    # an existing private object stays refused
    owner.put_object(Bucket=b, Key="priv", Body=b"x")
    assert denied(anon.get_object, Bucket=b, Key="priv") == "AccessDenied"


def test_bucket_owner_does_not_read_objects_others_own(legacy, clients):
    """AWS: under ObjectWriter the writer owns its object; the bucket's owner (and the bucket's
    policy) may delete it but not read it or its ACL unless the object's ACL grants that."""
    owner, other, _, owner_id, other_id = clients
    b = new_bucket(owner, ObjectOwnership="ObjectWriter")
    owner.put_bucket_acl(Bucket=b, GrantWrite='id="%s"' % other_id,
                         GrantFullControl='id="%s"' % owner_id)
    owner.put_bucket_policy(Bucket=b, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": legacy.root_account()},
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % b}]}))
    other.put_object(Bucket=b, Key="theirs", Body=b"t")
    for fn in (owner.get_object, owner.head_object, owner.get_object_acl):
        with pytest.raises(ClientError) as e:
            fn(Bucket=b, Key="theirs")
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError) as e:
        owner.put_object_acl(Bucket=b, Key="theirs", ACL="private")
    assert error_code(e.value) == "AccessDenied"
    other.put_object(Bucket=b, Key="shared", Body=b"s", ACL="bucket-owner-read")
    assert owner.get_object(Bucket=b, Key="shared")["Body"].read() == b"s"
    other.put_object(Bucket=b, Key="given", Body=b"g", ACL="bucket-owner-full-control")
    assert owner.get_object_acl(Bucket=b, Key="given")["Owner"]["ID"] == other_id
    owner.put_object_acl(Bucket=b, Key="given", ACL="bucket-owner-full-control")
    owner.delete_object(Bucket=b, Key="theirs")  # deleting stays the bucket owner's right
    assert "theirs" not in [o["Key"] for o in owner.list_objects_v2(Bucket=b)["Contents"]]
def test_bucket_owner_reads_foreign_objects_only_as_their_acl_grants(clients):
    """ObjectWriter: an object another account wrote is that account's; the bucket's owner
    reads it (or its ACL) only as the object's ACL grants, as AWS answers (s3-tests
    test_bucket_policy_put_obj_grant), and may still overwrite and delete it."""
    owner, other, _, owner_id, other_id = clients
    b = new_bucket(owner)
    owner.put_bucket_acl(Bucket=b, GrantWrite='id="%s"' % other_id,
                         GrantFullControl='id="%s"' % owner_id)
    other.put_object(Bucket=b, Key="private", Body=b"p")
    other.put_object(Bucket=b, Key="bor", Body=b"r", ACL="bucket-owner-read")
    other.put_object(Bucket=b, Key="bofc", Body=b"f", ACL="bucket-owner-full-control")
    assert denied(owner.get_object, Bucket=b, Key="private") == "AccessDenied"
    assert denied(owner.head_object, Bucket=b, Key="private") == "403"
    assert denied(owner.get_object_acl, Bucket=b, Key="private") == "AccessDenied"
    assert denied(owner.put_object_acl, Bucket=b, Key="private",
                  ACL="public-read") == "AccessDenied"
    assert denied(owner.copy_object, Bucket=b, Key="copy",
                  CopySource={"Bucket": b, "Key": "private"}) == "AccessDenied"
    assert owner.get_object(Bucket=b, Key="bor")["Body"].read() == b"r"
    assert denied(owner.get_object_acl, Bucket=b, Key="bor") == "AccessDenied"
    assert owner.get_object(Bucket=b, Key="bofc")["Body"].read() == b"f"
    assert grants(owner, b, "bofc") == sorted([("CanonicalUser", other_id, "FULL_CONTROL"),
                                               ("CanonicalUser", owner_id, "FULL_CONTROL")])
    assert other.get_object(Bucket=b, Key="private")["Body"].read() == b"p"
    # the bucket's owner may still list, overwrite and delete them
    assert sorted(o["Key"] for o in owner.list_objects_v2(Bucket=b)["Contents"]) == [
        "bofc", "bor", "private"]
    owner.delete_object(Bucket=b, Key="bor")
    owner.put_object(Bucket=b, Key="private", Body=b"mine now")
    assert owner.get_object(Bucket=b, Key="private")["Body"].read() == b"mine now"
    # with ACLs disabled the bucket's owner owns everything
    other.put_object(Bucket=b, Key="late", Body=b"l")
    owner.put_bucket_acl(Bucket=b, ACL="private")
    owner.put_bucket_ownership_controls(
        Bucket=b, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    assert owner.get_object(Bucket=b, Key="late")["Body"].read() == b"l"


def test_ownership_enforced_takes_only_bucket_owner_full_control_from_others(clients):
    """ACLs disabled (BucketOwnerEnforced): another account's write may name no ACL or
    bucket-owner-full-control; "private" (FULL_CONTROL to that account) is refused with 400
    AccessControlListNotSupported on PutObject, CreateMultipartUpload, CopyObject, PutObjectAcl
    and PutBucketAcl, as AWS answers (s3-tests _test_object_ownership_bucket_owner_enforced).
    The objects are the bucket owner's."""
    owner, other, _, owner_id, other_id = clients
    b = new_bucket(owner, ObjectOwnership="BucketOwnerEnforced")
    owner.put_bucket_policy(Bucket=b, Policy=json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"CanonicalUser": other_id},
        "Action": ["s3:PutObject", "s3:GetObject", "s3:GetObjectAcl", "s3:PutObjectAcl"],
        "Resource": "arn:aws:s3:::%s/*" % b}, {
        "Effect": "Allow", "Principal": {"CanonicalUser": other_id},
        "Action": "s3:PutBucketAcl", "Resource": "arn:aws:s3:::%s" % b}]}))
    other.put_object(Bucket=b, Key="none", Body=b"x")
    other.put_object(Bucket=b, Key="bofc", Body=b"x", ACL="bucket-owner-full-control")
    assert other.get_object_acl(Bucket=b, Key="bofc")["Owner"]["ID"] == owner_id
    for call, kw in ((other.put_object, {"Key": "p", "Body": b"x"}),
                     (other.create_multipart_upload, {"Key": "m"}),
                     (other.copy_object, {"Key": "c", "CopySource": {"Bucket": b,
                                                                     "Key": "none"}}),
                     (other.put_object_acl, {"Key": "none"}), (other.put_bucket_acl, {})):
        with pytest.raises(ClientError) as e:
            call(Bucket=b, ACL="private", **kw)
        assert error_code(e.value) == "AccessControlListNotSupported"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    other.put_object_acl(Bucket=b, Key="none", ACL="bucket-owner-full-control")
    # the bucket's owner may name its own "private"
    owner.put_object(Bucket=b, Key="own", Body=b"x", ACL="private")
    owner.put_object_acl(Bucket=b, Key="own", ACL="private")
    owner.put_bucket_acl(Bucket=b, ACL="private")
