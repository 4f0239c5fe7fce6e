#!/usr/bin/env bash
# Installs what Stocktake needs on Debian 12: the build dependencies (always: the C libraries,
# and Node.js + the npm packages in console/ that the web console is bundled from) and, with
# "test", the test clients too (aws CLI v2, boto3 + pytest for /usr/bin/python3, the npm
# packages in tests/js, Chromium for the console's browser tests). Safe to run again: installs
# only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-build}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi

build_pkgs=(build-essential pkg-config libmicrohttpd-dev libgnutls28-dev libsqlite3-dev libpq-dev
            libssl-dev zlib1g-dev libsnappy-dev libxml2-dev libjansson-dev libcurl4-openssl-dev
            libmosquitto-dev librados-dev libisal-dev)
# ceph-*: the throw-away single-node cluster of the RADOS blob tests (scripts/ceph-test-cluster.sh)
test_pkgs=(postgresql python3 python3-pytest python3-boto3 awscli clang-format openssl curl mosquitto
           mosquitto-clients chromium ceph-mon ceph-osd ceph-common)

wanted=("${build_pkgs[@]}")
command -v node >/dev/null 2>&1 || wanted+=(nodejs)
command -v npm >/dev/null 2>&1 || wanted+=(npm)
if [ "$mode" = test ]; then
    wanted+=("${test_pkgs[@]}")
fi

missing=()
for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi

# the web console's front-end packages (esbuild bundles them at build time; the browser
# tests drive Chromium with playwright-core from here too)
(cd console && npm install --no-audit --no-fund --loglevel=error >/dev/null)

if [ "$mode" = test ]; then
    # npm install (not ci): npm 11 leaves other platforms' optional DuckDB bindings out of the
    # lockfile, which npm ci then rejects; install still follows the lockfile's versions
    (cd tests/js && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
