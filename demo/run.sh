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

# shellcheck disable=SC2034  # lab_dir and lab_ns are read by lab.sh
lab_dir=$here
lab_ns="pxedemo-$$"
lab_work=$(mktemp -d /tmp/pxedemo.XXXXXX)
chmod 755 "$lab_work"
# shellcheck source=demo/lab.sh
. "$here/lab.sh"

cleanup() {
	lab_teardown
	if [ -n "${PXESUITE_DEMO_KEEP:-}" ]; then
		echo "demo: logs kept in $lab_work"
	else
		rm -rf "$lab_work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n== %s\n' "$*"; }

step "boot tree: pxelinux, syslinux.efi, a Debian kernel, an initramfs, ks.cfg, an install tree"
echo "work directory: $lab_work (removed at exit)"
sh "$here/boot-tree.sh" "$lab_work/srv"

step "lab network: namespace $lab_ns, bridge br0 10.77.0.1/24, tap0 on it for the VM"
lab_network

step "rpcbind, in the lab's mount namespace: /srv is the boot tree, /run is its own"
lab_rpcbind "$lab_work/srv"
lab_pxesuite "$top_builddir" "$here/pxesuite.ini"
for d in dhcpd tftpd nfsd; do
	echo "pxe-$d: $(grep -m1 ready "$lab_work/$d.log")"
done
lab_ra "$limit"

step "QEMU ($firmware, $nic) PXE-boots from its iPXE ROM on tap0; its serial console:"
mac=52:54:00:77:00:10
vm_args="--nic $nic --mac $mac"
[ "$firmware" = uefi ] && vm_args="$vm_args --uefi $lab_work/OVMF_VARS.fd"
# The hard limit: the guest powers off by itself; past the limit it is stopped.
# shellcheck disable=SC2086
lab_boot "$limit" --echo -- $vm_args || echo "demo: stopped at the limit"

step "timeline: seconds since power on, from the daemons' logs and the guest's console"
rc=0
python3 "$here/timeline.py" show "$lab_work/dhcpd.log" "$lab_work/tftpd.log" "$lab_work/nfsd.log" \
	"$lab_work/console.log" || rc=$?

step "pxectl status $mac: the same boot as the daemons recorded it (/run/pxesuite)"
lab_exec "$top_builddir/pxectl/pxectl" -c "$here/pxesuite.ini" status "$mac" ||
	rc=1

want=$(sha256sum "$lab_work/srv/install/ks.cfg" | cut -d' ' -f1)
if [ $rc -eq 0 ] && grep -q "phase=ks-read .*sha256=$want" "$lab_work/console.log" &&
	grep -q "phase=poweroff" "$lab_work/console.log"; then
	step "done: the VM booted over the network, read ks.cfg (sha256 $want) and powered off"
	exit 0
fi
step "FAILED: the boot did not reach the ks.cfg line; logs:"
for f in dhcpd.log tftpd.log nfsd.log qemu.log; do
	printf -- '--- %s\n' "$f"
	tail -20 "$lab_work/$f"
done
exit 1
