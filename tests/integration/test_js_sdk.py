"""The AWS SDK for JavaScript v3 (@aws-sdk/client-s3 from npm) in its default configuration,
run as a node script against a fresh server."""
import os
import subprocess

from conftest import ROOT


def test_js_sdk_v3(server):
    js = os.path.join(ROOT, "tests", "js")
    assert os.path.isdir(os.path.join(js, "node_modules", "@aws-sdk", "client-s3")), \
        "run scripts/install-deps.sh (npm ci in tests/js)"
    env = dict(os.environ, STOCKTAKE_ENDPOINT=server.endpoint, STOCKTAKE_REGION=server.region,
               STOCKTAKE_ACCESS_KEY=server.access_key, STOCKTAKE_SECRET_KEY=server.secret_key)
    p = subprocess.run(["node", "s3_sdk_check.mjs"], cwd=js, env=env, capture_output=True,
                       text=True, timeout=300)
    print(p.stdout)
    failed = [line for line in p.stdout.splitlines() if line.startswith("FAIL")]
    assert p.returncode == 0 and not failed, "\n".join(failed) + p.stderr
    assert p.stdout.count("\nok ") + p.stdout.startswith("ok ") >= 14
