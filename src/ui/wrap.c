/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Display width and word wrapping of UTF-8 text. */
#include "backchat/wrap.h"

#include <stdbool.h>
#include <string.h>
#include <wchar.h>

/* Decodes one character; returns its byte length (1 for invalid bytes)
 * and its display width (0 for combining marks, 2 for wide). */
static size_t next_char(const char *s, size_t avail, int *cols)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    wchar_t wc;
    size_t n = mbrtowc(&wc, s, avail, &st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        *cols = 1;
        return 1;
    }
    int w = wcwidth(wc);
    if (w < 0)
        w = wc == L'\t' ? 1 : 0;
    /* Emoji presentation: some libcs report 1 for pictographs that every
     * terminal draws two cells wide. */
    if (w == 1 && wc >= 0x1F300 && wc <= 0x1FAFF)
        w = 2;
    *cols = w;
    return n;
}

int bc_str_width(const char *s, long len)
{
    size_t n = len < 0 ? strlen(s) : (size_t)len;
    int total = 0;
    for (size_t i = 0; i < n;) {
        int c;
        i += next_char(s + i, n - i, &c);
        total += c;
    }
    return total;
}

size_t bc_str_fit(const char *s, int cols)
{
    size_t n = strlen(s), i = 0;
    int used = 0;
    while (i < n) {
        int c;
        size_t k = next_char(s + i, n - i, &c);
        if (used + c > cols)
            break;
        used += c;
        i += k;
    }
    return i;
}

size_t bc_wrap(const char *text, int first_width, int width, bc_wrap_row *rows, size_t max)
{
    size_t n = strlen(text), count = 0, pos = 0;
    if (width < 1)
        width = 1;
    if (first_width < 1)
        first_width = 1;
    if (max == 0)
        return 0;
    if (n == 0) {
        rows[0].start = 0;
        rows[0].len = 0;
        return 1;
    }
    while (pos < n && count < max) {
        int limit = count == 0 ? first_width : width;
        size_t i = pos, last_break = 0;
        bool have_break = false;
        int used = 0;
        /* A newline ends the row; the next row starts after it. */
        const char *nl = memchr(text + pos, '\n', n - pos);
        size_t seg = nl ? (size_t)(nl - text) : n;
        if (seg == pos) {
            rows[count].start = pos;
            rows[count].len = 0;
            count++;
            pos++;
            continue;
        }
        while (i < seg) {
            int c;
            size_t k = next_char(text + i, n - i, &c);
            if (used + c > limit)
                break;
            used += c;
            i += k;
            if (text[i - k] == ' ') {
                last_break = i;
                have_break = true;
            }
        }
        size_t end;
        if (i >= seg) {
            end = seg;
        } else if (text[i] == ' ') {
            /* The row is full right before a space: break there. */
            end = i;
        } else if (have_break && last_break > pos) {
            end = last_break;
        } else if (i == pos) {
            /* Not even one character fits (a wide one in one column). */
            int c;
            end = pos + next_char(text + pos, seg - pos, &c);
        } else {
            end = i;
        }
        size_t len = end - pos;
        while (len > 0 && text[pos + len - 1] == ' ')
            len--;
        rows[count].start = pos;
        rows[count].len = len;
        count++;
        pos = end;
        if (end == seg && nl) {
            pos = seg + 1; /* past the newline */
            continue;
        }
        /* A row never starts with the spaces it broke on. */
        while (pos < seg && text[pos] == ' ' && end != n)
            pos++;
    }
    return count;
}
