/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /hotlist, /canned, /bind, /unbind, /editor: the hotlist and the ways to
 * type faster. Bindings and canned responses live in the config file's
 * [keys] and [canned] groups. */
#include "backchat/config.h"
#include "backchat/conv.h"
#include "backchat/hotlist.h"
#include "backchat/shortcuts.h"
#include "backchat/status.h"
#include "handlers.h"

#include <stdlib.h>
#include <string.h>

/* Keys ------------------------------------------------------------------ */

static GHashTable *bindings; /* canonical key name -> command */

#define KEY_NAMES "M-x (Alt and a character), C-x (Ctrl and a letter, not C-i, C-j or " \
                  "C-m), F1..F12"

bool bc_key_parse(const char *name, char **canon, GError **err)
{
    size_t n = name ? strlen(name) : 0;
    char *out = NULL;
    if (n == 3 && (name[0] == 'M' || name[0] == 'm') && name[1] == '-' && name[2] > ' ' &&
        name[2] < 0x7f) {
        out = g_strdup_printf("M-%c", name[2]);
    } else if (n == 3 && (name[0] == 'C' || name[0] == 'c') && name[1] == '-' &&
               g_ascii_isalpha(name[2])) {
        char k = g_ascii_tolower(name[2]);
        if (k != 'i' && k != 'j' && k != 'm')
            out = g_strdup_printf("C-%c", k);
    } else if (n >= 2 && n <= 3 && (name[0] == 'F' || name[0] == 'f') &&
               g_ascii_isdigit(name[1]) && (n == 2 || g_ascii_isdigit(name[2]))) {
        int f = atoi(name + 1);
        if (f >= 1 && f <= 12 && name[1] != '0')
            out = g_strdup_printf("F%d", f);
    }
    if (!out) {
        g_set_error(err, BC_CMD_ERROR, 1, "unknown key \"%s\": key names are " KEY_NAMES,
                    name ? name : "");
        return false;
    }
    *canon = out;
    return true;
}

static void bindings_reset(void)
{
    if (bindings)
        g_hash_table_remove_all(bindings);
    else
        bindings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

void bc_keys_free(void) { g_clear_pointer(&bindings, g_hash_table_unref); }

void bc_keys_load(void)
{
    bindings_reset();
    char **keys = bc_config_keys("keys");
    for (char **k = keys; *k; k++) {
        char *canon = NULL;
        GError *err = NULL;
        char *cmd = bc_config_string("keys", *k, NULL);
        if (!bc_key_parse(*k, &canon, &err)) {
            bc_console_err("Config [keys]: %s. Fix or remove that line.", err->message);
            g_error_free(err);
        } else if (cmd && *cmd) {
            g_hash_table_replace(bindings, canon, g_strdup(cmd));
            canon = NULL;
        }
        g_free(canon);
        g_free(cmd);
    }
    g_strfreev(keys);
}

const char *bc_key_binding(const char *canon)
{
    return bindings && canon ? g_hash_table_lookup(bindings, canon) : NULL;
}

bool bc_key_run(const char *canon)
{
    const char *cmd = bc_key_binding(canon);
    if (!cmd)
        return false;
    char *copy = g_strdup(cmd); /* the command may rebind the key */
    bc_cmd_execute(copy);
    g_free(copy);
    return true;
}

/* What a key does when nothing is bound to it, for /bind to say what a
 * binding replaces. */
static char *builtin_action(const char *canon)
{
    if (canon[0] == 'F') {
        int n = atoi(canon + 1);
        const bc_preset *p = bc_preset_for_fkey(n);
        if (p)
            return g_strdup_printf("the status preset %s", p->key);
        if (n == 11 || n == 12)
            return g_strdup(n == 11 ? "the occupant list toggle" : "the buddy list toggle");
        return NULL;
    }
    static const char *const keys[] = {"M-a", "M-u", "M-k", "M-o", "M-e", "M-[", "M-]",
                                       "C-l", "C-c", "C-r", "C-s", NULL};
    static const char *const what[] = {"the hotlist jump", "the jump to unread",
                                       "acknowledging announcements", "opening the selected contact",
                                       "the editor", "the panel width", "the panel width",
                                       "redraw", "clearing the line", "find", "find"};
    for (int i = 0; keys[i]; i++)
        if (strcmp(canon, keys[i]) == 0)
            return g_strdup(what[i]);
    if (canon[0] == 'M' && g_ascii_isdigit(canon[2]))
        return g_strdup("a tab switch");
    return NULL;
}

static gint cmp_key(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void list_bindings(void)
{
    GPtrArray *k = g_ptr_array_new();
    GHashTableIter it;
    gpointer key;
    if (bindings) {
        g_hash_table_iter_init(&it, bindings);
        while (g_hash_table_iter_next(&it, &key, NULL))
            g_ptr_array_add(k, key);
    }
    if (!k->len)
        bc_info("No keys bound. /bind KEY COMMAND binds one (keys: " KEY_NAMES ").");
    else
        bc_info("Key bindings (/unbind KEY removes one):");
    g_ptr_array_sort(k, cmp_key);
    for (guint i = 0; i < k->len; i++)
        bc_info("  %-4s %s", (const char *)k->pdata[i],
                (const char *)g_hash_table_lookup(bindings, k->pdata[i]));
    g_ptr_array_unref(k);
}

bool bc_cmd_bind(const bc_args *a, GError **err)
{
    if (a->argc < 2) {
        list_bindings();
        return true;
    }
    char *canon = NULL;
    if (!bc_key_parse(a->argv[1], &canon, err))
        return false;
    if (a->argc < 3) {
        const char *cmd = bc_key_binding(canon);
        if (cmd)
            bc_info("%s runs: %s", canon, cmd);
        else
            bc_info("%s is not bound.", canon);
        g_free(canon);
        return true;
    }
    const char *cmd = bc_args_rest(a, 2);
    if (!bc_config_write("keys", canon, cmd, err)) {
        g_free(canon);
        return false;
    }
    if (!bindings)
        bindings_reset();
    g_hash_table_replace(bindings, g_strdup(canon), g_strdup(cmd));
    char *was = builtin_action(canon);
    if (was)
        bc_info("%s now runs: %s (instead of %s; /unbind %s gives it back).", canon, cmd, was,
                canon);
    else
        bc_info("%s now runs: %s", canon, cmd);
    g_free(was);
    g_free(canon);
    return true;
}

bool bc_cmd_unbind(const bc_args *a, GError **err)
{
    char *canon = NULL;
    if (!bc_key_parse(a->argv[1], &canon, err))
        return false;
    if (!bc_key_binding(canon)) {
        g_set_error(err, BC_CMD_ERROR, 1, "%s is not bound; /bind lists the bindings", canon);
        g_free(canon);
        return false;
    }
    bool ok = bc_config_write("keys", canon, NULL, err);
    if (ok) {
        g_hash_table_remove(bindings, canon);
        bc_info("%s is no longer bound.", canon);
    }
    g_free(canon);
    return ok;
}

/* Canned responses ------------------------------------------------------ */

static bool canned_name_ok(const char *n)
{
    if (!n || !*n || strlen(n) > 64)
        return false;
    for (const char *p = n; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
            return false;
    return true;
}

char *bc_canned_get(const char *name)
{
    if (!canned_name_ok(name))
        return NULL;
    char *t = bc_config_string("canned", name, NULL);
    if (t && !*t)
        g_clear_pointer(&t, g_free);
    return t;
}

char **bc_canned_complete(const char *word)
{
    GPtrArray *out = g_ptr_array_new();
    if (word && word[0] == ':') {
        char *exact = bc_canned_get(word + 1);
        if (exact) {
            g_ptr_array_add(out, exact);
        } else {
            char **keys = bc_config_keys("canned");
            for (char **k = keys; *k; k++)
                if (g_str_has_prefix(*k, word + 1))
                    g_ptr_array_add(out, g_strconcat(":", *k, NULL));
            g_strfreev(keys);
            if (out->len == 1) {
                /* The only name it can be: expand it at once. */
                char *text = bc_canned_get((char *)out->pdata[0] + 1);
                if (text) {
                    g_free(out->pdata[0]);
                    out->pdata[0] = text;
                }
            }
        }
    }
    g_ptr_array_add(out, NULL);
    return (char **)g_ptr_array_free(out, FALSE);
}

bool bc_cmd_canned(const bc_args *a, GError **err)
{
    const char *sub = a->argc > 1 ? a->argv[1] : "list";
    if (strcmp(sub, "list") == 0) {
        char **keys = bc_config_keys("canned");
        if (!keys[0])
            bc_info("No canned responses. /canned add NAME TEXT saves one; type :NAME and "
                    "Tab in a conversation to use it.");
        else
            bc_info("Canned responses (type :NAME and Tab to use one):");
        for (char **k = keys; *k; k++) {
            char *t = bc_config_string("canned", *k, "");
            bc_info("  :%s  %s", *k, t);
            g_free(t);
        }
        g_strfreev(keys);
        return true;
    }
    bool add = strcmp(sub, "add") == 0, rm = strcmp(sub, "remove") == 0;
    if (!add && !rm) {
        g_set_error(err, BC_CMD_ERROR, 1, "/canned add NAME TEXT, /canned remove NAME or "
                                          "/canned list");
        return false;
    }
    const char *name = a->argc > 2 ? a->argv[2] : NULL;
    if (!canned_name_ok(name)) {
        g_set_error(err, BC_CMD_ERROR, 1,
                    "a canned response needs a NAME of letters, digits, - and _ "
                    "(at most 64), e.g. /canned add thanks Thank you!");
        return false;
    }
    if (rm) {
        char *t = bc_canned_get(name);
        if (!t) {
            g_set_error(err, BC_CMD_ERROR, 1, "no canned response :%s; /canned list shows them",
                        name);
            return false;
        }
        g_free(t);
        if (!bc_config_write("canned", name, NULL, err))
            return false;
        bc_info("Canned response :%s removed.", name);
        return true;
    }
    if (a->argc < 4) {
        g_set_error(err, BC_CMD_ERROR, 1, "/canned add %s needs the TEXT after the name", name);
        return false;
    }
    if (!bc_config_write("canned", name, bc_args_rest(a, 3), err))
        return false;
    bc_info("Canned response :%s saved: type :%s and Tab to use it.", name, name);
    return true;
}

/* Hotlist --------------------------------------------------------------- */

static char *minutes(int64_t s)
{
    if (s < 3600)
        return g_strdup_printf("%dm", (int)(s / 60));
    return g_strdup_printf("%dh%dm", (int)(s / 3600), (int)(s / 60 % 60));
}

bool bc_cmd_hotlist(const bc_args *a, GError **err)
{
    GPtrArray *o = bc_hotlist_order();
    /* Chats read but not answered come after, longest wait first. */
    GPtrArray *waiting = g_ptr_array_new();
    for (size_t i = 1; i < bc_conv_count(); i++) {
        bc_conv *c = bc_conv_nth(i);
        if (bc_hotlist_level(c) == BC_ACT_NONE && bc_hotlist_wait_seconds(c) >= 0)
            g_ptr_array_add(waiting, c);
    }
    if (!o->len && !waiting->len) {
        bc_info("Nothing waiting: no activity in other tabs and no message waits for a reply.");
    } else {
        bc_info("Hotlist, most urgent first (Alt-a goes there):");
    }
    int64_t now = g_get_real_time() / 1000000;
    for (guint i = 0; i < o->len; i++) {
        bc_conv *c = o->pdata[i];
        char *since = minutes(c->hot_since && now > c->hot_since ? now - c->hot_since : 0);
        char *wait = bc_hotlist_wait_label(c);
        char *named = c->mentions ? g_strdup_printf(" (%u naming you)", c->mentions)
                                  : g_strdup("");
        bc_info("  %zu:%s  %s, %u unread%s, active for %s%s%s", bc_conv_index(c) + 1, c->title,
                bc_activity_name(bc_hotlist_level(c)), c->unread, named, since,
                wait ? ", no reply for " : "", wait ? wait : "");
        g_free(named);
        g_free(since);
        g_free(wait);
    }
    for (guint k = 0; k < waiting->len; k++) {
        for (guint j = k + 1; j < waiting->len; j++) {
            bc_conv *x = waiting->pdata[k], *y = waiting->pdata[j];
            if (y->wait_since < x->wait_since) {
                waiting->pdata[k] = y;
                waiting->pdata[j] = x;
            }
        }
        bc_conv *c = waiting->pdata[k];
        char *wait = bc_hotlist_wait_label(c);
        bc_info("  %zu:%s  read, no reply for %s", bc_conv_index(c) + 1, c->title, wait);
        g_free(wait);
    }
    g_ptr_array_unref(waiting);
    g_ptr_array_unref(o);
    return true;
}

/* Editor ---------------------------------------------------------------- */

static bc_editor_fn editor_fn;

void bc_editor_set(bc_editor_fn fn) { editor_fn = fn; }

bool bc_cmd_editor(const bc_args *a, GError **err)
{
    if (!editor_fn) {
        g_set_error(err, BC_CMD_ERROR, 1, "the editor needs the terminal interface");
        return false;
    }
    return editor_fn(a->argc > 1 ? bc_args_rest(a, 1) : "", err);
}
