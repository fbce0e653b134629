#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# roster_load.sh — how long, and how much CPU, does a client need to load a
# big roster?  Side by side with Debian's Profanity, same server, one run.
#
#   tests/bench/roster_load.sh [N...]      (default: 2000 5000)
#
# For each N it writes a roster of N contacts (spread over 12 groups, all
# offline, subscription both) straight into a private Prosody's storage
# (tests/bench/roster_fixture.py: no N account registrations), for two
# accounts: alice (backchat) and carol (profanity).  Then, one client at a
# time, each against a freshly started server on the same data:
#   backchat   as alice, certificate pre-pinned, default settings
#   profanity  as carol, tls.policy=trust, default settings
# each in its own private 120x40 tmux server, and tests/bench/roster_watch.py
# measures from the client process's start:
#   shown      the complete roster is on screen (backchat: its roster panel
#              lists every group with counts adding up to N; profanity: its
#              roster panel lists the contacts, which it does once the whole
#              roster result is handled), with the client's CPU time then;
#   drained    the client has read everything the server sent (after the
#              roster, one "unavailable" presence per contact, the answers to
#              the presence probes), with its CPU time then; given up after
#              DRAIN_TIMEOUT seconds;
#   RSS        VmRSS (and the peak VmHWM) at the end.
# First, the same with a roster of one contact: the baseline (start-up,
# TLS, authentication), so the report can also say what the roster itself
# cost each client (CPU at "shown" minus the baseline's).
# It prints a table with the ratios profanity/backchat and writes the "Roster
# load" section of tests/bench/RESULTS.md.
#
# A benchmark, not a test: no timing assertions.  It fails only if something
# could not be set up or a client never showed the roster (then with its
# screen).  Everything it started is stopped and removed on exit.
#
# Environment:
#   ROSTER_SIZES     sizes when no arguments are given (default "2000 5000")
#   ROSTER_GROUPS    roster groups the contacts are spread over (default 12)
#   ROSTER_BASELINE=0  skip the one-contact baseline run
#   LOAD_TIMEOUT     seconds to wait for a client to show the roster (300)
#   DRAIN_TIMEOUT    seconds to wait, after that, for it to drain (120)
#   BENCH_RESULTS    results file (default tests/bench/RESULTS.md; "-" = none)
#   BENCH_KEEP=1     keep the temporary directory (for debugging)

set -uo pipefail

LOAD_TIMEOUT=${LOAD_TIMEOUT:-300}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-120}
ROSTER_GROUPS=${ROSTER_GROUPS:-12}
PY=/usr/bin/python3
COLS=120 ROWS=40

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RESULTS=${BENCH_RESULTS:-$HERE/RESULTS.md}
BACKCHAT=$REPO/backchat
PROSODY_PY=$REPO/tests/integration/prosody.py

NAME="roster_load"
say() { printf '%s: %s\n' "$NAME" "$*"; }
die() { printf '%s: error: %s\n' "$NAME" "$*" >&2; exit 1; }

if (($#)); then SIZES=("$@"); else read -ra SIZES <<<"${ROSTER_SIZES:-2000 5000}"; fi
((${#SIZES[@]})) || die "no roster sizes given"
for n in "${SIZES[@]}"; do
    [[ $n =~ ^[0-9]+$ && $n -gt 0 && $n -le 6000 ]] || die "roster size must be 1..6000 (got '$n')"
done
for v in LOAD_TIMEOUT DRAIN_TIMEOUT ROSTER_GROUPS; do
    [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v must be a positive whole number (got '${!v}')"
done
for c in tmux profanity prosody prosodyctl openssl "$PY"; do
    command -v "$c" >/dev/null 2>&1 || die "'$c' is not installed (Debian: tmux profanity prosody openssl python3)"
done

if [[ ! -x $BACKCHAT ]]; then
    say "building backchat (make -C $REPO backchat)"
    make -C "$REPO" backchat >&2 || die "could not build backchat"
fi

# -- temporary world and cleanup ------------------------------------------------
T=$(mktemp -d /tmp/bc-bench-roster.XXXXXX) || die "mktemp failed"
chmod 700 "$T"
TMUX_CONF=$T/tmux.conf
SOCK="bc-bench-$$-roster"
TMUX_SERVER_PID="" CLIENT_PID="" SRV=""

pid_alive() {   # running and not a zombie
    local s
    [[ -r /proc/$1/stat ]] || return 1
    s=$(<"/proc/$1/stat") || return 1
    s=${s##*) }
    [[ ${s%% *} != Z ]]
}

kill_pid() {    # TERM, then KILL after 2 s
    local pid=$1 i
    [[ -n $pid ]] || return 0
    pid_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 20; i++)); do
        pid_alive "$pid" || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
}

stop_client() {
    kill_pid "$TMUX_SERVER_PID"
    kill_pid "$CLIENT_PID"
    TMUX_SERVER_PID="" CLIENT_PID=""
}

stop_server() {
    [[ -n $SRV ]] && "$PY" "$PROSODY_PY" stop --dir "$SRV" >/dev/null 2>&1
    return 0
}

cleanup() {
    trap - EXIT INT TERM HUP
    stop_client
    stop_server
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

cat >"$TMUX_CONF" <<EOF
set -g status off
set -g remain-on-exit on
set -g default-shell /bin/sh
set -g default-size ${COLS}x${ROWS}
set -s escape-time 0
set -g default-terminal xterm-256color
EOF

tm() { env -u TMUX -u TMUX_PANE TERM=xterm-256color tmux -L "$SOCK" -f "$TMUX_CONF" "$@"; }

show_screen() { # show_screen TITLE
    printf '%s\n' "$1" >&2
    tm capture-pane -p -t bench:0.0 2>/dev/null | sed 's/^/|/' >&2
}

client_env() { # client_env DIR -> env -i assignments for a clean client
    local d=$1
    printf '%q ' env -i PATH=/usr/local/bin:/usr/bin:/bin TERM=xterm-256color \
        LANG=C.UTF-8 LC_ALL=C.UTF-8 USER=bench HOME="$d/home" \
        XDG_CONFIG_HOME="$d/config" XDG_DATA_HOME="$d/data" \
        XDG_CACHE_HOME="$d/cache" XDG_RUNTIME_DIR="$d/runtime"
}

make_home() {
    local d=$1 s
    rm -rf "$d"
    for s in home config data cache runtime; do mkdir -p "$d/$s"; chmod 700 "$d/$s"; done
}

start_client() { # start_client EXPECTED_COMM STDERR_FILE command...
    local comm=$1 errf=$2 cmd i pid c child
    shift 2
    cmd="exec $* 2>>$(printf '%q' "$errf")"
    tm new-session -d -s bench -x "$COLS" -y "$ROWS" "$cmd" || die "could not start tmux"
    TMUX_SERVER_PID=$(tm display -p -t bench:0.0 '#{pid}') || die "tmux vanished"
    pid=$(tm display -p -t bench:0.0 '#{pane_pid}') || die "tmux vanished"
    # The pane runs "sh -c 'exec env ... client'": its process becomes the
    # client (same PID, so its start time is the fork).
    for ((i = 0; i < 50; i++)); do
        c=$(cat "/proc/$pid/comm" 2>/dev/null) || c=""
        if [[ $c == "$comm" ]]; then CLIENT_PID=$pid; return 0; fi
        for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
            if [[ $(cat "/proc/$child/comm" 2>/dev/null) == "$comm" ]]; then
                CLIENT_PID=$child
                return 0
            fi
        done
        sleep 0.02
    done
    show_screen "$comm screen:"
    die "could not find the $comm process under tmux pane pid $pid"
}

start_server() { # start_server DIR -> sets PORT
    PORT=$("$PY" "$PROSODY_PY" start --dir "$1" --users "alice:$PW_BC,carol:$PW_PROF") \
        || die "could not start Prosody (see above)"
    [[ $PORT =~ ^[0-9]+$ ]] || die "prosody.py start printed '$PORT', not a port"
}

setup_backchat() { # setup_backchat DIR CERT
    local d=$1 fp
    make_home "$d"
    mkdir -p "$d/config/backchat" "$d/data/backchat/bench"
    chmod 700 "$d/config/backchat" "$d/data/backchat" "$d/data/backchat/bench"
    fp=$(openssl x509 -noout -fingerprint -sha256 -in "$2") || die "cannot read $2"
    (
        umask 077
        printf '[bench]\njid=alice@localhost\nserver=127.0.0.1\nport=%s\npassword=%s\ndefault=true\n' \
            "$PORT" "$PW_BC" >"$d/config/backchat/accounts"
        printf '[localhost]\nsha256=%s\n' "${fp#*=}" >"$d/data/backchat/bench/trusted-certs"
    )
}

setup_profanity() { # setup_profanity DIR  (as in idle_wakeups.sh)
    local d=$1
    make_home "$d"
    mkdir -p "$d/data/profanity"
    chmod 700 "$d/data/profanity"
    (
        umask 077
        cat >"$d/data/profanity/accounts" <<EOF
[carol]
enabled=true
jid=carol@localhost
server=127.0.0.1
port=$PORT
resource=profanity
password=$PW_PROF
tls.policy=trust
EOF
    )
}

run_one() { # run_one CLIENT N -> $T/result-CLIENT-N.json
    local client=$1 n=$2 d=$T/$1-$2 out=$T/result-$1-$2.json rc
    start_server "$SRV"
    if [[ $client == backchat ]]; then
        setup_backchat "$d" "$SRV/certs/localhost.crt"
        start_client backchat "$d/stderr" "$(client_env "$d")" "$(printf '%q' "$BACKCHAT")" -a bench
    else
        setup_profanity "$d"
        start_client profanity "$d/stderr" "$(client_env "$d")" profanity -a carol
    fi
    "$PY" "$HERE/roster_watch.py" --client "$client" --pid "$CLIENT_PID" \
        --contacts "$n" --groups "$ROSTER_GROUPS" --tmux-socket "$SOCK" \
        --tmux-conf "$TMUX_CONF" --server-port "$PORT" \
        --load-timeout "$LOAD_TIMEOUT" --drain-timeout "$DRAIN_TIMEOUT" >"$out"
    rc=$?
    if ((rc != 0)); then
        show_screen "$client screen (N=$n):"
        [[ -s $d/stderr ]] && { echo "$client stderr:" >&2; tail -n 20 "$d/stderr" >&2; }
        "$PY" -c 'import json,sys; print("roster_watch:", json.load(open(sys.argv[1])).get("error"))' "$out" >&2 || true
    fi
    stop_client
    stop_server
    return $rc
}

# -- run --------------------------------------------------------------------------
PW_BC="bench-a-$RANDOM$RANDOM"
PW_PROF="bench-c-$RANDOM$RANDOM"
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
    "$PY" "$HERE/roster_fixture.py" --data "$SRV/data" --owners alice,carol \
        --contacts "$n" --groups "$ROSTER_GROUPS" >"$T/fixture-$n.json" \
        || die "could not write the roster fixture"
    for client in backchat profanity; do
        say "N=$n: $client loading the roster"
        if run_one "$client" "$n"; then
            "$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
d = "%.2f s" % r["drained_s"] if r.get("drained_s") is not None else "not within the drain timeout"
print("%s: N=%s: shown at %.2f s (CPU %s ms), drained: %s" % (sys.argv[2], r["contacts"], r["shown_s"], r["shown_cpu_ms"], d))
' "$T/result-$client-$n.json" "$NAME"
        else
            FAILED+=("$client/$n")
        fi
    done
done
SRV=""

# -- results ------------------------------------------------------------------------
BC_VERSION=$("$BACKCHAT" --version 2>&1 | head -n 1)
PROF_VERSION="$(profanity --version 2>&1 | head -n 1) (Debian package $(dpkg-query -W -f='${Version}' profanity 2>/dev/null))"
PROSODY_VERSION="Prosody $(dpkg-query -W -f='${Version}' prosody 2>/dev/null), storage internal, log level info"
STROPHE_VERSION=$(dpkg-query -W -f='${Version}' libstrophe0 2>/dev/null || echo "?")
CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')
MACHINE="$(nproc) CPUs${CPU_MODEL:+ ($CPU_MODEL)}, Linux $(uname -r) $(uname -m)"
NOW=$(date -u '+%Y-%m-%d %H:%M UTC')
CMDLINE="tests/bench/roster_load.sh ${SIZES[*]}"

RESULTS_ARG=$RESULTS
[[ $RESULTS == "-" ]] && RESULTS_ARG=-
"$PY" "$HERE/roster_report.py" --dir "$T" --sizes "${SIZES[*]}" --groups "$ROSTER_GROUPS" \
    --baseline "$BASELINE" \
    --results "$RESULTS_ARG" --date "$NOW" --machine "$MACHINE" \
    --backchat "$BC_VERSION" --profanity "$PROF_VERSION" --server "$PROSODY_VERSION" \
    --strophe "$STROPHE_VERSION" --drain-timeout "$DRAIN_TIMEOUT" --command "$CMDLINE" \
    || die "could not write the report"
[[ $RESULTS != "-" ]] && say "results written to ${RESULTS#"$REPO"/}"

if ((${#FAILED[@]})); then
    die "no result for: ${FAILED[*]}"
fi
exit 0
