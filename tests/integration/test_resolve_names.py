# SPDX-License-Identifier: GPL-3.0-or-later
"""Finding the server by name: several addresses, a name that does not
exist, SRV records.

backchat runs in a private mount namespace where its own /etc/hosts,
/etc/resolv.conf and /etc/gai.conf are bind-mounted over the machine's
(the machine's files are never touched), and /etc/resolv.conf points at
a tiny name server of this file on a loopback address.  That needs root
(CAP_SYS_ADMIN); without it the tests are skipped, saying why.
"""

import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading

from harness import Skip, trust_and_connect

TWO = "chat.backchat.test"        # 127.0.0.2 (refuses), then 127.0.0.1 (Prosody)
DEAD = "dead.backchat.test"       # 127.0.0.2 only
NOWHERE = "nowhere.backchat.test"  # known to nobody
REFUSING = "127.0.0.2"            # Prosody listens on 127.0.0.1 only

HOSTS = ("127.0.0.1 localhost\n"
         "%s %s\n"
         "127.0.0.1 %s\n"
         "%s %s\n" % (REFUSING, TWO, TWO, REFUSING, DEAD))
# getaddrinfo sorts the addresses of a name (RFC 6724), which puts
# 127.0.0.1 first; a higher precedence for the refusing address makes
# the order the test needs (the console line checks it).
GAI = ("precedence ::ffff:%s/128 100\n"
       "precedence ::1/128 50\n"
       "precedence ::/0 40\n"
       "precedence ::ffff:0:0/96 35\n" % REFUSING)
# Loopback addresses for the name server (port 53), the first one free.
DNS_ADDRS = ("127.0.0.153", "127.0.0.154", "127.0.0.155")

T_A, T_SRV = 1, 33


def encode_name(name):
    out = b""
    for label in filter(None, name.rstrip(".").split(".")):
        out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


class TinyDNS:
    """A name server on a loopback address, for the private resolv.conf:
    answers SRV from `srv` ({name: [(priority, weight, port, target)]}),
    NXDOMAIN for every name it does not know.  `queries` lists the
    (name, type) asked."""

    def __init__(self, srv=None):
        self.srv = {k.lower(): v for k, v in (srv or {}).items()}
        self.queries = []
        self.sock = None
        for addr in DNS_ADDRS:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                s.bind((addr, 53))
            except OSError:
                s.close()
                continue
            self.sock, self.addr = s, addr
            break
        if self.sock is None:
            raise Skip("cannot bind UDP port 53 on %s for a private name server"
                       % ", ".join(DNS_ADDRS))
        self.sock.settimeout(0.1)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping.is_set():
            try:
                data, peer = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            reply = self.answer(data)
            if reply:
                self.sock.sendto(reply, peer)

    def answer(self, q):
        if len(q) < 12:
            return None
        qid, flags, qdcount = struct.unpack(">HHH", q[:6])
        if flags & 0x8000 or qdcount != 1:
            return None
        labels, i = [], 12
        while i < len(q) and q[i]:
            n = q[i]
            if n > 63:
                return None
            labels.append(q[i + 1:i + 1 + n].decode("ascii", "replace"))
            i += 1 + n
        if i + 5 > len(q):
            return None
        qtype, _ = struct.unpack(">HH", q[i + 1:i + 5])
        name = ".".join(labels).lower()
        self.queries.append((name, qtype))
        answers = []
        if qtype == T_SRV:
            for prio, weight, port, target in self.srv.get(name, ()):
                rdata = struct.pack(">HHH", prio, weight, port) + encode_name(target)
                answers.append(b"\xc0\x0c" + struct.pack(">HHIH", T_SRV, 1, 60, len(rdata))
                               + rdata)
        rcode = 0 if name in self.srv else 3
        # QR, the query's opcode and RD, AA, RA, rcode.
        rflags = 0x8000 | (flags & 0x7900) | 0x0400 | 0x0080 | rcode
        return (struct.pack(">HHHHHH", qid, rflags, 1, len(answers), 0, 0)
                + q[12:i + 5] + b"".join(answers))

    def stop(self):
        self.stopping.set()
        self.thread.join(2)
        self.sock.close()


class PrivateNames:
    """The files backchat sees as /etc/hosts, /etc/resolv.conf and
    /etc/gai.conf, a TinyDNS they point at, and wrap(app) to start the
    app in a mount namespace of its own with them."""

    def __init__(self, srv=None):
        if os.geteuid() != 0:
            raise Skip("needs root (a private mount namespace for its own /etc/hosts)")
        self.unshare, self.mount = shutil.which("unshare"), shutil.which("mount")
        if not (self.unshare and self.mount):
            raise Skip("unshare or mount not found (util-linux)")
        for f in ("/etc/hosts", "/etc/resolv.conf", "/etc/gai.conf"):
            if not os.path.isfile(f):
                raise Skip("%s is missing: nothing to mount the test's copy over" % f)
        self.dir = tempfile.mkdtemp(prefix="bc-names-")
        self.dns = None
        try:
            self.dns = TinyDNS(srv)
            self.files = []
            for name, text in (("hosts", HOSTS),
                               ("resolv.conf", "nameserver %s\noptions timeout:1 attempts:1\n"
                                % self.dns.addr),
                               ("gai.conf", GAI)):
                path = os.path.join(self.dir, name)
                with open(path, "w") as f:
                    f.write(text)
                self.files.append(path)
            self.check()
        except BaseException:
            self.close()
            raise

    def prefix(self):
        script = ('%s --bind "$1" /etc/hosts && %s --bind "$2" /etc/resolv.conf && '
                  '%s --bind "$3" /etc/gai.conf && shift 3 && exec "$@"'
                  % ((self.mount,) * 3))
        return [self.unshare, "--mount", "--propagation", "private",
                "/bin/sh", "-c", script, "sh"] + self.files

    def check(self):
        """Skip unless the namespace works here and sees our files."""
        probe = ("import socket\n"
                 "print(open('/etc/hosts').read() == %r)\n"
                 "try:\n"
                 "    print(' '.join(a[4][0] for a in socket.getaddrinfo("
                 "%r, None, type=socket.SOCK_STREAM, flags=socket.AI_ADDRCONFIG)))\n"
                 "except OSError as e:\n"
                 "    print(e)\n" % (HOSTS, TWO))
        try:
            r = subprocess.run(self.prefix() + [sys.executable, "-c", probe],
                               capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise Skip("cannot run unshare: %s" % e)
        if r.returncode != 0:
            raise Skip("no private mount namespace here (needs CAP_SYS_ADMIN): %s"
                       % (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1])
        lines = r.stdout.split("\n")
        assert lines[0] == "True", "the private /etc/hosts is not seen: %r" % r.stdout
        assert lines[1] == "%s 127.0.0.1" % REFUSING, \
            "getaddrinfo order in the namespace: %r (wanted %s first)" % (lines[1], REFUSING)

    def wrap(self, app):
        plain = app._pane_argv
        app._pane_argv = lambda: self.prefix() + plain()

    def close(self):
        if self.dns:
            self.dns.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def flat(text):
    """Screen text without the contact list on the right, the wrapped
    lines joined and spaces squeezed."""
    return " ".join(" ".join(line.split("\u2502")[0] for line in text.split("\n")).split())


def on_screen(needle):
    want = flat(needle)

    def found(text):
        return want in flat(text)
    found.description = repr(needle)
    return found


def assert_refused(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect((REFUSING, port))
    except ConnectionRefusedError:
        return
    finally:
        s.close()
    raise AssertionError("something listens on %s port %d: the test needs it closed"
                         % (REFUSING, port))


def set_server(home, server, value):
    """The account's server= (None: no server and no port lines)."""
    home.write_account(server)
    with open(home.accounts_path) as f:
        text = f.read()
    if value is None:
        text = re.sub(r"(?m)^(server|port)=.*\n", "", text)
    else:
        text = text.replace("server=127.0.0.1\n", "server=%s\n" % value)
    with open(home.accounts_path, "w") as f:
        f.write(text)


def test_two_addresses_first_refusing(server, home, app):
    # The name's first address refuses: the next is tried at once, and
    # the one that answered is used again by /tls trust and /connect.
    names = PrivateNames()
    try:
        assert_refused(server.port)
        set_server(home, server, TWO)
        names.wrap(app)
        trying = "Cannot reach %s port %d (Connection refused); trying the next address." \
                 % (REFUSING, server.port)
        app.start()
        app.wait_for(on_screen(trying), timeout=15, region="view")
        trust_and_connect(app, server)
        app.type_line("/disconnect")
        app.wait_status("offline", timeout=10)
        app.type_line("/connect")
        app.wait_status("connected", timeout=15)
        view = flat(app.region("view"))
        assert view.count(flat(trying)) == 1, \
            "the refusing address was tried again after a working one:\n" + app.screen()
        assert view.count("Connecting to %s as alice@localhost" % TWO) == 3, app.screen()
    finally:
        names.close()


def test_name_not_found(server, home, app):
    # A name nobody knows: a clear error that says what to check, the
    # status not left at "connecting"; the same with no name server.
    names = PrivateNames()
    try:
        set_server(home, server, NOWHERE)
        names.wrap(app)
        app.start()
        said = "cannot find the address of %s (Name or service not known)" % NOWHERE
        hint = "Check the account's server setting (/account show test;"
        app.wait_for(on_screen(said), timeout=15, region="view")
        app.wait_for(on_screen(hint), timeout=2, region="view")
        app.wait_status("disconnected", timeout=5)
        assert (NOWHERE, T_A) in names.dns.queries, names.dns.queries
        assert "connecting" not in app.status(), app.status()
        # No name server at all (its port now refuses): the same advice.
        names.dns.stop()
        app.type_line("/connect")
        app.wait_for(on_screen("cannot find the address of %s (Temporary failure in name "
                               "resolution)" % NOWHERE), timeout=10, region="view")
        app.wait_status("disconnected", timeout=5)
        assert flat(app.region("view")).count(hint) == 2, app.screen()
        app.assert_alive()
    finally:
        names.close()


def test_srv_records(server, home, app):
    # No server= set: the JID's domain's SRV records lead, in priority
    # order, to a refusing target and then to the real server.
    srv_name = "_xmpp-client._tcp.localhost"
    names = PrivateNames(srv={srv_name: [(10, 0, server.port, "localhost"),
                                         (0, 0, server.port, DEAD)]})
    try:
        set_server(home, server, None)
        names.wrap(app)
        app.start()
        app.wait_for(on_screen("Cannot reach %s port %d (Connection refused); trying the "
                               "next address." % (REFUSING, server.port)),
                     timeout=15, region="view")
        trust_and_connect(app, server)
        assert (srv_name, T_SRV) in names.dns.queries, names.dns.queries
    finally:
        names.close()


def test_srv_says_no_service(server, home, app):
    # An SRV record of "." says the domain has no XMPP service: no address
    # is tried, and the error says so and what to set instead.
    srv_name = "_xmpp-client._tcp.localhost"
    names = PrivateNames(srv={srv_name: [(0, 0, 0, ".")]})
    try:
        set_server(home, server, None)
        names.wrap(app)
        app.start()
        app.wait_for(on_screen('localhost says it offers no XMPP service (its SRV record is '
                               '"."). Check the account\'s server setting (/account show test;'
                               ' /account set test server HOST)'), timeout=15, region="view")
        app.wait_status("disconnected", timeout=5)
        assert "Cannot reach" not in flat(app.region("view")), app.screen()
        assert names.dns.queries == [(srv_name, T_SRV)], names.dns.queries
    finally:
        names.close()
