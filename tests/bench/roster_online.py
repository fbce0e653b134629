#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Keep roster contacts online; used by tests/bench/roster_load.sh.

    roster_online.py --port P --cafile CRT --fixture FIXTURE.json
    (password in ROSTER_ONLINE_PASSWORD)

Logs in every JID of the fixture's "online" list (accounts written by
roster_fixture.py --online) as one slixmpp ClientXMPP each, all in this
one asyncio process (much cheaper than a process per contact), and sends
their initial presence with a status text.  Prosody then answers the roster
owner's presence probes with it: the owner sees them online.  Prints
"ready K" once all K are online, then stays until stdin is closed.  Exit
status 1 (and a message on stderr) when they are not all online within
--timeout seconds.
"""

import argparse
import asyncio
import json
import os
import sys

import slixmpp


async def run(a):
    with open(a.fixture) as f:
        jids = json.load(f).get("online", [])
    pw = os.environ["ROSTER_ONLINE_PASSWORD"]
    loop = asyncio.get_running_loop()
    online = asyncio.Queue()
    clients = []
    for i, jid in enumerate(jids):
        x = slixmpp.ClientXMPP(jid + "/online", pw)
        x.loop = loop
        x.ca_certs = a.cafile
        x.auto_reconnect = False

        async def start(_e, x=x, i=i):
            # No roster fetch needed: presence goes to the subscribers
            # Prosody knows from the contact's stored roster.
            x.send_presence(pstatus="at desk %d" % i)
            online.put_nowait(x)
        x.add_event_handler("session_start", start)
        x.add_event_handler("failed_auth", lambda _e, j=jid: print(
            "roster_online: %s: authentication failed" % j, file=sys.stderr))
        clients.append(x)
    # Connect in batches: a few hundred TLS handshakes at once would time
    # some out on a loaded machine.
    n = 0
    for k in range(0, len(clients), 25):
        for x in clients[k:k + 25]:
            x.connect(address=("127.0.0.1", a.port), force_starttls=True)
        while n < min(k + 25, len(clients)):
            try:
                await asyncio.wait_for(online.get(), a.timeout)
            except asyncio.TimeoutError:
                print("roster_online: only %d of %d contacts online after %.0f s"
                      % (n, len(clients), a.timeout), file=sys.stderr)
                return 1
            n += 1
    print("ready %d" % n, flush=True)
    await loop.run_in_executor(None, sys.stdin.read)
    # The benchmark is over: drop the connections at once (the server
    # copes), rather than 200 orderly stream closes.
    sys.stdout.flush()
    os._exit(0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cafile", required=True)
    ap.add_argument("--fixture", required=True)
    ap.add_argument("--timeout", type=float, default=60)
    a = ap.parse_args()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    return loop.run_until_complete(run(a))


if __name__ == "__main__":
    sys.exit(main())
