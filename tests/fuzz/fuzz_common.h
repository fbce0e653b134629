/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by the fuzz targets: the invariant check, and a private
 * temporary XDG home (removed at exit) for targets that touch files. */
#ifndef BACKCHAT_FUZZ_COMMON_H
#define BACKCHAT_FUZZ_COMMON_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib.h>

#include "backchat/paths.h"

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond))                                                           \
            abort();                                                           \
    } while (0)

static char *fuzz_home;

static int fuzz_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void fuzz_home_remove(void)
{
    if (fuzz_home)
        nftw(fuzz_home, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Makes a temp dir with XDG config and data homes in it, so nothing the
 * code under test writes reaches the user's files. A GLib critical (a
 * failed precondition) is a bug too: it aborts like a failed CHECK. */
static inline const char *fuzz_setup(const char *tmpl)
{
    g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
    /* In memory if we can: the code under test fsyncs what it saves. */
    if (access("/dev/shm", W_OK) == 0) {
        fuzz_home = g_build_filename("/dev/shm", tmpl, NULL);
        if (!g_mkdtemp(fuzz_home))
            g_clear_pointer(&fuzz_home, g_free);
    }
    if (!fuzz_home)
        fuzz_home = g_dir_make_tmp(tmpl, NULL);
    CHECK(fuzz_home != NULL);
    atexit(fuzz_home_remove);
    char *cfg = g_build_filename(fuzz_home, "config", NULL);
    char *data = g_build_filename(fuzz_home, "data", NULL);
    g_setenv("XDG_CONFIG_HOME", cfg, TRUE);
    g_setenv("XDG_DATA_HOME", data, TRUE);
    g_free(cfg);
    g_free(data);
    bc_paths_reset();
    return fuzz_home;
}

#endif
