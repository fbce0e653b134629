/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Protocol events into the model: show the message, log it, tell the user.
 * And the log's life: open, retention, batched writes retried with a
 * backoff when the disk is full or the database locked or damaged. */
#include "backchat/core.h"
#include "backchat/archive.h"
#include "backchat/config.h"
#include "backchat/announce.h"
#include "backchat/conv.h"
#include "backchat/history.h"
#include "backchat/jid.h"
#include "backchat/loop.h"
#include "backchat/muc.h"
#include "backchat/notify.h"
#include "backchat/paths.h"
#include "backchat/session.h"
#include "conv_internal.h"

#include <malloc.h>
#include <string.h>
#include <time.h>

/* Retry delays after a failed write: 1 s, doubling, at most 60 s. */
#define RETRY_FIRST_MS 1000
#define RETRY_MAX_MS 60000
#define DAY_MS (24u * 3600u * 1000u)

static bc_store *log_db;
static bool log_failed_reported;
static char *log_failure;        /* the last write error, while failing */
static unsigned retry_ms;        /* current backoff, 0 when fine */
static int64_t retry_at;         /* bc_now_ms() of the next attempt */
static unsigned retry_timer;
static unsigned retention_timer;
static unsigned flush_timer;     /* a grouped write is due (end_of_turn) */
static unsigned quiet_timer;     /* the log has been quiet: shrink */

/* A while after the log was last opened or written, its page cache and
 * what the heap holds free go back to the system: an idle client stays
 * small, and this wakes nobody when nothing is written. */
#define QUIET_MS 5000

static void on_quiet(void *data)
{
    quiet_timer = 0;
    bc_store_shrink(log_db);
    malloc_trim(0);
}

static void arm_quiet(void)
{
    bc_timer_cancel(quiet_timer);
    quiet_timer = bc_timer_add(QUIET_MS, on_quiet, NULL);
}
static int64_t last_flush_at;    /* bc_now_ms() of the last write */
static uint64_t next_tag;

static void on_written(const bc_store_row *row, uint64_t tag, void *data)
{
    if (tag == BC_ARCHIVE_OLDER_TAG)
        bc_archive_older_written(row);
    else if (tag & BC_ARCHIVE_TAG)
        bc_archive_written(row);
    else
        bc_history_written(row, tag);
}

static void on_retention_timer(void *data)
{
    retention_timer = 0;
    bc_core_retention_run();
}

int64_t bc_core_retention_run(void)
{
    int days = bc_config_int("log", "retention_days", 0);
    if (retention_timer)
        bc_timer_cancel(retention_timer);
    retention_timer = 0;
    if (!log_db || days <= 0)
        return 0;
    retention_timer = bc_timer_add(DAY_MS, on_retention_timer, NULL);
    int64_t cutoff = (int64_t)time(NULL) - (int64_t)days * 86400;
    GError *err = NULL;
    int64_t n = bc_store_purge(log_db, NULL, cutoff, &err);
    if (n < 0) {
        bc_console_err("Log retention (%d days): cannot delete old messages: %s", days,
                       err->message);
        g_error_free(err);
        return -1;
    }
    if (n > 0)
        bc_console("Log retention: deleted %" G_GINT64_FORMAT " message%s older than %d day%s"
                   " ([log] retention_days).", n, n == 1 ? "" : "s", days, days == 1 ? "" : "s");
    return n;
}

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
    if (!log_db)
        return false;
    bc_store_on_written(log_db, on_written, NULL);
    bc_history_set_store(log_db);
    bc_core_retention_run();
    bc_announce_restore();
    /* Tabs already open show their history now. */
    for (size_t i = 1; i < bc_conv_count(); i++)
        bc_history_fill(bc_conv_nth(i));
    arm_quiet();
    return true;
}

bc_store *bc_core_log(void) { return log_db; }

void bc_core_close_log(void)
{
    bc_history_set_store(NULL);
    bc_timer_cancel(retention_timer);
    bc_timer_cancel(retry_timer);
    bc_timer_cancel(flush_timer);
    bc_timer_cancel(quiet_timer);
    retention_timer = retry_timer = flush_timer = quiet_timer = 0;
    retry_ms = 0;
    g_clear_pointer(&log_failure, g_free);
    if (log_db) /* the last flush (in close) has no view left to tell */
        bc_store_on_written(log_db, NULL, NULL);
    bc_store_close(log_db);
    log_db = NULL;
}

const char *bc_core_log_problem(void)
{
    return log_failure ? "LOG NOT WRITTEN" : NULL;
}

static void log_message(const bc_msg_event *ev, const char *conv, const char *nick, int64_t now,
                        uint64_t tag)
{
    if (!log_db)
        return;
    const char *type = ev->type ? ev->type : ev->kind == BC_KIND_GROUPCHAT ? "groupchat" : "chat";
    bc_store_msg m = {
        .conv = conv,
        .sender = ev->from_full,
        .body = ev->body,
        .stanza_id = ev->stanza_id,
        .type = type,
        .dir = ev->outgoing ? BC_DIR_OUT : BC_DIR_IN,
        .ts_server = ev->ts_server,
        .ts_local = now,
        .kind = ev->kind,
        .nick = nick,
        .server_id = ev->server_id,
        .replaces_stanza_id = ev->replaces_id,
        .tag = tag,
    };
    bc_store_append(log_db, &m);
}

/* Tags the line so the log can tell which row it became (or that it was
 * a duplicate) when it writes it. */
static uint64_t tag_line(bc_conv *c, bc_line *l, const bc_msg_event *ev)
{
    if (!l)
        return 0;
    l->sid = g_strdup(ev->stanza_id);
    l->edited = ev->replaces_id != NULL;
    if (!log_db || !bc_store_logging(log_db, c->jid))
        return 0;
    l->tag = ++next_tag & ~BC_ARCHIVE_TAG;
    return l->tag;
}

/* A correction in a room applies only to a line of the same sender: any
 * occupant could name any stanza id. */
static bool same_sender_line(const bc_conv *c, bc_line_kind kind, const char *sid,
                             const char *from)
{
    for (size_t i = c->len; i > 0; i--) {
        const bc_line *l = bc_conv_line(c, i - 1);
        if (l->kind == kind && l->sid && strcmp(l->sid, sid) == 0)
            return g_strcmp0(l->from, from) == 0;
    }
    return true; /* not in the ring (held aside): the log links only its sender's */
}

/* A message in a room, or a private one with an occupant. */
static void room_message(const bc_msg_event *ev, int64_t now)
{
    bool group = ev->kind == BC_KIND_GROUPCHAT;
    bc_room *room = bc_muc_room(ev->peer);
    bc_conv *c;
    if (group) {
        if (!room)
            return; /* from a room we are not in (any more) */
        c = bc_conv_open_room(room->jid, false);
    } else {
        c = bc_conv_open_private(ev->peer, false);
    }
    if (!c)
        return;
    /* Who said it: the occupant's nick; ours for what we sent. */
    char *res = NULL;
    const char *nick = ev->nick && *ev->nick ? ev->nick : NULL;
    if (!nick && ev->outgoing && room)
        nick = room->nick;
    if (!nick && !group)
        nick = res = bc_jid_resource(ev->peer);
    bc_line_kind kind = ev->outgoing ? BC_LINE_OUT : nick ? BC_LINE_IN : BC_LINE_SYS;
    uint64_t tag = 0;
    if (ev->replaces_id && same_sender_line(c, kind, ev->replaces_id, nick) &&
        bc_history_correct(c, kind, ev->replaces_id, ev->body)) {
        /* The corrected line shows the new text. */
    } else {
        bool current = c == bc_conv_current();
        unsigned unread = c->unread;
        bc_line *l = bc_conv_add(c, kind, nick, ev->body, ev->ts_server ? ev->ts_server : now);
        tag = tag_line(c, l, ev);
        bool mention = group && kind == BC_LINE_IN && room->nick &&
                       strcmp(nick, room->nick) != 0 && bc_muc_mentions(ev->body, room->nick);
        if (l && mention)
            l->highlight = true; /* old lines naming us stand out too */
        if (ev->from_history) {
            c->unread = unread; /* old news: not counted, not notified */
        } else if (mention && !current) {
            c->mentions++;
            char *summary = g_strdup_printf("%s in %s", nick, c->title);
            bc_notify_event(BC_NOTIFY_MENTION, room->jid, summary, ev->body, BC_URGENCY_NORMAL);
            g_free(summary);
            bc_dirty(BC_DIRTY_TABS);
        } else if (!group && kind == BC_LINE_IN && !current) {
            bc_notify_message(c->jid, c->title, ev->body);
        }
    }
    if (group && kind == BC_LINE_IN)
        bc_muc_spoke(room, nick);
    log_message(ev, c->jid, nick, now, tag);
    g_free(res);
}

void bc_core_message(const bc_msg_event *ev)
{
    int64_t now = (int64_t)time(NULL);
    if (ev->kind == BC_KIND_HEADLINE) {
        /* Announcements from a server or service: the console, and the log. */
        bc_console("Headline from %s: %s", ev->peer, ev->body);
        char *conv = bc_jid_bare(ev->peer);
        if (conv)
            log_message(ev, conv, NULL, now, 0);
        g_free(conv);
        return;
    }
    if (ev->kind == BC_KIND_GROUPCHAT || ev->kind == BC_KIND_PRIVATE) {
        room_message(ev, now);
        return;
    }
    bc_conv *c = bc_conv_open(ev->peer, false);
    if (!c)
        return;
    bc_line_kind kind = ev->outgoing ? BC_LINE_OUT : BC_LINE_IN;
    uint64_t tag = 0;
    if (ev->replaces_id && bc_history_correct(c, kind, ev->replaces_id, ev->body)) {
        /* The corrected line shows the new text; nothing new to notify. */
    } else {
        const char *who;
        char *own = NULL;
        if (ev->outgoing) {
            bc_session *s = bc_session_get();
            own = bc_jid_display(s->account ? s->account->jid : "me");
            who = own;
        } else {
            who = c->title;
        }
        bc_line *l = bc_conv_add(c, kind, who, ev->body, ev->ts_server ? ev->ts_server : now);
        g_free(own);
        tag = tag_line(c, l, ev);
        if (!ev->outgoing && c != bc_conv_current())
            bc_notify_message(c->jid, c->title, ev->body);
    }
    log_message(ev, c->jid, NULL, now, tag);
}

static void on_retry(void *unused)
{
    retry_timer = 0; /* the end of this turn writes */
}

/* One flush; on failure the queue stays, the user is told (once per
 * distinct error) and the next attempt waits for the backoff. */
static bool flush_now(GError **out)
{
    size_t pending = bc_store_pending(log_db);
    GError *err = NULL;
    if (bc_store_flush(log_db, &err) >= 0) {
        if (log_failure) {
            bc_console("The local log is written again: the %zu message%s kept in memory %s"
                       " now in it; nothing was lost.", pending, pending == 1 ? "" : "s",
                       pending == 1 ? "is" : "are");
            g_clear_pointer(&log_failure, g_free);
            bc_dirty(BC_DIRTY_TABS);
        }
        retry_ms = 0;
        log_failed_reported = false;
        if (pending > 0)
            arm_quiet();
        bc_archive_after_flush();
        return true;
    }
    retry_ms = retry_ms ? MIN(retry_ms * 2, RETRY_MAX_MS) : RETRY_FIRST_MS;
    retry_at = bc_now_ms() + retry_ms;
    bc_timer_cancel(retry_timer);
    retry_timer = bc_timer_add(retry_ms, on_retry, NULL);
    if (!log_failure || strcmp(log_failure, err->message) != 0) {
        bc_console_err("The local log cannot be written now (%s)\nNothing received is lost:"
                       " %zu message%s %s kept in memory and written as soon as the log works"
                       " again; backchat retries by itself, every %d s at most.",
                       err->message, pending, pending == 1 ? "" : "s",
                       pending == 1 ? "is" : "are", RETRY_MAX_MS / 1000);
        bc_conv *cur = bc_conv_current();
        if (cur && cur != bc_conv_console())
            bc_error("The local log cannot be written (see the console, tab 1): messages are"
                     " kept in memory until it can.");
        g_free(log_failure);
        log_failure = g_strdup(err->message);
        bc_dirty(BC_DIRTY_TABS);
    }
    log_failed_reported = true;
    if (out)
        g_propagate_error(out, err);
    else
        g_error_free(err);
    return false;
}

/* A message alone is written at the end of its loop turn. While messages
 * keep coming, writes are grouped: at most one commit per FLUSH_EVERY_MS
 * (or per FLUSH_ROWS rows), since each commit (the transaction, the FTS5
 * index, the WAL) costs far more than a row. A crash loses at most that
 * much of the log, and the archive catch-up brings it back. */
#define FLUSH_EVERY_MS 150
#define FLUSH_ROWS 500

static void on_flush_timer(void *unused)
{
    flush_timer = 0; /* the end of this turn writes */
}

void bc_core_end_of_turn(void *unused)
{
    if (!log_db)
        return;
    int64_t now = bc_now_ms();
    if (retry_ms && now < retry_at)
        return; /* backing off: the retry timer wakes us */
    size_t pending = bc_store_pending(log_db);
    if (pending > 0 && pending < FLUSH_ROWS && now - last_flush_at < FLUSH_EVERY_MS) {
        if (!flush_timer)
            flush_timer = bc_timer_add((unsigned)(FLUSH_EVERY_MS - (now - last_flush_at)),
                                       on_flush_timer, NULL);
        return;
    }
    bc_timer_cancel(flush_timer);
    flush_timer = 0;
    if (pending > 0)
        last_flush_at = now;
    flush_now(NULL);
}

bool bc_core_log_flush(GError **err)
{
    return !log_db || flush_now(err);
}
