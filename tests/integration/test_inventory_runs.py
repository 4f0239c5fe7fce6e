"""Inventory runs against each other and against kill -9 (issue 9 defect 7): one run per
configuration at a time (a run lease in the metadata store), a second run-now says so and exits
non-zero, the scheduler skips a held lease, a killed run's lease is taken over at once and its
objects removed, two runs of one minute never clobber a manifest, symlink.txt comes after
manifest.json, and `inventory status` shows a dead run as interrupted."""
import hashlib
import json
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import BIN, Server, allow_inventory_delivery, meta_sql

_n = [0]


def config(id_, dest, fmt="CSV"):
    return {"Id": id_, "IsEnabled": True,
            "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::" + dest,
                                                    "Format": fmt}},
            "Schedule": {"Frequency": "Daily"}, "IncludedObjectVersions": "Current",
            "OptionalFields": ["Size"]}


@pytest.fixture
def pair(server, s3):
    """A source bucket with objects and a configuration 'cfg' delivering into it."""
    _n[0] += 1
    src = "runs-src-%d-%d" % (os.getpid(), _n[0])
    s3.create_bucket(Bucket=src)
    allow_inventory_delivery(server, s3, src, src)
    for i in range(30):
        s3.put_object(Bucket=src, Key="k/%03d" % i, Body=b"x" * i)
    s3.put_bucket_inventory_configuration(Bucket=src, Id="cfg",
                                          InventoryConfiguration=config("cfg", src))
    return src


def cli(server, *args, env_extra=None, timeout=120):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([BIN, "inventory", *args, "--data", server.data], capture_output=True,
                          text=True, timeout=timeout, env=env)


def start_run(server, src, delay_var=None, ms=20000, at=None):
    env = dict(os.environ)
    if delay_var:
        env[delay_var] = str(ms)
    args = [BIN, "inventory", "run", "--data", server.data, "--bucket", src, "--id", "cfg"]
    if at:
        args += ["--at", at]
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def run(server, src, at=None):
    args = ["run", "--bucket", src, "--id", "cfg"] + (["--at", at] if at else [])
    return cli(server, *args)


def status(server, src):
    return cli(server, "status", "--bucket", src, "--limit", "50").stdout


def keys(s3, bucket, prefix):
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])]


def wait_for(fn, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out")


def leased(server, src):
    return meta_sql(server.data,
                    "SELECT run_id FROM inventory_leases WHERE bucket=? AND config_id='cfg'",
                    (src,))


def check_report(s3, bucket, manifest_key):
    raw = s3.get_object(Bucket=bucket, Key=manifest_key)["Body"].read()
    checksum = s3.get_object(Bucket=bucket, Key=manifest_key[:-4] + "checksum")["Body"].read()
    assert checksum.decode().strip() == hashlib.md5(raw).hexdigest()
    manifest = json.loads(raw)
    for f in manifest["files"]:
        body = s3.get_object(Bucket=bucket, Key=f["key"])["Body"].read()
        assert hashlib.md5(body).hexdigest() == f["MD5checksum"]
    return manifest


def test_second_run_while_one_runs_is_refused(server, s3, pair):
    first = start_run(server, pair, "STOCKTAKE_TEST_DELAY_AFTER_FIRST_ROW_MS", 4000)
    wait_for(lambda: leased(server, pair))
    time.sleep(0.3)
    assert re.search(r"cfg\s+running\s", status(server, pair))
    second = run(server, pair)
    assert second.returncode != 0
    assert "running already" in second.stderr and "pid %d" % first.pid in second.stderr
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    check_report(s3, pair, out.strip())
    st = status(server, pair)
    assert len(re.findall(r"cfg\s+\w+", st)) == 1 and re.search(r"cfg\s+succeeded", st), st
    assert not leased(server, pair)


def test_concurrent_run_nows_of_one_minute(server, s3, pair):
    at = "2026-10-04T01:00:00Z"
    procs = [start_run(server, pair, at=at) for _ in range(4)]
    results = [(p.wait(timeout=120), p.communicate()) for p in procs]
    ok = [out.strip() for rc, (out, _) in results if rc == 0]
    refused = [err for rc, (_, err) in results if rc != 0]
    assert len(ok) == 1, results
    assert all("running already" in e or "exists already" in e for e in refused), refused
    base = pair + "/cfg/2026-10-04T01-00Z/"
    assert ok[0] == base + "manifest.json"
    assert sorted(keys(s3, pair, base)) == [base + "manifest.checksum", base + "manifest.json"]
    manifest = check_report(s3, pair, ok[0])
    # only the delivered report's data files exist: no run left any behind
    assert sorted(keys(s3, pair, pair + "/cfg/data/")) == sorted(f["key"] for f in
                                                                 manifest["files"])


def test_same_minute_runs_never_clobber(server, s3, pair):
    at = "2026-10-05T01:00:00Z"
    first = run(server, pair, at=at)
    assert first.returncode == 0, first.stderr
    raw = s3.get_object(Bucket=pair, Key=first.stdout.strip())["Body"].read()
    s3.put_object(Bucket=pair, Key="k/new", Body=b"changes the report")
    second = run(server, pair, at=at)
    assert second.returncode != 0 and "exists already" in second.stderr
    assert s3.get_object(Bucket=pair, Key=first.stdout.strip())["Body"].read() == raw
    check_report(s3, pair, first.stdout.strip())
    st = status(server, pair)
    assert re.search(r"cfg\s+succeeded", st) and re.search(r"cfg\s+failed.*exists already", st)
    # the next minute is free
    third = run(server, pair, at="2026-10-05T01:01:00Z")
    assert third.returncode == 0, third.stderr
    check_report(s3, pair, third.stdout.strip())


def test_symlink_after_manifest(server, s3, pair):
    p = start_run(server, pair, "STOCKTAKE_TEST_DELAY_AFTER_MANIFEST_MS", 2000,
                  at="2026-10-06T01:00:00Z")
    manifest = pair + "/cfg/2026-10-06T01-00Z/manifest.json"
    symlink = pair + "/cfg/hive/dt=2026-10-06-01-00/symlink.txt"
    wait_for(lambda: manifest in keys(s3, pair, pair + "/cfg/2026-10-06"))
    assert symlink not in keys(s3, pair, pair + "/cfg/hive/")
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    assert symlink in keys(s3, pair, pair + "/cfg/hive/")


@pytest.mark.parametrize("hook", ["STOCKTAKE_TEST_DELAY_AFTER_FIRST_ROW_MS",
                                  "STOCKTAKE_TEST_DELAY_AFTER_MANIFEST_MS",
                                  "STOCKTAKE_TEST_DELAY_BEFORE_CHECKSUM_MS"])
def test_killed_run_is_interrupted_and_cleaned_up(server, s3, pair, hook):
    at = "2026-10-07T01:00:00Z"
    s3.put_bucket_inventory_configuration(
        Bucket=pair, Id="cfg", InventoryConfiguration=dict(config("cfg", pair), OptionalFields=[]))
    # a small file cap: several data files, each delivered before the kill
    env_cap = ["--file-size-cap", "100"]
    env = dict(os.environ, **{hook: "30000"})
    p = subprocess.Popen([BIN, "inventory", "run", "--data", server.data, "--bucket", pair,
                          "--id", "cfg", "--at", at, *env_cap], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = pair + "/cfg/2026-10-07T01-00Z/"
    if hook == "STOCKTAKE_TEST_DELAY_AFTER_FIRST_ROW_MS":
        wait_for(lambda: leased(server, pair))
        time.sleep(0.5)
    else:
        wait_for(lambda: base + "manifest.json" in keys(s3, pair, base))
        if hook == "STOCKTAKE_TEST_DELAY_BEFORE_CHECKSUM_MS":
            wait_for(lambda: keys(s3, pair, pair + "/cfg/hive/"))
    written = keys(s3, pair, pair + "/cfg/")
    p.send_signal(signal.SIGKILL)
    p.communicate()
    assert base + "manifest.checksum" not in keys(s3, pair, base)
    st = status(server, pair)
    assert re.search(r"cfg\s+interrupted", st), st
    assert not re.search(r"cfg\s+running", st) and "-1ms" not in st, st
    # the next run takes the dead run's lease at once and removes what it delivered
    nxt = run(server, pair)
    assert nxt.returncode == 0, nxt.stderr
    manifest = check_report(s3, pair, nxt.stdout.strip())
    left = set(keys(s3, pair, pair + "/cfg/"))
    assert not (set(written) & left), set(written) & left
    assert sorted(k for k in left if "/data/" in k) == sorted(f["key"] for f in manifest["files"])
    st = status(server, pair)
    assert re.search(r"cfg\s+interrupted", st) and re.search(r"cfg\s+succeeded", st), st
    # the killed run's minute can be run again
    again = run(server, pair, at=at)
    assert again.returncode == 0, again.stderr
    check_report(s3, pair, again.stdout.strip())


def put_lease(server, src, host, expires_ms, pid=1):
    # an upsert both backends know
    meta_sql(server.data, "INSERT INTO inventory_leases VALUES (?,?,?,?,?,?,?,?,?)"
             " ON CONFLICT(bucket, config_id) DO UPDATE SET token=excluded.token,"
             " run_id=excluded.run_id, host=excluded.host, boot_id=excluded.boot_id,"
             " pid=excluded.pid, pid_start=excluded.pid_start, expires_ms=excluded.expires_ms",
             (src, "cfg", "f" * 32, 777, host, "other-boot", pid, 12345, expires_ms))


def test_lease_of_another_host_until_it_expires(server, s3, pair):
    now = int(time.time() * 1000)
    put_lease(server, pair, "elsewhere.example", now + 600000)
    r = run(server, pair)
    assert r.returncode != 0 and "running already" in r.stderr and "elsewhere.example" in r.stderr
    st = status(server, pair)
    assert "cfg" not in st  # a refused run is not recorded
    put_lease(server, pair, "elsewhere.example", now - 1)  # expired: taken over
    r = run(server, pair)
    assert r.returncode == 0, r.stderr
    check_report(s3, pair, r.stdout.strip())
    assert not leased(server, pair)


def test_scheduler_skips_a_held_lease():
    srv = Server(args=["--inventory-tick-seconds", "0.2"]).start()
    try:
        s3 = srv.client()
        s3.create_bucket(Bucket="lease-src")
        allow_inventory_delivery(srv, s3, "lease-src", "lease-src")
        s3.put_object(Bucket="lease-src", Key="one", Body=b"1")
        put_lease(srv, "lease-src", "elsewhere.example", int(time.time() * 1000) + 600000)
        s3.put_bucket_inventory_configuration(Bucket="lease-src", Id="cfg",
                                              InventoryConfiguration=config("cfg", "lease-src"))
        time.sleep(1.5)  # several ticks: the first report is due, but the lease is held
        assert not keys(s3, "lease-src", "lease-src/")
        assert "cfg" not in status(srv, "lease-src")
        put_lease(srv, "lease-src", "elsewhere.example", 1)  # the holder's lease expires
        wait_for(lambda: any(k.endswith("manifest.checksum")
                             for k in keys(s3, "lease-src", "lease-src/cfg/")), timeout=20)
    finally:
        assert srv.stop() == 0
        log = srv.read_log()
        srv.cleanup()
    assert "Sanitizer" not in log and "runtime error:" not in log, log
