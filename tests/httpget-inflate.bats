#!/usr/bin/env bats
# The decoder of httpget --compressed (clients/inflate.c, blocks.c) through
# tests/helpers/inflatedump, without the network: what python's zlib and
# gzip modules make decodes to the very bytes they were given, in any
# piece sizes of input and output; each malformed stream, built bit by bit
# by tests/helpers/mkdeflate.py, fails with its own cause; a bomb decodes
# in bounded memory.

load helpers/common

DUMP=$ROOT/tests/helpers/inflatedump
MK=$ROOT/tests/helpers/mkdeflate.py
export DUMP
# What mkdeflate.py's zlib and gzip cases hold.
FOX=$(printf 'The quick brown fox jumps over the lazy dog. %.0s' $(seq 40))

# Python shared by the round trips: check() runs inflatedump on COMP for
# each (-i, -o) pair and notes every run whose exit or output differs from
# WANT; report() prints those notes (none when all went well).
PRELUDE='
import gzip, os, random, struct, subprocess, sys, zlib
DUMP = os.environ["DUMP"]
bad = []
rnd = random.Random(1951)
def check(name, flag, comp, want, sizes=((65536, 65536),)):
    for i, o in sizes:
        p = subprocess.run([DUMP, flag, "-i", str(i), "-o", str(o)],
            input=comp, capture_output=True, timeout=100)
        if p.returncode != 0 or p.stdout != want:
            bad.append("%s %s -i %d -o %d: exit %d %r, %d bytes of %d" % (
                name, flag, i, o, p.returncode, p.stderr, len(p.stdout),
                len(want)))
def deflate(data, level=6, wbits=15, mem=8, strategy=0):
    c = zlib.compressobj(level, zlib.DEFLATED, wbits, mem, strategy)
    return c.compress(data) + c.flush()
def wrapped(name, data, sizes=((65536, 65536),), **kw):
    # The same data as gzip, zlib and raw; zlib and raw again as deflate.
    wb = kw.pop("wbits", 15)
    z, r = deflate(data, wbits=wb, **kw), deflate(data, wbits=-wb, **kw)
    check(name, "-g", deflate(data, wbits=16 + wb, **kw), data, sizes)
    check(name, "-z", z, data, sizes)
    check(name, "-r", r, data, sizes)
    check(name, "-d", z, data, sizes[:1])
    check(name, "-d", r, data, sizes[:1])
def report():
    print("\n".join(bad[:20]))
    sys.exit(1 if bad else 0)
words = [bytes(rnd.choice(b"etaoinshrdlucmfwyp") for _ in range(
    rnd.randint(1, 9))) for _ in range(2000)]
def text(n):
    out = b" ".join(rnd.choices(words, k=n // 4))
    return out[:n]
MIX = b"".join(text(rnd.randint(1, 20000)) + rnd.randbytes(
    rnd.randint(0, 3000)) for _ in range(20))
'

setup() {
	[ -x "$DUMP" ] || {
		echo "build it first: make tests/helpers/inflatedump" >&2
		return 1
	}
	OUT=$BATS_TEST_TMPDIR/out
	ERR=$BATS_TEST_TMPDIR/err
	IN=$BATS_TEST_TMPDIR/in
}

# roundtrip PYTHON: the prelude, then PYTHON, then report(); passes when
# no run went wrong.
roundtrip() {
	run timeout -k 5 110 python3 -c "$PRELUDE$1
report()"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

# bad CASE FLAG CAUSE [ARGS...]: the stream CASE of mkdeflate.py, decoded
# with FLAG (and ARGS), exits 1 with "inflatedump: CAUSE" and nothing else
# on stderr.
bad() {
	local case=$1 flag=$2 cause=$3
	shift 3
	python3 "$MK" "$case" >"$IN"
	status=0
	timeout -k 5 30 "$DUMP" "$flag" "$@" <"$IN" >"$OUT" 2>"$ERR" ||
	    status=$?
	echo "$case $flag $*: exit $status, stderr: $(cat "$ERR")"
	[ "$status" -eq 1 ]
	[ "$(cat "$ERR")" = "inflatedump: $cause" ]
}

# good CASE FLAG WANT: CASE decodes to WANT (a printf format) exactly.
good() {
	python3 "$MK" "$1" >"$IN"
	printf "$3" >"$BATS_TEST_TMPDIR/want"
	run -0 "$DUMP" "$2" <"$IN"
	"$DUMP" "$2" <"$IN" | cmp - "$BATS_TEST_TMPDIR/want"
	"$DUMP" "$2" -i 1 -o 1 <"$IN" | cmp - "$BATS_TEST_TMPDIR/want"
}

@test "every level from 0 to 9 decodes, as gzip, zlib, raw and deflate" {
	roundtrip '
for level in range(10):
    wrapped("mix-%d" % level, MIX, ((65536, 65536), (3, 5)), level=level)
'
}

@test "every strategy decodes: filtered, Huffman only, RLE, fixed" {
	roundtrip '
for s, n in ((zlib.Z_FILTERED, "filtered"), (zlib.Z_HUFFMAN_ONLY, "huff"),
        (zlib.Z_RLE, "rle"), (zlib.Z_FIXED, "fixed")):
    for level in (1, 6, 9):
        wrapped("%s-%d" % (n, level), MIX, ((65536, 65536), (7, 2)),
            level=level, strategy=s)
'
}

@test "smaller windows and memory levels decode" {
	roundtrip '
for wb in range(9, 16):
    for mem in (1, 5, 9):
        wrapped("wbits-%d-mem-%d" % (wb, mem), MIX[:60000], wbits=wb,
            mem=mem, level=9)
'
}

@test "empty input and one byte decode at every level" {
	roundtrip '
for level in range(10):
    for data in (b"", b"x"):
        wrapped("small-%d-%r" % (level, data), data, ((65536, 65536),
            (1, 1)), level=level)
    for s in (zlib.Z_HUFFMAN_ONLY, zlib.Z_RLE, zlib.Z_FIXED):
        wrapped("small-%d-%d" % (level, s), b"x", ((1, 1),), level=level,
            strategy=s)
'
}

@test "several MiB of random and of very repetitive data decode" {
	roundtrip '
rand = rnd.randbytes(3 << 20)
rep = bytes(4 << 20) + b"ab" * (1 << 20) + b"abc" * (1 << 20)
for level in (1, 6, 9):
    wrapped("rand-%d" % level, rand, level=level)
    wrapped("rep-%d" % level, rep, ((65536, 65536), (1 << 20, 1 << 20)),
        level=level)
wrapped("rep-rle", rep, level=9, strategy=zlib.Z_RLE)
big = text(3 << 20)
check("text-9", "-g", deflate(big, 9, 31), big, ((65536, 1 << 20),
    (1 << 20, 4096), (8, 259)))
'
}

@test "any piece sizes of input and output give the same bytes" {
	roundtrip '
data = MIX[:150000]
g = deflate(data, 9, 31)
sizes = [(i, o) for i in (1, 2, 7, 8, 9, 255, 4096, 1 << 20)
    for o in (1, 3, 258, 259, 4096, 1 << 20)]
check("pieces", "-g", g, data, sizes)
check("pieces-stored", "-g", deflate(data, 0, 31), data, sizes[::5])
'
}

@test "gzip members in a row decode one after the other" {
	roundtrip '
parts = [b"", b"x", MIX[:30000], b"", rnd.randbytes(5000), text(70000)]
multi = b"".join(gzip.compress(p, compresslevel=rnd.randint(0, 9))
    for p in parts)
check("members", "-g", multi, b"".join(parts), ((65536, 65536), (1, 1),
    (5, 300), (300, 5)))
check("one-member", "-g", gzip.compress(b""), b"", ((1, 1),))
'
}

@test "gzip headers with FEXTRA, FNAME, FCOMMENT and FHCRC decode" {
	roundtrip '
data = MIX[:20000]
r = deflate(data, 6, -15)
for flags in range(32):
    h = b"\x1f\x8b\x08" + bytes([flags]) + b"\1\2\3\4\2\3"
    if flags & 4:
        h += struct.pack("<H", 600) + b"XY\x54\x02" + rnd.randbytes(596)
    if flags & 8:
        h += b"name.txt\0"
    if flags & 16:
        h += b"a comment, quite long " * 20 + b"\0"
    if flags & 2:
        h += struct.pack("<H", zlib.crc32(h) & 0xffff)
    m = h + r + struct.pack("<II", zlib.crc32(data), len(data))
    check("flags-%d" % flags, "-g", m, data, ((65536, 65536), (1, 1), (3, 7)))
# And as python writes FNAME itself.
import io
f = io.BytesIO()
with gzip.GzipFile("name.txt", "wb", 9, f, 1234567890) as g:
    g.write(data)
check("gzipfile", "-g", f.getvalue(), data, ((65536, 65536), (1, 1)))
'
	good gzip-fields -g "$FOX"
}

@test "deflate takes zlib or raw by the first two bytes" {
	roundtrip '
data = text(5000)
for level in range(10):
    check("zlib-%d" % level, "-d", deflate(data, level, 15), data)
    check("raw-%d" % level, "-d", deflate(data, level, -15), data,
        ((65536, 65536), (1, 1)))
'
	bad zlib-dict -d "zlib preset dictionary"
	# 78 9d fails FCHECK: raw, a stored block (BTYPE 00) whose LEN and
	# NLEN are the bytes of the deflate stream after it.
	bad zlib-check -d "stored block LEN/NLEN mismatch"
}

@test "hand-made streams that RFC 1951 allows decode" {
	good stored-ok -r 'hello'
	good far-ok -r 'ababa'
	good single-dist -r 'aaaaa'
	good no-dist -r 'aa'
	good repeat-ok -r 'abcd'
	local abc na
	abc=$(printf 'abcdefghijklmn%.0s' 1 2 3)
	na=$(printf 'na%.0s' $(seq 20))
	good long-codes -r "${abc}nnn$na"
}

@test "a bad block header, stored length or distance fails with its cause" {
	bad bad-block-type -r "bad block type"
	bad stored-nlen -r "stored block LEN/NLEN mismatch"
	bad too-far-first -r "distance too far back"
	bad too-far -r "distance too far back"
	[ "$(cat "$OUT")" = "ab" ]
	bad gzip-member-far -g "distance too far back"
	[ "$(cat "$OUT")" = "ab" ]
	bad invalid-lit -r "invalid literal/length symbol"
	[ "$(cat "$OUT")" = "a" ]
	bad invalid-dist -r "invalid distance symbol"
	bad single-dist-unused -r "invalid distance symbol"
	bad no-dist-match -r "invalid distance symbol"
}

@test "code lengths that make no prefix code fail with their cause" {
	bad over-clen -r "over-subscribed code length code"
	bad incomplete-clen -r "incomplete code length code"
	bad over-lit -r "over-subscribed literal/length code"
	bad incomplete-lit -r "incomplete literal/length code"
	bad single-lit -r "incomplete literal/length code"
	bad over-dist -r "over-subscribed distance code"
	bad incomplete-dist -r "incomplete distance code"
	bad repeat-first -r "repeat before the first length"
	bad repeat-past-end -r "code lengths repeat past the end"
	bad too-many-lit -r "too many literal/length codes"
	bad too-many-dist -r "too many distance codes"
	bad no-eob -r "no end-of-block code"
}

@test "bad zlib and gzip headers and trailers fail with their cause" {
	bad zlib-check -z "bad zlib header check"
	bad zlib-method -z "unknown zlib compression method"
	bad zlib-window -z "bad zlib window size"
	bad zlib-dict -z "zlib preset dictionary"
	bad zlib-adler -z "Adler-32 mismatch"
	bad gzip-magic -g "not a gzip stream"
	bad gzip-method -g "unknown gzip compression method"
	bad gzip-flags -g "reserved gzip flags set"
	bad gzip-hcrc -g "gzip header CRC mismatch"
	bad gzip-crc -g "CRC-32 mismatch"
	bad gzip-size -g "gzip length mismatch"
	# All of the data came out before the check failed.
	[ "$(cat "$OUT")" = "$FOX" ]
}

@test "bytes after the end are trailing garbage, a cut stream is truncated" {
	bad raw-trailing -r "trailing garbage"
	bad zlib-trailing -z "trailing garbage"
	bad gzip-trailing -g "trailing garbage"
	bad gzip-zeros -g "trailing garbage"
	bad zlib-truncated -z "truncated"
	bad gzip-truncated -g "truncated"
	: >"$IN"
	run -1 "$DUMP" -g <"$IN"
	[ "$output" = "inflatedump: truncated" ]
	run -1 "$DUMP" -d <"$IN"
	[ "$output" = "inflatedump: truncated" ]
}

@test "the causes are the same in pieces of one byte" {
	for c in bad-block-type:-r:"bad block type" \
	    stored-nlen:-r:"stored block LEN/NLEN mismatch" \
	    too-far:-r:"distance too far back" \
	    invalid-dist:-r:"invalid distance symbol" \
	    incomplete-dist:-r:"incomplete distance code" \
	    repeat-past-end:-r:"code lengths repeat past the end" \
	    zlib-adler:-z:"Adler-32 mismatch" \
	    zlib-trailing:-z:"trailing garbage" \
	    gzip-hcrc:-g:"gzip header CRC mismatch" \
	    gzip-trailing:-g:"trailing garbage"; do
		IFS=: read -r name flag cause <<EOF
$c
EOF
		bad "$name" "$flag" "$cause" -i 1 -o 1
		bad "$name" "$flag" "$cause" -i 2 -o 7
	done
}

@test "every cut of two gzip members is truncated, its output a prefix" {
	roundtrip '
data = MIX[:3000]
first = deflate(data, 9, 31)
g = first + deflate(data[:100], 1, 31)
# Every cut whole, every 11th in 1-byte pieces too: under make asan the
# runs are slow, and how a cut is handled does not depend on the piece size.
for n in range(len(g)):
    if n == len(first):
        continue
    for i, o in ((65536, 65536), (1, 1))[:1 if n % 11 else 2]:
        p = subprocess.run([DUMP, "-g", "-i", str(i), "-o", str(o)],
            input=g[:n], capture_output=True, timeout=10)
        if (p.returncode != 1 or p.stderr != b"inflatedump: truncated\n" or
                not (data + data[:100]).startswith(p.stdout)):
            bad.append("cut at %d: exit %d %r" % (n, p.returncode,
                p.stderr))
'
}

# maxrss FILE: the last line of /usr/bin/time -f %M's FILE, in KiB.
maxrss() {
	tail -n 1 "$1"
}

@test "a bomb decodes in bounded memory" {
	[ -x /usr/bin/time ] || skip "no /usr/bin/time"
	# 10 GiB of zeros compressed on the fly, decoded into head -c 100M.
	python3 -c '
import sys, zlib
c = zlib.compressobj(9, zlib.DEFLATED, 31)
z = bytes(1 << 20)
try:
    for _ in range(10 << 10):
        sys.stdout.buffer.write(c.compress(z))
    sys.stdout.buffer.write(c.flush())
except BrokenPipeError:
    pass
' | /usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/rss" "$DUMP" -g |
	    head -c 100M | wc -c >"$OUT"
	[ "$(cat "$OUT")" -eq 104857600 ]
	echo "max RSS $(maxrss "$BATS_TEST_TMPDIR/rss") KiB"
	[ "$(maxrss "$BATS_TEST_TMPDIR/rss")" -lt 8192 ]
	# 1 MiB of zeros as a gzip member, 1024 times: 1 GiB, all of it.
	python3 -c '
import gzip, sys
m = gzip.compress(bytes(1 << 20), 9)
sys.stdout.buffer.write(m * 1024)
' >"$IN"
	[ "$(wc -c <"$IN")" -lt 1100000 ]
	/usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/rss" "$DUMP" -g <"$IN" |
	    wc -c >"$OUT"
	[ "$(cat "$OUT")" -eq 1073741824 ]
	echo "max RSS $(maxrss "$BATS_TEST_TMPDIR/rss") KiB"
	[ "$(maxrss "$BATS_TEST_TMPDIR/rss")" -lt 8192 ]
}

@test "inflatedump takes one format and sizes from 1" {
	run -2 "$DUMP"
	[ "$output" = "usage: inflatedump -g | -z | -r | -d [-i N] [-o N]" ]
	run -2 "$DUMP" -g -z
	run -2 "$DUMP" -g -i 0
	[ "$output" = "inflatedump: bad size '0'" ]
}
