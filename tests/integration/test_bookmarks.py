# SPDX-License-Identifier: GPL-3.0-or-later
"""Bookmarks (XEP-0402 on Prosody): saved from a room tab, joined again
after a restart, removed; changes made by another device of the account
arrive as PEP notifications; nobody else can plant one."""

import re

from harness import trust_and_connect
from mucpeer import MUC, capture, iq, join, wait_stanza

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


def test_bookmark_autojoin_after_restart(server, home, app, peers):
    home.write_account(server)
    trust_and_connect(app, server)
    app.type_line("/join " + ROOM)
    app.wait_for("You joined " + ROOM, timeout=10, region="view")
    app.type_line("/roomconfig instant")
    app.wait_for("team is open with the default configuration", timeout=10, region="view")

    app.type_line("/bookmark add --name Team")
    app.wait_for("Bookmarked %s (joined at connect)." % ROOM, timeout=10, region="view")
    app.type_line("/bookmark")
    app.wait_for(re.compile(re.escape(ROOM) + r" +Team +nick alice +autojoin"), timeout=5,
                 region="view")

    # It is on the server, as XEP-0402 says: item id = the room.
    other = peers.connect("alice", resource="phone")
    items = pep_items(other)
    assert 'id="%s"' % ROOM in items and 'autojoin="true"' in items, items

    bob = peers.connect("bob")
    seen = capture(bob)
    join(bob, ROOM, "bob")
    wait_stanza(seen, 'from="%s/bob"' % ROOM, 'code="110"')

    app.type_line("/quit")
    app.wait_exit(10)
    wait_stanza(seen, 'from="%s/alice"' % ROOM, 'type="unavailable"')
    with seen["cond"]:
        seen["items"].clear()

    # Started again: the bookmark joins the room by itself.
    app.restart()
    app.wait_status("connected", timeout=15)
    app.wait_for(re.compile(r"(?<![\w:])2:team\b"), timeout=15, region="status")
    pres = wait_stanza(seen, 'from="%s/alice"' % ROOM, timeout=15)
    assert 'type="unavailable"' not in pres, pres

    app.send_keys("M-2")
    app.wait_for("You joined " + ROOM, timeout=10, region="view")
    app.type_line("/bookmark remove")
    app.wait_for("Bookmark of %s removed." % ROOM, timeout=10, region="view")
    app.type_line("/bookmark list")
    app.wait_for("No bookmarks.", timeout=5, region="view")
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
