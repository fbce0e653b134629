/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The split-pane tree: split, close, swap, resize, focus moves, geometry
 * and (de)serialization. Pure data: no terminal, no conversations. */
#include "backchat/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK(bc-layout-error, bc_layout_error)
#define ERR(...) g_set_error(err, BC_LAYOUT_ERROR, 1, __VA_ARGS__)

static bc_pane *leaf_new(bc_conv_type type, const char *jid)
{
    bc_pane *p = g_new0(bc_pane, 1);
    p->split = BC_SPLIT_NONE;
    p->type = type;
    p->jid = g_strdup(jid);
    return p;
}

static void pane_free(bc_pane *p)
{
    if (!p)
        return;
    pane_free(p->a);
    pane_free(p->b);
    g_free(p->jid);
    g_free(p);
}

bc_layout *bc_layout_new(bc_conv_type type, const char *jid)
{
    bc_layout *l = g_new0(bc_layout, 1);
    l->root = l->focus = leaf_new(type, jid);
    return l;
}

void bc_layout_free(bc_layout *l)
{
    if (!l)
        return;
    pane_free(l->root);
    g_free(l);
}

static bc_pane *pane_copy(const bc_pane *p, bc_pane *parent, const bc_pane *focus,
                          bc_pane **new_focus)
{
    bc_pane *c = g_new0(bc_pane, 1);
    *c = *p;
    c->parent = parent;
    c->jid = g_strdup(p->jid);
    c->a = p->a ? pane_copy(p->a, c, focus, new_focus) : NULL;
    c->b = p->b ? pane_copy(p->b, c, focus, new_focus) : NULL;
    if (p == focus)
        *new_focus = c;
    return c;
}

bc_layout *bc_layout_copy(const bc_layout *l)
{
    if (!l)
        return NULL;
    bc_layout *c = g_new0(bc_layout, 1);
    c->root = pane_copy(l->root, NULL, l->focus, &c->focus);
    return c;
}

static void leaves(bc_pane *p, bc_pane **out, int *n, int max)
{
    if (!p)
        return;
    if (p->split == BC_SPLIT_NONE) {
        if (*n < max)
            out[*n] = p;
        (*n)++;
        return;
    }
    leaves(p->a, out, n, max);
    leaves(p->b, out, n, max);
}

int bc_layout_count(const bc_layout *l)
{
    int n = 0;
    bc_pane *tmp[BC_PANES_MAX];
    if (l)
        leaves(l->root, tmp, &n, BC_PANES_MAX);
    return n;
}

bc_pane *bc_layout_nth(const bc_layout *l, int i)
{
    bc_pane *all[BC_PANES_MAX];
    int n = 0;
    if (!l)
        return NULL;
    leaves(l->root, all, &n, BC_PANES_MAX);
    return i >= 0 && i < n && i < BC_PANES_MAX ? all[i] : NULL;
}

int bc_layout_index(const bc_layout *l, const bc_pane *p)
{
    for (int i = 0; i < BC_PANES_MAX; i++) {
        bc_pane *q = bc_layout_nth(l, i);
        if (!q)
            break;
        if (q == p)
            return i;
    }
    return -1;
}

void bc_pane_show(bc_pane *p, bc_conv_type type, const char *jid)
{
    if (!p || p->split != BC_SPLIT_NONE)
        return;
    if (bc_pane_shows(p, type, jid))
        return;
    char *j = g_strdup(jid);
    g_free(p->jid);
    p->jid = j;
    p->type = type;
    p->scroll = 0;
}

bool bc_pane_shows(const bc_pane *p, bc_conv_type type, const char *jid)
{
    return p && p->type == type && g_strcmp0(p->jid, jid) == 0;
}

/* ---- geometry ------------------------------------------------------------ */

/* Columns (or rows) of `avail` given to the first child. */
static int first_size(int avail, int ratio) { return (avail * ratio + 500) / 1000; }

typedef struct {
    bc_rect *rects;
    int n, max;
    bc_rect *divs;
    int nd, maxd;
    const bc_pane *want; /* find this node's rect */
    bc_rect found;
} geo;

static void geo_rec(const bc_pane *p, bc_rect r, geo *g)
{
    if (p == g->want)
        g->found = r;
    if (p->split == BC_SPLIT_NONE) {
        if (g->rects && g->n < g->max)
            g->rects[g->n] = r;
        g->n++;
        return;
    }
    bc_rect ra = r, rb = r;
    if (p->split == BC_SPLIT_V) {
        int avail = r.w - 1; /* one column for the divider */
        int w1 = first_size(avail, p->ratio);
        ra.w = w1;
        rb.x = r.x + w1 + 1;
        rb.w = avail - w1;
        if (g->divs && g->nd < g->maxd)
            g->divs[g->nd] = (bc_rect){r.x + w1, r.y, 1, r.h};
        g->nd++;
    } else {
        int h1 = first_size(r.h, p->ratio);
        ra.h = h1;
        rb.y = r.y + h1;
        rb.h = r.h - h1;
    }
    geo_rec(p->a, ra, g);
    geo_rec(p->b, rb, g);
}

int bc_layout_rects(const bc_layout *l, int w, int h, bc_rect *out, int max)
{
    geo g = {.rects = out, .max = max};
    geo_rec(l->root, (bc_rect){0, 0, w, h}, &g);
    return g.n < max ? g.n : max;
}

int bc_layout_dividers(const bc_layout *l, int w, int h, bc_rect *out, int max)
{
    geo g = {.divs = out, .maxd = max};
    geo_rec(l->root, (bc_rect){0, 0, w, h}, &g);
    return g.nd < max ? g.nd : max;
}

static bc_rect rect_of(const bc_layout *l, const bc_pane *p, int w, int h)
{
    geo g = {.want = p};
    geo_rec(l->root, (bc_rect){0, 0, w, h}, &g);
    return g.found;
}

bool bc_layout_fits(const bc_layout *l, int w, int h, GError **err)
{
    bc_rect r[BC_PANES_MAX];
    int n = bc_layout_rects(l, w, h, r, BC_PANES_MAX);
    if (n <= 1)
        return true; /* one pane takes whatever there is */
    for (int i = 0; i < n; i++) {
        if (r[i].w < BC_PANE_MIN_COLS) {
            ERR("a pane would be %d columns wide; panes need at least %d (the pane area "
                "is %dx%d): widen the terminal, hide the buddy list (F12), or close a pane "
                "(/pane close)",
                r[i].w, BC_PANE_MIN_COLS, w, h);
            return false;
        }
        if (r[i].h - 1 < BC_PANE_MIN_ROWS) {
            ERR("a pane would be %d rows high; panes need at least %d under their header "
                "(the pane area is %dx%d): enlarge the terminal or close a pane "
                "(/pane close)",
                r[i].h - 1, BC_PANE_MIN_ROWS, w, h);
            return false;
        }
    }
    return true;
}

/* ---- changes ------------------------------------------------------------- */

bool bc_layout_split(bc_layout *l, bc_split_dir dir, int w, int h, GError **err)
{
    if (dir != BC_SPLIT_V && dir != BC_SPLIT_H) {
        ERR("split v (side by side) or h (one above the other)");
        return false;
    }
    if (bc_layout_count(l) >= BC_PANES_MAX) {
        ERR("at most %d panes: close one first (/pane close, Ctrl-W c)", BC_PANES_MAX);
        return false;
    }
    bc_pane *p = l->focus;
    bc_pane *a = leaf_new(p->type, NULL), *b = leaf_new(p->type, p->jid);
    a->jid = p->jid; /* moved */
    a->scroll = p->scroll;
    a->parent = b->parent = p;
    p->jid = NULL;
    p->split = dir;
    p->ratio = 500;
    p->a = a;
    p->b = b;
    if (!bc_layout_fits(l, w, h, err)) {
        /* Put it back as it was. */
        p->split = BC_SPLIT_NONE;
        p->jid = a->jid;
        p->scroll = a->scroll;
        a->jid = NULL;
        p->a = p->b = NULL;
        pane_free(a);
        pane_free(b);
        return false;
    }
    l->focus = b;
    return true;
}

static bc_pane *edge_leaf(bc_pane *p, bool last)
{
    while (p->split != BC_SPLIT_NONE)
        p = last ? p->b : p->a;
    return p;
}

bool bc_layout_close(bc_layout *l, GError **err)
{
    bc_pane *f = l->focus, *par = f->parent;
    if (!par) {
        ERR("this is the only pane; /split v or /split h makes another");
        return false;
    }
    bool was_a = par->a == f;
    bc_pane *sib = was_a ? par->b : par->a;
    sib->parent = par->parent;
    if (!par->parent)
        l->root = sib;
    else if (par->parent->a == par)
        par->parent->a = sib;
    else
        par->parent->b = sib;
    par->a = par->b = NULL;
    pane_free(par);
    pane_free(f);
    /* The focus goes to the pane that was next to the closed one. */
    l->focus = edge_leaf(sib, !was_a);
    return true;
}

void bc_layout_unsplit(bc_layout *l)
{
    bc_pane *f = l->focus;
    if (!f->parent)
        return;
    if (f->parent->a == f)
        f->parent->a = NULL;
    else
        f->parent->b = NULL;
    pane_free(l->root);
    f->parent = NULL;
    l->root = f;
}

bool bc_layout_swap(bc_layout *l, GError **err)
{
    int n = bc_layout_count(l), i = bc_layout_index(l, l->focus);
    if (n < 2) {
        ERR("only one pane: nothing to swap with");
        return false;
    }
    bc_pane *o = bc_layout_nth(l, i + 1 < n ? i + 1 : i - 1), *f = l->focus;
    bc_conv_type t = f->type;
    char *j = f->jid;
    int s = f->scroll;
    f->type = o->type;
    f->jid = o->jid;
    f->scroll = o->scroll;
    o->type = t;
    o->jid = j;
    o->scroll = s;
    l->focus = o;
    return true;
}

bool bc_layout_resize(bc_layout *l, int delta, int w, int h, GError **err)
{
    bc_pane *f = l->focus, *par = f->parent;
    if (!par) {
        ERR("only one pane: it takes the whole width and height");
        return false;
    }
    if (delta == 0)
        return true;
    bool in_a = par->a == f;
    bc_rect r = rect_of(l, par, w, h);
    int avail = par->split == BC_SPLIT_V ? r.w - 1 : r.h;
    int cur = first_size(avail, par->ratio);
    int want = cur + (in_a ? delta : -delta);
    if (want < 1 || want >= avail) {
        ERR("cannot resize by %+d: a pane would vanish", delta);
        return false;
    }
    /* The ratio whose rounding gives exactly `want`. */
    int ratio = (int)((long)want * 1000 / avail);
    while (ratio < 999 && first_size(avail, ratio) < want)
        ratio++;
    while (ratio > 1 && first_size(avail, ratio) > want)
        ratio--;
    int old = par->ratio;
    par->ratio = ratio < 1 ? 1 : ratio > 999 ? 999 : ratio;
    if (!bc_layout_fits(l, w, h, err)) {
        par->ratio = old;
        return false;
    }
    return true;
}

void bc_layout_focus_step(bc_layout *l, int step)
{
    int n = bc_layout_count(l), i = bc_layout_index(l, l->focus);
    if (n < 2 || i < 0)
        return;
    l->focus = bc_layout_nth(l, ((i + step) % n + n) % n);
}

static int overlap(int a0, int a1, int b0, int b1)
{
    int lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi - lo;
}

bool bc_layout_focus_dir(bc_layout *l, bc_dir dir, int w, int h)
{
    bc_rect r[BC_PANES_MAX];
    int n = bc_layout_rects(l, w, h, r, BC_PANES_MAX);
    int fi = bc_layout_index(l, l->focus);
    if (n < 2 || fi < 0)
        return false;
    bc_rect f = r[fi];
    int best = -1, best_gap = 1 << 30, best_ov = 0;
    for (int i = 0; i < n; i++) {
        if (i == fi)
            continue;
        int gap, ov;
        switch (dir) {
        case BC_DIR_LEFT:
            gap = f.x - (r[i].x + r[i].w);
            ov = overlap(f.y, f.y + f.h, r[i].y, r[i].y + r[i].h);
            break;
        case BC_DIR_RIGHT:
            gap = r[i].x - (f.x + f.w);
            ov = overlap(f.y, f.y + f.h, r[i].y, r[i].y + r[i].h);
            break;
        case BC_DIR_UP:
            gap = f.y - (r[i].y + r[i].h);
            ov = overlap(f.x, f.x + f.w, r[i].x, r[i].x + r[i].w);
            break;
        default:
            gap = r[i].y - (f.y + f.h);
            ov = overlap(f.x, f.x + f.w, r[i].x, r[i].x + r[i].w);
            break;
        }
        if (gap < 0 || ov <= 0)
            continue;
        /* The nearest; among equals, the one sharing the most edge. */
        if (gap < best_gap || (gap == best_gap && ov > best_ov)) {
            best = i;
            best_gap = gap;
            best_ov = ov;
        }
    }
    if (best < 0)
        return false;
    l->focus = bc_layout_nth(l, best);
    return true;
}

/* ---- serialization ------------------------------------------------------- */

static const char *const type_names[] = {
    [BC_CONV_CONSOLE] = "console", [BC_CONV_CHAT] = "chat",     [BC_CONV_BOARD] = "board",
    [BC_CONV_SEARCH] = "search",   [BC_CONV_ROOM] = "room",     [BC_CONV_PRIVATE] = "private",
    [BC_CONV_ANNOUNCE] = "announce",
};

const char *bc_conv_type_name(bc_conv_type t)
{
    return (unsigned)t < G_N_ELEMENTS(type_names) ? type_names[t] : "console";
}

bool bc_conv_type_parse(const char *s, bc_conv_type *out)
{
    for (unsigned i = 0; s && i < G_N_ELEMENTS(type_names); i++)
        if (strcmp(s, type_names[i]) == 0) {
            *out = (bc_conv_type)i;
            return true;
        }
    return false;
}

/* "v500(p,h400(p,p))": p is a pane, in reading order. */
static void encode(const bc_pane *p, GString *s)
{
    if (p->split == BC_SPLIT_NONE) {
        g_string_append_c(s, 'p');
        return;
    }
    g_string_append_printf(s, "%c%d(", p->split == BC_SPLIT_V ? 'v' : 'h', p->ratio);
    encode(p->a, s);
    g_string_append_c(s, ',');
    encode(p->b, s);
    g_string_append_c(s, ')');
}

void bc_layout_to_keyfile(const bc_layout *l, GKeyFile *kf, const char *group)
{
    GString *s = g_string_new(NULL);
    encode(l->root, s);
    g_key_file_set_string(kf, group, "tree", s->str);
    g_string_free(s, TRUE);
    g_key_file_set_integer(kf, group, "focus", bc_layout_index(l, l->focus));
    for (int i = 0;; i++) {
        bc_pane *p = bc_layout_nth(l, i);
        if (!p)
            break;
        char key[16];
        snprintf(key, sizeof key, "pane%d", i);
        char *v = g_strdup_printf("%s%s%s", bc_conv_type_name(p->type), p->jid ? " " : "",
                                  p->jid ? p->jid : "");
        g_key_file_set_string(kf, group, key, v);
        g_free(v);
    }
}

typedef struct {
    const char *s;
    int leaves;
} parser;

static bc_pane *decode(parser *ps, bc_pane *parent, int depth)
{
    if (depth > BC_PANES_MAX)
        return NULL;
    char c = *ps->s;
    if (c == 'p') {
        ps->s++;
        if (++ps->leaves > BC_PANES_MAX)
            return NULL;
        bc_pane *p = leaf_new(BC_CONV_CONSOLE, NULL);
        p->parent = parent;
        return p;
    }
    if (c != 'v' && c != 'h')
        return NULL;
    ps->s++;
    char *end;
    long ratio = strtol(ps->s, &end, 10);
    if (end == ps->s || ratio < 1 || ratio > 999 || *end != '(')
        return NULL;
    ps->s = end + 1;
    bc_pane *p = g_new0(bc_pane, 1);
    p->split = c == 'v' ? BC_SPLIT_V : BC_SPLIT_H;
    p->ratio = (int)ratio;
    p->parent = parent;
    p->a = decode(ps, p, depth + 1);
    if (p->a && *ps->s == ',') {
        ps->s++;
        p->b = decode(ps, p, depth + 1);
    }
    if (!p->a || !p->b || *ps->s != ')') {
        pane_free(p);
        return NULL;
    }
    ps->s++;
    return p;
}

/* A JID read from a file: one line of printable text, bounded. */
static bool jid_ok(const char *j)
{
    if (!j || !*j || strlen(j) > 3071 || !g_utf8_validate(j, -1, NULL))
        return false;
    for (const unsigned char *p = (const unsigned char *)j; *p; p++)
        if (*p < 0x21 || *p == 0x7f)
            return false;
    return true;
}

bc_layout *bc_layout_from_keyfile(GKeyFile *kf, const char *group, GError **err)
{
    char *tree = g_key_file_get_string(kf, group, "tree", NULL);
    if (!tree) {
        ERR("layout \"%s\" has no tree", group);
        return NULL;
    }
    parser ps = {.s = tree};
    bc_pane *root = decode(&ps, NULL, 0);
    bool ok = root && *ps.s == '\0';
    g_free(tree);
    if (!ok) {
        pane_free(root);
        ERR("layout \"%s\" is damaged (its tree cannot be read): save it again", group);
        return NULL;
    }
    bc_layout *l = g_new0(bc_layout, 1);
    l->root = root;
    for (int i = 0; (l->focus = bc_layout_nth(l, i)); i++) {
        char key[16];
        snprintf(key, sizeof key, "pane%d", i);
        char *v = g_key_file_get_string(kf, group, key, NULL);
        char *sp = v ? strchr(v, ' ') : NULL;
        if (sp)
            *sp = '\0';
        bc_conv_type t = BC_CONV_CONSOLE;
        const char *jid = sp ? sp + 1 : NULL;
        /* A pane that cannot be read shows the console. */
        if (!v || !bc_conv_type_parse(v, &t) || (jid && !jid_ok(jid)) ||
            ((t == BC_CONV_CHAT || t == BC_CONV_ROOM || t == BC_CONV_PRIVATE) && !jid)) {
            t = BC_CONV_CONSOLE;
            jid = NULL;
        }
        bc_pane_show(l->focus, t, jid);
        g_free(v);
    }
    int fi = g_key_file_get_integer(kf, group, "focus", NULL);
    l->focus = bc_layout_nth(l, fi);
    if (!l->focus)
        l->focus = bc_layout_nth(l, 0);
    return l;
}
