#!/bin/sh
# make demo: a virtual machine PXE-boots through the three daemons.  The lab is a network
# namespace with a bridge (br0, 10.77.0.1/24) and the VM's tap device; pxe-dhcpd,
# pxe-tftpd and pxe-nfsd run in it on demo/pxesuite.ini as shipped, beside rpcbind, in a
# mount namespace whose /srv is the boot tree demo/boot-tree.sh builds.  QEMU boots from
# its iPXE ROM, pxelinux loads the kernel and initrd, and the guest mounts the install
# tree over NFS v3, reads ks.cfg and powers off.  Everything started is stopped by its pid
# and the namespaces are removed on any exit.
#
# usage: run.sh [bios|uefi] [e1000|virtio]
# PXESUITE_DEMO_LIMIT: the hard limit in seconds (default 240); PXESUITE_DEMO_KEEP=1 keeps
# the work directory with every log; PXESUITE_CACHE: boot-tree.sh's cache.
set -eu
: "${top_builddir:?run through make demo}"

here=$(cd "$(dirname "$0")" && pwd)
firmware=${1:-bios}
nic=${2:-e1000}
limit=${PXESUITE_DEMO_LIMIT:-240}
case $firmware/$nic in
bios/e1000|bios/virtio|uefi/e1000|uefi/virtio) ;;
*) echo "usage: $0 [bios|uefi] [e1000|virtio]" >&2; exit 64 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root: it makes network namespaces" >&2; exit 1; }

for tool in qemu-system-x86_64 rpcbind unshare nsenter python3; do
	command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
		{ echo "demo: $tool is missing (./quickstart.sh demo installs it)" >&2; exit 1; }
done

ns="pxedemo-$$"
work=$(mktemp -d /tmp/pxedemo.XXXXXX)
chmod 755 "$work"
pids=

cleanup() {
	for pid in $pids; do
		kill "$pid" 2>/dev/null || true
	done
	# Five seconds to stop after SIGTERM, then SIGKILL: the cleanup never hangs.
	i=0
	while [ $i -lt 50 ]; do
		alive=
		for pid in $pids; do
			kill -0 "$pid" 2>/dev/null && alive=1
		done
		[ -n "$alive" ] || break
		i=$((i + 1))
		sleep 0.1
	done
	for pid in $pids; do
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	ip netns del "$ns" 2>/dev/null || true
	if [ -n "${PXESUITE_DEMO_KEEP:-}" ]; then
		echo "demo: logs kept in $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n== %s\n' "$*"; }

step "boot tree: pxelinux, syslinux.efi, a Debian kernel, an initramfs, ks.cfg, an install tree"
echo "work directory: $work (removed at exit)"
sh "$here/boot-tree.sh" "$work/srv"

step "lab network: namespace $ns, bridge br0 10.77.0.1/24, tap0 on it for the VM"
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add br0 type bridge
# The bridge answers solicitations (demo/ra.py) from its link-local address at once.
ip netns exec "$ns" sysctl -qw net.ipv6.conf.br0.accept_dad=0
ip -n "$ns" addr add 10.77.0.1/24 dev br0
ip -n "$ns" link set br0 up
ip -n "$ns" tuntap add dev tap0 mode tap
ip -n "$ns" link set tap0 master br0 up

step "rpcbind, in the lab's mount namespace: /srv is the boot tree, /run is its own"
ip netns exec "$ns" unshare -m --propagation private sh -c \
	"mount -t tmpfs -o mode=755 tmpfs /run && mount --bind '$work/srv' /srv && exec rpcbind -f" \
	2>"$work/rpcbind.log" &
lab=$!
pids="$pids $lab"
i=0
until [ -S "/proc/$lab/root/run/rpcbind.sock" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || { cat "$work/rpcbind.log"; echo "rpcbind did not start"; exit 1; }
	sleep 0.05
done
for d in dhcpd tftpd nfsd; do
	bin="$top_builddir/$d/pxe-$d"
	nsenter -t "$lab" -m -n -- "$bin" --check-config --config "$here/pxesuite.ini"
	# nsenter execs the daemon, so $! is the daemon's pid.
	nsenter -t "$lab" -m -n -- "$bin" --foreground --config "$here/pxesuite.ini" 2>"$work/$d.log" &
	pids="$pids $!"
done
# Bounded wait: each daemon says "ready" within 5 s or the demo fails.
for d in dhcpd tftpd nfsd; do
	i=0
	until grep -q ready "$work/$d.log"; do
		i=$((i + 1))
		[ $i -le 100 ] || { cat "$work/$d.log"; echo "pxe-$d did not start"; exit 1; }
		sleep 0.05
	done
	echo "pxe-$d: $(grep -m1 ready "$work/$d.log")"
done

# iPXE waits ~13 s for an IPv6 router before it boots; a router advertisement with
# lifetime 0 (no default router, no prefix) answers its solicitations at once.
ip netns exec "$ns" python3 "$here/ra.py" br0 "$limit" 2>"$work/ra.log" &
pids="$pids $!"

step "QEMU ($firmware, $nic) PXE-boots from its iPXE ROM on tap0; its serial console:"
mac=52:54:00:77:00:10
vm_args="--nic $nic --mac $mac"
[ "$firmware" = uefi ] && vm_args="$vm_args --uefi $work/OVMF_VARS.fd"
# shellcheck disable=SC2086
ip netns exec "$ns" sh "$here/vm.sh" $vm_args tap0 "$work/console.raw" 2>"$work/qemu.log" &
vm=$!
pids="$pids $vm"
python3 "$here/timeline.py" follow "$work/console.raw" "$work/console.log" "$vm" --echo &
pids="$pids $!"

# The hard limit: the guest powers off by itself; past the limit it is stopped.
i=0
while kill -0 "$vm" 2>/dev/null && [ $i -lt $((limit * 10)) ]; do
	i=$((i + 1))
	sleep 0.1
done
if kill -0 "$vm" 2>/dev/null; then
	echo "demo: the VM did not power off within ${limit}s: stopping it"
	kill "$vm"
fi
wait "$vm" 2>/dev/null || true
sleep 0.2

step "timeline: seconds since power on, from the daemons' logs and the guest's console"
rc=0
python3 "$here/timeline.py" show "$work/dhcpd.log" "$work/tftpd.log" "$work/nfsd.log" \
	"$work/console.log" || rc=$?

step "pxectl status $mac: the same boot as the daemons recorded it (/run/pxesuite)"
nsenter -t "$lab" -m -n -- "$top_builddir/pxectl/pxectl" -c "$here/pxesuite.ini" status "$mac" ||
	rc=1

want=$(sha256sum "$work/srv/install/ks.cfg" | cut -d' ' -f1)
if [ $rc -eq 0 ] && grep -q "phase=ks-read .*sha256=$want" "$work/console.log" &&
	grep -q "phase=poweroff" "$work/console.log"; then
	step "done: the VM booted over the network, read ks.cfg (sha256 $want) and powered off"
	exit 0
fi
step "FAILED: the boot did not reach the ks.cfg line; logs:"
for f in dhcpd.log tftpd.log nfsd.log qemu.log; do
	printf -- '--- %s\n' "$f"
	tail -20 "$work/$f"
done
exit 1
