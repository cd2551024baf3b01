#!/bin/sh
# Assembles the boot tree a PXE client installs from: OUT/tftp (pxelinux, syslinux.efi, their
# modules and config, a Debian kernel and an initramfs built here) and OUT/install (ks.cfg
# and an install tree, exported over NFS).  Used by make demo, the VM tests and bench/.
#
# usage: boot-tree.sh [--cache DIR] [--server ADDR] OUT
#
# The kernel comes from linux-image-amd64's .deb, fetched with apt-get download and unpacked
# with dpkg-deb into the cache: nothing is installed on this machine.  The kernel and the
# initramfs stay in the cache, so a second run needs no network.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${PXESUITE_CACHE:-/var/cache/pxesuite-demo}
server=10.77.0.1
while [ $# -gt 1 ]; do
	case $1 in
	--cache) cache=$2; shift 2 ;;
	--server) server=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: $0 [--cache DIR] [--server ADDR] OUT" >&2; exit 64; }
out=$1

PXELINUX=/usr/lib/PXELINUX/pxelinux.0
BIOS_MODULES=/usr/lib/syslinux/modules/bios
EFI64=/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi
EFI64_MODULES=/usr/lib/syslinux/modules/efi64
BUSYBOX=/bin/busybox
# The guest mounts its install tree over NFS v3 on one of these NICs; their modules and
# everything they depend on go into the initramfs.
MODULES="nfsv3 nfsv4 e1000 virtio_net virtio_pci"

die() { echo "boot-tree.sh: $*" >&2; exit 1; }

need() {
	[ -e "$1" ] || die "$1 is missing: install $2"
}

need "$PXELINUX" pxelinux
need "$BIOS_MODULES/ldlinux.c32" syslinux-common
need "$EFI64" syslinux-efi
need "$BUSYBOX" busybox-static
# The initramfs holds no C library: busybox's own package links it dynamically.
ldd "$BUSYBOX" >/dev/null 2>&1 && die "$BUSYBOX is linked dynamically: install busybox-static"
PATH=$PATH:/usr/sbin:/sbin
command -v cpio >/dev/null || die "cpio is missing: install cpio"
command -v modinfo >/dev/null || die "modinfo is missing: install kmod"

mkdir -p "$cache"

# Every module that $MODULES need, found by following modinfo's depends= to a fixed point.
module_closure() {
	mods=$1
	want=$MODULES
	have=
	while [ -n "$want" ]; do
		next=
		for m in $want; do
			case " $have " in *" $m "*) continue ;; esac
			ko=$(find "$mods/kernel" -name "$m.ko" -o -name "$(echo "$m" | tr _ -).ko" |
				head -1)
			[ -n "$ko" ] || die "module $m is not in $mods"
			have="$have $m"
			echo "$ko"
			next="$next $(modinfo -F depends "$ko" | tr , ' ')"
		done
		want=$next
	done
}

# Copies the modules of $MODULES and what they need, with modules.builtin and .order, from
# the modules folder $1 into $2, keeping their paths.
copy_modules() {
	for path in $(module_closure "$1"); do
		mkdir -p "$2/$(dirname "${path#"$1"/}")"
		cp "$path" "$2/${path#"$1"/}"
	done
	cp "$1/modules.builtin" "$1/modules.order" "$2/"
}

# The kernel package linux-image-amd64 points at, unpacked into $cache/kernel-VERSION:
# vmlinuz and the modules the initramfs takes.  A cached kernel is used as it is, without
# asking apt.
kernel_dir() {
	for d in "$cache"/kernel-*/; do
		[ -f "$d/vmlinuz" ] && { echo "${d%/}"; return; }
	done
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || die "apt knows no linux-image-amd64 (run apt-get update)"
	deb=$(ls "$cache"/"${pkg}"_*.deb /var/cache/apt/archives/"${pkg}"_*.deb 2>/dev/null |
		head -1) || true
	if [ -z "$deb" ]; then
		echo "boot-tree.sh: fetching $pkg (not installed, only unpacked into $cache)" >&2
		(cd "$cache" && apt-get download -q "$pkg" >&2) || die "apt-get download $pkg failed"
		deb=$(ls "$cache"/"${pkg}"_*.deb | head -1)
	fi
	kver=${pkg#linux-image-}
	# Unpacked aside and renamed into place, so a run beside this one never sees half;
	# of the package's 4,000 modules only those the initramfs takes are kept.
	tmp=$(mktemp -d "$cache/kernel.XXXXXX")
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$tmp" --wildcards "./boot/vmlinuz-*" "./lib/modules/*/kernel/*.ko" \
			"./lib/modules/*/modules.builtin" "./lib/modules/*/modules.order"
	mv "$tmp/boot/vmlinuz-$kver" "$tmp/vmlinuz"
	mv "$tmp/lib" "$tmp/all"
	copy_modules "$tmp/all/modules/$kver" "$tmp/lib/modules/$kver"
	rm -rf "${tmp:?}/all" "${tmp:?}/boot"
	chmod 755 "$tmp"
	mv -T "$tmp" "$cache/kernel-$kver" 2>/dev/null || rm -rf "$tmp"
	echo "$cache/kernel-$kver"
}

# A cpio of busybox, the modules and demo/initramfs-init, cached under a key of its inputs.
initramfs() {
	kdir=$1
	mods=$(echo "$kdir"/lib/modules/*)
	kos=$(module_closure "$mods")
	key=$( (cat "$here/initramfs-init" "$BUSYBOX"; echo "$kos" | sort) | sha256sum | cut -c1-16)
	img="$kdir/initrd-$key.img"
	if [ ! -f "$img" ]; then
		stage=$(mktemp -d "$cache/initramfs.XXXXXX")
		mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/mnt" \
			"$stage/tmp" "$stage/etc"
		cp "$BUSYBOX" "$stage/bin/busybox"
		install -m 755 "$here/initramfs-init" "$stage/init"
		mknod "$stage/dev/console" c 5 1
		kdst="$stage/lib/modules/$(basename "$mods")"
		copy_modules "$mods" "$kdst"
		"$BUSYBOX" depmod -b "$stage" "$(basename "$mods")"
		(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -9) >"$stage.img"
		mv "$stage.img" "$img"
		rm -rf "$stage"
	fi
	echo "$img"
}

kdir=$(kernel_dir)
initrd=$(initramfs "$kdir")

# --- TFTP tree: BIOS files at the top, x86-64 UEFI files in efi64/ (their modules share the
# BIOS modules' names).  syslinux.efi looks for everything beside itself, so efi64/ links
# back to the config, kernel and initrd.
tftp="$out/tftp"
mkdir -p "$tftp/pxelinux.cfg" "$tftp/efi64"
install -m 644 "$PXELINUX" "$tftp/pxelinux.0"
for m in ldlinux.c32 menu.c32 libutil.c32 libcom32.c32; do
	install -m 644 "$BIOS_MODULES/$m" "$tftp/$m"
done
install -m 644 "$EFI64" "$tftp/efi64/syslinux.efi"
for m in ldlinux.e64 menu.c32 libutil.c32 libcom32.c32; do
	install -m 644 "$EFI64_MODULES/$m" "$tftp/efi64/$m"
done
install -m 644 "$kdir/vmlinuz" "$tftp/vmlinuz"
install -m 644 "$initrd" "$tftp/initrd.img"
for f in pxelinux.cfg vmlinuz initrd.img; do
	ln -sfn "../$f" "$tftp/efi64/$f"
done
cat >"$tftp/pxelinux.cfg/default" <<CFG
DEFAULT menu.c32
PROMPT 0
TIMEOUT 5
MENU TITLE pxesuite network install
LABEL install
  MENU LABEL ^Install from $server (kickstart over NFS)
  MENU DEFAULT
  KERNEL vmlinuz
  APPEND initrd=initrd.img console=ttyS0,115200 quiet ks=nfs:$server:/srv/install/ks.cfg ksdevice=eth0
CFG
chmod 644 "$tftp/pxelinux.cfg/default"

# --- the install tree, exported as /srv/install
inst="$out/install"
mkdir -p "$inst/repodata" "$inst/images" "$inst/Packages"
cat >"$inst/ks.cfg" <<KS
# Kickstart served by pxe-nfsd: an unattended install from the NFS tree beside it.
text
lang en_US.UTF-8
keyboard us
timezone UTC --utc
network --bootproto=dhcp --device=eth0
nfs --server=$server --dir=/srv/install
rootpw --lock
zerombr
clearpart --all --initlabel
autopart
reboot
%packages
@core
%end
KS
cat >"$inst/.treeinfo" <<TREE
[general]
family = pxesuite demo
arch = x86_64
[images-x86_64]
kernel = ../tftp/vmlinuz
initrd = ../tftp/initrd.img
TREE
cat >"$inst/repodata/repomd.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo">
  <revision>1</revision>
</repomd>
XML
echo "Packages of the install tree go here." >"$inst/Packages/README"
# A stage-2 image stand-in, big enough for reads of rsize 1 MiB.
[ -f "$inst/images/install.img" ] ||
	head -c 4194304 /dev/urandom >"$inst/images/install.img"
find "$out" -type d -exec chmod 755 {} +
find "$out" -type f -exec chmod 644 {} +
echo "boot tree in $out: kernel $(basename "$kdir"), initrd $(basename "$initrd")" >&2
