/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: replaced by the announcements model. */
#include "backchat/announce.h"

void bc_announce_init(void) {}
void bc_announce_free(void) {}
