"""Signature Version 2 (src/s3/sigv2.c, s3_auth.c, s3_post_auth.c): boto3 with
signature_version='s3' for object, listing, multipart and copy operations, path-style and
virtual-hosted; boto3 1.26's default presigned URLs and POST forms (SigV2 against a custom
endpoint); curl with a header signed here by hand; expired, tampered, wrong-key and skewed
requests; serve --require-sigv4 refusing each SigV2 form while SigV4 keeps working."""
import base64
import datetime
import email.utils
import hashlib
import hmac
import html
import json
import http.client
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import error_code, serve_checked

from test_post_upload import post

MIB = 1024 * 1024
REFUSED = ("The authorization mechanism you have provided is not supported. "
           "Please use AWS4-HMAC-SHA256.")


def v2_client(server, access_key=None, secret_key=None, style="path", endpoint=None):
    return boto3.client(
        "s3", endpoint_url=endpoint or server.endpoint, region_name=server.region,
        aws_access_key_id=access_key or server.access_key,
        aws_secret_access_key=secret_key or server.secret_key,
        config=Config(signature_version="s3", s3={"addressing_style": style},
                      retries={"max_attempts": 1}))


def default_client(server):
    """boto3 as a user gets it: no signature_version (presigns with SigV2 here)."""
    return boto3.client("s3", endpoint_url=server.endpoint, region_name=server.region,
                        aws_access_key_id=server.access_key,
                        aws_secret_access_key=server.secret_key)


def elem(body, name):
    m = re.search(rb"<%s>([^<]*)</%s>" % (name.encode(), name.encode()), body)
    return html.unescape(m.group(1).decode()) if m else None


def sign_v2(secret, sts):
    return base64.b64encode(hmac.new(secret.encode(), sts.encode(), hashlib.sha1).digest()).decode()


def http_date(delta_s=0):
    return email.utils.formatdate(time.time() + delta_s, usegmt=True)


def raw(server, method, target, headers=None, body=b""):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request(method, target, body=body, headers=headers or {})
    r = conn.getresponse()
    out = r.status, dict(r.getheaders()), r.read()
    conn.close()
    return out


def signed_v2(server, method, path, headers=None, body=b"", secret=None, key=None, resource=None):
    """A header-signed SigV2 request built from the AWS documentation's rules; the resource
    signed is the path and query sent unless given (when the query is not a sub-resource)."""
    headers = dict(headers or {})
    headers.setdefault("Date", http_date())
    lower = {k.lower(): v for k, v in headers.items()}
    amz = "".join("%s:%s\n" % (k, lower[k].strip()) for k in sorted(lower) if k.startswith("x-amz-"))
    date = "" if "x-amz-date" in lower else lower.get("date", "")
    sts = "%s\n%s\n%s\n%s\n%s%s" % (method, lower.get("content-md5", ""),
                                    lower.get("content-type", ""), date, amz, resource or path)
    headers["Authorization"] = "AWS %s:%s" % (key or server.access_key,
                                              sign_v2(secret or server.secret_key, sts))
    status, h, b = raw(server, method, path, headers, body)
    return status, h, b, sts


@pytest.fixture(scope="module")
def v2(server):
    return v2_client(server)


# Debian's botocore 1.29 signs every operation whose request URI carries a fixed query
# (sub-resources: "?acl", "?tagging", "?uploads", "?delete", "?location", and "?list-type=2")
# with that query twice in the resource ("/b/k?uploads?uploads"), which AWS refuses too
# (boto/boto3#4433). Those are sent with the hand signer here.


def test_boto3_v2_objects_listing_copy_delete(server, v2):
    v2.create_bucket(Bucket="v2-objects")
    v2.put_object(Bucket="v2-objects", Key="dir/a b+é.txt", Body=b"hello v2",
                  ContentType="text/plain", Metadata={"Owner": "me", "b": "two words"})
    got = v2.get_object(Bucket="v2-objects", Key="dir/a b+é.txt")
    assert got["Body"].read() == b"hello v2"
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"owner": "me", "b": "two words"}
    assert v2.head_object(Bucket="v2-objects", Key="dir/a b+é.txt")["ContentLength"] == 8
    v2.copy_object(Bucket="v2-objects", Key="copy.txt",
                   CopySource={"Bucket": "v2-objects", "Key": "dir/a b+é.txt"})
    assert v2.get_object(Bucket="v2-objects", Key="copy.txt")["Body"].read() == b"hello v2"
    keys = [o["Key"] for o in v2.list_objects(Bucket="v2-objects", Prefix="d")["Contents"]]
    assert keys == ["dir/a b+é.txt"]
    assert len(v2.list_objects(Bucket="v2-objects")["Contents"]) == 2
    status, _, body, _ = signed_v2(server, "GET", "/v2-objects?acl")
    assert status == 200 and b"<AccessControlPolicy" in body
    v2.delete_object(Bucket="v2-objects", Key="copy.txt")
    # DeleteObjects: a signed Content-MD5 over the XML body, checked as always
    xml = (b"<Delete><Object><Key>dir/a b+\xc3\xa9.txt</Key></Object></Delete>")
    md5 = base64.b64encode(hashlib.md5(xml).digest()).decode()
    status, _, body, _ = signed_v2(server, "POST", "/v2-objects?delete", body=xml,
                                   headers={"Content-MD5": md5, "Content-Type": "text/xml"})
    assert status == 200, body
    assert b"<Deleted><Key>dir/a b+\xc3\xa9.txt</Key>" in body
    status, _, body, _ = signed_v2(server, "GET", "/v2-objects?list-type=2",
                                   resource="/v2-objects")
    assert status == 200 and b"<KeyCount>0</KeyCount>" in body
    assert any(b["Name"] == "v2-objects" for b in v2.list_buckets()["Buckets"])
    v2.delete_bucket(Bucket="v2-objects")


def test_v2_versions_and_version_id_subresource(server, v2):
    v2.create_bucket(Bucket="v2-versions")
    conf = (b'<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            b"<Status>Enabled</Status></VersioningConfiguration>")
    status, _, body, _ = signed_v2(server, "PUT", "/v2-versions?versioning", body=conf)
    assert status == 200, body
    first = v2.put_object(Bucket="v2-versions", Key="k", Body=b"one")["VersionId"]
    v2.put_object(Bucket="v2-versions", Key="k", Body=b"two")
    # ?versionId=… is a signed sub-resource, with its value
    assert v2.get_object(Bucket="v2-versions", Key="k", VersionId=first)["Body"].read() == b"one"
    assert v2.head_object(Bucket="v2-versions", Key="k", VersionId=first)["ContentLength"] == 3
    status, _, body, _ = signed_v2(server, "GET", "/v2-versions?versions")
    assert status == 200 and body.count(b"<Version>") == 2
    status, _, body, _ = signed_v2(server, "GET", "/v2-versions/k?versionId=" + first)
    assert status == 200 and body == b"one"


def test_boto3_v2_multipart(server, v2):
    v2.create_bucket(Bucket="v2-multipart")
    status, _, body, _ = signed_v2(server, "POST", "/v2-multipart/big?uploads")
    assert status == 200, body
    up = elem(body, "UploadId")
    one, two = b"a" * (5 * MIB), b"tail"
    e1 = v2.upload_part(Bucket="v2-multipart", Key="big", UploadId=up, PartNumber=1, Body=one)
    e2 = v2.upload_part(Bucket="v2-multipart", Key="big", UploadId=up, PartNumber=2, Body=two)
    parts = v2.list_parts(Bucket="v2-multipart", Key="big", UploadId=up)["Parts"]
    assert [p["PartNumber"] for p in parts] == [1, 2]
    status, _, body, _ = signed_v2(server, "GET", "/v2-multipart?uploads")
    assert status == 200 and elem(body, "UploadId") == up
    v2.complete_multipart_upload(
        Bucket="v2-multipart", Key="big", UploadId=up,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1["ETag"]},
                                   {"PartNumber": 2, "ETag": e2["ETag"]}]})
    assert v2.get_object(Bucket="v2-multipart", Key="big")["Body"].read() == one + two
    status, _, body, _ = signed_v2(server, "POST", "/v2-multipart/gone?uploads")
    v2.abort_multipart_upload(Bucket="v2-multipart", Key="gone", UploadId=elem(body, "UploadId"))
    status, _, body, _ = signed_v2(server, "GET", "/v2-multipart?uploads")
    assert status == 200 and b"<Upload>" not in body


def _to_loopback(request, **kw):
    """Send <bucket>.localhost to 127.0.0.1 but keep Host: <bucket>.localhost:<port>."""
    parts = urllib.parse.urlsplit(request.url)
    if parts.hostname.endswith(".localhost"):
        request.headers["Host"] = "%s:%d" % (parts.hostname, parts.port)
        request.url = urllib.parse.urlunsplit(
            (parts.scheme, "127.0.0.1:%d" % parts.port, parts.path, parts.query, parts.fragment))


def test_boto3_v2_virtual_hosted(server, v2):
    v2.create_bucket(Bucket="v2-virtual")
    vs3 = v2_client(server, style="virtual", endpoint="http://localhost:%d" % server.port)
    vs3.meta.events.register("before-send.s3", _to_loopback)
    vs3.put_object(Bucket="v2-virtual", Key="k/x.txt", Body=b"vh")
    assert vs3.get_object(Bucket="v2-virtual", Key="k/x.txt")["Body"].read() == b"vh"
    assert [o["Key"] for o in vs3.list_objects(Bucket="v2-virtual")["Contents"]] == ["k/x.txt"]
    vs3.delete_object(Bucket="v2-virtual", Key="k/x.txt")
    assert "Contents" not in vs3.list_objects(Bucket="v2-virtual")


def test_default_presigned_url_is_v2(server, v2):
    v2.create_bucket(Bucket="v2-presigned")
    c = default_client(server)
    put = c.generate_presigned_url("put_object", Params={"Bucket": "v2-presigned", "Key": "p/ü k",
                                                         "ContentType": "text/plain"},
                                   ExpiresIn=300)
    assert "AWSAccessKeyId=" in put and "Signature=" in put and "X-Amz-" not in put
    target = put[len(server.endpoint):]
    status, _, body = raw(server, "PUT", target, {"Content-Type": "text/plain"}, b"presigned")
    assert status == 200, body
    # Content-Type is signed: another one does not match
    status, _, body = raw(server, "PUT", target, {"Content-Type": "text/html"}, b"other")
    assert status == 403
    assert elem(body, "Code") == "SignatureDoesNotMatch"
    get = c.generate_presigned_url("get_object", Params={"Bucket": "v2-presigned", "Key": "p/ü k"})
    with urllib.request.urlopen(get) as r:
        assert r.read() == b"presigned"
        assert r.headers["Content-Type"] == "text/plain"
    # the same URL with another key is refused: the path is signed
    other = get.replace("/p/", "/q/", 1)
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(other)
    assert e.value.code == 403
    assert elem(e.value.read(), "Code") == "SignatureDoesNotMatch"


def tamper(sig):
    return ("B" if sig[0] == "A" else "A") + sig[1:]


def test_presigned_expired_missing_and_tampered(server, v2):
    v2.create_bucket(Bucket="v2-expired")
    v2.put_object(Bucket="v2-expired", Key="k", Body=b"x")
    expires = int(time.time()) - 5
    sts = "GET\n\n\n%d\n/v2-expired/k" % expires
    q = urllib.parse.urlencode({"AWSAccessKeyId": server.access_key, "Expires": expires,
                                "Signature": sign_v2(server.secret_key, sts)})
    status, _, body = raw(server, "GET", "/v2-expired/k?" + q)
    assert status == 403
    assert elem(body, "Code") == "AccessDenied"
    assert elem(body, "Message") == "Request has expired"
    assert elem(body, "Expires") and elem(body, "ServerTime")
    # a fresh one works, a tampered one does not, and a partial one is refused
    expires = int(time.time()) + 60
    good = sign_v2(server.secret_key, "GET\n\n\n%d\n/v2-expired/k" % expires)
    for sig, want in ((good, 200), (tamper(good), 403)):
        q = urllib.parse.urlencode({"AWSAccessKeyId": server.access_key, "Expires": expires,
                                    "Signature": sig})
        status, _, body = raw(server, "GET", "/v2-expired/k?" + q)
        assert status == want, body
    assert elem(body, "Code") == "SignatureDoesNotMatch"
    assert elem(body, "StringToSign") == "GET\n\n\n%d\n/v2-expired/k" % expires
    status, _, body = raw(server, "GET", "/v2-expired/k?AWSAccessKeyId=" + server.access_key)
    assert status == 403
    assert "requires the Signature, Expires and AWSAccessKeyId" in elem(body, "Message")
    status, _, body = raw(server, "GET", "/v2-expired/k?AWSAccessKeyId=%s&Expires=soon&"
                          "Signature=x" % server.access_key)
    assert status == 403
    assert elem(body, "Message") == "Invalid date (should be seconds since epoch): soon"


def test_curl_hand_signed_header(server, v2):
    v2.create_bucket(Bucket="v2-curl")
    data = b"signed by hand"
    md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
    date = http_date()
    sts = ("PUT\n%s\ntext/plain\n%s\nx-amz-meta-reviewedby:joe,jane\n/v2-curl/hand.txt"
           % (md5, date))
    auth = "AWS %s:%s" % (server.access_key, sign_v2(server.secret_key, sts))
    url = server.endpoint + "/v2-curl/hand.txt"
    out = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "--data-binary",
         "@-", "-H", "Date: " + date, "-H", "Content-Type: text/plain", "-H",
         "Content-MD5: " + md5, "-H", "X-Amz-Meta-ReviewedBy: joe", "-H",
         "x-amz-meta-reviewedby: jane", "-H", "Authorization: " + auth, url],
        input=data, capture_output=True, check=True)
    assert out.stdout == b"200"
    got = v2.get_object(Bucket="v2-curl", Key="hand.txt")
    assert got["Body"].read() == data
    assert got["Metadata"]["reviewedby"] in ("joe,jane", "joe, jane")
    # Content-MD5 is checked as for SigV4: a signed but wrong digest is BadDigest
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    status, _, body, _ = signed_v2(server, "PUT", "/v2-curl/bad.txt", body=data,
                                   headers={"Content-MD5": wrong})
    assert status == 400
    assert elem(body, "Code") == "BadDigest"
    # a signed x-amz-content-sha256 is held to, as with SigV4
    status, _, body, _ = signed_v2(server, "PUT", "/v2-curl/sha.txt", body=data, headers={
        "x-amz-content-sha256": hashlib.sha256(b"other").hexdigest()})
    assert status == 400
    assert elem(body, "Code") == "XAmzContentSHA256Mismatch"
    status, _, body, _ = signed_v2(server, "PUT", "/v2-curl/sha.txt", body=data, headers={
        "x-amz-content-sha256": hashlib.sha256(data).hexdigest()})
    assert status == 200, body
    status, _, body, _ = signed_v2(server, "PUT", "/v2-curl/chunked.txt", body=data, headers={
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(data))})
    assert status == 400
    assert elem(body, "Code") == "InvalidRequest"


def test_x_amz_date_overrides_date(server):
    status, _, body, _ = signed_v2(server, "GET", "/", headers={
        "Date": "Mon, 01 Jan 2001 00:00:00 GMT", "x-amz-date": http_date()})
    assert status == 200, body


def test_wrong_key_and_wrong_secret(server):
    status, _, body, _ = signed_v2(server, "GET", "/", key="NOSUCHKEY00000000000")
    assert status == 403
    assert elem(body, "Code") == "InvalidAccessKeyId"
    assert elem(body, "AWSAccessKeyId") == "NOSUCHKEY00000000000"
    status, _, body, sts = signed_v2(server, "GET", "/", secret="wrong-secret-0123456789")
    assert status == 403
    assert elem(body, "Code") == "SignatureDoesNotMatch"
    assert elem(body, "StringToSign") == sts
    assert elem(body, "StringToSignBytes") == " ".join("%02x" % b for b in sts.encode())
    assert elem(body, "SignatureProvided")
    with pytest.raises(ClientError) as e:
        v2_client(server, secret_key="wrong-secret-0123456789").list_buckets()
    assert error_code(e.value) == "SignatureDoesNotMatch"


def test_skewed_missing_and_malformed(server):
    status, _, body, _ = signed_v2(server, "GET", "/", headers={"Date": http_date(-20 * 60)})
    assert status == 403
    assert elem(body, "Code") == "RequestTimeTooSkewed"
    assert elem(body, "MaxAllowedSkewMilliseconds") == "900000"
    status, _, _, _ = signed_v2(server, "GET", "/", headers={"Date": http_date(-10 * 60)})
    assert status == 200
    # AWS's own examples write the zone as +0000
    plus = email.utils.formatdate(time.time(), usegmt=True).replace("GMT", "+0000")
    status, _, _, _ = signed_v2(server, "GET", "/", headers={"Date": plus})
    assert status == 200
    status, _, body = raw(server, "GET", "/", {"Authorization": "AWS %s:abc" % server.access_key})
    assert status == 403
    assert elem(body, "Message") == "AWS authentication requires a valid Date or x-amz-date header"
    status, _, body = raw(server, "GET", "/", {"Authorization": "AWS nocolon", "Date": http_date()})
    assert status == 400
    assert elem(body, "Code") == "InvalidArgument"
    assert elem(body, "ArgumentName") == "Authorization"


def test_only_one_auth_mechanism(server):
    status, _, body = raw(server, "GET", "/?Signature=x&AWSAccessKeyId=y&Expires=1",
                          {"Authorization": "AWS y:x", "Date": http_date()})
    assert status == 400
    assert elem(body, "Code") == "InvalidArgument"
    assert elem(body, "Message").startswith("Only one auth mechanism allowed")


def test_presigned_post_v2(server, v2):
    v2.create_bucket(Bucket="v2-post")
    c = default_client(server)
    p = c.generate_presigned_post("v2-post", "up/${filename}")
    assert "AWSAccessKeyId" in p["fields"] and "signature" in p["fields"]
    status, _, body = post(p["url"], p["fields"], b"form body", filename="f.txt")
    assert status == 204, body
    assert v2.get_object(Bucket="v2-post", Key="up/f.txt")["Body"].read() == b"form body"
    bad = dict(p["fields"], signature=tamper(p["fields"]["signature"]))
    status, _, body = post(p["url"], bad, b"x")
    assert status == 403
    assert elem(body, "Code") == "SignatureDoesNotMatch"
    assert elem(body, "StringToSign") == p["fields"]["policy"]
    other = dict(p["fields"], AWSAccessKeyId="NOSUCHKEY00000000000")
    status, _, body = post(p["url"], other, b"x")
    assert status == 403
    assert elem(body, "Code") == "InvalidAccessKeyId"
    nosig = {k: v for k, v in p["fields"].items() if k != "signature"}
    status, _, body = post(p["url"], nosig, b"x")
    assert status == 400
    assert elem(body, "Code") == "InvalidArgument"
    # the policy is still enforced: a form for another key prefix fails its conditions
    fixed = c.generate_presigned_post("v2-post", "only-this")
    status, _, body = post(fixed["url"], dict(fixed["fields"], key="something-else"), b"x")
    assert status == 403
    assert elem(body, "Code") == "AccessDenied"


def test_hand_signed_v2_form_policy_sees_expanded_key(server, v2):
    """A form signed here (base64 HMAC-SHA1 of the base64 policy); the policy's conditions see
    the key with ${filename} replaced, as RGW and MinIO check it."""
    v2.create_bucket(Bucket="v2-form")
    expires = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5))
    doc = {"expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
           "conditions": [{"bucket": "v2-form"}, ["starts-with", "$key", "foo"],
                          ["starts-with", "$Content-Type", "text/plain"],
                          ["content-length-range", 0, 1024]]}
    policy = base64.b64encode(json.dumps(doc).encode()).decode()
    fields = {"key": "${filename}", "AWSAccessKeyId": server.access_key, "policy": policy,
              "signature": sign_v2(server.secret_key, policy), "Content-Type": "text/plain"}
    url = server.endpoint + "/v2-form"
    status, _, body = post(url, fields, b"bar", filename="foo.txt")
    assert status == 204, body
    got = v2.get_object(Bucket="v2-form", Key="foo.txt")
    assert got["Body"].read() == b"bar" and got["ContentType"] == "text/plain"
    status, _, body = post(url, fields, b"bar", filename="other.txt")
    assert status == 403
    assert elem(body, "Code") == "AccessDenied"
    # the policy names v2-form: posting it to another bucket fails, whatever a field claims
    v2.create_bucket(Bucket="v2-form-other")
    status, _, body = post(server.endpoint + "/v2-form-other", dict(fields, bucket="v2-form"),
                           b"bar", filename="foo.txt")
    assert status == 403
    assert elem(body, "Code") == "AccessDenied"


@pytest.fixture(scope="module")
def strict():
    yield from serve_checked(["--require-sigv4"])


def test_require_sigv4_refuses_every_v2_form(strict):
    s4 = strict.client()
    s4.create_bucket(Bucket="strict")
    s4.put_object(Bucket="strict", Key="k", Body=b"v4 only")
    # header
    with pytest.raises(ClientError) as e:
        v2_client(strict).get_object(Bucket="strict", Key="k")
    assert error_code(e.value) == "InvalidRequest"
    assert e.value.response["Error"]["Message"] == REFUSED
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # presigned URL
    url = default_client(strict).generate_presigned_url(
        "get_object", Params={"Bucket": "strict", "Key": "k"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url)
    assert e.value.code == 400
    assert elem(e.value.read(), "Message") == REFUSED
    # POST form
    p = default_client(strict).generate_presigned_post("strict", "form")
    status, _, body = post(p["url"], p["fields"], b"x")
    assert status == 400
    assert elem(body, "Message") == REFUSED
    # SigV4 keeps working: headers, presigned URL and POST form
    assert s4.get_object(Bucket="strict", Key="k")["Body"].read() == b"v4 only"
    with urllib.request.urlopen(s4.generate_presigned_url(
            "get_object", Params={"Bucket": "strict", "Key": "k"})) as r:
        assert r.read() == b"v4 only"
    p4 = s4.generate_presigned_post("strict", "form4")
    status, _, body = post(p4["url"], p4["fields"], b"v4 form")
    assert status == 204, body
    assert s4.get_object(Bucket="strict", Key="form4")["Body"].read() == b"v4 form"


def test_help_documents_require_sigv4():
    from conftest import BIN
    out = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True)
    assert "--require-sigv4" in out.stdout + out.stderr


def test_unsigned_subresources_need_sigv4(server, v2):
    """SigV2's string to sign leaves out newer sub-resources (publicAccessBlock, policyStatus,
    ownershipControls, attributes): a SigV2 signature for one operation must not serve
    another, so a presigned bucket GET with ?publicAccessBlock added is refused, as is any
    SigV2 request naming such a sub-resource; SigV4 still reaches them."""
    v2.create_bucket(Bucket="v2-subres")
    c = default_client(server)
    url = c.generate_presigned_url("list_objects", Params={"Bucket": "v2-subres"})
    with urllib.request.urlopen(url) as r:
        assert r.status == 200
    for sub in ("publicAccessBlock", "policyStatus", "ownershipControls"):
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(url + "&" + sub)
        assert e.value.code == 400
        body = e.value.read()
        assert elem(body, "Code") == "InvalidRequest"
        assert b"AWS4-HMAC-SHA256" in body
    status, _, body, _ = signed_v2(server, "GET", "/v2-subres?policyStatus",
                                   resource="/v2-subres")
    assert status == 400 and elem(body, "Code") == "InvalidRequest"
    conf = server.client().get_public_access_block(Bucket="v2-subres")  # SigV4 reaches it
    assert conf["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True
