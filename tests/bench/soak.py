#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Feed rooms for a long time and sample a client's memory; used by
tests/bench/soak.sh.

    soak.py --port P --cafile CRT --sender JID --rooms ROOM,ROOM,...
        --count N --pid PID --tmux-socket S --tmux-conf F
        [--sample S] [--window W] [--timeout S]
    (sender password in SOAK_SENDER_PASSWORD)

The sender (slixmpp, this process) joins every room first (creating each
as an instant room); then the client, in a tmux pane, is told to join them
all (/join ROOM, typed).  Once the sender sees the client in every room it
sends N groupchat messages, round-robin over the rooms ("soak-NNNNNNN: ..."),
(the rooms are created without an archive) keeping at most --window messages not yet echoed by the server (so the
server's queues stay short and the client gets a steady stream rather than
one burst).  A thread samples the client's VmRSS every --sample seconds,
with the number of messages the server has echoed by then (the server
fans each message out to the client at the same time: "messages
received").  After the last echo it waits until the client is quiet (under
2 ms of CPU in a second), samples once more and prints one JSON object:
samples [[seconds, echoed, rss_kib], ...], rss_start_kib (just before the
first message), rss_end_kib, hwm_kib, cpu_s, elapsed_s.  Exit status 1 when
something did not happen in time ("error").
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

NS_MUC = "http://jabber.org/protocol/muc"
NS_MUC_USER = "http://jabber.org/protocol/muc#user"
NS_MUC_OWNER = "http://jabber.org/protocol/muc#owner"
NS_DATA = "jabber:x:data"
WORDS = ("queue", "printer", "callback", "deploy", "reset", "VPN", "ticket",
         "escalation", "window", "customer", "incident", "handover")
HZ = os.sysconf("SC_CLK_TCK")


def status_kib(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fld = f.read().rsplit(")", 1)[1].split()
    return int(fld[11]) + int(fld[12])


def body_of(i):
    # The number is zero-padded: with "soak-99999" turning into
    # "soak-100000", every later line is a byte longer, and the heap grows
    # while the scrollback's shorter lines are replaced (allocator size
    # classes), which reads as a slope that is not a leak.
    return "soak-%07d: %s %s %s" % (i, WORDS[i % 12], WORDS[(i * 7) % 12], WORDS[(i * 5) % 12])


class Sender:
    def __init__(self, a, loop):
        self.a = a
        self.rooms = a.rooms.split(",")
        self.nick = "soaker"
        self.x = slixmpp.ClientXMPP(a.sender + "/soak", os.environ["SOAK_SENDER_PASSWORD"])
        self.x.loop = loop
        self.x.ca_certs = a.cafile
        self.loop = loop
        self.joined = set()
        self.all_joined = asyncio.Event()
        self.client_in = set()
        self.client_all_in = asyncio.Event()
        self.echoes = 0
        self.echo_event = asyncio.Event()
        self.failed = None
        self.x.add_event_handler("session_start", self.on_start)
        self.x.add_event_handler("presence", self.on_presence)
        self.x.add_event_handler("message", self.on_groupchat)
        for ev in ("connection_failed", "failed_auth"):
            self.x.add_event_handler(ev, lambda e, ev=ev: self.fail("sender: %s: %s" % (ev, e)))

    def fail(self, why):
        self.failed = why
        self.all_joined.set()
        self.client_all_in.set()
        self.echo_event.set()

    async def on_start(self, _e):
        for r in self.rooms:
            p = self.x.make_presence(pto="%s/%s" % (r, self.nick))
            x = ET.SubElement(p.xml, "{%s}x" % NS_MUC)
            ET.SubElement(x, "{%s}history" % NS_MUC, maxstanzas="0")
            p.send()

    def on_presence(self, p):
        frm = p["from"]
        if frm.bare not in self.rooms:
            return
        if p["type"] == "error":
            self.fail("%s refused the sender: %s" % (frm.bare, p["error"]["condition"]))
            return
        x = p.xml.find("{%s}x" % NS_MUC_USER)
        codes = set() if x is None else {s.get("code") for s in x.findall("{%s}status" % NS_MUC_USER)}
        if frm.resource == self.nick:
            if "110" in codes and frm.bare not in self.joined:
                self.loop.create_task(self.configure(frm.bare, "201" in codes))
        elif p["type"] != "unavailable" and frm.bare in self.joined:
            self.client_in.add(frm.bare)
            if len(self.client_in) == len(self.rooms):
                self.client_all_in.set()

    async def configure(self, room, created):
        if created:
            # A new room stays locked until its owner configures it: the
            # defaults, but no archive.  The server's internal archive store
            # keeps at most 10,000 items per room and, past that, rewrites
            # the whole file to drop old ones: it, not the client, would set
            # the pace of a long run.
            iq = self.x.make_iq_set(ito=room)
            q = ET.SubElement(iq.xml, "{%s}query" % NS_MUC_OWNER)
            x = ET.SubElement(q, "{%s}x" % NS_DATA, type="submit")
            for var, val in (("FORM_TYPE", "http://jabber.org/protocol/muc#roomconfig"),
                             ("muc#roomconfig_enablearchiving", "0")):
                f = ET.SubElement(x, "{%s}field" % NS_DATA, var=var)
                ET.SubElement(f, "{%s}value" % NS_DATA).text = val
            try:
                await iq.send(timeout=20)
            except Exception as e:              # noqa: BLE001
                self.fail("could not unlock %s: %s" % (room, e))
                return
        self.joined.add(room)
        if len(self.joined) == len(self.rooms):
            self.all_joined.set()

    def on_groupchat(self, m):
        if m["type"] == "groupchat" and m["from"].resource == self.nick:
            self.echoes += 1
            self.echo_event.set()

    async def feed(self, count, window):
        mk = self.x.make_message
        n = len(self.rooms)
        for i in range(1, count + 1):
            while i - self.echoes > window and not self.failed:
                self.echo_event.clear()
                await self.echo_event.wait()
            mk(mto=self.rooms[i % n], mbody=body_of(i), mtype="groupchat").send()
            if i % 100 == 0:
                await asyncio.sleep(0)


async def run(a, out):
    loop = asyncio.get_running_loop()
    s = Sender(a, loop)
    s.x.connect(address=("127.0.0.1", a.port), force_starttls=True)
    try:
        await asyncio.wait_for(s.all_joined.wait(), 60)
    except asyncio.TimeoutError:
        raise RuntimeError("the sender joined only %d of %d rooms within 60 s"
                           % (len(s.joined), len(s.rooms))) from None
    if s.failed:
        raise RuntimeError(s.failed)
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}
    tmux = ["tmux", "-L", a.tmux_socket, "-f", a.tmux_conf]
    for r in s.rooms:
        for keys in (["-l", "/join " + r], ["Enter"]):
            subprocess.run(tmux + ["send-keys", "-t", "bench:0.0"] + keys, env=env,
                           check=True, timeout=10)
        await asyncio.sleep(0.05)
    try:
        await asyncio.wait_for(s.client_all_in.wait(), 60)
    except asyncio.TimeoutError:
        raise RuntimeError("the client joined only %d of %d rooms within 60 s"
                           % (len(s.client_in), len(s.rooms))) from None
    if s.failed:
        raise RuntimeError(s.failed)
    await asyncio.sleep(2)              # the joins' own history and redraws

    pid = a.pid
    samples = []
    stop = threading.Event()
    t0 = time.monotonic()
    out["rss_start_kib"] = status_kib(pid, "VmRSS")
    c0 = cpu_ticks(pid)

    def sampler():
        while not stop.is_set():
            samples.append([round(time.monotonic() - t0, 2), s.echoes, status_kib(pid, "VmRSS")])
            stop.wait(a.sample)
    th = threading.Thread(target=sampler, daemon=True)
    th.start()
    feed = loop.create_task(s.feed(a.count, a.window))
    deadline = time.monotonic() + a.timeout
    while s.echoes < a.count and not s.failed:
        if time.monotonic() > deadline:
            stop.set()
            raise RuntimeError("the server echoed only %d of %d messages within %.0f s"
                               % (s.echoes, a.count, a.timeout))
        await asyncio.sleep(0.2)
    await feed
    if s.failed:
        raise RuntimeError(s.failed)
    out["server_s"] = round(time.monotonic() - t0, 2)
    # Quiet: the client used under 2 ms of CPU in a second.
    prev = cpu_ticks(pid)
    while time.monotonic() < deadline:
        await asyncio.sleep(1)
        cur = cpu_ticks(pid)
        if (cur - prev) * 1000 / HZ < 2:
            break
        prev = cur
    stop.set()
    th.join()
    out["elapsed_s"] = round(time.monotonic() - t0, 2)
    out["cpu_s"] = (cpu_ticks(pid) - c0) / HZ
    out["rss_end_kib"] = status_kib(pid, "VmRSS")
    out["hwm_kib"] = status_kib(pid, "VmHWM")
    samples.append([out["elapsed_s"], s.echoes, out["rss_end_kib"]])
    out["samples"] = samples
    s.x.disconnect(wait=0.5)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for o in ("cafile", "sender", "rooms", "tmux-socket", "tmux-conf"):
        ap.add_argument("--" + o, required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--sample", type=float, default=2.0)
    ap.add_argument("--window", type=int, default=1000)
    ap.add_argument("--timeout", type=float, default=1200)
    a = ap.parse_args()
    out = {"count": a.count, "rooms": len(a.rooms.split(","))}
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        rc = loop.run_until_complete(run(a, out))
    except (RuntimeError, OSError) as e:
        out["error"] = str(e)
        rc = 1
    json.dump(out, sys.stdout)
    print()
    sys.stdout.flush()
    os._exit(rc)        # no orderly slixmpp shutdown needed


if __name__ == "__main__":
    main()
