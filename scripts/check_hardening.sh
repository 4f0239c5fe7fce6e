#!/usr/bin/env bash
# check_hardening.sh BINARY — fail unless the binary is a PIE with full RELRO (a GNU_RELRO
# segment and BIND_NOW), a stack protector (__stack_chk_fail) and fortified libc calls (*_chk).
set -euo pipefail
bin=${1:-build/stocktake}
fail=0
check() { # what, command...
    local what=$1
    shift
    if "$@" >/dev/null 2>&1; then echo "  ok: $what"; else echo "  MISSING: $what" >&2; fail=1; fi
}
echo "hardening of $bin:"
check "PIE (ELF type DYN)" grep -q 'Type:[[:space:]]*DYN' <(readelf -h "$bin")
check "RELRO (GNU_RELRO segment)" grep -q GNU_RELRO <(readelf -lW "$bin")
check "full RELRO (BIND_NOW)" grep -qE 'BIND_NOW|FLAGS_1.*NOW' <(readelf -dW "$bin")
check "stack protector (__stack_chk_fail)" grep -q __stack_chk_fail <(readelf -sW --dyn-syms "$bin")
check "FORTIFY_SOURCE (__*_chk)" grep -qE '__[a-z]+_chk@' <(readelf -sW --dyn-syms "$bin")
exit $fail
