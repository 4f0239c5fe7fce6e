#!/usr/bin/env bash
# Installs everything the tests need, checks formatting and banned calls, builds with -Werror, then runs every
# test:
#   1. C unit tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   2. the fuzz corpora replayed through their targets (ASan + UBSan)
#   3. the integration tests (pytest under /usr/bin/python3) against the ASan+UBSan binary,
#      driven by boto3, the aws CLI v2 and the JavaScript SDK v3
#   4. the unit tests' metadata conformance suite and the integration tests again, with the
#      metadata in a throw-away PostgreSQL cluster (scripts/pg-test-cluster.sh);
#      STOCKTAKE_SKIP_PG=1 leaves this pass out
#   5. the object-level integration tests again with the blobs in a throw-away single-node
#      Ceph cluster (scripts/test-rados.sh; skipped, saying why, when Ceph cannot start)
# Every pytest pass prints its own summary; the last line adds them up: "N passed, N failed"
# (errors count as failed). A failed pass fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh test
jobs=$(nproc)
make -s format-check
bash scripts/check_banned.sh
make -s -j"$jobs"
bash scripts/check_hardening.sh build/stocktake
make -s -j"$jobs" SANITIZER=1 build/asan/stocktake build/asan/unit_tests
echo "== unit tests (ASan+UBSan)"
ASAN_OPTIONS=detect_leaks=1 build/asan/unit_tests
if [ "${STOCKTAKE_SKIP_PG:-0}" != 1 ]; then
    echo "== unit tests with PostgreSQL (ASan+UBSan)"
    ASAN_OPTIONS=detect_leaks=1 bash scripts/pg-test-cluster.sh \
        bash -c 'STOCKTAKE_TEST_PG_URI="$STOCKTAKE_TEST_META" build/asan/unit_tests'
fi
echo "== fuzz corpus replay (ASan+UBSan)"
make -s fuzz-replay
echo "== integration tests (ASan+UBSan binary)"
export STOCKTAKE_BIN="$PWD/build/asan/stocktake"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
rc=0
logs=$(mktemp -d /tmp/stocktake-test-logs.XXXXXX)
# pass NAME COMMAND...: run one pytest pass, keeping its output for the final count
pass() {
    local name=$1
    shift
    echo "== integration tests: $name"
    set +e
    "$@" 2>&1 | tee "$logs/$name.log"
    local st=${PIPESTATUS[0]}
    set -e
    [ "$st" -eq 0 ] || rc=$st
}
pass sqlite /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration \
    --ignore=tests/integration/test_blob_rados.py
if [ "${STOCKTAKE_SKIP_PG:-0}" != 1 ]; then
    pass postgresql bash scripts/pg-test-cluster.sh /usr/bin/python3 -m pytest -q \
        -p no:cacheprovider tests/integration --ignore=tests/integration/test_blob_rados.py
fi
pass rados bash scripts/test-rados.sh
for f in "$logs"/*.log; do echo "$(basename "$f" .log): $(tail -1 "$f")"; done
# the passes' summaries added up (pytest's "N passed, N failed, N errors" words)
tail -q -n 1 "$logs"/*.log | /usr/bin/python3 -c '
import re, sys
text = sys.stdin.read()
n = lambda w: sum(int(x) for x in re.findall(r"(\d+) " + w, text))
print("%d passed, %d failed" % (n("passed"), n("failed") + n("errors?")))'
rm -rf "$logs"
exit $rc
