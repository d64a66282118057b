# The clients people use, against superd: Debian's netcat-openbsd, socat,
# rdate and busybox nc, and python sockets written as a course writes them
# (tcpclient.py, udpclient.py).  clients_start starts superd with every
# handler and builtin on port-0 services of one address family; check_tcp
# and check_udp run one client over all of them.  A client that is neither
# installed nor fetched by `tests/helpers/deps clients` skips its tests
# (fails them in CI).  Load with `load helpers/clients`.

load helpers/superd
load helpers/peers

TCPCLIENT=$ROOT/tests/helpers/tcpclient.py
UDPCLIENT=$ROOT/tests/helpers/udpclient.py

# daytime and time report this instant (a day of one digit, so the padding
# of ctime's format shows), unless clients_start is told `clock`.
FIXED_TIME=1772600767
FIXED_DAYTIME=$'Wed Mar  4 05:06:07 2026\r\n'
FIXED_RDATE='Wed Mar  4 05:06:07 UTC 2026'
QUOTE=$'Fixed quote of the test.\n\t-- clients.bash\n'
CHARGEN_LINES=96	# one whole 95-line cycle of RFC 864's pattern, and one

# client_path CMD PKG PATH: CMD from PATH or /usr/sbin (outside a user's
# PATH on Debian), else PATH inside package PKG as `tests/helpers/deps
# clients` extracts it into .cache/peers, when its libraries are here.
# Otherwise prints why and fails.
client_path() {
	local cmd=$1 pkg=$2 bin=$PEERS_DIR/$2/$3 missing
	if command -v "$cmd" >/dev/null 2>&1; then
		command -v "$cmd"
		return 0
	fi
	if [ -x "/usr/sbin/$cmd" ]; then
		echo "/usr/sbin/$cmd"
		return 0
	fi
	if [ ! -x "$bin" ]; then
		echo "$cmd not found (apt-get install $pkg, or tests/helpers/deps clients)"
		return 1
	fi
	missing=$(LD_LIBRARY_PATH=$(peer_libs) ldd "$bin" 2>/dev/null |
	    awk '/not found/ { printf " %s", $1 }')
	if [ -n "$missing" ]; then
		echo "the fetched $cmd needs$missing (apt-get install $pkg)"
		return 1
	fi
	echo "$bin"
}

# client_set ARRAY BIN: sets ARRAY to the command that runs BIN; a fetched
# one finds the libraries fetched with the peers (socat links libwrap.so.0).
client_set() {
	local -n cmd_=$1
	case $2 in
	"$PEERS_DIR"/*) cmd_=(env "LD_LIBRARY_PATH=$(peer_libs)" "$2") ;;
	*) cmd_=("$2") ;;
	esac
}

# need_nc, need_socat, need_rdate, need_busybox, need_python: set the array
# NC, SOCAT, RDATE or BUSYBOX, or PYTHON, to the client, or skip (fail in
# CI).
need_nc() {
	local b
	b=$(client_path nc.openbsd netcat-openbsd bin/nc.openbsd) ||
	    { skip_or_fail "$b"; return; }
	client_set NC "$b"
}

need_socat() {
	local b
	b=$(client_path socat socat usr/bin/socat) || { skip_or_fail "$b"; return; }
	client_set SOCAT "$b"
}

need_rdate() {
	local b
	b=$(client_path rdate rdate usr/sbin/rdate) || { skip_or_fail "$b"; return; }
	client_set RDATE "$b"
}

need_busybox() {
	local b
	b=$(client_path busybox busybox bin/busybox) || { skip_or_fail "$b"; return; }
	"$b" --list | grep -qx nc ||
	    { skip_or_fail "$b has no nc applet"; return; }
	client_set BUSYBOX "$b"
}

# PYTHON is the interpreter itself, not a launcher such as pyenv's shim
# (a quarter of a second a run); the scripts run with -S, as they need
# nothing beyond the standard library.
need_python() {
	PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) &&
	    [ -x "$PYTHON" ] ||
	    { skip_or_fail "python3 not found (apt-get install python3)"; return; }
}

# need_family 4|6: IPv6 tests skip where ::1 cannot be bound.
need_family() {
	[ "$1" = 4 ] || have_ipv6 || skip "no IPv6 (::1) on this host"
}

# clients_start 4|6 [clock]: superd on 127.0.0.1 or ::1 serving, as stream
# nowait and dgram nowait, every handler (echo discard chargen daytime time
# qotd) and every builtin (echo discard chargen daytime time), and echo and
# time as dgram wait (the handler gets the socket).  Keys of PORT:
# "tcp echo", "tcp internal echo", "udp echo", "udp internal echo",
# "udp wait echo", ...  daytime and time report FIXED_TIME in UTC: the
# builtins read SUPERD_TEST_TIME in superd's own environment, the handlers
# (whose environment superd makes minimal) get it from a wrapper script.
# With `clock`, both read the real clock.  Sets FAM, HOST and ADDR (HOST
# as URLs and socat write it).  UDP services are of one family only, so
# a client's ephemeral port can never be one superd serves UDP on.
clients_start() {
	local t=$BATS_TEST_TMPDIR h=$ROOT/handlers line key conf='' n=0 dt tm
	FAM=$1
	if [ "$FAM" = 6 ]; then
		HOST=::1 ADDR='[::1]'
	else
		HOST=127.0.0.1 ADDR=127.0.0.1
	fi
	printf '%s' "$QUOTE" >"$t/quote"
	dt=$h/daytime tm=$h/time
	if [ "${2:-}" != clock ]; then
		printf '#!/bin/sh\nSUPERD_TEST_TIME=%s TZ=UTC0 exec %s "$@"\n' \
		    "$FIXED_TIME" "$h/daytime" >"$t/fixed-daytime"
		printf '#!/bin/sh\nSUPERD_TEST_TIME=%s exec %s "$@"\n' \
		    "$FIXED_TIME" "$h/time" >"$t/fixed-time"
		chmod 755 "$t/fixed-daytime" "$t/fixed-time"
		dt=$t/fixed-daytime tm=$t/fixed-time
	fi
	declare -gA PORT=()
	declare -ga PORT_KEYS=()
	while IFS='|' read -r key line; do
		n=$((n + 1))
		PORT_KEYS+=("$key")
		conf+="$ADDR:0 $line"$'\n'
	done <<EOF
tcp echo|stream tcp$FAM nowait $ME $h/echo echo
tcp discard|stream tcp$FAM nowait $ME $h/discard discard
tcp chargen|stream tcp$FAM nowait $ME $h/chargen chargen
tcp daytime|stream tcp$FAM nowait $ME $dt daytime
tcp time|stream tcp$FAM nowait $ME $tm time
tcp qotd|stream tcp$FAM nowait $ME $h/qotd qotd -f $t/quote
udp echo|dgram udp$FAM nowait $ME $h/echo echo
udp discard|dgram udp$FAM nowait $ME $h/discard discard
udp chargen|dgram udp$FAM nowait $ME $h/chargen chargen
udp daytime|dgram udp$FAM nowait $ME $dt daytime
udp time|dgram udp$FAM nowait $ME $tm time
udp qotd|dgram udp$FAM nowait $ME $h/qotd qotd -f $t/quote
tcp internal echo|stream tcp$FAM nowait $ME internal echo
tcp internal discard|stream tcp$FAM nowait $ME internal discard
tcp internal chargen|stream tcp$FAM nowait $ME internal chargen
tcp internal daytime|stream tcp$FAM nowait $ME internal daytime
tcp internal time|stream tcp$FAM nowait $ME internal time
udp internal echo|dgram udp$FAM nowait $ME internal echo
udp internal discard|dgram udp$FAM nowait $ME internal discard
udp internal chargen|dgram udp$FAM nowait $ME internal chargen
udp internal daytime|dgram udp$FAM nowait $ME internal daytime
udp internal time|dgram udp$FAM nowait $ME internal time
udp wait echo|dgram udp$FAM wait $ME $h/echo echo -t 2
udp wait time|dgram udp$FAM wait $ME $tm time -t 2
EOF
	clients_superd "${2:-}" "$conf" || return 1
	# no two services share a port (UDP sockets without SO_REUSEADDR)
	! shared_port
	# what the checks send and expect
	printf 'bin\0ary\377\r\n\001end' >"$t/bin"
	head -c 65536 /dev/urandom >"$t/big"
	printf 'dgram\0\377x\n' >"$t/dgram"
	printf '%s' "$FIXED_DAYTIME" >"$t/daytime.want"
	rfc868_bytes "$FIXED_TIME" >"$t/time.want"
	chargen_pattern "$CHARGEN_LINES" >"$t/chargen.want"
	chargen_pattern 2 >"$t/chargen2.want"
}

# clients_superd [clock] CONF: starts superd on CONF and reads PORT.
clients_superd() {
	local n port
	if [ "$1" = clock ]; then
		superd_start <<<"$2" || return 1
	else
		SUPERD_TEST_TIME=$FIXED_TIME TZ=UTC0 superd_start <<<"$2" ||
		    return 1
	fi
	PORT=()
	# superd_port LINE, for all lines in one pass
	while read -r n port; do
		PORT[${PORT_KEYS[n - 1]}]=$port
	done < <(sed -n "s|^superd: $SUPERD_CONF:\([0-9]*\): .* listening on .* port \([0-9]*\)\$|\1 \2|p" \
	    "$SUPERD_LOG")
	[ "${#PORT[@]}" -eq "${#PORT_KEYS[@]}" ]
}

# shared_port: prints a port that two services of one protocol share, and
# is true, if there is one.
shared_port() {
	local k p
	p=$(for k in "${!PORT[@]}"; do
		echo "${k%% *} ${PORT[$k]}"
	done | sort | uniq -d | awk 'NR == 1 { print $2 }')
	[ -n "$p" ] && echo "$p"
}

# rfc868_bytes SECONDS: the 4 bytes RFC 868 sends at SECONDS since 1970.
rfc868_bytes() {
	local h
	h=$(printf '%08x' $((($1 + 2208988800) % 4294967296)))
	printf "\\x${h:0:2}\\x${h:2:2}\\x${h:4:2}\\x${h:6:2}"
}

# same WANT GOT WHAT: true when the files hold the same bytes; otherwise
# shows both.
same() {
	cmp -s "$1" "$2" && return 0
	echo "$3: not the bytes expected"
	echo "want ($(wc -c <"$1") bytes):"
	od -c "$1" | head -n 12
	echo "got ($(wc -c <"$2") bytes):"
	od -c "$2" | head -n 12
	return 1
}

# check_tcp CLIENT: CLIENT's functions CLIENT_tcp PORT (sends stdin, then
# reads to EOF), CLIENT_recv PORT (sends nothing, reads to EOF) and
# CLIENT_head PORT COUNT (reads COUNT bytes and leaves) against every
# stream service, handler and builtin: echo (binary bytes, 64 KiB),
# discard, chargen, daytime, time, and the qotd handler.  Then every
# handler has exited 0 (chargen's once its reader left).
check_tcp() {
	local c=$1 t=$BATS_TEST_TMPDIR k
	for k in "" "internal "; do
		"${c}_tcp" "${PORT[tcp ${k}echo]}" <"$t/bin" >"$t/out"
		same "$t/bin" "$t/out" "$c: ${k}echo, binary"
		"${c}_tcp" "${PORT[tcp ${k}echo]}" <"$t/big" >"$t/out"
		same "$t/big" "$t/out" "$c: ${k}echo, 64 KiB"
		"${c}_tcp" "${PORT[tcp ${k}discard]}" <"$t/big" >"$t/out"
		same /dev/null "$t/out" "$c: ${k}discard"
		"${c}_head" "${PORT[tcp ${k}chargen]}" \
		    $((CHARGEN_LINES * 74)) >"$t/out"
		same "$t/chargen.want" "$t/out" "$c: ${k}chargen"
		"${c}_recv" "${PORT[tcp ${k}daytime]}" >"$t/out"
		same "$t/daytime.want" "$t/out" "$c: ${k}daytime"
		"${c}_recv" "${PORT[tcp ${k}time]}" >"$t/out"
		same "$t/time.want" "$t/out" "$c: ${k}time"
	done
	"${c}_recv" "${PORT[tcp qotd]}" >"$t/out"
	same "$t/quote" "$t/out" "$c: qotd"
	handlers_ended
}

# check_udp CLIENT: CLIENT_udp PORT (stdin as one datagram, the reply on
# stdout) and CLIENT_none PORT (a datagram that must get no reply) against
# every datagram service: echo (nowait, builtin, wait), discard, chargen
# (a 148-byte request gets the pattern's first 148 bytes), daytime, time
# (nowait, builtin, wait) and qotd.
check_udp() {
	local c=$1 t=$BATS_TEST_TMPDIR k p1 p2
	for k in "" "internal " "wait "; do
		"${c}_udp" "${PORT[udp ${k}echo]}" <"$t/dgram" >"$t/out"
		same "$t/dgram" "$t/out" "$c: ${k}echo"
		echo | "${c}_udp" "${PORT[udp ${k}time]}" >"$t/out"
		same "$t/time.want" "$t/out" "$c: ${k}time"
	done
	for k in "" "internal "; do
		head -c 148 /dev/zero | tr '\0' x |
		    "${c}_udp" "${PORT[udp ${k}chargen]}" >"$t/out"
		same "$t/chargen2.want" "$t/out" "$c: ${k}chargen"
		echo | "${c}_udp" "${PORT[udp ${k}daytime]}" >"$t/out"
		same "$t/daytime.want" "$t/out" "$c: ${k}daytime"
	done
	echo | "${c}_udp" "${PORT[udp qotd]}" >"$t/out"
	same "$t/quote" "$t/out" "$c: qotd"
	# the two waits for no reply run at once
	"${c}_none" "${PORT[udp discard]}" <"$t/dgram" &
	p1=$!
	"${c}_none" "${PORT[udp internal discard]}" <"$t/dgram" &
	p2=$!
	wait "$p1"
	wait "$p2"
	udp_sources_ephemeral
	handlers_ended
}

# handlers_ended: within 5 s superd has no child left but the dgram wait
# handlers (run with -t 2, they stay until idle), and no handler exited
# non-zero or by a signal.
handlers_ended() {
	wait_until 5 only_wait_handlers || {
		echo "handlers still running:"
		ps -o pid,args --ppid "$SUPERD_PID"
		return 1
	}
	if grep -E 'pid [0-9]+ (exited [1-9]|killed)' "$SUPERD_LOG"; then
		return 1
	fi
}

# only_wait_handlers: true when every child of superd is a dgram wait one.
only_wait_handlers() {
	local kid
	for kid in $(superd_children); do
		[[ "$(tr '\0' ' ' <"/proc/$kid/cmdline" 2>/dev/null)" == *" -t 2 " ]] ||
		    return 1
	done
}

# udp_sources_ephemeral: every datagram superd logged came from a port of
# 1024 or more that is none of superd's own UDP ports, as the reflection
# guard needs (a client binding port 7 or one of superd's would be
# dropped, not answered); at least one was logged.
udp_sources_ephemeral() {
	local k p own=" " n=0
	for k in "${!PORT[@]}"; do
		[[ $k == udp* ]] && own+="${PORT[$k]} "
	done
	for p in $(sed -n 's/^superd: [^ ]*\/udp[46]: connection from [^ ]* port \([0-9]*\), .*/\1/p' \
	    "$SUPERD_LOG"); do
		n=$((n + 1))
		[ "$p" -ge 1024 ] && [[ $own != *" $p "* ]] ||
		    { echo "a datagram came from port $p"; return 1; }
	done
	[ "$n" -gt 0 ]
}

# --- the clients, as the checks call them ---------------------------------
# Every one runs under timeout(1): a client that hangs fails the test.

# netcat-openbsd: -N shuts the socket's sending side at EOF of stdin (and
# nc then reads to the server's EOF); -u -W 1 leaves after one datagram.
nc_tcp() { timeout 10 "${NC[@]}" "-$FAM" -N "$HOST" "$1"; }
nc_recv() { timeout 10 "${NC[@]}" "-$FAM" -N "$HOST" "$1" </dev/null; }
nc_head() {
	{ timeout 10 "${NC[@]}" "-$FAM" -d "$HOST" "$1" || true; } | head -c "$2"
}
nc_udp() { timeout 10 "${NC[@]}" "-$FAM" -u -W 1 "$HOST" "$1"; }
# -w 1: nc leaves after a second without a datagram; it must print nothing.
nc_none() {
	local out=$BATS_TEST_TMPDIR/none.$1
	timeout 10 "${NC[@]}" "-$FAM" -u -w 1 "$HOST" "$1" >"$out"
	[ ! -s "$out" ] || { echo "nc: a reply from port $1"; od -c "$out"; return 1; }
}

# socat: -t 5 waits for the server's EOF after stdin's; readbytes ends the
# chargen read.  Over UDP the other side never ends, so stdin stays open
# until the reply is in (then -t 0 ends socat at once).
socat_tcp() { timeout 10 "${SOCAT[@]}" -t 5 - "TCP$FAM:$ADDR:$1"; }
socat_recv() { timeout 10 "${SOCAT[@]}" -t 5 - "TCP$FAM:$ADDR:$1" </dev/null; }
socat_head() {
	timeout 10 "${SOCAT[@]}" -u "TCP$FAM:$ADDR:$1,readbytes=$2" -
}
socat_udp() {
	local out=$BATS_TEST_TMPDIR/socat.$1 in=$BATS_TEST_TMPDIR/socat.in.$1
	cat >"$in"
	: >"$out"
	{
		cat "$in"
		wait_until 5 test -s "$out"
	} | timeout 10 "${SOCAT[@]}" -t 0 - "UDP$FAM:$ADDR:$1" >"$out" || return 1
	cat "$out"
}
socat_none() {
	local out=$BATS_TEST_TMPDIR/none.$1
	{ cat; sleep 0.5; } | timeout 10 "${SOCAT[@]}" -t 0 - "UDP$FAM:$ADDR:$1" >"$out"
	[ ! -s "$out" ] || { echo "socat: a reply from port $1"; od -c "$out"; return 1; }
}

# busybox nc (Debian's build has no -u): it shuts the sending side at EOF
# of stdin and reads to the server's EOF.
busybox_tcp() { timeout 10 "${BUSYBOX[@]}" nc "$HOST" "$1"; }
busybox_recv() { timeout 10 "${BUSYBOX[@]}" nc "$HOST" "$1" </dev/null; }
busybox_head() {
	{ timeout 10 "${BUSYBOX[@]}" nc "$HOST" "$1" </dev/null || true; } |
	    head -c "$2"
}

# python: tcpclient.py and udpclient.py.
python_tcp() { timeout 10 "$PYTHON" -S "$TCPCLIENT" "$HOST" "$1"; }
python_recv() { timeout 10 "$PYTHON" -S "$TCPCLIENT" -n "$HOST" "$1"; }
python_head() { timeout 10 "$PYTHON" -S "$TCPCLIENT" -c "$2" "$HOST" "$1"; }
python_udp() { timeout 10 "$PYTHON" -S "$UDPCLIENT" "$HOST" "$1"; }
python_none() {
	local st=0
	timeout 10 "$PYTHON" -S "$UDPCLIENT" -w 1 "$HOST" "$1" >/dev/null 2>&1 || st=$?
	[ "$st" -eq 3 ] || { echo "python: exit $st from port $1, not 3 (no reply)"; return 1; }
}
