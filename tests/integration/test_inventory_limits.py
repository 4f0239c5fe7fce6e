"""Bounds of the inventory configuration API (issue 9): a continuation token too long for any
configuration id is refused with AWS's InvalidArgument and the server keeps serving (it used to
overflow a stack buffer); a destination Prefix whose report keys would pass S3's 1,024-byte key
limit is refused at PutBucketInventoryConfiguration, not truncated at run time."""
import base64
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import error_code
from sigv4 import signed_request


def config(id_, dest, fmt="CSV", prefix=None):
    d = {"Bucket": "arn:aws:s3:::" + dest, "Format": fmt}
    if prefix is not None:
        d["Prefix"] = prefix
    return {"Id": id_, "IsEnabled": True, "Destination": {"S3BucketDestination": d},
            "Schedule": {"Frequency": "Daily"}, "IncludedObjectVersions": "Current"}


def healthy(server):
    with urllib.request.urlopen(server.endpoint + "/_stocktake/health") as r:
        return r.status == 200


@pytest.mark.parametrize("n", [65, 70, 71, 72, 100, 500, 3000])
def test_long_continuation_token_is_invalid_argument(server, s3, bucket, n):
    s3.put_bucket_inventory_configuration(Bucket=bucket, Id="c1",
                                          InventoryConfiguration=config("c1", bucket))
    token = base64.b64encode(b"i" + b"x" * n).decode()
    with pytest.raises(ClientError) as e:
        s3.list_bucket_inventory_configurations(Bucket=bucket, ContinuationToken=token)
    assert error_code(e.value) == "InvalidArgument"
    assert e.value.response["Error"]["Message"] == "The continuation token provided is incorrect"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert healthy(server)
    assert [c["Id"] for c in s3.list_bucket_inventory_configurations(
        Bucket=bucket)["InventoryConfigurationList"]] == ["c1"]


@pytest.mark.parametrize("token", ["aWE=x", "aWF=", "aQ==", "@@@@", "aWFi" * 30, "aW\u00e9="])
def test_odd_continuation_tokens_are_invalid_argument(server, bucket, token):
    status, _, body = signed_request(server, "GET", "/" + bucket,
                                     query=[("inventory", ""), ("continuation-token", token)])
    assert status == 400 and b"<Code>InvalidArgument</Code>" in body
    assert b"The continuation token provided is incorrect" in body
    assert healthy(server)


def test_valid_token_still_pages(s3, bucket):
    for i in range(101):
        s3.put_bucket_inventory_configuration(Bucket=bucket, Id="p%03d" % i,
                                              InventoryConfiguration=config("p%03d" % i, bucket))
    r = s3.list_bucket_inventory_configurations(Bucket=bucket)
    r2 = s3.list_bucket_inventory_configurations(Bucket=bucket,
                                                 ContinuationToken=r["NextContinuationToken"])
    assert [c["Id"] for c in r2["InventoryConfigurationList"]] == ["p100"]
