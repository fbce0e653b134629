/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for schema 2 of the message log: the v1 -> v2 migration,
 * corrections, per-conversation logging, synced marks, archive-id dedupe,
 * history paging, query plans, read-only opening and error reporting. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_store_common.h"
#include "../../src/store/internal.h"

/* The v1 schema exactly as schema 1 of src/store/store.c created it. */
static const char v1_schema[] =
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
    "PRAGMA user_version = 1;\n";

static void make_v1(const char *path)
{
    sqlite3 *raw = raw_open(path);
    raw_exec(raw, v1_schema);
    raw_exec(raw,
             "INSERT INTO messages (conv, sender, body, stanza_id, type, dir, ts_server, ts_local)"
             " VALUES ('a@example.org', 'a@example.org/r', 'hello old world', 'o1', 'chat', 0, NULL, 100),"
             "        ('a@example.org', 'me@example.org/bc', 'an old reply', 'o2', 'chat', 1, NULL, 110),"
             "        ('room@conf.example.org', 'room@conf.example.org/bob', 'old room line', NULL,"
             "         'groupchat', 0, 90, 120),"
             "        ('news.example.org', NULL, 'old headline', 'h1', 'headline', 0, NULL, 130)");
    sqlite3_close(raw);
}

/* ---- FTS5 and the migration --------------------------------------------- */

static void test_fts5_available(void **state)
{
    /* Debian bookworm's libsqlite3 is built with FTS5; the store needs it. */
    assert_int_equal(sqlite3_compileoption_used("ENABLE_FTS5"), 1);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    raw_exec(db, "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2');"
                 "INSERT INTO t VALUES ('Caf\xC3\xA9 cr\xC3\xA8me');");
    assert_int_equal(raw_int(db, "SELECT count(*) FROM t WHERE t MATCH 'cafe AND creme'"), 1);
    sqlite3_close(db);
}

static void test_migrate_v1_to_v2_keeps_data(void **state)
{
    fixture *f = *state;
    make_v1(f->db);

    bc_store *st = open_ok(f->db);
    assert_int_equal(bc_store_schema_version(st), BC_STORE_SCHEMA_VERSION);
    assert_int_equal(bc_store_count(st, NULL), 4);

    /* Old rows are all there, with kinds derived from their type. */
    GPtrArray *rows = rows_new();
    assert_int_equal(bc_store_page(st, "a@example.org", 0, 10, collect_row, rows, NULL), 2);
    assert_bodies(rows, "hello old world|an old reply");
    assert_int_equal(ROW(rows, 0)->id, 1);
    assert_string_equal(ROW(rows, 0)->stanza_id, "o1");
    assert_int_equal(ROW(rows, 0)->kind, BC_KIND_CHAT);
    assert_int_equal(ROW(rows, 1)->dir, BC_DIR_OUT);
    g_ptr_array_set_size(rows, 0);
    assert_int_equal(bc_store_page(st, "room@conf.example.org", 0, 10, collect_row, rows, NULL), 1);
    assert_int_equal(ROW(rows, 0)->kind, BC_KIND_GROUPCHAT);
    assert_int_equal(ROW(rows, 0)->ts_server, 90);
    g_ptr_array_set_size(rows, 0);
    assert_int_equal(bc_store_get(st, 4, collect_row, rows, NULL), 1);
    assert_int_equal(ROW(rows, 0)->kind, BC_KIND_HEADLINE);
    assert_null(ROW(rows, 0)->sender);
    g_ptr_array_set_size(rows, 0);

    /* The full-text index was built from the old rows. */
    bc_search q;
    assert_true(bc_search_parse("old", &q, NULL));
    assert_int_equal(bc_store_search(st, &q, 10, 0, collect_hit, rows, NULL), 4);
    bc_search_clear(&q);
    g_ptr_array_set_size(rows, 0);

    /* Every old row got its chain value (decision: computed at migration,
     * not anchored, so verify-logs covers the old rows too). */
    int64_t bad = -1;
    assert_int_equal(bc_store_verify(st, &bad, NULL), 4);
    assert_int_equal(bad, 0);

    /* New rows continue the chain, and v1's dedupe still holds. */
    put(st, "a@example.org", BC_DIR_IN, "o1", "resent old", 200);
    put(st, "a@example.org", BC_DIR_IN, "n1", "new world", 201);
    assert_int_equal(flush_ok(st), 1);
    assert_int_equal(bc_store_verify(st, &bad, NULL), 5);
    assert_int_equal(bad, 0);
    bc_store_close(st);

    sqlite3 *raw = raw_open(f->db);
    assert_int_equal(raw_int(raw, "PRAGMA user_version"), BC_STORE_SCHEMA_VERSION);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages WHERE chain IS NULL"), 0);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages WHERE length(chain) = 32"), 5);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'world'"), 2);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM sqlite_master WHERE name IN"
                                  " ('messages_server_id', 'messages_conv_id', 'messages_replaces',"
                                  "  'messages_time', 'conv_settings', 'chain_anchor', 'messages_fts',"
                                  "  'messages_fts_ad', 'messages_fts_au',"
                                  "  'messages_conv_ts')"), 10);
    /* Schema 3: new rows are indexed once per flush, not by a trigger. */
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM sqlite_master WHERE name = 'messages_fts_ai'"), 0);
    /* The FTS index agrees with its content table. */
    raw_exec(raw, "INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)");
    sqlite3_close(raw);
    g_ptr_array_unref(rows);
}

static void test_failed_v2_migration_rolls_back(void **state)
{
    fixture *f = *state;
    make_v1(f->db);
    /* Something in the way of the last part of step 1 -> 2. */
    sqlite3 *raw = raw_open(f->db);
    raw_exec(raw, "CREATE TABLE chain_anchor (x)");
    sqlite3_close(raw);

    GError *err = NULL;
    assert_null(bc_store_open(f->db, &err));
    assert_non_null(err);
    assert_int_equal(err->domain, store_domain());
    assert_int_equal(err->code, BC_STORE_ERROR_MIGRATE);
    assert_non_null(strstr(err->message, "schema 2"));
    assert_non_null(strstr(err->message, "already exists"));
    g_error_free(err);

    /* Nothing of step 2 is left: still a v1 database with its data. */
    raw = raw_open(f->db);
    assert_int_equal(raw_int(raw, "PRAGMA user_version"), 1);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM pragma_table_info('messages')"), 9);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM sqlite_master WHERE name = 'conv_settings'"), 0);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages"), 4);
    raw_exec(raw, "DROP TABLE chain_anchor");
    sqlite3_close(raw);

    /* Once the obstacle is gone the migration goes through. */
    bc_store *st = open_ok(f->db);
    assert_int_equal(bc_store_schema_version(st), BC_STORE_SCHEMA_VERSION);
    bc_store_close(st);
}

/* ---- writes -------------------------------------------------------------- */

static void test_new_fields_round_trip(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    bc_store_msg m = {.conv = "room@conf.example.org", .sender = "room@conf.example.org/Zo\xC3\xAB",
                      .nick = "Zo\xC3\xAB", .body = "hi all", .stanza_id = "s1",
                      .server_id = "arch-1", .type = "groupchat", .dir = BC_DIR_IN,
                      .ts_server = 50, .ts_local = 60};
    bc_store_append(st, &m);
    bc_store_msg p = {.conv = "room@conf.example.org", .sender = "room@conf.example.org/bob",
                      .nick = "bob", .body = "psst", .kind = BC_KIND_PRIVATE, .type = "chat",
                      .dir = BC_DIR_IN, .ts_local = 61};
    bc_store_append(st, &p);
    bc_store_msg a = {.conv = "example.org", .body = "maintenance tonight",
                      .kind = BC_KIND_ANNOUNCEMENT, .type = "normal", .ts_local = 62};
    bc_store_append(st, &a);
    assert_int_equal(flush_ok(st), 3);

    GPtrArray *rows = rows_new();
    assert_int_equal(bc_store_page(st, "room@conf.example.org", 0, 10, collect_row, rows, NULL), 2);
    row *r = ROW(rows, 0);
    assert_int_equal(r->kind, BC_KIND_GROUPCHAT); /* from type groupchat */
    assert_string_equal(r->nick, "Zo\xC3\xAB");
    assert_string_equal(r->server_id, "arch-1");
    assert_string_equal(r->type, "groupchat");
    assert_int_equal(r->ts_server, 50);
    assert_int_equal(r->ts_local, 60);
    assert_int_equal(r->replaces, 0);
    assert_int_equal(ROW(rows, 1)->kind, BC_KIND_PRIVATE);
    g_ptr_array_set_size(rows, 0);
    assert_int_equal(bc_store_page(st, "example.org", 0, 10, collect_row, rows, NULL), 1);
    assert_int_equal(ROW(rows, 0)->kind, BC_KIND_ANNOUNCEMENT);
    g_ptr_array_unref(rows);

    sqlite3 *raw = raw_open(f->db);
    char *k = raw_text(raw, "SELECT group_concat(kind, ',') FROM (SELECT kind FROM messages ORDER BY id)");
    assert_string_equal(k, "groupchat,private,announcement");
    g_free(k);
    sqlite3_close(raw);

    const char *names[] = {"chat", "groupchat", "private", "headline", "announcement"};
    for (int i = 0; i < BC_KIND_COUNT; i++) {
        bc_msg_kind kind = BC_KIND_COUNT;
        assert_string_equal(bc_msg_kind_name((bc_msg_kind)i), names[i]);
        assert_true(bc_msg_kind_parse(names[i], &kind));
        assert_int_equal(kind, i);
    }
    bc_msg_kind kind = BC_KIND_HEADLINE;
    assert_false(bc_msg_kind_parse("Chat", &kind));
    assert_false(bc_msg_kind_parse(NULL, &kind));
    assert_int_equal(kind, BC_KIND_HEADLINE);
    bc_store_close(st);
}

static void test_dedupe_server_id(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    bc_store_msg live = {.conv = "a@example.org", .sender = "a@example.org/r", .body = "live",
                         .stanza_id = "x1", .dir = BC_DIR_IN, .ts_local = 1};
    bc_store_append(st, &live);
    assert_int_equal(flush_ok(st), 1);

    /* The archive's copy of the same message (same stanza id) is skipped. */
    bc_store_msg mam = live;
    mam.server_id = "A1";
    mam.body = "live (from the archive)";
    bc_store_append(st, &mam);
    /* Two archive copies without a stanza id: the second is skipped. */
    bc_store_msg m2 = {.conv = "a@example.org", .body = "archived", .server_id = "A2",
                       .ts_server = 5, .ts_local = 9};
    bc_store_append(st, &m2);
    bc_store_append(st, &m2);
    /* The same archive id in another conversation is another message. */
    m2.conv = "b@example.org";
    bc_store_append(st, &m2);
    assert_int_equal(flush_ok(st), 2);

    /* And again after the batch is stored (different stanza ids). */
    bc_store_msg m3 = {.conv = "a@example.org", .body = "archived again", .stanza_id = "new",
                       .server_id = "A2", .ts_local = 10};
    bc_store_append(st, &m3);
    assert_int_equal(flush_ok(st), 0);

    assert_int_equal(bc_store_count(st, "a@example.org"), 2);
    assert_int_equal(bc_store_count(st, "b@example.org"), 1);
    int64_t bad = -1;
    assert_int_equal(bc_store_verify(st, &bad, NULL), 3);
    assert_int_equal(bad, 0);
    bc_store_close(st);
}

static int64_t replaces_of(sqlite3 *raw, const char *body)
{
    char *sql = sqlite3_mprintf("SELECT coalesce(replaces, 0) FROM messages WHERE body = %Q", body);
    int64_t v = raw_int(raw, sql);
    sqlite3_free(sql);
    return v;
}

static int64_t id_of(sqlite3 *raw, const char *body)
{
    char *sql = sqlite3_mprintf("SELECT id FROM messages WHERE body = %Q", body);
    int64_t v = raw_int(raw, sql);
    sqlite3_free(sql);
    return v;
}

static void correct(bc_store *st, const char *conv, bc_direction dir, const char *sender,
                    const char *nick, const char *replaces, const char *body)
{
    bc_store_msg m = {.conv = conv, .sender = sender, .nick = nick, .body = body,
                      .dir = dir, .replaces_stanza_id = replaces, .ts_local = 50};
    bc_store_append(st, &m);
}

static void test_corrections_linked(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    const char *a = "a@example.org", *room = "room@conf.example.org";
    bc_store_msg orig = {.conv = a, .sender = "a@example.org/phone", .body = "teh original",
                         .stanza_id = "m1", .dir = BC_DIR_IN, .ts_local = 10};
    bc_store_append(st, &orig);
    /* In the same batch, from another resource of the same sender. */
    correct(st, a, BC_DIR_IN, "a@example.org/laptop", NULL, "m1", "the original");
    bc_store_msg mine = {.conv = a, .sender = "me@example.org/bc", .body = "my typo",
                         .stanza_id = "m1", .dir = BC_DIR_OUT, .ts_local = 11};
    bc_store_append(st, &mine);
    bc_store_msg r1 = {.conv = room, .sender = "room@conf.example.org/bob", .nick = "bob",
                       .body = "bob said", .stanza_id = "r1", .dir = BC_DIR_IN, .ts_local = 12};
    bc_store_append(st, &r1);
    assert_int_equal(flush_ok(st), 4);

    /* In a later batch: our own correction (same stanza id as theirs, other
     * direction), a forged one from another sender, one for an unknown id,
     * one naming a message of another conversation, and room corrections
     * from the right and the wrong occupant. */
    correct(st, a, BC_DIR_OUT, "me@example.org/other-device", NULL, "m1", "my fixed typo");
    correct(st, a, BC_DIR_IN, "mallory@evil.example/x", NULL, "m1", "forged");
    correct(st, a, BC_DIR_IN, "a@example.org/phone", NULL, "nope", "unknown original");
    correct(st, a, BC_DIR_IN, "a@example.org/phone", NULL, "r1", "other conversation");
    correct(st, room, BC_DIR_IN, "room@conf.example.org/mallory", "mallory", "r1", "not bob");
    correct(st, room, BC_DIR_IN, "room@conf.example.org/bob", "bob", "r1", "bob fixed");
    assert_int_equal(flush_ok(st), 6);

    sqlite3 *raw = raw_open(f->db);
    assert_int_equal(replaces_of(raw, "the original"), id_of(raw, "teh original"));
    assert_int_equal(replaces_of(raw, "my fixed typo"), id_of(raw, "my typo"));
    assert_int_equal(replaces_of(raw, "forged"), 0);
    assert_int_equal(replaces_of(raw, "unknown original"), 0);
    assert_int_equal(replaces_of(raw, "other conversation"), 0);
    assert_int_equal(replaces_of(raw, "not bob"), 0);
    assert_int_equal(replaces_of(raw, "bob fixed"), id_of(raw, "bob said"));
    /* The corrected rows keep their text. */
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages WHERE body IN"
                                  " ('teh original', 'my typo', 'bob said')"), 3);
    sqlite3_close(raw);

    /* Delivered with the link. */
    GPtrArray *rows = rows_new();
    assert_int_equal(bc_store_page(st, room, 0, 10, collect_row, rows, NULL), 3);
    assert_int_equal(ROW(rows, 2)->replaces, ROW(rows, 0)->id);
    g_ptr_array_unref(rows);

    int64_t bad = -1;
    assert_int_equal(bc_store_verify(st, &bad, NULL), 10);
    assert_int_equal(bad, 0);
    bc_store_close(st);
}

static void test_logging_off_per_conversation(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    assert_true(bc_store_logging(st, "secret@example.org"));
    GError *err = NULL;
    assert_true(bc_store_set_logging(st, "secret@example.org", false, &err));
    assert_null(err);
    assert_false(bc_store_logging(st, "secret@example.org"));
    assert_true(bc_store_logging(st, "a@example.org"));

    put(st, "secret@example.org", BC_DIR_IN, "s1", "do not log me", 1);
    put(st, "a@example.org", BC_DIR_IN, "a1", "log me", 2);
    assert_int_equal(bc_store_pending(st), 1);
    assert_int_equal(flush_ok(st), 1);
    bc_store_close(st);

    /* The setting is on disk: still off after reopening. */
    st = open_ok(f->db);
    assert_false(bc_store_logging(st, "secret@example.org"));
    put(st, "secret@example.org", BC_DIR_OUT, "s2", "still not", 3);
    assert_int_equal(bc_store_pending(st), 0);
    assert_true(bc_store_set_logging(st, "secret@example.org", true, NULL));
    assert_true(bc_store_logging(st, "secret@example.org"));
    put(st, "secret@example.org", BC_DIR_OUT, "s3", "now logged", 4);
    assert_int_equal(flush_ok(st), 1);
    assert_int_equal(bc_store_count(st, "secret@example.org"), 1);
    bc_store_close(st);

    sqlite3 *raw = raw_open(f->db);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages WHERE body LIKE '%not%'"), 0);
    assert_int_equal(raw_int(raw, "SELECT logging FROM conv_settings WHERE conv = 'secret@example.org'"), 1);
    sqlite3_close(raw);
}

static void test_synced_marks(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    char *id = NULL;
    int64_t ts = 0;
    assert_false(bc_store_synced(st, "archive:me@example.org", &id, &ts));

    put(st, "a@example.org", BC_DIR_IN, NULL, "caught up", 5);
    bc_store_set_synced(st, "archive:me@example.org", "A-100", 1700000000);
    /* Visible at once (queued), on disk only with the flush. */
    assert_true(bc_store_synced(st, "archive:me@example.org", &id, &ts));
    assert_string_equal(id, "A-100");
    assert_int_equal(ts, 1700000000);
    g_free(id);
    sqlite3 *raw = raw_open(f->db);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM conv_settings"), 0);

    /* A failed flush writes neither the messages nor the mark. */
    raw_exec(raw, "BEGIN EXCLUSIVE");
    GError *err = NULL;
    assert_int_equal(bc_store_flush(st, &err), -1);
    assert_int_equal(err->code, BC_STORE_ERROR_LOCKED);
    g_clear_error(&err);
    raw_exec(raw, "COMMIT");
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM conv_settings"), 0);

    assert_int_equal(flush_ok(st), 1);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM conv_settings"), 1);
    assert_int_equal(raw_int(raw, "SELECT synced_ts FROM conv_settings"
                                  " WHERE conv = 'archive:me@example.org'"), 1700000000);

    /* A mark alone is written too, and replaces the old one; the logging
     * setting of the same key is untouched. */
    assert_true(bc_store_set_logging(st, "room@conf.example.org", false, NULL));
    bc_store_set_synced(st, "room@conf.example.org", "R-7", 1700000100);
    bc_store_set_synced(st, "archive:me@example.org", "A-200", 1700000200);
    assert_int_equal(flush_ok(st), 0);
    bc_store_close(st);

    st = open_ok(f->db);
    id = NULL;
    assert_true(bc_store_synced(st, "archive:me@example.org", &id, &ts));
    assert_string_equal(id, "A-200");
    assert_int_equal(ts, 1700000200);
    g_free(id);
    assert_true(bc_store_synced(st, "room@conf.example.org", NULL, &ts));
    assert_int_equal(ts, 1700000100);
    assert_false(bc_store_logging(st, "room@conf.example.org"));
    /* A logging-only row is no synced mark. */
    assert_true(bc_store_set_logging(st, "x@example.org", false, NULL));
    assert_false(bc_store_synced(st, "x@example.org", NULL, NULL));
    bc_store_close(st);
    sqlite3_close(raw);
}

/* ---- paging -------------------------------------------------------------- */

/* Conversation a: ten rows "a1".."a10", interleaved with rows of b. */
static bc_store *paging_data(fixture *f, int64_t ids[11])
{
    bc_store *st = open_ok(f->db);
    for (int i = 1; i <= 10; i++) {
        char *body = g_strdup_printf("a%d", i);
        put(st, "a@example.org", i % 3 ? BC_DIR_IN : BC_DIR_OUT, NULL, body, 100 + i);
        g_free(body);
        if (i % 2)
            put(st, "b@example.org", BC_DIR_IN, NULL, "b", 100 + i);
    }
    assert_int_equal(flush_ok(st), 15);
    GPtrArray *rows = rows_new();
    assert_int_equal(bc_store_page_after(st, "a@example.org", 0, 100, collect_row, rows, NULL), 10);
    for (int i = 0; i < 10; i++)
        ids[i + 1] = ROW(rows, i)->id;
    g_ptr_array_unref(rows);
    return st;
}

static void test_page_backwards(void **state)
{
    fixture *f = *state;
    int64_t id[11];
    bc_store *st = paging_data(f, id);
    GPtrArray *rows = rows_new();
    const char *a = "a@example.org";

    /* Newest first page, delivered oldest first, with ids. */
    assert_int_equal(bc_store_page(st, a, 0, 3, collect_row, rows, NULL), 3);
    assert_bodies(rows, "a8|a9|a10");
    assert_int_equal(ROW(rows, 2)->id, id[10]);
    assert_true(ROW(rows, 0)->id < ROW(rows, 1)->id);
    g_ptr_array_set_size(rows, 0);

    /* Exactly the limit, and more than there is. */
    assert_int_equal(bc_store_page(st, a, 0, 10, collect_row, rows, NULL), 10);
    g_ptr_array_set_size(rows, 0);
    assert_int_equal(bc_store_page(st, a, 0, 11, collect_row, rows, NULL), 10);
    assert_bodies(rows, "a1|a2|a3|a4|a5|a6|a7|a8|a9|a10");
    g_ptr_array_set_size(rows, 0);

    /* At the first row: nothing before it; before the second: the first. */
    assert_int_equal(bc_store_page(st, a, id[1], 5, collect_row, rows, NULL), 0);
    assert_int_equal(bc_store_page(st, a, id[2], 5, collect_row, rows, NULL), 1);
    assert_bodies(rows, "a1");
    g_ptr_array_set_size(rows, 0);
    /* Exactly the rows left. */
    assert_int_equal(bc_store_page(st, a, id[4], 3, collect_row, rows, NULL), 3);
    assert_bodies(rows, "a1|a2|a3");
    g_ptr_array_set_size(rows, 0);

    /* Scrolling all the way back: each row once, no gap. */
    int64_t before = 0;
    int pages = 0, n;
    GString *all = g_string_new(NULL);
    while ((n = bc_store_page(st, a, before, 3, collect_row, rows, NULL)) > 0) {
        char *b = bodies(rows);
        g_string_prepend(all, b);
        g_string_prepend_c(all, '/');
        g_free(b);
        before = ROW(rows, 0)->id;
        g_ptr_array_set_size(rows, 0);
        pages++;
    }
    assert_int_equal(n, 0);
    assert_int_equal(pages, 4);
    assert_string_equal(all->str, "/a1/a2|a3|a4/a5|a6|a7/a8|a9|a10");
    g_string_free(all, TRUE);

    /* An empty conversation, and a zero limit. */
    assert_int_equal(bc_store_page(st, "nobody@example.org", 0, 5, collect_row, rows, NULL), 0);
    assert_int_equal(bc_store_page(st, a, 0, 0, collect_row, rows, NULL), 0);
    assert_int_equal(rows->len, 0);
    g_ptr_array_unref(rows);
    bc_store_close(st);
}

static void test_page_forwards_and_around(void **state)
{
    fixture *f = *state;
    int64_t id[11];
    bc_store *st = paging_data(f, id);
    GPtrArray *rows = rows_new();
    const char *a = "a@example.org";

    assert_int_equal(bc_store_page_after(st, a, 0, 3, collect_row, rows, NULL), 3);
    assert_bodies(rows, "a1|a2|a3");
    g_ptr_array_set_size(rows, 0);
    /* From a search hit downwards. */
    assert_int_equal(bc_store_page_after(st, a, id[5], 3, collect_row, rows, NULL), 3);
    assert_bodies(rows, "a6|a7|a8");
    g_ptr_array_set_size(rows, 0);
    assert_int_equal(bc_store_page_after(st, a, id[7], 3, collect_row, rows, NULL), 3);
    assert_bodies(rows, "a8|a9|a10");
    g_ptr_array_set_size(rows, 0);
    assert_int_equal(bc_store_page_after(st, a, id[9], 3, collect_row, rows, NULL), 1);
    assert_bodies(rows, "a10");
    g_ptr_array_set_size(rows, 0);
    assert_int_equal(bc_store_page_after(st, a, id[10], 3, collect_row, rows, NULL), 0);
    assert_int_equal(bc_store_page_after(st, "nobody@example.org", 0, 3, collect_row, rows, NULL), 0);
    assert_int_equal(bc_store_page_after(st, a, 0, 0, collect_row, rows, NULL), 0);

    /* A row in context. */
    assert_int_equal(bc_store_around(st, a, id[5], 2, 2, collect_row, rows, NULL), 5);
    assert_bodies(rows, "a3|a4|a5|a6|a7");
    g_ptr_array_set_size(rows, 0);
    assert_int_equal(bc_store_around(st, a, id[1], 3, 1, collect_row, rows, NULL), 2);
    assert_bodies(rows, "a1|a2");
    g_ptr_array_set_size(rows, 0);
    assert_int_equal(bc_store_around(st, a, id[10], 1, 5, collect_row, rows, NULL), 2);
    assert_bodies(rows, "a9|a10");
    g_ptr_array_set_size(rows, 0);
    /* An id of another conversation: its neighbours in `a`, not the row. */
    int64_t b_id = id[1] + 1;
    assert_int_equal(bc_store_get(st, b_id, collect_row, rows, NULL), 1);
    assert_string_equal(ROW(rows, 0)->conv, "b@example.org");
    g_ptr_array_set_size(rows, 0);
    assert_int_equal(bc_store_around(st, a, b_id, 1, 1, collect_row, rows, NULL), 2);
    assert_bodies(rows, "a1|a2");
    g_ptr_array_set_size(rows, 0);
    assert_int_equal(bc_store_get(st, 9999, collect_row, rows, NULL), 0);
    assert_int_equal(rows->len, 0);
    g_ptr_array_unref(rows);
    bc_store_close(st);
}

/* The ids of `rows`, as "4,5,6". */
static char *ids_of(GPtrArray *rows)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < rows->len; i++)
        g_string_append_printf(s, "%s%" G_GINT64_FORMAT, i ? "," : "", ROW(rows, i)->id);
    return g_string_free(s, FALSE);
}

#define assert_ids(rows, want)                                                      \
    do {                                                                            \
        char *got_ = ids_of(rows);                                                  \
        if (strcmp(got_, (want)) != 0)                                              \
            fail_msg("ids: got \"%s\", want \"%s\"", got_, (want));                  \
        g_free(got_);                                                               \
        g_ptr_array_set_size((rows), 0);                                            \
    } while (0)

static void test_page_by_time(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    const char *a = "a@example.org";
    /* Live rows 1-3; then older history fetched from the archive (4-6,
     * server times before all of them); then a row tied with row 2. */
    put(st, a, BC_DIR_IN, NULL, "t100", 100);
    put(st, a, BC_DIR_OUT, NULL, "t200", 200);
    put(st, a, BC_DIR_IN, NULL, "t300", 300);
    for (int i = 1; i <= 3; i++) {
        char *sid = g_strdup_printf("arch%d", i), *body = g_strdup_printf("t%d", 10 * i);
        bc_store_msg m = {.conv = a, .body = body, .server_id = sid, .ts_server = 10 * i,
                          .ts_local = 1000};
        bc_store_append(st, &m);
        g_free(sid);
        g_free(body);
    }
    bc_store_msg tie = {.conv = a, .body = "t200 too", .ts_server = 200, .ts_local = 1001};
    bc_store_append(st, &tie);
    put(st, "b@example.org", BC_DIR_IN, NULL, "other", 150);
    assert_int_equal(flush_ok(st), 8);

    GPtrArray *rows = rows_new();
    /* Storage order and time order differ. */
    assert_int_equal(bc_store_page(st, a, 0, 10, collect_row, rows, NULL), 7);
    assert_ids(rows, "1,2,3,4,5,6,7");
    assert_int_equal(bc_store_page_time(st, a, 0, 0, 10, collect_row, rows, NULL), 7);
    assert_ids(rows, "4,5,6,1,2,7,3");

    /* Backwards from the newest, across the tie, to the start. */
    assert_int_equal(bc_store_page_time(st, a, 0, 0, 3, collect_row, rows, NULL), 3);
    assert_ids(rows, "2,7,3");
    assert_int_equal(bc_store_page_time(st, a, 200, 7, 2, collect_row, rows, NULL), 2);
    assert_ids(rows, "1,2");
    assert_int_equal(bc_store_page_time(st, a, 200, 2, 10, collect_row, rows, NULL), 4);
    assert_ids(rows, "4,5,6,1");
    assert_int_equal(bc_store_page_time(st, a, 10, 4, 5, collect_row, rows, NULL), 0);
    /* Forwards. */
    assert_int_equal(bc_store_page_time_after(st, a, 0, 0, 3, collect_row, rows, NULL), 3);
    assert_ids(rows, "4,5,6");
    assert_int_equal(bc_store_page_time_after(st, a, 200, 2, 5, collect_row, rows, NULL), 2);
    assert_ids(rows, "7,3");
    assert_int_equal(bc_store_page_time_after(st, a, 300, 3, 5, collect_row, rows, NULL), 0);

    /* Scrolling back two at a time visits each row once. */
    int64_t bt = 0, bi = 0;
    GString *all = g_string_new(NULL);
    int n;
    while ((n = bc_store_page_time(st, a, bt, bi, 2, collect_row, rows, NULL)) > 0) {
        char *ids = ids_of(rows);
        g_string_prepend(all, ids);
        g_string_prepend_c(all, '/');
        g_free(ids);
        bt = ROW(rows, 0)->ts_server ? ROW(rows, 0)->ts_server : ROW(rows, 0)->ts_local;
        bi = ROW(rows, 0)->id;
        g_ptr_array_set_size(rows, 0);
    }
    assert_int_equal(n, 0);
    assert_string_equal(all->str, "/4/5,6/1,2/7,3");
    g_string_free(all, TRUE);

    /* In context. */
    assert_int_equal(bc_store_around_time(st, a, 1, 2, 2, collect_row, rows, NULL), 5);
    assert_ids(rows, "5,6,1,2,7");
    assert_int_equal(bc_store_around_time(st, a, 3, 1, 1, collect_row, rows, NULL), 2);
    assert_ids(rows, "7,3");
    /* A row of another conversation opens `a` at its time, without it. */
    assert_int_equal(bc_store_around_time(st, a, 8, 1, 1, collect_row, rows, NULL), 2);
    assert_ids(rows, "1,2");
    assert_int_equal(bc_store_around_time(st, a, 99, 1, 1, collect_row, rows, NULL), 0);
    assert_int_equal(bc_store_page_time(st, a, 0, 0, 0, collect_row, rows, NULL), 0);
    assert_int_equal(bc_store_page_time(st, "nobody@example.org", 0, 0, 5, collect_row, rows, NULL), 0);
    g_ptr_array_unref(rows);
    bc_store_close(st);
}

/* A callback that reads from the store while a page is delivered. */
static void nested(const bc_store_row *r, void *data)
{
    bc_store *st = data;
    assert_true(bc_store_count(st, r->conv) > 0);
    GPtrArray *inner = rows_new();
    assert_int_equal(bc_store_get(st, r->id, collect_row, inner, NULL), 1);
    g_ptr_array_unref(inner);
}

static void test_page_callback_reenters(void **state)
{
    fixture *f = *state;
    int64_t id[11];
    bc_store *st = paging_data(f, id);
    assert_int_equal(bc_store_page(st, "a@example.org", 0, 4, nested, st, NULL), 4);
    bc_store_close(st);
}

/* ---- query plans --------------------------------------------------------- */

/* Appends to `bad` every plan line of `sql` that reads a table without an
 * index: "SCAN messages" (or any SCAN of a real table) with no USING, or
 * an FTS5 scan that does not use its MATCH index. */
static void check_plan(sqlite3 *db, const char *name, const char *sql, GString *bad)
{
    char *q = g_strconcat("EXPLAIN QUERY PLAN ", sql, NULL);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, q, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: cannot prepare: %s\n%s", name, sqlite3_errmsg(db), sql);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(s, 3);
        bool scan = g_str_has_prefix(d, "SCAN ") && !strstr(d, "USING") &&
                    !g_str_has_prefix(d, "SCAN (subquery") && !g_str_has_prefix(d, "SCAN CONSTANT");
        bool fts_scan = strstr(d, "messages_fts VIRTUAL TABLE") && !strstr(d, ":M");
        if ((scan && !strstr(d, "VIRTUAL TABLE")) || fts_scan)
            g_string_append_printf(bad, "%s: %s\n", name, d);
    }
    sqlite3_finalize(s);
    g_free(q);
}

static void test_query_plans_use_indexes(void **state)
{
    fixture *f = *state;
    int64_t id[11];
    bc_store *st = paging_data(f, id);
    sqlite3 *db = bc_store_sqlite(st);

    /* The checker itself catches a table scan. */
    GString *bad = g_string_new(NULL);
    check_plan(db, "unindexed", "SELECT id FROM messages WHERE body = ?1", bad);
    assert_non_null(strstr(bad->str, "SCAN messages"));
    g_string_truncate(bad, 0);

    assert_true(bc_store_hot_sql_count >= 10);
    for (size_t i = 0; i < bc_store_hot_sql_count; i++)
        check_plan(db, bc_store_hot_sql[i].name, bc_store_hot_sql[i].sql, bad);

    /* Search: by words with each filter, and by conversation alone. */
    static const char *const queries[] = {
        "report",
        "report with:a@example.org",
        "report with:alice",
        "report in:room@conf.example.org from:bob since:2024-01-01 until:2024-02-01",
        "\"a phrase\" OR pre* NOT x",
        "with:a@example.org",
        "with:a@example.org since:2024-01-01",
        "in:room@conf.example.org from:bob",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(queries); i++) {
        bc_search q;
        GError *err = NULL;
        if (!bc_search_parse(queries[i], &q, &err))
            fail_msg("%s: %s", queries[i], err->message);
        char *sql = bc_search_build_sql(&q);
        check_plan(db, queries[i], sql, bad);
        g_free(sql);
        /* The same within one conversation (Ctrl-R, /find). */
        q.conv = g_strdup("a@example.org");
        sql = bc_search_build_sql(&q);
        check_plan(db, queries[i], sql, bad);
        g_free(sql);
        bc_search_clear(&q);
    }
    if (bad->len)
        fail_msg("statements that scan a table without an index:\n%s", bad->str);

    /* Paging walks the (conv, id) index itself: no sort of the whole
     * conversation, whatever its length. */
    static const struct {
        const char *sql, *want;
    } uses[] = {
        {bc_sql_page_before, "SEARCH messages USING INDEX messages_conv_id (conv=? AND id<?)"},
        {bc_sql_page_after, "SEARCH messages USING INDEX messages_conv_id (conv=? AND id>?)"},
        {bc_sql_page_time_before, "SEARCH messages USING INDEX messages_conv_ts (conv=? AND <expr><?)"},
        {bc_sql_page_time_after, "SEARCH messages USING INDEX messages_conv_ts (conv=? AND <expr>>?)"},
        {bc_sql_count_conv, "(conv=?)"},
        {bc_sql_dedupe_stanza, "USING COVERING INDEX messages_dedupe (conv=? AND dir=? AND stanza_id=?)"},
        {bc_sql_dedupe_server, "USING COVERING INDEX messages_server_id (conv=? AND server_id=?)"},
        {bc_sql_get, "SEARCH messages USING INTEGER PRIMARY KEY (rowid=?)"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(uses); i++) {
        char *q = g_strconcat("EXPLAIN QUERY PLAN ", uses[i].sql, NULL);
        sqlite3_stmt *s = NULL;
        assert_int_equal(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
        GString *plan = g_string_new(NULL);
        while (sqlite3_step(s) == SQLITE_ROW)
            g_string_append_printf(plan, "%s\n", sqlite3_column_text(s, 3));
        sqlite3_finalize(s);
        if (!strstr(plan->str, uses[i].want))
            fail_msg("plan of %s:\n%s\nlacks \"%s\"", uses[i].sql, plan->str, uses[i].want);
        if ((uses[i].sql == bc_sql_page_after || uses[i].sql == bc_sql_page_time_after ||
             uses[i].sql == bc_sql_count_conv) && strstr(plan->str, "TEMP B-TREE"))
            fail_msg("page after sorts: %s", plan->str);
        g_string_free(plan, TRUE);
        g_free(q);
    }
    g_string_free(bad, TRUE);
    bc_store_close(st);
}

/* ---- read-only opening --------------------------------------------------- */

static void test_open_readonly(void **state)
{
    fixture *f = *state;
    GError *err = NULL;
    /* Missing: an error, and no file created. */
    assert_null(bc_store_open_readonly(f->db, &err));
    assert_int_equal(err->code, BC_STORE_ERROR_OPEN);
    assert_non_null(strstr(err->message, f->db));
    g_clear_error(&err);
    assert_false(g_file_test(f->db, G_FILE_TEST_EXISTS));

    /* Not yet migrated: left alone, with advice. */
    make_v1(f->db);
    assert_null(bc_store_open_readonly(f->db, &err));
    assert_int_equal(err->code, BC_STORE_ERROR_OLDER_SCHEMA);
    assert_non_null(strstr(err->message, "start backchat once"));
    g_clear_error(&err);
    sqlite3 *raw = raw_open(f->db);
    assert_int_equal(raw_int(raw, "PRAGMA user_version"), 1);
    sqlite3_close(raw);

    /* Next to a writer (WAL): reads what the writer committed. */
    bc_store *w = open_ok(f->db);
    bc_store *r = bc_store_open_readonly(f->db, &err);
    assert_null(err);
    assert_non_null(r);
    assert_int_equal(bc_store_count(r, NULL), 4);
    put(w, "a@example.org", BC_DIR_IN, "new", "written meanwhile", 500);
    assert_int_equal(flush_ok(w), 1);
    assert_int_equal(bc_store_count(r, NULL), 5);
    int64_t bad = -1;
    assert_int_equal(bc_store_verify(r, &bad, NULL), 5);
    assert_int_equal(bad, 0);

    /* It cannot write. */
    put(r, "a@example.org", BC_DIR_IN, "x", "nope", 501);
    assert_int_equal(bc_store_flush(r, &err), -1);
    assert_non_null(err);
    g_clear_error(&err);
    assert_false(bc_store_set_logging(r, "a@example.org", false, &err));
    assert_non_null(strstr(err->message, "read-only"));
    g_clear_error(&err);
    assert_int_equal(bc_store_purge(r, NULL, 1000, &err), -1);
    g_clear_error(&err);
    bc_store_close(r);
    bc_store_close(w);
}

/* ---- errors -------------------------------------------------------------- */

static void test_disk_full_keeps_queue(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    put(st, "a@example.org", BC_DIR_IN, "first", "fits", 1);
    assert_int_equal(flush_ok(st), 1);

    /* Cap the file at its current size: the next batch cannot fit. */
    sqlite3 *db = bc_store_sqlite(st);
    char *cap = g_strdup_printf("PRAGMA max_page_count = %" G_GINT64_FORMAT,
                                raw_int(db, "PRAGMA page_count"));
    raw_exec(db, cap);
    g_free(cap);
    char *big = g_strnfill(3000, 'x');
    for (int i = 0; i < 40; i++) {
        char *sid = g_strdup_printf("big%d", i);
        put(st, "a@example.org", BC_DIR_IN, sid, big, 10 + i);
        g_free(sid);
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        GError *err = NULL;
        assert_int_equal(bc_store_flush(st, &err), -1);
        assert_non_null(err);
        assert_int_equal(err->domain, store_domain());
        assert_int_equal(err->code, BC_STORE_ERROR_FULL);
        assert_non_null(strstr(err->message, "disk is full"));
        assert_non_null(strstr(err->message, "free some space"));
        g_error_free(err);
        assert_int_equal(bc_store_pending(st), 40);
    }
    assert_int_equal(bc_store_count(st, NULL), 1);

    /* Space again: everything is written, once, and the chain holds. */
    raw_exec(db, "PRAGMA max_page_count = 1073741823");
    assert_int_equal(flush_ok(st), 40);
    assert_int_equal(bc_store_pending(st), 0);
    int64_t bad = -1;
    assert_int_equal(bc_store_verify(st, &bad, NULL), 41);
    assert_int_equal(bad, 0);
    g_free(big);
    bc_store_close(st);
}

static void test_locked_flush_error_code(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    put(st, "a@example.org", BC_DIR_IN, "1", "one", 1);
    sqlite3 *raw = raw_open(f->db);
    raw_exec(raw, "BEGIN EXCLUSIVE");
    GError *err = NULL;
    assert_int_equal(bc_store_flush(st, &err), -1);
    assert_int_equal(err->code, BC_STORE_ERROR_LOCKED);
    assert_non_null(strstr(err->message, "locked"));
    assert_non_null(strstr(err->message, "another backchat"));
    g_error_free(err);
    raw_exec(raw, "COMMIT");
    sqlite3_close(raw);
    assert_int_equal(flush_ok(st), 1);
    bc_store_close(st);
}

static void test_not_a_database(void **state)
{
    fixture *f = *state;
    char *junk = g_strnfill(8192, 'J');
    assert_true(g_file_set_contents(f->db, junk, 8192, NULL));
    g_free(junk);
    GError *err = NULL;
    assert_null(bc_store_open(f->db, &err));
    assert_non_null(err);
    assert_int_equal(err->code, BC_STORE_ERROR_CORRUPT);
    assert_non_null(strstr(err->message, "damaged or is not an SQLite database"));
    assert_non_null(strstr(err->message, "move the file aside"));
    g_clear_error(&err);
    assert_null(bc_store_open_readonly(f->db, &err));
    assert_int_equal(err->code, BC_STORE_ERROR_CORRUPT);
    g_clear_error(&err);
    /* The file is left as it was. */
    char *back = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(f->db, &back, &len, NULL));
    assert_int_equal(len, 8192);
    assert_int_equal(back[100], 'J');
    g_free(back);
}

static void test_corrupt_pages(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    char *body = g_strnfill(500, 'b');
    for (int i = 0; i < 200; i++)
        put(st, "a@example.org", BC_DIR_IN, NULL, body, i);
    g_free(body);
    assert_int_equal(flush_ok(st), 200);
    bc_store_close(st); /* checkpoints the WAL into the file */

    /* Scribble over the middle of the file (not the header page). */
    char *data = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(f->db, &data, &len, NULL));
    assert_true(len > 16 * 4096);
    memset(data + 4 * 4096, 0x5a, 8 * 4096);
    assert_true(g_file_set_contents(f->db, data, (gssize)len, NULL));
    g_free(data);

    GError *err = NULL;
    st = bc_store_open_readonly(f->db, &err);
    if (!st) {
        assert_int_equal(err->code, BC_STORE_ERROR_CORRUPT);
        g_error_free(err);
        return;
    }
    int64_t bad = 0;
    assert_int_equal(bc_store_verify(st, &bad, &err), -1);
    assert_non_null(err);
    assert_int_equal(err->code, BC_STORE_ERROR_CORRUPT);
    assert_non_null(strstr(err->message, "damaged"));
    g_error_free(err);
    bc_store_close(st);
}

int main(void)
{
    use_utc();
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_fts5_available),
        T(test_migrate_v1_to_v2_keeps_data),
        T(test_failed_v2_migration_rolls_back),
        T(test_new_fields_round_trip),
        T(test_dedupe_server_id),
        T(test_corrections_linked),
        T(test_logging_off_per_conversation),
        T(test_synced_marks),
        T(test_page_backwards),
        T(test_page_forwards_and_around),
        T(test_page_by_time),
        T(test_page_callback_reenters),
        T(test_query_plans_use_indexes),
        T(test_open_readonly),
        T(test_disk_full_keeps_queue),
        T(test_locked_flush_error_code),
        T(test_not_a_database),
        T(test_corrupt_pages),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
