"""Object and bucket tagging: Put/Get/DeleteObjectTagging (with versions), x-amz-tagging on
PutObject, CopyObject (COPY / REPLACE), CreateMultipartUpload and the POST form's tagging field,
x-amz-tagging-count, AWS's limits and errors, Put/Get/DeleteBucketTagging, and the bucket
policy keys s3:ExistingObjectTag/<key> and s3:RequestObjectTag/<key>."""
import json
import os

import pytest
import requests
from botocore.exceptions import ClientError

from conftest import error_code, serve_checked, put_policy

_n = [0]


@pytest.fixture(scope="module")
def srv():
    yield from serve_checked(["--legacy-bucket-defaults"])


@pytest.fixture(scope="module")
def s3(srv):
    return srv.client()


def new_bucket(s3, versioned=False):
    _n[0] += 1
    name = "tag-%d-%d" % (os.getpid(), _n[0])
    s3.create_bucket(Bucket=name)
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def tagset(*pairs):
    return {"TagSet": [{"Key": k, "Value": v} for k, v in pairs]}


def get_tags(s3, b, k, **kw):
    return [(t["Key"], t["Value"]) for t in s3.get_object_tagging(Bucket=b, Key=k, **kw)["TagSet"]]


def expect_error(code, fn, *args, **kw):
    with pytest.raises(ClientError) as e:
        fn(*args, **kw)
    assert error_code(e.value) == code, e.value.response
    return e.value.response


def test_put_get_delete_object_tagging(s3):
    b = new_bucket(s3)
    s3.put_object(Bucket=b, Key="k", Body=b"x")
    assert get_tags(s3, b, "k") == []
    assert "x-amz-tagging-count" not in s3.head_object(Bucket=b, Key="k")["ResponseMetadata"][
        "HTTPHeaders"]
    s3.put_object_tagging(Bucket=b, Key="k", Tagging=tagset(("a", "1"), ("b c", "d/e=f&g")))
    assert get_tags(s3, b, "k") == [("a", "1"), ("b c", "d/e=f&g")]
    head = s3.head_object(Bucket=b, Key="k")
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-tagging-count"] == "2"
    got = s3.get_object(Bucket=b, Key="k")
    assert got["TagCount"] == 2
    s3.put_object_tagging(Bucket=b, Key="k", Tagging=tagset(("only", "")))
    assert get_tags(s3, b, "k") == [("only", "")]
    r = s3.delete_object_tagging(Bucket=b, Key="k")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert get_tags(s3, b, "k") == []


def test_object_tagging_missing_key(s3):
    b = new_bucket(s3)
    expect_error("NoSuchKey", s3.put_object_tagging, Bucket=b, Key="nope", Tagging=tagset())
    expect_error("NoSuchKey", s3.get_object_tagging, Bucket=b, Key="nope")
    expect_error("NoSuchKey", s3.delete_object_tagging, Bucket=b, Key="nope")


def test_object_tagging_limits(s3):
    b = new_bucket(s3)
    s3.put_object(Bucket=b, Key="k", Body=b"x")
    ten = tagset(*[("k%d" % i, "v") for i in range(10)])
    s3.put_object_tagging(Bucket=b, Key="k", Tagging=ten)
    r = expect_error("InvalidTag", s3.put_object_tagging, Bucket=b, Key="k",
                     Tagging=tagset(*[("k%d" % i, "v") for i in range(11)]))
    assert r["Error"]["Message"] == "Object tags cannot be greater than 10"
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 400
    s3.put_object_tagging(Bucket=b, Key="k", Tagging=tagset(("é" * 128, "ü" * 256)))
    r = expect_error("InvalidTag", s3.put_object_tagging, Bucket=b, Key="k",
                     Tagging=tagset(("k" * 129, "v")))
    assert r["Error"]["Message"] == "The TagKey you have provided is too long, max 128"
    r = expect_error("InvalidTag", s3.put_object_tagging, Bucket=b, Key="k",
                     Tagging=tagset(("k", "v" * 257)))
    assert r["Error"]["Message"] == "The TagValue you have provided is too long, max 256"
    r = expect_error("InvalidTag", s3.put_object_tagging, Bucket=b, Key="k",
                     Tagging=tagset(("k", "1"), ("k", "2")))
    assert r["Error"]["Message"] == "Cannot provide multiple Tags with the same key"
    expect_error("InvalidTag", s3.put_object_tagging, Bucket=b, Key="k",
                 Tagging=tagset(("aws:x", "1")))
    # the stored set is the last accepted one
    assert get_tags(s3, b, "k") == [("é" * 128, "ü" * 256)]


def test_object_tagging_malformed(s3):
    b = new_bucket(s3)
    s3.put_object(Bucket=b, Key="k", Body=b"x")
    for body in (b"<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>",
                 b"<Tagging><TagSet><Tag><Value>a</Value></Tag></TagSet></Tagging>",
                 b"<Tagging></Tagging>", b"<Other/>", b"<Tagging><TagSet>"):
        def swap(request, body=body, **_):  # the body is replaced before it is signed
            request.data = body
            for h in list(request.headers.keys()):
                if h.lower() in ("content-md5", "content-length") or "checksum" in h.lower():
                    del request.headers[h]

        s3.meta.events.register_first("before-sign.s3.PutObjectTagging", swap)
        try:
            expect_error("MalformedXML", s3.put_object_tagging, Bucket=b, Key="k",
                         Tagging=tagset(("a", "b")))
        finally:
            s3.meta.events.unregister("before-sign.s3.PutObjectTagging", swap)
    assert get_tags(s3, b, "k") == []


def test_versions_keep_their_tags(s3):
    b = new_bucket(s3, versioned=True)
    v1 = s3.put_object(Bucket=b, Key="k", Body=b"1", Tagging="v=1")["VersionId"]
    v2 = s3.put_object(Bucket=b, Key="k", Body=b"2", Tagging="v=2")["VersionId"]
    assert get_tags(s3, b, "k") == [("v", "2")]
    assert get_tags(s3, b, "k", VersionId=v1) == [("v", "1")]
    r = s3.put_object_tagging(Bucket=b, Key="k", VersionId=v1, Tagging=tagset(("v", "one")))
    assert r["VersionId"] == v1
    assert get_tags(s3, b, "k", VersionId=v1) == [("v", "one")]
    assert get_tags(s3, b, "k", VersionId=v2) == [("v", "2")]
    r = s3.delete_object_tagging(Bucket=b, Key="k", VersionId=v2)
    assert r["VersionId"] == v2
    assert get_tags(s3, b, "k") == []
    assert get_tags(s3, b, "k", VersionId=v1) == [("v", "one")]
    # listings of tagged versions
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=b)["Contents"]] == ["k"]
    assert len(s3.list_object_versions(Bucket=b)["Versions"]) == 2
    dm = s3.delete_object(Bucket=b, Key="k")["VersionId"]
    expect_error("NoSuchKey", s3.get_object_tagging, Bucket=b, Key="k")
    expect_error("MethodNotAllowed", s3.put_object_tagging, Bucket=b, Key="k", VersionId=dm,
                 Tagging=tagset(("a", "b")))
    assert get_tags(s3, b, "k", VersionId=v1) == [("v", "one")]


def test_put_object_tagging_header(s3):
    b = new_bucket(s3)
    s3.put_object(Bucket=b, Key="k", Body=b"x", Tagging="a=1&b%20c=d%2Fe&empty=&plus=x+y")
    assert get_tags(s3, b, "k") == [("a", "1"), ("b c", "d/e"), ("empty", ""), ("plus", "x y")]
    r = expect_error("InvalidTag", s3.put_object, Bucket=b, Key="k2", Body=b"x",
                     Tagging="&".join("k%d=v" % i for i in range(11)))
    assert r["Error"]["Message"] == "Object tags cannot be greater than 10"
    expect_error("InvalidArgument", s3.put_object, Bucket=b, Key="k2", Body=b"x",
                 Tagging="a=1&a=2")
    expect_error("InvalidArgument", s3.put_object, Bucket=b, Key="k2", Body=b"x",
                 Tagging="a=%zz")
    expect_error("404", s3.head_object, Bucket=b, Key="k2")


def test_copy_tagging_directive(s3):
    b = new_bucket(s3)
    s3.put_object(Bucket=b, Key="src", Body=b"x", Tagging="a=1")
    s3.copy_object(Bucket=b, Key="copy", CopySource={"Bucket": b, "Key": "src"})
    assert get_tags(s3, b, "copy") == [("a", "1")]
    s3.copy_object(Bucket=b, Key="copy2", CopySource={"Bucket": b, "Key": "src"},
                   TaggingDirective="COPY", Tagging="ignored=1")
    assert get_tags(s3, b, "copy2") == [("a", "1")]
    s3.copy_object(Bucket=b, Key="repl", CopySource={"Bucket": b, "Key": "src"},
                   TaggingDirective="REPLACE", Tagging="b=2&c=3")
    assert get_tags(s3, b, "repl") == [("b", "2"), ("c", "3")]
    s3.copy_object(Bucket=b, Key="none", CopySource={"Bucket": b, "Key": "src"},
                   TaggingDirective="REPLACE")
    assert get_tags(s3, b, "none") == []
    expect_error("InvalidArgument", s3.copy_object, Bucket=b, Key="bad",
                 CopySource={"Bucket": b, "Key": "src"}, TaggingDirective="MOVE")


def test_multipart_tagging(s3):
    b = new_bucket(s3)
    up = s3.create_multipart_upload(Bucket=b, Key="mp", Tagging="team=a&x=")["UploadId"]
    etag = s3.upload_part(Bucket=b, Key="mp", UploadId=up, PartNumber=1, Body=b"p")["ETag"]
    s3.complete_multipart_upload(Bucket=b, Key="mp", UploadId=up, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": etag}]})
    assert get_tags(s3, b, "mp") == [("team", "a"), ("x", "")]
    expect_error("InvalidTag", s3.create_multipart_upload, Bucket=b, Key="mp2",
                 Tagging="k=" + "v" * 257)


def test_post_upload_tagging(srv, s3):
    b = new_bucket(s3)
    tagging = ("<Tagging><TagSet><Tag><Key>color</Key><Value>red</Value></Tag>"
               "<Tag><Key>size</Key><Value>L</Value></Tag></TagSet></Tagging>")
    post = s3.generate_presigned_post(b, "form.txt", Fields={"tagging": tagging},
                                      Conditions=[{"tagging": tagging}])
    r = requests.post(post["url"], data=post["fields"], files={"file": ("f", b"hello")})
    assert r.status_code == 204, r.text
    assert get_tags(s3, b, "form.txt") == [("color", "red"), ("size", "L")]
    bad = "<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>"
    post = s3.generate_presigned_post(b, "bad.txt", Fields={"tagging": bad},
                                      Conditions=[{"tagging": bad}])
    r = requests.post(post["url"], data=post["fields"], files={"file": ("f", b"hello")})
    assert r.status_code == 400 and b"MalformedXML" in r.content, r.text


def test_bucket_tagging(s3):
    b = new_bucket(s3)
    r = expect_error("NoSuchTagSet", s3.get_bucket_tagging, Bucket=b)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert r["Error"]["Message"] == "The TagSet does not exist"
    s3.put_bucket_tagging(Bucket=b, Tagging=tagset(("env", "prod"), ("team", "a b")))
    got = s3.get_bucket_tagging(Bucket=b)["TagSet"]
    assert [(t["Key"], t["Value"]) for t in got] == [("env", "prod"), ("team", "a b")]
    s3.put_bucket_tagging(Bucket=b, Tagging=tagset(*[("k%d" % i, "v") for i in range(50)]))
    assert len(s3.get_bucket_tagging(Bucket=b)["TagSet"]) == 50
    r = expect_error("InvalidTag", s3.put_bucket_tagging, Bucket=b,
                     Tagging=tagset(*[("k%d" % i, "v") for i in range(51)]))
    expect_error("InvalidTag", s3.put_bucket_tagging, Bucket=b,
                 Tagging=tagset(("a", "1"), ("a", "2")))
    assert len(s3.get_bucket_tagging(Bucket=b)["TagSet"]) == 50
    r = s3.delete_bucket_tagging(Bucket=b)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    expect_error("NoSuchTagSet", s3.get_bucket_tagging, Bucket=b)
    expect_error("NoSuchBucket", s3.get_bucket_tagging, Bucket="no-such-bucket-tagging")


# ---- bucket policies with tag condition keys ----

@pytest.fixture(scope="module")
def other(srv):
    _, key, secret = srv.add_account("tagging-b")
    return srv.client(key, secret)


def test_policy_existing_object_tag_allows_tagged_reads(s3, other):
    b = new_bucket(s3)
    s3.put_object(Bucket=b, Key="pub", Body=b"p", Tagging="security=public&x=1")
    s3.put_object(Bucket=b, Key="priv", Body=b"q", Tagging="security=private")
    s3.put_object(Bucket=b, Key="case", Body=b"c", Tagging="Security=public")
    s3.put_object(Bucket=b, Key="none", Body=b"n")
    put_policy(s3, b, {"Effect": "Allow", "Principal": "*",
                       "Action": ["s3:GetObject", "s3:GetObjectTagging"],
                       "Resource": "arn:aws:s3:::%s/*" % b,
                       "Condition": {"StringEquals": {"s3:ExistingObjectTag/security": "public"}}})
    assert other.get_object(Bucket=b, Key="pub")["Body"].read() == b"p"
    assert get_tags(other, b, "pub") == [("security", "public"), ("x", "1")]
    for k in ("priv", "case", "none"):  # tag keys are case-sensitive
        expect_error("AccessDenied", other.get_object, Bucket=b, Key=k)
        expect_error("AccessDenied", other.get_object_tagging, Bucket=b, Key=k)
    # retagging the object changes the decision
    s3.put_object_tagging(Bucket=b, Key="pub", Tagging=tagset(("security", "private")))
    expect_error("AccessDenied", other.get_object, Bucket=b, Key="pub")
    s3.put_object_tagging(Bucket=b, Key="priv", Tagging=tagset(("security", "public")))
    assert other.get_object(Bucket=b, Key="priv")["Body"].read() == b"q"


def test_policy_existing_object_tag_deny_for_owner(s3):
    b = new_bucket(s3)
    s3.put_object(Bucket=b, Key="locked", Body=b"l", Tagging="hold=yes")
    s3.put_object(Bucket=b, Key="free", Body=b"f")
    put_policy(s3, b, {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
                       "Resource": "arn:aws:s3:::%s/*" % b,
                       "Condition": {"StringEquals": {"s3:ExistingObjectTag/hold": "yes"}}})
    expect_error("AccessDenied", s3.delete_object, Bucket=b, Key="locked")
    s3.delete_object(Bucket=b, Key="free")
    s3.delete_object_tagging(Bucket=b, Key="locked")
    s3.delete_object(Bucket=b, Key="locked")


def test_policy_request_object_tag_required_on_upload(s3, other):
    b = new_bucket(s3)
    # the bucket's owner owns what the other account writes, and reads its tags
    s3.put_bucket_ownership_controls(Bucket=b, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    put_policy(s3, b, {"Effect": "Allow", "Principal": "*",
                       "Action": ["s3:PutObject", "s3:PutObjectTagging"],
                       "Resource": "arn:aws:s3:::%s/*" % b,
                       "Condition": {"StringEquals": {"s3:RequestObjectTag/team": "blue"}}})
    other.put_object(Bucket=b, Key="ok", Body=b"x", Tagging="team=blue&more=1")
    assert get_tags(s3, b, "ok") == [("more", "1"), ("team", "blue")]
    expect_error("AccessDenied", other.put_object, Bucket=b, Key="no", Body=b"x")
    expect_error("AccessDenied", other.put_object, Bucket=b, Key="no", Body=b"x",
                 Tagging="team=red")
    # PutObjectTagging: the body's tags are the request's
    other.put_object_tagging(Bucket=b, Key="ok", Tagging=tagset(("team", "blue"), ("v", "2")))
    assert get_tags(s3, b, "ok") == [("team", "blue"), ("v", "2")]
    expect_error("AccessDenied", other.put_object_tagging, Bucket=b, Key="ok",
                 Tagging=tagset(("team", "red")))
    # refused before its body is judged: no InvalidTag for a caller who may not write
    expect_error("AccessDenied", other.put_object_tagging, Bucket=b, Key="ok",
                 Tagging=tagset(*[("k%d" % i, "v") for i in range(11)]))
    assert get_tags(s3, b, "ok") == [("team", "blue"), ("v", "2")]


def test_policy_request_object_tag_keys(s3, other):
    b = new_bucket(s3)
    put_policy(s3, b, {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
                       "Resource": "arn:aws:s3:::%s/*" % b,
                       "Condition": {"ForAllValues:StringEquals": {
                           "s3:RequestObjectTagKeys": ["team", "cost"]}}},
               {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::%s/*" % b,
                "Condition": {"ForAnyValue:StringLike": {"s3:RequestObjectTagKeys": "secret*"}}})
    other.put_object(Bucket=b, Key="a", Body=b"x", Tagging="team=x&cost=1")
    other.put_object(Bucket=b, Key="b", Body=b"x")  # no tags: ForAllValues holds
    expect_error("AccessDenied", other.put_object, Bucket=b, Key="c", Body=b"x",
                 Tagging="team=x&owner=y")
    expect_error("AccessDenied", s3.put_object, Bucket=b, Key="d", Body=b"x",
                 Tagging="secret-x=1")
    s3.put_object(Bucket=b, Key="d", Body=b"x", Tagging="public=1")


def test_policy_request_object_tag_on_post(s3):
    b = new_bucket(s3)
    put_policy(s3, b, {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                       "Resource": "arn:aws:s3:::%s/*" % b,
                       "Condition": {"StringNotEquals": {"s3:RequestObjectTag/class": "ok"}}})

    def post(key, value):
        tagging = ("<Tagging><TagSet><Tag><Key>class</Key><Value>%s</Value></Tag></TagSet>"
                   "</Tagging>" % value)
        p = s3.generate_presigned_post(b, key, Fields={"tagging": tagging},
                                       Conditions=[{"tagging": tagging}])
        return requests.post(p["url"], data=p["fields"], files={"file": ("f", b"data")})

    assert post("good", "ok").status_code == 204
    r = post("bad", "no")
    assert r.status_code == 403, r.text
    assert get_tags(s3, b, "good") == [("class", "ok")]


def test_copy_tags_need_tagging_permissions(s3, other):
    """Copying a tagged object reads its tags (s3:GetObjectTagging on the source) and tags the
    copy (s3:PutObjectTagging on the destination), as AWS requires."""
    src = new_bucket(s3)
    dst = other.create_bucket(Bucket=src + "-dst") and src + "-dst"
    s3.put_object(Bucket=src, Key="tagged", Body=b"t", Tagging="a=1")
    s3.put_object(Bucket=src, Key="plain", Body=b"p")
    read = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::%s/*" % src}
    put_policy(s3, src, read)
    source = {"Bucket": src, "Key": "tagged"}
    other.copy_object(Bucket=dst, Key="plain", CopySource={"Bucket": src, "Key": "plain"})
    expect_error("AccessDenied", other.copy_object, Bucket=dst, Key="c", CopySource=source)
    # REPLACE without tags reads none of the source's
    other.copy_object(Bucket=dst, Key="c", CopySource=source, TaggingDirective="REPLACE")
    assert get_tags(other, dst, "c") == []
    put_policy(s3, src, read, {"Effect": "Allow", "Principal": "*",
                               "Action": "s3:GetObjectTagging",
                               "Resource": "arn:aws:s3:::%s/*" % src})
    other.copy_object(Bucket=dst, Key="c", CopySource=source)
    assert get_tags(other, dst, "c") == [("a", "1")]
    # the destination's policy can refuse tagging the copy
    put_policy(other, dst, {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObjectTagging",
                            "Resource": "arn:aws:s3:::%s/*" % dst})
    expect_error("AccessDenied", other.copy_object, Bucket=dst, Key="d", CopySource=source)
    expect_error("AccessDenied", other.copy_object, Bucket=dst, Key="d", CopySource=source,
                 TaggingDirective="REPLACE", Tagging="b=2")
    other.copy_object(Bucket=dst, Key="d", CopySource={"Bucket": src, "Key": "plain"})


def _aws(server, *args, ok=True):
    """Run the aws CLI (s3api) against the server; the parsed JSON answer, or the process."""
    import subprocess
    env = {"AWS_ACCESS_KEY_ID": server.access_key, "AWS_SECRET_ACCESS_KEY": server.secret_key,
           "AWS_DEFAULT_REGION": server.region, "PATH": "/usr/bin:/bin"}
    p = subprocess.run(["/usr/bin/aws", "--endpoint-url", server.endpoint, "s3api", *args],
                       capture_output=True, text=True, env=env, timeout=60)
    if not ok:
        return p
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout) if p.stdout.strip() else None


def test_tagging_with_the_aws_cli(srv, s3):
    """Object tagging (by version, x-amz-tagging on put-object) and bucket tagging through the
    aws CLI, InvalidTag included."""
    b = new_bucket(s3, versioned=True)
    v1 = _aws(srv, "put-object", "--bucket", b, "--key", "k", "--tagging", "a=1&b=2")["VersionId"]
    _aws(srv, "put-object", "--bucket", b, "--key", "k")
    got = _aws(srv, "get-object-tagging", "--bucket", b, "--key", "k", "--version-id", v1)
    assert got["VersionId"] == v1
    assert got["TagSet"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    assert _aws(srv, "get-object-tagging", "--bucket", b, "--key", "k")["TagSet"] == []
    _aws(srv, "put-object-tagging", "--bucket", b, "--key", "k", "--tagging",
         "TagSet=[{Key=env,Value=prod}]")
    assert get_tags(s3, b, "k") == [("env", "prod")]
    assert get_tags(s3, b, "k", VersionId=v1) == [("a", "1"), ("b", "2")]
    _aws(srv, "delete-object-tagging", "--bucket", b, "--key", "k", "--version-id", v1)
    assert get_tags(s3, b, "k", VersionId=v1) == []
    p = _aws(srv, "put-object-tagging", "--bucket", b, "--key", "k", "--tagging",
             "TagSet=[{Key=aws:x,Value=1}]", ok=False)
    assert p.returncode != 0 and "InvalidTag" in p.stderr
    _aws(srv, "put-bucket-tagging", "--bucket", b, "--tagging",
         "TagSet=[{Key=team,Value=data},{Key=cost,Value=42}]")
    assert _aws(srv, "get-bucket-tagging", "--bucket", b)["TagSet"] == [
        {"Key": "cost", "Value": "42"}, {"Key": "team", "Value": "data"}]
    _aws(srv, "delete-bucket-tagging", "--bucket", b)
    p = _aws(srv, "get-bucket-tagging", "--bucket", b, ok=False)
    assert p.returncode != 0 and "NoSuchTagSet" in p.stderr
