# SPDX-License-Identifier: GPL-3.0-or-later
"""Self-checks of the harness itself (no backchat needed): the private
Prosody, the slixmpp peers and the tmux driver."""

import os
import re
import subprocess

from peer import Peer, PeerError
from tmuxdrv import Tmux, ScreenTimeout


def test_harness_selfcheck(server, peers):
    # Two independent peers exchange messages through our Prosody.
    alice = peers.connect("alice")
    bob = peers.connect("bob")
    bob.send("alice@localhost", "hello from bob")
    m = alice.wait_for_message("hello from bob", sender="bob@localhost", timeout=10)
    assert m.type == "chat", m
    alice.send("bob@localhost", "hi bob ✓")
    bob.wait_for_message(re.compile(r"^hi bob ✓$"), sender="alice@localhost", timeout=10)

    # The server refuses a wrong password, and an untrusting peer refuses
    # the self-signed certificate (so the cert really is untrusted).
    try:
        bad = Peer("carol@localhost", "wrong", server.port, cafile=server.cert_path)
        peers.peers.append(bad)
        bad.start(timeout=10)
        raise AssertionError("wrong password was accepted")
    except PeerError as e:
        assert "authentication failed" in str(e), e
    try:
        strict = Peer("carol@localhost", server.users["carol"], server.port)
        peers.peers.append(strict)
        strict.start(timeout=10)
        raise AssertionError("self-signed certificate was trusted by default")
    except PeerError as e:
        assert "certificate" in str(e), e

    # cert_sha256() agrees with openssl.
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256",
                          "-in", server.cert_path], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out.split("=", 1)[1] == server.cert_sha256(), (out, server.cert_sha256())

    # Files: private dir, key not world-readable.
    assert os.stat(server.dir).st_mode & 0o077 == 0
    assert os.stat(server.key_path).st_mode & 0o077 == 0

    # Restart "in the same position" with a new certificate.
    old_fp, port = server.cert_sha256(), server.port
    server.kill()
    assert not server.running()
    server.new_cert()
    server.start()
    assert server.port == port
    assert server.cert_sha256() != old_fp
    carol = peers.connect("carol")
    carol.send("alice@localhost", "after restart")
    # alice's session was cut by the kill; a fresh alice gets it from
    # offline storage.
    alice2 = peers.connect("alice", resource="again")
    alice2.wait_for_message("after restart", timeout=10)


def test_tmux_selfcheck():
    env = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "HOME": "/nonexistent-home"}
    script = 'stty size; echo "TERM=$TERM LANG=$LANG HOME=$HOME"; exec cat -v'
    t = Tmux(["sh", "-c", script], env=env)
    try:
        t.start()
        scr = t.wait_for("TERM=xterm-256color LANG=C.UTF-8 HOME=/nonexistent-home", timeout=5)
        assert scr.split("\n")[0] == "40 120", scr.split("\n")[0]
        assert len(t.lines()) == 40
        t.send_keys("M-2", "PPage", "Enter")
        t.wait_for("^[2^[[5~", timeout=5)
        t.type_line("Enter -l héllo ✓")       # literal text, not keys
        t.wait_for(re.compile(r"^Enter -l héllo ✓$", re.M), timeout=5)
        try:
            t.wait_for("never shown", timeout=0.3)
            raise AssertionError("wait_for did not time out")
        except ScreenTimeout as e:
            assert "last screen" in str(e)
        t.send_keys("C-d")
        st = t.wait_exit(5)
        assert st == 0, "cat -v exited with %r" % (st,)
        pid = t.server_pid
    finally:
        t.kill()
    assert not t.alive()
    assert not os.path.exists("/proc/%d/cmdline" % pid) or \
        open("/proc/%d/cmdline" % pid, "rb").read() == b"", "tmux server still running"
