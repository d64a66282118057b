#!/usr/bin/env bats
# superd: NetBSD's key-values notation and superd's own keys, each parsed
# (seen through -t), and each error form with its FILE:LINE message; a bad
# entry at start-up and on SIGHUP.

load helpers/superd

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	superd_teardown 50
}

# kv ENTRY-BODY: one entry on 127.0.0.1:0 with the keys every test needs.
kv() {
	echo "127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=$ECHO, $*;"
}

@test "NetBSD's keys give the same service as the positional line" {
	cat >c.conf <<EOF
127.0.0.1:0 stream tcp4 nowait.40 $ME $ECHO echo -n
127.0.0.1:0 on socktype=stream, protocol=tcp4, wait=no, service_max=40,
    user=$ME, exec=$ECHO, args=echo -n;
0 on bind=127.0.0.1, protocol=tcp4, wait=no, user=$ME, exec=$ECHO, args=echo -n, service_max=40;
EOF
	run -0 "$SUPERD" -t c.conf
	[ "${lines[0]}" = "c.conf:1: 0 127.0.0.1 0 stream tcp4 nowait.40 $ME $ECHO echo -n" ]
	[ "${lines[1]}" = "c.conf:2: 0 127.0.0.1 0 stream tcp4 nowait.40 $ME $ECHO echo -n" ]
	[ "${lines[2]}" = "c.conf:4: 0 127.0.0.1 0 stream tcp4 nowait.40 $ME $ECHO echo -n" ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "socktype follows protocol, exec defaults to internal, args to the program's name" {
	cat >c.conf <<EOF
127.0.0.1:0 on protocol=udp4, wait=yes, user=$ME, exec=$ECHO;
127.0.0.1:echo on protocol=tcp4, user=$ME;
127.0.0.1:0 on protocol=udp4, user=$ME, exec=internal, args=daytime -u;
EOF
	run -0 "$SUPERD" -t c.conf
	[ "${lines[0]}" = "c.conf:1: 0 127.0.0.1 0 dgram udp4 wait $ME $ECHO echo" ]
	[ "${lines[1]}" = "c.conf:2: echo 127.0.0.1 7 stream tcp4 nowait $ME internal echo" ]
	[ "${lines[2]}" = "c.conf:3: 0 127.0.0.1 0 dgram udp4 nowait $ME internal daytime -u" ]
}

@test "ip_max, max_child, max_child_per_ip and time_limit are the WAIT field's limits" {
	{
		kv "ip_max=5, max_child=3, max_child_per_ip=2, time_limit=30"
		kv "accept_max=7"
		kv "ip_max=0"
	} >c.conf
	run -0 "$SUPERD" -t c.conf
	[ "${lines[0]}" = "c.conf:1: 0 127.0.0.1 0 stream tcp4 nowait/3/5/2@30 $ME $ECHO echo" ]
	[ "${lines[1]}" = "c.conf:2: 0 127.0.0.1 0 stream tcp4 nowait/7/0/0 $ME $ECHO echo" ]
	[ "${lines[2]}" = "c.conf:3: 0 127.0.0.1 0 stream tcp4 nowait $ME $ECHO echo" ]
}

@test "quoted values, several values, escapes and comments inside an entry" {
	cat >c.conf <<EOF
127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, # a comment
	exec=$ECHO,   # another
	args=echo -n 'a b' "c\"d" 'tab\there' x'y z'w "\x41\\\\" "semi;colon, comma#hash";
EOF
	run -0 "$SUPERD" -t c.conf
	[ "$output" = "c.conf:1: 0 127.0.0.1 0 stream tcp4 nowait $ME $ECHO echo -n 'a b' 'c\"d' 'tab\there' 'xy zw' 'A\\\\' 'semi;colon, comma#hash'" ]
}

@test "two entries on one line, and a positional line after a ';'" {
	cat >c.conf <<EOF
127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=$ECHO; 127.0.0.1:0 on protocol=udp4, wait=no, user=$ME, exec=$ECHO;
127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=$ECHO; 127.0.0.1:0 stream tcp4 nowait $ME $ECHO last
EOF
	run -0 "$SUPERD" -t c.conf
	[ "${lines[0]}" = "c.conf:1: 0 127.0.0.1 0 stream tcp4 nowait $ME $ECHO echo" ]
	[ "${lines[1]}" = "c.conf:1: 0 127.0.0.1 0 dgram udp4 nowait $ME $ECHO echo" ]
	[ "${lines[2]}" = "c.conf:2: 0 127.0.0.1 0 stream tcp4 nowait $ME $ECHO echo" ]
	[ "${lines[3]}" = "c.conf:2: 0 127.0.0.1 0 stream tcp4 nowait $ME $ECHO last" ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "every superd key is parsed and shown by -t" {
	echo 'Welcome' >banner.txt
	export SUPERD_TEST_PASS='passed on'
	{
		kv "sndbuf=64k, recvbuf=1m"
		kv "env=A=1 'B=x y', passenv=SUPERD_TEST_PASS SUPERD_TEST_UNSET"
		kv "rlimit_cpu=10, rlimit_as=1g, rlimit_data=512m, rlimit_nofile=1k, rlimit_nproc=unlimited, rlimit_fsize=1m, rlimit_core=0, rlimit_stack=8m"
		kv "nice=-5, umask=027, stderr=log"
		kv "stderr=null, banner=banner.txt, refuse_message=\"busy, try later\r\n\""
		kv "failure_pause=off, privileged_clients=yes"
		kv "access_allow=127.0.0.1 [::1]/128, access_deny=ALL EXCEPT 10.0.0.0/8"
		kv "stderr=socket, failure_pause=on, privileged_clients=no, refuse_message=two words"
	} >c.conf
	run -0 "$SUPERD" -t c.conf
	local p="0 127.0.0.1 0 stream tcp4 nowait $ME $ECHO echo"
	[ "${lines[0]}" = "c.conf:1: $p sndbuf=65536 recvbuf=1048576" ]
	[ "${lines[1]}" = "c.conf:2: $p env=A=1 env='B=x y' env='SUPERD_TEST_PASS=passed on'" ]
	[ "${lines[2]}" = "c.conf:3: $p rlimit_cpu=10 rlimit_as=1073741824 rlimit_data=536870912 rlimit_nofile=1024 rlimit_nproc=unlimited rlimit_fsize=1048576 rlimit_core=0 rlimit_stack=8388608" ]
	[ "${lines[3]}" = "c.conf:4: $p nice=-5 umask=027 stderr=log" ]
	[ "${lines[4]}" = "c.conf:5: $p stderr=null banner=$BATS_TEST_TMPDIR/banner.txt refuse_message='busy, try later'" ]
	[ "${lines[5]}" = "c.conf:6: $p failure_pause=off privileged_clients=yes" ]
	[ "${lines[6]}" = "c.conf:7: $p access_allow='127.0.0.1 [::1]/128' access_deny='ALL EXCEPT 10.0.0.0/8'" ]
	[ "${lines[7]}" = "c.conf:8: $p refuse_message='two words'" ]
	[ "${#lines[@]}" -eq 8 ]
}

@test "as root, chroot takes a folder; as a user it is an error naming the key" {
	mkdir jail
	kv "chroot=$BATS_TEST_TMPDIR/jail" >c.conf
	if [ "$(id -u)" -eq 0 ]; then
		run -0 "$SUPERD" -t c.conf
		[ "$output" = "c.conf:1: 0 127.0.0.1 0 stream tcp4 nowait $ME $ECHO echo chroot=$BATS_TEST_TMPDIR/jail" ]
		kv "chroot=$BATS_TEST_TMPDIR/nojail" >c.conf
		run -1 "$SUPERD" -t c.conf
		[ "$output" = "superd: c.conf:1: key 'chroot': '$BATS_TEST_TMPDIR/nojail': No such file or directory" ]
	else
		run -1 "$SUPERD" -t c.conf
		[ "$output" = "superd: c.conf:1: key 'chroot': only root can chroot" ]
	fi
}

@test "a UNIX socket's owner, group and mode, by name or number" {
	cat >c.conf <<EOF
$BATS_TEST_TMPDIR/s.sock on socktype=stream, protocol=unix, wait=no, user=$ME, exec=$ECHO, socket_owner=$(id -u), socket_group=$(id -gn), socket_mode=0600;
$BATS_TEST_TMPDIR/t.sock on socktype=dgram, protocol=unix, wait=yes, user=$ME, exec=$ECHO, socket_owner=$ME;
$BATS_TEST_TMPDIR/u.sock stream unix nowait $ME $ECHO echo
EOF
	run -0 "$SUPERD" -t c.conf
	[ "${lines[0]}" = "c.conf:1: $BATS_TEST_TMPDIR/s.sock $BATS_TEST_TMPDIR/s.sock - stream unix nowait $ME $ECHO echo socket_owner=$(id -u) socket_group=$(id -g) socket_mode=0600" ]
	if [ "$(id -u)" -eq 0 ]; then
		[ "${lines[1]}" = "c.conf:2: $BATS_TEST_TMPDIR/t.sock $BATS_TEST_TMPDIR/t.sock - dgram unix wait $ME $ECHO echo" ]
	else
		[ "${lines[1]}" = "c.conf:2: $BATS_TEST_TMPDIR/t.sock $BATS_TEST_TMPDIR/t.sock - dgram unix wait $ME $ECHO echo socket_owner=$(id -u) socket_group=0 socket_mode=0666" ]
	fi
	[ "${lines[2]}" = "c.conf:3: $BATS_TEST_TMPDIR/u.sock $BATS_TEST_TMPDIR/u.sock - stream unix nowait $ME $ECHO echo" ]
}

@test "each bad key, value or entry is a FILE:LINE error naming the key, and -t exits 1" {
	local long
	long=$(printf '/tmp/%0120d' 0)
	{
		kv "nosuchkey=1"				# 1
		kv "user=$ME"					# 2
		kv "nice=20"					# 3
		kv "nice=-21"					# 4
		kv "nice=low"					# 5
		kv "umask=0800"					# 6
		kv "umask=01000"				# 7
		kv "socket_mode=0600"				# 8
		kv "rlimit_nofile=lots"				# 9
		kv "stderr=tty"					# 10
		kv "failure_pause=yes"				# 11
		kv "privileged_clients=on"			# 12
		kv "banner=nonexistent.txt"			# 13
		kv "banner=."					# 14
		kv "refuse_message=\"a\nb\""			# 15
		kv "proxy=v3"					# 16
		kv "proxy_timeout=3"				# 17
		kv "time_limit=0"				# 18
		kv "ip_max=-1"					# 19
		kv "env=NOEQUALS"				# 20
		kv "passenv=BAD-NAME"				# 21
		kv "access_allow=fe80::1"			# 22
		kv "access_deny=10.0.0.0/33"			# 23
		kv "sndbuf=big"					# 24
		kv "nice=1 2"					# 25
		kv "nice="					# 26
		kv "args='open"					# 27
		echo "0 on protocol=tcp4, wait=no, exec=$ECHO;"	# 28
		echo "0 on user=$ME, exec=$ECHO;"		# 29
		echo "0 on protocol=tcp4, user=$ME, exec=$ECHO;"	# 30
		echo "0 on protocol=unix, wait=no, user=$ME, exec=$ECHO;"	# 31
		echo "$long on socktype=stream, protocol=unix, wait=no, user=$ME, exec=$ECHO;"	# 32
		kv "ipsec=x"					# 33
		echo "0 on protocol=tcp4 wait=no;"		# 34
		echo "0 on protocol=tcp4, wait=maybe, user=$ME, exec=$ECHO;"	# 35
		echo "0 on protocol=tcp4, wait=yes, user=$ME, exec=$ECHO, ip_max=3;"	# 36
		echo "0 on protocol=tcp4, wait=no, user=$ME, exec=$ECHO, , nice=1;"	# 37
		echo "0 on protocol=tcp4, wait=no, user=$ME, exec=$ECHO, nice 1;"	# 38
		kv "rlimit_cpu=1t"				# 39
		echo "0 on protocol=tcp4, wait=no, user=$ME,"	# 40
		echo "	exec=$ECHO"				# 41
	} >c.conf
	run -1 "$SUPERD" -t c.conf
	echo "$output"
	local e=(
	    "1: unknown key 'nosuchkey'"
	    "2: key 'user' given twice"
	    "3: key 'nice': '20' out of range (-20 to 19)"
	    "4: key 'nice': '-21' out of range (-20 to 19)"
	    "5: key 'nice': 'low' is not a number"
	    "6: key 'umask': '0800' is not an octal number"
	    "7: key 'umask': '01000' out of range (0 to 0777)"
	    "8: key 'socket_mode': only for a UNIX socket (protocol=unix)"
	    "9: key 'rlimit_nofile': 'lots' is neither a size (N, Nk, Nm, Ng) nor unlimited"
	    "10: key 'stderr': 'tty' is not socket, log or null"
	    "11: key 'failure_pause': 'yes' is neither on nor off"
	    "12: key 'privileged_clients': 'on' is neither yes nor no"
	    "13: key 'banner': '$BATS_TEST_TMPDIR/nonexistent.txt': No such file or directory"
	    "14: key 'banner': '$BATS_TEST_TMPDIR/.': not a regular file"
	    "15: key 'refuse_message': one line: no CR or LF inside"
	    "16: key 'proxy': 'v3' is not v1, v2 or any"
	    "17: key 'proxy_timeout': needs proxy"
	    "18: key 'time_limit': '0' out of range (1 to 2147483647)"
	    "19: key 'ip_max': '-1' out of range (0 to 2147483647)"
	    "20: key 'env': 'NOEQUALS' is not NAME=VALUE"
	    "21: key 'passenv': 'BAD-NAME' is not a name"
	    "22: a client list holds no ':' (an IPv6 address is written [addr])"
	    "24: key 'sndbuf': 'big' is not a size (N, Nk, Nm, Ng)"
	    "25: key 'nice': one value, not 2"
	    "26: key 'nice': no value"
	    "27: key 'args': unterminated quote"
	    "28: missing key 'user'"
	    "29: missing key 'protocol'"
	    "30: missing key 'wait'"
	    "31: missing key 'socktype' (protocol 'unix')"
	    "32: UNIX socket '${long:0:40}...': path longer than 107 bytes"
	    "33: key 'ipsec': not supported (NetBSD's, not on Linux)"
	    "34: key 'protocol': one value, not 2"
	    "35: key 'wait': 'maybe' is neither yes nor no"
	    "36: key 'ip_max': a per-source limit needs wait=no"
	    "37: expected a key, found ','"
	    "38: key 'nice': expected '='"
	    "39: key 'rlimit_cpu': '1t' is neither a size (N, Nk, Nm, Ng) nor unlimited"
	    "40: entry '0' has no ';' before the end of the file"
	)
	local m
	for m in "${e[@]}"; do
		grep -qxF "superd: c.conf:$m" <<<"$output" ||
		    { echo "missing: $m" >&2; return 1; }
	done
	grep -q "^superd: c.conf:23: " <<<"$output"
	# nothing of the file is served
	[ "$(grep -vc '^superd: ' <<<"$output")" -eq 0 ]
}

@test "an off entry is checked but not served" {
	cat >c.conf <<EOF
127.0.0.1:0 off protocol=tcp4, wait=no, user=$ME, exec=$ECHO;
127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=$ECHO;
127.0.0.1:0 off protocol=tcp4, wait=no, user=nosuchuser, exec=$ECHO;
EOF
	run -1 "$SUPERD" -t c.conf
	[ "${lines[0]}" = "superd: c.conf:3: unknown user 'nosuchuser'" ]
	[ "${lines[1]}" = "c.conf:2: 0 127.0.0.1 0 stream tcp4 nowait $ME $ECHO echo" ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "at start-up a bad entry is skipped and the others serve" {
	superd_start <<EOF
127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=$ECHO;
127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=$ECHO, nice=99;
127.0.0.1:0 on protocol=tcp4, wait=no,
    user=$ME, exec=$DAYTIME;
EOF
	grep -qx "superd: $SUPERD_CONF:2: key 'nice': '99' out of range (-20 to 19)" "$SUPERD_LOG"
	run -0 "$NETC" 127.0.0.1 "$(superd_port 1)" <<<"kv served"
	[ "$output" = "kv served" ]
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 3)"
	[[ "$output" =~ $DAYTIME_RE ]]
}

@test "on SIGHUP a bad entry changes nothing" {
	superd_start <<EOF
127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=$ECHO;
EOF
	port=$(superd_port 1)
	cat >"$SUPERD_CONF" <<EOF
127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=$ECHO, umask=8;
127.0.0.1:0 on protocol=tcp4, wait=no, user=$ME, exec=$DAYTIME;
EOF
	superd_reload
	grep -qx "superd: $SUPERD_CONF:1: key 'umask': '8' is not an octal number" "$SUPERD_LOG"
	grep -q "superd.conf: errors; configuration unchanged" "$SUPERD_LOG"
	[ "$(grep -c 'listening on' "$SUPERD_LOG")" -eq 1 ]
	run -0 "$NETC" 127.0.0.1 "$port" <<<"unchanged"
	[ "$output" = "unchanged" ]
}

# ms: milliseconds since the epoch.
ms() {
	echo $(($(date +%s%N) / 1000000))
}

@test "a SIGHUP of a 1,000-entry key-values file takes under a second" {
	local user=$ME n r t0 t1
	[ "$(id -u)" -ne 0 ] || user=nobody
	id "$user" >/dev/null 2>&1 || skip "no user $user"
	for ((n = 0; n < 1000; n++)); do
		printf '127.0.%d.%d:0 on protocol=tcp4, wait=no,\n    user=%s, exec=%s, args=echo,\n    env=N=%d, nice=1, umask=022;\n' \
		    $((n / 200)) $((n % 200 + 1)) "$user" "$ECHO" "$n"
	done >big.conf
	superd_start_file "$BATS_TEST_TMPDIR/big.conf"
	[ "$(grep -c 'listening on' "$SUPERD_LOG")" -eq 1000 ]
	for r in 1 2 3; do
		t0=$(ms)
		superd_reload
		t1=$(ms)
		echo "reload $r: $((t1 - t0)) ms"
		[ $((t1 - t0)) -lt 1000 ]
	done
	[ "$(grep -c 'reloaded: 1000 services, 0 new, 0 removed' "$SUPERD_LOG")" -eq 3 ]
	run -0 "$NETC" 127.0.4.200 "$(superd_port 2998)" <<<"last"
	[ "$output" = "last" ]
}
