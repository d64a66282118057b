#!/usr/bin/env bats
# httpget with several URLs (issue 16: /tmp/h15/spec16.md): -o and -O bound
# to URLs in order, connections kept alive and reused (counted from nginx's
# access log, whose lines start with the connection's number, and from
# tests/helpers/f16http's), a kept connection the server closed, -w once per
# URL and the exit status of the last failure.

load helpers/common
load helpers/httpget
load helpers/httpget-16

setup() {
	hg_setup
}

teardown() {
	hg_teardown
}

# two_www: nginx serving $T/www/one.txt and two.bin (and their copies
# under close/, where nginx keeps no connection alive).
two_www() {
	mkdir -p "$T/www/close"
	printf 'the first file\n' >"$T/www/one.txt"
	patterned "$T/www/two.bin" 100000
	cp "$T/www/one.txt" "$T/www/two.bin" "$T/www/close/"
	nginx16_or_skip "$T/www"
}

# logged N: waits until nginx has logged N requests.
logged() {
	wait_until 5 test "$(naccess)" -ge "$1" || { access; false; }
	[ "$(naccess)" -eq "$1" ] || { access; false; }
}

# conns_are LIST: the logged requests came on connections numbered as in
# LIST, renumbered from 1 in order of appearance ("1 1 2": two on the
# first connection, one on another).
conns_are() {
	local got
	got=$(access | awk '{ if (!($1 in n)) n[$1] = ++k; printf "%s%d", s, n[$1]; s = " " }')
	[ "$got" = "$1" ] && return 0
	echo "connections: $got, expected $1"
	access
	return 1
}

@test "two URLs with -o a -o b: two files on one kept-alive connection" {
	two_www
	hg "http://127.0.0.1:$PORT/one.txt" "http://127.0.0.1:$PORT/two.bin" \
	    -o "$T/a" -o "$T/b"
	expect 0 ""
	cmp "$T/a" "$T/www/one.txt"
	cmp "$T/b" "$T/www/two.bin"
	logged 2
	conns_are "1 1"
	# The connection's request count, and Connection: keep-alive sent.
	[ "$(access | cut -d' ' -f2)" = "1
2" ]
	[ "$(access | cut -d' ' -f10 | sort -u)" = '"keep-alive"' ]
}

@test "three URLs on one connection; the URLs without -o go to standard output" {
	two_www
	hg -o "$T/a" "http://127.0.0.1:$PORT/one.txt" \
	    "http://127.0.0.1:$PORT/two.bin" "http://127.0.0.1:$PORT/one.txt"
	[ "$status" -eq 0 ] && [ ! -s "$ERR" ] || { echo "status $status"; errlines; false; }
	cmp "$T/a" "$T/www/one.txt"
	cmp "$OUT" <(cat "$T/www/two.bin" "$T/www/one.txt")
	logged 3
	conns_are "1 1 1"
}

@test "several URLs send Connection: keep-alive where curl's order puts it" {
	f16_start f16-ok,f16-ok2
	hg -H 'X-A: 1' "http://127.0.0.1:$PORT/a" "http://127.0.0.1:$PORT/b"
	expect 0 'first\nsecond\n'
	[ "$(nconn)" -eq 1 ]
	for k in 1 2; do
		printf 'GET /%s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nUser-Agent: %s\r\nAccept: */*\r\nConnection: keep-alive\r\nX-A: 1\r\n\r\n' \
		    "$(echo _ab | cut -c$((k + 1)))" "$PORT" "$(ua)" >"$T/expected.req"
		cmp "$T/expected.req" "$REQ/req.1.$k" ||
		    { od -c "$REQ/req.1.$k"; false; }
	done
}

@test "-O twice, and --remote-name-all with an -o bound to the first URL" {
	two_www
	mkdir "$T/d" "$T/e"
	hg_cd "$T/d" -O "http://127.0.0.1:$PORT/one.txt" -O "http://127.0.0.1:$PORT/two.bin"
	expect 0 ""
	cmp "$T/d/one.txt" "$T/www/one.txt"
	cmp "$T/d/two.bin" "$T/www/two.bin"
	[ "$(ls "$T/d" | wc -l)" -eq 2 ]
	# As curl: the k-th -o goes to the k-th URL that has none yet.
	hg_cd "$T/e" --remote-name-all "http://127.0.0.1:$PORT/one.txt" \
	    "http://127.0.0.1:$PORT/two.bin" -o x "http://127.0.0.1:$PORT/close/one.txt"
	expect 0 ""
	[ "$(ls "$T/e" | tr '\n' ' ')" = "one.txt two.bin x " ]
	cmp "$T/e/x" "$T/www/one.txt"
	cmp "$T/e/two.bin" "$T/www/two.bin"
	cmp "$T/e/one.txt" "$T/www/one.txt"
	logged 5
	conns_are "1 1 2 2 2"
}

@test "two servers are two connections" {
	two_www
	hg -o "$T/a" -o "$T/b" "http://127.0.0.1:$PORT/one.txt" \
	    "http://127.0.0.1:$PORT2/one.txt"
	expect 0 ""
	cmp "$T/a" "$T/www/one.txt"
	cmp "$T/b" "$T/www/one.txt"
	logged 2
	conns_are "1 2"
	# Back to the first: its connection is still kept.
	: >"$T/nginx/logs/access.log"
	hg "http://127.0.0.1:$PORT/one.txt" "http://127.0.0.1:$PORT2/one.txt" \
	    "http://127.0.0.1:$PORT/one.txt"
	expect 0 'the first file\nthe first file\nthe first file\n'
	logged 3
	conns_are "1 2 1"
}

@test "a server's Connection: close makes a new connection for the next URL" {
	two_www
	hg "http://127.0.0.1:$PORT/close/one.txt" "http://127.0.0.1:$PORT/close/one.txt"
	expect 0 'the first file\nthe first file\n'
	logged 2
	conns_are "1 2"
	f16_start f16-connclose,f16-ok2 f16-ok2
	hg "http://127.0.0.1:$PORT/a" "http://127.0.0.1:$PORT/b"
	expect 0 'first\nsecond\n'
	[ "$(nconn)" -eq 2 ] && [ "$(nreqs)" -eq 2 ]
	[ "$(rline 2 1)" = "GET /b HTTP/1.1" ]
}

@test "a body that ends at close, or HTTP/1.0, is no connection to keep" {
	f16_start close f16-ok2
	hg "http://127.0.0.1:$PORT/a" "http://127.0.0.1:$PORT/b"
	expect 0 'until the server closes\nsecond line\nsecond\n'
	[ "$(nconn)" -eq 2 ] && [ "$(nreqs)" -eq 2 ]
}

@test "a kept connection closed before the answer: the GET goes again on a new one" {
	# The server reads the second request, then closes (EOF) ...
	f16_start f16-ok,f16-drop f16-ok2
	hg "http://127.0.0.1:$PORT/a" "http://127.0.0.1:$PORT/b"
	expect 0 'first\nsecond\n'
	[ "$(nconn)" -eq 2 ]
	[ "$(rline 1 2)" = "GET /b HTTP/1.1" ]
	[ "$(rline 2 1)" = "GET /b HTTP/1.1" ]
	# ... or resets it ...
	F16_REQ=$T/r2 f16_start f16-ok,f16-reset f16-ok2
	hg "http://127.0.0.1:$PORT/a" "http://127.0.0.1:$PORT/b"
	expect 0 'first\nsecond\n'
	[ "$(F16_REQ=$T/r2 nconn)" -eq 2 ]
	# ... or closed it right after the first answer, while idle.
	F16_REQ=$T/r3 f16_start f16-okclose f16-ok2
	hg "http://127.0.0.1:$PORT/a" "http://127.0.0.1:$PORT/b"
	expect 0 'first\nsecond\n'
	[ "$(F16_REQ=$T/r3 nconn)" -eq 2 ]
	[ "$(F16_REQ=$T/r3 rline 2 1)" = "GET /b HTTP/1.1" ]
}

@test "a HEAD and a PUT are sent again on a new connection too" {
	f16_start f16-head,f16-drop f16-head
	hg -I "http://127.0.0.1:$PORT/a" "http://127.0.0.1:$PORT/b"
	expect 0 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n'
	[ "$(nconn)" -eq 2 ]
	[ "$(rline 2 1)" = "HEAD /b HTTP/1.1" ]
	F16_REQ=$T/r2 f16_start f16-ok,f16-drop f16-ok2
	hg -X PUT --data-binary 'put me' "http://127.0.0.1:$PORT/a" \
	    "http://127.0.0.1:$PORT/b"
	expect 0 'first\nsecond\n'
	[ "$(F16_REQ=$T/r2 nconn)" -eq 2 ]
	[ "$(F16_REQ=$T/r2 rline 2 1)" = "PUT /b HTTP/1.1" ]
	[ "$(tail -c 6 "$T/r2/req.2.1")" = "put me" ]
}

@test "a POST on a kept connection that closed is not sent again: its failure" {
	f16_start f16-ok,f16-drop f16-ok2
	hg -d x=1 "http://127.0.0.1:$PORT/a" "http://127.0.0.1:$PORT/b"
	# curl 7.88 sends the POST again (exit 0); spec16 does not.
	expect 52 'first\n' "httpget: 127.0.0.1:$PORT: the server closed the kept connection before answering; a POST is not sent twice"
	[ "$(nconn)" -eq 1 ]
	[ "$(rline 1 2)" = "POST /b HTTP/1.1" ]
}

@test "-w is written once per URL" {
	f16_start f16-ok,f16-ok2
	hg -w '%{http_code} %{url_effective} %{size_download} %{exitcode}\n' \
	    "http://127.0.0.1:$PORT/a" "http://127.0.0.1:$PORT/b"
	expect 0 "first\n200 http://127.0.0.1:$PORT/a 6 0\nsecond\n200 http://127.0.0.1:$PORT/b 7 0\n"
	# With -f the 404's connection may be kept or not.
	F16_REQ=$T/r2 f16_start notfound,f16-ok f16-ok
	hg -f -w '%{http_code} %{exitcode}\n' -o "$T/a" -o "$T/b" \
	    "http://127.0.0.1:$PORT/a" "http://127.0.0.1:$PORT/b"
	expect 22 '404 22\n200 0\n' "httpget: 127.0.0.1:$PORT: server returned 404 Not Found"
	[ ! -e "$T/a" ]
	same "$T/b" 'first\n'
}

@test "a failing URL does not stop the next; the exit status is the last failure's" {
	local port
	f16_start notfound,f16-ok
	hg "http://127.0.0.1:$PORT/a" "http://127.0.0.1:$PORT/b"
	# curl 7.88 exits with the last transfer's status (0 here).
	expect 22 'not here\r\nfirst\n' "httpget: 127.0.0.1:$PORT: server returned 404 Not Found"
	[ "$(nconn)" -eq 1 ]
	port=$(free_port)
	F16_REQ=$T/r2 f16_start notfound
	hg "http://127.0.0.1:$port/a" "http://127.0.0.1:$PORT/b"
	status_is 22
	same "$OUT" 'not here\r\n'
	err_is "httpget: 127.0.0.1:$port: connection refused" \
	    "httpget: 127.0.0.1:$PORT: server returned 404 Not Found"
	hg "http://127.0.0.1:$PORT/a" "http://127.0.0.1:$port/b"
	status_is 7
	err_is "httpget: 127.0.0.1:$PORT: server returned 404 Not Found" \
	    "httpget: 127.0.0.1:$port: connection refused"
	F16_REQ=$T/r3 f16_start notfound,notfound
	hg -s --no-fail "http://127.0.0.1:$PORT/a" "http://127.0.0.1:$PORT/b"
	expect 0 'not here\r\nnot here\r\n'
}

@test "a URL that fails to connect leaves standard input to the next: -T - still reads it" {
	local free
	load helpers/httpget-body
	free=$(free_port)
	body_start ok
	hg_pipe "printf hello" -T - "http://127.0.0.1:$free/up" \
	    "http://127.0.0.1:$PORT/up"
	[ "$status" -eq 7 ]	# the last failure's, as curl's
	grep -qx "httpget: 127.0.0.1:$free: connection refused" "$ERR"
	body_done 1
	same "$REQ/body.1" "hello"
}
