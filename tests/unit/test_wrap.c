/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for display width and word wrapping of UTF-8 text (src/ui/wrap.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "backchat/wrap.h"

#define CJK "\xe4\xb8\xad"         /* U+4E2D, 2 columns */
#define CJK2 "\xe6\x96\x87"        /* U+6587, 2 columns */
#define EMOJI "\xf0\x9f\x98\x80"   /* U+1F600, 2 columns */
#define EMOJI2 "\xf0\x9f\x91\x8d"  /* U+1F44D, 2 columns */
#define ACUTE "\xcc\x81"           /* U+0301 combining, 0 columns */
#define E_ACUTE "e" ACUTE          /* 1 column, 3 bytes */

/* ---- helpers ----------------------------------------------------------- */

/* Scratch objects shared by the checks, freed by the group teardown (so a
 * failing check, which longjmps out, leaks nothing). */
static GString *rebuilt, *gen;
static GRand *rnd;

static int group_setup(void **state)
{
    (void)state;
    rebuilt = g_string_new(NULL);
    gen = g_string_new(NULL);
    rnd = g_rand_new();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    g_string_free(rebuilt, TRUE);
    g_string_free(gen, TRUE);
    g_rand_free(rnd);
    return 0;
}

/* True if `s[0..len)` starts and ends on character boundaries (valid UTF-8). */
static bool whole_chars(const char *s, size_t len)
{
    return g_utf8_validate(s, (gssize)len, NULL);
}

/* Greedy filling: a row is only ended early when what follows would not
 * fit on it: the next word after a break at spaces, the next character
 * after a break inside a word. */
static void check_greedy(const char *text, int first_width, int width, const bc_wrap_row *rows,
                         size_t count)
{
    size_t n = strlen(text);
    for (size_t r = 0; r + 1 < count; r++) {
        size_t s = rows[r].start, e = s + rows[r].len, s2 = rows[r + 1].start;
        int limit = r == 0 ? first_width : width;
        size_t upto;
        if (e < n && text[e] == '\n')
            continue; /* the row ended at a newline, not for lack of room */
        if (s2 == e) {
            upto = (size_t)(g_utf8_next_char(text + s2) - text);
        } else {
            upto = s2;
            while (upto < n && text[upto] != ' ' && text[upto] != '\n')
                upto++;
        }
        if (bc_str_width(text + s, (long)(upto - s)) <= limit) {
            char *row = g_strndup(text + s, rows[r].len);
            char *more = g_strndup(text + s, upto - s);
            char buf[512];
            snprintf(buf, sizeof buf, "\"%s\" (%d/%d): row %zu is \"%s\" but \"%s\" fits",
                     text, first_width, width, r, row, more);
            g_free(row);
            g_free(more);
            fail_msg("%s", buf);
        }
    }
}

/* Checks every promise of bc_wrap for one text and pair of widths; returns
 * the number of rows. */
static size_t check_wrap_rows(const char *text, int first_width, int width, bool greedy)
{
    bc_wrap_row rows[512];
    size_t n = strlen(text);
    size_t count = bc_wrap(text, first_width, width, rows, G_N_ELEMENTS(rows));
    if (count < 1 || count >= G_N_ELEMENTS(rows))
        fail_msg("\"%s\" (%d/%d): %zu rows", text, first_width, width, count);
    size_t prev_end = 0;
    g_string_truncate(rebuilt, 0);
    for (size_t r = 0; r < count; r++) {
        size_t s = rows[r].start, l = rows[r].len;
        int limit = r == 0 ? first_width : width;
        if (s < prev_end || s + l > n)
            fail_msg("\"%s\" (%d/%d): row %zu [%zu,+%zu) out of order/range", text,
                     first_width, width, r, s, l);
        /* Only spaces were dropped between rows, and at most the one
         * newline that ended the previous row. */
        size_t newlines = 0;
        for (size_t i = prev_end; i < s; i++)
            if (text[i] == '\n' && ++newlines > 1)
                fail_msg("\"%s\" (%d/%d): newline %zu swallowed before row %zu", text,
                         first_width, width, i, r);
        for (size_t i = prev_end; i < s; i++)
            if (text[i] != ' ' && text[i] != '\n')
                fail_msg("\"%s\" (%d/%d): byte %zu (0x%02x) dropped before row %zu", text,
                         first_width, width, i, (unsigned char)text[i], r);
        if (!whole_chars(text + s, l))
            fail_msg("\"%s\" (%d/%d): row %zu splits a character", text, first_width, width,
                     r);
        int w = bc_str_width(text + s, (long)l);
        if (w > limit)
            fail_msg("\"%s\" (%d/%d): row %zu is %d columns wide", text, first_width, width, r,
                     w);
        if (r > 0 && l > 0 && text[s] == ' ')
            fail_msg("\"%s\" (%d/%d): row %zu starts with a space", text, first_width, width,
                     r);
        if (l > 0 && text[s + l - 1] == ' ')
            fail_msg("\"%s\" (%d/%d): row %zu ends with a space", text, first_width, width, r);
        if (r > 0 && l == 0 && !(s > 0 && text[s - 1] == '\n'))
            fail_msg("\"%s\" (%d/%d): row %zu is empty", text, first_width, width, r);
        g_string_append_len(rebuilt, text + prev_end, (gssize)(s - prev_end));
        g_string_append_len(rebuilt, text + s, (gssize)l);
        prev_end = s + l;
    }
    for (size_t i = prev_end; i < n; i++)
        if (text[i] != ' ' && !(text[i] == '\n' && i + 1 == n))
            fail_msg("\"%s\" (%d/%d): text after the last row lost at byte %zu", text,
                     first_width, width, i);
    g_string_append(rebuilt, text + prev_end);
    assert_string_equal(rebuilt->str, text);
    if (greedy)
        check_greedy(text, first_width, width, rows, count);
    return count;
}

static size_t check_wrap(const char *text, int first_width, int width)
{
    return check_wrap_rows(text, first_width, width, false);
}

static void expect_rows(const char *text, int first_width, int width, const char *const *want)
{
    bc_wrap_row rows[64];
    size_t count = bc_wrap(text, first_width, width, rows, G_N_ELEMENTS(rows));
    size_t nwant = 0;
    while (want[nwant])
        nwant++;
    for (size_t i = 0; i < count && i < nwant; i++) {
        char *got = g_strndup(text + rows[i].start, rows[i].len);
        if (strcmp(got, want[i]) != 0) {
            char buf[256];
            snprintf(buf, sizeof buf, "\"%s\" (%d/%d) row %zu: got \"%s\", want \"%s\"", text,
                     first_width, width, i, got, want[i]);
            g_free(got);
            fail_msg("%s", buf);
        }
        g_free(got);
    }
    if (count != nwant)
        fail_msg("\"%s\" (%d/%d): %zu rows, want %zu", text, first_width, width, count, nwant);
    check_wrap(text, first_width, width);
}

/* ---- widths ------------------------------------------------------------- */

static void test_width_ascii(void **state)
{
    (void)state;
    assert_int_equal(bc_str_width("", -1), 0);
    assert_int_equal(bc_str_width("hello", -1), 5);
    assert_int_equal(bc_str_width("hello world", -1), 11);
    assert_int_equal(bc_str_width("hello", 3), 3);
    assert_int_equal(bc_str_width("hello", 0), 0);
}

static void test_width_wide(void **state)
{
    (void)state;
    assert_int_equal(bc_str_width(CJK, -1), 2);
    assert_int_equal(bc_str_width(CJK CJK2, -1), 4);
    assert_int_equal(bc_str_width("a" CJK "b", -1), 4);
    assert_int_equal(bc_str_width(CJK CJK2, 3), 2); /* len in bytes */
    assert_int_equal(bc_str_width(EMOJI, -1), 2);
    assert_int_equal(bc_str_width(EMOJI EMOJI2, -1), 4);
    assert_int_equal(bc_str_width("ok " EMOJI2, -1), 5);
}

static void test_width_combining(void **state)
{
    (void)state;
    assert_int_equal(bc_str_width(ACUTE, -1), 0);
    assert_int_equal(bc_str_width(E_ACUTE, -1), 1);
    assert_int_equal(bc_str_width("caf" E_ACUTE, -1), 4);
    assert_int_equal(bc_str_width("e" ACUTE ACUTE ACUTE, -1), 1);
    /* Precomposed U+00E9 is one column too. */
    assert_int_equal(bc_str_width("caf\xc3\xa9", -1), 4);
}

static void test_width_invalid_bytes(void **state)
{
    (void)state;
    /* Invalid or truncated UTF-8 never crashes and takes some width. */
    assert_int_equal(bc_str_width("\xff", -1), 1);
    assert_int_equal(bc_str_width("a\xc3", -1), 2);
    assert_true(bc_str_width("\xe4\xb8", -1) >= 1);
}

/* ---- wrap ---------------------------------------------------------------- */

static void test_wrap_empty(void **state)
{
    (void)state;
    bc_wrap_row rows[4] = {{99, 99}};
    assert_int_equal(bc_wrap("", 10, 10, rows, 4), 1);
    assert_int_equal(rows[0].start, 0);
    assert_int_equal(rows[0].len, 0);
    assert_int_equal(bc_wrap("", 10, 10, rows, 0), 0);
}

static void test_wrap_fits(void **state)
{
    (void)state;
    expect_rows("hello", 10, 10, (const char *const[]){"hello", NULL});
    expect_rows("hello", 5, 5, (const char *const[]){"hello", NULL});
    expect_rows("hello world", 11, 11, (const char *const[]){"hello world", NULL});
}

/* Newlines (from multi-line messages, or U+2028 turned into one by the
 * sanitizer) end a row; no line after the first is lost. */
static void test_wrap_newlines(void **state)
{
    (void)state;
    expect_rows("ab\ncd", 10, 10, (const char *const[]){"ab", "cd", NULL});
    expect_rows("a\n\nb", 10, 10, (const char *const[]){"a", "", "b", NULL});
    expect_rows("one two three\nfour", 8, 8,
                (const char *const[]){"one two", "three", "four", NULL});
    expect_rows("\nlead", 10, 10, (const char *const[]){"", "lead", NULL});
    expect_rows("x\n", 10, 10, (const char *const[]){"x", NULL});
    expect_rows("日本\n🎉 ok", 4, 4, (const char *const[]){"日本", "🎉", "ok", NULL});
}

static void test_wrap_at_spaces(void **state)
{
    (void)state;
    expect_rows("the quick brown fox", 10, 10,
                (const char *const[]){"the quick", "brown fox", NULL});
    expect_rows("aaa bbb ccc", 4, 4, (const char *const[]){"aaa", "bbb", "ccc", NULL});
    expect_rows("aaaa bbbb", 4, 4, (const char *const[]){"aaaa", "bbbb", NULL});
    /* Several spaces at the break are all dropped. */
    expect_rows("one     two", 5, 5, (const char *const[]){"one", "two", NULL});
    expect_rows("ab cd ef gh", 5, 5, (const char *const[]){"ab cd", "ef gh", NULL});
    /* Trailing spaces are not part of the row. */
    expect_rows("word   ", 10, 10, (const char *const[]){"word", NULL});
}

static void test_wrap_long_word(void **state)
{
    (void)state;
    expect_rows("abcdefghij", 4, 4, (const char *const[]){"abcd", "efgh", "ij", NULL});
    expect_rows("hi abcdefghij", 4, 4,
                (const char *const[]){"hi", "abcd", "efgh", "ij", NULL});
    /* A URL longer than the row. */
    check_wrap("see https://example.org/a/very/long/path/that/does/not/fit ok", 12, 12);
}

static void test_wrap_multibyte(void **state)
{
    (void)state;
    /* 2-column characters in a 5-column row: two per row, never split. */
    expect_rows(CJK CJK2 CJK CJK2 CJK, 5, 5,
                (const char *const[]){CJK CJK2, CJK CJK2, CJK, NULL});
    expect_rows(EMOJI EMOJI2 EMOJI, 3, 3,
                (const char *const[]){EMOJI, EMOJI2, EMOJI, NULL});
    expect_rows("ab " CJK CJK2, 3, 3, (const char *const[]){"ab", CJK, CJK2, NULL});
    /* A combining mark stays with its base letter. */
    expect_rows("abcd" E_ACUTE "f", 5, 5, (const char *const[]){"abcd" E_ACUTE, "f", NULL});
    expect_rows("caf" E_ACUTE " caf" E_ACUTE, 4, 4,
                (const char *const[]){"caf" E_ACUTE, "caf" E_ACUTE, NULL});
}

static void test_wrap_first_width(void **state)
{
    (void)state;
    expect_rows("aaa bbb ccc ddd", 3, 7, (const char *const[]){"aaa", "bbb ccc", "ddd", NULL});
    expect_rows("abcdefgh", 2, 3, (const char *const[]){"ab", "cde", "fgh", NULL});
    /* The first row may also be wider. */
    expect_rows("aa bb cc dd", 8, 2, (const char *const[]){"aa bb cc", "dd", NULL});
}

static void test_wrap_max_rows(void **state)
{
    (void)state;
    bc_wrap_row rows[2];
    assert_int_equal(bc_wrap("a b c d e f", 1, 1, rows, 2), 2);
    assert_int_equal(rows[0].start, 0);
    assert_int_equal(rows[0].len, 1);
    assert_int_equal(rows[1].start, 2);
    assert_int_equal(rows[1].len, 1);
}

/* A wide character in a one-column row still makes progress. */
static void test_wrap_narrower_than_char(void **state)
{
    (void)state;
    bc_wrap_row rows[8];
    size_t n = bc_wrap(CJK CJK2, 1, 1, rows, 8);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].start, 0);
    assert_int_equal(rows[0].len, 3);
    assert_int_equal(rows[1].start, 3);
    assert_int_equal(rows[1].len, 3);
}

/* Many generated texts: every row fits, none starts with a space or splits
 * a character, and rows plus dropped spaces give back the text. */
static void test_wrap_properties(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "a", "bb", "word", "longerword", "x", " ", " ", " ", "  ", CJK, CJK2, EMOJI,
        E_ACUTE, "caf" E_ACUTE, "\xc3\xa9t\xc3\xa9", "https://example.org/path",
    };
    g_rand_set_seed(rnd, 20240607);
    for (int t = 0; t < 400; t++) {
        GString *s = gen;
        g_string_truncate(s, 0);
        int np = g_rand_int_range(rnd, 1, 30);
        for (int p = 0; p < np; p++)
            g_string_append(s, pieces[g_rand_int_range(rnd, 0, G_N_ELEMENTS(pieces))]);
        /* Leading spaces belong to the text (indentation): start with a letter. */
        g_string_prepend_c(s, 'q');
        for (int width = 2; width <= 24; width += 1 + t % 3) {
            int first = g_rand_int_range(rnd, 2, 30);
            check_wrap(s->str, first, width);
            check_wrap(s->str, width, width);
        }
    }
}

/* The same texts: no row is ended while the next word would still fit. */
static void test_wrap_greedy(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "a", "bb", "word", "longerword", "x", " ", " ", " ", "  ", CJK, CJK2, EMOJI,
        E_ACUTE, "caf" E_ACUTE, "\xc3\xa9t\xc3\xa9", "https://example.org/path",
    };
    g_rand_set_seed(rnd, 20240607);
    for (int t = 0; t < 400; t++) {
        GString *s = gen;
        g_string_truncate(s, 0);
        int np = g_rand_int_range(rnd, 1, 30);
        for (int p = 0; p < np; p++)
            g_string_append(s, pieces[g_rand_int_range(rnd, 0, G_N_ELEMENTS(pieces))]);
        g_string_prepend_c(s, 'q');
        for (int width = 2; width <= 24; width += 1 + t % 3)
            check_wrap_rows(s->str, width, width, true);
    }
}

/* ---- fit ----------------------------------------------------------------- */

static void test_fit(void **state)
{
    (void)state;
    assert_int_equal(bc_str_fit("hello", 10), 5);
    assert_int_equal(bc_str_fit("hello", 5), 5);
    assert_int_equal(bc_str_fit("hello", 3), 3);
    assert_int_equal(bc_str_fit("hello", 0), 0);
    assert_int_equal(bc_str_fit("", 4), 0);
    assert_int_equal(bc_str_fit(CJK CJK2, 1), 0);
    assert_int_equal(bc_str_fit(CJK CJK2, 2), 3);
    assert_int_equal(bc_str_fit(CJK CJK2, 3), 3); /* never half a wide char */
    assert_int_equal(bc_str_fit(CJK CJK2, 4), 6);
    assert_int_equal(bc_str_fit("a" EMOJI "b", 2), 1);
    assert_int_equal(bc_str_fit("a" EMOJI "b", 3), 5);
    /* A combining mark belongs to the character before it. */
    assert_int_equal(bc_str_fit(E_ACUTE "x", 1), 3);
    assert_int_equal(bc_str_fit("ab" E_ACUTE, 3), 5);
    /* The prefix is always whole characters and fits. */
    const char *mixed = "h" E_ACUTE "llo " CJK " w" EMOJI "rld";
    for (int c = 0; c < 20; c++) {
        size_t k = bc_str_fit(mixed, c);
        assert_true(whole_chars(mixed, k));
        assert_true(bc_str_width(mixed, (long)k) <= c);
        if (k < strlen(mixed)) {
            /* Adding the next character would not fit. */
            const char *next = g_utf8_next_char(mixed + k);
            assert_true(bc_str_width(mixed, (long)(next - mixed)) > c);
        }
    }
}

int main(void)
{
    if (!setlocale(LC_ALL, "C.UTF-8")) {
        fprintf(stderr, "test_wrap: the C.UTF-8 locale is not available\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrap_newlines),
        cmocka_unit_test(test_width_ascii),
        cmocka_unit_test(test_width_wide),
        cmocka_unit_test(test_width_combining),
        cmocka_unit_test(test_width_invalid_bytes),
        cmocka_unit_test(test_wrap_empty),
        cmocka_unit_test(test_wrap_fits),
        cmocka_unit_test(test_wrap_at_spaces),
        cmocka_unit_test(test_wrap_long_word),
        cmocka_unit_test(test_wrap_multibyte),
        cmocka_unit_test(test_wrap_first_width),
        cmocka_unit_test(test_wrap_max_rows),
        cmocka_unit_test(test_wrap_narrower_than_char),
        cmocka_unit_test(test_wrap_properties),
        cmocka_unit_test(test_wrap_greedy),
        cmocka_unit_test(test_fit),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
