/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Announcements, the model's side: what we received (the Announcements
 * tab, the log, the banner's unacknowledged list) and what we sent (per
 * recipient delivery state, the roll-up line, escalation by nudges). */
#include "announce_internal.h"
#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/core.h"
#include "backchat/jid.h"
#include "backchat/loop.h"
#include "backchat/notify.h"
#include "backchat/roster.h"
#include "backchat/session.h"
#include "backchat/store.h"

#include <string.h>
#include <time.h>

/* Bounded memory however long the client runs; the log keeps the rest. */
#define MAX_RECEIVED 1000
#define MAX_SENT 1000
#define MAX_NUDGES 2
/* The longest escalation interval /announce accepts. */
#define MAX_INTERVAL_S (7 * 24 * 3600)

/* An outgoing announcement with what only this file needs. `pub` first,
 * so the public pointer is the private one. */
typedef struct {
    bc_outgoing_ann pub;
    bc_line *rollup;     /* our roll-up line in the tab (checked before use) */
    char *rollup_text;   /* what we last wrote there */
    int64_t base_ms;     /* escalation counts from here (monotonic) */
} out_ann;

typedef struct {
    bc_ann_recipient pub;
    int64_t last_nudge_ms;
} rcpt;

static GPtrArray *received;    /* bc_announcement*, oldest first, owned */
static GPtrArray *unacked;     /* borrowed from `received` */
static GPtrArray *sent;        /* out_ann*, oldest first, owned */
static GHashTable *last_nudge; /* jid -> int64_t* ms: the interval holds per person */
static unsigned next_n, next_out_n;
static unsigned esc_timer;
static bc_ann_ack_fn acker;
static bc_ann_nudge_fn nudger;

/* ---- helpers -------------------------------------------------------------- */

void bc_announcement_free(gpointer p)
{
    bc_announcement *a = p;
    if (!a)
        return;
    g_free(a->from);
    g_free(a->text);
    g_free(a->stanza_id);
    g_free(a->ann_id);
    g_free(a->room);
    g_free(a);
}

static void rcpt_free(gpointer p)
{
    rcpt *r = p;
    g_free(r->pub.jid);
    g_free(r->pub.name);
    g_free(r->pub.msg_id);
    g_free(r->pub.error);
    g_free(r);
}

static void out_free(gpointer p)
{
    out_ann *o = p;
    g_free(o->pub.id);
    g_free(o->pub.target);
    g_free(o->pub.text);
    g_free(o->pub.room);
    if (o->pub.recipients)
        g_ptr_array_free(o->pub.recipients, TRUE);
    g_free(o->rollup_text);
    g_free(o);
}

static void ensure_init(void)
{
    if (!received)
        bc_announce_init();
}

/* Shown in the banner until acknowledged. */
static bool needs_ack(const bc_announcement *a)
{
    return a->source == BC_ANN_PRIORITY || a->source == BC_ANN_SERVER;
}

/* /ack N takes it: banner ones and marked ones (their sender counts). */
static bool ackable(const bc_announcement *a)
{
    return needs_ack(a) || a->source == BC_ANN_MARKED;
}

/* The waiting list changed: keep it for the next start. */
static void keep(void)
{
    bc_session *s = bc_session_get();
    if (!s || !s->account || !s->account->name)
        return;
    GError *e = NULL;
    if (!bc_announce_keep_write(s->account->name, unacked, &e)) {
        bc_console_err("Cannot keep the waiting announcements for the next start: %s",
                       e ? e->message : "unknown error");
        g_clear_error(&e);
    }
}

static void rebuild_unacked(void)
{
    guint before = unacked->len;
    bc_announcement *first = before ? unacked->pdata[0] : NULL;
    bc_announcement *last = before ? unacked->pdata[before - 1] : NULL;
    g_ptr_array_set_size(unacked, 0);
    for (guint i = 0; i < received->len; i++) {
        bc_announcement *a = received->pdata[i];
        if (needs_ack(a) && !a->acked)
            g_ptr_array_add(unacked, a);
    }
    guint after = unacked->len;
    if (before != after || (after && (unacked->pdata[0] != first ||
                                       unacked->pdata[after - 1] != last)))
        keep();
}

static const char *source_tag(bc_ann_source s)
{
    switch (s) {
    case BC_ANN_SERVER: return "server";
    case BC_ANN_ATTENTION: return "attention";
    case BC_ANN_MARKED: return "announcement";
    case BC_ANN_PRIORITY: return "priority";
    case BC_ANN_HEADLINE: break;
    }
    return "headline";
}

/* The room/nick's nick, or NULL. */
static const char *nick_of(const char *from, const char *room)
{
    size_t n = room ? strlen(room) : 0;
    if (!room || !from || g_ascii_strncasecmp(from, room, n) != 0 || from[n] != '/')
        return NULL;
    return from + n + 1;
}

/* Roster name, else local part (or the nick for a room's occupant). */
static char *display_name(const char *from, const char *room)
{
    const char *nick = nick_of(from, room);
    if (nick)
        return g_strdup(nick);
    char *bare = bc_jid_bare(from);
    bc_contact *c = bare ? bc_roster_get(bare) : NULL;
    char *name = c && c->name && *c->name ? g_strdup(c->name)
                                          : bc_jid_display(bare ? bare : from);
    g_free(bare);
    return name ? name : g_strdup(from);
}

/* Drops the oldest announcement that is not waiting in the banner (the
 * oldest of all if every one is). */
static void trim_received(void)
{
    while (received->len > MAX_RECEIVED) {
        guint drop = 0;
        for (guint i = 0; i < received->len; i++) {
            bc_announcement *a = received->pdata[i];
            if (!needs_ack(a) || a->acked) {
                drop = i;
                break;
            }
        }
        g_ptr_array_remove_index(received, drop);
    }
    rebuild_unacked();
}

static bool already_have(const bc_ann_event *ev)
{
    if (!ev->stanza_id)
        return false;
    for (guint i = received->len; i-- > 0;) {
        bc_announcement *a = received->pdata[i];
        if (a->stanza_id && strcmp(a->stanza_id, ev->stanza_id) == 0 &&
            strcmp(a->from, ev->from) == 0)
            return true;
    }
    return false;
}

static void log_in(const bc_ann_event *ev, const char *body, int64_t now)
{
    bc_store *st = bc_core_log();
    char *conv = ev->room ? g_strdup(ev->room) : bc_jid_bare(ev->from);
    if (st && conv) {
        bool headline = ev->source == BC_ANN_HEADLINE || ev->source == BC_ANN_SERVER;
        bc_store_msg m = {
            .conv = conv,
            .sender = ev->from,
            .body = body,
            .stanza_id = ev->stanza_id,
            .type = ev->room ? "groupchat" : headline ? "headline" : "chat",
            .dir = BC_DIR_IN,
            .ts_server = ev->ts_server,
            .ts_local = now,
            .kind = ev->source == BC_ANN_HEADLINE ? BC_KIND_HEADLINE : BC_KIND_ANNOUNCEMENT,
            .nick = nick_of(ev->from, ev->room),
        };
        bc_store_append(st, &m);
    }
    g_free(conv);
}

/* ---- received --------------------------------------------------------------- */

void bc_announce_receive(const bc_ann_event *ev)
{
    if (!ev || !ev->from)
        return;
    ensure_init();
    if (already_have(ev)) /* a resend (stream resumption): shown once */
        return;
    int64_t now = (int64_t)time(NULL);
    bc_announcement *a = g_new0(bc_announcement, 1);
    a->n = ++next_n;
    a->source = ev->source;
    a->from = g_strdup(ev->from);
    a->text = g_strdup(ev->text);
    a->stanza_id = g_strdup(ev->stanza_id);
    a->ann_id = g_strdup(ev->ann_id);
    a->room = g_strdup(ev->room);
    a->ts = ev->ts_server ? ev->ts_server : now;
    a->markable = ev->markable;
    g_ptr_array_add(received, a);

    const char *body = ev->text && *ev->text ? ev->text : "wants your attention";
    char *who = display_name(ev->from, ev->room);
    /* The number is what /ack takes. */
    char *line = ackable(a) ? g_strdup_printf("[%s #%u] %s", source_tag(a->source), a->n, body)
                            : g_strdup_printf("[%s] %s", source_tag(a->source), body);
    bc_conv *c = bc_conv_open_announce(false);
    bc_line *l = bc_conv_add(c, BC_LINE_IN, who, line, a->ts);
    if (l && a->source == BC_ANN_PRIORITY) {
        l->highlight = true;
        if (c != bc_conv_current())
            c->mentions++;
    }
    bc_dirty(BC_DIRTY_TABS);
    log_in(ev, body, now);

    char *conv = ev->room ? g_strdup(ev->room) : bc_jid_bare(ev->from);
    switch (a->source) {
    case BC_ANN_PRIORITY:
        bc_notify_event(BC_NOTIFY_PRIORITY, conv, who, body, BC_URGENCY_CRITICAL);
        break;
    case BC_ANN_ATTENTION:
        bc_notify_event(BC_NOTIFY_ATTENTION, conv, who, body, BC_URGENCY_NORMAL);
        break;
    default:
        if (c != bc_conv_current())
            bc_notify_event(BC_NOTIFY_MESSAGE, conv, who, body, BC_URGENCY_NORMAL);
        break;
    }
    g_free(conv);
    g_free(line);
    g_free(who);

    trim_received();
    if (needs_ack(a) || received->len >= MAX_RECEIVED)
        bc_dirty(BC_DIRTY_ALL); /* the banner is on every tab */
}

GPtrArray *bc_announce_unacked(void)
{
    ensure_init();
    return unacked;
}

static void do_ack(bc_announcement *a)
{
    a->acked = true;
    /* Only a sender that asked (marker or markable) hears back; a server
     * has no one to tell. */
    if (acker && a->source != BC_ANN_SERVER && (a->ann_id || a->markable) && a->stanza_id)
        acker(a);
    bc_conv *c = bc_conv_open_announce(false);
    char *text = g_strdup_printf("Acknowledged #%u: %s", a->n, a->text ? a->text : "");
    bc_conv_add(c, BC_LINE_SYS, NULL, text, (int64_t)time(NULL));
    g_free(text);
}

bool bc_announce_ack(unsigned n)
{
    ensure_init();
    bc_announcement *a = NULL;
    if (n == 0) {
        a = unacked->len ? unacked->pdata[0] : NULL;
    } else {
        for (guint i = 0; i < received->len && !a; i++) {
            bc_announcement *x = received->pdata[i];
            if (x->n == n && ackable(x) && !x->acked)
                a = x;
        }
    }
    if (!a)
        return false;
    do_ack(a);
    rebuild_unacked();
    bc_dirty(BC_DIRTY_ALL);
    return true;
}

unsigned bc_announce_ack_all(void)
{
    ensure_init();
    unsigned count = 0;
    for (guint i = 0; i < received->len; i++) {
        bc_announcement *a = received->pdata[i];
        if (ackable(a) && !a->acked) {
            do_ack(a);
            count++;
        }
    }
    if (count) {
        rebuild_unacked();
        bc_dirty(BC_DIRTY_ALL);
    }
    return count;
}

void bc_announce_set_acker(bc_ann_ack_fn fn) { acker = fn; }

unsigned bc_announce_restore(void)
{
    ensure_init();
    bc_session *s = bc_session_get();
    if (!s || !s->account || !s->account->name)
        return 0;
    GError *e = NULL;
    GPtrArray *kept = bc_announce_keep_read(s->account->name, &e);
    if (!kept) {
        bc_console_err("%s", e ? e->message : "cannot read the waiting announcements");
        g_clear_error(&e);
        return 0;
    }
    unsigned added = 0;
    bc_conv *c = NULL;
    for (guint i = 0; i < kept->len; i++) {
        bc_announcement *a = kept->pdata[i];
        bc_ann_event ev = {.from = a->from, .stanza_id = a->stanza_id};
        if (!needs_ack(a) || (a->stanza_id && already_have(&ev)))
            continue;
        kept->pdata[i] = NULL; /* moved into `received` */
        a->n = ++next_n;
        g_ptr_array_add(received, a);
        if (!c)
            c = bc_conv_open_announce(false);
        char *who = display_name(a->from, a->room);
        char *line = g_strdup_printf("[%s #%u] %s (waiting since before the restart)",
                                     source_tag(a->source), a->n, a->text ? a->text : "");
        bc_line *l = bc_conv_add(c, BC_LINE_IN, who, line, a->ts);
        if (l && a->source == BC_ANN_PRIORITY)
            l->highlight = true;
        g_free(line);
        g_free(who);
        added++;
    }
    g_ptr_array_unref(kept);
    if (added) {
        trim_received();
        bc_dirty(BC_DIRTY_ALL); /* the banner */
    }
    return added;
}

/* ---- sent ------------------------------------------------------------------- */

static char *own_name(void)
{
    bc_session *s = bc_session_get();
    return bc_jid_display(s && s->account ? s->account->jid : "me");
}

static void log_out(const bc_outgoing_ann *a, const char *conv, const char *msg_id)
{
    bc_store *st = bc_core_log();
    if (!st || !conv)
        return;
    bc_session *s = bc_session_get();
    bc_store_msg m = {
        .conv = conv,
        .sender = s ? s->bound_jid : NULL,
        .body = a->text,
        .stanza_id = msg_id,
        .type = a->room ? "groupchat" : "chat",
        .dir = BC_DIR_OUT,
        .ts_local = (int64_t)time(NULL),
        .kind = BC_KIND_ANNOUNCEMENT,
    };
    bc_store_append(st, &m);
}

bc_outgoing_ann *bc_announce_sent(const char *id, const char *target, const char *text,
                                  bool priority, const char *room, unsigned escalate_s)
{
    ensure_init();
    out_ann *o = g_new0(out_ann, 1);
    o->pub.n = ++next_out_n;
    o->pub.id = g_strdup(id);
    o->pub.target = g_strdup(target);
    o->pub.text = g_strdup(text ? text : "");
    o->pub.priority = priority;
    o->pub.room = g_strdup(room);
    o->pub.sent_at = (int64_t)time(NULL);
    o->pub.escalate_s = escalate_s;
    o->pub.recipients = g_ptr_array_new_with_free_func(rcpt_free);
    g_ptr_array_add(sent, o);
    while (sent->len > MAX_SENT)
        g_ptr_array_remove_index(sent, 0);
    return &o->pub;
}

void bc_announce_add_recipient(bc_outgoing_ann *a, const char *jid, const char *name,
                               const char *msg_id)
{
    if (!a || !jid)
        return;
    rcpt *r = g_new0(rcpt, 1);
    r->pub.jid = g_strdup(jid);
    r->pub.name = g_strdup(name ? name : jid);
    r->pub.msg_id = g_strdup(msg_id);
    r->pub.state = BC_RCPT_SENT;
    g_ptr_array_add(a->recipients, r);
    if (!a->room) { /* logged in each conversation; a room's once, in sent_done */
        char *conv = bc_jid_bare(jid);
        log_out(a, conv, msg_id);
        g_free(conv);
    }
}

static bc_line *rollup_line(out_ann *o)
{
    bc_conv *c = bc_conv_find_type(BC_CONV_ANNOUNCE, NULL);
    if (!c || !o->rollup)
        return NULL;
    /* The ring may have let it go (and reused the memory): it must be
     * there and still carry our text. */
    for (size_t i = c->len; i-- > 0;) {
        const bc_line *l = bc_conv_line(c, i);
        if (l == o->rollup)
            return o->rollup_text && l->text && strcmp(l->text, o->rollup_text) == 0
                       ? o->rollup : NULL;
    }
    return NULL;
}

static void show_rollup(out_ann *o)
{
    char *r = bc_announce_rollup(&o->pub);
    char *text = g_strdup_printf("#%u: %s", o->pub.n, r);
    g_free(r);
    bc_conv *c = bc_conv_open_announce(false);
    bc_line *l = rollup_line(o);
    if (l) {
        g_free(l->text);
        l->text = g_strdup(text);
        bc_dirty(c == bc_conv_current() ? BC_DIRTY_VIEW : BC_DIRTY_TABS);
    } else {
        o->rollup = bc_conv_add(c, BC_LINE_SYS, NULL, text, (int64_t)time(NULL));
    }
    g_free(o->rollup_text);
    o->rollup_text = text;
}

static void schedule_escalation(void);

void bc_announce_sent_done(bc_outgoing_ann *a)
{
    if (!a)
        return;
    out_ann *o = (out_ann *)a;
    if (a->room) {
        const char *msg_id = a->recipients->len
                                 ? ((bc_ann_recipient *)a->recipients->pdata[0])->msg_id
                                 : a->id;
        log_out(a, a->room, msg_id);
    }
    char *me = own_name();
    char *line = g_strdup_printf("[%s #%u to %s] %s", a->priority ? "priority" : "announcement",
                                 a->n, a->target ? a->target : "?", a->text);
    bc_conv *c = bc_conv_open_announce(false);
    bc_conv_add(c, BC_LINE_OUT, me, line, a->sent_at);
    g_free(line);
    g_free(me);
    show_rollup(o);
    if (a->priority && a->escalate_s) {
        o->base_ms = bc_now_ms();
        schedule_escalation();
    }
}

/* Forward only: acknowledged beats displayed beats delivered; a failure
 * only replaces "sent" (another resource may still deliver it). */
static int rank(bc_rcpt_state s)
{
    switch (s) {
    case BC_RCPT_SENT: return 0;
    case BC_RCPT_FAILED: return 1;
    case BC_RCPT_DELIVERED: return 2;
    case BC_RCPT_DISPLAYED: return 3;
    case BC_RCPT_ACKED: return 4;
    }
    return 0;
}

/* Bare JIDs compare without case; a room occupant's nick exactly. */
static bool jid_match(const char *a, const char *b)
{
    const char *sa = strchr(a, '/'), *sb = strchr(b, '/');
    size_t la = sa ? (size_t)(sa - a) : strlen(a), lb = sb ? (size_t)(sb - b) : strlen(b);
    if (la != lb || g_ascii_strncasecmp(a, b, la) != 0)
        return false;
    return (!sa && !sb) || (sa && sb && strcmp(sa, sb) == 0);
}

bool bc_announce_receipt(const char *from, const char *msg_id, bc_rcpt_state state,
                         const char *error)
{
    if (!from || !msg_id || !sent)
        return false;
    for (guint i = sent->len; i-- > 0;) {
        out_ann *o = sent->pdata[i];
        for (guint k = 0; k < o->pub.recipients->len; k++) {
            bc_ann_recipient *r = o->pub.recipients->pdata[k];
            bool id_ok = (r->msg_id && strcmp(r->msg_id, msg_id) == 0) ||
                         (o->pub.id && strcmp(o->pub.id, msg_id) == 0);
            if (!id_ok || !jid_match(r->jid, from))
                continue;
            if (rank(state) > rank(r->state)) {
                r->state = state;
                if (state == BC_RCPT_FAILED) {
                    g_free(r->error);
                    r->error = g_strdup(error);
                }
                show_rollup(o);
            }
            return true;
        }
    }
    return false;
}

static int cmp_names(gconstpointer a, gconstpointer b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    int c = g_ascii_strcasecmp(x, y);
    return c ? c : strcmp(x, y);
}

char *bc_announce_rollup(const bc_outgoing_ann *a)
{
    if (!a || !a->recipients || a->recipients->len == 0)
        return g_strdup("no recipients");
    guint total = a->recipients->len, delivered = 0, acked = 0;
    GPtrArray *waiting = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *failed = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < total; i++) {
        const bc_ann_recipient *r = a->recipients->pdata[i];
        if (r->state == BC_RCPT_FAILED)
            g_ptr_array_add(failed, r->error ? g_strdup_printf("%s (%s)", r->name, r->error)
                                             : g_strdup(r->name));
        else if (r->state != BC_RCPT_ACKED)
            g_ptr_array_add(waiting, g_strdup(r->name));
        delivered += r->state >= BC_RCPT_DELIVERED && r->state <= BC_RCPT_ACKED;
        acked += r->state == BC_RCPT_ACKED;
    }
    GString *s = g_string_new(NULL);
    g_string_printf(s, "delivered %u/%u, acknowledged %u/%u", delivered, total, acked, total);
    if (acked == total) {
        g_string_append(s, "; everyone acknowledged");
    } else {
        g_ptr_array_sort(waiting, cmp_names);
        g_ptr_array_sort(failed, cmp_names);
        for (guint i = 0; i < waiting->len; i++)
            g_string_append_printf(s, "%s%s", i ? ", " : "; not acknowledged: ",
                                   (char *)waiting->pdata[i]);
        for (guint i = 0; i < failed->len; i++)
            g_string_append_printf(s, "%s%s", i ? ", " : "; failed: ", (char *)failed->pdata[i]);
    }
    g_ptr_array_free(waiting, TRUE);
    g_ptr_array_free(failed, TRUE);
    return g_string_free(s, FALSE);
}

bc_outgoing_ann *bc_announce_get(unsigned n)
{
    if (!sent || sent->len == 0)
        return NULL;
    if (n == 0)
        return &((out_ann *)sent->pdata[sent->len - 1])->pub;
    for (guint i = 0; i < sent->len; i++) {
        out_ann *o = sent->pdata[i];
        if (o->pub.n == n)
            return &o->pub;
    }
    return NULL;
}

GPtrArray *bc_announce_sent_list(void)
{
    ensure_init();
    return sent;
}

/* ---- escalation ------------------------------------------------------------- */

void bc_announce_set_nudger(bc_ann_nudge_fn fn) { nudger = fn; }

static int64_t min_interval_ms(void)
{
    int v = bc_config_int("announce", "min_nudge_interval", 60);
    /* Nonsense (0, negative, huge) must neither flood nor stall. */
    return (int64_t)CLAMP(v, 1, 24 * 3600) * 1000;
}

/* When recipient `r` of `o` is due its next nudge; -1: never. */
static int64_t nudge_due(const out_ann *o, const rcpt *r, int64_t min_ms)
{
    if (!o->pub.priority || !o->pub.escalate_s || !o->base_ms || r->pub.nudges >= MAX_NUDGES ||
        r->pub.state == BC_RCPT_ACKED || r->pub.state == BC_RCPT_FAILED)
        return -1;
    int64_t due = o->base_ms + (int64_t)(r->pub.nudges + 1) * o->pub.escalate_s * 1000;
    int64_t last = r->last_nudge_ms;
    int64_t *g = g_hash_table_lookup(last_nudge, r->pub.jid);
    if (g && *g > last)
        last = *g;
    if (last && due < last + min_ms)
        due = last + min_ms;
    return due;
}

static void on_escalation_timer(void *unused)
{
    esc_timer = 0;
    bc_announce_tick(bc_now_ms());
}

/* One timer, armed only while some recipient is still to be nudged. */
static void schedule_escalation(void)
{
    int64_t next = -1, min_ms = min_interval_ms();
    for (guint i = 0; sent && i < sent->len; i++) {
        out_ann *o = sent->pdata[i];
        for (guint k = 0; k < o->pub.recipients->len; k++) {
            int64_t due = nudge_due(o, o->pub.recipients->pdata[k], min_ms);
            if (due >= 0 && (next < 0 || due < next))
                next = due;
        }
    }
    bc_timer_cancel(esc_timer);
    esc_timer = 0;
    if (next < 0)
        return;
    int64_t wait = next - bc_now_ms();
    esc_timer = bc_timer_add((unsigned)CLAMP(wait, 0, (int64_t)MAX_INTERVAL_S * 1000),
                             on_escalation_timer, NULL);
}

void bc_announce_tick(int64_t now_ms)
{
    ensure_init();
    int64_t min_ms = min_interval_ms();
    for (guint i = 0; i < sent->len; i++) {
        out_ann *o = sent->pdata[i];
        for (guint k = 0; k < o->pub.recipients->len; k++) {
            rcpt *r = o->pub.recipients->pdata[k];
            int64_t due = nudge_due(o, r, min_ms);
            if (due < 0 || due > now_ms)
                continue;
            char *text = g_strdup_printf("Please acknowledge: %s", o->pub.text);
            bool ok = nudger && nudger(r->pub.jid, text);
            g_free(text);
            /* A failed send (offline) waits an interval, uncounted. */
            r->last_nudge_ms = now_ms;
            int64_t *g = g_new(int64_t, 1);
            *g = now_ms;
            g_hash_table_replace(last_nudge, g_strdup(r->pub.jid), g);
            char *line;
            if (ok) {
                r->pub.nudges++;
                line = g_strdup_printf("#%u: asked %s for attention (%d/%d): not acknowledged yet",
                                       o->pub.n, r->pub.name, r->pub.nudges, MAX_NUDGES);
            } else {
                line = g_strdup_printf("#%u: could not ask %s for attention (not connected?); "
                                       "trying again later", o->pub.n, r->pub.name);
            }
            bc_conv_add(bc_conv_open_announce(false), BC_LINE_SYS, NULL, line,
                        (int64_t)time(NULL));
            g_free(line);
        }
    }
    schedule_escalation();
}

bool bc_announce_parse_interval(const char *s, unsigned *out)
{
    if (!s || !*s || !g_ascii_isdigit(*s))
        return false;
    guint64 v = 0;
    const char *p = s;
    while (g_ascii_isdigit(*p)) {
        v = v * 10 + (guint64)(*p++ - '0');
        if (v > MAX_INTERVAL_S)
            return false;
    }
    guint64 mul = 1;
    if (*p == 's' || *p == 'S')
        p++;
    else if (*p == 'm' || *p == 'M')
        mul = 60, p++;
    else if (*p == 'h' || *p == 'H')
        mul = 3600, p++;
    else if (*p == 'd' || *p == 'D')
        mul = 86400, p++;
    if (*p || v == 0 || v * mul > MAX_INTERVAL_S)
        return false;
    if (out)
        *out = (unsigned)(v * mul);
    return true;
}

/* ---- life ------------------------------------------------------------------- */

void bc_announce_init(void)
{
    if (received)
        return;
    received = g_ptr_array_new_with_free_func(bc_announcement_free);
    unacked = g_ptr_array_new();
    sent = g_ptr_array_new_with_free_func(out_free);
    last_nudge = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    next_n = next_out_n = 0;
}

void bc_announce_free(void)
{
    bc_timer_cancel(esc_timer);
    esc_timer = 0;
    if (unacked)
        g_ptr_array_free(unacked, TRUE);
    if (received)
        g_ptr_array_free(received, TRUE);
    if (sent)
        g_ptr_array_free(sent, TRUE);
    if (last_nudge)
        g_hash_table_destroy(last_nudge);
    unacked = received = sent = NULL;
    last_nudge = NULL;
    acker = NULL;
    nudger = NULL;
}
