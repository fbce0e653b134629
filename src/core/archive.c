/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Archive catch-up (XEP-0313), the model's side: log the results, keep
 * the sync mark, open and mark the tabs that got something new, report. */
#include "backchat/archive.h"
#include "backchat/conv.h"
#include "backchat/core.h"
#include "backchat/history.h"
#include "backchat/jid.h"
#include "conv_internal.h"

#include <string.h>
#include <time.h>

static struct {
    bool reporting;     /* a catch-up ended; report after the next flush */
    bool complete;
    char *why;
    int64_t fetched;    /* results handed in */
    int64_t added;      /* rows the log did not have */
    int64_t incoming;   /* of which from others */
    GHashTable *convs;  /* conv JID -> new rows (GINT_TO_POINTER) */
} run;

char *bc_archive_key(const char *own_bare)
{
    return g_strconcat("archive:", own_bare ? own_bare : "", NULL);
}

static void newest_row(const bc_store_row *r, const char *snippet, void *data)
{
    int64_t *t = data;
    int64_t rt = bc_store_row_time(r);
    if (rt > *t)
        *t = rt;
}

bool bc_archive_where(const char *own_bare, char **after_id, int64_t *mark_ts,
                      int64_t *start)
{
    *after_id = NULL;
    *mark_ts = 0;
    int64_t now = (int64_t)time(NULL);
    *start = now - (int64_t)BC_ARCHIVE_FIRST_DAYS * 86400;
    bc_store *st = bc_core_log();
    if (!st)
        return false;
    char *key = bc_archive_key(own_bare);
    char *id = NULL;
    int64_t ts = 0;
    bool have = bc_store_synced(st, key, &id, &ts);
    g_free(key);
    if (have && id && *id) {
        *after_id = id;
        *mark_ts = ts;
        return true;
    }
    g_free(id);
    /* First catch-up of this account: from the newest message logged
     * (a minute of overlap; the log drops duplicates), at most a week. */
    bc_search q = {0};
    q.since = *start;
    int64_t newest = 0;
    if (bc_store_search(st, &q, 1, 0, newest_row, &newest, NULL) > 0 && newest - 60 > *start)
        *start = newest - 60;
    return false;
}

void bc_archive_begin(void)
{
    g_clear_pointer(&run.why, g_free);
    if (run.convs)
        g_hash_table_remove_all(run.convs);
    else
        run.convs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    run.reporting = run.complete = false;
    run.fetched = run.added = run.incoming = 0;
}

void bc_archive_message(const bc_archive_msg *m)
{
    bc_store *st = bc_core_log();
    if (!st || !m->conv || !m->body)
        return;
    run.fetched++;
    int64_t now = (int64_t)time(NULL);
    bc_store_msg sm = {
        .conv = m->conv,
        .sender = m->from_full,
        .body = m->body,
        .stanza_id = m->stanza_id,
        .type = m->type ? m->type : "chat",
        .dir = m->outgoing ? BC_DIR_OUT : BC_DIR_IN,
        .ts_server = m->ts,
        .ts_local = now,
        .kind = BC_KIND_CHAT,
        .server_id = m->archive_id,
        .replaces_stanza_id = m->replaces_id,
        .tag = BC_ARCHIVE_TAG,
    };
    bc_store_append(st, &sm);
}

void bc_archive_page_done(const char *own_bare, const char *last_id, int64_t last_ts)
{
    bc_store *st = bc_core_log();
    if (!st || !last_id || !*last_id)
        return;
    char *key = bc_archive_key(own_bare);
    bc_store_set_synced(st, key, last_id, last_ts);
    g_free(key);
}

void bc_archive_end(bool complete, const char *why)
{
    run.reporting = true;
    run.complete = complete;
    g_free(run.why);
    run.why = g_strdup(why);
}

void bc_archive_written(const bc_store_row *row)
{
    if (!row->id)
        return; /* the log had it: shown already, or paged in when scrolled to */
    run.added++;
    bool in = row->dir == BC_DIR_IN && !row->replaces;
    bc_conv *c = bc_conv_find(row->conv);
    if (!c && in)
        c = bc_conv_open(row->conv, false); /* filled from the log, row included */
    if (!c)
        return;
    bc_history_insert_row(c, row);
    if (run.convs) {
        gpointer n = g_hash_table_lookup(run.convs, row->conv);
        g_hash_table_replace(run.convs, g_strdup(row->conv),
                             GINT_TO_POINTER(GPOINTER_TO_INT(n) + 1));
    }
    if (in) {
        run.incoming++;
        if (c != bc_conv_current()) {
            c->unread++;
            bc_dirty(BC_DIRTY_TABS | BC_DIRTY_ROSTER);
        }
    }
}

static void older_after_flush(void);

void bc_archive_after_flush(void)
{
    older_after_flush();
    if (!run.reporting)
        return;
    run.reporting = false;
    char hhmm[8];
    time_t t = time(NULL);
    struct tm tm;
    if (!localtime_r(&t, &tm) || !strftime(hhmm, sizeof hhmm, "%H:%M", &tm))
        g_strlcpy(hhmm, "now", sizeof hhmm);
    guint nconv = run.convs ? g_hash_table_size(run.convs) : 0;
    if (!run.complete && run.why) {
        bc_console_err("Archive catch-up stopped: %s. %" G_GINT64_FORMAT " new message%s"
                       " stored; it goes on from there at the next connection.", run.why,
                       run.added, run.added == 1 ? "" : "s");
    } else if (!run.complete) {
        bc_console("Archive catch-up paused after %" G_GINT64_FORMAT " messages (%"
                   G_GINT64_FORMAT " new); the rest comes at the next connection.",
                   run.fetched, run.added);
    } else if (run.added == 0) {
        bc_console("Archive synced up to %s: nothing new.", hhmm);
    } else {
        bc_console("Archive synced up to %s: %" G_GINT64_FORMAT " new message%s in %u"
                   " conversation%s.", hhmm, run.added, run.added == 1 ? "" : "s", nconv,
                   nconv == 1 ? "" : "s");
    }
    if (!run.convs)
        return;
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, run.convs);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        bc_conv *c = bc_conv_find(key);
        int n = GPOINTER_TO_INT(value);
        if (c) {
            char *note = g_strdup_printf("synced up to %s (%d new from the archive)", hhmm, n);
            bc_conv_add(c, BC_LINE_SYS, NULL, note, 0);
            g_free(note);
        }
    }
    g_hash_table_remove_all(run.convs);
}

/* ---- older history of one conversation ---------------------------------- */

#define NOTE_FETCHING (BC_ARCHIVE_TAG | 2)
#define NOTE_START (BC_ARCHIVE_TAG | 3)

typedef struct {
    bool in_flight;   /* asked, not answered */
    bool ended;       /* answered; the window is updated after the next flush */
    bool end_complete;
    char *why;        /* the request failed: why */
    bool complete;    /* the archive has nothing older: not asked again */
    bool stopped;     /* a request brought nothing new: not asked again */
    int added;        /* new rows the request brought */
} older_state;

static GHashTable *older; /* conversation JID -> older_state */
static bc_archive_older_fn older_fetcher;

static void older_state_free(gpointer p)
{
    older_state *s = p;
    g_free(s->why);
    g_free(s);
}

void bc_archive_set_older_fetcher(bc_archive_older_fn fn) { older_fetcher = fn; }

void bc_archive_older_reset(void)
{
    g_clear_pointer(&older, g_hash_table_unref);
}

static older_state *older_get(const char *conv, bool create)
{
    if (!conv)
        return NULL;
    if (!older && create)
        older = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, older_state_free);
    older_state *s = older ? g_hash_table_lookup(older, conv) : NULL;
    if (!s && create) {
        s = g_new0(older_state, 1);
        g_hash_table_insert(older, g_strdup(conv), s);
    }
    return s;
}

typedef struct {
    int64_t ts;
    char *server_id;
} oldest;

static void oldest_row(const bc_store_row *r, void *data)
{
    oldest *o = data;
    o->ts = bc_store_row_time(r);
    g_free(o->server_id);
    o->server_id = r->server_id && *r->server_id ? g_strdup(r->server_id) : NULL;
}

bool bc_archive_older_at_top(bc_conv *c)
{
    if (!c || c->type != BC_CONV_CHAT || !c->jid)
        return false;
    bc_store *st = bc_history_store();
    older_state *s = older_get(c->jid, older_fetcher && st);
    if (!s)
        return false;
    if (s->complete) {
        bc_history_note_top(c, "start of the archive", NOTE_START);
        return false;
    }
    if (s->stopped || s->in_flight || s->ended)
        return false;
    oldest o = {0};
    if (bc_store_page_time_after(st, c->jid, 0, 0, 1, oldest_row, &o, NULL) < 0) {
        g_free(o.server_id);
        return false;
    }
    bc_archive_older_query q = {
        .conv = c->jid,
        .before_id = o.server_id,
        .end = o.ts,
        .max = BC_ARCHIVE_OLDER_MAX,
    };
    bool sent = older_fetcher(&q);
    g_free(o.server_id);
    if (!sent)
        return false;
    s->in_flight = true;
    s->added = 0;
    bc_history_note_top(c, "fetching older messages from the server\u2026", NOTE_FETCHING);
    return true;
}

void bc_archive_older_message(const bc_archive_msg *m)
{
    bc_store *st = bc_history_store();
    older_state *s = m ? older_get(m->conv, false) : NULL;
    if (!st || !s || !s->in_flight || !m->body)
        return; /* not asked for */
    bc_store_msg sm = {
        .conv = m->conv,
        .sender = m->from_full,
        .body = m->body,
        .stanza_id = m->stanza_id,
        .type = m->type ? m->type : "chat",
        .dir = m->outgoing ? BC_DIR_OUT : BC_DIR_IN,
        .ts_server = m->ts,
        .ts_local = (int64_t)time(NULL),
        .kind = BC_KIND_CHAT,
        .server_id = m->archive_id,
        .replaces_stanza_id = m->replaces_id,
        .tag = BC_ARCHIVE_OLDER_TAG,
    };
    bc_store_append(st, &sm);
}

void bc_archive_older_written(const bc_store_row *row)
{
    if (!row->id)
        return; /* the log had it */
    older_state *s = older_get(row->conv, false);
    if (s)
        s->added++;
    bc_conv *c = bc_conv_find(row->conv);
    if (c)
        bc_history_insert_row(c, row); /* at its place in time */
}

void bc_archive_older_end(const char *conv, bool complete, const char *why)
{
    older_state *s = older_get(conv, false);
    if (!s || !s->in_flight)
        return;
    s->in_flight = false;
    s->ended = true;
    s->end_complete = complete;
    g_free(s->why);
    s->why = g_strdup(why);
}

/* After a flush: the rows that came are in the log and in the window. */
static void older_after_flush(void)
{
    if (!older)
        return;
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, older);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        older_state *s = value;
        if (!s->ended)
            continue;
        s->ended = false;
        bc_conv *c = bc_conv_find(key);
        if (c)
            bc_history_unnote(c, NOTE_FETCHING);
        if (s->why) {
            bc_console_err("Cannot fetch older messages of %s from the server: %s.",
                           (const char *)key, s->why);
            g_clear_pointer(&s->why, g_free);
        } else if (s->end_complete) {
            s->complete = true;
            if (c)
                bc_history_note_top(c, "start of the archive", NOTE_START);
        } else if (s->added == 0) {
            s->stopped = true; /* nothing new: asking again would bring the same */
        }
    }
}
