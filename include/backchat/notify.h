/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Telling the user something happened elsewhere. */
#ifndef BACKCHAT_NOTIFY_H
#define BACKCHAT_NOTIFY_H

/* A message arrived in a conversation that is not in view. */
void bc_notify_message(const char *from, const char *text);

#endif
