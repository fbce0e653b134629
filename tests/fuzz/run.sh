#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs libFuzzer targets for a fixed time each, as many at once as there
# are CPUs (FUZZ_JOBS overrides).
# Usage: tests/fuzz/run.sh SECONDS WORKDIR BIN...
# Seeds come from tests/fuzz/corpus/NAME (read only); new inputs go to
# WORKDIR/corpus/NAME and crashes to WORKDIR/crashes/NAME-*; a libFuzzer
# dictionary tests/fuzz/NAME.dict is used if there is one. One line per
# target, then "fuzz: N passed, N failed" (a pass is a target that ran its
# time without a crash). Exits 1 if any target crashed.
set -u
here=$(cd "$(dirname "$0")" && pwd) || exit 1

secs=$1 work=$2
shift 2
run_one() {  # run_one BIN: its verdict lines go to WORKDIR/NAME.result
    local bin=$1 name seeds corpus log dirs opts rc runs crash
    name=$(basename "$bin")
    seeds=$here/corpus/${name#fuzz_}
    corpus=$work/corpus/${name#fuzz_}
    log=$work/$name.log
    mkdir -p "$corpus"
    dirs=("$corpus")
    [ -d "$seeds" ] && dirs+=("$seeds")
    opts=()
    [ -f "$here/${name#fuzz_}.dict" ] && opts+=(-dict="$here/${name#fuzz_}.dict")
    # -timeout: one input taking this long is a hang, reported as a crash.
    timeout $((secs + 120)) "$bin" -max_total_time="$secs" -max_len=4096 -timeout=20 \
        -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/crashes/$name-" "${opts[@]}" "${dirs[@]}" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^Done \([0-9]*\) runs in.*/\1/p' "$log" | tail -1)
    crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    if [ $rc = 0 ] && [ -n "$runs" ]; then
        printf '  fuzz     %-24s %10s runs in %ss        ok\n' "$name" "$runs" "$secs"
    else
        echo FAILED >"$work/$name.failed"
        printf '  fuzz     %-24s FAILED (exit %s): %s\n' "$name" "$rc" \
            "${crash:-no crash file, see $log}"
        # The sanitizer's verdict and the frames in our own code.
        grep -E 'ERROR|runtime error|^\s+#[0-9]+ .* (src|tests)/' "$log" | head -20 |
            sed -E 's/ \(BuildId: [0-9a-f]+\)//; s/^/      /'
        [ -n "$crash" ] && echo "      replay: $bin $crash"
    fi
}

jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
mkdir -p "$work/crashes"
running=0
for bin in "$@"; do
    name=$(basename "$bin")
    rm -f "$work/$name.result" "$work/$name.failed"
    run_one "$bin" >"$work/$name.result" &
    running=$((running + 1))
    if [ $running -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait
passed=0 failed=0
for bin in "$@"; do
    name=$(basename "$bin")
    cat "$work/$name.result"
    if [ -e "$work/$name.failed" ]; then failed=$((failed + 1)); else passed=$((passed + 1)); fi
done
echo "fuzz: $passed passed, $failed failed"
[ $failed = 0 ]
