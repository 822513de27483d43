#!/bin/sh
# The swift-format check of `make test` (issue 14): the rules of .swift-format, run by the toolchain's
# `swift format lint` over every Swift file of the package, its benchmarks and its simulators.
#
# What is enforced: every rule the configuration turns on (ordered imports, no force-unwrapped
# literals of the wrong shape, lowerCamelCase, grouped numeric literals, for-in instead of forEach,
# `///` doc comments, no access level on extensions, …). The rules turned off are house style,
# written down in docs/ARCHITECTURE.md ("Formatting").
#
# What is not enforced (yet): the pretty printer's layout (indentation of continuation lines, line
# breaks, line length). The code predates the configuration; reformatting every file at once would
# rewrite 50 000 lines of history for layout alone. Those findings are counted and printed, not fatal.
set -eu
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# shellcheck disable=SC2046
swift format lint --configuration .swift-format --parallel \
    $(git ls-files '*.swift' | grep -v '^Package.swift$') > "$out" 2>&1 || true
layout='\[(Indentation|LineLength|AddLines|RemoveLine|Spacing|TrailingComma|EndOfLineComment|TrailingWhitespace)\]'
rules=$(grep -E 'warning: \[|error: \[' "$out" | grep -Ev "$layout" || true)
other=$(grep -E 'error:' "$out" | grep -Ev '\[[A-Za-z]+\]' || true)
layoutCount=$(grep -cE "$layout" "$out" || true)
if [ -n "$other" ]; then
    echo "check-format: swift format could not lint:" >&2
    echo "$other" >&2
    exit 1
fi
if [ -n "$rules" ]; then
    echo "check-format: $(echo "$rules" | wc -l) finding(s) of the rules in .swift-format:" >&2
    echo "$rules" >&2
    exit 1
fi
echo "check-format: the rules of .swift-format hold in $(git ls-files '*.swift' | wc -l) files (layout findings, not enforced: $layoutCount)"
