/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The control socket: a running backchat listens on a UNIX socket so a
 * script (a softphone hook, a cron job) can run /commands in it:
 *   backchat remote /status dnd On a call
 *
 * Protocol: the client sends one line (at most BC_CTL_LINE_MAX bytes, then
 * "\n"). The line must be a /command: plain text is refused, so a stray
 * echo cannot send a chat message. The server runs it and answers with the
 * lines the command printed, then a last line "ok" or "error: MESSAGE",
 * and closes the connection.
 *
 * The socket is $XDG_RUNTIME_DIR/backchat/ACCOUNT.sock, or, without
 * XDG_RUNTIME_DIR, ${TMPDIR:-/tmp}/backchat-UID/ACCOUNT.sock. The directory
 * must be ours and 0700, the socket is 0600, and only clients with our
 * user id are served. */
#ifndef BACKCHAT_CTL_H
#define BACKCHAT_CTL_H

#include <stdbool.h>
#include <glib.h>

#define BC_CTL_LINE_MAX 4096
#define BC_CTL_MAX_CLIENTS 8
#define BC_CTL_IDLE_MS 5000
/* Out of descriptors or memory: accepting waits this long. */
#define BC_CTL_ACCEPT_PAUSE_MS 1000

#define BC_CTL_ERROR bc_ctl_error_quark()
GQuark bc_ctl_error_quark(void);

typedef enum {
    BC_CTL_ERROR_DIR,       /* the directory is unsafe or cannot be made */
    BC_CTL_ERROR_PATH,      /* bad account name, or the path is too long */
    BC_CTL_ERROR_BUSY,      /* another backchat listens on the account */
    BC_CTL_ERROR_IO,        /* socket errors, timeouts, a garbled answer */
    BC_CTL_ERROR_NOSERVER,  /* client: nobody listens there */
    BC_CTL_ERROR_COMMAND,   /* client: the command failed ("error: ...") */
} bc_ctl_error;

/* Runs one command line, appending what it printed to `out` (one line
 * each, "\n" ended). On failure returns false; the last line of `out` is
 * then the error message. */
typedef bool (*bc_ctl_run_fn)(const char *line, GString *out, void *data);

/* The directory for control sockets (see above); newly allocated. Read
 * from the environment at every call; nothing is created. */
char *bc_ctl_dir(void);
/* bc_ctl_dir()/ACCOUNT.sock, or NULL with `err` if the account name is not
 * valid or the path does not fit a socket address. Creates nothing. */
char *bc_ctl_socket_path(const char *account, GError **err);
/* Creates `dir` (mode 0700) if missing; refuses one that is not a real
 * directory, not ours, or open to group or others, saying what to do. */
bool bc_ctl_check_dir(const char *dir, GError **err);

/* Listens for `account` (needs bc_loop_init()). A stale socket left by a
 * process that died is replaced; if another backchat answers on it, fails
 * with BC_CTL_ERROR_BUSY and leaves it alone. */
bool bc_ctl_start(const char *account, bc_ctl_run_fn run, void *data, GError **err);
/* Closes the clients and the socket, and removes the socket file. */
void bc_ctl_stop(void);
/* The socket being listened on, or NULL. */
const char *bc_ctl_path(void);
/* How many clients are connected now. */
unsigned bc_ctl_clients(void);
/* Tests: drop a client that has not sent a whole line after `ms`
 * (default BC_CTL_IDLE_MS). */
void bc_ctl_set_idle_ms(unsigned ms);

/* Checks a received line: a /command, not "//text", valid UTF-8, no
 * control characters. False with the reason in `err`. */
bool bc_ctl_line_ok(const char *line, GError **err);

/* Client: sends `line` to the socket at `path` and waits up to
 * `timeout_ms` for the answer. The printed lines go to `out`. Returns true
 * on "ok"; otherwise false with `err`: BC_CTL_ERROR_NOSERVER when nothing
 * listens at `path`, BC_CTL_ERROR_COMMAND with the server's message when
 * the command failed, BC_CTL_ERROR_IO for anything else. Blocking: for
 * `backchat remote`, never inside the event loop. */
bool bc_ctl_request(const char *path, const char *line, int timeout_ms, GString *out,
                    GError **err);

#endif
