/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backchat: command line, start-up and shut-down around the event loop. */
#include "backchat/account.h"
#include "backchat/announce.h"
#include "backchat/chatstate.h"
#include "backchat/cli.h"
#include "backchat/cmd.h"
#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/core.h"
#include "backchat/ctl.h"
#include "backchat/jid.h"
#include "backchat/loop.h"
#include "backchat/muc.h"
#include "backchat/paths.h"
#include "backchat/roster.h"
#include "backchat/status.h"
#include "backchat/session.h"
#include "backchat/tls_roots.h"
#include "backchat/ui.h"
#include "backchat/xmpp.h"

#include <dlfcn.h>
#include <locale.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Exit codes. */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2, EXIT_CONFIG = 3 };

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: backchat [-a ACCOUNT | --jid JID]\n"
            "       backchat export|stats|verify-logs|search [--help] ...\n"
            "       backchat remote [--account NAME] /COMMAND...\n"
            "A keyboard-driven XMPP client for the terminal.\n"
            "\n"
            "  -a, --account NAME  connect the account NAME from the accounts file\n"
            "      --jid JID       connect as JID (the password is asked for)\n"
            "  -h, --help          show this help and exit\n"
            "  -v, --version       show the version and exit\n"
            "\n"
            "Without options, backchat connects the default account from\n"
            "$XDG_CONFIG_HOME/backchat/accounts. Inside, /help lists the commands\n"
            "and /account add NAME user@server creates an account.\n"
            "See backchat(1).\n");
}

/* An account for --jid that is not in the accounts file: named after the
 * JID, kept in memory only. */
static bc_account *adhoc_account(bc_accounts *accts, const char *jid)
{
    bc_account *a = bc_accounts_find_jid(accts, jid);
    if (a)
        return a;
    char *bare = bc_jid_bare(jid);
    GString *name = g_string_new(NULL);
    for (const char *p = bare; *p; p++)
        g_string_append_c(name, (g_ascii_isalnum(*p) || *p == '.' || *p == '-') ? *p : '_');
    a = bc_account_new(name->str, bare);
    a->transient = true;
    g_string_free(name, TRUE);
    g_free(bare);
    g_ptr_array_add(accts->list, a);
    return a;
}

/* libstrophe calls this for every TLS connection; defined here, it takes
 * the place of OpenSSL's for the whole program. The system roots then come
 * from the hashed directory as each chain needs them, not from parsing the
 * whole bundle (src/xmpp/tls_roots.c); anything else goes to OpenSSL's. */
int SSL_CTX_set_default_verify_paths(SSL_CTX *ctx)
{
    if (bc_tls_system_roots(ctx))
        return 1;
    static int (*openssl_fn)(SSL_CTX *);
    if (!openssl_fn)
        openssl_fn = (int (*)(SSL_CTX *))dlsym(RTLD_NEXT, "SSL_CTX_set_default_verify_paths");
    return openssl_fn ? openssl_fn(ctx) : 0;
}

/* A command from the control socket (`backchat remote`): run as if typed,
 * answered with what it printed. */
static bool run_remote(const char *line, GString *out, void *data)
{
    bc_console_capture_begin(out);
    bool ok = bc_cmd_execute(line);
    bc_console_capture_end();
    return ok;
}

static void on_terminate(int signo, void *data)
{
    bc_xmpp_flush_close(1000);
    bc_app_quit();
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    /* backchat export|stats|verify-logs|search: work on the log without
     * starting the UI. */
    if (argc > 1 && bc_cli_is_command(argv[1]))
        return bc_cli_main(argc, argv);
    const char *account_name = NULL, *jid = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return EXIT_OK;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--version") == 0) {
            printf("backchat %s\n", BC_VERSION);
            return EXIT_OK;
        } else if ((strcmp(a, "-a") == 0 || strcmp(a, "--account") == 0) && i + 1 < argc) {
            account_name = argv[++i];
        } else if (g_str_has_prefix(a, "--account=")) {
            account_name = a + strlen("--account=");
        } else if (strcmp(a, "--jid") == 0 && i + 1 < argc) {
            jid = argv[++i];
        } else if (g_str_has_prefix(a, "--jid=")) {
            jid = a + strlen("--jid=");
        } else {
            fprintf(stderr, "backchat: unknown or incomplete option \"%s\"\n", a);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (account_name && jid) {
        fprintf(stderr, "backchat: use either -a ACCOUNT or --jid JID, not both\n");
        return EXIT_USAGE;
    }
    if (jid && (!bc_jid_is_valid(jid) || !strchr(jid, '@'))) {
        fprintf(stderr, "backchat: \"%s\" is not a valid JID (expected user@server)\n", jid);
        return EXIT_USAGE;
    }

    GError *err = NULL;
    char *cfg = bc_paths_config_file();
    bool cfg_ok = bc_config_load(cfg, &err);
    g_free(cfg);
    bc_convs_init((size_t)bc_config_int("ui", "scrollback", 2000));
    if (!cfg_ok) {
        bc_console_err("Config file ignored, defaults in force: %s", err->message);
        g_clear_error(&err);
    }
    if (!bc_session_load_accounts(&err)) {
        fprintf(stderr, "backchat: %s\nFix or move the accounts file and start again.\n",
                err->message);
        g_error_free(err);
        return EXIT_CONFIG;
    }
    bc_session *s = bc_session_get();
    bc_account *acct = NULL;
    if (account_name) {
        acct = bc_accounts_find(s->accounts, account_name);
        if (!acct) {
            char *path = bc_paths_accounts_file();
            fprintf(stderr,
                    "backchat: no account \"%s\" in %s.\n"
                    "Start backchat without -a and create it with /account add %s user@server.\n",
                    account_name, path, account_name);
            g_free(path);
            return EXIT_CONFIG;
        }
    } else if (jid) {
        acct = adhoc_account(s->accounts, jid);
    } else {
        acct = bc_accounts_default(s->accounts);
    }

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "backchat: needs a terminal; the conversation log is an SQLite "
                        "database (see backchat(1), FILES)\n");
        return EXIT_USAGE;
    }

    bc_loop_init();
    bc_roster_init();
    bc_status_init();
    bc_muc_init();
    bc_announce_init();
    if (!bc_xmpp_init()) {
        fprintf(stderr, "backchat: cannot initialise the XMPP library\n");
        return EXIT_RUNTIME;
    }
    bc_xmpp_attach_loop();
    bc_loop_add_prepare(bc_core_end_of_turn, NULL);
    if (!bc_ui_init()) {
        fprintf(stderr, "backchat: cannot initialise the terminal (is TERM set?)\n");
        return EXIT_RUNTIME;
    }
    bc_loop_add_prepare(bc_ui_redraw, NULL);
    bc_loop_on_signal(SIGTERM, on_terminate, NULL);
    bc_loop_on_signal(SIGHUP, on_terminate, NULL);
    bc_loop_on_signal(SIGINT, on_terminate, NULL);

    bc_console("backchat %s. /help lists the commands; Alt-1..Alt-0 switch tabs.", BC_VERSION);
    if (acct && !bc_ctl_start(acct->name, run_remote, NULL, &err)) {
        bc_console_err("%s; this one runs without a control socket, so backchat remote"
                       " does not reach it.", err->message);
        g_clear_error(&err);
    }
    if (acct) {
        if (!bc_cmd_connect_account(acct, &err)) {
            bc_console_err("%s", err->message);
            g_clear_error(&err);
        }
    } else {
        bc_console("No account yet. Create one with /account add NAME user@server "
                   "(the password is asked for, not echoed).");
    }

    bc_loop_run();

    bc_ctl_stop();
    bc_xmpp_flush_close(1000);
    bc_core_close_log();
    bc_ui_shutdown();
    bc_xmpp_shutdown();
    bc_session_free();
    bc_status_free();
    bc_announce_free();
    bc_muc_free();
    bc_roster_free();
    bc_chatstate_free();
    bc_convs_free();
    bc_config_free();
    bc_paths_reset();
    bc_loop_free();
    return EXIT_OK;
}
