#!/bin/sh
# inflate.sh: decompresses the same gzip file (100 MiB once decoded: text-
# like lines and random bytes, a MiB each, three of text to one of random)
# with tests/helpers/inflatedump (clients/inflate.c) and with zlib's inflate
# (python3's zlib module, and a few lines of C when cc and zlib.h are
# there) to /dev/null, in interleaved rounds, and prints each one's median
# time, MB/s of decoded output and the ratios; gzip -dc (GNU gzip's own
# inflate) is timed too when it is there.
#   bench/inflate.sh [ROUNDS]        (default 7; not part of make test)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-7}
size=104857600
dump=$top/tests/helpers/inflatedump
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

[ -x "$dump" ] || {
	echo "bench: build tests/helpers/inflatedump first" >&2
	exit 1
}
command -v python3 >/dev/null || { echo "bench: no python3" >&2; exit 1; }

# The data of bench/mkdata.py, gzip'd only.
python3 "$top/bench/mkdata.py" - "$work/file.gz" "$size" || exit 1

# The zlib side reads 1 MiB at a time, as inflatedump does with -i 1048576.
cat >"$work/zlib.py" <<'EOF'
import sys, zlib
d = zlib.decompressobj(31)
i, o = sys.stdin.buffer, sys.stdout.buffer
while not d.eof:
    b = i.read(1 << 20)
    if not b:
        sys.exit("zlib: truncated")
    o.write(d.decompress(b))
EOF

# And zlib from C without python, where cc and zlib.h are at hand: the
# same loop, 1 MiB in and out.
cat >"$work/zlib.c" <<'EOF'
#include <stdio.h>
#include <unistd.h>
#include <zlib.h>

static unsigned char in[1 << 20], out[1 << 20];

int
main(void)
{
	z_stream s = { 0 };
	ssize_t n;
	int r = Z_OK;

	if (inflateInit2(&s, 31) != Z_OK)
		return 1;
	while (r != Z_STREAM_END && (n = read(0, in, sizeof(in))) > 0) {
		s.next_in = in;
		s.avail_in = (unsigned)n;
		do {
			s.next_out = out;
			s.avail_out = sizeof(out);
			r = inflate(&s, Z_NO_FLUSH);
			if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR)
				return 1;
			if (write(1, out, sizeof(out) - s.avail_out) == -1)
				return 1;
		} while (r != Z_STREAM_END && (s.avail_in > 0 ||
		    s.avail_out == 0));
	}
	return r == Z_STREAM_END ? 0 : 1;
}
EOF
zc=
${CC:-cc} -O2 -o "$work/zlibc" "$work/zlib.c" -lz 2>/dev/null && zc=$work/zlibc

# run NAME CMD...: one decompression of the file to /dev/null, its time
# in ms.
run() {
	name=$1
	shift
	t0=$(date +%s%N)
	timeout 120 "$@" <"$work/file.gz" >/dev/null ||
	    { echo "bench: $name failed" >&2; exit 1; }
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

[ "$("$dump" -g <"$work/file.gz" | wc -c)" -eq "$size" ] ||
    { echo "bench: inflatedump decodes the wrong size" >&2; exit 1; }
gz=
command -v gzip >/dev/null && gz=gzip
: >"$work/i"
: >"$work/z"
: >"$work/c"
: >"$work/g"
r=0
while [ "$r" -lt "$rounds" ]; do
	run inflatedump "$dump" -g -i 1048576 -o 1048576 >>"$work/i"
	run zlib python3 "$work/zlib.py" >>"$work/z"
	[ -n "$zc" ] && run zlib-c "$zc" >>"$work/c"
	[ -n "$gz" ] && run gzip gzip -dc >>"$work/g"
	r=$((r + 1))
done
i=$(median <"$work/i")
z=$(median <"$work/z")
c=$(median <"$work/c")
g=$(median <"$work/g")
awk -v i="$i" -v z="$z" -v c="${c:-0}" -v g="${g:-0}" -v n="$size" \
    -v r="$rounds" -v sz="$(wc -c <"$work/file.gz")" 'BEGIN {
	printf "100 MiB decoded from %.1f MiB of gzip, %d rounds, median:\n",
	    sz / 1048576, r
	printf "  inflate.c      %6d ms  %8.1f MB/s\n", i, n / i / 1000
	printf "  zlib (python3) %6d ms  %8.1f MB/s\n", z, n / z / 1000
	if (c > 0)
		printf "  zlib (C)       %6d ms  %8.1f MB/s\n", c, n / c / 1000
	if (g > 0)
		printf "  gzip -dc       %6d ms  %8.1f MB/s\n", g, n / g / 1000
	printf "  inflate.c/zlib (python3) speed ratio: %.2f\n", z / i
	if (c > 0)
		printf "  inflate.c/zlib (C) speed ratio: %.2f\n", c / i
}'
echo "  inflate.c ms:      $(tr '\n' ' ' <"$work/i")"
echo "  zlib (python3) ms: $(tr '\n' ' ' <"$work/z")"
[ -n "$zc" ] && echo "  zlib (C) ms:       $(tr '\n' ' ' <"$work/c")"
[ -n "$gz" ] && echo "  gzip -dc ms:       $(tr '\n' ' ' <"$work/g")"
exit 0
