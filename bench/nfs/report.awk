# report.awk: the table of bench/nfs/run.sh from its raw.tsv
# (lines: rep <TAB> server <TAB> row <TAB> key <TAB> value).
# Every cell is the median of all values recorded (the reps, and for the warm
# listing every listing of every rep) with the spread [min-max].
# Plain POSIX awk (mawk): no asort, no gensub.
BEGIN {
	FS = "\t"
	nserv = split(servers, S, " ")
	PXE = "pxe-nfsd"
	PEER = "ganesha"
}

{
	seen[$2] = 1
	rowseen[$2, $3] = 1
	if ($4 == "failed" || $4 == "died") {
		bad[$2, $3]++
		next
	}
	k = $2 SUBSEP $3 SUBSEP $4
	if ($5 ~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/)
		vals[k] = (k in vals) ? vals[k] " " $5 : $5
}

function med(srv, row, key, scale) {
	if (!((srv SUBSEP row SUBSEP key) in vals)) return ""
	return median(vals[srv, row, key]) / (scale ? scale : 1)
}
function cell(srv, row, key, scale,    k, a, n, c) {
	if (!(srv in seen)) return "n/a"
	if (!((srv, row) in rowseen)) return "-"
	k = srv SUBSEP row SUBSEP key
	if (!(k in vals)) return (srv, row) in bad ? "FAILED" : "-"
	if (!scale) scale = 1
	n = sortv(vals[k], a)
	c = fmt(median(vals[k]) / scale)
	if (n > 1 && a[1] != a[n])
		c = c " [" fmt(a[1] / scale) "-" fmt(a[n] / scale) "]"
	if ((srv, row) in bad)
		c = c " (" bad[srv, row] " failed)"
	return c
}
function line(label, unit, row, key, scale,    i, s) {
	s = pad(label, 40) pad(unit, 8)
	for (i = 1; i <= nserv; i++)
		s = s pad(cell(S[i], row, key, scale), 26)
	print s
}
function ratio(row, key, scale,    a, b) {
	a = med(PXE, row, key, scale)
	b = med(PEER, row, key, scale)
	if (a == "" || b == "" || b == 0) return ""
	return a / b
}
function rline(label, row, key, better,    r) {
	r = ratio(row, key)
	printf "%s%s%s\n", pad(label, 40), pad(better, 8), r == "" ? "n/a" : sprintf("%.2fx", r)
}
function verdict(ok, have) {
	return !have ? "n/a " : ok ? "PASS" : "FAIL"
}
function target(ok, have, what, measured) {
	printf "%s  %-56s %s\n", verdict(ok, have), what, have ? measured : "n/a"
}

END {
	printf "other tenants: the machine's busy CPU in the 1 s before each measurement, %% of one CPU\n"
	printf "(of %d): read %s, warm listing %s, listing after a start %s, hold %s\n\n", ncpu,
		cell("machine", "read", "others_pct"), cell("machine", "ls", "others_pct"),
		cell("machine", "cold", "others_pct"), cell("machine", "hold", "others_pct")
	s = pad("row", 40) pad("unit", 8)
	for (i = 1; i <= nserv; i++) s = s pad(S[i], 26)
	print s
	line("read " big_mib " MiB (nfs-cat | wc -c)", "MiB/s", "read", "MiBps")
	line("  server CPU per MiB", "ms/MiB", "read", "cpu_ms_per_mib")
	line("  server CPU", "% CPU", "read", "server_cpu_pct")
	line("  client CPU (nfs-cat + wc)", "% CPU", "read", "client_cpu_pct")
	line("  VmRSS while reading, fresh server", "MiB", "read", "rss_kb", 1024)
	line("  PSS while reading, fresh server", "MiB", "read", "pss_kb", 1024)
	line("nfs-ls -R " dirs " x " files ", warm", "ms", "ls", "ms")
	line("  server CPU per listing", "ms", "ls", "cpu_ms_per_ls")
	line("  client CPU per listing", "ms", "ls", "client_cpu_ms_per_ls")
	line("  VmRSS after the listings", "MiB", "ls", "rss_kb", 1024)
	line("  PSS after the listings", "MiB", "ls", "pss_kb", 1024)
	line("  VmHWM: peak RSS, read + listings", "MiB", "ls", "hwm_kb", 1024)
	line("nfs-ls -R, first after a start", "ms", "cold", "ms")
	line("  server CPU for it", "ms", "cold", "cpu_ms_per_ls")
	line("  VmRSS of the fresh server", "MiB", "cold", "fresh_rss_kb", 1024)
	line("  PSS of the fresh server", "MiB", "cold", "fresh_pss_kb", 1024)
	line(hold_n " idle TCP connections, " hold_secs " s", "", "hold", "")
	line("  opened and answered a NULL", "count", "hold", "ready_answered")
	line("  answered a NULL after the hold", "count", "hold", "done_answered")
	line("  VmRSS before", "MiB", "hold", "before_rss_kb", 1024)
	line("  VmRSS added while held", "MiB", "hold", "added_rss_kb", 1024)
	line("  PSS added while held", "MiB", "hold", "added_pss_kb", 1024)
	line("  server CPU to open them", "ms", "hold", "setup_cpu_ms")
	line("  server CPU while held, " hold_secs - 2 " s", "ms", "hold", "hold_cpu_ms")
	print ""

	print "pxe-nfsd / ganesha (medians)           better  ratio"
	rline("read MiB/s", "read", "MiBps", "higher")
	rline("server CPU per MiB read", "read", "cpu_ms_per_mib", "lower")
	rline("nfs-ls -R warm", "ls", "ms", "lower")
	rline("nfs-ls -R after a start", "cold", "ms", "lower")
	rline("server CPU per listing, warm", "ls", "cpu_ms_per_ls", "lower")
	rline("server CPU per listing, after a start", "cold", "cpu_ms_per_ls", "lower")
	rline("VmRSS while reading, fresh server", "read", "rss_kb", "lower")
	rline("VmRSS after the listings", "ls", "rss_kb", "lower")
	rline("peak RSS, read + listings", "ls", "hwm_kb", "lower")
	rline("PSS after the listings", "ls", "pss_kb", "lower")
	rline("memory added by the idle connections", "hold", "added_rss_kb", "lower")
	print ""

	print "targets (pxe-nfsd, medians of this run)"
	if (!(PXE in seen) || !(PEER in seen)) {
		print "  n/a: both servers must run"
		exit
	}
	r = ratio("read", "MiBps")
	target(r != "" && r >= 1.0, r != "", "read MiB/s >= 1.0x ganesha", sprintf("%.2fx", r))
	c = ratio("read", "cpu_ms_per_mib")
	target(c != "" && c <= 0.5, c != "", "server CPU per MiB read <= 0.5x ganesha's",
		sprintf("%.2fx (%s vs %s ms/MiB)", c, fmt(med(PXE, "read", "cpu_ms_per_mib")),
			fmt(med(PEER, "read", "cpu_ms_per_mib"))))
	r = ratio("ls", "ms")
	target(r != "" && r <= 1.0, r != "", "nfs-ls -R warm <= 1.0x ganesha", sprintf("%.2fx", r))
	r = ratio("cold", "ms")
	target(r != "" && r <= 1.0, r != "", "nfs-ls -R after a start <= 1.0x ganesha", sprintf("%.2fx", r))
	for (j = 1; j <= 2; j++) {
		row = j == 1 ? "read" : "ls"
		key = j == 1 ? "rss_kb" : "hwm_kb"
		r = ratio(row, key)
		target(r != "" && r <= 0.25, r != "", "RSS <= 0.25x ganesha's, " (j == 1 ? "reading, fresh server" : "peak of read + listings"),
			sprintf("%.2fx (%s vs %s MiB)", r, fmt(med(PXE, row, key, 1024)), fmt(med(PEER, row, key, 1024))))
	}
	a = med(PXE, "hold", "added_rss_kb", 1024); b = med(PXE, "hold", "ready_answered")
	d = med(PXE, "hold", "done_answered")
	target(a != "" && a <= 64 && b >= hold_n, a != "", hold_n " idle TCP connections cost <= 64 MiB",
		fmt(a) " MiB added, " fmt(b) " answered, " fmt(d) " still answering after " hold_secs " s")
	a = med(PXE, "hold", "hold_cpu_ms")
	# "no CPU": at most one clock tick (10 ms) over the hold, the last NULL calls not counted
	target(a != "" && a <= 10, a != "", "... and no CPU while held (<= 10 ms, one tick)",
		fmt(a) " ms in " hold_secs - 2 " s")
}
