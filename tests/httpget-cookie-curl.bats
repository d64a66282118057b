#!/usr/bin/env bats
# httpget's cookie files and curl 7.88's go both ways (spec16.md): curl -c
# writes a jar from a server's Set-Cookie headers (tests/helpers/
# cookiesrv.py, which also logs every Cookie header it gets), httpget's jar
# (tests/helpers/cookiedump) reads it and sends what curl -b sends; and
# the other way round; and both write the same file.

load helpers/common
load helpers/httpget
load helpers/cookie

setup() {
	cookie_setup
	command -v curl >/dev/null || skip_or_fail "no curl"
}

teardown() {
	hg_teardown
}

# The responses of the round trips, "HOST/PATH<TAB>Set-Cookie value".
# curl sorts cookies of equal path length by domain length, then name
# length, where RFC 6265 (and httpget) sorts by age: so here names are
# all two bytes long, and the longer domains are the older.
responses() {
	cat <<-'EOF'
	www.example.com/dir/sub/page	c4=4; Expires=Thu, 01 Jan 2099 00:00:00 GMT; Path=/
	www.example.com/dir/sub/page	c1=1
	www.example.com/dir/sub/page	c2=2; Domain=example.com; Path=/
	www.example.com/dir/sub/page	c3=3; Path=/dir; HttpOnly
	www.example.com/dir/sub/page	c5=5; Expires=Wed, 09 Jun 2100 10:18:14 GMT; Path=/dir/sub/deeper
	www.example.com/dir/sub/page	c6=6; Domain=.www.example.com; Path=/other
	www.example.com/dir/sub/page	m1=1; Max-Age=86400; Path=/m
	a.example.com/x/	c7=7
	a.example.com/x/	c8=8; Domain=EXAMPLE.com; Path=/x; HttpOnly
	a.example.com/x/	c9=9; Domain=com
	a.example.com/x/	d1=1; Domain=www.example.com
	a.example.com/x/	d2=2; Domain=ample.com
	www.example.org/	o1=1; Path=/
	www.example.org/	c2=22; Max-Age=0
	www.example.org/	o2=2; Expires=Sun, 06 Nov 1994 08:49:37 GMT
	www.example.com/	c4=44; Expires=Fri, 02 Jan 2099 00:00:00 GMT; Path=/
	www.example.com/	c3=x; Path=/dir; Max-Age=0
	EOF
}

# The requests whose Cookie headers are compared.
QUERIES="www.example.com/dir/sub/page www.example.com/dir/sub/deeper/x
www.example.com/other www.example.com/ www.example.com/dirx
www.example.com/dir www.example.com/m/n a.example.com/x/y a.example.com/
example.com/ www.example.org/a"

# cookie_server: cookiesrv.py logging into $T/rec.  Sets PORT.
cookie_server() {
	: >"$T/rec"
	bg_start "$T/srv.log" python3 -u "$ROOT/tests/helpers/cookiesrv.py" \
	    "$T/rec"
	PORT=$(port_of "$T/srv.log")
	[ -n "$PORT" ]
}

# ucurl ARGS...: curl, the test's host names on the server.
ucurl() {
	local h r=()
	for h in www.example.com a.example.com example.com www.example.org; do
		r+=(--resolve "$h:$PORT:127.0.0.1")
	done
	timeout -k 5 30 curl -q -s -S -f "${r[@]}" "$@" >/dev/null
}

# seturls: the URLs that make the server send responses' cookies, in
# order (those of one HOST/PATH in one response).
seturls() {
	responses | python3 -c '
import sys, urllib.parse as up
groups = []
for line in sys.stdin:
    hp, v = line.rstrip("\n").split("\t", 1)
    if not groups or groups[-1][0] != hp:
        groups.append((hp, []))
    groups[-1][1].append(v)
for hp, vs in groups:
    host, _, path = hp.partition("/")
    print("http://%s:%s/%s?%s" % (host, sys.argv[1], path,
          "&".join("set=" + up.quote(v, safe="") for v in vs)))
' "$PORT"
}

# setargs: responses as cookiedump's -s arguments, into the array SETARGS.
setargs() {
	local hp v
	SETARGS=()
	while IFS=$'\t' read -r hp v; do
		SETARGS+=(-s "http://${hp%%/*}:$PORT/${hp#*/}" "$v")
	done < <(responses)
}

# queries FLAG: QUERIES as URLs, each after FLAG when there is one.
queries() {
	local q
	for q in $QUERIES; do
		[ -n "$1" ] && echo "$1"
		echo "http://${q%%/*}:$PORT/${q#*/}"
	done
}

# sent: the Cookie headers the server got, a line each ("" for none).
sent() {
	cut -d' ' -f3- "$T/rec" | sed 's/^-$//'
}

@test "curl -c writes, -b FILE reads: httpget sends what curl -b sends" {
	local urls
	cookie_server
	mapfile -t urls < <(seturls)
	ucurl -c "$T/curljar" "${urls[@]}"
	: >"$T/rec"
	mapfile -t urls < <(queries)
	ucurl -b "$T/curljar" -b 'zz=9; yy=8' "${urls[@]}"
	sent >"$T/curl-sent"
	mapfile -t urls < <(queries -q)
	jar -t "$(date +%s)" -b "$T/curljar" -b 'zz=9; yy=8' "${urls[@]}"
	[ "$status" -eq 0 ] && [ ! -s "$ERR" ]
	diff "$T/curl-sent" "$OUT"
	# The headers are what RFC 6265 says, and none is empty by chance.
	same "$OUT" 'c1=1; c4=44; c2=2; zz=9; yy=8
c5=5; c1=1; c4=44; c2=2; zz=9; yy=8\nc6=6; c4=44; c2=2; zz=9; yy=8
c4=44; c2=2; zz=9; yy=8\nc4=44; c2=2; zz=9; yy=8\nc4=44; c2=2; zz=9; yy=8
m1=1; c4=44; c2=2; zz=9; yy=8\nc7=7; c8=8; c2=2; zz=9; yy=8
c2=2; zz=9; yy=8\nc2=2; zz=9; yy=8\no1=1; zz=9; yy=8\n'
}

@test "httpget -c writes, curl -b reads it and sends what httpget sends" {
	local urls
	cookie_server
	setargs
	mapfile -t urls < <(queries -q)
	# Secure cookies, kept, are sent by neither (not over http).
	jar -t "$(date +%s)" "${SETARGS[@]}" \
	    -s "http://www.example.com:$PORT/" 's1=1; Secure' "${urls[@]}" \
	    -c "$T/ourjar"
	[ "$status" -eq 0 ] && [ ! -s "$ERR" ]
	grep -q $'\tTRUE\t0\ts1\t1$' "$T/ourjar"
	mapfile -t urls < <(queries)
	ucurl -b "$T/ourjar" "${urls[@]}"
	sent >"$T/curl-sent"
	diff "$T/curl-sent" "$OUT"
	[ "$(grep -c . "$OUT")" -eq 11 ]
}

@test "curl -c and httpget -c write the same file for the same Set-Cookie headers" {
	local urls
	cookie_server
	mapfile -t urls < <(seturls)
	ucurl -c "$T/curljar" "${urls[@]}"
	setargs
	jar -t "$(date +%s)" "${SETARGS[@]}" -c "$T/ourjar"
	[ "$status" -eq 0 ] && [ ! -s "$ERR" ]
	# Max-Age counts from each program's clock; curl keeps a Domain's
	# case, httpget lowers it (RFC 6265 section 5.2.3).
	sed -i 's/\t[0-9]*\tm1\t/\tNOW+86400\tm1\t/' "$T/curljar" "$T/ourjar"
	sed -i -E 's/^(#HttpOnly_)?([^\t#]*)/\1\L\2/' "$T/curljar"
	# The third comment line names the program that wrote the file.
	sed -i '3s/.*/# written by/' "$T/curljar" "$T/ourjar"
	diff "$T/curljar" "$T/ourjar"
	[ "$(grep -c '^[^#]' "$T/ourjar")" -eq 8 ]
}
