#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the unit tests (plain, then under ASan+UBSan) and the integration
# tests, and ends with one summary line for the whole run:
#   N passed, N failed[, N skipped]
# Usage: tests/run.sh [UNIT_BIN...] -- [ASAN_BIN...] [--no-integration|--integration-only]
#        [--fuzz-seconds=N FUZZ_BIN...]   (fuzz binaries: */fuzz/fuzz_*)
#        [--asan-app=PATH]   (also run the protocol-heavy integration tests
#                             with backchat built with ASan+UBSan)
set -u
cd "$(dirname "$0")/.."

unit=() asan=() fuzz=() fuzz_secs=10 integration=1 seen_sep=0 asan_app=
for a in "$@"; do
    case "$a" in
        --) seen_sep=1 ;;
        --no-integration) integration=0 ;;
        --integration-only) integration=2 ;;
        --man-only) integration=3 ;;
        --fuzz-seconds=*) fuzz_secs=${a#--fuzz-seconds=} ;;
        --asan-app=*) asan_app=${a#--asan-app=} ;;
        */fuzz/fuzz_*) fuzz+=("$a") ;;
        *) if [ $seen_sep = 0 ]; then unit+=("$a"); else asan+=("$a"); fi ;;
    esac
done

passed=0 failed=0 skipped=0
failures=()

# A cmocka binary prints "[  PASSED  ] N test(s)." and, if any failed,
# "[  FAILED  ] N test(s)". A binary that dies without them (a sanitizer
# report, a crash) counts as one failure.
run_cmocka() { # label binary
    local label=$1 bin=$2 out rc p f
    out=$(ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
          UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
          timeout 300 "$bin" 2>&1)
    rc=$?
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    p=${p:-0} f=${f:-0}
    if [ $rc -ne 0 ] && [ "$f" = 0 ]; then f=1; fi
    passed=$((passed + p)) failed=$((failed + f))
    if [ "$f" != 0 ]; then
        failures+=("$label $(basename "$bin")")
        printf '%s\n' "$out" | grep -E 'FAILED|ERROR|error|Sanitizer|runtime error|^\s+#' | head -40
    fi
    printf '  %-8s %-24s %3d passed, %d failed\n' "$label" "$(basename "$bin")" "$p" "$f"
}

if [ $integration -le 1 ]; then
    for b in "${unit[@]+"${unit[@]}"}"; do run_cmocka unit "$b"; done
    for b in "${asan[@]+"${asan[@]}"}"; do run_cmocka asan "$b"; done
fi

# libFuzzer targets, a short run each: a pass per target that ran its
# time, a failure per crash (the crash file is named).
if [ $integration -le 1 ] && [ ${#fuzz[@]} -gt 0 ]; then
    work=$(dirname "${fuzz[0]}")
    tests/fuzz/run.sh "$fuzz_secs" "$work" "${fuzz[@]}" | tee "$work/run.log" |
        grep --line-buffered -v '^fuzz: '
    line=$(grep -E '^fuzz: [0-9]+ passed, [0-9]+ failed' "$work/run.log" | tail -1)
    p=$(echo "$line" | sed -nE 's/^fuzz: ([0-9]+) passed.*/\1/p')
    f=$(echo "$line" | sed -nE 's/.* ([0-9]+) failed.*/\1/p')
    [ -z "$line" ] && p=0 f=1
    passed=$((passed + p)) failed=$((failed + f))
    [ "$f" != 0 ] && failures+=("fuzz")
fi

# The manual: it renders without a single groff warning, and it documents
# every command in the table (it is generated from it; this catches a
# broken generator).
if [ $integration = 1 ] || [ $integration = 3 ]; then
    man=build/backchat.1
    if [ -f "$man" ] && out=$(groff -man -Tutf8 -ww -z "$man" 2>&1) && [ -z "$out" ]; then
        passed=$((passed + 1)); echo "  man      renders without warnings      ok"
    else
        failed=$((failed + 1)); failures+=("man page"); echo "  man      groff: ${out:-missing $man}"
    fi
    missing=""
    for c in $(build/tools/mancmds --names 2>/dev/null); do
        grep -qF "\\fB/$c\\fR" "$man" || missing="$missing /$c"
    done
    if [ -x build/tools/mancmds ] && [ -z "$missing" ] && [ -n "$(build/tools/mancmds --names 2>/dev/null)" ]; then
        passed=$((passed + 1)); echo "  man      documents every command         ok"
    else
        failed=$((failed + 1)); failures+=("man page commands"); echo "  man      not documented:${missing:- (no command list)}"
    fi
    # Section 5: the config file and the theme format render cleanly, and
    # every setting the program reads is in backchat.conf(5).
    for m5 in build/backchat.conf.5 build/backchat-themes.5; do
        if [ -f "$m5" ] && out=$(groff -man -Tutf8 -ww -z "$m5" 2>&1) && [ -z "$out" ]; then
            passed=$((passed + 1)); echo "  man      $(basename "$m5") renders without warnings ok"
        else
            failed=$((failed + 1)); failures+=("$(basename "$m5")"); echo "  man      groff: ${out:-missing $m5}"
        fi
    done
    if out=$(tools/check-conf-keys.sh src man/backchat.conf.5.in 2>&1); then
        passed=$((passed + 1)); echo "  man      backchat.conf.5: $out ok"
    else
        failed=$((failed + 1)); failures+=("backchat.conf.5 settings"); echo "  man      $out"
    fi
fi

if [ $integration = 1 ] || [ $integration = 2 ]; then
    echo "  integration (real Prosody on loopback, slixmpp peers, tmux):"
    # The whole integration run may take up to 20 minutes (it takes far
    # less on 2 cores); each test has its own limit inside.
    out=$(timeout 1260 /usr/bin/python3 tests/integration/run.py --budget 1200 2>&1)
    rc=$?
    printf '%s\n' "$out" | sed 's/^/    /'
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
    if [ -n "$line" ]; then
        p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
        f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
        s=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
        passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
        [ "$f" != 0 ] && failures+=("integration")
    else
        failed=$((failed + 1))
        failures+=("integration (runner exited $rc without a summary)")
    fi
fi

# The tests that feed backchat the most remote input (hostile stanzas, rooms,
# announcements, chat states, bookmarks, the control socket, a catch-up cut
# short) again, with the program built with
# AddressSanitizer and UndefinedBehaviorSanitizer: a report on its stderr
# fails the test (harness.py), leaks included.
if [ -n "$asan_app" ] && { [ $integration = 1 ] || [ $integration = 2 ]; }; then
    echo "  integration under ASan+UBSan ($asan_app):"
    out=$(BACKCHAT="$PWD/$asan_app" ASAN_OPTIONS=detect_leaks=1 \
          UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
          timeout 660 /usr/bin/python3 tests/integration/run.py --budget 600 \
          -k test_hostile -k test_muc.py -k test_announce -k test_messaging \
          -k test_chatstates -k test_bookmarks -k test_remote -k cut_during_catchup 2>&1)
    rc=$?
    printf '%s\n' "$out" | sed 's/^/    /'
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
    if [ -n "$line" ]; then
        p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
        f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
        passed=$((passed + p)) failed=$((failed + f))
        [ "$f" != 0 ] && failures+=("integration-asan")
    else
        failed=$((failed + 1))
        failures+=("integration-asan (runner exited $rc without a summary)")
    fi
fi

if [ ${#failures[@]} -gt 0 ]; then
    echo "failed suites: ${failures[*]}"
fi
summary="$passed passed, $failed failed"
[ $skipped -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ $failed -eq 0 ] && [ $passed -gt 0 ]
