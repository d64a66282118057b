#!/usr/bin/env bats
# superd under a service manager: sockets handed over by systemd-socket-
# activate (socket activation), readiness and the watchdog on NOTIFY_SOCKET.

load helpers/superd
load helpers/systemd

teardown() {
	superd_teardown
}

# --- socket activation ------------------------------------------------------

@test "an inherited TCP socket is served, not bound again" {
	need_ssa
	port=$("$FREEPORT")
	cat >"$BATS_TEST_TMPDIR/superd.conf" <<EOF
127.0.0.1:$port stream tcp nowait $ME $ECHO echo
EOF
	SUPERD_CONF=$BATS_TEST_TMPDIR/superd.conf
	ssa_start -l "127.0.0.1:$port" -- "$SUPERD_CONF"
	# The first connection makes systemd-socket-activate execute superd.
	run -0 "$NETC" 127.0.0.1 "$port" <<<"through the inherited socket"
	[ "$output" = "through the inherited socket" ]
	superd_serving
	grep -q "superd.conf:1: $port/tcp: LISTEN_FDS: fd 3 (tcp 127.0.0.1 port $port)" "$SUPERD_LOG"
	grep -q "superd.conf:1: $port/tcp: listening on 127.0.0.1 port $port\$" "$SUPERD_LOG"
	! grep -q 'in use' "$SUPERD_LOG"
	# superd is systemd-socket-activate's process, executed: same pid
	grep -q ": serving, pid $SUPERD_PID\$" "$SUPERD_LOG"
	run -0 "$NETC" 127.0.0.1 "$port" <<<"again"
	[ "$output" = "again" ]
}

@test "an inherited UDP socket (--datagram) answers the datagram that woke superd" {
	need_ssa
	port=$("$FREEPORT")
	cat >"$BATS_TEST_TMPDIR/superd.conf" <<EOF
127.0.0.1:$port dgram udp nowait $ME $ECHO echo
EOF
	SUPERD_CONF=$BATS_TEST_TMPDIR/superd.conf
	ssa_start --datagram -l "127.0.0.1:$port" -- "$SUPERD_CONF"
	run -0 "$NETC" -u 127.0.0.1 "$port" <<<"first datagram"
	[ "$output" = "first datagram" ]
	superd_serving
	grep -q "LISTEN_FDS: fd 3 (udp 127.0.0.1 port $port)" "$SUPERD_LOG"
	! grep -q 'in use' "$SUPERD_LOG"
	run -0 "$NETC" -u 127.0.0.1 "$port" <<<"second"
	[ "$output" = "second" ]
}

@test "sockets named by --fdname go to the services of those names, whatever they would bind" {
	need_ssa
	ports=($("$FREEPORT" 2))
	p1=${ports[0]} p2=${ports[1]}
	# echo and daytime would bind ports 7 and 13 on every address: named,
	# they take the inherited sockets instead and bind nothing.
	cat >"$BATS_TEST_TMPDIR/superd.conf" <<EOF
echo stream tcp nowait $ME internal
daytime stream tcp nowait $ME internal
EOF
	SUPERD_CONF=$BATS_TEST_TMPDIR/superd.conf
	ssa_start -l "127.0.0.1:$p1" -l "127.0.0.1:$p2" --fdname=daytime:echo -- "$SUPERD_CONF"
	run -0 "$NETC" 127.0.0.1 "$p2" <<<"named echo"
	[ "$output" = "named echo" ]
	superd_serving
	run -0 "$NETC" 127.0.0.1 "$p1" </dev/null
	[[ "$output" =~ $DAYTIME_RE ]]
	grep -q "superd.conf:1: echo/tcp: LISTEN_FDS: fd 4 (tcp 127.0.0.1 port $p2), named echo" "$SUPERD_LOG"
	grep -q "superd.conf:2: daytime/tcp: LISTEN_FDS: fd 3 (tcp 127.0.0.1 port $p1), named daytime" "$SUPERD_LOG"
	grep -q "superd.conf:1: echo/tcp: listening on 127.0.0.1 port $p2\$" "$SUPERD_LOG"
	! grep -Eq 'bind|Permission denied|in use' "$SUPERD_LOG"
}

@test "an inherited UNIX socket is matched by its path" {
	need_ssa
	sock=$BATS_TEST_TMPDIR/echo.sock
	cat >"$BATS_TEST_TMPDIR/superd.conf" <<EOF
$sock stream unix nowait $ME $ECHO echo
EOF
	SUPERD_CONF=$BATS_TEST_TMPDIR/superd.conf
	ssa_start -l "$sock" -- "$SUPERD_CONF"
	run -0 python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b"over unix\n")
s.shutdown(socket.SHUT_WR)
print(s.makefile().read(), end="")' "$sock"
	[ "$output" = "over unix" ]
	superd_serving
	grep -q "LISTEN_FDS: fd 3 (unix stream $sock)" "$SUPERD_LOG"
	! grep -q 'in use' "$SUPERD_LOG"
}

@test "an inherited socket no service uses is logged and closed" {
	need_ssa
	ports=($("$FREEPORT" 2))
	p1=${ports[0]} p2=${ports[1]}
	cat >"$BATS_TEST_TMPDIR/superd.conf" <<EOF
127.0.0.1:$p1 stream tcp nowait $ME internal echo
EOF
	SUPERD_CONF=$BATS_TEST_TMPDIR/superd.conf
	ssa_start -l "127.0.0.1:$p1" -l "127.0.0.1:$p2" -- "$SUPERD_CONF"
	run -0 "$NETC" 127.0.0.1 "$p1" <<<"used"
	[ "$output" = "used" ]
	superd_serving
	grep -q "^superd: LISTEN_FDS: fd 4 (tcp 127.0.0.1 port $p2): no service uses it; closed\$" "$SUPERD_LOG"
	# nothing holds it any more: the port refuses
	run "$NETC" -w 2 127.0.0.1 "$p2" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *refused* ]]
}

@test "LISTEN_PID of another process is ignored: superd binds itself" {
	cat >"$BATS_TEST_TMPDIR/superd.conf" <<EOF
127.0.0.1:0 stream tcp nowait $ME internal echo
EOF
	# fd 3 a socket bound elsewhere, LISTEN_PID not superd's (1 is init)
	script wrap "exec 3<>/dev/udp/127.0.0.1/9; LISTEN_PID=1 LISTEN_FDS=1 exec \"\$@\""
	SUPERD_WRAP="bash $BATS_TEST_TMPDIR/wrap" superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	grep -q "^superd: LISTEN_PID 1 is not superd's ($SUPERD_PID): LISTEN_FDS ignored\$" "$SUPERD_LOG"
	! grep -q 'LISTEN_FDS: fd' "$SUPERD_LOG"
	port=$(superd_port 1)
	[ "$port" -gt 0 ]
	run -0 "$NETC" 127.0.0.1 "$port" <<<"bound by superd"
	[ "$output" = "bound by superd" ]
}

@test "an inherited descriptor that is not a socket is logged and closed" {
	cat >"$BATS_TEST_TMPDIR/superd.conf" <<EOF
127.0.0.1:0 stream tcp nowait $ME internal echo
EOF
	# exec keeps the pid: the shell's $$ is superd's
	script wrap "exec 3<\"$BATS_TEST_TMPDIR/superd.conf\"; LISTEN_PID=\$\$ LISTEN_FDS=1 LISTEN_FDNAMES=conf exec \"\$@\""
	SUPERD_WRAP=$BATS_TEST_TMPDIR/wrap superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	grep -q '^superd: LISTEN_FDS: fd 3: not a socket; closed$' "$SUPERD_LOG"
	# no descriptor of superd's still points at the file
	for f in /proc/"$SUPERD_PID"/fd/*; do
		[ "$(readlink "$f")" != "$BATS_TEST_TMPDIR/superd.conf" ]
	done
	run -0 "$NETC" 127.0.0.1 "$(superd_port 1)" <<<"served"
	[ "$output" = "served" ]
}

@test "a handler sees no LISTEN_*, NOTIFY_SOCKET or WATCHDOG_* variable" {
	need_ssa
	port=$("$FREEPORT")
	script envdump 'env'
	cat >"$BATS_TEST_TMPDIR/superd.conf" <<EOF
127.0.0.1:$port stream tcp nowait $ME $BATS_TEST_TMPDIR/envdump envdump
EOF
	SUPERD_CONF=$BATS_TEST_TMPDIR/superd.conf
	notify_start "$BATS_TEST_TMPDIR/notify.sock"
	# systemd-socket-activate passes on only what -E names
	ssa_start -E NOTIFY_SOCKET -E WATCHDOG_USEC=60000000 \
	    -l "127.0.0.1:$port" --fdname=named -- "$SUPERD_CONF"
	run -0 "$NETC" 127.0.0.1 "$port" </dev/null
	echo "$output"
	[[ "$output" == *"SUPERD_SERVICE=$port"* ]]
	[[ "$output" != *LISTEN_* ]]
	[[ "$output" != *NOTIFY_SOCKET* ]]
	[[ "$output" != *WATCHDOG* ]]
	superd_serving
	wait_for "$NOTIFY_OUT" 'READY=1'
}

# --- readiness --------------------------------------------------------------

@test "NOTIFY_SOCKET: READY=1 with STATUS once it listens, RELOADING=1 and READY=1 on SIGHUP, STOPPING=1 on SIGTERM" {
	notify_start "$BATS_TEST_TMPDIR/notify.sock"
	superd_start <<EOF
127.0.0.1:0 stream tcp nowait $ME internal echo
127.0.0.1:0 dgram udp nowait $ME internal echo
EOF
	wait_for "$NOTIFY_OUT" 'READY=1'
	# every socket was bound (and logged) before READY=1 went
	[ "$(grep -c 'listening on' "$SUPERD_LOG")" -eq 2 ]
	run notify_msgs
	[ "${lines[0]}" = "READY=1 STATUS=2 services, 0 handlers running MAINPID=$SUPERD_PID" ]
	[ "${#lines[@]}" -eq 1 ]

	printf '127.0.0.1:0 stream tcp nowait %s internal echo\n' "$ME" >"$SUPERD_CONF"
	superd_reload
	wait_until 5 eval '[ "$(notify_count "^READY=1")" -eq 2 ]'
	run notify_msgs
	[[ "${lines[1]}" =~ ^RELOADING=1\ MONOTONIC_USEC=([0-9]+)$ ]]
	sent=${BASH_REMATCH[1]}
	[ "${lines[2]}" = "READY=1 STATUS=1 services, 0 handlers running MAINPID=$SUPERD_PID" ]
	# MONOTONIC_USEC is CLOCK_MONOTONIC: within a second of its arrival
	got=$(grep RELOADING "$NOTIFY_OUT" | cut -d' ' -f1)
	echo "sent $sent, received $got"
	[ "$sent" -le "$got" ] && [ $((got - sent)) -lt 1000000 ]

	superd_stop
	run notify_msgs
	[ "${lines[3]}" = "STOPPING=1" ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "NOTIFY_SOCKET: STATUS counts the handlers running" {
	notify_start "$BATS_TEST_TMPDIR/notify.sock"
	superd_start <<EOF
127.0.0.1:0 stream tcp nowait $ME /bin/sleep sleep 5
EOF
	"$NETC" -w 8 127.0.0.1 "$(superd_port 1)" </dev/null 3>&- &
	child_pid 'connection from'
	superd_reload
	wait_until 5 eval '[ "$(notify_count "^READY=1")" -eq 2 ]'
	[ "$(notify_msgs | tail -n 1)" = "READY=1 STATUS=1 services, 1 handlers running MAINPID=$SUPERD_PID" ]
}

@test "NOTIFY_SOCKET in the abstract namespace (@name)" {
	notify_start "@superd-test-$$-$RANDOM"
	superd_start <<EOF
127.0.0.1:0 stream tcp nowait $ME internal echo
EOF
	wait_for "$NOTIFY_OUT" 'READY=1'
	[ "$(notify_count "^READY=1 STATUS=1 services, 0 handlers running MAINPID=$SUPERD_PID\$")" -eq 1 ]
}

@test "WATCHDOG_USEC: WATCHDOG=1 every half period; none when WATCHDOG_PID is another's" {
	notify_start "$BATS_TEST_TMPDIR/notify.sock"
	WATCHDOG_USEC=200000 superd_start <<EOF
127.0.0.1:0 stream tcp nowait $ME internal echo
EOF
	# every 100 ms: at least 10 in 2 s, however busy the machine is
	sleep 2
	n=$(notify_count '^WATCHDOG=1$')
	echo "$n pings in 2 s"
	[ "$n" -ge 10 ] && [ "$n" -le 22 ]
	# and the loop still serves between them
	run -0 "$NETC" 127.0.0.1 "$(superd_port 1)" <<<"between pings"
	[ "$output" = "between pings" ]
	superd_stop
	: >"$NOTIFY_OUT"
	WATCHDOG_USEC=200000 WATCHDOG_PID=1 superd_start <<EOF
127.0.0.1:0 stream tcp nowait $ME internal echo
EOF
	wait_for "$NOTIFY_OUT" 'READY=1'
	sleep 1
	[ "$(notify_count '^WATCHDOG=1$')" -eq 0 ]
}

@test "a NOTIFY_SOCKET that does not exist is logged once; superd serves" {
	export NOTIFY_SOCKET=$BATS_TEST_TMPDIR/nobody-listens.sock
	superd_start <<EOF
127.0.0.1:0 stream tcp nowait $ME internal echo
EOF
	superd_reload
	superd_reload
	run -0 "$NETC" 127.0.0.1 "$(superd_port 1)" <<<"still served"
	[ "$output" = "still served" ]
	[ "$(grep -c "NOTIFY_SOCKET $NOTIFY_SOCKET: No such file or directory; serving goes on" "$SUPERD_LOG")" -eq 1 ]
}

@test "etc/systemd: every unit file passes systemd-analyze verify (paths pointed at this tree)" {
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze here"
	local f
	for f in "$ROOT"/etc/systemd/*.service "$ROOT"/etc/systemd/*.socket; do
		sed "s|/usr/local/sbin/superd|$SUPERD|g; s|/usr/local/libexec/superd/|$ROOT/handlers/|g" \
		    "$f" >"$BATS_TEST_TMPDIR/${f##*/}"
	done
	cd "$BATS_TEST_TMPDIR"
	grep -q '^Type=notify$' superd.service
	grep -q '^ExecReload=/bin/kill -HUP \$MAINPID$' superd.service
	run -0 systemd-analyze verify --man=no ./*.service ./*.socket
	[ "$output" = "" ]
}
