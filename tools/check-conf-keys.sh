#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when the program reads a config setting that backchat.conf(5) does
# not document:
#
#   tools/check-conf-keys.sh [SRCDIR [MANPAGE]]   (defaults: src, man/backchat.conf.5.in)
#
# Every bc_config_int/bool/string("GROUP", "KEY", ...) in the sources must
# have its KEY= entry under the page's ".SH [GROUP]" section; a call whose
# group is not a literal (e.g. the [preset.NAME] groups) needs KEY= in any
# section; every group listed with bc_config_keys("GROUP") needs its section.
set -eu
src=${1:-src}
man=${2:-man/backchat.conf.5.in}
[ -f "$man" ] || { echo "$0: $man not found" >&2; exit 2; }

# "GROUP KEY" per line ("* KEY" for a computed group), calls may span lines.
pairs=$(find "$src" -name '*.c' ! -path '*/core/config.c' -exec cat {} + | tr '\n' ' ' |
    grep -oE 'bc_config_(int|bool|string)\( *[^,]*, *"[^"]*"' |
    sed -E 's/^bc_config_[a-z]+\( *//; s/, *"/ /; s/"$//; s/^[^" ]+ /* /; s/^"([^"]*)" /\1 /' |
    sort -u)
groups=$(find "$src" -name '*.c' -exec cat {} + | tr '\n' ' ' |
    grep -oE 'bc_config_keys\( *"[^"]*"' | sed -E 's/.*"([^"]*)"/\1/' | sort -u)

# The page as "SECTION KEY" lines: each ".B KEY=" / ".BI KEY= ..." entry
# under its ".SH [GROUP]" heading.
documented=$(awk '
    /^\.SH / { sec = $2; next }
    /^\.BI? [A-Za-z_][A-Za-z0-9_]*=/ { k = $2; sub(/=.*/, "", k); print sec, k }
' "$man")
sections=$(awk '/^\.SH \[/ { print $2 }' "$man")

missing=""
if [ -z "$pairs" ]; then
    echo "$0: no bc_config_* calls found under $src" >&2
    exit 2
fi
while read -r g k; do
    if [ "$g" = "*" ]; then
        printf '%s\n' "$documented" | awk -v k="$k" '$2 == k { f = 1 } END { exit !f }' ||
            missing="$missing $k (in a computed group)"
    else
        printf '%s\n' "$documented" | awk -v s="[$g]" -v k="$k" '$1 == s && $2 == k { f = 1 } END { exit !f }' ||
            missing="$missing [$g]$k"
    fi
done <<EOT
$pairs
EOT
for g in $groups; do
    printf '%s\n' "$sections" | grep -qxF "[$g]" || missing="$missing [$g]"
done
if [ -n "$missing" ]; then
    echo "not in $man:$missing"
    exit 1
fi
echo "$(printf '%s\n' "$pairs" | wc -l) settings documented"
