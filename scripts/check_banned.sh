#!/usr/bin/env bash
# check_banned.sh — fail when the C sources call a function the style bans (like curl's
# checksrc, kept simple). Banned: the unbounded string writers (strcpy, strcat, sprintf,
# vsprintf, gets) and the unchecked number parsers (atoi, atol, atoll, atof, strtol, strtoul,
# strtoll, strtoull, strtod, strtof, strtold). Numbers are parsed with str_parse_i64,
# str_parse_u64 or str_parse_fixed of src/core/str.h, which check
# the whole string, the sign and the range; they are written without strto*, so no exception is
# needed. Comments and string literals are not exempt: name the call differently there.
# Usage: scripts/check_banned.sh [DIR...]   (default: src tests/unit tests/fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(src tests/unit tests/fuzz)
banned='strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atoll|atof|strtol|strtoul|strtoll|strtoull|strtod|strtof|strtold'
# a call: the name as a whole word, then optional spaces and "("
if hits=$(grep -rnE --include='*.c' --include='*.h' "(^|[^A-Za-z0-9_])($banned)[[:space:]]*\(" \
    "${dirs[@]}"); then
    echo "banned calls (use snprintf, buf_*, str_parse_i64/str_parse_u64 instead):" >&2
    echo "$hits" >&2
    exit 1
fi
echo "check_banned: no banned calls in ${dirs[*]}"
