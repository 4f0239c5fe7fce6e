"""`stocktake inventory run|status|cancel --endpoint URL` (issue 17): the admin API of a running
server over SigV4 with credentials as the aws CLI takes them — environment variables, a profile
in ~/.aws/credentials (HOME in a temp dir), --profile, the region from ~/.aws/config — run waits
and exits non-zero when the run fails, --no-wait returns at once, progress lines when stdout is
not a terminal, bad credentials refused."""
import os
import subprocess
import tempfile

import pytest

from conftest import BIN, Server, allow_inventory_delivery, stop_checked

_n = [0]


def make_source(server, objects=12):
    s3 = server.client()
    _n[0] += 1
    src = "ep-src-%d-%d" % (os.getpid(), _n[0])
    s3.create_bucket(Bucket=src)
    allow_inventory_delivery(server, s3, src, src)
    for i in range(objects):
        s3.put_object(Bucket=src, Key="k/%03d" % i, Body=b"x")
    s3.put_bucket_inventory_configuration(Bucket=src, Id="cfg", InventoryConfiguration={
        "Id": "cfg", "IsEnabled": True, "IncludedObjectVersions": "Current",
        "Schedule": {"Frequency": "Daily"},
        "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::" + src,
                                                "Format": "CSV"}}})
    return src


def clean_env(home, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = home
    env.update(extra)
    return env


def cli(server, env, *args, timeout=120):
    return subprocess.run([BIN, "inventory", *args, "--endpoint", server.endpoint],
                          capture_output=True, text=True, timeout=timeout, env=env,
                          stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def srv():
    s = Server(args=["--inventory-tick-seconds", "3600"]).start()
    yield s
    stop_checked(s)


@pytest.fixture
def home():
    with tempfile.TemporaryDirectory() as d:
        yield d


def env_keys(server, home):
    return clean_env(home, AWS_ACCESS_KEY_ID=server.access_key,
                     AWS_SECRET_ACCESS_KEY=server.secret_key, AWS_REGION=server.region,
                     AWS_SESSION_TOKEN="ignored")


def test_env_credentials_run_status(srv, home):
    src = make_source(srv)
    env = env_keys(srv, home)
    r = cli(srv, env, "run", "--bucket", src, "--id", "cfg")
    assert r.returncode == 0, r.stderr
    manifest = r.stdout.strip().splitlines()[-1]
    assert manifest.endswith("/manifest.json"), r.stdout
    srv.client().head_object(Bucket=src, Key=manifest)
    assert srv.secret_key not in r.stdout + r.stderr
    st = cli(srv, env, "status", "--bucket", src)
    assert st.returncode == 0, st.stderr
    assert "succeeded" in st.stdout and manifest in st.stdout and "12 rows" in st.stdout
    # the same minute again: the run fails (one report per minute) and the command says so
    again = cli(srv, env, "run", "--bucket", src, "--id", "cfg")
    assert again.returncode == 1
    assert "failed" in again.stderr and "per minute" in again.stderr


def test_profile_from_home_and_region_from_config(srv, home):
    src = make_source(srv)
    os.makedirs(os.path.join(home, ".aws"))
    with open(os.path.join(home, ".aws", "credentials"), "w") as f:
        f.write("[default]\naws_access_key_id = AKIAWRONGWRONGWRONG0\n"
                "aws_secret_access_key = wrong\n\n"
                "# the server's keys\n[stocktake]\naws_access_key_id = %s\n"
                "aws_secret_access_key=%s\n" % (srv.access_key, srv.secret_key))
    with open(os.path.join(home, ".aws", "config"), "w") as f:
        f.write("[default]\nregion = eu-west-1\n[profile stocktake]\nregion = %s\n" % srv.region)
    env = clean_env(home)
    r = cli(srv, env, "run", "--bucket", src, "--id", "cfg", "--no-wait", "--profile",
            "stocktake")
    assert r.returncode == 0, r.stderr
    assert "started" in r.stdout
    st = cli(srv, clean_env(home, AWS_PROFILE="stocktake"), "status", "--bucket", src, "--id",
             "cfg")
    assert st.returncode == 0, st.stderr
    assert src in st.stdout
    # the default profile: its region (eu-west-1, from the config file) is not the server's
    bad = cli(srv, env, "status", "--bucket", src)
    assert bad.returncode == 1 and "eu-west-1" in bad.stderr, bad.stderr
    # and its keys are wrong: refused with the server's error
    bad = cli(srv, env, "status", "--bucket", src, "--region", srv.region)
    assert bad.returncode == 1 and "InvalidAccessKeyId" in bad.stderr, bad.stderr
    # a wrong region in the config file: the signature's scope is refused
    wrong = cli(srv, clean_env(home, AWS_PROFILE="stocktake"), "status", "--bucket", src,
                "--region", "ap-south-1")
    assert wrong.returncode == 1, wrong.stdout
    # AWS_SHARED_CREDENTIALS_FILE elsewhere
    other = os.path.join(home, "creds")
    with open(other, "w") as f:
        f.write("[default]\naws_access_key_id=%s\naws_secret_access_key=%s\n"
                % (srv.access_key, srv.secret_key))
    ok = cli(srv, clean_env(home, AWS_SHARED_CREDENTIALS_FILE=other, AWS_REGION=srv.region),
             "status", "--bucket", src)
    assert ok.returncode == 0, ok.stderr


def test_no_or_bad_credentials(srv, home):
    src = make_source(srv, objects=1)
    r = cli(srv, clean_env(home), "status", "--bucket", src)
    assert r.returncode == 1 and "no credentials" in r.stderr
    r = cli(srv, clean_env(home, AWS_ACCESS_KEY_ID=srv.access_key,
                           AWS_SECRET_ACCESS_KEY="not-it", AWS_REGION=srv.region),
            "run", "--bucket", src, "--id", "cfg")
    assert r.returncode == 1 and "SignatureDoesNotMatch" in r.stderr, r.stderr
    r = cli(srv, env_keys(srv, home), "run", "--bucket", src, "--id", "nope")
    assert r.returncode == 1 and "NoSuchConfiguration" in r.stderr
    r = cli(srv, env_keys(srv, home), "run", "--bucket", src)
    assert r.returncode == 2  # usage: run needs --id
    r = subprocess.run([BIN, "inventory", "status", "--endpoint", "http://127.0.0.1:1",
                        "--bucket", src], capture_output=True, text=True,
                       env=env_keys(srv, home))
    assert r.returncode == 1 and "stocktake:" in r.stderr


def test_progress_lines_and_cancel(home):
    slow = Server(args=["--inventory-tick-seconds", "3600"],
                  env_extra={"STOCKTAKE_TEST_DELAY_AFTER_FIRST_ROW_MS": "6000"}).start()
    try:
        src = make_source(slow, objects=30)
        env = env_keys(slow, home)
        proc = subprocess.Popen([BIN, "inventory", "run", "--endpoint", slow.endpoint,
                                 "--bucket", src, "--id", "cfg", "--poll-ms", "200"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        lines = out.strip().splitlines()
        assert lines[-1].endswith("/manifest.json")
        progress = [x for x in lines if x.startswith("run ")]
        assert progress and "running" in progress[0] and "rows/s" in progress[0], out
        assert "succeeded: 30" in progress[-1] or "succeeded" in progress[-1], out
        # a run cancelled from another command: the waiting one exits 1
        import time
        time.sleep(61 - time.time() % 60)  # a new report minute
        proc = subprocess.Popen([BIN, "inventory", "run", "--endpoint", slow.endpoint,
                                 "--bucket", src, "--id", "cfg"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env)
        deadline = time.time() + 20
        while time.time() < deadline:
            c = cli(slow, env, "cancel", "--bucket", src, "--id", "cfg")
            if c.returncode == 0:
                break
            time.sleep(0.2)
        assert c.returncode == 0 and "cancelling run" in c.stdout, c.stderr
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 1 and "cancelled" in err, (out, err)
    finally:
        stop_checked(slow)
