/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared between the ui/ files; not public. */
#ifndef BACKCHAT_UI_INTERNAL_H
#define BACKCHAT_UI_INTERNAL_H

#include <curses.h>

extern WINDOW *bc_input_w;

void bc_input_init(void);
void bc_input_shutdown(void);
void bc_input_draw(void);
void bc_ui_resize(void);

#endif
