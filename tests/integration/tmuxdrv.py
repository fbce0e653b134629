# SPDX-License-Identifier: GPL-3.0-or-later
"""Drive a terminal program through tmux, as a person would.

Each Tmux runs its own tmux server on a private socket
(tmux -L bc-test-<pid>-<n>), one session with one 120x40 pane, no tmux
status bar, and remain-on-exit so a crash leaves its last screen readable.

    t = Tmux(["/path/backchat", "-a", "test"], env={...})
    t.start()
    t.wait_for("connected", region="status")
    t.send_keys("M-2")
    t.type_line("hello")
    t.kill()

Cleanup always happens: kill() is idempotent, and an atexit hook kills every
instance still alive.
"""

import atexit
import itertools
import os
import re
import signal
import subprocess
import tempfile
import time

WIDTH, HEIGHT = 120, 40
POLL = 0.1

_counter = itertools.count(1)
_live = set()

# tmux key names sent without -l; everything else is literal text.
_SPECIAL = re.compile(
    r"^(?:(?:[CMS]-)+\S+|Enter|Escape|Tab|BTab|BSpace|Space|Up|Down|Left|Right|"
    r"Home|End|PPage|PageUp|PgUp|NPage|PageDown|PgDn|IC|DC|Insert|Delete|"
    r"F(?:[1-9]|1[0-2]))$")


class TmuxError(RuntimeError):
    pass


class ScreenTimeout(AssertionError):
    """wait_for() gave up; the message carries the last screen."""
    screen_included = True


class ProgramExited(AssertionError):
    """The program in the pane died while we were waiting for it."""
    screen_included = True


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _zombie_status(pid):
    """Exit status of a zombie from /proc/PID/stat (field 52, exit_code).
    tmux 3.3a sometimes marks a pane dead (pty closed) without ever reaping
    its process, so it never learns the status; the kernel still knows."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    if fields[0] != "Z" or len(fields) < 50:
        return None
    code = int(fields[-1])
    if code & 0x7f:
        return -(code & 0x7f)
    return (code >> 8) & 0xff


def _matches(pattern, text):
    if callable(pattern) and not isinstance(pattern, re.Pattern):
        return bool(pattern(text))
    if isinstance(pattern, re.Pattern):
        return pattern.search(text) is not None
    return pattern in text


def _describe(pattern):
    if callable(pattern) and not isinstance(pattern, re.Pattern):
        return getattr(pattern, "description", None) or getattr(pattern, "__name__", "condition")
    return "/%s/" % pattern.pattern if isinstance(pattern, re.Pattern) else repr(pattern)


def frame(screen, title="screen"):
    """A screen with a ruler, for error messages."""
    bar = "+" + "-" * WIDTH + "+"
    out, blank = [], 0
    for line in screen.split("\n") + [None]:
        if line == "":
            blank += 1
            continue
        if blank:
            out += ["|"] * blank if blank < 3 else ["|    (%d empty rows)" % blank]
            blank = 0
        if line is not None:
            out.append("|" + line)
    return "%s\n%s\n%s\n%s" % (title, bar, "\n".join(out), bar)


class Tmux:
    def __init__(self, argv, env=None, cwd=None, width=WIDTH, height=HEIGHT,
                 clean_env=True):
        self.argv = list(argv)
        self.env = dict(env or {})
        self.cwd = cwd
        self.width = width
        self.height = height
        self.clean_env = clean_env
        self.socket = "bc-test-%d-%d" % (os.getpid(), next(_counter))
        self.target = "bc:0.0"
        self.server_pid = None
        self.pane_pid = None
        self.last_screen = None
        self._conf = None
        self._started = False

    # -- plumbing ---------------------------------------------------------
    def _tmux_env(self):
        env = dict(os.environ)
        env.pop("TMUX", None)
        env.pop("TMUX_PANE", None)
        env.setdefault("TERM", "xterm-256color")
        return env

    def tmux(self, *args, check=True, timeout=10):
        cmd = ["tmux", "-L", self.socket]
        if self._conf:
            cmd += ["-f", self._conf]
        cmd += list(args)
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=timeout,
                           env=self._tmux_env())
        if check and r.returncode != 0:
            raise TmuxError("tmux %s failed (%d): %s"
                            % (" ".join(args), r.returncode, r.stderr.strip()))
        return r.stdout

    def _pane_argv(self):
        if not self.clean_env:
            return ["env"] + ["%s=%s" % kv for kv in self.env.items()] + self.argv
        keep = {k: os.environ[k] for k in ("PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS",
                                           "LSAN_OPTIONS", "TZ")
                if k in os.environ}
        keep.update(self.env)
        return ["env", "-i"] + ["%s=%s" % kv for kv in keep.items()] + self.argv

    # -- lifecycle --------------------------------------------------------
    def start(self):
        if self._started:
            raise TmuxError("already started")
        fd, self._conf = tempfile.mkstemp(prefix="bc-tmux-", suffix=".conf")
        with os.fdopen(fd, "w") as f:
            f.write("set -g status off\n"
                    "set -g remain-on-exit on\n"
                    "set -g history-limit 10000\n"
                    "set -g default-size %dx%d\n"
                    "set -s escape-time 0\n"
                    "set -g default-terminal xterm-256color\n"
                    % (self.width, self.height))
        _live.add(self)
        self._started = True
        args = ["new-session", "-d", "-s", "bc", "-x", str(self.width),
                "-y", str(self.height)]
        if self.cwd:
            args += ["-c", self.cwd]
        args += ["--"] + self._pane_argv()
        try:
            self.tmux(*args)
            self.server_pid = int(self.tmux("display", "-p", "-t", self.target,
                                            "#{pid}").strip())
            self.pane_pid = int(self.tmux("display", "-p", "-t", self.target,
                                          "#{pane_pid}").strip())
        except BaseException:
            self.kill()
            raise
        return self

    def pane_state(self):
        """(dead, exit_status) of the pane's program; exit_status is None
        while it runs."""
        out = self.tmux("display", "-p", "-t", self.target,
                        "#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}",
                        check=False).strip().split("|")
        if len(out) != 3:
            return True, None           # no server or no pane: gone
        dead = out[0] == "1"
        status = None
        if dead:
            if out[1].lstrip("-").isdigit():
                status = int(out[1])
            if out[2].isdigit() and out[2] != "0":
                status = -int(out[2])
            if status is None and self.pane_pid:
                status = _zombie_status(self.pane_pid)
        return dead, status

    def alive(self):
        if not self._started or self.pane_pid is None:
            return False
        try:
            dead, _ = self.pane_state()
        except (TmuxError, subprocess.TimeoutExpired):
            return False
        return not dead and _pid_alive(self.pane_pid)

    def wait_exit(self, timeout=10):
        """Wait for the program to exit; returns its exit status (negative
        signal number if it was killed by a signal)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dead, status = self.pane_state()
            if dead:
                # tmux may mark the pane dead a moment before it has
                # reaped the process and knows the status.
                settle = time.monotonic() + 1.0
                while status is None and time.monotonic() < settle:
                    time.sleep(0.05)
                    _, status = self.pane_state()
                self.last_screen = self.screen()
                return status
            time.sleep(POLL)
        raise ScreenTimeout("program did not exit within %.1f s\n%s"
                            % (timeout, frame(self.screen(), "last screen:")))

    def kill(self):
        """Kill the program and the tmux server; idempotent."""
        if not self._started:
            return
        try:
            if self.last_screen is None or self.alive():
                self.last_screen = self.screen()
        except Exception:
            pass
        for pid in (self.pane_pid,):
            if pid and _pid_alive(pid):
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
                deadline = time.monotonic() + 2
                while _pid_alive(pid) and time.monotonic() < deadline:
                    time.sleep(0.05)
                if _pid_alive(pid):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        try:
            self.tmux("kill-server", check=False, timeout=5)
        except Exception:
            pass
        if self.server_pid and _pid_alive(self.server_pid):
            deadline = time.monotonic() + 2
            while _pid_alive(self.server_pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _pid_alive(self.server_pid):
                try:
                    os.kill(self.server_pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        sock = os.path.join(os.environ.get("TMUX_TMPDIR") or "/tmp",
                            "tmux-%d" % os.getuid(), self.socket)
        try:
            os.unlink(sock)
        except OSError:
            pass
        if self._conf:
            try:
                os.unlink(self._conf)
            except OSError:
                pass
            self._conf = None
        self._started = False
        _live.discard(self)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()
        return False

    # -- input ------------------------------------------------------------
    def send_keys(self, *keys):
        """Send keys in order: tmux key names (Enter, Escape, M-2, C-l,
        PPage, ...) as keys, anything else as literal text."""
        for k in keys:
            if _SPECIAL.match(k):
                self.tmux("send-keys", "-t", self.target, k)
            elif k:
                self.tmux("send-keys", "-t", self.target, "-l", "--", k)

    def send_text(self, text):
        """Literal text, even if it looks like a key name."""
        if text:
            self.tmux("send-keys", "-t", self.target, "-l", "--", text)

    def type_line(self, text):
        self.send_text(text)
        self.tmux("send-keys", "-t", self.target, "Enter")

    # -- output -----------------------------------------------------------
    def screen(self, escapes=False):
        """The visible screen, one string, exactly `height` lines; with
        escapes=True the colours and attributes as SGR sequences too."""
        out = self.tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", self.target)
        lines = out.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        lines += [""] * (self.height - len(lines))
        return "\n".join(lines[:self.height])

    def lines(self):
        return self.screen().split("\n")

    def region(self, name, screen=None):
        """Part of a screen: 'all', 'title' (first row), 'status' (second
        to last), 'input' (last), 'view' (between title and status)."""
        s = self.screen() if screen is None else screen
        if name == "all":
            return s
        lines = s.split("\n")
        if name == "title":
            return lines[0]
        if name == "status":
            return lines[-2]
        if name == "input":
            return lines[-1]
        if name == "view":
            return "\n".join(lines[1:-2])
        raise ValueError("unknown region " + name)

    def wait_for(self, pattern, timeout=10, region="all", absent=False):
        """Poll the screen every 100 ms until pattern (a str: substring; a
        compiled regex: search; a callable: true for the text) is in the region (or, with absent=True, is
        no longer there).  Returns the screen.  Fails with the last screen,
        and fails early if the program exits."""
        deadline = time.monotonic() + timeout
        screen = ""
        while True:
            screen = self.screen()
            found = _matches(pattern, self.region(region, screen))
            if found != absent:
                return screen
            dead, status = self.pane_state()
            if dead:
                self.last_screen = screen
                raise ProgramExited("program exited (status %s) while waiting for %s%s "
                                    "in %s\n%s" % (status, "absence of " if absent else "",
                                                   _describe(pattern), region,
                                                   frame(screen, "last screen:")))
            if time.monotonic() >= deadline:
                self.last_screen = screen
                raise ScreenTimeout("timed out after %.1f s waiting for %s%s in %s\n%s"
                                    % (timeout, "absence of " if absent else "",
                                       _describe(pattern), region,
                                       frame(screen, "last screen:")))
            time.sleep(POLL)

    def wait_stable(self, quiet=0.5, timeout=5):
        """Wait until the screen has not changed for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        prev, since = None, time.monotonic()
        while time.monotonic() < deadline:
            s = self.screen()
            if s != prev:
                prev, since = s, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return s
            time.sleep(POLL)
        return prev


def live_instances():
    return list(_live)


@atexit.register
def _cleanup_all():
    for t in list(_live):
        try:
            t.kill()
        except Exception:
            pass
