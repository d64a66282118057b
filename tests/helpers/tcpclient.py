#!/usr/bin/env python3
"""A TCP client written the way a sockets course writes one.

    tcpclient.py HOST PORT            send stdin, shut down the sending side,
                                      receive until EOF, print what came
    tcpclient.py -n HOST PORT         send nothing: receive until EOF
                                      (daytime, time, qotd)
    tcpclient.py -c COUNT HOST PORT   receive COUNT bytes, then close (chargen)
    tcpclient.py -l HOST PORT         for each line of stdin: send it, receive
                                      as many bytes back, then the next line;
                                      close without a shutdown (echo)
    tcpclient.py -t HOST PORT         as -n, then print the 4 bytes of RFC 868
                                      as seconds since 1970

A HOST with a colon is IPv6.  Exit 0; 3 when the server is silent for 5 s;
1 on any other error, with a message.
"""
import socket
import struct
import sys

TIMEOUT = 5


def connect(host, port):
    if ':' in host:
        family = socket.AF_INET6
    else:
        family = socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    s.connect((host, port))
    return s


def recv_all(s, count=None):
    data = b''
    while count is None or len(data) < count:
        if count is None:
            chunk = s.recv(4096)
        else:
            chunk = s.recv(min(4096, count - len(data)))
        if not chunk:
            break
        data += chunk
    return data


def main():
    args = sys.argv[1:]
    mode = 'send'
    count = None
    if args and args[0] in ('-n', '-l', '-t'):
        mode = args.pop(0)
    elif args and args[0] == '-c':
        mode = '-c'
        args.pop(0)
        count = int(args.pop(0))
    if len(args) != 2:
        print('usage: tcpclient.py [-n | -c COUNT | -l | -t] HOST PORT',
              file=sys.stderr)
        return 2
    host, port = args[0], int(args[1])

    s = connect(host, port)
    out = b''
    if mode == 'send':
        s.sendall(sys.stdin.buffer.read())
        s.shutdown(socket.SHUT_WR)
        out = recv_all(s)
    elif mode in ('-n', '-t'):
        out = recv_all(s)
    elif mode == '-c':
        out = recv_all(s, count)
    elif mode == '-l':
        for line in sys.stdin.buffer:
            s.sendall(line)
            out += recv_all(s, len(line))
    s.close()

    if mode == '-t':
        if len(out) != 4:
            print('tcpclient.py: %d bytes, not 4' % len(out), file=sys.stderr)
            return 1
        seconds = struct.unpack('!I', out)[0]
        print(seconds - 2208988800)
    else:
        sys.stdout.buffer.write(out)
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main())
    except socket.timeout:
        print('tcpclient.py: timed out', file=sys.stderr)
        sys.exit(3)
    except OSError as e:
        print('tcpclient.py: %s' % e, file=sys.stderr)
        sys.exit(1)
