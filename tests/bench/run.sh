#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# run.sh — run the benchmarks in tests/bench and print their results;
# `make bench` calls it (with RUNS=3: medians of three runs).  Each
# benchmark prints its own table and updates tests/bench/RESULTS.md.
# Benchmarks are not tests: the exit status is non-zero only when a
# benchmark could not run (set-up failed), never because of a number.
#
#   tests/bench/run.sh              the default set, in this order:
#     idle_wakeups  start-up (first frame, connected) and a connected idle
#                   client's wake-ups, CPU and RSS over 60 s, vs Profanity
#                   and mcabber
#     room_flood    10,000 messages into a room: CPU, time to screen, peak
#                   RSS; backchat (room tab focused and hidden), Profanity,
#                   mcabber, and the null client (nullclient.c) as the floor
#     room_growth   50,000 messages in one room: RSS after, growth per
#                   message (soak.sh with one room)
#     roster_load   2,000 contacts, 200 of them online, vs Profanity (not
#                   mcabber: nothing on its screen says its roster is loaded)
#                   (roster_fixture.py, roster_online.py, roster_watch.py)
#     log_search    search and paging in a 1,000,000-message local log (no
#                   peer client: neither Profanity nor mcabber searches its log)
#     store_write   the CPU cost of writing a row to the local log, and of
#                   each of its parts (indexes, full-text index, checks)
#   tests/bench/run.sh soak         200,000 messages across 20 rooms, RSS
#                                   over time (not in the default set:
#                                   BENCH_SOAK=1 adds it)
#   tests/bench/run.sh NAME...      only the named ones
#
# RUNS=1 for a quick pass.  With RUNS=3 the default set takes about 15
# minutes on 2 cores (the soak about one more).  roster_load gives Profanity DRAIN_TIMEOUT=60 s here
# (its drain figures are then lower bounds).  lib.sh and the *_report.py,
# *_watch.py etc. are helpers, not benchmarks.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEFAULT=(idle_wakeups room_flood room_growth roster_load log_search store_write)
[[ ${BENCH_SOAK:-0} == 1 ]] && DEFAULT+=(soak)
export DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-60}

benches=()
for name in "${@:-${DEFAULT[@]}}"; do
    f=$HERE/${name%.sh}.sh
    case $(basename "$f") in run.sh|lib.sh) f="" ;; esac
    [[ -n $f && -f $f ]] || { echo "run.sh: no benchmark '$name' in $HERE" >&2; exit 2; }
    benches+=("$f")
done

failed=()
total=$SECONDS
for f in "${benches[@]}"; do
    name=$(basename "$f" .sh)
    printf '\n=== %s (load average %s) ===\n' "$name" "$(cut -d' ' -f1-3 /proc/loadavg)"
    start=$SECONDS
    if bash "$f"; then
        printf '=== %s: done in %d s ===\n' "$name" $((SECONDS - start))
    else
        printf '=== %s: FAILED to run (exit %d) ===\n' "$name" $?
        failed+=("$name")
    fi
done

printf '\n%d benchmark(s) run in %d s, %d failed to run%s\n' "${#benches[@]}" \
    $((SECONDS - total)) "${#failed[@]}" "${failed[*]:+: ${failed[*]}}"
echo "results: tests/bench/RESULTS.md"
((${#failed[@]} == 0))
