#!/bin/sh
# make demo: the lab the PXE boot demo runs in.  It creates a network
# namespace with a bridge, starts the three daemons in it on a generated
# config, shows their logs through a reload and a stop, and cleans up.
set -eu
: "${top_builddir:?run through make demo}"

ns="pxedemo-$$"
work=$(mktemp -d /tmp/pxedemo.XXXXXX)
pids=

cleanup() {
	for pid in $pids; do
		kill "$pid" 2>/dev/null || true
	done
	ip netns del "$ns-client" 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

step() { printf '\n== %s\n' "$*"; }

step "lab network: namespace $ns, bridge br0 10.77.0.1/24 (the VM's tap joins it)"
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add br0 type bridge
ip -n "$ns" addr add 10.77.0.1/24 dev br0
ip -n "$ns" link set br0 up

# A TFTP root the daemon's user (nobody) can read.
mkdir -p "$work/tftp/pxelinux.cfg"
chmod 755 "$work" "$work/tftp" "$work/tftp/pxelinux.cfg"
printf 'DEFAULT linux\nLABEL linux\n  KERNEL vmlinuz\n' >"$work/tftp/pxelinux.cfg/default"
chmod 644 "$work/tftp/pxelinux.cfg/default"

cat >"$work/pxesuite.ini" <<INI
[global]
log = stderr

[dhcpd]
pidfile = $work/pxe-dhcpd.pid
interface = br0
lease_file = $work/leases/dhcpd.leases
[subnet 10.77.0.0/24]
range = 10.77.0.100 10.77.0.199
router = 10.77.0.1
[tftpd]
pidfile = $work/pxe-tftpd.pid
root = $work/tftp
address = 10.77.0.1:69
[nfsd]
pidfile = $work/pxe-nfsd.pid
state_dir = $work/nfsd-state
; the demo's namespace runs no rpcbind: fixed ports, unregistered
require_rpcbind = no
mount_port = 20048
INI

for d in dhcpd tftpd nfsd; do
	bin="$top_builddir/$d/pxe-$d"
	step "pxe-$d --check-config"
	"$bin" --check-config --config "$work/pxesuite.ini"
	step "start pxe-$d in $ns"
	ip netns exec "$ns" "$bin" --foreground --config "$work/pxesuite.ini" \
		2>"$work/$d.log" &
	pids="$pids $!"
done

# Bounded wait: each daemon says "ready" within 5 s or the demo fails.
for d in dhcpd tftpd nfsd; do
	i=0
	until grep -q ready "$work/$d.log"; do
		i=$((i + 1))
		[ $i -le 50 ] || { cat "$work/$d.log"; echo "pxe-$d did not start"; exit 1; }
		sleep 0.1
	done
done
step "a client on the lab bridge asks pxe-dhcpd for an address and a boot file (udhcpc)"
ip -n "$ns" link add veth-client type veth peer name eth0
ip -n "$ns" link set veth-client master br0 up
ip netns add "$ns-client"
ip -n "$ns" link set eth0 netns "$ns-client"
ip -n "$ns-client" link set eth0 up
cat >"$work/udhcpc.sh" <<'SH'
#!/bin/sh
[ "$1" = bound ] && echo "lease: $ip from $serverid, next-server $siaddr, boot file $boot_file"
exit 0
SH
chmod 755 "$work/udhcpc.sh"
ip netns exec "$ns-client" timeout 20 udhcpc -f -q -n -t 5 -T 2 -i eth0 -s "$work/udhcpc.sh"
step "the lease, as pxe-dhcpd recorded it before acknowledging it"
grep '^lease' "$work/leases/dhcpd.leases"

step "curl fetches pxelinux.cfg/default from pxe-tftpd over TFTP, inside $ns"
ip netns exec "$ns" curl -sS --max-time 5 "tftp://10.77.0.1/pxelinux.cfg/default"
for pid in $pids; do kill -HUP "$pid"; done
sleep 0.3
for pid in $pids; do kill -TERM "$pid"; done
for pid in $pids; do wait "$pid"; done
pids=
for d in dhcpd tftpd nfsd; do
	step "pxe-$d log"
	cat "$work/$d.log"
done

step "done: pxe-dhcpd leased an address and a boot file, pxe-tftpd served a file, all reloaded and stopped cleanly"
echo "The VM that PXE-boots through them joins this lab as the NFS service lands;"
echo "see README.md, Status."
