# report.awk: the table of bench/tftp/run.sh from its raw.tsv
# (lines: rep <TAB> server <TAB> row <TAB> key <TAB> value).
# Every cell is the median of the reps with the spread [min-max].
# Plain POSIX awk (mawk): no asort, no gensub.
BEGIN {
	FS = "\t"
	nserv = split(servers, S, " ")
	PXE = "pxe-tftpd"
}

{
	k = $2 SUBSEP $3 SUBSEP $4
	seen[$2] = 1
	rowseen[$2, $3] = 1
	if ($4 == "died") {
		died[$2, $3]++
		next
	}
	if ($4 == "rc") {
		runs[$2, $3]++
		if ($5 == "dead")
			dead[$2, $3]++
		else if ($5 != 0)
			bad[$2, $3]++
		next
	}
	if ($4 == "notgranted" && $5 == 1)
		notgr[$2, $3] = 1
	if ($4 == "blksize" || $4 == "windowsize")
		last[k] = $5
	if ($5 ~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/) {
		vals[k] = (k in vals) ? vals[k] " " $5 : $5
		sum[k] += $5
	}
}

# the median of a metric, scaled, or "" when there is none
function med(srv, row, key, scale) {
	if (!((srv SUBSEP row SUBSEP key) in vals)) return ""
	return median(vals[srv, row, key]) / (scale ? scale : 1)
}
function cell(srv, row, key, scale,    k, a, n, m, c) {
	if (!(srv in seen)) return "n/a"
	if (!((srv, row) in rowseen)) return "-"
	if ((srv, row) in notgr) return "not granted"
	k = srv SUBSEP row SUBSEP key
	if (!(k in vals))
		return ((srv, row) in died || (srv, row) in dead) ? "server died" : (srv, row) in bad ? "FAILED" : "-"
	if (!scale) scale = 1
	n = sortv(vals[k], a)
	m = median(vals[k]) / scale
	c = fmt(m)
	if (n > 1 && a[1] != a[n])
		c = c " [" fmt(a[1] / scale) "-" fmt(a[n] / scale) "]"
	if ((srv, row) in died)
		c = c " (died " died[srv, row] "x)"
	else if ((srv, row) in bad)
		c = c " (" bad[srv, row] " failed)"
	return c
}

function line(label, unit, row, key, scale,    i, s) {
	s = pad(label, 34) pad(unit, 8)
	for (i = 1; i <= nserv; i++)
		s = s pad(cell(S[i], row, key, scale), 24)
	print s
}
function sumline(label, unit, row, key,    i, s, c) {
	s = pad(label, 34) pad(unit, 8)
	for (i = 1; i <= nserv; i++) {
		if (!(S[i] in seen)) c = "n/a"
		else if (!((S[i], row) in rowseen)) c = "-"
		else c = ((S[i] SUBSEP row SUBSEP key) in sum ? sum[S[i], row, key] : "-") " in " runs[S[i], row] " runs"
		s = s pad(c, 24)
	}
	print s
}

function ratio(row, key, peer, scale,    a, b) {
	a = med(PXE, row, key, scale)
	b = med(peer, row, key, scale)
	if (a == "" || b == "" || b == 0) return "n/a"
	return sprintf("%.2fx", a / b)
}
function rline(label, row, key, better,    i, s) {
	s = pad(label, 34) pad(better, 8)
	for (i = 1; i <= nserv; i++)
		if (S[i] != PXE)
			s = s pad(ratio(row, key, S[i]), 24)
	print s
}

function verdict(ok, have) {
	return !have ? "n/a " : ok ? "PASS" : "FAIL"
}
# pxe-tftpd's CPU per MiB against the best (lowest) peer in a row
function cpu_target(row,    i, best, b, a, who) {
	best = ""
	for (i = 1; i <= nserv; i++) {
		if (S[i] == PXE) continue
		b = med(S[i], row, "cpu_ms_per_mib")
		if (b != "" && (best == "" || b < best)) { best = b; who = S[i] }
	}
	a = med(PXE, row, "cpu_ms_per_mib")
	printf "%s  %-58s %s\n", verdict(a != "" && best != "" && a <= 0.5 * best, a != "" && best != ""),
		"CPU/MiB <= 0.5x best peer, " row, "pxe " fmt(a) " ms/MiB vs " who " " fmt(best)
}

END {
	print "ceiling: lock-step UDP ping-pong, measured right before and after every lock-step"
	print "transfer (MB/s of file: a round trip carries packet - 4 bytes of file, as DATA does)"
	printf "  %-40s %s\n", "516 B both ways (blksize 512)", cell("ceiling", "pp516", "file_MBps") " MB/s, round trip " cell("ceiling", "pp516", "rtt_us") " us"
	printf "  %-40s %s\n", "1472 B both ways (blksize 1468)", cell("ceiling", "pp1472", "file_MBps") " MB/s, round trip " cell("ceiling", "pp1472", "rtt_us") " us"
	printf "  %-40s %s\n", "516 B out, 4 B back (DATA/ACK shape)", cell("ceiling", "pp516ack", "file_MBps") " MB/s"
	printf "  %-40s %s\n", "1472 B out, 4 B back (DATA/ACK shape)", cell("ceiling", "pp1472ack", "file_MBps") " MB/s"
	print ""

	s = pad("row", 34) pad("unit", 8)
	for (i = 1; i <= nserv; i++) s = s pad(S[i], 24)
	print s
	line("get " big " blksize 512", "MB/s", "l512", "MBps")
	line("  ping-pong around it", "MB/s", "l512", "ceiling_MBps")
	line("  % of ping-pong ceiling", "%", "l512", "pct_ceiling")
	line("  server CPU", "ms/MiB", "l512", "cpu_ms_per_mib")
	line("get " big " blksize 1468", "MB/s", "l1468", "MBps")
	line("  ping-pong around it", "MB/s", "l1468", "ceiling_MBps")
	line("  % of ping-pong ceiling", "%", "l1468", "pct_ceiling")
	line("  server CPU", "ms/MiB", "l1468", "cpu_ms_per_mib")
	line("get " big " 512, windowsize 16", "MB/s", "w512", "MBps")
	line("  server CPU", "ms/MiB", "w512", "cpu_ms_per_mib")
	line("get " big " 1468, windowsize 16", "MB/s", "w1468", "MBps")
	line("  server CPU", "ms/MiB", "w1468", "cpu_ms_per_mib")
	line(seq_n " sequential " seq_size " GETs", "GET/s", "seq", "per_s")
	line("  server CPU", "ms/MiB", "seq", "cpu_ms_per_mib")
	line("storm " storm_n " x " storm_size ", aggregate", "MiB/s", "storm", "MiBps")
	line("  slowest client", "s", "storm", "slowest")
	sumline("  failed transfers", "sum", "storm", "failed")
	line("  server CPU", "ms/MiB", "storm", "cpu_ms_per_mib")
	line("hold " hold_n ": transfers open", "count", "hold", "open")
	line("  VmRSS of the server process", "MiB", "hold", "rss_kb", 1024)
	line("  VmRSS summed over processes", "MiB", "hold", "tree_rss_kb", 1024)
	line("  PSS summed over processes", "MiB", "hold", "tree_pss_kb", 1024)
	line("  processes", "count", "hold", "procs")
	line("  threads of the server process", "count", "hold", "threads")
	print ""

	print "options granted (blksize / windowsize the server answered)"
	for (i = 1; i <= nserv; i++) {
		if (!(S[i] in seen)) { printf "  %-10s n/a\n", S[i]; continue }
		printf "  %-10s asked 512 -> %s; 1468 -> %s; 512+ws16 -> %s/%s; 1468+ws16 -> %s/%s\n", S[i],
			last[S[i], "l512", "blksize"], last[S[i], "l1468", "blksize"],
			last[S[i], "w512", "blksize"], last[S[i], "w512", "windowsize"],
			last[S[i], "w1468", "blksize"], last[S[i], "w1468", "windowsize"]
	}
	print ""

	s = pad("pxe-tftpd / peer (medians)", 34) pad("better", 8)
	for (i = 1; i <= nserv; i++) if (S[i] != PXE) s = s pad(S[i], 24)
	print s
	rline("get blksize 512", "l512", "MBps", "higher")
	rline("get blksize 1468", "l1468", "MBps", "higher")
	rline("get 512, windowsize 16", "w512", "MBps", "higher")
	rline("get 1468, windowsize 16", "w1468", "MBps", "higher")
	rline("sequential GETs/s", "seq", "per_s", "higher")
	rline("storm aggregate", "storm", "MiBps", "higher")
	rline("storm slowest client", "storm", "slowest", "lower")
	rline("CPU/MiB blksize 512", "l512", "cpu_ms_per_mib", "lower")
	rline("CPU/MiB blksize 1468", "l1468", "cpu_ms_per_mib", "lower")
	rline("CPU/MiB 512, windowsize 16", "w512", "cpu_ms_per_mib", "lower")
	rline("CPU/MiB 1468, windowsize 16", "w1468", "cpu_ms_per_mib", "lower")
	rline("CPU/MiB sequential", "seq", "cpu_ms_per_mib", "lower")
	rline("CPU/MiB storm", "storm", "cpu_ms_per_mib", "lower")
	rline("PSS holding transfers", "hold", "tree_pss_kb", "lower")
	print ""

	print "targets (pxe-tftpd, medians of this run)"
	if (!(PXE in seen)) {
		print "  n/a: pxe-tftpd did not run"
		exit
	}
	for (r = 1; r <= 2; r++) {
		row = r == 1 ? "l512" : "l1468"
		a = med(PXE, row, "pct_ceiling")
		printf "%s  %-58s %s\n", verdict(a >= 95, a != ""), "lock-step >= 95% of ping-pong ceiling, " row, fmt(a) "%"
		a = med(PXE, row, "MBps"); b = med("tftpd-hpa", row, "MBps")
		printf "%s  %-58s %s\n", verdict(a >= 1.05 * b, a != "" && b != ""), "lock-step >= 1.05x tftpd-hpa, " row,
			(a != "" && b != "" && b > 0) ? sprintf("%.2fx", a / b) : "n/a"
	}
	for (r = 1; r <= 2; r++) {
		row = r == 1 ? "w512" : "w1468"
		a = med(PXE, row, "MBps"); b = med("atftpd", row, "MBps")
		printf "%s  %-58s %s\n", verdict(a >= 1.3 * b, a != "" && b != ""), "windowsize 16 >= 1.3x atftpd, " row,
			(a != "" && b != "" && b > 0) ? sprintf("%.2fx", a / b) : "n/a"
	}
	cpu_target("l512"); cpu_target("l1468"); cpu_target("w512"); cpu_target("w1468")
	cpu_target("seq"); cpu_target("storm")
	a = med(PXE, "seq", "per_s"); b = med("dnsmasq", "seq", "per_s")
	printf "%s  %-58s %s\n", verdict(a >= 1.3 * b, a != "" && b != ""), "sequential GETs >= 1.3x dnsmasq",
		(a != "" && b != "" && b > 0) ? sprintf("%.2fx", a / b) : "n/a"
	a = (PXE SUBSEP "storm" SUBSEP "failed") in sum
	printf "%s  %-58s %s\n", verdict(a && sum[PXE, "storm", "failed"] == 0 && !((PXE, "storm") in bad), a),
		"storm: zero failed transfers", a ? sum[PXE, "storm", "failed"] " failed in " runs[PXE, "storm"] " runs" : "n/a"
	a = med(PXE, "hold", "tree_rss_kb", 1024); b = med(PXE, "hold", "open")
	printf "%s  %-58s %s\n", verdict(a <= 32 && b >= hold_n, a != ""), "RSS <= 32 MiB with " hold_n " transfers open",
		fmt(a) " MiB, " fmt(b) " open"
}
