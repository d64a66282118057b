#!/usr/bin/env bats
# httpget's cookies (-b, -c; spec16.md): clients/cookie*.c through
# tests/helpers/cookiedump, which runs its arguments in order: -t NOW the
# clock, -s URL VALUE a Set-Cookie from URL, -q URL prints the Cookie
# header a request to URL sends (an empty line for none), -b ARG and
# -c FILE as httpget's.  Each test checks exact bytes; httpget-cookie-
# curl.bats checks that curl and httpget take each other's files.

load helpers/common
load helpers/httpget
load helpers/cookie

setup() {
	cookie_setup
}

teardown() {
	hg_teardown
}

@test "a cookie goes back to its host only, as name=value pairs" {
	jar -s $W/ 'a=1' -s $W/ 'b=2' -q $W/ -q http://example.com/ \
	    -q http://a.www.example.com/ -q http://www.example.org/ \
	    -q "http://www.example.com:8080/?q"
	expect 0 'a=1; b=2\n\n\n\na=1; b=2\n'
}

@test "Set-Cookie: blanks around name and value go, quotes stay, no '=' or no name is ignored" {
	jar -s $W/ '  a  =  1 2  ; Path=/' -s $W/ 'b="q"' -s $W/ 'c=' \
	    -s $W/ 'noequals' -s $W/ '=nameless' -s $W/ ' =x' \
	    -s $W/ 'd=x=y' -s $W/ "$(printf 'e=\tt\t')" -q $W/
	expect 0 'a=1 2; b="q"; c=; d=x=y; e=t\n'
}

@test "Set-Cookie: a control byte (but tab) refuses it, a tab inside name or value too" {
	jar -s $W/ "$(printf 'a=1\001')" -s $W/ "$(printf 'b=1\177')" \
	    -s $W/ "$(printf 'c=1\t2')" -s $W/ "$(printf 'd=1; Path=/\tx')" \
	    -s $W/ "$(printf 'e=1; Domain=www.\texample.com')" \
	    -s $W/ 'ok=1' -q $W/
	expect 0 'ok=1\n'
}

@test "attribute names are case-insensitive; SameSite and unknown ones are ignored" {
	jar -s $W/x/y 'a=1; PATH=/; sEcUrE' -s $W/x/y 'b=2; path=/; HTTPONLY' \
	    -s $W/ 'c=3; DOMAIN=EXAMPLE.COM; SameSite=Strict; Foo=bar' \
	    -s $W/ 'd=4; MAX-AGE=0' \
	    -s $W/ 'e=5; EXPIRES=Sun, 06 Nov 1994 08:49:37 GMT' \
	    -q $W/ -q http://a.example.com/ -c "$T/jar"
	expect 0 'b=2; c=3\nc=3\n'
	filehas "$T/jar" '.example.com|TRUE|/|FALSE|0|c|3' \
	    '#HttpOnly_www.example.com|FALSE|/|FALSE|0|b|2' \
	    'www.example.com|FALSE|/|TRUE|0|a|1'
}

@test "Domain: a leading dot is ignored, subdomains then get it; without Domain the host only" {
	jar -s $W/ 'a=1; Domain=.example.com' -s $W/ 'b=2; Domain=example.com' \
	    -s $W/ 'c=3' -s $W/ 'd=4; Domain=www.example.com' \
	    -s http://WWW.Example.COM/ 'e=5; Domain=' \
	    -q $W/ -q http://example.com/ -q http://x.y.example.com/ \
	    -q http://a.www.example.com/ -q http://xexample.com/
	expect 0 'a=1; b=2; c=3; d=4; e=5\na=1; b=2\na=1; b=2\na=1; b=2; d=4
\n'
}

@test "Domain: one the host does not belong to is refused, a bare label too (Domain=com)" {
	jar -s $W/ 'a=1; Domain=other.com' -s $W/ 'b=2; Domain=ww.example.com' \
	    -s $W/ 'c=3; Domain=a.www.example.com' -s $W/ 'd=4; Domain=com' \
	    -s $W/ 'e=5; Domain=.com' -s $W/ 'f=6; Domain=example.com.' \
	    -s $W/ 'ok=1' -q $W/ -q http://other.com/ -q http://x.com/ \
	    -q http://a.www.example.com/ -c "$T/jar"
	expect 0 'ok=1\n\n\n\n'
	filehas "$T/jar" 'www.example.com|FALSE|/|FALSE|0|ok|1'
}

@test "Domain: a bare label is good for the host of that name only, as host-only" {
	jar -s http://com/ 'a=1; Domain=com' \
	    -s http://localhost/ 'b=2; Domain=localhost' \
	    -s http://localhost/ 'c=3; Domain=.LOCALHOST' \
	    -q http://com/ -q http://x.com/ -q http://localhost/ \
	    -q http://a.localhost/ -c "$T/jar"
	expect 0 'a=1\n\nb=2; c=3\n\n'
	filehas "$T/jar" 'localhost|FALSE|/|FALSE|0|c|3' \
	    'localhost|FALSE|/|FALSE|0|b|2' 'com|FALSE|/|FALSE|0|a|1'
}

@test "Domain on an IP address host: only the address itself, as host-only" {
	local i=http://127.0.0.1/ v6='http://[::1]/'
	jar -s $i 'a=1; Domain=0.0.1' -s $i 'b=2; Domain=.0.0.1' \
	    -s $i 'c=3; Domain=127.0.0.1' -s $i 'd=4' \
	    -s "$v6" 'e=5; Domain=::1' -s "$v6" 'f=6; Domain=1' \
	    -s http://10.0.0.1/ 'g=7' \
	    -q http://127.0.0.1/ -q http://0.0.1/ -q 'http://[::1]/' \
	    -q http://1.10.0.0.1/ -c "$T/jar"
	expect 0 'c=3; d=4\n\ne=5\n\n'
	filehas "$T/jar" '10.0.0.1|FALSE|/|FALSE|0|g|7' \
	    '::1|FALSE|/|FALSE|0|e|5' \
	    '127.0.0.1|FALSE|/|FALSE|0|d|4' '127.0.0.1|FALSE|/|FALSE|0|c|3'
}

@test "Path: the default path of RFC 6265 section 5.1.4, also for a Path not starting with '/'" {
	jar -s $W/dir/sub/page 'a=1' -s $W/page 'b=2' -s $W/ 'c=3' \
	    -s "$W/dir/sub/page?x=/y/z" 'd=4' \
	    -s $W/dir/sub/page 'e=5; Path=rel' \
	    -s $W/dir/sub/page 'f=6; Path=' -s $W/one/ 'g=7' \
	    -q $W/dir/sub -q $W/dir/sub/x -q $W/dir/subx -q $W/dir -q $W/one \
	    -c "$T/jar"
	expect 0 'a=1; d=4; e=5; f=6; b=2; c=3\na=1; d=4; e=5; f=6; b=2; c=3
b=2; c=3\nb=2; c=3\ng=7; b=2; c=3\n'
	# curl writes the default path with its trailing '/'.
	filehas "$T/jar" 'www.example.com|FALSE|/one/|FALSE|0|g|7' \
	    'www.example.com|FALSE|/dir/sub/|FALSE|0|f|6' \
	    'www.example.com|FALSE|/dir/sub/|FALSE|0|e|5' \
	    'www.example.com|FALSE|/dir/sub/|FALSE|0|d|4' \
	    'www.example.com|FALSE|/|FALSE|0|c|3' \
	    'www.example.com|FALSE|/|FALSE|0|b|2' \
	    'www.example.com|FALSE|/dir/sub/|FALSE|0|a|1'
}

@test "Path: path-match: the same path, below it, not a longer name; case counts" {
	jar -s $W/ 'a=1; Path=/dir' -s $W/ 'b=2; Path=/dir/' \
	    -s $W/ 'c=3; Path=/Dir' \
	    -q $W/dir -q $W/dir/ -q $W/dir/x/y -q "$W/dir?q=1" -q $W/dirx \
	    -q $W/ -q $W/DIR
	# "/dir/" means "/dir", as curl takes it (it writes default paths so).
	expect 0 'a=1; b=2\na=1; b=2\na=1; b=2\na=1; b=2\n\n\n\n'
}

@test "the Cookie header: longer paths first, then the older first" {
	jar -s $W/ 'z=1; Path=/' -s $W/ 'y=2; Path=/a/b' -s $W/ 'x=3; Path=/a' \
	    -s $W/ 'w=4; Path=/a/b' -s $W/ 'v=5; Domain=example.com; Path=/a' \
	    -s $W/ 'u=6' -q $W/a/b/c
	expect 0 'y=2; w=4; x=3; v=5; z=1; u=6\n'
}

@test "the same name, domain and path replaces the cookie, which keeps its place" {
	jar -s $W/ 'a=1' -s $W/ 'b=2' -s $W/ 'a=3; HttpOnly' \
	    -s $W/ 'a=4; Path=/x' \
	    -s http://x.example.com/ 'a=5; Domain=example.com' \
	    -s $W/ 'b=6; Domain=www.example.com' -q $W/x -c "$T/jar"
	expect 0 'a=4; a=3; b=6; a=5\n'
	filehas "$T/jar" '.example.com|TRUE|/|FALSE|0|a|5' \
	    'www.example.com|FALSE|/x|FALSE|0|a|4' \
	    '.www.example.com|TRUE|/|FALSE|0|b|6' \
	    '#HttpOnly_www.example.com|FALSE|/|FALSE|0|a|3'
}

@test "Secure cookies are kept and written but never sent (no TLS); HttpOnly ones are sent" {
	jar -s $W/ 's=1; Secure' -s http://127.0.0.1/ 't=2; Secure' \
	    -s http://localhost/ 'u=3; Secure; HttpOnly' \
	    -s $W/ 'h=4; HttpOnly' \
	    -q $W/ -q http://127.0.0.1/ -q http://localhost/ -c "$T/jar"
	expect 0 'h=4\n\n\n'
	filehas "$T/jar" '#HttpOnly_www.example.com|FALSE|/|FALSE|0|h|4' \
	    '#HttpOnly_localhost|FALSE|/|TRUE|0|u|3' \
	    '127.0.0.1|FALSE|/|TRUE|0|t|2' 'www.example.com|FALSE|/|TRUE|0|s|1'
}

@test "Expires: the date forms of RFC 6265 section 5.1.1, in seconds since 1970" {
	local v want args=()
	while read -r want v; do
		args+=(-s $W/ "c$((${#args[@]} / 3))=1; Expires=$v")
	done <<-'DATES'
	4116219494 Wed, 09 Jun 2100 10:18:14 GMT
	3150953377 Sunday, 06-Nov-69 08:49:37 GMT
	3939871777 Sun Nov  6 08:49:37 2094
	3939869347 06 nov 2094 8:9:7
	3939869347 2094 8:9:7 6 NOVEMBER
	3003091200 Thu, 01-Mar-2065 00:00:00
	2019686400 1 jan 2034 0:0:0 extra 99 junk
	4105209600 2100-02-29 0:0:0 feb 1
	253402300799 31 Dec 9999 23:59:59 GMT
	DATES
	jar "${args[@]}" -c "$T/jar"
	expect 0 ''
	filehas "$T/jar" 'www.example.com|FALSE|/|FALSE|253402300799|c8|1' \
	    'www.example.com|FALSE|/|FALSE|4105209600|c7|1' \
	    'www.example.com|FALSE|/|FALSE|2019686400|c6|1' \
	    'www.example.com|FALSE|/|FALSE|3003091200|c5|1' \
	    'www.example.com|FALSE|/|FALSE|3939869347|c4|1' \
	    'www.example.com|FALSE|/|FALSE|3939869347|c3|1' \
	    'www.example.com|FALSE|/|FALSE|3939871777|c2|1' \
	    'www.example.com|FALSE|/|FALSE|3150953377|c1|1' \
	    'www.example.com|FALSE|/|FALSE|4116219494|c0|1'
}

@test "Expires: what is no date is ignored (a session cookie)" {
	local v args=() n=0
	while read -r v; do
		args+=(-s $W/ "c$n=1; Expires=$v")
		n=$((n + 1))
	done <<-'DATES'
	bogus
	Wed, 31 Feb 2100 10:18:14 GMT
	Thu, 29 Feb 2100 10:18:14 GMT
	Wed, 09 Jun 2100 24:00:00 GMT
	Wed, 09 Jun 2100 10:60:00 GMT
	Wed, 32 Jun 2100 10:00:00 GMT
	Wed, 00 Jun 2100 10:00:00 GMT
	Wed, 09 Jun 1600 10:00:00 GMT
	Wed, 09 Jun 10:00:00 GMT
	2095-11-06 08:49:37
	09 Jun 2100 100:00:00
	09 Jun 21000 10:00:00
	DATES
	jar "${args[@]}" -c "$T/jar"
	expect 0 ''
	[ "$(grep -c $'\t0\tc[0-9]*\t1$' "$T/jar")" -eq 12 ]
}

@test "Expires in the past deletes; the cookie goes once its time has passed" {
	jar -s $W/ 'a=1' -s $W/ 'b=2' \
	    -s $W/ 'a=x; Expires=Sun, 06 Nov 1994 08:49:37 GMT' \
	    -s $W/ 'c=3; Expires=Tue, 14 Nov 2023 22:13:21 GMT' \
	    -s $W/ 'd=4; Expires=Tue, 14 Nov 2023 22:13:20 GMT' \
	    -s $W/ 'e=5; Expires=Tue, 14 Nov 2023 22:13:19 GMT' \
	    -q $W/ -t $((NOW + 1)) -q $W/ -t $((NOW + 2)) -q $W/ -c "$T/jar"
	expect 0 'b=2; c=3; d=4\nb=2; c=3\nb=2\n'
	filehas "$T/jar" 'www.example.com|FALSE|/|FALSE|0|b|2'
}

@test "Max-Age wins over Expires in either order; <= 0 deletes; a bad one is ignored" {
	jar -s $W/ 'a=1; Max-Age=100; Expires=Wed, 09 Jun 2100 10:18:14 GMT' \
	    -s $W/ 'b=2; Expires=Wed, 09 Jun 2100 10:18:14 GMT; Max-Age=100' \
	    -s $W/ 'c=3; Max-Age=50; Max-Age=200' -s $W/ 'd=4; Max-Age=abc' \
	    -s $W/ 'e=5; Max-Age=1x; Expires=Wed, 09 Jun 2100 10:18:14 GMT' \
	    -s $W/ 'f=6; Max-Age="10"' \
	    -s $W/ 'g=7; Max-Age=99999999999999999999999' \
	    -s $W/ 'h=8' -s $W/ 'h=8; Max-Age=0' \
	    -s $W/ 'i=9' -s $W/ 'i=9; Max-Age=-5' \
	    -s $W/ 'j=10; Max-Age=-' -s $W/ 'k=11; max-age=+5' \
	    -q $W/ -t $((NOW + 101)) -q $W/ -c "$T/jar"
	expect 0 'a=1; b=2; c=3; d=4; e=5; f=6; g=7; j=10; k=11
c=3; d=4; e=5; f=6; g=7; j=10; k=11\n'
	filehas "$T/jar" 'www.example.com|FALSE|/|FALSE|0|k|11' \
	    'www.example.com|FALSE|/|FALSE|0|j|10' \
	    'www.example.com|FALSE|/|FALSE|9223372036854775807|g|7' \
	    'www.example.com|FALSE|/|FALSE|0|f|6' \
	    'www.example.com|FALSE|/|FALSE|4116219494|e|5' \
	    'www.example.com|FALSE|/|FALSE|0|d|4' \
	    'www.example.com|FALSE|/|FALSE|1700000200|c|3'
}

@test "-b NAME=VALUE goes to every host after the jar's cookies, several joined by '; '" {
	jar -b 'x=1' -s $W/ 'a=1' -b 'y=2; z=3' -q $W/ -q http://other.org/ \
	    -c "$T/jar"
	expect 0 'a=1; x=1; y=2; z=3\nx=1; y=2; z=3\n'
	filehas "$T/jar" 'www.example.com|FALSE|/|FALSE|0|a|1'
}

@test "-b NAME=VALUE with a control character (a header injection) is refused" {
	jar -b "$(printf 'a=1\r\nX-Evil: 1')" -q $W/
	expect 1 '' "cookiedump: a=1\r\nX-Evil: 1: control character in the \
cookie string"
}

@test "-c writes curl's header and nothing more for an empty jar; -c - is standard output" {
	jar -c "$T/jar" \
	    -s $W/p/q 'a=1; Domain=example.com; Secure; HttpOnly; Max-Age=60' \
	    -c -
	expect 0 "$HEAD#HttpOnly_.example.com\tTRUE\t/p/\tTRUE\t1700000060\t\
a\t1\n"
	filehas "$T/jar"
}

@test "-c: a new file is 0600, an existing one keeps its mode; no temporary file is left" {
	jar -s $W/ 'a=1' -c "$T/new"
	expect 0 ''
	[ "$(stat -c %a "$T/new")" = 600 ]
	printf 'old\n' >"$T/old"
	chmod 640 "$T/old"
	ln -s old "$T/link"
	jar -s $W/ 'a=1' -c "$T/link"
	expect 0 ''
	[ "$(stat -c %a "$T/old")" = 640 ] && [ -L "$T/link" ]
	filehas "$T/old" 'www.example.com|FALSE|/|FALSE|0|a|1'
	[ "$(ls "$T" | grep -c httpget-)" -eq 0 ]
	jar -s $W/ 'a=1' -c "$T/nodir/jar"
	expect 1 '' "cookiedump: $T/nodir/jar: No such file or directory"
	jar -s $W/ 'a=1' -c /dev/full
	expect 1 '' 'cookiedump: /dev/full: No space left on device'
}

@test "-b FILE: a written file reads back the same, session and HttpOnly cookies too" {
	jar -s $W/a/b 'a=1' -s $W/ 'b=2; Domain=example.com; HttpOnly' \
	    -s $W/ 'c=3; Secure; Expires=Wed, 09 Jun 2100 10:18:14 GMT' \
	    -s $W/ 'd=; Path=/d/' -c "$T/one" -q $W/a/x -q $W/d
	expect 0 'a=1; b=2\nd=; b=2\n'
	jar -b "$T/one" -q $W/a/x -q $W/d -c "$T/two"
	expect 0 'a=1; b=2\nd=; b=2\n'
	cmp "$T/one" "$T/two"
}

@test "-b FILE: bad lines are skipped as curl skips them" {
	tabs 'www.example.com|FALSE|/|FALSE|0|ok1|v1' \
	    '  www.example.com|FALSE|/|FALSE|0|lead|v' \
	    'www.example.com|FALSE|/|FALSE|0|six' \
	    'www.example.com|FALSE|/|FALSE|0|eight|v|extra' \
	    'www.example.com|FALSE|/|FALSE|abc|badexp|v' \
	    'www.example.com|FALSE|/|FALSE|-5|negexp|v' \
	    'www.example.com|FALSE|/|FALSE|99999999999999999999|flow|v' \
	    'www.example.com|FALSE|/|FALSE|4000000000x|junkexp|v' \
	    'www.example.com|TRUE|FALSE|0|nopath|v' \
	    'www.example.com|TRUE|FALSE|0|nopathnovalue' \
	    'www.example.com||FALSE|/||FALSE|0|dbltab|v|' \
	    'WWW.Example.COM|false|/|FALSE|0|caps|v' \
	    'www.example.com|FALSE|/|FALSE|0|sp ace|v w' \
	    'www.example.com|FALSE|/|FALSE|100|expired|v' \
	    '#HttpOnly_www.example.com|FALSE|/|FALSE|0|ho|v' \
	    '# www.example.com|FALSE|/|FALSE|0|comment|v' \
	    '#httponly_www.example.com|FALSE|/|FALSE|0|lower|v' \
	    'www.example.com|FALSE|abc|FALSE|0|relpath|v' \
	    '.www.example.com|FALSE|/|FALSE|0|dotfalse|v' \
	    '..www.example.com|TRUE|/|FALSE|0|twodots|v' \
	    'www.example.com|FALSE|/|FALSE' '' 'garbage' >"$T/in"
	printf 'www.example.com\tFALSE\t/\tFALSE\t0\tcrmid\tv\rjunk\n' >>"$T/in"
	printf 'www.example.com\tFALSE\t/\tFALSE\t0\tctl\tv\001\n' >>"$T/in"
	printf 'www.example.com\tFALSE\t/\tFALSE\t0\tfinal\tv' >>"$T/in"
	jar -b "$T/in" -c "$T/jar"
	expect 0 ''
	filehas "$T/jar" 'www.example.com|FALSE|/|FALSE|0|ok1|v1' \
	    'www.example.com|FALSE|/|FALSE|0|lead|v' \
	    'www.example.com|FALSE|/|FALSE|0|six|' \
	    'www.example.com|FALSE|/|FALSE|4000000000|junkexp|v' \
	    '.www.example.com|TRUE|/|FALSE|0|nopath|v' \
	    '.www.example.com|TRUE|/|FALSE|0|nopathnovalue|' \
	    'www.example.com|FALSE|/|FALSE|0|dbltab|v' \
	    'www.example.com|FALSE|/|FALSE|0|caps|v' \
	    'www.example.com|FALSE|/|FALSE|0|sp ace|v w' \
	    '#HttpOnly_www.example.com|FALSE|/|FALSE|0|ho|v' \
	    'www.example.com|FALSE|/|FALSE|0|relpath|v' \
	    'www.example.com|FALSE|/|FALSE|0|dotfalse|v' \
	    'www.example.com|FALSE|/|FALSE|0|crmid|v' \
	    'www.example.com|FALSE|/|FALSE|0|final|v'
}

@test "-b FILE of Set-Cookie lines, as curl reads them: a Domain is needed" {
	printf '%s\r\n' 'Set-Cookie: a=1; Domain=example.com; Path=/p' \
	    'set-cookie:b=2; Domain=.www.example.com; HttpOnly' \
	    'SET-COOKIE:   c=3; domain=example.com; Max-Age=10' \
	    'Set-Cookie: d=4' 'Set-Cookie: e=5; Domain=com' \
	    'Set-Cookie: f=6; Domain=a..com' 'Set-Cookie: g=7; Domain=#x.com' \
	    'Set-Cookie: h=8; Domain=10.1.2.3' \
	    ' Set-Cookie: i=9; Domain=example.com' >"$T/in"
	jar -b "$T/in" -q $W/p -q http://10.1.2.3/ -q http://x.10.1.2.3/ \
	    -c "$T/jar"
	# A file's first line is its newest cookie, as curl writes them.
	expect 0 'a=1; c=3; b=2\nh=8\n\n'
	filehas "$T/jar" '.example.com|TRUE|/p|FALSE|0|a|1' \
	    '#HttpOnly_.www.example.com|TRUE|/|FALSE|0|b|2' \
	    '.example.com|TRUE|/|FALSE|1700000010|c|3' \
	    '10.1.2.3|FALSE|/|FALSE|0|h|8'
}

@test "-b FILE that cannot be read is told and skipped; -b '' says nothing" {
	jar -b "$T/none" -b '' -b "$T" -s $W/ 'a=1' -q $W/
	[ "$status" -eq 0 ]
	same "$OUT" 'a=1\n'
	same "$ERR" "cookiedump: $T/none: No such file or directory
cookiedump: $T: Is a directory\n"
}

@test "-b - reads standard input" {
	status=0
	tabs 'www.example.com|FALSE|/|FALSE|0|a|1' |
	    "$DUMP" -t $NOW -b - -q $W/ >"$OUT" 2>"$ERR" || status=$?
	expect 0 'a=1\n'
}

@test "-b FILE over 16 MiB is an error" {
	head -c $((16 * 1024 * 1024 + 1)) /dev/zero >"$T/big"
	jar -b "$T/big" -q $W/
	expect 1 '' "cookiedump: $T/big: cookie file over 16 MiB"
}

@test "an oversized cookie is ignored: name and value over 4096 bytes, a line over 4998" {
	local v4094 v
	v4094=$(head -c 4094 /dev/zero | tr '\0' x)
	v=$(head -c 4963 /dev/zero | tr '\0' y)
	# ok's name and value are 4096 bytes, p's line 4998, q's 4999.
	jar -s $W/ "ok=$v4094" -s $W/ "no=${v4094}x" -s $W/ "p=1; Path=/$v" \
	    -s $W/ "q=1; Path=/${v}y" -c "$T/jar"
	expect 0 ''
	[ "$(awk -F'\t' 'NF > 5 { print $6 }' "$T/jar" | tr '\n' ' ')" = \
	    "p ok " ]
	[ "$(grep -c "^www.example.com	FALSE	/$v	" "$T/jar")" -eq 1 ]
	[ "$(sed -n 5p "$T/jar" | wc -c)" -eq 4999 ]
	# A Set-Cookie value over 4998 bytes is refused whole.
	jar -s $W/ "r=1; Path=/; x=$(head -c 4983 /dev/zero | tr '\0' z)" \
	    -s $W/ "s=1; Path=/; x=$(head -c 4984 /dev/zero | tr '\0' z)" -q $W/
	expect 0 'r=1\n'
	# A file's lines of 4998 bytes are read, longer ones skipped whole.
	{
		printf 'www.example.com\tFALSE\t/%s\tFALSE\t0\ta\t1\n' "$v"
		printf 'www.example.com\tFALSE\t/%s\tFALSE\t0\tb\t1\n' "${v}y"
		printf 'www.example.com\tFALSE\t/\tFALSE\t0\tc\t1\n'
	} >"$T/in"
	[ "$(head -1 "$T/in" | wc -c)" -eq 4999 ]
	jar -b "$T/in" -q "$W/$v/x" -q "$W/${v}y"
	expect 0 'a=1; c=1\nc=1\n'
}

@test "the Cookie header stops at the first cookie that does not fit, -b strings too" {
	jar -s $W/ 'a=1' -s $W/ 'b=22' -s $W/ 'c=3' -b 'x=1' -n 13 -q $W/ \
	    -n 9 -q $W/ -n 4 -q $W/ -n 3 -q $W/ -n 0 -q $W/ -n 19 -q $W/ \
	    -n 20 -q $W/
	expect 0 'a=1; b=22\na=1\na=1\n\n\na=1; b=22; c=3
a=1; b=22; c=3; x=1\n'
}

@test "5,000 cookies: the jar keeps JAR_MAX (3000), the least recently used going" {
	local i args=()
	for i in $(seq 5000); do
		printf 'Set-Cookie: c%d=%d; Domain=example.com\n' "$i" "$i"
	done >"$T/in"
	# A file's first lines are its newest (curl writes them so).
	jar -b "$T/in" -c "$T/jar"
	expect 0 ''
	[ "$(grep -c $'\tc[0-9]*\t' "$T/jar")" -eq 3000 ]
	[ "$(sed -n '5p;$p' "$T/jar" | cut -f6 | tr '\n' ' ')" = "c1 c3000 " ]
	# Set at one time, the oldest go; but keep, sent later, was used.
	for i in $(seq 5000); do
		args+=(-s $W/x/y "c$i=$i")
	done
	jar -s $W/ 'keep=1' "${args[@]:0:8997}" -t $((NOW + 1)) -q $W/ \
	    "${args[@]:8997}" -c "$T/jar"
	expect 0 'keep=1\n'
	[ "$(grep -c $'\tc[0-9]*\t' "$T/jar")" -eq 2999 ]
	[ "$(sed -n '5p;$p' "$T/jar" | cut -f6 | tr '\n' ' ')" = "c5000 keep " ]
	[ "$(tail -2 "$T/jar" | head -1 | cut -f6)" = c2002 ]
}

@test "a full jar evicts the expired cookies before the least recently used" {
	local i args=()
	for i in $(seq 3000); do
		args+=(-s $W/ "c$i=$i")
		[ "$i" -gt 2990 ] && args[${#args[@]} - 1]+="; Max-Age=1"
	done
	jar "${args[@]}" -t $((NOW + 5)) -s $W/ 'n1=1' -s $W/ 'n2=2' -c "$T/jar"
	expect 0 ''
	[ "$(grep -c $'\t[cn][0-9]*\t' "$T/jar")" -eq 2992 ]
	[ "$(sed -n '5p;6p;$p' "$T/jar" | cut -f6 | tr '\n' ' ')" = \
	    "n2 n1 c1 " ]
	! grep -q $'\tc299[1-9]\t' "$T/jar"
}

@test "a 16 MiB file of short lines: its first 3000 cookies are kept" {
	python3 -c '
import sys
n = 0
with open(sys.argv[1], "w") as f:
    while n < 16 * 1024 * 1024 - 64:
        line = "h\tFALSE\t/\tFALSE\t0\tc%x\tv\n" % n
        f.write(line)
        n += len(line)
' "$T/in"
	jar -b "$T/in" -c "$T/jar"
	expect 0 ''
	[ "$(grep -c $'\tc[0-9a-f]*\t' "$T/jar")" -eq 3000 ]
	[ "$(sed -n '5p' "$T/jar" | cut -f6)" = c0 ]
	[ "$(head -3000 "$T/in" | tail -1 | cut -f6)" = \
	    "$(tail -1 "$T/jar" | cut -f6)" ]
}

@test "valgrind: the jar frees its memory, closes its files, reads nothing uninitialised" {
	command -v valgrind >/dev/null || skip_or_fail "no valgrind"
	# make asan's build: valgrind cannot run beside AddressSanitizer,
	# which checks the same things there.
	! grep -q __asan_init "$ROOT/tests/helpers/cookiedump" ||
	    skip "an AddressSanitizer build"
	tabs 'www.example.com|FALSE|/|FALSE|0|f|1' 'bad|line' >"$T/in"
	(
		for fd in /proc/self/fd/*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
		done
		exec timeout -k 5 120 valgrind --leak-check=full \
		    --show-leak-kinds=all --errors-for-leak-kinds=all \
		    --error-exitcode=99 --track-fds=yes "$DUMP" -t $NOW \
		    -b "$T/in" -b 'x=1' -s $W/a/b 'a=1; Domain=example.com' \
		    -s $W/ 'b=2; Max-Age=0' -s $W/ 'f=2' -q $W/a/c \
		    -c "$T/jar" -b "$T/jar" -b "$T/none" -c "$T/jar"
	) </dev/null >"$OUT" 2>"$T/vg.log" || status=$?
	same "$OUT" 'a=1; f=2; x=1\n'
	grep -q "cookiedump: $T/none: No such file or directory" "$T/vg.log"
	grep -q 'FILE DESCRIPTORS: 3 open (3 std) at exit' "$T/vg.log"
	grep -q 'ERROR SUMMARY: 0 errors' "$T/vg.log"
	grep -q 'All heap blocks were freed' "$T/vg.log" || {
		cat "$T/vg.log"
		return 1
	}
}
