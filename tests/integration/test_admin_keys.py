"""Issue 9, defect 12 (keys): `admin key add` and the root-key environment variables refuse
access keys that cannot travel in a SigV4 Credential (AWS: 16 to 128 characters of
[A-Za-z0-9]) and secrets shorter than 16 characters, with a message and exit status 1."""
import os
import shutil
import subprocess
import tempfile

import pytest
from botocore.exceptions import ClientError

from conftest import BIN

GOOD_SECRET = "a-good-secret-0123456789"

BAD_PAIRS = [
    ("SHORTKEY0123456", GOOD_SECRET),            # 15 characters
    ("A" * 129, GOOD_SECRET),                    # too long
    ("AKIA/EXAMPLE0000000", GOOD_SECRET),        # '/' splits the Credential
    ("has-dash-0123456789", GOOD_SECRET),
    ("with space 0123456789", GOOD_SECRET),
    ("\u00c4KIAEXAMPLE0000000", GOOD_SECRET),    # not ASCII
    ("GOODKEY0123456789", "short-secret-15"),    # secret of 15 characters
    ("GOODKEY0123456789", "s" * 129),
]


def _admin(data, *args):
    return subprocess.run([BIN, "admin", "--data", data, *args], capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("key,secret", BAD_PAIRS)
def test_key_add_refuses_unusable_keys(server, key, secret):
    account, _, _ = server.add_account("keys")
    out = _admin(server.data, "key", "add", account, key, secret)
    assert out.returncode == 1, out
    assert "stocktake:" in out.stderr
    assert "access key" in out.stderr or "secret key" in out.stderr
    assert secret not in out.stderr and secret not in out.stdout
    assert key not in _admin(server.data, "list").stdout


@pytest.mark.parametrize("key,secret", [("K" * 16, "s" * 16), ("k0" * 64, "S" * 128)])
def test_key_add_accepts_the_bounds(server, key, secret):
    account, _, _ = server.add_account("keys")
    out = _admin(server.data, "key", "add", account, key, secret)
    assert out.returncode == 0, out
    s3 = server.client(access_key=key, secret_key=secret)
    assert s3.list_buckets()["Buckets"] == []


def test_key_add_generated_keys_still_work(server):
    account, key, secret = server.add_account("generated")
    assert 16 <= len(key) <= 128 and key.isalnum() and len(secret) >= 16
    out = _admin(server.data, "key", "add", account)
    assert out.returncode == 0, out
    server.client(access_key=key, secret_key=secret).list_buckets()


def _serve(env_extra):
    tmp = tempfile.mkdtemp(prefix="stocktake-keys-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKTAKE_ROOT_")}
    env.update(env_extra)
    try:
        return subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", "--data",
                               os.path.join(tmp, "data")], capture_output=True, text=True,
                              env=env, timeout=30, stdin=subprocess.DEVNULL)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.mark.parametrize("key,secret", BAD_PAIRS)
def test_root_key_environment_refuses_unusable_keys(key, secret):
    out = _serve({"STOCKTAKE_ROOT_ACCESS_KEY": key, "STOCKTAKE_ROOT_SECRET_KEY": secret})
    assert out.returncode == 1, out
    assert "STOCKTAKE_ROOT_ACCESS_KEY" in out.stderr
    assert secret not in out.stderr and secret not in out.stdout


@pytest.mark.parametrize("var", ["STOCKTAKE_ROOT_ACCESS_KEY", "STOCKTAKE_ROOT_SECRET_KEY"])
def test_root_key_environment_needs_both(var):
    out = _serve({var: "GOODKEY0123456789" if "ACCESS" in var else GOOD_SECRET})
    assert out.returncode == 1, out
    assert "STOCKTAKE_ROOT_ACCESS_KEY and STOCKTAKE_ROOT_SECRET_KEY" in out.stderr


def test_wrong_key_is_still_refused_by_the_server(server):
    s3 = server.client(access_key="NOSUCHKEY0123456789", secret_key=GOOD_SECRET)
    with pytest.raises(ClientError) as e:
        s3.list_buckets()
    assert e.value.response["Error"]["Code"] == "InvalidAccessKeyId"
