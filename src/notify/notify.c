/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Telling the user about activity out of view: the terminal bell for now;
 * desktop notifications build on this seam. */
#include "backchat/notify.h"

#include <unistd.h>

void bc_notify_message(const char *from, const char *text)
{
    (void)from;
    (void)text;
    if (isatty(STDOUT_FILENO)) {
        ssize_t r = write(STDOUT_FILENO, "\a", 1);
        (void)r;
    }
}
