"""Replication: Put/Get/DeleteBucketReplication with AWS's validation and errors.

Until the replication worker exists, a valid configuration is refused with 501 NotImplemented
and nothing is stored (accepting rules that never run would be a lie)."""
import base64
import hashlib
import json
import subprocess

import pytest
from botocore.exceptions import ClientError

from conftest import error_code
from sigv4 import signed_request

ROLE = "arn:aws:iam::123456789012:role/replication"


def v2_rule(dest="rdst", **kw):
    r = {
        "ID": "r1",
        "Priority": 1,
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "Destination": {"Bucket": "arn:aws:s3:::" + dest},
        "DeleteMarkerReplication": {"Status": "Enabled"},
    }
    r.update(kw)
    return r


def versioned(s3, name):
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})


@pytest.fixture(scope="module")
def pair(s3):
    versioned(s3, "rsrc")
    versioned(s3, "rdst")
    return s3


def put(s3, rules, bucket="rsrc"):
    return s3.put_bucket_replication(
        Bucket=bucket, ReplicationConfiguration={"Role": ROLE, "Rules": rules}
    )


def refused(s3, rules, bucket="rsrc"):
    with pytest.raises(ClientError) as ei:
        put(s3, rules, bucket)
    err = ei.value.response["Error"]
    return err["Code"], err.get("Message", "")


def test_get_without_configuration_is_404(pair):
    with pytest.raises(ClientError) as ei:
        pair.get_bucket_replication(Bucket="rsrc")
    assert error_code(ei.value) == "ReplicationConfigurationNotFoundError"
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    # Delete without one answers 204 as AWS does
    assert pair.delete_bucket_replication(Bucket="rsrc")["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_versioning_required_on_source_and_destination(s3, pair):
    s3.create_bucket(Bucket="rplain")
    assert refused(s3, [v2_rule()], bucket="rplain") == (
        "InvalidRequest",
        "Versioning must be 'Enabled' on the bucket to apply a replication configuration",
    )
    assert refused(s3, [v2_rule(dest="rplain")]) == (
        "InvalidRequest",
        "Destination bucket must have versioning enabled.",
    )
    assert refused(s3, [v2_rule(dest="rnosuch")]) == (
        "InvalidRequest",
        "Destination bucket must exist.",
    )
    assert refused(s3, [v2_rule(dest="rsrc")])[0] == "InvalidRequest"


def test_rule_validation_as_aws(pair):
    s3 = pair
    assert refused(s3, [v2_rule(), v2_rule(ID="r2")]) == (
        "InvalidRequest",
        "Found duplicate priority. Rule priorities must be unique",
    )
    assert refused(s3, [v2_rule(), v2_rule(Priority=2)]) == (
        "InvalidArgument",
        "Rule Id must be unique",
    )
    no_dm = v2_rule()
    del no_dm["DeleteMarkerReplication"]
    assert refused(s3, [no_dm])[0] == "MalformedXML"
    tagged = v2_rule(Filter={"Tag": {"Key": "k", "Value": "v"}})
    code, msg = refused(s3, [tagged])
    assert code == "InvalidRequest" and "Delete marker replication is not supported" in msg
    bad_arn = v2_rule()
    bad_arn["Destination"] = {"Bucket": "rdst"}
    assert refused(s3, [bad_arn]) == ("InvalidArgument", "Invalid ARN")
    sc = v2_rule()
    sc["Destination"]["StorageClass"] = "WARP"
    # botocore validates the enum client-side only for known members; WARP is sent as is
    assert refused(s3, [sc])[0] == "InvalidStorageClass"
    act = v2_rule()
    act["Destination"]["AccessControlTranslation"] = {"Owner": "Destination"}
    assert refused(s3, [act]) == (
        "InvalidRequest",
        "Account must be specified when AccessControlTranslation is specified",
    )
    rules = [v2_rule(ID="r%d" % i, Priority=i) for i in range(1001)]
    assert refused(s3, rules)[0] == "InvalidRequest"


def test_malformed_body(server, pair):
    for body in (b"<ReplicationConfiguration>", b"<ReplicationConfiguration/>", b"<Other/>",
                 b"<ReplicationConfiguration><Rule><Bogus/></Rule></ReplicationConfiguration>"):
        md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
        status, _, resp = signed_request(server, "PUT", "/rsrc", query=[("replication", "")],
                                         headers={"content-md5": md5}, body=body)
        assert status == 400 and b"<Code>MalformedXML</Code>" in resp


def test_valid_configuration_is_not_implemented_yet_and_not_stored(pair):
    code, _ = refused(pair, [v2_rule()])
    assert code == "NotImplemented"
    with pytest.raises(ClientError) as ei:
        pair.get_bucket_replication(Bucket="rsrc")
    assert error_code(ei.value) == "ReplicationConfigurationNotFoundError"
