/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Typing faster: key bindings (/bind, the [keys] group of the config),
 * canned responses (/canned, the [canned] group) and the external editor
 * (/editor). Implemented in src/cmd/cmd_input.c. */
#ifndef BACKCHAT_SHORTCUTS_H
#define BACKCHAT_SHORTCUTS_H

#include <stdbool.h>
#include <glib.h>

/* The key names /bind takes: M-x (Alt and a printable ASCII character),
 * C-x (Ctrl and a letter; not C-i, C-j, C-m: Tab and Enter), F1..F12.
 * Sets *canon to the name as backchat writes it ("f7" -> "F7", "C-X" ->
 * "C-x"); false with `err` saying which names work. */
bool bc_key_parse(const char *name, char **canon, GError **err);

/* Reads the [keys] group of the config; bad names are reported in the
 * console (and ignored). */
void bc_keys_load(void);
void bc_keys_free(void);
/* The command bound to key `canon`, or NULL. */
const char *bc_key_binding(const char *canon);
/* Runs the binding of `canon` through bc_cmd_execute(); false if the key
 * has none. */
bool bc_key_run(const char *canon);

/* The text of canned response `name`, or NULL (g_free). */
char *bc_canned_get(const char *name);
/* Completion of a word starting with ':' typed in a conversation:
 * ":name" exactly, or the start of only one name, expands to its text;
 * else the ":name"s it starts (g_strfreev; empty if none). */
char **bc_canned_complete(const char *word);

/* The terminal side of /editor: runs $VISUAL/$EDITOR on `text` and puts
 * the result in the input line. Set by the UI. */
typedef bool (*bc_editor_fn)(const char *text, GError **err);
void bc_editor_set(bc_editor_fn fn);

#endif
