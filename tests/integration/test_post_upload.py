"""Browser uploads (POST Object, src/s3/s3_op_post.c): boto3's generate_presigned_post (SigV4)
posted with urllib as a browser would, the policy's conditions, success_action_status and
success_action_redirect, a tampered and an expired policy, content-length-range, anonymous
forms decided by the authorization step."""
import base64
import html
import hashlib
import hmac
import json
import os
import re
import subprocess
import urllib.error
import urllib.request
import uuid

import pytest

from conftest import ROOT


def multipart(fields, file_bytes, filename="upload.txt", after=None):
    boundary = "----StocktakeBoundary" + uuid.uuid4().hex
    out = []
    for k, v in fields.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                    % (boundary, k, v)).encode())
    out.append(("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n" % (boundary, filename)).encode())
    out.append(file_bytes)
    out.append(b"\r\n")
    for k, v in (after or {}).items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                    % (boundary, k, v)).encode())
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def post(url, fields, file_bytes=b"hello", raw=None, **kw):
    body, ctype = multipart(fields, file_bytes, **kw) if raw is None else raw
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": ctype})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def code_of(body):
    m = re.search(rb"<Code>([^<]+)</Code>", body)
    return m.group(1).decode() if m else None


def message_of(body):
    m = re.search(rb"<Message>([^<]*)</Message>", body)
    return html.unescape(m.group(1).decode()) if m else None


def test_presigned_post_default_204(s3, bucket):
    p = s3.generate_presigned_post(bucket, "up/${filename}")
    status, headers, _ = post(p["url"], p["fields"], b"browser bytes", filename="a b.txt")
    assert status == 204
    got = s3.get_object(Bucket=bucket, Key="up/a b.txt")
    assert got["Body"].read() == b"browser bytes"
    assert headers["ETag"] == got["ETag"] == '"%s"' % hashlib.md5(b"browser bytes").hexdigest()


def test_fields_after_file_ignored_and_stored_headers(s3, bucket):
    fields = {"Content-Type": "text/plain", "x-amz-meta-color": "blue"}
    conditions = [{"Content-Type": "text/plain"}, ["starts-with", "$x-amz-meta-color", ""]]
    p = s3.generate_presigned_post(bucket, "k", Fields=fields, Conditions=conditions)
    status, _, _ = post(p["url"], p["fields"], b"x" * 100000, after={"key": "other"})
    assert status == 204
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["ContentType"] == "text/plain"
    assert head["Metadata"] == {"color": "blue"}
    assert head["ContentLength"] == 100000


def test_success_action_status_201_and_200(s3, bucket):
    for code in ("201", "200"):
        p = s3.generate_presigned_post(bucket, "s" + code,
                                       Fields={"success_action_status": code},
                                       Conditions=[{"success_action_status": code}])
        status, headers, body = post(p["url"], p["fields"])
        assert status == int(code)
        if code == "201":
            assert b"<PostResponse>" in body and b"<Key>s201</Key>" in body
            assert b"<Bucket>%s</Bucket>" % bucket.encode() in body
    p = s3.generate_presigned_post(bucket, "s999", Fields={"success_action_status": "999"},
                                   Conditions=[{"success_action_status": "999"}])
    assert post(p["url"], p["fields"])[0] == 204


def test_success_action_redirect(s3, bucket):
    to = "http://example.com/done?x=1"
    p = s3.generate_presigned_post(bucket, "r/k", Fields={"success_action_redirect": to},
                                   Conditions=[{"success_action_redirect": to}])
    status, headers, _ = post(p["url"], p["fields"])
    assert status == 303
    loc = headers["Location"]
    assert loc.startswith(to + "&bucket=" + bucket + "&key=r%2Fk&etag=")


def test_condition_failed_and_extra_field(s3, bucket):
    p = s3.generate_presigned_post(bucket, "fixed")
    f = dict(p["fields"], key="other")
    status, _, body = post(p["url"], f)
    assert status == 403 and code_of(body) == "AccessDenied"
    assert message_of(body) == ('Invalid according to Policy: Policy Condition failed: '
                                '["eq", "$key", "fixed"]')
    f = dict(p["fields"], **{"x-amz-meta-extra": "1"})
    status, _, body = post(p["url"], f)
    assert status == 403
    assert message_of(body) == "Invalid according to Policy: Extra input fields: x-amz-meta-extra"
    f = dict(p["fields"], **{"x-ignore-this": "1"})
    assert post(p["url"], f)[0] == 204


def test_tampered_policy_and_bad_key(s3, server, bucket):
    p = s3.generate_presigned_post(bucket, "t")
    doc = json.loads(base64.b64decode(p["fields"]["policy"]))
    doc["conditions"].append(["starts-with", "$key", ""])
    f = dict(p["fields"], policy=base64.b64encode(json.dumps(doc).encode()).decode())
    status, _, body = post(p["url"], f)
    assert status == 403 and code_of(body) == "SignatureDoesNotMatch"
    f = dict(p["fields"])
    f["x-amz-credential"] = "NOSUCHKEY" + f["x-amz-credential"][f["x-amz-credential"].index("/"):]
    status, _, body = post(p["url"], f)
    assert status == 403 and code_of(body) == "InvalidAccessKeyId"
    with pytest.raises(Exception):
        s3.head_object(Bucket=bucket, Key="t")


def sign_policy(server, doc):
    policy = base64.b64encode(json.dumps(doc).encode()).decode()
    date = "20250101"
    k = ("AWS4" + server.secret_key).encode()
    for part in (date, server.region, "s3", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return {"x-amz-algorithm": "AWS4-HMAC-SHA256",
            "x-amz-credential": "%s/%s/%s/s3/aws4_request" % (server.access_key, date,
                                                               server.region),
            "x-amz-date": date + "T000000Z", "policy": policy,
            "x-amz-signature": hmac.new(k, policy.encode(), hashlib.sha256).hexdigest()}


def test_expired_and_invalid_policy(server, bucket):
    url = server.endpoint + "/" + bucket
    conds = [{"bucket": bucket}, {"key": "e"}, {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
             ["starts-with", "$x-amz-credential", ""], ["starts-with", "$x-amz-date", ""]]
    f = sign_policy(server, {"expiration": "2020-01-01T00:00:00.000Z", "conditions": conds})
    status, _, body = post(url, dict(f, key="e"))
    assert status == 403 and message_of(body) == "Invalid according to Policy: Policy expired."
    f = sign_policy(server, {"conditions": conds})
    status, _, body = post(url, dict(f, key="e"))
    assert status == 400 and code_of(body) == "InvalidPolicyDocument"
    assert message_of(body) == "Invalid Policy: Policy missing expiration."


def test_content_length_range(server, s3, bucket):
    url = server.endpoint + "/" + bucket
    conds = [{"bucket": bucket}, ["starts-with", "$key", ""],
             {"x-amz-algorithm": "AWS4-HMAC-SHA256"}, ["starts-with", "$x-amz-credential", ""],
             ["starts-with", "$x-amz-date", ""], ["content-length-range", 5, 10]]
    f = sign_policy(server, {"expiration": "2099-01-01T00:00:00Z", "conditions": conds})
    assert code_of(post(url, dict(f, key="big"), b"x" * 11)[2]) == "EntityTooLarge"
    assert code_of(post(url, dict(f, key="small"), b"x" * 4)[2]) == "EntityTooSmall"
    assert post(url, dict(f, key="fits"), b"x" * 10)[0] == 204
    assert s3.head_object(Bucket=bucket, Key="fits")["ContentLength"] == 10


def test_anonymous_denied_missing_key_malformed(server, bucket):
    url = server.endpoint + "/" + bucket
    status, _, body = post(url, {"key": "anon"})
    assert status == 403 and code_of(body) == "AccessDenied"
    p_fields = {"acl": "private"}
    status, _, body = post(url, p_fields)
    assert status == 400 and code_of(body) == "InvalidArgument"
    raw = (b"--b\r\nContent-Disposition: form-data; name=key\r\n\r\nk\r\n--b\r\nbroken",
           "multipart/form-data; boundary=b")
    status, _, body = post(url, {}, raw=raw)
    assert status == 400 and code_of(body) == "MalformedPOSTRequest"
    raw = (b"--b\r\nContent-Disposition: form-data; name=key\r\n\r\nk\r\n--b--\r\n",
           "multipart/form-data; boundary=b")
    status, _, body = post(url, {}, raw=raw)
    assert status == 400 and code_of(body) == "InvalidArgument"
    assert message_of(body) == "POST requires exactly one file upload per request."
    status, _, body = post(server.endpoint + "/no-such-bucket-post", {"key": "k"})
    assert status == 404 and code_of(body) == "NoSuchBucket"


def test_public_acl_refused_when_acls_are_disabled(s3, bucket):
    # new buckets are BucketOwnerEnforced: a form's public ACL is refused as AWS does
    p = s3.generate_presigned_post(bucket, "acl", Fields={"acl": "public-read"},
                                   Conditions=[{"acl": "public-read"}])
    status, _, body = post(p["url"], p["fields"])
    assert status == 400 and code_of(body) == "AccessControlListNotSupported"
    p = s3.generate_presigned_post(bucket, "acl2", Fields={"acl": "private"},
                                   Conditions=[{"acl": "private"}])
    assert post(p["url"], p["fields"])[0] == 204


def test_js_sdk_create_presigned_post(server, bucket):
    js = os.path.join(ROOT, "tests", "js")
    assert os.path.isdir(os.path.join(js, "node_modules", "@aws-sdk", "s3-presigned-post")), \
        "run scripts/install-deps.sh (npm ci in tests/js)"
    env = dict(os.environ, STOCKTAKE_ENDPOINT=server.endpoint, STOCKTAKE_REGION=server.region,
               STOCKTAKE_ACCESS_KEY=server.access_key, STOCKTAKE_SECRET_KEY=server.secret_key,
               STOCKTAKE_BUCKET=bucket)
    p = subprocess.run(["node", "presigned_post.mjs"], cwd=js, env=env, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0 and "ok presigned post" in p.stdout, p.stdout + p.stderr


def test_policy_conditions_see_the_form_fields(server, s3):
    """A bucket policy's s3:x-amz-acl (and other s3:x-amz-* keys) on a POST upload read the
    form's fields: the acl field is what x-amz-acl is on a PUT (AWS)."""
    import json
    acct, key, secret = server.add_account("post-policy-writer")
    writer = server.client(key, secret)
    b = "post-pol-%d" % os.getpid()
    s3.create_bucket(Bucket=b)
    s3.put_bucket_policy(Bucket=b, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": acct},
        "Action": "s3:PutObject", "Resource": "arn:aws:s3:::%s/*" % b,
        "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]}))
    ok = writer.generate_presigned_post(b, "with-acl", Fields={"acl": "bucket-owner-full-control"},
                                        Conditions=[{"acl": "bucket-owner-full-control"}])
    status, _, body = post(ok["url"], ok["fields"], b"a")
    assert status == 204, body
    bare = writer.generate_presigned_post(b, "without-acl")
    status, _, body = post(bare["url"], bare["fields"], b"b")
    assert status == 403 and code_of(body) == "AccessDenied"
    assert s3.get_object(Bucket=b, Key="with-acl")["Body"].read() == b"a"
