#!/usr/bin/env bats
# make STATIC=1: superd, the handlers and httpget linked statically against
# musl.  Built once, in a copy of the sources, so the tree's own objects
# and programs stay as the other suites need them.

load helpers/superd

setup_file() {
	command -v musl-gcc >/dev/null 2>&1 || return 0
	local src=$BATS_FILE_TMPDIR/src
	mkdir -p "$src"
	cp -R "$ROOT/Makefile" "$ROOT/superd" "$ROOT/handlers" \
	    "$ROOT/clients" "$src/"
	# The copy may hold the tree's objects: never link them in.  The
	# outer make's command line (make asan's sanitizer flags, which
	# cannot link statically) stays out of this build.
	unset MAKEFLAGS MFLAGS MAKELEVEL
	make -s -C "$src" clean
	make -s -C "$src" STATIC=1 WERROR=-Werror >"$BATS_FILE_TMPDIR/make.log" 2>&1 ||
	    { cat "$BATS_FILE_TMPDIR/make.log" >&2; return 1; }
}

setup() {
	[[ $BATS_TEST_DESCRIPTION == *"without musl-gcc"* ]] ||
	    command -v musl-gcc >/dev/null 2>&1 ||
	    skip "musl-gcc not found (apt-get install musl-tools)"
	S=$BATS_FILE_TMPDIR/src
	SUPERD=$S/superd/superd
	cd "$BATS_TEST_TMPDIR"
}

teardown() {
	superd_teardown
}

# static_start ARGS...: the static superd -l ARGS (ad-hoc mode) in the
# background, until it serves.
static_start() {
	SUPERD_LOG=$BATS_TEST_TMPDIR/superd.log
	SUPERD_CONF=--listen
	bg_start "$SUPERD_LOG" "$SUPERD" -l "$@"
	SUPERD_PID=$BG_PID
	wait_for "$SUPERD_LOG" ': serving, pid ' 15 || { cat "$SUPERD_LOG" >&2; return 1; }
}

@test "make STATIC=1 links superd, every handler and httpget statically" {
	for p in superd/superd handlers/echo handlers/discard handlers/chargen \
	    handlers/daytime handlers/time handlers/qotd clients/httpget; do
		run -0 file "$S/$p"
		[[ $output == *"statically linked"* || $output == *"static-pie linked"* ]] ||
		    { echo "$p: $output" >&2; return 1; }
	done
}

@test "the static echo returns its input unchanged" {
	run -0 bash -c "printf abc | '$S/handlers/echo'"
	[ "$output" = abc ]
}

@test "the static superd serves a TCP echo" {
	static_start --listen tcp:127.0.0.1:0 -- "$S/handlers/echo"
	run -0 "$NETC" 127.0.0.1 "$(superd_port 1)" <<<"static"
	[ "$output" = static ]
}

@test "the static superd resolves a user by name from /etc/passwd" {
	getent passwd nobody >/dev/null || skip "no user nobody here"
	echo "127.0.0.1:0 stream tcp4 nowait nobody /usr/bin/id id -un" >u.conf
	run -0 "$SUPERD" -t u.conf
	[[ $output == *" nowait nobody /usr/bin/id id -un" ]]
	echo "127.0.0.1:0 stream tcp4 nowait no-such-user-17 /usr/bin/id id" >x.conf
	run -1 "$SUPERD" -t x.conf
	[[ $output == *"unknown user 'no-such-user-17'"* ]]
	[ "$(id -u)" -eq 0 ] || return 0
	# As root the handler runs as that user, with its groups.
	static_start --user nobody --listen tcp:127.0.0.1:0 -- /usr/bin/id
	run -0 "$NETC" -n 127.0.0.1 "$(superd_port 1)"
	[ "$output" = "$(id nobody)" ]
}

@test "make STATIC=1 without musl-gcc says so in one line and builds dynamically" {
	run -0 make -n -C "$ROOT" STATIC=1 MUSLCC=no-such-musl-gcc
	grep -qx 'make: STATIC=1: no-such-musl-gcc not found (apt-get install musl-tools); building dynamically' <<<"$output"
	# make -n prints the recipe too, so look at the sub-make's commands:
	# none has the missing compiler, none links with -static.
	! grep -E '^no-such-musl-gcc |-static ' <<<"$output"
}
