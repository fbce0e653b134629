/* SPDX-License-Identifier: GPL-3.0-or-later */
/* User settings: $XDG_CONFIG_HOME/backchat/config (INI). */
#ifndef BACKCHAT_CONFIG_H
#define BACKCHAT_CONFIG_H

#include <stdbool.h>
#include <glib.h>

/* Loads the config file; a missing file means defaults. A broken file
 * is reported in `err` and the defaults stay in force. */
bool bc_config_load(const char *path, GError **err);
void bc_config_free(void);
int bc_config_int(const char *group, const char *key, int def);
bool bc_config_bool(const char *group, const char *key, bool def);
/* Newly allocated, or a copy of `def`. */
char *bc_config_string(const char *group, const char *key, const char *def);

/* All group names in the config file (g_strfreev). */
char **bc_config_groups(void);
/* The keys of `group`, in file order (g_strfreev; empty if none). */
char **bc_config_keys(const char *group);
/* Sets `key` in `group` to `value` (NULL removes it), in memory and in
 * the file last loaded, which is rewritten atomically (a new file renamed
 * over it) keeping the user's comments. False with `err` if the file
 * cannot be written (memory is unchanged then). */
bool bc_config_write(const char *group, const char *key, const char *value, GError **err);

/* Loads an INI file into `kf`. On a syntax error the message reads
 * "PATH, line N: ..." so the user knows where to look. A missing file
 * fails with G_FILE_ERROR_NOENT. */
bool bc_keyfile_load(GKeyFile *kf, const char *path, GError **err);

#endif
