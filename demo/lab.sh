# shellcheck shell=sh disable=SC2154  # lab_dir, lab_ns and lab_work come from the caller
# The PXE lab, as shell functions: sourced by demo/run.sh (make demo) and bench/boot/run.sh,
# which boot the same VM the same way.  The lab is a network namespace with a bridge (br0,
# 10.77.0.1/24) and the VM's tap device (tap0), and rpcbind in a mount namespace of its own
# whose /srv is a boot tree (demo/boot-tree.sh) and whose /run is an empty tmpfs; the servers
# join both namespaces (lab_exec), so nothing on this machine is touched.  Everything started
# is recorded (lab_track) and stopped by its pid (lab_stop).
#
# The caller sets lab_dir (demo/), lab_ns (a name no one else uses) and lab_work (a directory
# for the logs) before calling lab_network.

lab_pids=
lab_pid=

lab_track() { lab_pids="$lab_pids $*"; }

# Stops every tracked process: SIGTERM, then SIGKILL what has not stopped five seconds later,
# so the cleanup never hangs.
lab_stop() {
	for pid in $lab_pids; do
		kill "$pid" 2>/dev/null || true
	done
	i=0
	while [ $i -lt 50 ]; do
		alive=
		for pid in $lab_pids; do
			kill -0 "$pid" 2>/dev/null && alive=1
		done
		[ -n "$alive" ] || break
		i=$((i + 1))
		sleep 0.1
	done
	for pid in $lab_pids; do
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	lab_pids=
}

# Stops everything and removes the namespace.
lab_teardown() {
	lab_stop
	ip netns del "$lab_ns" 2>/dev/null || true
}

# lab_wait_for FILE PATTERN WHAT: a bounded wait (5 s) for a line in a log.
lab_wait_for() {
	i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 100 ] || { cat "$1"; echo "$3 did not start" >&2; return 1; }
		sleep 0.05
	done
}

lab_network() {
	ip netns add "$lab_ns"
	ip -n "$lab_ns" link set lo up
	ip -n "$lab_ns" link add br0 type bridge
	# The bridge answers solicitations (demo/ra.py) from its link-local address at once.
	ip netns exec "$lab_ns" sysctl -qw net.ipv6.conf.br0.accept_dad=0
	ip -n "$lab_ns" addr add 10.77.0.1/24 dev br0
	ip -n "$lab_ns" link set br0 up
	ip -n "$lab_ns" tuntap add dev tap0 mode tap
	ip -n "$lab_ns" link set tap0 master br0 up
}

# lab_rpcbind SRV: rpcbind in the lab's mount namespace, /srv bound to the tree SRV;
# lab_pid is its pid, whose namespaces lab_exec enters.
lab_rpcbind() {
	ip netns exec "$lab_ns" unshare -m --propagation private sh -c \
		"mount -t tmpfs -o mode=755 tmpfs /run && mount --bind '$1' /srv && exec rpcbind -f" \
		2>"$lab_work/rpcbind.log" &
	lab_pid=$!
	lab_track "$lab_pid"
	i=0
	until [ -S "/proc/$lab_pid/root/run/rpcbind.sock" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || { cat "$lab_work/rpcbind.log"; echo "rpcbind did not start" >&2
			return 1; }
		sleep 0.05
	done
}

# lab_exec CMD...: runs CMD in the lab's network and mount namespaces.  A server started in
# the background calls nsenter itself: nsenter execs it, so $! is the server's pid, where a
# background function's would be a subshell's.
lab_exec() { nsenter -t "$lab_pid" -m -n -- "$@"; }

# lab_pxesuite BUILDDIR CONFIG: pxe-dhcpd, pxe-tftpd and pxe-nfsd on CONFIG, each ready.
lab_pxesuite() {
	for d in dhcpd tftpd nfsd; do
		lab_exec "$1/$d/pxe-$d" --check-config --config "$2" || return 1
		nsenter -t "$lab_pid" -m -n -- "$1/$d/pxe-$d" --foreground --config "$2" \
			2>"$lab_work/$d.log" &
		lab_track $!
	done
	for d in dhcpd tftpd nfsd; do
		lab_wait_for "$lab_work/$d.log" ready "pxe-$d" || return 1
	done
}

# lab_ra SECONDS: iPXE waits ~13 s for an IPv6 router before it boots; a router
# advertisement with lifetime 0 (no default router, no prefix) answers its solicitations.
lab_ra() {
	ip netns exec "$lab_ns" python3 "$lab_dir/ra.py" br0 "$1" 2>"$lab_work/ra.log" &
	lab_track $!
}

# lab_boot SECONDS [--echo] -- VM_ARGS...: powers the VM on (demo/vm.sh VM_ARGS tap0), stamps
# its console into $lab_work/console.log (demo/timeline.py; "power on" is QEMU's start) and
# waits until it powers off, SECONDS at most; lab_vm is QEMU's pid.  Returns 1 past the limit.
lab_boot() {
	limit=$1
	shift
	echo_flag=
	[ "$1" = --echo ] && { echo_flag=--echo; shift; }
	[ "$1" = -- ] && shift
	ip netns exec "$lab_ns" sh "$lab_dir/vm.sh" "$@" tap0 "$lab_work/console.raw" \
		2>"$lab_work/qemu.log" &
	lab_vm=$!
	lab_track "$lab_vm"
	python3 "$lab_dir/timeline.py" follow "$lab_work/console.raw" "$lab_work/console.log" \
		"$lab_vm" $echo_flag &
	follower=$!
	lab_track "$follower"
	i=0
	while kill -0 "$lab_vm" 2>/dev/null && [ $i -lt $((limit * 10)) ]; do
		i=$((i + 1))
		sleep 0.1
	done
	late=
	if kill -0 "$lab_vm" 2>/dev/null; then
		echo "the VM did not power off within ${limit}s: stopping it"
		kill "$lab_vm"
		late=1
	fi
	wait "$lab_vm" 2>/dev/null || true
	# The follower reads the console's last lines once QEMU has gone, then exits.
	wait "$follower" 2>/dev/null || true
	[ -z "$late" ]
}
