/* SPDX-License-Identifier: GPL-3.0-or-later */
/* <iq/> stanzas: requests we send (with an id handler and a timeout, so a
 * missing answer never leaks), the requests we answer (version, last
 * activity, ping, disco; service-unavailable for the rest, RFC 6120
 * §8.4), and the small helpers every protocol file shares. */
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/loop.h"
#include "backchat/roster.h"
#include "backchat/sanitize.h"
#include "backchat/session.h"
#include "backchat/status.h"
#include "backchat/xmpp.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef BC_VERSION
#define BC_VERSION "unknown"
#endif

/* Longest JID we address a request to (RFC 7622: 3 parts of 1023). */
#define MAX_JID_LEN 3071
/* Requests in flight; more than this and the oldest callers are told
 * "no answer" rather than letting a stuck server grow us. */
#define MAX_PENDING 4096

/* -- text helpers ------------------------------------------------------- */

static char *bound_chars(char *s, size_t max_chars)
{
    if (!s)
        return NULL;
    if (g_utf8_strlen(s, -1) > (glong)max_chars) {
        char *end = g_utf8_offset_to_pointer(s, (glong)max_chars);
        *end = '\0';
    }
    return s;
}

char *bc_xmpp_text(xmpp_stanza_t *el, size_t max_chars)
{
    if (!el)
        return NULL;
    char *raw = xmpp_stanza_get_text(el);
    if (!raw)
        return NULL;
    size_t len = strlen(raw);
    /* A character is at most 4 bytes; sanitize no more than we can keep
     * (plus slack for dropped controls). */
    size_t cap = max_chars * 4 + 64;
    char *clean = bc_sanitize_line(raw, (long)(len < cap ? len : cap));
    xmpp_free(bc_xctx, raw);
    g_strstrip(clean);
    return bound_chars(clean, max_chars);
}

char *bc_xmpp_child_text(xmpp_stanza_t *st, const char *name, const char *ns,
                         size_t max_chars)
{
    if (!st)
        return NULL;
    xmpp_stanza_t *c = ns ? xmpp_stanza_get_child_by_name_and_ns(st, name, ns)
                          : xmpp_stanza_get_child_by_name(st, name);
    return bc_xmpp_text(c, max_chars);
}

char *bc_xmpp_attr(xmpp_stanza_t *el, const char *name, size_t max_chars)
{
    const char *v = el ? xmpp_stanza_get_attribute(el, name) : NULL;
    if (!v)
        return NULL;
    size_t len = strlen(v);
    size_t cap = max_chars * 4 + 64;
    char *clean = bc_sanitize_line(v, (long)(len < cap ? len : cap));
    return bound_chars(clean, max_chars);
}

char *bc_xmpp_error_text(xmpp_stanza_t *stanza)
{
    xmpp_stanza_t *err = stanza ? xmpp_stanza_get_child_by_name(stanza, "error") : NULL;
    if (!err)
        return g_strdup("unknown error");
    const char *cond = NULL;
    char *text = NULL;
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(err); c; c = xmpp_stanza_get_next(c)) {
        const char *ns = xmpp_stanza_get_ns(c);
        const char *name = xmpp_stanza_get_name(c);
        if (!xmpp_stanza_is_tag(c) || !ns || !name || strcmp(ns, BC_NS_STANZAS) != 0)
            continue;
        if (strcmp(name, "text") == 0) {
            if (!text)
                text = bc_xmpp_text(c, 300);
        } else if (!cond) {
            cond = name;
        }
    }
    if (!cond)
        cond = "undefined-condition";
    size_t clen = strlen(cond);
    char *cclean = bc_sanitize_line(cond, (long)(clen < 64 ? clen : 64));
    char *out = text && *text ? g_strdup_printf("%s: %s", cclean, text) : g_strdup(cclean);
    g_free(cclean);
    g_free(text);
    return out;
}

const char *bc_xmpp_error_condition(xmpp_stanza_t *stanza)
{
    xmpp_stanza_t *err = stanza ? xmpp_stanza_get_child_by_name(stanza, "error") : NULL;
    for (xmpp_stanza_t *c = err ? xmpp_stanza_get_children(err) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *ns = xmpp_stanza_get_ns(c);
        const char *name = xmpp_stanza_get_name(c);
        if (xmpp_stanza_is_tag(c) && name && ns && strcmp(ns, BC_NS_STANZAS) == 0 &&
            strcmp(name, "text") != 0)
            return name;
    }
    return "";
}

bool bc_xmpp_require_online(GError **err)
{
    if (bc_xmpp_connected() && bc_xconn)
        return true;
    g_set_error(err, BC_XMPP_ERROR, 1, "not connected: type /connect first");
    return false;
}

char *bc_xmpp_self_bare(void)
{
    const char *bound = bc_xconn ? xmpp_conn_get_bound_jid(bc_xconn) : NULL;
    if (!bound)
        bound = bc_session_get()->bound_jid;
    return bound ? bc_jid_bare(bound) : NULL;
}

bool bc_xmpp_from_self_or_server(const char *from)
{
    if (!from)
        return true;
    char *self = bc_xmpp_self_bare();
    bc_jid *j = bc_jid_parse(from);
    bool ok = false;
    if (self && j && !j->resource) {
        char *bare = bc_jid_bare(from);
        ok = bare && strcmp(bare, self) == 0;
        g_free(bare);
    }
    bc_jid_free(j);
    g_free(self);
    return ok;
}

xmpp_stanza_t *bc_xmpp_el(const char *name, const char *ns)
{
    xmpp_stanza_t *el = xmpp_stanza_new(bc_xctx);
    xmpp_stanza_set_name(el, name);
    if (ns)
        xmpp_stanza_set_ns(el, ns);
    return el;
}

bool bc_xmpp_disco_has(xmpp_stanza_t *query, const char *var)
{
    for (xmpp_stanza_t *c = query ? xmpp_stanza_get_children(query) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_name(c) : NULL;
        const char *v = name && strcmp(name, "feature") == 0
                            ? xmpp_stanza_get_attribute(c, "var") : NULL;
        if (v && strcmp(v, var) == 0)
            return true;
    }
    return false;
}

xmpp_stanza_t *bc_xmpp_disco_query(xmpp_stanza_t *reply)
{
    return reply && !bc_xmpp_iq_is_error(reply)
               ? xmpp_stanza_get_child_by_name_and_ns(reply, "query", BC_NS_DISCO_INFO)
               : NULL;
}

void bc_xmpp_add_text_child(xmpp_stanza_t *parent, const char *name, const char *text)
{
    xmpp_stanza_t *el = bc_xmpp_el(name, NULL);
    xmpp_stanza_t *t = xmpp_stanza_new(bc_xctx);
    xmpp_stanza_set_text(t, text ? text : "");
    xmpp_stanza_add_child(el, t);
    xmpp_stanza_release(t);
    xmpp_stanza_add_child(parent, el);
    xmpp_stanza_release(el);
}

/* libstrophe's xmpp_stanza_reply() refuses a stanza without 'from' (a
 * push from our own server has none), so we build replies ourselves. */
static xmpp_stanza_t *reply_of(xmpp_stanza_t *iq, const char *type)
{
    xmpp_stanza_t *r = xmpp_iq_new(bc_xctx, type, xmpp_stanza_get_id(iq));
    const char *from = xmpp_stanza_get_from(iq);
    if (from)
        xmpp_stanza_set_to(r, from);
    return r;
}

xmpp_stanza_t *bc_xmpp_iq_result(xmpp_stanza_t *iq) { return reply_of(iq, "result"); }

void bc_xmpp_iq_error(xmpp_stanza_t *iq, const char *type, const char *condition)
{
    if (!bc_xconn)
        return;
    xmpp_stanza_t *r = reply_of(iq, "error");
    xmpp_stanza_t *e = bc_xmpp_el("error", NULL);
    xmpp_stanza_set_type(e, type);
    xmpp_stanza_t *c = bc_xmpp_el(condition, BC_NS_STANZAS);
    xmpp_stanza_add_child(e, c);
    xmpp_stanza_release(c);
    xmpp_stanza_add_child(r, e);
    xmpp_stanza_release(e);
    xmpp_send(bc_xconn, r);
    xmpp_stanza_release(r);
}

bool bc_xmpp_iq_is_error(xmpp_stanza_t *reply)
{
    const char *t = reply ? xmpp_stanza_get_type(reply) : NULL;
    return !t || strcmp(t, "result") != 0;
}

/* -- requests we send ------------------------------------------------- */

typedef struct pending {
    char *id;
    char *to;            /* addressee as sent, or NULL for our account */
    xmpp_conn_t *conn;
    unsigned timer;
    bc_iq_cb cb;
    void *data;
    GDestroyNotify free_data;
} pending;

static GHashTable *pendings; /* id -> pending* */

static void pending_finish(pending *p, xmpp_stanza_t *reply, bool disconnected)
{
    g_hash_table_steal(pendings, p->id);
    bc_timer_cancel(p->timer);
    if (p->cb)
        p->cb(reply, disconnected, p->data);
    if (p->free_data)
        p->free_data(p->data);
    g_free(p->id);
    g_free(p->to);
    g_free(p);
}

/* Does the reply come from whom we asked? A result to a request to our
 * own account comes from nobody, our bare JID or our full JID. */
static bool reply_from_addressee(const pending *p, const char *from)
{
    if (!p->to) {
        if (!from || bc_xmpp_from_self_or_server(from))
            return true;
        const char *bound = p->conn ? xmpp_conn_get_bound_jid(p->conn) : NULL;
        return bound && strcmp(from, bound) == 0;
    }
    if (!from)
        return false;
    if (!bc_jid_bare_equal(p->to, from))
        return false;
    char *r1 = bc_jid_resource(p->to);
    char *r2 = bc_jid_resource(from);
    bool ok = g_strcmp0(r1, r2) == 0;
    g_free(r1);
    g_free(r2);
    return ok;
}

static int on_reply(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    bc_xmpp_note_activity();
    pending *p = userdata;
    const char *type = xmpp_stanza_get_type(stanza);
    const char *name = xmpp_stanza_get_name(stanza);
    if (!name || strcmp(name, "iq") != 0 || !type ||
        (strcmp(type, "result") != 0 && strcmp(type, "error") != 0))
        return 1; /* not an answer: keep waiting */
    if (!reply_from_addressee(p, xmpp_stanza_get_from(stanza)))
        return 1; /* someone else guessed the id: ignore, keep waiting */
    pending_finish(p, stanza, false);
    return 0;
}

static void on_timeout(void *data)
{
    pending *p = data;
    p->timer = 0;
    if (p->conn && p->conn == bc_xconn)
        xmpp_id_handler_delete(p->conn, on_reply, p->id);
    pending_finish(p, NULL, false);
}

void bc_xmpp_iq_send(xmpp_stanza_t *iq, const char *to, unsigned timeout_ms,
                     bc_iq_cb cb, void *data, GDestroyNotify free_data)
{
    if (!bc_xconn || !bc_xmpp_connected() ||
        (pendings && g_hash_table_size(pendings) >= MAX_PENDING) ||
        (to && strlen(to) > MAX_JID_LEN)) {
        if (cb)
            cb(NULL, true, data);
        if (free_data)
            free_data(data);
        return;
    }
    if (!pendings)
        pendings = g_hash_table_new(g_str_hash, g_str_equal);
    char *xid = xmpp_uuid_gen(bc_xctx);
    pending *p = g_new0(pending, 1);
    p->id = g_strdup(xid ? xid : "bc-iq");
    if (xid)
        xmpp_free(bc_xctx, xid);
    p->to = g_strdup(to);
    p->conn = bc_xconn;
    p->cb = cb;
    p->data = data;
    p->free_data = free_data;
    xmpp_stanza_set_id(iq, p->id);
    if (to)
        xmpp_stanza_set_to(iq, to);
    g_hash_table_insert(pendings, p->id, p);
    xmpp_id_handler_add(bc_xconn, on_reply, p->id, p);
    p->timer = bc_timer_add(timeout_ms, on_timeout, p);
    xmpp_send(bc_xconn, iq);
}

void bc_xmpp_iq_reset(void)
{
    if (!pendings)
        return;
    GList *all = g_hash_table_get_values(pendings);
    for (GList *l = all; l; l = l->next) {
        pending *p = l->data;
        if (p->conn)
            xmpp_id_handler_delete(p->conn, on_reply, p->id);
        pending_finish(p, NULL, true);
    }
    g_list_free(all);
}

/* -- requests we answer --------------------------------------------------- */

static void answer_version(xmpp_stanza_t *iq)
{
    xmpp_stanza_t *r = bc_xmpp_iq_result(iq);
    xmpp_stanza_t *q = bc_xmpp_el("query", BC_NS_VERSION);
    bc_xmpp_add_text_child(q, "name", "backchat");
    bc_xmpp_add_text_child(q, "version", BC_VERSION);
    /* No <os/>: which system someone runs is nobody's business. */
    xmpp_stanza_add_child(r, q);
    xmpp_stanza_release(q);
    xmpp_send(bc_xconn, r);
    xmpp_stanza_release(r);
}

/* May `from` learn how long we have been idle? XEP-0012 §7: only those
 * allowed to see our presence (and our own other resources). */
static bool may_see_presence(const char *from)
{
    if (!from)
        return false;
    char *self = bc_xmpp_self_bare();
    char *bare = bc_jid_bare(from);
    bool ok = self && bare && strcmp(self, bare) == 0;
    if (!ok && bare) {
        bc_contact *c = bc_roster_get(bare);
        ok = c && c->in_roster && !c->blocked &&
             (c->sub == BC_SUB_FROM || c->sub == BC_SUB_BOTH);
    }
    g_free(self);
    g_free(bare);
    return ok;
}

static void answer_last(xmpp_stanza_t *iq)
{
    if (!may_see_presence(xmpp_stanza_get_from(iq))) {
        bc_xmpp_iq_error(iq, "cancel", "service-unavailable");
        return;
    }
    const bc_own_status *st = bc_status_current();
    long long secs = 0;
    if (st && st->idle_since > 0) {
        secs = (long long)time(NULL) - (long long)st->idle_since;
        if (secs < 0)
            secs = 0;
    }
    char buf[32];
    g_snprintf(buf, sizeof buf, "%lld", secs);
    xmpp_stanza_t *r = bc_xmpp_iq_result(iq);
    xmpp_stanza_t *q = bc_xmpp_el("query", BC_NS_LAST);
    xmpp_stanza_set_attribute(q, "seconds", buf);
    xmpp_stanza_add_child(r, q);
    xmpp_stanza_release(q);
    xmpp_send(bc_xconn, r);
    xmpp_stanza_release(r);
}

static void send_empty_result(xmpp_stanza_t *iq)
{
    xmpp_stanza_t *r = bc_xmpp_iq_result(iq);
    xmpp_send(bc_xconn, r);
    xmpp_stanza_release(r);
}

static bool is(const char *a, const char *b) { return a && strcmp(a, b) == 0; }

int bc_xmpp_on_iq(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    bc_xmpp_note_activity();
    const char *type = xmpp_stanza_get_type(stanza);
    bool get = is(type, "get"), set = is(type, "set");
    if (!get && !set)
        return 1; /* results and errors: id handlers' business */
    if (!xmpp_stanza_get_id(stanza)) /* cannot be answered (RFC 6120 8.2.3) */
        return 1;
    /* The payload: the one element child. */
    xmpp_stanza_t *payload = NULL;
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(stanza); c; c = xmpp_stanza_get_next(c))
        if (xmpp_stanza_is_tag(c)) {
            payload = c;
            break;
        }
    if (!payload) {
        bc_xmpp_iq_error(stanza, "modify", "bad-request");
        return 1;
    }
    const char *ns = xmpp_stanza_get_ns(payload);
    const char *name = xmpp_stanza_get_name(payload);
    if (get && is(ns, BC_NS_DISCO_INFO) && is(name, "query"))
        bc_xmpp_disco_info_answer(stanza, payload);
    else if (get && is(ns, BC_NS_VERSION) && is(name, "query"))
        answer_version(stanza);
    else if (get && is(ns, BC_NS_LAST) && is(name, "query"))
        answer_last(stanza);
    else if (get && is(ns, BC_NS_PING) && is(name, "ping"))
        send_empty_result(stanza);
    else if (set && is(ns, BC_NS_ROSTER) && is(name, "query"))
        bc_xmpp_roster_push(stanza, payload);
    else if (set && is(ns, BC_NS_BLOCKING) && (is(name, "block") || is(name, "unblock")))
        bc_xmpp_block_push(stanza, payload);
    else
        bc_xmpp_iq_error(stanza, "cancel", "service-unavailable");
    return 1;
}

void bc_xmpp_iq_handlers_add(xmpp_conn_t *conn)
{
    xmpp_handler_add(conn, bc_xmpp_on_iq, NULL, "iq", NULL, NULL);
}

/* -- XEP-0092 and XEP-0012 requests ------------------------------------- */

static void on_version(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    const char *jid = data;
    if (disconnected)
        return;
    if (!reply) {
        bc_info("%s did not answer the version request (no reply in 30 s).", jid);
        return;
    }
    if (bc_xmpp_iq_is_error(reply)) {
        char *why = bc_xmpp_error_text(reply);
        bc_info("%s did not answer the version request (%s).", jid, why);
        g_free(why);
        return;
    }
    xmpp_stanza_t *q = xmpp_stanza_get_child_by_name_and_ns(reply, "query", BC_NS_VERSION);
    char *name = bc_xmpp_child_text(q, "name", NULL, 64);
    char *ver = bc_xmpp_child_text(q, "version", NULL, 64);
    char *os = bc_xmpp_child_text(q, "os", NULL, 64);
    GString *client = g_string_new(name && *name ? name : "unknown client");
    if (ver && *ver)
        g_string_append_printf(client, " %s", ver);
    if (os && *os)
        g_string_append_printf(client, " (%s)", os);
    bc_roster_client(jid, client->str);
    bc_info("%s runs %s", jid, client->str);
    g_string_free(client, TRUE);
    g_free(name);
    g_free(ver);
    g_free(os);
}

static char *valid_target(const char *jid, GError **err)
{
    if (!jid || !bc_jid_is_valid(jid)) {
        g_set_error(err, BC_XMPP_ERROR, 1, "\"%s\" is not a valid JID", jid ? jid : "");
        return NULL;
    }
    /* Keep the resource as given, normalise the rest. */
    char *bare = bc_jid_bare(jid);
    char *res = bc_jid_resource(jid);
    char *out = res ? g_strdup_printf("%s/%s", bare, res) : g_strdup(bare);
    g_free(bare);
    g_free(res);
    return out;
}

/* An empty <query xmlns=NS/> get to `jid`; the answer goes to `handler`
 * with the target JID as its data. */
static bool query_get(const char *jid, const char *ns, bc_iq_cb handler, GError **err)
{
    char *to = valid_target(jid, err);
    if (!to)
        return false;
    if (!bc_xmpp_require_online(err)) {
        g_free(to);
        return false;
    }
    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, "get", NULL);
    xmpp_stanza_t *q = bc_xmpp_el("query", ns);
    xmpp_stanza_add_child(iq, q);
    xmpp_stanza_release(q);
    bc_xmpp_iq_send(iq, to, 30000, handler, g_strdup(to), g_free);
    xmpp_stanza_release(iq);
    g_free(to);
    return true;
}

bool bc_xmpp_request_version(const char *full_jid, GError **err)
{
    return query_get(full_jid, BC_NS_VERSION, on_version, err);
}

/* "45 s", "5 min", "2 h 10 min", "3 days". */
static char *human_seconds(long long s)
{
    if (s < 60)
        return g_strdup_printf("%lld s", s);
    if (s < 3600)
        return g_strdup_printf("%lld min", s / 60);
    if (s < 86400) {
        long long m = (s % 3600) / 60;
        return m ? g_strdup_printf("%lld h %lld min", s / 3600, m)
                 : g_strdup_printf("%lld h", s / 3600);
    }
    long long d = s / 86400;
    return g_strdup_printf("%lld day%s", d, d == 1 ? "" : "s");
}

static void on_last(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    const char *jid = data;
    if (disconnected)
        return;
    if (!reply) {
        bc_info("%s did not answer the last-activity request (no reply in 30 s).", jid);
        return;
    }
    if (bc_xmpp_iq_is_error(reply)) {
        char *why = bc_xmpp_error_text(reply);
        bc_info("%s did not answer the last-activity request (%s).", jid, why);
        g_free(why);
        return;
    }
    xmpp_stanza_t *q = xmpp_stanza_get_child_by_name_and_ns(reply, "query", BC_NS_LAST);
    const char *secs_s = q ? xmpp_stanza_get_attribute(q, "seconds") : NULL;
    char *end = NULL;
    long long secs = secs_s ? strtoll(secs_s, &end, 10) : -1;
    if (!secs_s || end == secs_s || *end || secs < 0) {
        bc_info("%s sent a last-activity answer without a valid time.", jid);
        return;
    }
    if (secs > 100LL * 365 * 86400)
        secs = 100LL * 365 * 86400;
    char *status = bc_xmpp_text(q, 300);
    char *ago = human_seconds(secs);
    bc_jid *j = bc_jid_parse(jid);
    if (j && j->resource) {
        if (secs == 0)
            bc_info("%s is active now", jid);
        else
            bc_info("%s has been idle for %s", jid, ago);
    } else if (j && !j->local) {
        bc_info("%s has been up for %s", jid, ago);
    } else if (secs == 0) {
        bc_info("%s is online now", jid);
    } else if (status && *status) {
        bc_info("%s was last seen %s ago (\"%s\")", jid, ago, status);
    } else {
        bc_info("%s was last seen %s ago", jid, ago);
    }
    bc_jid_free(j);
    g_free(ago);
    g_free(status);
}

bool bc_xmpp_request_last(const char *jid, GError **err)
{
    return query_get(jid, BC_NS_LAST, on_last, err);
}
