# SPDX-License-Identifier: GPL-3.0-or-later
"""`backchat remote`: a script (a softphone hook) runs /commands in the
backchat that is running, through its private control socket."""

import os
import socket
import stat
import subprocess

from harness import require_backchat
from test_protocol_roster import ALICE_FULL, bob_sees_alice_online


def _remote(home, *args, timeout=15):
    env = home.env()
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    try:
        return subprocess.run([require_backchat(), "remote"] + list(args), env=env,
                              cwd=home.home, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError("backchat remote %s did not exit within %d s"
                             % (" ".join(args), timeout))


def _show(r):
    return "exit %d, stdout %r, stderr %r" % (r.returncode, r.stdout, r.stderr)


def _raw(path, data):
    """Sends bytes on the socket as any program could; returns the answer."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect(path)
        s.sendall(data)
        out = b""
        while True:
            b = s.recv(4096)
            if not b:
                return out.decode("utf-8", "replace")
            out += b
    finally:
        s.close()


def test_remote_status_errors_and_socket(server, home, app, peers):
    bob = bob_sees_alice_online(server, home, app, peers)

    # The socket and its directory are readable by the user only.
    sock = os.path.join(home.runtime, "backchat", "test.sock")
    st = os.lstat(sock)
    assert stat.S_ISSOCK(st.st_mode), "%s is not a socket" % sock
    assert stat.S_IMODE(st.st_mode) == 0o600, "socket mode %o" % stat.S_IMODE(st.st_mode)
    mode = stat.S_IMODE(os.stat(os.path.dirname(sock)).st_mode)
    assert mode == 0o700, "socket directory mode %o" % mode

    # A call starts: the hook sets away with a message (the default account,
    # arguments joined); the contact sees it, and so does the status line.
    n = len(bob.details)
    r = _remote(home, "/status", "away", "At", "lunch")
    assert r.returncode == 0, _show(r)
    assert "away" in r.stdout and "At lunch" in r.stdout, _show(r)
    got = bob.wait(lambda: [d for d in bob.details[n:] if d[0] == ALICE_FULL and
                            d[2] == "away"], "away presence after backchat remote")
    assert got[-1][3] == "At lunch", got
    app.wait_for("At lunch", timeout=5, region="status")

    # A command that fails: exit 1 and the reason.
    r = _remote(home, "--account", "test", "/nosuchcommand")
    assert r.returncode == 1, _show(r)
    assert "Unknown command /nosuchcommand" in r.stderr, _show(r)

    # Plain text is refused (it would be sent to whatever tab is open),
    # by the client and by the socket itself.
    r = _remote(home, "hello", "bob")
    assert r.returncode == 64, _show(r)
    assert "commands start with /" in r.stderr, _show(r)
    answer = _raw(sock, b"hello bob\n")
    assert answer.startswith("error: commands start with /"), answer
    answer = _raw(sock, b"/" + b"x" * 5000 + b"\n")
    assert answer.startswith("error: the command is longer than 4096 bytes"), answer

    # Nothing running for another account.
    r = _remote(home, "--account", "other", "/status", "online")
    assert r.returncode == 2, _show(r)
    want = "no backchat is running for account other (no control socket at %s)" % \
        os.path.join(home.runtime, "backchat", "other.sock")
    assert want in r.stderr, _show(r)

    # Usage and help.
    r = _remote(home)
    assert r.returncode == 64, _show(r)
    r = _remote(home, "--help")
    assert r.returncode == 0 and "Usage: backchat remote" in r.stdout, _show(r)

    # The client still works from the keyboard, and /quit from a script
    # answers, ends backchat and removes the socket.
    app.assert_alive()
    r = _remote(home, "/quit")
    assert r.returncode == 0, _show(r)
    status = app.wait_exit(timeout=10)
    assert status == 0, "backchat exited with %r after remote /quit" % status
    assert not os.path.exists(sock), "the control socket is left after exit"
    r = _remote(home, "/status", "online")
    assert r.returncode == 2, _show(r)
