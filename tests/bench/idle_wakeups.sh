#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# idle_wakeups.sh — how fast does a client start, and how often does a
# connected, idle client wake up?
#
# Starts one private Prosody on loopback (tests/integration/prosody.py) and,
# RUNS times, connects fresh clients to it, each in its own private tmux
# server (120x40, lib.sh):
#   backchat   as alice@localhost (server certificate pre-pinned)
#   profanity  as carol@localhost (tls.policy=trust, password in its accounts)
#   mcabber    as dave@localhost (~/.mcabber/mcabberrc: account, certificate
#              fingerprint pinned; connected = its status bar shows [o])
# All run with their default settings in throw-away HOME/XDG directories.
# Start-up (startup_watch.py), one client at a time, from the pane's exec of
# the client: the first frame on screen, and "connected" shown.
# Once all show they are connected, it waits SETTLE_SECONDS, then measures
# all the processes over the same IDLE_SECONDS window, concurrently:
#   wake-ups   voluntary context switches, summed over the process's threads
#              (/proc/PID/task/*/status): each one is a block-and-wake
#   involuntary context switches, and CPU time: utime+stime from
#              /proc/PID/stat (clock ticks, usually 10 ms) and, finer, the
#              on-CPU nanoseconds of /proc/PID/task/*/schedstat
#   RSS        VmRSS at the end of the window
# and prints a table (medians over the runs) and the ratios profanity/backchat
# and mcabber/backchat (idle_report.py).  The result is also written to the "Idle wake-ups"
# section of tests/bench/RESULTS.md.
#
# A benchmark, not a test: there are no timing assertions.  It fails only if
# something could not be set up (with the client's screen when it never
# connects).  Everything it started is stopped and removed on exit.
#
# Environment:
#   BACKCHAT         the backchat binary (default ./backchat, built if missing)
#   RUNS             runs; the report gives medians (default 1)
#   IDLE_CLIENTS     which clients (default "backchat profanity mcabber")
#   IDLE_SECONDS     measurement window (default 60)
#   SETTLE_SECONDS   wait after both are connected (default 5)
#   CONNECT_TIMEOUT  seconds to wait for each client to connect (default 30)
#   BENCH_RESULTS    results file (default tests/bench/RESULTS.md; "-" = none)
#   BENCH_KEEP=1     keep the temporary directory (for debugging)

set -uo pipefail

NAME="idle_wakeups"
# shellcheck source=tests/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BACKCHAT=${BACKCHAT:-$REPO/backchat}
[[ $BACKCHAT == /* ]] || BACKCHAT=$PWD/$BACKCHAT
IDLE_SECONDS=${IDLE_SECONDS:-60}
SETTLE_SECONDS=${SETTLE_SECONDS:-5}
CONNECT_TIMEOUT=${CONNECT_TIMEOUT:-30}
RUNS=${RUNS:-1}
check_counts IDLE_SECONDS SETTLE_SECONDS CONNECT_TIMEOUT RUNS
read -ra CLIENTS <<<"${IDLE_CLIENTS:-backchat profanity mcabber}"
((${#CLIENTS[@]})) || die "IDLE_CLIENTS is empty (backchat, profanity, mcabber)"
declare -A WANT=()
for c in "${CLIENTS[@]}"; do
    case $c in backchat|profanity|mcabber) WANT[$c]=1 ;;
        *) die "IDLE_CLIENTS: unknown client '$c' (backchat, profanity, mcabber)" ;;
    esac
done
need_tools tmux profanity mcabber prosody prosodyctl openssl bash "$PY"
ensure_backchat
bench_init idle

PW_BC="bench-a-$RANDOM$RANDOM"
PW_PROF="bench-c-$RANDOM$RANDOM"
PW_MCAB="bench-d-$RANDOM$RANDOM"
say "starting a private Prosody"
start_server "$T/srv" "alice:$PW_BC,carol:$PW_PROF,dave:$PW_MCAB"
declare -A PID=() TMUXPID=() SOCKS=()
SAMPLES=$T/samples.tsv
: >"$SAMPLES"

# launch CLIENT RUN: start it with its start-up watched; sets PID[CLIENT]
launch() {
    local c=$1 run=$2 d=$T/$1-$2 sock="bc-bench-$$-$1" out
    local -a cmd
    SOCKS[$c]=$sock
    case $c in
        backchat)
            setup_backchat "$d" alice "$PW_BC"
            cmd=("$(printf '%q' "$BACKCHAT")" -a bench) ;;
        profanity)
            setup_profanity "$d" carol "$PW_PROF"
            cmd=(profanity -a carol) ;;
        mcabber)
            setup_mcabber "$d" dave "$PW_MCAB"
            cmd=(mcabber) ;;
    esac
    out=$T/startup-$c-$run.json
    "$PY" "$HERE/startup_watch.py" --client "$c" --tmux-socket "$sock" --tmux-conf "$TMUX_CONF" \
        --stamp "$d/stamp" --rows "$ROWS" --timeout "$CONNECT_TIMEOUT" >"$out" &
    local watcher=$!
    STAMP_FILE=$d/stamp start_client "$sock" "$c" "$d/stderr" "$(client_env "$d")" "${cmd[@]}"
    PID[$c]=$CLIENT_PID TMUXPID[$c]=$TMUX_SERVER_PID
    wait "$watcher" || wait_connected "$c" "$sock" "${c}_connected" "$d/stderr" "$CLIENT_PID"
}

for ((run = 1; run <= RUNS; run++)); do
    say "run $run/$RUNS: starting ${CLIENTS[*]}, one after the other, in tmux (${COLS}x${ROWS})"
    for c in "${CLIENTS[@]}"; do launch "$c" "$run"; done
    say "all connected; settling ${SETTLE_SECONDS} s, then measuring ${IDLE_SECONDS} s"
    sleep "$SETTLE_SECONDS"
    declare -A S0=()
    for c in "${CLIENTS[@]}"; do S0[$c]=$(proc_sample "${PID[$c]}") || die "$c vanished"; done
    sleep "$IDLE_SECONDS" & wait $!  # "& wait": a signal ends the window at once
    for c in "${CLIENTS[@]}"; do
        S1=$(proc_sample "${PID[$c]}") || die "$c exited during the window"
        printf '%s %s %s %s\n' "$c" "$run" "${S0[$c]}" "$S1" >>"$SAMPLES"
    done
    # Still connected at the end?  (A reconnect during the window would be noise.)
    [[ -n ${WANT[backchat]:-} ]] && ! screen_of "${SOCKS[backchat]}" | backchat_connected &&
        echo "run $run: backchat was no longer shown connected after the window" >>"$T/warnings"
    [[ -n ${WANT[profanity]:-} ]] && ! screen_of "${SOCKS[profanity]}" | grep -q '\[online\]' &&
        echo "run $run: profanity was no longer shown online after the window" >>"$T/warnings"
    [[ -n ${WANT[mcabber]:-} ]] && ! screen_of "${SOCKS[mcabber]}" | mcabber_connected &&
        echo "run $run: mcabber was no longer shown online after the window" >>"$T/warnings"
    if ((run == RUNS)) && [[ -n ${WANT[profanity]:-} ]]; then
        # Profanity's settings that decide its idle behaviour (queried after
        # the window, so the queries are not measured).
        prof_pref() { # prof_pref COMMAND LABEL-REGEX -> value after ':'
            local i line s=${SOCKS[profanity]}
            tm "$s" send-keys -t bench:0.0 -l "$1" && tm "$s" send-keys -t bench:0.0 Enter
            for ((i = 0; i < 25; i++)); do
                sleep 0.2
                line=$(screen_of "$s" | grep -E "$2" | tail -n 1)
                if [[ -n $line ]]; then
                    line=${line#*: }
                    echo "${line%"${line##*[![:space:]]}"}"
                    return
                fi
            done
            echo "?"
        }
        PROF_SETTINGS="autoping $(prof_pref "/prefs conn" 'Autoping interval'),"
        PROF_SETTINGS+=" autoping timeout $(prof_pref "/prefs conn" 'Autoping timeout'),"
        PROF_SETTINGS+=" autoaway $(prof_pref "/prefs presence" 'Autoaway \(/autoaway mode\)'),"
        PROF_SETTINGS+=" input timeout (/inpblock) $(prof_pref "/prefs ui" 'Input timeout'),"
        PROF_SETTINGS+=" dynamic $(prof_pref "/prefs ui" 'Dynamic timeout')"
    fi
    for c in "${CLIENTS[@]}"; do
        kill_pid "${TMUXPID[$c]}"
        kill_pid "${PID[$c]}"
    done
done

# -- results --------------------------------------------------------------------
machine_info
BC_VERSION=$("$BACKCHAT" --version 2>&1 | head -n 1)
SECTION=$T/section.md
"$PY" "$HERE/idle_report.py" --dir "$T" --runs "$RUNS" --idle "$IDLE_SECONDS" \
    --settle "$SETTLE_SECONDS" --hz "$(getconf CLK_TCK)" --section "$SECTION" \
    --date "$NOW" --machine "$MACHINE" --backchat "$BC_VERSION" \
    --profanity "$PROF_VERSION" --server "$PROSODY_VERSION" --strophe "$STROPHE_VERSION" \
    --profanity-settings "${PROF_SETTINGS:-?}" --mcabber "$MCABBER_VERSION" \
    --command "$(bench_cmdline tests/bench/idle_wakeups.sh RUNS=1 IDLE_SECONDS=60)" \
    || die "could not write the report"
if [[ $RESULTS != "-" ]]; then
    results_section idle_wakeups "$SECTION"
    say "results written to ${RESULTS#"$REPO"/}"
fi
exit 0
