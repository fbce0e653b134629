/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for export (src/store/export.c) and statistics
 * (src/store/stats.c) on small known data sets. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_store_common.h"

/* ---- export -------------------------------------------------------------- */

/* Quotes, commas, newlines, a backslash and a tab, emoji, a NULL sender, a
 * room nick, a server time, an archive id and a correction. */
static bc_store *export_data(fixture *f)
{
    bc_store *st = open_ok(f->db);
    const char *alice = "alice@example.org";
    bc_store_msg m[] = {
        {.conv = alice, .sender = "alice@example.org/phone", .body = "He said \"hi\", then left",
         .stanza_id = "s1", .dir = BC_DIR_IN, .ts_local = 1704448800},
        {.conv = alice, .sender = "me@example.org/bc", .body = "line one\nline two",
         .stanza_id = "s2", .dir = BC_DIR_OUT, .ts_server = 1704448860, .ts_local = 1704449100},
        {.conv = "room@conf.example.org", .sender = "room@conf.example.org/Zo\xC3\xAB",
         .nick = "Zo\xC3\xAB", .type = "groupchat",
         .body = "emoji \xF0\x9F\x98\x80\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD, comma",
         .server_id = "arch-1", .dir = BC_DIR_IN, .ts_local = 1704448923},
        {.conv = alice, .sender = NULL, .body = "back\\slash\ttab", .dir = BC_DIR_IN,
         .ts_local = 1704499200},
        {.conv = alice, .sender = "alice@example.org/phone", .body = "He said \"hello\"",
         .stanza_id = "s5", .replaces_stanza_id = "s1", .dir = BC_DIR_IN, .ts_local = 1704529800},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(m); i++)
        bc_store_append(st, &m[i]);
    assert_int_equal(flush_ok(st), 5);
    return st;
}

/* Runs an export into memory; returns the bytes (and the row count). */
static char *export_str(bc_store *st, const char *conv, int64_t since, int64_t until,
                        bc_export_format fmt, int64_t *rows)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    GError *err = NULL;
    int64_t n = bc_store_export(st, conv, since, until, fmt, out, &err);
    if (n < 0)
        fail_msg("export: %s", err ? err->message : "(no error)");
    assert_null(err);
    fclose(out);
    assert_int_equal(strlen(buf), len); /* no NUL inside */
    if (rows)
        *rows = n;
    return buf;
}

#define assert_bytes(got, want)                                                     \
    do {                                                                            \
        if (strcmp((got), (want)) != 0)                                             \
            fail_msg("got:\n%s\n--- want:\n%s", (got), (want));                     \
    } while (0)

static const char text_all[] =
    "2024-01-05 10:00:00 alice@example.org alice@example.org: He said \"hi\", then left\n"
    "2024-01-05 10:01:00 alice@example.org me@example.org: line one\\nline two\n"
    "2024-01-05 10:02:03 room@conf.example.org Zo\xC3\xAB: emoji "
    "\xF0\x9F\x98\x80\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD, comma\n"
    "2024-01-06 00:00:00 alice@example.org alice@example.org: back\\\\slash\ttab\n"
    "2024-01-06 08:30:00 alice@example.org alice@example.org: He said \"hello\"\n";

static const char jsonl_all[] =
    "{\"id\":1,\"time\":\"2024-01-05T10:00:00Z\",\"ts_server\":null,\"ts_local\":1704448800,"
    "\"conv\":\"alice@example.org\",\"kind\":\"chat\",\"type\":\"chat\",\"dir\":\"in\","
    "\"sender\":\"alice@example.org/phone\",\"nick\":null,"
    "\"body\":\"He said \\\"hi\\\", then left\",\"stanza_id\":\"s1\",\"server_id\":null,"
    "\"replaces\":null}\n"
    "{\"id\":2,\"time\":\"2024-01-05T10:01:00Z\",\"ts_server\":1704448860,\"ts_local\":1704449100,"
    "\"conv\":\"alice@example.org\",\"kind\":\"chat\",\"type\":\"chat\",\"dir\":\"out\","
    "\"sender\":\"me@example.org/bc\",\"nick\":null,\"body\":\"line one\\nline two\","
    "\"stanza_id\":\"s2\",\"server_id\":null,\"replaces\":null}\n"
    "{\"id\":3,\"time\":\"2024-01-05T10:02:03Z\",\"ts_server\":null,\"ts_local\":1704448923,"
    "\"conv\":\"room@conf.example.org\",\"kind\":\"groupchat\",\"type\":\"groupchat\","
    "\"dir\":\"in\",\"sender\":\"room@conf.example.org/Zo\xC3\xAB\",\"nick\":\"Zo\xC3\xAB\","
    "\"body\":\"emoji \xF0\x9F\x98\x80\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD, comma\","
    "\"stanza_id\":null,\"server_id\":\"arch-1\",\"replaces\":null}\n"
    "{\"id\":4,\"time\":\"2024-01-06T00:00:00Z\",\"ts_server\":null,\"ts_local\":1704499200,"
    "\"conv\":\"alice@example.org\",\"kind\":\"chat\",\"type\":\"chat\",\"dir\":\"in\","
    "\"sender\":null,\"nick\":null,\"body\":\"back\\\\slash\\ttab\",\"stanza_id\":null,"
    "\"server_id\":null,\"replaces\":null}\n"
    "{\"id\":5,\"time\":\"2024-01-06T08:30:00Z\",\"ts_server\":null,\"ts_local\":1704529800,"
    "\"conv\":\"alice@example.org\",\"kind\":\"chat\",\"type\":\"chat\",\"dir\":\"in\","
    "\"sender\":\"alice@example.org/phone\",\"nick\":null,\"body\":\"He said \\\"hello\\\"\","
    "\"stanza_id\":\"s5\",\"server_id\":null,\"replaces\":1}\n";

static const char csv_header[] =
    "id,time,conv,kind,type,dir,sender,nick,body,stanza_id,server_id,replaces\r\n";
static const char csv_rows[] =
    "1,2024-01-05T10:00:00Z,alice@example.org,chat,chat,in,alice@example.org/phone,,"
    "\"He said \"\"hi\"\", then left\",s1,,\r\n"
    "2,2024-01-05T10:01:00Z,alice@example.org,chat,chat,out,me@example.org/bc,,"
    "\"line one\nline two\",s2,,\r\n"
    "3,2024-01-05T10:02:03Z,room@conf.example.org,groupchat,groupchat,in,"
    "room@conf.example.org/Zo\xC3\xAB,Zo\xC3\xAB,"
    "\"emoji \xF0\x9F\x98\x80\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD, comma\",,arch-1,\r\n"
    "4,2024-01-06T00:00:00Z,alice@example.org,chat,chat,in,,,back\\slash\ttab,,,\r\n"
    "5,2024-01-06T08:30:00Z,alice@example.org,chat,chat,in,alice@example.org/phone,,"
    "\"He said \"\"hello\"\"\",s5,,1\r\n";

static void test_export_formats(void **state)
{
    fixture *f = *state;
    bc_store *st = export_data(f);
    int64_t n = 0;

    char *text = export_str(st, NULL, 0, 0, BC_EXPORT_TEXT, &n);
    assert_int_equal(n, 5);
    assert_bytes(text, text_all);
    g_free(text);

    char *jsonl = export_str(st, NULL, 0, 0, BC_EXPORT_JSONL, &n);
    assert_int_equal(n, 5);
    assert_bytes(jsonl, jsonl_all);
    /* And each line is JSON a parser accepts: one object, no raw newline. */
    char **lines = g_strsplit(jsonl, "\n", -1);
    assert_int_equal(g_strv_length(lines), 6);
    g_strfreev(lines);
    g_free(jsonl);

    char *csv = export_str(st, NULL, 0, 0, BC_EXPORT_CSV, &n);
    char *want = g_strconcat(csv_header, csv_rows, NULL);
    assert_bytes(csv, want);
    g_free(want);
    g_free(csv);

    bc_export_format fmt = BC_EXPORT_CSV;
    assert_true(bc_export_format_parse("text", &fmt));
    assert_int_equal(fmt, BC_EXPORT_TEXT);
    assert_true(bc_export_format_parse("jsonl", &fmt));
    assert_int_equal(fmt, BC_EXPORT_JSONL);
    assert_true(bc_export_format_parse("csv", &fmt));
    assert_int_equal(fmt, BC_EXPORT_CSV);
    assert_false(bc_export_format_parse("json", &fmt));
    assert_false(bc_export_format_parse("CSV", &fmt));
    assert_false(bc_export_format_parse(NULL, &fmt));
    assert_int_equal(fmt, BC_EXPORT_CSV);
    bc_store_close(st);
}

static void test_export_filters(void **state)
{
    fixture *f = *state;
    bc_store *st = export_data(f);
    int64_t n = 0;

    char *s = export_str(st, "room@conf.example.org", 0, 0, BC_EXPORT_TEXT, &n);
    assert_int_equal(n, 1);
    assert_bytes(s, "2024-01-05 10:02:03 room@conf.example.org Zo\xC3\xAB: emoji "
                    "\xF0\x9F\x98\x80\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD, comma\n");
    g_free(s);

    /* since is inclusive, until exclusive; the time is the server's if any
     * (row 2: server 10:01, local 10:05). */
    s = export_str(st, NULL, 1704448860, 1704448923, BC_EXPORT_TEXT, &n);
    assert_int_equal(n, 1);
    assert_bytes(s, "2024-01-05 10:01:00 alice@example.org me@example.org: line one\\nline two\n");
    g_free(s);
    s = export_str(st, "alice@example.org", 1704499200, 0, BC_EXPORT_TEXT, &n);
    assert_int_equal(n, 2);
    assert_bytes(s, "2024-01-06 00:00:00 alice@example.org alice@example.org: back\\\\slash\ttab\n"
                    "2024-01-06 08:30:00 alice@example.org alice@example.org: He said \"hello\"\n");
    g_free(s);

    /* Nothing selected: empty, but a CSV still has its header. */
    s = export_str(st, "nobody@example.org", 0, 0, BC_EXPORT_TEXT, &n);
    assert_int_equal(n, 0);
    assert_bytes(s, "");
    g_free(s);
    s = export_str(st, "nobody@example.org", 0, 0, BC_EXPORT_CSV, &n);
    assert_bytes(s, csv_header);
    g_free(s);
    bc_store_close(st);
}

static void test_export_escapes_controls(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    /* A body with controls the sanitizer would have dropped (a raw tool, an
     * older build): the text stays one harmless line, JSON stays JSON. */
    bc_store_msg m = {.conv = "a@example.org", .sender = "a@example.org",
                      .body = "esc\x1b[31mred\rcr\x7f\x01", .dir = BC_DIR_IN, .ts_local = 0};
    bc_store_append(st, &m);
    assert_int_equal(flush_ok(st), 1);
    char *s = export_str(st, NULL, 0, 0, BC_EXPORT_TEXT, NULL);
    assert_bytes(s, "1970-01-01 00:00:00 a@example.org a@example.org: "
                    "esc\\x1b[31mred\\rcr\\x7f\\x01\n");
    g_free(s);
    s = export_str(st, NULL, 0, 0, BC_EXPORT_JSONL, NULL);
    assert_non_null(strstr(s, "\"body\":\"esc\\u001b[31mred\\rcr\\u007f\\u0001\""));
    g_free(s);
    bc_store_close(st);
}

static void test_export_write_error(void **state)
{
    fixture *f = *state;
    bc_store *st = export_data(f);
    FILE *full = fopen("/dev/full", "w");
    if (!full) {
        bc_store_close(st);
        skip();
    }
    GError *err = NULL;
    assert_int_equal(bc_store_export(st, NULL, 0, 0, BC_EXPORT_TEXT, full, &err), -1);
    assert_non_null(err);
    assert_int_equal(err->code, BC_STORE_ERROR_IO);
    assert_non_null(strstr(err->message, "cannot write the export"));
    g_error_free(err);
    fclose(full);
    bc_store_close(st);
}

/* ---- stats --------------------------------------------------------------- */

#define T0 1706774400 /* 2024-02-01 08:00:00 UTC */

static void msg(bc_store *st, const char *conv, bc_msg_kind kind, bc_direction dir, int64_t t)
{
    bc_store_msg m = {.conv = conv, .body = "x", .kind = kind, .dir = dir, .ts_local = t};
    bc_store_append(st, &m);
}

static bc_store *stats_data(fixture *f)
{
    bc_store *st = open_ok(f->db);
    const char *alice = "alice@example.org", *bob = "bob@example.org",
               *carol = "carol@example.org", *room = "room@conf.example.org";
    const bc_direction I = BC_DIR_IN, O = BC_DIR_OUT;
    const bc_msg_kind C = BC_KIND_CHAT;
    msg(st, alice, C, I, T0);              /* waiting from here */
    msg(st, alice, C, I, T0 + 30);
    msg(st, alice, C, O, T0 + 100);        /* reply: 100 s */
    msg(st, room, BC_KIND_GROUPCHAT, I, T0 + 100);
    msg(st, room, BC_KIND_GROUPCHAT, O, T0 + 160); /* rooms do not count */
    msg(st, room, BC_KIND_GROUPCHAT, I, T0 + 200);
    msg(st, "news.example.org", BC_KIND_HEADLINE, I, T0 + 300);
    msg(st, alice, C, I, T0 + 1000);
    msg(st, alice, C, O, T0 + 1010);       /* 10 s */
    msg(st, alice, C, O, T0 + 1020);       /* nothing to answer */
    msg(st, alice, C, I, T0 + 2000);
    msg(st, alice, C, I, T0 + 48800);      /* 13 h later: a new wait */
    msg(st, alice, C, O, T0 + 48820);      /* 20 s */
    msg(st, alice, C, I, T0 + 50000);
    msg(st, alice, C, O, T0 + 50000 + 43201); /* over 12 h: not a reply */
    msg(st, bob, C, I, T0 + 5000);
    msg(st, bob, C, O, T0 + 5005);         /* 5 s */
    msg(st, bob, C, I, T0 + 5050);
    msg(st, bob, C, O, T0 + 5250);         /* 200 s */
    msg(st, bob, C, I, T0 + 5300);
    msg(st, bob, C, O, T0 + 5331);         /* 31 s */
    msg(st, carol, C, I, T0 + 6000);
    msg(st, carol, C, O, T0 + 6007);       /* 7 s */
    assert_int_equal(flush_ok(st), 23);
    return st;
}

static void test_stats_known_data(void **state)
{
    fixture *f = *state;
    bc_store *st = stats_data(f);
    bc_stats s;
    GError *err = NULL;
    assert_true(bc_store_stats(st, 0, &s, &err));
    assert_null(err);

    assert_int_equal(s.total, 23);
    assert_int_equal(s.in, 13);
    assert_int_equal(s.out, 10);
    assert_int_equal(s.first_ts, T0);
    assert_int_equal(s.last_ts, T0 + 93201);
    assert_int_equal(s.kinds[BC_KIND_CHAT], 19);
    assert_int_equal(s.kinds[BC_KIND_GROUPCHAT], 3);
    assert_int_equal(s.kinds[BC_KIND_HEADLINE], 1);
    assert_int_equal(s.kinds[BC_KIND_PRIVATE], 0);

    assert_int_equal(s.days->len, 2);
    assert_string_equal(g_array_index(s.days, bc_stats_day, 0).date, "2024-02-01");
    assert_int_equal(g_array_index(s.days, bc_stats_day, 0).count, 22);
    assert_string_equal(g_array_index(s.days, bc_stats_day, 1).date, "2024-02-02");
    assert_int_equal(g_array_index(s.days, bc_stats_day, 1).count, 1);

    static const struct {
        const char *conv;
        bc_msg_kind kind;
        int64_t count, in, out;
    } convs[] = {
        {"alice@example.org", BC_KIND_CHAT, 11, 6, 5},
        {"bob@example.org", BC_KIND_CHAT, 6, 3, 3},
        {"room@conf.example.org", BC_KIND_GROUPCHAT, 3, 2, 1},
        {"carol@example.org", BC_KIND_CHAT, 2, 1, 1},
        {"news.example.org", BC_KIND_HEADLINE, 1, 1, 0},
    };
    assert_int_equal(s.convs->len, G_N_ELEMENTS(convs));
    for (size_t i = 0; i < G_N_ELEMENTS(convs); i++) {
        const bc_stats_conv *c = &g_array_index(s.convs, bc_stats_conv, i);
        assert_string_equal(c->conv, convs[i].conv);
        assert_int_equal(c->kind, convs[i].kind);
        assert_int_equal(c->count, convs[i].count);
        assert_int_equal(c->in, convs[i].in);
        assert_int_equal(c->out, convs[i].out);
    }

    for (int h = 0; h < 24; h++) {
        int64_t want = h == 8 ? 11 : h == 9 ? 9 : h == 21 ? 3 : 0;
        if (s.hours[h] != want)
            fail_msg("hour %d: %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT, h, s.hours[h], want);
    }

    /* Replies: 5 7 10 20 31 100 200 -> median 20, p90 = 7th of 7 = 200. */
    assert_int_equal(s.replies, 7);
    assert_true(s.reply_median == 20.0);
    assert_true(s.reply_p90 == 200.0);
    bc_stats_clear(&s);

    /* Since T0 + 5200: alice 20, bob 31, carol 7 -> median 20, p90 31. */
    assert_true(bc_store_stats(st, T0 + 5200, &s, NULL));
    assert_int_equal(s.total, 9);
    assert_int_equal(s.replies, 3);
    assert_true(s.reply_median == 20.0);
    assert_true(s.reply_p90 == 31.0);
    bc_stats_clear(&s);

    /* An even count: the mean of the middle two. */
    msg(st, "dave@example.org", BC_KIND_CHAT, BC_DIR_IN, T0 + 7000);
    msg(st, "dave@example.org", BC_KIND_CHAT, BC_DIR_OUT, T0 + 7025);
    assert_int_equal(flush_ok(st), 2);
    assert_true(bc_store_stats(st, T0 + 5200, &s, NULL));
    assert_int_equal(s.replies, 4);  /* 7 20 25 31 */
    assert_true(s.reply_median == 22.5);
    assert_true(s.reply_p90 == 31.0);
    bc_stats_clear(&s);

    /* Nothing in range. */
    assert_true(bc_store_stats(st, T0 + 999999, &s, NULL));
    assert_int_equal(s.total, 0);
    assert_int_equal(s.days->len, 0);
    assert_int_equal(s.convs->len, 0);
    assert_int_equal(s.replies, 0);
    assert_true(s.reply_median < 0);
    assert_true(s.reply_p90 < 0);
    bc_stats_clear(&s);
    bc_stats_clear(NULL);
    bc_store_close(st);
}

static void test_stats_p90_ranks(void **state)
{
    fixture *f = *state;
    bc_store *st = open_ok(f->db);
    /* Ten replies of 1..10 s (ten conversations): p90 is the 9th value. */
    for (int i = 1; i <= 10; i++) {
        char *conv = g_strdup_printf("u%d@example.org", i);
        msg(st, conv, BC_KIND_CHAT, BC_DIR_IN, T0 + 100 * i);
        msg(st, conv, BC_KIND_CHAT, BC_DIR_OUT, T0 + 100 * i + i);
        g_free(conv);
    }
    assert_int_equal(flush_ok(st), 20);
    bc_stats s;
    assert_true(bc_store_stats(st, 0, &s, NULL));
    assert_int_equal(s.replies, 10);
    assert_true(s.reply_median == 5.5);
    assert_true(s.reply_p90 == 9.0);
    /* Equal counts: ordered by name. */
    assert_string_equal(g_array_index(s.convs, bc_stats_conv, 0).conv, "u10@example.org");
    assert_string_equal(g_array_index(s.convs, bc_stats_conv, 1).conv, "u1@example.org");
    bc_stats_clear(&s);
    bc_store_close(st);
}

int main(void)
{
    use_utc();
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_export_formats),
        T(test_export_filters),
        T(test_export_escapes_controls),
        T(test_export_write_error),
        T(test_stats_known_data),
        T(test_stats_p90_ranks),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
