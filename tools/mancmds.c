/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mancmds: prints the entries of the COMMANDS section of backchat(1), in
 * roff, from the command table (bc_cmd_table), the same rows /help reads,
 * so the manual cannot drift from the program. tools/genman.sh puts the
 * output where man/backchat.1.in says @COMMANDS@.
 *
 * Each command becomes a .TP entry: the tag is /name and the synopsis
 * (literal words bold, METAVARIABLES italic), the body is the summary,
 * then each '\n'-separated help paragraph (.IP), then the subcommands.
 * In the body, "/command" (and "/command subcommand") is set in bold and
 * the command's own metavariables in italic, one sentence per line. All
 * text is escaped for roff: backslash as \e, '-' in option-like words as
 * \-, non-ASCII as \[uXXXX], a break point \: after a '/' inside a path,
 * and a line that would start with '.' or '\'' is protected with \&.
 *
 * Build: cc ... tools/mancmds.c build/libbackchat.a (see the Makefile). */
#include "backchat/cmd.h"

#include <glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const bc_cmd *table;
static size_t table_len;

static bool is_word_char(char c)
{
    return g_ascii_isalnum(c) || c == '_';
}

/* An all-caps word (letters, digits, '_', at least one letter) is a
 * metavariable: NAME, JID, HOST, ... */
static bool is_metavar(const char *s, size_t n)
{
    bool letter = false;
    for (size_t i = 0; i < n; i++) {
        if (g_ascii_islower(s[i]) || !is_word_char(s[i]))
            return false;
        if (g_ascii_isupper(s[i]))
            letter = true;
    }
    return letter;
}

/* Metavariables named in a synopsis, as a set of strings. */
static GHashTable *metavars_of(const char *synopsis)
{
    GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const char *p = synopsis ? synopsis : "";
    while (*p) {
        if (!is_word_char(*p)) {
            p++;
            continue;
        }
        const char *start = p;
        while (is_word_char(*p))
            p++;
        if (is_metavar(start, (size_t)(p - start)))
            g_hash_table_add(set, g_strndup(start, (size_t)(p - start)));
    }
    return set;
}

static bool in_set(GHashTable *set, const char *s, size_t n)
{
    char *w = g_strndup(s, n);
    bool found = g_hash_table_contains(set, w);
    g_free(w);
    return found;
}

static const bc_cmd *find_cmd(const char *s, size_t n)
{
    for (size_t i = 0; i < table_len; i++)
        if (strlen(table[i].name) == n && memcmp(table[i].name, s, n) == 0)
            return &table[i];
    return NULL;
}

/* Whether the '-' at `p` belongs to an option-like word (one that starts
 * with '-', like --jid or -a) of the source text that begins at `base`:
 * such hyphens are minus signs in roff (\-), other hyphens (Alt-1,
 * SHA-256) stay hyphens. */
static bool in_option_word(const char *base, const char *p)
{
    const char *q = p;
    while (q > base && !strchr(" \t([|\"", q[-1]))
        q--;
    return *q == '-';
}

/* Length of the UTF-8 character at `p` (at most `max` bytes); 1 for an
 * invalid byte. */
static size_t char_len(const char *p, size_t max)
{
    if ((unsigned char)*p < 0x80)
        return 1;
    gunichar u = g_utf8_get_char_validated(p, (gssize)max);
    if (u == (gunichar)-1 || u == (gunichar)-2)
        return 1;
    return (size_t)(g_utf8_next_char(p) - p);
}

/* Escapes `n` bytes at `p` of the source text `base` for roff: backslash
 * as \e, '-' in option-like words as \-, non-ASCII as \[uXXXX] (an
 * invalid byte as U+FFFD), control characters dropped (tab: a space),
 * and a break point (\:) after a '/' inside a path, so paths can wrap. */
static void esc(GString *o, const char *base, const char *p, size_t n)
{
    const char *end = p + n;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x80) {
            if (c == '\\')
                g_string_append(o, "\\e");
            else if (c == '-')
                g_string_append(o, in_option_word(base, p) ? "\\-" : "-");
            else if (c == '/' && p > base && (is_word_char(p[-1]) || p[-1] == '.' || p[-1] == '-') &&
                     p[1] && p[1] != ' ')
                g_string_append(o, "/\\:"); /* a path may break after a '/' */
            else if (c == '\t')
                g_string_append_c(o, ' ');
            else if (c < 0x20 || c == 0x7f)
                ; /* no control characters in a manual page */
            else
                g_string_append_c(o, (char)c);
            p++;
            continue;
        }
        size_t len = char_len(p, (size_t)(end - p));
        gunichar u = len == 1 ? 0xFFFD : g_utf8_get_char(p);
        g_string_append_printf(o, "\\[u%04" G_GINT32_MODIFIER "X]", (guint32)u);
        p += len;
    }
}

/* `n` bytes at `p` of the source `base`, in font `f` (B or I). */
static void font(GString *o, char f, const char *base, const char *p, size_t n)
{
    g_string_append_printf(o, "\\f%c", f);
    esc(o, base, p, n);
    g_string_append(o, "\\fR");
}

/* Escapes the one character at `p` and returns the next one. */
static const char *esc_char(GString *o, const char *base, const char *p)
{
    size_t n = char_len(p, strlen(p));
    esc(o, base, p, n);
    return p + n;
}

/* A synopsis word: word characters with inner hyphens, or an option
 * (leading hyphens then word characters). Returns its end, or `p`. */
static const char *synopsis_word_end(const char *p)
{
    const char *q = p;
    while (*q == '-')
        q++;
    if (!is_word_char(*q))
        return p;
    while (is_word_char(*q) || (*q == '-' && is_word_char(q[1])))
        q++;
    return q;
}

/* The tag of a .TP entry: "/name synopsis". Literal words of the synopsis
 * are bold, all-caps words are metavariables (italic); a break is allowed
 * after each '|' so a long synopsis can wrap. */
static void format_synopsis(GString *o, const bc_cmd *c)
{
    g_string_append(o, "\\fB/");
    esc(o, c->name, c->name, strlen(c->name));
    g_string_append(o, "\\fR");
    const char *base = c->synopsis ? c->synopsis : "";
    const char *p = base;
    if (*p)
        g_string_append_c(o, ' ');
    while (*p) {
        const char *q = synopsis_word_end(p);
        if (q > p) {
            size_t n = (size_t)(q - p);
            font(o, is_metavar(p, n) ? 'I' : 'B', base, p, n);
            p = q;
            continue;
        }
        bool bar = *p == '|';
        p = esc_char(o, base, p);
        if (bar)
            g_string_append(o, "\\:");
    }
}

/* Body text: "/cmd" (plus a following subcommand) bold, the command's own
 * metavariables italic, everything else escaped as it is. */
static void format_text(GString *o, const char *s, GHashTable *metavars)
{
    const char *p = s;
    while (*p) {
        bool word_start = p == s || p[-1] == ' ' || p[-1] == '(' || p[-1] == '"';
        if (*p == '/' && word_start && g_ascii_islower(p[1])) {
            const char *name = p + 1, *q = name;
            while (g_ascii_islower(*q))
                q++;
            const bc_cmd *cmd = find_cmd(name, (size_t)(q - name));
            if (cmd && !is_word_char(*q) && *q != '/' && *q != '-') {
                /* Take "/cmd sub" together when sub is one of its subcommands. */
                if (*q == ' ' && cmd->subcommands) {
                    const char *w = q + 1, *we = w;
                    while (g_ascii_islower(*we))
                        we++;
                    size_t wn = (size_t)(we - w);
                    for (const char *const *sub = cmd->subcommands; *sub; sub++)
                        if (wn > 0 && strlen(*sub) == wn && memcmp(*sub, w, wn) == 0 &&
                            !is_word_char(*we)) {
                            q = we;
                            break;
                        }
                }
                font(o, 'B', s, p, (size_t)(q - p));
                p = q;
                continue;
            }
        }
        if (is_word_char(*p) && (p == s || !is_word_char(p[-1]))) {
            const char *start = p;
            while (is_word_char(*p))
                p++;
            size_t n = (size_t)(p - start);
            if (in_set(metavars, start, n))
                font(o, 'I', s, start, n);
            else
                esc(o, s, start, n);
            continue;
        }
        /* One sentence per line, as roff expects (it then spaces sentences
         * itself): break after ". " when a capital or a /command follows. */
        if (*p && strchr(".?!", *p) && p > s) {
            const char *q = p + 1;
            if (*q == ')' || *q == '"')
                q++;
            if (*q == ' ' && (g_ascii_isupper(q[1]) || q[1] == '/')) {
                esc(o, s, p, (size_t)(q - p));
                g_string_append_c(o, '\n');
                p = q + 1;
                continue;
            }
        }
        p = esc_char(o, s, p);
    }
}

/* Writes text as roff text lines (not requests): protects each line that
 * would start with '.' or '\'' (which roff would take for a control line)
 * with \&. */
static void put_text_lines(const GString *text)
{
    char **lines = g_strsplit(text->str, "\n", -1);
    for (char **l = lines; *l; l++) {
        if (!**l)
            continue;
        if (**l == '.' || **l == '\'')
            fputs("\\&", stdout);
        fputs(*l, stdout);
        putchar('\n');
    }
    g_strfreev(lines);
}

/* Writes one line of roff text (not a request): protects a leading '.' or
 * '\'' (which roff would take for a control line) with \&. */
static void put_text_line(const GString *line)
{
    if (line->len == 0)
        return;
    if (line->str[0] == '.' || line->str[0] == '\'')
        fputs("\\&", stdout);
    fputs(line->str, stdout);
    putchar('\n');
}

/* A paragraph of the body with leading and trailing blanks trimmed. */
static void put_paragraph(const char *text, GHashTable *metavars)
{
    char *t = g_strstrip(g_strdup(text));
    GString *o = g_string_new(NULL);
    format_text(o, t, metavars);
    put_text_lines(o);
    g_string_free(o, TRUE);
    g_free(t);
}

static void put_command(const bc_cmd *c)
{
    GHashTable *metavars = metavars_of(c->synopsis);
    GString *o = g_string_new(NULL);

    fputs(".TP\n", stdout);
    format_synopsis(o, c);
    put_text_line(o);

    /* The summary is one line without a final stop, as /help shows it. */
    const char *summary = c->summary ? c->summary : "";
    size_t sl = strlen(summary);
    char *sum = (sl > 0 && !strchr(".!?", summary[sl - 1])) ? g_strconcat(summary, ".", NULL)
                                                             : g_strdup(summary);
    put_paragraph(sum, metavars);
    g_free(sum);

    char **paras = g_strsplit(c->help ? c->help : "", "\n", -1);
    for (char **p = paras; *p; p++) {
        char *t = g_strstrip(g_strdup(*p));
        if (*t) {
            fputs(".IP\n", stdout);
            put_paragraph(t, metavars);
        }
        g_free(t);
    }
    g_strfreev(paras);

    if (c->subcommands && c->subcommands[0]) {
        g_string_truncate(o, 0);
        g_string_append(o, "Subcommands: ");
        for (const char *const *s = c->subcommands; *s; s++) {
            if (s != c->subcommands)
                g_string_append(o, ", ");
            font(o, 'B', *s, *s, strlen(*s));
        }
        g_string_append_c(o, '.');
        fputs(".IP\n", stdout);
        put_text_line(o);
    }
    g_string_free(o, TRUE);
    g_hash_table_destroy(metavars);
}

int main(int argc, char **argv)
{
    table = bc_cmd_table(&table_len);
    if (argc == 2 && strcmp(argv[1], "--names") == 0) {
        /* One command name a line, for the check that the page has them all. */
        for (size_t i = 0; i < table_len; i++)
            printf("%s\n", table[i].name);
        return 0;
    }
    if (argc > 1) {
        fputs("usage: mancmds [--names] > commands.roff\n"
              "Prints the COMMANDS entries of backchat(1) from the command table.\n",
              stderr);
        return 2;
    }
    fputs(".\\\" Generated from bc_cmd_table() (src/cmd/table.c) by tools/mancmds.\n"
          ".\\\" Edit the table, not this text.\n",
          stdout);
    for (size_t i = 0; i < table_len; i++) {
        if (!table[i].name || !*table[i].name) {
            fprintf(stderr, "mancmds: command table row %zu has no name\n", i);
            return 1;
        }
        put_command(&table[i]);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("mancmds: writing the output");
        return 1;
    }
    return 0;
}
