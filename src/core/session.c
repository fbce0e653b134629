/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The session: accounts, connection state, pending certificate decision
 * and the secret prompt. */
#include "backchat/session.h"
#include "backchat/conv.h"
#include "backchat/loop.h"
#include "backchat/paths.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static bc_session sess = {.state = BC_CONN_OFFLINE};
static char *prompt_text;
static bc_secret_cb prompt_cb;
static void *prompt_data;

bc_session *bc_session_get(void) { return &sess; }

void bc_cert_info_free(bc_cert_info *ci)
{
    if (!ci)
        return;
    g_free(ci->host);
    g_free(ci->subject);
    g_free(ci->issuer);
    g_free(ci->fingerprint);
    g_free(ci->not_before);
    g_free(ci->not_after);
    g_free(ci->error);
    g_free(ci->pinned);
    g_free(ci);
}

void bc_session_free(void)
{
    if (prompt_text)
        bc_prompt_answer(NULL);
    bc_accounts_free(sess.accounts);
    if (sess.password)
        memset(sess.password, 0, strlen(sess.password));
    g_free(sess.password);
    g_free(sess.detail);
    g_free(sess.bound_jid);
    g_free(sess.show);
    bc_cert_info_free(sess.cert);
    g_free(prompt_text);
    prompt_text = NULL;
    memset(&sess, 0, sizeof sess);
}

const char *bc_conn_state_name(bc_conn_state st)
{
    switch (st) {
    case BC_CONN_OFFLINE: return "offline";
    case BC_CONN_CONNECTING: return "connecting";
    case BC_CONN_CERT_UNTRUSTED: return "untrusted certificate";
    case BC_CONN_CONNECTED: return "connected";
    case BC_CONN_DISCONNECTED: return "disconnected";
    case BC_CONN_RECONNECTING: {
        static char buf[48];
        int64_t left = (sess.reconnect_at - bc_now_ms() + 999) / 1000;
        if (left < 1)
            return "reconnecting";
        snprintf(buf, sizeof buf, "reconnecting in %" G_GINT64_FORMAT " s", left);
        return buf;
    }
    }
    return "?";
}

void bc_session_set_state(bc_conn_state st, const char *detail)
{
    sess.state = st;
    g_free(sess.detail);
    sess.detail = g_strdup(detail);
    sess.state_since = (int64_t)time(NULL);
    bc_dirty(BC_DIRTY_TABS | BC_DIRTY_TITLE);
}

void bc_session_set_cert(bc_cert_info *ci)
{
    bc_cert_info_free(sess.cert);
    sess.cert = ci;
}

bool bc_session_load_accounts(GError **err)
{
    char *path = bc_paths_accounts_file();
    struct stat st;
    if (stat(path, &st) == 0 && (st.st_mode & 077))
        bc_console_err("%s is readable by other users (mode %03o) and may hold passwords: "
                       "run chmod 600 on it.", path, (unsigned)(st.st_mode & 0777));
    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
    bc_accounts *a = bc_accounts_load(path, warnings, err);
    g_free(path);
    for (guint i = 0; i < warnings->len; i++)
        bc_console_err("%s", (const char *)warnings->pdata[i]);
    g_ptr_array_free(warnings, TRUE);
    if (!a)
        return false;
    char *cur = sess.account ? g_strdup(sess.account->name) : NULL;
    bc_accounts_free(sess.accounts);
    sess.accounts = a;
    sess.account = cur ? bc_accounts_find(a, cur) : NULL;
    g_free(cur);
    return true;
}

bool bc_session_save_accounts(GError **err)
{
    char *path = bc_paths_accounts_file();
    bool ok = bc_accounts_save(sess.accounts, path, err);
    g_free(path);
    return ok;
}

void bc_prompt_secret(const char *prompt, bc_secret_cb cb, void *data)
{
    /* A question still open is cancelled, so its owner can clean up. */
    if (prompt_text)
        bc_prompt_answer(NULL);
    g_free(prompt_text);
    prompt_text = g_strdup(prompt);
    prompt_cb = cb;
    prompt_data = data;
    bc_dirty(BC_DIRTY_INPUT);
}

const char *bc_prompt_pending(void) { return prompt_text; }

void bc_prompt_answer(const char *secret)
{
    bc_secret_cb cb = prompt_cb;
    void *data = prompt_data;
    g_free(prompt_text);
    prompt_text = NULL;
    prompt_cb = NULL;
    prompt_data = NULL;
    bc_dirty(BC_DIRTY_INPUT);
    if (cb)
        cb(secret, data);
}

void bc_app_quit(void) { bc_loop_quit(); }
