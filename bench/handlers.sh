#!/bin/bash
# bench/handlers.sh: copies SIZE bytes (default 1 GiB) of zeros through a
# pipe into handlers/echo and into cat(1), ROUNDS times (default 3)
# interleaved, and prints the median throughput of each in MB/s and their
# ratio.  Every run is bounded by timeout(1).  Run from the top of the tree
# after `make handlers/echo`:  bench/handlers.sh [ECHO]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
echo=${1:-$top/handlers/echo}
size=${SIZE:-1G}
rounds=${ROUNDS:-3}
limit=${LIMIT:-120}

[ -x "$echo" ] || { echo "handlers.sh: $echo: not built (make handlers/echo)" >&2; exit 1; }
bytes=$(head -c "$size" /dev/zero | wc -c) || exit 1

# run PROG: prints the seconds taken to pipe $size bytes through PROG.
run() {
	local t0 t1
	t0=$EPOCHREALTIME
	timeout "$limit" sh -c 'head -c "$1" /dev/zero | "$2" >/dev/null' \
	    sh "$size" "$1" || { echo "handlers.sh: $1 failed or timed out" >&2; exit 1; }
	t1=$EPOCHREALTIME
	echo "$t0 $t1" | awk '{ printf "%.6f\n", $2 - $1 }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

e=() c=()
for i in $(seq "$rounds"); do
	e+=("$(run "$echo")") || exit 1
	c+=("$(run cat)") || exit 1
done
me=$(printf '%s\n' "${e[@]}" | median)
mc=$(printf '%s\n' "${c[@]}" | median)
awk -v b="$bytes" -v e="$me" -v c="$mc" -v r="$rounds" 'BEGIN {
	printf "%d bytes, median of %d rounds\n", b, r
	printf "echo: %8.1f MB/s (%.3f s)\n", b / e / 1e6, e
	printf "cat:  %8.1f MB/s (%.3f s)\n", b / c / 1e6, c
	printf "echo/cat: %.2f\n", c / e
}'
