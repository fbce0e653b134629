/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Accounts: $XDG_CONFIG_HOME/backchat/accounts, an INI file (0600), one
 * [name] group per account. */
#ifndef BACKCHAT_ACCOUNT_H
#define BACKCHAT_ACCOUNT_H

#include <stdbool.h>
#include <glib.h>

typedef enum { BC_TLS_STARTTLS = 0, BC_TLS_DIRECT = 1 } bc_tls_mode;

typedef struct bc_account {
    char *name;          /* group name; [A-Za-z0-9._-], not starting with '.' */
    char *jid;           /* bare JID */
    char *resource;      /* default "backchat" */
    char *server;        /* host to connect to; NULL: from the JID (SRV) */
    int port;            /* 0: default */
    bc_tls_mode tls;     /* starttls (mandatory) or direct TLS */
    char *password;      /* stored password, or NULL */
    char *eval_password; /* shell command whose first output line is the password */
    bool is_default;
    bool transient;      /* from --jid: used for this run, never saved */
} bc_account;

typedef struct bc_accounts {
    GPtrArray *list; /* of bc_account*, in file order */
} bc_accounts;

bool bc_account_name_valid(const char *name);

bc_accounts *bc_accounts_new(void);
void bc_accounts_free(bc_accounts *a);
/* Loads `path`. A missing file is an empty list, not an error. A group with
 * a bad or missing jid is skipped and named in `warnings` (may be NULL);
 * a file that is not INI at all fails with `err`, whose message names the
 * path and the line number ("PATH, line N: ..."). */
bc_accounts *bc_accounts_load(const char *path, GPtrArray *warnings, GError **err);
/* Saves atomically with mode 0600 (directory created 0700). */
bool bc_accounts_save(const bc_accounts *a, const char *path, GError **err);

bc_account *bc_accounts_find(const bc_accounts *a, const char *name);
/* The account marked default, else the only one, else the first; NULL if none. */
bc_account *bc_accounts_default(const bc_accounts *a);
/* The first account whose bare JID equals `jid`. */
bc_account *bc_accounts_find_jid(const bc_accounts *a, const char *jid);
/* Adds (takes ownership). Fails if the name exists or is invalid. */
bool bc_accounts_add(bc_accounts *a, bc_account *acct, GError **err);
bool bc_accounts_remove(bc_accounts *a, const char *name);
void bc_accounts_set_default(bc_accounts *a, const char *name);

bc_account *bc_account_new(const char *name, const char *jid);
void bc_account_free(bc_account *acct);
/* Sets a field by its file key (jid, resource, server, port, tls, password,
 * eval_password). Validates the value. */
bool bc_account_set(bc_account *acct, const char *key, const char *value, GError **err);

/* Runs eval_password with /bin/sh -c (user configuration, never remote
 * input) without stopping the loop (a command waiting for a passphrase
 * must not freeze the client), and calls `cb` on the loop thread with the
 * first line of its output, or NULL and why: it failed, printed nothing,
 * or was still running after `timeout_ms` (then it is killed, with what
 * it started). `password` is the callee's: wipe and free it. False (and
 * `err`) if the command cannot be started; `cb` is then not called. */
typedef void (*bc_password_cb)(char *password, const char *error, void *data);
bool bc_account_eval_password(const bc_account *acct, unsigned timeout_ms,
                              bc_password_cb cb, void *data, GError **err);

#endif
