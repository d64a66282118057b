#!/usr/bin/env bats
# superd: HAProxy's PROXY protocol (proxy=v1|v2|any, --proxy): the handler
# and the builtins see the client the header names, access rules and
# per-source limits count it, and every bad header closes the connection
# without a byte, logged, with no handler run.  The client is
# tests/helpers/proxyclient.py, which builds v1 and v2 headers itself.

load helpers/superd

PC=$ROOT/tests/helpers/proxyclient.py

setup() {
	cd "$BATS_TEST_TMPDIR"
	T=$BATS_TEST_TMPDIR
	# The handler: marks that it ran, reads a line, prints its addresses.
	script env.sh "touch $T/ran
read -r line
echo \"got=\$line\"
env | grep -E '^(TCP|REMOTE_|PROXY)' | sort"
}

teardown() {
	superd_teardown 40
}

# svc PROXY [KEYS]: a key-values entry for env.sh on 127.0.0.1:0.
svc() {
	echo "127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=$T/env.sh, proxy=$1${2:+, $2};"
}

# builtin PROXY: the internal echo with a PROXY header first.
builtin() {
	echo "127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=internal, args=echo, proxy=$1;"
}

@test "v1 TCP4: the handler sees the client and the address it reached, the balancer in PROXYREMOTEIP" {
	superd_start < <(svc v1)
	run -0 "$PC" -d 'hello\n' -1 192.0.2.7 198.51.100.1 4444 80 127.0.0.1 "$(superd_port 1)"
	echo "$output"
	[ "${lines[0]}" = "got=hello" ]
	grep -qx 'TCPREMOTEIP=192.0.2.7' <<<"$output"
	grep -qx 'TCPREMOTEPORT=4444' <<<"$output"
	grep -qx 'REMOTE_ADDR=192.0.2.7' <<<"$output"
	grep -qx 'REMOTE_PORT=4444' <<<"$output"
	grep -qx 'TCPLOCALIP=198.51.100.1' <<<"$output"
	grep -qx 'TCPLOCALPORT=80' <<<"$output"
	grep -qx 'PROXYREMOTEIP=127.0.0.1' <<<"$output"
	grep -Eqx 'PROXYREMOTEPORT=[0-9]+' <<<"$output"
	grep -q 'connection from 192.0.2.7 port 4444, pid' "$SUPERD_LOG"
}

@test "v1 TCP6 and v2 TCP6 (with TLVs): IPv6 clients" {
	superd_start < <(svc any)
	run -0 "$PC" -d 'six\n' -1 2001:db8::5 2001:db8::1 5555 443 127.0.0.1 "$(superd_port 1)"
	grep -qx 'TCPREMOTEIP=2001:db8::5' <<<"$output"
	grep -qx 'TCPLOCALPORT=443' <<<"$output"
	run -0 "$PC" -t 300 -d 'six2\n' -2 2001:db8::9 2001:db8::1 6000 22 127.0.0.1 "$(superd_port 1)"
	[ "${lines[0]}" = "got=six2" ]
	grep -qx 'TCPREMOTEIP=2001:db8::9' <<<"$output"
	grep -qx 'TCPREMOTEPORT=6000' <<<"$output"
}

@test "v2 LOCAL, v1 UNKNOWN and v2 UNIX keep the real peer" {
	superd_start < <(svc any)
	run -0 "$PC" -d 'check\n' -L 127.0.0.1 "$(superd_port 1)"
	[ "${lines[0]}" = "got=check" ]
	grep -qx 'TCPREMOTEIP=127.0.0.1' <<<"$output"
	grep -qx 'TCPLOCALPORT='"$(superd_port 1)" <<<"$output"
	run -0 "$PC" -d 'unknown\n' -u 127.0.0.1 "$(superd_port 1)"
	[ "${lines[0]}" = "got=unknown" ]
	grep -qx 'TCPREMOTEIP=127.0.0.1' <<<"$output"
	run -0 "$PC" -d 'unix\n' -U 127.0.0.1 "$(superd_port 1)"
	[ "${lines[0]}" = "got=unix" ]
	grep -qx 'TCPREMOTEIP=127.0.0.1' <<<"$output"
	run -0 "$PC" -d 'unix\n' -U 127.0.0.1 "$(superd_port 1)"
	[ "$(grep -c 'UNIX or unspecified family' "$SUPERD_LOG")" -eq 1 ]
}

@test "a header split into 1- and 2-byte writes is still read whole" {
	superd_start < <(svc any proxy_timeout=20)
	run -0 "$PC" -s 1 -d 'split\n' -1 192.0.2.8 192.0.2.1 1000 2000 127.0.0.1 "$(superd_port 1)"
	[ "${lines[0]}" = "got=split" ]
	grep -qx 'TCPREMOTEIP=192.0.2.8' <<<"$output"
	run -0 "$PC" -s 2 -t 40 -d 'split2\n' -2 192.0.2.9 192.0.2.1 1001 2000 127.0.0.1 "$(superd_port 1)"
	[ "${lines[0]}" = "got=split2" ]
	grep -qx 'TCPREMOTEIP=192.0.2.9' <<<"$output"
}

@test "bytes after the header in the same write reach the builtin and the handler" {
	superd_start < <({ builtin v2; svc v1; })
	run -0 "$PC" -d 'same segment\nsecond line\n' -2 192.0.2.10 192.0.2.1 1 7 127.0.0.1 "$(superd_port 1)"
	[ "$output" = "same segment
second line" ]
	"$PC" -d 'abc' -2 192.0.2.10 192.0.2.1 1 7 127.0.0.1 "$(superd_port 1)" >out
	[ "$(wc -c <out)" -eq 3 ]
	run -0 "$PC" -d 'tail\n' -1 192.0.2.11 192.0.2.1 2 7 127.0.0.1 "$(superd_port 2)"
	[ "${lines[0]}" = "got=tail" ]
	grep -q 'connection from 192.0.2.10 port 1, pid 0' "$SUPERD_LOG" ||
	    grep -q 'connection from 192.0.2.10 port 1' "$SUPERD_LOG"
}

@test "hosts.deny naming the client refuses it; 127.0.0.1, the balancer, is not refused" {
	echo "ALL: 192.0.2.66" >deny
	superd_start --hosts-deny "$T/deny" < <({ svc v1; builtin v2; })
	"$PC" -d 'x\n' -1 192.0.2.66 192.0.2.1 5 80 127.0.0.1 "$(superd_port 1)" >out
	[ "$(wc -c <out)" -eq 0 ]
	[ ! -e ran ]
	"$PC" -d 'x\n' -2 192.0.2.66 192.0.2.1 5 80 127.0.0.1 "$(superd_port 2)" >out
	[ "$(wc -c <out)" -eq 0 ]
	grep -q 'refused: 192.0.2.66' "$SUPERD_LOG"
	run -0 "$PC" -d 'ok\n' -1 192.0.2.67 192.0.2.1 5 80 127.0.0.1 "$(superd_port 1)"
	[ "${lines[0]}" = "got=ok" ]
	run -0 "$PC" -d 'ok\n' -2 192.0.2.67 192.0.2.1 5 80 127.0.0.1 "$(superd_port 2)"
	[ "$output" = "ok" ]
}

@test "a per-source limit counts the client, not the balancer" {
	script hold.sh "echo start; sleep 3; echo end"
	superd_start < <(echo "127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=$T/hold.sh, proxy=v2, max_child_per_ip=1;")
	local p
	p=$(superd_port 1)
	"$PC" -2 192.0.2.20 192.0.2.1 1 80 127.0.0.1 "$p" >first &
	local cpid=$!
	wait_for "$SUPERD_LOG" 'connection from 192.0.2.20 port 1,'
	"$PC" -2 192.0.2.20 192.0.2.1 2 80 127.0.0.1 "$p" >second
	[ "$(wc -c <second)" -eq 0 ]
	run -0 "$PC" -2 192.0.2.21 192.0.2.1 3 80 127.0.0.1 "$p"
	[ "$output" = "start
end" ]
	wait "$cpid"
	[ "$(cat first)" = "start
end" ]
	grep -q 'refused: 192.0.2.20 port 2' "$SUPERD_LOG"
}

# bad SERVICE-PROXY WHY CLIENT-OPTIONS...: the header the options build is
# refused: nothing comes back, no handler runs, the log names WHY.
bad() {
	local want=$1 why=$2
	shift 2
	superd_start < <(svc "$want" proxy_timeout=1)
	"$PC" "$@" 127.0.0.1 "$(superd_port 1)" >out || true
	[ "$(wc -c <out)" -eq 0 ]
	wait_for "$SUPERD_LOG" "refused: 127\.0\.0\.1 port [0-9]+ PROXY header: $why"
	[ ! -e "$T/ran" ]
	grep -q 'cause' "$SUPERD_LOG" || true
}

@test "bad: no header on a proxy service" {
	bad any "no PROXY header" -r "$(printf 'hello\n' | od -An -v -tx1 | tr -d ' \n')"
}

@test "bad: one byte short (v1), then closed" {
	bad v1 "closed before the PROXY header was whole" -c 1 -1 192.0.2.1 192.0.2.2 1 2
}

@test "bad: one byte short (v2), then closed" {
	bad v2 "closed before the PROXY header was whole" -c 1 -t 20 -2 192.0.2.1 192.0.2.2 1 2
}

@test "bad: v1 with a bad address" {
	bad v1 "v1 address or port malformed" -1 192.0.2.300 192.0.2.2 1 2
}

@test "bad: v1 with a bad port" {
	bad v1 "v1 address or port malformed" -1 192.0.2.1 192.0.2.2 65536 2
}

@test "bad: v1 TCP4 with an IPv6 address" {
	bad v1 "v1 address or port malformed" -r "$(printf 'PROXY TCP4 ::1 ::1 1 2\r\n' | od -An -v -tx1 | tr -d ' \n')"
}

@test "bad: v1 without a CRLF in 107 bytes" {
	bad v1 "v1 line without CRLF in 107 bytes" -r "$(printf 'PROXY UNKNOWN %0100d' 0 | od -An -v -tx1 | tr -d ' \n')"
}

@test "bad: v2 with a wrong signature" {
	bad v2 "v2 signature wrong" -r 0d0a0d0a000d0a515549540b211100000000
}

@test "bad: v2 with a length past 4 KiB of TLVs" {
	bad v2 "v2 length past 4 KiB of TLVs" -l 5000 -2 192.0.2.1 192.0.2.2 1 2
}

@test "bad: v2 with a length shorter than its addresses" {
	bad v2 "v2 length shorter than its addresses" -l 8 -2 192.0.2.1 192.0.2.2 1 2
}

@test "bad: a v2 header on a proxy=v1 service, a v1 one on a v2 service" {
	bad v1 "a v2 header on a v1 service" -2 192.0.2.1 192.0.2.2 1 2
}

@test "bad: a v1 header on a proxy=v2 service" {
	bad v2 "a v1 header on a v2 service" -1 192.0.2.1 192.0.2.2 1 2
}

@test "bad: a header that never finishes times out at proxy_timeout" {
	local t0 t1
	t0=$(date +%s)
	bad any "no whole PROXY header in time" -w -1 -c 3 -1 192.0.2.1 192.0.2.2 1 2
	t1=$(date +%s)
	# closed at 1 s: the client, which never shuts down, saw the end
	grep -q 'no whole PROXY header in time' "$SUPERD_LOG"
	[ $((t1 - t0)) -ge 1 ] && [ $((t1 - t0)) -lt 4 ]
}

@test "bad: the builtin serves no byte for a bad header" {
	superd_start < <(builtin v2)
	"$PC" -d 'echo me\n' -1 192.0.2.1 192.0.2.2 1 2 127.0.0.1 "$(superd_port 1)" >out || true
	[ "$(wc -c <out)" -eq 0 ]
	wait_for "$SUPERD_LOG" 'PROXY header: a v1 header on a v2 service'
}

@test "the refusal has cause proxy in the structured log" {
	superd_start --log-format logfmt < <(svc v2)
	local p
	p=$(sed -n 's/.*listening on 127.0.0.1 port \([0-9]*\)".*/\1/p' "$SUPERD_LOG")
	"$PC" -d 'x\n' -1 192.0.2.1 192.0.2.2 1 2 127.0.0.1 "$p" >out || true
	[ "$(wc -c <out)" -eq 0 ]
	wait_for "$SUPERD_LOG" 'event=refused.*cause=proxy'
}

@test "a flood of silent connections does not stop an honest client" {
	superd_start < <(svc any proxy_timeout=30)
	local p
	p=$(superd_port 1)
	# 1,200 silent connections (fewer under a low fd limit): more than
	# the pending table holds, 1,024 or an eighth of the fd limit
	local n lim
	lim=$(ulimit -n)
	n=1200
	[ "$lim" = unlimited ] || [ "$lim" -gt 1300 ] || n=$((lim - 64))
	python3 -c '
import socket, sys, time
ss = []
for k in range(int(sys.argv[2])):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    ss.append(s)
print("ready", flush=True)
time.sleep(30)
' "$p" "$n" >flood &
	wait_until 20 grep -q ready flood
	run -0 timeout 10 "$PC" -d 'honest\n' -2 192.0.2.44 192.0.2.1 9 80 127.0.0.1 "$p"
	[ "${lines[0]}" = "got=honest" ]
	grep -qx 'TCPREMOTEIP=192.0.2.44' <<<"$output"
	grep -q 'too many connections waiting for a PROXY header' "$SUPERD_LOG"
	# superd holds at most its table's worth of them
	[ "$(superd_fds | wc -l)" -le 1100 ]
}

@test "proxy needs a TCP stream service; proxy_timeout a number" {
	cat >c.conf <<EOF
127.0.0.1:0 on protocol=udp4, wait=no, user=$ME, exec=$T/env.sh, proxy=v1;
127.0.0.1:0 on protocol=tcp4, wait=yes, user=$ME, exec=$T/env.sh, proxy=v1;
127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=$T/env.sh, proxy=v2, proxy_timeout=0;
127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=$T/env.sh, proxy=v2, proxy_timeout=5;
EOF
	run -1 "$SUPERD" -t c.conf
	echo "$output"
	grep -qx "superd: c.conf:1: key 'proxy': needs a TCP stream service with wait=no" <<<"$output"
	grep -qx "superd: c.conf:2: key 'proxy': needs a TCP stream service with wait=no" <<<"$output"
	grep -qx "superd: c.conf:3: key 'proxy_timeout': '0' out of range (1 to 3600)" <<<"$output"
	! grep -q "c.conf:4: key" <<<"$output"
}

@test "--proxy in ad-hoc mode; refused on udp" {
	SUPERD_LOG=$T/superd.log
	bg_start "$SUPERD_LOG" "$SUPERD" -l --proxy v1 --listen tcp:127.0.0.1:0 -- "$T/env.sh"
	SUPERD_PID=$BG_PID
	wait_for "$SUPERD_LOG" ': serving, pid '
	local p
	p=$(sed -n 's/.*listening on 127.0.0.1 port \([0-9]*\)$/\1/p' "$SUPERD_LOG" | head -n 1)
	run -0 "$PC" -d 'adhoc\n' -1 192.0.2.50 192.0.2.1 50 80 127.0.0.1 "$p"
	[ "${lines[0]}" = "got=adhoc" ]
	grep -qx 'TCPREMOTEIP=192.0.2.50' <<<"$output"
	run "$SUPERD" -t --proxy v1 --listen udp:127.0.0.1:0 -- "$T/env.sh"
	[ "$status" -ne 0 ]
	grep -q -- '--proxy: needs tcp --listen without --wait' <<<"$output"
	run -2 "$SUPERD" --proxy v9 --listen tcp:127.0.0.1:0 -- "$T/env.sh"
	grep -q -- '--proxy v9: not v1, v2 or any' <<<"$output"
	run -2 "$SUPERD" --proxy v1 "$T/c.conf"
	[ "$output" = "superd: --proxy needs --listen" ]
}

@test "a service removed by a reload while a connection waits for its header: closed, nothing runs, superd goes on" {
	superd_start < <(svc v1 proxy_timeout=2)
	local p
	p=$(superd_port 1)
	"$PC" -w 3 -c 3 -1 192.0.2.70 192.0.2.1 70 80 127.0.0.1 "$p" >late &
	local cpid=$!
	# accepted: superd holds it, waiting for the rest of its header
	wait_until 5 eval "ss -tnH state established '( sport = :$p )' | grep -q ."
	echo "127.0.0.1:0 on protocol=tcp6, wait=no, user=$ME, exec=$T/env.sh;" >"$SUPERD_CONF"
	sed -i 's/^127.0.0.1:0 on protocol=tcp6/127.0.0.2:0 on protocol=tcp4/' "$SUPERD_CONF"
	superd_reload
	grep -q 'reloaded: 1 services, 1 new, 1 removed' "$SUPERD_LOG"
	wait "$cpid" || true
	[ "$(wc -c <late)" -eq 0 ]
	[ ! -e ran ]
	kill -0 "$SUPERD_PID"
	run -0 "$PC" -r '' -d 'fresh\n' 127.0.0.2 "$(superd_port 1)"
	[ "${lines[0]}" = "got=fresh" ]
}

@test "superd -t shows proxy and proxy_timeout" {
	printf '127.0.0.1:0 on socktype=stream, protocol=tcp4, wait=no, user=%s, exec=internal, args=echo, proxy=any, proxy_timeout=7;\n' "$ME" >"$BATS_TEST_TMPDIR/p.conf"
	run -0 "$SUPERD" -t "$BATS_TEST_TMPDIR/p.conf"
	[ "$output" = "$BATS_TEST_TMPDIR/p.conf:1: 0 127.0.0.1 0 stream tcp4 nowait $ME internal echo proxy=any proxy_timeout=7" ]
}

@test "an upgrade waits for the PROXY headers still coming; connections meanwhile queue and are served" {
	superd_start <<EOF
127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=internal, args=echo, proxy=v2, proxy_timeout=20;
EOF
	port=$(superd_port 1)
	# a header of 232 bytes, one a write, 20 ms apart: about 5 s coming
	"$PC" -s 1 -t 200 -d 'slow\n' -2 192.0.2.1 192.0.2.2 1111 7 127.0.0.1 "$port" >slow.out &
	slow=$!
	sleep 0.5
	kill -USR2 "$SUPERD_PID"
	wait_for "$SUPERD_LOG" 'upgrade: waiting for 1 PROXY headers first'
	# while it waits: queued in the backlog, served by the next image
	"$PC" -d 'queued\n' -2 192.0.2.3 192.0.2.2 3333 7 127.0.0.1 "$port" >queued.out &
	queued=$!
	wait "$slow"
	wait "$queued"
	[ "$(cat slow.out)" = slow ]
	[ "$(cat queued.out)" = queued ]
	[ "$(grep -c ": serving, pid $SUPERD_PID\$" "$SUPERD_LOG")" -eq 2 ]
	! grep -q 'still serving' "$SUPERD_LOG"
}
