#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the backchat integration tests.

    tests/integration/run.py [-k SUBSTRING] [-v] [--keep] [--list]
                             [--timeout S] [--budget S] [--backchat PATH]

Discovers tests/integration/test_*.py and runs every `test_*` function with
fresh fixtures (see harness.py), each under a per-test timeout and the whole
run under a time budget.  Prints PASS/FAIL/SKIP per test and ends with one
line `N passed, N failed[, N skipped]`.  Exit status 1 if anything failed.
"""

import os
import sys

# The tests need Debian's python3 (it has slixmpp); re-exec with it if the
# python3 on PATH is another one.
SYSTEM_PY = "/usr/bin/python3"
try:
    import slixmpp  # noqa: F401
except ImportError:
    if os.path.realpath(sys.executable) != os.path.realpath(SYSTEM_PY) \
            and os.path.exists(SYSTEM_PY) and not os.environ.get("BC_REEXEC"):
        os.environ["BC_REEXEC"] = "1"
        os.execv(SYSTEM_PY, [SYSTEM_PY] + sys.argv)

import argparse
import importlib.util
import inspect
import io
import logging
import shutil
import signal
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

DEFAULT_TIMEOUT = 60.0
DEFAULT_BUDGET = 300.0
TEARDOWN_TIMEOUT = 20.0


class TestTimeout(BaseException):
    """Raised in the test by SIGALRM.  A BaseException, so a test's
    `except Exception` cannot swallow it."""


def _alarm(signum, frame):
    raise TestTimeout()


def preflight():
    """Everything the harness needs, or a list of what is missing."""
    problems = []
    for tool in ("prosody", "prosodyctl", "tmux", "openssl"):
        if shutil.which(tool) is None:
            problems.append("`%s` not found (install it: make deps)" % tool)
    try:
        import slixmpp  # noqa: F401,F811
    except ImportError as e:
        problems.append("python module slixmpp not importable by %s (%s); "
                        "install python3-slixmpp (make deps)" % (sys.executable, e))
    return problems


def discover(pattern):
    tests = []
    for fn in sorted(os.listdir(HERE)):
        if not (fn.startswith("test_") and fn.endswith(".py")):
            continue
        path = os.path.join(HERE, fn)
        name = "bc_it_" + fn[:-3]
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(mod)
        except Exception:
            tests.append((fn[:-3], None, "cannot import %s:\n%s"
                          % (fn, traceback.format_exc())))
            continue
        funcs = [(n, f) for n, f in vars(mod).items()
                 if n.startswith("test_") and inspect.isfunction(f)
                 and f.__module__ == name]
        funcs.sort(key=lambda nf: nf[1].__code__.co_firstlineno)
        for n, f in funcs:
            short = n[len("test_"):]
            if pattern and not any(p in short or p in fn for p in pattern):
                continue
            tests.append((short, f, None))
    return tests


class FixtureSet:
    """Sets up the fixtures a test asks for (by parameter name), with their
    own dependencies, and tears them down in reverse order."""

    def __init__(self, registry):
        self.registry = registry
        self.values = {}
        self.gens = []          # (name, generator) in set-up order

    def get(self, name, chain=()):
        if name in self.values:
            return self.values[name]
        if name in chain:
            raise RuntimeError("fixture cycle: %s" % " -> ".join(chain + (name,)))
        fn = self.registry.get(name)
        if fn is None:
            raise RuntimeError("unknown fixture %r" % name)
        args = [self.get(p, chain + (name,)) for p in inspect.signature(fn).parameters]
        gen = fn(*args)
        value = next(gen)
        self.gens.append((name, gen))
        self.values[name] = value
        return value

    def teardown(self):
        errors = []
        for name, gen in reversed(self.gens):
            try:
                next(gen)
            except StopIteration:
                pass
            except BaseException as e:   # keep tearing down the rest
                errors.append("teardown of %s: %s: %s" % (name, type(e).__name__, e))
        self.gens.clear()
        self.values.clear()
        return errors

    def diagnostics(self, verbose):
        out = []
        for name, value in list(self.values.items()):
            d = getattr(value, "diagnostics", None)
            if callable(d):
                try:
                    text = d()
                except Exception as e:
                    text = "(diagnostics of %s failed: %s)" % (name, e)
                if text:
                    out.append(text)
            if verbose and hasattr(value, "log_tail"):
                out.append(value.log_tail(40))
        return out


def short_traceback(exc):
    """The frames inside the test files and harness, then the message."""
    tb = traceback.extract_tb(exc.__traceback__)
    keep = [f for f in tb if f.filename.startswith(HERE)
            and not f.filename.endswith("run.py")
            and not (f.line or "").startswith("raise ")]
    lines = ["  at %s:%d in %s: %s" % (os.path.basename(f.filename), f.lineno,
                                       f.name, (f.line or "").strip())
             for f in keep[-4:]]
    return lines


def indent(text, prefix="    "):
    return "\n".join(prefix + l if l else l for l in text.split("\n"))


def run_one(func, harness, timeout, verbose):
    """Returns (status, detail): status in PASS/FAIL/SKIP."""
    fx = FixtureSet(harness.FIXTURES)
    status, detail = "PASS", ""
    log_buf = io.StringIO()
    handler = logging.StreamHandler(log_buf)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    diag = []
    try:
        args = [fx.get(p) for p in inspect.signature(func).parameters]
        func(*args)
    except harness.Skip as e:
        status, detail = "SKIP", str(e)
    except TestTimeout:
        signal.setitimer(signal.ITIMER_REAL, 0)
        status = "FAIL"
        detail = "test timed out after %.0f s" % timeout
        detail += "\n" + "\n".join(short_traceback(sys.exc_info()[1]))
        diag = fx.diagnostics(verbose)
    except BaseException as e:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            fx.teardown()
            raise
        status = "FAIL"
        msg = str(e) or type(e).__name__
        if not isinstance(e, AssertionError):
            msg = "%s: %s" % (type(e).__name__, msg)
        detail = "\n".join(short_traceback(e) + [msg])
        diag = fx.diagnostics(verbose) if not getattr(e, "screen_included", False) \
            else [d for d in fx.diagnostics(verbose) if not d.startswith("last backchat screen")]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    # Teardown under its own bound.
    signal.setitimer(signal.ITIMER_REAL, TEARDOWN_TIMEOUT)
    try:
        errs = fx.teardown()
    except TestTimeout:
        errs = ["teardown timed out after %.0f s" % TEARDOWN_TIMEOUT]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        root.removeHandler(handler)
    if errs:
        if status != "FAIL":
            status, detail = "FAIL", ""
        detail = (detail + "\n" if detail else "") + "\n".join(errs)
    if status == "FAIL":
        if diag:
            detail += "\n" + "\n".join(diag)
        logs = log_buf.getvalue().strip()
        if logs and verbose:
            detail += "\npeer log:\n" + logs
    return status, detail


def kill_strays():
    """Last resort after a run: anything the harness started and still
    tracks (Prosody, tmux servers, peers)."""
    import prosody, tmuxdrv, peer
    peer.stop_all()
    tmuxdrv._cleanup_all()
    prosody._cleanup_all()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", action="append", default=[], metavar="SUBSTRING",
                    help="run only tests whose name or file contains this")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="on failure also print the Prosody log and peer logs")
    ap.add_argument("--keep", action="store_true",
                    help="keep temp dirs (server and client) for inspection")
    ap.add_argument("--list", action="store_true", help="list tests and exit")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                    help="per-test timeout in seconds (default %(default)s)")
    ap.add_argument("--budget", type=float, default=DEFAULT_BUDGET,
                    help="whole-run bound in seconds (default %(default)s)")
    ap.add_argument("--backchat", metavar="PATH",
                    help="the binary to test (default: <repo>/backchat)")
    a = ap.parse_args()

    if a.keep:
        os.environ["BC_KEEP"] = "1"
    if a.backchat:
        os.environ["BACKCHAT"] = os.path.abspath(a.backchat)
    logging.getLogger().setLevel(logging.DEBUG if a.verbose else logging.WARNING)
    # Peers log through `logging`; keep them off the terminal (the runner
    # attaches a buffer per test), and quiet asyncio's own chatter.
    logging.lastResort = None
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    # Killed from outside (timeout(1), CI): unwind, so fixtures and the
    # atexit nets stop every server and tmux we started.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))

    problems = preflight()
    if problems:
        print("FAIL preflight")
        for p in problems:
            print("    " + p)
        print("0 passed, 1 failed")
        return 1

    import harness
    tests = discover(a.k)
    if a.list:
        for name, _, _ in tests:
            print(name)
        return 0
    seen = set()
    passed = failed = skipped = 0
    t_run = time.monotonic()
    try:
        for name, func, err in tests:
            if name in seen:
                print("FAIL %s\n    duplicate test name" % name)
                failed += 1
                continue
            seen.add(name)
            if func is None:
                print("FAIL %s\n%s" % (name, indent(err)))
                failed += 1
                continue
            left = a.budget - (time.monotonic() - t_run)
            if left < 5:
                print("FAIL %s\n    not run: the whole run exceeded its %.0f s budget"
                      % (name, a.budget))
                failed += 1
                continue
            t0 = time.monotonic()
            # A test may need longer than the default (an outage of minutes):
            # it says so with a `timeout` attribute.
            limit = max(a.timeout, getattr(func, "timeout", 0))
            status, detail = run_one(func, harness, min(limit, left), a.verbose)
            dt = time.monotonic() - t0
            if status == "PASS":
                passed += 1
                print("PASS %s" % name + (" (%.1f s)" % dt if a.verbose else ""))
            elif status == "SKIP":
                skipped += 1
                print("SKIP %s (%s)" % (name, detail))
            else:
                failed += 1
                print("FAIL %s\n%s\n    (after %.1f s)" % (name, indent(detail), dt))
            sys.stdout.flush()
    finally:
        kill_strays()
    summary = "%d passed, %d failed" % (passed, failed)
    if skipped:
        summary += ", %d skipped" % skipped
    if a.verbose:
        print("# integration run took %.1f s" % (time.monotonic() - t_run))
    print(summary)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
