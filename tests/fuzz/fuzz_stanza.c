/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the xmpp/ boundary: a stanza parsed from the input
 * (as libstrophe would hand it to a handler) goes through the parsing
 * helpers of src/xmpp/ (message ids, delay, corrections, errors, text and
 * attributes) and the PEP activity handler; every string that comes back
 * must be sanitized single-line text within its bound. */

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strophe.h>

#include "../../src/xmpp/internal.h"
#include "backchat/conv.h"
#include "backchat/loop.h"
#include "backchat/roster.h"
#include "backchat/sanitize.h"
#include "fuzz_common.h"

#define OWN "me@example.org"
#define ID_MAX 256 /* message.c keeps ids of at most this many bytes */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_setup("bc-fuzz-stanza-XXXXXX");
    xmpp_initialize();
    bc_xctx = xmpp_ctx_new(NULL, NULL); /* no connection: bc_xconn stays NULL */
    CHECK(bc_xctx != NULL);
    bc_loop_init();
    bc_convs_init(50);
    bc_roster_init();
    static const char *const groups[] = {"Team", NULL};
    bc_roster_item("alice@example.org", "Alice", groups, BC_SUB_BOTH, false);
    bc_roster_item("bob@example.org", NULL, NULL, BC_SUB_TO, false);
    return 0;
}

/* Sanitized (bc_is_sanitized), no LF or TAB, at most `max` characters. */
static void check_line(const char *s, size_t max)
{
    if (!s)
        return;
    size_t n = strlen(s);
    CHECK(g_utf8_validate(s, (gssize)n, NULL));
    CHECK(bc_is_sanitized(s));
    CHECK(!strpbrk(s, "\n\t"));
    CHECK((size_t)g_utf8_strlen(s, -1) <= max);
}

/* bc_xmpp_text also strips: no blank at the start, nor at the end unless
 * the bound cut the text there. */
static void check_text(char *s, size_t max)
{
    check_line(s, max);
    if (s && *s) {
        CHECK(s[0] != ' ');
        CHECK(s[strlen(s) - 1] != ' ' || (size_t)g_utf8_strlen(s, -1) == max);
    }
    g_free(s);
}

/* Text and attributes of every element, depth first, a bounded number. */
static void walk(xmpp_stanza_t *el, int depth, int *budget)
{
    if (depth > 24 || --*budget < 0 || !xmpp_stanza_is_tag(el))
        return;
    static const char *const attrs[] = {"id", "from", "to", "type", "jid", "nick",
                                        "stamp", "by", "node", "role", "affiliation"};
    for (size_t i = 0; i < G_N_ELEMENTS(attrs); i++) {
        char *a = bc_xmpp_attr(el, attrs[i], 64);
        check_line(a, 64);
        g_free(a);
    }
    char *a = bc_xmpp_attr(el, "id", 0);
    CHECK(!a || !*a);
    g_free(a);
    check_text(bc_xmpp_text(el, 80), 80);
    check_text(bc_xmpp_text(el, 1), 1);
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(el); c; c = xmpp_stanza_get_next(c))
        walk(c, depth + 1, budget);
}

static bool has_child(xmpp_stanza_t *st, const char *name, const char *ns)
{
    return xmpp_stanza_get_child_by_name_and_ns(st, name, ns) != NULL;
}

static void check_stanza(xmpp_stanza_t *st)
{
    /* Message helpers. */
    long long t = bc_xmpp_delay_stamp(st);
    if (!has_child(st, "delay", "urn:xmpp:delay"))
        CHECK(t == 0);
    char *id = bc_xmpp_message_id(st);
    check_line(id, ID_MAX);
    CHECK(!id || xmpp_stanza_get_id(st) || has_child(st, "origin-id", "urn:xmpp:sid:0"));
    g_free(id);
    char *sid = bc_xmpp_server_id(st, OWN);
    check_line(sid, ID_MAX);
    /* Only a <stanza-id/> stamped by our own account counts. */
    CHECK(!sid || has_child(st, "stanza-id", "urn:xmpp:sid:0"));
    g_free(sid);
    CHECK(bc_xmpp_server_id(st, NULL) == NULL);
    char *rid = bc_xmpp_replace_id(st);
    check_line(rid, ID_MAX);
    CHECK(!rid || has_child(st, "replace", "urn:xmpp:message-correct:0"));
    g_free(rid);

    /* "condition" or "condition: text": 64 + 2 + 300 characters at most. */
    char *why = bc_xmpp_error_text(st);
    CHECK(why && *why);
    check_line(why, 64 + 2 + 300);
    g_free(why);

    check_text(bc_xmpp_child_text(st, "body", NULL, 4000), 4000);
    check_text(bc_xmpp_child_text(st, "subject", NULL, 200), 200);
    check_text(bc_xmpp_child_text(st, "status", "jabber:client", 200), 200);
    check_text(bc_xmpp_child_text(NULL, "body", NULL, 10), 0);
    int budget = 200;
    walk(st, 0, &budget);

    /* PEP (XEP-0163/0108): an activity from a roster contact; what is
     * stored for the contact must be a valid activity and clean text. */
    bool pep = bc_xmpp_pep_message(st);
    CHECK(pep == has_child(st, "event", BC_NS_PUBSUB_EVENT));
    GPtrArray *r = bc_roster_sorted();
    for (guint i = 0; r && i < r->len; i++) {
        const bc_contact *c = r->pdata[i];
        CHECK(!c->activity || bc_activity_valid(c->activity));
        check_line(c->activity_text, 1000);
        /* Only the roster contacts are ever there. */
        CHECK(c->in_roster);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *xml = g_strndup((const char *)data, size);
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(bc_xctx, xml);
    if (st) {
        check_stanza(st);
        xmpp_stanza_release(st);
    }
    g_free(xml);
    return 0;
}
