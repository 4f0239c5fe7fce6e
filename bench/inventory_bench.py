#!/usr/bin/python3
"""Inventory report benchmark (issue 15, "Reports").

    make && /usr/bin/python3 bench/inventory_bench.py --objects 1000000 10000000 --seed 1
    make && /usr/bin/python3 bench/inventory_bench.py --objects 100000000 --no-versions
    make && /usr/bin/python3 bench/inventory_bench.py --wal --objects 10000000
    make && /usr/bin/python3 bench/inventory_bench.py --sse --objects 1000000

Default run, per object count N: a data directory whose bucket is filled straight in the
metadata store by bench/inv_rows.c (realistic rows, distribution documented there and in
bench/README.md, --seed), then in one run: the bare scan rate (the report's own SQLite query
with every column read, one thread), CSV.gz, Parquet and ORC reports with every optional field
(`stocktake inventory run` under /usr/bin/time -v: wall, CPU, peak RSS), `gzip -6` and ISA-L
levels 1-3 on (a sample of) the same CSV bytes, ListObjectsV2 objects/s on the same bucket
(a server on the data directory, raw SigV4 requests, 1,000 keys a page), and, unless
--no-versions, Current and All-versions CSV reports of a versioned bucket of N keys with ~21%
noncurrent versions and delete markers. Every figure is printed with its goal.

--wal: a CSV report of N objects while PUTs go on against a server on the same data directory;
the size of meta.db-wal is sampled during and after the report.

--sse (issue 11): the objects are encrypted (SSE-S3, SSE-KMS, SSE-KMS with a bucket key and
DSSE-KMS in turn, their encryption records taken from real PUTs to a server on the same data
directory) and the report itself is encrypted with SSE-S3; each size runs once plain and once
encrypted, and the rate of both and their ratio are printed."""
import argparse
import gzip
import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import tempfile
import time
import zlib

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


GOAL_RATE = 333333  # rows/s: 10^8 objects in under 5 minutes
TOOL = os.path.join(ROOT, "build", "inv_rows")


def build_tool():
    """bench/inv_rows.c, with ISA-L when the build has it (as the Makefile decides)."""
    src = os.path.join(ROOT, "bench", "inv_rows.c")
    if os.path.exists(TOOL) and os.path.getmtime(TOOL) > os.path.getmtime(src):
        return
    isal = subprocess.run(["sh", "-c", "pkg-config --exists libisal || test -f "
                           "/usr/include/isa-l/igzip_lib.h"]).returncode == 0
    os.makedirs(os.path.dirname(TOOL), exist_ok=True)
    subprocess.run(["cc", "-O2", "-o", TOOL, src, "-lsqlite3", "-lz", "-lm"]
                   + (["-DHAVE_ISAL", "-lisal"] if isal else []), check=True)


def config_xml(id_, fmt, versions="Current"):
    return ("<Id>" + id_ + "</Id><IsEnabled>true</IsEnabled><Destination><S3BucketDestination>"
            "<Format>" + fmt + "</Format><Bucket>arn:aws:s3:::dst</Bucket>"
            "</S3BucketDestination></Destination><Schedule><Frequency>Daily</Frequency>"
            "</Schedule><IncludedObjectVersions>" + versions + "</IncludedObjectVersions>"
            "<OptionalFields>" + "".join("<Field>%s</Field>" % f for f in FIELDS) +
            "</OptionalFields>")


def setup(data, n, seed, versions):
    """Account, buckets src (and ver, versioned), dst with the delivery policy, configurations;
    objects by inv_rows. Returns (account, access key, secret, fill seconds)."""
    out = subprocess.run([BIN, "admin", "--data", data, "account", "add", "bench"],
                         check=True, capture_output=True, text=True).stdout
    account = re.search(r"account (\d{12})", out).group(1)
    key, secret = re.search(r"key (\S+)\s+secret (\S+)", out).groups()
    db = sqlite3.connect(os.path.join(data, "meta.db"))
    now = int(time.time() * 1000)
    for name, versioning in [("src", 0), ("dst", 0)] + ([("ver", 1)] if versions else []):
        db.execute("INSERT INTO buckets(name, owner_id, region, created_ms, versioning, id)"
                   " VALUES (?, ?, 'us-east-1', ?, ?, lower(hex(randomblob(16))))",
                   (name, account, now, versioning))
    configs = [("src", f.lower(), config_xml(f.lower(), f)) for f in ("CSV", "Parquet", "ORC")]
    if versions:
        configs += [("ver", "current", config_xml("current", "CSV")),
                    ("ver", "all", config_xml("all", "CSV", "All"))]
    for bucket, id_, xml in configs:
        db.execute("INSERT INTO inventory_configs(bucket, id, config, updated_ms) VALUES"
                   " (?, ?, ?, ?)", (bucket, id_, xml, now))
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::dst/*",
        "Condition": {"ArnLike": {"aws:SourceArn": ["arn:aws:s3:::src", "arn:aws:s3:::ver"]},
                      "StringEquals": {"aws:SourceAccount": account,
                                       "s3:x-amz-acl": "bucket-owner-full-control"}}}]})
    db.execute("INSERT INTO bucket_configs VALUES ('dst', 'policy', ?, ?)", (policy, now))
    db.commit()
    db.close()
    t0 = time.time()
    meta = os.path.join(data, "meta.db")
    subprocess.run(["nice", TOOL, "fill", meta, "src", str(n), str(seed), account, "0"],
                   check=True)
    if versions:
        subprocess.run(["nice", TOOL, "fill", meta, "ver", str(n), str(seed + 1), account, "1"],
                       check=True)
    return account, key, secret, time.time() - t0


def timed(cmd, env=None):
    """Run cmd under /usr/bin/time -v: (wall s, cpu s, peak RSS MB, stderr)."""
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr[-3000:]
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    cpu = sum(float(re.search(r"%s time \(seconds\): ([\d.]+)" % k, p.stderr).group(1))
              for k in ("User", "System"))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return seconds, cpu, rss / 1024, p.stderr


def report(data, bucket, id_, at):
    """One report: rows/s figures and its data files."""
    wall, cpu, rss, _ = timed([BIN, "inventory", "run", "--data", data, "--bucket", bucket,
                               "--id", id_, "--legacy-bucket-defaults", "--at", at])
    db = sqlite3.connect(os.path.join(data, "meta.db"))
    rows = db.execute("SELECT rows FROM inventory_runs WHERE bucket=? AND config_id=? ORDER BY"
                      " run_id DESC LIMIT 1", (bucket, id_)).fetchone()[0]
    blobs = [b for (b,) in db.execute(
        "SELECT blob_id FROM objects WHERE bucket='dst' AND key LIKE ? ESCAPE '!'",
        ("%s/%s/data/%%" % (bucket, id_),))]
    db.close()
    files = [os.path.join(data, "blobs", b[:2], b[2:4], b) for b in blobs]
    return {"rows": rows, "seconds": wall, "cpu": cpu, "rss_mb": rss, "files": files,
            "bytes": sum(os.path.getsize(f) for f in files), "rows_per_s": rows / wall}


def gzip_compare(files, workdir, sample_mb):
    """The report's CSV bytes: total, and a sample (up to sample_mb) through gzip -6 and
    ISA-L levels 1-3 (bench/inv_rows.c deflate). Sizes are scaled to the whole CSV."""
    sample = os.path.join(workdir, "sample.csv")
    total = 0
    with open(sample, "wb") as out:
        for f in files:
            d = zlib.decompressobj(31)
            with open(f, "rb") as fh:
                while True:
                    chunk = fh.read(1 << 20)
                    if not chunk:
                        break
                    raw = d.decompress(chunk)
                    if total < sample_mb << 20:
                        out.write(raw[:(sample_mb << 20) - total])
                    total += len(raw)
    sample_bytes = os.path.getsize(sample)
    t0 = time.time()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    gz = subprocess.run(["gzip", "-6", "-c", sample], stdout=subprocess.PIPE, check=True).stdout
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    res = {"csv_bytes": total, "sample_bytes": sample_bytes, "gzip_s": time.time() - t0,
           "gzip_cpu": r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime,
           "gzip_bytes": len(gz) * total / sample_bytes}
    for eng in ("isal1", "isal2", "isal3"):
        p = subprocess.run([TOOL, "deflate", eng, sample], capture_output=True, text=True)
        if p.returncode == 0:
            zn, secs = p.stdout.split()
            res[eng] = (int(zn) * total / sample_bytes, float(secs))
    os.remove(sample)
    return res


class _Srv:
    """A server on data (the bench account's keys sign the requests)."""

    def __init__(self, data):
        env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKTAKE_ROOT_")}
        self.log = open(os.path.join(data, "bench-server.log"), "ab")
        self.proc = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:0", "--data", data,
                                      "--legacy-bucket-defaults", "--inventory-tick-seconds",
                                      "86400"], stdout=subprocess.PIPE,
                                     stderr=self.log, env=env, stdin=subprocess.DEVNULL)
        line = self.proc.stdout.readline().decode()
        m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        assert m, line
        self.port = int(m.group(1))
        self.endpoint = "http://127.0.0.1:%d" % self.port
        self.region = "us-east-1"
        import threading
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:  # a background worker still busy: no need to wait
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def _signed():
    import sys
    sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
    from sigv4 import signed_request
    return signed_request


def list_rate(data, key, secret, seconds):
    """ListObjectsV2 on src, pages of 1,000 from the start, for about seconds: objects/s."""
    signed_request = _signed()
    srv = _Srv(data)
    try:
        n, token, t0 = 0, None, time.time()
        while time.time() - t0 < seconds:
            q = [("list-type", "2"), ("max-keys", "1000")]
            if token:
                q.append(("continuation-token", token))
            status, _, body = signed_request(srv, "GET", "/src", q, access_key=key,
                                             secret=secret)
            assert status == 200, body[:500]
            n += body.count(b"<Key>")
            m = re.search(rb"<NextContinuationToken>([^<]+)</NextContinuationToken>", body)
            if not m:
                break
            token = m.group(1).decode()
        return n / (time.time() - t0)
    finally:
        srv.stop()


def ok(v):
    return "ok" if v else "MISSED"


def run_bench(a):
    build_tool()
    workdir = tempfile.mkdtemp(prefix="stocktake-inv-bench-", dir=a.workdir)
    results = []
    try:
        for n in a.objects:
            data = os.path.join(workdir, "data-%d" % n)
            os.makedirs(data)
            account, key, secret, fill_s = setup(data, n, a.seed, a.versions)
            isal = "libisal" in subprocess.run(["ldd", BIN], capture_output=True,
                                               text=True).stdout
            print("== %d objects (seed %d), filled in %.0f s; deflate: %s; load average %s" % (
                n, a.seed, fill_s, "ISA-L" if isal else "zlib",
                " ".join(open("/proc/loadavg").read().split()[:3])), flush=True)
            p = subprocess.run([TOOL, "scan", os.path.join(data, "meta.db"), "src", "0"],
                               check=True, capture_output=True, text=True)
            rows, secs, scan_cpu = p.stdout.split()[:3]
            scan = int(rows) / float(secs)
            print("bare scan (the report's SQLite query, 1 thread): %.0f rows/s, %.0f rows per "
                  "CPU second" % (scan, int(rows) / max(float(scan_cpu), 1e-9)))
            r = {"objects": n, "scan": scan}
            for minute, fmt in enumerate(a.formats):
                rep = report(data, "src", fmt.lower(), "2026-01-01T00:%02d:00Z" % minute)
                assert rep["rows"] == n, (rep["rows"], n)
                r[fmt] = rep
                print("%-8s %9.0f rows/s  %7.1f s  cpu %6.1f s (%.2f cores, %.0f rows per CPU s)"
                      "  peak RSS %6.1f MB  %8.1f MB   rate goal %s, %.2f of scan (goal 0.8) %s" % (
                          fmt, rep["rows_per_s"], rep["seconds"], rep["cpu"],
                          rep["cpu"] / rep["seconds"], n / max(rep["cpu"], 1e-9), rep["rss_mb"],
                          rep["bytes"] / 1e6,
                          ok(rep["rows_per_s"] >= GOAL_RATE), rep["rows_per_s"] / scan,
                          ok(rep["rows_per_s"] >= 0.8 * scan)), flush=True)
            if "CSV" in r:
                g = gzip_compare(r["CSV"]["files"], workdir, a.gzip_sample_mb)
                r["gzip"] = g
                mb = g["csv_bytes"] / 1e6
                gzip_rate = g["sample_bytes"] / 1e6 / g["gzip_s"]
                ours = mb / r["CSV"]["seconds"]
                print("CSV %.1f MB; gzip -6 (sample %.0f MB): %.1f MB/s wall, %.1f MB/s cpu, "
                      "%.1f MB scaled" % (mb, g["sample_bytes"] / 1e6, gzip_rate,
                                          g["sample_bytes"] / 1e6 / max(g["gzip_cpu"], 1e-9),
                                          g["gzip_bytes"] / 1e6))
                for eng in ("isal1", "isal2", "isal3"):
                    if eng in g:
                        print("  ISA-L level %s: %.1f MB (%.2fx gzip -6), %.0f MB/s" % (
                            eng[-1], g[eng][0] / 1e6, g[eng][0] / g["gzip_bytes"],
                            g["sample_bytes"] / 1e6 / max(g[eng][1], 1e-9)))
                print("  report CSV.gz %.1f MB = %.2fx gzip -6 (goal <= 1.3) %s; written at "
                      "%.1f MB/s = %.2fx gzip -6 (goal >= 2) %s" % (
                          r["CSV"]["bytes"] / 1e6, r["CSV"]["bytes"] / g["gzip_bytes"],
                          ok(r["CSV"]["bytes"] <= 1.3 * g["gzip_bytes"]), ours,
                          ours / gzip_rate, ok(ours >= 2 * gzip_rate)), flush=True)
            if a.versions:
                cur = report(data, "ver", "current", "2026-01-01T01:00:00Z")
                alv = report(data, "ver", "all", "2026-01-01T01:01:00Z")
                print("versioned bucket (%d keys): Current %d rows %.0f rows/s; All %d rows "
                      "(%.1f%% noncurrent or markers) %.0f rows/s = %.2f of Current (goal 0.8)"
                      " %s" % (n, cur["rows"], cur["rows_per_s"], alv["rows"],
                               100.0 * (alv["rows"] - cur["rows"]) / alv["rows"],
                               alv["rows_per_s"], alv["rows_per_s"] / cur["rows_per_s"],
                               ok(alv["rows_per_s"] >= 0.8 * cur["rows_per_s"])), flush=True)
            if a.list_seconds > 0:
                lr = list_rate(data, key, secret, a.list_seconds)
                best = min(r[f]["rows_per_s"] for f in a.formats) if a.formats else 0
                print("ListObjectsV2: %.0f objects/s; slowest report %.0f rows/s = %.1fx "
                      "(goal >= 5) %s" % (lr, best, best / lr, ok(best >= 5 * lr)), flush=True)
            results.append(r)
            if not a.keep:
                shutil.rmtree(data)
        if len(results) > 1:
            for fmt in a.formats:
                lo, hi = results[0][fmt]["rss_mb"], results[-1][fmt]["rss_mb"]
                print("%s peak RSS %d vs %d objects: %.1f vs %.1f MB, %+.1f%% (goals: < 64 MB,"
                      " within 10%%) %s" % (fmt, results[-1]["objects"], results[0]["objects"],
                                           hi, lo, 100 * (hi / lo - 1),
                                           ok(hi < 64 and abs(hi / lo - 1) <= 0.10)))
    finally:
        if not a.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print("kept", workdir)


def wal_bench(a):
    """A CSV report of N objects while PUT clients write to another bucket of the same store;
    meta.db-wal sampled every 0.2 s."""
    import threading
    build_tool()
    signed_request = _signed()
    n = a.objects[0]
    workdir = tempfile.mkdtemp(prefix="stocktake-inv-wal-", dir=a.workdir)
    try:
        data = os.path.join(workdir, "data")
        os.makedirs(data)
        account, key, secret, fill_s = setup(data, n, a.seed, False)
        # the server's scheduler runs due configurations at its first tick: the configurations
        # come back after it (the tick is then a day away)
        meta = os.path.join(data, "meta.db")
        db = sqlite3.connect(meta)
        configs = db.execute("SELECT bucket, id, config, updated_ms FROM inventory_configs"
                             ).fetchall()
        db.execute("DELETE FROM inventory_configs")
        db.commit()
        srv = _Srv(data)
        time.sleep(2)
        db.executemany("INSERT INTO inventory_configs(bucket, id, config, updated_ms) VALUES"
                       " (?, ?, ?, ?)", configs)
        db.commit()
        db.close()
        stop = threading.Event()
        puts = [0]

        def writer(w):
            i = 0
            while not stop.is_set():
                status, _, body = signed_request(srv, "PUT", "/dst/w%d/%08d" % (w, i),
                                                 body=b"x" * 100, access_key=key,
                                                 secret=secret)
                assert status == 200, body
                puts[0] += 1
                i += 1
        wal = os.path.join(data, "meta.db-wal")
        threads = [threading.Thread(target=writer, args=(w,), daemon=True) for w in range(4)]
        for t in threads:
            t.start()
        samples = []
        rep = {}

        def run_report():
            rep.update(report(data, "src", "csv", "2026-01-01T00:00:00Z"))
        t0 = time.time()
        rt = threading.Thread(target=run_report)
        rt.start()
        while rt.is_alive():
            samples.append((time.time() - t0, os.path.getsize(wal) if os.path.exists(wal) else 0,
                            puts[0]))
            time.sleep(0.2)
        rt.join()
        after = time.time()
        while time.time() - after < 3:
            samples.append((time.time() - t0, os.path.getsize(wal), puts[0]))
            time.sleep(0.2)
        stop.set()
        for t in threads:
            t.join()
        srv.stop()
        print("%d objects, report %.1f s, %d PUTs during it" % (n, rep["seconds"], puts[0]))
        step = max(1, len(samples) // 20)
        for t, size, p in samples[::step]:
            print("  t=%6.1f s  WAL %8.1f MB  PUTs %d" % (t, size / 1e6, p))
        print("WAL peak %.1f MB during the report, %.1f MB 3 s after it" % (
            max(s for _, s, _ in samples) / 1e6, samples[-1][1] / 1e6))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, nargs="+", default=[1000000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--formats", nargs="*", default=["CSV", "Parquet", "ORC"])
    ap.add_argument("--no-versions", dest="versions", action="store_false",
                    help="skip the versioned bucket (Current against All versions)")
    ap.add_argument("--list-seconds", type=float, default=10)
    ap.add_argument("--gzip-sample-mb", type=int, default=512)
    ap.add_argument("--workdir", default=None, help="where the data directories go")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--wal", action="store_true",
                    help="WAL size during a report with concurrent PUTs")
    ap.add_argument("--format", default="CSV", choices=["CSV", "Parquet", "ORC"],
                    help="--sse only")
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
    if a.wal:
        wal_bench(a)
        return
    run_bench(a)


if __name__ == "__main__":
    main()
