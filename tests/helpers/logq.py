#!/usr/bin/env python3
"""Reads back superd's --log-format logfmt and json logs, for the tests.

    logq.py FORMAT LOG [KEY=VALUE ...] [-- FIELD ...]
        checks every line of LOG (FORMAT logfmt or json), then prints, for
        each record whose fields match every KEY=VALUE, its FIELDs separated
        by a blank ("-" for a field it lacks; every field when none given,
        as KEY=VALUE pairs)
    logq.py -t FORMAT LOG [KEY=VALUE ...] -- FIELD ...
        the same, but prints each FIELD's type: int, float or str
    logq.py send tcp|tcpopen|udp HOST PORT PORTFILE
        a client whose source port is known: binds HOST port 0, writes the
        port it got into PORTFILE, sends stdin (one datagram over UDP; tcp:
        then shuts down its sending side, tcpopen does not), prints the
        reply (TCP: up to EOF or a reset; UDP: one datagram) and exits 0;
        3 when nothing came in LOGQ_WAIT seconds (default 5)

Checking a line: it is valid UTF-8; a json line is one JSON object (parsed
by the json module), a logfmt line KEY=VALUE pairs separated by one blank,
a value bare (no blank, '=', '"' or control character) or a JSON string
literal; no key twice; the first field is time, RFC 3339 UTC with
milliseconds; event is start, exit, killed, refused or message.  A line that
fails exits 1, naming it.  In logfmt a bare value of digits is an int (with
a decimal point, a float), a quoted one a str.
"""
import errno
import json
import os
import re
import socket
import sys

TIME_RE = re.compile(r'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:'
                     r'[0-9]{2}\.[0-9]{3}Z$')
KEY_RE = re.compile(r'[a-z_][a-z0-9_]*=')
BARE_RE = re.compile(r'[^ ="\x00-\x1f\x7f]+')
EVENTS = ('start', 'exit', 'killed', 'refused', 'message')


def bare(v):
    if re.fullmatch(r'-?[0-9]+', v):
        return int(v)
    if re.fullmatch(r'-?[0-9]+\.[0-9]+', v):
        return float(v)
    return v


def parse_logfmt(line):
    rec = {}
    keys = []
    i = 0
    dec = json.JSONDecoder()
    while True:
        m = KEY_RE.match(line, i)
        if not m:
            raise ValueError('no key at %d' % i)
        k = m.group()[:-1]
        i = m.end()
        if line.startswith('"', i):
            v, i = dec.raw_decode(line, i)
        else:
            m = BARE_RE.match(line, i)
            if not m:
                raise ValueError('no value for %s' % k)
            v = bare(m.group())
            i = m.end()
        if k in rec:
            raise ValueError('key %s twice' % k)
        rec[k] = v
        keys.append(k)
        if i == len(line):
            return rec, keys
        if line[i] != ' ' or line.startswith(' ', i + 1):
            raise ValueError('not one blank at %d' % i)
        i += 1


def pairs_hook(pairs):
    seen = set()
    for k, _ in pairs:
        if k in seen:
            raise ValueError('key %s twice' % k)
        seen.add(k)
    return dict(pairs), [k for k, _ in pairs]


def parse_json(line):
    obj = json.loads(line, object_pairs_hook=pairs_hook)
    if not isinstance(obj, tuple):
        raise ValueError('not an object')
    return obj


def records(fmt, path):
    out = []
    with open(path, 'rb') as f:
        data = f.read()
    for n, raw in enumerate(data.split(b'\n')[:-1], 1):
        try:
            line = raw.decode('utf-8')
            rec, keys = parse_json(line) if fmt == 'json' else \
                parse_logfmt(line)
            if keys[0] != 'time' or not isinstance(rec['time'], str) or \
                    not TIME_RE.match(rec['time']):
                raise ValueError('no time first')
            if rec.get('event') not in EVENTS:
                raise ValueError('no event')
        except (ValueError, UnicodeDecodeError) as e:
            sys.exit('logq: %s:%d: %s: %r' % (path, n, e, raw))
        out.append(rec)
    if not data.endswith(b'\n') and data:
        sys.exit('logq: %s: last line unended' % path)
    return out


def show(v):
    if isinstance(v, bool):
        return 'bool'
    return {int: 'int', float: 'float', str: 'str'}.get(type(v), 'other')


def query(args):
    types = args[0] == '-t'
    if types:
        args = args[1:]
    fmt, path = args[0], args[1]
    args = args[2:]
    fields = []
    if '--' in args:
        fields = args[args.index('--') + 1:]
        args = args[:args.index('--')]
    sel = [a.split('=', 1) for a in args]
    for rec in records(fmt, path):
        if any(str(rec.get(k, '')) != v for k, v in sel):
            continue
        if not fields:
            print(' '.join('%s=%s' % kv for kv in rec.items()))
        elif types:
            print(' '.join(show(rec[f]) if f in rec else '-'
                           for f in fields))
        else:
            print(' '.join(str(rec[f]) if f in rec else '-'
                           for f in fields))


def send(proto, host, port, portfile):
    kind = socket.SOCK_DGRAM if proto == 'udp' else socket.SOCK_STREAM
    s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET,
                      kind)
    s.settimeout(float(os.environ.get('LOGQ_WAIT', '5')))
    s.bind((host, 0))
    with open(portfile, 'w') as f:
        f.write('%d\n' % s.getsockname()[1])
    data = sys.stdin.buffer.read()
    reply = b''
    try:
        if proto != 'udp':
            s.connect((host, int(port)))
            s.sendall(data)
            if proto == 'tcp':
                s.shutdown(socket.SHUT_WR)
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                reply += chunk
        else:
            s.sendto(data, (host, int(port)))
            reply = s.recv(65536)
    except socket.timeout:
        sys.exit(3)
    except OSError as e:
        # closed at once by a refusal (a reset, maybe before the shutdown
        # or the send): an end, as EOF is
        if e.errno not in (errno.ECONNRESET, errno.EPIPE, errno.ENOTCONN):
            raise
    sys.stdout.buffer.write(reply)


def main():
    if len(sys.argv) == 6 and sys.argv[1] == 'send':
        send(*sys.argv[2:])
    elif len(sys.argv) >= 3:
        query(sys.argv[1:])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
