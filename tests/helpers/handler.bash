# The prologue of the handlers' suites (echo.bats, discard.bats,
# chargen.bats, daytime.bats, time.bats, qotd.bats, peers.bats): the common,
# peers and superd helpers, T set to the test's folder, and every background
# process stopped after each test.  A suite begins:
#   load helpers/handler
#   ECHO=$ROOT/handlers/echo

load helpers/peers
load helpers/superd

setup() {
	T=$BATS_TEST_TMPDIR
}

teardown() {
	bg_stop_all
}

# under_superd [OPTIONS...]: superd_start on the configuration on stdin;
# skips the test when superd is not built.
under_superd() {
	[ -x "$SUPERD" ] || skip "superd not built"
	superd_start "$@"
}
