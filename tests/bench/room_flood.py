#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Flood a room and watch one client take it; used by tests/bench/room_flood.sh.

    room_flood.py --port P --cafile CRT --sender JID --room ROOM --count N
        (--pid PID --tmux-socket S --tmux-conf F --join-keys TEXT
         [--after-join-keys KEY]... [--verify-keys KEY]...
        | --null-client BIN --null-jid JID)
        [--interval S] [--timeout S] [--settle S]
    (passwords in FLOOD_SENDER_PASSWORD and, for the null client,
     NULLCLIENT_PASSWORD)

The sender is a slixmpp client in this process (not the client's): it
joins ROOM first (so the room exists, configured as an instant room),
then the client joins: a client in a tmux pane is told to by typing
--join-keys; the null client is started with the room.  Once the sender
sees the client's occupant presence it presses --after-join-keys (to move
the focus away from the room tab), waits --settle seconds, and sends N
groupchat messages "flood-1: ..." .. "flood-N: ..." as fast as the server
takes them.  Measured, from the moment the first message is sent:

  server_s   the sender got the server's echo of the last message: the
             server's own time to accept (and fan out) all N
  shown_s    the last message's text is on the client's screen (tmux
             capture-pane polled every --interval s); the null client
             reports when it parsed the last one; with --verify-keys (the
             room tab not focused) there is nothing to see, so this is
             missing and the client is only watched until it is quiet
  quiet_s    the client is done: after the server took everything, its
             on-CPU time grew by less than 2 ms in a whole second; the
             moment of its last CPU use
  cpu_s      utime+stime (/proc/PID/stat) from just before the first
             message to quiet; oncpu_s the same from schedstat (ns)
  hwm_kib    VmHWM (peak RSS) at the end

With --verify-keys, once quiet the keys are pressed (switch to the room
tab) and the last message must then appear on screen within 15 s
("verified").  Prints one JSON object; exit status 1 when something did
not happen in time ("error" says what, "screen" is the last screen).
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET

import slixmpp

HZ = os.sysconf("SC_CLK_TCK")
NS_MUC = "http://jabber.org/protocol/muc"
NS_MUC_USER = "http://jabber.org/protocol/muc#user"
NS_MUC_OWNER = "http://jabber.org/protocol/muc#owner"
NS_DATA = "jabber:x:data"
FILLER = [
    "ticket queue looks long this morning",
    "who has the printer escalation",
    "customer on line 3 asks for a callback",
    "deploy window moved to 14:00",
    "password reset tool is slow again",
    "closing the VPN incident now",
]
QUIET_CPU_NS = 2_000_000    # less than this in QUIET_WINDOW: quiet
QUIET_WINDOW = 1.0


def body_of(i):
    return "flood-%d: %s" % (i, FILLER[i % len(FILLER)])


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fld = f.read().rsplit(")", 1)[1].split()
    return int(fld[11]) + int(fld[12])       # utime, stime (fields 14, 15)


def oncpu_ns(pid):
    total = 0
    for t in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, t)) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def status_kib(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


class Watch:
    """Polls the client: its screen (tmux) and its CPU time."""

    def __init__(self, a, pid):
        self.a = a
        self.pid = pid
        self.tmux = ["tmux", "-L", a.tmux_socket, "-f", a.tmux_conf] if a.tmux_socket else None
        self.env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}

    def screen(self):
        if not self.tmux:
            return ""
        r = subprocess.run(self.tmux + ["capture-pane", "-p", "-t", "bench:0.0"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True, env=self.env, timeout=10)
        return r.stdout

    def keys(self, *keys, literal=False):
        if self.tmux:
            subprocess.run(self.tmux + ["send-keys", "-t", "bench:0.0"]
                           + (["-l"] if literal else []) + list(keys),
                           env=self.env, check=True, timeout=10)

    def type_line(self, text):
        self.keys(text, literal=True)
        self.keys("Enter")


class Sender:
    def __init__(self, a, loop):
        self.a = a
        self.loop = loop
        self.room = a.room
        self.nick = "flooder"
        self.x = slixmpp.ClientXMPP(a.sender + "/flood", os.environ["FLOOD_SENDER_PASSWORD"])
        self.x.loop = loop
        self.x.ca_certs = a.cafile
        self.joined = asyncio.Event()
        self.created = False
        self.occupant = asyncio.Event()
        self.done = asyncio.Event()
        self.done_at = None
        self.last = body_of(a.count)
        self.echoes = 0
        self.x.add_event_handler("session_start", self.on_start)
        self.x.add_event_handler("presence", self.on_presence)
        self.x.add_event_handler("message", self.on_message)
        self.failed = None
        for ev in ("connection_failed", "failed_auth"):
            self.x.add_event_handler(ev, lambda e, ev=ev: self.fail("sender: %s: %s" % (ev, e)))

    def fail(self, why):
        self.failed = why
        self.joined.set()
        self.occupant.set()
        self.done.set()

    async def on_start(self, _e):
        p = self.x.make_presence(pto="%s/%s" % (self.room, self.nick))
        x = ET.SubElement(p.xml, "{%s}x" % NS_MUC)
        ET.SubElement(x, "{%s}history" % NS_MUC, maxstanzas="0")
        p.send()

    def on_presence(self, p):
        frm = p["from"]
        if frm.bare != self.room:
            return
        if p["type"] == "error":
            self.fail("the room refused the sender: %s" % p["error"]["condition"])
            return
        x = p.xml.find("{%s}x" % NS_MUC_USER)
        codes = set() if x is None else {s.get("code") for s in x.findall("{%s}status" % NS_MUC_USER)}
        if frm.resource == self.nick:
            if "110" in codes and not self.joined.is_set():
                self.created = "201" in codes
                self.loop.create_task(self.configure())
        elif p["type"] != "unavailable" and self.joined.is_set():
            self.occupant.set()

    async def configure(self):
        if self.created:
            # A new room stays locked until its owner configures it: accept
            # the defaults (an instant room, XEP-0045 10.1.2).
            iq = self.x.make_iq_set(ito=self.room)
            q = ET.SubElement(iq.xml, "{%s}query" % NS_MUC_OWNER)
            ET.SubElement(q, "{%s}x" % NS_DATA, type="submit")
            try:
                await iq.send(timeout=10)
            except Exception as e:              # noqa: BLE001
                self.fail("could not unlock the new room: %s" % e)
                return
        self.joined.set()

    def on_groupchat(self, m):
        if m["from"].resource == self.nick:
            self.echoes += 1
            if m["body"] == self.last and self.done_at is None:
                self.done_at = time.monotonic()
                self.done.set()

    def on_message(self, m):
        if m["type"] == "groupchat":
            self.on_groupchat(m)
        elif m["type"] == "error":
            self.fail("the server bounced a message: %s" % m["error"]["condition"])

    async def flood(self):
        mk = self.x.make_message
        for i in range(1, self.a.count + 1):
            mk(mto=self.room, mbody=body_of(i), mtype="groupchat").send()
            if i % 200 == 0:
                # Let the loop write (and read the echoes) between batches.
                await asyncio.sleep(0)


async def run(a, out):
    loop = asyncio.get_running_loop()
    s = Sender(a, loop)
    s.x.connect(address=("127.0.0.1", a.port), force_starttls=True)
    try:
        await asyncio.wait_for(s.joined.wait(), 30)
    except asyncio.TimeoutError:
        raise RuntimeError("the sender could not join %s within 30 s" % a.room) from None
    if s.failed:
        raise RuntimeError(s.failed)

    null = None
    pid = a.pid
    null_lines = []
    null_event = threading.Event()
    if a.null_client:
        null = subprocess.Popen([a.null_client, a.null_jid, "127.0.0.1", str(a.port),
                                 "%s/nullclient" % a.room, body_of(a.count).split(":")[0] + ":",
                                 a.cafile], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True)
        pid = null.pid

        def reader():
            for line in null.stdout:
                null_lines.append((time.monotonic(), line.split()))
                null_event.set()
        threading.Thread(target=reader, daemon=True).start()
    w = Watch(a, pid)
    out["pid"] = pid
    try:
        if a.join_keys:
            w.type_line(a.join_keys)
        try:
            await asyncio.wait_for(s.occupant.wait(), 30)
        except asyncio.TimeoutError:
            raise RuntimeError("the client did not join %s within 30 s" % a.room) from None
        if s.failed:
            raise RuntimeError(s.failed)
        for k in a.after_join_keys:
            w.keys(k)
        await asyncio.sleep(a.settle)

        c0, n0 = cpu_ticks(pid), oncpu_ns(pid)
        t0 = time.monotonic()
        flood = loop.create_task(s.flood())

        # The watch runs in a thread: tmux capture-pane is a subprocess, and
        # the sender's loop must keep reading echoes meanwhile.
        res = {}
        target = body_of(a.count).split(":")[0] + ":"
        want_screen = bool(a.tmux_socket) and not a.verify_keys

        def watch():
            deadline = time.monotonic() + a.timeout
            samples = []                # (time, on-CPU ns), one per poll
            first = [0]                 # the first window not yet ruled out
            while time.monotonic() < deadline:
                if want_screen and "shown" not in res and target in w.screen():
                    res["shown"] = time.monotonic()
                if null and "shown" not in res:
                    for _t, f in list(null_lines):
                        if f and f[0] == "last":
                            res["shown"] = float(f[1])
                            res["null_seen"] = int(f[2])
                now = time.monotonic()
                samples.append((now, oncpu_ns(pid)))
                ready = s.done_at is not None and ("shown" in res or not (want_screen or null))
                if ready:
                    # Quiet: the first window of QUIET_WINDOW s, after the
                    # server took everything and the client showed it, in
                    # which the client used less than QUIET_CPU_NS.
                    start = max(s.done_at, res.get("shown", 0))
                    while first[0] < len(samples):
                        t, ns = samples[first[0]]
                        if t < start:
                            first[0] += 1
                            continue
                        if now - t < QUIET_WINDOW:
                            break
                        later = next(n for tt, n in samples if tt >= t + QUIET_WINDOW)
                        if later - ns < QUIET_CPU_NS:
                            res["quiet"] = t
                            res["cpu"] = cpu_ticks(pid)
                            res["ns"] = oncpu_ns(pid)
                            return
                        first[0] += 1   # a window once busy stays busy
                time.sleep(a.interval)
        await loop.run_in_executor(None, watch)
        await flood
        out["server_s"] = s.done_at - t0 if s.done_at else None
        out["echoes"] = s.echoes
        if "shown" in res:
            out["shown_s"] = res["shown"] - t0
        if "null_seen" in res:
            out["null_seen"] = res["null_seen"]
        if "quiet" not in res:
            out["error"] = ("the server did not echo the last message" if s.done_at is None
                            else "the last message was not shown" if "shown" not in res
                            else "the client did not go quiet")
            out["error"] += " within %.0f s" % a.timeout
            return 1
        out["quiet_s"] = max(res["quiet"] - t0, out.get("shown_s") or 0)
        out["cpu_s"] = (res["cpu"] - c0) / HZ
        out["oncpu_s"] = (res["ns"] - n0) / 1e9
        out["hwm_kib"] = status_kib(pid, "VmHWM")
        out["rss_kib"] = status_kib(pid, "VmRSS")
        if a.verify_keys:
            for k in a.verify_keys:
                w.keys(k)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                if target in w.screen():
                    out["verified"] = True
                    break
                await asyncio.sleep(0.1)
            else:
                out["error"] = "the room tab did not show the last message after %s" % a.verify_keys
                return 1
        return 0
    finally:
        out["screen"] = w.screen()
        if null:
            try:
                null.stdin.close()
                null.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                null.kill()
        s.x.disconnect(wait=0.5)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cafile", required=True)
    ap.add_argument("--sender", required=True)
    ap.add_argument("--room", required=True)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--pid", type=int)
    ap.add_argument("--tmux-socket")
    ap.add_argument("--tmux-conf")
    ap.add_argument("--join-keys")
    ap.add_argument("--after-join-keys", action="append", default=[])
    ap.add_argument("--verify-keys", action="append", default=[])
    ap.add_argument("--null-client")
    ap.add_argument("--null-jid")
    ap.add_argument("--interval", type=float, default=0.05)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--settle", type=float, default=1.5)
    a = ap.parse_args()
    if not a.null_client and not (a.pid and a.tmux_socket and a.join_keys):
        ap.error("give --null-client, or --pid, --tmux-socket and --join-keys")

    if a.null_client:
        a.tmux_socket = None        # no screen to watch
    out = {"count": a.count}
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        rc = loop.run_until_complete(run(a, out))
    except (RuntimeError, OSError) as e:
        out.setdefault("error", str(e))
        rc = 1
    finally:
        loop.run_until_complete(asyncio.sleep(0.6))
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            loop.run_until_complete(asyncio.wait(pending, timeout=0.5))
        loop.close()
    json.dump(out, sys.stdout)
    print()
    return rc


if __name__ == "__main__":
    sys.exit(main())
