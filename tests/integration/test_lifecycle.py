"""Lifecycle configuration API: Put/Get/DeleteBucketLifecycleConfiguration and AWS's errors."""
import pytest
from botocore.exceptions import ClientError

from conftest import error_code, serve_checked


@pytest.fixture(scope="module")
def s3():
    for srv in serve_checked(["--lifecycle-day-seconds", "2"]):
        yield srv.client()


def rule(**kw):
    r = {"ID": "r1", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 1}}
    r.update(kw)
    return r


def test_valid_rules_answer_not_implemented_until_a_worker_runs_them(s3):
    """A valid configuration is refused with 501 (nothing would apply it yet) and not stored;
    Get answers NoSuchLifecycleConfiguration and Delete succeeds, as on a bucket without one."""
    s3.create_bucket(Bucket="lc1")
    with pytest.raises(ClientError) as ei:
        s3.get_bucket_lifecycle_configuration(Bucket="lc1")
    assert error_code(ei.value) == "NoSuchLifecycleConfiguration"
    with pytest.raises(ClientError) as ei:
        s3.put_bucket_lifecycle_configuration(Bucket="lc1",
                                              LifecycleConfiguration={"Rules": [rule()]})
    assert error_code(ei.value) == "NotImplemented"
    assert ei.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
    s3.delete_bucket_lifecycle(Bucket="lc1")
    with pytest.raises(ClientError) as ei:
        s3.get_bucket_lifecycle_configuration(Bucket="lc1")
    assert error_code(ei.value) == "NoSuchLifecycleConfiguration"


@pytest.mark.parametrize("rules,code", [
    ([rule(ID="x" * 256)], "InvalidArgument"),
    ([rule(), rule()], "InvalidArgument"),
    ([rule(Expiration={"Days": 0})], "InvalidArgument"),
    ([rule(Status="On")], "MalformedXML"),
    ([{"ID": "a", "Status": "Enabled", "Filter": {"Prefix": ""}}], "InvalidRequest"),
])
def test_put_errors(s3, rules, code):
    s3.create_bucket(Bucket="lc2")
    with pytest.raises(ClientError) as ei:
        s3.put_bucket_lifecycle_configuration(Bucket="lc2", LifecycleConfiguration={"Rules": rules})
    assert error_code(ei.value) == code
