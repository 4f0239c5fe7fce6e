"""The extension report format JSON (docs/INVENTORY-EXTENSIONS.md): configurations put and read
back with boto3 and the aws CLI; reports (gzip, one JSON object per line, typed values, keys not
URL-encoded) read back with Python's json+gzip and with DuckDB (read_json, and the view that
`stocktake inventory ddl --engine duckdb` prints), compared with the listing. The extension
<CsvHeader> of CSV destinations: sent as raw XML, a header row in every data file, read by
DuckDB with header = true; AWS-only configurations keep AWS's headerless files."""
import gzip
import json
import os
import subprocess
import urllib.parse

import pytest

from conftest import BIN, ROOT, allow_inventory_delivery
from sigv4 import signed_request
from test_inventory_reports import CANONICAL, TRICKY, config, fetch_report, iso_ms, run_inventory

KEYS = TRICKY + ['q"uote', "back\\slash", "tab\there", "comma,key"]
FIELDS = ["Size", "LastModifiedDate", "ETag", "StorageClass", "IsMultipartUploaded",
          "ReplicationStatus", "ObjectOwner"]


def aws(server, tmp_path, *args):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AWS_PAGER": "",
           "AWS_ACCESS_KEY_ID": server.access_key, "AWS_SECRET_ACCESS_KEY": server.secret_key,
           "AWS_DEFAULT_REGION": server.region}
    p = subprocess.run(["/usr/bin/aws", "--endpoint-url", server.endpoint, "s3api", *args],
                       env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout) if p.stdout.strip() else None


def run_sql(sql, query):
    p = subprocess.run(["node", "run_sql.mjs"], cwd=os.path.join(ROOT, "tests", "js"),
                       input=json.dumps({"sql": sql, "query": query}),
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


@pytest.fixture(scope="module")
def src(server, s3):
    s3.create_bucket(Bucket="json-src")
    s3.create_bucket(Bucket="json-dst")
    allow_inventory_delivery(server, s3, "json-dst")
    for k in KEYS:
        s3.put_object(Bucket="json-src", Key=k, Body=k.encode())
    uid = s3.create_multipart_upload(Bucket="json-src", Key="multi")["UploadId"]
    etag = s3.upload_part(Bucket="json-src", Key="multi", UploadId=uid, PartNumber=1,
                          Body=b"m" * 100)["ETag"]
    s3.complete_multipart_upload(Bucket="json-src", Key="multi", UploadId=uid,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    return "json-src"


def listing(s3, bucket):
    out = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for o in page.get("Contents", []):
            out[o["Key"]] = o
    return out


def test_boto3_and_aws_cli_round_trip(server, s3, src, tmp_path):
    cfg = config("boto-json", "json-dst", fields=FIELDS, fmt="JSON", prefix="r")
    s3.put_bucket_inventory_configuration(Bucket=src, Id="boto-json", InventoryConfiguration=cfg)
    got = s3.get_bucket_inventory_configuration(Bucket=src, Id="boto-json")
    assert got["InventoryConfiguration"]["Destination"]["S3BucketDestination"]["Format"] == "JSON"
    cfg["Id"] = "cli-json"
    aws(server, tmp_path, "put-bucket-inventory-configuration", "--bucket", src, "--id",
        "cli-json", "--inventory-configuration", json.dumps(cfg))
    back = aws(server, tmp_path, "get-bucket-inventory-configuration", "--bucket", src,
               "--id", "cli-json")["InventoryConfiguration"]
    assert back["Destination"]["S3BucketDestination"] == {
        "Bucket": "arn:aws:s3:::json-dst", "Format": "JSON", "Prefix": "r"}
    assert back["OptionalFields"] == FIELDS
    listed = aws(server, tmp_path, "list-bucket-inventory-configurations", "--bucket", src)
    assert {c["Id"] for c in listed["InventoryConfigurationList"]} >= {"boto-json", "cli-json"}


def test_json_report_matches_listing(server, s3, src, tmp_path):
    s3.put_bucket_inventory_configuration(
        Bucket=src, Id="json",
        InventoryConfiguration=config("json", "json-dst", fields=FIELDS, fmt="JSON"))
    key = run_inventory(server, src, "json").stdout.strip()
    manifest, files = fetch_report(s3, "json-dst", key, tmp_path)
    assert manifest["fileFormat"] == "JSON"
    columns = ["Bucket", "Key"] + [f for f in CANONICAL if f in FIELDS]
    assert manifest["fileSchema"] == ", ".join(columns)
    assert all(f["key"].startswith("json-src/json/data/") and f["key"].endswith(".json.gz")
               for f in manifest["files"])
    raw = b"".join(gzip.decompress(open(f, "rb").read()) for f in files).decode()
    lines = raw.split("\n")
    assert lines[-1] == "" and "\r" not in raw
    rows = [json.loads(line) for line in lines[:-1]]  # one object a line: the newline is \n
    assert '"Key":"new\\nline"' in raw and '"Key":"q\\"uote"' in raw
    assert '"Key":"ünï/cödé/日本.txt"' in raw  # UTF-8 as is, '/' not escaped
    want = listing(s3, src)
    assert sorted(r["Key"] for r in rows) == sorted(want)
    owner = s3.list_buckets()["Owner"]["ID"]
    for r in rows:
        assert list(r) == columns
        o = want[r["Key"]]
        assert r["Bucket"] == src
        assert r["Size"] == o["Size"] and isinstance(r["Size"], int)
        assert r["LastModifiedDate"] == iso_ms(o["LastModified"])
        assert r["ETag"] == o["ETag"].strip('"')
        assert r["StorageClass"] == o["StorageClass"]
        assert r["IsMultipartUploaded"] is (r["Key"] == "multi")
        assert r["ReplicationStatus"] is None
        assert r["ObjectOwner"] == owner

    # DuckDB over the downloaded files, then the view `inventory ddl` prints, as printed
    local = tmp_path / "data"
    local.mkdir()
    for f in manifest["files"]:
        body = s3.get_object(Bucket="json-dst", Key=f["key"])["Body"].read()
        (local / f["key"].rsplit("/", 1)[1]).write_bytes(body)
    got = run_sql("SELECT 1", "SELECT * FROM read_json('%s/*.json.gz', format = "
                  "'newline_delimited') ORDER BY \"Key\"" % local)
    assert sorted(r["Key"] for r in got) == sorted(want)
    for r in got:
        assert int(r["Size"]) == want[r["Key"]]["Size"]
        assert r["ReplicationStatus"] is None
    sql = subprocess.run([BIN, "inventory", "ddl", "--data", server.data, "--bucket", src,
                          "--id", "json", "--engine", "duckdb", "--local-dir", str(local)],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert "read_json(" in sql and "\"LastModifiedDate\" AS last_modified_date" in sql
    got = run_sql(sql, "SELECT key, size, e_tag, is_multipart_uploaded, "
                       "strftime(last_modified_date AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') "
                       "AS lm FROM json_src_json")
    assert sorted(r["key"] for r in got) == sorted(want)
    for r in got:
        o = want[r["key"]]
        assert int(r["size"]) == o["Size"] and r["e_tag"] == o["ETag"].strip('"')
        assert r["is_multipart_uploaded"] is (r["key"] == "multi")
        assert r["lm"] == iso_ms(o["LastModified"])


def test_json_all_versions_and_ddl(server, s3, src):
    s3.put_bucket_inventory_configuration(
        Bucket=src, Id="json-all",
        InventoryConfiguration=config("json-all", "json-dst", versions="All", fields=["Size"],
                                      fmt="JSON"))
    out = subprocess.run([BIN, "inventory", "ddl", "--data", server.data, "--bucket", src,
                          "--id", "json-all"], capture_output=True, text=True, timeout=60,
                         check=True).stdout
    assert "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\n" in out
    assert "'case.insensitive' = 'FALSE'" in out
    assert "'mapping.is_delete_marker' = 'IsDeleteMarker'" in out
    assert "  is_latest boolean,\n" in out and "  size bigint\n" in out
    out = subprocess.run([BIN, "inventory", "ddl", "--data", server.data, "--bucket", src,
                          "--id", "json-all", "--engine", "trino"], capture_output=True,
                         text=True, timeout=60, check=True).stdout
    assert "format = 'JSON'" in out and '  "IsLatest" boolean,\n' in out
    out = subprocess.run([BIN, "inventory", "ddl", "--data", server.data, "--bucket", src,
                          "--id", "json-all", "--engine", "spark"], capture_output=True,
                         text=True, timeout=60, check=True).stdout
    assert "USING json\n" in out and "  `Size` bigint\n" in out
    key = run_inventory(server, src, "json-all").stdout.strip()
    manifest = json.loads(s3.get_object(Bucket="json-dst", Key=key)["Body"].read())
    assert manifest["fileSchema"] == "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size"
    rows = []
    for f in manifest["files"]:
        body = s3.get_object(Bucket="json-dst", Key=f["key"])["Body"].read()
        rows += [json.loads(x) for x in gzip.decompress(body).decode().splitlines()]
    assert len(rows) == len(listing(s3, src))
    assert all(r["VersionId"] == "" and r["IsLatest"] is True and r["IsDeleteMarker"] is False
               for r in rows)  # unversioned bucket: the null version


def csv_xml(id_, header_xml, fields=("Size", "ETag")):
    return ("<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Id>%s</Id><IsEnabled>true</IsEnabled><Destination><S3BucketDestination>"
            "<Bucket>arn:aws:s3:::json-dst</Bucket><Format>CSV</Format><Prefix>hdr</Prefix>%s"
            "</S3BucketDestination></Destination><Schedule><Frequency>Daily</Frequency>"
            "</Schedule><IncludedObjectVersions>Current</IncludedObjectVersions>"
            "<OptionalFields>%s</OptionalFields></InventoryConfiguration>"
            % (id_, header_xml, "".join("<Field>%s</Field>" % f for f in fields))).encode()


def raw_put(server, bucket, id_, body):
    return signed_request(server, "PUT", "/" + bucket, [("inventory", ""), ("id", id_)],
                          body=body)


def raw_get(server, bucket, id_):
    status, _, body = signed_request(server, "GET", "/" + bucket,
                                     [("inventory", ""), ("id", id_)])
    assert status == 200, body
    return body.decode()


def data_files(s3, manifest_key):
    manifest = json.loads(s3.get_object(Bucket="json-dst", Key=manifest_key)["Body"].read())
    return manifest, [gzip.decompress(s3.get_object(Bucket="json-dst", Key=f["key"])["Body"]
                                      .read()).decode() for f in manifest["files"]]


def ddl(server, bucket, id_, *args):
    return subprocess.run([BIN, "inventory", "ddl", "--data", server.data, "--bucket", bucket,
                           "--id", id_, *args], capture_output=True, text=True, timeout=60,
                          check=True).stdout


def test_csv_header_row(server, s3, src, tmp_path):
    status, _, body = raw_put(server, src, "hdr", csv_xml("hdr", "<CsvHeader>true</CsvHeader>"))
    assert status == 204, body
    assert "<Prefix>hdr</Prefix><CsvHeader>true</CsvHeader></S3BucketDestination>" in \
        raw_get(server, src, "hdr")
    got = s3.get_bucket_inventory_configuration(Bucket=src, Id="hdr")["InventoryConfiguration"]
    assert got["Destination"]["S3BucketDestination"]["Format"] == "CSV"  # boto3 ignores it
    key = run_inventory(server, src, "hdr", "--file-size-cap", "200").stdout.strip()
    manifest, texts = data_files(s3, key)
    assert manifest["fileSchema"] == "Bucket, Key, Size, ETag"
    assert len(texts) > 1
    for t in texts:  # every data file starts with the header row
        lines = t.split("\n")
        assert lines[0] == '"Bucket","Key","Size","ETag"'
        assert all(not x.startswith('"Bucket"') for x in lines[1:])
    local = tmp_path / "hdr"
    local.mkdir()
    for i, f in enumerate(manifest["files"]):
        (local / ("%d.csv.gz" % i)).write_bytes(
            s3.get_object(Bucket="json-dst", Key=f["key"])["Body"].read())
    sql = ddl(server, src, "hdr", "--engine", "duckdb", "--local-dir", str(local))
    assert "header = true" in sql
    rows = run_sql(sql, "SELECT * FROM json_src_hdr")
    want = listing(s3, src)
    assert sorted(urllib.parse.unquote_plus(r["key"]) for r in rows) == sorted(want)
    for r in rows:
        assert int(r["size"]) == want[urllib.parse.unquote_plus(r["key"])]["Size"]
    out = ddl(server, src, "hdr")
    assert "  LOCATION 's3://json-dst/hdr/json-src/hdr/hive/'\n" \
        "  TBLPROPERTIES ('skip.header.line.count'='1');\n" in out
    assert "  skip_header_line_count = 1,\n" in ddl(server, src, "hdr", "--engine", "trino")
    assert "OPTIONS (header 'true', compression 'gzip')" in ddl(server, src, "hdr", "--engine",
                                                                "spark")


def test_csv_header_false_and_absent_are_headerless(server, s3, src):
    for id_, xml in [("hdr-false", "<CsvHeader>false</CsvHeader>"), ("hdr-none", "")]:
        assert raw_put(server, src, id_, csv_xml(id_, xml))[0] == 204
        stored = raw_get(server, src, id_)
        assert ("<CsvHeader>false</CsvHeader>" in stored) == bool(xml)
        assert ("CsvHeader" in stored) == bool(xml)
        _, texts = data_files(s3, run_inventory(server, src, id_).stdout.strip())
        assert texts and all(t.startswith('"json-src","') for t in texts)
        out = ddl(server, src, id_)
        assert "TBLPROPERTIES" not in out and "LOCATION 's3://json-dst/hdr/json-src/%s/hive/';" \
            % id_ in out
        assert "header = false" in ddl(server, src, id_, "--engine", "duckdb")


@pytest.mark.parametrize("xml", ["<CsvHeader>TRUE</CsvHeader>", "<CsvHeader>yes</CsvHeader>",
                                 "<CsvHeader/>", "<CsvHeader>true</CsvHeader>" * 2])
def test_csv_header_bad_values(server, src, xml):
    status, _, body = raw_put(server, src, "bad", csv_xml("bad", xml))
    assert status == 400 and b"<Code>MalformedXML</Code>" in body


def test_csv_header_only_with_csv(server, src):
    body = csv_xml("bad", "<CsvHeader>true</CsvHeader>").replace(b">CSV<", b">JSON<")
    status, _, body = raw_put(server, src, "bad", body)
    assert status == 400 and b"<Code>MalformedXML</Code>" in body
