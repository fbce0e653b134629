# SPDX-License-Identifier: GPL-3.0-or-later
"""Group chat (XEP-0045) with slixmpp peers in a Prosody room: messages
both ways, mentions, private messages, nick changes, the room archive
filling a gap without duplicates, the room surviving a reconnect, and a
room that dropped us silently found by self-ping (XEP-0410)."""

import asyncio
import re
import time

from harness import query_db, trust_and_connect, wait_db

ROOM = "team@conference.localhost"
MUC_USER = "http://jabber.org/protocol/muc#user"


def _await(peer, make_coro, timeout=10):
    """Runs a coroutine on the peer's loop and returns its result."""
    fut = asyncio.run_coroutine_threadsafe(make_coro(), peer.loop)
    return fut.result(timeout)


def _muc(peer):
    if "xep_0045" not in peer.xmpp.plugin:
        peer._call(peer.xmpp.register_plugin, "xep_0045")
        peer._call(peer.xmpp.register_plugin, "xep_0004")

        # The plugin keeps room presences from the roster (and so from the
        # peer's "presence" event): record them here.
        def on_presence(pres):
            with peer._cond:
                peer.presences.append((str(pres["from"]), pres["type"]))
                peer._cond.notify_all()
        peer._call(peer.xmpp.add_event_handler, "groupchat_presence", on_presence)
    return peer.xmpp["xep_0045"]


def _create_room(peer, nick):
    """The first peer creates the room and accepts the default
    configuration (an instant room), so others may join."""
    muc = _muc(peer)
    _await(peer, lambda: muc.join_muc_wait(ROOM, nick, maxstanzas=0, timeout=10))
    form = peer.xmpp["xep_0004"].make_form(ftype="submit")
    _await(peer, lambda: muc.set_room_config(ROOM, form))


def _join(peer, nick):
    muc = _muc(peer)
    _await(peer, lambda: muc.join_muc_wait(ROOM, nick, maxstanzas=0, timeout=10))


def _say(peer, text):
    peer.send(ROOM, text, mtype="groupchat")
    # The room's reflection: said and archived.
    peer.wait_for_message(re.compile("^%s$" % re.escape(text)),
                          sender="%s/%s" % (ROOM, peer.nick), timeout=10)


def _presences_from(peer, jid, ptype="available"):
    with peer._cond:
        return sum(1 for f, t in peer.presences if f == jid and t == ptype)


def _wait_presence_count(peer, jid, n, ptype="available", timeout=10):
    deadline = time.monotonic() + timeout
    while _presences_from(peer, jid, ptype) < n:
        if time.monotonic() > deadline:
            raise AssertionError("%s: fewer than %d %s presences from %s: %r"
                                 % (peer.jid, n, ptype, jid, peer.presences[-10:]))
        time.sleep(0.1)


def _join_backchat(app):
    app.type_line("/join " + ROOM)
    app.wait_for(re.compile(r"You joined %s as alice" % re.escape(ROOM)), timeout=15,
                 region="view")
    app.wait_for(re.compile(r"(?<![\w:])2:team\b"), timeout=5, region="status")


def _bob_room_with_alice(server, home, app, peers):
    """bob creates the room, backchat (alice) connects and joins it;
    returns bob."""
    home.write_account(server)
    bob = peers.connect("bob")
    bob.nick = "bob"
    _create_room(bob, "bob")
    trust_and_connect(app, server)
    _join_backchat(app)
    return bob


def test_room_chat_private_nick(server, home, app, peers):
    home.write_account(server)
    bob, carol = peers.connect("bob"), peers.connect("carol")
    bob.nick, carol.nick = "bob", "carol"
    _create_room(bob, "bob")
    _join(carol, "carol")
    trust_and_connect(app, server)
    _join_backchat(app)
    app.wait_for(re.compile(r"2 occupants: bob, carol"), timeout=5, region="view")

    # Both ways, with nicks.
    _say(bob, "hello room")
    app.wait_for(re.compile(r"\b\d\d:\d\d bob: hello room"), timeout=10, region="view")
    app.type_line("hi all")
    m = bob.wait_for_message("hi all", sender=ROOM + "/alice", timeout=10)
    assert m.type == "groupchat", m
    app.wait_for(re.compile(r"\b\d\d:\d\d alice: hi all"), timeout=5, region="view")

    # Away from the tab: a message naming us counts apart ("N!").
    app.send_keys("M-1")
    _say(carol, "alice: can you look at this?")
    _say(bob, "unrelated chatter")
    app.wait_for(re.compile(r"(?<![\w:])2:team\(2,1!\)"), timeout=10, region="status")

    # A private message opens its own tab "bob (team)"; the answer goes
    # back to bob through the room.
    bob.send_raw("<message to='%s/alice' type='chat' id='pm1'><body>psst, alice</body>"
                 "<x xmlns='%s'/></message>" % (ROOM, MUC_USER))
    app.wait_for(re.compile(r"(?<![\w:])3:bob \(team\)"), timeout=10, region="status")
    app.send_keys("M-3")
    app.wait_for(re.compile(r"\b\d\d:\d\d bob: psst, alice"), timeout=5, region="view")
    app.type_line("private hello back")
    m = bob.wait_for_message("private hello back", sender=ROOM + "/alice", timeout=10)
    assert m.type == "chat", m

    # /msg NICK in the room tab opens that same private tab.
    app.send_keys("M-2")
    app.wait_for(re.compile(r"carol: alice: can you look"), timeout=5, region="view")
    app.type_line("/msg carol quick question")
    carol.wait_for_message("quick question", sender=ROOM + "/alice", timeout=10)
    app.wait_for(re.compile(r"(?<![\w:])4:carol \(team\)"), timeout=5, region="status")

    # A nick change is seen by the others.
    app.send_keys("M-2")
    app.type_line("/nick alicia")
    bob.wait_for_presence(ROOM + "/alicia", timeout=10)
    app.wait_for("You are now known as alicia", timeout=5, region="view")
    app.type_line("/nick")   # wrong usage: says what to do, does not crash
    app.type_line("/leave nowhere@conference.localhost")
    app.wait_for("you are not in nowhere@conference.localhost", timeout=5, region="view")

    # A groupchat message that does not come from a room we are in is
    # nobody's: not shown, not logged.
    bob.send("alice@localhost", "forged groupchat", mtype="groupchat")
    bob.send("alice@localhost", "plain chat after it")
    app.wait_for(re.compile(r"(?<![\w:])5:bob\b"), timeout=10, region="status")

    db = home.log_db()
    wait_db(db, "SELECT count(*) FROM messages WHERE body = ?", ("plain chat after it",),
            until=lambda r: r[0][0] == 1, timeout=5)
    assert query_db(db, "SELECT count(*) FROM messages WHERE body = ?",
                    ("forged groupchat",))[0][0] == 0
    rows = wait_db(db, "SELECT conv, kind, nick, dir FROM messages WHERE body = ?",
                   ("hello room",), timeout=5)
    assert rows == [(ROOM, "groupchat", "bob", 0)], rows
    rows = wait_db(db, "SELECT conv, kind, dir FROM messages WHERE body = ?",
                   ("hi all",), timeout=5)
    assert rows == [(ROOM, "groupchat", 1)], rows
    rows = wait_db(db, "SELECT conv, kind, dir FROM messages WHERE body = ?",
                   ("psst, alice",), timeout=5)
    assert rows == [(ROOM + "/bob", "private", 0)], rows
    app.assert_alive()


def test_archive_fills_gap_without_duplicates(server, home, app, peers):
    bob = _bob_room_with_alice(server, home, app, peers)
    before = ["before %d" % i for i in range(1, 3)]
    for t in before:
        _say(bob, t)
    app.wait_for("bob: " + before[-1], timeout=10, region="view")
    db = home.log_db()
    wait_db(db, "SELECT count(*) FROM messages WHERE body LIKE 'before %'",
            until=lambda r: r[0][0] == 2, timeout=5)
    app.type_line("/quit")
    app.wait_exit(10)

    # Said while backchat was away.
    gap = ["gap message %d" % i for i in range(1, 6)]
    for t in gap:
        _say(bob, t)

    app.restart()
    app.wait_status("connected", timeout=15)
    _join_backchat(app)
    view = app.wait_for("bob: " + gap[-1], timeout=15, region="view")
    app.wait_for("5 messages from the room's archive", timeout=5, region="view")
    view = app.region("view")
    for t in gap + before:
        assert view.count(t) == 1, "%r shown %d times:\n%s" % (t, view.count(t), view)
    time.sleep(0.5)  # a duplicate would be written by now
    for t in gap + before:
        n = query_db(db, "SELECT count(*) FROM messages WHERE body = ?", (t,))[0][0]
        assert n == 1, "%r logged %d times" % (t, n)
    rows = query_db(db, "SELECT count(*) FROM messages WHERE body LIKE 'gap message %'"
                        " AND server_id IS NOT NULL AND conv = ?", (ROOM,))
    assert rows[0][0] == 5, rows

    # Said while we are in: live, and again only once.
    _say(bob, "live again")
    app.wait_for("bob: live again", timeout=10, region="view")
    app.assert_alive()


def test_room_survives_reconnect(server, home, app, peers):
    bob = _bob_room_with_alice(server, home, app, peers)
    occupant = ROOM + "/alice"
    _wait_presence_count(bob, occupant, 1)

    app.type_line("/disconnect")
    _wait_presence_count(bob, occupant, 1, ptype="unavailable")
    app.wait_for("Disconnected: not in the room", timeout=10, region="view")
    app.type_line("/connect")
    app.wait_status("connected", timeout=15)
    # Rejoined by itself, in the same tab.
    _wait_presence_count(bob, occupant, 2, timeout=15)
    app.wait_for(re.compile(r"(?<![\w:])2:team\b"), timeout=5, region="status")
    app.send_keys("M-2")
    _say(bob, "welcome back")
    app.wait_for("bob: welcome back", timeout=10, region="view")
    app.type_line("still here")
    bob.wait_for_message("still here", sender=occupant, timeout=10)

    # /close leaves the room and forgets it.
    app.type_line("/close")
    _wait_presence_count(bob, occupant, 2, ptype="unavailable", timeout=10)
    app.wait_for(re.compile(r"(?<![\w:])2:team\b"), timeout=5, region="status", absent=True)
    app.assert_alive()


def _drop_silently(server, room, bare):
    """The room forgets `bare`'s occupant without telling anyone, as a
    room restarted or a server-side glitch leaves it: no presence goes
    out.  Returns how many sessions were dropped."""
    lua = ("> local r = prosody.hosts['%s'].modules.muc.get_room_from_jid('%s'); "
           "local n = 0; "
           "for real, nick in pairs(r._jid_nick) do "
           "if real:sub(1, %d) == '%s/' then "
           "r._jid_nick[real] = nil; r._occupants[nick] = nil; n = n + 1 end end; "
           "return n") % (room.split("@", 1)[1], room, len(bare) + 1, bare)
    rc, out = server.prosodyctl("shell", lua)
    assert rc == 0, out
    m = re.search(r"Result: (\d+)", out)
    assert m, out
    return int(m.group(1))


def test_self_ping_rejoins_a_room_that_dropped_us(server, home, app, peers):
    # After [muc] self_ping seconds of silence from a room, backchat asks
    # the room whether it still has us; "not-acceptable" means it does
    # not: it says so and joins again, and the room's archive brings
    # what was said meanwhile.
    home.write_config("[muc]\nself_ping=10\n")
    bob = _bob_room_with_alice(server, home, app, peers)
    app.send_keys("M-2")
    occupant = ROOM + "/alice"
    _wait_presence_count(bob, occupant, 1)

    assert _drop_silently(server, ROOM, "alice@localhost") == 1
    _say(bob, "said while you were gone")
    lost = "Lost the room membership silently; rejoining"
    app.wait_for(lost, timeout=30, region="view")
    _wait_presence_count(bob, occupant, 2, timeout=10)
    app.wait_for("bob: said while you were gone", timeout=10, region="view")
    _say(bob, "welcome back")
    app.wait_for("bob: welcome back", timeout=10, region="view")
    app.type_line("still here")
    bob.wait_for_message("still here", sender=occupant, timeout=10)
    view = app.region("view")
    assert view.count(lost) == 1, view
    assert view.count("bob: said while you were gone") == 1, view
    assert view.index("bob: said while you were gone") < view.index("bob: welcome back"), view
    app.assert_alive()


def test_invitations_and_room_names(server, home, app, peers):
    home.write_account(server)
    bob = peers.connect("bob")
    bob.nick = "bob"
    muc = _muc(bob)
    _create_room(bob, "bob")
    trust_and_connect(app, server)

    # A direct invitation (XEP-0249): shown in the console, listed, accepted.
    bob.send_raw("<message to='alice@localhost' id='inv1'><x xmlns='jabber:x:conference'"
                 " jid='%s' reason='standup now'/></message>" % ROOM)
    app.wait_for("bob@localhost invites you to %s (standup now)" % ROOM, timeout=10,
                 region="view")
    app.type_line("/invite list")
    app.wait_for(re.compile(r"%s from bob@localhost: standup now" % re.escape(ROOM)),
                 timeout=5, region="view")
    app.type_line("/invite accept")
    app.wait_for("You joined %s as alice" % ROOM, timeout=15, region="view")
    _wait_presence_count(bob, ROOM + "/alice", 1)

    # A mediated invitation (through the room) is declined through the room.
    side = "side@conference.localhost"
    _await(bob, lambda: muc.join_muc_wait(side, "bob", maxstanzas=0, timeout=10))
    form = bob.xmpp["xep_0004"].make_form(ftype="submit")
    _await(bob, lambda: muc.set_room_config(side, form))
    bob._call(muc.invite, side, "alice@localhost", "side talk")
    app.send_keys("M-1")
    app.wait_for("invites you to %s (side talk)" % side, timeout=10, region="view")
    app.type_line("/invite decline " + side)
    app.wait_for("Declined the invitation to " + side, timeout=5, region="view")
    # Prosody words the decline in a body too, for clients without MUC.
    bob.wait_for_message(re.compile(r"declined your invit"), sender=side, timeout=10)
    app.type_line("/invite accept " + side)
    app.wait_for("no invitation to %s is waiting" % side, timeout=5, region="view")

    # A bare name joins on the account's conference service.
    app.type_line("/join lobby")
    app.wait_for("You joined lobby@conference.localhost as alice", timeout=15, region="view")
    app.type_line("/join")
    app.wait_for(re.compile(r"/join ROOM"), timeout=5, region="view")
    app.assert_alive()


def test_room_without_archive_sends_history_once(server, home, app, peers):
    home.write_account(server)
    bob = peers.connect("bob")
    bob.nick = "bob"
    muc = _muc(bob)
    _await(bob, lambda: muc.join_muc_wait(ROOM, "bob", maxstanzas=0, timeout=10))
    form = bob.xmpp["xep_0004"].make_form(ftype="submit")
    form.add_field(var="FORM_TYPE", value="http://jabber.org/protocol/muc#roomconfig")
    form.add_field(var="muc#roomconfig_enablearchiving", value="0")
    _await(bob, lambda: muc.set_room_config(ROOM, form))
    early = ["early %d" % i for i in range(1, 3)]
    for t in early:
        _say(bob, t)

    # No archive: the room's own history brings what was said before.
    trust_and_connect(app, server)
    _join_backchat(app)
    app.wait_for("bob: " + early[-1], timeout=10, region="view")
    db = home.log_db()
    wait_db(db, "SELECT count(*) FROM messages WHERE body LIKE 'early %'",
            until=lambda r: r[0][0] == 2, timeout=5)
    app.type_line("/quit")
    app.wait_exit(10)

    late = ["late %d" % i for i in range(1, 4)]
    for t in late:
        _say(bob, t)
    app.restart()
    app.wait_status("connected", timeout=15)
    _join_backchat(app)
    app.wait_for("bob: " + late[-1], timeout=10, region="view")
    time.sleep(0.5)
    view = app.region("view")
    assert "from the room's archive" not in view, view
    for t in early + late:
        assert view.count(t) == 1, "%r shown %d times:\n%s" % (t, view.count(t), view)
        n = query_db(db, "SELECT count(*) FROM messages WHERE body = ?", (t,))[0][0]
        assert n == 1, "%r logged %d times" % (t, n)
    app.assert_alive()
