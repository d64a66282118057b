#!/usr/bin/env bats
# qotd (RFC 865): the fortune file format, the built-in list, the 512-byte
# limit, the errors, a UDP socket and superd.

load helpers/handler
QOTD=$ROOT/handlers/qotd

@test "qotd sends the one quote of a file without %" {
	printf 'The only quote.\n\t-- Someone\n' >"$T/q"
	"$QOTD" -f "$T/q" </dev/null >"$T/out"
	cmp "$T/q" "$T/out"
}

@test "qotd picks among the quotes a fortune file separates with %" {
	printf 'one\n%%\ntwo\nlines\n%%\nthree\n%%\n' >"$T/q"
	for i in $(seq 40); do
		"$QOTD" -f "$T/q" </dev/null
		echo .
	done >"$T/out"
	# Every quote shows up in 40 draws (all but 3 in 10^6), nothing else.
	run -0 sort -u "$T/out"
	[ "$output" = "$(printf '.\none\nthree\ntwo\nlines\n' | sort -u)" ]
	run -0 grep -c -x two "$T/out"
	[ "$(grep -c -x lines "$T/out")" = "$output" ]
}

@test "qotd output is exactly one whole quote" {
	printf 'first\n%%\nsecond one\n' >"$T/q"
	run -0 "$QOTD" -f "$T/q"
	[ "$output" = first ] || [ "$output" = "second one" ]
}

@test "qotd skips empty quotes and reads %-lines with CRLF" {
	printf '%%\n\n%%\r\nonly\r\n%%\n\n' >"$T/q"
	"$QOTD" -f "$T/q" >"$T/out"
	printf 'only\r\n' >"$T/want"
	cmp "$T/want" "$T/out"
}

@test "qotd ends a quote without a final newline with one" {
	printf 'no newline' >"$T/q"
	"$QOTD" -f "$T/q" >"$T/out"
	printf 'no newline\n' >"$T/want"
	cmp "$T/want" "$T/out"
}

@test "qotd leaves out quotes of 512 bytes or more" {
	{ printf '%0600d\n%%\n' 0; printf 'short\n'; } >"$T/q"
	for i in 1 2 3 4 5 6; do
		run -0 "$QOTD" -f "$T/q"
		[ "$output" = short ]
	done
	printf '%0511d\n' 0 >"$T/q"
	run -1 "$QOTD" -f "$T/q"
	[ "$output" = "qotd: $T/q: every quote is 512 bytes or longer" ]
	printf '%0510d\n' 0 >"$T/q"
	"$QOTD" -f "$T/q" >"$T/out"
	cmp "$T/q" "$T/out"
}

@test "qotd without -f sends a built-in quote under 512 bytes" {
	"$QOTD" </dev/null >"$T/out"
	[ -s "$T/out" ] && [ "$(wc -c <"$T/out")" -lt 512 ]
	[ "$(tail -c 1 "$T/out" | od -An -c | tr -d ' ')" = '\n' ]
}

@test "qotd fails on one line with exit 1 for an unreadable or empty file" {
	run -1 "$QOTD" -f "$T/none"
	[ "$output" = "qotd: $T/none: No such file or directory" ]
	: >"$T/empty"
	run -1 "$QOTD" -f "$T/empty"
	[ "$output" = "qotd: $T/empty: empty file" ]
	printf '%%\n\n%%\n' >"$T/blank"
	run -1 "$QOTD" -f "$T/blank"
	[ "$output" = "qotd: $T/blank: no quote" ]
	run -1 "$QOTD" -f /
	[ "$output" = "qotd: /: Is a directory" ]
}

@test "qotd does not read its input" {
	mkfifo "$T/fifo"
	printf 'q\n' >"$T/q"
	run -0 timeout 5 "$QOTD" -f "$T/q" <>"$T/fifo"
	[ "$output" = q ]
}

@test "qotd -h prints the usage and a line per option; a bad option exits 2" {
	help_lines "$QOTD" "usage: qotd [-1h] [-f file] [-t seconds]" \
	    -1 "-f FILE" -h "-t SECONDS"
	run -2 "$QOTD" -u
	[ "${lines[-1]}" = "usage: qotd [-1h] [-f file] [-t seconds]" ]
}

@test "qotd on a UDP socket answers each datagram with a quote" {
	printf 'by datagram\n' >"$T/q"
	udp_start "$QOTD" -f "$T/q" -t 5
	run -0 "$NETC" -u -w 2 127.0.0.1 "$PORT" </dev/null
	[ "$output" = "by datagram" ]
	run -0 "$NETC" -u -w 2 127.0.0.1 "$PORT" <<<"again"
	[ "$output" = "by datagram" ]
	# and none to its own port (sending from it needs root)
	! lowports || run -3 "$NETC" -u -w 1 -p 17 127.0.0.1 "$PORT" </dev/null
}

@test "qotd under superd answers over TCP" {
	printf 'served by superd\n' >"$T/q"
	under_superd <<-EOF
	127.0.0.1:0 stream tcp4 nowait $(id -un) $ROOT/handlers/qotd qotd -f $T/q
	EOF
	run -0 "$NETC" -w 5 127.0.0.1 "$(superd_port 1)" </dev/null
	[ "$output" = "served by superd" ]
}
