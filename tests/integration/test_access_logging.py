"""S3 server access logging (issue 17): Put/GetBucketLogging as AWS validates them, and the log
objects delivered into the target bucket by logging.s3.amazonaws.com under its bucket policy,
in AWS's record format, from a durable spool (docs/internals/LOGGING.md)."""
import json
import os
import re
import shlex
import signal
import subprocess
import time
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import Server, denied, error_code, serve_checked
from sigv4 import signed_request

AWS = "/usr/bin/aws"
_n = [0]


@pytest.fixture(scope="module")
def server():
    yield from serve_checked(["--logging-flush-seconds", "2"])


@pytest.fixture(scope="module")
def s3(server):
    return server.client()


def new_bucket(s3, tag="b"):
    _n[0] += 1
    name = "log-%s-%d-%d" % (tag, os.getpid(), _n[0])
    s3.create_bucket(Bucket=name)
    return name


def logging_policy(target, source, account, prefix=""):
    """AWS's documented target bucket policy for server access logs."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::%s/%s*" % (target, prefix),
        "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::" + source},
                      "StringEquals": {"aws:SourceAccount": account}}}]})


KEY_FORMATS = {
    "simple": "<TargetObjectKeyFormat><SimplePrefix/></TargetObjectKeyFormat>",
    "delivery": "<TargetObjectKeyFormat><PartitionedPrefix><PartitionDateSource>DeliveryTime"
                "</PartitionDateSource></PartitionedPrefix></TargetObjectKeyFormat>",
    "event": "<TargetObjectKeyFormat><PartitionedPrefix><PartitionDateSource>EventTime"
             "</PartitionDateSource></PartitionedPrefix></TargetObjectKeyFormat>",
}


def put_logging_xml(server, source, xml):
    """PutBucketLogging with a raw body (Debian's botocore predates TargetObjectKeyFormat)."""
    return signed_request(server, "PUT", "/" + source, [("logging", "")], body=xml.encode())


def get_logging_xml(server, source):
    status, _, body = signed_request(server, "GET", "/" + source, [("logging", "")])
    assert status == 200, body
    return body.decode()


def enable(s3, server, source, target, prefix="logs/", key_format=None, policy=True):
    if policy:
        s3.put_bucket_policy(Bucket=target, Policy=logging_policy(
            target, source, server.root_account(), prefix))
    if key_format:
        status, _, body = put_logging_xml(server, source, (
            '<BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            "<LoggingEnabled><TargetBucket>%s</TargetBucket><TargetPrefix>%s</TargetPrefix>%s"
            "</LoggingEnabled></BucketLoggingStatus>") % (target, prefix, KEY_FORMATS[key_format]))
        assert status == 200, body
        return
    le = {"TargetBucket": target, "TargetPrefix": prefix}
    s3.put_bucket_logging(Bucket=source, BucketLoggingStatus={"LoggingEnabled": le})


def flush(server, source):
    """RGW's flush extension: deliver the source's pending records now. A record is written
    when its request is done, just after the client has its answer: give the last one time."""
    time.sleep(0.3)
    status, _, body = signed_request(server, "POST", "/" + source, [("logging", "")])
    assert status == 200, body
    m = re.search(rb"<FlushedLoggingObject>([^<]*)</FlushedLoggingObject>", body)
    return m.group(1).decode() if m else None


def log_lines(s3, target, prefix=""):
    out = []
    for o in s3.list_objects_v2(Bucket=target, Prefix=prefix).get("Contents", []):
        out += s3.get_object(Bucket=target, Key=o["Key"])["Body"].read().decode().splitlines()
    return out


FIELDS = ["BucketOwner", "Bucket", "Time", "RemoteIP", "Requester", "RequestID", "Operation",
          "Key", "RequestURI", "HTTPStatus", "ErrorCode", "BytesSent", "ObjectSize", "TotalTime",
          "TurnAroundTime", "Referer", "UserAgent", "VersionId", "HostId", "SignatureVersion",
          "CipherSuite", "AuthenticationType", "HostHeader", "TLSVersion", "AccessPointArn",
          "AclRequired"]


def parse(line):
    """One record, split as AWS documents it (the bracketed time is one field)."""
    m = re.match(r"^(\S+) (\S+) (\[[^\]]+\]) (.*)$", line)
    assert m, line
    rest = shlex.split(m.group(4))
    rec = dict(zip(FIELDS, [m.group(1), m.group(2), m.group(3)] + rest))
    assert len(rest) == len(FIELDS) - 3, (len(rest), line)
    return rec


def records(s3, server, source, target, prefix="logs/"):
    flush(server, source)
    return [parse(l) for l in log_lines(s3, target, prefix)]


# ---- configuration ----

def test_config_round_trip_and_disable(s3, server):
    src, dst = new_bucket(s3, "src"), new_bucket(s3, "dst")
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=src)
    enable(s3, server, src, dst, "p/")
    assert s3.get_bucket_logging(Bucket=src)["LoggingEnabled"] == {
        "TargetBucket": dst, "TargetPrefix": "p/"}
    enable(s3, server, src, dst, "p/", "event")
    assert KEY_FORMATS["event"] in get_logging_xml(server, src)
    enable(s3, server, src, dst, "q/", "simple")
    xml = get_logging_xml(server, src)
    assert KEY_FORMATS["simple"] in xml and "<TargetPrefix>q/</TargetPrefix>" in xml
    # grants round-trip on a target whose ACLs are enabled
    s3.put_bucket_ownership_controls(Bucket=dst, OwnershipControls={
        "Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    grants = [{"Grantee": {"Type": "Group",
                           "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},
               "Permission": "READ"}]
    s3.put_bucket_logging(Bucket=src, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": dst, "TargetPrefix": "g/", "TargetGrants": grants}})
    assert s3.get_bucket_logging(Bucket=src)["LoggingEnabled"]["TargetGrants"] == grants
    s3.put_bucket_logging(Bucket=src, BucketLoggingStatus={})
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=src)


def test_config_errors(s3, server):
    src, dst = new_bucket(s3, "src"), new_bucket(s3, "dst")
    le = {"TargetBucket": "no-such-bucket-%d" % os.getpid(), "TargetPrefix": "x/"}
    assert denied(s3.put_bucket_logging, Bucket=src,
                  BucketLoggingStatus={"LoggingEnabled": le}) == "InvalidTargetBucketForLogging"
    assert denied(s3.put_bucket_logging, Bucket="no-such-src-%d" % os.getpid(),
                  BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": dst,
                                                          "TargetPrefix": ""}}) == "NoSuchBucket"
    # another account's target
    acct, key, secret = server.add_account("logother%d" % os.getpid())
    other = server.client(key, secret)
    theirs = new_bucket(other, "theirs")
    assert denied(s3.put_bucket_logging, Bucket=src, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": theirs, "TargetPrefix": ""}}) == "InvalidTargetBucketForLogging"
    # another account may not configure (or read) this bucket's logging
    assert denied(other.put_bucket_logging, Bucket=src, BucketLoggingStatus={}) == "AccessDenied"
    assert denied(other.get_bucket_logging, Bucket=src) == "AccessDenied"
    # target grants on a BucketOwnerEnforced target
    grants = [{"Grantee": {"Type": "Group",
                           "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
               "Permission": "READ"}]
    assert denied(s3.put_bucket_logging, Bucket=src, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": dst, "TargetPrefix": "", "TargetGrants": grants}}) == \
        "AccessControlListNotSupported"
    # Object Lock default retention on the target
    locked = "log-locked-%d" % os.getpid()
    s3.create_bucket(Bucket=locked, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    assert denied(s3.put_bucket_logging, Bucket=src, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": locked, "TargetPrefix": ""}}) == "InvalidTargetBucketForLogging"
    # malformed bodies
    bad = [b"<BucketLoggingStatus><LoggingEnabled><TargetBucket>%s</TargetBucket>"
           b"</LoggingEnabled></BucketLoggingStatus>" % dst.encode(),
           b"<BucketLoggingStatus><LoggingEnabled><TargetBucket>%s</TargetBucket><TargetPrefix/>"
           b"<TargetObjectKeyFormat><PartitionedPrefix><PartitionDateSource>kaboom"
           b"</PartitionDateSource></PartitionedPrefix></TargetObjectKeyFormat>"
           b"</LoggingEnabled></BucketLoggingStatus>" % dst.encode(),
           b"<BucketLoggingStatus><LoggingEnabled><TargetBucket>%s</TargetBucket><TargetPrefix/>"
           b"<LoggingType>Journal</LoggingType></LoggingEnabled></BucketLoggingStatus>"
           % dst.encode(),
           b"<NotLogging/>", b"<BucketLoggingStatus>"]
    for body in bad:
        status, _, resp = signed_request(server, "PUT", "/" + src, [("logging", "")], body=body)
        assert status == 400 and b"<Code>MalformedXML</Code>" in resp, (body, resp)
    # the aws CLI speaks it too
    env = dict(os.environ, AWS_ACCESS_KEY_ID=server.access_key,
               AWS_SECRET_ACCESS_KEY=server.secret_key, AWS_DEFAULT_REGION=server.region)
    cfg = json.dumps({"LoggingEnabled": {"TargetBucket": dst, "TargetPrefix": "cli/"}})
    subprocess.run([AWS, "--endpoint-url", server.endpoint, "s3api", "put-bucket-logging",
                    "--bucket", src, "--bucket-logging-status", cfg], check=True, env=env)
    out = subprocess.run([AWS, "--endpoint-url", server.endpoint, "s3api", "get-bucket-logging",
                          "--bucket", src], check=True, env=env, capture_output=True, text=True)
    assert json.loads(out.stdout)["LoggingEnabled"]["TargetPrefix"] == "cli/"


# ---- delivery ----

def test_records_for_operations(s3, server):
    src, dst = new_bucket(s3, "src"), new_bucket(s3, "dst")
    enable(s3, server, src, dst)
    s3.put_object(Bucket=src, Key="dir/a b.txt", Body=b"hello")
    s3.get_object(Bucket=src, Key="dir/a b.txt")["Body"].read()
    s3.head_object(Bucket=src, Key="dir/a b.txt")
    s3.list_objects_v2(Bucket=src)
    with pytest.raises(ClientError):
        s3.get_object(Bucket=src, Key="missing")
    s3.delete_object(Bucket=src, Key="dir/a b.txt")
    anon = server.anonymous_client()
    with pytest.raises(ClientError):
        anon.get_object(Bucket=src, Key="private")
    recs = records(s3, server, src, dst)
    ops = [(r["Operation"], r["Key"], r["HTTPStatus"], r["ErrorCode"]) for r in recs]
    assert ("REST.PUT.OBJECT", "dir/a%20b.txt", "200", "-") in ops
    assert ("REST.GET.OBJECT", "dir/a%20b.txt", "200", "-") in ops
    assert ("REST.HEAD.OBJECT", "dir/a%20b.txt", "200", "-") in ops
    assert ("REST.GET.BUCKET", "-", "200", "-") in ops
    assert ("REST.GET.OBJECT", "missing", "404", "NoSuchKey") in ops
    assert ("REST.DELETE.OBJECT", "dir/a%20b.txt", "204", "-") in ops
    assert ("REST.GET.OBJECT", "private", "403", "AccessDenied") in ops
    anon_rec = [r for r in recs if r["Key"] == "private"][0]
    assert anon_rec["Requester"] == "-" and anon_rec["SignatureVersion"] == "-"
    assert anon_rec["AuthenticationType"] == "-"
    # the target bucket's own requests are not logged into it recursively
    assert all(r["Bucket"] == src for r in recs)


def test_derived_records_batch_delete_and_copy_source(s3, server):
    """AWS's derived records: BATCH.DELETE.OBJECT for each key DeleteObjects removes, and the
    copy source's read (REST.COPY.OBJECT_GET) in the source bucket's own log."""
    src, dst, other = new_bucket(s3, "src"), new_bucket(s3, "dst"), new_bucket(s3, "oth")
    enable(s3, server, src, dst)
    for k in ("d1", "d2"):
        s3.put_object(Bucket=src, Key=k, Body=b"12345")
    s3.delete_objects(Bucket=src, Delete={"Objects": [{"Key": "d1"}, {"Key": "d2"}]})
    s3.put_object(Bucket=src, Key="c", Body=b"copy me")
    s3.copy_object(Bucket=other, Key="copied", CopySource={"Bucket": src, "Key": "c"})
    recs = records(s3, server, src, dst)
    ops = [(r["Operation"], r["Key"]) for r in recs]
    assert ("REST.POST.MULTI_OBJECT_DELETE", "-") in ops
    assert ("BATCH.DELETE.OBJECT", "d1") in ops and ("BATCH.DELETE.OBJECT", "d2") in ops
    get = [r for r in recs if r["Operation"] == "REST.COPY.OBJECT_GET"]
    assert len(get) == 1 and get[0]["Key"] == "c" and get[0]["Bucket"] == src
    assert get[0]["RequestURI"] == "PUT /%s/copied HTTP/1.1" % other
    # the destination bucket has no logging: its REST.COPY.OBJECT record goes nowhere
    assert not any(r["Operation"] == "REST.COPY.OBJECT" for r in recs)


def test_record_fields(s3, server):
    src, dst = new_bucket(s3, "src"), new_bucket(s3, "dst")
    enable(s3, server, src, dst)
    s3.put_object(Bucket=src, Key="k", Body=b"x" * 1234)
    resp = s3.get_object(Bucket=src, Key="k", Range="bytes=0-99")
    resp["Body"].read()
    rid = resp["ResponseMetadata"]["RequestId"]
    host_id = resp["ResponseMetadata"]["HostId"]
    recs = records(s3, server, src, dst)
    r = [x for x in recs if x["RequestID"] == rid][0]
    canonical = [l.split("canonical-id ")[1].split()[0] for l in server.admin("list").splitlines()
                 if l.startswith("account " + server.root_account())][0]
    assert r["BucketOwner"] == canonical and r["Requester"] == canonical
    assert r["Bucket"] == src
    assert re.match(r"^\[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000\]$", r["Time"])
    assert r["RemoteIP"] == "127.0.0.1"
    assert r["Operation"] == "REST.GET.OBJECT" and r["Key"] == "k"
    assert r["RequestURI"] == "GET /%s/k HTTP/1.1" % src
    assert r["HTTPStatus"] == "206" and r["ErrorCode"] == "-"
    assert r["BytesSent"] == "100" and r["ObjectSize"] == "1234"
    assert int(r["TotalTime"]) >= 0 and int(r["TurnAroundTime"]) >= 0
    assert r["Referer"] == "-" and "Boto3" in r["UserAgent"]
    assert r["VersionId"] == "-" and r["HostId"] == host_id
    assert r["SignatureVersion"] == "SigV4" and r["AuthenticationType"] == "AuthHeader"
    assert r["CipherSuite"] == "-" and r["TLSVersion"] == "-"
    assert r["HostHeader"] == "127.0.0.1:%d" % server.port
    assert r["AccessPointArn"] == "-" and r["AclRequired"] == "-"
    put = [x for x in recs if x["Operation"] == "REST.PUT.OBJECT"][0]
    assert put["ObjectSize"] == "1234" and put["BytesSent"] == "-"
    # a presigned URL is QueryString
    url = s3.generate_presigned_url("get_object", Params={"Bucket": src, "Key": "k"})
    urllib.request.urlopen(url).read()
    recs = records(s3, server, src, dst)
    assert any(x["AuthenticationType"] == "QueryString" for x in recs)


def test_simple_key_format(s3, server):
    src, dst = new_bucket(s3, "src"), new_bucket(s3, "dst")
    enable(s3, server, src, dst, "simple/", "simple")
    s3.put_object(Bucket=src, Key="a", Body=b"1")
    key = flush(server, src)
    assert re.match(r"^simple/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-F]{16}$", key), key
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=dst)["Contents"]] == [key]
    head = s3.head_object(Bucket=dst, Key=key)
    assert head["ContentType"] == "text/plain"


def test_partitioned_key_format(s3, server):
    src, dst = new_bucket(s3, "src"), new_bucket(s3, "dst")
    enable(s3, server, src, dst, "part/", "delivery")
    s3.put_object(Bucket=src, Key="a", Body=b"1")
    key = flush(server, src)
    day = time.strftime("%Y/%m/%d", time.gmtime())
    pattern = r"^part/%s/%s/%s/\d{4}/\d{2}/\d{2}/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-F]{16}$" % (
        server.root_account(), server.region, src)
    assert re.match(pattern, key), key
    assert day in key or time.strftime("%Y/%m/%d", time.gmtime(time.time() - 60)) in key


def test_periodic_delivery(s3, server):
    """Without a flush, a batch is delivered once its first record is --logging-flush-seconds
    old."""
    src, dst = new_bucket(s3, "src"), new_bucket(s3, "dst")
    enable(s3, server, src, dst)
    s3.put_object(Bucket=src, Key="periodic", Body=b"1")
    deadline = time.time() + 15
    while time.time() < deadline and not s3.list_objects_v2(Bucket=dst).get("Contents"):
        time.sleep(0.3)
    lines = log_lines(s3, dst)
    assert any("REST.PUT.OBJECT periodic" in l for l in lines), lines


def test_policy_denial_means_no_delivery(s3, server):
    src, dst = new_bucket(s3, "src"), new_bucket(s3, "dst")
    # a policy for another source bucket only: the service may not write this one's logs
    s3.put_bucket_policy(Bucket=dst, Policy=logging_policy(dst, "some-other-bucket",
                                                           server.root_account()))
    enable(s3, server, src, dst, policy=False)
    s3.put_object(Bucket=src, Key="a", Body=b"1")
    assert flush(server, src) is None
    assert not s3.list_objects_v2(Bucket=dst).get("Contents")
    assert "not delivered to %s" % dst in server.read_log()
    # the wrong aws:SourceAccount is refused too
    s3.put_bucket_policy(Bucket=dst, Policy=logging_policy(dst, src, "999999999999"))
    s3.put_object(Bucket=src, Key="b", Body=b"1")
    assert flush(server, src) is None
    assert not s3.list_objects_v2(Bucket=dst).get("Contents")
    # the right policy delivers
    s3.put_bucket_policy(Bucket=dst, Policy=logging_policy(dst, src, server.root_account()))
    s3.put_object(Bucket=src, Key="c", Body=b"1")
    assert flush(server, src)


def test_legacy_acl_log_delivery_group():
    """A target whose ACLs are enabled may grant the log-delivery group WRITE instead."""
    srv = Server(args=["--legacy-bucket-defaults", "--logging-flush-seconds", "60"]).start()
    try:
        s3 = srv.client()
        src, dst = new_bucket(s3, "src"), new_bucket(s3, "dst")
        s3.put_bucket_logging(Bucket=src, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": dst, "TargetPrefix": "acl/"}})
        s3.put_object(Bucket=src, Key="a", Body=b"1")
        assert flush(srv, src) is None  # neither policy nor grant
        s3.put_bucket_acl(Bucket=dst, GrantWrite='uri="http://acs.amazonaws.com/groups/s3/LogDelivery"',
                          GrantFullControl="id=" + s3.get_bucket_acl(Bucket=dst)["Owner"]["ID"])
        s3.put_object(Bucket=src, Key="b", Body=b"1")
        assert flush(srv, src).startswith("acl/")
    finally:
        srv.stop()
        srv.cleanup()


def test_spool_survives_kill_9():
    srv = Server(args=["--logging-flush-seconds", "3600"]).start()
    try:
        s3 = srv.client()
        src, dst = new_bucket(s3, "src"), new_bucket(s3, "dst")
        enable(s3, srv, src, dst)
        for i in range(5):
            s3.put_object(Bucket=src, Key="crash-%d" % i, Body=b"1")
        time.sleep(1.5)  # acknowledged and past one group commit
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        srv.log.close()
        spooled = os.listdir(os.path.join(srv.data, "logging"))
        assert any(n.endswith(".spool") for n in spooled), spooled
        srv.start()  # the spool a dead process left is sealed and delivered at once
        s3 = srv.client()
        deadline = time.time() + 15
        while time.time() < deadline and not s3.list_objects_v2(Bucket=dst).get("Contents"):
            time.sleep(0.3)
        lines = log_lines(s3, dst)
        for i in range(5):
            assert any("REST.PUT.OBJECT crash-%d " % i in l for l in lines), lines
    finally:
        srv.stop()
        log = srv.read_log()
        srv.cleanup()
    assert "Sanitizer" not in log and "runtime error:" not in log, log


def test_tls_fields_over_https(tmp_path):
    """Over HTTPS the record names the negotiated protocol and cipher suite as AWS does
    (OpenSSL's names: TLSv1.3, TLS_AES_128_GCM_SHA256 / ECDHE-RSA-AES128-GCM-SHA256)."""
    import boto3
    from botocore.config import Config
    d = str(tmp_path)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    d + "/k.pem", "-out", d + "/c.pem", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    os.chmod(d + "/k.pem", 0o600)
    bin_ = os.environ.get("STOCKTAKE_BIN", "build/stocktake")
    env = dict(os.environ, STOCKTAKE_ROOT_ACCESS_KEY="STKTLSLOGKEY00000001",
               STOCKTAKE_ROOT_SECRET_KEY="tls-log-secret-0123456789abcdefghijklmn")
    p = subprocess.Popen([bin_, "serve", "--listen", "127.0.0.1:0", "--data", d + "/data",
                          "--tls-cert", d + "/c.pem", "--tls-key", d + "/k.pem",
                          "--logging-flush-seconds", "3600"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        port = int(re.search(r"https://127\.0\.0\.1:(\d+)", p.stdout.readline()).group(1))
        s3 = boto3.client("s3", endpoint_url="https://127.0.0.1:%d" % port,
                          region_name="us-east-1", verify=d + "/c.pem",
                          aws_access_key_id=env["STOCKTAKE_ROOT_ACCESS_KEY"],
                          aws_secret_access_key=env["STOCKTAKE_ROOT_SECRET_KEY"],
                          config=Config(s3={"addressing_style": "path"}))
        src, dst = new_bucket(s3, "src"), new_bucket(s3, "dst")
        sts_account = re.search(r"account:\s+(\d{12})", "".join(
            p.stdout.readline() for _ in range(4))).group(1)
        s3.put_bucket_policy(Bucket=dst, Policy=logging_policy(dst, src, sts_account, "logs/"))
        s3.put_bucket_logging(Bucket=src, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": dst, "TargetPrefix": "logs/"}})
        s3.put_object(Bucket=src, Key="tls", Body=b"1")
        time.sleep(0.3)
        # the flush extension, signed by botocore's signer, over HTTPS
        import botocore.awsrequest
        import botocore.auth
        from botocore.credentials import Credentials
        req = botocore.awsrequest.AWSRequest(
            method="POST", url="https://127.0.0.1:%d/%s?logging" % (port, src), data=b"")
        botocore.auth.S3SigV4Auth(Credentials(env["STOCKTAKE_ROOT_ACCESS_KEY"],
                                              env["STOCKTAKE_ROOT_SECRET_KEY"]),
                                  "s3", "us-east-1").add_auth(req)
        import ssl
        ctx = ssl.create_default_context(cafile=d + "/c.pem")
        r = urllib.request.Request(req.url, data=b"", method="POST", headers=dict(req.headers))
        with urllib.request.urlopen(r, context=ctx) as f:
            assert f.status == 200
        lines = log_lines(s3, dst)
        rec = [parse(l) for l in lines if " tls " in l][0]
        assert rec["TLSVersion"] in ("TLSv1.2", "TLSv1.3"), rec
        assert re.match(r"^(TLS_[A-Z0-9_]+|[A-Z0-9]+(-[A-Z0-9]+)+)$", rec["CipherSuite"]), rec
    finally:
        p.terminate()
        p.wait()
