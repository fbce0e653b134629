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

NAME="store_write"
# shellcheck source=tests/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
RUNS=${RUNS:-3}
T=$(mktemp -d "${TMPDIR:-/tmp}/bc-storewrite-XXXXXX")
trap 'rm -rf "$T"' EXIT

build_store_tool "$HERE/store_write.c" "$T/store_write"
say "writing 10000 rows per variant, $RUNS runs each"
TMPDIR=$T "$T/store_write" "$RUNS" >"$T/out.md"
cat "$T/out.md"

[[ $RESULTS == "-" ]] && exit 0

machine_basics
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

results_section store_write "$SECTION"
say "results written to ${RESULTS#"$REPO"/}"
