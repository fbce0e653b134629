/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command table: one row per /command with its arguments, completion,
 * help and handler. /help, completion and the man page all come from it. */
#ifndef BACKCHAT_CMD_H
#define BACKCHAT_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

typedef struct bc_args {
    int argc;
    char **argv;          /* argv[0] is the command name, without '/' */
    const char *line;     /* the whole input line */
    size_t *offsets;      /* byte offset of each word in `line` */
} bc_args;

/* The raw text from word `i` to the end of the line (quotes kept), or "". */
const char *bc_args_rest(const bc_args *a, int i);

typedef enum {
    BC_COMPLETE_NONE,
    BC_COMPLETE_JID,       /* known JIDs */
    BC_COMPLETE_COMMAND,   /* command names */
    BC_COMPLETE_ACCOUNT,   /* account names */
    BC_COMPLETE_WINDOW,    /* tab numbers, next, prev */
    BC_COMPLETE_TAB,       /* tab numbers only */
    BC_COMPLETE_GROUP,     /* roster group names */
    BC_COMPLETE_STATUS,    /* show words and status presets */
    BC_COMPLETE_NICK,      /* occupants of the current room */
    BC_COMPLETE_ROOM,      /* rooms: joined, bookmarked, invited to */
    BC_COMPLETE_TARGET,    /* announcement targets: roster groups, rooms, JIDs */
    BC_COMPLETE_LAYOUT,    /* saved layout names */
} bc_complete_kind;

typedef bool (*bc_cmd_fn)(const bc_args *a, GError **err);

typedef struct bc_cmd {
    const char *name;
    const char *synopsis;          /* "JID [text]" */
    const char *summary;           /* one line */
    const char *help;              /* paragraphs, '\n' separated */
    const char *const *subcommands;/* NULL-terminated first words, or NULL */
    bc_complete_kind complete;     /* what the first argument (or the one
                                      after a subcommand) completes to */
    int min_args, max_args;        /* words after the name; -1 = any */
    bc_cmd_fn fn;
} bc_cmd;

const bc_cmd *bc_cmd_table(size_t *n);
const bc_cmd *bc_cmd_find(const char *name);

/* Splits a line into words: whitespace separates, "double quotes" group
 * (with \" and \\ escapes inside). Returns false on an unterminated quote. */
bool bc_cmd_split(const char *line, bc_args *out, GError **err);
void bc_args_clear(bc_args *a);

/* Runs one line of input: "/cmd ..." runs a command ("//text" sends
 * "/text"); other text is sent to the current chat. Errors are shown in
 * the current tab with what to do. Returns false on error. */
bool bc_cmd_execute(const char *line);

/* Completion candidates for the word that ends at byte `cursor` of `line`.
 * Returns a NULL-terminated array (g_strfreev) and sets *word_start. */
char **bc_cmd_complete(const char *line, size_t cursor, size_t *word_start);

/* Sends `text` to call mode's back-channel (Alt-w) without changing the
 * focus; false (and the reason shown) when not in call mode or not sent. */
bool bc_cmd_whisper(const char *text);

/* Connects `acct` (making it the session's account and opening its log),
 * taking the password from the account, eval_password, or a prompt. */
struct bc_account;
bool bc_cmd_connect_account(struct bc_account *acct, GError **err);

#define BC_CMD_ERROR bc_cmd_error_quark()
GQuark bc_cmd_error_quark(void);

#endif
