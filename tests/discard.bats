#!/usr/bin/env bats
# discard (RFC 863): reads to EOF, writes nothing; datagrams get no reply.

load helpers/handler
DISCARD=$ROOT/handlers/discard

@test "discard reads its input to the end and writes nothing" {
	head -c 8000000 /dev/urandom >"$T/in"
	run -0 bash -c '"$1" <"$2" >"$3"; echo $?' sh "$DISCARD" "$T/in" "$T/out"
	[ "$output" = 0 ]
	[ ! -s "$T/out" ]
}

@test "discard reads all of a pipe, so its writer ends normally" {
	run -0 bash -c 'head -c 5000000 /dev/zero | "$1"; echo "${PIPESTATUS[*]}"' \
	    sh "$DISCARD"
	[ "$output" = "0 0" ]
}

@test "discard takes binary and empty input" {
	printf '\0\377\r\n' | "$DISCARD" >"$T/out"
	[ ! -s "$T/out" ]
	run -0 "$DISCARD" </dev/null
	[ -z "$output" ]
}

@test "discard reports a read error on one line and exits 1" {
	run -1 "$DISCARD" </
	[ "$output" = "discard: read: Is a directory" ]
}

@test "discard -h prints the usage and a line per option; a bad option exits 2" {
	help_lines "$DISCARD" "usage: discard [-1h] [-t seconds]" -1 -h "-t SECONDS"
	run -2 "$DISCARD" -y </dev/null
	[ "${lines[-1]}" = "usage: discard [-1h] [-t seconds]" ]
}

@test "discard on a UDP socket drops datagrams without a reply" {
	udp_start "$DISCARD" -t 5
	run -3 "$NETC" -u -w 1 127.0.0.1 "$PORT" <<<"into the void"
	[ "$output" = "netc: timed out" ]
	kill -0 "$BG_PID"
}

@test "discard on a UDP socket exits 0 after -t seconds idle" {
	udp_start "$DISCARD" -t 1
	exited_with "$BG_PID" 0
}

@test "discard under superd reads a TCP stream and closes at its end" {
	under_superd <<-EOF
	127.0.0.1:0 stream tcp4 nowait $(id -un) $ROOT/handlers/discard discard
	EOF
	head -c 1000000 /dev/zero >"$T/in"
	run -0 "$NETC" -w 5 127.0.0.1 "$(superd_port 1)" <"$T/in"
	[ -z "$output" ]
}
