/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session: the account in use, the connection state shown in the
 * status line, a certificate awaiting the user's decision, and the
 * secret prompt the input line shows. */
#ifndef BACKCHAT_SESSION_H
#define BACKCHAT_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include "backchat/account.h"

typedef enum {
    BC_CONN_OFFLINE,        /* not connected, by choice */
    BC_CONN_CONNECTING,
    BC_CONN_CERT_UNTRUSTED, /* waiting for /tls trust or /tls deny */
    BC_CONN_CONNECTED,
    BC_CONN_DISCONNECTED,   /* lost or failed; detail says why */
    BC_CONN_RECONNECTING,   /* lost; trying again at reconnect_at */
} bc_conn_state;

typedef struct bc_cert_info {
    char *host;
    char *subject, *issuer;
    char *fingerprint;  /* SHA-256, colon-separated hex */
    char *not_before, *not_after;
    char *error;        /* why verification failed */
    char *pinned;       /* fingerprint pinned before, if it changed */
} bc_cert_info;

typedef struct bc_session {
    bc_accounts *accounts;
    bc_account *account;      /* current account (borrowed from accounts) */
    char *password;           /* for this session only, when prompted */
    bc_conn_state state;
    char *detail;             /* human reason for the state, or NULL */
    char *bound_jid;          /* full JID once connected */
    char *show;               /* own presence: "online" for now */
    bc_cert_info *cert;       /* pending certificate decision */
    int64_t state_since;      /* unix seconds */
    int64_t reconnect_at;     /* BC_CONN_RECONNECTING: bc_now_ms() of the
                                 next attempt */
} bc_session;

bc_session *bc_session_get(void);
void bc_session_free(void);
void bc_session_set_state(bc_conn_state st, const char *detail);
/* "connected", "offline", ...; for BC_CONN_RECONNECTING the seconds left
 * ("reconnecting in 8 s"), in a buffer valid until the next call. */
const char *bc_conn_state_name(bc_conn_state st);
void bc_session_set_cert(bc_cert_info *ci); /* takes ownership; NULL clears */
void bc_cert_info_free(bc_cert_info *ci);
/* Reloads accounts from disk (after /account changes or at start). */
bool bc_session_load_accounts(GError **err);
bool bc_session_save_accounts(GError **err);

/* Asks the user for a secret on the input line (not echoed). `cb` gets the
 * answer, or NULL if the user cancelled (Ctrl-C / Escape). */
typedef void (*bc_secret_cb)(const char *secret, void *data);
void bc_prompt_secret(const char *prompt, bc_secret_cb cb, void *data);
const char *bc_prompt_pending(void);   /* the prompt, or NULL */
void bc_prompt_answer(const char *secret);

/* Asks the application to quit at the end of this loop turn. */
void bc_app_quit(void);

#endif
