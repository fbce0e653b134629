# SPDX-License-Identifier: GPL-3.0-or-later
"""Everything backchat writes about the user is readable by the user only,
and the password never reaches the debug log."""

import base64
import os
import re
import stat

from harness import trust_and_connect, wait_db


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_files_are_private_and_the_debug_log_has_no_password(server, home, app, bob):
    debug = os.path.join(home.dir, "debug.log")
    app.env["BACKCHAT_DEBUG_LOG"] = debug
    home.write_account(server)
    trust_and_connect(app, server)
    bob.send("alice@localhost", "private-files")
    app.wait_for(re.compile(r"(?<![\w:])2:bob\(1\)"), timeout=10, region="status")
    wait_db(home.log_db(), "SELECT COUNT(*) FROM messages WHERE body = 'private-files'",
            until=lambda r: r and r[0][0] == 1, timeout=5)
    app.type_line("/layout save privacy")
    app.wait_for("privacy", timeout=5, region="view")

    files = [home.accounts_path, home.log_db(), home.pin_path(), debug,
             os.path.join(home.data, "backchat", "layouts"),
             os.path.join(home.runtime, "backchat", "test.sock")]
    for extra in ("-wal", "-shm"):
        if os.path.exists(home.log_db() + extra):
            files.append(home.log_db() + extra)
    for path in files:
        assert os.path.exists(path), "missing %s" % path
        assert _mode(path) & 0o077 == 0, "%s is mode %o" % (path, _mode(path))
    for d in (os.path.join(home.config, "backchat"), os.path.join(home.data, "backchat"),
              home.account_dir(), os.path.join(home.runtime, "backchat")):
        assert _mode(d) & 0o077 == 0, "%s is mode %o" % (d, _mode(d))

    password = server.users["alice"]
    with open(debug, "rb") as f:
        log = f.read()
    assert b"private-files" in log, "the debug log recorded nothing"
    for secret in (password.encode(),
                   base64.b64encode(b"\0alice\0" + password.encode()),
                   base64.b64encode(b"alice\0" + password.encode())):
        assert secret not in log, "the password reached the debug log"
    app.assert_alive()
