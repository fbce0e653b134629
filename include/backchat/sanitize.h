/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one sanitizer every string from the network passes, at the xmpp/
 * boundary, before it reaches the model, the log or the screen. */
#ifndef BACKCHAT_SANITIZE_H
#define BACKCHAT_SANITIZE_H

#include <stddef.h>

/* Returns a newly allocated (g_free) copy of `len` bytes of `in` that is
 * valid UTF-8 (each invalid byte becomes U+FFFD), holds no C0 or C1 control
 * character but newline and tab (so no escape sequence can be formed: ESC,
 * CSI, OSC, DCS and DEL are dropped), and no bidi override, embedding or
 * isolate (U+202A..U+202E, U+2066..U+2069 are dropped). CR LF and lone CR
 * become LF; U+2028/U+2029 become LF. A NUL byte ends nothing: it is dropped.
 * `in` may be NULL (returns ""). `len` < 0 means NUL-terminated. */
char *bc_sanitize(const char *in, long len);

/* Like bc_sanitize, for single-line fields (names, JIDs, status text):
 * newline and tab become a space as well. */
char *bc_sanitize_line(const char *in, long len);

/* True if `s` already satisfies bc_sanitize (no change would be made). */
int bc_is_sanitized(const char *s);

#endif
