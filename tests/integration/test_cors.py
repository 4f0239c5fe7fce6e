"""CORS: Put/Get/DeleteBucketCors with boto3, the OPTIONS preflight (unauthenticated, on bucket
and object URLs, presigned URLs included) and the Access-Control-* headers on real requests
(signed, presigned, anonymous, errors), as AWS answers them."""
import base64
import hashlib
import os

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from conftest import error_code, serve_checked

_n = [0]
VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"


@pytest.fixture(scope="module")
def server():
    # public-read buckets (anonymous requests) need ACLs enabled
    yield from serve_checked(["--legacy-bucket-defaults"])


@pytest.fixture(scope="module")
def s3(server):
    return server.client()


def new_bucket(s3, acl=None):
    _n[0] += 1
    name = "cors-%d-%d" % (os.getpid(), _n[0])
    s3.create_bucket(Bucket=name, **({"ACL": acl} if acl else {}))
    return name


def put_cors(s3, bucket, *rules):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": list(rules)})


def options(server, path, **headers):
    return requests.options(server.endpoint + path, headers=headers)


def cors_of(r):
    return {k: v for k, v in r.headers.items() if k.lower().startswith("access-control-")}


def test_put_get_delete(s3):
    b = new_bucket(s3)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_cors(Bucket=b)
    assert error_code(e.value) == "NoSuchCORSConfiguration"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert e.value.response["Error"]["Message"] == "The CORS configuration does not exist"
    rules = [{"ID": "one", "AllowedHeaders": ["x-amz-*"], "AllowedMethods": ["PUT", "GET"],
              "AllowedOrigins": ["http://*.example.com", "https://a.org"],
              "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 300},
             {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]
    put_cors(s3, b, *rules)
    assert s3.get_bucket_cors(Bucket=b)["CORSRules"] == rules
    put_cors(s3, b, rules[1])  # replaces
    assert s3.get_bucket_cors(Bucket=b)["CORSRules"] == [rules[1]]
    resp = s3.delete_bucket_cors(Bucket=b)
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as e:
        s3.get_bucket_cors(Bucket=b)
    assert error_code(e.value) == "NoSuchCORSConfiguration"
    s3.delete_bucket_cors(Bucket=b)  # nothing to delete: still 204


@pytest.mark.parametrize("rule,code,message", [
    ({"AllowedMethods": ["PATCH"], "AllowedOrigins": ["*"]}, "InvalidRequest",
     "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"),
    ({"AllowedMethods": ["GET"], "AllowedOrigins": ["*.*.com"]}, "InvalidRequest",
     'AllowedOrigin "*.*.com" can not have more than one wildcard.'),
    ({"AllowedMethods": ["GET"], "AllowedOrigins": ["*"], "ExposeHeaders": ["x-*"]},
     "InvalidRequest",
     'ExposeHeader "x-*" contains wildcard. We currently do not support wildcard for '
     'ExposeHeader.'),
])
def test_put_refuses_invalid_rules(s3, rule, code, message):
    b = new_bucket(s3)
    with pytest.raises(ClientError) as e:
        put_cors(s3, b, rule)
    assert error_code(e.value) == code
    assert e.value.response["Error"]["Message"] == message


def signed_put(server, bucket, body, md5=True):
    """PutBucketCors with a hand-made body, signed by boto3's signer."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    headers = {"x-amz-content-sha256": hashlib.sha256(body).hexdigest()}
    if md5:
        headers["Content-MD5"] = base64.b64encode(hashlib.md5(body).digest()).decode()
    req = AWSRequest("PUT", "%s/%s?cors" % (server.endpoint, bucket), data=body, headers=headers)
    SigV4Auth(Credentials(server.access_key, server.secret_key), "s3", server.region) \
        .add_auth(req)
    return requests.put(req.url, data=body, headers=dict(req.headers))


def test_put_malformed_and_md5(server, s3):
    b = new_bucket(s3)
    r = signed_put(server, b, b"<CORSConfiguration><CORSRule><AllowedMethod>GET"
                              b"</AllowedMethod></CORSRule></CORSConfiguration>")
    assert r.status_code == 400 and "<Code>MalformedXML</Code>" in r.text
    r = signed_put(server, b, b"<CORSConfiguration/>")
    assert r.status_code == 400 and "<Code>MalformedXML</Code>" in r.text
    good = (b"<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod>"
            b"<AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>")
    r = signed_put(server, b, good, md5=False)
    assert r.status_code == 400 and "<Code>InvalidRequest</Code>" in r.text
    assert signed_put(server, b, good).status_code == 200


def test_put_needs_bucket_owner(server, s3):
    b = new_bucket(s3)
    _, key, secret = server.add_account("cors-other-%d" % os.getpid())
    other = server.client(key, secret)
    with pytest.raises(ClientError) as e:
        put_cors(other, b, {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]})
    assert error_code(e.value) == "AccessDenied"
    with pytest.raises(ClientError) as e:
        other.get_bucket_cors(Bucket=b)
    assert error_code(e.value) == "AccessDenied"


def test_preflight(server, s3):
    b = new_bucket(s3)
    path = "/%s/some/key" % b
    r = options(server, path)
    assert r.status_code == 400 and "<Code>BadRequest</Code>" in r.text
    assert "Insufficient information. Origin request header needed." in r.text
    r = options(server, path, Origin="http://a.example.com", **{
        "Access-Control-Request-Method": "GET"})
    assert r.status_code == 403 and "<Code>AccessForbidden</Code>" in r.text
    assert "CORSResponse: CORS is not enabled for this bucket." in r.text
    # no rules were evaluated: BUCKET, although the URL names an object (as S3)
    assert "<Method>GET</Method><ResourceType>BUCKET</ResourceType>" in r.text
    r = options(server, path, Origin="http://a.example.com")
    assert r.status_code == 403 and "<Method>OPTIONS</Method>" in r.text
    put_cors(s3, b, {"AllowedMethods": ["PUT", "POST"], "AllowedOrigins": ["http://*.example.com"],
                     "AllowedHeaders": ["x-amz-*", "content-type"], "ExposeHeaders": ["ETag"],
                     "MaxAgeSeconds": 600},
             {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]})
    r = options(server, path, Origin="http://a.example.com", **{
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "X-Amz-Date, Content-Type"})
    assert r.status_code == 200, r.text
    assert cors_of(r) == {
        "Access-Control-Allow-Origin": "http://a.example.com",
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Methods": "PUT, POST",
        "Access-Control-Allow-Headers": "x-amz-date, content-type",
        "Access-Control-Expose-Headers": "ETag",
        "Access-Control-Max-Age": "600"}
    assert r.headers["Vary"] == VARY
    # a header no rule allows; a method no rule of that origin allows; a wrong origin
    for origin, method, hdrs in [("http://a.example.com", "PUT", "authorization"),
                                 ("http://a.example.com", "DELETE", ""),
                                 ("http://a.example.org", "PUT", "")]:
        r = options(server, path, Origin=origin, **{
            "Access-Control-Request-Method": method, "Access-Control-Request-Headers": hdrs})
        assert r.status_code == 403, (origin, method, hdrs)
        assert "<Code>AccessForbidden</Code>" in r.text and "evalution of Origin" in r.text
        assert "<Method>%s</Method><ResourceType>OBJECT</ResourceType>" % method in r.text
        assert "Access-Control-Allow-Origin" not in r.headers
    # the wildcard origin rule, on the bucket URL
    r = options(server, "/" + b, Origin="http://any.where", **{
        "Access-Control-Request-Method": "GET"})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers
    r = options(server, "/" + b, Origin="http://any.where")
    assert r.status_code == 400 and "Invalid Access-Control-Request-Method: null" in r.text
    r = options(server, "/" + b, Origin="http://any.where", **{
        "Access-Control-Request-Method": "PATCH"})
    assert r.status_code == 400 and "Invalid Access-Control-Request-Method: PATCH" in r.text


def test_preflight_missing_bucket(server):
    r = options(server, "/no-such-bucket-cors/k", Origin="http://x",
                **{"Access-Control-Request-Method": "GET"})
    assert r.status_code == 403 and "CORSResponse: Bucket not found" in r.text
    assert "<Method>GET</Method><ResourceType>BUCKET</ResourceType>" in r.text


def test_preflight_with_sub_resource_and_presigned_query(server, s3):
    b = new_bucket(s3)
    put_cors(s3, b, {"AllowedMethods": ["PUT", "GET"], "AllowedOrigins": ["http://app"]})
    hdrs = {"Origin": "http://app", "Access-Control-Request-Method": "PUT"}
    # a browser preflights an UploadPart URL: the query names a sub-resource
    r = requests.options(server.endpoint + "/%s/k?partNumber=1&uploadId=abc" % b, headers=hdrs)
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == "http://app"
    for method in ("put_object", "get_object"):
        url = s3.generate_presigned_url(method, Params={"Bucket": b, "Key": "k"}, ExpiresIn=60)
        assert requests.options(url).status_code == 400  # no Origin
        r = requests.options(url, headers=hdrs)
        assert r.status_code == 200, r.text
        assert r.headers["Access-Control-Allow-Methods"] == "PUT, GET"


def test_real_requests_get_headers(server, s3):
    b = new_bucket(s3, acl="public-read")
    s3.put_object(Bucket=b, Key="k", Body=b"data")
    put_cors(s3, b, {"AllowedMethods": ["GET"], "AllowedOrigins": ["*suffix"],
                     "ExposeHeaders": ["ETag"]},
             {"AllowedMethods": ["PUT"], "AllowedOrigins": ["*.put"]})
    base = "%s/%s" % (server.endpoint, b)
    # anonymous listing (public-read bucket)
    r = requests.get(base, headers={"Origin": "foo.suffix"})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "foo.suffix"
    assert r.headers["Access-Control-Allow-Methods"] == "GET"
    assert r.headers["Access-Control-Expose-Headers"] == "ETag"
    assert r.headers["Vary"] == VARY
    r = requests.get(base)
    assert cors_of(r) == {} and "Vary" not in r.headers
    r = requests.get(base, headers={"Origin": "foo.bar"})
    assert r.status_code == 200 and cors_of(r) == {} and "Vary" not in r.headers
    # Access-Control-Request-Headers on a real request must be allowed too (this rule allows
    # none); the headers the request really carries are not checked
    r = requests.get(base, headers={"Origin": "foo.suffix",
                                    "Access-Control-Request-Headers": "x-amz-request-payer"})
    assert r.status_code == 200 and cors_of(r) == {}
    r = requests.get(base, headers={"Origin": "foo.suffix", "x-amz-request-payer": "requester"})
    assert r.headers["Access-Control-Allow-Origin"] == "foo.suffix"
    # an error answer (anonymous PUT is denied) still carries the matched rule's headers
    r = requests.put(base + "/new", headers={"Origin": "foo.put"}, data=b"")
    assert r.status_code == 403
    assert r.headers["Access-Control-Allow-Origin"] == "foo.put"
    assert r.headers["Access-Control-Allow-Methods"] == "PUT"
    r = requests.put(base + "/new", headers={"Origin": "foo.suffix"}, data=b"")
    assert r.status_code == 403 and cors_of(r) == {}
    # the method matched is Access-Control-Request-Method when the request names one
    r = requests.put(base + "/new", data=b"", headers={
        "Origin": "foo.suffix", "Access-Control-Request-Method": "GET"})
    assert r.status_code == 403 and r.headers["Access-Control-Allow-Origin"] == "foo.suffix"
    # a presigned GET (the object body path) and a signed HEAD
    url = s3.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "k"}, ExpiresIn=60)
    r = requests.get(url, headers={"Origin": "x.suffix"})
    assert r.status_code == 200 and r.content == b"data"
    assert r.headers["Access-Control-Allow-Origin"] == "x.suffix"
    r = requests.head(s3.generate_presigned_url("head_object", Params={"Bucket": b, "Key": "k"}),
                      headers={"Origin": "x.suffix"})
    assert r.status_code == 200 and "Access-Control-Allow-Origin" not in r.headers  # HEAD: no rule


def test_signed_request_with_origin(server, s3):
    b = new_bucket(s3)
    put_cors(s3, b, {"AllowedMethods": ["GET", "HEAD"], "AllowedOrigins": ["http://app"],
                     "MaxAgeSeconds": 5})
    client = server.client()

    def add_origin(request, **_):
        request.headers["Origin"] = "http://app"
    client.meta.events.register("before-sign.s3.HeadBucket", add_origin)
    resp = client.head_bucket(Bucket=b)
    h = resp["ResponseMetadata"]["HTTPHeaders"]
    assert h["access-control-allow-origin"] == "http://app"
    assert h["access-control-allow-methods"] == "GET, HEAD"
    assert h["access-control-max-age"] == "5"
    assert h["access-control-allow-credentials"] == "true"


def test_anonymous_client_reads_with_origin(server, s3):
    b = new_bucket(s3, acl="public-read")
    put_cors(s3, b, {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]})
    anon = server.anonymous_client()

    def add_origin(request, **_):
        request.headers["Origin"] = "http://anywhere"
    anon.meta.events.register("before-sign.s3.ListObjects", add_origin)
    resp = anon.list_objects(Bucket=b)
    assert resp["ResponseMetadata"]["HTTPHeaders"]["access-control-allow-origin"] == "*"


def test_browser_upload_gets_headers(server, s3):
    """A browser's form upload (POST Object with a presigned POST policy) from an allowed
    origin: the preflight and the upload's answer both carry the rule's headers."""
    b = new_bucket(s3)
    put_cors(s3, b, {"AllowedMethods": ["POST"], "AllowedOrigins": ["https://app.example"],
                     "ExposeHeaders": ["ETag", "Location"]})
    post = s3.generate_presigned_post(b, "uploads/${filename}", ExpiresIn=300)
    r = requests.options(post["url"], headers={"Origin": "https://app.example",
                                               "Access-Control-Request-Method": "POST"})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Methods"] == "POST"
    r = requests.post(post["url"], data=post["fields"], headers={"Origin": "https://app.example"},
                      files={"file": ("a.txt", b"hello")})
    assert r.status_code == 204, r.text
    assert r.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert r.headers["Access-Control-Expose-Headers"] == "ETag, Location"
    assert s3.get_object(Bucket=b, Key="uploads/a.txt")["Body"].read() == b"hello"
    r = requests.post(post["url"], data=post["fields"], headers={"Origin": "https://evil.example"},
                      files={"file": ("b.txt", b"x")})
    assert r.status_code == 204 and "Access-Control-Allow-Origin" not in r.headers


def test_stored_values_cannot_inject_headers(server, s3):
    """Values from the document are echoed into headers: a CR/LF in one (legal XML as a
    character reference) must not split the answer."""
    b = new_bucket(s3)
    body = (b"<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod>"
            b"<AllowedOrigin>*</AllowedOrigin><ExposeHeader>ETag&#13;&#10;Set-Cookie: a=b"
            b"</ExposeHeader></CORSRule></CORSConfiguration>")
    assert signed_put(server, b, body).status_code == 200
    r = options(server, "/" + b, Origin="http://x", **{"Access-Control-Request-Method": "GET"})
    assert r.status_code == 200 and "Set-Cookie" not in r.headers
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_virtual_hosted_preflight_and_head(server, s3):
    """The bucket named by the Host header (virtual-hosted style), and a HEAD's error answer,
    which has no body but carries the headers."""
    b = new_bucket(s3)
    put_cors(s3, b, {"AllowedMethods": ["GET", "HEAD"], "AllowedOrigins": ["https://app"]})
    url = "http://127.0.0.1:%d/k" % server.port
    host = "%s.localhost:%d" % (b, server.port)
    r = requests.options(url, headers={"Host": host, "Origin": "https://app",
                                       "Access-Control-Request-Method": "HEAD"})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Methods"] == "GET, HEAD"
    r = requests.head(url, headers={"Host": host, "Origin": "https://app"})
    assert r.status_code == 403  # anonymous, private bucket
    assert r.headers["Access-Control-Allow-Origin"] == "https://app"
