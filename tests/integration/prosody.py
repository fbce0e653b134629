#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A throw-away Prosody on 127.0.0.1 for tests and the demo.

Each instance has its own directory (config, data, pidfile, log, admin
socket and a self-signed certificate for "localhost") and its own free
ports, so it neither disturbs nor depends on a system-wide Prosody.

As a module::

    with Prosody(users={"alice": "pw", "bob": "pw"}) as srv:
        srv.port, srv.tls_port, srv.cert_sha256()

As a command (used by scripts/demo.sh)::

    prosody.py start --dir D --users alice:pw,bob:pw [--groups F]
    prosody.py stop --dir D
"""

import argparse
import atexit
import hashlib
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time

DOMAIN = "localhost"
MUC_DOMAIN = "conference.localhost"

# Prosody modules for the VirtualHost.  "offline" is not in the brief's list
# but is on in Prosody's shipped config; it keeps messages sent to a client
# that is briefly away instead of bouncing them.
DEFAULT_MODULES = [
    "roster", "saslauth", "tls", "disco", "carbons", "pep", "private",
    "blocklist", "vcard4", "vcard_legacy", "version", "uptime", "time",
    "ping", "register", "mam", "smacks", "bookmarks", "announce", "offline",
    # The admin socket (in the private directory): tests change server
    # state behind the client's back with prosodyctl shell.
    "admin_shell",
]

START_TIMEOUT = 15.0
STOP_TIMEOUT = 5.0

_live = set()           # instances to clean up at exit


class ProsodyError(RuntimeError):
    pass


class PortInUse(ProsodyError):
    pass


def free_port():
    """A port that was free a moment ago (bind to port 0, read it back)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lua_str(s):
    return json.dumps(str(s))   # a JSON string literal is a valid Lua one


def _lua_list(items):
    return "{ " + ", ".join(_lua_str(i) for i in items) + " }"


def make_cert(crt, key, cn=DOMAIN, days=30):
    """Write a new self-signed certificate and key (RSA 2048)."""
    os.makedirs(os.path.dirname(crt), exist_ok=True)
    cmd = ["openssl", "req", "-x509", "-nodes", "-newkey", "rsa:2048",
           "-days", str(days), "-subj", "/CN=" + cn,
           "-addext", "subjectAltName=DNS:" + cn,
           "-keyout", key, "-out", crt]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=60)
    if r.returncode != 0:
        raise ProsodyError("openssl req failed:\n" + r.stdout)
    os.chmod(key, 0o600)


def cert_sha256_of(path):
    """Colon-separated upper-case hex SHA-256 of the DER form of a PEM
    certificate, as `openssl x509 -noout -fingerprint -sha256` prints it."""
    with open(path, encoding="ascii") as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    h = hashlib.sha256(der).hexdigest().upper()
    return ":".join(h[i:i + 2] for i in range(0, len(h), 2))


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still "exists"; check /proc for state Z.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Prosody:
    """One private Prosody.  Ports are chosen at construction time and kept
    across stop()/start(), so a test can restart the server "in the same
    position" (for example with a new certificate)."""

    def __init__(self, users=None, dir=None, keep_dir=None, port=None,
                 tls_port=None, extra_modules=(), groups=None,
                 extra_config="", log_level="debug"):
        if dir is None:
            self.dir = tempfile.mkdtemp(prefix="bc-prosody-")
            self.keep_dir = bool(keep_dir)
        else:
            self.dir = os.path.abspath(dir)
            os.makedirs(self.dir, exist_ok=True)
            self.keep_dir = True if keep_dir is None else keep_dir
        self._auto_ports = port is None and tls_port is None
        self.port = port or free_port()
        self.tls_port = tls_port or free_port()
        while self.tls_port == self.port:
            self.tls_port = free_port()
        self.extra_modules = list(extra_modules)
        self.groups = groups            # {"Team": ["alice@localhost", ...]}
        self.extra_config = extra_config
        self.log_level = log_level
        self.proc = None
        self.pid = None
        self.start_seconds = None       # how long the last start() took
        self._initial_users = dict(users or {})
        self._removed = False
        os.makedirs(self.data_dir, exist_ok=True)
        os.chmod(self.dir, 0o700)
        if not os.path.exists(self.cert_path):
            make_cert(self.cert_path, self.key_path)
        self.write_config()
        _live.add(self)

    # -- paths ------------------------------------------------------------
    @property
    def config_path(self):
        return os.path.join(self.dir, "prosody.cfg.lua")

    @property
    def data_dir(self):
        return os.path.join(self.dir, "data")

    @property
    def log_path(self):
        return os.path.join(self.dir, "prosody.log")

    @property
    def pidfile(self):
        return os.path.join(self.dir, "prosody.pid")

    @property
    def cert_path(self):
        return os.path.join(self.dir, "certs", DOMAIN + ".crt")

    @property
    def key_path(self):
        return os.path.join(self.dir, "certs", DOMAIN + ".key")

    @property
    def domain(self):
        return DOMAIN

    @property
    def muc_domain(self):
        return MUC_DOMAIN

    def cert_sha256(self):
        return cert_sha256_of(self.cert_path)

    def new_cert(self):
        """Replace the certificate with a new self-signed one (same name).
        Takes effect on the next start()."""
        make_cert(self.cert_path, self.key_path)

    # -- config -----------------------------------------------------------
    def write_config(self):
        d = self.dir
        modules = DEFAULT_MODULES + [m for m in self.extra_modules
                                     if m not in DEFAULT_MODULES]
        groups_line = ""
        if self.groups:
            if "groups" not in modules:
                modules.append("groups")
            gpath = os.path.join(d, "groups.txt")
            with open(gpath, "w") as f:
                for name, members in self.groups.items():
                    f.write("[%s]\n" % name)
                    for m in members:
                        jid, _, nick = m.partition("=")
                        if "@" not in jid:
                            jid += "@" + DOMAIN
                        f.write("%s=%s\n" % (jid, nick or jid.split("@")[0].capitalize()))
            groups_line = "groups_file = %s\n" % _lua_str(gpath)
        cfg = f"""-- Generated by backchat tests/integration/prosody.py; throw-away.
data_path = {_lua_str(self.data_dir)}
pidfile = {_lua_str(self.pidfile)}
admin_socket = {_lua_str(os.path.join(d, "prosody.sock"))}
certificates = {_lua_str(os.path.join(d, "certs"))}
{"run_as_root = true" if os.getuid() == 0 else ""}
interfaces = {{ "127.0.0.1" }}
local_interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {self.port} }}
c2s_direct_tls_ports = {{ {self.tls_port} }}
s2s_ports = {{ }}
http_ports = {{ }}
https_ports = {{ }}
modules_disabled = {{ "s2s" }}
admins = {{ "admin@{DOMAIN}" }}
authentication = "internal_hashed"
storage = "internal"
c2s_require_encryption = true
allow_registration = false
default_archive_policy = true
archive_expires_after = "1w"
smacks_hibernation_time = 60
log = {{ {self.log_level} = {_lua_str(self.log_path)} }}
modules_enabled = {_lua_list(modules)}
{groups_line}{self.extra_config}

VirtualHost "{DOMAIN}"

Component "{MUC_DOMAIN}" "muc"
    modules_enabled = {{ "muc_mam" }}
    muc_log_by_default = true
    restrict_room_creation = false
"""
        with open(self.config_path, "w") as f:
            f.write(cfg)

    # -- lifecycle --------------------------------------------------------
    def running(self):
        if self.proc is not None:
            return self.proc.poll() is None
        return self.pid is not None and _pid_alive(self.pid)

    def start(self, timeout=START_TIMEOUT, detach=False):
        """Start Prosody and wait until c2s answers with STARTTLS.
        Registers the users given to the constructor (once).  If ports we
        picked ourselves were taken in the meantime, picks new ones (but
        never on a restart, where the ports must stay the same)."""
        tries = 3 if (self._auto_ports and self.start_seconds is None) else 1
        for attempt in range(tries):
            try:
                return self._start(timeout, detach)
            except PortInUse:
                if attempt == tries - 1:
                    raise
                self.port, self.tls_port = free_port(), free_port()
                while self.tls_port == self.port:
                    self.tls_port = free_port()
                self.write_config()
                try:
                    os.rename(self.log_path, self.log_path + ".port-in-use")
                except OSError:
                    pass

    def _start(self, timeout, detach):
        if self.running():
            return self
        t0 = time.monotonic()
        if self._initial_users:
            for u, pw in self._initial_users.items():
                self.register(u, pw)
            self._initial_users = {}
        try:
            os.unlink(self.pidfile)
        except FileNotFoundError:
            pass
        logf = open(os.path.join(self.dir, "prosody.stdout"), "ab")
        try:
            self.proc = subprocess.Popen(
                ["prosody", "-F", "--config", self.config_path],
                cwd=self.dir, stdin=subprocess.DEVNULL, stdout=logf,
                stderr=subprocess.STDOUT, start_new_session=True,
                close_fds=True)
        finally:
            logf.close()
        self.pid = self.proc.pid
        self._write_state()
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.kill()
            raise
        self.start_seconds = time.monotonic() - t0
        if detach:
            # Forget the Popen object so its destructor does not complain;
            # we keep (and stop by) the PID.
            self.proc = None
        return self

    def _write_state(self):
        with open(os.path.join(self.dir, "state.json"), "w") as f:
            json.dump({"pid": self.pid, "port": self.port,
                       "tls_port": self.tls_port, "dir": self.dir}, f)

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        last_err = "no attempt"
        while time.monotonic() < deadline:
            if not self.running():
                raise ProsodyError("prosody exited during start-up (status %s)\n%s"
                                   % (self.proc.returncode if self.proc else "?",
                                      self.log_tail()))
            bad = self._log_bind_failure()
            if bad:
                raise PortInUse("prosody could not open its ports: %s\n%s"
                                   % (bad, self.log_tail()))
            try:
                self._probe_starttls()
                socket.create_connection(("127.0.0.1", self.tls_port), 1).close()
                return
            except OSError as e:
                last_err = str(e)
            time.sleep(0.05)
        raise ProsodyError("prosody did not answer on 127.0.0.1:%d within %.0f s "
                           "(last error: %s)\n%s"
                           % (self.port, timeout, last_err, self.log_tail()))

    def _log_bind_failure(self):
        try:
            with open(self.log_path, errors="replace") as f:
                for line in f:
                    if "Failed to open server port" in line or "Address already in use" in line:
                        return line.strip()
        except FileNotFoundError:
            pass
        return None

    def _probe_starttls(self):
        """Open a stream and read the features: proves it is *our* Prosody
        serving the VirtualHost, not just something on the port."""
        with socket.create_connection(("127.0.0.1", self.port), 1) as s:
            s.settimeout(2)
            s.sendall(("<?xml version='1.0'?><stream:stream to='%s' "
                       "xmlns='jabber:client' "
                       "xmlns:stream='http://etherx.jabber.org/streams' "
                       "version='1.0'>" % DOMAIN).encode())
            buf = b""
            while b"</stream:features>" not in buf:
                chunk = s.recv(4096)
                if not chunk:
                    raise OSError("stream closed before features: %r" % buf[-300:])
                buf += chunk
            if b"urn:ietf:params:xml:ns:xmpp-tls" not in buf:
                raise OSError("no STARTTLS in features: %r" % buf[-300:])
            try:
                s.sendall(b"</stream:stream>")
            except OSError:
                pass

    def log_tail(self, n=30):
        out = []
        for p in (self.log_path, os.path.join(self.dir, "prosody.stdout")):
            try:
                with open(p, errors="replace") as f:
                    lines = f.readlines()[-n:]
            except FileNotFoundError:
                continue
            if lines:
                out.append("--- %s (last %d lines) ---\n%s" % (p, len(lines), "".join(lines)))
        return "\n".join(out) or "(no prosody log)"

    def prosodyctl(self, *args, timeout=30):
        cmd = ["prosodyctl", "--config", self.config_path] + list(args)
        r = subprocess.run(cmd, cwd=self.dir, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=timeout)
        return r.returncode, r.stdout

    def register(self, user, password):
        rc, out = self.prosodyctl("register", user, DOMAIN, password)
        if rc != 0:
            raise ProsodyError("prosodyctl register %s failed (%d): %s" % (user, rc, out))

    def _signal(self, sig):
        if self.pid is None:
            return
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def _reap(self, timeout):
        """Wait up to timeout for the process to go away."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None:
                try:
                    self.proc.wait(timeout=0.05)
                    return True
                except subprocess.TimeoutExpired:
                    continue
            if not _pid_alive(self.pid):
                return True
            time.sleep(0.05)
        return False

    def kill(self):
        """Kill the server abruptly (SIGKILL), leaving its files in place."""
        if self.pid is not None:
            self._signal(signal.SIGKILL)
            self._reap(STOP_TIMEOUT)
        self.proc = None
        self.pid = None

    def shutdown(self, timeout=STOP_TIMEOUT):
        """Stop the server (SIGTERM, SIGKILL after timeout) but keep its
        directory, so start() can bring it back on the same ports."""
        if self.pid is not None and self.running():
            self._signal(signal.SIGTERM)
            if not self._reap(timeout):
                self._signal(signal.SIGKILL)
                self._reap(timeout)
        self.proc = None
        self.pid = None

    def stop(self):
        """Stop the server and remove its directory (unless kept)."""
        try:
            self.shutdown()
        finally:
            if not self.keep_dir and not self._removed:
                shutil.rmtree(self.dir, ignore_errors=True)
                self._removed = True
            _live.discard(self)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


@atexit.register
def _cleanup_all():
    for p in list(_live):
        try:
            p.stop()
        except Exception:
            pass


# -- command line ---------------------------------------------------------
def _parse_users(spec):
    users = {}
    for item in filter(None, (spec or "").split(",")):
        u, sep, pw = item.partition(":")
        if not sep or not u:
            raise SystemExit("bad --users entry %r (want user:password)" % item)
        users[u] = pw
    return users


def _parse_groups(spec):
    # "Team=alice,bob,carol;Other=dave"
    groups = {}
    for g in filter(None, (spec or "").split(";")):
        name, _, members = g.partition("=")
        groups[name] = [m for m in members.split(",") if m]
    return groups


def _cli_start(a):
    st = os.path.join(os.path.abspath(a.dir), "state.json")
    if os.path.exists(st):
        _cli_stop(a, quiet=True)
    srv = Prosody(users=_parse_users(a.users), dir=a.dir, keep_dir=True,
                  groups=_parse_groups(a.groups), log_level=a.log_level)
    try:
        srv.start(detach=True)
    except ProsodyError as e:
        print("prosody.py: " + str(e), file=sys.stderr)
        _live.discard(srv)
        return 1
    _live.discard(srv)              # detached: the atexit net must not stop it
    if a.json:
        print(json.dumps({"port": srv.port, "tls_port": srv.tls_port,
                          "pid": srv.pid, "dir": srv.dir,
                          "cert": srv.cert_path, "sha256": srv.cert_sha256(),
                          "start_seconds": round(srv.start_seconds, 3)}))
    else:
        print(srv.port)
    return 0


def _cli_stop(a, quiet=False):
    st = os.path.join(os.path.abspath(a.dir), "state.json")
    try:
        with open(st) as f:
            state = json.load(f)
    except (OSError, ValueError):
        if not quiet:
            print("prosody.py: no server state in %s" % a.dir, file=sys.stderr)
        return 1
    pid = state.get("pid")
    # Only signal it if it still looks like a prosody process.
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            is_prosody = b"prosody" in f.read()
    except (OSError, TypeError):
        is_prosody = False
    if is_prosody and _pid_alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
    os.unlink(st)
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description="private Prosody on 127.0.0.1")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("start", help="start detached, print the c2s port")
    s.add_argument("--dir", required=True)
    s.add_argument("--users", default="", help="user:pw,user:pw")
    s.add_argument("--groups", default="",
                   help="shared roster groups: 'Team=alice,bob;Other=carol'")
    s.add_argument("--log-level", default="info")
    s.add_argument("--json", action="store_true", help="print details as JSON")
    t = sub.add_parser("stop", help="stop the server started with --dir")
    t.add_argument("--dir", required=True)
    a = ap.parse_args(argv)
    return _cli_start(a) if a.cmd == "start" else _cli_stop(a)


if __name__ == "__main__":
    sys.exit(main())
