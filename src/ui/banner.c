/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The priority banner: one row under the title bar on every tab while a
 * priority announcement waits for acknowledgement:
 *   PRIORITY from NAME HH:MM: TEXT  [Alt-k ack · +2 more]
 * The key hint stays visible; the text is cut to what fits, and the
 * whole row is in the warning colour (its background). */
#include "backchat/announce.h"
#include "backchat/jid.h"
#include "backchat/roster.h"
#include "backchat/wrap.h"
#include "ui_internal.h"

#include <string.h>
#include <time.h>

bool bc_banner_wanted(void)
{
    GPtrArray *u = bc_announce_unacked();
    return u && u->len > 0;
}

/* Who sent it, as the user knows them: the nick in a room, the roster
 * name, else the bare JID. */
static char *sender_name(const bc_announcement *a)
{
    const char *from = a->from ? a->from : "?";
    const char *slash = strchr(from, '/');
    if (a->room && slash && slash[1])
        return g_strdup(slash + 1);
    char *bare = g_strndup(from, slash ? (gsize)(slash - from) : strlen(from));
    bc_contact *c = bc_roster_get(bare);
    if (c && c->in_roster) {
        g_free(bare);
        return g_strdup(bc_contact_display(c));
    }
    return bare;
}

void bc_banner_draw(WINDOW *w)
{
    werase(w);
    GPtrArray *u = bc_announce_unacked();
    if (!u || u->len == 0)
        return;
    const bc_announcement *a = u->pdata[0];
    /* Reverse as well as coloured, so it stands out without colours. */
    attr_t at = COLOR_PAIR(PAIR_WARN) | A_BOLD | (has_colors() ? 0 : A_REVERSE);
    wbkgd(w, COLOR_PAIR(PAIR_WARN));
    wattron(w, at);
    char hhmm[8] = "";
    time_t t = (time_t)a->ts;
    struct tm tm;
    if (a->ts > 0 && localtime_r(&t, &tm))
        strftime(hhmm, sizeof hhmm, "%H:%M", &tm);
    char *name = sender_name(a);
    char *head = g_strdup_printf(" PRIORITY from %s%s%s: ", name, *hhmm ? " " : "", hhmm);
    /* One row: newlines and tabs of the text become spaces. */
    char *text = g_strdup(a->text ? a->text : "");
    for (char *p = text; *p; p++)
        if (*p == '\n' || *p == '\t' || *p == '\r')
            *p = ' ';
    char *hint = u->len > 1 ? g_strdup_printf("  [Alt-k ack \xc2\xb7 +%u more] ", u->len - 1)
                            : g_strdup("  [Alt-k ack] ");
    int width = getmaxx(w);
    int hw = bc_str_width(hint, -1);
    int headw = bc_str_width(head, -1);
    wmove(w, 0, 0);
    if (headw + hw + 8 > width) {
        /* Narrow terminal: short forms, so some text still shows. */
        g_free(head);
        g_free(hint);
        head = g_strdup_printf(" PRIORITY %s: ", name);
        hint = u->len > 1 ? g_strdup_printf(" [Alt-k +%u]", u->len - 1) : g_strdup(" [Alt-k]");
        hw = bc_str_width(hint, -1);
        if (bc_str_width(head, -1) + hw + 4 > width)
            hw = 0; /* the hint is dropped before the sender */
    }
    int used = bc_ui_put_fit(w, head, width - hw);
    bc_ui_put_fit(w, text, width - hw - used);
    if (hw)
        bc_ui_put_fit(w, hint, hw);
    wattroff(w, at);
    g_free(hint);
    g_free(text);
    g_free(head);
    g_free(name);
}
