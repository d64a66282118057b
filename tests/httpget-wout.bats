#!/usr/bin/env bats
# httpget -w FORMAT (spec15.md), clients/wout.c through tests/helpers/
# woutdump: a struct xfer of fixed figures (a GET of 1234 bytes in 0.617 s,
# see woutdump.c), changed by NAME=VALUE arguments, written for a format.
# Each test checks the exact bytes on stdout and on stderr.

load helpers/common
load helpers/httpget

WOUTDUMP=$ROOT/tests/helpers/woutdump

# The variables of spec15.md.
SPECVARS="http_code response_code http_version method scheme size_download
size_upload size_header size_request speed_download speed_upload
time_namelookup time_connect time_pretransfer time_starttransfer
time_redirect time_total num_connects num_redirects num_headers redirect_url
url url_effective content_type referer remote_ip remote_port local_ip
local_port exitcode errormsg filename_effective"

setup() {
	hg_setup
	[ -x "$WOUTDUMP" ] || {
		echo "build it first: make tests/helpers/woutdump" >&2
		return 1
	}
}

teardown() {
	hg_teardown
}

# wd ARGS...: runs woutdump, stdout into $OUT, stderr into $ERR, stdin
# from /dev/null.
wd() {
	status=0
	timeout -k 5 30 "$WOUTDUMP" "$@" >"$OUT" 2>"$ERR" </dev/null ||
	    status=$?
}

@test "-w writes each variable as curl prints it" {
	local v want line n=0
	while read -r v want; do
		wd "%{$v}" errormsg=boom filename_effective=out.txt \
		    redirect_url=http://127.0.0.1/next referer=http://r/
		expect 0 "$want" || { echo "variable $v"; return 1; }
		n=$((n + 1))
	done <<-'VARS'
	content_type text/plain
	errormsg boom
	exitcode 0
	filename_effective out.txt
	http_code 200
	http_version 1.1
	local_ip 127.0.0.2
	local_port 40000
	method GET
	num_connects 1
	num_headers 5
	num_redirects 0
	redirect_url http://127.0.0.1/next
	referer http://r/
	remote_ip 127.0.0.1
	remote_port 8080
	response_code 200
	scheme http
	size_download 1234
	size_header 78
	size_request 90
	size_upload 56
	speed_download 2000
	speed_upload 90
	time_connect 0.002345
	time_namelookup 0.001234
	time_pretransfer 0.003456
	time_redirect 0.000000
	time_starttransfer 0.004567
	time_total 0.617000
	url http://127.0.0.1:8080/a
	url_effective http://127.0.0.1:8080/b
	urlnum 0
	VARS
	[ "$n" -eq 33 ]
	# Every variable of the spec is in the list above.
	for v in $SPECVARS; do
		wd "%{$v}"
		same "$ERR" "" || { echo "variable $v"; return 1; }
	done
}

@test "-w after a transfer that got nowhere: 000, version 0, empty strings" {
	wd -n '%{http_code} %{response_code} %{http_version} [%{remote_ip}] [%{content_type}] %{remote_port} %{time_total} %{speed_download} %{exitcode} %{errormsg}'
	expect 0 "000 000 0 [] [] 0 0.000000 0 7 127.0.0.1:1: connection refused"
	wd '%{http_version} %{http_version}' minor=0
	expect 0 "1.0 1.0"
	wd '%{http_code}' code=7
	expect 0 "007"
}

@test "-w times: six decimals from the microseconds; negative is none" {
	wd '%{time_total} %{time_connect} %{time_redirect} %{time_namelookup}' \
	    t_total=123456789 t_connect=1 t_redirect=-1 t_namelookup=1000000
	expect 0 "123.456789 0.000001 0.000000 1.000000"
}

@test "-w speeds: whole bytes per second over the total time, 0 before any" {
	wd '%{speed_download} %{speed_upload}' t_total=0
	expect 0 "0 0"
	wd '%{speed_download} %{speed_upload}' size_download=3 size_upload=1 \
	    t_total=2000000
	expect 0 "1 0"
	# No overflow on the way: size * 10^6 passes 2^64 here.
	wd '%{speed_download}' size_download=18446744073710 t_total=3
	expect 0 "6148914691236666666"
	wd '%{speed_download}' size_download=18446744073709551615 t_total=1
	expect 0 "18446744073709551615"
	wd '%{size_download}' size_download=18446744073709551615
	expect 0 "18446744073709551615"
}

@test "-w escapes: \\n \\t \\r \\\\ and %%; other backslashes and % kept" {
	wd 'a\nb\tc\rd\\e\qf%%g\'
	expect 0 'a\nb\tc\rd\\e\\qf%g\\'
	wd '100% %x %%{http_code} %'
	expect 0 '100% %x %{http_code} %'
	wd '\\n is not \n'
	expect 0 '\\n is not \n'
}

@test "-w writes an unclosed %{ and %header{ as they are" {
	wd 'a %{http_code'
	expect 0 "a %{http_code"
	wd 'a %header{Content-Type \n'
	expect 0 'a %header{Content-Type \n'
	wd '%{'
	expect 0 "%{"
}

@test "%header{} is the last block's header, any case, values trimmed and joined" {
	wd '[%header{content-type}] [%header{CONTENT-LENGTH}] [%header{X-Multi}] [%header{x-none}] [%header{}]'
	expect 0 "[text/plain] [1234] [one, two] [] []"
	# The status line is no header; a blank line ends the block; a folded
	# line continues the one before, joined with one space as http.c
	# joins it, and is not a header of its own.
	wd '[%header{HTTP/1.1 200 a}] [%header{After}] [%header{ folded}] [%header{X}]' \
	    hdr=$'HTTP/1.1 200 a: b\r\nX:\t v1 \t\r\n folded: no \r\n\t\r\n\tend\r\nx:\r\nX: v3\n\r\nAfter: no\r\n'
	expect 0 "[] [] [] [v1 folded: no end, , v3]"
	wd '[%header{X}]' hdr=$'HTTP/1.1 200 OK\r\n continued: nothing\r\nX:\r\n  v\r\n'
	expect 0 "[v]"
	# A block that does not end, and none at all.
	wd '[%header{A}]' hdr=$'HTTP/1.0 200 OK\r\nA: 1'
	expect 0 "[1]"
	wd '[%header{Content-Type}]' hdr
	expect 0 "[]"
}

@test "%{stdout} and %{stderr} switch the stream for the rest" {
	wd 'a%{stderr}b%{http_code}%header{x-multi}\n%{stdout}c%{stdout}d%{stderr}e'
	[ "$status" -eq 0 ]
	same "$OUT" "acd"
	same "$ERR" "b200one, two\ne"
	# Both on one file: in the format's order.
	"$WOUTDUMP" 'a%{stderr}b%{stdout}c%{stderr}d%{stdout}e' >"$OUT" 2>&1
	same "$OUT" "abcde"
}

@test "%{json} is every variable, sorted, numbers as numbers, null for none" {
	wd '%{json}\n'
	[ "$status" -eq 0 ]
	same "$ERR" ""
	# The exact bytes of a few keys: times with six decimals, the version
	# a string as curl has it.
	grep -q '"time_namelookup":0.001234,' "$OUT"
	grep -q '"time_redirect":0.000000,' "$OUT"
	grep -q '"http_version":"1.1",' "$OUT"
	grep -q '^{"content_type":"text/plain",.*,"urlnum":0}$' "$OUT"
	python3 - "$OUT" "$SPECVARS" <<-'PY'
	import json, sys
	raw = open(sys.argv[1], "rb").read()
	got = json.loads(raw)
	want = {
	    "content_type": "text/plain", "errormsg": None, "exitcode": 0,
	    "filename_effective": None, "http_code": 200,
	    "http_version": "1.1", "local_ip": "127.0.0.2",
	    "local_port": 40000, "method": "GET", "num_connects": 1,
	    "num_headers": 5, "num_redirects": 0, "redirect_url": None,
	    "referer": None, "remote_ip": "127.0.0.1", "remote_port": 8080,
	    "response_code": 200, "scheme": "http", "size_download": 1234,
	    "size_header": 78, "size_request": 90, "size_upload": 56,
	    "speed_download": 2000, "speed_upload": 90,
	    "time_connect": 0.002345, "time_namelookup": 0.001234,
	    "time_pretransfer": 0.003456, "time_redirect": 0.0,
	    "time_starttransfer": 0.004567, "time_total": 0.617,
	    "url": "http://127.0.0.1:8080/a",
	    "url_effective": "http://127.0.0.1:8080/b", "urlnum": 0,
	}
	for k in sorted(set(want) | set(got)):
	    if k not in got or k not in want or got[k] != want[k] or \
	            type(got[k]) is not type(want[k]):
	        sys.exit("key %s: got %r, want %r" % (k, got.get(k), want.get(k)))
	keys = [k for k, _ in json.loads(raw, object_pairs_hook=list)]
	if keys != sorted(keys):
	    sys.exit("keys not sorted: %r" % keys)
	missing = set(sys.argv[2].split()) - set(keys)
	if missing:
	    sys.exit("spec variables missing: %r" % sorted(missing))
	PY
}

@test "%{json} escapes strings: quote, backslash, control bytes; UTF-8 as is" {
	wd '%{json}' errormsg=$'a"b\\c\x01\t\n\x1f\x7f\xc3\xa9' url=$'\xff'
	[ "$status" -eq 0 ]
	LC_ALL=C grep -q '"errormsg":"a\\"b\\\\c\\u0001\\u0009\\u000a\\u001f'$'\x7f\xc3\xa9''"' "$OUT"
	LC_ALL=C grep -q '"url":"'$'\xff''"' "$OUT"
	python3 - "$OUT" <<-'PY'
	import json, sys
	got = json.loads(open(sys.argv[1], "rb").read().decode("utf-8",
	    "surrogateescape"))
	want = 'a"b\\c\x01\t\n\x1f\x7f\xe9'
	if got["errormsg"] != want:
	    sys.exit("errormsg: %r" % got["errormsg"])
	PY
	# Several %{json} and text around them.
	wd -n 'x%{json}y%{json}z'
	[ "$(head -c 2 "$OUT")" = 'x{' ]
	[ "$(tail -c 2 "$OUT")" = '}z' ]
	grep -q '}y{' "$OUT"
	grep -q '"remote_ip":null,' "$OUT"
	grep -q '"http_version":"0",' "$OUT"
	grep -q '"http_code":0,' "$OUT"
}

@test "an unknown variable is a warning, left out, and the rest is written" {
	wd 'a%{bogus}b%{Http_Code}c%{http_code}\n'
	expect 0 'ab''c200\n' "httpget: unknown --write-out variable: 'bogus'
httpget: unknown --write-out variable: 'Http_Code'"
	# Its name is shown without its control bytes, and bounded.
	wd $'%{a\x1b[31m\x7fb}%{}ok'
	expect 0 "ok" "httpget: unknown --write-out variable: 'a?[31m?b'
httpget: unknown --write-out variable: ''"
	wd "%{$(printf 'v%.0s' $(seq 100))}"
	expect 0 "" "httpget: unknown --write-out variable: '$(printf 'v%.0s' $(seq 64))...'"
}

@test "-w @FILE reads the format, its CR and LF dropped as curl does" {
	printf '%s\r\n%s\n%s' 'code=%{http_code}\n' 'type=%header{content-type}\n' \
	    'end' >"$T/fmt"
	wd "@$T/fmt"
	expect 0 'code=200\ntype=text/plain\nend'
	: >"$T/empty"
	wd "@$T/empty"
	expect 0 ""
	# A format of WOUT_FILEMAX (1 MiB) is taken, one byte more is not.
	head -c 1048576 /dev/zero | tr '\0' x >"$T/big"
	wd "@$T/big"
	[ "$status" -eq 0 ]
	[ "$(wc -c <"$OUT")" -eq 1048576 ]
	echo y >>"$T/big"
	wd "@$T/big"
	expect 1 "" "woutdump: $T/big: cannot read: File too large"
}

@test "-w @- reads the format from standard input" {
	status=0
	printf '%s\n%s\n' '%{method} %{url}' '\n' |
	    timeout 30 "$WOUTDUMP" @- >"$OUT" 2>"$ERR" || status=$?
	expect 0 'GET http://127.0.0.1:8080/a\n'
	# Without '@' a format is taken as it is, "@" and "-" included.
	wd '-'
	expect 0 "-"
	wd 'a@b'
	expect 0 "a@b"
}

@test "-w @FILE that cannot be read: the cause, nothing written" {
	wd "@$T/none"
	expect 1 "" "woutdump: $T/none: cannot read: No such file or directory"
	wd "@$T"
	expect 1 "" "woutdump: $T: cannot read: Is a directory"
	wd "@"
	expect 1 "" "woutdump: : cannot read: No such file or directory"
}

@test "a failed write is reported (-1 from wout_write)" {
	[ -w /dev/full ] || skip "no /dev/full"
	status=0
	"$WOUTDUMP" '%{json}' >/dev/full 2>"$ERR" || status=$?
	[ "$status" -eq 1 ]
	same "$ERR" "woutdump: write failed\n"
}

@test "%{json} keys are curl's: every one of ours is in curl 7.88's" {
	command -v curl >/dev/null || skip "no curl to compare with"
	mkdir -p "$T/www"
	echo hello >"$T/www/f.txt"
	pyserver_start "$T/www"
	timeout 30 curl -s --noproxy '*' -o /dev/null -w '%{json}' \
	    "http://127.0.0.1:$PORT/f.txt" >"$T/curl.json"
	wd '%{json}'
	[ "$status" -eq 0 ]
	# curl 7.88 has also certs, ftp_entry_path, http_connect, num_certs,
	# proxy_ssl_verify_result, ssl_verify_result, time_appconnect and
	# curl_version, which httpget (plain HTTP, no proxy CONNECT) has not.
	python3 - "$T/curl.json" "$OUT" "$SPECVARS" <<-'PY'
	import json, sys
	curl = json.load(open(sys.argv[1]))
	ours = json.load(open(sys.argv[2]))
	spec = set(sys.argv[3].split())
	extra = set(ours) - set(curl)
	if extra:
	    sys.exit("not in curl's: %r" % sorted(extra))
	if spec - set(ours):
	    sys.exit("spec's not in ours: %r" % sorted(spec - set(ours)))
	left = set(curl) - set(ours)
	want = {"certs", "ftp_entry_path", "http_connect", "num_certs",
	    "proxy_ssl_verify_result", "ssl_verify_result",
	    "time_appconnect", "curl_version"}
	if left != want:
	    sys.exit("curl's keys we lack: %r" % sorted(left))
	# The types agree with curl's, key by key.
	for k in ours:
	    if curl[k] is not None and ours[k] is not None and \
	            type(curl[k]) is not type(ours[k]):
	        sys.exit("key %s: %r in curl, %r here" % (k, curl[k], ours[k]))
	PY
}
