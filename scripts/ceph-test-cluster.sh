#!/usr/bin/env bash
# A throw-away single-node Ceph cluster for the RADOS blob tests, from Debian's packages
# (ceph-mon, ceph-osd, ceph-common): one monitor and one OSD on memstore (RAM only), bound to
# 127.0.0.1, cephx keys generated into DIR, no manager. Works as root (CI) or as any user.
#
#   scripts/ceph-test-cluster.sh start DIR [POOL]   start it; prints "CEPH_CONF=DIR/ceph.conf"
#   scripts/ceph-test-cluster.sh stop DIR           stop the daemons and remove DIR
#
# DIR/ceph.conf and DIR/keyring (client.admin) are what `stocktake serve --blobs rados:POOL
# --ceph-conf DIR/ceph.conf --ceph-keyring DIR/keyring` needs. POOL (default stocktake) is
# created with one replica.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
pool=${3:-stocktake}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
    echo "usage: $0 start|stop DIR [POOL]" >&2
    exit 2
fi

stop() {
    for f in "$dir"/run/*.pid; do
        [ -e "$f" ] || continue
        pid=$(cat "$f")
        kill "$pid" 2>/dev/null || true
    done
    for f in "$dir"/run/*.pid; do
        [ -e "$f" ] || continue
        pid=$(cat "$f")
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$dir"
}

if [ "$cmd" = stop ]; then
    stop
    exit 0
fi
if [ "$cmd" != start ]; then
    echo "usage: $0 start|stop DIR [POOL]" >&2
    exit 2
fi

for b in ceph-mon ceph-osd ceph ceph-authtool monmaptool; do
    command -v "$b" >/dev/null 2>&1 || { echo "ceph-test-cluster: $b is not installed" >&2; exit 3; }
done

mkdir -p "$dir"/run "$dir"/log "$dir"/mon "$dir"/osd
dir=$(cd "$dir" && pwd)
conf=$dir/ceph.conf
fsid=$(cat /proc/sys/kernel/random/uuid)
# a free loopback port for the monitor
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cat >"$conf" <<EOF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$port
public addr = 127.0.0.1
public network = 127.0.0.0/8
ms bind ipv6 = false
ms bind msgr1 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $dir/keyring
run dir = $dir/run
pid file = $dir/run/\$name.pid
mon data = $dir/mon/\$name
osd data = $dir/osd/\$name
osd objectstore = memstore
memstore device bytes = 2147483648
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
auth allow insecure global id reclaim = false
osd max object name len = 256
osd max object namespace len = 64
osd op num shards = 1
osd op num threads per shard = 2
mon osd full ratio = 0.98
[mon]
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
[osd]
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
[client]
admin socket =
log file = $dir/log/client.log
EOF

ceph-authtool --create-keyring "$dir/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$dir/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
    --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
monmaptool --create --addv a "[v2:127.0.0.1:$port]" --fsid "$fsid" "$dir/monmap" >/dev/null
ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/keyring"
ceph-mon -c "$conf" -i a

c() { timeout 60 ceph -c "$conf" --connect-timeout 30 "$@"; }
osd_uuid=$(cat /proc/sys/kernel/random/uuid)
id=$(c osd new "$osd_uuid")
mkdir -p "$dir/osd/osd.$id"
c auth get-or-create "osd.$id" mon 'allow profile osd' osd 'allow *' mgr 'allow profile osd' \
    -o "$dir/osd/osd.$id/keyring"
ceph-osd -c "$conf" -i "$id" --mkfs --osd-uuid "$osd_uuid" \
    --keyring "$dir/osd/osd.$id/keyring" >/dev/null 2>&1
ceph-osd -c "$conf" -i "$id" --keyring "$dir/osd/osd.$id/keyring"

for _ in $(seq 1 120); do
    if c osd dump 2>/dev/null | grep -q "^osd.$id up"; then
        break
    fi
    sleep 0.5
done
c osd dump | grep -q "^osd.$id up" || { echo "ceph-test-cluster: the OSD did not come up" >&2; exit 4; }
c osd pool create "$pool" 8 8 >/dev/null 2>&1
c osd pool set "$pool" size 1 --yes-i-really-mean-it >/dev/null 2>&1 || true
# a write acknowledged end to end: the pool serves I/O
for _ in $(seq 1 120); do
    if echo probe | timeout 20 rados -c "$conf" -p "$pool" put ceph-test-cluster-probe - 2>/dev/null; then
        timeout 20 rados -c "$conf" -p "$pool" rm ceph-test-cluster-probe 2>/dev/null || true
        echo "CEPH_CONF=$conf"
        exit 0
    fi
    sleep 0.5
done
echo "ceph-test-cluster: the pool $pool does not take writes" >&2
exit 5
