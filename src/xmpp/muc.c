/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Group chat on the wire (XEP-0045), rooms and occupants: joining (paced,
 * with the room's archive or history filling the gap), occupant presence
 * into the model (muc.h), nick changes, leaving, and self-ping (XEP-0410)
 * to notice a membership the room dropped silently. Messages are in
 * muc_msg.c, the room archive in muc_mam.c. */
#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/core.h"
#include "backchat/jid.h"
#include "backchat/loop.h"
#include "backchat/muc.h"
#include "backchat/sanitize.h"
#include "backchat/xmpp.h"
#include "internal.h"
#include "muc_internal.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

#define MAX_JID_BYTES 3071
#define MAX_NICK_CHARS 256
#define MAX_REASON_CHARS 500
#define DISCO_TIMEOUT_MS 5000
#define PING_TIMEOUT_MS 30000
#define PING_IDLE_DEFAULT_S 300      /* silence before a self-ping */
#define PING_IDLE_MIN_S 10
#define QUEUE_TICK_MS 250
#define QUEUE_PER_TICK 5              /* joins per tick: no flood at connect */
#define HISTORY_MAX "50"              /* rooms without an archive */

/* Protocol state of a room, beside the model's bc_room. */
typedef struct rstate {
    char *room;
    bool mam;           /* the room archives (XEP-0313): no MUC history */
    unsigned gen;       /* bumped by each join: stale answers see it */
    int64_t heard_ms;   /* bc_now_ms() of the last stanza from the room */
    bool pinging;
    char *pending_nick; /* a nick change we asked for */
} rstate;

typedef struct join_req {
    char *room, *nick, *password;
    bool focus;
} join_req;

typedef struct room_ref {
    char *room;
    unsigned gen;
} room_ref;

static GHashTable *states;   /* room -> rstate* */
static GQueue queue = G_QUEUE_INIT; /* of join_req* */
static unsigned queue_timer, ping_timer;

static bool is(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

static void join_req_free(gpointer p)
{
    join_req *j = p;
    if (!j)
        return;
    g_free(j->room);
    g_free(j->nick);
    g_free(j->password);
    g_free(j);
}

static void room_ref_free(gpointer p)
{
    room_ref *r = p;
    g_free(r->room);
    g_free(r);
}

static void rstate_free(gpointer p)
{
    rstate *s = p;
    g_free(s->room);
    g_free(s->pending_nick);
    g_free(s);
}

static rstate *rstate_get(const char *room)
{
    if (!states)
        states = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, rstate_free);
    rstate *s = g_hash_table_lookup(states, room);
    if (!s) {
        s = g_new0(rstate, 1);
        s->room = g_strdup(room);
        g_hash_table_insert(states, s->room, s);
    }
    return s;
}

static rstate *rstate_find(const char *room)
{
    return states && room ? g_hash_table_lookup(states, room) : NULL;
}

void bc_xmpp_muc_line(const char *room, bc_line_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    bc_conv *c = room ? bc_conv_find_type(BC_CONV_ROOM, room) : NULL;
    if (c)
        bc_conv_add(c, kind, NULL, text, (int64_t)time(NULL));
    else if (kind == BC_LINE_ERR)
        bc_console_err("%s", text);
    else
        bc_console("%s", text);
    g_free(text);
}

/* A room's bare JID from user input: local@domain, no resource.
 * Newly allocated, or NULL with `err`. */
char *bc_xmpp_muc_valid_room(const char *room, GError **err)
{
    bc_jid *j = room ? bc_jid_parse(room) : NULL;
    bool ok = j && j->local && !j->resource;
    bc_jid_free(j);
    if (!ok) {
        g_set_error(err, BC_XMPP_ERROR, 1,
                    "\"%s\" is not a room address (expected room@conference.server)",
                    room ? room : "");
        return NULL;
    }
    return bc_jid_bare(room);
}

/* room/nick if that is a valid JID; newly allocated, or NULL. */
static char *occupant_jid(const char *room, const char *nick)
{
    if (!room || !nick || !*nick || g_utf8_strlen(nick, -1) > MAX_NICK_CHARS)
        return NULL;
    char *full = g_strdup_printf("%s/%s", room, nick);
    if (!bc_jid_is_valid(full))
        g_clear_pointer(&full, g_free);
    return full;
}

/* ---- joining -------------------------------------------------------------- */

static void add_caps(xmpp_stanza_t *p)
{
    xmpp_stanza_t *c = bc_xmpp_caps_element();
    xmpp_stanza_add_child(p, c);
    xmpp_stanza_release(c);
}

typedef struct newest {
    int64_t ts;
} newest;

static void on_newest_row(const bc_store_row *row, void *data)
{
    ((newest *)data)->ts = bc_store_row_time(row);
}

/* The join presence, once we know whether the room archives. */
static void send_join(rstate *s)
{
    bc_room *r = bc_muc_room(s->room);
    if (!r || r->state != BC_ROOM_JOINING || !bc_xconn || !bc_xmpp_connected())
        return;
    char *to = occupant_jid(r->jid, r->nick);
    if (!to)
        return;
    r->history_from_archive = s->mam;
    xmpp_stanza_t *p = xmpp_presence_new(bc_xctx);
    xmpp_stanza_set_to(p, to);
    xmpp_stanza_t *x = bc_xmpp_el("x", BC_NS_MUC);
    if (r->password && *r->password)
        bc_xmpp_add_text_child(x, "password", r->password);
    xmpp_stanza_t *h = bc_xmpp_el("history", NULL);
    if (s->mam) {
        /* The archive fills the gap after the self-presence. */
        xmpp_stanza_set_attribute(h, "maxstanzas", "0");
    } else {
        xmpp_stanza_set_attribute(h, "maxstanzas", HISTORY_MAX);
        /* Only what is newer than the log's newest line of the room; the
         * log's dedupe drops the overlap. */
        newest n = {0};
        if (bc_core_log())
            bc_store_page(bc_core_log(), r->jid, 0, 1, on_newest_row, &n, NULL);
        GDateTime *dt = n.ts > 0 ? g_date_time_new_from_unix_utc(n.ts) : NULL;
        char *iso = dt ? g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
        if (iso)
            xmpp_stanza_set_attribute(h, "since", iso);
        g_free(iso);
        if (dt)
            g_date_time_unref(dt);
    }
    xmpp_stanza_add_child(x, h);
    xmpp_stanza_release(h);
    xmpp_stanza_add_child(p, x);
    xmpp_stanza_release(x);
    add_caps(p);
    xmpp_send(bc_xconn, p);
    xmpp_stanza_release(p);
    g_free(to);
    bc_xmpp_pump();
}

static void on_room_info(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    room_ref *ref = data;
    rstate *s = rstate_find(ref->room);
    if (disconnected || !s || s->gen != ref->gen)
        return;
    /* No answer or an error (a room about to be created): join anyway. */
    s->mam = bc_xmpp_disco_has(bc_xmpp_disco_query(reply), BC_NS_MAM);
    send_join(s);
}

/* Joins `room` (bare, valid) now: the model first, then the room's
 * disco#info (does it archive?), then the presence. */
static void join_start(const char *room, const char *nick, const char *password, bool focus)
{
    char *own_nick = nick && *nick ? g_strdup(nick) : bc_muc_default_nick();
    char *full = occupant_jid(room, own_nick);
    if (!full) {
        bc_xmpp_muc_line(room, BC_LINE_ERR, "Cannot join %s as \"%s\": that nick is not "
                         "allowed; give another with /join %s/NICK", room, own_nick, room);
        g_free(own_nick);
        return;
    }
    g_free(full);
    bc_room *r = bc_muc_joining(room, own_nick, password, focus);
    g_free(own_nick);
    if (!r)
        return;
    rstate *s = rstate_get(r->jid);
    s->gen++;
    s->mam = false;
    s->pinging = false;
    g_clear_pointer(&s->pending_nick, g_free);
    bc_muc_mam_stop(r->jid);
    room_ref *ref = g_new0(room_ref, 1);
    ref->room = g_strdup(r->jid);
    ref->gen = s->gen;
    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, "get", NULL);
    xmpp_stanza_t *q = bc_xmpp_el("query", BC_NS_DISCO_INFO);
    xmpp_stanza_add_child(iq, q);
    xmpp_stanza_release(q);
    bc_xmpp_iq_send(iq, r->jid, DISCO_TIMEOUT_MS, on_room_info, ref, room_ref_free);
    xmpp_stanza_release(iq);
}

static void on_service(const char *service, void *data)
{
    join_req *j = data;
    if (!service) {
        bc_console_err("Cannot join \"%s\": your server has no conference service that "
                       "backchat could find; give the full address: /join %s@conference.SERVER",
                       j->room, j->room);
    } else if (bc_xmpp_connected()) {
        char *full = g_strdup_printf("%s@%s", j->room, service);
        char *bare = bc_jid_is_valid(full) ? bc_jid_bare(full) : NULL;
        if (bare)
            join_start(bare, j->nick, j->password, j->focus);
        else
            bc_console_err("\"%s\" is not a valid room name", j->room);
        g_free(bare);
        g_free(full);
    }
    join_req_free(j);
}

bool bc_xmpp_muc_join(const char *room, const char *nick, const char *password, bool focus,
                      GError **err)
{
    if (!bc_xmpp_require_online(err))
        return false;
    if (nick) {
        /* Checked as the resource of some JID: a nick may hold '@' or '/'. */
        char *probe = g_strdup_printf("r@s/%s", nick);
        bool ok = *nick && g_utf8_strlen(nick, -1) <= MAX_NICK_CHARS && bc_jid_is_valid(probe);
        g_free(probe);
        if (!ok) {
            g_set_error(err, BC_XMPP_ERROR, 1, "\"%s\" is not a valid nick", nick);
            return false;
        }
    }
    if (room && !strchr(room, '@')) {
        /* A bare name: on the account's conference service. */
        char *probe = g_strdup_printf("%s@x", room);
        bool ok = *room && bc_jid_is_valid(probe);
        g_free(probe);
        if (!ok) {
            g_set_error(err, BC_XMPP_ERROR, 1,
                        "\"%s\" is not a room name or address (room@conference.server)", room);
            return false;
        }
        join_req *j = g_new0(join_req, 1);
        j->room = g_strdup(room);
        j->nick = g_strdup(nick);
        j->password = g_strdup(password);
        j->focus = focus;
        bc_xmpp_muc_service(on_service, j);
        return true;
    }
    char *bare = bc_xmpp_muc_valid_room(room, err);
    if (!bare)
        return false;
    bc_room *r = bc_muc_room(bare);
    if (r && r->state == BC_ROOM_JOINED && (!nick || is(nick, r->nick))) {
        bc_conv_open_room(bare, focus); /* already in: just show it */
        g_free(bare);
        return true;
    }
    if (r && r->state == BC_ROOM_JOINED) {
        bool ok = bc_xmpp_muc_nick(bare, nick, err);
        bc_conv_open_room(bare, focus);
        g_free(bare);
        return ok;
    }
    join_start(bare, nick ? nick : (r ? r->nick : NULL), password ? password
               : (r ? r->password : NULL), focus);
    g_free(bare);
    return true;
}

/* ---- the join queue: a few joins per tick -------------------------------- */

static bool in_or_joining(const char *room)
{
    bc_room *r = bc_muc_room(room);
    return r && r->state != BC_ROOM_OUT;
}

static void on_queue_tick(void *data)
{
    queue_timer = 0;
    for (int n = 0; n < QUEUE_PER_TICK && !g_queue_is_empty(&queue); n++) {
        join_req *j = g_queue_pop_head(&queue);
        if (bc_xmpp_connected() && !in_or_joining(j->room))
            join_start(j->room, j->nick, j->password, false);
        else
            n--; /* skipped: does not count */
        join_req_free(j);
    }
    if (!g_queue_is_empty(&queue))
        queue_timer = bc_timer_add(QUEUE_TICK_MS, on_queue_tick, NULL);
}

static bool queued(const char *room)
{
    for (GList *l = queue.head; l; l = l->next)
        if (is(((join_req *)l->data)->room, room))
            return true;
    return false;
}

static void enqueue(const char *room, const char *nick, const char *password)
{
    if (in_or_joining(room) || queued(room))
        return;
    join_req *j = g_new0(join_req, 1);
    j->room = g_strdup(room);
    j->nick = g_strdup(nick);
    j->password = g_strdup(password);
    g_queue_push_tail(&queue, j);
    if (!queue_timer)
        queue_timer = bc_timer_add(1, on_queue_tick, NULL);
}

static void unqueue(const char *room)
{
    for (GList *l = queue.head; l;) {
        GList *next = l->next;
        if (is(((join_req *)l->data)->room, room)) {
            join_req_free(l->data);
            g_queue_delete_link(&queue, l);
        }
        l = next;
    }
}

void bc_xmpp_muc_join_queued(const char *room, const char *nick, const char *password)
{
    char *bare = bc_xmpp_muc_valid_room(room, NULL);
    if (bare)
        enqueue(bare, nick, password);
    g_free(bare);
}

void bc_xmpp_muc_session_start(void)
{
    GPtrArray *all = bc_muc_rooms();
    for (guint i = 0; all && i < all->len; i++) {
        bc_room *r = all->pdata[i];
        if (r->state == BC_ROOM_OUT && r->rejoin)
            enqueue(r->jid, r->nick, r->password);
    }
}

void bc_xmpp_muc_session_end(void)
{
    bc_timer_cancel(queue_timer);
    bc_timer_cancel(ping_timer);
    queue_timer = ping_timer = 0;
    g_queue_clear_full(&queue, join_req_free);
    bc_muc_mam_stop(NULL);
    if (states) {
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, states);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
            rstate *s = v;
            s->gen++; /* answers still pending are stale now */
            s->pinging = false;
            g_clear_pointer(&s->pending_nick, g_free);
        }
    }
    bc_muc_disconnected();
}

/* ---- self-ping (XEP-0410) ------------------------------------------------- */

static void ping_arm(void);

/* [muc] self_ping: seconds of silence from a room before we ask it
 * whether we are still in; 0 turns the check off. */
static int64_t ping_idle_ms(void)
{
    int s = bc_config_int("muc", "self_ping", PING_IDLE_DEFAULT_S);
    if (s <= 0)
        return 0;
    return (int64_t)(s < PING_IDLE_MIN_S ? PING_IDLE_MIN_S : s) * 1000;
}

static void on_self_ping(xmpp_stanza_t *reply, bool disconnected, void *data)
{
    room_ref *ref = data;
    rstate *s = rstate_find(ref->room);
    if (disconnected || !s || s->gen != ref->gen)
        return;
    s->pinging = false;
    bc_room *r = bc_muc_room(ref->room);
    if (!r || r->state != BC_ROOM_JOINED)
        return;
    xmpp_stanza_t *e = reply ? xmpp_stanza_get_child_by_name(reply, "error") : NULL;
    bool lost = false;
    if (reply && bc_xmpp_iq_is_error(reply) && e) {
        /* service-unavailable / feature-not-implemented: the occupant (us)
         * got it, so we are still in. not-acceptable, item-not-found or a
         * remote server error: the room no longer has us. */
        static const char *const gone[] = {"not-acceptable", "item-not-found",
                                           "remote-server-not-found",
                                           "remote-server-timeout", NULL};
        for (int i = 0; gone[i] && !lost; i++)
            lost = xmpp_stanza_get_child_by_name_and_ns(e, gone[i], BC_NS_STANZAS) != NULL;
    }
    s->heard_ms = bc_now_ms(); /* also after a timeout: try again later */
    if (lost) {
        bc_xmpp_muc_line(r->jid, BC_LINE_SYS, "Lost the room membership silently; rejoining");
        char *room = g_strdup(r->jid), *nick = g_strdup(r->nick);
        char *pw = g_strdup(r->password);
        join_start(room, nick, pw, false);
        g_free(room);
        g_free(nick);
        g_free(pw);
    }
    ping_arm();
}

static void send_self_ping(rstate *s, bc_room *r)
{
    char *to = occupant_jid(r->jid, r->nick);
    if (!to)
        return;
    s->pinging = true;
    room_ref *ref = g_new0(room_ref, 1);
    ref->room = g_strdup(s->room);
    ref->gen = s->gen;
    xmpp_stanza_t *iq = xmpp_iq_new(bc_xctx, "get", NULL);
    xmpp_stanza_t *ping = bc_xmpp_el("ping", BC_NS_PING);
    xmpp_stanza_add_child(iq, ping);
    xmpp_stanza_release(ping);
    bc_xmpp_iq_send(iq, to, PING_TIMEOUT_MS, on_self_ping, ref, room_ref_free);
    xmpp_stanza_release(iq);
    g_free(to);
}

static void on_ping_timer(void *data)
{
    ping_timer = 0;
    int64_t now = bc_now_ms(), idle = ping_idle_ms();
    if (!idle)
        return;
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, states);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        rstate *s = v;
        bc_room *r = bc_muc_room(s->room);
        if (r && r->state == BC_ROOM_JOINED && !s->pinging && now - s->heard_ms >= idle)
            send_self_ping(s, r);
    }
    ping_arm();
}

/* One timer for all rooms: the next room due, only while any is joined. */
static void ping_arm(void)
{
    int64_t idle = ping_idle_ms();
    if (ping_timer || !states || !bc_xmpp_connected() || !idle)
        return;
    int64_t due = INT64_MAX;
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, states);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        rstate *s = v;
        bc_room *r = bc_muc_room(s->room);
        if (r && r->state == BC_ROOM_JOINED && !s->pinging && s->heard_ms + idle < due)
            due = s->heard_ms + idle;
    }
    if (due == INT64_MAX)
        return;
    int64_t wait = due - bc_now_ms();
    if (wait < 1000)
        wait = 1000;
    ping_timer = bc_timer_add((unsigned)wait, on_ping_timer, NULL);
}

void bc_xmpp_muc_heard(const char *room)
{
    rstate *s = rstate_find(room);
    if (s)
        s->heard_ms = bc_now_ms();
}

bool bc_xmpp_muc_archived(const char *room)
{
    rstate *s = rstate_find(room);
    return s && s->mam;
}

/* ---- presence --------------------------------------------------------------- */

/* The sentence for a refused join (XEP-0045 §7.2), and whether it is a
 * nick conflict. */
static char *join_error(xmpp_stanza_t *pres, bool had_password, bool *conflict)
{
    xmpp_stanza_t *e = xmpp_stanza_get_child_by_name(pres, "error");
    static const struct {
        const char *cond, *text;
    } known[] = {
        {"conflict", "that nick is already in use in the room"},
        {"registration-required", "the room is members-only and you are not a member; ask "
                                  "one of its admins to add you"},
        {"forbidden", "you are banned from this room"},
        {"service-unavailable", "the room is full (or takes no new occupants now); try "
                                "again later"},
        {"item-not-found", "the room does not exist and this service does not let you "
                           "create it"},
        {"not-allowed", "the service does not let you create rooms"},
        {"jid-malformed", "the room wants a nick: /join ROOM/NICK"},
        {"not-acceptable", "the room wants you to use your registered nick"},
    };
    *conflict = false;
    for (size_t i = 0; e && i < G_N_ELEMENTS(known); i++)
        if (xmpp_stanza_get_child_by_name_and_ns(e, known[i].cond, BC_NS_STANZAS)) {
            *conflict = i == 0;
            return g_strdup(known[i].text);
        }
    if (e && xmpp_stanza_get_child_by_name_and_ns(e, "not-authorized", BC_NS_STANZAS))
        return g_strdup(had_password ? "the password is wrong: /join ROOM PASSWORD with the "
                                       "right one"
                                     : "the room needs a password: /join ROOM PASSWORD");
    char *why = bc_xmpp_error_text(pres);
    char *out = g_strdup_printf("the room refused the join (%s)", why);
    g_free(why);
    return out;
}

static void presence_error(xmpp_stanza_t *pres, bc_room *r, rstate *s)
{
    if (r->state == BC_ROOM_JOINING) {
        bool conflict;
        char *why = join_error(pres, r->password && *r->password, &conflict);
        bc_muc_join_failed(r->jid, why, conflict);
        g_free(why);
        return;
    }
    if (r->state != BC_ROOM_JOINED)
        return;
    char *why = bc_xmpp_error_text(pres);
    if (s && s->pending_nick) {
        bool taken = strncmp(why, "conflict", 8) == 0;
        bc_xmpp_muc_line(r->jid, BC_LINE_ERR, "The room refused the nick %s (%s)%s",
                         s->pending_nick, taken ? "it is taken" : why,
                         taken ? ": pick another with /nick NICK" : "");
        g_clear_pointer(&s->pending_nick, g_free);
    } else {
        bc_xmpp_muc_line(r->jid, BC_LINE_ERR, "The room sent an error: %s", why);
    }
    g_free(why);
}

bool bc_xmpp_muc_presence(xmpp_stanza_t *pres)
{
    const char *from = xmpp_stanza_get_from(pres);
    if (!from || strlen(from) > MAX_JID_BYTES || !bc_jid_is_valid(from))
        return false;
    char *bare = bc_jid_bare(from);
    bc_room *r = bare ? bc_muc_room(bare) : NULL;
    g_free(bare);
    if (!r) /* a room we left and forgot is still no contact */
        return xmpp_stanza_get_child_by_name_and_ns(pres, "x", BC_NS_MUC_USER) != NULL;
    rstate *s = rstate_find(r->jid);
    bc_xmpp_muc_heard(r->jid);
    const char *type = xmpp_stanza_get_type(pres);
    if (is(type, "error")) {
        presence_error(pres, r, s);
        return true;
    }
    char *full = bc_sanitize_line(from, -1);
    char *nick = bc_jid_resource(full);
    g_free(full);
    if (!nick || r->state == BC_ROOM_OUT || (type && !is(type, "unavailable"))) {
        g_free(nick); /* the room itself, or after we left: nothing to do */
        return true;
    }
    bc_muc_presence_event ev = {.room = r->jid, .nick = nick, .available = !type};
    char *show = bc_xmpp_child_text(pres, "show", NULL, 8);
    ev.show = bc_show_parse(show);
    g_free(show);
    char *status = bc_xmpp_child_text(pres, "status", NULL, 1024);
    ev.status = status;
    xmpp_stanza_t *x = xmpp_stanza_get_child_by_name_and_ns(pres, "x", BC_NS_MUC_USER);
    xmpp_stanza_t *item = x ? xmpp_stanza_get_child_by_name(x, "item") : NULL;
    char *role = bc_xmpp_attr(item, "role", 16), *affil = bc_xmpp_attr(item, "affiliation", 16);
    if (!bc_muc_role_parse(role, &ev.role))
        ev.role = ev.available ? BC_ROLE_PARTICIPANT : BC_ROLE_NONE;
    if (!bc_muc_affil_parse(affil, &ev.affil))
        ev.affil = BC_AFFIL_NONE;
    g_free(role);
    g_free(affil);
    char *jid = bc_xmpp_attr(item, "jid", MAX_JID_BYTES);
    if (jid && !bc_jid_is_valid(jid))
        g_clear_pointer(&jid, g_free);
    ev.jid = jid;
    char *new_nick = bc_xmpp_attr(item, "nick", MAX_NICK_CHARS);
    xmpp_stanza_t *actor_el = item ? xmpp_stanza_get_child_by_name(item, "actor") : NULL;
    char *actor = bc_xmpp_attr(actor_el, "nick", MAX_NICK_CHARS);
    if (!actor)
        actor = bc_xmpp_attr(actor_el, "jid", MAX_JID_BYTES);
    ev.actor = actor;
    char *reason = bc_xmpp_child_text(item, "reason", NULL, MAX_REASON_CHARS);
    bool nick_change = false, kicked = false, banned = false, affil_exit = false;
    bool members_only = false, shutdown = false;
    for (xmpp_stanza_t *c = x ? xmpp_stanza_get_children(x) : NULL; c; c = xmpp_stanza_get_next(c)) {
        if (!xmpp_stanza_is_tag(c) || !is(xmpp_stanza_get_name(c), "status"))
            continue;
        const char *code = xmpp_stanza_get_attribute(c, "code");
        ev.self |= is(code, "110");
        ev.created |= is(code, "201");
        ev.nick_assigned |= is(code, "210");
        nick_change |= is(code, "303");
        kicked |= is(code, "307");
        banned |= is(code, "301");
        affil_exit |= is(code, "321");
        members_only |= is(code, "322");
        shutdown |= is(code, "332");
    }
    /* Some services leave 110 out: our nick while joining is us. */
    if (!ev.self && r->state == BC_ROOM_JOINING && is(nick, r->nick))
        ev.self = true;
    xmpp_stanza_t *destroy = x ? xmpp_stanza_get_child_by_name(x, "destroy") : NULL;
    if (destroy && !reason)
        reason = bc_xmpp_child_text(destroy, "reason", NULL, MAX_REASON_CHARS);
    ev.reason = reason;
    if (!ev.available) {
        ev.exit = nick_change && new_nick ? BC_MUC_EXIT_NICK
                  : destroy               ? BC_MUC_EXIT_DESTROYED
                  : banned                ? BC_MUC_EXIT_BANNED
                  : kicked                ? BC_MUC_EXIT_KICKED
                  : affil_exit            ? BC_MUC_EXIT_AFFILIATION
                  : members_only          ? BC_MUC_EXIT_MEMBERS_ONLY
                  : shutdown              ? BC_MUC_EXIT_SHUTDOWN
                                          : BC_MUC_EXIT_LEFT;
        ev.new_nick = ev.exit == BC_MUC_EXIT_NICK ? new_nick : NULL;
    }
    bool was_joining = r->state == BC_ROOM_JOINING;
    char *room = g_strdup(r->jid);
    bc_muc_presence(&ev);
    r = bc_muc_room(room);
    if (ev.self && r) {
        if (ev.available && was_joining && r->state == BC_ROOM_JOINED) {
            /* In: the archive fills what the log misses. */
            if (s && s->mam)
                bc_muc_mam_start(room);
            ping_arm();
        }
        if (ev.available && s && s->pending_nick)
            g_clear_pointer(&s->pending_nick, g_free);
        if (r->state == BC_ROOM_OUT)
            bc_muc_mam_stop(room);
    }
    g_free(room);
    g_free(reason);
    g_free(actor);
    g_free(new_nick);
    g_free(jid);
    g_free(status);
    g_free(nick);
    return true;
}

bc_room *bc_xmpp_muc_joined_room(const char *room, GError **err)
{
    char *bare = room ? bc_jid_bare(room) : NULL;
    bc_room *r = bare ? bc_muc_room(bare) : NULL;
    if (!r || r->state != BC_ROOM_JOINED) {
        g_set_error(err, BC_XMPP_ERROR, 1,
                    r ? "you are not in %s now: /join %s first"
                      : "you are not in %s: /join %s first",
                    bare ? bare : (room ? room : ""), bare ? bare : (room ? room : ""));
        r = NULL;
    }
    g_free(bare);
    return r;
}

bool bc_xmpp_muc_nick(const char *room, const char *nick, GError **err)
{
    if (!bc_xmpp_require_online(err))
        return false;
    bc_room *r = bc_xmpp_muc_joined_room(room, err);
    if (!r)
        return false;
    char *to = occupant_jid(r->jid, nick);
    if (!to) {
        g_set_error(err, BC_XMPP_ERROR, 1, "\"%s\" is not a valid nick", nick ? nick : "");
        return false;
    }
    rstate *s = rstate_get(r->jid);
    g_free(s->pending_nick);
    s->pending_nick = g_strdup(nick);
    xmpp_stanza_t *p = xmpp_presence_new(bc_xctx);
    xmpp_stanza_set_to(p, to);
    add_caps(p);
    xmpp_send(bc_xconn, p);
    xmpp_stanza_release(p);
    g_free(to);
    bc_xmpp_pump();
    return true;
}

bool bc_xmpp_muc_leave(const char *room, const char *reason, GError **err)
{
    char *bare = room ? bc_jid_bare(room) : NULL;
    bc_room *r = bare ? bc_muc_room(bare) : NULL;
    g_free(bare);
    if (!r || (r->state == BC_ROOM_OUT && !r->rejoin)) {
        g_set_error(err, BC_XMPP_ERROR, 1, "you are not in %s", room ? room : "that room");
        return false;
    }
    char *to = occupant_jid(r->jid, r->nick);
    if (r->state != BC_ROOM_OUT && to && bc_xconn && bc_xmpp_connected()) {
        xmpp_stanza_t *p = xmpp_presence_new(bc_xctx);
        xmpp_stanza_set_type(p, "unavailable");
        xmpp_stanza_set_to(p, to);
        if (reason && *reason) {
            char *clean = bc_sanitize_line(reason, -1);
            bc_xmpp_add_text_child(p, "status", clean);
            g_free(clean);
        }
        xmpp_send(bc_xconn, p);
        xmpp_stanza_release(p);
        bc_xmpp_pump();
    }
    g_free(to);
    rstate *s = rstate_find(r->jid);
    if (s) {
        s->gen++;
        s->pinging = false;
    }
    bc_muc_mam_stop(r->jid);
    unqueue(r->jid); /* nothing queued may rejoin it */
    bc_muc_leaving(r->jid);
    return true;
}
