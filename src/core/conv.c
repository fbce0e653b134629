/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Conversations (tabs) with bounded scrollback, unread counts and the
 * dirty bits the UI redraws from. */
#include "backchat/conv.h"
#include "backchat/jid.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static GPtrArray *convs;   /* of bc_conv*, [0] is the console */
static size_t current;
static size_t scrollback = 2000;
static unsigned dirty = BC_DIRTY_ALL;
static GPtrArray *known;   /* of char*, known JIDs for completion */

void bc_dirty(unsigned bits) { dirty |= bits; }

unsigned bc_dirty_take(void)
{
    unsigned d = dirty;
    dirty = 0;
    return d;
}

static void line_free(bc_line *l)
{
    if (!l)
        return;
    g_free(l->from);
    g_free(l->text);
    g_free(l);
}

static bc_conv *conv_new(bc_conv_type type, const char *jid, const char *title)
{
    bc_conv *c = g_new0(bc_conv, 1);
    c->type = type;
    c->jid = g_strdup(jid);
    c->title = g_strdup(title);
    c->cap = scrollback;
    c->ring = g_new0(bc_line *, c->cap);
    return c;
}

static void conv_free(bc_conv *c)
{
    for (size_t i = 0; i < c->len; i++)
        line_free(c->ring[(c->head + i) % c->cap]);
    g_free(c->ring);
    g_free(c->jid);
    g_free(c->title);
    g_free(c->group);
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
    current = i;
    bc_conv *c = convs->pdata[i];
    c->unread = 0;
    bc_dirty(BC_DIRTY_ALL);
    return true;
}

bc_conv *bc_conv_find(const char *jid)
{
    if (!convs || !jid)
        return NULL;
    for (size_t i = 1; i < convs->len; i++) {
        bc_conv *c = convs->pdata[i];
        if (c->jid && bc_jid_bare_equal(c->jid, jid))
            return c;
    }
    return NULL;
}

bc_conv *bc_conv_open(const char *jid, bool focus)
{
    bc_conv *c = bc_conv_find(jid);
    if (!c) {
        char *bare = bc_jid_bare(jid);
        if (!bare)
            return NULL;
        char *title = bc_jid_display(bare);
        c = conv_new(BC_CONV_CHAT, bare, title);
        g_free(title);
        g_free(bare);
        g_ptr_array_add(convs, c);
        bc_known_jid_add(c->jid);
        bc_dirty(BC_DIRTY_TABS);
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

void bc_conv_add(bc_conv *c, bc_line_kind kind, const char *from, const char *text,
                 int64_t ts)
{
    if (!c)
        return;
    bc_line *l = g_new0(bc_line, 1);
    l->ts = ts ? ts : (int64_t)time(NULL);
    l->kind = kind;
    l->from = g_strdup(from);
    l->text = g_strdup(text ? text : "");
    if (c->len == c->cap) {
        line_free(c->ring[c->head]);
        c->ring[c->head] = l;
        c->head = (c->head + 1) % c->cap;
    } else {
        c->ring[(c->head + c->len) % c->cap] = l;
        c->len++;
    }
    bool is_current = c == bc_conv_current();
    if (!is_current && kind == BC_LINE_IN) {
        c->unread++;
        bc_dirty(BC_DIRTY_TABS | BC_DIRTY_ROSTER);
    }
    if (is_current)
        bc_dirty(BC_DIRTY_VIEW);
}

static int page_rows = 20;

void bc_conv_set_page(int rows) { page_rows = rows > 1 ? rows : 1; }
int bc_conv_page(void) { return page_rows; }

void bc_conv_scroll(bc_conv *c, int rows)
{
    if (!c)
        return;
    long s = (long)c->scroll + rows;
    c->scroll = s < 0 ? 0 : (s > 1000000 ? 1000000 : (int)s);
    bc_dirty(BC_DIRTY_VIEW | BC_DIRTY_TABS);
}

const bc_line *bc_conv_line(const bc_conv *c, size_t i)
{
    if (!c || i >= c->len)
        return NULL;
    return c->ring[(c->head + i) % c->cap];
}

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
