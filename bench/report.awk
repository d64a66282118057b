# bench/report.awk: the medians, ratios, table and TSV of bench/run.sh.
# Input: lines "ROUND ROW CELL key=value ..." (loadgen's or ceiling's line;
# in UDP cells where perf counted them, forks=N: the handler processes the
# server started); -v meta=FILE (one row a line: id, label, kind, peak RSS
# in kB, TCP port, UDP port, status, why UDP is missing, private and
# proportional memory in kB, from smaps_rollup), tsv=FILE to
# write, peers="ID ...", rounds, secs, size, when, handler, host, once and
# long (the echo's -t in the two UDP modes), forknote (why forks were not
# counted, or empty).
#
# A row's ratio to the best peer is to the best peer of the same kind:
# over TCP every peer spawns a process per connection, so every row is
# held against all of them; over UDP a row that spawns per datagram (kind
# spawn) is held against the peers' `echo ONCE` rows, and a row that
# does not (kind inproc: superd internal and the long-lived echoes) against
# the peers' long-lived `echo LONG` rows.  Rows that spawn are also held
# against the like-for-like limit (row "limit", bench/minimal) over TCP.
# Under the table, the issue's targets: each measured ratio, met or MISSED.
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
# The group of peers a row's cell is held against (see above).
function group(r, c) { return c ~ /^t/ ? "spawn" : kind[r] }
function bestrate(r, c) { return best[c, group(r, c)] }
function bestpeer(r, c) { return bestname[c, group(r, c)] }
# True when row r's cell c is held against the like-for-like limit: a TCP
# cell of a row that spawns a process per connection.
function vslimit(r, c) { return c ~ /^t/ && kind[r] == "spawn" && \
	seen[r, c] && seen["limit", c] }
# One line of the targets block: WHAT, the measured value V (or "" when
# not measured, WHY), OP ("ge" or "le") against GOAL, written GOALTXT;
# NOTE (what it was compared with) at the end.
function target(what, v, op, goal, goaltxt, note, why,   ok) {
	if (v == "") {
		printf "  %-46s %7s  %-8s %-7s not measured: %s\n", what, "-",
		    goaltxt, "-", why
		nmissed++
		return
	}
	ok = op == "ge" ? v + 0 >= goal : v + 0 <= goal
	printf "  %-46s %7s  %-8s %-7s %s\n", what, v, goaltxt,
	    ok ? "met" : "MISSED", note
	if (ok) nmet++; else nmissed++
}
# The ratio of row r's cell c to rate b, or "" when either is missing.
function tratio(r, c, b) { return seen[r, c] && b != "" && b > 0 ? \
	sprintf("%.2fx", med[r, c] / b) : "" }
# Why row r's cell c has no figure.
function twhy(r, c) { return status[r] != "ok" && status[r] != "" ? \
	label[r] ": " status[r] : label[r] " not measured" }
# Why row r's cell c has no ratio to row o's (or to the best peer when
# o is "").
function tmiss(r, c, o) {
	if (!seen[r, c]) return twhy(r, c)
	if (o == "") return "no peer measured"
	return twhy(o, c)
}
function bestof(c) { return bestname[c, "spawn"] ? bestname[c, "spawn"] : \
	"-" }
# The targets of issue 17 against this run.
function targets(   n, c, r, i, bad, e, bp, v, g) {
	printf "\ntargets (issue 17), this run:\n"
	target("TCP c1: superd external / best peer",
	    tratio("superd-ext", "t1", best["t1", "spawn"]), "ge", 1.05,
	    ">= 1.05x", bestof("t1"), tmiss("superd-ext", "t1", ""))
	target("TCP c1: superd external / like-for-like limit",
	    tratio("superd-ext", "t1", med["limit", "t1"]), "ge", 1.0,
	    ">= 1.00x", "bench/minimal", tmiss("superd-ext", "t1", "limit"))
	target("TCP c16: superd external / best peer",
	    tratio("superd-ext", "t16", best["t16", "spawn"]), "ge", 1.0,
	    ">= 1.00x", bestof("t16"), tmiss("superd-ext", "t16", ""))
	for (n = 1; n <= 16; n += 15) {
		c = "u" n
		target("UDP c" n ": superd dgram nowait / best peer",
		    tratio("superd-ext", c, best[c, "spawn"]), "ge", 1.0,
		    ">= 1.00x", bestof(c) " (dgram wait, echo " once ")",
		    tmiss("superd-ext", c, ""))
	}
	for (n = 1; n <= 16; n += 15) {
		c = "u" n
		target("UDP c" n ": superd dgram wait / busybox inetd",
		    seen["busybox-inetd", c] ? tratio("superd-once", c,
		    med["busybox-inetd", c]) : "", "ge", 1.0, ">= 1.00x",
		    "both dgram wait, echo " once,
		    tmiss("superd-once", c, "busybox-inetd"))
	}
	for (n = 1; n <= 16; n += 15) {
		c = "t" n
		target("TCP c" n ": superd internal / in-process ceiling",
		    tratio("superd-int", c, med["ceil-inproc", c]), "ge", 0.95,
		    ">= 0.95x", "bench/ceiling serve",
		    tmiss("superd-int", c, "ceil-inproc"))
	}
	target("superd external: private memory (KiB)",
	    priv["superd-ext"] ~ /^[0-9]+$/ ? priv["superd-ext"] : "", "le",
	    256, "<= 256", "Private_Clean+Dirty, 64 handlers running",
	    status["superd-ext"] == "ok" ? "no smaps_rollup figure" : \
	    twhy("superd-ext", "t1"))
	target("superd external, static: RSS (KiB)",
	    status["superd-static"] == "ok" && rss["superd-static"] ~ \
	    /^[0-9]+$/ ? rss["superd-static"] : "", "le", 512, "<= 512",
	    "VmHWM, 64 handlers running", status["superd-static"] == "ok" ? \
	    "no VmHWM figure" : twhy("superd-static", "t1"))
	bad = ""; e = 0
	for (i = 1; i <= nrow; i++) {
		r = order[i]
		if (r !~ /^superd/ || status[r] != "ok") continue
		e += errrow[r]
		if (errrow[r]) bad = bad (bad == "" ? "" : ", ") label[r] " " \
		    errrow[r]
	}
	target("errors, every superd row", e, "le", 0, "0", bad)
	# The best peer is the one of the highest rate at c16 TCP.
	bp = ""
	for (i = 1; i <= nrow; i++)
		if (label[order[i]] == bestname["t16", "spawn"]) bp = order[i]
	v = g = ""
	if (bp != "" && seen["superd-ext", "t16"]) {
		v = sprintf("%.1f", median(ps["superd-ext", "t16", 99]) / 1000)
		g = median(ps[bp, "t16", 99]) / 1000
	}
	target("p99 c16 TCP: superd external (ms)", v, "le", g,
	    g == "" ? "<= peer" : sprintf("<= %.1f", g),
	    bestof("t16") "'s p99", tmiss("superd-ext", "t16", bp))
	printf "  %d met, %d missed or not measured\n", nmet, nmissed
}
# Handler processes per reply over the rounds perf counted, or "".
function perreply(r, c) { return fkn[r, c] && rep[r, c] ? \
	sprintf("%.2f", fk[r, c] / rep[r, c]) : "" }
# A UDP rate; starred when a row meant to spawn per datagram started
# fewer than 0.95 handlers a reply (its echo also answered the datagrams
# queued behind the one it was started for).
function urate(r, c,   pr) {
	pr = perreply(r, c)
	if (kind[r] != "spawn" || pr == "" || pr + 0 >= 0.95)
		return fmt(med[r, c])
	starred = 1
	return fmt(med[r, c]) "*"
}
BEGIN {
	FS = "\t"
	while ((getline l < meta) > 0) {
		split(l, f, "\t")
		nrow++; order[nrow] = f[1]; label[f[1]] = f[2]
		kind[f[1]] = f[3]; rss[f[1]] = f[4]; status[f[1]] = f[7]
		tcp[f[1]] = f[5]; udp[f[1]] = f[6]; uwhy[f[1]] = f[8]
		priv[f[1]] = f[9]; pss[f[1]] = f[10]
		if (length(f[2]) > w) w = length(f[2])
	}
	np = split(peers, pl, " ")
	for (i = 1; i <= np; i++) ispeer[pl[i]] = 1
	ncell = split("t1 t16 u1 u16", cells, " ")
	FS = " "
	nclass = split("refused reset timeout short wrong other", classes, " ")
	if (w < 19) w = 19
	lab = "%-" w "s"
}
{
	r = $2; c = $3
	delete v
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
	}
	if (v["forks"] ~ /^[0-9]+$/) {
		fkn[r, c]++; fk[r, c] += v["forks"]; rep[r, c] += v["conns"]
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
			g = group(r, c)
			if (ispeer[r] && med[r, c] > best[c, g]) {
				best[c, g] = med[r, c]; bestname[c, g] = label[r]
			}
		}
	}
	printf "date\trow\tcell\tproto\tconc\trate_median\trates" > tsv
	printf "\tp50_us\tp90_us\tp99_us\tmax_us" > tsv
	for (i = 1; i <= nclass; i++) printf "\t%s", classes[i] > tsv
	printf "\tpeak_rss_kb\tbest_peer\tratio_best_peer\tceiling" > tsv
	printf "\tratio_ceiling\thandler_forks\tforks_per_reply\tstatus" > tsv
	printf "\tpriv_kb\tpss_kb\tlimit\tratio_limit\tlabel\n" > tsv
	for (i = 1; i <= nrow; i++) {
		r = order[i]
		ceil = kind[r] == "spawn" ? "ceil-spawn" : "ceil-inproc"
		for (j = 1; j <= ncell; j++) {
			c = cells[j]
			proto = c ~ /^t/ ? "tcp" : "udp"; conc = substr(c, 2)
			printf "%s\t%s\t%s\t%s\t%s", when, r, c, proto, conc > tsv
			if (!seen[r, c]) {
				port = proto == "tcp" ? tcp[r] : udp[r]
				st = status[r] != "ok" ? status[r] : \
				    port == "x" ? "udp " uwhy[r] : \
				    port == "-" ? "not served" : "not measured"
				printf "\t-\t-\t-\t-\t-\t-" > tsv
				for (k = 1; k <= nclass; k++) printf "\t-" > tsv
				printf "\t%s\t-\t-\t-\t-\t-\t-\t%s", rss[r],
				    st > tsv
				printf "\t%s\t%s\t-\t-\t%s\n", priv[r], pss[r],
				    label[r] > tsv
				continue
			}
			rl = rates[r, c]; sub(/^ /, "", rl); gsub(/ /, ",", rl)
			printf "\t%s\t%s\t%s\t%s\t%s\t%s", fmt(med[r, c]), rl,
			    median(ps[r, c, 50]), median(ps[r, c, 90]),
			    median(ps[r, c, 99]), median(mx[r, c]) > tsv
			for (k = 1; k <= nclass; k++)
				printf "\t%d", errs[r, c, classes[k]] > tsv
			pr = perreply(r, c)
			printf "\t%s\t%s\t%s\t%s\t%s\t%s\t%s\tok", rss[r],
			    bestpeer(r, c) == "" ? "-" : bestpeer(r, c),
			    ratio(med[r, c], bestrate(r, c)), ceil,
			    ratio(med[r, c], med[ceil, c]),
			    fkn[r, c] ? fk[r, c] : "-", pr == "" ? "-" : pr > tsv
			lim = vslimit(r, c)
			printf "\t%s\t%s\t%s\t%s\t%s\n", priv[r], pss[r],
			    lim ? "limit" : "-",
			    lim ? ratio(med[r, c], med["limit", c]) : "-",
			    label[r] > tsv
		}
	}
	close(tsv)

	printf "superd bench, %s: %s; %d rounds interleaved, %d s a cell, " \
	    "%d-byte echo, %s handler\n", when, host, rounds, secs, size,
	    handler
	printf "conn/s (UDP: replies/s) medians; p99 at c16 TCP; errors of " \
	    "every cell and round; RSS = peak (VmHWM)\n"
	printf "UDP, first rows: a handler process per datagram (superd " \
	    "dgram nowait; peers dgram wait, echo %s);\n", once
	printf "UDP-only rows at the end: dgram wait, one long-lived " \
	    "echo %s for every datagram\n\n", long
	hdr = lab " %8s %8s %8s %8s %7s %6s %7s %7s %7s  %-9s  %-9s  %-9s" \
	    "  %-10s\n"
	printf hdr, "", "c1 TCP", "c16 TCP", "c1 UDP", "c16 UDP", "p99 ms",
	    "errors", "RSS MB", "Priv KB", "Pss KB", "/peer TCP", "/peer UDP",
	    "/ceil TCP", "/limit TCP"
	printf hdr, "", "", "", "", "", "", "", "", "", "", "c1  c16",
	    "c1  c16", "c1  c16", "c1  c16"
	row = lab " %8s %8s %8s %8s %7s %6d %7s %7s %7s  %4s %4s  %4s %4s" \
	    "  %4s %4s  %4s %4s\n"
	for (i = 1; i <= nrow; i++) {
		r = order[i]
		if (r ~ /-ll$/ && !captioned) {
			printf "-- UDP only: one long-lived echo %s (no " \
			    "process per datagram); TCP not served --\n", long
			captioned = 1
		}
		if (status[r] != "ok") {
			printf lab " %s\n", label[r], status[r]
			continue
		}
		ceil = kind[r] == "spawn" ? "ceil-spawn" : "ceil-inproc"
		p99 = median(ps[r, "t16", 99])
		vsp = ispeer[r] || r ~ /^superd/ || r == "limit"
		printf row, label[r], fmt(med[r, "t1"]), fmt(med[r, "t16"]),
		    urate(r, "u1"), urate(r, "u16"),
		    p99 == "" ? "-" : sprintf("%.1f", p99 / 1000), errrow[r],
		    rss[r] == "-" ? "-" : sprintf("%.1f", rss[r] / 1024),
		    priv[r] == "" ? "-" : priv[r], pss[r] == "" ? "-" : pss[r],
		    vsp ? ratio(med[r, "t1"], bestrate(r, "t1")) : "-",
		    vsp ? ratio(med[r, "t16"], bestrate(r, "t16")) : "-",
		    vsp ? ratio(med[r, "u1"], bestrate(r, "u1")) : "-",
		    vsp ? ratio(med[r, "u16"], bestrate(r, "u16")) : "-",
		    ratio(med[r, "t1"], med[ceil, "t1"]),
		    ratio(med[r, "t16"], med[ceil, "t16"]),
		    vslimit(r, "t1") ? ratio(med[r, "t1"], med["limit", "t1"]) : "-",
		    vslimit(r, "t16") ? ratio(med[r, "t16"], med["limit", "t16"]) : "-"
	}
	targets()
	if (starred)
		printf "* fewer than 0.95 handler processes a reply: not a " \
		    "process per datagram (counts below)\n"
	printf "\nbest peer: TCP c1 %s, c16 %s\n",
	    bestname["t1", "spawn"] ? bestname["t1", "spawn"] : "-",
	    bestname["t16", "spawn"] ? bestname["t16", "spawn"] : "-"
	printf "  UDP, process per datagram (for superd external): " \
	    "c1 %s, c16 %s\n",
	    bestname["u1", "spawn"] ? bestname["u1", "spawn"] : "-",
	    bestname["u16", "spawn"] ? bestname["u16", "spawn"] : "-"
	printf "  UDP, long-lived (for superd internal and the long-lived " \
	    "rows): c1 %s, c16 %s\n",
	    bestname["u1", "inproc"] ? bestname["u1", "inproc"] : "-",
	    bestname["u16", "inproc"] ? bestname["u16", "inproc"] : "-"
	printf "ceilings: external handlers against fork+exec (one spawning " \
	    "process, as a super-server is;\n  the N-processes row, one " \
	    "per client, is for reference), superd internal against " \
	    "in-process\n"
	if (forknote != "") {
		printf "handler processes per UDP reply: not counted: %s\n",
		    forknote
	} else {
		printf "handler processes per UDP reply (the server's forks, " \
		    "counted by perf; 1.00 = one per datagram):\n"
		for (i = 1; i <= nrow; i++) {
			r = order[i]
			if (!fkn[r, "u1"] && !fkn[r, "u16"]) continue
			a = perreply(r, "u1"); b = perreply(r, "u16")
			printf "  " lab "  c1 %5s  c16 %5s\n", label[r],
			    a == "" ? "-" : a, b == "" ? "-" : b
		}
	}
	for (i = 1; i <= nrow; i++)
		if (uwhy[order[i]] != "")
			printf "UDP missing, %s: %s\n", label[order[i]],
			    uwhy[order[i]]
	# The errors of each row by cell and class, summed over the rounds.
	for (i = 1; i <= nrow; i++) {
		r = order[i]
		if (!errrow[r]) continue
		what = ""
		for (j = 1; j <= ncell; j++)
			for (k = 1; k <= nclass; k++)
				if (errs[r, cells[j], classes[k]])
					what = what sprintf(" %s:%s=%d", cells[j],
					    classes[k], errs[r, cells[j], classes[k]])
		printf "errors, %s:%s\n", label[r], what
	}
}
