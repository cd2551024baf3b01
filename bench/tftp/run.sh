#!/usr/bin/env bash
# bench/tftp/run.sh: pxe-tftpd side by side with tftpd-hpa, atftpd and
# dnsmasq's TFTP, in one run on loopback.  See bench/README.md.
#
# Every server runs in its own fresh network namespace and listens on
# 127.0.0.1:69 there; the load client runs in the same namespace.  Each rep
# runs every row for every server (server order rotated each rep), and the
# report gives the median of the reps with the spread [min-max], and
# pxe-tftpd's ratio to each peer.  Not a test: `make check` never runs it.
#
# Run as root:  bench/tftp/run.sh [options]     (bench/tftp/run.sh -h)
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

BUILD=${BUILD:-$REPO/build}
SERVERS=${SERVERS:-"pxe-tftpd tftpd-hpa atftpd dnsmasq"}
REPS=${REPS:-3}
PIN=${PIN:-cross}
PEERS=${PEERS:-/var/tmp/pxesuite-bench-peers}
OUT=${OUT:-/var/tmp/pxesuite-bench-$(date +%Y%m%d-%H%M%S)}
ROWS=${ROWS:-"ceiling l512 l1468 w512 w1468 seq storm hold"}
BIG=64M			# the single transfers
STORM_N=200 STORM_SIZE=16M
SEQ_N=500 SEQ_SIZE=32K
HOLD_N=1000 HOLD_SECS=3
PP_SECS=1		# each ping-pong measurement (two around every lock-step transfer)
PXE_ARGS=${PXE_ARGS:-}	# extra pxe-tftpd arguments

usage() {
	cat <<EOF
usage: $0 [options]
  --build DIR      pxe-tftpd is DIR/tftpd/pxe-tftpd (default \$BUILD or $REPO/build)
  --servers LIST   servers to run, in quotes (default "$SERVERS")
  --rows LIST      rows to run (default "$ROWS")
  --reps N         repetitions of every row (default $REPS)
  --pin MODE       cross: server on CPU 1, client on CPU 0 for the single-client
                   rows and the ping-pong (default); same: both on CPU 0;
                   none: let the scheduler place them.  Storm and hold rows
                   are never pinned.
  --peers DIR      where the peers' .debs are extracted (default $PEERS)
  --out DIR        raw results, logs and report (default /var/tmp/pxesuite-bench-DATE)
  --quick          small rows, one rep: a smoke test of the script (~1 min)
Environment: the same names in capitals (BUILD, SERVERS, ROWS, REPS, PIN,
PEERS, OUT); PXE_ARGS adds arguments to pxe-tftpd's command line.
EOF
	exit 2
}

CMDLINE="$0 $*"
while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=$2; shift ;;
	--servers) SERVERS=$2; shift ;;
	--rows) ROWS=$2; shift ;;
	--reps) REPS=$2; shift ;;
	--pin) PIN=$2; shift ;;
	--peers) PEERS=$2; shift ;;
	--out) OUT=$2; shift ;;
	--quick) BIG=8M STORM_N=20 STORM_SIZE=2M SEQ_N=50 HOLD_N=50 HOLD_SECS=2 PP_SECS=0.3 REPS=1 ;;
	-h|--help) usage ;;
	*) echo "unknown option $1" >&2; usage ;;
	esac
	shift
done

die() { echo "run.sh: $*" >&2; exit 1; }
say() { echo "== $*" >&2; }

[ "$(id -u)" = 0 ] || die "run as root (network namespaces)"
for t in ip taskset cc timeout awk ss; do
	command -v $t >/dev/null || die "$t is missing"
done
case $PIN in cross|same|none) ;; *) usage ;; esac
NCPU=$(nproc)
if [ "$PIN" = cross ] && [ "$NCPU" -lt 2 ]; then
	say "one CPU: --pin cross impossible, using --pin none"
	PIN=none
fi
case $PIN in
cross) SRV_CPU=1 CLI_CPU=0 ;;
same) SRV_CPU=0 CLI_CPU=0 ;;
none) SRV_CPU=0-$((NCPU - 1)) CLI_CPU=0-$((NCPU - 1)) ;;
esac
ALL_CPUS=0-$((NCPU - 1))

mkdir -p "$OUT/logs" || die "cannot create $OUT"
RAW=$OUT/raw.tsv
: >"$RAW"

# ---- cleanup: only what this script started ---------------------------------

declare -A PID NS CG RUNNING
NSLIST=() CGLIST=() BGPIDS=()
WORK=
cleanup() {
	local p s ns cg
	for p in "${BGPIDS[@]}"; do kill "$p" 2>/dev/null; done
	for s in "${!PID[@]}"; do
		kill "${PID[$s]}" 2>/dev/null
	done
	sleep 0.3
	for s in "${!PID[@]}"; do
		# children the server forked (tftpd-hpa): they sit in its cgroup
		cg=${CG[$s]:-}
		if [ -n "$cg" ] && [ -f "$cg/cgroup.procs" ]; then
			for p in $(cat "$cg/cgroup.procs"); do kill -9 "$p" 2>/dev/null; done
		fi
		kill -9 "${PID[$s]}" 2>/dev/null
		wait "${PID[$s]}" 2>/dev/null
	done
	for cg in "${CGLIST[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			rmdir "$cg" 2>/dev/null && break
			sleep 0.2
		done
	done
	for ns in "${NSLIST[@]}"; do ip netns del "$ns" 2>/dev/null; done
	[ -n "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- tools -----------------------------------------------------------------

BIN=$OUT/bin
mkdir -p "$BIN"
cc -O2 -Wall -o "$BIN/pingpong" "$HERE/pingpong.c" || die "pingpong.c does not build"
cc -O2 -Wall -o "$BIN/tftpload" "$HERE/tftpload.c" || die "tftpload.c does not build"
TL=$BIN/tftpload

# ---- the peers: extracted from their .debs, never installed -----------------
# atftpd conflicts with tftpd-hpa, so none of them is installed: apt-get
# download + dpkg-deb -x into $PEERS.  Shared libraries they lack are
# installed from apt (libraries conflict with nothing).

peer_pkg() {
	case $1 in
	tftpd-hpa) echo tftpd-hpa ;;
	atftpd) echo atftpd ;;
	dnsmasq) echo dnsmasq-base ;;
	esac
}
# each package in its own folder: atftpd's .deb also ships /usr/sbin/in.tftpd
# (a link to atftpd), which would replace tftpd-hpa's in a shared one
peer_dir() { echo "$PEERS/$(peer_pkg "$1")"; }
peer_bin() {
	case $1 in
	tftpd-hpa) echo "$(peer_dir "$1")/root/usr/sbin/in.tftpd" ;;
	atftpd) echo "$(peer_dir "$1")/root/usr/sbin/atftpd" ;;
	dnsmasq) echo "$(peer_dir "$1")/root/usr/sbin/dnsmasq" ;;
	esac
}
peer_deb() { ls -t "$(peer_dir "$1")/$(peer_pkg "$1")"_*.deb 2>/dev/null | head -1; }
fetch_peer() {
	local s=$1 pkg bin dir libs
	pkg=$(peer_pkg "$s")
	bin=$(peer_bin "$s")
	dir=$(peer_dir "$s")
	if [ ! -x "$bin" ]; then
		mkdir -p "$dir"
		if ! (cd "$dir" && apt-get download "$pkg") >>"$OUT/logs/apt.log" 2>&1; then
			apt-get update -qq >>"$OUT/logs/apt.log" 2>&1
			(cd "$dir" && apt-get download "$pkg") >>"$OUT/logs/apt.log" 2>&1 || return 1
		fi
		dpkg-deb -x "$(peer_deb "$s")" "$dir/root" || return 1
	fi
	if ldd "$bin" | grep -q 'not found'; then
		libs=$(apt-cache depends --important "$pkg" | awk '$1 ~ /Depends:$/ && $2 ~ /^lib/ {print $2}')
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $libs \
			>>"$OUT/logs/apt.log" 2>&1
	fi
	! ldd "$bin" | grep -q 'not found'
}

# ---- files, in tmpfs so every read comes from the page cache ---------------

WORK=$(mktemp -d /dev/shm/pxbench.XXXXXX) || die "no /dev/shm"
ROOT=$WORK/root
mkdir -p "$ROOT"
"$TL" mkfile "$ROOT/big" "$BIG" 1 &&
	"$TL" mkfile "$ROOT/storm" "$STORM_SIZE" 2 &&
	"$TL" mkfile "$ROOT/small" "$SEQ_SIZE" 3 || die "cannot write test files"
chmod 755 "$WORK" "$ROOT"
chmod 644 "$ROOT"/*
bytes_of() { stat -c %s "$ROOT/$1"; }
BIG_B=$(bytes_of big) STORM_B=$(bytes_of storm) SEQ_B=$(bytes_of small)

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# ---- namespaces, cgroups, servers -------------------------------------------

mk_ns() {
	local ns=$1
	ip netns add "$ns" || return 1
	NSLIST+=("$ns")
	ip -n "$ns" link set lo up || return 1
	# tftpd-hpa resolves -a with getaddrinfo(AI_ADDRCONFIG), which fails when
	# the only configured address is on lo: give the namespace a veth pair
	ip -n "$ns" link add pxbv0 type veth peer name pxbv1 &&
		ip -n "$ns" addr add 10.254.254.1/30 dev pxbv0 &&
		ip -n "$ns" link set pxbv0 up && ip -n "$ns" link set pxbv1 up
}

# server CPU: a cgroup v2 per server (usage_usec counts every thread and
# every child, even children reaped by the kernel: tftpd-hpa ignores SIGCHLD,
# so its children's time never reaches its cutime); without cgroup v2, the
# utime+stime+cutime+cstime of the server's process tree from /proc
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
cpu_us() {
	local s=$1 cg=${CG[$1]:-}
	if [ -n "$cg" ]; then
		awk '$1 == "usage_usec" { print $2 }' "$cg/cpu.stat"
	else
		"$TL" cpu "${PID[$s]}" | awk '{ split($1, a, "="); split($3, h, "="); printf "%.0f\n", a[2] * 1e6 / h[2] }'
	fi
}
CPU_METHOD="/proc utime+stime+cutime+cstime of the process tree"

server_cmd() {
	local s=$1
	case $s in
	pxe-tftpd) echo "$BUILD/tftpd/pxe-tftpd -f -l -a 127.0.0.1:69 -s $ROOT -u nobody $PXE_ARGS" ;;
	tftpd-hpa) echo "$(peer_bin tftpd-hpa) -L -a 127.0.0.1:69 -s $ROOT -u nobody" ;;
	atftpd) echo "$(peer_bin atftpd) --daemon --no-fork --bind-address 127.0.0.1 --port 69 --maxthread 4000 --tftpd-timeout 0 --user nobody.nogroup --logfile /dev/null --verbose=1 $ROOT" ;;
	dnsmasq) echo "$(peer_bin dnsmasq) --keep-in-foreground --conf-file=/dev/null --port=0 --enable-tftp --tftp-root=$ROOT --listen-address=127.0.0.1 --bind-interfaces --tftp-max=4000 --quiet-tftp --log-facility=/dev/null --user=nobody --group=nogroup --pid-file=" ;;
	esac
}

# start_server SERVER: in its namespace (made on the first start), in its cgroup
start_server() {
	local s=$1 ns cg cmd i
	ns=pxb$$-$(echo "$s" | tr -cd 'a-z0-9' | cut -c1-6)
	if [ -z "${NS[$s]:-}" ]; then
		NS[$s]=$ns
		mk_ns "$ns" || { say "$s: cannot create namespace $ns"; return 1; }
	fi
	cmd=$(server_cmd "$s")
	echo "$s: ip netns exec $ns $cmd" >>"$OUT/logs/commands.txt"
	# shellcheck disable=SC2086
	ip netns exec "$ns" $cmd >>"$OUT/logs/$s.log" 2>&1 &
	PID[$s]=$!
	disown	# its death is noted in the report, not by the shell
	cg="$CG2/pxbench-$$-${ns##*-}"
	if [ -n "$CG2" ] && { [ -d "$cg" ] || { mkdir "$cg" 2>/dev/null && CGLIST+=("$cg"); }; }; then
		if echo "${PID[$s]}" >"$cg/cgroup.procs" 2>/dev/null; then
			CG[$s]=$cg
			CPU_METHOD="cgroup v2 cpu.stat usage_usec (every thread and child of the server)"
		fi
	fi
	for i in $(seq 50); do
		kill -0 "${PID[$s]}" 2>/dev/null || break
		if ip netns exec "$ns" ss -Hlun 'sport = :69' | grep -q .; then
			IDLE_THREADS[$s]=$(nthreads "$s")
			return 0
		fi
		sleep 0.1
	done
	say "$s did not start: see $OUT/logs/$s.log"
	return 1
}
alive() { [ -n "${PID[$1]:-}" ] && kill -0 "${PID[$1]}" 2>/dev/null; }

server_pids() {
	if [ -n "${CG[$1]:-}" ]; then cat "${CG[$1]}/cgroup.procs"; else echo "${PID[$1]}"; fi
}
pin_server() {
	local p
	for p in $(server_pids "$1"); do taskset -a -p -c "$2" "$p" >/dev/null 2>&1; done
}
nthreads() { awk '/^Threads:/ { print $2 }' "/proc/${PID[$1]}/status" 2>/dev/null; }
nprocs() { server_pids "$1" | wc -l; }
# wait (at most 5 s) until the server is back to its idle shape: forked
# children gone, transfer threads gone, so all its CPU time is counted
quiesce() {
	local s=$1 i
	for i in $(seq 50); do
		alive "$s" || return 0
		[ "$(nprocs "$s")" -le 1 ] && [ "$(nthreads "$s")" -le "${IDLE_THREADS[$s]}" ] && return 0
		sleep 0.1
	done
}

# ---- recording ---------------------------------------------------------------

rec() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$RAW"; }
# rec_kv REP SERVER ROW "k=v k=v ..."
rec_kv() {
	local kv
	for kv in $4; do
		case $kv in *=*) rec "$1" "$2" "$3" "${kv%%=*}" "${kv#*=}" ;; esac
	done
}
kv() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2; exit }'; }

# pingpong SIZE [REPLY]: round trips per second in the ping-pong namespace,
# pinned like the single-client rows
pingpong() {
	ip netns exec "$PP_NS" "$BIN/pingpong" -s "$1" ${2:+-r $2} -t $PP_SECS $PP_PIN
}
# the ceiling for blksize B: the ping-pong's round trips/s of B+4-byte
# datagrams, each carrying B bytes of file, as a TFTP DATA would
pp_file_MBps() {
	awk -v rt="$(kv "$1" roundtrips)" -v s="$(kv "$1" secs)" -v b=$(($2 - 4)) \
		'BEGIN { if (s > 0) printf "%.3f", rt / s * b / 1e6 }'
}
# informational: the same with 4-byte answers, the shape of DATA and ACK
ceiling_rows() {
	local rep=$1 size out
	for size in 516 1472; do
		out=$(pingpong $size 4)
		rec_kv "$rep" ceiling "pp${size}ack" "$out"
		rec "$rep" ceiling "pp${size}ack" file_MBps "$(pp_file_MBps "$out" $size)"
	done
}

# run_row REP SERVER ROW: one measurement, recorded in $RAW
run_row() {
	local rep=$1 s=$2 row=$3 ns=${NS[$2]} args file bytes lim pinned=1 out rc c0 c1 hp f mem
	case $row in
	l512) args="-b 512 -t -B get big" bytes=$BIG_B lim=120 ;;
	l1468) args="-b 1468 -t -B get big" bytes=$BIG_B lim=120 ;;
	w512) args="-b 512 -w 16 -t -B -W get big" bytes=$BIG_B lim=120 ;;
	w1468) args="-b 1468 -w 16 -t -B -W get big" bytes=$BIG_B lim=120 ;;
	seq) args="-b 1468 -t seq $SEQ_N small" bytes=$((SEQ_B * SEQ_N)) lim=120 ;;
	storm) args="-b 1468 -t storm $STORM_N storm" bytes=$((STORM_B * STORM_N)) lim=180 pinned=0 ;;
	hold) pinned=0 ;;
	esac
	case $row in
	l*|w*) file=big ;; seq) file=small ;; *) file=storm ;;
	esac
	local cpus=$ALL_CPUS ccpus=$ALL_CPUS
	[ $pinned = 1 ] && cpus=$SRV_CPU ccpus=$CLI_CPU
	pin_server "$s" "$cpus"
	quiesce "$s"
	local seed size
	case $file in big) seed=1 size=$BIG_B ;; storm) seed=2 size=$STORM_B ;; small) seed=3 size=$SEQ_B ;; esac

	if [ "$row" = hold ]; then
		f=$OUT/logs/hold.$s.$rep
		timeout -k 5 90 ip netns exec "$ns" taskset -c "$ccpus" "$TL" -c 2 -S "$STORM_B" -b 1468 \
			-d $HOLD_SECS -L 80 hold $HOLD_N storm >"$f" 2> >(sed "s/^/rep $rep $s $row: /" >>"$OUT/logs/client.log") &
		hp=$!
		BGPIDS+=("$hp")
		for _ in $(seq 400); do
			grep -q '^READY' "$f" && break
			kill -0 $hp 2>/dev/null || break
			sleep 0.1
		done
		sleep 1
		mem=$("$TL" mem "${PID[$s]}" 2>/dev/null)
		wait $hp
		rc=$?
		rec_kv "$rep" "$s" hold "$(sed -n 's/^READY //p' "$f")"
		rec_kv "$rep" "$s" hold "$mem"
		rec "$rep" "$s" hold rc $rc
		quiesce "$s"
		return
	fi

	# the ceiling of a lock-step row: ping-pongs right before and after it
	# (other tenants' load moves from minute to minute)
	local ppsize=0 pp1 pp2
	case $row in l512) ppsize=516 ;; l1468) ppsize=1472 ;; esac
	[ $ppsize != 0 ] && pp1=$(pingpong $ppsize)

	c0=$(cpu_us "$s")
	# shellcheck disable=SC2086
	out=$(timeout -k 5 $((lim + 10)) ip netns exec "$ns" taskset -c "$ccpus" "$TL" -c $seed -S $size -L $lim $args \
		2> >(sed "s/^/rep $rep $s $row: /" >>"$OUT/logs/client.log"))
	rc=$?
	quiesce "$s"
	c1=$(cpu_us "$s")
	rec_kv "$rep" "$s" "$row" "$out"
	rec "$rep" "$s" "$row" rc $rc
	local ceil=
	if [ $ppsize != 0 ]; then
		pp2=$(pingpong $ppsize)
		ceil=$(awk -v a="$(pp_file_MBps "$pp1" $ppsize)" -v b="$(pp_file_MBps "$pp2" $ppsize)" \
			'BEGIN { if (a > 0 && b > 0) printf "%.3f", (a + b) / 2 }')
		rec_kv "$rep" ceiling "pp$ppsize" "$pp1"
		rec_kv "$rep" ceiling "pp$ppsize" "$pp2"
		rec "$rep" ceiling "pp$ppsize" file_MBps "$(pp_file_MBps "$pp1" $ppsize)"
		rec "$rep" ceiling "pp$ppsize" file_MBps "$(pp_file_MBps "$pp2" $ppsize)"
	fi
	[ $rc = 0 ] || { echo "rep $rep $s $row: rc=$rc $out" >>"$OUT/logs/client.log"; return; }
	rec "$rep" "$s" "$row" cpu_ms_per_mib "$(awk -v c=$((c1 - c0)) -v b="$bytes" 'BEGIN { printf "%.3f", c / 1000 / (b / 1048576) }')"
	if [ -n "$ceil" ]; then
		rec "$rep" "$s" "$row" ceiling_MBps "$ceil"
		rec "$rep" "$s" "$row" pct_ceiling "$(awk -v m="$(kv "$out" MBps)" -v c="$ceil" 'BEGIN { printf "%.1f", 100 * m / c }')"
	fi
}

# ---- the run -----------------------------------------------------------------

START=$(date +%s)
{
	echo "command: $CMDLINE"
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  host: $(uname -r), $NCPU CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "pin: $PIN (single-client rows: server CPU $SRV_CPU, client CPU $CLI_CPU; storm/hold unpinned)"
	echo "reps: $REPS; files in tmpfs: big $BIG_B B, storm $STORM_B B, small $SEQ_B B"
} >"$OUT/header.txt"

PP_NS=pxb$$-pp
mk_ns "$PP_NS" || die "cannot create network namespaces"
case $PIN in cross) PP_PIN="-c 1,0" ;; same) PP_PIN="-c 0,0" ;; none) PP_PIN= ;; esac

declare -A IDLE_THREADS VERSION
LIVE=()
for s in $SERVERS; do
	case $s in
	pxe-tftpd)
		if [ ! -x "$BUILD/tftpd/pxe-tftpd" ]; then
			say "pxe-tftpd: no $BUILD/tftpd/pxe-tftpd (--build DIR): its rows are n/a"
			echo "server pxe-tftpd: n/a (no $BUILD/tftpd/pxe-tftpd)" >>"$OUT/header.txt"
			continue
		fi
		VERSION[$s]="$("$BUILD/tftpd/pxe-tftpd" -V 2>&1 | head -1), $BUILD/tftpd/pxe-tftpd" ;;
	tftpd-hpa|atftpd|dnsmasq)
		fetch_peer "$s" || { say "$s: cannot fetch $(peer_pkg "$s"), see $OUT/logs/apt.log"; continue; }
		deb=$(peer_deb "$s")
		VERSION[$s]="$(peer_pkg "$s") $([ -n "$deb" ] && dpkg-deb -f "$deb" Version), $(peer_bin "$s")" ;;
	*) die "unknown server $s" ;;
	esac
	if ! start_server "$s"; then
		echo "server $s: n/a (did not start, see logs/$s.log)" >>"$OUT/header.txt"
		continue
	fi
	LIVE+=("$s")
	echo "server $s: ${VERSION[$s]}" >>"$OUT/header.txt"
done
[ ${#LIVE[@]} -gt 0 ] || die "no server started"
echo "server CPU: $CPU_METHOD" >>"$OUT/header.txt"
cat "$OUT/header.txt" >&2

# one row for every server; a server that died is started again first (and
# the row where it died is marked)
row_all() {
	local rep=$1 row=$2 s order=() n i
	n=${#LIVE[@]}
	# rotate the server order each rep
	for i in $(seq 0 $((n - 1))); do order+=("${LIVE[$(((i + rep - 1) % n))]}"); done
	say "rep $rep/$REPS: $row ($(($(date +%s) - START)) s)"
	if [ "$row" = ceiling ]; then
		ceiling_rows "$rep"
		return
	fi
	for s in "${order[@]}"; do
		if ! alive "$s"; then
			echo "rep $rep before $row: restarting $s" >>"$OUT/logs/restarts.txt"
			start_server "$s" || { rec "$rep" "$s" "$row" rc dead; continue; }
		fi
		run_row "$rep" "$s" "$row"
		if ! alive "$s"; then
			rec "$rep" "$s" "$row" died 1
			echo "rep $rep: $s died in row $row: $(tail -1 "$OUT/logs/$s.log")" >>"$OUT/logs/restarts.txt"
		fi
	done
}

# every rep runs every row; the hold rows (1,000 open transfers: a server may
# not survive them) come after all the others
for rep in $(seq "$REPS"); do
	for row in $ROWS; do
		[ "$row" = hold ] || row_all "$rep" "$row"
	done
done
case " $ROWS " in *" hold "*)
	for rep in $(seq "$REPS"); do row_all "$rep" hold; done ;;
esac
echo "run time: $(($(date +%s) - START)) s" >>"$OUT/header.txt"

[ -s "$OUT/logs/restarts.txt" ] && sed 's/^/note: /' "$OUT/logs/restarts.txt" >>"$OUT/header.txt"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/header.txt"

{
	cat "$OUT/header.txt"
	echo
	awk -v servers="$SERVERS" -v storm_n=$STORM_N -v seq_n=$SEQ_N -v hold_n=$HOLD_N \
		-v big="$BIG" -v storm_size="$STORM_SIZE" -v seq_size="$SEQ_SIZE" \
		-f "$HERE/../stats.awk" -f "$HERE/report.awk" "$RAW"
} | tee "$OUT/report.txt"
echo "raw results: $RAW; logs: $OUT/logs" >&2
