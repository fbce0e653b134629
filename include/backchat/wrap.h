/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Terminal-width arithmetic on UTF-8: display width (wide characters and
 * emoji take two columns) and word wrapping. No curses, unit-tested. */
#ifndef BACKCHAT_WRAP_H
#define BACKCHAT_WRAP_H

#include <stddef.h>

/* Display columns of `len` bytes of UTF-8 (len < 0: up to NUL). */
int bc_str_width(const char *s, long len);

typedef struct bc_wrap_row {
    size_t start, len;  /* byte range in the text, trailing spaces excluded */
} bc_wrap_row;

/* Splits `text` into rows of at most `width`
 * columns, breaking after spaces; a word longer than a row is broken
 * between characters (never inside one). The first row may be narrower
 * (`first_width`). A newline always ends a row (an empty line is an
 * empty row). Returns the number of rows written to `rows` (at most
 * `max`); always at least 1 for non-empty or empty text. */
size_t bc_wrap(const char *text, int first_width, int width, bc_wrap_row *rows, size_t max);

/* Byte length of the longest prefix of `s` fitting in `cols` columns. */
size_t bc_str_fit(const char *s, int cols);

#endif
