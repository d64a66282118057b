#!/usr/bin/env bats
# superd: loading the configuration: who can run what, large files, files
# that are not files, read errors, bad bytes.

load helpers/superd

ECHO=$ROOT/handlers/echo

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	local st=0
	if [ -n "${SUPERD_PID:-}" ] && [ -n "${SUPERD_LOG:-}" ]; then
		echo "--- superd log ---"
		tail -n 50 "$SUPERD_LOG"
		superd_stop || st=$?
	fi
	bg_stop_all
	return "$st"
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
	mkdir folder
	run -1 timeout 5 "$SUPERD" -t folder
	[ "$output" = "superd: folder: Is a directory" ]
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
