/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Theme files: parsing (no curses here, so it is unit-tested directly),
 * colour syntax, palette matching, where themes live, and XEP-0392
 * consistent colours.
 *
 * The format is GKeyFile's INI, but read line by line here: GKeyFile
 * gives up on the first bad line and knows no line numbers, and a theme
 * with one typo should still load, with a warning saying where. */
#include "backchat/theme.h"
#include "backchat/conv.h"
#include "backchat/paths.h"
#include "backchat/sanitize.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef BC_DATADIR
#define BC_DATADIR "/usr/local/share/backchat"
#endif

static const char *const elem_names[BC_THEME_N] = {
    "bar", "error", "own", "system", "time", "unread", "nick", "warning",
    "online", "chat", "away", "xa", "dnd", "offline", "header", "count",
    "mention", "mention-count",
};

static const char *const color_names[8] = {"black", "red", "green", "yellow",
                                           "blue", "magenta", "cyan", "white"};

const char *bc_theme_elem_name(int elem)
{
    return elem >= 0 && elem < BC_THEME_N ? elem_names[elem] : NULL;
}

int bc_theme_elem_lookup(const char *name)
{
    for (int i = 0; name && i < BC_THEME_N; i++)
        if (g_ascii_strcasecmp(name, elem_names[i]) == 0)
            return i;
    return -1;
}

/* ---- colours ---------------------------------------------------------------- */

static bc_color idx(int i) { return (bc_color){BC_COLOR_INDEX, (uint8_t)i, 0}; }
static const bc_color DEF = {BC_COLOR_DEFAULT, 0, 0};

bool bc_color_parse(const char *s, bc_color *out)
{
    if (!s || !*s)
        return false;
    if (g_ascii_strcasecmp(s, "default") == 0 || g_ascii_strcasecmp(s, "none") == 0) {
        *out = DEF;
        return true;
    }
    if (s[0] == '#') {
        if (strlen(s) != 7)
            return false;
        for (int i = 1; i < 7; i++)
            if (!g_ascii_isxdigit(s[i]))
                return false;
        *out = (bc_color){BC_COLOR_RGB, 0, (uint32_t)strtoul(s + 1, NULL, 16)};
        return true;
    }
    if (g_ascii_isdigit(s[0])) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (*end || v > 255 || strlen(s) > 3)
            return false;
        *out = idx((int)v);
        return true;
    }
    const char *n = s;
    int base = 0;
    if (g_ascii_strncasecmp(s, "bright-", 7) == 0) {
        n = s + 7;
        base = 8;
    }
    for (int i = 0; i < 8; i++)
        if (g_ascii_strcasecmp(n, color_names[i]) == 0) {
            *out = idx(base + i);
            return true;
        }
    if (!base && (g_ascii_strcasecmp(s, "grey") == 0 || g_ascii_strcasecmp(s, "gray") == 0)) {
        *out = idx(8); /* what most palettes show for bright-black */
        return true;
    }
    return false;
}

char *bc_color_to_string(bc_color c)
{
    switch (c.kind) {
    case BC_COLOR_RGB: return g_strdup_printf("#%06x", c.rgb & 0xffffff);
    case BC_COLOR_INDEX:
        if (c.index < 8)
            return g_strdup(color_names[c.index]);
        if (c.index < 16)
            return g_strconcat("bright-", color_names[c.index - 8], NULL);
        return g_strdup_printf("%u", c.index);
    default: return g_strdup("default");
    }
}

static const struct { const char *name; unsigned bit; } attr_names[] = {
    {"bold", BC_ATTR_BOLD}, {"reverse", BC_ATTR_REVERSE},
    {"underline", BC_ATTR_UNDERLINE}, {"dim", BC_ATTR_DIM},
};

bool bc_attrs_parse(const char *s, unsigned *out)
{
    unsigned a = 0;
    char **words = g_strsplit_set(s ? s : "", ", \t", -1);
    bool ok = true;
    for (char **w = words; *w && ok; w++) {
        if (!**w || g_ascii_strcasecmp(*w, "none") == 0)
            continue;
        ok = false;
        for (size_t i = 0; i < G_N_ELEMENTS(attr_names); i++)
            if (g_ascii_strcasecmp(*w, attr_names[i].name) == 0) {
                a |= attr_names[i].bit;
                ok = true;
            }
    }
    g_strfreev(words);
    if (ok)
        *out = a;
    return ok;
}

char *bc_attrs_to_string(unsigned attrs)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(attr_names); i++)
        if (attrs & attr_names[i].bit)
            g_string_append_printf(s, "%s%s", s->len ? "," : "", attr_names[i].name);
    if (!s->len)
        g_string_append(s, "none");
    return g_string_free(s, FALSE);
}

uint32_t bc_color_palette_rgb(int i)
{
    /* xterm's defaults: what most terminals use for the indexed colours. */
    static const uint32_t base16[16] = {
        0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
        0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
    };
    if (i < 0)
        return 0;
    if (i < 16)
        return base16[i];
    if (i < 232) {
        static const int lv[6] = {0, 95, 135, 175, 215, 255};
        int n = i - 16;
        return (uint32_t)(lv[n / 36] << 16 | lv[n / 6 % 6] << 8 | lv[n % 6]);
    }
    if (i < 256) {
        int g = 8 + 10 * (i - 232);
        return (uint32_t)(g << 16 | g << 8 | g);
    }
    return 0;
}

int bc_color_nearest(uint32_t rgb, int ncolors)
{
    int r = (int)(rgb >> 16 & 0xff), g = (int)(rgb >> 8 & 0xff), b = (int)(rgb & 0xff);
    int n = ncolors >= 256 ? 256 : ncolors >= 16 ? 16 : 8;
    int best = 0;
    long best_d = -1;
    for (int i = 0; i < n; i++) {
        uint32_t p = bc_color_palette_rgb(i);
        long dr = r - (int)(p >> 16 & 0xff), dg = g - (int)(p >> 8 & 0xff),
             db = b - (int)(p & 0xff);
        /* Weighted like the eye: green counts most, blue least. */
        long d = 3 * dr * dr + 4 * dg * dg + 2 * db * db;
        if (best_d < 0 || d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return best;
}

bool bc_theme_no_color(void)
{
    const char *v = getenv("NO_COLOR");
    return v && *v;
}

/* ---- XEP-0392 --------------------------------------------------------------- */

double bc_theme_hue(const char *s)
{
    guint8 d[20];
    gsize n = sizeof d;
    GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA1);
    g_checksum_update(ck, (const guchar *)(s ? s : ""), -1);
    g_checksum_get_digest(ck, d, &n);
    g_checksum_free(ck);
    /* The first two bytes, little endian, as a fraction of a turn. */
    unsigned v = (unsigned)d[0] | (unsigned)d[1] << 8;
    return (double)v / 65536.0 * 360.0;
}

uint32_t bc_theme_consistent_rgb(const char *s)
{
    /* HSL at fixed saturation and lightness: the palette a terminal maps
     * it to is coarse, so a perceptual space would buy little. Lightness
     * 0.6 keeps blues readable on dark backgrounds. */
    double h = bc_theme_hue(s) / 60.0, sat = 1.0, l = 0.6;
    double c = (1.0 - ABS(2.0 * l - 1.0)) * sat;
    double hm = h - 2.0 * (int)(h / 2.0); /* h mod 2, h >= 0 */
    double x = c * (1.0 - ABS(hm - 1.0));
    double m = l - c / 2.0, rgb[3] = {0, 0, 0};
    int sector = (int)h % 6;
    static const int order[6][3] = {{0, 1, 2}, {1, 0, 2}, {2, 0, 1},
                                    {2, 1, 0}, {1, 2, 0}, {0, 2, 1}};
    /* order: which channel gets c, x, 0 in each sector */
    rgb[order[sector][0]] = c;
    rgb[order[sector][1]] = x;
    uint32_t out = 0;
    for (int i = 0; i < 3; i++) {
        int v = (int)((rgb[i] + m) * 255.0 + 0.5);
        out = out << 8 | (uint32_t)CLAMP(v, 0, 255);
    }
    return out;
}

/* ---- parsing ---------------------------------------------------------------- */

bc_theme *bc_theme_new_default(void)
{
    bc_theme *t = g_new0(bc_theme, 1);
    t->name = g_strdup("default");
    t->description = g_strdup("Light text on the terminal's own (dark) background");
    t->nick_colors = true;
    static const struct { int fg, bg; unsigned attrs; } d[BC_THEME_N] = {
        [BC_THEME_BAR] = {7, 4, 0},        [BC_THEME_ERROR] = {1, -1, 0},
        [BC_THEME_OWN] = {6, -1, 0},       [BC_THEME_SYSTEM] = {3, -1, 0},
        [BC_THEME_TIME] = {4, -1, 0},      [BC_THEME_UNREAD] = {3, 4, 0},
        [BC_THEME_NICK] = {2, -1, 0},      [BC_THEME_WARNING] = {7, 1, 0},
        [BC_THEME_ONLINE] = {2, -1, 0},    [BC_THEME_CHAT] = {10, -1, 0},
        [BC_THEME_AWAY] = {3, -1, 0},      [BC_THEME_XA] = {3, -1, 0},
        [BC_THEME_DND] = {1, -1, 0},       [BC_THEME_OFFLINE] = {8, -1, 0},
        [BC_THEME_HEADER] = {6, -1, 0},    [BC_THEME_COUNT] = {3, -1, 0},
        [BC_THEME_MENTION] = {5, -1, 0},   [BC_THEME_MENTION_COUNT] = {7, 1, 0},
    };
    for (int i = 0; i < BC_THEME_N; i++) {
        t->style[i].fg = d[i].fg < 0 ? DEF : idx(d[i].fg);
        t->style[i].bg = d[i].bg < 0 ? DEF : idx(d[i].bg);
        t->style[i].attrs = d[i].attrs;
    }
    return t;
}

void bc_theme_free(bc_theme *t)
{
    if (!t)
        return;
    g_free(t->name);
    g_free(t->path);
    g_free(t->description);
    g_free(t);
}

static void warn(GPtrArray *w, const char *file, int line, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static void warn(GPtrArray *w, const char *file, int line, const char *fmt, ...)
{
    if (!w)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* It quotes the file's bytes and goes to the console: clean text only
     * (a shared theme must not reach the terminal with escapes). */
    char *raw = g_strdup_printf("%s, line %d: %s", file, line, msg);
    g_ptr_array_add(w, bc_sanitize_line(raw, -1));
    g_free(raw);
    g_free(msg);
}

static bool parse_bool(const char *v, bool *out)
{
    if (!g_ascii_strcasecmp(v, "true") || !g_ascii_strcasecmp(v, "yes") || !strcmp(v, "1"))
        *out = true;
    else if (!g_ascii_strcasecmp(v, "false") || !g_ascii_strcasecmp(v, "no") || !strcmp(v, "0"))
        *out = false;
    else
        return false;
    return true;
}

/* One key=value line in group `grp` (-2: [theme], -1: unknown group). */
static void apply(bc_theme *t, int grp, const char *gname, const char *k, const char *v,
                  const char *file, int ln, GPtrArray *w)
{
    if (grp == -2) {
        if (!strcmp(k, "description")) {
            /* Shown by /theme show: clean single-line text, stripped again
             * since dropping controls may uncover blanks. */
            g_free(t->description);
            t->description = g_strstrip(bc_sanitize_line(v, -1));
        } else if (!strcmp(k, "nick-colors") || !strcmp(k, "nick_colors")) {
            if (!parse_bool(v, &t->nick_colors))
                warn(w, file, ln, "[theme] %s: \"%s\" is not true or false", k, v);
        } else {
            warn(w, file, ln, "[theme] has no key \"%s\" (description, nick-colors)", k);
        }
        return;
    }
    if (grp < 0)
        return; /* the group line was warned about already */
    bc_theme_style *st = &t->style[grp];
    if (!strcmp(k, "fg") || !strcmp(k, "bg")) {
        bc_color c;
        if (bc_color_parse(v, &c))
            *(k[0] == 'f' ? &st->fg : &st->bg) = c;
        else
            warn(w, file, ln, "[%s] %s: \"%s\" is not a colour (a name such as red or "
                 "bright-blue, default, 0-255, or #rrggbb)", gname, k, v);
    } else if (!strcmp(k, "attrs")) {
        if (!bc_attrs_parse(v, &st->attrs))
            warn(w, file, ln, "[%s] attrs: \"%s\" has an unknown attribute (bold, reverse, "
                 "underline, dim, none)", gname, v);
    } else {
        warn(w, file, ln, "[%s] has no key \"%s\" (fg, bg, attrs)", gname, k);
    }
}

bc_theme *bc_theme_parse(const char *name, const char *text, const char *file,
                         GPtrArray *w)
{
    bc_theme *t = bc_theme_new_default();
    g_free(t->name);
    t->name = g_strdup(name ? name : "theme");
    if (!file)
        file = t->name;
    char **lines = g_strsplit(text ? text : "", "\n", -1);
    int grp = -1;
    char *gname = NULL;
    for (int i = 0; lines[i]; i++) {
        int ln = i + 1;
        char *l = g_strstrip(lines[i]);
        if (!*l || *l == '#' || *l == ';')
            continue;
        if (*l == '[') {
            size_t n = strlen(l);
            g_free(gname);
            gname = NULL;
            grp = -1;
            if (l[n - 1] != ']') {
                warn(w, file, ln, "\"%s\" is not a [group] line; keys up to the next group "
                     "are ignored", l);
                gname = g_strdup(""); /* its keys: skipped without more warnings */
                continue;
            }
            gname = g_strndup(l + 1, n - 2);
            g_strstrip(gname);
            if (!strcmp(gname, "theme"))
                grp = -2;
            else if ((grp = bc_theme_elem_lookup(gname)) < 0)
                warn(w, file, ln, "unknown group [%s]: its keys are ignored (see "
                     "backchat-themes(5) for the element names)", gname);
            continue;
        }
        char *eq = strchr(l, '=');
        if (!eq) {
            warn(w, file, ln, "\"%s\" is not key = value; ignored", l);
            continue;
        }
        *eq = '\0';
        char *k = g_strstrip(l), *v = g_strstrip(eq + 1);
        if (!gname) {
            warn(w, file, ln, "key \"%s\" before any [group]; ignored", k);
            continue;
        }
        apply(t, grp, gname, k, v, file, ln, w);
    }
    g_free(gname);
    g_strfreev(lines);
    return t;
}

bc_theme *bc_theme_load_file(const char *name, const char *path, GPtrArray *w, GError **err)
{
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, err))
        return NULL;
    bc_theme *t = bc_theme_parse(name, text, path, w);
    t->path = g_strdup(path);
    g_free(text);
    return t;
}

/* ---- where themes live ------------------------------------------------------ */

bool bc_theme_name_valid(const char *name)
{
    if (!name || !*name || name[0] == '.' || strlen(name) > 64)
        return false;
    for (const char *p = name; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
            return false;
    return true;
}

/* themes/ beside the executable or one level up (a build directory in the
 * source tree), if it holds default.theme. */
static char *exe_themes(void)
{
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    if (!exe)
        return NULL;
    char *dir = g_path_get_dirname(exe);
    g_free(exe);
    char *found = NULL;
    for (int up = 0; up < 2 && !found; up++) {
        char *d = up ? g_build_filename(dir, "..", "themes", NULL)
                     : g_build_filename(dir, "themes", NULL);
        char *probe = g_build_filename(d, "default.theme", NULL);
        if (g_file_test(probe, G_FILE_TEST_IS_REGULAR))
            found = g_steal_pointer(&d);
        g_free(probe);
        g_free(d);
    }
    g_free(dir);
    return found;
}

char **bc_theme_dirs(void)
{
    GPtrArray *a = g_ptr_array_new();
    g_ptr_array_add(a, g_build_filename(bc_paths_config_dir(), "themes", NULL));
    const char *env = getenv("BACKCHAT_THEMES_DIR");
    if (env && *env)
        g_ptr_array_add(a, g_strdup(env));
    char *exe = exe_themes();
    if (exe)
        g_ptr_array_add(a, exe);
    g_ptr_array_add(a, g_build_filename(BC_DATADIR, "themes", NULL));
    g_ptr_array_add(a, NULL);
    return (char **)g_ptr_array_free(a, FALSE);
}

char *bc_theme_find(const char *name)
{
    if (!bc_theme_name_valid(name))
        return NULL;
    char **dirs = bc_theme_dirs();
    char *file = g_strconcat(name, ".theme", NULL), *found = NULL;
    for (char **d = dirs; *d && !found; d++) {
        char *p = g_build_filename(*d, file, NULL);
        if (g_file_test(p, G_FILE_TEST_IS_REGULAR))
            found = g_steal_pointer(&p);
        g_free(p);
    }
    g_free(file);
    g_strfreev(dirs);
    return found;
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **bc_theme_list(void)
{
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char **dirs = bc_theme_dirs();
    for (char **d = dirs; *d; d++) {
        GDir *dir = g_dir_open(*d, 0, NULL);
        if (!dir)
            continue;
        for (const char *f; (f = g_dir_read_name(dir));) {
            if (!g_str_has_suffix(f, ".theme"))
                continue;
            char *n = g_strndup(f, strlen(f) - strlen(".theme"));
            if (bc_theme_name_valid(n))
                g_hash_table_add(seen, n);
            else
                g_free(n);
        }
        g_dir_close(dir);
    }
    g_strfreev(dirs);
    GPtrArray *a = g_ptr_array_new();
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, seen);
    while (g_hash_table_iter_next(&it, &k, NULL))
        g_ptr_array_add(a, g_strdup(k));
    g_hash_table_destroy(seen);
    g_ptr_array_sort(a, cmp_str);
    g_ptr_array_add(a, NULL);
    return (char **)g_ptr_array_free(a, FALSE);
}

/* ---- the theme in use ------------------------------------------------------- */

static bc_theme *current;
static bc_theme_apply_fn apply_fn;

void bc_theme_set_apply(bc_theme_apply_fn fn) { apply_fn = fn; }

const bc_theme *bc_theme_current(void)
{
    if (!current)
        current = bc_theme_new_default();
    return current;
}

bool bc_theme_use(const char *name, GError **err)
{
    if (!bc_theme_name_valid(name)) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "\"%s\" is not a theme name (letters, digits, - _ .); /theme list shows "
                    "the themes", name ? name : "");
        return false;
    }
    char *path = bc_theme_find(name);
    if (!path) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                    "No theme \"%s\": /theme list shows the themes; your own go in "
                    "%s/themes/%s.theme", name, bc_paths_config_dir(), name);
        return false;
    }
    GPtrArray *w = g_ptr_array_new_with_free_func(g_free);
    bc_theme *t = bc_theme_load_file(name, path, w, err);
    g_free(path);
    if (!t) {
        g_ptr_array_free(w, TRUE);
        return false;
    }
    for (guint i = 0; i < w->len; i++)
        bc_console_err("Theme %s", (const char *)w->pdata[i]);
    g_ptr_array_free(w, TRUE);
    bc_theme_free(current);
    current = t;
    if (apply_fn)
        apply_fn(current);
    return true;
}

void bc_theme_reset(void) { g_clear_pointer(&current, bc_theme_free); }
