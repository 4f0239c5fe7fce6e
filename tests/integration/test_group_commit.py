"""Group commit (docs/internals/PERFORMANCE.md): concurrent PUTs share metadata transactions,
yet every caller gets its own result and no acknowledged PUT is lost to a crash."""
import hashlib
import http.client
import signal
import threading
import time

from conftest import Server
from sigv4 import sign

WRITERS = 16


def _put(conn, srv, path, body, extra=None):
    """One signed PUT on a keep-alive connection; returns (status, ETag)."""
    headers = {"host": "127.0.0.1:%d" % srv.port, "content-length": str(len(body))}
    headers.update(extra or {})
    signed, _, _, _, _ = sign("PUT", path, (), headers, "UNSIGNED-PAYLOAD", srv.access_key,
                              srv.secret_key, srv.region)
    conn.request("PUT", path, body=body, headers=signed)
    resp = conn.getresponse()
    resp.read()
    return resp.status, resp.getheader("ETag")


def _body(key):
    return (key.encode() + b":") * 64


def test_concurrent_writers_killed_keep_every_acknowledged_put():
    srv = Server().start()
    try:
        s3 = srv.client()
        s3.create_bucket(Bucket="gc-crash")
        acked = [[] for _ in range(WRITERS)]
        stop = threading.Event()

        def writer(i):
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
            n = 0
            try:
                while not stop.is_set():
                    key = "w%02d/%06d" % (i, n)
                    status, etag = _put(conn, srv, "/gc-crash/" + key, _body(key))
                    assert status == 200
                    acked[i].append((key, etag))  # acknowledged: the 200 came back
                    n += 1
            except (OSError, http.client.HTTPException):
                pass  # the server died mid-request: that PUT was never acknowledged

        threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
        for t in threads:
            t.start()
        time.sleep(2.0)
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        stop.set()
        for t in threads:
            t.join()
        srv.stop()
        total = sum(len(a) for a in acked)
        assert total >= WRITERS  # every writer got some through before the kill
        srv2 = Server(data_dir=srv.data)
        srv2.tmp = srv.tmp
        srv2.start()
        try:
            s3 = srv2.client()
            for per_writer in acked:
                for key, etag in per_writer:
                    got = s3.get_object(Bucket="gc-crash", Key=key)
                    assert got["Body"].read() == _body(key), key
                    assert got["ETag"] == etag == '"%s"' % hashlib.md5(_body(key)).hexdigest()
            listed = set()
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket="gc-crash"):
                listed |= {o["Key"] for o in page.get("Contents", [])}
            assert {k for a in acked for k, _ in a} <= listed
        finally:
            assert srv2.stop() == 0
    finally:
        srv.cleanup()


def test_batched_conditional_failures_fail_alone(server, bucket):
    """16 concurrent If-None-Match: * PUTs of one key and 16 plain PUTs of other keys share
    batches: exactly one conditional PUT wins, the others get 412, every plain one succeeds."""
    results = {}

    def one(i):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        if i % 2:
            results[i] = _put(conn, server, "/%s/contended" % bucket, b"v%d" % i,
                              {"if-none-match": "*"})[0]
        else:
            results[i] = _put(conn, server, "/%s/free-%d" % (bucket, i), b"v%d" % i)[0]
        conn.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(2 * WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    conditional = [results[i] for i in results if i % 2]
    plain = [results[i] for i in results if i % 2 == 0]
    assert sorted(conditional) == [200] + [412] * (WRITERS - 1)
    assert plain == [200] * WRITERS
    s3 = server.client()
    body = s3.get_object(Bucket=bucket, Key="contended")["Body"].read()
    winner = [i for i in results if i % 2 and results[i] == 200][0]
    assert body == b"v%d" % winner
    for i in range(0, 2 * WRITERS, 2):
        assert s3.get_object(Bucket=bucket, Key="free-%d" % i)["Body"].read() == b"v%d" % i
