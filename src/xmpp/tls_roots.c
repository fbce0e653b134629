/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Trusted roots without parsing the whole system bundle.
 *
 * OpenSSL's default verify paths, which libstrophe sets for every
 * connection, parse the system CA bundle (cert.pem) at once: about 150
 * certificates, 0.9 MiB of heap (1.4 MiB resident with the parser's code)
 * kept for as long as the connection lasts, to check one chain. Where the
 * same roots are also kept as a hashed directory (Debian's /etc/ssl/certs,
 * written by update-ca-certificates together with the bundle), OpenSSL
 * reads from it only the issuers a chain needs. */
#include "backchat/tls_roots.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* NNNNNNNN.D: eight hex digits of the subject hash, a dot, a counter. */
static bool hash_link_name(const char *n)
{
    for (int i = 0; i < 8; i++)
        if (!n[i] || !strchr("0123456789abcdef", n[i]))
            return false;
    if (n[8] != '.' || !n[9])
        return false;
    for (const char *p = n + 9; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

bool bc_tls_dir_is_hashed(const char *dir)
{
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d)
        return false;
    bool found = false;
    const struct dirent *e;
    while (!found && (e = readdir(d)))
        found = hash_link_name(e->d_name) && faccessat(dirfd(d), e->d_name, R_OK, 0) == 0;
    closedir(d);
    return found;
}

bool bc_tls_roots_from_dir(struct ssl_ctx_st *ctx, const char *dir)
{
    if (!ctx || !bc_tls_dir_is_hashed(dir))
        return false;
    return SSL_CTX_load_verify_dir(ctx, dir) == 1;
}

bool bc_tls_system_roots(struct ssl_ctx_st *ctx)
{
    /* A bundle or directory the user chose: OpenSSL's own behaviour. */
    if (getenv(X509_get_default_cert_file_env()) || getenv(X509_get_default_cert_dir_env()))
        return false;
    return bc_tls_roots_from_dir(ctx, X509_get_default_cert_dir());
}
