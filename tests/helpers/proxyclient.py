#!/usr/bin/env python3
"""A client that speaks HAProxy's PROXY protocol first, as a balancer does.

    proxyclient.py [OPTIONS] HOST PORT

    -1 SRC DST SPORT DPORT   a v1 header (TCP4, or TCP6 when SRC has a colon)
    -2 SRC DST SPORT DPORT   a v2 PROXY header over TCP (IPv4 or IPv6)
    -u                       a v1 "PROXY UNKNOWN" header
    -L                       a v2 LOCAL header (a health check)
    -U                       a v2 PROXY header for a UNIX family
    -t N                     v2: N bytes of TLVs (type 0xEE) after the addresses
    -l N                     v2: write N as the length field, whatever follows
    -r HEX                   these raw bytes instead of a header
    -c N                     cut the header's last N bytes off (never sent)
    -s N                     send the header N bytes a write, 20 ms apart
    -d DATA                  DATA after the header (\\n is a newline); with
                             -s 0 in the same write as the header
    -b PORT                  bind this source port first
    -B ADDR                  bind this source address (with -b: both)
    -w SECS                  wait this long after sending before shutting
                             down the sending side (default 0; -1: never)

Prints what came back until EOF or a reset (5 s of silence: exit 3).
Exit 0.
"""
import getopt
import socket
import struct
import sys
import time

SIG = b'\r\n\r\n\x00\r\nQUIT\n'


def addrs(src, dst, sport, dport):
    if ':' in src:
        f = socket.AF_INET6
        fam = 0x21
    else:
        f = socket.AF_INET
        fam = 0x11
    return fam, (socket.inet_pton(f, src) + socket.inet_pton(f, dst) +
                 struct.pack('!HH', int(sport), int(dport)))


def main():
    opts, args = getopt.getopt(sys.argv[1:], '1:2:uLUt:l:r:c:s:d:b:B:w:')
    if len(args) < 2:
        sys.exit('usage: proxyclient.py [OPTIONS] HOST PORT')
    # -1 and -2 take four words: the first here, three from args
    hdr = b''
    tlv = 0
    length = None
    cut = 0
    step = 0
    data = b''
    bind = None
    baddr = None
    wait = 0.0
    rest = list(args)
    for o, v in opts:
        if o in ('-1', '-2'):
            src, dst, sp, dp = v, rest.pop(0), rest.pop(0), rest.pop(0)
            if o == '-1':
                p = 'TCP6' if ':' in src else 'TCP4'
                hdr = ('PROXY %s %s %s %s %s\r\n' %
                       (p, src, dst, sp, dp)).encode()
            else:
                fam, body = addrs(src, dst, sp, dp)
                hdr = ('v2', 0x21, fam, body)
        elif o == '-u':
            hdr = b'PROXY UNKNOWN\r\n'
        elif o == '-L':
            hdr = ('v2', 0x20, 0x00, b'')
        elif o == '-U':
            hdr = ('v2', 0x21, 0x31, b'\0' * 216)
        elif o == '-t':
            tlv = int(v)
        elif o == '-l':
            length = int(v)
        elif o == '-r':
            hdr = bytes.fromhex(v)
        elif o == '-c':
            cut = int(v)
        elif o == '-s':
            step = int(v)
        elif o == '-d':
            data = v.replace('\\n', '\n').encode()
        elif o == '-b':
            bind = int(v)
        elif o == '-B':
            baddr = v
        elif o == '-w':
            wait = float(v)
    if isinstance(hdr, tuple):
        _, vc, fam, body = hdr
        if tlv:
            body += struct.pack('!BH', 0xEE, tlv - 3) + b'x' * (tlv - 3)
        n = len(body) if length is None else length
        hdr = SIG + bytes([vc, fam]) + struct.pack('!H', n) + body
    if cut:
        hdr = hdr[:-cut]
    host, port = rest[0], int(rest[1])
    f = socket.AF_INET6 if ':' in host else socket.AF_INET
    s = socket.socket(f, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if bind is not None or baddr is not None:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((baddr or host, bind or 0))
    s.settimeout(5)
    s.connect((host, port))
    out = b''
    try:
        if step:
            for k in range(0, len(hdr), step):
                s.sendall(hdr[k:k + step])
                time.sleep(0.02)
            if data:
                s.sendall(data)
        else:
            s.sendall(hdr + data)
        if wait > 0:
            time.sleep(wait)
        if wait >= 0:
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass        # closed already: a refusal
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except socket.timeout:
        sys.stdout.buffer.write(out)
        sys.exit(3)
    except OSError:
        pass                # reset or closed under a send: a refusal
    sys.stdout.buffer.write(out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
