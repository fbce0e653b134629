# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures and helpers shared by the integration tests.

A test is a function `test_<name>(...)` in tests/integration/test_*.py.
Its parameters name fixtures (defined here with @fixture), which run.py
sets up before the call and tears down after it, in reverse order:

    server   a fresh private Prosody with users alice, bob, carol
             (passwords in server.users)
    home     a fresh client home: XDG config/data/runtime dirs and HOME
    app      backchat in tmux for `home` (not started: call app.start())
    peers    a factory: peers.connect("bob") -> a started slixmpp Peer
    bob      shortcut: peers.connect("bob")

Tests use the real trust path: the certificate is pinned by typing
`/tls trust` in the client (see trust_and_connect), never by a bypass.
"""

import configparser
import os
import re
import secrets
import shutil
import sqlite3
import stat
import tempfile
import time

from prosody import Prosody, DOMAIN
from peer import Peer
from tmuxdrv import Tmux, frame

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KEEP = os.environ.get("BC_KEEP") == "1"     # keep temp dirs (run.py --keep)


class Skip(Exception):
    """Raise to skip a test, with the reason as the message."""


def backchat_path():
    return os.environ.get("BACKCHAT") or os.path.join(REPO, "backchat")


def require_backchat():
    p = backchat_path()
    if not (os.path.isfile(p) and os.access(p, os.X_OK)):
        raise AssertionError("backchat binary not found at %s (build it with `make`)" % p)
    return p


# -- fixtures ---------------------------------------------------------------
FIXTURES = {}


def fixture(fn):
    FIXTURES[fn.__name__] = fn
    return fn


TEST_USERS = ("alice", "bob", "carol")


@fixture
def server():
    users = {u: "%s-%s" % (u, secrets.token_hex(4)) for u in TEST_USERS}
    srv = Prosody(users=users, keep_dir=KEEP)
    srv.users = users
    try:
        srv.start()
        yield srv
    finally:
        srv.stop()


@fixture
def home():
    h = ClientHome()
    try:
        yield h
    finally:
        h.cleanup()


SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:", "-CRITICAL **")


@fixture
def app(home):
    a = Backchat(home)
    try:
        yield a
    finally:
        a.kill()
    # A sanitizer report or a GLib critical on stderr fails the test even if
    # the screen looked right.
    err = a.stderr_text()
    for mark in SANITIZER_MARKS:
        if mark in err:
            raise AssertionError("backchat stderr has %r:\n%s"
                                 % (mark, "\n".join(err.splitlines()[-40:])))


@fixture
def peers(server):
    f = PeerFactory(server)
    try:
        yield f
    finally:
        f.stop_all()


@fixture
def bob(peers):
    yield peers.connect("bob")


class PeerFactory:
    def __init__(self, server):
        self.server = server
        self.peers = []

    def connect(self, user, resource="peer", **kw):
        jid = user if "@" in user else "%s@%s" % (user, DOMAIN)
        pw = self.server.users[jid.split("@")[0]]
        p = Peer(jid, pw, self.server.port, cafile=self.server.cert_path,
                 resource=resource, **kw)
        self.peers.append(p)
        return p.start()

    def stop_all(self):
        for p in self.peers:
            try:
                p.stop(timeout=3)
            except Exception:
                pass


# -- the client's files -------------------------------------------------------
class ClientHome:
    """A private $HOME and XDG tree for one backchat run."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="bc-client-")
        self.config = os.path.join(self.dir, "config")
        self.data = os.path.join(self.dir, "data")
        self.home = os.path.join(self.dir, "home")
        self.runtime = os.path.join(self.dir, "run")
        self.cache = os.path.join(self.dir, "cache")
        for d in (self.config, self.data, self.home, self.runtime, self.cache):
            os.makedirs(d, mode=0o700)

    def env(self):
        return {
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "HOME": self.home,
            "XDG_CONFIG_HOME": self.config,
            "XDG_DATA_HOME": self.data,
            "XDG_RUNTIME_DIR": self.runtime,
            "XDG_CACHE_HOME": self.cache,
            "USER": "tester",
        }

    @property
    def accounts_path(self):
        return os.path.join(self.config, "backchat", "accounts")

    def account_dir(self, account="test"):
        return os.path.join(self.data, "backchat", account)

    def pin_path(self, account="test"):
        return os.path.join(self.account_dir(account), "trusted-certs")

    def log_db(self, account="test"):
        return os.path.join(self.account_dir(account), "log.db")

    def write_account(self, srv, user="alice", name="test", password=None,
                      eval_password=None, tls="starttls", port=None,
                      default=True, extra=None):
        """Write (replace) the accounts file with one account for
        user@localhost on srv.  Password defaults to the right one."""
        lines = ["[%s]" % name,
                 "jid=%s@%s" % (user, DOMAIN),
                 "server=127.0.0.1",
                 "port=%d" % (port or (srv.tls_port if tls == "direct" else srv.port)),
                 "tls=%s" % tls]
        if eval_password is not None:
            lines.append("eval_password=%s" % eval_password)
        else:
            lines.append("password=%s" % (srv.users[user] if password is None else password))
        if default:
            lines.append("default=true")
        for k, v in (extra or {}).items():
            lines.append("%s=%s" % (k, v))
        os.makedirs(os.path.dirname(self.accounts_path), mode=0o700, exist_ok=True)
        fd = os.open(self.accounts_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.chmod(self.accounts_path, 0o600)

    def write_config(self, text):
        """Write (replace) backchat's config file."""
        path = os.path.join(self.config, "backchat", "config")
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        with open(path, "w") as f:
            f.write(text)

    def read_pins(self, account="test"):
        """The pin file as {domain: {key: value}}."""
        cp = configparser.ConfigParser(interpolation=None, strict=False)
        cp.optionxform = str
        with open(self.pin_path(account), encoding="utf-8") as f:
            cp.read_file(f)
        return {s: dict(cp[s]) for s in cp.sections()}

    def cleanup(self):
        if KEEP:
            print("  kept client home: %s" % self.dir)
            return
        shutil.rmtree(self.dir, ignore_errors=True)


def file_mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def norm_fp(fp):
    return re.sub(r"[^0-9A-F]", "", fp.upper())


# -- backchat in tmux ---------------------------------------------------------
_STATE_WORD = {}


def state_re(word):
    """Regex for a connection state word in the status line that does not
    match inside another word ('connected' vs 'disconnected')."""
    if word not in _STATE_WORD:
        _STATE_WORD[word] = re.compile(r"(?<![\w-])%s(?![\w-])" % re.escape(word))
    return _STATE_WORD[word]


class Backchat(Tmux):
    """backchat running in tmux with a ClientHome.  stderr goes to a file
    (shown when a test fails) so it cannot scribble over the screen."""

    def __init__(self, home, args=("-a", "test")):
        self.home = home
        self.args = list(args)
        self.stderr_path = os.path.join(home.dir, "backchat.stderr")
        super().__init__([], env=home.env(), cwd=home.home)

    def start(self, args=None):
        binary = require_backchat()
        if args is not None:
            self.args = list(args)
        self.argv = ["sh", "-c", 'f=$1; shift; exec "$@" 2>>"$f"', "sh",
                     self.stderr_path, binary] + self.args
        return super().start()

    def restart(self, args=None):
        """Kill (if still running) and start again with the same home."""
        self.kill()
        self.last_screen = None
        self.socket = self.socket + "r"
        return self.start(args)

    def status(self, screen=None):
        return self.region("status", screen)

    def wait_status(self, word, timeout=10):
        return self.wait_for(state_re(word), timeout=timeout, region="status")

    def stderr_text(self):
        try:
            with open(self.stderr_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def assert_alive(self):
        if not self.alive():
            dead, status = self.pane_state()
            raise AssertionError("backchat is not running (exit status %s)\n%s"
                                 % (status, frame(self.last_screen or self.screen(),
                                                  "last screen:")))

    def diagnostics(self):
        out = []
        scr = None
        try:
            scr = self.screen() if self._started else self.last_screen
        except Exception:
            scr = self.last_screen
        if scr:
            out.append(frame(scr, "last backchat screen:"))
        err = self.stderr_text().strip()
        if err:
            tail = "\n".join(err.splitlines()[-25:])
            out.append("backchat stderr (last lines):\n" + tail)
        return "\n".join(out)


# -- common steps ---------------------------------------------------------------
UNTRUSTED_TEXT = "Certificate for localhost is not trusted"


def trust_and_connect(app, srv, timeout=15):
    """Start backchat (if needed), expect the untrusted-certificate notice,
    type /tls trust, and wait for `connected`.  Returns the screen that
    showed the notice."""
    if not app.alive():
        app.start()
    shown = app.wait_for(UNTRUSTED_TEXT, timeout=timeout)
    app.wait_status("untrusted certificate", timeout=5)
    app.type_line("/tls trust")
    app.wait_status("connected", timeout=timeout)
    return shown


HELP_COMMANDS = ("/msg", "/quit", "/win", "/close", "/join", "/tls")


def help_shown(text):
    """True once at least four command names appear in the view."""
    return sum(1 for c in HELP_COMMANDS if re.search(re.escape(c) + r"\b", text)) >= 4


help_shown.description = "help output (at least four of %s)" % ", ".join(HELP_COMMANDS)


def check_help(app, timeout=5):
    """Type /help and expect a list of commands in the view."""
    app.assert_alive()
    app.type_line("/help")
    return app.wait_for(help_shown, timeout=timeout, region="view")


def fingerprint_after_label(screen, label="SHA-256:"):
    """The hex digits that follow `label` on screen (following wrapped
    lines), upper case, without separators."""
    i = screen.find(label)
    if i < 0:
        return None
    return norm_fp(screen[i + len(label): i + len(label) + 300])


# -- the log database ---------------------------------------------------------
def query_db(path, sql, params=()):
    """Run a read-only query; returns rows (raises sqlite3.Error)."""
    uri = "file:%s?mode=ro" % path
    con = sqlite3.connect(uri, uri=True, timeout=1)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def wait_db(path, sql, params=(), until=bool, timeout=5):
    """Poll a query until until(rows) is true; fails with the last rows
    (or error) and a dump of the messages table."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            if os.path.exists(path):
                rows = query_db(path, sql, params)
                if until(rows):
                    return rows
                last = rows
            else:
                last = "no database at %s" % path
        except sqlite3.Error as e:
            last = "sqlite error: %s" % e
        if time.monotonic() >= deadline:
            try:
                dump = query_db(path, "SELECT id, conv, sender, body, type, dir "
                                      "FROM messages ORDER BY id DESC LIMIT 20")
            except Exception as e:
                dump = "(cannot read messages: %s)" % e
            raise AssertionError("log.db: %s -> %r after %.1f s\nmessages table: %r"
                                 % (sql, last, timeout, dump))
        time.sleep(0.1)
