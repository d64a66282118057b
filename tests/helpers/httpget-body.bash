# Helpers of the request-body suites (tests/httpget-body.bats,
# tests/httpget-curl.bats): the body server bodyhttp, python's http.server
# echoing bodies (echohttp), nginx storing PUT and POST bodies as files.
# Load after helpers/common and helpers/httpget.

BODYHTTP=$ROOT/tests/helpers/bodyhttp
ECHOHTTP=$ROOT/tests/helpers/echohttp

# body_start MODE...: starts bodyhttp serving connection i by the i-th MODE
# (the last repeats; a MODE with arguments is one word: "early 413"),
# saving $REQ/req.i (raw), $REQ/body.i (decoded), $REQ/done.i.  Sets PORT.
body_start() {
	local log=$T/body.$RANDOM.log
	mkdir -p "$REQ"
	bg_start "$log" python3 -u "$BODYHTTP" -r "$REQ" "$@"
	PORT=$(port_of "$log")
	[ -n "$PORT" ]
}

# body_done N: waits until bodyhttp is through with connection N (10 s at
# most); fails when the request had a framing error.
body_done() {
	wait_until 10 test -e "$REQ/done.$1" || {
		echo "bodyhttp: no connection $1"
		return 1
	}
	if [ -e "$REQ/bad.$1" ]; then
		echo "bodyhttp: connection $1: $(cat "$REQ/bad.$1")"
		return 1
	fi
}

# pre METHOD TARGET [HEADERS]: httpget's request head up to its own
# headers (printf %b escapes), for the server at $PORT; HEADERS (escaped
# lines) follow, then the blank line.
pre() {
	printf '%s %s HTTP/1.1\\r\\nHost: 127.0.0.1:%s\\r\\nUser-Agent: %s\\r\\nAccept: */*\\r\\nConnection: close\\r\\n%s\\r\\n' \
	    "$1" "$2" "$PORT" "$(ua)" "${3:-}"
}

# pre_chunked METHOD PATH [MORE]: pre's header block of a chunked body,
# Transfer-Encoding where curl puts it, before Connection.
pre_chunked() {
	printf '%s %s HTTP/1.1\\r\\nHost: 127.0.0.1:%s\\r\\nUser-Agent: %s\\r\\nAccept: */*\\r\\nTransfer-Encoding: chunked\\r\\nConnection: close\\r\\n%s\\r\\n' \
	    "$1" "$2" "$PORT" "$(ua)" "${3:-}"
}

# req_is N HEAD [BODYFILE]: connection N's request is exactly HEAD
# (printf %b escapes) followed by BODYFILE's bytes.
req_is() {
	body_done "$1" || return 1
	printf '%b' "$2" >"$T/expected.req"
	[ $# -lt 3 ] || cat "$3" >>"$T/expected.req"
	cmp -s "$T/expected.req" "$REQ/req.$1" && return 0
	echo "request $1 differs; expected then got:"
	od -c "$T/expected.req" | head -30
	od -c "$REQ/req.$1" | head -30
	return 1
}

# req_head N: connection N's header block, CRLFs as they came.
req_head() {
	sed -n '1,/^\r$/p' "$REQ/req.$1"
}

# hg_in FILE ARGS...: hg with standard input from FILE.
hg_in() {
	local in=$1
	shift
	status=0
	timeout -k 5 "${HG_TIMEOUT:-30}" "$HTTPGET" "$@" >"$OUT" 2>"$ERR" \
	    <"$in" || status=$?
}

# hg_pipe CMD ARGS...: hg with standard input from a pipe that the shell
# command CMD writes.
hg_pipe() {
	local cmd=$1
	shift
	status=0
	bash -c "$cmd" | timeout -k 5 "${HG_TIMEOUT:-30}" "$HTTPGET" "$@" \
	    >"$OUT" 2>"$ERR" || status=$?
}

# one_line REGEX: httpget wrote one line on stderr, and it matches REGEX.
one_line() {
	[ "$(wc -l <"$ERR")" -eq 1 ] && grep -Eq -- "$1" "$ERR" && return 0
	echo "stderr is not one line matching '$1':"
	cat "$ERR"
	return 1
}

# binfile FILE: a file of every byte value, NULs, CR, LF and CRLF among
# them, and a line that looks like a boundary.
binfile() {
	{
		printf 'a\0b\r\nc\rd\ne\r\n\r\n--x\r\n\0'
		printf '%b' "$(printf '\\x%02x' $(seq 0 255))"
		printf '\r\n'
	} >"$1"
}

# parts N: the parts of connection N's multipart body, one line each
# (name filename type size sha256), parsed by python's email package.
parts() {
	python3 "$BODYHTTP" --parts "$REQ/req.$1"
}

# partline NAME FILENAME TYPE FILE: the line parts prints for a part of
# FILE's bytes.
partline() {
	echo "$1 $2 $3 $(wc -c <"$4") $(sha256sum "$4" | cut -d' ' -f1)"
}

# boundary N: the boundary of connection N's multipart Content-Type.
boundary() {
	sed -n 's/^Content-Type: multipart\/form-data; boundary=\([^\r]*\)\r$/\1/p' \
	    "$REQ/req.$1"
}

# echo_start: python's http.server echoing bodies (echohttp).  Sets PORT.
echo_start() {
	local log=$T/echohttp.log
	bg_start "$log" python3 -u "$ECHOHTTP"
	PORT=$(port_of "$log")
	[ -n "$PORT" ]
}

# nginx_dav_start ROOT: nginx on an ephemeral port storing PUT bodies
# under ROOT (folders made as needed), and a POST to /post as the file
# ROOT/put/posted (proxied to itself as a PUT, so nginx has parsed our
# framing); /small/ takes 1 KiB bodies at most, through nginx_run.
# Sets PORT; returns 1 when there is no nginx.
nginx_dav_start() {
	NGINX_ROOT=$1
	mkdir -p "$1"
	nginx_run nginx_dav_http nginx_dav_server
}

nginx_dav_http() {
	echo "access_log $T/nginx/logs/access.log;"
	echo "client_max_body_size 64m;"
}

nginx_dav_server() {
	cat <<-EOF
	root $NGINX_ROOT;
	dav_methods PUT;
	create_full_put_path on;
	location = /post {
		proxy_pass http://127.0.0.1:$PORT/put/posted;
		proxy_method PUT;
	}
	location /small/ {
		client_max_body_size 1k;
	}
	EOF
}
