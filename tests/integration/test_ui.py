# SPDX-License-Identifier: GPL-3.0-or-later
"""The screen as a person uses it: resizing, redraw, wrapping of wide
text, scrolling, completion, hidden password entry, history on disk, and
hostile text from a peer never reaching the terminal."""

import os
import re
import time

from harness import file_mode, trust_and_connect


def _resize(app, width, height):
    app.tmux("resize-window", "-t", app.target, "-x", str(width), "-y", str(height))
    app.width, app.height = width, height


def _display_width(s):
    import unicodedata
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


LONG = ("Quarterly numbers are in: the queue dropped by twelve percent. "
        "日本語のテキストも正しく折り返されます 🎉🎉 and then some more words "
        "to make sure this wraps several times on a narrow terminal window end.")


def test_resize_wrap_and_redraw(server, home, app, bob):
    home.write_account(server)
    trust_and_connect(app, server)
    bob.send("alice@localhost", LONG)
    app.wait_for(re.compile(r"(?<![\w:])2:bob\(1\)"), timeout=10, region="status")
    app.send_keys("M-2")
    app.wait_for("Quarterly numbers", timeout=5, region="view")

    for width, height in ((50, 20), (100, 30), (38, 16)):
        _resize(app, width, height)
        scr = app.wait_for("end.", timeout=5, region="view")
        rows = scr.split("\n")
        for row in rows:
            assert _display_width(row) <= width, \
                "row wider than the %d-column terminal: %r" % (width, row)
        # Words are not cut in the middle: every word of the message is
        # whole on some row.
        text = " ".join(r.strip() for r in rows)
        for word in ("Quarterly", "percent.", "🎉🎉", "narrow", "terminal", "window"):
            assert word in text, "%r broken or lost at %dx%d:\n%s" % (word, width, height, scr)
        # The layout follows: status line second to last, input line last.
        app.wait_for("connected", timeout=5, region="status")
        assert app.region("input").startswith(">"), app.screen()

    # Ctrl-L repaints everything: garbage written behind backchat's back
    # disappears.
    app.tmux("send-keys", "-t", app.target, "-l", "")
    pane_tty = app.tmux("display", "-p", "-t", app.target, "#{pane_tty}").strip()
    with open(pane_tty, "w") as tty:
        tty.write("\r\nGARBAGE-GARBAGE-GARBAGE\r\n")
    app.wait_for("GARBAGE-GARBAGE", timeout=5)
    app.send_keys("C-l")
    app.wait_for("GARBAGE-GARBAGE", timeout=5, absent=True)
    app.wait_for("Quarterly numbers", timeout=5, region="view")
    app.assert_alive()


def test_scroll_pgup_pgdn(server, home, app, bob):
    home.write_account(server)
    trust_and_connect(app, server)
    for i in range(60):
        bob.send("alice@localhost", "line %02d of the backlog" % i)
    app.wait_for(re.compile(r"(?<![\w:])2:bob\(60\)"), timeout=15, region="status")
    app.send_keys("M-2")
    app.wait_for("line 59 of the backlog", timeout=5, region="view")
    app.send_keys("PPage")
    app.wait_for("more below", timeout=5, region="status")
    view = app.region("view")
    assert "line 59 of the backlog" not in view, "PgUp did not scroll:\n" + view
    app.send_keys("PPage", "PPage", "PPage")
    app.wait_for("line 00 of the backlog", timeout=5, region="view")
    for _ in range(5):
        app.send_keys("NPage")
    app.wait_for("line 59 of the backlog", timeout=5, region="view")
    app.wait_for("more below", timeout=5, region="status", absent=True)


def test_completion_and_help(server, home, app):
    home.write_account(server)
    trust_and_connect(app, server)
    app.send_keys("/he", "Tab")
    app.wait_for(re.compile(r"^> /help\s*$"), timeout=5, region="input")
    app.send_keys("C-c")
    app.wait_for(re.compile(r"^> ?$"), timeout=5, region="input")
    app.type_line("/msg bob@localhost")
    app.send_keys("M-1")
    app.send_keys("/msg b", "Tab")
    app.wait_for("/msg bob@localhost", timeout=5, region="input")
    app.send_keys("C-c")
    app.type_line("/help tls")
    app.wait_for("/tls trust|deny|show|forget", timeout=5, region="view")
    app.type_line("/nosuch")
    app.wait_for(re.compile(r"Unknown command /nosuch.*/help"), timeout=5, region="view")
    app.type_line("/win 9")
    app.wait_for("no tab \"9\"", timeout=5, region="view")


def test_account_add_hides_password(server, home, app):
    # No accounts file at all: backchat starts and says how to make one.
    app.start(args=[])
    app.wait_for("/account add", timeout=10, region="view")
    app.type_line("/account add work alice@localhost 127.0.0.1:%d" % server.port)
    app.wait_for("Password for alice@localhost", timeout=5, region="input")
    pw = server.users["alice"]
    app.send_text(pw)
    app.wait_for("*" * len(pw), timeout=5, region="input")
    scr = app.screen()
    assert pw not in scr, "the password is echoed:\n" + scr
    app.send_keys("Enter")
    app.wait_for("Password saved for account work", timeout=5, region="view")

    path = home.accounts_path
    assert file_mode(path) == 0o600, oct(file_mode(path))
    assert file_mode(os.path.dirname(path)) == 0o700, oct(file_mode(os.path.dirname(path)))
    with open(path) as f:
        text = f.read()
    assert "[work]" in text and "jid=alice@localhost" in text, text
    assert "port=%d" % server.port in text and "server=127.0.0.1" in text, text
    assert "password=%s" % pw in text, text

    # /connect uses it (after trusting the test certificate).
    app.type_line("/connect work")
    app.wait_for("/tls trust", timeout=15, region="view")
    app.type_line("/tls trust")
    app.wait_status("connected", timeout=15)

    # Quit; the input history on disk has the commands but no password.
    app.type_line("/account set work password other-secret")
    app.wait_for("Account work: password updated", timeout=5, region="view")
    app.type_line("/quit")
    app.wait_exit(timeout=10)
    hist = os.path.join(home.env()["XDG_DATA_HOME"], "backchat", "history")
    assert file_mode(hist) == 0o600, oct(file_mode(hist))
    with open(hist, errors="replace") as f:
        h = f.read()
    assert "/account add work alice@localhost" in h, h
    assert pw not in h and "other-secret" not in h, h


# Text a hostile peer can put in a valid XML stream (raw ESC and other C0
# controls are not allowed in XML 1.0, so the attack uses C1 controls,
# bidi overrides and line separators, which are).
HOSTILE = ("evil\u009b2J\u009d0;owned\u009c \u202egnp.exe\u202c "
           "\u2066iso\u2069 nl\u2028x")
FORBIDDEN_BYTES = [
    b"\xc2\x9b",       # CSI (C1) as UTF-8
    b"\xc2\x9d",       # OSC (C1)
    b"\xc2\x9c",       # ST (C1)
    b"\xe2\x80\xae",   # U+202E RIGHT-TO-LEFT OVERRIDE
    b"\xe2\x81\xa6",   # U+2066 LEFT-TO-RIGHT ISOLATE
    b"\xe2\x80\xa8",   # U+2028 LINE SEPARATOR
    b"\x1b]",          # OSC (7-bit): ncurses never needs it
    b"\x1bP",          # DCS
]


def test_hostile_text_never_reaches_the_terminal(server, home, app, bob):
    home.write_account(server)
    raw = os.path.join(home.dir, "pty.raw")
    trust_and_connect(app, server)
    # Everything backchat writes to its terminal from now on, byte for byte.
    app.tmux("pipe-pane", "-t", app.target, "-o", "cat >> '%s'" % raw)
    bob.send("alice@localhost", HOSTILE)
    bob.send("alice@localhost", "after the attack")
    app.wait_for(re.compile(r"(?<![\w:])2:bob\(2\)"), timeout=10, region="status")
    app.send_keys("M-2")
    app.wait_for("after the attack", timeout=10, region="view")
    app.wait_for(re.compile(r"evil.*owned"), timeout=5, region="view")
    time.sleep(0.5)
    app.tmux("pipe-pane", "-t", app.target)
    with open(raw, "rb") as f:
        data = f.read()
    assert b"evil" in data, "pipe-pane captured nothing"
    # backchat's own window title (the unread count while notifications
    # fall back to the bell) is the one OSC allowed: fixed text, no peer's.
    data = re.sub(rb"\x1b\]0;backchat(?: \(\d+\))?\x07", b"", data)
    for seq in FORBIDDEN_BYTES:
        assert seq not in data, "%r reached the terminal" % seq
    # The log keeps the sanitized text, not the raw one.
    from harness import wait_db
    rows = wait_db(home.log_db(), "SELECT body FROM messages WHERE body LIKE 'evil%'", (),
                   timeout=5)
    assert rows, "hostile message not logged"
    body = rows[0][0]
    for ch in ("\u009b", "\u009d", "\u202e", "\u2066", "\u2028"):
        assert ch not in body, "%r stored in the log: %r" % (ch, body)
    app.assert_alive()
