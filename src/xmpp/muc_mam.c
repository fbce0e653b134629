/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A room's archive (XEP-0313, urn:xmpp:mam:2) fills what the local log
 * misses when we join: everything after the room's sync mark (the archive
 * id of the newest message we logged from it), 100 a page, a bounded
 * number of pages; or, without a mark, the newest 50. Results are only
 * believed from the room's bare JID and with our queryid. The log drops
 * what it already has (same archive id), so nothing shows twice. */
#include "backchat/conv.h"
#include "backchat/core.h"
#include "backchat/jid.h"
#include "backchat/muc.h"
#include "backchat/sanitize.h"
#include "backchat/store.h"
#include "backchat/xmpp.h"
#include "internal.h"
#include "mam_query.h"
#include "muc_internal.h"

#include <string.h>
#include <time.h>

#define PAGE_MAX 100        /* asked for per page */
#define NEWEST_MAX 50       /* without a mark: the newest this many */
#define PAGE_ACCEPT 200     /* believed per page, whatever the room sends */
#define MAX_PAGES 20        /* per join: 2,000 messages */
#define QUERY_TIMEOUT_MS 30000
#define MAX_ID_LEN BC_MAM_MAX_ID_LEN

typedef struct query {
    char *room;
    char *queryid;
    char *after;        /* RSM <after/>: the mark, then each page's last */
    bool newest;        /* no mark: one page, the newest NEWEST_MAX */
    bool fell_back;     /* the mark was unknown to the archive */
    unsigned gen;
    int pages, page_results, total;
    char *last_id;      /* the newest result of this page */
    int64_t last_ts;
} query;

typedef struct query_ref {
    char *room;
    unsigned gen;
} query_ref;

static GHashTable *queries; /* room -> query* */
static unsigned next_gen;

static bool is(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

static void query_free(gpointer p)
{
    query *q = p;
    g_free(q->room);
    g_free(q->queryid);
    g_free(q->after);
    g_free(q->last_id);
    g_free(q);
}

static void ref_free(gpointer p)
{
    query_ref *r = p;
    g_free(r->room);
    g_free(r);
}

bool bc_muc_mam_running(const char *room)
{
    return queries && room && g_hash_table_contains(queries, room);
}

void bc_muc_mam_stop(const char *room)
{
    if (!queries)
        return;
    if (room)
        g_hash_table_remove(queries, room);
    else
        g_hash_table_remove_all(queries);
}

static void on_page(xmpp_stanza_t *reply, bool disconnected, void *data);

static void send_page(query *q)
{
    g_free(q->queryid);
    q->queryid = bc_mam_queryid("-room");
    q->page_results = 0;
    g_clear_pointer(&q->last_id, g_free);
    q->gen = ++next_gen;
    /* Newest: an empty <before/>, the last page. */
    bc_mam_page p = {
        .queryid = q->queryid,
        .max = q->newest ? NEWEST_MAX : PAGE_MAX,
        .after = q->newest ? NULL : q->after,
        .last_page = q->newest,
    };
    xmpp_stanza_t *iq = bc_mam_query_iq(&p);
    query_ref *ref = g_new0(query_ref, 1);
    ref->room = g_strdup(q->room);
    ref->gen = q->gen;
    bc_xmpp_iq_send(iq, q->room, QUERY_TIMEOUT_MS, on_page, ref, ref_free);
    xmpp_stanza_release(iq);
}

void bc_muc_mam_start(const char *room)
{
    if (!room)
        return;
    if (!queries)
        queries = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, query_free);
    query *q = g_new0(query, 1);
    q->room = g_strdup(room);
    char *mark = NULL;
    int64_t ts = 0;
    bc_store *log = bc_core_log();
    if (log && bc_store_synced(log, room, &mark, &ts) && mark && *mark)
        q->after = mark;
    else
        g_free(mark);
    q->newest = q->after == NULL;
    g_hash_table_replace(queries, q->room, q);
    send_page(q);
}

void bc_muc_mam_result(xmpp_stanza_t *msg, const char *room)
{
    query *q = queries ? g_hash_table_lookup(queries, room) : NULL;
    xmpp_stanza_t *res = xmpp_stanza_get_child_by_name_and_ns(msg, "result", BC_NS_MAM);
    const char *from = xmpp_stanza_get_from(msg);
    /* The room's own bare JID: an occupant (room/nick) could send anything. */
    char *res_part = from ? bc_jid_resource(from) : NULL;
    bool from_room = from && !res_part && bc_jid_bare_equal(from, room);
    g_free(res_part);
    if (!q || !res || !from_room || !is(xmpp_stanza_get_attribute(res, "queryid"), q->queryid))
        return;
    if (++q->page_results > PAGE_ACCEPT)
        return;
    bc_mam_result r;
    if (!bc_mam_result_read(res, &r))
        return;
    g_free(q->last_id);
    q->last_id = g_strdup(r.archive_id);
    q->last_ts = r.ts;
    const char *ifrom = r.inner ? xmpp_stanza_get_from(r.inner) : NULL;
    const char *itype = r.inner ? xmpp_stanza_get_type(r.inner) : NULL;
    /* Messages of this room only, said by an occupant (room/nick). */
    if (r.inner && ifrom && (!itype || is(itype, "groupchat")) && strlen(ifrom) <= 3071 &&
        bc_jid_is_valid(ifrom) && bc_jid_bare_equal(ifrom, room)) {
        char *clean = bc_sanitize_line(ifrom, -1);
        char *nick = bc_jid_resource(clean);
        if (nick) {
            bc_xmpp_muc_deliver(r.inner, room, nick, r.archive_id, r.ts, true);
            q->total++;
        }
        g_free(nick);
        g_free(clean);
    }
    g_free(r.archive_id);
}

void bc_muc_mam_live(const char *room, const char *server_id, int64_t ts)
{
    bc_store *log = bc_core_log();
    if (!log || !server_id || strlen(server_id) > MAX_ID_LEN || bc_muc_mam_running(room))
        return;
    /* Queued behind the message itself: written in the same flush. */
    bc_store_set_synced(log, room, server_id, ts);
}

static void finish(query *q, const char *why)
{
    char *room = g_strdup(q->room);
    int total = q->total;
    bc_muc_mam_stop(room); /* frees q */
    if (why)
        bc_xmpp_muc_line(room, BC_LINE_ERR, "Could not fill in from the room's archive: %s. "
                         "Messages you missed may be absent here.", why);
    else if (total > 0)
        bc_xmpp_muc_line(room, BC_LINE_SYS, "%d message%s from the room's archive.", total,
                         total == 1 ? "" : "s");
    g_free(room);
}

static void on_page(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    query_ref *ref = data;
    query *q = queries ? g_hash_table_lookup(queries, ref->room) : NULL;
    if (!q || q->gen != ref->gen)
        return; /* stopped or restarted meanwhile */
    if (disconnected) {
        bc_muc_mam_stop(ref->room);
        return;
    }
    if (!reply) {
        finish(q, "the room did not answer within 30 s");
        return;
    }
    if (bc_xmpp_iq_is_error(reply)) {
        if (!q->newest && !q->fell_back && bc_mam_item_not_found(reply)) {
            /* The archive no longer has our mark (expired): the newest. */
            q->fell_back = true;
            q->newest = true;
            g_clear_pointer(&q->after, g_free);
            send_page(q);
            return;
        }
        char *why = bc_xmpp_error_text(reply);
        char *msg = g_strdup_printf("the room refused the query (%s)", why);
        finish(q, msg);
        g_free(msg);
        g_free(why);
        return;
    }
    /* With <before/>, <last/> is still the newest of the page. */
    bool complete;
    char *last = bc_mam_fin(reply, q->last_id, &complete);
    bc_store *log = bc_core_log();
    if (log && last && *last)
        bc_store_set_synced(log, q->room, last, q->last_ts ? q->last_ts : (int64_t)time(NULL));
    q->pages++;
    if (q->newest || complete || !last || !*last || q->page_results == 0) {
        finish(q, NULL);
    } else if (q->pages >= MAX_PAGES) {
        char *room = g_strdup(q->room);
        finish(q, NULL);
        bc_xmpp_muc_line(room, BC_LINE_SYS, "The room's archive has more; the rest comes at "
                         "the next join.");
        g_free(room);
    } else {
        g_free(q->after);
        q->after = g_strdup(last);
        send_page(q);
    }
    g_free(last);
}
