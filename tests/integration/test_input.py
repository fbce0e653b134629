# SPDX-License-Identifier: GPL-3.0-or-later
"""The input line: Alt-Enter composes a message of several lines; a
bracketed paste is one message (a long one asks first); canned responses
with :name and Tab; /bind; /editor runs $EDITOR while the connection goes
on."""

import os
import re
import stat
import time

from harness import trust_and_connect, wait_db

NL = "\u21b5"  # how the input line shows a newline


def _chat_with_bob(server, home, app, bob):
    home.write_account(server)
    trust_and_connect(app, server)
    bob.send("alice@localhost", "hi alice")
    app.wait_for(re.compile(r"\b2:bob\(1\)"), timeout=10, region="status")
    app.send_keys("M-2")
    app.wait_for("hi alice", timeout=5, region="view")


def _paste(app, text):
    """Pastes `text` as a terminal does: bracketed, since backchat asked."""
    app.tmux("set-buffer", "-b", "bcpaste", "--", text)
    app.tmux("paste-buffer", "-p", "-d", "-b", "bcpaste", "-t", app.target)


def test_multiline_and_paste(server, home, app, bob):
    _chat_with_bob(server, home, app, bob)

    # Alt-Enter: a newline; Enter sends the whole message.
    app.send_text("line one")
    app.send_keys("M-Enter")
    app.send_text("line two")
    app.wait_for("> line one%sline two" % NL, timeout=5, region="input")
    app.send_keys("Enter")
    m = bob.wait_for_message("line one\nline two", sender="alice@localhost", timeout=10)
    assert m.body == "line one\nline two", m

    # A paste of three lines: into the line, not sent by its newlines.
    _paste(app, "alpha\nbeta\ngamma\n")
    app.wait_for("> alpha%sbeta%sgamma" % (NL, NL), timeout=5, region="input")
    time.sleep(0.3)
    assert "Send" not in app.region("status")
    app.send_keys("Enter")
    m = bob.wait_for_message(re.compile("alpha"), sender="alice@localhost", timeout=10)
    assert m.body == "alpha\nbeta\ngamma", m
    app.wait_for(re.compile(r"^>\s*$"), timeout=5, region="input")

    # Longer than [input] paste_confirm_lines (5): asked in the status line;
    # Esc goes back to editing, Enter sends.
    _paste(app, "\n".join("row %d" % i for i in range(1, 8)))
    app.wait_for("Send 7 lines? (Enter to send, Esc to edit)", timeout=5, region="status")
    app.send_keys("Escape")
    app.wait_for("Send 7 lines?", timeout=5, region="status", absent=True)
    assert "row 7" in app.region("input")
    app.send_keys("Enter")
    m = bob.wait_for_message(re.compile("row 1"), sender="alice@localhost", timeout=10)
    assert m.body == "\n".join("row %d" % i for i in range(1, 8)), m
    app.assert_alive()


def test_canned_and_bind(server, home, app, bob):
    _chat_with_bob(server, home, app, bob)
    app.type_line("/canned add onit Thanks, I am on it!")
    app.wait_for("Canned response :onit saved", timeout=5, region="view")
    app.type_line("/canned add onhold Please hold on.")
    app.send_text("sure. :on")
    app.send_keys("Tab", "Tab")  # two names start so: the second Tab lists them
    app.wait_for(re.compile(r":onhold\s+:onit"), timeout=5, region="view")
    app.send_text("i")
    app.send_keys("Tab")
    app.wait_for("> sure. Thanks, I am on it!", timeout=5, region="input")
    app.send_keys("Enter")
    bob.wait_for_message(re.compile(r"^sure\. Thanks, I am on it!\s*$"),
                         sender="alice@localhost", timeout=10)

    # /bind F7, and a wrong key name says which names work.
    app.type_line("/bind F7 /msg bob@localhost sent by F7")
    app.wait_for("F7 now runs: /msg bob@localhost sent by F7", timeout=5, region="view")
    app.send_keys("F7")
    bob.wait_for_message("sent by F7", sender="alice@localhost", timeout=10)
    app.type_line("/bind Hyper-q /quit")
    app.wait_for(re.compile(r"unknown key \"Hyper-q\": key names are M-x"), timeout=5,
                 region="view")
    # A preset key: the binding takes precedence, and it says so.
    app.type_line("/bind F3 /msg bob@localhost not busy")
    app.wait_for(re.compile(r"instead of the status preset busy"), timeout=5, region="view")

    # Saved in the config file, and back after a restart.
    with open(os.path.join(home.config, "backchat", "config")) as f:
        text = f.read()
    assert "[canned]" in text and "onit=Thanks, I am on it!" in text, text
    assert "[keys]" in text and "F7=/msg bob@localhost sent by F7" in text, text
    app.type_line("/quit")
    app.wait_exit(timeout=10)
    app.restart()
    app.wait_status("connected", timeout=15)
    app.type_line("/bind")
    app.wait_for(re.compile(r"F7\s+/msg bob@localhost sent by F7"), timeout=5, region="view")
    app.send_keys("F7")
    bob.wait_for_message("sent by F7", sender="alice@localhost", timeout=10)


def test_editor(server, home, app, bob):
    go = os.path.join(home.dir, "go")
    script = os.path.join(home.dir, "fake-editor")
    with open(script, "w") as f:
        f.write("#!/bin/sh\n"
                "echo \"EDITING $(stat -c %%a \"$1\") $(cat \"$1\")\"\n"
                "i=0\n"
                "while [ ! -e '%s' ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done\n"
                "printf 'from the editor\\nsecond line\\n' > \"$1\"\n" % go)
    os.chmod(script, stat.S_IRWXU)
    app.env["EDITOR"] = script
    app.env.pop("VISUAL", None)
    _chat_with_bob(server, home, app, bob)

    app.send_text("draft")
    app.send_keys("M-e")
    # The editor has the terminal, and the draft, in a file only we read.
    app.wait_for("EDITING 600 draft", timeout=5)
    # A message while it runs is received: the log has it before the
    # editor exits.
    bob.send("alice@localhost", "sent while you edit")
    wait_db(home.log_db(), "SELECT body FROM messages WHERE body = ?",
            ("sent while you edit",), timeout=10)
    open(go, "w").close()
    # Back: the text is in the input line (not sent), the message shown.
    app.wait_for("> from the editor%ssecond line" % NL, timeout=10, region="input")
    app.wait_for("sent while you edit", timeout=5, region="view")
    app.send_keys("Enter")
    m = bob.wait_for_message(re.compile("from the editor"), sender="alice@localhost",
                             timeout=10)
    assert m.body == "from the editor\nsecond line", m

    # /editor TEXT starts from TEXT; its file is gone afterwards.
    os.unlink(go)
    app.type_line("/editor start here")
    app.wait_for("EDITING 600 start here", timeout=5)
    open(go, "w").close()
    app.wait_for("> from the editor", timeout=10, region="input")
    left = [n for n in os.listdir(home.runtime) if n.startswith("backchat-message")]
    assert not left, left
    app.assert_alive()
