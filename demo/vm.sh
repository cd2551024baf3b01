#!/bin/sh
# Starts the machine that PXE-boots in the lab: QEMU with one NIC on a tap device, booting
# from the NIC's iPXE ROM (legacy BIOS, or OVMF for UEFI), its serial console in a file.
# Run it inside the lab's network namespace; it execs QEMU, so its pid is QEMU's.
#
# usage: vm.sh [--uefi VARS_COPY] [--nic e1000|virtio] [--mac MAC] TAP CONSOLE_FILE
set -eu

vars=
nic=e1000
mac=52:54:00:77:00:10
while [ $# -gt 2 ]; do
	case $1 in
	--uefi) vars=$2; shift 2 ;;
	--nic) nic=$2; shift 2 ;;
	--mac) mac=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || { echo "usage: $0 [--uefi VARS] [--nic e1000|virtio] [--mac MAC] TAP CONSOLE" >&2
	exit 64; }
tap=$1
console=$2

case $nic in
e1000) device=e1000 ;;
virtio) device=virtio-net-pci ;;
*) echo "vm.sh: --nic e1000 or virtio, not $nic" >&2; exit 64 ;;
esac

# KVM only where the CPU offers hardware virtualization: a /dev/kvm without it cannot run
# the ROM's real-mode code, so TCG it is.  PXESUITE_QEMU_ACCEL overrides.
accel=tcg
if [ -w /dev/kvm ] && grep -qE '^flags.* (vmx|svm)( |$)' /proc/cpuinfo; then
	accel=kvm
fi
accel=${PXESUITE_QEMU_ACCEL:-$accel}

# SeaBIOS mirrors the screen of the ROM and boot loader to COM1 when fw_cfg names the port
# (a little-endian integer); OVMF writes its console there by itself.
port="$console.sercon-port"
printf '\370\003' >"$port"
firmware="-fw_cfg name=etc/sercon-port,file=$port"
if [ -n "$vars" ]; then
	code=/usr/share/OVMF/OVMF_CODE_4M.fd
	[ -r "$code" ] || { echo "vm.sh: $code is missing: install ovmf" >&2; exit 1; }
	# OVMF writes its variables: each machine gets its own copy of the template.
	cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars"
	firmware="$firmware -drive if=pflash,format=raw,unit=0,readonly=on,file=$code
		-drive if=pflash,format=raw,unit=1,file=$vars"
fi

# shellcheck disable=SC2086
exec qemu-system-x86_64 -name pxesuite-lab -accel "$accel" -m 512 -smp 1 \
	$firmware \
	-netdev "tap,id=lan,ifname=$tap,script=no,downscript=no" \
	-device "$device,netdev=lan,mac=$mac,bootindex=1" \
	-boot n -no-reboot -display none -vga none -monitor none \
	-serial "file:$console"
