# SPDX-License-Identifier: GPL-3.0-or-later
"""Chat states (XEP-0085) both ways (1:1 and a room's private chat),
sending a last message correction (XEP-0308) in a chat and a room, and
chat markers (XEP-0333): the displayed marker we send when a chat is
viewed, and read state synced from another device of our own account
through a carbon of its displayed marker."""

import re
import time

from harness import trust_and_connect, wait_db
from test_announce import RawPeer, raw_peer
from test_carbons import _backchat_online

NS_CS = "http://jabber.org/protocol/chatstates"
NS_CORRECT = "urn:xmpp:message-correct:0"
NS_MARK = "urn:xmpp:chat-markers:0"


def _from_alice(el):
    """From backchat (alice's other resource in a test is "phone")."""
    frm = el.get("from") or ""
    return frm.startswith("alice@localhost/") and frm != "alice@localhost/phone"


def _has(el, name, ns):
    return el.find("{%s}%s" % (ns, name)) is not None


def _body(el):
    b = el.find("{jabber:client}body")
    return b.text if b is not None else None


def _state(bob, name):
    bob.send_raw("<message to='alice@localhost' type='chat'><%s xmlns='%s'/></message>"
                 % (name, NS_CS))


def _open_bob_tab(app, bob, text):
    bob.send_raw("<message to='alice@localhost' type='chat' id='%s'><body>%s</body></message>"
                 % (text, text))
    app.wait_for(re.compile(r"(?<![\w:])2:bob\b"), timeout=10, region="status")
    app.send_keys("M-2")
    app.wait_for(re.compile(r"bob: %s" % text), timeout=5, region="view")


def test_chat_states(server, home, app, peers):
    home.write_account(server)
    bob = raw_peer(server, peers, "bob")
    trust_and_connect(app, server)
    _open_bob_tab(app, bob, "plain-hello")

    # bob has sent no chat state yet: our typing is not announced to him.
    app.send_text("he")
    time.sleep(1.0)
    assert bob.count(lambda el: _from_alice(el) and _has(el, "composing", NS_CS)) == 0

    # bob types: the title says so, until he pauses.
    _state(bob, "composing")
    app.wait_for(re.compile(r"bob is typing"), timeout=5, region="title")
    _state(bob, "paused")
    app.wait_for(re.compile(r"is typing"), timeout=5, region="title", absent=True)

    # Now he is known to support chat states: typing sends composing,
    # once for the whole burst, and the message carries <active/>.
    app.send_text("llo ")
    bob.wait_raw(lambda el: _from_alice(el) and _has(el, "composing", NS_CS),
                 "composing from alice", timeout=5)
    app.send_text("bob")
    app.send_keys("Enter")
    msg = bob.wait_raw(lambda el: _from_alice(el) and _body(el) == "hello bob",
                       "the message from alice", timeout=5)
    assert _has(msg, "active", NS_CS), "no <active/> in the message"
    assert bob.count(lambda el: _from_alice(el) and _has(el, "composing", NS_CS)) == 1

    # A message from bob ends his typing in the title.
    _state(bob, "composing")
    app.wait_for(re.compile(r"bob is typing"), timeout=5, region="title")
    bob.send_raw("<message to='alice@localhost' type='chat'><body>done typing</body>"
                 "<active xmlns='%s'/></message>" % NS_CS)
    app.wait_for(re.compile(r"bob: done typing"), timeout=5, region="view")
    app.wait_for(re.compile(r"is typing"), timeout=5, region="title", absent=True)
    app.assert_alive()


def test_correct(server, home, app, peers):
    home.write_account(server)
    bob = raw_peer(server, peers, "bob")
    trust_and_connect(app, server)
    app.type_line("/msg bob@localhost helo wrld")
    first = bob.wait_raw(lambda el: _from_alice(el) and _body(el) == "helo wrld",
                         "the first message", timeout=10)
    app.wait_for(re.compile(r"helo wrld"), timeout=5, region="view")

    app.type_line("/correct hello world")
    fix = bob.wait_raw(lambda el: _from_alice(el) and _body(el) == "hello world",
                       "the correction", timeout=5)
    rep = fix.find("{%s}replace" % NS_CORRECT)
    assert rep is not None, "no <replace/> in the correction"
    assert rep.get("id") == first.get("id"), (rep.get("id"), first.get("id"))
    assert fix.get("id") != first.get("id")
    app.wait_for(re.compile(r"hello world \(edited\)"), timeout=5, region="view")
    app.wait_for("helo wrld", timeout=3, region="view", absent=True)

    # Correcting again still names the original.
    app.type_line("/correct hello, world")
    fix2 = bob.wait_raw(lambda el: _from_alice(el) and _body(el) == "hello, world",
                        "the second correction", timeout=5)
    assert fix2.find("{%s}replace" % NS_CORRECT).get("id") == first.get("id")
    app.wait_for(re.compile(r"hello, world \(edited\)"), timeout=5, region="view")

    # The log keeps the original and links the corrections to it.
    rows = wait_db(home.log_db(),
                   "SELECT id, body, replaces FROM messages WHERE conv = 'bob@localhost' "
                   "ORDER BY id", until=lambda r: len(r) >= 3, timeout=5)
    assert [r[1] for r in rows] == ["helo wrld", "hello world", "hello, world"], rows
    assert rows[0][2] is None and rows[1][2] == rows[0][0] and rows[2][2] == rows[0][0], rows

    # Nothing of ours to correct in the console: a clear error.
    app.send_keys("M-1")
    app.type_line("/correct oops")
    app.wait_for(re.compile(r"nothing to correct here"), timeout=5)
    app.assert_alive()


def test_markers_read_sync(server, home, app, peers):
    home.write_account(server)
    bob = raw_peer(server, peers, "bob")
    phone = RawPeer("alice@localhost", server.users["alice"], server.port,
                    cafile=server.cert_path, resource="phone")
    peers.peers.append(phone)
    phone.start()
    trust_and_connect(app, server)
    _backchat_online(phone)

    for mid in ("m-one", "m-two"):
        bob.send_raw("<message to='alice@localhost' type='chat' id='%s'><body>%s</body>"
                     "<markable xmlns='%s'/></message>" % (mid, mid, NS_MARK))
    app.wait_for(re.compile(r"(?<![\w:])2:bob\(2\)"), timeout=10, region="status")

    # alice's phone has displayed the first: one is still unread here.
    phone.send_raw("<message to='bob@localhost' type='chat'>"
                   "<displayed xmlns='%s' id='m-one'/></message>" % NS_MARK)
    app.wait_for(re.compile(r"(?<![\w:])2:bob\(1\)"), timeout=10, region="status")
    # ... then the second: the tab is read.
    phone.send_raw("<message to='bob@localhost' type='chat'>"
                   "<displayed xmlns='%s' id='m-two'/></message>" % NS_MARK)
    app.wait_for(re.compile(r"(?<![\w:])2:bob(?!\()"), timeout=10, region="status")

    # A new markable message, then we view the chat: bob learns it was
    # displayed (once); what the phone marked is not marked again.
    bob.send_raw("<message to='alice@localhost' type='chat' id='m-three'><body>m-three</body>"
                 "<markable xmlns='%s'/></message>" % NS_MARK)
    app.wait_for(re.compile(r"(?<![\w:])2:bob\(1\)"), timeout=10, region="status")
    app.send_keys("M-2")
    app.wait_for(re.compile(r"bob: m-three"), timeout=5, region="view")
    bob.wait_raw(lambda el: _from_alice(el) and el.find("{%s}displayed" % NS_MARK) is not None
                 and el.find("{%s}displayed" % NS_MARK).get("id") == "m-three",
                 "displayed marker for m-three", timeout=5)
    time.sleep(0.5)
    ids = [el.find("{%s}displayed" % NS_MARK).get("id") for el in list(bob.raw)
           if _from_alice(el) and el.find("{%s}displayed" % NS_MARK) is not None]
    assert ids == ["m-three"], ids
    app.assert_alive()


def test_room_correction_and_private_typing(server, home, app, peers):
    from test_muc import ROOM, MUC_USER, _create_room, _join_backchat
    home.write_account(server)
    bob = raw_peer(server, peers, "bob")
    bob.nick = "bob"
    _create_room(bob, "bob")
    trust_and_connect(app, server)
    _join_backchat(app)

    def from_alice_in_room(el):
        return el.get("from") == ROOM + "/alice"

    app.type_line("room typo")
    first = bob.wait_raw(lambda el: from_alice_in_room(el) and _body(el) == "room typo",
                         "the room message", timeout=10)
    oid = first.find("{urn:xmpp:sid:0}origin-id").get("id")
    app.wait_for(re.compile(r"alice: room typo"), timeout=5, region="view")
    app.type_line("/correct room fixed")
    fix = bob.wait_raw(lambda el: from_alice_in_room(el) and _body(el) == "room fixed",
                       "the room correction", timeout=5)
    assert fix.get("type") == "groupchat"
    assert fix.find("{%s}replace" % NS_CORRECT).get("id") == oid
    # Shown when the room reflects it: the same line, edited.
    app.wait_for(re.compile(r"alice: room fixed \(edited\)"), timeout=5, region="view")
    app.wait_for("room typo", timeout=3, region="view", absent=True)

    # A private chat with an occupant shows its typing too.
    bob.send_raw("<message to='%s/alice' type='chat' id='pm2'><body>psst, alice</body>"
                 "<x xmlns='%s'/></message>" % (ROOM, MUC_USER))
    app.wait_for(re.compile(r"(?<![\w:])3:bob \(team\)"), timeout=10, region="status")
    app.send_keys("M-3")
    app.wait_for(re.compile(r"bob: psst, alice"), timeout=5, region="view")
    bob.send_raw("<message to='%s/alice' type='chat'><composing xmlns='%s'/>"
                 "<x xmlns='%s'/></message>" % (ROOM, NS_CS, MUC_USER))
    app.wait_for(re.compile(r"bob \(team\) is typing"), timeout=5, region="title")
    app.assert_alive()
