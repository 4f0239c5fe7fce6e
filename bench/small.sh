#!/bin/bash
# bench/small.sh — small-object and 16 MiB throughput with the C client bench/s3load.c.
#
#     bench/small.sh [SECONDS per step, default 5] [extra s3load options…]
#
# Builds build/stocktake and build/s3load, measures the disk's single-thread 4 KiB
# write+fsync rate in the data directory's file system, the client against its null server,
# then serves a temporary data directory (--legacy-bucket-defaults: objects unencrypted, every
# PUT fsynced) and runs PUT/GET 4 KiB (16 in flight), LIST, PUT/GET 16 MiB (4 in flight).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_STEP="${1:-5}"
shift || true
nice make -s -j2 build/stocktake build/s3load
TMP="$(mktemp -d "${TMPDIR:-/tmp}/stocktake-bench-XXXXXX")"
export STOCKTAKE_ROOT_ACCESS_KEY=STKBENCHROOTKEY000001 STOCKTAKE_ROOT_SECRET_KEY=bench-root-secret-key-0123456789abcdefgh
cleanup() { [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
mkdir -p "$TMP/data"
build/s3load --fsync-dir "$TMP/data" --seconds "$SECONDS_PER_STEP"
build/s3load --null-server --seconds "$SECONDS_PER_STEP" "$@"
build/stocktake serve --listen 127.0.0.1:0 --data "$TMP/data" --legacy-bucket-defaults \
    >"$TMP/banner" 2>"$TMP/server.log" </dev/null &
PID=$!
PORT=
for _ in $(seq 100); do
    PORT="$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$TMP/banner" | head -1)"
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "$PORT" ] || { echo "server did not start" >&2; cat "$TMP/server.log" >&2; exit 1; }
build/s3load --port "$PORT" --seconds "$SECONDS_PER_STEP" "$@"
