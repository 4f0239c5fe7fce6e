"""Fixtures for the integration tests: a real stocktake binary on a free loopback port with a
temporary data directory, stopped by the fixture that started it, and clients pointed at it.

STOCKTAKE_BIN selects the binary (scripts/test.sh passes the ASan+UBSan build).
STOCKTAKE_TEST_CEPH_CONF (and _KEYRING, _POOL; scripts/test-rados.sh sets them) runs every
server and `inventory run` with its blobs in that Ceph cluster (rados_bin.sh)."""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("STOCKTAKE_BIN", os.path.join(ROOT, "build", "stocktake"))
if os.environ.get("STOCKTAKE_TEST_CEPH_CONF"):
    os.environ["STOCKTAKE_REAL_BIN"] = BIN
    BIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rados_bin.sh")
REGION = "us-east-1"
# a test that looks at blob files under the data directory has nothing to look at on RADOS
fs_blobs_only = pytest.mark.skipif(bool(os.environ.get("STOCKTAKE_TEST_CEPH_CONF")),
                                   reason="inspects blob files on the file system "
                                          "(the blobs are in RADOS in this run)")
ACCESS_KEY = "STKTESTROOTKEY0000001"
SECRET_KEY = "test-root-secret-key-0123456789abcdefghij"


class Server:
    """One running stocktake serve process."""

    def __init__(self, data_dir=None, env_extra=None, region=REGION, args=()):
        self.tmp = tempfile.mkdtemp(prefix="stocktake-test-")
        self.data = data_dir or os.path.join(self.tmp, "data")
        self.region = region
        self.access_key = ACCESS_KEY
        self.secret_key = SECRET_KEY
        self.env_extra = env_extra or {}
        self.args = list(args)
        self.proc = None
        self.port = None
        self.log_path = os.path.join(self.tmp, "server.log")

    def start(self):
        env = dict(os.environ)
        env.update(STOCKTAKE_ROOT_ACCESS_KEY=self.access_key,
                   STOCKTAKE_ROOT_SECRET_KEY=self.secret_key)
        env.update(self.env_extra)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--listen", "127.0.0.1:0", "--data", self.data,
             "--region", self.region, *self.args],
            stdout=subprocess.PIPE, stderr=self.log, env=env, stdin=subprocess.DEVNULL)
        line = self.proc.stdout.readline().decode()
        m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if not m:
            self.stop()
            raise RuntimeError("server did not start: %r\n%s" % (line, self.read_log()))
        self.port = int(m.group(1))
        # drain the rest of the banner (and anything later) so the pipe never fills
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.endpoint + "/_stocktake/health") as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server never became healthy")

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode if self.proc else 0
        if getattr(self, "log", None):
            self.log.close()
        return code

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def admin(self, *args):
        out = subprocess.run([BIN, "admin", "--data", self.data, *args], check=True,
                             capture_output=True, text=True)
        return out.stdout

    def add_account(self, name, email=None):
        """A new account (with an e-mail address, when given); returns (account_id, access_key,
        secret)."""
        out = self.admin("account", "add", name, *(["--email", email] if email else []))
        account = re.search(r"account (\d{12})", out).group(1)
        key, secret = re.search(r"key (\S+)  secret (\S+)", out).groups()
        return account, key, secret

    def root_account(self):
        """The 12-digit id of the account the root keys (self.access_key) belong to."""
        account = None
        for line in self.admin("list").splitlines():
            m = re.match(r"account (\d{12})", line)
            if m:
                account = m.group(1)
            elif line.split()[:2] == ["key", self.access_key]:
                return account
        raise AssertionError("no account holds the root key")

    def anonymous_client(self):
        """An unsigned boto3 client: the anonymous principal."""
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=self.region,
                            config=Config(signature_version=UNSIGNED,
                                          s3={"addressing_style": "path"},
                                          retries={"max_attempts": 1}))

    def client(self, access_key=None, secret_key=None, **config):
        cfg = Config(s3={"addressing_style": config.pop("addressing_style", "path")},
                     signature_version="s3v4", retries={"max_attempts": 1}, **config)
        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name=self.region,
            aws_access_key_id=access_key or self.access_key,
            aws_secret_access_key=secret_key or self.secret_key, config=cfg)


@pytest.fixture(scope="module")
def server():
    yield from serve_checked()


@pytest.fixture(scope="module")
def legacy():
    """A server giving new buckets the pre-2023 defaults (ObjectWriter, no Block Public
    Access): public ACLs and policies may be set, as s3-tests and older tools assume."""
    yield from serve_checked(["--legacy-bucket-defaults"])


def serve_checked(args=()):
    """A started server for a fixture to yield; stopped afterwards, and its log must show no
    sanitizer report and a clean exit."""
    srv = Server(args=list(args)).start()
    yield srv
    code = srv.stop()
    log = srv.read_log()
    srv.cleanup()
    assert "Sanitizer" not in log and "runtime error:" not in log, log
    assert code == 0, "server exited with %s\n%s" % (code, log)


@pytest.fixture(scope="module")
def s3(server):
    return server.client()


_counter = [0]


@pytest.fixture
def bucket(s3):
    _counter[0] += 1
    name = "test-bucket-%d-%d" % (os.getpid(), _counter[0])
    s3.create_bucket(Bucket=name)
    return name


def inventory_delivery_policy(dest, source, source_account, prefix=""):
    """AWS's documented destination bucket policy for inventory reports (research
    inventory-format.md §9.2): s3.amazonaws.com may PutObject with bucket-owner-full-control
    when the source bucket and its account are the ones named."""
    import json
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "InventoryExamplePolicy", "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"}, "Action": "s3:PutObject",
        "Resource": ["arn:aws:s3:::%s/%s*" % (dest, prefix)],
        "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::" + source},
                      "StringEquals": {"aws:SourceAccount": source_account,
                                       "s3:x-amz-acl": "bucket-owner-full-control"}}}]})


def allow_inventory_delivery(server, client, dest, source="*", source_account=None):
    """Put the AWS example destination policy on dest for reports of source ("*": any bucket)
    of source_account (default: the root account's, whose buckets the tests' sources are)."""
    client.put_bucket_policy(Bucket=dest, Policy=inventory_delivery_policy(
        dest, source, source_account or server.root_account()))


def error_code(exc):
    return exc.response["Error"]["Code"]


def denied(fn, **kw):
    """The error code of a call that must fail."""
    with pytest.raises(ClientError) as e:
        fn(**kw)
    return error_code(e.value)


def put_policy(s3, bucket, *statements):
    """Put a 2012-10-17 bucket policy made of statements."""
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": list(statements)}))
