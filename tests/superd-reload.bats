#!/usr/bin/env bats
# superd's signals: SIGHUP reloads (sockets kept, opened, closed; a bad
# file changes nothing; reloads under load), SIGUSR1's counts, SIGTERM and
# SIGINT, the pid file, -D.

load helpers/superd

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	superd_teardown
}

# --- SIGHUP -----------------------------------------------------------------

@test "SIGHUP keeps unchanged sockets, opens new ones, closes removed ones" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
127.0.0.2:0 stream tcp4 nowait $ME $ECHO echo
EOF
	kept=$(superd_port 1)
	gone=$(superd_port 2)
	fdbefore=$(readlink "/proc/$SUPERD_PID/fd/"* | grep -c socket)
	cat >"$SUPERD_CONF" <<EOF
# the first service moved to line 2, with another program
127.0.0.1:0 stream tcp4 nowait $ME $DAYTIME daytime
127.0.0.3:0 stream tcp4 nowait $ME $ECHO echo
EOF
	superd_reload
	grep -q "reloaded: 2 services, 1 new, 1 removed" "$SUPERD_LOG"
	[ "$(superd_port 2)" -eq "$kept" ]
	run -0 "$NETC" -n 127.0.0.1 "$kept"
	[[ "$output" =~ $DAYTIME_RE ]]
	run -1 "$NETC" -n 127.0.0.2 "$gone"
	run -0 "$NETC" 127.0.0.3 "$(superd_port 3)" <<<"new"
	[ "$output" = "new" ]
	[ "$(readlink "/proc/$SUPERD_PID/fd/"* | grep -c socket)" -eq "$fdbefore" ]
}

@test "SIGHUP with a bad file changes nothing and logs every error" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
	port=$(superd_port 1)
	cat >"$SUPERD_CONF" <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $DAYTIME daytime
127.0.0.1:0 stream tpc nowait $ME $ECHO echo
127.0.0.1:0 stream tcp4 nowait nosuchuser $ECHO echo
EOF
	superd_reload
	grep -qx "superd: $SUPERD_CONF:2: unknown protocol 'tpc'" "$SUPERD_LOG"
	grep -qx "superd: $SUPERD_CONF:3: unknown user 'nosuchuser'" "$SUPERD_LOG"
	grep -qx "superd: $SUPERD_CONF: errors; configuration unchanged" "$SUPERD_LOG"
	run -0 "$NETC" 127.0.0.1 "$port" <<<"still echo"
	[ "$output" = "still echo" ]
	# a file that has vanished changes nothing either
	mv "$SUPERD_CONF" "$SUPERD_CONF.away"
	superd_reload
	grep -qx "superd: $SUPERD_CONF: No such file or directory" "$SUPERD_LOG"
	run -0 "$NETC" 127.0.0.1 "$port" <<<"still echo"
	[ "$output" = "still echo" ]
}

@test "SIGHUP does not touch running handlers of a removed service" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME /bin/sleep sleep 2
EOF
	"$NETC" -w 10 -n 127.0.0.1 "$(superd_port 1)" &
	client=$!
	wait_until 5 eval '[ -n "$(superd_children)" ]'
	kid=$(superd_children)
	: >"$SUPERD_CONF"
	superd_reload
	grep -q "reloaded: 0 services, 0 new, 1 removed" "$SUPERD_LOG"
	kill -0 "$kid"
	wait "$client"
	wait_until 3 eval '[ -z "$(superd_children)" ]'
}

@test "a reload under a client loop refuses no connection" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
127.0.0.1:0 dgram udp4 nowait $ME $ECHO echo
EOF
	port=$(superd_port 1)
	uport=$(superd_port 2)
	(
		fails=0
		for i in $(seq 300); do
			[ "$("$NETC" -w 5 127.0.0.1 "$port" <<<"c$i" 2>&1)" = "c$i" ] ||
			    fails=$((fails + 1))
			[ -e stop ] && break
		done
		echo "$fails $i" >loop.out
	) &
	loop=$!
	for i in $(seq 20); do
		echo "# reload $i" >>"$SUPERD_CONF"
		kill -HUP "$SUPERD_PID"
		sleep 0.05
	done
	touch stop
	wait "$loop"
	read -r fails count <loop.out
	# however slow the machine, connections went on during the reloads
	[ "$count" -ge 5 ]
	[ "$fails" -eq 0 ]
	[ "$(grep -c 'reloaded: 2 services, 0 new, 0 removed' "$SUPERD_LOG")" -ge 2 ]
	run -0 "$NETC" -u 127.0.0.1 "$uport" <<<"udp kept"
	[ "$output" = "udp kept" ]
}

@test "100 SIGHUPs in a burst under a client loop: no refusal, no leaked descriptor" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
127.0.0.1:0 dgram udp4 nowait $ME $ECHO echo
EOF
	port=$(superd_port 1)
	before=$(superd_fds)
	(
		fails=0
		for k in $(seq 400); do
			[ "$("$NETC" -w 5 127.0.0.1 "$port" <<<"c$k" 2>&1)" = "c$k" ] ||
			    fails=$((fails + 1))
			[ -e stop ] && break
		done
		echo "$fails $k" >loop.out
	) &
	loop=$!
	for k in $(seq 100); do
		kill -HUP "$SUPERD_PID"
	done
	# and the same again, spaced, so that reloads interleave with accepts
	for k in $(seq 100); do
		kill -HUP "$SUPERD_PID"
		sleep 0.01
	done
	touch stop
	wait "$loop"
	read -r fails count <loop.out
	[ "$count" -ge 10 ]
	[ "$fails" -eq 0 ]
	wait_until 5 eval '[ -z "$(superd_children)" ]'
	[ "$(superd_fds)" = "$before" ]
	run -0 "$NETC" -u 127.0.0.1 "$(superd_port 2)" <<<"still udp"
	[ "$output" = "still udp" ]
}

# --- other signals, the pid file, -D ----------------------------------------

@test "SIGUSR1 logs one line per service with its counts" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
127.0.0.1:0 stream tcp4 nowait $ME /bin/false false
EOF
	"$NETC" 127.0.0.1 "$(superd_port 1)" <<<"a" >/dev/null
	"$NETC" 127.0.0.1 "$(superd_port 1)" <<<"b" >/dev/null
	"$NETC" -n 127.0.0.1 "$(superd_port 2)" >/dev/null
	wait_until 5 eval '[ -z "$(superd_children)" ]'
	wait_for "$SUPERD_LOG" 'false.*exited 1|0/tcp4: pid [0-9]+ exited 1'
	kill -USR1 "$SUPERD_PID"
	wait_for "$SUPERD_LOG" "$SUPERD_CONF:2: 0/tcp4: served"
	grep -qx "superd: $SUPERD_CONF:1: 0/tcp4: served 2, running 0, failed 0, refused 0, disabled-until -" "$SUPERD_LOG"
	grep -qx "superd: $SUPERD_CONF:2: 0/tcp4: served 1, running 0, failed 1, refused 0, disabled-until -" "$SUPERD_LOG"
}

@test "SIGTERM and SIGINT close the listeners and exit 0" {
	for sig in TERM INT; do
		superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
		port=$(superd_port 1)
		pid=$SUPERD_PID
		SUPERD_PID=
		bg_stop "$pid" "$sig"
		grep -q 'exiting on signal' "$SUPERD_LOG"
		run -1 "$NETC" -n 127.0.0.1 "$port"
	done
}

@test "-p writes the pid file and removes it at exit" {
	superd_start -p "$BATS_TEST_TMPDIR/superd.pid" <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
	[ "$(cat superd.pid)" = "$SUPERD_PID" ]
	superd_stop
	[ ! -e superd.pid ]
}

@test "-D detaches; the pid file holds the detached process" {
	cat >d.conf <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
	# run returns only if the detached superd holds none of its pipes
	run -0 timeout 5 "$SUPERD" -D -d -p "$BATS_TEST_TMPDIR/d.pid" d.conf
	wait_until 5 test -s d.pid
	pid=$(cat d.pid)
	BG_PIDS+=("$pid")
	port=$(echo "$output" | sed -n 's/^superd: .*d.conf:1: .* port \([0-9]*\)$/\1/p')
	[ -n "$port" ]
	[ "$(ps -o ppid= -p "$pid" | tr -d ' ')" != "$$" ]
	run -0 "$NETC" 127.0.0.1 "$port" <<<"daemon"
	[ "$output" = "daemon" ]
	kill "$pid"
	wait_until 5 eval '! kill -0 '"$pid"' 2>/dev/null'
	[ ! -e d.pid ]
}
