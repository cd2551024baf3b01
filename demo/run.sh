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

cat >"$work/pxesuite.ini" <<INI
[global]
log = stderr

[dhcpd]
pidfile = $work/pxe-dhcpd.pid
[tftpd]
pidfile = $work/pxe-tftpd.pid
[nfsd]
pidfile = $work/pxe-nfsd.pid
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
for pid in $pids; do kill -HUP "$pid"; done
sleep 0.3
for pid in $pids; do kill -TERM "$pid"; done
for pid in $pids; do wait "$pid"; done
pids=
for d in dhcpd tftpd nfsd; do
	step "pxe-$d log"
	cat "$work/$d.log"
done

step "done: the daemons started, reloaded and stopped cleanly in the lab namespace"
echo "The VM that PXE-boots through them joins this lab as the daemons' protocol"
echo "services land; see README.md, Status."
