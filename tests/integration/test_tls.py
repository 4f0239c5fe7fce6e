"""serve --tls-cert/--tls-key: HTTPS with a throwaway self-signed certificate."""
import json
import os
import re
import socket
import ssl
import subprocess
import tempfile
import urllib.error
import urllib.request

import pytest

BIN = os.environ.get("STOCKTAKE_BIN", os.path.join(os.path.dirname(__file__), "../../build/stocktake"))


def _cert(d):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    d + "/k.pem", "-out", d + "/c.pem", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    os.chmod(d + "/k.pem", 0o600)


def _serve(d, *extra):
    p = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:0", "--data", d + "/data",
                          "--tls-cert", d + "/c.pem", "--tls-key", d + "/k.pem", *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    m = re.search(r"https://127\.0\.0\.1:(\d+)", line)
    if not m:
        p.kill()
        raise AssertionError("no https banner: %r %s" % (line, p.stderr.read()))
    return p, int(m.group(1))


@pytest.fixture
def tls_dir():
    with tempfile.TemporaryDirectory() as d:
        _cert(d)
        yield d


def _keys(p):
    banner = "".join(p.stdout.readline() for _ in range(6))
    return (re.search(r"access key: (\S+)", banner).group(1),
            re.search(r"secret key: (\S+)", banner).group(1))


def test_https_health_and_plain_refused(tls_dir):
    p, port = _serve(tls_dir)
    try:
        ctx = ssl.create_default_context(cafile=tls_dir + "/c.pem")
        with urllib.request.urlopen("https://127.0.0.1:%d/_stocktake/health" % port, context=ctx) as r:
            assert r.status == 200
        with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
            urllib.request.urlopen("http://127.0.0.1:%d/_stocktake/health" % port, timeout=3).read()
    finally:
        p.terminate()
        p.wait()


def test_tls13_only_refuses_tls12(tls_dir):
    p, port = _serve(tls_dir, "--tls-min-version", "1.3")
    try:
        ctx = ssl.create_default_context(cafile=tls_dir + "/c.pem")
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        with pytest.raises(ssl.SSLError):
            with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
                ctx.wrap_socket(s, server_hostname="127.0.0.1")
    finally:
        p.terminate()
        p.wait()


def test_world_readable_key_refused(tls_dir):
    os.chmod(tls_dir + "/k.pem", 0o644)
    r = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", "--data", tls_dir + "/data",
                        "--tls-cert", tls_dir + "/c.pem", "--tls-key", tls_dir + "/k.pem"],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode != 0 and "readable by group or others" in r.stderr


def test_boto3_and_presigned_get_over_https(tls_dir):
    import boto3
    from botocore.config import Config
    p, port = _serve(tls_dir)
    try:
        ak, sk = _keys(p)
        s3 = boto3.client("s3", endpoint_url="https://127.0.0.1:%d" % port, region_name="us-east-1",
                          aws_access_key_id=ak, aws_secret_access_key=sk,
                          verify=tls_dir + "/c.pem", config=Config(s3={"addressing_style": "path"}))
        s3.create_bucket(Bucket="tlsb")
        s3.put_object(Bucket="tlsb", Key="k", Body=b"secret bytes")
        assert s3.get_object(Bucket="tlsb", Key="k")["Body"].read() == b"secret bytes"
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "tlsb", "Key": "k"})
        assert url.startswith("https://")
        ctx = ssl.create_default_context(cafile=tls_dir + "/c.pem")
        with urllib.request.urlopen(url, context=ctx) as r:
            assert r.read() == b"secret bytes"
    finally:
        p.terminate()
        p.wait()


def test_secure_transport_condition_is_true_over_tls(tls_dir):
    import json
    import boto3
    import botocore.exceptions
    p, port = _serve(tls_dir)
    try:
        ak, sk = _keys(p)
        s3 = boto3.client("s3", endpoint_url="https://127.0.0.1:%d" % port, region_name="us-east-1",
                          aws_access_key_id=ak, aws_secret_access_key=sk, verify=tls_dir + "/c.pem")
        s3.create_bucket(Bucket="stb")
        s3.put_object(Bucket="stb", Key="k", Body=b"x")
        deny_if = lambda v: json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::stb/*", "Condition": {"Bool": {"aws:SecureTransport": v}}}]})
        s3.put_bucket_policy(Bucket="stb", Policy=deny_if("false"))
        assert s3.get_object(Bucket="stb", Key="k")["Body"].read() == b"x"
        s3.put_bucket_policy(Bucket="stb", Policy=deny_if("true"))
        with pytest.raises(botocore.exceptions.ClientError) as e:
            s3.get_object(Bucket="stb", Key="k")
        assert e.value.response["Error"]["Code"] == "AccessDenied"
    finally:
        p.terminate()
        p.wait()


def test_aws_cli_put_get_list_over_https_with_ca_bundle(tls_dir):
    p, port = _serve(tls_dir)
    try:
        ak, sk = _keys(p)
        env = {"PATH": "/usr/bin:/bin", "HOME": tls_dir, "AWS_ACCESS_KEY_ID": ak,
               "AWS_SECRET_ACCESS_KEY": sk, "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
               "AWS_EC2_METADATA_DISABLED": "true"}

        def aws(*args):
            r = subprocess.run(["/usr/bin/aws", "--endpoint-url", "https://127.0.0.1:%d" % port,
                                "--ca-bundle", tls_dir + "/c.pem", *args], env=env,
                               capture_output=True, text=True, timeout=120)
            assert r.returncode == 0, "aws %s: %s%s" % (args, r.stdout, r.stderr)
            return r.stdout
        src = tls_dir + "/up.txt"
        with open(src, "wb") as f:
            f.write(b"cli over tls\n")
        aws("s3", "mb", "s3://clitls")
        aws("s3", "cp", src, "s3://clitls/obj.txt")
        aws("s3", "cp", "s3://clitls/obj.txt", tls_dir + "/down.txt")
        with open(tls_dir + "/down.txt", "rb") as f:
            assert f.read() == b"cli over tls\n"
        listing = json.loads(aws("s3api", "list-objects-v2", "--bucket", "clitls"))
        assert [o["Key"] for o in listing["Contents"]] == ["obj.txt"]
    finally:
        p.terminate()
        p.wait()


def test_aws_cli_rejects_unknown_ca(tls_dir):
    """Verification is really on: without --ca-bundle the self-signed certificate is refused."""
    p, port = _serve(tls_dir)
    try:
        ak, sk = _keys(p)
        env = {"PATH": "/usr/bin:/bin", "HOME": tls_dir, "AWS_ACCESS_KEY_ID": ak,
               "AWS_SECRET_ACCESS_KEY": sk, "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
               "AWS_EC2_METADATA_DISABLED": "true"}
        r = subprocess.run(["/usr/bin/aws", "--endpoint-url", "https://127.0.0.1:%d" % port,
                            "s3api", "list-buckets"], env=env, capture_output=True, text=True,
                           timeout=120)
        assert r.returncode != 0 and "SSL" in r.stderr
    finally:
        p.terminate()
        p.wait()


def test_js_sdk_v3_put_get_over_https(tls_dir):
    js = os.path.join(os.path.dirname(__file__), "..", "js")
    assert os.path.isdir(os.path.join(js, "node_modules", "@aws-sdk", "client-s3")), \
        "run scripts/install-deps.sh (npm ci in tests/js)"
    p, port = _serve(tls_dir)
    try:
        ak, sk = _keys(p)
        env = dict(os.environ, STOCKTAKE_ENDPOINT="https://127.0.0.1:%d" % port,
                   STOCKTAKE_ACCESS_KEY=ak, STOCKTAKE_SECRET_KEY=sk,
                   NODE_EXTRA_CA_CERTS=tls_dir + "/c.pem")
        env.pop("NODE_TLS_REJECT_UNAUTHORIZED", None)
        r = subprocess.run(["node", "tls_put_get.mjs"], cwd=js, env=env, capture_output=True,
                           text=True, timeout=120)
        assert r.returncode == 0 and r.stdout.strip() == "ok", r.stdout + r.stderr
    finally:
        p.terminate()
        p.wait()
