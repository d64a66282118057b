#!/usr/bin/env bats
# superd serving: the four modes over IPv4 and IPv6, the handler's world
# (environment, descriptors, signal dispositions, user, ARGV), faults that
# must not harm other connections, zombies, the backlog, time limits.

load helpers/superd

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	superd_teardown
}

# --- the four modes, over IPv4 and IPv6 -------------------------------------

@test "stream nowait: echo answers byte for byte over tcp4 and tcp6" {
	have_ipv6 || skip "no IPv6 on this host"
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
[::1]:0 stream tcp6 nowait $ME $ECHO echo
EOF
	printf 'a\0b\377\ncd' >in.bin
	"$NETC" 127.0.0.1 "$(superd_port 1)" <in.bin >out4.bin
	cmp in.bin out4.bin
	"$NETC" ::1 "$(superd_port 2)" <in.bin >out6.bin
	cmp in.bin out6.bin
	head -c 300000 /dev/urandom >big.bin
	"$NETC" 127.0.0.1 "$(superd_port 1)" <big.bin >bigout.bin
	cmp big.bin bigout.bin
}

@test "stream nowait: daytime prints one line over tcp4 and tcp6" {
	have_ipv6 || skip "no IPv6 on this host"
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $DAYTIME daytime
[::1]:0 stream tcp6 nowait $ME $DAYTIME daytime
EOF
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" =~ $DAYTIME_RE ]]
	run -0 "$NETC" -n ::1 "$(superd_port 2)"
	[[ "$output" =~ $DAYTIME_RE ]]
}

@test "dgram nowait: echo and daytime answer over udp4 and udp6" {
	have_ipv6 || skip "no IPv6 on this host"
	superd_start <<EOF
127.0.0.1:0 dgram udp4 nowait $ME $ECHO echo
[::1]:0 dgram udp6 nowait $ME $ECHO echo
127.0.0.1:0 dgram udp4 nowait $ME $DAYTIME daytime
[::1]:0 dgram udp6 nowait $ME $DAYTIME daytime
EOF
	run -0 "$NETC" -u 127.0.0.1 "$(superd_port 1)" <<<"over udp4"
	[ "$output" = "over udp4" ]
	run -0 "$NETC" -u ::1 "$(superd_port 2)" <<<"over udp6"
	[ "$output" = "over udp6" ]
	run -0 "$NETC" -u 127.0.0.1 "$(superd_port 3)" </dev/null
	[[ "$output" =~ $DAYTIME_RE ]]
	run -0 "$NETC" -u ::1 "$(superd_port 4)" </dev/null
	[[ "$output" =~ $DAYTIME_RE ]]
}

@test "tcp and udp serve IPv4 and IPv6 on one dual-stack socket" {
	have_ipv6 || skip "no IPv6 on this host"
	superd_start <<EOF
0 stream tcp nowait $ME $ECHO echo
0 dgram udp nowait $ME $ECHO echo
EOF
	grep -q ":1: 0/tcp: listening on :: port " "$SUPERD_LOG"
	run -0 "$NETC" 127.0.0.1 "$(superd_port 1)" <<<"v4 to dual"
	[ "$output" = "v4 to dual" ]
	run -0 "$NETC" ::1 "$(superd_port 1)" <<<"v6 to dual"
	[ "$output" = "v6 to dual" ]
	run -0 "$NETC" -u 127.0.0.1 "$(superd_port 2)" <<<"udp v4 to dual"
	[ "$output" = "udp v4 to dual" ]
	run -0 "$NETC" -u ::1 "$(superd_port 2)" <<<"udp v6 to dual"
	[ "$output" = "udp v6 to dual" ]
	# an IPv4 peer is logged as a dotted quad, never ::ffff:
	grep -q "0/tcp: connection from 127.0.0.1 port " "$SUPERD_LOG"
	! grep -q 'ffff' "$SUPERD_LOG"
}

@test "dgram nowait replies from the address the datagram reached" {
	superd_start <<EOF
0.0.0.0:0 dgram udp4 nowait $ME $ECHO echo
EOF
	# netc's UDP socket is connected to 127.0.0.2: a reply from any other
	# address is filtered by the kernel and netc times out (exit 3).
	run -0 "$NETC" -u -w 3 127.0.0.2 "$(superd_port 1)" <<<"to .2"
	[ "$output" = "to .2" ]
	run -0 "$NETC" -u -w 3 127.0.0.3 "$(superd_port 1)" <<<"to .3"
	[ "$output" = "to .3" ]
}

@test "dgram nowait: a handler that writes nothing sends no reply" {
	superd_start <<EOF
127.0.0.1:0 dgram udp4 nowait $ME /bin/true true
127.0.0.1:0 dgram udp4 nowait $ME $ECHO echo
EOF
	run -3 "$NETC" -u -w 1 127.0.0.1 "$(superd_port 1)" <<<"x"
	run -0 "$NETC" -u 127.0.0.1 "$(superd_port 2)" <<<"y"
	[ "$output" = "y" ]
}

@test "dgram nowait: the reflection guard drops datagrams from port 7 and 19" {
	[ "$(id -u)" -eq 0 ] || skip "binding ports 7 and 19 needs root"
	superd_start <<EOF
127.0.0.1:0 dgram udp4 nowait $ME $ECHO echo
EOF
	port=$(superd_port 1)
	run -3 "$NETC" -u -w 1 -p 7 127.0.0.1 "$port" <<<"loop"
	run -3 "$NETC" -u -w 1 -p 19 127.0.0.1 "$port" <<<"loop"
	run -0 "$NETC" -u 127.0.0.1 "$port" <<<"fine"
	[ "$output" = "fine" ]
	[ "$(grep -c 'connection from' "$SUPERD_LOG")" -eq 1 ]
}

@test "dgram wait: the handler gets the socket and serves the queue" {
	superd_start <<EOF
127.0.0.1:0 dgram udp4 wait $ME $ECHO echo -t 1
EOF
	port=$(superd_port 1)
	run -0 "$NETC" -u 127.0.0.1 "$port" <<<"first"
	[ "$output" = "first" ]
	run -0 "$NETC" -u 127.0.0.1 "$port" <<<"second"
	[ "$output" = "second" ]
	# one handler served both: superd started only one
	[ "$(grep -c '0/udp4: started pid' "$SUPERD_LOG")" -eq 1 ]
	# after its idle time it exits, and the next datagram starts another
	wait_for "$SUPERD_LOG" '0/udp4: pid [0-9]+ exited 0' 5
	run -0 "$NETC" -u 127.0.0.1 "$port" <<<"third"
	[ "$output" = "third" ]
	[ "$(grep -c '0/udp4: started pid' "$SUPERD_LOG")" -eq 2 ]
}

@test "dgram wait: datagrams queued while no handler runs are not lost" {
	script slowecho "sleep 1; exec $ECHO -t 1"
	superd_start <<EOF
127.0.0.1:0 dgram udp4 wait $ME $BATS_TEST_TMPDIR/slowecho slowecho
EOF
	port=$(superd_port 1)
	"$NETC" -u -w 5 127.0.0.1 "$port" <<<"one" >one.out &
	c1=$!
	"$NETC" -u -w 5 127.0.0.1 "$port" <<<"two" >two.out &
	c2=$!
	wait "$c1" "$c2"
	[ "$(cat one.out)" = "one" ]
	[ "$(cat two.out)" = "two" ]
	[ "$(grep -c 'started pid' "$SUPERD_LOG")" -eq 1 ]
}

@test "stream wait: the handler accepts on the listening socket itself" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 wait $ME $ROOT/tests/helpers/acceptone acceptone
EOF
	port=$(superd_port 1)
	run -0 "$NETC" -n 127.0.0.1 "$port"
	[[ "$output" =~ ^accepted\ by\ [0-9]+$ ]]
	first=$output
	run -0 "$NETC" -n 127.0.0.1 "$port"
	[[ "$output" =~ ^accepted\ by\ [0-9]+$ ]]
	[ "$output" != "$first" ]
}

# --- the handler's world ----------------------------------------------------

@test "the handler's environment is minimal and superd's own does not leak" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME /usr/bin/env env
127.0.0.1:0 dgram udp4 nowait $ME /usr/bin/env env
EOF
	port=$(superd_port 1)
	"$NETC" -n 127.0.0.1 "$port" >env.out
	lport=$(sed -n 's/^TCPREMOTEPORT=//p' env.out)
	[ -n "$lport" ]
	cat >want <<EOF
PATH=/usr/bin:/bin
PROTO=TCP
REMOTE_ADDR=127.0.0.1
REMOTE_PORT=$lport
SUPERD_SERVICE=0
TCPLOCALIP=127.0.0.1
TCPLOCALPORT=$port
TCPREMOTEIP=127.0.0.1
TCPREMOTEPORT=$lport
EOF
	sort env.out | diff want -
	run -0 "$NETC" -u 127.0.0.1 "$(superd_port 2)" </dev/null
	echo "$output" | grep -qx 'PROTO=UDP'
	echo "$output" | grep -qx 'UDPREMOTEIP=127.0.0.1'
	echo "$output" | grep -qx "UDPLOCALPORT=$(superd_port 2)"
	[ "$(echo "$output" | wc -l)" -eq 9 ]
}

@test "a variable of superd's own environment does not reach the handler" {
	SUPERD_TEST_SECRET=leaked superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME /usr/bin/env env
EOF
	grep -q SUPERD_TEST_SECRET=leaked "/proc/$SUPERD_PID/environ"
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	[[ "$output" != *SUPERD_TEST_SECRET* ]]
	[[ "$output" == *SUPERD_SERVICE=0* ]]
}

@test "the handler has no descriptor beyond 0, 1 and 2, even one superd inherited" {
	SUPERD_CONF=$BATS_TEST_TMPDIR/superd.conf
	SUPERD_LOG=$BATS_TEST_TMPDIR/superd.log
	cat >"$SUPERD_CONF" <<EOF
127.0.0.1:0 stream tcp4 nowait $ME /bin/sleep sleep 5
127.0.0.1:0 dgram udp4 nowait $ME /bin/sleep sleep 5
EOF
	# superd itself inherits fd 7 and fd 251 from whatever started it
	bg_start "$SUPERD_LOG" bash -c 'exec 7</dev/null 251</dev/null; exec "$@"' \
	    sh "$SUPERD" -l "$SUPERD_CONF"
	SUPERD_PID=$BG_PID
	wait_for "$SUPERD_LOG" ': serving, pid '
	[ -e "/proc/$SUPERD_PID/fd/251" ]
	"$NETC" -w 10 -n 127.0.0.1 "$(superd_port 1)" >/dev/null 2>&1 &
	c1=$!
	"$NETC" -u -w 10 127.0.0.1 "$(superd_port 2)" </dev/null >/dev/null 2>&1 &
	c2=$!
	wait_until 5 eval '[ "$(superd_children | wc -l)" -eq 2 ]'
	for kid in $(superd_children); do
		wait_until 5 eval '[ "$(readlink /proc/'"$kid"'/exe)" = /usr/bin/sleep ]'
		[ "$(ls /proc/"$kid"/fd | sort -n | tr '\n' ' ')" = "0 1 2 " ]
		kill "$kid"
	done
	wait "$c1" || true
	wait "$c2" || true
}

@test "the handler starts with default signal dispositions and an empty mask" {
	SUPERD_CONF=$BATS_TEST_TMPDIR/superd.conf
	SUPERD_LOG=$BATS_TEST_TMPDIR/superd.log
	cat >"$SUPERD_CONF" <<EOF
127.0.0.1:0 stream tcp4 nowait $ME /bin/grep grep -E ^Sig(Ign|Blk): /proc/self/status
EOF
	# superd is started with signals ignored, as a careless parent would
	bg_start "$SUPERD_LOG" bash -c "trap '' INT QUIT USR2 PIPE HUP; exec \"\$@\"" \
	    sh "$SUPERD" -l "$SUPERD_CONF"
	SUPERD_PID=$BG_PID
	wait_for "$SUPERD_LOG" ': serving, pid '
	[ "$(sed -n 's/^SigIgn:\t//p' "/proc/$SUPERD_PID/status")" != 0000000000000000 ]
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	[ "${lines[0]}" = "$(printf 'SigBlk:\t0000000000000000')" ]
	[ "${lines[1]}" = "$(printf 'SigIgn:\t0000000000000000')" ]
}

@test "the handler runs as the configured user and group with their groups" {
	[ "$(id -u)" -eq 0 ] || skip "switching users needs root"
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait nobody /usr/bin/id id
127.0.0.1:0 stream tcp4 nowait nobody:nogroup /usr/bin/id id
127.0.0.1:0 stream tcp4 nowait daemon.nogroup /usr/bin/id id
EOF
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	[ "$output" = "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)" ]
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 2)"
	[ "$output" = "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)" ]
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 3)"
	[[ "$output" == "uid=1(daemon) gid=65534(nogroup) groups="* ]]
}

@test "PROGRAM relative to the configuration's folder and ARGV are honoured" {
	mkdir -p conf/bin
	printf '#!/bin/sh\necho "argv0=$0 args=$*"\n' >conf/bin/show
	chmod 755 conf/bin/show
	cat >conf/superd.conf <<EOF
127.0.0.1:0 stream tcp4 nowait $ME bin/show show one two
127.0.0.1:0 stream tcp4 nowait $ME bin/show
EOF
	bg_start log "$SUPERD" -l conf/superd.conf
	wait_for log ': serving, pid '
	p1=$(sed -n 's/^superd: conf\/superd.conf:1: .* port \([0-9]*\)$/\1/p' log)
	p2=$(sed -n 's/^superd: conf\/superd.conf:2: .* port \([0-9]*\)$/\1/p' log)
	run -0 "$NETC" -n 127.0.0.1 "$p1"
	[ "$output" = "argv0=$BATS_TEST_TMPDIR/conf/bin/show args=one two" ]
	run -0 "$NETC" -n 127.0.0.1 "$p2"
	[ "$output" = "argv0=$BATS_TEST_TMPDIR/conf/bin/show args=" ]
}

# --- faults -----------------------------------------------------------------

@test "a handler that vanished: the client gets EOF, the log says why, others serve" {
	cp "$ECHO" gone
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $BATS_TEST_TMPDIR/gone gone
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
	rm gone
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	[ "$output" = "" ]
	wait_for "$SUPERD_LOG" "superd: $SUPERD_CONF:1: 0/tcp4: $BATS_TEST_TMPDIR/gone: No such file or directory"
	run -0 "$NETC" 127.0.0.1 "$(superd_port 2)" <<<"next service"
	[ "$output" = "next service" ]
	# the message reached the log, not the client
	! grep -q 'No such file' <<<"$output"
	# a burst of them is logged once a second, not once each
	for k in 1 2 3; do
		"$NETC" -n 127.0.0.1 "$(superd_port 1)" >/dev/null
	done
	wait_until 5 eval '[ -z "$(superd_children)" ]'
	[ "$(grep -c 'gone: No such file or directory' "$SUPERD_LOG")" -le 2 ]
	[ "$(grep -c 'exited 127' "$SUPERD_LOG")" -eq 4 ]
}

@test "a handler that lost its run bit: the client gets EOF, the log says why" {
	cp "$ECHO" noexec
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $BATS_TEST_TMPDIR/noexec noexec
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
	chmod 644 noexec
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	[ "$output" = "" ]
	wait_for "$SUPERD_LOG" "$BATS_TEST_TMPDIR/noexec: Permission denied"
	run -0 "$NETC" 127.0.0.1 "$(superd_port 2)" <<<"ok"
	[ "$output" = "ok" ]
}

@test "a client that resets does not disturb superd or other clients" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
	port=$(superd_port 1)
	for i in $(seq 20); do
		head -c 100000 /dev/zero | "$NETC" -r 127.0.0.1 "$port"
	done
	run -0 "$NETC" 127.0.0.1 "$port" <<<"after resets"
	[ "$output" = "after resets" ]
	wait_until 5 eval '[ -z "$(superd_children)" ]'
}

@test "a handler killed with SIGKILL mid-stream harms nobody else" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME /bin/sleep sleep 30
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
	"$NETC" -w 10 -n 127.0.0.1 "$(superd_port 1)" >killed.out 2>&1 &
	client=$!
	wait_until 5 eval '[ -n "$(superd_children)" ]'
	kid=$(superd_children)
	wait_until 5 eval '[ "$(readlink /proc/'"$kid"'/exe)" = /usr/bin/sleep ]'
	kill -KILL "$kid"
	wait "$client"
	wait_for "$SUPERD_LOG" "0/tcp4: pid $kid killed by signal 9"
	run -0 "$NETC" 127.0.0.1 "$(superd_port 2)" <<<"unharmed"
	[ "$output" = "unharmed" ]
	wait_until 2 eval '[ -z "$(superd_children)" ]'
}

@test "200 connections leave no zombie and no extra descriptor in superd" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
127.0.0.1:0 dgram udp4 nowait $ME $ECHO echo
EOF
	port=$(superd_port 1)
	uport=$(superd_port 2)
	before=$(superd_fds)
	fails=0
	for i in $(seq 150); do
		[ "$("$NETC" 127.0.0.1 "$port" <<<"n$i")" = "n$i" ] || fails=$((fails + 1))
	done
	for i in $(seq 50); do
		[ "$("$NETC" -u 127.0.0.1 "$uport" <<<"u$i")" = "u$i" ] || fails=$((fails + 1))
	done
	[ "$fails" -eq 0 ]
	# reaped within a second of the last exit
	wait_until 2 eval '[ -z "$(superd_children)" ]'
	[ "$(superd_fds)" = "$before" ]
	[ "$(grep -c 'connection from' "$SUPERD_LOG")" -eq 200 ]
	[ "$(grep -c 'exited 0 after' "$SUPERD_LOG")" -eq 200 ]
}

@test "started with SIGCHLD ignored and blocked, superd still hears every end and reaps it" {
	# ignored, the kernel would reap the handlers itself and tell no one
	cat >wrap.py <<'EOF'
import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGCHLD])
os.execv(sys.argv[1], sys.argv[1:])
EOF
	SUPERD_WRAP="python3 $BATS_TEST_TMPDIR/wrap.py" superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME /bin/sh sh -c "exit 3"
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
	for i in 1 2 3; do
		"$NETC" -n 127.0.0.1 "$(superd_port 1)" </dev/null
		[ "$("$NETC" 127.0.0.1 "$(superd_port 2)" <<<"e$i")" = "e$i" ]
	done
	wait_until 5 eval '[ "$(grep -c "exited 0 after" "$SUPERD_LOG")" -eq 3 ]'
	wait_until 5 eval '[ "$(grep -c "exited 3 after" "$SUPERD_LOG")" -eq 3 ]'
	wait_until 2 eval '[ -z "$(superd_children)" ]'
}

@test "listening sockets use the system's maximum backlog" {
	command -v ss >/dev/null || skip "ss is not installed"
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
	port=$(superd_port 1)
	backlog=$(ss -Hltn "sport = :$port" | awk '{print $3}')
	[ "$backlog" -eq "$(cat /proc/sys/net/core/somaxconn)" ]
}

# --- time limits ------------------------------------------------------------

@test "-T kills a handler at its time limit; @SECONDS overrides it" {
	superd_start -T 1 <<EOF
127.0.0.1:0 stream tcp4 nowait $ME /bin/sleep sleep 30
127.0.0.1:0 stream tcp4 nowait@30 $ME /bin/sleep sleep 3
EOF
	SECONDS=0
	run -0 "$NETC" -w 10 -n 127.0.0.1 "$(superd_port 1)"
	[ "$SECONDS" -le 3 ]
	wait_for "$SUPERD_LOG" "0/tcp4: pid [0-9]+ killed by signal 15 after 1\."
	SECONDS=0
	run -0 "$NETC" -w 10 -n 127.0.0.1 "$(superd_port 2)"
	[ "$SECONDS" -ge 2 ]
	wait_for "$SUPERD_LOG" "0/tcp4: pid [0-9]+ exited 0 after 3\."
}

@test "dgram nowait: a handler past its limit is killed and sends nothing" {
	superd_start <<EOF
127.0.0.1:0 dgram udp4 nowait@1 $ME /bin/sleep sleep 30
EOF
	run -3 "$NETC" -u -w 3 127.0.0.1 "$(superd_port 1)" <<<"x"
	wait_for "$SUPERD_LOG" "0/udp4: pid [0-9]+ killed by signal 15 after 1\."
}
