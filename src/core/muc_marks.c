/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the user keeps about rooms besides being in them: invitations
 * waiting for an answer (one per room, the newest wins, bounded) and the
 * bookmark list as the server holds it (sorted by room JID). */
#include "backchat/muc.h"
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "muc_internal.h"

#include <string.h>

/* Invitations kept at most; the oldest go first. */
#define INVITES_MAX 50

static GPtrArray *invites;    /* of bc_muc_invite*, owned, oldest first */
static GPtrArray *bookmarks;  /* of bc_bookmark*, owned, by jid */

static void invite_free(gpointer p)
{
    bc_muc_invite *i = p;
    g_free(i->room);
    g_free(i->from);
    g_free(i->reason);
    g_free(i->password);
    g_free(i);
}

void bc_muc_marks_init(void)
{
    if (!invites)
        invites = g_ptr_array_new_with_free_func(invite_free);
    if (!bookmarks)
        bookmarks = g_ptr_array_new_with_free_func((GDestroyNotify)bc_bookmark_free);
}

void bc_muc_marks_free(void)
{
    g_clear_pointer(&invites, g_ptr_array_unref);
    g_clear_pointer(&bookmarks, g_ptr_array_unref);
}

/* Room JIDs compare as bare JIDs (lower-cased domain and local part). */
static char *norm(const char *jid)
{
    char *b = jid ? bc_jid_bare(jid) : NULL;
    return b ? b : g_strdup(jid);
}

/* ---- invitations ---------------------------------------------------------- */

static int invite_index(const char *room)
{
    if (!invites || !invites->len)
        return -1;
    if (!room)
        return (int)invites->len - 1;
    char *k = norm(room);
    int at = -1;
    for (guint i = 0; k && i < invites->len && at < 0; i++)
        if (strcmp(((bc_muc_invite *)invites->pdata[i])->room, k) == 0)
            at = (int)i;
    g_free(k);
    return at;
}

void bc_muc_invited(const char *room, const char *from, const char *reason,
                    const char *password)
{
    if (!room || !*room)
        return;
    bc_muc_marks_init();
    int old = invite_index(room);
    if (old >= 0)
        g_ptr_array_remove_index(invites, (guint)old);
    if (invites->len >= INVITES_MAX)
        g_ptr_array_remove_index(invites, 0);
    bc_muc_invite *i = g_new0(bc_muc_invite, 1);
    i->room = norm(room);
    i->from = from && *from ? g_strdup(from) : NULL;
    i->reason = reason && *reason ? g_strdup(reason) : NULL;
    i->password = password && *password ? g_strdup(password) : NULL;
    g_ptr_array_add(invites, i);
    bc_console("%s invites you to %s%s%s%s \u2014 /invite accept to join, /invite decline to"
               " decline", i->from ? i->from : "Someone", i->room, i->reason ? " (" : "",
               i->reason ? i->reason : "", i->reason ? ")" : "");
    bc_dirty(BC_DIRTY_TABS);
}

const bc_muc_invite *bc_muc_invite_pending(const char *room)
{
    int at = invite_index(room);
    return at >= 0 ? invites->pdata[at] : NULL;
}

void bc_muc_invite_drop(const char *room)
{
    int at = invite_index(room);
    if (at >= 0)
        g_ptr_array_remove_index(invites, (guint)at);
}

GPtrArray *bc_muc_invites(void)
{
    bc_muc_marks_init();
    return invites;
}

/* ---- bookmarks ------------------------------------------------------------ */

bc_bookmark *bc_bookmark_new(const char *jid, const char *name, const char *nick,
                             const char *password, bool autojoin)
{
    bc_bookmark *b = g_new0(bc_bookmark, 1);
    b->jid = norm(jid ? jid : "");
    b->name = name && *name ? g_strdup(name) : NULL;
    b->nick = nick && *nick ? g_strdup(nick) : NULL;
    b->password = password && *password ? g_strdup(password) : NULL;
    b->autojoin = autojoin;
    return b;
}

void bc_bookmark_free(bc_bookmark *b)
{
    if (!b)
        return;
    g_free(b->jid);
    g_free(b->name);
    g_free(b->nick);
    g_free(b->password);
    g_free(b);
}

static gint cmp_bookmark(gconstpointer pa, gconstpointer pb)
{
    const bc_bookmark *a = *(bc_bookmark *const *)pa, *b = *(bc_bookmark *const *)pb;
    return g_strcmp0(a->jid, b->jid);
}

/* Binary search by jid: the index found, or where it would go (*found false). */
static guint bookmark_at(const char *jid, bool *found)
{
    guint lo = 0, hi = bookmarks ? bookmarks->len : 0;
    *found = false;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        int d = g_strcmp0(((bc_bookmark *)bookmarks->pdata[mid])->jid, jid);
        if (d == 0) {
            *found = true;
            return mid;
        }
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void bc_muc_bookmarks_set(GPtrArray *list)
{
    bc_muc_marks_init();
    g_ptr_array_set_size(bookmarks, 0);
    for (guint i = 0; list && i < list->len; i++) {
        bc_bookmark *b = list->pdata[i];
        if (!b)
            continue;
        if (!b->jid || !*b->jid) {
            bc_bookmark_free(b);
            continue;
        }
        /* The list is ours now: normalise its room JIDs as put() does. */
        char *k = norm(b->jid);
        g_free(b->jid);
        b->jid = k;
        g_ptr_array_add(bookmarks, b);
    }
    if (list) {
        /* The elements moved into our list; the caller's array goes without them. */
        g_ptr_array_set_free_func(list, NULL);
        g_ptr_array_unref(list);
    }
    g_ptr_array_sort(bookmarks, cmp_bookmark);
    /* The same room twice: the later entry wins. */
    for (guint i = 1; i < bookmarks->len;) {
        bc_bookmark *a = bookmarks->pdata[i - 1], *b = bookmarks->pdata[i];
        if (g_strcmp0(a->jid, b->jid) == 0)
            g_ptr_array_remove_index(bookmarks, i - 1);
        else
            i++;
    }
    bc_dirty(BC_DIRTY_ROSTER);
}

void bc_muc_bookmark_put(const bc_bookmark *b)
{
    if (!b || !b->jid || !*b->jid)
        return;
    bc_muc_marks_init();
    bc_bookmark *n = bc_bookmark_new(b->jid, b->name, b->nick, b->password, b->autojoin);
    bool found;
    guint at = bookmark_at(n->jid, &found);
    if (found) {
        bc_bookmark_free(bookmarks->pdata[at]);
        bookmarks->pdata[at] = n;
    } else {
        g_ptr_array_insert(bookmarks, (gint)at, n);
    }
    bc_dirty(BC_DIRTY_ROSTER);
}

void bc_muc_bookmark_removed(const char *jid)
{
    if (!jid || !bookmarks)
        return;
    char *k = norm(jid);
    bool found;
    guint at = bookmark_at(k, &found);
    if (found) {
        g_ptr_array_remove_index(bookmarks, at);
        bc_dirty(BC_DIRTY_ROSTER);
    }
    g_free(k);
}

GPtrArray *bc_muc_bookmarks(void)
{
    bc_muc_marks_init();
    return bookmarks;
}

const bc_bookmark *bc_muc_bookmark(const char *jid)
{
    if (!jid || !bookmarks)
        return NULL;
    char *k = norm(jid);
    bool found;
    guint at = bookmark_at(k, &found);
    g_free(k);
    return found ? bookmarks->pdata[at] : NULL;
}
