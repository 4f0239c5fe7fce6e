"""The aws CLI in every encryption mode (issue 11): `aws s3 cp` with --sse AES256, --sse aws:kms
and --sse-c (small and multipart objects), whole reads with `s3 cp`, ranged reads with `s3api
get-object --range`, and what `s3api head-object` reports per mode."""
import json
import os
import subprocess

import pytest

from conftest import serve_checked
from test_sse import MiB, allow_sse_c, new_bucket


@pytest.fixture(scope="module")
def ssec_srv():
    yield from serve_checked(["--allow-insecure-sse-c"])


def test_aws_cli_every_mode_small_multipart_ranged(ssec_srv, tmp_path):
    """The aws CLI in every mode: `s3 cp --sse AES256 | aws:kms | --sse-c`, a small and a
    multipart object each, read back whole with `s3 cp` and in ranges with `s3api get-object
    --range` (with the customer key for SSE-C); what head-object reports per mode."""
    import base64
    import hashlib
    b = new_bucket(ssec_srv.client())
    allow_sse_c(ssec_srv, b)
    key = os.urandom(32)
    (tmp_path / "ck").write_bytes(key)
    ck = "fileb://" + str(tmp_path / "ck")
    env = dict(os.environ, AWS_ACCESS_KEY_ID=ssec_srv.access_key,
               AWS_SECRET_ACCESS_KEY=ssec_srv.secret_key, AWS_DEFAULT_REGION="us-east-1")
    aws = ["/usr/bin/aws", "--endpoint-url", ssec_srv.endpoint]

    def run(*args):
        p = subprocess.run(aws + list(args), env=env, capture_output=True, text=True,
                           timeout=300)
        assert p.returncode == 0, (args, p.stderr)
        return p.stdout

    modes = {"sse-s3": (["--sse", "AES256"], [], []),
             "kms": (["--sse", "aws:kms"], [], []),
             "sse-c": (["--sse-c", "AES256", "--sse-c-key", ck], ["--sse-c", "AES256",
                       "--sse-c-key", ck], ["--sse-customer-algorithm", "AES256",
                                            "--sse-customer-key", ck])}
    md5 = base64.b64encode(hashlib.md5(key).digest()).decode()
    for name, (put, get, api) in modes.items():
        for size in (70001, 9 * MiB + 3):  # the second above the CLI's multipart threshold
            data = os.urandom(size)
            src, out = tmp_path / "up.bin", tmp_path / "down.bin"
            src.write_bytes(data)
            k = "%s-%d" % (name, size)
            run("s3", "cp", *put, str(src), "s3://%s/%s" % (b, k))
            head = json.loads(run("s3api", "head-object", "--bucket", b, "--key", k, *api))
            assert head["ContentLength"] == size
            if name == "sse-c":
                assert head["SSECustomerKeyMD5"] == md5 and "ServerSideEncryption" not in head
            else:
                assert head["ServerSideEncryption"] == ("AES256" if name == "sse-s3"
                                                        else "aws:kms")
            assert head["ETag"].endswith('-2"') == (size > 8 * MiB)
            run("s3", "cp", *get, "s3://%s/%s" % (b, k), str(out))
            assert out.read_bytes() == data, k
            lo, hi = 65530, min(size - 1, 65530 + 3 * 65536)
            run("s3api", "get-object", "--bucket", b, "--key", k, "--range",
                "bytes=%d-%d" % (lo, hi), *api, str(out))
            assert out.read_bytes() == data[lo:hi + 1], k
