#!/bin/bash
# bench/scale.sh: how superd's cost grows with the work (issue 17, item 3):
# connections a second to one service with 1, 100 and 10,000 configured;
# private memory per idle connection and the rate another builtin keeps
# with them open; SIGHUP of 10,000 unchanged services under load; superd's
# own CPU (and system calls) per connection.  Prints a table and writes
# bench/results/scale-DATE.tsv.  Part of `make bench`, after upgrade.sh;
# about 2 minutes.  SCALE_SECS (1) per cell, SCALE_ROUNDS (3), SCALE_IDLE
# (20000) idle connections asked, SCALE_SUPERD another superd binary to
# measure; SCALE_KEEP=1 keeps logs and configurations.
set -u
bench=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$bench/.." && pwd)
secs=${SCALE_SECS:-1}
rounds=${SCALE_ROUNDS:-3}
idle_ask=${SCALE_IDLE:-20000}
# Every superd here listens on an address of its own: a port-0 bind skips
# each port a socket in TIME_WAIT holds on the same address, and the runs
# before this one (bench/run.sh's, at 127.0.0.1) leave tens of thousands,
# which made the 10,000 binds of the largest superd take 10-25 s.
addr=127.0.0.240
nreload=10
loadgen=$bench/loadgen
idle=$bench/idle
echo=$bench/echo-static
superd=${SCALE_SUPERD:-$top/superd/superd}
me=$(id -un)
t_start=$(date +%s)

say() { printf 'scale: %s\n' "$*" >&2; }

for f in "$loadgen" "$idle" "$echo" "$superd"; do
	[ -x "$f" ] || { say "$f: not built (run make, then make -C bench)"; exit 1; }
done
# superd's in-process budget and idle's reach are fractions of the soft
# limit: take all the hard one allows.
ulimit -Sn "$(ulimit -Hn)" || say "cannot raise RLIMIT_NOFILE to $(ulimit -Hn)"
nofile=$(ulimit -Sn)

work=$(mktemp -d "${TMPDIR:-/tmp}/superd-scale.XXXXXX") || exit 1
mkdir -p "$bench/results" || exit 1
tsv=$bench/results/scale-$(date +%Y%m%d-%H%M%S).tsv
pids=()

. "$bench/procs.sh"

cleanup() {
	exec 8>&- 2>/dev/null
	[ ${#pids[@]} -gt 0 ] && stop "${pids[@]}"
	if [ -n "${SCALE_KEEP:-}" ]; then
		say "logs and configurations kept in $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# emit SECTION KEY VALUE UNIT DETAIL: one TSV line.
emit() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$tsv"; }

# field LINE NAME: NAME's value in a loadgen result line.
field() { printf '%s\n' "$1" | sed -n "s/.* $2=\([^ ]*\).*/\1/p"; }

# errs LINE: the failures of a loadgen result line, all classes.
errs() {
	printf '%s\n' "$1" | awk '{ n = 0; for (i = 1; i <= NF; i++) {
	    split($i, kv, "="); if (kv[1] ~ /^(refused|reset|timeout|short|wrong|other)$/)
	    n += kv[2] } print n }'
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 }
    END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
    else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0)
    print "-"; else printf "%.2f\n", a / b }'; }

# run PORT CONC [ARGS]: one loadgen cell; LG is its result line.  Its
# clients come from 64 source addresses (-a): 10,000 listeners hold a third
# of the local ports, and at 15,000 connections a second one address runs
# out of the rest (TIME_WAIT, reused after a second) within the run.
run() {
	LG=$("$loadgen" -a 64 -c "$2" "${@:3}" "$addr" "$1" 2>"$work/loadgen.err")
	[ -n "$LG" ] || LG="rate=0 other=1 ($(head -c 100 "$work/loadgen.err"))"
}

# conf FILE N FIRST...: N lines on $addr:0, the FIRST ones as given
# (ext: bench/echo-static, int: internal echo), the rest external
# fillers, distinct so a reload matches each with itself.
conf() {
	local f=$1 n=$2 i=0 k
	shift 2
	for k in "$@"; do
		i=$((i + 1))
		if [ "$k" = int ]; then
			printf '%s:0\tstream\ttcp4\tnowait\t%s\tinternal\techo\n' \
			    "$addr" "$me"
		else
			printf '%s:0\tstream\ttcp4\tnowait\t%s\t%s\techo\n' \
			    "$addr" "$me" "$echo"
		fi
	done >"$f"
	awk -v from=$((i + 1)) -v n="$n" -v me="$me" -v e="$echo" -v a="$addr" \
	    'BEGIN {
	    for (j = from; j <= n; j++)
		printf "%s:0\tstream\ttcp4\tnowait\t%s\t%s\tfiller%d\n",
		    a, me, e, j }' >>"$f"
}

# sd_port CONF LOG N: the port superd bound for line N of CONF.
sd_port() {
	sed -n "s|^superd: $1:$3: .* port \([0-9]*\)\$|\1|p" "$2"
}


# start NAME: superd on $work/NAME.conf, logging to $work/NAME.log.
declare -A PID PORT T0 TREADY
start() {
	bg "$work/$1.log" "$superd" "$work/$1.conf"
	PID[$1]=$BG_PID
	T0[$1]=$(date +%s.%N)
}

# ready NAME SECS LINE...: waits up to SECS for NAME to serve (TREADY[NAME],
# seconds from its start) and takes the ports of LINEs into PORT[NAME:LINE].
ready() {
	local n=$1 l
	if ! wait_for "$work/$n.log" ': serving, pid ' "$2"; then
		say "$n: superd did not start in $2 s: $(head -c 200 "$work/$n.log")"
		return 1
	fi
	TREADY[$n]=$(awk -v a="${T0[$n]}" -v b="$(date +%s.%N)" \
	    'BEGIN { printf "%.1f", b - a }')
	shift 2
	for l in "$@"; do
		PORT[$n:$l]=$(sd_port "$work/$n.conf" "$work/$n.log" "$l")
		[ -n "${PORT[$n:$l]}" ] || { say "$n: no port for line $l"; return 1; }
	done
}

# private PID: Private_Clean + Private_Dirty in kB (smaps_rollup).
private() {
	awk '/^Private_(Clean|Dirty):/ { n += $2 } END { print n + 0 }' \
	    "/proc/$1/smaps_rollup"
}
# p FORMAT ARG...: printf into the current section's part of the table,
# printed in order at the end.
p() { printf "$@" >>"$work/out.$sec"; }
nfds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }

printf 'section\tkey\tvalue\tunit\tdetail\n' >"$tsv"
date=$(date '+%Y-%m-%d %H:%M')
rev=$(git -C "$top" describe --always --dirty 2>/dev/null || echo '?')
[ -n "${SCALE_SUPERD:-}" ] && rev=$superd
printf 'superd scaling, %s, superd %s, %s cores (shared: noisy), RLIMIT_NOFILE %s, %s s cells, %s rounds\n' \
    "$date" "$rev" "$(nproc)" "$nofile" "$secs" "$rounds"
emit info run "$date" - "superd $rev, $(nproc) cores, nofile=$nofile secs=$secs rounds=$rounds"

# --- 1. Services -------------------------------------------------------
sec=1
say "services: starting superd with 1, 100 and 10,000 services"
# One superd per count.  The single service is served external by one and
# internal by another; the larger counts carry both (line 1 external, line
# 2 internal) and external fillers, so the in-process share (superd's
# budget over its in-process services) is the same at every count.  They
# all run at once: the rounds interleave every cell.
conf "$work/s1e.conf" 1 ext
conf "$work/s1i.conf" 1 int
conf "$work/s100.conf" 100 ext int
conf "$work/s10000.conf" 10000 ext int
for s in s1e s1i s100 s10000; do
	start $s
done
svc_ok=
# Binding 10,000 ports 0 takes the kernel seconds (its port search).
ready s1e 10 1 && ready s1i 10 1 && ready s100 20 1 2 &&
    ready s10000 60 1 2 && svc_ok=1
declare -A R E
declare -a M
cell_port() {	# cell_port MODE N
	case $1:$2 in
	ext:1) echo "${PORT[s1e:1]}" ;;
	int:1) echo "${PORT[s1i:1]}" ;;
	ext:*) echo "${PORT[s$2:1]}" ;;
	int:*) echo "${PORT[s$2:2]}" ;;
	esac
}
if [ -n "$svc_ok" ]; then
	say "services: $rounds rounds of 12 cells"
	emit services start-10000 "${TREADY[s10000]}" s "superd start to its serving line"
	for r in $(seq "$rounds"); do
		for c in 1 16; do
			for m in ext int; do
				for n in 1 100 10000; do
					run "$(cell_port $m $n)" "$c" -d "$secs"
					R[$m:$c:$n]="${R[$m:$c:$n]:-} $(field "$LG" rate)"
					E[$m:$c:$n]=$(( ${E[$m:$c:$n]:-0} + $(errs "$LG") ))
				done
			done
		done
	done
	p '\nServices: connections a second to the first of N configured (median of %s)\n' "$rounds"
	p '%-14s %8s %8s %8s %9s  %s\n' "N =" 1 100 10,000 10,000/1 "errors (1/100/10,000)"
	for m in ext int; do
		for c in 1 16; do
			line=
			for n in 1 100 10000; do
				M[$n]=$(echo "${R[$m:$c:$n]}" | median)
				emit services "$m c$c n=$n" "${M[$n]}" conn/s \
				    "rounds:${R[$m:$c:$n]} errors=${E[$m:$c:$n]}"
				line="$line $(printf '%8.0f' "${M[$n]}")"
			done
			q=$(ratio "${M[10000]}" "${M[1]}")
			emit services "$m c$c 10000/1" "$q" ratio "target >= 0.95"
			p '%-14s%s %9s  %s\n' \
			    "$([ $m = ext ] && echo external || echo internal) c$c" \
			    "$line" "$q" "${E[$m:$c:1]}/${E[$m:$c:100]}/${E[$m:$c:10000]}"
		done
	done
	p 'target 10,000/1 >= 0.95.  superd took %s s to start with 10,000 services.\n' \
	    "${TREADY[s10000]}"
else
	p '\nServices: not measured (a superd did not start; see above)\n'
	emit services - - - "a superd did not start"
fi

# --- 3. Reload ---------------------------------------------------------
sec=3
say "reload"
# The 10,000-service superd again: SIGHUP with the file unchanged, timed to
# its "reloaded" line, under a loadgen run on its internal echo that spans
# every reload; none of that load may fail.
# hup.py PID LOG COUNT GAP: sends SIGHUP COUNT times, each time timing the
# wait for one more "reloaded" line (read from the log's end on, so a log
# of 10,000 listening lines is not read again), GAP s apart; prints each
# in ms, or fails after 10 s without one.
cat >"$work/hup.py" <<'PY'
import os, signal, sys, time
pid, log, count, gap = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
f = open(log, "rb")
f.seek(0, 2)
for _ in range(count):
    seen = b""
    t0 = time.monotonic()
    os.kill(pid, signal.SIGHUP)
    while b": reloaded: " not in seen:
        seen = seen[-64:] + f.read()
        if b"reloaded" not in seen and time.monotonic() - t0 > 10:
            sys.exit("no reloaded line 10 s after SIGHUP")
        time.sleep(0.0005)
    print("%.1f" % ((time.monotonic() - t0) * 1000), flush=True)
    time.sleep(gap)
PY
reload_ok=
gap=0.2
if [ -n "$svc_ok" ]; then
	sp=${PID[s10000]}
	# The load: 1 s loadgen runs back to back until the reloads are
	# done, so it spans them however long they take; their counts add up.
	rm -f "$work/reload.done"
	(
		while [ ! -e "$work/reload.done" ]; do
			"$loadgen" -a 64 -c 16 -d 1 "$addr" "${PORT[s10000:2]}" ||
			    break
		done
	) >"$work/reload.lg" 2>&1 </dev/null &
	lgpid=$!
	pids+=("$lgpid")
	sleep 0.5
	python3 "$work/hup.py" "$sp" "$work/s10000.log" "$nreload" "$gap" \
	    >"$work/reload.out" 2>&1 && reload_ok=1
	: >"$work/reload.done"
	for _ in $(seq 50); do
		alive "$lgpid" || break
		sleep 0.1
	done
	stop "$lgpid"
	p '\nReload: SIGHUP of 10,000 unchanged services to the "reloaded" line\n'
	# The loadgen lines summed: every count, and the worst latency.
	LG=$(awk '/^proto=/ { for (i = 1; i <= NF; i++) { split($i, kv, "=")
	    if (kv[1] == "max_us") { if (kv[2] > mx) mx = kv[2] }
	    else if (kv[1] ~ /^(conns|refused|reset|timeout|short|wrong|other)$/) {
		if (!(kv[1] in n)) o[++k] = kv[1]; n[kv[1]] += kv[2] } } runs++ }
	    END { printf "reload runs=%d max_us=%d", runs, mx
	    for (i = 1; i <= k; i++) printf " %s=%d", o[i], n[o[i]]; print "" }' \
	    "$work/reload.lg")
	if [ -n "$reload_ok" ]; then
		rmed=$(median <"$work/reload.out")
		rmax=$(sort -g "$work/reload.out" | tail -n 1)
		emit reload median "$rmed" ms "of $nreload: $(tr '\n' ' ' <"$work/reload.out")"
		emit reload max "$rmax" ms "target < 200"
		emit reload load-errors "$(errs "$LG")" errors "loadgen c16 internal echo, 1 s runs spanning the reloads: $LG"
		p '%s reloads: median %s ms, max %s ms (target < 200)\n' "$nreload" "$rmed" "$rmax"
		p 'loadgen c16 on its internal echo meanwhile, %s runs of 1 s back to back:\n' \
		    "$(field "$LG" runs)"
		p '  %s\n' "$(printf '%s\n' "$LG" | sed 's/.* conns=/conns=/')"
		p '  max latency %s ms; target zero errors\n' \
		    "$(awk -v u="$(field "$LG" max_us)" 'BEGIN { printf "%.0f", u / 1000 }')"
	else
		p 'failed: %s\n' "$(tail -n 1 "$work/reload.out")"
		emit reload - - - "failed: $(tail -n 1 "$work/reload.out")"
	fi
fi
[ -n "$svc_ok" ] || printf '\nReload: not measured\n'
stop "${PID[s10000]}" "${PID[s100]}"

# --- 4. CPU per connection --------------------------------------------
sec=4
say "CPU per connection"
# superd's own CPU, not its children's (perf -i: counters not inherited;
# /proc utime+stime exclude children too), over a fixed count of
# connections at c16.  System calls: strace -c, -f for external (superd
# and the handlers it starts), without for superd alone.
perf_ok=
if command -v perf >/dev/null &&
    perf stat -x, -e task-clock -i -p "${PID[s1e]}" -- sleep 0.1 \
    >/dev/null 2>"$work/perf.try" && grep -q task-clock "$work/perf.try"; then
	perf_ok=1
fi
ticks=$(getconf CLK_TCK)

# cpu PID PORT COUNT: superd's CPU over COUNT connections into CPUMS (ms),
# and how it was read into CPUHOW.
cpu() {
	local p b a
	if [ -n "$perf_ok" ]; then
		perf stat -x, -e task-clock -i -p "$1" -o "$work/perf.out" \
		    </dev/null 2>/dev/null &
		p=$!
		pids+=("$p")
		sleep 0.3
		run "$2" 16 -n "$3" -d 60
		kill -INT "$p" 2>/dev/null
		for _ in $(seq 50); do alive "$p" || break; sleep 0.1; done
		stop "$p"
		CPUHOW="perf task-clock"
		CPUMS=$(awk -F, '/task-clock/ { print $1 }' "$work/perf.out")
	else
		b=$(awk '{ print $14 + $15 }' "/proc/$1/stat")
		run "$2" 16 -n "$3" -d 60
		a=$(awk '{ print $14 + $15 }' "/proc/$1/stat")
		CPUHOW="/proc utime+stime"
		CPUMS=$(( (a - b) * 1000 / ticks ))
	fi
}

# calls PID PORT COUNT [-f]: the system calls over COUNT connections into
# NCALLS (- when strace could not attach).
calls() {
	local p
	strace -c ${4:-} -o "$work/strace.out" -p "$1" </dev/null \
	    2>"$work/strace.err" &
	p=$!
	pids+=("$p")
	NCALLS=-
	wait_for "$work/strace.err" 'attached' 5 || { stop "$p"; return; }
	run "$2" 16 -n "$3" -d 60
	kill -INT "$p" 2>/dev/null
	for _ in $(seq 50); do alive "$p" || break; sleep 0.1; done
	stop "$p"
	NCALLS=$(awk '$NF == "total" { print $4 }' "$work/strace.out")
}

p '\nCPU per connection: superd'"'"'s own process, loadgen c16 over a fixed count\n'
for m in ext int; do
	if [ $m = ext ]; then
		sp=${PID[s1e]} port=${PORT[s1e:1]:-} n=2000 ns=300 label=external
	else
		sp=${PID[s1i]} port=${PORT[s1i:1]:-} n=10000 ns=2000 label=internal
	fi
	if [ -z "$port" ]; then
		p '%s: not measured (its superd did not start)\n' $label
		continue
	fi
	cpu "$sp" "$port" $n
	ms=$CPUMS
	e=$(errs "$LG")
	us=$(awk -v ms="$ms" -v n=$n 'BEGIN { if (ms == "") print "-"; else printf "%.1f", ms * 1000 / n }')
	emit cpu "$m" "$us" us/conn "$CPUHOW over $n connections, $ms ms: $LG"
	sys=
	if command -v strace >/dev/null; then
		if [ $m = ext ]; then
			calls "$sp" "$port" $ns -f
			t=$NCALLS
			q=$(ratio "$t" $ns)
			emit syscalls "ext with children" "$q" calls/conn "strace -c -f over $ns: $t"
			calls "$sp" "$port" $ns
			t=$NCALLS
			q2=$(ratio "$t" $ns)
			emit syscalls "ext superd alone" "$q2" calls/conn "strace -c over $ns: $t"
			sys="; system calls $q2 per connection (superd), $q with its children (strace -c over $ns)"
		else
			calls "$sp" "$port" $ns
			t=$NCALLS
			q=$(ratio "$t" $ns)
			emit syscalls int "$q" calls/conn "strace -c over $ns: $t"
			sys="; system calls $q per connection (strace -c over $ns)"
		fi
	fi
	p '%s: %s us per connection (%s over %s, %s errors)%s\n' \
	    $label "$us" "$CPUHOW" $n "$e" "$sys"
done
stop "${PID[s1e]}" "${PID[s1i]}"

# --- 2. Idle connections ----------------------------------------------
# Two internal echoes: idle connections held open to the first, load on
# the second.  superd takes in at most three quarters of the fds its
# listeners leave of RLIMIT_NOFILE as in-process connections, each
# in-process service an equal share of that (superd/conn.c), so N is what
# the asked count leaves of that share.
sec=2
say "idle connections"
conf "$work/idle.conf" 2 int int
start idle
p '\nIdle connections to one internal echo, load on a second one\n'
if ready idle 10 1 2; then
	sp=${PID[idle]}
	lim=$(awk '/^Max open files/ { print $4 }' "/proc/$sp/limits")
	budget=$(( (lim - 2) / 4 * 3 ))
	[ "$budget" -gt 65536 ] && budget=65536
	fit=$((budget / 2))
	nidle=$idle_ask
	[ "$nidle" -gt "$fit" ] && nidle=$fit
	if [ "$nidle" -lt "$idle_ask" ]; then
		p '%s asked, %s fit: RLIMIT_NOFILE %s, 3/4 of it for in-process connections, shared by 2 services\n' \
		    "$idle_ask" "$nidle" "$lim"
	fi
	emit idle asked "$idle_ask" conns "fit $fit: superd RLIMIT_NOFILE $lim, 2 in-process services"
	# One idle holds what its own fd limit allows, in whole sources.
	per=$(( ($(ulimit -Hn) - 16) / 1000 * 1000 ))
	mkfifo "$work/hold" || exit 1
	base=$(nfds "$sp")
	declare -A IR
	for r in $(seq "$rounds"); do
		for c in 1 16; do
			run "${PORT[idle:2]}" $c -d "$secs"
			IR[0:$c]="${IR[0:$c]:-} $(field "$LG" rate)"
			IE[0]=$(( ${IE[0]:-0} + $(errs "$LG") ))
		done
		[ "$r" = 1 ] && mem0=$(private "$sp")
		rm -f "$work"/idle*.out
		ipids=() k=0 left=$nidle
		while [ "$left" -gt 0 ]; do
			n=$left
			[ "$n" -gt "$per" ] && n=$per
			a=$((2 + k * per / 1000))
			"$idle" -a "127.0.$((a / 256)).$((a % 256))" "$addr" \
			    "${PORT[idle:1]}" "$n" <"$work/hold" >"$work/idle$k.out" \
			    2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 9>&- &
			ipids+=($!)
			pids+=($!)
			left=$((left - n)) k=$((k + 1))
		done
		# Our end of their input: closing it ends them all.
		exec 8>"$work/hold"
		t0=$(date +%s.%N)
		for i in $(seq 0 $((k - 1))); do
			for _ in $(seq 200); do
				[ -s "$work/idle$i.out" ] && break
				sleep 0.05
			done
		done
		topen=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
		# Open on our side may still be in superd's backlog: wait (10 s
		# at most) for superd to hold them.
		for _ in $(seq 200); do
			[ $(($(nfds "$sp") - base)) -ge "$nidle" ] && break
			sleep 0.05
		done
		held=$(($(nfds "$sp") - base))
		if [ "$r" = 1 ]; then
			mem1=$(private "$sp")
			opened=$(cat "$work"/idle*.out | tr '\n' ' ')
		fi
		for c in 1 16; do
			run "${PORT[idle:2]}" $c -d "$secs"
			IR[1:$c]="${IR[1:$c]:-} $(field "$LG" rate)"
			IE[1]=$(( ${IE[1]:-0} + $(errs "$LG") ))
		done
		exec 8>&-
		for _ in $(seq 100); do
			left=
			for i in "${ipids[@]}"; do alive "$i" && left=1; done
			[ -z "$left" ] && break
			sleep 0.05
		done
		stop "${ipids[@]}"
		for _ in $(seq 100); do
			[ "$(nfds "$sp")" -le "$base" ] && break
			sleep 0.05
		done
	done
	mem2=$(private "$sp")
	perconn=$(awk -v a="$mem0" -v b="$mem1" -v n="$held" \
	    'BEGIN { if (n > 0) printf "%.0f", (b - a) * 1024 / n; else print "-" }')
	emit idle held "$held" conns "idle said: $opened; opened in $topen s (last round)"
	emit idle private-before "$mem0" kB "Private_Clean+Private_Dirty"
	emit idle private-with "$mem1" kB "with $held idle"
	emit idle private-after "$mem2" kB "after they closed"
	emit idle per-conn "$perconn" bytes "target < 2048"
	p '%s idle held by superd (idle: %s; opened in %s s)\n' "$held" "${opened% }" "$topen"
	p 'private memory: %s kB before, %s kB with them, %s kB after: %s bytes per connection (target < 2 KiB)\n' \
	    "$mem0" "$mem1" "$mem2" "$perconn"
	p '%-14s %10s %10s %7s  %s\n' "second echo" "no idle" "$held idle" ratio "errors (no idle/idle)"
	for c in 1 16; do
		a=$(echo "${IR[0:$c]}" | median)
		b=$(echo "${IR[1:$c]}" | median)
		q=$(ratio "$b" "$a")
		emit idle "c$c no idle" "$a" conn/s "rounds:${IR[0:$c]}"
		emit idle "c$c idle" "$b" conn/s "rounds:${IR[1:$c]}"
		emit idle "c$c idle/no" "$q" ratio "target >= 0.9"
		p '%-14s %10.0f %10.0f %7s  %s\n' "c$c" "$a" "$b" "$q" "${IE[0]}/${IE[1]}"
	done
	p 'target idle/no idle >= 0.9\n'
else
	p 'not measured: superd did not start\n'
fi
stop "${PID[idle]}"

for s in 1 2 3 4; do
	[ -e "$work/out.$s" ] && cat "$work/out.$s"
done
printf '\n%s s in all; TSV in %s\n\n' $(( $(date +%s) - t_start )) "${tsv#"$top"/}"
