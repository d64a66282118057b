#!/usr/bin/env bats
# The handlers under real peers, fetched by `tests/helpers/deps peers`:
# openbsd-inetd and xinetd in the foreground, and systemd-socket-activate
# when the machine has it.  The peers run them with a minimal environment.

load helpers/handler

@test "every handler runs with an empty environment, no PATH" {
	local h
	printf 'q\n' >"$T/q"
	for h in echo discard daytime time; do
		run -0 env -i "$ROOT/handlers/$h" </dev/null
	done
	run -0 env -i "$ROOT/handlers/qotd" -f "$T/q"
	[ "$output" = q ]
	run -0 env -i bash -c '"$1" | head -c 3' sh "$ROOT/handlers/chargen"
	[ "$output" = ' !"' ]
}

@test "openbsd-inetd runs echo, daytime, time and chargen over TCP" {
	inetd_start
	check_tcp
}

@test "openbsd-inetd runs echo, daytime and time over UDP (dgram wait)" {
	inetd_start
	check_udp
	# The same handler serves the next datagrams, then leaves when idle.
	check_udp
}

@test "xinetd runs echo, daytime, time and chargen over TCP" {
	xinetd_start
	check_tcp
}

@test "xinetd runs echo, daytime and time over UDP (wait = yes)" {
	xinetd_start
	check_udp
	check_udp
}

@test "systemd-socket-activate --inetd runs echo and daytime over TCP" {
	command -v systemd-socket-activate >/dev/null ||
	    skip "no systemd-socket-activate here"
	peer_ports
	bg_start "$T/echo.log" systemd-socket-activate -a --inetd \
	    -l "127.0.0.1:$P_ECHO" "$ROOT/handlers/echo"
	bg_start "$T/daytime.log" systemd-socket-activate -a --inetd \
	    -l "127.0.0.1:$P_DAYTIME" "$ROOT/handlers/daytime" -u
	wait_until 5 listening tcp "$P_ECHO"
	wait_until 5 listening tcp "$P_DAYTIME"
	run -0 "$NETC" -w 5 127.0.0.1 "$P_ECHO" <<<"activated"
	[ "$output" = activated ]
	run -0 "$NETC" -w 5 127.0.0.1 "$P_DAYTIME" </dev/null
	[[ "$output" =~ ^[A-Z][a-z]{2}\ [A-Z][a-z]{2}\ [\ 0-9][0-9]\ [0-9:]{8}\ [0-9]{4}$'\r'$ ]]
}

@test "systemd-socket-activate --datagram --inetd runs echo on the bound socket" {
	command -v systemd-socket-activate >/dev/null ||
	    skip "no systemd-socket-activate here"
	peer_ports
	bg_start "$T/ssa.log" systemd-socket-activate --datagram --inetd \
	    -l "127.0.0.1:$P_ECHO" "$ROOT/handlers/echo" -t 1
	wait_until 5 listening udp "$P_ECHO"
	run -0 "$NETC" -u -w 5 127.0.0.1 "$P_ECHO" <<<"activated"
	[ "$output" = activated ]
	# The launcher became echo, which exits 0 once idle.
	exited_with "$BG_PID" 0
}
