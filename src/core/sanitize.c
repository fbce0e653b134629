/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The network string sanitizer: strict UTF-8, no control or bidi-override characters. */

/*
 * Every string that arrives from the network passes through bc_sanitize()
 * (or bc_sanitize_line()) once, at the xmpp/ boundary, before it reaches the
 * model, the log or the terminal.  The rules:
 *
 *  - Input is decoded strictly as UTF-8 (Unicode 15, table 3-7 "well-formed
 *    byte sequences"): overlong forms, UTF-16 surrogates (U+D800..U+DFFF),
 *    code points above U+10FFFF and truncated sequences are all ill-formed.
 *    The decoder never consumes more than one byte of an ill-formed
 *    sequence: EVERY byte that is not part of a well-formed sequence becomes
 *    exactly one U+FFFD, and decoding resumes at the next byte.  So
 *    "\xe2\x82" (truncated) yields two U+FFFD, "\xc0\x9b" (overlong ESC)
 *    yields two U+FFFD and never ESC.
 *  - C0 controls (U+0000..U+001F) are dropped, except LF and TAB which are
 *    kept, and CR which is turned into LF (CR LF becomes a single LF).
 *    DEL (U+007F) and all C1 controls (U+0080..U+009F, among them the 8-bit
 *    introducers CSI U+009B, OSC U+009D, DCS U+0090, APC U+009F, PM U+009E,
 *    SOS U+0098 and ST U+009C) are dropped.  With ESC and every C1 gone, no
 *    terminal escape or control sequence can be formed, whatever the bytes
 *    around them: dropping never glues a sequence together because the
 *    introducer itself is what is missing.
 *  - U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR become LF.
 *  - The bidi embedding/override controls U+202A..U+202E and the isolates
 *    U+2066..U+2069 are dropped: they reorder the text that FOLLOWS them
 *    (even across our own UI decorations) and are the tool of "Trojan
 *    Source" style spoofing.
 *
 * Deliberately kept:
 *  - U+200E/U+200F (LRM/RLM) and U+061C (ALM): plain marks, they only act
 *    as a strongly-directional character and cannot reorder other text.
 *  - U+200D ZERO WIDTH JOINER and U+200C ZWNJ: needed for emoji sequences
 *    and for correct rendering of many scripts.
 *  - U+FEFF (BOM / ZWNBSP), other zero-width and format characters, tag
 *    characters, noncharacters, private-use code points: none of them is
 *    interpreted by a terminal, none can move or hide our own output, and
 *    dropping them would alter legitimate text.  Display-level concerns
 *    (confusables, width) belong to the UI, not to this gate.
 *  - U+FFFD itself (so sanitizing is idempotent).
 *
 * bc_sanitize_line() applies the same rules and then turns every LF and TAB
 * it would have produced (including those coming from CR, CR LF, U+2028 and
 * U+2029) into a single space each.
 *
 * Output size: a well-formed sequence is never longer on output than on
 * input, and each ill-formed byte becomes 3 bytes (U+FFFD), so the output is
 * at most 3 * len bytes.  The buffer is sized for that up front (one
 * allocation, one pass, then a shrinking realloc), so the whole thing is
 * O(n) with no reallocation during the pass.
 */

#include "backchat/sanitize.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

/* What to do with one decoded code point. */
enum cp_class {
    CP_KEEP,    /* copy it */
    CP_DROP,    /* emit nothing */
    CP_NEWLINE, /* emit LF (space in line mode) */
    CP_TAB_LF,  /* LF or TAB: kept as is (space in line mode) */
};

/* Decodes one well-formed UTF-8 sequence at p[0..n) (n >= 1). Returns its
 * length (1..4) and stores the code point, or returns 0 when the bytes at p
 * do not start a well-formed sequence. */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned char b0 = p[0];

    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    }
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        if (n < 2 || (p[1] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(b0 & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if (b0 >= 0xE0 && b0 <= 0xEF) {
        /* Second byte range depends on the lead: E0 excludes overlongs
         * (A0..BF), ED excludes surrogates (80..9F). */
        unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
        unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;
        if (n < 3 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(b0 & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) |
              (p[2] & 0x3F);
        return 3;
    }
    if (b0 >= 0xF0 && b0 <= 0xF4) {
        /* F0 excludes overlongs (90..BF), F4 excludes > U+10FFFF (80..8F). */
        unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
        unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
        if (n < 4 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80 ||
            (p[3] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(b0 & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
              ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
        return 4;
    }
    /* 80..C1 (continuation bytes, overlong 2-byte leads), F5..FF. */
    return 0;
}

static enum cp_class classify(uint32_t cp)
{
    if (cp < 0x20) {
        if (cp == '\n' || cp == '\t')
            return CP_TAB_LF;
        if (cp == '\r')
            return CP_NEWLINE;
        return CP_DROP;
    }
    if (cp < 0x7F)
        return CP_KEEP;
    if (cp <= 0x9F) /* DEL and C1 */
        return CP_DROP;
    if (cp < 0x2028)
        return CP_KEEP;
    if (cp == 0x2028 || cp == 0x2029)
        return CP_NEWLINE;
    if (cp >= 0x202A && cp <= 0x202E) /* LRE RLE PDF LRO RLO */
        return CP_DROP;
    if (cp >= 0x2066 && cp <= 0x2069) /* LRI RLI FSI PDI */
        return CP_DROP;
    return CP_KEEP;
}

static inline int ascii_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7F;
}

static char *sanitize(const char *in, long len, int line)
{
    if (in == NULL)
        return g_strdup("");

    size_t n = len < 0 ? strlen(in) : (size_t)len;
    const unsigned char *p = (const unsigned char *)in;
    /* Worst case 3 output bytes per input byte, plus the NUL;
     * g_malloc_n aborts instead of overflowing. */
    char *out = g_malloc_n(n + 1, 3);
    size_t o = 0;
    size_t i = 0;

    while (i < n) {
        /* Fast path: a run of printable ASCII is copied as is. */
        if (ascii_plain(p[i])) {
            size_t j = i + 1;
            while (j < n && ascii_plain(p[j]))
                j++;
            memcpy(out + o, p + i, j - i);
            o += j - i;
            i = j;
            continue;
        }

        uint32_t cp = 0;
        size_t k = utf8_decode(p + i, n - i, &cp);
        if (k == 0) {
            /* One U+FFFD per ill-formed byte. */
            out[o++] = (char)0xEF;
            out[o++] = (char)0xBF;
            out[o++] = (char)0xBD;
            i++;
            continue;
        }

        switch (classify(cp)) {
        case CP_KEEP:
            memcpy(out + o, p + i, k);
            o += k;
            break;
        case CP_DROP:
            break;
        case CP_TAB_LF:
            out[o++] = line ? ' ' : (char)cp;
            break;
        case CP_NEWLINE:
            /* CR LF: the CR is swallowed and the LF, next, is emitted. */
            if (!(cp == '\r' && i + 1 < n && p[i + 1] == '\n'))
                out[o++] = line ? ' ' : '\n';
            break;
        }
        i += k;
    }
    out[o] = '\0';

    /* Give back what the worst-case sizing did not use. */
    if (o + 1 < (n + 1) * 3)
        out = g_realloc(out, o + 1);
    return out;
}

char *bc_sanitize(const char *in, long len)
{
    return sanitize(in, len, 0);
}

char *bc_sanitize_line(const char *in, long len)
{
    return sanitize(in, len, 1);
}

/* Exactly the cases where sanitize() would copy every byte unchanged:
 * every sequence well-formed, classified KEEP or TAB_LF (kept verbatim
 * outside line mode); any CR (even in CR LF), U+2028/9 or dropped
 * character would change the output.  NULL is not a string: false. */
int bc_is_sanitized(const char *s)
{
    if (s == NULL)
        return 0;

    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    size_t i = 0;

    while (i < n) {
        if (ascii_plain(p[i])) {
            i++;
            continue;
        }
        uint32_t cp = 0;
        size_t k = utf8_decode(p + i, n - i, &cp);
        if (k == 0)
            return 0;
        enum cp_class c = classify(cp);
        if (c != CP_KEEP && c != CP_TAB_LF)
            return 0;
        i += k;
    }
    return 1;
}
