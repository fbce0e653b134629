/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for tamper evidence (src/store/chain.c) and retention
 * (src/store/retention.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "test_store_common.h"

static int64_t verify(bc_store *st, int64_t *bad)
{
    GError *err = NULL;
    int64_t n = bc_store_verify(st, bad, &err);
    if (n < 0)
        fail_msg("verify: %s", err ? err->message : "(no error)");
    assert_null(err);
    return n;
}

#define assert_verifies(st, count)                                                    \
    do {                                                                              \
        int64_t bad_ = -1;                                                            \
        int64_t n_ = verify((st), &bad_);                                             \
        if (bad_ != 0)                                                                \
            fail_msg("chain broken at row %" G_GINT64_FORMAT, bad_);                  \
        assert_int_equal(n_, (count));                                                \
    } while (0)

#define assert_broken_at(st, row, good)                                               \
    do {                                                                              \
        int64_t bad_ = -1;                                                            \
        int64_t n_ = verify((st), &bad_);                                             \
        assert_int_equal(bad_, (row));                                                \
        assert_int_equal(n_, (good));                                                 \
    } while (0)

/* Five rows in two conversations, over two flushes. */
static bc_store *five(fixture *f)
{
    bc_store *st = open_ok(f->db);
    put(st, "a@example.org", BC_DIR_IN, "1", "one", 10);
    put(st, "b@example.org", BC_DIR_OUT, "2", "two", 20);
    put(st, "a@example.org", BC_DIR_IN, "3", "three", 30);
    assert_int_equal(flush_ok(st), 3);
    put(st, "a@example.org", BC_DIR_OUT, "4", "four", 40);
    put(st, "b@example.org", BC_DIR_IN, "5", "five", 50);
    assert_int_equal(flush_ok(st), 2);
    return st;
}

/* ---- the documented serialization ---------------------------------------- */

static void feed_u64(EVP_MD_CTX *c, char tag, uint64_t v)
{
    unsigned char b[9] = {(unsigned char)tag};
    for (int i = 0; i < 8; i++)
        b[1 + i] = (unsigned char)(v >> (56 - 8 * i));
    EVP_DigestUpdate(c, b, 9);
}

static void feed_text(EVP_MD_CTX *c, const char *s)
{
    if (!s) {
        EVP_DigestUpdate(c, "N", 1);
        return;
    }
    feed_u64(c, 'T', strlen(s));
    EVP_DigestUpdate(c, s, strlen(s));
}

static void test_chain_format_as_documented(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    bc_store_msg m = {.conv = "a@example.org", .sender = "a@example.org/r", .body = "hi",
                      .stanza_id = "s1", .dir = BC_DIR_IN, .ts_local = 1700000000};
    bc_store_append(st, &m);
    bc_store_msg r = {.conv = "a@example.org", .sender = "a@example.org/r", .body = "hi!",
                      .stanza_id = "", .server_id = "srv", .type = "normal", .dir = BC_DIR_IN,
                      .ts_server = 1699999999, .ts_local = 1700000005,
                      .replaces_stanza_id = "s1", .kind = BC_KIND_PRIVATE};
    bc_store_append(st, &r);
    assert_int_equal(flush_ok(st), 2);

    /* Recompute both rows from the format in src/store/chain.c. */
    unsigned char c1[32], c2[32], zero[32] = {0};
    unsigned int len = 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    EVP_DigestUpdate(c, zero, 32);
    EVP_DigestUpdate(c, "backchat-chain-1", 16);
    feed_u64(c, 'I', 1);
    feed_text(c, "a@example.org");
    feed_text(c, "a@example.org/r");
    feed_text(c, NULL);              /* nick */
    feed_text(c, "hi");
    feed_text(c, "s1");
    feed_text(c, NULL);              /* server_id */
    feed_text(c, "chat");
    feed_text(c, "chat");
    feed_u64(c, 'I', 0);             /* dir in */
    EVP_DigestUpdate(c, "N", 1);     /* no server time */
    feed_u64(c, 'I', 1700000000);
    EVP_DigestUpdate(c, "N", 1);     /* replaces nothing */
    EVP_DigestFinal_ex(c, c1, &len);
    assert_int_equal(len, 32);

    EVP_DigestInit_ex(c, EVP_sha256(), NULL);
    EVP_DigestUpdate(c, c1, 32);
    EVP_DigestUpdate(c, "backchat-chain-1", 16);
    feed_u64(c, 'I', 2);
    feed_text(c, "a@example.org");
    feed_text(c, "a@example.org/r");
    feed_text(c, NULL);              /* nick */
    feed_text(c, "hi!");
    feed_text(c, "");                /* an empty stanza id is not NULL */
    feed_text(c, "srv");
    feed_text(c, "private");
    feed_text(c, "normal");
    feed_u64(c, 'I', 0);
    feed_u64(c, 'I', 1699999999);
    feed_u64(c, 'I', 1700000005);
    feed_u64(c, 'I', 1);             /* corrects row 1 */
    EVP_DigestFinal_ex(c, c2, &len);
    EVP_MD_CTX_free(c);

    sqlite3 *raw = raw_open(f->db);
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(raw, "SELECT chain FROM messages ORDER BY id", -1, &s,
                                        NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_bytes(s, 0), 32);
    assert_memory_equal(sqlite3_column_blob(s, 0), c1, 32);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_memory_equal(sqlite3_column_blob(s, 0), c2, 32);
    sqlite3_finalize(s);
    sqlite3_close(raw);

    int64_t head = 0;
    uint8_t hc[BC_STORE_CHAIN_LEN];
    assert_true(bc_store_chain_head(st, &head, hc, NULL));
    assert_int_equal(head, 2);
    assert_memory_equal(hc, c2, 32);
    bc_store_close(st);
}

/* ---- verification -------------------------------------------------------- */

static void test_verify_ok(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    assert_verifies(st, 0);
    assert_false(bc_store_chain_head(st, NULL, NULL, NULL));
    bc_store_close(st);

    st = five(f);
    assert_verifies(st, 5);
    /* Duplicates skipped in a batch do not consume a place in the chain. */
    put(st, "a@example.org", BC_DIR_IN, "1", "dup", 60);
    put(st, "a@example.org", BC_DIR_IN, "6", "six", 60);
    put(st, "a@example.org", BC_DIR_IN, "6", "dup", 61);
    assert_int_equal(flush_ok(st), 1);
    assert_verifies(st, 6);
    bc_store_close(st);

    /* After reopening, the chain continues from the stored head. */
    st = open_ok(f->db);
    put(st, "c@example.org", BC_DIR_IN, NULL, "seven", 70);
    assert_int_equal(flush_ok(st), 1);
    assert_verifies(st, 7);
    bc_store_close(st);
}

static void test_verify_detects_edits(void **state)
{
    fixture *f = *state;
    bc_store *st = five(f);
    sqlite3 *raw = raw_open(f->db);
    static const struct {
        const char *edit, *undo;
    } edits[] = {
        {"UPDATE messages SET body = 'THREE' WHERE id = 3",
         "UPDATE messages SET body = 'three' WHERE id = 3"},
        {"UPDATE messages SET body = 'three ' WHERE id = 3",
         "UPDATE messages SET body = 'three' WHERE id = 3"},
        {"UPDATE messages SET sender = 'x@example.org' WHERE id = 3",
         "UPDATE messages SET sender = 'a@example.org' WHERE id = 3"},
        {"UPDATE messages SET ts_local = 31 WHERE id = 3",
         "UPDATE messages SET ts_local = 30 WHERE id = 3"},
        {"UPDATE messages SET ts_server = 30 WHERE id = 3",
         "UPDATE messages SET ts_server = NULL WHERE id = 3"},
        {"UPDATE messages SET dir = 1 WHERE id = 3",
         "UPDATE messages SET dir = 0 WHERE id = 3"},
        {"UPDATE messages SET conv = 'b@example.org' WHERE id = 3",
         "UPDATE messages SET conv = 'a@example.org' WHERE id = 3"},
        {"UPDATE messages SET nick = '' WHERE id = 3",
         "UPDATE messages SET nick = NULL WHERE id = 3"},
        {"UPDATE messages SET kind = 'private' WHERE id = 3",
         "UPDATE messages SET kind = 'chat' WHERE id = 3"},
        {"UPDATE messages SET replaces = 1 WHERE id = 3",
         "UPDATE messages SET replaces = NULL WHERE id = 3"},
        {"UPDATE messages SET stanza_id = '33' WHERE id = 3",
         "UPDATE messages SET stanza_id = '3' WHERE id = 3"},
        {"UPDATE messages SET chain = zeroblob(32) WHERE id = 3", NULL},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(edits); i++) {
        char *saved = raw_text(raw, "SELECT hex(chain) FROM messages WHERE id = 3");
        raw_exec(raw, edits[i].edit);
        int64_t bad = -1;
        int64_t n = verify(st, &bad);
        if (bad != 3)
            fail_msg("\"%s\": reported row %" G_GINT64_FORMAT, edits[i].edit, bad);
        assert_int_equal(n, 2);
        if (edits[i].undo) {
            raw_exec(raw, edits[i].undo);
        } else {
            char *sql = g_strdup_printf("UPDATE messages SET chain = x'%s' WHERE id = 3", saved);
            raw_exec(raw, sql);
            g_free(sql);
        }
        g_free(saved);
        assert_verifies(st, 5);
    }
    sqlite3_close(raw);
    bc_store_close(st);
}

static void test_verify_detects_delete_and_move(void **state)
{
    fixture *f = *state;
    bc_store *st = five(f);
    sqlite3 *raw = raw_open(f->db);

    /* Swap rows 2 and 3. */
    raw_exec(raw, "UPDATE messages SET id = 100 WHERE id = 2;"
                  "UPDATE messages SET id = 2 WHERE id = 3;"
                  "UPDATE messages SET id = 3 WHERE id = 100;");
    assert_broken_at(st, 2, 1);
    raw_exec(raw, "UPDATE messages SET id = 100 WHERE id = 2;"
                  "UPDATE messages SET id = 2 WHERE id = 3;"
                  "UPDATE messages SET id = 3 WHERE id = 100;");
    assert_verifies(st, 5);

    /* A row deleted in the middle: the next one no longer follows. */
    raw_exec(raw, "DELETE FROM messages WHERE id = 3");
    assert_broken_at(st, 4, 2);
    /* The first row deleted: the new first one does not start the chain. */
    raw_exec(raw, "DELETE FROM messages WHERE id = 1");
    assert_broken_at(st, 2, 0);
    sqlite3_close(raw);
    bc_store_close(st);
}

static void test_verify_detects_foreign_rows(void **state)
{
    fixture *f = *state;
    bc_store *st = five(f);
    sqlite3 *raw = raw_open(f->db);
    /* A row added by something else, without a chain value. */
    raw_exec(raw, "INSERT INTO messages (id, conv, body, dir, ts_local)"
                  " VALUES (6, 'a@example.org', 'forged', 0, 60)");
    assert_broken_at(st, 6, 5);
    sqlite3_close(raw);
    bc_store_close(st);
}

static void test_two_writers_share_the_chain(void **state)
{
    fixture *f = *state;
    bc_store *one = open_ok(f->db), *two = open_ok(f->db);
    for (int i = 0; i < 6; i++) {
        bc_store *st = i % 2 ? two : one;
        char *body = g_strdup_printf("msg %d", i);
        put(st, "a@example.org", BC_DIR_IN, NULL, body, i);
        put(st, "a@example.org", BC_DIR_OUT, NULL, body, i);
        g_free(body);
        assert_int_equal(flush_ok(st), 2);
    }
    assert_verifies(one, 12);
    bc_store_close(one);
    bc_store_close(two);
}

/* ---- retention ----------------------------------------------------------- */

static int64_t purge(bc_store *st, const char *conv, int64_t older_than)
{
    GError *err = NULL;
    int64_t n = bc_store_purge(st, conv, older_than, &err);
    if (n < 0)
        fail_msg("purge: %s", err ? err->message : "(no error)");
    assert_null(err);
    return n;
}

/* Twenty rows at times 1..20, alternating between a and b. */
static bc_store *twenty(fixture *f)
{
    bc_store *st = open_ok(f->db);
    for (int i = 1; i <= 20; i++) {
        char *body = g_strdup_printf("m%d", i);
        put(st, i % 2 ? "a@example.org" : "b@example.org", BC_DIR_IN, NULL, body, i);
        g_free(body);
    }
    assert_int_equal(flush_ok(st), 20);
    return st;
}

static void test_purge_keeps_chain_verifiable(void **state)
{
    fixture *f = *state;
    bc_store *st = twenty(f);
    sqlite3 *raw = raw_open(f->db);

    assert_int_equal(purge(st, NULL, 1), 0);          /* nothing older */
    assert_int_equal(purge(st, NULL, 6), 5);          /* times 1..5 */
    assert_int_equal(bc_store_count(st, NULL), 15);
    assert_verifies(st, 15);

    /* Rows of one conversation from the middle of the log. */
    assert_int_equal(purge(st, "b@example.org", 15), 5); /* b at 6, 8, 10, 12, 14 */
    assert_int_equal(bc_store_count(st, "b@example.org"), 3);
    assert_int_equal(bc_store_count(st, "a@example.org"), 7);
    assert_verifies(st, 10);
    assert_int_equal(purge(st, "b@example.org", 15), 0);

    /* New rows continue the chain. */
    put(st, "a@example.org", BC_DIR_OUT, NULL, "later", 30);
    assert_int_equal(flush_ok(st), 1);
    assert_verifies(st, 11);

    /* One anchor per purged run: 1..5, then 6, 8, 10, 12, 14. */
    char *ids = raw_text(raw, "SELECT group_concat(id, ',') FROM (SELECT id FROM chain_anchor ORDER BY id)");
    assert_string_equal(ids, "5,6,8,10,12,14");
    g_free(ids);

    /* Tampering with what is left is still found, also a deleted row right
     * before a purged one (13, before 14): the anchor for 14 continued from
     * 13's chain. Rows 7, 9, 11 verify, 15 is the first that does not. */
    raw_exec(raw, "DELETE FROM messages WHERE id = 13");
    assert_broken_at(st, 15, 3);
    sqlite3_close(raw);
    bc_store_close(st);
}

static void test_purge_everything_then_continue(void **state)
{
    fixture *f = *state;
    bc_store *st = twenty(f);
    uint8_t before[BC_STORE_CHAIN_LEN], after[BC_STORE_CHAIN_LEN];
    int64_t head = 0;
    assert_true(bc_store_chain_head(st, &head, before, NULL));
    assert_int_equal(head, 20);

    assert_int_equal(purge(st, NULL, 1000), 20);
    assert_int_equal(bc_store_count(st, NULL), 0);
    assert_verifies(st, 0);
    /* The head survives the purge (as an anchor). */
    assert_true(bc_store_chain_head(st, &head, after, NULL));
    assert_int_equal(head, 20);
    assert_memory_equal(before, after, BC_STORE_CHAIN_LEN);
    bc_store_close(st);

    /* Reopened: ids are not reused and the chain goes on from the anchor. */
    st = open_ok(f->db);
    put(st, "a@example.org", BC_DIR_IN, NULL, "after the purge", 2000);
    assert_int_equal(flush_ok(st), 1);
    GPtrArray *rows = rows_new();
    assert_int_equal(bc_store_page(st, "a@example.org", 0, 5, collect_row, rows, NULL), 1);
    assert_int_equal(ROW(rows, 0)->id, 21);
    g_ptr_array_unref(rows);
    assert_verifies(st, 1);

    sqlite3 *raw = raw_open(f->db);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM chain_anchor"), 1);
    /* Without the anchor the new row would not verify. */
    raw_exec(raw, "DELETE FROM chain_anchor");
    assert_broken_at(st, 21, 0);
    sqlite3_close(raw);
    bc_store_close(st);
}

static void test_purge_tail_of_conversation(void **state)
{
    fixture *f = *state;
    bc_store *st = twenty(f);
    /* b's rows are every other one up to the newest (20). */
    assert_int_equal(purge(st, "b@example.org", 1000), 10);
    assert_verifies(st, 10);
    put(st, "b@example.org", BC_DIR_IN, NULL, "back again", 50);
    assert_int_equal(flush_ok(st), 1);
    assert_verifies(st, 11);
    bc_store_close(st);
}

static void test_purge_tail_then_tamper(void **state)
{
    fixture *f = *state;
    bc_store *st = twenty(f);
    assert_int_equal(purge(st, "b@example.org", 1000), 10);
    /* The last kept row (19) deleted: only the anchor of the purged tail
     * (20) can tell, and it is the one reported. */
    sqlite3 *raw = raw_open(f->db);
    raw_exec(raw, "DELETE FROM messages WHERE id = 19");
    sqlite3_close(raw);
    assert_broken_at(st, 20, 9);
    bc_store_close(st);
}

static void test_purge_across_anchors(void **state)
{
    fixture *f = *state;
    bc_store *st = twenty(f);
    /* Old b rows first (anchors 2, 4, ... 10 between the a rows), then the
     * old a rows around them, then everything up to 15 in one go. */
    assert_int_equal(purge(st, "b@example.org", 11), 5);
    assert_verifies(st, 15);
    assert_int_equal(purge(st, "a@example.org", 11), 5);
    assert_verifies(st, 10);
    assert_int_equal(purge(st, NULL, 16), 5);
    assert_verifies(st, 5);
    put(st, "c@example.org", BC_DIR_IN, NULL, "new", 100);
    assert_int_equal(flush_ok(st), 1);
    assert_verifies(st, 6);
    bc_store_close(st);
    /* A forged anchor (wrong prev) is found. */
    sqlite3 *raw = raw_open(f->db);
    raw_exec(raw, "UPDATE chain_anchor SET prev = zeroblob(32) WHERE id = 15");
    sqlite3_close(raw);
    st = open_ok(f->db);
    assert_broken_at(st, 16, 0);
    bc_store_close(st);
}

static void test_purge_takes_corrections_along(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    bc_store_msg orig = {.conv = "a@example.org", .sender = "a@example.org/r", .body = "old typo",
                         .stanza_id = "o1", .dir = BC_DIR_IN, .ts_local = 10};
    bc_store_msg fix = {.conv = "a@example.org", .sender = "a@example.org/r", .body = "old fix",
                        .stanza_id = "o2", .replaces_stanza_id = "o1", .dir = BC_DIR_IN,
                        .ts_local = 500};
    bc_store_msg fix2 = {.conv = "a@example.org", .sender = "a@example.org/r",
                         .body = "fix of the fix", .replaces_stanza_id = "o2", .dir = BC_DIR_IN,
                         .ts_local = 600};
    bc_store_append(st, &orig);
    put(st, "a@example.org", BC_DIR_OUT, NULL, "recent", 400);
    bc_store_append(st, &fix);
    bc_store_append(st, &fix2);
    assert_int_equal(flush_ok(st), 4);

    /* Only the original is old enough, but its corrections go with it
     * (the foreign key would refuse to leave them pointing at nothing). */
    assert_int_equal(purge(st, NULL, 100), 3);
    GPtrArray *rows = rows_new();
    assert_int_equal(bc_store_page(st, "a@example.org", 0, 10, collect_row, rows, NULL), 1);
    assert_bodies(rows, "recent");
    g_ptr_array_unref(rows);
    assert_verifies(st, 1);
    bc_store_close(st);
}

int main(void)
{
    use_utc();
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_chain_format_as_documented),
        T(test_verify_ok),
        T(test_verify_detects_edits),
        T(test_verify_detects_delete_and_move),
        T(test_verify_detects_foreign_rows),
        T(test_two_writers_share_the_chain),
        T(test_purge_keeps_chain_verifiable),
        T(test_purge_everything_then_continue),
        T(test_purge_tail_of_conversation),
        T(test_purge_tail_then_tamper),
        T(test_purge_across_anchors),
        T(test_purge_takes_corrections_along),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
