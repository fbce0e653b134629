# SPDX-License-Identifier: GPL-3.0-or-later
"""Scripted XMPP peers (slixmpp) for the integration tests.

Each Peer runs a slixmpp ClientXMPP on its own asyncio loop in a background
thread.  The test thread talks to it through thread-safe calls with bounded
waits:

    bob = Peer("bob@localhost", "pw", port=srv.port, cafile=srv.cert_path)
    bob.start()                       # waits for session_start
    bob.send("alice@localhost", "hello")
    msg = bob.wait_for_message("ping", sender="alice@localhost", timeout=10)
    bob.stop()

The peer is test scaffolding: it trusts the test certificate (cafile) or, if
asked, skips verification.  backchat itself never gets such a bypass.
"""

import asyncio
import logging
import re
import ssl
import threading
import time
from pathlib import Path

import slixmpp

_all_peers = set()


class PeerError(RuntimeError):
    pass


class Message:
    __slots__ = ("sender", "to", "body", "type", "id", "when")

    def __init__(self, sender, to, body, mtype, mid):
        self.sender = sender        # full JID string
        self.to = to
        self.body = body
        self.type = mtype
        self.id = mid
        self.when = time.time()

    @property
    def sender_bare(self):
        return self.sender.split("/", 1)[0]

    def __repr__(self):
        return "<Message from=%s type=%s body=%r>" % (self.sender, self.type, self.body)


def _matcher(pattern):
    if pattern is None:
        return lambda body: True
    if isinstance(pattern, re.Pattern):
        return lambda body: pattern.search(body) is not None
    return lambda body: pattern in body


class Peer:
    def __init__(self, jid, password, port, host="127.0.0.1", cafile=None,
                 verify=True, resource="peer", presence=True, on_message=None,
                 on_presence=None, auto_authorize=True):
        self.jid = jid if "/" in jid else jid + "/" + resource
        self.bare = self.jid.split("/", 1)[0]
        self.password = password
        self.address = (host, port)
        self.cafile = cafile
        self.verify = verify
        self.presence = presence
        self.on_message = on_message        # called in the peer thread
        self.on_presence = on_presence      # called in the peer thread
        self.auto_authorize = auto_authorize
        self.loop = None
        self.xmpp = None
        self.thread = None
        self.messages = []                  # every message received, in order
        self.presences = []                 # (from, type) tuples
        self._consumed = set()
        self._cond = threading.Condition()
        self._ready = threading.Event()
        self._done = threading.Event()
        self._error = None
        self._disconnected = False
        self._stop_event = None

    # -- lifecycle --------------------------------------------------------
    def start(self, timeout=15):
        if self.thread is not None:
            raise PeerError("peer %s already started" % self.jid)
        self.thread = threading.Thread(target=self._run, name="peer-" + self.bare,
                                       daemon=True)
        _all_peers.add(self)
        self.thread.start()
        if not self._ready.wait(timeout):
            self.stop()
            raise PeerError("peer %s: no session within %.0f s (server %s:%d)"
                            % (self.jid, timeout, *self.address))
        if self._error:
            err = self._error
            self.stop()
            raise PeerError("peer %s: %s" % (self.jid, err))
        return self

    def _run(self):
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self.loop = loop
        try:
            x = slixmpp.ClientXMPP(self.jid, self.password)
            x.loop = loop
            self.xmpp = x
            if self.cafile and self.verify:
                x.ca_certs = Path(self.cafile)
            elif not self.verify:
                x.ssl_context.check_hostname = False
                x.ssl_context.verify_mode = ssl.CERT_NONE
            x.roster.auto_authorize = self.auto_authorize
            x.roster.auto_subscribe = self.auto_authorize
            x.add_event_handler("session_start", self._on_session_start)
            x.add_event_handler("message", self._on_message)
            x.add_event_handler("presence", self._on_presence)
            x.add_event_handler("failed_auth", self._on_fail("authentication failed"))
            x.add_event_handler("connection_failed", self._on_fail("connection failed"))
            x.add_event_handler("ssl_invalid_chain", self._on_fail("certificate not trusted"))
            x.add_event_handler("disconnected", self._on_disconnected)
            self._stop_event = asyncio.Event()
            x.connect(address=self.address, force_starttls=True)
            loop.run_until_complete(self._stop_event.wait())
        except Exception as e:          # report, never hang the test
            self._error = self._error or ("%s: %s" % (type(e).__name__, e))
            self._ready.set()
        finally:
            try:
                pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
                for t in pending:
                    t.cancel()
                if pending:
                    loop.run_until_complete(asyncio.wait(pending, timeout=2))
            except Exception:
                pass
            loop.close()
            self._done.set()

    def _on_fail(self, what):
        def handler(event):
            self._error = self._error or "%s (%s)" % (what, event)
            self._ready.set()
            if self.xmpp is not None:
                self.xmpp.disconnect(wait=0)
        return handler

    async def _on_session_start(self, event):
        try:
            if self.presence:
                self.xmpp.send_presence()
            await self.xmpp.get_roster(timeout=10)
        except Exception as e:
            logging.getLogger(__name__).debug("roster: %s", e)
        self._ready.set()

    def _on_message(self, msg):
        if msg["type"] not in ("chat", "normal", "groupchat", "headline"):
            return
        body = msg["body"]
        if not body:
            return
        m = Message(str(msg["from"]), str(msg["to"]), body, msg["type"], msg["id"])
        with self._cond:
            self.messages.append(m)
            self._cond.notify_all()
        if self.on_message:
            try:
                self.on_message(self, m)
            except Exception:
                logging.getLogger(__name__).exception("on_message")

    def _on_presence(self, pres):
        item = (str(pres["from"]), pres["type"])
        with self._cond:
            self.presences.append(item)
            self._cond.notify_all()
        if self.on_presence:
            try:
                self.on_presence(self, item)
            except Exception:
                logging.getLogger(__name__).exception("on_presence")

    def _on_disconnected(self, event):
        self._disconnected = True
        with self._cond:
            self._cond.notify_all()
        if not self._ready.is_set():
            self._error = self._error or "disconnected before session start"
            self._ready.set()
        if self._stop_event is not None and self._stopping:
            self._stop_event.set()

    _stopping = False

    @property
    def connected(self):
        return self._ready.is_set() and not self._error and not self._disconnected

    def stop(self, timeout=5):
        """Disconnect cleanly (closing the stream), bounded by timeout."""
        if self.thread is None:
            return
        self._stopping = True
        loop = self.loop
        if loop is not None and not loop.is_closed():
            def _stop_now():
                if self._stop_event is not None:
                    self._stop_event.set()

            def _go():
                try:
                    if self.xmpp is not None and not self._disconnected:
                        self.xmpp.disconnect(wait=min(2.0, timeout / 2))
                    else:
                        _stop_now()
                except Exception:
                    _stop_now()
                # Hard stop in case the server never answers.
                loop.call_later(timeout * 0.8, _stop_now)
            try:
                loop.call_soon_threadsafe(_go)
            except RuntimeError:
                pass
        self._done.wait(timeout)
        self.thread.join(0.5)
        _all_peers.discard(self)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- actions ----------------------------------------------------------
    def _call(self, fn, *args, timeout=5, **kw):
        """Run fn(*args) on the peer's loop and return its result."""
        if not self.connected:
            raise PeerError("peer %s is not connected (%s)"
                            % (self.jid, self._error or "disconnected"))
        if threading.current_thread() is self.thread:
            return fn(*args, **kw)      # already on the loop (a callback)
        box = {}
        done = threading.Event()

        def _do():
            try:
                box["r"] = fn(*args, **kw)
            except Exception as e:
                box["e"] = e
            done.set()
        self.loop.call_soon_threadsafe(_do)
        if not done.wait(timeout):
            raise PeerError("peer %s: call %s timed out" % (self.jid, fn.__name__))
        if "e" in box:
            raise box["e"]
        return box.get("r")

    def send(self, to, body, mtype="chat"):
        """Send a message; returns its id."""
        def _send():
            m = self.xmpp.make_message(mto=to, mbody=body, mtype=mtype)
            m.send()
            return m["id"]
        return self._call(_send)

    def send_raw(self, xml):
        return self._call(self.xmpp.send_raw, xml)

    def set_presence(self, show=None, status=None, ptype=None):
        kw = {}
        if show:
            kw["pshow"] = show
        if status:
            kw["pstatus"] = status
        if ptype:
            kw["ptype"] = ptype
        return self._call(self.xmpp.send_presence, **kw)

    # -- waits ------------------------------------------------------------
    def wait_for_message(self, text=None, sender=None, timeout=10):
        """Wait for a message whose body contains text (a str) or matches
        it (a compiled regex), optionally from a bare or full JID.  Messages
        that arrived before the call count; each is returned only once."""
        match = _matcher(text)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for i, m in enumerate(self.messages):
                    if i in self._consumed:
                        continue
                    if sender and sender not in (m.sender, m.sender_bare):
                        continue
                    if match(m.body):
                        self._consumed.add(i)
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    got = "\n".join("  %r" % m for m in self.messages[-10:]) or "  (none)"
                    raise PeerError("peer %s: no message matching %r%s within %.1f s; "
                                    "received:\n%s" % (self.jid, text,
                                                       " from " + sender if sender else "",
                                                       timeout, got))
                self._cond.wait(min(left, 0.2))

    def wait_for_presence(self, sender, ptype="available", timeout=10):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for frm, t in self.presences:
                    if (frm == sender or frm.split("/", 1)[0] == sender) and t == ptype:
                        return frm
                left = deadline - time.monotonic()
                if left <= 0:
                    raise PeerError("peer %s: no %s presence from %s within %.0f s; got %r"
                                    % (self.jid, ptype, sender, timeout, self.presences[-10:]))
                self._cond.wait(min(left, 0.2))


def stop_all():
    for p in list(_all_peers):
        try:
            p.stop(timeout=3)
        except Exception:
            pass
