/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Protocol events into the model: show the message, log it, tell the user. */
#include "backchat/core.h"
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/notify.h"
#include "backchat/paths.h"
#include "backchat/session.h"

#include <time.h>

static bc_store *log_db;
static bool log_failed_reported;

bool bc_core_open_log(GError **err)
{
    bc_core_close_log();
    bc_session *s = bc_session_get();
    if (!s->account)
        return true;
    char *dir = bc_paths_account_dir(s->account->name, err);
    if (!dir)
        return false;
    char *path = g_build_filename(dir, "log.db", NULL);
    g_free(dir);
    log_db = bc_store_open(path, err);
    g_free(path);
    log_failed_reported = false;
    return log_db != NULL;
}

bc_store *bc_core_log(void) { return log_db; }

void bc_core_close_log(void)
{
    bc_store_close(log_db);
    log_db = NULL;
}

void bc_core_message(const bc_msg_event *ev)
{
    bc_conv *c = bc_conv_open(ev->peer, false);
    if (!c)
        return;
    int64_t now = (int64_t)time(NULL);
    const char *who;
    char *own = NULL;
    if (ev->outgoing) {
        bc_session *s = bc_session_get();
        own = bc_jid_display(s->account ? s->account->jid : "me");
        who = own;
    } else {
        who = c->title;
    }
    bc_conv_add(c, ev->outgoing ? BC_LINE_OUT : BC_LINE_IN, who, ev->body,
                ev->ts_server ? ev->ts_server : now);
    g_free(own);
    if (!ev->outgoing && c != bc_conv_current())
        bc_notify_message(c->title, ev->body);

    if (log_db) {
        bc_store_msg m = {
            .conv = c->jid,
            .sender = ev->from_full,
            .body = ev->body,
            .stanza_id = ev->stanza_id,
            .type = ev->type ? ev->type : "chat",
            .dir = ev->outgoing ? BC_DIR_OUT : BC_DIR_IN,
            .ts_server = ev->ts_server,
            .ts_local = now,
        };
        bc_store_append(log_db, &m);
    }
}

void bc_core_end_of_turn(void *unused)
{
    if (!log_db || bc_store_pending(log_db) == 0)
        return;
    GError *err = NULL;
    if (bc_store_flush(log_db, &err) < 0) {
        /* Kept in memory and retried next turn; say so once. */
        if (!log_failed_reported)
            bc_console_err("Cannot write the local log (will retry): %s", err->message);
        log_failed_reported = true;
        g_error_free(err);
    } else if (log_failed_reported) {
        bc_console("The local log is writable again; nothing was lost.");
        log_failed_reported = false;
    }
}
