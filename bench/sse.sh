#!/bin/bash
# bench/sse.sh — 16 MiB PUT and GET throughput, SSE-S3 against plain, on a release build.
#
#     bench/sse.sh [SECONDS per step, default 5]
#
# Builds build/stocktake, starts it with --legacy-bucket-defaults on a temporary data
# directory (so one bucket stays plain), puts a default-encryption (SSE-S3) configuration on a
# second bucket, and with one boto3 client per step measures PUT and GET of 16 MiB objects in
# each. Prints MB/s per step and the SSE/plain ratios (goal: GET ratio >= 0.7).
set -euo pipefail
cd "$(dirname "$0")/.."
nice make -s build/stocktake
export STOCKTAKE_BIN="$PWD/build/stocktake" SSE_BENCH_SECONDS="${1:-5}"
exec /usr/bin/python3 - <<'PY'
import os, sys, time
sys.path.insert(0, os.path.join(os.getcwd(), "tests", "integration"))
from conftest import Server

SIZE = 16 * 1024 * 1024
SECONDS = float(os.environ["SSE_BENCH_SECONDS"])
srv = Server(args=["--legacy-bucket-defaults"]).start()
try:
    s3 = srv.client()
    s3.create_bucket(Bucket="bench-plain")
    s3.create_bucket(Bucket="bench-sse")
    s3.put_bucket_encryption(Bucket="bench-sse", ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    body = os.urandom(SIZE)

    def step(op, bucket):
        n, start = 0, time.time()
        while time.time() - start < SECONDS or n == 0:
            key = "o%d" % (n % 4)
            if op == "PUT":
                r = s3.put_object(Bucket=bucket, Key=key, Body=body)
            else:
                r = s3.get_object(Bucket=bucket, Key=key)
                assert len(r["Body"].read()) == SIZE
            assert (r.get("ServerSideEncryption") == "AES256") == (bucket == "bench-sse")
            n += 1
        return n * SIZE / (time.time() - start) / 1e6

    res = {}
    for op in ("PUT", "GET"):
        for mode, bucket in (("plain", "bench-plain"), ("SSE-S3", "bench-sse")):
            if op == "GET":
                for i in range(4):  # seed the keys the GETs read
                    s3.put_object(Bucket=bucket, Key="o%d" % i, Body=body)
            res[op, mode] = step(op, bucket)
            print("%-3s 16 MiB %-6s %8.1f MB/s" % (op, mode, res[op, mode]), flush=True)
    for op in ("PUT", "GET"):
        print("%s ratio SSE-S3/plain: %.2f" % (op, res[op, "SSE-S3"] / res[op, "plain"]))
finally:
    srv.stop()
    srv.cleanup()
PY
