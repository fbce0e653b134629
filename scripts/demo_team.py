#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo team: bob and carol, two friendly bots on the demo server.

    demo_team.py --team STATE/team.json [--log STATE/team.log]

team.json (written by scripts/demo.sh, mode 0600):
    {"port": 12345, "cafile": ".../localhost.crt", "user": "alice",
     "bots": {"bob": "password", "carol": "password"}}

Both bots stay online and answer every chat message with a short reply
that quotes it.  Bob greets the user a few seconds after she comes online.
Stops cleanly on SIGTERM or SIGINT.
"""

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

from peer import Peer, PeerError  # noqa: E402

DOMAIN = "localhost"
GREETING = "Hi! Ping me here if you need a hand with a ticket."
GREETING_DELAY = 3.0      # seconds after the user comes online
REPLY_DELAY = 1.2         # a person takes a moment to type

REPLIES = {
    "bob": "Got it: \u201c{text}\u201d \u2014 I'll check the queue.",
    "carol": "Thanks! \u201c{text}\u201d \u2014 noted, I'll get back to you after my call.",
}
DEFAULT_REPLY = "You said: \u201c{text}\u201d \u2014 on it."

log = logging.getLogger("demo_team")


def quote(text, limit=120):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


class Bot:
    def __init__(self, name, password, team):
        self.name = name
        self.password = password
        self.team = team
        self.user_jid = "%s@%s" % (team["user"], DOMAIN)
        self.greeted = False
        self.peer = None

    def connect(self):
        self.peer = Peer("%s@%s" % (self.name, DOMAIN), self.password,
                         self.team["port"], cafile=self.team["cafile"],
                         resource="desk", on_message=self.on_message,
                         on_presence=self.on_presence)
        self.peer.start(timeout=15)
        log.info("%s is online", self.name)

    # Both callbacks run on the peer's own asyncio loop.
    def on_message(self, peer, msg):
        if msg.type not in ("chat", "normal") or msg.sender_bare == peer.bare:
            return
        reply = REPLIES.get(self.name, DEFAULT_REPLY).format(text=quote(msg.body))
        log.info("%s got %r from %s", self.name, msg.body, msg.sender)
        peer.loop.call_later(REPLY_DELAY, self._send, msg.sender_bare, reply)

    def on_presence(self, peer, item):
        sender, ptype = item
        if self.name != "bob" or self.greeted:
            return
        if sender.split("/", 1)[0] == self.user_jid and ptype == "available":
            self.greeted = True
            log.info("%s sees %s online; greeting soon", self.name, sender)
            peer.loop.call_later(GREETING_DELAY, self._send, self.user_jid, GREETING)

    def _send(self, to, body):
        try:
            self.peer.send(to, body)
            log.info("%s -> %s: %s", self.name, to, body)
        except PeerError as e:
            log.warning("%s could not send: %s", self.name, e)

    def stop(self):
        if self.peer is not None:
            self.peer.stop(timeout=3)


def main():
    ap = argparse.ArgumentParser(description="backchat demo bots")
    ap.add_argument("--team", required=True, help="team.json written by demo.sh")
    ap.add_argument("--log", help="log file (default: stderr)")
    a = ap.parse_args()

    logging.basicConfig(filename=a.log, level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    with open(a.team) as f:
        team = json.load(f)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())

    bots = [Bot(name, pw, team) for name, pw in team["bots"].items()]
    try:
        for bot in bots:
            for attempt in range(5):
                try:
                    bot.connect()
                    break
                except PeerError as e:
                    log.warning("%s: %s (attempt %d)", bot.name, e, attempt + 1)
                    if stop.wait(1.0):
                        return 0
            else:
                log.error("%s could not connect; giving up", bot.name)
                return 1
        while not stop.wait(1.0):
            for bot in bots:
                if bot.peer is not None and not bot.peer.connected:
                    log.warning("%s lost its connection", bot.name)
                    bot.stop()
                    try:
                        bot.connect()
                    except PeerError as e:
                        log.warning("%s: reconnect failed: %s", bot.name, e)
                        time.sleep(1)
    finally:
        for bot in bots:
            bot.stop()
        log.info("team stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
