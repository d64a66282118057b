#!/usr/bin/env python3
"""An HTTP/1.1 server for the cookie tests (httpget-cookie.bats).

    cookiesrv.py LOG
        listens on 127.0.0.1, an ephemeral port, and prints "port N"; each
        request is answered 200 with an empty body and one Set-Cookie
        header for every set=VALUE of its query (percent-decoded, in
        order); its Host, path (without the query) and Cookie header ("-"
        for none; several joined by "; ") are appended to LOG as one line
        "HOST PATH COOKIE".
"""
import http.server
import sys
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        sets = urllib.parse.parse_qs(url.query).get("set", [])
        cookies = self.headers.get_all("Cookie") or ["-"]
        with open(sys.argv[1], "a", encoding="utf-8",
                  errors="surrogateescape") as log:
            log.write("%s %s %s\n" % (self.headers.get("Host"), url.path,
                                      "; ".join(cookies)))
        self.send_response(200)
        for v in sets:
            self.send_header("Set-Cookie", v)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    # A thread a connection: curl keeps one per host open.
    http.server.ThreadingHTTPServer.daemon_threads = True
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("port %d" % server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
