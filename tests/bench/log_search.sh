#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# log_search.sh — the local log at scale: builds tests/bench/log_search.c
# against the store sources, generates a log of LOG_MESSAGES messages
# (default 1,000,000) through the store API in a temp directory, and
# measures search latency (median, p95) for typical queries, paging 100
# lines from the middle of a 100k-line conversation, scrolling back through
# all of it, verify/stats/export over the whole log, and RSS. Each search
# and paging number has a naive baseline on the same database (a LIKE scan,
# LIMIT/OFFSET paging): no peer client has log search to compare with
# (Profanity has none; mcabber's /buffer search_* only looks through the
# buffer open in memory, not its log files).
# Results go to the "Local log" section of tests/bench/RESULTS.md.
#
#   tests/bench/log_search.sh
#   LOG_MESSAGES=100000 tests/bench/log_search.sh     a quicker run
#   BENCH_RESULTS=- tests/bench/log_search.sh         print only

set -euo pipefail

NAME="log_search"
# shellcheck source=tests/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
N=${LOG_MESSAGES:-1000000}
T=$(mktemp -d "${TMPDIR:-/tmp}/bc-logbench-XXXXXX")
trap 'rm -rf "$T"' EXIT

build_store_tool "$HERE/log_search.c" "$T/log_search"

say "generating $N messages and measuring (this takes a few minutes for 1M)"
TMPDIR=$T "$T/log_search" -n "$N" >"$T/out.md"
cat "$T/out.md"

[[ $RESULTS == "-" ]] && exit 0

machine_basics
SQLITE=$(pkg-config --modversion sqlite3)
SECTION=$T/section.md
{
    echo "<!-- log_search:begin -->"
    echo "## Local log: search, paging, scrolling"
    echo
    echo "A log of $N messages written through the store API (\`bc_store_append\`,"
    echo "one \`bc_store_flush\` per 1000), then timed in the same process. No peer"
    echo "client has log search (Profanity has none; mcabber's \`/buffer search_*\`"
    echo "only looks through the buffer open in memory), so each number is set"
    echo "against the naive way on the same database: a LIKE scan for search,"
    echo "LIMIT/OFFSET for paging. Timings are wall clock, warm page cache."
    echo
    echo "Run $NOW"
    echo
    echo "- machine: $MACHINE"
    echo "- SQLite $SQLITE (Debian libsqlite3), FTS5 unicode61 remove_diacritics 2"
    cat "$T/out.md"
    echo
    echo "Reading the ratios: for the most frequent words (and 3-letter prefixes)"
    echo "the naive scan is fast too, since scanning back from the newest row meets"
    echo "50 hits at once; it also matches substrings, not words. For everything"
    echo "else it reads the whole log, and the index answers in about a millisecond."
    echo
    echo "Reproduce: \`make bench\` (all benchmarks), or \`tests/bench/log_search.sh\`"
    echo "(\`LOG_MESSAGES=N\` changes the size; default 1000000)."
    echo "<!-- log_search:end -->"
} >"$SECTION"

results_section log_search "$SECTION"
say "results written to ${RESULTS#"$REPO"/}"
