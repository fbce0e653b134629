# SPDX-License-Identifier: GPL-3.0-or-later
"""Certificate trust: first contact with a self-signed server, pinning it
with /tls trust, and refusing a changed certificate later."""

import os
import re
import time

from harness import (UNTRUSTED_TEXT, file_mode, fingerprint_after_label,
                     norm_fp, state_re, trust_and_connect)

AUTH_LINE = "Authenticated as alice@localhost"


def _auth_count(srv):
    try:
        with open(srv.log_path, errors="replace") as f:
            return sum(1 for line in f if AUTH_LINE in line)
    except FileNotFoundError:
        return 0


def test_trust_and_connect(server, home, app):
    home.write_account(server)
    with open(home.accounts_path, "rb") as f:
        accounts_before = f.read()
    st_before = os.stat(home.accounts_path)

    app.start()
    scr = app.wait_for(UNTRUSTED_TEXT, timeout=15)
    scr = app.wait_for("/tls deny", timeout=5)
    for word in ("Subject", "Issuer", "SHA-256:", "/tls trust", "/tls deny"):
        assert word in scr, "%r not in the certificate notice:\n%s" % (word, scr)
    # Validity dates (e.g. 2025-01-31, Jan 31 12:00:00 2025 GMT, ...).
    assert re.search(r"\b20\d\d\b", scr), "no validity dates shown:\n" + scr
    shown = fingerprint_after_label(scr)
    want = norm_fp(server.cert_sha256())
    assert shown and shown.startswith(want), \
        "SHA-256 on screen %r is not the server's %s" % (shown, server.cert_sha256())
    app.wait_status("untrusted certificate", timeout=5)
    # Not connected, and the password was never used on the untrusted link.
    assert not state_re("connected").search(app.status()), app.status()
    assert _auth_count(server) == 0, "client authenticated before the cert was trusted"
    assert not os.path.exists(home.pin_path()), "pinned before /tls trust"

    app.type_line("/tls trust")
    app.wait_status("connected", timeout=15)
    assert _auth_count(server) >= 1

    pin = home.pin_path()
    assert os.path.isfile(pin), "no pin file at %s" % pin
    assert file_mode(pin) == 0o600, "pin file mode %o, want 600" % file_mode(pin)
    d = os.path.dirname(pin)
    assert file_mode(d) == 0o700, "%s mode %o, want 700" % (d, file_mode(d))
    pins = home.read_pins()
    assert "localhost" in pins, "no [localhost] group in pin file: %r" % pins
    assert norm_fp(pins["localhost"].get("sha256", "")) == want, \
        "pinned %r, server has %s" % (pins["localhost"], server.cert_sha256())

    with open(home.accounts_path, "rb") as f:
        assert f.read() == accounts_before, "accounts file was modified"
    assert os.stat(home.accounts_path).st_mtime_ns == st_before.st_mtime_ns, \
        "accounts file was rewritten"


def test_cert_changed(server, home, app):
    home.write_account(server)
    trust_and_connect(app, server)
    old_fp = server.cert_sha256()
    pinned = open(home.pin_path(), "rb").read()

    # Leave cleanly, then bring the server back on the same port with a new
    # certificate for the same name.
    app.type_line("/quit")
    status = app.wait_exit(timeout=10)
    assert status == 0, "/quit exited with status %r" % (status,)
    server.shutdown()
    server.new_cert()
    assert server.cert_sha256() != old_fp
    server.start()
    auths = _auth_count(server)

    app.restart()
    scr = app.wait_for("CERTIFICATE CHANGED", timeout=15)
    # The refusal must stick: give it time to (wrongly) go on.
    time.sleep(2)
    scr = app.screen()
    assert not state_re("connected").search(app.status(scr)), \
        "connected despite a changed certificate:\n" + scr
    assert _auth_count(server) == auths, "client authenticated against the changed cert"
    assert open(home.pin_path(), "rb").read() == pinned, "the pin was replaced silently"
    app.assert_alive()
