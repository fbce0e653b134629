/* SPDX-License-Identifier: GPL-3.0-or-later */
/* User settings from the config file, with defaults for anything unset. */
#include "backchat/config.h"

static GKeyFile *kf;

bool bc_config_load(const char *path, GError **err)
{
    bc_config_free();
    kf = g_key_file_new();
    GError *e = NULL;
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &e)) {
        bool missing = g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT);
        if (!missing)
            g_propagate_prefixed_error(err, e, "%s: ", path);
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
