# bench/procs.sh: sourced by bench/run.sh and bench/scale.sh, which start
# every server themselves and stop each by its PID, never by name.
#   alive PID      true while PID runs (a zombie, not yet waited for, does not)
#   stop PID...    SIGTERM to each and to the children it still has (a
#                  handler idling out), SIGKILL to what outlives it by 5 s,
#                  then reaped: the wait never hangs
#   bg LOG CMD...  CMD in the background, its pid added to pids
#   wait_for FILE ERE [SECS]
#                  a line matching ERE in FILE within SECS (5)

alive() {
	case $(ps -o stat= -p "$1" 2>/dev/null) in
	''|Z*) return 1 ;;
	esac
}

stop() {
	local p c left
	for p in "$@"; do
		for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do
			kill "$c" 2>/dev/null
		done
		kill "$p" 2>/dev/null
	done
	for _ in $(seq 50); do
		left=
		for p in "$@"; do
			alive "$p" && left=1
		done
		[ -z "$left" ] && break
		sleep 0.1
	done
	for p in "$@"; do
		alive "$p" && kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
}

# bg LOG CMD...: CMD in the background with fds above 2 closed, its pid in
# BG_PID and in pids (the caller's list to stop).
bg() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	BG_PID=$!
	pids+=("$BG_PID")
}

# wait_for FILE ERE [SECS]: waits up to SECS (5) for a line matching ERE.
wait_for() {
	local i
	for i in $(seq $((${3:-5} * 20))); do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
