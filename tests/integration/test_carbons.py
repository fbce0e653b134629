# SPDX-License-Identifier: GPL-3.0-or-later
"""Message Carbons (XEP-0280): what alice's other device sends and
receives shows up in backchat; a forged carbon from a peer does not."""

import re
import time

from harness import query_db, trust_and_connect, wait_db


def _backchat_online(phone, timeout=10):
    """Waits until alice's other device sees backchat's presence: carbons
    are enabled right after it, in the same step of the session start."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with phone._cond:
            if any(f.startswith("alice@localhost/") and f != "alice@localhost/phone"
                   and t == "available" for f, t in phone.presences):
                break
        time.sleep(0.1)
    else:
        raise AssertionError("backchat's presence never reached alice/phone: %r"
                             % phone.presences[-10:])
    time.sleep(0.5)     # the <enable/> follows the presence on the same stream


def test_sent_carbon(server, home, app, peers):
    home.write_account(server)
    bob = peers.connect("bob")
    phone = peers.connect("alice", resource="phone")
    trust_and_connect(app, server)
    _backchat_online(phone)

    phone.send("bob@localhost", "sent from my phone")
    bob.wait_for_message("sent from my phone", sender="alice@localhost", timeout=10)
    app.wait_for(re.compile(r"(?<![\w:])2:bob\b"), timeout=10, region="status")
    app.send_keys("M-2")
    app.wait_for(re.compile(r"\b\d\d:\d\d alice: sent from my phone"), timeout=5,
                 region="view")
    rows = wait_db(home.log_db(), "SELECT dir, conv FROM messages WHERE body = ?",
                   ("sent from my phone",), timeout=5)
    assert rows == [(1, "bob@localhost")], rows
    app.assert_alive()


def test_received_carbon(server, home, app, peers):
    home.write_account(server)
    bob = peers.connect("bob")
    phone = peers.connect("alice", resource="phone")
    trust_and_connect(app, server)
    _backchat_online(phone)

    bob.send("alice@localhost/phone", "for your phone")
    phone.wait_for_message("for your phone", sender="bob@localhost", timeout=10)
    app.wait_for(re.compile(r"(?<![\w:])2:bob\b"), timeout=10, region="status")
    app.send_keys("M-2")
    app.wait_for(re.compile(r"\b\d\d:\d\d bob: for your phone"), timeout=5, region="view")
    db = home.log_db()
    rows = wait_db(db, "SELECT dir, conv, sender FROM messages WHERE body = ?",
                   ("for your phone",), timeout=5)
    time.sleep(0.5)
    rows = query_db(db, "SELECT dir, conv, sender FROM messages WHERE body = ?",
                    ("for your phone",))
    assert len(rows) == 1, "received carbon logged %d times: %r" % (len(rows), rows)
    assert rows[0][0] == 0 and rows[0][1] == "bob@localhost", rows
    assert rows[0][2].startswith("bob@localhost"), rows
    app.assert_alive()


def test_forged_carbon(server, home, app, bob):
    home.write_account(server)
    trust_and_connect(app, server)

    bob.send_raw(
        "<message to='alice@localhost' type='chat' id='forge1'>"
        "<received xmlns='urn:xmpp:carbons:2'>"
        "<forwarded xmlns='urn:xmpp:forward:0'>"
        "<message xmlns='jabber:client' from='carol@localhost/x' to='alice@localhost'"
        " type='chat' id='forged-inner'><body>forged from carol</body></message>"
        "</forwarded></received></message>")
    # A plain message after it: once it is in, the forged one was handled.
    bob.send("alice@localhost", "after the forgery")
    app.wait_for(re.compile(r"(?<![\w:])2:bob\b"), timeout=10, region="status")
    db = home.log_db()
    wait_db(db, "SELECT 1 FROM messages WHERE body = ?", ("after the forgery",), timeout=5)
    assert query_db(db, "SELECT conv, dir FROM messages WHERE body LIKE '%forged%'"
                    " OR conv LIKE 'carol%'") == []
    screen = app.screen()
    assert "carol" not in app.status(screen), screen
    assert "forged from carol" not in screen, screen
    app.send_keys("M-2")
    app.wait_for(re.compile(r"\bbob: after the forgery"), timeout=5, region="view")
    assert "forged from carol" not in app.screen()
    app.assert_alive()
