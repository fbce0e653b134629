/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one event loop: a single poll() over the terminal, the XMPP socket,
 * a signal self-pipe and timers. The poll timeout is the next due timer,
 * so an idle client sleeps. */
#ifndef BACKCHAT_LOOP_H
#define BACKCHAT_LOOP_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*bc_fd_cb)(int fd, short revents, void *data);
typedef void (*bc_timer_cb)(void *data);
typedef void (*bc_hook_cb)(void *data);
typedef void (*bc_signal_cb)(int signo, void *data);

void bc_loop_init(void);
void bc_loop_free(void);

/* Watches `fd` for `events` (POLLIN/POLLOUT); replaces an earlier watch. */
void bc_loop_watch(int fd, short events, bc_fd_cb cb, void *data);
void bc_loop_set_events(int fd, short events);
void bc_loop_unwatch(int fd);

/* One-shot timer after `ms` milliseconds; returns an id (never 0). */
unsigned bc_timer_add(unsigned ms, bc_timer_cb cb, void *data);
void bc_timer_cancel(unsigned id);

/* Called at the end of every loop turn, before the next poll(), in the
 * order added: batched log writes, then the redraw. */
void bc_loop_add_prepare(bc_hook_cb cb, void *data);
/* Called right after poll() returns, before fd callbacks (e.g. to drain
 * a library that buffers data). */
void bc_loop_add_check(bc_hook_cb cb, void *data);
/* During this turn only: sleep at most `ms` (e.g. data may be buffered). */
void bc_loop_wake_within(int ms);

/* Delivers `signo` through the self-pipe to `cb` on the loop thread. */
void bc_loop_on_signal(int signo, bc_signal_cb cb, void *data);

void bc_loop_run(void);
void bc_loop_quit(void);
bool bc_loop_running(void);

/* Monotonic milliseconds. */
int64_t bc_now_ms(void);
/* How many times poll() returned (for the idle-wakeup benchmark). */
uint64_t bc_loop_wakeups(void);

#endif
