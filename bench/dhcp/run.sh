#!/usr/bin/env bash
# bench/dhcp/run.sh: pxe-dhcpd side by side with kea-dhcp4, ISC dhcpd and
# dnsmasq under perfdhcp, in one run.  See bench/README.md.
#
# Every server runs in its own fresh pair of network namespaces: the server
# in one, perfdhcp in the other, joined by a veth pair (server 10.78.0.1/16,
# perfdhcp 10.78.0.2/16).  perfdhcp runs in relay mode (giaddr = its own
# address), the way ISC benchmarks Kea.  Each rep runs every block for every
# server (server order rotated each rep); the report gives the median of the
# reps with the spread [min-max], and pxe-dhcpd's ratio to each peer.
# Not a test: `make check` never runs it.
#
# Run as root:  bench/dhcp/run.sh [options]     (bench/dhcp/run.sh -h)
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

BUILD=${BUILD:-$REPO/build}
SERVERS=${SERVERS:-"pxe-dhcpd kea isc dnsmasq"}
REPS=${REPS:-3}
OUT=${OUT:-/var/tmp/pxesuite-bench-dhcp-$(date +%Y%m%d-%H%M%S)}
# DORA/s steps; dnsmasq holding 10,000 leases manages ~100/s, the others
# thousands, and perfdhcp itself tops out near 16-18k on 2 vCPUs
LADDER=${LADDER:-"100 250 500 1000 2000 4000 8000 12000 16000"}
SECS=${SECS:-5}			# each ladder step
# the fixed-rate rows (CPU per DORA, latency), RATE:SECONDS each: 100/s is
# a rate every server sustains (dnsmasq included), 1000/s a moderate one
FIXED=${FIXED:-"100:20 1000:10"}
RET_CLIENTS=${RET_CLIENTS:-10000}	# returning clients (sustained, fixed rows)
FB_CLIENTS=${FB_CLIENTS:-50000}		# first boot: distinct MACs, at most one exchange each
WARM_RATE=${WARM_RATE:-1000}	# warm-up: every returning client gets a lease first
WARM_PASSES=${WARM_PASSES:-3}	# ... passes over them until one loses < LOSS_MAX
LOSS_MAX=1			# percent: a step passes below it
SEND_MIN=95			# percent of the asked rate perfdhcp must really send
# a ladder step that failed while other processes used more than OTHER_MAX %
# of a CPU is run again, RETRIES times at most, 5 s later
OTHER_MAX=${OTHER_MAX:-25}
RETRIES=${RETRIES:-2}
QUIET=${QUIET:-0}		# 1: no server writes a log line per exchange
PXE_ARGS=${PXE_ARGS:-}		# extra pxe-dhcpd arguments

usage() {
	cat <<EOF
usage: $0 [options]
  --build DIR      pxe-dhcpd is DIR/dhcpd/pxe-dhcpd (default \$BUILD or $REPO/build)
  --servers LIST   servers to run, in quotes (default "$SERVERS")
  --reps N         repetitions of every block (default $REPS)
  --ladder LIST    DORA/s steps of the sustained and first-boot rows
                   (default "$LADDER")
  --secs N         seconds of each ladder step (default $SECS)
  --fixed LIST     fixed-rate rows, RATE:SECONDS each (default "$FIXED")
  --fixed-only     the warm-up and the fixed-rate rows only: no ladder, no
                   first-boot block (the same as --ladder "")
  --out DIR        raw results, configs, logs and report
                   (default /var/tmp/pxesuite-bench-dhcp-DATE)
  --quiet          no log line per exchange from any server (Kea at WARN,
                   dnsmasq --quiet-dhcp, ISC dhcpd without -d, pxe-dhcpd
                   at warning); by default each logs as it does out of
                   the box, to a file
  --quick          short ladder, short steps, one rep: a smoke test of the
                   script (~30 s per server)
Environment: the same names in capitals (BUILD, SERVERS, REPS, LADDER, SECS,
FIXED, OUT, QUIET=1), and RET_CLIENTS ($RET_CLIENTS), FB_CLIENTS ($FB_CLIENTS),
WARM_RATE ($WARM_RATE), WARM_PASSES ($WARM_PASSES), OTHER_MAX ($OTHER_MAX),
RETRIES ($RETRIES); PXE_ARGS adds arguments to pxe-dhcpd's command line.
EOF
	exit 2
}

CMDLINE="$0 $*"
while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=$2; shift ;;
	--servers) SERVERS=$2; shift ;;
	--reps) REPS=$2; shift ;;
	--ladder) LADDER=$2; shift ;;
	--secs) SECS=$2; shift ;;
	--fixed) FIXED=$2; shift ;;
	--fixed-only) LADDER= ;;
	--out) OUT=$2; shift ;;
	--quiet) QUIET=1 ;;
	--quick) REPS=1 LADDER="250 1000 4000" SECS=2 FIXED="1000:3" RET_CLIENTS=2000 WARM_PASSES=1 ;;
	-h|--help) usage ;;
	*) echo "unknown option $1" >&2; usage ;;
	esac
	shift
done

die() { echo "run.sh: $*" >&2; exit 1; }
say() { echo "== $*" >&2; }

[ "$(id -u)" = 0 ] || die "run as root (network namespaces, perfdhcp binds port 67)"
for t in ip ss timeout awk sed pgrep dd apt-get; do
	command -v $t >/dev/null || die "$t is missing"
done
for s in $SERVERS; do
	case $s in pxe-dhcpd|kea|isc|dnsmasq) ;; *) die "unknown server $s (pxe-dhcpd kea isc dnsmasq)" ;; esac
done
for r in $LADDER; do case $r in *[!0-9]*|'') usage ;; esac; done
for f in $FIXED; do case $f in [0-9]*:[0-9]*) ;; *) usage ;; esac; done
NCPU=$(nproc)
HZ=$(getconf CLK_TCK)

# ---- the network: one pair of namespaces per server --------------------------
# The server's namespace holds SIF with SRV_IP, perfdhcp's holds CIF with
# CLI_IP.  In relay mode perfdhcp puts CLI_IP in giaddr, so the servers'
# subnet must contain it: the whole /16, with a pool of 65,278 addresses,
# more than the first-boot row's 50,000 clients.
SIF=pxd0 CIF=pxd1
SRV_IP=10.78.0.1 CLI_IP=10.78.0.2 PLEN=16
SUBNET=10.78.0.0/16 SUBNET_ADDR=10.78.0.0 NETMASK=255.255.0.0
POOL_FIRST=10.78.1.1 POOL_LAST=10.78.255.254
PROBE_MAC=02:00:00:00:00:01	# the start-up probe's client, outside perfdhcp's 00:0c:01:...

mkdir -p "$OUT/logs" "$OUT/conf" "$OUT/perfdhcp" || die "cannot create $OUT"
RAW=$OUT/raw.tsv
LOGS=$OUT/logs
STATE=$OUT/state	# lease files: on disk, as deployed (fsync costs what it costs)
: >"$RAW"

# ---- cleanup: only what this script started ---------------------------------

declare -A PID NS_S NS_C STARTED_ONCE
NSLIST=()
LOADPID=	# the subshell running perfdhcp (through timeout), while it runs
# ours PID: alive, not a zombie, and still this script's child (a server
# that died long ago may have left its number to an unrelated process)
ours() {
	local st
	st=$(cat /proc/"$1"/stat 2>/dev/null) || return 1
	st=${st##*) }
	# shellcheck disable=SC2086
	set -- $st
	[ "$1" != Z ] && [ "$2" = $$ ]
}
cleanup() {
	local c s ns
	if [ -n "$LOADPID" ] && ours "$LOADPID"; then
		# its child is timeout, which passes the TERM on to perfdhcp
		for c in $(pgrep -P "$LOADPID"); do kill "$c" 2>/dev/null; done
		kill "$LOADPID" 2>/dev/null
	fi
	for s in "${!PID[@]}"; do ours "${PID[$s]}" && kill "${PID[$s]}" 2>/dev/null; done
	sleep 0.5
	for s in "${!PID[@]}"; do ours "${PID[$s]}" && kill -9 "${PID[$s]}" 2>/dev/null; done
	for ns in "${NSLIST[@]}"; do ip netns del "$ns" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- packages: installed from apt when missing, never started as services ------

# a freshly installed kea-dhcp4-server or isc-dhcp-server would be started by
# its postinst on the host's real interfaces: a policy-rc.d that answers 101
# ("action forbidden") stops invoke-rc.d and deb-systemd-invoke from doing it
apt_install() {
	local made='' rc
	if [ -e /usr/sbin/policy-rc.d ]; then
		grep -q 'exit 101' /usr/sbin/policy-rc.d ||
			die "/usr/sbin/policy-rc.d exists and may allow services to start: install $* by hand"
	else
		printf '#!/bin/sh\n# bench/dhcp/run.sh: no service starts while it installs packages\nexit 101\n' \
			>/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made=1
	fi
	say "installing $* (services not started)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$LOGS/apt.log" 2>&1 || {
		apt-get update -qq >>"$LOGS/apt.log" 2>&1
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$LOGS/apt.log" 2>&1
	}
	rc=$?
	[ -n "$made" ] && rm -f /usr/sbin/policy-rc.d
	return $rc
}
need=()
[ -x /usr/sbin/perfdhcp ] || need+=(kea-admin)
for s in $SERVERS; do
	case $s in
	kea) [ -x /usr/sbin/kea-dhcp4 ] || need+=(kea-dhcp4-server) ;;
	isc) [ -x /usr/sbin/dhcpd ] || need+=(isc-dhcp-server) ;;
	dnsmasq) [ -x /usr/sbin/dnsmasq ] || need+=(dnsmasq-base) ;;
	esac
done
if [ ${#need[@]} -gt 0 ]; then
	apt_install "${need[@]}" || die "cannot install ${need[*]}: see $LOGS/apt.log"
fi
PERFDHCP=/usr/sbin/perfdhcp
[ -x $PERFDHCP ] || die "no $PERFDHCP (package kea-admin)"

# ---- servers ------------------------------------------------------------------

tag_of() {
	case $1 in pxe-dhcpd) echo pxe ;; kea) echo kea ;; isc) echo isc ;; dnsmasq) echo dnsm ;; esac
}
lease_file() {
	case $1 in
	pxe-dhcpd) echo "$STATE/$1/dhcpd.leases" ;;
	kea) echo "$STATE/$1/kea-leases4.csv" ;;
	isc) echo "$STATE/$1/dhcpd.leases" ;;
	dnsmasq) echo "$STATE/$1/dnsmasq.leases" ;;
	esac
}
# render TEMPLATE SERVER: a config from bench/dhcp/conf/, into $OUT/conf/
render() {
	sed -e "s|@IFACE@|$SIF|g" -e "s|@STATE@|$STATE/$2|g" -e "s|@SERVER@|$SRV_IP|g" \
		-e "s|@CLIENT@|$CLI_IP|g" -e "s|@SUBNET@|$SUBNET|g" -e "s|@SUBNET_ADDR@|$SUBNET_ADDR|g" \
		-e "s|@NETMASK@|$NETMASK|g" -e "s|@POOL_FIRST@|$POOL_FIRST|g" -e "s|@POOL_LAST@|$POOL_LAST|g" \
		-e "s|@KEA_SEVERITY@|$([ "$QUIET" = 1 ] && echo WARN || echo INFO)|g" \
		-e "s|@PXE_LOG_LEVEL@|$([ "$QUIET" = 1 ] && echo warning || echo info)|g" \
		"$HERE/conf/$1.in" >"$OUT/conf/$1"
}
# each in the foreground (so the PID we hold is the server's), logging what
# it logs by default to the log file: one to four lines per DORA
server_cmd() {
	local s=$1 st=$STATE/$1 q=
	case $s in
	pxe-dhcpd) echo "$BUILD/dhcpd/pxe-dhcpd -f -C $OUT/conf/pxe-dhcpd.ini $PXE_ARGS" ;;
	# Kea keeps its pid file (and refuses a second instance) in /run/kea
	# unless told otherwise
	kea) echo "env KEA_PIDFILE_DIR=$st KEA_LOCKFILE_DIR=$st /usr/sbin/kea-dhcp4 -c $OUT/conf/kea-dhcp4.json" ;;
	# -d: log to stderr (ISC dhcpd also sends every line to syslog, see
	# start_server)
	isc)
		[ "$QUIET" = 1 ] && q=-f || q=-d
		echo "/usr/sbin/dhcpd $q -4 -cf $OUT/conf/isc-dhcpd.conf -lf $(lease_file isc) -pf $st/dhcpd.pid $SIF" ;;
	# --dhcp-lease-max: the default (1,000) would refuse most clients;
	# --no-ping: no ICMP probe before a new address (as for every server here)
	dnsmasq)
		[ "$QUIET" = 1 ] && q=--quiet-dhcp
		echo "/usr/sbin/dnsmasq $q --keep-in-foreground --conf-file=/dev/null --port=0 --interface=$SIF --bind-interfaces --dhcp-range=$POOL_FIRST,$POOL_LAST,$NETMASK,1h --dhcp-leasefile=$(lease_file dnsmasq) --dhcp-lease-max=100000 --dhcp-authoritative --no-ping --log-facility=$LOGS/dnsmasq.cur --pid-file= --user=root" ;;
	esac
}
server_version() {
	case $1 in
	pxe-dhcpd) echo "$("$BUILD/dhcpd/pxe-dhcpd" -V 2>&1 | head -1), $BUILD/dhcpd/pxe-dhcpd" ;;
	kea) echo "kea-dhcp4 $(/usr/sbin/kea-dhcp4 -v 2>&1 | head -1)" ;;
	isc) /usr/sbin/dhcpd --version 2>&1 | head -1 ;;
	dnsmasq) /usr/sbin/dnsmasq -v | head -1 | cut -d' ' -f1-3 ;;
	esac
}

mk_pair() {
	local s=$1 sn cn
	sn=pxd$$-$(tag_of "$s")-s cn=pxd$$-$(tag_of "$s")-c
	NS_S[$s]=$sn NS_C[$s]=$cn
	ip netns add "$sn" || return 1
	NSLIST+=("$sn")
	ip netns add "$cn" || return 1
	NSLIST+=("$cn")
	ip -n "$sn" link set lo up && ip -n "$cn" link set lo up || return 1
	# made inside the server's namespace, its peer moved straight into the
	# client's: the pair never exists in the host's namespace
	ip -n "$sn" link add $SIF type veth peer name $CIF netns "$cn" &&
		ip -n "$sn" addr add $SRV_IP/$PLEN dev $SIF && ip -n "$sn" link set $SIF up &&
		ip -n "$cn" addr add $CLI_IP/$PLEN dev $CIF && ip -n "$cn" link set $CIF up
}

# an empty state folder: an empty lease file (ISC dhcpd wants one to exist)
fresh_state() {
	rm -rf "${STATE:?}/$1"
	mkdir -p "$STATE/$1"
	[ "$1" = isc ] && : >"$(lease_file isc)"
	return 0
}

alive() { [ -n "${PID[$1]:-}" ] && ours "${PID[$1]}"; }

# start_server SERVER: in its namespace (made on the first start); ready
# once port 67 is bound and a probe DORA gets its ACK
start_server() {
	local s=$1 cmd i f
	if [ -z "${NS_S[$s]:-}" ]; then
		mk_pair "$s" || { say "$s: cannot create its namespaces"; return 1; }
	fi
	cmd=$(server_cmd "$s")
	# ISC dhcpd sends every log line to syslog as well: where the host has
	# a /dev/log, /dev/null is bound over it in the mount namespace that
	# ip netns exec makes for the server, so a run cannot flood the host's log
	local pre=()
	[ "$s" = isc ] && [ -S /dev/log ] && pre=(sh -c 'mount --bind /dev/null /dev/log && exec "$@"' sh)
	if [ -z "${STARTED_ONCE[$s]:-}" ]; then
		echo "$s: ip netns exec ${NS_S[$s]} ${pre[*]:+sh -c 'mount --bind /dev/null /dev/log && exec \"\$@\"' sh }$cmd" \
			>>"$LOGS/commands.txt"
		STARTED_ONCE[$s]=1
	fi
	: >"$LOGS/$s.cur"
	# shellcheck disable=SC2086
	ip netns exec "${NS_S[$s]}" "${pre[@]}" $cmd >>"$LOGS/$s.cur" 2>&1 &
	PID[$s]=$!
	disown	# its death is noted in the report, not by the shell
	for i in $(seq 100); do
		alive "$s" || break
		ip netns exec "${NS_S[$s]}" ss -Hlun 'sport = :67' | grep -q . && break
		sleep 0.1
	done
	f=$OUT/perfdhcp/probe.$s
	for i in 1 2 3 4 5; do
		alive "$s" || break
		# a few exchanges of one client: perfdhcp -n 1 does not wait for
		# the last ACK; and never run perfdhcp without -r (it floods)
		timeout -k 2 10 ip netns exec "${NS_C[$s]}" $PERFDHCP -4 -r 20 -n 3 -p 2 -W 500000 -R 1 \
			-b mac=$PROBE_MAC -l $CLI_IP $SRV_IP >"$f" 2>&1
		[ "$(kv "$(awk -f "$HERE/perfdhcp.awk" "$f")" ra_rcvd)" -ge 1 ] 2>/dev/null && return 0
		sleep 0.5
	done
	say "$s did not start or did not answer a DORA: see $LOGS/$s.log"
	stop_server "$s" "failed start"
	return 1
}

# stop_server SERVER WHAT: TERM, then KILL after 5 s; the log of that run is
# kept cut to its first and last lines (a loaded run logs millions)
stop_server() {
	local s=$1 i n cur=$LOGS/$1.cur
	if alive "$s"; then
		kill "${PID[$s]}" 2>/dev/null
		for i in $(seq 50); do
			alive "$s" || break
			sleep 0.1
		done
		alive "$s" && kill -9 "${PID[$s]}"
		for i in $(seq 20); do
			alive "$s" || break
			sleep 0.1
		done
	fi
	unset "PID[$s]"
	n=$(wc -l <"$cur" 2>/dev/null || echo 0)
	{
		echo "=== $2 ($n lines)"
		if [ "$n" -le 400 ]; then
			cat "$cur"
		else
			head -200 "$cur"
			echo "[... $((n - 400)) lines cut ...]"
			tail -200 "$cur"
		fi
	} >>"$LOGS/$s.log" 2>/dev/null
	rm -f "$cur"
}

# ---- measuring -------------------------------------------------------------------

# server CPU in ns: the sum over its threads of the time on CPU from
# /proc/PID/task/*/schedstat (exact); utime+stime from /proc/PID/stat are
# 1/HZ ticks, too coarse for 2,000 DORAs of a fast server, and are kept too
cpu_ns() {
	cat /proc/"${PID[$1]}"/task/*/schedstat 2>/dev/null | awk '{ t += $1 } END { printf "%.0f\n", t }'
}
ticks() { awk '{ print $14 + $15 }' /proc/"${PID[$1]}"/stat 2>/dev/null || echo 0; }
# idle + iowait jiffies of the whole machine: with a tickless kernel these
# are measured exactly, while the busy fields are sampled at each tick and
# miss much of a load made of short bursts (a DHCP server's)
host_idle() { awk '$1 == "cpu" { print $5 + $6 }' /proc/stat; }

# wait (at most 10 s) until the server is idle again: after an overloaded
# step it is still answering the backlog in its socket buffer
quiesce() {
	local s=$1 a b i
	for i in $(seq 20); do
		alive "$s" || return
		a=$(cpu_ns "$s")
		sleep 0.5
		b=$(cpu_ns "$s")
		[ $((b - a)) -lt 10000000 ] && return	# under 2% of a CPU
	done
}

rec() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$RAW"; }
# rec_kv REP SERVER ROW "k=v k=v ..."
rec_kv() {
	local kv
	for kv in $4; do
		case $kv in *=*) rec "$1" "$2" "$3" "${kv%%=*}" "${kv#*=}" ;; esac
	done
}
kv() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2; exit }'; }

# step REP SERVER ROW RATE SECS NCLIENTS [N]: one perfdhcp run at RATE
# DORA/s for SECS seconds (or N exchanges, whichever ends first) with
# NCLIENTS MACs taken in turn; recorded in $RAW under ROW, and returned in
# STEP (key=value pairs, pass=1 when under LOSS_MAX% lost at the asked rate)
STEP=
step() {
	local rep=$1 s=$2 row=$3 rate=$4 secs=$5 ncl=$6 n=${7:-} f p rc c0 c1 t0 t1 h0 h1 w0 w1 out cli
	f=$OUT/perfdhcp/$rep.$s.$row
	quiesce "$s"
	c0=$(cpu_ns "$s") t0=$(ticks "$s") h0=$(host_idle) w0=$(date +%s%N)
	# perfdhcp's own CPU: the subshell's children's times (perfdhcp, through
	# timeout and ip netns exec, which execs it); -W: after the last
	# DISCOVER, wait 0.5 s for answers still under way
	(
		timeout -k 5 $((secs + 30)) ip netns exec "${NS_C[$s]}" $PERFDHCP -4 -r "$rate" -p "$secs" \
			${n:+-n "$n"} -W 500000 -R "$ncl" -l $CLI_IP $SRV_IP >"$f" 2>&1
		rc=$?
		times >"$f.times"
		exit $rc
	) &
	p=$!
	LOADPID=$p
	wait $p
	rc=$?
	LOADPID=
	c1=$(cpu_ns "$s") t1=$(ticks "$s") h1=$(host_idle) w1=$(date +%s%N)
	cli=$(awk 'NR == 2 { n = split($0, a, " "); for (i = 1; i <= n; i++) { split(a[i], b, "m"); t += b[1] * 60 + b[2] } }
		END { printf "%.3f", t }' "$f.times" 2>/dev/null)
	out=$(awk -f "$HERE/perfdhcp.awk" "$f")
	STEP=$(echo "$out" | awk -v rate="$rate" -v secs="$secs" -v n="$n" -v cns=$((c1 - c0)) \
		-v ticks=$((t1 - t0)) -v hz="$HZ" -v cli="${cli:-0}" -v idle=$((h1 - h0)) -v ncpu="$NCPU" \
		-v wall=$((w1 - w0)) -v lossmax=$LOSS_MAX -v sendmin=$SEND_MIN '
	{
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		# with -n the run ends after n DISCOVERs
		t = secs
		if (n != "" && n / rate < t) t = n / rate
		sent = v["do_sent"] + 0
		done = v["ra_rcvd"] - v["ra_rejected"]
		printf "rate=%d secs=%.3f", rate, t
		printf " send_pct=%.1f", 100 * sent / (rate * t)
		printf " done=%d ack_per_s=%.1f", done, done / t
		loss = sent > 0 ? 100 * (sent - done) / sent : 100
		printf " loss_pct=%.3f", loss
		printf " srv_cpu_s=%.4f srv_ticks_s=%.2f cli_cpu_s=%.3f", cns / 1e9, ticks / hz, cli
		printf " srv_cpu_pct=%.1f cli_cpu_pct=%.1f", 100 * cns / 1e9 / t, 100 * cli / t
		# the machine, over the whole run of perfdhcp: how busy, and what
		# the rest of it (other tenants) used meanwhile, in % of a CPU
		if (wall > 0) {
			busy = ncpu * wall / 1e9 - idle / hz
			printf " host_busy_pct=%.1f", 100 * busy / (ncpu * wall / 1e9)
			printf " other_cpu_pct=%.1f", 100 * (busy - cns / 1e9 - cli) / (wall / 1e9)
		}
		if (done > 0) printf " srv_us_per_dora=%.2f srv_ticks_us_per_dora=%.1f cli_us_per_dora=%.2f",
			cns / 1e3 / done, ticks / hz * 1e6 / done, cli * 1e6 / done
		printf " pass=%d", (sent > 0 && loss < lossmax && 100 * sent / (rate * t) >= sendmin)
		printf " %s\n", $0
	}')
	[ -n "$STEP" ] || STEP="rate=$rate pass=0"
	rec_kv "$rep" "$s" "$row" "$STEP rc=$rc"
	if ! alive "$s"; then
		rec "$rep" "$s" "$row" died 1
		STEP="died=1 pass=0 $STEP"	# kv takes the first
		echo "rep $rep: $s died in $row: $(tail -1 "$LOGS/$s.cur" 2>/dev/null)" >>"$LOGS/notes.txt"
	fi
}

# summary REP SERVER ROW BEST BEST_STEP STOP_STEP LIMIT: the ladder's result
summary() {
	local rep=$1 s=$2 row=$3 k
	rec "$rep" "$s" "$row" best "$4"
	rec "$rep" "$s" "$row" limit "$7"
	for k in ack_per_s cli_cpu_pct srv_cpu_pct host_busy_pct other_cpu_pct; do
		[ -n "$5" ] && [ -n "$(kv "$5" $k)" ] && rec "$rep" "$s" "$row" best_$k "$(kv "$5" $k)"
	done
	[ -n "$6" ] || return
	rec "$rep" "$s" "$row" stop_rate "$(kv "$6" rate)"
	for k in loss_pct send_pct ack_per_s cli_cpu_pct srv_cpu_pct host_busy_pct other_cpu_pct; do
		[ -n "$(kv "$6" $k)" ] && rec "$rep" "$s" "$row" stop_$k "$(kv "$6" $k)"
	done
}

# why a step failed: the server lost requests, or perfdhcp could not send
# at the asked rate (then the ceiling is perfdhcp's, not the server's)
why() {
	if [ "$(kv "$1" died)" = 1 ]; then echo died
	elif [ "$(kv "$1" nostart)" = 1 ]; then echo nostart
	elif awk -v p="$(kv "$1" send_pct)" -v m=$SEND_MIN 'BEGIN { exit !(p < m) }'; then echo perfdhcp
	else echo loss
	fi
}

# disturbed: the last step ran while other processes used more than
# OTHER_MAX % of a CPU (the machine is shared: a failure may be theirs)
disturbed() {
	awk -v o="$(kv "$STEP" other_cpu_pct)" -v m="$OTHER_MAX" 'BEGIN { exit !(o != "" && o + 0 > m) }'
}

# ladder_step REP SERVER ROW RATE NCLIENTS N FRESH: one ladder step, run
# again (RETRIES times at most, 5 s later) when it failed while the machine
# was disturbed; the attempts after the first are recorded as ROW.tryK.
# FRESH=1: each attempt on a fresh server with an empty lease file.  Leaves
# STEP as the last attempt's.
ladder_step() {
	local rep=$1 s=$2 row=$3 rate=$4 ncl=$5 n=$6 fresh=$7 try name
	for try in $(seq $((RETRIES + 1))); do
		name=$row
		[ "$try" -gt 1 ] && name=$row.try$try
		if [ "$fresh" = 1 ]; then
			fresh_state "$s"
			if ! start_server "$s"; then
				rec "$rep" "$s" "$name" rc nostart
				STEP="nostart=1 pass=0 rate=$rate"
				return
			fi
		fi
		step "$rep" "$s" "$name" "$rate" "$SECS" "$ncl" "$n"
		[ "$fresh" = 1 ] && stop_server "$s" "rep $rep $name"
		[ "$(kv "$STEP" pass)" = 1 ] && return
		[ "$(kv "$STEP" died)" = 1 ] && return
		disturbed && [ "$try" -le "$RETRIES" ] || return
		rec "$rep" "$s" "$name" disturbed 1
		rec "$rep" "$s" "${row%@*}" retries 1
		echo "rep $rep: $s $name lost $(kv "$STEP" loss_pct)% while other processes used" \
			"$(kv "$STEP" other_cpu_pct)% of a CPU: run again" >>"$LOGS/notes.txt"
		sleep 5
	done
}

# the disk under the lease files: 256-byte O_DSYNC writes per second (each
# a write + fdatasync, as a durable server's lease commit), 200 of them
fsync_rate() {
	local f=$STATE/fsync.test secs
	mkdir -p "$STATE"
	secs=$(LC_ALL=C timeout 30 dd if=/dev/zero of="$f" bs=256 count=200 oflag=dsync 2>&1 |
		sed -n 's/.* copied, \([0-9.e-]*\) s,.*/\1/p')
	rm -f "$f"
	[ -n "$secs" ] && awk -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f\n", 200 / s }'
}

# ---- the blocks ---------------------------------------------------------------------

# returning clients: a fresh server, a warm-up that gives every one of the
# RET_CLIENTS a lease, then the fixed-rate rows, then the sustained ladder
block_returning() {
	local rep=$1 s=$2 i f r c0 best=0 best_step='' stop_step='' limit=top
	fresh_state "$s"
	if ! start_server "$s"; then
		rec "$rep" "$s" sustained limit nostart
		for f in $FIXED; do rec "$rep" "$s" "fixed@${f%%:*}" rc nostart; done
		return
	fi
	# perfdhcp takes the MACs in turn from its base, so RET_CLIENTS
	# exchanges lease every client once; passes repeat while one loses
	# requests (dnsmasq slows down as its lease file grows)
	for i in $(seq "$WARM_PASSES"); do
		step "$rep" "$s" "warmup$i" "$WARM_RATE" $((RET_CLIENTS / WARM_RATE + 5)) "$RET_CLIENTS" "$RET_CLIENTS"
		[ "$(kv "$STEP" pass)" = 1 ] && break
		alive "$s" || break
	done
	rec "$rep" "$s" sustained warmup_passes "$i"
	[ -n "$(kv "$STEP" loss_pct)" ] && rec "$rep" "$s" sustained warmup_loss_pct "$(kv "$STEP" loss_pct)"
	# what the server costs doing nothing, for the fixed rows' CPU figures
	if alive "$s"; then
		quiesce "$s"
		c0=$(cpu_ns "$s")
		sleep 2
		rec "$rep" "$s" idle cpu_pct "$(awk -v c=$(($(cpu_ns "$s") - c0)) 'BEGIN { printf "%.2f", c / 1e9 / 2 * 100 }')"
	fi
	for f in $FIXED; do
		alive "$s" || break
		step "$rep" "$s" "fixed@${f%%:*}" "${f%%:*}" "${f#*:}" "$RET_CLIENTS"
	done
	for r in $LADDER; do
		alive "$s" || { limit=died; break; }
		ladder_step "$rep" "$s" "sustained@$r" "$r" "$RET_CLIENTS" "" 0
		if [ "$(kv "$STEP" pass)" = 1 ]; then
			best=$r best_step=$STEP
		else
			stop_step=$STEP limit=$(why "$STEP")
			break
		fi
	done
	[ -n "$LADDER" ] && summary "$rep" "$s" sustained "$best" "$best_step" "$stop_step" "$limit"
	# the lease file once the server is done with it (dnsmasq rewrites its
	# file from empty on every change: read while it works, it may be empty)
	quiesce "$s"
	stop_server "$s" "rep $rep returning clients"
	rec "$rep" "$s" sustained lease_file_kib $(($(stat -c %s "$(lease_file "$s")" 2>/dev/null || echo 0) / 1024))
}

# first boot: every step on a fresh server with an empty lease file, FB_CLIENTS
# MACs and at most FB_CLIENTS exchanges, so every ACK is a new allocation
block_firstboot() {
	local rep=$1 s=$2 r best=0 best_step='' stop_step='' limit=top
	for r in $LADDER; do
		ladder_step "$rep" "$s" "firstboot@$r" "$r" "$FB_CLIENTS" "$FB_CLIENTS" 1
		if [ "$(kv "$STEP" pass)" = 1 ]; then
			best=$r best_step=$STEP
		else
			stop_step=$STEP limit=$(why "$STEP")
			break
		fi
	done
	summary "$rep" "$s" firstboot "$best" "$best_step" "$stop_step" "$limit"
}

# ---- the run ------------------------------------------------------------------------

START=$(date +%s)
{
	echo "command: $CMDLINE"
	echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  host: $(uname -r), $NCPU CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "perfdhcp: $($PERFDHCP -v 2>&1 | head -1), relay mode: -l $CLI_IP (giaddr) to $SRV_IP, $(
		[ "$NCPU" -gt 1 ] && echo "multi-thread (its default on >1 CPU)" || echo single-thread)"
	echo "network: each server in its own namespace pair, veth $SRV_IP/$PLEN (server) - $CLI_IP/$PLEN (perfdhcp);" \
		"pool $POOL_FIRST-$POOL_LAST, lease time 1h, no ping check"
	echo "reps: $REPS; ladder: ${LADDER:-none} DORA/s, $SECS s each; pass: < $LOSS_MAX% lost (DISCOVERs sent without an ACK)" \
		"and >= $SEND_MIN% of the asked rate sent"
	echo "returning clients: $RET_CLIENTS (warm-up at $WARM_RATE/s, up to $WARM_PASSES passes); first boot: $FB_CLIENTS MACs," \
		"empty lease file at every step; fixed rows (rate:s): $FIXED"
	echo "lease files in $STATE ($(df -T "$OUT" | awk 'NR == 2 { print $2 }') on $(df "$OUT" | awk 'NR == 2 { print $1 }'))"
	echo "server CPU: sum of /proc/PID/task/*/schedstat time on CPU (utime+stime ticks also in raw.tsv); perfdhcp CPU: its rusage"
	echo "logging: $([ "$QUIET" = 1 ] && echo "--quiet: no line per exchange" || echo "each server's default (one to four lines per DORA), to a file")"
} >"$OUT/header.txt"

LIVE=()
for s in $SERVERS; do
	if [ "$s" = pxe-dhcpd ] && [ ! -x "$BUILD/dhcpd/pxe-dhcpd" ]; then
		say "pxe-dhcpd: no $BUILD/dhcpd/pxe-dhcpd (--build DIR): its column is n/a"
		echo "server pxe-dhcpd: n/a (no $BUILD/dhcpd/pxe-dhcpd)" >>"$OUT/header.txt"
		continue
	fi
	case $s in
	pxe-dhcpd) render pxe-dhcpd.ini "$s" ;;
	kea) render kea-dhcp4.json "$s" ;;
	isc) render isc-dhcpd.conf "$s" ;;
	esac
	# a trial start: a server that cannot start or answer is n/a, the
	# others are measured anyway
	fresh_state "$s"
	if ! start_server "$s"; then
		echo "server $s: n/a (did not start or answer, see logs/$s.log)" >>"$OUT/header.txt"
		continue
	fi
	stop_server "$s" "trial start"
	LIVE+=("$s")
	echo "server $s: $(server_version "$s")" >>"$OUT/header.txt"
done
[ ${#LIVE[@]} -gt 0 ] || die "no server started"
cat "$OUT/header.txt" >&2

# one block for every server, one server at a time, order rotated each rep
block_all() {
	local rep=$1 block=$2 order=() n i s
	n=${#LIVE[@]}
	for i in $(seq 0 $((n - 1))); do order+=("${LIVE[$(((i + rep - 1) % n))]}"); done
	for s in "${order[@]}"; do
		say "rep $rep/$REPS: $block, $s ($(($(date +%s) - START)) s)"
		"block_$block" "$rep" "$s"
	done
}
for rep in $(seq "$REPS"); do
	block_all "$rep" returning
	# what a commit that must reach the disk costs here and now
	rec "$rep" disk fsync per_s "$(fsync_rate)"
	[ -n "$LADDER" ] && block_all "$rep" firstboot
done
echo "run time: $(($(date +%s) - START)) s" >>"$OUT/header.txt"
[ -s "$LOGS/notes.txt" ] && sed 's/^/note: /' "$LOGS/notes.txt" >>"$OUT/header.txt"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/header.txt"

{
	cat "$OUT/header.txt"
	echo
	awk -v servers="$SERVERS" -v fixed="$FIXED" -v steps="$LADDER" -v ret="$RET_CLIENTS" -v fb="$FB_CLIENTS" \
		-v ncpu="$NCPU" -v lossmax=$LOSS_MAX -v othermax="$OTHER_MAX" \
		-f "$HERE/../stats.awk" -f "$HERE/report.awk" "$RAW"
} | tee "$OUT/report.txt"
echo "raw results: $RAW; configs: $OUT/conf; logs: $LOGS; perfdhcp output: $OUT/perfdhcp" >&2
