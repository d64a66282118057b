# bench/chart.awk: bench/run.sh's TSV drawn as one self-contained SVG.
#   awk -f bench/chart.awk bench/results/bench-DATE.tsv >chart.svg
# A panel a cell (TCP c1, TCP c16, UDP c1, UDP c16), a horizontal bar a
# row in each, on the panel's own linear scale; superd's rows in their own
# colour with bold labels; the limit and the ceilings as labelled lines
# across every panel.  Columns are found by their header's names.
# Options: -v when=DATE host=MACHINE (the title; else the TSV's `date` and
# `host` or `machine` columns, or `# key: value` comment lines), cells="t1
# t16 u1 u16" (the panels), lines="limit ceil-spawn ceil-inproc" (the rows
# drawn as lines).

function esc(s) {
	gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s)
	gsub(/"/, "\\&quot;", s)
	return s
}
# A rate's figure, as the text table prints it.
function num(v) { return sprintf("%.0f", v) }
function isnum(v) { return v ~ /^[0-9]+([.][0-9]+)?$/ }
# The smallest of 1, 2 and 5 times a power of ten that splits v in at
# most 4 steps, so the grid lines fall on round figures.
function step(v,   p, m) {
	p = 1
	while (p * 10 <= v)
		p *= 10
	m = v / p
	return m <= 4 ? (m <= 2 ? p / 2 : p) : (m <= 8 ? 2 * p : 5 * p)
}
function issuperd(r) { return r ~ /^superd/ }
function text(x, y, s, attr) {
	printf "<text x=\"%.1f\" y=\"%.1f\"%s>%s</text>\n", x, y,
	    attr == "" ? "" : " " attr, esc(s)
}

# Section k from y: its name, the limit lines' labels, a panel a cell
# with a bar a row; returns the y under it.
function section(k, y,   top, i, j, c, r, x0, x, g, w, ly, s, yy) {
	if (secname[k] != "")
		text(10, y + 12, secname[k], "font-weight=\"bold\" fill=\"#333333\"")
	top = y + 16 + 13 * nl[k] + 16
	for (i = 1; i <= nb[k]; i++) {
		r = brow[k, i]
		yy = top + (i - 1) * rowh
		if (i % 2 == 0)
			printf "<rect x=\"0\" y=\"%.1f\" width=\"%d\" " \
			    "height=\"%d\" fill=\"#f4f4f4\"/>\n", yy, width, rowh
		text(labw - 8, yy + rowh - 5, r in name ? name[r] : r,
		    "text-anchor=\"end\"" (issuperd(r) ? \
		    " font-weight=\"bold\" fill=\"#b34700\"" : ""))
	}
	for (j = 1; j <= ncell; j++) {
		c = cell[j]
		x0 = labw + (j - 1) * (panw + gap)
		text(x0, top - 4, c in heading ? heading[c] : c,
		    "font-weight=\"bold\"")
		# The grid: a line at each step, its figure under the panel.
		for (g = 0; g <= max[k, c]; g += stepof[k, c]) {
			x = x0 + panw * g / max[k, c]
			printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" " \
			    "y2=\"%d\" stroke=\"#dddddd\"/>\n", x, top, x,
			    top + nb[k] * rowh
			text(x, top + nb[k] * rowh + 12, num(g),
			    "text-anchor=\"middle\" fill=\"#777777\" font-size=\"9\"")
		}
		for (i = 1; i <= nb[k]; i++) {
			r = brow[k, i]
			yy = top + (i - 1) * rowh
			if (!((r, c) in rate)) {
				text(x0 + 4, yy + rowh - 5, "-",
				    "class=\"none\" fill=\"#999999\"")
				continue
			}
			w = panw * rate[r, c] / max[k, c]
			printf "<rect class=\"%s\" data-row=\"%s\" data-cell=" \
			    "\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" " \
			    "height=\"%d\" fill=\"%s\"><title>%s %s: %s</title>" \
			    "</rect>\n", issuperd(r) ? "bar superd" : "bar",
			    esc(r), esc(c), x0, yy + (rowh - barh) / 2, w, barh,
			    issuperd(r) ? "#e6550d" : "#6b8fb5",
			    esc(r in name ? name[r] : r), esc(c), num(rate[r, c])
			# The figure after the bar, or inside it near the edge.
			if (w > panw - 40)
				text(x0 + w - 3, yy + rowh - 5, num(rate[r, c]),
				    "text-anchor=\"end\" fill=\"#ffffff\"" \
				    " font-size=\"10\"")
			else
				text(x0 + w + 3, yy + rowh - 5, num(rate[r, c]),
				    "font-size=\"10\"" (issuperd(r) ? \
				    " font-weight=\"bold\"" : ""))
		}
		# The limits: a dashed line down the panel, its name and
		# figure on a text line of its own above, so none overlap.
		for (i = 1; i <= nl[k]; i++) {
			r = lrow[k, i]
			if (!((r, c) in rate))
				continue
			x = x0 + panw * rate[r, c] / max[k, c]
			ly = y + 16 + 13 * i
			printf "<line class=\"limit\" data-row=\"%s\" " \
			    "data-cell=\"%s\" x1=\"%.1f\" y1=\"%d\" " \
			    "x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" " \
			    "stroke-width=\"1.5\" stroke-dasharray=\"5,3\"/>\n",
			    esc(r), esc(c), x, ly + 2, x, top + nb[k] * rowh,
			    colour[r]
			s = (r in name ? name[r] : r) " " num(rate[r, c])
			text(x + (x - x0 > panw / 2 ? -3 : 3), ly, s,
			    "font-size=\"10\" fill=\"" colour[r] "\"" \
			    (x - x0 > panw / 2 ? " text-anchor=\"end\"" : ""))
		}
	}
	return top + nb[k] * rowh + 22
}

BEGIN {
	FS = "\t"
	if (cells == "")
		cells = "t1 t16 u1 u16"
	if (lines == "")
		lines = "limit ceil-spawn ceil-inproc"
	ncell = split(cells, cell, " ")
	nline = split(lines, a, " ")
	for (i = 1; i <= nline; i++)
		isline[a[i]] = i
	heading["t1"] = "TCP c1"; heading["t16"] = "TCP c16"
	heading["u1"] = "UDP c1"; heading["u16"] = "UDP c16"
	colour["limit"] = "#d62728"; colour["ceil-spawn"] = "#2ca02c"
	colour["ceil-inproc"] = "#9467bd"
	spare[1] = "#8c564b"; spare[2] = "#17becf"; spare[3] = "#7f7f7f"
}

/^#/ {
	# `# key: value` or `# key=value`: a date or a machine for the title.
	s = $0
	sub(/^#[ \t]*/, "", s)
	if (match(s, /^[A-Za-z_]+[ \t]*[:=][ \t]*/)) {
		k = tolower(substr(s, 1, RLENGTH)); v = substr(s, RLENGTH + 1)
		gsub(/[ \t:=]/, "", k)
		if ((k == "date" || k == "when") && tsvwhen == "")
			tsvwhen = v
		else if ((k == "host" || k == "machine") && tsvhost == "")
			tsvhost = v
	}
	next
}

!header {
	for (i = 1; i <= NF; i++)
		col[$i] = i
	header = 1
	if (!("row" in col) || !("cell" in col) || !("rate_median" in col)) {
		printf "chart.awk: %s: no row, cell or rate_median column\n",
		    FILENAME >"/dev/stderr"
		bad = 1
		exit 1
	}
	next
}

{
	r = $col["row"]; c = $col["cell"]
	if (r == "")
		next
	if (!(r in seen)) {
		seen[r] = 1
		nrow++; order[nrow] = r
	}
	if ("label" in col && $col["label"] != "")
		name[r] = $col["label"]
	if ("date" in col && tsvwhen == "")
		tsvwhen = $col["date"]
	if ("host" in col && tsvhost == "")
		tsvhost = $col["host"]
	if ("machine" in col && tsvhost == "")
		tsvhost = $col["machine"]
	v = $col["rate_median"]
	if (isnum(v))
		rate[r, c] = v + 0
	if ("ceiling" in col && $col["ceiling"] == "ceil-inproc" ||
	    r == "ceil-inproc") {
		inproc[r] = 1
		nsec2 = 1
	}
	st = "status" in col ? $col["status"] : "ok"
	if (st != "ok" && st != "not served" && !(r in why))
		why[r] = st
}

END {
	if (bad)
		exit 1
	if (when == "")
		when = tsvwhen
	if (host == "")
		host = tsvhost

	# Two sections, each panel on its own scale in each, so that rows
	# spawning a process per connection are not squashed beside the
	# in-process ones: a row is in-process when its ceiling is.
	for (i = 1; i <= nrow; i++) {
		r = order[i]
		k = r in inproc ? 2 : 1
		if (r in isline) {
			nl[k]++; lrow[k, nl[k]] = r; nlines++
			if (!(r in colour))
				colour[r] = spare[(nlines - 1) % 3 + 1]
		} else {
			nb[k]++; brow[k, nb[k]] = r
		}
	}
	secname[1] = "a process per connection (UDP: per datagram)"
	secname[2] = "no process per connection: in superd, or one long-lived " \
	    "handler"
	if (!nsec2)
		secname[1] = ""
	for (k = 1; k <= 2; k++)
		for (j = 1; j <= ncell; j++) {
			c = cell[j]; m = 0
			for (i = 1; i <= nrow; i++) {
				r = order[i]
				if ((r in inproc ? 2 : 1) == k && (r, c) in rate &&
				    rate[r, c] > m)
					m = rate[r, c]
			}
			if (m == 0)
				m = 1
			st = step(m)
			max[k, c] = st * (int(m / st) + (m % st > 0))
			stepof[k, c] = st
		}

	labw = 210; panw = 230; gap = 24; rowh = 18; barh = 12
	# A section: its name, a text line a limit line, the panels'
	# headings, the rows, the grid's figures.
	height = 44
	for (k = 1; k <= 2; k++)
		if (nb[k] + nl[k] > 0)
			height += 16 + 13 * nl[k] + 16 + nb[k] * rowh + 22
	for (i = 1; i <= nrow; i++)
		if (order[i] in why)
			height += 14
	width = labw + ncell * (panw + gap) + 10

	printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" " \
	    "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" " \
	    "font-size=\"11\">\n", width, height, width, height
	printf "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n"
	t = "superd bench"
	if (when != "")
		t = t ", " when
	if (host != "")
		t = t ": " host
	text(10, 20, t, "font-size=\"15\" font-weight=\"bold\"")
	text(10, 36, "connections a second (UDP: replies a second), " \
	    "medians; each panel on its own scale; superd's rows in orange",
	    "fill=\"#555555\"")
	y0 = 44
	for (k = 1; k <= 2; k++)
		if (nb[k] + nl[k] > 0)
			y0 = section(k, y0)

	# Why a row has no bars, under the chart.
	y = y0 + 6
	for (i = 1; i <= nrow; i++) {
		r = order[i]
		if (!(r in why))
			continue
		s = (r in name ? name[r] : r) ": " why[r]
		if (length(s) > 150)
			s = substr(s, 1, 147) "..."
		text(10, y, s, "fill=\"#777777\" font-size=\"10\"")
		y += 14
	}
	printf "</svg>\n"
}
