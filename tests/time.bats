#!/usr/bin/env bats
# time (RFC 868): exactly 4 big-endian bytes at fixed instants set with
# SUPERD_TEST_TIME (1970, the 2036 wrap, 2026), on a UDP socket, under superd.

load helpers/handler
TIME=$ROOT/handlers/time

# at EPOCHSECONDS: the bytes time sends at that instant, in hex.
at() {
	SUPERD_TEST_TIME=$1 "$TIME" </dev/null >"$T/out" || return 1
	od -An -tx1 "$T/out" | tr -d ' \n'
}

@test "time sends 2208988800 at 1970-01-01 00:00:00 UTC" {
	run -0 at 0
	[ "$output" = 83aa7e80 ]
}

@test "time sends exactly 4 bytes and exits 0" {
	run -0 at 1795356181
	[ "$(wc -c <"$T/out")" -eq 4 ]
}

@test "time sends 2026-11-22 14:03:01 UTC as 0xeead7495" {
	run -0 at 1795356181
	[ "$output" = eead7495 ]
}

@test "time sends 0xffffffff at 2036-02-07 06:28:15 UTC, the last second before the wrap" {
	run -0 at 2085978495
	[ "$output" = ffffffff ]
}

@test "time wraps to 0 at 2036-02-07 06:28:16 UTC and keeps counting" {
	run -0 at 2085978496
	[ "$output" = 00000000 ]
	run -0 at 2085978497
	[ "$output" = 00000001 ]
}

@test "time sends 0 at 1900-01-01 00:00:00 UTC" {
	run -0 at -2208988800
	[ "$output" = 00000000 ]
}

@test "time with the real clock agrees with date(1)" {
	local got want
	"$TIME" >"$T/out"
	got=$((16#$(od -An -tx1 "$T/out" | tr -d ' \n')))
	want=$(( ($(date +%s) + 2208988800) % 4294967296 ))
	[ $((want - got)) -ge 0 ] && [ $((want - got)) -le 2 ]
}

@test "time does not read its input" {
	mkfifo "$T/fifo"
	SUPERD_TEST_TIME=0 run -0 timeout 5 "$TIME" <>"$T/fifo"
}

@test "time rejects a malformed SUPERD_TEST_TIME with exit 1" {
	SUPERD_TEST_TIME=12x run -1 "$TIME"
	[ "$output" = "time: SUPERD_TEST_TIME: Invalid argument" ]
}

@test "time reports a write error on one line and exits 1" {
	run -1 bash -c '"$1" >/dev/full' sh "$TIME"
	[ "$output" = "time: write: No space left on device" ]
}

@test "time -h prints the usage and a line per option; a bad option exits 2" {
	help_lines "$TIME" "usage: time [-1h] [-t seconds]" -1 -h "-t SECONDS"
	run -2 "$TIME" -q
	[ "${lines[-1]}" = "usage: time [-1h] [-t seconds]" ]
}

@test "time on a UDP socket answers every datagram with the 4 bytes" {
	SUPERD_TEST_TIME=2085978495 udp_start "$TIME" -t 5
	"$NETC" -u -w 2 127.0.0.1 "$PORT" </dev/null >"$T/out"
	run -0 od -An -tx1 "$T/out"
	[ "$output" = " ff ff ff ff" ]
	"$NETC" -u -w 2 127.0.0.1 "$PORT" <<<"what time is it" >"$T/out"
	run -0 od -An -tx1 "$T/out"
	[ "$output" = " ff ff ff ff" ]
}

@test "time on a UDP socket drops a datagram from the time port" {
	lowports || skip "sending from a port below 1024 needs root"
	udp_start "$TIME" -t 5
	run -3 "$NETC" -u -w 1 -p 37 127.0.0.1 "$PORT" </dev/null
}

@test "time under superd answers over TCP" {
	under_superd <<-EOF
	127.0.0.1:0 stream tcp4 nowait $(id -un) $ROOT/handlers/time time
	EOF
	"$NETC" -w 5 127.0.0.1 "$(superd_port 1)" </dev/null >"$T/out"
	[ "$(wc -c <"$T/out")" -eq 4 ]
}

@test "time under superd answers over UDP (dgram nowait)" {
	under_superd <<-EOF
	127.0.0.1:0 dgram udp4 nowait $(id -un) $ROOT/handlers/time time
	EOF
	"$NETC" -u -w 5 127.0.0.1 "$(superd_port 1)" </dev/null >"$T/out"
	[ "$(wc -c <"$T/out")" -eq 4 ]
}
