"""`stocktake inventory ddl`: the CREATE TABLE statement for a configuration's reports, per
engine (Athena as the S3 User Guide prints it, Trino, Spark, DuckDB run as printed)."""
import json
import os
import subprocess
import time
import urllib.parse

import pytest

from conftest import BIN, ROOT, allow_inventory_delivery
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
