# superd: super-server, stdio handlers, HTTP client.  See README.md.
.POSIX:
.SUFFIXES:
.SUFFIXES: .c .o

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
# HANDLER_LDFLAGS=-static links the handlers statically: exec then maps
# no shared library, which superd's spawn rate feels (README, "How fast").
HANDLER_LDFLAGS =
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
    -fno-sanitize-recover=undefined
FUZZCC = clang
FUZZFLAGS = -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined
FUZZTIME = 60
# Optional: clients/fuzz-inflate also checks its output against zlib's
# inflate; where zlib.h is missing, `make fuzz FUZZ_ZLIB=` builds it to
# compare only its own decodings in different piece sizes.
FUZZ_ZLIB = -DWITH_ZLIB -lz
FUZZDIR = .cache/fuzz
TESTS = tests

HANDLERS = handlers/echo handlers/discard handlers/chargen handlers/daytime \
    handlers/time handlers/qotd
PROGS = superd/superd $(HANDLERS) clients/httpget
TESTPROGS = tests/helpers/netc tests/helpers/acceptone tests/helpers/udpfd \
    tests/helpers/acltest tests/helpers/rootcat tests/helpers/logquote \
    tests/helpers/woutdump tests/helpers/bodydump tests/helpers/cookiedump \
    tests/helpers/inflatedump \
    bench/loadgen

# The protocols, compiled once, in every handler and in superd.
PROTO_OBJ = handlers/proto.o
HANDLER_OBJ = handlers/util.o $(PROTO_OBJ)
ACCESS_OBJ = superd/access.o superd/accesspat.o
SUPERD_OBJ = superd/main.o superd/conf.o superd/confread.o superd/inetd.o \
    superd/kv.o superd/kvopts.o superd/words.o superd/user.o \
    superd/service.o superd/serve.o superd/stream.o superd/wait.o \
    superd/relay.o superd/builtin.o superd/conn.o superd/udp.o \
    superd/limit.o superd/source.o superd/child.o superd/spawn.o \
    superd/spare.o superd/sparechild.o \
    superd/sock.o superd/ev.o superd/log.o superd/util.o superd/greet.o \
    superd/errlog.o superd/adhoc.o superd/activate.o superd/notify.o \
    superd/upgrade.o superd/logquote.o superd/fdmove.o superd/xinetd.o \
    superd/xinetdacl.o superd/xinetdmap.o superd/proxy.o superd/pending.o \
    $(ACCESS_OBJ)
HTTPGET_OBJ = clients/httpget.o clients/url.o clients/http.o \
    clients/request.o clients/output.o clients/opts.o clients/optval.o \
    clients/conn.o clients/exchange.o clients/sink.o clients/fetch.o \
    clients/content.o \
    clients/body.o clients/form.o clients/wout.o clients/cookie.o \
    clients/cookiedate.o clients/cookiefile.o clients/inflate.o \
    clients/blocks.o
COOKIE_OBJ = clients/cookie.o clients/cookiedate.o clients/cookiefile.o \
    clients/output.o clients/url.o

SUPERD_HDR = superd/access.h superd/child.h superd/conf.h \
    superd/confline.h superd/conn.h superd/ev.h superd/limit.h \
    superd/log.h superd/mode.h superd/pathnames.h superd/relay.h \
    superd/serve.h superd/service.h superd/sock.h superd/source.h \
    superd/spawn.h superd/spare.h superd/udp.h superd/user.h superd/util.h superd/greet.h \
    superd/errlog.h superd/adhoc.h superd/kv.h superd/fdmove.h \
    superd/proxy.h superd/pending.h \
    handlers/proto.h \
    superd/activate.h superd/notify.h superd/upgrade.h superd/xinetd.h
HANDLER_HDR = handlers/util.h handlers/proto.h
HTTPGET_HDR = clients/fail.h clients/url.h clients/http.h clients/request.h \
    clients/output.h clients/opts.h clients/optval.h clients/hg.h \
    clients/body.h clients/form.h clients/wout.h clients/conn.h \
    clients/cookie.h clients/cookieint.h clients/inflate.h clients/blocks.h

# STATIC=1 links superd, the handlers and httpget statically against musl
# (musl-gcc, from Debian's musl-tools): no shared library to map at exec,
# and superd's resident size is its own.  Where musl-gcc is missing the
# build says so and is dynamic.  .build-flavour holds the compiler and link
# flags the objects were built with: when they change every object is
# rebuilt, so objects of two libcs are never linked together.
STATIC =
MUSLCC = musl-gcc

all: build$(STATIC)

build build0: $(PROGS)
build1:
	@if command -v $(MUSLCC) >/dev/null 2>&1; then \
	    $(MAKE) STATIC= CC=$(MUSLCC) LDFLAGS="$(LDFLAGS) -static" build; \
	else \
	    echo 'make: STATIC=1: $(MUSLCC) not found (apt-get install musl-tools); building dynamically' >&2; \
	    $(MAKE) STATIC= build; \
	fi

.build-flavour: FORCE
	@f="$(CC) $(LDFLAGS)"; \
	    [ "$$(cat $@ 2>/dev/null)" = "$$f" ] || printf '%s\n' "$$f" >$@
FORCE:

.c.o:
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(SUPERD_OBJ): $(SUPERD_HDR)
$(HANDLER_OBJ) handlers/echo.o handlers/discard.o handlers/chargen.o \
    handlers/daytime.o handlers/time.o handlers/qotd.o: $(HANDLER_HDR)
$(HTTPGET_OBJ): $(HTTPGET_HDR)
$(SUPERD_OBJ) $(HANDLER_OBJ) handlers/echo.o handlers/discard.o \
    handlers/chargen.o handlers/daytime.o handlers/time.o handlers/qotd.o \
    $(HTTPGET_OBJ): .build-flavour

superd/superd: $(SUPERD_OBJ) $(PROTO_OBJ)
	$(CC) $(LDFLAGS) -o $@ $(SUPERD_OBJ) $(PROTO_OBJ) $(LDLIBS)
clients/httpget: $(HTTPGET_OBJ)
	$(CC) $(LDFLAGS) -o $@ $(HTTPGET_OBJ) $(LDLIBS)

# Each handler: its own .o and the two every handler links.
handlers/echo: handlers/echo.o $(HANDLER_OBJ)
handlers/discard: handlers/discard.o $(HANDLER_OBJ)
handlers/chargen: handlers/chargen.o $(HANDLER_OBJ)
handlers/daytime: handlers/daytime.o $(HANDLER_OBJ)
handlers/time: handlers/time.o $(HANDLER_OBJ)
handlers/qotd: handlers/qotd.o $(HANDLER_OBJ)
$(HANDLERS):
	$(CC) $(LDFLAGS) $(HANDLER_LDFLAGS) -o $@ $@.o $(HANDLER_OBJ) $(LDLIBS)

# --- what the tests run besides the programs --------------------------------
# clients/body.c without httpget (httpget-bodydump.bats).
tests/helpers/bodydump: tests/helpers/bodydump.c clients/body.o clients/form.o \
    $(HTTPGET_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tests/helpers/bodydump.c \
	    clients/body.o clients/form.o $(LDLIBS)
tests/helpers/netc: tests/helpers/netc.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tests/helpers/netc.c $(LDLIBS)
tests/helpers/acceptone: tests/helpers/acceptone.c
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tests/helpers/acceptone.c \
	    $(LDLIBS)
# The handlers' tests run them on a bound UDP socket through udpfd.
tests/helpers/udpfd: tests/helpers/udpfd.c $(HANDLER_OBJ) $(HANDLER_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tests/helpers/udpfd.c \
	    $(HANDLER_OBJ) $(LDLIBS)
# Static, for a handler in an empty chroot: no sanitizer flags.
tests/helpers/rootcat: tests/helpers/rootcat.c
	$(CC) -std=c11 -O2 -static -o $@ tests/helpers/rootcat.c 2>/dev/null || \
	    { echo 'make: static linking failed; rootcat is dynamic (its test skips)' >&2; \
	    $(CC) -std=c11 -O2 -o $@ tests/helpers/rootcat.c; }
# superd's access control without the server.
ACLTEST_OBJ = $(ACCESS_OBJ) superd/log.o superd/logquote.o superd/util.o \
    superd/sock.o
tests/helpers/acltest: tests/helpers/acltest.c $(ACLTEST_OBJ) superd/access.h
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tests/helpers/acltest.c \
	    $(ACLTEST_OBJ) $(LDLIBS)
# log.c's quoting of values, without the server.
tests/helpers/logquote: tests/helpers/logquote.c superd/log.o \
    superd/logquote.o superd/sock.o superd/util.o
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tests/helpers/logquote.c \
	    superd/log.o superd/logquote.o superd/sock.o superd/util.o $(LDLIBS)
# httpget's -w, without a transfer.
tests/helpers/woutdump: tests/helpers/woutdump.c clients/wout.o clients/wout.h
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tests/helpers/woutdump.c \
	    clients/wout.o $(LDLIBS)
# httpget's cookie jar, without a transfer (httpget-cookie.bats).
tests/helpers/cookiedump: tests/helpers/cookiedump.c $(COOKIE_OBJ) \
    $(HTTPGET_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ tests/helpers/cookiedump.c \
	    $(COOKIE_OBJ) $(LDLIBS)
# clients/inflate.c without httpget (httpget-inflate.bats, bench/inflate.sh).
tests/helpers/inflatedump: tests/helpers/inflatedump.c clients/inflate.o \
    clients/blocks.o clients/inflate.h
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ \
	    tests/helpers/inflatedump.c clients/inflate.o clients/blocks.o \
	    $(LDLIBS)
# The load generator of make bench is also the tests' (superd-limits.bats).
bench/loadgen: bench/loadgen.c bench/util.c bench/util.h
	cd bench && $(MAKE) CC="$(CC)" WERROR="$(WERROR)" loadgen

run: all
	./superd/superd -l etc/superd.conf

test: all $(TESTPROGS)
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
# see bench/README.md.  Not part of make test, nor of all.
bench: all tests/helpers/inflatedump
	cd bench && $(MAKE) bench

# superd linked statically against musl for the bench's static row, from
# the sources in one command, so that the objects above stay as they are;
# glibc's static libc where musl-gcc is missing, which it says.
SUPERD_SRC = $(SUPERD_OBJ:.o=.c) $(PROTO_OBJ:.o=.c)
bench/superd-static: $(SUPERD_SRC) $(SUPERD_HDR)
	@if command -v $(MUSLCC) >/dev/null 2>&1; then \
	    echo "$(MUSLCC) -static -o $@ superd/*.c handlers/proto.c"; \
	    $(MUSLCC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -static -o $@ \
		$(SUPERD_SRC) $(LDLIBS); \
	else \
	    echo 'make: bench/superd-static: $(MUSLCC) not found (apt-get install musl-tools); linking glibc statically' >&2; \
	    $(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -static -o $@ \
		$(SUPERD_SRC) $(LDLIBS); \
	fi

# Not part of make test: echo against cat(1), 1 GiB through pipes.
bench-handlers: handlers/echo
	bench/handlers.sh

# --- the fuzzers (libFuzzer, clang) -------------------------------------------
# Each runs FUZZTIME seconds on a corpus in $(FUZZDIR), seeded from
# tests/fuzz/TARGET/ (which keeps every input a run found, as a regression)
# and, for httpget's responses, the tests' canned ones; a crash fails the
# make.
FUZZ_SUPERD = superd/log.c superd/logquote.c superd/util.c superd/sock.c
FUZZ_ACCESS = superd/access.c superd/accesspat.c
FUZZ_CONF = superd/conf.c superd/confread.c superd/inetd.c superd/kv.c \
    superd/kvopts.c superd/xinetd.c superd/xinetdmap.c superd/xinetdacl.c \
    superd/words.c \
    superd/user.c handlers/proto.c $(FUZZ_ACCESS)
FUZZERS = clients/fuzz-url clients/fuzz-resp clients/fuzz-redir \
    clients/fuzz-wout clients/fuzz-cookie clients/fuzz-inflate \
    superd/fuzz-access superd/fuzz-conf superd/fuzz-proxy

clients/fuzz-url: clients/fuzz_url.c clients/url.c $(HTTPGET_HDR)
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ clients/fuzz_url.c clients/url.c
clients/fuzz-resp: clients/fuzz_resp.c clients/http.c $(HTTPGET_HDR)
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ clients/fuzz_resp.c \
	    clients/http.c
clients/fuzz-redir: clients/fuzz_redir.c clients/http.c clients/request.c \
    clients/url.c $(HTTPGET_HDR)
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ clients/fuzz_redir.c \
	    clients/http.c clients/request.c clients/url.c
clients/fuzz-wout: clients/fuzz_wout.c clients/wout.c $(HTTPGET_HDR)
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ clients/fuzz_wout.c clients/wout.c
clients/fuzz-cookie: clients/fuzz_cookie.c $(COOKIE_OBJ:.o=.c) $(HTTPGET_HDR)
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ clients/fuzz_cookie.c \
	    $(COOKIE_OBJ:.o=.c)
clients/fuzz-inflate: clients/fuzz_inflate.c clients/inflate.c \
    clients/blocks.c clients/inflate.h clients/blocks.h
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ clients/fuzz_inflate.c \
	    clients/inflate.c clients/blocks.c $(FUZZ_ZLIB)
superd/fuzz-access: superd/fuzz_access.c $(FUZZ_ACCESS) $(FUZZ_SUPERD) \
    $(SUPERD_HDR)
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ superd/fuzz_access.c \
	    $(FUZZ_ACCESS) $(FUZZ_SUPERD)
superd/fuzz-conf: superd/fuzz_conf.c $(FUZZ_CONF) $(FUZZ_SUPERD) $(SUPERD_HDR)
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ superd/fuzz_conf.c \
	    $(FUZZ_CONF) $(FUZZ_SUPERD)
superd/fuzz-proxy: superd/fuzz_proxy.c superd/proxy.c superd/proxy.h
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -o $@ superd/fuzz_proxy.c \
	    superd/proxy.c

fuzz: $(FUZZERS)
	mkdir -p $(FUZZDIR)/resp
	for t in url redir wout cookie inflate access conf proxy; do \
	    mkdir -p $(FUZZDIR)/$$t && cp tests/fuzz/$$t/* $(FUZZDIR)/$$t/ || \
	    exit 1; \
	done
	for f in tests/helpers/canned/*.txt; do \
	    b=$${f##*/}; \
	    case $$b in f16-*) continue ;; esac; \
	    tests/helpers/rawhttp --decode $$f >$(FUZZDIR)/resp/seed-$${b%.txt} \
	    || exit 1; \
	done
	clients/fuzz-url -max_total_time=$(FUZZTIME) \
	    -artifact_prefix=$(FUZZDIR)/url- $(FUZZDIR)/url
	clients/fuzz-resp -max_total_time=$(FUZZTIME) \
	    -artifact_prefix=$(FUZZDIR)/resp- $(FUZZDIR)/resp
	clients/fuzz-redir -max_total_time=$(FUZZTIME) \
	    -artifact_prefix=$(FUZZDIR)/redir- $(FUZZDIR)/redir
	clients/fuzz-wout -max_total_time=$(FUZZTIME) \
	    -artifact_prefix=$(FUZZDIR)/wout- $(FUZZDIR)/wout
	clients/fuzz-cookie -max_total_time=$(FUZZTIME) \
	    -artifact_prefix=$(FUZZDIR)/cookie- $(FUZZDIR)/cookie
	clients/fuzz-inflate -max_total_time=$(FUZZTIME) \
	    -artifact_prefix=$(FUZZDIR)/inflate- $(FUZZDIR)/inflate
	superd/fuzz-access -max_total_time=$(FUZZTIME) \
	    -artifact_prefix=$(FUZZDIR)/access- $(FUZZDIR)/access
	superd/fuzz-conf -max_total_time=$(FUZZTIME) \
	    -artifact_prefix=$(FUZZDIR)/conf- $(FUZZDIR)/conf
	superd/fuzz-proxy -max_total_time=$(FUZZTIME) \
	    -artifact_prefix=$(FUZZDIR)/proxy- $(FUZZDIR)/proxy

install: all
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
	for p in superd.8 superd.conf.5 httpget.1 superd-handlers.8; do \
	    s=$${p##*.}; \
	    cp -f man/$$p $(DESTDIR)$(MANPREFIX)/man$$s/$$p && \
	    chmod 644 $(DESTDIR)$(MANPREFIX)/man$$s/$$p || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/superd $(DESTDIR)$(PREFIX)/bin/httpget
	for h in $(HANDLERS); do rm -f $(DESTDIR)$(LIBEXECDIR)/$${h#handlers/}; done
	-rmdir $(DESTDIR)$(LIBEXECDIR)
	for p in superd.8 superd.conf.5 httpget.1 superd-handlers.8; do \
	    rm -f $(DESTDIR)$(MANPREFIX)/man$${p##*.}/$$p; \
	done

clean:
	rm -f $(PROGS) $(TESTPROGS) $(FUZZERS) superd/*.o handlers/*.o \
	    clients/*.o bench/ceiling bench/echo-static bench/superd-static \
	    .build-flavour

.PHONY: all build build0 build1 run test asan bench bench-handlers fuzz install \
    uninstall clean FORCE
