# SPDX-License-Identifier: GPL-3.0-or-later
"""Reconnection after a loss backchat did not ask for: the network dropped
(a proxy in front of the server cuts, or refuses new connections), the
server restarted, /disconnect while waiting to reconnect, and a conflict
that must not reconnect."""

import os
import re
import threading
import time

from harness import Skip, query_db, state_re, trust_and_connect, wait_db
from mucpeer import iq
from proxy import Proxy

RECONNECTING = re.compile(r"reconnecting in \d+ s")
BOB_TAB = re.compile(r"(?<![\w:])2:bob\b")
SOON = 10           # the first retry comes after 0.75-1.25 s


def debug_log(home):
    return os.path.join(home.dir, "strophe.log")


def start_via_proxy(server, home, app):
    """Account pointed at a fresh proxy in front of the server, trusted
    and connected.  Returns the proxy (the caller closes it)."""
    proxy = Proxy(server.port)
    home.write_account(server, port=proxy.port)
    app.env["BACKCHAT_DEBUG_LOG"] = debug_log(home)
    try:
        trust_and_connect(app, server)
    except BaseException:
        proxy.close()
        raise
    return proxy


def open_bob_tab(app, bob, text):
    """bob says text; switch to his tab and see it there."""
    bob.send("alice@localhost", text)
    app.wait_for(BOB_TAB, timeout=10, region="status")
    app.send_keys("M-2")
    app.wait_for(re.compile(r"\b\d\d:\d\d bob: %s" % re.escape(text)), timeout=5,
                 region="view")


def shown_from(view, who):
    """The bodies of who's lines in the chat view, top to bottom (the
    side panel after the bar is cut off)."""
    out = []
    for line in view.split("\n"):
        m = re.match(r"\d\d:\d\d %s: (.*)" % who, line.split("\u2502", 1)[0])
        if m:
            out.append(m.group(1).rstrip())
    return out


def shown_from_bob(view):
    return shown_from(view, "bob")


def incoming_counts(home, bodies_like):
    return dict(query_db(home.log_db(),
                         "SELECT body, COUNT(*) FROM messages WHERE conv = 'bob@localhost' "
                         "AND dir = 0 AND body LIKE ? GROUP BY body", (bodies_like,)))


def assert_no_duplicates(home):
    dups = query_db(home.log_db(),
                    "SELECT body, COUNT(*) FROM messages WHERE conv = 'bob@localhost' "
                    "GROUP BY dir, body HAVING COUNT(*) > 1 LIMIT 20")
    assert not dups, "messages logged more than once: %r" % dups


def test_cut_reconnects(server, home, app, bob):
    proxy = start_via_proxy(server, home, app)
    try:
        assert proxy.live == 1, "backchat is not going through the proxy (%d)" % proxy.live
        before = proxy.connections
        assert proxy.cut() == 1
        app.wait_for(RECONNECTING, timeout=5, region="status")
        app.wait_status("connected", timeout=SOON)
        assert proxy.connections > before, "connected again without a new connection"
        app.wait_for(re.compile(r"Connection lost: .*Reconnecting by itself"), timeout=1,
                     region="view")
        app.wait_for(re.compile(r"Reconnected as alice@localhost/"), timeout=5, region="view")
        # A fresh session, reconciled with the archive: no stream
        # management resumption (libstrophe 0.12 miscounts it).
        with open(debug_log(home), errors="replace") as f:
            assert "<resume " not in f.read(), "tried to resume the stream"

        bob.send("alice@localhost", "after the drop")
        app.wait_for(re.compile(r"(?<![\w:])2:bob\(1\)"), timeout=10, region="status")
        app.send_keys("M-2")
        app.wait_for(re.compile(r"\b\d\d:\d\d bob: after the drop"), timeout=5, region="view")
        rows = wait_db(home.log_db(), "SELECT COUNT(*) FROM messages WHERE body = ?",
                       ("after the drop",), until=lambda r: r[0][0] >= 1, timeout=5)
        assert rows[0][0] == 1, rows
        app.assert_alive()
    finally:
        proxy.close()


def test_messages_while_away_arrive_once(server, home, app, bob):
    proxy = start_via_proxy(server, home, app)
    try:
        open_bob_tab(app, bob, "before")
        proxy.refuse(True)
        proxy.cut()
        app.wait_for(RECONNECTING, timeout=5, region="status")
        sent = ["away %d" % i for i in range(1, 6)]
        for body in sent:
            bob.send("alice@localhost", body)
        # About 3 s away: the first retry (~1 s) and the next (~2 s later)
        # are refused.
        n = proxy.connections
        proxy.wait_connections(n + 2, timeout=8)
        proxy.refuse(False)
        app.wait_status("connected", timeout=SOON)

        want = ["before"] + sent

        def all_shown(view):
            return all(b in shown_from_bob(view) for b in want)
        scr = app.wait_for(all_shown, timeout=10, region="view")
        app.wait_stable(quiet=0.5, timeout=3)   # a late duplicate would show now
        shown = shown_from_bob(app.region("view"))
        assert shown == want, "bob's lines on screen: %r, want %r\n%s" % (shown, want, scr)

        rows = query_db(home.log_db(),
                        "SELECT body FROM messages WHERE conv = 'bob@localhost' AND dir = 0 "
                        "AND body LIKE 'away %' ORDER BY coalesce(ts_server, ts_local), id")
        assert [r[0] for r in rows] == sent, rows
        assert_no_duplicates(home)
    finally:
        proxy.close()


MAM_QUERY = "iq-set/self/urn:xmpp:mam:2:query"


def archive_answers(server, on):
    """With on=False the server takes alice's archive queries and never
    answers them (an archive slower than the connection); on=True undoes
    it.  Through Prosody's admin shell."""
    if on:
        lua = ("> local h = prosody.hosts['localhost']; if h.bc_hold then "
               "h.events.remove_handler('%s', h.bc_hold); h.bc_hold = nil end; "
               "return 'answering'" % MAM_QUERY)
    else:
        lua = ("> local h = prosody.hosts['localhost']; "
               "h.bc_hold = function() return true end; "
               "h.events.add_handler('%s', h.bc_hold, 1000); return 'silent'" % MAM_QUERY)
    rc, out = server.prosodyctl("shell", lua)
    assert rc == 0 and "Result:" in out, out


def test_cut_during_catchup_keeps_order(server, home, app, bob):
    # Messages the server handed to a connection that was already dead
    # exist only in the archive; a message that arrives live while the
    # next catch-up runs waits for it.  If that stream is lost too before
    # its catch-up ends, the held message must go on waiting (for the
    # next stream's catch-up), not be shown before the older ones.
    proxy = start_via_proxy(server, home, app)
    try:
        open_bob_tab(app, bob, "before")
        gap = ["gap %d" % i for i in range(1, 4)]
        archive_answers(server, False)
        try:
            proxy.stall()
            for body in gap:
                bob.send("alice@localhost", body)
            # bob's stanzas are handled in order: once his ping is
            # answered, the gap is archived and sent into the stall.
            assert 'type="result"' in iq(bob, "<iq type='get' to='localhost'>"
                                              "<ping xmlns='urn:xmpp:ping'/></iq>")
            assert proxy.cut() == 1
            proxy.resume()
            app.wait_status("connected", timeout=SOON)
            bob.send("alice@localhost", "live 1")
            deadline = time.monotonic() + 10
            while True:   # received (in the debug log), held: not shown
                with open(debug_log(home), errors="replace") as f:
                    if "live 1" in f.read():
                        break
                assert time.monotonic() < deadline, "live 1 never reached backchat"
                time.sleep(0.1)
            time.sleep(0.5)
            shown = shown_from_bob(app.region("view"))
            assert shown == ["before"], "shown before the catch-up: %r" % shown
        finally:
            archive_answers(server, True)
        assert proxy.cut() == 1    # this stream's catch-up never ended
        app.wait_status("connected", timeout=SOON)

        want = ["before"] + gap + ["live 1"]
        app.wait_for(lambda v: shown_from_bob(v)[-1:] == ["live 1"] and
                     len(shown_from_bob(v)) >= len(want), timeout=10, region="view")
        app.wait_stable(quiet=0.5, timeout=3)
        shown = shown_from_bob(app.region("view"))
        assert shown == want, "bob's lines on screen: %r, want %r" % (shown, want)
        assert_no_duplicates(home)
        app.assert_alive()
    finally:
        proxy.close()


TOTAL = 2000
CUTS = 20


def test_many_cuts_during_flood(server, home, app, bob):
    proxy = start_via_proxy(server, home, app)
    try:
        open_bob_tab(app, bob, "m0001")
        sent = [1]
        err = []
        stop = threading.Event()

        def flood():
            # A steady ~90 messages/s: the whole run spans the 20 cuts.
            t0 = time.monotonic()
            try:
                for i in range(2, TOTAL + 1):
                    if stop.is_set():
                        return
                    bob.send("alice@localhost", "m%04d" % i)
                    sent[0] = i
                    delay = t0 + i / 90.0 - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
            except Exception as e:
                err.append(e)
        th = threading.Thread(target=flood, name="flood", daemon=True)
        th.start()
        try:
            for k in range(1, CUTS + 1):
                deadline = time.monotonic() + 15
                # Cut every ~100 messages, each time once backchat is back.
                while sent[0] < k * (TOTAL // CUTS) - 50 and not err:
                    time.sleep(0.02)
                assert not err, "bob could not send: %s" % err[0]
                app.wait_status("connected", timeout=max(1, deadline - time.monotonic()))
                while proxy.live < 1:
                    assert time.monotonic() < deadline, "no live connection to cut"
                    time.sleep(0.02)
                assert proxy.cut(rst=k % 2 == 1) == 1
                app.wait_for(state_re("connected"), timeout=3, region="status", absent=True)
            th.join(40)
            assert not th.is_alive(), "bob did not finish sending"
            assert not err, "bob could not send: %s" % err[0]
        finally:
            stop.set()
        app.wait_status("connected", timeout=SOON)

        def all_there(rows):
            return rows[0][0] >= TOTAL
        wait_db(home.log_db(),
                "SELECT COUNT(DISTINCT body) FROM messages WHERE conv = 'bob@localhost' "
                "AND dir = 0 AND body GLOB 'm[0-9][0-9][0-9][0-9]'", until=all_there,
                timeout=20)
        app.wait_for(lambda v: shown_from_bob(v)[-1:] == ["m2000"], timeout=5, region="view")
        counts = incoming_counts(home, "m____")
        missing = [b for b in ("m%04d" % i for i in range(1, TOTAL + 1)) if b not in counts]
        assert not missing, "%d missing, first %r" % (len(missing), missing[:10])
        assert len(counts) == TOTAL, "unexpected bodies: %r" % sorted(set(counts) - {
            "m%04d" % i for i in range(1, TOTAL + 1)})[:10]
        assert_no_duplicates(home)
        assert proxy.connections >= CUTS + 1, proxy.connections
    finally:
        proxy.close()


def test_server_restart(server, home, app, peers):
    home.write_account(server)
    app.env["BACKCHAT_DEBUG_LOG"] = debug_log(home)
    trust_and_connect(app, server)
    server.shutdown()
    app.wait_for(RECONNECTING, timeout=5, region="status")
    server.start()
    # The retries back off (1 s, 2 s, 4 s ...): allow a few of them.
    app.wait_status("connected", timeout=15)
    app.wait_for(re.compile(r"Reconnected as alice@localhost/"), timeout=5, region="view")
    bob = peers.connect("bob")
    bob.send("alice@localhost", "server is back")
    app.wait_for(BOB_TAB, timeout=10, region="status")
    app.send_keys("M-2")
    app.wait_for(re.compile(r"\b\d\d:\d\d bob: server is back"), timeout=5, region="view")
    app.assert_alive()


def test_disconnect_stops_reconnecting(server, home, app):
    proxy = start_via_proxy(server, home, app)
    try:
        proxy.refuse(True)
        proxy.cut()
        app.wait_for(RECONNECTING, timeout=5, region="status")
        app.type_line("/disconnect")
        app.wait_for("Stopped reconnecting: offline.", timeout=5, region="view")
        app.wait_status("offline", timeout=5)
        n = proxy.connections
        # Without /disconnect the next try would come within 1-2.5 s.
        end = time.monotonic() + 5
        while time.monotonic() < end:
            assert proxy.connections == n, \
                "backchat tried again after /disconnect (%d -> %d connections)" \
                % (n, proxy.connections)
            status = app.status()
            assert not RECONNECTING.search(status) and "connecting" not in status, status
            time.sleep(0.2)
        # /connect still works afterwards.
        proxy.refuse(False)
        app.type_line("/connect")
        app.wait_status("connected", timeout=SOON)
    finally:
        proxy.close()


def test_conflict_does_not_reconnect(server, home, app, peers):
    proxy = start_via_proxy(server, home, app)
    try:
        scr = app.wait_for(re.compile(r"Connected as alice@localhost/(\S+)\."), timeout=5)
        resource = re.search(r"Connected as alice@localhost/(\S+)\.", scr).group(1)
        n = proxy.connections
        peers.connect("alice", resource=resource)
        app.wait_for("conflict", timeout=10, region="view")
        app.wait_status("disconnected", timeout=5)
        end = time.monotonic() + 3
        while time.monotonic() < end:
            assert proxy.connections == n, "backchat reconnected after a conflict"
            assert not RECONNECTING.search(app.status()), app.screen()
            time.sleep(0.2)
        assert "Reconnecting by itself" not in app.screen()
        app.assert_alive()
    finally:
        proxy.close()


def test_outgoing_during_cuts(server, home, app, bob):
    """backchat sends while the network drops now and then: each message
    typed while connected reaches bob exactly once (what the server had not
    received when the connection dropped, as its archive shows, is sent
    again after reconnecting)."""
    proxy = start_via_proxy(server, home, app)
    try:
        open_bob_tab(app, bob, "ready")
        sent = ["o%02d" % i for i in range(1, 51)]
        for i, body in enumerate(sent, 1):
            app.wait_status("connected", timeout=SOON)
            app.type_line(body)
            if i % 5 == 0:
                # Sent (shown) but maybe not yet acknowledged by the server.
                app.wait_for(lambda v, b=body: b in shown_from(v, "alice"),
                             timeout=5, region="view")
                proxy.cut(rst=i % 10 == 0)
                app.wait_for(state_re("connected"), timeout=3, region="status", absent=True)
        app.wait_status("connected", timeout=SOON)

        def received():
            return [m.body for m in list(bob.messages) if m.body in sent]
        deadline = time.monotonic() + 10
        while set(received()) != set(sent) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)       # a late copy (a resent stanza) would come now
        got = received()
        missing = [b for b in sent if b not in got]
        dups = sorted({b for b in got if got.count(b) > 1})
        assert not missing and not dups, \
            "bob did not receive %r; received more than once: %r" % (missing, dups)
        rows = query_db(home.log_db(), "SELECT body, COUNT(*) FROM messages WHERE dir = 1 "
                        "AND conv = 'bob@localhost' GROUP BY body")
        assert dict(rows) == {b: 1 for b in sent}, rows
    finally:
        proxy.close()


def test_pending_then_sent_then_delivered(server, home, app, bob):
    """A message typed while backchat is reconnecting is shown as pending,
    goes out once the connection is back, and gets a tick when bob's
    client confirms it (XEP-0184)."""
    proxy = start_via_proxy(server, home, app)
    try:
        open_bob_tab(app, bob, "hello")
        proxy.refuse(True)
        proxy.cut()
        app.wait_for(RECONNECTING, timeout=5, region="status")
        app.type_line("typed while away")
        app.wait_for("typed while away (pending)", timeout=5, region="view")
        proxy.refuse(False)
        app.wait_status("connected", timeout=SOON)
        msg = bob.wait_for_message("typed while away", timeout=10)
        app.wait_for(lambda v: "typed while away" in v and "(pending)" not in v, timeout=5,
                     region="view")
        # bob's client confirms it: the line gets its tick.
        bob.send_raw("<message to='%s'><received xmlns='urn:xmpp:receipts' id='%s'/>"
                     "</message>" % (msg.sender, msg.id))
        app.wait_for("typed while away \u2713", timeout=5, region="view")
        time.sleep(0.5)
        got = [m.body for m in list(bob.messages) if m.body == "typed while away"]
        assert got == ["typed while away"], got
        app.assert_alive()
    finally:
        proxy.close()


def _ip(*args):
    import subprocess
    try:
        return subprocess.run(["ip"] + list(args), capture_output=True, timeout=5).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def test_network_change_reconnects_at_once(server, home, app):
    """While the backoff waits, an address coming up (the network is back)
    makes backchat try at once instead of at the end of the wait."""
    addr = "127.0.0.77/8"
    if not _ip("addr", "add", addr, "dev", "lo"):
        raise Skip("cannot add an address to lo here (needs CAP_NET_ADMIN)")
    _ip("addr", "del", addr, "dev", "lo")
    proxy = start_via_proxy(server, home, app)
    try:
        proxy.refuse(True)
        proxy.cut()
        # Let the backoff grow to a wait of several seconds.
        app.wait_for(lambda s: s.count("Reconnecting failed") >= 2, timeout=15)
        scr = app.wait_for(re.compile(r"reconnecting in ([4-9]|\d\d) s"), timeout=5,
                           region="status")
        proxy.refuse(False)
        t0 = time.monotonic()
        assert _ip("addr", "add", addr, "dev", "lo")
        try:
            app.wait_for("The network changed: reconnecting now.", timeout=3)
            app.wait_status("connected", timeout=3)
        finally:
            _ip("addr", "del", addr, "dev", "lo")
        assert time.monotonic() - t0 < 3.5, scr
        app.assert_alive()
    finally:
        proxy.close()
