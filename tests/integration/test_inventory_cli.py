"""`stocktake inventory ddl`: the CREATE TABLE statement for a configuration's reports, per
engine (Athena as the S3 User Guide prints it, Trino, Spark, DuckDB run as printed);
`stocktake inventory put` (flags or XML, the API's validation and errors) and `get`."""
import gzip
import json
import os
import subprocess
import time
import urllib.parse

import pytest

from conftest import BIN, ROOT, allow_inventory_delivery
from sigv4 import signed_request
from test_inventory_reports import config, run_inventory

FIELDS = ["LastModifiedDate", "Size", "ETag", "IsMultipartUploaded"]


def ddl(server, bucket, id_, *args, check=True):
    p = subprocess.run([BIN, "inventory", "ddl", "--data", server.data, "--bucket", bucket,
                        "--id", id_, *args], capture_output=True, text=True, timeout=60)
    if check:
        assert p.returncode == 0, p.stderr
    return p


@pytest.fixture(scope="module")
def src(server, s3):
    s3.create_bucket(Bucket="ddl-src")
    s3.create_bucket(Bucket="ddl-dest")
    allow_inventory_delivery(server, s3, "ddl-dest")
    for k in ["a", "b/c", "with,comma", 'q"uote']:
        s3.put_object(Bucket="ddl-src", Key=k, Body=k.encode())
    for fmt in ["CSV", "ORC", "Parquet"]:
        s3.put_bucket_inventory_configuration(
            Bucket="ddl-src", Id=fmt.lower(),
            InventoryConfiguration=config(fmt.lower(), "ddl-dest", fields=FIELDS, fmt=fmt,
                                          prefix="reports"))
    return "ddl-src"


@pytest.mark.parametrize("fmt,serde", [
    ("csv", "org.apache.hadoop.hive.serde2.OpenCSVSerde"),
    ("orc", "org.apache.hadoop.hive.ql.io.orc.OrcSerde"),
    ("parquet", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe")])
def test_athena_ddl_shape(server, src, fmt, serde):
    out = ddl(server, src, fmt).stdout
    typed = fmt != "csv"
    cols = ["  `bucket` string", "  key string",
            "  size %s" % ("bigint" if typed else "string"),
            "  last_modified_date %s" % ("timestamp" if typed else "string"),
            "  e_tag string",
            "  is_multipart_uploaded %s" % ("boolean" if typed else "string")]
    assert out.startswith("CREATE EXTERNAL TABLE ddl_src_%s(\n%s\n  )\n" % (fmt, ",\n".join(cols)))
    assert "  PARTITIONED BY (dt string)\n  ROW FORMAT SERDE '%s'\n" % serde in out
    assert "'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat'" in out
    assert "LOCATION 's3://ddl-dest/reports/ddl-src/%s/hive/';" % fmt in out
    assert "MSCK REPAIR TABLE ddl_src_%s;" % fmt in out
    assert "storage_class" not in out and "version_id" not in out


def test_trino_and_spark_ddl(server, src):
    out = ddl(server, src, "orc", "--engine", "trino").stdout
    assert "format = 'ORC'" in out and "partitioned_by = ARRAY['dt']" in out
    assert "external_location = 's3://ddl-dest/reports/ddl-src/orc/hive/'" in out
    assert "  size bigint,\n" in out and "  dt varchar\n" in out
    out = ddl(server, src, "parquet", "--engine", "spark").stdout
    assert "USING parquet\n" in out and "LOCATION 's3://ddl-dest/reports/ddl-src/parquet/data/'" in out


def test_ddl_errors(server, src):
    p = ddl(server, src, "nope", check=False)
    assert p.returncode == 1 and "no inventory configuration nope" in p.stderr
    p = ddl(server, src, "orc", "--engine", "duckdb", check=False)
    assert p.returncode == 1 and "ORC" in p.stderr
    p = ddl(server, src, "csv", "--engine", "oracle", check=False)
    assert p.returncode == 2


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_duckdb_ddl_runs_as_printed(server, s3, src, fmt, tmp_path):
    manifest_key = run_inventory(server, src, fmt).stdout.strip()
    manifest = json.loads(s3.get_object(Bucket="ddl-dest", Key=manifest_key)["Body"].read())
    for f in manifest["files"]:
        body = s3.get_object(Bucket="ddl-dest", Key=f["key"])["Body"].read()
        (tmp_path / f["key"].rsplit("/", 1)[1]).write_bytes(body)
    sql = ddl(server, src, fmt, "--engine", "duckdb", "--local-dir", str(tmp_path)).stdout
    p = subprocess.run(["node", "run_sql.mjs"], cwd=os.path.join(ROOT, "tests", "js"),
                       input=json.dumps({"sql": sql, "query": "SELECT * FROM ddl_src_%s" % fmt}),
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)
    if fmt == "csv":  # CSV keys are URL-encoded, as AWS writes them
        for r in rows:
            r["key"] = urllib.parse.unquote_plus(r["key"])
    listing = s3.list_objects_v2(Bucket=src)["Contents"]
    assert sorted(r["key"] for r in rows) == sorted(o["Key"] for o in listing)
    assert list(rows[0]) == ["bucket", "key", "size", "last_modified_date", "e_tag",
                             "is_multipart_uploaded"]
    by_key = {r["key"]: r for r in rows}
    for o in listing:
        assert int(by_key[o["Key"]]["size"]) == o["Size"]
        assert by_key[o["Key"]]["e_tag"] == o["ETag"].strip('"')


def test_cancel_stops_a_run_and_leaves_nothing(server, s3, src):
    p = subprocess.run([BIN, "inventory", "cancel", "--data", server.data, "--bucket", src,
                        "--id", "csv"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and "no run of this configuration is running" in p.stderr
    s3.put_bucket_inventory_configuration(
        Bucket=src, Id="cancel",
        InventoryConfiguration=config("cancel", "ddl-dest", fields=FIELDS, prefix="cancel"))
    env = dict(os.environ, STOCKTAKE_TEST_DELAY_AFTER_FIRST_ROW_MS="3000")
    run = subprocess.Popen([BIN, "inventory", "run", "--data", server.data, "--bucket", src,
                            "--id", "cancel", "--file-size-cap", "1"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1)  # the run waits after its first row (its first data file written)
    status = subprocess.run([BIN, "inventory", "status", "--data", server.data, "--bucket", src],
                            capture_output=True, text=True, timeout=60).stdout
    assert " running " in status and "      1 rows" in status, status
    assert "(ETA " in status and "~4 rows)" in status, status
    p = subprocess.run([BIN, "inventory", "cancel", "--data", server.data, "--bucket", src,
                        "--id", "cancel"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    out, err = run.communicate(timeout=60)
    assert run.returncode == 1 and "cancelled" in err
    status = subprocess.run([BIN, "inventory", "status", "--data", server.data, "--bucket", src,
                             "--limit", "1"], capture_output=True, text=True, timeout=60).stdout
    assert " cancelled " in status
    assert s3.list_objects_v2(Bucket="ddl-dest", Prefix="cancel/")["KeyCount"] == 0
    assert run_inventory(server, src, "cancel").stdout.strip().endswith("manifest.json")


# `stocktake inventory put` / `get`: the API's validation and store from the command line

def inv_cli(server, verb, bucket, id_, *args, stdin=None):
    return subprocess.run([BIN, "inventory", verb, "--data", server.data, "--bucket", bucket,
                           "--id", id_, *args], input=stdin, capture_output=True, text=True,
                          timeout=60)


def api_get(server, bucket, id_):
    status, _, body = signed_request(server, "GET", "/" + bucket,
                                     [("inventory", ""), ("id", id_)])
    assert status == 200, body
    return body.decode()


def test_put_with_flags_then_get_and_run(server, s3, src):
    s3.put_object(Bucket=src, Key="logs/big.log", Body=b"x" * 2000)
    s3.put_object(Bucket=src, Key="logs/small.log", Body=b"x")
    s3.put_object(Bucket=src, Key="logs/big.txt", Body=b"x" * 2000)
    s3.put_object_tagging(Bucket=src, Key="logs/big.log",
                          Tagging={"TagSet": [{"Key": "env", "Value": "prod"}]})
    p = inv_cli(server, "put", src, "flags", "--destination", "ddl-dest", "--dest-prefix", "cli",
                "--format", "JSON", "--frequency", "Hourly", "--versions", "All",
                "--fields", "Size,ETag,StorageClass", "--prefix", "logs/",
                "--size-at-least", "1000", "--storage-class", "STANDARD",
                "--storage-class", "GLACIER", "--tag", "env=prod", "--key-pattern", "*.log",
                "--modified-after", "2020-01-01T00:00:00Z")
    assert p.returncode == 0, p.stderr
    got = inv_cli(server, "get", src, "flags")
    assert got.returncode == 0, got.stderr
    assert got.stdout == api_get(server, src, "flags") + "\n"
    doc = got.stdout
    assert doc.startswith('<?xml version="1.0" encoding="UTF-8"?><InventoryConfiguration xmlns=')
    for part in ["<Id>flags</Id><IsEnabled>true</IsEnabled>",
                 "<Format>JSON</Format><Bucket>arn:aws:s3:::ddl-dest</Bucket>"
                 "<Prefix>cli</Prefix>", "<Frequency>Hourly</Frequency>",
                 "<Filter><Prefix>logs/</Prefix><LastModifiedAfter>2020-01-01T00:00:00Z"
                 "</LastModifiedAfter><SizeAtLeast>1000</SizeAtLeast><StorageClass>STANDARD"
                 "</StorageClass><StorageClass>GLACIER</StorageClass><Tag><Key>env</Key>"
                 "<Value>prod</Value></Tag><KeyPattern>*.log</KeyPattern></Filter>",
                 "<IncludedObjectVersions>All</IncludedObjectVersions>",
                 "<Field>Size</Field><Field>ETag</Field><Field>StorageClass</Field>"]:
        assert part in doc, (part, doc)
    boto = s3.get_bucket_inventory_configuration(Bucket=src, Id="flags")
    assert boto["InventoryConfiguration"]["Schedule"]["Frequency"] == "Hourly"
    key = run_inventory(server, src, "flags").stdout.strip()
    assert key.startswith("cli/ddl-src/flags/")
    manifest = json.loads(s3.get_object(Bucket="ddl-dest", Key=key)["Body"].read())
    assert manifest["fileFormat"] == "JSON"
    rows = []
    for f in manifest["files"]:
        body = s3.get_object(Bucket="ddl-dest", Key=f["key"])["Body"].read()
        rows += [json.loads(x) for x in gzip.decompress(body).decode().splitlines()]
    assert [(r["Key"], r["Size"]) for r in rows] == [("logs/big.log", 2000)]


def test_put_csv_header_flag_and_disabled(server, s3, src):
    p = inv_cli(server, "put", src, "hdr", "--destination", "arn:aws:s3:::ddl-dest",
                "--dest-prefix", "hdr", "--csv-header", "--disabled", "--fields", "Size")
    assert p.returncode == 0, p.stderr
    doc = inv_cli(server, "get", src, "hdr").stdout
    assert "<IsEnabled>false</IsEnabled>" in doc and "<CsvHeader>true</CsvHeader>" in doc
    p = run_inventory(server, src, "hdr", check=False)
    assert p.returncode == 1 and "configuration hdr is disabled" in p.stderr
    p = inv_cli(server, "put", src, "hdr", "--destination", "arn:aws:s3:::ddl-dest",
                "--dest-prefix", "hdr", "--csv-header", "--fields", "Size")
    assert p.returncode == 0, p.stderr
    key = run_inventory(server, src, "hdr").stdout.strip()
    manifest = json.loads(s3.get_object(Bucket="ddl-dest", Key=key)["Body"].read())
    body = s3.get_object(Bucket="ddl-dest", Key=manifest["files"][0]["key"])["Body"].read()
    assert gzip.decompress(body).decode().startswith('"Bucket","Key","Size"\n"ddl-src","')


def test_put_xml_file_and_stdin(server, s3, src, tmp_path):
    xml = ("<InventoryConfiguration><Id>fromxml</Id><IsEnabled>true</IsEnabled><Destination>"
           "<S3BucketDestination><Bucket>arn:aws:s3:::ddl-dest</Bucket><Format>Parquet</Format>"
           "</S3BucketDestination></Destination><Schedule><Frequency>Weekly</Frequency>"
           "</Schedule><IncludedObjectVersions>Current</IncludedObjectVersions>"
           "</InventoryConfiguration>")
    path = tmp_path / "c.xml"
    path.write_text(xml)
    p = inv_cli(server, "put", src, "fromxml", "--xml", str(path))
    assert p.returncode == 0, p.stderr
    assert s3.get_bucket_inventory_configuration(Bucket=src, Id="fromxml")[
        "InventoryConfiguration"]["Destination"]["S3BucketDestination"]["Format"] == "Parquet"
    p = inv_cli(server, "put", src, "fromstdin", "--xml", "-",
                stdin=xml.replace("fromxml", "fromstdin"))
    assert p.returncode == 0, p.stderr
    assert "<Id>fromstdin</Id>" in inv_cli(server, "get", src, "fromstdin").stdout


@pytest.mark.parametrize("args,stdin,code", [
    (["--xml", "-"], "<InventoryConfiguration><Id>bad", "MalformedXML"),
    (["--xml", "-"], "", "MissingRequestBodyError"),
    (["--destination", "ddl-dest", "--format", "Avro"], None, "MalformedXML"),
    (["--destination", "ddl-dest", "--format", "JSON", "--csv-header"], None, "MalformedXML"),
    (["--destination", "ddl-dest", "--fields", "Size,Etag"], None, "MalformedXML"),
    (["--destination", "ddl-dest", "--size-at-least", "-1"], None, "MalformedXML"),
    (["--destination", "ddl-dest", "--frequency", "daily"], None, "MalformedXML"),
    (["--destination", "no-such-dest"], None, "InvalidS3DestinationBucket"),
    (["--destination", "arn:aws:s3::123456789012:ddl-dest"], None,
     "InvalidS3DestinationBucket"),
    (["--destination", "ddl-dest", "--dest-prefix", "p" * 1000], None, "InvalidArgument"),
])
def test_put_errors(server, s3, src, args, stdin, code):
    p = inv_cli(server, "put", src, "bad", *args, stdin=stdin)
    assert p.returncode == 1 and p.stderr.startswith("stocktake: %s: " % code), p.stderr
    with pytest.raises(Exception):
        s3.get_bucket_inventory_configuration(Bucket=src, Id="bad")


def test_put_get_other_errors(server, src):
    xml = ("<InventoryConfiguration><Id>other</Id><IsEnabled>true</IsEnabled><Destination>"
           "<S3BucketDestination><Bucket>arn:aws:s3:::no-such-dest</Bucket><Format>CSV</Format>"
           "</S3BucketDestination></Destination><Schedule><Frequency>Daily</Frequency>"
           "</Schedule><IncludedObjectVersions>Current</IncludedObjectVersions>"
           "</InventoryConfiguration>")
    p = inv_cli(server, "put", src, "mine", "--xml", "-", stdin=xml)  # the API's order
    assert p.returncode == 1 and p.stderr == "stocktake: IdMismatch: Document ID does not " \
        "match the specified configuration ID.\n"
    p = inv_cli(server, "put", "no-such-bucket", "x", "--destination", "ddl-dest")
    assert p.returncode == 1 and p.stderr.startswith("stocktake: NoSuchBucket: ")
    p = inv_cli(server, "get", src, "nope")
    assert p.returncode == 1 and p.stderr == "stocktake: NoSuchConfiguration: The specified " \
        "configuration does not exist.\n"
    assert inv_cli(server, "put", src, "x").returncode == 2  # neither --xml nor flags
    assert inv_cli(server, "put", src, "x", "--xml", "-", "--format", "CSV").returncode == 2
    assert inv_cli(server, "get", src, "x", "--format", "CSV").returncode == 2
