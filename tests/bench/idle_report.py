#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The report of tests/bench/idle_wakeups.sh: reads DIR/samples.tsv (one
line per client and run: CLIENT RUN, then proc_sample's six fields before
and after the window) and DIR/startup-CLIENT-RUN.json (startup_watch.py),
prints the table (medians over the runs) and writes the "Idle wake-ups"
section (with its markers) to --section."""

import argparse
import json
import os
import statistics

CLIENTS = ("backchat", "profanity", "mcabber")
KEYS = ("wakeups", "invol", "cpu_ms", "oncpu_ms", "rss_mib", "threads", "first_ms",
        "connected_ms", "poll_ms", "per_min")
TARGETS = {"wakeups_min": 2.0, "rss_mib": 12.0, "first_ms": 30.0, "connected_ms": 200.0}


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def fmt(v, nd=1):
    return "n/a" if v is None else "%.*f" % (nd, v)


def verdict(v, target):
    if v is None:
        return "n/a"
    return "met" if v <= target else "**missed**"


def main():
    ap = argparse.ArgumentParser()
    for o in ("dir", "section", "date", "machine", "backchat", "profanity", "server",
              "strophe", "command", "profanity_settings"):
        ap.add_argument("--" + o.replace("_", "-"), required=True)
    # Absent when the run had no mcabber (older callers).
    ap.add_argument("--mcabber", default="")
    for o in ("runs", "idle", "settle", "hz"):
        ap.add_argument("--" + o, type=int, required=True)
    a = ap.parse_args()

    per = {c: [] for c in CLIENTS}
    with open(os.path.join(a.dir, "samples.tsv")) as f:
        for line in f:
            p = line.split()
            c, run = p[0], int(p[1])
            v0 = [int(x) for x in p[2:8]]
            v1 = [int(x) for x in p[8:14]]
            r = {"run": run, "wakeups": v1[0] - v0[0], "invol": v1[1] - v0[1],
                 "cpu_ms": (v1[2] - v0[2]) * 1000 / a.hz, "threads": v1[3],
                 "oncpu_ms": (v1[4] - v0[4]) / 1e6 if v0[4] >= 0 and v1[4] >= 0 else None,
                 "rss_mib": v1[5] / 1024}
            try:
                with open(os.path.join(a.dir, "startup-%s-%d.json" % (c, run))) as sf:
                    st = json.load(sf)
                r["first_ms"] = st["first_frame_s"] * 1000 if "first_frame_s" in st else None
                r["connected_ms"] = st["connected_s"] * 1000 if "connected_s" in st else None
                r["poll_ms"] = st.get("poll_ms")
            except (OSError, ValueError):
                r["first_ms"] = r["connected_ms"] = r["poll_ms"] = None
            per[c].append(r)
    shown = [c for c in CLIENTS if per[c]]
    m = {c: {k: med([r.get(k) for r in rs]) for k in KEYS} for c, rs in per.items()}
    for c in m:
        w = m[c]["wakeups"]
        m[c]["per_min"] = None if w is None else w * 60 / a.idle

    rows = ["| client | wake-ups | per min | involuntary | CPU ms | on-CPU ms | RSS MiB"
            " | threads | first frame ms | connected ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for c in shown:
        x = m[c]
        rows.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            c, fmt(x["wakeups"], 0), fmt(x["per_min"]), fmt(x["invol"], 0), fmt(x["cpu_ms"], 0),
            fmt(x["oncpu_ms"], 3), fmt(x["rss_mib"]), fmt(x["threads"], 0),
            fmt(x["first_ms"]), fmt(x["connected_ms"])))
    table = "\n".join(rows)

    def ratio(k, peer="profanity"):
        b, p = m["backchat"][k], m[peer][k]
        if b is None or p is None:
            return "n/a"
        if b <= 0 and p <= 0:
            return "n/a (both 0)"
        if b <= 0:
            return ">= %.*fx (backchat: 0)" % (0 if p >= 10 else 1, p)
        return "%.1fx" % (p / b)

    # One line per peer that ran alongside backchat: peer/backchat, as the
    # peers' numbers are the larger ones (backchat's wake-ups are often 0).
    ratio_lines = [(peer, "wake-ups %s, on-CPU %s, RSS %s"
                    % (ratio("wakeups", peer), ratio("oncpu_ms", peer), ratio("rss_mib", peer)))
                   for peer in ("profanity", "mcabber") if peer in shown and "backchat" in shown]

    b = m["backchat"]
    tg = ["| target (backchat) | wanted | measured | |", "|---|---:|---:|---|",
          "| idle wake-ups per minute | <= 2 | %s | %s |" % (fmt(b["per_min"]), verdict(b["per_min"], TARGETS["wakeups_min"])),
          "| idle RSS | <= 12 MiB | %s MiB | %s |" % (fmt(b["rss_mib"]), verdict(b["rss_mib"], TARGETS["rss_mib"])),
          "| first frame after exec | <= 30 ms | %s ms | %s |" % (fmt(b["first_ms"]), verdict(b["first_ms"], TARGETS["first_ms"])),
          "| connected after exec (loopback) | <= 200 ms | %s ms | %s |" % (fmt(b["connected_ms"]), verdict(b["connected_ms"], TARGETS["connected_ms"]))]
    runs_note = ("Medians of %d runs." % a.runs if a.runs > 1
                 else "One run (RUNS=1): single measurements, not medians.")
    per_run = ", ".join("run %d: %d" % (r["run"], r["wakeups"]) for r in per["backchat"]) or "none"

    print()
    print("Idle wake-ups and start-up (%s)" % runs_note)
    print(table)
    print()
    print("\n".join(tg))
    for peer, line in ratio_lines:
        print("ratio %s/backchat: %s" % (peer, line))

    out = ["<!-- idle_wakeups:begin -->", "## Idle wake-ups and start-up", "",
           "How fast a client starts, and how often a connected, idle client wakes up.",
           "Each run: a fresh %s against the same private" % " and ".join(
               [", ".join(shown[:-1]), shown[-1]] if len(shown) > 1 else shown),
           "Prosody on loopback, each in its own 120x40 tmux pane, default settings,",
           "nothing typed.",
           "",
           "- **first frame**, **connected**: from the pane's exec of the client (a",
           "  wall-clock stamp its shell writes just before `exec`) until the screen",
           "  first has text, and until the client shows it is connected (backchat:",
           "  the status line says `connected`; profanity: `logged in successfully`",
           "  and `[online]`; mcabber: its status bar turns from `[_]` to `[o]`);",
           "  `startup_watch.py` polls `tmux capture-pane` back to",
           "  back, every %s ms on average (the resolution). One client at a time." % fmt(b["poll_ms"]),
           "- **wake-ups**: voluntary context switches of the client (all threads)",
           "  over the same %d s window for all clients, after all were connected" % a.idle,
           "  and %d s of settling; CPU ms is utime+stime (`/proc/PID/stat`, %d ms" % (a.settle, 1000 // a.hz),
           "  ticks), on-CPU ms the sum of `/proc/PID/task/*/schedstat` (ns); RSS is",
           "  VmRSS at the end of the window.",
           "",
           "Run %s" % a.date, "",
           "- machine: %s" % a.machine,
           "- backchat: %s (keepalive: a ping every 120 s)" % a.backchat]
    if "profanity" in shown:
        out += ["- profanity: %s; account with tls.policy=trust" % a.profanity,
                "- profanity settings (defaults): %s" % a.profanity_settings]
    if "mcabber" in shown:
        out += ["- mcabber: %s;" % a.mcabber,
                "  mcabberrc with the account and the certificate's fingerprint only, so",
                "  its defaults: a keepalive ping every 40 s (pinginterval), no auto-away,",
                "  no logging; it uses Loudmouth, not libstrophe"]
    out += ["- server: %s" % a.server,
            "- libstrophe (used by backchat and profanity): %s" % a.strophe,
            "- backchat settings: no config file (defaults); certificate pinned in trusted-certs",
            "", runs_note + " backchat's wake-ups per run: %s." % per_run, "",
            table, "",
            "\n\n".join("**%s/backchat: %s.**" % ({"profanity": "Profanity"}.get(peer, peer), line)
                        for peer, line in ratio_lines), "",
            "\n".join(tg)]
    if a.idle < 120:
        out += ["", "The %d s window is shorter than backchat's keepalive (a ping every" % a.idle,
                "120 s), so it may hold no ping: over a long window expect about one",
                "wake-up per minute more (each ping and its answer); `IDLE_SECONDS=600`",
                "measures it."]
    warn = os.path.join(a.dir, "warnings")
    if os.path.exists(warn):
        with open(warn) as f:
            for line in f:
                out += ["", "Warning: %s." % line.strip()]
    out += ["", "Reproduce: `%s` (`IDLE_SECONDS=N` changes the window, `RUNS=N` the runs)," % a.command,
            "or `make bench`.", "<!-- idle_wakeups:end -->"]
    with open(a.section, "w") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
