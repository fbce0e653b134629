/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Where files live (XDG base directories). */
#ifndef BACKCHAT_PATHS_H
#define BACKCHAT_PATHS_H

#include <stdbool.h>
#include <glib.h>

/* $XDG_CONFIG_HOME/backchat (default ~/.config/backchat). Static string. */
const char *bc_paths_config_dir(void);
/* $XDG_DATA_HOME/backchat (default ~/.local/share/backchat). Static. */
const char *bc_paths_data_dir(void);
/* Forget cached values (tests change the environment). */
void bc_paths_reset(void);

/* config_dir/accounts, config_dir/config: newly allocated. */
char *bc_paths_accounts_file(void);
char *bc_paths_config_file(void);
/* data_dir/<account>, created 0700 with its parents; newly allocated, or
 * NULL with `err` set. The account name is used as one path component and
 * must satisfy bc_account_name_valid(). */
char *bc_paths_account_dir(const char *account, GError **err);

/* mkdir -p with mode 0700 for every directory it creates; an existing
 * final directory is tightened to 0700. */
bool bc_mkdir_private(const char *path, GError **err);
/* Writes `len` bytes to `path` atomically (temp file + rename), mode 0600. */
bool bc_write_private(const char *path, const char *data, size_t len, GError **err);

#endif
