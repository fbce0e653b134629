# SPDX-License-Identifier: GPL-3.0-or-later
"""The hotlist: Alt-a goes to a mention before a 1:1 before a room message;
/hotlist lists them in that order; a 1:1 waiting for our reply shows how
long in the tab bar and the buddy list until we answer; the "new" marker
above the first unread line, and Alt-u."""

import re

from harness import trust_and_connect
from mucpeer import instant, join
from prosody import MUC_DOMAIN

TEAM = "team@" + MUC_DOMAIN
OPS = "ops@" + MUC_DOMAIN
MARKER = "\u2500\u2500\u2500\u2500 new \u2500\u2500\u2500\u2500"


def _own_room(peer, room, nick):
    join(peer, room, nick)
    peer.wait_for_presence(room + "/" + nick, timeout=10)
    instant(peer, room)


def _tab(app, name):
    m = re.search(r"(\d+):%s\b" % re.escape(name), app.region("status"))
    assert m, app.region("status")
    return m.group(1)


def test_alt_a_order(server, home, app, peers):
    home.write_account(server)
    trust_and_connect(app, server)
    bob = peers.connect("bob")
    carol = peers.connect("carol")
    _own_room(bob, TEAM, "bob")
    _own_room(bob, OPS, "bob")
    for room in (TEAM, OPS):
        app.type_line("/join " + room)
        app.wait_for(re.compile(r"%s .* you are alice" % re.escape(room)), timeout=15,
                     region="title")
    app.send_keys("M-1")
    app.wait_for("backchat console", timeout=5, region="title")

    # Oldest first: a room message, a 1:1, then a mention in the other room.
    bob.send(TEAM, "plain room message", mtype="groupchat")
    app.wait_for(re.compile(r"\d+:team\(1\)"), timeout=10, region="status")
    carol.send("alice@localhost", "carol here, got a minute?")
    app.wait_for(re.compile(r"\d+:carol\(1\)"), timeout=10, region="status")
    bob.send(OPS, "alice: the build is red", mtype="groupchat")
    app.wait_for(re.compile(r"\d+:ops\(1,1!\)"), timeout=10, region="status")

    # /hotlist: most urgent first, with its level.
    app.type_line("/hotlist")
    scr = app.wait_for(re.compile(r"Hotlist.*\n.*:ops\s+highlight.*\n.*:carol\s+private.*"
                                  r"\n.*:team\s+message"), timeout=5, region="view")
    assert "1 unread" in app.region("view", scr), scr

    # The tab colours: red for the mention, green for the 1:1, yellow (on
    # the bar) for the room message.
    esc = app.screen(escapes=True).split("\n")[-2]
    for colour, tab in (("31", "ops"), ("32", "carol"), ("33", "team")):
        assert re.search(r"\x1b\[%sm(?:\x1b\[\d+m)*\d+:%s\(" % (colour, tab), esc), \
            (tab, repr(esc))

    # Alt-a walks down the list.
    app.send_keys("M-a")
    app.wait_for(re.compile(r"%s .* you are alice" % re.escape(OPS)), timeout=5, region="title")
    app.wait_for("the build is red", timeout=5, region="view")
    app.send_keys("M-a")
    app.wait_for(re.compile(r"^ carol@localhost"), timeout=5, region="title")
    app.send_keys("M-a")
    app.wait_for(re.compile(r"%s .* you are alice" % re.escape(TEAM)), timeout=5,
                 region="title")
    # Nothing left: it says so, and stays.
    app.send_keys("M-a")
    app.wait_for("No activity in other tabs", timeout=5, region="view")
    assert TEAM in app.region("title")
    app.assert_alive()


def test_reply_wait_and_marker(server, home, app, bob):
    home.write_config("[hotlist]\nreply_warn_minutes = 0\n")
    home.write_account(server)
    trust_and_connect(app, server)
    app.type_line("/roster add bob@localhost Bob")
    app.type_line("/roster offline show")  # no subscription: bob shows offline
    app.wait_for(re.compile(r"\u2502.*\bBob\b"), timeout=10, region="view")

    bob.send("alice@localhost", "are you there?")
    # The tab bar says how long it has waited, in the warning colour (the
    # threshold is 0 minutes here), and so does bob's row in the buddy list.
    scr = app.wait_for(re.compile(r"\b2:bob\(1\) 0m"), timeout=10, region="status")
    assert re.search(r"Bob\s+(\(1\)\s+)?0m", app.region("view", scr)), scr
    esc = app.screen(escapes=True).split("\n")[-2]
    assert re.search(r"\x1b\[[0-9;]*41[0-9;]*m0m", esc), repr(esc)

    # Reading does not stop it; answering does.
    app.send_keys("M-2")
    app.wait_for("are you there?", timeout=5, region="view")
    assert re.search(r"\b2:bob 0m", app.region("status")), app.region("status")
    app.type_line("yes, here")
    bob.wait_for_message("yes, here", sender="alice@localhost", timeout=10)
    app.wait_for(re.compile(r"\b2:bob\S* \d+m"), timeout=5, region="status", absent=True)

    # Left (read), then new lines: the marker sits above the first of them.
    app.send_keys("M-1")
    app.wait_for("backchat console", timeout=5, region="title")
    bob.send("alice@localhost", "first new line")
    bob.send("alice@localhost", "second new line")
    app.wait_for(re.compile(r"\b2:bob\(2\) 0m"), timeout=10, region="status")
    app.send_keys("M-2")
    scr = app.wait_for("second new line", timeout=5, region="view")
    view = app.region("view", scr)
    assert view.count(MARKER) == 1, view
    assert view.index("yes, here") < view.index(MARKER) < view.index("first new line"), view

    # Alt-u scrolls back to it after the view has moved on.
    for i in range(45):
        bob.send("alice@localhost", "filler %02d" % i)
    app.wait_for("filler 44", timeout=10, region="view")
    assert MARKER not in app.region("view")
    app.send_keys("M-u")
    scr = app.wait_for(MARKER, timeout=5, region="view")
    first = [r for r in app.region("view", scr).split("\n") if r.strip()][0]
    assert MARKER in first, scr

    # Read and left again: the marker goes (the view stays where it was).
    app.send_keys("M-1")
    app.wait_for("backchat console", timeout=5, region="title")
    app.send_keys("M-2")
    scr = app.wait_for(re.compile(r"yes, here *\u2502?.*\n.*first new line"), timeout=5,
                       region="view")
    assert MARKER not in app.region("view", scr), scr
    app.assert_alive()

