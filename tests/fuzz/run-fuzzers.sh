#!/bin/sh
# Builds the fuzz targets with clang and libFuzzer (plus ASan and UBSan) in
# BUILD_DIR and runs each for SECONDS from a copy of its committed corpus.
# Inputs that crash are left in BUILD_DIR/fuzz-crashes/ to add to the corpus.
set -u
build=${1:?usage: run-fuzzers.sh BUILD_DIR SECONDS}
seconds=${2:-20}
top=$(cd "$(dirname "$0")/../.." && pwd)

mkdir -p "$build"
(cd "$build" && "$top/configure" -q CC=clang --enable-fuzzing --enable-sanitizers) || exit 1
targets=$(make -s -C "$build" print-fuzz-targets)
# shellcheck disable=SC2086
make -s -C "$build" -j"$(nproc)" $targets >"$build/fuzz-build.log" 2>&1 ||
	{ cat "$build/fuzz-build.log"; exit 1; }
if grep -q 'warning:' "$build/fuzz-build.log"; then
	grep -A3 'warning:' "$build/fuzz-build.log"
	exit 1
fi
rc=0
for target in $targets; do
	name=$(basename "$target")
	scratch="$build/fuzz-corpus/$name"
	crashes="$build/fuzz-crashes/$name"
	mkdir -p "$scratch" "$crashes"
	cp "$top/tests/fuzz/corpus/$name"/* "$scratch"/ 2>/dev/null
	if "$build/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$crashes/" "$scratch" >"$build/fuzz-$name.out" 2>&1; then
		echo "fuzz ok: $name ($(grep -o 'stat::number_of_executed_units: [0-9]*' \
			"$build/fuzz-$name.out" | awk '{print $2}') runs in ${seconds}s)"
	else
		echo "fuzz FAIL: $name"
		tail -40 "$build/fuzz-$name.out"
		rc=1
	fi
done
exit $rc
