#!/usr/bin/env bats
# The handlers and builtins through superd, with the clients people use:
# netcat-openbsd (nc), socat, rdate, busybox nc and course-style python
# sockets, over TCP and UDP, IPv4 and IPv6, bytes checked exactly.  The
# clients come from the system or `tests/helpers/deps clients`; a missing
# one skips its tests, except in CI.

load helpers/clients

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# superd must exit 0 on SIGTERM after every test.
teardown() {
	superd_teardown
}

# --- netcat-openbsd ------------------------------------------------------

@test "nc -4 -N over TCP: every stream handler and builtin, exact bytes" {
	need_nc
	clients_start 4
	check_tcp nc
}

@test "nc -6 -N over TCP: every stream handler and builtin, exact bytes" {
	need_family 6
	need_nc
	clients_start 6
	check_tcp nc
}

@test "nc -4 -u over UDP: every datagram handler, builtin and wait handler" {
	need_nc
	clients_start 4
	check_udp nc
}

@test "nc -6 -u over UDP: every datagram handler, builtin and wait handler" {
	need_family 6
	need_nc
	clients_start 6
	check_udp nc
}

@test "nc -u: each datagram of one client socket gets its own reply" {
	need_nc
	clients_start 4
	local k
	for k in "" "internal " "wait "; do
		rm -f out
		{
			printf 'one\n'
			wait_until 5 grep -qsx one out
			printf 'two\0\n'
			wait_until 5 grep -qsa two out
		} | timeout 10 "${NC[@]}" -4 -u -W 2 "$HOST" "${PORT[udp ${k}echo]}" >out
		printf 'one\ntwo\0\n' >want
		same want out "nc: ${k}echo, two datagrams"
	done
}

# --- socat ----------------------------------------------------------------

@test "socat TCP4: every stream handler and builtin, exact bytes" {
	need_socat
	clients_start 4
	check_tcp socat
}

@test "socat TCP6: every stream handler and builtin, exact bytes" {
	need_family 6
	need_socat
	clients_start 6
	check_tcp socat
}

@test "socat UDP4: every datagram handler, builtin and wait handler" {
	need_socat
	clients_start 4
	check_udp socat
}

@test "socat UDP6: every datagram handler, builtin and wait handler" {
	need_family 6
	need_socat
	clients_start 6
	check_udp socat
}

# --- busybox nc (TCP only: Debian's busybox nc has no -u) ----------------

@test "busybox nc over TCP/IPv4: every stream handler and builtin, exact bytes" {
	need_busybox
	clients_start 4
	check_tcp busybox
}

@test "busybox nc over TCP/IPv6: every stream handler and builtin, exact bytes" {
	need_family 6
	need_busybox
	clients_start 6
	check_tcp busybox
}

# --- python sockets, as a course writes them -----------------------------

@test "python TCP client over IPv4: every stream handler and builtin, exact bytes" {
	need_python
	clients_start 4
	check_tcp python
}

@test "python TCP client over IPv6: every stream handler and builtin, exact bytes" {
	need_family 6
	need_python
	clients_start 6
	check_tcp python
}

@test "python TCP client: echo answers each line before the client closes" {
	need_python
	clients_start 4
	printf 'first line\n\0binary\377\nlast\n' >lines
	timeout 10 "$PYTHON" -S "$TCPCLIENT" -l "$HOST" "${PORT[tcp echo]}" <lines >out
	same lines out "echo handler"
	timeout 10 "$PYTHON" -S "$TCPCLIENT" -l "$HOST" "${PORT[tcp internal echo]}" <lines >out
	same lines out "internal echo"
	handlers_ended
}

@test "python TCP client decodes time's 4 bytes as the instant superd was told" {
	need_python
	clients_start 4
	run -0 timeout 10 "$PYTHON" -S "$TCPCLIENT" -t "$HOST" "${PORT[tcp time]}"
	[ "$output" = "$FIXED_TIME" ]
	run -0 timeout 10 "$PYTHON" -S "$TCPCLIENT" -t "$HOST" "${PORT[tcp internal time]}"
	[ "$output" = "$FIXED_TIME" ]
}

@test "python UDP client over IPv4: every datagram handler, builtin and wait handler" {
	need_python
	clients_start 4
	check_udp python
}

@test "python UDP client over IPv6: every datagram handler, builtin and wait handler" {
	need_family 6
	need_python
	clients_start 6
	check_udp python
}

@test "python UDP client: an empty datagram gets daytime and time (RFC 867, 868)" {
	need_python
	clients_start 4
	local k
	for k in "" "internal " "wait "; do
		run -0 timeout 10 "$PYTHON" -S "$UDPCLIENT" -t "$HOST" "${PORT[udp ${k}time]}" </dev/null
		[ "$output" = "$FIXED_TIME" ]
	done
	for k in "" "internal "; do
		timeout 10 "$PYTHON" -S "$UDPCLIENT" "$HOST" "${PORT[udp ${k}daytime]}" </dev/null >out
		same daytime.want out "${k}daytime"
	done
}

@test "python UDP client: chargen answers 600 bytes with the pattern's first 512" {
	need_python
	clients_start 4
	local k
	head -c 600 /dev/zero >req
	chargen_pattern 7 | head -c 512 >want
	for k in "" "internal "; do
		timeout 10 "$PYTHON" -S "$UDPCLIENT" "$HOST" "${PORT[udp ${k}chargen]}" <req >out
		same want out "${k}chargen"
	done
}

@test "python UDP client: a 65,507-byte datagram comes back whole from echo" {
	need_python
	clients_start 4
	local k
	head -c 65507 /dev/urandom >req
	for k in "" "internal " "wait "; do
		timeout 10 "$PYTHON" -S "$UDPCLIENT" "$HOST" "${PORT[udp ${k}echo]}" <req >out
		same req out "${k}echo"
	done
}

# --- rdate (RFC 868 over TCP, and an empty datagram with -u) --------------

# rdate_check FAM: rdate -p prints FIXED_TIME from every time service.
rdate_check() {
	local k
	for k in "" "internal "; do
		run -0 env TZ=UTC0 timeout 10 "${RDATE[@]}" "-$1" -p \
		    -o "${PORT[tcp ${k}time]}" "$HOST"
		[ "$output" = "$FIXED_RDATE" ]
	done
	for k in "" "internal " "wait "; do
		run -0 env TZ=UTC0 timeout 10 "${RDATE[@]}" "-$1" -p -u \
		    -o "${PORT[udp ${k}time]}" "$HOST"
		[ "$output" = "$FIXED_RDATE" ]
	done
}

@test "rdate -4 -p, over TCP and UDP (-u), prints the time superd sends" {
	need_rdate
	clients_start 4
	rdate_check 4
	udp_sources_ephemeral
	handlers_ended
}

@test "rdate -6 -p, over TCP and UDP (-u), prints the time superd sends" {
	need_family 6
	need_rdate
	clients_start 6
	rdate_check 6
	udp_sources_ephemeral
	handlers_ended
}

@test "rdate and python read the real clock from time, within 3 s of date(1)" {
	need_rdate
	need_python
	clients_start 4 clock
	local k got now
	for k in "tcp " "tcp internal " "udp " "udp internal " "udp wait "; do
		if [[ $k == udp* ]]; then
			run -0 env TZ=UTC0 timeout 10 "${RDATE[@]}" -4 -p -u \
			    -o "${PORT[${k}time]}" "$HOST"
		else
			run -0 env TZ=UTC0 timeout 10 "${RDATE[@]}" -4 -p \
			    -o "${PORT[${k}time]}" "$HOST"
		fi
		got=$(date -d "$output" +%s)
		now=$(date +%s)
		[ $((now - got)) -ge 0 ] && [ $((now - got)) -le 3 ]
		if [[ $k == udp* ]]; then
			run -0 timeout 10 "$PYTHON" -S "$UDPCLIENT" -t "$HOST" "${PORT[${k}time]}" </dev/null
		else
			run -0 timeout 10 "$PYTHON" -S "$TCPCLIENT" -t "$HOST" "${PORT[${k}time]}"
		fi
		now=$(date +%s)
		[ $((now - output)) -ge 0 ] && [ $((now - output)) -le 3 ]
	done
	handlers_ended
}
