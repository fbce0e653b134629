#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Makes the manual page from its template:
#
#   tools/genman.sh MANCMDS_BINARY VERSION < man/backchat.1.in > build/backchat.1
#
# Every @VERSION@ becomes VERSION (escaped for roff), and the line that is
# exactly @COMMANDS@ becomes the output of MANCMDS_BINARY (the COMMANDS
# entries generated from the command table). Plain string operations in awk
# only: no regular expression or replacement string ever sees VERSION or
# the generated text, so no character in them is special. Fails, printing
# nothing, if the program fails or the template has no (or several)
# @COMMANDS@ lines.
set -eu

if [ $# -ne 2 ] || [ -z "$2" ]; then
    echo "usage: $0 MANCMDS_BINARY VERSION < backchat.1.in > backchat.1" >&2
    exit 2
fi
mancmds=$1
case $mancmds in
*/*) ;;
*) mancmds=./$mancmds ;; # never look it up in PATH
esac

tmp=$(mktemp "${TMPDIR:-/tmp}/genman.XXXXXX")
out=$(mktemp "${TMPDIR:-/tmp}/genman.XXXXXX")
trap 'rm -f "$tmp" "$out"' EXIT
trap 'exit 1' HUP INT TERM

if ! "$mancmds" > "$tmp"; then
    echo "$0: $mancmds failed" >&2
    exit 1
fi

GENMAN_VERSION=$2 GENMAN_CMDS=$tmp awk '
function replace_all(s, from, to,    out, i) {
    out = ""
    while ((i = index(s, from)) > 0) {
        out = out substr(s, 1, i - 1) to
        s = substr(s, i + length(from))
    }
    return out s
}
BEGIN {
    # The version goes into a quoted .TH argument: escape what roff would
    # otherwise interpret (backslash, double quote).
    v = replace_all(ENVIRON["GENMAN_VERSION"], "\\", "\\e")
    version = replace_all(v, "\"", "\\(dq")
    cmds = ENVIRON["GENMAN_CMDS"]
    found = 0
}
$0 == "@COMMANDS@" {
    found++
    while ((r = (getline line < cmds)) > 0)
        print line
    if (r < 0) {
        print "genman: cannot read the generated commands" > "/dev/stderr"
        exit 1
    }
    close(cmds)
    next
}
{ print replace_all($0, "@VERSION@", version) }
END {
    if (found != 1) {
        printf "genman: the template must have exactly one @COMMANDS@ line (found %d)\n", found > "/dev/stderr"
        exit 1
    }
}' > "$out"

cat "$out"
