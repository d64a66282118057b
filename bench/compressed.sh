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

. "$top/bench/nginx.sh"

# cleanup: stops nginx, then removes the scratch folder.
cleanup() {
	nginx_stop
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY ALL_PROXY all_proxy \
    no_proxy NO_PROXY

nginx_find ||
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

nginx_start "gzip_static on;" || exit 1
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
