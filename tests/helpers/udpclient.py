#!/usr/bin/env python3
"""A UDP client written the way a sockets course writes one.

    udpclient.py [-w SECONDS] HOST PORT   send stdin as one datagram (an empty
                                          stdin sends an empty datagram, as
                                          RFC 868 asks), print the reply
    udpclient.py -t [-w SECONDS] HOST PORT
                                          the same, then print the 4 bytes of
                                          RFC 868 as seconds since 1970

The socket is never bound: the kernel picks an ephemeral source port.  A HOST
with a colon is IPv6.  Exit 0 with a reply; 3 when none came within SECONDS
(default 5); 1 on any other error, with a message.
"""
import socket
import struct
import sys


def main():
    args = sys.argv[1:]
    rfc868 = False
    wait = 5.0
    while args and args[0].startswith('-'):
        opt = args.pop(0)
        if opt == '-t':
            rfc868 = True
        elif opt == '-w':
            wait = float(args.pop(0))
        else:
            args = []
    if len(args) != 2:
        print('usage: udpclient.py [-t] [-w SECONDS] HOST PORT',
              file=sys.stderr)
        return 2
    host, port = args[0], int(args[1])

    if ':' in host:
        family = socket.AF_INET6
    else:
        family = socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(wait)
    s.sendto(sys.stdin.buffer.read(), (host, port))
    data, addr = s.recvfrom(65535)
    s.close()
    if addr[0] != host or addr[1] != port:
        print('udpclient.py: reply from %s port %d' % (addr[0], addr[1]),
              file=sys.stderr)
        return 1

    if rfc868:
        if len(data) != 4:
            print('udpclient.py: %d bytes, not 4' % len(data),
                  file=sys.stderr)
            return 1
        print(struct.unpack('!I', data)[0] - 2208988800)
    else:
        sys.stdout.buffer.write(data)
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except socket.timeout:
        print('udpclient.py: no reply', file=sys.stderr)
        sys.exit(3)
    except OSError as e:
        print('udpclient.py: %s' % e, file=sys.stderr)
        sys.exit(1)
