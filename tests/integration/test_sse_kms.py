"""SSE-KMS and DSSE-KMS on S3 objects (issue 11): aws:kms / aws:kms:dsse with the built-in KMS,
driven by boto3 and the aws CLI. PUT/GET/HEAD with the account's AWS-managed key alias/aws/s3
(created on first use), an explicit key id, key ARN, alias name and alias ARN; the encryption
context (given, and AWS's default {"aws:s3:arn": ...}); bucket keys; ranged GETs; disabled,
unknown and pending-deletion keys; key policies denying the caller; no plaintext on disk; HEAD
answered from metadata while the key is disabled; tampered blobs answering 500, never bytes."""
import base64
import hashlib
import json
import os
import subprocess

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import Server, error_code

MARKER = b"STOCKTAKE-KMS-MARKER-3b9d21-plaintext-never-on-disk"
MiB = 1024 * 1024


def kms_client(server, access_key=None, secret_key=None):
    return boto3.client("kms", endpoint_url=server.endpoint, region_name=server.region,
                        aws_access_key_id=access_key or server.access_key,
                        aws_secret_access_key=secret_key or server.secret_key,
                        config=Config(retries={"max_attempts": 1}))


@pytest.fixture(scope="module")
def kms(server):
    return kms_client(server)


def status(exc):
    return exc.response["ResponseMetadata"]["HTTPStatusCode"]


def test_default_aws_s3_key(s3, kms, server, bucket):
    body = os.urandom(100 * 1024 + 5)
    r = s3.put_object(Bucket=bucket, Key="d", Body=body, ServerSideEncryption="aws:kms")
    assert r["ServerSideEncryption"] == "aws:kms"
    arn = r["SSEKMSKeyId"]
    assert arn.startswith("arn:aws:kms:%s:%s:key/" % (server.region, server.root_account()))
    assert "BucketKeyEnabled" not in r
    # the key alias/aws/s3 now exists in the account, as AWS creates it on first use
    md = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert md["Arn"] == arn
    assert r["ETag"] != '"%s"' % hashlib.md5(body).hexdigest()  # not the MD5 for SSE-KMS
    g = s3.get_object(Bucket=bucket, Key="d")
    assert g["ServerSideEncryption"] == "aws:kms" and g["SSEKMSKeyId"] == arn
    assert g["Body"].read() == body and g["ETag"] == r["ETag"]
    h = s3.head_object(Bucket=bucket, Key="d")
    assert h["ServerSideEncryption"] == "aws:kms" and h["SSEKMSKeyId"] == arn
    assert h["ContentLength"] == len(body)
    for a, b in [(0, 0), (65535, 65536), (1000, 90000), (len(body) - 1, len(body) - 1)]:
        g = s3.get_object(Bucket=bucket, Key="d", Range="bytes=%d-%d" % (a, b))
        assert g["Body"].read() == body[a:b + 1]
    # a second object reuses the same managed key
    r2 = s3.put_object(Bucket=bucket, Key="d2", Body=b"x", ServerSideEncryption="aws:kms")
    assert r2["SSEKMSKeyId"] == arn
    aliases = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/aws/s3"]
    assert len(aliases) == 1
    odd = 'we"ird\\key/\u00e9'  # JSON-escaped in the default context
    s3.put_object(Bucket=bucket, Key=odd, Body=b"odd", ServerSideEncryption="aws:kms")
    assert s3.get_object(Bucket=bucket, Key=odd)["Body"].read() == b"odd"
    s3.put_object(Bucket=bucket, Key="empty", Body=b"", ServerSideEncryption="aws:kms")
    assert s3.get_object(Bucket=bucket, Key="empty")["Body"].read() == b""


def test_explicit_key_id_arn_alias(s3, kms, server, bucket):
    md = kms.create_key(Description="s3 explicit")["KeyMetadata"]
    kms.create_alias(AliasName="alias/s3-explicit", TargetKeyId=md["KeyId"])
    alias_arn = "arn:aws:kms:%s:%s:alias/s3-explicit" % (server.region, server.root_account())
    for i, ref in enumerate([md["KeyId"], md["Arn"], "alias/s3-explicit", alias_arn]):
        body = b"explicit %d " % i * 1000
        r = s3.put_object(Bucket=bucket, Key="k%d" % i, Body=body,
                          ServerSideEncryption="aws:kms", SSEKMSKeyId=ref)
        assert r["SSEKMSKeyId"] == md["Arn"], ref
        g = s3.get_object(Bucket=bucket, Key="k%d" % i)
        assert g["Body"].read() == body and g["SSEKMSKeyId"] == md["Arn"]


def test_dsse_and_bucket_key(s3, kms, bucket):
    md = kms.create_key()["KeyMetadata"]
    r = s3.put_object(Bucket=bucket, Key="dsse", Body=b"dual layer", SSEKMSKeyId=md["KeyId"],
                      ServerSideEncryption="aws:kms:dsse")
    assert r["ServerSideEncryption"] == "aws:kms:dsse" and r["SSEKMSKeyId"] == md["Arn"]
    h = s3.head_object(Bucket=bucket, Key="dsse")
    assert h["ServerSideEncryption"] == "aws:kms:dsse"
    assert s3.get_object(Bucket=bucket, Key="dsse")["Body"].read() == b"dual layer"
    r = s3.put_object(Bucket=bucket, Key="bk", Body=b"bucket key", SSEKMSKeyId=md["KeyId"],
                      ServerSideEncryption="aws:kms", BucketKeyEnabled=True)
    assert r["BucketKeyEnabled"] is True
    g = s3.get_object(Bucket=bucket, Key="bk")
    assert g["BucketKeyEnabled"] is True and g["Body"].read() == b"bucket key"
    assert s3.head_object(Bucket=bucket, Key="bk")["BucketKeyEnabled"] is True


def test_encryption_context(s3, bucket):
    ctx = base64.b64encode(json.dumps({"project": "stocktake", "team": "a"}).encode()).decode()
    r = s3.put_object(Bucket=bucket, Key="ctx", Body=b"with context",
                      ServerSideEncryption="aws:kms", SSEKMSEncryptionContext=ctx)
    assert r["ServerSideEncryption"] == "aws:kms"
    # AWS answers the context on writes (PutObject, CopyObject, CreateMultipartUpload)
    got = json.loads(base64.b64decode(r["SSEKMSEncryptionContext"]))
    assert got == {"project": "stocktake", "team": "a"}
    g = s3.get_object(Bucket=bucket, Key="ctx")
    assert g["Body"].read() == b"with context" and g["ServerSideEncryption"] == "aws:kms"
    # the context is bound to the data key: the blob decrypts with it only (KMS Decrypt)
    r = s3.put_object(Bucket=bucket, Key="ctx2", Body=b"y", ServerSideEncryption="aws:kms")
    assert "SSEKMSEncryptionContext" not in r  # AWS's default context, not answered
    assert s3.get_object(Bucket=bucket, Key="ctx2")["Body"].read() == b"y"
    for bad in ["not base64!", base64.b64encode(b"[1,2]").decode(),
                base64.b64encode(b'{"a": 1}').decode()]:
        with pytest.raises(ClientError) as e:
            s3.put_object(Bucket=bucket, Key="bad", Body=b"z", ServerSideEncryption="aws:kms",
                          SSEKMSEncryptionContext=bad)
        assert error_code(e.value) == "InvalidArgument" and status(e.value) == 400


def test_key_headers_without_kms_are_invalid(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="x", Body=b"x", ServerSideEncryption="AES256",
                      SSEKMSKeyId="alias/aws/s3")
    assert error_code(e.value) == "InvalidArgument"


def test_unknown_disabled_pending_keys(s3, kms, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="u", Body=b"u", ServerSideEncryption="aws:kms",
                      SSEKMSKeyId="alias/no-such-alias")
    assert error_code(e.value) == "KMS.NotFoundException" and status(e.value) == 400
    assert "Invalid keyId" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="u", Body=b"u", ServerSideEncryption="aws:kms",
                      SSEKMSKeyId="0b7b5a4e-0000-4000-8000-000000000000")
    assert error_code(e.value) == "KMS.NotFoundException"
    md = kms.create_key()["KeyMetadata"]
    s3.put_object(Bucket=bucket, Key="dis", Body=b"before", ServerSideEncryption="aws:kms",
                  SSEKMSKeyId=md["KeyId"])
    kms.disable_key(KeyId=md["KeyId"])
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="dis2", Body=b"u", ServerSideEncryption="aws:kms",
                      SSEKMSKeyId=md["KeyId"])
    assert error_code(e.value) == "KMS.DisabledException" and status(e.value) == 400
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="dis")
    assert error_code(e.value) == "KMS.DisabledException" and status(e.value) == 400
    kms.enable_key(KeyId=md["KeyId"])
    assert s3.get_object(Bucket=bucket, Key="dis")["Body"].read() == b"before"
    kms.schedule_key_deletion(KeyId=md["KeyId"], PendingWindowInDays=7)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="pd", Body=b"u", ServerSideEncryption="aws:kms",
                      SSEKMSKeyId=md["KeyId"])
    assert error_code(e.value) == "KMS.KMSInvalidStateException" and status(e.value) == 400
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="dis")
    assert error_code(e.value) == "KMS.KMSInvalidStateException"


def test_key_policy_denies_the_caller(s3, kms, server, bucket):
    root = server.root_account()
    md = kms.create_key()["KeyMetadata"]
    s3.put_object(Bucket=bucket, Key="pol", Body=b"secret", ServerSideEncryption="aws:kms",
                  SSEKMSKeyId=md["KeyId"])
    policy = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % root},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "NoCrypto", "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::%s:root" % root},
         "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}]}
    kms.put_key_policy(KeyId=md["KeyId"], PolicyName="default", Policy=json.dumps(policy))
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="pol2", Body=b"x", ServerSideEncryption="aws:kms",
                      SSEKMSKeyId=md["KeyId"])
    assert error_code(e.value) == "AccessDenied" and status(e.value) == 403
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="pol")
    assert error_code(e.value) == "AccessDenied" and status(e.value) == 403
    # HeadObject needs no kms:Decrypt (AWS answers it from the object's metadata)
    assert s3.head_object(Bucket=bucket, Key="pol")["SSEKMSKeyId"] == md["Arn"]
    # another account's key, reachable by ARN only, is denied by its default policy
    other_account, key, secret = server.add_account("kms-s3-other")
    theirs = kms_client(server, key, secret).create_key()["KeyMetadata"]
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="pol3", Body=b"x", ServerSideEncryption="aws:kms",
                      SSEKMSKeyId=theirs["Arn"])
    assert error_code(e.value) == "AccessDenied"


def test_large_object_and_ranges(s3, bucket):
    body = os.urandom(16 * MiB + 777)
    s3.put_object(Bucket=bucket, Key="big", Body=body, ServerSideEncryption="aws:kms")
    assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == body
    a, b = 5 * MiB + 3, 11 * MiB + 9
    g = s3.get_object(Bucket=bucket, Key="big", Range="bytes=%d-%d" % (a, b))
    assert g["Body"].read() == body[a:b + 1]


def aws_env(server):
    return dict(os.environ, AWS_ACCESS_KEY_ID=server.access_key,
                AWS_SECRET_ACCESS_KEY=server.secret_key, AWS_DEFAULT_REGION=server.region,
                AWS_PAGER="", AWS_EC2_METADATA_DISABLED="true")


def test_aws_cli_cp_sse_kms(server, kms, bucket, tmp_path):
    md = kms.create_key()["KeyMetadata"]
    src = tmp_path / "small.bin"
    data = os.urandom(300 * 1024)
    src.write_bytes(data)
    aws = ["/usr/bin/aws", "--endpoint-url", server.endpoint]
    env = aws_env(server)
    subprocess.run(aws + ["s3", "cp", "--sse", "aws:kms", "--sse-kms-key-id", md["KeyId"],
                          str(src), "s3://%s/cli.bin" % bucket],
                   check=True, env=env, capture_output=True)
    head = json.loads(subprocess.run(aws + ["s3api", "head-object", "--bucket", bucket, "--key",
                                            "cli.bin"], check=True, env=env,
                                     capture_output=True).stdout)
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == md["Arn"]
    out = tmp_path / "down.bin"
    subprocess.run(aws + ["s3", "cp", "s3://%s/cli.bin" % bucket, str(out)], check=True,
                   env=env, capture_output=True)
    assert out.read_bytes() == data


def grep_data(data_dir):
    return subprocess.run(["grep", "-rlaF", MARKER[:24].decode(), data_dir],
                          capture_output=True, text=True).stdout.split()


def test_no_plaintext_reaches_the_disk():
    srv = Server().start()
    try:
        c = srv.client()
        c.create_bucket(Bucket="kms-marker")
        c.put_object(Bucket="kms-marker", Key="s", Body=MARKER * 3,
                     ServerSideEncryption="aws:kms")
        c.put_object(Bucket="kms-marker", Key="b", Body=MARKER * 100000,
                     ServerSideEncryption="aws:kms:dsse")
        assert c.get_object(Bucket="kms-marker", Key="b")["Body"].read() == MARKER * 100000
        u = c.create_multipart_upload(Bucket="kms-marker", Key="mp", ServerSideEncryption="aws:kms")
        r = c.upload_part(Bucket="kms-marker", Key="mp", UploadId=u["UploadId"], PartNumber=1,
                          Body=MARKER * 120000)
        c.complete_multipart_upload(Bucket="kms-marker", Key="mp", UploadId=u["UploadId"],
                                    MultipartUpload={"Parts": [{"PartNumber": 1,
                                                                "ETag": r["ETag"]}]})
        c.put_object(Bucket="kms-marker", Key="src", Body=MARKER * 10, ServerSideEncryption="AES256")
        c.copy_object(Bucket="kms-marker", Key="cp", CopySource={"Bucket": "kms-marker",
                                                                 "Key": "src"},
                      ServerSideEncryption="aws:kms")
        assert c.get_object(Bucket="kms-marker", Key="mp")["Body"].read() == MARKER * 120000
        srv.stop()
        assert grep_data(srv.data) == []
    finally:
        srv.stop()
        srv.cleanup()


@pytest.fixture(scope="module")
def legacy_srv():
    from conftest import serve_checked
    yield from serve_checked(["--legacy-bucket-defaults"])


def test_copy_between_modes(s3, kms, bucket):
    md = kms.create_key()["KeyMetadata"]
    body = os.urandom(300 * 1024 + 11)
    s3.put_object(Bucket=bucket, Key="s3src", Body=body, ServerSideEncryption="AES256")
    # SSE-S3 -> SSE-KMS (explicit key, bucket key, context)
    ctx = base64.b64encode(b'{"purpose":"copy"}').decode()
    r = s3.copy_object(Bucket=bucket, Key="kmscopy", CopySource={"Bucket": bucket, "Key": "s3src"},
                       ServerSideEncryption="aws:kms", SSEKMSKeyId=md["KeyId"],
                       SSEKMSEncryptionContext=ctx, BucketKeyEnabled=True)
    assert r["ServerSideEncryption"] == "aws:kms" and r["SSEKMSKeyId"] == md["Arn"]
    assert r["BucketKeyEnabled"] is True and r["SSEKMSEncryptionContext"] == ctx
    assert r["CopyObjectResult"]["ETag"] != '"%s"' % hashlib.md5(body).hexdigest()
    g = s3.get_object(Bucket=bucket, Key="kmscopy")
    assert g["SSEKMSKeyId"] == md["Arn"] and g["Body"].read() == body
    # SSE-KMS -> DSSE-KMS with the default key
    r = s3.copy_object(Bucket=bucket, Key="dssecopy",
                       CopySource={"Bucket": bucket, "Key": "kmscopy"},
                       ServerSideEncryption="aws:kms:dsse")
    assert r["ServerSideEncryption"] == "aws:kms:dsse"
    assert s3.get_object(Bucket=bucket, Key="dssecopy")["Body"].read() == body
    # SSE-KMS -> SSE-S3
    r = s3.copy_object(Bucket=bucket, Key="back", CopySource={"Bucket": bucket, "Key": "kmscopy"},
                       ServerSideEncryption="AES256")
    assert r["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in r
    assert s3.get_object(Bucket=bucket, Key="back")["Body"].read() == body
    # a copy onto itself may change the encryption only
    r = s3.copy_object(Bucket=bucket, Key="s3src", CopySource={"Bucket": bucket, "Key": "s3src"},
                       ServerSideEncryption="aws:kms", SSEKMSKeyId=md["Arn"])
    assert r["SSEKMSKeyId"] == md["Arn"]
    assert s3.get_object(Bucket=bucket, Key="s3src")["Body"].read() == body
    # a disabled source key fails the copy
    kms.disable_key(KeyId=md["KeyId"])
    try:
        with pytest.raises(ClientError) as e:
            s3.copy_object(Bucket=bucket, Key="fail", CopySource={"Bucket": bucket,
                                                                  "Key": "kmscopy"})
        assert error_code(e.value) == "KMS.DisabledException"
    finally:
        kms.enable_key(KeyId=md["KeyId"])


def test_copy_kms_to_plain(legacy_srv):
    c = legacy_srv.client()
    c.create_bucket(Bucket="kms-plain")
    body = os.urandom(70000)
    c.put_object(Bucket="kms-plain", Key="k", Body=body, ServerSideEncryption="aws:kms")
    r = c.copy_object(Bucket="kms-plain", Key="p", CopySource={"Bucket": "kms-plain", "Key": "k"})
    assert "ServerSideEncryption" not in r
    h = c.head_object(Bucket="kms-plain", Key="p")
    assert "ServerSideEncryption" not in h and "SSEKMSKeyId" not in h
    g = c.get_object(Bucket="kms-plain", Key="p")
    assert g["Body"].read() == body and g["ETag"] == '"%s"' % hashlib.md5(body).hexdigest()


def test_multipart_16mib(s3, kms, bucket):
    md = kms.create_key()["KeyMetadata"]
    ctx = base64.b64encode(b'{"mp":"yes"}').decode()
    u = s3.create_multipart_upload(Bucket=bucket, Key="mp", ServerSideEncryption="aws:kms",
                                   SSEKMSKeyId=md["KeyId"], SSEKMSEncryptionContext=ctx,
                                   BucketKeyEnabled=True)
    assert u["ServerSideEncryption"] == "aws:kms" and u["SSEKMSKeyId"] == md["Arn"]
    assert u["BucketKeyEnabled"] is True and u["SSEKMSEncryptionContext"] == ctx
    parts = [os.urandom(8 * MiB), os.urandom(8 * MiB), os.urandom(12345)]
    done = []
    for i, p in enumerate(parts, 1):
        r = s3.upload_part(Bucket=bucket, Key="mp", UploadId=u["UploadId"], PartNumber=i, Body=p)
        assert r["ServerSideEncryption"] == "aws:kms" and r["SSEKMSKeyId"] == md["Arn"]
        assert r["BucketKeyEnabled"] is True
        done.append({"PartNumber": i, "ETag": r["ETag"]})
    c = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=u["UploadId"],
                                     MultipartUpload={"Parts": done})
    assert c["ServerSideEncryption"] == "aws:kms" and c["SSEKMSKeyId"] == md["Arn"]
    assert c["ETag"].endswith('-3"')
    whole = b"".join(parts)
    g = s3.get_object(Bucket=bucket, Key="mp")
    assert g["SSEKMSKeyId"] == md["Arn"] and g["Body"].read() == whole
    assert s3.get_object(Bucket=bucket, Key="mp", PartNumber=2)["Body"].read() == parts[1]
    a = 8 * MiB - 100
    g = s3.get_object(Bucket=bucket, Key="mp", Range="bytes=%d-%d" % (a, a + 300))
    assert g["Body"].read() == whole[a:a + 301]
    # UploadPartCopy from the KMS object into a KMS upload under the default key
    u2 = s3.create_multipart_upload(Bucket=bucket, Key="mp2", ServerSideEncryption="aws:kms")
    r = s3.upload_part_copy(Bucket=bucket, Key="mp2", UploadId=u2["UploadId"], PartNumber=1,
                            CopySource={"Bucket": bucket, "Key": "mp"},
                            CopySourceRange="bytes=100-5242979")
    assert r["ServerSideEncryption"] == "aws:kms"
    s3.complete_multipart_upload(
        Bucket=bucket, Key="mp2", UploadId=u2["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": r["CopyPartResult"]["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key="mp2")["Body"].read() == whole[100:5242980]
    # a part of an upload whose key was disabled since is refused as AWS does
    u3 = s3.create_multipart_upload(Bucket=bucket, Key="mp3", ServerSideEncryption="aws:kms",
                                    SSEKMSKeyId=md["KeyId"])
    kms.disable_key(KeyId=md["KeyId"])
    try:
        with pytest.raises(ClientError) as e:
            s3.upload_part(Bucket=bucket, Key="mp3", UploadId=u3["UploadId"], PartNumber=1,
                           Body=b"x")
        assert error_code(e.value) == "KMS.DisabledException"
    finally:
        kms.enable_key(KeyId=md["KeyId"])


def test_aws_cli_multipart_kms(server, kms, bucket, tmp_path):
    kms.create_alias(AliasName="alias/cli-mp", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    src = tmp_path / "big.bin"
    data = os.urandom(16 * MiB + 5)  # above the CLI's multipart threshold
    src.write_bytes(data)
    aws = ["/usr/bin/aws", "--endpoint-url", server.endpoint]
    env = aws_env(server)
    subprocess.run(aws + ["s3", "cp", "--sse", "aws:kms", "--sse-kms-key-id", "alias/cli-mp",
                          str(src), "s3://%s/big.bin" % bucket],
                   check=True, env=env, capture_output=True)
    head = s3_head = json.loads(subprocess.run(
        aws + ["s3api", "head-object", "--bucket", bucket, "--key", "big.bin"], check=True,
        env=env, capture_output=True).stdout)
    assert head["ServerSideEncryption"] == "aws:kms" and s3_head["ContentLength"] == len(data)
    out = tmp_path / "down.bin"
    subprocess.run(aws + ["s3", "cp", "s3://%s/big.bin" % bucket, str(out)], check=True,
                   env=env, capture_output=True)
    assert out.read_bytes() == data


def test_post_form_kms_fields(server, s3, kms, bucket):
    import requests
    md = kms.create_key()["KeyMetadata"]
    fields = {"x-amz-server-side-encryption": "aws:kms",
              "x-amz-server-side-encryption-aws-kms-key-id": md["Arn"],
              "x-amz-server-side-encryption-bucket-key-enabled": "true"}
    post = s3.generate_presigned_post(bucket, "form-kms", Fields=dict(fields),
                                      Conditions=[{k: v} for k, v in fields.items()])
    r = requests.post(post["url"], data=post["fields"], files={"file": ("f", b"form body")})
    assert r.status_code == 204, r.text
    assert r.headers["x-amz-server-side-encryption"] == "aws:kms"
    assert r.headers["x-amz-server-side-encryption-aws-kms-key-id"] == md["Arn"]
    assert r.headers["x-amz-server-side-encryption-bucket-key-enabled"] == "true"
    g = s3.get_object(Bucket=bucket, Key="form-kms")
    assert g["Body"].read() == b"form body" and g["SSEKMSKeyId"] == md["Arn"]
    fields = {"x-amz-server-side-encryption": "aws:kms",
              "x-amz-server-side-encryption-aws-kms-key-id": "alias/none-such"}
    post = s3.generate_presigned_post(bucket, "form-bad", Fields=dict(fields),
                                      Conditions=[{k: v} for k, v in fields.items()])
    r = requests.post(post["url"], data=post["fields"], files={"file": ("f", b"x")})
    assert r.status_code == 400 and "KMS.NotFoundException" in r.text


def test_bucket_default_kms(server, s3, kms, bucket, tmp_path):
    md = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/bucket-default", TargetKeyId=md["KeyId"])
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                "KMSMasterKeyID": "alias/bucket-default"},
         "BucketKeyEnabled": True}]})
    cfg = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert cfg["Rules"][0]["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/bucket-default"}
    assert cfg["Rules"][0]["BucketKeyEnabled"] is True
    r = s3.put_object(Bucket=bucket, Key="nohdr", Body=b"default applies")
    assert r["ServerSideEncryption"] == "aws:kms" and r["SSEKMSKeyId"] == md["Arn"]
    assert r["BucketKeyEnabled"] is True
    g = s3.get_object(Bucket=bucket, Key="nohdr")
    assert g["Body"].read() == b"default applies" and g["BucketKeyEnabled"] is True
    # headers win over the default
    r = s3.put_object(Bucket=bucket, Key="s3", Body=b"x", ServerSideEncryption="AES256")
    assert r["ServerSideEncryption"] == "AES256"
    r = s3.put_object(Bucket=bucket, Key="nobk", Body=b"x", BucketKeyEnabled=False)
    assert r["SSEKMSKeyId"] == md["Arn"] and "BucketKeyEnabled" not in r
    u = s3.create_multipart_upload(Bucket=bucket, Key="mpd")
    assert u["ServerSideEncryption"] == "aws:kms" and u["SSEKMSKeyId"] == md["Arn"]
    s3.abort_multipart_upload(Bucket=bucket, Key="mpd", UploadId=u["UploadId"])
    r = s3.copy_object(Bucket=bucket, Key="cp", CopySource={"Bucket": bucket, "Key": "s3"})
    assert r["ServerSideEncryption"] == "aws:kms" and r["SSEKMSKeyId"] == md["Arn"]
    # DSSE-KMS default without a key: the AWS-managed alias/aws/s3 (aws s3api)
    aws = ["/usr/bin/aws", "--endpoint-url", server.endpoint]
    env = aws_env(server)
    subprocess.run(aws + ["s3api", "put-bucket-encryption", "--bucket", bucket,
                          "--server-side-encryption-configuration",
                          json.dumps({"Rules": [{"ApplyServerSideEncryptionByDefault":
                                                 {"SSEAlgorithm": "aws:kms:dsse"}}]})],
                   check=True, env=env, capture_output=True)
    r = s3.put_object(Bucket=bucket, Key="dsse", Body=b"dsse default")
    assert r["ServerSideEncryption"] == "aws:kms:dsse"
    assert r["SSEKMSKeyId"] == kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["Arn"]
    # a default naming a missing key fails the writes it applies to
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                "KMSMasterKeyID": "alias/gone"}}]})
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="x", Body=b"x")
    assert error_code(e.value) == "KMS.NotFoundException"
    s3.delete_bucket_encryption(Bucket=bucket)
    assert s3.put_object(Bucket=bucket, Key="x", Body=b"x")["ServerSideEncryption"] == "AES256"


def test_bucket_policy_condition_keys(s3, kms, bucket):
    md = kms.create_key()["KeyMetadata"]
    other = kms.create_key()["KeyMetadata"]
    arn = "arn:aws:s3:::%s/*" % bucket
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "RequireKms", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
         "Resource": arn,
         "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}},
        {"Sid": "RequireKey", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
         "Resource": arn,
         "Condition": {"StringNotEqualsIfExists": {
             "s3:x-amz-server-side-encryption-aws-kms-key-id": md["Arn"]}}}]}))
    try:
        r = s3.put_object(Bucket=bucket, Key="ok", Body=b"x", ServerSideEncryption="aws:kms",
                          SSEKMSKeyId=md["Arn"])
        assert r["SSEKMSKeyId"] == md["Arn"]
        for extra in ({}, {"ServerSideEncryption": "AES256"},
                      {"ServerSideEncryption": "aws:kms:dsse", "SSEKMSKeyId": md["Arn"]},
                      {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": other["Arn"]},
                      # no key id header: the key is absent, so ...IfExists matches (deny)
                      {"ServerSideEncryption": "aws:kms"}):
            with pytest.raises(ClientError) as e:
                s3.put_object(Bucket=bucket, Key="no", Body=b"x", **extra)
            assert error_code(e.value) == "AccessDenied", extra
    finally:
        s3.delete_bucket_policy(Bucket=bucket)


def test_master_key_rotate_keeps_kms_objects():
    from conftest import BIN
    srv = Server().start()
    try:
        c = srv.client()
        k = kms_client(srv)
        c.create_bucket(Bucket="kms-rotate")
        md = k.create_key()["KeyMetadata"]
        bodies = {"dflt": os.urandom(100000), "explicit": os.urandom(5000)}
        c.put_object(Bucket="kms-rotate", Key="dflt", Body=bodies["dflt"],
                     ServerSideEncryption="aws:kms")
        c.put_object(Bucket="kms-rotate", Key="explicit", Body=bodies["explicit"],
                     ServerSideEncryption="aws:kms:dsse", SSEKMSKeyId=md["KeyId"])
        c.put_object(Bucket="kms-rotate", Key="s3", Body=b"sse-s3", ServerSideEncryption="AES256")
        u = c.create_multipart_upload(Bucket="kms-rotate", Key="pending",
                                      ServerSideEncryption="aws:kms", SSEKMSKeyId=md["Arn"])
        part = os.urandom(4321)
        r = c.upload_part(Bucket="kms-rotate", Key="pending", UploadId=u["UploadId"],
                          PartNumber=1, Body=part)
    finally:
        srv.stop()
    p = subprocess.run([BIN, "admin", "--data", srv.data, "master-key", "rotate"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    again = Server(data_dir=srv.data).start()
    try:
        c = again.client()
        for key, v in bodies.items():
            assert c.get_object(Bucket="kms-rotate", Key=key)["Body"].read() == v
        assert c.get_object(Bucket="kms-rotate", Key="s3")["Body"].read() == b"sse-s3"
        c.complete_multipart_upload(Bucket="kms-rotate", Key="pending", UploadId=u["UploadId"],
                                    MultipartUpload={"Parts": [{"PartNumber": 1,
                                                                "ETag": r["ETag"]}]})
        assert c.get_object(Bucket="kms-rotate", Key="pending")["Body"].read() == part
        # the keys still make new data keys
        c.put_object(Bucket="kms-rotate", Key="after", Body=b"after",
                     ServerSideEncryption="aws:kms", SSEKMSKeyId=md["KeyId"])
        assert c.get_object(Bucket="kms-rotate", Key="after")["Body"].read() == b"after"
    finally:
        again.stop()
        srv.cleanup()


def test_sigv2_requests_are_refused(server, s3, bucket):
    """AWS: requests using SSE-KMS must be signed with SigV4."""
    v2 = boto3.client("s3", endpoint_url=server.endpoint, region_name=server.region,
                      aws_access_key_id=server.access_key,
                      aws_secret_access_key=server.secret_key,
                      config=Config(signature_version="s3", s3={"addressing_style": "path"},
                                    retries={"max_attempts": 1}))
    s3.put_object(Bucket=bucket, Key="v4", Body=b"v4", ServerSideEncryption="aws:kms")
    with pytest.raises(ClientError) as e:
        v2.get_object(Bucket=bucket, Key="v4")
    assert error_code(e.value) == "InvalidArgument"
    assert "Signature Version 4" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        v2.put_object(Bucket=bucket, Key="v2", Body=b"v2", ServerSideEncryption="aws:kms")
    assert error_code(e.value) == "InvalidArgument"
    # SSE-S3 objects are not concerned
    s3.put_object(Bucket=bucket, Key="s3", Body=b"s3", ServerSideEncryption="AES256")
    assert v2.get_object(Bucket=bucket, Key="s3")["Body"].read() == b"s3"
    # anonymous readers are refused
    s3.put_object(Bucket=bucket, Key="pub", Body=b"p", ServerSideEncryption="aws:kms")
    anon = server.anonymous_client()
    with pytest.raises(ClientError) as e:
        anon.get_object(Bucket=bucket, Key="pub")
    assert error_code(e.value) == "AccessDenied"


def test_anonymous_requests_cannot_use_kms_keys(legacy_srv):
    c = legacy_srv.client()
    c.create_bucket(Bucket="kms-public")
    c.put_bucket_policy(Bucket="kms-public", Policy=json.dumps({"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*",
                       "Action": ["s3:PutObject", "s3:GetObject"],
                       "Resource": "arn:aws:s3:::kms-public/*"}]}))
    anon = legacy_srv.anonymous_client()
    anon.put_object(Bucket="kms-public", Key="plain", Body=b"plain")  # the policy allows it
    with pytest.raises(ClientError) as e:
        anon.put_object(Bucket="kms-public", Key="k", Body=b"k", ServerSideEncryption="aws:kms")
    assert error_code(e.value) == "AccessDenied"
    c.put_object(Bucket="kms-public", Key="sealed", Body=b"s", ServerSideEncryption="aws:kms")
    assert anon.get_object(Bucket="kms-public", Key="plain")["Body"].read() == b"plain"
    with pytest.raises(ClientError) as e:  # the key policy knows no anonymous principal
        anon.get_object(Bucket="kms-public", Key="sealed")
    assert error_code(e.value) == "AccessDenied"


def test_head_with_disabled_key_answers_from_metadata(s3, kms, bucket):
    """AWS answers HeadObject of an SSE-KMS object from its metadata, without a KMS Decrypt:
    HEAD succeeds while the key is disabled or pending deletion; GET fails."""
    md = kms.create_key()["KeyMetadata"]
    body = os.urandom(70000)
    s3.put_object(Bucket=bucket, Key="hd", Body=body, ServerSideEncryption="aws:kms",
                  SSEKMSKeyId=md["KeyId"], Metadata={"m": "v"})
    u = s3.create_multipart_upload(Bucket=bucket, Key="hd-mp", ServerSideEncryption="aws:kms",
                                   SSEKMSKeyId=md["KeyId"])
    parts = [os.urandom(5 * MiB), os.urandom(1000)]
    done = []
    for n, p in enumerate(parts, 1):
        r = s3.upload_part(Bucket=bucket, Key="hd-mp", UploadId=u["UploadId"], PartNumber=n,
                           Body=p)
        done.append({"PartNumber": n, "ETag": r["ETag"]})
    s3.complete_multipart_upload(Bucket=bucket, Key="hd-mp", UploadId=u["UploadId"],
                                 MultipartUpload={"Parts": done})
    kms.disable_key(KeyId=md["KeyId"])
    h = s3.head_object(Bucket=bucket, Key="hd")
    assert h["ContentLength"] == len(body) and h["Metadata"] == {"m": "v"}
    assert h["ServerSideEncryption"] == "aws:kms" and h["SSEKMSKeyId"] == md["Arn"]
    h = s3.head_object(Bucket=bucket, Key="hd", Range="bytes=10-99")
    assert h["ResponseMetadata"]["HTTPStatusCode"] == 206 and h["ContentLength"] == 90
    assert h["ResponseMetadata"]["HTTPHeaders"]["content-range"] == "bytes 10-99/%d" % len(body)
    h = s3.head_object(Bucket=bucket, Key="hd-mp")
    assert h["ContentLength"] == sum(map(len, parts)) and h["ETag"].endswith('-2"')
    h = s3.head_object(Bucket=bucket, Key="hd-mp", PartNumber=2)
    assert h["ContentLength"] == 1000 and h["PartsCount"] == 2
    for k in ("hd", "hd-mp"):
        with pytest.raises(ClientError) as e:
            s3.get_object(Bucket=bucket, Key=k)
        assert error_code(e.value) == "KMS.DisabledException" and status(e.value) == 400
    # SSE-C headers on HEAD of an SSE-KMS object stay an error
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="hd", SSECustomerAlgorithm="AES256",
                       SSECustomerKey=os.urandom(32))
    assert status(e.value) == 400
    kms.schedule_key_deletion(KeyId=md["KeyId"], PendingWindowInDays=7)
    assert s3.head_object(Bucket=bucket, Key="hd")["ContentLength"] == len(body)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="hd")
    assert error_code(e.value) == "KMS.KMSInvalidStateException"
    kms.cancel_key_deletion(KeyId=md["KeyId"])
    kms.enable_key(KeyId=md["KeyId"])
    assert s3.get_object(Bucket=bucket, Key="hd")["Body"].read() == body
    assert s3.get_object(Bucket=bucket, Key="hd-mp")["Body"].read() == b"".join(parts)


def test_tampered_kms_blobs_answer_500_never_wrong_bytes():
    """A flipped byte, a truncated file or two objects' files swapped on disk: GET of an SSE-KMS
    object answers 500 InternalError (and logs why), never wrong bytes."""
    from test_sse import blob_files, flip, sealed_size
    srv = Server().start()
    try:
        c = srv.client()
        c.create_bucket(Bucket="tamper-kms")
        k = kms_client(srv).create_key()["KeyMetadata"]["KeyId"]
        sizes = {"flip": 100001, "cut": 200003, "a": 300007, "b": 300007}
        bodies = {n: os.urandom(s) for n, s in sizes.items()}
        for n, body in bodies.items():
            c.put_object(Bucket="tamper-kms", Key=n, Body=body, ServerSideEncryption="aws:kms",
                         SSEKMSKeyId=k)

        def blobs_of(size):
            return [f for f in blob_files(srv.data) if os.path.getsize(f) == sealed_size(size)]

        def get_fails(key, rng=None):
            kw = {"Range": rng} if rng else {}
            with pytest.raises(ClientError) as e:
                c.get_object(Bucket="tamper-kms", Key=key, **kw)
            assert error_code(e.value) == "InternalError" and status(e.value) == 500

        (f,) = blobs_of(sizes["flip"])
        flip(f, 16 + 65536 + 16 + 100)  # in the second segment
        get_fails("flip")
        get_fails("flip", "bytes=70000-70010")
        g = c.get_object(Bucket="tamper-kms", Key="flip", Range="bytes=0-999")  # untouched
        assert g["Body"].read() == bodies["flip"][:1000]
        (f,) = blobs_of(sizes["cut"])
        os.truncate(f, os.path.getsize(f) - 16)  # the last segment's tag gone
        get_fails("cut")
        fa, fb = blobs_of(sizes["a"])
        tmp = fa + ".swap"
        os.rename(fa, tmp)
        os.rename(fb, fa)
        os.rename(tmp, fb)
        get_fails("a")
        get_fails("b", "bytes=0-9")
        log = srv.read_log()
        for key in ("flip", "cut", "a", "b"):  # one line per refused GET names the object
            assert "tamper-kms/%s " % key in log, log[-3000:]
        assert "failed authentication" in log, log[-3000:]
    finally:
        srv.stop()
        srv.cleanup()
