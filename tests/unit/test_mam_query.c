/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The archive query pieces both archive clients share (XEP-0313 with
 * RSM paging): the query each kind of page sends, reading a result and
 * the <fin/> of a page, and the form field builder they use. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib.h>
#include <string.h>

#include "../../src/xmpp/dataform.h"
#include "../../src/xmpp/internal.h"
#include "../../src/xmpp/mam_query.h"

static xmpp_stanza_t *parse(const char *xml)
{
    xmpp_stanza_t *st = xmpp_stanza_new_from_string(bc_xctx, xml);
    assert_non_null(st);
    return st;
}

static xmpp_stanza_t *child(xmpp_stanza_t *st, const char *name, const char *ns)
{
    xmpp_stanza_t *c = st ? xmpp_stanza_get_child_by_name_and_ns(st, name, ns) : NULL;
    return c ? c : (st && !ns ? xmpp_stanza_get_child_by_name(st, name) : NULL);
}

/* The text of `name` under `st`, or NULL; newly allocated. */
static char *text_of(xmpp_stanza_t *st, const char *name)
{
    xmpp_stanza_t *c = st ? xmpp_stanza_get_child_by_name(st, name) : NULL;
    char *t = c ? xmpp_stanza_get_text(c) : NULL;
    char *out = g_strdup(t);
    if (t)
        xmpp_free(bc_xctx, t);
    return out;
}

/* The <field var=VAR/> of the form in `query`, or NULL. */
static xmpp_stanza_t *field(xmpp_stanza_t *query, const char *var)
{
    xmpp_stanza_t *x = child(query, "x", BC_NS_DATA);
    for (xmpp_stanza_t *f = x ? xmpp_stanza_get_children(x) : NULL; f; f = xmpp_stanza_get_next(f))
        if (g_strcmp0(xmpp_stanza_get_attribute(f, "var"), var) == 0)
            return f;
    return NULL;
}

static void assert_text(xmpp_stanza_t *st, const char *name, const char *want)
{
    char *t = text_of(st, name);
    assert_string_equal(t ? t : "(none)", want);
    g_free(t);
}

static void test_catchup_page(void **state)
{
    char *qid = bc_mam_queryid("");
    assert_true(strlen(qid) > 0);
    bc_mam_page p = {.queryid = qid, .start = 86400 + 3661, .max = 100, .after = "A7"};
    xmpp_stanza_t *iq = bc_mam_query_iq(&p);
    assert_string_equal(xmpp_stanza_get_type(iq), "set");
    xmpp_stanza_t *q = child(iq, "query", BC_NS_MAM);
    assert_non_null(q);
    assert_string_equal(xmpp_stanza_get_attribute(q, "queryid"), qid);
    xmpp_stanza_t *ft = field(q, "FORM_TYPE");
    assert_non_null(ft);
    assert_string_equal(xmpp_stanza_get_attribute(ft, "type"), "hidden");
    assert_text(ft, "value", BC_NS_MAM);
    assert_text(field(q, "start"), "value", "1970-01-02T01:01:01Z");
    assert_null(field(q, "with"));
    assert_null(field(q, "end"));
    xmpp_stanza_t *set = child(q, "set", BC_NS_RSM);
    assert_text(set, "max", "100");
    assert_text(set, "after", "A7");
    assert_null(child(set, "before", NULL));
    xmpp_stanza_release(iq);
    g_free(qid);
}

static void test_catchup_page_without_start_has_no_form(void **state)
{
    bc_mam_page p = {.queryid = "q1", .max = 100, .after = "A7"};
    xmpp_stanza_t *iq = bc_mam_query_iq(&p);
    xmpp_stanza_t *q = child(iq, "query", BC_NS_MAM);
    assert_null(child(q, "x", BC_NS_DATA));
    assert_text(child(q, "set", BC_NS_RSM), "after", "A7");
    xmpp_stanza_release(iq);
}

static void test_older_pages(void **state)
{
    char *qid = bc_mam_queryid("-older");
    assert_true(g_str_has_suffix(qid, "-older") && strlen(qid) > strlen("-older"));
    /* By time: 'with' and 'end', an empty <before/>. */
    bc_mam_page p = {.queryid = qid, .with = "bob@localhost", .end = 1700000000, .max = 30,
                     .last_page = true};
    xmpp_stanza_t *iq = bc_mam_query_iq(&p);
    xmpp_stanza_t *q = child(iq, "query", BC_NS_MAM);
    assert_text(field(q, "with"), "value", "bob@localhost");
    assert_text(field(q, "end"), "value", "2023-11-14T22:13:20Z");
    xmpp_stanza_t *set = child(q, "set", BC_NS_RSM);
    assert_text(set, "max", "30");
    xmpp_stanza_t *before = child(set, "before", NULL);
    assert_non_null(before);
    assert_null(xmpp_stanza_get_children(before));
    xmpp_stanza_release(iq);
    /* By id: <before>ID</before>, no 'end'. */
    bc_mam_page p2 = {.queryid = qid, .with = "bob@localhost", .max = 30, .before = "B9",
                      .last_page = true};
    iq = bc_mam_query_iq(&p2);
    q = child(iq, "query", BC_NS_MAM);
    assert_null(field(q, "end"));
    assert_text(child(q, "set", BC_NS_RSM), "before", "B9");
    xmpp_stanza_release(iq);
    g_free(qid);
}

static void test_room_newest_page(void **state)
{
    bc_mam_page p = {.queryid = "r1-room", .max = 50, .last_page = true};
    xmpp_stanza_t *iq = bc_mam_query_iq(&p);
    xmpp_stanza_t *q = child(iq, "query", BC_NS_MAM);
    assert_null(child(q, "x", BC_NS_DATA));
    xmpp_stanza_t *set = child(q, "set", BC_NS_RSM);
    assert_text(set, "max", "50");
    assert_null(child(set, "after", NULL));
    assert_non_null(child(set, "before", NULL));
    xmpp_stanza_release(iq);
}

static void test_result_read(void **state)
{
    xmpp_stanza_t *res = parse(
        "<result xmlns='urn:xmpp:mam:2' queryid='q' id='X1\xe2\x80\xae'>"
        "<forwarded xmlns='urn:xmpp:forward:0'>"
        "<delay xmlns='urn:xmpp:delay' stamp='2023-11-14T22:13:20Z'/>"
        "<message from='bob@localhost/a' type='chat'><body>hi</body></message>"
        "</forwarded></result>");
    bc_mam_result r;
    assert_true(bc_mam_result_read(res, &r));
    assert_null(strstr(r.archive_id, "\xe2\x80\xae")); /* a bidi override: sanitized */
    assert_true(g_str_has_prefix(r.archive_id, "X1"));
    assert_non_null(r.inner);
    assert_string_equal(xmpp_stanza_get_from(r.inner), "bob@localhost/a");
    assert_int_equal(r.ts, 1700000000);
    g_free(r.archive_id);
    xmpp_stanza_release(res);

    /* No delay on the forward: the message's own. */
    res = parse("<result xmlns='urn:xmpp:mam:2' id='X2'><forwarded xmlns='urn:xmpp:forward:0'>"
                "<message><delay xmlns='urn:xmpp:delay' stamp='1970-01-01T00:01:40Z'/>"
                "</message></forwarded></result>");
    assert_true(bc_mam_result_read(res, &r));
    assert_int_equal(r.ts, 100);
    g_free(r.archive_id);
    xmpp_stanza_release(res);

    /* Nothing forwarded: no message, no time, but the id still counts. */
    res = parse("<result xmlns='urn:xmpp:mam:2' id='X3'/>");
    assert_true(bc_mam_result_read(res, &r));
    assert_null(r.inner);
    assert_int_equal(r.ts, 0);
    g_free(r.archive_id);
    xmpp_stanza_release(res);
}

static void test_result_without_usable_id(void **state)
{
    bc_mam_result r = {0};
    xmpp_stanza_t *res = parse("<result xmlns='urn:xmpp:mam:2'/>");
    assert_false(bc_mam_result_read(res, &r));
    xmpp_stanza_release(res);
    res = parse("<result xmlns='urn:xmpp:mam:2' id=''/>");
    assert_false(bc_mam_result_read(res, &r));
    xmpp_stanza_release(res);
    char *long_id = g_strnfill(BC_MAM_MAX_ID_LEN + 1, 'a');
    char *xml = g_strdup_printf("<result xmlns='urn:xmpp:mam:2' id='%s'/>", long_id);
    res = parse(xml);
    assert_false(bc_mam_result_read(res, &r));
    assert_null(r.archive_id);
    xmpp_stanza_release(res);
    g_free(xml);
    g_free(long_id);
}

static void test_fin(void **state)
{
    xmpp_stanza_t *reply = parse(
        "<iq type='result'><fin xmlns='urn:xmpp:mam:2' complete='true'>"
        "<set xmlns='http://jabber.org/protocol/rsm'><first>F</first><last>L9</last></set>"
        "</fin></iq>");
    bool complete = false;
    char *last = bc_mam_fin(reply, "fallback", &complete);
    assert_true(complete);
    assert_string_equal(last, "L9");
    g_free(last);
    xmpp_stanza_release(reply);

    /* No <last/> (or an empty one): the newest result seen stands in. */
    reply = parse("<iq type='result'><fin xmlns='urn:xmpp:mam:2'>"
                  "<set xmlns='http://jabber.org/protocol/rsm'><last/></set></fin></iq>");
    complete = true;
    last = bc_mam_fin(reply, "seen", &complete);
    assert_false(complete);
    assert_string_equal(last, "seen");
    g_free(last);
    assert_null(bc_mam_fin(reply, NULL, NULL));
    xmpp_stanza_release(reply);

    /* A <fin/> in another namespace is not ours. */
    reply = parse("<iq type='result'><fin xmlns='urn:xmpp:mam:1' complete='true'/></iq>");
    last = bc_mam_fin(reply, NULL, &complete);
    assert_false(complete);
    assert_null(last);
    xmpp_stanza_release(reply);
}

static void test_item_not_found(void **state)
{
    xmpp_stanza_t *e = parse("<iq type='error'><error type='cancel'>"
                             "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                             "</error></iq>");
    assert_true(bc_mam_item_not_found(e));
    assert_string_equal(bc_xmpp_error_condition(e), "item-not-found");
    xmpp_stanza_release(e);
    e = parse("<iq type='error'><error type='auth'>"
              "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>no</text>"
              "<forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
    assert_false(bc_mam_item_not_found(e));
    assert_string_equal(bc_xmpp_error_condition(e), "forbidden");
    xmpp_stanza_release(e);
    e = parse("<iq type='result'/>");
    assert_string_equal(bc_xmpp_error_condition(e), "");
    xmpp_stanza_release(e);
}

static void test_form_add_field(void **state)
{
    xmpp_stanza_t *x = parse("<x xmlns='jabber:x:data' type='submit'/>");
    bc_form_add_field(bc_xctx, x, "FORM_TYPE", "hidden", (const char *const[]){"urn:t", NULL});
    bc_form_add_field(bc_xctx, x, "lines", NULL, (const char *const[]){"one", "two", NULL});
    bc_form_add_field(bc_xctx, x, "empty", NULL, NULL);
    bc_form *f = bc_form_parse(x);
    assert_non_null(f);
    bc_form_field *ft = bc_form_field_find(f, "FORM_TYPE");
    assert_string_equal(ft->type, "hidden");
    assert_string_equal(ft->values->pdata[0], "urn:t");
    bc_form_field *lines = bc_form_field_find(f, "lines");
    assert_int_equal(lines->values->len, 2);
    assert_string_equal(lines->values->pdata[1], "two");
    assert_int_equal(bc_form_field_find(f, "empty")->values->len, 0);
    bc_form_free(f);
    xmpp_stanza_release(x);
}

static int setup(void **state)
{
    xmpp_initialize();
    bc_xctx = xmpp_ctx_new(NULL, NULL);
    return bc_xctx ? 0 : -1;
}

static int teardown(void **state)
{
    xmpp_ctx_free(bc_xctx);
    bc_xctx = NULL;
    xmpp_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catchup_page),
        cmocka_unit_test(test_catchup_page_without_start_has_no_form),
        cmocka_unit_test(test_older_pages),
        cmocka_unit_test(test_room_newest_page),
        cmocka_unit_test(test_result_read),
        cmocka_unit_test(test_result_without_usable_id),
        cmocka_unit_test(test_fin),
        cmocka_unit_test(test_item_not_found),
        cmocka_unit_test(test_form_add_field),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
