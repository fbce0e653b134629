# SPDX-License-Identifier: GPL-3.0-or-later
"""No authentication without TLS: a server that offers SASL PLAIN in the
clear (no STARTTLS) never gets the password, and backchat says why."""

import socket
import threading

from harness import state_re

# A stream as a server without TLS would open it: features with PLAIN
# authentication and no <starttls/>.
STREAM_HEAD = (b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
               b"xmlns:stream='http://etherx.jabber.org/streams' id='plain1' "
               b"from='localhost' version='1.0'>")
FEATURES = (b"<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
            b"<mechanism>PLAIN</mechanism></mechanisms></stream:features>")


class PlaintextServer:
    """Accepts connections, answers the stream header with PLAIN-only
    features, and records every byte the client sends."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received = bytearray()
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _serve(self, conn):
        conn.settimeout(0.2)
        sent_head = False
        try:
            while not self._stop.is_set():
                try:
                    data = conn.recv(4096)
                except socket.timeout:
                    continue
                if not data:
                    return
                self.received += data
                if not sent_head and b"<stream:stream" in self.received:
                    conn.sendall(STREAM_HEAD + FEATURES)
                    sent_head = True
        except OSError:
            return
        finally:
            conn.close()

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def close(self):
        self._stop.set()
        self.sock.close()
        self._thread.join(timeout=2)


def test_plaintext_server_never_gets_the_password(server, home, app):
    fake = PlaintextServer()
    try:
        home.write_account(server, port=fake.port)
        app.start()
        # The connection fails; it is not taken over in the clear.
        app.wait_status("disconnected", timeout=15)
        app.wait_for("does not offer TLS", timeout=5)
        assert fake.connections >= 1, "backchat never reached the test server"
        assert b"<auth" not in bytes(fake.received), \
            "credentials sent without TLS: %r" % bytes(fake.received)[:400]
        password = server.users["alice"].encode()
        assert password not in bytes(fake.received)
        assert not state_re("connected").search(app.status()), app.status()
        # It did not start reconnecting by itself either: the stream was
        # never up.
        assert "reconnecting" not in app.status()
        app.assert_alive()
    finally:
        fake.close()
