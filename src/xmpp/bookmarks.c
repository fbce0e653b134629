/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bookmarked rooms: XEP-0402 (one PEP item per room, node
 * urn:xmpp:bookmarks:1) where the server advertises #compat on our account
 * (it mirrors them into XEP-0048 for older clients), else XEP-0048 in
 * private XML storage (XEP-0049), where the whole list is one document that we
 * read, change and write back (keeping what we do not understand, like
 * URL bookmarks). The list goes into the model (muc.h); autojoin rooms are
 * joined, paced by muc.c. */
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/muc.h"
#include "backchat/xmpp.h"
#include "dataform.h"
#include "internal.h"

#include <string.h>

#define NS_BOOKMARKS2 "urn:xmpp:bookmarks:1"
#define NS_PRIVATE "jabber:iq:private"
#define NS_STORAGE "storage:bookmarks"
#define NS_PUBSUB_OPTIONS "http://jabber.org/protocol/pubsub#publish-options"
#define MAX_BOOKMARKS 1000
#define TIMEOUT_MS 30000

typedef enum { MODE_UNKNOWN, MODE_PEP, MODE_PRIVATE } bm_mode;

static bm_mode mode;
static unsigned gen; /* a new session makes older answers stale */

/* Private storage is one document: its changes go one at a time, each
 * reading what the one before wrote, or a second change made while the
 * first is on its way would write back a list without the first. */
static GQueue private_queue = G_QUEUE_INIT; /* of bm_change*, waiting */
static bool private_busy;                   /* one is being read or written */

static void change_free(void *p);

void bc_xmpp_bookmarks_reset(void)
{
    mode = MODE_UNKNOWN;
    gen++;
    g_queue_clear_full(&private_queue, change_free);
    private_busy = false;
    bc_xmpp_muc_service_reset();
}

/* -- parsing ------------------------------------------------------------ */

static bool true_attr(xmpp_stanza_t *el, const char *name)
{
    const char *v = xmpp_stanza_get_attribute(el, name);
    return v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* A room's bare JID (local@domain, no resource), normalised; or NULL. */
static char *room_jid(const char *s)
{
    bc_jid *j = s ? bc_jid_parse(s) : NULL;
    char *out = j && j->local && !j->resource ? bc_jid_bare(s) : NULL;
    bc_jid_free(j);
    return out;
}

/* <conference/> of either XEP: `jid` comes from the item id (0402) or the
 * jid attribute (0048). */
static bc_bookmark *parse_conference(xmpp_stanza_t *conf, const char *jid_raw)
{
    char *jid = room_jid(jid_raw);
    if (!jid)
        return NULL;
    char *name = bc_xmpp_attr(conf, "name", 200);
    char *nick = bc_xmpp_child_text(conf, "nick", NULL, 200);
    char *pw = bc_xmpp_child_text(conf, "password", NULL, 200);
    bc_bookmark *b = bc_bookmark_new(jid, name && *name ? name : NULL,
                                     nick && *nick ? nick : NULL, pw && *pw ? pw : NULL,
                                     true_attr(conf, "autojoin"));
    g_free(jid);
    g_free(name);
    g_free(nick);
    g_free(pw);
    return b;
}

static bool is_tag(xmpp_stanza_t *el, const char *name)
{
    const char *n = xmpp_stanza_is_tag(el) ? xmpp_stanza_get_name(el) : NULL;
    return n && strcmp(n, name) == 0;
}

/* A 0402 <item id=ROOM><conference/></item>, or NULL. */
static bc_bookmark *parse_pep_item(xmpp_stanza_t *item)
{
    xmpp_stanza_t *conf = xmpp_stanza_get_child_by_name_and_ns(item, "conference", NS_BOOKMARKS2);
    const char *id = xmpp_stanza_get_attribute(item, "id");
    if (!conf || !id || strlen(id) > 3071)
        return NULL;
    return parse_conference(conf, id);
}

static void autojoin(const bc_bookmark *b)
{
    if (b->autojoin)
        bc_xmpp_muc_join_queued(b->jid, b->nick, b->password);
}

/* The list is in: into the model, then join the autojoin rooms. */
static void bookmarks_loaded(GPtrArray *list /* taken */)
{
    GPtrArray *joins = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < list->len; i++) {
        const bc_bookmark *b = list->pdata[i];
        if (b->autojoin)
            g_ptr_array_add(joins, g_strdup(b->jid));
    }
    bc_muc_bookmarks_set(list);
    /* Read them back from the model: it owns the list now. */
    for (guint i = 0; i < joins->len; i++) {
        const bc_bookmark *b = bc_muc_bookmark(joins->pdata[i]);
        if (b)
            autojoin(b);
    }
    g_ptr_array_free(joins, TRUE);
}

static GPtrArray *new_list(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify)bc_bookmark_free);
}

/* Adds `b` unless the list is full or has the room already (first wins). */
static void list_add(GPtrArray *list, bc_bookmark *b)
{
    bool dup = false;
    for (guint i = 0; i < list->len && !dup; i++)
        dup = strcmp(((bc_bookmark *)list->pdata[i])->jid, b->jid) == 0;
    if (dup || list->len >= MAX_BOOKMARKS)
        bc_bookmark_free(b);
    else
        g_ptr_array_add(list, b);
}

/* Why a request failed (its error, or no answer), newly allocated; NULL
 * when it was answered with a result. */
static char *failure(xmpp_stanza_t *reply)
{
    if (reply && !bc_xmpp_iq_is_error(reply))
        return NULL;
    return reply ? bc_xmpp_error_text(reply) : g_strdup("no reply in 30 s");
}

/* A change to the bookmarks on its way: add (or replace) `put`, or
 * remove `jid`; `jid` is the room's either way. */
typedef struct bm_change {
    unsigned gen;
    bc_bookmark *put; /* NULL: remove */
    char *jid;
} bm_change;

static bm_change *change_new(bc_bookmark *put /* taken */, const char *jid)
{
    bm_change *c = g_new0(bm_change, 1);
    c->gen = gen;
    c->put = put;
    c->jid = g_strdup(put ? put->jid : jid);
    return c;
}

static void change_free(void *p)
{
    bm_change *c = p;
    bc_bookmark_free(c->put);
    g_free(c->jid);
    g_free(c);
}

/* The change is stored: the model and the user learn it. (Private
 * storage sends no notification; PEP will, and the model takes it twice
 * fine.) */
static void change_done(const bm_change *c)
{
    if (c->put) {
        bc_muc_bookmark_put(c->put);
        bc_info("Bookmarked %s%s.", c->jid, c->put->autojoin ? " (joined at connect)" : "");
    } else {
        bc_muc_bookmark_removed(c->jid);
        bc_info("Bookmark of %s removed.", c->jid);
    }
}

/* <conference/> with what both XEPs carry; XEP-0048 (`ns` NULL) names the
 * room in it, XEP-0402 in the item id. */
static xmpp_stanza_t *conference_el(const bc_bookmark *b, const char *ns)
{
    xmpp_stanza_t *conf = bc_xmpp_el("conference", ns);
    if (!ns)
        xmpp_stanza_set_attribute(conf, "jid", b->jid);
    if (b->name)
        xmpp_stanza_set_attribute(conf, "name", b->name);
    xmpp_stanza_set_attribute(conf, "autojoin", b->autojoin ? "true" : "false");
    if (b->nick)
        bc_xmpp_add_text_child(conf, "nick", b->nick);
    if (b->password)
        bc_xmpp_add_text_child(conf, "password", b->password);
    return conf;
}

/* -- XEP-0048 in private storage ---------------------------------------- */

static xmpp_stanza_t *private_iq(const char *type, xmpp_stanza_t *storage /* taken or NULL */)
{
    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, type, NULL);
    xmpp_stanza_t *q = bc_xmpp_el("query", NS_PRIVATE);
    if (!storage)
        storage = bc_xmpp_el("storage", NS_STORAGE);
    xmpp_stanza_add_child(q, storage);
    xmpp_stanza_release(storage);
    xmpp_stanza_add_child(iq, q);
    xmpp_stanza_release(q);
    return iq;
}

static xmpp_stanza_t *storage_of(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *q = reply ? xmpp_stanza_get_child_by_name_and_ns(reply, "query", NS_PRIVATE)
                             : NULL;
    return q ? xmpp_stanza_get_child_by_name_and_ns(q, "storage", NS_STORAGE) : NULL;
}

static GPtrArray *parse_storage(xmpp_stanza_t *storage)
{
    GPtrArray *list = new_list();
    for (xmpp_stanza_t *c = storage ? xmpp_stanza_get_children(storage) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        if (!is_tag(c, "conference"))
            continue;
        bc_bookmark *b = parse_conference(c, xmpp_stanza_get_attribute(c, "jid"));
        if (b)
            list_add(list, b);
    }
    return list;
}

static void on_private_fetched(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    if (GPOINTER_TO_UINT(data) != gen || disconnected)
        return;
    char *why = failure(reply);
    if (why) {
        bc_console_err("Cannot load your bookmarks (%s): bookmarked rooms are not joined; "
                       "/reconnect to try again.", why);
        g_free(why);
        return;
    }
    mode = MODE_PRIVATE;
    bookmarks_loaded(parse_storage(storage_of(reply)));
}

static void fetch_private(void)
{
    xmpp_stanza_t *iq = private_iq("get", NULL);
    bc_xmpp_iq_send(iq, NULL, TIMEOUT_MS, on_private_fetched, GUINT_TO_POINTER(gen), NULL);
    xmpp_stanza_release(iq);
}

static void private_next(void);

static void on_private_written(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    const bm_change *c = data;
    if (c->gen != gen) /* the queue went with that session */
        return;
    char *why = disconnected ? NULL : failure(reply);
    if (why)
        bc_error("Cannot save your bookmarks (%s): try again.", why);
    else if (!disconnected)
        change_done(c);
    g_free(why);
    private_next();
}

static void on_private_read_for_change(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    bm_change *c = data;
    if (c->gen != gen)
        return;
    char *why = disconnected ? NULL : failure(reply);
    if (why || disconnected) {
        if (why)
            bc_error("Cannot read your bookmarks to change them (%s): try again.", why);
        g_free(why);
        private_next();
        return;
    }
    xmpp_stanza_t *old = storage_of(reply);
    /* A copy of what is stored, minus the room's entry, plus the new one:
     * anything else in there (URL bookmarks, extensions) stays. */
    xmpp_stanza_t *st = bc_xmpp_el("storage", NS_STORAGE);
    unsigned n = 0;
    for (xmpp_stanza_t *e = old ? xmpp_stanza_get_children(old) : NULL; e;
         e = xmpp_stanza_get_next(e)) {
        if (!xmpp_stanza_is_tag(e))
            continue;
        if (is_tag(e, "conference")) {
            char *jid = room_jid(xmpp_stanza_get_attribute(e, "jid"));
            bool same = jid && strcmp(jid, c->jid) == 0;
            g_free(jid);
            if (same || ++n > MAX_BOOKMARKS)
                continue;
        }
        xmpp_stanza_t *copy = xmpp_stanza_copy(e);
        xmpp_stanza_add_child(st, copy);
        xmpp_stanza_release(copy);
    }
    if (c->put) {
        xmpp_stanza_t *conf = conference_el(c->put, NULL);
        xmpp_stanza_add_child(st, conf);
        xmpp_stanza_release(conf);
    }
    xmpp_stanza_t *iq = private_iq("set", st);
    /* The change travels on to the write's answer. */
    bm_change *next = change_new(c->put, c->jid);
    c->put = NULL;
    bc_xmpp_iq_send(iq, NULL, TIMEOUT_MS, on_private_written, next, change_free);
    xmpp_stanza_release(iq);
}

/* Starts the next waiting change, if any; its write's answer (or a
 * failure on the way) calls this again. */
static void private_next(void)
{
    bm_change *c = g_queue_pop_head(&private_queue);
    private_busy = c != NULL;
    if (!c)
        return;
    xmpp_stanza_t *iq = private_iq("get", NULL);
    bc_xmpp_iq_send(iq, NULL, TIMEOUT_MS, on_private_read_for_change, c, change_free);
    xmpp_stanza_release(iq);
}

static void private_change_start(bc_bookmark *put, const char *jid)
{
    g_queue_push_tail(&private_queue, change_new(put, jid));
    if (!private_busy)
        private_next();
}

/* -- XEP-0402 in PEP ---------------------------------------------------- */

static xmpp_stanza_t *pubsub_iq(const char *type, xmpp_stanza_t **pubsub)
{
    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, type, NULL);
    *pubsub = bc_xmpp_el("pubsub", BC_NS_PUBSUB);
    xmpp_stanza_add_child(iq, *pubsub);
    xmpp_stanza_release(*pubsub);
    return iq;
}

static void on_pep_fetched(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    if (GPOINTER_TO_UINT(data) != gen || disconnected)
        return;
    GPtrArray *list = new_list();
    if (reply && bc_xmpp_iq_is_error(reply)) {
        /* No node yet means no bookmarks yet; only a server without PEP
         * (or refusing it) sends us to the older storage. */
        if (strcmp(bc_xmpp_error_condition(reply), "item-not-found") != 0) {
            g_ptr_array_free(list, TRUE);
            fetch_private();
            return;
        }
    } else if (!reply) {
        g_ptr_array_free(list, TRUE);
        bc_console_err("Cannot load your bookmarks: the server did not answer in 30 s; "
                       "/reconnect to try again.");
        return;
    } else {
        xmpp_stanza_t *ps = xmpp_stanza_get_child_by_name_and_ns(reply, "pubsub", BC_NS_PUBSUB);
        xmpp_stanza_t *items = ps ? xmpp_stanza_get_child_by_name(ps, "items") : NULL;
        for (xmpp_stanza_t *it = items ? xmpp_stanza_get_children(items) : NULL; it;
             it = xmpp_stanza_get_next(it)) {
            if (!is_tag(it, "item"))
                continue;
            bc_bookmark *b = parse_pep_item(it);
            if (b)
                list_add(list, b);
        }
    }
    mode = MODE_PEP;
    bookmarks_loaded(list);
}

static void fetch_pep(void)
{
    xmpp_stanza_t *ps;
    xmpp_stanza_t *iq = pubsub_iq("get", &ps);
    xmpp_stanza_t *items = bc_xmpp_el("items", NULL);
    xmpp_stanza_set_attribute(items, "node", NS_BOOKMARKS2);
    xmpp_stanza_add_child(ps, items);
    xmpp_stanza_release(items);
    bc_xmpp_iq_send(iq, NULL, TIMEOUT_MS, on_pep_fetched, GUINT_TO_POINTER(gen), NULL);
    xmpp_stanza_release(iq);
}

/* XEP-0402 only where the server says it keeps the XEP-0048 copy in step
 * (#compat on our account): elsewhere a client that only speaks XEP-0048
 * (most of them) would not see what we bookmark, so private storage. */
static void on_account_info(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    if (GPOINTER_TO_UINT(data) != gen || disconnected)
        return;
    if (bc_xmpp_disco_has(bc_xmpp_disco_query(reply), NS_BOOKMARKS2 "#compat"))
        fetch_pep();
    else
        fetch_private();
}

void bc_xmpp_bookmarks_fetch(void)
{
    if (!bc_xconn || !bc_xmpp_connected())
        return;
    mode = MODE_UNKNOWN;
    const char *bound = xmpp_conn_get_bound_jid(bc_xconn);
    char *own = bound ? bc_jid_bare(bound) : NULL;
    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, "get", NULL);
    xmpp_stanza_t *q = bc_xmpp_el("query", BC_NS_DISCO_INFO);
    xmpp_stanza_add_child(iq, q);
    xmpp_stanza_release(q);
    bc_xmpp_iq_send(iq, own, TIMEOUT_MS, on_account_info, GUINT_TO_POINTER(gen), NULL);
    xmpp_stanza_release(iq);
    g_free(own);
}

static void on_pep_written(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    bm_change *c = data;
    if (disconnected)
        return;
    char *why = failure(reply);
    if (why) {
        bc_error("Cannot %s the bookmark of %s (%s): try again.", c->put ? "save" : "remove",
                 c->jid, why);
        g_free(why);
        return;
    }
    change_done(c);
}

static void pep_publish(bc_bookmark *b /* taken */)
{
    xmpp_stanza_t *ps;
    xmpp_stanza_t *iq = pubsub_iq("set", &ps);
    xmpp_stanza_t *pub = bc_xmpp_el("publish", NULL);
    xmpp_stanza_set_attribute(pub, "node", NS_BOOKMARKS2);
    xmpp_stanza_t *item = bc_xmpp_el("item", NULL);
    xmpp_stanza_set_attribute(item, "id", b->jid);
    xmpp_stanza_t *conf = conference_el(b, NS_BOOKMARKS2);
    xmpp_stanza_add_child(item, conf);
    xmpp_stanza_release(conf);
    xmpp_stanza_add_child(pub, item);
    xmpp_stanza_release(item);
    xmpp_stanza_add_child(ps, pub);
    xmpp_stanza_release(pub);
    /* XEP-0402 §3.1: the node keeps every item and only we may read it
     * (it holds room passwords). */
    xmpp_stanza_t *opts = bc_xmpp_el("publish-options", NULL);
    xmpp_stanza_t *x = bc_xmpp_el("x", BC_NS_DATA);
    xmpp_stanza_set_type(x, "submit");
    static const char *const options[][2] = {
        {"FORM_TYPE", NS_PUBSUB_OPTIONS},
        {"pubsub#persist_items", "true"},
        {"pubsub#max_items", "max"},
        {"pubsub#send_last_published_item", "never"},
        {"pubsub#access_model", "whitelist"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(options); i++)
        bc_form_add_field(bc_xctx, x, options[i][0], i == 0 ? "hidden" : NULL,
                          (const char *const[]){options[i][1], NULL});
    xmpp_stanza_add_child(opts, x);
    xmpp_stanza_release(x);
    xmpp_stanza_add_child(ps, opts);
    xmpp_stanza_release(opts);
    bc_xmpp_iq_send(iq, NULL, TIMEOUT_MS, on_pep_written, change_new(b, NULL), change_free);
    xmpp_stanza_release(iq);
}

static void pep_retract(const char *jid)
{
    xmpp_stanza_t *ps;
    xmpp_stanza_t *iq = pubsub_iq("set", &ps);
    xmpp_stanza_t *r = bc_xmpp_el("retract", NULL);
    xmpp_stanza_set_attribute(r, "node", NS_BOOKMARKS2);
    xmpp_stanza_set_attribute(r, "notify", "true");
    xmpp_stanza_t *item = bc_xmpp_el("item", NULL);
    xmpp_stanza_set_attribute(item, "id", jid);
    xmpp_stanza_add_child(r, item);
    xmpp_stanza_release(item);
    xmpp_stanza_add_child(ps, r);
    xmpp_stanza_release(r);
    bc_xmpp_iq_send(iq, NULL, TIMEOUT_MS, on_pep_written, change_new(NULL, jid), change_free);
    xmpp_stanza_release(iq);
}

/* -- the public side ---------------------------------------------------- */

static bool ready(GError **err)
{
    if (!bc_xmpp_require_online(err))
        return false;
    if (mode == MODE_UNKNOWN) {
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "your bookmarks are still loading: try again in a moment");
        return false;
    }
    return true;
}

static bool short_text(const char *what, const char *s, GError **err)
{
    if (!s)
        return true;
    if (g_utf8_strlen(s, -1) > 200 || strchr(s, '\n') || !g_utf8_validate(s, -1, NULL)) {
        g_set_error(err, BC_XMPP_ERROR, 1, "the %s is too long or not one line", what);
        return false;
    }
    return true;
}

bool bc_xmpp_bookmark_add(const char *room, const char *name, const char *nick,
                          const char *password, bool autojoin, GError **err)
{
    char *jid = room_jid(room);
    if (!jid) {
        g_set_error(err, BC_XMPP_ERROR, 1, "\"%s\" is not a room JID (room@service)",
                    room ? room : "");
        return false;
    }
    if (!short_text("name", name, err) || !short_text("nick", nick, err) ||
        !short_text("password", password, err) || !ready(err)) {
        g_free(jid);
        return false;
    }
    GPtrArray *all = bc_muc_bookmarks();
    if (all && all->len >= MAX_BOOKMARKS && !bc_muc_bookmark(jid)) {
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "you have %d bookmarks already: /bookmark remove some first", MAX_BOOKMARKS);
        g_free(jid);
        return false;
    }
    bc_bookmark *b = bc_bookmark_new(jid, name && *name ? name : NULL,
                                     nick && *nick ? nick : NULL,
                                     password && *password ? password : NULL, autojoin);
    if (mode == MODE_PEP)
        pep_publish(b);
    else
        private_change_start(b, NULL);
    g_free(jid);
    return true;
}

bool bc_xmpp_bookmark_remove(const char *room, GError **err)
{
    char *jid = room_jid(room);
    if (!jid) {
        g_set_error(err, BC_XMPP_ERROR, 1, "\"%s\" is not a room JID (room@service)",
                    room ? room : "");
        return false;
    }
    if (!ready(err)) {
        g_free(jid);
        return false;
    }
    if (!bc_muc_bookmark(jid)) {
        g_set_error(err, BC_XMPP_ERROR, 1, "%s is not bookmarked (/bookmark lists them)", jid);
        g_free(jid);
        return false;
    }
    if (mode == MODE_PEP)
        pep_retract(jid);
    else
        private_change_start(NULL, jid);
    g_free(jid);
    return true;
}

bool bc_xmpp_bookmarks_message(xmpp_stanza_t *msg)
{
    xmpp_stanza_t *ev = xmpp_stanza_get_child_by_name_and_ns(msg, "event", BC_NS_PUBSUB_EVENT);
    xmpp_stanza_t *items = NULL;
    for (xmpp_stanza_t *c = ev ? xmpp_stanza_get_children(ev) : NULL; c;
         c = xmpp_stanza_get_next(c))
        if ((is_tag(c, "items") || is_tag(c, "purge")) &&
            g_strcmp0(xmpp_stanza_get_attribute(c, "node"), NS_BOOKMARKS2) == 0) {
            items = c;
            break;
        }
    if (!items)
        return false;
    /* Our bookmarks come only from our own account; anyone else's event
     * on that node is swallowed, never shown. */
    const char *from = xmpp_stanza_get_from(msg);
    char *self = bc_xmpp_self_bare();
    bool ours = from && self && strcmp(from, self) == 0;
    g_free(self);
    if (!ours)
        return true;
    if (mode == MODE_UNKNOWN) /* the fetch brings the full list soon */
        return true;
    if (is_tag(items, "purge")) {
        bc_muc_bookmarks_set(new_list());
        return true;
    }
    unsigned n = 0;
    for (xmpp_stanza_t *it = xmpp_stanza_get_children(items); it && n < MAX_BOOKMARKS;
         it = xmpp_stanza_get_next(it), n++) {
        if (is_tag(it, "item")) {
            bc_bookmark *b = parse_pep_item(it);
            if (!b)
                continue;
            bool is_new = !bc_muc_bookmark(b->jid);
            GPtrArray *all = bc_muc_bookmarks();
            if (is_new && all && all->len >= MAX_BOOKMARKS) {
                bc_bookmark_free(b);
                continue;
            }
            bc_muc_bookmark_put(b);
            /* XEP-0402 §3.4: another device asked for the room to be
             * joined (join_queued skips a room we are in). */
            autojoin(b);
            bc_bookmark_free(b);
        } else if (is_tag(it, "retract")) {
            char *jid = room_jid(xmpp_stanza_get_attribute(it, "id"));
            if (jid)
                bc_muc_bookmark_removed(jid);
            g_free(jid);
        }
    }
    return true;
}
