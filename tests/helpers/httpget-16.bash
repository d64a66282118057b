# Helpers of issue 16's suites (tests/httpget-resume.bats, httpget-many.bats,
# httpget-sock.bats): the scripted keep-alive server f16http, nginx with
# ranges, gzip and an access log that names connections, files whose every
# offset can be told apart, and canned responses written by the test.
# Load after helpers/common and helpers/httpget.

F16HTTP=$ROOT/tests/helpers/f16http

# f16_start SCRIPT...: starts f16http serving connection i by the i-th
# SCRIPT (the last repeats): comma-separated canned files, one per request
# on that connection, each canned/NAME.txt or a path with a '/'.
# Requests are saved as $REQ/req.i.k (or under $F16_REQ), connections and
# requests logged with the server's clock in $REQ/log.  Sets PORT.
f16_start() {
	local log=$T/f16.$RANDOM.log dir=${F16_REQ:-$REQ}
	mkdir -p "$dir"
	bg_start "$log" python3 -u "$F16HTTP" -r "$dir" $(f16_args "$@")
	PORT=$(port_of "$log")
	[ -n "$PORT" ]
}

# f16_unix_start PATH SCRIPT...: f16http on the Unix socket PATH.
f16_unix_start() {
	local log=$T/f16u.$RANDOM.log path=$1 dir=${F16_REQ:-$REQ}
	shift
	mkdir -p "$dir"
	bg_start "$log" python3 -u "$F16HTTP" -r "$dir" -u "$path" \
	    $(f16_args "$@")
	wait_for "$log" '^ready$'
}

# f16_args SCRIPT...: the scripts with every bare name made a canned path.
f16_args() {
	local s p out
	for s in "$@"; do
		out=
		for p in ${s//,/ }; do
			case $p in
			*/*) ;;
			*) p=$CANNED/$p.txt ;;
			esac
			out=${out:+$out,}$p
		done
		echo "$out"
	done
}

# nconn: how many connections f16http accepted.
nconn() {
	grep -c '^conn ' "${F16_REQ:-$REQ}/log" 2>/dev/null || true
}

# nreqs: how many requests f16http read, on every connection.
nreqs() {
	grep -c '^req ' "${F16_REQ:-$REQ}/log" 2>/dev/null || true
}

# conn_at N: the server's clock when it accepted connection N.
conn_at() {
	sed -n "s/^conn $1 //p" "${F16_REQ:-$REQ}/log"
}

# rline C K: the request line of request K on connection C, no CRLF.
rline() {
	head -1 "${F16_REQ:-$REQ}/req.$1.$2" | tr -d '\r'
}

# rhdr C K NAME: the value of header NAME in request K of connection C
# (every one, a line each); nothing when there is none.
rhdr() {
	sed -n '1,/^\r$/p' "${F16_REQ:-$REQ}/req.$1.$2" | tr -d '\r' |
	    sed -n "s/^$3: //Ip"
}

# canned NAME TEXT: writes the canned response $T/NAME (printf %s of TEXT,
# a line per argument after the first) and prints its path.
canned() {
	local f=$T/$1
	shift
	printf '%s\n' "$@" >"$f"
	echo "$f"
}

# patterned FILE SIZE: FILE of SIZE bytes where each 16-byte line names
# its own offset, so a byte in the wrong place shows.
patterned() {
	python3 -c '
import sys
n = int(sys.argv[2])
with open(sys.argv[1], "wb") as f:
    f.write(b"".join(b"%015x\n" % o for o in range(0, n + 15, 16))[:n])
' "$1" "$2"
}

# encode CODING IN OUT: OUT is IN compressed as gzip, zlib (deflate as RFC
# 9110 means it) or raw (bare deflate), by python's zlib.
encode() {
	python3 -c '
import sys, zlib
w = {"gzip": 31, "zlib": 15, "raw": -15}[sys.argv[1]]
z = zlib.compressobj(9, zlib.DEFLATED, w)
with open(sys.argv[2], "rb") as f:
    data = z.compress(f.read()) + z.flush()
with open(sys.argv[3], "wb") as f:
    f.write(data)
' "$1" "$2" "$3"
}

# chunked IN OUT SIZE: OUT is IN in the chunked coding, SIZE-byte chunks.
chunked() {
	python3 -c '
import sys
with open(sys.argv[1], "rb") as f:
    data = f.read()
n = int(sys.argv[3])
with open(sys.argv[2], "wb") as f:
    for i in range(0, len(data), n):
        f.write(b"%x\r\n%s\r\n" % (len(data[i:i + n]), data[i:i + n]))
    f.write(b"0\r\n\r\n")
' "$1" "$2" "$3"
}

# hg_cd DIR ARGS...: hg with DIR as the current folder (-O writes there).
hg_cd() {
	local dir=$1
	shift
	status=0
	(cd "$dir" && exec timeout -k 5 "${HG_TIMEOUT:-30}" "$HTTPGET" "$@") \
	    >"$OUT" 2>"$ERR" </dev/null || status=$?
}

# errlines: stderr's lines, as in $ERR, for a test's failure output.
errlines() {
	echo "--- stderr:"
	cat "$ERR"
}

# err_is LINE...: httpget wrote exactly these lines on stderr.
err_is() {
	printf '%s\n' "$@" >"$T/expected.err"
	cmp -s "$T/expected.err" "$ERR" && return 0
	echo "stderr differs; expected then got:"
	cat "$T/expected.err"
	echo ---
	cat "$ERR"
	return 1
}

# status_is N: httpget exited N.
status_is() {
	[ "$status" -eq "$1" ] && return 0
	echo "exit status $status, expected $1"
	errlines
	return 1
}

# nginx16_start ROOT: nginx in the foreground serving ROOT on two ephemeral
# ports (PORT, PORT2) with ranges (on for static files), gzip for
# text/plain of any size, gzip_static under /gz/, kept-alive connections
# (keepalive_requests 100) but none under /close/, and an access log whose
# lines start with the connection's number and its request count, then
# the request, status, body bytes, Range, Accept-Encoding, Connection and
# Cookie as sent, through nginx_run.  Returns 1 when there is no
# nginx.
nginx16_start() {
	NGINX_ROOT=$1
	nginx_run nginx16_http nginx16_server 2
}

nginx16_http() {
	cat <<-EOF
	log_format f16 '\$connection \$connection_requests '
	    '"\$request" \$status \$body_bytes_sent '
	    '"\$http_range" "\$http_accept_encoding" '
	    '"\$http_connection" "\$http_cookie"';
	access_log $T/nginx/logs/access.log f16;
	keepalive_requests 100;
	keepalive_timeout 60s;
	gzip on;
	gzip_types text/plain;
	gzip_min_length 0;
	EOF
}

nginx16_server() {
	cat <<-EOF
	root $NGINX_ROOT;
	location /gz/ {
		gzip off;
		gzip_static on;
	}
	location /close/ {
		keepalive_timeout 0;
	}
	EOF
}

# nginx16_or_skip ROOT: nginx16_start, or skip when there is no nginx.
nginx16_or_skip() {
	nginx_bin >/dev/null || skip_or_fail "no nginx"
	nginx16_start "$1"
}

# access: nginx's access log lines.  nginx writes a line once the answer
# is sent, so wait_until a count before reading it.
access() {
	cat "$T/nginx/logs/access.log" 2>/dev/null
}

# naccess: how many requests nginx has logged.
naccess() {
	access | wc -l
}

# rss_kib CMD...: runs CMD under /usr/bin/time, its output thrown away;
# sets RSS to its peak resident size in KiB, and status.
rss_kib() {
	status=0
	/usr/bin/time -f %M -o "$T/rss" "$@" >/dev/null 2>"$ERR" ||
	    status=$?
	RSS=$(tail -1 "$T/rss")
}
