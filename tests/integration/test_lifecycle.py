"""Lifecycle: Put/Get/DeleteBucketLifecycleConfiguration with AWS's errors, and the worker
inside serve applying the rules with a 2-second lifecycle day (--lifecycle-day-seconds 2)."""
import subprocess
import time

import pytest
from botocore.exceptions import ClientError

from conftest import BIN, error_code, serve_checked


@pytest.fixture(scope="module")
def lcsrv():
    yield from serve_checked(["--lifecycle-day-seconds", "2"])


@pytest.fixture(scope="module")
def s3(lcsrv):
    return lcsrv.client()


def rule(**kw):
    r = {"ID": "r1", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 1}}
    r.update(kw)
    return r


def test_put_stores_the_configuration_get_answers_it_delete_removes_it(s3):
    """A valid configuration is stored (the worker applies it); Get answers its rules and
    Delete removes it."""
    s3.create_bucket(Bucket="lc1")
    with pytest.raises(ClientError) as ei:
        s3.get_bucket_lifecycle_configuration(Bucket="lc1")
    assert error_code(ei.value) == "NoSuchLifecycleConfiguration"
    s3.put_bucket_lifecycle_configuration(Bucket="lc1", LifecycleConfiguration={"Rules": [rule()]})
    got = s3.get_bucket_lifecycle_configuration(Bucket="lc1")["Rules"]
    assert [(r["ID"], r["Status"], r["Expiration"]["Days"]) for r in got] == [("r1", "Enabled", 1)]
    s3.delete_bucket_lifecycle(Bucket="lc1")
    with pytest.raises(ClientError) as ei:
        s3.get_bucket_lifecycle_configuration(Bucket="lc1")
    assert error_code(ei.value) == "NoSuchLifecycleConfiguration"


def test_rules_without_an_id_get_one(s3):
    """AWS gives a rule sent without an ID one of its own; Get answers it."""
    s3.create_bucket(Bucket="lc-noid")
    lifecycle(s3, "lc-noid", {"Status": "Enabled", "Prefix": "a/", "Expiration": {"Days": 31}},
              {"ID": "b", "Status": "Enabled", "Prefix": "b/", "Expiration": {"Days": 120}},
              {"Status": "Enabled", "Prefix": "c/", "Expiration": {"Days": 200}})
    got = s3.get_bucket_lifecycle_configuration(Bucket="lc-noid")["Rules"]
    ids = [r["ID"] for r in got]
    assert [r["Prefix"] for r in got] == ["a/", "b/", "c/"]
    assert ids[1] == "b" and len(ids[0]) == 48 and len(ids[2]) == 48 and ids[0] != ids[2]
    assert [r["Expiration"]["Days"] for r in got] == [31, 120, 200]
    # the generated ID is the rule's: x-amz-expiration names it
    put = s3.put_object(Bucket="lc-noid", Key="a/x", Body=b"x")
    assert _expiration(put["Expiration"])[1] == ids[0]
    assert s3.get_bucket_lifecycle_configuration(Bucket="lc-noid")["Rules"] == got


@pytest.mark.parametrize("rules,code", [
    ([rule(ID="x" * 256)], "InvalidArgument"),
    ([rule(), rule()], "InvalidArgument"),
    ([rule(Expiration={"Days": 0})], "InvalidArgument"),
    ([rule(Status="On")], "MalformedXML"),
    ([{"ID": "a", "Status": "Enabled", "Filter": {"Prefix": ""}}], "InvalidRequest"),
])
def test_put_errors(s3, rules, code):
    s3.create_bucket(Bucket="lc2")
    with pytest.raises(ClientError) as ei:
        s3.put_bucket_lifecycle_configuration(Bucket="lc2", LifecycleConfiguration={"Rules": rules})
    assert error_code(ei.value) == code


def test_put_needs_an_integrity_header(lcsrv, s3):
    """PutBucketLifecycleConfiguration without Content-MD5 or an x-amz-checksum-* header is
    400 InvalidRequest (nothing stored), as AWS; with Content-MD5 it is stored."""
    import base64
    import hashlib
    from sigv4 import signed_request

    s3.create_bucket(Bucket="lc-md5")
    body = (b'<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule>'
            b'<ID>m</ID><Filter><Prefix>x/</Prefix></Filter><Status>Enabled</Status>'
            b'<Expiration><Days>3</Days></Expiration></Rule></LifecycleConfiguration>')
    status, _, resp = signed_request(lcsrv, "PUT", "/lc-md5", query=[("lifecycle", "")],
                                     body=body)
    assert status == 400 and b"<Code>InvalidRequest</Code>" in resp, resp
    with pytest.raises(ClientError) as ei:
        s3.get_bucket_lifecycle_configuration(Bucket="lc-md5")
    assert error_code(ei.value) == "NoSuchLifecycleConfiguration"
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    status, _, resp = signed_request(lcsrv, "PUT", "/lc-md5", query=[("lifecycle", "")],
                                     body=body, headers={"content-md5": md5})
    assert status == 200, resp
    assert [r["ID"] for r in s3.get_bucket_lifecycle_configuration(Bucket="lc-md5")["Rules"]] == [
        "m"]


# ---- the worker (a "day" is 2 s; the worker looks every second) ----

def wait_for(what, cond, timeout=30):
    """Poll cond() until it is true (deadline timeout seconds)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return
        time.sleep(0.25)
    raise AssertionError("timed out waiting for " + what)


def keys(s3, bucket):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


def versions(s3, bucket):
    """[(key, version id, is latest, is delete marker)], newest first per key."""
    r = s3.list_object_versions(Bucket=bucket)
    out = [(v["Key"], v["VersionId"], v["IsLatest"], False) for v in r.get("Versions", [])]
    out += [(v["Key"], v["VersionId"], v["IsLatest"], True) for v in r.get("DeleteMarkers", [])]
    return out


def lifecycle(s3, bucket, *rules):
    s3.put_bucket_lifecycle_configuration(Bucket=bucket,
                                          LifecycleConfiguration={"Rules": list(rules)})


def test_expiration_days_deletes_matching_objects_only(s3):
    s3.create_bucket(Bucket="lc-days")
    for k in ("logs/a", "logs/b", "keep/c"):
        s3.put_object(Bucket="lc-days", Key=k, Body=b"x")
    lifecycle(s3, "lc-days", rule())
    wait_for("logs/ to expire", lambda: keys(s3, "lc-days") == ["keep/c"])
    assert versions(s3, "lc-days") == [("keep/c", "null", True, False)]


def test_expiration_date_in_the_past_deletes_at_once(s3):
    s3.create_bucket(Bucket="lc-date")
    s3.put_object(Bucket="lc-date", Key="logs/old", Body=b"x")
    s3.put_object(Bucket="lc-date", Key="other", Body=b"x")
    lifecycle(s3, "lc-date", rule(Expiration={"Date": "2020-01-01T00:00:00Z"}))
    wait_for("logs/old to expire", lambda: keys(s3, "lc-date") == ["other"])


def test_expiration_date_in_the_future_leaves_objects(s3):
    s3.create_bucket(Bucket="lc-future")
    s3.put_object(Bucket="lc-future", Key="logs/new", Body=b"x")
    lifecycle(s3, "lc-future", rule(Expiration={"Date": "2099-01-01T00:00:00Z"}),
              rule(ID="r2", Filter={"Prefix": "gone/"}))
    s3.put_object(Bucket="lc-future", Key="gone/x", Body=b"x")
    wait_for("gone/x to expire", lambda: keys(s3, "lc-future") == ["logs/new"])


def test_versioned_bucket_expiry_adds_a_delete_marker(s3):
    s3.create_bucket(Bucket="lc-ver")
    s3.put_bucket_versioning(Bucket="lc-ver", VersioningConfiguration={"Status": "Enabled"})
    vid = s3.put_object(Bucket="lc-ver", Key="logs/a", Body=b"x")["VersionId"]
    lifecycle(s3, "lc-ver", rule())
    wait_for("a delete marker", lambda: keys(s3, "lc-ver") == [])
    v = versions(s3, "lc-ver")
    assert ("logs/a", vid, False, False) in v
    markers = [x for x in v if x[3]]
    assert len(markers) == 1 and markers[0][2] is True
    # the marker stays: the noncurrent version is still there, and nothing expires it
    time.sleep(3)
    assert len(versions(s3, "lc-ver")) == 2


def test_noncurrent_expiration_keeps_newer_noncurrent_versions(s3):
    s3.create_bucket(Bucket="lc-nc")
    s3.put_bucket_versioning(Bucket="lc-nc", VersioningConfiguration={"Status": "Enabled"})
    vids = [s3.put_object(Bucket="lc-nc", Key="k", Body=b"%d" % i)["VersionId"] for i in range(4)]
    lifecycle(s3, "lc-nc", {"ID": "nc", "Status": "Enabled", "Filter": {"Prefix": ""},
                            "NoncurrentVersionExpiration": {"NoncurrentDays": 1,
                                                            "NewerNoncurrentVersions": 1}})
    wait_for("old noncurrent versions to go", lambda: len(versions(s3, "lc-nc")) == 2)
    v = versions(s3, "lc-nc")
    assert [x[1] for x in v] == [vids[3], vids[2]]
    assert v[0][2] is True and v[1][2] is False


def test_expired_object_delete_marker_is_removed(s3):
    s3.create_bucket(Bucket="lc-dm")
    s3.put_bucket_versioning(Bucket="lc-dm", VersioningConfiguration={"Status": "Enabled"})
    vid = s3.put_object(Bucket="lc-dm", Key="gone", Body=b"x")["VersionId"]
    s3.delete_object(Bucket="lc-dm", Key="gone")
    s3.put_object(Bucket="lc-dm", Key="kept", Body=b"x")
    s3.delete_object(Bucket="lc-dm", Key="kept")  # a marker with a noncurrent version stays
    s3.delete_object(Bucket="lc-dm", Key="gone", VersionId=vid)
    lifecycle(s3, "lc-dm", {"ID": "dm", "Status": "Enabled", "Filter": {"Prefix": ""},
                            "Expiration": {"ExpiredObjectDeleteMarker": True}})
    wait_for("the sole marker to go",
             lambda: sorted(set(x[0] for x in versions(s3, "lc-dm"))) == ["kept"])
    assert len(versions(s3, "lc-dm")) == 2


def test_incomplete_uploads_are_aborted(s3):
    s3.create_bucket(Bucket="lc-mpu")
    old = s3.create_multipart_upload(Bucket="lc-mpu", Key="tmp/big")["UploadId"]
    s3.upload_part(Bucket="lc-mpu", Key="tmp/big", UploadId=old, PartNumber=1, Body=b"p" * 10)
    other = s3.create_multipart_upload(Bucket="lc-mpu", Key="keep/big")["UploadId"]
    lifecycle(s3, "lc-mpu", {"ID": "mpu", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
                             "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}})

    def uploads():
        return [u["UploadId"] for u in s3.list_multipart_uploads(Bucket="lc-mpu").get("Uploads", [])]
    wait_for("tmp/big's upload to be aborted", lambda: uploads() == [other])
    with pytest.raises(ClientError) as ei:
        s3.list_parts(Bucket="lc-mpu", Key="tmp/big", UploadId=old)
    assert error_code(ei.value) == "NoSuchUpload"


def test_tag_filter_selects_tagged_objects(s3):
    s3.create_bucket(Bucket="lc-tag")
    s3.put_object(Bucket="lc-tag", Key="a", Body=b"x", Tagging="class=temp&team=x")
    s3.put_object(Bucket="lc-tag", Key="b", Body=b"x", Tagging="class=keep")
    s3.put_object(Bucket="lc-tag", Key="c", Body=b"x")
    lifecycle(s3, "lc-tag", {"ID": "t", "Status": "Enabled",
                             "Filter": {"Tag": {"Key": "class", "Value": "temp"}},
                             "Expiration": {"Days": 1}})
    wait_for("the tagged object to expire", lambda: keys(s3, "lc-tag") == ["b", "c"])


def test_size_filter_selects_by_size(s3):
    s3.create_bucket(Bucket="lc-size")
    s3.put_object(Bucket="lc-size", Key="small", Body=b"x" * 10)
    s3.put_object(Bucket="lc-size", Key="mid", Body=b"x" * 500)
    s3.put_object(Bucket="lc-size", Key="big", Body=b"x" * 5000)
    lifecycle(s3, "lc-size", {"ID": "s", "Status": "Enabled",
                              "Filter": {"And": {"Prefix": "", "ObjectSizeGreaterThan": 100,
                                                 "ObjectSizeLessThan": 1000}},
                              "Expiration": {"Days": 1}})
    wait_for("the mid-sized object to expire", lambda: keys(s3, "lc-size") == ["big", "small"])


def test_disabled_rules_do_nothing(s3):
    s3.create_bucket(Bucket="lc-off")
    s3.put_object(Bucket="lc-off", Key="logs/a", Body=b"x")
    s3.put_object(Bucket="lc-off", Key="tmp/b", Body=b"x")
    lifecycle(s3, "lc-off", rule(Status="Disabled"), rule(ID="on", Filter={"Prefix": "tmp/"}))
    wait_for("tmp/b to expire", lambda: keys(s3, "lc-off") == ["logs/a"])


def test_transition_changes_the_storage_class_in_head_and_listings(s3):
    s3.create_bucket(Bucket="lc-tr")
    s3.put_bucket_versioning(Bucket="lc-tr", VersioningConfiguration={"Status": "Enabled"})
    old = s3.put_object(Bucket="lc-tr", Key="cold/a", Body=b"x")["VersionId"]
    s3.put_object(Bucket="lc-tr", Key="cold/a", Body=b"y")
    s3.put_object(Bucket="lc-tr", Key="hot/b", Body=b"x")
    lifecycle(s3, "lc-tr", {"ID": "tr", "Status": "Enabled", "Filter": {"Prefix": "cold/"},
                            "Transitions": [{"Days": 0, "StorageClass": "STANDARD_IA"}],
                            "NoncurrentVersionTransitions": [
                                {"NoncurrentDays": 1, "StorageClass": "ONEZONE_IA"}]})
    wait_for("the transition", lambda: s3.head_object(Bucket="lc-tr", Key="cold/a").get(
        "StorageClass") == "STANDARD_IA")
    wait_for("the noncurrent transition", lambda: s3.head_object(
        Bucket="lc-tr", Key="cold/a", VersionId=old).get("StorageClass") == "ONEZONE_IA")
    assert "StorageClass" not in s3.head_object(Bucket="lc-tr", Key="hot/b")
    listed = {o["Key"]: o["StorageClass"] for o in s3.list_objects_v2(Bucket="lc-tr")["Contents"]}
    assert listed == {"cold/a": "STANDARD_IA", "hot/b": "STANDARD"}
    assert s3.get_object(Bucket="lc-tr", Key="cold/a")["Body"].read() == b"y"


def test_lifecycle_status_counts_actions_per_bucket_and_the_log_names_them(lcsrv, s3):
    s3.create_bucket(Bucket="lc-stat")
    s3.put_bucket_versioning(Bucket="lc-stat", VersioningConfiguration={"Status": "Enabled"})
    for k in ("a", "b"):
        s3.put_object(Bucket="lc-stat", Key="logs/" + k, Body=b"x")
    s3.create_multipart_upload(Bucket="lc-stat", Key="logs/mpu")
    lifecycle(s3, "lc-stat", rule(AbortIncompleteMultipartUpload={"DaysAfterInitiation": 1}))
    s3.create_bucket(Bucket="lc-stat-idle")
    lifecycle(s3, "lc-stat-idle", rule(Status="Disabled"), rule(ID="r2"))

    def status():
        out = subprocess.run([BIN, "lifecycle", "status", "--data", lcsrv.data],
                             capture_output=True, text=True, check=True).stdout
        return out
    wait_for("the counts", lambda: "lc-stat                  Expiration" in status() and
             "AbortIncompleteMultipartUpload" in status())
    lines = [ln.split() for ln in status().splitlines()]
    counts = {(ln[0], ln[1]): int(ln[2]) for ln in lines if len(ln) == 4 and ln[2].isdigit()}
    assert counts[("lc-stat", "Expiration")] == 2
    assert counts[("lc-stat", "AbortIncompleteMultipartUpload")] == 1
    assert ["lc-stat-idle", "2", "rules,", "1", "enabled"] in lines
    assert ["lc-stat", "1", "rules,", "1", "enabled"] in lines
    one = subprocess.run([BIN, "lifecycle", "status", "--data", lcsrv.data, "--bucket",
                          "lc-stat-idle"], capture_output=True, text=True, check=True).stdout
    assert "lc-stat " not in one and "lc-stat-idle" in one
    log = lcsrv.read_log()
    assert 'lifecycle: Expiration lc-stat/logs/a version' in log and 'rule "r1"' in log
    assert "lifecycle: AbortIncompleteMultipartUpload lc-stat/logs/mpu" in log
    bad = subprocess.run([BIN, "lifecycle", "nope"], capture_output=True, text=True)
    assert bad.returncode == 2 and "usage: stocktake lifecycle status" in bad.stderr


def _expiration(value):
    """(expiry date as epoch seconds, rule id) of an x-amz-expiration value."""
    import email.utils
    import re
    import urllib.parse
    m = re.fullmatch(r'expiry-date="([^"]+)", rule-id="([^"]*)"', value)
    assert m, value
    return (email.utils.parsedate_to_datetime(m.group(1)).timestamp(),
            urllib.parse.unquote(m.group(2)))


def test_x_amz_expiration_on_put_get_head_copy_and_complete(s3):
    s3.create_bucket(Bucket="lc-hdr")
    lifecycle(s3, "lc-hdr", rule(ID="keep 100 days", Expiration={"Days": 100}),
              rule(ID="until/2099", Filter={"Prefix": "dated/"},
                   Expiration={"Date": "2099-01-01T00:00:00Z"}),
              rule(ID="off", Status="Disabled", Filter={"Prefix": "other/"}))
    put = s3.put_object(Bucket="lc-hdr", Key="logs/a", Body=b"x")
    head = s3.head_object(Bucket="lc-hdr", Key="logs/a")
    lm = head["LastModified"].timestamp()
    when, rid = _expiration(put["Expiration"])
    # 100 two-second days after the write, rounded up to the next day boundary
    assert rid == "keep 100 days" and lm + 200 <= when <= lm + 203 and when % 2 == 0
    assert _expiration(head["Expiration"]) == (when, rid)
    assert _expiration(s3.get_object(Bucket="lc-hdr", Key="logs/a")["Expiration"]) == (when, rid)
    assert 'rule-id="keep%20100%20days"' in put["Expiration"]
    dated = s3.put_object(Bucket="lc-hdr", Key="dated/b", Body=b"x")
    assert dated["Expiration"] == 'expiry-date="Thu, 01 Jan 2099 00:00:00 GMT", rule-id="until%2F2099"'
    copy = s3.copy_object(Bucket="lc-hdr", Key="logs/c", CopySource="lc-hdr/dated/b")
    assert _expiration(copy["Expiration"])[1] == "keep 100 days"
    up = s3.create_multipart_upload(Bucket="lc-hdr", Key="dated/m")["UploadId"]
    etag = s3.upload_part(Bucket="lc-hdr", Key="dated/m", UploadId=up, PartNumber=1,
                          Body=b"m")["ETag"]
    done = s3.complete_multipart_upload(Bucket="lc-hdr", Key="dated/m", UploadId=up,
                                        MultipartUpload={"Parts": [{"ETag": etag,
                                                                    "PartNumber": 1}]})
    assert _expiration(done["Expiration"])[1] == "until/2099"
    # no rule: no header; a changed configuration is seen at once
    assert "Expiration" not in s3.put_object(Bucket="lc-hdr", Key="other/x", Body=b"x")
    s3.delete_bucket_lifecycle(Bucket="lc-hdr")
    assert "Expiration" not in s3.head_object(Bucket="lc-hdr", Key="logs/a")


# ---- inventory: LifecycleExpirationDate, and the seed's advice for report destinations ----

def _report_rows(s3, dest, fmt, tmp_path):
    """The rows of the (only) report in dest as {(key, is latest): (LastModifiedDate,
    LifecycleExpirationDate)}, ISO-8601 strings ("" for none), read per format: CSV by hand,
    Parquet with DuckDB, ORC with the suite's reader."""
    import csv
    import gzip
    import io
    import urllib.parse
    import orc_reader
    from test_inventory_orc import orc_ts
    from test_inventory_parquet import duck_ts, duckdb_rows
    from test_inventory_reports import fetch_report
    manifest_key = next(k for k in keys(s3, dest) if k.endswith("manifest.json"))
    manifest, files = fetch_report(s3, dest, manifest_key, tmp_path)
    assert manifest["fileFormat"] == fmt
    out = {}
    if fmt == "CSV":
        columns = manifest["fileSchema"].split(", ")
        for f in files:
            for rec in csv.reader(io.StringIO(gzip.decompress(open(f, "rb").read()).decode())):
                r = dict(zip(columns, rec))
                out[(urllib.parse.unquote_plus(r["Key"]), r["IsLatest"] == "true")] = (
                    r["LastModifiedDate"], r["LifecycleExpirationDate"])
    elif fmt == "Parquet":
        assert "optional int64 lifecycle_expiration_date (TIMESTAMP(MILLIS,true));" in \
            manifest["fileSchema"]
        for r in duckdb_rows(files):
            out[(r["key"], r["is_latest"])] = (
                duck_ts(r["last_modified_date"]),
                duck_ts(r["lifecycle_expiration_date"]) if r["lifecycle_expiration_date"] else "")
    else:
        assert ",lifecycle_expiration_date:timestamp>" in manifest["fileSchema"]
        for f in files:
            with open(f, "rb") as fh:
                for r in orc_reader.OrcFile(fh.read()).rows():
                    exp = r["lifecycle_expiration_date"]
                    out[(r["key"], r["is_latest"])] = (orc_ts(r["last_modified_date"]),
                                                       orc_ts(exp) if exp else "")
    return out


def _iso(epoch):
    import datetime
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z")


def _epoch(iso):
    import datetime
    return datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


@pytest.mark.parametrize("fmt", ["CSV", "Parquet", "ORC"])
def test_inventory_lifecycle_expiration_date_column(lcsrv, s3, tmp_path, fmt):
    from conftest import allow_inventory_delivery
    from test_inventory_reports import config, run_inventory
    src, dest = "lc-inv-src-" + fmt.lower(), "lc-inv-dest-" + fmt.lower()
    s3.create_bucket(Bucket=src)
    s3.put_bucket_versioning(Bucket=src, VersioningConfiguration={"Status": "Enabled"})
    s3.create_bucket(Bucket=dest)
    allow_inventory_delivery(lcsrv, s3, dest)
    lifecycle(s3, src, rule(ID="cur", Expiration={"Days": 100}),
              {"ID": "nc", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
               "NoncurrentVersionExpiration": {"NoncurrentDays": 50}},
              {"ID": "tag", "Status": "Enabled", "Filter": {"Tag": {"Key": "t", "Value": "1"}},
               "Expiration": {"Date": "2099-01-01T00:00:00Z"}})
    s3.put_object(Bucket=src, Key="logs/a", Body=b"1")
    s3.put_object(Bucket=src, Key="logs/a", Body=b"2")
    s3.put_object(Bucket=src, Key="tagged", Body=b"x", Tagging="t=1")
    s3.put_object(Bucket=src, Key="plain", Body=b"x")
    s3.put_bucket_inventory_configuration(
        Bucket=src, Id="lc", InventoryConfiguration=config(
            "lc", dest, versions="All", fmt=fmt,
            fields=["LastModifiedDate", "LifecycleExpirationDate"]))
    # the report's days are the server's: `inventory run` takes the same day length
    run_inventory(lcsrv, src, "lc", "--lifecycle-day-seconds", "2")
    rows = _report_rows(s3, dest, fmt, tmp_path)
    assert len(rows) == 4
    when, rid = _expiration(s3.head_object(Bucket=src, Key="logs/a")["Expiration"])
    assert rid == "cur" and rows[("logs/a", True)][1] == _iso(when)
    # the noncurrent version: 50 days after its successor was written, at a day boundary
    succ, nc = _epoch(rows[("logs/a", True)][0]), _epoch(rows[("logs/a", False)][1])
    assert succ + 100 <= nc <= succ + 102 and nc % 2 == 0
    assert rows[("tagged", True)][1] == "2099-01-01T00:00:00.000Z"
    assert rows[("plain", True)][1] == ""


@pytest.mark.parametrize("fmt", ["CSV", "Parquet", "ORC"])
def test_transitions_are_visible_in_reports(lcsrv, s3, tmp_path, fmt):
    """A version a Transition moved shows its new StorageClass in the inventory report (CSV,
    Parquet read by DuckDB, ORC by the suite's reader), as HEAD does; one moved to
    INTELLIGENT_TIERING is in its FREQUENT tier, the others have no tier."""
    import csv
    import gzip
    import io
    import orc_reader
    from conftest import allow_inventory_delivery
    from test_inventory_parquet import duckdb_rows
    from test_inventory_reports import config, fetch_report, run_inventory
    src, dest = "lc-trinv-src-" + fmt.lower(), "lc-trinv-dest-" + fmt.lower()
    s3.create_bucket(Bucket=src)
    s3.create_bucket(Bucket=dest)
    allow_inventory_delivery(lcsrv, s3, dest)
    for k in ("cold/a", "it/b", "hot/c"):
        s3.put_object(Bucket=src, Key=k, Body=b"x")
    lifecycle(s3, src, {"ID": "g", "Status": "Enabled", "Filter": {"Prefix": "cold/"},
                        "Transitions": [{"Days": 0, "StorageClass": "GLACIER"}]},
              {"ID": "it", "Status": "Enabled", "Filter": {"Prefix": "it/"},
               "Transitions": [{"Days": 0, "StorageClass": "INTELLIGENT_TIERING"}]})
    wait_for("the transitions", lambda: (
        s3.head_object(Bucket=src, Key="cold/a").get("StorageClass"),
        s3.head_object(Bucket=src, Key="it/b").get("StorageClass")) == (
        "GLACIER", "INTELLIGENT_TIERING"))
    s3.put_bucket_inventory_configuration(Bucket=src, Id="tr", InventoryConfiguration=config(
        "tr", dest, fmt=fmt, fields=["StorageClass", "IntelligentTieringAccessTier"]))
    p = run_inventory(lcsrv, src, "tr", "--lifecycle-day-seconds", "2")
    manifest, files = fetch_report(s3, dest, p.stdout.strip(), tmp_path)
    rows = {}
    if fmt == "CSV":
        columns = [c.strip() for c in manifest["fileSchema"].split(",")]
        for f in files:
            for rec in csv.reader(io.StringIO(gzip.decompress(open(f, "rb").read()).decode())):
                r = dict(zip(columns, rec))
                rows[r["Key"].replace("%2F", "/")] = (r["StorageClass"],
                                                      r["IntelligentTieringAccessTier"])
    else:
        if fmt == "Parquet":
            got = duckdb_rows(files)
        else:
            got = [r for f in files for r in orc_reader.OrcFile(open(f, "rb").read()).rows()]
        for r in got:
            rows[r["key"]] = (r["storage_class"], r["intelligent_tiering_access_tier"] or "")
    assert rows == {"cold/a": ("GLACIER", ""), "it/b": ("INTELLIGENT_TIERING", "FREQUENT"),
                    "hot/c": ("STANDARD", "")}, rows


def test_a_lifecycle_rule_on_the_report_prefix_expires_old_reports(lcsrv, s3):
    """The seed's advice: a lifecycle policy on the destination deletes old inventory lists
    (data files, manifests, symlinks) and leaves the rest of the bucket alone."""
    from conftest import allow_inventory_delivery
    from test_inventory_reports import config, run_inventory
    s3.create_bucket(Bucket="lc-rep-src")
    s3.put_object(Bucket="lc-rep-src", Key="k", Body=b"x")
    s3.create_bucket(Bucket="lc-rep-dest")
    allow_inventory_delivery(lcsrv, s3, "lc-rep-dest")
    s3.put_object(Bucket="lc-rep-dest", Key="notes/keep.txt", Body=b"x")
    s3.put_bucket_inventory_configuration(
        Bucket="lc-rep-src", Id="daily",
        InventoryConfiguration=config("daily", "lc-rep-dest", prefix="reports"))
    run_inventory(lcsrv, "lc-rep-src", "daily")
    delivered = [k for k in keys(s3, "lc-rep-dest") if k.startswith("reports/")]
    assert any(k.endswith("manifest.json") for k in delivered)
    assert any(k.endswith("manifest.checksum") for k in delivered)
    assert any("/data/" in k for k in delivered) and any("symlink.txt" in k for k in delivered)
    lifecycle(s3, "lc-rep-dest", rule(ID="old-reports", Filter={"Prefix": "reports/"}))
    wait_for("the reports to expire", lambda: keys(s3, "lc-rep-dest") == ["notes/keep.txt"])


# ---- with Object Lock, archives and Intelligent-Tiering ----

def _status_counts(srv):
    """{(bucket, action): count} from `stocktake lifecycle status`."""
    out = subprocess.run([BIN, "lifecycle", "status", "--data", srv.data],
                         capture_output=True, text=True, check=True).stdout
    lines = [ln.split() for ln in out.splitlines()]
    return {(ln[0], ln[1]): int(ln[2]) for ln in lines if len(ln) == 4 and ln[2].isdigit()}


def test_noncurrent_expiration_leaves_versions_object_lock_protects(lcsrv, s3):
    """A NoncurrentVersionExpiration removes the unprotected noncurrent version and leaves the
    ones under a GOVERNANCE retention or a legal hold (counted as SkippedObjectLock)."""
    import datetime
    far = datetime.datetime(2099, 1, 1, tzinfo=datetime.timezone.utc)
    s3.create_bucket(Bucket="lc-lock", ObjectLockEnabledForBucket=True)
    held = s3.put_object(Bucket="lc-lock", Key="k", Body=b"0",
                         ObjectLockLegalHoldStatus="ON")["VersionId"]
    retained = s3.put_object(Bucket="lc-lock", Key="k", Body=b"1", ObjectLockMode="GOVERNANCE",
                             ObjectLockRetainUntilDate=far)["VersionId"]
    plain = s3.put_object(Bucket="lc-lock", Key="k", Body=b"2")["VersionId"]
    current = s3.put_object(Bucket="lc-lock", Key="k", Body=b"3")["VersionId"]
    lifecycle(s3, "lc-lock", {"ID": "nc", "Status": "Enabled", "Filter": {"Prefix": ""},
                              "NoncurrentVersionExpiration": {"NoncurrentDays": 1}})
    wait_for("the unprotected noncurrent version to go",
             lambda: plain not in [x[1] for x in versions(s3, "lc-lock")])
    # the protected versions became noncurrent earlier than the removed one: they were due too
    wait_for("the skips to be counted",
             lambda: _status_counts(lcsrv).get(("lc-lock", "SkippedObjectLock"), 0) >= 2)
    assert [x[1] for x in versions(s3, "lc-lock")] == [current, retained, held]
    assert s3.get_object(Bucket="lc-lock", Key="k", VersionId=held)["Body"].read() == b"0"
    assert s3.get_object(Bucket="lc-lock", Key="k", VersionId=retained)["Body"].read() == b"1"
    assert _status_counts(lcsrv)[("lc-lock", "NoncurrentVersionExpiration")] == 1
    # once the hold is lifted the next pass removes that version; the retained one stays
    s3.put_object_legal_hold(Bucket="lc-lock", Key="k", VersionId=held,
                             LegalHold={"Status": "OFF"})
    wait_for("the released version to go",
             lambda: [x[1] for x in versions(s3, "lc-lock")] == [current, retained])
    assert _status_counts(lcsrv)[("lc-lock", "NoncurrentVersionExpiration")] == 2
    s3.delete_object(Bucket="lc-lock", Key="k", VersionId=retained, BypassGovernanceRetention=True)


@pytest.fixture(scope="module")
def restoresrv():
    """A server whose restores take one (2-second) lifecycle day."""
    yield from serve_checked(["--lifecycle-day-seconds", "2", "--restore-days", "1"])


def test_transition_to_glacier_needs_a_restore_to_read(restoresrv):
    s3 = restoresrv.client()
    s3.create_bucket(Bucket="lc-glacier")
    s3.put_object(Bucket="lc-glacier", Key="cold/g", Body=b"frozen")
    s3.put_object(Bucket="lc-glacier", Key="warm/w", Body=b"warm")
    lifecycle(s3, "lc-glacier", {"ID": "g", "Status": "Enabled", "Filter": {"Prefix": "cold/"},
                                 "Transitions": [{"Days": 0, "StorageClass": "GLACIER"}]})
    wait_for("the transition to GLACIER", lambda: s3.head_object(
        Bucket="lc-glacier", Key="cold/g").get("StorageClass") == "GLACIER")
    assert "Restore" not in s3.head_object(Bucket="lc-glacier", Key="cold/g")
    with pytest.raises(ClientError) as ei:
        s3.get_object(Bucket="lc-glacier", Key="cold/g")
    assert error_code(ei.value) == "InvalidObjectState"
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert ei.value.response["Error"].get("StorageClass") == "GLACIER"
    assert s3.get_object(Bucket="lc-glacier", Key="warm/w")["Body"].read() == b"warm"
    r = s3.restore_object(Bucket="lc-glacier", Key="cold/g", RestoreRequest={"Days": 1})
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert s3.head_object(Bucket="lc-glacier", Key="cold/g")["Restore"] == 'ongoing-request="true"'

    def restored():
        return 'ongoing-request="false"' in s3.head_object(
            Bucket="lc-glacier", Key="cold/g").get("Restore", "")
    wait_for("the restore to finish", restored)
    got = s3.get_object(Bucket="lc-glacier", Key="cold/g")
    assert got["Body"].read() == b"frozen" and got["StorageClass"] == "GLACIER"
    # the rule does not move it again, and the restored copy expires: refused again
    wait_for("the restored copy to expire",
             lambda: "Restore" not in s3.head_object(Bucket="lc-glacier", Key="cold/g"))
    assert s3.head_object(Bucket="lc-glacier", Key="cold/g")["StorageClass"] == "GLACIER"
    with pytest.raises(ClientError) as ei:
        s3.get_object(Bucket="lc-glacier", Key="cold/g")
    assert error_code(ei.value) == "InvalidObjectState"


def test_transition_to_intelligent_tiering_starts_in_frequent_access(lcsrv, s3, tmp_path):
    from conftest import allow_inventory_delivery
    from test_tiering import _tiers
    s3.create_bucket(Bucket="lc-it")
    s3.create_bucket(Bucket="lc-it-dest")
    allow_inventory_delivery(lcsrv, s3, "lc-it-dest")
    s3.put_object(Bucket="lc-it", Key="it/a", Body=b"a")
    s3.put_object(Bucket="lc-it", Key="std", Body=b"s")
    lifecycle(s3, "lc-it", {"ID": "it", "Status": "Enabled", "Filter": {"Prefix": "it/"},
                            "Transitions": [{"Days": 0, "StorageClass": "INTELLIGENT_TIERING"}]})
    wait_for("the transition to INTELLIGENT_TIERING", lambda: s3.head_object(
        Bucket="lc-it", Key="it/a").get("StorageClass") == "INTELLIGENT_TIERING")
    (tmp_path / "0").mkdir()
    assert _tiers(lcsrv, s3, tmp_path, "lc-it", "lc-it-dest", 0) == {"it/a": "FREQUENT", "std": ""}
    assert s3.get_object(Bucket="lc-it", Key="it/a")["Body"].read() == b"a"


def test_restores_with_the_default_durations_finish_within_a_minute(s3):
    """Without --restore-days the retrieval times are AWS's typical ones counted in lifecycle
    days: with a 2-second day, a DEEP_ARCHIVE Bulk restore (48 h, 4 s) and GLACIER restores of
    every tier complete well within a minute, and the restored copies (kept 30 lifecycle days,
    a minute) are readable."""
    s3.create_bucket(Bucket="lc-thaw")
    s3.put_object(Bucket="lc-thaw", Key="deep", Body=b"d", StorageClass="DEEP_ARCHIVE")
    for tier in ("Expedited", "Standard", "Bulk"):
        s3.put_object(Bucket="lc-thaw", Key="g-" + tier, Body=tier.encode(), StorageClass="GLACIER")
        assert s3.restore_object(Bucket="lc-thaw", Key="g-" + tier, RestoreRequest={
            "Days": 30, "GlacierJobParameters": {"Tier": tier}})[
            "ResponseMetadata"]["HTTPStatusCode"] == 202
    start = time.time()
    s3.restore_object(Bucket="lc-thaw", Key="deep", RestoreRequest={
        "Days": 30, "GlacierJobParameters": {"Tier": "Bulk"}})
    assert s3.head_object(Bucket="lc-thaw", Key="deep")["Restore"] == 'ongoing-request="true"'
    wait_for("the deep restore", lambda: 'ongoing-request="false"' in s3.head_object(
        Bucket="lc-thaw", Key="deep").get("Restore", ""), timeout=60)
    # 48 hours are two lifecycle days (4 s), not an instant
    assert time.time() - start >= 3
    assert s3.get_object(Bucket="lc-thaw", Key="deep")["Body"].read() == b"d"
    for tier in ("Expedited", "Standard", "Bulk"):
        assert s3.get_object(Bucket="lc-thaw", Key="g-" + tier)["Body"].read() == tier.encode()


def test_object_lock_retention_days_are_real_days(s3):
    """The lifecycle day knob never shortens a retention: a default retention of 1 day on a
    server with 2-second lifecycle days keeps a version for 24 real hours."""
    import datetime
    s3.create_bucket(Bucket="lc-realdays", ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket="lc-realdays", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    before = datetime.datetime.now(datetime.timezone.utc)
    v = s3.put_object(Bucket="lc-realdays", Key="k", Body=b"x")["VersionId"]
    until = s3.head_object(Bucket="lc-realdays", Key="k")["ObjectLockRetainUntilDate"]
    assert before + datetime.timedelta(hours=24, seconds=-2) <= until
    assert until <= before + datetime.timedelta(hours=24, seconds=5)
    time.sleep(5)  # more than two lifecycle days: still protected
    with pytest.raises(ClientError) as ei:
        s3.delete_object(Bucket="lc-realdays", Key="k", VersionId=v)
    assert error_code(ei.value) == "AccessDenied"
    s3.delete_object(Bucket="lc-realdays", Key="k", VersionId=v, BypassGovernanceRetention=True)


def test_lifecycle_and_tiering_configuration_with_the_aws_cli(lcsrv, s3):
    """put/get/delete-bucket-lifecycle-configuration and the Intelligent-Tiering configuration
    calls through the aws CLI; the worker applies the CLI's rule."""
    import json
    env = {"AWS_ACCESS_KEY_ID": lcsrv.access_key, "AWS_SECRET_ACCESS_KEY": lcsrv.secret_key,
           "AWS_DEFAULT_REGION": lcsrv.region, "PATH": "/usr/bin:/bin"}

    def aws(*args, ok=True):
        p = subprocess.run(["/usr/bin/aws", "--endpoint-url", lcsrv.endpoint, "s3api", *args],
                           capture_output=True, text=True, env=env, timeout=60)
        if not ok:
            return p
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout) if p.stdout.strip() else None

    s3.create_bucket(Bucket="lc-cli")
    s3.put_object(Bucket="lc-cli", Key="tmp/a", Body=b"x")
    s3.put_object(Bucket="lc-cli", Key="keep/b", Body=b"x")
    conf = {"Rules": [{"ID": "tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
                       "Expiration": {"Days": 1}}]}
    aws("put-bucket-lifecycle-configuration", "--bucket", "lc-cli", "--lifecycle-configuration",
        json.dumps(conf))
    assert aws("get-bucket-lifecycle-configuration", "--bucket", "lc-cli")["Rules"] == conf["Rules"]
    wait_for("the CLI's rule to expire tmp/", lambda: keys(s3, "lc-cli") == ["keep/b"])
    bad = {"Rules": [{"ID": "z", "Status": "Enabled", "Filter": {"Prefix": ""},
                      "Expiration": {"Days": 0}}]}
    p = aws("put-bucket-lifecycle-configuration", "--bucket", "lc-cli",
            "--lifecycle-configuration", json.dumps(bad), ok=False)
    assert p.returncode != 0 and "InvalidArgument" in p.stderr
    aws("delete-bucket-lifecycle", "--bucket", "lc-cli")
    p = aws("get-bucket-lifecycle-configuration", "--bucket", "lc-cli", ok=False)
    assert p.returncode != 0 and "NoSuchLifecycleConfiguration" in p.stderr
    it = {"Id": "arch", "Status": "Enabled", "Filter": {"Prefix": "cold/"},
          "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]}
    aws("put-bucket-intelligent-tiering-configuration", "--bucket", "lc-cli", "--id", "arch",
        "--intelligent-tiering-configuration", json.dumps(it))
    got = aws("get-bucket-intelligent-tiering-configuration", "--bucket", "lc-cli", "--id", "arch")
    assert got["IntelligentTieringConfiguration"] == it
    listed = aws("list-bucket-intelligent-tiering-configurations", "--bucket", "lc-cli")
    assert [c["Id"] for c in listed["IntelligentTieringConfigurationList"]] == ["arch"]
    aws("delete-bucket-intelligent-tiering-configuration", "--bucket", "lc-cli", "--id", "arch")
    p = aws("get-bucket-intelligent-tiering-configuration", "--bucket", "lc-cli", "--id", "arch",
            ok=False)
    assert p.returncode != 0 and "NoSuchConfiguration" in p.stderr
