# SPDX-License-Identifier: GPL-3.0-or-later
"""Themes on a real terminal: every shipped theme, started from the config
and switched live with /theme load, leaves no cell with the same
foreground and background; nicks get their own consistent colour; mono
and NO_COLOR draw without colours but still tell the bars apart."""

import os
import re

from harness import trust_and_connect

HERE = os.path.dirname(os.path.abspath(__file__))
THEMES_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "themes"))
THEMES = ("default", "light", "high-contrast", "solarized-dark", "mono", "256")
ALICE = "alice@localhost"

_BASE16 = [0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
           0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff]


def _rgb(n):
    """xterm's RGB for palette entry n (what the colours look like)."""
    if n < 16:
        return _BASE16[n]
    if n < 232:
        lv = (0, 95, 135, 175, 215, 255)
        n -= 16
        return lv[n // 36] << 16 | lv[n // 6 % 6] << 8 | lv[n % 6]
    g = 8 + 10 * (n - 232)
    return g << 16 | g << 8 | g


SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def cells(screen):
    """(row, col, char, fg, bg, attrs) per character of a capture with
    escapes; fg/bg are 0xRRGGBB or None (the terminal's default), after
    reverse video is applied; attrs a set of 'bold', 'reverse', ..."""
    out = []
    for row, line in enumerate(screen.split("\n")):
        fg = bg = None
        attrs = set()
        col, i = 0, 0
        while i < len(line):
            m = SGR.match(line, i)
            if m:
                ps = [int(p) if p else 0 for p in re.split("[;:]", m.group(1))]
                j = 0
                while j < len(ps):
                    p = ps[j]
                    if p == 0:
                        fg = bg = None
                        attrs = set()
                    elif p in (1, 2, 4, 7):
                        attrs.add({1: "bold", 2: "dim", 4: "underline", 7: "reverse"}[p])
                    elif p in (22, 24, 27):
                        attrs -= {22: {"bold", "dim"}, 24: {"underline"}, 27: {"reverse"}}[p]
                    elif 30 <= p <= 37:
                        fg = _rgb(p - 30)
                    elif 40 <= p <= 47:
                        bg = _rgb(p - 40)
                    elif 90 <= p <= 97:
                        fg = _rgb(p - 90 + 8)
                    elif 100 <= p <= 107:
                        bg = _rgb(p - 100 + 8)
                    elif p == 39:
                        fg = None
                    elif p == 49:
                        bg = None
                    elif p in (38, 48) and j + 2 < len(ps) and ps[j + 1] == 5:
                        c = _rgb(ps[j + 2])
                        fg, bg = (c, bg) if p == 38 else (fg, c)
                        j += 2
                    elif p in (38, 48) and j + 4 < len(ps) and ps[j + 1] == 2:
                        c = ps[j + 2] << 16 | ps[j + 3] << 8 | ps[j + 4]
                        fg, bg = (c, bg) if p == 38 else (fg, c)
                        j += 4
                    j += 1
                i = m.end()
                continue
            f, b = (bg, fg) if "reverse" in attrs else (fg, bg)
            out.append((row, col, line[i], f, b, frozenset(attrs)))
            col += 1
            i += 1
    return out


def assert_readable(screen, what):
    bad = [(r, c, ch) for r, c, ch, f, b, _ in cells(screen)
           if f is not None and f == b]
    assert not bad, "%s: %d cells with the same foreground and background, first %r\n%s" % (
        what, len(bad), bad[:5], re.sub(r"\x1b\[[0-9;:]*m", "", screen))


def has_colour(screen):
    return any(f is not None or b is not None for *_, f, b, _a in cells(screen))


def title_style(app):
    """(fg, bg, attrs) of the title bar's first cell."""
    return [(f, b, a) for r, c, ch, f, b, a in cells(app.screen(escapes=True)) if r == 0][0]


def start_with(app, home, theme, extra_env=None):
    os.makedirs(os.path.join(home.config, "backchat"), exist_ok=True)
    with open(os.path.join(home.config, "backchat", "config"), "w") as f:
        f.write("[ui]\ntheme=%s\n" % theme)
    app.env["BACKCHAT_THEMES_DIR"] = THEMES_DIR
    app.env.pop("NO_COLOR", None)
    app.env.update(extra_env or {})
    if app.alive():
        app.restart([])
    else:
        app.start([])
    app.wait_for("/help lists the commands", timeout=5, region="view")


def test_themes_from_config(home, app):
    """Each theme from [ui] theme=: readable, and really in use."""
    seen = {}
    for name in THEMES:
        start_with(app, home, name)
        app.type_line("/theme show")
        app.wait_for("Theme %s (" % name, timeout=5, region="view")
        app.wait_for("[mention-count] fg", timeout=5, region="view")
        screen = app.screen(escapes=True)
        assert_readable(screen, name)
        seen[name] = title_style(app)
        if name == "mono":
            assert not has_colour(screen), "mono draws colours"
            assert "reverse" in seen[name][2], seen[name]
        else:
            assert has_colour(screen), "%s draws no colours" % name
    # Each theme's bar looks different from the others'.
    styles = list(seen.values())
    assert len(set(styles)) == len(styles), seen
    assert seen["default"][1] == _rgb(4), seen["default"]   # white on blue
    assert seen["256"][1] == _rgb(24), seen["256"]
    app.assert_alive()


def test_no_color_and_broken_theme(home, app):
    """NO_COLOR: attributes only, whatever the theme. A user theme with a
    broken line overrides the installed one, says where the line is, and
    the rest of it applies."""
    start_with(app, home, "default", {"NO_COLOR": "1"})
    app.type_line("/theme show")
    app.wait_for("NO_COLOR is set", timeout=5, region="view")
    screen = app.screen(escapes=True)
    assert not has_colour(screen), "colours despite NO_COLOR"
    app.kill()

    user = os.path.join(home.config, "backchat", "themes")
    os.makedirs(user, exist_ok=True)
    with open(os.path.join(user, "256.theme"), "w") as f:
        f.write("[bar]\nfg = 231\nbg = purple\n[mention]\nfg = 201\n")
    start_with(app, home, "256")
    # The warning names the file, the line and the key (it may wrap).
    app.wait_for(re.compile(r"themes/256\.theme, line 3: \[bar\] bg:"), timeout=5,
                 region="view")
    app.type_line("/theme show")
    app.wait_for(re.compile(r"Theme 256 \(.*/backchat/themes/256\.theme\)"), timeout=5,
                 region="view")
    app.wait_for("[bar] fg = 231, bg = blue", timeout=5, region="view")
    app.type_line("/theme list")
    app.wait_for(re.compile(r"\* 256 .*backchat/themes/256\.theme"), timeout=5, region="view")
    app.wait_for(re.compile(r"  solarized-dark "), timeout=5, region="view")
    app.type_line("/theme load nosuch")
    app.wait_for('No theme "nosuch"', timeout=5, region="view")
    app.assert_alive()


def test_theme_load_live(server, home, app, bob, peers):
    """/theme load switches at once; nicks keep one colour per person."""
    home.write_account(server)
    app.env["BACKCHAT_THEMES_DIR"] = THEMES_DIR
    trust_and_connect(app, server)
    carol = peers.connect("carol")
    bob.send(ALICE, "one from bob")
    carol.send(ALICE, "one from carol")
    # Two peers, two connections: their messages may arrive in either order.
    app.wait_for(lambda st: re.search(r"\d:bob\(1\)", st) and re.search(r"\d:carol\(1\)", st),
                 timeout=10, region="status")
    app.type_line("/msg bob@localhost")
    app.wait_for("one from bob", timeout=5, region="view")
    bob.send(ALICE, "two from bob")
    app.wait_for("two from bob", timeout=5, region="view")

    def nick_colours():
        cs = cells(app.screen(escapes=True))
        rows = {}
        for r, c, ch, f, b, a in cs:
            rows.setdefault(r, []).append((ch, f))
        out = []
        for r, row in rows.items():
            text = "".join(ch for ch, _ in row)
            m = re.search(r"\d\d:\d\d (bob): ", text)
            if m:
                out.append(row[m.start(1)][1])
        return out

    colours = nick_colours()
    assert len(colours) == 2 and colours[0] == colours[1] and colours[0] is not None, colours
    before = title_style(app)
    for name in THEMES:
        app.type_line("/theme load %s" % name)
        app.wait_for("Theme %s in use" % name, timeout=5, region="view")
        screen = app.screen(escapes=True)
        assert_readable(screen, name)
        assert has_colour(screen) == (name != "mono"), name
    assert title_style(app) != before  # 256's bar is not default's
    app.type_line("/theme load default")
    app.wait_for("Theme default in use", timeout=5, region="view")
    assert title_style(app) == before
    assert nick_colours()[0] == colours[0]
    app.assert_alive()
