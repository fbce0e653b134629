# SPDX-License-Identifier: GPL-3.0-or-later
"""Account settings beyond the plain password."""

from harness import trust_and_connect


def test_eval_password(server, home, app):
    # The password comes from a command (as from `pass` or a keyring tool).
    secret = server.users["alice"]
    home.write_account(server, eval_password="printf '%%s\\n' '%s'" % secret)
    assert "password=" not in open(home.accounts_path).read().replace("eval_password=", "")
    trust_and_connect(app, server)
