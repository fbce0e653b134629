/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for src/core/jid.c: parse/bare/resource consistency. */

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backchat/jid.h"
#include "backchat/sanitize.h"

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond))                                                           \
            abort();                                                           \
    } while (0)

static int streq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = g_strndup((const char *)data, size);
    bc_jid *j = bc_jid_parse(s);
    char *bare = bc_jid_bare(s);
    char *res = bc_jid_resource(s);
    char *disp = bc_jid_display(s);

    CHECK(bc_jid_is_valid(s) == (j != NULL));

    if (j == NULL) {
        CHECK(bare == NULL && res == NULL && disp == NULL);
        CHECK(!bc_jid_bare_equal(s, s));
        goto out;
    }

    /* Parts. */
    CHECK(j->domain != NULL && j->domain[0] != '\0');
    CHECK(strlen(j->domain) <= 1023);
    CHECK(strpbrk(j->domain, "@/") == NULL);
    for (const char *p = j->domain; *p; p++)
        CHECK(!(*p >= 'A' && *p <= 'Z'));
    if (j->local != NULL) {
        CHECK(j->local[0] != '\0' && strlen(j->local) <= 1023);
        CHECK(strpbrk(j->local, "\"&'/:<>@") == NULL);
    }
    if (j->resource != NULL)
        CHECK(j->resource[0] != '\0' && strlen(j->resource) <= 1023);

    /* A valid JID passes the sanitizer unchanged, even in line mode. */
    CHECK(bc_is_sanitized(s));
    char *ln = bc_sanitize_line(s, -1);
    CHECK(strcmp(ln, s) == 0);
    g_free(ln);

    /* Bare JID: valid, idempotent, no resource, same bare as s. */
    CHECK(bare != NULL);
    CHECK(bc_jid_is_valid(bare));
    char *bb = bc_jid_bare(bare);
    CHECK(streq(bb, bare));
    g_free(bb);
    CHECK(bc_jid_resource(bare) == NULL);
    CHECK(bc_jid_bare_equal(s, bare));
    CHECK(bc_jid_bare_equal(s, s));
    CHECK(strlen(bare) <= strlen(s));

    /* Resource and display agree with the parse. */
    CHECK(streq(res, j->resource));
    CHECK(streq(disp, j->local ? j->local : j->domain));

    /* Re-assembling bare + "/" + resource gives the same parts. */
    if (res != NULL) {
        char *full = g_strconcat(bare, "/", res, NULL);
        bc_jid *k = bc_jid_parse(full);
        CHECK(k != NULL);
        CHECK(streq(k->resource, res));
        CHECK(streq(k->domain, j->domain));
        char *kb = bc_jid_bare(full);
        CHECK(streq(kb, bare));
        g_free(kb);
        bc_jid_free(k);
        g_free(full);
    }

out:
    g_free(disp);
    g_free(res);
    g_free(bare);
    bc_jid_free(j);
    g_free(s);
    return 0;
}
