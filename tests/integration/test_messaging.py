# SPDX-License-Identifier: GPL-3.0-or-later
"""Chat with a scripted peer: receive, switch tab, reply, /msg, the log."""

import re

from harness import trust_and_connect, wait_db


def test_receive_reply_log(server, home, app, bob):
    home.write_account(server)
    trust_and_connect(app, server)

    bob.send("alice@localhost", "hello from bob")
    app.wait_for(re.compile(r"(?<![\w:])2:bob\(1\)"), timeout=10, region="status")

    app.send_keys("M-2")
    app.wait_for(re.compile(r"\b\d\d:\d\d bob: hello from bob"), timeout=5, region="view")
    # Reading the tab clears its unread mark.
    app.wait_for(re.compile(r"2:bob\(\d+\)"), timeout=5, region="status", absent=True)

    app.type_line("hi bob, on it")
    m = bob.wait_for_message("hi bob, on it", sender="alice@localhost", timeout=10)
    assert m.type == "chat", m
    app.wait_for(re.compile(r"\b\d\d:\d\d alice: hi bob, on it"), timeout=5, region="view")

    db = home.log_db()
    rows = wait_db(db, "SELECT dir, conv, sender, type FROM messages WHERE body = ?",
                   ("hello from bob",), timeout=5)
    assert len(rows) == 1, "incoming message logged %d times: %r" % (len(rows), rows)
    d, conv, sender, _ = rows[0]
    assert d == 0 and conv == "bob@localhost", rows
    assert sender and sender.startswith("bob@localhost"), rows
    rows = wait_db(db, "SELECT dir, conv, sender FROM messages WHERE body = ?",
                   ("hi bob, on it",), timeout=5)
    assert len(rows) == 1, "outgoing message logged %d times: %r" % (len(rows), rows)
    assert rows[0][0] == 1 and rows[0][1] == "bob@localhost", rows


def test_msg_command(server, home, app, bob):
    home.write_account(server)
    trust_and_connect(app, server)

    app.type_line("/msg bob@localhost ping")
    m = bob.wait_for_message(re.compile(r"^ping$"), sender="alice@localhost", timeout=10)
    assert m.type == "chat", m
    app.wait_for(re.compile(r"(?<![\w:])2:bob\b"), timeout=5, region="status")
    app.send_keys("M-2")        # whether or not /msg already switched to it
    app.wait_for(re.compile(r"\b\d\d:\d\d alice: ping"), timeout=5, region="view")

    # The answer lands in the same tab; /close closes it.
    bob.send("alice@localhost", "pong")
    app.wait_for(re.compile(r"\b\d\d:\d\d bob: pong"), timeout=10, region="view")
    app.type_line("/close")
    app.wait_for(re.compile(r"(?<![\w:])2:bob\b"), timeout=5, region="status", absent=True)
    app.assert_alive()
