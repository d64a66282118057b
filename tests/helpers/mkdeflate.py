#!/usr/bin/env python3
# mkdeflate.py CASE: writes to stdout a deflate, zlib or gzip stream made
# bit by bit (RFC 1951, 1950, 1952), most of them malformed in one way,
# for tests/httpget-inflate.bats; `mkdeflate.py list` names the cases.
# The well-formed ones are checked against python's zlib before they are
# written, so that the writer itself is known to be right.
import struct
import sys
import zlib

ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]


class Bits:
    """Bits in deflate's order: values lowest bit first, codes highest."""

    def __init__(self):
        self.v, self.n = 0, 0

    def put(self, val, nbits):
        self.v |= val << self.n
        self.n += nbits

    def code(self, c):
        code, length = c
        for i in range(length - 1, -1, -1):
            self.put(code >> i & 1, 1)

    def bytes(self):
        return self.v.to_bytes((self.n + 7) // 8, "little")


def canon(lengths):
    """RFC 1951 3.2.2: each symbol's (code, length), None if unused."""
    count = [0] * 16
    for n in lengths:
        count[n] += 1
    count[0] = 0
    code, nxt = 0, [0] * 16
    for b in range(1, 16):
        code = (code + count[b - 1]) << 1
        nxt[b] = code
    out = []
    for n in lengths:
        out.append((nxt[n], n) if n else None)
        if n:
            nxt[n] += 1
    return out


def lengths(n, given):
    out = [0] * n
    for sym, ln in given.items():
        out[sym] = ln
    return out


def dynamic(w, lit, dist, final=1, seq=None, clens=None, hlit=None,
            hdist=None):
    """A dynamic block's header; returns the two codes.  SEQ is the
    code length symbols (with their extra bits) if not plain lengths."""
    w.put(final, 1)
    w.put(2, 2)
    if seq is None:
        seq = [(n, 0) for n in lit + dist]
    if clens is None:
        used = sorted({s for s, _ in seq})
        rest = [s for s in range(19) if s not in used]
        syms = (used + rest)[:16] if len(used) <= 16 else used + rest
        clens = [0] * 19
        for i, s in enumerate(syms):
            clens[s] = 4 if len(syms) == 16 or i < 13 else 5
    hclen = 19
    while hclen > 4 and clens[ORDER[hclen - 1]] == 0:
        hclen -= 1
    w.put(len(lit) - 257 if hlit is None else hlit, 5)
    w.put(len(dist) - 1 if hdist is None else hdist, 5)
    w.put(hclen - 4, 4)
    for i in range(hclen):
        w.put(clens[ORDER[i]], 3)
    cc = canon(clens)
    for s, extra in seq:
        w.code(cc[s])
        if s >= 16:
            w.put(extra, {16: 2, 17: 3, 18: 7}[s])
    return canon(lit), canon(dist)


FIXED_LIT = canon([8] * 144 + [9] * 112 + [7] * 24 + [8] * 8)
FIXED_DIST = canon([5] * 32)


def fixed(syms, final=1):
    """A fixed block of literal/length and distance symbols: ('l', SYM)
    or ('d', SYM), extra bits as ('x', VALUE, NBITS)."""
    w = Bits()
    w.put(final, 1)
    w.put(1, 2)
    for s in syms:
        if s[0] == "l":
            w.code(FIXED_LIT[s[1]])
        elif s[0] == "d":
            w.code(FIXED_DIST[s[1]])
        else:
            w.put(s[1], s[2])
    return w.bytes()


def gzip_member(data, flags=0, extra=b"", name=b"", comment=b"",
                hcrc=None, crc=None, size=None, deflated=None):
    h = b"\x1f\x8b\x08" + bytes([flags]) + b"\0\0\0\0\0\x03"
    if flags & 4:
        h += struct.pack("<H", len(extra)) + extra
    if flags & 8:
        h += name + b"\0"
    if flags & 16:
        h += comment + b"\0"
    if flags & 2:
        h += struct.pack("<H", zlib.crc32(h) & 0xffff if hcrc is None
                         else hcrc)
    if deflated is None:
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        deflated = c.compress(data) + c.flush()
    return h + deflated + struct.pack(
        "<II", zlib.crc32(data) if crc is None else crc,
        len(data) if size is None else size)


def zlib_header(cmf, flg):
    """CMF and an FLG made to pass FCHECK (RFC 1950 2.2)."""
    flg &= 0xe0
    flg |= 31 - (cmf * 256 + flg) % 31 if (cmf * 256 + flg) % 31 else 0
    return bytes([cmf, flg])


def raw(data, level=6):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def good(stream, want, wbits=-15):
    if zlib.decompress(stream, wbits) != want:
        sys.exit("mkdeflate: the writer is wrong")
    return stream


def dyn_case(lit, dist, data, **kw):
    """A dynamic block of LIT and DIST lengths, then DATA: literals,
    ('m', LENSYM, DISTSYM) matches, ending with the end-of-block."""
    w = Bits()
    lc, dc = dynamic(w, lit, dist, **kw)
    for d in data:
        if isinstance(d, int):
            w.code(lc[d])
        else:
            w.code(lc[d[1]])
            w.code(dc[d[2]])
    if lc[256] is not None:
        w.code(lc[256])
    return w.bytes()


def build(case):
    text = b"The quick brown fox jumps over the lazy dog. " * 40
    if case == "bad-block-type":
        return bytes([0x07])
    if case == "stored-nlen":
        return b"\x01\x05\x00\x00\x00hello"
    if case == "stored-ok":
        return good(b"\x00\x05\x00\xfa\xffhello\x01\x00\x00\xff\xff",
                    b"hello")
    if case == "too-far-first":
        return fixed([("l", 257), ("d", 0)])
    if case == "too-far":
        # "ab", then a match 3 back: one byte before the output.
        return fixed([("l", 97), ("l", 98), ("l", 257), ("d", 2),
                      ("l", 256)])
    if case == "far-ok":
        return good(fixed([("l", 97), ("l", 98), ("l", 257), ("d", 1),
                           ("l", 256)]), b"ababa")
    if case == "invalid-lit":
        return fixed([("l", 97), ("l", 286)])
    if case == "invalid-dist":
        return fixed([("l", 97), ("l", 257), ("d", 30)])
    if case == "over-clen":
        w = Bits()
        dynamic(w, lengths(257, {256: 1}), [1], clens=[1] * 19)
        return w.bytes()
    if case == "incomplete-clen":
        w = Bits()
        clens = [0] * 19
        clens[1] = 1
        dynamic(w, lengths(257, {256: 1}), [1], clens=clens,
                seq=[(1, 0)] * 258)
        return w.bytes()
    if case == "over-lit":
        return dyn_case(lengths(257, {97: 1, 98: 1, 256: 1}), [1], [])
    if case == "incomplete-lit":
        return dyn_case(lengths(257, {97: 2, 256: 2}), [1], [97])
    if case == "single-lit":
        # Only the end of block, one bit: zlib takes it, RFC 1951 not.
        return dyn_case(lengths(257, {256: 1}), [1], [])
    if case == "over-dist":
        return dyn_case(lengths(258, {97: 1, 256: 2, 257: 2}), [1, 1, 1],
                        [])
    if case == "incomplete-dist":
        return dyn_case(lengths(258, {97: 1, 256: 2, 257: 2}), [2, 2],
                        [97])
    if case == "single-dist":
        return good(dyn_case(lengths(258, {97: 1, 256: 2, 257: 2}), [1],
                             [97, ("m", 257, 0), 97]), b"aaaaa")
    if case == "single-dist-unused":
        w = Bits()
        lc, dc = dynamic(w, lengths(258, {97: 1, 256: 2, 257: 2}), [1])
        w.code(lc[97])
        w.code(lc[257])
        w.put(1, 1)
        return w.bytes()
    if case == "no-dist":
        return good(dyn_case(lengths(257, {97: 1, 256: 1}), [0],
                             [97, 97]), b"aa")
    if case == "no-dist-match":
        w = Bits()
        lc, dc = dynamic(w, lengths(258, {97: 1, 256: 2, 257: 2}), [0])
        w.code(lc[97])
        w.code(lc[257])
        w.put(0, 8)
        return w.bytes()
    if case == "long-codes":
        # Codes of 1 to 15 bits, so that the longest need the search.
        lit = lengths(258, {97 + i: i + 1 for i in range(14)})
        lit[256] = lit[257] = 15
        data = [97 + i for i in range(14)] * 3 + [("m", 257, 0)] + \
            [110, 97] * 20
        want = b"abcdefghijklmn" * 3 + b"nnn" + b"na" * 20
        return good(dyn_case(lit, [1], data), want)
    if case == "repeat-first":
        w = Bits()
        dynamic(w, lengths(257, {256: 1}), [1],
                seq=[(16, 0)] + [(1, 0)] * 255)
        return w.bytes()
    if case == "repeat-past-end":
        w = Bits()
        dynamic(w, lengths(257, {256: 1}), [1],
                seq=[(18, 127), (18, 127), (1, 0)])
        return w.bytes()
    if case == "repeat-ok":
        # 16 repeats the 3 of "a" for "b", "c", "d"; 17 and 18 are zeros.
        lit = lengths(258, {97: 3, 98: 3, 99: 3, 100: 3, 256: 2, 257: 2})
        seq = [(18, 86), (3, 0), (16, 0), (18, 127), (17, 7), (17, 4),
               (2, 0), (2, 0), (0, 0)]
        return good(dyn_case(lit, [0], [97, 98, 99, 100], seq=seq),
                    b"abcd")
    if case == "too-many-lit":
        w = Bits()
        dynamic(w, lengths(287, {256: 1}), [1])
        return w.bytes()
    if case == "too-many-dist":
        w = Bits()
        dynamic(w, lengths(257, {256: 1}), [1] + [0] * 30)
        return w.bytes()
    if case == "no-eob":
        return dyn_case(lengths(258, {97: 1, 257: 1}), [1], [])
    if case == "raw-trailing":
        return raw(text) + b"x"
    if case == "zlib-check":
        return b"\x78\x9d" + raw(text)
    if case == "zlib-method":
        return zlib_header(0x77, 0) + raw(text)
    if case == "zlib-window":
        return zlib_header(0x88, 0) + raw(text)
    if case == "zlib-dict":
        return zlib_header(0x78, 0x20) + b"\0\0\0\1" + raw(text)
    if case == "zlib-adler":
        z = zlib.compress(text)
        return z[:-1] + bytes([z[-1] ^ 1])
    if case == "zlib-trailing":
        return zlib.compress(text) + b"\0"
    if case == "zlib-truncated":
        return zlib.compress(text)[:-1]
    if case == "gzip-magic":
        return b"\x1f\x8c" + gzip_member(text)[2:]
    if case == "gzip-method":
        return b"\x1f\x8b\x07" + gzip_member(text)[3:]
    if case == "gzip-flags":
        return gzip_member(text, flags=0x20)
    if case == "gzip-hcrc":
        return gzip_member(text, flags=2 | 8, name=b"a", hcrc=0x1234)
    if case == "gzip-crc":
        return gzip_member(text, crc=zlib.crc32(text) ^ 1)
    if case == "gzip-size":
        return gzip_member(text, size=len(text) + 1)
    if case == "gzip-trailing":
        return gzip_member(text) + b"hello"
    if case == "gzip-zeros":
        return gzip_member(text) + b"\0" * 8
    if case == "gzip-truncated":
        return gzip_member(text)[:-4]
    if case == "gzip-member-far":
        # The second member's match reaches into the first one's bytes.
        return gzip_member(b"ab") + gzip_member(
            b"ab", deflated=fixed([("l", 257), ("d", 1), ("l", 256)]))
    if case == "gzip-fields":
        return gzip_member(text, flags=2 | 4 | 8 | 16, extra=b"AB\2\0xy",
                           name=b"fox.txt", comment=b"a comment")
    sys.exit("mkdeflate: no case " + case)


CASES = """bad-block-type stored-nlen stored-ok too-far-first too-far far-ok
invalid-lit invalid-dist over-clen incomplete-clen over-lit incomplete-lit
single-lit over-dist incomplete-dist single-dist single-dist-unused no-dist
no-dist-match long-codes repeat-first repeat-past-end repeat-ok too-many-lit
too-many-dist no-eob raw-trailing zlib-check zlib-method zlib-window
zlib-dict zlib-adler zlib-trailing zlib-truncated gzip-magic gzip-method
gzip-flags gzip-hcrc gzip-crc gzip-size gzip-trailing gzip-zeros
gzip-truncated gzip-member-far gzip-fields""".split()

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: mkdeflate.py CASE | list")
    if sys.argv[1] == "list":
        print("\n".join(CASES))
    else:
        sys.stdout.buffer.write(build(sys.argv[1]))
