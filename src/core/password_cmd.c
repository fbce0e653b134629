/* SPDX-License-Identifier: GPL-3.0-or-later */
/* eval_password, run beside the loop: its output is read through a loop
 * watch, its exit polled by a short timer (SIGCHLD belongs to /editor),
 * and a command that hangs (a passphrase prompt nobody can see) is killed
 * with its whole process group after the timeout. */
#include "backchat/account.h"
#include "backchat/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ACCOUNT_ERROR g_quark_from_static_string("bc-account-error")
/* A password is one line; more than this is not a password command. */
#define MAX_OUTPUT 65536
#define REAP_POLL_MS 20

typedef struct {
    GPid pid;
    int fd;
    GString *out;
    char *cmd;
    unsigned timeout_id, reap_id;
    unsigned timeout_ms;
    bool killed;
    bc_password_cb cb;
    void *data;
} run;

static void wipe_out(run *r)
{
    memset(r->out->str, 0, r->out->allocated_len);
    g_string_free(r->out, TRUE);
}

static void close_out(run *r)
{
    if (r->fd >= 0) {
        bc_loop_unwatch(r->fd);
        close(r->fd);
        r->fd = -1;
    }
}

static void finish(run *r, int status)
{
    char *pw = NULL, *error = NULL;
    if (r->killed) {
        error = g_strdup_printf("eval_password (%s) was still running after %u s and was "
                                "stopped; check that it does not wait for input",
                                r->cmd, (r->timeout_ms + 999) / 1000);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        error = g_strdup_printf("eval_password command failed (%s)", r->cmd);
    } else {
        size_t n = strcspn(r->out->str, "\r\n");
        if (n == 0)
            error = g_strdup("eval_password command printed nothing");
        else
            pw = g_strndup(r->out->str, n);
    }
    bc_password_cb cb = r->cb;
    void *data = r->data;
    wipe_out(r);
    g_free(r->cmd);
    g_free(r);
    cb(pw, error, data);
    g_free(error);
}

static void reap(void *p)
{
    run *r = p;
    r->reap_id = 0;
    int status = 0;
    pid_t w;
    do
        w = waitpid(r->pid, &status, WNOHANG);
    while (w < 0 && errno == EINTR);
    if (w == 0) { /* output closed, not gone yet */
        r->reap_id = bc_timer_add(REAP_POLL_MS, reap, r);
        return;
    }
    bc_timer_cancel(r->timeout_id);
    g_spawn_close_pid(r->pid);
    finish(r, w == r->pid ? status : -1);
}

static void on_timeout(void *p)
{
    run *r = p;
    r->timeout_id = 0;
    r->killed = true;
    kill(-r->pid, SIGKILL); /* the shell and what it started */
    kill(r->pid, SIGKILL);
    close_out(r);
    if (!r->reap_id)
        reap(r);
}

static void on_output(int fd, short revents, void *p)
{
    run *r = p;
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) {
            if (r->out->len < MAX_OUTPUT)
                g_string_append_len(r->out, buf, MIN((size_t)n, MAX_OUTPUT - r->out->len));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN && !(revents & (POLLHUP | POLLERR)))
            return; /* more later */
        break; /* end of output (or an error) */
    }
    memset(buf, 0, sizeof buf);
    close_out(r);
    if (!r->reap_id)
        reap(r);
}

static void child_setup(gpointer unused)
{
    (void)unused;
    setpgid(0, 0); /* its own group, so a timeout stops all of it */
}

bool bc_account_eval_password(const bc_account *acct, unsigned timeout_ms,
                              bc_password_cb cb, void *data, GError **err)
{
    g_return_val_if_fail(acct && cb, false);
    if (!acct->eval_password) {
        g_set_error(err, ACCOUNT_ERROR, 1, "no eval_password set");
        return false;
    }
    const char *argv[] = {"/bin/sh", "-c", acct->eval_password, NULL};
    GPid pid;
    int out_fd = -1;
    /* Not the terminal as stdin: it is in raw mode and owned by the UI. */
    if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL |
                                      G_SPAWN_STDERR_TO_DEV_NULL,
                                  child_setup, NULL, &pid, NULL, &out_fd, NULL, err))
        return false;
    fcntl(out_fd, F_SETFL, fcntl(out_fd, F_GETFL) | O_NONBLOCK);
    fcntl(out_fd, F_SETFD, FD_CLOEXEC);
    run *r = g_new0(run, 1);
    r->pid = pid;
    r->fd = out_fd;
    r->out = g_string_new(NULL);
    r->cmd = g_strdup(acct->eval_password);
    r->timeout_ms = timeout_ms;
    r->cb = cb;
    r->data = data;
    r->timeout_id = bc_timer_add(timeout_ms, on_timeout, r);
    bc_loop_watch(out_fd, POLLIN, on_output, r);
    return true;
}
