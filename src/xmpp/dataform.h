/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Data forms (XEP-0004) as the wire carries them: parse a form, change
 * fields from "var=value" assignments, build the submission. Pure
 * functions over libstrophe stanzas (no connection), so they are tested
 * without a server. Everything parsed is sanitized and bounded. */
#ifndef BACKCHAT_XMPP_DATAFORM_H
#define BACKCHAT_XMPP_DATAFORM_H

#include <strophe.h>
#include <stdbool.h>
#include <glib.h>

#define BC_NS_DATA "jabber:x:data"

/* Bounds on what a form from the network may make us hold. */
#define BC_FORM_MAX_FIELDS 300
#define BC_FORM_MAX_VALUES 200   /* values or options per field */

typedef struct bc_form_option {
    char *label;   /* may be NULL */
    char *value;
} bc_form_option;

typedef struct bc_form_field {
    char *var;     /* NULL for a "fixed" note */
    char *label;   /* may be NULL */
    char *type;    /* "text-single" when the form gives none */
    char *desc;    /* may be NULL */
    GPtrArray *values;  /* of char* */
    GPtrArray *options; /* of bc_form_option* */
} bc_form_field;

typedef struct bc_form {
    char *title;         /* may be NULL */
    char *instructions;  /* may be NULL */
    GPtrArray *fields;   /* of bc_form_field* */
} bc_form;

/* Parses <x xmlns='jabber:x:data'/>; NULL if `x` is not one. */
bc_form *bc_form_parse(xmpp_stanza_t *x);
void bc_form_free(bc_form *f);
bc_form_field *bc_form_field_find(const bc_form *f, const char *var);

/* Applies "var=value" to the form. Booleans take 1/0/true/false/yes/no
 * (stored as "1"/"0"); list-multi and jid-multi take values separated by
 * ','; list-single and list-multi values must be one of the options
 * (matched by value, or by label ignoring case). On error `err` says what
 * is wrong and what would be right (for an unknown var: the close ones). */
bool bc_form_assign(bc_form *f, const char *assignment, GError **err);

/* Up to `max` vars of the form that resemble `var` (containing it, or a
 * few edits away), NULL-terminated (g_strfreev). */
char **bc_form_close_vars(const bc_form *f, const char *var, unsigned max);

/* The form as lines for a tab: one per visible field ("var [type] label:
 * value", then its options); hidden fields are left out. (g_strfreev) */
char **bc_form_describe(const bc_form *f);

/* Appends <field var=VAR [type=TYPE]> with a <value/> for each of the
 * NULL-terminated `values` to the form `x` (when we fill in one ourselves). */
void bc_form_add_field(xmpp_ctx_t *ctx, xmpp_stanza_t *x, const char *var, const char *type,
                       const char *const *values);

/* <x xmlns='jabber:x:data' type='submit'> with every field that has a var
 * and its current values. The caller releases it. */
xmpp_stanza_t *bc_form_submit(xmpp_ctx_t *ctx, const bc_form *f);

#endif
