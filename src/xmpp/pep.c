/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Personal eventing (XEP-0163) for user activity (XEP-0108): publishing
 * ours, and receiving contacts' (we advertise +notify in caps.c). */
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/roster.h"
#include "backchat/sanitize.h"
#include "backchat/xmpp.h"
#include "internal.h"

#include <string.h>

/* The longest general or specific element name we accept (the XEP's
 * longest is "scheduled_holiday"). */
#define MAX_ACTIVITY_PART 48
#define MAX_ACTIVITY_TEXT 256

static bool published_this_conn;
static char *last_activity;  /* what we last published on this connection */
static char *last_text;

static bool part_valid(const char *s, size_t len)
{
    if (len == 0 || len > MAX_ACTIVITY_PART)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
            return false;
    return true;
}

bool bc_activity_valid(const char *a)
{
    if (!a)
        return false;
    const char *slash = strchr(a, '/');
    if (!slash)
        return part_valid(a, strlen(a));
    return part_valid(a, (size_t)(slash - a)) && part_valid(slash + 1, strlen(slash + 1));
}

void bc_xmpp_pep_reset(void)
{
    published_this_conn = false;
    g_clear_pointer(&last_activity, g_free);
    g_clear_pointer(&last_text, g_free);
}

static void on_published(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    if (disconnected)
        return;
    if (!reply) {
        bc_console_err("Publishing your activity: the server did not answer.");
        return;
    }
    if (bc_xmpp_iq_is_error(reply)) {
        char *why = bc_xmpp_error_text(reply);
        bc_console_err("Cannot publish your activity (XEP-0108): %s", why);
        g_free(why);
    }
}

void bc_xmpp_pep_publish_activity(const char *activity, const char *text)
{
    if (!bc_xconn || !bc_xmpp_connected())
        return;
    const char *a = activity && *activity ? activity : NULL;
    if (a && !bc_activity_valid(a)) {
        bc_console_err("Not publishing the activity \"%s\": use general/specific names "
                       "from XEP-0108 (lower case and _).", a);
        a = NULL;
    }
    char *t = NULL;
    if (a && text && *text) {
        t = bc_sanitize_line(text, -1);
        if (g_utf8_strlen(t, -1) > MAX_ACTIVITY_TEXT)
            *g_utf8_offset_to_pointer(t, MAX_ACTIVITY_TEXT) = '\0';
    }
    if (published_this_conn && g_strcmp0(a, last_activity) == 0 &&
        g_strcmp0(t, last_text) == 0) {
        g_free(t);
        return;
    }

    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, "set", NULL);
    xmpp_stanza_t *pubsub = bc_xmpp_el("pubsub", BC_NS_PUBSUB);
    xmpp_stanza_t *publish = bc_xmpp_el("publish", NULL);
    xmpp_stanza_set_attribute(publish, "node", BC_NS_ACTIVITY);
    xmpp_stanza_t *item = bc_xmpp_el("item", NULL);
    xmpp_stanza_set_attribute(item, "id", "current");
    xmpp_stanza_t *act = bc_xmpp_el("activity", BC_NS_ACTIVITY);
    if (a) {
        char **parts = g_strsplit(a, "/", 2);
        xmpp_stanza_t *general = bc_xmpp_el(parts[0], NULL);
        if (parts[1]) {
            xmpp_stanza_t *specific = bc_xmpp_el(parts[1], NULL);
            xmpp_stanza_add_child(general, specific);
            xmpp_stanza_release(specific);
        }
        xmpp_stanza_add_child(act, general);
        xmpp_stanza_release(general);
        g_strfreev(parts);
        if (t && *t)
            bc_xmpp_add_text_child(act, "text", t);
    }
    /* No activity: an empty <activity/> is the XEP's way to clear it. */
    xmpp_stanza_add_child(item, act);
    xmpp_stanza_release(act);
    xmpp_stanza_add_child(publish, item);
    xmpp_stanza_release(item);
    xmpp_stanza_add_child(pubsub, publish);
    xmpp_stanza_release(publish);
    xmpp_stanza_add_child(iq, pubsub);
    xmpp_stanza_release(pubsub);
    bc_xmpp_iq_send(iq, NULL, 30000, on_published, NULL, NULL);
    xmpp_stanza_release(iq);

    published_this_conn = true;
    g_free(last_activity);
    last_activity = g_strdup(a);
    g_free(last_text);
    last_text = t;
}

static xmpp_stanza_t *first_tag(xmpp_stanza_t *el)
{
    for (xmpp_stanza_t *c = el ? xmpp_stanza_get_children(el) : NULL; c;
         c = xmpp_stanza_get_next(c))
        if (xmpp_stanza_is_tag(c))
            return c;
    return NULL;
}

static bool name_ok(const char *n) { return n && part_valid(n, strlen(n)); }

/* <activity><general><specific/></general><text/></activity> ->
 * "general/specific" (or "general") and the text; both NULL if empty. */
static void parse_activity(xmpp_stanza_t *act, char **activity, char **text)
{
    *activity = NULL;
    *text = NULL;
    for (xmpp_stanza_t *c = xmpp_stanza_get_children(act); c; c = xmpp_stanza_get_next(c)) {
        if (!xmpp_stanza_is_tag(c))
            continue;
        const char *n = xmpp_stanza_get_name(c);
        if (n && strcmp(n, "text") == 0) {
            if (!*text)
                *text = bc_xmpp_text(c, MAX_ACTIVITY_TEXT);
        } else if (!*activity && name_ok(n)) {
            xmpp_stanza_t *sp = first_tag(c);
            const char *sn = sp ? xmpp_stanza_get_name(sp) : NULL;
            *activity = name_ok(sn) ? g_strdup_printf("%s/%s", n, sn) : g_strdup(n);
        }
    }
    if (*text && !**text)
        g_clear_pointer(text, g_free);
}

bool bc_xmpp_pep_message(xmpp_stanza_t *msg)
{
    xmpp_stanza_t *ev = xmpp_stanza_get_child_by_name_and_ns(msg, "event", BC_NS_PUBSUB_EVENT);
    if (!ev)
        return false;
    /* A PEP service is the account itself: a bare JID. Anything else
     * (a full JID, a stranger) does not get to set an activity. */
    const char *from = xmpp_stanza_get_from(msg);
    bc_jid *j = from ? bc_jid_parse(from) : NULL;
    if (!j || j->resource || !j->local) {
        bc_jid_free(j);
        return true;
    }
    bc_jid_free(j);
    char *bare = bc_jid_bare(from);
    char *self = bc_xmpp_self_bare();
    bc_contact *c = bare ? bc_roster_get(bare) : NULL;
    bool accept = bare && c && c->in_roster && !(self && strcmp(self, bare) == 0);
    g_free(self);
    if (!accept) {
        g_free(bare);
        return true;
    }

    bool seen = false, clear = false;
    char *activity = NULL, *text = NULL;
    for (xmpp_stanza_t *e = xmpp_stanza_get_children(ev); e; e = xmpp_stanza_get_next(e)) {
        if (!xmpp_stanza_is_tag(e))
            continue;
        const char *en = xmpp_stanza_get_name(e);
        const char *node = xmpp_stanza_get_attribute(e, "node");
        if (!en || !node || strcmp(node, BC_NS_ACTIVITY) != 0)
            continue;
        if (strcmp(en, "purge") == 0 || strcmp(en, "delete") == 0) {
            seen = clear = true;
            continue;
        }
        if (strcmp(en, "items") != 0)
            continue;
        /* The last item or retraction wins. */
        for (xmpp_stanza_t *it = xmpp_stanza_get_children(e); it; it = xmpp_stanza_get_next(it)) {
            if (!xmpp_stanza_is_tag(it))
                continue;
            const char *in = xmpp_stanza_get_name(it);
            if (in && strcmp(in, "retract") == 0) {
                seen = clear = true;
                g_clear_pointer(&activity, g_free);
                g_clear_pointer(&text, g_free);
            } else if (in && strcmp(in, "item") == 0) {
                xmpp_stanza_t *act =
                    xmpp_stanza_get_child_by_name_and_ns(it, "activity", BC_NS_ACTIVITY);
                if (!act)
                    continue;
                g_free(activity);
                g_free(text);
                parse_activity(act, &activity, &text);
                seen = true;
                clear = activity == NULL;
            }
        }
    }
    if (seen)
        bc_roster_activity(bare, clear ? NULL : activity, clear ? NULL : text);
    g_free(activity);
    g_free(text);
    g_free(bare);
    return true;
}
