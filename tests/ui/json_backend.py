#!/usr/bin/env python3
"""A JSON backend for the dashboard e2e test (tests/ui/dashboard_e2e.sh).

GET <path>[?query] answers 200 with the file <root><path>.json (Content-Type
application/json), or 404 {"error":"not found"}. Listens on 127.0.0.1, port 0 (a free port),
prints "listening on 127.0.0.1:PORT" once ready, and serves until SIGTERM.
"""
import argparse
import http.server
import os
import signal
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", required=True, help="folder holding <path>.json files")
    args = parser.parse_args()
    root = os.path.realpath(args.root)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the proxy's upstream pool expects

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            file = os.path.realpath(root + path + ".json")
            status, body = 404, b'{"error":"not found"}'
            if file.startswith(root + os.sep) and os.path.isfile(file):
                with open(file, "rb") as f:
                    status, body = 200, f.read()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # quiet: the test prints what matters
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
