/* SPDX-License-Identifier: GPL-3.0-or-later */
/* JIDs (RFC 7622, simplified): split, validate, normalise and compare. */

/*
 * What is checked (a deliberate subset of RFC 7622; no PRECIS profiles, no
 * IDNA, no Unicode case folding):
 *
 *  - The whole string is well-formed UTF-8 and holds no control character
 *    (Cc: C0, DEL, C1), no whitespace (ASCII space, tab, CR, LF, FF, and
 *    every Unicode space/line/paragraph separator: U+00A0, U+2000..U+200A,
 *    U+2028, U+2029, U+3000, ...) and no bidi embedding/override/isolate
 *    control (U+202A..U+202E, U+2066..U+2069; PRECIS disallows these as
 *    default-ignorable code points, and they could make one JID look like
 *    another on screen).  Consequence: a valid JID is always unchanged by
 *    bc_sanitize() and bc_sanitize_line().
 *  - Splitting (RFC 7622 section 3.2): the resource is everything after the
 *    first "/" (and may itself hold "/" and "@"); in what precedes it, the
 *    local part is everything before the first "@".
 *  - Local part: absent, or 1..1023 bytes without any of  " & ' / : < > @
 *  - Domain: 1..1023 bytes (after one trailing dot, if any, is stripped),
 *    either an IPv6 literal in brackets ("[::1]", checked with inet_pton)
 *    or dot-separated non-empty labels.  ASCII in a label is limited to
 *    letters, digits, "-" and "_" (so no "@", "/", ":" port suffix, quotes,
 *    brackets...); non-ASCII characters are accepted as IDN U-labels.  The
 *    domain is lower-cased (ASCII only).
 *  - Resource: absent, or 1..1023 bytes of anything allowed above.
 *
 * bc_jid_bare() lower-cases the local part too (ASCII only), so two bare
 * JIDs that differ only in ASCII case compare equal.  The resource keeps its
 * case (resources are case-sensitive).  bc_jid_parse() keeps the local
 * part's original case, for display.
 */

#include "backchat/jid.h"

#include <arpa/inet.h>
#include <glib.h>
#include <string.h>

#define JID_PART_MAX 1023

/* Forbidden anywhere in a JID (see above). */
static bool forbidden_char(gunichar c)
{
    if (g_unichar_iscntrl(c) || g_unichar_isspace(c))
        return true;
    /* g_unichar_isspace covers Zs/Zl/Zp and \t \n \r \f; \v is Cc. */
    if (c >= 0x202A && c <= 0x202E)
        return true;
    if (c >= 0x2066 && c <= 0x2069)
        return true;
    return false;
}

/* Strictly valid UTF-8 with no forbidden character. In the resource
 * (after the first '/') a plain space is allowed inside, not at either
 * end: group chat nicknames ("room@service/Jane Doe") have them. */
static bool clean_text(const char *s)
{
    if (!g_utf8_validate(s, -1, NULL))
        return false;
    const char *slash = strchr(s, '/');
    for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c == ' ' && slash && p > slash + 1 && p[1] != '\0')
            continue;
        if (forbidden_char(c))
            return false;
    }
    return true;
}

static bool local_ok(const char *l, size_t n)
{
    if (n == 0 || n > JID_PART_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (strchr("\"&'/:<>@", l[i]) != NULL)
            return false;
    }
    return true;
}

/* d[0..n), after trailing-dot removal. */
static bool domain_ok(const char *d, size_t n)
{
    if (n == 0 || n > JID_PART_MAX)
        return false;

    if (d[0] == '[') {
        /* IPv6 literal. INET6_ADDRSTRLEN is 46 including the NUL. */
        char buf[64];
        struct in6_addr a;
        if (n < 3 || d[n - 1] != ']' || n - 2 >= sizeof buf)
            return false;
        memcpy(buf, d + 1, n - 2);
        buf[n - 2] = '\0';
        return inet_pton(AF_INET6, buf, &a) == 1;
    }

    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)d[i];
        if (c == '.') {
            if (label == 0)
                return false; /* leading dot or ".." */
            label = 0;
            continue;
        }
        if (c < 0x80 && !g_ascii_isalnum(c) && c != '-' && c != '_')
            return false;
        label++;
    }
    return label > 0; /* no empty last label (a second trailing dot) */
}

bc_jid *bc_jid_parse(const char *s)
{
    if (s == NULL || !clean_text(s))
        return NULL;

    const char *slash = strchr(s, '/');
    size_t pre = slash ? (size_t)(slash - s) : strlen(s);
    const char *at = memchr(s, '@', pre);

    const char *local = NULL, *dom = s, *res = NULL;
    size_t local_n = 0, dom_n = pre, res_n = 0;

    if (at != NULL) {
        local = s;
        local_n = (size_t)(at - s);
        dom = at + 1;
        dom_n = pre - local_n - 1;
        if (!local_ok(local, local_n))
            return NULL;
    }
    if (slash != NULL) {
        res = slash + 1;
        res_n = strlen(res);
        if (res_n == 0 || res_n > JID_PART_MAX)
            return NULL;
    }
    /* One trailing dot is allowed and stripped (not after an IP literal). */
    if (dom_n > 0 && dom[0] != '[' && dom[dom_n - 1] == '.')
        dom_n--;
    if (!domain_ok(dom, dom_n))
        return NULL;

    bc_jid *j = g_new0(bc_jid, 1);
    if (local != NULL)
        j->local = g_strndup(local, local_n);
    j->domain = g_ascii_strdown(dom, (gssize)dom_n);
    if (res != NULL)
        j->resource = g_strndup(res, res_n);
    return j;
}

void bc_jid_free(bc_jid *j)
{
    if (j == NULL)
        return;
    g_free(j->local);
    g_free(j->domain);
    g_free(j->resource);
    g_free(j);
}

bool bc_jid_is_valid(const char *s)
{
    bc_jid *j = bc_jid_parse(s);
    bool ok = j != NULL;
    bc_jid_free(j);
    return ok;
}

char *bc_jid_bare_of(const bc_jid *j)
{
    if (j == NULL)
        return NULL;
    if (j->local == NULL)
        return g_strdup(j->domain);
    char *l = g_ascii_strdown(j->local, -1);
    char *out = g_strconcat(l, "@", j->domain, NULL);
    g_free(l);
    return out;
}

char *bc_jid_bare(const char *s)
{
    bc_jid *j = bc_jid_parse(s);
    char *out = bc_jid_bare_of(j);
    bc_jid_free(j);
    return out;
}

char *bc_jid_resource(const char *s)
{
    bc_jid *j = bc_jid_parse(s);
    if (j == NULL)
        return NULL;
    char *r = j->resource;
    j->resource = NULL;
    bc_jid_free(j);
    return r;
}

bool bc_jid_bare_equal(const char *a, const char *b)
{
    char *ba = bc_jid_bare(a);
    char *bb = bc_jid_bare(b);
    bool eq = ba != NULL && bb != NULL && strcmp(ba, bb) == 0;
    g_free(ba);
    g_free(bb);
    return eq;
}

/* NULL for an invalid JID, like bc_jid_bare(). */
char *bc_jid_display(const char *s)
{
    bc_jid *j = bc_jid_parse(s);
    if (j == NULL)
        return NULL;
    char *d;
    if (j->local != NULL) {
        d = j->local;
        j->local = NULL;
    } else {
        d = j->domain;
        j->domain = NULL;
    }
    bc_jid_free(j);
    return d;
}
