# superd in a test: started per test on a generated configuration whose
# services bind port 0; the real ports are read from its start-up log.
load helpers/common

SUPERD=$ROOT/superd/superd
ME=$(id -un)
ECHO=$ROOT/handlers/echo
DAYTIME=$ROOT/handlers/daytime
# DAYTIME_RE: a daytime line, as the handler and the builtin send it.
DAYTIME_RE='^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] [0-9]{4}'$'\r''$'
# SUPERD_WRAP runs superd under a tool, e.g. for a leak check:
#   SUPERD_WRAP="valgrind -q --child-silent-after-fork=yes \
#       --leak-check=full --error-exitcode=99" SUPERD_WAIT=60 \
#       bats tests/superd-*.bats
SUPERD_WRAP=${SUPERD_WRAP:-}
# SUPERD_WAIT: seconds to wait for superd to start or reload (15 and 5 by
# default); a tool such as valgrind needs more.

# superd_start [OPTIONS...]: writes stdin to $BATS_TEST_TMPDIR/superd.conf,
# starts `superd -l OPTIONS CONF` and waits until it serves.  Sets
# SUPERD_PID, SUPERD_LOG and SUPERD_CONF.
superd_start() {
	cat >"$BATS_TEST_TMPDIR/superd.conf"
	superd_start_file "$BATS_TEST_TMPDIR/superd.conf" "$@"
}

# superd_start_file CONF [OPTIONS...]: superd_start on the file CONF.
superd_start_file() {
	SUPERD_CONF=$1
	SUPERD_LOG=$BATS_TEST_TMPDIR/superd.log
	shift
	# shellcheck disable=SC2086
	bg_start "$SUPERD_LOG" $SUPERD_WRAP "$SUPERD" -l "$@" "$SUPERD_CONF"
	SUPERD_PID=$BG_PID
	if ! wait_for "$SUPERD_LOG" ': serving, pid ' "${SUPERD_WAIT:-15}"; then
		cat "$SUPERD_LOG" >&2
		return 1
	fi
}

# superd_port LINE: the port superd bound for line LINE of its config.
superd_port() {
	sed -n "s|^superd: $SUPERD_CONF:$1: .* listening on .* port \([0-9]*\)\$|\1|p" \
	    "$SUPERD_LOG" | tail -n 1
}

# superd_stop: SIGTERM; fails unless superd exits 0 (under `make asan` a
# leak report makes that exit non-zero).  Prints the log when it fails.
superd_stop() {
	local st=0
	[ -n "${SUPERD_PID:-}" ] || return 0
	bg_stop "$SUPERD_PID" || st=$?
	SUPERD_PID=
	if [ "$st" -ne 0 ]; then
		echo "superd exited $st" >&2
		cat "$SUPERD_LOG" >&2
	fi
	return "$st"
}

# superd_teardown [LINES]: the teardown of a suite that runs superd: prints
# superd's log (its last LINES lines; all of it by default) and stops it,
# then every other background process.  Fails unless superd exits 0: under
# make asan or SUPERD_WRAP=valgrind, a leak found at its exit fails the test.
superd_teardown() {
	local st=0
	if [ -n "${SUPERD_PID:-}" ] && [ -n "${SUPERD_LOG:-}" ]; then
		echo "--- superd log ---"
		if [ -n "${1:-}" ]; then
			tail -n "$1" "$SUPERD_LOG"
		else
			cat "$SUPERD_LOG"
		fi
		superd_stop || st=$?
	fi
	bg_stop_all
	return "$st"
}

# superd_fds: superd's open descriptors, one number a line.  Under
# SUPERD_SPAWN=spare (superd -S spare) superd's ends of its spares'
# socketpairs (unnamed SOCK_SEQPACKET, type 0005 in /proc/net/unix) are
# left out: a spare is made ahead of demand, not leaked.
superd_fds() {
	local fd l
	if [ "${SUPERD_SPAWN:-}" != spare ]; then
		ls "/proc/$SUPERD_PID/fd" | sort -n
		return
	fi
	for fd in $(ls "/proc/$SUPERD_PID/fd" | sort -n); do
		l=$(readlink "/proc/$SUPERD_PID/fd/$fd" 2>/dev/null) || continue
		if [[ $l == socket:\[*\] ]] && awk -v i="${l//[^0-9]/}" \
		    '$7 == i && $5 == "0005" && NF == 7 { f = 1 } END { exit !f }' \
		    /proc/net/unix; then
			continue
		fi
		echo "$fd"
	done
}

# superd_children: superd's handlers' pids (zombies included), not its spares.
superd_children() {
	local p
	for p in $(pgrep -P "$SUPERD_PID"); do
		# superd -S spare's spares wait for a connection: not handlers
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = superd-spare ] ||
		    echo "$p"
	done
}

# superd_spares: superd's spares (-S spare), zombies included.
superd_spares() {
	pgrep -P "$SUPERD_PID" -x superd-spare || true
}

# superd_reload: SIGHUP, then waits for the outcome line.
superd_reload() {
	local n
	n=$(grep -Ec 'reloaded|configuration unchanged' "$SUPERD_LOG" || true)
	kill -HUP "$SUPERD_PID"
	wait_until "${SUPERD_WAIT:-5}" eval \
	    '[ "$(grep -Ec "reloaded|configuration unchanged" "$SUPERD_LOG")" -gt '"$n"' ]'
}

# script NAME BODY: an executable sh script in the test's folder.
script() {
	printf '#!/bin/sh\n%s\n' "$2" >"$BATS_TEST_TMPDIR/$1"
	chmod 755 "$BATS_TEST_TMPDIR/$1"
}

# cputicks PID: user + system clock ticks PID has used.
cputicks() {
	awk '{print $14 + $15}' "/proc/$1/stat"
}

# vmrss PID: resident set size of PID, in kB.
vmrss() {
	awk '/^VmRSS:/ {print $2}' "/proc/$1/status"
}

# sanitized: true when superd is built with AddressSanitizer (make asan),
# whose allocator keeps freed memory for a while: RSS grows.
sanitized() {
	ldd "$SUPERD" 2>/dev/null | grep -q libasan
}

# need_root: skips the test unless it runs as root.
need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
}

# child_pid LINE-REGEX: the pid of the last handler whose connection
# line in superd's log matches, after waiting for it.
child_pid() {
	wait_for "$SUPERD_LOG" "$1.*, pid [0-9]+\$" >&2 || return 1
	grep -E "$1.*, pid [0-9]+\$" "$SUPERD_LOG" | tail -n 1 |
	    sed 's/.*, pid //'
}
