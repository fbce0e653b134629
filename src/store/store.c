/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The per-account message log: SQLite (WAL), schema migrations, batched writes. */
#define G_LOG_DOMAIN "backchat-store"

#include "backchat/store.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

/* The loop is single-threaded: a write that cannot get the lock quickly is
 * retried on a later turn (the queue is kept), so do not block the UI long. */
#define BUSY_TIMEOUT_MS 250
/* Opening, migrating and the final flush at close may wait longer. */
#define BUSY_TIMEOUT_SLOW_MS 5000

typedef enum {
    BC_STORE_ERROR_OPEN,          /* the file or the connection */
    BC_STORE_ERROR_NEWER_SCHEMA,  /* user_version > BC_STORE_SCHEMA_VERSION */
    BC_STORE_ERROR_MIGRATE,       /* a migration step failed */
    BC_STORE_ERROR_WRITE,         /* flush failed (queue kept) */
} bc_store_error_code;

G_DEFINE_QUARK(bc-store-error-quark, bc_store_error)
#define BC_STORE_ERROR (bc_store_error_quark())

/* One migration step takes the schema from version `version - 1` to
 * `version`; its SQL ends by setting PRAGMA user_version to `version`, so
 * no SQL is ever assembled at run time. */
typedef struct {
    int version;
    const char *sql;
} migration;

static const migration migrations[] = {
    {1,
     "CREATE TABLE messages (\n"
     "  id INTEGER PRIMARY KEY,\n"
     "  conv TEXT NOT NULL,\n"
     "  sender TEXT,\n"
     "  body TEXT NOT NULL,\n"
     "  stanza_id TEXT,\n"
     "  type TEXT NOT NULL DEFAULT 'chat',\n"
     "  dir INTEGER NOT NULL,\n"
     "  ts_server INTEGER,\n"
     "  ts_local INTEGER NOT NULL\n"
     ");\n"
     "CREATE UNIQUE INDEX messages_dedupe ON messages(conv, dir, stanza_id)"
     " WHERE stanza_id IS NOT NULL;\n"
     "CREATE INDEX messages_conv_time ON messages(conv, ts_local, id);\n"
     "PRAGMA user_version = 1;\n"},
};

G_STATIC_ASSERT(G_N_ELEMENTS(migrations) == BC_STORE_SCHEMA_VERSION);

static const char insert_sql[] =
    "INSERT OR IGNORE INTO messages"
    " (conv, sender, body, stanza_id, type, dir, ts_server, ts_local)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

static const char count_all_sql[] = "SELECT count(*) FROM messages";
static const char count_conv_sql[] = "SELECT count(*) FROM messages WHERE conv = ?1";

static const char recent_sql[] =
    "SELECT conv, sender, body, stanza_id, type, dir, ts_server, ts_local"
    " FROM (SELECT * FROM messages WHERE conv = ?1"
    "       ORDER BY ts_local DESC, id DESC LIMIT ?2)"
    " ORDER BY ts_local ASC, id ASC";

/* A queued message owns copies of all its strings. */
typedef struct {
    char *conv, *sender, *body, *stanza_id, *type;
    bc_direction dir;
    int64_t ts_server, ts_local;
} queued_msg;

struct bc_store {
    sqlite3 *db;
    sqlite3_stmt *insert;       /* kept across flushes */
    sqlite3_stmt *count_all;    /* prepared on first use */
    sqlite3_stmt *count_conv;
    GPtrArray *queue;           /* of queued_msg *, owned */
    int version;
};

static void queued_msg_free(gpointer p)
{
    queued_msg *q = p;
    if (!q)
        return;
    g_free(q->conv);
    g_free(q->sender);
    g_free(q->body);
    g_free(q->stanza_id);
    g_free(q->type);
    g_free(q);
}

/* Runs SQL that returns no rows; on failure sets `err` with `code` and a
 * message naming `what` and the SQLite error text. */
static bool exec_sql(sqlite3 *db, const char *sql, int code, const char *what,
                     GError **err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        return true;
    g_set_error(err, BC_STORE_ERROR, code, "%s: %s", what,
                msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return false;
}

/* Undoes an open transaction, if any; errors are not interesting here. */
static void rollback(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

static bool read_user_version(sqlite3 *db, int *out, GError **err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int(st, 0);
            sqlite3_finalize(st);
            return true;
        }
    }
    g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_OPEN,
                "cannot read the log database schema version: %s",
                sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return false;
}

static bool check_not_newer(int version, GError **err)
{
    if (version <= BC_STORE_SCHEMA_VERSION)
        return true;
    g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_NEWER_SCHEMA,
                "log database was written by a newer backchat (schema %d > %d)",
                version, BC_STORE_SCHEMA_VERSION);
    return false;
}

/* Applies every step above the current version, each in its own
 * transaction. The version is re-read inside the transaction, so two
 * processes opening the same old database do not both migrate it. */
static bool migrate(sqlite3 *db, int *version, GError **err)
{
    for (size_t i = 0; i < G_N_ELEMENTS(migrations); i++) {
        const migration *m = &migrations[i];
        if (*version >= m->version)
            continue;
        if (!exec_sql(db, "BEGIN IMMEDIATE", BC_STORE_ERROR_MIGRATE,
                      "cannot start the log database migration", err))
            return false;
        int now = 0;
        if (!read_user_version(db, &now, err) || !check_not_newer(now, err)) {
            rollback(db);
            return false;
        }
        if (now < m->version) {
            char *what = g_strdup_printf(
                "cannot migrate the log database to schema %d", m->version);
            bool ok = exec_sql(db, m->sql, BC_STORE_ERROR_MIGRATE, what, err);
            g_free(what);
            if (ok && (!read_user_version(db, &now, err) || now != m->version)) {
                if (err && !*err)
                    g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_MIGRATE,
                                "migration to schema %d left version %d",
                                m->version, now);
                ok = false;
            }
            if (!ok) {
                rollback(db);
                return false;
            }
        }
        if (!exec_sql(db, "COMMIT", BC_STORE_ERROR_MIGRATE,
                      "cannot commit the log database migration", err)) {
            rollback(db);
            return false;
        }
        *version = now;
    }
    return true;
}

/* Creates the file with mode 0600 unless it exists already, so SQLite
 * (which otherwise uses 0644 less the umask) never makes it readable by
 * others; the -wal and -shm files copy the database file's mode. */
static bool create_private(const char *path, GError **err)
{
    int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
        int e = errno;
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_OPEN,
                    "cannot create log database %s: %s", path, g_strerror(e));
        return false;
    }
    close(fd);
    return true;
}

bc_store *bc_store_open(const char *path, GError **err)
{
    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(err == NULL || *err == NULL, NULL);

    bool in_memory = strcmp(path, ":memory:") == 0;
    if (!in_memory && !create_private(path, err))
        return NULL;

    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_OPEN,
                    "cannot open log database %s: %s", path,
                    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_SLOW_MS);

    /* Leave a database from a newer version untouched: check first. */
    int version = 0;
    if (!read_user_version(db, &version, err) || !check_not_newer(version, err))
        goto fail;

    /* journal_mode answers with the mode in effect; a file system without
     * shared memory keeps the old one, which still works, so accept it. */
    if (!exec_sql(db, "PRAGMA journal_mode=WAL", BC_STORE_ERROR_OPEN,
                  "cannot set the log database journal mode", err) ||
        !exec_sql(db, "PRAGMA synchronous=NORMAL", BC_STORE_ERROR_OPEN,
                  "cannot set the log database sync mode", err) ||
        !exec_sql(db, "PRAGMA foreign_keys=ON", BC_STORE_ERROR_OPEN,
                  "cannot enable foreign keys", err))
        goto fail;

    if (!migrate(db, &version, err))
        goto fail;

    bc_store *st = g_new0(bc_store, 1);
    st->db = db;
    st->version = version;
    st->queue = g_ptr_array_new_with_free_func(queued_msg_free);
    rc = sqlite3_prepare_v3(db, insert_sql, -1, SQLITE_PREPARE_PERSISTENT,
                            &st->insert, NULL);
    if (rc != SQLITE_OK) {
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_OPEN,
                    "cannot prepare the log insert: %s", sqlite3_errmsg(db));
        st->db = NULL;
        g_ptr_array_unref(st->queue);
        g_free(st);
        goto fail;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    return st;

fail:
    sqlite3_close(db);
    return NULL;
}

void bc_store_close(bc_store *st)
{
    if (!st)
        return;
    /* Best effort: quitting may wait a little longer for the lock. */
    sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_SLOW_MS);
    bc_store_flush(st, NULL);
    sqlite3_finalize(st->insert);
    sqlite3_finalize(st->count_all);
    sqlite3_finalize(st->count_conv);
    sqlite3_close(st->db);
    g_ptr_array_unref(st->queue);
    g_free(st);
}

int bc_store_schema_version(bc_store *st)
{
    g_return_val_if_fail(st != NULL, -1);
    return st->version;
}

void bc_store_append(bc_store *st, const bc_store_msg *m)
{
    g_return_if_fail(st != NULL);
    g_return_if_fail(m != NULL);
    /* A row the schema would reject would block every later flush. */
    g_return_if_fail(m->conv != NULL);
    g_return_if_fail(m->body != NULL);
    g_return_if_fail(m->dir == BC_DIR_IN || m->dir == BC_DIR_OUT);

    queued_msg *q = g_new0(queued_msg, 1);
    q->conv = g_strdup(m->conv);
    q->sender = g_strdup(m->sender);
    q->body = g_strdup(m->body);
    q->stanza_id = g_strdup(m->stanza_id);
    q->type = g_strdup(m->type ? m->type : "chat");
    q->dir = m->dir;
    q->ts_server = m->ts_server;
    q->ts_local = m->ts_local;
    g_ptr_array_add(st->queue, q);
}

size_t bc_store_pending(bc_store *st)
{
    g_return_val_if_fail(st != NULL, 0);
    return st->queue->len;
}

/* NULL binds SQL NULL. The strings outlive the step; bindings are cleared
 * right after it, so SQLITE_STATIC is safe. */
static int bind_text(sqlite3_stmt *s, int i, const char *v)
{
    return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC)
             : sqlite3_bind_null(s, i);
}

/* Inserts one queued message; returns the number of new rows (0 for a
 * duplicate), or -1 with `err` set. */
static int insert_one(bc_store *st, const queued_msg *q, GError **err)
{
    sqlite3_stmt *s = st->insert;
    int rc = bind_text(s, 1, q->conv);
    if (rc == SQLITE_OK) rc = bind_text(s, 2, q->sender);
    if (rc == SQLITE_OK) rc = bind_text(s, 3, q->body);
    if (rc == SQLITE_OK) rc = bind_text(s, 4, q->stanza_id);
    if (rc == SQLITE_OK) rc = bind_text(s, 5, q->type);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 6, (int)q->dir);
    if (rc == SQLITE_OK)
        rc = q->ts_server ? sqlite3_bind_int64(s, 7, q->ts_server)
                          : sqlite3_bind_null(s, 7);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 8, q->ts_local);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    int added;
    if (rc == SQLITE_DONE) {
        added = sqlite3_changes(st->db);
    } else {
        /* Read the error text before anything else runs. */
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_WRITE,
                    "cannot write the log: %s", sqlite3_errmsg(st->db));
        added = -1;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return added;
}

int bc_store_flush(bc_store *st, GError **err)
{
    g_return_val_if_fail(st != NULL, -1);
    g_return_val_if_fail(err == NULL || *err == NULL, -1);
    if (st->queue->len == 0)
        return 0;

    /* A transaction left open by a failed rollback would make BEGIN fail
     * forever; end it first. */
    rollback(st->db);
    if (!exec_sql(st->db, "BEGIN IMMEDIATE", BC_STORE_ERROR_WRITE,
                  "cannot write the log", err))
        return -1;

    int added = 0;
    for (guint i = 0; i < st->queue->len; i++) {
        int n = insert_one(st, g_ptr_array_index(st->queue, i), err);
        if (n < 0) {
            rollback(st->db);
            return -1;
        }
        added += n;
    }
    if (!exec_sql(st->db, "COMMIT", BC_STORE_ERROR_WRITE,
                  "cannot write the log", err)) {
        rollback(st->db);
        return -1;
    }
    g_ptr_array_set_size(st->queue, 0);
    return added;
}

int64_t bc_store_count(bc_store *st, const char *conv)
{
    g_return_val_if_fail(st != NULL, -1);
    sqlite3_stmt **slot = conv ? &st->count_conv : &st->count_all;
    if (!*slot &&
        sqlite3_prepare_v3(st->db, conv ? count_conv_sql : count_all_sql, -1,
                           SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK)
        return -1;
    sqlite3_stmt *s = *slot;
    int64_t n = -1;
    if ((!conv || bind_text(s, 1, conv) == SQLITE_OK) &&
        sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return n;
}

int bc_store_recent(bc_store *st, const char *conv, int limit,
                    bc_store_row_cb cb, void *data)
{
    g_return_val_if_fail(st != NULL, -1);
    g_return_val_if_fail(conv != NULL, -1);
    g_return_val_if_fail(cb != NULL, -1);
    if (limit <= 0)
        return 0;

    /* Prepared per call, so a callback may call back into the store. */
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, recent_sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    int visited = 0;
    if (bind_text(s, 1, conv) == SQLITE_OK &&
        sqlite3_bind_int(s, 2, limit) == SQLITE_OK) {
        int rc;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            bc_store_msg m = {
                .conv = (const char *)sqlite3_column_text(s, 0),
                .sender = (const char *)sqlite3_column_text(s, 1),
                .body = (const char *)sqlite3_column_text(s, 2),
                .stanza_id = (const char *)sqlite3_column_text(s, 3),
                .type = (const char *)sqlite3_column_text(s, 4),
                .dir = sqlite3_column_int(s, 5) ? BC_DIR_OUT : BC_DIR_IN,
                .ts_server = sqlite3_column_int64(s, 6),
                .ts_local = sqlite3_column_int64(s, 7),
            };
            cb(&m, data);
            visited++;
        }
        if (rc != SQLITE_DONE && visited == 0)
            visited = -1;
    } else {
        visited = -1;
    }
    sqlite3_finalize(s);
    return visited;
}
