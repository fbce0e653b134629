#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# idle_wakeups.sh — how often does a connected, idle client wake up?
#
# Starts one private Prosody on loopback (tests/integration/prosody.py) and
# connects two clients to it, each in its own private tmux server (120x40):
#   backchat   as alice@localhost (server certificate pre-pinned)
#   profanity  as carol@localhost (tls.policy=trust, password in its accounts)
# Both run with their default settings in throw-away HOME/XDG directories.
# Once both show they are connected, it waits SETTLE_SECONDS, then measures
# both processes over the same IDLE_SECONDS window, concurrently:
#   wake-ups   voluntary context switches, summed over the process's threads
#              (/proc/PID/task/*/status): each one is a block-and-wake
#   involuntary context switches, and CPU time: utime+stime from
#              /proc/PID/stat (clock ticks, usually 10 ms) and, finer, the
#              on-CPU nanoseconds of /proc/PID/task/*/schedstat
# and prints a table and the ratio profanity/backchat.  The result is also
# written to the "Idle wake-ups" section of tests/bench/RESULTS.md.
#
# A benchmark, not a test: there are no timing assertions.  It fails only if
# something could not be set up (with the client's screen when it never
# connects).  Everything it started is stopped and removed on exit.
#
# Environment:
#   IDLE_SECONDS     measurement window (default 60)
#   SETTLE_SECONDS   wait after both are connected (default 5)
#   CONNECT_TIMEOUT  seconds to wait for each client to connect (default 30)
#   BENCH_RESULTS    results file (default tests/bench/RESULTS.md; "-" = none)
#   BENCH_KEEP=1     keep the temporary directory (for debugging)

set -uo pipefail

IDLE_SECONDS=${IDLE_SECONDS:-60}
SETTLE_SECONDS=${SETTLE_SECONDS:-5}
CONNECT_TIMEOUT=${CONNECT_TIMEOUT:-30}
PY=/usr/bin/python3
COLS=120 ROWS=40

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RESULTS=${BENCH_RESULTS:-$HERE/RESULTS.md}
BACKCHAT=$REPO/backchat
PROSODY_PY=$REPO/tests/integration/prosody.py

NAME="idle_wakeups"
say() { printf '%s: %s\n' "$NAME" "$*"; }
die() { printf '%s: error: %s\n' "$NAME" "$*" >&2; exit 1; }

for v in IDLE_SECONDS SETTLE_SECONDS CONNECT_TIMEOUT; do
    [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v must be a positive whole number of seconds (got '${!v}')"
done
for c in tmux profanity prosody prosodyctl openssl "$PY"; do
    command -v "$c" >/dev/null 2>&1 || die "'$c' is not installed (Debian: tmux profanity prosody openssl python3)"
done

if [[ ! -x $BACKCHAT ]]; then
    say "building backchat (make -C $REPO backchat)"
    make -C "$REPO" backchat >&2 || die "could not build backchat"
fi

# -- temporary world and cleanup ------------------------------------------------
T=$(mktemp -d /tmp/bc-bench-idle.XXXXXX) || die "mktemp failed"
chmod 700 "$T"
SRV=$T/srv
TMUX_CONF=$T/tmux.conf
SOCK_BC="bc-bench-$$-bc"
SOCK_PROF="bc-bench-$$-prof"
declare -A TMUX_PID=() CLIENT_PID=()
PROSODY_STARTED=0

pid_alive() {   # running and not a zombie
    local s
    [[ -r /proc/$1/stat ]] || return 1
    s=$(<"/proc/$1/stat") || return 1
    s=${s##*) }
    [[ ${s%% *} != Z ]]
}

kill_pid() {    # TERM, then KILL after 2 s
    local pid=$1 i
    pid_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 20; i++)); do
        pid_alive "$pid" || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
}

cleanup() {
    local k
    trap - EXIT INT TERM HUP
    for k in "${!TMUX_PID[@]}"; do kill_pid "${TMUX_PID[$k]}"; done
    for k in "${!CLIENT_PID[@]}"; do kill_pid "${CLIENT_PID[$k]}"; done
    if ((PROSODY_STARTED)); then
        "$PY" "$PROSODY_PY" stop --dir "$SRV" >/dev/null 2>&1 || true
    fi
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

tm() {  # tm SOCKET tmux-args...
    local sock=$1
    shift
    env -u TMUX -u TMUX_PANE TERM=xterm-256color tmux -L "$sock" -f "$TMUX_CONF" "$@"
}

screen_of() {   # the visible screen, exactly ROWS lines
    local sock=$1 out
    local -a lines=()
    out=$(tm "$sock" capture-pane -p -t bench:0.0 2>/dev/null) || true
    mapfile -t lines <<<"$out"
    while ((${#lines[@]} < ROWS)); do lines+=(""); done
    printf '%s\n' "${lines[@]:0:ROWS}"
}

show_screen() { # show_screen SOCKET TITLE
    printf '%s\n+%s+\n' "$2" "$(printf '%*s' "$COLS" '' | tr ' ' -)" >&2
    screen_of "$1" | awk '
        $0 == "" { blank++; next }
        { flush(); print "|" $0 }
        function flush() {
            if (blank >= 3) print "|    (" blank " empty rows)"
            else while (blank-- > 0) print "|"
            blank = 0
        }
        END { flush() }' >&2
    printf '+%s+\n' "$(printf '%*s' "$COLS" '' | tr ' ' -)" >&2
}

pane_dead() { [[ $(tm "$1" display -p -t bench:0.0 '#{pane_dead}' 2>/dev/null) == 1 ]]; }

client_env() { # client_env DIR -> env -i assignments for a clean client
    local d=$1
    printf '%q ' env -i PATH=/usr/local/bin:/usr/bin:/bin TERM=xterm-256color \
        LANG=C.UTF-8 LC_ALL=C.UTF-8 USER=bench HOME="$d/home" \
        XDG_CONFIG_HOME="$d/config" XDG_DATA_HOME="$d/data" \
        XDG_CACHE_HOME="$d/cache" XDG_RUNTIME_DIR="$d/runtime"
}

make_home() {
    local d=$1 s
    for s in home config data cache runtime; do mkdir -p "$d/$s"; chmod 700 "$d/$s"; done
}

start_client() { # start_client KEY SOCKET EXPECTED_COMM STDERR_FILE command...
    local key=$1 sock=$2 comm=$3 errf=$4 cmd i pid c child
    shift 4
    cmd="exec $* 2>>$(printf '%q' "$errf")"
    tm "$sock" new-session -d -s bench -x "$COLS" -y "$ROWS" "$cmd" \
        || die "could not start tmux for $key"
    TMUX_PID[$key]=$(tm "$sock" display -p -t bench:0.0 '#{pid}') || die "tmux for $key vanished"
    pid=$(tm "$sock" display -p -t bench:0.0 '#{pane_pid}') || die "tmux for $key vanished"
    # The pane runs "sh -c 'exec env ... client'", so the pane's process
    # should become the client itself; if a wrapper stays, take its child.
    for ((i = 0; i < 50; i++)); do
        c=$(cat "/proc/$pid/comm" 2>/dev/null) || c=""
        if [[ $c == "$comm" ]]; then
            CLIENT_PID[$key]=$pid
            return 0
        fi
        for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
            if [[ $(cat "/proc/$child/comm" 2>/dev/null) == "$comm" ]]; then
                CLIENT_PID[$key]=$child
                return 0
            fi
        done
        sleep 0.1
    done
    show_screen "$sock" "$key screen:"
    die "could not find the $comm process under tmux pane pid $pid"
}

# Connection checks on a screen (stdin).
WORD_CONNECTED='(^|[^[:alnum:]_-])connected($|[^[:alnum:]_-])'
backchat_connected() {  # status line (second to last row) says "connected"
    local -a l
    mapfile -t l
    grep -qE "$WORD_CONNECTED" <<<"${l[ROWS - 2]}"
}
profanity_connected() { # console says logged in, title bar says [online]
    local -a l
    mapfile -t l
    printf '%s\n' "${l[@]}" | grep -q 'logged in successfully' &&
        grep -q '\[online\]' <<<"${l[0]}"
}

wait_connected() { # wait_connected KEY SOCKET CHECKFN STDERR_FILE
    local key=$1 sock=$2 check=$3 errf=$4 deadline=$((SECONDS + CONNECT_TIMEOUT))
    while ((SECONDS < deadline)); do
        if screen_of "$sock" | "$check"; then return 0; fi
        if pane_dead "$sock" || ! pid_alive "${CLIENT_PID[$key]}"; then
            show_screen "$sock" "$key screen (the program exited):"
            [[ -s $errf ]] && { echo "$key stderr:" >&2; tail -n 20 "$errf" >&2; }
            die "$key exited before it was connected"
        fi
        sleep 0.2
    done
    show_screen "$sock" "$key screen after ${CONNECT_TIMEOUT} s:"
    [[ -s $errf ]] && { echo "$key stderr:" >&2; tail -n 20 "$errf" >&2; }
    die "$key did not show it was connected within ${CONNECT_TIMEOUT} s"
}

# sample PID -> "voluntary involuntary cpu_ticks threads oncpu_ns"
# (oncpu_ns is -1 when the kernel has no schedstat)
sample() {
    local pid=$1 task f vol=0 inv=0 n=0 ns=0 k v rest
    local -a fld
    for task in /proc/"$pid"/task/*; do
        [[ -r $task/status ]] || continue
        n=$((n + 1))
        while read -r k v rest; do
            case $k in
                voluntary_ctxt_switches:) vol=$((vol + v)) ;;
                nonvoluntary_ctxt_switches:) inv=$((inv + v)) ;;
            esac
        done <"$task/status"
        if ((ns >= 0)) && read -r v rest <"$task/schedstat" 2>/dev/null; then
            ns=$((ns + v))
        else
            ns=-1
        fi
    done
    f=$(<"/proc/$pid/stat") || return 1
    read -ra fld <<<"${f##*) }"      # fld[0] is field 3 (state)
    echo "$vol $inv $((fld[11] + fld[12])) $n $ns"
}

# -- server ---------------------------------------------------------------------
PW_BC="bench-a-$RANDOM$RANDOM"
PW_PROF="bench-c-$RANDOM$RANDOM"
say "starting a private Prosody"
PROSODY_STARTED=1
PORT=$("$PY" "$PROSODY_PY" start --dir "$SRV" --users "alice:$PW_BC,carol:$PW_PROF") \
    || die "could not start Prosody (see above)"
[[ $PORT =~ ^[0-9]+$ ]] || die "prosody.py start printed '$PORT', not a port"
CERT=$SRV/certs/localhost.crt
FP=$(openssl x509 -noout -fingerprint -sha256 -in "$CERT") || die "cannot read $CERT"
FP=${FP#*=}

# -- backchat -------------------------------------------------------------------
BC=$T/backchat
make_home "$BC"
mkdir -p "$BC/config/backchat" "$BC/data/backchat/bench"
chmod 700 "$BC/config/backchat" "$BC/data/backchat" "$BC/data/backchat/bench"
(
    umask 077
    printf '[bench]\njid=alice@localhost\nserver=127.0.0.1\nport=%s\npassword=%s\ndefault=true\n' \
        "$PORT" "$PW_BC" >"$BC/config/backchat/accounts"
    printf '[localhost]\nsha256=%s\n' "$FP" >"$BC/data/backchat/bench/trusted-certs"
)
chmod 600 "$BC/config/backchat/accounts" "$BC/data/backchat/bench/trusted-certs"

# -- profanity ------------------------------------------------------------------
# An account in $XDG_DATA_HOME/profanity/accounts, started with -a: no
# prompts.  tls.policy=trust makes libstrophe skip certificate verification
# (the only way to accept a self-signed certificate without Profanity's
# interactive /tls always prompt).
PR=$T/profanity
make_home "$PR"
mkdir -p "$PR/data/profanity"
chmod 700 "$PR/data/profanity"
(
    umask 077
    cat >"$PR/data/profanity/accounts" <<EOF
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

# -- run both ---------------------------------------------------------------------
say "starting backchat and profanity in tmux (${COLS}x${ROWS})"
start_client backchat "$SOCK_BC" backchat "$BC/stderr" \
    "$(client_env "$BC")" "$(printf '%q' "$BACKCHAT")" -a bench
start_client profanity "$SOCK_PROF" profanity "$PR/stderr" \
    "$(client_env "$PR")" profanity -a carol
wait_connected backchat "$SOCK_BC" backchat_connected "$BC/stderr"
wait_connected profanity "$SOCK_PROF" profanity_connected "$PR/stderr"
say "both connected; settling ${SETTLE_SECONDS} s, then measuring ${IDLE_SECONDS} s"
sleep "$SETTLE_SECONDS"

B0=$(sample "${CLIENT_PID[backchat]}") || die "backchat vanished"
P0=$(sample "${CLIENT_PID[profanity]}") || die "profanity vanished"
sleep "$IDLE_SECONDS" & wait $!  # "& wait": a signal ends the window at once
B1=$(sample "${CLIENT_PID[backchat]}") || die "backchat exited during the window"
P1=$(sample "${CLIENT_PID[profanity]}") || die "profanity exited during the window"

# Still connected at the end?  (A reconnect during the window would be noise.)
WARN=()
screen_of "$SOCK_BC" | backchat_connected || WARN+=("backchat was no longer shown connected after the window")
screen_of "$SOCK_PROF" | grep -q '\[online\]' || WARN+=("profanity was no longer shown online after the window")

# Profanity's settings that decide its idle behaviour (queried after the
# window, so the queries are not measured).
prof_pref() { # prof_pref COMMAND LABEL-REGEX -> value after ':'
    local i line
    tm "$SOCK_PROF" send-keys -t bench:0.0 -l "$1" && tm "$SOCK_PROF" send-keys -t bench:0.0 Enter
    for ((i = 0; i < 25; i++)); do
        sleep 0.2
        line=$(screen_of "$SOCK_PROF" | grep -E "$2" | tail -n 1)
        if [[ -n $line ]]; then
            line=${line#*: }
            echo "${line%"${line##*[![:space:]]}"}"
            return
        fi
    done
    echo "?"
}
PROF_AUTOPING=$(prof_pref "/prefs conn" 'Autoping interval')
PROF_AUTOPING_TO=$(prof_pref "/prefs conn" 'Autoping timeout')
PROF_AUTOAWAY=$(prof_pref "/prefs presence" 'Autoaway \(/autoaway mode\)')
PROF_INPBLOCK=$(prof_pref "/prefs ui" 'Input timeout')
PROF_INPDYN=$(prof_pref "/prefs ui" 'Dynamic timeout')

# -- results --------------------------------------------------------------------
HZ=$(getconf CLK_TCK)
read -r bv0 bi0 bt0 _ bs0 <<<"$B0"
read -r bv1 bi1 bt1 bn bs1 <<<"$B1"
read -r pv0 pi0 pt0 _ ps0 <<<"$P0"
read -r pv1 pi1 pt1 pn ps1 <<<"$P1"
BV=$((bv1 - bv0)) BI=$((bi1 - bi0)) BT=$(((bt1 - bt0) * 1000 / HZ))
PV=$((pv1 - pv0)) PI=$((pi1 - pi0)) PT=$(((pt1 - pt0) * 1000 / HZ))
on_cpu_ms() { # on_cpu_ms NS0 NS1 -> milliseconds with 3 decimals, or n/a
    if (($1 < 0 || $2 < 0)); then echo "n/a"; else
        awk -v d="$(($2 - $1))" 'BEGIN { printf "%.3f", d / 1e6 }'; fi
}
BS=$(on_cpu_ms "$bs0" "$bs1")
PS=$(on_cpu_ms "$ps0" "$ps1")
per_min() { awk -v n="$1" -v s="$IDLE_SECONDS" 'BEGIN { printf "%.1f", n * 60 / s }'; }
BM=$(per_min "$BV")
PM=$(per_min "$PV")
if ((BV > 0)); then
    RATIO_TEXT="$(awk -v p="$PV" -v b="$BV" 'BEGIN { printf "%.1f", p / b }')x"
else
    RATIO_TEXT=">= ${PV}x (backchat had 0 wake-ups; ratio taken against 1)"
fi
# A handful of wake-ups makes a coarse ratio; say so.
COARSE=""
if ((BV < 10)); then
    COARSE="backchat's count is small, so one wake-up more or less moves the ratio a lot between runs; a longer IDLE_SECONDS (e.g. 600) gives a steadier one"
fi
# CPU ratio from the finer schedstat numbers when there are any.
if [[ $BS != n/a ]] && awk -v b="$BS" 'BEGIN { exit !(b > 0) }'; then
    CPU_RATIO_TEXT="$(awk -v p="$PS" -v b="$BS" 'BEGIN { printf "%.1f", p / b }')x (on-CPU time)"
elif ((BT > 0)); then
    CPU_RATIO_TEXT="$(awk -v p="$PT" -v b="$BT" 'BEGIN { printf "%.1f", p / b }')x (utime+stime)"
else
    CPU_RATIO_TEXT="n/a (backchat used no measurable CPU time)"
fi

BC_VERSION=$("$BACKCHAT" --version 2>&1 | head -n 1)
if BC_REV=$(git -C "$REPO" describe --always --dirty 2>/dev/null) && [[ -n $BC_REV ]]; then
    BC_VERSION="$BC_VERSION (checkout at $BC_REV)"
fi
PROF_VERSION=$(profanity --version 2>&1 | head -n 1)
PROSODY_VERSION=$(timeout 20 prosodyctl --config "$SRV/prosody.cfg.lua" about 2>/dev/null | head -n 1)
[[ -n $PROSODY_VERSION ]] || PROSODY_VERSION="Prosody $(dpkg-query -W -f='${Version}' prosody 2>/dev/null)"
STROPHE_VERSION=$(dpkg-query -W -f='${Version}' libstrophe0 2>/dev/null || echo "?")
CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')
MACHINE="$(nproc) CPUs${CPU_MODEL:+ ($CPU_MODEL)}, Linux $(uname -r) $(uname -m)"
NOW=$(date -u '+%Y-%m-%d %H:%M UTC')

TABLE=$(
    printf '| %-9s | %8s | %8s | %11s | %6s | %10s | %7s |\n' client wake-ups "per min" involuntary "CPU ms" "on-CPU ms" threads
    printf '|%s|%s|%s|%s|%s|%s|%s|\n' "-----------" "---------:" "---------:" "------------:" "-------:" "-----------:" "--------:"
    printf '| %-9s | %8d | %8s | %11d | %6d | %10s | %7d |\n' backchat "$BV" "$BM" "$BI" "$BT" "$BS" "$bn"
    printf '| %-9s | %8d | %8s | %11d | %6d | %10s | %7d |\n' profanity "$PV" "$PM" "$PI" "$PT" "$PS" "$pn"
)

echo
echo "Idle wake-ups: connected, idle, ${IDLE_SECONDS} s window after ${SETTLE_SECONDS} s settle, both clients at once"
echo "$TABLE"
echo
echo "ratio profanity/backchat, wake-ups: $RATIO_TEXT"
echo "ratio profanity/backchat, CPU time: $CPU_RATIO_TEXT"
[[ -n $COARSE ]] && echo "note: $COARSE"
echo "(CPU ms: utime+stime in $((1000 / HZ)) ms clock ticks; on-CPU ms: schedstat, ns resolution)"
echo "profanity settings: autoping ${PROF_AUTOPING} (timeout ${PROF_AUTOPING_TO}), autoaway ${PROF_AUTOAWAY}, inpblock ${PROF_INPBLOCK} (dynamic ${PROF_INPDYN})"
for w in "${WARN[@]}"; do echo "warning: $w"; done

[[ $RESULTS == "-" ]] && exit 0

# -- RESULTS.md -------------------------------------------------------------------
# The file keeps a short intro and one section per benchmark; this run
# replaces the section between the idle_wakeups markers (git keeps history).
SECTION=$T/section.md
{
    echo "<!-- idle_wakeups:begin -->"
    echo "## Idle wake-ups"
    echo
    echo "How often a connected, idle client wakes up: voluntary context switches"
    echo "of the client process (all threads), over the same ${IDLE_SECONDS} s window for both"
    echo "clients, after both showed they were connected and ${SETTLE_SECONDS} s of settling."
    echo "Same private Prosody on loopback, each client in its own 120x40 tmux pane,"
    echo "default settings, nothing typed."
    echo
    echo "Run $NOW"
    echo
    echo "- machine: $MACHINE"
    echo "- backchat: $BC_VERSION"
    echo "- profanity: $PROF_VERSION (Debian package $(dpkg-query -W -f='${Version}' profanity 2>/dev/null))"
    echo "- server: $PROSODY_VERSION"
    echo "- libstrophe (used by both): $STROPHE_VERSION"
    echo "- profanity settings (defaults): autoping ${PROF_AUTOPING}, autoping timeout ${PROF_AUTOPING_TO},"
    echo "  autoaway ${PROF_AUTOAWAY}, input timeout (/inpblock) ${PROF_INPBLOCK}, dynamic ${PROF_INPDYN};"
    echo "  account with tls.policy=trust"
    echo "- backchat settings: no config file (defaults); certificate pinned in trusted-certs"
    echo
    echo "$TABLE"
    echo
    echo "CPU ms is utime+stime (/proc/PID/stat, $((1000 / HZ)) ms clock ticks); on-CPU ms is the"
    echo "sum of /proc/PID/task/*/schedstat (nanosecond resolution)."
    echo
    echo "**Wake-ups, profanity/backchat: $RATIO_TEXT**"
    echo
    echo "CPU time, profanity/backchat: $CPU_RATIO_TEXT"
    [[ -n $COARSE ]] && { echo; echo "Note: $COARSE."; }
    for w in "${WARN[@]}"; do echo; echo "Warning: $w."; done
    echo
    echo "Reproduce: \`make bench\` (all benchmarks), or \`tests/bench/idle_wakeups.sh\`"
    echo "(\`IDLE_SECONDS=N\` changes the window; default 60)."
    echo "<!-- idle_wakeups:end -->"
} >"$SECTION"

if [[ ! -f $RESULTS ]]; then
    cat >"$RESULTS" <<'EOF'
# Benchmark results

Written by the scripts in `tests/bench/` (`make bench` runs them all).
Every benchmark runs backchat side by side with a peer client (Profanity)
in the same run, against the same private server, on the same machine, so
the result that carries over between machines is the **ratio**; the absolute
numbers belong to the machine in the dated section. Benchmarks are not
tests: nothing here is asserted in `make check`.
EOF
fi
TMPR=$T/results.md
awk -v sect="$SECTION" '
    function emit(   l) { while ((getline l < sect) > 0) print l; close(sect); done = 1 }
    /^<!-- idle_wakeups:begin -->$/ { skip = 1; emit(); next }
    /^<!-- idle_wakeups:end -->$/   { skip = 0; next }
    !skip { print }
    END { if (!done) { print ""; emit() } }
' "$RESULTS" >"$TMPR" && cat "$TMPR" >"$RESULTS"
say "results written to ${RESULTS#"$REPO"/}"
