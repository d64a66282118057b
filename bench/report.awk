# bench/report.awk: the medians, ratios, table and TSV of bench/run.sh.
# Input: lines "ROUND ROW CELL key=value ..." (loadgen's or ceiling's line);
# -v meta=FILE (one row a line: id, label, ceiling kind, peak RSS in kB,
# TCP port, UDP port, status), tsv=FILE to write, peers="ID ...", rounds,
# secs, size, when, handler, host.
function median(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return n ? a[int((n + 1) / 2)] : ""
}
function fmt(v) { return v == "" ? "-" : sprintf("%.0f", v) }
function ratio(a, b) { return a == "" || b == "" || b == 0 ? "-" : \
	sprintf("%.2f", a / b) }
BEGIN {
	FS = "\t"
	while ((getline l < meta) > 0) {
		split(l, f, "\t")
		nrow++; order[nrow] = f[1]; label[f[1]] = f[2]
		kind[f[1]] = f[3]; rss[f[1]] = f[4]; status[f[1]] = f[7]
		udp[f[1]] = f[6]
	}
	np = split(peers, pl, " ")
	for (i = 1; i <= np; i++) ispeer[pl[i]] = 1
	ncell = split("t1 t16 u1 u16", cells, " ")
	FS = " "
	nclass = split("refused reset timeout short wrong other", classes, " ")
}
{
	r = $2; c = $3
	for (i = 4; i <= NF; i++) {
		split($i, kv, "=")
		v[kv[1]] = kv[2]
	}
	rates[r, c] = rates[r, c] " " v["rate"]
	for (k = 50; k <= 99; k += (k == 50 ? 40 : 9))
		ps[r, c, k] = ps[r, c, k] " " v["p" k "_us"]
	mx[r, c] = mx[r, c] " " v["max_us"]
	for (i = 1; i <= nclass; i++) {
		e = v[classes[i]] + 0
		errs[r, c, classes[i]] += e
		errc[r, c] += e
		errrow[r] += e
		if (e)
			errwhat[r] = errwhat[r] sprintf(" %s:%s=%d", c,
			    classes[i], e)
	}
	seen[r, c] = 1
}
END {
	for (i = 1; i <= nrow; i++) {
		r = order[i]
		for (j = 1; j <= ncell; j++) {
			c = cells[j]
			if (!seen[r, c]) continue
			med[r, c] = median(rates[r, c])
			if (ispeer[r] && med[r, c] > best[c]) {
				best[c] = med[r, c]; bestname[c] = label[r]
			}
		}
	}
	printf "date\trow\tcell\tproto\tconc\trate_median\trates" > tsv
	printf "\tp50_us\tp90_us\tp99_us\tmax_us" > tsv
	for (i = 1; i <= nclass; i++) printf "\t%s", classes[i] > tsv
	printf "\tpeak_rss_kb\tbest_peer\tratio_best_peer\tceiling" > tsv
	printf "\tratio_ceiling\tstatus\n" > tsv
	for (i = 1; i <= nrow; i++) {
		r = order[i]
		ceil = kind[r] == "spawn" ? "ceil-spawn" : "ceil-inproc"
		for (j = 1; j <= ncell; j++) {
			c = cells[j]
			proto = c ~ /^t/ ? "tcp" : "udp"; conc = substr(c, 2)
			printf "%s\t%s\t%s\t%s\t%s", when, r, c, proto, conc > tsv
			if (!seen[r, c]) {
				st = status[r] != "ok" ? status[r] : \
				    (proto == "udp" && udp[r] == "x" ? \
				    "udp did not answer" : "unsupported")
				printf "\t-\t-\t-\t-\t-\t-" > tsv
				for (k = 1; k <= nclass; k++) printf "\t-" > tsv
				printf "\t%s\t-\t-\t-\t-\t%s\n", rss[r], st > tsv
				continue
			}
			rl = rates[r, c]; sub(/^ /, "", rl); gsub(/ /, ",", rl)
			printf "\t%s\t%s\t%s\t%s\t%s\t%s", fmt(med[r, c]), rl,
			    median(ps[r, c, 50]), median(ps[r, c, 90]),
			    median(ps[r, c, 99]), median(mx[r, c]) > tsv
			for (k = 1; k <= nclass; k++)
				printf "\t%d", errs[r, c, classes[k]] > tsv
			printf "\t%s\t%s\t%s\t%s\t%s\tok\n", rss[r], bestname[c],
			    ratio(med[r, c], best[c]), ceil,
			    ratio(med[r, c], med[ceil, c]) > tsv
		}
	}
	close(tsv)

	printf "superd bench, %s: %s; %d rounds interleaved, %d s a cell, " \
	    "%d-byte echo, %s handler\n", when, host, rounds, secs, size,
	    handler
	printf "conn/s (UDP: replies/s) medians; p99 at c16 TCP; errors of " \
	    "every cell and round; RSS = peak (VmHWM)\n\n"
	printf "%-19s %8s %8s %8s %8s %7s %6s %7s  %-9s  %-9s\n", "",
	    "c1 TCP", "c16 TCP", "c1 UDP", "c16 UDP", "p99 ms", "errors",
	    "RSS MB", "/peer TCP", "/ceil TCP"
	printf "%-19s %8s %8s %8s %8s %7s %6s %7s  %-9s  %-9s\n", "", "",
	    "", "", "", "", "", "", "c1  c16", "c1  c16"
	for (i = 1; i <= nrow; i++) {
		r = order[i]
		if (status[r] != "ok") {
			printf "%-19s %s\n", label[r], status[r]
			continue
		}
		ceil = kind[r] == "spawn" ? "ceil-spawn" : "ceil-inproc"
		p99 = median(ps[r, "t16", 99])
		vsp = ispeer[r] || r ~ /^superd/
		printf "%-19s %8s %8s %8s %8s %7s %6d %7s  %4s %4s  %4s %4s\n",
		    label[r], fmt(med[r, "t1"]), fmt(med[r, "t16"]),
		    fmt(med[r, "u1"]), fmt(med[r, "u16"]),
		    p99 == "" ? "-" : sprintf("%.1f", p99 / 1000), errrow[r],
		    rss[r] == "-" ? "-" : sprintf("%.1f", rss[r] / 1024),
		    vsp ? ratio(med[r, "t1"], best["t1"]) : "-",
		    vsp ? ratio(med[r, "t16"], best["t16"]) : "-",
		    ratio(med[r, "t1"], med[ceil, "t1"]),
		    ratio(med[r, "t16"], med[ceil, "t16"])
	}
	printf "\nbest peer: c1 TCP %s, c16 TCP %s, c1 UDP %s, c16 UDP %s\n",
	    bestname["t1"] ? bestname["t1"] : "-",
	    bestname["t16"] ? bestname["t16"] : "-",
	    bestname["u1"] ? bestname["u1"] : "-",
	    bestname["u16"] ? bestname["u16"] : "-"
	printf "ceilings: external handlers against fork+exec, superd " \
	    "internal against in-process\n"
	for (i = 1; i <= nrow; i++)
		if (errrow[order[i]])
			printf "errors, %s:%s\n", label[order[i]], errwhat[order[i]]
}