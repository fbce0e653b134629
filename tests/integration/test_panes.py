# SPDX-License-Identifier: GPL-3.0-or-later
"""Split panes and call mode as a person uses them: two chats side by side
with each peer's messages in its own half, focus moves with Ctrl-W, a
saved layout that comes back after /quit and a restart, and call mode: the
room and a back-channel side by side, "On a Call" seen by a peer, Alt-w
whispering to the back-channel while the room keeps the focus, and
/callmode off putting everything back. Splits that do not fit a small
terminal are refused."""

import re

from harness import trust_and_connect
from prosody import MUC_DOMAIN
from test_protocol_roster import ALICE, ALICE_FULL, befriend, pep_peer

ROOM = "team@" + MUC_DOMAIN
VBAR = "\u2502"
FOCUS = "\u25b6"


def _resize(app, width, height):
    app.tmux("resize-window", "-t", app.target, "-x", str(width), "-y", str(height))
    app.width, app.height = width, height


def _halves(app, screen=None):
    """(left, right) text of the view split at the divider column."""
    rows = app.region("view", screen).split("\n")
    col = None
    for r in rows[1:]:
        if VBAR in r:
            col = r.index(VBAR)
            break
    assert col is not None, "no divider on screen:\n" + "\n".join(rows)
    left = "\n".join(r[:col] for r in rows)
    right = "\n".join(r[col + 1:] for r in rows)
    return left, right


def _wait_halves(app, left_has, right_has, timeout=10):
    def ok(screen):
        try:
            left, right = _halves(app, screen)
        except AssertionError:
            return False
        return (all(t in left for t in left_has) and all(t in right for t in right_has) and
                not any(t in right for t in left_has) and
                not any(t in left for t in right_has))
    return app.wait_for(ok, timeout=timeout)


def _start(app, server, home, width=80, height=24):
    home.write_account(server)
    trust_and_connect(app, server)
    _resize(app, width, height)
    app.type_line("/roster hide")


def test_split_two_chats_and_restore(server, home, app, peers):
    bob = peers.connect("bob")
    carol = peers.connect("carol")
    _start(app, server, home)

    # bob's chat, split side by side, carol's chat in the new (right) pane.
    app.type_line("/msg bob@localhost")
    app.wait_for("bob@localhost", timeout=5, region="title")
    app.type_line("/split v")
    app.wait_for(FOCUS, timeout=5, region="view")
    app.type_line("/msg carol@localhost")
    app.wait_for("carol@localhost", timeout=5, region="title")

    bob.send(ALICE, "left side from bob")
    carol.send(ALICE, "right side from carol")
    scr = _wait_halves(app, ["left side from bob"], ["right side from carol"])
    left, right = _halves(app, scr)
    # Headers: carol's pane (right) is focused; bob's is not, and counts
    # the message it shows as unread.
    assert FOCUS in right and FOCUS not in left, scr
    assert ":bob (1 unread)" in left.split("\n")[0], scr
    # Ctrl-W h: the focus goes left, the title follows, unread clears.
    app.send_keys("C-w", "h")
    app.wait_for("bob@localhost", timeout=5, region="title")
    scr = app.wait_for(lambda s: FOCUS in _halves(app, s)[0], timeout=5)
    assert "unread" not in app.region("view", scr), scr
    # Ctrl-W before a key that is not a pane key: it deletes the word
    # before the cursor, as it did, and the key is typed.
    app.send_text("foo bar")
    app.send_keys("C-w")
    app.send_text("z")
    app.wait_for(re.compile(r"^> foo z$"), timeout=5, region="input")
    app.send_keys("C-c")
    # Enter sends to the focused pane's chat.
    app.type_line("hello bob from the left")
    bob.wait_for_message("hello bob from the left", timeout=10)
    _wait_halves(app, ["hello bob from the left"], ["right side from carol"])

    app.type_line("/layout save work")
    app.wait_for('Layout "work" saved (2 panes)', timeout=5, region="view")
    app.type_line("/layout list")
    app.wait_for("Saved layouts: work", timeout=5, region="view")

    # /quit, start again: the same two panes, bob's focused on the left.
    app.type_line("/quit")
    app.wait_exit(timeout=10)
    app.restart()
    _resize(app, 80, 24)
    app.wait_status("connected", timeout=15)
    app.type_line("/roster hide")
    scr = _wait_halves(app, ["left side from bob"], ["right side from carol"], timeout=15)
    left, right = _halves(app, scr)
    assert FOCUS in left and FOCUS not in right, scr
    app.wait_for("bob@localhost", timeout=5, region="title")
    # Back to one pane: no divider, no headers.
    app.type_line("/unsplit")
    app.wait_for(lambda s: VBAR not in s and FOCUS not in s, timeout=5, region="view")
    app.type_line("/layout load work")
    _wait_halves(app, ["left side from bob"], ["right side from carol"])
    app.assert_alive()


def _bob_owns_room(bob):
    bob.send_raw("<presence to='%s/bob'><x xmlns='http://jabber.org/protocol/muc'/>"
                 "</presence>" % ROOM)
    bob.wait_for_presence(ROOM + "/bob", timeout=10)
    bob.send_raw("<iq type='set' id='cfg1' to='%s'><query xmlns="
                 "'http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' "
                 "type='submit'/></query></iq>" % ROOM)


def test_callmode_whisper_and_off(server, home, app, peers):
    bob = pep_peer(server, peers, "bob")
    befriend(peers, bob)
    carol = peers.connect("carol")
    _start(app, server, home)
    bob.wait(lambda: [d for d in bob.details if d[0] == ALICE_FULL and d[1] == "available"],
             "alice online")
    _bob_owns_room(bob)
    app.type_line("/join " + ROOM)
    app.wait_for(re.compile(r"2 occupants"), timeout=15, region="title")

    n, na = len(bob.details), len(bob.activities)
    app.type_line("/callmode team carol@localhost")
    app.wait_for("CALL", timeout=5, region="status")
    # The room on the left (focused, in the title), carol on the right.
    app.wait_for(re.compile(re.escape(ROOM) + r" \u2014 2 occupants"), timeout=5,
                 region="title")
    app.wait_for(lambda s: FOCUS in _halves(app, s)[0] and
                 ":carol" in _halves(app, s)[1].split("\n")[0], timeout=5)
    # The peer sees the call: busy, "On a Call", talking on the phone.
    got = bob.wait(lambda: [d for d in bob.details[n:] if d[0] == ALICE_FULL and
                            d[2] == "dnd"], "dnd presence from alice")
    assert got[-1][3] == "On a Call", got
    bob.wait(lambda: [a for a in bob.activities[na:] if a[0] == ALICE and
                      a[1] == "talking"], "talking activity from alice")

    # Alt-w: the input line goes to carol, the room keeps the focus, the
    # line is cleared and shows in carol's pane.
    app.send_text("psst, are you on the call too?")
    app.send_keys("M-w")
    carol.wait_for_message("psst, are you on the call too?", timeout=10)
    app.wait_for(re.compile(r"^>\s*$"), timeout=5, region="input")
    _wait_halves(app, [], ["alice: psst, are you"])
    assert ROOM in app.region("title"), app.screen()
    # Enter still talks to the room.
    app.type_line("hello room")
    bob.wait_for_message("hello room", timeout=10)

    # Off: one pane again (the room, as before), the status as before.
    n = len(bob.details)
    app.type_line("/callmode off")
    app.wait_for("CALL", timeout=5, region="status", absent=True)
    # (the room's occupant list keeps its separator on the right)
    app.wait_for(lambda s: FOCUS not in s and "3:carol" not in s, timeout=5, region="view")
    bob.wait(lambda: [d for d in bob.details[n:] if d[0] == ALICE_FULL and
                      d[1] == "available" and not d[2]], "alice available again")
    assert ROOM in app.region("title"), app.screen()

    # A small terminal refuses a split that does not fit, and says why.
    _resize(app, 40, 12)
    # (the resize must reach backchat before the command does)
    app.wait_stable(quiet=0.5, timeout=5)
    app.type_line("/split v")
    app.wait_for(re.compile(r"at\s+least\s+20"), timeout=5, region="view")
    assert FOCUS not in app.region("view"), app.screen()
    app.type_line("/split h")
    app.wait_for(FOCUS, timeout=5, region="view")
    app.assert_alive()
