#!/bin/bash
# bench/run.sh: `make bench`.  Measures superd (external, static, internal
# echo, and `dgram wait` with a one-shot echo), the fork+exec and
# in-process ceilings, the like-for-like limit (bench/minimal: accept,
# vfork + exec, reap) and the peer super-servers fetched from Debian's
# packages (busybox's built from its source package by bench/busybox.sh),
# all serving the same static echo on loopback, at concurrency 1 and 16
# over TCP and UDP, in interleaved rounds; prints one table of medians, the
# ratios and the issue's targets, and writes it as TSV and text under
# bench/results/ (and an SVG where bench/chart.awk is).  Run after `make`
# and `make -C bench`.  BENCH_SECS (2) per cell, BENCH_ROUNDS (3);
# BENCH_KEEP=1 keeps the servers' logs and configurations.
#
# UDP is measured two ways, in rows of their own (bench/README.md): a
# handler process per datagram (superd's `dgram nowait`; the peers' own
# rows, `dgram wait` with `echo -1`, which answers one datagram and
# exits), and one long-lived echo (`dgram wait` with `echo -t 3`, in the
# UDP-only "long-lived echo" rows, superd's included).  Where perf can, the
# forks of each UDP server are counted too: handler processes per reply.
set -u
bench=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$bench/.." && pwd)
cache=$top/.cache
peers_dir=$cache/peers
secs=${BENCH_SECS:-2}
rounds=${BENCH_ROUNDS:-3}
size=16
tmo=2000
echo=$bench/echo-static
loadgen=$bench/loadgen
ceiling=$bench/ceiling
superd=$top/superd/superd
minimal=$bench/minimal
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

. "$bench/procs.sh"

# Every server was started here and is stopped by its pid (procs.sh).
cleanup() {
	stop "${pids[@]}"
	if [ -n "${BENCH_KEEP:-}" ]; then
		say "logs and configurations kept in $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# fetch PKG: Debian's PKG into .cache/peers/PKG once, by tests/helpers/deps
# (apt-get download + dpkg -x: no script, no daemon); else why says why.
fetch() {
	[ -e "$peers_dir/$1/.done" ] && return 0
	if "$top/tests/helpers/deps" fetch "$1" 2>"$work/fetch.err"; then
		cat "$work/fetch.err" >&2
		return 0
	fi
	cat "$work/fetch.err" >&2
	why=$(tail -n 1 "$work/fetch.err")
	why=${why#deps: }
	return 1
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

# freeport: a loopback port free for TCP and UDP.  Tried a few times: other
# loads on the machine can hold, for a moment, every port it tries.
freeport() {
	for _ in 1 2 3 4 5; do
		"$ceiling" port 2>/dev/null && return 0
		sleep 0.2
	done
	"$ceiling" port
}

# The rows, in table order.  TCP[row] and UDP[row] are the ports ("-" when
# the row does not serve that protocol, "x" when it did not answer, with
# UWHY[row] saying how), SPID[row] the server pids (for VmHWM), FPID[row]
# the one that starts the UDP handlers (its forks are counted), STATUS[row]
# empty when it runs, else why not.  The "-ll" rows are UDP only.
rows="superd-ext superd-vfork superd-spare superd-static superd-int superd-once ceil-spawn ceil-spawnp \
limit ceil-inproc xinetd openbsd-inetd tcpserver ipsvd busybox-inetd \
busybox-svd superd-ll xinetd-ll openbsd-inetd-ll udpsvd-ll busybox-inetd-ll \
busybox-udpsvd-ll"
peers="xinetd openbsd-inetd tcpserver ipsvd busybox-inetd busybox-svd \
xinetd-ll openbsd-inetd-ll udpsvd-ll busybox-inetd-ll busybox-udpsvd-ll"
declare -A TCP UDP UWHY SPID FPID STATUS LABEL KIND
LABEL=([superd-ext]="superd external" [superd-int]="superd internal"
    [superd-vfork]="superd external, -S vfork"
    [superd-spare]="superd external, -S spare"
    [superd-static]="superd external, static"
    [superd-once]="superd dgram wait, echo -1"
    [limit]="like-for-like limit"
    [ceil-spawn]="fork+exec ceiling"
    [ceil-spawnp]="fork+exec, N processes" [ceil-inproc]="in-process ceiling"
    [xinetd]="xinetd" [openbsd-inetd]="openbsd-inetd"
    [tcpserver]="tcpserver" [ipsvd]="tcpsvd/udpsvd"
    [busybox-inetd]="busybox inetd" [busybox-svd]="busybox tcpsvd/udpsvd"
    [superd-ll]="superd, long-lived echo"
    [xinetd-ll]="xinetd, long-lived echo"
    [openbsd-inetd-ll]="openbsd-inetd, long-lived echo"
    [udpsvd-ll]="udpsvd, long-lived echo"
    [busybox-inetd-ll]="busybox inetd, long-lived echo"
    [busybox-udpsvd-ll]="busybox udpsvd, long-lived echo")
# What a row runs for each connection or datagram: spawn, a process (held
# against the fork+exec ceiling and, over UDP, against the peers that spawn
# too); inproc, none (held against the in-process ceiling and, over UDP,
# against the long-lived echoes).  Over TCP every peer spawns.
KIND=([superd-ext]=spawn [superd-vfork]=spawn [superd-spare]=spawn
    [superd-static]=spawn [superd-int]=inproc
    [superd-once]=spawn [ceil-spawn]=spawn [ceil-spawnp]=spawn [limit]=spawn
    [ceil-inproc]=inproc [xinetd]=spawn [openbsd-inetd]=spawn
    [tcpserver]=spawn [ipsvd]=spawn [busybox-inetd]=spawn [busybox-svd]=spawn
    [superd-ll]=inproc [xinetd-ll]=inproc [openbsd-inetd-ll]=inproc
    [udpsvd-ll]=inproc [busybox-inetd-ll]=inproc [busybox-udpsvd-ll]=inproc)

# The echo's datagram options: -1 answers one datagram, then exits, so a
# `dgram wait` peer starts one for each datagram, the work superd's `dgram
# nowait` does; -t 3 keeps one echo answering until 3 s pass without one.
once="-1"
long="-t 3"

# peer ROW PKG PATH: PEER_BIN, the fetched binary; else ROW is missing.
peer() {
	PEER_BIN=$(peer_bin "$2" "$3") && return 0
	STATUS[$1]="missing: $PEER_BIN"
	return 1
}

# sd_line SOCKTYPE PROTO WAIT PROG ARG...: a superd.conf line on port 0.
sd_line() {
	local s=$1 p=$2 w=$3 prog=$4
	shift 4
	printf '127.0.0.1:0\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$p" "$w" "$me" \
	    "$prog" "$*"
}

# sd_port CONF LOG N: the port superd bound for line N of CONF.
sd_port() {
	sed -n "s|^superd: $1:$3: .* port \([0-9]*\)\$|\1|p" "$2"
}

# superd_start ROW TCPLINE UDPLINE [BINARY]: superd (or BINARY) serving
# those lines; an empty one leaves the row without that protocol.  With
# SPAWN set, superd starts its handlers that way (-S SPAWN).
superd_start() {
	local r=$1 conf=$work/$1.conf log=$work/$1.log n=0
	printf '%s\n' "$2" "$3" | grep -v '^$' >"$conf"
	bg "$log" "${4:-$superd}" ${SPAWN:+-S "$SPAWN"} "$conf"
	SPID[$r]=$BG_PID FPID[$r]=$BG_PID
	if ! wait_for "$log" ': serving, pid '; then
		STATUS[$r]="superd did not start: $(head -c 200 "$log")"
		return
	fi
	if [ -n "$2" ]; then
		n=$((n + 1))
		TCP[$r]=$(sd_port "$conf" "$log" "$n")
	fi
	if [ -n "$3" ]; then
		n=$((n + 1))
		UDP[$r]=$(sd_port "$conf" "$log" "$n")
	fi
	[ -n "${TCP[$r]}" ] && [ -n "${UDP[$r]}" ] ||
	    STATUS[$r]="superd logged no port: $(head -c 200 "$log")"
}

start_superd_ext() {
	superd_start superd-ext "$(sd_line stream tcp4 nowait "$echo" echo)" \
	    "$(sd_line dgram udp4 nowait "$echo" echo)"
}
# The same with the other ways superd can start a handler (superd(8)'s
# -S): a vfork(2), or a spare forked ahead that waits for its connection.
start_superd_vfork() {
	SPAWN=vfork superd_start superd-vfork \
	    "$(sd_line stream tcp4 nowait "$echo" echo)" \
	    "$(sd_line dgram udp4 nowait "$echo" echo)"
}
start_superd_spare() {
	SPAWN=spare superd_start superd-spare \
	    "$(sd_line stream tcp4 nowait "$echo" echo)" \
	    "$(sd_line dgram udp4 nowait "$echo" echo)"
}
# The same with superd linked statically (another target's: make STATIC=1
# with musl), for its RSS.
start_superd_static() {
	if [ ! -x "$bench/superd-static" ]; then
		STATUS[superd-static]="missing: bench/superd-static not built\
 (make STATIC=1 needs musl-tools)"
		return
	fi
	superd_start superd-static "$(sd_line stream tcp4 nowait "$echo" echo)" \
	    "$(sd_line dgram udp4 nowait "$echo" echo)" "$bench/superd-static"
}
# superd's own `dgram wait` with the one-shot echo, as the peers' UDP rows
# run it: one handler per datagram, superd waiting for each to exit.
start_superd_once() {
	superd_start superd-once "" \
	    "$(sd_line dgram udp4 wait "$echo" echo $once)"
}
start_superd_int() {
	superd_start superd-int "$(sd_line stream tcp4 nowait internal echo)" \
	    "$(sd_line dgram udp4 nowait internal echo)"
}
# The peers' long-lived mode: superd hands the socket to one echo and
# waits for it to idle out.
start_superd_ll() {
	superd_start superd-ll "" \
	    "$(sd_line dgram udp4 wait "$echo" echo $long)"
}

start_ceil_spawn() { TCP[ceil-spawn]=spawn UDP[ceil-spawn]=spawn; }
# The same spawns from N processes in parallel (ceiling -P), for reference:
# more than one super-server process can start.
start_ceil_spawnp() { TCP[ceil-spawnp]=spawnP UDP[ceil-spawnp]=spawnP; }

# The like-for-like limit: bench/minimal accepts, vforks and execs the
# echo, closes and reaps, and does nothing else.  TCP only.
start_limit() {
	[ -x "$minimal" ] ||
	    { STATUS[limit]="missing: $minimal not built (make -C bench)"; return; }
	bg "$work/limit.log" "$minimal" 0 "$echo"
	SPID[limit]=$BG_PID
	wait_for "$work/limit.log" '^[0-9]+$' ||
	    { STATUS[limit]="bench/minimal did not start"; return; }
	TCP[limit]=$(head -n 1 "$work/limit.log")
}

start_ceil_inproc() {
	local pf=$work/inproc.ports
	bg "$work/inproc.log" "$ceiling" serve "$pf"
	SPID[ceil-inproc]=$BG_PID
	wait_for "$pf" '^udp ' ||
	    { STATUS[ceil-inproc]="ceiling serve did not start"; return; }
	TCP[ceil-inproc]=$(awk '$1 == "tcp" { print $2 }' "$pf")
	UDP[ceil-inproc]=$(awk '$1 == "udp" { print $2 }' "$pf")
}

# xinetd_defaults ROW: cps, instances and per_source lifted, no
# per-connection log.
xinetd_defaults() {
	printf 'defaults\n{\n\tlog_type = FILE %s\n' "$work/$1.svc"
	printf '\tlog_on_success =\n\tlog_on_failure =\n'
	printf '\tcps = 1000000 1\n\tinstances = UNLIMITED\n'
	printf '\tper_source = UNLIMITED\n}\n'
}

# xinetd_service SOCKTYPE PORT [ARG...]: echo, stream nowait or dgram wait.
xinetd_service() {
	local s=$1 p=$2
	shift 2
	printf 'service bench-echo\n{\n\ttype = UNLISTED\n'
	printf '\tid = echo-%s\n\tsocket_type = %s\n' "$s" "$s"
	if [ "$s" = stream ]; then
		printf '\tprotocol = tcp\n\twait = no\n'
	else
		printf '\tprotocol = udp\n\twait = yes\n'
	fi
	[ $# -eq 0 ] || printf '\tserver_args = %s\n' "$*"
	printf '\tuser = %s\n\tbind = 127.0.0.1\n\tport = %s\n' "$me" "$p"
	printf '\tserver = %s\n}\n' "$echo"
}

# xinetd_run ROW: xinetd in the foreground on $work/ROW.conf.
xinetd_run() {
	bg "$work/$1.log" env LD_LIBRARY_PATH="$(libwrap)" "$PEER_BIN" \
	    -dontfork -f "$work/$1.conf" -pidfile "$work/$1.pid" \
	    -filelog "$work/$1.filelog"
	SPID[$1]=$BG_PID FPID[$1]=$BG_PID
}

start_xinetd() {
	local p
	fetch libwrap0
	peer xinetd xinetd usr/sbin/xinetd || return
	p=$(freeport) || { STATUS[xinetd]="missing: no free port"; return; }
	{
		xinetd_defaults xinetd
		xinetd_service stream "$p"
		xinetd_service dgram "$p" $once
	} >"$work/xinetd.conf"
	xinetd_run xinetd
	TCP[xinetd]=$p UDP[xinetd]=$p
}

start_xinetd_ll() {
	local p
	fetch libwrap0
	peer xinetd-ll xinetd usr/sbin/xinetd || return
	p=$(freeport) || { STATUS[xinetd-ll]="missing: no free port"; return; }
	{
		xinetd_defaults xinetd-ll
		xinetd_service dgram "$p" $long
	} >"$work/xinetd-ll.conf"
	xinetd_run xinetd-ll
	UDP[xinetd-ll]=$p
}

# inetd_run ROW: openbsd-inetd in the foreground on $work/ROW.conf; -R
# lifts the spawns a minute far above any rate reached here, for `wait`
# lines too.
inetd_run() {
	bg "$work/$1.log" env LD_LIBRARY_PATH="$(libwrap)" "$PEER_BIN" -i \
	    -q 4096 -R 100000000 "$work/$1.conf"
	SPID[$1]=$BG_PID FPID[$1]=$BG_PID
}

start_openbsd_inetd() {
	local p
	fetch libwrap0
	peer openbsd-inetd openbsd-inetd usr/sbin/inetd || return
	p=$(freeport) ||
	    { STATUS[openbsd-inetd]="missing: no free port"; return; }
	cat >"$work/openbsd-inetd.conf" <<-EOF
	127.0.0.1:$p	stream	tcp	nowait.100000000	$me	$echo	echo
	127.0.0.1:$p	dgram	udp	wait	$me	$echo	echo $once
	EOF
	inetd_run openbsd-inetd
	TCP[openbsd-inetd]=$p UDP[openbsd-inetd]=$p
}

start_openbsd_inetd_ll() {
	local p
	fetch libwrap0
	peer openbsd-inetd-ll openbsd-inetd usr/sbin/inetd || return
	p=$(freeport) ||
	    { STATUS[openbsd-inetd-ll]="missing: no free port"; return; }
	cat >"$work/openbsd-inetd-ll.conf" <<-EOF
	127.0.0.1:$p	dgram	udp	wait	$me	$echo	echo $long
	EOF
	inetd_run openbsd-inetd-ll
	UDP[openbsd-inetd-ll]=$p
}

# tcpserver: -c and -b lifted; -H -R -l0: no DNS or ident lookups.  TCP only.
start_tcpserver() {
	peer tcpserver ucspi-tcp usr/bin/tcpserver || return
	bg "$work/tcpserver.log" "$PEER_BIN" -1 -HRl0 -c 100000 -b 4096 \
	    127.0.0.1 0 "$echo"
	SPID[tcpserver]=$BG_PID
	wait_for "$work/tcpserver.log" '^[0-9]+$' ||
	    { STATUS[tcpserver]="tcpserver did not start"; return; }
	TCP[tcpserver]=$(head -n 1 "$work/tcpserver.log")
}

# ipsvd: tcpsvd with -c and -b lifted; udpsvd, always `dgram wait`-like,
# runs the echo that answers one datagram.
start_ipsvd() {
	local tbin p
	peer ipsvd ipsvd usr/bin/tcpsvd || return
	tbin=$PEER_BIN
	peer ipsvd ipsvd usr/bin/udpsvd || return
	p=$(freeport) || { STATUS[ipsvd]="missing: no free port"; return; }
	bg "$work/tcpsvd.log" "$tbin" -l0 -c 100000 -b 4096 127.0.0.1 "$p" \
	    "$echo"
	SPID[ipsvd]=$BG_PID
	bg "$work/udpsvd.log" "$PEER_BIN" -l0 127.0.0.1 "$p" "$echo" $once
	SPID[ipsvd]="${SPID[ipsvd]} $BG_PID" FPID[ipsvd]=$BG_PID
	TCP[ipsvd]=$p UDP[ipsvd]=$p
}

start_udpsvd_ll() {
	local p
	peer udpsvd-ll ipsvd usr/bin/udpsvd || return
	p=$(freeport) || { STATUS[udpsvd-ll]="missing: no free port"; return; }
	bg "$work/udpsvd-ll.log" "$PEER_BIN" -l0 127.0.0.1 "$p" "$echo" \
	    $long
	SPID[udpsvd-ll]=$BG_PID FPID[udpsvd-ll]=$BG_PID
	UDP[udpsvd-ll]=$p
}

# Debian builds busybox without its inetd applet: bench/busybox.sh builds
# inetd, tcpsvd and udpsvd from Debian's source package, once, into
# .cache/peers/busybox-src/.  BB is that binary, or empty with BB_WHY.
BB='' BB_WHY=''
busybox_build() {
	local d=$peers_dir/busybox-src
	if [ -e "$d/.done" ] && [ -x "$d/busybox" ]; then
		BB=$d/busybox
	elif [ -e "$d.failed" ]; then
		BB_WHY="$(cat "$d.failed") on an earlier run (remove\
 ${d#"$top"/}.failed to try again)"
	elif BB=$("$bench/busybox.sh"); [ -n "$BB" ]; then
		:
	else
		BB_WHY=$(cat "$d.failed" 2>/dev/null)
		BB_WHY=${BB_WHY:-bench/busybox.sh failed}
	fi
}

# bb_row ROW: true with BB built, else ROW is missing with the reason.
bb_row() {
	[ -n "$BB" ] && return 0
	STATUS[$1]="missing: $BB_WHY"
	return 1
}

# bb_inetd ROW: busybox inetd in the foreground (-f), logging to stderr
# (-e), with the listen queue of the others (-q 4096).  Its only rate
# limit, -R (connections a minute before a service pauses), is 0, off,
# unless given, and a `nowait.N` suffix would set it per line: neither is.
bb_inetd() {
	bg "$work/$1.log" "$BB" inetd -f -e -q 4096 "$work/$1.conf"
	SPID[$1]=$BG_PID FPID[$1]=$BG_PID
}

start_busybox_inetd() {
	local p
	bb_row busybox-inetd || return
	p=$(freeport) ||
	    { STATUS[busybox-inetd]="missing: no free port"; return; }
	cat >"$work/busybox-inetd.conf" <<-EOF
	127.0.0.1:$p	stream	tcp	nowait	$me	$echo	echo
	127.0.0.1:$p	dgram	udp	wait	$me	$echo	echo $once
	EOF
	bb_inetd busybox-inetd
	TCP[busybox-inetd]=$p UDP[busybox-inetd]=$p
}

start_busybox_inetd_ll() {
	local p
	bb_row busybox-inetd-ll || return
	p=$(freeport) ||
	    { STATUS[busybox-inetd-ll]="missing: no free port"; return; }
	cat >"$work/busybox-inetd-ll.conf" <<-EOF
	127.0.0.1:$p	dgram	udp	wait	$me	$echo	echo $long
	EOF
	bb_inetd busybox-inetd-ll
	UDP[busybox-inetd-ll]=$p
}

# busybox's tcpsvd and udpsvd: -c (30 by default) and tcpsvd's -b (20)
# lifted, -l0: no DNS lookup of the local name.
start_busybox_svd() {
	local p
	bb_row busybox-svd || return
	p=$(freeport) || { STATUS[busybox-svd]="missing: no free port"; return; }
	bg "$work/busybox-tcpsvd.log" "$BB" tcpsvd -c 100000 -b 4096 -l0 \
	    127.0.0.1 "$p" "$echo"
	SPID[busybox-svd]=$BG_PID
	bg "$work/busybox-udpsvd.log" "$BB" udpsvd -c 100000 -l0 127.0.0.1 \
	    "$p" "$echo" $once
	SPID[busybox-svd]="${SPID[busybox-svd]} $BG_PID" FPID[busybox-svd]=$BG_PID
	TCP[busybox-svd]=$p UDP[busybox-svd]=$p
}

start_busybox_udpsvd_ll() {
	local p
	bb_row busybox-udpsvd-ll || return
	p=$(freeport) ||
	    { STATUS[busybox-udpsvd-ll]="missing: no free port"; return; }
	bg "$work/busybox-udpsvd-ll.log" "$BB" udpsvd -c 100000 -l0 \
	    127.0.0.1 "$p" "$echo" $long
	SPID[busybox-udpsvd-ll]=$BG_PID FPID[busybox-udpsvd-ll]=$BG_PID
	UDP[busybox-udpsvd-ll]=$p
}

# listening tcp|udp PORT: true when something is bound to 127.0.0.1:PORT.
listening() {
	local hex
	hex=$(printf '%04X' "$2")
	grep -Eq "^ *[0-9]+: 0100007F:$hex 00000000:0000 (0A|07) " \
	    "/proc/net/$1" 2>/dev/null
}

# answers tcp|udp PORT: waits up to 5 s for the port to be bound, then for
# one echo (3 s at most); else prints how it failed (loadgen's error
# classes, or its message) and fails.
answers() {
	local u= out why
	[ "$1" = udp ] && u=-u
	for _ in $(seq 50); do
		listening "$1" "$2" && break
		sleep 0.1
	done
	out=$("$loadgen" $u -n 1 -t 3000 127.0.0.1 "$2" 2>&1) &&
	    grep -q ' conns=1 ' <<<"$out" && return 0
	why=$(grep -Eo '(refused|reset|timeout|short|wrong|other)=[1-9][0-9]*' \
	    <<<"$out" | tr '\n' ' ')
	[ -n "$why" ] || why=$(tr '\n' ' ' <<<"$out" | head -c 200)
	why=${why% }
	listening "$1" "$2" || why="nothing bound to port $2${why:+; $why}"
	printf '%s' "$why"
	return 1
}

busybox_build
say "$(date -u '+%F %T') UTC: starting servers (handler: $echo, $echo_kind)"
for r in $rows; do
	STATUS[$r]=
	TCP[$r]=- UDP[$r]=- UWHY[$r]= SPID[$r]= FPID[$r]=
	start_"${r//-/_}"
done

# Every server must answer once on each port before it is measured.  A row
# whose TCP does not answer is missing; one whose UDP does not answer loses
# its UDP cells (the whole row when it has no TCP), and says why.
for r in $rows; do
	[ -z "${STATUS[$r]}" ] || continue
	case ${TCP[$r]} in
	-|spawn|spawnP) ;;
	*)
		if ! out=$(answers tcp "${TCP[$r]}"); then
			STATUS[$r]="missing: does not answer TCP: $out"
			continue
		fi
		;;
	esac
	case ${UDP[$r]} in
	-|spawn|spawnP) ;;
	*)
		out=$(answers udp "${UDP[$r]}") && continue
		if [ "${TCP[$r]}" = - ]; then
			STATUS[$r]="missing: does not answer UDP: $out"
		else
			UDP[$r]=x UWHY[$r]="does not answer: $out"
			say "${LABEL[$r]}: UDP does not answer: $out"
		fi
		;;
	esac
done
for r in $rows; do
	[ -n "${STATUS[$r]}" ] && say "${LABEL[$r]}: ${STATUS[$r]}"
done

# Handler processes per UDP reply: perf counts the forks of the process
# that starts the handlers.  A tracepoint counter, not ptrace: the server
# runs at full speed.  Without perf the table says why they are not counted.
fork_event=sched:sched_process_fork

# forks_in FILE: the count in perf stat -x, output; "<not counted>" is a
# server that did not run during the cell, so forked nothing; else "-".
forks_in() {
	[ -s "$1" ] || { echo -; return; }
	awk -F, -v ev="$fork_event" '
	    $3 == ev { n = $1 ~ /^[0-9]+$/ ? $1 : $1 == "<not counted>" ? 0 : "-" }
	    END { print n == "" ? "-" : n }' "$1"
}

perf_why=
if ! command -v perf >/dev/null 2>&1; then
	perf_why="no perf(1) here"
elif ! timeout -k 2 10 perf stat -x, -e "$fork_event" -p $$ \
    -o "$work/perf" -- true >/dev/null 2>&1 ||
    [ "$(forks_in "$work/perf")" = - ]; then
	perf_why="perf stat cannot count $fork_event here (root, or\
 kernel.perf_event_paranoid -1)"
fi
[ -z "$perf_why" ] || say "handler forks not counted: $perf_why"

# measure ROW CELL PORT: one run, one loadgen line on stdout (or nothing);
# UDP lines end with forks=N when perf counted them.
measure() {
	local r=$1 cell=$2 port=$3 u='' c lim=$((secs + 20)) out
	case $cell in u*) u=-u ;; esac
	c=${cell#?}
	if [ "$port" = spawn ] || [ "$port" = spawnP ]; then
		[ "$port" = spawn ] || u="$u -P"
		timeout -k 2 "$lim" "$ceiling" spawn $u -c "$c" -d "$secs" \
		    -t "$tmo" -s "$size" "$echo"
		return
	fi
	if [ -z "$u" ] || [ -z "${FPID[$r]}" ] || [ -n "$perf_why" ]; then
		timeout -k 2 "$lim" "$loadgen" $u -c "$c" -d "$secs" \
		    -t "$tmo" -s "$size" 127.0.0.1 "$port"
		return
	fi
	rm -f "$work/perf"
	out=$(timeout -k 2 "$lim" perf stat -x, -e "$fork_event" \
	    -p "${FPID[$r]}" -o "$work/perf" -- "$loadgen" -u -c "$c" \
	    -d "$secs" -t "$tmo" -s "$size" 127.0.0.1 "$port") || return 1
	[ -n "$out" ] || return 1
	printf '%s forks=%s\n' "$out" "$(forks_in "$work/perf")"
}

cells="t1 t16 u1 u16"
raw=$work/raw
: >"$raw"
active=
ncells=0
for r in $rows; do
	[ -z "${STATUS[$r]}" ] || continue
	active="$active $r"
	for p in "${TCP[$r]}" "${TCP[$r]}" "${UDP[$r]}" "${UDP[$r]}"; do
		case $p in -|x) ;; *) ncells=$((ncells + 1)) ;; esac
	done
done
say "$rounds rounds of $ncells cells ($(wc -w <<<"$active") rows), ${secs} s\
 each, interleaved"
# Each block of cells (a round's t1, t16, u1 or u16) takes the rows in
# another order: a cell runs in what the one before it left (its handlers
# still exiting, its sockets in TIME_WAIT, a row's timeouts), so a fixed
# order, or one only rotated, gives each row the same neighbour every
# time.  A block walks the table with a stride prime to its size, from
# its own start: every row comes once, after a different row block to
# block, and the starts spread over the table.
gcd() {
	local a=$1 b=$2 t
	while [ "$b" -ne 0 ]; do t=$((a % b)) a=$b b=$t; done
	echo "$a"
}
read -ra act <<<"$active"
nact=${#act[@]}
blk=0 stride=0
for round in $(seq "$rounds"); do
	for cell in $cells; do
		off=$((blk * nact / (rounds * 4)))
		blk=$((blk + 1))
		stride=$((stride + 1))
		while [ "$(gcd "$stride" "$nact")" -ne 1 ]; do
			stride=$((stride + 1))
		done
		order=()
		for ((i = 0; i < nact; i++)); do
			order+=("${act[(off + i * stride) % nact]}")
		done
		for r in "${order[@]}"; do
			case $cell in
			u*) port=${UDP[$r]} ;;
			*) port=${TCP[$r]} ;;
			esac
			# A cell the row does not serve starts nothing: no time.
			case $port in -|x) continue ;; esac
			line=$(measure "$r" "$cell" "$port" 2>"$work/err") ||
			    say "${LABEL[$r]} $cell: failed: $(head -c 200 "$work/err")"
			[ -n "$line" ] && echo "$round $r $cell $line" >>"$raw"
		done
	done
	say "round $round done, $(($(date +%s) - t_start)) s"
done

# What superd said while under load, beyond its start-up lines.
for r in superd-ext superd-vfork superd-spare superd-static superd-int \
    superd-once superd-ll; do
	[ -e "$work/$r.log" ] || continue
	n=$(grep -Evc ': listening on |: serving, pid ' "$work/$r.log")
	[ "$n" -eq 0 ] && continue
	say "${LABEL[$r]} logged $n lines under load, first ones:"
	grep -Ev ': listening on |: serving, pid ' "$work/$r.log" | head -n 3 >&2
done

# mem_sample ROW: keeps in PSS[ROW] and PRIV[ROW] the largest Pss and
# Private_Clean + Private_Dirty (kB, /proc/PID/smaps_rollup) seen so far
# of ROW's server processes.  Private pages are the server's own; Pss
# adds its share of the pages it shares (libc's, mostly).
declare -A PSS PRIV
mem_sample() {
	local p v pss priv
	for p in ${SPID[$1]}; do
		v=$(awk '$1 == "Pss:" { s = $2 }
		    $1 ~ /^Private_(Clean|Dirty):$/ { q += $2 }
		    END { if (s != "") print s, q }' \
		    "/proc/$p/smaps_rollup" 2>/dev/null)
		[ -n "$v" ] || continue
		read -r pss priv <<<"$v"
		[ "$pss" -gt "${PSS[$1]:-0}" ] && PSS[$1]=$pss
		[ "$priv" -gt "${PRIV[$1]:-0}" ] && PRIV[$1]=$priv
	done
}

# The memory targets are with 64 handlers running: one burst at
# concurrency 64 against every server that spawns per TCP connection,
# its memory sampled during the burst, then the peaks.  The other rows'
# memory is sampled once, idle.
for r in $active; do
	if [ "${KIND[$r]}" != spawn ] || [ -z "${SPID[$r]}" ]; then
		mem_sample "$r"
		continue
	fi
	case ${TCP[$r]} in -|x) mem_sample "$r"; continue ;; esac
	timeout -k 2 20 "$loadgen" -c 64 -d 1 -t "$tmo" -s "$size" 127.0.0.1 \
	    "${TCP[$r]}" >/dev/null 2>&1 &
	burst=$!
	for _ in 1 2 3 4; do
		sleep 0.2
		mem_sample "$r"
	done
	wait "$burst" ||
	    say "${LABEL[$r]}: the c64 burst for its peak memory failed"
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
txt=$bench/results/bench-$stamp.txt
svg=$bench/results/bench-$stamp.svg
meta=$work/meta
for r in $rows; do
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" \
	    "${LABEL[$r]}" "${KIND[$r]}" "${RSS[$r]}" "${TCP[$r]}" \
	    "${UDP[$r]}" "${STATUS[$r]:-ok}" "${UWHY[$r]}" "${PRIV[$r]:--}" \
	    "${PSS[$r]:--}"
done >"$meta"

# The medians, the ratios, the table, the targets and the TSV, from the
# raw lines; the table is printed and kept beside the TSV.
awk -v meta="$meta" -v tsv="$tsv" -v peers="$peers" -v rounds="$rounds" \
    -v secs="$secs" -v size="$size" -v when="$(date -u '+%F %T UTC')" \
    -v handler="$echo_kind" -v host="$(uname -srm), $(nproc) cpus" \
    -v once="$once" -v long="$long" -v forknote="$perf_why" \
    -f "$bench/report.awk" "$raw" >"$txt" || exit 1
cat "$txt"
echo
echo "TSV: ${tsv#"$top"/}"
echo "table: ${txt#"$top"/}"
# The chart is another script's (bench/chart.awk: TSV in, SVG out).
if [ -e "$bench/chart.awk" ]; then
	if awk -f "$bench/chart.awk" "$tsv" >"$svg" && [ -s "$svg" ]; then
		echo "chart: ${svg#"$top"/}"
	else
		rm -f "$svg"
		say "bench/chart.awk failed: no chart"
	fi
fi
say "done in $(($(date +%s) - t_start)) s"
