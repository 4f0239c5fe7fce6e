"""A metadata database held by another writer: a write waits --meta-busy-timeout-ms for the
lock, then fails as AWS fails an overloaded write, 503 SlowDown, and leaves nothing behind;
reads go on meanwhile (WAL), and once the lock is released the same write succeeds."""
import os
import sqlite3
import time

import pytest
from botocore.exceptions import ClientError

from conftest import error_code, serve_checked, sqlite_only


def blob_files(data):
    """Files of object bytes in the data directory (everything but the database)."""
    out = []
    for d, _, files in os.walk(data):
        out += [os.path.join(d, f) for f in files if not f.startswith("meta.db")]
    return sorted(out)


@pytest.fixture(scope="module")
def server():
    yield from serve_checked(["--meta-busy-timeout-ms", "300"])


@sqlite_only
def test_locked_database_answers_slowdown_and_loses_nothing(server):
    s3 = server.client()
    s3.create_bucket(Bucket="busy")
    s3.put_object(Bucket="busy", Key="before", Body=b"old")
    files = blob_files(server.data)
    db = sqlite3.connect(os.path.join(server.data, "meta.db"), timeout=5, isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")
    try:
        start = time.monotonic()
        with pytest.raises(ClientError) as e:
            s3.put_object(Bucket="busy", Key="during", Body=b"new")
        assert error_code(e.value) == "SlowDown"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
        assert time.monotonic() - start >= 0.25  # it waited for the lock first
        with pytest.raises(ClientError) as e:
            s3.put_object(Bucket="busy", Key="before", Body=b"overwrite")
        assert error_code(e.value) == "SlowDown"
        assert s3.get_object(Bucket="busy", Key="before")["Body"].read() == b"old"
        assert blob_files(server.data) == files  # the refused writes' bytes are gone
    finally:
        db.execute("ROLLBACK")
        db.close()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="busy")["Contents"]]
    assert keys == ["before"]
    assert s3.get_object(Bucket="busy", Key="before")["Body"].read() == b"old"
    s3.put_object(Bucket="busy", Key="during", Body=b"new")
    assert s3.get_object(Bucket="busy", Key="during")["Body"].read() == b"new"


def test_bad_busy_timeout_is_refused(server):
    import subprocess
    from conftest import BIN
    p = subprocess.run([BIN, "serve", "--meta-busy-timeout-ms", "0", "--listen", "127.0.0.1:0",
                        "--data", server.data + "-nope"], capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 2 and "meta-busy-timeout-ms" in p.stderr
