/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for the contact model (src/core/roster.c): items, presence per resource, order, board categories. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "backchat/conv.h"
#include "backchat/presence.h"
#include "backchat/roster.h"

/* The roster needs no files; the console (for subscription requests) is
 * set up for every test so bc_console() has somewhere to go. */
static int setup(void **state)
{
    (void)state;
    bc_convs_init(1000);
    bc_roster_init();
    bc_dirty_take();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    bc_roster_free();
    bc_convs_free();
    return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("\"%s\" does not contain \"%s\"", hay ? hay : "(null)", needle);
}

static void item(const char *jid, const char *name, const char *g1, const char *g2)
{
    const char *groups[] = {g1, g2, NULL};
    bc_roster_item(jid, name, g1 ? groups : NULL, BC_SUB_BOTH, false);
}

static void online(const char *full, bc_show show)
{
    bc_roster_presence(full, show, NULL, 0, 0);
}

static bc_contact *get(const char *jid)
{
    bc_contact *c = bc_roster_get(jid);
    if (!c)
        fail_msg("no contact %s", jid);
    return c;
}

static bool in_sorted(const bc_contact *c)
{
    GPtrArray *s = bc_roster_sorted();
    for (guint i = 0; i < s->len; i++)
        if (s->pdata[i] == c)
            return true;
    return false;
}

static size_t console_len(void) { return bc_conv_console()->len; }

static const char *console_text(size_t i)
{
    const bc_line *l = bc_conv_line(bc_conv_console(), i);
    return l ? l->text : NULL;
}

static void assert_groups(const bc_contact *c, const char *const *want)
{
    size_t n = 0;
    while (want[n])
        n++;
    if (c->groups->len != n)
        fail_msg("%s has %u groups, want %zu", c->jid, c->groups->len, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(c->groups->pdata[i], want[i]);
}

/* ---- roster items -------------------------------------------------------- */

static void test_item_add_update(void **state)
{
    (void)state;
    const char *g[] = {"Support", "Dev", "Support", "", "Admin", "Dev", NULL};
    bc_roster_item("alice@example.org", "Alice", g, BC_SUB_BOTH, false);
    assert_int_equal(bc_roster_count(), 1);
    bc_contact *a = get("alice@example.org");
    assert_string_equal(a->jid, "alice@example.org");
    assert_string_equal(a->name, "Alice");
    assert_string_equal(bc_contact_display(a), "Alice");
    assert_groups(a, (const char *const[]){"Admin", "Dev", "Support", NULL});
    assert_int_equal(a->sub, BC_SUB_BOTH);
    assert_false(a->ask);
    assert_true(a->in_roster);
    assert_int_equal(a->show, BC_SHOW_OFFLINE);
    assert_true(bc_contact_in_group(a, "Dev"));
    assert_false(bc_contact_in_group(a, "dev"));
    assert_false(bc_contact_in_group(a, "Sales"));

    /* A push replaces name, groups, subscription and ask. */
    const char *g2[] = {"Zeta", "Alpha", NULL};
    bc_roster_item("Alice@EXAMPLE.org", "", g2, BC_SUB_TO, true);
    assert_int_equal(bc_roster_count(), 1);
    assert_ptr_equal(get("alice@example.org"), a);
    assert_null(a->name);
    assert_string_equal(bc_contact_display(a), "alice");
    assert_groups(a, (const char *const[]){"Alpha", "Zeta", NULL});
    assert_int_equal(a->sub, BC_SUB_TO);
    assert_true(a->ask);

    /* No groups at all. */
    bc_roster_item("alice@example.org", "Al", NULL, BC_SUB_NONE, false);
    assert_int_equal(a->groups->len, 0);
    assert_string_equal(bc_contact_display(a), "Al");
    assert_int_equal(a->sub, BC_SUB_NONE);
    assert_false(a->ask);

    /* An invalid JID is ignored. */
    bc_roster_item("not a jid", "X", NULL, BC_SUB_BOTH, false);
    bc_roster_item("", "X", NULL, BC_SUB_BOTH, false);
    assert_int_equal(bc_roster_count(), 1);
}

static void test_sub_names(void **state)
{
    (void)state;
    const bc_sub all[] = {BC_SUB_NONE, BC_SUB_TO, BC_SUB_FROM, BC_SUB_BOTH};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(bc_sub_parse(bc_sub_name(all[i])), all[i]);
    assert_string_equal(bc_sub_name(BC_SUB_BOTH), "both");
    assert_string_equal(bc_sub_name(BC_SUB_NONE), "none");
    assert_int_equal(bc_sub_parse(NULL), BC_SUB_NONE);
    assert_int_equal(bc_sub_parse("remove"), BC_SUB_NONE);
}

static void test_full_roster(void **state)
{
    (void)state;
    item("a@example.org", "A", "Support", NULL);
    item("b@example.org", "B", "Sales", NULL);
    item("c@example.org", "C", "Gone", NULL);
    item("d@example.org", "D", "Gone", NULL);
    online("c@example.org/phone", BC_SHOW_ONLINE);
    bc_roster_ensure("stranger@example.net"); /* never in the roster */
    assert_int_equal(bc_roster_sorted()->len, 4);

    bc_roster_begin_full();
    item("a@example.org", "A", "Support", NULL);
    const char *g[] = {"Support", NULL};
    bc_roster_item("b@example.org", "Bee", g, BC_SUB_FROM, false);
    item("e@example.org", "E", NULL, NULL);
    bc_roster_end_full();

    bc_contact *a = get("a@example.org"), *b = get("b@example.org");
    bc_contact *c = get("c@example.org"), *d = get("d@example.org");
    bc_contact *e = get("e@example.org"), *s = get("stranger@example.net");
    assert_true(a->in_roster);
    assert_true(b->in_roster);
    assert_true(e->in_roster);
    assert_string_equal(b->name, "Bee");
    assert_int_equal(b->sub, BC_SUB_FROM);
    assert_groups(b, (const char *const[]){"Support", NULL});

    /* Dropped: no longer in the roster, no groups, no subscription. */
    assert_false(c->in_roster);
    assert_false(d->in_roster);
    assert_int_equal(c->groups->len, 0);
    assert_int_equal(d->groups->len, 0);
    assert_int_equal(c->sub, BC_SUB_NONE);
    assert_int_equal(d->sub, BC_SUB_NONE);
    assert_false(s->in_roster);

    /* c still has presence, so it is listed; d has nothing left. */
    assert_true(in_sorted(a));
    assert_true(in_sorted(b));
    assert_true(in_sorted(c));
    assert_false(in_sorted(d));
    assert_true(in_sorted(e));
    assert_false(in_sorted(s));
    assert_int_equal(bc_roster_sorted()->len, 4);

    /* The "Gone" and "Sales" groups went with them. */
    GPtrArray *gr = bc_roster_groups();
    assert_int_equal(gr->len, 1);
    assert_string_equal(gr->pdata[0], "Support");
}

/* A contact dropped by a full roster result is in the same state as one
 * removed by a push: its roster name goes too (bc_roster_item_removed
 * clears it), so the list shows the JID's local part, not a stale name. */
static void test_full_roster_drop_clears_name(void **state)
{
    (void)state;
    item("carol@example.org", "Zz Old Name", "Support", NULL);
    online("carol@example.org/phone", BC_SHOW_ONLINE);
    bc_roster_begin_full();
    bc_roster_end_full();
    bc_contact *c = get("carol@example.org");
    assert_false(c->in_roster);
    assert_true(in_sorted(c));
    assert_null(c->name);
    assert_string_equal(bc_contact_display(c), "carol");

    /* Same end state as bc_roster_item_removed. */
    item("dave@example.org", "Zz Old Name", "Support", NULL);
    online("dave@example.org/phone", BC_SHOW_ONLINE);
    bc_roster_item_removed("dave@example.org");
    bc_contact *d = get("dave@example.org");
    assert_null(d->name);
    assert_string_equal(bc_contact_display(d), "dave");
}

static void test_item_removed(void **state)
{
    (void)state;
    const char *g[] = {"Support", NULL};
    bc_roster_item("bob@example.org", "Bob", g, BC_SUB_BOTH, true);
    item("carol@example.org", "Carol", "Support", NULL);
    unsigned v = bc_roster_version();
    bc_roster_item_removed("BOB@example.ORG/laptop");
    assert_true(bc_roster_version() != v);
    bc_contact *b = get("bob@example.org");
    assert_false(b->in_roster);
    assert_null(b->name);
    assert_int_equal(b->groups->len, 0);
    assert_int_equal(b->sub, BC_SUB_NONE);
    assert_false(b->ask);
    assert_false(in_sorted(b));
    assert_int_equal(bc_roster_sorted()->len, 1);

    /* Removing someone unknown does nothing. */
    size_t n = bc_roster_count();
    bc_roster_item_removed("nobody@example.org");
    bc_roster_item_removed(NULL);
    assert_int_equal(bc_roster_count(), n);
    assert_null(bc_roster_get("nobody@example.org"));
}

static void test_lookup(void **state)
{
    (void)state;
    item("Bob@Example.ORG", "Bob", NULL, NULL);
    bc_contact *b = get("bob@example.org");
    assert_string_equal(b->jid, "bob@example.org");
    assert_ptr_equal(bc_roster_get("bob@EXAMPLE.org"), b);
    assert_ptr_equal(bc_roster_get("bob@example.org/phone"), b);
    assert_ptr_equal(bc_roster_get("BOB@Example.Org/Laptop"), b);
    assert_null(bc_roster_get("bob@example.com"));
    assert_null(bc_roster_get("bobby@example.org"));
    assert_null(bc_roster_get(NULL));
    assert_null(bc_roster_get("not a jid"));
    assert_null(bc_roster_get("bob@example.org/"));

    assert_ptr_equal(bc_roster_ensure("bob@example.ORG/x"), b);
    assert_int_equal(bc_roster_count(), 1);
    assert_null(bc_roster_ensure("not a jid"));
    assert_null(bc_roster_ensure(""));
    assert_int_equal(bc_roster_count(), 1);

    /* A stranger: known, but not listed until there is something to show. */
    bc_contact *s = bc_roster_ensure("Stranger@Example.NET/res");
    assert_non_null(s);
    assert_string_equal(s->jid, "stranger@example.net");
    assert_false(s->in_roster);
    assert_string_equal(bc_contact_display(s), "stranger");
    assert_int_equal(bc_roster_count(), 2);
    assert_false(in_sorted(s));
}

/* ---- presence ------------------------------------------------------------ */

static void test_presence_best_resource(void **state)
{
    (void)state;
    item("carol@example.org", "Carol", NULL, NULL);
    bc_contact *c = get("carol@example.org");
    bc_dirty_take();

    bc_roster_presence("carol@example.org/phone", BC_SHOW_AWAY, "on the road", 50, 0);
    assert_int_equal(c->show, BC_SHOW_AWAY);
    assert_string_equal(c->status, "on the road");
    assert_true(bc_dirty_take() & BC_DIRTY_ROSTER);

    /* A more available resource wins even with a lower priority. */
    bc_roster_presence("Carol@EXAMPLE.org/laptop", BC_SHOW_ONLINE, "at my desk", -1, 1700000000);
    assert_int_equal(c->resources->len, 2);
    assert_int_equal(c->show, BC_SHOW_ONLINE);
    assert_string_equal(c->status, "at my desk");
    assert_int_equal(c->idle_since, 1700000000);

    /* The same resource again updates in place. */
    bc_roster_presence("carol@example.org/laptop", BC_SHOW_ONLINE, "still here", -1, 0);
    assert_int_equal(c->resources->len, 2);
    assert_string_equal(c->status, "still here");
    assert_int_equal(c->idle_since, 0);

    /* Equal show: the higher priority decides. */
    bc_roster_presence("carol@example.org/tablet", BC_SHOW_ONLINE, "tablet", 5, 42);
    assert_int_equal(c->resources->len, 3);
    assert_string_equal(c->status, "tablet");
    assert_int_equal(c->idle_since, 42);
    bc_roster_presence("carol@example.org/laptop", BC_SHOW_ONLINE, "laptop", 10, 7);
    assert_string_equal(c->status, "laptop");
    assert_int_equal(c->idle_since, 7);

    /* The best resource goes offline: the next best decides. */
    bc_roster_presence("carol@example.org/laptop", BC_SHOW_OFFLINE, NULL, 0, 0);
    assert_int_equal(c->resources->len, 2);
    assert_int_equal(c->show, BC_SHOW_ONLINE);
    assert_string_equal(c->status, "tablet");
    assert_int_equal(c->idle_since, 42);
    bc_roster_presence("carol@example.org/tablet", BC_SHOW_OFFLINE, NULL, 0, 0);
    assert_int_equal(c->resources->len, 1);
    assert_int_equal(c->show, BC_SHOW_AWAY);
    assert_string_equal(c->status, "on the road");
    assert_int_equal(c->idle_since, 0);

    /* An empty status is no status. */
    bc_roster_presence("carol@example.org/phone", BC_SHOW_XA, "", 0, 0);
    assert_int_equal(c->show, BC_SHOW_XA);
    assert_null(c->status);

    /* Offline for a resource we do not know changes nothing. */
    bc_roster_presence("carol@example.org/ghost", BC_SHOW_OFFLINE, NULL, 0, 0);
    assert_int_equal(c->resources->len, 1);
    assert_int_equal(c->show, BC_SHOW_XA);
}

static void test_presence_bare_and_unknown(void **state)
{
    (void)state;
    /* Presence from a bare JID is the resource "". */
    item("dan@example.org", NULL, NULL, NULL);
    bc_contact *d = get("dan@example.org");
    bc_roster_presence("dan@example.org", BC_SHOW_DND, "busy", 0, 0);
    assert_int_equal(d->resources->len, 1);
    assert_string_equal(((bc_resource *)d->resources->pdata[0])->name, "");
    assert_int_equal(d->show, BC_SHOW_DND);
    bc_roster_presence("dan@example.org", BC_SHOW_OFFLINE, NULL, 0, 0);
    assert_int_equal(d->resources->len, 0);
    assert_int_equal(d->show, BC_SHOW_OFFLINE);

    /* Unavailable from someone unknown does not create a contact. */
    size_t n = bc_roster_count();
    bc_roster_presence("ghost@example.org/x", BC_SHOW_OFFLINE, NULL, 0, 0);
    assert_null(bc_roster_get("ghost@example.org"));
    assert_int_equal(bc_roster_count(), n);
    /* Available from a stranger does, and lists them. */
    bc_roster_presence("walker@example.net/x", BC_SHOW_ONLINE, NULL, 0, 0);
    bc_contact *w = get("walker@example.net");
    assert_false(w->in_roster);
    assert_true(in_sorted(w));
    /* Invalid JIDs are ignored. */
    bc_roster_presence("not a jid/x", BC_SHOW_ONLINE, NULL, 0, 0);
    assert_int_equal(bc_roster_count(), n + 1);
}

static void test_all_resources_offline(void **state)
{
    (void)state;
    item("erin@example.org", "Erin", NULL, NULL);
    bc_contact *e = get("erin@example.org");
    bc_roster_presence("erin@example.org/a", BC_SHOW_DND, "on a call", 0, 100);
    bc_roster_presence("erin@example.org/b", BC_SHOW_AWAY, "phone", 0, 0);
    bc_roster_activity("erin@example.org", "talking/on_the_phone", "Customer call");
    assert_string_equal(e->activity, "talking/on_the_phone");
    assert_string_equal(e->activity_text, "Customer call");
    assert_string_equal(bc_contact_category(e), "on a call");

    bc_roster_presence("erin@example.org/b", BC_SHOW_OFFLINE, NULL, 0, 0);
    assert_int_equal(e->show, BC_SHOW_DND);
    assert_string_equal(e->activity, "talking/on_the_phone"); /* still one resource */
    bc_roster_presence("erin@example.org/a", BC_SHOW_OFFLINE, NULL, 0, 0);
    assert_int_equal(e->show, BC_SHOW_OFFLINE);
    assert_int_equal(e->resources->len, 0);
    assert_null(e->status);
    assert_int_equal(e->idle_since, 0);
    assert_null(e->activity);
    assert_null(e->activity_text);
    assert_string_equal(bc_contact_category(e), "offline");
    assert_true(in_sorted(e)); /* still in the roster */
}

static void test_show_since(void **state)
{
    (void)state;
    item("fay@example.org", "Fay", NULL, NULL);
    bc_contact *f = get("fay@example.org");
    const int64_t OLD = 1000;
    int64_t t0 = (int64_t)time(NULL);

    f->show_since = OLD;
    bc_roster_presence("fay@example.org/a", BC_SHOW_ONLINE, "one", 0, 0);
    assert_true(f->show_since >= t0);

    /* Same aggregated show: status text, priority, another resource with
     * a lower show, that resource leaving: none of it moves show_since. */
    f->show_since = OLD;
    bc_roster_presence("fay@example.org/a", BC_SHOW_ONLINE, "two", 3, 0);
    assert_int_equal(f->show_since, OLD);
    bc_roster_presence("fay@example.org/b", BC_SHOW_AWAY, "phone", 9, 0);
    assert_int_equal(f->show_since, OLD);
    bc_roster_presence("fay@example.org/b", BC_SHOW_ONLINE, "phone", 9, 0);
    assert_int_equal(f->show_since, OLD);
    assert_string_equal(f->status, "phone");
    bc_roster_presence("fay@example.org/b", BC_SHOW_OFFLINE, NULL, 0, 0);
    assert_int_equal(f->show_since, OLD);
    assert_string_equal(f->status, "two");

    /* The aggregated show changes. */
    bc_roster_presence("fay@example.org/a", BC_SHOW_DND, "two", 3, 0);
    assert_true(f->show_since >= t0);

    /* Activity: a change moves it, the same activity again does not. */
    f->show_since = OLD;
    bc_roster_activity("fay@example.org", "eating", NULL);
    assert_true(f->show_since >= t0);
    f->show_since = OLD;
    bc_roster_activity("fay@example.org", "eating", NULL);
    assert_int_equal(f->show_since, OLD);
    bc_roster_activity("fay@example.org", "eating", "Pizza");
    assert_true(f->show_since >= t0);
    f->show_since = OLD;
    bc_roster_activity("fay@example.org", NULL, NULL);
    assert_null(f->activity);
    assert_null(f->activity_text);
    assert_true(f->show_since >= t0);

    /* Going offline is a change. */
    f->show_since = OLD;
    bc_roster_presence("fay@example.org/a", BC_SHOW_OFFLINE, NULL, 0, 0);
    assert_true(f->show_since >= t0);
}

static void test_roster_all_offline(void **state)
{
    (void)state;
    item("g1@example.org", "G1", "Team", NULL);
    item("g2@example.org", "G2", "Team", NULL);
    online("g1@example.org/a", BC_SHOW_CHAT);
    online("g1@example.org/b", BC_SHOW_AWAY);
    online("g2@example.org/a", BC_SHOW_DND);
    bc_roster_activity("g2@example.org", "working/in_a_meeting", "Standup");
    online("visitor@example.net/x", BC_SHOW_ONLINE);
    bc_roster_subscription_request("asker@example.net");
    assert_int_equal(bc_roster_sorted()->len, 4);

    unsigned v = bc_roster_version();
    bc_roster_all_offline();
    assert_true(bc_roster_version() != v);
    const char *const jids[] = {"g1@example.org", "g2@example.org", "visitor@example.net",
                                "asker@example.net"};
    for (size_t i = 0; i < 4; i++) {
        bc_contact *c = get(jids[i]);
        assert_int_equal(c->show, BC_SHOW_OFFLINE);
        assert_int_equal(c->resources->len, 0);
        assert_null(c->status);
        assert_null(c->activity);
        assert_null(c->activity_text);
    }
    /* The roster stays, and so does an open request; the visitor goes. */
    GPtrArray *s = bc_roster_sorted();
    assert_int_equal(s->len, 3);
    assert_false(in_sorted(get("visitor@example.net")));
    assert_true(in_sorted(get("asker@example.net")));
    assert_true(get("g1@example.org")->in_roster);
}

static void test_max_resources(void **state)
{
    (void)state;
    item("flood@example.org", NULL, NULL, NULL);
    bc_contact *c = get("flood@example.org");
    char full[64];
    for (int i = 0; i < 65; i++) {
        snprintf(full, sizeof full, "flood@example.org/r%02d", i);
        bc_roster_presence(full, i == 64 ? BC_SHOW_CHAT : BC_SHOW_AWAY, NULL, 0, 0);
    }
    assert_true(c->resources->len <= 64);
    assert_int_equal(c->resources->len, 64);
    /* Those kept still update; when one leaves, there is room again. */
    bc_roster_presence("flood@example.org/r00", BC_SHOW_ONLINE, "r00", 0, 0);
    assert_int_equal(c->show, BC_SHOW_ONLINE);
    assert_string_equal(c->status, "r00");
    bc_roster_presence("flood@example.org/r01", BC_SHOW_OFFLINE, NULL, 0, 0);
    assert_int_equal(c->resources->len, 63);
    bc_roster_presence("flood@example.org/new", BC_SHOW_CHAT, "new", 0, 0);
    assert_int_equal(c->resources->len, 64);
    assert_int_equal(c->show, BC_SHOW_CHAT);
    for (int i = 0; i < 200; i++) {
        snprintf(full, sizeof full, "flood@example.org/more%d", i);
        bc_roster_presence(full, BC_SHOW_ONLINE, NULL, 0, 0);
    }
    assert_int_equal(c->resources->len, 64);
}

static void test_client(void **state)
{
    (void)state;
    online("hal@example.org/laptop", BC_SHOW_ONLINE);
    bc_contact *h = get("hal@example.org");
    unsigned v = bc_roster_version();
    bc_roster_client("hal@example.org/laptop", "Gajim 1.8 (Linux)");
    assert_true(bc_roster_version() != v);
    assert_string_equal(((bc_resource *)h->resources->pdata[0])->client, "Gajim 1.8 (Linux)");
    /* Unknown resource or contact: ignored. */
    bc_roster_client("hal@example.org/phone", "X");
    bc_roster_client("nobody@example.org/phone", "X");
    assert_int_equal(h->resources->len, 1);
    assert_null(bc_roster_get("nobody@example.org"));
}

/* ---- order, groups, version ---------------------------------------------- */

static void test_sorted_order(void **state)
{
    (void)state;
    /* Display names: roster name if set, else the local part. */
    item("zed@example.org", "Zed", NULL, NULL);        /* chat */
    item("bob@example.org", NULL, NULL, NULL);         /* online, "bob" */
    item("x1@example.org", "alice", NULL, NULL);       /* online */
    item("x2@example.org", "Carl", NULL, NULL);        /* online */
    item("amy@example.org", NULL, NULL, NULL);         /* away */
    item("yan@example.org", "Yan", NULL, NULL);        /* xa */
    item("dora@example.org", "Dora", NULL, NULL);      /* dnd */
    item("aaron@example.org", "Aaron", NULL, NULL);    /* offline */
    item("ben@example.org", "ben", NULL, NULL);        /* offline */
    online("zed@example.org/a", BC_SHOW_CHAT);
    online("bob@example.org/a", BC_SHOW_ONLINE);
    online("x1@example.org/a", BC_SHOW_ONLINE);
    online("x2@example.org/a", BC_SHOW_ONLINE);
    online("amy@example.org/a", BC_SHOW_AWAY);
    online("yan@example.org/a", BC_SHOW_XA);
    online("dora@example.org/a", BC_SHOW_DND);
    /* Not in the roster: listed with presence or a pending request only. */
    online("Walker@example.net/a", BC_SHOW_AWAY);
    bc_roster_subscription_request("Asker@example.net");
    bc_roster_ensure("silent@example.net");
    bc_roster_set_blocked("blocked@example.net", true);

    const char *want[] = {"zed@example.org",   "x1@example.org",     "bob@example.org",
                          "x2@example.org",    "amy@example.org",    "walker@example.net",
                          "yan@example.org",   "dora@example.org",   "aaron@example.org",
                          "asker@example.net", "ben@example.org",    NULL};
    GPtrArray *s = bc_roster_sorted();
    size_t n = 0;
    while (want[n])
        n++;
    for (size_t i = 0; i < n && i < s->len; i++)
        if (strcmp(((bc_contact *)s->pdata[i])->jid, want[i]) != 0)
            fail_msg("position %zu: %s, want %s", i, ((bc_contact *)s->pdata[i])->jid, want[i]);
    assert_int_equal(s->len, n);

    /* Changes are reflected the next time the view is asked for. */
    online("ben@example.org/a", BC_SHOW_CHAT);
    bc_roster_presence("zed@example.org/a", BC_SHOW_OFFLINE, NULL, 0, 0);
    const char *names[] = {"Alice", NULL};
    bc_roster_item("aaron@example.org", "Zzz", names, BC_SUB_BOTH, false);
    s = bc_roster_sorted();
    assert_string_equal(((bc_contact *)s->pdata[0])->jid, "ben@example.org");
    assert_string_equal(((bc_contact *)s->pdata[s->len - 1])->jid, "aaron@example.org");
    assert_string_equal(((bc_contact *)s->pdata[s->len - 2])->jid, "zed@example.org");

    /* Answering the request unlists the stranger. */
    bc_roster_set_pending_in("asker@example.net", false);
    assert_false(in_sorted(get("asker@example.net")));
    assert_int_equal(bc_roster_sorted()->len, n - 1);

    /* Same display name: a stable order by JID. */
    item("twin2@example.org", "Twin", NULL, NULL);
    item("twin1@example.org", "twin", NULL, NULL);
    s = bc_roster_sorted();
    int i1 = -1, i2 = -1;
    for (guint i = 0; i < s->len; i++) {
        if (strcmp(((bc_contact *)s->pdata[i])->jid, "twin1@example.org") == 0)
            i1 = (int)i;
        if (strcmp(((bc_contact *)s->pdata[i])->jid, "twin2@example.org") == 0)
            i2 = (int)i;
    }
    assert_true(i1 >= 0 && i2 == i1 + 1);
}

static void test_groups(void **state)
{
    (void)state;
    assert_int_equal(bc_roster_groups()->len, 0);
    item("a@example.org", NULL, "Support", "Dev");
    item("b@example.org", NULL, "Dev", "Admin");
    item("c@example.org", NULL, "support", NULL);
    item("d@example.org", NULL, NULL, NULL);
    GPtrArray *g = bc_roster_groups();
    const char *want[] = {"Admin", "Dev", "Support", "support"};
    assert_int_equal(g->len, 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(g->pdata[i], want[i]);

    bc_roster_item_removed("b@example.org");
    g = bc_roster_groups();
    assert_int_equal(g->len, 3);
    assert_string_equal(g->pdata[0], "Dev");
    item("c@example.org", NULL, "Dev", NULL);
    g = bc_roster_groups();
    assert_int_equal(g->len, 2);
    assert_string_equal(g->pdata[0], "Dev");
    assert_string_equal(g->pdata[1], "Support");
}

static void test_version(void **state)
{
    (void)state;
    unsigned v = bc_roster_version();
#define CHANGED(stmt)                                                                      \
    do {                                                                                   \
        stmt;                                                                              \
        if (bc_roster_version() == v)                                                      \
            fail_msg("version did not change after %s", #stmt);                            \
        v = bc_roster_version();                                                           \
    } while (0)
    CHANGED(item("v@example.org", "V", NULL, NULL));
    CHANGED(item("v@example.org", "V2", NULL, NULL));
    CHANGED(online("v@example.org/a", BC_SHOW_ONLINE));
    CHANGED(bc_roster_presence("v@example.org/a", BC_SHOW_ONLINE, "new text", 0, 0));
    CHANGED(online("v@example.org/b", BC_SHOW_AWAY));
    CHANGED(bc_roster_presence("v@example.org/a", BC_SHOW_OFFLINE, NULL, 0, 0));
    CHANGED(bc_roster_activity("v@example.org", "eating", NULL));
    CHANGED(bc_roster_activity("v@example.org", NULL, NULL));
    CHANGED(bc_roster_client("v@example.org/b", "Psi"));
    CHANGED(bc_roster_subscription_request("w@example.org"));
    CHANGED(bc_roster_set_pending_in("w@example.org", false));
    CHANGED(bc_roster_set_blocked("v@example.org", true));
    CHANGED(bc_roster_set_blocked("v@example.org", false));
    CHANGED(bc_roster_all_offline());
    CHANGED(bc_roster_item_removed("v@example.org"));
    CHANGED((bc_roster_begin_full(), bc_roster_end_full()));
#undef CHANGED
}

/* ---- categories and the board ------------------------------------------ */

static const char *category_of(const char *jid, bc_show show, const char *activity,
                               const char *text)
{
    char full[128];
    snprintf(full, sizeof full, "%s/r", jid);
    bc_roster_presence(full, show, NULL, 0, 0);
    bc_roster_activity(jid, activity, text);
    return bc_contact_category(get(jid));
}

static void test_categories(void **state)
{
    (void)state;
    const char *const *cats = bc_categories();
    const char *want[] = {"available", "on a call", "in a meeting", "at lunch",
                          "training",  "busy",      "away",         "offline"};
    for (int i = 0; i < BC_N_CATEGORIES; i++)
        assert_string_equal(cats[i], want[i]);
    assert_null(cats[BC_N_CATEGORIES]);

    assert_string_equal(category_of("c1@x.org", BC_SHOW_ONLINE, NULL, NULL), "available");
    assert_string_equal(category_of("c2@x.org", BC_SHOW_CHAT, NULL, NULL), "available");
    assert_string_equal(category_of("c3@x.org", BC_SHOW_ONLINE, "working/coding", NULL),
                        "available");
    assert_string_equal(category_of("c4@x.org", BC_SHOW_DND, "talking/on_the_phone", NULL),
                        "on a call");
    assert_string_equal(category_of("c5@x.org", BC_SHOW_ONLINE, "talking", NULL), "on a call");
    assert_string_equal(category_of("c6@x.org", BC_SHOW_AWAY, "talking/on_video_phone", NULL),
                        "on a call");
    assert_string_equal(category_of("c7@x.org", BC_SHOW_DND, "working/in_a_meeting", NULL),
                        "in a meeting");
    assert_string_equal(category_of("c8@x.org", BC_SHOW_AWAY, "eating/having_lunch", NULL),
                        "at lunch");
    assert_string_equal(category_of("c9@x.org", BC_SHOW_AWAY, "eating", NULL), "at lunch");
    assert_string_equal(category_of("c10@x.org", BC_SHOW_DND, "working", "Training"),
                        "training");
    assert_string_equal(category_of("c11@x.org", BC_SHOW_DND, "working", "Sales Training day"),
                        "training");
    assert_string_equal(category_of("c12@x.org", BC_SHOW_DND, NULL, NULL), "busy");
    assert_string_equal(category_of("c13@x.org", BC_SHOW_DND, "working/coding", "Focus"), "busy");
    assert_string_equal(category_of("c14@x.org", BC_SHOW_AWAY, NULL, NULL), "away");
    assert_string_equal(category_of("c15@x.org", BC_SHOW_XA, NULL, NULL), "away");
    assert_string_equal(category_of("c16@x.org", BC_SHOW_XA, "relaxing/going_out", NULL), "away");
    /* Offline wins over anything published before. */
    category_of("c17@x.org", BC_SHOW_ONLINE, "talking", NULL);
    bc_roster_presence("c17@x.org/r", BC_SHOW_OFFLINE, NULL, 0, 0);
    assert_string_equal(bc_contact_category(get("c17@x.org")), "offline");
    item("c18@x.org", NULL, NULL, NULL);
    assert_string_equal(bc_contact_category(get("c18@x.org")), "offline");
}

static void test_category_counts_and_summary(void **state)
{
    (void)state;
    item("s1@example.org", "S1", "Support", NULL);
    item("s2@example.org", "S2", "Support", "Sales");
    item("s3@example.org", "S3", "Support", NULL);
    item("s4@example.org", "S4", "Support", NULL);
    item("p1@example.org", "P1", "Sales", NULL);
    online("s1@example.org/a", BC_SHOW_ONLINE);
    online("s2@example.org/a", BC_SHOW_CHAT);
    online("s3@example.org/a", BC_SHOW_DND);
    bc_roster_activity("s3@example.org", "talking/on_the_phone", NULL);
    online("p1@example.org/a", BC_SHOW_AWAY);
    bc_roster_activity("p1@example.org", "eating", NULL);
    /* Not in the roster: never counted, even when online or asking. */
    online("stranger@example.net/a", BC_SHOW_ONLINE);
    bc_roster_activity("stranger@example.net", "talking", NULL);
    bc_roster_subscription_request("asker@example.net");
    bc_roster_ensure("silent@example.net");

    unsigned counts[BC_N_CATEGORIES];
    memset(counts, 0xff, sizeof counts);
    unsigned total = bc_roster_category_counts("Support", counts);
    assert_int_equal(total, 4);
    const unsigned want_support[BC_N_CATEGORIES] = {2, 1, 0, 0, 0, 0, 0, 1};
    for (int i = 0; i < BC_N_CATEGORIES; i++)
        assert_int_equal(counts[i], want_support[i]);
    char *s = bc_roster_board_summary("Support");
    assert_string_equal(s, "Support: 2 available, 1 on a call, 1 offline");
    g_free(s);

    total = bc_roster_category_counts("Sales", counts);
    assert_int_equal(total, 2);
    s = bc_roster_board_summary("Sales");
    assert_string_equal(s, "Sales: 1 available, 1 at lunch");
    g_free(s);

    total = bc_roster_category_counts(NULL, counts);
    assert_int_equal(total, 5);
    const unsigned want_all[BC_N_CATEGORIES] = {2, 1, 0, 1, 0, 0, 0, 1};
    for (int i = 0; i < BC_N_CATEGORIES; i++)
        assert_int_equal(counts[i], want_all[i]);
    s = bc_roster_board_summary(NULL);
    assert_string_equal(s, "Everyone: 2 available, 1 on a call, 1 at lunch, 1 offline");
    g_free(s);

    /* A group nobody is in. */
    total = bc_roster_category_counts("Ghosts", counts);
    assert_int_equal(total, 0);
    for (int i = 0; i < BC_N_CATEGORIES; i++)
        assert_int_equal(counts[i], 0);
    s = bc_roster_board_summary("Ghosts");
    assert_true(g_str_has_prefix(s, "Ghosts:"));
    assert_null(strpbrk(s, "0123456789"));
    g_free(s);

    /* The counts follow presence. */
    bc_roster_presence("s1@example.org/a", BC_SHOW_OFFLINE, NULL, 0, 0);
    s = bc_roster_board_summary("Support");
    assert_string_equal(s, "Support: 1 available, 1 on a call, 2 offline");
    g_free(s);
}

static void test_activity_label(void **state)
{
    (void)state;
    static const struct {
        const char *activity, *text, *want;
    } cases[] = {
        {"talking/on_the_phone", NULL, "on the phone"},
        {"eating", NULL, "eating"},
        {"eating/having_lunch", NULL, "having lunch"},
        {"working/in_a_meeting", NULL, "in a meeting"},
        {"relaxing/going_out", "", "going out"},
        {"doing_chores", NULL, "doing chores"},
        {"working", "Training", "Training"},
        {"talking/on_the_phone", "Customer call", "Customer call"},
        {NULL, "Just text", "Just text"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *l = bc_activity_label(cases[i].activity, cases[i].text);
        if (!l || strcmp(l, cases[i].want) != 0)
            fail_msg("label(%s, %s) = \"%s\", want \"%s\"", cases[i].activity, cases[i].text,
                     l ? l : "(null)", cases[i].want);
        g_free(l);
    }
    assert_null(bc_activity_label(NULL, NULL));
    assert_null(bc_activity_label("", ""));
}

/* ---- subscription, blocking ---------------------------------------------- */

static void test_subscription_request(void **state)
{
    (void)state;
    size_t n0 = console_len();
    unsigned v = bc_roster_version();
    bc_roster_subscription_request("Dave@Example.org/phone");
    bc_contact *d = get("dave@example.org");
    assert_true(d->pending_in);
    assert_false(d->in_roster);
    assert_true(bc_roster_version() != v);
    assert_true(in_sorted(d));
    assert_int_equal(console_len(), n0 + 1);
    const char *line = console_text(n0);
    assert_contains(line, "dave@example.org");
    assert_contains(line, "/sub allow dave@example.org");
    assert_int_equal(bc_conv_line(bc_conv_console(), n0)->kind, BC_LINE_SYS);

    /* The same request again (a resend, any case) prints nothing new. */
    bc_roster_subscription_request("dave@example.org");
    bc_roster_subscription_request("DAVE@example.ORG");
    assert_int_equal(console_len(), n0 + 1);
    assert_true(d->pending_in);

    /* Once answered, a new request is news again. */
    bc_roster_set_pending_in("dave@example.org", false);
    assert_false(d->pending_in);
    bc_roster_subscription_request("dave@example.org");
    assert_int_equal(console_len(), n0 + 2);

    /* Allowing them (subscription from/both) clears the request. */
    bc_roster_item("dave@example.org", "Dave", NULL, BC_SUB_FROM, false);
    assert_false(d->pending_in);
    bc_roster_subscription_request("erin@example.org");
    bc_roster_item("erin@example.org", NULL, NULL, BC_SUB_TO, false);
    assert_true(get("erin@example.org")->pending_in);
    bc_roster_item("erin@example.org", NULL, NULL, BC_SUB_BOTH, false);
    assert_false(get("erin@example.org")->pending_in);

    /* Invalid JIDs: nothing. */
    size_t n1 = console_len();
    size_t c1 = bc_roster_count();
    bc_roster_subscription_request("not a jid");
    bc_roster_set_pending_in("nobody@example.org", true);
    assert_int_equal(console_len(), n1);
    assert_int_equal(bc_roster_count(), c1);
}

/* A hostile server can send presence from any number of made-up JIDs:
 * strangers are capped, roster items never are. */
static void test_strangers_bounded(void **state)
{
    (void)state;
    char jid[64];
    for (int i = 0; i < 2500; i++) {
        g_snprintf(jid, sizeof jid, "s%d@evil.example/r", i);
        bc_roster_presence(jid, BC_SHOW_ONLINE, "hi", 0, 0);
    }
    size_t after_flood = bc_roster_count();
    assert_true(after_flood <= 2000);
    assert_true(after_flood >= 1000); /* the cap is not absurdly low */
    assert_null(bc_roster_get("s2499@evil.example"));
    /* Activity and requests from more strangers are refused too... */
    bc_roster_activity("late@evil.example", "eating", NULL);
    bc_roster_subscription_request("asker@evil.example");
    assert_null(bc_roster_get("late@evil.example"));
    assert_null(bc_roster_get("asker@evil.example"));
    /* ...but the server's roster always gets in, and presence from a
     * roster contact is always recorded. */
    const char *const groups[] = {NULL};
    for (int i = 0; i < 100; i++) {
        g_snprintf(jid, sizeof jid, "friend%d@example.org", i);
        bc_roster_item(jid, NULL, groups, BC_SUB_BOTH, false);
    }
    assert_int_equal(bc_roster_count(), after_flood + 100);
    bc_roster_presence("friend7@example.org/phone", BC_SHOW_AWAY, NULL, 0, 0);
    assert_int_equal(bc_roster_get("friend7@example.org")->show, BC_SHOW_AWAY);
    /* A stranger turned roster item frees a stranger's place. */
    bc_roster_item("s0@evil.example", "Was a stranger", groups, BC_SUB_BOTH, false);
    bc_roster_presence("fresh@evil.example/r", BC_SHOW_ONLINE, NULL, 0, 0);
    assert_non_null(bc_roster_get("fresh@evil.example"));
}

static void test_blocked(void **state)
{
    (void)state;
    item("mallory@example.org", "Mallory", NULL, NULL);
    bc_contact *m = get("mallory@example.org");
    assert_false(m->blocked);
    unsigned v = bc_roster_version();
    bc_roster_set_blocked("Mallory@example.org/x", true);
    assert_true(m->blocked);
    assert_true(bc_roster_version() != v);
    bc_roster_set_blocked("mallory@example.org", false);
    assert_false(m->blocked);

    /* Blocking a stranger records them; unblocking one we never knew
     * does not create a contact. */
    bc_roster_set_blocked("spam@example.net", true);
    assert_true(get("spam@example.net")->blocked);
    assert_false(in_sorted(get("spam@example.net")));
    bc_roster_set_blocked("other@example.net", false);
    assert_null(bc_roster_get("other@example.net"));
}

static void test_view_defaults(void **state)
{
    (void)state;
    bc_roster_view *v = bc_roster_view_get();
    assert_non_null(v);
    assert_ptr_equal(bc_roster_view_get(), v);
    assert_true(v->width >= 16 && v->width <= 80);
}

/* ---- scale ----------------------------------------------------------------- */

static int cmp_check(const bc_contact *x, const bc_contact *y)
{
    if (x->show != y->show)
        return x->show > y->show ? -1 : 1;
    char *a = g_utf8_casefold(bc_contact_display(x), -1);
    char *b = g_utf8_casefold(bc_contact_display(y), -1);
    int k = strcmp(a, b);
    g_free(a);
    g_free(b);
    return k;
}

static void test_scale(void **state)
{
    (void)state;
    enum { N = 5000, UPDATES = 1000 };
    char jid[64], name[64], grp[32];
    for (int i = 0; i < N; i++) {
        snprintf(jid, sizeof jid, "user%04d@example.org", i);
        /* Mixed case so the order is not the JID order. */
        snprintf(name, sizeof name, "%s%04d", i % 2 ? "Name" : "name", (i * 7919) % N);
        snprintf(grp, sizeof grp, "Team %02d", i % 25);
        const char *g[] = {grp, NULL};
        bc_roster_item(jid, i % 10 ? name : NULL, g, BC_SUB_BOTH, false);
    }
    assert_int_equal(bc_roster_count(), N);
    assert_int_equal(bc_roster_sorted()->len, N);
    assert_int_equal(bc_roster_groups()->len, 25);

    /* Every update changes someone's show, so an implementation that
     * re-sorted on each one would do 1,000 sorts of 5,000. */
    static const bc_show shows[] = {BC_SHOW_ONLINE, BC_SHOW_AWAY, BC_SHOW_DND,
                                    BC_SHOW_CHAT,   BC_SHOW_XA,   BC_SHOW_OFFLINE};
    unsigned v0 = bc_roster_version();
    int64_t t0 = g_get_monotonic_time();
    for (int i = 0; i < UPDATES; i++) {
        snprintf(jid, sizeof jid, "user%04d@example.org/%s", (i * 37) % N, i % 3 ? "pc" : "phone");
        bc_roster_presence(jid, shows[i % G_N_ELEMENTS(shows)], "status", i % 5, 0);
    }
    int64_t t1 = g_get_monotonic_time();
    unsigned v1 = bc_roster_version();
    GPtrArray *s = bc_roster_sorted();
    int64_t t2 = g_get_monotonic_time();
    GPtrArray *again = bc_roster_sorted();
    int64_t t3 = g_get_monotonic_time();

    double upd_ms = (double)(t1 - t0) / 1000.0, sort_ms = (double)(t2 - t1) / 1000.0;
    double total_ms = (double)(t2 - t0) / 1000.0, cached_ms = (double)(t3 - t2) / 1000.0;
    print_message("      5000 contacts: %d updates %.1f ms, sort %.1f ms, cached %.3f ms\n",
                  UPDATES, upd_ms, sort_ms, cached_ms);
    assert_true(v1 - v0 >= UPDATES);
    assert_true(sort_ms < 200.0);
    assert_true(total_ms < 200.0);
    assert_true(cached_ms < 20.0);
    assert_ptr_equal(again, s);
    assert_int_equal(s->len, N);
    for (guint i = 1; i < s->len; i++)
        if (cmp_check(s->pdata[i - 1], s->pdata[i]) > 0)
            fail_msg("out of order at %u: %s before %s", i, ((bc_contact *)s->pdata[i - 1])->jid,
                     ((bc_contact *)s->pdata[i])->jid);

    /* The board summary over everyone adds up. */
    unsigned counts[BC_N_CATEGORIES];
    assert_int_equal(bc_roster_category_counts(NULL, counts), N);
    unsigned sum = 0;
    for (int i = 0; i < BC_N_CATEGORIES; i++)
        sum += counts[i];
    assert_int_equal(sum, N);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_item_add_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_strangers_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sub_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_roster, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_roster_drop_clears_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_item_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_presence_best_resource, setup, teardown),
        cmocka_unit_test_setup_teardown(test_presence_bare_and_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_all_resources_offline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_show_since, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roster_all_offline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_resources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sorted_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_groups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_categories, setup, teardown),
        cmocka_unit_test_setup_teardown(test_category_counts_and_summary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_activity_label, setup, teardown),
        cmocka_unit_test_setup_teardown(test_subscription_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blocked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_view_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scale, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
