#!/bin/bash
# bench/run.sh: `make bench`.  Measures superd (external and internal echo),
# the fork+exec and in-process ceilings and the peer super-servers fetched
# from Debian's packages, all serving the same static echo on loopback, at
# concurrency 1 and 16 over TCP and UDP, in interleaved rounds; prints one
# table of medians and writes it as TSV under bench/results/.  Run after
# `make` and `make -C bench`.  BENCH_SECS (2) per cell, BENCH_ROUNDS (5);
# BENCH_KEEP=1 keeps the servers' logs and configurations.
set -u
bench=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$bench/.." && pwd)
cache=$top/.cache
peers_dir=$cache/peers
secs=${BENCH_SECS:-2}
rounds=${BENCH_ROUNDS:-5}
size=16
tmo=2000
echo=$bench/echo-static
loadgen=$bench/loadgen
ceiling=$bench/ceiling
superd=$top/superd/superd
me=$(id -un)
t_start=$(date +%s)
why=

say() { printf 'bench: %s\n' "$*" >&2; }

for f in "$loadgen" "$ceiling" "$echo" "$superd"; do
	[ -x "$f" ] || { say "$f: not built (run make, then make -C bench)"; exit 1; }
done
if file "$echo" 2>/dev/null | grep -q 'statically linked'; then
	echo_kind=static
else
	echo_kind=dynamic
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/superd-bench.XXXXXX") || exit 1
pids=()

# Every server was started here and is killed by its pid, with the
# children it still has (a `dgram wait` handler idling out); never by name.
cleanup() {
	local p c
	for p in "${pids[@]}"; do
		for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do
			kill "$c" 2>/dev/null
		done
		kill "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	if [ -n "${BENCH_KEEP:-}" ]; then
		say "logs and configurations kept in $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# bg LOG CMD...: runs CMD in the background with fds above 2 closed; BG_PID.
bg() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
	BG_PID=$!
	pids+=("$BG_PID")
}

# wait_for FILE ERE: waits up to 5 s for a line matching ERE in FILE.
wait_for() {
	for _ in $(seq 50); do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# fetch PKG: extracts Debian's PKG into .cache/peers/PKG once, as
# tests/helpers/deps does (apt-get download + dpkg -x: no script, no daemon).
fetch() {
	local pkg=$1 dir=$peers_dir/$1
	[ -e "$dir/.done" ] && return 0
	command -v apt-get >/dev/null 2>&1 || { why="no apt-get here"; return 1; }
	mkdir -p "$cache/debs" || return 1
	say "fetching $pkg from Debian's packages into .cache/peers/$pkg"
	rm -f "$cache/debs/${pkg}_"*.deb
	if ! (cd "$cache/debs" && apt-get download "$pkg" >/dev/null 2>&1); then
		why="apt-get download $pkg failed (try apt-get update)"
		return 1
	fi
	if ! { rm -rf "$dir" && mkdir -p "$dir" &&
	    dpkg -x "$cache/debs/${pkg}_"*.deb "$dir" && : >"$dir/.done"; }; then
		why="dpkg -x $pkg failed"
		return 1
	fi
}

# libwrap: the folder of the fetched libwrap.so.0, for LD_LIBRARY_PATH.
libwrap() {
	local f
	for f in "$peers_dir"/libwrap0/usr/lib/*/libwrap.so.0 \
	    "$peers_dir"/libwrap0/lib/*/libwrap.so.0; do
		[ -e "$f" ] && { dirname "$f"; return 0; }
	done
}

# peer_bin PKG PATH: prints the fetched binary if it runs here; else
# prints why not and fails.  Fetch libwrap0 first: the inetds link it.
peer_bin() {
	local bin=$peers_dir/$1/$2 missing
	fetch "$1" || { echo "$why"; return 1; }
	[ -x "$bin" ] || { echo "$1 has no $2"; return 1; }
	missing=$(LD_LIBRARY_PATH=$(libwrap) ldd "$bin" 2>/dev/null |
	    awk '/not found/ { printf "%s ", $1 }')
	[ -z "$missing" ] || { echo "$1 needs ${missing% }"; return 1; }
	echo "$bin"
}

freeport() { "$ceiling" port; }

# The rows, in table order.  TCP[row] and UDP[row] are the ports, SPID[row]
# the server pids (for VmHWM), STATUS[row] empty when it runs, else why not.
rows="superd-ext superd-int ceil-spawn ceil-inproc xinetd openbsd-inetd \
tcpserver ipsvd busybox-inetd"
peers="xinetd openbsd-inetd tcpserver ipsvd busybox-inetd"
declare -A TCP UDP SPID STATUS LABEL KIND
LABEL=([superd-ext]="superd external" [superd-int]="superd internal"
    [ceil-spawn]="fork+exec ceiling" [ceil-inproc]="in-process ceiling"
    [xinetd]="xinetd" [openbsd-inetd]="openbsd-inetd"
    [tcpserver]="tcpserver" [ipsvd]="tcpsvd/udpsvd"
    [busybox-inetd]="busybox inetd")
# Which ceiling a row is held against: an exec per connection, or none.
KIND=([superd-ext]=spawn [superd-int]=inproc [ceil-spawn]=spawn
    [ceil-inproc]=inproc [xinetd]=spawn [openbsd-inetd]=spawn
    [tcpserver]=spawn [ipsvd]=spawn [busybox-inetd]=spawn)

# superd_start ROW PROG: superd with one TCP and one UDP echo on port 0.
superd_start() {
	local conf=$work/$1.conf log=$work/$1.log
	cat >"$conf" <<-EOF
	127.0.0.1:0	stream	tcp4	nowait	$me	$2	echo
	127.0.0.1:0	dgram	udp4	nowait	$me	$2	echo
	EOF
	bg "$log" "$superd" "$conf"
	SPID[$1]=$BG_PID
	if ! wait_for "$log" ': serving, pid '; then
		STATUS[$1]="superd did not start: $(head -c 200 "$log")"
		return
	fi
	TCP[$1]=$(sed -n "s|^superd: $conf:1: .* port \([0-9]*\)\$|\1|p" "$log")
	UDP[$1]=$(sed -n "s|^superd: $conf:2: .* port \([0-9]*\)\$|\1|p" "$log")
}

start_superd_ext() { superd_start superd-ext "$echo"; }
start_superd_int() { superd_start superd-int internal; }

start_ceil_spawn() { TCP[ceil-spawn]=spawn UDP[ceil-spawn]=spawn; }

start_ceil_inproc() {
	local pf=$work/inproc.ports
	bg "$work/inproc.log" "$ceiling" serve "$pf"
	SPID[ceil-inproc]=$BG_PID
	wait_for "$pf" '^udp ' ||
	    { STATUS[ceil-inproc]="ceiling serve did not start"; return; }
	TCP[ceil-inproc]=$(awk '$1 == "tcp" { print $2 }' "$pf")
	UDP[ceil-inproc]=$(awk '$1 == "udp" { print $2 }' "$pf")
}

# xinetd: cps, instances and per_source lifted, no per-connection log.
start_xinetd() {
	local bin conf=$work/xinetd.conf p s
	fetch libwrap0
	bin=$(peer_bin xinetd usr/sbin/xinetd) ||
	    { STATUS[xinetd]="missing: $bin"; return; }
	p=$(freeport) || { STATUS[xinetd]="no free port"; return; }
	{
		printf 'defaults\n{\n\tlog_type = FILE %s\n' "$work/xinetd.svc"
		printf '\tlog_on_success =\n\tlog_on_failure =\n'
		printf '\tcps = 1000000 1\n\tinstances = UNLIMITED\n'
		printf '\tper_source = UNLIMITED\n}\n'
		for s in stream dgram; do
			printf 'service bench-echo\n{\n\ttype = UNLISTED\n'
			printf '\tid = echo-%s\n\tsocket_type = %s\n' "$s" "$s"
			if [ "$s" = stream ]; then
				printf '\tprotocol = tcp\n\twait = no\n'
			else
				printf '\tprotocol = udp\n\twait = yes\n'
				printf '\tserver_args = -t 3\n'
			fi
			printf '\tuser = %s\n\tbind = 127.0.0.1\n\tport = %s\n' \
			    "$me" "$p"
			printf '\tserver = %s\n}\n' "$echo"
		done
	} >"$conf"
	bg "$work/xinetd.log" env LD_LIBRARY_PATH="$(libwrap)" "$bin" \
	    -dontfork -f "$conf" -pidfile "$work/xinetd.pid" \
	    -filelog "$work/xinetd.filelog"
	SPID[xinetd]=$BG_PID
	TCP[xinetd]=$p UDP[xinetd]=$p
}

# openbsd-inetd: nowait.N and -R far above any rate reached here.
start_openbsd_inetd() {
	local bin conf=$work/inetd.conf p
	fetch libwrap0
	bin=$(peer_bin openbsd-inetd usr/sbin/inetd) ||
	    { STATUS[openbsd-inetd]="missing: $bin"; return; }
	p=$(freeport) || { STATUS[openbsd-inetd]="no free port"; return; }
	cat >"$conf" <<-EOF
	127.0.0.1:$p	stream	tcp	nowait.100000000	$me	$echo	echo
	127.0.0.1:$p	dgram	udp	wait	$me	$echo	echo -t 3
	EOF
	bg "$work/inetd.log" env LD_LIBRARY_PATH="$(libwrap)" "$bin" -i \
	    -q 4096 -R 100000000 "$conf"
	SPID[openbsd-inetd]=$BG_PID
	TCP[openbsd-inetd]=$p UDP[openbsd-inetd]=$p
}

# tcpserver: -c and -b lifted; -H -R -l0: no DNS or ident lookups.  TCP only.
start_tcpserver() {
	local bin
	bin=$(peer_bin ucspi-tcp usr/bin/tcpserver) ||
	    { STATUS[tcpserver]="missing: $bin"; return; }
	bg "$work/tcpserver.log" "$bin" -1 -HRl0 -c 100000 -b 4096 \
	    127.0.0.1 0 "$echo"
	SPID[tcpserver]=$BG_PID
	wait_for "$work/tcpserver.log" '^[0-9]+$' ||
	    { STATUS[tcpserver]="tcpserver did not start"; return; }
	TCP[tcpserver]=$(head -n 1 "$work/tcpserver.log")
	UDP[tcpserver]=-
}

# ipsvd: tcpsvd with -c and -b lifted; udpsvd runs echo as `dgram wait`.
start_ipsvd() {
	local tbin ubin p
	tbin=$(peer_bin ipsvd usr/bin/tcpsvd) ||
	    { STATUS[ipsvd]="missing: $tbin"; return; }
	ubin=$(peer_bin ipsvd usr/bin/udpsvd) ||
	    { STATUS[ipsvd]="missing: $ubin"; return; }
	p=$(freeport) || { STATUS[ipsvd]="no free port"; return; }
	bg "$work/tcpsvd.log" "$tbin" -l0 -c 100000 -b 4096 127.0.0.1 "$p" \
	    "$echo"
	SPID[ipsvd]=$BG_PID
	bg "$work/udpsvd.log" "$ubin" -l0 127.0.0.1 "$p" "$echo" -t 3
	SPID[ipsvd]="${SPID[ipsvd]} $BG_PID"
	TCP[ipsvd]=$p UDP[ipsvd]=$p
}

# Debian builds busybox without its inetd applet, and this machine has no
# deb-src entry to rebuild it from the source package.
start_busybox_inetd() {
	STATUS[busybox-inetd]="missing: Debian's busybox has no inetd applet;\
 building it from the source package is not done (no deb-src here)"
}

# listening tcp|udp PORT: true when something is bound to 127.0.0.1:PORT.
listening() {
	local hex
	hex=$(printf '%04X' "$2")
	grep -Eq "^ *[0-9]+: 0100007F:$hex 00000000:0000 (0A|07) " \
	    "/proc/net/$1" 2>/dev/null
}

say "$(date -u '+%F %T') UTC: starting servers (handler: $echo, $echo_kind)"
for r in $rows; do
	STATUS[$r]=
	TCP[$r]=- UDP[$r]=- SPID[$r]=
	start_"${r//-/_}"
done

# Every server must answer once on each port before it is measured.
for r in $rows; do
	[ -z "${STATUS[$r]}" ] || continue
	case ${TCP[$r]} in
	-|spawn) ;;
	*)
		for _ in $(seq 50); do
			listening tcp "${TCP[$r]}" && break
			sleep 0.1
		done
		if ! out=$("$loadgen" -n 1 -t 3000 127.0.0.1 "${TCP[$r]}" \
		    2>&1) || ! grep -q ' conns=1 ' <<<"$out"; then
			STATUS[$r]="does not answer TCP: $out"
			continue
		fi
		;;
	esac
	case ${UDP[$r]} in
	-|spawn) ;;
	*)
		for _ in $(seq 50); do
			listening udp "${UDP[$r]}" && break
			sleep 0.1
		done
		if ! out=$("$loadgen" -u -n 1 -t 3000 127.0.0.1 \
		    "${UDP[$r]}" 2>&1) || ! grep -q ' conns=1 ' <<<"$out"; then
			say "${LABEL[$r]}: UDP does not answer: $out"
			UDP[$r]=x
		fi
		;;
	esac
done
for r in $rows; do
	[ -n "${STATUS[$r]}" ] && say "${LABEL[$r]}: ${STATUS[$r]}"
done

# measure ROW CELL: one run, one loadgen line on stdout (or nothing).
measure() {
	local r=$1 cell=$2 u='' c port lim=$((secs + 20))
	case $cell in
	u*) u=-u port=${UDP[$r]} ;;
	*) port=${TCP[$r]} ;;
	esac
	c=${cell#?}
	case $port in
	-|x) return 0 ;;
	spawn)
		timeout -k 2 "$lim" "$ceiling" spawn $u -c "$c" -d "$secs" \
		    -t "$tmo" -s "$size" "$echo" ;;
	*)
		timeout -k 2 "$lim" "$loadgen" $u -c "$c" -d "$secs" \
		    -t "$tmo" -s "$size" 127.0.0.1 "$port" ;;
	esac
}

cells="t1 t16 u1 u16"
raw=$work/raw
: >"$raw"
active=
for r in $rows; do
	[ -z "${STATUS[$r]}" ] && active="$active $r"
done
n=$(wc -w <<<"$active")
say "$rounds rounds x 4 cells x $n rows, ${secs} s each, interleaved"
for round in $(seq "$rounds"); do
	for cell in $cells; do
		for r in $active; do
			line=$(measure "$r" "$cell" 2>"$work/err") ||
			    say "${LABEL[$r]} $cell: failed: $(head -c 200 "$work/err")"
			[ -n "$line" ] && echo "$round $r $cell $line" >>"$raw"
		done
	done
	say "round $round done, $(($(date +%s) - t_start)) s"
done

# What superd said while under load, beyond its start-up lines.
for r in superd-ext superd-int; do
	[ -e "$work/$r.log" ] || continue
	n=$(grep -Evc ': listening on |: serving, pid ' "$work/$r.log")
	[ "$n" -eq 0 ] && continue
	say "${LABEL[$r]} logged $n lines under load, first ones:"
	grep -Ev ': listening on |: serving, pid ' "$work/$r.log" | head -n 3 >&2
done

# Peak RSS (VmHWM) of each row's server processes, the largest of them.
declare -A RSS
for r in $rows; do
	rss=
	for p in ${SPID[$r]}; do
		v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
		if [ -n "$v" ] && { [ -z "$rss" ] || [ "$v" -gt "$rss" ]; }; then
			rss=$v
		fi
	done
	RSS[$r]=${rss:--}
done

mkdir -p "$bench/results" || exit 1
stamp=$(date -u +%Y%m%d-%H%M%S)
tsv=$bench/results/bench-$stamp.tsv
meta=$work/meta
for r in $rows; do
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "${LABEL[$r]}" \
	    "${KIND[$r]}" "${RSS[$r]}" "${TCP[$r]}" "${UDP[$r]}" \
	    "${STATUS[$r]:-ok}"
done >"$meta"

# The medians, the ratios, the table and the TSV, from the raw lines.
awk -v meta="$meta" -v tsv="$tsv" -v peers="$peers" -v rounds="$rounds" \
    -v secs="$secs" -v size="$size" -v when="$(date -u '+%F %T UTC')" \
    -v handler="$echo_kind" -v host="$(uname -srm), $(nproc) cpus" \
    -f "$bench/report.awk" "$raw" || exit 1
echo
echo "TSV: ${tsv#"$top"/}"
say "done in $(($(date +%s) - t_start)) s"
