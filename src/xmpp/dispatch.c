/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One incoming stanza to the handler libstrophe calls for its name, so
 * that the same code can be driven without a connection (fuzzing). */
#include "internal.h"

#include <string.h>

bool bc_xmpp_dispatch(xmpp_stanza_t *stanza)
{
    const char *name = stanza ? xmpp_stanza_get_name(stanza) : NULL;
    if (!name || !xmpp_stanza_is_tag(stanza))
        return false;
    if (strcmp(name, "message") == 0)
        bc_xmpp_on_message(bc_xconn, stanza, NULL);
    else if (strcmp(name, "presence") == 0)
        bc_xmpp_on_presence(bc_xconn, stanza, NULL);
    else if (strcmp(name, "iq") == 0)
        bc_xmpp_on_iq(bc_xconn, stanza, NULL);
    else
        return false;
    return true;
}
