/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Chat states (XEP-0085) in the model: the peers' typing, with expiry,
 * and our own composing / paused / active, sent only to peers that have
 * shown they support it. */
#include "backchat/chatstate.h"
#include "backchat/loop.h"
#include "backchat/session.h"

#include <string.h>

/* Anyone can send us chat states: the table of peers is bounded. */
#define MAX_PEERS 1024

typedef struct peer {
    char *jid;
    bool supported;           /* sent us a chat state this session */
    bc_chatstate theirs;
    int64_t theirs_ms;        /* bc_now_ms() of their last state */
    unsigned expire_timer;    /* while they are composing */
    bc_chatstate ours;        /* what we last sent */
    int64_t typed_ms;         /* our last change to the input line */
    unsigned pause_timer;     /* while we are composing */
} peer;

static GHashTable *peers;     /* jid -> peer* */
static bc_chatstate_sender sender;
/* The input line as last seen, and the tab it was typed in. */
static guint line_hash;
static char *line_conv;
static bool line_seen;        /* false: nothing seen yet, any tab will do */
static unsigned composing_ms = BC_CHATSTATE_COMPOSING_MS;
static unsigned pause_ms = BC_CHATSTATE_PAUSE_MS;

void bc_chatstate_set_times(unsigned c_ms, unsigned p_ms)
{
    composing_ms = c_ms ? c_ms : BC_CHATSTATE_COMPOSING_MS;
    pause_ms = p_ms ? p_ms : BC_CHATSTATE_PAUSE_MS;
}

static const char *const names[] = {
    [BC_CHATSTATE_ACTIVE] = "active",     [BC_CHATSTATE_COMPOSING] = "composing",
    [BC_CHATSTATE_PAUSED] = "paused",     [BC_CHATSTATE_INACTIVE] = "inactive",
    [BC_CHATSTATE_GONE] = "gone",
};

const char *bc_chatstate_name(bc_chatstate st)
{
    return (unsigned)st < G_N_ELEMENTS(names) ? names[st] : NULL;
}

bc_chatstate bc_chatstate_parse(const char *name)
{
    for (size_t i = 1; name && i < G_N_ELEMENTS(names); i++)
        if (strcmp(name, names[i]) == 0)
            return (bc_chatstate)i;
    return BC_CHATSTATE_NONE;
}

static void peer_free(gpointer p)
{
    peer *e = p;
    bc_timer_cancel(e->expire_timer);
    bc_timer_cancel(e->pause_timer);
    g_free(e->jid);
    g_free(e);
}

static peer *lookup(const char *jid)
{
    return peers && jid ? g_hash_table_lookup(peers, jid) : NULL;
}

static peer *get(const char *jid)
{
    if (!jid || !*jid)
        return NULL;
    if (!peers)
        peers = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, peer_free);
    peer *e = g_hash_table_lookup(peers, jid);
    if (e || g_hash_table_size(peers) >= MAX_PEERS)
        return e;
    e = g_new0(peer, 1);
    e->jid = g_strdup(jid);
    g_hash_table_insert(peers, e->jid, e);
    return e;
}

/* ---- theirs ------------------------------------------------------------- */

static void on_expire(void *data)
{
    peer *e = data;
    e->expire_timer = 0;
    if (e->theirs == BC_CHATSTATE_COMPOSING)
        e->theirs = BC_CHATSTATE_ACTIVE; /* no update: they stopped */
    bc_dirty(BC_DIRTY_TITLE);
}

static void set_theirs(peer *e, bc_chatstate st)
{
    bc_timer_cancel(e->expire_timer);
    e->expire_timer = 0;
    e->theirs = st;
    e->theirs_ms = bc_now_ms();
    if (st == BC_CHATSTATE_COMPOSING)
        e->expire_timer = bc_timer_add(composing_ms, on_expire, e);
    bc_dirty(BC_DIRTY_TITLE);
}

void bc_chatstate_received(const char *jid, bc_chatstate st)
{
    peer *e = st == BC_CHATSTATE_NONE ? NULL : get(jid);
    if (!e)
        return;
    e->supported = true;
    set_theirs(e, st);
}

void bc_chatstate_message_seen(const char *jid)
{
    peer *e = lookup(jid);
    if (e && (e->theirs == BC_CHATSTATE_COMPOSING || e->theirs == BC_CHATSTATE_PAUSED))
        set_theirs(e, BC_CHATSTATE_ACTIVE);
}

bc_chatstate bc_chatstate_of(const char *jid)
{
    peer *e = lookup(jid);
    if (!e)
        return BC_CHATSTATE_NONE;
    /* The timer may not have run yet in this loop turn. */
    if (e->theirs == BC_CHATSTATE_COMPOSING &&
        bc_now_ms() - e->theirs_ms >= (int64_t)composing_ms)
        return BC_CHATSTATE_ACTIVE;
    return e->theirs;
}

bool bc_chatstate_supported(const char *jid)
{
    peer *e = lookup(jid);
    return e && e->supported;
}

char *bc_chatstate_describe(const bc_conv *c)
{
    if (!c || !c->jid || (c->type != BC_CONV_CHAT && c->type != BC_CONV_PRIVATE))
        return NULL;
    if (bc_chatstate_of(c->jid) != BC_CHATSTATE_COMPOSING)
        return NULL;
    return g_strdup_printf("%s is typing\xe2\x80\xa6", c->title ? c->title : c->jid);
}

/* ---- ours --------------------------------------------------------------- */

void bc_chatstate_set_sender(bc_chatstate_sender fn) { sender = fn; }

static void send_ours(peer *e, bc_chatstate st)
{
    if (sender && sender(e->jid, st))
        e->ours = st;
}

static void on_pause(void *data)
{
    peer *e = data;
    e->pause_timer = 0;
    if (e->ours != BC_CHATSTATE_COMPOSING)
        return;
    int64_t idle = bc_now_ms() - e->typed_ms;
    if (idle >= (int64_t)pause_ms) {
        send_ours(e, BC_CHATSTATE_PAUSED);
        if (e->ours == BC_CHATSTATE_COMPOSING)
            e->ours = BC_CHATSTATE_NONE; /* could not send: start over */
    } else {
        /* Typed since: one timer for the rest, not one per key. */
        e->pause_timer = bc_timer_add((unsigned)((int64_t)pause_ms - idle), on_pause, e);
    }
}

void bc_chatstate_typed(const bc_conv *c, const char *line)
{
    if (bc_prompt_pending())
        return; /* a secret being typed: not even its hash is kept */
    const char *jid = c && c->jid && (c->type == BC_CONV_CHAT || c->type == BC_CONV_PRIVATE)
                          ? c->jid
                          : NULL;
    guint h = g_str_hash(line ? line : "");
    if (!line_seen) {
        /* The first call: the line started empty, in this tab. */
        line_seen = true;
        line_hash = g_str_hash("");
        line_conv = g_strdup(jid);
    }
    bool same_tab = g_strcmp0(jid, line_conv) == 0;
    if (same_tab && h == line_hash)
        return; /* a cursor move or a redraw, not a change */
    line_hash = h;
    if (!same_tab) {
        /* Switching tabs with text in the line is not typing. */
        g_free(line_conv);
        line_conv = g_strdup(jid);
        return;
    }
    /* Commands are not typing to anyone. */
    if (!jid || !line || !*line || line[0] == '/')
        return;
    peer *e = lookup(jid);
    if (!e || !e->supported)
        return;
    e->typed_ms = bc_now_ms();
    if (e->ours == BC_CHATSTATE_COMPOSING)
        return; /* said once; the pause timer watches the rest */
    send_ours(e, BC_CHATSTATE_COMPOSING);
    if (e->ours == BC_CHATSTATE_COMPOSING && !e->pause_timer)
        e->pause_timer = bc_timer_add(pause_ms, on_pause, e);
}

void bc_chatstate_sent_active(const char *jid)
{
    peer *e = lookup(jid);
    if (!e)
        return;
    e->ours = BC_CHATSTATE_ACTIVE;
    bc_timer_cancel(e->pause_timer);
    e->pause_timer = 0;
}

bc_chatstate bc_chatstate_ours(const char *jid)
{
    peer *e = lookup(jid);
    return e ? e->ours : BC_CHATSTATE_NONE;
}

void bc_chatstate_reset(void)
{
    if (peers && g_hash_table_size(peers) > 0) {
        g_hash_table_remove_all(peers);
        bc_dirty(BC_DIRTY_TITLE);
    }
}

void bc_chatstate_free(void)
{
    g_clear_pointer(&peers, g_hash_table_destroy);
    g_clear_pointer(&line_conv, g_free);
    line_hash = 0;
    line_seen = false;
    sender = NULL;
    composing_ms = BC_CHATSTATE_COMPOSING_MS;
    pause_ms = BC_CHATSTATE_PAUSE_MS;
}
