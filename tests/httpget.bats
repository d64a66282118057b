#!/usr/bin/env bats
# httpget (SPEC section 3): against the scripted raw server of
# tests/helpers/rawhttp, python3's http.server and nginx, all on loopback
# ephemeral ports.  Each test checks exact bytes and the exit status.

load helpers/common
load helpers/httpget

setup() {
	hg_setup
}

teardown() {
	hg_teardown
}

# --- URLs and usage --------------------------------------------------------

@test "httpget without a URL prints the usage and exits 2" {
	hg
	expect 2 "" "usage: httpget [-fGiIOsSvL46] [-d DATA] [-F NAME=VALUE] [-T FILE] [-X METHOD] [-o FILE] [-H 'Name: value']... [-w FORMAT] [option]... URL..."
	hg -Z http://127.0.0.1/
	[ "$status" -eq 2 ]
	hg -m soon http://127.0.0.1/
	expect 2 "" "httpget: -m 'soon': not a number"
	hg -H $'X-Evil: a\r\nInjected: b' http://127.0.0.1/
	expect 2 "" "httpget: -H 'X-Evil: a??Injected: b': not a 'Name: value' header"
}

@test "malformed URLs exit 3 with the cause" {
	hg http://127.0.0.1:99999/
	expect 3 "" "httpget: http://127.0.0.1:99999/: port 99999: too large"
	hg http://127.0.0.1:0/
	expect 3 "" "httpget: http://127.0.0.1:0/: port 0: too small"
	hg http://127.0.0.1:8o/
	expect 3 "" "httpget: http://127.0.0.1:8o/: port '8o': not a number"
	hg $'http://127.0.0.1/a\tb'
	expect 3 "" "httpget: http://127.0.0.1/a?b: control character in the URL"
	hg http:///path
	expect 3 "" "httpget: http:///path: no host name"
	hg 'http://[::1/'
	expect 3 "" "httpget: http://[::1/: '[' without ']'"
	hg 'http://[::g]/'
	expect 3 "" "httpget: http://[::g]/: bad IPv6 address"
	hg 'http://exa$mple/'
	expect 3 "" "httpget: http://exa\$mple/: bad character in the host name"
}

@test "--help prints the usage line, then a line for each option" {
	hg --help
	[ "$status" -eq 0 ] && [ ! -s "$ERR" ]
	[ "$(head -1 "$OUT")" = "usage: httpget [-fGiIOsSvL46] [-d DATA] [-F NAME=VALUE] [-T FILE] [-X METHOD] [-o FILE] [-H 'Name: value']... [-w FORMAT] [option]... URL..." ]
	[ "$(sed -n 2p "$OUT")" = "  -4, --ipv4                    use IPv4 addresses only" ]
	# every option has its line, and no other line is there
	for o in -4 -6 -A -d -D -e -f -F -G -H -h -I -i -L -m -O -o -S -s -T \
	    -u -V -v -w -X -x --connect-timeout --create-dirs --data-ascii \
	    --data-binary --data-raw --data-urlencode --fail-with-body \
	    --form-string --max-filesize --max-redirs --no-fail --noproxy \
	    --output-dir --remote-name-all --ipv4 --ipv6 --user-agent --data \
	    --dump-header --referer --fail --form --get --header --help \
	    --head --include --location --max-time --remote-name --output \
	    --show-error --silent --upload-file --user --version --verbose \
	    --write-out --request --proxy -b -c -C --cookie --cookie-jar \
	    --continue-at --compressed --connect-to --resolve --retry \
	    --retry-all-errors --retry-delay --retry-max-time --unix-socket; do
		grep -Eq -- "(^| )$o[ ,]" "$OUT" || { echo "no line for $o"; return 1; }
	done
	[ "$(wc -l <"$OUT")" -eq 52 ]
	[ "$(awk 'NR > 1 && length > 80' "$OUT")" = "" ]
}

@test "https:// and other schemes exit 1" {
	hg https://127.0.0.1/
	expect 1 "" "httpget: https://127.0.0.1/: https is not supported (no TLS in httpget)"
	hg ftp://127.0.0.1/
	expect 1 "" "httpget: ftp://127.0.0.1/: unsupported protocol 'ftp'"
}

@test "an unknown host exits 6" {
	hg http://no-such-host.invalid/
	expect 6 "" "httpget: no-such-host.invalid: unknown host"
}

@test "dot segments are removed from a URL, as curl does" {
	local u urls i
	raw_start clen
	urls=("http://127.0.0.1:$PORT/please/../gimme"
	    "http://127.0.0.1:$PORT/a/./b/../../c/"
	    "http://127.0.0.1:$PORT/../../x/." "127.0.0.1:$PORT/x/../y?z=/../"
	    "http://127.0.0.1:$PORT/a/b/..?q#f/.."
	    "http://127.0.0.1:$PORT/a/%2e%2E/b")
	for u in "${urls[@]}"; do
		hg "$u"
		expect 0 "hello, world\n"
	done
	[ "$(reqline 1)" = "GET /gimme HTTP/1.1" ]
	[ "$(reqline 2)" = "GET /c/ HTTP/1.1" ]
	[ "$(reqline 3)" = "GET /x/ HTTP/1.1" ]
	[ "$(reqline 4)" = "GET /y?z=/../ HTTP/1.1" ]
	[ "$(reqline 5)" = "GET /a/?q HTTP/1.1" ]
	[ "$(reqline 6)" = "GET /a/%2e%2E/b HTTP/1.1" ]
	command -v curl >/dev/null || return 0
	for u in "${urls[@]}"; do
		timeout 30 curl -s --noproxy '*' -o /dev/null "$u"
	done
	for i in 1 2 3 4 5 6; do
		[ "$(reqline $((i + 6)))" = "$(reqline "$i")" ]
	done
}

@test "spaces and non-ASCII bytes in path and query go out %-encoded" {
	raw_start clen
	hg "http://127.0.0.1:$PORT/a b/bü?q=x yü#frag ment"
	expect 0 "hello, world\n"
	[ "$(reqline 1)" = "GET /a%20b/b%C3%BC?q=x%20y%C3%BC HTTP/1.1" ]
	hg "127.0.0.1:$PORT/bücher"
	expect 0 "hello, world\n"
	[ "$(reqline 2)" = "GET /b%C3%BCcher HTTP/1.1" ]
}

@test "an IPv6 zone id is accepted, and kept out of Host" {
	have_ipv6 || skip "no ::1 here"
	raw_start -6 clen
	hg "http://[::1%25lo]:$PORT/zone"
	expect 0 "hello, world\n"
	same "$REQ/req.1" "GET /zone HTTP/1.1\r\nHost: [::1]:$PORT\r\nUser-Agent: $(ua)\r\nAccept: */*\r\nConnection: close\r\n\r\n"
	hg "http://[::1%lo]:$PORT/"
	expect 0 "hello, world\n"
	hg "http://[fe80::1%25nosuchif0]:$PORT/"
	expect 6 "" "httpget: fe80::1%nosuchif0: no network interface 'nosuchif0'"
}

@test "a non-ASCII host name exits 3 naming IDN, the host as typed" {
	hg http://bücher.example/
	expect 3 "" "httpget: http://bücher.example/: host name 'bücher.example' is not ASCII: no IDN support in httpget (use its xn-- form)"
	hg bücher.example:8080/x
	expect 3 "" "httpget: bücher.example:8080/x: host name 'bücher.example' is not ASCII: no IDN support in httpget (use its xn-- form)"
}

@test "URLs, user names and header lines as long as curl takes are taken" {
	local path user
	path=$(head -c 100000 /dev/zero | tr '\0' a)
	user=$(head -c 1000 /dev/zero | tr '\0' u)
	raw_start clen
	hg "http://127.0.0.1:$PORT/$path"
	expect 0 "hello, world\n"
	[ "$(reqline 1)" = "GET /$path HTTP/1.1" ]
	hg "http://$user:pw@127.0.0.1:$PORT/"
	expect 0 "hello, world\n"
	grep -q "^Authorization: Basic $(printf '%s:pw' "$user" | base64 -w0)"$'\r$' \
	    "$REQ/req.2"
	# curl takes a header line of 100 KiB
	printf 'HTTP/1.1 200 OK\\r\\n\nX-Big: \n@repeat 102400 a\n\\r\\n\nContent-Length: 3\\r\\n\n\\r\\nok\\n\n' \
	    >"$T/bigline.txt"
	bg_stop_all
	raw_start "$T/bigline.txt"
	hg "http://127.0.0.1:$PORT/"
	expect 0 "ok\n"
}

@test "a refused port exits 7 naming host and port" {
	local port
	port=$(free_port)
	hg "http://127.0.0.1:$port/"
	expect 7 "" "httpget: 127.0.0.1:$port: connection refused"
	hg "localhost:$port"
	expect 7 "" "httpget: localhost:$port: connection refused"
}

@test "a bare host:port/path and the :port shorthand mean http" {
	raw_start clen
	hg "127.0.0.1:$PORT/bare?x=1"
	expect 0 "hello, world\n"
	[ "$(reqline 1)" = "GET /bare?x=1 HTTP/1.1" ]
	hg ":$PORT"
	expect 0 "hello, world\n"
	[ "$(reqline 2)" = "GET / HTTP/1.1" ]
	grep -q "^Host: localhost:$PORT"$'\r$' "$REQ/req.2"
}

# --- the request ---------------------------------------------------------

@test "the request line and headers are exactly as specified" {
	raw_start clen
	hg "http://127.0.0.1:$PORT/a/b.txt?q=1&r=2#fragment"
	expect 0 "hello, world\n"
	same "$REQ/req.1" "GET /a/b.txt?q=1&r=2 HTTP/1.1\r\nHost: 127.0.0.1:$PORT\r\nUser-Agent: $(ua)\r\nAccept: */*\r\nConnection: close\r\n\r\n"
}

@test "-H adds headers, replaces ours, and 'Name:' drops one" {
	raw_start clen
	hg -H 'X-Test: 1' -H 'Accept: text/plain' -H 'User-Agent:' -H 'X-Empty;' \
	    "http://127.0.0.1:$PORT/"
	expect 0 "hello, world\n"
	same "$REQ/req.1" "GET / HTTP/1.1\r\nHost: 127.0.0.1:$PORT\r\nConnection: close\r\nX-Test: 1\r\nAccept: text/plain\r\nX-Empty:\r\n\r\n"
}

@test "of several -H Host, the first is sent, first" {
	raw_start clen
	hg -H 'X-A: 1' -H 'Host: first.example' -H 'Host: second.example' \
	    "http://127.0.0.1:$PORT/"
	expect 0 "hello, world\n"
	same "$REQ/req.1" "GET / HTTP/1.1\r\nHost: first.example\r\nUser-Agent: $(ua)\r\nAccept: */*\r\nConnection: close\r\nX-A: 1\r\n\r\n"
}

@test "user:password in the URL is sent as Basic credentials" {
	raw_start clen
	hg "http://user:p%40ss@127.0.0.1:$PORT/"
	expect 0 "hello, world\n"
	grep -q $'^Authorization: Basic dXNlcjpwQHNz\r$' "$REQ/req.1"
}

@test "http_proxy gets the absolute-form request line" {
	raw_start proxy
	http_proxy=http://127.0.0.1:$PORT hg http://origin.invalid:8080/p?q
	expect 0 "via proxy\n"
	same "$REQ/req.1" "GET http://origin.invalid:8080/p?q HTTP/1.1\r\nHost: origin.invalid:8080\r\nUser-Agent: $(ua)\r\nAccept: */*\r\nConnection: close\r\n\r\n"
}

@test "no_proxy bypasses http_proxy; a dead proxy exits 7 naming it" {
	local dead
	dead=$(free_port)
	raw_start clen
	http_proxy=http://127.0.0.1:$dead no_proxy=example.org,127.0.0.1 \
	    hg "http://127.0.0.1:$PORT/direct"
	expect 0 "hello, world\n"
	[ "$(reqline 1)" = "GET /direct HTTP/1.1" ]
	http_proxy=http://127.0.0.1:$dead no_proxy=.example.org \
	    hg "http://127.0.0.1:$PORT/"
	expect 7 "" "httpget: 127.0.0.1:$dead: connection refused"
	http_proxy=http://127.0.0.1:$PORT no_proxy=127.0.0.0/8 \
	    hg "http://127.0.0.1:$PORT/cidr"
	expect 0 "hello, world\n"
	[ "$(reqline 2)" = "GET /cidr HTTP/1.1" ]
}

@test "IPv6 literals work and keep their brackets in Host" {
	have_ipv6 || skip "no ::1 here"
	raw_start -6 clen
	hg "http://[::1]:$PORT/six"
	expect 0 "hello, world\n"
	grep -q "^Host: \[::1\]:$PORT"$'\r$' "$REQ/req.1"
	hg -4 "http://[::1]:$PORT/"
	[ "$status" -eq 6 ]
}

@test "-4 connects over IPv4; -6 finds no IPv4 address" {
	raw_start clen
	hg -4 "http://127.0.0.1:$PORT/"
	expect 0 "hello, world\n"
	hg -6 "http://127.0.0.1:$PORT/"
	[ "$status" -eq 6 ]
	[ ! -s "$OUT" ]
}

# --- the response --------------------------------------------------------

@test "a Content-Length body is printed exactly" {
	raw_start clen
	hg "http://127.0.0.1:$PORT/"
	expect 0 "hello, world\n"
}

@test "a chunked body with extensions and trailers is decoded" {
	raw_start chunked
	hg "http://127.0.0.1:$PORT/"
	expect 0 "hello, world\nabcdefghijklmnopqrstuvwxyz"
}

@test "-i prints the header blocks raw, the body decoded, then trailers" {
	raw_start chunked
	hg -i "http://127.0.0.1:$PORT/"
	expect 0 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\nhello, world\nabcdefghijklmnopqrstuvwxyzX-Checksum: 42\r\nX-Other: yes\r\n"
}

@test "a body without length ends when the server closes" {
	raw_start close
	hg "http://127.0.0.1:$PORT/"
	expect 0 "until the server closes\nsecond line\n"
}

@test "a Content-Length or chunk size that would wrap exits 8 at once" {
	local c t0 ms
	for c in clen-wrap clen-wrap-pair clen-wrap-list; do
		bg_stop_all
		raw_start "$c"
		hg "http://127.0.0.1:$PORT/"
		expect 8 "" "httpget: 127.0.0.1:$PORT: malformed response: Content-Length too large"
	done
	for c in chunk-wrap chunk-huge; do
		bg_stop_all
		raw_start "$c"
		t0=$(date +%s%N)
		HG_TIMEOUT=20 hg "http://127.0.0.1:$PORT/"
		ms=$((($(date +%s%N) - t0) / 1000000))
		expect 8 "" "httpget: 127.0.0.1:$PORT: malformed response: chunk size too large"
		[ "$ms" -lt 10000 ]	# chunk-huge's server stays open 30 s
	done
}

@test "transfer codings httpget cannot decode exit 61" {
	local c
	for c in te-identity:identity te-another:another \
	    te-chunked-another:another te-identityx:identityx \
	    te-gzip-fold:gzip; do
		bg_stop_all
		raw_start "${c%%:*}"
		hg "http://127.0.0.1:$PORT/"
		expect 61 "" "httpget: 127.0.0.1:$PORT: unsupported transfer coding '${c#*:}'"
	done
	# -i still shows the headers that say so, as curl does
	hg -i "http://127.0.0.1:$PORT/"
	expect 61 "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n ,chunked\r\n\r\n" "httpget: 127.0.0.1:$PORT: unsupported transfer coding 'gzip'"
}

@test "an obs-fold continuation line is joined to its field" {
	raw_start te-fold
	hg "http://127.0.0.1:$PORT/"
	expect 0 "hello"
}

@test "chunked twice, or an HTTP/1.0 Transfer-Encoding with a length, exits 8" {
	raw_start te-twice
	hg "http://127.0.0.1:$PORT/"
	expect 8 "" "httpget: 127.0.0.1:$PORT: malformed response: chunked coding applied twice"
	bg_stop_all
	raw_start te-http10
	hg "http://127.0.0.1:$PORT/"
	expect 8 "" "httpget: 127.0.0.1:$PORT: malformed response: Transfer-Encoding and Content-Length in an HTTP/1.0 response"
}

@test "endless or oversized interim responses end with exit 8" {
	local t0 ms
	raw_start continue-forever
	t0=$(date +%s%N)
	HG_TIMEOUT=20 hg "http://127.0.0.1:$PORT/"
	ms=$((($(date +%s%N) - t0) / 1000000))
	expect 8 "" "httpget: 127.0.0.1:$PORT: malformed response: more than 1000 interim responses"
	[ "$ms" -lt 10000 ]
	bg_stop_all
	raw_start continue-big
	hg "http://127.0.0.1:$PORT/"
	expect 8 "" "httpget: 127.0.0.1:$PORT: malformed response: headers with the interim responses over 307200 bytes"
}

@test "1xx responses are skipped; -i shows them as curl does" {
	raw_start continue
	hg "http://127.0.0.1:$PORT/"
	expect 0 "final\n"
	hg -i "http://127.0.0.1:$PORT/"
	expect 0 "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nfinal\n"
}

@test "lines ended by a bare LF are accepted" {
	raw_start barelf
	hg "http://127.0.0.1:$PORT/"
	expect 0 "ok\n"
}

@test "bytes past Content-Length are not body" {
	raw_start extra
	hg "http://127.0.0.1:$PORT/"
	expect 0 "abc\n"
}

@test "204 and 304 have no body: httpget does not wait for one" {
	raw_start nocontent notmodified
	hg -m 5 "http://127.0.0.1:$PORT/"
	expect 0 ""
	hg -m 5 -i "http://127.0.0.1:$PORT/"
	expect 0 "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n"
}

@test "-I sends HEAD and prints the headers without reading a body" {
	raw_start head
	hg -I -m 5 "http://127.0.0.1:$PORT/x"
	expect 0 "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/html\r\n\r\n"
	[ "$(reqline 1)" = "HEAD /x HTTP/1.1" ]
}

@test "404 exits 22 and still prints the body" {
	raw_start notfound
	hg "http://127.0.0.1:$PORT/missing"
	expect 22 "not here\r\n" "httpget: 127.0.0.1:$PORT: server returned 404 Not Found"
}

@test "500 with a chunked body exits 22 with the body" {
	raw_start servererror
	hg -s "http://127.0.0.1:$PORT/"
	expect 22 "oops!\n" "httpget: 127.0.0.1:$PORT: server returned 500 Internal Server Error"
}

@test "-v shows the request and response headers on stderr" {
	raw_start clen
	hg -v "http://127.0.0.1:$PORT/v"
	[ "$status" -eq 0 ]
	same "$OUT" "hello, world\n"
	grep -v '^\*' "$ERR" >"$T/vlines"
	same "$T/vlines" "> GET /v HTTP/1.1\n> Host: 127.0.0.1:$PORT\n> User-Agent: $(ua)\n> Accept: */*\n> Connection: close\n> \n< HTTP/1.1 200 OK\n< Content-Type: text/plain\n< Content-Length: 13\n< \n"
	grep -q "^\*   Trying 127.0.0.1:$PORT\.\.\.$" "$ERR"
}

# --- redirects -----------------------------------------------------------

@test "301 without -L prints the redirect's body and exits 0" {
	raw_start moved
	hg "http://127.0.0.1:$PORT/a/b/c"
	expect 0 "moved\n"
	[ "$(nreq)" -eq 1 ]
}

@test "-L follows a relative Location" {
	raw_start moved final
	hg -L "http://127.0.0.1:$PORT/a/b/c"
	expect 0 "the final page\n"
	[ "$(reqline 2)" = "GET /a/final?x=1 HTTP/1.1" ]
}

@test "-L follows an absolute Location, trying each address of the name" {
	raw_start seeother final
	hg -L -i "http://127.0.0.1:$PORT/start"
	expect 0 "HTTP/1.1 303 See Other\r\nLocation: http://localhost:$PORT/other\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\nthe final page\n"
	[ "$(reqline 2)" = "GET /other HTTP/1.1" ]
	grep -q "^Host: localhost:$PORT"$'\r$' "$REQ/req.2"
}

@test "a redirect loop exits 47 after --max-redirs" {
	raw_start loop
	hg -L "http://127.0.0.1:$PORT/loop"
	expect 47 "" "httpget: 127.0.0.1:$PORT: too many redirects (10 followed)"
	[ "$(nreq)" -eq 11 ]
	rm -f "$REQ"/req.*
	bg_stop_all
	raw_start loop
	hg -L --max-redirs 2 "http://127.0.0.1:$PORT/loop"
	expect 47 "" "httpget: 127.0.0.1:$PORT: too many redirects (2 followed)"
	[ "$(nreq)" -eq 3 ]
}

@test "a Location of 20,000 or 100,000 bytes is followed, nothing overflows" {
	local n path
	for n in 20000 100000; do
		path=$(head -c "$n" /dev/zero | tr '\0' a)
		printf 'HTTP/1.1 302 Found\\r\\n\nLocation: /\n@repeat %d a\n\\r\\n\nContent-Length: 0\\r\\n\n\\r\\n\n' \
		    "$n" >"$T/long.txt"
		bg_stop_all
		rm -f "$REQ"/req.*
		raw_start "$T/long.txt" final
		hg -L "http://127.0.0.1:$PORT/"
		expect 0 "the final page\n"
		[ "$(reqline 2)" = "GET /$path HTTP/1.1" ]
	done
}

@test "a redirect target too long to follow exits 3" {
	local dir u
	# 240 KB once encoded, and a Location of 840 KB: over the 1 MiB
	dir=$(for i in $(seq 100); do printf 'ü%.0s' $(seq 400); done)
	printf 'HTTP/1.1 302 Found\\r\\n\nLocation: x\n@repeat 140000 \\xc3\\xbc\n\\r\\n\nContent-Length: 0\\r\\n\n\\r\\n\n' \
	    >"$T/toolong.txt"
	raw_start "$T/toolong.txt" final
	hg -L "http://127.0.0.1:$PORT/$dir/"
	u="x$(printf '?%.0s' $(seq 59))..."
	expect 3 "" "httpget: 127.0.0.1:$PORT: redirect to '$u': URL over 1048575 bytes"
	[ "$(nreq)" -eq 1 ]
}

@test "absolute and relative Locations are normalised like URLs" {
	raw_start moved-dots final
	hg -L "http://127.0.0.1:$PORT/"
	expect 0 "the final page\n"
	[ "$(reqline 2)" = "GET /c/d%20e%C3%BC?q=x%20y%C3%BC HTTP/1.1" ]
	bg_stop_all
	rm -f "$REQ"/req.*
	raw_start moved-sloppy final
	hg -L "http://127.0.0.1:$PORT/p/q/r"
	expect 0 "the final page\n"
	[ "$(reqline 2)" = "GET /p/x%20y/%C3%BC?q=a%20b HTTP/1.1" ]
}

@test "an empty Location is not followed: the 3xx is the result" {
	raw_start moved-empty final
	hg -L "http://127.0.0.1:$PORT/"
	expect 0 "moved\n"
	[ "$(nreq)" -eq 1 ]
}

@test "credentials and -H Host do not follow a redirect to another port" {
	local b
	RAW_REQ=$T/reqb raw_start final
	b=$PORT
	redirect_to "$T/to-b.txt" "302 Found" "http://127.0.0.1:$b/next"
	raw_start "$T/to-b.txt"
	hg -L -H 'Authorization: Bearer x' -H 'Cookie: a=b' \
	    -H 'Proxy-Authorization: Basic zz' -H 'Host: myhost' \
	    -H 'Host: second' -H 'X-Other: 1' "http://u:p@127.0.0.1:$PORT/start"
	expect 0 "the final page\n"
	same "$REQ/req.1" "GET /start HTTP/1.1\r\nHost: myhost\r\nUser-Agent: $(ua)\r\nAccept: */*\r\nConnection: close\r\nAuthorization: Bearer x\r\nCookie: a=b\r\nProxy-Authorization: Basic zz\r\nX-Other: 1\r\n\r\n"
	same "$T/reqb/req.1" "GET /next HTTP/1.1\r\nHost: 127.0.0.1:$b\r\nUser-Agent: $(ua)\r\nAccept: */*\r\nConnection: close\r\nX-Other: 1\r\n\r\n"
	# the URL's own credentials
	hg -L "http://u:p@127.0.0.1:$PORT/start"
	expect 0 "the final page\n"
	grep -q $'^Authorization: Basic dTpw\r$' "$REQ/req.2"
	same "$T/reqb/req.2" "GET /next HTTP/1.1\r\nHost: 127.0.0.1:$b\r\nUser-Agent: $(ua)\r\nAccept: */*\r\nConnection: close\r\n\r\n"
}

@test "credentials and -H Host do not follow a redirect to another host" {
	# localhost may be ::1 first, where nothing listens: then 127.0.0.1
	raw_start seeother final
	hg -L -H 'Cookie: a=b' -H 'Host: myhost' "http://u:p@127.0.0.1:$PORT/"
	expect 0 "the final page\n"
	grep -q $'^Cookie: a=b\r$' "$REQ/req.1"
	same "$REQ/req.2" "GET /other HTTP/1.1\r\nHost: localhost:$PORT\r\nUser-Agent: $(ua)\r\nAccept: */*\r\nConnection: close\r\n\r\n"
}

@test "credentials and -H Host follow a redirect within the origin" {
	raw_start moved final
	hg -L -H 'Cookie: a=b' -H 'Host: myhost' "http://u:p@127.0.0.1:$PORT/a/b/c"
	expect 0 "the final page\n"
	same "$REQ/req.2" "GET /a/final?x=1 HTTP/1.1\r\nHost: myhost\r\nAuthorization: Basic dTpw\r\nUser-Agent: $(ua)\r\nAccept: */*\r\nConnection: close\r\nCookie: a=b\r\n\r\n"
	# an absolute Location to the same origin keeps the URL's credentials
	bg_stop_all
	rm -f "$REQ"/req.*
	redirect_to "$T/self.txt" "307 Temporary Redirect" \
	    "http://127.0.0.1:@PORT@/again"
	raw_start "$T/self.txt" final
	hg -L "http://u:p@127.0.0.1:$PORT/"
	expect 0 "the final page\n"
	[ "$(reqline 2)" = "GET /again HTTP/1.1" ]
	grep -q $'^Authorization: Basic dTpw\r$' "$REQ/req.2"
}

@test "credentials do not come back when a redirect returns to the origin" {
	local b
	# B's script is written once A's port is known: rawhttp reads it late
	: >"$T/to-a.txt"
	RAW_REQ=$T/reqb raw_start "$T/to-a.txt"
	b=$PORT
	redirect_to "$T/to-b.txt" "302 Found" "http://127.0.0.1:$b/b"
	raw_start "$T/to-b.txt" final
	redirect_to "$T/to-a.txt" "302 Found" "http://127.0.0.1:$PORT/back"
	hg -L -H 'Cookie: a=b' "http://u:p@127.0.0.1:$PORT/"
	expect 0 "the final page\n"
	grep -q $'^Cookie: a=b\r$' "$REQ/req.1"
	[ "$(reqline 2)" = "GET /back HTTP/1.1" ]
	! grep -Eq '^(Cookie|Authorization):' "$REQ/req.2" "$T/reqb/req.1"
}

# --- failures ------------------------------------------------------------

@test "an empty reply exits 52" {
	raw_start empty
	hg "http://127.0.0.1:$PORT/"
	expect 52 "" "httpget: 127.0.0.1:$PORT: empty reply from server"
}

@test "a body shorter than its Content-Length exits 18" {
	raw_start truncated
	hg "http://127.0.0.1:$PORT/"
	expect 18 "0123456789" "httpget: 127.0.0.1:$PORT: body cut short: 10 of 100 bytes"
}

@test "a chunked body cut before its last chunk exits 18" {
	raw_start truncated-chunked
	hg "http://127.0.0.1:$PORT/"
	expect 18 "abcdefgh" "httpget: 127.0.0.1:$PORT: chunked body cut before its last chunk"
}

@test "a reset in the middle of the body exits 56" {
	raw_start reset
	hg "http://127.0.0.1:$PORT/"
	expect 56 "partial" "httpget: 127.0.0.1:$PORT: connection reset by peer"
}

@test "a garbage status line exits 8" {
	raw_start garbage
	hg "http://127.0.0.1:$PORT/"
	expect 8 "" "httpget: 127.0.0.1:$PORT: malformed response: bad status line"
}

@test "an oversized header block exits 8 without crashing" {
	raw_start bighead
	hg "http://127.0.0.1:$PORT/"
	expect 8 "" "httpget: 127.0.0.1:$PORT: malformed response: header block over 307200 bytes"
}

@test "a bad chunk size and conflicting lengths exit 8" {
	raw_start badchunk conflict
	hg "http://127.0.0.1:$PORT/"
	expect 8 "" "httpget: 127.0.0.1:$PORT: malformed response: bad chunk size"
	hg "http://127.0.0.1:$PORT/"
	expect 8 "" "httpget: 127.0.0.1:$PORT: malformed response: conflicting Content-Length"
}

@test "a silent server with -m 1 exits 28 within about 2 s" {
	local t0 ms
	raw_start silent
	t0=$(date +%s%N)
	hg -m 1 "http://127.0.0.1:$PORT/"
	ms=$((($(date +%s%N) - t0) / 1000000))
	expect 28 "" "httpget: 127.0.0.1:$PORT: timed out after 1 s (0 bytes received)"
	[ "$ms" -ge 900 ] && [ "$ms" -lt 2500 ]
}

@test "-m bounds the whole transfer, a stalled body too" {
	raw_start slowbody
	hg -m 0.5 "http://127.0.0.1:$PORT/"
	expect 28 "begin" "httpget: 127.0.0.1:$PORT: timed out after 0.5 s (5 bytes received)"
}

@test "--connect-timeout ends a connect that gets no answer" {
	local t0 ms log=$T/noaccept.log
	bg_start "$log" "$RAWHTTP" --no-accept
	PORT=$(port_of "$log")
	t0=$(date +%s%N)
	hg --connect-timeout 1 "http://127.0.0.1:$PORT/"
	ms=$((($(date +%s%N) - t0) / 1000000))
	expect 28 "" "httpget: 127.0.0.1:$PORT: connect timed out after 1 s"
	[ "$ms" -lt 2500 ]
}

@test "every canned response ends with a documented exit status" {
	local f st
	for f in "$CANNED"/*.txt; do
		# f16-*: scripts of tests/helpers/f16http, not of rawhttp
		case ${f##*/} in f16-*) continue ;; esac
		bg_stop_all
		raw_start "$(basename "$f" .txt)"
		hg -m 2 "http://127.0.0.1:$PORT/"
		case $status in
		0 | 8 | 18 | 22 | 28 | 52 | 56 | 61) ;;
		*)
			echo "$f: exit $status"
			return 1
			;;
		esac
	done
}

# --- output --------------------------------------------------------------

@test "-o writes the body through a temporary file" {
	raw_start clen
	mkdir "$T/dl"
	hg -o "$T/dl/page.txt" "http://127.0.0.1:$PORT/"
	expect 0 ""
	same "$T/dl/page.txt" "hello, world\n"
	[ "$(ls -A "$T/dl")" = page.txt ]
}

@test "-o leaves no partial file when the transfer fails" {
	raw_start truncated
	mkdir "$T/dl"
	hg -o "$T/dl/new.txt" "http://127.0.0.1:$PORT/"
	expect 18 "" "httpget: 127.0.0.1:$PORT: body cut short: 10 of 100 bytes"
	[ -z "$(ls -A "$T/dl")" ]
	echo old >"$T/dl/old.txt"
	hg -o "$T/dl/old.txt" "http://127.0.0.1:$PORT/"
	[ "$status" -eq 18 ]
	same "$T/dl/old.txt" "old\n"
	[ "$(ls -A "$T/dl")" = old.txt ]
}

@test "-o into a missing directory exits 23 before connecting" {
	local port
	port=$(free_port)
	hg -o "$T/nowhere/x" "http://127.0.0.1:$port/"
	expect 23 "" "httpget: $T/nowhere/x: no such file or directory"
}

@test "-o onto a character device writes through it, never replaces it" {
	[ "$(id -u)" -eq 0 ] || skip "mknod needs root"
	# the null device's own node, in our folder: never the real /dev/null
	mknod -m 666 "$T/null" c 1 3 || skip "mknod is not allowed here"
	raw_start clen
	hg -o "$T/null" "http://127.0.0.1:$PORT/"
	expect 0 ""
	[ -c "$T/null" ]
	[ "$(stat -c '%t:%T %a' "$T/null")" = "1:3 666" ]
	[ -z "$(find "$T" -name 'null.httpget-*')" ]
}

@test "-o onto a FIFO writes through it" {
	local pid
	mkfifo "$T/fifo"
	bg_start "$T/fifo.out" cat "$T/fifo"
	pid=$BG_PID
	raw_start clen
	hg -o "$T/fifo" "http://127.0.0.1:$PORT/"
	expect 0 ""
	wait_until 5 gone "$pid"
	same "$T/fifo.out" "hello, world\n"
	[ -p "$T/fifo" ]
}

@test "-o onto a Unix socket writes through it" {
	local pid
	bg_start "$T/sink.log" "$RAWHTTP" --sink "$T/sock" "$T/sock.out"
	pid=$BG_PID
	wait_for "$T/sink.log" '^ready$'
	raw_start clen
	hg -o "$T/sock" "http://127.0.0.1:$PORT/"
	expect 0 ""
	wait_until 5 gone "$pid"
	same "$T/sock.out" "hello, world\n"
	[ -S "$T/sock" ]
}

@test "-o through a symbolic link writes its target; the link stays" {
	raw_start clen
	mkdir "$T/dl"
	echo old >"$T/dl/target"
	ln -s target "$T/dl/link"
	ln -s "$T/dl/link" "$T/chain"
	ln -s new "$T/dl/dangling"
	hg -o "$T/dl/link" "http://127.0.0.1:$PORT/"
	expect 0 ""
	[ -L "$T/dl/link" ] && [ "$(readlink "$T/dl/link")" = target ]
	same "$T/dl/target" "hello, world\n"
	echo old >"$T/dl/target"
	hg -o "$T/chain" "http://127.0.0.1:$PORT/"
	expect 0 ""
	[ -L "$T/chain" ] && [ -L "$T/dl/link" ]
	same "$T/dl/target" "hello, world\n"
	# a dangling link: its target is created
	hg -o "$T/dl/dangling" "http://127.0.0.1:$PORT/"
	expect 0 ""
	[ -L "$T/dl/dangling" ]
	same "$T/dl/new" "hello, world\n"
	[ "$(ls -A "$T/dl" | tr '\n' ' ')" = "dangling link new target " ]
}

@test "-o keeps an existing file's mode and owner" {
	raw_start clen
	echo old >"$T/private"
	chmod 0600 "$T/private"
	hg -o "$T/private" "http://127.0.0.1:$PORT/"
	expect 0 ""
	same "$T/private" "hello, world\n"
	[ "$(stat -c %a "$T/private")" = 600 ]
	[ "$(id -u)" -eq 0 ] || skip "giving a file away needs root"
	echo old >"$T/theirs"
	chown 65534:65534 "$T/theirs"
	chmod 0640 "$T/theirs"
	hg -o "$T/theirs" "http://127.0.0.1:$PORT/"
	expect 0 ""
	same "$T/theirs" "hello, world\n"
	[ "$(stat -c '%a %u:%g' "$T/theirs")" = "640 65534:65534" ]
}

@test "-o into a file with two hard links writes it in place, at the end" {
	local ino
	raw_start clen truncated
	mkdir "$T/dl"
	echo old >"$T/dl/a"
	ln "$T/dl/a" "$T/dl/b"
	ino=$(stat -c %i "$T/dl/a")
	hg -o "$T/dl/a" "http://127.0.0.1:$PORT/"
	expect 0 ""
	same "$T/dl/a" "hello, world\n"
	same "$T/dl/b" "hello, world\n"
	[ "$(stat -c '%h %i' "$T/dl/a")" = "2 $ino" ]
	# a failed transfer leaves both names as they were
	hg -o "$T/dl/b" "http://127.0.0.1:$PORT/"
	[ "$status" -eq 18 ]
	same "$T/dl/a" "hello, world\n"
	[ "$(ls -A "$T/dl" | tr '\n' ' ')" = "a b " ]
}

@test "a full disk exits 23 with the cause" {
	raw_start clen
	status=0
	timeout 30 "$HTTPGET" "http://127.0.0.1:$PORT/" >/dev/full 2>"$ERR" ||
	    status=$?
	[ "$status" -eq 23 ]
	same "$ERR" "httpget: 127.0.0.1:$PORT: writing stdout: no space left on device\n"
}

@test "a closed pipe ends quietly" {
	mkdir "$T/www"
	head -c 1048576 /dev/urandom >"$T/www/big"
	pyserver_start "$T/www"
	timeout 30 "$HTTPGET" "http://127.0.0.1:$PORT/big" 2>"$ERR" |
	    head -c 5 >"$OUT"
	[ "${PIPESTATUS[0]}" -eq 23 ]
	[ "$(wc -c <"$OUT")" -eq 5 ]
	same "$ERR" ""
}

@test "-o shows a progress bar when stderr is a terminal, -s hides it" {
	command -v script >/dev/null || skip_or_fail "no script(1)"
	mkdir "$T/www"
	head -c 3000000 /dev/urandom >"$T/www/big"
	pyserver_start "$T/www"
	script -qec "timeout --foreground 30 $HTTPGET -o $T/got http://127.0.0.1:$PORT/big" \
	    "$T/typescript" >/dev/null
	cmp "$T/www/big" "$T/got"
	grep -q $'\r100% \[==============================\]    2\.9 MiB / 2\.9 MiB ' "$T/typescript"
	rm "$T/got"
	script -qec "timeout --foreground 30 $HTTPGET -s -o $T/got http://127.0.0.1:$PORT/big" \
	    "$T/typescript2" >/dev/null
	cmp "$T/www/big" "$T/got"
	! grep -q '%' "$T/typescript2"
	hg -o "$T/got2" "http://127.0.0.1:$PORT/big"
	expect 0 ""
}

# --- peers ---------------------------------------------------------------

@test "python3 http.server: 1 MiB byte-exact, and a 404" {
	mkdir "$T/www"
	head -c 1048576 /dev/urandom >"$T/www/big.bin"
	pyserver_start "$T/www"
	hg "http://127.0.0.1:$PORT/big.bin"
	[ "$status" -eq 0 ]
	cmp "$T/www/big.bin" "$OUT"
	same "$ERR" ""
	hg "http://127.0.0.1:$PORT/nope"
	[ "$status" -eq 22 ]
	grep -q 'Error code: 404' "$OUT"
	same "$ERR" "httpget: 127.0.0.1:$PORT: server returned 404 File not found\n"
}

@test "nginx: a page, 1 MiB byte-exact, a 404" {
	mkdir "$T/www"
	printf '<p>hello from nginx</p>\n' >"$T/www/index.html"
	head -c 1048576 /dev/urandom >"$T/www/big.bin"
	nginx_start "$T/www" || skip_or_fail "no nginx (tests/helpers/deps peers)"
	hg "http://127.0.0.1:$PORT/"
	expect 0 "<p>hello from nginx</p>\n"
	hg "http://127.0.0.1:$PORT/big.bin"
	[ "$status" -eq 0 ]
	cmp "$T/www/big.bin" "$OUT"
	hg "http://127.0.0.1:$PORT/nope"
	[ "$status" -eq 22 ]
	grep -q '<title>404 Not Found</title>' "$OUT"
	same "$ERR" "httpget: 127.0.0.1:$PORT: server returned 404 Not Found\n"
	hg -I "http://127.0.0.1:$PORT/"
	[ "$status" -eq 0 ]
	grep -q $'^Content-Length: 24\r$' "$OUT"
}

@test "httpget prints what curl prints, against rawhttp, http.server, nginx" {
	local c u urls=()
	command -v curl >/dev/null || skip "no curl to compare with"
	for c in clen chunked close continue notfound moved barelf; do
		raw_start "$c"
		urls+=("http://127.0.0.1:$PORT/x")
	done
	mkdir "$T/www"
	printf 'index\n' >"$T/www/index.html"
	head -c 300000 /dev/urandom >"$T/www/r.bin"
	pyserver_start "$T/www"
	urls+=("http://127.0.0.1:$PORT/" "http://127.0.0.1:$PORT/r.bin")
	if nginx_start "$T/www"; then
		urls+=("http://127.0.0.1:$PORT/" "http://127.0.0.1:$PORT/r.bin"
		    "http://127.0.0.1:$PORT/none")
	fi
	for u in "${urls[@]}"; do
		hg "$u"
		curl -s --noproxy '*' "$u" >"$T/curl.out"
		cmp "$T/curl.out" "$OUT" || { echo "body differs: $u"; return 1; }
		case $u in
		*/r.bin) continue ;;	# http.server's Date may tick between
		esac
		hg -i "$u"
		curl -si --noproxy '*' "$u" >"$T/curl.out"
		# Date may tick; nginx answers our Connection: close in kind.
		sed 's/^\(Date\|Connection\): .*//' "$T/curl.out" >"$T/c"
		sed 's/^\(Date\|Connection\): .*//' "$OUT" >"$T/h"
		cmp "$T/c" "$T/h" || { echo "-i differs: $u"; return 1; }
	done
}

@test "superd serving a canned response: httpget prints what curl prints" {
	local log=$T/superd.log
	[ -x "$ROOT/superd/superd" ] || skip "superd is not built"
	printf '127.0.0.1:0 stream tcp nowait %s %s rawhttp --stdio %s\n' \
	    "$(id -un)" "$RAWHTTP" "$CANNED/chunked.txt" >"$T/superd.conf"
	bg_start "$log" "$ROOT/superd/superd" "$T/superd.conf"
	wait_for "$log" 'listening on 127\.0\.0\.1 port [0-9]+'
	PORT=$(sed -n 's/.*listening on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' \
	    "$log" | head -1)
	hg -i "http://127.0.0.1:$PORT/"
	expect 0 "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\nhello, world\nabcdefghijklmnopqrstuvwxyzX-Checksum: 42\r\nX-Other: yes\r\n"
	if command -v curl >/dev/null; then
		curl -si --noproxy '*' "http://127.0.0.1:$PORT/" >"$T/curl.out"
		cmp "$T/curl.out" "$OUT"
	fi
}
