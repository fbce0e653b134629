/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Message Carbons (XEP-0280); implemented in message.c. */
#ifndef BACKCHAT_XMPP_CARBONS_H
#define BACKCHAT_XMPP_CARBONS_H

#define BC_NS_CARBONS "urn:xmpp:carbons:2"

/* Asks our server to copy to us what our other devices send and receive;
 * at every session start, after the roster and initial presence. Says
 * something on the console only if the server refuses. */
void bc_xmpp_carbons_enable(void);

#endif
