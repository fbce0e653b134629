/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: replaced by the bookmarks implementation. */
#include "backchat/xmpp.h"
#include "internal.h"

void bc_xmpp_bookmarks_fetch(void) {}
bool bc_xmpp_bookmarks_message(xmpp_stanza_t *msg) { return false; }
void bc_xmpp_bookmarks_reset(void) {}
