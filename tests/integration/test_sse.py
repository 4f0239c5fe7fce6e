"""SSE-S3 end to end (issue 11): x-amz-server-side-encryption: AES256 with boto3 and the aws CLI
(`s3 cp --sse AES256`), small, multipart and ranged objects read back byte-exact, the header on
every answer AWS gives it, default bucket encryption (AWS's SSE-S3 default, and the legacy
server's none), copies between encrypted and plain, no plaintext byte on disk (grep of the data
directory, with a plain control), tampered blobs answering 500 instead of wrong bytes, restarts
with the same and with a wrong master key, Put/Get/DeleteBucketEncryption and their errors, the
bucket-policy condition key and the inventory report's EncryptionStatus; SSE-C (customer keys)
on PUT/GET/HEAD/copies, refused over plain HTTP unless serve --allow-insecure-sse-c."""
import json
import os
import subprocess

import pytest
from botocore.exceptions import ClientError

from conftest import BIN, Server, allow_inventory_delivery, error_code, serve_checked, fs_blobs_only

MARKER = b"STOCKTAKE-SSE-MARKER-7c41e0-plaintext-never-on-disk"
MiB = 1024 * 1024


@pytest.fixture(scope="module")
def legacy_srv():
    yield from serve_checked(["--legacy-bucket-defaults"])


@pytest.fixture(scope="module")
def lc(legacy_srv):
    return legacy_srv.client()


_n = [0]


def new_bucket(client, prefix="sse"):
    _n[0] += 1
    name = "%s-%d-%d" % (prefix, os.getpid(), _n[0])
    client.create_bucket(Bucket=name)
    return name


def blob_files(data_dir):
    out = []
    for root, _, files in os.walk(os.path.join(data_dir, "blobs")):
        out += [os.path.join(root, f) for f in files]
    return out


def sealed_size(n, seg=64 * 1024):
    return 16 + n + max(1, -(-n // seg)) * 16


def blob_of_size(data_dir, size):
    found = [f for f in blob_files(data_dir) if os.path.getsize(f) == size]
    assert len(found) == 1, (size, found)
    return found[0]


def flip(path, offset):
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x40]))


def add_sse_header(params, **kwargs):
    params["headers"]["x-amz-server-side-encryption"] = "AES256"


def test_put_get_head_small_and_ranges(s3, bucket):
    body = os.urandom(200 * 1024 + 3)
    r = s3.put_object(Bucket=bucket, Key="small", Body=body, ServerSideEncryption="AES256")
    assert r["ServerSideEncryption"] == "AES256"
    import hashlib
    assert r["ETag"] == '"%s"' % hashlib.md5(body).hexdigest()  # MD5 of the plaintext
    g = s3.get_object(Bucket=bucket, Key="small")
    assert g["ServerSideEncryption"] == "AES256"
    assert g["ContentLength"] == len(body) and g["Body"].read() == body
    h = s3.head_object(Bucket=bucket, Key="small")
    assert h["ServerSideEncryption"] == "AES256" and h["ContentLength"] == len(body)
    for a, b in [(0, 0), (0, 65535), (65535, 65536), (65536, 131071), (1000, 150000),
                 (len(body) - 1, len(body) - 1), (131072, len(body) - 1)]:
        g = s3.get_object(Bucket=bucket, Key="small", Range="bytes=%d-%d" % (a, b))
        assert g["Body"].read() == body[a:b + 1], (a, b)
        assert g["ContentRange"] == "bytes %d-%d/%d" % (a, b, len(body))
    g = s3.get_object(Bucket=bucket, Key="small", Range="bytes=-10")
    assert g["Body"].read() == body[-10:]
    # the header belongs to writes: a GET or HEAD naming it is refused, as AWS does
    for op in ("GetObject", "HeadObject"):
        s3.meta.events.register("before-call.s3." + op, add_sse_header)
    try:
        for call in (s3.get_object, s3.head_object):
            with pytest.raises(ClientError) as e:
                call(Bucket=bucket, Key="small")
            assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    finally:
        for op in ("GetObject", "HeadObject"):
            s3.meta.events.unregister("before-call.s3." + op, add_sse_header)
    s3.put_object(Bucket=bucket, Key="empty", Body=b"", ServerSideEncryption="AES256")
    g = s3.get_object(Bucket=bucket, Key="empty")
    assert g["Body"].read() == b"" and g["ServerSideEncryption"] == "AES256"


def test_large_object_streams_byte_exact(s3, bucket):
    body = os.urandom(16 * MiB + 12345)
    s3.put_object(Bucket=bucket, Key="big", Body=body, ServerSideEncryption="AES256")
    assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == body
    a, b = 3 * MiB + 17, 9 * MiB + 5
    g = s3.get_object(Bucket=bucket, Key="big", Range="bytes=%d-%d" % (a, b))
    assert g["Body"].read() == body[a:b + 1]


def test_multipart_parts_and_complete(s3, bucket):
    u = s3.create_multipart_upload(Bucket=bucket, Key="mp", ServerSideEncryption="AES256")
    assert u["ServerSideEncryption"] == "AES256"
    parts = [os.urandom(5 * MiB + 7), os.urandom(5 * MiB), os.urandom(777)]
    done = []
    for i, p in enumerate(parts, 1):
        r = s3.upload_part(Bucket=bucket, Key="mp", UploadId=u["UploadId"], PartNumber=i, Body=p)
        assert r["ServerSideEncryption"] == "AES256"
        done.append({"PartNumber": i, "ETag": r["ETag"]})
    c = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=u["UploadId"],
                                     MultipartUpload={"Parts": done})
    assert c["ServerSideEncryption"] == "AES256" and c["ETag"].endswith('-3"')
    whole = b"".join(parts)
    g = s3.get_object(Bucket=bucket, Key="mp")
    assert g["ServerSideEncryption"] == "AES256" and g["Body"].read() == whole
    g = s3.get_object(Bucket=bucket, Key="mp", PartNumber=2)
    assert g["Body"].read() == parts[1]
    a = 5 * MiB - 100
    g = s3.get_object(Bucket=bucket, Key="mp", Range="bytes=%d-%d" % (a, a + 300))
    assert g["Body"].read() == whole[a:a + 301]
    # UploadPartCopy from an encrypted source into an encrypted upload
    u2 = s3.create_multipart_upload(Bucket=bucket, Key="mp2", ServerSideEncryption="AES256")
    r = s3.upload_part_copy(Bucket=bucket, Key="mp2", UploadId=u2["UploadId"], PartNumber=1,
                            CopySource={"Bucket": bucket, "Key": "mp"},
                            CopySourceRange="bytes=100-5242979")
    assert r["ServerSideEncryption"] == "AES256"
    s3.complete_multipart_upload(
        Bucket=bucket, Key="mp2", UploadId=u2["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": r["CopyPartResult"]["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key="mp2")["Body"].read() == whole[100:5242980]


def test_aws_cli_cp_sse(server, bucket, tmp_path):
    src = tmp_path / "up.bin"
    data = os.urandom(9 * MiB + 3)  # above the CLI's multipart threshold
    src.write_bytes(data)
    env = dict(os.environ, AWS_ACCESS_KEY_ID=server.access_key,
               AWS_SECRET_ACCESS_KEY=server.secret_key, AWS_DEFAULT_REGION="us-east-1")
    aws = ["/usr/bin/aws", "--endpoint-url", server.endpoint]
    subprocess.run(aws + ["s3", "cp", "--sse", "AES256", str(src), "s3://%s/cli.bin" % bucket],
                   check=True, env=env, capture_output=True)
    head = json.loads(subprocess.run(aws + ["s3api", "head-object", "--bucket", bucket, "--key",
                                            "cli.bin"], check=True, env=env,
                                     capture_output=True).stdout)
    assert head["ServerSideEncryption"] == "AES256" and head["ContentLength"] == len(data)
    out = tmp_path / "down.bin"
    subprocess.run(aws + ["s3", "cp", "s3://%s/cli.bin" % bucket, str(out)], check=True, env=env,
                   capture_output=True)
    assert out.read_bytes() == data


def test_default_encryption_of_new_buckets(s3, bucket):
    cfg = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert cfg["Rules"] == [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                             "BucketKeyEnabled": False}]
    r = s3.put_object(Bucket=bucket, Key="nohdr", Body=b"x" * 100)
    assert r["ServerSideEncryption"] == "AES256"
    assert s3.head_object(Bucket=bucket, Key="nohdr")["ServerSideEncryption"] == "AES256"
    u = s3.create_multipart_upload(Bucket=bucket, Key="mpd")
    assert u["ServerSideEncryption"] == "AES256"
    s3.abort_multipart_upload(Bucket=bucket, Key="mpd", UploadId=u["UploadId"])
    # Delete restores the default (AWS since 2023): still AES256
    s3.delete_bucket_encryption(Bucket=bucket)
    cfg = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert cfg["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


def test_legacy_bucket_has_no_default(lc):
    b = new_bucket(lc)
    with pytest.raises(ClientError) as e:
        lc.get_bucket_encryption(Bucket=b)
    assert error_code(e.value) == "ServerSideEncryptionConfigurationNotFoundError"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    r = lc.put_object(Bucket=b, Key="plain", Body=b"p")
    assert "ServerSideEncryption" not in r
    assert "ServerSideEncryption" not in lc.head_object(Bucket=b, Key="plain")
    lc.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
         "BucketKeyEnabled": True}]})
    cfg = lc.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]
    assert cfg["Rules"] == [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                             "BucketKeyEnabled": True}]
    r = lc.put_object(Bucket=b, Key="after", Body=b"a")
    assert r["ServerSideEncryption"] == "AES256"
    assert "ServerSideEncryption" not in lc.head_object(Bucket=b, Key="plain")  # unchanged
    lc.delete_bucket_encryption(Bucket=b)
    with pytest.raises(ClientError) as e:
        lc.get_bucket_encryption(Bucket=b)
    assert error_code(e.value) == "ServerSideEncryptionConfigurationNotFoundError"
    assert "ServerSideEncryption" not in lc.put_object(Bucket=b, Key="again", Body=b"x")


def test_copy_plain_to_sse_and_sse_to_plain_bucket(lc):
    plain, enc = new_bucket(lc, "plain"), new_bucket(lc, "enc")
    lc.put_bucket_encryption(Bucket=enc, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    body = os.urandom(300 * 1024)
    lc.put_object(Bucket=plain, Key="src", Body=body)
    r = lc.copy_object(Bucket=enc, Key="c1", CopySource={"Bucket": plain, "Key": "src"})
    assert r["ServerSideEncryption"] == "AES256"
    g = lc.get_object(Bucket=enc, Key="c1")
    assert g["ServerSideEncryption"] == "AES256" and g["Body"].read() == body
    r = lc.copy_object(Bucket=plain, Key="c2", CopySource={"Bucket": enc, "Key": "c1"})
    assert "ServerSideEncryption" not in r
    g = lc.get_object(Bucket=plain, Key="c2")
    assert "ServerSideEncryption" not in g and g["Body"].read() == body
    # the header asks for SSE in a plain bucket; a copy onto itself may change encryption
    r = lc.copy_object(Bucket=plain, Key="c2", CopySource={"Bucket": plain, "Key": "c2"},
                       ServerSideEncryption="AES256")
    assert r["ServerSideEncryption"] == "AES256"
    assert lc.get_object(Bucket=plain, Key="c2")["Body"].read() == body
    with pytest.raises(ClientError) as e:
        lc.copy_object(Bucket=plain, Key="src", CopySource={"Bucket": plain, "Key": "src"})
    assert error_code(e.value) == "InvalidRequest"


def test_unknown_modes_are_invalid(s3, bucket):
    # aws:kms and aws:kms:dsse: tests/integration/test_sse_kms.py
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="x", Body=b"x", ServerSideEncryption="DES3")
    assert error_code(e.value) == "InvalidArgument"
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="x", Body=b"x", ServerSideEncryption="AES256",
                      SSEKMSKeyId="arn:aws:kms:us-east-1:111122223333:key/k")
    assert error_code(e.value) == "InvalidArgument"


def test_put_bucket_encryption_errors(s3, bucket):
    def put(rules):
        s3.put_bucket_encryption(Bucket=bucket,
                                 ServerSideEncryptionConfiguration={"Rules": rules})
    with pytest.raises(ClientError) as e:
        put([{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256",
                                                     "KMSMasterKeyID": "alias/x"}}])
    assert error_code(e.value) == "InvalidArgument"
    with pytest.raises(ClientError) as e:
        put([])
    assert error_code(e.value) == "MalformedXML"
    with pytest.raises(ClientError) as e:
        s3.get_bucket_encryption(Bucket="no-such-bucket-sse")
    assert error_code(e.value) == "NoSuchBucket"


def test_policy_condition_on_the_header(legacy_srv, lc):
    b = new_bucket(lc)
    account, key, secret = legacy_srv.add_account("sseuser")
    lc.put_bucket_policy(Bucket=b, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % account},
         "Action": "s3:PutObject",
         "Resource": "arn:aws:s3:::%s/*" % b},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
         "Resource": "arn:aws:s3:::%s/*" % b,
         "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": "AES256"}}}]}))
    c = legacy_srv.client(key, secret)
    with pytest.raises(ClientError) as e:
        c.put_object(Bucket=b, Key="no-header", Body=b"x")
    assert error_code(e.value) == "AccessDenied"
    r = c.put_object(Bucket=b, Key="with-header", Body=b"x", ServerSideEncryption="AES256")
    assert r["ServerSideEncryption"] == "AES256"


@pytest.fixture(scope="module")
def ssec_srv():
    yield from serve_checked(["--allow-insecure-sse-c"])


def ssec(key, copy_source=False):
    p = "CopySource" if copy_source else ""
    return {p + "SSECustomerAlgorithm": "AES256", p + "SSECustomerKey": key}


def put_encryption_xml(server, bucket, blocked):
    """PutBucketEncryption with BlockedEncryptionTypes (newer than this boto3 and aws CLI),
    signed by tests/integration/sigv4.py; returns the status."""
    import base64
    import hashlib
    from sigv4 import signed_request
    body = ('<ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            "<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
            "</ApplyServerSideEncryptionByDefault><BlockedEncryptionTypes><EncryptionType>%s"
            "</EncryptionType></BlockedEncryptionTypes></Rule>"
            "</ServerSideEncryptionConfiguration>" % blocked).encode()
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    status, _, data = signed_request(server, "PUT", "/" + bucket, [("encryption", "")],
                                     {"content-md5": md5}, body)
    assert status == 200, data
    return status


def get_encryption_xml(server, bucket):
    from sigv4 import signed_request
    status, _, data = signed_request(server, "GET", "/" + bucket, [("encryption", "")])
    assert status == 200, data
    return data.decode()


def allow_sse_c(server, bucket):
    """AWS blocks SSE-C on new buckets since April 2026: unblock it, as AWS's docs do."""
    put_encryption_xml(server, bucket, "NONE")


def test_sse_c_blocked_on_new_buckets(ssec_srv):
    c = ssec_srv.client()
    b = new_bucket(c)
    blocked = ("<BlockedEncryptionTypes><EncryptionType>%s</EncryptionType>"
               "</BlockedEncryptionTypes>")
    assert blocked % "SSE-C" in get_encryption_xml(ssec_srv, b)
    with pytest.raises(ClientError) as e:
        c.put_object(Bucket=b, Key="c", Body=b"x", **ssec(os.urandom(32)))
    assert error_code(e.value) == "AccessDenied"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    allow_sse_c(ssec_srv, b)
    assert blocked % "NONE" in get_encryption_xml(ssec_srv, b)
    key = os.urandom(32)
    c.put_object(Bucket=b, Key="c", Body=b"x", **ssec(key))
    # blocking again refuses new SSE-C writes; the object already written still reads
    put_encryption_xml(ssec_srv, b, "SSE-C")
    with pytest.raises(ClientError) as e:
        c.copy_object(Bucket=b, Key="c2", CopySource={"Bucket": b, "Key": "c"},
                      **ssec(key, True), **ssec(key))
    assert error_code(e.value) == "AccessDenied"
    assert c.get_object(Bucket=b, Key="c", **ssec(key))["Body"].read() == b"x"
    # a configuration without BlockedEncryptionTypes: the new-bucket default (blocked)
    c.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    assert blocked % "SSE-C" in get_encryption_xml(ssec_srv, b)


def ssec_encoded(key):
    """The SSE-C parameters already encoded (CompleteMultipartUpload: this botocore does not
    encode them there)."""
    import base64
    import hashlib
    return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": base64.b64encode(key).decode(),
            "SSECustomerKeyMD5": base64.b64encode(hashlib.md5(key).digest()).decode()}


def test_sse_c_refused_over_plain_http(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="c", Body=b"x", **ssec(os.urandom(32)))
    assert error_code(e.value) == "InvalidRequest"
    assert "secure connection" in e.value.response["Error"]["Message"]


def test_sse_c_put_get_head_copy(ssec_srv):
    c = ssec_srv.client()
    b = new_bucket(c)
    allow_sse_c(ssec_srv, b)
    key, other = os.urandom(32), os.urandom(32)
    body = os.urandom(2 * MiB + 5)
    r = c.put_object(Bucket=b, Key="c", Body=body, **ssec(key))
    import base64
    import hashlib
    md5 = base64.b64encode(hashlib.md5(key).digest()).decode()
    assert r["SSECustomerAlgorithm"] == "AES256" and r["SSECustomerKeyMD5"] == md5
    assert "ServerSideEncryption" not in r
    g = c.get_object(Bucket=b, Key="c", **ssec(key))
    assert g["SSECustomerKeyMD5"] == md5 and g["Body"].read() == body
    g = c.get_object(Bucket=b, Key="c", Range="bytes=70000-1500000", **ssec(key))
    assert g["Body"].read() == body[70000:1500001]
    assert c.head_object(Bucket=b, Key="c", **ssec(key))["ContentLength"] == len(body)
    for call in (c.get_object, c.head_object):
        with pytest.raises(ClientError) as e:
            call(Bucket=b, Key="c")
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        with pytest.raises(ClientError) as e:  # another key: 400 (s3-tests, of AWS)
            call(Bucket=b, Key="c", **ssec(other))
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # key headers for an object that is not SSE-C
    c.put_object(Bucket=b, Key="plain", Body=b"p")
    with pytest.raises(ClientError) as e:
        c.get_object(Bucket=b, Key="plain", **ssec(key))
    assert error_code(e.value) == "InvalidRequest"
    # bad key headers
    with pytest.raises(ClientError) as e:
        c.put_object(Bucket=b, Key="bad", Body=b"x", SSECustomerAlgorithm="AES256",
                     SSECustomerKey=os.urandom(16))
    assert error_code(e.value) == "InvalidArgument"
    with pytest.raises(ClientError) as e:
        c.put_object(Bucket=b, Key="bad", Body=b"x", SSECustomerAlgorithm="AES256",
                     SSECustomerKey=base64.b64encode(key).decode(),  # as given: MD5 is set
                     SSECustomerKeyMD5=base64.b64encode(b"0" * 16).decode())
    assert error_code(e.value) == "InvalidArgument"
    # copies: the source's key to read it, the target's key (or none) to write
    with pytest.raises(ClientError) as e:
        c.copy_object(Bucket=b, Key="c2", CopySource={"Bucket": b, "Key": "c"})
    assert error_code(e.value) == "InvalidRequest"
    r = c.copy_object(Bucket=b, Key="c2", CopySource={"Bucket": b, "Key": "c"},
                      **ssec(key, True), **ssec(other))
    assert r["SSECustomerKeyMD5"] == base64.b64encode(hashlib.md5(other).digest()).decode()
    assert c.get_object(Bucket=b, Key="c2", **ssec(other))["Body"].read() == body
    r = c.copy_object(Bucket=b, Key="c3", CopySource={"Bucket": b, "Key": "c2"},
                      **ssec(other, True))
    assert r["ServerSideEncryption"] == "AES256"  # the bucket default
    assert c.get_object(Bucket=b, Key="c3")["Body"].read() == body
    u = c.create_multipart_upload(Bucket=b, Key="mp")
    r = c.upload_part_copy(Bucket=b, Key="mp", UploadId=u["UploadId"], PartNumber=1,
                           CopySource={"Bucket": b, "Key": "c"}, **ssec(key, True))
    c.complete_multipart_upload(Bucket=b, Key="mp", UploadId=u["UploadId"], MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": r["CopyPartResult"]["ETag"]}]})
    assert c.get_object(Bucket=b, Key="mp")["Body"].read() == body


@fs_blobs_only
def test_sse_c_multipart(ssec_srv):
    c = ssec_srv.client()
    b = new_bucket(c)
    allow_sse_c(ssec_srv, b)
    key, other = os.urandom(32), os.urandom(32)
    u = c.create_multipart_upload(Bucket=b, Key="mp", **ssec(key))
    assert u["SSECustomerAlgorithm"] == "AES256"
    parts = [os.urandom(5 * MiB + 3), os.urandom(5 * MiB)]
    done = []
    for n, body in zip((1, 3), parts):  # part numbers with a gap
        r = c.upload_part(Bucket=b, Key="mp", UploadId=u["UploadId"], PartNumber=n, Body=body,
                          **ssec(key))
        assert r["SSECustomerAlgorithm"] == "AES256"
        done.append({"PartNumber": n, "ETag": r["ETag"]})
    for extra, status in (({}, 400), (ssec(other), 400)):
        with pytest.raises(ClientError) as e:
            c.upload_part(Bucket=b, Key="mp", UploadId=u["UploadId"], PartNumber=2, Body=b"x",
                          **extra)
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    # UploadPartCopy from an SSE-S3 object into the SSE-C upload, with the upload's key
    c.put_object(Bucket=b, Key="src", Body=b"copied-part" * 1000)
    r = c.upload_part_copy(Bucket=b, Key="mp", UploadId=u["UploadId"], PartNumber=4,
                           CopySource={"Bucket": b, "Key": "src"}, **ssec(key))
    done.append({"PartNumber": 4, "ETag": r["CopyPartResult"]["ETag"]})
    parts.append(b"copied-part" * 1000)
    # Complete may bring the upload's key (s3-tests does), then it must be the upload's; the
    # parts stay sealed under it
    with pytest.raises(ClientError) as e:
        c.complete_multipart_upload(Bucket=b, Key="mp", UploadId=u["UploadId"],
                                    MultipartUpload={"Parts": done}, **ssec_encoded(other))
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    c.complete_multipart_upload(Bucket=b, Key="mp", UploadId=u["UploadId"],
                                MultipartUpload={"Parts": done}, **ssec_encoded(key))
    whole = b"".join(parts)
    assert c.get_object(Bucket=b, Key="mp", **ssec(key))["Body"].read() == whole
    # without the key, as on AWS (and as the aws CLI's `s3 cp --sse-c` completes)
    u2 = c.create_multipart_upload(Bucket=b, Key="mp-nokey", **ssec(key))
    r = c.upload_part(Bucket=b, Key="mp-nokey", UploadId=u2["UploadId"], PartNumber=1,
                      Body=b"no key on complete", **ssec(key))
    r = c.complete_multipart_upload(Bucket=b, Key="mp-nokey", UploadId=u2["UploadId"],
                                    MultipartUpload={"Parts": [{"PartNumber": 1,
                                                                "ETag": r["ETag"]}]})
    assert "SSECustomerAlgorithm" not in r and "ServerSideEncryption" not in r
    assert c.get_object(Bucket=b, Key="mp-nokey", **ssec(key))["Body"].read() == \
        b"no key on complete"
    with pytest.raises(ClientError) as e:
        c.get_object(Bucket=b, Key="mp-nokey")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    a = 5 * MiB - 10
    g = c.get_object(Bucket=b, Key="mp", Range="bytes=%d-%d" % (a, a + 80000), **ssec(key))
    assert g["Body"].read() == whole[a:a + 80001]
    assert c.get_object(Bucket=b, Key="mp", PartNumber=2, **ssec(key))["Body"].read() == parts[1]
    for extra, status in (({}, 400), (ssec(other), 400)):
        with pytest.raises(ClientError) as e:
            c.get_object(Bucket=b, Key="mp", **extra)
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    r = c.copy_object(Bucket=b, Key="plain-copy", CopySource={"Bucket": b, "Key": "mp"},
                      **ssec(key, True))
    assert c.get_object(Bucket=b, Key="plain-copy")["Body"].read() == whole
    # a flipped byte in the assembled blob: 500, not wrong bytes
    size = sum(36 + sealed_size(len(p)) for p in parts)
    flip(blob_of_size(ssec_srv.data, size), 36 + 16 + 5)
    with pytest.raises(ClientError) as e:
        c.get_object(Bucket=b, Key="mp", Range="bytes=0-99", **ssec(key))
    assert error_code(e.value) == "InternalError"


def write_markers(client, bucket, sse):
    extra = {"ServerSideEncryption": "AES256"} if sse else {}
    client.put_object(Bucket=bucket, Key="marker-small", Body=MARKER * 3, **extra)
    client.put_object(Bucket=bucket, Key="marker-big", Body=MARKER * 200000, **extra)
    u = client.create_multipart_upload(Bucket=bucket, Key="marker-mp", **extra)
    r = client.upload_part(Bucket=bucket, Key="marker-mp", UploadId=u["UploadId"], PartNumber=1,
                           Body=MARKER * 120000)
    client.complete_multipart_upload(
        Bucket=bucket, Key="marker-mp", UploadId=u["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": r["ETag"]}]})
    client.copy_object(Bucket=bucket, Key="marker-copy",
                       CopySource={"Bucket": bucket, "Key": "marker-small"})
    if sse:
        client.put_object(Bucket=bucket, Key="marker-c", Body=MARKER * 1000,
                          **ssec(b"k" * 32))
        u = client.create_multipart_upload(Bucket=bucket, Key="marker-mpc", **ssec(b"k" * 32))
        r = client.upload_part(Bucket=bucket, Key="marker-mpc", UploadId=u["UploadId"],
                               PartNumber=1, Body=MARKER * 1000, **ssec(b"k" * 32))
        client.complete_multipart_upload(
            Bucket=bucket, Key="marker-mpc", UploadId=u["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": r["ETag"]}]},
            **ssec_encoded(b"k" * 32))


def grep_data(data_dir):
    return subprocess.run(["grep", "-rlaF", MARKER[:24].decode(), data_dir],
                          capture_output=True, text=True).stdout.split()


@fs_blobs_only
def test_no_plaintext_reaches_the_disk():
    srv = Server(args=["--blob-grace-seconds", "0.1", "--allow-insecure-sse-c"]).start()
    try:
        c = srv.client()
        b = new_bucket(c)
        allow_sse_c(srv, b)
        write_markers(c, b, True)
        assert c.get_object(Bucket=b, Key="marker-big")["Body"].read() == MARKER * 200000
        assert c.get_object(Bucket=b, Key="marker-mp")["Body"].read() == MARKER * 120000
        assert grep_data(srv.data) == []
    finally:
        srv.stop()
        srv.cleanup()
    # the control: the same objects unencrypted are found by the same grep
    srv = Server(args=["--legacy-bucket-defaults"]).start()
    try:
        c = srv.client()
        b = new_bucket(c)
        write_markers(c, b, False)
        assert grep_data(srv.data) != []
    finally:
        srv.stop()
        srv.cleanup()


@fs_blobs_only
def test_tampered_blob_answers_500_never_wrong_bytes():
    srv = Server().start()
    try:
        c = srv.client()
        b = new_bucket(c)
        small = os.urandom(100000)
        big = os.urandom(3 * MiB)
        c.put_object(Bucket=b, Key="small", Body=small)
        c.put_object(Bucket=b, Key="big", Body=big)
        flip(blob_of_size(srv.data, sealed_size(len(small))), 70000)
        with pytest.raises(ClientError) as e:
            c.get_object(Bucket=b, Key="small")
        assert error_code(e.value) == "InternalError"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        # a range in the untouched first segment still reads
        assert c.get_object(Bucket=b, Key="small", Range="bytes=0-999")["Body"].read() == \
            small[:1000]
        # the big one: a segment past the first block is bad; the stream is cut, not wrong
        seg = 64 * 1024 + 16
        flip(blob_of_size(srv.data, sealed_size(len(big))), 16 + 40 * seg + 5)
        with pytest.raises(ClientError) as e:
            c.get_object(Bucket=b, Key="big", Range="bytes=%d-%d" % (40 * 65536, 40 * 65536 + 9))
        assert error_code(e.value) == "InternalError"
        got = None
        try:
            got = c.get_object(Bucket=b, Key="big")["Body"].read()
        except Exception:  # the connection is aborted mid-body
            pass
        assert got != big and (got is None or got == big[:len(got)])
        assert "failed authentication" in srv.read_log()
    finally:
        srv.stop()
        srv.cleanup()


def test_restart_with_same_and_wrong_master_key(tmp_path):
    key_file = tmp_path / "master.key"
    srv = Server(args=["--master-key-file", str(key_file)]).start()
    body = os.urandom(150000)
    try:
        c = srv.client()
        b = new_bucket(c)
        c.put_object(Bucket=b, Key="k", Body=body)
        assert oct(os.stat(key_file).st_mode & 0o777) == "0o600"
        assert "created a new SSE-S3 master key" in srv.read_log()
    finally:
        srv.stop()
    again = Server(data_dir=srv.data, args=["--master-key-file", str(key_file)]).start()
    try:
        assert again.client().get_object(Bucket=b, Key="k")["Body"].read() == body
    finally:
        again.stop()
    wrong = Server(data_dir=srv.data, env_extra={"STOCKTAKE_MASTER_KEY": "ab" * 32})
    with pytest.raises(RuntimeError) as e:
        wrong.start()
    assert "wrong master key" in str(e.value)
    # without the data directory's record of the key, the wrong key fails on the read, loudly
    os.unlink(os.path.join(srv.data, "master-key.id"))
    wrong = Server(data_dir=srv.data, env_extra={"STOCKTAKE_MASTER_KEY": "ab" * 32}).start()
    try:
        with pytest.raises(ClientError) as e:
            wrong.client().get_object(Bucket=b, Key="k")
        assert error_code(e.value) == "InternalError"
        assert "wrong master key" in wrong.read_log()
    finally:
        wrong.stop()
        wrong.cleanup()
        srv.cleanup()


def test_inventory_encryption_status():
    legacy_srv = Server(args=["--legacy-bucket-defaults", "--allow-insecure-sse-c"]).start()
    try:
        inventory_encryption_status(legacy_srv, legacy_srv.client())
    finally:
        legacy_srv.stop()
        legacy_srv.cleanup()


def inventory_encryption_status(legacy_srv, lc):
    src, dest = new_bucket(lc, "invsrc"), new_bucket(lc, "invdst")
    allow_inventory_delivery(legacy_srv, lc, dest)
    lc.put_object(Bucket=src, Key="plain", Body=b"p")
    lc.put_object(Bucket=src, Key="sse", Body=b"s", ServerSideEncryption="AES256")
    lc.put_object(Bucket=src, Key="ssec", Body=b"c", **ssec(b"c" * 32))
    lc.put_bucket_inventory_configuration(Bucket=src, Id="enc", InventoryConfiguration={
        "Id": "enc", "IsEnabled": True, "IncludedObjectVersions": "Current",
        "Schedule": {"Frequency": "Daily"},
        "OptionalFields": ["EncryptionStatus", "BucketKeyStatus"],
        "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::" + dest,
                                                "Format": "CSV"}}})
    p = subprocess.run([BIN, "inventory", "run", "--data", legacy_srv.data, "--bucket", src,
                        "--id", "enc"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    manifest = json.loads(lc.get_object(Bucket=dest, Key=p.stdout.strip())["Body"].read())
    import gzip
    rows = b"".join(gzip.decompress(lc.get_object(Bucket=dest, Key=f["key"])["Body"].read())
                    for f in manifest["files"]).decode().splitlines()
    assert sorted(rows) == sorted(['"%s","plain","NOT-SSE","DISABLED"' % src,
                                   '"%s","sse","SSE-S3","DISABLED"' % src,
                                   '"%s","ssec","SSE-C","DISABLED"' % src])


def test_sse_c_over_https_without_the_insecure_flag(tmp_path):
    import boto3
    from botocore.config import Config
    from test_tls import _cert, _keys, _serve
    d = str(tmp_path)
    _cert(d)
    p, port = _serve(d, "--legacy-bucket-defaults")  # legacy: SSE-C is not blocked
    try:
        ak, sk = _keys(p)
        c = boto3.client("s3", endpoint_url="https://127.0.0.1:%d" % port, region_name="us-east-1",
                         aws_access_key_id=ak, aws_secret_access_key=sk, verify=d + "/c.pem",
                         config=Config(signature_version="s3v4", retries={"max_attempts": 1}))
        c.create_bucket(Bucket="tls-ssec")
        key = os.urandom(32)
        body = os.urandom(100000)
        r = c.put_object(Bucket="tls-ssec", Key="c", Body=body, **ssec(key))
        assert r["SSECustomerAlgorithm"] == "AES256"
        assert c.get_object(Bucket="tls-ssec", Key="c", **ssec(key))["Body"].read() == body
    finally:
        p.terminate()
        p.wait()


def test_sse_c_and_sse_s3_on_post_forms(ssec_srv):
    import requests
    c = ssec_srv.client()
    b = new_bucket(c)
    allow_sse_c(ssec_srv, b)
    key = os.urandom(32)
    enc = ssec_encoded(key)
    fields = {"x-amz-server-side-encryption-customer-algorithm": "AES256",
              "x-amz-server-side-encryption-customer-key": enc["SSECustomerKey"],
              "x-amz-server-side-encryption-customer-key-MD5": enc["SSECustomerKeyMD5"]}
    post = c.generate_presigned_post(b, "form-c", Fields=dict(fields),
                                     Conditions=[{k: v} for k, v in fields.items()])
    r = requests.post(post["url"], data=post["fields"], files={"file": ("f", b"form body")})
    assert r.status_code == 204, r.text
    assert r.headers["x-amz-server-side-encryption-customer-algorithm"] == "AES256"
    assert c.get_object(Bucket=b, Key="form-c", **ssec(key))["Body"].read() == b"form body"
    with pytest.raises(ClientError):
        c.get_object(Bucket=b, Key="form-c")
    # no encryption field: the bucket's default (SSE-S3)
    post = c.generate_presigned_post(b, "form-s3")
    r = requests.post(post["url"], data=post["fields"], files={"file": ("f", b"plain form")})
    assert r.status_code == 204, r.text
    assert r.headers["x-amz-server-side-encryption"] == "AES256"
    assert c.head_object(Bucket=b, Key="form-s3")["ServerSideEncryption"] == "AES256"


def test_master_key_rotate_rewraps_without_rewriting(tmp_path):
    srv = Server(args=["--legacy-bucket-defaults", "--allow-insecure-sse-c"]).start()
    try:
        c = srv.client()
        b = new_bucket(c)
        c.put_bucket_encryption(Bucket=b, ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        bodies = {"a": os.urandom(100000), "b": os.urandom(1000)}
        for k, v in bodies.items():
            c.put_object(Bucket=b, Key=k, Body=v)
        ckey = os.urandom(32)
        c.put_object(Bucket=b, Key="cust", Body=b"customer", **ssec(ckey))
        u = c.create_multipart_upload(Bucket=b, Key="pending")
        part = os.urandom(1234)
        r = c.upload_part(Bucket=b, Key="pending", UploadId=u["UploadId"], PartNumber=1,
                          Body=part)
    finally:
        srv.stop()
    blobs_before = {f: open(f, "rb").read() for f in blob_files(srv.data)}
    old_key = open(os.path.join(srv.data, "master.key")).read()
    p = subprocess.run([BIN, "admin", "--data", srv.data, "master-key", "rotate"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "re-wrapped 3 data keys" in p.stdout  # 2 SSE-S3 versions + the upload (not SSE-C)
    new_key = open(os.path.join(srv.data, "master.key")).read()
    assert new_key != old_key and not os.path.exists(os.path.join(srv.data, "master.key.new"))
    assert oct(os.stat(os.path.join(srv.data, "master.key")).st_mode & 0o777) == "0o600"
    # no object was rewritten
    assert {f: open(f, "rb").read() for f in blob_files(srv.data)} == blobs_before
    # the old key no longer opens the data directory
    wrong = Server(data_dir=srv.data, env_extra={"STOCKTAKE_MASTER_KEY": old_key.strip()})
    with pytest.raises(RuntimeError):
        wrong.start()
    again = Server(data_dir=srv.data, args=["--legacy-bucket-defaults",
                                            "--allow-insecure-sse-c"]).start()
    try:
        c = again.client()
        for k, v in bodies.items():
            assert c.get_object(Bucket=b, Key=k)["Body"].read() == v
        assert c.get_object(Bucket=b, Key="cust", **ssec(ckey))["Body"].read() == b"customer"
        c.complete_multipart_upload(Bucket=b, Key="pending", UploadId=u["UploadId"],
                                    MultipartUpload={"Parts": [{"PartNumber": 1,
                                                                "ETag": r["ETag"]}]})
        assert c.get_object(Bucket=b, Key="pending")["Body"].read() == part
    finally:
        again.stop()
    # a key from the environment: the new one goes to the file named
    env = dict(os.environ, STOCKTAKE_MASTER_KEY=new_key.strip())
    p = subprocess.run([BIN, "admin", "--data", srv.data, "master-key", "rotate"],
                       capture_output=True, text=True, env=env)
    assert p.returncode != 0 and "--new-key-file" in p.stderr
    target = tmp_path / "next.key"
    p = subprocess.run([BIN, "admin", "--data", srv.data, "master-key", "rotate",
                        "--new-key-file", str(target)], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr
    final = Server(data_dir=srv.data, args=["--master-key-file", str(target)]).start()
    try:
        assert final.client().get_object(Bucket=b, Key="a")["Body"].read() == bodies["a"]
    finally:
        final.stop()
        srv.cleanup()
