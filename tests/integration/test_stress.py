# SPDX-License-Identifier: GPL-3.0-or-later
"""Rough conditions: a 10 MB message, a burst of messages while the
terminal is being resized, and the server gone for two minutes."""

import os
import re
import secrets
import time

from harness import PeerFactory, TEST_USERS, trust_and_connect, wait_db
from prosody import Prosody

TEN_MB = 10 * 1024 * 1024


def _server(extra=""):
    users = {u: "%s-%s" % (u, secrets.token_hex(4)) for u in TEST_USERS}
    srv = Prosody(users=users, extra_config=extra)
    srv.users = users
    srv.start()
    return srv


def _echo_within(app, text, seconds):
    """The input line shows what is typed within `seconds`."""
    start = time.monotonic()
    app.send_text(text)
    app.wait_for(text, timeout=seconds, region="input")
    took = time.monotonic() - start
    app.send_keys("C-u")
    return took


def test_ten_megabyte_message(home, app):
    # Prosody refuses stanzas over 256 KiB from clients by default.
    srv = _server("c2s_stanza_size_limit = 16 * 1024 * 1024\n")
    peers = PeerFactory(srv)
    try:
        bob = peers.connect("bob")
        home.write_account(srv)
        trust_and_connect(app, srv)
        body = "big-" + "x" * (TEN_MB - 8) + "-end"
        bob.send("alice@localhost", body)
        app.wait_for(re.compile(r"(?<![\w:])2:bob\(1\)"), timeout=60, region="status")
        app.send_keys("M-2")
        # The screen shows its start and says where the rest is.
        app.wait_for("all of it (/export)]", timeout=10, region="view")
        # The UI keeps up with typing.
        assert _echo_within(app, "still here", 2) < 2
        # The log has all of it.
        rows = wait_db(home.log_db(), "SELECT length(body) FROM messages WHERE body LIKE 'big-%'",
                       until=lambda r: bool(r), timeout=20)
        assert rows[0][0] == len(body), rows
        app.assert_alive()
    finally:
        peers.stop_all()
        srv.stop()


def test_burst_while_resizing(server, home, app, bob):
    home.write_account(server)
    trust_and_connect(app, server)
    bob.send("alice@localhost", "burst-start")
    app.wait_for(re.compile(r"(?<![\w:])2:bob\b"), timeout=10, region="status")
    app.send_keys("M-2")
    sizes = [(80, 24), (132, 43), (40, 12), (100, 30), (60, 20)]
    n = 400
    for i in range(1, n + 1):
        bob.send("alice@localhost", "burst-%03d" % i)
        if i % 10 == 0:
            w, h = sizes[(i // 10) % len(sizes)]
            app.tmux("resize-window", "-t", app.target, "-x", str(w), "-y", str(h))
    app.tmux("resize-window", "-t", app.target, "-x", "120", "-y", "40")
    rows = wait_db(home.log_db(),
                   "SELECT COUNT(DISTINCT body), COUNT(*) FROM messages WHERE body LIKE 'burst-0%' "
                   "OR body LIKE 'burst-1%' OR body LIKE 'burst-2%' OR body LIKE 'burst-3%' "
                   "OR body LIKE 'burst-400'",
                   until=lambda r: r and r[0][0] == n, timeout=30)
    assert rows[0] == (n, n), rows
    # The screen is whole at the final size: the newest line is there.
    app.wait_for("burst-400", timeout=5, region="view")
    for line in app.screen().split("\n"):
        assert len(line) <= 120, "a row wider than the terminal: %r" % line
    app.assert_alive()


def test_server_away_two_minutes(home, app):
    srv = _server()
    peers = PeerFactory(srv)
    try:
        home.write_account(srv)
        # Reconnect attempts at most 10 s apart, so the test ends soon after
        # the server is back; the backoff itself is the same code.
        with open(os.path.join(home.config, "backchat", "config"), "w") as f:
            f.write("[connection]\nreconnect_max_seconds=10\n")
        trust_and_connect(app, srv)
        srv.shutdown()
        app.wait_for(re.compile(r"reconnecting in \d+ s"), timeout=10, region="status")
        time.sleep(120)
        # Still trying, calmly: at most one attempt per backoff step.
        tries = len(re.findall(r"Reconnecting failed", app.screen()))
        assert app.alive()
        srv.start()
        app.wait_status("connected", timeout=20)
        assert tries <= 20, "%d reconnection attempts in two minutes" % tries
        bob = peers.connect("bob")
        bob.send("alice@localhost", "welcome back")
        app.wait_for(re.compile(r"(?<![\w:])2:bob\(1\)"), timeout=10, region="status")
        wait_db(home.log_db(), "SELECT COUNT(*) FROM messages WHERE body = 'welcome back'",
                until=lambda r: r and r[0][0] == 1, timeout=5)
        app.assert_alive()
    finally:
        peers.stop_all()
        srv.stop()


# Two minutes of outage, then the reconnection.
test_server_away_two_minutes.timeout = 200
