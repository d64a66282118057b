#!/usr/bin/env bats
# echo (RFC 862): through pipes first, then on a UDP socket as an inetd
# `dgram wait` handler, then under superd.

load helpers/handler
ECHO=$ROOT/handlers/echo

@test "echo copies a line through a pipe" {
	printf 'hi\n' | "$ECHO" >"$T/out"
	printf 'hi\n' >"$T/want"
	cmp "$T/want" "$T/out"
}

@test "echo returns binary input with NUL bytes unchanged" {
	printf 'a\0b\r\n\377\0\001\n\0' >"$T/in"
	run -0 "$ECHO" <"$T/in"
	"$ECHO" <"$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
}

@test "echo copies 8 MB of random bytes exactly" {
	head -c 8000000 /dev/urandom >"$T/in"
	"$ECHO" <"$T/in" | cat >"$T/out"
	cmp "$T/in" "$T/out"
}

@test "echo copies empty input to empty output and exits 0" {
	run -0 "$ECHO" </dev/null
	[ -z "$output" ]
}

@test "echo passes a partial line on before its input ends" {
	mkfifo "$T/fifo"
	bg_start "$T/out" sh -c 'exec "$1" <"$2"' sh "$ECHO" "$T/fifo"
	exec 6>"$T/fifo"
	printf 'abc' >&6
	wait_until 5 grep -q abc "$T/out"
	exec 6>&-
	exited_with "$BG_PID" 0
	run -0 od -An -c "$T/out"
	[ "$output" = "   a   b   c" ]
}

@test "echo closes its stdout, then its stdin, before it exits: the EOF comes first" {
	command -v strace >/dev/null || skip "strace is not installed"
	# LeakSanitizer (make asan) cannot run under ptrace
	printf 'hi\n' | ASAN_OPTIONS=detect_leaks=0 strace -qq \
	    -e trace=close,exit_group -o "$T/trace" "$ECHO" >"$T/out"
	run -0 sed -nE 's/^(close\([01]\)|exit_group\(0\)).*/\1/p' "$T/trace"
	[ "$output" = "$(printf 'close(1)\nclose(0)\nexit_group(0)')" ]
	[ "$(cat "$T/out")" = hi ]
}

@test "echo exits 0 with its stdout closed from the start and nothing to write" {
	run -0 bash -c '"$1" </dev/null >&-' sh "$ECHO"
	[ -z "$output" ]
}

@test "echo ends quietly with 0 when its reader goes away" {
	run -0 bash -c 'head -c 20000000 /dev/zero | "$1" 2>"$2" | head -c 10 >/dev/null
	    echo "${PIPESTATUS[1]}"' sh "$ECHO" "$T/err"
	[ "$output" = 0 ]
	[ ! -s "$T/err" ]
}

@test "echo reports a write error on one line and exits 1" {
	run -1 bash -c 'printf x | "$1" >/dev/full' sh "$ECHO"
	[ "$output" = "echo: write: No space left on device" ]
}

@test "echo -h prints the usage, then a line per option" {
	help_lines "$ECHO" "usage: echo [-1h] [-t seconds]" -1 -h "-t SECONDS"
}

@test "echo rejects a bad option or argument with exit 2" {
	run -2 "$ECHO" -x </dev/null
	[ "${lines[-1]}" = "usage: echo [-1h] [-t seconds]" ]
	run -2 "$ECHO" extra </dev/null
	[ "$output" = "usage: echo [-1h] [-t seconds]" ]
	run -2 "$ECHO" -t 99999999999 </dev/null
	[ "$output" = "echo: -t 99999999999: too large" ]
	run -2 "$ECHO" -t 5s </dev/null
	[ "$output" = "echo: -t 5s: invalid" ]
}

@test "echo on a UDP socket answers each datagram with its payload" {
	udp_start "$ECHO" -t 5
	run -0 "$NETC" -u -w 2 127.0.0.1 "$PORT" <<<"hello"
	[ "$output" = hello ]
	printf 'x\0y\377' >"$T/in"
	"$NETC" -u -w 2 127.0.0.1 "$PORT" <"$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
}

@test "echo on a UDP socket returns a 60000-byte datagram whole" {
	udp_start "$ECHO" -t 5
	head -c 60000 /dev/urandom >"$T/in"
	"$NETC" -u -w 2 127.0.0.1 "$PORT" <"$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
}

@test "echo on a UDP socket answers over IPv6" {
	have_ipv6 || skip "no IPv6 loopback"
	udp_start -6 "$ECHO" -t 5
	run -0 "$NETC" -u -w 2 ::1 "$PORT" <<<"six"
	[ "$output" = six ]
}

@test "echo on a UDP socket drops datagrams from the echo and chargen ports" {
	lowports || skip "sending from a port below 1024 needs root"
	udp_start "$ECHO" -t 5
	run -3 "$NETC" -u -w 1 -p 7 127.0.0.1 "$PORT" <<<"loop"
	[ "$output" = "netc: timed out" ]
	run -3 "$NETC" -u -w 1 -p 19 127.0.0.1 "$PORT" <<<"loop"
	run -0 "$NETC" -u -w 2 127.0.0.1 "$PORT" <<<"still here"
	[ "$output" = "still here" ]
}

@test "the reflection guard drops loop ports and bad sources, answers loopback" {
	local p
	for p in 0 7 9 13 17 19 37; do
		run -1 "$UDPFD" -g 127.0.0.1 "$p"
		run -1 "$UDPFD" -g ::1 "$p"
	done
	for a in 0.0.0.0 0.1.2.3 255.255.255.255 224.0.0.1 239.255.255.250 \
	    ::ffff:0.0.0.1 ::ffff:224.0.0.5 ::ffff:255.255.255.255 ff02::1 \
	    ff0e::1 ::; do
		run -1 "$UDPFD" -g "$a" 5000
	done
	for a in 127.0.0.1 127.1.2.3 ::1 ::ffff:127.0.0.1 10.0.0.1 192.0.2.1 \
	    2001:db8::1; do
		run -0 "$UDPFD" -g "$a" 7777
	done
	# below 1024 are servers' ports: a client never sends from one
	run -1 "$UDPFD" -g 127.0.0.1 1
	run -1 "$UDPFD" -g ::1 1023
	run -0 "$UDPFD" -g 127.0.0.1 1024
	run -0 "$UDPFD" -g 127.0.0.1 65535
}

@test "echo on a UDP socket exits 0 after -t seconds idle" {
	udp_start "$ECHO" -t 1
	run -0 "$NETC" -u -w 2 127.0.0.1 "$PORT" <<<"once"
	exited_with "$BG_PID" 0
}

@test "echo -1 on a UDP socket answers one datagram, then exits 0" {
	udp_start "$ECHO" -1
	run -0 "$NETC" -u -w 2 127.0.0.1 "$PORT" <<<"just one"
	[ "$output" = "just one" ]
	exited_with "$BG_PID" 0
}

@test "echo -1 under dgram wait: a process for every datagram, queued ones too" {
	under_superd <<-EOF
	127.0.0.1:0 dgram udp4 wait $(id -un) $ROOT/handlers/echo echo -1
	EOF
	local port pids="" n
	port=$(superd_port 1)
	# sent at once, so most wait in the socket's queue behind the first
	# (4: superd pauses a dgram wait service after 5 quick exits with
	# datagrams queued)
	for n in 1 2 3 4; do
		"$NETC" -u -w 5 127.0.0.1 "$port" <<<"d$n" >"$T/out$n" &
		pids="$pids $!"
	done
	# shellcheck disable=SC2086
	wait $pids
	for n in 1 2 3 4; do
		[ "$(cat "$T/out$n")" = "d$n" ]
	done
	wait_until 5 eval '[ "$(grep -c "exited 0 after" "$SUPERD_LOG")" -eq 4 ]'
	[ "$(grep -c ': started pid ' "$SUPERD_LOG")" -eq 4 ]
}

@test "echo under superd answers over TCP" {
	under_superd <<-EOF
	127.0.0.1:0 stream tcp4 nowait $(id -un) $ROOT/handlers/echo echo
	EOF
	printf 'over tcp\0\n' >"$T/in"
	"$NETC" -w 5 127.0.0.1 "$(superd_port 1)" <"$T/in" >"$T/out"
	cmp "$T/in" "$T/out"
}

@test "echo under superd answers over UDP (dgram nowait)" {
	under_superd <<-EOF
	127.0.0.1:0 dgram udp4 nowait $(id -un) $ROOT/handlers/echo echo
	EOF
	run -0 "$NETC" -u -w 5 127.0.0.1 "$(superd_port 1)" <<<"over udp"
	[ "$output" = "over udp" ]
}

@test "echo under superd serves its UDP socket itself (dgram wait)" {
	under_superd <<-EOF
	127.0.0.1:0 dgram udp4 wait $(id -un) $ROOT/handlers/echo echo -t 2
	EOF
	run -0 "$NETC" -u -w 5 127.0.0.1 "$(superd_port 1)" <<<"first"
	[ "$output" = first ]
	run -0 "$NETC" -u -w 5 127.0.0.1 "$(superd_port 1)" <<<"second"
	[ "$output" = second ]
}
