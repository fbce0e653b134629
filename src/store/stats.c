/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Usage statistics: per day, per conversation, per kind, by hour, and the
 * time to reply in 1:1 conversations. One streaming pass over the rows. */
#define G_LOG_DOMAIN "backchat-store"

#include "internal.h"

#include <string.h>
#include <time.h>

/* Rows in conversation order, each conversation in id order (the order
 * things were said, as stored), through the (conv, id) index. */
static const char stats_sql[] =
    "SELECT conv, kind, dir, " BC_TIME_SQL " FROM messages"
    " WHERE " BC_TIME_SQL " >= ?1 ORDER BY conv, id";

typedef struct {
    bc_stats *s;
    GHashTable *days;        /* "YYYY-MM-DD" -> count (in a gint64 slot) */
    GArray *replies;         /* of int64_t seconds */
    char *conv;              /* the conversation being read */
    int64_t count, in, out, kinds[BC_KIND_COUNT];
    int64_t waiting_since;   /* first unanswered incoming 1:1 message, or -1 */
} acc;

static void end_conv(acc *a)
{
    if (!a->conv)
        return;
    bc_stats_conv c = {.conv = a->conv, .count = a->count, .in = a->in, .out = a->out};
    for (int k = 1; k < BC_KIND_COUNT; k++)
        if (a->kinds[k] > a->kinds[c.kind])
            c.kind = (bc_msg_kind)k;
    g_array_append_val(a->s->convs, c);
    a->conv = NULL; /* owned by the array now */
    a->count = a->in = a->out = 0;
    memset(a->kinds, 0, sizeof a->kinds);
    a->waiting_since = -1;
}

static void add_row(acc *a, const char *conv, bc_msg_kind kind, bc_direction dir, int64_t t)
{
    if (!a->conv || strcmp(a->conv, conv) != 0) {
        end_conv(a);
        a->conv = g_strdup(conv);
    }
    bc_stats *s = a->s;
    a->count++;
    a->kinds[kind]++;
    s->kinds[kind]++;
    s->total++;
    if (dir == BC_DIR_OUT) {
        a->out++;
        s->out++;
    } else {
        a->in++;
        s->in++;
    }
    if (s->total == 1 || t < s->first_ts)
        s->first_ts = t;
    if (s->total == 1 || t > s->last_ts)
        s->last_ts = t;

    time_t tt = (time_t)t;
    struct tm tm;
    if (localtime_r(&tt, &tm)) {
        s->hours[tm.tm_hour]++;
        char day[11];
        if (strftime(day, sizeof day, "%Y-%m-%d", &tm) == 10) {
            gint64 *n = g_hash_table_lookup(a->days, day);
            if (!n) {
                n = g_new0(gint64, 1);
                g_hash_table_insert(a->days, g_strdup(day), n);
            }
            (*n)++;
        }
    }

    /* Reply time, 1:1 only. */
    if (kind != BC_KIND_CHAT)
        return;
    if (dir == BC_DIR_IN) {
        if (a->waiting_since < 0 || t - a->waiting_since > BC_STATS_REPLY_MAX_GAP)
            a->waiting_since = t;
    } else if (a->waiting_since >= 0) {
        int64_t d = t - a->waiting_since;
        if (d >= 0 && d <= BC_STATS_REPLY_MAX_GAP)
            g_array_append_val(a->replies, d);
        a->waiting_since = -1;
    }
}

static gint cmp_int64(gconstpointer a, gconstpointer b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static gint cmp_conv(gconstpointer a, gconstpointer b)
{
    const bc_stats_conv *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->conv, y->conv);
}

static gint cmp_day(gconstpointer a, gconstpointer b)
{
    return strcmp(((const bc_stats_day *)a)->date, ((const bc_stats_day *)b)->date);
}

static void clear_conv(gpointer p)
{
    g_free(((bc_stats_conv *)p)->conv);
}

void bc_stats_clear(bc_stats *s)
{
    if (!s)
        return;
    if (s->days)
        g_array_unref(s->days);
    if (s->convs)
        g_array_unref(s->convs);
    memset(s, 0, sizeof *s);
}

static void init_stats(bc_stats *s)
{
    memset(s, 0, sizeof *s);
    s->days = g_array_new(FALSE, TRUE, sizeof(bc_stats_day));
    s->convs = g_array_new(FALSE, TRUE, sizeof(bc_stats_conv));
    g_array_set_clear_func(s->convs, clear_conv);
    s->reply_median = -1;
    s->reply_p90 = -1;
}

bool bc_store_stats(bc_store *st, int64_t since, bc_stats *out, GError **err)
{
    g_return_val_if_fail(st != NULL && out != NULL, false);
    g_return_val_if_fail(err == NULL || *err == NULL, false);
    init_stats(out);
    acc a = {
        .s = out,
        .days = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
        .replies = g_array_new(FALSE, FALSE, sizeof(int64_t)),
        .waiting_since = -1,
    };

    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, stats_sql, -1, &s, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(s, 1, since ? since : INT64_MIN);
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *conv = (const char *)sqlite3_column_text(s, 0);
        bc_msg_kind kind = BC_KIND_CHAT;
        bc_msg_kind_parse((const char *)sqlite3_column_text(s, 1), &kind);
        add_row(&a, conv ? conv : "", kind, sqlite3_column_int(s, 2) ? BC_DIR_OUT : BC_DIR_IN,
                sqlite3_column_int64(s, 3));
        rc = SQLITE_OK;
    }
    end_conv(&a);
    bool ok = rc == SQLITE_DONE;
    if (!ok)
        bc_store_set_error(err, st->db, rc, BC_STORE_ERROR_READ, "cannot read the log");
    sqlite3_finalize(s);

    if (ok) {
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, a.days);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            bc_stats_day d = {.count = *(gint64 *)v};
            g_strlcpy(d.date, k, sizeof d.date);
            g_array_append_val(out->days, d);
        }
        g_array_sort(out->days, cmp_day);
        g_array_sort(out->convs, cmp_conv);

        guint n = a.replies->len;
        out->replies = n;
        if (n > 0) {
            g_array_sort(a.replies, cmp_int64);
            const int64_t *v = (const int64_t *)(void *)a.replies->data;
            out->reply_median = n % 2 ? (double)v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
            /* Nearest rank: the smallest value with at least 90% at or
             * below it. ceil(0.9 n) in integers, avoiding float error. */
            guint rank = (9 * n + 9) / 10;
            out->reply_p90 = (double)v[rank - 1];
        }
    } else {
        bc_stats_clear(out);
    }
    g_hash_table_unref(a.days);
    g_array_unref(a.replies);
    return ok;
}
