"""Bounds of the inventory configuration API (issue 9): a continuation token too long for any
configuration id is refused with AWS's InvalidArgument and the server keeps serving (it used to
overflow a stack buffer); a destination Prefix whose report keys would pass S3's 1,024-byte key
limit is refused at PutBucketInventoryConfiguration, not truncated at run time."""
import base64
import json
import subprocess
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import BIN, error_code, allow_inventory_delivery
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


def longest_key(prefix, source, id_, ext):
    """The longest report key: BASE/data/<uuid><ext>, BASE/hive/dt=…/symlink.txt or
    BASE/<T>/manifest.checksum, with BASE = prefix/source/id."""
    base = len(prefix.rstrip("/")) + 1 + len(source) + 1 + len(id_)
    return base + max(len("/data/") + 36 + len(ext), len("/2026-01-01T01-00Z/manifest.checksum"),
                      len("/hive/dt=2026-01-01-01-00/symlink.txt"))


@pytest.mark.parametrize("fmt,ext", [("CSV", ".csv.gz"), ("ORC", ".orc"),
                                     ("Parquet", ".parquet")])
def test_prefix_bounded_by_1024_byte_keys(server, s3, bucket, fmt, ext):
    s3.put_object(Bucket=bucket, Key="one", Body=b"1")
    allow_inventory_delivery(server, s3, bucket, bucket)
    id_ = "long-" + fmt.lower()
    fixed = longest_key("", bucket, id_, ext)
    at_limit = "p" * (1024 - fixed)
    assert longest_key(at_limit, bucket, id_, ext) == 1024
    for prefix in (at_limit + "q", at_limit + "q/", at_limit + "\u00e9", "x" * 5000):
        with pytest.raises(ClientError) as e:
            s3.put_bucket_inventory_configuration(
                Bucket=bucket, Id=id_, InventoryConfiguration=config(id_, bucket, fmt, prefix))
        assert error_code(e.value) == "InvalidArgument", prefix
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    r = s3.list_bucket_inventory_configurations(Bucket=bucket)
    assert r.get("InventoryConfigurationList", []) == []
    # at the limit: accepted, and the run writes whole keys, the longest exactly 1,024 bytes
    s3.put_bucket_inventory_configuration(
        Bucket=bucket, Id=id_, InventoryConfiguration=config(id_, bucket, fmt, at_limit + "/"))
    p = subprocess.run([BIN, "inventory", "run", "--data", server.data, "--bucket", bucket,
                        "--id", id_], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=at_limit)["Contents"]]
    assert len(keys) == 4
    assert max(len(k.encode()) for k in keys) == 1024
    data = [k for k in keys if "/data/" in k]
    assert len(data) == 1 and data[0].endswith(ext) and len(data[0].encode()) == 1024
    manifest = [k for k in keys if k.endswith("manifest.json")][0]
    body = json.loads(s3.get_object(Bucket=bucket, Key=manifest)["Body"].read())
    assert [f["key"] for f in body["files"]] == data
