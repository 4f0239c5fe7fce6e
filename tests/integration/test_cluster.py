"""Several nodes (issue 16): two `stocktake serve` processes on different ports sharing one
metadata store and one blob directory serve one namespace, and the background work runs once
per cluster (work leases, src/cluster/work_lease.h). This module runs them on the embedded
SQLite store in one shared data directory; with STOCKTAKE_TEST_META set the nodes share the
PostgreSQL database conftest gives that data directory (and its blob directory)."""
import signal
import threading
import time

import pytest
from botocore.exceptions import ClientError

from conftest import Server, allow_inventory_delivery, error_code, meta_sql


def clean(log):
    assert "Sanitizer" not in log and "runtime error:" not in log, log


class Cluster:
    def __init__(self, n=2, args=(), env_extra=None):
        self.nodes = [Server(args=args, env_extra=env_extra).start()]
        for _ in range(n - 1):
            self.nodes.append(Server(data_dir=self.nodes[0].data, args=args,
                                     env_extra=env_extra).start())

    def client(self, i, *a):
        return self.nodes[i].client(*a)

    def close(self):
        logs = []
        for node in self.nodes:
            if node.proc and node.proc.poll() is None:
                assert node.stop() == 0
            else:
                node.stop()
            logs.append(node.read_log())
        for node in self.nodes:
            node.cleanup()
        for log in logs:
            clean(log)
        return logs


@pytest.fixture(scope="module")
def cluster():
    c = Cluster(args=["--replication-retry-ms", "100"])
    yield c
    c.close()


def test_a_put_on_one_node_is_read_and_listed_on_the_other(cluster):
    a, b = cluster.client(0), cluster.client(1)
    a.create_bucket(Bucket="shared")
    assert "shared" in [x["Name"] for x in b.list_buckets()["Buckets"]]
    for i in range(20):
        a.put_object(Bucket="shared", Key="k%02d" % i, Body=b"v%d" % i)
        # immediately readable on the other node: no cache between the nodes and the store
        assert b.get_object(Bucket="shared", Key="k%02d" % i)["Body"].read() == b"v%d" % i
    keys = [o["Key"] for o in b.list_objects_v2(Bucket="shared")["Contents"]]
    assert keys == ["k%02d" % i for i in range(20)]
    b.delete_object(Bucket="shared", Key="k00")
    with pytest.raises(ClientError) as ei:
        a.head_object(Bucket="shared", Key="k00")
    assert error_code(ei.value) == "404"


def test_bucket_creation_race_has_one_winner(cluster):
    node0, node1 = cluster.nodes
    _, key, secret = node0.add_account("racer")
    # two accounts race on both nodes, four calls each
    clients = [("root", cluster.client(0)), ("racer", node1.client(key, secret)),
               ("root", cluster.client(1)), ("racer", node0.client(key, secret))] * 2
    results = []
    go = threading.Barrier(len(clients))

    def create(who, c):
        go.wait()
        try:
            c.create_bucket(Bucket="contested")
            results.append((who, "ok"))
        except ClientError as e:
            results.append((who, error_code(e)))

    threads = [threading.Thread(target=create, args=wc) for wc in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = {who for who, r in results if r == "ok"}
    assert len(winners) == 1, results
    (winner,) = winners
    # the loser's every call was refused with BucketAlreadyExists; the owner's own repeats
    # either succeed (us-east-1 answers 200 to its owner) or say BucketAlreadyOwnedByYou
    assert all(r == "BucketAlreadyExists" for who, r in results if who != winner), results
    assert all(r in ("ok", "BucketAlreadyOwnedByYou") for who, r in results if who == winner)
    owner_client = [c for who, c in clients if who == winner][0]
    assert owner_client.head_bucket(Bucket="contested")["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_multipart_started_on_one_node_completes_on_the_other(cluster):
    a, b = cluster.client(0), cluster.client(1)
    a.create_bucket(Bucket="mpu-shared")
    up = a.create_multipart_upload(Bucket="mpu-shared", Key="big")
    p1 = a.upload_part(Bucket="mpu-shared", Key="big", UploadId=up["UploadId"], PartNumber=1,
                       Body=b"a" * (5 * 1024 * 1024))
    p2 = b.upload_part(Bucket="mpu-shared", Key="big", UploadId=up["UploadId"], PartNumber=2,
                       Body=b"b" * 100)
    listed = a.list_parts(Bucket="mpu-shared", Key="big", UploadId=up["UploadId"])["Parts"]
    assert [p["PartNumber"] for p in listed] == [1, 2]
    b.complete_multipart_upload(Bucket="mpu-shared", Key="big", UploadId=up["UploadId"],
                                MultipartUpload={"Parts": [
                                    {"PartNumber": 1, "ETag": p1["ETag"]},
                                    {"PartNumber": 2, "ETag": p2["ETag"]}]})
    body = a.get_object(Bucket="mpu-shared", Key="big")["Body"].read()
    assert body == b"a" * (5 * 1024 * 1024) + b"b" * 100


def test_keys_policies_and_kms_keys_work_on_every_node(cluster):
    import boto3
    node0, node1 = cluster.nodes
    _, key, secret = node0.add_account("everywhere")
    alt = node1.client(key, secret)
    alt.create_bucket(Bucket="alt-owned")
    with pytest.raises(ClientError) as ei:  # another account's bucket: denied on both nodes
        cluster.client(1).put_object(Bucket="alt-owned", Key="x", Body=b"x")
    assert error_code(ei.value) == "AccessDenied"
    kms = boto3.client("kms", endpoint_url=node0.endpoint, region_name=node0.region,
                       aws_access_key_id=node0.access_key,
                       aws_secret_access_key=node0.secret_key)
    kid = kms.create_key()["KeyMetadata"]["KeyId"]
    a, b = cluster.client(0), cluster.client(1)
    a.create_bucket(Bucket="kms-shared")
    b.put_object(Bucket="kms-shared", Key="s", Body=b"secret", ServerSideEncryption="aws:kms",
                 SSEKMSKeyId=kid)
    got = a.get_object(Bucket="kms-shared", Key="s")
    assert got["Body"].read() == b"secret" and got["SSEKMSKeyId"].endswith(kid)


def leases(data):
    return meta_sql(data, "SELECT config_id, pid FROM inventory_leases WHERE bucket=''")


def wait_for(fn, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = fn()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_each_worker_runs_on_one_node_and_moves_when_it_dies():
    # a 4-second lifecycle day: the lifecycle and tiering workers tick every second
    c = Cluster(args=["--replication-retry-ms", "100", "--lifecycle-day-seconds", "4"])
    try:
        pids = {n.proc.pid: i for i, n in enumerate(c.nodes)}
        want = {"worker/lifecycle", "worker/notifications", "worker/replication",
                "worker/tiering"}
        held = wait_for(lambda: dict(leases(c.nodes[0].data)) if set(
            dict(leases(c.nodes[0].data))) == want else None)
        assert set(held.values()) <= set(pids)
        # the replication worker works wherever it runs: each version once on the destination
        s3 = c.client(0)
        for b in ("wsrc", "wdst"):
            s3.create_bucket(Bucket=b)
            s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_replication(Bucket="wsrc", ReplicationConfiguration={
            "Role": "arn:aws:iam::123456789012:role/r", "Rules": [{
                "ID": "r", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
                "Destination": {"Bucket": "arn:aws:s3:::wdst"},
                "DeleteMarkerReplication": {"Status": "Disabled"}}]})
        v = s3.put_object(Bucket="wsrc", Key="k", Body=b"1")["VersionId"]
        wait_for(lambda: s3.head_object(Bucket="wsrc", Key="k", VersionId=v).get(
            "ReplicationStatus") == "COMPLETED")
        # kill -9 the node holding the replication lease: the other takes every lease over
        victim = c.nodes[pids[held["worker/replication"]]]
        survivor = c.nodes[1 - pids[held["worker/replication"]]]
        victim.stop(signal.SIGKILL)
        moved = wait_for(lambda: dict(leases(survivor.data)) if set(
            dict(leases(survivor.data)).values()) == {survivor.proc.pid} and set(
            dict(leases(survivor.data))) == want else None)
        assert moved
        s3 = survivor.client()
        v2 = s3.put_object(Bucket="wsrc", Key="k2", Body=b"2")["VersionId"]
        wait_for(lambda: s3.head_object(Bucket="wsrc", Key="k2", VersionId=v2).get(
            "ReplicationStatus") == "COMPLETED")
        versions = s3.list_object_versions(Bucket="wdst")["Versions"]
        assert sorted(x["VersionId"] for x in versions) == sorted([v, v2])
    finally:
        c.close()


def test_killed_node_mid_report_another_node_completes_it():
    # every run pauses after its first row, so the node running it can be killed mid-report
    c = Cluster(args=["--inventory-tick-seconds", "0.2"],
                env_extra={"STOCKTAKE_TEST_DELAY_AFTER_FIRST_ROW_MS": "3000"})
    try:
        s3 = c.client(0)
        s3.create_bucket(Bucket="inv-src")
        allow_inventory_delivery(c.nodes[0], s3, "inv-src", "inv-src")
        for i in range(50):
            s3.put_object(Bucket="inv-src", Key="o%03d" % i, Body=b"x")
        s3.put_bucket_inventory_configuration(Bucket="inv-src", Id="cfg", InventoryConfiguration={
            "Id": "cfg", "IsEnabled": True, "IncludedObjectVersions": "Current",
            "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::inv-src",
                                                    "Format": "CSV"}},
            "Schedule": {"Frequency": "Daily"}, "OptionalFields": ["Size"]})

        def holder():
            rows = meta_sql(c.nodes[0].data, "SELECT pid FROM inventory_leases WHERE "
                            "bucket='inv-src' AND config_id='cfg' AND run_id > 0")
            return rows[0][0] if rows else None

        pid = wait_for(holder)
        victim = [n for n in c.nodes if n.proc.pid == pid][0]
        survivor = [n for n in c.nodes if n.proc.pid != pid][0]
        time.sleep(0.3)
        victim.stop(signal.SIGKILL)
        s3 = survivor.client()

        def checksums():
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket="inv-src", Prefix="inv-src/cfg/")
                    .get("Contents", [])]
            return [k for k in keys if k.endswith("manifest.checksum")]

        done = wait_for(checksums, timeout=60)
        time.sleep(1.5)  # several more ticks: no second report of the same day
        assert checksums() == done and len(done) == 1, done
        manifest = s3.get_object(Bucket="inv-src", Key=done[0].replace(
            "manifest.checksum", "manifest.json"))["Body"].read()
        assert b'"fileFormat" : "CSV"' in manifest or b'"fileFormat":"CSV"' in manifest
        assert "taking over the lease" in survivor.read_log()
    finally:
        c.close()
