# httpget suite helpers: the scripted raw server, python3's http.server and
# nginx on ephemeral loopback ports, and httpget run with its stdout and
# stderr in files so that tests compare exact bytes.

HTTPGET=${HTTPGET:-$ROOT/clients/httpget}
RAWHTTP=$ROOT/tests/helpers/rawhttp
CANNED=$ROOT/tests/helpers/canned

# hg_setup: per-test state; no proxy from the caller's environment.
hg_setup() {
	T=$BATS_TEST_TMPDIR
	OUT=$T/out
	ERR=$T/err
	REQ=$T/req
	mkdir -p "$REQ"
	unset http_proxy HTTP_PROXY no_proxy NO_PROXY https_proxy ALL_PROXY
	[ -x "$HTTPGET" ] || {
		echo "build it first: make clients/httpget" >&2
		return 1
	}
}

# hg_teardown: stops the servers; on failure shows what httpget and the
# servers said.
hg_teardown() {
	local f
	bg_stop_all
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		for f in "$ERR" "$T"/*.log; do
			[ -s "$f" ] && { echo "--- $f"; head -c 2000 "$f"; }
		done
	fi
	return 0
}

# port_of LOG: waits for "port N" (rawhttp) or "port N " (http.server)
# in LOG and prints N.
port_of() {
	wait_for "$1" 'port [0-9]+' || return 1
	sed -n 's/.*port \([0-9][0-9]*\).*/\1/p' "$1" | head -1
}

# raw_start [-6] CANNED...: starts rawhttp answering connection i with
# canned/CANNED_i.txt, or the file CANNED_i when it has a '/' (the last
# repeats), requests saved in $REQ/req.i (or in $RAW_REQ, for a second
# server).  Sets PORT.
raw_start() {
	local fam= log args=() c
	if [ "$1" = -6 ]; then
		fam=-6
		shift
	fi
	for c in "$@"; do
		case $c in
		*/*) args+=("$c") ;;
		*) args+=("$CANNED/$c.txt") ;;
		esac
	done
	log=$T/raw.$RANDOM.log
	mkdir -p "${RAW_REQ:-$REQ}"
	bg_start "$log" "$RAWHTTP" $fam -r "${RAW_REQ:-$REQ}" "${args[@]}"
	PORT=$(port_of "$log")
	[ -n "$PORT" ]
}

# free_port: prints a loopback port that was bound and closed (refused).
free_port() {
	"$RAWHTTP" --free-port | sed -n 's/^port //p'
}

# pyserver_start DIR: python3's http.server on DIR.  Sets PORT.
pyserver_start() {
	local log=$T/pyserver.log
	bg_start "$log" python3 -u -m http.server 0 --bind 127.0.0.1 \
	    --directory "$1"
	PORT=$(port_of "$log")
	[ -n "$PORT" ]
}

# port_open PORT: true when something accepts on 127.0.0.1:PORT.
port_open() {
	(exec 4<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# nginx_bin: prints the nginx to use: the peer cache (Debian's nginx-light
# is a transitional package in bookworm: the binary is in nginx), then
# the system's.
nginx_bin() {
	local n
	for n in "$PEERS_DIR/nginx-light/usr/sbin/nginx" \
	    "$PEERS_DIR/nginx/usr/sbin/nginx" "$(command -v nginx)"; do
		[ -n "$n" ] && [ -x "$n" ] && { echo "$n"; return 0; }
	done
	return 1
}

# nginx_run HTTPFN SERVERFN [2]: nginx in the foreground on an ephemeral
# port (PORT; with 2, a second one, PORT2), every path inside $T/nginx;
# the functions HTTPFN and SERVERFN print, once the ports are chosen, what
# goes in its http {} (an access_log first) and in its server {}.
# Returns 1 when there is no nginx or it does not start.
nginx_run() {
	local bin dir=$T/nginx try user=
	bin=$(nginx_bin) || return 1
	[ "$(id -u)" -eq 0 ] && user="user root;"
	mkdir -p "$dir/logs"
	for try in 1 2 3; do
		PORT=$(free_port)
		PORT2=
		[ -z "${3:-}" ] || PORT2=$(free_port)
		{
			cat <<-EOF
			$user
			worker_processes 1;
			pid $dir/nginx.pid;
			error_log $dir/logs/error.log;
			events { worker_connections 64; }
			http {
			client_body_temp_path $dir/body;
			proxy_temp_path $dir/proxy;
			fastcgi_temp_path $dir/fastcgi;
			uwsgi_temp_path $dir/uwsgi;
			scgi_temp_path $dir/scgi;
			types { text/html html; text/plain txt; }
			default_type application/octet-stream;
			EOF
			"$1"
			printf 'server {\nlisten 127.0.0.1:%s;\n' "$PORT"
			[ -z "$PORT2" ] || printf 'listen 127.0.0.1:%s;\n' "$PORT2"
			"$2"
			printf '}\n}\n'
		} >"$dir/nginx.conf"
		bg_start "$T/nginx.log" "$bin" -e "$dir/logs/error.log" \
		    -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;'
		wait_until 5 port_open "$PORT" &&
		    { [ -z "$PORT2" ] || port_open "$PORT2"; } && return 0
		bg_stop "$BG_PID" || true
	done
	return 1
}

# nginx_start ROOT: nginx serving ROOT.  Sets PORT; returns 1 when there
# is none.
nginx_start() {
	NGINX_ROOT=$1
	nginx_run nginx_plain_http nginx_plain_server
}

nginx_plain_http() {
	echo "access_log $T/nginx/logs/access.log;"
}

nginx_plain_server() {
	echo "root $NGINX_ROOT;"
}

# hg ARGS...: runs httpget, for HG_TIMEOUT seconds at most (30; timeout's
# 124 then); stdout into $OUT, stderr into $ERR, exit status into $status.
hg() {
	status=0
	timeout -k 5 "${HG_TIMEOUT:-30}" "$HTTPGET" "$@" >"$OUT" 2>"$ERR" \
	    </dev/null || status=$?
}

# same FILE BYTES: FILE holds exactly BYTES (printf %b escapes).
same() {
	printf '%b' "$2" >"$T/expected"
	cmp -s "$T/expected" "$1" && return 0
	echo "$1 differs; expected then got:"
	od -c "$T/expected" | head -20
	od -c "$1" | head -20
	return 1
}

# expect STATUS OUT [ERR]: httpget exited STATUS, printed exactly OUT on
# stdout and exactly the line ERR (or nothing) on stderr.
expect() {
	[ "$status" -eq "$1" ] || {
		echo "exit status $status, expected $1"
		return 1
	}
	same "$OUT" "$2"
	if [ $# -ge 3 ]; then
		same "$ERR" "$3\n"
	else
		same "$ERR" ""
	fi
}

# reqline N: the request line of connection N, without CRLF.
reqline() {
	head -1 "$REQ/req.$1" | tr -d '\r'
}

# nreq: how many connections the raw server answered.
nreq() {
	ls "$REQ" | grep -c '^req\.'
}

# redirect_to FILE STATUS LOCATION: writes a canned STATUS response with
# LOCATION and an empty body into FILE.
redirect_to() {
	printf 'HTTP/1.1 %s\\r\\n\nLocation: %s\\r\\n\nContent-Length: 0\\r\\n\n\\r\\n\n' \
	    "$2" "$3" >"$1"
}

# gone PID: true when PID has exited.
gone() {
	! kill -0 "$1" 2>/dev/null
}

# ua: the User-Agent httpget sends.
ua() {
	echo "httpget/$("$HTTPGET" --version | sed -n '1s/^httpget //p')"
}
