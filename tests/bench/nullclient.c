/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nullclient — the floor for tests/bench/room_flood.sh: the least an XMPP
 * client can do with a room flood.  libstrophe only: it connects with TLS
 * (the server certificate is trusted through a CA file, normally the
 * server's own self-signed certificate), joins a room without history,
 * lets libstrophe parse every stanza, looks at the body of each groupchat
 * message and drops it.  No screen, no log, no model.
 *
 *   NULLCLIENT_PASSWORD=pw nullclient JID HOST PORT ROOM/NICK LAST CAFILE
 *
 * Prints "joined" once the room confirmed the join (status 110), and
 * "last SECONDS COUNT" (CLOCK_MONOTONIC) when a groupchat body starting
 * with LAST arrived, COUNT being the groupchat bodies seen.  It then waits
 * for stdin to close (so the caller can read /proc/PID while it is still
 * there), disconnects and exits 0.  Exits 1 on a connection or join error. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <strophe.h>

#define NS_MUC "http://jabber.org/protocol/muc"
#define NS_MUC_USER "http://jabber.org/protocol/muc#user"

static const char *room_nick; /* ROOM/NICK */
static const char *last_text;
static size_t last_len;
static unsigned long seen;
static int state; /* 0 connecting, 1 joined, 2 saw the last one, -1 failed */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int on_message(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    (void)conn;
    (void)ud;
    const char *type = xmpp_stanza_get_type(st);
    if (!type || strcmp(type, "groupchat") != 0)
        return 1;
    xmpp_stanza_t *body = xmpp_stanza_get_child_by_name(st, "body");
    if (!body)
        return 1;
    /* The text node is read in place: no copy, like a client that only
     * checks what it got. */
    xmpp_stanza_t *text = xmpp_stanza_get_children(body);
    const char *s = text ? xmpp_stanza_get_text_ptr(text) : NULL;
    if (!s)
        return 1;
    seen++;
    if (state == 1 && strncmp(s, last_text, last_len) == 0) {
        state = 2;
        printf("last %.6f %lu\n", now(), seen);
        fflush(stdout);
    }
    return 1;
}

static int on_presence(xmpp_conn_t *conn, xmpp_stanza_t *st, void *ud)
{
    (void)conn;
    (void)ud;
    const char *from = xmpp_stanza_get_from(st);
    if (state != 0 || !from || strcmp(from, room_nick) != 0)
        return 1;
    const char *type = xmpp_stanza_get_type(st);
    if (type && strcmp(type, "error") == 0) {
        fprintf(stderr, "nullclient: the room refused the join\n");
        state = -1;
        return 1;
    }
    xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(st, "x", NS_MUC_USER);
    for (xmpp_stanza_t *c = x ? xmpp_stanza_get_children(x) : NULL; c;
         c = xmpp_stanza_get_next(c)) {
        const char *name = xmpp_stanza_get_name(c);
        const char *code = xmpp_stanza_get_attribute(c, "code");
        if (name && strcmp(name, "status") == 0 && code && strcmp(code, "110") == 0) {
            state = 1;
            printf("joined\n");
            fflush(stdout);
        }
    }
    return 1;
}

static void on_conn(xmpp_conn_t *conn, xmpp_conn_event_t ev, int err,
                    xmpp_stream_error_t *serr, void *ud)
{
    (void)serr;
    xmpp_ctx_t *ctx = ud;
    if (ev != XMPP_CONN_CONNECT) {
        if (state >= 0 && state < 2)
            fprintf(stderr, "nullclient: disconnected (error %d)\n", err);
        if (state < 2)
            state = -1;
        xmpp_stop(ctx);
        return;
    }
    if (!xmpp_conn_is_secured(conn)) {
        fprintf(stderr, "nullclient: the stream is not encrypted\n");
        state = -1;
        xmpp_disconnect(conn);
        return;
    }
    xmpp_handler_add(conn, on_message, NULL, "message", NULL, NULL);
    xmpp_handler_add(conn, on_presence, NULL, "presence", NULL, NULL);
    /* Join without history: only the flood that follows counts. */
    xmpp_stanza_t *p = xmpp_presence_new(ctx);
    xmpp_stanza_set_to(p, room_nick);
    xmpp_stanza_t *x = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(x, "x");
    xmpp_stanza_set_ns(x, NS_MUC);
    xmpp_stanza_t *h = xmpp_stanza_new(ctx);
    xmpp_stanza_set_name(h, "history");
    xmpp_stanza_set_attribute(h, "maxstanzas", "0");
    xmpp_stanza_add_child_ex(x, h, 0);
    xmpp_stanza_add_child_ex(p, x, 0);
    xmpp_send(conn, p);
    xmpp_stanza_release(p);
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: NULLCLIENT_PASSWORD=pw %s JID HOST PORT ROOM/NICK LAST CAFILE\n",
                argv[0]);
        return 2;
    }
    const char *pw = getenv("NULLCLIENT_PASSWORD");
    char *end = NULL;
    long port = strtol(argv[3], &end, 10);
    if (!pw || *end || port <= 0 || port > 65535) {
        fprintf(stderr, "nullclient: set NULLCLIENT_PASSWORD and give a port 1..65535\n");
        return 2;
    }
    room_nick = argv[4];
    last_text = argv[5];
    last_len = strlen(last_text);

    xmpp_initialize();
    xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);
    xmpp_conn_t *conn = xmpp_conn_new(ctx);
    xmpp_conn_set_flags(conn, XMPP_CONN_FLAG_MANDATORY_TLS);
    xmpp_conn_set_cafile(conn, argv[6]);
    xmpp_conn_set_jid(conn, argv[1]);
    xmpp_conn_set_pass(conn, pw);
    if (xmpp_connect_client(conn, argv[2], (unsigned short)port, on_conn, ctx) != XMPP_EOK) {
        fprintf(stderr, "nullclient: cannot connect to %s:%ld\n", argv[2], port);
        return 1;
    }
    /* Run until the last message was seen (or the connection failed). */
    while (state == 0 || state == 1)
        xmpp_run_once(ctx, 50);
    int rc = state == 2 ? 0 : 1;
    if (rc == 0) {
        /* Keep reading (and dropping) until stdin closes: the caller
         * samples /proc/PID meanwhile. */
        struct pollfd pfd = {.fd = 0, .events = POLLIN};
        char buf[256];
        for (;;) {
            xmpp_run_once(ctx, 200);
            int n = poll(&pfd, 1, 0);
            if (n < 0 && errno != EINTR)
                break;
            if (n > 0 && read(0, buf, sizeof buf) <= 0)
                break;
            if (state < 0)
                break;
        }
        xmpp_disconnect(conn);
        for (int i = 0; i < 20 && xmpp_conn_is_connected(conn); i++)
            xmpp_run_once(ctx, 50);
    }
    xmpp_conn_release(conn);
    xmpp_ctx_free(ctx);
    xmpp_shutdown();
    return rc;
}
