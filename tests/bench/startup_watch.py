#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Time a client's start-up in a tmux pane; used by tests/bench/idle_wakeups.sh.

    startup_watch.py --client backchat|profanity|mcabber --tmux-socket S
        --tmux-conf F --stamp FILE --rows N [--timeout S]

Started before the client.  The pane's shell writes the wall-clock time
(bash's EPOCHREALTIME) to --stamp just before it execs the client; this
polls `tmux capture-pane` back to back (no sleep) and records, from that
moment:

  first_frame_s  the screen first has any text on it
  connected_s    the client shows it is connected: backchat's status line
                 (second to last row) says "connected"; Profanity's console
                 says "logged in successfully" and its title bar "[online]";
                 mcabber's status bar (second to last row) went from "[_]"
                 (offline) to "[o]" (online, once the session is up)

"poll_ms" is the mean time between two polls: the resolution of both.
Prints one JSON object; exit status 1 when the client did not connect within
--timeout seconds (the JSON then has "error").
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

CONNECTED = re.compile(r"(^|[^\w-])connected($|[^\w-])")
MCABBER_ONLINE = re.compile(r"^ *\[o\]")


def connected(client, lines, rows):
    if client == "backchat":
        return len(lines) >= rows - 1 and bool(CONNECTED.search(lines[rows - 2]))
    if client == "mcabber":
        return len(lines) >= rows - 1 and bool(MCABBER_ONLINE.match(lines[rows - 2]))
    return (any("logged in successfully" in ln for ln in lines)
            and bool(lines) and "[online]" in lines[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--client", choices=("backchat", "profanity", "mcabber"), required=True)
    ap.add_argument("--tmux-socket", required=True)
    ap.add_argument("--tmux-conf", required=True)
    ap.add_argument("--stamp", required=True)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--timeout", type=float, default=30)
    a = ap.parse_args()

    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
    cmd = ["tmux", "-L", a.tmux_socket, "-f", a.tmux_conf, "capture-pane", "-p",
           "-t", "bench:0.0"]
    res = {"client": a.client}
    seen = {}
    polls = 0
    start = time.time()
    deadline = start + a.timeout
    while time.time() < deadline:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           env=env, timeout=10)
        t = time.time()
        polls += 1
        if r.returncode != 0:
            continue                    # the tmux server is not up yet
        lines = r.stdout.decode("utf-8", "replace").split("\n")
        if "first" not in seen and any(ln.strip() for ln in lines):
            seen["first"] = t
        if connected(a.client, lines, a.rows):
            seen["connected"] = t
            break
    res["poll_ms"] = round((time.time() - start) * 1000 / max(polls, 1), 2)
    try:
        with open(a.stamp) as f:
            t0 = float(f.read().strip())
    except (OSError, ValueError):
        res["error"] = "the pane never wrote its start time to %s" % a.stamp
        print(json.dumps(res))
        return 1
    for k in ("first", "connected"):
        if k in seen:
            res[("first_frame_s" if k == "first" else "connected_s")] = round(seen[k] - t0, 4)
    if "connected" not in seen:
        res["error"] = "%s did not show it was connected within %.0f s" % (a.client, a.timeout)
        print(json.dumps(res))
        return 1
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
