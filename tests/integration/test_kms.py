"""The built-in key service (issue 11): AWS KMS's JSON 1.1 API on the S3 endpoint
(X-Amz-Target TrentService.<Op>, SigV4 service kms), driven by boto3's kms client and
/usr/bin/aws kms."""
import base64
import json
import subprocess

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

AWS = "/usr/bin/aws"


def kms_client(server, access_key=None, secret_key=None):
    return boto3.client("kms", endpoint_url=server.endpoint, region_name=server.region,
                        aws_access_key_id=access_key or server.access_key,
                        aws_secret_access_key=secret_key or server.secret_key,
                        config=Config(retries={"max_attempts": 1}))


@pytest.fixture(scope="module")
def kms(server):
    return kms_client(server)


@pytest.fixture(scope="module")
def other(server):
    """A second account: (account id, its kms client)."""
    account, key, secret = server.add_account("kms-other")
    return account, kms_client(server, key, secret)


def raw_kms(server, target, body, service="kms"):
    """One signed JSON request (for ops this botocore's model lacks); (status, answer)."""
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
    import urllib.error
    import urllib.request
    data = json.dumps(body).encode()
    req = botocore.awsrequest.AWSRequest(
        method="POST", url=server.endpoint + "/", data=data,
        headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"})
    creds = botocore.credentials.Credentials(server.access_key, server.secret_key)
    botocore.auth.SigV4Auth(creds, service, server.region).add_auth(req)
    r = urllib.request.Request(server.endpoint + "/", data=data, method="POST",
                               headers=dict(req.headers.items()))
    try:
        with urllib.request.urlopen(r, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def code(exc):
    return exc.value.response["Error"]["Code"]


def test_create_describe_list(kms, server):
    md = kms.create_key(Description="first key")["KeyMetadata"]
    account = server.root_account()
    assert md["Arn"] == "arn:aws:kms:%s:%s:key/%s" % (server.region, account, md["KeyId"])
    assert md["KeyState"] == "Enabled" and md["Enabled"] is True
    assert md["KeyUsage"] == "ENCRYPT_DECRYPT" and md["KeySpec"] == "SYMMETRIC_DEFAULT"
    assert md["Origin"] == "AWS_KMS" and md["KeyManager"] == "CUSTOMER"
    assert md["MultiRegion"] is False and md["Description"] == "first key"
    got = kms.describe_key(KeyId=md["Arn"])["KeyMetadata"]
    assert got["KeyId"] == md["KeyId"]
    ids = [k["KeyId"] for k in kms.list_keys()["Keys"]]
    assert md["KeyId"] in ids
    page = kms.list_keys(Limit=1)
    if len(ids) > 1:
        assert page["Truncated"] is True and len(page["Keys"]) == 1
        rest = kms.list_keys(Marker=page["NextMarker"])["Keys"]
        assert page["Keys"][0]["KeyId"] not in [k["KeyId"] for k in rest]


def test_unknown_key_and_bad_arguments(kms):
    with pytest.raises(ClientError) as e:
        kms.describe_key(KeyId="11111111-2222-3333-4444-555555555555")
    assert code(e) == "NotFoundException"
    with pytest.raises(ClientError) as e:
        kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    assert code(e) == "UnsupportedOperationException"
    with pytest.raises(ClientError) as e:
        kms.create_key(Policy="{not json")
    assert code(e) == "MalformedPolicyDocumentException"


def test_unknown_operation_is_unsupported(kms):
    with pytest.raises(ClientError) as e:
        kms.tag_resource(KeyId="alias/whatever", Tags=[{"TagKey": "k", "TagValue": "v"}])
    assert code(e) == "UnsupportedOperationException"


def test_automatic_rotation_settings(kms, server):
    """EnableKeyRotation (default 365 days, 90..2560), GetKeyRotationStatus with the next date,
    DisableKeyRotation; a disabled key refuses. (This botocore's model predates
    RotationPeriodInDays: the period goes through raw signed requests.) The rotation itself, at
    the first encryption after the period, is unit-tested with an injected clock
    (test_kms_store.c)."""
    import time
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is False
    kms.enable_key_rotation(KeyId=key)
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True
    status, body = raw_kms(server, "TrentService.GetKeyRotationStatus", {"KeyId": key})
    st = json.loads(body)
    assert status == 200 and st["RotationPeriodInDays"] == 365
    assert 364 * 86400 < st["NextRotationDate"] - time.time() <= 365 * 86400
    status, _ = raw_kms(server, "TrentService.EnableKeyRotation",
                        {"KeyId": key, "RotationPeriodInDays": 90})
    assert status == 200
    _, body = raw_kms(server, "TrentService.GetKeyRotationStatus", {"KeyId": key})
    assert json.loads(body)["RotationPeriodInDays"] == 90
    status, body = raw_kms(server, "TrentService.EnableKeyRotation",
                           {"KeyId": key, "RotationPeriodInDays": 89})
    assert status == 400 and json.loads(body)["__type"] == "ValidationException"
    kms.disable_key_rotation(KeyId=key)
    assert kms.get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is False
    kms.disable_key(KeyId=key)
    with pytest.raises(ClientError) as e:
        kms.enable_key_rotation(KeyId=key)
    assert code(e) == "DisabledException"


def test_encrypt_decrypt_context(kms):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    ctx = {"purpose": "test", "bucket": "b"}
    out = kms.encrypt(KeyId=key, Plaintext=b"secret bytes", EncryptionContext=ctx)
    assert out["KeyId"].endswith(key)
    blob = out["CiphertextBlob"]
    back = kms.decrypt(CiphertextBlob=blob, EncryptionContext={"bucket": "b", "purpose": "test"})
    assert back["Plaintext"] == b"secret bytes" and back["KeyId"] == out["KeyId"]
    for wrong in ({}, {"purpose": "other", "bucket": "b"}):
        with pytest.raises(ClientError) as e:
            kms.decrypt(CiphertextBlob=blob, EncryptionContext=wrong)
        assert code(e) == "InvalidCiphertextException"
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=b"not a blob at all")
    assert code(e) == "InvalidCiphertextException"
    other_key = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx, KeyId=other_key)
    assert code(e) == "IncorrectKeyException"


def test_generate_data_key(kms):
    key = kms.create_key()["KeyMetadata"]["Arn"]
    dk = kms.generate_data_key(KeyId=key, KeySpec="AES_256", EncryptionContext={"a": "1"})
    assert len(dk["Plaintext"]) == 32 and dk["KeyId"] == key
    back = kms.decrypt(CiphertextBlob=dk["CiphertextBlob"], EncryptionContext={"a": "1"})
    assert back["Plaintext"] == dk["Plaintext"]
    assert len(kms.generate_data_key(KeyId=key, NumberOfBytes=64)["Plaintext"]) == 64
    wp = kms.generate_data_key_without_plaintext(KeyId=key, KeySpec="AES_128")
    assert "Plaintext" not in wp
    assert len(kms.decrypt(CiphertextBlob=wp["CiphertextBlob"])["Plaintext"]) == 16
    with pytest.raises(ClientError) as e:
        kms.generate_data_key(KeyId=key)
    assert code(e) == "ValidationException"


def test_disabled_key_refuses(kms):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=key)
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Disabled"
    for call in (lambda: kms.encrypt(KeyId=key, Plaintext=b"x"),
                 lambda: kms.generate_data_key(KeyId=key, KeySpec="AES_256"),
                 lambda: kms.decrypt(CiphertextBlob=blob)):
        with pytest.raises(ClientError) as e:
            call()
        assert code(e) == "DisabledException"
    kms.enable_key(KeyId=key)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"


def test_schedule_and_cancel_deletion(kms):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as e:
        kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=6)
    assert code(e) == "ValidationException"
    out = kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    assert out["KeyState"] == "PendingDeletion" and out["PendingWindowInDays"] == 7
    md = kms.describe_key(KeyId=key)["KeyMetadata"]
    assert md["KeyState"] == "PendingDeletion" and "DeletionDate" in md
    with pytest.raises(ClientError) as e:
        kms.encrypt(KeyId=key, Plaintext=b"x")
    assert code(e) == "KMSInvalidStateException"
    with pytest.raises(ClientError) as e:
        kms.enable_key(KeyId=key)
    assert code(e) == "KMSInvalidStateException"
    with pytest.raises(ClientError) as e:
        kms.schedule_key_deletion(KeyId=key)
    assert code(e) == "KMSInvalidStateException"
    kms.cancel_key_deletion(KeyId=key)
    md = kms.describe_key(KeyId=key)["KeyMetadata"]
    assert md["KeyState"] == "Disabled" and "DeletionDate" not in md
    with pytest.raises(ClientError) as e:
        kms.cancel_key_deletion(KeyId=key)
    assert code(e) == "KMSInvalidStateException"


def test_aliases(kms, server):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    key2 = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/test-app", TargetKeyId=key)
    with pytest.raises(ClientError) as e:
        kms.create_alias(AliasName="alias/test-app", TargetKeyId=key2)
    assert code(e) == "AlreadyExistsException"
    for bad in ("alias/aws/mine", "alias/bad name", "noprefix"):
        with pytest.raises(ClientError) as e:
            kms.create_alias(AliasName=bad, TargetKeyId=key)
        assert code(e) in ("InvalidAliasNameException", "ValidationException"), bad
    assert kms.describe_key(KeyId="alias/test-app")["KeyMetadata"]["KeyId"] == key
    arn = "arn:aws:kms:%s:%s:alias/test-app" % (server.region, server.root_account())
    blob = kms.encrypt(KeyId=arn, Plaintext=b"via alias")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"via alias"
    listed = kms.list_aliases(KeyId=key)["Aliases"]
    assert [a["AliasName"] for a in listed] == ["alias/test-app"]
    assert listed[0]["AliasArn"] == arn and listed[0]["TargetKeyId"] == key
    kms.update_alias(AliasName="alias/test-app", TargetKeyId=key2)
    assert kms.describe_key(KeyId="alias/test-app")["KeyMetadata"]["KeyId"] == key2
    kms.delete_alias(AliasName="alias/test-app")
    with pytest.raises(ClientError) as e:
        kms.delete_alias(AliasName="alias/test-app")
    assert code(e) == "NotFoundException"
    with pytest.raises(ClientError) as e:
        kms.describe_key(KeyId="alias/test-app")
    assert code(e) == "NotFoundException"


def test_key_policy_other_account(kms, other, server):
    other_account, other_kms = other
    md = kms.create_key()["KeyMetadata"]
    arn = md["Arn"]
    policy = json.loads(kms.get_key_policy(KeyId=arn, PolicyName="default")["Policy"])
    assert policy["Statement"][0]["Principal"]["AWS"] == \
        "arn:aws:iam::%s:root" % server.root_account()
    assert kms.list_key_policies(KeyId=arn)["PolicyNames"] == ["default"]
    blob = kms.encrypt(KeyId=arn, Plaintext=b"shared")["CiphertextBlob"]
    with pytest.raises(ClientError) as e:
        other_kms.encrypt(KeyId=arn, Plaintext=b"x")
    assert code(e) == "AccessDeniedException"
    with pytest.raises(ClientError) as e:
        other_kms.decrypt(CiphertextBlob=blob)
    assert code(e) == "AccessDeniedException"
    with pytest.raises(ClientError) as e:  # a bare id names the caller's own account's key
        other_kms.describe_key(KeyId=md["KeyId"])
    assert code(e) == "NotFoundException"
    policy["Statement"].append({
        "Sid": "AllowOther", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::%s:root" % other_account},
        "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"], "Resource": "*"})
    kms.put_key_policy(KeyId=arn, PolicyName="default", Policy=json.dumps(policy))
    assert other_kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"shared"
    assert other_kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyId"] == md["KeyId"]
    with pytest.raises(ClientError) as e:  # not granted
        other_kms.disable_key(KeyId=arn)
    assert code(e) == "AccessDeniedException"
    assert md["KeyId"] not in [k["KeyId"] for k in other_kms.list_keys()["Keys"]]
    with pytest.raises(ClientError) as e:
        kms.put_key_policy(KeyId=arn, PolicyName="default",
                           Policy=json.dumps({"Statement": [{"Effect": "Allow"}]}))
    assert code(e) == "MalformedPolicyDocumentException"


def test_key_policy_lockout_safety_check(kms, other):
    other_account, other_kms = other
    arn = kms.create_key()["KeyMetadata"]["Arn"]
    only_other = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % other_account},
        "Action": "kms:*", "Resource": "*"}]})
    with pytest.raises(ClientError) as e:
        kms.put_key_policy(KeyId=arn, PolicyName="default", Policy=only_other)
    assert code(e) == "MalformedPolicyDocumentException"
    with pytest.raises(ClientError) as e:
        kms.create_key(Policy=only_other)
    assert code(e) == "MalformedPolicyDocumentException"
    kms.put_key_policy(KeyId=arn, PolicyName="default", Policy=only_other,
                       BypassPolicyLockoutSafetyCheck=True)
    with pytest.raises(ClientError) as e:  # the owner locked itself out
        kms.describe_key(KeyId=arn)
    assert code(e) == "AccessDeniedException"
    assert other_kms.describe_key(KeyId=arn)["KeyMetadata"]["Arn"] == arn


def test_rotation_keeps_old_ciphertexts(kms, server):
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    old = kms.encrypt(KeyId=key, Plaintext=b"before")["CiphertextBlob"]
    status, body = raw_kms(server, "TrentService.RotateKeyOnDemand", {"KeyId": key})
    assert status == 200 and json.loads(body)["KeyId"] == key, body
    new = kms.encrypt(KeyId=key, Plaintext=b"after")["CiphertextBlob"]
    assert old[40:44] != new[40:44]  # the blob's backing key version
    assert kms.decrypt(CiphertextBlob=old)["Plaintext"] == b"before"
    assert kms.decrypt(CiphertextBlob=new)["Plaintext"] == b"after"


def test_keys_survive_restart():
    from conftest import Server
    srv = Server().start()
    try:
        kms = kms_client(srv)
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=key, Plaintext=b"durable")["CiphertextBlob"]
        assert srv.stop() == 0
        srv.start()
        assert kms_client(srv).decrypt(CiphertextBlob=blob)["Plaintext"] == b"durable"
        assert srv.stop() == 0
        assert "Sanitizer" not in srv.read_log()
    finally:
        srv.stop()
        srv.cleanup()


def test_master_key_rotation_rewraps_kms_keys():
    import os
    from conftest import BIN, Server
    srv = Server().start()
    try:
        kms = kms_client(srv)
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        status, _ = raw_kms(srv, "TrentService.RotateKeyOnDemand", {"KeyId": key})
        assert status == 200
        blob = kms.encrypt(KeyId=key, Plaintext=b"across master keys")["CiphertextBlob"]
        assert srv.stop() == 0
        old = open(os.path.join(srv.data, "master.key")).read()
        p = subprocess.run([BIN, "admin", "--data", srv.data, "master-key", "rotate"],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        assert "re-wrapped 2 data keys" in p.stdout  # the key's two backing versions
        assert open(os.path.join(srv.data, "master.key")).read() != old
        srv.start()
        got = kms_client(srv).decrypt(CiphertextBlob=blob)["Plaintext"]
        assert got == b"across master keys"
    finally:
        srv.stop()
        srv.cleanup()


def test_authentication_errors_are_json(server):
    status, body = raw_kms(server, "TrentService.ListKeys", {}, service="s3")
    assert status == 400
    assert json.loads(body)["__type"] == "IncompleteSignatureException"
    bad = kms_client(server, secret_key="wrong-secret-wrong-secret-wrong-secret00")
    with pytest.raises(ClientError) as e:
        bad.list_keys()
    assert code(e) == "InvalidSignatureException"
    unknown = kms_client(server, access_key="AKIDOESNOTEXIST00000")
    with pytest.raises(ClientError) as e:
        unknown.list_keys()
    assert code(e) == "UnrecognizedClientException"
    status, body = raw_kms(server, "TrentService.ListKeys", {})
    assert status == 200 and "Keys" in json.loads(body)
    status, body = raw_kms(server, "TrentService.NoSuchOperation", {})
    assert status == 400
    assert json.loads(body)["__type"] == "UnsupportedOperationException"


@pytest.fixture(scope="module")
def aws(server, tmp_path_factory):
    home = tmp_path_factory.mktemp("awshome")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home),
           "AWS_ACCESS_KEY_ID": server.access_key, "AWS_SECRET_ACCESS_KEY": server.secret_key,
           "AWS_DEFAULT_REGION": server.region, "AWS_PAGER": "",
           "AWS_EC2_METADATA_DISABLED": "true"}

    def run(*args, check=True):
        p = subprocess.run([AWS, "--endpoint-url", server.endpoint, "kms", *args,
                            "--output", "json"], env=env, capture_output=True, text=True,
                           timeout=300)
        if check and p.returncode != 0:
            raise AssertionError("aws kms %s failed (%d): %s%s" % (
                " ".join(args), p.returncode, p.stdout, p.stderr))
        return p
    return run


def test_aws_cli(aws, tmp_path):
    md = json.loads(aws("create-key", "--description", "cli key").stdout)["KeyMetadata"]
    key = md["KeyId"]
    aws("create-alias", "--alias-name", "alias/cli", "--target-key-id", key)
    listed = json.loads(aws("list-aliases").stdout)["Aliases"]
    assert "alias/cli" in [a["AliasName"] for a in listed]
    plain = tmp_path / "plain.bin"
    plain.write_bytes(b"cli plaintext")
    out = json.loads(aws("encrypt", "--key-id", "alias/cli", "--plaintext",
                         "fileb://" + str(plain), "--encryption-context", "k=v").stdout)
    blob = tmp_path / "blob.bin"
    blob.write_bytes(base64.b64decode(out["CiphertextBlob"]))
    back = json.loads(aws("decrypt", "--ciphertext-blob", "fileb://" + str(blob),
                          "--encryption-context", "k=v").stdout)
    assert base64.b64decode(back["Plaintext"]) == b"cli plaintext"
    bad = aws("decrypt", "--ciphertext-blob", "fileb://" + str(blob), check=False)
    assert bad.returncode != 0 and "InvalidCiphertextException" in bad.stderr
    dk = json.loads(aws("generate-data-key", "--key-id", key, "--key-spec", "AES_256").stdout)
    assert len(base64.b64decode(dk["Plaintext"])) == 32
    aws("disable-key", "--key-id", key)
    refused = aws("encrypt", "--key-id", key, "--plaintext", "fileb://" + str(plain),
                  check=False)
    assert refused.returncode != 0 and "DisabledException" in refused.stderr
    aws("enable-key", "--key-id", key)
    md = json.loads(aws("describe-key", "--key-id", "alias/cli").stdout)["KeyMetadata"]
    assert md["KeyId"] == key and md["KeyState"] == "Enabled" and md["Enabled"] is True
    aws("enable-key-rotation", "--key-id", key)
    rot = json.loads(aws("get-key-rotation-status", "--key-id", key).stdout)
    assert rot["KeyRotationEnabled"] is True
    policy = json.loads(aws("get-key-policy", "--key-id", key, "--policy-name",
                            "default").stdout)["Policy"]
    aws("put-key-policy", "--key-id", key, "--policy-name", "default", "--policy", policy)
    out = json.loads(aws("schedule-key-deletion", "--key-id", key,
                         "--pending-window-in-days", "7").stdout)
    assert out["KeyState"] == "PendingDeletion"
    aws("cancel-key-deletion", "--key-id", key)
    aws("delete-alias", "--alias-name", "alias/cli")
    missing = aws("describe-key", "--key-id", "alias/cli", check=False)
    assert missing.returncode != 0 and "NotFoundException" in missing.stderr
    keys = json.loads(aws("list-keys").stdout)["Keys"]
    assert key in [k["KeyId"] for k in keys]
