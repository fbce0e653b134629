#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# roster_load.sh — how long, and how much CPU, does a client need to load a
# big roster, some of it online?  Side by side with Debian's Profanity.
# (Not mcabber: its roster panel shows neither group counts nor a total,
# so the moment its whole roster is loaded cannot be read off its screen.)
#
#   tests/bench/roster_load.sh [N...]      (default: 2000)
#
# For each N it writes a roster of N contacts (spread over 12 groups,
# subscription both) straight into a private Prosody's storage
# (tests/bench/roster_fixture.py: no N account registrations), for two
# accounts: alice (backchat) and carol (profanity).  The first ROSTER_ONLINE
# contacts (default 200) also get accounts, and tests/bench/roster_online.py
# (one asyncio process, one slixmpp client per contact) keeps them online,
# with a status text, while the client logs in; the others are offline.
# Then, one client at a time, each against a freshly started server on the
# same data:
#   backchat   as alice, certificate pre-pinned, default settings
#   profanity  as carol, tls.policy=trust, default settings
# each in its own private 120x40 tmux server (lib.sh), and
# tests/bench/roster_watch.py measures from the client process's start:
#   shown      the complete roster is on screen (backchat: its roster panel
#              lists every group with online/total counts adding up to
#              ROSTER_ONLINE/N; profanity: its roster panel lists the
#              contacts, which it does once the whole roster result is
#              handled), with the client's CPU time then;
#   drained    the client has read everything the server sent (after the
#              roster, one presence per contact: the answers to its presence
#              probes) and its CPU settled, with its CPU time then; given up
#              after DRAIN_TIMEOUT seconds;
#   RSS        VmRSS (and the peak VmHWM) at the end.
# First, the same with a roster of one offline contact: the baseline
# (start-up, TLS, authentication), so the report can also say what the
# roster itself cost each client (CPU at "shown" minus the baseline's).
# With RUNS > 1 the medians.  It prints a table with the ratios
# profanity/backchat and writes the "Roster load" section of
# tests/bench/RESULTS.md (roster_report.py).
#
# A benchmark, not a test: no timing assertions.  It fails only if something
# could not be set up or a client never showed the roster (then with its
# screen).  Everything it started is stopped and removed on exit.
#
# Environment:
#   BACKCHAT         the backchat binary (default ./backchat, built if missing)
#   ROSTER_SIZES     sizes when no arguments are given (default "2000")
#   ROSTER_ONLINE    contacts online (default 200; 0: all offline)
#   ROSTER_GROUPS    roster groups the contacts are spread over (default 12)
#   ROSTER_BASELINE=0  skip the one-contact baseline run
#   RUNS             runs per client and size; the report gives medians (1)
#   LOAD_TIMEOUT     seconds to wait for a client to show the roster (300)
#   DRAIN_TIMEOUT    seconds to wait, after that, for it to drain (120)
#   BENCH_RESULTS    results file (default tests/bench/RESULTS.md; "-" = none)
#   BENCH_KEEP=1     keep the temporary directory (for debugging)

set -uo pipefail

NAME="roster_load"
# shellcheck source=tests/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BACKCHAT=${BACKCHAT:-$REPO/backchat}
[[ $BACKCHAT == /* ]] || BACKCHAT=$PWD/$BACKCHAT
LOAD_TIMEOUT=${LOAD_TIMEOUT:-300}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-120}
ROSTER_GROUPS=${ROSTER_GROUPS:-12}
ROSTER_ONLINE=${ROSTER_ONLINE:-200}
RUNS=${RUNS:-1}

if (($#)); then SIZES=("$@"); else read -ra SIZES <<<"${ROSTER_SIZES:-2000}"; fi
((${#SIZES[@]})) || die "no roster sizes given"
for n in "${SIZES[@]}"; do
    [[ $n =~ ^[0-9]+$ && $n -gt 0 && $n -le 6000 ]] || die "roster size must be 1..6000 (got '$n')"
    ((n >= ROSTER_ONLINE)) || die "ROSTER_ONLINE ($ROSTER_ONLINE) is more than the roster size $n"
done
check_counts LOAD_TIMEOUT DRAIN_TIMEOUT ROSTER_GROUPS RUNS
[[ $ROSTER_ONLINE =~ ^[0-9]+$ ]] || die "ROSTER_ONLINE must be a whole number (got '$ROSTER_ONLINE')"
need_tools tmux profanity prosody prosodyctl openssl "$PY"
ensure_backchat
bench_init roster
SOCK="bc-bench-$$-roster"
ONLINE_PID=""

stop_online() {
    [[ -n $ONLINE_PID ]] || return 0
    exec 7>&-               # its stdin: closing it ends it
    wait "$ONLINE_PID" 2>/dev/null
    kill_pid "$ONLINE_PID"
    ONLINE_PID=""
}
bench_on_exit() { stop_online; }

# start_online N SRV: the fixture's online contacts log in and send presence
start_online() {
    local n=$1 fifo=$T/online-in line="" i
    [[ $n == 1 || $ROSTER_ONLINE == 0 ]] && return 0
    rm -f "$fifo" && mkfifo "$fifo"
    : >"$T/online-out"
    ROSTER_ONLINE_PASSWORD=$PW_ONLINE "$PY" "$HERE/roster_online.py" --port "$PORT" \
        --cafile "$CERT" --fixture "$T/fixture-$n.json" <"$fifo" >"$T/online-out" &
    ONLINE_PID=$!
    exec 7>"$fifo"
    BENCH_PIDS+=("$ONLINE_PID")
    for ((i = 0; i < 1200; i++)); do
        read -r line <"$T/online-out" 2>/dev/null
        [[ $line == ready* ]] && return 0
        pid_alive "$ONLINE_PID" || die "roster_online.py exited before its contacts were online"
        sleep 0.1
    done
    die "the $ROSTER_ONLINE contacts were not online within 120 s"
}

run_one() { # run_one CLIENT N RUN -> $T/result-CLIENT-N-RUN.json
    local client=$1 n=$2 run=$3 d=$T/$1-$2 out=$T/result-$1-$2-$3.json rc online=$ROSTER_ONLINE
    ((n == 1)) && online=0
    start_server "$SRV" "alice:$PW_BC,carol:$PW_PROF"
    start_online "$n"
    if [[ $client == backchat ]]; then
        setup_backchat "$d" alice "$PW_BC"
        start_client "$SOCK" backchat "$d/stderr" "$(client_env "$d")" "$(printf '%q' "$BACKCHAT")" -a bench
    else
        setup_profanity "$d" carol "$PW_PROF"
        start_client "$SOCK" profanity "$d/stderr" "$(client_env "$d")" profanity -a carol
    fi
    "$PY" "$HERE/roster_watch.py" --client "$client" --pid "$CLIENT_PID" \
        --contacts "$n" --online "$online" --groups "$ROSTER_GROUPS" --tmux-socket "$SOCK" \
        --tmux-conf "$TMUX_CONF" --server-port "$PORT" \
        --load-timeout "$LOAD_TIMEOUT" --drain-timeout "$DRAIN_TIMEOUT" >"$out"
    rc=$?
    if ((rc != 0)); then
        show_screen "$SOCK" "$client screen (N=$n):"
        [[ -s $d/stderr ]] && { echo "$client stderr:" >&2; tail -n 20 "$d/stderr" >&2; }
        "$PY" -c 'import json,sys; print("roster_watch:", json.load(open(sys.argv[1])).get("error"))' "$out" >&2 || true
    fi
    stop_client
    stop_online
    stop_server "$SRV"
    return $rc
}

# -- run --------------------------------------------------------------------------
PW_BC="bench-a-$RANDOM$RANDOM"
PW_PROF="bench-c-$RANDOM$RANDOM"
PW_ONLINE="bench-o-$RANDOM$RANDOM"
FAILED=()
RUN_SIZES=("${SIZES[@]}")
BASELINE=""
if [[ ${ROSTER_BASELINE:-1} != 0 ]]; then
    BASELINE=1
    RUN_SIZES=(1 "${SIZES[@]}")
fi
for n in "${RUN_SIZES[@]}"; do
    SRV=$T/srv-$n
    mkdir -p "$SRV/data"
    chmod 700 "$SRV"
    on=$ROSTER_ONLINE
    ((n == 1)) && on=0
    "$PY" "$HERE/roster_fixture.py" --data "$SRV/data" --owners alice,carol \
        --contacts "$n" --groups "$ROSTER_GROUPS" --online "$on" --password "$PW_ONLINE" \
        >"$T/fixture-$n.json" || die "could not write the roster fixture"
    for ((run = 1; run <= RUNS; run++)); do
        for client in backchat profanity; do
            say "N=$n ($on online), run $run/$RUNS: $client loading the roster"
            if run_one "$client" "$n" "$run"; then
                "$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
d = "%.2f s (CPU %s ms)" % (r["drained_s"], r["drained_cpu_ms"]) if r.get("drained_s") is not None else "not within the drain timeout"
print("%s: N=%s: shown at %.2f s (CPU %s ms), settled: %s" % (sys.argv[2], r["contacts"], r["shown_s"], r["shown_cpu_ms"], d))
' "$T/result-$client-$n-$run.json" "$NAME"
            else
                FAILED+=("$client/$n/$run")
            fi
        done
    done
done

# -- results ------------------------------------------------------------------------
machine_info
BC_VERSION=$("$BACKCHAT" --version 2>&1 | head -n 1)
"$PY" "$HERE/roster_report.py" --dir "$T" --sizes "${SIZES[*]}" --groups "$ROSTER_GROUPS" \
    --baseline "$BASELINE" --runs "$RUNS" --online "$ROSTER_ONLINE" \
    --results "$RESULTS" --date "$NOW" --machine "$MACHINE" \
    --backchat "$BC_VERSION" --profanity "$PROF_VERSION" \
    --server "$PROSODY_VERSION, storage internal, log level info" \
    --strophe "$STROPHE_VERSION" --drain-timeout "$DRAIN_TIMEOUT" \
    --command "$(bench_cmdline "tests/bench/roster_load.sh ${SIZES[*]}" RUNS=1 ROSTER_ONLINE=200 DRAIN_TIMEOUT=120)" \
    || die "could not write the report"
[[ $RESULTS != "-" ]] && say "results written to ${RESULTS#"$REPO"/}"

((${#FAILED[@]})) && die "no result for: ${FAILED[*]}"
exit 0
