#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# run.sh — run every benchmark in tests/bench (each *.sh but this one, in
# name order) and print their results; `make bench` calls it.  Each
# benchmark prints its own table and updates tests/bench/RESULTS.md.
# Benchmarks are not tests: the exit status is non-zero only when a
# benchmark could not run (set-up failed), never because of a number.
#
#   tests/bench/run.sh              all benchmarks
#   tests/bench/run.sh idle_wakeups only the named ones
#   tests/bench/run.sh roster_load  time and CPU to load a 2,000- and a
#                                   5,000-contact roster (ROSTER_SIZES="N ..."
#                                   for other sizes; helpers roster_*.py)
#   tests/bench/run.sh room_flood   10,000 messages into a room: CPU, time
#                                   to screen, peak RSS, against Profanity
#                                   and a null client (room_flood.py,
#                                   nullclient.c)
# lib.sh is the set-up they share (sourced, not a benchmark).

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

benches=()
if (($#)); then
    for name in "$@"; do
        f=$HERE/${name%.sh}.sh
        [[ -f $f && $(basename "$f") != run.sh && $(basename "$f") != lib.sh ]] || { echo "run.sh: no benchmark '$name' in $HERE" >&2; exit 2; }
        benches+=("$f")
    done
else
    for f in "$HERE"/*.sh; do
        [[ -f $f && $(basename "$f") != run.sh && $(basename "$f") != lib.sh ]] && benches+=("$f")
    done
fi
((${#benches[@]})) || { echo "run.sh: no benchmarks in $HERE" >&2; exit 2; }

failed=()
for f in "${benches[@]}"; do
    name=$(basename "$f" .sh)
    printf '\n=== %s ===\n' "$name"
    start=$SECONDS
    if bash "$f"; then
        printf '=== %s: done in %d s ===\n' "$name" $((SECONDS - start))
    else
        printf '=== %s: FAILED to run (exit %d) ===\n' "$name" $?
        failed+=("$name")
    fi
done

printf '\n%d benchmark(s) run, %d failed to run%s\n' "${#benches[@]}" "${#failed[@]}" \
    "${failed[*]:+: ${failed[*]}}"
echo "results: tests/bench/RESULTS.md"
((${#failed[@]} == 0))
