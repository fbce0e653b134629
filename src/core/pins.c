/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Certificate pins the user trusted with /tls trust, per account. */
#include "backchat/pins.h"
#include "backchat/paths.h"

#include <string.h>

static char *pins_path(const char *account, GError **err)
{
    char *dir = bc_paths_account_dir(account, err);
    if (!dir)
        return NULL;
    char *p = g_build_filename(dir, "trusted-certs", NULL);
    g_free(dir);
    return p;
}

static GKeyFile *load(const char *path)
{
    GKeyFile *kf = g_key_file_new();
    g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL);
    return kf;
}

static bool save(GKeyFile *kf, const char *path, GError **err)
{
    gsize len = 0;
    char *data = g_key_file_to_data(kf, &len, NULL);
    bool ok = bc_write_private(path, data, len, err);
    g_free(data);
    return ok;
}

/* The INI group for a host: an IPv6 literal loses its brackets, which
 * group names cannot hold. */
static char *group_for(const char *host)
{
    size_t n = strlen(host);
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
        return g_strndup(host + 1, n - 2);
    return g_strdup(host);
}

char *bc_pins_lookup(const char *account, const char *host)
{
    char *path = pins_path(account, NULL);
    if (!path)
        return NULL;
    GKeyFile *kf = load(path);
    char *group = group_for(host);
    char *fp = g_key_file_get_string(kf, group, "sha256", NULL);
    g_free(group);
    g_key_file_free(kf);
    g_free(path);
    return fp;
}

bool bc_pins_add(const char *account, const char *host, const char *fingerprint,
                 const char *subject, GError **err)
{
    char *path = pins_path(account, err);
    if (!path)
        return false;
    GKeyFile *kf = load(path);
    char *group = group_for(host);
    g_key_file_set_string(kf, group, "sha256", fingerprint);
    if (subject)
        g_key_file_set_string(kf, group, "subject", subject);
    char *check = g_key_file_get_string(kf, group, "sha256", NULL);
    bool ok = check != NULL;
    g_free(check);
    if (!ok)
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "cannot pin a certificate for "
                    "host \"%s\"", host);
    ok = ok && save(kf, path, err);
    g_free(group);
    g_key_file_free(kf);
    g_free(path);
    return ok;
}

bool bc_pins_remove(const char *account, const char *host, GError **err)
{
    char *path = pins_path(account, err);
    if (!path)
        return false;
    GKeyFile *kf = load(path);
    char *group = group_for(host);
    bool ok = true;
    if (g_key_file_has_group(kf, group)) {
        g_key_file_remove_group(kf, group, NULL);
        ok = save(kf, path, err);
    }
    g_free(group);
    g_key_file_free(kf);
    g_free(path);
    return ok;
}

/* Upper-cased without ':' separators ("ab:CD" and "ABCD" compare equal);
 * NULL if anything but hex digits and ':' is there. */
static char *normalize(const char *fp)
{
    GString *s = g_string_new(NULL);
    for (const char *p = fp; *p; p++) {
        if (*p == ':')
            continue;
        if (!g_ascii_isxdigit(*p)) {
            g_string_free(s, TRUE);
            return NULL;
        }
        g_string_append_c(s, g_ascii_toupper(*p));
    }
    return g_string_free(s, FALSE);
}

bool bc_fingerprint_equal(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    char *na = normalize(a), *nb = normalize(b);
    bool eq = na && nb && *na && strcmp(na, nb) == 0;
    g_free(na);
    g_free(nb);
    return eq;
}
