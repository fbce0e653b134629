# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
#
# lib.sh — the set-up the benchmarks share, sourced (not run; run.sh skips
# it): the private Prosody, the clients' throw-away homes, the tmux panes
# the clients run in, /proc sampling and the RESULTS.md section writer.
#
# The sourcing script sets NAME (for messages) before sourcing, then calls
# bench_init TAG (its temporary directory T, the tmux config, cleanup on
# exit of everything started here), or sets T and calls bench_tmux_conf
# itself.  Clients run in private tmux servers (tmux -L SOCKET),
# session "bench", one pane of COLS x ROWS (default 120x40).

PY=${PY:-/usr/bin/python3}
COLS=${COLS:-120} ROWS=${ROWS:-40}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RESULTS=${BENCH_RESULTS:-$HERE/RESULTS.md}
PROSODY_PY=$REPO/tests/integration/prosody.py

BENCH_PIDS=() BENCH_SERVERS=()  # what bench_cleanup stops
# The load when the benchmark started: other work on the machine distorts
# timings, so every report states it.
BENCH_LOAD=${BENCH_LOAD:-$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)}

say() { printf '%s: %s\n' "$NAME" "$*"; }
die() { printf '%s: error: %s\n' "$NAME" "$*" >&2; exit 1; }

need_tools() {  # need_tools CMD...: all installed, or die naming the Debian packages
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || die "'$c' is not installed (Debian: tmux profanity mcabber prosody openssl python3; make bench installs them when run as root)"
    done
}

ensure_backchat() {  # build ./backchat if BACKCHAT is the default one and missing
    [[ -x $BACKCHAT ]] && return 0
    [[ $BACKCHAT == "$REPO/backchat" ]] || die "no backchat binary at $BACKCHAT"
    say "building backchat (make -C $REPO backchat)"
    make -C "$REPO" backchat >&2 || die "could not build backchat"
}

pid_alive() {   # running and not a zombie
    local s
    [[ -n $1 && -r /proc/$1/stat ]] || return 1
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

# bench_init TAG: the temporary directory T (mode 700), the tmux config, and
# the exit trap: bench_cleanup stops every client, tmux server and Prosody
# started through this file (after the script's own bench_on_exit, if it
# defines one) and removes T (kept with BENCH_KEEP=1).
bench_init() {
    T=$(mktemp -d "/tmp/bc-bench-$1.XXXXXX") || die "mktemp failed"
    chmod 700 "$T"
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    bench_tmux_conf
}

bench_cleanup() {
    local p s
    trap - EXIT INT TERM HUP
    declare -F bench_on_exit >/dev/null && bench_on_exit
    for p in "${BENCH_PIDS[@]}"; do kill_pid "$p"; done
    for s in "${BENCH_SERVERS[@]}"; do stop_server "$s"; done
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then
        say "kept $T"
    else
        rm -rf "$T"
    fi
}

stop_client() { # the tmux server and client of the last start_client
    kill_pid "$TMUX_SERVER_PID"
    kill_pid "$CLIENT_PID"
    TMUX_SERVER_PID="" CLIENT_PID=""
}

check_counts() { # check_counts VAR...: each a positive whole number
    local v
    for v in "$@"; do
        [[ ${!v} =~ ^[0-9]+$ && ${!v} -gt 0 ]] || die "$v must be a positive whole number (got '${!v}')"
    done
}

# proc_sample PID -> "voluntary involuntary cpu_ticks threads oncpu_ns rss_kib"
# summed over the threads (oncpu_ns -1 when the kernel has no schedstat).
proc_sample() {
    local pid=$1 task f vol=0 inv=0 n=0 ns=0 k v rest rss=0
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
    while read -r k v rest; do [[ $k == VmRSS: ]] && rss=$v; done <"/proc/$pid/status"
    f=$(<"/proc/$pid/stat") || return 1
    read -ra fld <<<"${f##*) }"      # fld[0] is field 3 (state)
    echo "$vol $inv $((fld[11] + fld[12])) $n $ns $rss"
}

bench_cmdline() { # bench_cmdline SCRIPT [VAR=DEFAULT]...: how to reproduce this run
    local line=$1 kv v
    shift
    for kv in "$@"; do
        v=${kv%%=*}
        [[ ${!v} != "${kv#*=}" ]] && line="$v=${!v} $line"
    done
    [[ $BACKCHAT != "$REPO/backchat" ]] && line="BACKCHAT=path/to/backchat $line"
    echo "$line"
}

# -- tmux --------------------------------------------------------------------------
bench_tmux_conf() {  # writes $T/tmux.conf, sets TMUX_CONF
    TMUX_CONF=$T/tmux.conf
    cat >"$TMUX_CONF" <<EOF
set -g status off
set -g remain-on-exit on
set -g default-shell /bin/sh
set -g default-size ${COLS}x${ROWS}
set -s escape-time 0
set -g default-terminal xterm-256color
EOF
}

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

show_screen() { # show_screen SOCKET TITLE: the screen on stderr, long blank runs folded
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

make_home() {   # a fresh, empty HOME and XDG directories under DIR
    local d=$1 s
    rm -rf "$d"
    for s in home config data cache runtime; do mkdir -p "$d/$s"; chmod 700 "$d/$s"; done
}

# start_client SOCKET EXPECTED_COMM STDERR_FILE command...
# Starts the command in a new tmux server; sets TMUX_SERVER_PID and
# CLIENT_PID.  The pane runs "sh -c 'exec env ... client'", so the pane's
# process becomes the client itself (same PID: its start time is the fork);
# if a wrapper stays, its child is taken.
start_client() {
    local sock=$1 comm=$2 errf=$3 cmd i pid c child
    shift 3
    cmd="exec $* 2>>$(printf '%q' "$errf")"
    # STAMP_FILE: the pane's shell writes the wall-clock time just before
    # it execs the client (bash's EPOCHREALTIME: no extra process).
    [[ -n ${STAMP_FILE:-} ]] && cmd="exec bash -c $(printf '%q' "printf %s \"\$EPOCHREALTIME\" >$(printf '%q' "$STAMP_FILE"); $cmd")"
    CLIENT_PID=""
    tm "$sock" new-session -d -s bench -x "$COLS" -y "$ROWS" "$cmd" || die "could not start tmux for $comm"
    TMUX_SERVER_PID=$(tm "$sock" display -p -t bench:0.0 '#{pid}') || die "tmux for $comm vanished"
    BENCH_PIDS+=("$TMUX_SERVER_PID")
    pid=$(tm "$sock" display -p -t bench:0.0 '#{pane_pid}') || die "tmux for $comm vanished"
    for ((i = 0; i < 250; i++)); do
        c=$(cat "/proc/$pid/comm" 2>/dev/null) || c=""
        if [[ $c == "$comm" ]]; then CLIENT_PID=$pid; BENCH_PIDS+=("$pid"); return 0; fi
        for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
            if [[ $(cat "/proc/$child/comm" 2>/dev/null) == "$comm" ]]; then
                CLIENT_PID=$child
                BENCH_PIDS+=("$child")
                return 0
            fi
        done
        sleep 0.02
    done
    show_screen "$sock" "$comm screen:"
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

mcabber_connected() {   # the main status bar (second to last row) went from [_] to [o]
    local -a l
    mapfile -t l
    [[ ${l[ROWS - 2]} =~ ^\ *\[o\] ]]
}

# wait_connected KEY SOCKET CHECKFN STDERR_FILE PID [TIMEOUT]
wait_connected() {
    local key=$1 sock=$2 check=$3 errf=$4 pid=$5 timeout=${6:-${CONNECT_TIMEOUT:-30}}
    local deadline=$((SECONDS + timeout))
    while ((SECONDS < deadline)); do
        if screen_of "$sock" | "$check"; then return 0; fi
        if pane_dead "$sock" || ! pid_alive "$pid"; then
            show_screen "$sock" "$key screen (the program exited):"
            [[ -s $errf ]] && { echo "$key stderr:" >&2; tail -n 20 "$errf" >&2; }
            die "$key exited before it was connected"
        fi
        sleep 0.2
    done
    show_screen "$sock" "$key screen after ${timeout} s:"
    [[ -s $errf ]] && { echo "$key stderr:" >&2; tail -n 20 "$errf" >&2; }
    die "$key did not show it was connected within ${timeout} s"
}

# -- server and accounts --------------------------------------------------------------
start_server() { # start_server DIR USERS(u:pw,...) -> sets PORT, CERT
    BENCH_SERVERS+=("$1")
    PORT=$("$PY" "$PROSODY_PY" start --dir "$1" --users "$2") \
        || die "could not start Prosody (see above)"
    [[ $PORT =~ ^[0-9]+$ ]] || die "prosody.py start printed '$PORT', not a port"
    CERT=$1/certs/localhost.crt
}

stop_server() { # stop_server DIR
    [[ -n ${1:-} ]] && "$PY" "$PROSODY_PY" stop --dir "$1" >/dev/null 2>&1
    return 0
}

# setup_backchat DIR USER PASSWORD: account "bench" (the default), the
# server certificate ($CERT) pinned the way /tls trust pins it.
setup_backchat() {
    local d=$1 fp
    make_home "$d"
    mkdir -p "$d/config/backchat" "$d/data/backchat/bench"
    chmod 700 "$d/config/backchat" "$d/data/backchat" "$d/data/backchat/bench"
    fp=$(openssl x509 -noout -fingerprint -sha256 -in "$CERT") || die "cannot read $CERT"
    (
        umask 077
        printf '[bench]\njid=%s@localhost\nserver=127.0.0.1\nport=%s\npassword=%s\ndefault=true\n' \
            "$2" "$PORT" "$3" >"$d/config/backchat/accounts"
        printf '[localhost]\nsha256=%s\n' "${fp#*=}" >"$d/data/backchat/bench/trusted-certs"
    )
}

# setup_profanity DIR USER PASSWORD: an account named USER in
# $XDG_DATA_HOME/profanity/accounts, started with -a USER: no prompts.
# tls.policy=trust makes libstrophe skip certificate verification (the only
# way to accept a self-signed certificate without Profanity's interactive
# /tls always prompt).
setup_profanity() {
    local d=$1
    make_home "$d"
    mkdir -p "$d/data/profanity"
    chmod 700 "$d/data/profanity"
    (
        umask 077
        cat >"$d/data/profanity/accounts" <<EOF
[$2]
enabled=true
jid=$2@localhost
server=127.0.0.1
port=$PORT
resource=profanity
password=$3
tls.policy=trust
EOF
    )
}

# setup_mcabber DIR USER PASSWORD: $HOME/.mcabber/mcabberrc (mcabber reads
# no XDG directories) with the account and the server certificate pinned by
# its SHA-256 fingerprint: ssl_ignore_checks skips the chain check a
# self-signed certificate fails, the fingerprint check stays.  Nothing else
# is set: no logging, no history loading, no trace log (all off by default).
setup_mcabber() {
    local d=$1 fp
    make_home "$d"
    mkdir -p "$d/home/.mcabber"
    chmod 700 "$d/home/.mcabber"
    fp=$(openssl x509 -noout -fingerprint -sha256 -in "$CERT") || die "cannot read $CERT"
    fp=${fp#*=}
    fp=${fp//:/}
    (
        umask 077
        cat >"$d/home/.mcabber/mcabberrc" <<EOF
set jid = $2@localhost
set password = $3
set server = 127.0.0.1
set port = $PORT
set resource = mcabber
set disable_random_resource = 1
set tls = 1
set ssl_ignore_checks = 1
set ssl_fingerprint = SHA256:${fp,,}
EOF
    )
}

# -- reporting ----------------------------------------------------------------------
machine_basics() { # sets MACHINE and NOW
    local cpu
    cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)
    MACHINE="$(nproc) CPUs${cpu:+ ($cpu)}, Linux $(uname -r) $(uname -m); load average at the start: $BENCH_LOAD"
    NOW=$(date -u '+%Y-%m-%d %H:%M UTC')
}

machine_info() { # sets MACHINE, NOW, STROPHE_VERSION, PROF_VERSION, MCABBER_VERSION,
                 # PROSODY_VERSION
    machine_basics
    STROPHE_VERSION=$(dpkg-query -W -f='${Version}' libstrophe0 2>/dev/null || echo "?")
    PROF_VERSION="$(profanity --version 2>&1 | head -n 1) (Debian package $(dpkg-query -W -f='${Version}' profanity 2>/dev/null))"
    MCABBER_VERSION="$(mcabber -V 2>/dev/null | head -n 1 | sed 's/ --.*//') (Debian package $(dpkg-query -W -f='${Version}' mcabber 2>/dev/null))"
    PROSODY_VERSION="Prosody $(dpkg-query -W -f='${Version}' prosody 2>/dev/null)"
}

# build_store_tool SRC OUT: a benchmark program that drives the store
# (src/store) directly, built with gcc -O2 against its sources.
build_store_tool() {
    local pkgs="glib-2.0 sqlite3 openssl"
    # shellcheck disable=SC2086
    pkg-config --exists $pkgs || die "needs the -dev packages of: $pkgs"
    say "building $(basename "$1") (gcc -O2, src/store/*.c)"
    # shellcheck disable=SC2046,SC2086
    gcc -std=c17 -O2 -g -D_GNU_SOURCE -I"$REPO/include" $(pkg-config --cflags $pkgs) \
        -o "$2" "$1" "$REPO"/src/store/*.c $(pkg-config --libs $pkgs) -lm
}

# results_section KEY FILE: replaces the section between the markers
# "<!-- KEY:begin -->" and "<!-- KEY:end -->" of $RESULTS with FILE (which
# carries the markers itself), or appends it; creates $RESULTS if missing.
results_section() {
    local key=$1 sect=$2 tmp=$T/results.md
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
    awk -v sect="$sect" -v b="<!-- $key:begin -->" -v e="<!-- $key:end -->" '
        function emit(   l) { while ((getline l < sect) > 0) print l; close(sect); done = 1 }
        $0 == b { skip = 1; emit(); next }
        $0 == e { skip = 0; next }
        !skip { print }
        END { if (!done) { print ""; emit() } }
    ' "$RESULTS" >"$tmp" && cat "$tmp" >"$RESULTS"
}
