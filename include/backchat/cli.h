/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shell subcommands that work on the local log without starting the UI:
 *   backchat export [--account NAME] [--since D] [--until D]
 *                   [--format text|jsonl|csv] [JID] FILE|-
 *   backchat stats [--account NAME] [--since D]
 *   backchat verify-logs [--account NAME]
 *   backchat search [--account NAME] [--limit N] QUERY...
 *   backchat remote [--account NAME] /COMMAND...  (through the control
 *   socket, see ctl.h; exit 0 ok, 1 failed, 2 nothing running, 64 usage)
 * Each log command opens the account's log read-only (a running backchat
 * may have it open); each has --help. */
#ifndef BACKCHAT_CLI_H
#define BACKCHAT_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "backchat/store.h"

enum {
    BC_CLI_OK = 0,
    BC_CLI_FAILED = 1,   /* verification failed, or a runtime error */
    BC_CLI_USAGE = 2,    /* bad options or arguments */
    BC_CLI_CONFIG = 3,   /* no such account, or no log for it */
};

/* Exit codes of `backchat remote` (64 is EX_USAGE of sysexits.h). */
enum {
    BC_CLI_REMOTE_FAILED = 1,      /* the command failed */
    BC_CLI_REMOTE_NOT_RUNNING = 2, /* no backchat listens for the account */
    BC_CLI_REMOTE_USAGE = 64,
};

/* True if `word` (argv[1]) names one of the subcommands. */
bool bc_cli_is_command(const char *word);

/* Runs the subcommand argv[1] (argv[0] is the program name) and returns
 * the exit code. Output goes to stdout, messages to stderr. */
int bc_cli_main(int argc, char **argv);

/* The same with the output streams given (tests). */
int bc_cli_run(int argc, char **argv, FILE *out, FILE *errout);

/* `backchat remote`: `args` (char*) joined with spaces is sent to the
 * backchat of `account` (NULL: the default account). Returns the exit code. */
int bc_cli_remote(const char *account, bool help, GPtrArray *args, FILE *out, FILE *err);

/* Shared with the /export and /stats commands. */
/* Writes an export of `conv` (NULL: all) to `file`: created 0600 under a
 * temporary name and renamed when complete. Returns the rows written, or
 * -1 with `err` (nothing left behind). */
int64_t bc_cli_export_file(bc_store *st, const char *conv, int64_t since, int64_t until,
                           bc_export_format fmt, const char *file, GError **err);
/* The report of `backchat stats`. */
void bc_cli_print_stats(const bc_stats *s, FILE *out);

#endif
