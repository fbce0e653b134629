/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /occupants: shows or hides the occupant list of room tabs. The setting
 * lives here (not in the UI) so the command and the F11 key share it
 * without cmd/ knowing about the terminal. */
#include "backchat/conv.h"
#include "backchat/occupants.h"
#include "handlers.h"

#include <string.h>

static bool visible = true;

bool bc_occupants_visible(void) { return visible; }

void bc_occupants_set_visible(bool on)
{
    visible = on;
    /* The view changes width: everything is laid out again. */
    bc_dirty(BC_DIRTY_ALL | BC_DIRTY_CLEAR);
}

bool bc_cmd_occupants(const bc_args *a, GError **err)
{
    const char *sub = a->argc > 1 ? a->argv[1] : "toggle";
    if (strcmp(sub, "show") == 0)
        bc_occupants_set_visible(true);
    else if (strcmp(sub, "hide") == 0)
        bc_occupants_set_visible(false);
    else if (strcmp(sub, "toggle") == 0)
        bc_occupants_set_visible(!visible);
    else {
        g_set_error(err, BC_CMD_ERROR, 1,
                    "/occupants takes show, hide or toggle (F11 toggles too), not \"%s\"", sub);
        return false;
    }
    bc_conv *c = bc_conv_current();
    if (!c || c->type != BC_CONV_ROOM)
        bc_info("The occupant list is %s; it shows in room tabs.",
                visible ? "on" : "off");
    return true;
}
