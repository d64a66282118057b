# The cookie suites' helpers (httpget-cookie.bats, httpget-cookie-curl.bats):
# tests/helpers/cookiedump run at a fixed time, cookie files written and
# compared.  Load after helpers/common and helpers/httpget.

DUMP=$ROOT/tests/helpers/cookiedump
NOW=1700000000
W=http://www.example.com
HEAD='# Netscape HTTP Cookie File\n'
HEAD+='# https://curl.se/docs/http-cookies.html\n'
HEAD+='# This file was written by httpget. Edit at your own risk.\n\n'

# cookie_setup: hg_setup, and cookiedump must be built.
cookie_setup() {
	hg_setup
	[ -x "$DUMP" ] || {
		echo "build it first: make tests/helpers/cookiedump" >&2
		return 1
	}
}

# jar ARGS...: runs cookiedump at NOW (unless ARGS set -t), stdout into
# $OUT, stderr into $ERR.
jar() {
	status=0
	timeout -k 5 60 "$DUMP" -t "$NOW" "$@" >"$OUT" 2>"$ERR" </dev/null ||
	    status=$?
}

# tabs LINE...: the lines with each '|' a tab, as a cookie file has them.
tabs() {
	printf '%s\n' "$@" | tr '|' '\t'
}

# filehas FILE LINE...: FILE is curl's header then exactly those lines.
filehas() {
	{ printf '%b' "$HEAD"; [ $# -gt 1 ] && tabs "${@:2}"; } >"$T/want"
	cmp -s "$T/want" "$1" && return 0
	echo "$1 differs; expected then got:"
	cat -A "$T/want"
	cat -A "$1"
	return 1
}
