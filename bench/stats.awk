# bench/stats.awk: what every benchmark's report.awk needs to turn
# repetitions into a table cell: medians of space-separated lists and
# number formatting.  Loaded before each report: awk -f stats.awk -f report.awk.

# list sorted numerically into a[1..n]; returns n
function sortv(list, a,    n, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++) {
		t = a[i] + 0
		for (j = i - 1; j >= 1 && a[j] + 0 > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
	return n
}
function median(list,    a, n) {
	n = sortv(list, a)
	if (n == 0) return ""
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# three significant digits or so; "-" for nothing
function fmt(v) {
	if (v == "") return "-"
	v += 0
	if (v == int(v) && (v >= 1 || v == 0)) return sprintf("%d", v)
	if (v < 0) return sprintf("%.2f", v)
	if (v >= 100) return sprintf("%.0f", v)
	if (v >= 10) return sprintf("%.1f", v)
	if (v >= 1) return sprintf("%.2f", v)
	return sprintf("%.3f", v)
}
function pad(s, w) {
	while (length(s) < w) s = s " "
	return s
}
