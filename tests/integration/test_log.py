# SPDX-License-Identifier: GPL-3.0-or-later
"""The local log in use: archive catch-up (XEP-0313) exactly once, history
that scrolls back into the log, /search and Enter, `backchat export`, and
/log off."""

import json
import os
import re
import secrets
import subprocess
import time

from harness import (query_db, require_backchat, trust_and_connect, wait_db)
from peer import Peer
from prosody import Prosody

ARCHIVE_SYNCED = re.compile(r"Archive synced up to \d\d:\d\d")


def _server_without_offline():
    """A Prosody with mod_offline off: what is sent while we are away
    reaches us only through the archive (mod_mam)."""
    users = {u: "%s-%s" % (u, secrets.token_hex(4)) for u in ("alice", "bob")}
    srv = Prosody(users=users, extra_config='modules_disabled = { "s2s", "offline" }\n')
    srv.users = users
    srv.start()
    return srv


def _peer(srv, user):
    return Peer("%s@localhost" % user, srv.users[user], srv.port,
                cafile=srv.cert_path).start()


def _count(db, body):
    return query_db(db, "SELECT count(*) FROM messages WHERE body = ?", (body,))[0][0]


def _start_again(app):
    """Quit cleanly, start again (the certificate is pinned by now) and
    wait for the archive catch-up to end."""
    if app.alive():
        app.type_line("/quit")
        app.wait_exit(10)
    app.restart()
    app.wait_status("connected", timeout=15)
    app.wait_for(ARCHIVE_SYNCED, timeout=15, region="view")


def test_archive_catchup_exactly_once(home, app):
    srv = _server_without_offline()
    bob = None
    try:
        home.write_account(srv)
        db = home.log_db()
        bob = _peer(srv, "bob")
        first = ["said while you were away %d" % i for i in range(1, 4)]
        for t in first:
            bob.send("alice@localhost", t)
        time.sleep(0.5)     # archived by the server

        # First start: the first catch-up brings them, once, unread.
        trust_and_connect(app, srv)
        app.wait_for(ARCHIVE_SYNCED, timeout=15, region="view")
        app.wait_for(re.compile(r"(?<![\w:])2:bob\(3\)"), timeout=10, region="status")
        app.send_keys("M-2")
        view = app.wait_for(first[-1], timeout=5, region="view")
        for t in first:
            assert view.count(t) == 1, "%r shown %d times:\n%s" % (t, view.count(t), view)
        assert "synced up to" in view, view
        for t in first:
            assert _count(db, t) == 1, "%r logged %d times" % (t, _count(db, t))
        rows = query_db(db, "SELECT count(*) FROM messages WHERE body LIKE 'said while%'"
                            " AND server_id IS NOT NULL AND dir = 0 AND conv = 'bob@localhost'")
        assert rows[0][0] == 3, "archive ids not stored: %r" % rows

        # Away again: new messages come after the sync mark.
        app.type_line("/quit")
        app.wait_exit(10)
        second = ["and more while you were away %d" % i for i in range(1, 3)]
        for t in second:
            bob.send("alice@localhost", t)
        time.sleep(0.5)
        for run in range(2):
            _start_again(app)
            if run == 0:
                app.wait_for(re.compile(r"(?<![\w:])2:bob\(2\)"), timeout=10, region="status")
                app.send_keys("M-2")
            else:
                # Nothing new: no tab opens by itself; open it.
                assert "2:bob" not in app.status(), app.screen()
                app.type_line("/msg bob@localhost")
            view = app.wait_for(second[-1], timeout=5, region="view")
            for t in first + second:
                assert view.count(t) == 1, "run %d: %r shown %d times:\n%s" \
                    % (run, t, view.count(t), view)
                assert _count(db, t) == 1, "run %d: %r logged %d times" % (run, t, _count(db, t))
        app.assert_alive()
    finally:
        if bob:
            bob.stop()
        srv.stop()


def test_archive_and_offline_delivery_once(server, home, app, bob):
    """With mod_offline on, the server delivers what waited at login and the
    archive has it too: still once."""
    home.write_account(server)
    texts = ["offline and archived %d" % i for i in range(1, 4)]
    for t in texts:
        bob.send("alice@localhost", t)
    time.sleep(0.5)
    trust_and_connect(app, server)
    app.wait_for(ARCHIVE_SYNCED, timeout=15, region="view")
    app.wait_for(re.compile(r"(?<![\w:])2:bob\(3\)"), timeout=10, region="status")
    app.send_keys("M-2")
    view = app.wait_for(texts[-1], timeout=5, region="view")
    db = home.log_db()
    for t in texts:
        assert view.count(t) == 1, "%r shown %d times:\n%s" % (t, view.count(t), view)
        wait_db(db, "SELECT count(*) FROM messages WHERE body = ?", (t,),
                until=lambda r: r[0][0] == 1)
    _start_again(app)
    app.type_line("/msg bob@localhost")
    view = app.wait_for(texts[-1], timeout=5, region="view")
    for t in texts:
        assert view.count(t) == 1, "%r shown %d times:\n%s" % (t, view.count(t), view)
        assert _count(db, t) == 1


def _numbers(view, word="backlog"):
    return [int(n) for n in re.findall(r"\b%s (\d{3})\b" % word, view)]


def test_pgup_scrolls_into_the_log(server, home, app, bob):
    # A small window (the minimum, 100 lines), so that 200 messages need
    # paging in and letting go at both ends.
    home.write_config("[ui]\nscrollback=100\n")
    home.write_account(server)
    trust_and_connect(app, server)
    n = 200
    for i in range(1, n + 1):
        bob.send("alice@localhost", "backlog %03d" % i)
    db = home.log_db()
    wait_db(db, "SELECT count(*) FROM messages WHERE body LIKE 'backlog %'",
            until=lambda r: r[0][0] == n, timeout=20)

    _start_again(app)
    app.type_line("/msg bob@localhost")
    view = app.wait_for("backlog %03d" % n, timeout=5, region="view")
    seen = _numbers(view)
    assert seen and seen[-1] == n and 1 not in seen, view
    shown = set(seen)
    # PgUp until the first message shows: every view is consecutive (no
    # duplicate, no gap) and overlaps the one before (no paging step).
    for step in range(30):
        prev = seen
        app.send_keys("PPage")
        app.wait_for(lambda v, p=prev: _numbers(v) != p, timeout=5, region="view")
        view = app.region("view")
        seen = _numbers(view)
        assert seen == list(range(seen[0], seen[0] + len(seen))), \
            "not consecutive after PgUp %d:\n%s" % (step + 1, view)
        assert seen[-1] >= prev[0] - 1 and seen[0] < prev[0], \
            "PgUp %d jumped from %d..%d to %d..%d" % (step + 1, prev[0], prev[-1],
                                                     seen[0], seen[-1])
        shown.update(seen)
        if seen[0] == 1:
            break
    assert seen[0] == 1, "the first message never showed:\n" + view
    assert "more below" in app.status(), app.screen()
    # And down again to the newest.
    for step in range(30):
        prev = seen
        app.send_keys("NPage")
        app.wait_for(lambda v, p=prev: _numbers(v) != p, timeout=5, region="view")
        view = app.region("view")
        seen = _numbers(view)
        assert seen == list(range(seen[0], seen[0] + len(seen))), \
            "not consecutive after PgDn %d:\n%s" % (step + 1, view)
        assert seen[0] <= prev[-1] + 1 and seen[-1] > prev[-1], \
            "PgDn %d jumped from %d..%d to %d..%d" % (step + 1, prev[0], prev[-1],
                                                     seen[0], seen[-1])
        shown.update(seen)
        if seen[-1] == n:
            break
    assert seen[-1] == n, view
    assert shown == set(range(1, n + 1)), "never shown: %s" % sorted(set(range(1, n + 1)) - shown)
    app.wait_for("more below", timeout=5, region="status", absent=True)
    app.assert_alive()


def test_search_and_jump(server, home, app, bob):
    home.write_config("[ui]\nscrollback=100\n")
    home.write_account(server)
    trust_and_connect(app, server)
    bob.send("alice@localhost", "the pineapple report is on the shared drive")
    for i in range(1, 151):
        bob.send("alice@localhost", "filler %03d" % i)
    db = home.log_db()
    wait_db(db, "SELECT count(*) FROM messages WHERE conv = 'bob@localhost'",
            until=lambda r: r[0][0] == 151, timeout=20)

    _start_again(app)
    app.type_line("/search pineapple")
    app.wait_for("search: pineapple", timeout=5, region="title")
    view = app.wait_for("pineapple report", timeout=5, region="view")
    assert "bob@localhost" in view, view
    # Enter on the empty input line opens the conversation at that moment.
    app.send_keys("Enter")
    app.wait_for("bob@localhost", timeout=5, region="title")
    view = app.wait_for("the pineapple report is on the shared drive", timeout=5,
                        region="view")
    assert "filler 001" in view, view           # and what came after it
    assert "filler 150" not in view, view       # not the newest lines
    assert "more below" in app.status()
    # From there the history goes on down to the newest.
    for _ in range(10):
        app.send_keys("NPage")
        if "filler 150" in app.region("view"):
            break
        time.sleep(0.2)
    app.wait_for("filler 150", timeout=5, region="view")

    # Ctrl-R on the empty input line of a chat: find in the conversation.
    app.send_keys("C-r")
    app.wait_for("> /find", timeout=5, region="input")
    app.type_line("pineapple")
    app.wait_for("find pineapple: 1 of 1", timeout=5, region="status")
    app.wait_for("the pineapple report is on the shared drive", timeout=5, region="view")
    app.assert_alive()


def test_export_matches_what_was_said(server, home, app, bob):
    home.write_account(server)
    trust_and_connect(app, server)
    said = [("bob", "Hi Alice, the build is green"),
            ("alice", "great, shipping it"),
            ("bob", "quotes \" and back\\slash, fine"),
            ("alice", "done: version 1.2 is out")]
    for i, (who, text) in enumerate(said):
        if who == "bob":
            bob.send("alice@localhost", text)
            if i == 0:
                app.wait_for(re.compile(r"(?<![\w:])2:bob\(1\)"), timeout=10, region="status")
                app.send_keys("M-2")
            app.wait_for(text.split(",")[0], timeout=10, region="view")
        else:
            app.type_line(text)
            bob.wait_for_message(text, timeout=10)
    db = home.log_db()
    wait_db(db, "SELECT count(*) FROM messages WHERE conv = 'bob@localhost'",
            until=lambda r: r[0][0] == len(said))

    env = home.env()
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    r = subprocess.run([require_backchat(), "export", "-a", "test", "bob@localhost", "-"],
                       env=env, cwd=home.home, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=20)
    assert r.returncode == 0, "export exit %d: %s" % (r.returncode, r.stderr)
    lines = r.stdout.splitlines()
    assert len(lines) == len(said), r.stdout
    for line, (who, text) in zip(lines, said):
        m = re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d bob@localhost (\S+): (.*)$", line)
        assert m, "not an export line: %r" % line
        assert m.group(1) == "%s@localhost" % who, line
        assert m.group(2) == text.replace("\\", "\\\\"), line

    r = subprocess.run([require_backchat(), "export", "--format", "jsonl", "bob@localhost", "-"],
                       env=env, cwd=home.home, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=20)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(l) for l in r.stdout.splitlines()]
    assert [x["body"] for x in rows] == [t for _, t in said], rows
    assert [x["dir"] for x in rows] == ["in" if w == "bob" else "out" for w, _ in said], rows

    # The same from inside: /export writes a private file and says how many.
    app.type_line("/export bob@localhost --format csv ~/bob.csv")
    app.wait_for("Exported %d messages of bob@localhost" % len(said), timeout=5, region="view")
    path = os.path.join(home.home, "bob.csv")
    assert os.stat(path).st_mode & 0o777 == 0o600, oct(os.stat(path).st_mode)
    with open(path, newline="") as f:
        import csv
        body_rows = list(csv.DictReader(f))
    assert [x["body"] for x in body_rows] == [t for _, t in said], body_rows
    app.assert_alive()


def test_log_off_keeps_conversation_out(server, home, app, bob):
    home.write_account(server)
    trust_and_connect(app, server)
    db = home.log_db()
    bob.send("alice@localhost", "before logging is off")
    app.wait_for(re.compile(r"(?<![\w:])2:bob\(1\)"), timeout=10, region="status")
    app.send_keys("M-2")
    app.wait_for("before logging is off", timeout=5, region="view")
    wait_db(db, "SELECT count(*) FROM messages WHERE body = ?", ("before logging is off",),
            until=lambda r: r[0][0] == 1)
    # The id our server's archive gave it (XEP-0359 stanza-id) is kept.
    rows = query_db(db, "SELECT server_id FROM messages WHERE body = ?",
                    ("before logging is off",))
    assert rows[0][0], "no archive id stored for a live message: %r" % rows

    app.type_line("/log off")
    app.wait_for("Logging of bob@localhost is off", timeout=5, region="view")
    bob.send("alice@localhost", "secret while off")
    app.wait_for("secret while off", timeout=10, region="view")
    app.type_line("my reply while off")
    bob.wait_for_message("my reply while off", timeout=10)
    time.sleep(1.0)     # several loop turns: anything queued would be written
    for body in ("secret while off", "my reply while off"):
        assert _count(db, body) == 0, "%r was logged with logging off" % body

    app.type_line("/log status")
    app.wait_for("Logging of bob@localhost is off", timeout=5, region="view")
    app.type_line("/log on")
    app.wait_for("Logging of bob@localhost is on", timeout=5, region="view")
    bob.send("alice@localhost", "after logging is on")
    app.wait_for("after logging is on", timeout=10, region="view")
    wait_db(db, "SELECT count(*) FROM messages WHERE body = ?", ("after logging is on",),
            until=lambda r: r[0][0] == 1)
    assert _count(db, "secret while off") == 0
    app.assert_alive()


def test_locked_log_keeps_messages(server, home, app, bob):
    """Another program holds the log's write lock: the error is on screen,
    backchat keeps running and keeps what arrives, and writes it (once)
    when the lock goes, retrying by itself."""
    import sqlite3
    home.write_account(server)
    trust_and_connect(app, server)
    db = home.log_db()
    bob.send("alice@localhost", "before the lock")
    app.wait_for(re.compile(r"(?<![\w:])2:bob\(1\)"), timeout=10, region="status")
    app.send_keys("M-2")
    wait_db(db, "SELECT count(*) FROM messages WHERE body = ?", ("before the lock",),
            until=lambda r: r[0][0] == 1)

    con = sqlite3.connect(db, timeout=5, isolation_level=None)
    try:
        con.execute("BEGIN EXCLUSIVE")
        bob.send("alice@localhost", "while locked one")
        app.wait_for("while locked one", timeout=10, region="view")
        app.wait_for("LOG NOT WRITTEN", timeout=10, region="status")
        app.wait_for("cannot be written", timeout=5, region="view")
        bob.send("alice@localhost", "while locked two")
        app.wait_for("while locked two", timeout=10, region="view")
        app.assert_alive()
    finally:
        con.execute("ROLLBACK")
        con.close()
    # The retry (at most a few seconds later) writes both, once.
    app.wait_for("LOG NOT WRITTEN", timeout=15, region="status", absent=True)
    for body in ("while locked one", "while locked two", "before the lock"):
        wait_db(db, "SELECT count(*) FROM messages WHERE body = ?", (body,),
                until=lambda r: r[0][0] == 1)
    app.send_keys("M-1")
    app.wait_for("The local log is written again", timeout=5, region="view")
    app.wait_for("Nothing received is lost", timeout=5, region="view")
    app.assert_alive()


def test_headline_correction_and_forged_archive(server, home, app, bob):
    home.write_account(server)
    trust_and_connect(app, server)
    db = home.log_db()
    bob.send_raw("<message to='alice@localhost' type='chat' id='orig-1'>"
                 "<body>teh quarterly report</body></message>")
    app.wait_for(re.compile(r"(?<![\w:])2:bob\(1\)"), timeout=10, region="status")
    app.send_keys("M-2")
    app.wait_for("teh quarterly report", timeout=5, region="view")
    # XEP-0308: the line changes and says so; the log links the two.
    bob.send_raw("<message to='alice@localhost' type='chat' id='fix-1'>"
                 "<body>the quarterly report</body>"
                 "<replace xmlns='urn:xmpp:message-correct:0' id='orig-1'/></message>")
    view = app.wait_for("the quarterly report (edited)", timeout=10, region="view")
    assert "teh quarterly" not in view, view
    rows = wait_db(db, "SELECT c.replaces = o.id FROM messages c JOIN messages o"
                       " ON o.stanza_id = 'orig-1' WHERE c.stanza_id = 'fix-1'",
                   until=lambda r: len(r) == 1)
    assert rows[0][0] == 1, rows

    # A headline: the Announcements tab (3) shows it, the log has it as kind headline.
    bob.send_raw("<message to='alice@localhost' type='headline' id='hl-1'>"
                 "<body>maintenance window at 18:00</body></message>")
    wait_db(db, "SELECT kind, conv FROM messages WHERE stanza_id = 'hl-1'",
            until=lambda r: r == [("headline", "bob@localhost")])
    app.send_keys("M-3")
    app.wait_for("bob: [headline] maintenance window", timeout=5, region="view")

    # An archive result from someone else is not an archive result.
    bob.send_raw("<message to='alice@localhost'><result xmlns='urn:xmpp:mam:2' queryid='q1'"
                 " id='forged-1'><forwarded xmlns='urn:xmpp:forward:0'>"
                 "<delay xmlns='urn:xmpp:delay' stamp='2020-01-01T00:00:00Z'/>"
                 "<message from='carol@localhost/x' to='alice@localhost' type='chat'"
                 " id='f1'><body>forged archive line</body></message>"
                 "</forwarded></result></message>")
    bob.send("alice@localhost", "after the forgery")
    app.send_keys("M-2")
    app.wait_for("after the forgery", timeout=10, region="view")
    wait_db(db, "SELECT count(*) FROM messages WHERE body = 'after the forgery'",
            until=lambda r: r[0][0] == 1)
    assert _count(db, "forged archive line") == 0
    assert "forged archive line" not in app.screen()
    assert "carol" not in app.status(), app.screen()
    app.assert_alive()


def test_retention_purges_at_start(server, home, app, bob):
    import sqlite3
    home.write_account(server)
    trust_and_connect(app, server)
    db = home.log_db()
    for body in ("an old message", "a new message"):
        bob.send("alice@localhost", body)
        wait_db(db, "SELECT count(*) FROM messages WHERE body = ?", (body,),
                until=lambda r: r[0][0] == 1)
    # A login after them moves the archive's sync mark past them.
    _start_again(app)
    app.type_line("/quit")
    app.wait_exit(10)
    # Make one of them a month old.
    con = sqlite3.connect(db)
    con.execute("UPDATE messages SET ts_local = ts_local - 30 * 86400, ts_server = NULL"
                " WHERE body = 'an old message'")
    con.commit()
    con.close()
    home.write_config("[log]\nretention_days=7\n")
    app.restart()
    app.wait_status("connected", timeout=15)
    app.wait_for("Log retention: deleted 1 message older than 7 days", timeout=10,
                 region="view")
    assert _count(db, "an old message") == 0
    assert _count(db, "a new message") == 1
    app.assert_alive()
