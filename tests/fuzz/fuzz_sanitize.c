/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for src/core/sanitize.c: output invariants and idempotence. */

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backchat/sanitize.h"

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond))                                                           \
            abort();                                                           \
    } while (0)

/* What any sanitizer output must satisfy; `line` forbids LF and TAB too. */
static void check_output(const char *s, size_t in_len, int line)
{
    size_t n = strlen(s);
    CHECK(n <= 3 * in_len);
    CHECK(g_utf8_validate(s, (gssize)n, NULL));
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b < 0x20)
            CHECK(!line && (b == '\n' || b == '\t'));
        CHECK(b != 0x7f);
    }
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        CHECK(!(c >= 0x80 && c <= 0x9f));
        CHECK(!(c >= 0x202a && c <= 0x202e));
        CHECK(!(c >= 0x2066 && c <= 0x2069));
        CHECK(c != 0x2028 && c != 0x2029);
    }
    CHECK(bc_is_sanitized(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;

    /* Explicit length: `data` is not NUL-terminated, ASan sees over-reads. */
    char *out = bc_sanitize(in, (long)size);
    check_output(out, size, 0);
    char *again = bc_sanitize(out, -1);
    CHECK(strcmp(again, out) == 0);

    char *ln = bc_sanitize_line(in, (long)size);
    check_output(ln, size, 1);
    char *ln2 = bc_sanitize_line(ln, -1);
    CHECK(strcmp(ln2, ln) == 0);
    /* Line mode is the multi-line result with LF and TAB made spaces. */
    char *flat = g_strdup(out);
    for (char *p = flat; *p; p++) {
        if (*p == '\n' || *p == '\t')
            *p = ' ';
    }
    CHECK(strcmp(flat, ln) == 0);

    /* NUL-terminated mode, and bc_is_sanitized against bc_sanitize. */
    char *z = g_strndup(in, size);
    char *zo = bc_sanitize(z, -1);
    CHECK(!bc_is_sanitized(z) == !(strcmp(zo, z) == 0));
    /* With no NUL in the input, both modes agree. */
    if (memchr(data, 0, size) == NULL)
        CHECK(strcmp(zo, out) == 0);

    g_free(zo);
    g_free(z);
    g_free(flat);
    g_free(ln2);
    g_free(ln);
    g_free(again);
    g_free(out);
    return 0;
}
