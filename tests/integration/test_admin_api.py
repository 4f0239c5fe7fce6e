"""The admin API under /_stocktake/api/ (issue 17, docs/ADMIN-API.md): SigV4-signed with the
tests' own signer (sigv4.py) and with botocore's (header and presigned query), authorized by the
one authorization step (the bucket's owner, or a principal its policy allows), anonymous and
forged requests refused; run-now delivers a report in the server and status shows it with its
progress; a second run-now while one runs is 409 RunInProgress; cancel stops a run."""
import json
import os
import time
import urllib.parse

import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import sigv4
from conftest import Server, allow_inventory_delivery, put_policy, stop_checked

API = "/_stocktake/api/inventory/"
_n = [0]


def config(id_, dest):
    return {"Id": id_, "IsEnabled": True,
            "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::" + dest,
                                                    "Format": "CSV", "Prefix": "inv"}},
            "Schedule": {"Frequency": "Daily"}, "IncludedObjectVersions": "Current",
            "OptionalFields": ["Size"]}


def quiet_server(env_extra=None):
    # the scheduler would run a new configuration within its first tick: keep it out of the way
    srv = Server(args=["--inventory-tick-seconds", "3600"], env_extra=env_extra).start()
    return srv


@pytest.fixture(scope="module")
def srv():
    s = quiet_server()
    yield s
    stop_checked(s)


@pytest.fixture(scope="module")
def slow():
    """A server whose runs pause after their first row (a run that lasts)."""
    s = quiet_server({"STOCKTAKE_TEST_DELAY_AFTER_FIRST_ROW_MS": "4000"})
    yield s
    stop_checked(s)


def make_source(server, objects=25):
    s3 = server.client()
    _n[0] += 1
    src = "admin-src-%d-%d" % (os.getpid(), _n[0])
    s3.create_bucket(Bucket=src)
    allow_inventory_delivery(server, s3, src, src)
    for i in range(objects):
        s3.put_object(Bucket=src, Key="k/%03d" % i, Body=b"x" * i)
    s3.put_bucket_inventory_configuration(Bucket=src, Id="cfg",
                                          InventoryConfiguration=config("cfg", src))
    return src


def call(server, method, endpoint, access_key=None, secret=None, **params):
    query = sorted(params.items())
    status, headers, body = sigv4.signed_request(server, method, API + endpoint, query,
                                                 access_key=access_key, secret=secret)
    return status, headers, json.loads(body) if body else None


def wait_state(server, src, run_id, states=("succeeded", "failed", "cancelled"), timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        st, _, doc = call(server, "GET", "status", bucket=src, id="cfg")
        assert st == 200, doc
        for r in doc["runs"]:
            if r["runId"] == run_id and r["state"] in states:
                return r
        time.sleep(0.1)
    raise AssertionError("run %d never reached %s: %s" % (run_id, states, doc))


def test_run_now_delivers_and_status_shows_history(srv):
    src = make_source(srv)
    st, headers, doc = call(srv, "POST", "run", bucket=src, id="cfg")
    assert st == 202, doc
    assert headers["content-type"] == "application/json"
    assert doc["bucket"] == src and doc["id"] == "cfg" and doc["runId"] > 0
    assert doc["state"] in ("running", "succeeded")
    run = wait_state(srv, src, doc["runId"])
    assert run["state"] == "succeeded", run
    assert run["rows"] == 25 and run["files"] == 1 and run["bytes"] > 0
    assert run["manifestKey"].endswith("/manifest.json")
    assert run["destinationBucket"] == src and run["error"] is None
    assert run["finishedAt"] and run["startedAt"] <= run["finishedAt"]
    assert run["rowsTotal"] is None and run["etaSeconds"] is None  # not live
    assert run["rate"] > 0
    s3 = srv.client()
    s3.head_object(Bucket=src, Key=run["manifestKey"])
    manifest = json.loads(s3.get_object(Bucket=src, Key=run["manifestKey"])["Body"].read())
    assert manifest["sourceBucket"] == src
    # a second run in the same minute fails (one report per configuration per minute) and says
    # why; the history lists both, newest first; limit bounds it
    st, _, doc2 = call(srv, "POST", "run", bucket=src, id="cfg")
    assert st == 202, doc2
    second = wait_state(srv, src, doc2["runId"])
    if second["state"] == "failed":
        assert "per minute" in second["error"] and second["manifestKey"] is None, second
    st, _, hist = call(srv, "GET", "status", bucket=src)
    assert st == 200
    ids = [r["runId"] for r in hist["runs"]]
    assert ids[:2] == [doc2["runId"], doc["runId"]]
    st, _, one = call(srv, "GET", "status", bucket=src, id="cfg", limit="1")
    assert st == 200 and [r["runId"] for r in one["runs"]] == [doc2["runId"]]
    # the local CLI sees the same history
    from conftest import BIN
    import subprocess
    out = subprocess.run([BIN, "inventory", "status", "--data", srv.data, "--bucket", src],
                         capture_output=True, text=True, check=True).stdout
    assert out.count("succeeded") + out.count("failed") >= 2


def test_botocore_signer_header_and_presigned(srv):
    src = make_source(srv, objects=3)
    creds = Credentials(srv.access_key, srv.secret_key)
    url = srv.endpoint + API + "status?" + urllib.parse.urlencode({"bucket": src, "id": "cfg"})
    req = AWSRequest(method="GET", url=url)
    S3SigV4Auth(creds, "s3", srv.region).add_auth(req)
    p = urllib.parse.urlparse(req.url)
    st, _, body = sigv4.request(srv.endpoint, "GET", p.path, urllib.parse.parse_qsl(p.query),
                                dict(req.headers.items()))
    assert st == 200, body
    assert json.loads(body)["runs"] == []
    req = AWSRequest(method="POST", url=srv.endpoint + API + "run?" +
                     urllib.parse.urlencode({"bucket": src, "id": "cfg"}))
    S3SigV4QueryAuth(creds, "s3", srv.region, expires=300).add_auth(req)
    p = urllib.parse.urlparse(req.url)
    st, _, body = sigv4.request(srv.endpoint, "POST", p.path, urllib.parse.parse_qsl(p.query))
    assert st == 202, body
    wait_state(srv, src, json.loads(body)["runId"])


def test_anonymous_and_forged_are_refused(srv):
    src = make_source(srv, objects=1)
    st, _, body = sigv4.request(srv.endpoint, "GET", API + "status", [("bucket", src)])
    assert st == 403 and json.loads(body)["error"] == "AccessDenied"
    st, _, body = sigv4.request(srv.endpoint, "POST", API + "run", [("bucket", src), ("id", "cfg")])
    assert st == 403 and json.loads(body)["error"] == "AccessDenied"
    # wrong secret
    st, _, doc = call(srv, "POST", "run", secret="not-the-secret", bucket=src, id="cfg")
    assert st == 403 and doc["error"] == "SignatureDoesNotMatch"
    # signed for one configuration, sent for another
    headers = {"host": "127.0.0.1:%d" % srv.port}
    signed, *_ = sigv4.sign("POST", API + "run", [("bucket", src), ("id", "cfg")], headers,
                            sigv4.EMPTY_SHA256, srv.access_key, srv.secret_key, srv.region)
    st, _, body = sigv4.request(srv.endpoint, "POST", API + "run",
                                [("bucket", src), ("id", "other")], signed)
    assert st == 403 and json.loads(body)["error"] == "SignatureDoesNotMatch"
    # an unknown access key
    st, _, doc = call(srv, "GET", "status", access_key="AKIANOSUCHKEY0000000", bucket=src)
    assert st == 403 and doc["error"] == "InvalidAccessKeyId"
    # nothing ran
    st, _, doc = call(srv, "GET", "status", bucket=src)
    assert st == 200 and doc["runs"] == []


def test_other_account_needs_the_bucket_policy(srv):
    src = make_source(srv, objects=2)
    account, key, secret = srv.add_account("admin-other-%d" % os.getpid())
    st, _, doc = call(srv, "GET", "status", access_key=key, secret=secret, bucket=src)
    assert st == 403 and doc["error"] == "AccessDenied"
    st, _, doc = call(srv, "POST", "run", access_key=key, secret=secret, bucket=src, id="cfg")
    assert st == 403 and doc["error"] == "AccessDenied"
    s3 = srv.client()
    s3.delete_bucket_policy(Bucket=src)
    put_policy(s3, src, {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % account},
                         "Action": "s3:GetInventoryConfiguration",
                         "Resource": "arn:aws:s3:::" + src})
    st, _, doc = call(srv, "GET", "status", access_key=key, secret=secret, bucket=src)
    assert st == 200 and doc["runs"] == []
    st, _, doc = call(srv, "POST", "run", access_key=key, secret=secret, bucket=src, id="cfg")
    assert st == 403 and doc["error"] == "AccessDenied"
    # an explicit Deny beats the owner too
    put_policy(s3, src, {"Effect": "Deny", "Principal": "*",
                         "Action": "s3:PutInventoryConfiguration",
                         "Resource": "arn:aws:s3:::" + src})
    st, _, doc = call(srv, "POST", "run", bucket=src, id="cfg")
    assert st == 403 and doc["error"] == "AccessDenied"
    s3.delete_bucket_policy(Bucket=src)


def test_bad_params(srv):
    src = make_source(srv, objects=1)
    st, _, doc = call(srv, "POST", "run", id="cfg")
    assert st == 400 and doc["error"] == "InvalidArgument"
    st, _, doc = call(srv, "POST", "run", bucket=src)
    assert st == 400 and doc["error"] == "InvalidArgument"
    st, _, doc = call(srv, "GET", "status", bucket=src, limit="0")
    assert st == 400 and doc["error"] == "InvalidArgument"
    st, _, doc = call(srv, "GET", "status", bucket=src, limit="abc")
    assert st == 400 and doc["error"] == "InvalidArgument"
    st, _, doc = call(srv, "POST", "run", bucket=src, id="no-such-config")
    assert st == 404 and doc["error"] == "NoSuchConfiguration"
    st, _, doc = call(srv, "POST", "run", bucket="no-such-bucket-%d" % os.getpid(), id="cfg")
    assert st == 404 and doc["error"] == "NoSuchBucket"
    st, _, doc = call(srv, "GET", "run", bucket=src, id="cfg")
    assert st == 405 and doc["error"] == "MethodNotAllowed"
    st, _, doc = call(srv, "GET", "nothing-here", bucket=src)
    assert st == 404 and doc["error"] == "NoSuchEndpoint"
    st, _, doc = call(srv, "POST", "cancel", bucket=src, id="cfg")
    assert st == 409 and doc["error"] == "NoRunInProgress"
    # a body is refused, signed or not
    status, _, body = sigv4.signed_request(srv, "POST", API + "run", [("bucket", src), ("id", "cfg")],
                                           body=b"{}")
    assert status == 400 and json.loads(body)["error"] == "InvalidRequest"


def test_run_in_progress_progress_and_cancel(slow):
    src = make_source(slow, objects=40)
    st, _, doc = call(slow, "POST", "run", bucket=src, id="cfg")
    assert st == 202 and doc["state"] == "running", doc
    run_id = doc["runId"]
    st, _, busy = call(slow, "POST", "run", bucket=src, id="cfg")
    assert st == 409 and busy["error"] == "RunInProgress", busy
    # live progress: the first row is recorded, the total estimated
    deadline = time.time() + 20
    live = None
    while time.time() < deadline:
        st, _, cur = call(slow, "GET", "status", bucket=src, id="cfg")
        live = cur["runs"][0]
        if live["rows"] >= 1:
            break
        time.sleep(0.1)
    assert live["runId"] == run_id and live["state"] == "running", live
    assert live["rowsTotal"] == 40 and live["finishedAt"] is None
    assert live["etaSeconds"] is not None and live["etaSeconds"] >= 0
    st, _, c = call(slow, "POST", "cancel", bucket=src, id="cfg")
    assert st == 200 and c["runId"] == run_id and c["state"] == "cancelling", c
    done = wait_state(slow, src, run_id, timeout=30)
    assert done["state"] == "cancelled", done
    # and it may run again
    st, _, doc = call(slow, "POST", "run", bucket=src, id="cfg")
    assert st == 202, doc
    assert wait_state(slow, src, doc["runId"])["state"] == "succeeded"
