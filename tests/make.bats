#!/usr/bin/env bats
# The Makefile's install and uninstall: PREFIX and DESTDIR honoured,
# handlers under libexec/superd, pages installed with their modes.

load helpers/common

@test "make install puts every file under DESTDIR/PREFIX with its mode" {
	dest=$BATS_TEST_TMPDIR/root
	run -0 make -s -C "$ROOT" install DESTDIR="$dest" PREFIX=/opt/sd
	cd "$dest"
	find . -type f | sort >"$BATS_TEST_TMPDIR/got"
	cat >"$BATS_TEST_TMPDIR/want" <<EOF
./opt/sd/bin/httpget
./opt/sd/libexec/superd/chargen
./opt/sd/libexec/superd/daytime
./opt/sd/libexec/superd/discard
./opt/sd/libexec/superd/echo
./opt/sd/libexec/superd/qotd
./opt/sd/libexec/superd/time
./opt/sd/sbin/superd
./opt/sd/share/man/man1/httpget.1
./opt/sd/share/man/man5/superd.conf.5
./opt/sd/share/man/man8/superd-handlers.8
./opt/sd/share/man/man8/superd.8
EOF
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	[ "$(stat -c %a opt/sd/sbin/superd)" = 755 ]
	[ "$(stat -c %a opt/sd/libexec/superd/echo)" = 755 ]
	[ "$(stat -c %a opt/sd/share/man/man8/superd.8)" = 644 ]
	# the installed handler works
	run -0 sh -c 'printf "hi\n" | opt/sd/libexec/superd/echo'
	[ "$output" = "hi" ]
}

@test "make uninstall removes what install put there" {
	dest=$BATS_TEST_TMPDIR/root
	make -s -C "$ROOT" install DESTDIR="$dest" PREFIX=/opt/sd
	run -0 make -s -C "$ROOT" uninstall DESTDIR="$dest" PREFIX=/opt/sd
	[ "$(find "$dest" -type f | wc -l)" -eq 0 ]
	[ ! -e "$dest/opt/sd/libexec/superd" ]
}
