#!/usr/bin/env bats
# httpget's -C (resume) and --retry (issue 16: /tmp/h15/spec16.md), run for
# real: against nginx's ranges on a 4 MiB file whose every line names its
# offset, and against tests/helpers/f16http answering each connection by a
# script, stalling, resetting, or sending what a careless server sends.
# Waits are measured from the server's clock, never asserted as timing.

load helpers/common
load helpers/httpget
load helpers/httpget-16

BIG=4194304
HALF=2097152
MIB=1048576

setup() {
	hg_setup
}

teardown() {
	hg_teardown
}

# big_www: $T/www/big, 4 MiB of patterned bytes, served by nginx.
big_www() {
	mkdir -p "$T/www"
	patterned "$T/www/big" "$BIG"
	nginx16_or_skip "$T/www"
}

# prefix_of FILE N: FILE is exactly the first N bytes of the big file.
prefix_of() {
	[ "$(stat -c %s "$1")" -eq "$2" ] &&
	    cmp -s "$1" <(head -c "$2" "$T/www/big") && return 0
	echo "$1 is not the first $2 bytes: $(stat -c %s "$1") bytes"
	return 1
}

# --- -C: resume ---------------------------------------------------------

@test "-C - completes a download cut half-way, byte-exact, asking bytes=N-" {
	local stall part
	big_www
	# A server that sends half of the file, then stalls: -m ends it,
	# and a plain -o leaves nothing behind (its temporary file dropped).
	stall=$(canned stall 'HTTP/1.1 200 OK\r\n' \
	    "Content-Length: $BIG\\r\\n" '\r\n' \
	    "@file $T/www/big 0 $HALF" '@hang')
	# The same with -C -: a 206 from the file's size, stalling after
	# one more MiB; what came is kept.
	part=$(canned part 'HTTP/1.1 206 Partial Content\r\n' \
	    "Content-Range: bytes $MIB-$((BIG - 1))/$BIG\\r\\n" \
	    "Content-Length: $((BIG - MIB))\\r\\n" '\r\n' \
	    "@file $T/www/big $MIB $MIB" '@hang')
	local nport=$PORT
	f16_start "$stall" "$part"
	hg -m 2 -o "$T/f" "http://127.0.0.1:$PORT/big"
	expect 28 "" "httpget: 127.0.0.1:$PORT: timed out after 2 s ($HALF bytes received)"
	[ ! -e "$T/f" ]
	head -c "$MIB" "$T/www/big" >"$T/f"
	hg -m 2 -C - -o "$T/f" "http://127.0.0.1:$PORT/big"
	expect 28 "" "httpget: 127.0.0.1:$PORT: timed out after 2 s ($MIB bytes received)"
	[ "$(rhdr 2 1 Range)" = "bytes=$MIB-" ]
	prefix_of "$T/f" "$HALF"
	# nginx sends the rest.
	hg -C - -o "$T/f" "http://127.0.0.1:$nport/big"
	expect 0 ""
	cmp "$T/f" "$T/www/big"
	wait_until 5 test "$(naccess)" -eq 1
	[ "$(access | cut -d' ' -f3-8)" = "\"GET /big HTTP/1.1\" 206 $HALF \"bytes=$HALF-\"" ]
}

@test "-C - with no file or an empty one asks no Range; without -o it is exit 2" {
	big_www
	hg -C - -o "$T/f" "http://127.0.0.1:$PORT/big"
	expect 0 ""
	cmp "$T/f" "$T/www/big"
	: >"$T/e"
	hg -C - -o "$T/e" "http://127.0.0.1:$PORT/big"
	expect 0 ""
	cmp "$T/e" "$T/www/big"
	wait_until 5 test "$(naccess)" -eq 2
	[ "$(access | cut -d' ' -f6-8 | sort -u)" = "200 $BIG \"-\"" ]
	hg -C - "http://127.0.0.1:$PORT/big"
	expect 2 "" "httpget: -C -: needs -o or -O, to know where to resume"
	[ "$(naccess)" -eq 2 ]
}

@test "-C OFFSET writes the file from OFFSET to standard output" {
	big_www
	hg -C 100 "http://127.0.0.1:$PORT/big"
	[ "$status" -eq 0 ] && [ ! -s "$ERR" ] || { echo "status $status"; errlines; false; }
	cmp "$OUT" <(tail -c +101 "$T/www/big")
	hg --continue-at 4194300 "http://127.0.0.1:$PORT/big"
	expect 0 'ff0\n'
	wait_until 5 test "$(naccess)" -eq 2
	[ "$(access | cut -d' ' -f6-8)" = "206 $((BIG - 100)) \"bytes=100-\"
206 4 \"bytes=4194300-\"" ]
}

@test "-C - on a complete file: nginx's 416, exit 0, the file untouched" {
	big_www
	cp "$T/www/big" "$T/f"
	touch -d '2001-02-03 04:05:06' "$T/f"
	hg -C - -o "$T/f" "http://127.0.0.1:$PORT/big"
	expect 0 "" "httpget: 127.0.0.1:$PORT: $T/f is complete already ($BIG bytes)"
	hg -s -C - -o "$T/f" "http://127.0.0.1:$PORT/big"
	expect 0 ""
	cmp "$T/f" "$T/www/big"
	[ "$(stat -c %Y "$T/f")" = "$(date -d '2001-02-03 04:05:06' +%s)" ]
	wait_until 5 test "$(naccess)" -eq 2
	[ "$(access | cut -d' ' -f6,8 | sort -u)" = "416 \"bytes=$BIG-\"" ]
}

@test "-C - appends a scripted 206; a 416 whose size is not the file's is a 416" {
	f16_start f16-206-rest f16-416
	printf abcdefghij >"$T/f"
	hg -C - -o "$T/f" "http://127.0.0.1:$PORT/file"
	expect 0 ""
	same "$T/f" 'abcdefghijklmnopqrs\n'
	[ "$(rhdr 1 1 Range)" = "bytes=10-" ]
	# 416 with bytes */20 to bytes=10-: the file is not complete.
	# curl 7.88 takes any 416 for a complete file (exit 0); spec16 only
	# one whose size is the file's.
	printf abcdefghij >"$T/g"
	hg -C - -o "$T/g" "http://127.0.0.1:$PORT/file"
	[ "$status" -eq 22 ] || { echo "status $status"; errlines; false; }
	same "$T/g" 'abcdefghij'
	[ "$(rhdr 2 1 Range)" = "bytes=10-" ]
}

@test "-C OFFSET puts Range after Host and Authorization, as curl does" {
	f16_start f16-206-rest
	hg -C 10 -u u:p "http://127.0.0.1:$PORT/file"
	expect 0 'klmnopqrs\n'
	printf 'GET /file HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nAuthorization: Basic dTpw\r\nRange: bytes=10-\r\nUser-Agent: %s\r\nAccept: */*\r\nConnection: close\r\n\r\n' \
	    "$PORT" "$(ua)" >"$T/expected.req"
	cmp "$T/expected.req" "$REQ/req.1.1"
}

@test "a 200 to a Range with -o starts the file again and says so (not with -s)" {
	# curl 7.88 exits 33 here; spec16 starts again.
	f16_start f16-whole
	printf 0123456789 >"$T/f"
	hg -C - -o "$T/f" "http://127.0.0.1:$PORT/file"
	expect 0 "" "httpget: 127.0.0.1:$PORT: the server sent the whole file: starting again"
	same "$T/f" 'abcdefghijklmnopqrs\n'
	[ "$(rhdr 1 1 Range)" = "bytes=10-" ]
	printf 0123456789 >"$T/f"
	hg -s -C - -o "$T/f" "http://127.0.0.1:$PORT/file"
	expect 0 ""
	same "$T/f" 'abcdefghijklmnopqrs\n'
}

@test "a 200 to a Range that fails half-way leaves the old file as it was" {
	f16_start f16-whole-stall
	printf 0123456789 >"$T/f"
	hg -m 1 -C - -o "$T/f" "http://127.0.0.1:$PORT/file"
	[ "$status" -eq 28 ] || { echo "status $status"; errlines; false; }
	same "$T/f" '0123456789'
}

@test "a 200 to a Range with output to standard output exits 33" {
	f16_start f16-whole
	hg -C 10 "http://127.0.0.1:$PORT/file"
	expect 33 "" "httpget: 127.0.0.1:$PORT: the server does not honour ranges"
	[ "$(rhdr 1 1 Range)" = "bytes=10-" ]
}

@test "a 206 starting elsewhere, or without Content-Range, exits 33; the file kept" {
	# curl 7.88 exits 33 for the first, takes the second (exit 0).
	f16_start f16-206-start f16-206-nocr
	printf abcdefghij >"$T/f"
	hg -C - -o "$T/f" "http://127.0.0.1:$PORT/file"
	expect 33 "" "httpget: 127.0.0.1:$PORT: the server sent another range than bytes 10- (Content-Range does not match)"
	same "$T/f" abcdefghij
	hg -C - -o "$T/f" "http://127.0.0.1:$PORT/file"
	expect 33 "" "httpget: 127.0.0.1:$PORT: the server sent another range than bytes 10- (no Content-Range)"
	same "$T/f" abcdefghij
	hg -C 10 "http://127.0.0.1:$PORT/file"
	[ "$status" -eq 33 ] && [ ! -s "$OUT" ] || { echo "status $status"; false; }
}

@test "a 206 to a request without Range exits 8" {
	# curl 7.88 writes it (exit 0).
	f16_start f16-206-rest
	hg "http://127.0.0.1:$PORT/file"
	expect 8 "" "httpget: 127.0.0.1:$PORT: malformed response: 206 Partial Content to a request without Range"
	[ -z "$(rhdr 1 1 Range)" ]
	hg -o "$T/f" "http://127.0.0.1:$PORT/file"
	[ "$status" -eq 8 ] && [ ! -e "$T/f" ]
}

@test "-C - never truncates the file while the server has not answered" {
	f16_start silent
	printf abcdefghij >"$T/f"
	bg_start "$T/hg.log" "$HTTPGET" -C - -o "$T/f" "http://127.0.0.1:$PORT/file"
	local pid=$BG_PID
	wait_until 5 test -e "$REQ/req.1.1"
	[ "$(rhdr 1 1 Range)" = "bytes=10-" ]
	sleep 0.3
	kill -0 "$pid"
	same "$T/f" abcdefghij
	bg_stop "$pid" || true
	same "$T/f" abcdefghij
}

# --- --retry --------------------------------------------------------------

@test "--retry 3 gets past two 503s on the third connection, a line per retry" {
	f16_start f16-503 f16-503 f16-ok
	hg --retry 3 --retry-delay 0 -o "$T/f" "http://127.0.0.1:$PORT/a"
	status_is 0
	same "$T/f" 'first\n'
	[ ! -s "$OUT" ]
	# K left counts this retry too, as curl's "3 retries left" does;
	# --retry-delay 0 is no wait (curl's 0 is its doubling from 1 s).
	err_is "httpget: 127.0.0.1:$PORT: server returned 503 Service Unavailable; retrying in 0 s (3 left)" \
	    "httpget: 127.0.0.1:$PORT: server returned 503 Service Unavailable; retrying in 0 s (2 left)"
	[ "$(nconn)" -eq 3 ]
	hg -s --retry 3 --retry-delay 0 -o "$T/g" "http://127.0.0.1:$PORT/a"
	expect 0 ""
}

@test "without --retry a 503 is exit 22 after one connection" {
	f16_start f16-503 f16-ok
	hg "http://127.0.0.1:$PORT/a"
	expect 22 'busy\n' "httpget: 127.0.0.1:$PORT: server returned 503 Service Unavailable"
	[ "$(nconn)" -eq 1 ]
	# A status that is not transient is not retried either.
	F16_REQ=$T/r2 f16_start notfound f16-ok
	hg --retry 3 --retry-delay 0 "http://127.0.0.1:$PORT/a"
	expect 22 'not here\r\n' "httpget: 127.0.0.1:$PORT: server returned 404 Not Found"
	[ "$(F16_REQ=$T/r2 nconn)" -eq 1 ]
}

@test "a 429's Retry-After: 1 is waited for, by the server's clock" {
	f16_start f16-429 f16-ok
	hg --retry 2 "http://127.0.0.1:$PORT/a"
	status_is 0
	# As curl, the failed attempt's body was written to standard output.
	same "$OUT" 'slow\nfirst\n'
	err_is "httpget: 127.0.0.1:$PORT: server returned 429 Too Many Requests; retrying in 1 s (2 left)"
	[ "$(nconn)" -eq 2 ]
	# Bound below only (0.9 s), so a slow machine cannot fail it.
	awk -v a="$(conn_at 1)" -v b="$(conn_at 2)" 'BEGIN { exit !(b - a >= 0.9) }' ||
	    { cat "$REQ/log"; false; }
}

@test "without --retry-delay the waits are 1 s, then 2 s; Retry-After may be a date" {
	local when
	f16_start f16-503 f16-503 f16-ok
	hg --retry 5 -o "$T/f" "http://127.0.0.1:$PORT/a"
	status_is 0
	err_is "httpget: 127.0.0.1:$PORT: server returned 503 Service Unavailable; retrying in 1 s (5 left)" \
	    "httpget: 127.0.0.1:$PORT: server returned 503 Service Unavailable; retrying in 2 s (4 left)"
	awk -v a="$(conn_at 1)" -v b="$(conn_at 2)" -v c="$(conn_at 3)" \
	    'BEGIN { exit !(b - a >= 0.9 && c - b >= 1.9) }' || { cat "$REQ/log"; false; }
	# An HTTP date 3 s ahead (to the second): 2 or 3 s to wait.
	when=$(LC_ALL=C TZ=GMT date -d '+3 seconds' '+%a, %d %b %Y %H:%M:%S GMT')
	canned later 'HTTP/1.1 503 Service Unavailable\r\n' \
	    "Retry-After: $when\\r\\n" 'Content-Length: 0\r\n' '\r\n' >/dev/null
	F16_REQ=$T/r2 f16_start "$T/later" f16-ok
	hg --retry 1 -o "$T/g" "http://127.0.0.1:$PORT/a"
	status_is 0
	grep -Eqx "httpget: 127.0.0.1:$PORT: server returned 503 Service Unavailable; retrying in [23] s \(1 left\)" "$ERR" ||
	    { errlines; false; }
	same "$T/g" 'first\n'
	awk -v a="$(F16_REQ=$T/r2 conn_at 1)" -v b="$(F16_REQ=$T/r2 conn_at 2)" \
	    'BEGIN { exit !(b - a >= 1.9) }' || { cat "$T/r2/log"; false; }
}

@test "--retry-max-time: no retry starts once it has passed" {
	f16_start f16-503
	# Attempts at 0 and 2 s; the next would start at 4 s, past 3 s.
	# (curl 7.88 looks at the time when an attempt fails: a third at 4 s.)
	hg -s --retry 10 --retry-delay 2 --retry-max-time 3 -o "$T/f" \
	    "http://127.0.0.1:$PORT/a"
	expect 22 "" "httpget: 127.0.0.1:$PORT: server returned 503 Service Unavailable"
	[ "$(nconn)" -eq 2 ]
	same "$T/f" 'busy\n'
}

@test "--retry-all-errors retries a connection reset; --retry alone does not" {
	f16_start f16-reset f16-ok
	hg --retry 2 --retry-delay 0 "http://127.0.0.1:$PORT/a"
	expect 56 "" "httpget: 127.0.0.1:$PORT: connection reset by peer"
	[ "$(nconn)" -eq 1 ]
	F16_REQ=$T/r2 f16_start f16-reset f16-ok
	hg --retry 2 --retry-all-errors --retry-delay 0 "http://127.0.0.1:$PORT/a"
	status_is 0
	same "$OUT" 'first\n'
	err_is "httpget: 127.0.0.1:$PORT: connection reset by peer; retrying in 0 s (2 left)"
	[ "$(F16_REQ=$T/r2 nconn)" -eq 2 ]
}

@test "connection refused is retried only with --retry-all-errors" {
	local port
	port=$(free_port)
	hg --retry 2 --retry-delay 0 "http://127.0.0.1:$port/"
	expect 7 "" "httpget: 127.0.0.1:$port: connection refused"
	hg --retry 2 --retry-all-errors --retry-delay 0 "http://127.0.0.1:$port/"
	status_is 7
	err_is "httpget: 127.0.0.1:$port: connection refused; retrying in 0 s (2 left)" \
	    "httpget: 127.0.0.1:$port: connection refused; retrying in 0 s (1 left)" \
	    "httpget: 127.0.0.1:$port: connection refused"
}

@test "a retried -o download starts clean: no byte of the failed attempt" {
	# A body cut short (18) is retried with --retry-all-errors ...
	f16_start f16-bad20 f16-good20
	hg -s --retry 1 --retry-all-errors --retry-delay 0 -o "$T/f" "http://127.0.0.1:$PORT/a"
	expect 0 ""
	same "$T/f" 'good good good good\n'
	[ "$(nconn)" -eq 2 ]
	# ... and a timeout (28) with --retry alone, -m bounding each attempt.
	F16_REQ=$T/r2 f16_start f16-stall f16-good20
	hg -s -m 1 --retry 1 --retry-delay 0 -o "$T/g" "http://127.0.0.1:$PORT/a"
	expect 0 ""
	same "$T/g" 'good good good good\n'
	[ "$(F16_REQ=$T/r2 nconn)" -eq 2 ]
}

@test "a retried -C - download resumes from what the file now holds" {
	f16_start f16-206-part f16-206-tail
	printf abcdefghij >"$T/f"
	hg -m 1 --retry 1 --retry-delay 0 -C - -o "$T/f" "http://127.0.0.1:$PORT/file"
	status_is 0
	err_is "httpget: 127.0.0.1:$PORT: timed out after 1 s (5 bytes received); retrying in 0 s (1 left)"
	same "$T/f" 'abcdefghijklmnopqrs\n'
	[ "$(rhdr 1 1 Range)" = "bytes=10-" ]
	[ "$(rhdr 2 1 Range)" = "bytes=15-" ]
}
