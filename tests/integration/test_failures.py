# SPDX-License-Identifier: GPL-3.0-or-later
"""Things going wrong: a wrong password, the server dying under us."""

import re
import time

from harness import (UNTRUSTED_TEXT, check_help, state_re, trust_and_connect)


def test_wrong_password(server, home, app):
    home.write_account(server, password="not-the-password")
    app.start()
    # The certificate comes first; trusting it lets the login go ahead.
    app.wait_for(UNTRUSTED_TEXT, timeout=15)
    app.type_line("/tls trust")
    app.wait_for("Authentication failed", timeout=15, region="view")
    time.sleep(2)
    app.assert_alive()
    # A refused password is not retried in a loop (servers lock accounts).
    with open(server.log_path, errors="replace") as f:
        attempts = sum(1 for line in f if "Received[c2s_unauthed]: <auth " in line)
    assert 1 <= attempts <= 2, "%d SASL attempts with a wrong password" % attempts
    assert not state_re("connected").search(app.status()), \
        "status says connected after a failed login:\n" + app.screen()
    check_help(app)
    app.assert_alive()


def test_server_killed(server, home, app):
    home.write_account(server)
    trust_and_connect(app, server)
    server.kill()
    # A loss the user did not ask for: backchat says so and keeps trying.
    app.wait_for("Connection lost", timeout=10)
    app.wait_for(re.compile(r"reconnecting in \d+ s"), timeout=10, region="status")
    app.wait_for("Reconnecting failed", timeout=15)
    app.assert_alive()
    check_help(app)
    # /disconnect stops the attempts.
    app.type_line("/disconnect")
    app.wait_for("Stopped reconnecting", timeout=5)
    app.wait_status("offline", timeout=5)
    app.assert_alive()
