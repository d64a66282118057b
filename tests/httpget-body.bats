#!/usr/bin/env bats
# httpget's request bodies (SPEC section 3, issue 15): -d and its kin, -F,
# -T, -X, -G, Expect: 100-continue and redirects, checked byte by byte
# against tests/helpers/bodyhttp, then sent to nginx (stored as files and
# read back) and to python's http.server (echoed back).

load helpers/common
load helpers/httpget
load helpers/httpget-body

FORM='Content-Type: application/x-www-form-urlencoded\r\n'

setup() {
	hg_setup
}

teardown() {
	hg_teardown
}

# --- -d and its kin --------------------------------------------------------

@test "-d sends POST, Content-Length and the form type; several -d joined by &" {
	body_start ok
	hg -d a=1 -d 'b=2 3' "http://127.0.0.1:$PORT/p"
	expect 0 "ok\n"
	req_is 1 "$(pre POST /p "Content-Length: 9\r\n$FORM")a=1&b=2 3"
	hg --data a=1 --data-ascii 'b=2 3' "http://127.0.0.1:$PORT/p"
	expect 0 "ok\n"
	req_is 2 "$(pre POST /p "Content-Length: 9\r\n$FORM")a=1&b=2 3"
}

@test "-d @FILE and @- drop CR and LF, --data-binary keeps them, --data-raw takes @ as it is" {
	printf 'a=1\r\nb=2\n\nc\r' >"$T/d.txt"
	body_start ok
	hg -d @"$T/d.txt" "http://127.0.0.1:$PORT/d"
	expect 0 "ok\n"
	req_is 1 "$(pre POST /d "Content-Length: 7\r\n$FORM")a=1b=2c"
	hg_in "$T/d.txt" -d @- "http://127.0.0.1:$PORT/d"
	expect 0 "ok\n"
	req_is 2 "$(pre POST /d "Content-Length: 7\r\n$FORM")a=1b=2c"
	hg --data-binary @"$T/d.txt" "http://127.0.0.1:$PORT/b"
	expect 0 "ok\n"
	req_is 3 "$(pre POST /b "Content-Length: 12\r\n$FORM")" "$T/d.txt"
	hg_in "$T/d.txt" --data-binary @- "http://127.0.0.1:$PORT/b"
	expect 0 "ok\n"
	req_is 4 "$(pre POST /b "Content-Length: 12\r\n$FORM")" "$T/d.txt"
	hg --data-raw @d.txt -d x "http://127.0.0.1:$PORT/r"
	expect 0 "ok\n"
	req_is 5 "$(pre POST /r "Content-Length: 8\r\n$FORM")@d.txt&x"
}

@test "--data-urlencode: content, =content, name=content, @file, name@file" {
	printf '1 2\n' >"$T/u.txt"
	body_start ok
	hg --data-urlencode 'hello world!' --data-urlencode '=x y' \
	    --data-urlencode 'n=é~.-_*' --data-urlencode @"$T/u.txt" \
	    --data-urlencode m@"$T/u.txt" --data-urlencode 'a b&c=d' \
	    "http://127.0.0.1:$PORT/u"
	expect 0 "ok\n"
	req_is 1 "$(pre POST /u "Content-Length: 58\r\n$FORM")hello+world%21&x+y&n=%C3%A9~.-_%2A&1+2%0A&m=1+2%0A&a b&c=d"
}

@test "-H Content-Type replaces the form type where -H puts it, -H 'Content-Type:' drops it" {
	body_start ok
	hg -d x=1 -H 'Content-Type: text/foo' -H 'X-A: 1' "http://127.0.0.1:$PORT/"
	expect 0 "ok\n"
	req_is 1 "$(pre POST / 'Content-Type: text/foo\r\nX-A: 1\r\nContent-Length: 3\r\n')x=1"
	hg -d x=1 -H 'Content-Type:' "http://127.0.0.1:$PORT/"
	expect 0 "ok\n"
	req_is 2 "$(pre POST / 'Content-Length: 3\r\n')x=1"
}

@test "-G puts the data in the query (after '&' when there is one) and sends GET; HEAD with -I" {
	body_start ok
	hg -G -d a=1 -d b=2 "http://127.0.0.1:$PORT/s"
	expect 0 "ok\n"
	req_is 1 "$(pre GET '/s?a=1&b=2')"
	hg -G -d a=1 --data-urlencode 'q=a b' "http://127.0.0.1:$PORT/s?x=0"
	expect 0 "ok\n"
	req_is 2 "$(pre GET '/s?x=0&a=1&q=a+b')"
	hg -I -G -d a=1 "http://127.0.0.1:$PORT/s"
	[ "$status" -eq 0 ]
	req_is 3 "$(pre HEAD '/s?a=1')"
}

@test "-X sets the method: PATCH with -d, DELETE, PUT with -d" {
	body_start ok
	hg -X PATCH -d a=1 "http://127.0.0.1:$PORT/x"
	expect 0 "ok\n"
	req_is 1 "$(pre PATCH /x "Content-Length: 3\r\n$FORM")a=1"
	hg -X DELETE "http://127.0.0.1:$PORT/x"
	expect 0 "ok\n"
	req_is 2 "$(pre DELETE /x)"
	hg --request PUT -d a=1 "http://127.0.0.1:$PORT/x"
	expect 0 "ok\n"
	req_is 3 "$(pre PUT /x "Content-Length: 3\r\n$FORM")a=1"
}

@test "-X with a space, CR, LF or separator is not a method: exit 2" {
	local m
	body_start ok
	# The message quotes the argument as it is (as for -H), so an LF in
	# it makes two lines: only the start is checked.
	for m in 'GE T' $'GET\r' $'GET\nX: 1' 'A(B' 'A:B'; do
		hg -X "$m" "http://127.0.0.1:$PORT/"
		[ "$status" -eq 2 ] || { echo "-X '$m': exit $status"; return 1; }
		head -1 "$ERR" | grep -q "^httpget: -X '"
	done
	[ "$(nreq)" -eq 0 ]
}

# --- -F --------------------------------------------------------------------

@test "-F: values, quoted ';', files (binary too), <file, type= and filename=, byte-exact" {
	local b body
	binfile "$T/b.bin"
	printf 'text\n' >"$T/f.txt"
	printf '<x/>' >"$T/v.xml"
	body_start ok
	hg -F a=1 -F 'q="x;y"' -F f=@"$T/f.txt" -F b=@"$T/b.bin" \
	    -F "c=<$T/f.txt" -F "d=@$T/v.xml;type=text/foo;filename=zz.dat" \
	    -F 'x=1;type=text/x' -F 'e=' "http://127.0.0.1:$PORT/f"
	expect 0 "ok\n"
	body_done 1
	b=$(boundary 1)
	[[ $b =~ ^-{24}[0-9a-fA-F]{16}$ ]] || { echo "boundary '$b'"; return 1; }
	{
		printf -- '--%s\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n' "$b"
		printf -- '--%s\r\nContent-Disposition: form-data; name="q"\r\n\r\nx;y\r\n' "$b"
		printf -- '--%s\r\nContent-Disposition: form-data; name="f"; filename="f.txt"\r\nContent-Type: text/plain\r\n\r\n' "$b"
		cat "$T/f.txt"
		printf -- '\r\n--%s\r\nContent-Disposition: form-data; name="b"; filename="b.bin"\r\nContent-Type: application/octet-stream\r\n\r\n' "$b"
		cat "$T/b.bin"
		printf -- '\r\n--%s\r\nContent-Disposition: form-data; name="c"\r\n\r\n' "$b"
		cat "$T/f.txt"
		printf -- '\r\n--%s\r\nContent-Disposition: form-data; name="d"; filename="zz.dat"\r\nContent-Type: text/foo\r\n\r\n' "$b"
		cat "$T/v.xml"
		printf -- '\r\n--%s\r\nContent-Disposition: form-data; name="x"\r\nContent-Type: text/x\r\n\r\n1\r\n' "$b"
		printf -- '--%s\r\nContent-Disposition: form-data; name="e"\r\n\r\n\r\n' "$b"
		printf -- '--%s--\r\n' "$b"
	} >"$T/body"
	req_is 1 "$(pre POST /f "Content-Length: $(wc -c <"$T/body")\r\nContent-Type: multipart/form-data; boundary=$b\r\n")" "$T/body"
	# The same parts, read back by python's email package.
	printf '1' >"$T/p.a"
	printf 'x;y' >"$T/p.q"
	printf '' >"$T/p.e"
	parts 1 >"$T/parts"
	{
		partline a - - "$T/p.a"
		partline q - - "$T/p.q"
		partline f f.txt text/plain "$T/f.txt"
		partline b b.bin application/octet-stream "$T/b.bin"
		partline c - - "$T/f.txt"
		partline d zz.dat text/foo "$T/v.xml"
		partline x - text/x "$T/p.a"
		partline e - - "$T/p.e"
	} >"$T/parts.expected"
	diff "$T/parts.expected" "$T/parts"
}

@test "-F file parts: the type is guessed from the extension" {
	local e args=()
	for e in txt html htm json xml gif jpg jpeg png svg pdf css js bin TXT; do
		printf 'x' >"$T/f.$e"
		args+=(-F "f$e=@$T/f.$e")
	done
	printf 'x' >"$T/noext"
	args+=(-F "n=@$T/noext")
	body_start ok
	hg "${args[@]}" "http://127.0.0.1:$PORT/f"
	expect 0 "ok\n"
	body_done 1
	parts 1 | cut -d' ' -f1-3 >"$T/parts"
	diff - "$T/parts" <<-'EOF'
	ftxt f.txt text/plain
	fhtml f.html text/html
	fhtm f.htm text/html
	fjson f.json application/json
	fxml f.xml application/xml
	fgif f.gif image/gif
	fjpg f.jpg image/jpeg
	fjpeg f.jpeg image/jpeg
	fpng f.png image/png
	fsvg f.svg image/svg+xml
	fpdf f.pdf application/pdf
	fcss f.css text/css
	fjs f.js application/javascript
	fbin f.bin application/octet-stream
	fTXT f.TXT text/plain
	n noext application/octet-stream
	EOF
}

@test "-F without '=' exits 2" {
	hg -F name http://127.0.0.1:9/
	[ "$status" -eq 2 ]
	one_line '^httpget: '
}

# --- -T --------------------------------------------------------------------

@test "-T FILE sends PUT with Content-Length, no Expect up to 1 MiB; a URL ending in / gets the file's name" {
	binfile "$T/b.bin"
	head -c 1048576 /dev/urandom >"$T/mib"
	body_start ok
	hg -T "$T/b.bin" "http://127.0.0.1:$PORT/up/x"
	expect 0 "ok\n"
	req_is 1 "$(pre PUT /up/x "Content-Length: $(wc -c <"$T/b.bin")\r\n")" "$T/b.bin"
	hg --upload-file "$T/b.bin" "http://127.0.0.1:$PORT/up/"
	expect 0 "ok\n"
	req_is 2 "$(pre PUT /up/b.bin "Content-Length: $(wc -c <"$T/b.bin")\r\n")" "$T/b.bin"
	hg -T "$T/mib" "http://127.0.0.1:$PORT/mib"
	expect 0 "ok\n"
	req_is 3 "$(pre PUT /mib 'Content-Length: 1048576\r\n')" "$T/mib"
}

@test "-T - sends standard input from a pipe chunked, with Expect" {
	head -c 300000 /dev/urandom >"$T/r.bin"
	body_start ok
	hg_pipe 'printf hello' -T - "http://127.0.0.1:$PORT/up"
	expect 0 "ok\n"
	req_is 1 "$(pre_chunked PUT /up 'Expect: 100-continue\r\n')5\r\nhello\r\n0\r\n\r\n"
	# Written in pieces with pauses: whatever the chunks, the framing
	# decodes (strictly: body_done) to the bytes written.
	hg_pipe "head -c 100000 '$T/r.bin'; sleep 0.3; tail -c +100001 '$T/r.bin'" \
	    -T - "http://127.0.0.1:$PORT/up"
	expect 0 "ok\n"
	body_done 2
	cmp "$T/r.bin" "$REQ/body.2"
	req_head 2 >"$T/head"
	same "$T/head" "$(pre_chunked PUT /up 'Expect: 100-continue\r\n')"
	tail -c 5 "$REQ/req.2" >"$T/last"
	same "$T/last" "0\r\n\r\n"
}

# --- Expect: 100-continue --------------------------------------------------

@test "a body over 1 MiB goes with Expect: 100-continue, by -T and --data-binary; -H 'Expect:' drops it" {
	head -c 2097152 /dev/urandom >"$T/big"
	head -c 1048577 /dev/urandom >"$T/mib1"
	body_start ok
	hg -T "$T/big" "http://127.0.0.1:$PORT/big"
	expect 0 "ok\n"
	req_is 1 "$(pre PUT /big 'Content-Length: 2097152\r\nExpect: 100-continue\r\n')" "$T/big"
	hg --data-binary @"$T/big" "http://127.0.0.1:$PORT/big"
	expect 0 "ok\n"
	req_is 2 "$(pre POST /big "Content-Length: 2097152\r\n${FORM}Expect: 100-continue\r\n")" "$T/big"
	hg -T "$T/mib1" "http://127.0.0.1:$PORT/m"
	expect 0 "ok\n"
	req_is 3 "$(pre PUT /m 'Content-Length: 1048577\r\nExpect: 100-continue\r\n')" "$T/mib1"
	hg -H 'Expect:' -T "$T/big" "http://127.0.0.1:$PORT/big"
	expect 0 "ok\n"
	req_is 4 "$(pre PUT /big 'Content-Length: 2097152\r\n')" "$T/big"
	grep -q '^conn 1: ok: PUT /big HTTP/1.1 expect=1 100=1 body=2097152$' "$T"/body.*.log
}

@test "a server that never sends 100 Continue gets the body all the same" {
	head -c 2097152 /dev/urandom >"$T/big"
	body_start noexpect
	hg -T "$T/big" "http://127.0.0.1:$PORT/big"
	expect 0 "ok\n"
	req_is 1 "$(pre PUT /big 'Content-Length: 2097152\r\nExpect: 100-continue\r\n')" "$T/big"
	hg_pipe "cat '$T/big'" -T - "http://127.0.0.1:$PORT/big"
	expect 0 "ok\n"
	body_done 2
	cmp "$T/big" "$REQ/body.2"
}

@test "an early 413 to Expect: the body is not sent, exit 22 with the status" {
	head -c 2097152 /dev/urandom >"$T/big"
	body_start "early 413"
	hg -T "$T/big" "http://127.0.0.1:$PORT/big"
	expect 22 "early 413\n" "httpget: 127.0.0.1:$PORT: server returned 413 Payload Too Large"
	body_done 1
	same "$REQ/early.1" "0 0\n"
	req_is 1 "$(pre PUT /big 'Content-Length: 2097152\r\nExpect: 100-continue\r\n')"
	hg -f --data-binary @"$T/big" "http://127.0.0.1:$PORT/big"
	expect 22 "" "httpget: 127.0.0.1:$PORT: server returned 413 Payload Too Large"
	body_done 2
	same "$REQ/early.2" "0 0\n"
}

@test "an early 401 to a small -d: exit 22 with the status, the body no more than sent" {
	local got
	body_start "early 401"
	hg -d a=1 "http://127.0.0.1:$PORT/p"
	expect 22 "early 401\n" "httpget: 127.0.0.1:$PORT: server returned 401 Unauthorized"
	body_done 1
	got=$(cut -d' ' -f2 "$REQ/early.1")
	[ "$got" -le 3 ]
}

@test "an answer while a body is sent stops the sending: the body is cut, exit 22" {
	local got
	head -c 33554432 /dev/zero >"$T/huge"
	body_start "early 413"
	hg -H 'Expect:' -T "$T/huge" "http://127.0.0.1:$PORT/huge"
	expect 22 "early 413\n" "httpget: 127.0.0.1:$PORT: server returned 413 Payload Too Large"
	body_done 1
	got=$(cut -d' ' -f2 "$REQ/early.1")
	echo "body bytes received: $got"
	[ "$got" -lt 33554432 ]
}

@test "417 to Expect: the request is sent once more without Expect" {
	head -c 2097152 /dev/urandom >"$T/big"
	body_start reject417
	hg -T "$T/big" "http://127.0.0.1:$PORT/big"
	expect 0 "ok\n"
	req_is 1 "$(pre PUT /big 'Content-Length: 2097152\r\nExpect: 100-continue\r\n')"
	req_is 2 "$(pre PUT /big 'Content-Length: 2097152\r\n')" "$T/big"
	[ "$(nreq)" -eq 2 ]
}

@test "a server that closes while the body is sent, without an answer: exit 55" {
	head -c 33554432 /dev/zero >"$T/huge"
	body_start "closemid 100000"
	hg -T "$T/huge" "http://127.0.0.1:$PORT/huge"
	[ "$status" -eq 55 ]
	one_line "^httpget: "
	[ ! -s "$OUT" ]
}

@test "100 Continue and then nothing: -m 2 ends the wait, exit 28" {
	head -c 2097152 /dev/urandom >"$T/big"
	body_start continue-then-hang
	hg -m 2 -T "$T/big" "http://127.0.0.1:$PORT/big"
	[ "$status" -eq 28 ]
	one_line "^httpget: "
	wait_until 10 test -e "$REQ/body.1"
	cmp "$T/big" "$REQ/body.1"
}

# --- Redirects -------------------------------------------------------------

@test "-L: 301, 302 and 303 after POST go on with GET and no body" {
	local s
	for s in 301 302 303; do
		REQ=$T/req$s
		body_start "redirect $s /next" ok
		hg -L -d a=1 "http://127.0.0.1:$PORT/p"
		expect 0 "ok\n"
		req_is 1 "$(pre POST /p "Content-Length: 3\r\n$FORM")a=1"
		req_is 2 "$(pre GET /next)"
	done
}

@test "-L: 303 turns PUT into GET, HEAD stays HEAD; 301 and 302 keep PUT and its body" {
	local s
	binfile "$T/b.bin"
	REQ=$T/req303
	body_start "redirect 303 /next" ok
	hg -L -T "$T/b.bin" "http://127.0.0.1:$PORT/p"
	expect 0 "ok\n"
	req_is 2 "$(pre GET /next)"
	REQ=$T/reqhead
	body_start "redirect 303 /next" ok
	hg -L -I "http://127.0.0.1:$PORT/p"
	[ "$status" -eq 0 ]
	req_is 2 "$(pre HEAD /next)"
	for s in 301 302; do
		REQ=$T/req$s
		body_start "redirect $s /next" ok
		hg -L -T "$T/b.bin" "http://127.0.0.1:$PORT/p"
		expect 0 "ok\n"
		req_is 2 "$(pre PUT /next "Content-Length: $(wc -c <"$T/b.bin")\r\n")" "$T/b.bin"
	done
}

@test "-L: 307 and 308 keep the method and the body, files read again" {
	local s n
	binfile "$T/b.bin"
	printf 'a=1&b=2' >"$T/d.txt"
	n=$(wc -c <"$T/b.bin")
	for s in 307 308; do
		REQ=$T/req$s
		body_start "redirect $s http://127.0.0.1:@PORT@/next" ok
		hg -L -d @"$T/d.txt" "http://127.0.0.1:$PORT/p"
		expect 0 "ok\n"
		req_is 1 "$(pre POST /p "Content-Length: 7\r\n$FORM")a=1&b=2"
		req_is 2 "$(pre POST /next "Content-Length: 7\r\n$FORM")a=1&b=2"
		REQ=$T/reqT$s
		body_start "redirect $s /next" ok
		hg -L -T "$T/b.bin" "http://127.0.0.1:$PORT/p"
		expect 0 "ok\n"
		req_is 1 "$(pre PUT /p "Content-Length: $n\r\n")" "$T/b.bin"
		req_is 2 "$(pre PUT /next "Content-Length: $n\r\n")" "$T/b.bin"
		REQ=$T/reqF$s
		body_start "redirect $s /next" ok
		hg -L -F f=@"$T/b.bin" -F a=1 "http://127.0.0.1:$PORT/p"
		expect 0 "ok\n"
		body_done 2
		cmp "$REQ/body.1" "$REQ/body.2"
		[ "$(reqline 2)" = "POST /next HTTP/1.1" ]
	done
}

@test "-L: 307 after -T - cannot send standard input again: exit 65" {
	body_start "redirect 307 /next" ok
	hg_pipe 'printf hello' -L -T - "http://127.0.0.1:$PORT/p"
	[ "$status" -eq 65 ]
	one_line "^httpget: "
	req_is 1 "$(pre_chunked PUT /p 'Expect: 100-continue\r\n')5\r\nhello\r\n0\r\n\r\n"
	# A second connection may have been opened, but no request sent.
	[ ! -s "$REQ/req.2" ]
}

# --- Refusals --------------------------------------------------------------

@test "a -d, --data-binary or --data-urlencode @FILE that cannot be read: exit 26" {
	local o
	for o in -d --data-binary --data-urlencode; do
		hg "$o" @"$T/missing" http://127.0.0.1:9/
		[ "$status" -eq 26 ] || { echo "$o: exit $status"; return 1; }
		one_line "^httpget: $T/missing: cannot read: [Nn]o such file or directory$"
	done
}

@test "-T of a folder or a missing file: exit 26" {
	mkdir "$T/dir"
	hg -T "$T/dir" http://127.0.0.1:9/
	[ "$status" -eq 26 ]
	one_line "^httpget: $T/dir: "
	hg -T "$T/missing" http://127.0.0.1:9/
	[ "$status" -eq 26 ]
	one_line "^httpget: $T/missing: cannot read: [Nn]o such file or directory$"
}

@test "-I with -d, -F or -T is two methods: exit 2" {
	printf 'x' >"$T/f"
	hg -I -d a=1 http://127.0.0.1:9/
	[ "$status" -eq 2 ]
	one_line "^httpget: "
	hg -I -F a=1 http://127.0.0.1:9/
	[ "$status" -eq 2 ]
	hg -I -T "$T/f" http://127.0.0.1:9/
	[ "$status" -eq 2 ]
}

# --- nginx -----------------------------------------------------------------

@test "nginx stores -T files (2 MiB with Expect, chunked -T -) and GET gives them back byte-exact" {
	binfile "$T/b.bin"
	head -c 2097152 /dev/urandom >"$T/big"
	nginx_dav_start "$T/www" || skip_or_fail "no nginx (tests/helpers/deps peers)"
	hg -T "$T/b.bin" "http://127.0.0.1:$PORT/a/b/"
	[ "$status" -eq 0 ]
	cmp "$T/b.bin" "$T/www/a/b/b.bin"
	hg "http://127.0.0.1:$PORT/a/b/b.bin"
	[ "$status" -eq 0 ]
	cmp "$T/b.bin" "$OUT"
	hg -T "$T/big" "http://127.0.0.1:$PORT/big"
	[ "$status" -eq 0 ]
	cmp "$T/big" "$T/www/big"
	hg_pipe "cat '$T/big'" -T - "http://127.0.0.1:$PORT/c/chunked"
	[ "$status" -eq 0 ]
	cmp "$T/big" "$T/www/c/chunked"
	hg "http://127.0.0.1:$PORT/c/chunked"
	[ "$status" -eq 0 ]
	cmp "$T/big" "$OUT"
}

@test "nginx: POST bodies (-d, --data-binary, -F, chunked) arrive as sent" {
	local b
	binfile "$T/b.bin"
	head -c 2097152 /dev/urandom >"$T/big"
	nginx_dav_start "$T/www" || skip_or_fail "no nginx (tests/helpers/deps peers)"
	hg -d a=1 -d b=2 "http://127.0.0.1:$PORT/post"
	[ "$status" -eq 0 ]
	same "$T/www/put/posted" "a=1&b=2"
	hg --data-binary @"$T/b.bin" "http://127.0.0.1:$PORT/post"
	[ "$status" -eq 0 ]
	cmp "$T/b.bin" "$T/www/put/posted"
	hg --data-binary @"$T/big" "http://127.0.0.1:$PORT/post"
	[ "$status" -eq 0 ]
	cmp "$T/big" "$T/www/put/posted"
	hg_pipe "cat '$T/big'" -X POST -T - "http://127.0.0.1:$PORT/post"
	[ "$status" -eq 0 ]
	cmp "$T/big" "$T/www/put/posted"
	hg -F a=1 -F f=@"$T/b.bin" "http://127.0.0.1:$PORT/post"
	[ "$status" -eq 0 ]
	b=$(head -1 "$T/www/put/posted" | tr -d '\r')
	b=${b#--}
	{
		printf 'POST / HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=%s\r\n\r\n' "$b"
		cat "$T/www/put/posted"
	} >"$REQ/req.nginx"
	printf 1 >"$T/one"
	python3 "$BODYHTTP" --parts "$REQ/req.nginx" >"$T/parts"
	{
		partline a - - "$T/one"
		partline f b.bin application/octet-stream "$T/b.bin"
	} | diff - "$T/parts"
}

@test "nginx answers 413 before a body it will not take: exit 22, nothing stored" {
	head -c 2097152 /dev/urandom >"$T/big"
	nginx_dav_start "$T/www" || skip_or_fail "no nginx (tests/helpers/deps peers)"
	hg -f -T "$T/big" "http://127.0.0.1:$PORT/small/big"
	expect 22 "" "httpget: 127.0.0.1:$PORT: server returned 413 Request Entity Too Large"
	[ ! -e "$T/www/small/big" ]
	hg -T "$T/big" "http://127.0.0.1:$PORT/small/big"
	[ "$status" -eq 22 ]
	grep -q '<title>413 Request Entity Too Large</title>' "$OUT"
}

# --- python's http.server --------------------------------------------------

@test "http.server echoes -d, -X PATCH, -X DELETE, -T and -T - bodies" {
	binfile "$T/b.bin"
	echo_start
	hg -d 'a=1&b=2' "http://127.0.0.1:$PORT/"
	expect 0 "a=1&b=2"
	hg -X PATCH -d 'p=1' "http://127.0.0.1:$PORT/"
	expect 0 "p=1"
	hg -X DELETE -d 'gone' "http://127.0.0.1:$PORT/"
	expect 0 "gone"
	hg -T "$T/b.bin" "http://127.0.0.1:$PORT/x"
	[ "$status" -eq 0 ]
	cmp "$T/b.bin" "$OUT"
	hg_pipe "cat '$T/b.bin'" -T - "http://127.0.0.1:$PORT/x"
	[ "$status" -eq 0 ]
	cmp "$T/b.bin" "$OUT"
	grep -q '"PATCH / HTTP/1.1" 200' "$T/echohttp.log"
	grep -q '"DELETE / HTTP/1.1" 200' "$T/echohttp.log"
}

@test "http.server answers 100 Continue to 2 MiB bodies, and 307 keeps them" {
	head -c 2097152 /dev/urandom >"$T/big"
	echo_start
	hg -T "$T/big" "http://127.0.0.1:$PORT/big"
	[ "$status" -eq 0 ]
	cmp "$T/big" "$OUT"
	hg --data-binary @"$T/big" "http://127.0.0.1:$PORT/big"
	[ "$status" -eq 0 ]
	cmp "$T/big" "$OUT"
	hg_pipe "cat '$T/big'" -T - "http://127.0.0.1:$PORT/big"
	[ "$status" -eq 0 ]
	cmp "$T/big" "$OUT"
	hg -L --data-binary @"$T/big" "http://127.0.0.1:$PORT/redirect/307"
	[ "$status" -eq 0 ]
	cmp "$T/big" "$OUT"
	grep -q '"POST /echo HTTP/1.1" 200' "$T/echohttp.log"
}
