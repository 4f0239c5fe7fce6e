"""Debian's aws CLI v2 (/usr/bin/aws): the high-level s3 commands and s3api."""
import json
import os
import subprocess

import pytest

AWS = "/usr/bin/aws"


@pytest.fixture(scope="module")
def aws(server, tmp_path_factory):
    home = tmp_path_factory.mktemp("awshome")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home),
           "AWS_ACCESS_KEY_ID": server.access_key, "AWS_SECRET_ACCESS_KEY": server.secret_key,
           "AWS_DEFAULT_REGION": server.region, "AWS_PAGER": "",
           "AWS_EC2_METADATA_DISABLED": "true"}

    def run(*args, check=True):
        p = subprocess.run([AWS, "--endpoint-url", server.endpoint, *args], env=env,
                           capture_output=True, text=True, timeout=300)
        if check and p.returncode != 0:
            raise AssertionError("aws %s failed (%d): %s%s" % (" ".join(args), p.returncode,
                                                               p.stdout, p.stderr))
        return p
    return run


def test_mb_cp_ls_rm(aws, tmp_path):
    aws("s3", "mb", "s3://cli-bucket")
    src = tmp_path / "hello world+é.txt"
    src.write_bytes(b"hello from the aws cli\n")
    aws("s3", "cp", str(src), "s3://cli-bucket/dir/hello world+é.txt")
    out = aws("s3", "ls", "s3://cli-bucket/dir/").stdout
    assert "hello world+é.txt" in out
    back = tmp_path / "back.txt"
    aws("s3", "cp", "s3://cli-bucket/dir/hello world+é.txt", str(back))
    assert back.read_bytes() == src.read_bytes()
    aws("s3", "rm", "s3://cli-bucket/dir/hello world+é.txt")
    assert "hello" not in aws("s3", "ls", "s3://cli-bucket/", "--recursive").stdout


def test_cp_multi_megabyte_single_part(aws, tmp_path):
    aws("s3", "mb", "s3://cli-big")
    data = os.urandom(7 * 1024 * 1024)
    src = tmp_path / "big.bin"
    src.write_bytes(data)
    # below the CLI's 8 MiB multipart threshold: one PutObject
    aws("s3", "cp", str(src), "s3://cli-big/big.bin")
    back = tmp_path / "big.back"
    aws("s3", "cp", "s3://cli-big/big.bin", str(back))
    assert back.read_bytes() == data


def test_sync_both_ways(aws, tmp_path):
    aws("s3", "mb", "s3://cli-sync")
    src = tmp_path / "src"
    (src / "a" / "b").mkdir(parents=True)
    files = {"top.txt": b"top", "a/one.txt": b"one", "a/b/two.txt": b"two" * 1000,
             "a/b/empty": b""}
    for name, data in files.items():
        (src / name).write_bytes(data)
    aws("s3", "sync", str(src), "s3://cli-sync/tree")
    listing = aws("s3api", "list-objects-v2", "--bucket", "cli-sync", "--prefix", "tree/").stdout
    keys = sorted(o["Key"] for o in json.loads(listing)["Contents"])
    assert keys == sorted("tree/" + k for k in files)
    # a second sync uploads nothing
    assert aws("s3", "sync", str(src), "s3://cli-sync/tree").stdout.strip() == ""
    dst = tmp_path / "dst"
    aws("s3", "sync", "s3://cli-sync/tree", str(dst))
    for name, data in files.items():
        assert (dst / name).read_bytes() == data
    aws("s3", "rm", "s3://cli-sync/tree", "--recursive")
    aws("s3", "rb", "s3://cli-sync")


def test_s3api_calls(aws, tmp_path):
    aws("s3api", "create-bucket", "--bucket", "cli-api")
    body = tmp_path / "b.json"
    body.write_text('{"x": 1}')
    put = json.loads(aws("s3api", "put-object", "--bucket", "cli-api", "--key", "doc.json",
                         "--body", str(body), "--content-type", "application/json",
                         "--metadata", "team=inventory", "--storage-class",
                         "STANDARD_IA").stdout)
    assert put["ETag"].startswith('"')
    head = json.loads(aws("s3api", "head-object", "--bucket", "cli-api", "--key",
                          "doc.json").stdout)
    assert head["ContentType"] == "application/json"
    assert head["Metadata"] == {"team": "inventory"}
    assert head["StorageClass"] == "STANDARD_IA"
    out = tmp_path / "out.json"
    aws("s3api", "get-object", "--bucket", "cli-api", "--key", "doc.json", "--range",
        "bytes=0-3", str(out))
    assert out.read_text() == '{"x"'
    loc = json.loads(aws("s3api", "get-bucket-location", "--bucket", "cli-api").stdout)
    assert loc["LocationConstraint"] is None
    buckets = json.loads(aws("s3api", "list-buckets").stdout)["Buckets"]
    assert "cli-api" in [b["Name"] for b in buckets]
    deleted = json.loads(aws("s3api", "delete-objects", "--bucket", "cli-api", "--delete",
                             '{"Objects":[{"Key":"doc.json"}]}').stdout)
    assert deleted["Deleted"] == [{"Key": "doc.json"}]
    aws("s3api", "delete-bucket", "--bucket", "cli-api")


def test_cli_errors(aws):
    p = aws("s3api", "get-object", "--bucket", "no-such-bucket-x", "--key", "k", "/dev/null",
            check=False)
    assert p.returncode != 0 and "NoSuchBucket" in p.stderr
    aws("s3", "mb", "s3://cli-err")
    p = aws("s3api", "head-object", "--bucket", "cli-err", "--key", "missing", check=False)
    assert p.returncode != 0 and "404" in p.stderr
    aws("s3", "mb", "s3://cli-err")  # your own bucket again: 200 in us-east-1, as on AWS
    p = aws("s3api", "create-bucket", "--bucket", "Bad_Name", check=False)
    assert p.returncode != 0 and "InvalidBucketName" in p.stderr


def test_presign(aws):
    aws("s3", "mb", "s3://cli-presign")
    import urllib.request
    p = aws("s3", "presign", "s3://cli-presign/nothing", "--expires-in", "60")
    url = p.stdout.strip()
    assert "X-Amz-Signature=" in url
    try:
        urllib.request.urlopen(url)
        assert False, "expected 404"
    except urllib.error.HTTPError as e:
        assert e.code == 404 and b"NoSuchKey" in e.read()


def test_cp_multipart_upload_and_versions(aws, tmp_path):
    aws("s3", "mb", "s3://cli-multipart")
    data = os.urandom(40 * 1024 * 1024 + 5)
    src = tmp_path / "big.bin"
    src.write_bytes(data)
    # above the CLI's 8 MiB threshold: CreateMultipartUpload, UploadPart x6, Complete
    aws("s3", "cp", str(src), "s3://cli-multipart/big.bin")
    head = json.loads(aws("s3api", "head-object", "--bucket", "cli-multipart", "--key",
                          "big.bin").stdout)
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-6"')
    back = tmp_path / "back.bin"
    aws("s3", "cp", "s3://cli-multipart/big.bin", str(back))
    assert back.read_bytes() == data
    aws("s3", "cp", "s3://cli-multipart/big.bin", "s3://cli-multipart/copy.bin")
    head = json.loads(aws("s3api", "head-object", "--bucket", "cli-multipart", "--key",
                          "copy.bin").stdout)
    assert head["ContentLength"] == len(data)
    aws("s3api", "put-bucket-versioning", "--bucket", "cli-multipart",
        "--versioning-configuration", "Status=Enabled")
    aws("s3", "rm", "s3://cli-multipart/copy.bin")
    versions = json.loads(aws("s3api", "list-object-versions", "--bucket", "cli-multipart",
                              "--prefix", "copy.bin").stdout)
    assert len(versions["DeleteMarkers"]) == 1 and versions["DeleteMarkers"][0]["IsLatest"]
    assert versions["Versions"][0]["VersionId"] == "null"
    uploads = json.loads(aws("s3api", "list-multipart-uploads", "--bucket",
                             "cli-multipart").stdout or "{}")
    assert not uploads.get("Uploads")
