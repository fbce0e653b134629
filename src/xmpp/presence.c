/* SPDX-License-Identifier: GPL-3.0-or-later */
/* <presence/> stanzas: contacts' availability into the model. */
#include "backchat/presence.h"
#include "backchat/sanitize.h"
#include "internal.h"

#include <glib.h>
#include <string.h>

#define MAX_STATUS_LEN 1024

static char *child_text(xmpp_stanza_t *st, const char *name)
{
    xmpp_stanza_t *c = xmpp_stanza_get_child_by_name(st, name);
    char *t = c ? xmpp_stanza_get_text(c) : NULL;
    if (!t)
        return NULL;
    size_t len = strlen(t);
    char *clean = bc_sanitize_line(t, (long)(len > MAX_STATUS_LEN ? MAX_STATUS_LEN : len));
    xmpp_free(bc_xctx, t);
    return clean;
}

static int on_presence(xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *userdata)
{
    bc_xmpp_note_activity();
    const char *from = xmpp_stanza_get_from(stanza);
    const char *type = xmpp_stanza_get_type(stanza);
    if (!from)
        return 1;
    if (type && strcmp(type, "unavailable") == 0) {
        bc_presence_update(from, BC_SHOW_OFFLINE, NULL);
        return 1;
    }
    if (type) /* subscription requests, probes, errors: the roster's job */
        return 1;
    char *show = child_text(stanza, "show");
    char *status = child_text(stanza, "status");
    bc_presence_update(from, bc_show_parse(show), status);
    g_free(show);
    g_free(status);
    return 1;
}

void bc_xmpp_presence_handlers_add(xmpp_conn_t *conn)
{
    xmpp_handler_add(conn, on_presence, NULL, "presence", NULL, NULL);
}
