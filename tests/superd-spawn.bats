#!/usr/bin/env bats
# superd -S: the three ways a handler starts (vfork, clone, spare), and
# what a spare, forked ahead of its connection, must still get right: the
# user, the descriptors, the signals, that connection's environment, its
# end at a reload or exit, and a handler that cannot be run.

load helpers/superd

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	superd_teardown
}

# waits for the spare of superd's one service, and prints its pid
one_spare() {
	wait_until 5 eval '[ -n "$(superd_spares)" ]'
	superd_spares
}

@test "every -S way serves echo byte for byte over tcp and udp" {
	printf 'a\0b\377\ncd' >in.bin
	head -c 200000 /dev/urandom >big.bin
	for how in vfork clone spare; do
		superd_start -S "$how" <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
127.0.0.1:0 dgram udp4 nowait $ME $ECHO echo
EOF
		for i in 1 2 3; do
			"$NETC" 127.0.0.1 "$(superd_port 1)" <in.bin >out.bin
			cmp in.bin out.bin
			[ "$("$NETC" -u 127.0.0.1 "$(superd_port 2)" <<<"u$i")" = "u$i" ]
		done
		"$NETC" 127.0.0.1 "$(superd_port 1)" <big.bin >bigout.bin
		cmp big.bin bigout.bin
		superd_stop
	done
}

@test "clone: a connection on a fd above 63 is lent on 0-2; the handler holds those alone" {
	# fds 3-120 taken before superd starts: its connections land above them
	script wrap 'for i in $(seq 3 120); do eval "exec $i</dev/null"; done
exec "$@"'
	SUPERD_WRAP="bash $BATS_TEST_TMPDIR/wrap" superd_start -S clone <<EOF
127.0.0.1:0 stream tcp4 nowait $ME /bin/sleep sleep 5
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
	[ -e "/proc/$SUPERD_PID/fd/120" ]
	[ "$(printf 'hi\0there' | "$NETC" 127.0.0.1 "$(superd_port 2)" | od -An -c)" = \
	    '   h   i  \0   t   h   e   r   e' ]
	"$NETC" -w 10 -n 127.0.0.1 "$(superd_port 1)" >/dev/null 2>&1 &
	c1=$!
	wait_until 5 eval '[ "$(superd_children | wc -l)" -eq 1 ]'
	kid=$(superd_children)
	wait_until 5 eval '[ "$(readlink /proc/'"$kid"'/exe)" = /usr/bin/sleep ]'
	[ "$(ls /proc/"$kid"/fd | sort -n | tr '\n' ' ')" = "0 1 2 " ]
	[[ "$(readlink "/proc/$kid/fd/0")" == socket:* ]]
	# superd's own fd 0 is its own again
	[ "$(readlink "/proc/$SUPERD_PID/fd/0")" = /dev/null ]
	kill "$kid"
	wait "$c1" || true
}

@test "-S with another name is a usage error" {
	run -2 "$SUPERD" -S posix_spawn -t /dev/null
	[ "$output" = "superd: -S posix_spawn: not vfork, clone or spare" ]
	SUPERD_SPAWN=fork run -2 "$SUPERD" -t /dev/null
	[ "$output" = "superd: SUPERD_SPAWN fork: not vfork, clone or spare" ]
}

@test "spare: the connection is served by the spare made ahead of it" {
	superd_start -S spare <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
	[ -z "$(superd_spares)" ]
	[ "$("$NETC" 127.0.0.1 "$(superd_port 1)" <<<one)" = one ]
	spare=$(one_spare)
	[ "$("$NETC" 127.0.0.1 "$(superd_port 1)" <<<two)" = two ]
	wait_for "$SUPERD_LOG" "connection from 127.0.0.1 port [0-9]*, pid $spare\$"
	# the next one is made at once, and a spare is no handler
	[ "$(one_spare)" != "$spare" ]
	wait_until 5 eval '[ -z "$(superd_children)" ]'
}

@test "spare: the handler runs as the service's user" {
	[ "$(id -u)" -eq 0 ] || skip "switching users needs root"
	superd_start -S spare <<EOF
127.0.0.1:0 stream tcp4 nowait nobody /usr/bin/id id
EOF
	for i in 1 2 3; do
		run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
		[ "$output" = "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)" ]
	done
	one_spare >/dev/null
}

@test "spare: the handler has only fds 0, 1 and 2, even ones superd inherited" {
	SUPERD_CONF=$BATS_TEST_TMPDIR/superd.conf
	SUPERD_LOG=$BATS_TEST_TMPDIR/superd.log
	cat >"$SUPERD_CONF" <<EOF
127.0.0.1:0 stream tcp4 nowait $ME /bin/ls ls /proc/self/fd
EOF
	bg_start "$SUPERD_LOG" bash -c 'exec 7</dev/null 251</dev/null; exec "$@"' \
	    sh "$SUPERD" -l -S spare "$SUPERD_CONF"
	SUPERD_PID=$BG_PID
	wait_for "$SUPERD_LOG" ': serving, pid '
	for i in 1 2 3; do
		run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
		# 3 is ls's own, the folder it reads
		[ "$(echo $output)" = "0 1 2 3" ]
	done
	# the spare waiting has one: its end of the socketpair
	spare=$(one_spare)
	wait_until 5 eval '[ "$(ls /proc/'"$spare"'/fd | wc -l)" -eq 1 ]'
}

@test "spare: default signal dispositions and an empty mask" {
	SUPERD_CONF=$BATS_TEST_TMPDIR/superd.conf
	SUPERD_LOG=$BATS_TEST_TMPDIR/superd.log
	cat >"$SUPERD_CONF" <<EOF
127.0.0.1:0 stream tcp4 nowait $ME /bin/grep grep -E ^Sig(Ign|Blk): /proc/self/status
EOF
	bg_start "$SUPERD_LOG" bash -c "trap '' INT QUIT USR2 PIPE HUP; exec \"\$@\"" \
	    sh "$SUPERD" -l -S spare "$SUPERD_CONF"
	SUPERD_PID=$BG_PID
	wait_for "$SUPERD_LOG" ': serving, pid '
	for i in 1 2 3; do
		run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
		[ "${lines[0]}" = "$(printf 'SigBlk:\t0000000000000000')" ]
		[ "${lines[1]}" = "$(printf 'SigIgn:\t0000000000000000')" ]
	done
}

@test "spare: each handler gets its own connection's environment" {
	superd_start -S spare <<EOF
127.0.0.1:0 stream tcp4 nowait $ME /usr/bin/env env
EOF
	port=$(superd_port 1)
	for i in 1 2 3; do
		"$NETC" -n 127.0.0.1 "$port" >env$i.out
	done
	one_spare >/dev/null
	for i in 1 2 3; do
		rport=$(sed -n 's/^TCPREMOTEPORT=//p' env$i.out)
		[ -n "$rport" ]
		grep -qx "REMOTE_PORT=$rport" env$i.out
		grep -qx "TCPLOCALPORT=$port" env$i.out
		grep -qx "PROTO=TCP" env$i.out
		grep -q "connection from 127.0.0.1 port $rport," "$SUPERD_LOG"
		[ "$(wc -l <env$i.out)" -eq 9 ]
		echo "$rport"
	done >ports
	[ "$(sort -u ports | wc -l)" -eq 3 ]
}

@test "spare: a reload that changes the service kills its spare" {
	superd_start -S spare <<EOF
127.0.0.1:0 stream tcp4 nowait $ME /bin/echo echo old
EOF
	[ "$("$NETC" -n 127.0.0.1 "$(superd_port 1)")" = old ]
	old=$(one_spare)
	[ "$(superd_spares | wc -l)" -eq 1 ]
	echo "127.0.0.1:0 stream tcp4 nowait $ME /bin/echo echo new" >"$SUPERD_CONF"
	superd_reload
	# killed and reaped: no longer superd's child
	wait_until 5 eval '! pgrep -P "$SUPERD_PID" | grep -qx "$old"'
	[ -z "$(superd_spares)" ]
	[ "$("$NETC" -n 127.0.0.1 "$(superd_port 1)")" = new ]
	[ "$("$NETC" -n 127.0.0.1 "$(superd_port 1)")" = new ]
	[ "$(one_spare | wc -l)" -eq 1 ]
}

@test "spare: SIGTERM leaves no spare behind" {
	superd_start -S spare <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
127.0.0.1:0 dgram udp4 nowait $ME $ECHO echo
EOF
	[ "$("$NETC" 127.0.0.1 "$(superd_port 1)" <<<t)" = t ]
	[ "$("$NETC" -u 127.0.0.1 "$(superd_port 2)" <<<u)" = u ]
	wait_until 5 eval '[ "$(superd_spares | wc -l)" -eq 2 ]'
	spares=$(superd_spares)
	superd_stop
	for p in $spares; do
		! kill -0 "$p" 2>/dev/null
	done
}

@test "spare: a handler that vanished is logged as under vfork" {
	cp "$ECHO" gone
	superd_start -S spare <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $BATS_TEST_TMPDIR/gone gone
EOF
	rm gone
	for i in 1 2 3; do
		run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
		[ "$output" = "" ]
	done
	wait_for "$SUPERD_LOG" "superd: $SUPERD_CONF:1: 0/tcp4: $BATS_TEST_TMPDIR/gone: No such file or directory"
	wait_until 5 eval '[ "$(grep -c "exited 127" "$SUPERD_LOG")" -eq 3 ]'
}

@test "spare: a spare that dies before its connection is logged" {
	superd_start -S spare <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
	[ "$("$NETC" 127.0.0.1 "$(superd_port 1)" <<<a)" = a ]
	kill -KILL "$(one_spare)"
	wait_for "$SUPERD_LOG" "superd: $SUPERD_CONF:1: 0/tcp4: spare: killed by signal 9"
	# the next connection is served all the same
	[ "$("$NETC" 127.0.0.1 "$(superd_port 1)" <<<b)" = b ]
}
