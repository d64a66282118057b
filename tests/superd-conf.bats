#!/usr/bin/env bats
# superd: the command line, -t, and loading the configuration: parse
# errors, load errors at start-up, who can run what, large files, files that
# are not files, read errors, bad bytes.

load helpers/superd

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	superd_teardown 50
}

# --- command line and configuration -----------------------------------------

@test "superd -h prints the usage, then one line per option" {
	run -0 "$SUPERD" -h
	[ "${lines[0]}" = "usage: superd [-d] [-t] [-D] [-l] [-p PIDFILE] [-T SECONDS] [--hosts-allow FILE]" ]
	[ "${lines[1]}" = "              [--hosts-deny FILE] [--max-children N] [--max-per-source N]" ]
	[ "${lines[2]}" = "              [--max-rate-per-source N] [--max-spawn-rate N]" ]
	[ "${lines[3]}" = "              [--log-format text|logfmt|json] [-S vfork|clone|spare] [CONFIG ...]" ]
	[ "${lines[4]}" = "       superd [OPTIONS] --listen PROTO:ADDR:PORT [--listen ...] [--wait]" ]
	[ "${lines[5]}" = "              [--user USER] -- PROGRAM [ARGS...] | --internal NAME" ]
	[ "${lines[6]}" = "Runs the services of CONFIG (default /etc/superd.conf), inetd style." ]
	# every long option of the usage line, and the others, each once
	for o in -d,\ --debug -t,\ --check -D,\ --daemon -l,\ --log-connections \
	    "-p, --pidfile PIDFILE" "-T, --time-limit SECONDS" \
	    "--hosts-allow FILE" "--hosts-deny FILE" "--max-children N" \
	    "--max-per-source N" "--max-rate-per-source N" \
	    "--max-spawn-rate N" --no-failure-pause "--log-format FORMAT" \
	    "--listen PROTO:ADDR:PORT" --wait "--user USER" "--internal NAME" \
	    "--proxy v1|v2|any" "-S, --spawn HOW" \
	    -h,\ --help -V,\ --version; do
		[ "$(grep -c -- "^  *$o  " <<<"$output")" -eq 1 ] ||
		    { echo "no line for $o" >&2; return 1; }
	done
	[ "${#lines[@]}" -eq 30 ]
	run -0 "$SUPERD" --help
	[ "${lines[0]}" = "usage: superd [-d] [-t] [-D] [-l] [-p PIDFILE] [-T SECONDS] [--hosts-allow FILE]" ]
	[ "${#lines[@]}" -eq 30 ]
	# a usage error prints the usage alone
	run -2 "$SUPERD" --no-such-option
	[ "${#lines[@]}" -eq 7 ]
}

@test "superd rejects an unknown option with the usage and exit 2" {
	run -2 "$SUPERD" -Z
	[[ "$output" == *"usage: superd "* ]]
	run -2 "$SUPERD" -T abc x.conf
	[ "$output" = "superd: time limit abc: invalid" ]
}

@test "superd --version prints its version" {
	run -0 "$SUPERD" --version
	[[ "$output" =~ ^superd\ [0-9]+\.[0-9]+$ ]]
}

@test "superd -t prints every field form it accepts and exits 0" {
	mkdir sub
	cp "$ECHO" sub/myecho
	cat >sub/c.conf <<EOF
# a comment, then a blank line

echo stream tcp nowait $ME myecho
127.0.0.1:daytime	dgram	udp4	wait	$ME	$DAYTIME
[::1]:7777 stream tcp6 nowait.40 $ME:root $ECHO echo -x
*:7778 stream tcp46 nowait/10/20/3@30 $ME.root ./myecho echo
localhost:7779 dgram udp nowait@2 $ME $DAYTIME daytime -u
0 stream tcp4 wait/5// $ME $ECHO   # trailing comment
EOF
	run -0 "$SUPERD" -t sub/c.conf
	[ "${lines[0]}" = "sub/c.conf:3: echo :: 7 stream tcp nowait $ME $BATS_TEST_TMPDIR/sub/myecho myecho" ] ||
	    [ "${lines[0]}" = "sub/c.conf:3: echo 0.0.0.0 7 stream tcp nowait $ME $BATS_TEST_TMPDIR/sub/myecho myecho" ]
	[ "${lines[1]}" = "sub/c.conf:4: daytime 127.0.0.1 13 dgram udp4 wait $ME $DAYTIME daytime" ]
	[ "${lines[2]}" = "sub/c.conf:5: 7777 ::1 7777 stream tcp6 nowait.40 $ME $ECHO echo -x" ]
	[[ "${lines[3]}" == "sub/c.conf:6: 7778 "*" 7778 stream tcp46 nowait/10/20/3@30 $ME $BATS_TEST_TMPDIR/sub/./myecho echo" ]]
	[[ "${lines[4]}" =~ ^sub/c.conf:7:\ 7779\ (127.0.0.1|::1)\ 7779\ dgram\ udp\ nowait@2\ $ME\ $DAYTIME\ daytime\ -u$ ]]
	[ "${lines[5]}" = "sub/c.conf:8: 0 0.0.0.0 0 stream tcp4 wait/5/0/0 $ME $ECHO echo" ]
	[ "${#lines[@]}" -eq 6 ]
}

@test "limits set on the command line apply where the WAIT field sets none" {
	cat >c.conf <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
127.0.0.1:0 stream tcp4 nowait.9/1/0/3@4 $ME $ECHO echo
127.0.0.1:0 stream tcp4 wait $ME $ECHO echo
EOF
	run -0 "$SUPERD" -t --max-children 7 --max-per-source 2 \
	    --max-rate-per-source 100 --max-spawn-rate 500 c.conf
	[ "${lines[0]}" = "c.conf:1: 0 127.0.0.1 0 stream tcp4 nowait.500/7/100/2 $ME $ECHO echo" ]
	[ "${lines[1]}" = "c.conf:2: 0 127.0.0.1 0 stream tcp4 nowait.9/1/100/3@4 $ME $ECHO echo" ]
	# a stream wait handler accepts itself: superd sees no source
	[ "${lines[2]}" = "c.conf:3: 0 127.0.0.1 0 stream tcp4 wait.500/7/0/0 $ME $ECHO echo" ]
	run -2 "$SUPERD" --max-children lots c.conf
	[ "$output" = "superd: limit lots: invalid" ]
}

@test "superd -t names file, line and field of each bad line and exits 1" {
	touch notexec
	cat >c.conf <<EOF
0 stream tcp4 nowait $ME $ECHO echo
0 stream tpc nowait $ME $ECHO
0 strem tcp nowait $ME $ECHO
0 stream udp nowait $ME $ECHO
nosuchservice stream tcp nowait $ME $ECHO
99999 stream tcp nowait $ME $ECHO
0 stream tcp nowayt $ME $ECHO
0 stream tcp nowait.x $ME $ECHO
0 stream tcp nowait/1/2/3/4 $ME $ECHO
0 stream tcp nowait@0 $ME $ECHO
0 stream tcp nowait nosuchuser $ECHO
0 stream tcp nowait $ME:nosuchgroup $ECHO
0 stream tcp nowait $ME /nonexistent/prog
0 stream tcp nowait $ME notexec
0 stream tcp nowait $ME
[::1:0 stream tcp nowait $ME $ECHO
[::1]:0 stream tcp4 nowait $ME $ECHO
0 stream tcp nowait $ME internal nosuchbuiltin
0 stream tcp4 nowait $ME $ECHO echo
EOF
	run -1 "$SUPERD" -t c.conf
	[ "${lines[0]}" = "c.conf:1: 0 0.0.0.0 0 stream tcp4 nowait $ME $ECHO echo" ] ||
	    [ "$(echo "$output" | grep -c '^c.conf:1: 0 0.0.0.0 0 stream tcp4')" -eq 1 ]
	echo "$output" | grep -qx "superd: c.conf:2: unknown protocol 'tpc'"
	echo "$output" | grep -qx "superd: c.conf:3: unknown socket type 'strem'"
	echo "$output" | grep -qx "superd: c.conf:4: protocol 'udp' does not fit the socket type"
	echo "$output" | grep -qx "superd: c.conf:5: unknown service 'nosuchservice'"
	echo "$output" | grep -qx "superd: c.conf:6: port '99999': too large"
	echo "$output" | grep -qx "superd: c.conf:7: unknown wait field 'nowayt'"
	echo "$output" | grep -qx "superd: c.conf:8: spawn limit 'x': bad number"
	echo "$output" | grep -qx "superd: c.conf:9: too many limits in 'nowait/1/2/3/4'"
	echo "$output" | grep -qx "superd: c.conf:10: time limit '0': bad number"
	echo "$output" | grep -qx "superd: c.conf:11: unknown user 'nosuchuser'"
	echo "$output" | grep -qx "superd: c.conf:12: unknown group 'nosuchgroup'"
	echo "$output" | grep -qx "superd: c.conf:13: program '/nonexistent/prog': No such file or directory"
	echo "$output" | grep -qx "superd: c.conf:14: program '$BATS_TEST_TMPDIR/notexec': not an executable file"
	echo "$output" | grep -qx "superd: c.conf:15: 5 fields, need at least 6"
	echo "$output" | grep -qx "superd: c.conf:16: bad address in '\[::1:0'"
	echo "$output" | grep -q "^superd: c.conf:17: address '::1': "
	echo "$output" | grep -qx "superd: c.conf:18: no internal service 'nosuchbuiltin'"
	echo "$output" | grep -q "^c.conf:19: 0 0.0.0.0 0 stream tcp4 nowait $ME $ECHO echo\$"
	[ "$(echo "$output" | grep -c '^superd: ')" -eq 17 ]
}

@test "superd with a missing configuration file says so and exits 1" {
	run -1 "$SUPERD" "$BATS_TEST_TMPDIR/none.conf"
	[ "$output" = "superd: $BATS_TEST_TMPDIR/none.conf: No such file or directory" ]
	run -1 "$SUPERD" -t "$BATS_TEST_TMPDIR/none.conf"
	[ "$output" = "superd: $BATS_TEST_TMPDIR/none.conf: No such file or directory" ]
}

@test "superd with an unreadable configuration says so and exits 1" {
	# (a folder is read as an inetd.d folder: superd-dialect.bats)
	if [ "$(id -u)" -ne 0 ]; then
		echo "0 stream tcp nowait $ME $ECHO" >locked.conf
		chmod 000 locked.conf
		run -1 "$SUPERD" locked.conf
		[ "$output" = "superd: locked.conf: Permission denied" ]
	fi
}

# --- errors at start-up -----------------------------------------------------

@test "superd at start-up skips a bad line and serves the others" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
127.0.0.1:0 stream tcp9 nowait $ME $ECHO echo
127.0.0.1:0 stream tcp4 nowait nosuchuser $ECHO echo
127.0.0.1:0 stream tcp4 nowait $ME $DAYTIME daytime
EOF
	grep -qx "superd: $SUPERD_CONF:2: unknown protocol 'tcp9'" "$SUPERD_LOG"
	grep -qx "superd: $SUPERD_CONF:3: unknown user 'nosuchuser'" "$SUPERD_LOG"
	run -0 "$NETC" 127.0.0.1 "$(superd_port 1)" <<<"still here"
	[ "$output" = "still here" ]
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 4)"
	[[ "$output" =~ $DAYTIME_RE ]]
}

@test "superd reports a port already in use and runs the rest" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
	local busy first=$SUPERD_PID firstlog=$SUPERD_LOG
	busy=$(superd_port 1)
	SUPERD_PID=
	mkdir two && cd two
	cat >two.conf <<EOF
127.0.0.1:$busy stream tcp4 nowait $ME $ECHO echo
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
	bg_start two.log "$SUPERD" two.conf
	wait_for two.log ': serving, pid '
	grep -qx "superd: two.conf:1: $busy/tcp4: bind 127.0.0.1 port $busy: Address already in use" two.log
	port=$(sed -n 's/^superd: two.conf:2: .* port \([0-9]*\)$/\1/p' two.log)
	run -0 "$NETC" 127.0.0.1 "$port" <<<"second"
	[ "$output" = "second" ]
	# and with nothing left to serve, it exits 1 with one more line
	echo "127.0.0.1:$busy stream tcp4 nowait $ME $ECHO echo" >busy.conf
	run -1 "$SUPERD" busy.conf
	[ "${lines[0]}" = "superd: busy.conf:1: $busy/tcp4: bind 127.0.0.1 port $busy: Address already in use" ]
	[[ "${lines[1]}" == "superd: "*": no service could be started" ]]
	kill -0 "$first"
	: "$firstlog"
}

# clone DIR: the handlers and make run's configuration, on port 0, in DIR.
clone() {
	mkdir -p "$1/etc" "$1/handlers"
	cp "$ROOT"/handlers/{echo,discard,chargen,daytime,time,qotd} "$1/handlers/"
	sed -E 's/:77[0-9][0-9]( +)/:0\1/' "$ROOT/etc/superd.conf" >"$1/etc/superd.conf"
}

# --- who runs what ---------------------------------------------------------

@test "as root, make run's configuration serves from a folder only root can enter" {
	need_root
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	mkdir -m 0700 closed
	clone "$BATS_TEST_TMPDIR/closed/superd"
	chmod 0700 closed/superd
	superd_start_file "$BATS_TEST_TMPDIR/closed/superd/etc/superd.conf"
	# lines 6, 8, 10 and 18: echo tcp4 and udp4, discard and time tcp4
	run -0 "$NETC" 127.0.0.1 "$(superd_port 6)" <<<"from a closed folder"
	[ "$output" = "from a closed folder" ]
	run -0 "$NETC" -u 127.0.0.1 "$(superd_port 8)" <<<"udp too"
	[ "$output" = "udp too" ]
	# time's 4 bytes may hold a NUL or end in a newline: counted, not read
	[ "$("$NETC" -c 4 127.0.0.1 "$(superd_port 18)" </dev/null | wc -c)" -eq 4 ]
	# and the handler is not root: hold a discard connection open
	exec 5<>"/dev/tcp/127.0.0.1/$(superd_port 10)"
	wait_until 5 eval '[ "$(grep -c "connection from" "$SUPERD_LOG")" -eq 4 ]'
	pid=$(child_pid "0/tcp4: connection from")
	[ "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" = "$(id -u nobody)" ]
	exec 5>&-
	! grep -q 'Permission denied\|failed at once' "$SUPERD_LOG"
}

@test "a program its user cannot run is an error at load, naming the user and what stops it" {
	need_root
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	mkdir -m 0755 open
	mkdir -m 0700 shut
	cp "$ECHO" open/private && chmod 0700 open/private
	printf '#!/bin/sh\nexec cat\n' >shut/script.sh && chmod 0755 shut/script.sh
	cp "$ECHO" shut/binary
	cat >c.conf <<EOF
127.0.0.1:0 stream tcp4 nowait nobody $BATS_TEST_TMPDIR/open/private private
127.0.0.1:0 stream tcp4 nowait nobody $BATS_TEST_TMPDIR/shut/script.sh script
127.0.0.1:0 stream tcp4 nowait nobody $BATS_TEST_TMPDIR/shut/binary binary
127.0.0.1:0 stream tcp4 nowait root $BATS_TEST_TMPDIR/open/private private
EOF
	# the first folder on the way that nobody cannot enter
	local d=
	for d in $(realpath "$BATS_TEST_TMPDIR/shut" | tr / ' '); do
		shut="${shut:-}/$d"
		runuser -u nobody -- test -x "$shut" || break
	done
	run -1 "$SUPERD" -t c.conf
	echo "$output"
	[ "${lines[0]}" = "superd: c.conf:1: program '$BATS_TEST_TMPDIR/open/private': user 'nobody' may not execute it (mode 0700, owner uid 0)" ]
	[ "${lines[1]}" = "superd: c.conf:2: program '$BATS_TEST_TMPDIR/shut/script.sh': user 'nobody' cannot enter folder $shut, and a script cannot be run from a descriptor" ]
	# a binary in a closed folder runs, opened by superd before the switch
	[[ "${lines[2]}" == "c.conf:3: 0 127.0.0.1 0 stream tcp4 nowait nobody $BATS_TEST_TMPDIR/shut/binary binary" ]]
	[[ "${lines[3]}" == "c.conf:4: 0 127.0.0.1 0 stream tcp4 nowait root "* ]]
	[ "${#lines[@]}" -eq 4 ]
}

@test "a binary in a closed folder runs as its user, and a replaced one is picked up" {
	need_root
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	mkdir -m 0700 shut
	cp "$ECHO" shut/h
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait nobody $BATS_TEST_TMPDIR/shut/h h
EOF
	port=$(superd_port 1)
	run -0 "$NETC" 127.0.0.1 "$port" <<<"echoed"
	[ "$output" = "echoed" ]
	# replaced on disk (a new inode): the next connection runs the new one
	cp "$ROOT/handlers/daytime" shut/h.new && mv shut/h.new shut/h
	run -0 "$NETC" 127.0.0.1 "$port" </dev/null
	[[ "$output" =~ [0-9]{2}:[0-9]{2}:[0-9]{2} ]]
}

# --- large files -----------------------------------------------------------

# bigconf N USER: N stream services on port 0, spread over 127.0.X.Y (the
# kernel's search for a free port slows down on one crowded address).
bigconf() {
	local i
	for ((i = 0; i < $1; i++)); do
		echo "127.0.$((i / 200)).$((i % 200 + 1)):0 stream tcp4 nowait $2 $ECHO echo"
	done
}

# ms: milliseconds since the epoch.
ms() {
	echo $(($(date +%s%N) / 1000000))
}

@test "10,000 lines load and reload in a second each, memory flat, no zombie" {
	local user=$ME t0 t1 r rss2 rss n=10000
	[ "$(id -u)" -ne 0 ] || user=nobody
	# a sanitized superd is several times slower: a fifth of the lines
	! sanitized || n=2000
	[ "$(ulimit -n)" -gt 10100 ] || ulimit -n 10100 2>/dev/null ||
	    skip "10,000 sockets need RLIMIT_NOFILE over 10,100"
	bigconf "$n" "$user" >big.conf
	t0=$(ms)
	superd_start_file "$BATS_TEST_TMPDIR/big.conf"
	t1=$(ms)
	echo "start: $((t1 - t0)) ms"
	[ $((t1 - t0)) -lt 3000 ]
	[ "$(grep -c 'listening on' "$SUPERD_LOG")" -eq "$n" ]
	port=$(superd_port "$n")
	for r in 1 2 3 4 5 6 7 8 9 10; do
		t0=$(ms)
		superd_reload
		t1=$(ms)
		echo "reload $r: $((t1 - t0)) ms"
		[ $((t1 - t0)) -lt 3000 ]
		[ "$r" -ne 2 ] || rss2=$(vmrss "$SUPERD_PID")
	done
	grep -q "reloaded: $n services, 0 new, 0 removed" "$SUPERD_LOG"
	rss=$(vmrss "$SUPERD_PID")
	echo "VmRSS after reload 2: $rss2 kB, after reload 10: $rss kB"
	sanitized || [ "$rss" -le $((rss2 + 512)) ]
	[ -z "$(superd_children)" ]
	run -0 "$NETC" "127.0.$(((n - 1) / 200)).$(((n - 1) % 200 + 1))" "$port" <<<"still served"
	[ "$output" = "still served" ]
}

@test "as root, a reload of 1,000 lines 30 times: no growth, clients answered" {
	need_root
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	local r rss5 rss worst=0 t0 t1
	# (not i: bats' run -N sets a global i, bats 1.8)
	bigconf 1000 nobody >big.conf
	superd_start_file "$BATS_TEST_TMPDIR/big.conf"
	port=$(superd_port 1)
	for r in $(seq 30); do
		superd_reload
		[ "$r" -ne 5 ] || rss5=$(vmrss "$SUPERD_PID")
		t0=$(ms)
		run -0 "$NETC" -w 2 127.0.0.1 "$port" <<<"$r"
		t1=$(ms)
		[ "$output" = "$r" ]
		[ $((t1 - t0)) -le "$worst" ] || worst=$((t1 - t0))
	done
	rss=$(vmrss "$SUPERD_PID")
	echo "VmRSS after reload 5: $rss5 kB, after 30: $rss kB; slowest echo $worst ms"
	sanitized || [ "$rss" -le $((rss5 + 256)) ]
	[ "$(grep -c 'reloaded: 1000 services' "$SUPERD_LOG")" -eq 30 ]
	[ -z "$(superd_children)" ]
}

# --- what is not a regular file ----------------------------------------------

@test "a configuration that is a FIFO or a device is refused at once" {
	mkfifo fifo
	run -1 timeout 5 "$SUPERD" -t fifo
	[ "$output" = "superd: fifo: not a regular file" ]
	run -1 timeout 5 "$SUPERD" fifo
	[ "$output" = "superd: fifo: not a regular file" ]
	if [ "$(id -u)" -eq 0 ]; then
		mknod zero c 1 5
		run -1 timeout 5 "$SUPERD" -t zero
		[ "$output" = "superd: zero: not a regular file" ]
	fi
}

@test "an access file that is a FIFO is refused at once" {
	mkfifo fifo
	echo "127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo" >c.conf
	run -1 timeout 5 "$SUPERD" --hosts-deny fifo c.conf
	[ "${lines[0]}" = "superd: fifo: not a regular file" ]
	[ "${lines[1]}" = "superd: access rules: errors; not starting" ]
}

@test "SIGHUP onto a FIFO changes nothing, and SIGTERM still works" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
	port=$(superd_port 1)
	mv "$SUPERD_CONF" real.conf
	mkfifo "$SUPERD_CONF"
	superd_reload
	grep -q "superd.conf: not a regular file" "$SUPERD_LOG"
	grep -q "superd.conf: cannot be read; configuration unchanged" "$SUPERD_LOG"
	run -0 "$NETC" 127.0.0.1 "$port" <<<"unchanged"
	[ "$output" = "unchanged" ]
	superd_stop
}

@test "a file over 16 MiB is refused" {
	echo "127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo" >c.conf
	truncate -s 17M c.conf
	run -1 "$SUPERD" -t c.conf
	[ "$output" = "superd: c.conf: larger than 16 MiB" ]
}

# --- bad bytes and read errors ---------------------------------------------

@test "a NUL byte or a line over 8191 bytes is an error naming the line" {
	{
		echo "127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo"
		printf '127.0.0.1:0 stream tcp4 nowait %s %s echo\0 x\n' "$ME" "$ECHO"
		printf '127.0.0.1:0 stream tcp4 nowait %s %s %8200s\n' "$ME" "$ECHO" x
		echo "127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo"
	} >c.conf
	run -1 "$SUPERD" -t c.conf
	[ "${lines[0]}" = "superd: c.conf:2: NUL byte in line" ]
	[ "${lines[1]}" = "superd: c.conf:3: line too long (limit 8191 bytes)" ]
	[[ "${lines[2]}" == "c.conf:1: "* ]]
	[[ "${lines[3]}" == "c.conf:4: "* ]]
	[ "${#lines[@]}" -eq 4 ]
}

@test "a NUL byte on SIGHUP changes nothing" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
EOF
	port=$(superd_port 1)
	printf '127.0.0.1:0 stream tcp4 nowait %s %s\0\n' "$ME" "$ECHO" >"$SUPERD_CONF"
	superd_reload
	grep -q "superd.conf:1: NUL byte in line" "$SUPERD_LOG"
	grep -q "superd.conf: errors; configuration unchanged" "$SUPERD_LOG"
	run -0 "$NETC" 127.0.0.1 "$port" <<<"kept"
	[ "$output" = "kept" ]
}

@test "under a small address-space limit a long line is an error, not the end of the file" {
	! sanitized || skip "AddressSanitizer needs a large address space"
	{
		echo "127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo"
		head -c $((12 * 1024 * 1024)) /dev/zero | tr '\0' 'x'
		echo
		echo "127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo"
	} >c.conf
	run -1 prlimit --as=$((48 * 1024 * 1024)) "$SUPERD" -t c.conf
	echo "$output"
	[ "${lines[0]}" = "superd: c.conf:2: line too long (limit 8191 bytes)" ]
	[[ "${lines[1]}" == "c.conf:1: "* ]]
	[[ "${lines[2]}" == "c.conf:3: "* ]]
}
