#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# `make demo`: a private XMPP server on 127.0.0.1 with a small support team
# on it, and backchat opened, logged in, in this terminal.
#
#   - Prosody (throw-away config, own ports, self-signed cert) in $STATE/server
#   - users alice (you), eight teammates, bob .. ivan, and their manager
#     morgan, with random passwords, in the shared roster groups "Support"
#     (everyone) and "Escalations" (alice, grace, heidi): mod_groups puts
#     them in everyone's roster with mutual subscriptions, so presence and
#     PEP flow at once
#   - the teammates are bots (scripts/demo_team.py, one process): varied
#     statuses with XEP-0108 activities that change every 20-40 seconds,
#     and everyone answers messages; Ivan comes online a minute or so in;
#     they chat in the team room team@conference.localhost (the server's
#     MUC component), Morgan sends priority announcements, and everyone but
#     Heidi acknowledges alice's
#   - alice's bookmark of the team room (XEP-0402, autojoin), published
#     before backchat starts, so backchat joins the room at login
#   - backchat with XDG_CONFIG_HOME=$STATE/config XDG_DATA_HOME=$STATE/data
#     and the server certificate already pinned, so it connects at once
#
# $STATE is ${BACKCHAT_DEMO_DIR:-<repo>/.demo}.  Everything the demo starts
# is stopped again when backchat exits (or on Ctrl-C / SIGTERM).
# BACKCHAT_DEMO_NOWAIT=1 skips the pause after the banner.
# BACKCHAT_DEMO_PACE=MIN:MAX sets the seconds between two status changes in
# the team (default 20:40).

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

# Running and not a zombie (our own child stays one until it is waited for).
running() {
    local st
    st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    st=${st##*) }
    [ "${st%% *}" != Z ]
}

stop_team() {
    local pid
    pid=$(cat "$TEAM_PID_FILE" 2>/dev/null || true)
    if [ -n "$pid" ] && running "$pid" &&
       grep -q demo_team "/proc/$pid/cmdline" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
            running "$pid" || break
            sleep 0.2
        done
        if running "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    if [ -n "$pid" ]; then wait "$pid" 2>/dev/null || true; fi   # our child: reap it
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

TEAM="bob carol dave erin frank grace heidi ivan morgan"
PACE=${BACKCHAT_DEMO_PACE:-20:40}
[[ $PACE =~ ^[0-9]+:[0-9]+$ ]] || die "BACKCHAT_DEMO_PACE must be MIN:MAX in seconds, like 20:40"

pw() { openssl rand -hex 12; }
ALICE_PW=$(pw)
USERS="alice:$ALICE_PW"
BOTS_JSON=""
for u in $TEAM; do
    p=$(pw)
    USERS="$USERS,$u:$p"
    BOTS_JSON="$BOTS_JSON${BOTS_JSON:+, }\"$u\": \"$p\""
done
# The shared roster groups with everyone's full name ("Bob Smith"):
# demo_team.py knows the team, so it says who is in which group.
SHARED_GROUPS=$("$PY" "$REPO/scripts/demo_team.py" --groups-spec alice) \
    || die "scripts/demo_team.py --groups-spec failed"

echo "demo: starting a private XMPP server on 127.0.0.1 ..."
PORT=$("$PY" "$PROSODY_PY" start --dir "$SERVER_DIR" --users "$USERS" --groups "$SHARED_GROUPS") \
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

# The team: one process, one asyncio loop, eight slixmpp clients.
CERT=$CERT PORT=$PORT PACE=$PACE BOTS_JSON="{$BOTS_JSON}" "$PY" -c '
import json, os, sys
e = os.environ
json.dump({"port": int(e["PORT"]), "cafile": e["CERT"], "user": "alice",
           "pace": [int(x) for x in e["PACE"].split(":")],
           "bots": json.loads(e["BOTS_JSON"])}, sys.stdout)
' > "$STATE/team.json"
chmod 600 "$STATE/team.json"

# alice's bookmark of the team room, with autojoin: a short login on
# another resource.  The demo works without it (/join team), so a failure
# is only reported.
DEMO_PASSWORD=$ALICE_PW "$PY" "$REPO/scripts/demo_team.py" --bookmark "$STATE/team.json" \
    --log "$STATE/team.log" </dev/null \
    || echo "demo: could not bookmark the team room (see $STATE/team.log); join it with /join team@conference.localhost" >&2
"$PY" "$REPO/scripts/demo_team.py" --team "$STATE/team.json" \
    --log "$STATE/team.log" </dev/null &
echo $! > "$TEAM_PID_FILE"

cat <<EOF

  backchat demo: you are alice@localhost (Alice Carter), lead of a support
  team, on a private server (port $PORT).  The buddy list on the right shows
  your team, in the roster groups "Support" and "Escalations":

    Bob, Grace   available          Carol  On a Call       Dave  At Lunch
    Erin         In a Meeting       Frank  Training        Heidi off shift (xa)
    Ivan         offline; he starts his shift in a minute or so

  Every ${PACE%%:*}-${PACE#*:} seconds someone's status changes (a call ends, the next one
  comes in, lunch, a coffee break), and everyone answers messages.  The team
  chats in the team room (team@conference.localhost), and Morgan, the
  manager, sends a priority announcement half a minute in.

  Things to try:
    /board                    the team board: everyone, live, with counts per status
    /board Support            one group only
    /status lunch 30m         At Lunch for 30 minutes, then back by itself
    F1 .. F6                  Available, At Lunch, Busy, In a Meeting, Training, On a Call
    /roster                   the roster with statuses and activities
    Alt-Up/Down, Alt-Enter    pick someone in the buddy list, open the chat
    /info bob@localhost       resources, client, activity, time in status
    /msg bob@localhost hi     Bob answers; Alt-2 switches to his tab, Alt-1 back
    /join team                the team room, if it is not open yet (bookmarked: it
                              opens at login); say "bob, can you help?" there
    Alt-k                     acknowledge Morgan's priority announcement (the banner)
    /announce --priority Support Printer is down, use floor 2
                              announce to the group; /announce status shows who
                              acknowledged (all but Heidi, a few seconds later)
    /help, /quit              all the commands; leave (the demo server stops too)

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
