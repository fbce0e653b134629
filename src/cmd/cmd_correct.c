/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /correct: replace our last message in this tab (XEP-0308). */
#include "backchat/conv.h"
#include "backchat/xmpp.h"
#include "handlers.h"

#include <string.h>

/* Our newest message in `c` with a stanza id, or NULL. Corrections of a
 * correction still name the original (XEP-0308 §5): the line keeps the
 * original's id when it is corrected. */
static const bc_line *last_own(const bc_conv *c)
{
    for (size_t i = c->len; i > 0; i--) {
        const bc_line *l = bc_conv_line(c, i - 1);
        if (l->kind == BC_LINE_OUT && l->sid && *l->sid)
            return l;
    }
    return NULL;
}

bool bc_cmd_correct(const bc_args *a, GError **err)
{
    const char *text = bc_args_rest(a, 1);
    while (text && (*text == ' ' || *text == '\t'))
        text++;
    if (!text || !*text) {
        g_set_error(err, BC_CMD_ERROR, 1,
                    "give the corrected text: /correct TEXT replaces your last message here");
        return false;
    }
    bc_conv *c = bc_conv_current();
    if (!c || !c->jid ||
        (c->type != BC_CONV_CHAT && c->type != BC_CONV_PRIVATE && c->type != BC_CONV_ROOM)) {
        g_set_error(err, BC_CMD_ERROR, 1,
                    "nothing to correct here: switch to the chat or room (Alt-N) where you "
                    "sent the message");
        return false;
    }
    const bc_line *l = last_own(c);
    if (!l) {
        g_set_error(err, BC_CMD_ERROR, 1,
                    "no message of yours in this tab to correct (scroll to the bottom if "
                    "you scrolled back)");
        return false;
    }
    if (l->send == BC_SEND_PENDING) {
        g_set_error(err, BC_CMD_ERROR, 1,
                    "your last message has not been sent yet: wait for the connection, "
                    "then /correct");
        return false;
    }
    char *sid = g_strdup(l->sid); /* the line may change under us */
    bool ok = bc_xmpp_send_correction(c->type, c->jid, sid, text, err);
    g_free(sid);
    return ok;
}
