#!/usr/bin/env bash
# The stocktake binary with its blobs in RADOS, for running the integration tests on Ceph
# (conftest.py points BIN here when STOCKTAKE_TEST_CEPH_CONF is set; scripts/test-rados.sh).
# `serve` and `inventory run` get --blobs rados:POOL/NS with NS derived from --data, so a
# server and the side processes on its data directory share their blobs and no two test
# servers share a namespace (each one's collector sees only its own blobs).
set -euo pipefail
real=${STOCKTAKE_REAL_BIN:?}
args=("$@")
data=./data
blobs=0
for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
    --data) data=${args[i + 1]:-} ;;
    --blobs) blobs=1 ;;
    esac
done
extra=()
if [ "$blobs" = 0 ] && { [ "${1:-}" = serve ] || [ "${1:-} ${2:-}" = "inventory run" ]; }; then
    ns=$(realpath -m "$data" | sha1sum | cut -c1-16)
    extra=(--blobs "rados:${STOCKTAKE_TEST_CEPH_POOL:-stocktake}/$ns"
           --ceph-conf "$STOCKTAKE_TEST_CEPH_CONF" --ceph-keyring "$STOCKTAKE_TEST_CEPH_KEYRING")
fi
exec "$real" "$@" "${extra[@]}"
