/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for src/core/jid.c: JID parsing, validation, bare JIDs and comparison. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib.h>
#include <string.h>

#include "backchat/jid.h"

/* ---- helpers ------------------------------------------------------------ */

/* A string of `n` copies of `c`, newly allocated. */
static char *repeat(char c, size_t n)
{
    char *s = g_malloc(n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

static void assert_str_or_null(const char *got, const char *want)
{
    if (want == NULL)
        assert_null(got);
    else
        assert_string_equal(got, want);
}

/* Parses `s` and checks each part (NULL = absent). */
static void expect_parts(const char *s, const char *local, const char *domain,
                         const char *resource)
{
    bc_jid *j = bc_jid_parse(s);
    if (j == NULL)
        fail_msg("\"%s\" should be a valid JID", s);
    assert_str_or_null(j->local, local);
    assert_non_null(j->domain);
    assert_string_equal(j->domain, domain);
    assert_str_or_null(j->resource, resource);
    bc_jid_free(j);
    assert_true(bc_jid_is_valid(s));
}

static void expect_invalid(const char *s)
{
    bc_jid *j = bc_jid_parse(s);
    if (j != NULL) {
        bc_jid_free(j);
        fail_msg("\"%s\" should be rejected", s ? s : "(null)");
    }
    assert_false(bc_jid_is_valid(s));
    assert_null(bc_jid_bare(s));
    assert_null(bc_jid_resource(s));
    assert_null(bc_jid_display(s));
    assert_false(bc_jid_bare_equal(s, s));
    assert_false(bc_jid_bare_equal(s, "example.com"));
    assert_false(bc_jid_bare_equal("example.com", s));
}

/* ---- tests -------------------------------------------------------------- */

static void test_valid_forms(void **state)
{
    expect_parts("example.com", NULL, "example.com", NULL);
    expect_parts("user@example.com", "user", "example.com", NULL);
    expect_parts("user@example.com/res", "user", "example.com", "res");
    expect_parts("example.com/res", NULL, "example.com", "res");
    expect_parts("localhost", NULL, "localhost", NULL);
    expect_parts("a@b", "a", "b", NULL);
    expect_parts("192.0.2.1", NULL, "192.0.2.1", NULL);
    expect_parts("x@sub-domain.my_host.example", "x", "sub-domain.my_host.example", NULL);

    /* The resource is everything after the first "/". */
    expect_parts("user@example.com/res/with/slashes", "user", "example.com", "res/with/slashes");
    expect_parts("user@example.com/nick@home", "user", "example.com", "nick@home");
    expect_parts("room@conf.example.com/a@b/c", "room", "conf.example.com", "a@b/c");
    expect_parts("example.com/@", NULL, "example.com", "@");
    expect_parts("example.com//", NULL, "example.com", "/");
    /* "/" before any "@": the "@" belongs to the resource. */
    expect_parts("a/b@c", NULL, "a", "b@c");
    /* Resource characters forbidden in the local part are fine there. */
    expect_parts("u@d/\"&':<>", "u", "d", "\"&':<>");

    /* Local-part characters that are allowed. */
    expect_parts("a.b+c_d-e!#$%*=?^{|}~@x", "a.b+c_d-e!#$%*=?^{|}~", "x", NULL);

    /* IP literals. */
    expect_parts("[::1]", NULL, "[::1]", NULL);
    expect_parts("user@[2001:db8::1]/r", "user", "[2001:db8::1]", "r");
    expect_parts("[2001:DB8::A]", NULL, "[2001:db8::a]", NULL);
    expect_parts("[::ffff:192.0.2.1]", NULL, "[::ffff:192.0.2.1]", NULL);

    /* One trailing dot is stripped. */
    expect_parts("example.com.", NULL, "example.com", NULL);
    expect_parts("user@example.com./r", "user", "example.com", "r");

    /* The domain is lower-cased; the local part and resource keep their case
     * in the parsed form. */
    expect_parts("User@EXAMPLE.Com/Phone", "User", "example.com", "Phone");

    /* Non-ASCII. */
    expect_parts("j\xc3\xbcrgen@m\xc3\xbcnchen.de", "j\xc3\xbcrgen", "m\xc3\xbcnchen.de", NULL);
    expect_parts("\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90.\xe6\xb5\x8b\xe8\xaf\x95",
                 "\xe7\x94\xa8\xe6\x88\xb7", "\xe4\xbe\x8b\xe5\xad\x90.\xe6\xb5\x8b\xe8\xaf\x95", NULL);
    expect_parts("room@muc.example/\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",
                 "room", "muc.example", "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb");
}

static void test_limits(void **state)
{
    char *l1023 = repeat('l', 1023), *l1024 = repeat('l', 1024);
    char *r1023 = repeat('r', 1023), *r1024 = repeat('r', 1024);
    char *d1023 = repeat('d', 1023), *d1024 = repeat('d', 1024);

    char *s = g_strconcat(l1023, "@", d1023, "/", r1023, NULL);
    expect_parts(s, l1023, d1023, r1023);
    g_free(s);

    s = g_strconcat(l1024, "@example.com", NULL);
    expect_invalid(s);
    g_free(s);
    s = g_strconcat("u@", d1024, NULL);
    expect_invalid(s);
    g_free(s);
    s = g_strconcat(d1024, NULL);
    expect_invalid(s);
    g_free(s);
    s = g_strconcat("u@example.com/", r1024, NULL);
    expect_invalid(s);
    g_free(s);

    /* 1023 bytes plus the stripped trailing dot is fine. */
    s = g_strconcat(d1023, ".", NULL);
    expect_parts(s, NULL, d1023, NULL);
    g_free(s);

    /* The limit is in bytes, not characters: 341 * 3 = 1023, 342 * 3 = 1026. */
    GString *g = g_string_new(NULL);
    for (int i = 0; i < 341; i++)
        g_string_append(g, "\xe6\x97\xa5");
    g_string_append(g, "@x");
    assert_true(bc_jid_is_valid(g->str));
    g_string_insert(g, 0, "\xe6\x97\xa5");
    assert_false(bc_jid_is_valid(g->str));
    g_string_free(g, TRUE);

    g_free(l1023);
    g_free(l1024);
    g_free(r1023);
    g_free(r1024);
    g_free(d1023);
    g_free(d1024);
}

static void test_invalid_structure(void **state)
{
    expect_invalid(NULL);
    expect_invalid("");
    expect_invalid("@");
    expect_invalid("/");
    expect_invalid("@/");
    expect_invalid("@example.com");
    expect_invalid("@example.com/r");
    expect_invalid("user@");
    expect_invalid("user@/res");
    expect_invalid("example.com/");
    expect_invalid("user@example.com/");
    expect_invalid("/res");
    /* Two "@" before the "/". */
    expect_invalid("a@b@c");
    expect_invalid("a@@b");
    expect_invalid("@a@b");
    expect_invalid("a@b@c/r");
}

static void test_space_inside_resource(void **state)
{
    /* Group chat nicknames have spaces: "room@service/Jane Doe". */
    assert_true(bc_jid_is_valid("room@conference.example.com/Jane Doe"));
    char *r = bc_jid_resource("room@conference.example.com/Jane  Q. Doe");
    assert_non_null(r);
    assert_string_equal(r, "Jane  Q. Doe");
    g_free(r);
    char *b = bc_jid_bare("Room@Conference.example.com/Jane Doe");
    assert_string_equal(b, "room@conference.example.com");
    g_free(b);
}

static void test_invalid_chars(void **state)
{
    /* Whitespace anywhere. */
    expect_invalid("a b@example.com");
    expect_invalid("a@exa mple.com");
    expect_invalid("a@example.com/ phone");   /* resource: not at either end */
    expect_invalid("a@example.com/phone ");
    expect_invalid("a@example.com/ ");
    expect_invalid(" a@example.com");
    expect_invalid("a@example.com ");
    expect_invalid("a\t@example.com");
    expect_invalid("a@example.com\n");
    expect_invalid("a@example.com/r\r");
    expect_invalid("a\xc2\xa0" "b@example.com");       /* U+00A0 */
    expect_invalid("a@example.com/\xe2\x80\x83");       /* U+2003 EM SPACE */
    expect_invalid("a\xe3\x80\x80" "b@x");              /* U+3000 */
    expect_invalid("a@x/\xe2\x80\xa8");                 /* U+2028 */
    expect_invalid("a@x/\xe1\x9a\x80");                 /* U+1680 OGHAM SPACE */

    /* Control characters anywhere. */
    expect_invalid("a\x01@example.com");
    expect_invalid("a@exam\x1bple.com");
    expect_invalid("a@example.com/\x1b[2J");
    expect_invalid("a@example.com\x7f");
    expect_invalid("a\x0b@x");
    expect_invalid("a\xc2\x85@x");                      /* NEL */
    expect_invalid("a@x/\xc2\x9b" "31m");               /* C1 CSI */

    /* Bidi embedding/override/isolate controls. */
    expect_invalid("a\xe2\x80\xae" "b@x");              /* U+202E */
    expect_invalid("a@x/\xe2\x81\xa6");                 /* U+2066 */

    /* Forbidden local-part characters. */
    const char *forbidden = "\"&':<>";
    for (const char *f = forbidden; *f; f++) {
        char s[32];
        g_snprintf(s, sizeof s, "a%cb@example.com", *f);
        expect_invalid(s);
        g_snprintf(s, sizeof s, "%c@example.com", *f);
        expect_invalid(s);
    }

    /* Characters no domain label may hold. */
    expect_invalid("a@example.com:5222");
    expect_invalid("a@<example.com>");
    expect_invalid("a@exa\"mple.com");
    expect_invalid("a@exa'mple.com");
    expect_invalid("a@exa&mple.com");
    expect_invalid("a@exa,mple.com");
    expect_invalid("a@exa\\mple.com");
    expect_invalid("a@exa]mple.com");
}

static void test_invalid_domain(void **state)
{
    expect_invalid("a..b");
    expect_invalid(".example.com");
    expect_invalid("example.com..");
    expect_invalid("example..com");
    expect_invalid(".");
    expect_invalid("..");
    expect_invalid("u@.");
    expect_invalid("u@.example.com");
    expect_invalid("u@example..com/r");
    expect_invalid("u@./r");

    /* IPv6 literals. */
    expect_invalid("[::1");
    expect_invalid("::1]");
    expect_invalid("[]");
    expect_invalid("[");
    expect_invalid("[::g]");
    expect_invalid("[1.2.3.4]");
    expect_invalid("[::1].");
    expect_invalid("[::1]x");
    expect_invalid("x[::1]");
    expect_invalid("[::1]]");
    expect_invalid("[[::1]]");
    expect_invalid("[fe80::1%eth0]");
    expect_invalid("[1:2:3:4:5:6:7:8:9]");
    expect_invalid("[0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000]");
    expect_invalid("::1");
}

static void test_invalid_utf8(void **state)
{
    expect_invalid("\xff@example.com");
    expect_invalid("a@\xc3");
    expect_invalid("a@b/\xed\xa0\x80");                 /* surrogate */
    expect_invalid("\xc0\xae@x");                       /* overlong '.' */
    expect_invalid("a@x/\xc0\xaf");                     /* overlong '/' */
    expect_invalid("a@x/\xf4\x90\x80\x80");             /* > U+10FFFF */
    expect_invalid("a@x/r\xe2\x82");                    /* truncated */
    expect_invalid("a\x80@x");                          /* lone continuation */
}

static void test_bare(void **state)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        { "User@Example.COM/Res", "user@example.com" },
        { "user@example.com", "user@example.com" },
        { "EXAMPLE.COM", "example.com" },
        { "EXAMPLE.COM/Res", "example.com" },
        { "a@b.c./r", "a@b.c" },
        { "MiXeD@[2001:DB8::1]/x", "mixed@[2001:db8::1]" },
        /* ASCII folding only: non-ASCII letters keep their case. */
        { "\xc3\x9cmit@X.org", "\xc3\x9cmit@x.org" },
        { "Room@Conf.Example/Nick@Home/x", "room@conf.example" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *b = bc_jid_bare(cases[i].in);
        assert_non_null(b);
        assert_string_equal(b, cases[i].want);
        /* A bare JID is valid, has no resource and is its own bare JID. */
        assert_true(bc_jid_is_valid(b));
        assert_null(bc_jid_resource(b));
        char *bb = bc_jid_bare(b);
        assert_string_equal(bb, b);
        g_free(bb);
        g_free(b);
    }
    assert_null(bc_jid_bare(NULL));
    assert_null(bc_jid_bare(""));
    assert_null(bc_jid_bare("a b@c"));
}

static void test_resource(void **state)
{
    char *r = bc_jid_resource("a@b/Res/x@y");
    assert_string_equal(r, "Res/x@y");
    g_free(r);
    r = bc_jid_resource("b/Phone");
    assert_string_equal(r, "Phone");
    g_free(r);
    r = bc_jid_resource("a/b@c");
    assert_string_equal(r, "b@c");
    g_free(r);
    assert_null(bc_jid_resource("a@b"));
    assert_null(bc_jid_resource("b"));
    assert_null(bc_jid_resource("a@b/"));
    assert_null(bc_jid_resource("a@b c/r"));
    assert_null(bc_jid_resource(NULL));
}

static void test_bare_equal(void **state)
{
    assert_true(bc_jid_bare_equal("Alice@Example.com/phone", "alice@example.com/laptop"));
    assert_true(bc_jid_bare_equal("alice@example.com", "alice@example.com"));
    assert_true(bc_jid_bare_equal("alice@example.com.", "ALICE@EXAMPLE.COM"));
    assert_true(bc_jid_bare_equal("example.com/a", "Example.Com/b"));
    assert_false(bc_jid_bare_equal("[::1]", "[0::1]")); /* textual compare */

    assert_false(bc_jid_bare_equal("alice@example.com", "bob@example.com"));
    assert_false(bc_jid_bare_equal("alice@example.com", "alice@example.org"));
    assert_false(bc_jid_bare_equal("example.com", "alice@example.com"));
    assert_false(bc_jid_bare_equal("alice@example.com", "example.com/alice"));
    assert_false(bc_jid_bare_equal("\xc3\x9c@x", "\xc3\xbc@x"));  /* no Unicode folding */
    assert_false(bc_jid_bare_equal(NULL, NULL));
    assert_false(bc_jid_bare_equal("", ""));
    assert_false(bc_jid_bare_equal("a b", "a b"));
    assert_false(bc_jid_bare_equal("a@b", NULL));
    assert_false(bc_jid_bare_equal(NULL, "a@b"));
}

static void test_display(void **state)
{
    char *d = bc_jid_display("alice@example.com/r");
    assert_string_equal(d, "alice");
    g_free(d);
    d = bc_jid_display("Alice@Example.com");
    assert_string_equal(d, "Alice");
    g_free(d);
    d = bc_jid_display("Example.com/r");
    assert_string_equal(d, "example.com");
    g_free(d);
    d = bc_jid_display("example.com.");
    assert_string_equal(d, "example.com");
    g_free(d);
    d = bc_jid_display("a/b@c");
    assert_string_equal(d, "a");
    g_free(d);
    assert_null(bc_jid_display("@example.com"));
    assert_null(bc_jid_display(NULL));
    assert_null(bc_jid_display("a\x1b@x"));
}

static void test_free_null(void **state)
{
    bc_jid_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_forms),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_invalid_structure),
        cmocka_unit_test(test_invalid_chars),
        cmocka_unit_test(test_space_inside_resource),
        cmocka_unit_test(test_invalid_domain),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_bare),
        cmocka_unit_test(test_resource),
        cmocka_unit_test(test_bare_equal),
        cmocka_unit_test(test_display),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
