#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# store_write.sh — what writing the local log costs per message, and which
# part costs what: builds tests/bench/store_write.c against the store
# sources and writes 10,000 room-flood rows through the store API (flushes
# of 430, as in the room flood) into a fresh log, as shipped and with one
# part taken away at a time. CPU time per row, medians of RUNS runs.
# Results go to the "Log writes" section of tests/bench/RESULTS.md.
#
#   tests/bench/store_write.sh
#   RUNS=5 tests/bench/store_write.sh
#   BENCH_RESULTS=- tests/bench/store_write.sh     print only

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RESULTS=${BENCH_RESULTS:-$HERE/RESULTS.md}
RUNS=${RUNS:-3}
T=$(mktemp -d "${TMPDIR:-/tmp}/bc-storewrite-XXXXXX")
trap 'rm -rf "$T"' EXIT

say() { printf 'store_write: %s\n' "$*" >&2; }

PKGS="glib-2.0 sqlite3 openssl"
pkg-config --exists $PKGS || { say "needs the -dev packages of: $PKGS"; exit 1; }
say "building (gcc -O2, src/store/*.c)"
# shellcheck disable=SC2046
gcc -std=c17 -O2 -g -D_GNU_SOURCE -I"$REPO/include" $(pkg-config --cflags $PKGS) \
    -o "$T/store_write" "$HERE/store_write.c" "$REPO"/src/store/*.c \
    $(pkg-config --libs $PKGS) -lm

say "writing 10000 rows per variant, $RUNS runs each"
TMPDIR=$T "$T/store_write" "$RUNS" >"$T/out.md"
cat "$T/out.md"

[[ $RESULTS == "-" ]] && exit 0

NOW=$(date -u '+%Y-%m-%d %H:%M UTC')
CPU=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
MACHINE="$(nproc) CPUs ($CPU), $(uname -sr) $(uname -m), $(df -T "$T" | awk 'NR==2 {print $2}') temp dir"
SQLITE=$(pkg-config --modversion sqlite3)
SECTION=$T/section.md
{
    echo "<!-- store_write:begin -->"
    echo "## Log writes: the cost of a row, part by part"
    echo
    echo "10,000 room messages (random stanza and archive ids, as a server and"
    echo "its clients make them) written through the store API in flushes of 430,"
    echo "what one 150 ms flush holds in the room flood above, into a fresh log;"
    echo "then the same with one part taken away (or, for the CHECK on the kind"
    echo "column, put back). CPU time of the process per row, user + system,"
    echo "medians of $RUNS runs."
    echo
    echo "Run $NOW"
    echo
    echo "- machine: $MACHINE"
    echo "- SQLite $SQLITE (Debian libsqlite3), WAL, synchronous=NORMAL"
    echo
    cat "$T/out.md"
    echo
    echo "The two dedupe indexes are keyed by random ids, so each flush touches"
    echo "most of their pages; they are what keeps a message that comes again"
    echo "(archive catch-up, reconnection, a second device) out of the log."
    echo
    echo "Reproduce: \`tests/bench/store_write.sh\` (\`RUNS=N\`), or \`make bench\`."
    echo "<!-- store_write:end -->"
} >"$SECTION"

# Re-read RESULTS.md now (another benchmark may have rewritten it while
# this one ran) and replace only the store_write section.
if [[ ! -f $RESULTS ]]; then
    printf '# Benchmark results\n' >"$RESULTS"
fi
awk -v sect="$SECTION" '
    function emit(   l) { while ((getline l < sect) > 0) print l; close(sect); done = 1 }
    /^<!-- store_write:begin -->$/ { skip = 1; emit(); next }
    /^<!-- store_write:end -->$/   { skip = 0; next }
    !skip { print }
    END { if (!done) { print ""; emit() } }
' "$RESULTS" >"$T/results.md" && cat "$T/results.md" >"$RESULTS"
say "results written to ${RESULTS#"$REPO"/}"
