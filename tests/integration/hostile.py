# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for the hostile server/peer suite (test_hostile.py).

    evil        fixture: the test's Prosody, restarted with two external
                components (XEP-0114) a test can speak raw XML through:
                "evil.localhost" and an IDN look-alike "аpple.localhost"
                (Cyrillic а).  A component may put any JID of its own
                domain in 'from' (any resource, any local part), so it
                plays the hostile remote server.  The c2s stanza limit is
                raised to 2 MiB so that a 1 MB body can be sent by a peer.
    Component   a raw XEP-0114 connection: send(xml), wait(regex), closed
    PtyCapture  every byte backchat writes to its pty (tmux pipe-pane) and
                the check that no escape sequence from remote text is in it
"""

import hashlib
import os
import re
import socket
import threading
import time

from harness import fixture

EVIL = "evil.localhost"
IDN = "\u0430pple.localhost"          # Cyrillic a: looks like apple.localhost
SECRET = "hostile-secret"

# Escape sequences and characters that must never reach the terminal from
# remote text.  ncurses' own CSI (ESC [) is fine.
FORBIDDEN = [
    (b"\x1b]", "OSC (ESC ])"),
    (b"\x1bP", "DCS (ESC P)"),
    (b"\x1b_", "APC (ESC _)"),
    (b"\x1b^", "PM (ESC ^)"),
    (b"\x1bX", "SOS (ESC X)"),
] + [(bytes([0xC2, b]), "C1 control U+%04X" % b) for b in range(0x80, 0xA0)] + [
    (chr(c).encode(), "bidi control U+%04X" % c)
    for c in list(range(0x202A, 0x202F)) + list(range(0x2066, 0x206A))
] + [
    ("\u2028".encode(), "LINE SEPARATOR U+2028"),
    ("\u2029".encode(), "PARAGRAPH SEPARATOR U+2029"),
]


@fixture
def evil(server):
    """Restart the test's server with the hostile components."""
    port = _free_port()
    server.extra_config = (
        "component_ports = { %d }\n"
        "component_interfaces = { \"127.0.0.1\" }\n"
        "c2s_stanza_size_limit = 2*1024*1024\n"
        "component_stanza_size_limit = 2*1024*1024\n"
        "Component \"%s\"\n    component_secret = \"%s\"\n"
        "Component \"%s\"\n    component_secret = \"%s\"\n"
        % (port, EVIL, SECRET, IDN, SECRET))
    server.write_config()
    server.shutdown()
    server.start()
    server.component_port = port
    yield server


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Component:
    """A raw component stream: whatever we write is what Prosody gets."""

    def __init__(self, srv, domain=EVIL, timeout=10):
        self.domain = domain
        self.sock = socket.create_connection(("127.0.0.1", srv.component_port),
                                             timeout=timeout)
        self.sock.settimeout(None)
        self.buf = b""
        self.closed = False
        self._cond = threading.Condition()
        self._pos = 0
        threading.Thread(target=self._reader, daemon=True).start()
        self.send("<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' "
                  "xmlns:stream='http://etherx.jabber.org/streams' to='%s'>" % domain)
        m = self.wait(rb"<stream:stream[^>]*\bid=['\"]([^'\"]+)", timeout)
        digest = hashlib.sha1(m.group(1) + SECRET.encode()).hexdigest()
        self.send("<handshake>%s</handshake>" % digest)
        self.wait(rb"<handshake\s*/>|<handshake></handshake>", timeout)

    def _reader(self):
        try:
            while True:
                d = self.sock.recv(65536)
                if not d:
                    break
                with self._cond:
                    self.buf += d
                    self._cond.notify_all()
        except OSError:
            pass
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.sock.sendall(data)

    def wait(self, pattern, timeout=10, since=0):
        """The first match of the bytes regex in what we received (from
        offset `since`); fails after timeout."""
        rx = re.compile(pattern, re.S) if isinstance(pattern, bytes) else pattern
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                m = rx.search(self.buf, since)
                if m:
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or (self.closed and not rx.search(self.buf, since)):
                    if self.closed and left > 0:
                        raise AssertionError("component %s: stream closed, no %r; got ...%r"
                                             % (self.domain, rx.pattern, self.buf[-600:]))
                    raise AssertionError("component %s: no %r within %.0f s; got ...%r"
                                         % (self.domain, rx.pattern, timeout, self.buf[-600:]))
                self._cond.wait(min(left, 0.2))

    def wait_closed(self, timeout=5):
        deadline = time.monotonic() + timeout
        with self._cond:
            while not self.closed and time.monotonic() < deadline:
                self._cond.wait(0.2)
            return self.closed

    @property
    def mark(self):
        with self._cond:
            return len(self.buf)

    def close(self):
        try:
            if not self.closed:
                self.send("</stream:stream>")
        except OSError:
            pass
        try:
            self.sock.close()
        except OSError:
            pass


class PtyCapture:
    """Everything backchat writes to its terminal, byte for byte."""

    def __init__(self, app, home):
        self.app = app
        self.path = os.path.join(home.dir, "pty-hostile.raw")
        app.tmux("pipe-pane", "-t", app.target, "-o", "cat >> '%s'" % self.path)

    def data(self):
        try:
            with open(self.path, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return b""

    def check(self, min_bytes=1000):
        data = self.data()
        assert len(data) >= min_bytes, "pipe-pane captured only %d bytes" % len(data)
        # backchat's own window title (fixed text: the unread count while
        # notifications fall back to the bell) is the one OSC it may write.
        data = re.sub(rb"\x1b\]0;backchat(?: \(\d+\))?\x07", b"", data)
        found = []
        for seq, what in FORBIDDEN:
            i = data.find(seq)
            if i >= 0:
                found.append("%s at byte %d: ...%r..." % (what, i, data[max(0, i - 60):i + 40]))
        assert not found, "escape sequences reached the terminal:\n  " + "\n  ".join(found)
        return len(data)

    def stop(self):
        self.app.tmux("pipe-pane", "-t", self.app.target)


def xml_escape(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("'", "&apos;").replace('"', "&quot;"))


class Report:
    """What each kind of input did; printed at the end of a test (run.py
    shows captured output with -v) and collected in REPORT."""

    def __init__(self):
        self.rows = []

    def add(self, kind, observed):
        self.rows.append((kind, observed))
        REPORT.append((kind, observed))

    def __str__(self):
        return "\n".join("  %-40s %s" % r for r in self.rows)


REPORT = []
