/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The layout on screen: which conversation each pane shows, the focus
 * following the current tab, layout files, and call mode's saved state.
 *
 * Scrolling: the focused pane shows the current conversation with its own
 * scroll (bc_conv.scroll, which PgUp/PgDn and history paging drive). A
 * pane that loses the focus keeps the offset it had (bc_pane.scroll) and
 * gets it back with the focus; a pane never focused shows the bottom. */
#include "backchat/layout.h"
#include "backchat/muc.h"
#include "backchat/paths.h"

#include <string.h>

#define ERR(...) g_set_error(err, BC_LAYOUT_ERROR, 1, __VA_ARGS__)
#define LAST_GROUP "last"
#define NAME_PREFIX "layout "

static bc_layout *ws;
static int area_w = 80, area_h = 21;
static bc_callmode call;

bc_layout *bc_workspace(void)
{
    if (!ws) {
        bc_conv *c = bc_conv_current();
        ws = bc_layout_new(c ? c->type : BC_CONV_CONSOLE, c ? c->jid : NULL);
    }
    return ws;
}

void bc_workspace_free(void)
{
    g_clear_pointer(&ws, bc_layout_free);
    g_clear_pointer(&call.saved, bc_layout_free);
    g_clear_pointer(&call.back_jid, g_free);
    g_clear_pointer(&call.message, g_free);
    g_clear_pointer(&call.activity, g_free);
    g_clear_pointer(&call.activity_text, g_free);
    g_clear_pointer(&call.preset, g_free);
    call.active = false;
}

void bc_workspace_set_area(int w, int h)
{
    area_w = w > 0 ? w : 1;
    area_h = h > 0 ? h : 1;
}

void bc_workspace_area(int *w, int *h)
{
    *w = area_w;
    *h = area_h;
}

/* The tab `p` names, opening it when `open` and it may be opened: a chat,
 * a room that is joined or bookmarked, a private chat in a joined room,
 * the announcements tab. NULL if none. */
static bc_conv *conv_for(const bc_pane *p, bool open)
{
    if (p->type == BC_CONV_CONSOLE)
        return bc_conv_console();
    if ((p->type == BC_CONV_CHAT || p->type == BC_CONV_ROOM || p->type == BC_CONV_PRIVATE) &&
        !p->jid)
        return NULL;
    bc_conv *c = p->type == BC_CONV_CHAT ? bc_conv_find(p->jid)
                                         : bc_conv_find_type(p->type, p->jid);
    if (c || !open)
        return c;
    switch (p->type) {
    case BC_CONV_CHAT:
        return p->jid ? bc_conv_open(p->jid, false) : NULL;
    case BC_CONV_ROOM:
        if (p->jid && (bc_muc_room(p->jid) || bc_muc_bookmark(p->jid)))
            return bc_conv_open_room(p->jid, false);
        return NULL;
    case BC_CONV_PRIVATE: {
        const char *slash = p->jid ? strchr(p->jid, '/') : NULL;
        if (!slash)
            return NULL;
        char *room = g_strndup(p->jid, (gsize)(slash - p->jid));
        bc_room *r = bc_muc_room(room);
        g_free(room);
        return r && r->state == BC_ROOM_JOINED ? bc_conv_open_private(p->jid, false) : NULL;
    }
    case BC_CONV_ANNOUNCE: return bc_conv_open_announce(false);
    case BC_CONV_BOARD: return bc_conv_open_board(NULL, false);
    default: return NULL;
    }
}

bc_conv *bc_workspace_conv(bc_pane *p)
{
    /* A tab closed since, or a room not joined yet: the console, until
     * the tab is there again. */
    bc_conv *c = p ? conv_for(p, false) : NULL;
    return c ? c : bc_conv_console();
}

static void select_conv(bc_conv *c, int scroll)
{
    if (!c)
        return;
    if (scroll == 0 && c->more_newer)
        bc_conv_scroll(c, -1000000); /* back to the newest lines */
    else
        c->scroll = scroll;
    bc_conv_select(bc_conv_index(c));
}

void bc_workspace_focus_moved(bc_pane *old)
{
    bc_layout *l = bc_workspace();
    bc_conv *cur = bc_conv_current();
    if (old && cur && bc_layout_index(l, old) >= 0)
        old->scroll = cur->scroll;
    bc_pane *f = l->focus;
    bc_conv *c = conv_for(f, true);
    if (!c) {
        c = bc_conv_console();
        bc_pane_show(f, BC_CONV_CONSOLE, NULL);
    }
    select_conv(c, f->scroll);
    bc_dirty(BC_DIRTY_ALL);
}

bool bc_workspace_sync(void)
{
    bc_conv *cur = bc_conv_current();
    bc_pane *f = bc_workspace()->focus;
    if (!cur || bc_pane_shows(f, cur->type, cur->jid))
        return false;
    bc_pane_show(f, cur->type, cur->jid);
    return true;
}

void bc_workspace_set(bc_layout *l)
{
    if (!l)
        return;
    bc_layout_free(ws);
    ws = l;
    for (int i = 0; i < BC_PANES_MAX; i++) {
        bc_pane *p = bc_layout_nth(l, i);
        if (!p)
            break;
        p->scroll = 0;
        if (p != l->focus)
            conv_for(p, true);
    }
    bc_workspace_focus_moved(NULL);
}

/* ---- files ------------------------------------------------------------- */

bool bc_layout_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 32 || name[0] == '.' || name[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isalnum(name[i]) && !strchr("._-", name[i]))
            return false;
    return true;
}

static char *file_path(void) { return g_build_filename(bc_paths_data_dir(), "layouts", NULL); }

static char *group_of(const char *name)
{
    return name ? g_strconcat(NAME_PREFIX, name, NULL) : g_strdup(LAST_GROUP);
}

/* The layouts file, or an empty one when there is none yet. */
static GKeyFile *read_file(GError **err)
{
    GKeyFile *kf = g_key_file_new();
    char *path = file_path();
    GError *e = NULL;
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &e) &&
        !g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
        ERR("cannot read %s: %s (fix or remove the file)", path, e->message);
        g_error_free(e);
        g_key_file_free(kf);
        g_free(path);
        return NULL;
    }
    g_clear_error(&e);
    g_free(path);
    return kf;
}

static bool write_file(GKeyFile *kf, GError **err)
{
    if (!bc_mkdir_private(bc_paths_data_dir(), err))
        return false;
    gsize len;
    char *data = g_key_file_to_data(kf, &len, NULL);
    char *path = file_path();
    bool ok = bc_write_private(path, data, len, err);
    g_free(path);
    g_free(data);
    return ok;
}

static bool check_name(const char *name, GError **err)
{
    if (name && !bc_layout_name_valid(name)) {
        ERR("\"%s\" is not a layout name: use up to 32 letters, digits, '.', '_' or '-'",
            name);
        return false;
    }
    return true;
}

/* The layouts file and the group of layout `name` (NULL: the last one),
 * after checking the name. */
static GKeyFile *open_layouts(const char *name, char **group, GError **err)
{
    if (!check_name(name, err))
        return NULL;
    GKeyFile *kf = read_file(err);
    if (kf)
        *group = group_of(name);
    return kf;
}

static void no_such_layout(const char *name, GError **err)
{
    ERR("no layout named \"%s\": /layout list shows the saved ones", name ? name : "");
}

bool bc_workspace_save(const char *name, GError **err)
{
    char *group;
    GKeyFile *kf = open_layouts(name, &group, err);
    if (!kf)
        return false;
    g_key_file_remove_group(kf, group, NULL);
    /* During a call, the layout to come back to is the one before it. */
    bc_layout *l = call.active && call.saved ? call.saved : bc_workspace();
    /* At quit, one pane is what a fresh start shows anyway: forget it. */
    if (name || bc_layout_count(l) > 1)
        bc_layout_to_keyfile(l, kf, group);
    bool ok = write_file(kf, err);
    g_free(group);
    g_key_file_free(kf);
    return ok;
}

bool bc_workspace_load(const char *name, GError **err)
{
    char *group;
    GKeyFile *kf = open_layouts(name, &group, err);
    if (!kf)
        return false;
    bc_layout *l = NULL;
    if (!g_key_file_has_group(kf, group))
        no_such_layout(name, err);
    else
        l = bc_layout_from_keyfile(kf, group, err);
    g_free(group);
    g_key_file_free(kf);
    if (!l)
        return false;
    if (!bc_layout_fits(l, area_w, area_h, err)) {
        bc_layout_free(l);
        return false;
    }
    bc_workspace_set(l);
    return true;
}

bool bc_workspace_delete(const char *name, GError **err)
{
    char *group;
    GKeyFile *kf = open_layouts(name, &group, err);
    if (!kf)
        return false;
    bool ok = g_key_file_remove_group(kf, group, NULL);
    if (!ok)
        no_such_layout(name, err);
    else
        ok = write_file(kf, err);
    g_free(group);
    g_key_file_free(kf);
    return ok;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **bc_workspace_names(void)
{
    GPtrArray *out = g_ptr_array_new();
    GKeyFile *kf = read_file(NULL);
    gsize n = 0;
    char **groups = kf ? g_key_file_get_groups(kf, &n) : NULL;
    for (gsize i = 0; i < n; i++)
        if (g_str_has_prefix(groups[i], NAME_PREFIX) &&
            bc_layout_name_valid(groups[i] + strlen(NAME_PREFIX)))
            g_ptr_array_add(out, g_strdup(groups[i] + strlen(NAME_PREFIX)));
    g_strfreev(groups);
    if (kf)
        g_key_file_free(kf);
    g_ptr_array_sort(out, cmp_str);
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

bc_callmode *bc_callmode_get(void) { return &call; }
bool bc_callmode_active(void) { return call.active; }
