"""Inventory change reports (<ReportType>Changes</ReportType>, docs/INVENTORY-EXTENSIONS.md):
the configuration round trip (curl and raw XML; boto3 and the aws CLI ignore the element), the
change journal kept only for buckets that are the source of a Changes configuration, and the
reports themselves under concurrent writes: a baseline taken while a writer puts, overwrites,
re-ACLs and deletes keys, more writes, then a change report and a full report of the same
snapshot — the change rows must be exactly the difference of the baseline and the full report,
classified Created / Overwritten / Modified / Deleted, in CSV, Parquet (DuckDB), ORC (the suite's
reader) and JSON."""
import csv
import gzip
import io
import json
import os
import random
import re
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
import zlib

import pytest
from botocore.exceptions import ClientError

import orc_reader
from conftest import BIN, allow_inventory_delivery, meta_sql
from test_inventory_extensions import cli, curl_put, raw_get, raw_put
from test_inventory_parquet import duckdb_rows
from test_inventory_reports import fetch_report

DEST = "chg-dst"
FIELDS = ("Size", "LastModifiedDate", "ETag", "ObjectAccessControlList")


def xml_config(id_, versions="All", fmt="CSV", report_type="Changes", prefix=None):
    filt = "<Filter><Prefix>%s</Prefix></Filter>" % prefix if prefix is not None else ""
    rt = "<ReportType>%s</ReportType>" % report_type if report_type else ""
    return ("<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Id>%s</Id><IsEnabled>true</IsEnabled><Destination><S3BucketDestination>"
            "<Bucket>arn:aws:s3:::%s</Bucket><Format>%s</Format></S3BucketDestination>"
            "</Destination><Schedule><Frequency>Daily</Frequency></Schedule>"
            "<IncludedObjectVersions>%s</IncludedObjectVersions>%s<OptionalFields>%s"
            "</OptionalFields>%s</InventoryConfiguration>"
            % (id_, DEST, fmt, versions, filt,
               "".join("<Field>%s</Field>" % f for f in FIELDS), rt)).encode()


@pytest.fixture(scope="module")
def dest(server, s3):
    s3.create_bucket(Bucket=DEST)
    allow_inventory_delivery(server, s3, DEST)
    return DEST


def acl_bucket(s3, name):
    s3.create_bucket(Bucket=name)
    s3.put_bucket_ownership_controls(
        Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    s3.delete_public_access_block(Bucket=name)


def journal_rows(server, bucket):
    return meta_sql(server.data, "SELECT count(*) FROM change_journal WHERE bucket=?",
                    (bucket,))[0][0]


def test_report_type_round_trip(server, s3, dest, tmp_path):
    s3.create_bucket(Bucket="chg-rt")
    status, err = curl_put(server, "chg-rt", "c1", xml_config("c1"))
    assert status == 204, err
    body = raw_get(server, "chg-rt", "c1")
    assert body.endswith("</OptionalFields><ReportType>Changes</ReportType>"
                         "</InventoryConfiguration>"), body
    got = s3.get_bucket_inventory_configuration(Bucket="chg-rt", Id="c1")
    assert got["InventoryConfiguration"]["Id"] == "c1"  # botocore ignores ReportType
    assert cli(server, tmp_path, "get-bucket-inventory-configuration", "--bucket", "chg-rt",
               "--id", "c1")["InventoryConfiguration"]["IncludedObjectVersions"] == "All"
    listed = s3.list_bucket_inventory_configurations(Bucket="chg-rt")
    assert [c["Id"] for c in listed["InventoryConfigurationList"]] == ["c1"]
    # Full, when sent, comes back as sent
    status, _, body = raw_put(server, "chg-rt", "c2", xml_config("c2", report_type="Full"))
    assert status == 204, body
    assert "<ReportType>Full</ReportType>" in raw_get(server, "chg-rt", "c2")
    for bad in ("changes", "Delta", ""):
        status, _, body = raw_put(server, "chg-rt", "c3", xml_config("c3", report_type=bad) if bad
                                  else xml_config("c3").replace(b"Changes", b""))
        assert status == 400 and b"<Code>MalformedXML</Code>" in body, body
    # an AWS-only configuration reads back without it
    s3.put_bucket_inventory_configuration(
        Bucket="chg-rt", Id="aws", InventoryConfiguration={
            "Id": "aws", "IsEnabled": True, "IncludedObjectVersions": "Current",
            "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::" + DEST,
                                                    "Format": "CSV"}},
            "Schedule": {"Frequency": "Daily"}})
    body = raw_get(server, "chg-rt", "aws")
    assert "ReportType" not in body
    root = ET.fromstring(body)
    assert [c.tag.split("}")[1] for c in root] == ["Id", "IsEnabled", "Destination", "Schedule",
                                                   "IncludedObjectVersions"]


def test_journal_only_for_change_sources(server, s3, dest):
    acl_bucket(s3, "chg-plain")
    s3.put_bucket_inventory_configuration(
        Bucket="chg-plain", Id="full", InventoryConfiguration={
            "Id": "full", "IsEnabled": True, "IncludedObjectVersions": "All",
            "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::" + DEST,
                                                    "Format": "CSV"}},
            "Schedule": {"Frequency": "Daily"}})
    for i in range(5):
        s3.put_object(Bucket="chg-plain", Key="k%d" % i, Body=b"x")
    s3.delete_object(Bucket="chg-plain", Key="k0")
    s3.put_object_acl(Bucket="chg-plain", Key="k1", ACL="authenticated-read")
    assert journal_rows(server, "chg-plain") == 0
    # a Changes configuration: the bucket is journaled from then on
    status, _, body = raw_put(server, "chg-plain", "chg", xml_config("chg"))
    assert status == 204, body
    assert journal_rows(server, "chg-plain") == 0
    s3.put_object(Bucket="chg-plain", Key="k1", Body=b"y")
    s3.put_object_acl(Bucket="chg-plain", Key="k2", ACL="authenticated-read")
    s3.delete_object(Bucket="chg-plain", Key="k3")
    assert journal_rows(server, "chg-plain") == 3
    # a failed change leaves no entry (the object is not there)
    with pytest.raises(ClientError):
        s3.put_object_acl(Bucket="chg-plain", Key="nope", ACL="authenticated-read")
    assert journal_rows(server, "chg-plain") == 3
    # no Changes configuration any more: its entries go, and none are written
    s3.delete_bucket_inventory_configuration(Bucket="chg-plain", Id="chg")
    assert journal_rows(server, "chg-plain") == 0
    s3.put_object(Bucket="chg-plain", Key="k4", Body=b"z")
    assert journal_rows(server, "chg-plain") == 0


class Writer(threading.Thread):
    """Puts, overwrites, deletes and re-ACLs keys until stopped."""

    def __init__(self, s3, bucket, keys, seed):
        super().__init__(daemon=True)
        self.s3, self.bucket, self.keys = s3, bucket, keys
        self.rnd = random.Random(seed)
        self.stop_flag = threading.Event()
        self.ops = 0
        self.errors = []

    def step(self):
        key = self.rnd.choice(self.keys)
        r = self.rnd.random()
        try:
            if r < 0.55:
                self.s3.put_object(Bucket=self.bucket, Key=key,
                                   Body=os.urandom(self.rnd.randint(0, 64)))
            elif r < 0.72:
                self.s3.delete_object(Bucket=self.bucket, Key=key)
            elif r < 0.84:  # one version (or delete marker) removed for good
                resp = self.s3.list_object_versions(Bucket=self.bucket, Prefix=key)
                vs = [v["VersionId"] for v in resp.get("Versions", []) +
                      resp.get("DeleteMarkers", []) if v["Key"] == key]
                if vs:
                    self.s3.delete_object(Bucket=self.bucket, Key=key,
                                          VersionId=self.rnd.choice(vs))
            else:
                self.s3.put_object_acl(Bucket=self.bucket, Key=key,
                                       ACL=self.rnd.choice(["authenticated-read", "private"]))
        except ClientError as e:
            if e.response["Error"]["Code"] not in ("NoSuchKey", "MethodNotAllowed"):
                self.errors.append(e)
        self.ops += 1

    def run(self):
        while not self.stop_flag.is_set():
            self.step()


def report(server, s3, bucket, id_, at, tmp_path, env=None):
    """(columns, rows as lists of strings, run output) of one run at minute `at`."""
    p = subprocess.run([BIN, "inventory", "run", "--data", server.data, "--bucket", bucket,
                        "--id", id_, "--at", at], capture_output=True, text=True, timeout=300,
                       env=dict(os.environ, **(env or {})))
    assert p.returncode == 0, p.stderr
    key = p.stdout.strip()
    where = tmp_path / ("%s-%s" % (id_, at.replace(":", "")))
    where.mkdir(parents=True)
    manifest, files = fetch_report(s3, DEST, key, where)
    if manifest["fileFormat"] == "CSV":
        cols = manifest["fileSchema"].split(", ")
        rows = []
        for f in files:
            rows += list(csv.reader(io.StringIO(gzip.decompress(open(f, "rb").read()).decode())))
        return cols, rows
    if manifest["fileFormat"] == "JSON":
        cols = manifest["fileSchema"].split(", ")
        rows = [json.loads(ln) for f in files
                for ln in gzip.decompress(open(f, "rb").read()).decode().splitlines()]
    elif manifest["fileFormat"] == "ORC":
        cols = orc_reader.read(files[0]).names if files else []
        rows = [r for f in files for r in orc_reader.read(f).rows()]
    else:
        rows = duckdb_rows(files) if files else []
        cols = re.findall(r"(?:required|optional) \w+ (\w+)", manifest["fileSchema"])
    return cols, [["" if r[c] is None else str(r[c]) for c in cols] for r in rows]


def keyed(cols, rows, all_versions):
    ident = [cols.index(c) for c in (("Key", "VersionId") if "Key" in cols else
                                     ("key", "version_id"))[: 2 if all_versions else 1]]
    out = {}
    for r in rows:
        k = tuple(r[i] for i in ident)
        assert k not in out, k  # one row per version (All) or key (Current)
        out[k] = r
    return out


def expected_changes(cols, base, full, all_versions):
    """The difference of two full reports, classified as a change report does."""
    etag = [i for i, c in enumerate(cols) if c in ("ETag", "e_tag", "LastModifiedDate",
                                                   "last_modified_date", "VersionId",
                                                   "version_id")]
    out = {}
    for k, row in full.items():
        if k not in base:
            out[k] = (tuple(row), "Created")
        elif base[k] != row:
            replaced = any(base[k][i] != row[i] for i in etag)
            out[k] = (tuple(row), "Overwritten" if replaced else "Modified")
    for k, row in base.items():
        if k not in full:
            out[k] = (tuple(row), "Deleted")
    return out


CASES = [("Enabled", "All", "CSV"), ("Enabled", "Current", "Parquet"),
         (None, "Current", "CSV"), (None, "All", "Parquet"), ("Enabled", "All", "ORC"),
         ("Suspended", "Current", "JSON")]


@pytest.mark.parametrize("versioning,versions,fmt", CASES)
def test_changes_equal_difference_of_full_reports(server, s3, dest, tmp_path, versioning,
                                                  versions, fmt):
    src = ("chg-%s-%s-%s" % (versioning or "plain", versions, fmt)).lower()
    acl_bucket(s3, src)
    if versioning:  # Suspended: versions first, then null versions on top of them
        s3.put_bucket_versioning(Bucket=src, VersioningConfiguration={"Status": "Enabled"})
    keys = ["d/k%02d" % i for i in range(24)] + ["other/x", "other/y"]
    for k in keys[::2]:
        s3.put_object(Bucket=src, Key=k, Body=os.urandom(8))
    if versioning == "Suspended":
        s3.put_bucket_versioning(Bucket=src, VersioningConfiguration={"Status": versioning})
    status, _, body = raw_put(server, src, "chg", xml_config("chg", versions, fmt,
                                                             prefix="d/"))
    assert status == 204, body
    status, _, body = raw_put(server, src, "full", xml_config("full", versions, fmt,
                                                              report_type=None, prefix="d/"))
    assert status == 204, body
    all_versions = versions == "All"
    writer = Writer(s3, src, keys, zlib.crc32(src.encode()))
    writer.start()
    try:
        while writer.ops < 20:
            time.sleep(0.05)
        # the baseline is taken while the writer goes on (held inside its scan a while)
        cols, rows = report(server, s3, src, "chg", "2026-01-01T00:01:00Z", tmp_path,
                            {"STOCKTAKE_TEST_DELAY_AFTER_FIRST_ROW_MS": "400"})
        ops_at_baseline = writer.ops
        while writer.ops < ops_at_baseline + 60:
            time.sleep(0.05)
    finally:
        writer.stop_flag.set()
        writer.join()
    assert not writer.errors, writer.errors
    assert cols[-1] in ("EventType", "event_type")
    assert rows and all(r[-1] == "Created" for r in rows)
    base = keyed(cols[:-1], [r[:-1] for r in rows], all_versions)
    # a change report and a full report of the same state
    ccols, crows = report(server, s3, src, "chg", "2026-01-01T00:02:00Z", tmp_path)
    fcols, frows = report(server, s3, src, "full", "2026-01-01T00:02:00Z", tmp_path)
    assert ccols == cols and fcols == cols[:-1]
    full = keyed(fcols, frows, all_versions)
    want = expected_changes(fcols, base, full, all_versions)
    got = {}
    for r in crows:
        k = tuple(r[i] for i in [0, 1, 2][: 3 if all_versions else 2])[1:]
        assert k not in got, k
        got[k] = (tuple(r[:-1]), r[-1])
    assert got == want
    events = {e for _, e in got.values()}
    assert "Created" in events and "Deleted" in events, events
    if not all_versions:
        assert "Overwritten" in events, events
    # the run records say how each was made
    p = subprocess.run([BIN, "inventory", "status", "--data", server.data, "--bucket", src],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    lines = [ln for ln in p.stdout.splitlines() if " chg " in ln]
    assert "(changes from journal position" in lines[0], p.stdout
    assert "(full baseline: first change report)" in lines[1], p.stdout
    # the query DDL declares the extra column
    p = subprocess.run([BIN, "inventory", "ddl", "--data", server.data, "--bucket", src, "--id",
                        "chg"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "event_type string" in p.stdout, p.stdout
    assert "GROUP BY event_type" in p.stdout, p.stdout
    # retention: what no Changes configuration diffs from any more is pruned
    assert journal_rows(server, src) == 0


def test_changes_follow_the_filter_and_a_replaced_configuration(server, s3, dest, tmp_path):
    """Extension filters apply to both sides (a version entering or leaving the filter is
    Created / Deleted); a disabled Changes configuration journals nothing; putting the
    configuration again makes the next report a full baseline."""
    src = "chg-filter"
    s3.create_bucket(Bucket=src)
    disabled = xml_config("f", "Current", "CSV").replace(
        b"<IsEnabled>true</IsEnabled>", b"<IsEnabled>false</IsEnabled>")
    assert raw_put(server, src, "f", disabled)[0] == 204
    s3.put_object(Bucket=src, Key="d/grow", Body=b"x" * 5)
    s3.put_object(Bucket=src, Key="d/shrink", Body=b"x" * 50)
    s3.put_object(Bucket=src, Key="d/stay", Body=b"x" * 50)
    assert journal_rows(server, src) == 0
    body = xml_config("f", "Current", "CSV").replace(
        b"<IncludedObjectVersions>Current</IncludedObjectVersions>",
        b"<IncludedObjectVersions>Current</IncludedObjectVersions>"
        b"<Filter><Prefix>d/</Prefix><SizeAtLeast>10</SizeAtLeast></Filter>")
    assert raw_put(server, src, "f", body)[0] == 204
    cols, rows = report(server, s3, src, "f", "2026-01-01T00:01:00Z", tmp_path)
    k = cols.index("Key")
    assert sorted((r[k], r[-1]) for r in rows) == [("d/shrink", "Created"),
                                                  ("d/stay", "Created")]
    s3.put_object(Bucket=src, Key="d/grow", Body=b"y" * 20)
    s3.put_object(Bucket=src, Key="d/shrink", Body=b"y" * 5)
    s3.put_object(Bucket=src, Key="d/small", Body=b"y")
    s3.put_object(Bucket=src, Key="other/big", Body=b"y" * 100)
    cols, rows = report(server, s3, src, "f", "2026-01-01T00:02:00Z", tmp_path)
    assert sorted((r[k], r[-1]) for r in rows) == [("d/grow", "Created"),
                                                  ("d/shrink", "Deleted")]
    deleted = [r for r in rows if r[-1] == "Deleted"][0]
    assert deleted[cols.index("Size")] == "50"  # its values then
    assert raw_put(server, src, "f", body)[0] == 204  # the configuration again
    cols, rows = report(server, s3, src, "f", "2026-01-01T00:03:00Z", tmp_path)
    assert sorted((r[k], r[-1]) for r in rows) == [("d/grow", "Created"),
                                                  ("d/stay", "Created")]
    p = subprocess.run([BIN, "inventory", "status", "--data", server.data, "--bucket", src],
                       capture_output=True, text=True, timeout=60)
    assert "(full baseline: the configuration changed since the previous report)" in \
        p.stdout.splitlines()[1], p.stdout


def test_report_type_from_the_cli(server, s3, dest):
    s3.create_bucket(Bucket="chg-cli")
    base = [BIN, "inventory", "put", "--data", server.data, "--bucket", "chg-cli", "--id", "c",
            "--destination", DEST, "--versions", "All"]
    p = subprocess.run(base + ["--report-type", "Changes"], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    assert raw_get(server, "chg-cli", "c").endswith(
        "<ReportType>Changes</ReportType></InventoryConfiguration>")
    s3.put_object(Bucket="chg-cli", Key="k", Body=b"x")
    assert journal_rows(server, "chg-cli") == 1
    p = subprocess.run(base + ["--report-type", "Delta"], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 1 and "MalformedXML" in p.stderr, p.stderr
    p = subprocess.run(base, capture_output=True, text=True, timeout=60)  # absent: Full
    assert p.returncode == 0, p.stderr
    assert "ReportType" not in raw_get(server, "chg-cli", "c")
    assert journal_rows(server, "chg-cli") == 0
