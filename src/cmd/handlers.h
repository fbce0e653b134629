/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Command handlers, one per row of the table in table.c. */
#ifndef BACKCHAT_CMD_HANDLERS_H
#define BACKCHAT_CMD_HANDLERS_H

#include "backchat/cmd.h"

bool bc_cmd_help(const bc_args *a, GError **err);
bool bc_cmd_msg(const bc_args *a, GError **err);
bool bc_cmd_win(const bc_args *a, GError **err);
bool bc_cmd_close(const bc_args *a, GError **err);
bool bc_cmd_scroll(const bc_args *a, GError **err);
bool bc_cmd_redraw(const bc_args *a, GError **err);
bool bc_cmd_quit(const bc_args *a, GError **err);
bool bc_cmd_connect(const bc_args *a, GError **err);
bool bc_cmd_disconnect(const bc_args *a, GError **err);
bool bc_cmd_account(const bc_args *a, GError **err);
bool bc_cmd_tls(const bc_args *a, GError **err);
bool bc_cmd_roster(const bc_args *a, GError **err);
bool bc_cmd_sub(const bc_args *a, GError **err);
bool bc_cmd_block(const bc_args *a, GError **err);
bool bc_cmd_blocked(const bc_args *a, GError **err);
bool bc_cmd_info(const bc_args *a, GError **err);
bool bc_cmd_board(const bc_args *a, GError **err);
bool bc_cmd_status(const bc_args *a, GError **err);
bool bc_cmd_notify(const bc_args *a, GError **err);
bool bc_cmd_search(const bc_args *a, GError **err);
bool bc_cmd_find_in(const bc_args *a, GError **err);
bool bc_cmd_export(const bc_args *a, GError **err);
bool bc_cmd_log(const bc_args *a, GError **err);
bool bc_cmd_stats(const bc_args *a, GError **err);

#endif
