#!/usr/bin/env bats
# superd --log-format logfmt and json: every line read back (python's json
# module for json), the events of a connection with their fields, types and
# values (a client whose source port is known, a handler that says its pid),
# refusals and their causes, values holding quotes, backslashes and bytes
# that are not UTF-8; the text format unchanged.

load helpers/superd

LOGQ=$ROOT/tests/helpers/logq.py
LOGQUOTE=$ROOT/tests/helpers/logquote
export PYTHONIOENCODING=utf-8

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	# says its pid (exec keeps it: the pid superd started), then echoes
	script pidecho 'echo $$; exec cat'
}

teardown() {
	superd_teardown
}

# lq [-t] FORMAT [KEY=VALUE ...] [-- FIELD ...]: logq.py on superd's log;
# fails when any line of it does not parse.
lq() {
	local t=
	if [ "$1" = -t ]; then
		t=-t
		shift
	fi
	local f=$1
	shift
	python3 "$LOGQ" $t "$f" "$SUPERD_LOG" "$@"
}

# fport FORMAT LINE: the port superd bound for line LINE of its config.
fport() {
	lq "$1" event=message "line=$2" -- msg |
	    sed -n 's/^listening on .* port \([0-9]*\)$/\1/p' | tail -n 1
}

# events FORMAT EVENT: how many EVENT lines the log holds.
events() {
	lq "$1" "event=$2" -- event | wc -l
}

# send PROTO PORT: stdin to 127.0.0.1 PORT from a port of its own, read
# into $SRC; the reply on stdout.
send() {
	python3 "$LOGQ" send "$1" 127.0.0.1 "$2" "$BATS_TEST_TMPDIR/src"
}

# nonneg NUMBER: true when NUMBER >= 0.
nonneg() {
	awk -v d="$1" 'BEGIN { exit !(d + 0 >= 0 && d ~ /^[0-9]+\.[0-9]+$/) }'
}

# external FORMAT PROTO LINE: one connection or datagram to the pidecho
# handler of config line LINE, and its start and exit events checked.
external() {
	local f=$1 proto=$2 port pid src sp
	port=$(fport "$f" "$3")
	[ -n "$port" ]
	run -0 send "$proto" "$port" <<<"hello"
	pid=${lines[0]}
	[ "${lines[1]}" = "hello" ]
	src=$(cat "$BATS_TEST_TMPDIR/src")
	wait_until 5 eval '[ "$(events '"$f"' exit)" -eq 1 ]'
	sp="$proto"4
	run -0 lq "$f" event=start -- conn service proto peer peer_port \
	    local local_port pid
	[ "$output" = "1 0 $sp 127.0.0.1 $src 127.0.0.1 $port $pid" ]
	run -0 lq -t "$f" event=start -- conn peer peer_port local \
	    local_port pid proto
	[ "$output" = "int str int str int int str" ]
	run -0 lq "$f" event=exit -- conn service proto pid status signal
	[ "$output" = "1 0 $sp $pid 0 -" ]
	run -0 lq -t "$f" event=exit -- conn pid status duration
	[ "$output" = "int int int float" ]
	nonneg "$(lq "$f" event=exit -- duration)"
	if [ "$f" = json ]; then
		run -0 lq -t json event=start -- service
		[ "$output" = str ]
	fi
}

# builtin FORMAT PROTO LINE: 1000 bytes to the echo builtin of line LINE,
# its start and exit events checked, bytes_in and bytes_out exact.
builtin() {
	local f=$1 proto=$2 port src sp
	port=$(fport "$f" "$3")
	head -c 1000 /dev/zero | tr '\0' x >in.txt
	send "$proto" "$port" <in.txt >out.txt
	cmp in.txt out.txt
	src=$(cat "$BATS_TEST_TMPDIR/src")
	wait_until 5 eval '[ "$(events '"$f"' exit)" -eq 1 ]'
	sp="$proto"4
	run -0 lq "$f" event=start -- conn service proto peer peer_port \
	    local local_port pid
	[ "$output" = "1 0 $sp 127.0.0.1 $src 127.0.0.1 $port -" ]
	run -0 lq "$f" event=exit -- conn service proto bytes_in bytes_out \
	    pid status
	[ "$output" = "1 0 $sp 1000 1000 - -" ]
	run -0 lq -t "$f" event=exit -- conn bytes_in bytes_out duration
	[ "$output" = "int int int float" ]
	nonneg "$(lq "$f" event=exit -- duration)"
}

@test "logfmt: a TCP connection to an external handler, start and exit" {
	superd_start --log-format logfmt <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $BATS_TEST_TMPDIR/pidecho pidecho
EOF
	external logfmt tcp 1
	# a logfmt line, as it is written
	grep -Eq '^time=[0-9T:.-]+Z event=start conn=1 service=0 proto=tcp4 peer=127\.0\.0\.1 peer_port=[0-9]+ local=127\.0\.0\.1 local_port=[0-9]+ pid=[0-9]+$' "$SUPERD_LOG"
	grep -Eq '^time=[0-9T:.-]+Z event=exit conn=1 service=0 proto=tcp4 pid=[0-9]+ status=0 duration=[0-9]+\.[0-9]{3}$' "$SUPERD_LOG"
}

@test "json: a TCP connection to an external handler, start and exit" {
	superd_start --log-format json <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $BATS_TEST_TMPDIR/pidecho pidecho
EOF
	external json tcp 1
	grep -Eq '^\{"time":"[0-9T:.-]+Z","event":"start","conn":1,"service":"0","proto":"tcp4","peer":"127\.0\.0\.1","peer_port":[0-9]+,"local":"127\.0\.0\.1","local_port":[0-9]+,"pid":[0-9]+\}$' "$SUPERD_LOG"
}

@test "logfmt: a datagram to a dgram nowait handler, start and exit" {
	superd_start --log-format logfmt <<EOF
127.0.0.1:0 dgram udp4 nowait $ME $BATS_TEST_TMPDIR/pidecho pidecho
EOF
	external logfmt udp 1
}

@test "json: a datagram to a dgram nowait handler, start and exit" {
	superd_start --log-format json <<EOF
127.0.0.1:0 dgram udp4 nowait $ME $BATS_TEST_TMPDIR/pidecho pidecho
EOF
	external json udp 1
}

@test "logfmt: the stream echo builtin logs start and exit, bytes in and out" {
	superd_start --log-format logfmt <<EOF
127.0.0.1:0 stream tcp4 nowait $ME internal echo
EOF
	builtin logfmt tcp 1
}

@test "json: the stream echo builtin logs start and exit, bytes in and out" {
	superd_start --log-format json <<EOF
127.0.0.1:0 stream tcp4 nowait $ME internal echo
EOF
	builtin json tcp 1
}

@test "logfmt: the datagram echo builtin logs start and exit, bytes in and out" {
	superd_start --log-format logfmt <<EOF
127.0.0.1:0 dgram udp4 nowait $ME internal echo
EOF
	builtin logfmt udp 1
}

@test "json: the datagram echo builtin logs start and exit, bytes in and out" {
	superd_start --log-format json <<EOF
127.0.0.1:0 dgram udp4 nowait $ME internal echo
EOF
	builtin json udp 1
}

@test "json and logfmt: conn numbers the connections of a run, each start joined to its end" {
	for f in logfmt json; do
		superd_start --log-format $f <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
127.0.0.1:0 stream tcp4 nowait $ME internal echo
127.0.0.1:0 dgram udp4 nowait $ME internal echo
EOF
		for k in 1 2 3; do
			send tcp "$(fport $f 1)" <<<"a" >/dev/null
			send tcp "$(fport $f 2)" <<<"b" >/dev/null
			send udp "$(fport $f 3)" <<<"c" >/dev/null
		done
		wait_until 5 eval '[ "$(events '$f' exit)" -eq 9 ]'
		[ "$(lq $f event=start -- conn | sort -n | tr '\n' ' ')" = \
		    "1 2 3 4 5 6 7 8 9 " ]
		[ "$(lq $f event=exit -- conn | sort -n | tr '\n' ' ')" = \
		    "1 2 3 4 5 6 7 8 9 " ]
		# each conn: the same service and proto at start and exit
		[ "$(lq $f -- conn service proto event |
		    awk '$4 != "message" { print $1, $2, $3 }' | sort -u |
		    wc -l)" -eq 9 ]
		superd_stop
	done
}

@test "json and logfmt: a handler killed at its time limit is event killed, with its signal" {
	for f in logfmt json; do
		superd_start --log-format $f <<EOF
127.0.0.1:0 stream tcp4 nowait@1 $ME /bin/sleep sleep 30
EOF
		SECONDS=0
		run -0 send tcp "$(fport $f 1)" </dev/null
		[ "$SECONDS" -le 4 ]
		wait_until 5 eval '[ "$(events '$f' killed)" -eq 1 ]'
		pid=$(lq $f event=start -- pid)
		run -0 lq $f event=killed -- conn pid signal status
		[ "$output" = "1 $pid 15 -" ]
		run -0 lq -t $f event=killed -- signal duration
		[ "$output" = "int float" ]
		d=$(lq $f event=killed -- duration)
		awk -v d="$d" 'BEGIN { exit !(d >= 1 && d < 3) }'
		[ "$(events $f exit)" -eq 0 ]
		superd_stop
	done
}

@test "json and logfmt: an in-process connection closed at its time limit is event killed" {
	for f in logfmt json; do
		superd_start --log-format $f <<EOF
127.0.0.1:0 stream tcp4 nowait@1 $ME internal discard
EOF
		# open both ways: only the time limit ends it
		SECONDS=0
		run -0 send tcpopen "$(fport $f 1)" </dev/null
		[ "$SECONDS" -le 4 ]
		wait_until 5 eval '[ "$(events '$f' killed)" -eq 1 ]'
		run -0 lq $f event=killed -- conn bytes_in bytes_out pid signal
		[ "$output" = "1 0 0 - -" ]
		superd_stop
	done
}

@test "json and logfmt: a handler exiting 3 has status 3" {
	script three 'exit 3'
	for f in logfmt json; do
		superd_start --log-format $f <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $BATS_TEST_TMPDIR/three three
EOF
		run -0 send tcp "$(fport $f 1)" </dev/null
		wait_until 5 eval '[ "$(events '$f' exit)" -eq 1 ]'
		run -0 lq $f event=exit -- conn status signal
		[ "$output" = "1 3 -" ]
		run -0 lq -t $f event=exit -- status
		[ "$output" = int ]
		superd_stop
	done
}

@test "json and logfmt: a refusal by hosts.deny is event refused, cause access, even without -l" {
	echo "ALL: 127.0.0.1" >"$BATS_TEST_TMPDIR/deny"
	cat >"$BATS_TEST_TMPDIR/superd.conf" <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $ECHO echo
127.0.0.1:0 dgram udp4 nowait $ME internal echo
EOF
	SUPERD_CONF=$BATS_TEST_TMPDIR/superd.conf
	for f in logfmt json; do
		SUPERD_LOG=$BATS_TEST_TMPDIR/$f.log
		bg_start "$SUPERD_LOG" "$SUPERD" --log-format $f \
		    --hosts-deny "$BATS_TEST_TMPDIR/deny" "$SUPERD_CONF"
		SUPERD_PID=$BG_PID
		wait_for "$SUPERD_LOG" ': serving, pid '
		port=$(fport $f 1)
		run -0 send tcp "$port" <<<"x"
		[ "$output" = "" ]
		src=$(cat src)
		wait_until 5 eval '[ "$(events '$f' refused)" -eq 1 ]'
		run -0 lq $f event=refused -- service proto peer peer_port \
		    cause conn pid
		[ "$output" = "0 tcp4 127.0.0.1 $src access - -" ]
		run -0 lq -t $f event=refused -- peer_port cause
		[ "$output" = "int str" ]
		# a refused datagram: dropped, logged the same way
		LOGQ_WAIT=0.5 run -3 send udp "$(fport $f 2)" <<<"y"
		wait_until 5 eval '[ "$(events '$f' refused)" -eq 2 ]'
		run -0 lq $f event=refused proto=udp4 -- cause peer_port
		[ "$output" = "access $(cat src)" ]
		# without -l: no start or exit line
		[ "$(events $f start)" -eq 0 ]
		superd_stop
	done
}

@test "json and logfmt: refusals by per-source limits name their cause" {
	for f in logfmt json; do
		superd_start --log-format $f <<EOF
127.0.0.1:0 stream tcp4 nowait/0/0/1 $ME /bin/sleep sleep 3
127.0.0.1:0 stream tcp4 nowait/0/1/0 $ME $ECHO echo
EOF
		# C: a second child from one source
		"$NETC" -w 10 -n 127.0.0.1 "$(fport $f 1)" >/dev/null &
		holder=$!
		wait_until 5 eval '[ -n "$(superd_children)" ]'
		run -0 send tcp "$(fport $f 1)" </dev/null
		[ "$output" = "" ]
		src=$(cat src)
		# B: a second connection in a minute from one source
		run -0 send tcp "$(fport $f 2)" <<<"first"
		[ "$output" = "first" ]
		run -0 send tcp "$(fport $f 2)" <<<"second"
		[ "$output" = "" ]
		src2=$(cat src)
		wait_until 5 eval '[ "$(events '$f' refused)" -eq 2 ]'
		run -0 lq $f event=refused -- cause peer peer_port
		[ "${lines[0]}" = "per-source 127.0.0.1 $src" ]
		[ "${lines[1]}" = "rate 127.0.0.1 $src2" ]
		kill "$holder" 2>/dev/null || true
		wait "$holder" || true
		superd_stop
	done
}

@test "json and logfmt: a refusal in the last second is counted on the next line (suppressed)" {
	# refusals left out within a second of a logged one are counted on
	# the next logged one: however the sends are spaced in time (a busy
	# machine may space them past a second), each logged line plus its
	# suppressed count adds up to every refusal, none lost
	for f in logfmt json; do
		superd_start --log-format $f <<EOF
127.0.0.1:0 stream tcp4 nowait/0/1/0 $ME $ECHO echo
EOF
		port=$(fport $f 1)
		for k in 1 2 3 4; do
			send tcp "$port" </dev/null >/dev/null
		done
		wait_until 5 eval '[ "$(events '$f' refused)" -ge 1 ]'
		sleep 1.1
		send tcp "$port" </dev/null >/dev/null
		total() {
			lq $f event=refused -- suppressed |
			    awk '{ n += 1 + ($1 == "-" ? 0 : $1) } END { print n + 0 }'
		}
		wait_until 5 eval '[ "$(total)" -eq 4 ]' || { total >&2; false; }
		run -0 lq $f event=refused -- suppressed
		[ "${lines[0]}" = "-" ]
		for k in "${lines[@]:1}"; do
			[[ "$k" =~ ^(-|[1-9][0-9]*)$ ]]
		done
		superd_stop
	done
}

@test "json and logfmt: a path with a quote, a backslash, a blank and a byte that is not UTF-8 stays a valid line" {
	name=$'we"ird\\ \xff.conf'
	conf=$BATS_TEST_TMPDIR/$name
	# line 2: a protocol holding such bytes too, an error in msg (a
	# quote there would open a quoted argument)
	printf '127.0.0.1:0 stream tcp4 nowait %s %s echo\n127.0.0.1:0 stream tc\xfe\x01p nowait %s %s echo\n' \
	    "$ME" "$ECHO" "$ME" "$ECHO" >"$conf"
	for f in logfmt json; do
		superd_start_file "$conf" --log-format $f
		# every line parses (lq fails otherwise), the name read back
		# with U+FFFD for the byte that is not UTF-8
		run -0 lq $f event=message line=1 -- file
		[ "$output" = "$BATS_TEST_TMPDIR/"$'we"ird\\ \xef\xbf\xbd.conf' ]
		run -0 lq $f event=message line=2 -- msg
		[[ "$output" == *$'tc\xef\xbf\xbd\x01p'* ]]
		[ -n "$(fport $f 1)" ]
		superd_stop
	done
	# as written: escaped, the line pure ASCII but for what was UTF-8
	grep -q 'we\\"ird\\\\ \\ufffd.conf' "$SUPERD_LOG"
	grep -q 'tc\\ufffd\\u0001p' "$SUPERD_LOG"
	! LC_ALL=C grep -q $'\xff' "$SUPERD_LOG"
}

@test "log_quote: JSON strings per RFC 8259, logfmt values bare or quoted" {
	# INPUT (printf format) EXPECTED-JSON EXPECTED-LOGFMT
	while IFS='|' read -r in json logfmt; do
		run -0 "$LOGQUOTE" json < <(printf "$in")
		[ "$output" = "$json" ] || { echo "json: $in: $output"; false; }
		run -0 "$LOGQUOTE" logfmt < <(printf "$in")
		[ "$output" = "$logfmt" ] ||
		    { echo "logfmt: $in: $output"; false; }
	done <<'EOF'
plain|"plain"|plain
|""|""
a b|"a b"|"a b"
a=b|"a=b"|"a=b"
a"b|"a\"b"|"a\"b"
a\\b|"a\\b"|a\b
tab\there|"tab\u0009here"|"tab\u0009here"
nl\nx\x7f|"nl\u000ax\u007f"|"nl\u000ax\u007f"
caf\xc3\xa9|"café"|café
bad\xff\xc0\xaf|"bad\ufffd\ufffd\ufffd"|"bad\ufffd\ufffd\ufffd"
sur\xed\xa0\x80|"sur\ufffd\ufffd\ufffd"|"sur\ufffd\ufffd\ufffd"
cut\xe2\x82|"cut\ufffd\ufffd"|"cut\ufffd\ufffd"
emoji\xf0\x9f\x98\x80|"emoji😀"|emoji😀
EOF
	# every JSON output is a JSON string; a cut one too, at a character
	for n in 3 4 5 6 7 8 9 10 11 12; do
		printf 'a"\xff\xc3\xa9b\\\x01' | "$LOGQUOTE" json $n >q.txt
		python3 -c 'import json, sys
s = open(sys.argv[1], encoding="utf-8").read()
assert s.endswith("\n")
v = json.loads(s)
assert isinstance(v, str)
assert "a\"\ufffd\u00e9b\\\x01".startswith(v), v
assert len(s.encode()) <= int(sys.argv[2]), s' q.txt $n
	done
}

@test "text is the default, and --log-format text writes the lines superd always wrote" {
	for opt in "" "--log-format text"; do
		# shellcheck disable=SC2086
		superd_start $opt <<EOF
127.0.0.1:0 stream tcp4 nowait $ME $BATS_TEST_TMPDIR/pidecho pidecho
127.0.0.1:0 stream tcp4 nowait $ME internal echo
127.0.0.1:0 dgram udp4 nowait $ME internal echo
EOF
		run -0 send tcp "$(superd_port 1)" <<<"x"
		pid=${lines[0]}
		src=$(cat src)
		send tcp "$(superd_port 2)" <<<"y" >/dev/null
		src2=$(cat src)
		send udp "$(superd_port 3)" <<<"z" >/dev/null
		wait_for "$SUPERD_LOG" "exited 0 after"
		grep -qx "superd: 0/tcp4: connection from 127.0.0.1 port $src, pid $pid" "$SUPERD_LOG"
		grep -Eqx "superd: 0/tcp4: pid $pid exited 0 after [0-9]+\.[0-9]{3} s" "$SUPERD_LOG"
		grep -qx "superd: 0/tcp4: connection from 127.0.0.1 port $src2, in-process" "$SUPERD_LOG"
		# nothing more: no line for the builtin's end or its datagram
		[ "$(grep -vc 'listening on\|serving, pid' "$SUPERD_LOG")" -eq 3 ]
		! grep -q 'time=\|{' "$SUPERD_LOG"
		superd_stop
	done
}

@test "--log-format: a bad value is exit 2 naming it; --help has one line for it" {
	run -2 "$SUPERD" --log-format xml "$BATS_TEST_TMPDIR/none.conf"
	[ "$output" = "superd: log format xml: not text, logfmt or json" ]
	run -2 "$SUPERD" --log-format
	run -0 "$SUPERD" --help
	[ "$(grep -c -- '--log-format FORMAT' <<<"$output")" -eq 1 ]
}
