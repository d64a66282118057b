#!/usr/bin/env bats
# superd as the work grows: 10,000 services (each listener in the epoll set
# once), reloads of them under load, and a socket taken out of the set
# while its service can take no more (busy, at its limit) that comes back.
# No timings: the figures are the bench's.

load helpers/superd

LOADGEN=$ROOT/bench/loadgen
NSV=10000

setup() {
	cd "$BATS_TEST_TMPDIR"
	# binding 10,000 sockets on port 0 takes the kernel seconds
	SUPERD_WAIT=120
}

teardown() {
	superd_teardown 20
}

# bigconf: NSV internal echo services on 127.0.0.1, each its own port.
bigconf() {
	local i
	for i in $(seq "$NSV"); do
		echo "127.0.0.1:0 stream tcp4 nowait $ME internal echo"
	done >big.conf
}

@test "10,000 services: the first and the last answer" {
	bigconf
	superd_start_file "$BATS_TEST_TMPDIR/big.conf"
	[ "$(grep -c ' listening on ' "$SUPERD_LOG")" -eq "$NSV" ]
	run -0 "$NETC" 127.0.0.1 "$(superd_port 1)" <<<"first"
	[ "$output" = "first" ]
	run -0 "$NETC" 127.0.0.1 "$(superd_port "$NSV")" <<<"last"
	[ "$output" = "last" ]
}

@test "10,000 services: 3 reloads under load refuse nothing" {
	[ -x "$LOADGEN" ] || { echo "build it: make bench/loadgen" >&2; return 1; }
	bigconf
	superd_start_file "$BATS_TEST_TMPDIR/big.conf"
	port=$(superd_port "$NSV")
	"$LOADGEN" -c 4 -n 2000 -t 5000 127.0.0.1 "$port" >lg.out &
	lpid=$!
	for i in 1 2 3; do
		superd_reload
		[ "$(grep -c ': reloaded: 10000 services, 0 new, 0 removed' \
		    "$SUPERD_LOG")" -eq "$i" ]
	done
	wait "$lpid"
	cat lg.out
	grep -Eq 'conns=2000 refused=0 reset=0 timeout=0 short=0 wrong=0 other=0' lg.out
	# the same sockets, still answering
	[ "$(superd_port "$NSV")" = "$port" ]
	run -0 "$NETC" 127.0.0.1 "$port" <<<"after"
	[ "$output" = "after" ]
}

@test "a service at its child limit is served again when a handler ends" {
	script slow 'sleep 1; echo done'
	superd_start <<EOF
127.0.0.1:0 stream tcp4 nowait/1 $ME $BATS_TEST_TMPDIR/slow slow
EOF
	port=$(superd_port 1)
	"$NETC" -w 10 -n 127.0.0.1 "$port" >one.out &
	one=$!
	wait_for "$SUPERD_LOG" 'connection from' 5
	# at its limit: this one waits in the backlog till the first ends
	run -0 "$NETC" -w 10 -n 127.0.0.1 "$port"
	[ "$output" = "done" ]
	wait "$one"
	[ "$(cat one.out)" = "done" ]
	[ "$(grep -c 'connection from' "$SUPERD_LOG")" -eq 2 ]
}
