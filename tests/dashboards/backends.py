#!/usr/bin/env python3
"""Three tiny upstreams for the dashboards e2e test: `old`, `new` and `secondary`, each on
its own port 0 listener in this one process (Python 3 standard library only).

Prints one line per server, `<name> 127.0.0.1:<port>`, then `ready`, and serves until
killed. The answers differ on purpose so that every outcome the dashboards show has data:

  GET  /api/items/{n}   JSON item. `new` differs by design: n % 3 == 0 -> `price` is a
                        number, not a string (type); n % 5 == 0 -> `name` differs (value);
                        n % 7 == 0 -> `stock` is missing in new (missing) and `in_stock`
                        is extra. Every answer carries `served_by` (the server's name), so
                        old vs secondary differ there too (noise, once learned).
  GET  /api/flaky/{n}   `new` answers 500 for even n (shadow_error), else the same as old.
  GET  /api/slow/{n}    `new` sleeps 1 s for n % 4 == 0 (beyond the test's
                        shadow_timeout_ms: shadow_timeout), 0.02 s otherwise.
  POST /api/orders      rollback-mode endpoint: `new` echoes `Shadow-Rolled-Back:
                        <Shadow-Id>` unless the body contains "forget" (rollback_unconfirmed,
                        which trips the endpoint).
  anything else         {"ok": true} (e.g. /health, unmatched by the config).
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_handler(name):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the proxy's pools expect
        # Head and body leave in one write (flushed in _send), with TCP_NODELAY: a head and a
        # body in two small segments wait on delayed ACKs (~40 ms a response).
        wbufsize = 1 << 16
        disable_nagle_algorithm = True

        def log_message(self, fmt, *args):  # quiet: the test keeps logs small
            pass

        def _send(self, status, body, headers=None):
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the proxy gave up (a shadow timeout)

        def _num(self, prefix):
            try:
                return int(self.path[len(prefix):].split("?")[0])
            except ValueError:
                return 0

        def do_GET(self):
            if self.path.startswith("/api/items/"):
                n = self._num("/api/items/")
                item = {"id": n, "name": "item %d" % n, "price": "%d.50" % n,
                        "tags": ["a", "b"], "stock": n % 11, "served_by": name}
                if name == "new":
                    if n % 3 == 0:
                        item["price"] = n + 0.5
                    if n % 5 == 0:
                        item["name"] = "Item %d" % n
                    if n % 7 == 0:
                        item["in_stock"] = item.pop("stock") > 0
                return self._send(200, {"item": item})
            if self.path.startswith("/api/flaky/"):
                n = self._num("/api/flaky/")
                if name == "new" and n % 2 == 0:
                    return self._send(500, {"error": "boom"})
                return self._send(200, {"id": n, "ok": True})
            if self.path.startswith("/api/slow/"):
                n = self._num("/api/slow/")
                if name == "new":
                    time.sleep(1.0 if n % 4 == 0 else 0.02)
                return self._send(200, {"id": n, "slow": True})
            return self._send(200, {"ok": True})

        do_HEAD = do_GET

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if self.path.startswith("/api/orders"):
                headers = {}
                shadow_id = self.headers.get("Shadow-Id")
                if name == "new" and shadow_id and b"forget" not in body:
                    headers["Shadow-Rolled-Back"] = shadow_id
                return self._send(201, {"order": {"status": "created"}}, headers)
            return self._send(200, {"ok": True})

    return Handler


def main():
    servers = []
    for name in ("old", "new", "secondary"):
        server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(name))
        server.daemon_threads = True
        servers.append(server)
        print("%s 127.0.0.1:%d" % (name, server.server_address[1]), flush=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
