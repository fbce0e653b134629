/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The system's trusted roots for TLS, read as needed instead of all at
 * once (see src/xmpp/tls_roots.c). */
#ifndef BACKCHAT_TLS_ROOTS_H
#define BACKCHAT_TLS_ROOTS_H

#include <stdbool.h>

struct ssl_ctx_st; /* OpenSSL's SSL_CTX */

/* True when `dir` holds OpenSSL hash links (NNNNNNNN.0, as made by
 * c_rehash, `openssl rehash` or update-ca-certificates). */
bool bc_tls_dir_is_hashed(const char *dir);

/* Makes `ctx` trust the certificates of the hashed directory `dir`, which
 * OpenSSL reads one issuer at a time while it verifies a chain. False,
 * and `ctx` unchanged, when `dir` is missing or not hashed. */
bool bc_tls_roots_from_dir(struct ssl_ctx_st *ctx, const char *dir);

/* The system roots as OpenSSL's default verify paths would give them,
 * from the default hashed directory alone. False (the caller then uses
 * OpenSSL's default paths) when the user set SSL_CERT_FILE or
 * SSL_CERT_DIR, or the default directory is not hashed. */
bool bc_tls_system_roots(struct ssl_ctx_st *ctx);

#endif
