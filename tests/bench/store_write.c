/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What writing the local log costs per message, and where it goes: a room
 * flood's rows (random stanza and archive ids, a nick, a short text)
 * written through the store API in flushes of 430 (what a 150 ms flush
 * holds in the 10,000-message room flood), into a fresh log for each
 * variant. The variants take one part away (an index, the full-text
 * index's positions, the skipped CHECK put back) to show its share.
 * Prints a Markdown table; CPU time of this process (user + system), the
 * median of RUNS runs. */
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/store/internal.h"
#include "backchat/store.h"

#define ROWS 10000
#define BATCH 430

typedef struct {
    const char *name;
    const char *sql; /* run on the store's connection before writing */
} variant;

static const variant variants[] = {
    {"the log as shipped", NULL},
    {"without the stanza-id dedupe index", "DROP INDEX messages_dedupe"},
    {"without the archive-id dedupe index", "DROP INDEX messages_server_id"},
    {"without the (conversation, id) index", "DROP INDEX messages_conv_id"},
    {"without the time index", "DROP INDEX messages_time"},
    {"without the (conversation, time) index", "DROP INDEX messages_conv_ts"},
    {"full-text index without positions",
     "DROP TABLE messages_fts; CREATE VIRTUAL TABLE messages_fts USING fts5(body,"
     " content='messages', content_rowid='id', columnsize=0, detail=none)"},
    {"with the CHECK on kind enforced", "PRAGMA ignore_check_constraints=OFF"},
    {"without any index", "DROP INDEX messages_dedupe; DROP INDEX messages_server_id;"
                          " DROP INDEX messages_conv_id; DROP INDEX messages_time;"
                          " DROP INDEX messages_conv_ts; DROP INDEX messages_replaces"},
};

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void uuid(char *out, size_t len, GRand *r)
{
    g_snprintf(out, len, "%08x-%04x-4%03x-%04x-%08x%04x", g_rand_int(r),
               g_rand_int(r) & 0xffff, g_rand_int(r) & 0xfff,
               (g_rand_int(r) & 0x3fff) | 0x8000, g_rand_int(r), g_rand_int(r) & 0xffff);
}

/* One run of one variant: CPU microseconds per row. */
static double run(const variant *v, const char *dir, int n)
{
    char *path = g_strdup_printf("%s/log-%d.db", dir, n);
    GError *err = NULL;
    bc_store *st = bc_store_open(path, &err);
    if (!st) {
        fprintf(stderr, "store_write: %s\n", err->message);
        exit(1);
    }
    char *msg = NULL;
    if (v->sql && sqlite3_exec(st->db, v->sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "store_write: %s: %s\n", v->sql, msg);
        exit(1);
    }
    GRand *r = g_rand_new_with_seed(42);
    /* The texts and ids are made before the clock starts. */
    typedef char id_text[40];
    typedef char body_text[96];
    id_text *sid = g_new(id_text, ROWS), *aid = g_new(id_text, ROWS);
    body_text *body = g_new(body_text, ROWS);
    static const char *const says[] = {"deploy window moved to 14:00",
                                       "customer on line 3 asks for a callback",
                                       "password reset tool is slow again",
                                       "ticket queue looks long this morning"};
    for (int i = 0; i < ROWS; i++) {
        uuid(sid[i], sizeof sid[i], r);
        uuid(aid[i], sizeof aid[i], r);
        g_snprintf(body[i], sizeof body[i], "flood-%05d: %s", i, says[i % 4]);
    }
    int64_t now = (int64_t)time(NULL);
    double t0 = cpu_seconds();
    for (int i = 0; i < ROWS; i++) {
        bc_store_msg m = {.conv = "flood@conference.example.org",
                          .sender = "flood@conference.example.org/sender",
                          .nick = "sender",
                          .body = body[i],
                          .stanza_id = sid[i],
                          .server_id = aid[i],
                          .type = "groupchat",
                          .dir = BC_DIR_IN,
                          .ts_local = now};
        bc_store_append(st, &m);
        if ((i + 1) % BATCH == 0 || i + 1 == ROWS)
            if (bc_store_flush(st, &err) < 0) {
                fprintf(stderr, "store_write: %s\n", err->message);
                exit(1);
            }
    }
    double us = (cpu_seconds() - t0) * 1e6 / ROWS;
    bc_store_close(st);
    g_free(sid);
    g_free(aid);
    g_free(body);
    g_rand_free(r);
    char *wal = g_strconcat(path, "-wal", NULL), *shm = g_strconcat(path, "-shm", NULL);
    g_unlink(path);
    g_unlink(wal);
    g_unlink(shm);
    g_free(wal);
    g_free(shm);
    g_free(path);
    return us;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 3;
    if (runs < 1 || runs > 99)
        runs = 3;
    char *dir = g_dir_make_tmp("bc-storewrite-XXXXXX", NULL);
    if (!dir)
        return 1;
    printf("| variant | CPU per row | against the log as shipped |\n|---|---:|---:|\n");
    double shipped = 0;
    int n = 0;
    for (size_t v = 0; v < G_N_ELEMENTS(variants); v++) {
        double t[99];
        for (int i = 0; i < runs; i++)
            t[i] = run(&variants[v], dir, n++);
        qsort(t, (size_t)runs, sizeof t[0], cmp);
        double med = t[runs / 2];
        if (v == 0)
            shipped = med;
        printf("| %s | %.1f us | %+.1f us |\n", variants[v].name, med, med - shipped);
        fflush(stdout);
    }
    g_rmdir(dir);
    g_free(dir);
    return 0;
}
