#!/usr/bin/env bash
# bench/nfs/run.sh: pxe-nfsd side by side with nfs-ganesha (VFS FSAL), both
# serving the same export over NFS v3 to libnfs's nfs-cat and nfs-ls, in one
# run.  See bench/README.md.
#
# Each server runs in its own network namespace, beside its own rpcbind
# (in a private mount namespace with a tmpfs /run, so it is not the host's);
# the clients run in the same namespace and talk to 127.0.0.1.  Each rep
# measures every row for every server (server order rotated each rep); the
# report gives the median with the spread [min-max], pxe-nfsd's ratio to
# ganesha, and the issue's targets.  Not a test: `make check` never runs it.
#
# Run as root:  bench/nfs/run.sh [options]     (bench/nfs/run.sh -h)
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

BUILD=${BUILD:-$REPO/build}
SERVERS=${SERVERS:-"pxe-nfsd ganesha"}
REPS=${REPS:-3}
OUT=${OUT:-/var/tmp/pxesuite-bench-nfs-$(date +%Y%m%d-%H%M%S)}
BIG=${BIG:-1024}		# MiB, the file read whole
DIRS=${DIRS:-100} FILES=${FILES:-100}	# the tree nfs-ls -R lists
LS_RUNS=${LS_RUNS:-5}		# warm listings per rep
HOLD_N=${HOLD_N:-1000} HOLD_SECS=${HOLD_SECS:-60} HOLD_REPS=${HOLD_REPS:-3}
GANESHA=${GANESHA:-/usr/bin/ganesha.nfsd}
PIN=${PIN:-cross}

usage() {
	cat <<EOF
usage: $0 [options]
  --build DIR      pxe-nfsd is DIR/nfsd/pxe-nfsd (default \$BUILD or $REPO/build)
  --servers LIST   servers to run, in quotes (default "$SERVERS")
  --reps N         repetitions of every row (default $REPS)
  --big MIB        size of the file read whole (default $BIG)
  --hold N SECS    idle TCP connections and how long they are held (default $HOLD_N $HOLD_SECS)
  --hold-reps N    repetitions of the hold, after all the other reps (default $HOLD_REPS)
  --pin MODE       cross: every server thread on CPU 1, the clients on CPU 0
                   (default); none: where the scheduler puts them
  --out DIR        raw results, logs and report (default /var/tmp/pxesuite-bench-nfs-DATE)
  --quick          64 MiB, a tree of 10 x 100, 100 connections for 5 s, one rep:
                   a smoke test of the script (~1 min)
Environment: the same names in capitals (BUILD, SERVERS, REPS, BIG, PIN, OUT,
HOLD_N, HOLD_SECS, HOLD_REPS), and DIRS, FILES, LS_RUNS, GANESHA.
EOF
	exit 2
}

CMDLINE="$0 $*"
while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=$2; shift ;;
	--servers) SERVERS=$2; shift ;;
	--reps) REPS=$2; shift ;;
	--big) BIG=$2; shift ;;
	--hold) HOLD_N=$2 HOLD_SECS=$3; shift 2 ;;
	--hold-reps) HOLD_REPS=$2; shift ;;
	--pin) PIN=$2; shift ;;
	--out) OUT=$2; shift ;;
	--quick) BIG=64 DIRS=10 HOLD_N=100 HOLD_SECS=5 REPS=1 HOLD_REPS=1 LS_RUNS=3 ;;
	-h|--help) usage ;;
	*) echo "unknown option $1" >&2; usage ;;
	esac
	shift
done

die() { echo "run.sh: $*" >&2; exit 1; }
say() { echo "== $*" >&2; }

[ "$(id -u)" = 0 ] || die "run as root (network and mount namespaces)"
for t in ip unshare nsenter rpcbind nfs-cat nfs-ls cc timeout awk ss taskset; do
	command -v $t >/dev/null || die "$t is missing (packages: iproute2 util-linux rpcbind libnfs-utils gcc)"
done

# Pinning: on loopback the kernel's TCP work for a segment runs on the
# sender's CPU or on the receiver's depending on where the scheduler put
# them, so unpinned, the server's CPU per MiB moves by 2x from one read to
# the next.  Server threads inherit the CPU set of the process that made them.
case $PIN in
cross) [ "$(nproc)" -ge 2 ] || { say "one CPU: --pin none"; PIN=none; } ;;
none) ;;
*) usage ;;
esac
if [ "$PIN" = cross ]; then SRV_CPUS=1 CLI_CPUS=0; else SRV_CPUS=0-$(($(nproc) - 1)) CLI_CPUS=$SRV_CPUS; fi

mkdir -p "$OUT/logs" || die "cannot create $OUT"
RAW=$OUT/raw.tsv
: >"$RAW"

# ---- cleanup: only what this script started ---------------------------------

declare -A PID RPCB NS CG
NSLIST=() BGPIDS=() CGLIST=()
WORK=
stop_pid() {	# TERM, up to 10 s, then KILL
	local p=$1 i
	kill "$p" 2>/dev/null || return 0
	for i in $(seq 100); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$p" 2>/dev/null
	wait "$p" 2>/dev/null
}
cleanup() {
	local p s ns cg
	for p in "${BGPIDS[@]}"; do kill "$p" 2>/dev/null; done
	for s in "${!PID[@]}"; do stop_pid "${PID[$s]}"; done
	for s in "${!RPCB[@]}"; do stop_pid "${RPCB[$s]}"; done
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

# ---- the export: in tmpfs, so every read comes from memory -------------------

cc -O2 -Wall -o "$OUT/idleconn" "$HERE/idleconn.c" || die "idleconn.c does not build"
WORK=$(mktemp -d /dev/shm/pxbnfs.XXXXXX) || die "no /dev/shm"
chmod 755 "$WORK"
EXPORT=$WORK/export
mkdir -p "$EXPORT/tree"
say "writing a $BIG MiB file and a tree of $DIRS x $FILES files in $EXPORT"
head -c "${BIG}M" /dev/urandom >"$EXPORT/big" || die "cannot write $EXPORT/big"
BIG_B=$(stat -c %s "$EXPORT/big")
for d in $(seq -f %03g 0 $((DIRS - 1))); do
	mkdir "$EXPORT/tree/d$d"
	# the names of the issue's test: file-NNN- and 0 to 39 x's
	(cd "$EXPORT/tree/d$d" && for i in $(seq 0 $((FILES - 1))); do
		printf 'file-%03d-%s\0' "$i" "$(printf '%*s' $((i % 40)) '' | tr ' ' x)"
	done | xargs -0 touch)
done
chmod -R a+rX "$EXPORT"
LS_LINES=$((DIRS * FILES + DIRS))	# nfs-ls -R prints every file and directory
BIG_URL_PATH=$EXPORT/big TREE_URL_PATH=$EXPORT/tree

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# ---- servers -------------------------------------------------------------------

conf_server() {
	local s=$1 dir=$WORK/$1
	mkdir -p "$dir"
	case $s in
	pxe-nfsd)
		cat >"$dir/pxesuite.ini" <<-EOF
		[global]
		log = stderr

		[nfsd]
		pidfile = $dir/pxe-nfsd.pid
		state_dir = $dir/state
		mount_port = 20048

		[export $EXPORT]
		clients = *
		options = ro,insecure,no_root_squash
		EOF
		;;
	ganesha)
		mkdir -p "$dir/recovery"
		cat >"$dir/ganesha.conf" <<-EOF
		NFS_CORE_PARAM {
			Protocols = 3;
			NFS_Port = 2049;
			MNT_Port = 20048;
			Enable_NLM = false;
			Enable_RQUOTA = false;
			mount_path_pseudo = true;
			Plugins_Dir = /usr/lib/x86_64-linux-gnu/ganesha;
		}
		NFSV4 {
			Graceless = true;
			RecoveryRoot = $dir/recovery;
		}
		NFS_KRB5 { Active_krb5 = false; }
		EXPORT {
			Export_Id = 1;
			Path = $EXPORT;
			Pseudo = $EXPORT;
			Access_Type = RO;
			Squash = No_Root_Squash;
			Protocols = 3;
			Transports = TCP;
			SecType = sys;
			FSAL { Name = VFS; }
		}
		EOF
		;;
	esac
}

server_cmd() {
	local dir=$WORK/$1
	case $1 in
	pxe-nfsd) echo "$BUILD/nfsd/pxe-nfsd -f -C $dir/pxesuite.ini" ;;
	ganesha) echo "$GANESHA -F -f $dir/ganesha.conf -L $dir/ganesha.log -p $dir/ganesha.pid -N NIV_EVENT" ;;
	esac
}

# the namespace and its rpcbind, made once per server: rpcbind gets a
# private mount namespace with a tmpfs /run, so its socket is not the host's
start_rpcbind() {
	local s=$1 ns i
	ns=pxbn$$-$(echo "$s" | tr -cd 'a-z' | cut -c1-4)
	ip netns add "$ns" || return 1
	NSLIST+=("$ns")
	NS[$s]=$ns
	ip -n "$ns" link set lo up || return 1
	ip netns exec "$ns" unshare -m --propagation private sh -c \
		'mount -t tmpfs -o mode=0755 tmpfs /run && exec rpcbind -f' \
		>>"$OUT/logs/rpcbind-$s.log" 2>&1 &
	RPCB[$s]=$!
	disown
	for i in $(seq 100); do
		[ -S "/proc/${RPCB[$s]}/root/run/rpcbind.sock" ] && return 0
		kill -0 "${RPCB[$s]}" 2>/dev/null || break
		sleep 0.1
	done
	say "$s: rpcbind did not start, see $OUT/logs/rpcbind-$s.log"
	return 1
}

HZ=$(getconf CLK_TCK)
# a cgroup v2 per server, for its CPU time (see cpu_us)
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
CPU_METHOD="utime+stime of /proc/PID/stat (1/$HZ s ticks)"
cg_join() {
	local s=$1 cg
	[ -n "$CG2" ] || return 0
	cg=$CG2/pxbench-nfs-$$-$s
	if [ ! -d "$cg" ]; then
		mkdir "$cg" 2>/dev/null || return 0
		CGLIST+=("$cg")
	fi
	if echo "${PID[$s]}" >"$cg/cgroup.procs" 2>/dev/null; then
		CG[$s]=$cg
		CPU_METHOD="cgroup v2 cpu.stat usage_usec of the server's own cgroup"
	fi
}
in_ns() { ip netns exec "${NS[$1]}" "${@:2}"; }
client() { ip netns exec "${NS[$1]}" taskset -c "$CLI_CPUS" "${@:2}"; }
url() { echo "nfs://127.0.0.1$1"; }

# start_server SERVER: in its rpcbind's network and mount namespaces; ready
# when nfs-ls of the export answers (ganesha takes a few seconds)
start_server() {
	local s=$1 cmd i
	cmd=$(server_cmd "$s")
	echo "$s: taskset -c $SRV_CPUS nsenter -t RPCBIND -m -n $cmd" >>"$OUT/logs/commands.txt"
	echo "---- start $(date -u +%H:%M:%S)" >>"$OUT/logs/$s.log"
	# shellcheck disable=SC2086
	taskset -c "$SRV_CPUS" nsenter -t "${RPCB[$s]}" -m -n $cmd >>"$OUT/logs/$s.log" 2>&1 &
	PID[$s]=$!
	disown
	cg_join "$s"
	for i in $(seq 300); do
		kill -0 "${PID[$s]}" 2>/dev/null || break
		if in_ns "$s" ss -Hltn 'sport = :2049' | grep -q . &&
			in_ns "$s" timeout 5 nfs-ls "$(url "$EXPORT")" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	say "$s did not start: see $OUT/logs/$s.log"
	return 1
}
restart_server() {
	stop_pid "${PID[$1]}"
	start_server "$1"
}
alive() { [ -n "${PID[$1]:-}" ] && kill -0 "${PID[$1]}" 2>/dev/null; }

# ---- measuring -------------------------------------------------------------------

rec() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$RAW"; }
# the server's CPU in microseconds: its cgroup v2 cpu.stat usage_usec (every
# thread, even one that has exited, to the microsecond); without cgroup v2,
# utime + stime of /proc/PID/stat (1/HZ s ticks)
cpu_us() {
	if [ -n "${CG[$1]:-}" ]; then
		awk '$1 == "usage_usec" { print $2 }' "${CG[$1]}/cpu.stat"
	else
		awk -v hz="$HZ" '{ printf "%.0f\n", ($14 + $15) * 1e6 / hz }' "/proc/${PID[$1]}/stat" 2>/dev/null
	fi
}
# CPU seconds of this shell's waited-for children (every client run so far):
# `times` must run in this shell, not in a $(...) subshell, hence the file
client_cpu_to() {	# client_cpu_to VAR
	times >"$OUT/.times"
	printf -v "$1" '%s' "$(awk 'NR == 2 {
		for (i = 1; i <= 2; i++) { split($i, t, "m"); s += t[1] * 60 + t[2] }
		printf "%.3f", s }' "$OUT/.times")"
}
# the machine's busy and total ticks (all CPUs), from /proc/stat
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }
# VmRSS, VmHWM and PSS in kB
mem_kb() {
	local p=${PID[$1]}
	awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { printf "%s %s", r, h }' "/proc/$p/status" 2>/dev/null
	awk '/^Pss:/ { printf " %s\n", $2 }' "/proc/$p/smaps_rollup" 2>/dev/null
}
rec_mem() {	# rec_mem REP SERVER ROW PREFIX
	local m
	m=$(mem_kb "$2")
	set -- "$1" "$2" "$3" "$4" $m
	rec "$1" "$2" "$3" "${4}rss_kb" "${5:-}"
	rec "$1" "$2" "$3" "${4}hwm_kb" "${6:-}"
	rec "$1" "$2" "$3" "${4}pss_kb" "${7:-}"
}
# raw_get REP SERVER ROW KEY1 KEY2: KEY1 - KEY2 as recorded in this rep
raw_get() {
	awk -F'\t' -v r="$1" -v s="$2" -v w="$3" -v a="$4" -v b="$5" \
		'$1 == r && $2 == s && $3 == w { v[$4] = $5 } END { if ((a in v) && (b in v)) print v[a] - v[b] }' "$RAW"
}
now_ns() { date +%s%N; }
# the other tenants: the machine's busy CPU over 1 s while nothing of this
# run works (before each row), in % of one CPU
others_pct() {
	local m0 m1
	m0=$(machine_ticks)
	sleep 1
	m1=$(machine_ticks)
	awk -v m0="$m0" -v m1="$m1" 'BEGIN { split(m0, a, " "); split(m1, b, " ")
		if (b[2] > a[2]) printf "%.1f", 100 * '"$(nproc)"' * (b[1] - a[1]) / (b[2] - a[2]) }'
}

# row read: on a server started afresh (what earlier rows left in its
# caches would change its memory), nfs-cat of the big file into wc -c, the
# server's memory sampled mid-read
row_read() {
	local rep=$1 s=$2 c0 c1 t0 t1 u0 u1 f=$OUT/logs/read.$s.$rep p bytes ucpu
	restart_server "$s" || { rec "$rep" "$s" read failed 1; return; }
	client_cpu_to u0
	c0=$(cpu_us "$s") t0=$(now_ns)
	client "$s" timeout 300 sh -c "nfs-cat '$(url "$BIG_URL_PATH")' | wc -c" >"$f" 2>&1 &
	p=$!
	BGPIDS+=("$p")
	sleep 0.3
	rec_mem "$rep" "$s" read ""
	wait $p
	t1=$(now_ns) c1=$(cpu_us "$s")
	client_cpu_to u1
	bytes=$(awk '/^[0-9]+$/ { print }' "$f")
	ucpu=$(awk -v a="$u0" -v b="$u1" 'BEGIN { print b - a }')
	if [ "$bytes" != "$BIG_B" ]; then
		rec "$rep" "$s" read failed 1
		echo "rep $rep $s read: got '${bytes}' bytes of $BIG_B: $(tail -3 "$f")" >>"$OUT/logs/notes.txt"
		return
	fi
	rec "$rep" "$s" read MiBps "$(awk -v b="$BIG_B" -v w=$((t1 - t0)) 'BEGIN { printf "%.1f", b / 1048576 / (w / 1e9) }')"
	rec "$rep" "$s" read cpu_ms_per_mib "$(awk -v c=$((c1 - c0)) -v b="$BIG_B" 'BEGIN { printf "%.4f", c / 1000 / (b / 1048576) }')"
	rec "$rep" "$s" read client_cpu_pct "$(awk -v u="$ucpu" -v w=$((t1 - t0)) 'BEGIN { printf "%.1f", 100 * u / (w / 1e9) }')"
	rec "$rep" "$s" read server_cpu_pct "$(awk -v c=$((c1 - c0)) -v w=$((t1 - t0)) 'BEGIN { printf "%.1f", 100 * c / 1e6 / (w / 1e9) }')"
}

# one timed nfs-ls -R of the tree; prints "ms lines" or fails
ls_once() {
	local s=$1 t0 t1 n
	t0=$(now_ns)
	n=$(client "$s" timeout 60 nfs-ls -R "$(url "$TREE_URL_PATH")" 2>>"$OUT/logs/client.log" | wc -l)
	t1=$(now_ns)
	echo "$(awk -v w=$((t1 - t0)) 'BEGIN { printf "%.2f", w / 1e6 }') $n"
}
# rec_listing REP SERVER ROW "MS LINES": the listing's time, or a failure
# when it did not print every file and directory
rec_listing() {
	set -- "$1" "$2" "$3" $4
	if [ "${5:-}" != "$LS_LINES" ]; then
		rec "$1" "$2" "$3" failed 1
		echo "rep $1 $2 $3: ${5:-no} lines, not $LS_LINES" >>"$OUT/logs/notes.txt"
		return 1
	fi
	rec "$1" "$2" "$3" ms "$4"
}
# row ls: LS_RUNS listings one after the other, after one that warms the caches
row_ls() {
	local rep=$1 s=$2 i c0 c1 t0 t1 u0 u1
	ls_once "$s" >/dev/null
	client_cpu_to u0
	c0=$(cpu_us "$s") t0=$(now_ns)
	for i in $(seq "$LS_RUNS"); do
		rec_listing "$rep" "$s" ls "$(ls_once "$s")"
	done
	t1=$(now_ns) c1=$(cpu_us "$s")
	client_cpu_to u1
	rec "$rep" "$s" ls cpu_ms_per_ls "$(awk -v c=$((c1 - c0)) -v n="$LS_RUNS" 'BEGIN { printf "%.2f", c / 1000 / n }')"
	rec "$rep" "$s" ls client_cpu_ms_per_ls "$(awk -v a="$u0" -v b="$u1" -v n="$LS_RUNS" 'BEGIN { printf "%.2f", (b - a) * 1000 / n }')"
	rec_mem "$rep" "$s" ls ""
}
# row cold: the first listing after the server started again (its caches
# empty; the export is in tmpfs, so the kernel's page and inode caches stay warm)
row_cold() {
	local rep=$1 s=$2 out c0 c1
	restart_server "$s" || { rec "$rep" "$s" cold failed 1; return; }
	rec_mem "$rep" "$s" cold fresh_
	c0=$(cpu_us "$s")
	out=$(ls_once "$s")
	c1=$(cpu_us "$s")
	rec_listing "$rep" "$s" cold "$out" || return
	rec "$rep" "$s" cold cpu_ms_per_ls "$(awk -v c=$((c1 - c0)) 'BEGIN { printf "%.2f", c / 1000 }')"
}
# row hold: HOLD_N connections, a NULL call on each, held HOLD_SECS; the
# server's CPU is counted from 1 s after they are all open to 1 s before the
# client's last NULL calls (HOLD_SECS - 2 s of pure idling)
row_hold() {
	local rep=$1 s=$2 f=$OUT/logs/hold.$s.$rep p c0 c1 c2 i kv t1
	# afresh: memory a previous hold freed stays in the heap, and would be
	# reused rather than added
	restart_server "$s" || { rec "$rep" "$s" hold failed 1; return; }
	rec_mem "$rep" "$s" hold before_
	c0=$(cpu_us "$s")
	client "$s" timeout $((HOLD_SECS + 90)) "$OUT/idleconn" -n "$HOLD_N" -s "$HOLD_SECS" >"$f" 2>&1 &
	p=$!
	BGPIDS+=("$p")
	for i in $(seq 600); do
		grep -q '^READY' "$f" && break
		kill -0 $p 2>/dev/null || break
		sleep 0.1
	done
	t1=$(date +%s)
	sleep 1		# connections set up; what they cost is now in place
	c1=$(cpu_us "$s")
	rec_mem "$rep" "$s" hold open_
	rec "$rep" "$s" hold added_rss_kb "$(raw_get "$rep" "$s" hold open_rss_kb before_rss_kb)"
	rec "$rep" "$s" hold added_pss_kb "$(raw_get "$rep" "$s" hold open_pss_kb before_pss_kb)"
	sleep $((t1 + HOLD_SECS - 1 - $(date +%s)))
	c2=$(cpu_us "$s")
	wait $p
	for kv in $(sed -n 's/^READY //p' "$f"); do rec "$rep" "$s" hold "ready_${kv%%=*}" "${kv#*=}"; done
	for kv in $(sed -n 's/^DONE //p' "$f"); do rec "$rep" "$s" hold "done_${kv%%=*}" "${kv#*=}"; done
	rec "$rep" "$s" hold held_secs $((HOLD_SECS - 2))
	rec "$rep" "$s" hold setup_cpu_ms "$(awk -v c=$((c1 - c0)) 'BEGIN { printf "%.2f", c / 1000 }')"
	rec "$rep" "$s" hold hold_cpu_ms "$(awk -v c=$((c2 - c1)) 'BEGIN { printf "%.2f", c / 1000 }')"
	rec_mem "$rep" "$s" hold after_
}

# ---- the run -------------------------------------------------------------------------

START=$(date +%s)
{
	echo "command: $CMDLINE"
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  host: $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "reps: $REPS ($HOLD_REPS of the hold); export in tmpfs: big $BIG_B B, tree $DIRS dirs x $FILES files; $LS_RUNS warm listings a rep; hold $HOLD_N connections $HOLD_SECS s"
	echo "pin: $PIN (server threads on CPU $SRV_CPUS, clients on CPU $CLI_CPUS)"
	echo "client: libnfs-utils $(dpkg-query -W -f '${Version}' libnfs-utils 2>/dev/null) (nfs-cat, nfs-ls), NFS v3 over TCP to 127.0.0.1 in the server's namespace"
} >"$OUT/header.txt"

LIVE=()
for s in $SERVERS; do
	case $s in
	pxe-nfsd)
		if [ ! -x "$BUILD/nfsd/pxe-nfsd" ]; then
			say "pxe-nfsd: no $BUILD/nfsd/pxe-nfsd (--build DIR): its rows are n/a"
			echo "server pxe-nfsd: n/a (no $BUILD/nfsd/pxe-nfsd)" >>"$OUT/header.txt"
			continue
		fi
		version="$("$BUILD/nfsd/pxe-nfsd" -V 2>&1 | head -1), $BUILD/nfsd/pxe-nfsd" ;;
	ganesha)
		if [ ! -x "$GANESHA" ]; then
			say "ganesha: no $GANESHA (packages nfs-ganesha nfs-ganesha-vfs): its rows are n/a"
			echo "server ganesha: n/a (no $GANESHA)" >>"$OUT/header.txt"
			continue
		fi
		version="nfs-ganesha $(dpkg-query -W -f '${Version}' nfs-ganesha 2>/dev/null), nfs-ganesha-vfs $(dpkg-query -W -f '${Version}' nfs-ganesha-vfs 2>/dev/null), $GANESHA" ;;
	*) die "unknown server $s" ;;
	esac
	conf_server "$s"
	if ! start_rpcbind "$s" || ! start_server "$s"; then
		echo "server $s: n/a (did not start, see logs/$s.log)" >>"$OUT/header.txt"
		continue
	fi
	cp "$WORK/$s"/*.conf "$WORK/$s"/*.ini "$OUT/logs/" 2>/dev/null
	LIVE+=("$s")
	echo "server $s: $version" >>"$OUT/header.txt"
done
[ ${#LIVE[@]} -gt 0 ] || die "no server started"
echo "server CPU: $CPU_METHOD" >>"$OUT/header.txt"
cat "$OUT/header.txt" >&2

# run_all REP ROW: the row for every live server, the order rotated each rep;
# a server found dead is started again first, and that is noted
run_all() {
	local rep=$1 row=$2 n=${#LIVE[@]} i s
	say "rep $rep: $row ($(($(date +%s) - START)) s)"
	for i in $(seq 0 $((n - 1))); do
		s=${LIVE[$(((i + rep - 1) % n))]}
		if ! alive "$s"; then
			echo "rep $rep before $row: $s had died, started again" >>"$OUT/logs/notes.txt"
			start_server "$s" || { rec "$rep" "$s" "$row" failed 1; continue; }
		fi
		rec "$rep" machine "$row" others_pct "$(others_pct)"
		"row_$row" "$rep" "$s"
		alive "$s" || { rec "$rep" "$s" "$row" died 1; echo "rep $rep: $s died in $row" >>"$OUT/logs/notes.txt"; }
	done
}

for rep in $(seq "$REPS"); do
	run_all "$rep" read
	run_all "$rep" ls
	run_all "$rep" cold
done
for rep in $(seq "$HOLD_REPS"); do run_all "$rep" hold; done

echo "run time: $(($(date +%s) - START)) s" >>"$OUT/header.txt"
[ -s "$OUT/logs/notes.txt" ] && sed 's/^/note: /' "$OUT/logs/notes.txt" >>"$OUT/header.txt"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/header.txt"

{
	cat "$OUT/header.txt"
	echo
	awk -v servers="$SERVERS" -v big_mib="$BIG" -v dirs="$DIRS" -v files="$FILES" \
		-v hold_n="$HOLD_N" -v hold_secs="$HOLD_SECS" -v ncpu="$(nproc)" \
		-f "$HERE/../stats.awk" -f "$HERE/report.awk" "$RAW"
} | tee "$OUT/report.txt"
echo "raw results: $RAW; logs: $OUT/logs" >&2
