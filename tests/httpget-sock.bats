#!/usr/bin/env bats
# httpget end to end for issue 16 (/tmp/h15/spec16.md): --compressed against
# nginx's gzip and gzip_static and against tests/helpers/f16http sending
# deflate (zlib and raw), gzip chunked, a broken stream and a bomb;
# cookies through redirects, after failures and both ways with curl 7.88's
# jar; --unix-socket, --resolve and --connect-to.

load helpers/common
load helpers/httpget
load helpers/httpget-16

AE='gzip, deflate'

setup() {
	hg_setup
}

teardown() {
	hg_teardown
}

# text_www: nginx serving $T/www/text.txt (text, gzipped by nginx) and
# gz/page.txt, whose page.txt.gz holds other words: gzip_static sends
# the .gz file, so what is decoded tells which was sent.
text_www() {
	mkdir -p "$T/www/gz"
	seq -f 'line %g of a text that compresses well' 2000 >"$T/www/text.txt"
	printf 'the plain page\n' >"$T/www/gz/page.txt"
	printf 'the page from the .gz file\n' | gzip -9 -n >"$T/www/gz/page.txt.gz"
	nginx16_or_skip "$T/www"
}

# coded NAME HEADERS BODYFILE: a canned 200 in $T/NAME whose header lines
# (escaped, one argument with \r\n between) come before a Content-Length
# of BODYFILE, then BODYFILE.  Prints its path.
coded() {
	canned "$1" 'HTTP/1.1 200 OK\r\n' "$2" \
	    "Content-Length: $(stat -c %s "$3")\\r\\n" '\r\n' "@file $3"
}

# --- --compressed ---------------------------------------------------------

@test "--compressed decodes nginx's gzip, kept alive, sending Accept-Encoding: $AE" {
	text_www
	hg --compressed "http://127.0.0.1:$PORT/text.txt" "http://127.0.0.1:$PORT/text.txt"
	[ "$status" -eq 0 ] && [ ! -s "$ERR" ] || { echo "status $status"; errlines; false; }
	cmp "$OUT" <(cat "$T/www/text.txt" "$T/www/text.txt")
	wait_until 5 test "$(naccess)" -eq 2
	[ "$(access | cut -d' ' -f1 | sort -u | wc -l)" -eq 1 ]
	[ "$(access | cut -d' ' -f9- | sort -u)" = "\"$AE\" \"keep-alive\" \"-\"" ] ||
	    { access; false; }
	# nginx did compress: fewer bytes went than the file holds.
	[ "$(access | head -1 | cut -d' ' -f7)" -lt "$(stat -c %s "$T/www/text.txt")" ]
}

@test "--compressed: Accept-Encoding goes after Accept, as curl's order has it" {
	f16_start f16-ok
	hg --compressed -e http://r/ "http://127.0.0.1:$PORT/t"
	expect 0 'first\n'
	printf 'GET /t HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nUser-Agent: %s\r\nAccept: */*\r\nAccept-Encoding: %s\r\nReferer: http://r/\r\nConnection: close\r\n\r\n' \
	    "$PORT" "$(ua)" "$AE" >"$T/expected.req"
	cmp "$T/expected.req" "$REQ/req.1.1" || { od -c "$REQ/req.1.1"; false; }
}

@test "gzip_static's .gz is decoded; without --compressed nothing is asked or decoded" {
	text_www
	hg --compressed "http://127.0.0.1:$PORT/gz/page.txt"
	expect 0 'the page from the .gz file\n'
	hg "http://127.0.0.1:$PORT/gz/page.txt"
	expect 0 'the plain page\n'
	# Asked by hand, the gzip body is written as it came.
	hg -H 'Accept-Encoding: gzip' "http://127.0.0.1:$PORT/gz/page.txt"
	[ "$status" -eq 0 ] && [ ! -s "$ERR" ] || { echo "status $status"; errlines; false; }
	cmp "$OUT" "$T/www/gz/page.txt.gz"
}

@test "deflate as zlib and raw, gzip chunked, x-gzip and a gzip transfer coding" {
	local p
	seq -f 'deflated line %g' 500 >"$T/body"
	encode zlib "$T/body" "$T/body.zlib"
	encode raw "$T/body" "$T/body.raw"
	encode gzip "$T/body" "$T/body.gz"
	chunked "$T/body.gz" "$T/body.gz.ch" 100
	coded zlib 'Content-Encoding: deflate\r\n' "$T/body.zlib" >/dev/null
	coded raw 'Content-Encoding: deflate\r\n' "$T/body.raw" >/dev/null
	coded xgzip 'Content-Encoding: x-gzip\r\n' "$T/body.gz" >/dev/null
	canned gzch 'HTTP/1.1 200 OK\r\n' 'Content-Encoding: gzip\r\n' \
	    'Transfer-Encoding: chunked\r\n' '\r\n' "@file $T/body.gz.ch" >/dev/null
	canned tegz 'HTTP/1.1 200 OK\r\n' 'Transfer-Encoding: gzip, chunked\r\n' \
	    '\r\n' "@file $T/body.gz.ch" >/dev/null
	f16_start "$T/zlib" "$T/raw" "$T/xgzip" "$T/gzch" "$T/tegz"
	for p in zlib raw xgzip gzch tegz; do
		hg --compressed "http://127.0.0.1:$PORT/$p"
		[ "$status" -eq 0 ] && [ ! -s "$ERR" ] ||
		    { echo "$p: status $status"; errlines; false; }
		cmp "$OUT" "$T/body" || { echo "$p differs"; false; }
	done
	[ "$(nconn)" -eq 5 ]
}

@test "a broken gzip stream exits 61; so does a coding httpget does not know" {
	printf 'a text to be broken\n' | gzip -n >"$T/good.gz"
	python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[-8] ^= 0xff
open(sys.argv[2], "wb").write(d)
' "$T/good.gz" "$T/badcrc.gz"
	printf 'this is not gzip at all\n' >"$T/junk"
	coded badcrc 'Content-Encoding: gzip\r\n' "$T/badcrc.gz" >/dev/null
	coded junk 'Content-Encoding: gzip\r\n' "$T/junk" >/dev/null
	coded br 'Content-Encoding: br\r\n' "$T/junk" >/dev/null
	f16_start "$T/badcrc" "$T/junk" "$T/br" "$T/badcrc"
	# The CRC is checked at the end, once the bytes went to stdout.
	hg --compressed "http://127.0.0.1:$PORT/badcrc"
	expect 61 'a text to be broken\n' "httpget: 127.0.0.1:$PORT: bad gzip stream: CRC-32 mismatch"
	hg --compressed "http://127.0.0.1:$PORT/junk"
	expect 61 "" "httpget: 127.0.0.1:$PORT: bad gzip stream: not a gzip stream"
	hg --compressed "http://127.0.0.1:$PORT/br"
	expect 61 "" "httpget: 127.0.0.1:$PORT: unsupported content encoding 'br'"
	# Into -o, a stream found broken at its end leaves no file.
	hg --compressed -o "$T/f" "http://127.0.0.1:$PORT/badcrc"
	expect 61 "" "httpget: 127.0.0.1:$PORT: bad gzip stream: CRC-32 mismatch"
	[ ! -e "$T/f" ]
}

@test "a gzip bomb stops at --max-filesize (63); without one it streams in bounded memory" {
	head -c $((64 << 20)) /dev/zero >"$T/zeros"
	encode gzip "$T/zeros" "$T/bomb.gz"
	rm "$T/zeros"
	[ "$(stat -c %s "$T/bomb.gz")" -lt $((128 << 10)) ]
	coded bomb 'Content-Encoding: gzip\r\n' "$T/bomb.gz" >/dev/null
	f16_start "$T/bomb"
	hg --compressed --max-filesize 1M -o "$T/f" "http://127.0.0.1:$PORT/bomb"
	expect 63 "" "httpget: 127.0.0.1:$PORT: the body is over --max-filesize 1048576"
	[ ! -e "$T/f" ]
	hg --compressed -o /dev/null "http://127.0.0.1:$PORT/bomb"
	expect 0 ""
	[ -x /usr/bin/time ] || skip "no /usr/bin/time to measure memory"
	rss_kib "$HTTPGET" --compressed -o /dev/null "http://127.0.0.1:$PORT/bomb"
	status_is 0
	# 64 MiB decoded; httpget's fixed buffers stay far below.
	[ "$RSS" -lt 16384 ] || { echo "peak RSS $RSS KiB"; false; }
}

@test "without --compressed a gzip body is written as it came" {
	printf 'zipped\n' | gzip -n >"$T/z.gz"
	coded z 'Content-Encoding: gzip\r\n' "$T/z.gz" >/dev/null
	f16_start "$T/z"
	hg "http://127.0.0.1:$PORT/z"
	[ "$status" -eq 0 ] && [ ! -s "$ERR" ] || { echo "status $status"; errlines; false; }
	cmp "$OUT" "$T/z.gz"
	[ -z "$(rhdr 1 1 Accept-Encoding)" ]
}

# --- cookies ----------------------------------------------------------------

@test "-L -c jar -b jar: a redirect's cookies go with the next request, Secure not" {
	f16_start f16-cookie-moved f16-cookie-final f16-ok
	hg -L -c "$T/jar" -b "$T/jar" "http://127.0.0.1:$PORT/start"
	# A -b file not there yet is a warning (curl 7.88 says nothing).
	[ "$status" -eq 0 ] && same "$OUT" 'ok\n' &&
	    [ "$(wc -l <"$ERR")" -eq 1 ] || { echo "status $status"; errlines; false; }
	grep -qix "httpget: -b $T/jar: no such file or directory" "$ERR"
	[ -z "$(rhdr 1 1 Cookie)" ]
	[ "$(rline 2 1)" = "GET /p/next HTTP/1.1" ]
	# curl 7.88 sends s=5 too: it takes loopback for a secure context.
	[ "$(rhdr 2 1 Cookie)" = "a=1" ]
	# The jar, in curl's format; the next run sends the /p cookie first.
	grep -v '^# \|^$' "$T/jar" | sort >"$T/lines"
	printf '#HttpOnly_127.0.0.1\tFALSE\t/p\tFALSE\t0\tb\t2\n' >"$T/want"
	printf '127.0.0.1\tFALSE\t/\tFALSE\t0\ta\t1\n127.0.0.1\tFALSE\t/\tTRUE\t0\ts\t5\n' >>"$T/want"
	sort "$T/want" | diff - "$T/lines"
	grep -q '^# Netscape HTTP Cookie File$' "$T/jar"
	hg -b "$T/jar" "http://127.0.0.1:$PORT/p/x"
	expect 0 'first\n'
	[ "$(rhdr 3 1 Cookie)" = "b=2; a=1" ]
}

@test "-c alone turns the engine on; neither -b nor -c: Set-Cookie ignored" {
	f16_start f16-cookie-moved f16-cookie-final f16-cookie-moved f16-cookie-final
	hg -L -c "$T/jar" "http://127.0.0.1:$PORT/start"
	expect 0 'ok\n'
	[ "$(rhdr 2 1 Cookie)" = "a=1" ]
	[ -s "$T/jar" ]
	hg -L "http://127.0.0.1:$PORT/start"
	expect 0 'ok\n'
	[ "$(rline 4 1)" = "GET /p/next HTTP/1.1" ]
	[ -z "$(rhdr 4 1 Cookie)" ]
}

@test "-b NAME=VALUE is sent to every host, in its place before Connection" {
	local port1
	f16_start f16-ok
	port1=$PORT
	redirect_to "$T/moved" '302 Found' "http://127.0.0.1:$port1/there"
	F16_REQ=$T/r2 f16_start "$T/moved"
	hg -L -b 'n=v' -H 'X-A: 1' "http://127.0.0.1:$PORT/here"
	expect 0 'first\n'
	[ "$(F16_REQ=$T/r2 rhdr 1 1 Cookie)" = "n=v" ]
	printf 'GET /there HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nUser-Agent: %s\r\nAccept: */*\r\nCookie: n=v\r\nConnection: close\r\nX-A: 1\r\n\r\n' \
	    "$port1" "$(ua)" >"$T/expected.req"
	cmp "$T/expected.req" "$REQ/req.1.1" || { od -c "$REQ/req.1.1"; false; }
}

@test "-c is written after a failure too" {
	f16_start f16-cookie-404
	hg -f -c "$T/jar" "http://127.0.0.1:$PORT/x"
	expect 22 "" "httpget: 127.0.0.1:$PORT: server returned 404 Not Found"
	grep -q "^127.0.0.1	FALSE	/	FALSE	0	f	1$" "$T/jar"
	# A body cut short after the header: exit 18, the cookie kept.
	canned cut 'HTTP/1.1 200 OK\r\n' 'Set-Cookie: g=2; Path=/\r\n' \
	    'Content-Length: 100\r\n' '\r\n' 'short' >/dev/null
	F16_REQ=$T/r2 f16_start "$T/cut"
	hg -c "$T/jar2" "http://127.0.0.1:$PORT/x"
	[ "$status" -eq 18 ] || { echo "status $status"; errlines; false; }
	grep -q "^127.0.0.1	FALSE	/	FALSE	0	g	2$" "$T/jar2"
}

@test "a Secure cookie from a jar file is never sent" {
	printf '127.0.0.1\tFALSE\t/\tTRUE\t0\ts\t1\n127.0.0.1\tFALSE\t/\tFALSE\t0\tp\t2\n' >"$T/jar"
	f16_start f16-ok
	hg -b "$T/jar" "http://127.0.0.1:$PORT/"
	expect 0 'first\n'
	[ "$(rhdr 1 1 Cookie)" = "p=2" ]
}

@test "cookie jars go both ways between curl and httpget: the same cookies sent" {
	command -v curl >/dev/null || skip_or_fail "no curl"
	# e=5 has the default path of /p/start: RFC 6265's "/p", which curl
	# writes and compares as "/p/", so curl sends it before b=2 (Path=/p)
	# and httpget after, b being the older: the same cookies, in the
	# order each means.
	local want='b=2; e=5; a=1; c=3; d=4' curl='e=5; b=2; a=1; c=3; d=4'
	f16_start f16-cookie-set f16-ok f16-ok f16-cookie-set f16-ok f16-ok
	# curl's jar read by httpget ...
	curl -s -o /dev/null -c "$T/cj" "http://127.0.0.1:$PORT/p/start"
	hg -b "$T/cj" "http://127.0.0.1:$PORT/p/x"
	expect 0 'first\n'
	curl -s -o /dev/null -b "$T/cj" "http://127.0.0.1:$PORT/p/x"
	[ "$(rhdr 2 1 Cookie)" = "$want" ]
	[ "$(rhdr 3 1 Cookie)" = "$curl" ]
	# ... and httpget's read by curl.
	hg -o /dev/null -c "$T/hj" "http://127.0.0.1:$PORT/p/start"
	expect 0 ""
	curl -s -o /dev/null -b "$T/hj" "http://127.0.0.1:$PORT/p/x"
	hg -b "$T/hj" "http://127.0.0.1:$PORT/p/x"
	expect 0 'first\n'
	[ "$(rhdr 5 1 Cookie)" = "$curl" ]
	[ "$(rhdr 6 1 Cookie)" = "$want" ]
}

# --- --unix-socket, --resolve, --connect-to -------------------------------

@test "--unix-socket: the requests go to the socket, Host from the URL" {
	f16_unix_start "$T/s.sock" f16-ok,f16-ok2 f16-ok
	hg --unix-socket "$T/s.sock" http://example.test/x http://example.test/y
	expect 0 'first\nsecond\n'
	[ "$(nconn)" -eq 1 ]
	printf 'GET /x HTTP/1.1\r\nHost: example.test\r\nUser-Agent: %s\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n' \
	    "$(ua)" >"$T/expected.req"
	cmp "$T/expected.req" "$REQ/req.1.1" || { od -c "$REQ/req.1.1"; false; }
	[ "$(rline 1 2)" = "GET /y HTTP/1.1" ]
	hg --unix-socket "$T/s.sock" http://example.test:8080/z
	expect 0 'first\n'
	[ "$(rhdr 2 1 Host)" = "example.test:8080" ]
}

@test "--unix-socket: a missing path or one that is no socket exits 7" {
	hg --unix-socket "$T/none" http://localhost/
	expect 7 "" "httpget: $T/none: no such file or directory"
	: >"$T/plain"
	hg --unix-socket "$T/plain" http://localhost/
	expect 7 "" "httpget: $T/plain: not a socket"
}

@test "--resolve sends a made-up name to 127.0.0.1; Host keeps the name" {
	f16_start f16-ok
	hg --resolve "example.test:$PORT:127.0.0.1" "http://example.test:$PORT/x"
	expect 0 'first\n'
	[ "$(rhdr 1 1 Host)" = "example.test:$PORT" ]
	# Addresses are tried in order: 127.0.0.2 refuses, 127.0.0.1 answers.
	hg --resolve "example.test:$PORT:127.0.0.2,127.0.0.1" "http://example.test:$PORT/y"
	expect 0 'first\n'
	[ "$(rline 2 1)" = "GET /y HTTP/1.1" ]
	# An entry for another port is not used.
	hg --resolve "example.test:1:127.0.0.1" "http://example.test:$PORT/z"
	expect 6 "" "httpget: example.test: unknown host"
	[ "$(nconn)" -eq 2 ]
	# IPv6 in brackets or bare is taken (and refused: f16http is on
	# 127.0.0.1), with no lookup of the name.
	hg --resolve "example.test:$PORT:[::1]" "http://example.test:$PORT/v"
	expect 7 "" "httpget: example.test:$PORT: connection refused"
	hg --resolve "example.test:$PORT:::1" "http://example.test:$PORT/v"
	expect 7 "" "httpget: example.test:$PORT: connection refused"
}

@test "--resolve: a bad entry exits 49" {
	local e
	while IFS='|' read -r e why; do
		hg --resolve "$e" http://example.test/
		expect 49 "" "httpget: --resolve '$e': $why"
	done <<-EOF
	example.test|no ':' after the host
	example.test:99999:127.0.0.1|bad port
	example.test:x:127.0.0.1|bad port
	example.test:80:notanaddress|bad address
	example.test:80:|no address
	EOF
}

@test "--connect-to name:port:127.0.0.1:PORT; empty fields mean any or the same" {
	f16_start f16-ok
	hg --connect-to "example.test:80:127.0.0.1:$PORT" http://example.test/x
	expect 0 'first\n'
	[ "$(rhdr 1 1 Host)" = "example.test" ]
	hg --connect-to "::127.0.0.1:$PORT" http://other.test:81/y
	expect 0 'first\n'
	[ "$(rhdr 2 1 Host)" = "other.test:81" ]
	hg --connect-to "example.test::127.0.0.1:$PORT" http://example.test:82/z
	expect 0 'first\n'
	hg --connect-to "example.test:$PORT:127.0.0.1:" "http://example.test:$PORT/w"
	expect 0 'first\n'
	[ "$(rhdr 4 1 Host)" = "example.test:$PORT" ]
	hg --connect-to "example.test:80:127.0.0.1:99999" http://example.test/
	expect 49 "" "httpget: --connect-to 'example.test:80:127.0.0.1:99999': bad port"
	# curl 7.88 ignores this one (then exit 6); spec16 calls it bad.
	hg --connect-to "example.test:80" http://example.test/
	expect 49 "" "httpget: --connect-to 'example.test:80': not HOST1:PORT1:HOST2:PORT2"
}
