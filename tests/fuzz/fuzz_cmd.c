/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for src/cmd/cmd.c: word splitting and completion of an
 * input line (what the user types, or pastes from anywhere). */

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backchat/cmd.h"
#include "backchat/conv.h"
#include "backchat/loop.h"
#include "backchat/paths.h"
#include "backchat/roster.h"
#include "backchat/session.h"
#include "fuzz_common.h"

/* A small world for completion to look at: two accounts, a roster with
 * names and groups, a few tabs. Private XDG dirs, never the user's. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_setup("bc-fuzz-cmd-XXXXXX");
    bc_loop_init();
    char *accounts = bc_paths_accounts_file();
    static const char acc[] = "[work]\njid=me@example.org\ndefault=true\n"
                              "[home]\njid=me@example.net\n";
    if (!bc_write_private(accounts, acc, sizeof acc - 1, NULL))
        abort();
    bc_convs_init(200);
    if (!bc_session_load_accounts(NULL))
        abort();
    bc_roster_init();
    static const char *const g1[] = {"Team", "Ops", NULL};
    static const char *const g2[] = {"Friends", NULL};
    bc_roster_item("alice@example.org", "Alice", g1, BC_SUB_BOTH, false);
    bc_roster_item("bob@example.org", "Bob \"B\" Jones", g2, BC_SUB_BOTH, false);
    bc_roster_item("carol@example.net", NULL, NULL, BC_SUB_TO, false);
    bc_conv_open("alice@example.org", false);
    bc_conv_open("dave@example.com", false);
    g_free(accounts);
    return 0;
}

/* Quote state after `line`, by the documented rule: '"' toggles, and
 * inside quotes \" and \\ are escapes. An independent model of when
 * bc_cmd_split must fail. */
static bool ends_in_quote(const char *line)
{
    bool quoted = false;
    for (const char *p = line; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (quoted && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
            p++;
    }
    return quoted;
}

/* Quotes every word so that splitting gives it back unchanged. */
static char *requote(const bc_args *a)
{
    GString *s = g_string_new(NULL);
    for (int i = 0; i < a->argc; i++) {
        g_string_append(s, i ? " \"" : "\"");
        for (const char *p = a->argv[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                g_string_append_c(s, '\\');
            g_string_append_c(s, *p);
        }
        g_string_append_c(s, '"');
    }
    return g_string_free(s, FALSE);
}

static void check_split(const char *line)
{
    size_t len = strlen(line);
    bc_args a;
    GError *err = NULL;
    bool ok = bc_cmd_split(line, &a, &err);
    CHECK(ok == !ends_in_quote(line));
    if (!ok) {
        CHECK(err != NULL && err->domain == BC_CMD_ERROR && err->message[0]);
        CHECK(a.argv == NULL && a.offsets == NULL && a.argc == 0);
        g_error_free(err);
        return;
    }
    CHECK(err == NULL);
    CHECK(a.argc >= 0 && a.line == line && a.argv != NULL);
    CHECK(a.argv[a.argc] == NULL);
    size_t total = 0;
    for (int i = 0; i < a.argc; i++) {
        CHECK(a.argv[i] != NULL);
        size_t wl = strlen(a.argv[i]);
        total += wl;
        CHECK(wl <= len);
        CHECK(a.offsets[i] < len);
        CHECK(i == 0 || a.offsets[i] > a.offsets[i - 1]);
        /* A word starts at a non-blank after a blank (or the start). */
        char c = line[a.offsets[i]];
        CHECK(c != ' ' && c != '\t' && c != '\0');
        CHECK(a.offsets[i] == 0 || line[a.offsets[i] - 1] == ' ' ||
              line[a.offsets[i] - 1] == '\t');
        /* The rest from a word is a suffix of the line. */
        CHECK(bc_args_rest(&a, i) == line + a.offsets[i]);
    }
    CHECK(total <= len);
    CHECK(strcmp(bc_args_rest(&a, a.argc), "") == 0);
    CHECK(strcmp(bc_args_rest(&a, -1), "") == 0);
    /* Without quotes, words are exactly the blank-separated pieces. */
    if (!strchr(line, '"')) {
        char **parts = g_strsplit_set(line, " \t", -1);
        int k = 0;
        for (char **p = parts; *p; p++) {
            if (!**p)
                continue;
            CHECK(k < a.argc && strcmp(*p, a.argv[k]) == 0);
            k++;
        }
        CHECK(k == a.argc);
        g_strfreev(parts);
    }
    /* Quoting the words and splitting again gives the same words. */
    char *again = requote(&a);
    bc_args b;
    CHECK(bc_cmd_split(again, &b, NULL));
    CHECK(b.argc == a.argc);
    for (int i = 0; i < a.argc; i++)
        CHECK(strcmp(a.argv[i], b.argv[i]) == 0);
    bc_args_clear(&b);
    g_free(again);
    bc_args_clear(&a);
    CHECK(a.argv == NULL && a.offsets == NULL && a.argc == 0);
}

static void check_complete(const char *line, size_t cursor)
{
    size_t len = strlen(line);
    size_t start = (size_t)-1;
    char **c = bc_cmd_complete(line, cursor, &start);
    CHECK(c != NULL);
    size_t at = cursor < len ? cursor : len;
    CHECK(start <= at);
    CHECK(start == 0 || line[start - 1] == ' ' || line[start - 1] == '\t');
    for (size_t i = start; i < at; i++)
        CHECK(line[i] != ' ' && line[i] != '\t');
    for (size_t i = 0; c[i]; i++) {
        CHECK(c[i][0] != '\0' && strlen(c[i]) < 4096);
        /* Sorted and without duplicates. */
        CHECK(i == 0 || strcmp(c[i - 1], c[i]) < 0);
    }
    g_strfreev(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = g_strndup((const char *)data, size);
    size_t len = strlen(line);
    check_split(line);
    /* The command form: what bc_cmd_execute splits after the '/'. */
    if (line[0] == '/')
        check_split(line + 1);
    size_t cursors[] = {0, len / 2, len, len + 7};
    for (size_t i = 0; i < G_N_ELEMENTS(cursors); i++)
        check_complete(line, cursors[i]);
    /* And as a command line, in case the input does not start with '/'. */
    if (line[0] != '/' && len < 4096) {
        char *cmd = g_strconcat("/", line, NULL);
        check_complete(cmd, len + 1);
        check_complete(cmd, strcspn(cmd, " \t") + 1);
        g_free(cmd);
    }
    g_free(line);
    return 0;
}
