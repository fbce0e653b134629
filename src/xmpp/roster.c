/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The roster (RFC 6121 §2), presence subscriptions (§3) and blocking
 * (XEP-0191); and the order of a session's start: roster, then our
 * presence, then the blocklist. */
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/roster.h"
#include "backchat/sanitize.h"
#include "backchat/xmpp.h"
#include "carbons.h"
#include "internal.h"

#include <string.h>

#define MAX_NAME_CHARS 256
#define MAX_GROUP_CHARS 256
#define MAX_GROUPS 64
/* A roster (or blocklist) larger than this is cut: far beyond any real
 * one, and it bounds what a hostile server can make us allocate. */
#define MAX_ITEMS 50000
#define MAX_JID_BYTES 3071
#define ROSTER_TIMEOUT_MS 60000
#define IQ_TIMEOUT_MS 30000

static bool is(const char *a, const char *b) { return a && strcmp(a, b) == 0; }

/* A JID attribute of an item: valid, bare, normalised; NULL otherwise. */
static char *item_jid(xmpp_stanza_t *item)
{
    const char *j = xmpp_stanza_get_attribute(item, "jid");
    if (!j || strlen(j) > MAX_JID_BYTES || !bc_jid_is_valid(j))
        return NULL;
    return bc_jid_bare(j);
}

/* Applies one <item/> of a roster result or push. */
static void apply_item(xmpp_stanza_t *item, bool push)
{
    char *jid = item_jid(item);
    if (!jid)
        return;
    const char *subs = xmpp_stanza_get_attribute(item, "subscription");
    if (is(subs, "remove")) {
        if (push)
            bc_roster_item_removed(jid);
        g_free(jid);
        return;
    }
    char *name = bc_xmpp_attr(item, "name", MAX_NAME_CHARS);
    if (name)
        g_strstrip(name);
    GPtrArray *groups = g_ptr_array_new_with_free_func(g_free);
    for (xmpp_stanza_t *g = xmpp_stanza_get_children(item); g && groups->len < MAX_GROUPS;
         g = xmpp_stanza_get_next(g)) {
        if (!xmpp_stanza_is_tag(g) || !is(xmpp_stanza_get_name(g), "group"))
            continue;
        char *gn = bc_xmpp_text(g, MAX_GROUP_CHARS);
        if (gn && *gn)
            g_ptr_array_add(groups, gn);
        else
            g_free(gn);
    }
    g_ptr_array_add(groups, NULL);
    bc_sub sub = BC_SUB_NONE;
    if (is(subs, "to"))
        sub = BC_SUB_TO;
    else if (is(subs, "from"))
        sub = BC_SUB_FROM;
    else if (is(subs, "both"))
        sub = BC_SUB_BOTH;
    bool ask = is(xmpp_stanza_get_attribute(item, "ask"), "subscribe");
    bc_roster_item(jid, name, (const char *const *)groups->pdata, sub, ask);
    g_ptr_array_free(groups, TRUE);
    g_free(name);
    g_free(jid);
}

/* -- session start ----------------------------------------------------- */

static void blocklist_apply(xmpp_stanza_t *list);

static void on_blocklist(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    if (disconnected || !reply)
        return;
    if (bc_xmpp_iq_is_error(reply))
        return; /* the server does not do XEP-0191: nothing to show */
    blocklist_apply(xmpp_stanza_get_child_by_name_and_ns(reply, "blocklist", BC_NS_BLOCKING));
}

static void fetch_blocklist(void)
{
    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, "get", NULL);
    xmpp_stanza_t *bl = bc_xmpp_el("blocklist", BC_NS_BLOCKING);
    xmpp_stanza_add_child(iq, bl);
    xmpp_stanza_release(bl);
    bc_xmpp_iq_send(iq, NULL, IQ_TIMEOUT_MS, on_blocklist, NULL, NULL);
    xmpp_stanza_release(iq);
}

static void on_roster(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    if (disconnected)
        return;
    if (!reply) {
        bc_console_err("The server did not send the roster within %d s; contacts may be "
                       "missing until you reconnect.", ROSTER_TIMEOUT_MS / 1000);
    } else if (bc_xmpp_iq_is_error(reply)) {
        char *why = bc_xmpp_error_text(reply);
        bc_console_err("Cannot get the roster: %s", why);
        g_free(why);
    } else {
        xmpp_stanza_t *q = xmpp_stanza_get_child_by_name_and_ns(reply, "query", BC_NS_ROSTER);
        bc_roster_begin_full();
        unsigned n = 0;
        for (xmpp_stanza_t *it = q ? xmpp_stanza_get_children(q) : NULL; it && n < MAX_ITEMS;
             it = xmpp_stanza_get_next(it)) {
            if (!xmpp_stanza_is_tag(it) || !is(xmpp_stanza_get_name(it), "item"))
                continue;
            apply_item(it, false);
            n++;
        }
        bc_roster_end_full();
    }
    /* Initial presence only after the roster (RFC 6121 §2.2), so the
     * presence that comes back lands on known contacts. */
    bc_xmpp_presence_ready();
    fetch_blocklist();
    /* Copies of what our other devices send and receive (XEP-0280). */
    bc_xmpp_carbons_enable();
    /* Then what was said while we were away (XEP-0313), at every login
     * and reconnection. */
    bc_xmpp_mam_catchup();
    /* Rooms we were in, then bookmarked autojoin rooms (a few at a time). */
    bc_xmpp_muc_session_start();
    bc_xmpp_bookmarks_fetch();
}

void bc_xmpp_session_begin(xmpp_conn_t *conn)
{
    bc_xmpp_iq_handlers_add(conn);
    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, "get", NULL);
    xmpp_stanza_t *q = bc_xmpp_el("query", BC_NS_ROSTER);
    xmpp_stanza_add_child(iq, q);
    xmpp_stanza_release(q);
    bc_xmpp_iq_send(iq, NULL, ROSTER_TIMEOUT_MS, on_roster, NULL, NULL);
    xmpp_stanza_release(iq);
}

void bc_xmpp_session_end(void)
{
    bc_xmpp_presence_reset();
    bc_xmpp_muc_session_end();
    bc_xmpp_bookmarks_reset();
    bc_xmpp_iq_reset();
    bc_roster_all_offline();
}

/* -- pushes ----------------------------------------------------------- */

void bc_xmpp_roster_push(xmpp_stanza_t *iq, xmpp_stanza_t *query)
{
    const char *from = xmpp_stanza_get_from(iq);
    if (!bc_xmpp_from_self_or_server(from)) {
        /* RFC 6121 §2.1.6: a push from anyone else is a spoof. */
        bc_xmpp_iq_error(iq, "cancel", "service-unavailable");
        return;
    }
    /* A push carries exactly one item (§2.1.6). */
    xmpp_stanza_t *item = NULL;
    unsigned n = 0;
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(query); c; c = xmpp_stanza_get_next(c))
        if (xmpp_stanza_is_tag(c) && is(xmpp_stanza_get_name(c), "item")) {
            item = c;
            n++;
        }
    if (n != 1) {
        bc_xmpp_iq_error(iq, "modify", "bad-request");
        return;
    }
    apply_item(item, true);
    xmpp_stanza_t *r = bc_xmpp_iq_result(iq);
    xmpp_send(bc_xconn, r);
    xmpp_stanza_release(r);
}

/* Unblocks everyone blocked but those in `keep` (may be NULL). */
static void unblock_all_but(GHashTable *keep)
{
    /* A copy of the JIDs: unblocking changes the model under us. */
    GPtrArray *blocked = bc_roster_blocked();
    GPtrArray *jids = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < blocked->len; i++)
        g_ptr_array_add(jids, g_strdup(((bc_contact *)blocked->pdata[i])->jid));
    g_ptr_array_free(blocked, TRUE);
    for (guint i = 0; i < jids->len; i++)
        if (!(keep && g_hash_table_contains(keep, jids->pdata[i])))
            bc_roster_set_blocked(jids->pdata[i], false);
    g_ptr_array_free(jids, TRUE);
}

static void blocklist_apply(xmpp_stanza_t *list)
{
    GHashTable *keep = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    unsigned n = 0;
    for (xmpp_stanza_t *it = list ? xmpp_stanza_get_children(list) : NULL; it && n < MAX_ITEMS;
         it = xmpp_stanza_get_next(it)) {
        if (!xmpp_stanza_is_tag(it) || !is(xmpp_stanza_get_name(it), "item"))
            continue;
        char *jid = item_jid(it);
        if (!jid)
            continue;
        n++;
        bc_roster_set_blocked(jid, true);
        g_hash_table_add(keep, jid);
    }
    unblock_all_but(keep);
    g_hash_table_destroy(keep);
}

void bc_xmpp_block_push(xmpp_stanza_t *iq, xmpp_stanza_t *payload)
{
    if (!bc_xmpp_from_self_or_server(xmpp_stanza_get_from(iq))) {
        bc_xmpp_iq_error(iq, "cancel", "service-unavailable");
        return;
    }
    bool block = is(xmpp_stanza_get_name(payload), "block");
    unsigned n = 0;
    for (xmpp_stanza_t *it = xmpp_stanza_get_children(payload); it && n < MAX_ITEMS;
         it = xmpp_stanza_get_next(it)) {
        if (!xmpp_stanza_is_tag(it) || !is(xmpp_stanza_get_name(it), "item"))
            continue;
        char *jid = item_jid(it);
        if (!jid)
            continue;
        n++;
        bc_roster_set_blocked(jid, block);
        g_free(jid);
    }
    /* <unblock/> without items: everyone is unblocked (XEP-0191 §3.4). */
    if (!block && n == 0)
        unblock_all_but(NULL);
    xmpp_stanza_t *r = bc_xmpp_iq_result(iq);
    xmpp_send(bc_xconn, r);
    xmpp_stanza_release(r);
}

/* -- requests from the user -------------------------------------------- */

static char *target_bare(const char *jid, GError **err)
{
    char *bare = jid && strlen(jid) <= MAX_JID_BYTES ? bc_jid_bare(jid) : NULL;
    if (!bare) {
        char *shown = bc_sanitize_line(jid ? jid : "", -1);
        g_set_error(err, BC_XMPP_ERROR, 1, "\"%s\" is not a valid JID (expected user@server)",
                    shown);
        g_free(shown);
    }
    return bare;
}

typedef struct {
    char *jid;
    const char *what; /* static */
    int block;        /* -1: not a block request */
} req_ctx;

static void req_ctx_free(void *p)
{
    req_ctx *r = p;
    g_free(r->jid);
    g_free(r);
}

static req_ctx *req_new(const char *jid, const char *what, int block)
{
    req_ctx *r = g_new0(req_ctx, 1);
    r->jid = g_strdup(jid);
    r->what = what;
    r->block = block;
    return r;
}

static void on_request_done(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    req_ctx *r = data;
    if (disconnected)
        return;
    if (!reply) {
        bc_console_err("Cannot %s %s: the server did not answer.", r->what, r->jid);
    } else if (bc_xmpp_iq_is_error(reply)) {
        char *why = bc_xmpp_error_text(reply);
        bc_console_err("Cannot %s %s: %s", r->what, r->jid, why);
        g_free(why);
    } else if (r->block >= 0) {
        /* The server pushes the change too; applying it here as well
         * covers a server that only answers. */
        bc_roster_set_blocked(r->jid, r->block != 0);
    }
}

/* The bare JID a request from the user goes to, if we can send now. */
static char *online_target(const char *jid, GError **err)
{
    char *bare = target_bare(jid, err);
    if (bare && !bc_xmpp_require_online(err))
        g_clear_pointer(&bare, g_free);
    return bare;
}

/* <iq type='set'><query xmlns='jabber:iq:roster'><item jid=BARE/>; the
 * item is returned (owned by the iq) for the caller to fill. */
static xmpp_stanza_t *roster_item_iq(const char *bare, xmpp_stanza_t **item_out)
{
    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, "set", NULL);
    xmpp_stanza_t *q = bc_xmpp_el("query", BC_NS_ROSTER);
    xmpp_stanza_t *item = bc_xmpp_el("item", NULL);
    xmpp_stanza_set_attribute(item, "jid", bare);
    xmpp_stanza_add_child(q, item);
    xmpp_stanza_release(item);
    xmpp_stanza_add_child(iq, q);
    xmpp_stanza_release(q);
    *item_out = item;
    return iq;
}

bool bc_xmpp_roster_set(const char *jid, const char *name, const char *const *groups,
                        GError **err)
{
    char *bare = online_target(jid, err);
    if (!bare)
        return false;
    xmpp_stanza_t *item;
    xmpp_stanza_t *iq = roster_item_iq(bare, &item);
    if (name && *name) {
        char *n = bc_sanitize_line(name, -1);
        xmpp_stanza_set_attribute(item, "name", n);
        g_free(n);
    }
    for (size_t i = 0; groups && groups[i] && i < MAX_GROUPS; i++) {
        if (!*groups[i])
            continue;
        char *g = bc_sanitize_line(groups[i], -1);
        bc_xmpp_add_text_child(item, "group", g);
        g_free(g);
    }
    bc_xmpp_iq_send(iq, NULL, IQ_TIMEOUT_MS, on_request_done,
                    req_new(bare, "update the roster item", -1), req_ctx_free);
    xmpp_stanza_release(iq);
    g_free(bare);
    return true;
}

bool bc_xmpp_roster_remove(const char *jid, GError **err)
{
    char *bare = online_target(jid, err);
    if (!bare)
        return false;
    xmpp_stanza_t *item;
    xmpp_stanza_t *iq = roster_item_iq(bare, &item);
    xmpp_stanza_set_attribute(item, "subscription", "remove");
    bc_xmpp_iq_send(iq, NULL, IQ_TIMEOUT_MS, on_request_done,
                    req_new(bare, "remove from the roster", -1), req_ctx_free);
    xmpp_stanza_release(iq);
    g_free(bare);
    return true;
}

bool bc_xmpp_subscription(const char *jid, const char *type, GError **err)
{
    static const char *const types[] = {"subscribe", "subscribed", "unsubscribe",
                                        "unsubscribed", NULL};
    bool known = false;
    for (size_t i = 0; types[i]; i++)
        known = known || is(type, types[i]);
    if (!known) {
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "unknown subscription request \"%s\" (subscribe, subscribed, "
                    "unsubscribe, unsubscribed)", type ? type : "");
        return false;
    }
    char *bare = online_target(jid, err);
    if (!bare)
        return false;
    xmpp_stanza_t *p = xmpp_presence_new(bc_xctx);
    xmpp_stanza_set_type(p, type);
    xmpp_stanza_set_to(p, bare);
    char *id = xmpp_uuid_gen(bc_xctx);
    if (id) {
        xmpp_stanza_set_id(p, id);
        xmpp_free(bc_xctx, id);
    }
    xmpp_send(bc_xconn, p);
    xmpp_stanza_release(p);
    /* Answering their request (either way) settles it. */
    if (is(type, "subscribed") || is(type, "unsubscribed"))
        bc_roster_set_pending_in(bare, false);
    g_free(bare);
    return true;
}

bool bc_xmpp_block(const char *jid, bool block, GError **err)
{
    char *bare = online_target(jid, err);
    if (!bare)
        return false;
    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, "set", NULL);
    xmpp_stanza_t *b = bc_xmpp_el(block ? "block" : "unblock", BC_NS_BLOCKING);
    xmpp_stanza_t *item = bc_xmpp_el("item", NULL);
    xmpp_stanza_set_attribute(item, "jid", bare);
    xmpp_stanza_add_child(b, item);
    xmpp_stanza_release(item);
    xmpp_stanza_add_child(iq, b);
    xmpp_stanza_release(b);
    bc_xmpp_iq_send(iq, NULL, IQ_TIMEOUT_MS, on_request_done,
                    req_new(bare, block ? "block" : "unblock", block ? 1 : 0), req_ctx_free);
    xmpp_stanza_release(iq);
    g_free(bare);
    return true;
}
