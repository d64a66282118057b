#!/usr/bin/env bats
# superd on UNIX-domain sockets: stream and dgram, external and internal;
# the socket file's owner, group and mode; a stale file replaced, anything
# else kept; the UNIX* environment from SO_PEERCRED; access rules and
# per-source limits by uid; the file removed when the service goes.

load helpers/superd

setup() {
	cd "$BATS_TEST_TMPDIR"
	script show 'env | sort'
}

teardown() {
	superd_teardown
}

@test "unix stream and dgram: echo through a program and in-process" {
	cat >superd.conf <<EOF
$BATS_TEST_TMPDIR/echo.sock stream unix nowait $ME $ECHO echo
$BATS_TEST_TMPDIR/iecho.sock stream unix nowait $ME internal echo
$BATS_TEST_TMPDIR/decho.sock dgram unix nowait $ME $ECHO echo
$BATS_TEST_TMPDIR/diecho.sock dgram unix nowait $ME internal echo
EOF
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	grep -q "echo.sock/unix: listening on $BATS_TEST_TMPDIR/echo.sock\$" "$SUPERD_LOG"
	printf 'a\0b\377\ncd' >in.bin
	for s in echo iecho; do
		"$NETC" "$BATS_TEST_TMPDIR/$s.sock" - <in.bin >out.bin
		cmp in.bin out.bin
	done
	for s in decho diecho; do
		"$NETC" -u "$BATS_TEST_TMPDIR/$s.sock" - <in.bin >out.bin
		cmp in.bin out.bin
	done
	[ -S echo.sock ]
	[ "$(stat -c %a echo.sock)" = 666 ]
}

@test "unix: the handler sees PROTO=UNIX and the peer's uid, gid and pid, no TCP variables" {
	echo "$BATS_TEST_TMPDIR/show.sock stream unix nowait $ME $BATS_TEST_TMPDIR/show show" >superd.conf
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	run -0 "$NETC" -n "$BATS_TEST_TMPDIR/show.sock" -
	grep -qx 'PROTO=UNIX' <<<"$output"
	grep -qx "UNIXREMOTEEUID=$(id -u)" <<<"$output"
	grep -qx "UNIXREMOTEEGID=$(id -g)" <<<"$output"
	grep -Eqx 'UNIXREMOTEPID=[0-9]+' <<<"$output"
	! grep -q 'TCP\|REMOTE_ADDR' <<<"$output"
}

@test "unix: real clients (nc -U, socat) get their bytes back" {
	echo "$BATS_TEST_TMPDIR/echo.sock stream unix nowait $ME $ECHO echo" >superd.conf
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	nc=$(command -v nc.openbsd || echo "$ROOT/.cache/peers/netcat-openbsd/bin/nc.openbsd")
	socat=$(command -v socat || true)
	[ -x "$nc" ] || [ -n "$socat" ] || skip_or_fail "neither nc.openbsd nor socat here"
	if [ -x "$nc" ]; then
		run -0 timeout 5 "$nc" -N -U "$BATS_TEST_TMPDIR/echo.sock" <<<"via nc"
		[ "$output" = "via nc" ]
	fi
	if [ -n "$socat" ]; then
		run -0 timeout 5 "$socat" - "UNIX-CONNECT:$BATS_TEST_TMPDIR/echo.sock" <<<"via socat"
		[ "$output" = "via socat" ]
	fi
}

@test "unix: socket_mode, and as root socket_owner and socket_group, set the file's" {
	owner=$ME group=$(id -gn)
	if [ "$(id -u)" -eq 0 ]; then owner=nobody group=nogroup; fi
	echo "$BATS_TEST_TMPDIR/m.sock on socktype=stream, protocol=unix, wait=no, user=$ME, exec=$ECHO, socket_mode=0600, socket_owner=$owner, socket_group=$group;" >superd.conf
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	[ "$(stat -c '%a %U %G' m.sock)" = "600 $owner $group" ]
}

@test "unix: a stale socket file is replaced; a live one, a regular file or a folder at the path is an error and stays" {
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' stale.sock
	[ -S stale.sock ]
	echo data >file.sock
	mkdir dir.sock
	cat >superd.conf <<EOF
$BATS_TEST_TMPDIR/stale.sock stream unix nowait $ME $ECHO echo
$BATS_TEST_TMPDIR/file.sock stream unix nowait $ME $ECHO echo
$BATS_TEST_TMPDIR/dir.sock stream unix nowait $ME $ECHO echo
EOF
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	run -0 "$NETC" "$BATS_TEST_TMPDIR/stale.sock" - <<<"fresh"
	[ "$output" = fresh ]
	grep -q "superd.conf:2: .*file.sock.*: bind $BATS_TEST_TMPDIR/file.sock: File exists" "$SUPERD_LOG"
	grep -q "superd.conf:3: .*dir.sock.*: bind $BATS_TEST_TMPDIR/dir.sock: File exists" "$SUPERD_LOG"
	[ "$(cat file.sock)" = data ]
	[ -d dir.sock ]
	# a second superd on the live socket: refused, the first still serves
	cp superd.conf second.conf
	run -1 "$SUPERD" second.conf
	grep -q "bind $BATS_TEST_TMPDIR/stale.sock: Address already in use" <<<"$output"
	run -0 "$NETC" "$BATS_TEST_TMPDIR/stale.sock" - <<<"still"
	[ "$output" = still ]
}

@test "unix: access rules and per-source limits see the peer's uid" {
	uid=$(id -u)
	cat >superd.conf <<EOF
$BATS_TEST_TMPDIR/deny.sock on socktype=stream, protocol=unix, wait=no, user=$ME, exec=$ECHO, access_deny=uid=$uid;
$BATS_TEST_TMPDIR/allow.sock on socktype=stream, protocol=unix, wait=no, user=$ME, exec=$ECHO, access_allow=uid=$uid, access_deny=ALL;
$BATS_TEST_TMPDIR/other.sock on socktype=stream, protocol=unix, wait=no, user=$ME, exec=$ECHO, access_allow=uid=$((uid + 1)), access_deny=ALL;
$BATS_TEST_TMPDIR/one.sock on socktype=stream, protocol=unix, wait=no, user=$ME, exec=internal, args=discard, max_child_per_ip=1;
EOF
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	[ "$("$NETC" "$BATS_TEST_TMPDIR/deny.sock" - <<<"x" 2>/dev/null)" = "" ]
	grep -q "refused: uid $uid port [0-9]* by the access rules" "$SUPERD_LOG"
	run -0 "$NETC" "$BATS_TEST_TMPDIR/allow.sock" - <<<"y"
	[ "$output" = y ]
	[ "$("$NETC" "$BATS_TEST_TMPDIR/other.sock" - <<<"z" 2>/dev/null)" = "" ]
	sleep 10 | "$NETC" -w 10 "$BATS_TEST_TMPDIR/one.sock" - &
	held=$!
	wait_for "$SUPERD_LOG" 'one.sock/unix: connection from uid' 5
	run "$NETC" -w 2 "$BATS_TEST_TMPDIR/one.sock" - </dev/null
	[ "$status" -eq 0 ]
	wait_for "$SUPERD_LOG" "one.sock/unix: refused: uid $uid" 5
	kill "$held" 2>/dev/null || true
}

@test "unix: the socket file goes with its service, on reload and at exit" {
	cat >superd.conf <<EOF
$BATS_TEST_TMPDIR/a.sock stream unix nowait $ME $ECHO echo
$BATS_TEST_TMPDIR/b.sock dgram unix nowait $ME $ECHO echo
EOF
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf"
	[ -S a.sock ] && [ -S b.sock ]
	echo "$BATS_TEST_TMPDIR/a.sock stream unix nowait $ME $ECHO echo" >superd.conf
	superd_reload
	[ ! -e b.sock ]
	run -0 "$NETC" "$BATS_TEST_TMPDIR/a.sock" - <<<"kept"
	[ "$output" = kept ]
	superd_stop
	[ ! -e a.sock ]
}
