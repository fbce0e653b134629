/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Data forms (XEP-0004): parse, assign, describe, submit. */
#include "dataform.h"

#include "backchat/sanitize.h"
#include "backchat/xmpp.h"

#include <string.h>

#define MAX_VAR 256
#define MAX_LABEL 256
#define MAX_VALUE 2000

/* Sanitized, trimmed, bounded single-line text; NULL stays NULL. */
static char *clean(const char *raw, size_t max_chars)
{
    if (!raw)
        return NULL;
    size_t len = strlen(raw);
    size_t cap = max_chars * 4 + 64;
    char *s = bc_sanitize_line(raw, (long)(len < cap ? len : cap));
    g_strstrip(s);
    if (g_utf8_strlen(s, -1) > (glong)max_chars)
        *g_utf8_offset_to_pointer(s, (glong)max_chars) = '\0';
    return s;
}

static char *el_text(xmpp_stanza_t *el, size_t max_chars)
{
    char *raw = el ? xmpp_stanza_get_text(el) : NULL;
    if (!raw)
        return NULL;
    char *s = clean(raw, max_chars);
    xmpp_free(xmpp_stanza_get_context(el), raw);
    return s;
}

static char *attr(xmpp_stanza_t *el, const char *name, size_t max_chars)
{
    char *s = clean(xmpp_stanza_get_attribute(el, name), max_chars);
    if (s && !*s)
        g_clear_pointer(&s, g_free);
    return s;
}

static bool named(xmpp_stanza_t *el, const char *name)
{
    const char *n = xmpp_stanza_is_tag(el) ? xmpp_stanza_get_name(el) : NULL;
    return n && strcmp(n, name) == 0;
}

static void option_free(void *p)
{
    bc_form_option *o = p;
    g_free(o->label);
    g_free(o->value);
    g_free(o);
}

static void field_free(void *p)
{
    bc_form_field *f = p;
    g_free(f->var);
    g_free(f->label);
    g_free(f->type);
    g_free(f->desc);
    g_ptr_array_free(f->values, TRUE);
    g_ptr_array_free(f->options, TRUE);
    g_free(f);
}

void bc_form_free(bc_form *f)
{
    if (!f)
        return;
    g_free(f->title);
    g_free(f->instructions);
    g_ptr_array_free(f->fields, TRUE);
    g_free(f);
}

static bc_form_field *parse_field(xmpp_stanza_t *el)
{
    bc_form_field *f = g_new0(bc_form_field, 1);
    f->var = attr(el, "var", MAX_VAR);
    f->label = attr(el, "label", MAX_LABEL);
    f->type = attr(el, "type", 32);
    if (!f->type)
        f->type = g_strdup("text-single");
    f->values = g_ptr_array_new_with_free_func(g_free);
    f->options = g_ptr_array_new_with_free_func(option_free);
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(el); c; c = xmpp_stanza_get_next(c)) {
        if (named(c, "value") && f->values->len < BC_FORM_MAX_VALUES) {
            char *v = el_text(c, MAX_VALUE);
            g_ptr_array_add(f->values, v ? v : g_strdup(""));
        } else if (named(c, "option") && f->options->len < BC_FORM_MAX_VALUES) {
            char *v = el_text(xmpp_stanza_get_child_by_name(c, "value"), MAX_VALUE);
            if (!v)
                continue;
            bc_form_option *o = g_new0(bc_form_option, 1);
            o->value = v;
            o->label = attr(c, "label", MAX_LABEL);
            g_ptr_array_add(f->options, o);
        } else if (named(c, "desc") && !f->desc) {
            f->desc = el_text(c, MAX_LABEL);
        }
    }
    return f;
}

bc_form *bc_form_parse(xmpp_stanza_t *x)
{
    const char *ns = x ? xmpp_stanza_get_ns(x) : NULL;
    if (!x || !named(x, "x") || !ns || strcmp(ns, BC_NS_DATA) != 0)
        return NULL;
    bc_form *f = g_new0(bc_form, 1);
    f->fields = g_ptr_array_new_with_free_func(field_free);
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(x); c; c = xmpp_stanza_get_next(c)) {
        if (named(c, "field") && f->fields->len < BC_FORM_MAX_FIELDS) {
            bc_form_field *fld = parse_field(c);
            /* Two fields with one var would make the submission ambiguous:
             * the first wins. */
            if (fld->var && bc_form_field_find(f, fld->var))
                field_free(fld);
            else
                g_ptr_array_add(f->fields, fld);
        } else if (named(c, "title") && !f->title) {
            f->title = el_text(c, MAX_LABEL);
        } else if (named(c, "instructions") && !f->instructions) {
            f->instructions = el_text(c, MAX_VALUE);
        }
    }
    return f;
}

bc_form_field *bc_form_field_find(const bc_form *f, const char *var)
{
    for (guint i = 0; f && var && i < f->fields->len; i++) {
        bc_form_field *fld = f->fields->pdata[i];
        if (fld->var && strcmp(fld->var, var) == 0)
            return fld;
    }
    return NULL;
}

/* -- assignments ---------------------------------------------------------- */

static bool is_type(const bc_form_field *f, const char *t) { return strcmp(f->type, t) == 0; }

static bool parse_bool(const char *s, const char **out)
{
    static const char *const yes[] = {"1", "true", "yes", "on", NULL};
    static const char *const no[] = {"0", "false", "no", "off", NULL};
    for (size_t i = 0; yes[i]; i++)
        if (g_ascii_strcasecmp(s, yes[i]) == 0) {
            *out = "1";
            return true;
        }
    for (size_t i = 0; no[i]; i++)
        if (g_ascii_strcasecmp(s, no[i]) == 0) {
            *out = "0";
            return true;
        }
    return false;
}

/* The option value `s` names (by value, or by label ignoring case). */
static const char *option_match(const bc_form_field *f, const char *s)
{
    for (guint i = 0; i < f->options->len; i++) {
        const bc_form_option *o = f->options->pdata[i];
        if (strcmp(o->value, s) == 0)
            return o->value;
    }
    for (guint i = 0; i < f->options->len; i++) {
        const bc_form_option *o = f->options->pdata[i];
        if (o->label && g_ascii_strcasecmp(o->label, s) == 0)
            return o->value;
    }
    return NULL;
}

static char *options_text(const bc_form_field *f)
{
    GString *g = g_string_new(NULL);
    for (guint i = 0; i < f->options->len && i < 30; i++)
        g_string_append_printf(g, "%s%s", i ? ", " : "",
                               ((bc_form_option *)f->options->pdata[i])->value);
    if (f->options->len > 30)
        g_string_append(g, ", …");
    return g_string_free(g, FALSE);
}

static guint edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > MAX_VAR || lb > MAX_VAR)
        return G_MAXUINT;
    guint *row = g_new(guint, lb + 1);
    for (size_t j = 0; j <= lb; j++)
        row[j] = (guint)j;
    for (size_t i = 1; i <= la; i++) {
        guint diag = row[0];
        row[0] = (guint)i;
        for (size_t j = 1; j <= lb; j++) {
            guint up = row[j];
            guint cost = g_ascii_tolower(a[i - 1]) == g_ascii_tolower(b[j - 1]) ? 0 : 1;
            guint best = MIN(row[j] + 1, row[j - 1] + 1);
            row[j] = MIN(best, diag + cost);
            diag = up;
        }
    }
    guint d = row[lb];
    g_free(row);
    return d;
}

char **bc_form_close_vars(const bc_form *f, const char *var, unsigned max)
{
    GPtrArray *out = g_ptr_array_new();
    char *low = g_ascii_strdown(var, -1);
    for (guint i = 0; f && i < f->fields->len && out->len < max; i++) {
        const bc_form_field *fld = f->fields->pdata[i];
        if (!fld->var || is_type(fld, "hidden") || is_type(fld, "fixed"))
            continue;
        char *v = g_ascii_strdown(fld->var, -1);
        /* The part after the prefix ("roomname" of muc#roomconfig_roomname). */
        const char *tail = strrchr(v, '_');
        tail = tail ? tail + 1 : v;
        bool close = (*low && strstr(v, low)) || (*tail && strstr(low, tail)) ||
                     edit_distance(low, v) <= 3 || edit_distance(low, tail) <= 2;
        if (close)
            g_ptr_array_add(out, g_strdup(fld->var));
        g_free(v);
    }
    g_free(low);
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

static void set_values(bc_form_field *f, GPtrArray *vals /* taken */)
{
    g_ptr_array_free(f->values, TRUE);
    f->values = vals;
}

bool bc_form_assign(bc_form *f, const char *assignment, GError **err)
{
    const char *eq = assignment ? strchr(assignment, '=') : NULL;
    if (!eq || eq == assignment) {
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "\"%s\" is not VAR=VALUE (e.g. muc#roomconfig_roomname=\"Team room\")",
                    assignment ? assignment : "");
        return false;
    }
    char *var = g_strndup(assignment, (gsize)(eq - assignment));
    g_strstrip(var);
    const char *value = eq + 1;
    bc_form_field *fld = bc_form_field_find(f, var);
    if (!fld || is_type(fld, "hidden")) {
        char **near = bc_form_close_vars(f, var, 5);
        char *list = near[0] ? g_strjoinv(", ", near) : NULL;
        if (list)
            g_set_error(err, BC_XMPP_ERROR, 1,
                        "the form has no field \"%s\"; did you mean: %s?", var, list);
        else
            g_set_error(err, BC_XMPP_ERROR, 1,
                        "the form has no field \"%s\"; /roomconfig lists its fields", var);
        g_free(list);
        g_strfreev(near);
        g_free(var);
        return false;
    }
    bool ok = true;
    GPtrArray *vals = g_ptr_array_new_with_free_func(g_free);
    if (is_type(fld, "fixed")) {
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "\"%s\" is a note, not a setting", var);
        ok = false;
    } else if (is_type(fld, "boolean")) {
        const char *b;
        if (parse_bool(value, &b)) {
            g_ptr_array_add(vals, g_strdup(b));
        } else {
            g_set_error(err, BC_XMPP_ERROR, 1,
                        "%s is a yes/no setting: give 1 or 0 (true/false, yes/no), not \"%s\"",
                        var, value);
            ok = false;
        }
    } else if (is_type(fld, "list-multi") || is_type(fld, "jid-multi")) {
        char **parts = g_strsplit(value, ",", BC_FORM_MAX_VALUES + 1);
        for (size_t i = 0; ok && parts[i]; i++) {
            char *p = g_strstrip(parts[i]);
            if (!*p)
                continue;
            const char *v = p;
            if (is_type(fld, "list-multi") && fld->options->len && !(v = option_match(fld, p))) {
                char *opts = options_text(fld);
                g_set_error(err, BC_XMPP_ERROR, 1,
                            "\"%s\" is not one of the choices of %s: %s", p, var, opts);
                g_free(opts);
                ok = false;
            } else if (vals->len < BC_FORM_MAX_VALUES) {
                g_ptr_array_add(vals, clean(v, MAX_VALUE));
            }
        }
        g_strfreev(parts);
    } else if (is_type(fld, "list-single") && fld->options->len) {
        const char *v = option_match(fld, value);
        if (v) {
            g_ptr_array_add(vals, g_strdup(v));
        } else {
            char *opts = options_text(fld);
            g_set_error(err, BC_XMPP_ERROR, 1,
                        "\"%s\" is not one of the choices of %s: %s", value, var, opts);
            g_free(opts);
            ok = false;
        }
    } else if (*value || !is_type(fld, "text-multi")) {
        g_ptr_array_add(vals, clean(value, MAX_VALUE));
    }
    if (ok)
        set_values(fld, vals);
    else
        g_ptr_array_free(vals, TRUE);
    g_free(var);
    return ok;
}

/* -- output --------------------------------------------------------------- */

static char *values_text(const bc_form_field *f)
{
    bool empty = true;
    for (guint i = 0; i < f->values->len && empty; i++)
        empty = !*(const char *)f->values->pdata[i];
    if (is_type(f, "boolean")) {
        /* No value is false (XEP-0004 §3.3). */
        const char *b = NULL;
        const char *v = empty ? "0" : f->values->pdata[0];
        return g_strdup(parse_bool(v, &b) ? (*b == '1' ? "yes (1)" : "no (0)") : v);
    }
    if (empty)
        return g_strdup("(empty)");
    GString *g = g_string_new(NULL);
    for (guint i = 0; i < f->values->len; i++) {
        const char *v = f->values->pdata[i];
        g_string_append_printf(g, "%s%s", i ? ", " : "", v);
        /* A list value: add its label when it says more. */
        for (guint k = 0; k < f->options->len; k++) {
            const bc_form_option *o = f->options->pdata[k];
            if (strcmp(o->value, v) == 0 && o->label && strcmp(o->label, v) != 0)
                g_string_append_printf(g, " (%s)", o->label);
        }
    }
    return g_string_free(g, FALSE);
}

char **bc_form_describe(const bc_form *f)
{
    GPtrArray *out = g_ptr_array_new();
    if (f->title)
        g_ptr_array_add(out, g_strdup(f->title));
    if (f->instructions)
        g_ptr_array_add(out, g_strdup(f->instructions));
    for (guint i = 0; i < f->fields->len; i++) {
        const bc_form_field *fld = f->fields->pdata[i];
        if (is_type(fld, "hidden"))
            continue;
        if (!fld->var || is_type(fld, "fixed")) {
            for (guint k = 0; k < fld->values->len; k++)
                g_ptr_array_add(out, g_strdup_printf("  — %s", (char *)fld->values->pdata[k]));
            continue;
        }
        char *vals = values_text(fld);
        /* "Password:" would print as "Password::". */
        char *label = g_strdup(fld->label ? fld->label : "");
        size_t n = strlen(label);
        while (n > 0 && label[n - 1] == ':')
            label[--n] = '\0';
        g_ptr_array_add(out, g_strdup_printf("  %s [%s]%s%s: %s", fld->var, fld->type,
                                             *label ? " " : "", label, vals));
        g_free(label);
        g_free(vals);
        if (fld->options->len && (is_type(fld, "list-single") || is_type(fld, "list-multi"))) {
            GString *g = g_string_new("      choices: ");
            for (guint k = 0; k < fld->options->len; k++) {
                const bc_form_option *o = fld->options->pdata[k];
                g_string_append_printf(g, "%s%s", k ? ", " : "", o->value);
                if (o->label && strcmp(o->label, o->value) != 0)
                    g_string_append_printf(g, " (%s)", o->label);
            }
            g_ptr_array_add(out, g_string_free(g, FALSE));
        }
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

static xmpp_stanza_t *new_el(xmpp_ctx_t *ctx, const char *name)
{
    xmpp_stanza_t *el = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(el, name);
    return el;
}

static void add_value(xmpp_ctx_t *ctx, xmpp_stanza_t *field, const char *v)
{
    xmpp_stanza_t *val = new_el(ctx, "value");
    xmpp_stanza_t *t = xmpp_stanza_new(ctx);
    xmpp_stanza_set_text(t, v);
    xmpp_stanza_add_child(val, t);
    xmpp_stanza_release(t);
    xmpp_stanza_add_child(field, val);
    xmpp_stanza_release(val);
}

void bc_form_add_field(xmpp_ctx_t *ctx, xmpp_stanza_t *x, const char *var, const char *type,
                       const char *const *values)
{
    xmpp_stanza_t *field = new_el(ctx, "field");
    xmpp_stanza_set_attribute(field, "var", var);
    if (type)
        xmpp_stanza_set_attribute(field, "type", type);
    for (size_t i = 0; values && values[i]; i++)
        add_value(ctx, field, values[i]);
    xmpp_stanza_add_child(x, field);
    xmpp_stanza_release(field);
}

xmpp_stanza_t *bc_form_submit(xmpp_ctx_t *ctx, const bc_form *f)
{
    xmpp_stanza_t *x = new_el(ctx, "x");
    xmpp_stanza_set_ns(x, BC_NS_DATA);
    xmpp_stanza_set_type(x, "submit");
    for (guint i = 0; f && i < f->fields->len; i++) {
        const bc_form_field *fld = f->fields->pdata[i];
        if (!fld->var || is_type(fld, "fixed"))
            continue;
        xmpp_stanza_t *field = new_el(ctx, "field");
        xmpp_stanza_set_attribute(field, "var", fld->var);
        for (guint k = 0; k < fld->values->len; k++)
            add_value(ctx, field, fld->values->pdata[k]);
        xmpp_stanza_add_child(x, field);
        xmpp_stanza_release(field);
    }
    return x;
}
