"""Event notifications (issue 13): Put/GetBucketNotificationConfiguration as AWS answers them
(boto3 and the aws CLI), targets registered with `stocktake admin notify`, AWS's event JSON
delivered to a webhook (a python http.server on a free loopback port) checked field by field,
prefix/suffix filters, retries with backoff while the receiver fails, kill -9 with events
pending (delivered after the restart, in sequencer order per key), and the inventory
completion event of the seed (prefix destination-prefix/source-bucket, suffix checksum):
exactly one per report, naming a manifest that verifies."""
import hashlib
import http.server
import json
import os
import signal
import subprocess
import threading
import time
import urllib.parse

import pytest
from botocore.exceptions import ClientError

from conftest import BIN, REGION, Server, allow_inventory_delivery, error_code, serve_checked
from test_inventory_reports import config as inventory_config, fetch_report, run_inventory

TOPIC = "arn:aws:sns:us-east-1:123456789012:events"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:events"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:events"


class Receiver:
    """A webhook: records every POST (path, headers, JSON body); answers the statuses in
    self.statuses first (one per request), then self.default."""

    def __init__(self):
        self.events = []
        self.statuses = []
        self.default = 200
        self.cond = threading.Condition()
        rec = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with rec.cond:
                    status = rec.statuses.pop(0) if rec.statuses else rec.default
                    if status == 200:
                        rec.events.append({"path": self.path, "headers": dict(self.headers),
                                           "body": json.loads(body)})
                        rec.cond.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path="/hook"):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def wait(self, pred, timeout=20):
        """The recorded events once pred(events) holds."""
        deadline = time.time() + timeout
        with self.cond:
            while not pred(self.events):
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError("no such events; got %s" % json.dumps(self.events)[-4000:])
                self.cond.wait(left)
            return list(self.events)

    def records(self, path):
        return [r for e in self.events if e["path"] == path for r in e["body"].get("Records", [])]

    def wait_records(self, path, n, timeout=20):
        self.wait(lambda ev: len(self.records(path)) >= n, timeout)
        return self.records(path)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture(scope="module")
def nserver():
    yield from serve_checked(["--notify-retry-ms", "50"])


@pytest.fixture(scope="module")
def ns3(nserver):
    return nserver.client()


_n = [0]


def new_bucket(s3, versioned=False):
    _n[0] += 1
    name = "notify-%d-%d" % (os.getpid() % 100000, _n[0])
    s3.create_bucket(Bucket=name)
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def register(server, arn, url, token=None):
    return server.admin("notify", "add", arn, "webhook", url,
                        *(["--auth-token", token] if token else []))


def queue_config(arn, events, prefix=None, suffix=None, id_=None):
    c = {"QueueArn": arn, "Events": events}
    if id_:
        c["Id"] = id_
    rules = []
    if prefix is not None:
        rules.append({"Name": "prefix", "Value": prefix})
    if suffix is not None:
        rules.append({"Name": "suffix", "Value": suffix})
    if rules:
        c["Filter"] = {"Key": {"FilterRules": rules}}
    return c


# ---- configuration API ----

def test_get_without_configuration_is_empty(ns3):
    b = new_bucket(ns3)
    r = ns3.get_bucket_notification_configuration(Bucket=b)
    assert not any(k in r for k in ("TopicConfigurations", "QueueConfigurations",
                                    "LambdaFunctionConfigurations"))


def test_put_get_round_trip(nserver, ns3, receiver):
    for arn in (TOPIC, QUEUE, LAMBDA):
        register(nserver, arn, receiver.url("/rt"))
    b = new_bucket(ns3)
    ns3.put_bucket_notification_configuration(Bucket=b, NotificationConfiguration={
        "TopicConfigurations": [{"Id": "t1", "TopicArn": TOPIC,
                                 "Events": ["s3:ObjectRemoved:*"]}],
        "QueueConfigurations": [queue_config(QUEUE, ["s3:ObjectCreated:Put",
                                                     "s3:ObjectCreated:Copy"],
                                             prefix="images/", suffix=".jpg")],
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": LAMBDA,
                                          "Events": ["s3:ObjectTagging:*"]}]})
    r = ns3.get_bucket_notification_configuration(Bucket=b)
    assert r["TopicConfigurations"] == [{"Id": "t1", "TopicArn": TOPIC,
                                         "Events": ["s3:ObjectRemoved:*"]}]
    q = r["QueueConfigurations"][0]
    assert q["QueueArn"] == QUEUE and q["Events"] == ["s3:ObjectCreated:Put",
                                                      "s3:ObjectCreated:Copy"]
    assert q["Id"]  # generated
    assert q["Filter"]["Key"]["FilterRules"] == [{"Name": "Prefix", "Value": "images/"},
                                                 {"Name": "Suffix", "Value": ".jpg"}]
    f = r["LambdaFunctionConfigurations"][0]
    assert f["LambdaFunctionArn"] == LAMBDA and f["Id"]
    # the generated ids are stable
    assert ns3.get_bucket_notification_configuration(Bucket=b) == r or \
        ns3.get_bucket_notification_configuration(Bucket=b)["QueueConfigurations"] == \
        r["QueueConfigurations"]
    # an empty configuration removes every entry
    ns3.put_bucket_notification_configuration(Bucket=b, NotificationConfiguration={})
    r = ns3.get_bucket_notification_configuration(Bucket=b)
    assert "QueueConfigurations" not in r and "TopicConfigurations" not in r


def invalid(ns3, bucket, conf, **kw):
    with pytest.raises(ClientError) as e:
        ns3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=conf,
                                                  **kw)
    return e.value.response


def test_unknown_event_is_invalid_argument(nserver, ns3, receiver):
    register(nserver, QUEUE, receiver.url("/rt"))
    b = new_bucket(ns3)
    r = invalid(ns3, b, {"QueueConfigurations": [queue_config(QUEUE, ["s3:ObjectCreated:Get"])]})
    assert r["Error"]["Code"] == "InvalidArgument"
    assert r["Error"]["Message"] == "The event is not supported for notifications"
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_unregistered_destination_is_invalid_argument(ns3):
    b = new_bucket(ns3)
    arn = "arn:aws:sqs:us-east-1:123456789012:nobody-registered-this"
    r = invalid(ns3, b, {"QueueConfigurations": [queue_config(arn, ["s3:ObjectCreated:*"])]})
    assert r["Error"]["Code"] == "InvalidArgument"
    assert r["Error"]["Message"] == "Unable to validate the following destination configurations"
    assert r["Error"]["ArgumentName1"] == arn
    # with x-amz-skip-destination-validation the ARN is not checked (as AWS)
    ns3.put_bucket_notification_configuration(
        Bucket=b, SkipDestinationValidation=True,
        NotificationConfiguration={"QueueConfigurations": [queue_config(
            arn, ["s3:ObjectCreated:*"])]})
    assert ns3.get_bucket_notification_configuration(Bucket=b)["QueueConfigurations"]


def test_overlapping_configurations_are_refused(nserver, ns3, receiver):
    register(nserver, QUEUE, receiver.url("/rt"))
    register(nserver, TOPIC, receiver.url("/rt"))
    b = new_bucket(ns3)
    overlapping = [
        # a wildcard and its member, no filters
        ([queue_config(QUEUE, ["s3:ObjectCreated:*"])],
         [{"TopicArn": TOPIC, "Events": ["s3:ObjectCreated:Put"]}]),
        # prefix images and suffix jpg can both match images/a.jpg (AWS's example)
        ([queue_config(QUEUE, ["s3:ObjectCreated:Put"], prefix="images")],
         [{"TopicArn": TOPIC, "Events": ["s3:ObjectCreated:Put"],
           "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": "jpg"}]}}}]),
        # one prefix starts the other
        ([queue_config(QUEUE, ["s3:ObjectRemoved:Delete"], prefix="a/")],
         [{"TopicArn": TOPIC, "Events": ["s3:ObjectRemoved:*"],
           "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "a/b"}]}}}]),
    ]
    for q, t in overlapping:
        r = invalid(ns3, b, {"QueueConfigurations": q, "TopicConfigurations": t})
        assert r["Error"]["Code"] == "InvalidArgument"
        assert r["Error"]["Message"].startswith("Configurations overlap. Configurations on the "
                                                "same bucket cannot share a common event type")
    # disjoint prefixes, or different event types, are fine
    ns3.put_bucket_notification_configuration(Bucket=b, NotificationConfiguration={
        "QueueConfigurations": [queue_config(QUEUE, ["s3:ObjectCreated:*"], prefix="images/"),
                                queue_config(QUEUE, ["s3:ObjectCreated:*"], prefix="logs/"),
                                queue_config(QUEUE, ["s3:ObjectRemoved:*"], prefix="images/")],
        "TopicConfigurations": [{"TopicArn": TOPIC, "Events": ["s3:ObjectCreated:Put"],
                                 "Filter": {"Key": {"FilterRules": [
                                     {"Name": "prefix", "Value": "images/"},
                                     {"Name": "suffix", "Value": ".png"}]}}}]
        if False else []})
    assert len(ns3.get_bucket_notification_configuration(Bucket=b)["QueueConfigurations"]) == 3


def test_bad_filter_rules(nserver, ns3, receiver):
    register(nserver, QUEUE, receiver.url("/rt"))
    b = new_bucket(ns3)
    c = queue_config(QUEUE, ["s3:ObjectCreated:*"])
    c["Filter"] = {"Key": {"FilterRules": [{"Name": "middle", "Value": "x"}]}}
    r = invalid(ns3, b, {"QueueConfigurations": [c]})
    assert r["Error"]["Code"] == "InvalidArgument"
    assert "prefix or suffix" in r["Error"]["Message"]
    c["Filter"] = {"Key": {"FilterRules": [{"Name": "prefix", "Value": "x"},
                                           {"Name": "Prefix", "Value": "y"}]}}
    r = invalid(ns3, b, {"QueueConfigurations": [c]})
    assert r["Error"]["Message"] == "Cannot specify more than one prefix rule in a filter."


def test_malformed_and_eventbridge(nserver, ns3):
    from sigv4 import signed_request
    b = new_bucket(ns3)
    q = [("notification", "")]
    status, _, body = signed_request(nserver, "PUT", "/" + b, query=q,
                                     body=b"<NotificationConfiguration><Bogus/>"
                                          b"</NotificationConfiguration>")
    assert status == 400 and b"MalformedXML" in body
    status, _, body = signed_request(
        nserver, "PUT", "/" + b, query=q,
        body=b"<NotificationConfiguration><EventBridgeConfiguration/>"
             b"</NotificationConfiguration>")
    assert status == 501 and b"NotImplemented" in body


def test_other_accounts_are_denied(nserver, ns3):
    b = new_bucket(ns3)
    _, key, secret = nserver.add_account("notify-other")
    other = nserver.client(key, secret)
    for call in (lambda: other.get_bucket_notification_configuration(Bucket=b),
                 lambda: other.put_bucket_notification_configuration(
                     Bucket=b, NotificationConfiguration={})):
        with pytest.raises(ClientError) as e:
            call()
        assert error_code(e.value) == "AccessDenied"


def test_admin_notify_list_never_shows_the_token(nserver, receiver):
    arn = "arn:aws:sns:us-east-1:123456789012:secret-topic"
    out = register(nserver, arn, receiver.url("/x"), token="s3cr3t-token-value-9876")
    listed = nserver.admin("notify", "list")
    assert arn in listed and "9876" in listed
    assert "s3cr3t-token-value" not in listed and "s3cr3t-token-value" not in out
    assert "removed" in nserver.admin("notify", "remove", arn)
    assert arn not in nserver.admin("notify", "list")
    p = subprocess.run([BIN, "admin", "--data", nserver.data, "notify", "remove", arn],
                       capture_output=True, text=True)
    assert p.returncode == 1
    p = subprocess.run([BIN, "admin", "--data", nserver.data, "notify", "add", "not-an-arn",
                        "webhook", "http://x"], capture_output=True, text=True)
    assert p.returncode == 1


# ---- delivery ----

def test_test_event_with_bearer_token(nserver, ns3, receiver):
    arn = "arn:aws:sqs:us-east-1:123456789012:with-token"
    register(nserver, arn, receiver.url("/token"), token="tok-abcdef-123456")
    b = new_bucket(ns3)
    ns3.put_bucket_notification_configuration(Bucket=b, NotificationConfiguration={
        "QueueConfigurations": [queue_config(arn, ["s3:ObjectCreated:*"])]})
    ev = receiver.wait(lambda ev: any(e["path"] == "/token" and
                                      e["body"].get("Bucket") == b for e in ev))
    e = next(e for e in ev if e["path"] == "/token" and e["body"].get("Bucket") == b)
    assert e["headers"]["Authorization"] == "Bearer tok-abcdef-123456"
    assert e["headers"]["Content-Type"] == "application/json"
    t = e["body"]
    assert set(t) == {"Service", "Event", "Time", "Bucket", "RequestId", "HostId"}
    assert t["Service"] == "Amazon S3" and t["Event"] == "s3:TestEvent"
    assert t["Time"].endswith("Z") and len(t["Time"]) == 24
    assert "tok-abcdef" not in nserver.read_log()


def configure(nserver, ns3, receiver, path, bucket, events, **filters):
    arn = "arn:aws:sqs:us-east-1:123456789012:q" + path.strip("/").replace("/", "-")
    register(nserver, arn, receiver.url(path))
    ns3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "QueueConfigurations": [queue_config(arn, events, id_="cfg-" + path.strip("/"),
                                             **filters)]})
    return arn


def test_put_object_event_field_by_field(nserver, ns3, receiver):
    b = new_bucket(ns3, versioned=True)
    configure(nserver, ns3, receiver, "/fields", b, ["s3:ObjectCreated:*"])
    put = ns3.put_object(Bucket=b, Key="dir/my photo+1.jpg", Body=b"hello world")
    rec = receiver.wait_records("/fields", 1)[0]
    assert set(rec) == {"eventVersion", "eventSource", "awsRegion", "eventTime", "eventName",
                        "userIdentity", "requestParameters", "responseElements", "s3"}
    assert rec["eventVersion"] == "2.1"
    assert rec["eventSource"] == "aws:s3"
    assert rec["awsRegion"] == REGION
    assert rec["eventName"] == "ObjectCreated:Put"
    assert rec["eventTime"].endswith("Z") and rec["eventTime"][10] == "T"
    assert rec["userIdentity"]["principalId"] == nserver.root_account()
    assert rec["requestParameters"]["sourceIPAddress"] == "127.0.0.1"
    meta = put["ResponseMetadata"]["HTTPHeaders"]
    assert rec["responseElements"] == {"x-amz-request-id": meta["x-amz-request-id"],
                                       "x-amz-id-2": meta["x-amz-id-2"]}
    s3 = rec["s3"]
    assert s3["s3SchemaVersion"] == "1.0"
    assert s3["configurationId"] == "cfg-fields"
    assert s3["bucket"] == {"name": b, "ownerIdentity": {"principalId": nserver.root_account()},
                            "arn": "arn:aws:s3:::" + b}
    o = s3["object"]
    assert set(o) == {"key", "size", "eTag", "versionId", "sequencer"}
    assert o["key"] == "dir/my+photo%2B1.jpg"
    assert urllib.parse.unquote_plus(o["key"]) == "dir/my photo+1.jpg"
    assert o["size"] == 11
    assert o["eTag"] == hashlib.md5(b"hello world").hexdigest()
    assert o["versionId"] == put["VersionId"]
    assert len(o["sequencer"]) == 16 and int(o["sequencer"], 16) > 0


def test_event_names_of_each_operation(nserver, ns3, receiver):
    b = new_bucket(ns3, versioned=True)
    # ACLs are stored (and their change notified) when the bucket owner does not enforce
    ns3.put_bucket_ownership_controls(Bucket=b, OwnershipControls={
        "Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    configure(nserver, ns3, receiver, "/names", b,
              ["s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectTagging:*",
               "s3:ObjectAcl:Put"])
    ns3.put_object(Bucket=b, Key="k", Body=b"1")
    ns3.copy_object(Bucket=b, Key="k2", CopySource={"Bucket": b, "Key": "k"})
    up = ns3.create_multipart_upload(Bucket=b, Key="mp")
    part = ns3.upload_part(Bucket=b, Key="mp", UploadId=up["UploadId"], PartNumber=1, Body=b"p")
    ns3.complete_multipart_upload(Bucket=b, Key="mp", UploadId=up["UploadId"],
                                  MultipartUpload={"Parts": [{"ETag": part["ETag"],
                                                              "PartNumber": 1}]})
    ns3.put_object_tagging(Bucket=b, Key="k", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    ns3.delete_object_tagging(Bucket=b, Key="k")
    ns3.put_object_acl(Bucket=b, Key="k", ACL="private")
    marker = ns3.delete_object(Bucket=b, Key="k")
    ns3.delete_object(Bucket=b, Key="k", VersionId=marker["VersionId"])
    recs = receiver.wait_records("/names", 8)
    names = [(r["eventName"], urllib.parse.unquote_plus(r["s3"]["object"]["key"]),
              r["eventVersion"]) for r in recs]
    assert names == [("ObjectCreated:Put", "k", "2.1"), ("ObjectCreated:Copy", "k2", "2.1"),
                     ("ObjectCreated:CompleteMultipartUpload", "mp", "2.1"),
                     ("ObjectTagging:Put", "k", "2.3"), ("ObjectTagging:Delete", "k", "2.3"),
                     ("ObjectAcl:Put", "k", "2.3"),
                     ("ObjectRemoved:DeleteMarkerCreated", "k", "2.1"),
                     ("ObjectRemoved:Delete", "k", "2.1")]
    dm = recs[6]["s3"]["object"]
    assert dm["versionId"] == marker["VersionId"] and "size" not in dm and "eTag" not in dm
    # sequencers of one key increase
    seqs = [r["s3"]["object"]["sequencer"] for r in recs if r["s3"]["object"]["key"] == "k"]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    # DeleteObjects too
    ns3.put_object(Bucket=b, Key="batch", Body=b"x")
    ns3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "batch"}]})
    recs = receiver.wait_records("/names", 10)
    assert [r["eventName"] for r in recs[-2:]] == ["ObjectCreated:Put",
                                                    "ObjectRemoved:DeleteMarkerCreated"]


def test_prefix_and_suffix_filters(nserver, ns3, receiver):
    b = new_bucket(ns3)
    configure(nserver, ns3, receiver, "/filter", b, ["s3:ObjectCreated:Put"],
              prefix="images/", suffix=".jpg")
    for key in ("images/a.jpg", "images/a.png", "docs/a.jpg", "images.jpg", "images/b/c.jpg"):
        ns3.put_object(Bucket=b, Key=key, Body=b"x")
    ns3.copy_object(Bucket=b, Key="images/copy.jpg", CopySource={"Bucket": b, "Key": "docs/a.jpg"})
    # a marker event after the filtered ones tells that nothing else is coming
    ns3.put_object(Bucket=b, Key="images/zz-last.jpg", Body=b"x")
    recs = receiver.wait_records("/filter", 3)
    time.sleep(0.3)
    keys = [r["s3"]["object"]["key"] for r in receiver.records("/filter")]
    assert keys == ["images/a.jpg", "images/b/c.jpg", "images/zz-last.jpg"]


def test_unversioned_object_has_no_version_id(nserver, ns3, receiver):
    b = new_bucket(ns3)
    configure(nserver, ns3, receiver, "/unversioned", b, ["s3:ObjectRemoved:Delete",
                                                         "s3:ObjectCreated:Post"])
    ns3.put_object(Bucket=b, Key="gone", Body=b"x")
    ns3.delete_object(Bucket=b, Key="gone")
    rec = receiver.wait_records("/unversioned", 1)[0]
    assert rec["eventName"] == "ObjectRemoved:Delete"
    assert set(rec["s3"]["object"]) == {"key", "sequencer"}


def test_retries_until_the_receiver_accepts(nserver, ns3, receiver):
    b = new_bucket(ns3)
    configure(nserver, ns3, receiver, "/retry", b, ["s3:ObjectCreated:*"])
    receiver.wait(lambda ev: any(e["path"] == "/retry" and "Event" in e["body"] for e in ev))
    with receiver.cond:
        receiver.statuses = [500, 503, 500]
    t0 = time.time()
    ns3.put_object(Bucket=b, Key="a", Body=b"1")
    ns3.put_object(Bucket=b, Key="a", Body=b"22")
    ns3.put_object(Bucket=b, Key="a", Body=b"333")
    recs = receiver.wait_records("/retry", 3)
    # 50, 100, 200 ms of backoff at least; order per key kept through the retries
    assert time.time() - t0 >= 0.3
    assert [r["s3"]["object"]["size"] for r in recs] == [1, 2, 3]
    assert receiver.statuses == []


def test_kill_9_with_events_pending(receiver, tmp_path):
    srv = Server(args=["--notify-retry-ms", "50"]).start()
    try:
        s3 = srv.client()
        b = new_bucket(s3)
        path = "/kill"
        arn = "arn:aws:sqs:us-east-1:123456789012:kill"
        register(srv, arn, receiver.url(path))
        with receiver.cond:
            receiver.default = 503  # down: nothing is delivered
        s3.put_bucket_notification_configuration(Bucket=b, NotificationConfiguration={
            "QueueConfigurations": [queue_config(arn, ["s3:ObjectCreated:*"])]})
        for i in range(20):
            s3.put_object(Bucket=b, Key="k%d" % (i % 3), Body=b"x" * i)
        time.sleep(0.3)
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        with receiver.cond:
            receiver.default = 200
        srv.start()
        recs = receiver.wait_records(path, 20)
        sizes = {}
        for r in recs:
            o = r["s3"]["object"]
            sizes.setdefault(o["key"], []).append((o["sequencer"], o["size"]))
        for key, seen in sizes.items():
            assert seen == sorted(seen), "per-key order kept"
        assert sorted(s for v in sizes.values() for _, s in v) == list(range(20))
        assert any(e["path"] == path and e["body"].get("Event") == "s3:TestEvent"
                   for e in receiver.events)
    finally:
        with receiver.cond:
            receiver.default = 200
        srv.stop()
        log = srv.read_log()
        srv.cleanup()
        assert "Sanitizer" not in log and "runtime error:" not in log, log


def test_inventory_completion_event(nserver, ns3, receiver, tmp_path):
    src = new_bucket(ns3)
    dest = new_bucket(ns3)
    for i in range(4):
        ns3.put_object(Bucket=src, Key="obj-%d" % i, Body=b"y" * (i + 1))
    allow_inventory_delivery(nserver, ns3, dest)
    arn = "arn:aws:sqs:us-east-1:123456789012:inventory-complete"
    register(nserver, arn, receiver.url("/inventory"))
    # the seed's example: prefix destination-prefix/source-bucket, suffix checksum
    ns3.put_bucket_notification_configuration(Bucket=dest, NotificationConfiguration={
        "QueueConfigurations": [queue_config(arn, ["s3:ObjectCreated:*"],
                                             prefix="destination-prefix/" + src,
                                             suffix="checksum")]})
    ns3.put_bucket_inventory_configuration(
        Bucket=src, Id="daily", InventoryConfiguration=inventory_config(
            "daily", dest, prefix="destination-prefix"))
    run_inventory(nserver, src, "daily")
    recs = receiver.wait_records("/inventory", 1)
    time.sleep(0.5)
    recs = receiver.records("/inventory")
    assert len(recs) == 1, "exactly one event per completed report"
    rec = recs[0]
    assert rec["eventName"] == "ObjectCreated:Put"
    assert rec["userIdentity"]["principalId"] == "s3.amazonaws.com"
    key = urllib.parse.unquote_plus(rec["s3"]["object"]["key"])
    assert key.startswith("destination-prefix/%s/daily/" % src)
    assert key.endswith("/manifest.checksum")
    assert rec["s3"]["object"]["size"] == 33
    manifest_key = key[: -len("manifest.checksum")] + "manifest.json"
    manifest, files = fetch_report(ns3, dest, manifest_key, tmp_path)
    assert manifest["sourceBucket"] == src and len(files) == 1
    import gzip
    rows = gzip.decompress(open(files[0], "rb").read()).decode().splitlines()
    assert sorted(r.split(",")[1].strip('"') for r in rows) == ["obj-%d" % i for i in range(4)]


def test_aws_cli_put_bucket_notification_configuration(nserver, ns3, receiver, tmp_path):
    b = new_bucket(ns3)
    arn = "arn:aws:sns:us-east-1:123456789012:cli"
    register(nserver, arn, receiver.url("/cli"))
    env = dict(os.environ, AWS_ACCESS_KEY_ID=nserver.access_key,
               AWS_SECRET_ACCESS_KEY=nserver.secret_key, AWS_DEFAULT_REGION=REGION,
               AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))
    conf = {"TopicConfigurations": [{"Id": "cli", "TopicArn": arn,
                                     "Events": ["s3:ObjectCreated:Put"],
                                     "Filter": {"Key": {"FilterRules": [
                                         {"Name": "suffix", "Value": ".txt"}]}}}]}
    base = ["/usr/bin/aws", "--endpoint-url", nserver.endpoint, "s3api"]
    p = subprocess.run(base + ["put-bucket-notification-configuration", "--bucket", b,
                               "--notification-configuration", json.dumps(conf)],
                       env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    p = subprocess.run(base + ["get-bucket-notification-configuration", "--bucket", b],
                       env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    got = json.loads(p.stdout)
    assert got["TopicConfigurations"][0]["TopicArn"] == arn
    assert got["TopicConfigurations"][0]["Filter"]["Key"]["FilterRules"] == [
        {"Name": "Suffix", "Value": ".txt"}]
    ns3.put_object(Bucket=b, Key="note.txt", Body=b"n")
    rec = receiver.wait_records("/cli", 1)[0]
    assert rec["s3"]["configurationId"] == "cli"


def test_post_object_event(nserver, ns3, receiver):
    from test_post_upload import post
    b = new_bucket(ns3)
    configure(nserver, ns3, receiver, "/post", b, ["s3:ObjectCreated:Post"])
    p = ns3.generate_presigned_post(b, "up/${filename}")
    status, _, _ = post(p["url"], p["fields"], b"browser bytes", filename="a b.txt")
    assert status == 204
    ns3.put_object(Bucket=b, Key="up/not-a-post", Body=b"x")  # a Put: not configured
    rec = receiver.wait_records("/post", 1)[0]
    assert rec["eventName"] == "ObjectCreated:Post"
    assert rec["s3"]["object"]["key"] == "up/a+b.txt" and rec["s3"]["object"]["size"] == 13
    time.sleep(0.3)
    assert len(receiver.records("/post")) == 1


@pytest.fixture(scope="module")
def lcserver():
    yield from serve_checked(["--notify-retry-ms", "50", "--lifecycle-day-seconds", "1",
                               "--restore-days", "1"])


def test_lifecycle_expiration_and_restore_events(lcserver, receiver):
    s3 = lcserver.client()
    plain, versioned = new_bucket(s3), new_bucket(s3, versioned=True)
    for b, path in ((plain, "/lc-plain"), (versioned, "/lc-versioned")):
        configure(lcserver, s3, receiver, path, b,
                  ["s3:LifecycleExpiration:*", "s3:ObjectRestore:*"])
        s3.put_object(Bucket=b, Key="logs/a", Body=b"x")
        s3.put_object(Bucket=b, Key="cold", Body=b"frozen", StorageClass="GLACIER")
        s3.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={"Rules": [{
            "ID": "exp", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
            "Expiration": {"Days": 1}}]})
    s3.restore_object(Bucket=plain, Key="cold", RestoreRequest={
        "Days": 1, "GlacierJobParameters": {"Tier": "Standard"}})
    want = {"ObjectRestore:Post", "LifecycleExpiration:Delete"}
    receiver.wait(lambda ev: want <= {r["eventName"] for r in receiver.records("/lc-plain")},
                  timeout=30)
    byname = {r["eventName"]: r for r in receiver.records("/lc-plain")}
    assert want <= set(byname) <= want | {"ObjectRestore:Completed", "ObjectRestore:Delete"}
    assert byname["LifecycleExpiration:Delete"]["userIdentity"]["principalId"] == \
        "s3.amazonaws.com"
    assert byname["LifecycleExpiration:Delete"]["s3"]["object"]["key"] == "logs/a"
    assert byname["ObjectRestore:Post"]["s3"]["object"]["key"] == "cold"
    rec = receiver.wait_records("/lc-versioned", 1, timeout=30)[0]
    assert rec["eventName"] == "LifecycleExpiration:DeleteMarkerCreated"
    assert rec["s3"]["object"]["versionId"]


# ---- an MQTT broker target (mosquitto, started here) ----

def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    """mosquitto on a free loopback port, with a password file (user stocktake)."""
    d = tmp_path_factory.mktemp("mqtt")
    passwd = d / "passwd"
    subprocess.run(["mosquitto_passwd", "-c", "-b", str(passwd), "stocktake", "broker-pass-1234"],
                   check=True, capture_output=True)
    port = free_port()
    conf = d / "mosquitto.conf"
    # started as root, mosquitto would become user mosquitto, who cannot read pytest's tmp dir
    conf.write_text("listener %d 127.0.0.1\nallow_anonymous false\npassword_file %s\n"
                    "persistence false\n%s" % (port, passwd,
                                                "user root\n" if os.getuid() == 0 else ""))
    proc = subprocess.Popen(["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = time.time() + 10
    import socket
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield port
    proc.terminate()
    proc.wait(timeout=10)


class Subscriber:
    """mosquitto_sub on a topic, collecting each message (one JSON document per line)."""

    def __init__(self, port, topic):
        self.proc = subprocess.Popen(
            ["stdbuf", "-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-u", "stocktake", "-P",
             "broker-pass-1234", "-q", "1", "-t", topic, "-d"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.messages = []
        self.subscribed = threading.Event()
        self.cond = threading.Condition()
        threading.Thread(target=self.read, daemon=True).start()
        assert self.subscribed.wait(10), "mosquitto_sub did not subscribe"

    def read(self):
        for line in self.proc.stdout:
            if line.startswith("Client ") and "SUBACK" in line:
                self.subscribed.set()
            elif line.startswith("{"):
                with self.cond:
                    self.messages.append(json.loads(line))
                    self.cond.notify_all()

    def wait(self, n, timeout=20):
        deadline = time.time() + timeout
        with self.cond:
            while len(self.messages) < n:
                left = deadline - time.time()
                assert left > 0, "only %d messages: %s" % (len(self.messages), self.messages)
                self.cond.wait(left)
            return list(self.messages)

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def test_mqtt_target(nserver, ns3, broker):
    topic = "stocktake/events/%d" % os.getpid()
    sub = Subscriber(broker, topic)
    try:
        arn = "arn:aws:sns:us-east-1:123456789012:mqtt"
        url = "mqtt://stocktake@127.0.0.1:%d/%s" % (broker, topic)
        # first with the wrong password: the broker refuses, the events wait
        nserver.admin("notify", "add", arn, "mqtt", url, "--auth-token", "wrong-password")
        b = new_bucket(ns3)
        ns3.put_bucket_notification_configuration(Bucket=b, NotificationConfiguration={
            "TopicConfigurations": [{"Id": "mq", "TopicArn": arn,
                                     "Events": ["s3:ObjectCreated:*"]}]})
        put = ns3.put_object(Bucket=b, Key="via mqtt", Body=b"broker")
        time.sleep(1)
        assert sub.messages == []
        assert "refused" in nserver.read_log()
        assert "wrong-password" not in nserver.read_log()
        # the right one: everything waiting arrives, in order
        nserver.admin("notify", "add", arn, "mqtt", url, "--auth-token", "broker-pass-1234")
        msgs = sub.wait(2)
        assert msgs[0]["Event"] == "s3:TestEvent" and msgs[0]["Bucket"] == b
        rec = msgs[1]["Records"][0]
        assert rec["eventName"] == "ObjectCreated:Put"
        assert rec["s3"]["configurationId"] == "mq"
        assert rec["s3"]["object"]["key"] == "via+mqtt"
        assert rec["s3"]["object"]["eTag"] == put["ETag"].strip('"')
        assert "broker-pass" not in nserver.admin("notify", "list")
    finally:
        sub.close()
    p = subprocess.run([BIN, "admin", "--data", nserver.data, "notify", "add", arn, "mqtt",
                        "mqtt://127.0.0.1:1/a/#"], capture_output=True, text=True)
    assert p.returncode == 1
