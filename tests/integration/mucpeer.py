# SPDX-License-Identifier: GPL-3.0-or-later
"""Group chat steps for slixmpp peers: raw iq requests and stanza capture,
without depending on slixmpp's MUC plugin (so we test the wire, not it)."""

import asyncio
import threading
import time

from slixmpp.xmlstream import ET

MUC = "conference.localhost"
NS_MUC = "http://jabber.org/protocol/muc"


def iq(peer, text, timeout=10):
    """Send <iq> given as XML text from `peer`; return the answer as XML
    text (an error answer is returned too, not raised)."""
    xml = text
    if "jabber:client" not in xml:
        xml = xml.replace("<iq ", "<iq xmlns='jabber:client' ", 1)

    async def go():
        st = peer.xmpp.Iq(xml=ET.fromstring(xml))
        if not st["id"]:
            st["id"] = peer.xmpp.new_id()
        try:
            res = await st.send(timeout=timeout)
        except Exception as e:          # IqError carries the error stanza
            got = getattr(e, "iq", None)
            if got is None:
                raise
            return str(got)
        return str(res)
    fut = asyncio.run_coroutine_threadsafe(go(), peer.loop)
    return fut.result(timeout + 2)


def capture(peer, event="presence"):
    """Record every `event` stanza (as XML text) the peer receives."""
    box = {"items": [], "cond": threading.Condition()}

    def on(st):
        with box["cond"]:
            box["items"].append(str(st))
            box["cond"].notify_all()
    peer._call(peer.xmpp.add_event_handler, event, on)
    return box


def wait_stanza(box, *needles, timeout=10):
    """The first captured stanza containing every needle."""
    deadline = time.monotonic() + timeout
    with box["cond"]:
        while True:
            for s in box["items"]:
                if all(n in s for n in needles):
                    return s
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no stanza with %r within %.0f s; last ones:\n%s"
                                     % (needles, timeout, "\n".join(box["items"][-5:])))
            box["cond"].wait(min(left, 0.2))


def join(peer, room, nick):
    peer.send_raw("<presence to='%s/%s'><x xmlns='%s'/></presence>" % (room, nick, NS_MUC))


def instant(peer, room):
    """Accept the default configuration of a room the peer created."""
    return iq(peer, "<iq type='set' to='%s'><query xmlns='%s#owner'>"
                    "<x xmlns='jabber:x:data' type='submit'/></query></iq>" % (room, NS_MUC))


def disco_info(peer, jid):
    return iq(peer, "<iq type='get' to='%s'><query "
                    "xmlns='http://jabber.org/protocol/disco#info'/></iq>" % jid)
