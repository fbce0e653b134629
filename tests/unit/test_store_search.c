/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for log search (src/store/search.c): the query language,
 * dates, and results from FTS5. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_store_common.h"

/* "Now" for relative dates: Friday 2024-03-15 12:00 UTC. */
#define NOW utc(2024, 3, 15, 12, 0, 0)

static bc_search parse_ok(const char *query)
{
    bc_search q;
    GError *err = NULL;
    if (!bc_search_parse_at(query, NOW, &q, &err))
        fail_msg("parse \"%s\": %s", query, err ? err->message : "(no error)");
    assert_null(err);
    return q;
}

static void assert_match(const char *query, const char *want)
{
    bc_search q = parse_ok(query);
    if (g_strcmp0(q.match, want) != 0)
        fail_msg("parse \"%s\": match \"%s\", want \"%s\"", query, q.match ? q.match : "(null)",
                 want ? want : "(null)");
    bc_search_clear(&q);
}

/* Parsing fails with a query error whose message contains `needle`. */
static void assert_parse_error(const char *query, const char *needle)
{
    bc_search q;
    memset(&q, 0x55, sizeof q);
    GError *err = NULL;
    if (bc_search_parse_at(query, NOW, &q, &err))
        fail_msg("parse \"%s\" succeeded: match \"%s\"", query, q.match ? q.match : "(null)");
    assert_non_null(err);
    assert_int_equal(err->domain, store_domain());
    assert_int_equal(err->code, BC_STORE_ERROR_QUERY);
    if (!strstr(err->message, needle))
        fail_msg("parse \"%s\": error \"%s\" lacks \"%s\"", query, err->message, needle);
    g_error_free(err);
    /* Nothing is left allocated in `q`. */
    assert_null(q.match);
    assert_null(q.with);
    assert_null(q.from);
}

/* ---- the query language -------------------------------------------------- */

static void test_parse_words_phrases_prefix(void **state)
{
    assert_match("hello", "\"hello\"");
    assert_match("  hello   world  ", "\"hello\" AND \"world\"");
    assert_match("\"exact phrase\" budg*", "\"exact phrase\" AND \"budg\"*");
    assert_match("\"quarterly rep\"*", "\"quarterly rep\"*");
    assert_match("a\"b c\"d", "\"a\" AND \"b c\" AND \"d\"");
    assert_match("caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87", "\"caf\xC3\xA9\" AND \"\xE4\xB8\xAD\xE6\x96\x87\"");
    /* Only punctuation (not indexed) is left out. */
    assert_match("foo - bar", "\"foo\" AND \"bar\"");
    assert_match("\xF0\x9F\x98\x80 party", "\"party\"");
}

static void test_parse_operators(void **state)
{
    assert_match("a AND b", "\"a\" AND \"b\"");
    assert_match("a OR b", "\"a\" OR \"b\"");
    assert_match("budget NOT draft", "\"budget\" NOT \"draft\"");
    assert_match("a OR b c NOT d", "\"a\" OR \"b\" AND \"c\" NOT \"d\"");
    assert_match("\"x y\" OR z*", "\"x y\" OR \"z\"*");
    /* Only upper case words are operators. */
    assert_match("cats and dogs or not", "\"cats\" AND \"and\" AND \"dogs\" AND \"or\" AND \"not\"");
    assert_match("\"AND\"", "\"AND\"");
    assert_match("ANDROID ORACLE NOTE", "\"ANDROID\" AND \"ORACLE\" AND \"NOTE\"");
}

static void test_parse_filters(void **state)
{
    bc_search q = parse_ok("with:alice@example.org/phone in:room@conf.example.org from:Bob "
                           "since:2024-03-01 until:yesterday report");
    assert_string_equal(q.match, "\"report\"");
    assert_string_equal(q.with, "alice@example.org");
    assert_string_equal(q.in, "room@conf.example.org");
    assert_string_equal(q.from, "Bob");
    assert_null(q.conv);
    assert_int_equal(q.since, utc(2024, 3, 1, 0, 0, 0));
    assert_int_equal(q.until, utc(2024, 3, 15, 0, 0, 0)); /* all of yesterday */
    bc_search_clear(&q);
    assert_null(q.match);

    q = parse_ok("since:7d");
    assert_null(q.match); /* filters only */
    assert_int_equal(q.since, utc(2024, 3, 8, 0, 0, 0));
    assert_int_equal(q.until, 0);
    bc_search_clear(&q);

    q = parse_ok("since:today until:today x");
    assert_int_equal(q.since, utc(2024, 3, 15, 0, 0, 0));
    assert_int_equal(q.until, utc(2024, 3, 16, 0, 0, 0));
    bc_search_clear(&q);

    q = parse_ok("until:2024-02-29 from:\"Jane Doe\" with:alice");
    assert_int_equal(q.until, utc(2024, 3, 1, 0, 0, 0));
    assert_string_equal(q.from, "Jane Doe");
    assert_string_equal(q.with, "alice");
    bc_search_clear(&q);

    /* The last of a repeated filter wins; unknown prefixes are words. */
    q = parse_ok("from:a from:b foo:bar With:x");
    assert_string_equal(q.from, "b");
    assert_string_equal(q.match, "\"foo:bar\" AND \"With:x\"");
    bc_search_clear(&q);
    bc_search_clear(NULL);
}

static void test_parse_dates(void **state)
{
    int64_t t = 0;
    assert_true(bc_store_parse_date("2024-01-31", false, NOW, &t, NULL));
    assert_int_equal(t, utc(2024, 1, 31, 0, 0, 0));
    assert_true(bc_store_parse_date("2024-01-31", true, NOW, &t, NULL));
    assert_int_equal(t, utc(2024, 2, 1, 0, 0, 0));
    assert_true(bc_store_parse_date("2024-12-31", true, NOW, &t, NULL));
    assert_int_equal(t, utc(2025, 1, 1, 0, 0, 0));
    assert_true(bc_store_parse_date("0d", false, NOW, &t, NULL));
    assert_int_equal(t, utc(2024, 3, 15, 0, 0, 0));
    assert_true(bc_store_parse_date("15d", false, NOW, &t, NULL)); /* across February */
    assert_int_equal(t, utc(2024, 2, 29, 0, 0, 0));
    assert_true(bc_store_parse_date("yesterday", false, NOW, &t, NULL));
    assert_int_equal(t, utc(2024, 3, 14, 0, 0, 0));

    static const char *const bad[] = {"2024-02-30", "2023-02-29", "2024-13-01", "2024-1-5",
                                      "24-01-05", "tomorrow", "d", "-3d", "3", "3 d", "",
                                      "2024-01-05x", "99999999d"};
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *err = NULL;
        t = 42;
        if (bc_store_parse_date(bad[i], false, NOW, &t, &err))
            fail_msg("date \"%s\" accepted", bad[i]);
        assert_int_equal(err->code, BC_STORE_ERROR_QUERY);
        g_error_free(err);
        assert_int_equal(t, 42);
    }
}

static void test_parse_errors(void **state)
{
    assert_parse_error("", "nothing to search for");
    assert_parse_error("   ", "nothing to search for");
    assert_parse_error("- ... !!", "only punctuation");
    assert_parse_error("\"unbalanced", "unbalanced quote");
    assert_parse_error("foo \"bar", "unbalanced quote");
    assert_parse_error("\"", "unbalanced quote");
    assert_parse_error("\"a\" \"b", "unbalanced quote");
    assert_parse_error("AND foo", "AND needs a word before it");
    assert_parse_error("NOT foo", "NOT needs a word before it");
    assert_parse_error("foo OR", "OR needs a word after it");
    assert_parse_error("foo AND OR bar", "OR cannot follow AND");
    assert_parse_error("OR", "OR needs a word before it");
    assert_parse_error("*", "a * must come right after a word");
    assert_parse_error("foo **", "a * must come right after a word");
    assert_parse_error("with:", "with: needs a value");
    assert_parse_error("from: bob", "from: needs a value");
    assert_parse_error("in:/res", "in: needs a JID");
    assert_parse_error("since:2024-02-30 x", "since: \"2024-02-30\" is not a date in the calendar");
    assert_parse_error("until:soon x", "until: \"soon\" is not a date");
    assert_parse_error("since:2024-03-10 until:2024-03-01 x", "since: is not before until:");
    assert_parse_error("from:\"Jane", "unbalanced quote");
}

/* ---- search results ------------------------------------------------------ */

static const char *alice = "alice@example.org", *room = "room@conf.example.org";

static void say(bc_store *st, const char *conv, bc_direction dir, const char *sender,
                const char *nick, const char *body, int64_t ts)
{
    bc_store_msg m = {.conv = conv, .sender = sender, .nick = nick, .body = body, .dir = dir,
                      .type = nick ? "groupchat" : "chat", .ts_local = ts};
    bc_store_append(st, &m);
}

static bc_store *search_data(fixture *f)
{
    bc_store *st = open_ok(f->db);
    say(st, alice, BC_DIR_IN, "alice@example.org/phone", NULL,
        "The quarterly report is ready", utc(2024, 3, 1, 9, 0, 0));                 /* 1 */
    say(st, alice, BC_DIR_OUT, "me@example.org/bc", NULL,
        "thanks for the report", utc(2024, 3, 1, 9, 5, 0));                          /* 2 */
    say(st, room, BC_DIR_IN, "room@conf.example.org/bob", "bob",
        "report draft attached", utc(2024, 3, 5, 14, 0, 0));                         /* 3 */
    say(st, alice, BC_DIR_IN, "alice@example.org/phone", NULL,
        "caf\xC3\xA9 meeting tomorrow", utc(2024, 3, 10, 8, 0, 0));                 /* 4 */
    say(st, room, BC_DIR_IN, "room@conf.example.org/carol", "carol",
        "the Reporting tool is down", utc(2024, 3, 12, 10, 0, 0));                   /* 5 */
    say(st, alice, BC_DIR_IN, "alice@example.org/phone", NULL,
        "unrelated: C:\\path -x NEAR(y) col:z", utc(2024, 3, 14, 10, 0, 0));         /* 6 */
    assert_int_equal(flush_ok(st), 6);
    return st;
}

/* The ids of the rows a query finds, newest first, as "3,2,1". */
static char *find(bc_store *st, const char *query, const char *conv, int limit, int offset)
{
    bc_search q = parse_ok(query);
    q.conv = g_strdup(conv);
    GPtrArray *rows = rows_new();
    GError *err = NULL;
    int n = bc_store_search(st, &q, limit, offset, collect_hit, rows, &err);
    if (n < 0)
        fail_msg("search \"%s\": %s", query, err ? err->message : "(no error)");
    assert_int_equal(n, (int)rows->len);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < rows->len; i++)
        g_string_append_printf(s, "%s%" G_GINT64_FORMAT, i ? "," : "", ROW(rows, i)->id);
    g_ptr_array_unref(rows);
    bc_search_clear(&q);
    return g_string_free(s, FALSE);
}

#define assert_found(st, query, conv, want)                                          \
    do {                                                                             \
        char *got_ = find((st), (query), (conv), 100, 0);                            \
        if (strcmp(got_, (want)) != 0)                                               \
            fail_msg("search \"%s\": found [%s], want [%s]", (query), got_, (want)); \
        g_free(got_);                                                                \
    } while (0)

static void test_search_results(void **state)
{
    fixture *f = *state;
    bc_store *st = search_data(f);

    assert_found(st, "report", NULL, "3,2,1");
    assert_found(st, "REPORT", NULL, "3,2,1");
    assert_found(st, "report*", NULL, "5,3,2,1");
    assert_found(st, "cafe", NULL, "4");          /* diacritics removed */
    assert_found(st, "CAF\xC3\x89", NULL, "4");
    assert_found(st, "\"report is\"", NULL, "1");
    assert_found(st, "\"is report\"", NULL, "");
    assert_found(st, "report NOT draft", NULL, "2,1");
    assert_found(st, "quarterly OR draft", NULL, "3,1");
    assert_found(st, "report thanks", NULL, "2");
    assert_found(st, "nothing-like-this", NULL, "");

    /* Filters. */
    assert_found(st, "report in:room@conf.example.org", NULL, "3");
    assert_found(st, "report with:alice@example.org", NULL, "2,1");
    assert_found(st, "report with:alice", NULL, "2,1");
    assert_found(st, "report with:ali", NULL, "");
    assert_found(st, "report from:bob", NULL, "3");
    assert_found(st, "report from:alice", NULL, "1");
    assert_found(st, "report from:alice@example.org", NULL, "1");
    assert_found(st, "report from:alice@example.org/phone", NULL, "1");
    assert_found(st, "report from:me@example.org", NULL, "2");
    assert_found(st, "report since:2024-03-02", NULL, "3");
    assert_found(st, "report until:2024-03-01", NULL, "2,1");
    assert_found(st, "report since:2024-03-01 until:2024-03-04", NULL, "2,1");
    assert_found(st, "report* since:5d", NULL, "5");   /* since 2024-03-10 */
    /* Only filters: whatever they select, newest first. */
    assert_found(st, "from:bob", NULL, "3");
    assert_found(st, "with:alice@example.org since:2024-03-10", NULL, "6,4");
    /* Within one conversation (Ctrl-R). */
    assert_found(st, "report", alice, "2,1");
    assert_found(st, "report*", room, "5,3");

    /* Limit and offset page through the results. */
    char *p = find(st, "report*", NULL, 2, 0);
    assert_string_equal(p, "5,3");
    g_free(p);
    p = find(st, "report*", NULL, 2, 2);
    assert_string_equal(p, "2,1");
    g_free(p);
    p = find(st, "report*", NULL, 2, 4);
    assert_string_equal(p, "");
    g_free(p);
    p = find(st, "report*", NULL, 0, 0);
    assert_string_equal(p, "");
    g_free(p);
    bc_store_close(st);
}

static void test_search_snippets(void **state)
{
    fixture *f = *state;
    bc_store *st = search_data(f);
    bc_search q = parse_ok("report*");
    GPtrArray *rows = rows_new();
    assert_int_equal(bc_store_search(st, &q, 10, 0, collect_hit, rows, NULL), 4);
    assert_string_equal(ROW(rows, 0)->snippet, "the \x01Reporting\x02 tool is down");
    assert_string_equal(ROW(rows, 3)->snippet, "The quarterly \x01report\x02 is ready");
    /* The row comes with it: id, conversation, sender, time. */
    assert_int_equal(ROW(rows, 0)->id, 5);
    assert_string_equal(ROW(rows, 0)->conv, room);
    assert_string_equal(ROW(rows, 0)->nick, "carol");
    assert_string_equal(ROW(rows, 0)->body, "the Reporting tool is down");
    assert_int_equal(ROW(rows, 0)->kind, BC_KIND_GROUPCHAT);
    assert_int_equal(ROW(rows, 3)->ts_local, utc(2024, 3, 1, 9, 0, 0));
    bc_search_clear(&q);
    g_ptr_array_set_size(rows, 0);

    /* A long body is cut around the match. */
    GString *longer = g_string_new(NULL);
    for (int i = 0; i < 40; i++)
        g_string_append_printf(longer, "word%d ", i);
    g_string_append(longer, "needle");
    for (int i = 40; i < 80; i++)
        g_string_append_printf(longer, " word%d", i);
    say(st, alice, BC_DIR_IN, NULL, NULL, longer->str, 1);
    assert_int_equal(flush_ok(st), 1);
    q = parse_ok("needle");
    assert_int_equal(bc_store_search(st, &q, 10, 0, collect_hit, rows, NULL), 1);
    const char *sn = ROW(rows, 0)->snippet;
    assert_non_null(strstr(sn, "\x01needle\x02"));
    assert_non_null(strstr(sn, "\xE2\x80\xA6"));
    assert_true(strlen(sn) < 200);
    g_string_free(longer, TRUE);
    bc_search_clear(&q);
    g_ptr_array_set_size(rows, 0);

    /* Filters only: the snippet is the body. */
    q = parse_ok("from:bob");
    assert_int_equal(bc_store_search(st, &q, 10, 0, collect_hit, rows, NULL), 1);
    assert_string_equal(ROW(rows, 0)->snippet, "report draft attached");
    bc_search_clear(&q);
    g_ptr_array_unref(rows);

    /* An empty query object is refused, not run as "everything". */
    bc_search empty = {0};
    GError *err = NULL;
    assert_int_equal(bc_store_search(st, &empty, 10, 0, collect_hit, NULL, &err), -1);
    assert_int_equal(err->code, BC_STORE_ERROR_QUERY);
    g_error_free(err);
    bc_store_close(st);
}

static void test_search_injection(void **state)
{
    fixture *f = *state;
    bc_store *st = search_data(f);
    /* Nothing here reaches FTS5 or SQL as syntax: each runs without error
     * and finds only what its words mean as text. */
    static const struct {
        const char *query, *found;
    } cases[] = {
        {"NEAR(y)", "6"},
        {"NEAR(report draft)", ""},   /* "near" "report" "draft": no row has all three */
        {"NEAR", "6"},                /* the word "near" */
        {"col:z", "6"},
        {"body:report", ""},          /* a column filter would find 3,2,1 */
        {"{body}:report", ""},
        {"-x", "6"},
        {"^the", "5,2,1"},
        {"+report", "3,2,1"},
        {"C:\\path", "6"},
        {"report)", "3,2,1"},
        {"(report", "3,2,1"},
        {"'; DROP TABLE messages; --", ""},
        {"x*y", ""},
        {"\"report\" AND \"", NULL},  /* unbalanced: a parse error */
        {"report\" OR \"x", ""},     /* "report" AND the phrase "or" AND "x" */
        {"a:b:c", ""},
        {"\\\"", NULL},
        {"*report", "3,2,1"},
        {"rep*ort", ""},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        bc_search q;
        GError *err = NULL;
        bool ok = bc_search_parse_at(cases[i].query, NOW, &q, &err);
        if (!cases[i].found) {
            if (ok)
                fail_msg("\"%s\" parsed: %s", cases[i].query, q.match);
            assert_int_equal(err->code, BC_STORE_ERROR_QUERY);
            g_error_free(err);
            continue;
        }
        if (!ok)
            fail_msg("\"%s\": %s", cases[i].query, err->message);
        bc_search_clear(&q);
        assert_found(st, cases[i].query, NULL, cases[i].found);
    }
    assert_int_equal(bc_store_count(st, NULL), 6);
    bc_store_close(st);
}

static void test_search_follows_changes(void **state)
{
    fixture *f = *state;
    bc_store *st = search_data(f);
    /* Another connection edits and deletes: the triggers keep FTS in step. */
    sqlite3 *raw = raw_open(f->db);
    raw_exec(raw, "UPDATE messages SET body = 'the memo is ready' WHERE id = 1");
    raw_exec(raw, "DELETE FROM messages WHERE id = 3");
    sqlite3_close(raw);
    assert_found(st, "report", NULL, "2");
    assert_found(st, "memo", NULL, "1");
    /* A purge too. */
    GError *err = NULL;
    assert_int_equal(bc_store_purge(st, NULL, utc(2024, 3, 2, 0, 0, 0), &err), 2);
    assert_null(err);
    assert_found(st, "report", NULL, "");
    assert_found(st, "memo", NULL, "");
    assert_found(st, "report*", NULL, "5");
    bc_store_close(st);
}

/* New rows reach the index once per flush; duplicates skipped in the
 * middle of a flush leave no gap and no double entry. */
static void test_index_per_flush(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    put(st, "a@example.org", BC_DIR_IN, "s1", "alpha one", utc(2024, 3, 1, 9, 0, 0));
    put(st, "a@example.org", BC_DIR_IN, "s2", "alpha two", utc(2024, 3, 1, 9, 1, 0));
    assert_int_equal(flush_ok(st), 2);
    put(st, "a@example.org", BC_DIR_IN, "s1", "alpha one", utc(2024, 3, 1, 9, 0, 0));
    put(st, "a@example.org", BC_DIR_IN, "s3", "alpha three", utc(2024, 3, 1, 9, 2, 0));
    put(st, "a@example.org", BC_DIR_IN, "s2", "alpha two", utc(2024, 3, 1, 9, 1, 0));
    put(st, "b@example.org", BC_DIR_OUT, "s4", "beta four", utc(2024, 3, 1, 9, 3, 0));
    assert_int_equal(flush_ok(st), 2);
    assert_found(st, "alpha", NULL, "3,2,1");
    assert_found(st, "three OR four", NULL, "4,3");
    bc_store_close(st);

    sqlite3 *raw = raw_open(f->db);
    assert_int_equal(raw_int(raw, "SELECT count(*) FROM messages_fts"
                                  " WHERE messages_fts MATCH 'alpha'"), 3);
    raw_exec(raw, "INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)");
    sqlite3_close(raw);
}

int main(void)
{
    use_utc();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_words_phrases_prefix),
        cmocka_unit_test(test_parse_operators),
        cmocka_unit_test(test_parse_filters),
        cmocka_unit_test(test_parse_dates),
        cmocka_unit_test(test_parse_errors),
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_search_results),
        T(test_search_snippets),
        T(test_search_injection),
        T(test_search_follows_changes),
        T(test_index_per_flush),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
