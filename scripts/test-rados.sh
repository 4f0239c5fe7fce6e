#!/usr/bin/env bash
# The object-level integration tests with the blobs in a real single-node Ceph cluster
# (scripts/ceph-test-cluster.sh: one mon, one memstore OSD, loopback), against the binary in
# $STOCKTAKE_BIN (default: the ASan+UBSan build). Prints how long Ceph took to start; when
# Ceph cannot start, says why and runs only test_blob_rados.py (which then skips, visibly).
set -uo pipefail
cd "$(dirname "$0")/.."
export STOCKTAKE_BIN=${STOCKTAKE_BIN:-$PWD/build/asan/stocktake}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
files=(test_blob_rados.py test_objects.py test_multipart.py test_copy.py test_versioning.py
       test_sse.py test_inventory_reports.py)
dir=$(mktemp -d /tmp/stocktake-ceph-XXXXXX)
t0=$(date +%s%N)
if bash scripts/ceph-test-cluster.sh start "$dir/cluster" >"$dir/start.log" 2>&1; then
    echo "== ceph: a single-node cluster started in $((($(date +%s%N) - t0) / 1000000)) ms"
    export STOCKTAKE_TEST_CEPH_CONF=$dir/cluster/ceph.conf
    export STOCKTAKE_TEST_CEPH_KEYRING=$dir/cluster/keyring
    export STOCKTAKE_TEST_CEPH_POOL=stocktake
else
    echo "== ceph: could not start a test cluster; the RADOS tests skip:"
    tail -5 "$dir/start.log"
    files=(test_blob_rados.py)
fi
echo "== integration tests with blobs in RADOS: ${files[*]}"
/usr/bin/python3 -m pytest -q -p no:cacheprovider "${files[@]/#/tests/integration/}"
rc=$?
bash scripts/ceph-test-cluster.sh stop "$dir/cluster" || true
rm -rf "$dir"
exit $rc
