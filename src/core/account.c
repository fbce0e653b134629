/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Accounts: load, validate, edit and save the accounts file. */
#include "backchat/account.h"
#include "backchat/config.h"
#include "backchat/jid.h"
#include "backchat/paths.h"

#include <string.h>

#define ACCOUNT_ERROR g_quark_from_static_string("bc-account-error")

bool bc_account_name_valid(const char *name)
{
    if (!name || !*name || name[0] == '.' || strlen(name) > 64)
        return false;
    for (const char *p = name; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '.' && *p != '_' && *p != '-')
            return false;
    return true;
}

bc_account *bc_account_new(const char *name, const char *jid)
{
    bc_account *a = g_new0(bc_account, 1);
    a->name = g_strdup(name);
    a->jid = bc_jid_bare(jid);
    if (!a->jid)
        a->jid = g_strdup(jid);
    a->resource = g_strdup("backchat");
    a->tls = BC_TLS_STARTTLS;
    return a;
}

void bc_account_free(bc_account *a)
{
    if (!a)
        return;
    g_free(a->name);
    g_free(a->jid);
    g_free(a->resource);
    g_free(a->server);
    if (a->password)
        memset(a->password, 0, strlen(a->password));
    g_free(a->password);
    g_free(a->eval_password);
    g_free(a);
}

static void set_str(char **field, const char *value)
{
    g_free(*field);
    *field = (value && *value) ? g_strdup(value) : NULL;
}

bool bc_account_set(bc_account *a, const char *key, const char *value, GError **err)
{
    if (!value)
        value = "";
    if (strcmp(key, "jid") == 0) {
        char *bare = bc_jid_bare(value);
        if (!bare || strchr(value, '/')) {
            g_free(bare);
            g_set_error(err, ACCOUNT_ERROR, 1,
                        "\"%s\" is not a bare JID (expected user@server)", value);
            return false;
        }
        g_free(a->jid);
        a->jid = bare;
    } else if (strcmp(key, "resource") == 0) {
        if (!*value || strpbrk(value, " \t\r\n")) {
            g_set_error(err, ACCOUNT_ERROR, 1, "resource must be one word");
            return false;
        }
        set_str(&a->resource, value);
    } else if (strcmp(key, "server") == 0) {
        if (strpbrk(value, " \t\r\n/@")) {
            g_set_error(err, ACCOUNT_ERROR, 1, "\"%s\" is not a host name", value);
            return false;
        }
        set_str(&a->server, value);
    } else if (strcmp(key, "port") == 0) {
        char *end = NULL;
        long p = *value ? strtol(value, &end, 10) : 0;
        if ((end && *end) || p < 0 || p > 65535) {
            g_set_error(err, ACCOUNT_ERROR, 1, "port must be a number from 1 to 65535");
            return false;
        }
        a->port = (int)p;
    } else if (strcmp(key, "tls") == 0) {
        if (strcmp(value, "starttls") == 0 || !*value)
            a->tls = BC_TLS_STARTTLS;
        else if (strcmp(value, "direct") == 0)
            a->tls = BC_TLS_DIRECT;
        else {
            g_set_error(err, ACCOUNT_ERROR, 1,
                        "tls must be \"starttls\" or \"direct\" (TLS is always required)");
            return false;
        }
    } else if (strcmp(key, "password") == 0) {
        if (a->password)
            memset(a->password, 0, strlen(a->password));
        set_str(&a->password, value);
    } else if (strcmp(key, "eval_password") == 0) {
        set_str(&a->eval_password, value);
    } else {
        g_set_error(err, ACCOUNT_ERROR, 1,
                    "unknown account setting \"%s\" (jid, resource, server, port, tls, "
                    "password, eval_password)", key);
        return false;
    }
    return true;
}

bc_accounts *bc_accounts_new(void)
{
    bc_accounts *a = g_new0(bc_accounts, 1);
    a->list = g_ptr_array_new_with_free_func((GDestroyNotify)bc_account_free);
    return a;
}

void bc_accounts_free(bc_accounts *a)
{
    if (!a)
        return;
    g_ptr_array_free(a->list, TRUE);
    g_free(a);
}

static const char *const keys[] = {"jid", "resource", "server", "port",
                                   "tls", "password", "eval_password", NULL};

bc_accounts *bc_accounts_load(const char *path, GPtrArray *warnings, GError **err)
{
    bc_accounts *accts = bc_accounts_new();
    GKeyFile *kf = g_key_file_new();
    GError *e = NULL;
    if (!bc_keyfile_load(kf, path, &e)) {
        g_key_file_free(kf);
        if (g_error_matches(e, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
            g_error_free(e);
            return accts;
        }
        g_propagate_error(err, e);
        bc_accounts_free(accts);
        return NULL;
    }
    gsize n = 0;
    char **groups = g_key_file_get_groups(kf, &n);
    for (gsize i = 0; i < n; i++) {
        const char *g = groups[i];
        char *jid = g_key_file_get_string(kf, g, "jid", NULL);
        if (!bc_account_name_valid(g) || !jid || !bc_jid_is_valid(jid) || strchr(jid, '/')) {
            if (warnings)
                g_ptr_array_add(warnings,
                                g_strdup_printf("%s: account [%s] skipped: %s", path, g,
                                                !bc_account_name_valid(g)
                                                    ? "invalid account name"
                                                    : "missing or invalid jid"));
            g_free(jid);
            continue;
        }
        bc_account *a = bc_account_new(g, jid);
        g_free(jid);
        for (int k = 1; keys[k]; k++) {
            char *v = g_key_file_get_string(kf, g, keys[k], NULL);
            if (!v)
                continue;
            GError *se = NULL;
            if (!bc_account_set(a, keys[k], v, &se)) {
                if (warnings)
                    g_ptr_array_add(warnings, g_strdup_printf("%s: [%s] %s: %s", path, g,
                                                              keys[k], se->message));
                g_error_free(se);
            }
            if (strcmp(keys[k], "password") == 0)
                memset(v, 0, strlen(v));
            g_free(v);
        }
        a->is_default = g_key_file_get_boolean(kf, g, "default", NULL);
        if (bc_accounts_find(accts, g)) {
            bc_account_free(a);
            continue;
        }
        g_ptr_array_add(accts->list, a);
    }
    g_strfreev(groups);
    g_key_file_free(kf);
    return accts;
}

bool bc_accounts_save(const bc_accounts *accts, const char *path, GError **err)
{
    GKeyFile *kf = g_key_file_new();
    for (guint i = 0; i < accts->list->len; i++) {
        const bc_account *a = accts->list->pdata[i];
        if (a->transient)
            continue;
        g_key_file_set_string(kf, a->name, "jid", a->jid);
        if (a->resource && strcmp(a->resource, "backchat") != 0)
            g_key_file_set_string(kf, a->name, "resource", a->resource);
        if (a->server)
            g_key_file_set_string(kf, a->name, "server", a->server);
        if (a->port)
            g_key_file_set_integer(kf, a->name, "port", a->port);
        g_key_file_set_string(kf, a->name, "tls", a->tls == BC_TLS_DIRECT ? "direct" : "starttls");
        if (a->password)
            g_key_file_set_string(kf, a->name, "password", a->password);
        if (a->eval_password)
            g_key_file_set_string(kf, a->name, "eval_password", a->eval_password);
        if (a->is_default)
            g_key_file_set_boolean(kf, a->name, "default", TRUE);
    }
    gsize len = 0;
    char *data = g_key_file_to_data(kf, &len, NULL);
    g_key_file_free(kf);
    bool ok = bc_write_private(path, data, len, err);
    memset(data, 0, len);
    g_free(data);
    return ok;
}

bc_account *bc_accounts_find(const bc_accounts *accts, const char *name)
{
    if (!accts || !name)
        return NULL;
    for (guint i = 0; i < accts->list->len; i++) {
        bc_account *a = accts->list->pdata[i];
        if (strcmp(a->name, name) == 0)
            return a;
    }
    return NULL;
}

bc_account *bc_accounts_find_jid(const bc_accounts *accts, const char *jid)
{
    if (!accts || !jid)
        return NULL;
    for (guint i = 0; i < accts->list->len; i++) {
        bc_account *a = accts->list->pdata[i];
        if (bc_jid_bare_equal(a->jid, jid))
            return a;
    }
    return NULL;
}

bc_account *bc_accounts_default(const bc_accounts *accts)
{
    if (!accts || accts->list->len == 0)
        return NULL;
    for (guint i = 0; i < accts->list->len; i++) {
        bc_account *a = accts->list->pdata[i];
        if (a->is_default)
            return a;
    }
    return accts->list->pdata[0];
}

bool bc_accounts_add(bc_accounts *accts, bc_account *acct, GError **err)
{
    if (!bc_account_name_valid(acct->name)) {
        g_set_error(err, ACCOUNT_ERROR, 1,
                    "invalid account name \"%s\": use letters, digits, '.', '_' and '-'",
                    acct->name);
        return false;
    }
    if (!bc_jid_is_valid(acct->jid)) {
        g_set_error(err, ACCOUNT_ERROR, 1, "\"%s\" is not a valid JID", acct->jid);
        return false;
    }
    if (bc_accounts_find(accts, acct->name)) {
        g_set_error(err, ACCOUNT_ERROR, 1, "an account named \"%s\" already exists", acct->name);
        return false;
    }
    if (accts->list->len == 0)
        acct->is_default = true;
    g_ptr_array_add(accts->list, acct);
    return true;
}

bool bc_accounts_remove(bc_accounts *accts, const char *name)
{
    bc_account *a = bc_accounts_find(accts, name);
    return a && g_ptr_array_remove(accts->list, a);
}

void bc_accounts_set_default(bc_accounts *accts, const char *name)
{
    for (guint i = 0; i < accts->list->len; i++) {
        bc_account *a = accts->list->pdata[i];
        a->is_default = strcmp(a->name, name) == 0;
    }
}
