#!/usr/bin/env bats
# superd's internal services: echo, discard, chargen, daytime and time
# served in superd itself, over TCP and UDP, with slow clients, time limits,
# limits, reloads and the reflection guard.

load helpers/superd

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	superd_teardown
}

# --- over TCP ---------------------------------------------------------------

# rfc868now: seconds since 1900, modulo 2^32, as the time service counts.
rfc868now() {
	echo $((($(date +%s) + 2208988800) % 4294967296))
}

@test "internal echo, discard, chargen, daytime and time over TCP" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME internal echo
127.0.0.1:0 stream tcp4 nowait $ME internal discard
127.0.0.1:0 stream tcp4 nowait $ME internal chargen
127.0.0.1:0 stream tcp4 nowait $ME internal daytime
127.0.0.1:0 stream tcp4 nowait $ME internal time
EOF
	printf 'bin\0ary\377\n' >in.bin
	"$NETC" 127.0.0.1 "$(superd_port 1)" <in.bin >out.bin
	cmp in.bin out.bin
	run -0 "$NETC" 127.0.0.1 "$(superd_port 2)" <<<"into the void"
	[ "$output" = "" ]
	"$NETC" -n -c 148 127.0.0.1 "$(superd_port 3)" >cg.out
	printf '%s\r\n%s\r\n' \
	    ' !"#$%&'"'"'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefg' \
	    '!"#$%&'"'"'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefgh' >cg.want
	cmp cg.want cg.out
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 4)"
	[[ "$output" =~ $DAYTIME_RE ]]
	"$NETC" -n 127.0.0.1 "$(superd_port 5)" >t.bin
	[ "$(stat -c %s t.bin)" -eq 4 ]
	got=$(od -An -tu4 --endian=big t.bin | tr -d ' ')
	want=$(rfc868now)
	[ $((got - want)) -le 2 ] && [ $((want - got)) -le 2 ]
	# served in superd itself: no process, and once the chargen reader
	# has left, nothing is running
	[ -z "$(superd_children)" ]
	[ "$(grep -c ', in-process$' "$SUPERD_LOG")" -eq 5 ]
	! grep -q 'pid [0-9]* exited' "$SUPERD_LOG"
	kill -USR1 "$SUPERD_PID"
	wait_for "$SUPERD_LOG" ':3: 0/tcp4: served 1, running 0, failed 0'
	[ "$(grep -c 'served 1, running 0, failed 0, refused 0' "$SUPERD_LOG")" -eq 5 ]
}

# sendq PORT: the largest send queue of superd's connections on PORT.
sendq() {
	ss -Htn state established "sport = :$1" | awk '
	    $2 > m { m = $2 } END { print m + 0 }'
}

@test "internal stream builtins: clients that never read or never send delay no other" {
	command -v ss >/dev/null || skip "ss is not installed"
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME internal echo
127.0.0.1:0 stream tcp4 nowait $ME internal chargen
127.0.0.1:0 stream tcp4 nowait $ME internal discard
EOF
	e=$(superd_port 1) c=$(superd_port 2) d=$(superd_port 3)
	# a chargen client and an echo client that never read, an echo and a
	# discard client that never send
	exec 4<>"/dev/tcp/127.0.0.1/$c"
	exec 5<>"/dev/tcp/127.0.0.1/$e"
	exec 6<>"/dev/tcp/127.0.0.1/$e"
	exec 7<>"/dev/tcp/127.0.0.1/$d"
	timeout 30 head -c 33554432 /dev/zero >&5 &
	flood=$!
	# superd holds what the non-readers will not take
	wait_until 5 eval '[ "$(sendq "$c")" -gt 65536 ]'
	wait_until 5 eval '[ "$(sendq "$e")" -gt 65536 ]'
	head -c 1048576 /dev/zero >&7
	# meanwhile every other client is served, each within netc's 2 s
	fails=0
	for n in $(seq 100); do
		[ "$("$NETC" -w 2 127.0.0.1 "$e" <<<"x$n")" = "x$n" ] || fails=$((fails + 1))
	done
	[ "$fails" -eq 0 ]
	# chargen's pattern is the handler's, across the wrap of its cycle
	"$NETC" -w 2 -n -c 30000 127.0.0.1 "$c" >cg.out
	"$ROOT/handlers/chargen" 2>/dev/null | head -c 30000 >cg.want
	cmp cg.want cg.out
	run -0 "$NETC" -w 2 127.0.0.1 "$d" <<<"gone"
	[ "$output" = "" ]
	kill -USR1 "$SUPERD_PID"
	wait_for "$SUPERD_LOG" ':1: 0/tcp4: served 102, running 2, failed 0'
	wait_for "$SUPERD_LOG" ':2: 0/tcp4: served 2, running 1, failed 0'
	wait_for "$SUPERD_LOG" ':3: 0/tcp4: served 2, running 1, failed 0'
	# when they go, their connections go
	kill "$flood"
	exec 4>&- 5>&- 6>&- 7>&-
	wait_until 5 eval '[ "$(ss -Htn state established "sport = :$e" | wc -l)" -eq 0 ]'
	kill -USR1 "$SUPERD_PID"
	wait_for "$SUPERD_LOG" ':1: 0/tcp4: served 102, running 0, failed 0'
	wait_for "$SUPERD_LOG" ':2: 0/tcp4: served 2, running 0, failed 0'
	wait_for "$SUPERD_LOG" ':3: 0/tcp4: served 2, running 0, failed 0'
	[ -z "$(superd_children)" ]
}

@test "internal echo: 8 MiB in both directions at once comes back byte for byte" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME internal echo
EOF
	head -c 8388608 /dev/urandom >big
	exec 8<>"/dev/tcp/127.0.0.1/$(superd_port 1)"
	timeout 20 cat big >&8 &
	writer=$!
	timeout 20 head -c 8388608 <&8 >back
	wait "$writer"
	exec 8>&-
	cmp big back
}

@test "internal stream builtins keep the time limits: -T, and @SECONDS over it" {
	superd_start -d -T 1 <<EOF
127.0.0.1:0 stream tcp4 nowait $ME internal echo
127.0.0.1:0 stream tcp4 nowait@3 $ME internal discard
EOF
	exec 8<>"/dev/tcp/127.0.0.1/$(superd_port 1)"
	exec 4<>"/dev/tcp/127.0.0.1/$(superd_port 2)"
	# an echo client that sends nothing is closed after 1 s ...
	SECONDS=0
	run -0 timeout 5 cat <&8
	[ "$output" = "" ]
	[ "$SECONDS" -le 2 ]
	# ... and the discard client after 3 s, its service's own limit
	run -0 timeout 8 cat <&4
	[ "$SECONDS" -ge 2 ] && [ "$SECONDS" -le 5 ]
	exec 8>&- 4>&-
	[ "$(grep -c '0/tcp4: fd [0-9]*: time limit, closed' "$SUPERD_LOG")" -eq 2 ]
}

@test "internal stream builtins count toward the service and per-source limits" {
	superd_start <<EOF
0.0.0.0:0 stream tcp4 nowait/0/0/1 $ME internal echo
127.0.0.1:0 stream tcp4 nowait/1 $ME internal echo
EOF
	p1=$(superd_port 1) p2=$(superd_port 2)
	exec 8<>"/dev/tcp/127.0.0.1/$p1"
	# a second connection from 127.0.0.1 is closed without a byte ...
	run -0 "$NETC" -w 5 -n 127.0.0.1 "$p1"
	[ "$output" = "" ]
	# ... while 127.0.0.2 is served
	run -0 "$NETC" -w 5 -s 127.0.0.2 127.0.0.2 "$p1" <<<"yes"
	[ "$output" = "yes" ]
	exec 8>&-
	# the place is given back when the connection ends
	wait_until 5 eval '[ "$("$NETC" -w 2 127.0.0.1 "$p1" <<<again)" = again ]'
	# at A, the next connection waits in the backlog until one ends
	exec 8<>"/dev/tcp/127.0.0.1/$p2"
	"$NETC" -w 10 127.0.0.1 "$p2" <<<"queued" >queued.out 8>&- &
	queued=$!
	sleep 0.5
	[ ! -s queued.out ]
	exec 8>&-
	wait "$queued"
	[ "$(cat queued.out)" = "queued" ]
	grep -q "refused: 127.0.0.1 port [0-9]* over a per-source limit" "$SUPERD_LOG"
}

@test "internal connections outlive a reload that removes their service; exit closes them" {
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME internal echo
127.0.0.1:0 stream tcp4 nowait $ME internal chargen
EOF
	exec 8<>"/dev/tcp/127.0.0.1/$(superd_port 1)"
	exec 4<>"/dev/tcp/127.0.0.1/$(superd_port 2)"
	echo before >&8
	read -r -t 5 line <&8
	[ "$line" = before ]
	: >"$SUPERD_CONF"
	superd_reload
	grep -q 'reloaded: 0 services, 0 new, 2 removed' "$SUPERD_LOG"
	echo after >&8
	read -r -t 5 line <&8
	[ "$line" = after ]
	exec 8>&-
	# superd exits 0 with the chargen connection open, and closes it
	superd_stop
	run -0 timeout 5 cat <&4
	exec 4>&-
}

# --- over UDP, and bad uses -------------------------------------------------

@test "internal services over UDP are answered without a process" {
	have_ipv6 || skip "no IPv6 on this host"
	superd_start <<EOF
127.0.0.1:0 dgram udp4 nowait $ME internal echo
[::1]:0 dgram udp6 wait $ME internal echo
127.0.0.1:0 dgram udp4 nowait $ME internal discard
127.0.0.1:0 dgram udp4 nowait $ME internal chargen
127.0.0.1:0 dgram udp4 nowait $ME internal daytime
127.0.0.1:0 dgram udp4 nowait $ME internal time
EOF
	run -0 "$NETC" -u 127.0.0.1 "$(superd_port 1)" <<<"udp echo"
	[ "$output" = "udp echo" ]
	run -0 "$NETC" -u ::1 "$(superd_port 2)" <<<"udp6 echo"
	[ "$output" = "udp6 echo" ]
	run -3 "$NETC" -u -w 1 127.0.0.1 "$(superd_port 3)" <<<"dropped"
	# chargen answers with the pattern, never longer than the request
	printf '0123456789' | "$NETC" -u 127.0.0.1 "$(superd_port 4)" >cg.out
	printf ' !"#$%%&'"'"'()' | cmp - cg.out
	run -0 "$NETC" -u 127.0.0.1 "$(superd_port 5)" </dev/null
	[[ "$output" =~ $DAYTIME_RE ]]
	"$NETC" -u 127.0.0.1 "$(superd_port 6)" </dev/null >t.bin
	[ "$(stat -c %s t.bin)" -eq 4 ]
	# no child was started for any of them
	! grep -q 'started pid\|connection from' "$SUPERD_LOG"
	[ -z "$(superd_children)" ]
}

@test "internal: the reflection guard, service names, and bad uses" {
	[ "$(id -u)" -eq 0 ] || skip "binding source port 19 needs root"
	superd_start <<EOF
127.0.0.1:0 dgram udp4 nowait $ME internal echo
EOF
	run -3 "$NETC" -u -w 1 -p 19 127.0.0.1 "$(superd_port 1)" <<<"loop"
	run -0 "$NETC" -u 127.0.0.1 "$(superd_port 1)" <<<"ok"
	[ "$output" = "ok" ]
	echo "127.0.0.1:echo stream tcp4 nowait $ME internal" >named.conf
	run -0 "$SUPERD" -t named.conf
	[ "$output" = "named.conf:1: echo 127.0.0.1 7 stream tcp4 nowait $ME internal echo" ]
	echo "127.0.0.1:0 stream tcp4 wait $ME internal echo" >wait.conf
	run -1 "$SUPERD" -t wait.conf
	[ "$output" = "superd: wait.conf:1: internal 'echo' is a nowait service" ]
	echo "127.0.0.1:0 stream tcp4 nowait $ME internal qotd" >qotd.conf
	run -1 "$SUPERD" -t qotd.conf
	[ "$output" = "superd: qotd.conf:1: no internal service 'qotd'" ]
}

@test "internal daytime takes the handler's -u and -f FORMAT" {
	SUPERD_TEST_TIME=1795356181 superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait $ME internal daytime -u -f %Y-%m-%dT%H:%M:%SZ
127.0.0.1:0 dgram udp4 nowait $ME internal daytime -uf%H:%M
127.0.0.1:0 stream tcp4 nowait $ME internal daytime
EOF
	run -0 "$NETC" 127.0.0.1 "$(superd_port 1)" </dev/null
	[ "$output" = $'2026-11-22T14:03:01Z\r' ]
	run -0 "$NETC" -u 127.0.0.1 "$(superd_port 2)" <<<"x"
	[ "$output" = $'14:03\r' ]
	run -0 "$NETC" 127.0.0.1 "$(superd_port 3)" </dev/null
	[[ "$output" =~ $DAYTIME_RE ]]
	run -0 "$SUPERD" -t "$SUPERD_CONF"
	[[ "${lines[0]}" == *" internal daytime -u -f %Y-%m-%dT%H:%M:%SZ" ]]
	[[ "${lines[1]}" == *" internal daytime -u -f %H:%M" ]]
	echo "127.0.0.1:0 stream tcp4 nowait $ME internal daytime -x" >bad.conf
	echo "127.0.0.1:0 stream tcp4 nowait $ME internal daytime -f" >>bad.conf
	echo "127.0.0.1:0 stream tcp4 nowait $ME internal echo -u" >>bad.conf
	run -1 "$SUPERD" -t bad.conf
	[ "${lines[0]}" = "superd: bad.conf:1: internal 'daytime' has no option -x" ]
	[ "${lines[1]}" = "superd: bad.conf:2: internal 'daytime': -f needs a value" ]
	[ "${lines[2]}" = "superd: bad.conf:3: internal 'echo' has no option -u" ]
}
