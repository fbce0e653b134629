/* SPDX-License-Identifier: GPL-3.0-or-later */
/* XEP-0313 pieces both archive clients use (mam_query.h): the account's
 * catch-up and older history (mam.c), and the rooms' (muc_mam.c). */
#include "mam_query.h"

#include "backchat/sanitize.h"
#include "dataform.h"
#include "internal.h"

#include <string.h>

char *bc_mam_queryid(const char *suffix)
{
    char *uuid = xmpp_uuid_gen(bc_xctx);
    char *qid = g_strconcat(uuid ? uuid : "bc-mam", suffix, NULL);
    if (uuid)
        xmpp_free(bc_xctx, uuid);
    return qid;
}

static void add_field(xmpp_stanza_t *x, const char *var, const char *type, const char *value)
{
    bc_form_add_field(bc_xctx, x, var, type, (const char *const[]){value, NULL});
}

/* A time field in the XEP-0082 form the archive expects (UTC, 'Z'). */
static void add_time_field(xmpp_stanza_t *x, const char *var, int64_t t)
{
    GDateTime *dt = g_date_time_new_from_unix_utc(t);
    char *iso = dt ? g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
    if (iso)
        add_field(x, var, NULL, iso);
    g_free(iso);
    if (dt)
        g_date_time_unref(dt);
}

xmpp_stanza_t *bc_mam_query_iq(const bc_mam_page *p)
{
    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, "set", NULL);
    xmpp_stanza_t *query = bc_xmpp_el("query", BC_NS_MAM);
    xmpp_stanza_set_attribute(query, "queryid", p->queryid);
    if (p->with || p->start > 0 || p->end > 0) {
        xmpp_stanza_t *x = bc_xmpp_el("x", BC_NS_DATA);
        xmpp_stanza_set_type(x, "submit");
        add_field(x, "FORM_TYPE", "hidden", BC_NS_MAM);
        if (p->with)
            add_field(x, "with", NULL, p->with);
        if (p->start > 0)
            add_time_field(x, "start", p->start);
        if (p->end > 0)
            add_time_field(x, "end", p->end);
        xmpp_stanza_add_child(query, x);
        xmpp_stanza_release(x);
    }
    xmpp_stanza_t *set = bc_xmpp_el("set", BC_NS_RSM);
    char max[16];
    g_snprintf(max, sizeof max, "%d", p->max);
    bc_xmpp_add_text_child(set, "max", max);
    if (p->after)
        bc_xmpp_add_text_child(set, "after", p->after);
    if (p->before) {
        bc_xmpp_add_text_child(set, "before", p->before);
    } else if (p->last_page) {
        xmpp_stanza_t *b = bc_xmpp_el("before", NULL);
        xmpp_stanza_add_child(set, b);
        xmpp_stanza_release(b);
    }
    xmpp_stanza_add_child(query, set);
    xmpp_stanza_release(set);
    xmpp_stanza_add_child(iq, query);
    xmpp_stanza_release(query);
    return iq;
}

bool bc_mam_result_read(xmpp_stanza_t *res, bc_mam_result *out)
{
    const char *rid = xmpp_stanza_get_attribute(res, "id");
    if (!rid || !*rid || strlen(rid) > BC_MAM_MAX_ID_LEN)
        return false;
    out->archive_id = bc_sanitize_line(rid, -1);
    xmpp_stanza_t *fwd = xmpp_stanza_get_child_by_name_and_ns(res, "forwarded", BC_NS_FORWARD);
    out->inner = fwd ? xmpp_stanza_get_child_by_name(fwd, "message") : NULL;
    out->ts = fwd ? (int64_t)bc_xmpp_delay_stamp(fwd) : 0;
    if (!out->ts && out->inner)
        out->ts = (int64_t)bc_xmpp_delay_stamp(out->inner);
    return true;
}

char *bc_mam_fin(xmpp_stanza_t *reply, const char *fallback, bool *complete)
{
    xmpp_stanza_t *fin = xmpp_stanza_get_child_by_name_and_ns(reply, "fin", BC_NS_MAM);
    const char *c = fin ? xmpp_stanza_get_attribute(fin, "complete") : NULL;
    if (complete)
        *complete = c && strcmp(c, "true") == 0;
    xmpp_stanza_t *set = fin ? xmpp_stanza_get_child_by_name_and_ns(fin, "set", BC_NS_RSM) : NULL;
    char *last = bc_xmpp_child_text(set, "last", NULL, BC_MAM_MAX_ID_LEN);
    if (!last || !*last) {
        g_free(last);
        last = g_strdup(fallback);
    }
    return last;
}

bool bc_mam_item_not_found(xmpp_stanza_t *reply)
{
    xmpp_stanza_t *e = xmpp_stanza_get_child_by_name(reply, "error");
    return e && xmpp_stanza_get_child_by_name_and_ns(e, "item-not-found", BC_NS_STANZAS);
}
