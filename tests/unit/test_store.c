/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the message log (src/store/store.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "backchat/store.h"
#include "test_store_common.h"

/* ---- helpers ----------------------------------------------------------- */

static int64_t raw_count_file(const char *path)
{
    sqlite3 *db = raw_open(path);
    int64_t n = raw_int(db, "SELECT count(*) FROM messages");
    sqlite3_close(db);
    return n;
}

static void append(bc_store *st, const char *conv, bc_direction dir,
                   const char *stanza_id, const char *body, int64_t ts)
{
    bc_store_msg m = {
        .conv = conv, .sender = "peer@example.org/res", .body = body,
        .stanza_id = stanza_id, .type = NULL, .dir = dir,
        .ts_server = 0, .ts_local = ts,
    };
    bc_store_append(st, &m);
}

static unsigned file_mode(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        fail_msg("stat %s failed", path);
    return (unsigned)(sb.st_mode & 07777);
}

/* Rows collected by bc_store_recent, copied out of the callback into the
 * shared row type. */
static void collect(const bc_store_msg *m, void *data)
{
    row *r = g_new0(row, 1);
    r->conv = g_strdup(m->conv);
    r->sender = g_strdup(m->sender);
    r->body = g_strdup(m->body);
    r->stanza_id = g_strdup(m->stanza_id);
    r->type = g_strdup(m->type);
    r->dir = m->dir;
    r->ts_server = m->ts_server;
    r->ts_local = m->ts_local;
    g_ptr_array_add(data, r);
}

static void assert_str_or_null(const char *want, const char *got)
{
    if (!want)
        assert_null(got);
    else
        assert_string_equal(want, got);
}

/* ---- tests ------------------------------------------------------------- */

static void test_open_creates_private_wal_db(void **state)
{
    fixture *f = *state;
    /* With umask 0 a file created with SQLite's default mode would be 0644:
     * only an explicit 0600 passes. */
    mode_t old = umask(0);
    bc_store *st = open_ok(f->db);
    umask(old);

    assert_int_equal(file_mode(f->db), 0600);
    assert_int_equal(bc_store_schema_version(st), BC_STORE_SCHEMA_VERSION);

    sqlite3 *raw = raw_open(f->db);
    char *mode = raw_text(raw, "PRAGMA journal_mode");
    assert_string_equal(mode, "wal");
    g_free(mode);
    assert_int_equal(raw_int(raw, "PRAGMA user_version"), BC_STORE_SCHEMA_VERSION);

    /* The exact schema: the v1 columns in order, then those schema 2 adds;
     * and the v1 indexes. */
    static const char *const cols[] = {"id", "conv", "sender", "body", "stanza_id",
                                       "type", "dir", "ts_server", "ts_local",
                                       "kind", "nick", "server_id", "replaces", "chain"};
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(raw, "SELECT name FROM pragma_table_info('messages') ORDER BY cid",
                                        -1, &s, NULL), SQLITE_OK);
    size_t n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        assert_true(n < G_N_ELEMENTS(cols));
        assert_string_equal((const char *)sqlite3_column_text(s, 0), cols[n]);
        n++;
    }
    sqlite3_finalize(s);
    assert_int_equal(n, G_N_ELEMENTS(cols));
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                                  " AND name IN ('messages_dedupe', 'messages_conv_ts')"), 2);
    assert_int_equal(raw_int(raw, "SELECT \"unique\" FROM pragma_index_list('messages')"
                                  " WHERE name = 'messages_dedupe'"), 1);
    sqlite3_close(raw);

    /* The WAL and shared-memory files inherit the private mode. */
    append(st, "a@example.org", BC_DIR_IN, "x1", "hello", 1);
    assert_int_equal(flush_ok(st), 1);
    char *wal = g_strconcat(f->db, "-wal", NULL);
    char *shm = g_strconcat(f->db, "-shm", NULL);
    assert_int_equal(file_mode(wal), 0600);
    assert_int_equal(file_mode(shm), 0600);
    g_free(wal);
    g_free(shm);
    bc_store_close(st);
}

static void test_reopen_keeps_data(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    append(st, "a@example.org", BC_DIR_IN, "1", "one", 10);
    append(st, "a@example.org", BC_DIR_OUT, "2", "two", 11);
    assert_int_equal(flush_ok(st), 2);
    bc_store_close(st);

    st = open_ok(f->db);
    assert_int_equal(bc_store_schema_version(st), BC_STORE_SCHEMA_VERSION);
    assert_int_equal(bc_store_count(st, NULL), 2);
    /* A re-sent message is still recognised after reopening. */
    append(st, "a@example.org", BC_DIR_IN, "1", "one again", 12);
    assert_int_equal(flush_ok(st), 0);
    bc_store_close(st);
}

static void test_append_flush_counts(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    sqlite3 *raw = raw_open(f->db);

    append(st, "a@example.org", BC_DIR_IN, "a1", "a one", 1);
    append(st, "a@example.org", BC_DIR_OUT, "a2", "a two", 2);
    append(st, "a@example.org", BC_DIR_IN, NULL, "a three", 3);
    append(st, "b@example.org", BC_DIR_IN, "b1", "b one", 4);
    append(st, "b@example.org", BC_DIR_IN, "b2", "b two", 5);
    assert_int_equal(bc_store_pending(st), 5);

    /* Nothing on disk yet, seen from both connections. */
    assert_int_equal(bc_store_count(st, NULL), 0);
    assert_int_equal(bc_store_count(st, "a@example.org"), 0);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages"), 0);

    assert_int_equal(flush_ok(st), 5);
    assert_int_equal(bc_store_pending(st), 0);
    assert_int_equal(bc_store_count(st, NULL), 5);
    assert_int_equal(bc_store_count(st, "a@example.org"), 3);
    assert_int_equal(bc_store_count(st, "b@example.org"), 2);
    assert_int_equal(bc_store_count(st, "nobody@example.org"), 0);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages"), 5);

    /* Nothing queued: nothing written. */
    assert_int_equal(flush_ok(st), 0);
    assert_int_equal(bc_store_count(st, NULL), 5);

    append(st, "b@example.org", BC_DIR_OUT, "b3", "b three", 6);
    assert_int_equal(bc_store_pending(st), 1);
    assert_int_equal(flush_ok(st), 1);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages"), 6);

    sqlite3_close(raw);
    bc_store_close(st);
}

static void test_append_copies_strings(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    char conv[] = "c@example.org", sender[] = "s@example.org/r", body[] = "the body",
         id[] = "the-id", type[] = "normal";
    bc_store_msg m = {.conv = conv, .sender = sender, .body = body, .stanza_id = id,
                      .type = type, .dir = BC_DIR_OUT, .ts_server = 7, .ts_local = 8};
    bc_store_append(st, &m);
    /* The caller's buffers are reused before the flush. */
    memset(conv, 'X', sizeof conv - 1);
    memset(sender, 'X', sizeof sender - 1);
    memset(body, 'X', sizeof body - 1);
    memset(id, 'X', sizeof id - 1);
    memset(type, 'X', sizeof type - 1);
    assert_int_equal(flush_ok(st), 1);

    GPtrArray *rows = g_ptr_array_new_with_free_func(row_free);
    assert_int_equal(bc_store_recent(st, "c@example.org", 10, collect, rows), 1);
    row *r = rows->pdata[0];
    assert_string_equal(r->conv, "c@example.org");
    assert_string_equal(r->sender, "s@example.org/r");
    assert_string_equal(r->body, "the body");
    assert_string_equal(r->stanza_id, "the-id");
    assert_string_equal(r->type, "normal");
    assert_int_equal(r->dir, BC_DIR_OUT);
    assert_int_equal(r->ts_server, 7);
    assert_int_equal(r->ts_local, 8);
    g_ptr_array_unref(rows);
    bc_store_close(st);
}

static void test_dedupe(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);

    /* Batch 1: a duplicate inside the batch is skipped; NULL ids never
     * collide; the same id in another direction or conv is another row. */
    append(st, "a@example.org", BC_DIR_IN, "id1", "first", 1);
    append(st, "a@example.org", BC_DIR_IN, "id1", "second copy", 2);
    append(st, "a@example.org", BC_DIR_IN, NULL, "no id", 3);
    append(st, "a@example.org", BC_DIR_IN, NULL, "no id", 3);
    append(st, "a@example.org", BC_DIR_OUT, "id1", "mine", 4);
    append(st, "b@example.org", BC_DIR_IN, "id1", "other conv", 5);
    assert_int_equal(bc_store_pending(st), 6);
    assert_int_equal(flush_ok(st), 5);
    assert_int_equal(bc_store_pending(st), 0);

    /* Batch 2: already stored ids are skipped, NULL ids are not. */
    append(st, "a@example.org", BC_DIR_IN, "id1", "third copy", 6);
    append(st, "a@example.org", BC_DIR_OUT, "id1", "mine again", 7);
    append(st, "b@example.org", BC_DIR_IN, "id1", "other conv again", 8);
    append(st, "a@example.org", BC_DIR_IN, NULL, "no id", 3);
    assert_int_equal(flush_ok(st), 1);

    assert_int_equal(bc_store_count(st, "a@example.org"), 5);
    assert_int_equal(bc_store_count(st, "b@example.org"), 1);
    assert_int_equal(bc_store_count(st, NULL), 6);

    /* The first copy is the one kept. */
    sqlite3 *raw = raw_open(f->db);
    char *body = raw_text(raw, "SELECT body FROM messages WHERE conv = 'a@example.org'"
                               " AND dir = 0 AND stanza_id = 'id1'");
    assert_string_equal(body, "first");
    g_free(body);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages WHERE stanza_id IS NULL"), 3);
    sqlite3_close(raw);
    bc_store_close(st);
}

static void check_migrated(const char *path)
{
    bc_store *st = open_ok(path);
    assert_int_equal(bc_store_schema_version(st), BC_STORE_SCHEMA_VERSION);
    append(st, "a@example.org", BC_DIR_IN, "m1", "after migration", 1);
    assert_int_equal(flush_ok(st), 1);
    bc_store_close(st);

    sqlite3 *raw = raw_open(path);
    assert_int_equal(raw_int(raw, "PRAGMA user_version"), BC_STORE_SCHEMA_VERSION);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM sqlite_master WHERE name IN"
                                  " ('messages', 'messages_dedupe', 'messages_conv_ts')"), 3);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages"), 1);
    sqlite3_close(raw);
}

static void test_migrate_from_v0(void **state)
{
    fixture *f = *state;
    /* A real database at user_version 0 without tables. */
    sqlite3 *raw = raw_open(f->db);
    raw_exec(raw, "CREATE TABLE scratch(x); DROP TABLE scratch;");
    assert_int_equal(raw_int(raw, "PRAGMA user_version"), 0);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM sqlite_master"), 0);
    sqlite3_close(raw);
    check_migrated(f->db);

    /* An empty (zero-byte) file is version 0 too. */
    char *empty = g_build_filename(f->dir, "empty.db", NULL);
    assert_true(g_file_set_contents(empty, "", 0, NULL));
    check_migrated(empty);
    g_free(empty);
}

static void test_newer_schema_refused(void **state)
{
    fixture *f = *state;
    sqlite3 *raw = raw_open(f->db);
    raw_exec(raw, "PRAGMA user_version = 99");
    sqlite3_close(raw);

    GError *err = NULL;
    bc_store *st = bc_store_open(f->db, &err);
    assert_null(st);
    assert_non_null(err);
    assert_int_equal(err->domain, store_domain());
    assert_non_null(strstr(err->message, "newer backchat"));
    char *want = g_strdup_printf("schema 99 > %d", BC_STORE_SCHEMA_VERSION);
    assert_non_null(strstr(err->message, want));
    g_free(want);
    g_error_free(err);

    /* The newer database is left as it was. */
    raw = raw_open(f->db);
    assert_int_equal(raw_int(raw, "PRAGMA user_version"), 99);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM sqlite_master"), 0);
    char *mode = raw_text(raw, "PRAGMA journal_mode");
    assert_string_equal(mode, "delete");
    g_free(mode);
    sqlite3_close(raw);
}

static void test_failed_migration_rolls_back(void **state)
{
    fixture *f = *state;
    /* A stray table in the way makes step 0 -> 1 fail half-way. */
    sqlite3 *raw = raw_open(f->db);
    raw_exec(raw, "CREATE TABLE messages(x)");
    sqlite3_close(raw);

    GError *err = NULL;
    assert_null(bc_store_open(f->db, &err));
    assert_non_null(err);
    assert_int_equal(err->domain, store_domain());
    assert_non_null(strstr(err->message, "schema 1"));
    assert_non_null(strstr(err->message, "already exists"));
    g_error_free(err);

    raw = raw_open(f->db);
    assert_int_equal(raw_int(raw, "PRAGMA user_version"), 0);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"), 0);
    sqlite3_close(raw);
}

static void test_open_error(void **state)
{
    fixture *f = *state;
    char *path = g_build_filename(f->dir, "no", "such", "dir", "log.db", NULL);
    GError *err = NULL;
    assert_null(bc_store_open(path, &err));
    assert_non_null(err);
    assert_int_equal(err->domain, store_domain());
    assert_non_null(strstr(err->message, path));
    g_error_free(err);
    g_free(path);
}

static void test_flush_busy_keeps_queue(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    append(st, "a@example.org", BC_DIR_IN, "1", "one", 1);
    append(st, "a@example.org", BC_DIR_IN, "2", "two", 2);
    append(st, "a@example.org", BC_DIR_IN, "1", "one (resent)", 3);
    append(st, "a@example.org", BC_DIR_OUT, NULL, "three", 4);

    /* Another connection holds the write lock for longer than the store's
     * busy timeout. */
    sqlite3 *raw = raw_open(f->db);
    raw_exec(raw, "BEGIN EXCLUSIVE");

    for (int attempt = 0; attempt < 2; attempt++) {
        GError *err = NULL;
        assert_int_equal(bc_store_flush(st, &err), -1);
        assert_non_null(err);
        assert_int_equal(err->domain, store_domain());
        assert_non_null(strstr(err->message, "locked"));
        g_error_free(err);
        assert_int_equal(bc_store_pending(st), 4);
    }
    raw_exec(raw, "COMMIT");
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages"), 0);

    /* The retry writes everything, exactly once. */
    assert_int_equal(flush_ok(st), 3);
    assert_int_equal(bc_store_pending(st), 0);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages"), 3);
    assert_int_equal(flush_ok(st), 0);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages"), 3);
    sqlite3_close(raw);
    bc_store_close(st);
}

static void test_flush_midbatch_failure_rolls_back(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    /* Make the second insert of the batch fail. */
    sqlite3 *raw = raw_open(f->db);
    raw_exec(raw, "CREATE TRIGGER boom BEFORE INSERT ON messages WHEN NEW.body = 'boom'"
                  " BEGIN SELECT RAISE(ABORT, 'boom trigger fired'); END;");

    append(st, "a@example.org", BC_DIR_IN, "1", "fine", 1);
    append(st, "a@example.org", BC_DIR_IN, "2", "boom", 2);
    append(st, "a@example.org", BC_DIR_IN, "3", "fine too", 3);

    GError *err = NULL;
    assert_int_equal(bc_store_flush(st, &err), -1);
    assert_non_null(err);
    assert_int_equal(err->domain, store_domain());
    assert_non_null(strstr(err->message, "boom trigger fired"));
    g_error_free(err);
    assert_int_equal(bc_store_pending(st), 3);
    /* The first row, inserted before the failure, was rolled back. */
    assert_int_equal(bc_store_count(st, NULL), 0);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages"), 0);

    raw_exec(raw, "DROP TRIGGER boom");
    assert_int_equal(flush_ok(st), 3);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages"), 3);
    sqlite3_close(raw);
    bc_store_close(st);
}

static void test_empty_flush_starts_no_transaction(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    sqlite3 *raw = raw_open(f->db);
    raw_exec(raw, "BEGIN EXCLUSIVE");
    /* Any transaction would hit the lock and fail. */
    GError *err = NULL;
    assert_int_equal(bc_store_flush(st, &err), 0);
    assert_null(err);
    raw_exec(raw, "COMMIT");
    sqlite3_close(raw);
    bc_store_close(st);
}

static void test_recent_order_and_limit(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    /* Inserted out of time order, with a tie on ts_local (broken by id). */
    append(st, "a@example.org", BC_DIR_IN, "a1", "t100", 100);
    append(st, "a@example.org", BC_DIR_IN, "a2", "t300 first", 300);
    append(st, "a@example.org", BC_DIR_OUT, "a3", "t200", 200);
    append(st, "a@example.org", BC_DIR_IN, "a4", "t300 second", 300);
    append(st, "a@example.org", BC_DIR_IN, "a5", "t400", 400);
    append(st, "a@example.org", BC_DIR_IN, "a6", "t50", 50);
    append(st, "b@example.org", BC_DIR_IN, "b1", "other conv", 999);
    assert_int_equal(flush_ok(st), 7);

    GPtrArray *rows = g_ptr_array_new_with_free_func(row_free);
    assert_int_equal(bc_store_recent(st, "a@example.org", 3, collect, rows), 3);
    assert_int_equal(rows->len, 3);
    assert_string_equal(((row *)rows->pdata[0])->body, "t300 first");
    assert_string_equal(((row *)rows->pdata[1])->body, "t300 second");
    assert_string_equal(((row *)rows->pdata[2])->body, "t400");
    g_ptr_array_set_size(rows, 0);

    /* A limit that cuts through the tie keeps the later row. */
    assert_int_equal(bc_store_recent(st, "a@example.org", 2, collect, rows), 2);
    assert_string_equal(((row *)rows->pdata[0])->body, "t300 second");
    assert_string_equal(((row *)rows->pdata[1])->body, "t400");
    g_ptr_array_set_size(rows, 0);

    static const char *const all[] = {"t50", "t100", "t200", "t300 first",
                                      "t300 second", "t400"};
    assert_int_equal(bc_store_recent(st, "a@example.org", 100, collect, rows), 6);
    assert_int_equal(rows->len, 6);
    for (guint i = 0; i < rows->len; i++) {
        row *r = rows->pdata[i];
        assert_string_equal(r->body, all[i]);
        assert_string_equal(r->conv, "a@example.org");
    }
    assert_int_equal(((row *)rows->pdata[2])->dir, BC_DIR_OUT);
    g_ptr_array_set_size(rows, 0);

    assert_int_equal(bc_store_recent(st, "a@example.org", 0, collect, rows), 0);
    assert_int_equal(bc_store_recent(st, "nobody@example.org", 5, collect, rows), 0);
    assert_int_equal(rows->len, 0);

    /* Queued but unflushed rows are not on disk, so not returned. */
    append(st, "b@example.org", BC_DIR_IN, "b2", "pending", 1000);
    assert_int_equal(bc_store_recent(st, "b@example.org", 5, collect, rows), 1);
    assert_string_equal(((row *)rows->pdata[0])->body, "other conv");
    g_ptr_array_unref(rows);
    bc_store_close(st);
}

static void test_strings_round_trip(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    const char *conv = "o'brien\"s room@example.org";
    static const bc_store_msg msgs[] = {
        {.body = "it's \"quoted\" and `back`", .sender = "o'brien@example.org/r\"1",
         .stanza_id = "id'; DELETE FROM messages; --", .type = NULL,
         .dir = BC_DIR_IN, .ts_server = 1700000000, .ts_local = 1},
        {.body = "line one\nline two\r\n\ttabbed", .sender = NULL, .stanza_id = NULL,
         .type = "groupchat", .dir = BC_DIR_OUT, .ts_server = 0, .ts_local = 2},
        {.body = "emoji \xF0\x9F\x98\x80\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD, \xE4\xB8\xAD\xE6\x96\x87, "
                 "\xD7\xA2\xD7\x91\xD7\xA8\xD7\x99\xD7\xAA",
         .sender = "\xF0\x9F\x98\x80@example.org", .stanza_id = "\xF0\x9F\x98\x80",
         .type = "chat", .dir = BC_DIR_IN, .ts_server = 0, .ts_local = 3},
        {.body = "'); DROP TABLE messages; --", .sender = "x@example.org",
         .stanza_id = "?1", .type = "normal", .dir = BC_DIR_IN, .ts_server = -5,
         .ts_local = 4},
        {.body = "", .sender = "", .stanza_id = "", .type = NULL, .dir = BC_DIR_IN,
         .ts_server = 0, .ts_local = 6},
        {.body = "%s%n%d %x ?", .sender = "%s@example.org", .stanza_id = "%n",
         .type = NULL, .dir = BC_DIR_OUT, .ts_server = 4102444800LL,
         .ts_local = 4102444800LL},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(msgs); i++) {
        bc_store_msg m = msgs[i];
        m.conv = conv;
        bc_store_append(st, &m);
    }
    assert_int_equal(flush_ok(st), (int)G_N_ELEMENTS(msgs));

    GPtrArray *rows = g_ptr_array_new_with_free_func(row_free);
    assert_int_equal(bc_store_recent(st, conv, 100, collect, rows), (int)G_N_ELEMENTS(msgs));
    assert_int_equal(rows->len, G_N_ELEMENTS(msgs));
    for (size_t i = 0; i < G_N_ELEMENTS(msgs); i++) {
        const bc_store_msg *want = &msgs[i];
        /* Rows come in message time order (ts_server when known, and
         * one here is negative): find each by its unique local time. */
        const row *got = NULL;
        for (guint k = 0; k < rows->len && !got; k++)
            if (((const row *)rows->pdata[k])->ts_local == want->ts_local)
                got = rows->pdata[k];
        assert_non_null(got);
        assert_string_equal(got->conv, conv);
        assert_string_equal(got->body, want->body);
        assert_str_or_null(want->sender, got->sender);
        assert_str_or_null(want->stanza_id, got->stanza_id);
        assert_string_equal(got->type, want->type ? want->type : "chat");
        assert_int_equal(got->dir, want->dir);
        assert_int_equal(got->ts_server, want->ts_server);
        assert_int_equal(got->ts_local, want->ts_local);
    }
    g_ptr_array_unref(rows);

    /* No server time is stored as NULL, not 0; the table survived. */
    sqlite3 *raw = raw_open(f->db);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages WHERE ts_server IS NULL"), 3);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages WHERE sender IS NULL"), 1);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages"), (int64_t)G_N_ELEMENTS(msgs));
    sqlite3_close(raw);
    bc_store_close(st);
}

static void test_close_flushes(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    append(st, "a@example.org", BC_DIR_IN, "1", "one", 1);
    append(st, "a@example.org", BC_DIR_IN, "2", "two", 2);
    append(st, "b@example.org", BC_DIR_OUT, NULL, "three", 3);
    assert_int_equal(raw_count_file(f->db), 0);
    bc_store_close(st);
    assert_int_equal(raw_count_file(f->db), 3);

    bc_store_close(NULL);
}

static void count_log(const gchar *domain, GLogLevelFlags level, const gchar *message,
                      gpointer data)
{
    (*(int *)data)++;
}

static void test_append_rejects_invalid(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    int criticals = 0;
    guint h = g_log_set_handler("backchat-store", G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING,
                                count_log, &criticals);
    /* Rows the schema rejects would block every later flush: refuse them. */
    bc_store_msg no_conv = {.conv = NULL, .body = "b", .ts_local = 1};
    bc_store_msg no_body = {.conv = "a@example.org", .body = NULL, .ts_local = 1};
    bc_store_msg bad_dir = {.conv = "a@example.org", .body = "b", .dir = (bc_direction)7};
    bc_store_append(st, &no_conv);
    bc_store_append(st, &no_body);
    bc_store_append(st, &bad_dir);
    g_log_remove_handler("backchat-store", h);
    assert_int_equal(criticals, 3);
    assert_int_equal(bc_store_pending(st), 0);

    append(st, "a@example.org", BC_DIR_IN, NULL, "fine", 1);
    assert_int_equal(flush_ok(st), 1);
    bc_store_close(st);
}

/* The writer skips the schema's CHECK on kind (for speed): every kind it
 * writes must still pass it, as another connection sees it. */
static void test_written_kinds_pass_the_schema_check(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    for (int k = 0; k < BC_KIND_COUNT; k++) {
        char id[8];
        g_snprintf(id, sizeof id, "k%d", k);
        bc_store_msg m = {.conv = "a@example.org", .body = "text", .stanza_id = id,
                          .kind = (bc_msg_kind)k, .dir = BC_DIR_IN, .ts_local = 1 + k};
        bc_store_append(st, &m);
    }
    assert_int_equal(flush_ok(st), BC_KIND_COUNT);
    sqlite3 *raw = raw_open(f->db);
    assert_int_equal(raw_int(raw, "SELECT count(DISTINCT kind) FROM messages"), BC_KIND_COUNT);
    /* An update re-checks every row; a kind outside the list fails it. */
    assert_int_equal(sqlite3_exec(raw, "UPDATE messages SET kind = kind", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw, "UPDATE messages SET kind = 'bogus' WHERE id = 1", NULL,
                                  NULL, NULL),
                     SQLITE_CONSTRAINT);
    sqlite3_close(raw);
    bc_store_close(st);
}

/* An idle client gives the page cache back (core calls this a while
 * after the last write); the log reads as before afterwards. */
static void test_shrink_releases_page_cache(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    char body[1024];
    memset(body, 'x', sizeof body - 1);
    body[sizeof body - 1] = '\0';
    for (int i = 0; i < 300; i++) {
        char id[16];
        g_snprintf(id, sizeof id, "s%d", i);
        put(st, "a@example.org", BC_DIR_IN, id, body, 1000 + i);
    }
    assert_int_equal(flush_ok(st), 300);
    assert_int_equal(bc_store_count(st, "a@example.org"), 300);

    sqlite3_int64 before = sqlite3_memory_used();
    bc_store_shrink(st);
    sqlite3_int64 after = sqlite3_memory_used();
    /* 300 KiB of text went through the cache: most of it is handed back. */
    assert_true(after + 128 * 1024 < before);

    assert_int_equal(bc_store_count(st, "a@example.org"), 300);
    put(st, "a@example.org", BC_DIR_IN, "s300", "after", 2000);
    assert_int_equal(flush_ok(st), 1);
    bc_store_shrink(st);
    bc_store_shrink(NULL); /* no log: nothing to do */
    assert_int_equal(bc_store_count(st, NULL), 301);
    bc_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_open_creates_private_wal_db),
        T(test_reopen_keeps_data),
        T(test_append_flush_counts),
        T(test_append_copies_strings),
        T(test_dedupe),
        T(test_migrate_from_v0),
        T(test_newer_schema_refused),
        T(test_failed_migration_rolls_back),
        T(test_open_error),
        T(test_flush_busy_keeps_queue),
        T(test_flush_midbatch_failure_rolls_back),
        T(test_empty_flush_starts_no_transaction),
        T(test_recent_order_and_limit),
        T(test_strings_round_trip),
        T(test_close_flushes),
        T(test_append_rejects_invalid),
        T(test_written_kinds_pass_the_schema_check),
        T(test_shrink_releases_page_cache),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
