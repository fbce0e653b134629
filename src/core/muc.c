/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: replaced by the room model. */
#include "backchat/muc.h"

void bc_muc_init(void) {}
void bc_muc_free(void) {}
