/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /editor and Alt-e: the message is composed in $VISUAL or $EDITOR. The
 * editor runs as a child while the loop goes on without reading the
 * terminal, so the connection is kept up (keepalives, incoming messages
 * received and logged); SIGCHLD through the loop's self-pipe says when it
 * is done. Nothing is drawn meanwhile: the editor owns the screen. */
#include "backchat/cmd.h"
#include "backchat/conv.h"
#include "backchat/loop.h"
#include "backchat/shortcuts.h"
#include "ui_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t editor_pid;
static char *editor_path;

bool bc_input_editor_running(void) { return editor_pid > 0; }

static void editor_resume(void)
{
    reset_prog_mode();
    bc_input_resume();
}

bool bc_editor_start(const char *text, GError **err)
{
    if (editor_pid > 0) {
        g_set_error(err, BC_CMD_ERROR, 1, "the editor is already running");
        return false;
    }
    const char *dir = g_getenv("XDG_RUNTIME_DIR");
    if (!dir || !*dir || !g_file_test(dir, G_FILE_TEST_IS_DIR))
        dir = "/tmp";
    char *path = g_build_filename(dir, "backchat-message-XXXXXX", NULL);
    int fd = g_mkstemp_full(path, O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        g_set_error(err, BC_CMD_ERROR, 1, "cannot create a file for the editor in %s (%s)",
                    dir, g_strerror(errno));
        g_free(path);
        return false;
    }
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(fd);
    const char *ed = g_getenv("VISUAL");
    if (!ed || !*ed)
        ed = g_getenv("EDITOR");
    if (!ed || !*ed)
        ed = "vi";
    /* Like git: the variable may hold arguments ("emacs -nw"). */
    char *script = g_strdup_printf("%s \"$1\"", ed);
    bc_input_suspend();
    def_prog_mode();
    endwin();
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        execl("/bin/sh", "sh", "-c", script, "sh", path, (char *)NULL);
        _exit(127);
    }
    g_free(script);
    if (pid < 0) {
        int e = errno;
        unlink(path);
        g_free(path);
        editor_resume();
        g_set_error(err, BC_CMD_ERROR, 1, "cannot start the editor (%s)", g_strerror(e));
        return false;
    }
    editor_pid = pid;
    editor_path = path;
    return true;
}

static void on_child(int signo, void *data)
{
    int st = 0;
    if (editor_pid <= 0 || waitpid(editor_pid, &st, WNOHANG) != editor_pid)
        return; /* another child, or the editor is still running */
    editor_pid = 0;
    editor_resume();
    char *text = NULL;
    gsize len = 0;
    bool ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
    if (!ok) {
        bc_error("The editor failed (%s %d): the input line is unchanged. Set $VISUAL or "
                 "$EDITOR to an editor that works.",
                 WIFEXITED(st) ? "exit status" : "signal",
                 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
    } else if (!g_file_get_contents(editor_path, &text, &len, NULL)) {
        bc_error("Cannot read back the editor's file %s.", editor_path);
    } else {
        /* One line of the input, newlines kept; invalid UTF-8 and control
         * characters other than newline and tab go. */
        char *valid = g_utf8_make_valid(text, (gssize)len);
        GString *clean = g_string_new(NULL);
        for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
            gunichar u = g_utf8_get_char(p);
            if (u == '\n' || u == '\t' || (u >= 0x20 && u != 0x7f && !(u >= 0x80 && u < 0xa0)))
                g_string_append_unichar(clean, u);
        }
        while (clean->len && clean->str[clean->len - 1] == '\n')
            g_string_truncate(clean, clean->len - 1);
        bc_input_set_text(clean->str);
        g_string_free(clean, TRUE);
        g_free(valid);
    }
    g_free(text);
    unlink(editor_path);
    g_clear_pointer(&editor_path, g_free);
}

void bc_editor_init(void)
{
    static bool child_watch;
    if (!child_watch)
        bc_loop_on_signal(SIGCHLD, on_child, NULL);
    child_watch = true;
    bc_editor_set(bc_editor_start);
}

void bc_editor_shutdown(void)
{
    bc_editor_set(NULL);
    if (editor_pid > 0) {
        /* Quitting with the editor open: it goes too, and so does its file. */
        kill(editor_pid, SIGHUP);
        editor_pid = 0;
    }
    if (editor_path)
        unlink(editor_path);
    g_clear_pointer(&editor_path, g_free);
}
