#!/bin/sh
# httpget.sh: downloads a 100 MiB file from a local server with httpget and
# with curl, in interleaved rounds, and prints each one's median time, MB/s
# and the ratio.  The server is tests/helpers/rawhttp --file (one
# Content-Length header, then sendfile(2)), or nginx from the peer cache
# with SERVER=nginx.  Loopback only; every run is bounded by timeout(1).
#   bench/httpget.sh [ROUNDS]        (default 15; not part of make test)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-15}
size=104857600
httpget=$top/clients/httpget
work=$(mktemp -d) || exit 1
pid=

. "$top/bench/nginx.sh"

cleanup() {
	nginx_stop
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

[ -x "$httpget" ] || { echo "bench: build clients/httpget first" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench: no curl to compare" >&2; exit 1; }
head -c "$size" /dev/zero >"$work/file" || exit 1

if [ "${SERVER:-raw}" = nginx ]; then
	nginx_find || { echo "bench: no nginx in .cache/peers" >&2; exit 1; }
	mkdir "$work/www" && mv "$work/file" "$work/www/file" || exit 1
	nginx_start || exit 1
else
	"$top/tests/helpers/rawhttp" --file "$work/file" </dev/null \
	    >"$work/server.log" 2>&1 &
	pid=$!
	i=0
	while ! grep -q '^port ' "$work/server.log" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -gt 100 ] && { echo "bench: no server" >&2; exit 1; }
		sleep 0.05
	done
	port=$(sed -n 's/^port //p' "$work/server.log")
fi
url=http://127.0.0.1:$port/file

# run NAME CMD...: one download to /dev/null; prints its time in ms.
run() {
	name=$1
	shift
	t0=$(date +%s%N)
	timeout 60 "$@" >/dev/null || { echo "bench: $name failed" >&2; exit 1; }
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

run warmup "$httpget" -s "$url" >/dev/null
run warmup curl -s --noproxy '*' "$url" >/dev/null
: >"$work/h"
: >"$work/c"
r=0
while [ "$r" -lt "$rounds" ]; do
	run httpget "$httpget" -s "$url" >>"$work/h"
	run curl curl -s --noproxy '*' "$url" >>"$work/c"
	r=$((r + 1))
done
h=$(median <"$work/h")
c=$(median <"$work/c")
awk -v h="$h" -v c="$c" -v n="$size" -v r="$rounds" \
    -v s="${SERVER:-raw}" 'BEGIN {
	printf "100 MiB from %s server, %d rounds, median:\n", s, r
	printf "  httpget %6d ms  %8.1f MB/s\n", h, n / h / 1000
	printf "  curl    %6d ms  %8.1f MB/s\n", c, n / c / 1000
	printf "  httpget/curl speed ratio: %.2f\n", c / h
}'
echo "  httpget ms: $(tr '\n' ' ' <"$work/h")"
echo "  curl ms:    $(tr '\n' ' ' <"$work/c")"
