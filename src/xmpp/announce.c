/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: replaced by the announcements implementation. */
#include "backchat/xmpp.h"
#include "internal.h"

bool bc_xmpp_announce_message(xmpp_stanza_t *msg) { return false; }
void bc_xmpp_announce_init(void) {}
