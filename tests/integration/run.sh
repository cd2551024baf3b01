#!/bin/sh
# make check entry for the integration tests: runs pytest over tests/integration against the
# daemons in $top_builddir. Exit 0 pass, 77 skip, anything else fail (automake's convention).
here=$(cd "$(dirname "$0")" && pwd) || exit 99

if [ -z "$top_builddir" ]; then
	# An in-tree build has the binaries two levels up from this script.
	if [ -x "$here/../../dhcpd/pxe-dhcpd" ]; then
		top_builddir=$(cd "$here/../.." && pwd)
	else
		echo "run.sh: top_builddir is not set and $here/../.. holds no build;" >&2
		echo "run.sh: run 'make check' or: top_builddir=/path/to/build sh $0" >&2
		exit 99
	fi
fi
if ! abs=$(cd "$top_builddir" 2>/dev/null && pwd); then
	echo "run.sh: top_builddir=$top_builddir is not a directory" >&2
	exit 99
fi
top_builddir=$abs
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
export top_builddir top_srcdir

if [ -z "$PYTHON3" ]; then
	for p in /usr/bin/python3 python3; do
		if "$p" -c 'import pytest' >/dev/null 2>&1; then PYTHON3=$p; break; fi
	done
fi
if [ -z "$PYTHON3" ] || ! "$PYTHON3" -c 'import pytest' >/dev/null 2>&1; then
	echo "run.sh: no python3 that imports pytest (${PYTHON3:-none}): install python3-pytest" >&2
	[ "$CI" = true ] && exit 1
	exit 77
fi

# The daemons record their clients' progress in /run/pxesuite unless a
# config says otherwise: a test run keeps those records to itself, in a
# private mount namespace with a tmpfs of its own there.
if [ "$(id -u)" = 0 ] && [ -z "$PXESUITE_TEST_RUN" ] && command -v unshare >/dev/null; then
	export PXESUITE_TEST_RUN=1
	mkdir -p /run/pxesuite || exit 99
	exec unshare --mount --propagation private sh -c \
		'mount -t tmpfs -o mode=755,size=64m pxesuite-test /run/pxesuite && exec "$0" "$@"' \
		"$0" "$@"
fi

# The source tree may be read-only (make distcheck): no bytecode, no pytest cache.
export PYTHONDONTWRITEBYTECODE=1
cd "$here" || exit 99
exec "$PYTHON3" -m pytest -p no:cacheprovider -v -c "$here/pytest.ini" --rootdir="$here" \
	--builddir="$top_builddir" "$@" "$here"
