"""Stocktake's extension report columns Tags, UserMetadata and ContentType
(docs/INVENTORY-EXTENSIONS.md): OptionalFields values set with boto3 and the aws CLI and read
back as given; objects made with boto3 (Tagging=, Metadata=, ContentType=) in a versioned bucket
with a delete marker; reports in CSV (DuckDB), Parquet (DuckDB and hyparquet) and ORC
(orc_reader.py) compared row by row with ListObjectVersions, GetObjectTagging and HeadObject.
An AWS-only configuration's manifest fileSchema is unchanged."""
import gzip
import json
import os
import subprocess
import urllib.parse

import pytest

import orc_reader
from conftest import BIN, ROOT, allow_inventory_delivery
from test_inventory_extensions import cli
from test_inventory_reports import (ALL_FIELDS, CANONICAL, config, duckdb, fetch_report,
                                    run_inventory)

JS = os.path.join(ROOT, "tests", "js")
EXT = ["Tags", "UserMetadata", "ContentType"]
SRC, DST = "cols-src", "cols-dst"

# AWS-only schemas, as written before the extension columns existed (byte for byte)
PQ_AWS = ("message s3.inventory {  required binary bucket (STRING);  required binary key (STRING)"
          ";  optional binary version_id (STRING);  optional boolean is_latest;  optional boolean"
          " is_delete_marker;  optional int64 size;  optional int64 last_modified_date (TIMESTAMP"
          "(MILLIS,true));  optional binary e_tag (STRING);  optional binary storage_class (STRIN"
          "G);  optional boolean is_multipart_uploaded;  optional binary replication_status (STRI"
          "NG);  optional binary encryption_status (STRING);  optional int64 object_lock_retain_u"
          "ntil_date (TIMESTAMP(MILLIS,true));  optional binary object_lock_mode (STRING);  optio"
          "nal binary object_lock_legal_hold_status (STRING);  optional binary intelligent_tierin"
          "g_access_tier (STRING);  optional binary bucket_key_status (STRING);  optional binary "
          "checksum_algorithm (STRING);  optional binary object_access_control_list (STRING);  op"
          "tional binary object_owner (STRING);  optional int64 lifecycle_expiration_date (TIMEST"
          "AMP(MILLIS,true));}")
ORC_AWS = ("struct<bucket:string,key:string,version_id:string,is_latest:boolean,is_delete_marker:b"
          "oolean,size:bigint,last_modified_date:timestamp,e_tag:string,storage_class:string,is_m"
          "ultipart_uploaded:boolean,replication_status:string,encryption_status:string,object_lo"
          "ck_retain_until_date:timestamp,object_lock_mode:string,object_lock_legal_hold_status:s"
          "tring,intelligent_tiering_access_tier:string,bucket_key_status:string,checksum_algorit"
          "hm:string,object_access_control_list:string,object_owner:string,lifecycle_expiration_d"
          "ate:timestamp>")

OBJECTS = [  # key, Tagging, Metadata, ContentType (None: not sent)
    ("tagged.txt", "env=prod&team=a%20b", {"Owner": "Ann", "x-id": "42"}, "text/plain"),
    ("plain.bin", "", {}, None),
    ("quoted.txt", "lang=%E6%97%A5%E6%9C%AC&k%26=v%3D",
     {"note": 'a, b "c" {d}', "empty": ""}, 'text/plain; charset="utf-8"'),
    ("dir/space key.json", "only=", {"a": "1", "b": "2", "c": "3"}, "application/json"),
]


@pytest.fixture(scope="module")
def source(server, s3):
    s3.create_bucket(Bucket=SRC)
    s3.create_bucket(Bucket=DST)
    allow_inventory_delivery(server, s3, DST)
    s3.put_bucket_versioning(Bucket=SRC, VersioningConfiguration={"Status": "Enabled"})
    for key, tags, meta, ctype in OBJECTS:
        kw = {"ContentType": ctype} if ctype else {}
        s3.put_object(Bucket=SRC, Key=key, Body=key.encode(), Tagging=tags, Metadata=meta, **kw)
    s3.put_object(Bucket=SRC, Key="gone", Body=b"old", Tagging="t=1")
    s3.delete_object(Bucket=SRC, Key="gone")  # a delete marker over a tagged version
    return SRC


def expected(s3):
    """Per (key, version id): the tags, metadata and content type the S3 API reports; delete
    markers None."""
    out = {}
    resp = s3.list_object_versions(Bucket=SRC)
    for v in resp.get("Versions", []):
        tags = s3.get_object_tagging(Bucket=SRC, Key=v["Key"], VersionId=v["VersionId"])
        head = s3.head_object(Bucket=SRC, Key=v["Key"], VersionId=v["VersionId"])
        out[(v["Key"], v["VersionId"])] = (
            {t["Key"]: t["Value"] for t in tags["TagSet"]}, head["Metadata"],
            head["ContentType"])
    for m in resp.get("DeleteMarkers", []):
        out[(m["Key"], m["VersionId"])] = (None, None, None)
    return out


def put_config(s3, id_, fmt, fields=ALL_FIELDS + EXT):
    s3.put_bucket_inventory_configuration(
        Bucket=SRC, Id=id_, InventoryConfiguration=config(id_, DST, versions="All", fmt=fmt,
                                                          fields=fields))


def unquote_map(v):
    return None if v == "" else json.loads(urllib.parse.unquote_plus(v))


def test_optional_fields_round_trip_boto3_and_aws_cli(server, s3, source, tmp_path):
    fields = ["ContentType", "Size", "Tags", "UserMetadata", "Tags"]  # order and repeats kept
    s3.put_bucket_inventory_configuration(
        Bucket=SRC, Id="rt-boto3", InventoryConfiguration=config("rt-boto3", DST, fields=fields))
    got = s3.get_bucket_inventory_configuration(Bucket=SRC, Id="rt-boto3")
    assert got["InventoryConfiguration"]["OptionalFields"] == fields
    cfg = config("rt-cli", DST, fmt="Parquet", fields=EXT + ["ETag"])
    cli(server, tmp_path, "put-bucket-inventory-configuration", "--bucket", SRC, "--id",
        "rt-cli", "--inventory-configuration", json.dumps(cfg))
    got = cli(server, tmp_path, "get-bucket-inventory-configuration", "--bucket", SRC, "--id",
              "rt-cli")
    assert got["InventoryConfiguration"]["OptionalFields"] == EXT + ["ETag"]
    # a wrong case is not a field: MalformedXML, as for any unknown value
    with pytest.raises(Exception) as e:
        s3.put_bucket_inventory_configuration(
            Bucket=SRC, Id="bad", InventoryConfiguration=config("bad", DST, fields=["tags"]))
    assert "MalformedXML" in str(e.value)


def test_aws_only_manifest_schema_unchanged(server, s3, source, tmp_path):
    for fmt, schema in [("CSV", "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, "
                         + ", ".join(CANONICAL)), ("Parquet", PQ_AWS), ("ORC", ORC_AWS)]:
        put_config(s3, "aws-" + fmt.lower(), fmt, fields=ALL_FIELDS)
        key = run_inventory(server, SRC, "aws-" + fmt.lower()).stdout.strip()
        manifest, _ = fetch_report(s3, DST, key, tmp_path)
        assert manifest["fileSchema"] == schema


def test_csv_columns_read_by_duckdb(server, s3, source, tmp_path):
    put_config(s3, "csv-ext", "CSV")
    key = run_inventory(server, SRC, "csv-ext").stdout.strip()
    manifest, files = fetch_report(s3, DST, key, tmp_path)
    assert manifest["fileSchema"] == ("Bucket, Key, VersionId, IsLatest, IsDeleteMarker, "
                                      + ", ".join(CANONICAL) + ", Tags, UserMetadata, ContentType")
    text = b"".join(gzip.decompress(open(f, "rb").read()) for f in files).decode()
    # the raw bytes: the JSON object encoded as keys are; a '"' of a content type doubled
    enc = urllib.parse.quote_plus('{"env":"prod","team":"a b"}', safe="/*")
    assert '"%s","%s","text/plain"\n' % (enc, urllib.parse.quote_plus(
        '{"owner":"Ann","x-id":"42"}', safe="/*")) in text
    assert '"%7B%7D","%7B%7D","binary/octet-stream"\n' in text
    assert '"text/plain; charset=""utf-8"""\n' in text
    # DuckDB: the fileSchema names, every row against the S3 API
    sql = ("SELECT key, version_id, json_extract_string(json(url_decode(replace(tags, '+', ' ')))"
           ", '$.team') AS team FROM inventory WHERE key = 'tagged.txt'")
    out = duckdb(manifest, [("x", files)], [sql])
    assert out["results"][0] == [{"key": "tagged.txt", "version_id": out["results"][0][0][
        "version_id"], "team": "a b"}]
    want = expected(s3)
    got = {}
    for r in out["rows"]:
        marker = r["is_delete_marker"] == "true"
        got[(urllib.parse.unquote_plus(r["key"]), r["version_id"])] = (
            unquote_map(r["tags"]), unquote_map(r["user_metadata"]),
            None if marker else r["content_type"])
        if marker:
            assert r["tags"] == r["user_metadata"] == r["content_type"] == ""
    assert got == want
    assert want[("plain.bin", next(v for k, v in want if k == "plain.bin"))] == (
        {}, {}, "binary/octet-stream")


def hyparquet(path):
    p = subprocess.run(["node", "read_parquet.mjs", path], cwd=JS, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def run_sql(sql, query):
    p = subprocess.run(["node", "run_sql.mjs"], cwd=JS,
                       input=json.dumps({"sql": sql, "query": query}), capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def ddl(server, id_, *args):
    p = subprocess.run([BIN, "inventory", "ddl", "--data", server.data, "--bucket", SRC,
                        "--id", id_, *args], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout


def as_map(v):
    """A map as a reader hands it over: an object, or a list of key/value entries."""
    if v is None or isinstance(v, dict):
        return v
    return {e["key"]: e["value"] for e in v}


PQ_MAP = ("  optional group %s (MAP) {    repeated group key_value {      required binary key "
          "(STRING);      optional binary value (STRING);    }  }")


def test_parquet_columns_read_by_duckdb_and_hyparquet(server, s3, source, tmp_path):
    put_config(s3, "pq-ext", "Parquet")
    subprocess.run([BIN, "inventory", "run", "--data", server.data, "--bucket", SRC, "--id",
                    "pq-ext", "--row-group-rows", "2"], check=True, capture_output=True)
    key = s3.list_objects_v2(Bucket=DST, Prefix="cols-src/pq-ext/")["Contents"]
    key = next(o["Key"] for o in key if o["Key"].endswith("manifest.json"))
    manifest, files = fetch_report(s3, DST, key, tmp_path)
    schema = manifest["fileSchema"]
    assert schema.endswith(";" + PQ_MAP % "tags" + PQ_MAP % "user_metadata"
                           + "  optional binary content_type (STRING);}")
    want = expected(s3)
    # reader 1: hyparquet — the MAP schema and every row
    got, groups = {}, 0
    for path in files:
        h = hyparquet(path)
        groups += h["row_groups"]
        names = [s["name"] for s in h["schema"]]
        i = names.index("tags")
        assert names[i:i + 4] == ["tags", "key_value", "key", "value"]
        assert h["schema"][i]["converted"] == "MAP" and h["schema"][i]["logical"] == {
            "type": "MAP"}
        assert [h["schema"][i + k]["repetition"] for k in range(4)] == [
            "OPTIONAL", "REPEATED", "REQUIRED", "OPTIONAL"]
        assert names[-1] == "content_type" and names[-2] == "value"
        cols = [c["column"] for c in h["chunks"]]
        assert "tags.key_value.key" in cols and "user_metadata.key_value.value" in cols
        for r in h["rows"]:
            # hyparquet leaves a null map out of the row
            got[(r["key"], r["version_id"])] = (as_map(r.get("tags")),
                                                as_map(r.get("user_metadata")), r["content_type"])
    assert groups > 1
    assert got == want
    # reader 2: DuckDB, through the DDL `stocktake inventory ddl` prints
    local = tmp_path / "parquet"
    local.mkdir()
    for i, path in enumerate(files):
        (local / ("%d.parquet" % i)).write_bytes(open(path, "rb").read())
    sql = ddl(server, "pq-ext", "--engine", "duckdb", "--local-dir", str(local))
    rows = run_sql(sql, "SELECT key, version_id, tags, user_metadata, content_type, "
                        "tags['env'] AS env, typeof(tags) AS t FROM cols_src_pq_ext")
    got = {}
    for r in rows:
        assert r["t"] == "MAP(VARCHAR, VARCHAR)"
        got[(r["key"], r["version_id"])] = (as_map(r["tags"]), as_map(r["user_metadata"]),
                                            r["content_type"])
        if r["key"] == "tagged.txt":
            assert r["env"] == "prod"
    assert got == want
    athena = ddl(server, "pq-ext")
    assert "  tags map<string,string>,\n  user_metadata map<string,string>,\n" \
           "  content_type string\n" in athena
    assert "tags map(varchar, varchar)" in ddl(server, "pq-ext", "--engine", "trino")
    assert "  tags string,\n" in ddl(server, "csv-ext")


def test_orc_columns_read_by_orc_reader(server, s3, source, tmp_path):
    put_config(s3, "orc-ext", "ORC")
    subprocess.run([BIN, "inventory", "run", "--data", server.data, "--bucket", SRC, "--id",
                    "orc-ext", "--row-group-rows", "2"], check=True, capture_output=True)
    key = s3.list_objects_v2(Bucket=DST, Prefix="cols-src/orc-ext/")["Contents"]
    key = next(o["Key"] for o in key if o["Key"].endswith("manifest.json"))
    manifest, files = fetch_report(s3, DST, key, tmp_path)
    assert manifest["fileSchema"] == ORC_AWS[:-1] + (
        ",tags:map<string,string>,user_metadata:map<string,string>,content_type:string>")
    got, stripes = {}, 0
    for path in files:
        orc = orc_reader.read(path)
        stripes += len(orc.stripes)
        assert orc.names[-3:] == ["tags", "user_metadata", "content_type"]
        # the map columns and their key and value children, in the type tree's pre-order
        tags = orc.columns[orc.names.index("tags")]
        assert orc_reader._one(orc.types[tags], 1) == orc_reader.MAP
        assert orc_reader._packed_uint32(orc.types[tags], 2) == [tags + 1, tags + 2]
        assert [orc_reader._one(orc.types[tags + k], 1) for k in (1, 2)] == [
            orc_reader.STRING, orc_reader.STRING]
        assert orc.columns[-1] == len(orc.types) - 1  # content_type: the last column id
        stats = orc.statistics()
        rows = orc.rows()
        maps = [r["tags"] for r in rows]
        assert orc_reader._one(stats[tags], 1) == sum(m is not None for m in maps)
        assert orc_reader._one(stats[tags + 1], 1) == sum(len(m) for m in maps if m)
        for r in rows:
            got[(r["key"], r["version_id"] or "null")] = (
                None if r["tags"] is None else dict(r["tags"]),
                None if r["user_metadata"] is None else dict(r["user_metadata"]),
                r["content_type"])
            if r["tags"]:
                assert [k for k, _ in r["tags"]] == sorted(k for k, _ in r["tags"])
    assert stripes > 1
    assert got == expected(s3)
    assert "  tags map<string,string>,\n" in ddl(server, "orc-ext")


def test_json_columns_objects_and_duckdb_ddl(server, s3, source, tmp_path):
    put_config(s3, "json-ext", "JSON")
    key = run_inventory(server, SRC, "json-ext").stdout.strip()
    manifest, files = fetch_report(s3, DST, key, tmp_path)
    assert manifest["fileSchema"].endswith(", Tags, UserMetadata, ContentType")
    local = tmp_path / "json"
    local.mkdir()
    got = {}
    for i, path in enumerate(files):
        raw = open(path, "rb").read()
        (local / ("%d.json.gz" % i)).write_bytes(raw)
        for line in gzip.decompress(raw).decode().splitlines():
            r = json.loads(line)
            assert list(r)[-3:] == EXT
            if r["Tags"]:  # objects with their keys in byte order
                assert '"Tags":{%s}' % ",".join(
                    json.dumps(k, ensure_ascii=False) + ":" + json.dumps(v, ensure_ascii=False)
                    for k, v in sorted(r["Tags"].items())) in line
            got[(r["Key"], r["VersionId"])] = (r["Tags"], r["UserMetadata"], r["ContentType"])
    want = expected(s3)
    assert got == want
    sql = ddl(server, "json-ext", "--engine", "duckdb", "--local-dir", str(local))
    rows = run_sql(sql, "SELECT key, version_id, tags, user_metadata, content_type, "
                        "typeof(tags) AS t FROM cols_src_json_ext")
    got = {}
    for r in rows:
        assert r["t"] == "MAP(VARCHAR, VARCHAR)"
        got[(r["key"], r["version_id"])] = (as_map(r["tags"]), as_map(r["user_metadata"]),
                                            r["content_type"])
    assert got == want
