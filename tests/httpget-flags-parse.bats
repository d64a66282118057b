#!/usr/bin/env bats
# httpget's command line (SPEC section 3, issue 15: /tmp/h15/spec15.md):
# -V, --help, curl's long names, prefixes, bundles and attached values,
# "--", options after the URL, and -w with real transfers (wout.c alone is
# httpget-wout.bats'); the other options are in httpget-flags.bats.
# Against tests/helpers/rawhttp on loopback ephemeral ports; each test
# checks exact bytes and the exit status.  Where curl 7.88 differs from
# the decisions of issue 15, the comment says so.

load helpers/common
load helpers/httpget
load helpers/httpget-flags

setup() {
	hg_setup
}

teardown() {
	hg_teardown
}

# --- -V, --help --------------------------------------------------------------

@test "-V and --version print the version, protocols and features" {
	hg -V
	expect 0 "httpget 0.1\nProtocols: http\nFeatures: IPv6\n"
	hg --version
	expect 0 "httpget 0.1\nProtocols: http\nFeatures: IPv6\n"
}

@test "--help has a line for every long option" {
	local n
	hg --help
	[ "$status" -eq 0 ]
	for n in request data data-ascii data-binary data-raw data-urlencode \
	    form form-string upload-file get fail fail-with-body no-fail \
	    show-error remote-name remote-name-all output-dir create-dirs \
	    user-agent referer user dump-header max-filesize proxy noproxy \
	    version write-out ipv4 ipv6 header head include location max-time \
	    output silent verbose connect-timeout max-redirs help; do
		grep -Eq -- "(^|[ ,])--$n( |=|,|$)" "$OUT" ||
		    { echo "no --$n in --help"; return 1; }
	done
}

# --- how options are parsed --------------------------------------------------

# pair_run DIR ARGS...: hg_in DIR ARGS, the URL last unless ARGS end in
# "!"; leaves the header block of the request it made, the boundary
# blanked, in DIR.req.
pair_run() {
	local dir=$1 n0 n1 url=("http://127.0.0.1:$PORT/d/name.txt")
	shift
	if [ "${!#}" = "!" ]; then
		url=()
		set -- "${@:1:$#-1}"
	fi
	n0=$(nreq || true)
	hg_in "$dir" "$@" "${url[@]}"
	n1=$(nreq || true)
	: >"$dir.req"
	if [ "$n1" -gt "$n0" ]; then
		sed -e '/^\r$/q' -e 's/boundary=.*/boundary=B/' "$REQ/req.$n1" \
		    >"$dir.req"
	fi
}

@test "every short option is also taken by its long name" {
	local short long sargs largs sst
	raw_start clen
	printf 'up\n' >"$T/up.txt"
	while IFS='|' read -r short long; do
		rm -rf "$T/s" "$T/l"
		mkdir "$T/s" "$T/l"
		eval "sargs=($short)"
		eval "largs=($long)"
		pair_run "$T/s" "${sargs[@]}"
		sst=$status
		cp "$OUT" "$T/s.out"
		pair_run "$T/l" "${largs[@]}"
		[ "$sst" -ne 2 ] && [ "$status" -eq "$sst" ] ||
		    { echo "$short: $sst, $long: $status"; return 1; }
		cmp "$T/s.out" "$OUT" && cmp "$T/s.req" "$T/l.req" &&
		    diff -r "$T/s" "$T/l" || { echo "$short != $long"; return 1; }
	done <<-'PAIRS'
	-X PUT|--request PUT
	-d a=1|--data a=1
	-F a=1|--form a=1
	-T "$T/up.txt"|--upload-file "$T/up.txt"
	-G -d a=1|--get -d a=1
	-f|--fail
	-S|--show-error
	-O|--remote-name
	-A ag/1|--user-agent ag/1
	-e http://r/|--referer http://r/
	-u a:b|--user a:b
	-D hdr|--dump-header hdr
	-x "127.0.0.1:$PORT"|--proxy "127.0.0.1:$PORT"
	-w '%{http_code}'|--write-out '%{http_code}'
	-o out|--output out
	-H 'X-A: 1'|--header 'X-A: 1'
	-i|--include
	-I|--head
	-s|--silent
	-v|--verbose
	-L|--location
	-4|--ipv4
	-6|--ipv6
	-m 20|--max-time 20
	-V !|--version !
	-h !|--help !
	PAIRS
}

@test "an unambiguous prefix is taken; an exact name beats longer ones" {
	raw_start clen
	hg --incl "http://127.0.0.1:$PORT/"
	expect 0 "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nhello, world\n"
	hg --user-ag ag/2 --refe http://r/ --max-fi 2k "http://127.0.0.1:$PORT/"
	expect 0 "hello, world\n"
	grep -q $'^User-Agent: ag/2\r$' "$REQ/req.2"
	grep -q $'^Referer: http://r/\r$' "$REQ/req.2"
	hg --user a:b --data a=1 --fail "http://127.0.0.1:$PORT/"
	expect 0 "hello, world\n"
	[ "$(reqline 3)" = "POST / HTTP/1.1" ]
	grep -q $'^Authorization: Basic YTpi\r$' "$REQ/req.3"
	grep -q $'^Content-Length: 3\r$' "$REQ/req.3"
	mkdir "$T/dl"
	hg_in "$T/dl" --remote-name "http://127.0.0.1:$PORT/p/n.txt"
	expect 0 ""
	same "$T/dl/n.txt" "hello, world\n"
}

@test "an ambiguous prefix exits 2 naming the candidates" {
	raw_start clen
	hg --dat x "http://127.0.0.1:$PORT/"
	expect 2 "" "httpget: option --dat: is ambiguous (--data, --data-ascii, --data-binary, --data-raw, --data-urlencode)"
	hg --dat=x "http://127.0.0.1:$PORT/"
	expect 2 "" "httpget: option --dat: is ambiguous (--data, --data-ascii, --data-binary, --data-raw, --data-urlencode)"
	hg --no "http://127.0.0.1:$PORT/"
	expect 2 "" "httpget: option --no: is ambiguous (--no-fail, --noproxy)"
	[ "$(nreq)" -eq 0 ]
}

@test "an unknown option exits 2, suggesting the nearest name" {
	raw_start clen
	hg --dta x "http://127.0.0.1:$PORT/"
	expect 2 "" "httpget: option --dta: is unknown; did you mean --data?"
	hg --lcation "http://127.0.0.1:$PORT/"
	expect 2 "" "httpget: option --lcation: is unknown; did you mean --location?"
	hg --zqxwvjk "http://127.0.0.1:$PORT/"
	[ "$status" -eq 2 ]
	one_line "httpget: option --zqxwvjk: is unknown"
	hg "http://127.0.0.1:$PORT/" -o
	expect 2 "" "httpget: option -o: needs an argument (FILE)"
	[ "$(nreq)" -eq 0 ]
}

@test "-- ends the options: what follows is the URL" {
	raw_start clen
	hg -s -- "http://127.0.0.1:$PORT/"
	expect 0 "hello, world\n"
	# curl too takes "-s" as a host name here (curl: (6)).
	hg -- -s
	expect 6 "" "httpget: -s: unknown host"
	# after --, "-o" and the name are URLs too: the last failure's exit
	hg -- "http://127.0.0.1:$PORT/" -o "$T/f"
	[ "$status" -eq 3 ]	# the last URL, "$T/f", has no host name
	[ ! -e "$T/f" ]
	[ "$(nreq)" -eq 2 ]
}

@test "options after the URL are taken" {
	raw_start clen
	hg "http://127.0.0.1:$PORT/" -o "$T/f"
	expect 0 ""
	same "$T/f" "hello, world\n"
	hg "http://127.0.0.1:$PORT/" -s -i
	expect 0 "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nhello, world\n"
}

@test "-ofile, --output=file, --name=value, and bundles like -sSfL" {
	raw_start clen
	hg "-o$T/f1" "http://127.0.0.1:$PORT/"
	expect 0 ""
	same "$T/f1" "hello, world\n"
	hg "--output=$T/f2" --user-agent=ag/3 --max-filesize=1k "http://127.0.0.1:$PORT/"
	expect 0 ""
	same "$T/f2" "hello, world\n"
	grep -q $'^User-Agent: ag/3\r$' "$REQ/req.2"
	hg -sSfL "http://127.0.0.1:$PORT/"
	expect 0 "hello, world\n"
	hg -sLo "$T/f3" "http://127.0.0.1:$PORT/"
	expect 0 ""
	same "$T/f3" "hello, world\n"
	hg "-sSfLo$T/f4" "http://127.0.0.1:$PORT/"
	expect 0 ""
	same "$T/f4" "hello, world\n"
	hg "-Aag/4" "-ehttp://r/" "http://127.0.0.1:$PORT/"
	expect 0 "hello, world\n"
	grep -q $'^User-Agent: ag/4\r$' "$REQ/req.6"
	grep -q $'^Referer: http://r/\r$' "$REQ/req.6"
}

@test "two URLs are fetched in order, each its own request" {
	raw_start clen
	hg "http://127.0.0.1:$PORT/1" "http://127.0.0.1:$PORT/2"
	expect 0 "hello, world\nhello, world\n"
	[ "$(nreq)" -eq 2 ]
	[ "$(reqline 1)" = "GET /1 HTTP/1.1" ]
	[ "$(reqline 2)" = "GET /2 HTTP/1.1" ]
	grep -q $'^Connection: keep-alive\r$' "$REQ/req.1"
}

# --- -w ----------------------------------------------------------------------

@test "-w '%{http_code}' after a 200, a 404, and no response at all" {
	local port
	raw_start clen
	hg -w '%{http_code}' "http://127.0.0.1:$PORT/"
	expect 0 "hello, world\n200"
	RAW_REQ=$T/req2 raw_start notfound
	hg -w '%{http_code}|%{response_code}\n' "http://127.0.0.1:$PORT/"
	expect 22 "not here\r\n404|404\n" "httpget: 127.0.0.1:$PORT: server returned 404 Not Found"
	hg -f -w '%{http_code} %{exitcode}\n' "http://127.0.0.1:$PORT/"
	expect 22 "404 22\n" "httpget: 127.0.0.1:$PORT: server returned 404 Not Found"
	# curl prints these two codes with three digits: 000 for no response.
	port=$(free_port)
	hg -w '%{http_code}|%{response_code}|%{exitcode}|%{http_version}\n' \
	    "http://127.0.0.1:$port/"
	expect 7 "000|000|7|0\n" "httpget: 127.0.0.1:$port: connection refused"
}

@test "-w '%{json}' is one object: keys sorted, numbers, null" {
	raw_start moved final
	hg -L -o "$T/o" -w '%{json}' "http://127.0.0.1:$PORT/a/b/c"
	[ "$status" -eq 0 ]
	same "$T/o" "the final page\n"
	python3 - "$OUT" "$PORT" "$T/o" <<-'PY'
	import json, re, sys
	text = open(sys.argv[1]).read()
	port = int(sys.argv[2])
	pairs = json.loads(text, object_pairs_hook=lambda p: p)
	keys = [k for k, _ in pairs]
	assert keys == sorted(keys), keys
	d = dict(pairs)
	url = "http://127.0.0.1:%d/a/b/c" % port
	want = {"url": url, "url_effective": "http://127.0.0.1:%d/a/final?x=1"
	    % port, "num_redirects": 1, "size_download": 15, "http_code": 200,
	    "response_code": 200, "remote_port": port, "remote_ip": "127.0.0.1",
	    "local_ip": "127.0.0.1", "exitcode": 0, "errormsg": None,
	    "filename_effective": sys.argv[3], "method": "GET",
	    "http_version": "1.1", "redirect_url": None, "num_connects": 2,
	    "size_upload": 0, "referer": None, "content_type": None}
	for k, v in want.items():
	    assert d[k] == v and type(d[k]) == type(v), (k, d[k], v)
	assert isinstance(d["local_port"], int) and d["local_port"] > 0
	for k in ("time_namelookup", "time_connect", "time_pretransfer",
	    "time_starttransfer", "time_redirect", "time_total"):
	    assert re.search('"%s":[0-9]+\\.[0-9]{6}[,}]' % k, text), k
	PY
}

@test "-w '%{json}' after a 404 has exitcode 22; -O fills filename_effective" {
	raw_start notfound
	hg -o /dev/null -w '%{json}' "http://127.0.0.1:$PORT/"
	[ "$status" -eq 22 ]
	[ "$(json_get exitcode)" = 22 ]
	[ "$(json_get http_code)" = 404 ]
	[ "$(json_get size_download)" = 10 ]
	[ "$(json_get content_type)" = "'text/plain'" ]
	[ "$(json_get errormsg)" = "'127.0.0.1:$PORT: server returned 404 Not Found'" ]
	RAW_REQ=$T/req2 raw_start clen
	mkdir "$T/dl"
	hg_in "$T/dl" -O -w '%{json}' "http://127.0.0.1:$PORT/p/n.txt"
	[ "$status" -eq 0 ]
	[ "$(json_get filename_effective)" = "'n.txt'" ]
	[ "$(json_get size_download)" = 13 ]
}

@test "-w %header{NAME}: the last response's, any case, several joined" {
	raw_start f15-headers
	hg -o /dev/null -w '[%header{x-multi}][%header{Content-Type}][%header{none}]\n' \
	    "http://127.0.0.1:$PORT/"
	# curl 7.88 prints only the first X-Multi; issue 15 joins them.
	expect 0 "[one, two][text/html; charset=utf-8][]\n"
	RAW_REQ=$T/req2 raw_start moved final
	hg -L -o /dev/null -w '[%header{location}][%header{content-length}]' \
	    "http://127.0.0.1:$PORT/a/b/c"
	expect 0 "[][15]"
}

@test "-w %{stderr} and %{stdout} switch where the rest goes" {
	raw_start clen
	hg -w 'a%{stderr}b\n%{stdout}c\n' "http://127.0.0.1:$PORT/"
	[ "$status" -eq 0 ]
	same "$OUT" "hello, world\nac\n"
	same "$ERR" "b\n"
}

@test "-w @FILE and @- read the format; escapes" {
	raw_start clen
	printf '%%{http_code} x\\ty\\\\z%%%% %%{method}\\n' >"$T/fmt"
	hg -o /dev/null -w "@$T/fmt" "http://127.0.0.1:$PORT/"
	expect 0 "200 x\ty\\\\z% GET\n"
	hg_stdin "$T/fmt" -o /dev/null -w @- "http://127.0.0.1:$PORT/"
	expect 0 "200 x\ty\\\\z% GET\n"
	# curl 7.88 -s takes an unreadable @FILE for an empty format, exit 0;
	# httpget refuses it before connecting, as it refuses -d @FILE.
	hg -o /dev/null -w "@$T/nofmt" "http://127.0.0.1:$PORT/"
	expect 26 "" "httpget: -w $T/nofmt: cannot read: No such file or directory"
	[ "$(nreq)" -eq 2 ]
}

@test "an unknown -w variable is a warning, and the rest is written" {
	raw_start clen
	hg -o /dev/null -w 'a%{nosuch}b%{http_code}\n' "http://127.0.0.1:$PORT/"
	expect 0 "ab200\n" "httpget: unknown --write-out variable: 'nosuch'"
}
