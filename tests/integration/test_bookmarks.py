# SPDX-License-Identifier: GPL-3.0-or-later
"""Bookmarks (XEP-0402 on Prosody): saved from a room tab, joined again
after a restart, removed; changes made by another device of the account
arrive as PEP notifications; nobody else can plant one.  On a server
without PEP the same commands keep them in private XML storage (XEP-0048
over XEP-0049), leaving alone what other clients stored there."""

import re
import secrets
import xml.etree.ElementTree as ET

from harness import KEEP, PeerFactory, fixture, trust_and_connect
from mucpeer import MUC, capture, iq, join, wait_stanza
from prosody import Prosody

ROOM = "team@" + MUC
NODE = "urn:xmpp:bookmarks:1"


def pep_items(peer):
    return iq(peer, "<iq type='get'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    "<items node='%s'/></pubsub></iq>" % NODE)


def last_listing(view):
    """The newest /bookmark listing on screen, from its first line on."""
    lines = view.split("\n")
    starts = [i for i, l in enumerate(lines) if "Bookmarks (" in l or "No bookmarks." in l]
    return "\n".join(lines[starts[-1]:]) if starts else ""


def poll_listing(app, pred, tries=20):
    """Type /bookmark until the newest listing satisfies `pred`."""
    for _ in range(tries):
        app.type_line("/bookmark")
        try:
            return app.wait_for(lambda v: pred(last_listing(v)), timeout=0.5, region="view")
        except AssertionError:
            pass
    raise AssertionError("bookmark listing never matched:\n" + app.screen())


def restart_rejoins(app, bob):
    """With `bob` in the room: /quit, start backchat again, and expect it to
    join the room by itself (bob sees alice come back, tab 2 is the room)."""
    seen = capture(bob)
    join(bob, ROOM, "bob")
    wait_stanza(seen, 'from="%s/bob"' % ROOM, 'code="110"')

    app.type_line("/quit")
    app.wait_exit(10)
    wait_stanza(seen, 'from="%s/alice"' % ROOM, 'type="unavailable"')
    with seen["cond"]:
        seen["items"].clear()

    app.restart()
    app.wait_status("connected", timeout=15)
    app.wait_for(re.compile(r"(?<![\w:])2:team\b"), timeout=15, region="status")
    pres = wait_stanza(seen, 'from="%s/alice"' % ROOM, timeout=15)
    assert 'type="unavailable"' not in pres, pres


def bookmark_new_room(app, home, srv):
    """backchat connects to srv, opens ROOM and bookmarks it as "Team"
    (autojoin)."""
    home.write_account(srv)
    trust_and_connect(app, srv)
    app.type_line("/join " + ROOM)
    app.wait_for("You joined " + ROOM, timeout=10, region="view")
    app.type_line("/roomconfig instant")
    app.wait_for("team is open with the default configuration", timeout=10, region="view")
    app.type_line("/bookmark add --name Team")
    app.wait_for("Bookmarked %s (joined at connect)." % ROOM, timeout=10, region="view")


def remove_from_room_tab(app):
    """In the rejoined room's tab (2), /bookmark remove: the list is empty."""
    app.send_keys("M-2")
    app.wait_for("You joined " + ROOM, timeout=10, region="view")
    app.type_line("/bookmark remove")
    app.wait_for("Bookmark of %s removed." % ROOM, timeout=10, region="view")
    app.type_line("/bookmark list")
    app.wait_for("No bookmarks.", timeout=5, region="view")


def test_bookmark_autojoin_after_restart(server, home, app, peers):
    bookmark_new_room(app, home, server)
    app.type_line("/bookmark")
    app.wait_for(re.compile(re.escape(ROOM) + r" +Team +nick alice +autojoin"), timeout=5,
                 region="view")

    # It is on the server, as XEP-0402 says: item id = the room.
    other = peers.connect("alice", resource="phone")
    items = pep_items(other)
    assert 'id="%s"' % ROOM in items and 'autojoin="true"' in items, items

    # Started again: the bookmark joins the room by itself.
    restart_rejoins(app, peers.connect("bob"))

    remove_from_room_tab(app)
    items = pep_items(other)
    assert ROOM not in items, items
    app.assert_alive()


def test_bookmark_push_from_other_device(server, home, app, peers):
    home.write_account(server)
    trust_and_connect(app, server)
    # Loaded (empty) before anything is pushed.
    app.type_line("/bookmark")
    app.wait_for("No bookmarks.", timeout=10, region="view")

    other = peers.connect("alice", resource="phone")
    room = "pushed@" + MUC
    res = iq(other,
             "<iq type='set'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
             "<publish node='%s'><item id='%s'>"
             "<conference xmlns='%s' name='From the phone' autojoin='false'>"
             "<nick>al</nick></conference></item></publish>"
             "<publish-options><x xmlns='jabber:x:data' type='submit'>"
             "<field var='FORM_TYPE' type='hidden'>"
             "<value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
             "<field var='pubsub#persist_items'><value>true</value></field>"
             "<field var='pubsub#access_model'><value>whitelist</value></field>"
             "</x></publish-options></pubsub></iq>" % (NODE, room, NODE))
    assert 'type="result"' in res, res

    # Someone else's "bookmark event" is not ours: ignored, never shown.
    bob = peers.connect("bob")
    bob.send_raw("<message to='alice@localhost'><event "
                 "xmlns='http://jabber.org/protocol/pubsub#event'><items node='%s'>"
                 "<item id='evil@%s'><conference xmlns='%s' autojoin='true'/></item>"
                 "</items></event></message>" % (NODE, MUC, NODE))
    # Delivered in order: once this shows, the event above was handled.
    bob.send("alice@localhost", "after the event")
    app.wait_for(re.compile(r":bob\(1\)"), timeout=10, region="status")

    shown = re.compile(re.escape(room) + r" +From the phone +nick al")
    view = poll_listing(app, lambda text: shown.search(text))
    assert "evil@" not in last_listing(view) and "evil@" not in app.screen(), view
    # autojoin false: not joined.
    assert not re.search(r"(?<![\w:])2:pushed\b", app.status()), app.status()

    # A retraction from the other device removes it.
    res = iq(other, "<iq type='set'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
                    "<retract node='%s' notify='true'><item id='%s'/></retract>"
                    "</pubsub></iq>" % (NODE, room))
    assert 'type="result"' in res, res
    poll_listing(app, lambda text: "No bookmarks." in text)
    app.assert_alive()


def test_bookmark_from_console(server, home, app, peers):
    """Without a room tab: the room is named; options are kept; a bare
    room name finds the bookmark."""
    home.write_account(server)
    trust_and_connect(app, server)
    # Loaded (empty) first: until then a change is refused ("still loading").
    poll_listing(app, lambda text: "No bookmarks." in text)
    app.type_line("/bookmark add")
    app.wait_for("which room? Give ROOM", timeout=10, region="view")
    room = "ops@" + MUC
    app.type_line('/bookmark add %s --no-autojoin --nick al2 --name "Ops room" '
                  "--password s3cret" % room)
    app.wait_for("Bookmarked %s." % room, timeout=10, region="view")
    poll_listing(app, lambda text: re.search(re.escape(room) + r" +Ops room +nick al2",
                                             text) and "autojoin" not in text)
    other = peers.connect("alice", resource="phone")
    items = pep_items(other)
    assert 'autojoin="false"' in items and "<password>s3cret</password>" in items, items
    # Not joined: autojoin is off.
    assert not re.search(r"(?<![\w:])2:ops\b", app.status()), app.status()

    app.type_line("/bookmark remove ops")
    app.wait_for("Bookmark of %s removed." % room, timeout=10, region="view")
    app.type_line("/bookmark remove ops")
    app.wait_for('"ops" is not a room JID', timeout=5, region="view")
    app.assert_alive()


# -- XEP-0048 in private storage, on a server without PEP -------------------
NS_STORAGE = "storage:bookmarks"


class Legacy:
    """A private Prosody without PEP (so without XEP-0402 and its
    XEP-0048 bridge), "private" still on: the server an old deployment
    offers.  `server` is what home.write_account takes."""

    def __init__(self, disabled=("s2s", "pep", "bookmarks")):
        self.users = {u: "%s-%s" % (u, secrets.token_hex(4)) for u in ("alice", "bob")}
        self.server = Prosody(users=self.users, keep_dir=KEEP, extra_config=(
            "modules_disabled = { %s }\n" % ", ".join('"%s"' % m for m in disabled)))
        self.server.users = self.users
        self.peers = PeerFactory(self.server)

    def connect(self, user, resource="peer"):
        return self.peers.connect(user, resource=resource)

    def diagnostics(self):
        return None

    def log_tail(self, n=40):
        return self.server.log_tail(n)


def running(srv):
    """Starts `srv` (a Legacy), yields it, and stops it and its peers."""
    try:
        srv.server.start()
        yield srv
    finally:
        srv.peers.stop_all()
        srv.server.stop()


@fixture
def legacy():
    yield from running(Legacy())


@fixture
def pep_only():
    """PEP, but no XEP-0402 bridge to XEP-0048 (no #compat on the account)."""
    yield from running(Legacy(disabled=("s2s", "bookmarks")))


def private_storage(peer):
    """The account's <storage xmlns='storage:bookmarks'/>, parsed."""
    res = iq(peer, "<iq type='get'><query xmlns='jabber:iq:private'>"
                   "<storage xmlns='%s'/></query></iq>" % NS_STORAGE)
    assert 'type="result"' in res, res
    st = ET.fromstring(res).find(".//{%s}storage" % NS_STORAGE)
    assert st is not None, res
    return st


def stored_rooms(peer):
    """{room jid: <conference/>} from private storage."""
    return {c.get("jid"): c for c in private_storage(peer).findall("{%s}conference" % NS_STORAGE)}


def nick_of(conf):
    el = conf.find("{%s}nick" % NS_STORAGE)
    return el.text if el is not None else None


def assert_no_pep_bookmarks(peer):
    """The fallback is real: the server answers no XEP-0402 request."""
    res = pep_items(peer)
    assert 'type="error"' in res, res


def test_bookmark_private_storage_fallback(legacy, home, app):
    bookmark_new_room(app, home, legacy.server)

    # Stored as XEP-0048 says: <conference jid=ROOM autojoin><nick/>.
    other = legacy.connect("alice", resource="phone")
    assert_no_pep_bookmarks(other)
    rooms = stored_rooms(other)
    assert list(rooms) == [ROOM], ET.tostring(private_storage(other))
    conf = rooms[ROOM]
    assert conf.get("autojoin") in ("true", "1"), conf.attrib
    assert conf.get("name") == "Team", conf.attrib
    assert nick_of(conf) == "alice", ET.tostring(conf)

    # Started again: the bookmark read from private storage joins the room.
    restart_rejoins(app, legacy.connect("bob"))
    poll_listing(app, lambda text: re.search(
        re.escape(ROOM) + r" +Team +nick alice +autojoin", text))

    remove_from_room_tab(app)
    assert stored_rooms(other) == {}, ET.tostring(private_storage(other))
    app.assert_alive()


def test_bookmark_private_storage_keeps_others(legacy, home, app):
    """Private storage is one document shared with other clients: what
    they put there is read (autojoin="1" too) and survives our changes."""
    kept, quiet, ops = "kept@" + MUC, "quiet@" + MUC, "ops@" + MUC
    other = legacy.connect("alice", resource="phone")
    res = iq(other,
             "<iq type='set'><query xmlns='jabber:iq:private'>"
             "<storage xmlns='%s'>"
             "<url name='Project site' url='https://example.org/'/>"
             "<conference jid='%s' name='Kept' autojoin='1'><nick>al</nick></conference>"
             "<conference jid='%s' autojoin='false'/>"
             "<x xmlns='urn:example:extension'>opaque</x>"
             "</storage></query></iq>" % (NS_STORAGE, kept, quiet))
    assert 'type="result"' in res, res

    home.write_account(legacy.server)
    trust_and_connect(app, legacy.server)
    # autojoin="1" counts as true; autojoin="false" is not joined.
    app.wait_for(re.compile(r"(?<![\w:])2:kept\b"), timeout=15, region="status")
    poll_listing(app, lambda text: re.search(re.escape(kept) + r" +Kept +nick al +autojoin",
                                             text) and quiet in text)
    assert not re.search(r"(?<![\w:])\d+:quiet\b", app.status()), app.status()

    app.type_line("/bookmark add %s --no-autojoin --nick al2 --password s3cret" % ops)
    app.wait_for("Bookmarked %s." % ops, timeout=10, region="view")
    st = private_storage(other)
    rooms = stored_rooms(other)
    assert set(rooms) == {kept, quiet, ops}, ET.tostring(st)
    assert rooms[ops].get("autojoin") in ("false", "0"), rooms[ops].attrib
    assert nick_of(rooms[ops]) == "al2", ET.tostring(rooms[ops])
    assert rooms[ops].findtext("{%s}password" % NS_STORAGE) == "s3cret", ET.tostring(rooms[ops])
    assert rooms[kept].get("name") == "Kept" and nick_of(rooms[kept]) == "al", \
        ET.tostring(rooms[kept])
    url = st.find("{%s}url" % NS_STORAGE)
    assert url is not None and url.get("url") == "https://example.org/", ET.tostring(st)
    assert st.findtext("{urn:example:extension}x") == "opaque", ET.tostring(st)

    app.type_line("/bookmark remove " + quiet)
    app.wait_for("Bookmark of %s removed." % quiet, timeout=10, region="view")
    st = private_storage(other)
    assert set(stored_rooms(other)) == {kept, ops}, ET.tostring(st)
    assert st.find("{%s}url" % NS_STORAGE) is not None, ET.tostring(st)
    assert st.findtext("{urn:example:extension}x") == "opaque", ET.tostring(st)
    poll_listing(app, lambda text: ops in text and kept in text and quiet not in text)
    app.assert_alive()


def test_bookmark_private_storage_burst(legacy, home, app):
    """Two changes typed at once: both read-change-write rounds must land
    (the second must not write back a document without the first)."""
    rooms = ["%s@%s" % (r, MUC) for r in ("one", "two", "three")]
    home.write_account(legacy.server)
    trust_and_connect(app, legacy.server)
    poll_listing(app, lambda text: "No bookmarks." in text)
    # One burst of keys: backchat reads the three lines in one go, so the
    # three changes start before the server has answered any of them.
    app.send_text("".join("/bookmark add %s --no-autojoin\r" % r for r in rooms))
    for r in rooms:
        app.wait_for("Bookmarked %s." % r, timeout=10, region="view")
    other = legacy.connect("alice", resource="phone")
    assert set(stored_rooms(other)) == set(rooms), ET.tostring(private_storage(other))
    app.assert_alive()


def test_bookmark_private_storage_without_compat(pep_only, home, app):
    """A server with PEP but without the XEP-0402 bridge (no #compat on the
    account): bookmarks go to private storage, where every client sees
    them, and nothing goes to the PEP node."""
    home.write_account(pep_only.server)
    trust_and_connect(app, pep_only.server)
    app.type_line("/bookmark add %s --no-autojoin" % ROOM)
    app.wait_for("Bookmarked %s" % ROOM, timeout=10, region="view")
    other = pep_only.connect("alice", resource="phone")
    rooms = stored_rooms(other)
    assert list(rooms) == [ROOM], ET.tostring(private_storage(other))
    items = pep_items(other)
    assert ROOM not in items, items
    app.assert_alive()
