/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The control socket: `backchat remote` and scripts run /commands in a
 * running backchat. Server side in the event loop (never blocking it),
 * client side for the shell. */
#include "backchat/ctl.h"
#include "backchat/account.h"
#include "backchat/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

G_DEFINE_QUARK(bc-ctl-error-quark, bc_ctl_error)

/* An answer bigger than this is cut (a command printing a whole roster
 * still fits). */
#define REPLY_MAX (1024 * 1024)

typedef struct {
    int fd;
    GString *in;      /* what the client sent so far */
    GString *out;     /* the answer */
    size_t sent;
    unsigned timer;
    bool answered;
} client;

static struct {
    int fd;
    char *path;
    dev_t dev;
    ino_t ino;        /* of our socket file: only ours is removed */
    bc_ctl_run_fn run;
    void *data;
    GPtrArray *clients;
    client *running;  /* the client whose command runs now */
    unsigned pause;   /* accepting paused (out of descriptors): its timer */
} srv = {.fd = -1};

static unsigned idle_ms = BC_CTL_IDLE_MS;

void bc_ctl_set_idle_ms(unsigned ms) { idle_ms = ms ? ms : BC_CTL_IDLE_MS; }

/* ---- paths --------------------------------------------------------------- */

char *bc_ctl_dir(void)
{
    const char *rt = g_getenv("XDG_RUNTIME_DIR");
    if (rt && rt[0] == '/')
        return g_build_filename(rt, "backchat", NULL);
    /* No runtime dir (a cron job, su): a per-user directory in /tmp, as
     * tmux and ssh-agent do; bc_ctl_check_dir refuses one planted by
     * another user. */
    const char *tmp = g_getenv("TMPDIR");
    if (!tmp || tmp[0] != '/')
        tmp = "/tmp";
    char name[40];
    g_snprintf(name, sizeof name, "backchat-%lu", (unsigned long)geteuid());
    return g_build_filename(tmp, name, NULL);
}

char *bc_ctl_socket_path(const char *account, GError **err)
{
    if (!bc_account_name_valid(account)) {
        g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_PATH,
                    "\"%s\" is not an account name (letters, digits, . _ -)",
                    account ? account : "");
        return NULL;
    }
    char *dir = bc_ctl_dir();
    char *file = g_strconcat(account, ".sock", NULL);
    char *path = g_build_filename(dir, file, NULL);
    g_free(file);
    g_free(dir);
    struct sockaddr_un sa;
    if (strlen(path) >= sizeof sa.sun_path) {
        g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_PATH,
                    "the control socket path %s is too long for a socket (at most %zu"
                    " bytes); point XDG_RUNTIME_DIR at a shorter directory",
                    path, sizeof sa.sun_path - 1);
        g_free(path);
        return NULL;
    }
    return path;
}

bool bc_ctl_check_dir(const char *dir, GError **err)
{
    struct stat st;
    if (lstat(dir, &st) != 0) {
        int e = errno;
        if (e != ENOENT || (mkdir(dir, 0700) != 0 && errno != EEXIST)) {
            e = e != ENOENT ? e : errno;
            g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_DIR,
                        "cannot create the control socket directory %s: %s", dir,
                        g_strerror(e));
            return false;
        }
        if (lstat(dir, &st) != 0) {
            e = errno;
            g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_DIR, "cannot use %s: %s", dir,
                        g_strerror(e));
            return false;
        }
        /* Made by us just now: exactly 0700 whatever the umask. */
        if (S_ISDIR(st.st_mode) && st.st_uid == geteuid() && (st.st_mode & 0777) != 0700 &&
            chmod(dir, 0700) == 0)
            st.st_mode = (st.st_mode & ~(mode_t)0777) | 0700;
    }
    if (!S_ISDIR(st.st_mode)) {
        g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_DIR,
                    "%s is not a directory (a file or a symbolic link); remove it so backchat"
                    " can make its control socket directory there", dir);
        return false;
    }
    if (st.st_uid != geteuid()) {
        g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_DIR,
                    "%s belongs to user id %lu, not to you (%lu), so another user could"
                    " read or replace the control socket; remove it, or set XDG_RUNTIME_DIR"
                    " to a directory of your own",
                    dir, (unsigned long)st.st_uid, (unsigned long)geteuid());
        return false;
    }
    if (st.st_mode & 077) {
        g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_DIR,
                    "%s is open to other users (mode %03o); make it private with"
                    " chmod 700 %s", dir, (unsigned)(st.st_mode & 0777), dir);
        return false;
    }
    return true;
}

/* ---- lines --------------------------------------------------------------- */

bool bc_ctl_line_ok(const char *line, GError **err)
{
    const char *why = NULL;
    size_t len = strlen(line);
    if (len > BC_CTL_LINE_MAX)
        why = "the command is longer than 4096 bytes";
    else if (!g_utf8_validate(line, (gssize)len, NULL))
        why = "the command is not valid UTF-8";
    else if (line[0] != '/')
        why = "commands start with / (to send a message, use /msg JID TEXT)";
    else if (line[1] == '/')
        why = "//TEXT would go to whatever tab is open; send a message with /msg JID TEXT";
    for (const char *p = line; !why && *p; p++)
        if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
            why = "the command contains control characters";
    if (why)
        g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_COMMAND, "%s", why);
    return why == NULL;
}

/* ---- server -------------------------------------------------------------- */

static void client_free(client *c)
{
    bc_loop_unwatch(c->fd);
    close(c->fd);
    bc_timer_cancel(c->timer);
    g_string_free(c->in, TRUE);
    g_string_free(c->out, TRUE);
    g_ptr_array_remove_fast(srv.clients, c);
    g_free(c);
}

static void on_idle(void *data)
{
    client *c = data;
    c->timer = 0;
    client_free(c);
}

/* Writes what it can; true when all is written or the client is gone. */
static bool flush(client *c)
{
    while (c->sent < c->out->len) {
        ssize_t n = send(c->fd, c->out->str + c->sent, c->out->len - c->sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return false;
        if (n <= 0)
            return true; /* gone: nobody to tell */
        c->sent += (size_t)n;
    }
    return true;
}

static void on_client(int fd, short revents, void *data);

/* Starts sending the answer; the client goes when it is written. */
static void answer(client *c)
{
    c->answered = true;
    bc_timer_cancel(c->timer);
    /* A client that does not read the answer is dropped too. */
    c->timer = bc_timer_add(idle_ms, on_idle, c);
    if (flush(c))
        client_free(c);
    else
        bc_loop_watch(c->fd, POLLOUT, on_client, c);
}

static void answer_error(client *c, const char *msg)
{
    g_string_append_printf(c->out, "error: %s\n", msg);
    answer(c);
}

static void run_line(client *c, const char *line)
{
    GError *e = NULL;
    if (!bc_ctl_line_ok(line, &e)) {
        answer_error(c, e->message);
        g_error_free(e);
        return;
    }
    GString *out = g_string_new(NULL);
    srv.running = c;
    bool ok = srv.run(line, out, srv.data);
    srv.running = NULL;
    if (srv.fd < 0) {
        /* The command stopped the control socket: nobody to answer. */
        g_string_free(out, TRUE);
        g_string_free(c->in, TRUE);
        g_string_free(c->out, TRUE);
        close(c->fd);
        g_free(c);
        return;
    }
    if (out->len > REPLY_MAX)
        g_string_truncate(out, REPLY_MAX);
    if (out->len && out->str[out->len - 1] != '\n')
        g_string_append_c(out, '\n');
    if (ok) {
        g_string_append(c->out, out->str);
        g_string_append(c->out, "ok\n");
    } else {
        /* The last line printed is the error: said once, as the status. */
        char *msg = NULL;
        if (out->len) {
            g_string_truncate(out, out->len - 1);
            const char *nl = strrchr(out->str, '\n');
            size_t start = nl ? (size_t)(nl - out->str) + 1 : 0;
            msg = g_strdup(out->str + start);
            g_string_truncate(out, start);
        }
        g_string_append(c->out, out->str);
        g_string_append_printf(c->out, "error: %s\n",
                               msg && *msg ? msg : "the command failed and said nothing");
        g_free(msg);
    }
    g_string_free(out, TRUE);
    answer(c);
}

static void on_client(int fd, short revents, void *data)
{
    client *c = data;
    if (c->answered) {
        if ((revents & POLLOUT) && !flush(c))
            return;
        client_free(c);
        return;
    }
    bool eof = false;
    char buf[1024];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n <= 0) {
            eof = true;
            break;
        }
        g_string_append_len(c->in, buf, n);
        if (c->in->len > BC_CTL_LINE_MAX + 2 || memchr(buf, '\n', (size_t)n))
            break;
    }
    char *nl = memchr(c->in->str, '\n', c->in->len);
    size_t len = nl ? (size_t)(nl - c->in->str) : c->in->len;
    if (nl && len && c->in->str[len - 1] == '\r')
        len--;
    if (len > BC_CTL_LINE_MAX) {
        answer_error(c, "the command is longer than 4096 bytes; send one command of at most"
                        " 4096 bytes per connection");
    } else if (!nl && !eof) {
        if (revents & (POLLERR | POLLNVAL))
            client_free(c);
        /* else: wait for the rest of the line */
    } else if (memchr(c->in->str, '\0', len)) {
        answer_error(c, "the command contains a NUL byte");
    } else if (len) {
        /* A last line without "\n" still counts (printf '%s' | socat). */
        char *line = g_strndup(c->in->str, len);
        run_line(c, line);
        g_free(line);
    } else if (nl) {
        answer_error(c, "empty command: send one /command and a newline");
    } else {
        client_free(c); /* closed without a command (e.g. a liveness probe) */
    }
}

static void resume_listen(void *data)
{
    srv.pause = 0;
    if (srv.fd >= 0)
        bc_loop_set_events(srv.fd, POLLIN);
}

static void on_listen(int fd, short revents, void *data)
{
    for (int i = 0; i < 2 * BC_CTL_MAX_CLIENTS; i++) {
        int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* Out of descriptors or memory, the socket still
                 * readable: without a pause poll() would spin. */
                bc_loop_set_events(fd, 0);
                if (!srv.pause)
                    srv.pause = bc_timer_add(BC_CTL_ACCEPT_PAUSE_MS, resume_listen, NULL);
            }
            return;
        }
        /* The socket is 0600 in a 0700 directory; this is the second lock. */
        struct ucred cr;
        socklen_t len = sizeof cr;
        if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0 || cr.uid != geteuid()) {
            close(cfd);
            continue;
        }
        if (srv.clients->len >= BC_CTL_MAX_CLIENTS) {
            static const char busy[] =
                "error: too many control connections at once; try again in a moment\n";
            ssize_t n = send(cfd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            (void)n; /* best effort: the client sees a closed connection anyway */
            close(cfd);
            continue;
        }
        client *c = g_new0(client, 1);
        c->fd = cfd;
        c->in = g_string_new(NULL);
        c->out = g_string_new(NULL);
        c->timer = bc_timer_add(idle_ms, on_idle, c);
        g_ptr_array_add(srv.clients, c);
        bc_loop_watch(cfd, POLLIN, on_client, c);
    }
}

static void set_sockaddr(struct sockaddr_un *sa, const char *path)
{
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    g_strlcpy(sa->sun_path, path, sizeof sa->sun_path);
}

/* Is a backchat answering at `path`? 1 yes, 0 no (stale or gone). */
static int probe(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return 1; /* cannot tell: do not remove anything */
    struct sockaddr_un sa;
    set_sockaddr(&sa, path);
    int r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
    int e = errno;
    close(fd);
    if (r == 0 || e == EAGAIN || e == EINPROGRESS)
        return 1; /* EAGAIN: a listener with a full backlog */
    return e == ECONNREFUSED || e == ENOENT ? 0 : 1;
}

bool bc_ctl_start(const char *account, bc_ctl_run_fn run, void *data, GError **err)
{
    if (srv.fd >= 0) {
        g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_BUSY, "the control socket %s is open already",
                    srv.path);
        return false;
    }
    char *path = bc_ctl_socket_path(account, err);
    if (!path)
        return false;
    char *dir = g_path_get_dirname(path);
    bool dir_ok = bc_ctl_check_dir(dir, err);
    g_free(dir);
    if (!dir_ok) {
        g_free(path);
        return false;
    }
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_PATH,
                        "%s is in the way of the control socket (not a socket); remove it",
                        path);
            g_free(path);
            return false;
        }
        if (probe(path)) {
            g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_BUSY,
                        "another backchat is running for account %s (it answers on %s)",
                        account, path);
            g_free(path);
            return false;
        }
        unlink(path); /* left by a backchat that ended without cleaning up */
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_un sa;
    set_sockaddr(&sa, path);
    /* 0600 from the start: no moment when others could connect. */
    mode_t old = umask(0177);
    bool ok = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    umask(old);
    ok = ok && chmod(path, 0600) == 0 && lstat(path, &st) == 0 &&
         listen(fd, 2 * BC_CTL_MAX_CLIENTS) == 0;
    if (!ok) {
        int e = errno;
        g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_IO, "cannot listen on %s: %s", path,
                    g_strerror(e));
        if (fd >= 0) {
            close(fd);
            unlink(path);
        }
        g_free(path);
        return false;
    }
    srv.fd = fd;
    srv.path = path;
    srv.dev = st.st_dev;
    srv.ino = st.st_ino;
    srv.run = run;
    srv.data = data;
    srv.clients = g_ptr_array_new();
    bc_loop_watch(fd, POLLIN, on_listen, NULL);
    return true;
}

void bc_ctl_stop(void)
{
    if (srv.fd < 0)
        return;
    while (srv.clients->len) {
        client *c = srv.clients->pdata[srv.clients->len - 1];
        if (c == srv.running) {
            /* Freed by run_line when the command returns. */
            g_ptr_array_remove_fast(srv.clients, c);
            bc_loop_unwatch(c->fd);
            bc_timer_cancel(c->timer);
            continue;
        }
        client_free(c);
    }
    g_ptr_array_free(srv.clients, TRUE);
    srv.clients = NULL;
    bc_timer_cancel(srv.pause);
    srv.pause = 0;
    bc_loop_unwatch(srv.fd);
    close(srv.fd);
    srv.fd = -1;
    struct stat st;
    if (lstat(srv.path, &st) == 0 && st.st_dev == srv.dev && st.st_ino == srv.ino)
        unlink(srv.path);
    g_clear_pointer(&srv.path, g_free);
}

const char *bc_ctl_path(void) { return srv.fd >= 0 ? srv.path : NULL; }

unsigned bc_ctl_clients(void) { return srv.clients ? srv.clients->len : 0; }

/* ---- client -------------------------------------------------------------- */

/* Waits for `events` on `fd` until `deadline` (bc_now_ms); false on timeout. */
static bool wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - bc_now_ms();
        if (left <= 0)
            return false;
        struct pollfd p = {.fd = fd, .events = events};
        int r = poll(&p, 1, (int)MIN(left, 60000));
        if (r > 0)
            return true;
        if (r < 0 && errno != EINTR)
            return true; /* let the read or write report it */
    }
}

bool bc_ctl_request(const char *path, const char *line, int timeout_ms, GString *out,
                    GError **err)
{
    struct sockaddr_un sa;
    if (strlen(path) >= sizeof sa.sun_path) {
        g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_IO, "the socket path %s is too long", path);
        return false;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        int e = errno;
        g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_IO, "cannot make a socket: %s",
                    g_strerror(e));
        return false;
    }
    set_sockaddr(&sa, path);
    int64_t deadline = bc_now_ms() + timeout_ms;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 && errno != EINPROGRESS &&
        errno != EAGAIN) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_NOSERVER, "no control socket at %s",
                        path);
        else if (e == ECONNREFUSED)
            g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_NOSERVER,
                        "the control socket %s was left by a backchat that has ended", path);
        else
            g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_IO, "cannot connect to %s: %s", path,
                        g_strerror(e));
        close(fd);
        return false;
    }
    GString *msg = g_string_new(line);
    g_string_append_c(msg, '\n');
    size_t off = 0;
    bool ok = true;
    bool sending = true;
    while (ok && sending && off < msg->len) {
        ssize_t n = send(fd, msg->str + off, msg->len - off, MSG_NOSIGNAL);
        if (n > 0)
            off += (size_t)n;
        else if (n < 0 && (errno == EAGAIN || errno == EINTR))
            ok = wait_fd(fd, POLLOUT, deadline);
        else
            sending = false; /* refused early (too long): its answer says why */
    }
    g_string_truncate(msg, 0);
    bool eof = false;
    while (ok && !eof) {
        char buf[4096];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n > 0 && msg->len < REPLY_MAX + 4096)
            g_string_append_len(msg, buf, n);
        else if (n == 0)
            eof = true;
        else if (n < 0 && (errno == EAGAIN || errno == EINTR))
            ok = wait_fd(fd, POLLIN, deadline);
        else if (n < 0)
            eof = true; /* ECONNRESET: judge what arrived */
    }
    close(fd);
    if (!ok) {
        g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_IO,
                    "backchat did not answer within %d s (is it stuck?)", timeout_ms / 1000);
        g_string_free(msg, TRUE);
        return false;
    }
    /* The last line is the status; the ones before are the output. */
    while (msg->len && msg->str[msg->len - 1] == '\n')
        g_string_truncate(msg, msg->len - 1);
    const char *nl = strrchr(msg->str, '\n');
    size_t start = nl ? (size_t)(nl - msg->str) + 1 : 0;
    const char *status = msg->str + start;
    bool done = false;
    if (strcmp(status, "ok") == 0) {
        done = true;
    } else if (g_str_has_prefix(status, "error: ")) {
        g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_COMMAND, "%s", status + strlen("error: "));
    } else {
        g_set_error(err, BC_CTL_ERROR, BC_CTL_ERROR_IO,
                    "backchat at %s closed the connection without an answer", path);
        start = 0;
        msg->len = 0;
    }
    if (out && start)
        g_string_append_len(out, msg->str, (gssize)start);
    g_string_free(msg, TRUE);
    return done;
}
