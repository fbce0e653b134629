/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for src/xmpp/tls_roots.c: system roots from a hashed
 * directory, read as a chain needs them. A private CA and a server
 * certificate it signed are made with the openssl command. */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>

#include "backchat/tls_roots.h"
#include "tmpdir.h"

static char *tmp, *hashed, *plain, *leaf_pem;

static bool sh(const char *script)
{
    const char *argv[] = {"/bin/sh", "-ec", script, NULL};
    int status = 0;
    char *out = NULL, *errout = NULL;
    bool ok = g_spawn_sync(tmp, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &errout,
                           &status, NULL) &&
              g_spawn_check_wait_status(status, NULL);
    if (!ok)
        print_message("%s\n%s", script, errout ? errout : "");
    g_free(out);
    g_free(errout);
    return ok;
}

static int setup(void **state)
{
    tmp = g_dir_make_tmp("bc-tls-XXXXXX", NULL);
    assert_non_null(tmp);
    hashed = g_build_filename(tmp, "hashed", NULL);
    plain = g_build_filename(tmp, "plain", NULL);
    leaf_pem = g_build_filename(tmp, "leaf.pem", NULL);
    /* CA in two directories, only one of them hashed; a leaf it signed. */
    assert_true(sh("mkdir hashed plain\n"
                   "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                   " -keyout ca.key -out ca.pem -subj /CN=bc-test-ca -days 2 "
                   " -addext basicConstraints=critical,CA:TRUE 2>/dev/null\n"
                   "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                   " -keyout leaf.key -out leaf.csr -subj /CN=localhost 2>/dev/null\n"
                   "openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
                   " -out leaf.pem -days 1 2>/dev/null\n"
                   "cp ca.pem hashed/ca.pem; cp ca.pem plain/ca.pem\n"
                   "openssl rehash hashed"));
    return 0;
}

static int teardown(void **state)
{
    bc_test_rm_rf(tmp);
    g_free(tmp);
    g_free(hashed);
    g_free(plain);
    g_free(leaf_pem);
    return 0;
}

/* Verifies the leaf against what `ctx` trusts: OpenSSL's X509 error. */
static int verify_leaf(SSL_CTX *ctx)
{
    FILE *f = fopen(leaf_pem, "r");
    assert_non_null(f);
    X509 *leaf = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(leaf);
    X509_STORE_CTX *vc = X509_STORE_CTX_new();
    assert_int_equal(X509_STORE_CTX_init(vc, SSL_CTX_get_cert_store(ctx), leaf, NULL), 1);
    X509_verify_cert(vc);
    int e = X509_STORE_CTX_get_error(vc);
    X509_STORE_CTX_free(vc);
    X509_free(leaf);
    return e;
}

static void test_hashed_dir_verifies(void **state)
{
    assert_true(bc_tls_dir_is_hashed(hashed));
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    /* Nothing trusted yet: the chain must not verify. */
    assert_int_equal(verify_leaf(ctx), X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    assert_true(bc_tls_roots_from_dir(ctx, hashed));
    assert_int_equal(verify_leaf(ctx), X509_V_OK);
    SSL_CTX_free(ctx);
}

static void test_unhashed_or_missing_dir_declined(void **state)
{
    char *missing = g_build_filename(tmp, "nope", NULL);
    assert_false(bc_tls_dir_is_hashed(plain));
    assert_false(bc_tls_dir_is_hashed(missing));
    assert_false(bc_tls_dir_is_hashed(NULL));
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    assert_false(bc_tls_roots_from_dir(ctx, plain));
    assert_false(bc_tls_roots_from_dir(ctx, missing));
    /* Declined means untouched: still nothing trusted. */
    assert_int_not_equal(verify_leaf(ctx), X509_V_OK);
    SSL_CTX_free(ctx);
    g_free(missing);
}

static void test_user_choice_respected(void **state)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    g_setenv("SSL_CERT_FILE", "/dev/null", TRUE);
    assert_false(bc_tls_system_roots(ctx));
    g_unsetenv("SSL_CERT_FILE");
    g_setenv("SSL_CERT_DIR", hashed, TRUE);
    assert_false(bc_tls_system_roots(ctx));
    g_unsetenv("SSL_CERT_DIR");
    /* Otherwise it depends on the system: used exactly when its default
     * directory is hashed. */
    assert_true(bc_tls_system_roots(ctx) == bc_tls_dir_is_hashed(X509_get_default_cert_dir()));
    SSL_CTX_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hashed_dir_verifies),
        cmocka_unit_test(test_unhashed_or_missing_dir_declined),
        cmocka_unit_test(test_user_choice_respected),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
