#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo team: eight support colleagues on the demo server.

    demo_team.py --team STATE/team.json [--log STATE/team.log]
    demo_team.py --groups-spec      # the shared roster groups, for prosody.py
    DEMO_PASSWORD=pw demo_team.py --bookmark STATE/team.json
                                    # the user's autojoin bookmark of the room

team.json (written by scripts/demo.sh, mode 0600):
    {"port": 12345, "cafile": ".../localhost.crt", "user": "alice",
     "bots": {"bob": "password", "carol": "password", ...},
     "pace": [20, 40]}                                  # optional

A small call-center team that lives: everyone starts in a different state
(available, on a call, at lunch, in a meeting, in training, extended away;
Ivan is offline and starts his shift a little later), and every 20-40
seconds (team.json "pace") one of them changes state the way people do:
a call ends, the next call comes in, someone goes to lunch and comes back.
Each state is a presence (show + status text, "On a Call") and an XEP-0108
user activity published over PEP (talking/on_the_phone), so a client that
asks for activity notifications (+notify, XEP-0115 caps) sees both.

Everyone answers chat messages in a way that fits their state; Bob greets
the user a few seconds after she comes online.  Everyone sits in the team
room (team@conference.localhost, XEP-0045) and chats there now and then,
a few lines a minute in all, and answers the user there when she speaks to
them.  Morgan, the support manager, sends the Support group a priority
announcement (backchat's marker, with delivery receipt and chat-marker
requests) half a minute in and every few minutes after; when the user
sends one (/announce --priority), everyone acknowledges it after a few
seconds with an XEP-0333 <acknowledged/> marker, except Heidi, who is off
shift and never does.

--bookmark publishes the user's XEP-0402 bookmark of the team room with
autojoin (PEP node urn:xmpp:bookmarks:1), so her client joins it at
login; it logs in as the user on another resource and leaves again.

All bots are slixmpp
clients on one asyncio loop in this one process.  Stops cleanly (closing
every stream, within about two seconds) on SIGTERM, SIGINT or SIGHUP.
"""

import argparse
import asyncio
import json
import logging
import os
import random
import signal
import sys
import time
import uuid
import xml.etree.ElementTree as ET
from collections import deque
from datetime import datetime, timedelta, timezone
from pathlib import Path

import slixmpp

DOMAIN = "localhost"
GREETING = "Hi! Ping me here if you need a hand with a ticket."
GREETING_DELAY = 3.0      # seconds after the user comes online
REPLY_DELAY = 1.2         # a person takes a moment to type
PACE = (20.0, 40.0)       # seconds between two status changes in the team
IVAN_AT_CHANGE = 2        # Ivan starts his shift with the team's 2nd change
MIN_IN_STATE = 45.0       # nobody changes again sooner than this (or than
                          # twice the shortest pace, if that is less)
RETRY = (2.0, 30.0)       # reconnect back-off, first and longest

ROOM = "team@conference." + DOMAIN
ROOM_NAME = "Team room"
CHATTER = (15.0, 35.0)    # seconds between two lines in the team room
ROOM_REPLY = (2.0, 5.0)   # a colleague answers the user in the room
ROOM_RETRY = 3.0          # the room may still be locked by its creator
MANAGER = "morgan"
ANNOUNCE_FIRST = 30.0     # the manager's first announcement, after start
ANNOUNCE_EVERY = (180.0, 300.0)
ACK_DELAY = (3.0, 12.0)   # reading and acknowledging an announcement
NEVER_ACKS = "heidi"      # so the sender's roll-up has someone waiting
NS_MUC = "http://jabber.org/protocol/muc"
NS_MUC_USER = NS_MUC + "#user"
NS_MUC_OWNER = NS_MUC + "#owner"
NS_DATA = "jabber:x:data"
NS_ANNOUNCE = "urn:x-backchat:announce:0"
NS_RECEIPTS = "urn:xmpp:receipts"
NS_MARKERS = "urn:xmpp:chat-markers:0"
NS_PUBSUB = "http://jabber.org/protocol/pubsub"
NS_BOOKMARKS = "urn:xmpp:bookmarks:1"

# Shared roster groups (mod_groups): the user is in both, so her roster
# arrives with everyone in it and subscriptions are mutual.
USER_NAME = "Alice Carter"
GROUPS = ("Support", "Escalations")

# name, roster name, groups, state at start
TEAM = [
    ("bob", "Bob Smith", ("Support",), "available"),
    ("carol", "Carol Jones", ("Support",), "call"),
    ("dave", "Dave Miller", ("Support",), "lunch"),
    ("erin", "Erin Garcia", ("Support",), "meeting"),
    ("frank", "Frank Wilson", ("Support",), "training"),
    ("grace", "Grace Lee", ("Support", "Escalations"), "available"),
    ("heidi", "Heidi Brown", ("Support", "Escalations"), "xa"),
    ("ivan", "Ivan Petrov", ("Support",), "offline"),
    ("morgan", "Morgan Hayes", ("Support",), "meeting"),     # the manager
]

# state -> presence show, status text, activity (general, specific, text)
STATES = {
    "available": (None, None, None),
    "call": ("dnd", "On a Call", ("talking", "on_the_phone", None)),
    "lunch": ("away", "At Lunch", ("eating", "having_lunch", None)),
    "break": ("away", "Coffee Break", ("drinking", "having_coffee", None)),
    "meeting": ("dnd", "In a Meeting", ("working", "in_a_meeting", None)),
    "training": ("dnd", "Training", ("working", None, "Training")),
    "xa": ("xa", "Off shift", None),
    "offline": (None, None, None),
}
# Away from the keyboard in these: presence carries XEP-0319 <idle since/>.
IDLE_STATES = {"lunch", "break", "xa"}
# Idle at the start: since how many minutes ago.
ALREADY = {"lunch": 20, "xa": 95}
NS_IDLE = "urn:xmpp:idle:1"

# Where a state goes next, with weights.  "lunch" only once a day.
NEXT = {
    "available": [("call", 6), ("break", 2), ("lunch", 2), ("meeting", 1), ("training", 1)],
    "call": [("available", 5), ("call", 1)],         # back to back calls happen
    "lunch": [("available", 1)],
    "break": [("available", 1)],
    "meeting": [("available", 3), ("call", 1)],
    "training": [("available", 1)],
    "xa": [("available", 1)],
}
# How likely someone in this state is the next to change (calls are short,
# lunches are not, the one off shift mostly stays off).
URGENCY = {"call": 4, "break": 3, "available": 3, "meeting": 2, "lunch": 2,
           "training": 1, "xa": 0.5}

# Replies: Bob and Carol as before; everyone else by state.
REPLIES = {
    "bob": "Got it: \u201c{text}\u201d \u2014 I'll check the queue.",
}
CAROL_REPLY = "Thanks! \u201c{text}\u201d \u2014 noted, {rest}"
CAROL_REST = {"call": "I'll get back to you after my call.",
              "lunch": "I'll get back to you after lunch.",
              "break": "I'll get back to you after my break.",
              "meeting": "I'll get back to you after this meeting.",
              "training": "I'll get back to you after the training.",
              "xa": "I'll get back to you tomorrow morning.",
              "available": "I'll take a look now."}
STATE_REPLIES = {
    "available": "Sure \u2014 \u201c{text}\u201d. Give me a minute.",
    "call": "On a call right now; I'll answer \u201c{text}\u201d when I'm off.",
    "lunch": "At lunch, back soon \u2014 saw \u201c{text}\u201d.",
    "break": "On a coffee break, back in ten. (\u201c{text}\u201d)",
    "meeting": "In a meeting; I'll get back to you about \u201c{text}\u201d.",
    "training": "In training until the break \u2014 I'll read \u201c{text}\u201d then.",
    "xa": "I'm off shift \u2014 please ask someone on the Support board.",
}

# The team room: what people say between calls.  "{user}" is the user's
# nick (she gets a mention now and then); a tuple is a line and an answer
# from someone else a few seconds later.
CHATTER_LINES = [
    "Queue is at 14 waiting, anyone free to grab a few?",
    "Printer on 3rd floor is jammed again, ticket's in.",
    ("Anyone seen the VPN outage banner? Customers keep asking.",
     "Yes, network team says 20 minutes."),
    "{user}, can you approve the refund on case 4471 when you have a sec?",
    "Coffee machine on 2 is fixed, finally.",
    ("Who has the Hendricks account today?", "Me. Tell them I'll call back at 3."),
    "Heads up: the billing portal is slow, tell callers to retry in a few minutes.",
    "{user}: the escalation from this morning is closed, customer was happy.",
    ("Password reset tool is timing out for me, anyone else?",
     "Same here, I'm doing them by hand for now."),
    "Just wrapped a 40 minute call. Need water.",
    "Reminder: shift swap requests for next week are due today.",
    ("{user}, do we still do the 4pm huddle?", "I think so, same room as usual."),
    "New macro for the 'where is my order' calls is in the shared folder.",
    "Line 2 customer wants a manager, any volunteers? :)",
]
ROOM_REPLIES = {
    "available": ["On it, {user}.", "Sure, I can take that.", "Checking now.",
                  "Got it — give me five minutes."],
    "call": ["On a call, I'll look right after.", "Mid-call, will reply in a bit."],
    "meeting": ["In a meeting, back at the top of the hour.", "Will check after this meeting."],
    "training": ["In training, I'll catch up at the break."],
    "break": ["On a coffee break, back in ten."],
    "lunch": ["At lunch, back soon."],
    "xa": ["(off shift) I'll see it tomorrow."],
}
ANNOUNCEMENTS = [
    "Phone system maintenance at 17:00: save your notes, lines go down for ten minutes.",
    "Outage on the billing portal: use the outage macro for every billing call until further notice.",
    "All hands at 16:00 in the big room, short one. Please confirm you read this.",
    "Security reminder: never read out a full card number on a call, not even to the customer.",
    "Queue is over 30: everyone in training or meetings, please come back to the phones.",
]

log = logging.getLogger("demo_team")


def quote(text, limit=120):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def groups_spec(user):
    """'Support=alice=Alice Carter,bob=Bob Smith,...;Escalations=...' for
    tests/integration/prosody.py --groups."""
    out = []
    for g in GROUPS:
        members = ["%s=%s" % (user, USER_NAME)]
        members += ["%s=%s" % (n, full) for n, full, gs, _ in TEAM if g in gs]
        out.append("%s=%s" % (g, ",".join(members)))
    return ";".join(out)


class Bot:
    def __init__(self, team, name, full, password, state):
        self.team = team
        self.name = name
        self.full = full
        self.password = password
        self.state = state
        # Everyone has been in their state for a while when the demo starts,
        # so the first change can be anyone's.
        self.since = time.monotonic() - 3600
        self.idle_since = None            # datetime, in IDLE_STATES
        if state in IDLE_STATES:
            self.idle_since = (datetime.now(timezone.utc)
                               - timedelta(minutes=ALREADY.get(state, 0)))
        self.had_lunch = state == "lunch"
        self.xmpp = None
        self.online = False           # a session is up
        self.want_online = state != "offline"
        self.published = None         # the activity last published
        self.retry = RETRY[0]
        self.retry_timer = None
        self.greeted = False
        self.nick = full.split()[0]   # "Bob" in the team room
        self.in_room = False
        self.room_tries = 0

    # -- connection ----------------------------------------------------------
    def connect(self):
        if self.retry_timer is not None:
            self.retry_timer.cancel()
            self.retry_timer = None
        if self.xmpp is not None or self.team.stopping:
            return
        x = slixmpp.ClientXMPP("%s@%s/desk" % (self.name, DOMAIN), self.password)
        x.loop = self.team.loop
        x.ca_certs = Path(self.team.cafile)
        # A few bots on one loop: keep each one small.
        for plugin in ("xep_0030", "xep_0115", "xep_0163", "xep_0108"):
            x.register_plugin(plugin)
        x.register_plugin("xep_0184", {"auto_ack": True, "auto_request": False})
        x.register_plugin("xep_0092", {"software_name": "backchat demo team (slixmpp)",
                                       "version": slixmpp.__version__})
        x.roster.auto_authorize = True
        x.roster.auto_subscribe = False
        async def session_start(_event, x=x):       # a coroutine function, for slixmpp
            await self.on_session_start(x)
        x.add_event_handler("session_start", session_start)
        x.add_event_handler("message", self.on_message)
        x.add_event_handler("presence_available", self.on_presence_available)
        x.add_event_handler("presence", self.on_room_presence)
        # Events may come late from a stream already given up: the
        # handlers check that x is still the current one.
        x.add_event_handler("disconnected", lambda _e, x=x: self.on_gone(x, "disconnected"))
        x.add_event_handler("connection_failed", lambda e, x=x: self.on_gone(x, e))
        x.add_event_handler("failed_auth", lambda _e, x=x: self.on_gone(x, "failed auth"))
        self.xmpp = x
        x.connect(address=("127.0.0.1", self.team.port), force_starttls=True)

    async def on_session_start(self, x):
        if self.xmpp is not x:
            return
        self.online = True
        self.retry = RETRY[0]
        log.info("%s is online (%s)", self.name, self.state)
        try:
            await x.get_roster(timeout=10)
        except Exception as e:                      # noqa: BLE001
            log.warning("%s: roster: %s", self.name, e)
        if self.xmpp is x:
            await self.apply()
            self.room_tries = 0
            self.join_room()

    def on_gone(self, x, why):
        """The stream x ended or could not start; reconnect if wanted."""
        if self.xmpp is not x:
            return
        was = self.online
        self.online = False
        self.in_room = False
        self.xmpp = None
        if why != "disconnected":
            # slixmpp would retry by itself after a failed attempt; this
            # stream is given up, a new one is made below.
            x.cancel_connection_attempt()
            x.abort()
        if self.team.stopping or not self.want_online:
            return
        log.warning("%s %s (%s); reconnecting in %.0f s", self.name,
                    "lost the connection" if was else "could not connect", why, self.retry)
        if self.retry_timer is None:
            self.retry_timer = self.team.loop.call_later(self.retry, self.connect)
            self.retry = min(self.retry * 2, RETRY[1])

    async def disconnect(self, wait=1.0):
        x = self.xmpp
        if x is None:
            return
        try:
            if self.online:
                x.send_presence(ptype="unavailable")
            await asyncio.wait_for(x.disconnect(wait=wait), wait + 0.5)
        except Exception:                           # noqa: BLE001
            x.abort()
        if self.xmpp is x:
            self.xmpp = None
            self.online = False
            self.in_room = False

    # -- team room -----------------------------------------------------------
    def join_room(self):
        x = self.xmpp
        if not self.online or x is None or self.in_room:
            return
        self.room_tries += 1
        p = x.make_presence(pto="%s/%s" % (ROOM, self.nick))
        hist = ET.SubElement(p.xml, "{%s}x" % NS_MUC)
        ET.SubElement(hist, "{%s}history" % NS_MUC, maxstanzas="0")
        p.send()

    def on_room_presence(self, pres):
        frm = pres["from"]
        if frm.bare != ROOM or frm.resource != self.nick or self.xmpp is None:
            return
        if pres["type"] == "error":
            # Most likely the room is new and still locked by whoever
            # created it a moment ago: try again shortly.
            if self.room_tries < 10:
                self.team.loop.call_later(ROOM_RETRY, self.join_room)
            else:
                log.warning("%s could not join %s: %s", self.name, ROOM,
                            pres["error"]["condition"])
            return
        if pres["type"] == "unavailable":
            self.in_room = False
            return
        xu = pres.xml.find("{%s}x" % NS_MUC_USER)
        codes = set() if xu is None else {c.get("code") for c in xu.findall("{%s}status" % NS_MUC_USER)}
        if "110" not in codes or self.in_room:
            return
        self.in_room = True
        log.info("%s joined %s", self.name, ROOM)
        if "201" in codes:
            asyncio.ensure_future(self.configure_room(self.xmpp))

    async def configure_room(self, x):
        """A new room stays locked until its owner configures it: name it
        and keep it when everyone has left."""
        iq = x.make_iq_set(ito=ROOM)
        form = ET.SubElement(ET.SubElement(iq.xml, "{%s}query" % NS_MUC_OWNER),
                             "{%s}x" % NS_DATA, type="submit")
        for var, val in (("FORM_TYPE", "http://jabber.org/protocol/muc#roomconfig"),
                         ("muc#roomconfig_roomname", ROOM_NAME),
                         ("muc#roomconfig_persistentroom", "1")):
            f = ET.SubElement(form, "{%s}field" % NS_DATA, var=var)
            ET.SubElement(f, "{%s}value" % NS_DATA).text = val
        try:
            await iq.send(timeout=10)
            log.info("%s created %s", self.name, ROOM)
        except Exception as e:                      # noqa: BLE001
            log.warning("%s: could not configure %s: %s", self.name, ROOM, e)

    def say(self, body):
        if self.online and self.in_room and self.xmpp is not None:
            self.xmpp.send_message(mto=ROOM, mbody=body, mtype="groupchat")
            log.info("%s in the room: %s", self.name, body)

    def room_reply(self):
        lines = ROOM_REPLIES.get(self.state, ROOM_REPLIES["available"])
        return self.team.rng.choice(lines).format(user=self.team.user)

    # -- announcements -------------------------------------------------------
    def on_announcement(self, msg):
        """The user's marked message: a read receipt-like <displayed/>, then
        <acknowledged/> a few seconds later (but never from NEVER_ACKS)."""
        mid = msg["id"]
        if not mid or msg.xml.find("{%s}markable" % NS_MARKERS) is None:
            return
        to = msg["from"]
        loop = self.team.loop
        loop.call_later(self.team.rng.uniform(1.0, 2.5), self.marker, to, "displayed", mid)
        if self.name != NEVER_ACKS:
            loop.call_later(self.team.rng.uniform(*ACK_DELAY), self.marker, to, "acknowledged", mid)

    def marker(self, to, what, mid):
        if not self.online or self.xmpp is None:
            return
        m = self.xmpp.make_message(mto=to, mtype="chat")
        ET.SubElement(m.xml, "{%s}%s" % (NS_MARKERS, what), id=mid)
        m.send()
        log.info("%s -> %s: %s %s", self.name, to, what, mid)

    def announce(self, to_jids, text):
        """A priority announcement, one 1:1 message per recipient."""
        if not self.online or self.xmpp is None:
            return
        ann_id = "ann-%s" % uuid.uuid4().hex[:12]
        for jid in to_jids:
            m = self.xmpp.make_message(mto=jid, mbody=text, mtype="chat")
            m["id"] = "%s-%s" % (ann_id, jid.split("@")[0])
            ET.SubElement(m.xml, "{%s}announce" % NS_ANNOUNCE, id=ann_id, priority="high")
            ET.SubElement(m.xml, "{%s}request" % NS_RECEIPTS)
            ET.SubElement(m.xml, "{%s}markable" % NS_MARKERS)
            m.send()
        log.info("%s announced %s to %d: %s", self.name, ann_id, len(to_jids), text)

    # -- status --------------------------------------------------------------
    async def apply(self):
        """Send the presence and the activity of the current state."""
        x = self.xmpp
        if not self.online or x is None:
            return
        show, status, activity = STATES[self.state]
        pres = x.make_presence(pshow=show, pstatus=status)
        if self.idle_since is not None:
            pres.xml.append(ET.Element("{%s}idle" % NS_IDLE, since=self.idle_since
                                       .strftime("%Y-%m-%dT%H:%M:%SZ")))
        pres.send()
        if activity == self.published:
            return
        try:
            if activity:
                general, specific, text = activity
                fut = x["xep_0108"].publish_activity(general, specific, text)
            else:
                fut = x["xep_0108"].stop()              # empty <activity/>
            await asyncio.wait_for(fut, 10)
            self.published = activity
        except Exception as e:                      # noqa: BLE001
            log.warning("%s: could not publish the activity: %s", self.name, e)

    async def change(self, state):
        old, self.state = self.state, state
        self.since = time.monotonic()
        if state == "lunch":
            self.had_lunch = True
        if state not in IDLE_STATES:
            self.idle_since = None
        elif old not in IDLE_STATES:
            self.idle_since = datetime.now(timezone.utc)
        log.info("%s: %s -> %s", self.name, old, state)
        if state == "offline":
            self.want_online = False
            await self.disconnect()
        elif old == "offline" or not self.online:
            self.want_online = True
            self.connect()                      # apply() runs on session start
        else:
            await self.apply()

    def next_states(self):
        out = NEXT.get(self.state, [])
        if self.had_lunch:
            out = [(s, w) for s, w in out if s != "lunch"]
        return out

    # -- chat ----------------------------------------------------------------
    def reply_for(self, text):
        text = quote(text)
        if self.name in REPLIES:
            return REPLIES[self.name].format(text=text)
        if self.name == "carol":
            return CAROL_REPLY.format(text=text, rest=CAROL_REST.get(
                self.state, CAROL_REST["available"]))
        return STATE_REPLIES.get(self.state, STATE_REPLIES["available"]).format(text=text)

    def on_message(self, msg):
        if msg["type"] == "groupchat":
            self.team.on_room_message(msg)
            return
        if msg["type"] not in ("chat", "normal") or not msg["body"]:
            return
        sender = msg["from"].bare
        user, _, domain = sender.partition("@")
        if domain != DOMAIN or user in self.team.bots:  # no bot-to-bot chatter
            return
        if msg.xml.find("{%s}announce" % NS_ANNOUNCE) is not None:
            log.info("%s got an announcement from %s", self.name, msg["from"])
            self.on_announcement(msg)
            return
        log.info("%s got %r from %s", self.name, msg["body"], msg["from"])
        self.team.loop.call_later(REPLY_DELAY, self.send, sender, self.reply_for(msg["body"]))

    def on_presence_available(self, pres):
        if self.name != "bob" or self.greeted:
            return
        if pres["from"].bare == self.team.user_jid:
            self.greeted = True
            log.info("%s sees %s online; greeting soon", self.name, pres["from"])
            self.team.loop.call_later(GREETING_DELAY, self.send, self.team.user_jid, GREETING)

    def send(self, to, body):
        if not self.online or self.xmpp is None:
            log.warning("%s is offline; not sending to %s", self.name, to)
            return
        self.xmpp.send_message(mto=to, mbody=body, mtype="chat")
        log.info("%s -> %s: %s", self.name, to, body)


class Team:
    def __init__(self, cfg, loop):
        self.loop = loop
        self.port = int(cfg["port"])
        self.cafile = cfg["cafile"]
        self.user = cfg.get("user", "alice")
        self.user_jid = "%s@%s" % (self.user, DOMAIN)
        self.room_seen = deque(maxlen=64)    # every bot hears each room line
        pace = cfg.get("pace") or PACE
        self.pace = (float(pace[0]), float(pace[1]))
        self.stopping = False
        self.stopped = asyncio.Event()
        pws = cfg["bots"]
        self.bots = {}
        for name, full, _groups, state in TEAM:
            if name in pws:
                self.bots[name] = Bot(self, name, full, pws[name], state)
        self.changes = 0
        self.rng = random.Random()

    def pick(self):
        """Who changes next, and to what."""
        now = time.monotonic()
        cands = []
        for b in self.bots.values():
            if b.state == "offline" or not b.next_states():
                continue
            if now - b.since < min(MIN_IN_STATE, self.pace[0] * 2):
                continue
            cands.append((b, URGENCY.get(b.state, 1)))
        if not cands:
            return None, None
        bot = self.rng.choices([b for b, _ in cands], [w for _, w in cands])[0]
        nxt = bot.next_states()
        state = self.rng.choices([s for s, _ in nxt], [w for _, w in nxt])[0]
        return bot, state

    async def life(self):
        while not self.stopping:
            try:
                await asyncio.wait_for(self.stopped.wait(),
                                       self.rng.uniform(*self.pace))
                return
            except asyncio.TimeoutError:
                pass
            self.changes += 1
            ivan = self.bots.get("ivan")
            if ivan and ivan.state == "offline" and self.changes >= IVAN_AT_CHANGE:
                bot, state = ivan, "available"
            else:
                bot, state = self.pick()
            if bot is None:
                continue
            try:
                await bot.change(state)
            except Exception:                       # noqa: BLE001
                log.exception("%s: could not change to %s", bot.name, state)

    # -- the team room and the manager's announcements ------------------------
    def in_room(self):
        return [b for b in self.bots.values() if b.online and b.in_room]

    def on_room_message(self, msg):
        """A line in the team room from the user (heard by every bot in the
        room: handled once): whoever she names answers, or someone does."""
        nick = msg["from"].resource
        if (msg["from"].bare != ROOM or not msg["body"] or msg["subject"]
                or any(b.nick == nick for b in self.bots.values())
                or msg.xml.find("{urn:xmpp:delay}delay") is not None):
            return
        key = (nick, msg["id"], msg["body"])
        if key in self.room_seen:
            return
        self.room_seen.append(key)
        here = self.in_room()
        text = msg["body"].lower()
        named = [b for b in here if b.nick.lower() in text or b.name in text]
        if named:
            who = named[0]
        elif here and self.rng.random() < 0.5:
            who = self.rng.choice(here)
        else:
            return
        self.loop.call_later(self.rng.uniform(*ROOM_REPLY), lambda: who.say(who.room_reply()))

    async def chatter(self):
        lines = list(CHATTER_LINES)
        self.rng.shuffle(lines)
        n = 0
        while not self.stopping:
            try:
                await asyncio.wait_for(self.stopped.wait(), self.rng.uniform(*CHATTER))
                return
            except asyncio.TimeoutError:
                pass
            # People at their desks talk; the one off shift does not.
            here = [b for b in self.in_room() if b.state not in ("xa", "offline")]
            if not here:
                continue
            line = lines[n % len(lines)]
            n += 1
            first, answer = line if isinstance(line, tuple) else (line, None)
            a = self.rng.choice(here)
            a.say(first.format(user=self.user))
            others = [b for b in here if b is not a]
            if answer and others:
                b = self.rng.choice(others)
                self.loop.call_later(self.rng.uniform(4.0, 8.0),
                                     lambda b=b, t=answer.format(user=self.user): b.say(t))

    async def announcer(self):
        manager = self.bots.get(MANAGER)
        if manager is None:
            return
        wait = ANNOUNCE_FIRST
        n = 0
        while not self.stopping:
            try:
                await asyncio.wait_for(self.stopped.wait(), wait)
                return
            except asyncio.TimeoutError:
                pass
            wait = self.rng.uniform(*ANNOUNCE_EVERY)
            to = [self.user_jid] + ["%s@%s" % (name, DOMAIN) for name, _f, groups, _s in TEAM
                                    if "Support" in groups and name != MANAGER
                                    and name in self.bots]
            manager.announce(to, ANNOUNCEMENTS[n % len(ANNOUNCEMENTS)])
            n += 1

    async def run(self):
        for b in self.bots.values():
            if b.want_online:
                b.connect()
        life = asyncio.ensure_future(self.life())
        extra = [asyncio.ensure_future(self.chatter()), asyncio.ensure_future(self.announcer())]
        await self.stopped.wait()
        self.stopping = True
        life.cancel()
        for t in extra:
            t.cancel()
        bye = [asyncio.ensure_future(b.disconnect(wait=1.0)) for b in self.bots.values()]
        if bye:
            await asyncio.wait(bye, timeout=2.0)
        for b in self.bots.values():
            if b.xmpp is not None:
                b.xmpp.abort()

    def stop(self):
        if not self.stopped.is_set():
            log.info("stopping")
            self.stopped.set()


def bookmark_iq(x, max_items):
    """XEP-0402: the room as an item of the user's bookmarks node, with
    the publish options the XEP asks for (private, kept)."""
    iq = x.make_iq_set()
    ps = ET.SubElement(iq.xml, "{%s}pubsub" % NS_PUBSUB)
    item = ET.SubElement(ET.SubElement(ps, "{%s}publish" % NS_PUBSUB, node=NS_BOOKMARKS),
                         "{%s}item" % NS_PUBSUB, id=ROOM)
    conf = ET.SubElement(item, "{%s}conference" % NS_BOOKMARKS, autojoin="true", name=ROOM_NAME)
    ET.SubElement(conf, "{%s}nick" % NS_BOOKMARKS).text = x.boundjid.user
    form = ET.SubElement(ET.SubElement(ps, "{%s}publish-options" % NS_PUBSUB),
                         "{%s}x" % NS_DATA, type="submit")
    fields = [("FORM_TYPE", "http://jabber.org/protocol/pubsub#publish-options"),
              ("pubsub#persist_items", "true"), ("pubsub#access_model", "whitelist")]
    if max_items:
        fields.append(("pubsub#max_items", "max"))
    for var, val in fields:
        f = ET.SubElement(form, "{%s}field" % NS_DATA, var=var)
        if var == "FORM_TYPE":
            f.set("type", "hidden")
        ET.SubElement(f, "{%s}value" % NS_DATA).text = val
    return iq


def publish_bookmark(cfg, password, timeout=15.0):
    """Logs in as the user (resource "setup"), publishes the bookmark,
    leaves.  Returns 0, or 1 with the reason logged."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    x = slixmpp.ClientXMPP("%s@%s/setup" % (cfg.get("user", "alice"), DOMAIN), password)
    x.loop = loop
    x.ca_certs = Path(cfg["cafile"])
    result = {"rc": 1}
    done = asyncio.Event()

    async def start(_e):
        # No presence: the user's own client should not see this one come
        # and go.  Older servers lack max_items=max: retry without it.
        for max_items in (True, False):
            try:
                await bookmark_iq(x, max_items).send(timeout=10)
                result["rc"] = 0
                log.info("bookmarked %s with autojoin", ROOM)
                break
            except Exception as e:                  # noqa: BLE001
                result["why"] = str(e)
        await x.disconnect(wait=1.0)
        done.set()

    def fail(why):
        result["why"] = str(why)
        done.set()
    x.add_event_handler("session_start", start)
    x.add_event_handler("failed_auth", lambda _e: fail("authentication failed"))
    x.add_event_handler("connection_failed", fail)
    x.connect(address=("127.0.0.1", int(cfg["port"])), force_starttls=True)
    try:
        loop.run_until_complete(asyncio.wait_for(done.wait(), timeout))
    except asyncio.TimeoutError:
        result["why"] = "no answer within %.0f s" % timeout
    finally:
        x.abort()
        loop.run_until_complete(asyncio.sleep(0.1))
        loop.close()
    if result["rc"]:
        log.error("could not bookmark %s: %s", ROOM, result.get("why"))
    return result["rc"]


def main():
    ap = argparse.ArgumentParser(description="backchat demo team")
    ap.add_argument("--team", help="team.json written by demo.sh")
    ap.add_argument("--log", help="log file (default: stderr)")
    ap.add_argument("--groups-spec", metavar="USER", nargs="?", const="alice",
                    help="print the shared roster groups for prosody.py --groups")
    ap.add_argument("--bookmark", metavar="TEAM_JSON",
                    help="bookmark the team room (autojoin) on the user's account; "
                         "her password in $DEMO_PASSWORD")
    ap.add_argument("--debug", action="store_true", help="log the XML too")
    a = ap.parse_args()
    if a.groups_spec:
        print(groups_spec(a.groups_spec))
        return 0
    if a.bookmark:
        logging.basicConfig(filename=a.log, level=logging.INFO,
                            format="%(asctime)s %(name)s %(levelname)s %(message)s")
        logging.getLogger("slixmpp").setLevel(logging.CRITICAL)
        with open(a.bookmark) as f:
            cfg = json.load(f)
        pw = os.environ.get("DEMO_PASSWORD")
        if not pw:
            ap.error("--bookmark needs the user's password in $DEMO_PASSWORD")
        return publish_bookmark(cfg, pw)
    if not a.team:
        ap.error("--team is required")

    logging.basicConfig(filename=a.log, level=logging.DEBUG if a.debug else logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if not a.debug:
        logging.getLogger("slixmpp").setLevel(logging.WARNING)
    with open(a.team) as f:
        cfg = json.load(f)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    team = Team(cfg, loop)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(sig, team.stop)
    try:
        loop.run_until_complete(team.run())
    finally:
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            loop.run_until_complete(asyncio.wait(pending, timeout=0.5))
        loop.close()
        log.info("team stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
