#!/usr/bin/env bash
# Bundles the web console (console/) into OUTDIR (index.html, app.css, app.js and the
# bundle's third-party licences) with esbuild from console/node_modules. Without Node.js or
# without the npm packages (scripts/install-deps.sh installs both) it leaves OUTDIR empty and
# says so: the binary is then built without the console, which answers 501 NotImplemented.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: console_build.sh OUTDIR}
rm -rf "$out"
mkdir -p "$out"
esbuild=console/node_modules/.bin/esbuild
if ! command -v node >/dev/null 2>&1 || [ ! -x "$esbuild" ]; then
    echo "console_build: Node.js or console/node_modules missing (run scripts/install-deps.sh);" \
         "building without the web console" >&2
    exit 0
fi
"$esbuild" console/src/app.js --bundle --minify --format=esm --target=es2022 \
    --legal-comments=linked --log-level=warning --outfile="$out/app.js"
cp console/static/index.html console/static/app.css "$out/"
