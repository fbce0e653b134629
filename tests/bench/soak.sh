#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# soak.sh — does backchat's memory stay flat under a long stream of room
# messages?  SOAK_MESSAGES (default 200,000) groupchat messages spread
# round-robin over SOAK_ROOMS rooms (default 20), backchat joined to all of
# them (typed /join, the last room's tab focused), its RSS sampled every
# SOAK_SAMPLE seconds (soak.py: one slixmpp sender, at most 1,000 messages
# in flight).  The report (soak_report.py) gives RSS against messages
# received, the growth per message overall, and the slope of RSS over the
# second half (least squares, bytes per message: it should be ~0).
#
#   tests/bench/soak.sh
#   SOAK_MESSAGES=20000 tests/bench/soak.sh          a quick run
#
# room_growth.sh runs this with one room and 50,000 messages, three runs.
# A benchmark, not a test: no assertions; it fails only when something could
# not be set up.  Each run gets a fresh Prosody and a fresh backchat.
#
# Environment:
#   BACKCHAT         the backchat binary (default ./backchat, built if missing)
#   SOAK_MESSAGES    messages in all (default 200000)
#   SOAK_ROOMS       rooms (default 20)
#   SOAK_SAMPLE      seconds between RSS samples (default 2)
#   SOAK_KEY         RESULTS.md section (default soak; room_growth.sh: room_growth)
#   RUNS             runs; the report gives medians (default 1)
#   SOAK_TIMEOUT     seconds for the server to take all messages (default 1800)
#   BENCH_RESULTS    results file (default tests/bench/RESULTS.md; "-" = none)
#   BENCH_KEEP=1     keep the temporary directory (for debugging)

set -uo pipefail

NAME=${SOAK_KEY:-soak}
# shellcheck source=tests/bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BACKCHAT=${BACKCHAT:-$REPO/backchat}
[[ $BACKCHAT == /* ]] || BACKCHAT=$PWD/$BACKCHAT
SOAK_MESSAGES=${SOAK_MESSAGES:-200000}
SOAK_ROOMS=${SOAK_ROOMS:-20}
SOAK_SAMPLE=${SOAK_SAMPLE:-2}
SOAK_TIMEOUT=${SOAK_TIMEOUT:-1800}
SOAK_KEY=${SOAK_KEY:-soak}
CONNECT_TIMEOUT=${CONNECT_TIMEOUT:-30}
RUNS=${RUNS:-1}
check_counts SOAK_MESSAGES SOAK_ROOMS SOAK_SAMPLE SOAK_TIMEOUT RUNS CONNECT_TIMEOUT
[[ $SOAK_KEY =~ ^[a-z_]+$ ]] || die "SOAK_KEY must be lower-case letters and _"
need_tools tmux prosody prosodyctl openssl "$PY"
ensure_backchat
bench_init "$SOAK_KEY"
SOCK="bc-bench-$$-soak"

ROOMS=()
for ((i = 1; i <= SOAK_ROOMS; i++)); do ROOMS+=("soak$i@conference.localhost"); done
ROOM_LIST=$(IFS=,; echo "${ROOMS[*]}")
PW_SEND="bench-s-$RANDOM$RANDOM"
PW_BC="bench-a-$RANDOM$RANDOM"

FAILED=()
for ((run = 1; run <= RUNS; run++)); do
    say "run $run/$RUNS: $SOAK_MESSAGES messages over $SOAK_ROOMS room(s)"
    SRV=$T/srv-$run d=$T/backchat-$run
    start_server "$SRV" "soaker:$PW_SEND,alice:$PW_BC"
    setup_backchat "$d" alice "$PW_BC"
    start_client "$SOCK" backchat "$d/stderr" "$(client_env "$d")" "$(printf '%q' "$BACKCHAT")" -a bench
    wait_connected backchat "$SOCK" backchat_connected "$d/stderr" "$CLIENT_PID"
    if SOAK_SENDER_PASSWORD=$PW_SEND "$PY" "$HERE/soak.py" --port "$PORT" --cafile "$CERT" \
        --sender soaker@localhost --rooms "$ROOM_LIST" --count "$SOAK_MESSAGES" \
        --pid "$CLIENT_PID" --tmux-socket "$SOCK" --tmux-conf "$TMUX_CONF" \
        --sample "$SOAK_SAMPLE" --timeout "$SOAK_TIMEOUT" >"$T/result-$run.json"; then
        "$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
print("%s: RSS %.1f -> %.1f MiB (peak %.1f), %.2f s CPU, %.1f s" % (sys.argv[2],
      r["rss_start_kib"] / 1024, r["rss_end_kib"] / 1024, r["hwm_kib"] / 1024, r["cpu_s"], r["elapsed_s"]))
' "$T/result-$run.json" "$NAME"
    else
        "$PY" -c 'import json,sys; print("soak.py:", json.load(open(sys.argv[1])).get("error"))' "$T/result-$run.json" >&2
        show_screen "$SOCK" "backchat screen:"
        FAILED+=("$run")
    fi
    stop_client
    stop_server "$SRV"
done

machine_info
BC_VERSION=$("$BACKCHAT" --version 2>&1 | head -n 1)
SCRIPT=tests/bench/soak.sh
[[ $SOAK_KEY == room_growth ]] && SCRIPT=tests/bench/room_growth.sh
"$PY" "$HERE/soak_report.py" --dir "$T" --runs "$RUNS" --key "$SOAK_KEY" \
    --count "$SOAK_MESSAGES" --rooms "$SOAK_ROOMS" --section "$T/section.md" \
    --date "$NOW" --machine "$MACHINE" --backchat "$BC_VERSION" --server "$PROSODY_VERSION" \
    --command "$(bench_cmdline "$SCRIPT" RUNS="${DEFAULT_RUNS:-1}" SOAK_MESSAGES="${DEFAULT_MESSAGES:-200000}")" \
    || die "could not write the report"
if [[ $RESULTS != "-" ]]; then
    results_section "$SOAK_KEY" "$T/section.md"
    say "results written to ${RESULTS#"$REPO"/}"
fi
((${#FAILED[@]})) && die "no result for run(s): ${FAILED[*]}"
exit 0
