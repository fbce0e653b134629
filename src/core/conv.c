/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Conversations (tabs) with bounded scrollback, unread counts and the
 * dirty bits the UI redraws from. */
#include "backchat/conv.h"
#include "backchat/history.h"
#include "backchat/hotlist.h"
#include "backchat/jid.h"
#include "backchat/searchview.h"
#include "conv_internal.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static GPtrArray *convs;   /* of bc_conv*, [0] is the console */
static size_t current;
static size_t scrollback = 2000;
static unsigned dirty = BC_DIRTY_ALL;
static GPtrArray *known;   /* of char*, known JIDs for completion */

void bc_dirty(unsigned bits) { dirty |= bits; }

unsigned bc_dirty_peek(void) { return dirty; }

unsigned bc_dirty_take(void)
{
    unsigned d = dirty;
    dirty = 0;
    return d;
}

void bc_line_free(bc_line *l)
{
    if (!l)
        return;
    g_free(l->from);
    g_free(l->text);
    g_free(l->sid);
    g_free(l);
}

/* A line longer than this shows its start and says how much more the log
 * holds: a 10 MB message must not make every redraw wrap 10 MB. */
#define LINE_TEXT_MAX (12 * 1024) /* fits the 512 rows a line may wrap to */

static char *line_text(const char *text)
{
    size_t len = text ? strlen(text) : 0;
    if (len <= LINE_TEXT_MAX)
        return g_strdup(text ? text : "");
    const char *cut = text + LINE_TEXT_MAX;
    while (cut > text && ((unsigned char)*cut & 0xC0) == 0x80)
        cut--; /* not inside a UTF-8 sequence */
    char *size = g_format_size(len);
    char *out = g_strdup_printf("%.*s \xe2\x80\xa6 [cut here on screen: the message is %s; "
                                "the log has all of it (/export)]",
                                (int)(cut - text), text, size);
    g_free(size);
    return out;
}

bc_line *bc_line_new(int64_t ts, bc_line_kind kind, const char *from, const char *text)
{
    bc_line *l = g_new0(bc_line, 1);
    l->ts = ts ? ts : (int64_t)time(NULL);
    l->kind = kind;
    l->from = g_strdup(from);
    l->text = line_text(text);
    return l;
}

static bc_line **slot(const bc_conv *c, size_t i) { return &c->ring[(c->head + i) % c->cap]; }

bc_line *bc_ring_at(const bc_conv *c, size_t i) { return i < c->len ? *slot(c, i) : NULL; }

void bc_ring_insert(bc_conv *c, size_t i, bc_line *l)
{
    g_return_if_fail(c->len < c->cap && i <= c->len);
    if (i == 0) {
        c->head = (c->head + c->cap - 1) % c->cap;
    } else {
        for (size_t k = c->len; k > i; k--)
            *slot(c, k) = *slot(c, k - 1);
    }
    *slot(c, i) = l;
    c->len++;
}

bc_line *bc_ring_take(bc_conv *c, size_t i)
{
    g_return_val_if_fail(i < c->len, NULL);
    bc_line *l = *slot(c, i);
    if (i == 0) {
        c->head = (c->head + 1) % c->cap;
    } else {
        for (size_t k = i; k + 1 < c->len; k++)
            *slot(c, k) = *slot(c, k + 1);
    }
    *slot(c, c->len - 1) = NULL;
    c->len--;
    if (c->len == 0)
        c->head = 0;
    return l;
}

void bc_conv_hold(bc_conv *c, bc_line *l)
{
    if (!c->held)
        c->held = g_ptr_array_new_with_free_func((GDestroyNotify)bc_line_free);
    if (c->held->len >= BC_HELD_MAX)
        g_ptr_array_remove_index(c->held, 0);
    g_ptr_array_add(c->held, l);
}

int bc_line_cmp_key(const bc_line *l, int64_t ts, int64_t id)
{
    if (l->ts != ts)
        return l->ts < ts ? -1 : 1;
    int64_t a = l->id ? l->id : INT64_MAX, b = id ? id : INT64_MAX;
    return a < b ? -1 : a > b ? 1 : 0;
}

static bc_conv *conv_new(bc_conv_type type, const char *jid, const char *title)
{
    bc_conv *c = g_new0(bc_conv, 1);
    c->type = type;
    c->jid = g_strdup(jid);
    c->title = g_strdup(title);
    c->cap = scrollback;
    c->ring = g_new0(bc_line *, c->cap);
    c->find_pos = -1;
    return c;
}

static void conv_free(bc_conv *c)
{
    for (size_t i = 0; i < c->len; i++)
        bc_line_free(c->ring[(c->head + i) % c->cap]);
    g_free(c->ring);
    g_free(c->jid);
    g_free(c->title);
    g_free(c->group);
    if (c->held)
        g_ptr_array_unref(c->held);
    if (c->edits)
        g_hash_table_unref(c->edits);
    g_free(c->find_query);
    if (c->find_ids)
        g_array_unref(c->find_ids);
    bc_search_view_free(c->search);
    g_free(c);
}

void bc_convs_init(size_t lines)
{
    if (convs)
        return;
    scrollback = lines >= 100 ? lines : 2000;
    convs = g_ptr_array_new_with_free_func((GDestroyNotify)conv_free);
    known = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(convs, conv_new(BC_CONV_CONSOLE, NULL, "console"));
    current = 0;
    dirty = BC_DIRTY_ALL;
}

void bc_convs_free(void)
{
    if (convs)
        g_ptr_array_free(convs, TRUE);
    if (known)
        g_ptr_array_free(known, TRUE);
    convs = known = NULL;
    current = 0;
}

size_t bc_conv_count(void) { return convs ? convs->len : 0; }

bc_conv *bc_conv_nth(size_t i)
{
    return convs && i < convs->len ? convs->pdata[i] : NULL;
}

bc_conv *bc_conv_console(void) { return bc_conv_nth(0); }
bc_conv *bc_conv_current(void) { return bc_conv_nth(current); }
size_t bc_conv_current_index(void) { return current; }

size_t bc_conv_index(const bc_conv *c)
{
    for (size_t i = 0; convs && i < convs->len; i++)
        if (convs->pdata[i] == c)
            return i;
    return (size_t)-1;
}

bool bc_conv_select(size_t i)
{
    if (!convs || i >= convs->len)
        return false;
    bc_conv *c = convs->pdata[i];
    bc_hotlist_focus(current < convs->len ? convs->pdata[current] : NULL, c);
    current = i;
    c->unread = 0;
    c->mentions = 0;
    bc_dirty(BC_DIRTY_ALL);
    return true;
}

bc_conv *bc_conv_find(const char *jid)
{
    if (!convs || !jid)
        return NULL;
    for (size_t i = 1; i < convs->len; i++) {
        bc_conv *c = convs->pdata[i];
        if (c->type == BC_CONV_CHAT && c->jid && bc_jid_bare_equal(c->jid, jid))
            return c;
    }
    return NULL;
}

bc_conv *bc_conv_find_type(bc_conv_type type, const char *jid)
{
    for (size_t i = 1; convs && i < convs->len; i++) {
        bc_conv *c = convs->pdata[i];
        if (c->type == type && g_strcmp0(c->jid, jid) == 0)
            return c;
    }
    return NULL;
}

/* Adds a new tab and shows its history from the log. */
static bc_conv *add_logged(bc_conv_type type, const char *jid, const char *title)
{
    bc_conv *c = conv_new(type, jid, title);
    g_ptr_array_add(convs, c);
    bc_dirty(BC_DIRTY_TABS);
    bc_history_fill(c);
    return c;
}

static bc_conv *focus_if(bc_conv *c, bool focus)
{
    if (c && focus)
        bc_conv_select(bc_conv_index(c));
    return c;
}

bc_conv *bc_conv_open_room(const char *room, bool focus)
{
    char *bare = room ? bc_jid_bare(room) : NULL;
    if (!bare || !convs) {
        g_free(bare);
        return NULL;
    }
    bc_conv *c = bc_conv_find_type(BC_CONV_ROOM, bare);
    if (!c) {
        char *title = bc_jid_display(bare);
        c = add_logged(BC_CONV_ROOM, bare, title);
        g_free(title);
    }
    g_free(bare);
    return focus_if(c, focus);
}

bc_conv *bc_conv_open_private(const char *occupant, bool focus)
{
    const char *slash = occupant ? strchr(occupant, '/') : NULL;
    if (!slash || !slash[1] || !convs)
        return NULL;
    bc_conv *c = bc_conv_find_type(BC_CONV_PRIVATE, occupant);
    if (!c) {
        char *bare = bc_jid_bare(occupant);
        char *room = bare ? bc_jid_display(bare) : g_strdup("?");
        char *title = g_strdup_printf("%s (%s)", slash + 1, room);
        c = add_logged(BC_CONV_PRIVATE, occupant, title);
        g_free(title);
        g_free(room);
        g_free(bare);
    }
    return focus_if(c, focus);
}

bc_conv *bc_conv_open_announce(bool focus)
{
    if (!convs)
        return NULL;
    bc_conv *c = bc_conv_find_type(BC_CONV_ANNOUNCE, NULL);
    if (!c) {
        c = conv_new(BC_CONV_ANNOUNCE, NULL, "announcements");
        g_ptr_array_add(convs, c);
        bc_dirty(BC_DIRTY_TABS);
    }
    return focus_if(c, focus);
}

/* A tab is named by the local part ("bob"), unless that could mislead:
 * another open tab already has the name (bob@example.org and
 * bob@other.example), or the domain is not plain ASCII (a look-alike
 * such as a Cyrillic "а" in "аpple.example"). Then the whole JID. */
static char *chat_title(const char *bare)
{
    char *local = bc_jid_display(bare);
    const char *at = strchr(bare, '@');
    bool ascii = true;
    for (const char *p = at ? at + 1 : bare; *p; p++)
        if ((unsigned char)*p >= 0x80)
            ascii = false;
    bool taken = false;
    for (size_t i = 1; convs && i < convs->len && !taken; i++) {
        bc_conv *o = convs->pdata[i];
        taken = o->title && strcmp(o->title, local) == 0;
    }
    if (ascii && !taken)
        return local;
    g_free(local);
    return g_strdup(bare);
}

bc_conv *bc_conv_open(const char *jid, bool focus)
{
    bc_conv *c = bc_conv_find(jid);
    if (!c) {
        char *bare = bc_jid_bare(jid);
        if (!bare)
            return NULL;
        char *title = chat_title(bare);
        c = conv_new(BC_CONV_CHAT, bare, title);
        g_free(title);
        g_free(bare);
        g_ptr_array_add(convs, c);
        bc_known_jid_add(c->jid);
        bc_dirty(BC_DIRTY_TABS);
        bc_history_fill(c);
    }
    if (focus)
        bc_conv_select(bc_conv_index(c));
    return c;
}

bc_conv *bc_conv_open_board(const char *group, bool focus)
{
    bc_conv *c = NULL;
    for (size_t i = 1; convs && i < convs->len && !c; i++) {
        bc_conv *x = convs->pdata[i];
        if (x->type == BC_CONV_BOARD && g_strcmp0(x->group, group) == 0)
            c = x;
    }
    if (!c) {
        char *title = group ? g_strdup_printf("board:%s", group) : g_strdup("board");
        c = conv_new(BC_CONV_BOARD, NULL, title);
        g_free(title);
        c->group = g_strdup(group);
        c->board_sort = BC_BOARD_BY_STATUS;
        g_ptr_array_add(convs, c);
        bc_dirty(BC_DIRTY_TABS);
    }
    if (focus)
        bc_conv_select(bc_conv_index(c));
    return c;
}

bc_conv *bc_conv_open_search(bool focus)
{
    bc_conv *c = NULL;
    for (size_t i = 1; convs && i < convs->len && !c; i++) {
        bc_conv *x = convs->pdata[i];
        if (x->type == BC_CONV_SEARCH)
            c = x;
    }
    if (!c && convs) {
        c = conv_new(BC_CONV_SEARCH, NULL, "search");
        g_ptr_array_add(convs, c);
        bc_dirty(BC_DIRTY_TABS);
    }
    if (c && focus)
        bc_conv_select(bc_conv_index(c));
    return c;
}

bool bc_conv_close(size_t i)
{
    if (!convs || i == 0 || i >= convs->len)
        return false;
    g_ptr_array_remove_index(convs, i);
    if (current >= i && current > 0)
        current--;
    bc_conv_select(current);
    return true;
}

static GString *capture; /* see bc_console_capture_begin */

void bc_console_capture_begin(GString *out) { capture = out; }
void bc_console_capture_end(void) { capture = NULL; }

bc_line *bc_conv_add(bc_conv *c, bc_line_kind kind, const char *from, const char *text,
                     int64_t ts)
{
    if (capture && (kind == BC_LINE_SYS || kind == BC_LINE_ERR)) {
        g_string_append(capture, text ? text : "");
        g_string_append_c(capture, '\n');
    }
    if (!c)
        return NULL;
    bc_line *l = bc_line_new(ts, kind, from, text);
    if (c->more_newer) {
        /* The window shows older history: this waits for the bottom. */
        bc_conv_hold(c, l);
    } else {
        /* Its place in time: the end, unless it is a delayed message. */
        size_t i = c->len;
        int below = 0;
        while (i > 0 && bc_line_cmp_key(bc_ring_at(c, i - 1), l->ts, 0) > 0) {
            below += bc_conv_line_rows(bc_ring_at(c, i - 1));
            i--;
        }
        if (c->len == c->cap) {
            bc_line_free(bc_ring_take(c, 0));
            i = i > 0 ? i - 1 : 0;
            if (bc_history_active(c))
                c->more_older = true;
        }
        bc_ring_insert(c, i, l);
        /* Scrolled back: what the user reads stays where it is. */
        if (c->scroll > 0 && below < c->scroll)
            c->scroll += bc_conv_line_rows(l);
    }
    bc_hotlist_note(c, l); /* before the unread count: it sees the level before */
    bool is_current = c == bc_conv_current();
    if (!is_current && kind == BC_LINE_IN) {
        c->unread++;
        bc_dirty(BC_DIRTY_TABS | BC_DIRTY_ROSTER);
    }
    /* Not current: a split pane may show it. */
    bc_dirty(is_current ? BC_DIRTY_VIEW : BC_DIRTY_PANES);
    return l;
}

bool bc_conv_set_send_state(bc_conv *c, const char *sid, bc_send_state st)
{
    if (!c || !sid)
        return false;
    for (size_t i = c->len; i > 0; i--) {
        bc_line *l = bc_ring_at(c, i - 1);
        if (l->kind == BC_LINE_OUT && l->sid && strcmp(l->sid, sid) == 0) {
            /* A late receipt does not undo a failure, nor "pending" a receipt. */
            if (l->send == st || (l->send == BC_SEND_FAILED && st == BC_SEND_DELIVERED))
                return true;
            l->send = st;
            bc_dirty(c == bc_conv_current() ? BC_DIRTY_VIEW : BC_DIRTY_PANES);
            return true;
        }
    }
    return false;
}

void bc_conv_remove(bc_conv *c, size_t i)
{
    if (!c || i >= c->len)
        return;
    bc_line_free(bc_ring_take(c, i));
    bc_dirty(c == bc_conv_current() ? BC_DIRTY_VIEW : BC_DIRTY_PANES);
}

static bc_line_rows_fn line_rows_fn;

void bc_conv_set_line_rows(bc_line_rows_fn fn) { line_rows_fn = fn; }

int bc_conv_line_rows(const bc_line *l)
{
    int n = line_rows_fn && l ? line_rows_fn(l) : 1;
    return n > 0 ? n : 1;
}

static int page_rows = 20;

void bc_conv_set_page(int rows) { page_rows = rows > 1 ? rows : 1; }
int bc_conv_page(void) { return page_rows; }

void bc_conv_scroll(bc_conv *c, int rows)
{
    if (!c)
        return;
    if (bc_history_active(c)) {
        bc_history_scroll(c, rows);
        bc_dirty(BC_DIRTY_VIEW | BC_DIRTY_TABS);
        return;
    }
    long s = (long)c->scroll + rows;
    c->scroll = s < 0 ? 0 : (s > 1000000 ? 1000000 : (int)s);
    bc_dirty(BC_DIRTY_VIEW | BC_DIRTY_TABS);
}

const bc_line *bc_conv_line(const bc_conv *c, size_t i)
{
    if (!c || i >= c->len)
        return NULL;
    return *slot(c, i);
}

/* Declared as printf-like so the compiler checks the callers' formats. */
static void vadd(bc_conv *c, bc_line_kind kind, const char *fmt, va_list ap)
    G_GNUC_PRINTF(3, 0);
static void vadd(bc_conv *c, bc_line_kind kind, const char *fmt, va_list ap)
{
    char *text = g_strdup_vprintf(fmt, ap);
    /* Several lines in one message become several lines on screen. */
    char **parts = g_strsplit(text, "\n", -1);
    for (char **p = parts; *p; p++)
        bc_conv_add(c, kind, NULL, *p, 0);
    g_strfreev(parts);
    g_free(text);
}

void bc_console(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(bc_conv_console(), BC_LINE_SYS, fmt, ap);
    va_end(ap);
}

void bc_console_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(bc_conv_console(), BC_LINE_ERR, fmt, ap);
    va_end(ap);
}

void bc_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(bc_conv_current(), BC_LINE_SYS, fmt, ap);
    va_end(ap);
}

void bc_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vadd(bc_conv_current(), BC_LINE_ERR, fmt, ap);
    va_end(ap);
}

void bc_known_jid_add(const char *jid)
{
    if (!known || !jid)
        return;
    for (guint i = 0; i < known->len; i++)
        if (strcmp(known->pdata[i], jid) == 0)
            return;
    g_ptr_array_add(known, g_strdup(jid));
}

GPtrArray *bc_known_jids(void) { return known; }
