# SPDX-License-Identifier: GPL-3.0-or-later
# backchat — a terminal XMPP client.  `make demo` and `make check` are the
# two commands a new machine needs; `make deps` installs what they use.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
DATADIR   ?= $(PREFIX)/share/backchat
DESTDIR   ?=

CC        ?= cc
PKGS      := libstrophe ncursesw openssl libnotify sqlite3 glib-2.0 readline
CFLAGS    ?= -O2 -g
WARN      := -std=c17 -Wall -Wextra -Wformat=2 -Werror -Wno-unused-parameter
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libnotify is compiled against but not linked: src/notify loads it with
# dlopen when the first notification is shown (it drags in gio and more).
PKG_LIBS   = $(shell pkg-config --libs $(filter-out libnotify,$(PKGS)) 2>/dev/null) -lresolv
CPPFLAGS  += -Iinclude -D_GNU_SOURCE -DNCURSES_WIDECHAR=1 \
             -DBC_VERSION='"$(VERSION)"' -DBC_DATADIR='"$(DATADIR)"'
DEPFLAGS   = -MMD -MP
# Hardening for the program and the plain test build (the ASan tree has
# its own checks): fortified libc calls, stack protector, PIE, full RELRO.
HARDEN    := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
HARDEN_LD := -pie -Wl,-z,relro,-z,now

B         := build
LIB_SRCS  := $(sort $(wildcard src/core/*.c src/xmpp/*.c src/store/*.c \
                                src/ui/*.c src/cmd/*.c src/notify/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))

# Two trees: the normal build, and one with AddressSanitizer and
# UndefinedBehaviorSanitizer for the unit tests.
OBJ       := $(LIB_SRCS:%.c=$(B)/obj/%.o)
ASAN_OBJ  := $(LIB_SRCS:%.c=$(B)/asan/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
ASAN_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests-asan/%)
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# Fuzzing (libFuzzer, clang): a third tree of the library without the UI,
# instrumented for the fuzzer and built with ASan and UBSan; one binary per
# tests/fuzz/fuzz_*.c. `make fuzz` runs each for FUZZ_SECONDS, `make check`
# for FUZZ_CHECK_SECONDS, one target per CPU at a time (FUZZ_JOBS).
FUZZ_CC    ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 30
FUZZ_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=all
FUZZ_LIBS   = $(shell pkg-config --libs libstrophe openssl libnotify sqlite3 glib-2.0 2>/dev/null) -lresolv
FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS  := $(FUZZ_SRCS:tests/fuzz/%.c=$(B)/fuzz/%)
FUZZ_OBJ   := $(filter-out $(B)/fuzz/obj/src/ui/%,$(LIB_SRCS:%.c=$(B)/fuzz/obj/%.o))

# Debian packages: to build, to test, to run the demo.
DEB_BUILD := build-essential pkg-config libstrophe-dev libncurses-dev \
             libssl-dev libnotify-dev libsqlite3-dev libglib2.0-dev \
             libreadline-dev
DEB_TEST  := libcmocka-dev prosody python3 python3-slixmpp tmux openssl \
             sqlite3 procps ca-certificates groff-base \
             dbus-daemon python3-dbus python3-gi clang libclang-rt-14-dev
DEB_ALL   := $(DEB_BUILD) $(DEB_TEST)

.PHONY: all check check-unit check-asan check-integration check-man man demo \
        deps install uninstall clean bench fuzz check-fuzz

MANCMDS   := $(B)/tools/mancmds
MANPAGE   := $(B)/backchat.1
# Section 5: the config file and the theme format (no generated part).
MAN5      := $(B)/backchat.conf.5 $(B)/backchat-themes.5
THEMES    := $(sort $(wildcard themes/*.theme))

all: backchat $(MANPAGE) $(MAN5)
man: $(MANPAGE) $(MAN5)

backchat: $(B)/libbackchat.a $(B)/obj/src/main.o
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(HARDEN_LD) -o $@ $(B)/obj/src/main.o $(B)/libbackchat.a $(PKG_LIBS) $(LDFLAGS)

# The same binary inside a build tree (`make B=build-x build-x/backchat`):
# lets a second tree be built and tested without touching ./backchat.
$(B)/backchat: $(B)/libbackchat.a $(B)/obj/src/main.o
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(HARDEN_LD) -o $@ $(B)/obj/src/main.o $(B)/libbackchat.a $(PKG_LIBS) $(LDFLAGS)

$(B)/libbackchat.a: $(OBJ)
	@rm -f $@
	@ar rcs $@ $^

# The COMMANDS section of the man page is generated from the command
# table, so /help and the manual cannot disagree.
$(MANCMDS): tools/mancmds.c $(B)/libbackchat.a
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	@$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) $(PKG_CFLAGS) $(DEPFLAGS) -MT $@ -MF $@.d \
	    -o $@ $< $(B)/libbackchat.a $(PKG_LIBS) $(LDFLAGS)

$(MANPAGE): man/backchat.1.in tools/genman.sh $(MANCMDS) Makefile
	@echo "  GEN     $@"
	@tools/genman.sh $(MANCMDS) $(VERSION) < man/backchat.1.in > $@.tmp || { rm -f $@.tmp; exit 1; }
	@mv $@.tmp $@

$(B)/%.5: man/%.5.in Makefile
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@sed 's/@VERSION@/$(VERSION)/g' $< > $@.tmp && mv $@.tmp $@

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(WARN) $(CFLAGS) $(HARDEN) $(CPPFLAGS) $(PKG_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC-ASAN $<"
	@$(CC) $(WARN) -O1 -g $(ASAN_FLAGS) $(CPPFLAGS) $(PKG_CFLAGS) $(DEPFLAGS) -c $< -o $@

# The program under ASan+UBSan: make check runs the protocol-heavy
# integration tests with it too.
$(B)/backchat-asan: $(B)/libbackchat-asan.a $(B)/asan/src/main.o
	@echo "  LD-ASAN $@"
	@$(CC) -g $(ASAN_FLAGS) -o $@ $(B)/asan/src/main.o $(B)/libbackchat-asan.a $(PKG_LIBS)

$(B)/libbackchat-asan.a: $(ASAN_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(B)/tests/%: tests/unit/%.c $(B)/libbackchat.a
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	@$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) $(PKG_CFLAGS) $(DEPFLAGS) -MT $@ -MF $@.d \
	    -o $@ $< $(B)/libbackchat.a $(PKG_LIBS) -lcmocka

$(B)/tests-asan/%: tests/unit/%.c $(B)/libbackchat-asan.a
	@mkdir -p $(dir $@)
	@echo "  CCLD    $@"
	@$(CC) $(WARN) -O1 -g $(ASAN_FLAGS) $(CPPFLAGS) $(PKG_CFLAGS) $(DEPFLAGS) -MT $@ -MF $@.d \
	    -o $@ $< $(B)/libbackchat-asan.a $(PKG_LIBS) -lcmocka

$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC-FUZZ $<"
	@$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(CPPFLAGS) $(PKG_CFLAGS) \
	    $(DEPFLAGS) -c $< -o $@

$(B)/fuzz/libbackchat-fuzz.a: $(FUZZ_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(B)/fuzz/libbackchat-fuzz.a
	@echo "  CCLD    $@"
	@$(FUZZ_CC) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer $(CPPFLAGS) $(PKG_CFLAGS) $(DEPFLAGS) \
	    -MT $@ -MF $@.d -o $@ $< $(B)/fuzz/libbackchat-fuzz.a $(FUZZ_LIBS)

# New inputs go to $(B)/fuzz/corpus/NAME (the seeds in tests/fuzz/corpus
# are only read), crashes to $(B)/fuzz/crashes.
fuzz: $(FUZZ_BINS)
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(B)/fuzz $(FUZZ_BINS)

check-fuzz: $(FUZZ_BINS)
	@tests/run.sh -- --no-integration --fuzz-seconds=$(FUZZ_CHECK_SECONDS) $(FUZZ_BINS)

# `make check`: install what the tests need, build, then run unit tests,
# the same under ASan+UBSan, each fuzz target briefly, and the integration
# tests against a private Prosody; one summary line for the whole run.
check: deps
	$(MAKE) --no-print-directory backchat $(B)/backchat-asan $(MANPAGE) $(MAN5) $(UNIT_BINS) $(ASAN_BINS) $(FUZZ_BINS)
	@tests/run.sh $(UNIT_BINS) -- $(ASAN_BINS) --fuzz-seconds=$(FUZZ_CHECK_SECONDS) $(FUZZ_BINS) \
	    --asan-app=$(B)/backchat-asan

check-man: $(MANPAGE) $(MAN5)
	@tests/run.sh -- --man-only

check-unit: $(UNIT_BINS)
	@tests/run.sh $(UNIT_BINS) -- --no-integration

check-asan: $(ASAN_BINS)
	@tests/run.sh -- $(ASAN_BINS) --no-integration

check-integration: backchat
	@tests/run.sh -- --integration-only

# `make demo`: build, start a private demo server on loopback with a demo
# team, and open backchat logged in.
demo: deps backchat
	@scripts/demo.sh

deps:
	@missing=$$(for p in $(DEB_ALL); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root to install:" $$missing >&2; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# `make bench`: the benchmarks compare against Debian's Profanity and mcabber,
# which `make check` does not need: installed here (as root) when missing.
DEB_BENCH := profanity mcabber

bench:
	@$(MAKE) --no-print-directory deps DEB_ALL="$(DEB_ALL) $(DEB_BENCH)"
	@$(MAKE) --no-print-directory backchat
	@RUNS=$${RUNS:-3} tests/bench/run.sh

install: backchat $(MANPAGE) $(MAN5)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(DATADIR)/themes
	install -m 0755 backchat $(DESTDIR)$(BINDIR)/backchat
	install -m 0644 $(MANPAGE) $(DESTDIR)$(MANDIR)/man1/backchat.1
	install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 $(THEMES) $(DESTDIR)$(DATADIR)/themes/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/backchat $(DESTDIR)$(MANDIR)/man1/backchat.1 \
	    $(DESTDIR)$(MANDIR)/man5/backchat.conf.5 $(DESTDIR)$(MANDIR)/man5/backchat-themes.5
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/,$(THEMES))
	-rmdir $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(DATADIR) 2>/dev/null

clean:
	rm -rf $(B) backchat

-include $(OBJ:.o=.d) $(ASAN_OBJ:.o=.d) $(B)/obj/src/main.d $(MANCMDS).d \
         $(UNIT_BINS:=.d) $(ASAN_BINS:=.d) $(FUZZ_OBJ:.o=.d) $(FUZZ_BINS:=.d)
