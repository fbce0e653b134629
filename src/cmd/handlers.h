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
bool bc_cmd_theme(const bc_args *a, GError **err);
bool bc_cmd_search(const bc_args *a, GError **err);
bool bc_cmd_find_in(const bc_args *a, GError **err);
bool bc_cmd_export(const bc_args *a, GError **err);
bool bc_cmd_log(const bc_args *a, GError **err);
bool bc_cmd_stats(const bc_args *a, GError **err);
/* cmd_correct.c */
bool bc_cmd_correct(const bc_args *a, GError **err);
/* cmd_muc.c */
bool bc_cmd_join(const bc_args *a, GError **err);
bool bc_cmd_leave(const bc_args *a, GError **err);
bool bc_cmd_nick(const bc_args *a, GError **err);
bool bc_cmd_topic(const bc_args *a, GError **err);
bool bc_cmd_invite(const bc_args *a, GError **err);
/* cmd_muc_admin.c */
bool bc_cmd_kick(const bc_args *a, GError **err);
bool bc_cmd_ban(const bc_args *a, GError **err);
bool bc_cmd_role(const bc_args *a, GError **err);
bool bc_cmd_affiliation(const bc_args *a, GError **err);
bool bc_cmd_roomconfig(const bc_args *a, GError **err);
bool bc_cmd_rooms(const bc_args *a, GError **err);
bool bc_cmd_bookmark(const bc_args *a, GError **err);
/* cmd_announce.c */
bool bc_cmd_announce(const bc_args *a, GError **err);
bool bc_cmd_ack(const bc_args *a, GError **err);
bool bc_cmd_attention(const bc_args *a, GError **err);
/* cmd_occupants.c */
bool bc_cmd_occupants(const bc_args *a, GError **err);
/* cmd_pane.c */
bool bc_cmd_split_pane(const bc_args *a, GError **err);
bool bc_cmd_unsplit(const bc_args *a, GError **err);
bool bc_cmd_pane(const bc_args *a, GError **err);
bool bc_cmd_layout(const bc_args *a, GError **err);
bool bc_cmd_callmode(const bc_args *a, GError **err);
/* cmd_input.c */
bool bc_cmd_hotlist(const bc_args *a, GError **err);
bool bc_cmd_canned(const bc_args *a, GError **err);
bool bc_cmd_bind(const bc_args *a, GError **err);
bool bc_cmd_unbind(const bc_args *a, GError **err);
bool bc_cmd_editor(const bc_args *a, GError **err);

#endif
