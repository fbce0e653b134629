# SPDX-License-Identifier: GPL-3.0-or-later
"""Account settings beyond the plain password."""

import re

from harness import trust_and_connect


def test_eval_password(server, home, app):
    # The password comes from a command (as from `pass` or a keyring tool).
    secret = server.users["alice"]
    home.write_account(server, eval_password="printf '%%s\\n' '%s'" % secret)
    assert "password=" not in open(home.accounts_path).read().replace("eval_password=", "")
    trust_and_connect(app, server)


def test_server_by_name(server, home, app):
    # A server given by name is looked up off the loop thread (a dead name
    # server cannot freeze the client); the certificate is still checked
    # against the JID's domain, and a reconnection reuses the address.
    home.write_account(server)
    with open(home.accounts_path) as f:
        text = f.read()
    assert "server=127.0.0.1\n" in text
    with open(home.accounts_path, "w") as f:
        f.write(text.replace("server=127.0.0.1\n", "server=localhost\n"))
    trust_and_connect(app, server)
    app.type_line("/disconnect")
    app.wait_status("offline", timeout=10)
    app.type_line("/connect")
    app.wait_status("connected", timeout=15)


def test_slow_eval_password_keeps_the_screen_live(server, home, app):
    # A password command that takes its time (a keyring unlocking) runs
    # beside the loop: typing echoes at once, and the login follows.
    secret = server.users["alice"]
    home.write_account(server, eval_password="sleep 2; printf '%%s\\n' '%s'" % secret)
    trust_and_connect(app, server)
    app.type_line("/disconnect")
    app.wait_status("offline", timeout=10)
    app.type_line("/connect")
    app.send_keys("still here")
    app.wait_for("still here", timeout=1, region="input")
    assert not re.search(r"(?<!dis)connected", app.status()), app.status()
    app.send_keys("C-u")
    app.wait_status("connected", timeout=15)
