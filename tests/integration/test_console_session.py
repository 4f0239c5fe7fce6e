"""The web console's server side (docs/internals/CONSOLE.md): the embedded files and their
security headers, sign-in to a session cookie, S3 requests authenticated by it and authorized
like signed ones, and what is refused: wrong credentials, an expired session, a tampered
cookie, a request without the console header, a cross-site one."""
import json
import time
import urllib.error
import urllib.request

import pytest

from conftest import serve_checked

HDR = {"X-Stocktake-Console": "1"}


def call(server, method, path, body=None, headers=None, cookie=None):
    h = dict(headers or {})
    if cookie:
        h["Cookie"] = cookie
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    if data is not None:
        h.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(server.endpoint + path, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def sign_in(server, access_key=None, secret=None):
    status, headers, body = call(server, "POST", "/_stocktake/console/session",
                                 {"accessKeyId": access_key or server.access_key,
                                  "secretAccessKey": secret or server.secret_key}, HDR)
    return status, headers, body


def cookie_of(headers):
    set_cookie = headers["Set-Cookie"]
    return set_cookie.split(";")[0]


@pytest.fixture(scope="module")
def short():
    """A server whose console sessions last two seconds."""
    yield from serve_checked(["--console-session-ttl", "2"])


def test_files_have_strict_headers(server):
    status, headers, body = call(server, "GET", "/_stocktake/console/")
    assert status == 200, body
    assert headers["Content-Type"].startswith("text/html")
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert b'src="app.js"' in body
    status, headers, body = call(server, "GET", "/_stocktake/console/app.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    status, _, body = call(server, "GET", "/_stocktake/console/nope.js")
    assert status == 404 and b"NoSuchKey" in body
    status, _, _ = call(server, "PUT", "/_stocktake/console/app.js", b"x")
    assert status == 405


def test_sign_in_and_use_the_session(server):
    status, headers, body = sign_in(server)
    assert status == 200, body
    info = json.loads(body)
    assert info["accessKeyId"] == server.access_key and info["region"] == server.region
    assert server.secret_key not in body.decode()
    sc = headers["Set-Cookie"]
    assert "HttpOnly" in sc and "SameSite=Strict" in sc and "Path=/" in sc
    assert server.secret_key not in sc
    cookie = cookie_of(headers)
    status, _, body = call(server, "GET", "/_stocktake/console/session", headers=HDR, cookie=cookie)
    assert status == 200 and json.loads(body)["accountId"] == info["accountId"]
    # S3 through the session: create a bucket, put, list, get, delete
    name = "console-session-%d" % int(time.time() * 1000)
    assert call(server, "PUT", "/" + name, headers=HDR, cookie=cookie)[0] == 200
    assert call(server, "PUT", "/%s/a.txt" % name, b"hello", HDR, cookie)[0] == 200
    status, _, body = call(server, "GET", "/%s?list-type=2" % name, headers=HDR, cookie=cookie)
    assert status == 200 and b"<Key>a.txt</Key>" in body
    status, _, body = call(server, "GET", "/%s/a.txt" % name, headers=HDR, cookie=cookie)
    assert status == 200 and body == b"hello"
    assert call(server, "DELETE", "/%s/a.txt" % name, headers=HDR, cookie=cookie)[0] == 204
    assert call(server, "DELETE", "/" + name, headers=HDR, cookie=cookie)[0] == 204
    # sign-out clears the cookie
    status, headers, _ = call(server, "DELETE", "/_stocktake/console/session", headers=HDR,
                              cookie=cookie)
    assert status == 200 and "Max-Age=0" in headers["Set-Cookie"]


def test_session_goes_through_authorization(server):
    """Another account's session is that account: the root's private bucket stays closed."""
    s3 = server.client()
    name = "console-authz-%d" % int(time.time() * 1000)
    s3.create_bucket(Bucket=name)
    _, key, secret = server.add_account("console-other")
    status, headers, body = sign_in(server, key, secret)
    assert status == 200, body
    cookie = cookie_of(headers)
    status, _, body = call(server, "GET", "/%s?list-type=2" % name, headers=HDR, cookie=cookie)
    assert status == 403 and b"AccessDenied" in body
    status, _, body = call(server, "GET", "/", headers=HDR, cookie=cookie)
    assert status == 200 and name.encode() not in body
    s3.delete_bucket(Bucket=name)


def test_wrong_credentials_are_refused(server):
    status, headers, body = sign_in(server, secret="wrong-" + server.secret_key)
    assert status == 403 and json.loads(body)["error"] == "AccessDenied"
    assert "Set-Cookie" not in headers
    status, _, body = sign_in(server, access_key="STKNOSUCHKEY000000000")
    assert status == 403 and json.loads(body)["error"] == "AccessDenied"
    status, _, body = call(server, "POST", "/_stocktake/console/session", b"not json", HDR)
    assert status == 400 and json.loads(body)["error"] == "InvalidArgument"
    # sign-in needs the console header too (no cross-site form can log a victim in)
    status, _, _ = call(server, "POST", "/_stocktake/console/session",
                        {"accessKeyId": server.access_key, "secretAccessKey": server.secret_key})
    assert status == 403


def test_forged_requests_are_refused(server):
    _, headers, _ = sign_in(server)
    cookie = cookie_of(headers)
    # the cookie alone (what a cross-site form sends) is anonymous: no listing of buckets
    status, _, body = call(server, "GET", "/", cookie=cookie)
    assert status == 403 and b"AccessDenied" in body
    name = "console-forged-%d" % int(time.time() * 1000)
    status, _, _ = call(server, "PUT", "/" + name, cookie=cookie)
    assert status == 403
    # the header without a cookie, or with a tampered one
    assert call(server, "GET", "/", headers=HDR)[0] == 403
    name_, value = cookie.split("=", 1)
    parts = value.split(".")
    later = "%s=%s.%s.%d.%s" % (name_, parts[0], parts[1], int(parts[2]) + 3600, parts[3])
    flipped = cookie[:-1] + ("0" if cookie[-1] != "0" else "1")
    other_key = "%s=%s.%s.%s.%s" % (name_, parts[0], "STKOTHERKEY", parts[2], parts[3])
    for bad in (later, flipped, other_key, name_ + "=garbage", name_ + "="):
        status, _, body = call(server, "GET", "/", headers=HDR, cookie=bad)
        assert status == 403 and b"AccessDenied" in body, bad
    # a cross-site request with a valid cookie and the header (a same-site sibling page)
    status, _, _ = call(server, "GET", "/", headers=dict(HDR, Origin="http://evil.example"),
                        cookie=cookie)
    assert status == 403
    status, _, _ = call(server, "GET", "/", headers=dict(HDR, **{"Sec-Fetch-Site": "same-site"}),
                        cookie=cookie)
    assert status == 403
    status, _, _ = call(server, "GET", "/", headers=dict(HDR, Origin=server.endpoint),
                        cookie=cookie)
    assert status == 200


def test_expired_session_is_refused(short):
    status, headers, body = sign_in(short)
    assert status == 200, body
    cookie = cookie_of(headers)
    assert "Max-Age=2" in headers["Set-Cookie"]
    assert call(short, "GET", "/", headers=HDR, cookie=cookie)[0] == 200
    time.sleep(3.1)
    status, _, body = call(short, "GET", "/", headers=HDR, cookie=cookie)
    assert status == 403 and b"expired" in body
    status, _, body = call(short, "GET", "/_stocktake/console/session", headers=HDR, cookie=cookie)
    assert status == 403 and "expired" in json.loads(body)["message"]
