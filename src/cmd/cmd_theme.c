/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /theme: list the themes, switch at once, show what each key is. */
#include "backchat/conv.h"
#include "backchat/theme.h"
#include "handlers.h"

#include <string.h>

static void list_themes(void)
{
    char **names = bc_theme_list();
    const char *cur = bc_theme_current()->name;
    if (!names[0]) {
        char **dirs = bc_theme_dirs();
        char *where = g_strjoinv(", ", dirs);
        bc_info("No theme files found (looked in %s); the built-in colours are in use.",
                where);
        g_free(where);
        g_strfreev(dirs);
    } else {
        bc_info("Themes (* in use; /theme load NAME switches):");
    }
    for (char **n = names; *n; n++) {
        char *path = bc_theme_find(*n);
        bc_info(" %s %-16s %s", strcmp(*n, cur) == 0 ? "*" : " ", *n, path ? path : "");
        g_free(path);
    }
    g_strfreev(names);
}

static void show_theme(void)
{
    const bc_theme *t = bc_theme_current();
    bc_info("Theme %s (%s)%s%s", t->name, t->path ? t->path : "built in",
            t->description ? ": " : "", t->description ? t->description : "");
    bc_info("  nick-colors = %s%s", t->nick_colors ? "true" : "false",
            bc_theme_no_color() ? " (NO_COLOR is set: attributes only)" : "");
    for (int e = 0; e < BC_THEME_N; e++) {
        const bc_theme_style *s = &t->style[e];
        char *fg = bc_color_to_string(s->fg), *bg = bc_color_to_string(s->bg);
        char *at = bc_attrs_to_string(s->attrs);
        bc_info("  [%s] fg = %s, bg = %s, attrs = %s", bc_theme_elem_name(e), fg, bg, at);
        g_free(fg);
        g_free(bg);
        g_free(at);
    }
}

bool bc_cmd_theme(const bc_args *a, GError **err)
{
    const char *sub = a->argc > 1 ? a->argv[1] : "list";
    if (g_ascii_strcasecmp(sub, "list") == 0) {
        list_themes();
        return true;
    }
    if (g_ascii_strcasecmp(sub, "show") == 0) {
        show_theme();
        return true;
    }
    if (g_ascii_strcasecmp(sub, "load") == 0) {
        if (a->argc < 3) {
            g_set_error(err, BC_CMD_ERROR, 1, "/theme load NAME (/theme list shows the names)");
            return false;
        }
        if (!bc_theme_use(a->argv[2], err))
            return false;
        bc_info("Theme %s in use. To keep it, set theme = %s in the [ui] group of the "
                "config file.", a->argv[2], a->argv[2]);
        return true;
    }
    g_set_error(err, BC_CMD_ERROR, 1, "/theme list | load NAME | show (not \"%s\")", sub);
    return false;
}
