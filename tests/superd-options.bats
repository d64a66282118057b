#!/usr/bin/env bats
# superd's per-service options (key-values notation, superd.conf(5)), each
# checked by what the handler sees or what the client gets: env and
# passenv, the rlimits, nice, umask, stderr, banner, refuse_message,
# chroot, the per-service access lists, time_limit, failure_pause and the
# limits by name.

load helpers/superd

setup() {
	cd "$BATS_TEST_TMPDIR"
	# show WHAT: prints what the handler's process has of WHAT.
	script show 'case $1 in
env) env | sort ;;
limits) cat /proc/self/limits ;;
nice) cut -d" " -f19 /proc/$$/stat ;;
umask) umask ;;
stderr) echo out; echo err >&2 ;;
chatty) n=0; while [ $n -lt 100 ]; do echo "line $n" >&2; n=$((n + 1)); done; echo done ;;
sleep) exec sleep 30 ;;
fail) exit 3 ;;
esac'
}

teardown() {
	superd_teardown
}

# kv ADDR:PORT PROTO ARGS [MORE]: one key-values entry for show.
kv() {
	printf '%s on socktype=stream, protocol=%s, wait=no, user=%s, exec=%s, args=show %s%s;\n' \
	    "$1" "$2" "$ME" "$BATS_TEST_TMPDIR/show" "$3" "${4:+, $4}"
}

@test "env and passenv: the handler gets them beside its minimal environment, and nothing else of superd's" {
	kv 127.0.0.1:0 tcp4 env "env=FOO=bar 'SPACED=a b' EMPTY=, passenv=SUPERD_PASSME SUPERD_UNSET" >superd.conf
	SUPERD_PASSME=hello SUPERD_SECRET=hidden superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	grep -qx 'FOO=bar' <<<"$output"
	grep -qx 'SPACED=a b' <<<"$output"
	grep -qx 'EMPTY=' <<<"$output"
	grep -qx 'SUPERD_PASSME=hello' <<<"$output"
	grep -qx 'PROTO=TCP' <<<"$output"
	grep -qx 'TCPREMOTEIP=127.0.0.1' <<<"$output"
	! grep -q 'SUPERD_SECRET\|SUPERD_UNSET' <<<"$output"
}

@test "rlimits: each is set, soft and hard, before the handler runs" {
	kv 127.0.0.1:0 tcp4 limits "rlimit_nofile=100, rlimit_core=0, rlimit_fsize=1m, rlimit_cpu=unlimited, rlimit_as=2g, rlimit_nproc=500, rlimit_data=1g, rlimit_stack=8m" >superd.conf
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	grep -Eq '^Max open files +100 +100 +files' <<<"$output"
	grep -Eq '^Max core file size +0 +0 +bytes' <<<"$output"
	grep -Eq '^Max file size +1048576 +1048576 +bytes' <<<"$output"
	grep -Eq '^Max cpu time +unlimited +unlimited +seconds' <<<"$output"
	grep -Eq '^Max address space +2147483648 +2147483648 +bytes' <<<"$output"
	grep -Eq '^Max processes +500 +500 +processes' <<<"$output"
	grep -Eq '^Max data size +1073741824 +1073741824 +bytes' <<<"$output"
	grep -Eq '^Max stack size +8388608 +8388608 +bytes' <<<"$output"
}

@test "nice and umask: the handler runs with them" {
	{ kv 127.0.0.1:0 tcp4 nice "nice=7"; kv 127.0.0.1:0 tcp4 umask "umask=027"; } >superd.conf
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	[ "$output" = 7 ]
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 2)"
	[ "$output" = 0027 ]
}

@test "stderr: socket (the default) sends it to the client, null drops it, log logs it as SERVICE[PID]" {
	{ kv 127.0.0.1:0 tcp4 stderr
	  kv 127.0.0.1:0 tcp4 stderr "stderr=null"
	  kv 127.0.0.1:0 tcp4 stderr "stderr=log"; } >superd.conf
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	[ "$output" = $'out\nerr' ]
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 2)"
	[ "$output" = out ]
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 3)"
	[ "$output" = out ]
	pid=$(child_pid "0/tcp4: connection from")
	wait_for "$SUPERD_LOG" "^superd: 0\[$pid\]: err\$"
	[ "$(grep -c '\]: err$' "$SUPERD_LOG")" -eq 1 ]
}

@test "stderr=log: past 20 lines a second the rest is dropped and counted, never lost silently" {
	kv 127.0.0.1:0 tcp4 chatty "stderr=log" >superd.conf
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	[ "$output" = done ]
	wait_for "$SUPERD_LOG" 'stderr lines dropped'
	logged=$(grep -c '\]: line [0-9]*$' "$SUPERD_LOG")
	dropped=$(sed -n 's/.*\]: \([0-9]*\) stderr lines dropped.*/\1/p' "$SUPERD_LOG" | awk '{s += $1} END {print s}')
	[ "$logged" -ge 20 ]
	[ $((logged + dropped)) -eq 100 ]
}

@test "banner: the file goes to the client first, for a program and for a builtin" {
	printf 'Welcome to superd\r\n' >banner.txt
	{ kv 127.0.0.1:0 tcp4 umask "banner=$BATS_TEST_TMPDIR/banner.txt"
	  echo "127.0.0.1:0 on socktype=stream, protocol=tcp4, wait=no, user=$ME, exec=internal, args=echo, banner=banner.txt;"; } >superd.conf
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	"$NETC" -n 127.0.0.1 "$(superd_port 1)" >out1
	printf 'Welcome to superd\r\n%s\n' "$(umask)" >want1
	cmp want1 out1
	printf 'ping\n' | "$NETC" 127.0.0.1 "$(superd_port 2)" >out2
	printf 'Welcome to superd\r\nping\n' >want2
	cmp want2 out2
}

@test "refuse_message: a refused client gets the line, then EOF; one admitted gets no line" {
	cat >superd.conf <<EOF
127.0.0.1:0 on socktype=stream, protocol=tcp4, wait=no, user=$ME, exec=internal, args=echo, access_deny=127.0.0.1, refuse_message="421 not for you";
127.0.0.1:0 on socktype=stream, protocol=tcp4, wait=no, user=$ME, exec=internal, args=echo, refuse_message="421 busy";
EOF
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	printf 'hello\n' | "$NETC" 127.0.0.1 "$(superd_port 1)" >out1 || true
	printf '421 not for you\r\n' >want1
	cmp want1 out1
	printf 'hello\n' | "$NETC" 127.0.0.1 "$(superd_port 2)" >out2
	printf 'hello\n' >want2
	cmp want2 out2
}

@test "access_allow and access_deny: a service's own lists come before the global files" {
	printf 'ALL: ALL\n' >hosts.deny
	{ kv 127.0.0.1:0 tcp4 umask "access_allow=127.0.0.0/8"
	  kv 127.0.0.1:0 tcp4 umask
	  kv 127.0.0.1:0 tcp4 umask "access_allow=10.0.0.0/8, access_deny=ALL EXCEPT 10.1.2.3"; } >superd.conf
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf" --hosts-deny "$BATS_TEST_TMPDIR/hosts.deny"
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	[ "$output" = "$(umask)" ]
	run "$NETC" -n 127.0.0.1 "$(superd_port 2)"
	[ "$output" = "" ]
	run "$NETC" -n 127.0.0.1 "$(superd_port 3)"
	[ "$output" = "" ]
	[ "$(grep -c 'refused: 127.0.0.1 port [0-9]* by the access rules' "$SUPERD_LOG")" -eq 2 ] ||
	    { grep refused "$SUPERD_LOG" >&2; false; }
}

@test "chroot: as root, the handler runs inside the folder, as its user" {
	need_root
	! ldd "$ROOT/tests/helpers/rootcat" >/dev/null 2>&1 ||
	    skip "rootcat is not static here (no libc.a)"
	mkdir -p jail
	chmod 755 jail
	echo inside >jail/marker
	echo outside >marker
	echo "127.0.0.1:0 on socktype=stream, protocol=tcp4, wait=no, user=nobody, exec=$ROOT/tests/helpers/rootcat, args=rootcat /marker, chroot=$BATS_TEST_TMPDIR/jail;" >superd.conf
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	[ "$output" = $'inside\nmarker' ]
}

@test "time_limit, max_child and failure_pause by name" {
	{ kv 127.0.0.1:0 tcp4 sleep "time_limit=1"
	  kv 127.0.0.1:0 tcp4 sleep "max_child=1"
	  kv 127.0.0.1:0 tcp4 fail "failure_pause=off"; } >superd.conf
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	start=$(date +%s%N)
	run "$NETC" -n -w 5 127.0.0.1 "$(superd_port 1)"
	[ "$status" -eq 0 ]
	[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 4000 ]
	"$NETC" -n -w 10 127.0.0.1 "$(superd_port 2)" >/dev/null &
	first=$!
	wait_until 5 eval '[ "$(superd_children | wc -l)" -ge 1 ]'
	# the second waits in the backlog: no handler for it while one runs
	run "$NETC" -n -w 1 127.0.0.1 "$(superd_port 2)"
	[ "$status" -eq 3 ]
	kill "$first" 2>/dev/null || true
	# ten failing handlers in a row: never paused
	for n in $(seq 10); do
		"$NETC" -n 127.0.0.1 "$(superd_port 3)" >/dev/null
	done
	! grep -q 'paused' "$SUPERD_LOG"
	[ "$(grep -c "exited 3 after" "$SUPERD_LOG")" -eq 10 ]
}

@test "keys that cannot work in a service's mode are errors naming the key, not silently ignored" {
	printf 'hi\r\n' >b.txt
	cat >superd.conf <<EOF
127.0.0.1:0 on socktype=dgram, protocol=udp4, wait=no, user=$ME, exec=/bin/cat, banner=b.txt;
127.0.0.1:0 on socktype=dgram, protocol=udp4, wait=no, user=$ME, exec=internal, args=echo, refuse_message=no;
127.0.0.1:0 on socktype=stream, protocol=tcp4, wait=no, user=$ME, exec=internal, args=echo, env=A=1;
127.0.0.1:0 on socktype=stream, protocol=tcp4, wait=no, user=$ME, exec=internal, args=echo, stderr=log;
127.0.0.1:0 on socktype=stream, protocol=tcp4, wait=yes, user=$ME, exec=$ROOT/tests/helpers/acceptone, banner=b.txt;
127.0.0.1:0 on socktype=stream, protocol=tcp4, wait=yes, user=$ME, exec=$ROOT/tests/helpers/acceptone, access_deny=ALL;
127.0.0.1:0 on socktype=stream, protocol=tcp4, wait=no, user=$ME, exec=internal, args=echo, banner=b.txt, refuse_message=no;
EOF
	run -1 "$SUPERD" -t superd.conf
	[ "${#lines[@]}" -eq 7 ]
	[ "${lines[0]}" = "superd: superd.conf:1: key 'banner' does not apply here: a datagram has no connection to send it on first" ]
	[ "${lines[1]}" = "superd: superd.conf:2: key 'refuse_message' does not apply here: a refused datagram gets no answer, which a forged source could aim at others" ]
	[ "${lines[2]}" = "superd: superd.conf:3: key 'env or passenv' does not apply here: internal services run inside superd, no program" ]
	[ "${lines[3]}" = "superd: superd.conf:4: key 'stderr' does not apply here: internal services run inside superd, no program" ]
	[ "${lines[4]}" = "superd: superd.conf:5: key 'banner' does not apply here: the handler of a wait service takes its clients itself" ]
	[ "${lines[5]}" = "superd: superd.conf:6: key 'access_allow or access_deny' does not apply here: the handler of a wait service takes its clients itself" ]
	[[ "${lines[6]}" == "superd.conf:7: 0 127.0.0.1 0 stream tcp4 nowait $ME internal echo "* ]]
}
