#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `make demo`: a private XMPP server on 127.0.0.1 with a small team on it,
# and backchat opened, logged in, in this terminal.
#
#   - Prosody (throw-away config, own ports, self-signed cert) in $STATE/server
#   - users alice (you), bob, carol, dave with random passwords
#   - bob and carol are bots (scripts/demo_team.py) that answer messages;
#     dave is a colleague who is offline
#   - backchat with XDG_CONFIG_HOME=$STATE/config XDG_DATA_HOME=$STATE/data
#     and the server certificate already pinned, so it connects at once
#
# $STATE is ${BACKCHAT_DEMO_DIR:-<repo>/.demo}.  Everything the demo starts
# is stopped again when backchat exits (or on Ctrl-C / SIGTERM).
# BACKCHAT_DEMO_NOWAIT=1 skips the pause after the banner.

set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$PWD
STATE=${BACKCHAT_DEMO_DIR:-$REPO/.demo}
PY=/usr/bin/python3
BACKCHAT=${BACKCHAT:-$REPO/backchat}
PROSODY_PY=$REPO/tests/integration/prosody.py

die() { echo "demo: $*" >&2; exit 1; }

[ -x "$BACKCHAT" ] || die "no backchat binary at $BACKCHAT (run: make)"
[ -x "$PY" ] || die "$PY not found (run: make deps)"
"$PY" -c 'import slixmpp' 2>/dev/null || die "python3-slixmpp is missing (run: make deps)"
for tool in prosody prosodyctl openssl; do
    command -v "$tool" >/dev/null || die "$tool is missing (run: make deps)"
done

umask 077
mkdir -p "$STATE"
chmod 700 "$STATE"
STATE=$(cd "$STATE" && pwd)
SERVER_DIR=$STATE/server
TEAM_PID_FILE=$STATE/team.pid

stop_team() {
    local pid
    pid=$(cat "$TEAM_PID_FILE" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
       grep -q demo_team "/proc/$pid/cmdline" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.3
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$TEAM_PID_FILE"
}

stop_server() {
    "$PY" "$PROSODY_PY" stop --dir "$SERVER_DIR" >/dev/null 2>&1 || true
}

cleaned=0
cleanup() {
    [ "$cleaned" = 1 ] && return
    cleaned=1
    stop_team
    stop_server
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Leftovers of an earlier demo that did not get to clean up.
stop_team
stop_server
rm -rf "$SERVER_DIR"

pw() { openssl rand -hex 12; }
ALICE_PW=$(pw); BOB_PW=$(pw); CAROL_PW=$(pw); DAVE_PW=$(pw)

echo "demo: starting a private XMPP server on 127.0.0.1 ..."
# One shared roster group, so everyone sees everyone's presence.
PORT=$("$PY" "$PROSODY_PY" start --dir "$SERVER_DIR" \
        --users "alice:$ALICE_PW,bob:$BOB_PW,carol:$CAROL_PW,dave:$DAVE_PW" \
        --groups "Support team=alice,bob,carol,dave") \
    || die "the server did not start; see $SERVER_DIR/prosody.log"
case $PORT in (''|*[!0-9]*) die "unexpected answer from prosody.py: $PORT";; esac
CERT=$SERVER_DIR/certs/localhost.crt

# The client's files: the account, and the server certificate pinned the
# way `/tls trust` would pin it.
CONFIG=$STATE/config
DATA=$STATE/data
mkdir -p "$CONFIG/backchat" "$DATA/backchat/demo" "$STATE/run"
chmod 700 "$CONFIG" "$CONFIG/backchat" "$DATA" "$DATA/backchat" \
          "$DATA/backchat/demo" "$STATE/run"
cat > "$CONFIG/backchat/accounts" <<EOF
[demo]
jid=alice@localhost
server=127.0.0.1
port=$PORT
tls=starttls
password=$ALICE_PW
default=true
EOF
chmod 600 "$CONFIG/backchat/accounts"

FP=$(openssl x509 -noout -fingerprint -sha256 -in "$CERT")
FP=${FP#*=}
SUBJECT=$(openssl x509 -noout -subject -nameopt compat -in "$CERT")
SUBJECT=${SUBJECT#subject=}
cat > "$DATA/backchat/demo/trusted-certs" <<EOF
[localhost]
sha256=$FP
subject=$SUBJECT
EOF
chmod 600 "$DATA/backchat/demo/trusted-certs"

# The team.
PORT=$PORT CERT=$CERT BOB_PW=$BOB_PW CAROL_PW=$CAROL_PW "$PY" -c '
import json, os, sys
e = os.environ
json.dump({"port": int(e["PORT"]), "cafile": e["CERT"], "user": "alice",
           "bots": {"bob": e["BOB_PW"], "carol": e["CAROL_PW"]}}, sys.stdout)
' > "$STATE/team.json"
chmod 600 "$STATE/team.json"
"$PY" "$REPO/scripts/demo_team.py" --team "$STATE/team.json" \
    --log "$STATE/team.log" </dev/null &
echo $! > "$TEAM_PID_FILE"

cat <<EOF

  backchat demo — you are alice@localhost on a private server (port $PORT).
  bob and carol are online and answer; dave is offline.

  Things to try:
    /msg bob@localhost hi     send bob a message (he answers)
    Alt-2 (or /win 2)         switch to the second tab; Alt-1 back to the console
    /help                     all the commands
    /quit                     leave (the demo server stops with it)

  Demo state: $STATE

EOF
if [ -t 0 ] && [ "${BACKCHAT_DEMO_NOWAIT:-}" != 1 ]; then
    sleep 3
fi

# Foreground, in this terminal.  Not `exec`: the trap must run afterwards.
status=0
XDG_CONFIG_HOME=$CONFIG XDG_DATA_HOME=$DATA XDG_RUNTIME_DIR=$STATE/run \
    "$BACKCHAT" -a demo || status=$?
cleanup
echo "demo: stopped the server and the team (state kept in $STATE)."
exit "$status"
