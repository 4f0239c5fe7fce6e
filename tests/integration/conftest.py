"""Fixtures for the integration tests: a real stocktake binary on a free loopback port with a
temporary data directory, stopped by the fixture that started it, and clients pointed at it.

STOCKTAKE_BIN selects the binary (scripts/test.sh passes the ASan+UBSan build).

STOCKTAKE_TEST_META (a libpq conninfo or URI of a maintenance database, as
scripts/pg-test-cluster.sh sets it) runs every server on PostgreSQL: each Server's data
directory gets a fresh database (created here, dropped by cleanup), and BIN is a wrapper that
adds --meta with that database to any command given --data of a registered directory (so
`admin`, `inventory …` and the rest run against the server's database).

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
import urllib.parse
import urllib.request
import uuid

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
# a test that looks at blob files under the data directory has nothing to look at on RADOS
fs_blobs_only = pytest.mark.skipif(bool(os.environ.get("STOCKTAKE_TEST_CEPH_CONF")),
                                   reason="inspects blob files on the file system "
                                          "(the blobs are in RADOS in this run)")
REAL_BIN = BIN
PG_META = os.environ.get("STOCKTAKE_TEST_META", "")
# a test that reads or writes meta.db itself: skipped, visibly, when the metadata is elsewhere
sqlite_only = pytest.mark.skipif(bool(PG_META), reason="inspects the SQLite meta.db directly;"
                                 " the metadata is in PostgreSQL (STOCKTAKE_TEST_META)")
REGION = "us-east-1"


def _pg_registry():
    """The wrapper BIN and the directory mapping data directories to their databases."""
    reg = tempfile.mkdtemp(prefix="stocktake-pgmeta-")
    wrapper = os.path.join(reg, "stocktake")
    with open(wrapper, "w") as f:
        f.write("""#!/bin/bash
# stocktake with --meta for a data directory conftest registered (see conftest.py)
data="" prev=""
for a in "$@"; do [ "$prev" = --data ] && data=$a; prev=$a; done
if [ -n "$data" ]; then
    f="%s/map/$(realpath -m -- "$data" | sed 's|/|%%|g')"
    [ -f "$f" ] && exec %s "$@" --meta "$(cat "$f")"
fi
exec %s "$@"
""" % (reg, REAL_BIN, REAL_BIN))
    os.chmod(wrapper, 0o755)
    os.makedirs(os.path.join(reg, "map"))
    return reg, wrapper


if PG_META:
    PG_REG, BIN = _pg_registry()


def _pg_psql(sql):
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", PG_META, "-c", sql], check=True,
                   capture_output=True)


def _pg_with_db(meta, name):
    """meta (a conninfo or a URI) naming database name instead."""
    if meta.startswith(("postgres://", "postgresql://")):
        u = urllib.parse.urlsplit(meta)
        return urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + name, u.query, u.fragment))
    return "%s dbname=%s" % (meta, name)


def _pg_map_path(data):
    return os.path.join(PG_REG, "map", os.path.realpath(data).replace("/", "%"))


def pg_meta_for(data):
    """The --meta of a registered data directory, else None (SQLite)."""
    if not PG_META:
        return None
    try:
        with open(_pg_map_path(data)) as f:
            return f.read()
    except OSError:
        return None


def _sql_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, (int, float)):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def meta_sql(data, sql, params=()):
    """Run one statement (SQLite's ? placeholders) on the metadata of the server whose data
    directory is data, on whichever backend it uses; returns the rows (numbers as int)."""
    meta = pg_meta_for(data)
    if not meta:
        import sqlite3
        db = sqlite3.connect(os.path.join(data, "meta.db"), timeout=30)
        try:
            with db:
                return db.execute(sql, tuple(params)).fetchall()
        finally:
            db.close()
    parts = sql.split("?")
    assert len(parts) == len(params) + 1, sql
    text = parts[0] + "".join(_sql_literal(v) + rest for v, rest in zip(params, parts[1:]))
    out = subprocess.run(["psql", "-qAt", "-F", "\t", "-v", "ON_ERROR_STOP=1", meta, "-c", text],
                         check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        row = []
        for f in line.split("\t"):
            try:
                row.append(int(f))
            except ValueError:
                row.append(f)
        rows.append(tuple(row))
    return rows


def pg_register(data):
    """Give data (a data directory) a fresh database, unless it has one; returns the database
    name this call created (the caller drops it), or None."""
    if not PG_META or pg_meta_for(data):
        return None
    name = "st_" + uuid.uuid4().hex[:16]
    _pg_psql("CREATE DATABASE %s" % name)
    with open(_pg_map_path(data), "w") as f:
        f.write(_pg_with_db(PG_META, name))
    return name


def pg_unregister(data, name):
    if not name:
        return
    try:
        os.unlink(_pg_map_path(data))
    except OSError:
        pass
    subprocess.run(["psql", "-q", PG_META, "-c", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name],
                   capture_output=True)
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
        self.pg_db = pg_register(self.data)

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
        pg_unregister(self.data, self.pg_db)
        self.pg_db = None
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


def stop_checked(srv):
    """Stop srv and remove its directories; its log must show no sanitizer report and the
    process a clean exit."""
    code = srv.stop()
    log = srv.read_log()
    srv.cleanup()
    assert "Sanitizer" not in log and "runtime error:" not in log, log
    assert code == 0, "server exited with %s\n%s" % (code, log)


def serve_checked(args=(), env_extra=None):
    """A started server for a fixture to yield; stopped afterwards by stop_checked."""
    srv = Server(args=list(args), env_extra=env_extra).start()
    yield srv
    stop_checked(srv)


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
