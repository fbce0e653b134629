# SPDX-License-Identifier: GPL-3.0-or-later
"""Announcements on the wire: a server announcement through Prosody's
mod_announce (XEP-0133 over ad-hoc commands), a priority announcement to a
roster group with receipts, chat markers and escalation by attention
requests (XEP-0184, XEP-0333, XEP-0224), and receiving one from a peer."""

import re
import secrets
import time
import xml.etree.ElementTree as ET

from harness import trust_and_connect, wait_db
from peer import Peer, PeerError

from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import StanzaPath

NS_ANN = "urn:x-backchat:announce:0"
NS_RCPT = "urn:xmpp:receipts"
NS_MARK = "urn:xmpp:chat-markers:0"
NS_ATT = "urn:xmpp:attention:0"


class RawPeer(Peer):
    """A peer that keeps every message stanza (body or not) as XML, and
    can answer announcements with markers by itself."""

    def __init__(self, *a, answer=None, **kw):
        super().__init__(*a, **kw)
        self.raw = []           # ET elements of every <message/>
        self.answer = answer    # None, "ack" (acknowledged marker) or "receipt"

    async def _on_session_start(self, event):
        # slixmpp's "message" event only fires for messages with a body;
        # receipts and markers have none.
        self.xmpp.register_handler(Callback("raw messages", StanzaPath("message"), self._on_raw))
        await super()._on_session_start(event)

    def _on_raw(self, msg):
        el = msg.xml
        with self._cond:
            self.raw.append(el)
            self._cond.notify_all()
        ann = el.find("{%s}announce" % NS_ANN)
        if self.answer and ann is not None:
            mid = el.get("id")
            child = ("<acknowledged xmlns='%s' id='%s'/>" % (NS_MARK, mid) if self.answer == "ack"
                     else "<received xmlns='%s' id='%s'/>" % (NS_RCPT, mid))
            self.xmpp.send_raw("<message to='%s' type='chat'>%s</message>"
                               % (el.get("from"), child))

    def wait_raw(self, pred, what, timeout=10):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for el in self.raw:
                    if pred(el):
                        return el
                left = deadline - time.monotonic()
                if left <= 0:
                    raise PeerError("peer %s: no %s within %.0f s; got %r"
                                    % (self.jid, what, timeout,
                                       [ET.tostring(e)[:200] for e in self.raw[-6:]]))
                self._cond.wait(min(left, 0.2))

    def count(self, pred):
        with self._cond:
            return sum(1 for el in self.raw if pred(el))


def raw_peer(server, peers, user, **kw):
    p = RawPeer("%s@localhost" % user, server.users[user], server.port,
                cafile=server.cert_path, **kw)
    peers.peers.append(p)       # the fixture stops it
    return p.start()


def add_user(server, user):
    pw = "%s-%s" % (user, secrets.token_hex(4))
    server.register(user, pw)
    server.users[user] = pw


def set_roster(peers, items):
    """Roster items for alice (jid -> groups), set from a throw-away
    resource the way another client of hers would."""
    setup = peers.connect("alice", resource="setup")
    try:
        for jid, groups in items.items():
            setup._call(lambda j=jid, g=groups: setup.xmpp.update_roster(j, groups=list(g)))
        deadline = time.monotonic() + 10
        while not all(setup._call(lambda j=j: j in setup.xmpp.client_roster) for j in items):
            if time.monotonic() > deadline:
                raise AssertionError("roster items not set")
            time.sleep(0.1)
    finally:
        setup.stop()


def open_announcements(app):
    """Switch to the announcements tab (found by its name in the status line)."""
    scr = app.wait_for(re.compile(r"\d+:announcements"), timeout=10, region="status")
    n = re.search(r"(\d+):announcements", app.region("status", scr)).group(1)
    app.type_line("/win %s" % n)
    app.wait_for(re.compile(r"\[\d+:announcements|announcements"), timeout=5, region="title")


def test_announce_server(server, home, app, peers):
    """backchat as the server admin sends a service-wide announcement with
    the real mod_announce ad-hoc command; everyone online gets it, and so
    does backchat itself, as a server announcement it must acknowledge."""
    add_user(server, "admin")
    home.write_account(server, user="admin")
    bob = raw_peer(server, peers, "bob")
    trust_and_connect(app, server)

    app.type_line("/announce --server Maintenance tonight at 22:00")
    m = bob.wait_for_message("Maintenance tonight at 22:00", timeout=10)
    assert m.type == "headline" and m.sender == "localhost", m
    app.wait_for("Server announcement sent", timeout=10, region="view")

    open_announcements(app)
    app.wait_for(re.compile(r"localhost: \[server #1\] Maintenance tonight at 22:00"),
                 timeout=10, region="view")
    app.type_line("/ack")
    app.wait_for("Acknowledged #1: Maintenance tonight", timeout=5, region="view")
    app.type_line("/ack")
    app.wait_for("nothing waits for an acknowledgement", timeout=5)

    rows = wait_db(home.log_db(), "SELECT conv, kind, dir FROM messages WHERE body = ?",
                   ("Maintenance tonight at 22:00",), timeout=5)
    assert rows == [("localhost", "announcement", 0)], rows


def test_announce_group_rollup_escalation(server, home, app, peers):
    """/announce --priority --escalate 2s to a roster group of three: two
    acknowledge, one only confirms delivery and gets (at most two)
    attention requests; the roll-up says who is missing."""
    add_user(server, "dave")
    set_roster(peers, {"bob@localhost": ["Support"], "carol@localhost": ["Support"],
                       "dave@localhost": ["Support", "Night"]})
    home.write_config("[announce]\nmin_nudge_interval=1\n")
    home.write_account(server)
    bob = raw_peer(server, peers, "bob", answer="ack")
    carol = raw_peer(server, peers, "carol", answer="ack")
    dave = raw_peer(server, peers, "dave", answer="receipt")
    trust_and_connect(app, server)
    app.wait_for("Support", timeout=10)         # the roster is in (buddy list)

    # A non-admin cannot use the server's announce command.
    app.type_line("/announce --server hello everyone")
    app.wait_for("only server admins can send a server announcement", timeout=10)
    app.type_line("/announce --escalate 2s Support nope")
    app.wait_for("--escalate only works with --priority", timeout=5)
    app.type_line("/announce Nobody hi")
    app.wait_for("(groups: Night,", timeout=5)

    t0 = time.monotonic()
    app.type_line("/announce --priority --escalate 2s Support Server restart at 17:00")
    for p in (bob, carol, dave):
        el = p.wait_raw(lambda e: e.find("{%s}announce" % NS_ANN) is not None,
                        "the announcement", timeout=10)
        assert el.get("type") == "chat", ET.tostring(el)
        assert el.find("{%s}announce" % NS_ANN).get("priority") == "high"
        assert el.find("{%s}request" % NS_RCPT) is not None, ET.tostring(el)
        assert el.find("{%s}markable" % NS_MARK) is not None, ET.tostring(el)
        assert el.findtext("{jabber:client}body") == "Server restart at 17:00"

    open_announcements(app)
    app.wait_for("delivered 3/3, acknowledged 2/3; not acknowledged: dave", timeout=10,
                 region="view")

    # dave is asked for attention at ~2 s and ~4 s, never a third time.
    def attention(e):
        return e.get("type") == "headline" and e.find("{%s}attention" % NS_ATT) is not None
    dave.wait_raw(attention, "a first attention request", timeout=10)
    deadline = t0 + 8
    while dave.count(attention) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert dave.count(attention) == 2, dave.count(attention)
    m = dave.wait_for_message("Please acknowledge: Server restart at 17:00", timeout=2)
    assert m.type == "headline", m
    time.sleep(max(0, t0 + 7 - time.monotonic()))
    assert dave.count(attention) == 2, "more than two nudges"
    assert bob.count(attention) == 0 and carol.count(attention) == 0
    app.wait_for("asked dave for attention (2/2)", timeout=5, region="view")

    app.type_line("/announce status")
    app.wait_for(re.compile(r"dave\s+delivered"), timeout=5)
    rows = wait_db(home.log_db(), "SELECT conv FROM messages WHERE kind = 'announcement' "
                   "AND dir = 1 ORDER BY conv", (), until=lambda r: len(r) == 3, timeout=5)
    assert rows == [("bob@localhost",), ("carol@localhost",), ("dave@localhost",)], rows


def test_announce_receive_priority(server, home, app, peers):
    """A priority announcement from a peer lands in the Announcements tab
    (not a chat tab), gets a receipt, and /ack sends the acknowledged
    marker; attention from a stranger is ignored, from a contact shown."""
    set_roster(peers, {"bob@localhost": []})
    home.write_account(server)
    bob = raw_peer(server, peers, "bob")
    carol = raw_peer(server, peers, "carol")
    trust_and_connect(app, server)

    mid = "ann-" + secrets.token_hex(4)
    bob.send_raw("<message to='alice@localhost' type='chat' id='%s'><body>Evacuate floor 3"
                 "</body><announce xmlns='%s' id='A1' priority='high'/>"
                 "<request xmlns='%s'/><markable xmlns='%s'/></message>"
                 % (mid, NS_ANN, NS_RCPT, NS_MARK))
    bob.wait_raw(lambda e: (e.find("{%s}received" % NS_RCPT) is not None
                            and e.find("{%s}received" % NS_RCPT).get("id") == mid),
                 "a receipt for the announcement", timeout=10)
    open_announcements(app)
    app.wait_for(re.compile(r"bob: \[priority #1\] Evacuate floor 3"), timeout=10,
                 region="view")
    assert not re.search(r"\d+:bob\b", app.region("status")), "shown as a chat too"

    # Not acknowledged when backchat is killed: after the restart it is
    # back in the banner (row 2, under the title), and still ackable.
    app.restart()
    app.wait_status("connected", timeout=15)
    banner = app.wait_for("Evacuate floor 3", timeout=10).split("\n")[1]
    assert "Evacuate floor 3" in banner and "Alt-k" in banner, banner
    open_announcements(app)
    app.wait_for("waiting since before the restart", timeout=5, region="view")

    app.type_line("/ack")
    ack = bob.wait_raw(lambda e: e.find("{%s}acknowledged" % NS_MARK) is not None,
                       "the acknowledged marker", timeout=10)
    assert ack.find("{%s}acknowledged" % NS_MARK).get("id") == mid, ET.tostring(ack)
    app.wait_for("Acknowledged #1: Evacuate floor 3", timeout=5, region="view")

    carol.send_raw("<message to='alice@localhost' type='headline'><attention xmlns='%s'/>"
                   "<body>stranger buzz</body></message>" % NS_ATT)
    bob.send_raw("<message to='alice@localhost' type='headline'><attention xmlns='%s'/>"
                 "<body>call me</body></message>" % NS_ATT)
    app.wait_for(re.compile(r"bob: \[attention\] call me"), timeout=10, region="view")
    assert "stranger buzz" not in app.screen()

    rows = wait_db(home.log_db(), "SELECT conv, kind FROM messages WHERE body = ?",
                   ("Evacuate floor 3",), timeout=5)
    assert rows == [("bob@localhost", "announcement")], rows
