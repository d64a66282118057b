#!/bin/sh
# compressed.sh: downloads the same gzip file (100 MiB once decoded: text-
# like lines and random bytes, a MiB each, three of text to one of random)
# from nginx's gzip_static with `httpget --compressed` (clients/inflate.c)
# and `curl --compressed` (zlib), in interleaved rounds, and prints each
# one's median time, MB/s of decoded output and the ratio.  Loopback only;
# every run and every wait is bounded.
#   bench/compressed.sh [ROUNDS]     (default 5; not part of make test)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
size=104857600
httpget=$top/clients/httpget
work=$(mktemp -d) || exit 1
pid=

# cleanup: stops nginx by its PID (SIGTERM, then SIGKILL after 5 s), so
# that no wait is unbounded, and removes the scratch folder.
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		i=0
		while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY ALL_PROXY all_proxy \
    no_proxy NO_PROXY

nginx=$top/.cache/peers/nginx/usr/sbin/nginx
[ -x "$nginx" ] || nginx=$top/.cache/peers/nginx-light/usr/sbin/nginx
[ -x "$nginx" ] ||
    { echo "bench: compressed.sh skipped: no nginx in .cache/peers"; exit 0; }
command -v curl >/dev/null ||
    { echo "bench: compressed.sh skipped: no curl"; exit 0; }
[ -x "$httpget" ] || { echo "bench: build clients/httpget first" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench: no python3" >&2; exit 1; }
mkdir "$work/www" "$work/logs" || exit 1

# The data of bench/mkdata.py, plain and gzip'd beside it as file.gz for
# gzip_static.
python3 "$top/bench/mkdata.py" "$work/www/file" "$work/www/file.gz" "$size" ||
    exit 1

# A free loopback port: bound to 0, read, closed; nginx binds it next,
# and a start that loses the port to someone else is tried again.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# start: nginx in the foreground on a free port, every path in $work;
# returns 1 when it does not answer within 5 s, three times over.
start() {
	user=
	[ "$(id -u)" -eq 0 ] && user="user root;"
	for try in 1 2 3; do
		port=$(free_port) || return 1
		cat >"$work/nginx.conf" <<EOF
$user
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $work/body;
	proxy_temp_path $work/proxy;
	fastcgi_temp_path $work/fastcgi;
	uwsgi_temp_path $work/uwsgi;
	scgi_temp_path $work/scgi;
	default_type application/octet-stream;
	sendfile on;
	gzip_static on;
	server { listen 127.0.0.1:$port; root $work/www; }
}
EOF
		"$nginx" -e "$work/logs/error.log" -p "$work" \
		    -c "$work/nginx.conf" -g 'daemon off;' </dev/null \
		    >"$work/server.log" 2>&1 &
		pid=$!
		i=0
		while [ "$i" -lt 50 ]; do
			kill -0 "$pid" 2>/dev/null || break
			curl -s -o /dev/null -m 1 "http://127.0.0.1:$port/" &&
			    return 0
			sleep 0.1
			i=$((i + 1))
		done
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		pid=
	done
	return 1
}
start || {
	echo "bench: nginx did not start:" >&2
	cat "$work/server.log" "$work/logs/error.log" >&2
	exit 1
}
url=http://127.0.0.1:$port/file

# The bench means nothing unless nginx sends file.gz, encoded.
curl -s -m 10 -o /dev/null -D "$work/headers" -H 'Accept-Encoding: gzip' \
    "$url" || { echo "bench: no answer from nginx" >&2; exit 1; }
grep -qi '^Content-Encoding: gzip' "$work/headers" || {
	echo "bench: nginx sent no Content-Encoding: gzip" >&2
	exit 1
}

# run NAME CMD...: one download; prints its time in ms.
run() {
	name=$1
	shift
	t0=$(date +%s%N)
	timeout -k 5 120 "$@" || { echo "bench: $name failed" >&2; exit 1; }
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# Once, both decoded bodies against the file; this also warms the cache.
run httpget "$httpget" -s --compressed -o "$work/out" "$url" >/dev/null
cmp -s "$work/www/file" "$work/out" ||
    { echo "bench: httpget --compressed decoded other bytes" >&2; exit 1; }
run curl curl -s --compressed -o "$work/out" "$url" >/dev/null
cmp -s "$work/www/file" "$work/out" ||
    { echo "bench: curl --compressed decoded other bytes" >&2; exit 1; }
rm -f "$work/out"

: >"$work/h"
: >"$work/c"
r=0
while [ "$r" -lt "$rounds" ]; do
	run httpget "$httpget" -s --compressed -o /dev/null "$url" >>"$work/h"
	run curl curl -s --compressed -o /dev/null "$url" >>"$work/c"
	r=$((r + 1))
done
h=$(median <"$work/h")
c=$(median <"$work/c")
awk -v h="$h" -v c="$c" -v n="$size" -v r="$rounds" \
    -v sz="$(wc -c <"$work/www/file.gz")" 'BEGIN {
	printf "100 MiB decoded from %.1f MiB of gzip (nginx gzip_static), " \
	    "%d rounds, median:\n", sz / 1048576, r
	printf "  httpget --compressed %7.3f s  %8.1f MB/s\n", h / 1000,
	    n / h / 1000
	printf "  curl --compressed    %7.3f s  %8.1f MB/s\n", c / 1000,
	    n / c / 1000
	printf "  httpget/curl speed ratio: %.2f\n", c / h
}'
echo "  httpget ms: $(tr '\n' ' ' <"$work/h")"
echo "  curl ms:    $(tr '\n' ' ' <"$work/c")"
exit 0
