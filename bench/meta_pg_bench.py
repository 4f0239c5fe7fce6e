#!/usr/bin/python3
"""Inventory report rate with the metadata in PostgreSQL against SQLite (issue 16): the same
bucket of N objects (inventory_bench.py's rows, every optional field of a CSV report) loaded
straight into each store — SQLite with executemany, PostgreSQL with COPY — then one
`stocktake inventory run` each under /usr/bin/time -v. Prints rows/s, seconds, peak RSS per
backend and the PostgreSQL/SQLite ratio (goal: >= 0.5).

Needs a PostgreSQL server the benchmark may CREATE DATABASE on: STOCKTAKE_TEST_META (a libpq
conninfo), e.g. through the throw-away cluster of the tests:

    make && scripts/pg-test-cluster.sh /usr/bin/python3 bench/meta_pg_bench.py --objects 1000000
"""
import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("inventory_bench",
                                              os.path.join(ROOT, "bench", "inventory_bench.py"))
inv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(inv)
BIN = inv.BIN
META = os.environ.get("STOCKTAKE_TEST_META", "")


def psql(uri, sql, stdin=None):
    return subprocess.run(["psql", "-qAt", "-v", "ON_ERROR_STOP=1", uri, "-c", sql], input=stdin,
                          check=True, capture_output=True, text=stdin is None or
                          isinstance(stdin, str)).stdout


def fill_pg(data, uri, n):
    out = subprocess.run([BIN, "admin", "--data", data, "--meta", uri, "account", "add",
                          "bench"], check=True, capture_output=True, text=True).stdout
    account = re.search(r"account (\d{12})", out).group(1)
    now = int(time.time() * 1000)
    config = ("<Id>all</Id><IsEnabled>true</IsEnabled><Destination><S3BucketDestination>"
              "<Format>CSV</Format><Bucket>arn:aws:s3:::dst</Bucket></S3BucketDestination>"
              "</Destination><Schedule><Frequency>Daily</Frequency></Schedule>"
              "<IncludedObjectVersions>Current</IncludedObjectVersions><OptionalFields>" +
              "".join("<Field>%s</Field>" % f for f in inv.FIELDS) + "</OptionalFields>")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::dst/*",
        "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::src"},
                      "StringEquals": {"aws:SourceAccount": account,
                                       "s3:x-amz-acl": "bucket-owner-full-control"}}}]})
    q = lambda s: "'" + s.replace("'", "''") + "'"  # noqa: E731
    psql(uri, "INSERT INTO buckets(name, owner_id, region, created_ms, versioning, id) VALUES"
         " ('src', %s, 'us-east-1', %d, 0, md5('src')), ('dst', %s, 'us-east-1', %d, 0,"
         " md5('dst'));"
         "INSERT INTO inventory_configs(bucket, id, config, updated_ms) VALUES ('src', 'all', %s,"
         " %d); INSERT INTO bucket_configs VALUES ('dst', 'policy', %s, %d)"
         % (q(account), now, q(account), now, q(config), now, q(policy), now))

    def rows():
        for i in range(n):
            key = "data/%04d/%06d/object-%d.bin" % (i % 1000, i // 1000, i)
            etag = '"%032x"' % (i * 2654435761 % (1 << 128))
            yield "\t".join(map(str, (
                "src", key, "null", 1, 0, 1000 + i % 100000, now - i, etag, inv.CLASSES[i % 4],
                account, "[]", "none", int(i % 10 == 0), "CRC32" if i % 3 == 0 else "", "", "",
                "\\N", ""))) + "\n"

    p = subprocess.Popen(["psql", "-q", "-v", "ON_ERROR_STOP=1", uri, "-c",
                          "COPY objects(bucket, key, version_id, is_latest, is_delete_marker,"
                          " size, last_modified_ms, etag, storage_class, owner_id, headers,"
                          " blob_id, multipart, checksum_algorithm, checksum_value,"
                          " checksum_type, parts, sse) FROM STDIN"],
                         stdin=subprocess.PIPE, text=True)
    batch = []
    for r in rows():
        batch.append(r)
        if len(batch) == 10000:
            p.stdin.write("".join(batch))
            batch = []
    p.stdin.write("".join(batch))
    p.stdin.close()
    assert p.wait() == 0
    psql(uri, "ANALYZE")


def report(data, meta):
    cmd = ["/usr/bin/time", "-v", BIN, "inventory", "run", "--data", data, "--bucket", "src",
           "--id", "all", "--legacy-bucket-defaults"] + (["--meta", meta] if meta else [])
    p = subprocess.run(cmd, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return seconds, rss_kb / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, nargs="+", default=[1000000])
    a = ap.parse_args()
    if not META:
        raise SystemExit("STOCKTAKE_TEST_META is not set (run under scripts/pg-test-cluster.sh)")
    work = tempfile.mkdtemp(prefix="stocktake-pg-bench-")
    try:
        print("%10s %-8s %8s %9s %12s %9s" % ("objects", "backend", "load s", "report s",
                                              "rows/s", "peakRSS"), flush=True)
        for n in a.objects:
            res = {}
            for backend in ("sqlite", "postgres"):
                data = os.path.join(work, "%s-%d" % (backend, n))
                os.makedirs(data)
                meta = None
                t0 = time.time()
                if backend == "sqlite":
                    inv.fill(data, n)
                else:
                    name = "bench_" + uuid.uuid4().hex[:12]
                    psql(META, "CREATE DATABASE " + name)
                    meta = "%s dbname=%s" % (META, name)
                    fill_pg(data, meta, n)
                load = time.time() - t0
                seconds, rss = report(data, meta)
                res[backend] = n / seconds
                print("%10d %-8s %8.1f %9.2f %12.0f %7.1fMB" % (n, backend, load, seconds,
                                                               n / seconds, rss), flush=True)
                shutil.rmtree(data)
                if meta:
                    psql(META, "DROP DATABASE %s WITH (FORCE)" % name)
            print("%10d postgres/sqlite report rate: %.2f" % (n, res["postgres"] / res["sqlite"]),
                  flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
