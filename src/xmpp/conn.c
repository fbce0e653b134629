/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The connection: libstrophe driven from our poll() loop, mandatory TLS
 * with certificate pinning decided by the user, clean stream close, and
 * reconnection after a loss (backoff with jitter). What was sent just
 * before a loss is reconciled with the server's archive (outbox.c), not
 * with XEP-0198 stream management: libstrophe 0.12's resumption counts
 * our stanzas differently from the server and then drops or repeats
 * messages. */
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/loop.h"
#include "backchat/roster.h"
#include "backchat/sanitize.h"
#include "backchat/session.h"
#include "backchat/config.h"
#include "backchat/xmpp.h"
#include "internal.h"
#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

xmpp_ctx_t *bc_xctx;
xmpp_conn_t *bc_xconn;

static int sock_fd = -1;
static bool stream_up;       /* XMPP_CONN_CONNECT seen, no disconnect since */
static bool conn_active;     /* between connect() and the disconnect event */
static bool cert_refused;    /* we refused the certificate this attempt */
static bool auth_failed;     /* libstrophe reported a SASL failure */
static bool no_tls;          /* the server offered no STARTTLS */
/* The errno of a TCP connect that failed, from libstrophe's log: some
 * versions hand the disconnect handler 0 for a refused connection. */
static int connect_errno;
/* The keepalive is a ping (XEP-0199): its answer also proves that the
 * server has everything we sent before it (outbox.c). Every two minutes
 * by default: one wake-up to send it, one for the answer. */
#define KEEPALIVE_DEFAULT_S 120
static bool session_started; /* the session's first requests went out */
#define PING_TIMEOUT_MS 30000/* no answer to the keepalive ping: the link is dead */
static bool user_closing;    /* /disconnect or /quit */
static xmpp_conn_t *dead_conn; /* released on the next turn, not inside its handler */
static unsigned activity;
static int hot_turns;
static unsigned keepalive_timer;
static unsigned connect_tick_timer;
static FILE *debug_log;

/* Reconnection: after the stream has been up, a loss the user did not ask
 * for reconnects by itself, first after about 1 s, then doubling up to
 * 60 s, each delay jittered by +-25% so that many clients dropped at once
 * do not come back in step. */
#define RECONNECT_FIRST_MS 1000
#define RECONNECT_MAX_MS 60000
static bool auto_reconnect;      /* the stream was up since the last /connect */
static unsigned reconnect_ms;    /* the last delay, 0 after a success */
static unsigned reconnect_timer;
static unsigned countdown_timer; /* redraws "reconnecting in N s" */
static char *reconnect_pass;     /* the password of the last /connect */
static unsigned resolving;       /* the DNS lookup under way (resolve.h), 0 */
static char *resolving_account;  /* ...for this account */
/* The addresses found for the account, and the one to try next: an
 * attempt that fails before the stream is up moves on to the next. */
static GPtrArray *targets;
static guint target_next;
static char *targets_account;
static int64_t targets_at;
#define TARGETS_FRESH_MS (5 * 60 * 1000)
static void forget_targets(void);
static unsigned next_timer;      /* the next address, right after a failure */
static void on_next_target(void *data);

void bc_xmpp_note_activity(void) { activity++; }

/* libstrophe must not be re-entered from one of its own callbacks (a
 * handler that pumps would feed the XML parser in the middle of the
 * stanza it is handling: later stanzas then nest inside it). */
static int in_run_once;

static void run_once(unsigned long timeout_ms)
{
    in_run_once++;
    xmpp_run_once(bc_xctx, timeout_ms);
    in_run_once--;
}

static void on_log(void *ud, xmpp_log_level_t level, const char *area, const char *msg)
{
    /* libstrophe says "SASL ... auth failed" (debug) and "No more ...
     * authentication methods" style messages when the server refuses the
     * credentials; match loosely on the area and wording. */
    if (area && msg && (strcmp(area, "xmpp") == 0 || strcmp(area, "auth") == 0) &&
        (strstr(msg, "auth failed") || strstr(msg, "Cannot authenticate") ||
         strstr(msg, "not-authorized")))
        auth_failed = true;
    if (msg && strstr(msg, "TLS is not supported"))
        no_tls = true;
    int e;
    if (area && msg && strcmp(area, "xmpp") == 0 &&
        sscanf(msg, "connection failed, error %d", &e) == 1 && e > 0)
        connect_errno = e;
    if (debug_log) {
        static const char *const names[] = {"debug", "info", "warn", "error"};
        /* Never log the password-bearing SASL payloads. */
        bool secret = msg && (strstr(msg, "<auth ") || strstr(msg, "<response "));
        fprintf(debug_log, "%s %s: %s\n", names[level & 3], area ? area : "-",
                secret ? "(credentials omitted)" : msg ? msg : "");
        fflush(debug_log);
    }
}

static xmpp_log_t logger = {on_log, NULL};

bool bc_xmpp_init(void)
{
    xmpp_initialize();
    bc_xctx = xmpp_ctx_new(NULL, &logger);
    const char *dbg = g_getenv("BACKCHAT_DEBUG_LOG");
    if (dbg && *dbg) {
        /* It holds message text: private, like the log database. */
        int fd = open(dbg, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd >= 0)
            debug_log = fdopen(fd, "a");
        if (!debug_log) {
            if (fd >= 0)
                close(fd);
            bc_console_err("Cannot open the debug log %s: %s", dbg, g_strerror(errno));
        }
    }
    return bc_xctx != NULL;
}

static void release_dead(void)
{
    if (dead_conn) {
        xmpp_conn_release(dead_conn);
        dead_conn = NULL;
    }
}

static void wipe_pass(void)
{
    if (reconnect_pass)
        memset(reconnect_pass, 0, strlen(reconnect_pass));
    g_free(reconnect_pass);
    reconnect_pass = NULL;
}

static void stop_reconnecting(void)
{
    bc_netwatch_stop();
    bc_timer_cancel(reconnect_timer);
    bc_timer_cancel(countdown_timer);
    reconnect_timer = countdown_timer = 0;
}

void bc_xmpp_shutdown(void)
{
    bc_resolve_cancel(resolving);
    resolving = 0;
    bc_timer_cancel(next_timer);
    next_timer = 0;
    g_clear_pointer(&resolving_account, g_free);
    forget_targets();
    stop_reconnecting();
    auto_reconnect = false;
    wipe_pass();
    bc_xmpp_outbox_clear();
    if (bc_xconn) {
        xmpp_conn_release(bc_xconn);
        bc_xconn = NULL;
    }
    release_dead();
    if (bc_xctx)
        xmpp_ctx_free(bc_xctx);
    bc_xctx = NULL;
    xmpp_shutdown();
    if (debug_log)
        fclose(debug_log);
    debug_log = NULL;
}

bool bc_xmpp_connected(void) { return stream_up; }

bool bc_xmpp_will_reconnect(void) { return auto_reconnect && !stream_up; }

void bc_xmpp_stream_fake(xmpp_conn_t *conn)
{
    bc_xconn = conn;
    stream_up = conn != NULL;
}

static bool fd_readable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return fd >= 0 && poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR));
}

static void update_events(void)
{
    if (sock_fd < 0 || !bc_xconn)
        return;
    short ev = POLLIN;
    if (!stream_up || xmpp_conn_send_queue_len(bc_xconn) > 0)
        ev |= POLLOUT;
    bc_loop_set_events(sock_fd, ev);
}

/* One xmpp_run_once reads only a few KiB: call it again while it makes
 * progress (bounded, so keys stay responsive). */
void bc_xmpp_pump(void)
{
    if (!bc_xctx || in_run_once) /* called from a handler: the loop pumps next */
        return;
    for (int i = 0; i < 64 && bc_xconn; i++) {
        unsigned before = activity;
        run_once(0);
        if (!conn_active)
            break;
        if (activity == before && !fd_readable(sock_fd))
            break;
    }
    update_events();
}

static void on_socket(int fd, short revents, void *data)
{
    bc_xmpp_pump();
    /* OpenSSL may hold decrypted data the socket will not signal again:
     * look a few more times, soon, before going back to sleep. */
    hot_turns = 3;
}

/* End of every loop turn. */
static void on_prepare(void *data)
{
    release_dead();
    if (!conn_active) {
        hot_turns = 0;
        return;
    }
    if (hot_turns > 0) {
        unsigned before = activity;
        run_once(0);
        if (activity != before) {
            bc_xmpp_pump();
            hot_turns = 3;
        } else {
            hot_turns--;
        }
        if (hot_turns > 0)
            bc_loop_wake_within(5);
    }
    update_events();
}

static int sockopt_cb(xmpp_conn_t *conn, void *sock)
{
    int fd = *(int *)sock;
    if (sock_fd >= 0 && sock_fd != fd)
        bc_loop_unwatch(sock_fd);
    sock_fd = fd;
    bc_loop_watch(fd, POLLIN | POLLOUT, on_socket, NULL);
    return xmpp_sockopt_cb_keepalive(conn, sock);
}

static void on_ping_reply(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    if (disconnected || !stream_up || !bc_xconn)
        return;
    if (reply) {
        /* Any answer, even an error, proves the link works, and (the
         * stream being in order) that everything sent before the ping
         * has arrived. */
        bc_xmpp_ledger_confirm(GPOINTER_TO_UINT(data));
        return;
    }
    /* No answer at all: the connection is dead though the socket does not
     * know it yet (a black-holed route). Drop it; reconnecting follows. */
    bc_console_err("The server has not answered for %d s: the connection seems dead.",
                   PING_TIMEOUT_MS / 1000);
    xmpp_disconnect(bc_xconn);
}

static void keepalive(void *data);

static void arm_keepalive(void)
{
    bc_timer_cancel(keepalive_timer);
    int secs = bc_config_int("connection", "keepalive", KEEPALIVE_DEFAULT_S);
    keepalive_timer = bc_timer_add((unsigned)(secs < 10 ? 10 : secs) * 1000, keepalive, NULL);
}

static void keepalive(void *data)
{
    keepalive_timer = 0;
    if (!stream_up)
        return;
    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, "get", NULL);
    xmpp_stanza_t *ping = bc_xmpp_el("ping", BC_NS_PING);
    xmpp_stanza_add_child(iq, ping);
    xmpp_stanza_release(ping);
    bc_xmpp_iq_send(iq, NULL, PING_TIMEOUT_MS, on_ping_reply,
                    GUINT_TO_POINTER(bc_xmpp_ledger_mark()), NULL);
    xmpp_stanza_release(iq);
    bc_xmpp_pump();
    arm_keepalive();
}

/* While connecting, libstrophe has its own timeouts (connect, features,
 * bind): give it a turn once a second until the stream is up. */
static void connect_tick(void *data)
{
    connect_tick_timer = 0;
    if (!conn_active || stream_up)
        return;
    bc_xmpp_pump();
    connect_tick_timer = bc_timer_add(1000, connect_tick, NULL);
}

static char *clean(const char *s)
{
    return bc_sanitize_line(s ? s : "", -1);
}

static int certfail_cb(const xmpp_tlscert_t *cert, const char *errormsg)
{
    bool refused = false;
    int ok = bc_xmpp_cert_check(cert, errormsg, &refused);
    if (refused)
        cert_refused = true;
    return ok;
}

static const char *stream_error_name(xmpp_error_type_t t)
{
    switch (t) {
    case XMPP_SE_CONFLICT: return "conflict (another client logged in with the same resource)";
    case XMPP_SE_CONN_TIMEOUT: return "connection-timeout";
    case XMPP_SE_HOST_UNKNOWN: return "host-unknown (the server does not serve this domain)";
    case XMPP_SE_NOT_AUTHORIZED: return "not-authorized";
    case XMPP_SE_POLICY_VIOLATION: return "policy-violation";
    case XMPP_SE_SYSTEM_SHUTDOWN: return "system-shutdown (the server is shutting down)";
    case XMPP_SE_RESOURCE_CONSTRAINT: return "resource-constraint";
    case XMPP_SE_SEE_OTHER_HOST: return "see-other-host";
    default: return "stream error";
    }
}

static bool start_connect(const bc_account *acct, const char *password, GError **err);

static void on_countdown(void *data)
{
    countdown_timer = 0;
    if (bc_session_get()->state != BC_CONN_RECONNECTING)
        return;
    bc_dirty(BC_DIRTY_TABS);
    countdown_timer = bc_timer_add(1000, on_countdown, NULL);
}

static void schedule_reconnect(const char *why, bool first);

static void on_reconnect_timer(void *data)
{
    reconnect_timer = 0;
    bc_timer_cancel(countdown_timer);
    countdown_timer = 0;
    bc_session *s = bc_session_get();
    if (!s->account || conn_active || resolving || next_timer)
        return;
    GError *err = NULL;
    if (!start_connect(s->account, reconnect_pass, &err)) {
        schedule_reconnect(err->message, false);
        g_error_free(err);
    }
}

/* The network came back (netwatch.c): try now, not after the backoff. */
static void on_network_change(void)
{
    if (!reconnect_timer || conn_active || resolving || next_timer)
        return;
    bc_console("The network changed: reconnecting now.");
    bc_timer_cancel(reconnect_timer);
    reconnect_timer = 0;
    on_reconnect_timer(NULL);
}

/* The next attempt, after the next delay of the backoff. */
static void schedule_reconnect(const char *why, bool first)
{
    /* [connection] reconnect_max_seconds caps the wait (default 60). */
    int max_s = bc_config_int("connection", "reconnect_max_seconds", RECONNECT_MAX_MS / 1000);
    unsigned max_ms = (unsigned)CLAMP(max_s, 1, 3600) * 1000u;
    reconnect_ms = reconnect_ms ? MIN(reconnect_ms * 2, max_ms) : MIN(RECONNECT_FIRST_MS, max_ms);
    unsigned delay = (unsigned)(reconnect_ms * g_random_double_range(0.75, 1.25));
    bc_session *s = bc_session_get();
    s->reconnect_at = bc_now_ms() + delay;
    bc_session_set_state(BC_CONN_RECONNECTING, why);
    if (first)
        bc_console_err("Connection lost: %s. Reconnecting by itself (first try in %u s); "
                       "/connect tries now, /disconnect stays offline.", why,
                       (delay + 999) / 1000);
    else
        bc_console("Reconnecting failed: %s. Next try in %u s.", why, (delay + 999) / 1000);
    stop_reconnecting();
    reconnect_timer = bc_timer_add(delay, on_reconnect_timer, NULL);
    bc_netwatch_start(on_network_change);
    countdown_timer = bc_timer_add(1000, on_countdown, NULL);
}

/* The session proper: roster, presence, archive, rooms, the outbox. */
static void start_session(void)
{
    if (session_started || !stream_up || !bc_xconn)
        return;
    session_started = true;
    bc_xmpp_ledger_new_stream();
    /* Live messages wait for the catch-up of what was missed (mam.c). */
    bc_xmpp_mam_hold_live();
    /* Roster first; our presence and the blocklist follow its answer. */
    bc_xmpp_session_begin(bc_xconn);
    /* What was typed while the connection was down. */
    bc_xmpp_outbox_flush();
    arm_keepalive();
    bc_xmpp_pump();
}

static void conn_handler(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
                         xmpp_stream_error_t *serr, void *userdata)
{
    bc_session *s = bc_session_get();
    if (event == XMPP_CONN_CONNECT) {
        stream_up = true;
        /* Past authentication on_log has nothing left to watch for, and
         * libstrophe formats every stanza it receives into a debug line
         * only if a log handler is set. */
        if (!debug_log)
            logger.handler = NULL;
        g_free(s->bound_jid);
        s->bound_jid = clean(xmpp_conn_get_bound_jid(conn));
        g_free(s->show);
        s->show = g_strdup("online");
        bc_session_set_state(BC_CONN_CONNECTED, NULL);
        bc_console("%s as %s.", reconnect_ms ? "Reconnected" : "Connected", s->bound_jid);
        reconnect_ms = 0;
        stop_reconnecting();
        auto_reconnect = true;
        if (target_next > 0)
            target_next--; /* this address works: the next attempt starts here */
        bc_xmpp_message_handlers_add(conn);
        bc_xmpp_presence_handlers_add(conn);
        session_started = false;
        start_session();
        return;
    }
    if (event == XMPP_CONN_RAW_CONNECT)
        return;

    /* XMPP_CONN_DISCONNECT or XMPP_CONN_FAIL */
    bool was_up = stream_up;
    stream_up = false;
    bc_xmpp_session_end(); /* pending requests, presence state, roster offline */
    conn_active = false;
    if (sock_fd >= 0)
        bc_loop_unwatch(sock_fd);
    sock_fd = -1;
    bc_timer_cancel(keepalive_timer);
    keepalive_timer = 0;

    /* Another client took our resource (conflict), or the server refused
     * us: reconnecting would only repeat it. */
    bool final = ((auth_failed || no_tls) && !was_up) ||
                 (serr && (serr->type == XMPP_SE_CONFLICT || serr->type == XMPP_SE_NOT_AUTHORIZED ||
                           serr->type == XMPP_SE_POLICY_VIOLATION));
    if (final || cert_refused)
        auto_reconnect = false;
    int unreachable = error > 1 ? error : connect_errno;
    if (!was_up && !final && !cert_refused && !user_closing && unreachable > 1 && targets &&
        target_next > 0 && target_next < targets->len) {
        /* Refused or unreachable, and the lookup found more addresses:
         * the next one now (after this libstrophe callback returns). */
        const bc_resolved *t = targets->pdata[target_next - 1];
        bc_console("Cannot reach %s port %u (%s); trying the next address.", t->addr,
                   t->port, g_strerror(unreachable));
        bc_timer_cancel(next_timer);
        next_timer = bc_timer_add(0, on_next_target, NULL);
    } else if (cert_refused) {
        if (target_next > 0)
            target_next--; /* the server answered here: /tls trust comes back to it */
        bc_session_set_state(BC_CONN_CERT_UNTRUSTED, "waiting for /tls trust or /tls deny");
    } else if (user_closing) {
        bc_session_set_state(BC_CONN_OFFLINE, NULL);
        bc_console("Disconnected.");
    } else {
        char *why;
        if (no_tls && !was_up)
            why = g_strdup_printf("the server at %s does not offer TLS (STARTTLS); backchat "
                                  "never sends a password without it. If the server speaks "
                                  "direct TLS, /account set %s tls direct (and the port, "
                                  "usually 5223)",
                                  s->account && s->account->server ? s->account->server
                                                                   : "this address",
                                  s->account ? s->account->name : "NAME");
        else if (auth_failed && !was_up)
            why = g_strdup_printf("Authentication failed: the server refused the password for "
                                  "%s. Fix it with /account set %s password, then /connect.",
                                  s->account ? s->account->jid : "this account",
                                  s->account ? s->account->name : "NAME");
        else if (serr) {
            char *text = clean(serr->text);
            why = g_strdup_printf("the server closed the stream: %s%s%s",
                                  stream_error_name(serr->type), *text ? ": " : "", text);
            g_free(text);
        } else if (error > 1) /* libstrophe reports 1 for a plain EOF */
            why = g_strdup_printf("%s (%s)", was_up ? "connection lost" : "cannot connect",
                                  g_strerror(error));
        else if (was_up)
            why = g_strdup("connection lost: the server closed it or the network dropped");
        else
            why = g_strdup_printf("cannot connect to %s:%d (is the server running? check "
                                  "/account show %s)",
                                  s->account && s->account->server ? s->account->server
                                                                   : "the server",
                                  s->account && s->account->port ? s->account->port : 5222,
                                  s->account ? s->account->name : "NAME");
        if (auto_reconnect)
            schedule_reconnect(why, reconnect_ms == 0);
        else
            bc_session_set_state(BC_CONN_DISCONNECTED, why);
        if (auto_reconnect)
            ; /* said by schedule_reconnect */
        else if (g_str_has_prefix(why, "Authentication failed"))
            bc_console_err("%s", why);
        else
            bc_console_err("Disconnected: %s. Type /connect to try again.", why);
        g_free(why);
    }
    /* Live messages held for a catch-up wait for the next stream's;
     * without one, they are shown now. */
    if (!auto_reconnect && !next_timer)
        bc_xmpp_mam_release();
    if (bc_xconn == conn) {
        dead_conn = conn;
        bc_xconn = NULL;
    }
}

bool bc_xmpp_connect(const bc_account *acct, const char *password, GError **err)
{
    if (conn_active || resolving || next_timer) {
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "already %s; /disconnect first", stream_up ? "connected" : "connecting");
        return false;
    }
    /* The user's own /connect: a fresh session, not a resumption. */
    stop_reconnecting();
    release_dead();
    auto_reconnect = false;
    reconnect_ms = 0;
    if (password != reconnect_pass) {
        wipe_pass();
        reconnect_pass = g_strdup(password);
    }
    return start_connect(acct, reconnect_pass, err);
}

/* Connects to `host` (an address, or a name libstrophe looks up) and
 * `port` (0: the default). */
static bool connect_to(const bc_account *acct, const char *password, const char *host,
                       unsigned short port, GError **err)
{
    release_dead();
    if (bc_xconn) {
        xmpp_conn_release(bc_xconn);
        bc_xconn = NULL;
    }
    xmpp_conn_t *conn = xmpp_conn_new(bc_xctx);
    long flags = acct->tls == BC_TLS_DIRECT ? XMPP_CONN_FLAG_LEGACY_SSL
                                            : XMPP_CONN_FLAG_MANDATORY_TLS;
    /* No XEP-0198: see the top of this file. */
    xmpp_conn_set_flags(conn, flags | XMPP_CONN_FLAG_DISABLE_SM);
    char *full = g_strdup_printf("%s/%s", acct->jid, acct->resource ? acct->resource : "backchat");
    xmpp_conn_set_jid(conn, full);
    g_free(full);
    xmpp_conn_set_pass(conn, password);
    xmpp_conn_set_certfail_handler(conn, certfail_cb);
    xmpp_conn_set_sockopt_callback(conn, sockopt_cb);
    cert_refused = auth_failed = user_closing = no_tls = false;
    connect_errno = 0;
    logger.handler = on_log; /* watches the authentication (see on_log) */
    session_started = false;
    bc_session_set_cert(NULL);
    bc_session_set_state(BC_CONN_CONNECTING, NULL);
    conn_active = true;
    bc_xconn = conn;
    /* The certificate is still checked against the JID's domain. */
    if (xmpp_connect_client(conn, host, port, conn_handler, NULL) != XMPP_EOK) {
        conn_active = false;
        bc_xconn = NULL;
        xmpp_conn_release(conn);
        if (!auto_reconnect)
            bc_session_set_state(BC_CONN_DISCONNECTED, "cannot connect");
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "cannot connect to %s: check the server name and port (/account show %s)",
                    acct->server ? acct->server : acct->jid, acct->name);
        return false;
    }
    bc_xmpp_pump();
    bc_timer_cancel(connect_tick_timer);
    connect_tick_timer = bc_timer_add(1000, connect_tick, NULL);
    return true;
}

/* An attempt that ended before reaching the server. */
static void attempt_failed(const char *why)
{
    if (auto_reconnect) {
        schedule_reconnect(why, false);
    } else {
        bc_session_set_state(BC_CONN_DISCONNECTED, why);
        bc_console_err("Cannot connect: %s. Type /connect to try again.", why);
    }
}

static void forget_targets(void)
{
    g_clear_pointer(&targets, g_ptr_array_unref);
    g_clear_pointer(&targets_account, g_free);
    target_next = 0;
}

static void on_resolved(GPtrArray *found, const char *error, void *data)
{
    (void)data;
    resolving = 0;
    const bc_account *acct = bc_session_get()->account;
    if (!acct || g_strcmp0(acct->name, resolving_account) != 0) {
        if (found)
            g_ptr_array_unref(found);
        return; /* the account changed meanwhile */
    }
    if (!found) {
        /* The lookup knows the name, not the account: say what to check. */
        char *why = g_strdup_printf("%s. Check the account's server setting (/account show %s;"
                                    " /account set %s server HOST) and the network",
                                    error ? error : "the lookup failed", acct->name, acct->name);
        attempt_failed(why);
        g_free(why);
        return;
    }
    forget_targets();
    targets = found;
    targets_account = g_strdup(acct->name);
    targets_at = bc_now_ms();
    const bc_resolved *t = targets->pdata[target_next++];
    GError *err = NULL;
    if (!connect_to(acct, reconnect_pass, t->addr, t->port, &err)) {
        attempt_failed(err->message);
        g_error_free(err);
    }
}

static void on_next_target(void *data)
{
    (void)data;
    next_timer = 0;
    const bc_account *acct = bc_session_get()->account;
    if (!acct || conn_active || resolving || !targets || target_next >= targets->len)
        return;
    const bc_resolved *t = targets->pdata[target_next++];
    GError *err = NULL;
    if (!connect_to(acct, reconnect_pass, t->addr, t->port, &err)) {
        attempt_failed(err->message);
        g_error_free(err);
    }
}

/* One connection attempt for `acct`. A server given as an address is
 * used as is; a name (or the JID's domain and its SRV records) is looked
 * up on a worker thread first, so a dead name server cannot freeze the
 * client. The addresses found serve the next attempts for a few
 * minutes, each failed one moving on to the next address. */
static bool start_connect(const bc_account *acct, const char *password, GError **err)
{
    if (!auto_reconnect)
        bc_console("Connecting to %s as %s...", acct->server ? acct->server : acct->jid,
                   acct->jid);
    if (acct->server && bc_resolve_is_literal(acct->server)) {
        forget_targets();
        return connect_to(acct, password, acct->server, (unsigned short)acct->port, err);
    }
    bool fresh = targets && g_strcmp0(targets_account, acct->name) == 0 &&
                 target_next < targets->len && bc_now_ms() - targets_at < TARGETS_FRESH_MS;
    if (fresh) {
        const bc_resolved *t = targets->pdata[target_next++];
        return connect_to(acct, password, t->addr, t->port, err);
    }
    forget_targets();
    bc_jid *j = bc_jid_parse(acct->jid);
    bc_resolve_cancel(resolving);
    resolving = j ? bc_resolve_start(j->domain, acct->server, (unsigned short)acct->port,
                                     acct->tls == BC_TLS_DIRECT, on_resolved, NULL)
                  : 0;
    bc_jid_free(j);
    if (!resolving) {
        g_set_error(err, BC_XMPP_ERROR, 1, "cannot look up the server of %s: check the"
                    " account's JID (/account show %s)", acct->jid, acct->name);
        return false;
    }
    g_free(resolving_account);
    resolving_account = g_strdup(acct->name);
    bc_session_set_cert(NULL);
    bc_session_set_state(BC_CONN_CONNECTING, NULL);
    return true;
}

void bc_xmpp_disconnect(void)
{
    bool waiting = reconnect_timer != 0;
    stop_reconnecting();
    auto_reconnect = false;
    if (!conn_active)
        bc_xmpp_mam_release(); /* held for a reconnection that will not come */
    if (next_timer) { /* between two addresses */
        bc_timer_cancel(next_timer);
        next_timer = 0;
        bc_session_set_state(BC_CONN_OFFLINE, NULL);
        bc_console("Disconnected.");
        return;
    }
    if (resolving) { /* still looking the server up */
        bc_resolve_cancel(resolving);
        resolving = 0;
        bc_session_set_state(BC_CONN_OFFLINE, NULL);
        bc_console("Disconnected.");
        return;
    }
    if (!bc_xconn || !conn_active) {
        if (waiting) {
            bc_session_set_state(BC_CONN_OFFLINE, NULL);
            bc_console("Stopped reconnecting: offline. /connect connects again.");
        }
        return;
    }
    user_closing = true;
    xmpp_disconnect(bc_xconn);
    bc_xmpp_pump();
}

void bc_xmpp_flush_close(int ms)
{
    if (!bc_xconn || !conn_active)
        return;
    bc_xmpp_disconnect();
    int64_t end = bc_now_ms() + ms;
    while (conn_active && bc_now_ms() < end)
        run_once(50);
}

void bc_xmpp_attach_loop(void)
{
    bc_loop_add_prepare(on_prepare, NULL);
    bc_xmpp_presence_init();
    bc_xmpp_mam_init();
    bc_xmpp_chatstate_init();
    bc_xmpp_announce_init();
}
