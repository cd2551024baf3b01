#!/bin/sh
# bench/boot/run.sh: the same QEMU VM PXE-boots, in one run, through pxesuite (pxe-dhcpd,
# pxe-tftpd, pxe-nfsd) and through the classic trio (dnsmasq for DHCP and TFTP, nfs-ganesha
# with the VFS FSAL for NFS v3), from the same boot tree, in the lab of make demo
# (demo/lab.sh); the boots alternate between the stacks.  Each boot's phases, in seconds
# since power on, come from a capture of the lab bridge and the guest's console
# (phases.py), the same way for both stacks; report.py gives the medians.  Not a test:
# make check never runs it.  See bench/README.md.
#
# Run as root:  bench/boot/run.sh [options]     (bench/boot/run.sh -h)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
demo=$repo/demo

build=${BUILD:-$repo/build}
reps=${REPS:-3}
firmwares=${FIRMWARES:-bios}
nics=${NICS:-e1000}
stacks=${STACKS:-"pxesuite classic"}
limit=${LIMIT:-120}
out=${OUT:-/var/tmp/pxesuite-bench-boot-$(date +%Y%m%d-%H%M%S)}
dnsmasq_extra=${DNSMASQ_EXTRA:-}

usage() {
	cat <<EOF
usage: $0 [options]
  --build DIR        pxesuite's daemons are DIR/{dhcpd,tftpd,nfsd}/pxe-* (default $build)
  --reps N           boots per stack and firmware (default $reps)
  --firmware LIST    bios, uefi or "bios uefi" (default "$firmwares")
  --nic LIST         e1000, virtio or "e1000 virtio" (default "$nics")
  --stacks LIST      the order within a round (default "$stacks")
  --limit SECONDS    a boot still running after this is stopped and marked failed (default $limit)
  --out DIR          the report, raw.tsv, and every boot's logs and capture
                     (default /var/tmp/pxesuite-bench-boot-DATE)
  --dnsmasq ARGS     more options for dnsmasq, in quotes (e.g. --no-ping)
Environment: the same names in capitals (BUILD, REPS, FIRMWARES, NICS, STACKS, LIMIT, OUT,
DNSMASQ_EXTRA).
EOF
	exit 64
}

# The command as typed, lists quoted, for the report.
cmdline=$0
for arg in "$@"; do
	case $arg in *' '*) cmdline="$cmdline \"$arg\"" ;; *) cmdline="$cmdline $arg" ;; esac
done
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case $1 in
	--build) build=$2 ;;
	--reps) reps=$2 ;;
	--firmware) firmwares=$2 ;;
	--nic) nics=$2 ;;
	--stacks) stacks=$2 ;;
	--limit) limit=$2 ;;
	--out) out=$2 ;;
	--dnsmasq) dnsmasq_extra=$2 ;;
	*) usage ;;
	esac
	shift 2
done
for f in $firmwares; do
	case $f in bios|uefi) ;; *) usage ;; esac
done
for s in $stacks; do
	case $s in pxesuite|classic) ;; *) usage ;; esac
done
for nic in $nics; do
	case $nic in e1000|virtio) ;; *) usage ;; esac
done

die() { echo "bench/boot: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root: it makes network and mount namespaces"
PATH=$PATH:/usr/sbin:/sbin

# The peers' packages, installed when missing under a policy-rc.d that answers 101 ("action
# forbidden"): their postinst would otherwise start dnsmasq or ganesha as host services.
apt_install() {
	made=
	if [ -e /usr/sbin/policy-rc.d ]; then
		grep -q 'exit 101' /usr/sbin/policy-rc.d ||
			die "/usr/sbin/policy-rc.d may let services start: install $* by hand"
	else
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		made=1
	fi
	echo "bench/boot: installing $* (services not started)"
	rc=0
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "$@" >/dev/null || rc=$?
	[ -z "$made" ] || rm -f /usr/sbin/policy-rc.d
	return $rc
}
missing=
command -v dnsmasq >/dev/null || missing="$missing dnsmasq-base"
command -v ganesha.nfsd >/dev/null || missing="$missing nfs-ganesha"
[ -e /usr/lib/x86_64-linux-gnu/ganesha/libfsalvfs.so ] || missing="$missing nfs-ganesha-vfs"
command -v dumpcap >/dev/null || missing="$missing wireshark-common"
# shellcheck disable=SC2086
[ -z "$missing" ] || apt_install $missing || die "cannot install$missing"
for tool in qemu-system-x86_64 rpcbind rpcinfo unshare nsenter python3 ss; do
	command -v "$tool" >/dev/null ||
		die "$tool is missing (./quickstart.sh demo installs what the lab needs)"
done
for d in dhcpd tftpd nfsd; do
	[ -x "$build/$d/pxe-$d" ] || die "$build/$d/pxe-$d is missing: build first, or --build DIR"
done

mkdir -p "$out/boots"
raw=$out/raw.tsv
printf 'boot\tstack\tfirmware\tnic\tphase\tseconds\n' >"$raw"
cpu=$out/cpu.tsv
printf 'boot\tstack\tfirmware\tnic\tservers_cpu_s\tmachine_busy_cpus\n' >"$cpu"
hz=$(getconf CLK_TCK)
tree=$(mktemp -d /tmp/pxebench-boot.XXXXXX)
chmod 755 "$tree"

# shellcheck disable=SC2034  # lab_dir and lab_ns are read by lab.sh
lab_dir=$demo
lab_ns=
lab_work=$out
# shellcheck source=demo/lab.sh
. "$demo/lab.sh"
cleanup() {
	lab_teardown
	rm -rf "$tree"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The classic trio, as an admin would set it up for this lab: dnsmasq's DHCP hands out
# pxelinux.0 (efi64/syslinux.efi to x86-64 UEFI, client arch 7 or 9) and serves /srv/tftp;
# ganesha exports /srv/install read-only over NFS v3 with root squashed.  NLM and RQUOTA are
# off: the guest mounts with nolock and the lab has no rpc.statd.
ganesha_conf() {
	cat <<EOF
NFS_CORE_PARAM {
	Protocols = 3;
	mount_path_pseudo = true;
	Enable_NLM = false;
	Enable_RQUOTA = false;
	Bind_addr = 10.77.0.1;
}
NFSV4 {
	Graceless = true;
	RecoveryRoot = $1/recovery;
}
NFS_KRB5 { Active_krb5 = false; }
EXPORT {
	Export_Id = 1;
	Path = /srv/install;
	Pseudo = /srv/install;
	Protocols = 3;
	Access_Type = RO;
	Squash = root_squash;
	SecType = sys;
	FSAL { Name = VFS; }
}
EOF
}

# shellcheck disable=SC2086
start_classic() {
	w=$lab_work
	mkdir -p "$w/recovery"
	ganesha_conf "$w" >"$w/ganesha.conf"
	nsenter -t "$lab_pid" -m -n -- dnsmasq --no-daemon --conf-file=/dev/null --port=0 \
		--interface=br0 --bind-interfaces \
		--dhcp-range=10.77.0.100,10.77.0.199,255.255.255.0,1h \
		--dhcp-leasefile="$w/dnsmasq.leases" \
		--dhcp-match=set:efi64,option:client-arch,7 \
		--dhcp-match=set:efi64,option:client-arch,9 \
		--dhcp-boot=tag:efi64,efi64/syslinux.efi,,10.77.0.1 \
		--dhcp-boot=tag:!efi64,pxelinux.0,,10.77.0.1 \
		--enable-tftp --tftp-root=/srv/tftp \
		--log-dhcp --log-facility="$w/dnsmasq.log" $dnsmasq_extra 2>"$w/dnsmasq.stderr" &
	lab_track $!
	nsenter -t "$lab_pid" -m -n -- ganesha.nfsd -F -L "$w/ganesha.log" -f "$w/ganesha.conf" -p "$w/ganesha.pid" \
		2>"$w/ganesha.stderr" &
	ganesha=$!
	lab_track "$ganesha"
	lab_wait_for "$w/dnsmasq.log" "DHCP, IP range" dnsmasq || return 1
	# Ready when NFS v3 is registered with rpcbind and 2049 listens (a few seconds).
	i=0
	until lab_exec rpcinfo -p 2>/dev/null | grep -q ' 100003 *3 *tcp' &&
		lab_exec ss -Hltn 'sport = :2049' | grep -q .; do
		i=$((i + 1))
		if ! kill -0 "$ganesha" 2>/dev/null || [ $i -gt 300 ]; then
			tail "$w/ganesha.log"
			echo "ganesha did not start" >&2
			return 1
		fi
		sleep 0.1
	done
}

# The CPU the servers used, and how busy the machine was while the VM ran: QEMU's TCG keeps
# one CPU busy by itself, and what the other tenants use slows the guest down.
cpu_ticks() {	# cpu_ticks PID...: utime + stime of their threads, in clock ticks
	for pid in "$@"; do
		cat "/proc/$pid/stat" 2>/dev/null
	done | awk '{ sub(/^.*\) /, ""); t += $12 + $13 } END { print t + 0 }'
}
busy_ticks() {	# "ELAPSED BUSY": all CPUs' ticks, and those not idle, from /proc/stat
	awk '/^cpu / { for (i = 2; i <= NF; i++) all += $i; print all / '"$(nproc)"', all - $5 - $6 }' /proc/stat
}

start_pxesuite() { lab_pxesuite "$build" "$demo/pxesuite.ini" >/dev/null; }

# boot N STACK FIRMWARE NIC: a fresh lab (namespaces, rpcbind, /run), the stack's servers, a
# capture of br0, one boot; the phases go to raw.tsv.
boot() {
	n=$1 stack=$2 fw=$3 nic=$4
	lab_ns=pxebench-$$-$n
	lab_work=$out/boots/$n-$stack-$fw-$nic
	mkdir -p "$lab_work"
	lab_network
	lab_rpcbind "$tree/srv"
	before=$lab_pids
	"start_$stack"
	servers=${lab_pids#"$before"}
	lab_ra "$limit"
	ip netns exec "$lab_ns" dumpcap -q -P -i br0 -s 600 -f udp -w "$lab_work/br0.pcap" \
		2>"$lab_work/dumpcap.log" &
	capture=$!
	lab_track "$capture"
	lab_wait_for "$lab_work/dumpcap.log" "Capturing on" dumpcap
	vm_args="--nic $nic"
	[ "$fw" = uefi ] && vm_args="$vm_args --uefi $lab_work/OVMF_VARS.fd"
	busy0=$(busy_ticks)
	# shellcheck disable=SC2086
	lab_boot "$limit" -- $vm_args || echo "boot $n ($stack $fw): stopped at ${limit}s"
	busy1=$(busy_ticks)
	# shellcheck disable=SC2086
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$stack" "$fw" "$nic" "$(cpu_ticks $servers |
		awk -v hz="$hz" '{ printf "%.3f", $1 / hz }')" \
		"$(echo "$busy0 $busy1" | awk -v hz="$hz" '{ printf "%.2f", ($4 - $2) / ($3 - $1) }')" \
		>>"$cpu"
	# dumpcap writes out what it holds when told to stop.
	kill "$capture" 2>/dev/null || true
	wait "$capture" 2>/dev/null || true
	python3 "$here/phases.py" "$lab_work/br0.pcap" "$lab_work/console.log" |
		while IFS='	' read -r phase t; do
			printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$stack" "$fw" "$nic" "$phase" "$t"
		done >>"$raw"
	ks=$(awk -F'\t' -v n="$n" '$1 == n && $5 == "ks.cfg read" { print $6 }' "$raw")
	echo "boot $n: $stack $fw $nic: ks.cfg read at ${ks}s"
	lab_teardown
	rm -f "$lab_work/console.raw" "$lab_work/OVMF_VARS.fd"
}

# Everything the report names, before the boots.
{
	echo "command: $cmdline"
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME")"
	echo "accel: $(grep -qE '^flags.* (vmx|svm)( |$)' /proc/cpuinfo && [ -w /dev/kvm ] && echo kvm || echo tcg)"
	echo "pxesuite: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown), $build"
	for p in dnsmasq-base nfs-ganesha nfs-ganesha-vfs rpcbind qemu-system-x86 ipxe-qemu ovmf pxelinux syslinux-efi; do
		echo "$p: $(dpkg-query -W -f '${Version}' "$p" 2>/dev/null || echo missing)"
	done
} >"$out/versions.txt"
cat "$out/versions.txt"

sh "$demo/boot-tree.sh" "$tree/srv" >"$out/boot-tree.log"

# Interleaved: each round boots every stack once for each firmware and NIC, so a slow
# minute of the shared machine falls on both stacks alike.
n=0
r=1
while [ $r -le "$reps" ]; do
	for fw in $firmwares; do
		for nic in $nics; do
			for stack in $stacks; do
				n=$((n + 1))
				boot "$n" "$stack" "$fw" "$nic"
			done
		done
	done
	r=$((r + 1))
done

python3 "$here/report.py" "$raw" "$out/versions.txt" | tee "$out/report.md"
echo "bench/boot: report, raw.tsv and every boot's logs in $out"
