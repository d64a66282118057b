#!/usr/bin/env bats
# httpget's request body (clients/body.c, form.c) through tests/helpers/
# bodydump, without the network: the bytes of -d, --data-*, -F and -T,
# compared with what curl 7.88 sends to a loopback listener where curl is
# at hand, and multipart bodies parsed back with python's email package.

load helpers/common
load helpers/httpget

BODYDUMP=$ROOT/tests/helpers/bodydump
DASHES=------------------------

# One connection on 127.0.0.1, port 0: the request's head goes to
# ARGV[1].head and its body (by Content-Length) to ARGV[1], renamed into
# place once whole, and a bare 200 answers.
SINK='
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
s.settimeout(10)
print("port", s.getsockname()[1], flush=True)
c, _ = s.accept()
c.settimeout(10)
data = b""
while b"\r\n\r\n" not in data:
    d = c.recv(65536)
    if not d:
        sys.exit(1)
    data += d
head, _, body = data.partition(b"\r\n\r\n")
n = 0
for line in head.split(b"\r\n")[1:]:
    k, _, v = line.partition(b":")
    if k.strip().lower() == b"content-length":
        n = int(v)
while len(body) < n:
    d = c.recv(65536)
    if not d:
        break
    body += d
c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
c.close()
open(sys.argv[1] + ".head", "wb").write(head)
open(sys.argv[1] + ".tmp", "wb").write(body)
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
'

# Prints each part of a multipart body as "name filename type payload"
# (None for what is missing, the payload as a python bytes literal); the
# Content-Type comes from bodydump's "size N ctype T" line in ARGV[1].
PARTS='
import sys, email.parser, email.policy
ctype = open(sys.argv[1]).readline().rstrip("\n").split(" ctype ", 1)[1]
raw = open(sys.argv[2], "rb").read()
msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
    b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + raw)
assert msg.is_multipart() and not msg.defects, msg.defects
for part in msg.iter_parts():
    assert not part.defects, part.defects
    print(part.get_param("name", header="content-disposition"),
        part.get_filename(), part.get("Content-Type"),
        repr(part.get_payload(decode=True)))
'

setup() {
	hg_setup
	[ -x "$BODYDUMP" ] || {
		echo "build it first: make tests/helpers/bodydump" >&2
		return 1
	}
	cd "$T" || return 1
	printf 'hello\r\nworld\n' >crlf.txt
	printf 'a\0b\r\nc %%41\r\n\r\n--\n\xff' >bin
	printf 'abc' >zz.txt
	BD_IN=/dev/null
}

teardown() {
	hg_teardown
}

# bd ARGS...: bodydump ARGS, stdin from $BD_IN, into $OUT and $ERR.
bd() {
	status=0
	timeout -k 5 30 "$BODYDUMP" "$@" <"$BD_IN" >"$OUT" 2>"$ERR" ||
	    status=$?
}

# curl_body FILE ARGS...: what curl ARGS sends as a body, into FILE (its
# head into FILE.head), stdin from $BD_IN.
curl_body() {
	local out=$1 log=$T/sink.$RANDOM.log port
	shift
	command -v curl >/dev/null || skip "no curl here"
	bg_start "$log" python3 -c "$SINK" "$out"
	port=$(port_of "$log")
	curl -s -m 10 -o /dev/null "$@" "http://127.0.0.1:$port/" <"$BD_IN"
	wait_until 5 test -e "$out"
}

# boundary_of HEADFILE: the 16 hex digits of curl's boundary.
boundary_of() {
	sed -n 's/^Content-Type: multipart.*boundary=-*\([0-9a-f]*\).*/\1/p' \
	    "$1" | tr -d '\r'
}

# ctype: the Content-Type of bodydump's first stderr line.
ctype() {
	sed -n '1s/^size [-0-9]* ctype //p' "$ERR"
}

@test "--data-urlencode encodes its five forms as curl does" {
	local args=(--data-urlencode 'hello wörld~-._*!' --data-urlencode '=x=y z'
	    --data-urlencode 'name=a&b c/é+' --data-urlencode '@bin'
	    --data-urlencode 'file@bin' --data-urlencode 'a@b=c d'
	    --data-urlencode '' --data-urlencode '=')
	bd "${args[@]}"
	expect 0 'hello+w%C3%B6rld~-._%2A%21&x%3Dy+z&name=a%26b+c%2F%C3%A9%2B&a%00b%0D%0Ac+%2541%0D%0A%0D%0A--%0A%FF&file=a%00b%0D%0Ac+%2541%0D%0A%0D%0A--%0A%FF&a@b=c+d&&' \
	    'size 152 ctype application/x-www-form-urlencoded'
	curl_body "$T/curl" "${args[@]}"
	cmp "$T/curl" "$OUT"
}

@test "-d joins with '&' and drops CR and LF of @FILE; --data-binary and --data-raw keep the bytes; @- is stdin" {
	local args=(-d 'a b' -d @crlf.txt -d '' --data-binary @crlf.txt
	    --data-raw @crlf.txt --data-ascii @- --data '@zz.txt')
	BD_IN=$T/crlf.txt
	bd "${args[@]}"
	expect 0 'a b&helloworld&&hello\r\nworld\n&@crlf.txt&helloworld&abc' \
	    'size 54 ctype application/x-www-form-urlencoded'
	curl_body "$T/curl" "${args[@]}"
	cmp "$T/curl" "$OUT"

	# Every CR and LF goes, a lone CR too (curl cuts the line there).
	printf 'a\rb\r\nc\n\nd' >cr.txt
	BD_IN=$T/bin
	bd -d @cr.txt --data-binary @-
	expect 0 'abcd&a\0b\r\nc %41\r\n\r\n--\n\xff' \
	    'size 23 ctype application/x-www-form-urlencoded'
}

@test "-G gets the joined -d data as the query; -F and -T give none" {
	bd -G -d 'a=1' --data-urlencode 'b=x y'
	expect 0 'a=1&b=x+y' 'size 9 ctype application/x-www-form-urlencoded'
	bd -G -F 'a=1' --boundary 0123456789abcdef
	expect 0 '' "size 137 ctype multipart/form-data; boundary=${DASHES}0123456789abcdef"
	bd -G -T zz.txt
	expect 0 '' 'size 3 ctype '
	bd -G
	expect 0 '' 'size 0 ctype '
}

@test "-F parts are framed byte for byte as curl frames them" {
	local args=(-F 'a=1' -F 'f=@crlf.txt' -F 'g=@crlf.txt;type=text/x;filename=zz'
	    -F 'b=@bin' -F 'q="a;b\"c"' -F 'r=<zz.txt' -F 's=<bin;type=x/y'
	    -F 'g2=@zz.txt;filename=pic.JPG' -F 'v=1;filename=w.png'
	    -F 'w=2;filename=w.bin' -F 'x=@zz.txt;filename=x.bin' -F 'e=@"zz.txt"'
	    -F 'c= 1 ;type= a/b ;foo=bar' -F 'h="abc' -F 'i="abc"zz;type=t/u'
	    -F 'j=1;type=text/html; charset=utf-8 ;filename=x.txt;type=a/b'
	    -F 'l=1;type="a/b;c=d";foo;FileName=f' -F 'm=1;2'
	    -F 'a"b=1' -F $'c\r\nd=@zz.txt;filename=a"b\\c' -F '=noname' -F 'k='
	    -F 'in=@-' --form-string ' lit = @zz.txt;type=x ')
	BD_IN=$T/bin
	curl_body "$T/curl" "${args[@]}"
	bd --boundary "$(boundary_of "$T/curl.head")" "${args[@]}"
	[ "$status" -eq 0 ]
	cmp "$T/curl" "$OUT"
	[ "$(ctype)" = "multipart/form-data; boundary=$DASHES$(boundary_of "$T/curl.head")" ]
	[ "$(sed -n '1s/^size \([0-9]*\) .*/\1/p' "$ERR")" -eq "$(wc -c <"$OUT")" ]
}

@test "-F parts parse back with the names, filenames, types and bytes given" {
	bd -F 'a=1' -F 'b=@bin;type=x/y' -F 'c=<crlf.txt' -F 'd=@zz.txt;filename=n.txt' \
	    -F 'e=@bin' -F 'f=@crlf.txt;filename="my;file.html"'
	[ "$status" -eq 0 ]
	run -0 python3 -c "$PARTS" "$ERR" "$OUT"
	[ "$output" = "a None None b'1'
b bin x/y b'a\\x00b\\r\\nc %41\\r\\n\\r\\n--\\n\\xff'
c None None b'hello\\r\\nworld\\n'
d n.txt text/plain b'abc'
e bin application/octet-stream b'a\\x00b\\r\\nc %41\\r\\n\\r\\n--\\n\\xff'
f my;file.html text/html b'hello\\r\\nworld\\n'" ]
}

@test "the boundary is 24 dashes and 16 random hex digits, new each time" {
	bd -F a=1
	[ "$status" -eq 0 ]
	[[ $(ctype) =~ ^multipart/form-data\;\ boundary=-{24}[0-9a-f]{16}$ ]]
	local first
	first=$(ctype)
	bd -F a=1
	[ "$(ctype)" != "$first" ]
}

@test "a boundary that occurs in a part is not used: another is picked" {
	local h1=1111111111111111 h2=2222222222222222 h3=3333333333333333
	# Unless a part holds it, the first candidate is taken.
	bd --boundary "$h1$h2" -F a=1
	[ "$(ctype)" = "multipart/form-data; boundary=$DASHES$h1" ]
	# In a value, a name, a type.
	bd --boundary "$h1$h2" -F "a=x$DASHES${h1}y"
	[ "$(ctype)" = "multipart/form-data; boundary=$DASHES$h2" ]
	bd --boundary "$h1$h2" -F "n$DASHES$h1=1"
	[ "$(ctype)" = "multipart/form-data; boundary=$DASHES$h2" ]
	bd --boundary "$h1$h2" -F "a=1;type=x/$DASHES$h1"
	[ "$(ctype)" = "multipart/form-data; boundary=$DASHES$h2" ]
	# In a file, across two reads of the scan (32 KiB), and then the
	# second candidate in a value.
	{ head -c 32760 /dev/zero; printf '%s' "$DASHES$h1"; } >big
	bd --boundary "$h1$h2$h3" -F 'f=@big' -F "v=$DASHES$h2"
	[ "$status" -eq 0 ]
	[ "$(ctype)" = "multipart/form-data; boundary=$DASHES$h3" ]
	run -0 python3 -c "$PARTS" "$ERR" "$OUT"
	[ "${lines[1]}" = "v None None b'$DASHES$h2'" ]
	python3 -c "$PARTS" "$ERR" "$OUT" | head -1 | grep -q -- "$DASHES${h1}'\$"
	# The digits run out: random ones follow.
	bd --boundary "$h1" -F 'f=@big'
	[[ $(ctype) =~ boundary=-{24}[0-9a-f]{16}$ ]]
	[ "$(ctype)" != "multipart/form-data; boundary=$DASHES$h1" ]
}

@test "a rewound body reads the same bytes again, whatever the read size" {
	local args
	for args in "-d a=1 --data-binary @bin" "-F a=1 -F f=@bin -F g=<crlf.txt" \
	    "-T bin" "-T zz.txt"; do
		# shellcheck disable=SC2086
		bd --boundary 0123456789abcdef $args
		[ "$status" -eq 0 ]
		cp "$OUT" once
		cat once once >twice
		bd --boundary 0123456789abcdef --twice $args
		[ "$status" -eq 0 ]
		cmp twice "$OUT"
		bd --boundary 0123456789abcdef --twice --read 1 $args
		[ "$status" -eq 0 ]
		cmp twice "$OUT"
		bd --boundary 0123456789abcdef --twice --read 7 $args
		[ "$status" -eq 0 ]
		cmp twice "$OUT"
	done
}

@test "-T sends a file with its size, a FIFO and stdin unsized; stdin cannot be sent twice" {
	bd -T crlf.txt
	expect 0 'hello\r\nworld\n' 'size 13 ctype '
	: >empty
	bd -T empty --twice
	expect 0 '' 'size 0 ctype '
	mkfifo fifo
	bg_start "$T/writer.log" sh -c 'printf "from a fifo" >"$1"' sh "$T/fifo"
	bd -T fifo
	expect 0 'from a fifo' 'size -1 ctype '
	BD_IN=$T/bin
	bd -T -
	expect 0 'a\0b\r\nc %41\r\n\r\n--\n\xff' 'size -1 ctype '
	bd -T - --twice
	expect 65 'a\0b\r\nc %41\r\n\r\n--\n\xff' 'size -1 ctype \nstdin: read already, cannot be sent again'
}

@test "a file whose size changed since body_finish is 26, named" {
	bd -T crlf.txt --read 1 --change crlf.txt 2
	expect 26 'he' 'size 13 ctype \ncrlf.txt: changed size while being sent (2 bytes, was 13)'
	printf 'hello\r\nworld\n' >crlf.txt
	bd -F f=@crlf.txt --read 1 --change crlf.txt 100 --boundary 0123456789abcdef
	[ "$status" -eq 26 ]
	[ "$(sed -n 2p "$ERR")" = "crlf.txt: changed size while being sent (100 bytes, was 13)" ]
}

@test "a missing file or a folder is 26, the file named" {
	local a
	for a in "-d @nofile" "--data-binary @nofile" "--data-urlencode @nofile" \
	    "--data-urlencode n@nofile" "-F f=@nofile" "-F f=<nofile" \
	    "-T nofile"; do
		# shellcheck disable=SC2086
		bd $a
		expect 26 "" "nofile: cannot read: no such file or directory"
	done
	mkdir dir
	for a in "-d @dir" "-F f=@dir" "-F f=<dir" "-T dir"; do
		# shellcheck disable=SC2086
		bd $a
		expect 26 "" "dir: cannot read: is a directory"
	done
	if [ "$(id -u)" -ne 0 ]; then
		printf x >secret
		chmod 0 secret
		bd -T secret
		expect 26 "" "secret: cannot read: permission denied"
	fi
}

@test "-F without '=', two kinds of body, two -T and an empty type are 2" {
	bd -F name
	expect 2 "" "-F 'name': no '=' (name=value)"
	bd --form-string name
	expect 2 "" "--form-string 'name': no '=' (name=value)"
	bd -d a -F b=1
	expect 2 "" "-F with -d: one kind of body only"
	bd -F b=1 --data-raw a
	expect 2 "" "-d with -F: one kind of body only"
	bd -T zz.txt -F b=1
	expect 2 "" "-F with -T: one kind of body only"
	bd -d a -T zz.txt
	expect 2 "" "-T with -d: one kind of body only"
	bd -T zz.txt -T zz.txt
	expect 2 "" "-T given twice: one file only"
	bd -F 'a=1;type='
	expect 2 "" "-F 'a=1;type=': bad type"
}

@test "more than BODY_MEMMAX (256 MiB) in memory is 26" {
	bd -d @/dev/zero
	expect 26 "" "/dev/zero: too large: over 268435456 bytes in memory"
}

@test "bodydump frees its memory and closes its files (valgrind)" {
	command -v valgrind >/dev/null || skip "no valgrind here"
	local a
	mkfifo fifo
	for a in "-d a --data-urlencode n@bin -G" "-F a=1 -F f=@bin -F g=<crlf.txt --twice --read 5" \
	    "-F f=@fifo" "-T bin --twice" "-F f=@nofile" "-T - --twice"; do
		[ "$a" = "-F f=@fifo" ] &&
		    bg_start "$T/writer.log" sh -c 'printf x >"$1"' sh "$T/fifo"
		BD_IN=$T/bin
		# shellcheck disable=SC2086
		(
			for fd in /proc/self/fd/*; do
				fd=${fd##*/}
				[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
			done
			exec valgrind --leak-check=full --errors-for-leak-kinds=all \
			    --error-exitcode=99 --track-fds=yes "$BODYDUMP" $a
		) <"$BD_IN" >/dev/null 2>"$T/vg.log" || [ $? -ne 99 ]
		grep -q 'FILE DESCRIPTORS: 3 open (3 std) at exit' "$T/vg.log" || {
			cat "$T/vg.log"
			return 1
		}
		grep -q 'ERROR SUMMARY: 0 errors' "$T/vg.log"
		grep -q 'All heap blocks were freed' "$T/vg.log"
	done
}
