"""Inventory delivery as AWS enforces it (research/inventory-format.md §9.2): the report writer
is the service principal s3.amazonaws.com with aws:SourceAccount = the source owner's account,
aws:SourceArn = arn:aws:s3:::SOURCE and x-amz-acl bucket-owner-full-control, decided by the
destination bucket's policy through the same authorization step as every request. Without a
statement that allows it the run fails with a reason naming what is missing and writes nothing,
for same-account destinations too; another account's bucket receives reports when its policy
allows it (and AccountId, when given, names that account), and owns them."""
import json
import re
import subprocess

import pytest

from conftest import BIN, error_code, inventory_delivery_policy
from test_inventory_reports import config, fetch_report, run_inventory

from botocore.exceptions import ClientError


def delivery_policy(dest, source, source_account, prefix=""):
    return inventory_delivery_policy(dest, source, source_account, prefix)


def keys(client, bucket):
    return [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


@pytest.fixture(scope="module")
def root_account(server):
    return server.root_account()


@pytest.fixture(scope="module")
def src(s3):
    s3.create_bucket(Bucket="deliv-src")
    for i in range(5):
        s3.put_object(Bucket="deliv-src", Key="obj-%d" % i, Body=b"x" * i)
    return "deliv-src"


def status(server, bucket):
    return subprocess.run([BIN, "inventory", "status", "--data", server.data, "--bucket", bucket,
                           "--limit", "50"], capture_output=True, text=True).stdout


def test_aws_example_policy_delivers(server, s3, src, root_account, tmp_path):
    s3.create_bucket(Bucket="deliv-ok")
    s3.put_bucket_policy(Bucket="deliv-ok",
                         Policy=delivery_policy("deliv-ok", src, root_account))
    s3.put_bucket_inventory_configuration(Bucket=src, Id="ok",
                                          InventoryConfiguration=config("ok", "deliv-ok"))
    p = run_inventory(server, src, "ok")
    manifest_key = next(k for k in keys(s3, "deliv-ok") if k.endswith("manifest.json"))
    manifest, files = fetch_report(s3, "deliv-ok", manifest_key, tmp_path)
    assert manifest["sourceBucket"] == src and files
    assert p.returncode == 0


@pytest.mark.parametrize("case", ["none", "wrong-arn", "wrong-account", "other-service",
                                  "other-prefix"])
def test_without_an_allowing_statement_nothing_is_written(server, s3, src, root_account, case):
    dest = "deliv-" + case
    s3.create_bucket(Bucket=dest)
    if case == "wrong-arn":
        s3.put_bucket_policy(Bucket=dest, Policy=delivery_policy(dest, "other-src", root_account))
    elif case == "wrong-account":
        s3.put_bucket_policy(Bucket=dest, Policy=delivery_policy(dest, src, "111122223333"))
    elif case == "other-service":
        # a statement for another service principal does not allow S3's delivery
        pol = json.loads(delivery_policy(dest, src, root_account))
        pol["Statement"][0]["Principal"] = {"Service": "logging.s3.amazonaws.com"}
        s3.put_bucket_policy(Bucket=dest, Policy=json.dumps(pol))
    elif case == "other-prefix":
        s3.put_bucket_policy(Bucket=dest, Policy=delivery_policy(dest, src, root_account,
                                                                  prefix="elsewhere/"))
    id_ = "c-" + case
    s3.put_bucket_inventory_configuration(Bucket=src, Id=id_,
                                          InventoryConfiguration=config(id_, dest))
    p = run_inventory(server, src, id_, check=False)
    assert p.returncode == 1
    assert "s3.amazonaws.com" in p.stderr and "s3:PutObject" in p.stderr, p.stderr
    assert keys(s3, dest) == []
    assert re.search(r"%s\s+failed" % id_, status(server, src))


def test_explicit_deny_on_the_report_prefix_fails_the_run(server, s3, src, root_account):
    dest = "deliv-denied"
    s3.create_bucket(Bucket=dest)
    pol = json.loads(delivery_policy(dest, src, root_account))
    pol["Statement"].append({"Sid": "NoReports", "Effect": "Deny", "Principal": "*",
                             "Action": "s3:PutObject",
                             "Resource": "arn:aws:s3:::%s/%s/*" % (dest, src)})
    s3.put_bucket_policy(Bucket=dest, Policy=json.dumps(pol))
    s3.put_bucket_inventory_configuration(Bucket=src, Id="denied",
                                          InventoryConfiguration=config("denied", dest))
    p = run_inventory(server, src, "denied", check=False)
    assert p.returncode == 1 and "denied" in p.stderr.lower(), p.stderr
    assert keys(s3, dest) == []


def test_cross_account_delivery(server, s3, src, root_account, tmp_path):
    b_id, b_key, b_secret = server.add_account("deliv-b")
    b = server.client(access_key=b_key, secret_key=b_secret)
    b.create_bucket(Bucket="deliv-b-dest")
    # no grant yet: the run fails and B's bucket stays empty
    s3.put_bucket_inventory_configuration(
        Bucket=src, Id="xacct", InventoryConfiguration=config("xacct", "deliv-b-dest",
                                                              AccountId=b_id))
    p = run_inventory(server, src, "xacct", check=False)
    assert p.returncode == 1 and keys(b, "deliv-b-dest") == []
    b.put_bucket_policy(Bucket="deliv-b-dest",
                        Policy=delivery_policy("deliv-b-dest", src, root_account))
    run_inventory(server, src, "xacct")
    found = keys(b, "deliv-b-dest")
    manifest_key = next(k for k in found if k.endswith("manifest.json"))
    manifest, files = fetch_report(b, "deliv-b-dest", manifest_key, tmp_path)
    assert manifest["destinationBucket"] == "arn:aws:s3:::deliv-b-dest" and files
    # the report objects belong to B: B reads their ACL, A cannot read them
    owner = b.get_object_acl(Bucket="deliv-b-dest", Key=manifest_key)["Owner"]["ID"]
    assert owner == b.list_buckets()["Owner"]["ID"]
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="deliv-b-dest", Key=manifest_key)
    assert error_code(e.value) == "AccessDenied"
    # a wrong AccountId fails even with the grant, and writes nothing new
    s3.put_bucket_inventory_configuration(
        Bucket=src, Id="xwrong", InventoryConfiguration=config("xwrong", "deliv-b-dest",
                                                               AccountId="111122223333"))
    p = run_inventory(server, src, "xwrong", check=False)
    assert p.returncode == 1 and "AccountId" in p.stderr
    assert keys(b, "deliv-b-dest") == found


def test_restrict_access_to_reports(server, s3, src, root_account):
    """AWS's 'restrict access to an inventory report' example: only one principal may read
    the report prefix; here the reader is account C and everyone else is denied."""
    c_id, c_key, c_secret = server.add_account("deliv-c")
    c = server.client(access_key=c_key, secret_key=c_secret)
    _, d_key, d_secret = server.add_account("deliv-d")
    d = server.client(access_key=d_key, secret_key=d_secret)
    dest = "deliv-restricted"
    s3.create_bucket(Bucket=dest)
    pol = json.loads(delivery_policy(dest, src, root_account))
    reader = "arn:aws:iam::%s:root" % c_id
    pol["Statement"] += [
        {"Sid": "AllowListingOfPrefix", "Effect": "Allow", "Principal": {"AWS": reader},
         "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::" + dest},
        {"Sid": "AllowReadOfReports", "Effect": "Allow", "Principal": {"AWS": reader},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/%s/*" % (dest, src)},
        {"Sid": "DenyEveryoneElse", "Effect": "Deny", "Principal": "*",
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/%s/*" % (dest, src),
         "Condition": {"StringNotEquals": {"aws:PrincipalAccount": c_id}}}]
    s3.put_bucket_policy(Bucket=dest, Policy=json.dumps(pol))
    s3.put_bucket_inventory_configuration(Bucket=src, Id="restricted",
                                          InventoryConfiguration=config("restricted", dest))
    run_inventory(server, src, "restricted")
    manifest_key = next(k for k in keys(c, dest) if k.endswith("manifest.json"))
    assert c.get_object(Bucket=dest, Key=manifest_key)["Body"].read().startswith(b"{")
    for other in (s3, d):  # the bucket owner too: an explicit Deny beats the owner's access
        with pytest.raises(ClientError) as e:
            other.get_object(Bucket=dest, Key=manifest_key)
        assert error_code(e.value) == "AccessDenied"
