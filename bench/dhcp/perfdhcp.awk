# perfdhcp.awk: perfdhcp -4's final report as one line of key=value pairs,
# for bench/dhcp/run.sh.  do_ is the DISCOVER-OFFER exchange, ra_ the
# REQUEST-ACK one; delays in ms.  A figure perfdhcp prints as n/a or inf
# (nothing received) is left out.  Plain POSIX awk (mawk).
/Statistics for: DISCOVER-OFFER/ { p = "do_"; next }
/Statistics for: REQUEST-ACK/ { p = "ra_"; next }
/^Malformed packets:/ { put("malformed", $3) }
p == "" { next }
/^sent packets:/ { put(p "sent", $3) }
/^received packets:/ { put(p "rcvd", $3) }
/^drops:/ { put(p "drops", $2) }
/^orphans:/ { put(p "orphans", $2) }
/^rejected leases:/ { put(p "rejected", $3) }
/^min delay:/ { put(p "min_ms", $3) }
/^avg delay:/ { put(p "avg_ms", $3) }
/^max delay:/ { put(p "max_ms", $3) }
/^std deviation:/ { put(p "std_ms", $3) }

function put(k, v) {
	if (v ~ /^[0-9]+(\.[0-9]+)?$/ && !(k in seen)) {
		seen[k] = 1
		out = out (out == "" ? "" : " ") k "=" v
	}
}
END { print out }
