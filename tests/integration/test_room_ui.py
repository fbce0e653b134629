# SPDX-License-Identifier: GPL-3.0-or-later
"""Rooms and announcements as a person sees them: a room tab's title and
occupant list (F11 hides it), nick completion with Tab, the mention count
in the tab bar, and the priority banner on every tab until Alt-k, in a
wide and in a small terminal."""

import re
import unicodedata

from prosody import MUC_DOMAIN

ROOM = "team@" + MUC_DOMAIN
SEP = "\u2502"  # the panel's separator column
DASH = "\u2014"


def _display_width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def _resize(app, width, height):
    app.tmux("resize-window", "-t", app.target, "-x", str(width), "-y", str(height))
    app.width, app.height = width, height


def _panel(app, screen=None):
    """The text right of the panel separator, one string ("" if none)."""
    rows = app.region("view", screen).split("\n")
    return "\n".join(r.split(SEP, 1)[1] for r in rows if SEP in r)


def _fits(app, screen):
    for row in screen.split("\n"):
        assert _display_width(row) <= app.width, \
            "row wider than the %d-column terminal: %r\n%s" % (app.width, row, screen)


def _bob_owns_room(bob):
    """bob creates the room and accepts the default configuration, so he is
    its owner (a moderator) and others may join."""
    bob.send_raw("<presence to='%s/bob'><x xmlns='http://jabber.org/protocol/muc'/>"
                 "</presence>" % ROOM)
    bob.wait_for_presence(ROOM + "/bob", timeout=10)
    bob.send_raw("<iq type='set' id='cfg1' to='%s'><query xmlns="
                 "'http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' "
                 "type='submit'/></query></iq>" % ROOM)


def _connect(server, home, app):
    from harness import trust_and_connect
    home.write_account(server)
    trust_and_connect(app, server)


def test_room_tab_occupants_completion_mention(server, home, app, bob):
    _connect(server, home, app)
    _bob_owns_room(bob)
    app.type_line("/join " + ROOM)
    # The title says where we are, how many are there and who we are.
    app.wait_for(re.compile(r"%s %s 2 occupants %s you are alice \(participant\)"
                            % (re.escape(ROOM), DASH, DASH)), timeout=15, region="title")
    # The occupant list: bob (owner) under Moderators, us under Participants.
    scr = app.wait_for(lambda v: "~bob" in v and "alice" in v, timeout=10, region="view")
    panel = _panel(app, scr)
    assert re.search(r"Moderators 1\s*\n.*~bob.*\n\s*Participants 1\s*\n.*alice", panel), panel
    assert panel.index("Moderators") < panel.index("~bob") < panel.index("Participants"), panel

    # F11 hides the list (the view takes the width), F11 shows it again.
    app.send_keys("F11")
    app.wait_for(lambda s: SEP not in s and "Moderators" not in s, timeout=5, region="view")
    app.send_keys("F11")
    app.wait_for("~bob", timeout=5, region="view")

    # Tab at the start of the line completes the nick with ": "; in the
    # middle of a line, the nick alone.
    app.send_text("b")
    app.send_keys("Tab")
    # (the pane capture drops trailing blanks: the space is checked below)
    app.wait_for(re.compile(r"^> bob:\s*$"), timeout=5, region="input")
    app.send_text("hi B")
    app.send_keys("Tab")
    app.wait_for(re.compile(r"^> bob: hi bob$"), timeout=5, region="input")
    app.send_keys("C-c")
    app.wait_for(re.compile(r"^>\s*$"), timeout=5, region="input")

    # A mention while another tab is focused: counted apart, with "!".
    app.send_keys("M-1")
    app.wait_for("backchat console", timeout=5, region="title")
    bob.send(ROOM, "nothing for anyone", mtype="groupchat")
    bob.send(ROOM, "alice: can you look at the queue?", mtype="groupchat")
    app.wait_for(re.compile(r"\d+:team\(2,1!\)"), timeout=10, region="status")
    # The console shows the buddy list, not the occupants.
    assert "~bob" not in app.region("view")
    app.send_keys("M-2")
    scr = app.wait_for("can you look at the queue", timeout=5, region="view")
    assert not re.search(r"\d+:team\(", app.region("status", scr)), scr

    # A small terminal: nothing wider than it, and the app keeps running.
    for width, height in ((80, 24), (40, 12)):
        _resize(app, width, height)
        scr = app.wait_for("queue", timeout=5, region="view")
        _fits(app, scr)
    app.assert_alive()


def test_priority_banner(server, home, app, bob):
    _connect(server, home, app)
    text = "Fire drill 火災訓練 🎉 at three, leave by the east stairs"
    bob.send_raw("<message to='alice@localhost' type='chat' id='p1'><body>%s</body>"
                 "<announce xmlns='urn:x-backchat:announce:0' id='a1' priority='high'/>"
                 "</message>" % text)
    # The banner is the row under the title bar, on the console too.
    scr = app.wait_for(lambda s: "PRIORITY from" in s.split("\n")[1], timeout=10)
    banner = scr.split("\n")[1]
    assert "Fire drill" in banner and "[Alt-k ack]" in banner, banner
    assert "backchat console" in scr.split("\n")[0], scr
    # The Announcements tab counts it, and its title says it waits.
    app.wait_for(re.compile(r"\d+:announcements\((\d+,)?1!\)"), timeout=5, region="status")
    m = re.search(r"(\d+):announcements", app.region("status"))
    app.send_keys("M-" + m.group(1))
    scr = app.wait_for(re.compile(r"announcements %s 1 waiting for acknowledgement \(Alt-k\)"
                                  % DASH), timeout=5, region="title")
    assert "PRIORITY from" in scr.split("\n")[1], scr
    assert "Fire drill" in app.region("view", scr), scr

    # Small terminals: clipped, wide characters never push a row over.
    for width, height in ((80, 24), (40, 12)):
        _resize(app, width, height)
        scr = app.wait_for(lambda s: "PRIORITY" in s.split("\n")[1], timeout=5)
        _fits(app, scr)

    # Alt-k acknowledges it: the banner goes, on every tab.
    _resize(app, 120, 40)
    app.send_keys("M-k")
    app.wait_for(lambda s: "PRIORITY" not in s.split("\n")[1], timeout=5)
    app.wait_for(re.compile(r"announcements %s nothing waiting" % DASH), timeout=5,
                 region="title")
    app.send_keys("M-1")
    scr = app.wait_for("backchat console", timeout=5, region="title")
    assert "PRIORITY" not in scr, scr
    assert not re.search(r"announcements\([^)]*!\)", app.region("status", scr)), scr
    app.assert_alive()
