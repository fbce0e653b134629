/* SPDX-License-Identifier: GPL-3.0-or-later */
/* User settings from the config file, with defaults for anything unset. */
#include "backchat/config.h"

#include <string.h>

static GKeyFile *kf;

/* The first line that is neither blank, a comment, a [group] nor a
 * key=value: where GLib's parser stopped. 0 if none is found. */
static int first_bad_line(const char *path)
{
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    char **lines = g_strsplit(text, "\n", -1);
    int bad = 0;
    for (int i = 0; lines[i] && !bad; i++) {
        const char *l = lines[i];
        while (*l == ' ' || *l == '\t')
            l++;
        size_t n = strlen(l);
        while (n && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
            n--;
        if (n == 0 || l[0] == '#')
            continue;
        if (l[0] == '[' ? l[n - 1] != ']' : !memchr(l, '=', n))
            bad = i + 1;
    }
    g_strfreev(lines);
    g_free(text);
    return bad;
}

bool bc_keyfile_load(GKeyFile *keyfile, const char *path, GError **err)
{
    GError *e = NULL;
    if (g_key_file_load_from_file(keyfile, path, G_KEY_FILE_NONE, &e))
        return true;
    int line = e->domain == G_KEY_FILE_ERROR ? first_bad_line(path) : 0;
    if (line)
        g_propagate_prefixed_error(err, e, "%s, line %d: ", path, line);
    else
        g_propagate_prefixed_error(err, e, "%s: ", path);
    return false;
}

bool bc_config_load(const char *path, GError **err)
{
    bc_config_free();
    kf = g_key_file_new();
    GError *e = NULL;
    if (!bc_keyfile_load(kf, path, &e)) {
        bool missing = g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT);
        if (!missing)
            g_propagate_error(err, e);
        else
            g_error_free(e);
        g_key_file_free(kf);
        kf = g_key_file_new();
        return missing;
    }
    return true;
}

void bc_config_free(void)
{
    g_clear_pointer(&kf, g_key_file_free);
}

char **bc_config_groups(void)
{
    if (!kf)
        return g_new0(char *, 1);
    return g_key_file_get_groups(kf, NULL);
}

int bc_config_int(const char *group, const char *key, int def)
{
    if (!kf || !g_key_file_has_key(kf, group, key, NULL))
        return def;
    GError *e = NULL;
    int v = g_key_file_get_integer(kf, group, key, &e);
    if (e) {
        g_error_free(e);
        return def;
    }
    return v;
}

bool bc_config_bool(const char *group, const char *key, bool def)
{
    if (!kf || !g_key_file_has_key(kf, group, key, NULL))
        return def;
    GError *e = NULL;
    gboolean v = g_key_file_get_boolean(kf, group, key, &e);
    if (e) {
        g_error_free(e);
        return def;
    }
    return v;
}

char *bc_config_string(const char *group, const char *key, const char *def)
{
    char *v = kf ? g_key_file_get_string(kf, group, key, NULL) : NULL;
    return v ? v : g_strdup(def);
}
