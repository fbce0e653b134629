# SPDX-License-Identifier: GPL-3.0-or-later
"""The buddy list on the wire: roster and presence from real peers,
activity over PEP in both directions, roster-push spoofing, what we answer
to disco/version/unknown requests, and blocking."""

import asyncio
import re
import time

from harness import trust_and_connect
from peer import Peer, PeerError

from slixmpp.exceptions import IqError
from slixmpp.plugins.xep_0108 import UserActivity

ALICE = "alice@localhost"
ALICE_FULL = "alice@localhost/backchat"
NS_ACTIVITY = "http://jabber.org/protocol/activity"
CAPS_NODE = "https://backchat.invalid"


class PepPeer(Peer):
    """A peer with entity capabilities and User Activity (XEP-0115,
    XEP-0108, '+notify'), that also records presence show/status/caps and
    the activity events it receives."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.details = []       # (from, type, show, status, caps ver)
        self.activities = []    # (from, general, specific, text)

    async def _on_session_start(self, event):
        x = self.xmpp
        for p in ("xep_0030", "xep_0060", "xep_0115", "xep_0163", "xep_0108", "xep_0092",
                  "xep_0199"):
            x.register_plugin(p)
        # session_bind has passed: declare the PEP interest ourselves.
        x["xep_0163"].register_pep("user_activity", UserActivity)
        x.add_event_handler("user_activity_publish", self._on_activity)
        try:
            await x["xep_0115"].update_caps(broadcast=False)
        except Exception:
            pass
        await super()._on_session_start(event)

    def _on_presence(self, pres):
        try:
            caps = pres["caps"]["ver"] if pres.xml.find(
                "{http://jabber.org/protocol/caps}c") is not None else None
        except Exception:
            caps = None
        with self._cond:
            self.details.append((str(pres["from"]), pres["type"], pres["show"],
                                 pres["status"], caps))
        super()._on_presence(pres)

    def _on_activity(self, msg):
        item = msg["pubsub_event"]["items"]["item"]
        act = item["activity"]
        general, specific = act["value"]
        with self._cond:
            self.activities.append((str(msg["from"]), general or None, specific or None,
                                    act["text"] or None))
            self._cond.notify_all()

    def run(self, make, timeout=10):
        """Call make() on the peer's loop and await what it returns (a
        coroutine or a future); returns the result."""
        async def go():
            return await make()
        return asyncio.run_coroutine_threadsafe(go(), self.loop).result(timeout)

    def wait(self, pred, what, timeout=10):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                r = pred()
                if r:
                    return r
                left = deadline - time.monotonic()
                if left <= 0:
                    raise PeerError("peer %s: no %s within %.0f s; presences %r; "
                                    "activities %r" % (self.jid, what, timeout,
                                                       self.details[-6:], self.activities[-6:]))
                self._cond.wait(min(left, 0.2))


def pep_peer(server, peers, user, resource="peer"):
    jid = "%s@localhost" % user
    p = PepPeer(jid, server.users[user], server.port, cafile=server.cert_path,
                resource=resource)
    peers.peers.append(p)           # the fixture stops it
    return p.start()


def befriend(peers, other, name=None, groups=(), timeout=10):
    """Mutual presence subscription between alice and `other` (a started
    peer that auto-authorizes), done from a throw-away alice resource, the
    way another client of alice's would."""
    setup = peers.connect("alice", resource="setup")
    try:
        setup._call(lambda: setup.xmpp.update_roster(other.bare, name=name,
                                                     groups=list(groups)))
        setup._call(lambda: setup.xmpp.send_presence_subscription(pto=other.bare))
        deadline = time.monotonic() + timeout
        while True:
            sub = setup._call(lambda: setup.xmpp.client_roster[other.bare]["subscription"])
            if sub == "both":
                break
            if time.monotonic() > deadline:
                raise AssertionError("alice <-> %s subscription is %r, not both"
                                     % (other.bare, sub))
            time.sleep(0.1)
    finally:
        setup.stop()


def connect(app, server, home):
    """Connects alice and hides the buddy list panel, so that /roster
    output lines are not mixed with panel text on the same screen rows."""
    home.write_account(server)
    trust_and_connect(app, server)
    app.type_line("/roster hide")


def bob_sees_alice_online(server, home, app, peers):
    """bob (a PEP peer) and alice follow each other, backchat connects as
    alice, and bob sees her available; returns bob."""
    bob = pep_peer(server, peers, "bob")
    befriend(peers, bob)
    connect(app, server, home)
    bob.wait(lambda: [d for d in bob.details if d[0] == ALICE_FULL and d[1] == "available"],
             "alice online")
    return bob


def roster_shows(app, jid, words, timeout=10, absent=False):
    """Types /roster until the line for `jid` in the latest listing has all
    `words` (or, with absent=True, until the listing has no such line)."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        app.type_line("/roster")
        time.sleep(0.3)
        scr = app.region("view")
        last = scr
        listing = scr[scr.rfind("Roster:"):] if "Roster:" in scr else \
            scr[scr.rfind("roster is empty"):] if "roster is empty" in scr else ""
        lines = [l for l in listing.splitlines() if jid in l]
        if absent and listing and not lines:
            return listing
        if not absent and lines and all(w in lines[0] for w in words):
            return lines[0]
        if time.monotonic() > deadline:
            raise AssertionError("/roster: %s %s %r within %.0f s; last screen:\n%s"
                                 % (jid, "still listed, expected absent" if absent
                                    else "line without", words, timeout, last))
        time.sleep(0.5)


def command_until(app, command, pattern, timeout=10):
    """Types `command` until `pattern` (a substring or regex) shows in the
    view, for answers that depend on a server round trip."""
    deadline = time.monotonic() + timeout
    while True:
        app.type_line(command)
        try:
            return app.wait_for(pattern, timeout=1, region="view")
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def test_contact_presence_and_activity(server, home, app, peers):
    bob = pep_peer(server, peers, "bob")
    befriend(peers, bob, name="Bob", groups=["Support"])
    connect(app, server, home)

    # Comes online (already is): listed as online, in the roster group.
    roster_shows(app, "bob@localhost", ["online", "Support"])

    bob.set_presence(show="away", status="Back at three")
    line = roster_shows(app, "bob@localhost", ["away", '"Back at three"'])
    assert "Bob" in line, line

    bob.run(lambda: bob.xmpp["xep_0108"].publish_activity("talking", "on_the_phone"))
    roster_shows(app, "bob@localhost", ["away", "Back at three", "on the phone"])

    # The chat tab's title shows it too.
    app.type_line("/msg bob@localhost")
    app.send_keys("M-2")
    app.wait_for(re.compile(r"bob@localhost.*away.*Back at three"), timeout=5, region="title")
    app.wait_for("on the phone", timeout=5, region="title")

    # Clearing the activity (empty <activity/>) removes it.
    bob.run(lambda: bob.xmpp["xep_0108"].stop())
    app.wait_for("on the phone", timeout=10, region="title", absent=True)

    # Going offline, and coming back online.
    bob.set_presence(ptype="unavailable")
    app.send_keys("M-1")
    roster_shows(app, "bob@localhost", ["offline"])
    bob.set_presence(status="Here again")
    line = roster_shows(app, "bob@localhost", ["online", '"Here again"'])
    assert "away" not in line and "on the phone" not in line, line
    app.assert_alive()


def test_roster_push_spoof_and_second_resource(server, home, app, peers):
    bob = pep_peer(server, peers, "bob")
    befriend(peers, bob, name="Bob")
    connect(app, server, home)
    roster_shows(app, "bob@localhost", ["Bob"])

    # bob pushes a roster item straight at alice's client: a spoof.
    iq = bob.xmpp.make_iq_set(ito=ALICE_FULL)
    iq.xml.append(_xml("<query xmlns='jabber:iq:roster'>"
                       "<item jid='mallory@localhost' name='Mallory'/></query>"))
    try:
        bob.run(lambda: iq.send(timeout=5))
        raise AssertionError("the spoofed roster push was accepted with a result")
    except IqError as e:
        assert e.condition == "service-unavailable", e.iq
    app.assert_alive()
    roster_shows(app, "mallory@localhost", [], absent=True)

    # A real push, from another client of alice's, does update the list.
    other = peers.connect("alice", resource="phone")
    other._call(lambda: other.xmpp.update_roster("carol@localhost", name="Carol",
                                                 groups=["Sales"]))
    roster_shows(app, "carol@localhost", ["Carol", "Sales"])
    roster_shows(app, "mallory@localhost", [], absent=True)
    app.assert_alive()


def _xml(text):
    import xml.etree.ElementTree as ET
    return ET.fromstring(text)


def test_own_status_seen_by_peer(server, home, app, peers):
    bob = pep_peer(server, peers, "bob")
    befriend(peers, bob)
    connect(app, server, home)
    # The initial presence carries our caps.
    bob.wait(lambda: [d for d in bob.details if d[0] == ALICE_FULL and d[1] == "available"
                      and d[4]], "presence with caps from alice")

    app.type_line("/status call")
    got = bob.wait(lambda: [d for d in bob.details if d[0] == ALICE_FULL and d[2] == "dnd"],
                   "dnd presence from alice")
    assert got[-1][3] == "On a Call", got
    act = bob.wait(lambda: [a for a in bob.activities if a[0] == ALICE and a[1] == "talking"],
                   "activity event from alice")
    assert act[-1][2] == "on_the_phone", act

    # Back to available: show goes, the activity is cleared (empty item).
    np, na = len(bob.details), len(bob.activities)
    app.type_line("/status available")
    bob.wait(lambda: [d for d in bob.details[np:] if d[0] == ALICE_FULL and
                      d[1] == "available" and not d[2]],
             "available presence from alice")
    bob.wait(lambda: [a for a in bob.activities[na:] if a[0] == ALICE and a[1] is None],
             "cleared activity from alice")
    app.assert_alive()


def test_disco_caps_and_iq_answers(server, home, app, peers):
    bob = pep_peer(server, peers, "bob")
    befriend(peers, bob)
    connect(app, server, home)
    pres = bob.wait(lambda: [d for d in bob.details if d[0] == ALICE_FULL and d[4]],
                    "presence with caps from alice")
    ver = pres[-1][4]

    disco = bob.xmpp["xep_0030"]
    info = bob.run(lambda: disco.get_info(jid=ALICE_FULL, cached=False, timeout=5))
    ids = info["disco_info"]["identities"]
    assert ("client", "console", None, "backchat") in ids, ids
    feats = info["disco_info"]["features"]
    for f in ("http://jabber.org/protocol/activity+notify", "http://jabber.org/protocol/caps",
              "jabber:iq:version", "urn:xmpp:ping", "urn:xmpp:idle:1"):
        assert f in feats, (f, feats)
    # slixmpp's own computation of the XEP-0115 hash agrees with ours.
    mine = bob.xmpp["xep_0115"].generate_verstring(info["disco_info"], "sha-1")
    assert mine == ver, (mine, ver)
    # The NODE#VER query answers the same; a wrong node is item-not-found.
    info2 = bob.run(lambda: disco.get_info(jid=ALICE_FULL, node="%s#%s" % (CAPS_NODE, ver),
                                           cached=False, timeout=5))
    assert info2["disco_info"]["node"] == "%s#%s" % (CAPS_NODE, ver), info2
    try:
        bob.run(lambda: disco.get_info(jid=ALICE_FULL, node=CAPS_NODE + "#nope",
                                       cached=False, timeout=5))
        raise AssertionError("a disco#info for an unknown node got a result")
    except IqError as e:
        assert e.condition == "item-not-found", e.iq

    # An unknown request gets service-unavailable.
    iq = bob.xmpp.make_iq_get(ito=ALICE_FULL)
    iq.xml.append(_xml("<query xmlns='urn:example:nothing-here'/>"))
    try:
        bob.run(lambda: iq.send(timeout=5))
        raise AssertionError("an unknown iq get was answered with a result")
    except IqError as e:
        assert e.condition == "service-unavailable", e.iq

    # Version (no OS) and ping.
    v = bob.run(lambda: bob.xmpp["xep_0092"].get_version(ALICE_FULL, timeout=5))
    assert v["software_version"]["name"] == "backchat", v
    assert not v["software_version"]["os"], v
    bob.run(lambda: bob.xmpp["xep_0199"].send_ping(ALICE_FULL, timeout=5))

    # Our requests: /info asks bob's client for its version.
    app.type_line("/info bob@localhost")
    app.wait_for(re.compile(r"bob@localhost/peer runs Slixmpp"), timeout=10, region="view")
    app.assert_alive()


def test_block_unblock(server, home, app, peers):
    bob = pep_peer(server, peers, "bob")
    befriend(peers, bob)
    connect(app, server, home)
    roster_shows(app, "bob@localhost", ["online"])

    app.type_line("/block bob@localhost")
    # The server acts on it: bob sees alice go offline...
    bob.wait(lambda: [d for d in bob.details if d[0] == ALICE_FULL and d[1] == "unavailable"],
             "unavailable presence from alice after the block")
    command_until(app, "/blocked", re.compile(r"\d\d:\d\d {3}bob@localhost\b"))
    # ...and bob's messages no longer arrive.
    bob.send(ALICE, "you should not see this")
    time.sleep(1.5)
    assert "you should not see this" not in app.screen()
    app.wait_for(re.compile(r"(?<![\w:])2:bob\b"), timeout=1, region="status", absent=True)

    np = len(bob.details)
    app.type_line("/unblock bob@localhost")
    bob.wait(lambda: [d for d in bob.details[np:] if d[0] == ALICE_FULL and
                      d[1] == "available"], "alice available again after the unblock")
    command_until(app, "/blocked", "Nobody is blocked")
    bob.send(ALICE, "after unblock")
    app.wait_for(re.compile(r"(?<![\w:])2:bob\(1\)"), timeout=10, region="status")
    app.send_keys("M-2")
    app.wait_for("after unblock", timeout=5, region="view")
    assert "you should not see this" not in app.screen()
    app.assert_alive()
