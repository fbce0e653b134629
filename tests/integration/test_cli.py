# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line, run directly (no terminal, no server)."""

import re
import subprocess

from harness import require_backchat


def _run(args, home, timeout=10):
    env = home.env()
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    try:
        return subprocess.run([require_backchat()] + args, env=env, cwd=home.home,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, errors="replace",
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError("backchat %s did not exit within %d s (waiting for a "
                             "terminal?)" % (" ".join(args), timeout))


def test_cli(home):
    r = _run(["--version"], home)
    assert r.returncode == 0, "--version exit %d, stderr %r" % (r.returncode, r.stderr)
    assert re.search(r"\b\d+\.\d+(\.\d+)?\b", r.stdout), "--version printed %r" % r.stdout

    r = _run(["--help"], home)
    assert r.returncode == 0, "--help exit %d, stderr %r" % (r.returncode, r.stderr)
    for opt in ("-a", "--jid", "--version", "--help"):
        assert re.search(r"(?<![\w-])%s\b" % re.escape(opt), r.stdout), \
            "--help does not mention %s:\n%s" % (opt, r.stdout)

    r = _run(["-a", "nosuch"], home)
    assert r.returncode != 0, "-a nosuch exited 0; stdout %r" % r.stdout
    assert "nosuch" in r.stdout + r.stderr, \
        "-a nosuch: message does not name the account: %r %r" % (r.stdout, r.stderr)

    r = _run(["--no-such-option"], home)
    assert r.returncode != 0, "an unknown option was accepted"
