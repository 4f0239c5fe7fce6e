"""A small, independent SigV4 signer for requests boto3 cannot be made to send: skewed clocks,
wrong regions, tampered bodies and STREAMING-AWS4-HMAC-SHA256-PAYLOAD (aws-chunked) uploads.
Written from the AWS SigV4 documentation, not from Stocktake's code."""
import datetime
import hashlib
import hmac
import http.client
import urllib.parse

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def _hmac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signing_key(secret, date, region, service="s3"):
    k = _hmac(("AWS4" + secret).encode(), date)
    k = _hmac(k, region)
    k = _hmac(k, service)
    return _hmac(k, "aws4_request")


def quote(s, safe="-_.~"):
    return urllib.parse.quote(s, safe=safe)


def canonical_query(query):
    pairs = sorted((quote(k), quote(v)) for k, v in query)
    return "&".join("%s=%s" % kv for kv in pairs)


def sign(method, path, query, headers, payload_hash, access_key, secret, region,
         when=None):
    """Returns headers (with Authorization) and the seed signature."""
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    headers = dict(headers)
    headers["x-amz-date"] = amz_date
    headers["x-amz-content-sha256"] = payload_hash
    names = sorted(h.lower() for h in headers)
    lower = {k.lower(): str(v).strip() for k, v in headers.items()}
    canon_headers = "".join("%s:%s\n" % (n, lower[n]) for n in names)
    signed = ";".join(names)
    creq = "\n".join([method, quote(path, safe="/-_.~"), canonical_query(query), canon_headers,
                      signed, payload_hash])
    scope = "%s/%s/s3/aws4_request" % (date, region)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    key = signing_key(secret, date, region)
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = ("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, "
                                "Signature=%s" % (access_key, scope, signed, sig))
    return headers, sig, key, amz_date, scope


def chunked_body(data, chunk_size, key, amz_date, scope, seed, tamper_chunk=None):
    """aws-chunked framing with chained chunk signatures."""
    out = []
    prev = seed
    chunks = [data[i:i + chunk_size] for i in range(0, len(data), chunk_size)] + [b""]
    for i, c in enumerate(chunks):
        sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, prev, EMPTY_SHA256,
                         hashlib.sha256(c).hexdigest()])
        sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
        prev = sig
        if tamper_chunk == i and c:
            c = bytes([c[0] ^ 1]) + c[1:]
        out.append(b"%x;chunk-signature=%s\r\n%s\r\n" % (len(c), sig.encode(), c))
    return b"".join(out)


def request(endpoint, method, path, query=(), headers=None, body=b""):
    """Send a raw request; returns (status, headers dict, body bytes)."""
    u = urllib.parse.urlparse(endpoint)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    target = quote(path, safe="/-_.~")
    if query:
        target += "?" + canonical_query(query)
    conn.request(method, target, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    hdrs = {k.lower(): v for k, v in resp.getheaders()}
    conn.close()
    return resp.status, hdrs, data


def signed_request(server, method, path, query=(), headers=None, body=b"", when=None,
                   payload_hash=None, region=None, access_key=None, secret=None):
    headers = dict(headers or {})
    headers.setdefault("host", "127.0.0.1:%d" % server.port)
    if payload_hash is None:
        payload_hash = hashlib.sha256(body).hexdigest()
    signed, _, _, _, _ = sign(method, path, query, headers, payload_hash,
                              access_key or server.access_key, secret or server.secret_key,
                              region or server.region, when)
    return request(server.endpoint, method, path, query, signed, body)


def chunked_body_with_trailer(data, chunk_size, trailer_name, trailer_value, key=None,
                              amz_date=None, scope=None, seed=None, bad_trailer_sig=False):
    """aws-chunked framing ending in a trailing header. Signed (…-PAYLOAD-TRAILER) when key is
    given: chained chunk signatures and an x-amz-trailer-signature; unsigned otherwise."""
    out = []
    prev = seed
    chunks = [data[i:i + chunk_size] for i in range(0, len(data), chunk_size)] + [b""]
    for c in chunks:
        if key is None:
            out.append(b"%x\r\n%s" % (len(c), c + b"\r\n" if c else b""))
            continue
        sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, prev, EMPTY_SHA256,
                         hashlib.sha256(c).hexdigest()])
        prev = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
        out.append(b"%x;chunk-signature=%s\r\n%s" % (len(c), prev.encode(),
                                                       c + b"\r\n" if c else b""))
    trailer = "%s:%s" % (trailer_name, trailer_value)
    out.append(trailer.encode() + b"\r\n")
    if key is not None:
        sts = "\n".join(["AWS4-HMAC-SHA256-TRAILER", amz_date, scope, prev,
                         hashlib.sha256((trailer + "\n").encode()).hexdigest()])
        sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
        if bad_trailer_sig:
            sig = "0" * 64
        out.append(b"x-amz-trailer-signature:" + sig.encode() + b"\r\n")
    out.append(b"\r\n")
    return b"".join(out)
