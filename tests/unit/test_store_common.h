/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the store's unit tests (test_store_*.c, test_cli.c): a private
 * temp dir per test, a second raw SQLite connection, and rows copied out of
 * the store's callbacks. Include after cmocka.h. */
#ifndef TEST_STORE_COMMON_H
#define TEST_STORE_COMMON_H

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "backchat/store.h"

#define UNUSED G_GNUC_UNUSED

typedef struct {
    char *dir;
    char *db;   /* dir/log.db */
} fixture;

/* Removes a directory tree (the temp dirs are shallow but the CLI tests
 * nest a few levels). */
UNUSED static void rm_tree(const char *path)
{
    GDir *d = g_dir_open(path, 0, NULL);
    if (d) {
        const char *name;
        while ((name = g_dir_read_name(d))) {
            char *p = g_build_filename(path, name, NULL);
            if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
                rm_tree(p);
            else
                g_unlink(p);
            g_free(p);
        }
        g_dir_close(d);
    }
    g_rmdir(path);
}

UNUSED static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    GError *err = NULL;
    f->dir = g_dir_make_tmp("bc-store-XXXXXX", &err);
    if (!f->dir) {
        fprintf(stderr, "g_dir_make_tmp: %s\n", err->message);
        g_error_free(err);
        g_free(f);
        return -1;
    }
    f->db = g_build_filename(f->dir, "log.db", NULL);
    *state = f;
    return 0;
}

UNUSED static int teardown(void **state)
{
    fixture *f = *state;
    rm_tree(f->dir);
    int rc = g_file_test(f->dir, G_FILE_TEST_EXISTS) ? -1 : 0;
    g_free(f->db);
    g_free(f->dir);
    g_free(f);
    return rc;
}

UNUSED static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                     NULL),
                     SQLITE_OK);
    return db;
}

UNUSED static void raw_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
}

UNUSED static int64_t raw_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

UNUSED static char *raw_text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    char *v = g_strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return v;
}

UNUSED static bc_store *open_ok(const char *path)
{
    GError *err = NULL;
    bc_store *st = bc_store_open(path, &err);
    if (!st)
        fail_msg("bc_store_open: %s", err ? err->message : "(no error)");
    assert_null(err);
    return st;
}

UNUSED static int flush_ok(bc_store *st)
{
    GError *err = NULL;
    int n = bc_store_flush(st, &err);
    if (n < 0)
        fail_msg("bc_store_flush: %s", err ? err->message : "(no error)");
    assert_null(err);
    return n;
}

/* A message with the fields most tests vary. */
UNUSED static void put(bc_store *st, const char *conv, bc_direction dir, const char *stanza_id,
                       const char *body, int64_t ts)
{
    bc_store_msg m = {
        .conv = conv, .sender = dir == BC_DIR_OUT ? "me@example.org/bc" : conv,
        .body = body, .stanza_id = stanza_id, .dir = dir, .ts_local = ts,
    };
    bc_store_append(st, &m);
}

/* A row copied out of a callback. */
typedef struct {
    int64_t id;
    char *conv, *sender, *nick, *body, *stanza_id, *server_id, *type, *snippet;
    bc_msg_kind kind;
    bc_direction dir;
    int64_t ts_server, ts_local, replaces;
} row;

UNUSED static void row_free(gpointer p)
{
    row *r = p;
    g_free(r->conv);
    g_free(r->sender);
    g_free(r->nick);
    g_free(r->body);
    g_free(r->stanza_id);
    g_free(r->server_id);
    g_free(r->type);
    g_free(r->snippet);
    g_free(r);
}

UNUSED static row *row_copy(const bc_store_row *r)
{
    row *c = g_new0(row, 1);
    c->id = r->id;
    c->conv = g_strdup(r->conv);
    c->sender = g_strdup(r->sender);
    c->nick = g_strdup(r->nick);
    c->body = g_strdup(r->body);
    c->stanza_id = g_strdup(r->stanza_id);
    c->server_id = g_strdup(r->server_id);
    c->type = g_strdup(r->type);
    c->kind = r->kind;
    c->dir = r->dir;
    c->ts_server = r->ts_server;
    c->ts_local = r->ts_local;
    c->replaces = r->replaces;
    return c;
}

UNUSED static GPtrArray *rows_new(void)
{
    return g_ptr_array_new_with_free_func(row_free);
}

UNUSED static void collect_row(const bc_store_row *r, void *data)
{
    g_ptr_array_add(data, row_copy(r));
}

UNUSED static void collect_hit(const bc_store_row *r, const char *snippet, void *data)
{
    row *c = row_copy(r);
    c->snippet = g_strdup(snippet);
    g_ptr_array_add(data, c);
}

#define ROW(rows, i) ((row *)(rows)->pdata[(i)])

/* The bodies of `rows` joined with '|', newly allocated. */
UNUSED static char *bodies(GPtrArray *rows)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < rows->len; i++) {
        if (i)
            g_string_append_c(s, '|');
        g_string_append(s, ROW(rows, i)->body);
    }
    return g_string_free(s, FALSE);
}

#define assert_bodies(rows, want)                                                   \
    do {                                                                            \
        char *got_ = bodies(rows);                                                  \
        if (strcmp(got_, (want)) != 0)                                              \
            fail_msg("rows: got \"%s\", want \"%s\"", got_, (want));                \
        g_free(got_);                                                               \
    } while (0)

UNUSED static GQuark store_domain(void)
{
    return g_quark_from_static_string("bc-store-error-quark");
}

/* Unix time of a UTC date and time (the tests run with TZ=UTC). */
UNUSED static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    GDateTime *dt = g_date_time_new_utc(y, mo, d, h, mi, s);
    int64_t t = g_date_time_to_unix(dt);
    g_date_time_unref(dt);
    return t;
}

UNUSED static void use_utc(void)
{
    setenv("TZ", "UTC", 1);
    tzset();
}

#endif
