/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The connection: libstrophe driven from our poll() loop, mandatory TLS
 * with certificate pinning decided by the user, clean stream close. */
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/loop.h"
#include "backchat/pins.h"
#include "backchat/roster.h"
#include "backchat/sanitize.h"
#include "backchat/session.h"
#include "backchat/config.h"
#include "backchat/xmpp.h"
#include "internal.h"

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
static bool user_closing;    /* /disconnect or /quit */
static xmpp_conn_t *dead_conn; /* released on the next turn, not inside its handler */
static unsigned activity;
static int hot_turns;
static unsigned keepalive_timer;
static unsigned connect_tick_timer;
static FILE *debug_log;

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

void bc_xmpp_shutdown(void)
{
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

static void keepalive(void *data)
{
    keepalive_timer = 0;
    if (!stream_up)
        return;
    /* A single space is a valid whitespace keepalive between stanzas. */
    xmpp_send_raw(bc_xconn, " ", 1);
    bc_xmpp_pump();
    int secs = bc_config_int("connection", "keepalive", 60);
    if (secs < 10)
        secs = 10;
    keepalive_timer = bc_timer_add((unsigned)secs * 1000, keepalive, NULL);
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

/* "5d66..." -> "5D:66:...", the form `openssl x509 -fingerprint` prints. */
static char *format_fingerprint(const char *fp)
{
    GString *out = g_string_new(NULL);
    int n = 0;
    for (const char *p = fp ? fp : ""; *p; p++) {
        if (!g_ascii_isxdigit(*p))
            continue;
        if (n && n % 2 == 0)
            g_string_append_c(out, ':');
        g_string_append_c(out, g_ascii_toupper(*p));
        n++;
    }
    return g_string_free(out, FALSE);
}

static int certfail_cb(const xmpp_tlscert_t *cert, const char *errormsg)
{
    bc_session *s = bc_session_get();
    if (!s->account)
        return 0;
    char *host = bc_jid_display(s->account->jid);
    {
        bc_jid *j = bc_jid_parse(s->account->jid);
        if (j) {
            g_free(host);
            host = g_strdup(j->domain);
            bc_jid_free(j);
        }
    }
    const char *fp = xmpp_tlscert_get_string(cert, XMPP_CERT_FINGERPRINT_SHA256);
    char *pinned = bc_pins_lookup(s->account->name, host);
    if (pinned && fp && bc_fingerprint_equal(pinned, fp)) {
        g_free(pinned);
        g_free(host);
        return 1;
    }
    bc_cert_info *ci = g_new0(bc_cert_info, 1);
    ci->host = host;
    ci->subject = clean(xmpp_tlscert_get_string(cert, XMPP_CERT_SUBJECT));
    ci->issuer = clean(xmpp_tlscert_get_string(cert, XMPP_CERT_ISSUER));
    ci->fingerprint = format_fingerprint(fp);
    ci->not_before = clean(xmpp_tlscert_get_string(cert, XMPP_CERT_NOTBEFORE));
    ci->not_after = clean(xmpp_tlscert_get_string(cert, XMPP_CERT_NOTAFTER));
    ci->error = clean(errormsg);
    ci->pinned = pinned;
    if (pinned) {
        bc_console_err("CERTIFICATE CHANGED for %s: refusing to connect.", ci->host);
        bc_console_err("  pinned:    %s", pinned);
        bc_console_err("  presented: %s", ci->fingerprint);
        bc_console_err("This can mean someone is intercepting the connection. Check the new "
                       "fingerprint with the server's administrator; only then replace the "
                       "pin with /tls trust.");
    } else {
        bc_console_err("Certificate for %s is not trusted (%s).", ci->host, ci->error);
    }
    bc_console("  Subject:  %s", ci->subject);
    bc_console("  Issuer:   %s", ci->issuer);
    bc_console("  SHA-256:  %s", ci->fingerprint);
    bc_console("  Valid:    %s to %s", ci->not_before, ci->not_after);
    if (!pinned)
        bc_console("Type /tls trust to pin this certificate for account %s and connect, "
                   "or /tls deny to refuse it.", s->account->name);
    bc_session_set_cert(ci);
    cert_refused = true;
    return 0;
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

static void conn_handler(xmpp_conn_t *conn, xmpp_conn_event_t event, int error,
                         xmpp_stream_error_t *serr, void *userdata)
{
    bc_session *s = bc_session_get();
    if (event == XMPP_CONN_CONNECT) {
        stream_up = true;
        g_free(s->bound_jid);
        s->bound_jid = clean(xmpp_conn_get_bound_jid(conn));
        g_free(s->show);
        s->show = g_strdup("online");
        bc_session_set_state(BC_CONN_CONNECTED, NULL);
        bc_console("Connected as %s.", s->bound_jid);
        bc_xmpp_message_handlers_add(conn);
        bc_xmpp_presence_handlers_add(conn);
        /* Roster first; our presence and the blocklist follow its answer. */
        bc_xmpp_session_begin(conn);
        bc_timer_cancel(keepalive_timer);
        keepalive_timer = 0;
        keepalive(NULL);
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

    if (cert_refused) {
        bc_session_set_state(BC_CONN_CERT_UNTRUSTED, "waiting for /tls trust or /tls deny");
    } else if (user_closing) {
        bc_session_set_state(BC_CONN_OFFLINE, NULL);
        bc_console("Disconnected.");
    } else {
        char *why;
        if (auth_failed && !was_up)
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
        bc_session_set_state(BC_CONN_DISCONNECTED, why);
        if (g_str_has_prefix(why, "Authentication failed"))
            bc_console_err("%s", why);
        else
            bc_console_err("Disconnected: %s. Type /connect to try again.", why);
        g_free(why);
    }
    if (bc_xconn == conn) {
        dead_conn = conn;
        bc_xconn = NULL;
    }
}

bool bc_xmpp_connect(const bc_account *acct, const char *password, GError **err)
{
    if (conn_active) {
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "already %s; /disconnect first", stream_up ? "connected" : "connecting");
        return false;
    }
    release_dead();
    if (bc_xconn) {
        xmpp_conn_release(bc_xconn);
        bc_xconn = NULL;
    }
    xmpp_conn_t *conn = xmpp_conn_new(bc_xctx);
    long flags = acct->tls == BC_TLS_DIRECT ? XMPP_CONN_FLAG_LEGACY_SSL
                                            : XMPP_CONN_FLAG_MANDATORY_TLS;
    xmpp_conn_set_flags(conn, flags);
    char *full = g_strdup_printf("%s/%s", acct->jid, acct->resource ? acct->resource : "backchat");
    xmpp_conn_set_jid(conn, full);
    g_free(full);
    xmpp_conn_set_pass(conn, password);
    xmpp_conn_set_certfail_handler(conn, certfail_cb);
    xmpp_conn_set_sockopt_callback(conn, sockopt_cb);
    cert_refused = auth_failed = user_closing = false;
    bc_session_set_cert(NULL);
    bc_session_set_state(BC_CONN_CONNECTING, NULL);
    conn_active = true;
    bc_xconn = conn;
    unsigned short port = (unsigned short)acct->port;
    if (xmpp_connect_client(conn, acct->server, port, conn_handler, NULL) != XMPP_EOK) {
        conn_active = false;
        bc_xconn = NULL;
        xmpp_conn_release(conn);
        bc_session_set_state(BC_CONN_DISCONNECTED, "cannot connect");
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "cannot connect to %s: check the server name and port (/account show %s)",
                    acct->server ? acct->server : acct->jid, acct->name);
        return false;
    }
    bc_console("Connecting to %s as %s...", acct->server ? acct->server : acct->jid, acct->jid);
    bc_xmpp_pump();
    bc_timer_cancel(connect_tick_timer);
    connect_tick_timer = bc_timer_add(1000, connect_tick, NULL);
    return true;
}

void bc_xmpp_disconnect(void)
{
    if (!bc_xconn || !conn_active)
        return;
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
    bc_xmpp_announce_init();
}
