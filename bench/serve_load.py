#!/usr/bin/env python3
"""`partnerbook serve` under load, on loopback.

Copies the repository's example site to a temporary folder, adds a 100 MB
file to its static/ folder, and starts `target/dist/partnerbook serve`
on it. Then:

1. opens 200 live-reload websockets, as 200 open tabs do;
2. runs 50 HTTP/1.1 clients (keep-alive, pages, stylesheet, JSON, 404s)
   for 10 s, and counts requests, failures and latency;
3. edits a partner record and times the reload message's arrival on
   every one of the 200 sockets;
4. downloads the 100 MB file six times at once and reports how much the
   server's memory grew meanwhile;
5. checks that `GET /` still answers.

    cargo build --profile dist
    python3 bench/serve_load.py                  # the machine's fd limit
    python3 bench/serve_load.py --nofile 256     # macOS's default limit

With `--nofile 256` the 200 sockets and 50 clients need more descriptors
than serve has: it then slows down (it waits for connections to close
before taking new ones) but keeps serving. Not a test: the figures
depend on the machine, and the clients here are Python, which on a small
machine is slower than the server.
"""

import argparse
import asyncio
import base64
import json
import os
import pathlib
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
BIN = REPO / "target" / "dist" / "partnerbook"
LIVE = "/__partnerbook/live"


class LiveSocket:
    """A live-reload websocket, as a served page opens it (standard library
    only: the server never masks, and the client sends no frame)."""

    def __init__(self, host, port, timeout=10):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET {LIVE} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self.buf += self._recv()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        if not head.startswith(b"HTTP/1.1 101"):
            raise RuntimeError(f"no websocket: {head[:60]!r}")

    def _recv(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("the server closed the socket")
        return data

    def _take(self, n):
        while len(self.buf) < n:
            self.buf += self._recv()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def next(self, timeout):
        """The next reload message, as a dict."""
        self.sock.settimeout(timeout)
        while True:
            b0, b1 = self._take(2)
            n = b1 & 0x7F
            if n == 126:
                n = int.from_bytes(self._take(2), "big")
            elif n == 127:
                n = int.from_bytes(self._take(8), "big")
            payload = self._take(n)
            opcode = b0 & 0x0F
            if opcode == 8:
                raise EOFError("the server closed the socket")
            if opcode == 1:
                return json.loads(payload)

    def close(self):
        self.sock.close()


def rss_kb(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def site_copy(workdir, big_mb):
    root = workdir / "site"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "partnerbook.yaml", root / "partnerbook.yaml")
    (root / "static" / "media").mkdir(parents=True)
    with open(root / "static" / "media" / "talk.mp4", "wb") as f:
        block = os.urandom(1 << 20)
        for _ in range(big_mb):
            f.write(block)
    return root


async def http_get(reader, writer, path, host):
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    return status


async def client(host, port, paths, until, latencies, failures, offset):
    reader = writer = None
    i = offset
    while time.perf_counter() < until:
        path, want = paths[i % len(paths)]
        i += 1
        t0 = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            status = await asyncio.wait_for(http_get(reader, writer, path, host), 30)
            if status != want:
                failures.append(f"{path}: {status}")
            latencies.append(time.perf_counter() - t0)
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as e:
            failures.append(f"{path}: {type(e).__name__} {e}")
            writer = None
    if writer is not None:
        writer.close()


async def load(host, port, paths, clients, seconds):
    latencies, failures = [], []
    until = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(client(host, port, paths, until, latencies, failures, n) for n in range(clients))
    )
    return latencies, failures, time.perf_counter() - started


async def download(host, port, path):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    total = 0
    while chunk := await reader.read(1 << 16):
        total += len(chunk)
        await asyncio.sleep(0.001)  # a reader slower than loopback
    writer.close()
    return total


async def downloads(host, port, path, n, pid):
    peak = [0]
    done = asyncio.Event()

    async def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kb(pid))
            await asyncio.sleep(0.02)

    sampler = asyncio.create_task(sample())
    sizes = await asyncio.gather(*(download(host, port, path) for _ in range(n)))
    done.set()
    await sampler
    return sizes, peak[0]


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sockets", type=int, default=200)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--big-mb", type=int, default=100)
    ap.add_argument("--nofile", type=int, help="serve's file descriptor limit (ulimit -n)")
    args = ap.parse_args()
    if not BIN.exists():
        sys.exit(f"{BIN} is missing: run `cargo build --profile dist` first")
    # the sockets and clients are ours too: this process needs room for them
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = args.sockets + args.clients + 64
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))

    def limit():
        if args.nofile:
            resource.setrlimit(resource.RLIMIT_NOFILE, (args.nofile, args.nofile))

    workdir = pathlib.Path(tempfile.mkdtemp(prefix="partnerbook-load-"))
    proc = None
    try:
        root = site_copy(workdir, args.big_mb)
        proc = subprocess.Popen(
            [str(BIN), "serve", "-p", "0", "--root", str(root)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "NO_COLOR": "1"},
            preexec_fn=limit,
        )
        stderr_lines = []
        threading.Thread(
            target=lambda: stderr_lines.extend(l.decode() for l in proc.stderr), daemon=True
        ).start()
        line = proc.stdout.readline().decode()
        if not line.startswith("serving "):
            raise RuntimeError(f"serve did not start: {line!r}")
        url = line.split()[1]
        hostport, mount = url.split("//")[1].split("/", 1)
        host, port = hostport.rsplit(":", 1)
        port = int(port)
        mount = "/" + mount
        limit_text = args.nofile or resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        print(
            f"partnerbook serve: {args.sockets} live-reload sockets, {args.clients} clients "
            f"for {args.seconds:g} s, {os.cpu_count()} CPUs, fd limit {limit_text}"
        )
        idle = rss_kb(proc.pid)

        records = sorted((root / "content" / "partners").glob("*.yaml"))
        record = records[0]
        page = f"{mount}partners/{record.stem}/index.html"
        paths = [
            (mount, 200),
            (page[: -len("index.html")], 200),
            (f"{mount}playbooks/", 200),
            (f"{mount}style.css", 200),
            (f"{mount}partners.json", 200),
            (f"{mount}no-such-page", 404),
        ]

        # the open tabs: each socket waits on its own thread for the reload
        sockets = []
        opened = time.perf_counter()
        for _ in range(args.sockets):
            sockets.append(LiveSocket(host, port, timeout=60))
        opened = time.perf_counter() - opened
        arrivals = [None] * len(sockets)

        def wait(i, live):
            try:
                while True:
                    msg = live.next(timeout=120)
                    if msg.get("all") or page in msg.get("paths", []):
                        arrivals[i] = time.perf_counter()
                        return
            except (OSError, EOFError) as e:
                arrivals[i] = e

        waiters = [threading.Thread(target=wait, args=(i, s)) for i, s in enumerate(sockets)]
        for t in waiters:
            t.start()

        latencies, failures, took = asyncio.run(
            load(host, port, paths, args.clients, args.seconds)
        )
        loaded = rss_kb(proc.pid)
        n = len(latencies) + len(failures)
        q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
        print(f"  requests      {n} in {took:.1f} s: {n / took:.0f}/s, {len(failures)} failed")
        for f in sorted(set(failures))[:5]:
            print(f"                {f}")
        print(f"  latency       p50 {ms(q[49])}, p99 {ms(q[98])}, max {ms(max(latencies, default=0))}")
        print(f"  sockets       {args.sockets} opened in {ms(opened)}")

        text = record.read_text()
        assert "\nowner: " in text, "the record has no owner line to edit"
        t0 = time.perf_counter()
        record.write_text(text.replace("\nowner: ", "\nowner: Load test ", 1))
        for t in waiters:
            t.join(timeout=30)
        reached = [a - t0 for a in arrivals if isinstance(a, float)]
        print(
            f"  reload        reached {len(reached)} of {args.sockets} sockets"
            + (f", the last after {ms(max(reached))}" if reached else "")
        )
        for s in sockets:
            s.close()

        print(f"  memory        RSS idle {idle // 1024} MB, after the load {loaded // 1024} MB")
        before = rss_kb(proc.pid)
        sizes, peak = asyncio.run(
            downloads(host, port, f"{mount}media/talk.mp4", 6, proc.pid)
        )
        ok = all(size > args.big_mb << 20 for size in sizes)
        print(
            f"  big file      six {args.big_mb} MB downloads at once: RSS {before // 1024} MB "
            f"before, peak {peak // 1024} MB (+{(peak - before) // 1024} MB)"
            + ("" if ok else "; a download was cut short")
        )
        status = asyncio.run(_get_status(host, port, mount))
        print(f"  afterwards    GET {mount} answered {status}")
        warnings = [l for l in stderr_lines if "cannot take new connections" in l]
        if warnings:
            print(f"  serve said    {warnings[0].strip()} ({len(warnings)} time(s))")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()
        shutil.rmtree(workdir)


async def _get_status(host, port, path):
    reader, writer = await asyncio.open_connection(host, port)
    status = await asyncio.wait_for(http_get(reader, writer, path, host), 30)
    writer.close()
    return status


if __name__ == "__main__":
    main()
