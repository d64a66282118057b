# superd under a service manager: systemd-socket-activate, a NOTIFY_SOCKET
# listener, fixed free ports.  Load after helpers/superd.
FREEPORT=$ROOT/tests/helpers/freeport
NOTIFYRECV=$ROOT/tests/helpers/notifyrecv

# need_ssa: sets SSA to a systemd-socket-activate command (an array: the
# one deps fetched needs its private library), or skips (fails in CI).
need_ssa() {
	local d=$PEERS_DIR/systemd lib
	if command -v systemd-socket-activate >/dev/null 2>&1; then
		SSA=(systemd-socket-activate)
		return 0
	fi
	[ -x "$d/usr/bin/systemd-socket-activate" ] ||
	    skip_or_fail "systemd-socket-activate not found (apt-get install systemd, or tests/helpers/deps clients)"
	lib=$(dirname "$(find "$d/usr/lib" -name 'libsystemd-shared-*.so' | head -n 1)")
	SSA=(env "LD_LIBRARY_PATH=$lib" "$d/usr/bin/systemd-socket-activate")
	"${SSA[@]}" --version >/dev/null 2>&1 ||
	    skip_or_fail "the fetched systemd-socket-activate does not run here (its libraries: apt-get install systemd)"
}

# ssa_start OPTIONS... -- superd OPTIONS: superd under systemd-socket-
# activate, which binds the -l sockets and executes superd (same pid) at
# the first connection or datagram; sets SUPERD_PID and SUPERD_LOG, and
# waits until it listens.  The caller then connects and waits for
# superd_serving.
ssa_start() {
	local ssaopts=() n
	while [ "$1" != -- ]; do
		ssaopts+=("$1")
		shift
	done
	shift
	SUPERD_LOG=$BATS_TEST_TMPDIR/superd.log
	bg_start "$SUPERD_LOG" "${SSA[@]}" "${ssaopts[@]}" "$SUPERD" -l "$@"
	SUPERD_PID=$BG_PID
	n=$(printf '%s\n' "${ssaopts[@]}" | grep -c -- '^-l\|^--listen' || true)
	wait_until 5 eval '[ "$(grep -c "^Listening on" "$SUPERD_LOG")" -ge '"$n"' ]' || {
		cat "$SUPERD_LOG" >&2
		return 1
	}
}

# superd_serving [N]: waits until superd's log has N (default 1) lines
# "serving": after N - 1 upgrades, the N-th image serves.
superd_serving() {
	wait_until "${SUPERD_WAIT:-5}" eval \
	    '[ "$(grep -c ": serving, pid " "$SUPERD_LOG")" -ge '"${1:-1}"' ]' || {
		cat "$SUPERD_LOG" >&2
		return 1
	}
}

# notify_start ADDR: a NOTIFY_SOCKET listener on ADDR (a path or @name),
# recording into $NOTIFY_OUT; exports NOTIFY_SOCKET for what starts next.
notify_start() {
	NOTIFY_OUT=$BATS_TEST_TMPDIR/notify.out
	bg_start "$BATS_TEST_TMPDIR/notifyrecv.log" "$NOTIFYRECV" "$1" "$NOTIFY_OUT"
	wait_for "$NOTIFY_OUT" '^# listening'
	export NOTIFY_SOCKET=$1
}

# notify_msgs: the messages received so far, one a line, without times.
notify_msgs() {
	grep -v '^#' "$NOTIFY_OUT" | cut -d' ' -f2-
}

# notify_count REGEX: how many messages match.
notify_count() {
	notify_msgs | grep -Ec -- "$1" || true
}
