/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: replaced by the implementation. */
#include "handlers.h"

bool bc_cmd_kick(const bc_args *a, GError **err)
{
    g_set_error(err, BC_CMD_ERROR, 1, "not available yet");
    return false;
}

bool bc_cmd_ban(const bc_args *a, GError **err)
{
    g_set_error(err, BC_CMD_ERROR, 1, "not available yet");
    return false;
}

bool bc_cmd_role(const bc_args *a, GError **err)
{
    g_set_error(err, BC_CMD_ERROR, 1, "not available yet");
    return false;
}

bool bc_cmd_affiliation(const bc_args *a, GError **err)
{
    g_set_error(err, BC_CMD_ERROR, 1, "not available yet");
    return false;
}

bool bc_cmd_roomconfig(const bc_args *a, GError **err)
{
    g_set_error(err, BC_CMD_ERROR, 1, "not available yet");
    return false;
}

bool bc_cmd_rooms(const bc_args *a, GError **err)
{
    g_set_error(err, BC_CMD_ERROR, 1, "not available yet");
    return false;
}

bool bc_cmd_bookmark(const bc_args *a, GError **err)
{
    g_set_error(err, BC_CMD_ERROR, 1, "not available yet");
    return false;
}

