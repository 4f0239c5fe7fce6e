"""Inventory reports end to end: objects made with boto3, configurations made with the aws CLI
and boto3, reports produced by `stocktake inventory run` and by the scheduler inside
`stocktake serve`, then read back over S3 and checked independently: manifest.checksum against
manifest.json, each file's MD5 and size against the manifest, symlink.txt against the files,
and every CSV.gz loaded with DuckDB (tests/js/read_inventory.mjs) using the fileSchema column
names; the rows must equal what ListObjectsV2 / ListObjectVersions say."""
import base64
import datetime
import gzip
import hashlib
import json
import os
import re
import signal
import subprocess
import time
import urllib.parse

import pytest

from conftest import BIN, ROOT, Server, allow_inventory_delivery

ALL_FIELDS = ["Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded",
              "ReplicationStatus", "EncryptionStatus", "ObjectLockRetainUntilDate",
              "ObjectLockMode", "ObjectLockLegalHoldStatus", "IntelligentTieringAccessTier",
              "BucketKeyStatus", "ChecksumAlgorithm", "ObjectAccessControlList", "ObjectOwner",
              "LifecycleExpirationDate"]
# AWS's report column order (research/inventory-format.md §2): ETag before StorageClass
CANONICAL = ["Size", "LastModifiedDate", "ETag", "StorageClass"] + ALL_FIELDS[4:]
TRICKY = ["plain.txt", "space and+plus", "per%cent=eq", "ünï/cödé/日本.txt", "emoji😀",
          "new\nline", "a/b/c/", "q?mark#hash", "k" * 1000]


def athena_name(field):
    return "e_tag" if field == "ETag" else re.sub(r"(?<!^)(?=[A-Z])", "_", field).lower()


def config(id_, dest, versions="Current", fields=ALL_FIELDS, fmt="CSV", prefix=None, **extra):
    d = {"Bucket": "arn:aws:s3:::" + dest, "Format": fmt}
    if prefix is not None:
        d["Prefix"] = prefix
    d.update(extra)
    return {"Id": id_, "IsEnabled": True, "Destination": {"S3BucketDestination": d},
            "Schedule": {"Frequency": "Daily"}, "IncludedObjectVersions": versions,
            "OptionalFields": fields}


def run_inventory(server, bucket, id_, *args, check=True):
    p = subprocess.run([BIN, "inventory", "run", "--data", server.data, "--bucket", bucket,
                        "--id", id_, *args], capture_output=True, text=True, timeout=300)
    if check:
        assert p.returncode == 0, p.stderr
    return p


def fetch_report(s3, dest, manifest_key, tmp_path):
    """Download a report and check it the way consumers do; returns (manifest, local files)."""
    raw = s3.get_object(Bucket=dest, Key=manifest_key)["Body"].read()
    checksum_key = manifest_key[: -len("manifest.json")] + "manifest.checksum"
    checksum = s3.get_object(Bucket=dest, Key=checksum_key)["Body"].read()
    assert checksum == hashlib.md5(raw).hexdigest().encode() + b"\n"
    manifest = json.loads(raw)
    assert list(manifest) == ["sourceBucket", "destinationBucket", "version",
                              "creationTimestamp", "fileFormat", "fileSchema", "files"]
    assert manifest["version"] == "2016-11-30"
    assert raw.startswith(b'{\n  "sourceBucket" : "') and raw.endswith(b"\n}")
    folder = manifest_key.split("/")[-2]
    t = datetime.datetime.strptime(folder, "%Y-%m-%dT%H-%MZ").replace(tzinfo=datetime.timezone.utc)
    assert manifest["creationTimestamp"] == str(int(t.timestamp() * 1000))
    local = []
    for f in manifest["files"]:
        body = s3.get_object(Bucket=dest, Key=f["key"])["Body"].read()
        assert len(body) == f["size"]
        assert hashlib.md5(body).hexdigest() == f["MD5checksum"]
        path = tmp_path / ("%d.csv.gz" % len(local))
        path.write_bytes(body)
        local.append(str(path))
    base = manifest_key.rsplit("/", 2)[0]
    symlink = s3.get_object(Bucket=dest, Key="%s/hive/dt=%s/symlink.txt"
                            % (base, t.strftime("%Y-%m-%d-%H-%M")))["Body"].read().decode()
    assert symlink == "".join("s3://%s/%s\n" % (dest, f["key"]) for f in manifest["files"])
    return manifest, local


def duckdb(manifest, partitions, queries=()):
    columns = manifest["fileSchema"].split(", ")
    payload = {"format": manifest["fileFormat"], "columns": columns,
               "athena": [athena_name(c) for c in columns],
               "partitions": [{"dt": dt, "files": files} for dt, files in partitions],
               "queries": list(queries)}
    p = subprocess.run(["node", "read_inventory.mjs"], cwd=os.path.join(ROOT, "tests", "js"),
                       input=json.dumps(payload), capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    for row in out["rows"]:  # DuckDB reads an empty quoted field "" as NULL
        for k, v in row.items():
            row[k] = "" if v is None else v
    return out


def iso_ms(dt):
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + \
        "%03dZ" % (dt.microsecond // 1000)


def expected_current(s3, bucket, owner):
    rows = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for o in page.get("Contents", []):
            head = s3.head_object(Bucket=bucket, Key=o["Key"], ChecksumMode="ENABLED")
            algo = next((a for a in ("CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME")
                         if "Checksum" + a in head), "")
            rows.append({"key": o["Key"], "size": str(o["Size"]),
                         "last_modified_date": iso_ms(o["LastModified"]),
                         "e_tag": o["ETag"].strip('"'), "storage_class": o["StorageClass"],
                         "is_multipart_uploaded": "true" if "-" in o["ETag"] else "false",
                         "checksum_algorithm": algo, "object_owner": owner})
    return rows


def acl(owner):
    return base64.b64encode(json.dumps(
        {"version": "2022-11-10", "status": "AVAILABLE", "grants": [
            {"permission": "FULL_CONTROL", "type": "CanonicalUser", "canonicalId": owner}]},
        separators=(",", ":")).encode()).decode()


@pytest.fixture(scope="module")
def owner(s3):
    return s3.list_buckets()["Owner"]["ID"]


@pytest.fixture(scope="module")
def source(server, s3):
    s3.create_bucket(Bucket="inv-source")
    s3.create_bucket(Bucket="inv-dest")
    allow_inventory_delivery(server, s3, "inv-dest")  # reports of every source bucket
    for k in TRICKY:
        s3.put_object(Bucket="inv-source", Key=k, Body=k.encode() * 2)
    s3.put_object(Bucket="inv-source", Key="glacier", Body=b"cold", StorageClass="GLACIER")
    s3.put_object(Bucket="inv-source", Key="tiering", Body=b"t", StorageClass="INTELLIGENT_TIERING")
    s3.put_object(Bucket="inv-source", Key="crc", Body=b"sum", ChecksumAlgorithm="SHA256")
    uid = s3.create_multipart_upload(Bucket="inv-source", Key="multi")["UploadId"]
    etag = s3.upload_part(Bucket="inv-source", Key="multi", UploadId=uid, PartNumber=1,
                          Body=b"m" * 100)["ETag"]
    s3.complete_multipart_upload(Bucket="inv-source", Key="multi", UploadId=uid,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    return "inv-source"


def test_current_csv_report_with_aws_cli_config(server, s3, source, owner, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AWS_PAGER": "",
           "AWS_ACCESS_KEY_ID": server.access_key, "AWS_SECRET_ACCESS_KEY": server.secret_key,
           "AWS_DEFAULT_REGION": server.region}
    cfg = config("cli-daily", "inv-dest", prefix="reports/")
    subprocess.run(["/usr/bin/aws", "--endpoint-url", server.endpoint, "s3api",
                    "put-bucket-inventory-configuration", "--bucket", source, "--id",
                    "cli-daily", "--inventory-configuration", json.dumps(cfg)],
                   env=env, check=True, capture_output=True)
    key = run_inventory(server, source, "cli-daily").stdout.strip()
    assert re.fullmatch(r"reports/inv-source/cli-daily/\d{4}-\d\d-\d\dT\d\d-\d\dZ/manifest.json",
                        key)
    manifest, files = fetch_report(s3, "inv-dest", key, tmp_path)
    assert manifest["sourceBucket"] == source
    assert manifest["destinationBucket"] == "arn:aws:s3:::inv-dest"
    assert manifest["fileFormat"] == "CSV"
    assert manifest["fileSchema"] == "Bucket, Key, " + ", ".join(CANONICAL)
    assert all(f["key"].startswith("reports/inv-source/cli-daily/data/") and
               f["key"].endswith(".csv.gz") for f in manifest["files"])
    # the raw bytes: no header, all fields quoted, LF, keys form-URL-encoded
    text = b"".join(gzip.decompress(open(f, "rb").read()) for f in files).decode()
    assert '"inv-source","space+and%2Bplus","28"' in text
    assert '"new%0Aline"' in text and "\r" not in text
    # every object is SSE-S3 (the bucket's default encryption); absent values are "" (quoted)
    assert '"SSE-S3","","","","","DISABLED",' in text
    rows = duckdb(manifest, [("x", files)])["rows"]
    for r in rows:
        r["key"] = urllib.parse.unquote_plus(r["key"])
    got = sorted(rows, key=lambda r: r["key"].encode())
    want = expected_current(s3, source, owner)
    assert [r["key"] for r in got] == [w["key"] for w in want]
    for g, w in zip(got, want):
        for col, value in w.items():
            assert g[col] == value, (w["key"], col, g[col], value)
        assert g["bucket"] == source
        assert g["encryption_status"] == "SSE-S3"  # the bucket's default encryption
        assert g["bucket_key_status"] == "DISABLED"
        assert g["object_access_control_list"] == acl(owner)
        assert g["replication_status"] == "" and g["object_lock_mode"] == ""
        assert g["intelligent_tiering_access_tier"] == (
            "FREQUENT" if g["storage_class"] == "INTELLIGENT_TIERING" else "")


def test_all_versions_report_several_files(server, s3, owner, tmp_path):
    s3.create_bucket(Bucket="inv-versioned")
    s3.put_object(Bucket="inv-versioned", Key="pre-versioning", Body=b"null version")
    s3.put_bucket_versioning(Bucket="inv-versioned",
                             VersioningConfiguration={"Status": "Enabled"})
    for i in range(30):
        s3.put_object(Bucket="inv-versioned", Key="k%02d" % (i % 7), Body=b"x" * i)
    s3.delete_object(Bucket="inv-versioned", Key="k03")
    s3.delete_object(Bucket="inv-versioned", Key="pre-versioning")
    s3.put_bucket_inventory_configuration(
        Bucket="inv-versioned", Id="all",
        InventoryConfiguration=config("all", "inv-dest", versions="All",
                                      fields=["Size", "ETag", "IsMultipartUploaded",
                                              "LastModifiedDate"]))
    key = run_inventory(server, "inv-versioned", "all", "--file-size-cap", "200").stdout.strip()
    manifest, files = fetch_report(s3, "inv-dest", key, tmp_path)
    assert len(files) > 3
    assert manifest["fileSchema"] == ("Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, "
                                      "LastModifiedDate, ETag, IsMultipartUploaded")
    rows = duckdb(manifest, [("x", files)])["rows"]
    got = sorted((r["key"], r["version_id"], r["is_latest"], r["is_delete_marker"], r["size"],
                  r["e_tag"], r["last_modified_date"]) for r in rows)
    want = []
    listing = s3.list_object_versions(Bucket="inv-versioned")
    for v in listing["Versions"]:
        want.append((v["Key"], "" if v["VersionId"] == "null" else v["VersionId"],
                     str(v["IsLatest"]).lower(), "false", str(v["Size"]), v["ETag"].strip('"'),
                     iso_ms(v["LastModified"])))
    for d in listing["DeleteMarkers"]:
        want.append((d["Key"], "" if d["VersionId"] == "null" else d["VersionId"],
                     str(d["IsLatest"]).lower(), "true", "", "", iso_ms(d["LastModified"])))
    assert got == sorted(want)


def test_athena_queries_over_symlinked_partitions(server, s3, source, tmp_path):
    s3.put_bucket_inventory_configuration(
        Bucket=source, Id="athena", InventoryConfiguration=config("athena", "inv-dest"))
    partitions, manifest = [], None
    for day in ("2026-11-20", "2026-11-21", "2026-11-22"):
        key = run_inventory(server, source, "athena", "--at", day + "T01:00:00Z").stdout.strip()
        assert key == "inv-source/athena/%sT01-00Z/manifest.json" % day
        manifest, files = fetch_report(s3, "inv-dest", key, tmp_path / day.replace("-", "")
                                       if (tmp_path / day.replace("-", "")).mkdir() or True
                                       else None)
        partitions.append((day + "-01-00", files))
    n = len(expected_current(s3, source, ""))
    out = duckdb(manifest, partitions, [
        "SELECT DISTINCT dt FROM inventory ORDER BY 1 DESC limit 10",
        "SELECT encryption_status, count(*) AS n FROM inventory WHERE dt = '2026-11-21-01-00' "
        "GROUP BY encryption_status",
        "SELECT dt, encryption_status, count(*) AS n FROM inventory WHERE dt > "
        "'2026-11-20-01-00' AND dt < '2026-11-23-01-00' GROUP BY dt, encryption_status "
        "ORDER BY dt"])
    dates, by_status, ranged = out["results"]
    assert [d["dt"] for d in dates] == ["2026-11-22-01-00", "2026-11-21-01-00",
                                        "2026-11-20-01-00"]
    assert by_status == [{"encryption_status": "SSE-S3", "n": str(n)}] or \
        by_status == [{"encryption_status": "SSE-S3", "n": n}]
    assert [r["dt"] for r in ranged] == ["2026-11-21-01-00", "2026-11-22-01-00"]


def test_failed_runs_write_nothing_and_are_recorded(server, s3, source):
    before = [o["Key"] for o in s3.list_objects_v2(Bucket="inv-dest").get("Contents", [])]
    s3.put_bucket_inventory_configuration(
        Bucket=source, Id="nodest", InventoryConfiguration=config("nodest", "no-such-dest"))
    p = run_inventory(server, source, "nodest", check=False)
    assert p.returncode == 1 and "does not exist" in p.stderr
    s3.put_bucket_inventory_configuration(
        Bucket=source, Id="badacct",
        InventoryConfiguration=config("badacct", "inv-dest", AccountId="111122223333"))
    p = run_inventory(server, source, "badacct", check=False)
    assert p.returncode == 1 and "AccountId" in p.stderr
    _, key, secret = server.add_account("foreign-dest")
    foreign = server.client(access_key=key, secret_key=secret)
    foreign.create_bucket(Bucket="inv-foreign")
    s3.put_bucket_inventory_configuration(
        Bucket=source, Id="foreign", InventoryConfiguration=config("foreign", "inv-foreign"))
    p = run_inventory(server, source, "foreign", check=False)
    # another account's bucket without a policy that lets S3 deliver (test_inventory_delivery)
    assert p.returncode == 1 and "has no policy" in p.stderr
    assert "Contents" not in foreign.list_objects_v2(Bucket="inv-foreign")
    disabled = config("off", "inv-dest")
    disabled["IsEnabled"] = False
    s3.put_bucket_inventory_configuration(Bucket=source, Id="off",
                                          InventoryConfiguration=disabled)
    p = run_inventory(server, source, "off", check=False)
    assert p.returncode == 1 and "disabled" in p.stderr
    after = [o["Key"] for o in s3.list_objects_v2(Bucket="inv-dest").get("Contents", [])]
    assert after == before
    status = subprocess.run([BIN, "inventory", "status", "--data", server.data, "--bucket",
                             source, "--limit", "50"], capture_output=True, text=True).stdout
    for id_ in ("nodest", "badacct", "foreign", "off"):
        assert re.search(r"%s\s+failed" % id_, status), status


def test_killed_run_leaves_no_checksum_and_next_run_succeeds(server, s3, source):
    s3.put_bucket_inventory_configuration(
        Bucket=source, Id="killed", InventoryConfiguration=config("killed", "inv-dest"))
    env = dict(os.environ, STOCKTAKE_TEST_DELAY_BEFORE_CHECKSUM_MS="20000")
    p = subprocess.Popen([BIN, "inventory", "run", "--data", server.data, "--bucket", source,
                          "--id", "killed", "--at", "2026-11-01T01:00:00Z"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = "inv-source/killed/2026-11-01T01-00Z/"
    deadline = time.time() + 60
    while time.time() < deadline:
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="inv-dest",
                                                     Prefix=base).get("Contents", [])]
        if base + "manifest.json" in keys:
            break
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL)
    p.communicate()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="inv-dest", Prefix=base).get("Contents", [])]
    assert base + "manifest.json" in keys and base + "manifest.checksum" not in keys
    key = run_inventory(server, source, "killed").stdout.strip()
    assert s3.head_object(Bucket="inv-dest", Key=key[: -len("json")] + "checksum")
    status = subprocess.run([BIN, "inventory", "status", "--data", server.data, "--bucket",
                             source, "--limit", "50"], capture_output=True, text=True).stdout
    assert re.search(r"killed\s+interrupted", status) and re.search(r"killed\s+succeeded", status)


def wait_for_checksum(s3, dest, deadline):
    """The keys of dest once one manifest.checksum (a finished report) is there, or at the
    deadline (time.time()) whatever they are."""
    keys = []
    while time.time() < deadline:
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=dest).get("Contents", [])]
        if any(k.endswith("manifest.checksum") for k in keys):
            break
        time.sleep(0.1)
    return keys


def test_scheduler_delivers_first_report_soon_and_skips_disabled():
    srv = Server(args=["--inventory-tick-seconds", "0.2"]).start()
    try:
        s3 = srv.client()
        s3.create_bucket(Bucket="sched-src")
        s3.create_bucket(Bucket="sched-dst")
        allow_inventory_delivery(srv, s3, "sched-dst", "sched-src")
        s3.put_object(Bucket="sched-src", Key="one", Body=b"1")
        off = config("off", "sched-dst")
        off["IsEnabled"] = False
        s3.put_bucket_inventory_configuration(Bucket="sched-src", Id="off",
                                              InventoryConfiguration=off)
        s3.put_bucket_inventory_configuration(Bucket="sched-src", Id="on",
                                              InventoryConfiguration=config("on", "sched-dst"))
        deadline = time.time() + 20
        keys = wait_for_checksum(s3, "sched-dst", deadline)
        assert any(k.startswith("sched-src/on/") and k.endswith("manifest.checksum") for k in keys)
        time.sleep(1)  # several more ticks: the daily report is not due again today
        keys2 = [o["Key"] for o in s3.list_objects_v2(Bucket="sched-dst").get("Contents", [])]
        assert not any(k.startswith("sched-src/off/") for k in keys2)
        assert len([k for k in keys2 if k.endswith("manifest.checksum")]) == 1
    finally:
        assert srv.stop() == 0
        srv.cleanup()


def test_filter_prefix_and_snapshot_consistency(server, s3, owner, tmp_path):
    s3.create_bucket(Bucket="inv-snap")
    for i in range(40):
        s3.put_object(Bucket="inv-snap", Key="in/%03d" % i, Body=b"x" * i)
        s3.put_object(Bucket="inv-snap", Key="out/%03d" % i, Body=b"y")
    s3.put_bucket_inventory_configuration(
        Bucket="inv-snap", Id="filtered",
        InventoryConfiguration=dict(config("filtered", "inv-dest", fields=["Size"]),
                                    Filter={"Prefix": "in/"}))
    before = [(o["Key"], str(o["Size"])) for o in
              s3.list_objects_v2(Bucket="inv-snap", Prefix="in/")["Contents"]]
    env = dict(os.environ, STOCKTAKE_TEST_DELAY_AFTER_FIRST_ROW_MS="3000")
    p = subprocess.Popen([BIN, "inventory", "run", "--data", server.data, "--bucket", "inv-snap",
                          "--id", "filtered"], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(1)  # the run holds its snapshot now: change the bucket under it
    s3.put_object(Bucket="inv-snap", Key="in/000-new", Body=b"late")
    s3.delete_object(Bucket="inv-snap", Key="in/039")
    s3.put_object(Bucket="inv-snap", Key="in/010", Body=b"rewritten" * 10)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    manifest, files = fetch_report(s3, "inv-dest", out.strip(), tmp_path)
    rows = duckdb(manifest, [("x", files)])["rows"]
    got = sorted((urllib.parse.unquote_plus(r["key"]), r["size"]) for r in rows)
    assert got == sorted(before)
