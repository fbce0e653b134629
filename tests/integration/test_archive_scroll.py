# SPDX-License-Identifier: GPL-3.0-or-later
"""Scrolling back past the start of the local log asks the server archive
(XEP-0313, 'with' the peer and RSM <before/>) for older messages of that
conversation, and they page in as if they had always been in the log."""

import re
import sqlite3
import time

from harness import query_db, trust_and_connect
from test_log import ARCHIVE_SYNCED, _peer, _server_without_offline

N = 30
KEEP = 5  # the newest messages the local log keeps


def test_pgup_fetches_older_from_the_archive(home, app):
    srv = _server_without_offline()
    bob = None
    try:
        home.write_account(srv)
        db = home.log_db()
        bob = _peer(srv, "bob")
        texts = ["msg %02d" % i for i in range(N)]
        for i, t in enumerate(texts):
            if i == N - KEEP:
                # Times are whole seconds and rows of one second sort by
                # when they were logged: the kept ones a second later.
                time.sleep(1.1)
            bob.send("alice@localhost", t)
            time.sleep(0.02)  # distinct archive order
        time.sleep(0.5)       # archived by the server

        # The first catch-up logs them all (with their archive ids) ...
        trust_and_connect(app, srv)
        app.wait_for(ARCHIVE_SYNCED, timeout=15, region="view")
        rows = query_db(db, "SELECT count(*) FROM messages WHERE body LIKE 'msg %'"
                            " AND server_id IS NOT NULL")
        assert rows[0][0] == N, rows
        app.type_line("/quit")
        app.wait_exit(10)
        # ... then the local log forgets all but the newest few (the sync
        # mark stays: the next catch-up brings nothing).
        con = sqlite3.connect(db)
        with con:
            con.execute("DELETE FROM messages WHERE body LIKE 'msg %' AND body < ?",
                        (texts[N - KEEP],))
        con.close()
        assert query_db(db, "SELECT count(*) FROM messages WHERE body LIKE 'msg %'")[0][0] \
            == KEEP

        app.restart()
        app.wait_status("connected", timeout=15)
        app.wait_for(ARCHIVE_SYNCED, timeout=15, region="view")
        app.type_line("/msg bob@localhost")
        view = app.wait_for(texts[-1], timeout=5, region="view")
        assert texts[N - KEEP - 1] not in view, view

        shown = set()
        fetching_seen = False
        for _ in range(40):
            app.send_keys("PPage")
            time.sleep(0.3)
            view = app.screen()
            fetching_seen |= "fetching older messages from the server" in view
            shown.update(re.findall(r"msg \d\d", view))
            if "msg 00" in view and "start of the archive" in view:
                break
        assert "msg 00" in view, "never reached the first message:\n%s" % view
        assert "start of the archive" in view, view
        assert fetching_seen or len(shown) == N, view
        assert shown == set(texts), sorted(set(texts) - shown)
        # Each message once, in order, in the log and on screen.
        for t in texts:
            n = query_db(db, "SELECT count(*) FROM messages WHERE body = ?", (t,))[0][0]
            assert n == 1, "%r logged %d times" % (t, n)
        nums = [int(m) for m in re.findall(r"msg (\d\d)", view)]
        assert nums == sorted(nums) and len(nums) == len(set(nums)), view

        # The archive said it has nothing older: PgUp asks no more.
        app.send_keys("PPage")
        time.sleep(0.3)
        assert "fetching older" not in app.screen()
        app.assert_alive()
    finally:
        if bob:
            bob.stop()
        srv.stop()
