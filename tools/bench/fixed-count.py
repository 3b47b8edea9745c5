#!/usr/bin/env python3
"""fixed-count.py PORT N [CONNS]: exactly N keep-alive GETs to 127.0.0.1:PORT over CONNS
connections (default 16), cycling the four benchmark paths (tools/bench/lib.sh bench_paths).
Exits non-zero on any status other than 200 or a short response. A fixed request count, unlike
wrk's fixed duration, makes per-request counts (syscalls, instructions) exact."""
import asyncio
import sys

PATHS = ["/merchants/m1", "/merchants/m1/customers", "/merchants/m1/customers/c1",
         "/merchants/m1/transactions/t1"]


async def connection(port, counter, n):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = 0
    while counter[0] < n:
        counter[0] += 1
        writer.write(f"GET {PATHS[i % 4]} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
        i += 1
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        if not head.startswith(b"HTTP/1.1 200"):
            raise SystemExit(f"fixed-count: unexpected status line {head[:40]!r}")
        length = None
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        if length is None:
            raise SystemExit("fixed-count: response without Content-Length")
        await asyncio.wait_for(reader.readexactly(length), 30)
    writer.close()


async def main():
    port, n = int(sys.argv[1]), int(sys.argv[2])
    conns = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    counter = [0]
    await asyncio.gather(*(connection(port, counter, n) for _ in range(conns)))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    asyncio.run(main())
