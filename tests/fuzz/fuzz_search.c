/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target for the search query language (src/store/search.c):
 * whatever the user types, the FTS5 expression holds it only inside
 * quotes, and FTS5 itself accepts the expression. */

#include <glib.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backchat/store.h"
#include "fuzz_common.h"

static sqlite3 *db;
static sqlite3_stmt *probe;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
    /* Dates are local time: pin the zone so runs are reproducible. */
    g_setenv("TZ", "Europe/Berlin", TRUE);
    /* The same tokenizer as the log's index. */
    CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db,
                       "CREATE VIRTUAL TABLE t USING fts5(body,"
                       " tokenize='unicode61 remove_diacritics 2');"
                       "INSERT INTO t VALUES('budget draft for the team'),"
                       "('Grüße aus Köln, 12:30 NEAR the café');",
                       NULL, NULL, NULL) == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?1", -1, &probe,
                             NULL) == SQLITE_OK);
    return 0;
}

/* A quoted term: '"', anything with '"' doubled, '"', then an optional
 * '*'. Returns the position after it, or NULL. */
static const char *term(const char *p)
{
    if (*p++ != '"')
        return NULL;
    for (;;) {
        if (!*p)
            return NULL;
        if (*p == '"') {
            if (p[1] != '"')
                break;
            p += 2;
        } else {
            p++;
        }
    }
    p++;
    if (*p == '*')
        p++;
    return p;
}

/* The whole grammar of what the parser may hand to FTS5:
 * TERM ((" AND " | " OR " | " NOT ") TERM)*. Nothing else is unquoted. */
static bool well_formed(const char *m)
{
    static const char *const ops[] = {" AND ", " OR ", " NOT "};
    const char *p = term(m);
    while (p && *p) {
        const char *next = NULL;
        for (size_t i = 0; i < G_N_ELEMENTS(ops) && !next; i++)
            if (strncmp(p, ops[i], strlen(ops[i])) == 0)
                next = p + strlen(ops[i]);
        p = next ? term(next) : NULL;
    }
    return p != NULL;
}

static void check_query(const char *q, int64_t now)
{
    bc_search s;
    GError *err = NULL;
    bool ok = bc_search_parse_at(q, now, &s, &err);
    CHECK(ok == (err == NULL));
    if (!ok) {
        CHECK(err->domain == BC_STORE_ERROR && err->code == BC_STORE_ERROR_QUERY);
        CHECK(err->message && err->message[0]);
        g_error_free(err);
        CHECK(!s.match && !s.with && !s.in && !s.from && !s.conv);
        CHECK(s.since == 0 && s.until == 0);
        return;
    }
    /* Something to search for: words or a filter. */
    CHECK(s.match || s.with || s.in || s.from || s.since || s.until);
    CHECK(!s.conv);
    if (s.match) {
        CHECK(s.match[0] && well_formed(s.match));
        sqlite3_reset(probe);
        CHECK(sqlite3_bind_text(probe, 1, s.match, -1, SQLITE_STATIC) == SQLITE_OK);
        int rc = sqlite3_step(probe);
        CHECK(rc == SQLITE_ROW);
        sqlite3_reset(probe);
        sqlite3_clear_bindings(probe);
    }
    /* Conversation filters are bare: no resource. */
    CHECK(!s.with || (s.with[0] && !strchr(s.with, '/')));
    CHECK(!s.in || (s.in[0] && !strchr(s.in, '/')));
    CHECK(!s.from || s.from[0]);
    CHECK(!(s.since && s.until) || s.since < s.until);
    bc_search_clear(&s);
    CHECK(!s.match && !s.with && !s.in && !s.from);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *q = g_strndup((const char *)data, size);
    /* A fixed "now" (2024-03-15 12:00 UTC), and one near the epoch where
     * "Nd ago" runs out of calendar. */
    check_query(q, 1710504000);
    check_query(q, 86400 * 3);
    g_free(q);
    return 0;
}
