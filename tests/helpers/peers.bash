# Launchers for the handlers' suites: udpfd (a minimal inetd `dgram wait`),
# and the real peers xinetd, openbsd-inetd and systemd-socket-activate run
# in the foreground on loopback ports.  Load with `load helpers/peers`.

load helpers/common

UDPFD=$ROOT/tests/helpers/udpfd

# udp_start [-6] PROG [ARGS...]: runs PROG with a UDP socket bound to a free
# loopback port as fd 0 and 1 (an inetd `dgram wait` line); sets PORT and
# BG_PID.  Its stderr goes to $BATS_TEST_TMPDIR/udp.log.
udp_start() {
	local log=$BATS_TEST_TMPDIR/udp.log
	if [ ! -x "$UDPFD" ]; then
		echo "build it: make tests/helpers/udpfd" >&2
		return 1
	fi
	bg_start "$log" "$UDPFD" "$@"
	wait_for "$log" '^port [0-9]+$' || return 1
	PORT=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$log")
}

# exited_with PID STATUS: true when PID (a child of this shell) has exited
# with STATUS; waits at most 5 s.
exited_with() {
	local pid=$1 want=$2 st=0
	wait_until 5 eval "! kill -0 $pid 2>/dev/null" || return 1
	wait "$pid" || st=$?
	[ "$st" -eq "$want" ]
}

# free_port: prints a loopback port free for TCP and UDP a moment ago, for
# peers whose configuration needs a number.
free_port() {
	"$UDPFD" -f
}

# listening tcp|udp PORT: true when something is bound to 127.0.0.1:PORT.
listening() {
	local hex
	hex=$(printf '%04X' "$2")
	grep -Eq "^ *[0-9]+: 0100007F:$hex 00000000:0000 (0A|07) " \
	    "/proc/net/$1" 2>/dev/null
}

# peer_libs: the folder of a fetched libwrap.so.0 (the inetds link it and
# a bare machine lacks it), for LD_LIBRARY_PATH; empty when none.
peer_libs() {
	local f
	for f in "$PEERS_DIR"/libwrap0/usr/lib/*/libwrap.so.0 \
	    "$PEERS_DIR"/libwrap0/lib/*/libwrap.so.0; do
		[ -e "$f" ] && { dirname "$f"; return 0; }
	done
	return 0
}

# peer_bin PKG PATH [LIBS]: prints the fetched peer PKG's binary PATH
# (relative to its package root) when it can run here with LIBS for
# LD_LIBRARY_PATH (default: peer_libs's); otherwise prints why and fails.
peer_bin() {
	local bin=$PEERS_DIR/$1/$2 libs missing
	if [ ! -x "$bin" ]; then
		echo "$1 not fetched (tests/helpers/deps peers)"
		return 1
	fi
	libs=${3-$(peer_libs)}
	missing=$(LD_LIBRARY_PATH=$libs ldd "$bin" 2>/dev/null |
	    awk '/not found/ { print $1 }')
	if [ -n "$missing" ]; then
		echo "$1 needs" $missing "(fetch it like tests/helpers/deps peers)"
		return 1
	fi
	echo "$bin"
}

# peer_ports: sets P_ECHO, P_DAYTIME, P_TIME and P_CHARGEN to distinct
# loopback ports free for TCP and UDP.
peer_ports() {
	local p seen=" " v
	for v in P_ECHO P_DAYTIME P_TIME P_CHARGEN; do
		for _ in 1 2 3 4 5; do
			p=$(free_port) || return 1
			case $seen in *" $p "*) continue ;; esac
			break
		done
		seen="$seen$p "
		printf -v "$v" '%s' "$p"
	done
}

# peer_wait: waits until the services of the generated configurations are
# bound: echo, daytime, time and chargen over TCP, the first three over UDP.
peer_wait() {
	local p
	for p in "$P_ECHO" "$P_DAYTIME" "$P_TIME" "$P_CHARGEN"; do
		wait_until 5 listening tcp "$p" || return 1
	done
	for p in "$P_ECHO" "$P_DAYTIME" "$P_TIME"; do
		wait_until 5 listening udp "$p" || return 1
	done
}

# inetd_conf: the services as inetd.conf lines (OpenBSD's ADDR:PORT form).
inetd_conf() {
	local h=$ROOT/handlers me
	me=$(id -un)
	cat <<-EOF
	127.0.0.1:$P_ECHO	stream	tcp	nowait	$me	$h/echo	echo
	127.0.0.1:$P_DAYTIME	stream	tcp	nowait	$me	$h/daytime	daytime
	127.0.0.1:$P_TIME	stream	tcp	nowait	$me	$h/time	time
	127.0.0.1:$P_CHARGEN	stream	tcp	nowait	$me	$h/chargen	chargen
	127.0.0.1:$P_ECHO	dgram	udp	wait	$me	$h/echo	echo -t 3
	127.0.0.1:$P_DAYTIME	dgram	udp	wait	$me	$h/daytime	daytime -t 3
	127.0.0.1:$P_TIME	dgram	udp	wait	$me	$h/time	time -t 3
	EOF
}

# xinetd_service NAME TYPE PORT [ARGS]: one xinetd.conf service entry.
xinetd_service() {
	local proto=tcp wait=no
	[ "$2" = dgram ] && proto=udp wait=yes
	cat <<-EOF
	service superd-$1
	{
		type		= UNLISTED
		id		= $1-$2
		socket_type	= $2
		protocol	= $proto
		wait		= $wait
		user		= $(id -un)
		bind		= 127.0.0.1
		port		= $3
		server		= $ROOT/handlers/$1
		${4:+server_args	= $4}
	}
	EOF
}

# inetd_start: runs openbsd-inetd in the foreground (-d) on inetd_conf.
inetd_start() {
	local bin
	bin=$(peer_bin openbsd-inetd usr/sbin/inetd) || { skip_or_fail "$bin"; return; }
	peer_ports || return 1
	inetd_conf >"$BATS_TEST_TMPDIR/inetd.conf"
	bg_start "$BATS_TEST_TMPDIR/inetd.log" env LD_LIBRARY_PATH="$(peer_libs)" \
	    "$bin" -d "$BATS_TEST_TMPDIR/inetd.conf"
	peer_wait || { cat "$BATS_TEST_TMPDIR/inetd.log" >&2; return 1; }
}

# xinetd_start: runs xinetd in the foreground on the same services.
xinetd_start() {
	local bin conf=$BATS_TEST_TMPDIR/xinetd.conf
	bin=$(peer_bin xinetd usr/sbin/xinetd) || { skip_or_fail "$bin"; return; }
	peer_ports || return 1
	{
		printf 'defaults\n{\n\tlog_type = FILE %s\n}\n' \
		    "$BATS_TEST_TMPDIR/xinetd.services.log"
		xinetd_service echo stream "$P_ECHO"
		xinetd_service daytime stream "$P_DAYTIME"
		xinetd_service time stream "$P_TIME"
		xinetd_service chargen stream "$P_CHARGEN"
		xinetd_service echo dgram "$P_ECHO" "-t 3"
		xinetd_service daytime dgram "$P_DAYTIME" "-t 3"
		xinetd_service time dgram "$P_TIME" "-t 3"
	} >"$conf"
	bg_start "$BATS_TEST_TMPDIR/xinetd.log" env LD_LIBRARY_PATH="$(peer_libs)" \
	    "$bin" -dontfork -f "$conf" \
	    -pidfile "$BATS_TEST_TMPDIR/xinetd.pid" \
	    -filelog "$BATS_TEST_TMPDIR/xinetd.filelog"
	peer_wait || {
		cat "$BATS_TEST_TMPDIR"/xinetd.log "$BATS_TEST_TMPDIR"/xinetd.filelog >&2
		return 1
	}
}

# chargen_pattern LINES: the first LINES lines of RFC 864's pattern, written
# independently of the handler: line i holds the 72 characters from
# 32 + i mod 95 on, wrapping from '~' (126) to ' ' (32), then CRLF.
chargen_pattern() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			s = ""
			for (j = 0; j < 72; j++)
				s = s sprintf("%c", 32 + (i + j) % 95)
			printf "%s\r\n", s
		}
	}'
}

# check_tcp: echo, daytime, time and chargen answer over TCP on the ports.
check_tcp() {
	local t=$BATS_TEST_TMPDIR now got
	printf 'through the peer\0\377\n' >"$t/in"
	"$NETC" -w 5 127.0.0.1 "$P_ECHO" <"$t/in" >"$t/out" || return 1
	cmp "$t/in" "$t/out" || return 1
	"$NETC" -w 5 127.0.0.1 "$P_DAYTIME" </dev/null >"$t/out" || return 1
	grep -Eq $'^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}\r$' \
	    "$t/out" || { od -c "$t/out" >&2; return 1; }
	[ "$(wc -l <"$t/out")" -eq 1 ] || return 1
	check_time "$t/out" 0 || return 1
	"$NETC" -w 5 -c 222 127.0.0.1 "$P_CHARGEN" </dev/null >"$t/out" || return 1
	chargen_pattern 3 | cmp - "$t/out"
}

# check_udp: echo, daytime and time answer datagrams on the ports.
check_udp() {
	local t=$BATS_TEST_TMPDIR
	printf 'datagram\0\n' >"$t/in"
	"$NETC" -u -w 5 127.0.0.1 "$P_ECHO" <"$t/in" >"$t/out" || return 1
	cmp "$t/in" "$t/out" || return 1
	"$NETC" -u -w 5 127.0.0.1 "$P_DAYTIME" </dev/null >"$t/out" || return 1
	grep -Eq $'^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}\r$' \
	    "$t/out" || { od -c "$t/out" >&2; return 1; }
	check_time "$t/out" 1
}

# check_time OUT UDP: time's 4 bytes from P_TIME (UDP when UDP is 1) are
# within 2 s of date(1).
check_time() {
	local got want
	if [ "$2" = 1 ]; then
		"$NETC" -u -w 5 127.0.0.1 "$P_TIME" </dev/null >"$1" || return 1
	else
		"$NETC" -w 5 127.0.0.1 "$P_TIME" </dev/null >"$1" || return 1
	fi
	[ "$(wc -c <"$1")" -eq 4 ] || return 1
	got=$((16#$(od -An -tx1 "$1" | tr -d ' \n')))
	want=$((($(date +%s) + 2208988800) % 4294967296))
	[ $((want - got)) -ge 0 ] && [ $((want - got)) -le 2 ]
}

# haproxy_libs: the folders of the libraries fetched for HAProxy, for
# LD_LIBRARY_PATH (colon-separated; empty when none).
haproxy_libs() {
	local d l=
	for d in "$PEERS_DIR"/liblua5.3-0/usr/lib/* \
	    "$PEERS_DIR"/libopentracing-c-wrapper0/usr/lib/* \
	    "$PEERS_DIR"/libopentracing1/usr/lib/*; do
		[ -d "$d" ] && l=$l${l:+:}$d
	done
	echo "$l"
}

# haproxy_bin: prints the fetched HAProxy's binary when it can run here
# with haproxy_libs; otherwise prints why and fails.
haproxy_bin() {
	peer_bin haproxy usr/sbin/haproxy "$(haproxy_libs)"
}
