/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The occupant list of a room tab: in the buddy list's place on the
 * right, the room's occupants under Moderators / Participants / Visitors
 * with a presence glyph, an affiliation mark (~ owner, & admin, + member)
 * and the nick, ours in bold. It follows the model's panel order and is
 * drawn only when the roster dirty bit says something changed, so a busy
 * room costs nothing per message. */
#include "backchat/muc.h"
#include "backchat/occupants.h"
#include "backchat/roster.h"
#include "backchat/wrap.h"
#include "ui_internal.h"

#include <stdio.h>
#include <string.h>

int bc_occ_panel_cols(int cols)
{
    /* The same width as the buddy list, so switching tabs does not make
     * the conversation jump. */
    return bc_occupants_visible() ? bc_side_panel_cols(cols) : 0;
}

static const char *affil_mark(bc_muc_affil a)
{
    switch (a) {
    case BC_AFFIL_OWNER: return "~";
    case BC_AFFIL_ADMIN: return "&";
    case BC_AFFIL_MEMBER: return "+";
    default: return " ";
    }
}

static const char *role_head(bc_muc_role r)
{
    switch (r) {
    case BC_ROLE_MODERATOR: return "Moderators";
    case BC_ROLE_PARTICIPANT: return "Participants";
    default: return "Visitors";
    }
}

/* Visitors and occupants without a role share the last group. */
static int role_group(bc_muc_role r)
{
    return r == BC_ROLE_MODERATOR ? 0 : r == BC_ROLE_PARTICIPANT ? 1 : 2;
}

static void draw_head(WINDOW *w, bc_muc_role role, unsigned n, int width)
{
    char num[24];
    snprintf(num, sizeof num, " %u", n);
    int nw = (int)strlen(num);
    wattron(w, COLOR_PAIR(PAIR_HEAD) | A_BOLD);
    int used = bc_ui_put_fit(w, role_head(role), width - nw > 4 ? width - nw : width);
    wattroff(w, COLOR_PAIR(PAIR_HEAD) | A_BOLD);
    if (used + nw <= width) {
        wattron(w, COLOR_PAIR(PAIR_HEAD));
        waddstr(w, num);
        wattroff(w, COLOR_PAIR(PAIR_HEAD));
    }
}

static void draw_occupant(WINDOW *w, const bc_occupant *o, bool self, int width)
{
    /* " ● ~alice" */
    waddch(w, ' ');
    wattron(w, bc_ui_show_attr(o->show));
    waddstr(w, bc_ui_show_glyph(o->show));
    wattroff(w, bc_ui_show_attr(o->show));
    waddch(w, ' ');
    wattron(w, COLOR_PAIR(PAIR_HEAD));
    waddstr(w, affil_mark(o->affil));
    wattroff(w, COLOR_PAIR(PAIR_HEAD));
    attr_t a = self ? A_BOLD : A_NORMAL;
    wattron(w, a);
    bc_ui_put_fit(w, o->nick, width - 4 > 1 ? width - 4 : 1);
    wattroff(w, a);
}

void bc_occ_panel_draw(WINDOW *w, bc_room *r)
{
    werase(w);
    int h, wd;
    getmaxyx(w, h, wd);
    for (int y = 0; y < h; y++)
        mvwaddstr(w, y, 0, bc_ui_utf8() ? "\xe2\x94\x82" : "|");
    int width = wd - 1;
    GPtrArray *occ = r ? bc_muc_occupants_sorted(r) : NULL;
    if (!occ || occ->len == 0) {
        wmove(w, 0, 2);
        wattron(w, A_DIM);
        bc_ui_put_fit(w, r && r->state == BC_ROOM_JOINED ? "nobody here" : "not in the room",
                      width - 1);
        wattroff(w, A_DIM);
        return;
    }
    /* Count each group first: its header says how many. */
    unsigned n[3] = {0};
    for (guint i = 0; i < occ->len; i++)
        n[role_group(((bc_occupant *)occ->pdata[i])->role)]++;
    int y = 0;
    int group = -1;
    guint i = 0;
    for (; i < occ->len && y < h; i++) {
        const bc_occupant *o = occ->pdata[i];
        int g = role_group(o->role);
        if (g != group) {
            /* A header in the last row would show nobody under it. */
            if (y >= h - 1)
                break;
            group = g;
            wmove(w, y++, 1);
            draw_head(w, o->role, n[g], width);
        }
        if (y == h - 1 && i + 1 < occ->len) {
            /* The last row says how many more there are. */
            char more[40];
            snprintf(more, sizeof more, "  +%u more", occ->len - i);
            wmove(w, y++, 1);
            wattron(w, A_DIM);
            bc_ui_put_fit(w, more, width);
            wattroff(w, A_DIM);
            i = occ->len;
            break;
        }
        wmove(w, y++, 1);
        draw_occupant(w, o, r->nick && strcmp(o->nick, r->nick) == 0, width);
    }
    if (i < occ->len)
        mvwaddstr(w, h - 1, 0, bc_ui_utf8() ? "\xe2\x86\x93" : "v"); /* ↓: more below */
}
