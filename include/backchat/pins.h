/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Trusted certificate pins: data_dir/<account>/trusted-certs (0600), one
 * [host] group per server with its SHA-256 fingerprint. */
#ifndef BACKCHAT_PINS_H
#define BACKCHAT_PINS_H

#include <stdbool.h>
#include <glib.h>

/* The pinned fingerprint for `host` under `account`, newly allocated, or NULL. */
char *bc_pins_lookup(const char *account, const char *host);
bool bc_pins_add(const char *account, const char *host, const char *fingerprint,
                 const char *subject, GError **err);
bool bc_pins_remove(const char *account, const char *host, GError **err);
/* Compares two fingerprints, ignoring case and ':' separators. */
bool bc_fingerprint_equal(const char *a, const char *b);

#endif
