/* SPDX-License-Identifier: GPL-3.0-or-later */
/* History paging: pages of one conversation by row id, through the
 * (conv, id) index, in both directions, and a row in its context. */
#define G_LOG_DOMAIN "backchat-store"

#include "internal.h"

const char bc_sql_page_before[] =
    "SELECT * FROM (SELECT " BC_ROW_COLS " FROM messages"
    " WHERE conv = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3) ORDER BY id";
const char bc_sql_page_after[] =
    "SELECT " BC_ROW_COLS " FROM messages"
    " WHERE conv = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
const char bc_sql_get[] = "SELECT " BC_ROW_COLS " FROM messages WHERE id = ?1";

/* In message-time order, the cursor being (time, id); through the
 * (conv, time, id) index: the range is on time, and only rows with the
 * cursor's own time are filtered by id. */
const char bc_sql_page_time_before[] =
    "SELECT * FROM (SELECT " BC_ROW_COLS " FROM messages"
    " WHERE conv = ?1 AND " BC_TIME_SQL " <= ?2"
    " AND (" BC_TIME_SQL " < ?2 OR messages.id < ?3)"
    " ORDER BY " BC_TIME_SQL " DESC, messages.id DESC LIMIT ?4)"
    " ORDER BY coalesce(ts_server, ts_local), id";
const char bc_sql_page_time_after[] =
    "SELECT " BC_ROW_COLS " FROM messages"
    " WHERE conv = ?1 AND " BC_TIME_SQL " >= ?2"
    " AND (" BC_TIME_SQL " > ?2 OR messages.id > ?3)"
    " ORDER BY " BC_TIME_SQL ", messages.id LIMIT ?4";

/* Runs a row query whose parameters are (?1 conv, ?2 id, ?3 limit), or
 * just (?1 id) when conv is NULL. Prepared per call, so a callback may call
 * back into the store. */
static int run_rows(bc_store *st, const char *sql, const char *conv, int64_t id, int limit,
                    bc_store_row_fn cb, void *data, GError **err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK && conv) {
        rc = bc_store_bind_text(s, 1, conv);
        if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 2, id);
        if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 3, limit);
    } else if (rc == SQLITE_OK) {
        rc = sqlite3_bind_int64(s, 1, id);
    }
    int n = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        bc_store_row r;
        bc_store_read_row(s, 0, &r);
        cb(&r, data);
        n++;
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE) {
        bc_store_set_error(err, st->db, rc, BC_STORE_ERROR_READ, "cannot read the log");
        n = -1;
    }
    sqlite3_finalize(s);
    return n;
}

int bc_store_page(bc_store *st, const char *conv, int64_t before_id, int limit,
                  bc_store_row_fn cb, void *data, GError **err)
{
    g_return_val_if_fail(st != NULL && conv != NULL && cb != NULL, -1);
    if (limit <= 0)
        return 0;
    return run_rows(st, bc_sql_page_before, conv, before_id > 0 ? before_id : INT64_MAX,
                    limit, cb, data, err);
}

int bc_store_page_after(bc_store *st, const char *conv, int64_t after_id, int limit,
                        bc_store_row_fn cb, void *data, GError **err)
{
    g_return_val_if_fail(st != NULL && conv != NULL && cb != NULL, -1);
    if (limit <= 0)
        return 0;
    return run_rows(st, bc_sql_page_after, conv, after_id, limit, cb, data, err);
}

int bc_store_get(bc_store *st, int64_t id, bc_store_row_fn cb, void *data, GError **err)
{
    g_return_val_if_fail(st != NULL && cb != NULL, -1);
    return run_rows(st, bc_sql_get, NULL, id, 1, cb, data, err);
}

/* Passes on only the row of the right conversation. */
typedef struct {
    const char *conv;
    bc_store_row_fn cb;
    void *data;
    int n;
} same_conv;

static void only_conv(const bc_store_row *r, void *data)
{
    same_conv *sc = data;
    if (g_strcmp0(r->conv, sc->conv) == 0) {
        sc->cb(r, sc->data);
        sc->n++;
    }
}

int bc_store_around(bc_store *st, const char *conv, int64_t id, int before, int after,
                    bc_store_row_fn cb, void *data, GError **err)
{
    g_return_val_if_fail(st != NULL && conv != NULL && cb != NULL, -1);
    int a = bc_store_page(st, conv, id, before, cb, data, err);
    if (a < 0)
        return -1;
    same_conv sc = {conv, cb, data, 0};
    if (bc_store_get(st, id, only_conv, &sc, err) < 0)
        return -1;
    int b = bc_store_page_after(st, conv, id, after, cb, data, err);
    if (b < 0)
        return -1;
    return a + sc.n + b;
}

/* ---- the same in message-time order ---- */

static int run_time_rows(bc_store *st, const char *sql, const char *conv, int64_t t,
                         int64_t id, int limit, bc_store_row_fn cb, void *data, GError **err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK) rc = bc_store_bind_text(s, 1, conv);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 2, t);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 3, id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 4, limit);
    int n = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        bc_store_row r;
        bc_store_read_row(s, 0, &r);
        cb(&r, data);
        n++;
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE) {
        bc_store_set_error(err, st->db, rc, BC_STORE_ERROR_READ, "cannot read the log");
        n = -1;
    }
    sqlite3_finalize(s);
    return n;
}

int bc_store_page_time(bc_store *st, const char *conv, int64_t before_time, int64_t before_id,
                       int limit, bc_store_row_fn cb, void *data, GError **err)
{
    g_return_val_if_fail(st != NULL && conv != NULL && cb != NULL, -1);
    if (limit <= 0)
        return 0;
    if (before_time == 0 && before_id == 0)
        before_time = before_id = INT64_MAX;
    return run_time_rows(st, bc_sql_page_time_before, conv, before_time, before_id, limit, cb,
                         data, err);
}

int bc_store_page_time_after(bc_store *st, const char *conv, int64_t after_time,
                             int64_t after_id, int limit, bc_store_row_fn cb, void *data,
                             GError **err)
{
    g_return_val_if_fail(st != NULL && conv != NULL && cb != NULL, -1);
    if (limit <= 0)
        return 0;
    return run_time_rows(st, bc_sql_page_time_after, conv, after_time, after_id, limit, cb,
                         data, err);
}

typedef struct {
    bool found;
    int64_t time;
} row_time;

static void keep_time(const bc_store_row *r, void *data)
{
    row_time *rt = data;
    rt->found = true;
    rt->time = bc_store_row_time(r);
}

int bc_store_around_time(bc_store *st, const char *conv, int64_t id, int before, int after,
                         bc_store_row_fn cb, void *data, GError **err)
{
    g_return_val_if_fail(st != NULL && conv != NULL && cb != NULL, -1);
    /* The row's place in time (a row of another conversation still gives
     * a time to open `conv` at). */
    row_time rt = {false, 0};
    if (bc_store_get(st, id, keep_time, &rt, err) < 0)
        return -1;
    if (!rt.found)
        return 0;
    int a = before > 0 ? bc_store_page_time(st, conv, rt.time, id, before, cb, data, err) : 0;
    if (a < 0)
        return -1;
    same_conv sc = {conv, cb, data, 0};
    if (bc_store_get(st, id, only_conv, &sc, err) < 0)
        return -1;
    int b = bc_store_page_time_after(st, conv, rt.time, id, after, cb, data, err);
    if (b < 0)
        return -1;
    return a + sc.n + b;
}
