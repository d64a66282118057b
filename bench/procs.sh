# bench/procs.sh: sourced by bench/run.sh and bench/scale.sh, which start
# every server themselves and stop each by its PID, never by name.
#   alive PID      true while PID runs (a zombie, not yet waited for, does not)
#   stop PID...    SIGTERM to each and to the children it still has (a
#                  handler idling out), SIGKILL to what outlives it by 5 s,
#                  then reaped: the wait never hangs

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
