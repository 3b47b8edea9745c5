#!/usr/bin/env python3
"""The page and the small JSON API that record-har has a real browser call (loopback only).

GET /                    the HTML page; its script makes the fetch() calls below in order,
                         then sets document.title to "done" (or "failed: ..."); sets a cookie
GET /api/items/1         200 JSON
POST /api/items          201 JSON (expects a JSON body)
PUT /api/items/2         200 JSON (expects a form-encoded body)
GET /api/stats           200 JSON sent gzip-compressed (Content-Encoding: gzip)
GET /api/logo.png        200 a 1x1 PNG (binary: the HAR holds it as base64)
GET /api/missing         404 JSON
GET /api/search?q=...    200 JSON naming the query it got

Every answer is fixed, so the HAR's bodies are the same on every run (tests assert them).
Listens on 127.0.0.1, port 0 (a free port), prints "listening on 127.0.0.1:PORT" once ready,
and serves until SIGTERM.
"""
import gzip
import http.server
import json
import signal
import struct
import sys
import zlib

PAGE = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>loading</title>
<link rel="icon" href="data:,"></head>
<body><pre id="log"></pre>
<script>
async function run() {
  const log = (s) => { document.getElementById('log').textContent += s + '\\n'; };
  const calls = [
    ['/api/items/1', {headers: {'Accept': 'application/json'}}],
    ['/api/items', {method: 'POST', headers: {'Content-Type': 'application/json'},
                    body: JSON.stringify({name: 'gadget', price: 12.5, tags: ['new']})}],
    ['/api/items/2', {method: 'PUT',
                      body: new URLSearchParams({name: 'gadget v2', note: 'a&b=c'})}],
    ['/api/stats', {}],
    ['/api/logo.png', {}],
    ['/api/missing', {headers: {'Accept': 'application/json'}}],
    ['/api/search?q=blue+widget&page=2&tag=a%2Fb', {}],
  ];
  for (const [url, init] of calls) {
    const r = await fetch(url, init);
    const body = await r.arrayBuffer();
    log(r.status + ' ' + url + ' ' + body.byteLength);
  }
}
run().then(() => { document.title = 'done'; },
           (e) => { document.title = 'failed: ' + e; });
</script></body></html>
"""


def png_1x1():
    """A valid 1x1 RGBA PNG (its bytes are not UTF-8, so a HAR must store them as base64)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"\x00\xff\x80\x00\xff"  # filter byte, then one orange pixel
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def compact(obj):
    return json.dumps(obj, separators=(",", ":")).encode()


ITEM_1 = compact({"id": 1, "name": "widget", "price": 9.99, "tags": ["a", "b"]})
STATS = compact({"items": 2, "orders": 17, "top": ["widget", "gadget"]})
MISSING = compact({"error": "not found"})
# mtime=0 keeps the gzip bytes the same on every run.
STATS_GZIP = gzip.compress(STATS, compresslevel=9, mtime=0)
LOGO = png_1x1()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a browser expects
    server_version = "fixture-server"
    sys_version = ""

    def answer(self, status, body, content_type, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_GET(self):
        path, _, query = self.path.partition("?")
        if path == "/":
            self.answer(200, PAGE, "text/html; charset=utf-8",
                        [("Set-Cookie", "theme=dark; Path=/; SameSite=Lax")])
        elif path == "/api/items/1":
            self.answer(200, ITEM_1, "application/json")
        elif path == "/api/stats":
            self.answer(200, STATS_GZIP, "application/json", [("Content-Encoding", "gzip")])
        elif path == "/api/logo.png":
            self.answer(200, LOGO, "image/png")
        elif path == "/api/search":
            self.answer(200, compact({"query": query, "results": [{"id": 1}]}),
                        "application/json")
        else:
            self.answer(404, MISSING, "application/json")

    def do_POST(self):
        if self.path != "/api/items":
            return self.answer(404, MISSING, "application/json")
        item = json.loads(self.body())
        self.answer(201, compact({"id": 2, "name": item["name"], "price": item["price"]}),
                    "application/json", [("Location", "/api/items/2")])

    def do_PUT(self):
        if self.path != "/api/items/2":
            return self.answer(404, MISSING, "application/json")
        self.body()
        self.answer(200, compact({"id": 2, "updated": True}), "application/json")

    def log_message(self, *args):  # quiet
        pass


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
