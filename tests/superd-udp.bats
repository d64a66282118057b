#!/usr/bin/env bats
# superd over UDP under hostile senders: the reflection guard (superd's own
# ports, privileged ports, a forged loop), datagrams of every size, replies
# of any size sent as they come.

load helpers/superd

HOSTILE=$ROOT/tests/helpers/hostile

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	superd_teardown 40
}

# --- the reflection guard ----------------------------------------------------

@test "a datagram from a local address on one of superd's UDP ports gets no answer" {
	superd_start <<EOF
127.0.0.1:0 dgram udp4 nowait $ME internal echo
127.0.0.1:0 dgram udp4 nowait $ME $DAYTIME daytime
127.0.0.1:0 dgram udp4 nowait $ME $ECHO echo
EOF
	e=$(superd_port 1) d=$(superd_port 2) x=$(superd_port 3)
	# 127.0.0.2 is local too: from daytime's port, neither echo answers
	run -3 "$NETC" -u -w 1 -s 127.0.0.2 -p "$d" 127.0.0.1 "$e" <<<"loop?"
	run -3 "$NETC" -u -w 1 -s 127.0.0.2 -p "$d" 127.0.0.1 "$x" <<<"loop?"
	run -3 "$NETC" -u -w 1 -s 127.0.0.2 -p "$e" 127.0.0.1 "$d" <<<"loop?"
	# nor does superd let another socket share one of its UDP ports
	run -1 "$NETC" -u -w 1 -s 127.0.0.1 -p "$d" 127.0.0.1 "$e" <<<"share?"
	[[ "$output" == *"bind source: Address already in use"* ]]
	# any other port of the same address is answered
	run -0 "$NETC" -u -s 127.0.0.2 127.0.0.1 "$e" <<<"fine"
	[ "$output" = "fine" ]
	run -0 "$NETC" -u -s 127.0.0.2 127.0.0.1 "$x" <<<"fine"
	[ "$output" = "fine" ]
	[ "$(grep -c 'connection from' "$SUPERD_LOG")" -eq 1 ]
}

@test "the guard covers IPv6: ::1 on a UDP port of superd's gets no answer" {
	have_ipv6 || skip "no IPv6 loopback"
	superd_start <<EOF
[::1]:0 dgram udp6 nowait $ME internal echo
127.0.0.1:0 dgram udp4 nowait $ME internal daytime
EOF
	e=$(superd_port 1) d=$(superd_port 2)
	run -3 "$NETC" -u -w 1 -s ::1 -p "$d" ::1 "$e" <<<"loop?"
	run -0 "$NETC" -u -s ::1 ::1 "$e" <<<"fine"
	[ "$output" = "fine" ]
}

@test "a privileged source port gets no answer from a builtin or a stdio handler" {
	need_root
	superd_start <<EOF
127.0.0.1:0 dgram udp4 nowait $ME internal echo
127.0.0.1:0 dgram udp4 nowait $ME $ECHO echo
EOF
	for p in 1 123 1023; do
		run -3 "$NETC" -u -w 1 -p "$p" 127.0.0.1 "$(superd_port 1)" <<<"x"
		run -3 "$NETC" -u -w 1 -p "$p" 127.0.0.1 "$(superd_port 2)" <<<"x"
	done
	run -0 "$NETC" -u -p 1024 127.0.0.1 "$(superd_port 1)" <<<"unprivileged"
	[ "$output" = "unprivileged" ]
	run -0 "$NETC" -u -p 1025 127.0.0.1 "$(superd_port 2)" <<<"unprivileged"
	[ "$output" = "unprivileged" ]
	[ "$(grep -c 'connection from' "$SUPERD_LOG")" -eq 1 ]
}

@test "one forged datagram starts no loop between two of superd's services" {
	need_root
	superd_start <<EOF
127.0.0.1:0 dgram udp4 nowait $ME internal echo
127.0.0.1:0 dgram udp4 nowait $ME internal daytime
127.0.0.1:0 dgram udp4 nowait $ME $ECHO echo
127.0.0.1:0 dgram udp4 nowait $ME $DAYTIME daytime
EOF
	local before after
	before=$(cputicks "$SUPERD_PID")
	# echo's reply would go to daytime, daytime's back to echo, ...
	"$HOSTILE" spoof 127.0.0.1 "$(superd_port 2)" 127.0.0.1 "$(superd_port 1)" loop
	"$HOSTILE" spoof 127.0.0.1 "$(superd_port 4)" 127.0.0.1 "$(superd_port 3)" loop
	"$HOSTILE" spoof 127.0.0.1 "$(superd_port 3)" 127.0.0.1 "$(superd_port 2)" loop
	sleep 2
	after=$(cputicks "$SUPERD_PID")
	echo "superd used $((after - before)) ticks in 2 s"
	[ $((after - before)) -lt 10 ]
	# no handler ran for any of them
	[ "$(grep -c 'connection from' "$SUPERD_LOG")" -eq 0 ]
	run -0 "$NETC" -u 127.0.0.1 "$(superd_port 1)" <<<"still here"
	[ "$output" = "still here" ]
}

@test "a flood from one sender does not keep another from being answered" {
	superd_start <<EOF
127.0.0.1:0 dgram udp4 nowait $ME internal chargen
127.0.0.1:0 dgram udp4 nowait $ME internal echo
EOF
	"$HOSTILE" udpflood 127.0.0.1 "$(superd_port 1)" 40000 20000 &
	flood=$!
	run -0 "$NETC" -u -w 3 127.0.0.1 "$(superd_port 2)" <<<"meanwhile"
	[ "$output" = "meanwhile" ]
	wait "$flood"
}

# --- sizes -------------------------------------------------------------------

@test "the largest datagrams come back whole: 65,507 bytes over IPv4, 65,527 over IPv6" {
	superd_start <<EOF
127.0.0.1:0 dgram udp4 nowait $ME internal echo
127.0.0.1:0 dgram udp4 nowait $ME $ECHO echo
[::1]:0 dgram udp6 nowait $ME internal echo
[::1]:0 dgram udp6 nowait $ME $ECHO echo
EOF
	head -c 65507 /dev/urandom >v4
	head -c 65527 /dev/urandom >v6
	for l in 1 2; do
		"$NETC" -u -w 3 127.0.0.1 "$(superd_port $l)" <v4 >got
		cmp v4 got
	done
	if have_ipv6; then
		for l in 3 4; do
			"$NETC" -u -w 3 ::1 "$(superd_port $l)" <v6 >got
			cmp v6 got
		done
	fi
}

@test "a dgram nowait reply over 64 KiB is cut at the largest datagram and sent at once" {
	script big 'cat >/dev/null; head -c 100000 /dev/zero | tr "\0" "z"'
	superd_start <<EOF
127.0.0.1:0 dgram udp4 nowait $ME $BATS_TEST_TMPDIR/big big
EOF
	SECONDS=0
	"$NETC" -u -w 4 127.0.0.1 "$(superd_port 1)" <<<"x" >got
	[ "$SECONDS" -lt 3 ]
	[ "$(wc -c <got)" -eq 65507 ]
	[ "$(tr -d z <got | wc -c)" -eq 0 ]
	wait_for "$SUPERD_LOG" "reply: longer than the largest datagram: cut"
}

@test "a dgram nowait reply goes when the handler closes its stdout, not when it exits" {
	script late 'head -c 60000 /dev/zero | tr "\0" "y"; exec >&-; sleep 4'
	superd_start <<EOF
127.0.0.1:0 dgram udp4 nowait $ME $BATS_TEST_TMPDIR/late late
EOF
	SECONDS=0
	"$NETC" -u -w 4 127.0.0.1 "$(superd_port 1)" <<<"x" >got
	[ "$SECONDS" -lt 3 ]
	[ "$(wc -c <got)" -eq 60000 ]
	# one datagram, one reply: none more when it exits
	wait_for "$SUPERD_LOG" "pid [0-9]+ exited 0 after 4\." 8
}
