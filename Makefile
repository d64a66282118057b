# superd: super-server, stdio handlers, HTTP client.  See README.md.
.POSIX:
.SUFFIXES:

VERSION = 0.1
PREFIX = /usr/local
MANPREFIX = $(PREFIX)/share/man
LIBEXECDIR = $(PREFIX)/libexec/superd

CC = cc
# Hardened by default: a stack canary in every function with a local
# array, and glibc's checked string and memory calls (which need -O1 at
# least; -U first so that a compiler that defines it does not warn).
CPPFLAGS = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DVERSION=\"$(VERSION)\" \
    -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2
CFLAGS = -std=c11 -Wall -Wextra -Wpedantic -O2 -g -fstack-protector-strong \
    $(WERROR)
LDFLAGS =
LDLIBS =
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
    -fno-sanitize-recover=undefined
FUZZCC = clang
FUZZTIME = 60
TESTS = tests

HANDLERS = handlers/echo handlers/discard handlers/chargen handlers/daytime \
    handlers/time handlers/qotd
PROGS = superd/superd $(HANDLERS) clients/httpget
TESTPROGS = tests/helpers/netc tests/helpers/acceptone tests/helpers/udpfd \
    tests/helpers/acltest bench/loadgen

all: $(PROGS) $(TESTPROGS)

# --- superd ---------------------------------------------------------------
SUPERD_OBJ = superd/main.o superd/serve.o superd/table.o superd/conf.o \
    superd/sock.o superd/spawn.o superd/relay.o superd/child.o \
    superd/limit.o superd/access.o superd/aclpat.o superd/aclmatch.o \
    superd/builtin.o superd/conn.o superd/log.o superd/util.o \
    superd/user.o superd/ev.o
SUPERD_BUILTINS = handlers/util.o handlers/echo-builtin.o \
    handlers/discard-builtin.o handlers/chargen-builtin.o \
    handlers/daytime-builtin.o handlers/time-builtin.o
SUPERD_HDR = superd/conf.h superd/sock.h superd/spawn.h superd/relay.h \
    superd/child.h superd/limit.h superd/serve.h superd/table.h \
    superd/access.h superd/acl.h superd/conn.h \
    superd/builtin.h superd/log.h superd/util.h superd/pathnames.h \
    superd/user.h superd/ev.h \
    handlers/util.h

superd/superd: $(SUPERD_OBJ) $(SUPERD_BUILTINS)
	$(CC) $(LDFLAGS) -o $@ $(SUPERD_OBJ) $(SUPERD_BUILTINS) $(LDLIBS)
superd/main.o: superd/main.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/main.c
superd/serve.o: superd/serve.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/serve.c
superd/table.o: superd/table.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/table.c
superd/conf.o: superd/conf.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/conf.c
superd/sock.o: superd/sock.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/sock.c
superd/spawn.o: superd/spawn.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/spawn.c
superd/relay.o: superd/relay.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/relay.c
superd/child.o: superd/child.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/child.c
superd/limit.o: superd/limit.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/limit.c
superd/builtin.o: superd/builtin.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/builtin.c
superd/conn.o: superd/conn.c $(SUPERD_HDR) handlers/util.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/conn.c
superd/log.o: superd/log.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/log.c
superd/util.o: superd/util.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/util.c
superd/user.o: superd/user.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/user.c
superd/ev.o: superd/ev.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/ev.c
# --- end superd -----------------------------------------------------------

# --- handlers -------------------------------------------------------------
# HANDLER_LDFLAGS=-static links the handlers statically: exec then maps
# no shared library, which superd's spawn rate feels (README, "How fast").
HANDLER_LDFLAGS =
HANDLER_HDR = handlers/util.h

handlers/util.o: handlers/util.c $(HANDLER_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ handlers/util.c
handlers/echo: handlers/echo.c handlers/util.o $(HANDLER_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(HANDLER_LDFLAGS) -o $@ \
	    handlers/echo.c handlers/util.o $(LDLIBS)
handlers/discard: handlers/discard.c handlers/util.o $(HANDLER_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(HANDLER_LDFLAGS) -o $@ \
	    handlers/discard.c handlers/util.o $(LDLIBS)
handlers/chargen: handlers/chargen.c handlers/util.o $(HANDLER_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(HANDLER_LDFLAGS) -o $@ \
	    handlers/chargen.c handlers/util.o $(LDLIBS)
handlers/daytime: handlers/daytime.c handlers/util.o $(HANDLER_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(HANDLER_LDFLAGS) -o $@ \
	    handlers/daytime.c handlers/util.o $(LDLIBS)
handlers/time: handlers/time.c handlers/util.o $(HANDLER_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(HANDLER_LDFLAGS) -o $@ \
	    handlers/time.c handlers/util.o $(LDLIBS)
handlers/qotd: handlers/qotd.c handlers/util.o $(HANDLER_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(HANDLER_LDFLAGS) -o $@ \
	    handlers/qotd.c handlers/util.o $(LDLIBS)

# superd's `internal` services: the protocol functions without main().
HANDLER_BUILTIN_OBJ = handlers/echo-builtin.o handlers/discard-builtin.o \
    handlers/chargen-builtin.o handlers/daytime-builtin.o \
    handlers/time-builtin.o
handlers/echo-builtin.o: handlers/echo.c $(HANDLER_HDR)
	$(CC) $(CPPFLAGS) -DSUPERD_BUILTIN $(CFLAGS) -c -o $@ handlers/echo.c
handlers/discard-builtin.o: handlers/discard.c $(HANDLER_HDR)
	$(CC) $(CPPFLAGS) -DSUPERD_BUILTIN $(CFLAGS) -c -o $@ handlers/discard.c
handlers/chargen-builtin.o: handlers/chargen.c $(HANDLER_HDR)
	$(CC) $(CPPFLAGS) -DSUPERD_BUILTIN $(CFLAGS) -c -o $@ handlers/chargen.c
handlers/daytime-builtin.o: handlers/daytime.c $(HANDLER_HDR)
	$(CC) $(CPPFLAGS) -DSUPERD_BUILTIN $(CFLAGS) -c -o $@ handlers/daytime.c
handlers/time-builtin.o: handlers/time.c $(HANDLER_HDR)
	$(CC) $(CPPFLAGS) -DSUPERD_BUILTIN $(CFLAGS) -c -o $@ handlers/time.c

# The handlers' tests run them on a bound UDP socket through udpfd.
tests/helpers/udpfd: tests/helpers/udpfd.c handlers/util.o $(HANDLER_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tests/helpers/udpfd.c handlers/util.o $(LDLIBS)

# Not part of `make test`: echo against cat(1), 1 GiB through pipes.
bench-handlers: handlers/echo
	bench/handlers.sh
.PHONY: bench-handlers
# --- end handlers ---------------------------------------------------------

# --- httpget --------------------------------------------------------------
HTTPGET_OBJ = clients/httpget.o clients/url.o clients/http.o \
    clients/request.o clients/output.o
HTTPGET_HDR = clients/fail.h clients/url.h clients/http.h clients/request.h \
    clients/output.h
FUZZFLAGS = -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined
FUZZDIR = .cache/fuzz

clients/httpget: $(HTTPGET_OBJ)
	$(CC) $(LDFLAGS) -o $@ $(HTTPGET_OBJ) $(LDLIBS)
clients/httpget.o: clients/httpget.c $(HTTPGET_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ clients/httpget.c
clients/url.o: clients/url.c clients/url.h clients/fail.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ clients/url.c
clients/http.o: clients/http.c clients/http.h clients/fail.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ clients/http.c
clients/request.o: clients/request.c clients/request.h clients/url.h \
    clients/fail.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ clients/request.c
clients/output.o: clients/output.c clients/output.h
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ clients/output.c
clients/fuzz-url: clients/fuzz_url.c clients/url.c clients/url.h clients/fail.h
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ clients/fuzz_url.c clients/url.c
clients/fuzz-resp: clients/fuzz_resp.c clients/http.c clients/http.h \
    clients/fail.h
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ clients/fuzz_resp.c \
	    clients/http.c
clients/fuzz-redir: clients/fuzz_redir.c clients/http.c clients/request.c \
    clients/url.c $(HTTPGET_HDR)
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ clients/fuzz_redir.c \
	    clients/http.c clients/request.c clients/url.c

# Each target runs FUZZTIME seconds; the corpora live in $(FUZZDIR), seeded
# from tests/fuzz/TARGET/ (which keeps every input a run found, as a
# regression) and, for the responses, the tests' canned ones; a crash
# fails the make.
fuzz-httpget: clients/fuzz-url clients/fuzz-resp clients/fuzz-redir
	mkdir -p $(FUZZDIR)/url $(FUZZDIR)/resp $(FUZZDIR)/redir
	for f in tests/helpers/canned/*.txt; do \
	    b=$${f##*/}; \
	    tests/helpers/rawhttp --decode $$f >$(FUZZDIR)/resp/seed-$${b%.txt} \
	    || exit 1; \
	done
	cp tests/fuzz/url/* $(FUZZDIR)/url/
	cp tests/fuzz/redir/* $(FUZZDIR)/redir/
	clients/fuzz-url -max_total_time=$(FUZZTIME) \
	    -artifact_prefix=$(FUZZDIR)/url- $(FUZZDIR)/url
	clients/fuzz-resp -max_total_time=$(FUZZTIME) \
	    -artifact_prefix=$(FUZZDIR)/resp- $(FUZZDIR)/resp
	clients/fuzz-redir -max_total_time=$(FUZZTIME) \
	    -artifact_prefix=$(FUZZDIR)/redir- $(FUZZDIR)/redir
# --- end httpget ----------------------------------------------------------

# --- access ---
ACL_OBJ = superd/access.o superd/aclpat.o superd/aclmatch.o
ACL_SRC = superd/access.c superd/aclpat.c superd/aclmatch.c
superd/access.o: superd/access.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/access.c
superd/aclpat.o: superd/aclpat.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/aclpat.c
superd/aclmatch.o: superd/aclmatch.c $(SUPERD_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ superd/aclmatch.c
tests/helpers/acltest: tests/helpers/acltest.c $(ACL_OBJ) superd/log.o \
    superd/util.o superd/sock.o superd/access.h
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tests/helpers/acltest.c \
	    $(ACL_OBJ) superd/log.o superd/util.o superd/sock.o $(LDLIBS)

# The parsers under libFuzzer: access.c and conf.c are built instrumented;
# the internal services conf.c looks names up in are linked as they are.
superd/fuzz-access: superd/fuzz_access.c $(ACL_SRC) superd/sock.c superd/access.h \
    superd/acl.h superd/log.c superd/log.h superd/util.c superd/util.h
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ superd/fuzz_access.c \
	    $(ACL_SRC) superd/log.c superd/util.c superd/sock.c
superd/fuzz-conf: superd/fuzz_conf.c superd/conf.c $(SUPERD_HDR) \
    superd/limit.c superd/limit.h superd/log.c superd/util.c superd/user.c \
    superd/sock.c \
    superd/builtin.o $(SUPERD_BUILTINS)
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ superd/fuzz_conf.c \
	    superd/conf.c superd/limit.c superd/log.c superd/util.c \
	    superd/user.c superd/sock.c superd/builtin.o $(SUPERD_BUILTINS)

# Each runs FUZZTIME seconds on a corpus in $(FUZZDIR), seeded with a few
# valid files; a crash fails the make.
fuzz-superd: superd/fuzz-access superd/fuzz-conf
	mkdir -p $(FUZZDIR)/access $(FUZZDIR)/conf
	printf 'ALL: 127.0.0.1, [::1] LOCAL\nin.telnetd sshd: 10.1. EXCEPT 10.1.2.0/255.255.255.0\n' \
	    >$(FUZZDIR)/access/seed-1
	printf 'ALL EXCEPT echo: [2001:db8::]/32 192.168.0.0/16 \\\n  EXCEPT 192.168.1.1 : deny\n# comment\nALL: ALL: allow\n' \
	    >$(FUZZDIR)/access/seed-2
	printf 'KNOWN: .example.com @net user@10.0.0.1 [fe80::1\n: ALL EXCEPT\n' \
	    >$(FUZZDIR)/access/seed-3
	cp etc/superd.conf $(FUZZDIR)/conf/seed-1
	cp etc/inetd.conf.sample $(FUZZDIR)/conf/seed-2
	printf 'echo stream tcp nowait.10 root internal\n[::1]:7 dgram udp6 wait/2/3/4@5 root:root internal echo\n127.0.0.1:0 stream tcp4 nowait root /bin/cat cat -u\n' \
	    >$(FUZZDIR)/conf/seed-3
	superd/fuzz-access -max_total_time=$(FUZZTIME) \
	    -artifact_prefix=$(FUZZDIR)/access- $(FUZZDIR)/access
	superd/fuzz-conf -max_total_time=$(FUZZTIME) \
	    -artifact_prefix=$(FUZZDIR)/conf- $(FUZZDIR)/conf
.PHONY: fuzz-superd
# --- end access ---

tests/helpers/netc: tests/helpers/netc.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tests/helpers/netc.c $(LDLIBS)

# The load generator of make bench is also the tests' (tests/superd.bats).
bench/loadgen: bench/loadgen.c bench/util.c bench/util.h
	cd bench && $(MAKE) CC="$(CC)" WERROR="$(WERROR)" loadgen

tests/helpers/acceptone: tests/helpers/acceptone.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tests/helpers/acceptone.c $(LDLIBS)

run: all
	./superd/superd -l etc/superd.conf

test: all
	tests/helpers/runtests $(TESTS)

# A sanitized build runs the whole suite, then is cleaned away so that a
# later plain `make` does not keep sanitized binaries.  A sanitized fork is
# about 8 times slower: the load test runs 2,000 connections, not 20,000.
asan:
	$(MAKE) clean
	SUPERD_LOAD=2000 $(MAKE) CFLAGS="$(CFLAGS) -O1 $(SANFLAGS)" \
	    LDFLAGS="$(LDFLAGS) $(SANFLAGS)" test; \
	    st=$$?; $(MAKE) clean; exit $$st

# The load generator, the ceilings and the peers, in interleaved rounds;
# see bench/README.md.  Not part of make test.
bench: all
	cd bench && $(MAKE) bench

fuzz: fuzz-httpget fuzz-superd

install: $(PROGS)
	mkdir -p $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
	    $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(MANPREFIX)/man1 \
	    $(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(MANPREFIX)/man8
	cp -f superd/superd $(DESTDIR)$(PREFIX)/sbin/superd
	chmod 755 $(DESTDIR)$(PREFIX)/sbin/superd
	cp -f clients/httpget $(DESTDIR)$(PREFIX)/bin/httpget
	chmod 755 $(DESTDIR)$(PREFIX)/bin/httpget
	for h in $(HANDLERS); do \
	    cp -f $$h $(DESTDIR)$(LIBEXECDIR)/ && \
	    chmod 755 $(DESTDIR)$(LIBEXECDIR)/$${h#handlers/} || exit 1; \
	done
	cp -f man/superd.8 $(DESTDIR)$(MANPREFIX)/man8/superd.8
	cp -f man/superd.conf.5 $(DESTDIR)$(MANPREFIX)/man5/superd.conf.5
	cp -f man/httpget.1 $(DESTDIR)$(MANPREFIX)/man1/httpget.1
	cp -f man/superd-handlers.8 $(DESTDIR)$(MANPREFIX)/man8/superd-handlers.8
	chmod 644 $(DESTDIR)$(MANPREFIX)/man8/superd.8 \
	    $(DESTDIR)$(MANPREFIX)/man5/superd.conf.5 \
	    $(DESTDIR)$(MANPREFIX)/man1/httpget.1 \
	    $(DESTDIR)$(MANPREFIX)/man8/superd-handlers.8

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/superd $(DESTDIR)$(PREFIX)/bin/httpget
	for h in $(HANDLERS); do rm -f $(DESTDIR)$(LIBEXECDIR)/$${h#handlers/}; done
	-rmdir $(DESTDIR)$(LIBEXECDIR)
	rm -f $(DESTDIR)$(MANPREFIX)/man8/superd.8 \
	    $(DESTDIR)$(MANPREFIX)/man5/superd.conf.5 \
	    $(DESTDIR)$(MANPREFIX)/man1/httpget.1 \
	    $(DESTDIR)$(MANPREFIX)/man8/superd-handlers.8

clean:
	rm -f $(PROGS) $(TESTPROGS) superd/*.o handlers/*.o \
	    clients/*.o clients/fuzz-* superd/fuzz-* bench/loadgen \
	    bench/ceiling bench/echo-static

.PHONY: all run test asan bench fuzz fuzz-httpget install uninstall clean
