"""The web console in headless Chromium (Debian chromium, driven by playwright-core from
console/node_modules; console/tests/browser_flow.mjs): sign in (wrong credentials refused),
create buckets, upload a small and a multipart file, tag an object, enable versioning,
configure an inventory with its destination policy, run it ("Run now" and the live history
through the admin API when the server has it, else `stocktake inventory run`), and see the
charts computed from the report. Screenshots go to an artifacts directory (printed); any
browser console error fails. The session's security (expiry, forgery) is test_console_session.py."""
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import BIN, ROOT

SCRIPT = os.path.join(ROOT, "console", "tests", "browser_flow.mjs")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PLAYWRIGHT = os.path.join(ROOT, "console", "node_modules", "playwright-core")

pytestmark = pytest.mark.skipif(
    not (os.path.exists(CHROMIUM) and os.path.isdir(PLAYWRIGHT) and shutil.which("node")),
    reason="needs chromium and console/node_modules (scripts/install-deps.sh test)")


@pytest.fixture(scope="module")
def artifacts():
    path = os.environ.get("STOCKTAKE_ARTIFACTS") or tempfile.mkdtemp(prefix="stocktake-console-")
    path = os.path.join(path, "console") if os.environ.get("STOCKTAKE_ARTIFACTS") else path
    os.makedirs(path, exist_ok=True)
    print("\nconsole test artifacts (screenshots): %s" % path)
    return path


def admin_api_present(server):
    """Is the admin API (docs/ADMIN-API.md) served? A signed status request for a bucket."""
    from sigv4 import signed_request
    server.client().create_bucket(Bucket="console-api-probe")
    status = signed_request(server, "GET", "/_stocktake/api/inventory/status",
                            query=[("bucket", "console-api-probe")])[0]
    return status == 200


def browse(server, artifacts, phase, **extra):
    env = dict(os.environ, CONSOLE_URL=server.endpoint + "/_stocktake/console/",
               ACCESS_KEY=server.access_key, SECRET_KEY=server.secret_key, ARTIFACTS=artifacts,
               CHROMIUM=CHROMIUM, SOURCE="console-src", DEST="console-dest", CONFIG_ID="weekly-all",
               **extra)
    p = subprocess.run(["node", SCRIPT, phase], cwd=os.path.dirname(SCRIPT), env=env,
                       capture_output=True, text=True, timeout=300)
    print(p.stdout)
    assert p.returncode == 0, "browser phase %s failed:\n%s\n%s" % (phase, p.stdout, p.stderr)
    return p.stdout


def test_console_end_to_end(server, artifacts):
    api = "1" if admin_api_present(server) else "0"
    browse(server, artifacts, "signin")
    browse(server, artifacts, "setup", ADMIN_API=api)
    if api != "1":
        # the admin API is not in this build: run the configuration as the scheduler would
        for config in ("weekly-all", "weekly-all-parquet"):
            p = subprocess.run([BIN, "inventory", "run", "--data", server.data, "--bucket",
                                "console-src", "--id", config], capture_output=True, text=True,
                               timeout=120)
            # the server's scheduler may have made this minute's first report already
            assert p.returncode == 0 or "report of this minute exists already" in p.stderr, \
                p.stderr
    out = browse(server, artifacts, "report", ADMIN_API=api)
    assert "charts read the report" in out
    # the history's live progress, error and links, against the admin API's documented answers
    keys = [o["Key"] for o in server.client().list_objects_v2(
        Bucket="console-dest", Prefix="reports/console-src/weekly-all/")["Contents"]]
    manifest = sorted(k for k in keys if k.endswith("/manifest.json") and "/hive/" not in k)[-1]
    browse(server, artifacts, "history", MANIFEST_KEY=manifest)
    shots = [f for f in os.listdir(artifacts) if f.endswith(".png")]
    assert len(shots) >= 9, shots
