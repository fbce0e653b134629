/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Keys: our bindings (tabs, scrolling, redraw) first, everything else to
 * GNU readline in callback mode, drawn inside the ncurses input line. */
#include "backchat/announce.h"
#include "backchat/chatstate.h"
#include "backchat/cmd.h"
#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/hotlist.h"
#include "backchat/loop.h"
#include "backchat/muc.h"
#include "backchat/occupants.h"
#include "backchat/paths.h"
#include "backchat/roster.h"
#include "backchat/searchview.h"
#include "backchat/session.h"
#include "backchat/shortcuts.h"
#include "backchat/status.h"
#include "backchat/wrap.h"
#include "ui_internal.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <readline/history.h>
#include <readline/readline.h>

/* Bytes waiting for readline; it pulls them through rl_getc_function. */
static unsigned char queue[4096];
static size_t q_head, q_len;
static FILE *devnull;
static int key_alt_left, key_alt_right, key_alt_up, key_alt_down;

/* Bracketed paste: the terminal wraps pasted text in these, which we
 * teach ncurses as two keys of our own. */
#define KEY_PASTE_BEGIN (KEY_MAX + 1)
#define KEY_PASTE_END (KEY_MAX + 2)
static GString *paste;     /* the text of a paste in progress, or NULL */
static char *question;     /* "Send 12 lines? ..." for the status line */

static void paste_mode(bool on)
{
    const char *seq = on ? "\033[?2004h" : "\033[?2004l";
    ssize_t r = write(STDOUT_FILENO, seq, strlen(seq));
    (void)r; /* a terminal that is gone needs no mode */
}

const char *bc_input_question(void) { return question; }

static void set_question(char *q)
{
    g_free(question);
    question = q;
    bc_dirty(BC_DIRTY_TABS);
}

static void q_push(const char *bytes, size_t n)
{
    for (size_t i = 0; i < n && q_len < sizeof queue; i++)
        queue[(q_head + q_len++) % sizeof queue] = (unsigned char)bytes[i];
}

static int q_getc(FILE *f)
{
    (void)f;
    if (q_len == 0)
        return EOF;
    int c = queue[q_head];
    q_head = (q_head + 1) % sizeof queue;
    q_len--;
    return c;
}

static int q_available(void) { return q_len > 0; }
static void noop_prep(int meta) { (void)meta; }
static void noop_deprep(void) {}
static void mark_input(void)
{
    bc_dirty(BC_DIRTY_INPUT);
    /* A changed chat line is typing: "composing" (XEP-0085). */
    bc_chatstate_typed(bc_conv_current(), rl_line_buffer);
}

static char *history_path;

/* Lines that carry a secret never reach the history file. */
static bool keep_in_history(const char *line)
{
    if (!*line)
        return false;
    char **w = g_strsplit_set(line, " \t", 5);
    bool secret = w[0] && w[1] && w[2] && w[3] && strcmp(w[0], "/account") == 0 &&
                  strcmp(w[1], "set") == 0 && strcmp(w[3], "password") == 0;
    g_strfreev(w);
    return !secret;
}

static void on_line(char *line)
{
    if (!line) {
        /* EOF from readline (Ctrl-D on an empty line): ignore, stay up. */
        rl_callback_handler_install("", on_line);
        return;
    }
    if (question)
        set_question(NULL); /* Enter answers "send these lines?" */
    if (bc_prompt_pending()) {
        bc_prompt_answer(line);
        memset(line, 0, strlen(line));
        free(line);
        return;
    }
    bc_conv *before = bc_conv_current();
    if (!*line && before && before->type == BC_CONV_SEARCH) {
        /* Enter in a search tab opens the selected result. */
        GError *err = NULL;
        if (!bc_search_open_selected(before, &err)) {
            bc_error("%s", err ? err->message : "cannot open that result");
            g_clear_error(&err);
        }
        free(line);
        bc_dirty(BC_DIRTY_ALL);
        return;
    }
    if (keep_in_history(line))
        add_history(line);
    /* A switch or scroll by command returns to the bottom of the new view. */
    bc_cmd_execute(line);
    bc_conv *after = bc_conv_current();
    if (after && after == before && line[0] != '/') {
        if (bc_find_active(after))
            bc_find_clear(after); /* back to the conversation as it is now */
        else if (after->scroll > 0 || after->more_newer)
            bc_conv_scroll(after, -1000000);
    }
    free(line);
    bc_dirty(BC_DIRTY_ALL);
}

/* Readline completion: our command table decides the candidates. */
static char **cands;
static size_t cand_i;

static char *cand_gen(const char *text, int state)
{
    (void)text;
    if (state == 0)
        cand_i = 0;
    if (!cands || !cands[cand_i])
        return NULL;
    return strdup(cands[cand_i++]);
}

static char **complete(const char *text, int start, int end)
{
    rl_attempted_completion_over = 1;
    size_t ws;
    g_strfreev(cands);
    cands = bc_cmd_complete(rl_line_buffer, (size_t)rl_point, &ws);
    if (!cands[0])
        return NULL;
    return rl_completion_matches(text, cand_gen);
}

static void show_matches(char **matches, int num, int max_len)
{
    GString *s = g_string_new(NULL);
    for (int i = 1; i <= num; i++)
        g_string_append_printf(s, "%s%s", i > 1 ? "  " : "", matches[i]);
    bc_info("%s", s->str);
    g_string_free(s, TRUE);
}

static void switch_tab(size_t i)
{
    if (i < bc_conv_count())
        bc_conv_select(i);
}

static void scroll_page(int dir)
{
    bc_conv *c = bc_conv_current();
    if (c && c->type == BC_CONV_SEARCH) {
        bc_search_move(c, -dir * bc_search_page());
        return;
    }
    if (c && c->type == BC_CONV_BOARD) {
        /* A board scrolls from the top: PgUp goes up. */
        bc_board_scroll(c, -dir);
        return;
    }
    int page = bc_conv_page();
    bc_conv_scroll(c, dir * (page > 2 ? page - 1 : 1));
}

/* The panel toggles with this function key when no preset is bound to
 * it (/roster show|hide does the same), and the occupant list of room
 * tabs with the other (/occupants). */
#define PANEL_FKEY 12
#define OCCUPANTS_FKEY 11

/* F1..F12: the availability preset bound to the key (/status PRESET). */
static void function_key(int n)
{
    const bc_preset *p = bc_preset_for_fkey(n);
    if (!p) {
        if (n == PANEL_FKEY)
            bc_panel_toggle();
        else if (n == OCCUPANTS_FKEY)
            bc_occupants_set_visible(!bc_occupants_visible());
        return;
    }
    GError *err = NULL;
    if (!bc_status_apply_preset(p->key, 0, &err)) {
        bc_error("%s", err ? err->message : "Cannot set that status");
        g_clear_error(&err);
    }
    bc_dirty(BC_DIRTY_TABS);
}

/* Alt-o: the chat with the contact selected in the buddy list. */
static void open_selected(void)
{
    const char *jid = bc_roster_view_get()->selected;
    if (!jid) {
        bc_info("No contact selected: Alt-Up/Alt-Down select one in the buddy list.");
        return;
    }
    if (!bc_conv_open(jid, true))
        bc_error("Cannot open a chat with %s", jid);
}

/* Ctrl-R (dir 1: older) and Ctrl-S (-1: newer) in a chat tab with an
 * empty input line: find in the conversation. With matches, step to the
 * next one; Ctrl-R without starts "/find " on the input line. Otherwise
 * (text typed, or another tab) the keys stay readline's history search.
 * Returns true if the key was used here. */
static bool find_key(int dir)
{
    bc_conv *c = bc_conv_current();
    if (!c || c->type != BC_CONV_CHAT || bc_prompt_pending() || rl_end > 0)
        return false;
    if (bc_find_active(c)) {
        GError *err = NULL;
        if (!bc_find_step(c, dir, &err)) {
            /* Stay on the match shown; the bell says there is none that way. */
            beep();
            g_clear_error(&err);
        }
        bc_dirty(BC_DIRTY_VIEW | BC_DIRTY_TABS);
        return true;
    }
    if (dir < 0)
        return false;
    rl_insert_text("/find ");
    mark_input();
    return true;
}

/* Alt-k: acknowledges the priority announcement in the banner (/ack). */
static void ack_key(void)
{
    if (!bc_announce_ack(0))
        bc_info("No priority announcement is waiting for acknowledgement.");
    bc_dirty(BC_DIRTY_ALL);
}

/* Nick completion in a room tab: Tab on a word completes an occupant's
 * nick (who spoke last first), with ": " at the start of the line; Tab
 * again goes on to the next nick. Lines starting with / keep command
 * completion. */
static char **nick_cands;  /* this round's candidates */
static size_t nick_i;      /* the one on the line */
static int nick_start;     /* where the word starts */
static int nick_end;       /* rl_point after our insertion */
static bc_room *nick_room; /* the room they are from */

static void nick_reset(void)
{
    g_strfreev(nick_cands);
    nick_cands = NULL;
}

static bool nick_complete(void)
{
    bc_conv *c = bc_conv_current();
    if (!c || c->type != BC_CONV_ROOM || bc_prompt_pending() || rl_line_buffer[0] == '/')
        return false;
    int ws = rl_point;
    while (ws > 0 && rl_line_buffer[ws - 1] != ' ' && rl_line_buffer[ws - 1] != '\t')
        ws--;
    if (rl_line_buffer[ws] == ':')
        return false; /* ":name": a canned response, completed by the table */
    bc_room *r = bc_muc_room_of_conv(c->jid);
    if (!r)
        return false;
    if (nick_cands && r == nick_room && rl_point == nick_end && nick_start <= rl_point) {
        /* Tab again on what we inserted: the next candidate. */
        nick_i = nick_cands[nick_i + 1] ? nick_i + 1 : 0;
    } else {
        nick_reset();
        int start = rl_point;
        while (start > 0 && rl_line_buffer[start - 1] != ' ' && rl_line_buffer[start - 1] != '\t')
            start--;
        char *prefix = g_strndup(rl_line_buffer + start, (gsize)(rl_point - start));
        char **all = bc_muc_nick_complete(r, prefix);
        g_free(prefix);
        /* Not our own nick: nobody completes themselves. */
        GPtrArray *keep = g_ptr_array_new();
        for (char **n = all; n && *n; n++)
            if (!r->nick || strcmp(*n, r->nick) != 0)
                g_ptr_array_add(keep, g_strdup(*n));
        g_strfreev(all);
        g_ptr_array_add(keep, NULL);
        nick_cands = (char **)g_ptr_array_free(keep, FALSE);
        if (!nick_cands[0]) {
            nick_reset();
            return true; /* nothing to offer; the Tab is not typed either */
        }
        nick_i = 0;
        nick_start = start;
        nick_room = r;
    }
    char *ins = nick_start == 0 ? g_strdup_printf("%s: ", nick_cands[nick_i])
                                : g_strdup(nick_cands[nick_i]);
    rl_delete_text(nick_start, rl_point);
    rl_point = nick_start;
    rl_insert_text(ins);
    g_free(ins);
    nick_end = rl_point;
    mark_input();
    return true;
}

static void feed(const char *bytes, size_t n)
{
    q_push(bytes, n);
    while (q_len > 0)
        rl_callback_read_char();
}

static void feed_wchar(wint_t wc)
{
    char buf[MB_LEN_MAX];
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t n = wcrtomb(buf, (wchar_t)wc, &st);
    if (n != (size_t)-1)
        feed(buf, n);
}

static void cancel_line(void)
{
    rl_replace_line("", 0);
    rl_point = rl_end = 0;
    if (bc_prompt_pending())
        bc_prompt_answer(NULL);
    mark_input();
}

/* Alt-a: the most urgent tab; again, the next one. */
static void hotlist_key(void)
{
    bc_conv *c = bc_hotlist_next();
    if (c)
        bc_conv_select(bc_conv_index(c));
    else
        bc_info("No activity in other tabs (/hotlist lists what waits for a reply).");
}

/* Alt-u: the first unread line. */
static void unread_key(void)
{
    GError *err = NULL;
    if (!bc_hotlist_jump_unread(bc_conv_current(), &err)) {
        bc_info("Nothing to jump to: %s.", err->message);
        g_error_free(err);
    }
}

/* A key bound with /bind; true if it ran. */
static bool bound_key(char mod, int k)
{
    if (bc_prompt_pending())
        return false;
    char name[8];
    if (mod == 'F')
        snprintf(name, sizeof name, "F%d", k);
    else
        snprintf(name, sizeof name, "%c-%c", mod, (char)k);
    if (!bc_key_binding(name))
        return false;
    bc_key_run(name);
    bc_dirty(BC_DIRTY_ALL);
    return true;
}

/* The end of a paste: its text goes into the line as it is, newlines
 * included (never sent by them); a long one asks before Enter sends. */
static void paste_done(void)
{
    GString *p = paste;
    paste = NULL;
    while (p->len && p->str[p->len - 1] == '\n')
        g_string_truncate(p, p->len - 1); /* the last line's newline: Enter sends */
    if (bc_prompt_pending()) {
        /* A pasted password: its first line, never a newline. */
        char *nl = strchr(p->str, '\n');
        if (nl)
            g_string_truncate(p, (gsize)(nl - p->str));
        rl_insert_text(p->str);
    } else if (p->len) {
        rl_insert_text(p->str);
        int lines = 1;
        for (const char *c = rl_line_buffer; *c; c++)
            lines += *c == '\n';
        int max = bc_config_int("input", "paste_confirm_lines", 5);
        if (lines > max)
            set_question(g_strdup_printf("Send %d lines? (Enter to send, Esc to edit)", lines));
    }
    g_string_free(p, TRUE);
    mark_input();
}

/* A character of a paste: control characters other than newline and tab
 * are dropped (they would run editing commands). */
static void paste_char(wint_t wc)
{
    static bool after_cr;
    bool crlf = wc == '\n' && after_cr; /* \r\n is one newline */
    after_cr = wc == '\r';
    if (crlf)
        return;
    if (wc == '\r' || wc == '\n')
        g_string_append_c(paste, '\n');
    else if ((wc >= 0x20 || wc == '\t') && wc != 0x7f && !(wc >= 0x80 && wc < 0xa0))
        g_string_append_unichar(paste, (gunichar)wc);
}

/* A function key from ncurses: ours, or translated for readline. */
static void handle_key(int key)
{
    if (key == KEY_RESIZE) {
        bc_ui_resize();
        return;
    }
    if (key == KEY_PASTE_BEGIN) {
        if (!paste)
            paste = g_string_new(NULL);
        return;
    }
    if (key == KEY_PASTE_END) {
        if (paste)
            paste_done();
        return;
    }
    if (paste)
        return; /* a key sequence inside pasted text: not a command */
    if (question)
        set_question(NULL);
    if (key == KEY_PPAGE) {
        scroll_page(1);
        return;
    }
    if (key == KEY_NPAGE) {
        scroll_page(-1);
        return;
    }
    if (key_alt_left && key == key_alt_left) {
        size_t n = bc_conv_count();
        switch_tab((bc_conv_current_index() + n - 1) % n);
        return;
    }
    if (key_alt_right && key == key_alt_right) {
        switch_tab((bc_conv_current_index() + 1) % bc_conv_count());
        return;
    }
    if (key_alt_up && key == key_alt_up) {
        bc_panel_move(-1);
        return;
    }
    if (key_alt_down && key == key_alt_down) {
        bc_panel_move(1);
        return;
    }
    if (key >= KEY_F(1) && key <= KEY_F(12)) {
        /* A /bind of the key comes before its preset or panel toggle. */
        if (!bound_key('F', key - KEY_F(0)))
            function_key(key - KEY_F(0));
        return;
    }
    bc_conv *cur = bc_conv_current();
    if (cur && cur->type == BC_CONV_SEARCH && (key == KEY_UP || key == KEY_DOWN)) {
        /* Nothing to recall in a search tab: Up/Down move the selection. */
        bc_search_move(cur, key == KEY_UP ? -1 : 1);
        return;
    }
    const char *seq = NULL;
    switch (key) {
    case KEY_LEFT: seq = "\033[D"; break;
    case KEY_RIGHT: seq = "\033[C"; break;
    case KEY_UP: seq = "\033[A"; break;
    case KEY_DOWN: seq = "\033[B"; break;
    case KEY_HOME: seq = "\033[H"; break;
    case KEY_END: seq = "\033[F"; break;
    case KEY_DC: seq = "\033[3~"; break;
    case KEY_BACKSPACE: seq = "\177"; break;
    case KEY_ENTER: seq = "\r"; break;
    default: break;
    }
    if (seq)
        feed(seq, strlen(seq));
}

static void handle_char(wint_t wc, bool alt)
{
    if (paste) {
        if (alt)
            paste_char(27);
        paste_char(wc);
        return;
    }
    if (question) {
        if (wc == '\r' || wc == '\n') {
            feed("\r", 1); /* yes: send */
            return;
        }
        set_question(NULL); /* any other key: back to editing */
    }
    if (alt && wc > ' ' && wc < 0x7f && bound_key('M', (int)wc))
        return;
    if (!alt && wc >= 1 && wc <= 26 && wc != 9 && wc != 10 && wc != 13 &&
        bound_key('C', (int)wc + 'a' - 1))
        return;
    if (alt) {
        if (wc >= '1' && wc <= '9') {
            switch_tab((size_t)(wc - '1'));
            return;
        }
        if (wc == '0') {
            switch_tab(9);
            return;
        }
        if (wc == '\r' || wc == '\n') {
            /* A newline in the message; Enter sends it all. */
            if (!bc_prompt_pending())
                rl_insert_text("\n");
            mark_input();
            return;
        }
        if (wc == 'o') {
            open_selected();
            return;
        }
        if (wc == 'a') {
            hotlist_key();
            return;
        }
        if (wc == 'u') {
            unread_key();
            return;
        }
        if (wc == 'e' && !bc_prompt_pending()) {
            GError *err = NULL;
            if (!bc_editor_start(rl_line_buffer ? rl_line_buffer : "", &err)) {
                bc_error("%s", err->message);
                g_error_free(err);
            }
            return;
        }
        if (wc == '[' || wc == ']') {
            bc_panel_resize_by(wc == '[' ? -2 : 2);
            return;
        }
        if (wc == 'k') {
            ack_key();
            return;
        }
        if (wc == 'w') { /* call mode: whisper to the back-channel (panes.c) */
            bc_panes_whisper_key();
            return;
        }
        feed("\033", 1);
        feed_wchar(wc);
        return;
    }
    if (wc == 12) { /* Ctrl-L */
        bc_dirty(BC_DIRTY_ALL | BC_DIRTY_CLEAR);
        return;
    }
    if (wc == 3) { /* Ctrl-C: clear the line, or cancel a password prompt */
        cancel_line();
        return;
    }
    if ((wc == 18 || wc == 19) && find_key(wc == 18 ? 1 : -1))
        return;
    if (wc == '\t' && nick_complete())
        return;
    if (nick_cands && wc != '\t')
        nick_reset(); /* typing ends a round of nick completion */
    feed_wchar(wc);
}

static void on_stdin(int fd, short revents, void *data)
{
    if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
        /* The terminal went away: nothing more can be typed. */
        bc_app_quit();
        return;
    }
    bc_ui_frame_now(); /* what the user did shows without delay */
    /* Drain everything the terminal sent (a paste arrives at once). */
    bool typed = false;
    for (int guard = 0; guard < 65536 && !bc_input_editor_running(); guard++) {
        wint_t wc;
        int r = wget_wch(bc_input_w, &wc);
        if (r == ERR)
            break;
        if (!typed && !(r == KEY_CODE_YES && wc == KEY_RESIZE)) {
            /* Any key ends auto-away (before the key acts, so a preset
             * key is not undone by it). */
            typed = true;
            bc_status_user_active();
        }
        /* Ctrl-W and the key after it: the split panes' keys (panes.c). */
        if (!paste && !question && bc_panes_key((int)wc, r == KEY_CODE_YES))
            continue;
        if (r == KEY_CODE_YES) {
            handle_key((int)wc);
            continue;
        }
        if (wc == 27) {
            wint_t next;
            int r2 = wget_wch(bc_input_w, &next);
            if (r2 == ERR) {
                if (question)
                    set_question(NULL); /* Esc: back to editing, nothing sent */
                else if (paste)
                    paste_char(27);
                else if (bc_prompt_pending())
                    cancel_line();
                else
                    feed("\033", 1);
            } else if (r2 == KEY_CODE_YES && (next == KEY_UP || next == KEY_DOWN)) {
                /* Terminals that send Alt-arrow as ESC + arrow. */
                bc_panel_move(next == KEY_UP ? -1 : 1);
            } else if (r2 == KEY_CODE_YES) {
                feed("\033", 1);
                handle_key((int)next);
            } else {
                handle_char(next, true);
            }
            continue;
        }
        handle_char(wc, false);
    }
    mark_input();
}

/* The external editor (editor.c) stops reading the terminal while it
 * runs, and puts its text in the line when done. */
void bc_input_suspend(void)
{
    paste_mode(false);
    bc_loop_unwatch(STDIN_FILENO);
}

void bc_input_resume(void)
{
    paste_mode(true);
    bc_loop_watch(STDIN_FILENO, POLLIN, on_stdin, NULL);
    bc_dirty(BC_DIRTY_ALL | BC_DIRTY_CLEAR);
}

void bc_input_set_text(const char *text)
{
    rl_replace_line(text, 0);
    rl_point = rl_end;
    mark_input();
}

static void on_winch(int signo, void *data)
{
    if (!bc_input_editor_running())
        bc_ui_resize();
}

void bc_input_init(void)
{
    devnull = fopen("/dev/null", "w+");
    rl_instream = devnull;
    rl_outstream = devnull;
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_change_environment = 0;
    rl_prep_term_function = noop_prep;
    rl_deprep_term_function = noop_deprep;
    rl_getc_function = q_getc;
    rl_input_available_hook = q_available;
    rl_redisplay_function = mark_input;
    rl_attempted_completion_function = complete;
    rl_completion_display_matches_hook = show_matches;
    rl_basic_word_break_characters = " \t";
    rl_readline_name = "backchat";
    rl_callback_handler_install("", on_line);
    rl_variable_bind("bell-style", "none");
    using_history();
    stifle_history(1000);
    history_path = g_build_filename(bc_paths_data_dir(), "history", NULL);
    read_history(history_path);

    int k = key_defined("\033[1;3D");
    key_alt_left = k > 0 ? k : 0;
    k = key_defined("\033[1;3C");
    key_alt_right = k > 0 ? k : 0;
    k = key_defined("\033[1;3A");
    key_alt_up = k > 0 ? k : 0;
    k = key_defined("\033[1;3B");
    key_alt_down = k > 0 ? k : 0;
    define_key("\033[200~", KEY_PASTE_BEGIN);
    define_key("\033[201~", KEY_PASTE_END);
    paste_mode(true);
    bc_loop_watch(STDIN_FILENO, POLLIN, on_stdin, NULL);
    bc_loop_on_signal(SIGWINCH, on_winch, NULL);
    bc_editor_init();
    bc_keys_load();
}

void bc_input_shutdown(void)
{
    paste_mode(false);
    bc_editor_shutdown();
    bc_keys_free();
    if (paste)
        g_string_free(paste, TRUE);
    paste = NULL;
    set_question(NULL);
    rl_callback_handler_remove();
    bc_loop_unwatch(STDIN_FILENO);
    g_strfreev(cands);
    cands = NULL;
    nick_reset();
    if (history_path && bc_mkdir_private(bc_paths_data_dir(), NULL)) {
        /* Created 0600 before readline writes it. */
        int fd = open(history_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0) {
            fchmod(fd, 0600);
            close(fd);
            write_history(history_path);
        }
    }
    g_clear_pointer(&history_path, g_free);
    clear_history();
    if (devnull)
        fclose(devnull);
    devnull = NULL;
}

void bc_input_draw(void)
{
    werase(bc_input_w);
    const char *secret = bc_prompt_pending();
    const char *prompt = secret ? secret : "> ";
    int w = getmaxx(bc_input_w);
    int pw = bc_str_width(prompt, -1);
    if (pw > w / 2) {
        prompt = "password: ";
        pw = bc_str_width(prompt, -1);
    }
    mvwaddstr(bc_input_w, 0, 0, prompt);
    int room = w - pw - 1;
    if (room < 1)
        room = 1;
    if (secret) {
        /* Never echo a secret: one '*' per character typed. */
        int n = (int)g_utf8_strlen(rl_line_buffer ? rl_line_buffer : "", -1);
        for (int i = 0; i < n && i < room; i++)
            waddch(bc_input_w, '*');
        wmove(bc_input_w, 0, pw + (n < room ? n : room));
        return;
    }
    /* A newline of a message being composed shows as one "↵". */
    const char *raw = rl_line_buffer ? rl_line_buffer : "";
    const char *nl = bc_ui_utf8() ? "\xe2\x86\xb5" : "|";
    GString *disp = g_string_new(NULL);
    long point = 0;
    for (int i = 0; raw[i]; i++) {
        if (i == rl_point)
            point = (long)disp->len;
        if (raw[i] == '\n')
            g_string_append(disp, nl);
        else
            g_string_append_c(disp, raw[i]);
    }
    if (rl_point >= (int)strlen(raw))
        point = (long)disp->len;
    const char *buf = disp->str;
    /* Scroll horizontally so the cursor stays visible. */
    int cur_w = bc_str_width(buf, point);
    size_t from = 0;
    while (cur_w - bc_str_width(buf, (long)from) >= room && buf[from]) {
        from++;
        while (buf[from] && ((unsigned char)buf[from] & 0xC0) == 0x80)
            from++;
    }
    size_t fit = bc_str_fit(buf + from, room);
    waddnstr(bc_input_w, buf + from, (int)fit);
    wmove(bc_input_w, 0, pw + cur_w - bc_str_width(buf, (long)from));
    g_string_free(disp, TRUE);
}
