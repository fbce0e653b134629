# SPDX-License-Identifier: GPL-3.0-or-later
"""Room administration against Prosody's MUC: configuration form, kick,
ban, affiliation lists, refusals, and room discovery."""

import re

from harness import trust_and_connect
from mucpeer import MUC, capture, disco_info, instant, join, wait_stanza

ROOM = "team@" + MUC


def open_room(app, room=ROOM):
    app.type_line("/join " + room)
    app.wait_for("You joined " + room, timeout=10, region="view")


def test_configure_kick_ban(server, home, app, peers):
    home.write_account(server)
    trust_and_connect(app, server)
    # Not in a room tab: a clear error, nothing sent.
    app.type_line("/kick bob")
    app.wait_for("/kick works in a room's tab", timeout=5, region="view")

    open_room(app)
    # The first joiner creates (and owns) the room; Prosody keeps it locked
    # until its owner configures it.
    app.type_line("/roomconfig")
    view = app.wait_for("muc#roomconfig_persistentroom [boolean]", timeout=10, region="view")
    assert "FORM_TYPE" not in view, view
    app.wait_for(re.compile(r"muc#roomconfig_roomname \[text-single\] .*: "), timeout=5,
                 region="view")

    # A misspelt field is refused with the close ones, and nothing changes.
    app.type_line("/roomconfig set roomname=x")
    app.wait_for('no field "roomname"; did you mean:', timeout=10, region="view")
    app.wait_for("muc#roomconfig_roomname?", timeout=5, region="view")
    # (Prosody lists only public rooms in /rooms.)
    app.type_line('/roomconfig set muc#roomconfig_roomname="Team room" '
                  "muc#roomconfig_publicroom=yes muc#roomconfig_whois=anyone")
    app.wait_for("The configuration of team is saved.", timeout=10, region="view")

    bob = peers.connect("bob")
    info = disco_info(bob, ROOM)
    assert 'name="Team room"' in info, info

    bob_presence = capture(bob)
    join(bob, ROOM, "bob")
    wait_stanza(bob_presence, 'from="%s/bob"' % ROOM, 'code="110"')
    app.wait_for(re.compile(r"\bbob joined"), timeout=10, region="view")

    app.type_line("/kick bob stop that")
    # The peer learns it was kicked (status 307) with the reason ...
    kicked = wait_stanza(bob_presence, 'from="%s/bob"' % ROOM, 'type="unavailable"',
                         'code="307"')
    assert "stop that" in kicked, kicked
    # ... and backchat's tab says so.
    app.wait_for(re.compile(r"bob was kicked"), timeout=10, region="view")

    # Nobody by that nick now: refused before anything is sent.
    app.type_line("/kick bob")
    app.wait_for('nobody is called "bob"', timeout=5, region="view")

    app.type_line("/ban carol@localhost too loud")
    app.wait_for("carol@localhost is banned from team.", timeout=10, region="view")
    app.type_line("/affiliation list outcast")
    app.wait_for("Affiliation outcast in team (1):", timeout=10, region="view")
    # (Prosody does not return the reason in the list.)
    app.wait_for(re.compile(r"^\d\d:\d\d +carol@localhost\b", re.M), timeout=5, region="view")

    # The ban holds: carol cannot get in.
    carol = peers.connect("carol")
    carol_presence = capture(carol)
    join(carol, ROOM, "carol")
    wait_stanza(carol_presence, 'type="error"', "forbidden")

    # Lifting it: affiliation none; the outcast list is empty again.
    app.type_line("/affiliation set carol@localhost member")
    app.wait_for("carol@localhost's affiliation with team is now member.", timeout=10,
                 region="view")
    app.type_line("/affiliation list outcast")
    app.wait_for("Nobody in team has the affiliation outcast.", timeout=10, region="view")

    # Discovery finds the conference service and lists the room by name.
    app.type_line("/rooms")
    app.wait_for(re.compile(r"Rooms on conference\.localhost \(\d+"), timeout=10,
                 region="view")
    app.wait_for(re.compile(r"team@conference\.localhost +Team room"), timeout=5,
                 region="view")
    app.assert_alive()


def test_refused_without_rights(server, home, app, peers):
    """In someone else's room we are a plain participant: the server's
    refusal is explained."""
    home.write_account(server)
    trust_and_connect(app, server)
    bob = peers.connect("bob")
    room = "bobs@" + MUC
    seen = capture(bob)
    join(bob, room, "bob")
    wait_stanza(seen, 'code="201"')
    res = instant(bob, room)
    assert 'type="result"' in res, res

    open_room(app, room)
    app.type_line("/kick bob")
    app.wait_for("You are not allowed to kick in bobs: it needs the moderator role",
                 timeout=10, region="view")
    app.type_line("/roomconfig")
    app.wait_for("You are not allowed to configure the room in bobs: it needs the owner "
                 "affiliation", timeout=10, region="view")
    app.type_line("/role bob overlord")
    app.wait_for('"overlord" is not a role', timeout=5, region="view")
    app.assert_alive()
