/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The banner's waiting list outlives the process: the priority and
 * server announcements not yet acknowledged are kept in the account's
 * directory (`announcements`, a key file, 0600, written atomically)
 * whenever that list changes, and read back when the account's log
 * opens. A crash or a restart no longer makes a priority announcement
 * disappear unacknowledged; the log has always kept the text. */
#include "announce_internal.h"

#include "backchat/paths.h"

#include <string.h>

#define FILE_NAME "announcements"
/* A file with more than this is cut (oldest first): the banner only ever
 * shows the oldest and a count. */
#define MAX_KEPT 200

static const char *const source_names[] = {
    [BC_ANN_HEADLINE] = "headline", [BC_ANN_SERVER] = "server",
    [BC_ANN_ATTENTION] = "attention", [BC_ANN_MARKED] = "announcement",
    [BC_ANN_PRIORITY] = "priority",
};

static char *keep_path(const char *account, GError **err)
{
    char *dir = bc_paths_account_dir(account, err);
    if (!dir)
        return NULL;
    char *path = g_build_filename(dir, FILE_NAME, NULL);
    g_free(dir);
    return path;
}

static void put(GKeyFile *kf, const char *group, const char *key, const char *v)
{
    if (v)
        g_key_file_set_string(kf, group, key, v);
}

bool bc_announce_keep_write(const char *account, GPtrArray *unacked, GError **err)
{
    char *path = keep_path(account, err);
    if (!path)
        return false;
    GKeyFile *kf = g_key_file_new();
    guint first = unacked->len > MAX_KEPT ? unacked->len - MAX_KEPT : 0;
    for (guint i = first; i < unacked->len; i++) {
        const bc_announcement *a = unacked->pdata[i];
        char group[32];
        g_snprintf(group, sizeof group, "announcement %u", i - first + 1);
        put(kf, group, "source", source_names[a->source]);
        put(kf, group, "from", a->from);
        put(kf, group, "text", a->text);
        put(kf, group, "stanza_id", a->stanza_id);
        put(kf, group, "ann_id", a->ann_id);
        put(kf, group, "room", a->room);
        g_key_file_set_int64(kf, group, "ts", a->ts);
        g_key_file_set_boolean(kf, group, "markable", a->markable);
    }
    gsize len;
    char *data = g_key_file_to_data(kf, &len, NULL);
    bool ok = bc_write_private(path, data, len, err);
    g_free(data);
    g_key_file_free(kf);
    g_free(path);
    return ok;
}

/* A string value, or NULL if missing or not usable as text. */
static char *get(GKeyFile *kf, const char *group, const char *key)
{
    char *v = g_key_file_get_string(kf, group, key, NULL);
    if (v && !g_utf8_validate(v, -1, NULL))
        g_clear_pointer(&v, g_free);
    return v;
}

static bool source_of(const char *name, bc_ann_source *out)
{
    for (size_t i = 0; name && i < G_N_ELEMENTS(source_names); i++)
        if (source_names[i] && strcmp(source_names[i], name) == 0) {
            *out = (bc_ann_source)i;
            return true;
        }
    return false;
}

GPtrArray *bc_announce_keep_read(const char *account, GError **err)
{
    char *path = keep_path(account, err);
    if (!path)
        return NULL;
    GPtrArray *out = g_ptr_array_new_with_free_func(bc_announcement_free);
    GKeyFile *kf = g_key_file_new();
    GError *e = NULL;
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &e)) {
        if (g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
            g_error_free(e); /* nothing waiting */
        } else {
            g_set_error(err, e->domain, e->code,
                        "cannot read the waiting announcements in %s: %s"
                        " (fix or remove the file)", path, e->message);
            g_error_free(e);
            g_clear_pointer(&out, g_ptr_array_unref);
        }
        g_key_file_free(kf);
        g_free(path);
        return out;
    }
    gsize n = 0;
    char **groups = g_key_file_get_groups(kf, &n);
    for (gsize i = 0; i < n && out->len < MAX_KEPT; i++) {
        char *source = get(kf, groups[i], "source");
        bc_announcement *a = g_new0(bc_announcement, 1);
        a->from = get(kf, groups[i], "from");
        bool ok = source_of(source, &a->source) && a->from;
        g_free(source);
        if (!ok) { /* a damaged entry: skip it, keep the rest */
            bc_announcement_free(a);
            continue;
        }
        a->text = get(kf, groups[i], "text");
        a->stanza_id = get(kf, groups[i], "stanza_id");
        a->ann_id = get(kf, groups[i], "ann_id");
        a->room = get(kf, groups[i], "room");
        a->ts = g_key_file_get_int64(kf, groups[i], "ts", NULL);
        a->markable = g_key_file_get_boolean(kf, groups[i], "markable", NULL);
        g_ptr_array_add(out, a);
    }
    g_strfreev(groups);
    g_key_file_free(kf);
    g_free(path);
    return out;
}
