/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The search tab and find-in-conversation over the local log. */
#include "backchat/history.h"
#include "backchat/jid.h"
#include "backchat/searchview.h"
#include "backchat/store.h"
#include "conv_internal.h"

#include <string.h>

G_STATIC_ASSERT(BC_HIT_MARK_START == BC_SEARCH_MARK_START);
G_STATIC_ASSERT(BC_HIT_MARK_END == BC_SEARCH_MARK_END);

/* Context and snippets are one line each, and bounded. */
#define MAX_LINE_CHARS 400

static void hit_free(gpointer p)
{
    bc_search_hit *h = p;
    if (!h)
        return;
    g_free(h->conv);
    g_free(h->who);
    g_free(h->snippet);
    g_free(h->context);
    g_free(h);
}

void bc_search_view_free(bc_search_view *v)
{
    if (!v)
        return;
    g_free(v->query);
    if (v->hits)
        g_ptr_array_unref(v->hits);
    g_free(v);
}

/* Newlines and tabs become spaces; at most MAX_LINE_CHARS characters. */
static char *one_line(const char *s)
{
    char *out = g_strdup(s ? s : "");
    for (char *p = out; *p; p++)
        if (*p == '\n' || *p == '\t' || *p == '\r')
            *p = ' ';
    if (g_utf8_validate(out, -1, NULL) && g_utf8_strlen(out, -1) > MAX_LINE_CHARS) {
        char *end = g_utf8_offset_to_pointer(out, MAX_LINE_CHARS);
        strcpy(end, "\xe2\x80\xa6");
    }
    return out;
}

static char *who_of(const bc_store_row *r)
{
    if (r->nick)
        return g_strdup(r->nick);
    char *d = r->sender ? bc_jid_display(r->sender) : NULL;
    if (d)
        return d;
    return g_strdup(r->dir == BC_DIR_OUT ? "me" : r->conv);
}

/* ---- the search tab ----------------------------------------------------- */

typedef struct {
    GPtrArray *hits;
    int n;
} collect;

static void on_hit(const bc_store_row *r, const char *snippet, void *data)
{
    collect *k = data;
    k->n++;
    if (k->hits->len >= BC_SEARCH_MAX)
        return;
    bc_search_hit *h = g_new0(bc_search_hit, 1);
    h->id = r->id;
    h->ts = bc_store_row_time(r);
    h->conv = g_strdup(r->conv);
    h->who = who_of(r);
    h->snippet = one_line(snippet);
    h->outgoing = r->dir == BC_DIR_OUT;
    g_ptr_array_add(k->hits, h);
}

typedef struct {
    int64_t id;
    char *line;
} context;

static void on_context(const bc_store_row *r, void *data)
{
    context *cx = data;
    if (r->id == cx->id || cx->line)
        return;
    char *who = who_of(r);
    char *text = one_line(r->body);
    cx->line = g_strdup_printf("%s: %s", who, text);
    g_free(who);
    g_free(text);
}

bc_conv *bc_search_run(const char *query, GError **err)
{
    bc_store *st = bc_history_store();
    if (!st) {
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_READ,
                    "no local log is open (connect an account first)");
        return NULL;
    }
    bc_search q;
    if (!bc_search_parse(query, &q, err))
        return NULL;
    /* What this turn received is searchable too. */
    GError *ferr = NULL;
    if (bc_store_flush(st, &ferr) < 0)
        g_clear_error(&ferr); /* core reports it; search what is there */
    collect k = {g_ptr_array_new_with_free_func(hit_free), 0};
    int n = bc_store_search(st, &q, BC_SEARCH_MAX + 1, 0, on_hit, &k, err);
    bc_search_clear(&q);
    if (n < 0) {
        g_ptr_array_unref(k.hits);
        return NULL;
    }
    /* A line of context: the message before each result. */
    for (guint i = 0; i < k.hits->len; i++) {
        bc_search_hit *h = k.hits->pdata[i];
        context cx = {h->id, NULL};
        if (bc_store_around_time(st, h->conv, h->id, 1, 0, on_context, &cx, NULL) >= 0)
            h->context = cx.line;
        else
            g_free(cx.line);
    }
    bc_search_view *v = g_new0(bc_search_view, 1);
    v->query = g_strdup(query);
    v->hits = k.hits;
    v->selected = v->hits->len ? 0 : -1;
    v->more = k.n > BC_SEARCH_MAX;

    /* One search tab, reused: the view draws `v`, not lines. */
    bc_conv *c = bc_conv_open_search(false);
    bc_search_view_free(c->search);
    c->search = v;
    c->scroll = 0;
    while (c->len)
        bc_conv_remove(c, c->len - 1);
    bc_conv_select(bc_conv_index(c));
    bc_dirty(BC_DIRTY_ALL);
    return c;
}

void bc_search_move(bc_conv *c, int delta)
{
    if (!c || !c->search || !c->search->hits->len)
        return;
    long s = (long)c->search->selected + delta;
    long max = (long)c->search->hits->len - 1;
    c->search->selected = (int)(s < 0 ? 0 : s > max ? max : s);
    if (c == bc_conv_current())
        bc_dirty(BC_DIRTY_VIEW | BC_DIRTY_TABS);
}

bool bc_search_open_selected(bc_conv *c, GError **err)
{
    bc_search_view *v = c ? c->search : NULL;
    if (!v || v->selected < 0 || (guint)v->selected >= v->hits->len) {
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_QUERY, "no result selected");
        return false;
    }
    const bc_search_hit *h = v->hits->pdata[v->selected];
    bc_conv *chat = bc_conv_open(h->conv, true);
    if (!chat) {
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_READ, "cannot open %s", h->conv);
        return false;
    }
    return bc_history_jump(chat, h->id, err);
}

/* ---- find in a conversation --------------------------------------------- */

static void on_find(const bc_store_row *r, const char *snippet, void *data)
{
    GArray *ids = data;
    if (ids->len < BC_FIND_MAX)
        g_array_append_val(ids, r->id);
}

bool bc_find_active(const bc_conv *c)
{
    return c && c->find_ids && c->find_ids->len && c->find_pos >= 0;
}

void bc_find_clear(bc_conv *c)
{
    if (!c)
        return;
    g_clear_pointer(&c->find_query, g_free);
    if (c->find_ids)
        g_array_set_size(c->find_ids, 0);
    c->find_pos = -1;
    for (size_t i = 0; i < c->len; i++)
        bc_ring_at(c, i)->mark = false;
    if (bc_history_active(c))
        bc_history_reload(c);
    else
        c->scroll = 0;
    bc_dirty(BC_DIRTY_VIEW | BC_DIRTY_TABS);
}

bool bc_find_start(bc_conv *c, const char *query, GError **err)
{
    bc_store *st = bc_history_store();
    if (!bc_history_active(c) || !st) {
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_READ,
                    "/find searches the log of a chat tab: open one with /msg JID");
        return false;
    }
    bc_search q;
    if (!bc_search_parse(query, &q, err))
        return false;
    g_free(q.conv);
    q.conv = g_strdup(c->jid);
    GError *ferr = NULL;
    if (bc_store_flush(st, &ferr) < 0)
        g_clear_error(&ferr);
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(int64_t));
    int n = bc_store_search(st, &q, BC_FIND_MAX, 0, on_find, ids, err);
    bc_search_clear(&q);
    if (n < 0) {
        g_array_unref(ids);
        return false;
    }
    if (ids->len == 0) {
        g_array_unref(ids);
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_QUERY,
                    "no message in this conversation matches %s", query);
        return false;
    }
    if (c->find_ids)
        g_array_unref(c->find_ids);
    c->find_ids = ids;
    g_free(c->find_query);
    c->find_query = g_strdup(query);
    c->find_pos = 0;
    return bc_history_jump(c, g_array_index(ids, int64_t, 0), err);
}

bool bc_find_step(bc_conv *c, int dir, GError **err)
{
    if (!bc_find_active(c)) {
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_QUERY,
                    "nothing to step through: /find WORDS first");
        return false;
    }
    long pos = (long)c->find_pos + (dir > 0 ? 1 : -1);
    if (pos < 0 || pos >= (long)c->find_ids->len) {
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_QUERY, "no %s match for %s",
                    dir > 0 ? "older" : "newer", c->find_query);
        return false;
    }
    c->find_pos = (int)pos;
    return bc_history_jump(c, g_array_index(c->find_ids, int64_t, pos), err);
}
