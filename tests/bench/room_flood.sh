#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# room_flood.sh — what does a busy room cost a client?  10,000 groupchat
# messages sent as fast as the server takes them, side by side with Debian's
# Profanity, Debian's mcabber, and a null client (tests/bench/nullclient.c:
# libstrophe only, parses and drops) as the floor.
#
#   tests/bench/room_flood.sh
#
# Each run of each client gets a freshly started private Prosody (so no
# room history or archive carries over).  The client logs in, in its own
# private 120x40 tmux server, default settings:
#   backchat          as alice, certificate pre-pinned; joins with /join and
#                     keeps the room tab focused
#   backchat-hidden   the same, but goes back to tab 1 (Alt-1) once joined,
#                     so the room tab is not on screen: a hidden tab should
#                     cost no drawing
#   profanity         as carol, tls.policy=trust; joins with /join
#   mcabber           as dave, certificate fingerprint pinned in its
#                     ~/.mcabber/mcabberrc; joins with /room join, then
#                     opens the room's buffer (/roster search, Enter);
#                     no logging (its default)
#   null              the null client (no terminal), built here with
#                     cc + pkg-config libstrophe
# and tests/bench/room_flood.py (a slixmpp sender in its own process, which
# created the room first) floods room flood@conference.localhost, measuring
# from the first message sent:
#   shown    the last message ("flood-N:") is on the client's screen (tmux
#            capture-pane polled every 50 ms); the null client reports when
#            it parsed it; hidden: n/a (checked afterwards with Alt-2)
#   done     the client is quiet again (under 2 ms of CPU in a second)
#   CPU      utime+stime (/proc/PID/stat) from just before the flood to done
#   server   the sender got the echo of the last message: the server's own
#            time to accept and fan out all of them
#   peak RSS VmHWM
# With RUNS > 1, the medians.  It prints a table with the ratios
# backchat/profanity and backchat/null and writes the "Room flood" section
# of tests/bench/RESULTS.md.
#
# A benchmark, not a test: no timing assertions.  It fails only if something
# could not be set up; a client that could not take part (a backchat built
# without group chat, say) is reported as such.  Everything it started is
# stopped and removed on exit.
#
# Environment:
#   BACKCHAT         the backchat binary (default ./backchat, built if missing)
#   FLOOD_MESSAGES   messages per run (default 10000)
#   FLOOD_CLIENTS    which clients (default "null profanity mcabber backchat
#                    backchat-hidden")
#   RUNS             runs per client; the report gives medians (default 1)
#   FLOOD_TIMEOUT    seconds a client may take for the whole flood (default 300)
#   CONNECT_TIMEOUT  seconds to wait for a client to connect (default 30)
#   BENCH_RESULTS    results file (default tests/bench/RESULTS.md; "-" = none)
#   BENCH_KEEP=1     keep the temporary directory (for debugging)

set -uo pipefail

NAME="room_flood"
# shellcheck source=tests/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BACKCHAT=${BACKCHAT:-$REPO/backchat}
[[ $BACKCHAT == /* ]] || BACKCHAT=$PWD/$BACKCHAT
FLOOD_MESSAGES=${FLOOD_MESSAGES:-10000}
FLOOD_TIMEOUT=${FLOOD_TIMEOUT:-300}
CONNECT_TIMEOUT=${CONNECT_TIMEOUT:-30}
RUNS=${RUNS:-1}
read -ra CLIENTS <<<"${FLOOD_CLIENTS:-null profanity mcabber backchat backchat-hidden}"
ROOM=flood@conference.localhost

for v in FLOOD_MESSAGES FLOOD_TIMEOUT CONNECT_TIMEOUT RUNS; do
    [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v must be a positive whole number (got '${!v}')"
done
for c in "${CLIENTS[@]}"; do
    case $c in null|profanity|mcabber|backchat|backchat-hidden) ;;
        *) die "FLOOD_CLIENTS: unknown client '$c' (null, profanity, mcabber, backchat, backchat-hidden)" ;;
    esac
done
need_tools tmux profanity mcabber prosody prosodyctl openssl cc pkg-config "$PY"
pkg-config --exists libstrophe || die "libstrophe's development files are missing (Debian: libstrophe-dev)"
ensure_backchat

# -- temporary world and cleanup ------------------------------------------------
T=$(mktemp -d /tmp/bc-bench-flood.XXXXXX) || die "mktemp failed"
chmod 700 "$T"
SOCK="bc-bench-$$-flood"
TMUX_SERVER_PID="" CLIENT_PID="" SRV=""

stop_client() {
    kill_pid "$TMUX_SERVER_PID"
    kill_pid "$CLIENT_PID"
    TMUX_SERVER_PID="" CLIENT_PID=""
}

cleanup() {
    trap - EXIT INT TERM HUP
    stop_client
    stop_server "$SRV"
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then
        say "kept $T"
    else
        rm -rf "$T"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

bench_tmux_conf

NULLCLIENT=$T/nullclient
# shellcheck disable=SC2046
cc -std=c17 -O2 -Wall -Wextra -o "$NULLCLIENT" "$HERE/nullclient.c" \
    $(pkg-config --cflags --libs libstrophe) || die "could not build the null client"

PW_SEND="bench-s-$RANDOM$RANDOM"
PW_BC="bench-a-$RANDOM$RANDOM"
PW_PROF="bench-c-$RANDOM$RANDOM"
PW_NULL="bench-n-$RANDOM$RANDOM"
PW_MCAB="bench-d-$RANDOM$RANDOM"
USERS="flooder:$PW_SEND,alice:$PW_BC,carol:$PW_PROF,nullc:$PW_NULL,dave:$PW_MCAB"

# run_one CLIENT RUN -> $T/result-CLIENT-RUN.json
run_one() {
    local client=$1 run=$2 d=$T/$1-$2 out=$T/result-$1-$2.json rc
    local -a how=()
    SRV=$T/srv-$client-$run
    start_server "$SRV" "$USERS"
    case $client in
        null)
            how=(--null-client "$NULLCLIENT" --null-jid nullc@localhost) ;;
        profanity)
            setup_profanity "$d" carol "$PW_PROF"
            start_client "$SOCK" profanity "$d/stderr" "$(client_env "$d")" profanity -a carol
            wait_connected profanity "$SOCK" profanity_connected "$d/stderr" "$CLIENT_PID"
            how=(--pid "$CLIENT_PID" --join-keys "/join $ROOM") ;;
        mcabber)
            setup_mcabber "$d" dave "$PW_MCAB"
            start_client "$SOCK" mcabber "$d/stderr" "$(client_env "$d")" mcabber
            wait_connected mcabber "$SOCK" mcabber_connected "$d/stderr" "$CLIENT_PID"
            # /room join leaves the status buffer focused: select the room
            # in the roster, then Enter on the empty line opens its buffer.
            how=(--pid "$CLIENT_PID" --join-keys "/room join $ROOM dave"
                 --after-join-keys "/roster search $ROOM" --after-join-keys Enter
                 --after-join-keys Enter) ;;
        backchat*)
            setup_backchat "$d" alice "$PW_BC"
            start_client "$SOCK" backchat "$d/stderr" "$(client_env "$d")" "$(printf '%q' "$BACKCHAT")" -a bench
            wait_connected backchat "$SOCK" backchat_connected "$d/stderr" "$CLIENT_PID"
            how=(--pid "$CLIENT_PID" --join-keys "/join $ROOM")
            [[ $client == backchat-hidden ]] && how+=(--after-join-keys M-1 --verify-keys M-2) ;;
    esac
    FLOOD_SENDER_PASSWORD=$PW_SEND NULLCLIENT_PASSWORD=$PW_NULL \
        "$PY" "$HERE/room_flood.py" --port "$PORT" --cafile "$CERT" --sender flooder@localhost \
        --room "$ROOM" --count "$FLOOD_MESSAGES" --timeout "$FLOOD_TIMEOUT" \
        --tmux-socket "$SOCK" --tmux-conf "$TMUX_CONF" "${how[@]}" >"$out"
    rc=$?
    if ((rc != 0)); then
        "$PY" -c 'import json,sys; r = json.load(open(sys.argv[1])); print("room_flood.py: %s" % r.get("error")); print("screen:\n" + "\n".join("|" + l for l in r.get("screen", "").splitlines()))' "$out" >&2 || true
        [[ -s $d/stderr ]] && { echo "$client stderr:" >&2; tail -n 20 "$d/stderr" >&2; }
    fi
    stop_client
    stop_server "$SRV"
    SRV=""
    return $rc
}

FAILED=()
for ((run = 1; run <= RUNS; run++)); do
    for client in "${CLIENTS[@]}"; do
        say "run $run/$RUNS: $client takes $FLOOD_MESSAGES messages"
        if run_one "$client" "$run"; then
            "$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
shown = "%.2f s" % r["shown_s"] if r.get("shown_s") is not None else "n/a"
print("%s: %s: shown %s, done %.2f s, CPU %.2f s, server %.2f s, peak RSS %.1f MiB"
      % (sys.argv[2], sys.argv[3], shown, r["quiet_s"], r["cpu_s"], r["server_s"], r["hwm_kib"] / 1024))
' "$T/result-$client-$run.json" "$NAME" "$client"
        else
            FAILED+=("$client/$run")
        fi
    done
done

# -- results ------------------------------------------------------------------------
machine_info
BC_VERSION=$("$BACKCHAT" --version 2>&1 | head -n 1)
CMDLINE="tests/bench/room_flood.sh"
[[ $RUNS != 1 ]] && CMDLINE="RUNS=$RUNS $CMDLINE"
[[ $FLOOD_MESSAGES != 10000 ]] && CMDLINE="FLOOD_MESSAGES=$FLOOD_MESSAGES $CMDLINE"
[[ $BACKCHAT != "$REPO/backchat" ]] && CMDLINE="BACKCHAT=path/to/backchat $CMDLINE"
SECTION=$T/section.md
"$PY" "$HERE/room_flood_report.py" --dir "$T" --runs "$RUNS" --count "$FLOOD_MESSAGES" \
    --clients "${CLIENTS[*]}" --section "$SECTION" --date "$NOW" --machine "$MACHINE" \
    --backchat "$BC_VERSION" --profanity "$PROF_VERSION" --mcabber "$MCABBER_VERSION" \
    --server "$PROSODY_VERSION" --strophe "$STROPHE_VERSION" --command "$CMDLINE" \
    || die "could not write the report"
if [[ $RESULTS != "-" ]]; then
    results_section room_flood "$SECTION"
    say "results written to ${RESULTS#"$REPO"/}"
fi
((${#FAILED[@]})) && say "no result for: ${FAILED[*]}"
exit 0
