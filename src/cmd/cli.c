/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `backchat export|stats|verify-logs|search`: the local log from the shell;
 * `backchat remote`: a /command for the running backchat. */
#include "backchat/cli.h"
#include "backchat/account.h"
#include "backchat/paths.h"
#include "backchat/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>

/* ---- options ------------------------------------------------------------ */

enum {
    OPT_ACCOUNT = 1 << 0,
    OPT_SINCE = 1 << 1,
    OPT_UNTIL = 1 << 2,
    OPT_FORMAT = 1 << 3,
    OPT_LIMIT = 1 << 4,
};

typedef struct {
    const char *cmd;       /* the subcommand, for messages */
    const char *account, *since, *until, *format, *limit;
    bool help;
    bool options_first;    /* options end at the first positional argument */
    GPtrArray *args;       /* positional arguments (borrowed from argv) */
} cli_opts;

static const struct {
    const char *name;
    int flag;
} options[] = {
    {"--account", OPT_ACCOUNT}, {"--since", OPT_SINCE}, {"--until", OPT_UNTIL},
    {"--format", OPT_FORMAT},   {"--limit", OPT_LIMIT},
};

static const char **opt_slot(cli_opts *o, int flag)
{
    switch (flag) {
    case OPT_ACCOUNT: return &o->account;
    case OPT_SINCE: return &o->since;
    case OPT_UNTIL: return &o->until;
    case OPT_FORMAT: return &o->format;
    default: return &o->limit;
    }
}

/* Parses argv[2..]: options (--opt VALUE, --opt=VALUE, -a NAME, -h,
 * --help) anywhere, positionals in order, "--" ends options, "-" is a
 * positional. Returns false (message written) on a usage error. */
static bool parse_opts(int argc, char **argv, int allowed, cli_opts *o, FILE *err)
{
    bool only_args = false;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (only_args || a[0] != '-' || strcmp(a, "-") == 0) {
            g_ptr_array_add(o->args, (gpointer)a);
            only_args = only_args || o->options_first;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_args = true;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            o->help = true;
            continue;
        }
        const char *name = strcmp(a, "-a") == 0 ? "--account" : a;
        size_t nlen = strcspn(name, "=");
        int flag = 0;
        for (size_t k = 0; k < G_N_ELEMENTS(options); k++)
            if (strlen(options[k].name) == nlen && strncmp(options[k].name, name, nlen) == 0)
                flag = options[k].flag;
        if (!flag || !(allowed & flag)) {
            fprintf(err, "backchat %s: unknown option \"%s\" (see backchat %s --help)\n",
                    o->cmd, a, o->cmd);
            return false;
        }
        const char *value;
        if (name[nlen] == '=') {
            value = name + nlen + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            fprintf(err, "backchat %s: %.*s needs a value\n", o->cmd, (int)nlen, name);
            return false;
        }
        *opt_slot(o, flag) = value;
    }
    return true;
}

/* ---- the log of an account ---------------------------------------------- */

/* Finds the account (--account, else the default one) and opens its log
 * read-only. Returns an exit code; on BC_CLI_OK *out is the store. */
static int open_log(const cli_opts *o, bc_store **out, FILE *err)
{
    char *accounts_path = bc_paths_accounts_file();
    GError *e = NULL;
    bc_accounts *accts = bc_accounts_load(accounts_path, NULL, &e);
    if (!accts) {
        fprintf(err, "backchat %s: %s\n", o->cmd, e->message);
        g_error_free(e);
        g_free(accounts_path);
        return BC_CLI_CONFIG;
    }
    char *name = NULL;
    if (o->account) {
        if (!bc_account_name_valid(o->account)) {
            fprintf(err, "backchat %s: \"%s\" is not an account name (letters, digits, . _ -)\n",
                    o->cmd, o->account);
        } else {
            name = g_strdup(o->account);
        }
    } else {
        bc_account *a = bc_accounts_default(accts);
        if (a)
            name = g_strdup(a->name);
        else
            fprintf(err,
                    "backchat %s: no account in %s; start backchat and add one with"
                    " /account add NAME user@server, or name one with --account NAME\n",
                    o->cmd, accounts_path);
    }
    bool known = name && bc_accounts_find(accts, name) != NULL;
    bc_accounts_free(accts);
    if (!name) {
        g_free(accounts_path);
        return BC_CLI_CONFIG;
    }

    /* Never create directories here: only read what is there. */
    char *path = g_build_filename(bc_paths_data_dir(), name, "log.db", NULL);
    int code = BC_CLI_OK;
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
        if (known)
            fprintf(err, "backchat %s: no log for account \"%s\" yet (%s); backchat writes it"
                         " once the account has exchanged messages\n", o->cmd, name, path);
        else
            fprintf(err, "backchat %s: no account \"%s\" in %s, and no log at %s\n",
                    o->cmd, name, accounts_path, path);
        code = BC_CLI_CONFIG;
    } else if (!(*out = bc_store_open_readonly(path, &e))) {
        fprintf(err, "backchat %s: %s\n", o->cmd, e->message);
        g_error_free(e);
        code = BC_CLI_FAILED;
    }
    g_free(path);
    g_free(name);
    g_free(accounts_path);
    return code;
}

static int64_t now_seconds(void)
{
    return (int64_t)(g_get_real_time() / G_USEC_PER_SEC);
}

/* --since/--until; false (message written) if it does not parse. */
static bool parse_date_opt(const cli_opts *o, const char *opt, const char *value, bool end,
                           int64_t *out, FILE *err)
{
    *out = 0;
    if (!value)
        return true;
    GError *e = NULL;
    if (bc_store_parse_date(value, end, now_seconds(), out, &e))
        return true;
    fprintf(err, "backchat %s: %s: %s\n", o->cmd, opt, e->message);
    g_error_free(e);
    return false;
}

typedef enum { AS_DAY, AS_MINUTE, AS_SECOND } time_style;

static void format_local(int64_t t, time_style style, char buf[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    size_t n = 0;
    if (localtime_r(&tt, &tm))
        n = style == AS_DAY      ? strftime(buf, 32, "%Y-%m-%d", &tm)
            : style == AS_MINUTE ? strftime(buf, 32, "%Y-%m-%d %H:%M", &tm)
                                 : strftime(buf, 32, "%Y-%m-%d %H:%M:%S", &tm);
    if (!n)
        g_strlcpy(buf, "?", 32);
}

/* ---- export ------------------------------------------------------------- */

int64_t bc_cli_export_file(bc_store *st, const char *conv, int64_t since, int64_t until,
                           bc_export_format fmt, const char *file, GError **err)
{
    /* Private (0600) like the log, written whole or not at all. */
    char *tmp = g_strconcat(file, ".XXXXXX", NULL);
    int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int en = errno;
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_IO, "cannot create %s: %s", file,
                    g_strerror(en));
        if (fd >= 0) {
            close(fd);
            g_unlink(tmp);
        }
        g_free(tmp);
        return -1;
    }
    GError *e = NULL;
    int64_t n = bc_store_export(st, conv, since, until, fmt, f, &e);
    if (fclose(f) != 0 && n >= 0) {
        int en = errno;
        g_set_error(&e, BC_STORE_ERROR, BC_STORE_ERROR_IO, "cannot write %s: %s", file,
                    g_strerror(en));
        n = -1;
    }
    if (n >= 0 && g_rename(tmp, file) != 0) {
        int en = errno;
        g_set_error(&e, BC_STORE_ERROR, BC_STORE_ERROR_IO, "cannot write %s: %s", file,
                    g_strerror(en));
        n = -1;
    }
    if (n < 0) {
        g_unlink(tmp);
        g_propagate_error(err, e);
    }
    g_free(tmp);
    return n;
}

static const char export_help[] =
    "Usage: backchat export [--account NAME] [--since DATE] [--until DATE]\n"
    "                       [--format text|jsonl|csv] [JID] FILE|-\n"
    "Writes the local log (all conversations, or the one with JID) to FILE,\n"
    "or to standard output for -.\n"
    "\n"
    "  -a, --account NAME  the account (default: the default account)\n"
    "      --since DATE    from the start of DATE\n"
    "      --until DATE    up to the end of DATE\n"
    "      --format F      text (default): one line per message,\n"
    "                        YYYY-MM-DD HH:MM:SS CONVERSATION SENDER: TEXT\n"
    "                        (local time; newlines shown as \\n);\n"
    "                      jsonl: one JSON object per message;\n"
    "                      csv: RFC 4180 with a header line\n"
    "  -h, --help          show this help\n"
    "\n"
    "DATE is YYYY-MM-DD, today, yesterday, or Nd (N days ago).\n"
    "Exit status: 0 done, 1 error, 2 bad usage, 3 no such account or no log.\n";

static int cmd_export(cli_opts *o, FILE *out, FILE *err)
{
    if (o->help) {
        fputs(export_help, out);
        return BC_CLI_OK;
    }
    bc_export_format fmt = BC_EXPORT_TEXT;
    int64_t since = 0, until = 0;
    if (o->args->len < 1 || o->args->len > 2) {
        fprintf(err, "backchat export: %s\n%s",
                o->args->len ? "too many arguments" : "give a FILE, or - for standard output",
                export_help);
        return BC_CLI_USAGE;
    }
    if (o->format && !bc_export_format_parse(o->format, &fmt)) {
        fprintf(err, "backchat export: unknown format \"%s\": use text, jsonl or csv\n",
                o->format);
        return BC_CLI_USAGE;
    }
    if (!parse_date_opt(o, "--since", o->since, false, &since, err) ||
        !parse_date_opt(o, "--until", o->until, true, &until, err))
        return BC_CLI_USAGE;
    if (since && until && since >= until) {
        fprintf(err, "backchat export: --since is after --until\n");
        return BC_CLI_USAGE;
    }
    char *conv = NULL;
    if (o->args->len == 2) {
        const char *jid = o->args->pdata[0];
        conv = g_strndup(jid, strcspn(jid, "/"));
        if (!*conv) {
            fprintf(err, "backchat export: \"%s\" is not a JID\n", jid);
            g_free(conv);
            return BC_CLI_USAGE;
        }
    }
    const char *file = o->args->pdata[o->args->len - 1];

    bc_store *st = NULL;
    int code = open_log(o, &st, err);
    if (code != BC_CLI_OK) {
        g_free(conv);
        return code;
    }

    GError *e = NULL;
    int64_t n;
    if (strcmp(file, "-") == 0) {
        n = bc_store_export(st, conv, since, until, fmt, out, &e);
    } else {
        n = bc_cli_export_file(st, conv, since, until, fmt, file, &e);
        if (n >= 0)
            fprintf(err, "backchat export: %" G_GINT64_FORMAT " message%s written to %s\n", n,
                    n == 1 ? "" : "s", file);
    }
    if (n < 0) {
        fprintf(err, "backchat export: %s\n", e->message);
        g_error_free(e);
        code = BC_CLI_FAILED;
    }
    g_free(conv);
    bc_store_close(st);
    return code;
}

/* ---- stats -------------------------------------------------------------- */

static const char stats_help[] =
    "Usage: backchat stats [--account NAME] [--since DATE]\n"
    "Prints a report from the local log: totals, messages per day, the\n"
    "busiest conversations, busiest hours, and for 1:1 conversations the\n"
    "median and 90th-percentile time to reply to an incoming message.\n"
    "\n"
    "  -a, --account NAME  the account (default: the default account)\n"
    "      --since DATE    only messages from the start of DATE on\n"
    "  -h, --help          show this help\n"
    "\n"
    "DATE is YYYY-MM-DD, today, yesterday, or Nd (N days ago).\n"
    "Exit status: 0 done, 1 error, 2 bad usage, 3 no such account or no log.\n";

#define STATS_TOP 10
#define STATS_DAYS 31
#define BAR_WIDTH 40

static void bar(FILE *out, int64_t v, int64_t max)
{
    int n = max > 0 ? (int)((v * BAR_WIDTH + max - 1) / max) : 0;
    for (int i = 0; i < n; i++)
        fputc('#', out);
}

static void duration(double secs, char buf[32])
{
    int64_t s = (int64_t)(secs + 0.5);
    if (s < 60)
        g_snprintf(buf, 32, "%" G_GINT64_FORMAT "s", s);
    else if (s < 3600)
        g_snprintf(buf, 32, "%" G_GINT64_FORMAT "m %02" G_GINT64_FORMAT "s", s / 60, s % 60);
    else
        g_snprintf(buf, 32, "%" G_GINT64_FORMAT "h %02" G_GINT64_FORMAT "m", s / 3600,
                   (s % 3600) / 60);
}

void bc_cli_print_stats(const bc_stats *s, FILE *out)
{
    if (s->total == 0) {
        fprintf(out, "No messages.\n");
        return;
    }
    char first[32], last[32];
    format_local(s->first_ts, AS_DAY, first);
    format_local(s->last_ts, AS_DAY, last);
    fprintf(out, "Messages: %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " in, %" G_GINT64_FORMAT
                 " out), %s to %s\n", s->total, s->in, s->out, first, last);
    fprintf(out, "By kind:");
    const char *sep = " ";
    for (int k = 0; k < BC_KIND_COUNT; k++)
        if (s->kinds[k]) {
            fprintf(out, "%s%s %" G_GINT64_FORMAT, sep, bc_msg_kind_name((bc_msg_kind)k),
                    s->kinds[k]);
            sep = ", ";
        }
    fputc('\n', out);

    guint nd = s->days->len, from = nd > STATS_DAYS ? nd - STATS_DAYS : 0;
    int64_t max = 0;
    for (guint i = from; i < nd; i++)
        max = MAX(max, g_array_index(s->days, bc_stats_day, i).count);
    fprintf(out, "\nPer day");
    if (from)
        fprintf(out, " (the last %d of %u days with messages; --since chooses)", STATS_DAYS, nd);
    fprintf(out, ":\n");
    for (guint i = from; i < nd; i++) {
        const bc_stats_day *d = &g_array_index(s->days, bc_stats_day, i);
        fprintf(out, "  %s %7" G_GINT64_FORMAT " ", d->date, d->count);
        bar(out, d->count, max);
        fputc('\n', out);
    }

    fprintf(out, "\nTop conversations:\n");
    for (guint i = 0; i < s->convs->len && i < STATS_TOP; i++) {
        const bc_stats_conv *c = &g_array_index(s->convs, bc_stats_conv, i);
        fprintf(out, "  %7" G_GINT64_FORMAT "  %s (%s; %" G_GINT64_FORMAT " in, %" G_GINT64_FORMAT
                     " out)\n", c->count, c->conv, bc_msg_kind_name(c->kind), c->in, c->out);
    }
    if (s->convs->len > STATS_TOP)
        fprintf(out, "  ... and %u more\n", s->convs->len - STATS_TOP);

    max = 0;
    for (int h = 0; h < 24; h++)
        max = MAX(max, s->hours[h]);
    fprintf(out, "\nBusiest hours (local time):\n");
    for (int h = 0; h < 24; h++) {
        fprintf(out, "  %02d %7" G_GINT64_FORMAT " ", h, s->hours[h]);
        bar(out, s->hours[h], max);
        fputc('\n', out);
    }

    fprintf(out, "\nTime to reply (1:1): ");
    if (s->replies == 0) {
        fprintf(out, "no replies yet\n");
    } else {
        char med[32], p90[32];
        duration(s->reply_median, med);
        duration(s->reply_p90, p90);
        fprintf(out, "median %s, 90th percentile %s (%" G_GINT64_FORMAT " repl%s)\n", med, p90,
                s->replies, s->replies == 1 ? "y" : "ies");
    }
}

static int cmd_stats(cli_opts *o, FILE *out, FILE *err)
{
    if (o->help) {
        fputs(stats_help, out);
        return BC_CLI_OK;
    }
    int64_t since = 0;
    if (o->args->len) {
        fprintf(err, "backchat stats: unexpected argument \"%s\"\n%s",
                (const char *)o->args->pdata[0], stats_help);
        return BC_CLI_USAGE;
    }
    if (!parse_date_opt(o, "--since", o->since, false, &since, err))
        return BC_CLI_USAGE;
    bc_store *st = NULL;
    int code = open_log(o, &st, err);
    if (code != BC_CLI_OK)
        return code;
    bc_stats s;
    GError *e = NULL;
    if (bc_store_stats(st, since, &s, &e)) {
        bc_cli_print_stats(&s, out);
        bc_stats_clear(&s);
    } else {
        fprintf(err, "backchat stats: %s\n", e->message);
        g_error_free(e);
        code = BC_CLI_FAILED;
    }
    bc_store_close(st);
    return code;
}

/* ---- verify-logs -------------------------------------------------------- */

static const char verify_help[] =
    "Usage: backchat verify-logs [--account NAME]\n"
    "Checks the hash chain of the local log: every message carries a SHA-256\n"
    "value over the one before it, so a message edited, deleted or moved\n"
    "outside backchat breaks the chain from there on.\n"
    "\n"
    "  -a, --account NAME  the account (default: the default account)\n"
    "  -h, --help          show this help\n"
    "\n"
    "Prints the chain head: written down elsewhere, it also shows later that\n"
    "nothing was cut off the end.\n"
    "Exit status: 0 the chain holds, 1 it is broken (the first broken\n"
    "message is named) or the log cannot be read, 2 bad usage, 3 no such\n"
    "account or no log.\n";

typedef struct {
    bool found;
    char *conv;
    int64_t time;
} row_info;

static void keep_row(const bc_store_row *r, void *data)
{
    row_info *ri = data;
    ri->found = true;
    ri->conv = g_strdup(r->conv);
    ri->time = bc_store_row_time(r);
}

static int cmd_verify(cli_opts *o, FILE *out, FILE *err)
{
    if (o->help) {
        fputs(verify_help, out);
        return BC_CLI_OK;
    }
    if (o->args->len) {
        fprintf(err, "backchat verify-logs: unexpected argument \"%s\"\n%s",
                (const char *)o->args->pdata[0], verify_help);
        return BC_CLI_USAGE;
    }
    bc_store *st = NULL;
    int code = open_log(o, &st, err);
    if (code != BC_CLI_OK)
        return code;
    GError *e = NULL;
    int64_t bad = 0;
    int64_t n = bc_store_verify(st, &bad, &e);
    if (n < 0) {
        fprintf(err, "backchat verify-logs: %s\n", e->message);
        g_error_free(e);
        code = BC_CLI_FAILED;
    } else if (bad) {
        row_info ri = {0};
        bc_store_get(st, bad, keep_row, &ri, NULL);
        if (ri.found) {
            char when[32];
            format_local(ri.time, AS_SECOND, when);
            fprintf(out, "FAILED: message %" G_GINT64_FORMAT " in %s at %s does not match the"
                         " hash chain: it, or the message stored just before it, was edited,"
                         " deleted or moved outside backchat", bad, ri.conv, when);
        } else {
            /* The end of a purged run, after the last message. */
            fprintf(out, "FAILED: the hash chain breaks at purged message %" G_GINT64_FORMAT
                         ": the last message stored before it was edited or deleted"
                         " outside backchat", bad);
        }
        fprintf(out, " (%" G_GINT64_FORMAT " earlier message%s verified)\n", n,
                n == 1 ? "" : "s");
        g_free(ri.conv);
        code = BC_CLI_FAILED;
    } else {
        fprintf(out, "OK: %" G_GINT64_FORMAT " message%s verified\n", n, n == 1 ? "" : "s");
        int64_t head = 0;
        uint8_t chain[BC_STORE_CHAIN_LEN];
        if (bc_store_chain_head(st, &head, chain, NULL)) {
            fprintf(out, "chain head: message %" G_GINT64_FORMAT " sha256 ", head);
            for (int i = 0; i < BC_STORE_CHAIN_LEN; i++)
                fprintf(out, "%02x", chain[i]);
            fputc('\n', out);
        }
    }
    bc_store_close(st);
    return code;
}

/* ---- search ------------------------------------------------------------- */

static const char search_help[] =
    "Usage: backchat search [--account NAME] [--limit N] QUERY...\n"
    "Searches the local log, newest first.\n"
    "\n"
    "  -a, --account NAME  the account (default: the default account)\n"
    "      --limit N       at most N results (default 50)\n"
    "  -h, --help          show this help\n"
    "\n"
    "QUERY: words (all must match), \"a phrase\", prefix*, AND, OR, NOT\n"
    "(upper case; \"a NOT b\"), and the filters with:JID in:ROOM\n"
    "from:NICK_OR_JID since:DATE until:DATE. Quote phrases for the shell:\n"
    "  backchat search '\"quarterly report\"' from:alice since:7d\n"
    "DATE is YYYY-MM-DD, today, yesterday, or Nd (N days ago).\n"
    "Exit status: 0 done (also with no results), 1 error, 2 bad usage or\n"
    "query, 3 no such account or no log.\n";

typedef struct {
    FILE *out;
    bool tty;
    int n;
} search_ctx;

static void print_hit(const bc_store_row *r, const char *snippet, void *data)
{
    search_ctx *c = data;
    char when[32];
    format_local(bc_store_row_time(r), AS_MINUTE, when);
    const char *who = r->nick ? r->nick : r->sender;
    char *bare = who && !r->nick ? g_strndup(who, strcspn(who, "/")) : g_strdup(who);
    fprintf(c->out, "%s %s %s: ", when, r->conv,
            bare ? bare : (r->dir == BC_DIR_OUT ? "me" : r->conv));
    g_free(bare);
    for (const char *p = snippet; *p; p++) {
        if (*p == BC_SEARCH_MARK_START) {
            if (c->tty)
                fputs("\033[1m", c->out);
        } else if (*p == BC_SEARCH_MARK_END) {
            if (c->tty)
                fputs("\033[0m", c->out);
        } else if (*p == '\n' || *p == '\r' || *p == '\t') {
            fputc(' ', c->out);
        } else if ((unsigned char)*p >= 0x20 && *p != 0x7f) {
            fputc(*p, c->out);
        }
    }
    fputc('\n', c->out);
    c->n++;
}

static int cmd_search(cli_opts *o, FILE *out, FILE *err)
{
    if (o->help) {
        fputs(search_help, out);
        return BC_CLI_OK;
    }
    if (!o->args->len) {
        fprintf(err, "backchat search: give something to search for\n%s", search_help);
        return BC_CLI_USAGE;
    }
    int limit = 50;
    if (o->limit) {
        char *end = NULL;
        long v = strtol(o->limit, &end, 10);
        if (!*o->limit || *end || v < 1 || v > 100000) {
            fprintf(err, "backchat search: --limit takes a number from 1 to 100000\n");
            return BC_CLI_USAGE;
        }
        limit = (int)v;
    }
    GString *query = g_string_new(NULL);
    for (guint i = 0; i < o->args->len; i++) {
        if (i)
            g_string_append_c(query, ' ');
        g_string_append(query, o->args->pdata[i]);
    }
    bc_search q;
    GError *e = NULL;
    bool parsed = bc_search_parse(query->str, &q, &e);
    g_string_free(query, TRUE);
    if (!parsed) {
        fprintf(err, "backchat search: %s\n", e->message);
        g_error_free(e);
        return BC_CLI_USAGE;
    }
    bc_store *st = NULL;
    int code = open_log(o, &st, err);
    if (code != BC_CLI_OK) {
        bc_search_clear(&q);
        return code;
    }
    search_ctx c = {out, isatty(fileno(out)) == 1, 0};
    if (bc_store_search(st, &q, limit, 0, print_hit, &c, &e) < 0) {
        fprintf(err, "backchat search: %s\n", e->message);
        g_error_free(e);
        code = BC_CLI_FAILED;
    } else if (c.n == 0) {
        fprintf(out, "No messages match.\n");
    }
    bc_search_clear(&q);
    bc_store_close(st);
    return code;
}

/* ---- remote ------------------------------------------------------------- */

static int cmd_remote(cli_opts *o, FILE *out, FILE *err)
{
    return bc_cli_remote(o->account, o->help, o->args, out, err);
}

/* ---- dispatch ----------------------------------------------------------- */

static const struct {
    const char *name;
    int options;
    int (*run)(cli_opts *o, FILE *out, FILE *err);
} commands[] = {
    {"export", OPT_ACCOUNT | OPT_SINCE | OPT_UNTIL | OPT_FORMAT, cmd_export},
    {"stats", OPT_ACCOUNT | OPT_SINCE, cmd_stats},
    {"verify-logs", OPT_ACCOUNT, cmd_verify},
    {"search", OPT_ACCOUNT | OPT_LIMIT, cmd_search},
    {"remote", OPT_ACCOUNT, cmd_remote},
};

bool bc_cli_is_command(const char *word)
{
    for (size_t i = 0; word && i < G_N_ELEMENTS(commands); i++)
        if (strcmp(word, commands[i].name) == 0)
            return true;
    return false;
}

int bc_cli_run(int argc, char **argv, FILE *out, FILE *errout)
{
    if (argc < 2 || !bc_cli_is_command(argv[1])) {
        fprintf(errout, "backchat: unknown command \"%s\"; the log commands are export, stats,"
                        " verify-logs and search, and remote runs a /command\n",
                argc >= 2 ? argv[1] : "");
        return BC_CLI_USAGE;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (strcmp(argv[1], commands[i].name) != 0)
            continue;
        /* remote: everything after the /command belongs to it, and its
         * exit codes follow the sysexits convention. */
        bool remote = commands[i].run == cmd_remote;
        cli_opts o = {.cmd = commands[i].name, .options_first = remote,
                      .args = g_ptr_array_new()};
        int code = parse_opts(argc, argv, commands[i].options, &o, errout)
                       ? commands[i].run(&o, out, errout)
                       : remote ? BC_CLI_REMOTE_USAGE : BC_CLI_USAGE;
        g_ptr_array_unref(o.args);
        fflush(out);
        return code;
    }
    return BC_CLI_USAGE;
}

int bc_cli_main(int argc, char **argv)
{
    return bc_cli_run(argc, argv, stdout, stderr);
}
