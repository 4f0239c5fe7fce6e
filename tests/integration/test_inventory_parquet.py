"""Parquet inventory reports, read by two independent readers — DuckDB (@duckdb/node-api) and
hyparquet — for schema, codec, statistics and every row, against the S3 listing: versioned and
unversioned buckets, all optional fields, nulls, tricky keys, several row groups and files."""
import datetime
import json
import os
import subprocess

import pytest

from conftest import BIN, ROOT, allow_inventory_delivery
from test_inventory_reports import ALL_FIELDS, TRICKY, config, fetch_report, iso_ms

JS = os.path.join(ROOT, "tests", "js")


def hyparquet(path):
    p = subprocess.run(["node", "read_parquet.mjs", path], cwd=JS, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def duckdb_rows(paths):
    q = ("SELECT * FROM read_parquet([%s])" % ", ".join("'%s'" % p for p in paths))
    script = ("import { DuckDBInstance } from '@duckdb/node-api';"
              "const c = await (await DuckDBInstance.create(':memory:')).connect();"
              "console.log(JSON.stringify((await c.runAndReadAll(%s)).getRowObjectsJson()));"
              % json.dumps(q))
    p = subprocess.run(["node", "--input-type=module", "-e", script], cwd=JS,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def listing_rows(s3, bucket, versions):
    rows = []
    if versions:
        listing = s3.list_object_versions(Bucket=bucket)
        for v in listing.get("Versions", []):
            rows.append((v["Key"], "" if v["VersionId"] == "null" else v["VersionId"],
                         v["IsLatest"], False, v["Size"], v["ETag"].strip('"'),
                         iso_ms(v["LastModified"]), v["StorageClass"]))
        for d in listing.get("DeleteMarkers", []):
            rows.append((d["Key"], "" if d["VersionId"] == "null" else d["VersionId"],
                         d["IsLatest"], True, None, None, iso_ms(d["LastModified"]), None))
    else:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for o in page.get("Contents", []):
                rows.append((o["Key"], None, None, None, o["Size"], o["ETag"].strip('"'),
                             iso_ms(o["LastModified"]), o["StorageClass"]))
    return sorted(rows, key=lambda r: (r[0], r[1] or ""))


def make_report(server, s3, src, versions, fmt):
    """A source bucket of tricky keys in three storage classes (versioned: with a null version
    and delete markers), a report of it in fmt with small row groups and files; returns the
    finished `inventory run` process."""
    s3.create_bucket(Bucket=src)
    s3.create_bucket(Bucket=src + "-dst")
    allow_inventory_delivery(server, s3, src + "-dst", src)
    if versions:
        s3.put_object(Bucket=src, Key="null-version", Body=b"before")
        s3.put_bucket_versioning(Bucket=src, VersioningConfiguration={"Status": "Enabled"})
    for i, k in enumerate(TRICKY * 3):
        s3.put_object(Bucket=src, Key=k, Body=k.encode() * (i + 1),
                      StorageClass=["STANDARD", "GLACIER", "STANDARD_IA"][i % 3])
    if versions:
        s3.delete_object(Bucket=src, Key="plain.txt")
        s3.delete_object(Bucket=src, Key="null-version")
    s3.put_bucket_inventory_configuration(
        Bucket=src, Id="r", InventoryConfiguration=config(
            "r", src + "-dst", versions="All" if versions else "Current", fmt=fmt,
            fields=ALL_FIELDS))
    p = subprocess.run([BIN, "inventory", "run", "--data", server.data, "--bucket", src, "--id",
                        "r", "--row-group-rows", "4", "--file-size-cap", "1500"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p


def duck_ts(v):
    """DuckDB prints TIMESTAMP WITH TIME ZONE as '2026-11-23 08:24:34.142+00'."""
    v = v.replace("+00", "")
    # DuckDB leaves the fraction out of a timestamp on a whole second
    t = datetime.datetime.strptime(v, "%Y-%m-%d %H:%M:%S.%f" if "." in v else "%Y-%m-%d %H:%M:%S")
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


@pytest.mark.parametrize("versions", [False, True])
def test_parquet_report_two_readers(server, s3, tmp_path, versions):
    src = "pq-src-%s" % ("all" if versions else "current")
    p = make_report(server, s3, src, versions, "Parquet")
    manifest, files = fetch_report(s3, src + "-dst", p.stdout.strip(), tmp_path)
    assert manifest["fileFormat"] == "Parquet"
    assert all(f["key"].endswith(".parquet") for f in manifest["files"])
    assert manifest["fileSchema"].startswith(
        "message s3.inventory {  required binary bucket (STRING);  required binary key (STRING);")
    assert "  optional int64 last_modified_date (TIMESTAMP(MILLIS,true));" in manifest["fileSchema"]
    assert manifest["fileSchema"].endswith(";}")
    want = listing_rows(s3, src, versions)

    # reader 1: hyparquet — schema, codec, statistics, rows
    got_h, groups = [], 0
    for path in files:
        h = hyparquet(path)
        groups += h["row_groups"]
        names = [s["name"] for s in h["schema"][1:]]
        assert h["schema"][0]["name"] == "s3.inventory"
        assert names[:2] == ["bucket", "key"] and "e_tag" in names
        assert names.index("e_tag") < names.index("storage_class")
        types = {s["name"]: (s["type"], s["repetition"]) for s in h["schema"][1:]}
        assert types["bucket"] == ("BYTE_ARRAY", "REQUIRED")
        assert types["size"] == ("INT64", "OPTIONAL")
        assert types["is_multipart_uploaded"] == ("BOOLEAN", "OPTIONAL")
        ts = [s for s in h["schema"] if s["name"] == "last_modified_date"][0]
        assert ts["logical"] == {"type": "TIMESTAMP", "isAdjustedToUTC": True, "unit": "MILLIS"}
        assert h["created_by"].startswith("stocktake")
        assert all(c["codec"] == "SNAPPY" for c in h["chunks"])
        assert any("RLE_DICTIONARY" in c["encodings"] for c in h["chunks"]
                   if c["column"] == "storage_class")
        for c in h["chunks"]:
            if c["column"] == "replication_status":
                assert c["nulls"] > 0
        keys = [r["key"] for r in h["rows"]]
        key_stats = [c for c in h["chunks"] if c["column"] == "key"]
        assert min(k for c in key_stats for k in [c["min"]]) == min(keys)
        assert max(k for c in key_stats for k in [c["max"]]) == max(keys)
        for r in h["rows"]:
            got_h.append((r["key"], r.get("version_id"), r.get("is_latest"),
                          r.get("is_delete_marker"),
                          None if r["size"] is None else int(r["size"]), r["e_tag"],
                          r["last_modified_date"].replace("Z", "").rstrip("0").rstrip(".") ,
                          r["storage_class"]))
            assert r["bucket"] == src
            # versions: SSE-S3 (the bucket's default encryption); delete markers: null
            assert r["encryption_status"] == ("SSE-S3" if not r.get("is_delete_marker")
                                              else None)
            assert r["replication_status"] is None
    assert groups > len(files)  # several row groups
    assert len(files) > 1       # several files
    norm = lambda t: t[:6] + (t[6].replace("Z", "").rstrip("0").rstrip("."),) + t[7:]
    assert sorted(got_h, key=lambda r: (r[0], r[1] or "")) == [norm(w) for w in want]

    # reader 2: DuckDB
    got_d = []
    for r in duckdb_rows(files):
        got_d.append((r["key"], r.get("version_id"), r.get("is_latest"),
                      r.get("is_delete_marker"),
                      None if r["size"] is None else int(r["size"]), r["e_tag"],
                      duck_ts(r["last_modified_date"]), r["storage_class"]))
    assert sorted(got_d, key=lambda r: (r[0], r[1] or "")) == want
