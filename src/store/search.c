/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Full-text search: the user's query language, turned into a safe FTS5
 * expression plus filters, and the search itself. */
#define G_LOG_DOMAIN "backchat-store"

#include "internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/*
 * The query language (what /search, Ctrl-R and `backchat search` take):
 *
 *   words          each word is one term; adjacent terms must all match
 *   "a phrase"     the words in this order
 *   word*  "a b"*  prefix: any word starting with it
 *   AND OR NOT     operators, upper case only ("and" is a word); NOT is
 *                  binary ("budget NOT draft"); precedence NOT, AND, OR
 *   with:JID  in:ROOM  from:NICK_OR_JID  since:DATE  until:DATE
 *                  filters; a value may be quoted (from:"Jane Doe")
 *
 * Every term goes to FTS5 inside double quotes, so nothing a user types is
 * FTS5 syntax: '-', ':', '^', '+', '(', NEAR, column filters are all just
 * text to the tokenizer. A term with no letter or digit at all (the
 * tokenizer would index nothing for it) is left out. Errors are found here,
 * with a message for the user, never by FTS5 at run time.
 */

static void query_error(GError **err, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void query_error(GError **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(err, BC_STORE_ERROR, BC_STORE_ERROR_QUERY, msg);
    g_free(msg);
}

/* ---- dates -------------------------------------------------------------- */

static int64_t local_midnight(const GDate *d, int plus_days)
{
    GDate day = *d;
    if (plus_days > 0)
        g_date_add_days(&day, (guint)plus_days);
    GDateTime *dt = g_date_time_new_local(g_date_get_year(&day), g_date_get_month(&day),
                                          g_date_get_day(&day), 0, 0, 0);
    int64_t t = dt ? g_date_time_to_unix(dt) : 0;
    if (dt)
        g_date_time_unref(dt);
    return t;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isdigit(s[i]))
            return false;
    return n > 0;
}

bool bc_store_parse_date(const char *s, bool end_of_day, int64_t now, int64_t *out,
                         GError **err)
{
    g_return_val_if_fail(out != NULL, false);
    GDate d;
    g_date_clear(&d, 1);
    size_t n = s ? strlen(s) : 0;
    if (s && (strcmp(s, "today") == 0 || strcmp(s, "yesterday") == 0 ||
              (n >= 2 && n <= 6 && s[n - 1] == 'd' && all_digits(s, n - 1)))) {
        GDateTime *dt = g_date_time_new_from_unix_local(now);
        if (!dt) {
            query_error(err, "the current time is out of range");
            return false;
        }
        g_date_set_dmy(&d, (GDateDay)g_date_time_get_day_of_month(dt),
                       (GDateMonth)g_date_time_get_month(dt),
                       (GDateYear)g_date_time_get_year(dt));
        g_date_time_unref(dt);
        unsigned back = strcmp(s, "today") == 0 ? 0
                        : strcmp(s, "yesterday") == 0 ? 1
                        : (unsigned)g_ascii_strtoull(s, NULL, 10);
        if (back >= g_date_get_julian(&d)) {
            query_error(err, "\"%s\" is too far back", s);
            return false;
        }
        g_date_subtract_days(&d, back);
    } else if (s && n == 10 && all_digits(s, 4) && s[4] == '-' && all_digits(s + 5, 2) &&
               s[7] == '-' && all_digits(s + 8, 2)) {
        int y = atoi(s), m = atoi(s + 5), dd = atoi(s + 8);
        if (y < 1 || !g_date_valid_dmy((GDateDay)dd, (GDateMonth)m, (GDateYear)y)) {
            query_error(err, "\"%s\" is not a date in the calendar", s);
            return false;
        }
        g_date_set_dmy(&d, (GDateDay)dd, (GDateMonth)m, (GDateYear)y);
    } else {
        query_error(err, "\"%s\" is not a date: use YYYY-MM-DD, today, yesterday,"
                         " or Nd for N days ago", s ? s : "");
        return false;
    }
    *out = local_midnight(&d, end_of_day ? 1 : 0);
    return true;
}

/* ---- the query parser --------------------------------------------------- */

typedef enum { ITEM_TERM, ITEM_OP } item_kind;

typedef struct {
    item_kind kind;
    char *text;     /* ITEM_TERM: the FTS5 form, quoted; ITEM_OP: the operator */
} item;

static void item_clear(gpointer p)
{
    g_free(((item *)p)->text);
}

/* True if the tokenizer (unicode61: letters, numbers, private use) would
 * find a token in `s`. */
static bool has_token(const char *s, size_t len)
{
    const char *end = s + len;
    for (const char *p = s; p < end; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char_validated(p, end - p);
        if (c == (gunichar)-1 || c == (gunichar)-2)
            return true; /* invalid UTF-8: let the tokenizer decide */
        switch (g_unichar_type(c)) {
        case G_UNICODE_LOWERCASE_LETTER: case G_UNICODE_MODIFIER_LETTER:
        case G_UNICODE_OTHER_LETTER: case G_UNICODE_TITLECASE_LETTER:
        case G_UNICODE_UPPERCASE_LETTER: case G_UNICODE_DECIMAL_NUMBER:
        case G_UNICODE_LETTER_NUMBER: case G_UNICODE_OTHER_NUMBER:
        case G_UNICODE_PRIVATE_USE:
            return true;
        default:
            break;
        }
    }
    return false;
}

/* Appends a term: "text" (with any '"' doubled), and * for a prefix. */
static void add_term(GArray *items, const char *s, size_t len, bool prefix)
{
    if (!has_token(s, len))
        return;
    GString *t = g_string_sized_new(len + 4);
    g_string_append_c(t, '"');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            g_string_append_c(t, '"');
        g_string_append_c(t, s[i]);
    }
    g_string_append_c(t, '"');
    if (prefix)
        g_string_append_c(t, '*');
    item it = {ITEM_TERM, g_string_free(t, FALSE)};
    g_array_append_val(items, it);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Reads a quoted string starting at *p == '"': sets *start and *len to the
 * inside and moves *p past the closing quote. */
static bool read_quoted(const char **p, const char **start, size_t *len, GError **err)
{
    const char *close = strchr(*p + 1, '"');
    if (!close) {
        query_error(err, "unbalanced quote: the \" before \"%.20s\" is never closed;"
                         " put a \" at the end of the phrase", *p + 1);
        return false;
    }
    *start = *p + 1;
    *len = (size_t)(close - *start);
    *p = close + 1;
    return true;
}

static const char *const filter_names[] = {"with:", "in:", "from:", "since:", "until:"};

/* A conversation filter value: the bare JID (any resource dropped). */
static char *conv_value(const char *v, size_t len)
{
    size_t n = 0;
    while (n < len && v[n] != '/')
        n++;
    return g_strndup(v, n);
}

static bool set_filter(bc_search *q, int which, const char *v, size_t len, int64_t now,
                       GError **err)
{
    const char *name = filter_names[which];
    if (len == 0) {
        static const char *const hint[] = {"with:alice@example.org", "in:room@conference.example.org",
                                           "from:alice", "since:2024-01-31", "until:yesterday"};
        query_error(err, "%s needs a value, as in %s (no space after the colon)", name,
                    hint[which]);
        return false;
    }
    char *value = g_strndup(v, len);
    bool ok = true;
    switch (which) {
    case 0: g_free(q->with); q->with = conv_value(v, len); break;
    case 1: g_free(q->in); q->in = conv_value(v, len); break;
    case 2: g_free(q->from); q->from = g_strdup(value); break;
    case 3:
    case 4: {
        GError *e = NULL;
        int64_t t = 0;
        ok = bc_store_parse_date(value, which == 4, now, &t, &e);
        if (ok) {
            if (which == 3) q->since = t;
            else q->until = t;
        } else {
            query_error(err, "%s %s", name, e->message);
            g_error_free(e);
        }
        break;
    }
    }
    if (ok && (which == 0 || which == 1) && !*(which == 0 ? q->with : q->in)) {
        query_error(err, "%s needs a JID, not \"%s\"", name, value);
        ok = false;
    }
    g_free(value);
    return ok;
}

/* Joins the items into an FTS5 expression, checking that every operator
 * has a term on each side. */
static char *join_items(GArray *items, GError **err)
{
    GString *out = g_string_new(NULL);
    const char *prev_op = NULL;
    bool expect_term = true;
    for (guint i = 0; i < items->len; i++) {
        const item *it = &g_array_index(items, item, i);
        if (it->kind == ITEM_OP) {
            if (expect_term) {
                if (prev_op)
                    query_error(err, "%s cannot follow %s: put a word between them",
                                it->text, prev_op);
                else
                    query_error(err, "%s needs a word before it%s", it->text,
                                strcmp(it->text, "NOT") == 0
                                    ? " (NOT excludes: \"budget NOT draft\")" : "");
                g_string_free(out, TRUE);
                return NULL;
            }
            g_string_append_printf(out, " %s ", it->text);
            prev_op = it->text;
            expect_term = true;
        } else {
            if (!expect_term)
                g_string_append(out, " AND ");
            g_string_append(out, it->text);
            prev_op = NULL;
            expect_term = false;
        }
    }
    if (prev_op) {
        query_error(err, "%s needs a word after it", prev_op);
        g_string_free(out, TRUE);
        return NULL;
    }
    if (out->len == 0) {
        g_string_free(out, TRUE);
        return g_strdup("");
    }
    return g_string_free(out, FALSE);
}

bool bc_search_parse_at(const char *query, int64_t now, bc_search *out, GError **err)
{
    g_return_val_if_fail(out != NULL, false);
    g_return_val_if_fail(err == NULL || *err == NULL, false);
    memset(out, 0, sizeof *out);
    if (!query)
        query = "";

    GArray *items = g_array_new(FALSE, FALSE, sizeof(item));
    g_array_set_clear_func(items, item_clear);
    bool ok = true, any_filter = false, any_word = false;
    const char *p = query;
    while (ok) {
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        const char *start;
        size_t len;
        if (*p == '"') {
            if (!(ok = read_quoted(&p, &start, &len, err)))
                break;
            bool prefix = *p == '*';
            while (*p == '*')
                p++;
            any_word = true;
            add_term(items, start, len, prefix);
            continue;
        }
        start = p;
        while (*p && !is_space(*p) && *p != '"')
            p++;
        len = (size_t)(p - start);

        int which = -1;
        for (int i = 0; i < (int)G_N_ELEMENTS(filter_names); i++) {
            size_t fl = strlen(filter_names[i]);
            if (len >= fl && strncmp(start, filter_names[i], fl) == 0) {
                which = i;
                break;
            }
        }
        if (which >= 0) {
            size_t fl = strlen(filter_names[which]);
            const char *v = start + fl;
            size_t vlen = len - fl;
            if (vlen == 0 && *p == '"' && !(ok = read_quoted(&p, &v, &vlen, err)))
                break;
            ok = set_filter(out, which, v, vlen, now, err);
            any_filter = true;
            continue;
        }
        if ((len == 3 && strncmp(start, "AND", 3) == 0) ||
            (len == 2 && strncmp(start, "OR", 2) == 0) ||
            (len == 3 && strncmp(start, "NOT", 3) == 0)) {
            item it = {ITEM_OP, g_strndup(start, len)};
            g_array_append_val(items, it);
            continue;
        }
        bool prefix = false;
        while (len > 0 && start[len - 1] == '*') {
            prefix = true;
            len--;
        }
        if (prefix && len == 0) {
            query_error(err, "a * must come right after a word, as in budg*");
            ok = false;
            break;
        }
        any_word = true;
        add_term(items, start, len, prefix);
    }

    char *match = ok ? join_items(items, err) : NULL;
    g_array_unref(items);
    if (!match) {
        bc_search_clear(out);
        return false;
    }
    if (*match)
        out->match = match;
    else
        g_free(match);

    if (!out->match && !any_filter) {
        query_error(err, any_word ? "nothing to search for: only punctuation or symbols,"
                                    " which are not indexed"
                                  : "nothing to search for: give words or a filter"
                                    " (with:, in:, from:, since:, until:)");
        bc_search_clear(out);
        return false;
    }
    if (out->since && out->until && out->since >= out->until) {
        query_error(err, "since: is not before until: (until: includes its whole day)");
        bc_search_clear(out);
        return false;
    }
    return true;
}

bool bc_search_parse(const char *query, bc_search *out, GError **err)
{
    return bc_search_parse_at(query, (int64_t)(g_get_real_time() / G_USEC_PER_SEC), out, err);
}

void bc_search_clear(bc_search *q)
{
    if (!q)
        return;
    g_free(q->match);
    g_free(q->with);
    g_free(q->in);
    g_free(q->from);
    g_free(q->conv);
    memset(q, 0, sizeof *q);
}

/* ---- the search --------------------------------------------------------- */

/* The condition for a conversation filter named `p`: an exact JID, or
 * (without '@') a local part: conv in [p@, pA), '@' + 1 being 'A'. */
static void conv_filter(GString *sql, const char *value, const char *p)
{
    if (strchr(value, '@'))
        g_string_append_printf(sql, " AND messages.conv = :%s", p);
    else
        g_string_append_printf(sql, " AND messages.conv >= :%s_lo AND messages.conv < :%s_hi",
                               p, p);
}

char *bc_search_build_sql(const bc_search *q)
{
    GString *sql = g_string_new("SELECT " BC_ROW_COLS ", ");
    if (q->match)
        g_string_append(sql,
                        "snippet(messages_fts, 0, char(1), char(2), '\xE2\x80\xA6', 16)"
                        " FROM messages_fts CROSS JOIN messages"
                        " ON messages.id = messages_fts.rowid"
                        " WHERE messages_fts MATCH :match");
    else
        g_string_append(sql, "messages.body FROM messages WHERE 1");
    if (q->conv)
        g_string_append(sql, " AND messages.conv = :conv");
    if (q->with)
        conv_filter(sql, q->with, "with");
    if (q->in)
        conv_filter(sql, q->in, "in");
    if (q->from)
        g_string_append(sql, strchr(q->from, '@')
                                 ? " AND (messages.sender = :from OR messages.nick = :from"
                                   " OR (messages.sender >= :from_lo AND messages.sender < :from_hi))"
                                 : " AND (messages.nick = :from"
                                   " OR (messages.sender >= :from_lo AND messages.sender < :from_hi))");
    if (q->since)
        g_string_append(sql, " AND " BC_TIME_SQL " >= :since");
    if (q->until)
        g_string_append(sql, " AND " BC_TIME_SQL " < :until");
    g_string_append(sql, q->match ? " ORDER BY messages_fts.rowid DESC"
                                  : " ORDER BY messages.id DESC");
    g_string_append(sql, " LIMIT :limit OFFSET :offset");
    return g_string_free(sql, FALSE);
}

/* Binds :NAME_lo and :NAME_hi for a prefix range: after '@' for a local
 * part, or after '/' for the resources of a bare JID. */
static int bind_range(sqlite3_stmt *s, const char *name, const char *value, char **lo,
                      char **hi)
{
    bool bare = strchr(value, '@') != NULL;
    *lo = g_strconcat(value, bare ? "/" : "@", NULL);
    *hi = g_strconcat(value, bare ? "0" : "A", NULL);
    char *nlo = g_strdup_printf(":%s_lo", name), *nhi = g_strdup_printf(":%s_hi", name);
    int rc = bc_store_bind_named_text(s, nlo, *lo);
    if (rc == SQLITE_OK)
        rc = bc_store_bind_named_text(s, nhi, *hi);
    g_free(nlo);
    g_free(nhi);
    return rc;
}

int bc_store_search(bc_store *st, const bc_search *q, int limit, int offset,
                    bc_search_fn cb, void *data, GError **err)
{
    g_return_val_if_fail(st != NULL && q != NULL && cb != NULL, -1);
    g_return_val_if_fail(err == NULL || *err == NULL, -1);
    if (limit <= 0)
        return 0;
    if (!q->match && !q->conv && !q->with && !q->in && !q->from && !q->since && !q->until) {
        query_error(err, "nothing to search for");
        return -1;
    }
    char *sql = bc_search_build_sql(q);
    sqlite3_stmt *s = NULL;
    char *lo[3] = {NULL}, *hi[3] = {NULL};
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    g_free(sql);
    if (rc == SQLITE_OK) rc = bc_store_bind_named_text(s, ":match", q->match);
    if (rc == SQLITE_OK) rc = bc_store_bind_named_text(s, ":conv", q->conv);
    if (rc == SQLITE_OK) rc = bc_store_bind_named_text(s, ":with", q->with);
    if (rc == SQLITE_OK && q->with) rc = bind_range(s, "with", q->with, &lo[0], &hi[0]);
    if (rc == SQLITE_OK) rc = bc_store_bind_named_text(s, ":in", q->in);
    if (rc == SQLITE_OK && q->in) rc = bind_range(s, "in", q->in, &lo[1], &hi[1]);
    if (rc == SQLITE_OK) rc = bc_store_bind_named_text(s, ":from", q->from);
    if (rc == SQLITE_OK && q->from) rc = bind_range(s, "from", q->from, &lo[2], &hi[2]);
    if (rc == SQLITE_OK) rc = bc_store_bind_named_int64(s, ":since", q->since);
    if (rc == SQLITE_OK) rc = bc_store_bind_named_int64(s, ":until", q->until);
    if (rc == SQLITE_OK) rc = bc_store_bind_named_int64(s, ":limit", limit);
    if (rc == SQLITE_OK) rc = bc_store_bind_named_int64(s, ":offset", offset > 0 ? offset : 0);

    int n = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        bc_store_row r;
        bc_store_read_row(s, 0, &r);
        const char *snip = (const char *)sqlite3_column_text(s, BC_ROW_NCOLS);
        cb(&r, snip ? snip : "", data);
        n++;
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE) {
        bc_store_set_error(err, st->db, rc, BC_STORE_ERROR_READ, "cannot search the log");
        n = -1;
    }
    sqlite3_finalize(s);
    for (int i = 0; i < 3; i++) {
        g_free(lo[i]);
        g_free(hi[i]);
    }
    return n;
}
