"""The inventory scan on its own thread (src/inventory/inv_pipe.c, issue 15): the SQLite scan
fills batches of 4,096 copied rows through a bounded queue of four, the report's thread encodes
them. A report of 40,000 versions is held after its first row (the scan thread then waits on
the full queue, mid-way through the key space) while a writer overwrites, deletes, creates and
removes versions before, inside and after the part already scanned: the report must be exactly
the snapshot the scan began with, every version once, in key order and newest first."""
import csv
import gzip
import io
import os
import sqlite3
import subprocess
import time

from conftest import BIN, sqlite_only
from test_inventory_changes import dest, raw_put  # noqa: F401 (dest is a fixture)
from test_inventory_reports import fetch_report

SRC = "pipe-src"
N = 40000


def config(id_):
    return ("<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Id>%s</Id><IsEnabled>true</IsEnabled><Destination><S3BucketDestination>"
            "<Bucket>arn:aws:s3:::chg-dst</Bucket><Format>CSV</Format></S3BucketDestination>"
            "</Destination><Schedule><Frequency>Daily</Frequency></Schedule>"
            "<IncludedObjectVersions>All</IncludedObjectVersions><OptionalFields>"
            "<Field>Size</Field><Field>ETag</Field></OptionalFields>"
            "</InventoryConfiguration>" % id_).encode()


def snapshot(db):
    """The bucket's versions as the report lists them: key order, newest first."""
    rows = db.execute("SELECT key, version_id, is_latest, is_delete_marker, size, etag FROM"
                      " objects WHERE bucket=? ORDER BY key, id DESC", (SRC,)).fetchall()
    return [[SRC, k, v, "true" if latest else "false", "true" if dm else "false",
             "" if dm else str(size), "" if dm else etag.strip('"')]
            for k, v, latest, dm, size, etag in rows]


@sqlite_only  # it bulk-loads and reads meta.db directly
def test_report_is_one_snapshot_while_writes_go_on(server, s3, dest, tmp_path):  # noqa: F811
    s3.create_bucket(Bucket=SRC)
    s3.put_bucket_versioning(Bucket=SRC, VersioningConfiguration={"Status": "Enabled"})
    for i in range(0, N, 4000):  # real versions, whose owner the bulk rows copy
        s3.put_object(Bucket=SRC, Key="k/%06d" % i, Body=b"x" * (i % 7))
    status, _, body = raw_put(server, SRC, "pipe", config("pipe"))
    assert status == 204, body
    db = sqlite3.connect(os.path.join(server.data, "meta.db"), timeout=30)
    owner, headers = db.execute("SELECT owner_id, headers FROM objects WHERE bucket=? LIMIT 1",
                                (SRC,)).fetchone()
    db.executemany(
        "INSERT INTO objects(bucket, key, version_id, is_latest, is_delete_marker, size,"
        " last_modified_ms, etag, storage_class, owner_id, headers, blob_id, multipart,"
        " checksum_algorithm, checksum_value, checksum_type) VALUES (?,?,?,1,0,?,?,?,"
        " 'STANDARD',?,?,'',0,'','','')",
        [(SRC, "k/%06d" % i, "bulk%028d" % i, i % 1000, 1700000000000 + i, '"%032x"' % i,
          owner, headers) for i in range(N) if i % 4000])
    db.commit()
    want = snapshot(db)
    assert len(want) == N
    env = dict(os.environ, STOCKTAKE_TEST_DELAY_AFTER_FIRST_ROW_MS="4000")
    run = subprocess.Popen([BIN, "inventory", "run", "--data", server.data, "--bucket", SRC,
                            "--id", "pipe", "--at", "2026-01-01T00:00:00Z"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.time() + 60
    while (db.execute("SELECT coalesce(max(rows), 0) FROM inventory_runs WHERE bucket=? AND"
                      " outcome='running'", (SRC,)).fetchone()[0] < 1):
        assert time.time() < deadline and run.poll() is None, run.communicate()
        time.sleep(0.05)
    # the report holds its first row; its scan thread is some 16,000 rows in, waiting
    writes = 0
    for i in (1, 17, 20001, 39999, 5, 16390, 30000):
        s3.put_object(Bucket=SRC, Key="k/%06d" % i, Body=b"new version")  # overwrite
        s3.delete_object(Bucket=SRC, Key="k/%06d" % (i + 1))  # delete marker
        s3.put_object(Bucket=SRC, Key="k/%06da" % i, Body=b"created")  # new key
        writes += 3
    first = db.execute("SELECT version_id FROM objects WHERE bucket=? AND key='k/000000'",
                       (SRC,)).fetchone()[0]
    s3.delete_object(Bucket=SRC, Key="k/000000", VersionId=first)  # a version removed
    out, err = run.communicate(timeout=300)
    assert run.returncode == 0, err
    assert len(snapshot(db)) == N + writes - 1  # the writes landed (markers are rows)
    manifest, files = fetch_report(s3, dest, out.strip(), tmp_path)
    rows = []
    for f in files:
        rows += list(csv.reader(io.StringIO(gzip.decompress(open(f, "rb").read()).decode())))
    assert len(rows) == len(want)
    assert rows == want  # the snapshot: nothing missing, doubled, reordered or newer
    db.close()
