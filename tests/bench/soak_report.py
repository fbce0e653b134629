#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The report of tests/bench/soak.sh (and room_growth.sh): reads
DIR/result-RUN.json (soak.py's output), prints RSS against messages received
and the growth figures, and writes the section (with its markers) to
--section."""

import argparse
import json
import os
import statistics


def slope(points):
    """Least-squares slope of y over x, or None."""
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    d = sum((x - mx) ** 2 for x, _ in points)
    return None if d == 0 else sum((x - mx) * (y - my) for x, y in points) / d


def figures(r):
    n = r["count"]
    second = [(e, kib * 1024) for _, e, kib in r["samples"] if e >= n / 2]
    return {"rss_end": r["rss_end_kib"] / 1024, "rss_start": r["rss_start_kib"] / 1024,
            "hwm": r["hwm_kib"] / 1024,
            "per_msg": (r["rss_end_kib"] - r["rss_start_kib"]) * 1024 / n,
            "slope2": slope(second), "cpu": r["cpu_s"], "elapsed": r["elapsed_s"],
            "server": r.get("server_s")}


def main():
    ap = argparse.ArgumentParser()
    for o in ("dir", "key", "section", "date", "machine", "backchat", "server", "command"):
        ap.add_argument("--" + o, required=True)
    for o in ("runs", "count", "rooms"):
        ap.add_argument("--" + o, type=int, required=True)
    a = ap.parse_args()

    res = []
    for run in range(1, a.runs + 1):
        try:
            with open(os.path.join(a.dir, "result-%d.json" % run)) as f:
                r = json.load(f)
        except (OSError, ValueError):
            continue
        if "error" not in r and r.get("samples"):
            res.append(r)
    figs = [figures(r) for r in res]

    def med(k):
        v = [f[k] for f in figs if f[k] is not None]
        return statistics.median(v) if v else None

    def fmt(v, nd=1):
        return "n/a" if v is None else "%.*f" % (nd, v)

    lines = []
    if figs:
        s2, pm = med("slope2"), med("per_msg")
        verdict = "met" if s2 is not None and s2 <= 1.0 else "missed"
        summary = [
            "| figure | %s |" % ("median of %d runs" % len(figs) if len(figs) > 1 else "value"),
            "|---|---:|",
            "| RSS before the first message | %s MiB |" % fmt(med("rss_start")),
            "| RSS after the last (client quiet) | %s MiB |" % fmt(med("rss_end")),
            "| peak RSS (VmHWM) | %s MiB |" % fmt(med("hwm")),
            "| growth per message, overall | %s bytes |" % fmt(pm, 2),
            "| slope of RSS over the second half | %s bytes/message |" % fmt(s2, 2),
            "| client CPU (u+s) | %s s |" % fmt(med("cpu"), 2),
            "| server took all messages | %s s |" % fmt(med("server"), 1),
        ]
        # RSS over time, from the run with the median end RSS: about 12 rows.
        r = sorted(res, key=lambda r: r["rss_end_kib"])[len(res) // 2]
        smp = r["samples"]
        step = max(1, len(smp) // 12)
        pick = smp[::step]
        if pick[-1] is not smp[-1]:
            pick.append(smp[-1])
        over = ["| seconds | messages received | RSS MiB |", "|---:|---:|---:|"]
        over += ["| %.0f | %d | %.2f |" % (t, e, kib / 1024) for t, e, kib in pick]
        lines = summary + [""] + over
        target = ("Target: flat, at most 1 byte per message once the client's "
                  "scrollback is full (the slope over the second half; the overall "
                  "growth includes filling it): **%s**." % verdict)
    else:
        target = "No run gave a result."

    title = ("Room growth: %d messages in one room" % a.count if a.key == "room_growth"
             else "Soak: %d messages across %d rooms" % (a.count, a.rooms))
    print()
    print(title)
    print("\n".join(lines))
    print(target)

    out = ["<!-- %s:begin -->" % a.key, "## " + title, "",
           "Does backchat's memory stay flat while messages keep arriving? One",
           "slixmpp sender (`soak.py`) sends %d groupchat messages round-robin" % a.count,
           "into %d room(s) on a private Prosody, rooms created without an archive" % a.rooms,
           "(the server's own archive store would set the pace), at most 1,000 not",
           "yet echoed by the server at any time; backchat (default settings, 120x40",
           "tmux pane) joined every room with `/join` before, the last room's tab",
           "focused. Its VmRSS is sampled every few seconds with the number of",
           "messages the server has echoed to the sender by then (it fans each one",
           "out to backchat at the same moment: \"messages received\"). \"After the last\"",
           "is once backchat is quiet (under 2 ms of CPU in a second); the slope is a",
           "least-squares fit of RSS against messages over the second half.", "",
           "Run %s" % a.date, "",
           "- machine: %s" % a.machine,
           "- backchat: %s" % a.backchat,
           "- server: %s" % a.server, ""]
    out += lines + ["", target, "",
                    "Reproduce: `%s`%s." % (a.command, ", or `make bench`" if a.key == "room_growth"
                                            else " (`SOAK_MESSAGES=N` for a shorter run)"),
                    "<!-- %s:end -->" % a.key]
    with open(a.section, "w") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
