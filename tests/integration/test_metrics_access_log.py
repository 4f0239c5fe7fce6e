"""GET /_stocktake/metrics (Prometheus text 0.0.4) and serve --access-log (issue 17): the page
parses line by line, counters move as requests are made, histograms are cumulative, an inventory
run counts; --metrics-token requires the bearer token; access log lines (JSON and text) name
each request and never hold the secret key or a signature; the log file is mode 0600."""
import json
import os
import re
import stat
import time
import urllib.error
import urllib.request

import pytest

import sigv4
from conftest import Server, allow_inventory_delivery, stop_checked

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.e+-]+|\+Inf|NaN)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def parse(text):
    """{(name, frozenset(labels)): value}; every line must be a comment or a sample."""
    out, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in ("counter", "gauge", "histogram"), line
            types[name] = kind
            continue
        if line.startswith("# HELP ") or not line:
            continue
        m = SAMPLE.match(line)
        assert m, "not a sample line: %r" % line
        labels = {}
        if m.group(3):
            rest = m.group(3)
            pos = 0
            while pos < len(rest):
                lm = LABEL.match(rest, pos)
                assert lm, line
                labels[lm.group(1)] = lm.group(2)
                pos = lm.end()
        key = (m.group(1), frozenset(labels.items()))
        assert key not in out, "duplicate sample %r" % line
        out[key] = float(m.group(4))
    return out, types


def get(m, name, **labels):
    return m.get((name, frozenset(labels.items())), 0.0)


def scrape(server, token=None):
    req = urllib.request.Request(server.endpoint + "/_stocktake/metrics")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as r:
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return parse(r.read().decode())


@pytest.fixture(scope="module")
def logged():
    srv = Server(args=["--access-log", "ACCESS", "--access-log-format", "json",
                       "--inventory-tick-seconds", "3600"])
    srv.args[1] = os.path.join(srv.tmp, "access.log")
    srv.start()
    yield srv
    stop_checked(srv)


def test_counters_move(logged):
    s3 = logged.client()
    m0, types = scrape(logged)
    assert types["stocktake_http_requests_total"] == "counter"
    assert types["stocktake_http_request_duration_seconds"] == "histogram"
    assert types["stocktake_http_open_connections"] == "gauge"
    b = "metrics-%d" % os.getpid()
    s3.create_bucket(Bucket=b)
    s3.put_object(Bucket=b, Key="k", Body=b"x" * 1000)
    for _ in range(3):
        s3.get_object(Bucket=b, Key="k")["Body"].read()
    with pytest.raises(Exception):
        s3.get_object(Bucket=b, Key="missing")
    m1, _ = scrape(logged)
    d = lambda name, **lb: get(m1, name, **lb) - get(m0, name, **lb)  # noqa: E731
    assert d("stocktake_http_requests_total", operation="GetObject", status="200") == 3
    assert d("stocktake_http_requests_total", operation="GetObject", status="404") == 1
    assert d("stocktake_http_requests_total", operation="PutObject", status="200") == 1
    assert d("stocktake_http_requests_total", operation="CreateBucket", status="200") == 1
    # the first scrape itself is counted by the second
    assert d("stocktake_http_requests_total", operation="Metrics", status="200") >= 1
    assert d("stocktake_http_received_bytes_total") >= 1000
    assert d("stocktake_http_sent_bytes_total") >= 3000
    assert get(m1, "stocktake_http_open_connections") >= 1
    h = "stocktake_http_request_duration_seconds"
    assert d(h + "_count", operation="GetObject") == 4
    buckets = sorted((float(dict(lb)["le"]) if dict(lb)["le"] != "+Inf" else float("inf"), v)
                     for (n, lb), v in m1.items()
                     if n == h + "_bucket" and dict(lb)["operation"] == "GetObject")
    counts = [v for _, v in buckets]
    assert counts == sorted(counts) and buckets[-1][0] == float("inf")
    assert buckets[-1][1] == get(m1, h + "_count", operation="GetObject")
    assert get(m1, h + "_sum", operation="GetObject") > 0
    for name in ("stocktake_notification_queue_depth", "stocktake_replication_queue_depth",
                 "stocktake_replication_lag_seconds"):
        assert (name, frozenset()) in m1, name


def test_inventory_run_is_counted(logged):
    s3 = logged.client()
    src = "metrics-inv-%d" % os.getpid()
    s3.create_bucket(Bucket=src)
    allow_inventory_delivery(logged, s3, src, src)
    for i in range(7):
        s3.put_object(Bucket=src, Key="o%d" % i, Body=b"y")
    s3.put_bucket_inventory_configuration(Bucket=src, Id="cfg", InventoryConfiguration={
        "Id": "cfg", "IsEnabled": True, "IncludedObjectVersions": "Current",
        "Schedule": {"Frequency": "Daily"},
        "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::" + src,
                                                "Format": "CSV"}}})
    m0, _ = scrape(logged)
    st, _, body = sigv4.signed_request(logged, "POST", "/_stocktake/api/inventory/run",
                                       [("bucket", src), ("id", "cfg")])
    assert st == 202, body
    deadline = time.time() + 30
    while time.time() < deadline:
        m1, _ = scrape(logged)
        done = get(m1, "stocktake_inventory_runs_total", outcome="succeeded") - \
            get(m0, "stocktake_inventory_runs_total", outcome="succeeded")
        if done:
            break
        time.sleep(0.1)
    assert done == 1
    assert get(m1, "stocktake_inventory_rows_total") - get(m0, "stocktake_inventory_rows_total") == 7
    assert get(m1, "stocktake_inventory_run_duration_seconds_count") - \
        get(m0, "stocktake_inventory_run_duration_seconds_count") == 1
    assert get(m1, "stocktake_http_requests_total", operation="AdminInventoryRun",
               status="202") >= 1


def test_access_log_json(logged):
    s3 = logged.client()
    b = "alog-%d" % os.getpid()
    s3.create_bucket(Bucket=b)
    key = 'dir/a "quoted"\tkey ü'
    s3.put_object(Bucket=b, Key=key, Body=b"z" * 10)
    url = s3.generate_presigned_url("get_object", Params={"Bucket": b, "Key": key}, ExpiresIn=60)
    with urllib.request.urlopen(url) as r:
        assert r.read() == b"z" * 10
    urllib.request.urlopen(logged.endpoint + "/_stocktake/health").read()
    path = os.path.join(logged.tmp, "access.log")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    time.sleep(0.2)
    raw = open(path, encoding="utf-8").read()
    assert logged.secret_key not in raw
    sig = re.search(r"X-Amz-Signature=([0-9a-f]{64})", url).group(1)
    assert sig not in raw and "Signature=" not in raw
    lines = [json.loads(line) for line in raw.splitlines()]
    for e in lines:
        assert set(e) == {"time", "remote", "requestId", "operation", "method", "bucket", "key",
                          "status", "bytesIn", "bytesOut", "durationMs", "userAgent",
                          "accessKeyId"}
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", e["time"])
    puts = [e for e in lines if e["operation"] == "PutObject" and e["key"] == key]
    assert len(puts) == 1
    p = puts[0]
    assert p["bucket"] == b and p["status"] == 200 and p["bytesIn"] >= 10
    assert p["accessKeyId"] == logged.access_key and p["remote"] == "127.0.0.1"
    assert p["method"] == "PUT" and p["durationMs"] >= 0 and "Boto3" in p["userAgent"]
    assert re.match(r"^[0-9A-F]{16}$", p["requestId"])
    gets = [e for e in lines if e["operation"] == "GetObject" and e["key"] == key]
    assert gets and gets[-1]["bytesOut"] == 10 and gets[-1]["accessKeyId"] == logged.access_key
    health = [e for e in lines if e["operation"] == "Health"]
    assert health and health[-1]["accessKeyId"] is None and health[-1]["status"] == 200


def test_access_log_text_and_metrics_token():
    srv = Server(args=["--access-log", "X", "--metrics-token", "s3cr3t-token"])
    path = os.path.join(srv.tmp, "text.log")
    srv.args[1] = path
    srv.start()
    try:
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(srv.endpoint + "/_stocktake/metrics")
        assert e.value.code == 401
        assert e.value.headers["WWW-Authenticate"].startswith("Bearer")
        with pytest.raises(urllib.error.HTTPError) as e:
            scrape(srv, token="wrong-token!")
        assert e.value.code == 401
        m, _ = scrape(srv, token="s3cr3t-token")
        assert get(m, "stocktake_http_requests_total", operation="Metrics", status="401") == 2
        s3 = srv.client()
        s3.list_buckets()
        url = s3.generate_presigned_url("list_buckets", ExpiresIn=60)
        urllib.request.urlopen(url).read()
        # a request's line is written once its response is done, which the client may see first
        deadline = time.time() + 10
        raw = open(path).read()
        while raw.count(" ListBuckets") < 2 and time.time() < deadline:
            time.sleep(0.05)
            raw = open(path).read()
        assert srv.secret_key not in raw and "s3cr3t-token" not in raw
        sig = re.search(r"X-Amz-Signature=([0-9a-f]{64})", url).group(1)
        assert sig not in raw and "X-Amz-Signature=REDACTED" in raw
        line = re.compile(r'^(\S+) - (\S+) \[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000)\] '
                          r'"(\S+) ([^"]*)" (\d{3}) (\d+) (\d+) ([0-9.]+) "([^"]*)" '
                          r'([0-9A-F]{16}) (\S+)$')
        parsed = [line.match(x) for x in raw.splitlines()]
        assert all(parsed), raw
        lb = [p for p in parsed if p.group(12) == "ListBuckets"]
        assert len(lb) == 2 and all(p.group(2) == srv.access_key for p in lb)
        assert all(p.group(6) == "200" and int(p.group(8)) > 0 for p in lb)
        assert [p.group(6) for p in parsed if p.group(12) == "Metrics"][:2] == ["401", "401"]
    finally:
        stop_checked(srv)
