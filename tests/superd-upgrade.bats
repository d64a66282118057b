#!/usr/bin/env bats
# Upgrade in place: SIGUSR2 executes superd's binary again, same pid, its
# sockets, handlers and in-process connections handed over.

load helpers/superd
load helpers/systemd

LOADGEN=$ROOT/bench/loadgen

teardown() {
	superd_teardown 60
}

# upgrade N: SIGUSR2, then waits until the next image serves (the N-th
# "serving" line: the first image wrote one).
upgrade() {
	kill -USR2 "$SUPERD_PID"
	superd_serving "$1"
}

@test "20 upgrades under load: no connection refused, no reply lost, same pid" {
	superd_start <<EOF
127.0.0.1:0 stream tcp nowait $ME $ECHO echo
127.0.0.1:0 stream tcp nowait $ME internal echo
127.0.0.1:0 dgram udp nowait $ME $ECHO echo
127.0.0.1:0 dgram udp nowait $ME internal echo
EOF
	local out=$BATS_TEST_TMPDIR/load k
	bg_start "$out.1" "$LOADGEN" -c 2 -d 12 -t 5000 127.0.0.1 "$(superd_port 1)"
	bg_start "$out.2" "$LOADGEN" -c 2 -d 12 -t 5000 127.0.0.1 "$(superd_port 2)"
	bg_start "$out.3" "$LOADGEN" -u -c 2 -d 12 -t 5000 127.0.0.1 "$(superd_port 3)"
	bg_start "$out.4" "$LOADGEN" -u -c 2 -d 12 -t 5000 127.0.0.1 "$(superd_port 4)"
	sleep 0.5
	for k in $(seq 2 21); do
		upgrade "$k"
		sleep 0.2
	done
	for k in 1 2 3 4; do
		wait_until 20 eval '[ -s "$out.'"$k"'" ]'
	done
	cat "$out".[1-4]
	for k in 1 2 3 4; do
		grep -q ' refused=0 reset=0 timeout=0 short=0 wrong=0 other=0' "$out.$k"
		# each client loop was served all along, not only before or after
		[ "$(sed -n 's/.* conns=\([0-9]*\) .*/\1/p' "$out.$k")" -gt 100 ]
	done
	[ "$(grep -c ": serving, pid $SUPERD_PID\$" "$SUPERD_LOG")" -eq 21 ]
	[ "$(grep -c 'upgrade: executing' "$SUPERD_LOG")" -eq 20 ]
	! grep -Eq 'still serving|in use' "$SUPERD_LOG"
	kill -0 "$SUPERD_PID"
}

@test "a handler started before an upgrade is reaped and logged after it, with its duration" {
	superd_start <<EOF
127.0.0.1:0 stream tcp nowait $ME /bin/sleep sleep 2
EOF
	"$NETC" -w 8 127.0.0.1 "$(superd_port 1)" </dev/null 3>&- &
	pid=$(child_pid 'connection from')
	upgrade 2
	grep -q '^superd: upgrade: 1 handlers adopted$' "$SUPERD_LOG"
	wait_for "$SUPERD_LOG" "pid $pid exited 0 after" 5
	# logged by the new image, after its "serving" line, for the whole run
	sed -n '/upgrade: executing/,$p' "$SUPERD_LOG" | grep -Eq "^superd: 0/tcp: pid $pid exited 0 after 2\.[0-9]{3} s\$"
	[ -z "$(superd_children)" ]
}

@test "a dgram wait handler that holds the socket across an upgrade is not doubled" {
	superd_start <<EOF
127.0.0.1:0 dgram udp wait $ME $ECHO echo -t 2
EOF
	port=$(superd_port 1)
	run -0 "$NETC" -u 127.0.0.1 "$port" <<<"before"
	[ "$output" = "before" ]
	wait_for "$SUPERD_LOG" 'started pid [0-9]+$'
	pid=$(sed -n 's/.*: started pid //p' "$SUPERD_LOG")
	upgrade 2
	for k in 1 2 3; do
		run -0 "$NETC" -u 127.0.0.1 "$port" <<<"after $k"
		[ "$output" = "after $k" ]
	done
	# one handler served all four: none started beside it
	[ "$(grep -c 'started pid' "$SUPERD_LOG")" -eq 1 ]
	[ "$(superd_children)" = "$pid" ]
	# idle, it exits; the new image gives the socket back and starts the next
	wait_for "$SUPERD_LOG" "pid $pid exited 0 after" 6
	run -0 "$NETC" -u 127.0.0.1 "$port" <<<"next one"
	[ "$output" = "next one" ]
	[ "$(grep -c 'started pid' "$SUPERD_LOG")" -eq 2 ]
}

@test "in-process chargen and echo connections open across upgrades keep working to their end" {
	superd_start <<EOF
127.0.0.1:0 stream tcp nowait $ME internal chargen
127.0.0.1:0 stream tcp nowait $ME internal echo
EOF
	exec 5<>"/dev/tcp/127.0.0.1/$(superd_port 1)"
	exec 6<>"/dev/tcp/127.0.0.1/$(superd_port 2)"
	[ "$(head -c 1000 <&5 | wc -c)" -eq 1000 ]
	printf 'one\n' >&6
	read -r -t 5 line <&6
	[ "$line" = one ]
	upgrade 2
	upgrade 3
	grep -q 'upgrade: pid [0-9]* finishes 2 connections, 0 replies and 0 stderr pipes' "$SUPERD_LOG"
	printf 'two\n' >&6
	read -r -t 5 line <&6
	[ "$line" = two ]
	# chargen goes on where it was: 100,000 more bytes of the pattern
	[ "$(head -c 100000 <&5 | tr -d '\r\n' | tr -d ' -~' | wc -c)" -eq 0 ]
	exec 5<&- 6<&-
	# the second upgrade had none in-process: only one finisher, which
	# exits once its connections are over, reaped by superd
	[ "$(grep -c 'upgrade: pid [0-9]* finishes' "$SUPERD_LOG")" -eq 1 ]
	wait_for "$SUPERD_LOG" 'upgrade: pid [0-9]*: finished'
	wait_until 5 eval '[ -z "$(superd_children)" ]'
	# and new connections go to the new image
	run -0 "$NETC" 127.0.0.1 "$(superd_port 2)" <<<"three"
	[ "$output" = three ]
}

@test "a failed exec (binary removed, not executable) is logged; the old image serves; a new binary then runs" {
	cp "$SUPERD" "$BATS_TEST_TMPDIR/superd"
	SUPERD=$BATS_TEST_TMPDIR/superd superd_start <<EOF
127.0.0.1:0 stream tcp nowait $ME internal echo
127.0.0.1:0 stream tcp nowait $ME $ECHO echo
EOF
	exec 5<>"/dev/tcp/127.0.0.1/$(superd_port 1)"
	rm "$BATS_TEST_TMPDIR/superd"
	kill -USR2 "$SUPERD_PID"
	wait_for "$SUPERD_LOG" "^superd: upgrade: $BATS_TEST_TMPDIR/superd: No such file or directory; still serving\$"
	cp "$SUPERD" "$BATS_TEST_TMPDIR/superd"
	chmod a-x "$BATS_TEST_TMPDIR/superd"
	kill -USR2 "$SUPERD_PID"
	wait_for "$SUPERD_LOG" "^superd: upgrade: $BATS_TEST_TMPDIR/superd: Permission denied; still serving\$"
	# the old image serves as before: its sockets, its connection
	[ "$(grep -c ': serving, pid ' "$SUPERD_LOG")" -eq 1 ]
	printf 'kept\n' >&5
	read -r -t 5 line <&5
	[ "$line" = kept ]
	for k in 1 2; do
		run -0 "$NETC" 127.0.0.1 "$(superd_port "$k")" <<<"served $k"
		[ "$output" = "served $k" ]
	done
	# no finisher was left behind
	[ -z "$(superd_children)" ]
	# the binary back in place, the next SIGUSR2 runs it
	chmod a+x "$BATS_TEST_TMPDIR/superd"
	upgrade 2
	[[ "$(readlink "/proc/$SUPERD_PID/exe")" != *deleted* ]]
	printf 'still kept\n' >&5
	read -r -t 5 line <&5
	[ "$line" = "still kept" ]
	exec 5<&-
}

@test "NOTIFY_SOCKET: RELOADING=1 before an upgrade, READY=1 after it, the same MAINPID" {
	notify_start "$BATS_TEST_TMPDIR/notify.sock"
	WATCHDOG_USEC=60000000 superd_start <<EOF
127.0.0.1:0 stream tcp nowait $ME internal echo
EOF
	upgrade 2
	wait_until 5 eval '[ "$(notify_count "^READY=1")" -eq 2 ]'
	# each image pings the watchdog as it starts: the next one got it too
	[ "$(notify_count '^WATCHDOG=1$')" -eq 2 ]
	run eval 'notify_msgs | grep -v WATCHDOG'
	[ "${lines[0]}" = "READY=1 STATUS=1 services, 0 handlers running MAINPID=$SUPERD_PID" ]
	[[ "${lines[1]}" =~ ^RELOADING=1\ MONOTONIC_USEC=[0-9]+$ ]]
	[ "${lines[2]}" = "READY=1 STATUS=1 services, 0 handlers running MAINPID=$SUPERD_PID" ]
	# a failed one too ends with READY=1
	cp "$SUPERD" "$BATS_TEST_TMPDIR/gone"
	superd_stop
	: >"$NOTIFY_OUT"
	SUPERD=$BATS_TEST_TMPDIR/gone superd_start <<EOF
127.0.0.1:0 stream tcp nowait $ME internal echo
EOF
	rm "$BATS_TEST_TMPDIR/gone"
	kill -USR2 "$SUPERD_PID"
	wait_until 5 eval '[ "$(notify_count "^READY=1")" -eq 2 ]'
	run notify_msgs
	[[ "${lines[1]}" =~ ^RELOADING=1 ]]
	[[ "${lines[2]}" =~ ^READY=1 ]]
	[ "${#lines[@]}" -eq 3 ]
}

@test "-D and the pidfile stay right across an upgrade to a new binary" {
	port=$("$FREEPORT")
	cp "$SUPERD" "$BATS_TEST_TMPDIR/superd"
	cat >"$BATS_TEST_TMPDIR/superd.conf" <<EOF
127.0.0.1:$port stream tcp nowait $ME internal echo
EOF
	# relative paths: -D leaves for /, the upgrade must come back for them
	cd "$BATS_TEST_TMPDIR"
	./superd -D -p "$BATS_TEST_TMPDIR/superd.pid" superd.conf 3>&-
	wait_until 5 test -s superd.pid
	pid=$(cat superd.pid)
	run -0 "$NETC" 127.0.0.1 "$port" <<<"daemon"
	[ "$output" = daemon ]
	# a new binary at the same path (the old one's inode goes)
	cp "$SUPERD" superd.new
	mv superd.new superd
	[[ "$(readlink "/proc/$pid/exe")" == *deleted* ]]
	kill -USR2 "$pid"
	wait_until 5 eval '[[ "$(readlink /proc/'"$pid"'/exe)" != *deleted* ]]'
	sleep 0.2
	[ "$(cat superd.pid)" = "$pid" ]
	[ "$(readlink "/proc/$pid/cwd")" = / ]
	run -0 "$NETC" 127.0.0.1 "$port" <<<"upgraded daemon"
	[ "$output" = "upgraded daemon" ]
	kill -TERM "$pid"
	wait_until 5 eval '! kill -0 '"$pid"' 2>/dev/null'
	[ ! -e superd.pid ]
}

@test "2,000 services upgrade under a limit of 2,100 descriptors, every socket kept" {
	local k
	for k in $(seq 2000); do
		echo "127.0.0.1:0 stream tcp4 nowait $ME internal echo"
	done >"$BATS_TEST_TMPDIR/big.conf"
	SUPERD_CONF=$BATS_TEST_TMPDIR/big.conf
	SUPERD_LOG=$BATS_TEST_TMPDIR/superd.log
	# the limit of the process, soft and hard, across the exec too
	bg_start "$SUPERD_LOG" sh -c 'ulimit -n 2100 && exec "$@"' sh "$SUPERD" "$SUPERD_CONF"
	SUPERD_PID=$BG_PID
	SUPERD_WAIT=60 superd_serving 1
	fds=$(superd_fds | wc -l)
	[ "$fds" -ge 2000 ]
	upgrade 2
	upgrade 3
	! grep -q 'still serving' "$SUPERD_LOG"
	[ "$(superd_fds | wc -l)" -eq "$fds" ]
	for k in 1 1000 2000; do
		run -0 "$NETC" 127.0.0.1 "$(superd_port "$k")" <<<"line $k"
		[ "$output" = "line $k" ]
	done
}

@test "services reordered by a reload upgrade with their sockets, and a failed exec then gives every fd back" {
	local k
	cp "$SUPERD" "$BATS_TEST_TMPDIR/superd"
	for k in $(seq 20); do
		echo "127.0.0.1:0 stream tcp4 nowait $ME internal echo"
		echo "127.0.0.1:0 dgram udp4 nowait $ME internal echo"
	done >"$BATS_TEST_TMPDIR/superd.conf"
	SUPERD=$BATS_TEST_TMPDIR/superd superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	# the same sockets, the TCP ones listed first: the list's order is
	# no longer the descriptors' (a reload pairs lines by socket)
	{ for k in $(seq 20); do
		echo "127.0.0.1:0 stream tcp4 nowait $ME internal echo"
	  done
	  for k in $(seq 20); do
		echo "127.0.0.1:0 dgram udp4 nowait $ME internal echo"
	  done; } >"$BATS_TEST_TMPDIR/superd.conf"
	superd_reload
	grep -q 'reloaded: 40 services, 0 new, 0 removed' "$SUPERD_LOG"
	sleep 10 | "$NETC" -w 10 127.0.0.1 "$(superd_port 10)" >"$BATS_TEST_TMPDIR/held.out" &
	held=$!
	# the held connection is in-process: the upgrade gives it a finisher
	wait_for "$SUPERD_LOG" 'connection from 127\.0\.0\.1 port [0-9]*, in-process$' 10
	upgrade 2
	! grep -Eq 'still serving|in use|no service uses it' "$SUPERD_LOG"
	for k in 1 10 20; do
		run -0 "$NETC" 127.0.0.1 "$(superd_port "$k")" <<<"after $k"
		[ "$output" = "after $k" ]
	done
	for k in 21 30 40; do
		run -0 "$NETC" -u 127.0.0.1 "$(superd_port "$k")" <<<"udp $k"
		[ "$output" = "udp $k" ]
	done
	kill "$held" 2>/dev/null || true
	wait_for "$SUPERD_LOG" 'upgrade: pid [0-9]*: finished' 15
	# a failed exec: every descriptor back at its number, all serve
	fds=$(superd_fds | tr '\n' ' ')
	rm "$BATS_TEST_TMPDIR/superd"
	kill -USR2 "$SUPERD_PID"
	wait_for "$SUPERD_LOG" 'still serving'
	[ "$(superd_fds | tr '\n' ' ')" = "$fds" ]
	for k in $(seq 20); do
		run -0 "$NETC" 127.0.0.1 "$(superd_port "$k")" <<<"still $k"
		[ "$output" = "still $k" ]
	done
	for k in $(seq 21 40); do
		run -0 "$NETC" -u 127.0.0.1 "$(superd_port "$k")" <<<"udp $k"
		[ "$output" = "udp $k" ]
	done
}

@test "an upgrade that runs out of descriptors on the way gives every socket back and serves on" {
	command -v prlimit >/dev/null || skip "no prlimit here"
	local k
	for k in $(seq 300); do
		echo "127.0.0.1:0 stream tcp4 nowait $ME internal echo"
	done >"$BATS_TEST_TMPDIR/superd.conf"
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	fds=$(superd_fds | tr '\n' ' ')
	# room for two descriptors more: too few to set the others aside
	hard=$(prlimit --pid "$SUPERD_PID" --nofile --raw --noheadings -o HARD)
	prlimit --pid "$SUPERD_PID" --nofile=$(( $(superd_fds | tail -n 1) + 3 )):
	kill -USR2 "$SUPERD_PID"
	wait_for "$SUPERD_LOG" 'upgrade: descriptors: Too many open files; still serving'
	[ "$(superd_fds | tr '\n' ' ')" = "$fds" ]
	for k in 1 150 300; do
		run -0 "$NETC" 127.0.0.1 "$(superd_port "$k")" <<<"kept $k"
		[ "$output" = "kept $k" ]
	done
	# with room again, the same upgrade goes through
	prlimit --pid "$SUPERD_PID" --nofile="$hard":
	upgrade 2
	run -0 "$NETC" 127.0.0.1 "$(superd_port 300)" <<<"new image"
	[ "$output" = "new image" ]
}
