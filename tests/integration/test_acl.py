"""Bucket ACLs: Put/GetBucketAcl by canned ACL, grant headers and AccessControlPolicy body,
their errors, and enforcement of bucket-level grants (READ: listing, READ_ACP, WRITE_ACP) for
a second account and for anonymous clients; BucketOwnerEnforced disables ACLs."""
import os

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, denied

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"
_n = [0]


@pytest.fixture(scope="module")
def clients(legacy):
    owner = legacy.client()
    _, key, secret = legacy.add_account("acl-other")
    other = legacy.client(key, secret)
    anon = legacy.anonymous_client()
    other_id = other.list_buckets()["Owner"]["ID"]
    owner_id = owner.list_buckets()["Owner"]["ID"]
    return owner, other, anon, owner_id, other_id


def new_bucket(s3):
    _n[0] += 1
    name = "acl-%d-%d" % (os.getpid(), _n[0])
    s3.create_bucket(Bucket=name)
    return name


def grants(s3, bucket):
    out = []
    for g in s3.get_bucket_acl(Bucket=bucket)["Grants"]:
        ge = g["Grantee"]
        out.append((ge["Type"], ge.get("ID") or ge.get("URI"), g["Permission"]))
    return sorted(out)


def test_default_acl_is_owner_full_control(clients):
    owner, _, _, owner_id, _ = clients
    b = new_bucket(owner)
    acl = owner.get_bucket_acl(Bucket=b)
    assert acl["Owner"]["ID"] == owner_id
    assert grants(owner, b) == [("CanonicalUser", owner_id, "FULL_CONTROL")]


@pytest.mark.parametrize("canned,extra", [
    ("private", []),
    ("public-read", [("Group", ALL_USERS, "READ")]),
    ("public-read-write", [("Group", ALL_USERS, "READ"), ("Group", ALL_USERS, "WRITE")]),
    ("authenticated-read", [("Group", AUTH_USERS, "READ")]),
    ("log-delivery-write", [("Group", LOG_DELIVERY, "READ_ACP"),
                            ("Group", LOG_DELIVERY, "WRITE")]),
    ("bucket-owner-read", []),
    ("bucket-owner-full-control", []),
])
def test_canned_bucket_acls(clients, canned, extra):
    owner, _, _, owner_id, _ = clients
    b = new_bucket(owner)
    owner.put_bucket_acl(Bucket=b, ACL=canned)
    assert grants(owner, b) == sorted([("CanonicalUser", owner_id, "FULL_CONTROL")] + extra)


def test_public_read_lets_anonymous_list(clients):
    owner, other, anon, _, _ = clients
    b = new_bucket(owner)
    owner.put_object(Bucket=b, Key="k", Body=b"x")
    assert denied(anon.list_objects_v2, Bucket=b) == "AccessDenied"
    assert denied(other.list_objects_v2, Bucket=b) == "AccessDenied"
    owner.put_bucket_acl(Bucket=b, ACL="public-read")
    assert [o["Key"] for o in anon.list_objects_v2(Bucket=b)["Contents"]] == ["k"]
    assert [o["Key"] for o in other.list_objects(Bucket=b)["Contents"]] == ["k"]
    anon.head_bucket(Bucket=b)
    other.list_object_versions(Bucket=b)
    # READ on the bucket is not READ_ACP, nor any other permission
    assert denied(anon.get_bucket_acl, Bucket=b) == "AccessDenied"
    assert denied(other.put_bucket_acl, Bucket=b, ACL="private") == "AccessDenied"
    assert denied(other.delete_bucket, Bucket=b) == "AccessDenied"
    assert denied(anon.get_bucket_versioning, Bucket=b) == "AccessDenied"
    owner.put_bucket_acl(Bucket=b, ACL="private")
    assert denied(anon.list_objects_v2, Bucket=b) == "AccessDenied"


def test_authenticated_read_excludes_anonymous(clients):
    owner, other, anon, _, _ = clients
    b = new_bucket(owner)
    owner.put_bucket_acl(Bucket=b, ACL="authenticated-read")
    other.list_objects_v2(Bucket=b)
    assert denied(anon.list_objects_v2, Bucket=b) == "AccessDenied"


def test_grant_headers(clients):
    owner, other, _, owner_id, other_id = clients
    b = new_bucket(owner)
    owner.put_bucket_acl(Bucket=b, GrantReadACP='id="%s"' % other_id,
                         GrantFullControl='id="%s"' % owner_id)
    assert grants(owner, b) == sorted([("CanonicalUser", other_id, "READ_ACP"),
                                       ("CanonicalUser", owner_id, "FULL_CONTROL")])
    assert other.get_bucket_acl(Bucket=b)["Owner"]["ID"] == owner_id
    assert denied(other.list_objects_v2, Bucket=b) == "AccessDenied"
    assert denied(other.put_bucket_acl, Bucket=b, ACL="public-read") == "AccessDenied"


def test_write_acp_grant_lets_other_change_the_acl(clients):
    owner, other, anon, owner_id, other_id = clients
    b = new_bucket(owner)
    owner.put_bucket_acl(Bucket=b, GrantWriteACP='id="%s"' % other_id)
    other.put_bucket_acl(Bucket=b, ACL="public-read")
    anon.list_objects_v2(Bucket=b)
    assert grants(owner, b) == sorted([("CanonicalUser", owner_id, "FULL_CONTROL"),
                                       ("Group", ALL_USERS, "READ")])


def test_acl_by_body(clients):
    owner, other, _, owner_id, other_id = clients
    b = new_bucket(owner)
    policy = {"Owner": {"ID": owner_id},
              "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": owner_id},
                          "Permission": "FULL_CONTROL"},
                         {"Grantee": {"Type": "CanonicalUser", "ID": other_id},
                          "Permission": "READ"},
                         {"Grantee": {"Type": "Group", "URI": AUTH_USERS},
                          "Permission": "READ_ACP"}]}
    owner.put_bucket_acl(Bucket=b, AccessControlPolicy=policy)
    assert grants(owner, b) == sorted([("CanonicalUser", owner_id, "FULL_CONTROL"),
                                       ("CanonicalUser", other_id, "READ"),
                                       ("Group", AUTH_USERS, "READ_ACP")])
    other.list_objects_v2(Bucket=b)
    other.get_bucket_acl(Bucket=b)


def test_acl_errors(clients):
    owner, _, _, owner_id, other_id = clients
    b = new_bucket(owner)
    assert denied(owner.put_bucket_acl, Bucket=b, ACL="public-read",
                  GrantRead='id="%s"' % other_id) == "InvalidRequest"
    assert denied(owner.put_bucket_acl, Bucket=b, GrantRead='id="%s"' % ("ab" * 32)) == \
        "InvalidArgument"
    assert denied(owner.put_bucket_acl, Bucket=b, GrantRead='uri="http://example.com/g"') == \
        "InvalidArgument"
    assert denied(owner.put_bucket_acl, Bucket=b, GrantRead='bogus') == "InvalidArgument"
    bad_perm = {"Owner": {"ID": owner_id},
                "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": owner_id},
                            "Permission": "EVERYTHING"}]}
    assert denied(owner.put_bucket_acl, Bucket=b, AccessControlPolicy=bad_perm) == \
        "MalformedACLError"
    email = {"Owner": {"ID": owner_id},
             "Grants": [{"Grantee": {"Type": "AmazonCustomerByEmail",
                                     "EmailAddress": "nobody@example.com"},
                         "Permission": "READ"}]}
    assert denied(owner.put_bucket_acl, Bucket=b, AccessControlPolicy=email) == \
        "UnresolvableGrantByEmailAddress"
    other_owner = {"Owner": {"ID": other_id}, "Grants": []}
    assert denied(owner.put_bucket_acl, Bucket=b, AccessControlPolicy=other_owner) == \
        "AccessDenied"
    assert grants(owner, b) == [("CanonicalUser", owner_id, "FULL_CONTROL")]


def test_bucket_owner_enforced_disables_acls(server, s3):
    """The default server gives new buckets BucketOwnerEnforced."""
    _n[0] += 1
    b = "acl-enf-%d-%d" % (os.getpid(), _n[0])
    s3.create_bucket(Bucket=b)
    owner_id = s3.list_buckets()["Owner"]["ID"]
    assert denied(s3.put_bucket_acl, Bucket=b, ACL="public-read") == \
        "AccessControlListNotSupported"
    s3.put_bucket_acl(Bucket=b, ACL="private")
    s3.put_bucket_acl(Bucket=b, ACL="bucket-owner-full-control")
    assert grants(s3, b) == [("CanonicalUser", owner_id, "FULL_CONTROL")]
    s3.put_bucket_ownership_controls(
        Bucket=b, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    # new buckets also block public ACLs (Block Public Access on): lift that first, as on AWS
    assert denied(s3.put_bucket_acl, Bucket=b, ACL="public-read") == "AccessDenied"
    s3.delete_public_access_block(Bucket=b)
    s3.put_bucket_acl(Bucket=b, ACL="public-read")
    anon = server.anonymous_client()
    anon.list_objects_v2(Bucket=b)
    # AWS refuses to disable ACLs while one grants others: make it private first
    enforced = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert denied(s3.put_bucket_ownership_controls, Bucket=b,
                  OwnershipControls=enforced) == "InvalidBucketAclWithObjectOwnership"
    anon.list_objects_v2(Bucket=b)
    s3.put_bucket_acl(Bucket=b, ACL="private")
    s3.put_bucket_ownership_controls(Bucket=b, OwnershipControls=enforced)
    assert denied(anon.list_objects_v2, Bucket=b) == "AccessDenied"
    assert grants(s3, b) == [("CanonicalUser", owner_id, "FULL_CONTROL")]


def test_create_bucket_with_acl_headers(clients):
    owner, other, anon, owner_id, other_id = clients
    _n[0] += 1
    b = "acl-new-%d-%d" % (os.getpid(), _n[0])
    owner.create_bucket(Bucket=b, ACL="public-read")
    assert grants(owner, b) == sorted([("CanonicalUser", owner_id, "FULL_CONTROL"),
                                       ("Group", ALL_USERS, "READ")])
    anon.list_objects_v2(Bucket=b)
    g = b + "-g"
    owner.create_bucket(Bucket=g, GrantRead='id="%s"' % other_id)
    assert grants(owner, g) == [("CanonicalUser", other_id, "READ")]
    other.list_objects_v2(Bucket=g)
    bad = b + "-bad"
    assert denied(owner.create_bucket, Bucket=bad, ACL="public-read",
                  GrantRead='id="%s"' % other_id) == "InvalidRequest"
    assert denied(owner.create_bucket, Bucket=bad, GrantRead='id="%s"' % ("cd" * 32)) == \
        "InvalidArgument"
    assert denied(owner.create_bucket, Bucket=bad, ACL="nope") == "InvalidArgument"
    assert denied(owner.head_bucket, Bucket=bad) == "404"


def test_create_bucket_public_acl_with_enforced_ownership(s3):
    _n[0] += 1
    b = "acl-newenf-%d-%d" % (os.getpid(), _n[0])
    assert denied(s3.create_bucket, Bucket=b, ACL="public-read") == \
        "InvalidBucketAclWithObjectOwnership"
    assert denied(s3.head_bucket, Bucket=b) == "404"
    s3.create_bucket(Bucket=b, ACL="private")
    # ACLs enabled, but new buckets block public ACLs (AWS since 2023): create, lift, then set
    assert denied(s3.create_bucket, Bucket=b + "-w", ACL="public-read",
                  ObjectOwnership="ObjectWriter") == "InvalidBucketAclWithBlockPublicAccessError"
    s3.create_bucket(Bucket=b + "-w", ObjectOwnership="ObjectWriter")
    s3.delete_public_access_block(Bucket=b + "-w")
    s3.put_bucket_acl(Bucket=b + "-w", ACL="public-read")
    assert ("Group", ALL_USERS, "READ") in grants(s3, b + "-w")


def test_grants_by_email_address(legacy, clients):
    """AmazonCustomerByEmail: a grant by address names the account that has it (admin account
    add --email; compared without case), stored and shown as that CanonicalUser, as AWS does;
    an address no account has is UnresolvableGrantByEmailAddress."""
    owner = clients[0]
    _, key, secret = legacy.add_account("acl-mail", email="Mail.User@example.com")
    mail = legacy.client(key, secret)
    mail_id = mail.list_buckets()["Owner"]["ID"]
    b = new_bucket(owner)
    assert denied(mail.list_objects_v2, Bucket=b) == "AccessDenied"
    owner.put_bucket_acl(Bucket=b, GrantRead='emailAddress="mail.user@EXAMPLE.com"',
                         GrantFullControl='id="%s"' % clients[3])
    assert ("CanonicalUser", mail_id, "READ") in grants(owner, b)
    mail.list_objects_v2(Bucket=b)  # the grant is enforced
    body = {"Owner": {"ID": clients[3]},
            "Grants": [{"Grantee": {"Type": "AmazonCustomerByEmail",
                                    "EmailAddress": "Mail.User@example.com"},
                        "Permission": "WRITE"}]}
    owner.put_bucket_acl(Bucket=b, AccessControlPolicy=body)
    assert grants(owner, b) == [("CanonicalUser", mail_id, "WRITE")]
    owner.put_object(Bucket=b, Key="k", Body=b"x",
                     GrantRead='emailAddress="mail.user@example.com"')
    assert mail.get_object(Bucket=b, Key="k")["Body"].read() == b"x"
    assert denied(owner.put_bucket_acl, Bucket=b,
                  GrantRead='emailAddress="nobody@example.com"') == \
        "UnresolvableGrantByEmailAddress"
    # one address, one account; malformed addresses are refused by the admin tool
    import subprocess
    from conftest import BIN
    for bad in ("MAIL.user@example.com", "no-at-sign", "a b@example.com"):
        p = subprocess.run([BIN, "admin", "--data", legacy.data, "account", "add", "dup",
                            "--email", bad], capture_output=True, text=True)
        assert p.returncode != 0, bad


def test_recreating_own_bucket_resets_its_acl(clients):
    """us-east-1: CreateBucket of a bucket you own answers 200 OK and resets the bucket's ACL
    to the request's (AWS, BucketAlreadyOwnedByYou), the objects untouched."""
    owner, other, anon, owner_id, _ = clients
    name = new_bucket(owner)
    owner.put_object(Bucket=name, Key="kept", Body=b"x")
    again = owner.create_bucket(Bucket=name, ACL="public-read")
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert grants(owner, name) == sorted(
        [("CanonicalUser", owner_id, "FULL_CONTROL"), ("Group", ALL_USERS, "READ")])
    assert [o["Key"] for o in anon.list_objects_v2(Bucket=name)["Contents"]] == ["kept"]
    owner.create_bucket(Bucket=name)  # no ACL header: back to the owner's FULL_CONTROL
    assert grants(owner, name) == [("CanonicalUser", owner_id, "FULL_CONTROL")]
    with pytest.raises(ClientError) as e:
        anon.list_objects_v2(Bucket=name)
    assert error_code(e.value) == "AccessDenied"
    assert owner.get_object(Bucket=name, Key="kept")["Body"].read() == b"x"
    with pytest.raises(ClientError) as e:  # another account still gets BucketAlreadyExists
        other.create_bucket(Bucket=name, ACL="public-read")
    assert error_code(e.value) == "BucketAlreadyExists"
    assert grants(owner, name) == [("CanonicalUser", owner_id, "FULL_CONTROL")]
