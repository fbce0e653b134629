/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Presence per resource; the best resource decides a contact's status. */
#include "backchat/presence.h"
#include "backchat/conv.h"
#include "backchat/jid.h"

#include <string.h>

typedef struct {
    bc_show show;
    char *status;
} res_presence;

/* bare JID -> (resource -> res_presence) */
static GHashTable *contacts;

static void res_free(gpointer p)
{
    res_presence *r = p;
    g_free(r->status);
    g_free(r);
}

static GHashTable *table(void)
{
    if (!contacts)
        contacts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify)g_hash_table_unref);
    return contacts;
}

void bc_presence_update(const char *full_jid, bc_show show, const char *status)
{
    char *bare = bc_jid_bare(full_jid);
    if (!bare)
        return;
    char *res = bc_jid_resource(full_jid);
    const char *key = res ? res : "";
    GHashTable *resources = g_hash_table_lookup(table(), bare);
    if (show == BC_SHOW_OFFLINE) {
        if (resources)
            g_hash_table_remove(resources, key);
    } else {
        if (!resources) {
            resources = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, res_free);
            g_hash_table_insert(table(), g_strdup(bare), resources);
        }
        res_presence *r = g_new0(res_presence, 1);
        r->show = show;
        r->status = status && *status ? g_strdup(status) : NULL;
        g_hash_table_replace(resources, g_strdup(key), r);
    }
    g_free(res);
    g_free(bare);
    bc_dirty(BC_DIRTY_TITLE | BC_DIRTY_TABS);
}

void bc_presence_clear(void)
{
    if (contacts)
        g_hash_table_remove_all(contacts);
    bc_dirty(BC_DIRTY_TITLE);
}

bc_show bc_presence_best(const char *bare, const char **status)
{
    if (status)
        *status = NULL;
    char *key = bc_jid_bare(bare);
    GHashTable *resources = key ? g_hash_table_lookup(table(), key) : NULL;
    g_free(key);
    bc_show best = BC_SHOW_OFFLINE;
    if (!resources)
        return best;
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, resources);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        res_presence *r = v;
        if (r->show > best || best == BC_SHOW_OFFLINE) {
            best = r->show;
            if (status)
                *status = r->status;
        }
    }
    return best;
}

const char *bc_show_name(bc_show s)
{
    switch (s) {
    case BC_SHOW_OFFLINE: return "offline";
    case BC_SHOW_DND: return "busy";
    case BC_SHOW_XA: return "extended away";
    case BC_SHOW_AWAY: return "away";
    case BC_SHOW_ONLINE: return "online";
    case BC_SHOW_CHAT: return "free to chat";
    }
    return "?";
}

bc_show bc_show_parse(const char *s)
{
    if (!s)
        return BC_SHOW_ONLINE;
    if (strcmp(s, "away") == 0)
        return BC_SHOW_AWAY;
    if (strcmp(s, "xa") == 0)
        return BC_SHOW_XA;
    if (strcmp(s, "dnd") == 0)
        return BC_SHOW_DND;
    if (strcmp(s, "chat") == 0)
        return BC_SHOW_CHAT;
    return BC_SHOW_ONLINE;
}
