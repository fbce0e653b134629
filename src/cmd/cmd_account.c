/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Commands about accounts and the connection: account, connect,
 * disconnect, tls. */
#include "backchat/conv.h"
#include "backchat/core.h"
#include "backchat/jid.h"
#include "backchat/pins.h"
#include "backchat/session.h"
#include "backchat/xmpp.h"
#include "handlers.h"

#include <stdlib.h>
#include <string.h>

static bool save_accounts(GError **err)
{
    return bc_session_save_accounts(err);
}

/* Makes `acct` the session's account, opening its log. */
static bool use_account(bc_account *acct, GError **err)
{
    bc_session *s = bc_session_get();
    if (s->account == acct && bc_core_log())
        return true;
    if (s->account != acct && s->password) {
        memset(s->password, 0, strlen(s->password));
        g_clear_pointer(&s->password, g_free);
    }
    s->account = acct;
    bc_dirty(BC_DIRTY_TABS | BC_DIRTY_TITLE);
    return bc_core_open_log(err);
}

static void connect_with_secret(const char *secret, void *data)
{
    char *name = data;
    bc_session *s = bc_session_get();
    bc_account *acct = bc_accounts_find(s->accounts, name);
    g_free(name);
    if (!secret || !*secret || !acct) {
        bc_console("Not connecting: no password given.");
        return;
    }
    g_free(s->password);
    s->password = g_strdup(secret);
    GError *err = NULL;
    if (!bc_xmpp_connect(acct, s->password, &err)) {
        bc_console_err("%s", err->message);
        g_error_free(err);
    }
}

/* eval_password gets this long (a passphrase prompt may be waiting). */
#define EVAL_PASSWORD_TIMEOUT_MS 60000

/* eval_password answered: connect the account it ran for, if it is still
 * the one to use. */
static void connect_with_evaluated(char *password, const char *error, void *data)
{
    char *name = data;
    bc_session *s = bc_session_get();
    bc_account *acct = bc_accounts_find(s->accounts, name);
    if (!password) {
        bc_console_err("Not connecting %s: %s.", name, error);
    } else if (acct && acct == s->account) {
        GError *err = NULL;
        if (!bc_xmpp_connect(acct, password, &err)) {
            bc_console_err("%s", err->message);
            g_error_free(err);
        }
    }
    if (password) {
        memset(password, 0, strlen(password));
        g_free(password);
    }
    g_free(name);
}

bool bc_cmd_connect_account(bc_account *acct, GError **err)
{
    if (!use_account(acct, err))
        return false;
    bc_session *s = bc_session_get();
    if (acct->password)
        return bc_xmpp_connect(acct, acct->password, err);
    if (acct->eval_password)
        return bc_account_eval_password(acct, EVAL_PASSWORD_TIMEOUT_MS, connect_with_evaluated,
                                        g_strdup(acct->name), err);
    if (s->password)
        return bc_xmpp_connect(acct, s->password, err);
    char *prompt = g_strdup_printf("Password for %s: ", acct->jid);
    bc_prompt_secret(prompt, connect_with_secret, g_strdup(acct->name));
    g_free(prompt);
    return true;
}

bool bc_cmd_connect(const bc_args *a, GError **err)
{
    bc_session *s = bc_session_get();
    bc_account *acct;
    if (a->argc > 1) {
        acct = bc_accounts_find(s->accounts, a->argv[1]);
        if (!acct) {
            g_set_error(err, BC_CMD_ERROR, 1,
                        "no account \"%s\"; /account list shows them, /account add creates one",
                        a->argv[1]);
            return false;
        }
        if (s->account && s->account != acct && bc_xmpp_connected()) {
            g_set_error(err, BC_CMD_ERROR, 1, "connected as %s; /disconnect first",
                        s->account->jid);
            return false;
        }
    } else {
        acct = s->account ? s->account : bc_accounts_default(s->accounts);
        if (!acct) {
            g_set_error(err, BC_CMD_ERROR, 1,
                        "no account yet: create one with /account add NAME user@server");
            return false;
        }
    }
    return bc_cmd_connect_account(acct, err);
}

bool bc_cmd_disconnect(const bc_args *a, GError **err)
{
    bc_conn_state st = bc_session_get()->state;
    if (!bc_xmpp_connected() && st != BC_CONN_CONNECTING && st != BC_CONN_RECONNECTING) {
        g_set_error(err, BC_CMD_ERROR, 1, "not connected");
        return false;
    }
    bc_xmpp_disconnect();
    return true;
}

/* /account ---------------------------------------------------------------- */

static bc_account *need_account(const bc_args *a, int i, GError **err)
{
    if (a->argc <= i) {
        g_set_error(err, BC_CMD_ERROR, 1, "which account? /account list shows them");
        return NULL;
    }
    bc_account *acct = bc_accounts_find(bc_session_get()->accounts, a->argv[i]);
    if (!acct)
        g_set_error(err, BC_CMD_ERROR, 1, "no account \"%s\"; /account list shows them",
                    a->argv[i]);
    return acct;
}

static void store_password(const char *secret, void *data)
{
    char *name = data;
    bc_account *acct = bc_accounts_find(bc_session_get()->accounts, name);
    if (acct && secret && *secret) {
        GError *err = NULL;
        bc_account_set(acct, "password", secret, NULL);
        if (save_accounts(&err))
            bc_console("Password saved for account %s (accounts file, mode 0600).", name);
        else {
            bc_console_err("Cannot save the accounts file: %s", err->message);
            g_error_free(err);
        }
    } else if (acct) {
        bc_console("No password stored for %s: it will be asked for at /connect "
                   "(or set eval_password).", name);
    }
    g_free(name);
}

static void account_show(const bc_account *acct)
{
    bc_session *s = bc_session_get();
    bc_info("Account %s%s%s", acct->name, acct->is_default ? " (default)" : "",
            acct == s->account ? " (in use)" : "");
    bc_info("  jid:           %s", acct->jid);
    bc_info("  resource:      %s", acct->resource ? acct->resource : "backchat");
    bc_info("  server:        %s", acct->server ? acct->server : "(from the JID)");
    if (acct->port)
        bc_info("  port:          %d", acct->port);
    bc_info("  tls:           %s", acct->tls == BC_TLS_DIRECT ? "direct" : "starttls");
    bc_info("  password:      %s", acct->password ? "(stored)" : "(not stored)");
    if (acct->eval_password)
        bc_info("  eval_password: %s", acct->eval_password);
}

static bool account_add(const bc_args *a, GError **err)
{
    if (a->argc < 4) {
        g_set_error(err, BC_CMD_ERROR, 1, "usage: /account add NAME JID [HOST[:PORT]]");
        return false;
    }
    const char *name = a->argv[2], *jid = a->argv[3];
    if (!bc_account_name_valid(name)) {
        g_set_error(err, BC_CMD_ERROR, 1,
                    "invalid account name \"%s\": use letters, digits, '.', '_' and '-'", name);
        return false;
    }
    if (!bc_jid_is_valid(jid) || !strchr(jid, '@') || strchr(jid, '/')) {
        g_set_error(err, BC_CMD_ERROR, 1, "\"%s\" is not a bare JID (expected user@server)", jid);
        return false;
    }
    bc_account *acct = bc_account_new(name, jid);
    if (a->argc > 4) {
        /* HOST, HOST:PORT, [IPv6] or [IPv6]:PORT */
        char *host = g_strdup(a->argv[4]);
        char *h = host, *port = NULL;
        if (*h == '[') {
            char *close = strchr(h, ']');
            if (close) {
                *close = '\0';
                h++;
                if (close[1] == ':')
                    port = close + 2;
                else if (close[1]) {
                    g_set_error(err, BC_CMD_ERROR, 1, "expected [ADDRESS]:PORT, not \"%s\"",
                                a->argv[4]);
                    g_free(host);
                    bc_account_free(acct);
                    return false;
                }
            }
        } else {
            char *colon = strchr(h, ':');
            if (colon && colon == strrchr(h, ':')) {
                *colon = '\0';
                port = colon + 1;
            }
        }
        bool ok = !port || bc_account_set(acct, "port", port, err);
        ok = ok && bc_account_set(acct, "server", h, err);
        g_free(host);
        if (!ok) {
            bc_account_free(acct);
            return false;
        }
    }
    bc_session *s = bc_session_get();
    if (!bc_accounts_add(s->accounts, acct, err)) {
        bc_account_free(acct);
        return false;
    }
    if (!save_accounts(err)) {
        bc_accounts_remove(s->accounts, name);
        return false;
    }
    bc_info("Account %s added for %s. /connect %s connects it.", name, acct->jid, name);
    char *prompt = g_strdup_printf("Password for %s (Enter: ask at each connect): ", acct->jid);
    bc_prompt_secret(prompt, store_password, g_strdup(name));
    g_free(prompt);
    return true;
}

static bool account_set(const bc_args *a, GError **err)
{
    bc_account *acct = need_account(a, 2, err);
    if (!acct)
        return false;
    if (a->argc < 4) {
        g_set_error(err, BC_CMD_ERROR, 1, "usage: /account set NAME KEY [VALUE]");
        return false;
    }
    const char *key = a->argv[3];
    if (strcmp(key, "password") == 0 && a->argc == 4) {
        char *prompt = g_strdup_printf("New password for %s: ", acct->jid);
        bc_prompt_secret(prompt, store_password, g_strdup(acct->name));
        g_free(prompt);
        return true;
    }
    /* eval_password is a whole command line and a password may contain
     * spaces; every other value is one word. */
    bool whole = strcmp(key, "eval_password") == 0 || strcmp(key, "password") == 0;
    if (!whole && a->argc > 5) {
        g_set_error(err, BC_CMD_ERROR, 1, "%s takes one word; put the value in \"quotes\" "
                    "if it has spaces", key);
        return false;
    }
    char *v = whole ? g_strdup(a->argc > 4 ? bc_args_rest(a, 4) : "")
                    : g_strdup(a->argc > 4 ? a->argv[4] : "");
    bool ok = bc_account_set(acct, key, v, err);
    g_free(v);
    if (!ok || !save_accounts(err))
        return false;
    bc_info("Account %s: %s updated.", acct->name, key);
    return true;
}

bool bc_cmd_account(const bc_args *a, GError **err)
{
    bc_session *s = bc_session_get();
    const char *sub = a->argc > 1 ? a->argv[1] : "list";
    if (strcmp(sub, "list") == 0) {
        if (!s->accounts || s->accounts->list->len == 0) {
            bc_info("No accounts. Create one with /account add NAME user@server.");
            return true;
        }
        for (guint i = 0; i < s->accounts->list->len; i++) {
            bc_account *acct = s->accounts->list->pdata[i];
            bc_info("  %-12s %s%s%s", acct->name, acct->jid, acct->is_default ? "  (default)" : "",
                    acct == s->account ? "  (in use)" : "");
        }
        return true;
    }
    if (strcmp(sub, "show") == 0) {
        bc_account *acct = a->argc > 2 ? need_account(a, 2, err) : s->account;
        if (!acct) {
            if (err && !*err)
                g_set_error(err, BC_CMD_ERROR, 1, "which account? /account show NAME");
            return false;
        }
        account_show(acct);
        return true;
    }
    if (strcmp(sub, "add") == 0)
        return account_add(a, err);
    if (strcmp(sub, "set") == 0)
        return account_set(a, err);
    if (strcmp(sub, "default") == 0) {
        bc_account *acct = need_account(a, 2, err);
        if (!acct)
            return false;
        bc_accounts_set_default(s->accounts, acct->name);
        if (!save_accounts(err))
            return false;
        bc_info("Account %s is now the default.", acct->name);
        return true;
    }
    if (strcmp(sub, "remove") == 0) {
        bc_account *acct = need_account(a, 2, err);
        if (!acct)
            return false;
        if (acct == s->account) {
            g_set_error(err, BC_CMD_ERROR, 1, "account %s is in use; /disconnect and pick "
                        "another first", acct->name);
            return false;
        }
        char *name = g_strdup(acct->name);
        bc_accounts_remove(s->accounts, name);
        bool ok = save_accounts(err);
        if (ok)
            bc_info("Account %s removed (its log stays on disk).", name);
        g_free(name);
        return ok;
    }
    g_set_error(err, BC_CMD_ERROR, 1, "unknown subcommand \"%s\": list, show, add, set, "
                "default or remove", sub);
    return false;
}

/* /tls -------------------------------------------------------------------- */

static char *account_domain(const bc_account *acct)
{
    bc_jid *j = bc_jid_parse(acct->jid);
    char *d = j ? g_strdup(j->domain) : NULL;
    bc_jid_free(j);
    return d;
}

bool bc_cmd_tls(const bc_args *a, GError **err)
{
    bc_session *s = bc_session_get();
    const char *sub = a->argv[1];
    bc_cert_info *ci = s->cert;
    if (!s->account) {
        g_set_error(err, BC_CMD_ERROR, 1, "no account in use");
        return false;
    }
    if (strcmp(sub, "trust") == 0) {
        if (!ci) {
            g_set_error(err, BC_CMD_ERROR, 1, "no certificate is waiting for a decision");
            return false;
        }
        if (!bc_pins_add(s->account->name, ci->host, ci->fingerprint, ci->subject, err))
            return false;
        bc_console("%s certificate for %s (SHA-256 %s) for account %s.",
                   ci->pinned ? "Replaced the pinned" : "Pinned the", ci->host, ci->fingerprint,
                   s->account->name);
        bc_session_set_cert(NULL);
        return bc_cmd_connect_account(s->account, err);
    }
    if (strcmp(sub, "deny") == 0) {
        if (!ci) {
            g_set_error(err, BC_CMD_ERROR, 1, "no certificate is waiting for a decision");
            return false;
        }
        bc_console("Refused the certificate for %s; not connected.", ci->host);
        bc_session_set_cert(NULL);
        bc_session_set_state(BC_CONN_OFFLINE, "certificate refused");
        return true;
    }
    if (strcmp(sub, "show") == 0) {
        if (ci) {
            bc_info("Certificate waiting for a decision (%s):", ci->host);
            bc_info("  Subject: %s", ci->subject);
            bc_info("  Issuer:  %s", ci->issuer);
            bc_info("  SHA-256: %s", ci->fingerprint);
            bc_info("  Valid:   %s to %s", ci->not_before, ci->not_after);
            return true;
        }
        char *host = account_domain(s->account);
        char *pin = host ? bc_pins_lookup(s->account->name, host) : NULL;
        if (pin)
            bc_info("Pinned certificate for %s: SHA-256 %s", host, pin);
        else
            bc_info("No certificate pinned for %s; it is verified against the system's "
                    "certificate authorities.", host ? host : s->account->jid);
        g_free(pin);
        g_free(host);
        return true;
    }
    if (strcmp(sub, "forget") == 0) {
        char *host = account_domain(s->account);
        bool ok = host && bc_pins_remove(s->account->name, host, err);
        if (ok)
            bc_info("Forgot the pinned certificate for %s.", host);
        g_free(host);
        return ok;
    }
    g_set_error(err, BC_CMD_ERROR, 1, "unknown subcommand \"%s\": trust, deny, show or forget",
                sub);
    return false;
}
