/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Room administration (XEP-0045 §8-§10): kick, ban, roles, affiliations,
 * the configuration form, and room discovery (XEP-0030): finding the
 * account's conference service and listing its rooms. Answers are shown
 * in the room's tab; what the room itself announces (an occupant kicked,
 * a role changed) comes as presence and the model prints it. */
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/muc.h"
#include "backchat/sanitize.h"
#include "backchat/xmpp.h"
#include "dataform.h"
#include "internal.h"

#include <stdarg.h>
#include <string.h>

#define NS_MUC_ADMIN "http://jabber.org/protocol/muc#admin"
#define NS_MUC_OWNER "http://jabber.org/protocol/muc#owner"
#define NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define NS_MUC "http://jabber.org/protocol/muc"
#define TIMEOUT_MS 30000
#define MAX_LISTED 500      /* rooms or affiliations shown at most */
#define MAX_PROBED 50       /* server items asked whether they are a MUC */
#define MAX_REASON 500
#define MAX_NICK 1023

/* -- output --------------------------------------------------------------- */

/* A line (or several, split at '\n') in the room's tab, else the console. */
static void room_say(const char *room, bc_line_kind kind, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
static void room_say(const char *room, bc_line_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    bc_conv *c = room ? bc_conv_find_type(BC_CONV_ROOM, room) : NULL;
    if (!c)
        c = bc_conv_console();
    char **parts = g_strsplit(text, "\n", -1);
    for (char **p = parts; *p; p++)
        bc_conv_add(c, kind, NULL, *p, 0);
    g_strfreev(parts);
    g_free(text);
}

/* Sets "\"VALUE\" WHAT" as the error and returns false. */
static bool bad_value(GError **err, const char *value, const char *what)
{
    g_set_error(err, BC_XMPP_ERROR, 1, "\"%s\" %s", value ? value : "", what);
    return false;
}

/* -- requests and their answers --------------------------------------------- */

typedef enum {
    ACT_KICK,
    ACT_BAN,
    ACT_ROLE,
    ACT_AFFIL,
    ACT_LIST,
    ACT_CONFIG_SHOW,
    ACT_CONFIG_SET,
    ACT_CONFIG_SUBMIT,
    ACT_INSTANT,
} admin_act;

typedef struct admin_req {
    admin_act act;
    char *room;
    char *target;       /* nick or JID */
    char *value;        /* role or affiliation */
    char **assignments; /* ACT_CONFIG_SET */
} admin_req;

static void req_free(void *p)
{
    admin_req *r = p;
    g_free(r->room);
    g_free(r->target);
    g_free(r->value);
    g_strfreev(r->assignments);
    g_free(r);
}

static admin_req *req_new(admin_act act, const char *room, const char *target,
                          const char *value)
{
    admin_req *r = g_new0(admin_req, 1);
    r->act = act;
    r->room = g_strdup(room);
    r->target = g_strdup(target);
    r->value = g_strdup(value);
    return r;
}

/* What the action is, for "You are not allowed to ..." */
static const char *verb_of(const admin_req *r)
{
    switch (r->act) {
    case ACT_KICK: return "kick";
    case ACT_BAN: return "ban";
    case ACT_ROLE: return "change roles";
    case ACT_AFFIL: return "change affiliations";
    case ACT_LIST: return "list affiliations";
    case ACT_CONFIG_SHOW:
    case ACT_CONFIG_SET:
    case ACT_CONFIG_SUBMIT: return "configure the room";
    case ACT_INSTANT: return "accept the default configuration";
    }
    return "do that";
}

static const char *needs_of(const admin_req *r)
{
    switch (r->act) {
    case ACT_KICK: return "the moderator role";
    case ACT_ROLE:
        return r->value && strcmp(r->value, "moderator") == 0 ? "the admin or owner affiliation"
                                                               : "the moderator role";
    case ACT_BAN:
    case ACT_LIST: return "the admin or owner affiliation";
    case ACT_AFFIL:
        return r->value && (strcmp(r->value, "owner") == 0 || strcmp(r->value, "admin") == 0)
                   ? "the owner affiliation"
                   : "the admin or owner affiliation";
    default: return "the owner affiliation";
    }
}

/* Does the model say we lack what the action needs? (Some servers answer
 * not-allowed where XEP-0045 says forbidden.) */
static bool lacks_rights(const admin_req *r)
{
    bc_room *room = bc_muc_room(r->room);
    const bc_occupant *me = room && room->nick ? bc_muc_occupant(room, room->nick) : NULL;
    if (!me)
        return false;
    const char *needs = needs_of(r);
    if (strcmp(needs, "the moderator role") == 0)
        return me->role < BC_ROLE_MODERATOR;
    if (strcmp(needs, "the owner affiliation") == 0)
        return me->affil < BC_AFFIL_OWNER;
    return me->affil < BC_AFFIL_ADMIN;
}

/* Shows why the room refused (or did not answer); true if it did. */
static bool report_failure(const admin_req *r, xmpp_stanza_t *reply, bool disconnected)
{
    char *name = bc_jid_display(r->room);
    const char *shown = name ? name : r->room;
    bool failed = true;
    if (disconnected) {
        room_say(r->room, BC_LINE_ERR, "Could not %s in %s: the connection was lost.",
                 verb_of(r), shown);
    } else if (!reply) {
        room_say(r->room, BC_LINE_ERR, "%s did not answer (no reply in 30 s): try again.",
                 r->room);
    } else if (bc_xmpp_iq_is_error(reply)) {
        const char *cond = bc_xmpp_error_condition(reply);
        char *why = bc_xmpp_error_text(reply);
        if (strcmp(cond, "forbidden") == 0 ||
            (strcmp(cond, "not-allowed") == 0 && lacks_rights(r)))
            room_say(r->room, BC_LINE_ERR, "You are not allowed to %s in %s: it needs %s (%s).",
                     verb_of(r), shown, needs_of(r), why);
        else if (strcmp(cond, "not-allowed") == 0)
            room_say(r->room, BC_LINE_ERR,
                     "%s does not allow that (%s): an owner or admin cannot be kicked or "
                     "banned, and some changes need a higher affiliation.", shown, why);
        else if (strcmp(cond, "item-not-found") == 0 && r->target)
            room_say(r->room, BC_LINE_ERR, "%s: no occupant %s there (%s); Tab completes nicks.",
                     shown, r->target, why);
        else if (strcmp(cond, "item-not-found") == 0)
            room_say(r->room, BC_LINE_ERR, "%s does not exist (%s): check the room's JID.",
                     r->room, why);
        else
            room_say(r->room, BC_LINE_ERR, "Could not %s in %s: %s", verb_of(r), shown, why);
        g_free(why);
    } else {
        failed = false;
    }
    g_free(name);
    return failed;
}

static void on_admin_done(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    admin_req *r = data;
    if (report_failure(r, reply, disconnected))
        return;
    char *name = bc_jid_display(r->room);
    /* A kick shows as the occupant's unavailable presence; the others may
     * not show at all (a ban of someone absent), so say it. */
    switch (r->act) {
    case ACT_BAN:
        room_say(r->room, BC_LINE_SYS, "%s is banned from %s.", r->target, name);
        break;
    case ACT_ROLE:
        room_say(r->room, BC_LINE_SYS, "%s is now %s in %s.", r->target,
                 strcmp(r->value, "none") == 0 ? "out (kicked)" : r->value, name);
        break;
    case ACT_AFFIL:
        room_say(r->room, BC_LINE_SYS, "%s's affiliation with %s is now %s.", r->target, name,
                 r->value);
        break;
    case ACT_CONFIG_SUBMIT:
        room_say(r->room, BC_LINE_SYS, "The configuration of %s is saved.", name);
        break;
    case ACT_INSTANT: {
        bc_room *room = bc_muc_room(r->room);
        if (room)
            room->created = false;
        room_say(r->room, BC_LINE_SYS, "%s is open with the default configuration.", name);
        break;
    }
    default:
        break;
    }
    g_free(name);
}

/* <iq type=TYPE><query xmlns=NS/></iq>; the query (owned by the iq) in
 * `query` unless it is NULL. */
static xmpp_stanza_t *query_iq(const char *type, const char *ns, xmpp_stanza_t **query)
{
    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, type, NULL);
    xmpp_stanza_t *q = bc_xmpp_el("query", ns);
    xmpp_stanza_add_child(iq, q);
    xmpp_stanza_release(q);
    if (query)
        *query = q;
    return iq;
}

static void on_list(xmpp_stanza_t *reply, bool disconnected, void *data);

/* The <item/> children of a query, in order: `it` or its first later
 * sibling that is one, or NULL. */
static xmpp_stanza_t *item_from(xmpp_stanza_t *it)
{
    while (it && !(xmpp_stanza_is_tag(it) && g_strcmp0(xmpp_stanza_get_name(it), "item") == 0))
        it = xmpp_stanza_get_next(it);
    return it;
}

static xmpp_stanza_t *first_item(xmpp_stanza_t *q)
{
    return item_from(q ? xmpp_stanza_get_children(q) : NULL);
}

static xmpp_stanza_t *next_item(xmpp_stanza_t *it)
{
    return item_from(xmpp_stanza_get_next(it));
}

/* A muc#admin query with one <item attr_name=r->value key_attr=r->target>
 * (key_attr NULL: none) and its <reason/>: a list (get) for ACT_LIST, else
 * a change (set). Takes `r`. */
static void send_item(admin_req *r, const char *key_attr, const char *attr_name,
                      const char *reason)
{
    bool list = r->act == ACT_LIST;
    xmpp_stanza_t *q;
    xmpp_stanza_t *iq = query_iq(list ? "get" : "set", NS_MUC_ADMIN, &q);
    xmpp_stanza_t *item = bc_xmpp_el("item", NULL);
    if (key_attr)
        xmpp_stanza_set_attribute(item, key_attr, r->target);
    xmpp_stanza_set_attribute(item, attr_name, r->value);
    if (reason && *reason) {
        char *clean = bc_sanitize_line(reason, -1);
        if (g_utf8_strlen(clean, -1) > MAX_REASON)
            *g_utf8_offset_to_pointer(clean, MAX_REASON) = '\0';
        bc_xmpp_add_text_child(item, "reason", clean);
        g_free(clean);
    }
    xmpp_stanza_add_child(q, item);
    xmpp_stanza_release(item);
    bc_xmpp_iq_send(iq, r->room, TIMEOUT_MS, list ? on_list : on_admin_done, r, req_free);
    xmpp_stanza_release(iq);
}

/* -- checks before anything is sent --------------------------------------- */

static bool room_ok(const char *room, GError **err)
{
    bc_jid *j = room ? bc_jid_parse(room) : NULL;
    bool ok = j && j->local && !j->resource;
    bc_jid_free(j);
    if (!ok)
        return bad_value(err, room, "is not a room JID (room@service)");
    return bc_xmpp_require_online(err);
}

static bool joined(const char *room, GError **err)
{
    bc_room *r = bc_muc_room(room);
    if (r && r->state == BC_ROOM_JOINED)
        return true;
    g_set_error(err, BC_XMPP_ERROR, 1, "you are not in %s: /join it first", room);
    return false;
}

static bool nick_ok(const char *room, const char *nick, GError **err)
{
    if (!nick || !*nick || strlen(nick) > MAX_NICK || !bc_is_sanitized(nick) ||
        strchr(nick, '\n') || strchr(nick, '\t'))
        return bad_value(err, nick, "is not a valid nick");
    bc_room *r = bc_muc_room(room);
    if (r && !bc_muc_occupant(r, nick)) {
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "nobody is called \"%s\" in %s (Tab completes nicks; /occupants shows "
                    "who is there)", nick, room);
        return false;
    }
    return true;
}

/* A bare JID (a whole server may be banned too). Newly allocated. */
static char *bare_target(const char *jid, GError **err)
{
    bc_jid *j = jid ? bc_jid_parse(jid) : NULL;
    char *out = j && !j->resource ? bc_jid_bare(jid) : NULL;
    bc_jid_free(j);
    if (!out)
        bad_value(err, jid, "is not a bare JID (user@server)");
    return out;
}

bool bc_xmpp_muc_set_role(const char *room, const char *nick, const char *role,
                          const char *reason, GError **err)
{
    bc_muc_role parsed;
    if (!role || !bc_muc_role_parse(role, &parsed))
        return bad_value(err, role, "is not a role: use moderator, participant, visitor or none");
    if (!room_ok(room, err) || !joined(room, err) || !nick_ok(room, nick, err))
        return false;
    const char *canon = bc_muc_role_name(parsed);
    admin_req *r = req_new(parsed == BC_ROLE_NONE ? ACT_KICK : ACT_ROLE, room, nick, canon);
    send_item(r, "nick", "role", reason);
    return true;
}

/* A kick is the role none (XEP-0045 §8.2). */
bool bc_xmpp_muc_kick(const char *room, const char *nick, const char *reason, GError **err)
{
    return bc_xmpp_muc_set_role(room, nick, "none", reason, err);
}

bool bc_xmpp_muc_set_affiliation(const char *room, const char *jid, const char *affil,
                                 const char *reason, GError **err)
{
    bc_muc_affil parsed;
    if (!affil || !bc_muc_affil_parse(affil, &parsed))
        return bad_value(err, affil,
                         "is not an affiliation: use owner, admin, member, none or outcast");
    if (!room_ok(room, err))
        return false;
    char *bare = bare_target(jid, err);
    if (!bare)
        return false;
    const char *canon = bc_muc_affil_name(parsed);
    admin_req *r = req_new(parsed == BC_AFFIL_OUTCAST ? ACT_BAN : ACT_AFFIL, room, bare, canon);
    send_item(r, "jid", "affiliation", reason);
    g_free(bare);
    return true;
}

bool bc_xmpp_muc_ban(const char *room, const char *jid, const char *reason, GError **err)
{
    return bc_xmpp_muc_set_affiliation(room, jid, "outcast", reason, err);
}

/* -- affiliation lists -------------------------------------------------- */

static void on_list(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    admin_req *r = data;
    if (report_failure(r, reply, disconnected))
        return;
    xmpp_stanza_t *q = xmpp_stanza_get_child_by_name_and_ns(reply, "query", NS_MUC_ADMIN);
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    unsigned total = 0;
    for (xmpp_stanza_t *it = first_item(q); it; it = next_item(it)) {
        char *jid = bc_xmpp_attr(it, "jid", 300);
        if (!jid || !*jid) {
            g_free(jid);
            continue;
        }
        total++;
        if (lines->len < MAX_LISTED) {
            char *nick = bc_xmpp_attr(it, "nick", 100);
            char *reason = bc_xmpp_child_text(it, "reason", NULL, 300);
            g_ptr_array_add(lines, g_strdup_printf("  %s%s%s%s%s%s", jid,
                                                   nick ? " (" : "", nick ? nick : "",
                                                   nick ? ")" : "",
                                                   reason && *reason ? ": " : "",
                                                   reason && *reason ? reason : ""));
            g_free(nick);
            g_free(reason);
        }
        g_free(jid);
    }
    char *name = bc_jid_display(r->room);
    if (total == 0)
        room_say(r->room, BC_LINE_SYS, "Nobody in %s has the affiliation %s.", name, r->value);
    else
        room_say(r->room, BC_LINE_SYS, "Affiliation %s in %s (%u):", r->value, name, total);
    for (guint i = 0; i < lines->len; i++)
        room_say(r->room, BC_LINE_SYS, "%s", (char *)lines->pdata[i]);
    if (total > lines->len)
        room_say(r->room, BC_LINE_SYS, "  … and %u more", total - lines->len);
    g_ptr_array_free(lines, TRUE);
    g_free(name);
}

bool bc_xmpp_muc_list_affiliation(const char *room, const char *affil, GError **err)
{
    bc_muc_affil parsed;
    if (!affil || !bc_muc_affil_parse(affil, &parsed) || parsed == BC_AFFIL_NONE)
        return bad_value(err, affil, "cannot be listed: use owner, admin, member or outcast");
    if (!room_ok(room, err))
        return false;
    send_item(req_new(ACT_LIST, room, NULL, bc_muc_affil_name(parsed)), NULL, "affiliation",
              NULL);
    return true;
}

/* -- configuration (XEP-0045 §10, XEP-0004) ----------------------------- */

static void send_owner_form(admin_req *r, xmpp_stanza_t *x /* taken, may be NULL */,
                            bc_iq_cb cb)
{
    xmpp_stanza_t *q;
    xmpp_stanza_t *iq = query_iq(x ? "set" : "get", NS_MUC_OWNER, &q);
    if (x) {
        xmpp_stanza_add_child(q, x);
        xmpp_stanza_release(x);
    }
    bc_xmpp_iq_send(iq, r->room, TIMEOUT_MS, cb, r, req_free);
    xmpp_stanza_release(iq);
}

static void on_config_form(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    admin_req *r = data;
    if (report_failure(r, reply, disconnected))
        return;
    xmpp_stanza_t *q = xmpp_stanza_get_child_by_name_and_ns(reply, "query", NS_MUC_OWNER);
    xmpp_stanza_t *x = q ? xmpp_stanza_get_child_by_name_and_ns(q, "x", BC_NS_DATA) : NULL;
    bc_form *form = bc_form_parse(x);
    char *name = bc_jid_display(r->room);
    if (!form) {
        room_say(r->room, BC_LINE_ERR, "%s sent no configuration form: it may not be "
                 "configurable by you.", name);
        g_free(name);
        return;
    }
    if (r->act == ACT_CONFIG_SHOW) {
        room_say(r->room, BC_LINE_SYS, "Configuration of %s (/roomconfig set VAR=VALUE "
                 "changes a field):", name);
        char **lines = bc_form_describe(form);
        for (char **l = lines; *l; l++)
            room_say(r->room, BC_LINE_SYS, "%s", *l);
        g_strfreev(lines);
    } else {
        GError *e = NULL;
        for (char **a = r->assignments; a && *a && !e; a++)
            bc_form_assign(form, *a, &e);
        if (e) {
            room_say(r->room, BC_LINE_ERR, "Configuration of %s not changed: %s", name,
                     e->message);
            g_error_free(e);
        } else {
            admin_req *sub = req_new(ACT_CONFIG_SUBMIT, r->room, NULL, NULL);
            send_owner_form(sub, bc_form_submit(bc_xctx, form), on_admin_done);
        }
    }
    bc_form_free(form);
    g_free(name);
}

bool bc_xmpp_muc_config_show(const char *room, GError **err)
{
    if (!room_ok(room, err))
        return false;
    send_owner_form(req_new(ACT_CONFIG_SHOW, room, NULL, NULL), NULL, on_config_form);
    return true;
}

bool bc_xmpp_muc_config_set(const char *room, const char *const *assignments, GError **err)
{
    if (!assignments || !assignments[0]) {
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "nothing to set: give VAR=VALUE (e.g. muc#roomconfig_roomname=\"Team\")");
        return false;
    }
    for (size_t i = 0; assignments[i]; i++)
        if (!strchr(assignments[i], '=') || assignments[i][0] == '=')
            return bad_value(err, assignments[i], "is not VAR=VALUE");
    if (!room_ok(room, err))
        return false;
    admin_req *r = req_new(ACT_CONFIG_SET, room, NULL, NULL);
    r->assignments = g_strdupv((char **)assignments);
    send_owner_form(r, NULL, on_config_form);
    return true;
}

bool bc_xmpp_muc_config_instant(const char *room, GError **err)
{
    if (!room_ok(room, err))
        return false;
    /* An empty submission: the room keeps its defaults (§10.1.2). */
    xmpp_stanza_t *x = bc_xmpp_el("x", BC_NS_DATA);
    xmpp_stanza_set_type(x, "submit");
    send_owner_form(req_new(ACT_INSTANT, room, NULL, NULL), x, on_admin_done);
    return true;
}

/* -- the conference service (XEP-0030) ---------------------------------- */

typedef struct waiter {
    void (*cb)(const char *service, void *data);
    void *data;
} waiter;

static char *service;          /* found this session */
static bool service_known;     /* the search is over (found or not) */
static bool discovering;
static unsigned disco_gen;     /* stale answers (an older session) ignored */
static unsigned probes_left;
static GArray *waiters;        /* of waiter */

static void service_found(const char *svc)
{
    if (!discovering)
        return;
    discovering = false;
    service_known = true;
    g_free(service);
    service = g_strdup(svc);
    /* The callbacks may ask again: hand them a settled state. */
    GArray *w = waiters;
    waiters = NULL;
    for (guint i = 0; w && i < w->len; i++) {
        waiter *x = &g_array_index(w, waiter, i);
        x->cb(service, x->data);
    }
    if (w)
        g_array_free(w, TRUE);
}

typedef struct probe {
    unsigned gen;
    char *jid;
} probe;

static void probe_free(void *p)
{
    probe *pr = p;
    g_free(pr->jid);
    g_free(pr);
}

static bool is_text_conference(xmpp_stanza_t *q)
{
    bool ident = false, feature = false;
    for (xmpp_stanza_t *c = q ? xmpp_stanza_get_children(q) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *n = xmpp_stanza_is_tag(c) ? xmpp_stanza_get_name(c) : NULL;
        if (!n)
            continue;
        const char *cat = xmpp_stanza_get_attribute(c, "category");
        const char *type = xmpp_stanza_get_attribute(c, "type");
        const char *var = xmpp_stanza_get_attribute(c, "var");
        if (strcmp(n, "identity") == 0 && cat && type && strcmp(cat, "conference") == 0 &&
            strcmp(type, "text") == 0)
            ident = true;
        if (strcmp(n, "feature") == 0 && var && strcmp(var, NS_MUC) == 0)
            feature = true;
    }
    return ident && feature;
}

static void on_probe(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    probe *pr = data;
    if (pr->gen != disco_gen || !discovering)
        return;
    if (probes_left > 0)
        probes_left--;
    xmpp_stanza_t *q = reply && !bc_xmpp_iq_is_error(reply)
                           ? xmpp_stanza_get_child_by_name_and_ns(reply, "query", BC_NS_DISCO_INFO)
                           : NULL;
    if (is_text_conference(q))
        service_found(pr->jid);
    else if (probes_left == 0)
        service_found(NULL);
}

static void on_server_items(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    unsigned gen = GPOINTER_TO_UINT(data);
    if (gen != disco_gen || !discovering)
        return;
    xmpp_stanza_t *q = reply && !bc_xmpp_iq_is_error(reply)
                           ? xmpp_stanza_get_child_by_name_and_ns(reply, "query", NS_DISCO_ITEMS)
                           : NULL;
    GPtrArray *jids = g_ptr_array_new_with_free_func(g_free);
    for (xmpp_stanza_t *it = first_item(q); it && jids->len < MAX_PROBED; it = next_item(it)) {
        char *jid = xmpp_stanza_get_attribute(it, "node") ? NULL : bc_xmpp_attr(it, "jid", 300);
        if (jid && bc_jid_is_valid(jid))
            g_ptr_array_add(jids, jid);
        else
            g_free(jid);
    }
    if (jids->len == 0) {
        g_ptr_array_free(jids, TRUE);
        service_found(NULL);
        return;
    }
    probes_left = jids->len;
    for (guint i = 0; i < jids->len; i++) {
        probe *pr = g_new0(probe, 1);
        pr->gen = gen;
        pr->jid = g_strdup(jids->pdata[i]);
        xmpp_stanza_t *iq = query_iq("get", BC_NS_DISCO_INFO, NULL);
        bc_xmpp_iq_send(iq, pr->jid, TIMEOUT_MS, on_probe, pr, probe_free);
        xmpp_stanza_release(iq);
    }
    g_ptr_array_free(jids, TRUE);
}

void bc_xmpp_muc_service(void (*cb)(const char *service, void *data), void *data)
{
    if (service_known || !bc_xconn || !bc_xmpp_connected()) {
        cb(service_known ? service : NULL, data);
        return;
    }
    if (!waiters)
        waiters = g_array_new(FALSE, FALSE, sizeof(waiter));
    waiter w = {cb, data};
    g_array_append_val(waiters, w);
    if (discovering)
        return;
    char *self = bc_xmpp_self_bare();
    bc_jid *j = self ? bc_jid_parse(self) : NULL;
    discovering = true;
    if (!j) {
        g_free(self);
        service_found(NULL);
        return;
    }
    xmpp_stanza_t *iq = query_iq("get", NS_DISCO_ITEMS, NULL);
    bc_xmpp_iq_send(iq, j->domain, TIMEOUT_MS, on_server_items, GUINT_TO_POINTER(disco_gen),
                    NULL);
    xmpp_stanza_release(iq);
    bc_jid_free(j);
    g_free(self);
}

void bc_xmpp_muc_service_reset(void)
{
    /* Whoever waits hears "none" now rather than never. */
    discovering = true;
    service_found(NULL);
    disco_gen++;
    discovering = false;
    service_known = false;
    g_clear_pointer(&service, g_free);
}

/* -- /rooms --------------------------------------------------------------- */

typedef struct room_item {
    char *jid, *name;
} room_item;

static gint room_item_cmp(gconstpointer a, gconstpointer b)
{
    const room_item *x = *(room_item *const *)a, *y = *(room_item *const *)b;
    return g_strcmp0(x->jid, y->jid);
}

static void room_item_free(void *p)
{
    room_item *r = p;
    g_free(r->jid);
    g_free(r->name);
    g_free(r);
}

static void on_rooms(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    const char *svc = data;
    if (disconnected)
        return;
    if (!reply || bc_xmpp_iq_is_error(reply)) {
        char *why = reply ? bc_xmpp_error_text(reply) : g_strdup("no reply in 30 s");
        bc_error("Cannot list the rooms of %s (%s): check the service's name.", svc, why);
        g_free(why);
        return;
    }
    xmpp_stanza_t *q = xmpp_stanza_get_child_by_name_and_ns(reply, "query", NS_DISCO_ITEMS);
    GPtrArray *items = g_ptr_array_new_with_free_func(room_item_free);
    unsigned total = 0;
    for (xmpp_stanza_t *it = first_item(q); it; it = next_item(it)) {
        char *jid = bc_xmpp_attr(it, "jid", 300);
        if (!jid || !bc_jid_is_valid(jid)) {
            g_free(jid);
            continue;
        }
        total++;
        if (items->len >= MAX_LISTED) {
            g_free(jid);
            continue;
        }
        room_item *ri = g_new0(room_item, 1);
        ri->jid = jid;
        ri->name = bc_xmpp_attr(it, "name", 200);
        g_ptr_array_add(items, ri);
    }
    g_ptr_array_sort(items, room_item_cmp);
    if (total == 0)
        bc_info("No public rooms on %s. /join ROOM@%s creates one.", svc, svc);
    else
        bc_info("Rooms on %s (%u; /join ROOM joins one):", svc, total);
    for (guint i = 0; i < items->len; i++) {
        room_item *ri = items->pdata[i];
        bool named = ri->name && *ri->name && strcmp(ri->name, ri->jid) != 0;
        bc_info("  %-40s %s", ri->jid, named ? ri->name : "");
    }
    if (total > items->len)
        bc_info("  … and %u more", total - items->len);
    g_ptr_array_free(items, TRUE);
}

static void list_rooms(const char *svc)
{
    xmpp_stanza_t *iq = query_iq("get", NS_DISCO_ITEMS, NULL);
    bc_xmpp_iq_send(iq, svc, TIMEOUT_MS, on_rooms, g_strdup(svc), g_free);
    xmpp_stanza_release(iq);
}

static void rooms_of_found(const char *svc, void *data)
{
    if (svc) {
        list_rooms(svc);
    } else if (bc_xmpp_connected()) {
        char *self = bc_xmpp_self_bare();
        bc_jid *j = self ? bc_jid_parse(self) : NULL;
        bc_error("No conference service found on %s: name one, e.g. /rooms conference.%s",
                 j ? j->domain : "your server", j ? j->domain : "example.org");
        bc_jid_free(j);
        g_free(self);
    }
}

bool bc_xmpp_muc_rooms(const char *svc, GError **err)
{
    if (svc) {
        bc_jid *j = bc_jid_parse(svc);
        bool ok = j && !j->local && !j->resource;
        bc_jid_free(j);
        if (!ok)
            return bad_value(err, svc, "is not a service name (e.g. conference.example.org)");
    }
    if (!bc_xmpp_require_online(err))
        return false;
    if (svc)
        list_rooms(svc);
    else
        bc_xmpp_muc_service(rooms_of_found, NULL);
    return true;
}
