/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Group chat (XEP-0045), the model's side: rooms and their occupants (a
 * hash table by nick, so every presence costs O(1); the panel's sorted
 * view is rebuilt at most once after a change, when asked for), the lines
 * a room's tab shows about who came and went, our own state in each room,
 * nick completion order and mention detection. Invitations and bookmarks
 * are in muc_marks.c. */
#include "backchat/muc.h"
#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/session.h"
#include "muc_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The join summary names at most this many occupants. */
#define SUMMARY_NAMES 20

/* bc_room plus what only this file needs; `pub` first so a bc_room* is
 * one of these. */
typedef struct room_priv {
    bc_room pub;
    GPtrArray *sorted;     /* of bc_occupant*, borrowed; NULL: stale */
    GHashTable *spoke;     /* nick -> sequence number of its last message */
    bool subject_seen;     /* the subject of this join was shown */
} room_priv;

static GHashTable *rooms;  /* bare JID -> room_priv*, owned */
static GPtrArray *order;   /* of bc_room*, borrowed, in the order joined */
static uint64_t spoke_seq;

/* ---- names ---------------------------------------------------------------- */

static const char *const role_names[] = {"none", "visitor", "participant", "moderator"};
static const char *const affil_names[] = {"outcast", "none", "member", "admin", "owner"};

const char *bc_muc_role_name(bc_muc_role r)
{
    return (unsigned)r < G_N_ELEMENTS(role_names) ? role_names[r] : "none";
}

bool bc_muc_role_parse(const char *s, bc_muc_role *out)
{
    for (size_t i = 0; s && i < G_N_ELEMENTS(role_names); i++)
        if (strcmp(s, role_names[i]) == 0) {
            *out = (bc_muc_role)i;
            return true;
        }
    return false;
}

const char *bc_muc_affil_name(bc_muc_affil a)
{
    return (unsigned)a < G_N_ELEMENTS(affil_names) ? affil_names[a] : "none";
}

bool bc_muc_affil_parse(const char *s, bc_muc_affil *out)
{
    for (size_t i = 0; s && i < G_N_ELEMENTS(affil_names); i++)
        if (strcmp(s, affil_names[i]) == 0) {
            *out = (bc_muc_affil)i;
            return true;
        }
    return false;
}

/* ---- rooms ---------------------------------------------------------------- */

static void occupant_free(gpointer p)
{
    bc_occupant *o = p;
    if (!o)
        return;
    g_free(o->nick);
    g_free(o->jid);
    g_free(o->status);
    g_free(o);
}

static void room_free(gpointer p)
{
    room_priv *rp = p;
    bc_room *r = &rp->pub;
    g_free(r->jid);
    g_free(r->nick);
    g_free(r->password);
    g_free(r->subject);
    g_hash_table_unref(r->occupants);
    if (rp->sorted)
        g_ptr_array_unref(rp->sorted);
    g_hash_table_unref(rp->spoke);
    g_free(rp);
}

void bc_muc_init(void)
{
    if (rooms)
        return;
    rooms = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, room_free);
    order = g_ptr_array_new();
    spoke_seq = 0;
    bc_muc_marks_init();
}

void bc_muc_free(void)
{
    if (order)
        g_ptr_array_unref(order);
    if (rooms)
        g_hash_table_unref(rooms);
    order = NULL;
    rooms = NULL;
    bc_muc_marks_free();
}

/* The key rooms are filed under: the bare JID, lower-cased as jid.c does. */
static char *room_key(const char *room)
{
    char *bare = room ? bc_jid_bare(room) : NULL;
    return bare ? bare : g_strdup(room);
}

bc_room *bc_muc_room(const char *room)
{
    if (!rooms || !room)
        return NULL;
    bc_room *r = g_hash_table_lookup(rooms, room); /* the common case: already bare */
    if (r)
        return r;
    char *k = room_key(room);
    r = k ? g_hash_table_lookup(rooms, k) : NULL;
    g_free(k);
    return r;
}

GPtrArray *bc_muc_rooms(void)
{
    if (!order)
        bc_muc_init();
    return order;
}

bc_room *bc_muc_room_of_conv(const char *conv_jid)
{
    /* A private chat's jid is room@service/nick: its room too. */
    return bc_muc_room(conv_jid);
}

static void stale(bc_room *r)
{
    room_priv *rp = (room_priv *)r;
    g_clear_pointer(&rp->sorted, g_ptr_array_unref);
    bc_dirty(BC_DIRTY_ROSTER);
}

static void clear_occupants(bc_room *r)
{
    if (g_hash_table_size(r->occupants) == 0)
        return;
    g_hash_table_remove_all(r->occupants);
    stale(r);
}

/* A line in the room's tab (opened if it was closed meanwhile). */
static void G_GNUC_PRINTF(3, 4) room_line(bc_room *r, bc_line_kind kind, const char *fmt, ...)
{
    bc_conv *c = bc_conv_open_room(r->jid, false);
    if (!c)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    bc_conv_add(c, kind, NULL, text, 0);
    g_free(text);
}

bc_room *bc_muc_joining(const char *room, const char *nick, const char *password, bool focus)
{
    if (!room || !nick || !*nick)
        return NULL;
    bc_muc_init();
    bc_room *r = bc_muc_room(room);
    if (!r) {
        room_priv *fresh = g_new0(room_priv, 1);
        r = &fresh->pub;
        r->jid = room_key(room);
        r->occupants = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, occupant_free);
        fresh->spoke = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_hash_table_insert(rooms, r->jid, fresh);
        g_ptr_array_add(order, r);
    }
    room_priv *rp = (room_priv *)r;
    clear_occupants(r);
    if (r->nick != nick) {
        g_free(r->nick);
        r->nick = g_strdup(nick);
    }
    if (r->password != password) {
        g_free(r->password);
        r->password = g_strdup(password);
    }
    r->state = BC_ROOM_JOINING;
    r->rejoin = true;
    r->created = false;
    r->history_from_archive = false;
    r->joined_at = 0;
    rp->subject_seen = false;
    bc_conv_open_room(r->jid, focus);
    room_line(r, BC_LINE_SYS, "Joining %s as %s\u2026", r->jid, r->nick);
    bc_dirty(BC_DIRTY_TITLE | BC_DIRTY_TABS | BC_DIRTY_ROSTER);
    return r;
}

/* Leaves the room in the model: out, nobody listed. */
static void go_out(bc_room *r, bool rejoin)
{
    r->state = BC_ROOM_OUT;
    r->rejoin = rejoin;
    clear_occupants(r);
    bc_dirty(BC_DIRTY_TITLE | BC_DIRTY_TABS | BC_DIRTY_ROSTER);
}

void bc_muc_join_failed(const char *room, const char *why, bool nick_conflict)
{
    bc_room *r = bc_muc_room(room);
    if (!r)
        return;
    go_out(r, false);
    room_line(r, BC_LINE_ERR, "Could not join %s: %s", r->jid,
              why && *why ? why : "the room refused the join");
    if (nick_conflict)
        room_line(r, BC_LINE_ERR, "Pick another nick: /join %s/NICK", r->jid);
}

void bc_muc_leaving(const char *room)
{
    bc_room *r = bc_muc_room(room);
    if (!r || r->state == BC_ROOM_OUT) {
        if (r)
            r->rejoin = false;
        return;
    }
    go_out(r, false);
    room_line(r, BC_LINE_SYS, "You left %s.", r->jid);
}

void bc_muc_disconnected(void)
{
    for (guint i = 0; order && i < order->len; i++) {
        bc_room *r = order->pdata[i];
        if (r->state == BC_ROOM_OUT)
            continue;
        go_out(r, r->rejoin);
        if (r->rejoin)
            room_line(r, BC_LINE_SYS, "Disconnected: not in the room until the connection is"
                                      " back, then backchat joins it again.");
        else
            room_line(r, BC_LINE_SYS, "Disconnected: not in the room any more.");
    }
}

void bc_muc_forget(const char *room)
{
    bc_room *r = bc_muc_room(room);
    if (!r)
        return;
    g_ptr_array_remove(order, r);
    g_hash_table_remove(rooms, r->jid);
    bc_dirty(BC_DIRTY_ROSTER | BC_DIRTY_TITLE);
}

/* ---- occupants ------------------------------------------------------------ */

const bc_occupant *bc_muc_occupant(const bc_room *r, const char *nick)
{
    return r && nick ? g_hash_table_lookup(r->occupants, nick) : NULL;
}

static int role_rank(bc_muc_role role)
{
    switch (role) {
    case BC_ROLE_MODERATOR: return 0;
    case BC_ROLE_PARTICIPANT: return 1;
    case BC_ROLE_VISITOR: return 2;
    default: return 3;
    }
}

static int nick_cmp(const char *a, const char *b)
{
    char *fa = g_utf8_casefold(a, -1), *fb = g_utf8_casefold(b, -1);
    int d = g_utf8_collate(fa, fb);
    if (d == 0)
        d = strcmp(a, b); /* a stable order for nicks that differ in case only */
    g_free(fa);
    g_free(fb);
    return d;
}

/* An occupant with its sort key, computed once per rebuild. */
typedef struct {
    bc_occupant *o;
    char *key;
} keyed;

static gint cmp_panel(gconstpointer pa, gconstpointer pb)
{
    const keyed *a = pa, *b = pb;
    int d = role_rank(a->o->role) - role_rank(b->o->role);
    if (!d)
        d = strcmp(a->key, b->key);
    return d ? d : strcmp(a->o->nick, b->o->nick);
}

static char *sort_key(const char *nick)
{
    char *f = g_utf8_casefold(nick, -1);
    char *k = g_utf8_collate_key(f, -1);
    g_free(f);
    return k;
}

GPtrArray *bc_muc_occupants_sorted(bc_room *r)
{
    if (!r)
        return NULL;
    room_priv *rp = (room_priv *)r;
    if (!rp->sorted) {
        guint n = g_hash_table_size(r->occupants);
        keyed *all = g_new(keyed, n ? n : 1);
        GHashTableIter it;
        gpointer v;
        guint i = 0;
        g_hash_table_iter_init(&it, r->occupants);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
            all[i].o = v;
            all[i++].key = sort_key(((bc_occupant *)v)->nick);
        }
        qsort(all, n, sizeof *all, cmp_panel);
        rp->sorted = g_ptr_array_sized_new(n);
        for (i = 0; i < n; i++) {
            g_ptr_array_add(rp->sorted, all[i].o);
            g_free(all[i].key);
        }
        g_free(all);
    }
    return rp->sorted;
}

void bc_muc_spoke(bc_room *r, const char *nick)
{
    if (!r || !nick || !*nick)
        return;
    room_priv *rp = (room_priv *)r;
    /* Only occupants (and not too many strays) are remembered. */
    if (g_hash_table_size(rp->spoke) > 2 * g_hash_table_size(r->occupants) + 64)
        g_hash_table_remove_all(rp->spoke);
    g_hash_table_replace(rp->spoke, g_strdup(nick), GSIZE_TO_POINTER((gsize)++spoke_seq));
}

typedef struct {
    const bc_occupant *o;
    gsize seq;
} cand;

static gint cmp_cand(gconstpointer pa, gconstpointer pb)
{
    const cand *a = pa, *b = pb;
    if (a->seq != b->seq)
        return a->seq > b->seq ? -1 : 1;
    return nick_cmp(a->o->nick, b->o->nick);
}

char **bc_muc_nick_complete(bc_room *r, const char *prefix)
{
    GArray *found = g_array_new(FALSE, FALSE, sizeof(cand));
    char *fp = g_utf8_casefold(prefix ? prefix : "", -1);
    size_t fl = strlen(fp);
    if (r) {
        room_priv *rp = (room_priv *)r;
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, r->occupants);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
            const bc_occupant *o = v;
            char *fn = g_utf8_casefold(o->nick, -1);
            if (strncmp(fn, fp, fl) == 0) {
                cand c = {o, GPOINTER_TO_SIZE(g_hash_table_lookup(rp->spoke, o->nick))};
                g_array_append_val(found, c);
            }
            g_free(fn);
        }
    }
    g_array_sort(found, cmp_cand);
    char **out = g_new0(char *, found->len + 1);
    for (guint i = 0; i < found->len; i++)
        out[i] = g_strdup(g_array_index(found, cand, i).o->nick);
    g_array_free(found, TRUE);
    g_free(fp);
    return out;
}

/* ---- presence ------------------------------------------------------------- */

static const char *article(const char *word)
{
    return strchr("aeiou", word[0]) ? "an" : "a";
}

/* " by alice: spam", " by alice", ": spam" or "". Newly allocated. */
static char *by_because(const char *actor, const char *reason)
{
    bool a = actor && *actor, why = reason && *reason;
    return g_strdup_printf("%s%s%s%s", a ? " by " : "", a ? actor : "", why ? ": " : "",
                           why ? reason : "");
}

static void set_str(char **dst, const char *src)
{
    if (g_strcmp0(*dst, src) != 0) {
        g_free(*dst);
        *dst = g_strdup(src);
    }
}

/* Finds or adds the occupant and takes the presence's values; tells
 * whether it was new and what its role and affiliation were before. */
static bc_occupant *upsert(bc_room *r, const bc_muc_presence_event *ev, bool *is_new,
                           bc_muc_role *old_role, bc_muc_affil *old_affil)
{
    bc_occupant *o = g_hash_table_lookup(r->occupants, ev->nick);
    *is_new = o == NULL;
    if (!o) {
        o = g_new0(bc_occupant, 1);
        o->nick = g_strdup(ev->nick);
        g_hash_table_insert(r->occupants, o->nick, o);
        stale(r);
    }
    *old_role = o->role;
    *old_affil = o->affil;
    if (!*is_new && (o->role != ev->role))
        stale(r);
    if (ev->jid) /* rooms send it with every presence or never; keep what we know */
        set_str(&o->jid, ev->jid);
    o->role = ev->role;
    o->affil = ev->affil;
    o->show = ev->show == BC_SHOW_OFFLINE ? BC_SHOW_ONLINE : ev->show;
    set_str(&o->status, ev->status && *ev->status ? ev->status : NULL);
    if (!*is_new)
        bc_dirty(BC_DIRTY_ROSTER); /* show/status in the panel */
    return o;
}

/* "bob is now a moderator", "bob is no longer a member", for another
 * occupant (who = the nick) or us (who = "You", self). */
static void tell_changes(bc_room *r, const char *who, bool self, bc_muc_role old_role,
                         bc_muc_role role, bc_muc_affil old_affil, bc_muc_affil affil)
{
    const char *is = self ? "are" : "is";
    if (old_affil != affil) {
        if (affil > BC_AFFIL_NONE)
            room_line(r, BC_LINE_SYS, "%s %s now %s %s", who, is, article(affil_names[affil]),
                      affil_names[affil]);
        else if (old_affil > BC_AFFIL_NONE)
            room_line(r, BC_LINE_SYS, "%s %s no longer %s %s", who, is,
                      article(affil_names[old_affil]), affil_names[old_affil]);
    }
    if (old_role != role && role != BC_ROLE_NONE)
        room_line(r, BC_LINE_SYS, "%s %s now %s %s%s", who, is, article(role_names[role]),
                  role_names[role], role == BC_ROLE_VISITOR ? " (cannot speak)" : "");
}

/* Our self-presence completes the join: what we are, and who is there. */
static void joined(bc_room *r, const bc_muc_presence_event *ev)
{
    r->state = BC_ROOM_JOINED;
    r->joined_at = (int64_t)time(NULL);
    r->created = ev->created;
    set_str(&r->nick, ev->nick);
    bc_muc_invite_drop(r->jid); /* answered */
    room_line(r, BC_LINE_SYS, "You joined %s as %s%s", r->jid, r->nick,
              ev->nick_assigned ? " (the room assigned this nick)" : "");
    if (ev->created)
        room_line(r, BC_LINE_SYS, "The room was created and is locked until you configure it:"
                                  " /roomconfig or /roomconfig instant");
    GPtrArray *all = bc_muc_occupants_sorted(r);
    GString *s = g_string_new(NULL);
    guint n = 0;
    for (guint i = 0; i < all->len; i++) {
        const bc_occupant *o = all->pdata[i];
        if (strcmp(o->nick, r->nick) == 0)
            continue;
        if (n < SUMMARY_NAMES)
            g_string_append_printf(s, "%s%s", n ? ", " : "", o->nick);
        n++;
    }
    if (n == 0)
        room_line(r, BC_LINE_SYS, "Nobody else is here.");
    else if (n <= SUMMARY_NAMES)
        room_line(r, BC_LINE_SYS, "%u occupant%s: %s", n, n == 1 ? "" : "s", s->str);
    else
        room_line(r, BC_LINE_SYS, "%u occupants: %s and %u more", n, s->str, n - SUMMARY_NAMES);
    g_string_free(s, TRUE);
    bc_dirty(BC_DIRTY_TITLE | BC_DIRTY_TABS);
}

static void self_gone(bc_room *r, const bc_muc_presence_event *ev)
{
    char *bb = by_because(ev->actor, ev->reason);
    const char *why = ev->reason && *ev->reason ? ev->reason : NULL;
    bool was_in = r->state != BC_ROOM_OUT;
    go_out(r, false);
    switch (ev->exit) {
    case BC_MUC_EXIT_KICKED:
        room_line(r, BC_LINE_ERR, "You were kicked from %s%s", r->jid, bb);
        break;
    case BC_MUC_EXIT_BANNED:
        room_line(r, BC_LINE_ERR, "You were banned from %s%s", r->jid, bb);
        break;
    case BC_MUC_EXIT_AFFILIATION:
        room_line(r, BC_LINE_ERR, "You were removed from %s by an affiliation change%s%s",
                  r->jid, why ? ": " : "", why ? why : "");
        break;
    case BC_MUC_EXIT_MEMBERS_ONLY:
        room_line(r, BC_LINE_ERR, "You were removed from %s: it is now members-only", r->jid);
        break;
    case BC_MUC_EXIT_SHUTDOWN:
        room_line(r, BC_LINE_ERR, "You are out of %s: the service is shutting down; /join %s"
                  " when it is back", r->jid, r->jid);
        break;
    case BC_MUC_EXIT_DESTROYED:
        room_line(r, BC_LINE_ERR, "The room %s was destroyed%s", r->jid, bb);
        break;
    default:
        if (was_in) /* bc_muc_leaving() already said so otherwise */
            room_line(r, BC_LINE_SYS, "You left %s.", r->jid);
        break;
    }
    g_free(bb);
}

/* An occupant changes nick (303): the entry moves, real JID and role stay. */
static void renamed(bc_room *r, const char *old, const char *new_nick, bool self)
{
    bc_occupant *o = g_hash_table_lookup(r->occupants, old);
    if (o && !g_hash_table_contains(r->occupants, new_nick)) {
        g_hash_table_steal(r->occupants, old);
        g_free(o->nick);
        o->nick = g_strdup(new_nick);
        g_hash_table_insert(r->occupants, o->nick, o);
        stale(r);
    }
    room_priv *rp = (room_priv *)r;
    gpointer seq = g_hash_table_lookup(rp->spoke, old);
    if (seq) {
        g_hash_table_remove(rp->spoke, old);
        g_hash_table_replace(rp->spoke, g_strdup(new_nick), seq);
    }
    if (self) {
        set_str(&r->nick, new_nick);
        room_line(r, BC_LINE_SYS, "You are now known as %s", new_nick);
        bc_dirty(BC_DIRTY_TITLE);
    } else {
        room_line(r, BC_LINE_SYS, "%s is now known as %s", old, new_nick);
    }
}

static void occupant_gone(bc_room *r, const bc_muc_presence_event *ev)
{
    bool quiet = r->state != BC_ROOM_JOINED; /* the initial list */
    bool had = g_hash_table_remove(r->occupants, ev->nick);
    g_hash_table_remove(((room_priv *)r)->spoke, ev->nick);
    if (had)
        stale(r);
    if (quiet || !had)
        return;
    char *bb = by_because(ev->actor, ev->reason);
    const char *why = ev->reason && *ev->reason ? ev->reason : NULL;
    const char *n = ev->nick;
    switch (ev->exit) {
    case BC_MUC_EXIT_KICKED: room_line(r, BC_LINE_SYS, "%s was kicked%s", n, bb); break;
    case BC_MUC_EXIT_BANNED: room_line(r, BC_LINE_SYS, "%s was banned%s", n, bb); break;
    case BC_MUC_EXIT_AFFILIATION:
        room_line(r, BC_LINE_SYS, "%s was removed by an affiliation change%s%s", n,
                  why ? ": " : "", why ? why : "");
        break;
    case BC_MUC_EXIT_MEMBERS_ONLY:
        room_line(r, BC_LINE_SYS, "%s was removed: the room is now members-only", n);
        break;
    case BC_MUC_EXIT_SHUTDOWN:
        room_line(r, BC_LINE_SYS, "%s left: the service is shutting down", n);
        break;
    case BC_MUC_EXIT_DESTROYED:
        room_line(r, BC_LINE_SYS, "%s left: the room was destroyed", n);
        break;
    default:
        if (ev->status && *ev->status)
            room_line(r, BC_LINE_SYS, "%s left (%s)", n, ev->status);
        else
            room_line(r, BC_LINE_SYS, "%s left", n);
        break;
    }
    g_free(bb);
}

void bc_muc_presence(const bc_muc_presence_event *ev)
{
    if (!ev || !ev->nick || !*ev->nick)
        return;
    bc_room *r = bc_muc_room(ev->room);
    if (!r)
        return; /* a room we are not in */
    /* Our own presence: by status 110, or by nick while joining (some
     * services leave 110 out of the reflection). */
    bool self = ev->self;
    if (!ev->available) {
        if (ev->exit == BC_MUC_EXIT_NICK && ev->new_nick && *ev->new_nick) {
            if (r->state == BC_ROOM_JOINED)
                renamed(r, ev->nick, ev->new_nick, self || g_strcmp0(ev->nick, r->nick) == 0);
            else if (g_hash_table_remove(r->occupants, ev->nick))
                stale(r); /* the initial list: its new presence follows */
            return;
        }
        if (self) {
            self_gone(r, ev);
            return;
        }
        if (r->state == BC_ROOM_OUT)
            return;
        occupant_gone(r, ev);
        return;
    }
    if (r->state == BC_ROOM_OUT && !self)
        return; /* stray presence after we left */
    bool is_new;
    bc_muc_role old_role;
    bc_muc_affil old_affil;
    upsert(r, ev, &is_new, &old_role, &old_affil);
    if (self) {
        if (r->state != BC_ROOM_JOINED) {
            joined(r, ev);
            return;
        }
        if (strcmp(ev->nick, r->nick) != 0) {
            set_str(&r->nick, ev->nick); /* a nick change the room applied */
            bc_dirty(BC_DIRTY_TITLE);
        }
        if (!is_new)
            tell_changes(r, "You", true, old_role, ev->role, old_affil, ev->affil);
        return;
    }
    if (r->state != BC_ROOM_JOINED)
        return; /* the initial list: summarised when we are in */
    if (is_new)
        room_line(r, BC_LINE_SYS, "%s joined", ev->nick);
    else
        tell_changes(r, ev->nick, false, old_role, ev->role, old_affil, ev->affil);
}

void bc_muc_subject(const char *room, const char *nick, const char *subject)
{
    bc_room *r = bc_muc_room(room);
    if (!r)
        return;
    room_priv *rp = (room_priv *)r;
    const char *s = subject && *subject ? subject : NULL;
    bool first = !rp->subject_seen;
    rp->subject_seen = true;
    bool same = g_strcmp0(r->subject, s) == 0;
    set_str(&r->subject, s);
    bc_dirty(BC_DIRTY_TITLE);
    bool by = nick && *nick;
    if (first) {
        /* Part of the join: what the subject is. */
        if (s)
            room_line(r, BC_LINE_SYS, "Subject: %s%s%s%s", s, by ? " (set by " : "",
                      by ? nick : "", by ? ")" : "");
        return;
    }
    if (same && !by)
        return;
    if (s)
        room_line(r, BC_LINE_SYS, "%s changed the subject to: %s", by ? nick : "The room", s);
    else
        room_line(r, BC_LINE_SYS, "%s cleared the subject", by ? nick : "The room");
}

/* ---- mentions ------------------------------------------------------------- */

/* Letters, digits (any script), combining marks and '_' make words. */
static bool word_char(gunichar c)
{
    return c == '_' || g_unichar_isalnum(c) || g_unichar_ismark(c);
}

static char *fold(const char *s)
{
    char *n = g_utf8_normalize(s, -1, G_NORMALIZE_DEFAULT_COMPOSE);
    char *f = g_utf8_casefold(n ? n : s, -1);
    g_free(n);
    return f;
}

static bool ascii_only(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

/* The common case, done without copies: ASCII needs no normalising, and
 * folding it is ASCII case. Same rules as below. */
static bool mentions_ascii(const char *text, const char *nick)
{
    size_t nl = strlen(nick);
    for (const char *p = text; *p; p++) {
        if (g_ascii_tolower(*p) != g_ascii_tolower(*nick) || g_ascii_strncasecmp(p, nick, nl) != 0)
            continue;
        bool before = p == text || !word_char((unsigned char)p[-1]);
        bool after = !p[nl] || !word_char((unsigned char)p[nl]);
        if (before && after)
            return true;
    }
    return false;
}

bool bc_muc_mentions(const char *text, const char *nick)
{
    if (text && nick && *nick && ascii_only(text) && ascii_only(nick))
        return mentions_ascii(text, nick);
    if (!text || !nick || !*nick || !g_utf8_validate(text, -1, NULL) ||
        !g_utf8_validate(nick, -1, NULL))
        return false;
    char *t = fold(text), *n = fold(nick);
    size_t nl = strlen(n);
    bool found = false;
    /* UTF-8 cannot match in the middle of a character, so every hit
     * starts on a character boundary. The nick must stand alone: no word
     * character right before or after it, whatever the nick is made of. */
    for (const char *p = nl ? strstr(t, n) : NULL; p && !found; p = strstr(p + 1, n)) {
        const char *prev = p > t ? g_utf8_find_prev_char(t, p) : NULL;
        bool before = !prev || !word_char(g_utf8_get_char(prev));
        bool after = !p[nl] || !word_char(g_utf8_get_char(p + nl));
        found = before && after;
    }
    g_free(t);
    g_free(n);
    return found;
}

/* ---- the nick to join with ------------------------------------------------ */

char *bc_muc_default_nick(void)
{
    char *nick = bc_config_string("muc", "nick", NULL);
    if (nick) {
        g_strstrip(nick);
        if (*nick)
            return nick;
        g_free(nick);
    }
    bc_session *s = bc_session_get();
    bc_jid *j = s && s->account && s->account->jid ? bc_jid_parse(s->account->jid) : NULL;
    char *out = g_strdup(j && j->local ? j->local : j ? j->domain : "guest");
    bc_jid_free(j);
    return out;
}
