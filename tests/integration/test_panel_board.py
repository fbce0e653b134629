# SPDX-License-Identifier: GPL-3.0-or-later
"""The buddy list panel and the team board, as a person sees them: teammates
in a shared roster group come online, go away or busy, and the panel and
the board follow; the panel toggles, selects and opens chats by key; a
narrow terminal never overflows."""

import re
import secrets
import time
import unicodedata

from harness import fixture, trust_and_connect, KEEP, Skip
from peer import Peer
from prosody import Prosody, DOMAIN

SEP = "\u2502"          # the panel's separator column
SELECTED = "\u25b8"     # the selection mark
GLYPH = {"online": "\u25cf", "chat": "\u25c6", "away": "\u25d0", "xa": "\u25cb",
         "dnd": "\u2298", "offline": "\u00b7"}
TEAM = ("alice", "bob", "carol", "dave")


class Team:
    """A private Prosody whose users share the roster group "Support"
    (Prosody's mod_groups), so everyone sees everyone's presence without
    subscribing first."""

    def __init__(self):
        self.users = {u: "%s-%s" % (u, secrets.token_hex(4)) for u in TEAM}
        self.server = Prosody(users=self.users, keep_dir=KEEP,
                              groups={"Support": list(TEAM)})
        self.server.users = self.users
        self.peers = []

    def connect(self, user):
        p = Peer("%s@%s" % (user, DOMAIN), self.users[user], self.server.port,
                 cafile=self.server.cert_path)
        self.peers.append(p)
        return p.start()

    def stop(self):
        for p in self.peers:
            try:
                p.stop(timeout=3)
            except Exception:
                pass
        self.server.stop()

    def diagnostics(self):
        return None

    def log_tail(self, n=40):
        return self.server.log_tail(n)


@fixture
def team():
    t = Team()
    try:
        t.server.start()
        yield t
    finally:
        t.stop()


# -- reading the screen -------------------------------------------------------
def display_width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def panel_rows(app, screen=None):
    """The panel's rows (right of the separator), stripped on the right;
    [] when the panel is not on screen."""
    rows = app.region("view", screen).split("\n")
    if not rows or not all(SEP in r for r in rows if r.strip()) or \
            not any(SEP in r for r in rows):
        return []
    return [r[r.rindex(SEP) + 1:].rstrip() if SEP in r else "" for r in rows]


def panel_text(app, screen=None):
    return "\n".join(panel_rows(app, screen))


def panel_has(pattern):
    """wait_for() condition on the panel (a regex over its rows joined by
    newlines)."""
    rx = re.compile(pattern, re.M)

    def cond(text):
        rows = [r[r.rindex(SEP) + 1:].rstrip() for r in text.split("\n") if SEP in r]
        return rx.search("\n".join(rows)) is not None
    cond.description = "panel matching /%s/" % pattern
    return cond


def panel_shown(text):
    rows = [r for r in text.split("\n") if r.strip()]
    return bool(rows) and all(SEP in r for r in rows)


panel_shown.description = "the buddy list panel"


def contact_row(status, name, detail=None):
    """Regex for a contact's row (and its detail row below)."""
    rx = r"^[ %s]%s %s\b.*$" % (SELECTED, re.escape(GLYPH[status]), re.escape(name))
    if detail is not None:
        rx += r"\n^ +%s" % re.escape(detail)
    return rx


def activity(peer, general, specific=None, text=None):
    """Publish a XEP-0108 activity from a slixmpp peer."""
    def go():
        x = peer.xmpp
        if "xep_0108" not in x.plugin:
            x.register_plugin("xep_0108")
        return x.plugin["xep_0108"].publish_activity(general, specific, text)
    try:
        return peer._call(go)
    except Exception as e:  # an older slixmpp without the plugin
        raise Skip("slixmpp cannot publish XEP-0108 activities: %s" % e)


def resize(app, width, height):
    app.tmux("resize-window", "-t", app.target, "-x", str(width), "-y", str(height))
    app.width, app.height = width, height


def assert_fits(app, width, what):
    scr = app.screen()
    for row in scr.split("\n"):
        assert display_width(row) <= width, \
            "%s: row wider than %d columns (%d): %r\n%s" % (what, width, display_width(row),
                                                           row, scr)
    return scr


# -- tests --------------------------------------------------------------------------
def test_panel_follows_presence(team, home, app):
    home.write_account(team.server)
    trust_and_connect(app, team.server)
    app.wait_for(panel_shown, timeout=5, region="view")
    bob, carol, dave = team.connect("bob"), team.connect("carol"), team.connect("dave")
    carol.set_presence(show="away", status="Back in 10")
    dave.set_presence(show="dnd", status="On a customer call")

    # Grouped under the shared roster group, available first.
    app.wait_for(panel_has(r"^Support 3/3$"), timeout=10, region="view")
    app.wait_for(panel_has(contact_row("away", "Carol", "Back in 10")), timeout=10,
                 region="view")
    app.wait_for(panel_has(contact_row("dnd", "Dave", "On a customer call")), timeout=10,
                 region="view")
    rows = panel_rows(app)
    names = [r for r in rows if re.match(r"^[ %s]\S \w" % SELECTED, r)]
    assert [n.split()[-1] for n in names] == ["Bob", "Carol", "Dave"], rows

    # Live: carol goes busy, bob goes offline (and is hidden, but counted).
    carol.set_presence(show="dnd", status="Training until 3")
    app.wait_for(panel_has(contact_row("dnd", "Carol", "Training until 3")), timeout=10,
                 region="view")
    bob.stop()
    app.wait_for(panel_has(r"^Support 2/3$"), timeout=10, region="view")
    assert not re.search(r"\bBob\b", panel_text(app)), app.screen()
    app.type_line("/roster offline show")
    app.wait_for(panel_has(contact_row("offline", "Bob")), timeout=5, region="view")
    app.type_line("/roster by status")
    app.wait_for(panel_has(r"^Busy 2$"), timeout=5, region="view")
    app.wait_for(panel_has(r"^Offline 1$"), timeout=5, region="view")
    app.assert_alive()


def test_panel_keys(team, home, app):
    home.write_account(team.server)
    trust_and_connect(app, team.server)
    bob, carol = team.connect("bob"), team.connect("carol")
    app.wait_for(panel_has(contact_row("online", "Carol")), timeout=10, region="view")

    # F12 (no preset on it) and /roster hide|show toggle the panel.
    app.send_keys("F12")
    app.wait_for(panel_shown, timeout=5, region="view", absent=True)
    app.send_keys("F12")
    app.wait_for(panel_shown, timeout=5, region="view")
    app.type_line("/roster hide")
    app.wait_for(panel_shown, timeout=5, region="view", absent=True)
    app.type_line("/roster show")
    app.wait_for(panel_shown, timeout=5, region="view")

    # Alt-[ and Alt-] resize it by two columns.
    def sep_col():
        row = app.region("view").split("\n")[0]
        return display_width(row[:row.rindex(SEP)])
    col = sep_col()
    app.send_keys("M-]")
    app.wait_for(lambda v: SEP in v.split("\n")[0] and
                 display_width(v.split("\n")[0][:v.split("\n")[0].rindex(SEP)]) == col - 2,
                 timeout=5, region="view")
    app.send_keys("M-[")
    app.wait_for(lambda v: SEP in v.split("\n")[0] and
                 display_width(v.split("\n")[0][:v.split("\n")[0].rindex(SEP)]) == col,
                 timeout=5, region="view")

    # Alt-Down selects the first contact, then the next; Alt-Up goes back;
    # Alt-o opens the chat.
    app.send_keys("M-Down")
    app.wait_for(panel_has(r"^%s%s Bob" % (SELECTED, GLYPH["online"])), timeout=5,
                 region="view")
    app.send_keys("M-Down")
    app.wait_for(panel_has(r"^%s%s Carol" % (SELECTED, GLYPH["online"])), timeout=5,
                 region="view")
    app.send_keys("M-Down")     # the last one: stays
    app.send_keys("M-Up", "M-Down")
    app.wait_for(panel_has(r"^%s%s Carol" % (SELECTED, GLYPH["online"])), timeout=5,
                 region="view")
    app.send_keys("M-o")
    app.wait_for(re.compile(r"(?<![\w:])2:carol\b"), timeout=5, region="status")
    app.wait_for("carol@localhost", timeout=5, region="title")
    app.type_line("hello from the panel")
    carol.wait_for_message("hello from the panel", sender="alice@localhost", timeout=10)

    # An unread count shows beside the contact, and on the right how long
    # the first message has waited for a reply.
    bob.send("alice@localhost", "one")
    bob.send("alice@localhost", "two")
    app.wait_for(panel_has(r"^ %s Bob \(2\) +0m$" % GLYPH["online"]), timeout=10,
                 region="view")

    # A preset key: F3 is Busy; the status line and a peer see it.
    app.send_keys("F3")
    app.wait_for("Busy", timeout=5, region="status")
    bob.wait_for_presence("alice@localhost", ptype="dnd", timeout=10)
    app.send_keys("F1")
    bob.wait_for_presence("alice@localhost", ptype="available", timeout=10)
    app.assert_alive()


def test_board_counts_and_live_updates(team, home, app):
    home.write_account(team.server)
    trust_and_connect(app, team.server)
    bob, carol, dave = team.connect("bob"), team.connect("carol"), team.connect("dave")
    carol.set_presence(show="away", status="Back in 10")
    dave.set_presence(show="dnd", status="Calls all day")
    activity(dave, "talking", "on_the_phone")
    app.wait_for(panel_has(contact_row("dnd", "Dave", "on the phone")), timeout=10,
                 region="view")

    app.type_line("/board")
    app.wait_for(re.compile(r"(?<![\w:])2:board\b"), timeout=5, region="status")
    counts = re.compile(r"Everyone: 1 available, 1 on a call, 1 away\b")
    scr = app.wait_for(counts, timeout=5, region="view")
    view = app.region("view", scr)
    assert re.search(r"Name +Status +Activity / message +In status +Idle", view), scr
    for name, cat, text in (("Bob", "available", ""), ("Dave", "on a call", "on the phone"),
                            ("Carol", "away", "Back in 10")):
        assert re.search(r"^ \S %s +%s +%s" % (name, cat, re.escape(text)), view, re.M), \
            "no board row for %s:\n%s" % (name, scr)
    # Sorted by status: available, on a call, ..., away.
    order = [m.group(1) for m in re.finditer(r"^ \S (Bob|Carol|Dave) ", view, re.M)]
    assert order == ["Bob", "Dave", "Carol"], scr
    # Time in status: under a minute for everyone who just came online.
    assert re.search(r"^ \S Bob .*<1m", view, re.M), scr

    # Live: bob goes away, carol comes back.
    bob.set_presence(show="away", status="Gone fishing")
    app.wait_for(re.compile(r"Everyone: 1 on a call, 2 away\b"), timeout=10, region="view")
    carol.set_presence()
    app.wait_for(re.compile(r"Everyone: 1 available, 1 on a call, 1 away\b"), timeout=10,
                 region="view")
    scr = app.wait_for(re.compile(r"^ \S Bob +away +Gone fishing", re.M), timeout=5,
                       region="view")
    # Other orders.
    app.type_line("/board sort name")
    app.wait_for("sorted by name", timeout=5, region="title")
    view = app.region("view")
    order = [m.group(1) for m in re.finditer(r"^ \S (Bob|Carol|Dave) ", view, re.M)]
    assert order == ["Bob", "Carol", "Dave"], app.screen()

    # A group's board counts only that group.
    app.type_line("/board Support")
    app.wait_for(re.compile(r"Support: 1 available, 1 on a call, 1 away\b"), timeout=5,
                 region="view")
    app.assert_alive()


def test_narrow_terminal(team, home, app):
    home.write_account(team.server)
    trust_and_connect(app, team.server)
    team.connect("bob")     # online: a row of its own on the board
    carol = team.connect("carol")
    carol.set_presence(show="xa", status="On holiday until Monday, back on the 14th")
    app.wait_for(panel_has(contact_row("xa", "Carol", "On holiday")), timeout=10,
                 region="view")
    app.type_line("/board")
    app.wait_for("Everyone:", timeout=5, region="view")

    for width, height in ((60, 20), (40, 16), (34, 12), (120, 40)):
        resize(app, width, height)
        app.wait_for("Everyone:", timeout=5, region="view")
        time.sleep(0.3)
        scr = assert_fits(app, width, "board at %dx%d" % (width, height))
        if width - 31 < 14:     # too narrow for the panel: it hides
            assert not panel_rows(app, scr), "panel drawn at %d columns:\n%s" % (width, scr)
        else:
            assert panel_rows(app, scr), "no panel at %d columns:\n%s" % (width, scr)
        app.send_keys("M-1")
        app.wait_for("backchat console", timeout=5, region="title")
        assert_fits(app, width, "console at %dx%d" % (width, height))
        app.send_keys("M-2")
        app.wait_for("team board", timeout=5, region="title")
        # Typing still works after a resize.
        app.send_text("/x")
        app.wait_for(re.compile(r"^> /x"), timeout=5, region="input")
        app.send_keys("C-c")
    app.assert_alive()
