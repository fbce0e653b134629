/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: replaced by the implementation. */
#include "handlers.h"

bool bc_cmd_occupants(const bc_args *a, GError **err)
{
    g_set_error(err, BC_CMD_ERROR, 1, "not available yet");
    return false;
}

