# bench/nginx.sh: sourced by bench/httpget.sh and bench/compressed.sh, the
# nginx they download from and the median they print.  Expects top (the
# source tree) and work (a scratch folder, removed by the caller) set, and
# sets nginx (the binary), port and pid (while it runs).
#   nginx_find                 0 when .cache/peers holds an nginx
#   nginx_start [HTTP-LINE..]  nginx in the foreground on a free loopback
#                              port serving $work/www, every path in $work,
#                              with the lines given added to its http block;
#                              1 when it does not answer within 5 s, three
#                              times over
#   nginx_stop                 SIGTERM by its PID, SIGKILL after 5 s
#   median                     the median of the numbers on stdin

nginx_find() {
	nginx=$top/.cache/peers/nginx/usr/sbin/nginx
	[ -x "$nginx" ] || nginx=$top/.cache/peers/nginx-light/usr/sbin/nginx
	[ -x "$nginx" ]
}

# A free loopback port: bound to 0, read, closed; nginx binds it next,
# and a start that loses the port to someone else is tried again.
nginx_freeport() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# nginx_conf [HTTP-LINE..]: the configuration, on stdout.
nginx_conf() {
	[ "$(id -u)" -eq 0 ] && echo "user root;"
	printf 'worker_processes 1;\npid %s/nginx.pid;\n' "$work"
	printf 'error_log %s/logs/error.log;\n' "$work"
	printf 'events { worker_connections 64; }\nhttp {\n\taccess_log off;\n'
	for t in client_body proxy fastcgi uwsgi scgi; do
		printf '\t%s_temp_path %s/%s;\n' "$t" "$work" "$t"
	done
	printf '\tdefault_type application/octet-stream;\n\tsendfile on;\n'
	for l in "$@"; do
		printf '\t%s\n' "$l"
	done
	printf '\tserver { listen 127.0.0.1:%s; root %s/www; }\n}\n' \
	    "$port" "$work"
}

nginx_start() {
	mkdir -p "$work/www" "$work/logs" || return 1
	for try in 1 2 3; do
		port=$(nginx_freeport) || return 1
		nginx_conf "$@" >"$work/nginx.conf" || return 1
		"$nginx" -e "$work/logs/error.log" -p "$work" \
		    -c "$work/nginx.conf" -g 'daemon off;' </dev/null \
		    >"$work/server.log" 2>&1 &
		pid=$!
		i=0
		while [ "$i" -lt 50 ]; do
			kill -0 "$pid" 2>/dev/null || break
			curl -s -o /dev/null -m 1 "http://127.0.0.1:$port/" &&
			    return 0
			sleep 0.1
			i=$((i + 1))
		done
		nginx_stop
	done
	echo "bench: nginx did not start:" >&2
	cat "$work/server.log" "$work/logs/error.log" >&2
	return 1
}

nginx_stop() {
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
}

median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
