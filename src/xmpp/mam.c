/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Archive catch-up (XEP-0313, urn:xmpp:mam:2): at every session start,
 * ask the account archive for everything after the last archive id we
 * have (RSM paging, 100 a page), hand each result to core, and move the
 * sync mark after each page. Results are only believed when they come
 * from our own bare JID (or without 'from') and answer our query. */
#include "backchat/archive.h"
#include "backchat/conv.h"
#include "backchat/core.h"
#include "backchat/jid.h"
#include "backchat/sanitize.h"
#include "backchat/xmpp.h"
#include "internal.h"
#include "mam_query.h"

#include <string.h>
#include <time.h>

#define NS_MUC_USER "http://jabber.org/protocol/muc#user"

#define PAGE_MAX 100          /* results asked for per page */
#define PAGE_ACCEPT 200       /* results believed per page, whatever the server sends */
#define MAX_PAGES 50          /* per catch-up: 5,000 messages; the rest next time */
#define QUERY_TIMEOUT_MS 60000
#define MAX_ID_LEN BC_MAM_MAX_ID_LEN
#define MAX_BODY_BYTES (256 * 1024)

static struct {
    bool running;
    char *queryid;
    char *own;          /* our bare JID */
    char *after;        /* RSM <after/> of the page asked for */
    int64_t start;      /* the form's start, 0: none (paging after an id) */
    int64_t mark_ts;    /* the sync mark's time, for a fallback */
    bool fell_back;     /* the mark's id was unknown: went by time once */
    int pages;
    int page_results;
    char *last_id;      /* the newest result of this page */
    int64_t last_ts;
} q;

/* Live chat messages that arrive while a catch-up runs wait for it: the
 * archive has everything up to its end in the order the server received
 * it, and what was missed comes before what arrives now. Shown after the
 * catch-up, they keep that order (within a second, too). */
#define HOLD_MAX 5000
static GQueue held = G_QUEUE_INIT;
static bool holding;    /* from the stream's start to its catch-up's end */

void bc_xmpp_mam_hold_live(void) { holding = true; }

bool bc_xmpp_mam_hold(xmpp_stanza_t *msg)
{
    if (!(holding || q.running) || held.length >= HOLD_MAX)
        return false;
    g_queue_push_tail(&held, xmpp_stanza_copy(msg));
    return true;
}

void bc_xmpp_mam_release(void)
{
    holding = false;
    xmpp_stanza_t *m;
    while ((m = g_queue_pop_head(&held))) {
        bc_xmpp_message_replay(m);
        xmpp_stanza_release(m);
    }
}

/* Forgets the query; what is held stays held. */
static void stop_query(void)
{
    q.running = false;
    g_clear_pointer(&q.queryid, g_free);
    g_clear_pointer(&q.after, g_free);
    g_clear_pointer(&q.last_id, g_free);
    g_clear_pointer(&q.own, g_free);
}

/* The catch-up is over on this stream: what waited for it is shown. */
static void stop(void)
{
    stop_query();
    bc_xmpp_mam_release();
}

static void on_page(xmpp_stanza_t *reply, bool disconnected, void *data);
/* An older-history request in flight (bc_archive_set_older_fetcher). */
typedef struct older_req {
    bool used;
    char *queryid;
    char *conv;
    char *own;
    char *before;       /* RSM <before>, NULL: empty (by 'end') */
    int64_t end;
    int results;
} older_req;
static older_req *older_by_queryid(const char *qid);
#define OLDER_ACCEPT (2 * BC_ARCHIVE_OLDER_MAX)

static void send_page(void)
{
    g_free(q.queryid);
    q.queryid = bc_mam_queryid("");
    q.page_results = 0;
    g_clear_pointer(&q.last_id, g_free);
    bc_mam_page p = {.queryid = q.queryid, .start = q.start, .max = PAGE_MAX, .after = q.after};
    xmpp_stanza_t *iq = bc_mam_query_iq(&p);
    bc_xmpp_iq_send(iq, NULL, QUERY_TIMEOUT_MS, on_page, NULL, NULL);
    xmpp_stanza_release(iq);
}

void bc_xmpp_mam_catchup(void)
{
    if (q.running)
        stop_query();
    if (!bc_core_log() || !(q.own = bc_xmpp_self_bare())) {
        /* Nowhere to keep it: what the last connection may have lost
         * cannot be checked, so it is sent again. */
        g_clear_pointer(&q.own, g_free);
        bc_xmpp_mam_release();
        bc_xmpp_ledger_resend();
        return;
    }
    char *after = NULL;
    int64_t mark_ts = 0, start = 0;
    bool have = bc_archive_where(q.own, &after, &mark_ts, &start);
    q.after = after;
    q.start = have ? 0 : start;
    q.mark_ts = mark_ts;
    q.fell_back = false;
    q.pages = 0;
    q.running = true;
    bc_archive_begin();
    send_page();
}

static bool is(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* One archive result, checked and sanitized the same way for the
 * catch-up and for older history: handed to `deliver` when it is a 1:1
 * message with a text (and, with `only_conv`, of that conversation). */
static void take_result(xmpp_stanza_t *res, const char *own, const char *only_conv,
                        void (*deliver)(const bc_archive_msg *m), char **last_id,
                        int64_t *last_ts)
{
    bc_mam_result r;
    if (!bc_mam_result_read(res, &r))
        return;
    if (last_id) {
        g_free(*last_id);
        *last_id = g_strdup(r.archive_id);
        *last_ts = r.ts;
    }

    const char *type = r.inner ? xmpp_stanza_get_type(r.inner) : NULL;
    xmpp_stanza_t *body_el = r.inner ? xmpp_stanza_get_child_by_name(r.inner, "body") : NULL;
    const char *ifrom = r.inner ? xmpp_stanza_get_from(r.inner) : NULL;
    const char *ito = r.inner ? xmpp_stanza_get_to(r.inner) : NULL;
    /* 1:1 messages with a text; rooms, headlines and errors are not
     * caught up here. */
    /* A private message with a room occupant is not a 1:1 chat with the
     * room: it carries muc#user, and the room's own code logs it. */
    bool wanted = body_el && ifrom && (!type || is(type, "chat") || is(type, "normal")) &&
                  !xmpp_stanza_get_child_by_name_and_ns(r.inner, "x", NS_MUC_USER);
    char *from_bare = wanted ? bc_jid_bare(ifrom) : NULL;
    bool outgoing = from_bare && strcmp(from_bare, own) == 0;
    char *conv = outgoing ? (ito ? bc_jid_bare(ito) : NULL) : g_strdup(from_bare);
    char *raw = conv ? xmpp_stanza_get_text(body_el) : NULL;
    if (raw && *raw && (!only_conv || strcmp(conv, only_conv) == 0)) {
        size_t len = strlen(raw);
        char *body = bc_sanitize(raw, (long)(len < MAX_BODY_BYTES ? len : MAX_BODY_BYTES));
        char *from_clean = bc_sanitize_line(ifrom, -1);
        char *sid = bc_xmpp_message_id(r.inner);
        char *replaces = bc_xmpp_replace_id(r.inner);
        if (outgoing)
            bc_xmpp_ledger_seen(sid);
        bc_archive_msg m = {
            .conv = conv,
            .from_full = from_clean,
            .body = body,
            .stanza_id = sid,
            .archive_id = r.archive_id,
            .replaces_id = replaces,
            .type = type ? type : "normal",
            .ts = r.ts,
            .outgoing = outgoing,
        };
        deliver(&m);
        g_free(replaces);
        g_free(sid);
        g_free(from_clean);
        g_free(body);
    }
    if (raw)
        xmpp_free(bc_xctx, raw);
    g_free(conv);
    g_free(from_bare);
    g_free(r.archive_id);
}

bool bc_xmpp_mam_message(xmpp_stanza_t *msg)
{
    xmpp_stanza_t *res = xmpp_stanza_get_child_by_name_and_ns(msg, "result", BC_NS_MAM);
    if (!res)
        return false;
    /* From here on it is an archive result, never a live message. */
    if (!bc_xmpp_from_self_or_server(xmpp_stanza_get_from(msg)))
        return true; /* forged: only our own archive speaks for us */
    const char *qid = xmpp_stanza_get_attribute(res, "queryid");
    older_req *o = older_by_queryid(qid);
    if (o) {
        if (++o->results <= OLDER_ACCEPT)
            take_result(res, o->own, o->conv, bc_archive_older_message, NULL, NULL);
        return true;
    }
    if (!q.running || !is(qid, q.queryid))
        return true;
    if (++q.page_results > PAGE_ACCEPT)
        return true;
    take_result(res, q.own, NULL, bc_archive_message, &q.last_id, &q.last_ts);
    return true;
}

static void on_page(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    if (!q.running)
        return;
    if (disconnected) {
        /* What is held stays held for the next stream's catch-up: shown
         * now, it would come before the older messages that catch-up
         * still has to bring. (The archive has them too; shown twice
         * they are not.) A disconnection for good releases them. */
        stop_query();
        bc_archive_end(false, "the connection closed");
        return;
    }
    if (!reply) {
        stop();
        bc_archive_end(false, "the server did not answer within 60 s");
        bc_xmpp_ledger_resend();
        return;
    }
    if (bc_xmpp_iq_is_error(reply)) {
        if (q.after && !q.fell_back && bc_mam_item_not_found(reply)) {
            /* The archive no longer has our last id (expired): go by the
             * time of the mark instead. */
            q.fell_back = true;
            g_clear_pointer(&q.after, g_free);
            int64_t week = (int64_t)time(NULL) - (int64_t)BC_ARCHIVE_FIRST_DAYS * 86400;
            q.start = q.mark_ts > week ? q.mark_ts - 60 : week;
            send_page();
            return;
        }
        char *why = bc_xmpp_error_text(reply);
        char *msg = g_strdup_printf("the server refused the archive query (%s)", why);
        stop();
        bc_archive_end(false, msg);
        bc_xmpp_ledger_resend();
        g_free(msg);
        g_free(why);
        return;
    }
    bool complete;
    char *last = bc_mam_fin(reply, q.last_id, &complete);
    if (last && *last)
        bc_archive_page_done(q.own, last, q.last_ts ? q.last_ts : (int64_t)time(NULL));
    q.pages++;
    bool more = !complete && last && *last && q.page_results > 0;
    if (!more) {
        stop();
        bc_archive_end(true, NULL);
        bc_xmpp_ledger_resend();
    } else if (q.pages >= MAX_PAGES) {
        stop();
        bc_archive_end(false, NULL);
        bc_xmpp_ledger_resend();
    } else {
        g_free(q.after);
        q.after = g_strdup(last);
        send_page();
    }
    g_free(last);
}

/* ---- older history of one conversation (bc_archive_set_older_fetcher) --- */

#define OLDER_SLOTS 4          /* requests in flight, all conversations */

static older_req older[OLDER_SLOTS];

static older_req *older_by_queryid(const char *qid)
{
    for (int i = 0; qid && i < OLDER_SLOTS; i++)
        if (older[i].used && is(older[i].queryid, qid))
            return &older[i];
    return NULL;
}

static void older_free(older_req *o)
{
    g_free(o->queryid);
    g_free(o->conv);
    g_free(o->own);
    g_free(o->before);
    memset(o, 0, sizeof *o);
}

static void on_older(xmpp_stanza_t *reply, bool disconnected, void *data);

static void older_send(older_req *o)
{
    g_free(o->queryid);
    o->queryid = bc_mam_queryid("-older");
    o->results = 0;
    /* Without an id, by 'end' with an empty <before/>: the last page
     * (the newest before 'end'). */
    bc_mam_page p = {
        .queryid = o->queryid,
        .with = o->conv,
        .end = o->before ? 0 : o->end,
        .max = BC_ARCHIVE_OLDER_MAX,
        .before = o->before,
        .last_page = true,
    };
    xmpp_stanza_t *iq = bc_mam_query_iq(&p);
    bc_xmpp_iq_send(iq, NULL, QUERY_TIMEOUT_MS, on_older, o, NULL);
    xmpp_stanza_release(iq);
}

static bool fetch_older(const bc_archive_older_query *aq)
{
    if (!bc_xmpp_connected() || !aq->conv)
        return false;
    older_req *o = NULL;
    for (int i = 0; i < OLDER_SLOTS; i++) {
        if (older[i].used && is(older[i].conv, aq->conv))
            return false; /* one in flight per conversation */
        if (!older[i].used && !o)
            o = &older[i];
    }
    if (!o)
        return false;
    o->own = bc_xmpp_self_bare();
    if (!o->own)
        return false;
    o->used = true;
    o->conv = g_strdup(aq->conv);
    o->before = aq->before_id && *aq->before_id && strlen(aq->before_id) <= MAX_ID_LEN
                    ? g_strdup(aq->before_id) : NULL;
    o->end = aq->end;
    older_send(o);
    return true;
}

static void on_older(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    older_req *o = data;
    if (!o->used)
        return;
    char *conv = g_strdup(o->conv);
    if (disconnected || !reply) {
        older_free(o);
        bc_archive_older_end(conv, false, disconnected ? "the connection closed"
                                                       : "the server did not answer within 60 s");
    } else if (bc_xmpp_iq_is_error(reply)) {
        if (o->before && o->end > 0 && bc_mam_item_not_found(reply)) {
            /* The archive does not know that id: go by its time. */
            g_clear_pointer(&o->before, g_free);
            older_send(o);
        } else {
            char *why = bc_xmpp_error_text(reply);
            char *msg = g_strdup_printf("the server refused the archive query (%s)", why);
            older_free(o);
            bc_archive_older_end(conv, false, msg);
            g_free(msg);
            g_free(why);
        }
    } else {
        bool complete;
        g_free(bc_mam_fin(reply, NULL, &complete));
        older_free(o);
        bc_archive_older_end(conv, complete, NULL);
    }
    g_free(conv);
}

void bc_xmpp_mam_init(void) { bc_archive_set_older_fetcher(fetch_older); }
