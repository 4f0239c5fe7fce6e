"""Connection limits and HTTP framing (issue 9, defects 10 and 11).

A client holding sockets must not lock others out: idle sockets past FD_SETSIZE, a client
address over its connection limit, a slowloris sender dribbling its header, a request that
begins with a NUL byte and a stalled upload are all cut in bounded time while the health check
and a well-behaved boto3 client keep working. Framing that makes the body's end ambiguous gets
400, a transfer coding other than chunked 501, at once.

The server listens on 127.0.0.1; the attacker's sockets come from 127.0.0.2..7 (any 127/8
address is loopback on Linux), so the limits per client address are exercised for real."""
import socket
import time
import urllib.request

import pytest

import sigv4
from conftest import Server


def start(*args):
    return Server(args=args).start()


@pytest.fixture
def stop_after():
    started = []
    yield started.append
    for srv in started:
        code = srv.stop()
        log = srv.read_log()
        srv.cleanup()
        assert "Sanitizer" not in log and "runtime error:" not in log, log
        assert code == 0, log


def connect(srv, source="127.0.0.1", timeout=10):
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout,
                                 source_address=(source, 0))
    return s


def read_until_closed(s, limit=10.0):
    """Everything the server sends until it closes; (bytes, seconds taken)."""
    t0 = time.time()
    s.settimeout(limit)
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    return data, time.time() - t0


def is_closed(s):
    s.settimeout(0.05)
    try:
        return s.recv(1) == b""
    except (socket.timeout, BlockingIOError):
        return False
    except ConnectionResetError:
        return True


def healthy(srv):
    with urllib.request.urlopen(srv.endpoint + "/_stocktake/health", timeout=5) as r:
        return r.status == 200


def well_behaved(srv, bucket):
    s3 = srv.client()
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"still served")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"still served"


def raw(srv, request, limit=10.0):
    s = connect(srv)
    s.sendall(request)
    data, took = read_until_closed(s, limit)
    s.close()
    return data, took


def status_of(data):
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else None


# ---- defect 11: framing -------------------------------------------------------------------

@pytest.fixture(scope="module")
def plain():
    srv = start()
    yield srv
    code = srv.stop()
    log = srv.read_log()
    srv.cleanup()
    assert "Sanitizer" not in log and code == 0, log


def put_head(srv, *headers):
    lines = ["PUT /framing/key HTTP/1.1", "Host: 127.0.0.1:%d" % srv.port, *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_two_different_content_lengths_are_refused(plain):
    data, took = raw(plain, put_head(plain, "Content-Length: 5", "Content-Length: 6") + b"hello")
    assert status_of(data) == 400 and b"<Code>InvalidRequest</Code>" in data, data
    assert took < 5


def test_identical_content_lengths_are_one(plain):
    req = (b"GET /_stocktake/health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
           b"Content-Length: 0\r\nConnection: close\r\n\r\n")
    data, _ = raw(plain, req)
    assert status_of(data) == 200, data


def test_content_length_with_transfer_encoding_is_refused(plain):
    req = put_head(plain, "Content-Length: 5", "Transfer-Encoding: chunked")
    data, took = raw(plain, req + b"5\r\nhello\r\n0\r\n\r\n")
    assert status_of(data) == 400 and b"<Code>InvalidRequest</Code>" in data, data
    assert took < 5


@pytest.mark.parametrize("coding", ["gzip, chunked", "identity", "chunked, chunked", "gzip"])
def test_other_transfer_codings_are_not_implemented(plain, coding):
    data, took = raw(plain, put_head(plain, "Transfer-Encoding: " + coding) + b"5\r\nhello\r\n")
    assert status_of(data) == 501 and b"<Code>NotImplemented</Code>" in data, data
    assert took < 5


def test_signed_upload_with_gzip_chunked_is_answered_at_once(plain):
    """A request that passes authentication would have its body read until the connection
    ended (libmicrohttpd cannot decode gzip): it must be refused before that."""
    sigv4.signed_request(plain, "PUT", "/framing")
    headers, _, _, _, _ = sigv4.sign(
        "PUT", "/framing/key", (), {"host": "127.0.0.1:%d" % plain.port}, "UNSIGNED-PAYLOAD",
        plain.access_key, plain.secret_key, plain.region)
    head = "PUT /framing/key HTTP/1.1\r\n" + "".join(
        "%s: %s\r\n" % kv for kv in headers.items()) + "Transfer-Encoding: gzip, chunked\r\n\r\n"
    data, took = raw(plain, head.encode() + b"5\r\nhello\r\n", limit=10)
    assert status_of(data) == 501, data
    assert took < 5


def test_plain_chunked_upload_still_works(plain):
    sigv4.signed_request(plain, "PUT", "/chunky")
    headers, _, _, _, _ = sigv4.sign(
        "PUT", "/chunky/key", (), {"host": "127.0.0.1:%d" % plain.port}, "UNSIGNED-PAYLOAD",
        plain.access_key, plain.secret_key, plain.region)
    head = "PUT /chunky/key HTTP/1.1\r\n" + "".join(
        "%s: %s\r\n" % kv for kv in headers.items()) + "Transfer-Encoding: chunked\r\n" \
        "Connection: close\r\n\r\n"
    data, _ = raw(plain, head.encode() + b"5\r\nhello\r\n0\r\n\r\n")
    assert status_of(data) == 200, data
    assert plain.client().get_object(Bucket="chunky", Key="key")["Body"].read() == b"hello"


# ---- defect 10: connection exhaustion -----------------------------------------------------

def test_nul_byte_request_is_closed_within_the_header_timeout(stop_after):
    srv = start("--header-timeout", "2")
    stop_after(srv)
    s = connect(srv)
    s.sendall(b"\x00")
    _, took = read_until_closed(s, limit=15)
    assert took < 4.5, took
    s.close()
    assert healthy(srv)


def test_slowloris_header_is_cut_within_the_header_timeout(stop_after):
    srv = start("--header-timeout", "2")
    stop_after(srv)
    s = connect(srv)
    s.sendall(b"GET /_stocktake/health HTTP/1.1\r\nHost: x\r\n")
    t0 = time.time()
    answer = b""
    s.settimeout(0.3)
    while time.time() - t0 < 15:  # one header byte every 0.3 s: never idle, never complete
        try:
            s.sendall(b"X")
        except (BrokenPipeError, ConnectionResetError):
            break
        try:
            chunk = s.recv(4096)
            answer += chunk
            if not chunk:
                break
        except socket.timeout:
            continue
        except ConnectionResetError:
            break
    took = time.time() - t0
    s.close()
    assert took < 4.5, took
    assert not answer or status_of(answer) == 408, answer
    assert healthy(srv)


def test_idle_keep_alive_connection_is_closed_quietly(stop_after):
    srv = start("--header-timeout", "2")
    stop_after(srv)
    s = connect(srv)
    s.sendall(b"GET /_stocktake/health HTTP/1.1\r\nHost: x\r\n\r\n")
    s.settimeout(5)
    first = s.recv(4096)
    assert status_of(first) == 200
    rest, took = read_until_closed(s, limit=15)
    assert rest == b"" and took < 4.5, (rest, took)


def test_stalled_upload_is_cut_by_the_idle_timeout(stop_after):
    srv = start("--idle-timeout", "2", "--header-timeout", "30")
    stop_after(srv)
    sigv4.signed_request(srv, "PUT", "/stall")
    headers, _, _, _, _ = sigv4.sign(
        "PUT", "/stall/key", (), {"host": "127.0.0.1:%d" % srv.port}, "UNSIGNED-PAYLOAD",
        srv.access_key, srv.secret_key, srv.region)
    head = "PUT /stall/key HTTP/1.1\r\n" + "".join(
        "%s: %s\r\n" % kv for kv in headers.items()) + "Content-Length: 1000\r\n\r\n"
    s = connect(srv)
    s.sendall(head.encode() + b"0123456789")
    _, took = read_until_closed(s, limit=15)
    s.close()
    assert took < 5, took
    assert "key" not in [o["Key"] for o in srv.client().list_objects_v2(
        Bucket="stall").get("Contents", [])]


def test_one_client_address_cannot_take_every_connection(stop_after):
    srv = start("--max-connections-per-client", "8", "--header-timeout", "60")
    stop_after(srv)
    attacker = [connect(srv, "127.0.0.2") for _ in range(20)]
    time.sleep(0.5)
    refused = sum(is_closed(s) for s in attacker)
    assert refused == 12, refused
    assert healthy(srv)
    well_behaved(srv, "per-client")
    for s in attacker:
        s.close()


def test_many_idle_sockets_do_not_lock_clients_out(stop_after):
    """1,200 idle sockets (past select()'s FD_SETSIZE of 1,024) from six addresses, each
    under the default per-client limit: all held, and clients are still served."""
    srv = start("--header-timeout", "60")
    stop_after(srv)
    held = []
    try:
        for i in range(1200):
            held.append(connect(srv, "127.0.0.%d" % (2 + i % 6)))
        time.sleep(1)
        assert healthy(srv)
        well_behaved(srv, "crowded")
        assert sum(is_closed(s) for s in held[:50]) == 0
    finally:
        for s in held:
            s.close()
