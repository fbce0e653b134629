# SPDX-License-Identifier: GPL-3.0-or-later
"""`make demo` end to end: scripts/demo.sh in tmux, the way a new user
meets backchat.  Checks that it opens logged in, the team answers, the
team's shared roster arrives, the manager's priority announcement shows in
the banner until Alt-k, and /quit stops everything the demo started."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from harness import KEEP, REPO, backchat_path, require_backchat, state_re
from tmuxdrv import Tmux, _pid_alive


def _stop_team(pidfile):
    try:
        with open(pidfile) as f:
            pid = int(f.read())
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            if b"demo_team" not in f.read():
                return
        os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError):
        pass


def test_demo():
    require_backchat()
    state = tempfile.mkdtemp(prefix="bc-demo-")
    home = os.path.join(state, "home")
    os.makedirs(home)
    env = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "HOME": home, "BACKCHAT_DEMO_DIR": os.path.join(state, "demo"),
           "BACKCHAT_DEMO_NOWAIT": "1", "BACKCHAT": backchat_path(),
           "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
    t = Tmux([os.path.join(REPO, "scripts", "demo.sh")], env=env, cwd=home)
    server_state = os.path.join(state, "demo", "server", "state.json")
    try:
        t.start()
        t.wait_for(state_re("connected"), timeout=30, region="status")
        # The team room is bookmarked with autojoin: its tab opens by itself.
        t.wait_for(re.compile(r"(?<![\w:])\d+:team\b"), timeout=20, region="status")
        # Bob greets a few seconds after alice is online.
        bob_tab = re.compile(r"(?<![\w:])(\d+):(?:[Bb]ob|Bob Smith)\(1\)")
        scr = t.wait_for(bob_tab, timeout=20, region="status")
        t.type_line("/win %s" % bob_tab.search(t.region("status", scr)).group(1))
        t.wait_for("Ping me here if you need a hand with a ticket", timeout=5, region="view")

        t.type_line("/msg carol@localhost can you take the 10:30 call?")
        carol_tab = re.compile(r"(?<![\w:])(\d+):[Cc]arol\b")
        scr = t.wait_for(carol_tab, timeout=5, region="status")
        t.type_line("/win %s" % carol_tab.search(t.region("status", scr)).group(1))
        t.wait_for(re.compile(r"[Cc]arol(?: Jones)?: Thanks! .can you take the 10:30 call\?."),
                   timeout=10, region="view")

        # The demo team is in alice's roster (shared groups): /roster lists
        # at least six of the eight teammates, and some of them are busy
        # (their statuses change over time, so any of the busy ones).
        t.send_keys("M-1")
        deadline = time.monotonic() + 15
        while True:
            t.type_line("/roster")
            try:
                t.wait_for(re.compile(r"Roster: ([6-9]|\d{2,}) contacts"), timeout=3,
                           region="view")
                break
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
        t.wait_for(re.compile(r"On a Call|At Lunch|In a Meeting|Training|Coffee Break"),
                   timeout=5, region="view")

        # Morgan's priority announcement, half a minute in: a banner over
        # every tab until alice acknowledges it with Alt-k.
        t.wait_for("Phone system maintenance at 17:00", timeout=45)
        t.wait_for("Alt-k", timeout=5)
        t.send_keys("M-k")
        t.wait_for("Alt-k", timeout=5, absent=True)

        with open(server_state) as f:
            server_pid = json.load(f)["pid"]
        with open(os.path.join(state, "demo", "team.pid")) as f:
            team_pid = int(f.read())
        assert _pid_alive(server_pid) and _pid_alive(team_pid)

        t.type_line("/quit")
        status = t.wait_exit(timeout=20)
        assert status == 0, "demo.sh exited with %r" % (status,)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and (_pid_alive(server_pid) or _pid_alive(team_pid)):
            time.sleep(0.1)
        assert not _pid_alive(server_pid), "demo left Prosody running (pid %d)" % server_pid
        assert not _pid_alive(team_pid), "demo left the bots running (pid %d)" % team_pid
    finally:
        t.kill()
        # If the demo did not clean up, do it here.
        _stop_team(os.path.join(state, "demo", "team.pid"))
        if os.path.exists(server_state):
            subprocess.run([sys.executable, os.path.join(REPO, "tests", "integration",
                                                         "prosody.py"),
                            "stop", "--dir", os.path.join(state, "demo", "server")],
                           timeout=15)
        if KEEP:
            print("  kept demo state: %s" % state)
        else:
            shutil.rmtree(state, ignore_errors=True)
