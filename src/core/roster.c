/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The contact model: roster items, presence per resource, activity,
 * subscription and blocking; a sorted view rebuilt lazily. */
#include "backchat/roster.h"
#include "backchat/conv.h"
#include "backchat/jid.h"
#include "backchat/notify.h"

#include <string.h>
#include <time.h>

static GHashTable *contacts;  /* bare JID -> bc_contact* */
static GPtrArray *sorted;     /* of bc_contact*, borrowed */
static GPtrArray *groups;     /* of char*, owned */
static bool sorted_stale = true, groups_stale = true;
static unsigned version;
static unsigned strangers;    /* contacts not in the roster */
static bc_roster_view view = {.visible = true, .width = 26, .by = BC_ROSTER_BY_GROUP};

static void resource_free(bc_resource *r)
{
    g_free(r->name);
    g_free(r->status);
    g_free(r->client);
    g_free(r);
}

static void contact_free(bc_contact *c)
{
    g_free(c->jid);
    g_free(c->name);
    g_ptr_array_free(c->groups, TRUE);
    g_ptr_array_free(c->resources, TRUE);
    g_free(c->activity);
    g_free(c->activity_text);
    g_free(c->sort_key);
    g_free(c->local);
    g_free(c);
}

static void changed(bool order, bool group_set)
{
    version++;
    if (order)
        sorted_stale = true;
    if (group_set)
        groups_stale = true;
    bc_dirty(BC_DIRTY_ROSTER | BC_DIRTY_TITLE | BC_DIRTY_TABS);
}

void bc_roster_init(void)
{
    if (contacts)
        return;
    contacts = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)contact_free);
    sorted = g_ptr_array_new();
    groups = g_ptr_array_new_with_free_func(g_free);
    sorted_stale = groups_stale = true;
}

void bc_roster_free(void)
{
    if (!contacts)
        return;
    g_ptr_array_free(sorted, TRUE);
    g_ptr_array_free(groups, TRUE);
    g_hash_table_destroy(contacts);
    contacts = NULL;
    sorted = groups = NULL;
    strangers = 0;
    g_clear_pointer(&view.selected, g_free);
}

bc_roster_view *bc_roster_view_get(void) { return &view; }
unsigned bc_roster_version(void) { return version; }
size_t bc_roster_count(void) { return contacts ? g_hash_table_size(contacts) : 0; }

bc_contact *bc_roster_get(const char *jid)
{
    if (!contacts || !jid)
        return NULL;
    char *bare = bc_jid_bare(jid);
    bc_contact *c = bare ? g_hash_table_lookup(contacts, bare) : NULL;
    g_free(bare);
    return c;
}

static void update_sort_key(bc_contact *c)
{
    g_free(c->sort_key);
    c->sort_key = g_utf8_casefold(bc_contact_display(c), -1);
}

/* Contacts that are not in the roster exist because someone sent us
 * presence, an activity or a request; a hostile server could invent
 * millions. Past this many, strangers are not recorded. */
#define MAX_STRANGERS 2000

static bc_contact *ensure(const char *jid, bool stranger_ok);

bc_contact *bc_roster_ensure(const char *jid) { return ensure(jid, true); }

/* For what a stranger can send: refused once there are too many. */
static bc_contact *ensure_limited(const char *jid) { return ensure(jid, false); }

static bc_contact *ensure(const char *jid, bool unlimited)
{
    bc_roster_init();
    char *bare = bc_jid_bare(jid);
    if (!bare)
        return NULL;
    bc_contact *c = g_hash_table_lookup(contacts, bare);
    if (c) {
        g_free(bare);
        return c;
    }
    if (!unlimited && strangers >= MAX_STRANGERS) {
        g_free(bare);
        return NULL;
    }
    strangers++; /* until it becomes a roster item */
    c = g_new0(bc_contact, 1);
    c->jid = bare;
    c->local = bc_jid_display(bare);
    c->groups = g_ptr_array_new_with_free_func(g_free);
    c->resources = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
    c->show_since = 0; /* unknown until their presence changes */
    update_sort_key(c);
    g_hash_table_insert(contacts, c->jid, c);
    changed(true, false);
    return c;
}

const char *bc_contact_display(const bc_contact *c)
{
    return c->name && *c->name ? c->name : c->local;
}

bool bc_contact_in_group(const bc_contact *c, const char *group)
{
    for (guint i = 0; i < c->groups->len; i++)
        if (strcmp(c->groups->pdata[i], group) == 0)
            return true;
    return false;
}

/* Best resource: highest show, then highest priority. */
static void recompute(bc_contact *c)
{
    bc_show old = c->show;
    bc_resource *best = NULL;
    for (guint i = 0; i < c->resources->len; i++) {
        bc_resource *r = c->resources->pdata[i];
        if (!best || r->show > best->show ||
            (r->show == best->show && r->priority > best->priority))
            best = r;
    }
    c->show = best ? best->show : BC_SHOW_OFFLINE;
    c->status = best ? best->status : NULL;
    c->idle_since = best ? best->idle_since : 0;
    if (c->show != old)
        c->show_since = (int64_t)time(NULL);
    if (c->show == BC_SHOW_OFFLINE && c->activity) {
        g_clear_pointer(&c->activity, g_free);
        g_clear_pointer(&c->activity_text, g_free);
    }
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void bc_roster_begin_full(void)
{
    bc_roster_init();
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, contacts);
    while (g_hash_table_iter_next(&it, NULL, &v))
        ((bc_contact *)v)->seen = false;
}

void bc_roster_end_full(void)
{
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, contacts);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        bc_contact *c = v;
        if (c->in_roster && !c->seen) {
            c->in_roster = false;
            strangers++;
            g_ptr_array_set_size(c->groups, 0);
            c->sub = BC_SUB_NONE;
            c->ask = false;
            g_clear_pointer(&c->name, g_free);
            update_sort_key(c);
        }
    }
    changed(true, true);
}

void bc_roster_item(const char *jid, const char *name, const char *const *grps, bc_sub sub,
                    bool ask)
{
    bc_contact *c = bc_roster_ensure(jid);
    if (!c)
        return;
    c->seen = true;
    if (!c->in_roster && strangers)
        strangers--;
    c->in_roster = true;
    g_free(c->name);
    c->name = name && *name ? g_strdup(name) : NULL;
    g_ptr_array_set_size(c->groups, 0);
    for (size_t i = 0; grps && grps[i]; i++)
        if (*grps[i] && !bc_contact_in_group(c, grps[i]))
            g_ptr_array_add(c->groups, g_strdup(grps[i]));
    g_ptr_array_sort(c->groups, cmp_str);
    /* No longer subscribed to their presence: what we knew of it goes
     * stale, since no unavailable will come. */
    bool had = c->sub == BC_SUB_TO || c->sub == BC_SUB_BOTH;
    bool has = sub == BC_SUB_TO || sub == BC_SUB_BOTH;
    if (had && !has && c->resources->len) {
        g_ptr_array_set_size(c->resources, 0);
        recompute(c);
    }
    c->sub = sub;
    c->ask = ask;
    if (sub == BC_SUB_FROM || sub == BC_SUB_BOTH)
        c->pending_in = false;
    update_sort_key(c);
    changed(true, true);
}

void bc_roster_item_removed(const char *jid)
{
    bc_contact *c = bc_roster_get(jid);
    if (!c)
        return;
    if (c->in_roster)
        strangers++;
    c->in_roster = false;
    c->sub = BC_SUB_NONE;
    c->ask = false;
    g_ptr_array_set_size(c->groups, 0);
    g_clear_pointer(&c->name, g_free);
    update_sort_key(c);
    changed(true, true);
}

static bc_resource *find_resource(bc_contact *c, const char *name, guint *index)
{
    for (guint i = 0; i < c->resources->len; i++) {
        bc_resource *r = c->resources->pdata[i];
        if (strcmp(r->name, name) == 0) {
            if (index)
                *index = i;
            return r;
        }
    }
    return NULL;
}

/* A contact may flood us with resources; keep a sane number. */
#define MAX_RESOURCES 64

void bc_roster_presence(const char *full_jid, bc_show show, const char *status, int priority,
                        int64_t idle_since)
{
    bc_contact *c = show == BC_SHOW_OFFLINE ? bc_roster_get(full_jid) : ensure_limited(full_jid);
    if (!c)
        return;
    char *resname = bc_jid_resource(full_jid);
    const char *rn = resname ? resname : "";
    guint idx = 0;
    bc_resource *r = find_resource(c, rn, &idx);
    bc_show before = c->show;
    if (show == BC_SHOW_OFFLINE) {
        if (r)
            g_ptr_array_remove_index(c->resources, idx);
    } else {
        if (!r) {
            if (c->resources->len >= MAX_RESOURCES) {
                g_free(resname);
                return;
            }
            r = g_new0(bc_resource, 1);
            r->name = g_strdup(rn);
            r->show = BC_SHOW_OFFLINE;
            g_ptr_array_add(c->resources, r);
        }
        if (r->show != show)
            r->since = (int64_t)time(NULL);
        r->show = show;
        g_free(r->status);
        r->status = status && *status ? g_strdup(status) : NULL;
        r->priority = priority;
        r->idle_since = idle_since;
    }
    g_free(resname);
    recompute(c);
    changed(c->show != before, false);
}

void bc_roster_activity(const char *jid, const char *activity, const char *text)
{
    bc_contact *c = ensure_limited(jid);
    if (!c)
        return;
    const char *a = activity && *activity ? activity : NULL;
    const char *t = a && text && *text ? text : NULL;
    if (g_strcmp0(c->activity, a) == 0 && g_strcmp0(c->activity_text, t) == 0)
        return;
    g_free(c->activity);
    g_free(c->activity_text);
    c->activity = g_strdup(a);
    c->activity_text = g_strdup(t);
    c->show_since = (int64_t)time(NULL);
    changed(false, false);
}

void bc_roster_client(const char *full_jid, const char *client)
{
    bc_contact *c = bc_roster_get(full_jid);
    char *rn = bc_jid_resource(full_jid);
    bc_resource *r = c ? find_resource(c, rn ? rn : "", NULL) : NULL;
    g_free(rn);
    if (!r)
        return;
    g_free(r->client);
    r->client = g_strdup(client);
    changed(false, false);
}

void bc_roster_subscription_request(const char *jid)
{
    bc_contact *c = ensure_limited(jid);
    if (!c || c->pending_in)
        return;
    c->pending_in = true;
    changed(true, false);
    bc_console("%s asks to see your presence: /sub allow %s or /sub deny %s", c->jid, c->jid,
               c->jid);
    bc_notify_event(BC_NOTIFY_SUBSCRIPTION, c->jid, c->name ? c->name : c->jid,
                    "asks to see your presence", BC_URGENCY_NORMAL);
}

void bc_roster_set_pending_in(const char *jid, bool pending)
{
    bc_contact *c = bc_roster_get(jid);
    if (c && c->pending_in != pending) {
        c->pending_in = pending;
        changed(true, false);
    }
}

void bc_roster_set_blocked(const char *jid, bool blocked)
{
    bc_contact *c = blocked ? bc_roster_ensure(jid) : bc_roster_get(jid);
    if (c && c->blocked != blocked) {
        c->blocked = blocked;
        changed(true, false);
    }
}

void bc_roster_all_offline(void)
{
    if (!contacts)
        return;
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, contacts);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        bc_contact *c = v;
        g_ptr_array_set_size(c->resources, 0);
        recompute(c);
    }
    changed(true, false);
}

static bool listed(const bc_contact *c)
{
    return c->in_roster || c->resources->len > 0 || c->pending_in;
}

static int cmp_contact(gconstpointer a, gconstpointer b)
{
    const bc_contact *x = *(bc_contact *const *)a, *y = *(bc_contact *const *)b;
    if (x->show != y->show)
        return x->show > y->show ? -1 : 1;
    int k = strcmp(x->sort_key, y->sort_key);
    return k ? k : strcmp(x->jid, y->jid);
}

GPtrArray *bc_roster_sorted(void)
{
    bc_roster_init();
    if (sorted_stale) {
        g_ptr_array_set_size(sorted, 0);
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, contacts);
        while (g_hash_table_iter_next(&it, NULL, &v))
            if (listed(v))
                g_ptr_array_add(sorted, v);
        g_ptr_array_sort(sorted, cmp_contact);
        sorted_stale = false;
    }
    return sorted;
}

GPtrArray *bc_roster_blocked(void)
{
    bc_roster_init();
    GPtrArray *out = g_ptr_array_new();
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, contacts);
    while (g_hash_table_iter_next(&it, NULL, &v))
        if (((bc_contact *)v)->blocked)
            g_ptr_array_add(out, v);
    g_ptr_array_sort(out, cmp_contact);
    return out;
}

GPtrArray *bc_roster_groups(void)
{
    bc_roster_init();
    if (groups_stale) {
        g_ptr_array_set_size(groups, 0);
        GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
        GHashTableIter it;
        gpointer v;
        g_hash_table_iter_init(&it, contacts);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
            bc_contact *c = v;
            for (guint i = 0; i < c->groups->len; i++)
                if (g_hash_table_add(seen, c->groups->pdata[i]))
                    g_ptr_array_add(groups, g_strdup(c->groups->pdata[i]));
        }
        g_hash_table_destroy(seen);
        g_ptr_array_sort(groups, cmp_str);
        groups_stale = false;
    }
    return groups;
}

const char *bc_sub_name(bc_sub s)
{
    switch (s) {
    case BC_SUB_TO: return "to";
    case BC_SUB_FROM: return "from";
    case BC_SUB_BOTH: return "both";
    default: return "none";
    }
}

bc_sub bc_sub_parse(const char *s)
{
    if (!s)
        return BC_SUB_NONE;
    if (strcmp(s, "to") == 0)
        return BC_SUB_TO;
    if (strcmp(s, "from") == 0)
        return BC_SUB_FROM;
    if (strcmp(s, "both") == 0)
        return BC_SUB_BOTH;
    return BC_SUB_NONE;
}

static const char *const categories[] = {"available", "on a call", "in a meeting", "at lunch",
                                         "training",  "busy",      "away",         "offline",
                                         NULL};

const char *const *bc_categories(void) { return categories; }

const char *bc_contact_category(const bc_contact *c)
{
    if (c->show == BC_SHOW_OFFLINE)
        return "offline";
    const char *a = c->activity ? c->activity : "";
    if (g_str_has_prefix(a, "talking"))
        return "on a call";
    if (strcmp(a, "working/in_a_meeting") == 0 || g_str_has_prefix(a, "having_appointment"))
        return "in a meeting";
    if (g_str_has_prefix(a, "eating"))
        return "at lunch";
    if (c->activity_text && strstr(c->activity_text, "raining")) /* Training, training */
        return "training";
    if (c->show == BC_SHOW_DND)
        return "busy";
    if (c->show == BC_SHOW_AWAY || c->show == BC_SHOW_XA)
        return "away";
    return "available";
}

unsigned bc_roster_category_counts(const char *group, unsigned counts[BC_N_CATEGORIES])
{
    memset(counts, 0, sizeof(unsigned) * BC_N_CATEGORIES);
    GPtrArray *all = bc_roster_sorted();
    unsigned total = 0;
    for (guint i = 0; i < all->len; i++) {
        bc_contact *c = all->pdata[i];
        if (!c->in_roster || (group && !bc_contact_in_group(c, group)))
            continue;
        const char *cat = bc_contact_category(c);
        for (int k = 0; k < BC_N_CATEGORIES; k++)
            if (strcmp(categories[k], cat) == 0) {
                counts[k]++;
                break;
            }
        total++;
    }
    return total;
}

char *bc_roster_board_summary(const char *group)
{
    unsigned counts[BC_N_CATEGORIES];
    bc_roster_category_counts(group, counts);
    GString *s = g_string_new(group ? group : "Everyone");
    g_string_append_c(s, ':');
    bool any = false;
    for (int k = 0; k < BC_N_CATEGORIES; k++)
        if (counts[k]) {
            g_string_append_printf(s, "%s %u %s", any ? "," : "", counts[k], categories[k]);
            any = true;
        }
    if (!any)
        g_string_append(s, " nobody");
    return g_string_free(s, FALSE);
}

char *bc_activity_label(const char *activity, const char *text)
{
    if (text && *text)
        return g_strdup(text);
    if (!activity || !*activity)
        return NULL;
    const char *slash = strchr(activity, '/');
    char *s = g_strdup(slash && slash[1] ? slash + 1 : activity);
    if (slash && !slash[1])
        s[slash - activity] = '\0';
    for (char *p = s; *p; p++)
        if (*p == '_')
            *p = ' ';
    return s;
}
