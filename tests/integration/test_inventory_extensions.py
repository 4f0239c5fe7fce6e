"""Stocktake's inventory extensions (docs/INVENTORY-EXTENSIONS.md) driven by real clients:
Hourly / Monthly schedules from boto3 and the aws CLI (they pass enum values through), the
extension conditions inside <Filter> sent as raw XML with curl (--aws-sigv4) and with our own
SigV4 signer, read back by boto3 and the aws CLI (which ignore the unknown elements) and
verbatim over raw GET; reports filtered by them checked row by row (DuckDB) against what the
listing, HeadObject and GetObjectTagging say. A configuration without extensions reads back
exactly as AWS's."""
import datetime
import json
import os
import subprocess
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from conftest import Server, allow_inventory_delivery
from sigv4 import signed_request
from test_inventory_reports import (config, duckdb, fetch_report, run_inventory,
                                    wait_for_checksum)

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def cli(server, tmp_path, *args):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AWS_PAGER": "",
           "AWS_ACCESS_KEY_ID": server.access_key, "AWS_SECRET_ACCESS_KEY": server.secret_key,
           "AWS_DEFAULT_REGION": server.region}
    p = subprocess.run(["/usr/bin/aws", "--endpoint-url", server.endpoint, "s3api", *args],
                       env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout) if p.stdout.strip() else None


def xml_config(id_, dest, filter_xml, versions="Current", frequency="Daily",
               fields=("Size", "StorageClass")):
    return ("<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Id>%s</Id><IsEnabled>true</IsEnabled><Destination><S3BucketDestination>"
            "<Bucket>arn:aws:s3:::%s</Bucket><Format>CSV</Format></S3BucketDestination>"
            "</Destination><Schedule><Frequency>%s</Frequency></Schedule>"
            "<IncludedObjectVersions>%s</IncludedObjectVersions><Filter>%s</Filter>"
            "<OptionalFields>%s</OptionalFields></InventoryConfiguration>"
            % (id_, dest, frequency, versions, filter_xml,
               "".join("<Field>%s</Field>" % f for f in fields))).encode()


def curl_put(server, bucket, id_, body):
    """PUT ?inventory with curl's own SigV4 (curl 7.88 signs a bare ?inventory as 'inventory'
    without '=', which no S3 accepts, so the query is written with '=')."""
    p = subprocess.run(["curl", "-s", "-o", "/dev/stderr", "-w", "%{http_code}",
                        "--aws-sigv4", "aws:amz:%s:s3" % server.region,
                        "--user", "%s:%s" % (server.access_key, server.secret_key),
                        "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", "-X", "PUT",
                        "--data-binary", "@-",
                        "%s/%s?id=%s&inventory=" % (server.endpoint, bucket, id_)],
                       input=body, capture_output=True, timeout=60)
    return int(p.stdout), p.stderr


def raw_put(server, bucket, id_, body):
    return signed_request(server, "PUT", "/" + bucket, [("inventory", ""), ("id", id_)],
                          body=body)


def raw_get(server, bucket, id_):
    status, _, body = signed_request(server, "GET", "/" + bucket,
                                     [("inventory", ""), ("id", id_)])
    assert status == 200, body
    return body.decode()


@pytest.fixture(scope="module")
def ext_source(server, s3):
    s3.create_bucket(Bucket="ext-src")
    s3.create_bucket(Bucket="ext-dst")
    allow_inventory_delivery(server, s3, "ext-dst")
    s3.put_bucket_versioning(Bucket="ext-src", VersioningConfiguration={"Status": "Enabled"})
    objects = [("logs/2026/a.log", 10, "STANDARD", "env=prod&team=a%20b"),
               ("logs/2026/b.log", 500, "STANDARD", "env=dev"),
               ("logs/2026/c.txt", 50, "GLACIER", "env=prod"),
               ("logs/old/d.log", 5000, "STANDARD_IA", ""),
               ("data/e.bin", 0, "STANDARD", "env=prod&team=a%20b"),
               ("data/f.log", 200, "INTELLIGENT_TIERING", "team=a%20b")]
    for key, size, sc, tags in objects:
        s3.put_object(Bucket="ext-src", Key=key, Body=b"x" * size, StorageClass=sc,
                      Tagging=tags)
    s3.delete_object(Bucket="ext-src", Key="logs/old/d.log")  # a delete marker
    return "ext-src"


def listing(s3, bucket):
    """Every version with what the filters look at, from the S3 API."""
    out = []
    resp = s3.list_object_versions(Bucket=bucket)
    for v in resp.get("Versions", []):
        tags = s3.get_object_tagging(Bucket=bucket, Key=v["Key"],
                                     VersionId=v["VersionId"])["TagSet"]
        out.append({"key": v["Key"], "version": v["VersionId"], "size": v["Size"],
                    "class": v["StorageClass"], "latest": v["IsLatest"],
                    "modified": v["LastModified"], "marker": False,
                    "tags": {t["Key"]: t["Value"] for t in tags}})
    for m in resp.get("DeleteMarkers", []):
        out.append({"key": m["Key"], "version": m["VersionId"], "size": None, "class": None,
                    "latest": m["IsLatest"], "modified": m["LastModified"], "marker": True,
                    "tags": {}})
    return out


def report_rows(server, s3, bucket, id_, tmp_path):
    key = run_inventory(server, bucket, id_).stdout.strip()
    tmp_path.mkdir(parents=True, exist_ok=True)
    manifest, files = fetch_report(s3, "ext-dst", key, tmp_path)
    rows = duckdb(manifest, [("x", files)])["rows"] if files else []
    return sorted((urllib.parse.unquote_plus(r["key"]), r.get("version_id", ""),
                   r.get("is_delete_marker", "")) for r in rows), manifest


def expect(versions, pred, all_versions):
    rows = []
    for v in versions:
        if not all_versions and (not v["latest"] or v["marker"]):
            continue
        if pred(v):
            rows.append((v["key"], v["version"] if all_versions else "",
                         ("true" if v["marker"] else "false") if all_versions else ""))
    return sorted(rows)


def test_hourly_and_monthly_schedules_from_boto3_and_aws_cli(server, s3, ext_source, tmp_path):
    cfg = config("hourly", "ext-dst")
    cfg["Schedule"] = {"Frequency": "Hourly"}
    s3.put_bucket_inventory_configuration(Bucket=ext_source, Id="hourly",
                                          InventoryConfiguration=cfg)
    got = s3.get_bucket_inventory_configuration(Bucket=ext_source, Id="hourly")
    assert got["InventoryConfiguration"]["Schedule"] == {"Frequency": "Hourly"}
    cfg = config("monthly", "ext-dst")
    cfg["Schedule"] = {"Frequency": "Monthly"}
    cli(server, tmp_path, "put-bucket-inventory-configuration", "--bucket", ext_source, "--id",
        "monthly", "--inventory-configuration", json.dumps(cfg))
    got = cli(server, tmp_path, "get-bucket-inventory-configuration", "--bucket", ext_source,
              "--id", "monthly")
    assert got["InventoryConfiguration"]["Schedule"] == {"Frequency": "Monthly"}
    listed = s3.list_bucket_inventory_configurations(Bucket=ext_source)
    freqs = {c["Id"]: c["Schedule"]["Frequency"] for c in listed["InventoryConfigurationList"]}
    assert freqs["hourly"] == "Hourly" and freqs["monthly"] == "Monthly"
    # other values stay MalformedXML, case-sensitive as AWS's enum
    status, _, body = raw_put(server, ext_source, "bad", xml_config(
        "bad", "ext-dst", "<Prefix>x</Prefix>", frequency="hourly"))
    assert status == 400 and b"<Code>MalformedXML</Code>" in body
    for id_ in ("hourly", "monthly"):
        s3.delete_bucket_inventory_configuration(Bucket=ext_source, Id=id_)


def test_scheduler_delivers_an_hourly_configuration():
    srv = Server(args=["--inventory-tick-seconds", "0.2"]).start()
    try:
        s3 = srv.client()
        s3.create_bucket(Bucket="hr-src")
        s3.create_bucket(Bucket="hr-dst")
        allow_inventory_delivery(srv, s3, "hr-dst", "hr-src")
        s3.put_object(Bucket="hr-src", Key="one", Body=b"1")
        hour_before = datetime.datetime.now(datetime.timezone.utc).hour
        cfg = config("hr", "hr-dst")
        cfg["Schedule"] = {"Frequency": "Hourly"}
        s3.put_bucket_inventory_configuration(Bucket="hr-src", Id="hr",
                                              InventoryConfiguration=cfg)
        done = [k for k in wait_for_checksum(s3, "hr-dst", time.time() + 20)
                if k.endswith("manifest.checksum")]
        assert done and done[0].startswith("hr-src/hr/")
        time.sleep(1)  # more ticks: not due again until minute 0 of the next hour
        hour_after = datetime.datetime.now(datetime.timezone.utc).hour
        done = [o["Key"] for o in s3.list_objects_v2(Bucket="hr-dst").get("Contents", [])
                if o["Key"].endswith("manifest.checksum")]
        if hour_after == hour_before:
            assert len(done) == 1
        assert 1 <= len(done) <= 2
    finally:
        assert srv.stop() == 0
        srv.cleanup()


FILTERS = [
    ("size", "<SizeAtLeast>50</SizeAtLeast><SizeAtMost>500</SizeAtMost>",
     lambda v: not v["marker"] and 50 <= v["size"] <= 500),
    ("class", "<StorageClass>GLACIER</StorageClass><StorageClass>INTELLIGENT_TIERING"
              "</StorageClass>",
     lambda v: v["class"] in ("GLACIER", "INTELLIGENT_TIERING")),
    ("tags", "<Tag><Key>env</Key><Value>prod</Value></Tag><Tag><Key>team</Key>"
             "<Value>a b</Value></Tag>",
     lambda v: v["tags"].get("env") == "prod" and v["tags"].get("team") == "a b"),
    ("pattern", "<KeyPattern>logs/*/?.log</KeyPattern>",
     lambda v: v["key"].startswith("logs/") and v["key"].endswith(".log") and
     len(v["key"].rsplit("/", 1)[1]) == 5),
    ("prefix-and", "<Prefix>logs/</Prefix><KeyPattern>*.log</KeyPattern>"
                   "<SizeAtMost>100</SizeAtMost>",
     lambda v: v["key"].startswith("logs/") and v["key"].endswith(".log") and
     not v["marker"] and v["size"] <= 100),
]


@pytest.mark.parametrize("versions", ["Current", "All"])
def test_extension_filters_report_exactly_the_matching_versions(server, s3, ext_source,
                                                                 tmp_path, versions):
    truth = listing(s3, ext_source)
    for name, fx, pred in FILTERS:
        id_ = "f-%s-%s" % (name, versions.lower())
        status, err = curl_put(server, ext_source, id_, xml_config(id_, "ext-dst", fx,
                                                                    versions=versions))
        assert status == 204, err
        got, manifest = report_rows(server, s3, ext_source, id_, tmp_path / id_)
        want = expect(truth, pred, versions == "All")
        assert want, name  # every filter keeps something and drops something
        assert len(want) < len(expect(truth, lambda v: True, versions == "All")), name
        assert got == want, (name, got, want)
        assert manifest["fileSchema"].startswith("Bucket, Key, ")


def test_date_filters_against_last_modified(server, s3, tmp_path):
    s3.create_bucket(Bucket="ext-dates")
    s3.put_object(Bucket="ext-dates", Key="early", Body=b"1")
    time.sleep(1.2)
    cut = datetime.datetime.now(datetime.timezone.utc)
    time.sleep(1.2)
    s3.put_object(Bucket="ext-dates", Key="late", Body=b"2")
    iso = cut.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (cut.microsecond // 1000)
    for id_, fx, want in [("after", "<LastModifiedAfter>%s</LastModifiedAfter>" % iso, ["late"]),
                          ("before", "<LastModifiedBefore>%s</LastModifiedBefore>" % iso,
                           ["early"])]:
        status, _, body = raw_put(server, "ext-dates", id_, xml_config(id_, "ext-dst", fx))
        assert status == 204, body
        got, _ = report_rows(server, s3, "ext-dates", id_, tmp_path / id_)
        assert [g[0] for g in got] == want


def test_stock_clients_read_extension_configurations(server, s3, ext_source, tmp_path):
    fx = ("<Prefix>logs/</Prefix><LastModifiedAfter>2026-01-01T00:00:00Z</LastModifiedAfter>"
          "<SizeAtLeast>1</SizeAtLeast><StorageClass>STANDARD</StorageClass>"
          "<Tag><Key>env</Key><Value>prod</Value></Tag><KeyPattern>*.log</KeyPattern>")
    status, _, body = raw_put(server, ext_source, "ext-read", xml_config("ext-read", "ext-dst",
                                                                         fx))
    assert status == 204, body
    # the extension elements come back verbatim, after Prefix
    text = raw_get(server, ext_source, "ext-read")
    assert "<Filter>" + fx + "</Filter>" in text
    # boto3 and the aws CLI parse it and see the AWS part
    got = s3.get_bucket_inventory_configuration(Bucket=ext_source, Id="ext-read")
    assert got["InventoryConfiguration"]["Filter"] == {"Prefix": "logs/"}
    got = cli(server, tmp_path, "get-bucket-inventory-configuration", "--bucket", ext_source,
              "--id", "ext-read")
    assert got["InventoryConfiguration"]["Filter"] == {"Prefix": "logs/"}
    listed = s3.list_bucket_inventory_configurations(Bucket=ext_source)
    assert any(c["Id"] == "ext-read" for c in listed["InventoryConfigurationList"])
    # a filter of extensions only reads back without a Prefix
    status, _, body = raw_put(server, ext_source, "ext-only", xml_config(
        "ext-only", "ext-dst", "<SizeAtMost>9</SizeAtMost>"))
    assert status == 204, body
    got = s3.get_bucket_inventory_configuration(Bucket=ext_source, Id="ext-only")
    assert "Prefix" not in got["InventoryConfiguration"].get("Filter", {})
    for id_ in ("ext-read", "ext-only"):
        s3.delete_bucket_inventory_configuration(Bucket=ext_source, Id=id_)


def test_aws_only_configuration_reads_back_as_aws(server, s3, ext_source):
    s3.put_bucket_inventory_configuration(
        Bucket=ext_source, Id="plain",
        InventoryConfiguration=dict(config("plain", "ext-dst", fields=["Size"]),
                                    Filter={"Prefix": "logs/"}))
    text = raw_get(server, ext_source, "plain")
    root = ET.fromstring(text)
    assert [c.tag[len(NS):] for c in root] == ["Id", "IsEnabled", "Destination", "Schedule",
                                              "Filter", "IncludedObjectVersions",
                                              "OptionalFields"]
    assert [c.tag[len(NS):] for c in root.find(NS + "Filter")] == ["Prefix"]
    s3.delete_bucket_inventory_configuration(Bucket=ext_source, Id="plain")


@pytest.mark.parametrize("fx", [
    "",
    "<SizeAtLeast>-1</SizeAtLeast>",
    "<SizeAtLeast>ten</SizeAtLeast>",
    "<SizeAtLeast>9</SizeAtLeast><SizeAtMost>8</SizeAtMost>",
    "<LastModifiedAfter>yesterday</LastModifiedAfter>",
    "<LastModifiedAfter>2026-02-01T00:00:00Z</LastModifiedAfter>"
    "<LastModifiedBefore>2026-01-01T00:00:00Z</LastModifiedBefore>",
    "<StorageClass>COLD</StorageClass>",
    "<Tag><Value>v</Value></Tag>",
    "<KeyPattern></KeyPattern>",
    "<KeyPattern>%s</KeyPattern>" % ("*" * 1025),
    "<Tag><Key>k</Key></Tag>" * 11,
    "<Unknown>1</Unknown>",
])
def test_bad_extension_filters_are_malformed_xml(server, ext_source, fx):
    status, _, body = raw_put(server, ext_source, "bad", xml_config("bad", "ext-dst", fx))
    assert status == 400 and b"<Code>MalformedXML</Code>" in body, body
