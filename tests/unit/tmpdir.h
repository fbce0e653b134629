/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit-test scaffolding: a private temp directory with XDG config and
 * data homes inside it, and its removal. */
#ifndef BACKCHAT_TEST_TMPDIR_H
#define BACKCHAT_TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <glib.h>

#include "backchat/paths.h"

static int bc_test_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

/* Removes `dir` and everything under it; NULL is fine. */
static inline void bc_test_rm_rf(const char *dir)
{
    if (dir)
        nftw(dir, bc_test_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Makes a temp directory from `tmpl` ("bc-xxx-XXXXXX"), points
 * XDG_CONFIG_HOME and XDG_DATA_HOME at DIR/config and DIR/data, and makes
 * the paths module read them again. Returns DIR (g_free), or NULL. */
static inline char *bc_test_tmp_xdg(const char *tmpl)
{
    char *dir = g_dir_make_tmp(tmpl, NULL);
    if (!dir)
        return NULL;
    char *cfg = g_build_filename(dir, "config", NULL);
    char *data = g_build_filename(dir, "data", NULL);
    g_setenv("XDG_CONFIG_HOME", cfg, TRUE);
    g_setenv("XDG_DATA_HOME", data, TRUE);
    g_free(cfg);
    g_free(data);
    bc_paths_reset();
    return dir;
}

#endif
