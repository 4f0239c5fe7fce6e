#!/usr/bin/python3
"""Inventory report benchmark: a bucket of N objects (written straight into the metadata
store, which is allowed for large sizes), one CSV report with every optional field, run by
`stocktake inventory run` under /usr/bin/time -v. Prints rows/s, seconds and peak RSS, and
the same CSV bytes through `gzip -6` for comparison.

    make && /usr/bin/python3 bench/inventory_bench.py --objects 1000000 4000000
    make && /usr/bin/python3 bench/inventory_bench.py --format Parquet --objects 1000000
    make && /usr/bin/python3 bench/inventory_bench.py --format ORC --objects 1000000
    make && /usr/bin/python3 bench/inventory_bench.py --sse --objects 1000000

--sse (issue 11): the objects are encrypted (SSE-S3, SSE-KMS, SSE-KMS with a bucket key and
DSSE-KMS in turn, their encryption records taken from real PUTs to a server on the same data
directory) and the report itself is encrypted with SSE-S3; each size runs once plain and once
encrypted, and the rate of both and their ratio are printed.

Goal (issue 5): the report runs at no less than half of gzip's throughput on the same bytes,
and peak RSS at 4,000,000 objects is within 10% of that at 1,000,000."""
import argparse
import gzip
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("STOCKTAKE_BIN", os.path.join(ROOT, "build", "stocktake"))
FIELDS = ["Size", "LastModifiedDate", "StorageClass", "ETag", "IsMultipartUploaded",
          "ReplicationStatus", "EncryptionStatus", "ObjectLockRetainUntilDate", "ObjectLockMode",
          "ObjectLockLegalHoldStatus", "IntelligentTieringAccessTier", "BucketKeyStatus",
          "ChecksumAlgorithm", "ObjectAccessControlList", "ObjectOwner",
          "LifecycleExpirationDate"]
CLASSES = ["STANDARD", "STANDARD_IA", "GLACIER", "INTELLIGENT_TIERING"]


def sse_records(data):
    """The encryption records of four real objects (SSE-S3, SSE-KMS, SSE-KMS with a bucket
    key, DSSE-KMS), PUT to a server on data (which also creates the master key there)."""
    import sys
    os.environ.setdefault("STOCKTAKE_BIN", BIN)
    sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
    from conftest import Server
    srv = Server(data_dir=data).start()
    try:
        s3 = srv.client()
        s3.create_bucket(Bucket="seed")
        modes = [{"ServerSideEncryption": "AES256"}, {"ServerSideEncryption": "aws:kms"},
                 {"ServerSideEncryption": "aws:kms", "BucketKeyEnabled": True},
                 {"ServerSideEncryption": "aws:kms:dsse"}]
        for i, m in enumerate(modes):
            s3.put_object(Bucket="seed", Key="m%d" % i, Body=b"x", **m)
    finally:
        srv.stop()
        shutil.rmtree(srv.tmp, ignore_errors=True)
    db = sqlite3.connect(os.path.join(data, "meta.db"))
    recs = [r for (r,) in db.execute("SELECT sse FROM objects WHERE bucket='seed' ORDER BY key")]
    db.close()
    assert len(recs) == 4 and all(recs), recs
    return recs


def fill(data, n, fmt="CSV", sse=False):
    records = sse_records(data) if sse else [""]
    out = subprocess.run([BIN, "admin", "--data", data, "account", "add", "bench"],
                         check=True, capture_output=True, text=True).stdout
    account = re.search(r"account (\d{12})", out).group(1)
    db = sqlite3.connect(os.path.join(data, "meta.db"))
    now = int(time.time() * 1000)
    db.execute("INSERT INTO buckets(name, owner_id, region, created_ms, versioning, id)"
               " VALUES ('src', ?, 'us-east-1', ?, 0, lower(hex(randomblob(16))))", (account, now))
    db.execute("INSERT INTO buckets(name, owner_id, region, created_ms, versioning, id)"
               " VALUES ('dst', ?, 'us-east-1', ?, 0, lower(hex(randomblob(16))))", (account, now))
    config = ("<Id>all</Id><IsEnabled>true</IsEnabled><Destination><S3BucketDestination>"
              "<Format>" + fmt + "</Format><Bucket>arn:aws:s3:::dst</Bucket>"
              + ("<Encryption><SSE-S3/></Encryption>" if sse else "") +
              "</S3BucketDestination></Destination><Schedule><Frequency>Daily</Frequency></Schedule>"
              "<IncludedObjectVersions>Current</IncludedObjectVersions><OptionalFields>" +
              "".join("<Field>%s</Field>" % f for f in FIELDS) + "</OptionalFields>")
    db.execute("INSERT INTO inventory_configs(bucket, id, config, updated_ms) VALUES"
               " ('src', 'all', ?, ?)", (config, now))
    # the destination policy AWS documents: S3 delivers only where it allows it
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::dst/*",
        "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::src"},
                      "StringEquals": {"aws:SourceAccount": account,
                                       "s3:x-amz-acl": "bucket-owner-full-control"}}}]})
    db.execute("INSERT INTO bucket_configs VALUES ('dst', 'policy', ?, ?)", (policy, now))

    def rows():
        for i in range(n):
            key = "data/%04d/%06d/object-%d.bin" % (i % 1000, i // 1000, i)
            etag = '"%032x"' % (i * 2654435761 % (1 << 128))
            yield ("src", key, "null", 1, 0, 1000 + i % 100000, now - i, etag,
                   CLASSES[i % 4], account, "[]", "none", i % 10 == 0,
                   "CRC32" if i % 3 == 0 else "", "", "", None, records[i % len(records)])

    db.executemany("INSERT INTO objects(bucket, key, version_id, is_latest, is_delete_marker,"
                   " size, last_modified_ms, etag, storage_class, owner_id, headers, blob_id,"
                   " multipart, checksum_algorithm, checksum_value, checksum_type, parts, sse)"
                   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows())
    db.commit()
    db.close()


def data_files(data):
    db = sqlite3.connect(os.path.join(data, "meta.db"))
    blobs = [b for (b,) in db.execute("SELECT blob_id FROM objects WHERE bucket='dst' AND"
                                      " key LIKE '%/data/%'")]
    db.close()
    return [os.path.join(data, "blobs", b[:2], b[2:4], b) for b in blobs]


def run_one(n, workdir, fmt="CSV", sse=False, compare=False):
    data = os.path.join(workdir, "data-%d%s" % (n, "-sse" if sse else ""))
    os.makedirs(data)
    t0 = time.time()
    fill(data, n, fmt, sse)
    fill_s = time.time() - t0
    p = subprocess.run(["/usr/bin/time", "-v", BIN, "inventory", "run", "--data", data,
                        "--bucket", "src", "--id", "all"]
                       # plain: no default bucket encryption on the report (pre-2023 default)
                       + ([] if sse else ["--legacy-bucket-defaults"]),
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    if sse:  # every report object (data files, manifest, checksum, symlink) is encrypted
        db = sqlite3.connect(os.path.join(data, "meta.db"))
        recs = [r for (r,) in db.execute("SELECT sse FROM objects WHERE bucket='dst'")]
        db.close()
        assert recs and all(recs), "a report object is not encrypted"
    if fmt != "CSV" or compare:
        size = sum(os.path.getsize(f) for f in data_files(data))
        shutil.rmtree(data)
        return {"objects": n, "seconds": seconds, "rows_per_s": n / seconds,
                "rss_mb": rss_kb / 1024, "bytes_mb": size / 1e6}
    csv_path = os.path.join(workdir, "report-%d.csv" % n)
    gz_bytes = 0
    with open(csv_path, "wb") as out:
        for f in data_files(data):
            gz_bytes += os.path.getsize(f)
            with gzip.open(f, "rb") as g:
                shutil.copyfileobj(g, out, 1 << 20)
    csv_bytes = os.path.getsize(csv_path)
    t0 = time.time()
    subprocess.run(["gzip", "-6", "-c", csv_path], stdout=subprocess.DEVNULL, check=True)
    gzip_s = time.time() - t0
    shutil.rmtree(data)
    os.remove(csv_path)
    return {"objects": n, "fill_s": fill_s, "seconds": seconds, "rows_per_s": n / seconds,
            "rss_mb": rss_kb / 1024, "csv_mb": csv_bytes / 1e6, "gz_mb": gz_bytes / 1e6,
            "report_mb_s": csv_bytes / 1e6 / seconds, "gzip_s": gzip_s,
            "gzip_mb_s": csv_bytes / 1e6 / gzip_s}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, nargs="+", default=[1000000])
    ap.add_argument("--format", default="CSV", choices=["CSV", "Parquet", "ORC"])
    ap.add_argument("--sse", action="store_true",
                    help="encrypted objects and report (SSE-S3), against the same run plain")
    a = ap.parse_args()
    if a.sse:
        workdir = tempfile.mkdtemp(prefix="stocktake-inv-bench-")
        try:
            print("%10s %-9s %8s %12s %9s %12s" % ("objects", "mode", "seconds", "rows/s",
                                                   "peakRSS", a.format + " MB"))
            for n in a.objects:
                res = {}
                for sse in (False, True):
                    r = res[sse] = run_one(n, workdir, a.format, sse, True)
                    print("%10d %-9s %8.2f %12.0f %7.1fMB %12.1f" % (
                        n, "encrypted" if sse else "plain", r["seconds"], r["rows_per_s"],
                        r["rss_mb"], r["bytes_mb"]), flush=True)
                print("           encrypted/plain report rate: %.2f"
                      % (res[True]["rows_per_s"] / res[False]["rows_per_s"]), flush=True)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return
    if a.format != "CSV":
        workdir = tempfile.mkdtemp(prefix="stocktake-inv-bench-")
        try:
            print("%10s %8s %12s %9s %12s" % ("objects", "seconds", "rows/s", "peakRSS",
                                              a.format + " MB"))
            for n in a.objects:
                r = run_one(n, workdir, a.format)
                print("%10d %8.2f %12.0f %7.1fMB %12.1f" % (n, r["seconds"], r["rows_per_s"],
                                                          r["rss_mb"], r["bytes_mb"]),
                      flush=True)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return
    workdir = tempfile.mkdtemp(prefix="stocktake-inv-bench-")
    try:
        print("%10s %8s %12s %9s %9s %9s %10s %10s %11s" % (
            "objects", "seconds", "rows/s", "peakRSS", "CSV MB", "gz MB", "report MB/s",
            "gzip -6 s", "gzip MB/s"))
        results = []
        for n in a.objects:
            r = run_one(n, workdir)
            results.append(r)
            print("%10d %8.2f %12.0f %7.1fMB %9.1f %9.1f %11.1f %10.2f %11.1f" % (
                n, r["seconds"], r["rows_per_s"], r["rss_mb"], r["csv_mb"], r["gz_mb"],
                r["report_mb_s"], r["gzip_s"], r["gzip_mb_s"]), flush=True)
            print("           report/gzip throughput: %.2f (goal >= 0.5)"
                  % (r["report_mb_s"] / r["gzip_mb_s"]), flush=True)
        if len(results) > 1:
            print("peak RSS %d vs %d objects: %+.1f%% (goal within 10%%)" % (
                results[-1]["objects"], results[0]["objects"],
                100 * (results[-1]["rss_mb"] / results[0]["rss_mb"] - 1)))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
