# SPDX-License-Identifier: GPL-3.0-or-later
"""Desktop notifications: backchat under a private D-Bus session bus with a
small recording notification server (notifyd.py), and with no bus at all."""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time

from harness import trust_and_connect, wait_db

HERE = os.path.dirname(os.path.abspath(__file__))
ALICE = "alice@localhost"


class NotifyBus:
    """A private `dbus-daemon --session` and notifyd.py recording to a file."""

    def __init__(self):
        for tool in ("dbus-daemon",):
            if not shutil.which(tool):
                raise AssertionError("%s missing (Debian package dbus-daemon; make deps)" % tool)
        self.dir = tempfile.mkdtemp(prefix="bc-dbus-")
        self.record = os.path.join(self.dir, "notifications.jsonl")
        sock = os.path.join(self.dir, "bus")
        self.daemon = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--address=unix:path=" + sock,
             "--print-address=1"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.address = self.daemon.stdout.readline().strip()
        if not self.address:
            self.stop()
            raise AssertionError("dbus-daemon did not start")
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address)
        self.server = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(HERE, "notifyd.py"), self.record],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = self.server.stdout.readline().strip()
        if line != "ready":
            err = self.server.stderr.read() if self.server.poll() is not None else ""
            self.stop()
            raise AssertionError("notifyd.py did not start (python3-dbus, python3-gi?): %s"
                                 % err[-2000:])

    def records(self):
        try:
            with open(self.record) as f:
                return [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def wait(self, pred, timeout=10, what="a notification"):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for r in self.records():
                if pred(r):
                    return r
            time.sleep(0.05)
        raise AssertionError("no %s within %ss; recorded: %r" % (what, timeout, self.records()))

    def stop(self):
        for p in (getattr(self, "server", None), getattr(self, "daemon", None)):
            if p and p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def test_notify_desktop(server, home, app, bob, peers):
    bus = NotifyBus()
    try:
        home.write_account(server)
        app.env["DBUS_SESSION_BUS_ADDRESS"] = bus.address
        trust_and_connect(app, server)

        # bob writes while the console is in view: a notification, summary
        # the sender, body markup-escaped, normal urgency.
        bob.send(ALICE, "hello <world> & you")
        first = bus.wait(lambda r: r["summary"] == "bob", what="notification from bob")
        assert first["body"] == "hello &lt;world&gt; &amp; you", first
        assert first["urgency"] == 1, first
        assert first["app_name"] == "backchat", first
        assert first["replaces_id"] == 0, first

        # The next one from bob replaces it instead of stacking.
        bob.send(ALICE, "second line")
        second = bus.wait(lambda r: r["body"] == "second line", what="bob's second")
        assert second["replaces_id"] == first["id"], (first, second)

        # Another conversation gets its own notification.
        carol = peers.connect("carol")
        carol.send(ALICE, "from carol")
        c = bus.wait(lambda r: r["body"] == "from carol", what="carol's")
        assert c["summary"] == "carol" and c["replaces_id"] == 0 and c["id"] != first["id"], c

        # /notify none JID silences bob; the message still arrives.
        app.type_line("/notify none bob@localhost")
        app.wait_for("Notifications for bob@localhost: none", timeout=5, region="view")
        bob.send(ALICE, "muted one")
        wait_db(home.log_db(), "SELECT 1 FROM messages WHERE body = ?", ("muted one",),
                timeout=10)
        # A subscription request notifies too (and marks the end of the wait).
        carol._call(lambda: carol.xmpp.send_presence_subscription(pto=ALICE))
        bus.wait(lambda r: r["body"] == "asks to see your presence", what="subscription")
        assert not [r for r in bus.records() if "muted" in r["body"]], bus.records()

        # A conversation in view does not notify.
        app.type_line("/notify all bob@localhost")
        app.send_keys("M-2")
        app.wait_for(re.compile(r"bob: second line"), timeout=5, region="view")
        bob.send(ALICE, "seen in view")
        app.wait_for("seen in view", timeout=10, region="view")
        n = len(bus.records())
        carol.send(ALICE, "marker")
        bus.wait(lambda r: r["body"] == "marker", what="carol's marker")
        assert not [r for r in bus.records() if r["body"] == "seen in view"], bus.records()
        assert len(bus.records()) == n + 1
        app.assert_alive()
    finally:
        bus.stop()


def test_notify_no_bus_stays_responsive(server, home, app, bob):
    """No session bus at all (a dead socket): messages still flow, typing
    echoes at once, and the console says once that it falls back."""
    home.write_account(server)
    dead = os.path.join(home.dir, "dead-bus")
    app.env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=" + dead
    trust_and_connect(app, server)
    for i in range(30):
        bob.send(ALICE, "burst %d" % i)
    app.wait_for(re.compile(r"2:bob\(30\)"), timeout=15, region="status")
    app.wait_for("Desktop notifications are not available", timeout=5, region="view")
    t0 = time.monotonic()
    app.send_text("/notify")
    app.wait_for("/notify", timeout=1, region="input")
    assert time.monotonic() - t0 < 1.0
    screen = app.screen()
    assert screen.count("Desktop notifications are not available") == 1, screen
    assert "rings the terminal bell instead, shows the unread count in the window title" \
        in re.sub(r"\s+", " ", screen), screen
    app.send_keys("Enter")
    app.wait_for(re.compile(r"Desktop notifications: unavailable"), timeout=5, region="view")
    # The fallback's other half: the unread count in the terminal's title
    # (OSC 0, which tmux keeps as the pane title).
    title = ""
    end = time.monotonic() + 5
    while time.monotonic() < end:
        title = app.tmux("display", "-p", "-t", app.target, "#{pane_title}").strip()
        if title == "backchat (30)":
            break
        time.sleep(0.05)
    assert title == "backchat (30)", title
    app.send_keys("M-2")
    app.wait_for("burst 29", timeout=5, region="view")
    end = time.monotonic() + 5
    while time.monotonic() < end:
        title = app.tmux("display", "-p", "-t", app.target, "#{pane_title}").strip()
        if title == "backchat":
            break
        time.sleep(0.05)
    assert title == "backchat", title
    app.assert_alive()


def test_notify_mention_priority_and_hold(server, home, app, bob, peers):
    """A mention in a room notifies with normal urgency, a priority
    announcement with critical; with /notify hold on (a call) a 1:1
    message does not notify but a priority announcement does."""
    from test_announce import NS_ANN, add_user, raw_peer, set_roster
    from test_muc import _create_room, _join_backchat, _say

    bus = NotifyBus()
    try:
        add_user(server, "dave")
        set_roster(peers, {"dave@localhost": []})
        home.write_account(server)
        app.env["DBUS_SESSION_BUS_ADDRESS"] = bus.address
        trust_and_connect(app, server)
        carol = peers.connect("carol")
        carol.nick = "carol"  # what _say expects the room to reflect
        _create_room(carol, "carol")
        _join_backchat(app)
        app.send_keys("M-1")  # the console: the room is not in view
        _say(carol, "alice: the build is red")
        m = bus.wait(lambda r: r["body"] == "alice: the build is red", what="the mention")
        assert m["urgency"] == 1 and m["summary"] == "carol in team", m

        dave = raw_peer(server, peers, "dave")

        def priority(text, n):
            dave.send_raw("<message to='alice@localhost' type='chat' id='p%d'><body>%s"
                          "</body><announce xmlns='%s' id='P%d' priority='high'/></message>"
                          % (n, text, NS_ANN, n))
        priority("Fire drill at 3", 1)
        p = bus.wait(lambda r: r["body"] == "Fire drill at 3", what="the priority one")
        assert p["urgency"] == 2, p

        app.type_line("/notify hold on")
        app.wait_for("Notifications held", timeout=5, region="view")
        bob.send(ALICE, "held while on a call")
        wait_db(home.log_db(), "SELECT 1 FROM messages WHERE body = ?",
                ("held while on a call",), timeout=10)
        priority("Fire drill now", 2)
        p = bus.wait(lambda r: r["body"] == "Fire drill now", what="priority during hold")
        assert p["urgency"] == 2, p
        assert not [r for r in bus.records() if r["body"] == "held while on a call"], \
            bus.records()
        app.type_line("/notify hold off")
        app.wait_for("no longer held", timeout=5, region="view")
        bob.send(ALICE, "after the call")
        bus.wait(lambda r: r["body"] == "after the call", what="a message after the hold")
        app.assert_alive()
    finally:
        bus.stop()
