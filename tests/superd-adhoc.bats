#!/usr/bin/env bats
# superd's ad-hoc mode: serving a program (or a builtin) on the sockets
# the command line names, without a configuration file, with every option
# a configured service takes.

load helpers/superd

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	superd_teardown
}

# adhoc_start ARGS...: superd -l ARGS in the background; waits until it
# serves.  The services are known as "--listen:N" in the log.
adhoc_start() {
	SUPERD_LOG=$BATS_TEST_TMPDIR/superd.log
	SUPERD_CONF=--listen
	bg_start "$SUPERD_LOG" "$SUPERD" -l "$@"
	SUPERD_PID=$BG_PID
	wait_for "$SUPERD_LOG" ': serving, pid ' 15 || { cat "$SUPERD_LOG" >&2; return 1; }
}

@test "ad-hoc: --listen tcp:127.0.0.1:0 -- handlers/echo serves and logs its port" {
	adhoc_start --listen tcp:127.0.0.1:0 -- "$ECHO"
	port=$(superd_port 1)
	[ -n "$port" ] && [ "$port" -gt 0 ]
	grep -q "^superd: --listen:1: 0/tcp: listening on 127.0.0.1 port $port\$" "$SUPERD_LOG"
	run -0 "$NETC" 127.0.0.1 "$port" <<<"ad hoc"
	[ "$output" = "ad hoc" ]
	grep -q "0/tcp: connection from 127.0.0.1 port" "$SUPERD_LOG"
}

@test "ad-hoc: --listen repeats, tcp and udp, IPv4 and IPv6, one program for all" {
	have_ipv6 || skip "no IPv6 on this host"
	adhoc_start --listen tcp4:127.0.0.1:0 --listen udp4:127.0.0.1:0 \
	    --listen 'tcp6:[::1]:0' --listen 'udp6:[::1]:0' -- "$ECHO"
	run -0 "$NETC" 127.0.0.1 "$(superd_port 1)" <<<"tcp4"
	[ "$output" = tcp4 ]
	run -0 "$NETC" -u 127.0.0.1 "$(superd_port 2)" <<<"udp4"
	[ "$output" = udp4 ]
	run -0 "$NETC" ::1 "$(superd_port 3)" <<<"tcp6"
	[ "$output" = tcp6 ]
	run -0 "$NETC" -u ::1 "$(superd_port 4)" <<<"udp6"
	[ "$output" = udp6 ]
}

@test "ad-hoc: a program without a slash is looked up in PATH; ARGV0 is its file name" {
	script argv0 'printf "%s|" "$@"'
	PATH="$BATS_TEST_TMPDIR:$PATH" adhoc_start --listen tcp:127.0.0.1:0 -- argv0 one 'two words'
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	[ "$output" = "one|two words|" ]
	PATH="$BATS_TEST_TMPDIR:$PATH" run -0 "$SUPERD" -t --listen tcp:127.0.0.1:0 -- argv0 one
	[ "$output" = "--listen:1: 0 127.0.0.1 0 stream tcp nowait $ME $BATS_TEST_TMPDIR/argv0 argv0 one" ]
}

@test "ad-hoc: --internal NAME serves a builtin over tcp and udp" {
	adhoc_start --listen tcp:127.0.0.1:0 --listen udp:127.0.0.1:0 --internal daytime
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	[[ "$output" =~ $DAYTIME_RE ]]
	run -0 "$NETC" -u 127.0.0.1 "$(superd_port 2)" </dev/null
	[[ "$output" =~ $DAYTIME_RE ]]
	grep -q "connection from 127.0.0.1 port [0-9]*, in-process" "$SUPERD_LOG"
}

@test "ad-hoc: --wait gives the socket to the handler (stream wait)" {
	adhoc_start --listen tcp:127.0.0.1:0 --wait -- "$ROOT/tests/helpers/acceptone"
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	[[ "$output" =~ ^accepted\ by\ [0-9]+$ ]]
}

@test "ad-hoc: unix:PATH serves a UNIX stream socket" {
	adhoc_start --listen "unix:$BATS_TEST_TMPDIR/e.sock" -- "$ECHO"
	run -0 "$NETC" "$BATS_TEST_TMPDIR/e.sock" - <<<"over unix"
	[ "$output" = "over unix" ]
}

@test "ad-hoc: every option applies: -T, --max-children, --hosts-deny" {
	script slow 'exec sleep 30'
	printf 'ALL: 127.0.0.1\n' >hosts.deny
	adhoc_start -T 1 --max-children 1 --listen tcp:127.0.0.1:0 -- "$BATS_TEST_TMPDIR/slow"
	start=$(date +%s%N)
	run "$NETC" -n -w 5 127.0.0.1 "$(superd_port 1)"
	[ "$status" -eq 0 ]
	[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 4000 ]
	superd_stop
	adhoc_start --hosts-deny "$BATS_TEST_TMPDIR/hosts.deny" --listen tcp:127.0.0.1:0 -- "$ECHO"
	[ "$("$NETC" 127.0.0.1 "$(superd_port 1)" <<<"no" 2>/dev/null)" = "" ]
	grep -q "refused: 127.0.0.1 port [0-9]* by the access rules" "$SUPERD_LOG"
}

@test "ad-hoc: --user switches user as root; as a user it is a warning" {
	if [ "$(id -u)" -eq 0 ]; then
		adhoc_start --listen tcp:127.0.0.1:0 --user nobody -- id -un
		run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
		[ "$output" = nobody ]
	else
		adhoc_start --listen tcp:127.0.0.1:0 --user root -- id -un
		grep -q "not running as root" "$SUPERD_LOG"
		run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
		[ "$output" = "$ME" ]
	fi
}

@test "ad-hoc: bad command lines are one clear line and exit 2" {
	run -2 "$SUPERD" --listen tcp:127.0.0.1:0
	[[ "$output" == *"--listen needs a PROGRAM after -- or --internal NAME"* ]]
	run -2 "$SUPERD" --listen sctp:127.0.0.1:0 -- "$ECHO"
	[[ "$output" == *"--listen sctp:127.0.0.1:0: unknown protocol 'sctp'"* ]]
	run -2 "$SUPERD" --listen tcp -- "$ECHO"
	[[ "$output" == *"--listen tcp: need PROTO:ADDR:PORT or unix:PATH"* ]]
	run -2 "$SUPERD" --listen tcp:127.0.0.1:0 --internal echo -- "$ECHO"
	[[ "$output" == *"--internal and a PROGRAM: give one"* ]]
	run -2 "$SUPERD" --wait -- "$ECHO"
	[[ "$output" == *"--wait, --user, --internal and a PROGRAM need --listen"* ]]
	run -2 "$SUPERD" --listen tcp:127.0.0.1:0 -- nosuchprogram-here
	[[ "$output" == *"nosuchprogram-here: not found in PATH"* ]]
	run -1 "$SUPERD" --listen tcp:127.0.0.1:0 --internal nosuch
	[[ "$output" == *"no internal service 'nosuch'"* ]]
	run -1 "$SUPERD" --listen tcp:127.0.0.1:0 --wait --internal echo
	[[ "$output" == *"internal 'echo' is a nowait service"* ]]
}
