/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entity capabilities (XEP-0115): the verification string hash. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib.h>
#include <string.h>

#include "../../src/xmpp/internal.h"

/* The worked example of XEP-0115 section 5.2. */
static void test_xep_example(void **state)
{
    const char *const ids[] = {"client/pc//Exodus 0.9.1", NULL};
    const char *const feats[] = {"http://jabber.org/protocol/caps",
                                 "http://jabber.org/protocol/disco#info",
                                 "http://jabber.org/protocol/disco#items",
                                 "http://jabber.org/protocol/muc", NULL};
    char *ver = bc_caps_ver_compute(ids, feats);
    assert_non_null(ver);
    assert_string_equal(ver, "QgayPKawpkPSDYmwT/WM94uAlu0=");
    g_free(ver);
}

/* Order of the input does not matter: the algorithm sorts. */
static void test_order_independent(void **state)
{
    const char *const ids[] = {"client/pc//Exodus 0.9.1", NULL};
    const char *const feats[] = {"http://jabber.org/protocol/muc",
                                 "http://jabber.org/protocol/disco#items",
                                 "http://jabber.org/protocol/caps",
                                 "http://jabber.org/protocol/disco#info", NULL};
    char *ver = bc_caps_ver_compute(ids, feats);
    assert_string_equal(ver, "QgayPKawpkPSDYmwT/WM94uAlu0=");
    g_free(ver);
}

/* Ours advertises activity notifications, and its hash is stable. */
static void test_our_features(void **state)
{
    const char *const *f = bc_caps_features();
    bool notify = false;
    for (size_t i = 0; f[i]; i++) {
        notify |= strcmp(f[i], "http://jabber.org/protocol/activity+notify") == 0;
        if (f[i + 1])
            assert_true(strcmp(f[i], f[i + 1]) < 0);
    }
    assert_true(notify);
    assert_non_null(bc_caps_ver());
    assert_int_equal(strlen(bc_caps_ver()), 28); /* base64 of a SHA-1 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xep_example),
        cmocka_unit_test(test_order_independent),
        cmocka_unit_test(test_our_features),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
