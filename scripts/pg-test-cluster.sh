#!/usr/bin/env bash
# pg-test-cluster.sh — run a command with a throw-away PostgreSQL cluster (Debian's
# `postgresql` package; scripts/install-deps.sh test installs it).
#
#   scripts/pg-test-cluster.sh COMMAND [ARGS...]
#
# initdb + pg_ctl on a temporary directory: unix socket only (listen_addresses=''), in a
# socket directory of its own, trust authentication for the local user, durability off (it is
# thrown away). COMMAND runs with STOCKTAKE_TEST_META set to the cluster's maintenance
# database ("host=DIR user=U dbname=postgres"; tests create a database per server from it).
# The cluster is stopped and removed when COMMAND ends, however it ends; the exit status is
# COMMAND's. As root (CI), the cluster runs as the `postgres` user (runuser), since the server
# refuses to run as root.
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "pg-test-cluster: no PostgreSQL server found (apt-get install postgresql)" >&2
    exit 1
fi

run_as=()
db_user=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
    run_as=(runuser -u postgres --)
    db_user=postgres
fi

dir=$(mktemp -d /tmp/stocktake-pg.XXXXXX)
chmod 755 "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
cleanup() {
    "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"${run_as[@]}" "$bindir/initdb" -D "$dir/data" -U "$db_user" --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
max_connections = 400
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
max_pred_locks_per_transaction = 256
CONF
"${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }

export STOCKTAKE_TEST_META="host=$dir user=$db_user dbname=postgres"
echo "pg-test-cluster: PostgreSQL at $dir ($("$bindir/postgres" --version))" >&2
set +e
"$@"
status=$?
set -e
exit $status
