# SPDX-License-Identifier: GPL-3.0-or-later
"""A fault-injecting TCP proxy on 127.0.0.1 for the integration tests.

It sits between backchat and the server's c2s port and forwards bytes
unchanged (TLS passes through: the proxy never looks inside), so a test can
break the network under a live session:

    p = Proxy(server.port)              # listens on 127.0.0.1:p.port
    home.write_account(server, port=p.port)
    ...
    p.cut()             # every live connection dropped at once (RST)
    p.cut(rst=False)    # ... or closed with FIN both ways
    p.stall()           # stop moving bytes, keep the sockets: a black hole
    p.resume()
    p.refuse(True)      # new connections are accepted and reset at once
    p.refuse(True, mode="hang")   # ... or never accepted (left in the backlog)
    p.refuse(False)
    p.connections       # connections accepted so far (refused ones included)
    p.live              # connections being forwarded now
    p.close()

One thread runs a selector loop; the test thread talks to it through a
lock and a wake-up socket pair.  close() stops and joins the thread and
closes every socket.  Standard library only.
"""

import errno
import selectors
import socket
import struct
import threading
import time

CHUNK = 65536
MAX_BUFFER = 1 << 20        # stop reading a side while the other lags this much
UPSTREAM_TIMEOUT = 2.0


def _close_rst(sock):
    """Close so that the peer sees a reset, as after a network drop."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def _close_fin(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


class _Side:
    """One socket of a pair and the bytes waiting to be written to it."""
    __slots__ = ("sock", "out", "eof", "shut", "reg")

    def __init__(self, sock):
        self.sock = sock
        self.reg = False        # registered with the selector
        self.out = bytearray()  # to be written to this socket
        self.eof = False        # this socket sent FIN
        self.shut = False       # we sent FIN to this socket


class _Pair:
    __slots__ = ("a", "b", "closed")

    def __init__(self, client, upstream):
        self.a = _Side(client)
        self.b = _Side(upstream)
        self.closed = False

    def other(self, side):
        return self.b if side is self.a else self.a


class Proxy:
    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self._lock = threading.Lock()
        self._sel = selectors.DefaultSelector()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.setblocking(False)
        self.port = self._listener.getsockname()[1]
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._pairs = []
        self._jobs = []
        self._stalled = False
        self._refusing = None           # None, "close" or "hang"
        self._stop = False
        self._accepted = 0
        self._listening = False
        self._sel.register(self._wake_r, selectors.EVENT_READ, ("wake", None))
        self._set_listening(True)
        self._thread = threading.Thread(target=self._run, name="proxy-%d" % self.port,
                                        daemon=True)
        self._thread.start()

    # -- the test's side ----------------------------------------------------
    @property
    def connections(self):
        """How many connections were accepted so far (refused ones too)."""
        with self._lock:
            return self._accepted

    @property
    def live(self):
        """How many connections are being forwarded now."""
        with self._lock:
            return sum(1 for p in self._pairs if not p.closed)

    def _do(self, fn, timeout=5.0):
        """Run fn() in the proxy thread (so it never races the forwarding)
        and wait for it."""
        done = threading.Event()
        box = {}

        def job():
            try:
                box["r"] = fn()
            finally:
                done.set()
        with self._lock:
            if self._stop:
                raise RuntimeError("proxy is closed")
            self._jobs.append(job)
        self._wake()
        if not done.wait(timeout):
            raise RuntimeError("proxy thread did not answer within %.0f s" % timeout)
        return box.get("r")

    def cut(self, rst=True):
        """Drop every live connection, both ways at once: with rst=True
        (SO_LINGER 0) each side sees a reset, like a network drop; with
        rst=False each side gets a FIN.  Buffered bytes are discarded.
        Returns how many connections were cut."""
        def job():
            n = 0
            for p in self._pairs:
                if not p.closed:
                    self._close_pair(p, rst)
                    n += 1
            self._pairs = [p for p in self._pairs if not p.closed]
            return n
        return self._do(job)

    def stall(self):
        """Stop forwarding (bytes pile up in the kernel buffers), keep the
        connections open: the network silently eats everything."""
        def job():
            self._stalled = True
            self._update_all()
        self._do(job)

    def resume(self):
        def job():
            self._stalled = False
            self._update_all()
        self._do(job)

    def refuse(self, on=True, mode="close"):
        """While on: new connections are accepted and reset at once
        (mode="close"), or not accepted at all (mode="hang": the kernel
        queues them in the backlog and the client hears nothing).  Live
        connections are not touched (cut() them)."""
        if mode not in ("close", "hang"):
            raise ValueError("mode must be 'close' or 'hang'")

        def job():
            self._refusing = mode if on else None
            self._set_listening(self._refusing != "hang")
        self._do(job)

    def wait_connections(self, n, timeout=10):
        """Wait until at least n connections have been accepted."""
        deadline = time.monotonic() + timeout
        while self.connections < n:
            if time.monotonic() >= deadline:
                raise AssertionError("proxy: %d connection(s) after %.1f s, wanted %d"
                                     % (self.connections, timeout, n))
            time.sleep(0.05)
        return self.connections

    def close(self):
        """Stop the thread and close every socket (connections with FIN)."""
        with self._lock:
            if self._stop:
                return
            self._stop = True
        self._wake()
        self._thread.join(5)
        for s in (self._wake_r, self._wake_w):
            try:
                s.close()
            except OSError:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- the proxy thread ---------------------------------------------------
    def _wake(self):
        try:
            self._wake_w.send(b"x")
        except OSError:     # full (already woken) or closed
            pass

    def _set_listening(self, on):
        if on and not self._listening:
            self._sel.register(self._listener, selectors.EVENT_READ, ("accept", None))
        elif not on and self._listening:
            self._sel.unregister(self._listener)
        self._listening = on

    def _run(self):
        try:
            while True:
                with self._lock:
                    stop = self._stop
                    jobs, self._jobs = self._jobs, []
                for job in jobs:
                    job()
                if stop:
                    break
                for key, ev in self._sel.select(0.5):
                    what, obj = key.data
                    if what == "wake":
                        try:
                            while self._wake_r.recv(4096):
                                pass
                        except OSError:
                            pass
                    elif what == "accept":
                        self._accept()
                    else:
                        pair, side = obj
                        if not pair.closed:
                            self._service(pair, side, ev)
                self._pairs = [p for p in self._pairs if not p.closed]
        finally:
            for p in self._pairs:
                self._close_pair(p, rst=False)
            self._pairs = []
            self._set_listening(False)
            try:
                self._listener.close()
            except OSError:
                pass
            # Jobs queued after the last turn must not wait forever.
            with self._lock:
                jobs, self._jobs = self._jobs, []
            for job in jobs:
                try:
                    job()
                except Exception:
                    pass
            self._sel.close()

    def _accept(self):
        try:
            client, _ = self._listener.accept()
        except OSError:
            return
        with self._lock:
            self._accepted += 1
        if self._refusing:
            _close_rst(client)
            return
        try:
            upstream = socket.create_connection(self.target, UPSTREAM_TIMEOUT)
        except OSError:
            _close_rst(client)          # the server is down: so are we
            return
        for s in (client, upstream):
            s.setblocking(False)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        p = _Pair(client, upstream)
        self._pairs.append(p)
        self._update(p)

    def _close_pair(self, p, rst):
        if p.closed:
            return
        p.closed = True
        for side in (p.a, p.b):
            if side.reg:
                try:
                    self._sel.unregister(side.sock)
                except (KeyError, ValueError, OSError):
                    pass
                side.reg = False
            (_close_rst if rst else _close_fin)(side.sock)

    def _events(self, p, side):
        if p.closed or self._stalled:
            return 0
        ev = 0
        other = p.other(side)
        if not side.eof and len(other.out) < MAX_BUFFER:
            ev |= selectors.EVENT_READ
        if side.out:
            ev |= selectors.EVENT_WRITE
        return ev

    def _update(self, p):
        for side in (p.a, p.b):
            if p.closed:
                return
            ev = self._events(p, side)
            try:
                # An empty mask is not allowed: a socket with nothing to
                # wait for leaves the selector (no busy loop while stalled).
                if ev and side.reg:
                    self._sel.modify(side.sock, ev, ("io", (p, side)))
                elif ev:
                    self._sel.register(side.sock, ev, ("io", (p, side)))
                    side.reg = True
                elif side.reg:
                    self._sel.unregister(side.sock)
                    side.reg = False
            except (KeyError, ValueError, OSError):
                self._close_pair(p, rst=True)

    def _update_all(self):
        for p in self._pairs:
            self._update(p)

    def _service(self, p, side, ev):
        other = p.other(side)
        if ev & selectors.EVENT_READ:
            try:
                data = side.sock.recv(CHUNK)
            except (BlockingIOError, InterruptedError):
                data = None
            except OSError:
                # A reset on one side: pass it on as a reset.
                self._close_pair(p, rst=True)
                return
            if data == b"":
                side.eof = True
            elif data:
                other.out += data
        for s in (side, other):
            if s.out:
                try:
                    n = s.sock.send(s.out)
                    del s.out[:n]
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError as e:
                    self._close_pair(p, rst=e.errno != errno.EPIPE)
                    return
        # A FIN is passed on once everything before it was delivered.
        for src, dst in ((p.a, p.b), (p.b, p.a)):
            if src.eof and not dst.out and not dst.shut:
                dst.shut = True
                try:
                    dst.sock.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
        if p.a.eof and p.b.eof and not p.a.out and not p.b.out:
            self._close_pair(p, rst=False)
            return
        self._update(p)
