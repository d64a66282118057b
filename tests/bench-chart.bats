#!/usr/bin/env bats
# bench/chart.awk: the bench's TSV drawn as an SVG.  Fed a small TSV whose
# columns are in another order than run.sh's, with an extra one; the
# rows' names come from its label column.

load helpers/common

setup() {
	cd "$BATS_TEST_TMPDIR"
	{
		printf '# host: testbox, 2 cpus\n'
		printf 'extra\tcell\trow\tdate\trate_median\tceiling\tstatus\tlabel\n'
		for c in t1 t16 u1 u16; do
			printf 'x\t%s\tsuperd-ext\t2026-01-02 03:04 UTC\t700\tceil-spawn\tok\tsuperd external\n' "$c"
			printf 'x\t%s\tlimit\t2026-01-02 03:04 UTC\t800\tceil-spawn\tok\tlike-for-like limit\n' "$c"
			printf 'x\t%s\tceil-spawn\t2026-01-02 03:04 UTC\t900\tceil-spawn\tok\tfork+exec ceiling\n' "$c"
			printf 'x\t%s\tceil-inproc\t2026-01-02 03:04 UTC\t14000\tceil-inproc\tok\tin-process ceiling\n' "$c"
			printf 'x\t%s\tsuperd-int\t2026-01-02 03:04 UTC\t13000\tceil-inproc\tok\tsuperd internal\n' "$c"
			printf 'x\t%s\tbusybox-inetd\t2026-01-02 03:04 UTC\t-\t-\tmissing: no applet\tbusybox inetd\n' "$c"
		done
		printf 'x\tt1\ttcpserver\t2026-01-02 03:04 UTC\t650\tceil-spawn\tok\ttcpserver\n'
		printf 'x\tt16\ttcpserver\t2026-01-02 03:04 UTC\t690\tceil-spawn\tok\ttcpserver\n'
		printf 'x\tu1\ttcpserver\t2026-01-02 03:04 UTC\t-\t-\tnot served\ttcpserver\n'
		printf 'x\tu16\ttcpserver\t2026-01-02 03:04 UTC\t-\t-\tnot served\ttcpserver\n'
	} >b.tsv
	run -0 awk -f "$ROOT/bench/chart.awk" b.tsv
	printf '%s\n' "$output" >b.svg
}

@test "chart.awk writes a well-formed SVG titled with the TSV's date and host" {
	run -0 python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' b.svg
	grep -q '>superd bench, 2026-01-02 03:04 UTC: testbox, 2 cpus</text>' b.svg
}

@test "chart.awk draws one bar a served cell, superd's marked" {
	# superd-ext and superd-int in 4 cells, tcpserver in 2; none for the
	# missing row or the cells not served.
	[ "$(grep -c '<rect class="bar' b.svg)" -eq 10 ]
	[ "$(grep -c '<rect class="bar superd"' b.svg)" -eq 8 ]
	[ "$(grep -c 'class="bar".*data-row="tcpserver"' b.svg)" -eq 2 ]
	! grep -q 'data-row="busybox-inetd"' b.svg
	grep -q 'font-weight="bold" fill="#b34700">superd external</text>' b.svg
	grep -q 'busybox inetd: missing: no applet' b.svg
}

@test "chart.awk draws the limit and the ceilings as lines, not bars" {
	for r in limit ceil-spawn ceil-inproc; do
		[ "$(grep -c "<line class=\"limit\" data-row=\"$r\"" b.svg)" -eq 4 ]
		! grep -q "class=\"bar[^\"]*\" data-row=\"$r\"" b.svg
	done
	grep -q '>like-for-like limit 800</text>' b.svg
}

@test "chart.awk takes the title from -v when and host" {
	run -0 awk -v when=today -v host=here -f "$ROOT/bench/chart.awk" b.tsv
	[[ $output == *'>superd bench, today: here</text>'* ]]
}

@test "chart.awk refuses a TSV without its columns" {
	printf 'a\tb\n1\t2\n' >bad.tsv
	run -1 awk -f "$ROOT/bench/chart.awk" bad.tsv
	[[ $output == *"no row, cell or rate_median column"* ]]
}
