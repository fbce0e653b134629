/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Between the two files of the room model (muc.c, muc_marks.c); not part
 * of the public API. */
#ifndef BACKCHAT_MUC_INTERNAL_H
#define BACKCHAT_MUC_INTERNAL_H

/* Invitations and bookmarks: set up and torn down with the rooms. */
void bc_muc_marks_init(void);
void bc_muc_marks_free(void);

#endif
