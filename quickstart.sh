#!/bin/sh
# The README's two commands: `./quickstart.sh demo` (install what is needed,
# build, run the demo) and `./quickstart.sh test` (the whole test suite).
# Both install their Debian packages first, so each works on a fresh machine.
set -eu

# What the build needs, then what the tests and the demo drive.  The demo's guest
# kernel is not among them: demo/boot-tree.sh fetches its .deb and only unpacks it.
PACKAGES_BUILD="build-essential autoconf automake pkg-config libtirpc-dev libinih-dev
libnfsidmap-dev libcmocka-dev libsodium-dev libjansson-dev rpcsvc-proto"
PACKAGES_TEST="python3 python3-pytest iproute2 iputils-ping procps clang libclang-rt-14-dev
tftp-hpa atftp curl xinetd systemd isc-dhcp-client udhcpc dhcpcd-base isc-dhcp-relay
dnsmasq-base rpcbind nfs-common libnfs-utils libnfs-dev util-linux nftables
qemu-system-x86 ipxe-qemu ovmf pxelinux syslinux-common syslinux-efi busybox-static cpio kmod
groff-base"

top=$(cd "$(dirname "$0")" && pwd)
build="${PXESUITE_BUILD:-$top/build}"

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "quickstart.sh: run as root (sudo $0 $*): it installs packages and" \
		     "makes network namespaces" >&2
		exit 1
	fi
}

install_packages() {
	missing=
	for p in $PACKAGES_BUILD $PACKAGES_TEST; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	# Only when something is missing: a machine that has everything needs no network.
	[ -z "$missing" ] && return 0
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# Packages such as isc-dhcp-relay start their service on install: a relay
	# or server on the machine's real interfaces is never wanted here, so
	# invoke-rc.d is told to start nothing while they install.
	guard=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		guard=/usr/sbin/policy-rc.d
	fi
	rc=0
	apt-get update -qq || rc=$?
	# shellcheck disable=SC2086
	[ "$rc" -ne 0 ] || apt-get install -y -qq --no-install-recommends \
		$PACKAGES_BUILD $PACKAGES_TEST >/dev/null || rc=$?
	[ -z "$guard" ] || rm -f "$guard"
	return "$rc"
}

configure_build() {
	dir=$1
	shift
	[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi)
	mkdir -p "$dir"
	(cd "$dir" && "$top/configure" -q "$@")
	make -C "$dir" -j"$(nproc)" >/dev/null
}

case "${1:-}" in
demo)
	need_root demo
	install_packages
	configure_build "$build"
	make -C "$build" -s demo
	;;
test)
	need_root test
	install_packages
	rc=0
	configure_build "$build" --enable-werror
	make -C "$build" -j"$(nproc)" check || rc=1
	# The release tarball builds, installs and passes the suite on its own.
	make -C "$build" distcheck >"$build/distcheck.log" 2>&1 ||
		{ tail -40 "$build/distcheck.log"; echo "distcheck FAIL"; rc=1; }
	# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
	configure_build "$build-san" --enable-sanitizers
	make -C "$build-san" -j"$(nproc)" check || rc=1
	"$top/tests/fuzz/run-fuzzers.sh" "$build-fuzz" "${PXESUITE_FUZZ_SECONDS:-20}" || rc=1
	"$top/tests/summary.sh" "$build" "$build-san" "$build-fuzz" || rc=1
	exit $rc
	;;
*)
	echo "usage: $0 demo|test" >&2
	exit 64
	;;
esac
