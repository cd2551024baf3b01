#!/bin/sh
# Replays each fuzz target's committed corpus (tests/fuzz/corpus/TARGET/):
# every seed and every input that once crashed stays a regression test.
set -u
: "${top_builddir:?run from make check}" "${top_srcdir:?run from make check}"
rc=0
for target in ${FUZZ_TARGETS}; do
	name=$(basename "$target")
	corpus="$top_srcdir/tests/fuzz/corpus/$name"
	if [ ! -d "$corpus" ]; then
		echo "replay FAIL: $name has no corpus at $corpus"
		rc=1
		continue
	fi
	if "$top_builddir/$target" "$corpus"; then
		echo "replay ok: $name"
	else
		echo "replay FAIL: $name"
		rc=1
	fi
done
exit $rc
