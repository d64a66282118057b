#!/usr/bin/env bats
# xinetd.conf(5) files read as they are (superd.conf(5), "xinetd's
# format"): the files Debian's xinetd package ships, files in the styles
# found in the wild (tests/data/xinetd), the same folder under xinetd and
# superd, and every bad-input form.

load helpers/superd
load helpers/peers

XDATA=$ROOT/tests/data/xinetd
XSHIP=$PEERS_DIR/xinetd/etc/xinetd.d

setup() {
	T=$BATS_TEST_TMPDIR
	cd "$T"
	mkdir -p xd
	# probe: what the handler's process has and was given.
	script probe 'echo "args: $*"
env | sort
cat /proc/self/limits
echo "nice: $(cut -d" " -f19 /proc/$$/stat)"
echo "umask: $(umask)"'
	script hold 'echo hi; exec sleep 3'
}

teardown() {
	superd_teardown
}

# xport FILE LINE: the port superd bound for the service at FILE:LINE.
xport() {
	sed -n "s|^superd: $1:$2: .* listening on .* port \([0-9]*\)\$|\1|p" \
	    "$SUPERD_LOG" | tail -n 1
}

# wild NAME [SERVER]: tests/data/xinetd/NAME into xd/, run here: port 0 on
# loopback, the current user, SERVER (probe by default) as the program.
wild() {
	sed -e "s|^\([[:space:]]*user[[:space:]]*=[[:space:]]*\).*|\1$ME|" \
	    -e "s|^\([[:space:]]*server[[:space:]]*=[[:space:]]*\).*|\1$T/${2:-probe}|" \
	    -e "s|^\([[:space:]]*port[[:space:]]*=[[:space:]]*\).*|\10|" \
	    -e "s|^\([[:space:]]*bind[[:space:]]*=[[:space:]]*\)0.0.0.0|\1127.0.0.1|" \
	    -e "s|/etc/tool.banner|$T/banner.txt|; s|/etc/tool.refused|$T/refused.txt|" \
	    "$XDATA/$1" >"xd/$1"
}

# shipped NAME: Debian's /etc/xinetd.d/NAME into xd/, enabled, on loopback
# port 0 (UNLISTED: port 0 is not the one /etc/services gives).
shipped() {
	[ -e "$XSHIP/$1" ] || skip_or_fail "xinetd not fetched (tests/helpers/deps peers)"
	sed -e 's/^\([[:space:]]*disable[[:space:]]*=[[:space:]]*\)yes/\1no/' \
	    -e '/^[[:space:]]*port[[:space:]]*=/d' \
	    -e 's/^\([[:space:]]*type[[:space:]]*=[[:space:]]*INTERNAL\)[[:space:]]*$/\1 UNLISTED/' \
	    -e 's/^{[[:space:]]*$/{\n\tbind = 127.0.0.1\n\tport = 0/' \
	    "$XSHIP/$1" >"xd/$1"
}

# check_builtin NAME PROTO PORT: the builtin NAME answers on PORT.
check_builtin() {
	local u= out
	[ "$2" = udp ] && u=-u
	case $1 in
	echo)
		printf 'through superd\n' | "$NETC" $u -w 3 127.0.0.1 "$3" >out
		[ "$(cat out)" = 'through superd' ] ;;
	discard)
		if [ -n "$u" ]; then
			run -3 "$NETC" -u -w 1 127.0.0.1 "$3" <<<"gone"
		else
			printf 'gone\n' | "$NETC" -w 3 127.0.0.1 "$3" >out
			[ "$(wc -c <out)" -eq 0 ]
		fi ;;
	chargen)
		if [ -n "$u" ]; then
			# a datagram of 0 to 512 bytes of the pattern (RFC 864)
			"$NETC" -u -w 3 127.0.0.1 "$3" <<<"x" >out
			cmp -n "$(wc -c <out)" out <(chargen_pattern 8)
		else
			"$NETC" -w 3 -c 74 127.0.0.1 "$3" </dev/null >out
			chargen_pattern 1 | cmp - out
		fi ;;
	daytime)
		if [ -n "$u" ]; then
			out=$("$NETC" -u -w 3 127.0.0.1 "$3" <<<"x")
		else
			out=$("$NETC" -w 3 127.0.0.1 "$3" </dev/null)
		fi
		[[ "$out" =~ $DAYTIME_RE ]] ;;
	time)
		# check_time (peers.bash) asks P_TIME itself, over UDP with 1
		P_TIME=$3 check_time out "$([ -n "$u" ] && echo 1 || echo 0)" ;;
	esac
}

# --- (a) the files Debian's xinetd package ships -----------------------------

@test "Debian's /etc/xinetd.d as shipped (every service disabled): read without an error, nothing served" {
	[ -d "$XSHIP" ] || skip_or_fail "xinetd not fetched (tests/helpers/deps peers)"
	run -0 --separate-stderr "$SUPERD" -t "$XSHIP"
	[ -z "$output" ]
	[ -z "$stderr" ]
	# xinetd.conf names /etc/xinetd.d, absent here: FILE:LINE, refused.
	run -1 --separate-stderr "$SUPERD" -t "$PEERS_DIR/xinetd/etc/xinetd.conf"
	[ "$stderr" = "superd: $PEERS_DIR/xinetd/etc/xinetd.conf:14: includedir '/etc/xinetd.d': No such file or directory" ]
}

@test "Debian's internal services, each file enabled in turn: superd -t shows them, and they serve" {
	local f name lines n port proto
	[ -d "$XSHIP" ] || skip_or_fail "xinetd not fetched (tests/helpers/deps peers)"
	for f in chargen chargen-udp daytime daytime-udp discard discard-udp \
	    echo echo-udp time time-udp; do
		rm -f xd/*
		shipped "$f"
		name=${f%-udp}
		run -0 --separate-stderr "$SUPERD" -t xd
		# the files with both versions show two services, stream then dgram
		case $f in
		*-udp) [ "$output" = "xd/$f:$(grep -n '^service' "xd/$f" | cut -d: -f1): $name 127.0.0.1 0 dgram udp4 nowait root internal $name" ] ;;
		*) n=$(grep -c '^service' "xd/$f")
		   [ "$n" -eq 2 ]
		   [ "$(printf '%s\n' "$output" | sed 's/^xd[^ ]* //')" = "$name 127.0.0.1 0 stream tcp4 nowait root internal $name
$name 127.0.0.1 0 dgram udp4 nowait root internal $name" ] ;;
		esac
		superd_start_file xd
		lines=$(grep -n '^service' "xd/$f" | cut -d: -f1)
		for n in $lines; do
			port=$(xport "xd/$f" "$n")
			proto=$(sed -n "s|^superd: xd/$f:$n: $name/\([tu][cd]p\)4: listening.*|\1|p" "$SUPERD_LOG")
			[ -n "$port" ] && [ -n "$proto" ]
			check_builtin "$name" "$proto" "$port" ||
			    { echo "$f:$n ($proto) did not serve" >&2; false; }
		done
		superd_stop
	done
}

@test "Debian's servers and services (xinetd's own listings) enabled: refused with FILE:LINE, the rest still read" {
	[ -d "$XSHIP" ] || skip_or_fail "xinetd not fetched (tests/helpers/deps peers)"
	shipped servers
	shipped services
	shipped echo-udp
	run -1 --separate-stderr "$SUPERD" -t xd
	[ "$output" = "xd/echo-udp:4: echo 127.0.0.1 0 dgram udp4 nowait root internal echo" ]
	# (the lines of the copies, which have two more after '{'; not as
	# root, superd also says once that it runs them as the current user)
	[ "$(grep -v 'not running as root' <<<"$stderr")" = "superd: xd/servers:8: no internal service 'servers'
superd: xd/services:8: no internal service 'services'" ]
}

@test "Debian's echo and echo-udp both enabled: the id echo-dgram twice is one FILE:LINE error" {
	[ -d "$XSHIP" ] || skip_or_fail "xinetd not fetched (tests/helpers/deps peers)"
	shipped echo
	shipped echo-udp
	run -1 --separate-stderr "$SUPERD" -t xd
	[ "$(wc -l <<<"$output")" -eq 2 ]
	[ "$(grep -v 'not running as root' <<<"$stderr")" = "superd: xd/echo-udp:9: service 'echo': the id 'echo-dgram' is at xd/echo:25 already" ]
}

# --- (b) files in the styles found in the wild --------------------------------

@test "CTF style: UNLISTED on a port, server_args, rlimit_cpu, rlimit_as, nice, instances, per_source" {
	wild ctf-chall
	run -0 "$SUPERD" -t xd
	[ "$output" = "xd/ctf-chall:3: chall 127.0.0.1 0 stream tcp4 nowait/10/0/2 $ME $T/probe probe --level 3 --flag /home/ctf/flag rlimit_cpu=20 rlimit_as=536870912 nice=2" ]
	superd_start_file xd
	run -0 "$NETC" -n -w 5 127.0.0.1 "$(xport xd/ctf-chall 3)"
	grep -qx 'args: --level 3 --flag /home/ctf/flag' <<<"$output"
	grep -Eq '^Max cpu time +20 +20 +seconds' <<<"$output"
	grep -Eq '^Max address space +536870912 +536870912 +bytes' <<<"$output"
	grep -qx 'nice: 2' <<<"$output"
	grep -qx 'SUPERD_SERVICE=chall' <<<"$output"
	grep -qx 'TCPREMOTEIP=127.0.0.1' <<<"$output"
}

@test "per_source: the third connection from one address is closed at once, another address is served" {
	wild ctf-chall hold
	superd_start_file xd
	local p
	p=$(xport xd/ctf-chall 3)
	"$NETC" -n -w 5 127.0.0.1 "$p" >h1 &
	"$NETC" -n -w 5 127.0.0.1 "$p" >h2 &
	wait_until 5 eval '[ "$(cat h1 h2)" = "hi
hi" ]'
	run --separate-stderr "$NETC" -n -w 2 127.0.0.1 "$p"
	[ -z "$output" ]
	run -0 "$NETC" -n -w 6 -s 127.0.0.2 127.0.0.1 "$p"
	[ "$output" = hi ]
	grep -q 'refused: 127.0.0.1 port [0-9]* by the per-source limit' "$SUPERD_LOG" ||
	    grep -q 'refused.*127.0.0.1.*per-source' "$SUPERD_LOG"
}

@test "RHEL style: rsync with flags IPv6 (one socket for both families) and log_on_failure += USERID (warned)" {
	local any=::
	have_ipv6 || any=0.0.0.0
	wild rsync
	run -0 --separate-stderr "$SUPERD" -t xd
	[ "$output" = "xd/rsync:4: rsync $any 873 stream tcp nowait $ME $T/probe probe --daemon" ]
	[ "$stderr" = "superd: xd/rsync:13: log_on_failure USERID: superd does not log it" ]
}

@test "RHEL style: tftp (dgram wait, flags IPv4, cps 100 2, per_source 11)" {
	wild tftp
	run -0 --separate-stderr "$SUPERD" -t xd
	[ "$output" = "xd/tftp:6: tftp 0.0.0.0 69 dgram udp4 wait/0/0/11 $ME $T/probe probe -s /var/lib/tftpboot cps=100/2" ]
}

@test "only_from and no_access: CIDR, trailing zeros, factorized, IPv6; a host name is skipped with a warning" {
	wild access
	run -0 --separate-stderr "$SUPERD" -t xd
	[ "$output" = "xd/access:12: front 127.0.0.1 0 stream tcp4 nowait/60/0/0 $ME $T/probe probe access_allow='127.0.0.1 10.0.0.0/8 192.168.0.0/16 172.16.1.0/24 172.16.2.0/24 [::1] EXCEPT 10.1.2.3' access_deny=ALL" ] ||
	    { echo "$output" >&2; false; }
	[[ "$stderr" == *"superd: xd/access:21: only_from 'localhost': superd matches addresses only, not names; skipped"* ]]
	[[ "$stderr" == *"superd: xd/access:7: attribute 'log_type': not supported by superd; ignored"* ]] ||
	    [[ "$stderr" == *"log_type"* ]]
	superd_start_file xd
	run -0 "$NETC" -n -w 5 127.0.0.1 "$(xport xd/access 12)"
	grep -qx 'SUPERD_SERVICE=front' <<<"$output"
	# 127.0.0.2 is in no list of only_from: closed without a byte.
	run "$NETC" -n -w 2 -s 127.0.0.2 127.0.0.1 "$(xport xd/access 12)"
	[ -z "$output" ]
	grep -q 'refused: 127.0.0.2 port [0-9]* by the access rules' "$SUPERD_LOG"
}

@test "no_access naming a host: the service is not served (superd would let that host in)" {
	printf 'service n\n{\n\ttype = UNLISTED\n\tport = 0\n\tsocket_type = stream\n\twait = no\n\tuser = %s\n\tserver = %s\n\tno_access = 10.0.0.1 evil.example.com\n}\n' \
	    "$ME" "$T/probe" >xd/n
	run -1 --separate-stderr "$SUPERD" -t xd
	[ -z "$output" ]
	[ "$stderr" = "superd: xd/n:9: no_access 'evil.example.com': superd matches addresses only, not names; service not served" ]
}

@test "env, passenv, umask, banner, banner_fail: what the handler has and what the client gets" {
	printf 'Welcome\r\n' >banner.txt
	printf '421 not for you\r\n' >refused.txt
	wild envbanner
	SUPERD_PASSME=hello SUPERD_SECRET=hidden superd_start_file xd
	run -0 "$NETC" -n -w 5 127.0.0.1 "$(xport xd/envbanner 2)"
	[ "${lines[0]}" = $'Welcome\r' ]
	grep -qx 'LANG=C' <<<"$output"
	grep -qx 'TOOL_MODE=prod' <<<"$output"
	grep -qx 'TOOL_LEVEL=3' <<<"$output"
	grep -qx 'SUPERD_PASSME=hello' <<<"$output"
	grep -qx 'umask: 0027' <<<"$output"
	! grep -q 'SUPERD_SECRET\|SUPERD_UNSET' <<<"$output"
	# banner_fail is the line a refused client gets.
	run "$NETC" -n -w 2 -s 127.0.0.2 127.0.0.1 "$(xport xd/envbanner 2)"
	[ "$output" = $'421 not for you\r' ]
}

@test "instances: past the limit the next client waits in the backlog, then is served" {
	wild ctf-chall hold
	sed -i 's/instances   = 10/instances   = 1/; /per_source/d' xd/ctf-chall
	superd_start_file xd
	local p
	p=$(xport xd/ctf-chall 3)
	"$NETC" -n -w 6 127.0.0.1 "$p" >h1 &
	wait_until 5 eval '[ "$(cat h1)" = hi ]'
	run -3 --separate-stderr "$NETC" -n -w 1 127.0.0.1 "$p"
	[ -z "$output" ]
	# once the first handler is gone (3 s), the queued one runs (its
	# client gone), then the next client is served
	run -0 "$NETC" -n -w 12 127.0.0.1 "$p"
	[ "$output" = hi ]
}

@test "cps 2 3: two connections in a second, then the service pauses 3 s (not closed), then serves" {
	printf 'service c\n{\n\ttype = UNLISTED\n\tport = 0\n\tbind = 127.0.0.1\n\tsocket_type = stream\n\twait = no\n\tuser = %s\n\tserver = /bin/echo\n\tserver_args = ok\n\tcps = 2 3\n}\n' \
	    "$ME" >xd/c
	run -0 "$SUPERD" -t xd
	[[ "$output" == *" cps=2/3" ]]
	superd_start_file xd
	local p start end
	p=$(xport xd/c 1)
	run -0 "$NETC" -n -w 2 127.0.0.1 "$p"
	[ "$output" = ok ]
	run -0 "$NETC" -n -w 2 127.0.0.1 "$p"
	[ "$output" = ok ]
	# the third is queued, not refused: it is served when the pause ends
	start=$(date +%s%N)
	run -0 "$NETC" -n -w 8 127.0.0.1 "$p"
	end=$(date +%s%N)
	[ "$output" = ok ]
	[ $(( (end - start) / 1000000 )) -ge 1500 ]
	grep -q '2 spawns in a second (cps); paused for 3 s' "$SUPERD_LOG"
}

@test "defaults apply to later services; += adds to them, = replaces them; disabled in defaults" {
	cat >xd/all <<-EOF
	defaults
	{
		instances	= 5
		only_from	= 127.0.0.1
		only_from	= 10.0.0.0/8
		disabled	= off1
	}
	service one
	{
		type = UNLISTED
		port = 0
		socket_type = stream
		wait = no
		user = $ME
		server = /bin/echo
	}
	service two
	{
		type = UNLISTED
		port = 0
		socket_type = stream
		wait = no
		user = $ME
		server = /bin/echo
		only_from = 192.168.1.1
		instances = UNLIMITED
	}
	service three
	{
		type = UNLISTED
		port = 0
		socket_type = stream
		wait = no
		user = $ME
		server = /bin/echo
		only_from -= 10.0.0.0/8
		only_from += 10.9.0.0 1.2.3.4
	}
	service four
	{
		id = off1
		type = UNLISTED
		port = 0
		socket_type = stream
		wait = no
		user = $ME
		server = /bin/echo
		only_from -= 10.0.0.0/8
	}
	EOF
	run -0 "$SUPERD" -t xd
	[ "$output" = "xd/all:8: one 0.0.0.0 0 stream tcp4 nowait/5/0/0 $ME /bin/echo echo access_allow='127.0.0.1 10.0.0.0/8' access_deny=ALL
xd/all:17: two 0.0.0.0 0 stream tcp4 nowait $ME /bin/echo echo access_allow=192.168.1.1 access_deny=ALL
xd/all:28: three 0.0.0.0 0 stream tcp4 nowait/5/0/0 $ME /bin/echo echo access_allow='127.0.0.1 10.9.0.0/16 1.2.3.4' access_deny=ALL" ]
}

@test "include and includedir: includedir skips names with a dot or ending in ~, in C-locale order" {
	mkdir -p conf.d
	for n in b a a.conf 'c~' .hidden; do
		printf 'service s-%s\n{\n\ttype = UNLISTED\n\tport = 0\n\tsocket_type = stream\n\twait = no\n\tuser = %s\n\tserver = /bin/echo\n}\n' \
		    "$n" "$ME" >"conf.d/$n"
	done
	printf 'service inc\n{\n\ttype = UNLISTED\n\tport = 0\n\tsocket_type = dgram\n\twait = yes\n\tuser = %s\n\tserver = /bin/cat\n}\n' \
	    "$ME" >extra.conf
	printf 'defaults\n{\n}\ninclude extra.conf\nincludedir conf.d\n' >xinetd.conf
	run -0 "$SUPERD" -t xinetd.conf
	[ "$(cut -d' ' -f2 <<<"$output" | tr '\n' ' ')" = "inc s-a s-b " ]
}

@test "NAMEINARGS: the first server_args is argv[0]; the flags superd does anyway are silent, tuning ones warned" {
	printf 'service w\n{\n\ttype = UNLISTED\n\tport = 0\n\tsocket_type = stream\n\twait = no\n\tuser = %s\n\tserver = /bin/echo\n\tserver_args = in.w -x\n\tflags = NAMEINARGS REUSE NORETRY KEEPALIVE\n}\n' \
	    "$ME" >xd/w
	run -0 --separate-stderr "$SUPERD" -t xd
	[ "$output" = "xd/w:1: w 0.0.0.0 0 stream tcp4 nowait $ME /bin/echo in.w -x" ]
	[ "$stderr" = "superd: xd/w:10: flag 'KEEPALIVE': not supported (tuning); ignored" ]
}

# --- (d) bad input -------------------------------------------------------------

# bad BODY EXPECTED: xd/bad holding BODY is refused with EXPECTED alone.
bad() {
	printf '%s\n' "$1" >xd/bad
	run -1 --separate-stderr "$SUPERD" -t xd
	[ -z "$output" ] || { echo "served: $output" >&2; return 1; }
	[ "$stderr" = "$2" ] || { echo "got: $stderr" >&2; return 1; }
}

@test "bad input: unbalanced braces, each one FILE:LINE" {
	bad $'service a\n{\n\tsocket_type = stream' "superd: xd/bad:1: a: no '}' before the end of the file"
	bad $'defaults\n{\n}\n}' "superd: xd/bad:4: '}' without a block to close"
	bad $'service a\n{\n\tsocket_type = stream\nservice b\n{\n}' \
	    "superd: xd/bad:4: 'service' inside the block of line 1, which has no '}'
superd: xd/bad:5: '{' inside the block of line 1, which has no '}'"
	bad $'service a\nsocket_type = stream' "superd: xd/bad:2: expected '{' after line 1"
}

@test "bad input: an attribute outside a block, an unknown attribute, a bad operator" {
	bad $'defaults\n{\n}\nport = 7' "superd: xd/bad:4: attribute outside a 'service' or 'defaults' block: 'port = 7'"
	bad $'service a\n{\n\tsocket_type = stream\n\tprot = tcp\n}' "superd: xd/bad:4: unknown attribute 'prot'"
	bad $'service a\n{\n\tport += 7\n}' "superd: xd/bad:3: attribute 'port' takes '=' only, not '+='"
	bad $'service a\n{\n\tenv -= A=b\n}' "superd: xd/bad:3: attribute 'env' does not take '-='"
	bad $'defaults\n{\n\tserver = /bin/cat\n}' "superd: xd/bad:3: attribute 'server' does not go in 'defaults'"
}

@test "bad input: a value list with an unknown flag or type" {
	bad "service a
{
	socket_type = stream
	wait = no
	user = $ME
	server = /bin/cat
	flags = REUSE NOSUCH
}" "superd: xd/bad:7: unknown flag 'NOSUCH'"
	bad "service a
{
	type = UNLISTED BOGUS
	port = 0
	socket_type = stream
	wait = no
	user = $ME
	server = /bin/cat
}" "superd: xd/bad:3: unknown type 'BOGUS'"
}

@test "bad input: includedir of a missing folder" {
	bad 'includedir /nonexistent/xinetd.d' "superd: xd/bad:1: includedir '/nonexistent/xinetd.d': No such file or directory"
}

@test "bad input: a service without socket_type, without wait, UNLISTED without port" {
	bad "service a
{
	type = UNLISTED
	port = 0
	wait = no
	user = $ME
	server = /bin/cat
}" "superd: xd/bad:1: service 'a': no socket_type"
	bad "service a
{
	type = UNLISTED
	socket_type = stream
	wait = no
	user = $ME
	server = /bin/cat
}" "superd: xd/bad:1: service 'a': type UNLISTED needs a port"
}

@test "bad input: two services of one name without id" {
	local s="service a
{
	type = UNLISTED
	port = 0
	socket_type = stream
	wait = no
	user = $ME
	server = /bin/cat
}"
	printf '%s\n%s\n' "$s" "$s" >xd/bad
	run -1 --separate-stderr "$SUPERD" -t xd
	[ "$(wc -l <<<"$output")" -eq 1 ]
	[ "$stderr" = "superd: xd/bad:10: service 'a': a service 'a' is at xd/bad:1 already; give each an 'id'" ]
}

@test "bad input: what changes what is served is refused; what only logs or tunes is warned" {
	bad "service a
{
	type = UNLISTED
	port = 0
	socket_type = stream
	wait = no
	user = $ME
	server = /bin/cat
	redirect = 10.0.0.1 80
}" "superd: xd/bad:9: attribute 'redirect': not supported by superd; service not served"
	bad "service a
{
	type = RPC
	socket_type = stream
	wait = no
	user = $ME
	server = /bin/cat
}" "superd: xd/bad:3: type 'RPC': not supported by superd; service not served"
	bad "service a
{
	type = UNLISTED
	port = 0
	protocol = sctp
	socket_type = stream
	wait = no
	user = $ME
	server = /bin/cat
}" "superd: xd/bad:5: protocol 'sctp': superd serves tcp and udp only; service not served"
	printf 'service a\n{\n\ttype = UNLISTED\n\tport = 0\n\tsocket_type = stream\n\twait = no\n\tuser = %s\n\tserver = /bin/cat\n\taccess_times = 8:00-17:00\n\tmax_load = 2.5\n}\n' "$ME" >xd/bad
	run -0 --separate-stderr "$SUPERD" -t xd
	[ "$(wc -l <<<"$output")" -eq 1 ]
	[ "$stderr" = "superd: xd/bad:9: attribute 'access_times': not supported by superd; ignored
superd: xd/bad:10: attribute 'max_load': not supported by superd; ignored" ]
}

# --- (c) the same folder under xinetd and under superd -----------------------

# xinetd_bin: Debian's xinetd, from .cache/peers, or extracted from the
# fetched package into the test's folder; fails (printing why) otherwise.
xinetd_bin() {
	local deb
	if [ -x "$PEERS_DIR/xinetd/usr/sbin/xinetd" ]; then
		echo "$PEERS_DIR/xinetd/usr/sbin/xinetd"
		return 0
	fi
	deb=$(ls "$ROOT"/.cache/debs/xinetd_*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ] || ! dpkg -x "$deb" "$T/xpkg" 2>/dev/null; then
		echo "xinetd not fetched (tests/helpers/deps peers)"
		return 1
	fi
	echo "$T/xpkg/usr/sbin/xinetd"
}

# clients WHO: the same clients against whichever server runs, their
# answers in WHO.* files.
clients() {
	local who=$1 hp
	printf 'both ways\0\377\n' >in
	"$NETC" -w 5 127.0.0.1 "$P_ECHO" <in >"$1.echo"
	"$NETC" -u -w 5 127.0.0.1 "$P_ECHO" <in >"$1.echou"
	"$NETC" -n -w 5 127.0.0.1 "$P_ENV" >"$1.env"
	# only_from 127.0.0.1: from 127.0.0.2, refused
	"$NETC" -n -w 3 -s 127.0.0.2 127.0.0.1 "$P_ENV" >"$1.refused" 2>/dev/null &&
	    echo 0 >"$1.refusedst" || echo $? >"$1.refusedst"
	# instances = 1: one handler holds it, a second client comes
	"$NETC" -n -w 6 127.0.0.1 "$P_HOLD" >"$1.hold1" &
	hp=$!
	wait_until 5 eval '[ "$(cat "$who.hold1")" = hi ]'
	"$NETC" -n -w 1 127.0.0.1 "$P_HOLD" >"$1.hold2" 2>/dev/null &&
	    echo 0 >"$1.hold2st" || echo $? >"$1.hold2st"
	wait "$hp" || true
}

@test "differential: one xinetd.d folder under Debian's xinetd and under superd, the same clients" {
	local bin p
	bin=$(xinetd_bin) || skip_or_fail "$bin"
	[ -d "$XSHIP" ] || skip_or_fail "xinetd not fetched (tests/helpers/deps peers)"
	peer_ports
	P_ENV=$P_DAYTIME P_HOLD=$P_TIME
	script envdump 'echo "args: $*"; env | sort'
	shipped echo
	sed -i "s/port = 0/port = $P_ECHO/" xd/echo
	# the shipped user is root: as an ordinary user xinetd cannot switch
	# to it (and resets the connection), so both serve as this user
	sed -i "s/^\([[:space:]]*user[[:space:]]*=[[:space:]]*\).*/\1$ME/" xd/echo
	cat >xd/envdump <<-EOF
	service envdump
	{
		type		= UNLISTED
		port		= $P_ENV
		bind		= 127.0.0.1
		socket_type	= stream
		protocol	= tcp
		wait		= no
		user		= $ME
		server		= $T/envdump
		server_args	= one two
		env		= FOO=bar
		passenv		= PASSME
		only_from	= 127.0.0.1
	}
	EOF
	cat >xd/held <<-EOF
	service held
	{
		type		= UNLISTED
		port		= $P_HOLD
		bind		= 127.0.0.1
		socket_type	= stream
		wait		= no
		user		= $ME
		server		= $T/hold
		instances	= 1
	}
	EOF
	printf 'defaults\n{\n\tlog_type = FILE %s\n}\nincludedir %s\n' "$T/x.svclog" "$T/xd" >xinetd.conf
	# xinetd, in the foreground, its environment as superd's
	bg_start x.log env -i PATH=/usr/bin:/bin PASSME=yes SECRET=no \
	    LD_LIBRARY_PATH="$(peer_libs)" "$bin" -dontfork -f "$T/xinetd.conf" \
	    -pidfile "$T/xinetd.pid" -filelog "$T/xinetd.filelog"
	p=$BG_PID
	for port in "$P_ECHO" "$P_ENV" "$P_HOLD"; do
		wait_until 5 listening tcp "$port" || { cat x.log >&2; false; }
	done
	clients x
	bg_stop "$p"
	wait_until 5 eval '! listening tcp "$P_ENV"'
	# superd, on the same xinetd.conf
	PASSME=yes SECRET=no superd_start_file "$T/xinetd.conf"
	clients s
	# the bytes: the same
	cmp in x.echo && cmp in s.echo
	cmp in x.echou && cmp in s.echou
	# the arguments and the variables both set, the same
	[ "$(head -n 1 x.env)" = 'args: one two' ]
	[ "$(head -n 1 s.env)" = 'args: one two' ]
	grep -qx FOO=bar x.env && grep -qx FOO=bar s.env
	grep -qx PASSME=yes x.env && grep -qx PASSME=yes s.env
	! grep -q SECRET x.env s.env
	# what only one sets (superd.conf(5), "Coming from xinetd")
	cut -d= -f1 x.env | sort -u >x.names
	cut -d= -f1 s.env | sort -u >s.names
	[ "$(comm -23 x.names s.names | tr '\n' ' ')" = "REMOTE_HOST " ] ||
	    { comm -3 x.names s.names >&2; false; }
	[ "$(comm -13 x.names s.names | grep -v '^args' | tr '\n' ' ')" = "PATH PROTO REMOTE_ADDR REMOTE_PORT SUPERD_SERVICE TCPLOCALIP TCPLOCALPORT TCPREMOTEIP TCPREMOTEPORT " ] ||
	    { comm -3 x.names s.names >&2; false; }
	[ "$(grep REMOTE_HOST x.env)" = REMOTE_HOST=127.0.0.1 ]
	# the refusal by only_from: no byte from either
	[ ! -s x.refused ] && [ ! -s s.refused ]
	# instances = 1: xinetd closes the second client; superd leaves it in
	# the backlog (its wait timed out: netc's 3)
	[ "$(cat x.hold1)" = hi ] && [ "$(cat s.hold1)" = hi ]
	[ ! -s x.hold2 ] && [ "$(cat x.hold2st)" = 0 ]
	[ ! -s s.hold2 ] && [ "$(cat s.hold2st)" = 3 ]
}

@test "SIGHUP re-reads an xinetd.d folder: a file added is served, a typo changes nothing" {
	printf 'service a\n{\n\ttype = UNLISTED\n\tport = 0\n\tbind = 127.0.0.1\n\tsocket_type = stream\n\twait = no\n\tuser = %s\n\tserver = /bin/echo\n\tserver_args = a\n}\n' \
	    "$ME" >xd/a
	superd_start_file xd
	run -0 "$NETC" -n -w 3 127.0.0.1 "$(xport xd/a 1)"
	[ "$output" = a ]
	sed 's/service a/service b/; s/= a$/= b/' xd/a >xd/b
	superd_reload
	wait_for "$SUPERD_LOG" 'xd/b:1: b/tcp4: listening'
	run -0 "$NETC" -n -w 3 127.0.0.1 "$(xport xd/b 1)"
	[ "$output" = b ]
	printf 'service c\n{\n\tsocket_type = stream\n\twiat = no\n}\n' >xd/c
	superd_reload
	grep -q "xd/c:4: unknown attribute 'wiat'" "$SUPERD_LOG"
	run -0 "$NETC" -n -w 3 127.0.0.1 "$(xport xd/a 1)"
	[ "$output" = a ]
}
