/* SPDX-License-Identifier: GPL-3.0-or-later */
/* User settings from the config file, with defaults for anything unset. */
#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/sanitize.h"

#include <string.h>

static GKeyFile *kf;
static char *kf_path; /* where it was loaded from: bc_config_write() saves there */
static GHashTable *reported; /* "group\nkey" of values already said to be wrong */

/* A value of the wrong type is not an error that stops anything: the
 * default serves. But the user is told once, on the console, which line
 * is ignored and what to write instead. An empty value means unset. */
static void wrong_type(const char *group, const char *key, const char *want, const char *def)
{
    char *raw = g_key_file_get_value(kf, group, key, NULL);
    if (!raw || !*raw || !bc_conv_console()) {
        g_free(raw);
        return; /* (said when it is read again with a console to say it on) */
    }
    if (!reported)
        reported = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (g_hash_table_add(reported, g_strconcat(group, "\n", key, NULL))) {
        char *shown = bc_sanitize_line(raw, -1);
        bc_console_err("Config: [%s] %s=%s is not %s; using %s. Fix it in %s.", group, key, shown,
                       want, def, kf_path ? kf_path : "the config file");
        g_free(shown);
    }
    g_free(raw);
}

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
    kf_path = g_strdup(path);
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
    g_clear_pointer(&reported, g_hash_table_destroy);
    g_clear_pointer(&kf, g_key_file_free);
    g_clear_pointer(&kf_path, g_free);
}

char **bc_config_keys(const char *group)
{
    char **k = kf ? g_key_file_get_keys(kf, group, NULL, NULL) : NULL;
    return k ? k : g_new0(char *, 1);
}

static void set_or_remove(GKeyFile *f, const char *group, const char *key, const char *value)
{
    if (value)
        g_key_file_set_string(f, group, key, value);
    else
        g_key_file_remove_key(f, group, key, NULL);
}

bool bc_config_write(const char *group, const char *key, const char *value, GError **err)
{
    if (!kf || !kf_path) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                    "no config file is in use, so the setting cannot be saved");
        return false;
    }
    /* A fresh read with comments, so that saving keeps what the user wrote. */
    GKeyFile *disk = g_key_file_new();
    GError *e = NULL;
    if (!g_key_file_load_from_file(disk, kf_path, G_KEY_FILE_KEEP_COMMENTS, &e)) {
        if (!g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
            g_propagate_prefixed_error(err, e, "%s: ", kf_path);
            g_key_file_free(disk);
            return false;
        }
        g_clear_error(&e);
        char *dir = g_path_get_dirname(kf_path);
        g_mkdir_with_parents(dir, 0700);
        g_free(dir);
    }
    set_or_remove(disk, group, key, value);
    gsize len = 0;
    char *data = g_key_file_to_data(disk, &len, NULL);
    /* g_file_set_contents writes a temporary file and renames it. */
    bool ok = g_file_set_contents(kf_path, data, (gssize)len, &e);
    g_free(data);
    g_key_file_free(disk);
    if (!ok) {
        g_propagate_prefixed_error(err, e, "cannot save the setting: ");
        return false;
    }
    set_or_remove(kf, group, key, value);
    return true;
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
        char d[16];
        g_snprintf(d, sizeof d, "%d", def);
        wrong_type(group, key, "a whole number", d);
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
        wrong_type(group, key, "true or false", def ? "true" : "false");
        return def;
    }
    return v;
}

char *bc_config_string(const char *group, const char *key, const char *def)
{
    char *v = kf ? g_key_file_get_string(kf, group, key, NULL) : NULL;
    return v ? v : g_strdup(def);
}
