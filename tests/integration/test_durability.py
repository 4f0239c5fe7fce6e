"""Durability: concurrent writers, dropped connections and crashes never leave a torn or
partial object visible, and committed data survives a restart."""
import hashlib
import os
import signal
import socket
import threading
import time

import pytest
from botocore.exceptions import ClientError

from conftest import Server
from sigv4 import sign


def blob_files(data_dir):
    found = []
    for root, _, files in os.walk(os.path.join(data_dir, "blobs")):
        found += [os.path.join(root, f) for f in files]
    return found


def tmp_files(data_dir):
    return os.listdir(os.path.join(data_dir, "tmp"))


def test_concurrent_puts_one_complete_winner(server, s3, bucket):
    bodies = [bytes([i]) * (1024 * 1024 + i) for i in range(8)]
    errors = []

    def put(body):
        try:
            server.client().put_object(Bucket=bucket, Key="contended", Body=body)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=put, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    got = s3.get_object(Bucket=bucket, Key="contended")
    data = got["Body"].read()
    assert data in bodies
    assert got["ETag"] == '"%s"' % hashlib.md5(data).hexdigest()
    # the losers' blobs were removed: one blob file per live object in this bucket
    live = s3.list_objects_v2(Bucket=bucket)["KeyCount"]
    assert live == 1


def _start_upload(server, bucket, key, total, sent):
    """Open a PUT of `total` bytes, send `sent` of them, return the socket."""
    path = "/%s/%s" % (bucket, key)
    headers = {"host": "127.0.0.1:%d" % server.port, "content-length": str(total)}
    signed, _, _, _, _ = sign("PUT", path, (), headers, "UNSIGNED-PAYLOAD", server.access_key,
                              server.secret_key, server.region)
    sock = socket.create_connection(("127.0.0.1", server.port))
    head = "PUT %s HTTP/1.1\r\n" % path + "".join("%s: %s\r\n" % kv for kv in signed.items())
    sock.sendall(head.encode() + b"\r\n" + b"z" * sent)
    return sock


def test_dropped_connection_leaves_nothing(server, s3, bucket):
    s3.put_object(Bucket=bucket, Key="dropped", Body=b"old complete version")
    sock = _start_upload(server, bucket, "dropped", 4 * 1024 * 1024, 1024 * 1024)
    time.sleep(0.3)
    sock.close()
    deadline = time.time() + 10
    while tmp_files(server.data) and time.time() < deadline:
        time.sleep(0.05)
    assert tmp_files(server.data) == []
    assert s3.get_object(Bucket=bucket, Key="dropped")["Body"].read() == b"old complete version"
    sock = _start_upload(server, bucket, "never-finished", 1000, 10)
    sock.close()
    time.sleep(0.3)
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="never-finished")


def test_crash_mid_upload_then_restart():
    srv = Server().start()
    try:
        s3 = srv.client()
        s3.create_bucket(Bucket="crash-bucket")
        s3.put_object(Bucket="crash-bucket", Key="kept", Body=b"committed before the crash")
        sock = _start_upload(srv, "crash-bucket", "torn", 8 * 1024 * 1024, 2 * 1024 * 1024)
        time.sleep(0.3)
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        sock.close()
        srv.stop()
        srv2 = Server(data_dir=srv.data)
        srv2.tmp = srv.tmp
        srv2.start()
        try:
            s3 = srv2.client()
            assert s3.get_object(Bucket="crash-bucket",
                                 Key="kept")["Body"].read() == b"committed before the crash"
            with pytest.raises(ClientError):
                s3.head_object(Bucket="crash-bucket", Key="torn")
            assert tmp_files(srv2.data) == []
            assert [o["Key"] for o in
                    s3.list_objects_v2(Bucket="crash-bucket")["Contents"]] == ["kept"]
            assert len(blob_files(srv2.data)) == 1
        finally:
            assert srv2.stop() == 0
    finally:
        srv.cleanup()


def test_data_survives_restart():
    srv = Server().start()
    try:
        s3 = srv.client()
        s3.create_bucket(Bucket="persist")
        s3.put_object(Bucket="persist", Key="a/b", Body=b"persisted", Metadata={"k": "v"})
        assert srv.stop() == 0
        srv2 = Server(data_dir=srv.data)
        srv2.tmp = srv.tmp
        srv2.start()
        try:
            got = srv2.client().get_object(Bucket="persist", Key="a/b")
            assert got["Body"].read() == b"persisted"
            assert got["Metadata"] == {"k": "v"}
        finally:
            assert srv2.stop() == 0
    finally:
        srv.cleanup()
