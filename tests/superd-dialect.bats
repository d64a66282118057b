#!/usr/bin/env bats
# superd: the inetd.conf dialects (continuation lines, ADDR: lines, quotes,
# #@ lines, socket buffers in PROTO, .include), CONFIG folders, several
# CONFIGs, and the default inetd.conf files of Debian's two inetds, FreeBSD
# and NetBSD (tests/data/) read by -t.

load helpers/superd

setup() {
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	superd_teardown 50
}

# line NAME: a positional line for port NAME on 127.0.0.1.
line() {
	echo "127.0.0.1:$1 stream tcp4 nowait $ME $ECHO echo"
}

# --- the dialects -------------------------------------------------------------

@test "a line starting with a blank continues the entry before it" {
	cat >c.conf <<EOF
127.0.0.1:0 stream tcp4 # a comment here ends this line only
	nowait $ME
    $ECHO echo -n

127.0.0.1:1 stream tcp4 nowait $ME $ECHO one
  # a comment line between
	two
EOF
	run -0 "$SUPERD" -t c.conf
	[ "${lines[0]}" = "c.conf:1: 0 127.0.0.1 0 stream tcp4 nowait $ME $ECHO echo -n" ]
	[ "${lines[1]}" = "c.conf:5: 1 127.0.0.1 1 stream tcp4 nowait $ME $ECHO one two" ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "an ADDR: line sets the address of the entries after it, and *: resets it" {
	cat >c.conf <<EOF
0 stream tcp4 nowait $ME $ECHO
127.0.0.1:
1 stream tcp4 nowait $ME $ECHO
2 on protocol=tcp4, wait=no, user=$ME, exec=$ECHO;
0.0.0.0:3 stream tcp4 nowait $ME $ECHO
[::1]:
4 stream tcp6 nowait $ME $ECHO
*:
5 stream tcp4 nowait $ME $ECHO
EOF
	run -0 "$SUPERD" -t c.conf
	[ "${lines[0]}" = "c.conf:1: 0 0.0.0.0 0 stream tcp4 nowait $ME $ECHO echo" ]
	[ "${lines[1]}" = "c.conf:3: 1 127.0.0.1 1 stream tcp4 nowait $ME $ECHO echo" ]
	[ "${lines[2]}" = "c.conf:4: 2 127.0.0.1 2 stream tcp4 nowait $ME $ECHO echo" ]
	[ "${lines[3]}" = "c.conf:5: 3 0.0.0.0 3 stream tcp4 nowait $ME $ECHO echo" ]
	[ "${lines[4]}" = "c.conf:7: 4 ::1 4 stream tcp6 nowait $ME $ECHO echo" ]
	[ "${lines[5]}" = "c.conf:9: 5 0.0.0.0 5 stream tcp4 nowait $ME $ECHO echo" ]
}

@test "quoted arguments, #@ lines, socket buffers in PROTO and NetBSD's wait:N" {
	cat >c.conf <<EOF
#@ an IPsec policy line: ignored
127.0.0.1:0 stream tcp4,sndbuf=64k,rcvbuf=1m nowait $ME $ECHO echo 'a b' "c\\"d"
127.0.0.1:0 dgram udp4,rcvbuf=16384 wait:100 $ME $ECHO echo
127.0.0.1:0 stream tcp4,sndbuf=lots nowait $ME $ECHO
127.0.0.1:0 stream tcp4,mtu=1 nowait $ME $ECHO
127.0.0.1:0 stream tcp4 nowait $ME $ECHO 'open
EOF
	run -1 "$SUPERD" -t c.conf
	[ "${lines[0]}" = "superd: c.conf:4: protocol option 'sndbuf=lots': bad size" ]
	[ "${lines[1]}" = "superd: c.conf:5: unknown protocol option 'mtu=1'" ]
	[ "${lines[2]}" = "superd: c.conf:6: unterminated quote" ]
	[ "${lines[3]}" = "c.conf:2: 0 127.0.0.1 0 stream tcp4 nowait $ME $ECHO echo 'a b' 'c\"d' sndbuf=65536 recvbuf=1048576" ]
	[ "${lines[4]}" = "c.conf:3: 0 127.0.0.1 0 dgram udp4 wait.100 $ME $ECHO echo recvbuf=16384" ]
	[ "${#lines[@]}" -eq 5 ]
}

@test "UNIX-domain lines: an absolute path, stream or dgram" {
	cat >c.conf <<EOF
$BATS_TEST_TMPDIR/echo.sock stream unix nowait $ME $ECHO echo
$BATS_TEST_TMPDIR/echo.dsock dgram unix wait $ME $ECHO echo
echo.sock stream unix nowait $ME $ECHO echo
EOF
	run -1 "$SUPERD" -t c.conf
	[ "${lines[0]}" = "superd: c.conf:3: UNIX socket 'echo.sock': not an absolute path" ]
	[ "${lines[1]}" = "c.conf:1: $BATS_TEST_TMPDIR/echo.sock $BATS_TEST_TMPDIR/echo.sock - stream unix nowait $ME $ECHO echo" ]
	[ "${lines[2]}" = "c.conf:2: $BATS_TEST_TMPDIR/echo.dsock $BATS_TEST_TMPDIR/echo.dsock - dgram unix wait $ME $ECHO echo" ]
}

# --- includes, folders, several CONFIGs ---------------------------------------

@test ".include reads a file or a glob's matches in order, relative to the including file" {
	mkdir -p etc/conf.d etc/bin
	cp "$ECHO" etc/conf.d/relecho
	line 1 >etc/conf.d/b.conf
	echo "127.0.0.1:2 stream tcp4 nowait $ME relecho relecho" >etc/conf.d/a.conf
	line 3 >etc/conf.d/c.txt
	line 4 >etc/one.conf
	cat >etc/main.conf <<EOF
127.0.0.1:
.include one.conf
.include conf.d/*.conf
.include "nomatch/*.conf"
5 stream tcp4 nowait $ME $ECHO
EOF
	run -0 "$SUPERD" -t etc/main.conf
	[ "${lines[0]}" = "etc/one.conf:1: 4 127.0.0.1 4 stream tcp4 nowait $ME $ECHO echo" ]
	[ "${lines[1]}" = "etc/conf.d/a.conf:1: 2 127.0.0.1 2 stream tcp4 nowait $ME $BATS_TEST_TMPDIR/etc/conf.d/relecho relecho" ]
	[ "${lines[2]}" = "etc/conf.d/b.conf:1: 1 127.0.0.1 1 stream tcp4 nowait $ME $ECHO echo" ]
	[ "${lines[3]}" = "etc/main.conf:5: 5 127.0.0.1 5 stream tcp4 nowait $ME $ECHO echo" ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "errors in included files name that file and line; a loop and a missing file are errors" {
	mkdir d
	printf '%s\n%s\n' "$(line 1)" "127.0.0.1:2 stream tcp9 nowait $ME $ECHO" >d/bad.conf
	echo ".include ../main.conf" >d/loop.conf
	{
		printf '%8200s\n' x
		line 3
	} >d/long.conf
	cat >main.conf <<EOF
.include d/bad.conf
.include d/loop.conf
.include d/missing.conf
.include d/long.conf
.include
.include a b
.unknown x
EOF
	run -1 "$SUPERD" -t main.conf
	echo "$output"
	[ "${lines[0]}" = "superd: d/bad.conf:2: unknown protocol 'tcp9'" ]
	[ "${lines[1]}" = "superd: d/loop.conf:1: d/../main.conf: include loop: the file is being read already" ]
	[ "${lines[2]}" = "superd: main.conf:3: d/missing.conf: No such file or directory" ]
	[ "${lines[3]}" = "superd: d/long.conf:1: line too long (limit 8191 bytes)" ]
	[ "${lines[4]}" = "superd: main.conf:5: '.include' takes one pattern" ]
	[ "${lines[5]}" = "superd: main.conf:6: '.include' takes one pattern" ]
	[ "${lines[6]}" = "superd: main.conf:7: unknown directive '.unknown'" ]
	[ "${lines[7]}" = "d/bad.conf:1: 1 127.0.0.1 1 stream tcp4 nowait $ME $ECHO echo" ]
	[ "${lines[8]}" = "d/long.conf:2: 3 127.0.0.1 3 stream tcp4 nowait $ME $ECHO echo" ]
	[ "${#lines[@]}" -eq 9 ]
}

@test "includes nest at most 16 deep, and an included FIFO is refused at once" {
	local n
	for n in $(seq 1 20); do
		echo ".include $((n + 1)).conf" >"$n.conf"
	done
	line 0 >21.conf
	run -1 "$SUPERD" -t 1.conf
	[ "$output" = "superd: 16.conf:1: 17.conf: includes nested deeper than 16" ]
	mkfifo fifo
	echo ".include fifo" >f.conf
	run -1 timeout 5 "$SUPERD" -t f.conf
	[ "$output" = "superd: f.conf:1: fifo: not a regular file" ]
}

@test "a CONFIG folder is read in lexical order, skipping hidden, backup and packagers' files" {
	mkdir -p inetd.d/sub
	line 1 >inetd.d/20-b
	line 2 >inetd.d/10-a.conf
	local n=3 f
	for f in .hidden x~ x.bak x.swp x.dpkg-old x.dpkg-dist x.rpmnew x.rpmsave x.ucf-old sub/y; do
		line $((n++)) >"inetd.d/$f"
	done
	run -0 "$SUPERD" -t inetd.d
	[ "${lines[0]}" = "inetd.d/10-a.conf:1: 2 127.0.0.1 2 stream tcp4 nowait $ME $ECHO echo" ]
	[ "${lines[1]}" = "inetd.d/20-b:1: 1 127.0.0.1 1 stream tcp4 nowait $ME $ECHO echo" ]
	[ "${#lines[@]}" -eq 2 ]
	# an empty folder is no error
	mkdir empty
	run -0 "$SUPERD" -t empty
	[ -z "$output" ]
}

@test "several CONFIGs are read in order, and all are served and reloaded" {
	mkdir conf.d
	line 0 >a.conf
	echo "127.0.0.1:0 stream tcp4 nowait $ME $DAYTIME daytime" >conf.d/b.conf
	run -0 "$SUPERD" -t a.conf conf.d
	[ "${lines[0]}" = "a.conf:1: 0 127.0.0.1 0 stream tcp4 nowait $ME $ECHO echo" ]
	[ "${lines[1]}" = "conf.d/b.conf:1: 0 127.0.0.1 0 stream tcp4 nowait $ME $DAYTIME daytime" ]
	bg_start superd.log "$SUPERD" -l a.conf conf.d
	SUPERD_PID=$BG_PID
	SUPERD_LOG=$BATS_TEST_TMPDIR/superd.log
	wait_for superd.log ': serving, pid '
	SUPERD_CONF=a.conf
	run -0 "$NETC" 127.0.0.1 "$(superd_port 1)" <<<"from a"
	[ "$output" = "from a" ]
	SUPERD_CONF=conf.d/b.conf
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	[[ "$output" =~ $DAYTIME_RE ]]
	# an error in the folder's file on SIGHUP changes nothing
	echo "127.0.0.1:0 stream tcp4 nowait $ME /nonexistent" >>conf.d/b.conf
	superd_reload
	grep -q "^superd: conf.d/b.conf:2: program '/nonexistent': " superd.log
	grep -q "^superd: a.conf: errors; configuration unchanged" superd.log
}

# --- real files ---------------------------------------------------------------

# uncomment FILE OUT: FILE with its service lines uncommented, each PROGRAM
# that is a path pointed at a stub under root/, users and groups that this
# machine lacks made nobody and none; the other lines as they are, so that
# line numbers stay.
uncomment() {
	local l u g f
	while IFS= read -r l; do
		if [[ ! "$l" =~ ^#[a-z][-a-z0-9./]*[[:space:]]+(stream|dgram)[[:space:]] ]]; then
			printf '%s\n' "$l"
			continue
		fi
		read -ra f <<<"${l#\#}"
		u=${f[4]%%[:.]*}
		g=
		[[ "${f[4]}" != *[:.]* ]] || g=${f[4]#*[:.]}
		id "$u" >/dev/null 2>&1 || u=nobody
		[ -z "$g" ] || getent group "$g" >/dev/null || g=
		f[4]=$u${g:+:$g}
		if [[ "${f[5]}" == /* ]]; then
			mkdir -p "root${f[5]%/*}"
			# a binary: as root superd runs it from a descriptor
			# when its user cannot enter the test's folder
			cp "$ECHO" "root${f[5]}"
			f[5]=$BATS_TEST_TMPDIR/root${f[5]}
		fi
		(IFS=$'\t'; printf '%s\n' "${f[*]}")
	done <"$1" >"$2"
}

# canon WAIT: the WAIT field as -t prints it back.
canon() {
	local w=$1 a=0 b=0 c=0 out
	[[ "$w" =~ ^((no)?wait)([.:]([0-9]+))?(/([0-9]*)(/([0-9]*)(/([0-9]*))?)?)?$ ]] || return 1
	out=${BASH_REMATCH[1]}
	[ -z "${BASH_REMATCH[4]}" ] || out+=.${BASH_REMATCH[4]}
	a=${BASH_REMATCH[6]:-0} b=${BASH_REMATCH[8]:-0} c=${BASH_REMATCH[10]:-0}
	[ "$a$b$c" = 000 ] || out+=/$a/$b/$c
	echo "$out"
}

# realfile DATA: -t on tests/data/DATA with its services uncommented; each
# service line is understood (its socket type, protocol, wait, user,
# program and arguments) or gets one error saying why superd cannot serve
# it.  Prints how many of each.
realfile() {
	local F=$1 l f n=0 ok=0 bad=0 name proto user prog want got port internal
	uncomment "$ROOT/tests/data/$F" "$F"
	run "$SUPERD" -t "$F"
	[ "$status" -le 1 ]
	while IFS= read -r l; do
		n=$((n + 1))
		[[ "$l" =~ ^[a-z][-a-z0-9./]*[[:space:]]+(stream|dgram)[[:space:]] ]] || continue
		read -ra f <<<"$l"
		name=${f[0]} proto=${f[2]} user=${f[4]%%:*} prog=${f[5]}
		internal=" echo discard chargen daytime time "
		if [[ "$proto" == rpc/* ]]; then
			want="superd: $F:$n: protocol '$proto': RPC services are not supported"
		elif [ "$prog" = internal ] && [[ "$internal" != *" $name "* ]]; then
			want="superd: $F:$n: no internal service '$name'"
		elif ! port=$(getent services "$name/${proto:0:3}"); then
			want="superd: $F:$n: unknown service '$name'"
		else
			port=$(awk '{ sub("/.*", "", $2); print $2 }' <<<"$port")
			want=" $port ${f[1]} $proto $(canon "${f[3]}") $user $prog"
			if [ "$prog" = internal ]; then
				want+=" $name"
			else
				want+=$(printf ' %s' "${f[@]:6}")
			fi
			got=$(grep "^$F:$n: " <<<"$output" || true)
			[[ "$got" == "$F:$n: $name "[0-9a-f.:]*"$want" ]] ||
			    { echo "line $n: got '$got', want '$want' in: $output" >&2; return 1; }
			ok=$((ok + 1))
			continue
		fi
		grep -qxF "$want" <<<"$output" ||
		    { echo "line $n: no '$want' in: $output" >&2; return 1; }
		bad=$((bad + 1))
	done <"$F"
	# one line of output for each service line, none for anything else
	# (but the warning of a user who is not root)
	[ "$(grep -vc "not running as root" <<<"$output")" -eq $((ok + bad)) ] ||
	    { echo "$ok + $bad lines expected in: $output" >&2; return 1; }
	echo "$F: $ok understood, $bad refused"
}

@test "Debian openbsd-inetd's inetd.conf: every service line is understood" {
	realfile debian-openbsd-inetd.conf
	[ "$status" -eq 0 ]
	[ "$(grep -c '^debian-openbsd-inetd.conf:' <<<"$output")" -eq 6 ]
	grep -q "^debian-openbsd-inetd.conf:12: echo [0-9a-f.:]* 7 stream tcp nowait root internal echo$" <<<"$output"
}

@test "Debian inetutils-inetd's inetd.conf: every service line is understood" {
	realfile debian-inetutils-inetd.conf
	[ "$status" -eq 0 ]
	[ "$(grep -c '^debian-inetutils-inetd.conf:' <<<"$output")" -eq 4 ]
	grep -qx "debian-inetutils-inetd.conf:10: discard :: 9 dgram udp6 wait root internal discard" <<<"$output"
}

@test "FreeBSD's inetd.conf: understood, but for RPC and the ident builtin" {
	realfile freebsd-inetd.conf
	[ "$status" -eq 1 ]
	# the FreeBSD limits nowait/3/10 and nowait/400, as -t prints them
	grep -q "^freebsd-inetd.conf:16: finger .* 79 stream tcp nowait/3/10/0 nobody " <<<"$output"
	grep -q "^superd: freebsd-inetd.conf:[0-9]*: no internal service 'auth'" <<<"$output"
	[ "$(grep -c "RPC services are not supported" <<<"$output")" -eq 7 ]
}

@test "NetBSD's inetd.conf: understood, but for RPC and tcpmux" {
	realfile netbsd-inetd.conf
	[ "$status" -eq 1 ]
	grep -qx "superd: netbsd-inetd.conf:25: no internal service 'tcpmux'" <<<"$output"
	[ "$(grep -c "RPC services are not supported" <<<"$output")" -eq 7 ]
	# NetBSD's dgram wait builtins are superd's in-process ones
	grep -q "^netbsd-inetd.conf:31: echo .* 7 dgram udp wait nobody internal echo$" <<<"$output"
}
