#!/usr/bin/python3
"""S3 throughput benchmark: PUT, GET and LIST for 4 KiB and 16 MiB objects with several
concurrent clients (separate processes, each with its own boto3 client), against a release
build of stocktake on a temporary data directory on loopback.

    make && /usr/bin/python3 bench/s3_bench.py [--clients 4] [--seconds 5] [--serve-args ARGS]

--serve-args adds serve options, e.g. the blobs in RADOS on a test cluster
(scripts/ceph-test-cluster.sh start /tmp/c):
    --serve-args "--blobs rados:stocktake/bench --ceph-conf /tmp/c/ceph.conf
                  --ceph-keyring /tmp/c/keyring"

Prints one line per operation and size: ops/s and MB/s. Numbers depend on the machine and
the disk (every PUT is fsynced), so compare runs on the same machine."""
import argparse
import multiprocessing as mp
import os
import shlex
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
os.environ.setdefault("STOCKTAKE_BIN", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                    "..", "build", "stocktake"))
from conftest import Server  # noqa: E402


def worker(args):
    endpoint, access, secret, op, size, seconds, wid, bucket = args
    import boto3
    from botocore.config import Config
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id=access, aws_secret_access_key=secret,
                      config=Config(signature_version="s3v4", retries={"max_attempts": 1},
                                    max_pool_connections=2))
    body = os.urandom(size)
    n = 0
    deadline = time.time() + seconds
    while time.time() < deadline:
        seeded = 200 if size == 4096 else 4
        key = "w%d/%08d" % (wid, n % seeded if op != "PUT" else seeded + n)
        if op == "PUT":
            s3.put_object(Bucket=bucket, Key=key, Body=body)
        elif op == "GET":
            s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        else:
            s3.list_objects_v2(Bucket=bucket, Prefix="w%d/" % wid, MaxKeys=100)
        n += 1
    return n


def run(pool, srv, op, size, clients, seconds, bucket):
    args = [(srv.endpoint, srv.access_key, srv.secret_key, op, size, seconds, w, bucket)
            for w in range(clients)]
    start = time.time()
    counts = pool.map(worker, args)
    elapsed = time.time() - start
    ops = sum(counts) / elapsed
    mb = ops * size / 1e6 if op != "LIST" else 0.0
    return ops, mb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--serve-args", default="", help="more `stocktake serve` options")
    a = ap.parse_args()
    srv = Server(args=shlex.split(a.serve_args)).start()
    try:
        s3 = srv.client()
        print("stocktake S3 benchmark: %d clients, %.0f s per step, loopback, fsync on%s"
              % (a.clients, a.seconds, (", serve " + a.serve_args) if a.serve_args else ""))
        print("%-5s %-7s %10s %10s" % ("op", "size", "ops/s", "MB/s"))
        with mp.Pool(a.clients) as pool:
            for size, label in ((4096, "4KiB"), (16 * 1024 * 1024, "16MiB")):
                bucket = "bench-%s" % label.lower()
                s3.create_bucket(Bucket=bucket)
                seed_body = os.urandom(size)
                for w in range(a.clients):
                    for i in range(200 if size == 4096 else 4):
                        s3.put_object(Bucket=bucket, Key="w%d/%08d" % (w, i), Body=seed_body)
                for op in ("PUT", "GET", "LIST"):
                    if op == "LIST" and size != 4096:
                        continue
                    ops, mb = run(pool, srv, op, size, a.clients, a.seconds, bucket)
                    print("%-5s %-7s %10.1f %10.1f" % (op, label if op != "LIST" else "100keys",
                                                       ops, mb), flush=True)
    finally:
        srv.stop()
        srv.cleanup()


if __name__ == "__main__":
    main()
