#!/usr/bin/env bash
# Installs the build dependencies, builds, and starts the server on its embedded default:
# SQLite metadata and object files in ./data, listening on 127.0.0.1:9000, region us-east-1.
# On first start it creates the root account and prints the endpoint, region and keys.
# Extra arguments go to `stocktake serve` (e.g. --listen 127.0.0.1:9100).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh build
make -s -j"$(nproc)"
exec build/stocktake serve "$@"
