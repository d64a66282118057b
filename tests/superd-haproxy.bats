#!/usr/bin/env bats
# superd behind a real HAProxy (Debian's package, fetched into .cache/peers
# by tests/helpers/deps, run in the foreground with -db on loopback):
# two superd instances, A reached with send-proxy (v1) and B with
# send-proxy-v2, each serving an external handler and the internal echo.
# The client binds 127.0.0.2, HAProxy reaches superd from 127.0.0.1, so
# the two are told apart.  Figures go to $HAPROXY_NOTE when it is set.

load helpers/superd
load helpers/peers

PC=$ROOT/tests/helpers/proxyclient.py
LOADGEN=$ROOT/bench/loadgen

setup() {
	cd "$BATS_TEST_TMPDIR"
	T=$BATS_TEST_TMPDIR
	HAPROXY=$(haproxy_bin) || skip_or_fail "$HAPROXY"
	HAPROXY_LIBS=$(haproxy_libs)
	script env.sh "read -r line
echo \"got=\$line\"
env | grep -E '^(TCP|REMOTE_|PROXY)' | sort"
}

teardown() {
	[ -z "${HA_PID:-}" ] || { echo "--- haproxy log ---"; tail -n 30 "$T/haproxy.log"; }
	for s in A B; do
		eval "local pid=\${PID_$s:-}"
		[ -z "$pid" ] || { echo "--- superd $s ---"; tail -n 20 "$T/superd-$s.log"; }
	done
	bg_stop_all
}

# superd_one NAME PROXY HANDLER [OPTIONS...]: a superd serving HANDLER
# (with its own keys after a comma, if any) and the internal echo, both
# with proxy=PROXY; sets PID_NAME, ENV_NAME and ECHO_NAME (their ports).
superd_one() {
	local n=$1 v=$2 h=$3 log=$T/superd-$1.log
	shift 3
	cat >"$T/superd-$n.conf" <<EOF
127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=$h, proxy=$v;
127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=internal, args=echo, proxy=$v;
EOF
	bg_start "$log" "$SUPERD" -l "$@" "$T/superd-$n.conf"
	eval "PID_$n=\$BG_PID"
	wait_for "$log" ': serving, pid ' 15 || return 1
	eval "ENV_$n=\$(sed -n 's/.*:1: .*listening on 127.0.0.1 port \([0-9]*\)$/\1/p' \"\$log\")"
	eval "ECHO_$n=\$(sed -n 's/.*:2: .*listening on 127.0.0.1 port \([0-9]*\)$/\1/p' \"\$log\")"
}

# haproxy_start BALANCE: HAProxy in front of A and B, health checks with
# the PROXY header (v2's a LOCAL command); FE_ENV and FE_ECHO its ports.
# The configuration is the one superd.conf(5) shows.
haproxy_start() {
	FE_ENV=$(free_port)
	FE_ECHO=$(free_port)
	cat >"$T/haproxy.cfg" <<EOF
global
    log stderr format raw local0
    maxconn 4096

defaults
    mode tcp
    log global
    option tcplog
    option redispatch
    retries 3
    timeout connect 2s
    timeout client 10s
    timeout server 10s

frontend env
    bind 127.0.0.1:$FE_ENV
    default_backend superd_env

frontend echo
    bind 127.0.0.1:$FE_ECHO
    default_backend superd_echo

backend superd_env
    balance $1
    server a 127.0.0.1:$ENV_A source 127.0.0.1 send-proxy check check-send-proxy inter 300 fall 2 rise 1
    server b 127.0.0.1:$ENV_B source 127.0.0.1 send-proxy-v2 check check-send-proxy inter 300 fall 2 rise 1

backend superd_echo
    balance $1
    server a 127.0.0.1:$ECHO_A source 127.0.0.1 send-proxy check check-send-proxy inter 300 fall 2 rise 1
    server b 127.0.0.1:$ECHO_B source 127.0.0.1 send-proxy-v2 check check-send-proxy inter 300 fall 2 rise 1
EOF
	LD_LIBRARY_PATH=$HAPROXY_LIBS "$HAPROXY" -c -f "$T/haproxy.cfg" >/dev/null
	bg_start "$T/haproxy.log" env LD_LIBRARY_PATH="$HAPROXY_LIBS" \
	    "$HAPROXY" -db -f "$T/haproxy.cfg"
	HA_PID=$BG_PID
	wait_until 10 listening tcp "$FE_ECHO"
	wait_until 10 listening tcp "$FE_ENV"
}

# pair BALANCE [OPTIONS...]: A, B and HAProxy, with OPTIONS for both superds.
pair() {
	local b=$1
	shift
	superd_one A v1 "$T/env.sh" "$@"
	superd_one B v2 "$T/env.sh" "$@"
	haproxy_start "$b"
}

note() {
	[ -z "${HAPROXY_NOTE:-}" ] || echo "$*" >>"$HAPROXY_NOTE"
}

@test "haproxy: the handler behind send-proxy and send-proxy-v2 sees the client's address and port" {
	pair roundrobin
	local k p
	for k in 1 2 3 4; do
		p=$((40000 + RANDOM % 20000))
		run -0 "$PC" -r '' -B 127.0.0.2 -b "$p" -d "hello $k\n" 127.0.0.1 "$FE_ENV"
		echo "$output"
		[ "${lines[0]}" = "got=hello $k" ]
		grep -qx 'TCPREMOTEIP=127.0.0.2' <<<"$output"
		grep -qx "TCPREMOTEPORT=$p" <<<"$output"
		grep -qx 'REMOTE_ADDR=127.0.0.2' <<<"$output"
		grep -qx 'PROXYREMOTEIP=127.0.0.1' <<<"$output"
		grep -qx "TCPLOCALPORT=$FE_ENV" <<<"$output"
	done
	# both servers served clients: one through v1, one through v2
	grep -q 'connection from 127.0.0.2 port' "$T/superd-A.log"
	grep -q 'connection from 127.0.0.2 port' "$T/superd-B.log"
	# and the builtin echo through both
	for k in 1 2 3 4; do
		run -0 "$PC" -r '' -B 127.0.0.2 -d "echo $k\n" 127.0.0.1 "$FE_ECHO"
		[ "$output" = "echo $k" ]
	done
}

@test "haproxy: hosts.deny naming the client refuses it through HAProxy, not the balancer" {
	echo "ALL: 127.0.0.2" >deny
	pair roundrobin --hosts-deny "$T/deny"
	local k
	for k in 1 2 3 4; do
		"$PC" -r '' -B 127.0.0.2 -d 'x\n' 127.0.0.1 "$FE_ENV" >out || true
		[ "$(wc -c <out)" -eq 0 ]
		"$PC" -r '' -B 127.0.0.2 -d 'x\n' 127.0.0.1 "$FE_ECHO" >out || true
		[ "$(wc -c <out)" -eq 0 ]
	done
	grep -q 'refused: 127.0.0.2 port' "$T/superd-A.log"
	grep -q 'refused: 127.0.0.2 port' "$T/superd-B.log"
	run -0 "$PC" -r '' -B 127.0.0.3 -d 'ok\n' 127.0.0.1 "$FE_ENV"
	[ "${lines[0]}" = "got=ok" ]
	grep -qx 'TCPREMOTEIP=127.0.0.3' <<<"$output"
}

@test "haproxy: a per-source limit counts the client; checks never hold it shut" {
	script hold.sh "echo start; sleep 3; echo end"
	superd_one A v1 "$T/hold.sh, max_child_per_ip=1"
	superd_one B v2 "$T/hold.sh, max_child_per_ip=1"
	haproxy_start source
	"$PC" -w -1 -r "" -B 127.0.0.2 127.0.0.1 "$FE_ENV" >first &
	local cpid=$!
	wait_until 5 eval "cat $T/superd-?.log | grep -q 'connection from 127.0.0.2'"
	# the same client through the same server (balance source): refused
	"$PC" -w -1 -r "" -B 127.0.0.2 127.0.0.1 "$FE_ENV" >second || true
	[ "$(wc -c <second)" -eq 0 ]
	[ "$(cat "$T"/superd-?.log | grep -c 'refused: 127.0.0.2 port .* per-source')" -eq 1 ]
	# another client is served meanwhile, whichever server it lands on
	run -0 "$PC" -w -1 -r "" -B 127.0.0.4 127.0.0.1 "$FE_ENV"
	[ "$output" = "start
end" ]
	wait "$cpid"
	[ "$(cat first)" = "start
end" ]
	# the checks kept both servers up all along
	! grep -q 'is DOWN' "$T/haproxy.log"
}

@test "haproxy: health checks (v1 header, v2 LOCAL) keep both servers up" {
	pair roundrobin
	sleep 3
	! grep -q 'is DOWN' "$T/haproxy.log"
	local a b ra rb
	# a check that reaches the handler starts one that sees EOF
	a=$(grep -c 'connection from 127.0.0.1 port' "$T/superd-A.log" || true)
	b=$(grep -c 'connection from 127.0.0.1 port' "$T/superd-B.log" || true)
	ra=$(grep -c 'PROXY header' "$T/superd-A.log" || true)
	rb=$(grep -c 'PROXY header' "$T/superd-B.log" || true)
	echo "in 3 s: A (v1) $a checks served, $ra refused; B (v2 LOCAL) $b served, $rb refused"
	note "health checks in 3 s (inter 300 ms, 2 services each): A send-proxy: $a connections from 127.0.0.1 (handlers and echo started), $ra PROXY refusals; B send-proxy-v2 LOCAL: $b, $rb"
	[ "$b" -gt 0 ]
	[ "$rb" -eq 0 ]
	run -0 "$PC" -r '' -B 127.0.0.2 -d 'up\n' 127.0.0.1 "$FE_ENV"
	[ "${lines[0]}" = "got=up" ]
}

@test "haproxy: killing one superd in a 2,000-connection loop leaves the rest served by the other" {
	pair roundrobin
	[ -x "$LOADGEN" ] || { echo "build it: make bench/loadgen" >&2; return 1; }
	"$LOADGEN" -c 4 -n 2000 -t 3000 127.0.0.1 "$FE_ECHO" >lg.out &
	local lpid=$! ok failed
	# kill A once some 300 connections (and a few checks) went its way
	wait_until 20 eval "[ \$(grep -c 'connection from' $T/superd-A.log) -gt 300 ]"
	kill -KILL "$PID_A"
	wait "$lpid"
	cat lg.out
	ok=$(sed -n 's/.* conns=\([0-9]*\).*/\1/p' lg.out)
	failed=$(awk '{ n = 0; for (f = 1; f <= NF; f++) { split($f, kv, "=");
	    if (kv[1] ~ /^(refused|reset|timeout|short|wrong|other)$/) n += kv[2] } print n }' lg.out)
	[ $((ok + failed)) -eq 2000 ]
	note "failover: $(cat lg.out); failed: $failed"
	echo "failed in the failover moment: $failed"
	# after the kill everything is B's: later connections all served
	"$LOADGEN" -c 4 -n 500 -t 3000 127.0.0.1 "$FE_ECHO" >lg2.out
	cat lg2.out
	grep -Eq 'conns=500 refused=0 reset=0 timeout=0 short=0 wrong=0 other=0' lg2.out
	[ "$failed" -le 20 ]
}
