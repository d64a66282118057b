# Shared by every suite: paths, background processes killed by pid, and
# bounded waits.  Load with `load helpers/common` from a .bats file.

bats_require_minimum_version 1.5.0

ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
NETC=$ROOT/tests/helpers/netc
PEERS_DIR=${PEERS_DIR:-$ROOT/.cache/peers}
: "${BATS_TEST_TIMEOUT:=120}"
export BATS_TEST_TIMEOUT
BG_PIDS=()

# bg_start LOG CMD [ARGS...]: runs CMD in the background with stdin from
# /dev/null, stdout and stderr into LOG, and every fd above 2 closed (bats
# waits on fd 3: a server holding it would hang the suite).  Sets BG_PID.
bg_start() {
	local log=$1
	shift
	(
		for fd in /proc/self/fd/*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
		done
		exec "$@"
	) </dev/null >"$log" 2>&1 &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# descendants PID: every pid below PID, deepest last.
descendants() {
	local c
	for c in $(pgrep -P "$1" 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}

# bg_stop PID [SIGNAL]: signals PID (TERM by default), waits for it at most
# 5 s, then SIGKILLs it and whatever it started.  Returns PID's exit status.
bg_stop() {
	local pid=$1 sig=${2:-TERM} kids i st=0
	kids=$(descendants "$pid")
	kill -"$sig" "$pid" 2>/dev/null || true
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" $kids 2>/dev/null || true
	wait "$pid" 2>/dev/null || st=$?
	return "$st"
}

# bg_stop_all: teardown helper; stops every process bg_start started.
bg_stop_all() {
	local p
	for p in "${BG_PIDS[@]}"; do
		bg_stop "$p" || true
	done
	BG_PIDS=()
}

# wait_for FILE REGEX [SECONDS]: waits until a line of FILE matches REGEX
# (grep -E), at most SECONDS (default 5); fails otherwise.
wait_for() {
	local file=$1 re=$2 secs=${3:-5} i
	for i in $(seq $((secs * 20))); do
		grep -Eq -- "$re" "$file" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "wait_for: no line matching '$re' in $file after ${secs}s" >&2
	return 1
}

# wait_until SECONDS CMD...: retries CMD every 50 ms, at most SECONDS.
wait_until() {
	local secs=$1 i
	shift
	for i in $(seq $((secs * 20))); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# have_ipv6: true when ::1 can be bound here.
have_ipv6() {
	[ -e /proc/net/if_inet6 ] && grep -q '^0*1 ' /proc/net/if_inet6
}

# skip_or_fail REASON: a peer that cannot be had skips the test, except in
# CI, where every peer test must run.
skip_or_fail() {
	if [ -n "${CI:-}" ]; then
		echo "required in CI: $1" >&2
		return 1
	fi
	skip "$1"
}

# help_lines PROG USAGE OPTION...: PROG -h exits 0 and prints USAGE, then
# one line per OPTION (as "  -X ..."), each once.
help_lines() {
	local prog=$1 usage=$2 o
	shift 2
	run -0 "$prog" -h
	[ "${lines[0]}" = "$usage" ] || { echo "usage line: ${lines[0]}" >&2; return 1; }
	for o in "$@"; do
		[ "$(grep -c -- "^  $o " <<<"$output")" -eq 1 ] ||
		    { echo "no line for $o in: $output" >&2; return 1; }
	done
}

# lowports: true when this user may bind ports below 1024 (root, or a
# kernel that lets everyone); tests that send from them skip otherwise.
lowports() {
	[ "$(id -u)" -eq 0 ] ||
	    [ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 1024)" -le 7 ]
}
