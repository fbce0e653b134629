# SPDX-License-Identifier: GPL-3.0-or-later
"""Crash safety: backchat killed with SIGKILL in the middle of a message
flood loses nothing. After a restart the local log has every message the
server archived exactly once (the archive catch-up fills in what the dead
process never stored), and the database is intact."""

import os
import signal
import sqlite3
import time

from harness import query_db, trust_and_connect, wait_db

TOTAL = 600


def _bodies(db):
    return query_db(db, "SELECT body, COUNT(*) FROM messages WHERE body LIKE 'crash-%' "
                        "GROUP BY body")


def test_kill9_during_flood(server, home, app, bob):
    home.write_account(server)
    trust_and_connect(app, server)
    db = home.log_db()
    # backchat has logged something: the log exists before the flood.
    bob.send("alice@localhost", "crash-warmup")
    wait_db(db, "SELECT COUNT(*) FROM messages WHERE body = 'crash-warmup'",
            until=lambda r: r and r[0][0] == 1, timeout=10)

    killed_at = None
    for i in range(1, TOTAL + 1):
        bob.send("alice@localhost", "crash-%04d" % i)
        if i == TOTAL // 3:
            # Let part of the flood reach the log, then pull the plug.
            wait_db(db, "SELECT COUNT(*) FROM messages WHERE body LIKE 'crash-0%'",
                    until=lambda r: r and r[0][0] >= 20, timeout=15)
            os.kill(app.pane_pid, signal.SIGKILL)
            killed_at = i
            app.wait_exit(timeout=5)
        if i % 50 == 0:
            time.sleep(0.05)
    assert killed_at

    stored_before = len(_bodies(db))
    assert 0 < stored_before < TOTAL + 1, stored_before

    # The database survived the kill (WAL, one transaction per turn).
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()

    # Restart: the catch-up brings the rest, once each.
    app.restart()
    app.wait_status("connected", timeout=20)
    rows = wait_db(db, "SELECT COUNT(DISTINCT body) FROM messages WHERE body LIKE 'crash-%'",
                   until=lambda r: r and r[0][0] == TOTAL + 1, timeout=30)
    assert rows[0][0] == TOTAL + 1
    dups = [r for r in _bodies(db) if r[1] != 1]
    assert not dups, "stored more than once: %r" % dups[:10]
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    app.assert_alive()
