/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `backchat remote`: one /command for the running backchat, through its
 * control socket (src/core/ctl.c). */
#include "backchat/cli.h"
#include "backchat/account.h"
#include "backchat/ctl.h"
#include "backchat/paths.h"

#include <string.h>

#define REMOTE_TIMEOUT_MS 10000

static const char remote_help[] =
    "Usage: backchat remote [--account NAME] /COMMAND [ARGUMENTS...]\n"
    "Runs a /command in the backchat running for the account, through its\n"
    "control socket, and prints what the command printed. The arguments are\n"
    "joined with spaces:\n"
    "  backchat remote /status dnd On a call\n"
    "  backchat remote /msg bob@example.org Back in five minutes\n"
    "Only /commands are taken: plain text is refused, so a stray echo cannot\n"
    "send a message; use /msg JID TEXT.\n"
    "\n"
    "  -a, --account NAME  the account (default: the default account)\n"
    "  -h, --help          show this help\n"
    "\n"
    "Exit status: 0 done, 1 the command failed (the reason is printed),\n"
    "2 no backchat is running for the account, 64 bad usage.\n";

/* The server's lines, without control characters (it is ours, but what it
 * prints may quote text from the network). */
static void print_plain(const char *s, FILE *out)
{
    for (const char *p = s; *p; p++)
        if (*p == '\n' || *p == '\t' || ((unsigned char)*p >= 0x20 && *p != 0x7f))
            fputc(*p, out);
}

int bc_cli_remote(const char *account, bool help, GPtrArray *args, FILE *out, FILE *err)
{
    if (help) {
        fputs(remote_help, out);
        return BC_CLI_OK;
    }
    if (!args->len) {
        fprintf(err, "backchat remote: give a /command to run\n%s", remote_help);
        return BC_CLI_REMOTE_USAGE;
    }
    char *name = NULL;
    if (account) {
        name = g_strdup(account);
    } else {
        char *accounts_path = bc_paths_accounts_file();
        bc_accounts *accts = bc_accounts_load(accounts_path, NULL, NULL);
        bc_account *a = accts ? bc_accounts_default(accts) : NULL;
        if (a)
            name = g_strdup(a->name);
        else
            fprintf(err, "backchat remote: no default account in %s; name the account of"
                         " the running backchat with --account NAME\n", accounts_path);
        bc_accounts_free(accts);
        g_free(accounts_path);
        if (!name)
            return BC_CLI_REMOTE_USAGE;
    }
    GError *e = NULL;
    char *path = bc_ctl_socket_path(name, &e);
    if (!path) {
        fprintf(err, "backchat remote: %s\n", e->message);
        g_error_free(e);
        g_free(name);
        return BC_CLI_REMOTE_USAGE;
    }
    GString *line = g_string_new(NULL);
    for (guint i = 0; i < args->len; i++) {
        if (i)
            g_string_append_c(line, ' ');
        g_string_append(line, args->pdata[i]);
    }
    int code = BC_CLI_OK;
    if (!bc_ctl_line_ok(line->str, &e)) {
        fprintf(err, "backchat remote: %s\n", e->message);
        code = BC_CLI_REMOTE_USAGE;
    } else {
        GString *reply = g_string_new(NULL);
        bool ok = bc_ctl_request(path, line->str, REMOTE_TIMEOUT_MS, reply, &e);
        print_plain(reply->str, out);
        g_string_free(reply, TRUE);
        if (!ok && g_error_matches(e, BC_CTL_ERROR, BC_CTL_ERROR_NOSERVER)) {
            fprintf(err, "backchat remote: no backchat is running for account %s (%s)\n",
                    name, e->message);
            code = BC_CLI_REMOTE_NOT_RUNNING;
        } else if (!ok) {
            fprintf(err, "backchat remote: ");
            print_plain(e->message, err);
            fputc('\n', err);
            code = BC_CLI_REMOTE_FAILED;
        }
    }
    g_clear_error(&e);
    g_string_free(line, TRUE);
    g_free(path);
    g_free(name);
    return code;
}

