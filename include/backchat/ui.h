/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The terminal: layout, tab bar, views, the readline input line. */
#ifndef BACKCHAT_UI_H
#define BACKCHAT_UI_H

#include <stdbool.h>

bool bc_ui_init(void);
void bc_ui_shutdown(void);
/* Redraws what is dirty; a loop prepare hook. */
void bc_ui_redraw(void *unused);

#endif
