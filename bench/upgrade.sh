#!/bin/sh
# bench/upgrade.sh: how long superd's upgrade in place takes, from SIGUSR2
# to the new image's "serving" line, and how long a SIGHUP of a 1,000-entry
# key-values file takes to its "reloaded" line: 20 of each, median, min and
# max.  Runs superd on loopback port 0 from a temporary folder; part of
# `make bench`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
superd=$top/superd/superd
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
me=$(id -un)
n=0
while [ $n -lt 1000 ]; do
	printf '127.0.0.1:0 on socktype=stream, protocol=tcp4, wait=no,\n    user=%s, exec=%s, args=echo, env=N=%d, umask=022;\n' \
	    "$me" "$top/handlers/echo" "$n"
	n=$((n + 1))
done >"$tmp/big.conf"
printf '127.0.0.1:0 stream tcp4 nowait %s %s echo\n127.0.0.1:0 dgram udp4 nowait %s internal echo\n' \
    "$me" "$top/handlers/echo" "$me" >"$tmp/small.conf"

# measure CONF SIGNAL LINE WHAT: starts superd on CONF, sends SIGNAL 20
# times, each time waiting for one more LINE in its log.
measure() {
	"$superd" "$1" >"$tmp/log" 2>&1 &
	pid=$!
	python3 - "$pid" "$tmp/log" "$2" "$3" "$4" <<'PY'
import os, signal, sys, time
pid, log, sig, line, what = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
def count(l=line):
    with open(log, errors="replace") as f:
        return f.read().count(l)
t0 = time.monotonic()
while count(": serving, pid ") == 0:
    if time.monotonic() - t0 > 30:
        sys.exit("superd did not start")
    time.sleep(0.001)
times = []
for _ in range(20):
    n = count()
    t0 = time.monotonic()
    os.kill(pid, getattr(signal, sig))
    while count() == n:
        if time.monotonic() - t0 > 10:
            sys.exit("no %s after 10 s" % line)
        time.sleep(0.0002)
    times.append((time.monotonic() - t0) * 1000)
    time.sleep(0.05)
times.sort()
print("%-44s median %6.1f ms  min %6.1f  max %6.1f" % (what,
    (times[9] + times[10]) / 2, times[0], times[-1]))
PY
	kill "$pid"
	wait "$pid" || true
	pid=
}

measure "$tmp/small.conf" SIGUSR2 ': serving, pid ' 'upgrade, SIGUSR2 to serving (2 services)'
measure "$tmp/big.conf" SIGUSR2 ': serving, pid ' 'upgrade, SIGUSR2 to serving (1,000 services)'
measure "$tmp/big.conf" SIGHUP ': reloaded: ' 'reload of 1,000 key-values entries'
