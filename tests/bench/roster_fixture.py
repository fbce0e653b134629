#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write a large roster straight into a stopped Prosody's internal storage.

    roster_fixture.py --data SRV/data --owners alice,carol --contacts N
                      [--groups 12] [--domain localhost]

Used by tests/bench/roster_load.sh: registering thousands of accounts and
adding them one by one would take minutes; the roster is only a file.

What it writes (Prosody 0.12, storage = "internal", the same Lua syntax
Prosody's own util.serialization writes; see rostermanager.lua):

  data/DOMAIN/roster/OWNER.dat    for each owner: N contacts, each
        ["first.last@DOMAIN"] = { subscription = "both"; name = "First
        Last"; groups = { ["Dept"] = true; } }, and the metadata entry
        [false] = { version = 1; pending = {} }.
  data/DOMAIN/roster/CONTACT.dat  for each contact: the owners, subscription
        "both".  The contacts have no accounts (nobody logs in as them), but
        when an owner comes online Prosody probes every contact and answers
        each probe from the contact's roster: with this file the answer is
        <presence type="unavailable"/> (an offline contact, as with real
        ones); without it Prosody would answer "unsubscribed" and rewrite the
        owner's roster during the measurement.

The contacts are spread round-robin over --groups roster groups with
department names.  Names and JIDs are deterministic (same N, same roster).
With --online K --password PW it also writes an account for each of the
first K contacts (data/DOMAIN/accounts/CONTACT.dat holding the plain
password: Prosody's internal_hashed converts it to SCRAM hashes at the first
login), so that roster_online.py can log them in.

Prints one JSON line: {"contacts": N, "groups": {"Support": 167, ...},
"online": ["jid", ...]}.
"""

import argparse
import json
import os
import sys

FIRST = """Aaron Abigail Adam Adrian Aisha Alan Alex Alice Amara Amelia Amir Ana
Andre Andrea Anna Anton Arjun Ava Ben Bianca Boris Brian Bruno Camila Carlos
Carmen Chen Chloe Chris Clara Daniel Daria David Diana Diego Dmitri Elena Eli
Emil Emma Eric Eva Felix Fatima Fiona Gabriel Grace Hana Hugo Ines Isaac Ivan
Jack Jana Javier Julia Kai Karim""".split()
LAST = """Abbott Adams Ahmed Alvarez Anderson Bailey Baker Becker Bennett Berg
Brooks Brown Bruno Campbell Carter Castro Chen Clark Collins Cook Cooper Cruz
Davies Diaz Dubois Edwards Evans Fischer Fisher Flores Ford Foster Garcia
Gomez Gray Green Griffin Hall Hansen Harris Hayes Hill Hoffmann Howard Hughes
Jackson James Jensen Johnson Jones Kelly Kim Klein Koch Kowalski Lambert Lee
Lewis Lopez Martin Meyer Miller Mitchell Moore Morales Morgan Murphy Nguyen
Novak Olsen Ortiz Parker Patel Perez Peters Phillips Reed Reyes Richter
Rivera Roberts Rossi Ruiz Sanchez Santos Schmidt Scott Silva Smith Sousa
Stewart Taylor Thomas Torres Turner Walker""".split()
DEPARTMENTS = ["Support", "Sales", "Billing", "Engineering", "Operations",
               "Marketing", "Finance", "Legal", "HR", "Facilities", "Security",
               "Training", "Escalations", "Partners", "Logistics", "Research"]


def lua_str(s):
    # ASCII only here, so a JSON string literal is also a valid Lua one.
    return json.dumps(str(s), ensure_ascii=True)


def contacts(n, ngroups, domain):
    if n > len(FIRST) * len(LAST):
        raise SystemExit("at most %d contacts" % (len(FIRST) * len(LAST)))
    groups = DEPARTMENTS[:ngroups] + ["Group %d" % i
                                      for i in range(len(DEPARTMENTS), ngroups)]
    for i in range(n):
        # i -> (first, last) is one-to-one for i < len(FIRST) * len(LAST).
        first = FIRST[i % len(FIRST)]
        last = LAST[(i // len(FIRST) + i) % len(LAST)]
        jid = "%s.%s@%s" % (first.lower(), last.lower(), domain)
        yield jid, "%s %s" % (first, last), groups[i % len(groups)]


def write_dat(path, entries):
    """entries: list of (jid, name or None, [groups])."""
    out = ["return {", "\t[false] = {", '\t\t["version"] = 1;',
           '\t\t["pending"] = {};', "\t};"]
    for jid, name, groups in entries:
        out.append("\t[%s] = {" % lua_str(jid))
        out.append('\t\t["subscription"] = "both";')
        if name:
            out.append('\t\t["name"] = %s;' % lua_str(name))
        out.append('\t\t["groups"] = {')
        for g in groups:
            out.append("\t\t\t[%s] = true;" % lua_str(g))
        out.append("\t\t};")
        out.append("\t};")
    out.append("};")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write("\n".join(out) + "\n")
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="Prosody's data_path")
    ap.add_argument("--owners", required=True, help="user,user (local parts)")
    ap.add_argument("--contacts", type=int, required=True)
    ap.add_argument("--groups", type=int, default=12)
    ap.add_argument("--domain", default="localhost")
    ap.add_argument("--online", type=int, default=0, help="accounts for the first K contacts")
    ap.add_argument("--password", default="", help="their password")
    a = ap.parse_args(argv)
    if a.online and not a.password:
        raise SystemExit("--online needs --password")
    if a.contacts < 1 or a.groups < 1:
        raise SystemExit("--contacts and --groups must be positive")

    # Prosody encodes the host and user names in paths (%XX for anything
    # but [A-Za-z0-9]); ours are plain, so check rather than encode.
    for s in [a.domain] + a.owners.split(","):
        if not s.replace(".", "").replace("-", "").isalnum():
            raise SystemExit("unexpected characters in %r" % s)
    rdir = os.path.join(a.data, a.domain.replace(".", "%2e").replace("-", "%2d"),
                        "roster")
    os.makedirs(rdir, exist_ok=True)
    owners = [o for o in a.owners.split(",") if o]
    items = list(contacts(a.contacts, a.groups, a.domain))
    counts = {}
    for _, _, g in items:
        counts[g] = counts.get(g, 0) + 1
    for o in owners:
        write_dat(os.path.join(rdir, o + ".dat"), [(j, n, [g]) for j, n, g in items])
    back = [("%s@%s" % (o, a.domain), o.capitalize(), ["Colleagues"]) for o in owners]
    for jid, _, _ in items:
        local = jid.split("@", 1)[0]
        write_dat(os.path.join(rdir, local.replace(".", "%2e") + ".dat"), back)
    online = [jid for jid, _, _ in items[:a.online]]
    if online:
        adir = os.path.join(os.path.dirname(rdir), "accounts")
        os.makedirs(adir, exist_ok=True)
        for jid in online:
            local = jid.split("@", 1)[0]
            path = os.path.join(adir, local.replace(".", "%2e") + ".dat")
            with open(path + ".tmp", "w", encoding="ascii") as f:
                f.write("return {\n\t[\"password\"] = %s;\n};\n" % lua_str(a.password))
            os.replace(path + ".tmp", path)
    json.dump({"contacts": len(items), "groups": counts, "online": online}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
