/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A chat tab's ring as a window onto the local log: filled at open, paged
 * in both directions as the view scrolls, bounded by the ring's capacity.
 *
 * The ring is kept in the log's order (message time, then row id; a line
 * not yet written sorts after the rows of its second). Paging back asks
 * the log for the rows before the oldest line that has a row id, paging
 * forward for the rows after the newest one, so a line is never fetched
 * twice. When the ring is full, lines at the other end are let go, but
 * only lines outside the view: the view never moves, and the scroll
 * offset (rows from the bottom) is corrected for every line added or let
 * go below it. Lines that are not in the log (notes from backchat, the
 * messages of a conversation whose logging is off) are held aside when let
 * go at the newest end and put back when the window returns there. */
#include "backchat/history.h"
#include "backchat/archive.h"
#include "backchat/jid.h"
#include "backchat/session.h"
#include "conv_internal.h"

#include <string.h>
#include <time.h>

/* Corrections remembered per tab for originals not paged in yet. */
#define EDITS_MAX 4096
/* Loop guards: pages fetched for one scroll, or to skip hidden rows. */
#define MAX_PAGES_PER_STEP 1000
#define MAX_HIDDEN_PAGES 64

static bc_store *store;

void bc_history_set_store(bc_store *st) { store = st; }
bc_store *bc_history_store(void) { return store; }

bool bc_history_active(const bc_conv *c)
{
    return store && c && c->jid &&
           (c->type == BC_CONV_CHAT || c->type == BC_CONV_ROOM || c->type == BC_CONV_PRIVATE);
}

static int fill_size(const bc_conv *c)
{
    size_t n = c->cap / 2;
    return n < BC_HISTORY_FILL ? (int)(n ? n : 1) : BC_HISTORY_FILL;
}

static int page_size(const bc_conv *c)
{
    size_t n = c->cap / 4;
    return n < BC_HISTORY_PAGE ? (int)(n ? n : 1) : BC_HISTORY_PAGE;
}

static void changed(bc_conv *c)
{
    if (c == bc_conv_current())
        bc_dirty(BC_DIRTY_VIEW | BC_DIRTY_TABS);
}

/* ---- corrections -------------------------------------------------------- */

typedef struct {
    int64_t corr_id;  /* the correction's row: the newest one wins */
    char *text;
} edit;

static void edit_free(gpointer p)
{
    edit *e = p;
    g_free(e->text);
    g_free(e);
}

/* Remembers that row `orig` reads `text` since correction row `corr_id`;
 * false if a newer correction is already known. */
static bool note_edit(bc_conv *c, int64_t orig, int64_t corr_id, const char *text)
{
    if (!c->edits)
        c->edits = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, edit_free);
    edit *e = g_hash_table_lookup(c->edits, &orig);
    if (e && e->corr_id >= corr_id)
        return false;
    if (!e && g_hash_table_size(c->edits) >= EDITS_MAX)
        g_hash_table_remove_all(c->edits);
    edit *n = g_new0(edit, 1);
    n->corr_id = corr_id;
    n->text = g_strdup(text ? text : "");
    int64_t *key = g_new(int64_t, 1);
    *key = orig;
    g_hash_table_replace(c->edits, key, n);
    return true;
}

static void apply_edit(const bc_conv *c, bc_line *l)
{
    if (!c->edits || !l->id)
        return;
    const edit *e = g_hash_table_lookup(c->edits, &l->id);
    if (e && (!l->edited || strcmp(l->text, e->text) != 0)) {
        g_free(l->text);
        l->text = g_strdup(e->text);
        l->edited = true;
    }
}

static void apply_edits_ring(bc_conv *c)
{
    for (size_t i = 0; i < c->len; i++)
        apply_edit(c, bc_ring_at(c, i));
}

/* ---- rows into lines ---------------------------------------------------- */

static char *row_from(const bc_conv *c, const bc_store_row *r)
{
    if (r->nick)
        return g_strdup(r->nick);
    if (r->dir == BC_DIR_OUT) {
        char *d = r->sender ? bc_jid_display(r->sender) : NULL;
        if (!d) {
            bc_session *s = bc_session_get();
            d = s->account ? bc_jid_display(s->account->jid) : NULL;
        }
        return d ? d : g_strdup("me");
    }
    return g_strdup(c->title);
}

static bc_line *line_from_row(const bc_conv *c, const bc_store_row *r)
{
    char *from = row_from(c, r);
    bc_line *l = bc_line_new(bc_store_row_time(r), r->dir == BC_DIR_OUT ? BC_LINE_OUT : BC_LINE_IN,
                             from, r->body);
    g_free(from);
    l->id = r->id;
    l->sid = g_strdup(r->stanza_id);
    return l;
}

/* What one fetch brought. */
typedef struct {
    bc_conv *c;
    GPtrArray *lines;            /* new lines, oldest first */
    int rows;                    /* rows fetched, hidden ones too */
    int corrections;
    int64_t first_ts, first_id;  /* the oldest and newest row fetched */
    int64_t last_ts, last_id;
    int64_t target;              /* bc_history_jump(): the row asked for */
    int64_t target_line;         /* the line that shows it */
    bool seen_target;
    int before, after;
} fetch;

static void fetch_init(fetch *f, bc_conv *c)
{
    memset(f, 0, sizeof *f);
    f->c = c;
    f->lines = g_ptr_array_new_with_free_func((GDestroyNotify)bc_line_free);
}

static void fetch_clear(fetch *f)
{
    g_ptr_array_unref(f->lines);
    f->lines = NULL;
}

static void fetch_row(const bc_store_row *r, void *data)
{
    fetch *f = data;
    int64_t t = bc_store_row_time(r);
    if (f->rows++ == 0) {
        f->first_ts = t;
        f->first_id = r->id;
    }
    f->last_ts = t;
    f->last_id = r->id;
    if (f->target) {
        if (r->id == f->target) {
            f->seen_target = true;
            f->target_line = r->replaces ? r->replaces : r->id;
        } else if (!f->seen_target) {
            f->before++;
        } else {
            f->after++;
        }
    }
    if (r->replaces) {
        /* A correction is not a line: it changes the line it corrects. */
        note_edit(f->c, r->replaces, r->id, r->body);
        f->corrections++;
        return;
    }
    g_ptr_array_add(f->lines, line_from_row(f->c, r));
}

/* Takes line i of the fetch (the array keeps a NULL). */
static bc_line *fetch_take(fetch *f, guint i)
{
    bc_line *l = f->lines->pdata[i];
    f->lines->pdata[i] = NULL;
    apply_edit(f->c, l);
    return l;
}

static void report(const char *what, GError *err)
{
    bc_console_err("Cannot %s from the local log: %s", what, err ? err->message : "error");
    g_clear_error(&err);
}

/* ---- the window --------------------------------------------------------- */

static int total_rows(const bc_conv *c)
{
    long t = 0;
    for (size_t i = 0; i < c->len && t < 100000000; i++)
        t += bc_conv_line_rows(bc_ring_at(c, i));
    return (int)t;
}

/* The oldest and newest lines that are rows of the log: the cursors. */
static void cursor_old(const bc_conv *c, int64_t *ts, int64_t *id)
{
    *ts = *id = 0;
    for (size_t i = 0; i < c->len; i++) {
        const bc_line *l = bc_ring_at(c, i);
        if (l->id) {
            *ts = l->ts;
            *id = l->id;
            return;
        }
    }
    if (c->len) /* only notes: the rows before the first one's second */
        *ts = bc_ring_at(c, 0)->ts;
}

static bool cursor_new(const bc_conv *c, int64_t *ts, int64_t *id)
{
    for (size_t i = c->len; i > 0; i--) {
        const bc_line *l = bc_ring_at(c, i - 1);
        if (l->id) {
            *ts = l->ts;
            *id = l->id;
            return true;
        }
    }
    if (!c->len)
        return false;
    *ts = bc_ring_at(c, c->len - 1)->ts;
    *id = INT64_MAX;
    return true;
}

const bc_line *bc_history_find_line(const bc_conv *c, int64_t id)
{
    for (size_t i = c && id ? c->len : 0; i > 0; i--) {
        const bc_line *l = bc_ring_at(c, i - 1);
        if (l->id == id)
            return l;
    }
    return NULL;
}

/* Lets go of the newest line if it is below the view. */
static bool let_go_newest(bc_conv *c)
{
    if (!c->len)
        return false;
    bc_line *l = bc_ring_at(c, c->len - 1);
    int r = bc_conv_line_rows(l);
    if (r > c->scroll)
        return false;
    c->scroll -= r;
    bc_ring_take(c, c->len - 1);
    if (l->id)
        bc_line_free(l);
    else
        bc_conv_hold(c, l); /* not in the log (or not yet): keep it aside */
    c->more_newer = true;
    return true;
}

/* Lets go of the oldest line if it is above the view (`total`: the rows
 * of the ring, kept up to date). */
static bool let_go_oldest(bc_conv *c, int *total)
{
    if (!c->len)
        return false;
    int r = bc_conv_line_rows(bc_ring_at(c, 0));
    if (*total - r < c->scroll + bc_conv_page())
        return false;
    *total -= r;
    bc_line_free(bc_ring_take(c, 0));
    c->more_older = true;
    return true;
}

/* Puts `l` at its place in time; below the view it keeps the view still.
 * A full ring lets go of its oldest line. */
static void insert_by_key(bc_conv *c, bc_line *l)
{
    size_t i = c->len;
    int below = 0;
    while (i > 0 && bc_line_cmp_key(bc_ring_at(c, i - 1), l->ts, l->id) > 0) {
        below += bc_conv_line_rows(bc_ring_at(c, i - 1));
        i--;
    }
    if (c->len == c->cap) {
        if (i == 0) { /* older than everything in a full window */
            bc_line_free(l);
            c->more_older = true;
            return;
        }
        bc_line_free(bc_ring_take(c, 0));
        c->more_older = true;
        i--;
    }
    bc_ring_insert(c, i, l);
    if (c->scroll > 0 && below < c->scroll)
        c->scroll += bc_conv_line_rows(l);
}

/* The window is at the bottom again: the held lines come back. */
static void merge_held(bc_conv *c)
{
    if (!c->held || !c->held->len)
        return;
    GPtrArray *h = c->held;
    c->held = NULL;
    int64_t ots = 0, oid = 0;
    cursor_old(c, &ots, &oid);
    for (guint i = 0; i < h->len; i++) {
        bc_line *l = h->pdata[i];
        h->pdata[i] = NULL;
        bool older = c->more_older && c->len && bc_line_cmp_key(l, ots, oid) < 0;
        if ((l->id && bc_history_find_line(c, l->id)) || older) {
            /* Paged in from the log already, or older than the window. */
            bc_line_free(l);
            continue;
        }
        insert_by_key(c, l);
    }
    g_ptr_array_unref(h);
}

/* Empties the ring; lines not in the log are held. */
static void clear_ring(bc_conv *c)
{
    while (c->len) {
        bc_line *l = bc_ring_take(c, c->len - 1);
        if (l->id)
            bc_line_free(l);
        else
            bc_conv_hold(c, l);
    }
    c->scroll = 0;
}

/* Loads pages of history next to the ring, older than (ts, id) or newer,
 * until one adds a line (a page of only corrections adds none), the ring
 * is full, or the log has no more. Returns the lines added. */
static int load_page(bc_conv *c, bool older, int64_t ts, int64_t id)
{
    bool *more = older ? &c->more_older : &c->more_newer;
    int limit = page_size(c), added = 0, total = older ? 0 : total_rows(c);
    bool no_room = false;
    for (int guard = 0; guard < MAX_HIDDEN_PAGES; guard++) {
        fetch f;
        fetch_init(&f, c);
        GError *err = NULL;
        int n = older ? bc_store_page_time(store, c->jid, ts, id, limit, fetch_row, &f, &err)
                      : bc_store_page_time_after(store, c->jid, ts, id, limit, fetch_row, &f,
                                                 &err);
        if (n < 0) {
            report(older ? "read older messages" : "read newer messages", err);
            *more = false;
            fetch_clear(&f);
            break;
        }
        if (n < limit)
            *more = false;
        if (f.corrections)
            apply_edits_ring(c);
        guint len = f.lines->len;
        for (guint k = 0; k < len; k++) {
            /* Older lines go in front, newest first; newer ones at the end. */
            guint i = older ? len - 1 - k : k;
            if (c->len == c->cap && !(older ? let_go_newest(c) : let_go_oldest(c, &total))) {
                no_room = true; /* the view takes the whole ring */
                *more = true;
                break;
            }
            bc_line *l = fetch_take(&f, i);
            if (older) {
                bc_ring_insert(c, 0, l);
            } else {
                int r = bc_conv_line_rows(l);
                bc_ring_insert(c, c->len, l);
                /* Below the view: the view stays where it is. */
                total += r;
                c->scroll += r;
            }
            added++;
        }
        fetch_clear(&f);
        if (added || no_room || !*more)
            break;
        /* Only corrections: go on from the far end of them. */
        ts = older ? f.first_ts : f.last_ts;
        id = older ? f.first_id : f.last_id;
    }
    return added;
}

int bc_history_page_older(bc_conv *c)
{
    if (!bc_history_active(c) || !c->more_older)
        return 0;
    int64_t ts, id;
    cursor_old(c, &ts, &id);
    int added = load_page(c, true, ts, id);
    if (added)
        changed(c);
    return added;
}

int bc_history_page_newer(bc_conv *c)
{
    if (!bc_history_active(c) || !c->more_newer)
        return 0;
    int64_t ts, id;
    if (!cursor_new(c, &ts, &id)) {
        bc_history_reload(c);
        return (int)c->len;
    }
    int added = load_page(c, false, ts, id);
    if (!c->more_newer)
        merge_held(c);
    changed(c);
    return added;
}

/* Loads `lines` of `f` at the end of an empty ring. */
static void load_lines(bc_conv *c, fetch *f)
{
    for (guint i = 0; i < f->lines->len && c->len < c->cap; i++)
        bc_ring_insert(c, c->len, fetch_take(f, i));
}

void bc_history_reload(bc_conv *c)
{
    if (!bc_history_active(c))
        return;
    clear_ring(c);
    c->more_older = c->more_newer = false;
    fetch f;
    fetch_init(&f, c);
    GError *err = NULL;
    int limit = fill_size(c);
    int n = bc_store_page_time(store, c->jid, 0, 0, limit, fetch_row, &f, &err);
    if (n < 0)
        report("read the history", err);
    else
        c->more_older = n >= limit;
    load_lines(c, &f);
    fetch_clear(&f);
    merge_held(c);
    c->scroll = 0;
    changed(c);
}

void bc_history_fill(bc_conv *c)
{
    if (bc_history_active(c) && c->len == 0)
        bc_history_reload(c);
}

/* The very first lines of the conversation. */
static void go_oldest(bc_conv *c)
{
    clear_ring(c);
    c->more_older = c->more_newer = false;
    fetch f;
    fetch_init(&f, c);
    GError *err = NULL;
    int limit = fill_size(c);
    int n = bc_store_page_time_after(store, c->jid, 0, 0, limit, fetch_row, &f, &err);
    if (n < 0)
        report("read the history", err);
    else
        c->more_newer = n >= limit;
    load_lines(c, &f);
    fetch_clear(&f);
    if (!c->more_newer)
        merge_held(c);
    int total = total_rows(c), page = bc_conv_page();
    c->scroll = total > page ? total - page : 0;
    /* A page below the view, ready for PgDn. */
    for (int g = 0; g < MAX_PAGES_PER_STEP && c->more_newer && c->scroll < page; g++)
        if (bc_history_page_newer(c) == 0)
            break;
    changed(c);
}

/* Enough lines above the view for it and (when the ring is big enough
 * not to trade it for the lines below) the next PgUp. */
static void fill_back(bc_conv *c)
{
    int page = bc_conv_page();
    int margin = (long)c->cap >= 4L * page ? page : 0;
    for (int g = 0; g < MAX_PAGES_PER_STEP && c->more_older; g++) {
        if (total_rows(c) >= c->scroll + page + margin)
            break;
        if (bc_history_page_older(c) == 0)
            break;
    }
    if (!c->more_older) {
        /* The start of the conversation: clamp, as the view would. */
        int total = total_rows(c);
        int top = total > page ? total - page : 0;
        if (c->scroll > top)
            c->scroll = top;
    }
}

void bc_history_scroll(bc_conv *c, int rows)
{
    if (rows >= 1000000) {
        go_oldest(c);
        return;
    }
    if (rows <= -1000000) {
        if (c->more_newer)
            bc_history_reload(c);
        c->scroll = 0;
        return;
    }
    int page = bc_conv_page();
    long target = (long)c->scroll + rows;
    /* Forward: newer lines come in below, keeping the view still, until
     * the target (and a page beyond it) is in the ring. */
    for (int g = 0; g < MAX_PAGES_PER_STEP && target < page && c->more_newer; g++) {
        int before = c->scroll;
        int n = bc_history_page_newer(c);
        target += c->scroll - before;
        if (n == 0)
            break;
    }
    if (target < 0)
        target = 0;
    if (target > 1000000)
        target = 1000000;
    c->scroll = (int)target;
    if (rows > 0) {
        fill_back(c);
        /* At the oldest line of the local log: the server archive may
         * have older ones. */
        int total = total_rows(c);
        if (!c->more_older && c->scroll >= (total > page ? total - page : 0))
            bc_archive_older_at_top(c);
    }
}

void bc_history_note_top(bc_conv *c, const char *text, uint64_t tag)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->len; i++)
        if (bc_ring_at(c, i)->tag == tag)
            return;
    if (c->len == c->cap && !let_go_newest(c))
        return; /* the view takes the whole ring */
    int total = total_rows(c), page = bc_conv_page();
    bool at_top = c->scroll >= (total > page ? total - page : 0);
    bc_line *l = bc_line_new(c->len ? bc_ring_at(c, 0)->ts : (int64_t)time(NULL), BC_LINE_SYS,
                             NULL, text);
    l->tag = tag;
    bc_ring_insert(c, 0, l);
    if (at_top) {
        total += bc_conv_line_rows(l);
        c->scroll = total > page ? total - page : 0;
    }
    changed(c);
}

void bc_history_unnote(bc_conv *c, uint64_t tag)
{
    int below = 0;
    for (size_t i = c ? c->len : 0; i > 0; i--) {
        bc_line *l = bc_ring_at(c, i - 1);
        int r = bc_conv_line_rows(l);
        below += r;
        if (l->tag != tag || l->id)
            continue;
        bc_conv_remove(c, i - 1);
        if (c->scroll > 0 && below <= c->scroll)
            c->scroll = c->scroll > r ? c->scroll - r : 0;
        changed(c);
        return;
    }
}

bool bc_history_jump(bc_conv *c, int64_t id, GError **err)
{
    if (!bc_history_active(c)) {
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_READ, "no local log is open");
        return false;
    }
    fetch f;
    fetch_init(&f, c);
    f.target = id;
    int half = page_size(c);
    int n = bc_store_around_time(store, c->jid, id, half, half, fetch_row, &f, err);
    if (n < 0 || !f.seen_target) {
        if (n >= 0)
            g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_READ,
                        "message %" G_GINT64_FORMAT " is not in the log of %s", id, c->jid);
        fetch_clear(&f);
        return false;
    }
    clear_ring(c);
    c->more_older = f.before >= half;
    c->more_newer = f.after >= half;
    load_lines(c, &f);
    fetch_clear(&f);
    if (!c->more_newer)
        merge_held(c);
    /* Mark the line and put it in the middle of the view. */
    int after = 0, own = 1;
    for (size_t i = c->len; i > 0; i--) {
        bc_line *l = bc_ring_at(c, i - 1);
        if (l->id == f.target_line) {
            l->mark = true;
            own = bc_conv_line_rows(l);
            for (size_t k = i - 1; k > 0; k--)
                bc_ring_at(c, k - 1)->mark = false;
            break;
        }
        l->mark = false;
        after += bc_conv_line_rows(l);
    }
    int page = bc_conv_page();
    int s = after - (page - own) / 2;
    c->scroll = s > 0 ? s : 0;
    for (int g = 0; g < MAX_PAGES_PER_STEP && c->more_newer && c->scroll < page; g++)
        if (bc_history_page_newer(c) == 0)
            break;
    fill_back(c);
    changed(c);
    return true;
}

void bc_history_insert_row(bc_conv *c, const bc_store_row *r)
{
    if (!bc_history_active(c) || !r->id)
        return;
    if (r->replaces) {
        if (note_edit(c, r->replaces, r->id, r->body)) {
            apply_edits_ring(c);
            for (guint i = 0; c->held && i < c->held->len; i++)
                apply_edit(c, c->held->pdata[i]);
            changed(c);
        }
        return;
    }
    if (bc_history_find_line(c, r->id))
        return;
    int64_t t = bc_store_row_time(r), ts, id;
    cursor_old(c, &ts, &id);
    if (c->more_older && c->len && (id ? (t < ts || (t == ts && r->id < id)) : t < ts))
        return; /* older than the window: paged in when scrolled to */
    if (c->more_newer && cursor_new(c, &ts, &id) && (t > ts || (t == ts && r->id > id)))
        return;
    insert_by_key(c, line_from_row(c, r));
    changed(c);
}

bool bc_history_correct(bc_conv *c, bc_line_kind kind, const char *sid, const char *text)
{
    if (!c || !sid)
        return false;
    for (size_t i = c->len; i > 0; i--) {
        bc_line *l = bc_ring_at(c, i - 1);
        if (l->kind == kind && l->sid && strcmp(l->sid, sid) == 0) {
            g_free(l->text);
            l->text = g_strdup(text ? text : "");
            l->edited = true;
            changed(c);
            return true;
        }
    }
    for (guint i = 0; c->held && i < c->held->len; i++) {
        bc_line *l = c->held->pdata[i];
        if (l->kind == kind && l->sid && strcmp(l->sid, sid) == 0) {
            g_free(l->text);
            l->text = g_strdup(text ? text : "");
            l->edited = true;
            return true;
        }
    }
    return false;
}

/* The tab a row belongs to: a room's, a private chat's or a 1:1 chat's. */
static bc_conv *conv_of_row(const bc_store_row *row)
{
    if (row->kind == BC_KIND_GROUPCHAT)
        return bc_conv_find_type(BC_CONV_ROOM, row->conv);
    if (row->kind == BC_KIND_PRIVATE)
        return bc_conv_find_type(BC_CONV_PRIVATE, row->conv);
    return bc_conv_find(row->conv);
}

void bc_history_written(const bc_store_row *row, uint64_t tag)
{
    bc_conv *c = conv_of_row(row);
    if (!c || !tag)
        return;
    /* Rows come back in the order their lines were added: look just
     * after the previous row's line first, then everywhere. */
    static const bc_conv *hint_c;
    static size_t hint_at;
    bc_line *l = NULL;
    size_t at = 0;
    if (hint_c == c)
        for (size_t i = hint_at; i < c->len && i < hint_at + 64 && !l; i++)
            if (bc_ring_at(c, i)->tag == tag) {
                l = bc_ring_at(c, i);
                at = i;
            }
    for (size_t i = c->len; i > 0 && !l; i--) {
        bc_line *x = bc_ring_at(c, i - 1);
        if (x->tag == tag) {
            l = x;
            at = i - 1;
        }
    }
    hint_c = l ? c : NULL;
    hint_at = at + (l && row->id ? 1 : 0);
    if (l) {
        if (row->id) {
            l->id = row->id;
            l->tag = 0;
            if (row->replaces)
                note_edit(c, row->replaces, row->id, row->body);
            return;
        }
        /* A duplicate of a message the log has already (the server sent it
         * again, or the archive brought it first): shown once.  Rows are
         * laid out only here: for every stored row that would be a layout
         * of each newer line. */
        int below = 0;
        for (size_t i = c->len; i > at; i--)
            below += bc_conv_line_rows(bc_ring_at(c, i - 1));
        int r = bc_conv_line_rows(l);
        if (l->kind == BC_LINE_IN && c->unread > 0 && c != bc_conv_current()) {
            c->unread--;
            if (l->highlight && c->mentions > 0)
                c->mentions--;
            bc_dirty(BC_DIRTY_TABS | BC_DIRTY_ROSTER);
        }
        bc_conv_remove(c, at);
        if (c->scroll > 0 && below <= c->scroll)
            c->scroll = c->scroll > r ? c->scroll - r : 0;
        changed(c);
        return;
    }
    for (guint i = 0; c->held && i < c->held->len; i++) {
        bc_line *x = c->held->pdata[i];
        if (x->tag != tag)
            continue;
        if (row->id) {
            x->id = row->id;
            x->tag = 0;
        } else {
            g_ptr_array_remove_index(c->held, i);
        }
        return;
    }
}
