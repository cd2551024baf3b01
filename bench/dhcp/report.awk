# report.awk: the table of bench/dhcp/run.sh from its raw.tsv
# (lines: rep <TAB> server <TAB> row <TAB> key <TAB> value).
# Every cell is the median of the reps with the spread [min-max].
# Plain POSIX awk (mawk): no asort, no gensub.
BEGIN {
	FS = "\t"
	nserv = split(servers, S, " ")
	nfix = split(fixed, F, " ")
	PXE = "pxe-dhcpd"
	W = 22
}

{
	k = $2 SUBSEP $3 SUBSEP $4
	seen[$2] = 1
	rowseen[$2, $3] = 1
	if ($4 == "limit") {
		# how each rep's ladder ended: counted per kind
		if (!(($2, $3, $5) in lim))
			limkinds[$2, $3] = limkinds[$2, $3] " " $5
		lim[$2, $3, $5]++
		next
	}
	if ($4 == "rc" && $5 == "nostart") {
		nostart[$2, $3]++
		next
	}
	if ($4 == "died") {
		died[$2, $3]++
		next
	}
	if ($5 ~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/) {
		vals[k] = (k in vals) ? vals[k] " " $5 : $5
		sum[k] += $5
	}
}

# the median of a metric, or "" when there is none
function med(srv, row, key) {
	if (!((srv SUBSEP row SUBSEP key) in vals)) return ""
	return median(vals[srv, row, key])
}
# a fixed-rate cell is marked when the server lost >= lossmax% there: the
# rate is over its capacity and its delays are time spent queueing
function over(srv, row,    l) {
	l = med(srv, row, "loss_pct")
	return row ~ /^fixed@/ && l != "" && l >= lossmax
}
function cell(srv, row, key,    k, a, n, c) {
	if (!(srv in seen)) return "n/a"
	if (!((srv, row) in rowseen)) return "-"
	k = srv SUBSEP row SUBSEP key
	if (!(k in vals))
		return (srv, row) in nostart ? "did not start" : (srv, row) in died ? "server died" : "-"
	n = sortv(vals[k], a)
	c = fmt(median(vals[k]))
	if (n > 1 && a[1] != a[n])
		c = c " [" fmt(a[1]) "-" fmt(a[n]) "]"
	if (over(srv, row)) c = c " !"
	if ((srv, row) in died) c = c " (died)"
	return c
}
function line(label, unit, row, key,    i, s) {
	s = pad(label, 36) pad(unit, 13)
	for (i = 1; i <= nserv; i++)
		s = s pad(cell(S[i], row, key), W - 1) " "
	print s
}
# the total of a count over the reps
function sumline(label, unit, row, key,    i, s, c) {
	s = pad(label, 36) pad(unit, 13)
	for (i = 1; i <= nserv; i++) {
		if (!(S[i] in seen)) c = "n/a"
		else if (!((S[i], row) in rowseen)) c = "-"
		else c = (S[i] SUBSEP row SUBSEP key) in sum ? sum[S[i], row, key] : 0
		s = s pad(c, W - 1) " "
	}
	print s
}
# how the ladders ended, e.g. "loss 2, perfdhcp 1"
function limline(label, row,    i, s, c, n, K, j) {
	s = pad(label, 36) pad("reps", 13)
	for (i = 1; i <= nserv; i++) {
		if (!(S[i] in seen)) c = "n/a"
		else if (!((S[i], row) in rowseen)) c = "-"
		else {
			c = ""
			n = split(limkinds[S[i], row], K, " ")
			for (j = 1; j <= n; j++)
				c = c (c == "" ? "" : ", ") K[j] " " lim[S[i], row, K[j]]
		}
		s = s pad(c, W - 1) " "
	}
	print s
}

function ratio(row, key, peer,    a, b) {
	a = med(PXE, row, key)
	b = med(peer, row, key)
	if (a == "" || b == "" || b == 0) return "n/a"
	return sprintf("%.2fx", a / b) (over(PXE, row) || over(peer, row) ? " !" : "")
}
function rline(label, row, key, better,    i, s) {
	s = pad(label, 36) pad(better, 13)
	for (i = 1; i <= nserv; i++)
		if (S[i] != PXE)
			s = s pad(ratio(row, key, S[i]), W)
	print s
}

function ladder(title, row) {
	line(title, "DORA/s", row, "best")
	line("  ACKs/s completed at that rate", "/s", row, "best_ack_per_s")
	line("  server CPU at that rate", "% of a CPU", row, "best_srv_cpu_pct")
	line("  perfdhcp CPU at that rate", "% of a CPU", row, "best_cli_cpu_pct")
	line("  other processes at that rate", "% of a CPU", row, "best_other_cpu_pct")
	line("  first step that failed", "DORA/s", row, "stop_rate")
	line("    lost there", "%", row, "stop_loss_pct")
	line("    of the asked rate sent", "%", row, "stop_send_pct")
	line("    server CPU there", "% of a CPU", row, "stop_srv_cpu_pct")
	line("    perfdhcp CPU there", "% of a CPU", row, "stop_cli_cpu_pct")
	line("    machine busy there", "% of " ncpu " CPUs", row, "stop_host_busy_pct")
	line("    other processes there", "% of a CPU", row, "stop_other_cpu_pct")
	limline("  ended by", row)
	sumline("  steps run again (disturbed)", "all reps", row, "retries")
}

# the highest median of KEY over the servers' ROWs (for the perfdhcp note)
function maxmed(row, key,    i, m, best) {
	best = ""
	for (i = 1; i <= nserv; i++) {
		m = med(S[i], row, key)
		if (m != "" && (best == "" || m > best)) best = m
	}
	return best
}

END {
	print "cells: median of the reps [min-max]; n/a: the server was not run"
	print ""
	s = pad("row", 36) pad("unit", 13)
	for (i = 1; i <= nserv; i++) s = s pad(S[i], W)
	print s
	if (steps != "")
		ladder("sustained, " ret " returning clients", "sustained")
	else
		print "returning clients: " ret
	line("  warm-up: lost in its last pass", "%", "sustained", "warmup_loss_pct")
	line("  warm-up: passes", "count", "sustained", "warmup_passes")
	line("  lease file at the end", "KiB", "sustained", "lease_file_kib")
	print pad("disk under the lease files", 36) pad("dsync/s", 13) cell("disk", "fsync", "per_s") \
		"  (256-byte O_DSYNC writes: a durable server's commit ceiling)"
	if (steps != "")
		ladder("first boot, " fb " new clients", "firstboot")
	for (f = 1; f <= nfix; f++) {
		split(F[f], rs, ":")
		row = "fixed@" rs[1]
		print pad("fixed " rs[1] "/s for " rs[2] " s, returning clients", 36)
		line("  lost", "%", row, "loss_pct")
		line("  other processes meanwhile", "% of a CPU", row, "other_cpu_pct")
		line("  server CPU per DORA", "us", row, "srv_us_per_dora")
		line("    from utime+stime (1/100 s)", "us", row, "srv_ticks_us_per_dora")
		line("  perfdhcp CPU per DORA", "us", row, "cli_us_per_dora")
		line("  DISCOVER-OFFER delay avg", "ms", row, "do_avg_ms")
		line("    min", "ms", row, "do_min_ms")
		line("    max", "ms", row, "do_max_ms")
		line("  REQUEST-ACK delay avg", "ms", row, "ra_avg_ms")
		line("    min", "ms", row, "ra_min_ms")
		line("    max", "ms", row, "ra_max_ms")
	}
	line("server CPU when idle", "% of a CPU", "idle", "cpu_pct")
	print "! lost >= " lossmax "% at this fixed rate: over the server's capacity, its delays are queueing"
	print ""

	s = pad("pxe-dhcpd / peer (medians)", 36) pad("better", 13)
	for (i = 1; i <= nserv; i++) if (S[i] != PXE) s = s pad(S[i], W)
	print s
	if (steps != "") {
		rline("sustained DORA/s", "sustained", "best", "higher")
		rline("first boot DORA/s", "firstboot", "best", "higher")
	}
	for (f = 1; f <= nfix; f++) {
		split(F[f], rs, ":")
		row = "fixed@" rs[1]
		rline("CPU per DORA at " rs[1] "/s", row, "srv_us_per_dora", "lower")
		rline("DISCOVER-OFFER avg delay at " rs[1] "/s", row, "do_avg_ms", "lower")
		rline("REQUEST-ACK avg delay at " rs[1] "/s", row, "ra_avg_ms", "lower")
	}
	print ""
	if (steps == "")
		exit

	# perfdhcp shares the machine with the server: say how close it came
	a = h = ""
	for (r = 1; r <= 4; r++) {
		row = r <= 2 ? "sustained" : "firstboot"
		pre = r % 2 ? "best_" : "stop_"
		b = maxmed(row, pre "cli_cpu_pct")
		if (b != "" && (a == "" || b > a)) a = b
		b = maxmed(row, pre "host_busy_pct")
		if (b != "" && (h == "" || b > h)) h = b
	}
	print "perfdhcp's own CPU: it runs on the same " ncpu " CPUs as the server (multi-threaded: a sender and a"
	print "receiver thread).  At the highest ladder steps run it used up to " fmt(a) "% of a CPU, and the"
	print "machine was up to " fmt(h) "% busy (100% = all " ncpu " CPUs)."
	if (h != "" && h >= 90)
		print "The machine was saturated there: those ceilings are the machine's (server + perfdhcp), not the server's alone."
	for (i = 1; i <= nserv; i++)
		for (r = 1; r <= 2; r++) {
			row = r == 1 ? "sustained" : "firstboot"
			if (lim[S[i], row, "top"])
				print "  " S[i] ", " row ": passed every step in " lim[S[i], row, "top"] \
					" rep(s): its ceiling is above the ladder's top"
			if (lim[S[i], row, "perfdhcp"])
				print "  " S[i] ", " row ": perfdhcp could not send the next step's rate in " \
					lim[S[i], row, "perfdhcp"] " rep(s): that ceiling is perfdhcp's, not the server's"
		}
}
