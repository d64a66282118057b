#!/usr/bin/env bats
# chargen (RFC 864): the exact line pattern, a normal end when the reader
# leaves, capped datagram replies, and under superd.

load helpers/handler
CHARGEN=$ROOT/handlers/chargen

@test "chargen starts with the line from space to 'g', then one char later" {
	"$CHARGEN" | head -c 148 >"$T/out"
	{
		printf ' !"#$%%&'"'"'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n'
		printf '!"#$%%&'"'"'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\r\n'
	} >"$T/want"
	cmp "$T/want" "$T/out"
}

@test "chargen sends exactly the RFC 864 pattern across several cycles" {
	chargen_pattern 400 >"$T/want"
	"$CHARGEN" | head -c "$(wc -c <"$T/want")" >"$T/out"
	cmp "$T/want" "$T/out"
}

@test "chargen lines are 72 printable characters and CRLF" {
	"$CHARGEN" | head -c $((74 * 1000)) >"$T/out"
	run -0 env LC_ALL=C awk 'length($0) != 73 || !/^[ -~]*\r$/ { bad++ }
	    END { print NR, bad + 0 }' "$T/out"
	[ "$output" = "1000 0" ]
}

@test "chargen ends quietly with 0 when its reader goes away" {
	run -0 bash -c '"$1" 2>"$2" | head -c 100000 >/dev/null
	    echo "${PIPESTATUS[0]}"' sh "$CHARGEN" "$T/err"
	[ "$output" = 0 ]
	[ ! -s "$T/err" ]
}

@test "chargen does not read its input" {
	mkfifo "$T/fifo"
	run -0 timeout 5 bash -c '"$1" <>"$2" | head -c 74' sh "$CHARGEN" "$T/fifo"
	[ "${#output}" -eq 73 ]
}

@test "chargen reports a write error on one line and exits 1" {
	run -1 bash -c '"$1" >/dev/full' sh "$CHARGEN"
	[ "$output" = "chargen: write: No space left on device" ]
}

@test "chargen -h prints the usage and a line per option; a bad option exits 2" {
	help_lines "$CHARGEN" "usage: chargen [-1h] [-t seconds]" -1 -h "-t SECONDS"
	run -2 "$CHARGEN" -t
	[ "${lines[-1]}" = "usage: chargen [-1h] [-t seconds]" ]
}

@test "chargen on a UDP socket replies with as many bytes as the request" {
	udp_start "$CHARGEN" -t 5
	chargen_pattern 7 >"$T/pat"
	printf '%0100d' 0 >"$T/in"
	"$NETC" -u -w 2 127.0.0.1 "$PORT" <"$T/in" >"$T/out"
	head -c 100 "$T/pat" | cmp - "$T/out"
}

@test "chargen on a UDP socket replies with at most 512 bytes" {
	udp_start "$CHARGEN" -t 5
	chargen_pattern 7 >"$T/pat"
	head -c 5000 /dev/zero >"$T/in"
	"$NETC" -u -w 2 127.0.0.1 "$PORT" <"$T/in" >"$T/out"
	head -c 512 "$T/pat" | cmp - "$T/out"
}

@test "chargen on a UDP socket answers an empty datagram with an empty one" {
	udp_start "$CHARGEN" -t 5
	run -0 "$NETC" -u -w 2 127.0.0.1 "$PORT" </dev/null
	[ -z "$output" ]
}

@test "chargen on a UDP socket drops datagrams from the echo and chargen ports" {
	lowports || skip "sending from a port below 1024 needs root"
	udp_start "$CHARGEN" -t 5
	run -3 "$NETC" -u -w 1 -p 19 127.0.0.1 "$PORT" <<<"loop"
	run -3 "$NETC" -u -w 1 -p 7 127.0.0.1 "$PORT" <<<"loop"
	run -0 "$NETC" -u -w 2 127.0.0.1 "$PORT" <<<"ok"
	[ "$output" = ' !"' ]
}

@test "chargen with PROTO=UDP and the datagram on stdin writes one reply" {
	printf 'abcd' | PROTO=UDP "$CHARGEN" >"$T/out"
	printf ' !"#' >"$T/want"
	cmp "$T/want" "$T/out"
}

@test "chargen under superd streams the pattern over TCP" {
	under_superd <<-EOF
	127.0.0.1:0 stream tcp4 nowait $(id -un) $ROOT/handlers/chargen chargen
	EOF
	chargen_pattern 200 >"$T/want"
	"$NETC" -w 5 -c "$(wc -c <"$T/want")" 127.0.0.1 "$(superd_port 1)" \
	    </dev/null >"$T/out"
	cmp "$T/want" "$T/out"
}

@test "chargen under superd replies once over UDP (dgram nowait)" {
	under_superd <<-EOF
	127.0.0.1:0 dgram udp4 nowait $(id -un) $ROOT/handlers/chargen chargen
	EOF
	printf '%020d' 0 >"$T/in"
	"$NETC" -u -w 5 127.0.0.1 "$(superd_port 1)" <"$T/in" >"$T/out"
	chargen_pattern 1 | head -c 20 | cmp - "$T/out"
}
