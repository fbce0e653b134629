#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The report of tests/bench/room_flood.sh: reads DIR/result-CLIENT-RUN.json
(room_flood.py's output), prints the table and the ratios, and writes the
"Room flood" section (with its markers) to --section."""

import argparse
import json
import os
import statistics
import sys

LABEL = {"backchat": "backchat", "backchat-hidden": "backchat, room tab hidden",
         "profanity": "profanity", "mcabber": "mcabber", "null": "null client"}


def load(d, client, runs):
    out = []
    for r in range(1, runs + 1):
        p = os.path.join(d, "result-%s-%d.json" % (client, r))
        try:
            with open(p) as f:
                res = json.load(f)
        except (OSError, ValueError):
            continue
        if "error" not in res and res.get("quiet_s") is not None:
            out.append(res)
    return out


def med(results, key):
    vals = [r[key] for r in results if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def fmt(v, unit="s", nd=2):
    return "n/a" if v is None else ("%.*f %s" % (nd, v, unit)).strip()


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return "n/a"
    return "%.1fx" % (a / b)


def main():
    ap = argparse.ArgumentParser()
    for o in ("dir", "clients", "section", "date", "machine", "backchat", "profanity",
              "server", "strophe", "command"):
        ap.add_argument("--" + o, required=True)
    # Absent when the run had no mcabber (older callers): the line is left out.
    ap.add_argument("--mcabber", default="")
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    a = ap.parse_args()

    clients = a.clients.split()
    m = {}
    missing = []
    for c in clients:
        res = load(a.dir, c, a.runs)
        if not res:
            missing.append(c)
            continue
        m[c] = {k: med(res, k) for k in ("shown_s", "quiet_s", "cpu_s", "oncpu_s",
                                          "server_s", "hwm_kib")}
        m[c]["n"] = len(res)

    rows = ["| client | last shown | done | CPU s (u+s) | on-CPU s | server took | peak RSS | runs |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for c in clients:
        if c not in m:
            rows.append("| %s | no result | | | | | | 0 |" % LABEL[c])
            continue
        r = m[c]
        rows.append("| %s | %s | %s | %s | %s | %s | %s | %d |" % (
            LABEL[c], fmt(r["shown_s"]), fmt(r["quiet_s"]), fmt(r["cpu_s"], ""),
            fmt(r["oncpu_s"], "", 3), fmt(r["server_s"]),
            fmt(r["hwm_kib"] / 1024 if r["hwm_kib"] else None, "MiB", 1), r["n"]))
    table = "\n".join(rows)

    def g(c, k):
        return m.get(c, {}).get(k)

    rat = ["| ratio | CPU | last shown | done | peak RSS |", "|---|---:|---:|---:|---:|"]
    pairs = [("backchat", "profanity"), ("backchat", "mcabber"), ("backchat", "null"),
             ("backchat-hidden", "profanity"), ("backchat-hidden", "mcabber"),
             ("backchat-hidden", "null"),
             ("backchat-hidden", "backchat")]
    for x, y in pairs:
        if x not in clients or y not in clients:
            continue
        rat.append("| %s / %s | %s | %s | %s | %s |" % (
            LABEL[x], LABEL[y], ratio(g(x, "cpu_s"), g(y, "cpu_s")),
            ratio(g(x, "shown_s"), g(y, "shown_s")), ratio(g(x, "quiet_s"), g(y, "quiet_s")),
            ratio(g(x, "hwm_kib"), g(y, "hwm_kib"))))
    ratios = "\n".join(rat)

    notes = []
    if a.runs == 1:
        notes.append("One run per client (RUNS=1): single measurements, not medians.")
    else:
        notes.append("Medians of %d runs per client." % a.runs)
    for c in missing:
        why = ""
        for r in range(1, a.runs + 1):
            try:
                with open(os.path.join(a.dir, "result-%s-%d.json" % (c, r))) as f:
                    why = json.load(f).get("error") or why
            except (OSError, ValueError):
                pass
        notes.append("%s: no result%s." % (LABEL[c], " (%s)" % why if why else ""))

    # The targets (backchat, room tab focused).
    tg = []
    if "backchat" in m:
        def verdict(ok):
            return "n/a" if ok is None else "met" if ok else "**missed**"
        cpu, null_cpu = g("backchat", "cpu_s"), g("null", "cpu_s")
        shown, server = g("backchat", "shown_s"), g("backchat", "server_s")
        hwm = g("backchat", "hwm_kib")
        tg = ["| target (backchat) | wanted | measured | |", "|---|---:|---:|---|",
              "| CPU against the null client | <= 3x | %s | %s |" % (
                  ratio(cpu, null_cpu),
                  verdict(None if not null_cpu or cpu is None else cpu <= 3 * null_cpu)),
              "| last message on screen against the server's time | <= 1.05x | %s | %s |" % (
                  "n/a" if not shown or not server else "%.2fx" % (shown / server),
                  verdict(None if not shown or not server else shown <= 1.05 * server)),
              "| peak RSS | <= 16 MiB | %s | %s |" % (
                  fmt(hwm / 1024 if hwm else None, "MiB", 1),
                  verdict(None if not hwm else hwm <= 16 * 1024))]
    targets = "\n".join(tg)

    print()
    print("Room flood: %d groupchat messages, each client against a fresh server" % a.count)
    print(table)
    print()
    print(ratios)
    for n in notes:
        print("note: " + n)
    print(targets)

    peers = []
    if "profanity" in clients:
        peers.append("- profanity: %s; account with tls.policy=trust" % a.profanity)
    if "mcabber" in clients:
        peers.append("- mcabber: %s, on Loudmouth, not libstrophe;\n"
                     "  mcabberrc with the account and the certificate's fingerprint, its\n"
                     "  defaults otherwise (no logging, no history loading, buffers\n"
                     "  unbounded); joined with `/room join`, then the room's buffer opened\n"
                     "  (`/roster search`, Enter)" % a.mcabber)
    text = """<!-- room_flood:begin -->
## Room flood

What a busy room costs a client: %(count)d groupchat messages
("flood-1: ..." .. "flood-%(count)d: ...", about 50 characters each) sent
into room flood@conference.localhost as fast as the server takes them, by a
slixmpp sender in its own process that created the room first. Each run of
each client against a freshly started private Prosody on loopback (no room
history carried over), the client in its own 120x40 tmux pane, default
settings, joined before the flood. The **null client**
(`tests/bench/nullclient.c`: libstrophe only, TLS, joins, parses every
stanza and drops it) is the floor: no screen, no log, no model.

- **last shown**: from the first message sent until the last one's text is
  on the client's screen (`tmux capture-pane` every 50 ms); the null
  client's own clock when it parsed the last one. For "room tab hidden"
  (backchat back on tab 1 after joining) there is nothing to see: after
  "done" it switches to the room (Alt-2), which must then show the last
  message (checked, not timed).
- **done**: the client has caught up: once the server took everything and
  the client showed it, the start of the first second in which it used
  less than 2 ms of CPU.
- **CPU**: utime+stime (`/proc/PID/stat`) from just before the first
  message until done; on-CPU is the same from `/proc/PID/task/*/schedstat`.
- **server took**: until the sender got the echo of its last message, i.e.
  the server's own time to accept and fan out all of them (the same load
  in every run; it bounds how soon any client can finish).
- **peak RSS**: VmHWM at the end.

Run %(date)s

- machine: %(machine)s
- backchat: %(backchat)s
%(peers)s- server: %(server)s (MUC component with muc_mam)
- libstrophe (used by backchat, profanity and the null client): %(strophe)s

%(table)s

Ratios (lower: backchat needs less than the other):

%(ratios)s

%(targets)s

%(notes)s

Reproduce: `%(command)s` (`RUNS=3` for medians of three runs; `BACKCHAT=path`
for another build; `FLOOD_MESSAGES=N`), or `make bench`.
<!-- room_flood:end -->
""" % {"count": a.count, "date": a.date, "machine": a.machine, "backchat": a.backchat,
       "peers": "".join(x + "\n" for x in peers), "server": a.server, "strophe": a.strophe, "table": table,
       "ratios": ratios, "targets": targets, "notes": "\n".join("- " + n for n in notes), "command": a.command}
    with open(a.section, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
