/* SPDX-License-Identifier: GPL-3.0-or-later */
/* XDG paths and private (0700/0600) file creation. */
#include "backchat/paths.h"
#include "backchat/account.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *config_dir, *data_dir;

static char *xdg(const char *var, const char *fallback)
{
    const char *v = g_getenv(var);
    if (v && v[0] == '/')
        return g_build_filename(v, "backchat", NULL);
    return g_build_filename(g_get_home_dir(), fallback, "backchat", NULL);
}

const char *bc_paths_config_dir(void)
{
    if (!config_dir)
        config_dir = xdg("XDG_CONFIG_HOME", ".config");
    return config_dir;
}

const char *bc_paths_data_dir(void)
{
    if (!data_dir)
        data_dir = xdg("XDG_DATA_HOME", ".local/share");
    return data_dir;
}

void bc_paths_reset(void)
{
    g_clear_pointer(&config_dir, g_free);
    g_clear_pointer(&data_dir, g_free);
}

char *bc_paths_accounts_file(void)
{
    return g_build_filename(bc_paths_config_dir(), "accounts", NULL);
}

char *bc_paths_config_file(void)
{
    return g_build_filename(bc_paths_config_dir(), "config", NULL);
}

char *bc_paths_account_dir(const char *account, GError **err)
{
    if (!bc_account_name_valid(account)) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "invalid account name \"%s\"", account ? account : "");
        return NULL;
    }
    char *dir = g_build_filename(bc_paths_data_dir(), account, NULL);
    if (!bc_mkdir_private(dir, err)) {
        g_free(dir);
        return NULL;
    }
    return dir;
}

bool bc_mkdir_private(const char *path, GError **err)
{
    if (g_mkdir_with_parents(path, 0700) != 0) {
        int e = errno;
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e),
                    "cannot create directory %s: %s", path, g_strerror(e));
        return false;
    }
    if (chmod(path, 0700) != 0) {
        int e = errno;
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e),
                    "cannot set permissions on %s: %s", path, g_strerror(e));
        return false;
    }
    return true;
}

bool bc_write_private(const char *path, const char *data, size_t len, GError **err)
{
    char *dir = g_path_get_dirname(path);
    bool ok = bc_mkdir_private(dir, err);
    g_free(dir);
    if (!ok)
        return false;
    char *tmp = g_strdup_printf("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        int e = errno;
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e),
                    "cannot write %s: %s", tmp, g_strerror(e));
        g_free(tmp);
        return false;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : ENOSPC;
            g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e),
                        "cannot write %s: %s", path, g_strerror(e));
            close(fd);
            unlink(tmp);
            g_free(tmp);
            return false;
        }
        off += (size_t)n;
    }
    if (fchmod(fd, 0600) != 0 || fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e),
                    "cannot write %s: %s", path, g_strerror(e));
        unlink(tmp);
        g_free(tmp);
        return false;
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(e),
                    "cannot replace %s: %s", path, g_strerror(e));
        unlink(tmp);
        g_free(tmp);
        return false;
    }
    g_free(tmp);
    return true;
}
