#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Watch one client load a big roster; used by tests/bench/roster_load.sh.

    roster_watch.py --client backchat|profanity --pid PID --contacts N
        --groups G --tmux-socket NAME --tmux-conf FILE --server-port PORT
        [--load-timeout S] [--drain-timeout S] [--interval S]

The client runs in a tmux pane (target bench:0.0) and is logging in to an
account whose roster roster_fixture.py wrote (N contacts in G groups, all
offline).  Two moments are measured, both from the client process's start
(field 22 of /proc/PID/stat, i.e. the fork that became the client):

  shown    the roster is on the screen, complete:
             backchat   its roster panel lists every fixture group with a
                        count, and the counts add up to N (or a "Roster: N
                        contacts" line is on screen); with --online K the
                        online contacts push most groups off the panel, so
                        every group header on screen must show the
                        fixture's "online/total" counts
             profanity  its roster panel shows fixture contacts (Profanity
                        fills the panel once, when the whole roster result
                        has been handled)
           The screen is polled every --interval seconds (default 0.01).
  drained  everything the server sent has been read: the client's socket
           has nothing queued to read and the server's side of the
           connection nothing left to send, for a whole second, and the
           client used < 2 ms of CPU in that second.  After the roster the
           server answers its presence probes: one <presence
           type="unavailable"/> per contact, so this is "the client has
           caught up with the presence of the whole roster".  Given up after
           --drain-timeout seconds (then reported with the bytes still
           queued).

CPU time is the process's on-CPU time (sum of /proc/PID/task/*/schedstat,
nanoseconds) and utime+stime (/proc/PID/stat, clock ticks) at each moment.
RSS is VmRSS (and VmHWM, the peak) at the end.  Prints one JSON object.
Exit status 0, or 1 when the roster was not shown within --load-timeout
(the JSON then has "error" and the last screen).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import roster_fixture  # noqa: E402

HZ = os.sysconf("SC_CLK_TCK")


def now():
    return time.clock_gettime(time.CLOCK_BOOTTIME)


def proc_start(pid):
    """The process's start time, seconds since boot (CLOCK_BOOTTIME)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[19]) / HZ          # field 22 overall


def cpu(pid):
    """(on-CPU ns or None, utime+stime ticks)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    ns = 0
    try:
        for t in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
                ns += int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        ns = None
    return ns, ticks


def memory(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0])          # kB
    return out


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Tmux:
    def __init__(self, socket, conf, target="bench:0.0"):
        self.base = ["tmux", "-L", socket, "-f", conf]
        self.target = target
        self.env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}

    def screen(self):
        r = subprocess.run(self.base + ["capture-pane", "-p", "-t", self.target],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           env=self.env, timeout=10)
        return r.stdout.decode("utf-8", "replace")


def socket_inodes(pid):
    out = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if link.startswith("socket:["):
                out.add(link[8:-1])
    except OSError:
        pass
    return out


def tcp_table():
    """[(local_port, remote_port, tx_queue, rx_queue, inode)] for IPv4 TCP."""
    rows = []
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            p = line.split()
            if p[3] != "01":                 # ESTABLISHED only
                continue
            lport = int(p[1].split(":")[1], 16)
            rport = int(p[2].split(":")[1], 16)
            tx, rx = (int(x, 16) for x in p[4].split(":"))
            rows.append((lport, rport, tx, rx, p[9]))
    return rows


def queues(pid, server_port):
    """(client rx queue, server tx queue) bytes of the client's connection
    to the server, or None when it is not found."""
    inodes = socket_inodes(pid)
    table = tcp_table()
    for lport, rport, tx, rx, inode in table:
        if inode in inodes and rport == server_port:
            for l2, r2, tx2, rx2, _ in table:
                if l2 == server_port and r2 == lport:
                    return rx, tx2
            return rx, 0
    return None


def backchat_shown(screen, groups, n, online=None):
    if not online and re.search(r"\bRoster: %d contacts\b" % n, screen):
        return True
    seen = {}
    on = {}
    for line in screen.splitlines():
        # The panel is the right-hand column after the last vertical bar.
        cut = max(line.rfind("\u2502"), line.rfind("|"))
        if cut < 0:
            continue
        cell = line[cut + 1:].strip()
        m = re.match(r"^(.*?)\s+\(?(?:(\d+)/)?(\d+)\)?$", cell)
        if m and m.group(1) in groups:
            seen[m.group(1)] = int(m.group(3))
            on[m.group(1)] = int(m.group(2) or 0)
    if online:
        # Contacts online are listed under their group's header (with their
        # status), so only the first groups fit on the screen: every group
        # header on screen must show the fixture's online/total counts.
        return bool(seen) and all(seen[g] == online[g][1] and on[g] == online[g][0]
                                  for g in seen)
    return set(seen) == set(groups) and sum(seen.values()) == n


def profanity_shown(screen, names):
    hits = 0
    for line in screen.splitlines():
        for w in re.findall(r"[A-Z][a-z]+ [A-Z][a-z]+", line):
            if w in names:
                hits += 1
    return hits >= min(3, len(names))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--client", choices=("backchat", "profanity"), required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--contacts", type=int, required=True)
    ap.add_argument("--groups", type=int, default=12)
    ap.add_argument("--tmux-socket", required=True)
    ap.add_argument("--tmux-conf", required=True)
    ap.add_argument("--server-port", type=int, required=True)
    ap.add_argument("--load-timeout", type=float, default=300)
    ap.add_argument("--drain-timeout", type=float, default=120)
    ap.add_argument("--interval", type=float, default=0.01)
    ap.add_argument("--online", type=int, default=0,
                    help="contacts online: backchat's group counts must show them")
    a = ap.parse_args(argv)

    pid = a.pid
    items = list(roster_fixture.contacts(a.contacts, a.groups, "localhost"))
    names = {name for _, name, _ in items}
    groups = {g for _, _, g in items}
    expect = None                       # group -> [online, total]
    if a.online:
        expect = {g: [0, 0] for g in groups}
        for i, (_, _, g) in enumerate(items):
            expect[g][1] += 1
            expect[g][0] += i < a.online
    tm = Tmux(a.tmux_socket, a.tmux_conf)
    t0 = proc_start(pid)
    res = {"client": a.client, "contacts": a.contacts, "pid": pid}

    def stamp(key):
        ns, ticks = cpu(pid)
        res[key + "_s"] = round(now() - t0, 3)
        res[key + "_cpu_ms"] = round(ns / 1e6, 1) if ns is not None else None
        res[key + "_ticks_ms"] = ticks * 1000 // HZ

    # -- shown ----------------------------------------------------------------
    deadline = now() + a.load_timeout
    screen = ""
    polls = 0
    while True:
        if not alive(pid):
            res["error"] = "the client exited before the roster was shown"
            break
        screen = tm.screen()
        polls += 1
        ok = (backchat_shown(screen, groups, a.contacts, expect) if a.client == "backchat"
              else profanity_shown(screen, names))
        if ok:
            stamp("shown")
            break
        if now() > deadline:
            res["error"] = "roster not shown within %.0f s" % a.load_timeout
            break
        time.sleep(a.interval)
    res["polls"] = polls
    if "error" in res:
        res["screen"] = screen
        print(json.dumps(res))
        return 1

    # -- drained --------------------------------------------------------------
    deadline = now() + a.drain_timeout
    quiet_since = None
    quiet_stamp = None
    window = []                 # (t, ns) over the last second
    q = None
    while alive(pid):
        time.sleep(0.05)
        t = now()
        ns, ticks = cpu(pid)
        q = queues(pid, a.server_port)
        window.append((t, ns or 0))
        while window and window[0][0] < t - 1.0:
            window.pop(0)
        busy = window[-1][1] - window[0][1] if window else 0
        empty = q is not None and q == (0, 0)
        if empty and busy < 2e6 * (t - window[0][0]):
            if quiet_since is None:
                quiet_since = t
                quiet_stamp = (t, ns, ticks)
            elif t - quiet_since >= 1.0:
                qt, qns, qticks = quiet_stamp
                res["drained_s"] = round(qt - t0, 3)
                res["drained_cpu_ms"] = round(qns / 1e6, 1) if qns is not None else None
                res["drained_ticks_ms"] = qticks * 1000 // HZ
                break
        else:
            quiet_since = None
        if t > deadline:
            res["drained_s"] = None
            res["drain_gave_up_s"] = round(t - t0, 3)
            res["drain_left"] = {"client_recv_q": q[0] if q else None,
                                 "server_send_q": q[1] if q else None}
            ns, ticks = cpu(pid)
            res["gave_up_cpu_ms"] = round(ns / 1e6, 1) if ns is not None else None
            break
    if not alive(pid):
        res["error"] = "the client exited while draining"
        print(json.dumps(res))
        return 1
    mem = memory(pid)
    res["rss_kb"] = mem.get("VmRSS")
    res["hwm_kb"] = mem.get("VmHWM")
    res["threads"] = len(os.listdir("/proc/%d/task" % pid))
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
