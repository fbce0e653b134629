# SPDX-License-Identifier: GPL-3.0-or-later
"""The hostile server/peer suite (issue 7, Security): more than 30 kinds of
bad input from a contact (slixmpp, raw XML), from a hostile remote server
(a raw XEP-0114 component that may forge any address in its domain) and
from the account's own other client.  After each: backchat is alive and a
normal message from a peer still arrives and is shown; for the whole test:
no escape sequence from remote text in the raw bytes written to the pty.

Kinds the server never lets through (recorded, not asserted on backchat):
malformed XML, C0 controls as character references, invalid UTF-8 (the
sender's stream is closed; the sanitizer's unit tests cover those bytes),
a 'from' outside the sender's domain, resources with bidi controls
(resourceprep), zero-width characters in resources (mapped to nothing).
"""

import re
import time

from slixmpp.exceptions import IqError

import hostile  # noqa: F401  (registers the `evil` fixture)
from hostile import EVIL, IDN, Component, PtyCapture, Report, xml_escape
from test_protocol_roster import (ALICE, ALICE_FULL, NS_ACTIVITY, _xml, befriend, connect,
                                  pep_peer, roster_shows, command_until)

BIDI = "\u202eevil\u202c\u2066iso\u2069\u202a\u202b\u202d\u2067\u2068"
C1 = "".join(chr(c) for c in range(0x80, 0xA0))
OSC52 = "\u009d52;c;aGVsbG8gY2xpcGJvYXJk\u009c"
OSC8 = "\u009d8;;https://evil.example/\u009cclick\u009d8;;\u009c"
OSC0 = "\u009d0;PWNED-TITLE\u009c"
CSI = "\u009b2J\u009b31m\u009b?1049h"
FMT = "%s%n%x%p%1$s%999999d%%"


class Session:
    """alice in backchat with bob as a friend, bob's chat window focused,
    and the pty capture running."""

    def __init__(self, server, home, app, peers, name="Bob"):
        self.app = app
        self.bob = pep_peer(server, peers, "bob")
        befriend(peers, self.bob, name=name)
        connect(app, server, home)
        self.cap = PtyCapture(app, home)
        self.report = Report()
        self.n = 0
        self.focus_bob()

    def focus(self, jid):
        bare = jid.split("/")[0]
        if "@" in bare and not re.search(r"[^\x00-\x7f]", bare):
            self.app.type_line("/msg %s" % bare)
            self.app.wait_for(bare, timeout=5, region="title")
            return
        # Domain JIDs and IDN ones: look through the windows.
        for _ in range(2):
            for n in range(1, 10):
                self.app.send_keys("M-%d" % n)
                time.sleep(0.15)
                if self.app.region("title").strip().split(" ")[0] == bare:
                    return
            time.sleep(1)
        raise AssertionError("no window for %s:\n%s" % (bare, self.app.screen()))

    def focus_bob(self):
        self.focus("bob@localhost")

    def works(self, kind, observed=None, timeout=10):
        """alive, and a normal message from bob arrives and is shown."""
        self.app.assert_alive()
        self.n += 1
        tag = "alive-%03d" % self.n
        self.bob.send(ALICE, tag)
        self.app.wait_for(re.compile(r"(?<![\w-])%s(?!\d)" % tag), timeout=timeout,
                          region="view")
        if observed is not None:
            self.report.add(kind, observed)

    def raw(self, xml):
        self.bob.send_raw(xml)

    def finish(self):
        time.sleep(0.3)
        self.cap.check()
        self.app.assert_alive()
        print(self.report)


def msg(body=None, extra="", attrs="type='chat'", to=ALICE_FULL):
    b = "<body>%s</body>" % xml_escape(body) if body is not None else ""
    return "<message to='%s' %s>%s%s</message>" % (to, attrs, b, extra)


# -- 1. a contact's messages ---------------------------------------------------

def test_hostile_message_payloads(server, evil, home, app, peers):
    s = Session(server, home, app, peers)
    view = lambda pat, t=10: app.wait_for(pat, timeout=t, region="view")  # noqa: E731

    s.raw(msg("ns-ok-1", "<x xmlns='urn:evil:1'><y><z a='1'/></y></x>"
              "<html xmlns='http://jabber.org/protocol/xhtml-im'>"
              "<body xmlns='http://www.w3.org/1999/xhtml'><script>alert(1)</script></body></html>"
              "<unknown-element/><body xmlns='urn:evil:2'>second body</body>"))
    view("ns-ok-1")
    s.works("unknown namespaces and elements", "body shown, unknown payloads ignored")

    s.raw(msg("empty-attrs-1", attrs="type='' id=''"))
    s.works("empty type and id attributes", "alive (type='' is not shown as chat)")

    s.raw(msg("huge-id-1", attrs="type='chat' id='%s'" % ("I" * 100000)))
    view("huge-id-1")
    s.raw(msg("huge-attr-1", attrs="type='chat' x-evil='%s'" % ("A" * 100000)))
    view("huge-attr-1")
    s.raw("<message to='%s' type='chat'><body xml:lang='%s'>huge-lang-1</body>"
          "<origin-id xmlns='urn:xmpp:sid:0' id='%s'/></message>"
          % (ALICE_FULL, "l" * 50000, "o" * 50000))
    view("huge-lang-1")
    s.works("100 KB id / attributes / origin-id", "shown; id over 256 bytes not kept")

    # 1 MB body, then a small message: how long until the small one shows.
    big = "BIGSTART " + ("0123456789abcdef" * 65536) + " BIGEND"
    t0 = time.monotonic()
    s.bob.send(ALICE, big)
    s.bob.send(ALICE, "after-the-megabyte")
    view("after-the-megabyte", 30)
    dt = time.monotonic() - t0
    s.works("1 MB body", "alive; next message shown %.2f s after sending" % dt)

    deep = "<a>" * 1000 + "deep" + "</a>" * 1000
    s.raw(msg("deep-1", "<x xmlns='urn:evil:deep'>%s</x>" % deep))
    deep_shown = _shows(app, "deep-1", 4)
    s.works("1,000 nested elements", "alive; message %s" %
            ("shown (Prosody and libstrophe accept the depth)" if deep_shown else
             "not delivered (server rejected it)"))

    s.bob.send(ALICE, "c1<%s>c1end" % C1)
    view("c1end")
    s.works("C1 controls U+0080..U+009F as characters", "stripped (pty has no C2 80..9F)")

    s.bob.send(ALICE, "osc52 %s osc8 %s osc0 %s oscend" % (OSC52, OSC8, OSC0))
    view("oscend")
    s.works("OSC 52 / OSC 8 / OSC 0 from U+009D", "introducers stripped, text inert")

    s.bob.send(ALICE, "csi %s csiend" % CSI)
    view("csiend")
    s.works("CSI from U+009B", "introducer stripped")

    s.bob.send(ALICE, "bidi %s bidiend" % BIDI)
    view("bidiend")
    s.works("bidi overrides/isolates in body", "dropped")

    # U+2028/2029 become newlines (like LF, which XML allows): the pty
    # never sees the separators.  Whether every line of a multi-line body
    # is drawn is recorded, not asserted (see the report).
    s.bob.send(ALICE, "nl-a\u2028nl-b\u2029nl-c\nnl-d nlend")
    whole = _shows(app, "nlend", 3)
    s.works("U+2028/2029 and LF in body",
            "separators not on the pty; all lines drawn: %s" % whole)

    s.bob.send(ALICE, "fmt " + FMT + " fmtend")
    scr = view("fmtend")
    assert FMT in scr.replace("\n", ""), "format string not shown verbatim:\n" + scr
    s.works("format strings in body", "shown verbatim")

    for i, stamp in enumerate(("99999-01-01T00:00:00Z", "garbage", "-0001-13-45T99:99:99Z",
                               "1970-01-01T00:00:00Z", "9" * 200, "")):
        s.raw(msg("delay-%d" % i, "<delay xmlns='urn:xmpp:delay' stamp='%s' from='%s'/>"
                  % (stamp, BIDI)))
    view("delay-5")
    s.works("bogus <delay stamp> (year 99999, garbage, 200 digits)", "shown, stamp ignored")

    s.raw(msg("headline %s %s hlend" % (BIDI, FMT), attrs="type='headline'"))
    s.raw(msg(None, "<subject>%s subject only</subject>" % xml_escape(OSC0),
              attrs="type='normal'"))
    s.raw(msg("normal-1 %s" % OSC52, "<thread>%s</thread>" % ("t" * 5000),
              attrs="type='normal'"))
    s.raw(msg("err-body", "<error type='cancel'><evil-condition "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>%s %s errtext %s</text></error>"
              % (xml_escape(BIDI), FMT, "E" * 3000), attrs="type='error'"))
    s.raw(msg(None, attrs="type='error'"))
    s.raw(msg("weird-type", attrs="type='%s'" % FMT))
    view("errtext")
    s.works("headline/normal/error with odd payloads",
            "headline to the Announcements tab, normal shown, error text bounded and shown")
    app.send_keys("M-3")    # headlines go to the Announcements tab
    app.wait_for("hlend", timeout=5, region="view")
    s.focus_bob()

    s.raw(msg("zw \u200b\u200c\u200d\u2060\ufeff zwend"))
    view("zwend")
    s.works("zero-width characters in body", "alive")

    s.raw(msg("carbon-forged", "<received xmlns='urn:xmpp:carbons:2'><forwarded "
              "xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='%s' to='%s' "
              "type='chat'><body>FORGED-CARBON</body></message></forwarded></received>"
              % (ALICE_FULL, "carol@localhost")))
    s.raw(msg(None, "<result xmlns='urn:xmpp:mam:2' queryid='x' id='y'><forwarded "
              "xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='carol@localhost' "
              "to='%s' type='chat'><body>FORGED-MAM</body></message></forwarded></result>"
              % ALICE))
    view("carbon-forged")
    s.works("forged carbon / MAM result from a contact",
            "wrapped message not shown as alice's or carol's")
    assert "FORGED-CARBON" not in app.screen().replace("carbon-forged", "")
    assert "carol" not in app.region("status"), app.screen()

    # A stream killer for the sender: C0 as a character reference.
    kam = peers.connect("carol", resource="kamikaze")
    kam.send_raw(msg("c0 &#x1b;]52;c;AAAA&#x07; c0end", to=ALICE_FULL))
    deadline = time.monotonic() + 5
    while kam.connected and time.monotonic() < deadline:
        time.sleep(0.1)
    closed = not kam.connected
    s.works("C0 controls as character references (&#x1b;)",
            "not shown; sender's stream closed by Prosody: %s" % closed)
    assert "c0end" not in app.screen()
    s.finish()


def _shows(app, text, timeout):
    try:
        app.wait_for(text, timeout=timeout, region="view")
        return True
    except AssertionError:
        return False


# -- 2. a hostile remote server (component) ------------------------------------

def test_hostile_remote_addresses(server, evil, home, app, peers):
    s = Session(server, home, app, peers)
    comp = Component(server)
    M = "mallory@" + EVIL

    def cmsg(frm, body, extra="", attrs="type='chat'"):
        comp.send("<message from='%s' to='%s' %s><body>%s</body>%s</message>"
                  % (xml_escape(frm), ALICE_FULL, attrs, xml_escape(body), extra))

    # Resources with '/', '..', format strings, very long, zero-width.
    for i, res in enumerate(("a/b/../../etc/passwd", "..", "../..", FMT,
                             "r" * 1000, "mal\u200blory\u200d\u2060")):
        cmsg("%s/%s" % (M, res), "res-%d %s" % (i, FMT))
    s.focus(M)
    app.wait_for("res-5", timeout=10, region="view")
    s.focus_bob()
    s.works("resources with '/', '..', %s, 1000 chars, zero-width",
            "shown in mallory's window; the server maps zero-width away")

    # Bidi in a resource or local part: resourceprep/nodeprep refuse it.
    mark = comp.mark
    cmsg("%s/\u202eevil" % M, "bidi-res")
    cmsg("\u202eevil@%s/x" % EVIL, "bidi-local")
    comp.wait(rb"jid-malformed", 5, since=mark)
    s.works("bidi controls in resource / local part",
            "Prosody bounces jid-malformed; not delivered")

    # A 1024-byte resource: too long for a JID.
    mark = comp.mark
    cmsg("%s/%s" % (M, "R" * 1100), "long-res")
    comp.wait(rb"jid-malformed", 5, since=mark)
    s.works("1,100-byte resource", "Prosody bounces jid-malformed")

    # Missing 'from': the server stamps its domain; a domain JID sends.
    comp.send("<message to='%s' type='chat'><body>no-from-1 %s</body></message>"
              % (ALICE_FULL, xml_escape(BIDI)))
    s.focus(EVIL)
    app.wait_for("no-from-1", timeout=10, region="view")
    s.focus_bob()
    s.works("message without 'from'", "server stamps its domain; shown from %s" % EVIL)

    # IDN homoglyph domain.
    idn = Component(server, domain=IDN)
    idn.send("<message from='bob@%s/phone' to='%s' type='chat'><body>idn-1 hi, it is "
             "bob</body></message>" % (IDN, ALICE_FULL))
    s.focus("bob@" + IDN)
    app.wait_for("idn-1", timeout=10, region="view")
    title = app.region("title")
    # Its tab is named by the whole JID, not "bob": it cannot pass for
    # the real bob@localhost in the tab bar.
    status = app.region("status")
    assert ("bob@" + IDN) in status, "look-alike tab not named by its JID: %r" % status
    s.focus_bob()
    s.works("message from an IDN homoglyph domain",
            "own window, title shows the Cyrillic domain (%r), separate from bob@localhost"
            % title.strip()[:60])
    idn.close()

    # Presence: status of 100 KB with bidi and format strings, odd priorities.
    def cpres(frm, inner="", attrs=""):
        comp.send("<presence from='%s' to='%s' %s>%s</presence>"
                  % (xml_escape(frm), ALICE_FULL, attrs, inner))
    status = "st %s %s %s" % (BIDI, FMT, OSC52) + "S" * 100000
    cpres(M + "/big", "<status>%s</status><priority>99999</priority>" % xml_escape(status))
    cpres(M + "/neg", "<status>neg</status><priority>-99999</priority><show>%s</show>"
          % FMT)
    cpres(M + "/idle", "<idle xmlns='urn:xmpp:idle:1' since='99999-01-01T00:00:00Z'/>"
          "<priority>garbage</priority>")
    for i in range(200):
        cpres("%s/flood-%03d" % (M, i), "<status>flood %d</status>" % i)
    for i in range(200):
        cpres("%s/flood-%03d" % (M, i), attrs="type='unavailable'")
    cpres(M + "/last", "<status>last-one</status>")
    command_until(app, "/info " + M, re.compile(r"resource (last|big|neg):"), timeout=10)
    s.works("100 KB status, priority +-99999, 200 resources from one contact",
            "alive; /info lists the resources, priority clamped to 127/-128, "
            "status cut at 1,024 characters")
    info = app.region("view")
    assert "S" * 2000 not in info.replace("\n", ""), "100 KB status shown unbounded"

    # Stream killers for the hostile server itself (one component stream
    # per domain at a time: close ours first).
    comp.close()
    for what, data in (("invalid UTF-8", b"<message from='x@" + EVIL.encode() +
                        b"' to='" + ALICE_FULL.encode() + b"'><body>bad \xff\xfe\xc0\xaf "
                        b"utf8</body></message>"),
                       ("C0 character reference",
                        ("<message from='x@%s' to='%s'><body>&#x1b;[2J c0</body></message>"
                         % (EVIL, ALICE_FULL)).encode()),
                       ("malformed XML", b"<message from='x@" + EVIL.encode() +
                        b"'><body>unclosed</bodyx></message>"),
                       ("'from' in another domain",
                        ("<message from='alice@localhost' to='%s'><body>spoof-local</body>"
                         "</message>" % ALICE_FULL).encode())):
        c = _component_retry(server)
        c.send(data)
        closed = c.wait_closed(5)
        c.close()
        s.works(what + " (from a server)",
                "Prosody closed the sender's stream" if closed else "stream stayed open")
    assert "spoof-local" not in app.screen()
    s.finish()


def _component_retry(server, timeout=5):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return Component(server)
        except (AssertionError, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


# -- 3. iq requests, pushes, PEP ---------------------------------------------------

def test_hostile_iq_pushes_and_pep(server, evil, home, app, peers):
    s = Session(server, home, app, peers)
    bob = s.bob
    comp = Component(server)
    M = "mallory@" + EVIL

    for t in ("get", "set"):
        iq = bob.xmpp.make_iq_get(ito=ALICE_FULL) if t == "get" else \
            bob.xmpp.make_iq_set(ito=ALICE_FULL)
        iq.xml.append(_xml("<query xmlns='urn:evil:%s'><x>%s</x></query>" % (t, FMT)))
        try:
            bob.run(lambda: iq.send(timeout=5))
            raise AssertionError("unknown iq %s answered with a result" % t)
        except IqError as e:
            assert e.condition == "service-unavailable", e.iq
    # The same from the hostile server, raw: the reply must be an error.
    mark = comp.mark
    comp.send("<iq type='get' id='evil-q1' from='%s/x' to='%s'><evil xmlns='%s'/></iq>"
              % (M, ALICE_FULL, "urn:%s" % FMT))
    comp.wait(rb"<iq[^>]*id=['\"]evil-q1['\"][^>]*>.*?service-unavailable", 5, since=mark)
    mark = comp.mark
    comp.send("<iq type='set' id='evil-q2' from='%s/x' to='%s'/>" % (M, ALICE_FULL))
    comp.wait(rb"<iq[^>]*id=['\"]evil-q2['\"][^>]*>.*?bad-request", 5, since=mark)
    s.works("iq get/set of unknown namespaces, iq without payload",
            "service-unavailable / bad-request replies")

    for t in ("result", "error"):
        s.raw("<iq type='%s' id='nobody-asked-%s' to='%s'><query xmlns='jabber:iq:roster'>"
              "<item jid='mallory@localhost' name='M'/></query></iq>" % (t, t, ALICE_FULL))
        comp.send("<iq type='%s' id='%s' from='%s/x' to='%s'/>" % (t, "q" * 5000, M, ALICE_FULL))
    s.works("iq result/error with unknown ids", "ignored")

    # A disco#info flood: every query answered, client stays responsive.
    mark = comp.mark
    t0 = time.monotonic()
    comp.send("".join("<iq type='get' id='disco-%03d' from='%s/flood' to='%s'><query "
                      "xmlns='http://jabber.org/protocol/disco#info'/></iq>"
                      % (i, M, ALICE_FULL) for i in range(100)))
    comp.wait(rb"id=['\"]disco-099['\"]", 15, since=mark)
    dt = time.monotonic() - t0
    got = set(re.findall(rb"<iq[^>]*type=['\"]result['\"][^>]*id=['\"]disco-(\d+)|"
                         rb"<iq[^>]*id=['\"]disco-(\d+)['\"][^>]*type=['\"]result", comp.buf[mark:]))
    ids = {a or b for a, b in got}
    assert len(ids) == 100, "disco#info answered %d of 100" % len(ids)
    s.works("disco#info flood (100 queries)", "100 of 100 answered in %.2f s, responsive" % dt)

    # Forged roster push and blocklist push from bob.
    iq = bob.xmpp.make_iq_set(ito=ALICE_FULL)
    iq.xml.append(_xml("<query xmlns='jabber:iq:roster'><item jid='mallory@localhost' "
                       "name='Mallory'/></query>"))
    try:
        bob.run(lambda: iq.send(timeout=5))
        raise AssertionError("forged roster push accepted")
    except IqError as e:
        assert e.condition == "service-unavailable", e.iq
    iq = bob.xmpp.make_iq_set(ito=ALICE_FULL)
    iq.xml.append(_xml("<block xmlns='urn:xmpp:blocking'><item jid='carol@localhost'/></block>"))
    try:
        bob.run(lambda: iq.send(timeout=5))
        raise AssertionError("forged blocklist push accepted")
    except IqError as e:
        assert e.condition == "service-unavailable", e.iq
    iq = bob.xmpp.make_iq_set(ito=ALICE_FULL)
    iq.xml.append(_xml("<unblock xmlns='urn:xmpp:blocking'/>"))
    try:
        bob.run(lambda: iq.send(timeout=5))
        raise AssertionError("forged unblock-all push accepted")
    except IqError as e:
        assert e.condition == "service-unavailable", e.iq
    # The same forged from the hostile server, bare JID.
    mark = comp.mark
    comp.send("<iq type='set' id='evil-push' from='%s' to='%s'><query xmlns='jabber:iq:roster'>"
              "<item jid='mallory@localhost' name='Mallory'/></query></iq>" % (M, ALICE_FULL))
    comp.wait(rb"evil-push['\"][^>]*>.*?service-unavailable|service-unavailable.*?evil-push",
              5, since=mark)
    s.works("forged roster push / blocklist push", "service-unavailable; nothing changed")
    roster_shows(app, "mallory@localhost", [], absent=True)
    app.type_line("/blocked")
    time.sleep(0.5)
    assert "carol@localhost" not in app.region("view"), app.screen()
    s.focus_bob()

    # A legitimate roster push (another client of alice's renames bob)
    # carrying bidi, C1 and format strings: applied, sanitized.
    other = peers.connect("alice", resource="phone")
    evil_name = "N%s%s%s" % (BIDI, OSC8, FMT)
    other._call(lambda: other.xmpp.update_roster("bob@localhost", name=evil_name,
                                                 groups=[BIDI + "grp", FMT]))
    roster_shows(app, "bob@localhost", ["Nevil", "%s%n"])
    s.focus_bob()
    s.works("roster name/group with bidi, OSC, format strings (own other client)",
            "applied, controls stripped, format shown verbatim")

    # PEP activity with bogus element names and a 10 KB text.
    pub = ("<iq type='set' id='pub-1'><pubsub xmlns='http://jabber.org/protocol/pubsub'>"
           "<publish node='%s'><item id='current'><activity xmlns='%s'>"
           "<EVIL-Name><x_y_%s/></EVIL-Name><relaxing><SPEC-bad/></relaxing>"
           "<text>%s</text></activity></item></publish></pubsub></iq>"
           % (NS_ACTIVITY, NS_ACTIVITY, "z" * 100, xml_escape("act %s %s %s" % (BIDI, FMT, OSC52))
              + "T" * 10000))
    s.raw(pub)
    roster_shows(app, "bob@localhost", ["act"])
    listing = app.region("view")
    listing = listing[listing.rfind("Roster:"):]
    assert listing.count("T") < 300, "10 KB activity text not bounded:\n" + listing
    s.focus_bob()
    # A PEP event forged by the hostile server for a stranger: ignored.
    comp.send("<message from='%s' to='%s'><event xmlns='http://jabber.org/protocol/pubsub#event'>"
              "<items node='%s'><item id='current'><activity xmlns='%s'><working/><text>"
              "FORGED-PEP</text></activity></item></items></event></message>"
              % (M, ALICE_FULL, NS_ACTIVITY, NS_ACTIVITY))
    s.works("PEP activity: bogus names, 10 KB text; forged PEP from a stranger",
            "general kept, bad names dropped, text bounded; forged one ignored")
    comp.close()
    s.finish()
