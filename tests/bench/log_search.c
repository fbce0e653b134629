/* SPDX-License-Identifier: GPL-3.0-or-later */
/* log_search: the local log at scale. Generates N messages (default
 * 1,000,000) through the store API in batches, then measures full-text
 * search latency for typical queries, history paging in a 100k-line
 * conversation, scrolling back through all of it, verify/stats/export, and
 * RSS. Each measurement has a naive baseline on the same database (LIKE
 * scan for search, OFFSET paging), so the ratio carries over between
 * machines. Prints a Markdown section on stdout, progress on stderr.
 *
 *   log_search [-n MESSAGES] [-k KEEP_DB_PATH]
 */
#include "backchat/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#define BIG_CONV "alice@example.org"
#define N_CONVS 500
#define VOCAB 20000
#define RUNS 30

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char *vocab[VOCAB];
static double zipf_cdf[VOCAB];

/* Pronounceable pseudo-words; the first few hundred are frequent. */
static void make_vocab(void)
{
    static const char *const on[] = {"b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p",
                                     "r", "s", "t", "v", "w", "br", "st", "tr", "pl", "gr"};
    static const char *const nu[] = {"a", "e", "i", "o", "u", "ai", "ou", "ea"};
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (int i = 0; i < VOCAB;) {
        GString *w = g_string_new(NULL);
        int syl = 1 + (int)(next_rand() % 3);
        for (int s = 0; s < syl; s++) {
            g_string_append(w, on[next_rand() % G_N_ELEMENTS(on)]);
            g_string_append(w, nu[next_rand() % G_N_ELEMENTS(nu)]);
        }
        if (next_rand() % 3 == 0)
            g_string_append_c(w, "nrst"[next_rand() % 4]);
        if (w->len < 3 || g_hash_table_contains(seen, w->str)) {
            g_string_free(w, TRUE);
            continue;
        }
        vocab[i] = g_string_free(w, FALSE);
        g_hash_table_add(seen, vocab[i]);
        i++;
    }
    g_hash_table_unref(seen);
    double sum = 0;
    for (int i = 0; i < VOCAB; i++)
        sum += 1.0 / (i + 1);
    double acc = 0;
    for (int i = 0; i < VOCAB; i++) {
        acc += 1.0 / (i + 1) / sum;
        zipf_cdf[i] = acc;
    }
}

static const char *zipf_word(void)
{
    double u = (double)(next_rand() >> 11) / (double)(1ull << 53);
    int lo = 0, hi = VOCAB - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (zipf_cdf[mid] < u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return vocab[lo];
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t kl = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, kl) == 0 && line[kl] == ':')
            v = strtol(line + kl + 1, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median and p95 (nearest rank) of n samples, sorted in place. */
static void summary(double *v, int n, double *median, double *p95)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    *median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    int rank = (95 * n + 99) / 100;
    *p95 = v[rank - 1];
}

static void count_hit(const bc_store_row *r, const char *snippet, void *data)
{
    (*(int *)data)++;
}

static void get_time(const bc_store_row *r, void *data)
{
    ((int64_t *)data)[0] = bc_store_row_time(r);
}

static void count_row(const bc_store_row *r, void *data)
{
    int64_t *p = data;
    p[0]++;
    if (!p[1] || r->id < p[1])
        p[1] = r->id;
}

/* A typical query of each kind; %s is filled with a different word per
 * run so caches do not flatter the numbers. */
typedef struct {
    const char *label;
    const char *fmt;      /* query; %1$s %2$s words */
    int rank_lo, rank_hi; /* vocabulary ranks the words come from */
    const char *like;     /* naive baseline SQL, or NULL */
} query_kind;

static const query_kind queries[] = {
    {"common word", "%1$s", 0, 50, "body LIKE '%%' || ?1 || '%%'"},
    {"rare word", "%1$s", 5000, 20000, "body LIKE '%%' || ?1 || '%%'"},
    {"two words (AND)", "%1$s %2$s", 50, 2000, "body LIKE '%%' || ?1 || '%%' AND body LIKE '%%' || ?2 || '%%'"},
    {"phrase", "\"%1$s %2$s\"", 0, 200, "body LIKE '%%' || ?1 || ' ' || ?2 || '%%'"},
    {"prefix", "%1$.3s*", 100, 3000, "body LIKE '%%' || substr(?1, 1, 3) || '%%'"},
    {"OR", "%1$s OR %2$s", 1000, 10000, NULL},
    {"word in one conversation", "%1$s with:" BIG_CONV, 200, 5000, NULL},
    {"word since 30 days", "%1$s since:30d", 200, 5000, NULL},
    {"word NOT word", "%1$s NOT %2$s", 20, 500, NULL},
};

int main(int argc, char **argv)
{
    long n_msgs = 1000000;
    const char *keep = NULL;
    int opt;
    while ((opt = getopt(argc, argv, "n:k:")) != -1) {
        if (opt == 'n')
            n_msgs = strtol(optarg, NULL, 10);
        else if (opt == 'k')
            keep = optarg;
        else {
            fprintf(stderr, "usage: %s [-n MESSAGES] [-k DB_PATH]\n", argv[0]);
            return 2;
        }
    }
    setenv("TZ", "UTC", 1);
    tzset();
    make_vocab();

    char *dir = NULL, *path;
    if (keep) {
        path = g_strdup(keep);
        g_unlink(path);
    } else {
        dir = g_dir_make_tmp("bc-bench-XXXXXX", NULL);
        path = g_build_filename(dir, "log.db", NULL);
    }
    GError *err = NULL;
    bc_store *st = bc_store_open(path, &err);
    if (!st) {
        fprintf(stderr, "open: %s\n", err->message);
        return 1;
    }

    /* ---- generate ---- */
    char *convs[N_CONVS];
    for (int i = 0; i < N_CONVS; i++)
        convs[i] = i == 0 ? g_strdup(BIG_CONV)
                   : i % 10 == 0 ? g_strdup_printf("room%d@conference.example.org", i)
                                 : g_strdup_printf("user%d@example.org", i);
    const int64_t t_end = (int64_t)time(NULL); /* the log ends now */
    const int64_t span = 2 * 365 * 86400LL;
    const int batch = 1000;
    double t0 = now_ms();
    long big = 0;
    GString *body = g_string_new(NULL);
    for (long i = 0; i < n_msgs; i++) {
        /* One in ten messages is in the big conversation (100k of 1M). */
        int c = next_rand() % 10 == 0 ? 0 : 1 + (int)(next_rand() % (N_CONVS - 1));
        big += c == 0;
        g_string_truncate(body, 0);
        int words = 3 + (int)(next_rand() % 22);
        for (int w = 0; w < words; w++) {
            if (w)
                g_string_append_c(body, ' ');
            g_string_append(body, zipf_word());
        }
        bool room = c % 10 == 0 && c != 0;
        char sender[64], nick[32], sid[32];
        g_snprintf(nick, sizeof nick, "nick%d", (int)(next_rand() % 40));
        bc_direction dir = next_rand() % 3 == 0 ? BC_DIR_OUT : BC_DIR_IN;
        if (room)
            g_snprintf(sender, sizeof sender, "%s/%s", convs[c], nick);
        else
            g_snprintf(sender, sizeof sender, "%s/phone", dir == BC_DIR_OUT ? "me@example.org" : convs[c]);
        g_snprintf(sid, sizeof sid, "id-%ld", i);
        bc_store_msg m = {
            .conv = convs[c], .sender = sender, .nick = room ? nick : NULL, .body = body->str,
            .stanza_id = sid, .type = room ? "groupchat" : "chat", .dir = dir,
            .ts_local = t_end - span + (int64_t)((double)i / n_msgs * span),
        };
        bc_store_append(st, &m);
        if ((i + 1) % batch == 0 || i + 1 == n_msgs) {
            if (bc_store_flush(st, &err) < 0) {
                fprintf(stderr, "flush: %s\n", err->message);
                return 1;
            }
        }
        if ((i + 1) % 100000 == 0)
            fprintf(stderr, "  %ld messages, %.0f s\n", i + 1, (now_ms() - t0) / 1000);
    }
    g_string_free(body, TRUE);
    double gen_s = (now_ms() - t0) / 1000;
    bc_store_close(st);

    /* Reopen as the UI would at start: the first page of the big
     * conversation is "opening a conversation". */
    double t_open = now_ms();
    st = bc_store_open(path, &err);
    int64_t pg[2] = {0, 0};
    bc_store_page(st, BIG_CONV, 0, 100, count_row, pg, NULL);
    t_open = now_ms() - t_open;
    long rss_start = status_kb("VmRSS");

    GStatBuf sb;
    g_stat(path, &sb);
    double db_mb = sb.st_size / 1048576.0;

    /* ---- search ---- */
    sqlite3 *raw = NULL;
    sqlite3_open_v2(path, &raw, SQLITE_OPEN_READONLY, NULL);
    GString *report = g_string_new(NULL);
    g_string_append(report,
                    "| query (first page, 50 results) | backchat median ms | p95 ms | "
                    "results | naive LIKE scan median ms | ratio |\n"
                    "|---|---:|---:|---:|---:|---:|\n");
    double worst_p95 = 0;
    for (size_t k = 0; k < G_N_ELEMENTS(queries); k++) {
        const query_kind *qk = &queries[k];
        double lat[RUNS], base[RUNS];
        int hits_total = 0, base_runs = 0;
        for (int r = 0; r < RUNS; r++) {
            const char *w1 = vocab[qk->rank_lo + (int)(next_rand() % (uint64_t)(qk->rank_hi - qk->rank_lo))];
            const char *w2 = vocab[qk->rank_lo + (int)(next_rand() % (uint64_t)(qk->rank_hi - qk->rank_lo))];
            char *text = g_strdup_printf(qk->fmt, w1, w2);
            bc_search q;
            if (!bc_search_parse(text, &q, &err)) {
                fprintf(stderr, "parse %s: %s\n", text, err->message);
                return 1;
            }
            int hits = 0;
            double t = now_ms();
            if (bc_store_search(st, &q, 50, 0, count_hit, &hits, &err) < 0) {
                fprintf(stderr, "search %s: %s\n", text, err->message);
                return 1;
            }
            lat[r] = now_ms() - t;
            hits_total += hits;
            bc_search_clear(&q);
            g_free(text);
            /* The baseline: what a log without an index has to do. Slow,
             * so a few runs only. */
            if (qk->like && r < 5) {
                char *sql = g_strdup_printf("SELECT id FROM messages WHERE %s ORDER BY id DESC LIMIT 50",
                                            qk->like);
                sqlite3_stmt *s = NULL;
                sqlite3_prepare_v2(raw, sql, -1, &s, NULL);
                sqlite3_bind_text(s, 1, w1, -1, SQLITE_STATIC);
                sqlite3_bind_text(s, 2, w2, -1, SQLITE_STATIC);
                t = now_ms();
                while (sqlite3_step(s) == SQLITE_ROW)
                    ;
                base[base_runs++] = now_ms() - t;
                sqlite3_finalize(s);
                g_free(sql);
            }
        }
        double med, p95, bmed = 0, bp95;
        summary(lat, RUNS, &med, &p95);
        worst_p95 = MAX(worst_p95, p95);
        if (base_runs) {
            summary(base, base_runs, &bmed, &bp95);
            g_string_append_printf(report, "| %s | %.2f | %.2f | %.1f | %.2f | %.1fx |\n", qk->label,
                                   med, p95, (double)hits_total / RUNS, bmed, bmed / med);
        } else {
            g_string_append_printf(report, "| %s | %.2f | %.2f | %.1f | | |\n", qk->label, med, p95,
                                   (double)hits_total / RUNS);
        }
        fprintf(stderr, "  search %-26s median %.2f ms p95 %.2f ms\n", qk->label, med, p95);
    }

    /* ---- paging in the big conversation ---- */
    int64_t first_row[2] = {0, 0};
    bc_store_page_after(st, BIG_CONV, 0, 1, count_row, first_row, NULL);
    int64_t lo = first_row[1], hi = pg[1];
    double page_lat[RUNS], off_lat[RUNS], time_lat[RUNS];
    for (int r = 0; r < RUNS; r++) {
        /* A point in the middle half of the conversation. */
        int64_t before = lo + (hi - lo) / 4 + (int64_t)(next_rand() % (uint64_t)((hi - lo) / 2));
        int64_t got[2] = {0, 0};
        double t = now_ms();
        bc_store_page(st, BIG_CONV, before, 100, count_row, got, NULL);
        page_lat[r] = now_ms() - t;
        /* The same place by (time, id): the time-ordered history. */
        int64_t when[2] = {0, 0};
        bc_store_get(st, got[1], get_time, when, NULL);
        t = now_ms();
        bc_store_page_time(st, BIG_CONV, when[0], got[1], 100, count_row, got, NULL);
        time_lat[r] = now_ms() - t;
        /* Baseline: OFFSET paging, the usual naive way. */
        sqlite3_stmt *s = NULL;
        sqlite3_prepare_v2(raw, "SELECT id, body FROM messages WHERE conv = ?1"
                                " ORDER BY id DESC LIMIT 100 OFFSET ?2", -1, &s, NULL);
        sqlite3_bind_text(s, 1, BIG_CONV, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, big / 2);
        t = now_ms();
        while (sqlite3_step(s) == SQLITE_ROW)
            ;
        off_lat[r] = now_ms() - t;
        sqlite3_finalize(s);
    }
    double page_med, page_p95, off_med, off_p95, time_med, time_p95;
    summary(page_lat, RUNS, &page_med, &page_p95);
    summary(time_lat, RUNS, &time_med, &time_p95);
    summary(off_lat, RUNS, &off_med, &off_p95);

    /* Scroll back through the whole conversation, 100 lines at a time. */
    double t_scroll = now_ms();
    int64_t before = 0;
    long pages = 0, lines = 0;
    for (;;) {
        int64_t got[2] = {0, 0};
        int n = bc_store_page(st, BIG_CONV, before, 100, count_row, got, NULL);
        if (n <= 0)
            break;
        lines += n;
        pages++;
        before = got[1];
    }
    t_scroll = now_ms() - t_scroll;
    long rss_scroll = status_kb("VmRSS");

    /* ---- whole-log operations (the shell commands) ---- */
    int64_t bad = 0;
    double t_verify = now_ms();
    int64_t verified = bc_store_verify(st, &bad, NULL);
    t_verify = now_ms() - t_verify;
    bc_stats stats;
    double t_stats = now_ms();
    bc_store_stats(st, 0, &stats, NULL);
    t_stats = now_ms() - t_stats;
    bc_stats_clear(&stats);
    FILE *devnull = fopen("/dev/null", "w");
    double t_export = now_ms();
    int64_t exported = bc_store_export(st, NULL, 0, 0, BC_EXPORT_JSONL, devnull, NULL);
    t_export = now_ms() - t_export;
    fclose(devnull);
    long rss_end = status_kb("VmRSS"), hwm = status_kb("VmHWM");

    bc_store_close(st);
    sqlite3_close(raw);

    /* ---- report ---- */
    printf("- messages: %ld (%ld in the big conversation, %d conversations), "
           "generated through bc_store_append/flush in batches of %d: %.0f s "
           "(%.0f messages/s, FTS index, hash chain and all indexes included)\n",
           n_msgs, big, N_CONVS, batch, gen_s, n_msgs / gen_s);
    printf("- database: %.0f MiB (%.0f bytes/message)\n", db_mb, sb.st_size / (double)n_msgs);
    printf("- bodies: 3-24 words from a %d-word Zipf vocabulary (pseudo-words)\n\n", VOCAB);
    printf("Search, %d runs per kind, a different word each run:\n\n%s\n", RUNS, report->str);
    printf("History of the %ld-line conversation:\n\n", big);
    printf("| operation | backchat | naive baseline | ratio |\n|---|---:|---:|---:|\n");
    printf("| open: reopen the log + newest 100 lines | %.1f ms | | |\n", t_open);
    printf("| page 100 lines from the middle (median / p95) | %.2f / %.2f ms | "
           "%.2f / %.2f ms (LIMIT/OFFSET) | %.1fx |\n",
           page_med, page_p95, off_med, off_p95, off_med / page_med);
    printf("| the same by message time (bc_store_page_time) | %.2f / %.2f ms | | |\n",
           time_med, time_p95);
    printf("| scroll back through all of it, 100 at a time | %.0f ms for %ld pages (%.3f ms/page), "
           "%ld lines | | |\n", t_scroll, pages, t_scroll / pages, lines);
    printf("\nWhole log (the shell commands):\n\n");
    printf("| operation | time |\n|---|---:|\n");
    printf("| verify-logs (%" G_GINT64_FORMAT " rows, chain %s) | %.1f s |\n", verified,
           bad ? "BROKEN" : "ok", t_verify / 1000);
    printf("| stats | %.1f s |\n", t_stats / 1000);
    printf("| export jsonl (%" G_GINT64_FORMAT " rows) to /dev/null | %.1f s |\n", exported,
           t_export / 1000);
    printf("\nRSS: %ld KiB after opening, %ld KiB after scrolling back all %ld lines, "
           "%ld KiB at the end (peak %ld KiB, generation included).\n",
           rss_start, rss_scroll, lines, rss_end, hwm);
    printf("\nWorst search p95: %.2f ms.\n", worst_p95);

    g_string_free(report, TRUE);
    for (int i = 0; i < N_CONVS; i++)
        g_free(convs[i]);
    for (int i = 0; i < VOCAB; i++)
        g_free(vocab[i]);
    if (!keep) {
        char *p;
        g_unlink(path);
        p = g_strconcat(path, "-wal", NULL);
        g_unlink(p);
        g_free(p);
        p = g_strconcat(path, "-shm", NULL);
        g_unlink(p);
        g_free(p);
        g_rmdir(dir);
    }
    g_free(path);
    g_free(dir);
    return 0;
}
