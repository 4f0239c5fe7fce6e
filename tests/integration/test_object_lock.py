"""Object Lock end to end with boto3 and the aws CLI: lock-enabled buckets, the bucket
configuration and its default retention, retention and legal holds per version, the
x-amz-object-lock-* headers on writes and reads, deletes refused while a version is protected
(DeleteObject, DeleteObjects, bucket deletion), the bypass of GOVERNANCE only with
s3:BypassGovernanceRetention, and the inventory report's lock columns (CSV and ORC) against
GetObjectRetention / GetObjectLegalHold (CSV, ORC, and Parquet read by hyparquet)."""
import csv
import datetime
import gzip
import io
import json
import subprocess

import pytest
from botocore.exceptions import ClientError

import orc_reader
from conftest import error_code, serve_checked
from test_inventory_parquet import hyparquet
from test_inventory_reports import config, fetch_report, run_inventory

UTC = datetime.timezone.utc
FUTURE = datetime.datetime(2100, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def server():
    yield from serve_checked()


@pytest.fixture(scope="module")
def s3(server):
    return server.client()


_n = [0]


@pytest.fixture
def locked(s3):
    _n[0] += 1
    name = "locked-%d" % _n[0]
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    return name


def status(exc):
    return exc.response["ResponseMetadata"]["HTTPStatusCode"]


def refused(fn, code, http, **kw):
    with pytest.raises(ClientError) as ei:
        fn(**kw)
    assert (error_code(ei.value), status(ei.value)) == (code, http), ei.value.response
    return ei.value


def test_lock_bucket_is_versioned_for_good(s3, locked):
    assert s3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled"}
    refused(s3.put_bucket_versioning, "InvalidBucketState", 409, Bucket=locked,
            VersioningConfiguration={"Status": "Suspended"})
    s3.put_bucket_versioning(Bucket=locked, VersioningConfiguration={"Status": "Enabled"})


def test_configuration_errors_and_enable_on_versioned_bucket(s3):
    s3.create_bucket(Bucket="plain-lock")
    conf = {"ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 2}}}
    refused(s3.get_object_lock_configuration, "ObjectLockConfigurationNotFoundError", 404,
            Bucket="plain-lock")
    refused(s3.put_object_lock_configuration, "InvalidBucketState", 409, Bucket="plain-lock",
            ObjectLockConfiguration=conf)
    s3.put_bucket_versioning(Bucket="plain-lock", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket="plain-lock", ObjectLockConfiguration=conf)
    assert s3.get_object_lock_configuration(
        Bucket="plain-lock")["ObjectLockConfiguration"] == conf
    for bad, code in [({"Mode": "GOVERNANCE", "Days": 1, "Years": 1}, "MalformedXML"),
                      ({"Mode": "GOVERNANCE"}, "MalformedXML"),
                      ({"Mode": "Governance", "Days": 1}, "MalformedXML"),
                      ({"Mode": "COMPLIANCE", "Days": 0}, "InvalidRetentionPeriod"),
                      ({"Mode": "COMPLIANCE", "Years": 101}, "InvalidRetentionPeriod"),
                      ({"Mode": "COMPLIANCE", "Days": 36501}, "InvalidRetentionPeriod")]:
        refused(s3.put_object_lock_configuration, code, 400, Bucket="plain-lock",
                ObjectLockConfiguration={"ObjectLockEnabled": "Enabled",
                                         "Rule": {"DefaultRetention": bad}})
    # a rejected configuration leaves the stored one alone
    assert s3.get_object_lock_configuration(
        Bucket="plain-lock")["ObjectLockConfiguration"] == conf


def test_lock_headers_need_a_lock_bucket_and_valid_values(s3, bucket):
    refused(s3.put_object, "InvalidRequest", 400, Bucket=bucket, Key="k", Body=b"x",
            ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=FUTURE)
    refused(s3.put_object_retention, "InvalidRequest", 400, Bucket=bucket, Key="k",
            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": FUTURE})


def test_write_header_errors(s3, locked):
    past = datetime.datetime(2001, 1, 1, tzinfo=UTC)
    refused(s3.put_object, "InvalidArgument", 400, Bucket=locked, Key="k", Body=b"x",
            ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=past)
    refused(s3.put_object, "InvalidArgument", 400, Bucket=locked, Key="k", Body=b"x",
            ObjectLockMode="GOVERNANCE")
    refused(s3.put_object, "InvalidArgument", 400, Bucket=locked, Key="k", Body=b"x",
            ObjectLockLegalHoldStatus="MAYBE")
    with pytest.raises(ClientError):
        s3.head_object(Bucket=locked, Key="k")  # nothing was written


def test_retention_rules(s3, locked):
    v = s3.put_object(Bucket=locked, Key="r", Body=b"abc")["VersionId"]
    refused(s3.get_object_retention, "NoSuchObjectLockConfiguration", 404, Bucket=locked, Key="r")
    d1 = datetime.datetime(2090, 1, 1, tzinfo=UTC)
    d2 = datetime.datetime(2091, 1, 1, tzinfo=UTC)
    s3.put_object_retention(Bucket=locked, Key="r", Retention={"Mode": "GOVERNANCE",
                                                               "RetainUntilDate": d2})
    assert s3.get_object_retention(Bucket=locked, Key="r", VersionId=v)["Retention"] == {
        "Mode": "GOVERNANCE", "RetainUntilDate": d2}
    # shortening GOVERNANCE needs the bypass; with it, it works
    refused(s3.put_object_retention, "AccessDenied", 403, Bucket=locked, Key="r",
            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": d1})
    s3.put_object_retention(Bucket=locked, Key="r", BypassGovernanceRetention=True,
                            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": d1})
    # to COMPLIANCE, which can then only be extended, bypass or not
    s3.put_object_retention(Bucket=locked, Key="r", BypassGovernanceRetention=True,
                            Retention={"Mode": "COMPLIANCE", "RetainUntilDate": d1})
    refused(s3.put_object_retention, "AccessDenied", 403, Bucket=locked, Key="r",
            BypassGovernanceRetention=True,
            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": d2})
    refused(s3.put_object_retention, "AccessDenied", 403, Bucket=locked, Key="r",
            BypassGovernanceRetention=True,
            Retention={"Mode": "COMPLIANCE", "RetainUntilDate": d1 - datetime.timedelta(1)})
    s3.put_object_retention(Bucket=locked, Key="r",
                            Retention={"Mode": "COMPLIANCE", "RetainUntilDate": d2})
    refused(s3.delete_object, "AccessDenied", 403, Bucket=locked, Key="r", VersionId=v,
            BypassGovernanceRetention=True)
    refused(s3.put_object_retention, "InvalidArgument", 400, Bucket=locked, Key="r",
            Retention={"Mode": "COMPLIANCE",
                       "RetainUntilDate": datetime.datetime(2001, 1, 1, tzinfo=UTC)})
    # the bucket cannot go while a version is kept
    refused(s3.delete_bucket, "BucketNotEmpty", 409, Bucket=locked)


def test_default_retention_applies_to_every_kind_of_write(s3, locked):
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 3}}})
    before = datetime.datetime.now(UTC)
    s3.put_object(Bucket=locked, Key="put", Body=b"p")
    s3.copy_object(Bucket=locked, Key="copy", CopySource={"Bucket": locked, "Key": "put"})
    uid = s3.create_multipart_upload(Bucket=locked, Key="mpu")["UploadId"]
    etag = s3.upload_part(Bucket=locked, Key="mpu", UploadId=uid, PartNumber=1,
                          Body=b"m")["ETag"]
    s3.complete_multipart_upload(Bucket=locked, Key="mpu", UploadId=uid,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
    # an explicit header beats the default
    s3.put_object(Bucket=locked, Key="explicit", Body=b"e", ObjectLockMode="COMPLIANCE",
                  ObjectLockRetainUntilDate=FUTURE)
    after = datetime.datetime.now(UTC)
    for key in ("put", "copy", "mpu"):
        h = s3.head_object(Bucket=locked, Key=key)
        assert h["ObjectLockMode"] == "GOVERNANCE"
        until = h["ObjectLockRetainUntilDate"]
        assert before + datetime.timedelta(days=3, seconds=-1) <= until
        assert until <= after + datetime.timedelta(days=3, seconds=1)
        assert "ObjectLockLegalHoldStatus" not in h
        assert s3.get_object_retention(Bucket=locked, Key=key)["Retention"]["Mode"] == "GOVERNANCE"
        refused(s3.delete_object, "AccessDenied", 403, Bucket=locked, Key=key,
                VersionId=h["VersionId"])
        s3.delete_object(Bucket=locked, Key=key, VersionId=h["VersionId"],
                         BypassGovernanceRetention=True)
    h = s3.get_object(Bucket=locked, Key="explicit")
    assert (h["ObjectLockMode"], h["ObjectLockRetainUntilDate"]) == ("COMPLIANCE", FUTURE)


def test_legal_hold(s3, locked):
    v = s3.put_object(Bucket=locked, Key="h", Body=b"x", ObjectLockLegalHoldStatus="ON")["VersionId"]
    assert s3.head_object(Bucket=locked, Key="h")["ObjectLockLegalHoldStatus"] == "ON"
    assert s3.get_object_legal_hold(Bucket=locked, Key="h")["LegalHold"] == {"Status": "ON"}
    refused(s3.delete_object, "AccessDenied", 403, Bucket=locked, Key="h", VersionId=v,
            BypassGovernanceRetention=True)
    # a delete without a version only adds a marker; the held version stays
    s3.delete_object(Bucket=locked, Key="h")
    assert s3.get_object(Bucket=locked, Key="h", VersionId=v)["Body"].read() == b"x"
    refused(s3.put_object_legal_hold, "MalformedXML", 400, Bucket=locked, Key="h",
            VersionId=v, LegalHold={"Status": "On"})
    s3.put_object_legal_hold(Bucket=locked, Key="h", VersionId=v, LegalHold={"Status": "OFF"})
    assert s3.get_object_legal_hold(Bucket=locked, Key="h", VersionId=v)["LegalHold"] == {
        "Status": "OFF"}
    s3.delete_object(Bucket=locked, Key="h", VersionId=v)
    w = s3.put_object(Bucket=locked, Key="never", Body=b"y")["VersionId"]
    refused(s3.get_object_legal_hold, "NoSuchObjectLockConfiguration", 404, Bucket=locked,
            Key="never", VersionId=w)


def test_delete_objects_reports_each_protected_version(s3, locked):
    a = s3.put_object(Bucket=locked, Key="a", Body=b"a", ObjectLockMode="GOVERNANCE",
                      ObjectLockRetainUntilDate=FUTURE)["VersionId"]
    b = s3.put_object(Bucket=locked, Key="b", Body=b"b")["VersionId"]
    c = s3.put_object(Bucket=locked, Key="c", Body=b"c", ObjectLockMode="COMPLIANCE",
                      ObjectLockRetainUntilDate=FUTURE)["VersionId"]
    objs = [{"Key": "a", "VersionId": a}, {"Key": "b", "VersionId": b},
            {"Key": "c", "VersionId": c}]
    res = s3.delete_objects(Bucket=locked, Delete={"Objects": objs})
    assert [(d["Key"], d["VersionId"]) for d in res["Deleted"]] == [("b", b)]
    assert sorted((e["Key"], e["VersionId"], e["Code"]) for e in res["Errors"]) == [
        ("a", a, "AccessDenied"), ("c", c, "AccessDenied")]
    res = s3.delete_objects(Bucket=locked, Delete={"Objects": objs[:1] + objs[2:]},
                            BypassGovernanceRetention=True)
    assert [d["Key"] for d in res["Deleted"]] == ["a"]
    assert [(e["Key"], e["Code"]) for e in res["Errors"]] == [("c", "AccessDenied")]


def test_bypass_needs_the_permission(server, s3, locked):
    """Another account may delete versions by policy; only with s3:BypassGovernanceRetention
    granted does its bypass header lift a GOVERNANCE retention."""
    account, key, secret = server.add_account("lock-user-%s" % locked)
    other = server.client(key, secret)
    arn = "arn:aws:iam::%s:root" % account
    v = s3.put_object(Bucket=locked, Key="g", Body=b"g", ObjectLockMode="GOVERNANCE",
                      ObjectLockRetainUntilDate=FUTURE)["VersionId"]

    def policy(*actions):
        s3.put_bucket_policy(Bucket=locked, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": arn}, "Action": list(actions),
                "Resource": ["arn:aws:s3:::%s/*" % locked]}]}))

    policy("s3:DeleteObjectVersion", "s3:PutObjectRetention")
    refused(other.delete_object, "AccessDenied", 403, Bucket=locked, Key="g", VersionId=v,
            BypassGovernanceRetention=True)
    refused(other.put_object_retention, "AccessDenied", 403, Bucket=locked, Key="g",
            VersionId=v, BypassGovernanceRetention=True,
            Retention={"Mode": "GOVERNANCE", "RetainUntilDate": FUTURE - datetime.timedelta(1)})
    policy("s3:DeleteObjectVersion", "s3:BypassGovernanceRetention")
    other.delete_object(Bucket=locked, Key="g", VersionId=v, BypassGovernanceRetention=True)
    refused(s3.head_object, "404", 404, Bucket=locked, Key="g", VersionId=v)


def test_aws_cli_retention_and_legal_hold(server, s3, locked):
    env = {"AWS_ACCESS_KEY_ID": server.access_key, "AWS_SECRET_ACCESS_KEY": server.secret_key,
           "AWS_DEFAULT_REGION": server.region, "PATH": "/usr/bin:/bin"}

    def aws(*args):
        p = subprocess.run(["/usr/bin/aws", "--endpoint-url", server.endpoint, "s3api", *args],
                           capture_output=True, text=True, env=env, timeout=60)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout) if p.stdout.strip() else None

    v = s3.put_object(Bucket=locked, Key="cli", Body=b"c")["VersionId"]
    aws("put-object-retention", "--bucket", locked, "--key", "cli", "--retention",
        "Mode=GOVERNANCE,RetainUntilDate=2099-06-01T00:00:00Z")
    aws("put-object-legal-hold", "--bucket", locked, "--key", "cli", "--legal-hold", "Status=ON")
    got = aws("get-object-retention", "--bucket", locked, "--key", "cli", "--version-id", v)
    assert got["Retention"]["Mode"] == "GOVERNANCE"
    assert got["Retention"]["RetainUntilDate"].startswith("2099-06-01T00:00:00")
    assert aws("get-object-legal-hold", "--bucket", locked, "--key",
               "cli")["LegalHold"]["Status"] == "ON"
    conf = aws("get-object-lock-configuration", "--bucket", locked)
    assert conf["ObjectLockConfiguration"]["ObjectLockEnabled"] == "Enabled"


def _csv_rows(s3, dest, manifest_key, tmp_path):
    manifest, files = fetch_report(s3, dest, manifest_key, tmp_path)
    names = [c.strip() for c in manifest["fileSchema"].split(",")]
    rows = []
    for path in files:
        with gzip.open(path, "rt", newline="") as f:
            rows += [dict(zip(names, r)) for r in csv.reader(f)]
    return rows


def test_inventory_lock_columns_match_the_api(server, s3, tmp_path):
    src, dst = "lock-inv-src", "lock-inv-dst"
    s3.create_bucket(Bucket=src, ObjectLockEnabledForBucket=True)
    s3.create_bucket(Bucket=dst)
    from conftest import allow_inventory_delivery
    allow_inventory_delivery(server, s3, dst)
    s3.put_object(Bucket=src, Key="gov", Body=b"1", ObjectLockMode="GOVERNANCE",
                  ObjectLockRetainUntilDate=datetime.datetime(2099, 3, 4, tzinfo=UTC))
    # headers carry whole seconds (botocore); the Retention body keeps the milliseconds
    s3.put_object_retention(Bucket=src, Key="gov", Retention={
        "Mode": "GOVERNANCE",
        "RetainUntilDate": datetime.datetime(2099, 3, 4, 5, 6, 7, 890000, tzinfo=UTC)})
    s3.put_object(Bucket=src, Key="comp-held", Body=b"2", ObjectLockMode="COMPLIANCE",
                  ObjectLockRetainUntilDate=FUTURE, ObjectLockLegalHoldStatus="ON")
    s3.put_object(Bucket=src, Key="off", Body=b"3", ObjectLockLegalHoldStatus="OFF")
    s3.put_object(Bucket=src, Key="free", Body=b"4")
    fields = ["ObjectLockRetainUntilDate", "ObjectLockMode", "ObjectLockLegalHoldStatus"]
    expected = {}
    for key in ("gov", "comp-held", "off", "free"):
        try:
            r = s3.get_object_retention(Bucket=src, Key=key)["Retention"]
            until = r["RetainUntilDate"].astimezone(UTC)
            until = until.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (until.microsecond // 1000)
            mode = r["Mode"]
        except ClientError as e:
            assert error_code(e) == "NoSuchObjectLockConfiguration"
            until = mode = ""
        try:
            hold = s3.get_object_legal_hold(Bucket=src, Key=key)["LegalHold"]["Status"]
            hold = {"ON": "On", "OFF": "Off"}[hold]
        except ClientError as e:
            assert error_code(e) == "NoSuchObjectLockConfiguration"
            hold = ""
        expected[key] = (until, mode, hold)
    assert expected["gov"] == ("2099-03-04T05:06:07.890Z", "GOVERNANCE", "")

    s3.put_bucket_inventory_configuration(Bucket=src, Id="csv", InventoryConfiguration=config(
        "csv", dst, fields=fields, prefix="csv"))
    p = run_inventory(server, src, "csv")
    rows = _csv_rows(s3, dst, p.stdout.strip(), tmp_path)
    got = {r["Key"]: (r["ObjectLockRetainUntilDate"], r["ObjectLockMode"],
                      r["ObjectLockLegalHoldStatus"]) for r in rows}
    assert got == expected

    s3.put_bucket_inventory_configuration(Bucket=src, Id="orc", InventoryConfiguration=config(
        "orc", dst, fields=fields, fmt="ORC", prefix="orc"))
    p = run_inventory(server, src, "orc")
    manifest, files = fetch_report(s3, dst, p.stdout.strip(), tmp_path)
    assert "object_lock_retain_until_date:timestamp" in manifest["fileSchema"]
    got = {}
    for path in files:
        with open(path, "rb") as f:
            for r in orc_reader.OrcFile(f.read()).rows():
                ts = r["object_lock_retain_until_date"]
                if ts is not None:
                    t = datetime.datetime.fromtimestamp(ts[0], UTC)
                    ts = t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ts[1] // 1000000)
                got[r["key"]] = (ts or "", r["object_lock_mode"] or "",
                                 r["object_lock_legal_hold_status"] or "")
    assert got == expected

    s3.put_bucket_inventory_configuration(Bucket=src, Id="pq", InventoryConfiguration=config(
        "pq", dst, fields=fields, fmt="Parquet", prefix="pq"))
    p = run_inventory(server, src, "pq")
    manifest, files = fetch_report(s3, dst, p.stdout.strip(), tmp_path)
    got = {}
    for path in files:  # hyparquet, an independent reader: timestamps come back as ISO dates
        for r in hyparquet(path)["rows"]:
            got[r["key"]] = (r["object_lock_retain_until_date"] or "",
                             r["object_lock_mode"] or "",
                             r["object_lock_legal_hold_status"] or "")
    assert got == expected


def test_lock_writes_need_an_integrity_header(server, s3, locked):
    """PutObjectLockConfiguration, PutObjectRetention, PutObjectLegalHold and a PutObject that
    sets a retention need Content-MD5 or an x-amz-checksum-* header, as AWS: 400 InvalidRequest
    without one, nothing changed; the same request with Content-MD5 succeeds."""
    import base64
    import hashlib
    from sigv4 import signed_request

    v = s3.put_object(Bucket=locked, Key="md5", Body=b"m")["VersionId"]
    ns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
    docs = [
        ("/" + locked, [("object-lock", "")],
         '<ObjectLockConfiguration %s><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule>'
         '<DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule>'
         '</ObjectLockConfiguration>' % ns),
        ("/%s/md5" % locked, [("retention", ""), ("versionId", v)],
         '<Retention %s><Mode>GOVERNANCE</Mode><RetainUntilDate>2099-01-01T00:00:00.000Z'
         '</RetainUntilDate></Retention>' % ns),
        ("/%s/md5" % locked, [("legal-hold", ""), ("versionId", v)],
         '<LegalHold %s><Status>ON</Status></LegalHold>' % ns),
    ]
    for path, query, doc in docs:
        body = doc.encode()
        status, _, resp = signed_request(server, "PUT", path, query=query, body=body)
        assert status == 400 and b"<Code>InvalidRequest</Code>" in resp, (query, resp)
        assert b"Content-MD5" in resp
    # nothing was set by the refused requests
    refused(s3.get_object_retention, "NoSuchObjectLockConfiguration", 404, Bucket=locked,
            Key="md5", VersionId=v)
    refused(s3.get_object_legal_hold, "NoSuchObjectLockConfiguration", 404, Bucket=locked,
            Key="md5", VersionId=v)
    assert "Rule" not in s3.get_object_lock_configuration(
        Bucket=locked)["ObjectLockConfiguration"]
    for path, query, doc in docs:
        body = doc.encode()
        md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
        status, _, resp = signed_request(server, "PUT", path, query=query, body=body,
                                         headers={"content-md5": md5})
        assert status == 200, (query, resp)
    assert s3.get_object_legal_hold(Bucket=locked, Key="md5", VersionId=v)["LegalHold"] == {
        "Status": "ON"}
    assert s3.get_object_retention(Bucket=locked, Key="md5",
                                   VersionId=v)["Retention"]["Mode"] == "GOVERNANCE"
    # a PutObject naming a retention needs one too; a plain PutObject does not
    lock = {"x-amz-object-lock-mode": "GOVERNANCE",
            "x-amz-object-lock-retain-until-date": "2099-01-01T00:00:00Z"}
    status, _, resp = signed_request(server, "PUT", "/%s/put-md5" % locked, body=b"p",
                                     headers=lock)
    assert status == 400 and b"<Code>InvalidRequest</Code>" in resp, resp
    refused(s3.head_object, "404", 404, Bucket=locked, Key="put-md5")
    md5 = base64.b64encode(hashlib.md5(b"p").digest()).decode()
    status, h, resp = signed_request(server, "PUT", "/%s/put-md5" % locked, body=b"p",
                                     headers=dict(lock, **{"content-md5": md5}))
    assert status == 200, resp
    assert s3.head_object(Bucket=locked, Key="put-md5")["ObjectLockMode"] == "GOVERNANCE"
    status, _, resp = signed_request(server, "PUT", "/%s/plain-md5" % locked, body=b"q")
    assert status == 200, resp
    for key, vid in (("md5", v), ("put-md5", h["x-amz-version-id"])):
        s3.put_object_legal_hold(Bucket=locked, Key=key, VersionId=vid,
                                 LegalHold={"Status": "OFF"})
        s3.delete_object(Bucket=locked, Key=key, VersionId=vid, BypassGovernanceRetention=True)


def test_lock_headers_on_create_multipart_upload_and_copy(s3, locked):
    """x-amz-object-lock-mode / -retain-until-date / -legal-hold on CreateMultipartUpload
    reach the completed object; on CopyObject they set the copy's lock (never the source's)."""
    until = datetime.datetime(2099, 3, 1, tzinfo=UTC)
    uid = s3.create_multipart_upload(Bucket=locked, Key="mpu", ObjectLockMode="GOVERNANCE",
                                     ObjectLockRetainUntilDate=until,
                                     ObjectLockLegalHoldStatus="ON")["UploadId"]
    etag = s3.upload_part(Bucket=locked, Key="mpu", UploadId=uid, PartNumber=1,
                          Body=b"m")["ETag"]
    mv = s3.complete_multipart_upload(Bucket=locked, Key="mpu", UploadId=uid, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": etag}]})["VersionId"]
    h = s3.head_object(Bucket=locked, Key="mpu")
    assert (h["ObjectLockMode"], h["ObjectLockRetainUntilDate"],
            h["ObjectLockLegalHoldStatus"]) == ("GOVERNANCE", until, "ON")
    # the copy takes the headers it is sent, not the source's lock
    cv = s3.copy_object(Bucket=locked, Key="copy", CopySource={"Bucket": locked, "Key": "mpu"},
                        ObjectLockLegalHoldStatus="ON")["VersionId"]
    h = s3.head_object(Bucket=locked, Key="copy")
    assert h["ObjectLockLegalHoldStatus"] == "ON"
    assert "ObjectLockMode" not in h and "ObjectLockRetainUntilDate" not in h
    plain = s3.copy_object(Bucket=locked, Key="plain",
                           CopySource={"Bucket": locked, "Key": "mpu"})["VersionId"]
    h = s3.head_object(Bucket=locked, Key="plain")
    assert not any(k.startswith("ObjectLock") for k in h)
    # the copy and the completed upload are protected like any version
    refused(s3.delete_object, "AccessDenied", 403, Bucket=locked, Key="copy", VersionId=cv)
    refused(s3.delete_object, "AccessDenied", 403, Bucket=locked, Key="mpu", VersionId=mv,
            BypassGovernanceRetention=True)
    s3.delete_object(Bucket=locked, Key="plain", VersionId=plain)
    for key, vid in (("copy", cv), ("mpu", mv)):
        s3.put_object_legal_hold(Bucket=locked, Key=key, VersionId=vid,
                                 LegalHold={"Status": "OFF"})
        s3.delete_object(Bucket=locked, Key=key, VersionId=vid, BypassGovernanceRetention=True)


def test_lock_headers_on_reads_need_the_read_permissions(server, s3, locked):
    """HEAD and GET show x-amz-object-lock-mode / -retain-until-date only to a caller granted
    s3:GetObjectRetention, and x-amz-object-lock-legal-hold only with s3:GetObjectLegalHold."""
    account, key, secret = server.add_account("lock-reader-%s" % locked)
    other = server.client(key, secret)
    arn = "arn:aws:iam::%s:root" % account
    v = s3.put_object(Bucket=locked, Key="seen", Body=b"s", ObjectLockMode="GOVERNANCE",
                      ObjectLockRetainUntilDate=FUTURE,
                      ObjectLockLegalHoldStatus="ON")["VersionId"]

    def policy(*actions):
        s3.put_bucket_policy(Bucket=locked, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": arn}, "Action": list(actions),
                "Resource": ["arn:aws:s3:::%s/*" % locked]}]}))

    def lock_fields(h):
        return sorted(k for k in h if k.startswith("ObjectLock"))

    policy("s3:GetObject")
    assert lock_fields(other.head_object(Bucket=locked, Key="seen")) == []
    assert lock_fields(other.get_object(Bucket=locked, Key="seen")) == []
    policy("s3:GetObject", "s3:GetObjectRetention")
    assert lock_fields(other.head_object(Bucket=locked, Key="seen")) == [
        "ObjectLockMode", "ObjectLockRetainUntilDate"]
    policy("s3:GetObject", "s3:GetObjectLegalHold")
    assert lock_fields(other.get_object(Bucket=locked, Key="seen")) == [
        "ObjectLockLegalHoldStatus"]
    assert lock_fields(s3.head_object(Bucket=locked, Key="seen")) == [
        "ObjectLockLegalHoldStatus", "ObjectLockMode", "ObjectLockRetainUntilDate"]
    s3.delete_bucket_policy(Bucket=locked)
    s3.put_object_legal_hold(Bucket=locked, Key="seen", VersionId=v, LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=locked, Key="seen", VersionId=v, BypassGovernanceRetention=True)
