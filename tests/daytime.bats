#!/usr/bin/env bats
# daytime (RFC 867): the line through pipes with the clock set by
# SUPERD_TEST_TIME, on a UDP socket, then under superd.

load helpers/handler
DAYTIME=$ROOT/handlers/daytime
export SUPERD_TEST_TIME=1795356181	# 2026-11-22 14:03:01 UTC

@test "daytime prints ctime's line with CRLF in local time" {
	TZ=UTC0 "$DAYTIME" </dev/null >"$T/out"
	printf 'Sun Nov 22 14:03:01 2026\r\n' >"$T/want"
	cmp "$T/want" "$T/out"
	TZ=JST-9 "$DAYTIME" </dev/null >"$T/out"
	printf 'Sun Nov 22 23:03:01 2026\r\n' >"$T/want"
	cmp "$T/want" "$T/out"
}

@test "daytime pads a one-digit day with a space, as ctime does" {
	SUPERD_TEST_TIME=0 TZ=UTC0 "$DAYTIME" >"$T/out"
	printf 'Thu Jan  1 00:00:00 1970\r\n' >"$T/want"
	cmp "$T/want" "$T/out"
}

@test "daytime -u prints UTC whatever TZ says" {
	TZ=JST-9 "$DAYTIME" -u >"$T/out"
	printf 'Sun Nov 22 14:03:01 2026\r\n' >"$T/want"
	cmp "$T/want" "$T/out"
}

@test "daytime -f takes a strftime format" {
	"$DAYTIME" -u -f '%Y-%m-%dT%H:%M:%SZ' >"$T/out"
	printf '2026-11-22T14:03:01Z\r\n' >"$T/want"
	cmp "$T/want" "$T/out"
	"$DAYTIME" -f '' >"$T/out"
	printf '\r\n' >"$T/want"
	cmp "$T/want" "$T/out"
}

@test "daytime -f refuses a format whose line is too long, exit 2" {
	run -2 "$DAYTIME" -f "$(printf '%0600d' 0)"
	[ "$output" = "daytime: -f: line longer than 509 bytes" ]
}

@test "daytime works past 2038 and with the real clock" {
	SUPERD_TEST_TIME=4102444800 "$DAYTIME" -u >"$T/out"
	printf 'Fri Jan  1 00:00:00 2100\r\n' >"$T/want"
	cmp "$T/want" "$T/out"
	unset SUPERD_TEST_TIME
	run -0 "$DAYTIME" -u -f '%Y'
	[ "$output" = "$(date -u +%Y)"$'\r' ]
}

@test "daytime does not read its input" {
	mkfifo "$T/fifo"
	# Opened read-write, the fifo never reaches EOF: a read would block.
	run -0 timeout 5 "$DAYTIME" -u <>"$T/fifo"
	[ "$output" = $'Sun Nov 22 14:03:01 2026\r' ]
}

@test "daytime ends quietly with 0 when its reader is gone" {
	# The reader exits at once; daytime writes 0.3 s later and gets EPIPE.
	run -0 bash -c '{ sleep 0.3; exec "$1"; } 2>"$2" | :
	    echo "${PIPESTATUS[0]}"' sh "$DAYTIME" "$T/err"
	[ "$output" = 0 ]
	[ ! -s "$T/err" ]
}

@test "daytime reports a write error on one line and exits 1" {
	run -1 bash -c '"$1" >/dev/full' sh "$DAYTIME"
	[ "$output" = "daytime: write: No space left on device" ]
}

@test "daytime rejects a malformed SUPERD_TEST_TIME with exit 1" {
	SUPERD_TEST_TIME=soon run -1 "$DAYTIME"
	[ "$output" = "daytime: SUPERD_TEST_TIME: Invalid argument" ]
}

@test "daytime -h prints the usage, then a line per option" {
	help_lines "$DAYTIME" "usage: daytime [-1hu] [-f format] [-t seconds]" \
	    -1 "-f FORMAT" -h "-t SECONDS" -u
}

@test "daytime rejects a bad option with exit 2" {
	run -2 "$DAYTIME" -z
	[ "${lines[-1]}" = "usage: daytime [-1hu] [-f format] [-t seconds]" ]
	run -2 "$DAYTIME" -f
	[ "${lines[-1]}" = "usage: daytime [-1hu] [-f format] [-t seconds]" ]
}

@test "daytime on a UDP socket answers each datagram with the line" {
	udp_start "$DAYTIME" -u -t 5
	printf 'Sun Nov 22 14:03:01 2026\r\n' >"$T/want"
	"$NETC" -u -w 2 127.0.0.1 "$PORT" </dev/null >"$T/out"
	cmp "$T/want" "$T/out"
	"$NETC" -u -w 2 127.0.0.1 "$PORT" <<<"anything" >"$T/out"
	cmp "$T/want" "$T/out"
}

@test "daytime on a UDP socket drops a datagram from the daytime port" {
	lowports || skip "sending from a port below 1024 needs root"
	udp_start "$DAYTIME" -t 5
	run -3 "$NETC" -u -w 1 -p 13 127.0.0.1 "$PORT" </dev/null
	run -0 "$NETC" -u -w 2 127.0.0.1 "$PORT" </dev/null
}

@test "daytime on a UDP socket exits 0 after -t seconds idle" {
	udp_start "$DAYTIME" -t 1
	exited_with "$BG_PID" 0
}

@test "daytime under superd answers over TCP" {
	under_superd <<-EOF
	127.0.0.1:0 stream tcp4 nowait $(id -un) $ROOT/handlers/daytime daytime -u
	EOF
	# superd passes no SUPERD_TEST_TIME: the handler reads the real clock.
	run -0 "$NETC" -w 5 127.0.0.1 "$(superd_port 1)" </dev/null
	[[ "$output" =~ ^[A-Z][a-z]{2}\ [A-Z][a-z]{2}\ [\ 0-9][0-9]\ [0-9:]{8}\ [0-9]{4}$'\r'$ ]]
}

@test "daytime under superd answers over UDP (dgram nowait)" {
	under_superd <<-EOF
	127.0.0.1:0 dgram udp4 nowait $(id -un) $ROOT/handlers/daytime daytime -u
	EOF
	run -0 "$NETC" -u -w 5 127.0.0.1 "$(superd_port 1)" </dev/null
	[[ "$output" =~ ^[A-Z][a-z]{2}\ [A-Z][a-z]{2}\ [\ 0-9][0-9]\ [0-9:]{8}\ [0-9]{4}$'\r'$ ]]
}
