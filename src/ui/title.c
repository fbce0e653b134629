/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The terminal window title: the unread count while notifications fall
 * back to the bell (bc_notify_title). Written only when it changes, and
 * only to terminals known to take a title. */
#include "backchat/notify.h"
#include "ui_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

static char *last;

/* The terminfo to-status-line / from-status-line pair when the entry has
 * them; OSC 0 for xterm-likes, tmux and screen whose entries often do not
 * (tmux passes it to the pane title). NULL: leave the title alone. */
static bool title_caps(const char **start, const char **end)
{
    const char *tsl = tigetstr("tsl"), *fsl = tigetstr("fsl");
    if (tsl && tsl != (char *)-1 && fsl && fsl != (char *)-1 && tigetflag("hs") > 0) {
        *start = tsl;
        *end = fsl;
        return true;
    }
    const char *term = getenv("TERM");
    if (!term)
        return false;
    static const char *const known[] = {"xterm", "tmux", "screen", "rxvt", "alacritty",
                                        "foot", "kitty", "wezterm", "vte", "gnome", "konsole"};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (strncmp(term, known[i], strlen(known[i])) == 0) {
            *start = "\033]0;";
            *end = "\007";
            return true;
        }
    return false;
}

void bc_ui_title_update(void)
{
    const char *t = bc_notify_title();
    if (!t || (last && strcmp(last, t) == 0))
        return;
    const char *start, *end;
    if (!title_caps(&start, &end))
        return;
    g_free(last);
    last = g_strdup(t);
    /* Our own text only ("backchat (N)"): nothing remote reaches the
     * terminal here. After doupdate(), so curses' output is complete. */
    fflush(stdout);
    char *seq = g_strconcat(start, t, end, NULL);
    ssize_t r = write(STDOUT_FILENO, seq, strlen(seq));
    (void)r;
    g_free(seq);
}

void bc_ui_title_free(void) { g_clear_pointer(&last, g_free); }
