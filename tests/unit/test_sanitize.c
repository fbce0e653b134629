/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for src/core/sanitize.c: the gate between the network and the terminal. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib.h>
#include <string.h>

#include "backchat/sanitize.h"

#define FFFD "\xef\xbf\xbd"

/* ---- helpers ------------------------------------------------------------ */

/* Asserts that `s` is something the sanitizer may output: valid UTF-8, no C0
 * control but LF and TAB (none at all when `line`), no CR, no DEL, no C1
 * code point, no bidi embedding/override/isolate, no U+2028/U+2029. */
static void assert_clean_output(const char *s, int line)
{
    assert_non_null(s);
    assert_true(g_utf8_validate(s, -1, NULL));

    for (const unsigned char *b = (const unsigned char *)s; *b; b++) {
        if (*b < 0x20) {
            if (line)
                fail_msg("control byte 0x%02x in single-line output", *b);
            else if (*b != '\n' && *b != '\t')
                fail_msg("control byte 0x%02x in output", *b);
        }
        assert_int_not_equal(*b, 0x7f);
    }
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c >= 0x80 && c <= 0x9f)
            fail_msg("C1 control U+%04X in output", (unsigned)c);
        if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
            fail_msg("bidi control U+%04X in output", (unsigned)c);
        if (c == 0x2028 || c == 0x2029)
            fail_msg("line/paragraph separator U+%04X in output", (unsigned)c);
    }
}

/* Asserts that none of the bytes that introduce or end terminal control
 * sequences (7-bit or 8-bit) occurs in `s`.  Only meaningful for outputs
 * made of ASCII and U+FFFD (whose bytes are EF BF BD). */
static void assert_no_escape_bytes(const char *s)
{
    static const unsigned char bad[] = {
        0x1b, 0x07, 0x9b, 0x9d, 0x90, 0x9c, 0x9e, 0x9f, 0x98, 0x8d, 0x8e, 0x8f,
    };
    for (size_t i = 0; i < sizeof bad; i++) {
        if (strchr(s, bad[i]) != NULL)
            fail_msg("byte 0x%02x survived in \"%s\"", bad[i], s);
    }
}

/* Sanitizes `len` bytes of `in` (both flavours), checks the output
 * invariants and idempotence, and compares with `want`. */
static void check_len(const char *in, long len, const char *want)
{
    char *out = bc_sanitize(in, len);
    assert_clean_output(out, 0);
    assert_string_equal(out, want);
    assert_true(bc_is_sanitized(out));

    char *again = bc_sanitize(out, -1);
    assert_string_equal(again, out);

    char *ln = bc_sanitize_line(in, len);
    assert_clean_output(ln, 1);
    char *ln2 = bc_sanitize_line(ln, -1);
    assert_string_equal(ln2, ln);

    g_free(ln2);
    g_free(ln);
    g_free(again);
    g_free(out);
}

/* For string literals, so embedded NULs count. */
#define CHECK(lit, want) check_len((lit), (long)sizeof(lit) - 1, (want))

static void check_line(const char *in, long len, const char *want)
{
    char *out = bc_sanitize_line(in, len);
    assert_clean_output(out, 1);
    assert_string_equal(out, want);
    g_free(out);
}

#define CHECK_LINE(lit, want) check_line((lit), (long)sizeof(lit) - 1, (want))

static void check_unchanged(const char *s)
{
    check_len(s, -1, s);
    assert_true(bc_is_sanitized(s));
}

/* ---- tests -------------------------------------------------------------- */

static void test_null_and_empty(void **state)
{
    char *s = bc_sanitize(NULL, 0);
    assert_string_equal(s, "");
    g_free(s);
    s = bc_sanitize(NULL, -1);
    assert_string_equal(s, "");
    g_free(s);
    s = bc_sanitize(NULL, 42);
    assert_string_equal(s, "");
    g_free(s);
    s = bc_sanitize_line(NULL, -1);
    assert_string_equal(s, "");
    g_free(s);

    CHECK("", "");
    check_len("abc", 0, "");
    assert_true(bc_is_sanitized(""));
    assert_false(bc_is_sanitized(NULL));
}

static void test_ascii_unchanged(void **state)
{
    char all[0x7f - 0x20 + 1];
    for (int c = 0x20; c < 0x7f; c++)
        all[c - 0x20] = (char)c;
    all[sizeof all - 1] = '\0';
    check_unchanged(all);
    check_unchanged("Hello, world!");
    check_unchanged("line one\nline two\n\ttabbed\n");
    check_unchanged("[2J ]0;title [31m not escapes without ESC");
}

static void test_multibyte_unchanged(void **state)
{
    static const char *const texts[] = {
        "caf\xc3\xa9 na\xc3\xafve \xc3\x9cn\xc3\xaf\xc3\xa7\xc3\xb6" "d\xc3\xa9", /* café naïve Üniçödé */
        "\xc3\x9b",                                   /* Û: C3 9B, 0x9b as continuation */
        "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",       /* 日本語 */
        "\xe4\xb8\xad\xe6\x96\x87 \xed\x95\x9c\xea\xb5\xad\xec\x96\xb4", /* 中文 한국어 */
        "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d",           /* שלום */
        "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7",   /* مرحبا */
        "\xf0\x9f\x91\x8d",                           /* 👍 */
        "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",           /* 👍🏽 skin tone */
        /* 👨‍👩‍👧‍👦 family: ZWJ sequence */
        "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d"
        "\xf0\x9f\x91\xa7\xe2\x80\x8d\xf0\x9f\x91\xa6",
        /* 👩🏿‍💻 skin tone + ZWJ */
        "\xf0\x9f\x91\xa9\xf0\x9f\x8f\xbf\xe2\x80\x8d\xf0\x9f\x92\xbb",
        /* 🏳️‍🌈 with VS16 */
        "\xf0\x9f\x8f\xb3\xef\xb8\x8f\xe2\x80\x8d\xf0\x9f\x8c\x88",
        "\xf0\x9f\x87\xab\xf0\x9f\x87\xb7",           /* 🇫🇷 flag pair */
        "a\xe2\x80\x8e" "b\xe2\x80\x8f" "c\xd8\x9c",  /* LRM, RLM, ALM kept */
        "zw\xe2\x80\x8cnj",                           /* ZWNJ kept */
        "\xef\xbb\xbf" "bom",                         /* U+FEFF kept */
        FFFD,                                         /* U+FFFD kept */
        "\xc2\xa0\xc2\xa9\xc2\xae",                   /* U+00A0 (first after C1) */
        "\xed\x9f\xbf",                               /* U+D7FF, just below surrogates */
        "\xee\x80\x80",                               /* U+E000, just above */
        "\xef\xbf\xbf",                               /* U+FFFF */
        "\xf0\x90\x80\x80",                           /* U+10000 */
        "\xf4\x8f\xbf\xbf",                           /* U+10FFFF */
        "\xe2\x80\xa7\xe2\x80\xaf",                   /* U+2027, U+202F neighbours */
        "\xe2\x81\xa5\xe2\x81\xaa",                   /* U+2065, U+206A neighbours */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(texts); i++)
        check_unchanged(texts[i]);
}

static void test_c0_dropped(void **state)
{
    for (int b = 0; b < 0x20; b++) {
        char in[3] = { 'a', (char)b, 'z' };
        char *out = bc_sanitize(in, 3);
        assert_clean_output(out, 0);
        if (b == '\n')
            assert_string_equal(out, "a\nz");
        else if (b == '\t')
            assert_string_equal(out, "a\tz");
        else if (b == '\r')
            assert_string_equal(out, "a\nz");
        else
            assert_string_equal(out, "az");
        g_free(out);
    }
    /* All of them at once. */
    char all[0x20];
    for (int b = 0; b < 0x20; b++)
        all[b] = (char)b;
    check_len(all, sizeof all, "\t\n\n");
}

static void test_del_dropped(void **state)
{
    CHECK("a\x7f" "b", "ab");
    CHECK("\x7f\x7f\x7f", "");
}

static void test_c1_utf8_dropped(void **state)
{
    for (unsigned cp = 0x80; cp <= 0x9f; cp++) {
        char in[4] = { 'a', (char)(0xc0 | (cp >> 6)), (char)(0x80 | (cp & 0x3f)), 'z' };
        char *out = bc_sanitize(in, 4);
        assert_string_equal(out, "az");
        g_free(out);
    }
    CHECK("\xc2\x9b" "31m", "31m");                      /* CSI */
    CHECK("\xc2\x9d" "0;title\xc2\x9c", "0;title");      /* OSC ... ST */
    CHECK("\xc2\x90" "q\xc2\x9c", "q");                  /* DCS */
    CHECK("\xc2\x98" "x\xc2\x9c", "x");                  /* SOS */
    CHECK("\xc2\x9e" "x\xc2\x9c", "x");                  /* PM */
    CHECK("\xc2\x9f" "x\xc2\x9c", "x");                  /* APC */
    CHECK("\xc2\x85", "");                               /* NEL is C1 too */
}

static void test_escape_smuggling(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        { "\x1b[2J", "[2J" },
        { "\x1b[31mred\x1b[0m", "[31mred[0m" },
        { "\x1b]0;title\x07", "]0;title" },
        { "\x1b]52;c;aGVsbG8=\x07", "]52;c;aGVsbG8=" },        /* OSC 52 clipboard */
        { "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "]8;;http://x\\link]8;;\\" },
        { "\x1bPq#0;2;0;0;0\x1b\\", "Pq#0;2;0;0;0\\" },         /* DCS sixel */
        { "\x1b_Gf=100;AAAA\x1b\\", "_Gf=100;AAAA\\" },         /* APC kitty */
        { "\x1b^pm\x1b\\", "^pm\\" },                            /* PM */
        { "\x1bXsos\x1b\\", "Xsos\\" },                          /* SOS */
        { "\x1b" "c", "c" },                                     /* RIS reset */
        { "\x1b[6n", "[6n" },                                    /* DSR: answerback */
        { "\x1b[?1049h", "[?1049h" },                            /* alt screen */
        { "\x9b" "31m", FFFD "31m" },                            /* raw 8-bit CSI */
        { "\x9d" "0;t\x9c", FFFD "0;t" FFFD },                   /* raw 8-bit OSC/ST */
        { "\x90q\x9c", FFFD "q" FFFD },                          /* raw 8-bit DCS */
        { "\x1b\xff[2J", FFFD "[2J" },                           /* split by bad byte */
        { "\xff\x1b[2J", FFFD "[2J" },
        { "\x1b\x1b[[2J", "[[2J" },
        { "\x07\x07" "bell", "bell" },
        { "\x0e\x0fshift", "shift" },                            /* SO/SI charset switch */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        check_len(cases[i].in, -1, cases[i].want);
        char *out = bc_sanitize(cases[i].in, -1);
        assert_no_escape_bytes(out);
        g_free(out);
        char *ln = bc_sanitize_line(cases[i].in, -1);
        assert_no_escape_bytes(ln);
        g_free(ln);
    }
    /* Split by a NUL (explicit length): the NUL is dropped, nothing joins. */
    CHECK("\x1b\x00[2J", "[2J");
    CHECK("\x00\x1b\x00]0;t\x00\x07", "]0;t");
}

static void test_overlong(void **state)
{
    CHECK("\xc0\x9b", FFFD FFFD);                  /* ESC, 2 bytes */
    CHECK("\xe0\x80\x9b", FFFD FFFD FFFD);         /* ESC, 3 bytes */
    CHECK("\xf0\x80\x80\x9b", FFFD FFFD FFFD FFFD); /* ESC, 4 bytes */
    CHECK("\xc0\x80", FFFD FFFD);                  /* NUL, "modified UTF-8" */
    CHECK("\xc1\xbf", FFFD FFFD);                  /* U+007F */
    CHECK("\xc0\xaf", FFFD FFFD);                  /* '/' */
    CHECK("\xe0\x9f\xbf", FFFD FFFD FFFD);         /* U+07FF overlong */
    CHECK("\xf0\x8f\xbf\xbf", FFFD FFFD FFFD FFFD); /* U+FFFF overlong */
    CHECK("\xe0\x82\x9b", FFFD FFFD FFFD);         /* U+009B overlong */
    CHECK("\xe0\x80\x8a", FFFD FFFD FFFD);         /* LF overlong: not a newline */
    /* The smallest well-formed ones are fine. */
    CHECK("\xc2\xa0", "\xc2\xa0");
    CHECK("\xe0\xa0\x80", "\xe0\xa0\x80");
    CHECK("\xf0\x90\x80\x80", "\xf0\x90\x80\x80");

    char *out = bc_sanitize("\xc0\x9b[2J", -1);
    assert_null(strchr(out, 0x1b));
    assert_null(strchr(out, 0x9b));
    g_free(out);
}

static void test_surrogates_and_range(void **state)
{
    CHECK("\xed\xa0\x80", FFFD FFFD FFFD);          /* U+D800 */
    CHECK("\xed\xbf\xbf", FFFD FFFD FFFD);          /* U+DFFF */
    CHECK("\xed\xb0\x80", FFFD FFFD FFFD);          /* U+DC00 */
    /* CESU-8 pair for U+1F600 */
    CHECK("\xed\xa0\xbd\xed\xb8\x80", FFFD FFFD FFFD FFFD FFFD FFFD);
    CHECK("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* U+110000 */
    CHECK("\xf5\x80\x80\x80", FFFD FFFD FFFD FFFD);
    CHECK("\xf7\xbf\xbf\xbf", FFFD FFFD FFFD FFFD); /* U+1FFFFF */
    CHECK("\xf8\x88\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD);
    CHECK("\xfc\x84\x80\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD FFFD);
    CHECK("\xfe\xff", FFFD FFFD);
    CHECK("\xff", FFFD);
    CHECK("\x80", FFFD);                             /* lone continuation */
    CHECK("a\xbf" "b", "a" FFFD "b");
}

static void test_truncated(void **state)
{
    CHECK("abc\xe2\x82", "abc" FFFD FFFD);
    CHECK("\xf0\x9f\x98", FFFD FFFD FFFD);
    CHECK("\xc3", FFFD);
    CHECK("\xe2\x82x", FFFD FFFD "x");
    CHECK("\xf0\x9f\x98\xe2\x82\xac", FFFD FFFD FFFD "\xe2\x82\xac");
    CHECK("\xe2\x1b[2J", FFFD "[2J");
    /* A length that cuts a valid sequence. */
    check_len("\xc3\xa9", 1, FFFD);
    check_len("\xf0\x9f\x91\x8d", 3, FFFD FFFD FFFD);

    /* Exactly-sized heap buffers without a NUL: ASan catches any over-read. */
    static const char *const tails[] = { "\xe2\x82", "\xf0\x9f\x98", "\xc3", "a\r", "\xf4" };
    for (size_t i = 0; i < G_N_ELEMENTS(tails); i++) {
        size_t n = strlen(tails[i]);
        char *buf = g_malloc(n);
        memcpy(buf, tails[i], n);
        char *out = bc_sanitize(buf, (long)n);
        assert_clean_output(out, 0);
        g_free(out);
        out = bc_sanitize_line(buf, (long)n);
        assert_clean_output(out, 1);
        g_free(out);
        g_free(buf);
    }
}

static void test_bidi_dropped(void **state)
{
    for (unsigned cp = 0x202a; cp <= 0x202e; cp++) {
        char in[8];
        int n = g_unichar_to_utf8(cp, in + 1);
        in[0] = 'a';
        in[n + 1] = 'z';
        check_len(in, n + 2, "az");
    }
    for (unsigned cp = 0x2066; cp <= 0x2069; cp++) {
        char in[8];
        int n = g_unichar_to_utf8(cp, in + 1);
        in[0] = 'a';
        in[n + 1] = 'z';
        check_len(in, n + 2, "az");
    }
    /* "Trojan source" file name trick: RLO ... PDF */
    CHECK("invoice\xe2\x80\xaegpj.exe", "invoicegpj.exe");
    CHECK("\xe2\x81\xa7" "abc\xe2\x81\xa9", "abc");
    /* Marks are kept. */
    CHECK("a\xe2\x80\x8e" "b\xe2\x80\x8f", "a\xe2\x80\x8e" "b\xe2\x80\x8f");
}

static void test_newlines(void **state)
{
    CHECK("a\r\nb", "a\nb");
    CHECK("a\rb", "a\nb");
    CHECK("a\r\r\nb", "a\n\nb");
    CHECK("a\n\rb", "a\n\nb");
    CHECK("a\r\n\r\nb", "a\n\nb");
    CHECK("a\r", "a\n");
    CHECK("\r\n", "\n");
    CHECK("\r", "\n");
    CHECK("\r\x00\n", "\n\n");
    CHECK("a\xe2\x80\xa8" "b", "a\nb");   /* U+2028 */
    CHECK("a\xe2\x80\xa9" "b", "a\nb");   /* U+2029 */
    CHECK("a\n\nb", "a\n\nb");
    /* The length ends before the LF: a lone CR, no read past it. */
    check_len("a\r\n", 2, "a\n");
}

static void test_nul_in_middle(void **state)
{
    CHECK("ab\x00" "cd", "abcd");
    CHECK("\x00\x00x\x00\x00y\x00", "xy");
    CHECK("\x00", "");
    /* With len < 0 the first NUL ends the input. */
    check_len("ab\x00" "cd", -1, "ab");
}

static void test_line(void **state)
{
    CHECK_LINE("a\nb\tc", "a b c");
    CHECK_LINE("a\r\nb", "a b");
    CHECK_LINE("a\rb", "a b");
    CHECK_LINE("a\n\nb", "a  b");
    CHECK_LINE("a\xe2\x80\xa8" "b\xe2\x80\xa9" "c", "a b c");
    CHECK_LINE("\x1b[31mred\x1b[0m", "[31mred[0m");
    CHECK_LINE("Alice\x1b]0;pwned\x07", "Alice]0;pwned");
    CHECK_LINE("x\xe2\x80\xae" "y", "xy");
    CHECK_LINE("\xff" "a", FFFD "a");
    CHECK_LINE("ab\x00" "cd", "abcd");
    CHECK_LINE("", "");
    check_line("a\r\n", 2, "a ");
    /* A sanitized line is also sanitized in the multi-line sense. */
    char *ln = bc_sanitize_line("status:\r\n\tbusy", -1);
    assert_string_equal(ln, "status:  busy");
    assert_true(bc_is_sanitized(ln));
    g_free(ln);
}

static void test_is_sanitized(void **state)
{
    static const char *const clean[] = {
        "", "hello", "a\nb\tc", "\n", "\t",
        "\xe6\x97\xa5\xe6\x9c\xac", FFFD,
        "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9",
        "\xe2\x80\x8e", "\xf4\x8f\xbf\xbf",
    };
    static const char *const dirty[] = {
        "\x1b", "a\x1b[2J", "\r", "a\r\nb", "x\x7f", "\x01", "\x1f",
        "\xc2\x9b", "\xc2\x80", "\xc2\x9f", "\x9b", "\xff", "\xc0\x80",
        "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "abc\xc3",
        "\xe2\x80\xae", "\xe2\x80\xaa", "\xe2\x81\xa6", "\xe2\x81\xa9",
        "\xe2\x80\xa8", "\xe2\x80\xa9",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(clean); i++) {
        assert_true(bc_is_sanitized(clean[i]));
        char *out = bc_sanitize(clean[i], -1);
        assert_string_equal(out, clean[i]);
        g_free(out);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(dirty); i++) {
        if (bc_is_sanitized(dirty[i]))
            fail_msg("dirty[%zu] reported as sanitized", i);
        char *out = bc_sanitize(dirty[i], -1);
        assert_string_not_equal(out, dirty[i]);
        assert_true(bc_is_sanitized(out));
        g_free(out);
    }
}

/* Every single byte, and every pair of bytes. */
static void test_exhaustive_short(void **state)
{
    for (int b = 0; b < 256; b++) {
        char in[1] = { (char)b };
        char *out = bc_sanitize(in, 1);
        if (b == '\t' || b == '\n' || (b >= 0x20 && b < 0x7f)) {
            assert_int_equal(strlen(out), 1);
            assert_int_equal((unsigned char)out[0], b);
        } else if (b == '\r') {
            assert_string_equal(out, "\n");
        } else if (b < 0x80) {
            assert_string_equal(out, "");
        } else {
            assert_string_equal(out, FFFD);
        }
        g_free(out);
    }
    for (int a = 0; a < 256; a++) {
        for (int b = 0; b < 256; b++) {
            char in[2] = { (char)a, (char)b };
            char *out = bc_sanitize(in, 2);
            assert_clean_output(out, 0);
            assert_true(bc_is_sanitized(out));
            char *ln = bc_sanitize_line(in, 2);
            assert_clean_output(ln, 1);
            assert_true(bc_is_sanitized(ln));
            g_free(ln);
            g_free(out);
        }
    }
}

/* Every Unicode scalar value, encoded by glib, is kept, dropped or turned
 * into LF exactly as specified; and each surrogate encoding is rejected. */
static void test_every_code_point(void **state)
{
    for (gunichar c = 0; c <= 0x10ffff; c++) {
        char in[8];
        if (c >= 0xd800 && c <= 0xdfff) {
            in[0] = (char)(0xe0 | (c >> 12));
            in[1] = (char)(0x80 | ((c >> 6) & 0x3f));
            in[2] = (char)(0x80 | (c & 0x3f));
            char *out = bc_sanitize(in, 3);
            assert_string_equal(out, FFFD FFFD FFFD);
            g_free(out);
            continue;
        }
        int n = g_unichar_to_utf8(c, in);
        in[n] = '\0';
        char *out = bc_sanitize(in, n);
        gboolean drop = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
                    (c >= 0x7f && c <= 0x9f) ||
                    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
        gboolean nl = c == '\r' || c == 0x2028 || c == 0x2029;
        if (drop)
            assert_string_equal(out, "");
        else if (nl)
            assert_string_equal(out, "\n");
        else if (strcmp(out, in) != 0)
            fail_msg("U+%04X changed", (unsigned)c);
        /* U+0000 as a C string is "", which is sanitized. */
        if (!bc_is_sanitized(in) != !(c == 0 || (!drop && !nl)))
            fail_msg("bc_is_sanitized wrong for U+%04X", (unsigned)c);
        g_free(out);
    }
}

static void test_idempotent(void **state)
{
    static const char *const in[] = {
        "a\r\r\n\rb", "\xc0\x9b\x1b\x9b", "\xe2\x80\xa8\r\n", "\xf0\x9f\x98",
        "x\xed\xa0\x80y", "\t\n\t", "\xe2\x80\xae\xe2\x81\xa6",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(in); i++) {
        char *a = bc_sanitize(in[i], -1);
        char *b = bc_sanitize(a, -1);
        assert_string_equal(a, b);
        char *c = bc_sanitize_line(in[i], -1);
        char *d = bc_sanitize_line(c, -1);
        assert_string_equal(c, d);
        g_free(a);
        g_free(b);
        g_free(c);
        g_free(d);
    }
}

static void test_worst_case_growth(void **state)
{
    size_t n = 4096;
    char *in = g_malloc(n);
    memset(in, 0xff, n);
    char *out = bc_sanitize(in, (long)n);
    assert_int_equal(strlen(out), 3 * n);
    assert_clean_output(out, 0);
    g_free(out);
    g_free(in);
}

/* 8 MiB of random bytes mixed with escape sequences and valid UTF-8. */
static void test_large_mixed(void **state)
{
    static const char *const pieces[] = {
        "\x1b[2J", "\x1b]52;c;AAAA\x07", "\r\n", "\r", "\xe2\x80\xae",
        "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", "\xc2\x9b", "\xc0\x9b",
        "\xe6\x97\xa5", "\xed\xa0\x80", "hello ", "\x00", "\xe2\x80\xa8",
    };
    const size_t n = 8u << 20;
    char *in = g_malloc(n);
    GRand *r = g_rand_new_with_seed(20240601);
    size_t i = 0;
    while (i < n) {
        if (g_rand_boolean(r)) {
            in[i++] = (char)g_rand_int_range(r, 0, 256);
        } else {
            const char *p = pieces[g_rand_int_range(r, 0, G_N_ELEMENTS(pieces))];
            size_t k = *p ? strlen(p) : 1;
            if (i + k > n)
                k = n - i;
            memcpy(in + i, p, k);
            i += k;
        }
    }
    g_rand_free(r);

    char *out = bc_sanitize(in, (long)n);
    assert_true(strlen(out) <= 3 * n);
    assert_true(g_utf8_validate(out, -1, NULL));
    assert_clean_output(out, 0);
    assert_true(bc_is_sanitized(out));
    assert_null(strchr(out, 0x1b));
    assert_null(strchr(out, '\r'));
    char *again = bc_sanitize(out, -1);
    assert_string_equal(again, out);
    g_free(again);

    char *ln = bc_sanitize_line(in, (long)n);
    assert_clean_output(ln, 1);
    g_free(ln);
    g_free(out);

    /* 8 MiB of clean multi-byte text comes back byte for byte. */
    static const char unit[] = "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x91\x8d\n";
    size_t u = sizeof unit - 1;
    size_t m = (n / u) * u;
    for (size_t j = 0; j < m; j += u)
        memcpy(in + j, unit, u);
    out = bc_sanitize(in, (long)m);
    assert_int_equal(strlen(out), m);
    assert_memory_equal(out, in, m);
    g_free(out);
    g_free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_and_empty),
        cmocka_unit_test(test_ascii_unchanged),
        cmocka_unit_test(test_multibyte_unchanged),
        cmocka_unit_test(test_c0_dropped),
        cmocka_unit_test(test_del_dropped),
        cmocka_unit_test(test_c1_utf8_dropped),
        cmocka_unit_test(test_escape_smuggling),
        cmocka_unit_test(test_overlong),
        cmocka_unit_test(test_surrogates_and_range),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_bidi_dropped),
        cmocka_unit_test(test_newlines),
        cmocka_unit_test(test_nul_in_middle),
        cmocka_unit_test(test_line),
        cmocka_unit_test(test_is_sanitized),
        cmocka_unit_test(test_exhaustive_short),
        cmocka_unit_test(test_every_code_point),
        cmocka_unit_test(test_idempotent),
        cmocka_unit_test(test_worst_case_growth),
        cmocka_unit_test(test_large_mixed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
