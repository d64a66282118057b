#!/usr/bin/env bats
# httpget's everyday curl options other than request bodies (SPEC section
# 3, issue 15: /tmp/h15/spec15.md): -f and its kin, -O and its folders,
# -A -e -u, -D, --max-filesize, -x and --noproxy; the command line itself
# and -w are in httpget-flags-parse.bats.  Against tests/helpers/rawhttp
# on loopback ephemeral ports; each test checks exact bytes and the exit
# status.  Where curl 7.88 differs from the decisions of issue 15, the
# comment says so.

load helpers/common
load helpers/httpget
load helpers/httpget-flags

setup() {
	hg_setup
}

teardown() {
	hg_teardown
}

# --- -f, --fail-with-body, --no-fail, -S -------------------------------------

@test "-f on a 404 writes nothing, even with -i, and exits 22 with one line" {
	raw_start notfound
	# curl 7.88 -fi prints the 404's headers; issue 15 decided nothing.
	for f in -f --fail "-f -i" "-fi" "-f -s" "--fail --include"; do
		hg $f "http://127.0.0.1:$PORT/missing"
		expect 22 "" "httpget: 127.0.0.1:$PORT: server returned 404 Not Found"
	done
}

@test "by default and with --fail-with-body a 404's body is written, exit 22" {
	raw_start notfound
	hg "http://127.0.0.1:$PORT/missing"
	expect 22 "not here\r\n" "httpget: 127.0.0.1:$PORT: server returned 404 Not Found"
	hg --fail-with-body "http://127.0.0.1:$PORT/missing"
	expect 22 "not here\r\n" "httpget: 127.0.0.1:$PORT: server returned 404 Not Found"
	hg -i --fail-with-body "http://127.0.0.1:$PORT/missing"
	expect 22 "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nnot here\r\n" \
	    "httpget: 127.0.0.1:$PORT: server returned 404 Not Found"
}

@test "--no-fail writes the body and exits 0 without a message" {
	raw_start notfound
	hg --no-fail "http://127.0.0.1:$PORT/missing"
	expect 0 "not here\r\n"
	# The later of -f and --no-fail wins, as in curl.
	hg -f --no-fail "http://127.0.0.1:$PORT/missing"
	expect 0 "not here\r\n"
	hg --no-fail -f "http://127.0.0.1:$PORT/missing"
	expect 22 "" "httpget: 127.0.0.1:$PORT: server returned 404 Not Found"
}

@test "-S with -s: errors are still shown" {
	local port
	raw_start notfound
	for f in -sS "-s -S" "--silent --show-error" -s; do
		hg $f "http://127.0.0.1:$PORT/missing"
		expect 22 "not here\r\n" "httpget: 127.0.0.1:$PORT: server returned 404 Not Found"
	done
	port=$(free_port)
	hg -sS "http://127.0.0.1:$port/"
	expect 7 "" "httpget: 127.0.0.1:$port: connection refused"
}

@test "-fsSL follows a redirect chain; a chain ending in a 404 writes nothing" {
	raw_start moved final
	hg -fsSL "http://127.0.0.1:$PORT/a/b/c"
	expect 0 "the final page\n"
	[ "$(reqline 2)" = "GET /a/final?x=1 HTTP/1.1" ]
	RAW_REQ=$T/req2 raw_start f15-tonotfound notfound
	hg -fsSL "http://127.0.0.1:$PORT/a"
	expect 22 "" "httpget: 127.0.0.1:$PORT: server returned 404 Not Found"
	[ "$(head -1 "$T/req2/req.2" | tr -d '\r')" = "GET /missing HTTP/1.1" ]
}

# --- -O, --remote-name-all, --output-dir, --create-dirs ---------------------

@test "-O names the file after the URL's last segment as written" {
	raw_start clen
	mkdir "$T/dl"
	hg_in "$T/dl" -O "http://127.0.0.1:$PORT/a/b%20c.txt?q=1#frag"
	expect 0 ""
	[ "$(ls -A "$T/dl")" = "b%20c.txt" ]
	same "$T/dl/b%20c.txt" "hello, world\n"
	[ "$(reqline 1)" = "GET /a/b%20c.txt?q=1 HTTP/1.1" ]
	hg_in "$T/dl" --remote-name "http://127.0.0.1:$PORT/plain"
	expect 0 ""
	same "$T/dl/plain" "hello, world\n"
	[ "$(ls -A "$T/dl" | wc -l)" -eq 2 ]
}

@test "-O with -L takes the first URL's name" {
	raw_start moved final
	mkdir "$T/dl"
	hg_in "$T/dl" -L -O "http://127.0.0.1:$PORT/a/b/c"
	expect 0 ""
	[ "$(ls -A "$T/dl")" = c ]
	same "$T/dl/c" "the final page\n"
}

@test "-O on a URL without a file name exits 23" {
	raw_start clen
	mkdir "$T/dl"
	hg_in "$T/dl" -O "http://127.0.0.1:$PORT/"
	expect 23 "" "httpget: http://127.0.0.1:$PORT/: no file name in the URL for -O"
	hg_in "$T/dl" -O "http://127.0.0.1:$PORT/dir/?q=name"
	expect 23 "" "httpget: http://127.0.0.1:$PORT/dir/?q=name: no file name in the URL for -O"
	[ -z "$(ls -A "$T/dl")" ]
	# Found before connecting, as curl finds it.
	[ "$(nreq)" -eq 0 ]
}

@test "-O after dot segments are removed: exit 23, nothing leaves the folder" {
	local u
	raw_start clen
	mkdir -p "$T/box/dl"
	# Dot segments go before the name is taken (as curl does): the last
	# segment is never '.' or '..', so these have no name.
	for u in /a/.. /a/b/.. /.. /a/. /x/../.. /a/b/../..; do
		hg_in "$T/box/dl" -O "http://127.0.0.1:$PORT$u"
		expect 23 "" "httpget: http://127.0.0.1:$PORT$u: no file name in the URL for -O"
	done
	[ -z "$(ls -A "$T/box/dl")" ]
	[ "$(nreq)" -eq 0 ]
	# Encoded dots and slashes are not decoded: a name, in the folder.
	hg_in "$T/box/dl" -O "http://127.0.0.1:$PORT/a/%2e%2e"
	expect 0 ""
	hg_in "$T/box/dl" -O "http://127.0.0.1:$PORT/a/..%2Fevil"
	expect 0 ""
	(cd "$T/box" && find . | LC_ALL=C sort) >"$T/found"
	same "$T/found" ".\n./dl\n./dl/%2e%2e\n./dl/..%2Fevil\n"
}

@test "--remote-name-all names the URL's file unless it has -o" {
	raw_start clen
	mkdir "$T/dl"
	hg_in "$T/dl" --remote-name-all "http://127.0.0.1:$PORT/x/all.txt"
	expect 0 ""
	same "$T/dl/all.txt" "hello, world\n"
	hg_in "$T/dl" --remote-name-all -o given "http://127.0.0.1:$PORT/x/two.txt"
	expect 0 ""
	same "$T/dl/given" "hello, world\n"
	[ "$(ls -A "$T/dl" | LC_ALL=C sort | tr '\n' ' ')" = "all.txt given " ]
}

@test "--output-dir holds -O and relative -o files; an absolute -o stays" {
	raw_start clen
	mkdir -p "$T/dl/out"
	hg_in "$T/dl" --output-dir out -o rel "http://127.0.0.1:$PORT/x"
	expect 0 ""
	same "$T/dl/out/rel" "hello, world\n"
	hg_in "$T/dl" --output-dir out -O "http://127.0.0.1:$PORT/p/name.txt"
	expect 0 ""
	same "$T/dl/out/name.txt" "hello, world\n"
	hg --output-dir "$T/dl/out" -o sub.txt "http://127.0.0.1:$PORT/x"
	expect 0 ""
	same "$T/dl/out/sub.txt" "hello, world\n"
	# curl 7.88 puts DIR before an absolute -o too (and fails, 23).
	hg --output-dir "$T/dl/out" -o "$T/abs.txt" "http://127.0.0.1:$PORT/x"
	expect 0 ""
	same "$T/abs.txt" "hello, world\n"
	[ "$(ls -A "$T/dl")" = out ]
	[ "$(ls -A "$T/dl/out" | wc -l)" -eq 3 ]
}

@test "--create-dirs makes the missing folders 0750; without it exit 23" {
	raw_start clen
	umask 022
	hg --create-dirs -o "$T/n1/n2/f" "http://127.0.0.1:$PORT/x"
	expect 0 ""
	same "$T/n1/n2/f" "hello, world\n"
	[ "$(stat -c %a "$T/n1") $(stat -c %a "$T/n1/n2")" = "750 750" ]
	mkdir "$T/dl"
	hg_in "$T/dl" --create-dirs --output-dir od/x -O "http://127.0.0.1:$PORT/p/name.txt"
	expect 0 ""
	same "$T/dl/od/x/name.txt" "hello, world\n"
	hg_in "$T/dl" --create-dirs --output-dir od -o a/b/rel "http://127.0.0.1:$PORT/x"
	expect 0 ""
	same "$T/dl/od/a/b/rel" "hello, world\n"
	[ "$(stat -c %a "$T/dl/od/a") $(stat -c %a "$T/dl/od/a/b")" = "750 750" ]
	hg -o "$T/m1/m2/f" "http://127.0.0.1:$PORT/x"
	expect 23 "" "httpget: $T/m1/m2/f: no such file or directory"
	hg --output-dir "$T/m3" -O "http://127.0.0.1:$PORT/p/name.txt"
	expect 23 "" "httpget: $T/m3/name.txt: no such file or directory"
	[ ! -e "$T/m1" ] && [ ! -e "$T/m3" ]
}

@test "-O never takes the name of a Content-Disposition" {
	raw_start f15-disposition
	mkdir -p "$T/box/dl"
	hg_in "$T/box/dl" -O "http://127.0.0.1:$PORT/dl/page.txt"
	expect 0 ""
	same "$T/box/dl/page.txt" "download\n"
	(cd "$T/box" && find . | LC_ALL=C sort) >"$T/found"
	same "$T/found" ".\n./dl\n./dl/page.txt\n"
	[ ! -e "$T/evil" ]
}

@test "-O leaves no partial file when the transfer fails" {
	raw_start truncated
	mkdir "$T/dl"
	hg_in "$T/dl" -O "http://127.0.0.1:$PORT/x/part.bin"
	expect 18 "" "httpget: 127.0.0.1:$PORT: body cut short: 10 of 100 bytes"
	[ -z "$(ls -A "$T/dl")" ]
}

# --- -A, -e, -u, header injection --------------------------------------------

@test "-A, -e and -u go out in curl's order, before the -H headers" {
	raw_start clen
	hg -A 'Agent/1' -e http://r.example/ -u user:pass -H 'X-A: 1' \
	    "http://127.0.0.1:$PORT/"
	expect 0 "hello, world\n"
	same "$REQ/req.1" "GET / HTTP/1.1\r\nHost: 127.0.0.1:$PORT\r\nAuthorization: Basic dXNlcjpwYXNz\r\nUser-Agent: Agent/1\r\nAccept: */*\r\nReferer: http://r.example/\r\nConnection: close\r\nX-A: 1\r\n\r\n"
}

@test "-A '' sends no User-Agent; -u replaces the URL's credentials" {
	raw_start clen
	hg -A '' -u a:b "http://x:y@127.0.0.1:$PORT/"
	expect 0 "hello, world\n"
	same "$REQ/req.1" "GET / HTTP/1.1\r\nHost: 127.0.0.1:$PORT\r\nAuthorization: Basic YTpi\r\nAccept: */*\r\nConnection: close\r\n\r\n"
	hg -u 'user:' "http://127.0.0.1:$PORT/"
	grep -q $'^Authorization: Basic dXNlcjo=\r$' "$REQ/req.2"
	hg -u 'us:pa:ss' "http://127.0.0.1:$PORT/"
	grep -q "^Authorization: Basic $(printf us:pa:ss | base64)"$'\r$' "$REQ/req.3"
}

@test "-e 'URL;auto' and ';auto': a redirect's Referer is the URL before" {
	raw_start moved moved final
	hg -L -e 'http://ref.example/;auto' "http://127.0.0.1:$PORT/a/b/c#frag"
	expect 0 "the final page\n"
	grep -q $'^Referer: http://ref.example/\r$' "$REQ/req.1"
	grep -q "^Referer: http://127.0.0.1:$PORT/a/b/c"$'\r$' "$REQ/req.2"
	grep -q "^Referer: http://127.0.0.1:$PORT/a/final?x=1"$'\r$' "$REQ/req.3"
	RAW_REQ=$T/req2 raw_start moved final
	hg -L -e ';auto' "http://127.0.0.1:$PORT/a/b/c"
	expect 0 "the final page\n"
	! grep -q '^Referer:' "$T/req2/req.1"
	same "$T/req2/req.2" "GET /a/final?x=1 HTTP/1.1\r\nHost: 127.0.0.1:$PORT\r\nUser-Agent: $(ua)\r\nAccept: */*\r\nReferer: http://127.0.0.1:$PORT/a/b/c\r\nConnection: close\r\n\r\n"
	# Without ;auto the Referer given is sent again, as curl sends it.
	RAW_REQ=$T/req3 raw_start moved final
	hg -L -e 'http://ref.example/' "http://127.0.0.1:$PORT/a/b/c"
	expect 0 "the final page\n"
	grep -q $'^Referer: http://ref.example/\r$' "$T/req3/req.2"
}

@test "-u USER alone reads the password from the terminal, echo off" {
	raw_start clen
	hg_pty secret -u user "http://127.0.0.1:$PORT/"
	[ "$status" -eq 0 ]
	grep -q "Enter host password for user 'user':" "$OUT"
	! grep -q secret "$OUT"
	grep -q 'hello, world' "$OUT"
	grep -q "^Authorization: Basic $(printf user:secret | base64)"$'\r$' \
	    "$REQ/req.1"
}

@test "-u USER with no terminal exits 2 with one line" {
	raw_start clen
	hg_notty -u user "http://127.0.0.1:$PORT/"
	expect 2 "" "httpget: -u user: no password given, and no terminal to ask for it"
	[ "$(nreq)" -eq 0 ]
}

@test "-u, -H, -A and -e with CR or LF exit 2 before connecting" {
	local a inject="a CR, LF or control byte in it would inject a header"
	raw_start clen
	for a in -u$'a\rb:c' -u$'a:b\nc'; do
		hg "$a" "http://127.0.0.1:$PORT/"
		expect 2 "" "httpget: -u: a CR, LF or control byte in the credentials"
	done
	hg -H$'X-A: a\rb' "http://127.0.0.1:$PORT/"
	expect 2 "" "httpget: -H 'X-A: a?b': not a 'Name: value' header"
	hg -H$'X-A: a\nb' "http://127.0.0.1:$PORT/"
	expect 2 "" "httpget: -H 'X-A: a?b': not a 'Name: value' header"
	for a in -A$'ag\r\nX-B: 1' -A$'ag\nent'; do
		hg "$a" "http://127.0.0.1:$PORT/"
		expect 2 "" "httpget: -A: $inject"
	done
	for a in -e$'http://r/\r\nX-B: 1' -e$'http://r/\r'; do
		hg "$a" "http://127.0.0.1:$PORT/"
		expect 2 "" "httpget: -e: $inject"
	done
	[ "$(nreq)" -eq 0 ]
}

@test "-u credentials go along a redirect within the origin, not to another" {
	local other
	RAW_REQ=$T/reqB raw_start clen
	other=$PORT
	redirect_to "$T/toB.txt" "302 Found" "http://127.0.0.1:$other/b"
	raw_start "$T/toB.txt"
	hg -L -u user:pass "http://127.0.0.1:$PORT/a"
	expect 0 "hello, world\n"
	grep -q $'^Authorization: Basic dXNlcjpwYXNz\r$' "$REQ/req.1"
	same "$T/reqB/req.1" "GET /b HTTP/1.1\r\nHost: 127.0.0.1:$other\r\nUser-Agent: $(ua)\r\nAccept: */*\r\nConnection: close\r\n\r\n"
	RAW_REQ=$T/reqC raw_start moved final
	hg -L -u user:pass "http://127.0.0.1:$PORT/a/b/c"
	expect 0 "the final page\n"
	grep -q $'^Authorization: Basic dXNlcjpwYXNz\r$' "$T/reqC/req.1"
	grep -q $'^Authorization: Basic dXNlcjpwYXNz\r$' "$T/reqC/req.2"
}

# --- -D ----------------------------------------------------------------------

@test "-D FILE saves every header block: 100, 103 and the final one" {
	raw_start continue
	hg -D "$T/h" "http://127.0.0.1:$PORT/"
	expect 0 "final\n"
	same "$T/h" "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n"
	hg --dump-header - "http://127.0.0.1:$PORT/"
	expect 0 "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nfinal\n"
}

@test "-D with -L saves a redirect chain's blocks; -D - before the body" {
	local blocks
	blocks="HTTP/1.1 301 Moved Permanently\r\nLocation: ../final?x=1\r\nContent-Length: 6\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n"
	raw_start moved final
	hg -L -D "$T/h" "http://127.0.0.1:$PORT/a/b/c"
	expect 0 "the final page\n"
	same "$T/h" "$blocks"
	RAW_REQ=$T/req2 raw_start moved final
	hg -L -D - "http://127.0.0.1:$PORT/a/b/c"
	expect 0 "${blocks}the final page\n"
	RAW_REQ=$T/req3 raw_start moved final
	hg -L -D - -o "$T/body" "http://127.0.0.1:$PORT/a/b/c"
	expect 0 "$blocks"
	same "$T/body" "the final page\n"
}

@test "-D saves the trailers too; with -f the 404's headers are saved" {
	raw_start chunked
	hg -D "$T/h" "http://127.0.0.1:$PORT/"
	expect 0 "hello, world\nabcdefghijklmnopqrstuvwxyz"
	# As curl writes them: the trailer fields without the empty line.
	same "$T/h" "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\nX-Checksum: 42\r\nX-Other: yes\r\n"
	RAW_REQ=$T/req2 raw_start notfound
	hg -f -D "$T/h404" "http://127.0.0.1:$PORT/"
	expect 22 "" "httpget: 127.0.0.1:$PORT: server returned 404 Not Found"
	same "$T/h404" "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n"
}

# --- --max-filesize ----------------------------------------------------------

@test "--max-filesize: a Content-Length over it exits 63, no body, no -o file" {
	raw_start f15-1k
	mkdir "$T/dl"
	hg --max-filesize 1023 "http://127.0.0.1:$PORT/"
	expect 63 "" "httpget: 127.0.0.1:$PORT: the body is 1024 bytes, over --max-filesize 1023"
	hg --max-filesize 1023 -o "$T/dl/f" "http://127.0.0.1:$PORT/"
	expect 63 "" "httpget: 127.0.0.1:$PORT: the body is 1024 bytes, over --max-filesize 1023"
	[ -z "$(ls -A "$T/dl")" ]
	# 0 is no limit, as in curl.
	hg --max-filesize 0k -o "$T/dl/f" "http://127.0.0.1:$PORT/"
	expect 0 ""
	[ "$(wc -c <"$T/dl/f")" -eq 1024 ]
}

@test "--max-filesize: equal passes; k, m, g suffixes are powers of 1024" {
	local s
	raw_start f15-1k
	for s in 1024 1k 1K 1m 1M 1g 1G 2k; do
		hg --max-filesize "$s" "http://127.0.0.1:$PORT/"
		[ "$status" -eq 0 ] || { echo "status $status for $s"; return 1; }
		[ "$(tr -d x <"$OUT" | wc -c) $(wc -c <"$OUT")" = "0 1024" ]
		same "$ERR" ""
	done
	hg --max-filesize lots "http://127.0.0.1:$PORT/"
	expect 2 "" "httpget: --max-filesize 'lots': not a size"
}

@test "--max-filesize: a chunked or until-close body growing over it exits 63" {
	# curl 7.88 only checks a Content-Length; issue 15 checks every body.
	raw_start f15-chunked-2k
	mkdir "$T/dl"
	hg --max-filesize 1k -o "$T/dl/f" "http://127.0.0.1:$PORT/"
	expect 63 "" "httpget: 127.0.0.1:$PORT: the body is over --max-filesize 1024"
	[ -z "$(ls -A "$T/dl")" ]
	RAW_REQ=$T/req2 raw_start f15-close-2k
	hg --max-filesize 1k -o "$T/dl/f" "http://127.0.0.1:$PORT/"
	expect 63 "" "httpget: 127.0.0.1:$PORT: the body is over --max-filesize 1024"
	[ -z "$(ls -A "$T/dl")" ]
	RAW_REQ=$T/req3 raw_start f15-chunked-1k
	hg --max-filesize 1k -o "$T/dl/f" "http://127.0.0.1:$PORT/"
	expect 0 ""
	[ "$(wc -c <"$T/dl/f")" -eq 1024 ]
}

# --- -x, --noproxy -----------------------------------------------------------

@test "-x sends the absolute-form request to the proxy, over http_proxy" {
	local dead
	dead=$(free_port)
	raw_start proxy
	for p in "-x http://127.0.0.1:$PORT" "--proxy 127.0.0.1:$PORT"; do
		http_proxy=http://127.0.0.1:$dead hg $p http://origin.invalid:8080/p?q
		expect 0 "via proxy\n"
	done
	same "$REQ/req.1" "GET http://origin.invalid:8080/p?q HTTP/1.1\r\nHost: origin.invalid:8080\r\nUser-Agent: $(ua)\r\nAccept: */*\r\nConnection: close\r\n\r\n"
	cmp "$REQ/req.1" "$REQ/req.2"
	hg -x "http://127.0.0.1:$dead" http://origin.invalid/
	expect 7 "" "httpget: 127.0.0.1:$dead: connection refused"
}

@test "-x '' goes straight to the server despite http_proxy" {
	local dead
	dead=$(free_port)
	raw_start clen
	http_proxy=http://127.0.0.1:$dead hg -x '' "http://127.0.0.1:$PORT/direct"
	expect 0 "hello, world\n"
	[ "$(reqline 1)" = "GET /direct HTTP/1.1" ]
}

@test "--noproxy LIST replaces no_proxy" {
	local origin
	RAW_REQ=$T/reqO raw_start clen
	origin=$PORT
	raw_start proxy
	http_proxy=http://127.0.0.1:$PORT no_proxy=127.0.0.1 \
	    hg --noproxy example.org "http://127.0.0.1:$origin/x"
	expect 0 "via proxy\n"
	[ "$(reqline 1)" = "GET http://127.0.0.1:$origin/x HTTP/1.1" ]
	http_proxy=http://127.0.0.1:$PORT hg --noproxy 127.0.0.1 \
	    "http://127.0.0.1:$origin/y"
	expect 0 "hello, world\n"
	hg -x "127.0.0.1:$PORT" --noproxy '*' "http://127.0.0.1:$origin/z"
	expect 0 "hello, world\n"
	[ "$(nreq)" -eq 1 ]
	[ "$(head -1 "$T/reqO/req.2" | tr -d '\r')" = "GET /z HTTP/1.1" ]
}
