/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the control socket's defences (src/core/ctl.c): another
 * user is refused even when the socket's modes were loosened, and running
 * out of file descriptors pauses accepting instead of spinning the loop,
 * then serves the waiting client. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "backchat/ctl.h"
#include "backchat/loop.h"
#include "ctl_fixture.h"

/* ---- another user ------------------------------------------------------------ */

/* What a child that became another user saw; its exit status. */
enum {
    CHILD_REFUSED = 10,  /* closed without a byte: the uid check held */
    CHILD_SERVED,        /* got an answer: the command was taken */
    CHILD_NO_SETUID,     /* could not become another user */
    CHILD_NO_CONNECT,    /* the file system kept it out: nothing tested */
    CHILD_TIMEOUT,       /* neither an answer nor a close */
};

/* In the forked child: only plain system calls and _exit (no cmocka, no
 * glib, no atexit handlers of the parent's). */
static G_NORETURN void other_user_child(const char *path)
{
    static const uid_t ids[] = {65534, 1};
    bool dropped = false;
    if (setgroups(0, NULL) == 0)
        for (size_t i = 0; i < G_N_ELEMENTS(ids) && !dropped; i++)
            dropped = setgid(ids[i]) == 0 && setuid(ids[i]) == 0;
    if (!dropped || geteuid() == 0 || getuid() == 0)
        _exit(CHILD_NO_SETUID);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    g_strlcpy(sa.sun_path, path, sizeof sa.sun_path);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        _exit(CHILD_NO_CONNECT);
    static const char cmd[] = "/secret\n";
    ssize_t sent = send(fd, cmd, sizeof cmd - 1, MSG_NOSIGNAL);
    (void)sent; /* refused before it was read: EPIPE, and the read says so */
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (poll(&p, 1, 4000) > 0) {
        char buf[256];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n > 0)
            _exit(CHILD_SERVED);
        /* Closed with our line unread: EOF, or a reset on Linux. */
        if (n == 0 || errno == ECONNRESET)
            _exit(CHILD_REFUSED);
        if (errno != EINTR && errno != EAGAIN)
            break;
    }
    _exit(CHILD_TIMEOUT);
}

typedef struct {
    pid_t pid;
    int status;
    int64_t deadline;
    bool timed_out;
} child_wait;

static void poll_child(void *data)
{
    child_wait *w = data;
    if (waitpid(w->pid, &w->status, WNOHANG) == w->pid) {
        bc_loop_quit();
    } else if (bc_now_ms() > w->deadline) {
        kill(w->pid, SIGKILL);
        waitpid(w->pid, &w->status, 0);
        w->timed_out = true;
        bc_loop_quit();
    } else {
        bc_timer_add(5, poll_child, w);
    }
}

static void test_other_uid_is_refused(void **state)
{
    (void)state;
    start();
    fake.print = "ran\n";
    char *path = g_strdup(bc_ctl_path());
    char *dir = g_path_get_dirname(path);
    /* Loosened by mistake: another user can reach and connect to the
     * socket, so only the peer's uid keeps them out. */
    assert_int_equal(chmod(tmp, 0755), 0);
    assert_int_equal(chmod(runtime, 0755), 0);
    assert_int_equal(chmod(dir, 0755), 0);
    assert_int_equal(chmod(path, 0666), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        other_user_child(path);
    /* The server runs here while the child tries. */
    child_wait w = {.pid = pid, .deadline = bc_now_ms() + 6000};
    bc_timer_add(5, poll_child, &w);
    bc_loop_run();
    g_free(dir);
    g_free(path);
    assert_false(w.timed_out);
    assert_true(WIFEXITED(w.status));
    int got = WEXITSTATUS(w.status);
    if (got == CHILD_NO_SETUID) {
        print_message("cannot switch to another user id (run as root to test this)\n");
        skip();
    }
    if (got != CHILD_REFUSED)
        print_message("the other user's connection: %s\n",
                      got == CHILD_SERVED       ? "was served"
                      : got == CHILD_NO_CONNECT ? "could not connect (a private parent dir?)"
                      : got == CHILD_TIMEOUT    ? "was neither answered nor closed"
                                                : "the child failed");
    assert_int_equal(got, CHILD_REFUSED);
    assert_int_equal(fake.calls, 0);
    assert_int_equal(bc_ctl_clients(), 0);

    /* We are still served. */
    char *reply = exchange("/mine\n", 6);
    assert_string_equal(reply, "ran\nok\n");
    assert_string_equal(fake.last, "/mine");
    g_free(reply);
}

/* ---- running out of descriptors ---------------------------------------------- */

/* Descriptors taken to exhaust the limit, and the limit to restore; the
 * teardown releases them if a test fails half way. */
static struct {
    int *fds;
    size_t n;
    struct rlimit saved;
    bool lowered;
} fill;

static void release_fds(void)
{
    for (size_t i = 0; i < fill.n; i++)
        close(fill.fds[i]);
    g_clear_pointer(&fill.fds, g_free);
    fill.n = 0;
    if (fill.lowered)
        setrlimit(RLIMIT_NOFILE, &fill.saved);
    fill.lowered = false;
}

/* The highest descriptor open now (the sanitizers keep some too). */
static int max_open_fd(void)
{
    DIR *d = opendir("/proc/self/fd");
    assert_non_null(d);
    int max = -1;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            max = MAX(max, atoi(e->d_name));
    closedir(d);
    return max;
}

/* Lowers the limit a little above what is open and takes every free slot
 * below it, so the next accept() fails with EMFILE. */
static void exhaust_fds(void)
{
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &fill.saved), 0);
    struct rlimit low = fill.saved;
    low.rlim_cur = (rlim_t)max_open_fd() + 1 + 8;
    assert_true(low.rlim_cur <= fill.saved.rlim_cur);
    fill.fds = g_new(int, low.rlim_cur);
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
    fill.lowered = true;
    int fd;
    while ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
        fill.fds[fill.n++] = fd;
    assert_int_equal(errno, EMFILE);
    assert_true(fill.n >= 8);
}

static void on_quit(void *data)
{
    (void)data;
    bc_loop_quit();
}

static int64_t cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_accept_emfile_pauses_and_recovers(void **state)
{
    (void)state;
    start();
    /* Waits in the backlog: the server has no descriptor to accept it. */
    int fd = connect_to(bc_ctl_path());
    write_all(fd, "/emfile\n", 8);
    exhaust_fds();

    /* Longer than one pause: it resumes, fails again and pauses again. */
    const int64_t span = BC_CTL_ACCEPT_PAUSE_MS + 300;
    uint64_t turns = bc_loop_wakeups();
    int64_t cpu = cpu_ms(), t0 = bc_now_ms();
    bc_timer_add((unsigned)span, on_quit, NULL);
    bc_loop_run();
    turns = bc_loop_wakeups() - turns;
    cpu = cpu_ms() - cpu;
    assert_true(bc_now_ms() - t0 >= span);
    /* A loop spinning on the readable socket would make thousands of turns
     * and burn the whole span. */
    if (turns > 10 || cpu > span / 4)
        print_message("%llu loop turns, %lld ms of CPU in %lld ms\n",
                      (unsigned long long)turns, (long long)cpu, (long long)span);
    assert_true(turns <= 10);
    assert_true(cpu <= span / 4);
    /* Not served, not dropped: still waiting. */
    assert_int_equal(fake.calls, 0);
    assert_int_equal(bc_ctl_clients(), 0);
    char c;
    assert_int_equal(recv(fd, &c, 1, MSG_DONTWAIT), -1);
    assert_int_equal(errno, EAGAIN);

    /* Descriptors are back: served when the pause ends. */
    release_fds();
    t0 = bc_now_ms();
    char *reply = drive(fd);
    close(fd);
    assert_true(bc_now_ms() - t0 <= BC_CTL_ACCEPT_PAUSE_MS + 500);
    assert_string_equal(reply, "ok\n");
    assert_string_equal(fake.last, "/emfile");
    g_free(reply);

    /* And listening as before, without a pause. */
    t0 = bc_now_ms();
    reply = exchange("/next\n", 6);
    assert_true(bc_now_ms() - t0 < 500);
    assert_string_equal(reply, "ok\n");
    assert_int_equal(fake.calls, 2);
    g_free(reply);
}

int main(void)
{
    ctl_cleanup = release_fds;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_other_uid_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_accept_emfile_pauses_and_recovers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
