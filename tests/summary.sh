#!/bin/sh
# Totals of individual test cases over build dirs' logs (cmocka, pytest, corpus
# replays, fuzz runs), printed as one "N passed, N failed" line.  Exits 1 if
# anything failed or nothing ran.
set -u
find "$@" -name '*.log' ! -name 'config.log' ! -name 'test-suite.log' 2>/dev/null |
xargs -r cat | awk '
	/^\[  PASSED  \] [0-9]+ test/ { pass += $4 }
	/^\[  FAILED  \] [0-9]+ test/ { fail += $4 }
	/^=+ .*[0-9]+ (passed|failed|error)/ {
		for (i = 1; i < NF; i++) {
			if ($(i + 1) ~ /^passed/) pass += $i
			if ($(i + 1) ~ /^(failed|errors?)/) fail += $i
		}
	}
	/^replay ok: / { pass++ }
	/^replay FAIL: / { fail++ }
	/^fuzz ok: / { pass++ }
	/^fuzz FAIL: / { fail++ }
	END {
		printf "tests: %d passed, %d failed\n", pass, fail
		exit (fail > 0 || pass == 0)
	}'
