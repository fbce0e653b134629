/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Export: the log as text, JSON lines or CSV, streamed row by row. */
#define G_LOG_DOMAIN "backchat-store"

#include "internal.h"

#include <errno.h>
#include <string.h>
#include <time.h>

bool bc_export_format_parse(const char *name, bc_export_format *out)
{
    static const char *const names[] = {"text", "jsonl", "csv"};
    for (int i = 0; name && i < 3; i++)
        if (strcmp(name, names[i]) == 0) {
            *out = (bc_export_format)i;
            return true;
        }
    return false;
}

static void format_time(int64_t t, bool local, char buf[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!(local ? localtime_r(&tt, &tm) : gmtime_r(&tt, &tm)) ||
        !strftime(buf, 32, local ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%dT%H:%M:%SZ", &tm))
        g_strlcpy(buf, "?", 32);
}

/* The text format: one line per message. Backslash, newline and CR become
 * \\ \n \r; any other control character but tab becomes \xHH, so a line is
 * always one line and nothing in it can drive a terminal. */
static void put_text_escaped(GString *o, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\\')
            g_string_append(o, "\\\\");
        else if (*p == '\n')
            g_string_append(o, "\\n");
        else if (*p == '\r')
            g_string_append(o, "\\r");
        else if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
            g_string_append_printf(o, "\\x%02x", *p);
        else
            g_string_append_c(o, (char)*p);
    }
}

/* Who said it, for the text format: the room nick, else the sender's bare
 * JID, else "me" for our own messages and the conversation for theirs. */
static void put_sender(GString *o, const bc_store_row *r)
{
    if (r->nick && *r->nick) {
        put_text_escaped(o, r->nick);
    } else if (r->sender && *r->sender) {
        char *bare = g_strndup(r->sender, strcspn(r->sender, "/"));
        put_text_escaped(o, bare);
        g_free(bare);
    } else {
        put_text_escaped(o, r->dir == BC_DIR_OUT ? "me" : r->conv);
    }
}

static void put_json_string(GString *o, const char *s)
{
    if (!s) {
        g_string_append(o, "null");
        return;
    }
    char *valid = g_utf8_validate(s, -1, NULL) ? NULL : g_utf8_make_valid(s, -1);
    g_string_append_c(o, '"');
    for (const unsigned char *p = (const unsigned char *)(valid ? valid : s); *p; p++) {
        switch (*p) {
        case '"': g_string_append(o, "\\\""); break;
        case '\\': g_string_append(o, "\\\\"); break;
        case '\n': g_string_append(o, "\\n"); break;
        case '\r': g_string_append(o, "\\r"); break;
        case '\t': g_string_append(o, "\\t"); break;
        case '\b': g_string_append(o, "\\b"); break;
        case '\f': g_string_append(o, "\\f"); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                g_string_append_printf(o, "\\u%04x", *p);
            else
                g_string_append_c(o, (char)*p);
        }
    }
    g_string_append_c(o, '"');
    g_free(valid);
}

static void put_json_int(GString *o, int64_t v, bool null_if_zero)
{
    if (null_if_zero && v == 0)
        g_string_append(o, "null");
    else
        g_string_append_printf(o, "%" G_GINT64_FORMAT, v);
}

/* RFC 4180: quoted if it holds a comma, a quote, CR or LF; quotes doubled.
 * NULL is an empty field. */
static void put_csv_field(GString *o, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        g_string_append(o, s);
        return;
    }
    g_string_append_c(o, '"');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            g_string_append_c(o, '"');
        g_string_append_c(o, *p);
    }
    g_string_append_c(o, '"');
}

static const char csv_header[] =
    "id,time,conv,kind,type,dir,sender,nick,body,stanza_id,server_id,replaces\r\n";

static void format_row(GString *o, const bc_store_row *r, bc_export_format format)
{
    char when[32];
    const char *dir = r->dir == BC_DIR_OUT ? "out" : "in";
    switch (format) {
    case BC_EXPORT_TEXT:
        format_time(bc_store_row_time(r), true, when);
        g_string_append(o, when);
        g_string_append_c(o, ' ');
        put_text_escaped(o, r->conv);
        g_string_append_c(o, ' ');
        put_sender(o, r);
        g_string_append(o, ": ");
        put_text_escaped(o, r->body);
        g_string_append_c(o, '\n');
        break;
    case BC_EXPORT_JSONL:
        format_time(bc_store_row_time(r), false, when);
        g_string_append_printf(o, "{\"id\":%" G_GINT64_FORMAT ",\"time\":\"%s\",\"ts_server\":",
                               r->id, when);
        put_json_int(o, r->ts_server, true);
        g_string_append(o, ",\"ts_local\":");
        put_json_int(o, r->ts_local, false);
        g_string_append(o, ",\"conv\":");
        put_json_string(o, r->conv);
        g_string_append_printf(o, ",\"kind\":\"%s\",\"type\":", bc_msg_kind_name(r->kind));
        put_json_string(o, r->type);
        g_string_append_printf(o, ",\"dir\":\"%s\",\"sender\":", dir);
        put_json_string(o, r->sender);
        g_string_append(o, ",\"nick\":");
        put_json_string(o, r->nick);
        g_string_append(o, ",\"body\":");
        put_json_string(o, r->body);
        g_string_append(o, ",\"stanza_id\":");
        put_json_string(o, r->stanza_id);
        g_string_append(o, ",\"server_id\":");
        put_json_string(o, r->server_id);
        g_string_append(o, ",\"replaces\":");
        put_json_int(o, r->replaces, true);
        g_string_append(o, "}\n");
        break;
    case BC_EXPORT_CSV: {
        format_time(bc_store_row_time(r), false, when);
        g_string_append_printf(o, "%" G_GINT64_FORMAT ",%s,", r->id, when);
        put_csv_field(o, r->conv);
        g_string_append_printf(o, ",%s,", bc_msg_kind_name(r->kind));
        put_csv_field(o, r->type);
        g_string_append_printf(o, ",%s,", dir);
        put_csv_field(o, r->sender);
        g_string_append_c(o, ',');
        put_csv_field(o, r->nick);
        g_string_append_c(o, ',');
        put_csv_field(o, r->body);
        g_string_append_c(o, ',');
        put_csv_field(o, r->stanza_id);
        g_string_append_c(o, ',');
        put_csv_field(o, r->server_id);
        g_string_append_c(o, ',');
        if (r->replaces)
            g_string_append_printf(o, "%" G_GINT64_FORMAT, r->replaces);
        g_string_append(o, "\r\n");
        break;
    }
    }
}

static bool write_out(FILE *out, GString *o, GError **err)
{
    if (o->len && fwrite(o->str, 1, o->len, out) != o->len) {
        int e = errno;
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_IO, "cannot write the export: %s",
                    g_strerror(e));
        return false;
    }
    g_string_truncate(o, 0);
    return true;
}

int64_t bc_store_export(bc_store *st, const char *conv, int64_t since, int64_t until,
                        bc_export_format format, FILE *out, GError **err)
{
    g_return_val_if_fail(st != NULL && out != NULL, -1);
    g_return_val_if_fail(err == NULL || *err == NULL, -1);

    GString *sql = g_string_new("SELECT " BC_ROW_COLS " FROM messages WHERE 1");
    if (conv)
        g_string_append(sql, " AND messages.conv = :conv");
    if (since)
        g_string_append(sql, " AND " BC_TIME_SQL " >= :since");
    if (until)
        g_string_append(sql, " AND " BC_TIME_SQL " < :until");
    g_string_append(sql, " ORDER BY messages.id");

    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql->str, -1, &s, NULL);
    g_string_free(sql, TRUE);
    if (rc == SQLITE_OK) rc = bc_store_bind_named_text(s, ":conv", conv);
    if (rc == SQLITE_OK) rc = bc_store_bind_named_int64(s, ":since", since);
    if (rc == SQLITE_OK) rc = bc_store_bind_named_int64(s, ":until", until);
    if (rc != SQLITE_OK) {
        bc_store_set_error(err, st->db, rc, BC_STORE_ERROR_READ, "cannot export the log");
        sqlite3_finalize(s);
        return -1;
    }

    GString *o = g_string_sized_new(512);
    int64_t n = 0;
    bool ok = true;
    if (format == BC_EXPORT_CSV) {
        g_string_append(o, csv_header);
        ok = write_out(out, o, err);
    }
    while (ok && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        bc_store_row r;
        bc_store_read_row(s, 0, &r);
        format_row(o, &r, format);
        ok = write_out(out, o, err);
        n++;
    }
    if (ok && rc != SQLITE_DONE) {
        bc_store_set_error(err, st->db, rc, BC_STORE_ERROR_READ, "cannot export the log");
        ok = false;
    }
    if (ok && (fflush(out) != 0 || ferror(out))) {
        int e = errno;
        g_set_error(err, BC_STORE_ERROR, BC_STORE_ERROR_IO, "cannot write the export: %s",
                    g_strerror(e));
        ok = false;
    }
    sqlite3_finalize(s);
    g_string_free(o, TRUE);
    return ok ? n : -1;
}
