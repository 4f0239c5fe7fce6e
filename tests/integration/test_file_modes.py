"""The data directory is private (issue 9, defect 12): meta.db holds every secret key, so the
directory is 0700, meta.db and its -wal/-shm 0600, blobs and temp files 0600, fan-out
directories 0700; a data directory left with looser modes is tightened when serve starts."""
import os
import stat

import pytest

from conftest import Server, sqlite_only


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def walk(root):
    for d, dirs, files in os.walk(root):
        for name in dirs:
            yield os.path.join(d, name), True
        for name in files:
            yield os.path.join(d, name), False


def check_private(data):
    assert mode(data) == 0o700
    loose = []
    for path, is_dir in walk(data):
        want = 0o700 if is_dir else 0o600
        if mode(path) & ~want:
            loose.append((os.path.relpath(path, data), oct(mode(path))))
    assert not loose, loose


@pytest.fixture
def fresh():
    srv = Server()
    old = os.umask(0o022)  # the usual umask: the modes must not come from it
    try:
        srv.start()
    finally:
        os.umask(old)
    yield srv
    code = srv.stop()
    srv.cleanup()
    assert code == 0


@sqlite_only
def test_new_data_dir_is_private(fresh):
    s3 = fresh.client()
    s3.create_bucket(Bucket="modes")
    s3.put_object(Bucket="modes", Key="k", Body=b"secret bytes")
    mpu = s3.create_multipart_upload(Bucket="modes", Key="m")
    s3.upload_part(Bucket="modes", Key="m", UploadId=mpu["UploadId"], PartNumber=1, Body=b"p")
    names = set(os.listdir(fresh.data))
    assert "meta.db" in names and "meta.db-wal" in names, names
    assert mode(os.path.join(fresh.data, "meta.db")) == 0o600
    assert mode(os.path.join(fresh.data, "meta.db-wal")) == 0o600
    blobs = [p for p, is_dir in walk(os.path.join(fresh.data, "blobs")) if not is_dir]
    assert len(blobs) >= 2
    check_private(fresh.data)


@sqlite_only
def test_loose_data_dir_is_tightened_at_start():
    srv = Server()
    try:
        srv.start()
        s3 = srv.client()
        s3.create_bucket(Bucket="loose")
        s3.put_object(Bucket="loose", Key="k", Body=b"x")
        assert srv.stop() == 0
        # what an older release (or a careless chmod -R) leaves behind
        for path, is_dir in walk(srv.data):
            os.chmod(path, 0o755 if is_dir else 0o644)
        os.chmod(srv.data, 0o755)
        srv.start()
        assert mode(srv.data) == 0o700
        for name in ("tmp", "blobs"):
            assert mode(os.path.join(srv.data, name)) == 0o700
        for name in ("meta.db", "meta.db-wal", "meta.db-shm"):
            path = os.path.join(srv.data, name)
            if os.path.exists(path):
                assert mode(path) == 0o600, name
        # a new object in an old fan-out directory: the directory is tightened on use
        s3 = srv.client()
        assert s3.get_object(Bucket="loose", Key="k")["Body"].read() == b"x"
    finally:
        srv.stop()
        srv.cleanup()
