"""The bucket inventory configuration API (Put/Get/List/Delete) as AWS answers it: the seed
CLI examples verbatim, every error of research/inventory-api.md with AWS's codes and messages,
paging, the 1,000 limit, and byte-for-byte golden bodies (tests/integration/golden/inventory)."""
import json
import os
import subprocess

import pytest
from botocore.exceptions import ClientError

from conftest import Server, error_code
from sigv4 import signed_request

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "inventory")
ALL_FIELDS = ["Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded",
              "ReplicationStatus", "EncryptionStatus", "ObjectLockRetainUntilDate",
              "ObjectLockMode", "ObjectLockLegalHoldStatus", "IntelligentTieringAccessTier",
              "BucketKeyStatus", "ChecksumAlgorithm", "ObjectAccessControlList", "ObjectOwner",
              "LifecycleExpirationDate"]
NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def config(id_="report-1", fmt="CSV", frequency="Daily", versions="Current", fields=None,
           **dest):
    d = {"Bucket": "arn:aws:s3:::dest-bucket", "Format": fmt}
    d.update(dest)
    c = {"Id": id_, "IsEnabled": True, "Destination": {"S3BucketDestination": d},
         "Schedule": {"Frequency": frequency}, "IncludedObjectVersions": versions}
    if fields is not None:
        c["OptionalFields"] = fields
    return c


def xml_config(inner, id_="x1"):
    return ("<InventoryConfiguration %s><Id>%s</Id><IsEnabled>true</IsEnabled>%s"
            "</InventoryConfiguration>" % (NS, id_, inner)).encode()


DEST = ("<Destination><S3BucketDestination><Bucket>arn:aws:s3:::d</Bucket><Format>CSV</Format>"
        "</S3BucketDestination></Destination>")
REST = "<Schedule><Frequency>Daily</Frequency></Schedule><IncludedObjectVersions>All</IncludedObjectVersions>"


def raw_put(server, bucket, id_, body, headers=None):
    q = [("inventory", "")] + ([("id", id_)] if id_ is not None else [])
    return signed_request(server, "PUT", "/" + bucket, query=q, body=body, headers=headers)


def golden(name, headers):
    with open(os.path.join(GOLDEN, name), "rb") as f:
        text = f.read()
    return (text.replace(b"{RequestId}", headers["x-amz-request-id"].encode())
            .replace(b"{HostId}", headers["x-amz-id-2"].encode()))


def test_seed_cli_examples_verbatim(server, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AWS_PAGER": "",
           "AWS_ACCESS_KEY_ID": server.access_key, "AWS_SECRET_ACCESS_KEY": server.secret_key,
           "AWS_DEFAULT_REGION": server.region, "AWS_EC2_METADATA_DISABLED": "true"}

    def aws(*args):
        p = subprocess.run(["/usr/bin/aws", "--endpoint-url", server.endpoint, *args], env=env,
                           capture_output=True, text=True, timeout=120)
        return p

    assert aws("s3api", "create-bucket", "--bucket", "amzn-s3-demo-bucket").returncode == 0
    ex1 = aws("s3api", "put-bucket-inventory-configuration", "--bucket", "amzn-s3-demo-bucket",
              "--id", "1", "--inventory-configuration",
              '{"Destination": { "S3BucketDestination": { "AccountId": "123456789012", "Bucket": '
              '"arn:aws:s3:::amzn-s3-demo-bucket", "Format": "ORC" }}, "IsEnabled": true, "Id": '
              '"1", "IncludedObjectVersions": "Current", "Schedule": { "Frequency": "Weekly" }}')
    assert ex1.returncode == 0 and ex1.stdout == "", ex1.stderr
    ex2 = aws("s3api", "put-bucket-inventory-configuration", "--bucket", "amzn-s3-demo-bucket",
              "--id", "2", "--inventory-configuration",
              '{"Destination": { "S3BucketDestination": { "AccountId": "123456789012", "Bucket": '
              '"arn:aws:s3:::amzn-s3-demo-bucket", "Format": "CSV" }}, "IsEnabled": true, "Id": '
              '"2", "IncludedObjectVersions": "Current", "Schedule": { "Frequency": "Daily" }}')
    assert ex2.returncode == 0 and ex2.stdout == "", ex2.stderr
    got = json.loads(aws("s3api", "get-bucket-inventory-configuration", "--bucket",
                         "amzn-s3-demo-bucket", "--id", "1").stdout)
    assert got == {"InventoryConfiguration": {
        "Destination": {"S3BucketDestination": {"AccountId": "123456789012",
                                                "Bucket": "arn:aws:s3:::amzn-s3-demo-bucket",
                                                "Format": "ORC"}},
        "IsEnabled": True, "Id": "1", "IncludedObjectVersions": "Current",
        "Schedule": {"Frequency": "Weekly"}}}
    listed = json.loads(aws("s3api", "list-bucket-inventory-configurations", "--bucket",
                            "amzn-s3-demo-bucket").stdout)
    assert [c["Id"] for c in listed["InventoryConfigurationList"]] == ["1", "2"]
    assert listed["IsTruncated"] is False
    assert listed["InventoryConfigurationList"][1]["Destination"]["S3BucketDestination"][
        "Format"] == "CSV"
    d = aws("s3api", "delete-bucket-inventory-configuration", "--bucket", "amzn-s3-demo-bucket",
            "--id", "1")
    assert d.returncode == 0 and d.stdout == ""
    listed = json.loads(aws("s3api", "list-bucket-inventory-configurations", "--bucket",
                            "amzn-s3-demo-bucket").stdout)
    assert [c["Id"] for c in listed["InventoryConfigurationList"]] == ["2"]
    missing = aws("s3api", "get-bucket-inventory-configuration", "--bucket",
                  "amzn-s3-demo-bucket", "--id", "1")
    assert missing.returncode != 0 and "NoSuchConfiguration" in missing.stderr


def test_round_trip_all_fields_and_encryption(s3, bucket):
    c = config(fmt="Parquet", versions="All", fields=ALL_FIELDS, AccountId="123456789012",
               Prefix="reports/", Encryption={"SSES3": {}})
    c["Filter"] = {"Prefix": "photos/"}
    r = s3.put_bucket_inventory_configuration(Bucket=bucket, Id="report-1",
                                              InventoryConfiguration=c)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    got = s3.get_bucket_inventory_configuration(Bucket=bucket, Id="report-1")
    assert got["InventoryConfiguration"] == c
    kms = config(id_="kms", Encryption={"SSEKMS": {"KeyId": "arn:aws:kms:us-east-1:1:key/k"}},
                 fields=["ETag", "Size"])
    s3.put_bucket_inventory_configuration(Bucket=bucket, Id="kms", InventoryConfiguration=kms)
    assert s3.get_bucket_inventory_configuration(Bucket=bucket,
                                                 Id="kms")["InventoryConfiguration"] == kms
    # replacing keeps the count and shows the new content
    kms["IsEnabled"] = False
    s3.put_bucket_inventory_configuration(Bucket=bucket, Id="kms", InventoryConfiguration=kms)
    listed = s3.list_bucket_inventory_configurations(Bucket=bucket)
    assert [c["Id"] for c in listed["InventoryConfigurationList"]] == ["kms", "report-1"]
    assert listed["InventoryConfigurationList"][0]["IsEnabled"] is False


def test_golden_get_and_list_bodies(server, s3, bucket):
    status, h, body = signed_request(server, "GET", "/" + bucket, query=[("inventory", "")])
    assert status == 200 and body == golden("list-empty.xml", h)
    body_xml = ("<InventoryConfiguration %s><IncludedObjectVersions>All</IncludedObjectVersions>"
                "<OptionalFields><Field>ETag</Field><Field>Size</Field>"
                "<Field>LifecycleExpirationDate</Field><Field>ObjectOwner</Field></OptionalFields>"
                "<Filter><Prefix>photos/</Prefix></Filter><Id>report-1</Id>"
                "<Schedule><Frequency>Weekly</Frequency></Schedule><Destination>"
                "<S3BucketDestination><Encryption><SSE-KMS><KeyId>arn:aws:kms:us-east-1:"
                "123456789012:key/abcd</KeyId></SSE-KMS></Encryption><Prefix>inv &amp; reports"
                "</Prefix><Bucket>arn:aws:s3:::dest-bucket</Bucket><AccountId>123456789012"
                "</AccountId><Format>Parquet</Format></S3BucketDestination></Destination>"
                "<IsEnabled>true</IsEnabled></InventoryConfiguration>" % NS).encode()
    status, h, body = raw_put(server, bucket, "report-1", body_xml)
    assert status == 204 and body == b""
    status, h, body = signed_request(server, "GET", "/" + bucket,
                                     query=[("inventory", ""), ("id", "report-1")])
    assert status == 200 and body == golden("get.xml", h)
    assert h["content-type"] == "application/xml"
    s3.delete_bucket_inventory_configuration(Bucket=bucket, Id="report-1")
    for id_, extra in (("test-1", "<Destination><S3BucketDestination><Format>ORC</Format><Bucket>"
                                  "arn:aws:s3:::dest-bucket</Bucket></S3BucketDestination>"
                                  "</Destination><IsEnabled>true</IsEnabled>"),
                       ("a-test", "<Destination><S3BucketDestination><Format>CSV</Format><Bucket>"
                                  "arn:aws:s3:::dest-bucket</Bucket><Encryption><SSE-S3/>"
                                  "</Encryption></S3BucketDestination></Destination>"
                                  "<IsEnabled>false</IsEnabled><OptionalFields></OptionalFields>")):
        b = ("<InventoryConfiguration><Id>%s</Id>%s<Schedule><Frequency>Daily</Frequency>"
             "</Schedule><IncludedObjectVersions>Current</IncludedObjectVersions>"
             "</InventoryConfiguration>" % (id_, extra)).encode()
        assert raw_put(server, bucket, id_, b)[0] == 204
    status, h, body = signed_request(server, "GET", "/" + bucket, query=[("inventory", "")])
    assert status == 200 and body == golden("list-two.xml", h)


BAD_BODIES = {
    "format": xml_config(DEST.replace("CSV", "Avro") + REST),
    "format-json-case": xml_config(DEST.replace("CSV", "Json") + REST),
    "format-case": xml_config(DEST.replace("CSV", "csv") + REST),
    "frequency": xml_config(DEST + REST.replace("Daily", "hourly")),
    "versions-case": xml_config(DEST + REST.replace("All", "CUrrENT")),
    "field": xml_config(DEST + REST + "<OptionalFields><Field>Etag</Field></OptionalFields>"),
    "field-upper": xml_config(DEST + REST + "<OptionalFields><Field>SIZE</Field></OptionalFields>"),
    "id-space": xml_config(DEST + REST, id_="has space"),
    "id-long": xml_config(DEST + REST, id_="i" * 65),
    "id-empty": xml_config(DEST + REST, id_=""),
    "not-xml": b"<InventoryConfiguration><Id>x1",
    "wrong-root": b"<Inventory><Id>x1</Id></Inventory>",
    "no-schedule": xml_config(DEST + "<IncludedObjectVersions>All</IncludedObjectVersions>"),
    "no-destination": xml_config(REST),
    "no-format": xml_config(DEST.replace("<Format>CSV</Format>", "") + REST),
    "filter-without-prefix": xml_config(DEST + REST + "<Filter></Filter>"),
    "kms-without-key": xml_config(DEST.replace("</S3BucketDestination>", "<Encryption><SSE-KMS/>"
                                               "</Encryption></S3BucketDestination>") + REST),
    "both-encryptions": xml_config(DEST.replace("</S3BucketDestination>",
                                                "<Encryption><SSE-S3/><SSE-KMS><KeyId>k</KeyId>"
                                                "</SSE-KMS></Encryption></S3BucketDestination>")
                                   + REST),
    "unknown-element": xml_config(DEST + REST + "<Color>blue</Color>"),
    "repeated-element": xml_config(DEST + REST + REST),
    "enabled-not-bool": xml_config(DEST + REST).replace(b"<IsEnabled>true", b"<IsEnabled>yes"),
    "entity": b'<!DOCTYPE x [<!ENTITY e "CSV">]>' + xml_config(DEST.replace("CSV", "&e;") + REST),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_malformed_xml(server, bucket, case):
    id_ = "has space" if case == "id-space" else ("i" * 65 if case == "id-long" else
                                                  ("" if case == "id-empty" else "x1"))
    status, h, body = raw_put(server, bucket, id_, BAD_BODIES[case])
    assert status == 400
    assert body == golden("error-MalformedXML.xml", h), body


def test_put_errors_in_aws_order(server, s3, bucket):
    status, h, body = raw_put(server, bucket, "other", xml_config(DEST + REST, id_="x1"))
    assert status == 400 and body == golden("error-IdMismatch.xml", h)
    plain = xml_config(DEST.replace("arn:aws:s3:::d", "dest-bucket") + REST)
    status, h, body = raw_put(server, bucket, "x1", plain)
    assert status == 400 and body == golden("error-InvalidS3DestinationBucket.xml", h)
    ns = xml_config(DEST.replace("arn:aws:s3:::d", "arn:aws:s3::123456789012:d") + REST)
    status, h, body = raw_put(server, bucket, "x1", ns)
    assert status == 400 and body == golden("error-InvalidS3DestinationBucket-namespace.xml", h)
    status, h, body = raw_put(server, bucket, "x1", b"")
    assert status == 400 and body == golden("error-MissingRequestBodyError.xml", h)
    # malformed beats IdMismatch; IdMismatch beats a bad ARN
    status, _, body = raw_put(server, bucket, "other", BAD_BODIES["format"])
    assert b"MalformedXML" in body
    status, _, body = raw_put(server, bucket, "other", plain)
    assert b"IdMismatch" in body
    status, _, body = raw_put(server, bucket, None, xml_config(DEST + REST))
    assert status == 400 and b"MalformedXML" in body
    with pytest.raises(ClientError) as e:
        s3.put_bucket_inventory_configuration(Bucket=bucket, Id="x", InventoryConfiguration=config(
            id_="x", Bucket="arn:aws:s3:::d"), ExpectedBucketOwner="111122223333")
    assert error_code(e.value) == "AccessDenied"
    # the destination bucket need not exist
    s3.put_bucket_inventory_configuration(Bucket=bucket, Id="x", InventoryConfiguration=config(
        id_="x", Bucket="arn:aws:s3:::no-such-destination-bucket"))


def test_get_delete_errors(server, s3, bucket):
    for method in ("GET", "DELETE"):
        status, h, body = signed_request(server, method, "/" + bucket,
                                         query=[("inventory", ""), ("id", "nope")])
        assert status == 404 and body == golden("error-NoSuchConfiguration.xml", h)
    status, _, body = signed_request(server, "DELETE", "/" + bucket, query=[("inventory", "")])
    assert status == 404 and b"NoSuchConfiguration" in body
    status, h, body = signed_request(server, "GET", "/no-such-inventory-bucket",
                                     query=[("inventory", ""), ("id", "x")])
    assert status == 404 and body == golden("error-NoSuchBucket.xml", h)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_inventory_configuration(Bucket=bucket, Id="nope")
    assert error_code(e.value) == "NoSuchConfiguration"
    assert "BucketName" not in e.value.response["Error"]
    s3.put_bucket_inventory_configuration(Bucket=bucket, Id="twice",
                                          InventoryConfiguration=config(id_="twice"))
    s3.delete_bucket_inventory_configuration(Bucket=bucket, Id="twice")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket_inventory_configuration(Bucket=bucket, Id="twice")
    assert error_code(e.value) == "NoSuchConfiguration"


def test_delete_with_inventory_never_deletes_bucket(server, s3, bucket):
    for q in ([("inventory", "")], [("inventory", ""), ("id", "x")]):
        signed_request(server, "DELETE", "/" + bucket, query=q)
    s3.head_bucket(Bucket=bucket)


def test_owner_checks(server, s3, bucket):
    s3.put_bucket_inventory_configuration(Bucket=bucket, Id="own",
                                          InventoryConfiguration=config(id_="own"))
    status, h, body = signed_request(server, "GET", "/" + bucket,
                                     query=[("inventory", ""), ("id", "own")],
                                     headers={"x-amz-expected-bucket-owner": "111122223333"})
    assert status == 403 and body == golden("error-AccessDenied.xml", h)
    status, h, body = signed_request(server, "GET", "/" + bucket, query=[("inventory", "")],
                                     headers={"x-amz-expected-bucket-owner": "invalid"})
    assert status == 400 and body == golden("error-InvalidBucketOwnerAWSAccountID.xml", h)
    _, key, secret = server.add_account("inventory-outsider")
    other = server.client(access_key=key, secret_key=secret)
    for call in (lambda: other.get_bucket_inventory_configuration(Bucket=bucket, Id="own"),
                 lambda: other.list_bucket_inventory_configurations(Bucket=bucket),
                 lambda: other.delete_bucket_inventory_configuration(Bucket=bucket, Id="own"),
                 lambda: other.put_bucket_inventory_configuration(
                     Bucket=bucket, Id="own", InventoryConfiguration=config(id_="own"))):
        with pytest.raises(ClientError) as e:
            call()
        assert error_code(e.value) == "AccessDenied"
    assert s3.get_bucket_inventory_configuration(Bucket=bucket, Id="own")


def test_paging_250_configurations(server, s3, bucket):
    ids = ["cfg-%03d" % i for i in range(250)]
    for i in reversed(ids):
        s3.put_bucket_inventory_configuration(Bucket=bucket, Id=i,
                                              InventoryConfiguration=config(id_=i))
    seen, token, pages = [], None, []
    while True:
        kw = {"ContinuationToken": token} if token else {}
        r = s3.list_bucket_inventory_configurations(Bucket=bucket, **kw)
        pages.append(len(r["InventoryConfigurationList"]))
        seen += [c["Id"] for c in r["InventoryConfigurationList"]]
        if token:
            assert r["ContinuationToken"] == token
        else:
            assert "ContinuationToken" not in r
        if not r["IsTruncated"]:
            assert "NextContinuationToken" not in r
            break
        token = r["NextContinuationToken"]
    assert seen == ids
    assert pages == [100, 100, 50]
    status, h, body = signed_request(server, "GET", "/" + bucket,
                                     query=[("inventory", ""), ("continuation-token", "garbage")])
    assert status == 400 and body == golden("error-InvalidArgument.xml", h)


def test_limit_of_1000(server, s3, bucket):
    for i in range(1000):
        s3.put_bucket_inventory_configuration(Bucket=bucket, Id="c%04d" % i,
                                              InventoryConfiguration=config(id_="c%04d" % i))
    status, h, body = raw_put(server, bucket, "one-too-many",
                              xml_config(DEST + REST, id_="one-too-many"))
    assert status == 400 and body == golden("error-TooManyConfigurations.xml", h)
    # replacing an existing id at the limit still works
    s3.put_bucket_inventory_configuration(Bucket=bucket, Id="c0500",
                                          InventoryConfiguration=config(id_="c0500", fmt="ORC"))
    got = s3.get_bucket_inventory_configuration(Bucket=bucket, Id="c0500")
    assert got["InventoryConfiguration"]["Destination"]["S3BucketDestination"]["Format"] == "ORC"
    s3.delete_bucket_inventory_configuration(Bucket=bucket, Id="c0000")
    s3.put_bucket_inventory_configuration(Bucket=bucket, Id="one-more",
                                          InventoryConfiguration=config(id_="one-more"))


def test_persist_across_restart_and_go_with_bucket():
    srv = Server().start()
    try:
        s3 = srv.client()
        s3.create_bucket(Bucket="inv-persist")
        s3.put_bucket_inventory_configuration(Bucket="inv-persist", Id="keep",
                                              InventoryConfiguration=config(id_="keep"))
        assert srv.stop() == 0
        srv2 = Server(data_dir=srv.data)
        srv2.tmp = srv.tmp
        srv2.start()
        try:
            s3 = srv2.client()
            assert s3.get_bucket_inventory_configuration(
                Bucket="inv-persist", Id="keep")["InventoryConfiguration"] == config(id_="keep")
            s3.delete_bucket(Bucket="inv-persist")
            s3.create_bucket(Bucket="inv-persist")
            assert s3.list_bucket_inventory_configurations(
                Bucket="inv-persist").get("InventoryConfigurationList", []) == []
        finally:
            assert srv2.stop() == 0
    finally:
        srv.cleanup()
