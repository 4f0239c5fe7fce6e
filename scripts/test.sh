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
# The last line is pytest's summary.
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
if [ "${STOCKTAKE_SKIP_PG:-0}" = 1 ]; then
    exec /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration
fi
/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration
echo "== integration tests with the metadata in PostgreSQL (ASan+UBSan binary)"
exec bash scripts/pg-test-cluster.sh /usr/bin/python3 -m pytest -q -p no:cacheprovider \
    tests/integration
