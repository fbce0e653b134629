#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Table, ratios and the RESULTS.md section for tests/bench/roster_load.sh.

Reads DIR/result-CLIENT-N.json (written by roster_watch.py) and
DIR/fixture-N.json, prints the tables, and (unless --results -) replaces the
section between <!-- roster_load:begin --> and <!-- roster_load:end --> in
the results file, appending it when there is none (git keeps the history).
"""

import argparse
import json
import os
import statistics
import sys
import textwrap

BEGIN = "<!-- roster_load:begin -->"
END = "<!-- roster_load:end -->"
CLIENTS = ("backchat", "profanity")

INTRO = """# Benchmark results

Written by the scripts in `tests/bench/` (`make bench` runs them all).
Every benchmark runs backchat side by side with a peer client (Profanity)
in the same run, against the same private server, on the same machine, so
the result that carries over between machines is the **ratio**; the absolute
numbers belong to the machine in the dated section. Benchmarks are not
tests: nothing here is asserted in `make check`.
"""


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def merged(a, client, n):
    """The runs' results (result-CLIENT-N-RUN.json) as one: the median of
    every number; when a run did not drain, the drain figures are lower
    bounds (the median of drained or given-up times)."""
    runs = [load(os.path.join(a.dir, "result-%s-%s-%d.json" % (client, n, r)))
            for r in range(1, a.runs + 1)]
    ok = [r for r in runs if r and "shown_s" in r and "error" not in r]
    if not ok:
        bad = next((r for r in runs if r), None)
        return bad
    out = {"runs": len(ok)}
    keys = set().union(*ok)
    for k in keys:
        vals = [r.get(k) for r in ok if isinstance(r.get(k), (int, float))]
        if vals:
            out[k] = statistics.median(vals)
    if any(r.get("drained_s") is None for r in ok):
        out["drained_s"] = None
        out["drain_gave_up_s"] = statistics.median(
            [r.get("drained_s") or r.get("drain_gave_up_s") for r in ok])
        out["gave_up_cpu_ms"] = statistics.median(
            [r.get("drained_cpu_ms") or r.get("gave_up_cpu_ms") or 0 for r in ok])
        out["drain_left"] = next(r["drain_left"] for r in ok if r.get("drain_left"))
    return out


def secs(v):
    return "%.2f s" % v


def ms(v):
    return "?" if v is None else "%.0f ms" % v if v >= 100 else "%.1f ms" % v


def mib(kb):
    return "?" if kb is None else "%.1f MiB" % (kb / 1024)


def ratio(p, b, floor=False):
    """p/b as "12.3x"; floor=True: p is a lower bound (">= 12.3x")."""
    if p is None or b is None:
        return "n/a"
    if b <= 0:
        return "n/a"
    r = p / b
    s = ("%.0fx" if r >= 100 else "%.1fx") % r
    return (">= " + s) if floor else s


def drained(r):
    """(text, seconds or lower bound, cpu, is_lower_bound)"""
    if r.get("drained_s") is not None:
        return secs(r["drained_s"]), r["drained_s"], r.get("drained_cpu_ms"), False
    left = r.get("drain_left") or {}
    q = left.get("client_recv_q")
    q2 = left.get("server_send_q")
    unread = (q or 0) + (q2 or 0)
    return ("> %s, %d KiB unread" % (secs(r["drain_gave_up_s"]), unread // 1024),
            r["drain_gave_up_s"], r.get("gave_up_cpu_ms"), True)


def result(a, client, n):
    r = merged(a, client, n)
    return r if r and "shown_s" in r else None


def build(a):
    sizes = a.sizes.split()
    rows, ratios, notes = [], [], []
    base = {c: result(a, c, a.baseline) for c in CLIENTS} if a.baseline else {}
    for n in ([a.baseline] if a.baseline else []) + sizes:
        res = {c: merged(a, c, n) for c in CLIENTS}
        label = "%s*" % n if n == a.baseline else n
        for c in CLIENTS:
            r = res[c]
            if not r or "shown_s" not in r:
                rows.append("| %5s | %-9s | %s |" % (label, c, "no result: "
                            + ((r or {}).get("error") or "did not run")))
                continue
            dtext, _, dcpu, lower = drained(r)
            rows.append("| %5s | %-9s | %9s | %9s | %9s | %-27s | %10s | %9s | %9s |" % (
                label, c, secs(r["shown_s"]), ms(r["shown_cpu_ms"]),
                "%d ms" % r["shown_ticks_ms"], dtext,
                ms(dcpu) + ("+" if lower else ""), mib(r.get("rss_kb")), mib(r.get("hwm_kb"))))
        b, p = res["backchat"], res["profanity"]
        if n != a.baseline and b and p and "shown_s" in b and "shown_s" in p:
            _, bd, bdc, _ = drained(b)
            _, pd, pdc, plow = drained(p)
            roster_cpu = "n/a"
            if base.get("backchat") and base.get("profanity"):
                roster_cpu = ratio(p["shown_cpu_ms"] - base["profanity"]["shown_cpu_ms"],
                                   b["shown_cpu_ms"] - base["backchat"]["shown_cpu_ms"])
            ratios.append("| %5s | %8s | %9s | %10s | %8s | %9s | %6s |" % (
                n, ratio(p["shown_s"], b["shown_s"]),
                ratio(p["shown_cpu_ms"], b["shown_cpu_ms"]), roster_cpu,
                ratio(pd, bd, plow), ratio(pdc, bdc, plow),
                ratio(p.get("rss_kb"), b.get("rss_kb"))))
            if plow:
                notes.append("N=%s: profanity had not drained after the %s s drain "
                             "timeout; its drain numbers are lower bounds." % (n, a.drain_timeout))
    head = ("|     N | client    |     shown | CPU shown | u+s shown | drained                     "
            "|  CPU drain |       RSS |  peak RSS |\n"
            "|------:|-----------|----------:|----------:|----------:|-----------------------------"
            "|-----------:|----------:|----------:|")
    table = head + "\n" + "\n".join(rows)
    rhead = ("|     N |    shown | CPU shown | roster CPU |  drained | CPU drain |    RSS |\n"
             "|------:|---------:|----------:|-----------:|---------:|----------:|-------:|")
    rtable = rhead + "\n" + "\n".join(ratios) if ratios else "(no ratios: a client has no result)"
    return table, rtable, notes


def section(a, table, rtable, notes):
    fx = load(os.path.join(a.dir, "fixture-%s.json" % a.sizes.split()[-1])) or {}
    groups = ", ".join(sorted(fx.get("groups", {}))) or "?"
    intro = textwrap.fill(
        "How long, and how much CPU, a client needs to load a big roster: N "
        "contacts in %s roster groups (%s), subscription both, "
        "written straight into Prosody's storage (`roster_fixture.py`); %s "
        "of them online: their accounts are in the fixture too, and "
        "`roster_online.py` (one asyncio process running one slixmpp client "
        "per contact) logs them in with a status text before the client "
        "starts, so the server answers the client's presence probes with "
        "their presence; the rest offline. One "
        "client at a time, each against a freshly started server on the same "
        "data, in its own 120x40 tmux pane, default settings, nothing typed. "
        "Times are from the client process's start:" % (a.groups, groups, a.online), 76)
    lines = [
        BEGIN,
        "## Roster load",
        "",
        intro,
        "",
        "- **shown**: the complete roster is on screen. backchat: its roster panel",
        "  lists every group with online/total counts that add up to %s/N;" % a.online,
        "  profanity: its roster",
        "  panel lists the contacts (it fills the panel once, after handling the",
        "  whole roster result). The screen is polled every 10 ms.",
        "- **drained**: the client has read everything the server sent, which after",
        "  the roster is one presence per contact (the answers to the presence",
        "  probes its initial presence triggers), and its CPU settled: its socket",
        "  has nothing left to read, the server nothing left to send, and it used",
        "  under 2 ms of CPU, for a whole second (the time is that second's start).",
        "  This is when the client has caught up with its contacts' presence. Given up",
        "  after %s s (then \"+\": lower bounds)." % a.drain_timeout,
    ] + ([
        "- \\* N=%s is the baseline: the same run with a one-contact roster (start-up," % a.baseline,
        "  TLS, authentication). **roster CPU** is CPU shown minus the baseline's:",
        "  what the roster itself cost each client.",
    ] if a.baseline else []) + [
        "- CPU is the client's on-CPU time (`/proc/PID/task/*/schedstat`, ns) at that",
        "  moment; u+s is utime+stime from `/proc/PID/stat` (clock ticks, so a",
        "  coarser figure of the same); RSS is VmRSS at the end of the run (after",
        "  draining, or when it was given up), peak RSS is VmHWM.",
        "",
        "Run %s" % a.date,
        "",
        "- machine: %s" % a.machine,
        "- backchat: %s" % a.backchat,
        "- profanity: %s; account with tls.policy=trust" % a.profanity,
        "- mcabber: not measured; its roster panel shows neither group counts nor",
        "  a total, so the moment its whole roster is loaded cannot be read off its",
        "  screen",
        "- server: %s" % a.server,
        "- libstrophe (used by both): %s" % a.strophe,
        "- backchat settings: no config file (defaults); certificate pinned in trusted-certs",
        "",
        ("Medians of %d runs per client and size." % a.runs if a.runs > 1
         else "One run per client and size (RUNS=1): single measurements."),
        "",
        table,
        "",
        "Ratios, profanity/backchat (higher: backchat is faster / smaller):",
        "",
        rtable,
        "",
    ]
    for n in notes:
        lines += [n, ""]
    lines += target(a) + [
        "Reproduce: `%s` (or `make bench`, which runs it with the default sizes)." % a.command,
        END,
    ]
    return "\n".join(lines) + "\n"


def target(a):
    """The target for 2,000 contacts, 200 online: shown and CPU settled
    within 1 s."""
    if "2000" not in a.sizes.split() or str(a.online) != "200":
        return []
    b = result(a, "backchat", "2000")
    if not b:
        return []
    d = b.get("drained_s")
    v = "met" if d is not None and d <= 1.0 and b["shown_s"] <= 1.0 else "**missed**"
    return ["Target (backchat, 2,000 contacts, 200 online): shown and CPU settled "
            "within 1 s: shown %s, settled %s: %s." % (
                secs(b["shown_s"]), secs(d) if d is not None else "not within the timeout", v), ""]


def write_results(path, text):
    try:
        with open(path) as f:
            old = f.read()
    except FileNotFoundError:
        old = INTRO
    if BEGIN in old and END in old:
        pre, rest = old.split(BEGIN, 1)
        post = rest.split(END, 1)[1]
        new = pre + text.rstrip("\n") + post
    else:
        new = old.rstrip("\n") + "\n\n" + text
    tmp = path + ".tmp-roster_load"
    with open(tmp, "w") as f:
        f.write(new)
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser()
    for k in ("dir", "sizes", "groups", "results", "date", "machine", "backchat",
              "profanity", "server", "strophe", "drain-timeout", "command"):
        ap.add_argument("--" + k, required=True)
    ap.add_argument("--baseline", default="", help="size of the baseline run, or empty")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--online", type=int, default=0)
    a = ap.parse_args(argv)
    table, rtable, notes = build(a)
    print()
    print("Roster load: time and CPU from process start until the roster is shown,")
    print("and until the client has read all the presence that follows it")
    print(table)
    print()
    print("ratios profanity/backchat:")
    print(rtable)
    for n in notes:
        print("note: " + n)
    for t in target(a):
        if t:
            print(t)
    if a.results != "-":
        write_results(a.results, section(a, table, rtable, notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
