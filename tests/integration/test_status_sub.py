# SPDX-License-Identifier: GPL-3.0-or-later
"""Own status over time and subscriptions, as a person uses them: a timed
status that reverts by itself (seen by a peer and in the status line),
and a subscription request answered from the console in both
directions."""

import re

from test_protocol_roster import (ALICE, ALICE_FULL, bob_sees_alice_online, connect,
                                  pep_peer, roster_shows)


def test_timed_status_reverts(server, home, app, peers):
    bob = bob_sees_alice_online(server, home, app, peers)

    # Lunch for a few seconds: the peer sees away + "At Lunch" and the
    # activity; the status line counts down.
    n = len(bob.details)
    app.type_line("/status lunch 8s")
    app.wait_for(re.compile(r"At Lunch \(\d+m left\)"), timeout=5, region="status")
    got = bob.wait(lambda: [d for d in bob.details[n:] if d[0] == ALICE_FULL and
                            d[2] == "away"], "away presence from alice")
    assert got[-1][3] == "At Lunch", got
    bob.wait(lambda: [a for a in bob.activities if a[0] == ALICE and a[1] == "eating"],
             "eating activity from alice")

    # Then it ends by itself: the console says so, the peer sees available
    # again with the activity cleared, the status line no longer counts.
    n, na = len(bob.details), len(bob.activities)
    bob.wait(lambda: [d for d in bob.details[n:] if d[0] == ALICE_FULL and
                      d[1] == "available" and not d[2]], "alice available again",
             timeout=20)
    bob.wait(lambda: [a for a in bob.activities[na:] if a[0] == ALICE and a[1] is None],
             "cleared activity from alice")
    app.send_keys("M-1")
    app.wait_for(re.compile(r'timed status "At Lunch" ended'), timeout=5, region="view")
    app.wait_for("left)", timeout=5, region="status", absent=True)

    # A timed status survives a reconnection: it is still in force after
    # /disconnect and /connect, and the peer sees it again.
    app.type_line("/status meeting 1h")
    app.wait_for(re.compile(r"In a Meeting \((59m|1h00) left\)"), timeout=5, region="status")
    app.type_line("/disconnect")
    app.wait_status("offline", timeout=10)
    n = len(bob.details)
    app.type_line("/connect")
    app.wait_status("connected", timeout=15)
    got = bob.wait(lambda: [d for d in bob.details[n:] if d[0] == ALICE_FULL and
                            d[2] == "dnd"], "dnd presence after reconnect")
    assert got[-1][3] == "In a Meeting", got
    app.wait_for("In a Meeting (", timeout=5, region="status")


def test_bad_status_words(server, home, app):
    home.write_account(server)
    from harness import trust_and_connect
    trust_and_connect(app, server)
    app.type_line("/status lunch 10x")
    # "10x" is not a duration, so it is the status message: accepted.
    app.wait_for('You are now: At Lunch', timeout=5, region="view")
    app.type_line("/status nosuch")
    app.wait_for(re.compile(r'no status "nosuch": use available, chat, away, xa, dnd'),
                 timeout=5, region="view")
    app.type_line("/status lunch until 25:00")
    app.wait_for("not a time of day", timeout=5, region="view")
    app.type_line("/status")
    app.wait_for(re.compile(r"F6\s+call\s+On a Call"), timeout=5, region="view")


def test_subscription_round_trip(server, home, app, peers):
    connect(app, server, home)
    carol = pep_peer(server, peers, "carol")

    # carol asks to see alice's presence: the console shows the request,
    # /sub pending lists it, /sub allow answers it.
    carol._call(lambda: carol.xmpp.send_presence_subscription(pto=ALICE))
    app.send_keys("M-1")
    app.wait_for("carol@localhost asks to see your presence", timeout=10, region="view")
    app.type_line("/sub pending")
    app.wait_for(re.compile(r"carol@localhost asks to see your presence \(/sub allow"),
                 timeout=5, region="view")
    app.type_line("/sub allow carol@localhost")
    app.wait_for("carol@localhost may now see your presence", timeout=5, region="view")
    carol.wait(lambda: [d for d in carol.details if d[0].startswith(ALICE) and
                        d[1] == "available"], "alice's presence after /sub allow", timeout=10)

    # alice asks back; carol's client accepts (slixmpp auto-authorizes),
    # and carol shows up in alice's roster as a two-way subscription.
    app.type_line("/roster add carol@localhost Carol Support")
    app.type_line("/sub request carol@localhost")
    app.wait_for("Asked carol@localhost to share their presence", timeout=5, region="view")
    line = roster_shows(app, "carol@localhost", ["Carol", "online", "[Support]"], timeout=15)
    assert "asks to subscribe" not in line, line
    app.type_line("/info carol@localhost")
    app.wait_for(re.compile(r"subscription: both"), timeout=10, region="view")

    # /sub cancel: alice stops following carol; carol goes offline for alice.
    app.type_line("/sub cancel carol@localhost")
    app.wait_for("You no longer follow carol@localhost's presence", timeout=5, region="view")
    roster_shows(app, "carol@localhost", ["offline"], timeout=10)
    app.assert_alive()


def test_preset_key_seen_by_peer(server, home, app, peers):
    bob = bob_sees_alice_online(server, home, app, peers)
    # F6 is "On a Call": busy, with the activity talking/on_the_phone.
    n, na = len(bob.details), len(bob.activities)
    app.send_keys("F6")
    app.wait_for("On a Call", timeout=5, region="status")
    got = bob.wait(lambda: [d for d in bob.details[n:] if d[0] == ALICE_FULL and
                            d[2] == "dnd"], "dnd presence after F6")
    assert got[-1][3] == "On a Call", got
    act = bob.wait(lambda: [a for a in bob.activities[na:] if a[0] == ALICE and
                            a[1] == "talking"], "talking activity after F6")
    assert act[-1][2] == "on_the_phone", act
    # F1 brings back plain available, with the activity cleared.
    n, na = len(bob.details), len(bob.activities)
    app.send_keys("F1")
    bob.wait(lambda: [d for d in bob.details[n:] if d[0] == ALICE_FULL and
                      d[1] == "available" and not d[2]], "available after F1")
    bob.wait(lambda: [a for a in bob.activities[na:] if a[0] == ALICE and a[1] is None],
             "cleared activity after F1")
