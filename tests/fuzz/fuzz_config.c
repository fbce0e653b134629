/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the INI files we read: the config file
 * (src/core/config.c and what reads its keys: status presets, notify
 * settings) and the accounts file (src/core/account.c), including an
 * accounts save/load round trip. */

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backchat/account.h"
#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/notify.h"
#include "backchat/paths.h"
#include "backchat/loop.h"
#include "backchat/status.h"
#include "fuzz_common.h"

static int memfd = -1;
static char mempath[64];
static char *savepath;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* The input is "a file": an in-memory one, named by /proc path. */
    memfd = memfd_create("bc-fuzz-config", 0);
    CHECK(memfd >= 0);
    snprintf(mempath, sizeof mempath, "/proc/self/fd/%d", memfd);
    const char *home = fuzz_setup("bc-fuzz-config-XXXXXX");
    savepath = g_build_filename(home, "saved", "accounts", NULL);
    bc_loop_init(); /* presets arm the auto-away timer */
    return 0;
}

static void set_contents(const uint8_t *data, size_t size)
{
    CHECK(ftruncate(memfd, 0) == 0);
    CHECK(pwrite(memfd, data, size, 0) == (ssize_t)size);
}

/* "PATH: ..." or "PATH, line N: ..." with N a line of the file. */
static void check_file_error(const GError *e, const uint8_t *data, size_t size)
{
    CHECK(e != NULL && e->message != NULL);
    size_t pl = strlen(mempath);
    CHECK(strncmp(e->message, mempath, pl) == 0);
    const char *rest = e->message + pl;
    if (strncmp(rest, ", line ", 7) == 0) {
        long n = strtol(rest + 7, NULL, 10);
        size_t lines = 1;
        for (size_t i = 0; i < size; i++)
            lines += data[i] == '\n';
        CHECK(n >= 1 && (size_t)n <= lines);
    } else {
        CHECK(rest[0] == ':');
    }
}

static void check_key(const char *group, const char *key)
{
    char *s = bc_config_string(group, key, NULL);
    char *d = bc_config_string(group, key, "dflt");
    CHECK(d != NULL);
    if (!s) {
        /* Absent, or not UTF-8 (GLib may still read a number from it). */
        CHECK(strcmp(d, "dflt") == 0);
    } else {
        CHECK(strcmp(s, d) == 0);
        /* A value that is not a number keeps the default. */
        int a = bc_config_int(group, key, 7), b = bc_config_int(group, key, -3);
        CHECK(a == b || (a == 7 && b == -3));
    }
    g_free(d);
    g_free(s);
    /* A key that is not there gives every default back. */
    const char *none = "no-such-key";
    CHECK(bc_config_int(group, none, 7) == 7 && bc_config_int(group, none, -3) == -3);
    CHECK(bc_config_bool(group, none, true) && !bc_config_bool(group, none, false));
    char *n = bc_config_string(group, none, "dflt");
    CHECK(strcmp(n, "dflt") == 0);
    g_free(n);
    CHECK(bc_config_string(group, none, NULL) == NULL);
}

static void check_config(const uint8_t *data, size_t size)
{
    GError *err = NULL;
    bool ok = bc_config_load(mempath, &err);
    CHECK(ok == (err == NULL));
    char **groups = bc_config_groups();
    CHECK(groups != NULL);
    if (!ok) {
        check_file_error(err, data, size);
        g_error_free(err);
        CHECK(groups[0] == NULL); /* defaults in force */
    }
    for (char **g = groups; *g; g++) {
        check_key(*g, "label");
        check_key(*g, "key");
    }
    g_strfreev(groups);
    static const char *const keys[][2] = {
        {"notify", "level"}, {"notify", "quiet"}, {"notify", "bell"},
        {"connection", "keepalive"}, {"ui", "scrollback"}, {"log", "retention_days"},
        {"status", "autoaway_minutes"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
        check_key(keys[i][0], keys[i][1]);

    /* Presets: unique keys (in any case), F-keys 1..12 each on one preset. */
    bc_status_init();
    GPtrArray *ps = bc_presets();
    CHECK(ps != NULL && ps->len >= 6);
    int fkeys[13] = {0};
    for (guint i = 0; i < ps->len; i++) {
        const bc_preset *p = ps->pdata[i];
        CHECK(p->key && p->key[0] && p->label);
        CHECK(p->fkey >= 0 && p->fkey <= 12);
        if (p->fkey) {
            CHECK(!fkeys[p->fkey]);
            fkeys[p->fkey] = 1;
            CHECK(bc_preset_for_fkey(p->fkey) == p);
        }
        for (guint j = 0; j < i; j++)
            CHECK(g_ascii_strcasecmp(p->key, ((bc_preset *)ps->pdata[j])->key) != 0);
        CHECK(bc_preset_find(p->key) != NULL);
    }
    for (int f = 1; f <= 12; f++)
        CHECK(!bc_preset_for_fkey(f) == !fkeys[f]);
    bc_status_free();

    int from = -1, to = -1;
    if (bc_notify_get_quiet(&from, &to))
        CHECK(from >= 0 && from < 24 * 60 && to >= 0 && to < 24 * 60);
    bc_notify_level l = bc_notify_get_level(NULL);
    CHECK(l == BC_LEVEL_ALL || l == BC_LEVEL_MENTIONS || l == BC_LEVEL_NONE);
    bc_config_free();
}

static bool streq(const char *a, const char *b)
{
    return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

static void check_account(const bc_account *a)
{
    CHECK(bc_account_name_valid(a->name));
    CHECK(a->jid && bc_jid_is_valid(a->jid) && !strchr(a->jid, '/'));
    char *bare = bc_jid_bare(a->jid);
    CHECK(streq(bare, a->jid));
    g_free(bare);
    CHECK(a->resource && a->resource[0] && !strpbrk(a->resource, " \t\r\n"));
    CHECK(!a->server || (a->server[0] && !strpbrk(a->server, " \t\r\n/@")));
    CHECK(a->port >= 0 && a->port <= 65535);
    CHECK(a->tls == BC_TLS_STARTTLS || a->tls == BC_TLS_DIRECT);
    CHECK(!a->password || a->password[0]);
    CHECK(!a->eval_password || a->eval_password[0]);
    CHECK(!a->transient);
}

static void check_accounts(const uint8_t *data, size_t size)
{
    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    bc_accounts *accts = bc_accounts_load(mempath, warnings, &err);
    for (guint i = 0; i < warnings->len; i++)
        CHECK(g_str_has_prefix(warnings->pdata[i], mempath));
    g_ptr_array_free(warnings, TRUE);
    if (!accts) {
        check_file_error(err, data, size);
        g_error_free(err);
        return;
    }
    CHECK(err == NULL);
    for (guint i = 0; i < accts->list->len; i++) {
        const bc_account *a = accts->list->pdata[i];
        check_account(a);
        CHECK(bc_accounts_find(accts, a->name) == a);
        CHECK(bc_accounts_find_jid(accts, a->jid) != NULL);
    }
    CHECK(!bc_accounts_default(accts) == !accts->list->len);

    /* What we save we load back the same, in the same order. */
    if (accts->list->len == 0) {
        bc_accounts_free(accts);
        return;
    }
    CHECK(bc_accounts_save(accts, savepath, NULL));
    bc_accounts *back = bc_accounts_load(savepath, NULL, NULL);
    CHECK(back != NULL && back->list->len == accts->list->len);
    for (guint i = 0; i < accts->list->len; i++) {
        const bc_account *a = accts->list->pdata[i], *b = back->list->pdata[i];
        CHECK(streq(a->name, b->name) && streq(a->jid, b->jid));
        CHECK(streq(a->resource, b->resource) && streq(a->server, b->server));
        CHECK(a->port == b->port && a->tls == b->tls && a->is_default == b->is_default);
        CHECK(streq(a->password, b->password) && streq(a->eval_password, b->eval_password));
    }
    bc_accounts_free(back);
    bc_accounts_free(accts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    set_contents(data, size);
    /* Bad preset values are reported in the console: a fresh one each
     * run, so what one input allocates is freed by its end (libFuzzer
     * then needs no leak scan). */
    bc_convs_init(50);
    check_config(data, size);
    bc_convs_free();
    check_accounts(data, size);
    return 0;
}
