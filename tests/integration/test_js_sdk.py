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


def test_js_sdk_v3_sse_modes():
    """Every encryption mode from the JS SDK v3 (tests/js/sse_modes.mjs): SSE-S3, SSE-KMS with
    an explicit and the default key, DSSE-KMS, SSE-C; small, ranged, multipart, copies. The
    server allows SSE-C over plain HTTP, and the bucket unblocks it as AWS's docs do."""
    import boto3
    from botocore.config import Config
    from conftest import serve_checked
    from test_sse import allow_sse_c
    gen = serve_checked(["--allow-insecure-sse-c"])
    server = next(gen)
    try:
        bucket = "js-sse-modes"
        server.client().create_bucket(Bucket=bucket)
        allow_sse_c(server, bucket)
        kms = boto3.client("kms", endpoint_url=server.endpoint, region_name=server.region,
                           aws_access_key_id=server.access_key,
                           aws_secret_access_key=server.secret_key,
                           config=Config(retries={"max_attempts": 1}))
        arn = kms.create_key(Description="js sdk")["KeyMetadata"]["Arn"]
        js = os.path.join(ROOT, "tests", "js")
        env = dict(os.environ, STOCKTAKE_ENDPOINT=server.endpoint,
                   STOCKTAKE_REGION=server.region, STOCKTAKE_ACCESS_KEY=server.access_key,
                   STOCKTAKE_SECRET_KEY=server.secret_key, STOCKTAKE_BUCKET=bucket,
                   STOCKTAKE_KMS_KEY_ARN=arn)
        p = subprocess.run(["node", "sse_modes.mjs"], cwd=js, env=env, capture_output=True,
                           text=True, timeout=300)
        print(p.stdout)
        failed = [line for line in p.stdout.splitlines() if line.startswith("FAIL")]
        assert p.returncode == 0 and not failed, "\n".join(failed) + p.stderr
        assert sum(line.startswith("ok ") for line in p.stdout.splitlines()) == 17
    finally:
        gen.close()
