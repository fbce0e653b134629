/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The local log: one SQLite database per account, WAL mode, versioned
 * schema migrations, writes batched into one transaction per loop turn,
 * messages deduplicated by stanza id and archive id, a SHA-256 hash chain
 * over every row (tamper evidence), full-text search (FTS5), history
 * paging, export, retention and usage statistics. */
#ifndef BACKCHAT_STORE_H
#define BACKCHAT_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <glib.h>

typedef struct bc_store bc_store;

/* ---- errors ------------------------------------------------------------- */

/* Every GError set by this module has this domain and one of these codes;
 * the message says what failed and what to do about it. */
#define BC_STORE_ERROR (bc_store_error_quark())
GQuark bc_store_error_quark(void);

typedef enum {
    BC_STORE_ERROR_OPEN,          /* the file or the connection */
    BC_STORE_ERROR_NEWER_SCHEMA,  /* user_version > BC_STORE_SCHEMA_VERSION */
    BC_STORE_ERROR_MIGRATE,       /* a migration step failed */
    BC_STORE_ERROR_WRITE,         /* a write failed (flush: queue kept) */
    BC_STORE_ERROR_FULL,          /* the disk (or the size limit) is full */
    BC_STORE_ERROR_LOCKED,        /* another connection holds the lock */
    BC_STORE_ERROR_CORRUPT,       /* damaged file, or not a database at all */
    BC_STORE_ERROR_READ,          /* a query failed */
    BC_STORE_ERROR_OLDER_SCHEMA,  /* read-only open of a not yet migrated log */
    BC_STORE_ERROR_QUERY,         /* a search query or date that does not parse */
    BC_STORE_ERROR_IO,            /* writing an export failed */
} bc_store_error_code;

/* ---- messages ----------------------------------------------------------- */

typedef enum { BC_DIR_IN = 0, BC_DIR_OUT = 1 } bc_direction;

/* What kind of conversation a message belongs to. Stored as text. */
typedef enum {
    BC_KIND_CHAT = 0,      /* 1:1 */
    BC_KIND_GROUPCHAT,     /* a room (MUC) */
    BC_KIND_PRIVATE,       /* a private message to/from a room occupant */
    BC_KIND_HEADLINE,      /* type=headline */
    BC_KIND_ANNOUNCEMENT,  /* server/admin announcement */
    BC_KIND_COUNT
} bc_msg_kind;

/* "chat", "groupchat", "private", "headline", "announcement". */
const char *bc_msg_kind_name(bc_msg_kind kind);
/* The inverse; false (and *out untouched) for an unknown name. */
bool bc_msg_kind_parse(const char *name, bc_msg_kind *out);

typedef struct bc_store_msg {
    const char *conv;       /* bare JID of the conversation (required) */
    const char *sender;     /* JID of the sender (full or bare), or NULL */
    const char *body;       /* sanitized text (required) */
    const char *stanza_id;  /* id attribute / origin-id; NULL if none */
    const char *type;       /* "chat", "normal", ...; NULL = "chat" */
    bc_direction dir;
    int64_t ts_server;      /* unix seconds from <delay/>, 0 if none */
    int64_t ts_local;       /* unix seconds when we received/sent it */
    /* Schema 2. All optional: a zero-initialised field means "none". */
    bc_msg_kind kind;       /* BC_KIND_CHAT (0) with type "groupchat" or
                               "headline" is stored as that kind */
    const char *nick;       /* room occupant nick, or NULL */
    const char *server_id;  /* XEP-0359 <stanza-id/> from the archive/server */
    const char *replaces_stanza_id; /* XEP-0308: stanza id of the message
                               this one corrects (same conversation) */
    uint64_t tag;           /* the caller's: handed back by the written
                               callback (bc_store_on_written); 0 = none */
} bc_store_msg;

/* A stored row, as delivered to callbacks. Strings are only valid during
 * the call. */
typedef struct bc_store_row {
    int64_t id;             /* row id: increasing in the order rows were stored */
    const char *conv;
    const char *sender;     /* may be NULL */
    const char *nick;       /* may be NULL */
    const char *body;
    const char *stanza_id;  /* may be NULL */
    const char *server_id;  /* may be NULL */
    const char *type;
    bc_msg_kind kind;
    bc_direction dir;
    int64_t ts_server;      /* 0 if none */
    int64_t ts_local;
    int64_t replaces;       /* id of the row this one corrects, 0 if none */
} bc_store_row;

/* The time a message was sent as far as we know: server time if any, else
 * local time. Search filters, export, retention and stats all use it. */
static inline int64_t bc_store_row_time(const bc_store_row *r)
{
    return r->ts_server ? r->ts_server : r->ts_local;
}

typedef void (*bc_store_row_fn)(const bc_store_row *row, void *data);

/* ---- open, write -------------------------------------------------------- */

/* The schema version this build writes (PRAGMA user_version). */
#define BC_STORE_SCHEMA_VERSION 3

/* Opens or creates the database at `path` (file mode 0600), sets WAL,
 * and migrates older schemas forward. Fails on a newer schema. */
bc_store *bc_store_open(const char *path, GError **err);
/* Opens an existing database read-only (for `backchat export`, `stats`,
 * `verify-logs`, `search` while the client may be running: WAL lets both
 * work). Never creates or migrates: a missing file fails with
 * BC_STORE_ERROR_OPEN, an older schema with BC_STORE_ERROR_OLDER_SCHEMA. */
bc_store *bc_store_open_readonly(const char *path, GError **err);
/* Flushes what is queued, then closes. NULL is a no-op. */
void bc_store_close(bc_store *st);
int bc_store_schema_version(bc_store *st);
/* Hands back the memory the page cache holds (for when the log has been
 * quiet a while); pages are read again when next needed. */
void bc_store_shrink(bc_store *st);

/* Queues a message (copies all strings); nothing touches disk until
 * bc_store_flush(). A message for a conversation whose logging is off is
 * dropped here. */
void bc_store_append(bc_store *st, const bc_store_msg *m);
size_t bc_store_pending(bc_store *st);
/* Writes everything queued in one transaction. Duplicates are skipped:
 * same (conv, direction, stanza_id), or same (conv, server_id), already
 * stored or earlier in the batch. A correction is linked to the row it
 * corrects (looked up by stanza id in the same conversation and direction,
 * from the same sender; the corrected row keeps its text). Each new row
 * gets its hash chain value. Synced marks queued by bc_store_set_synced()
 * are written in the same transaction. A message without conv or body is
 * refused at append. Returns the number of new rows, or -1 with `err` set;
 * on failure the queue is kept to retry, so nothing is lost. */
int bc_store_flush(bc_store *st, GError **err);

/* Tells the caller what a flush did with its tagged messages: after the
 * commit, `fn` is called once for every flushed message whose tag is not
 * 0, in queue order, with the message as a row: row->id is its new row id,
 * or 0 if it was a duplicate and not stored; row->replaces is the row it
 * corrects, if found. (A history view uses it to learn the ids of lines it
 * showed before they were written, and to drop lines that turn out to be
 * duplicates.) Not called for a failed flush: the messages stay queued.
 * The callback must not flush; it may append. NULL turns it off. */
typedef void (*bc_store_written_fn)(const bc_store_row *row, uint64_t tag, void *data);
void bc_store_on_written(bc_store *st, bc_store_written_fn fn, void *data);

/* Number of stored messages in `conv` (NULL: all). */
int64_t bc_store_count(bc_store *st, const char *conv);

/* Calls `cb` for the newest `limit` messages of `conv` by message time
 * (the server's stamp when there is one, else the local time), oldest
 * first. Strings are only valid during the call. Returns the number
 * visited. (History views should use bc_store_page(), which pages by id.) */
typedef void (*bc_store_row_cb)(const bc_store_msg *m, void *data);
int bc_store_recent(bc_store *st, const char *conv, int limit,
                    bc_store_row_cb cb, void *data);

/* ---- per-conversation settings ------------------------------------------ */

/* Turns logging of `conv` on or off (written at once; default on). While
 * off, bc_store_append() drops the conversation's messages. */
bool bc_store_set_logging(bc_store *st, const char *conv, bool on, GError **err);
bool bc_store_logging(bc_store *st, const char *conv);

/* Records how far an archive (XEP-0313) has been caught up: the last
 * archive id and its time. `key` is a conversation JID, or for the account
 * archive "archive:" followed by the account's bare JID. The mark is
 * queued and written by the next bc_store_flush(), in the same transaction
 * as the messages queued before it, so it never gets ahead of them. */
void bc_store_set_synced(bc_store *st, const char *key, const char *id, int64_t ts);
/* The mark for `key` (a queued one first): true and *id (newly allocated,
 * may be NULL) and *ts set, or false if there is none. */
bool bc_store_synced(bc_store *st, const char *key, char **id, int64_t *ts);

/* ---- history paging (all by row id, through the (conv, id) index) ------- */

/* Up to `limit` rows of `conv` with id < before_id (0: the newest rows),
 * delivered oldest first. Returns the number delivered, or -1 with `err`. */
int bc_store_page(bc_store *st, const char *conv, int64_t before_id, int limit,
                  bc_store_row_fn cb, void *data, GError **err);
/* Up to `limit` rows of `conv` with id > after_id, oldest first. */
int bc_store_page_after(bc_store *st, const char *conv, int64_t after_id, int limit,
                        bc_store_row_fn cb, void *data, GError **err);
/* Row `id` in context: up to `before` rows before it, the row itself (if
 * it is in `conv`), up to `after` rows after it; oldest first. */
int bc_store_around(bc_store *st, const char *conv, int64_t id, int before, int after,
                    bc_store_row_fn cb, void *data, GError **err);
/* The same in message-time order (bc_store_row_time(), then id): the
 * cursor is a row's (time, id). Rows fetched from an archive later (older
 * history, XEP-0313) get higher ids than the rows around them in time, so
 * a history view that stores archive backfill should page this way.
 * before_time = before_id = 0: the newest rows. Through the
 * (conv, time, id) index. */
int bc_store_page_time(bc_store *st, const char *conv, int64_t before_time, int64_t before_id,
                       int limit, bc_store_row_fn cb, void *data, GError **err);
int bc_store_page_time_after(bc_store *st, const char *conv, int64_t after_time,
                             int64_t after_id, int limit, bc_store_row_fn cb, void *data,
                             GError **err);
/* Row `id` in context in time order (0 if there is no such row). */
int bc_store_around_time(bc_store *st, const char *conv, int64_t id, int before, int after,
                         bc_store_row_fn cb, void *data, GError **err);
/* One row by id: 1 if found (and `cb` called), 0 if not, -1 on error. */
int bc_store_get(bc_store *st, int64_t id, bc_store_row_fn cb, void *data, GError **err);

/* ---- search ------------------------------------------------------------- */

/* Markers around each match in a search snippet. The sanitizer drops C0
 * controls from every body, so a message cannot contain them itself. */
#define BC_SEARCH_MARK_START '\x01'
#define BC_SEARCH_MARK_END '\x02'

typedef struct bc_search {
    char *match;    /* FTS5 MATCH expression built by bc_search_parse (every
                       word quoted); NULL when the query is only filters */
    char *with;     /* with:JID   a conversation; without '@': any JID with
                       that local part */
    char *in;       /* in:ROOM    same, meant for rooms */
    char *from;     /* from:X     sender nick, JID or (without '@') local part */
    char *conv;     /* not parsed: the caller may set it (g_strdup) to search
                       one conversation only (Ctrl-R, /find) */
    int64_t since;  /* since:DATE inclusive, unix seconds; 0 = no bound */
    int64_t until;  /* until:DATE exclusive (end of that day); 0 = no bound */
} bc_search;

/* Parses a user query: filters with:JID in:ROOM from:NICK_OR_JID
 * since:DATE until:DATE (DATE = YYYY-MM-DD, today, yesterday, or Nd for N
 * days ago; local time), and the rest: words, "quoted phrases", prefix*,
 * and the operators AND, OR, NOT (upper case; adjacent terms mean AND;
 * NOT is binary: "a NOT b"). Every word is quoted in the result, so no
 * character a user types can reach FTS5 as syntax. Unbalanced quotes, an
 * operator without a term on each side, an empty filter or a bad date fail
 * with BC_STORE_ERROR_QUERY and a message saying what is wrong. `out` is
 * overwritten (not freed first); free it with bc_search_clear(). */
bool bc_search_parse(const char *query, bc_search *out, GError **err);
/* Same with a given current time (for relative dates). */
bool bc_search_parse_at(const char *query, int64_t now, bc_search *out, GError **err);
void bc_search_clear(bc_search *q);

/* Parses DATE as above, in the local time zone: the start of that day, or
 * with `end_of_day` the start of the next day (so an "until" date includes
 * the whole day). */
bool bc_store_parse_date(const char *s, bool end_of_day, int64_t now, int64_t *out,
                         GError **err);

/* Calls `cb` for up to `limit` matching rows after skipping `offset`,
 * newest first (by id), with a snippet of the body around the match (the
 * matched words between BC_SEARCH_MARK_START and _END); a query that is
 * only filters gets the whole body as the snippet. Returns the number of
 * rows delivered, or -1 with `err`. */
typedef void (*bc_search_fn)(const bc_store_row *row, const char *snippet, void *data);
int bc_store_search(bc_store *st, const bc_search *q, int limit, int offset,
                    bc_search_fn cb, void *data, GError **err);

/* ---- export ------------------------------------------------------------- */

typedef enum { BC_EXPORT_TEXT, BC_EXPORT_JSONL, BC_EXPORT_CSV } bc_export_format;
/* "text", "jsonl", "csv". */
bool bc_export_format_parse(const char *name, bc_export_format *out);

/* Writes the rows of `conv` (NULL: all) with since <= time < until (0: no
 * bound) to `out` in row order, streaming. Formats:
 *  text   "YYYY-MM-DD HH:MM:SS CONV SENDER: BODY" per line, local time;
 *         backslash, newline and CR in the body as \\ \n \r.
 *  jsonl  one JSON object per line (id, time in UTC ISO 8601, ts_server,
 *         ts_local, conv, kind, type, dir, sender, nick, body, stanza_id,
 *         server_id, replaces).
 *  csv    RFC 4180: a header, CRLF line ends, fields quoted when needed.
 * Returns the number of rows written, or -1 with `err`. */
int64_t bc_store_export(bc_store *st, const char *conv, int64_t since, int64_t until,
                        bc_export_format format, FILE *out, GError **err);

/* ---- retention ---------------------------------------------------------- */

/* Deletes the rows of `conv` (NULL: all) whose time is before
 * `older_than_ts`, with the corrections of deleted rows; records chain
 * anchors so the rest still verifies. Returns the number of rows deleted,
 * or -1 with `err`. */
int64_t bc_store_purge(bc_store *st, const char *conv, int64_t older_than_ts, GError **err);

/* ---- tamper evidence ---------------------------------------------------- */

#define BC_STORE_CHAIN_LEN 32

/* Each row stores chain = SHA-256(previous chain || the row's canonical
 * serialization), the previous chain being the one of the row with the
 * next lower id (32 zero bytes before the first; after a purge, the
 * recorded anchor). Walks all rows in id order and recomputes. Returns the
 * number of rows that verified, with *first_bad_id = 0 if the whole chain
 * holds, or else the id of the first row that does not match (an edited
 * row, or the row after a deleted or moved one); -1 with `err` if the
 * database cannot be read. */
int64_t bc_store_verify(bc_store *st, int64_t *first_bad_id, GError **err);
/* The newest chain value and its row id (a purged row's anchor counts):
 * written down elsewhere, it lets a later verify-logs prove that nothing
 * was cut off the end either. False if the log has never had a row. */
bool bc_store_chain_head(bc_store *st, int64_t *id, uint8_t chain[BC_STORE_CHAIN_LEN],
                         GError **err);

/* ---- statistics --------------------------------------------------------- */

/* Replies slower than this are not counted as replies. */
#define BC_STATS_REPLY_MAX_GAP (12 * 3600)

typedef struct {
    char date[11];          /* YYYY-MM-DD, local time */
    int64_t count;
} bc_stats_day;

typedef struct {
    char *conv;
    bc_msg_kind kind;       /* the kind most of its messages have */
    int64_t count, in, out;
} bc_stats_conv;

typedef struct bc_stats {
    int64_t total, in, out;
    int64_t first_ts, last_ts;  /* message times; 0 when total == 0 */
    GArray *days;           /* of bc_stats_day, oldest first, only days with messages */
    GArray *convs;          /* of bc_stats_conv, most messages first */
    int64_t kinds[BC_KIND_COUNT];
    int64_t hours[24];      /* by local hour of day */
    /* 1:1 (kind chat) reply times: from the first unanswered incoming
     * message to the next outgoing one in the same conversation, if within
     * BC_STATS_REPLY_MAX_GAP (an incoming message more than that after the
     * unanswered one starts a new wait). */
    int64_t replies;
    double reply_median;    /* seconds (mean of the middle two if even); -1 if none */
    double reply_p90;       /* seconds, nearest rank: sorted[ceil(0.9 n) - 1]; -1 if none */
} bc_stats;

/* Statistics over the rows with time >= since (0: all). `out` is
 * overwritten; free it with bc_stats_clear(). */
bool bc_store_stats(bc_store *st, int64_t since, bc_stats *out, GError **err);
void bc_stats_clear(bc_stats *s);

#endif
