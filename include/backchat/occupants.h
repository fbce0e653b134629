/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Whether room tabs show their occupant list on the right (/occupants,
 * F11). Kept for the session; the buddy list has its own setting. */
#ifndef BACKCHAT_OCCUPANTS_H
#define BACKCHAT_OCCUPANTS_H

#include <stdbool.h>

bool bc_occupants_visible(void);
void bc_occupants_set_visible(bool on);

#endif
