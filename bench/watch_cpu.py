#!/usr/bin/env python3
"""What watching costs `partnerbook serve` on a large site, idle, and how
long an edit takes to show, with the system's watcher and with `--poll`.

Generates a site with ../shared/bench/gen_corpus.py (2,000 partners and 200
playbooks by default), starts `target/dist/partnerbook serve -p 0` on it,
waits for the first build, then reads the process's CPU time from /proc
over a quiet spell: that is what watching costs while nobody types. Then it
edits one partner record again and again and times each edit from just
before the file is written to the moment its page, fetched over HTTP,
shows the new text.

    cargo build --profile dist
    python3 bench/watch_cpu.py                       # 2,000 partners, 30 s idle
    python3 bench/watch_cpu.py --size 10000 --idle 60 --edits 10

Linux only (/proc). Not a test: the figures depend on the machine.
"""

import argparse
import os
import pathlib
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from reload import corpus  # the same generated sites as bench/reload.py

REPO = pathlib.Path(__file__).resolve().parent.parent
BIN = REPO / "target" / "dist" / "partnerbook"
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User and system time of the process and its threads, in seconds."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def get(port, path):
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data.decode("utf-8", "replace")


def run(root, args, idle, edits):
    proc = subprocess.Popen(
        [str(BIN), "serve", "-p", "0", "--root", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        first = proc.stdout.readline()
        port = int(first.split("http://127.0.0.1:")[1].split("/")[0])
        time.sleep(3)  # the first build's threads wind down
        before = cpu_seconds(proc.pid)
        time.sleep(idle)
        cpu = (cpu_seconds(proc.pid) - before) / idle * 100

        record = sorted((root / "content" / "partners").glob("*.yaml"))[0]
        page = f"/partners/{record.stem}/"
        original = record.read_text()
        times = []
        for i in range(edits):
            marker = f"Edited {i} {time.time()}"
            text = original.replace("name: ", f"name: {marker} ", 1)
            start = time.monotonic()
            record.write_text(text)
            while marker not in get(port, page):
                if time.monotonic() - start > 30:
                    raise TimeoutError(f"edit {i} did not show within 30 s")
                time.sleep(0.005)
            times.append((time.monotonic() - start) * 1000)
            # the next edit in another second, after any rebuild, at another
            # moment of the poll watcher's cycle
            time.sleep(1.1 + random.random())
        record.write_text(original)
        return cpu, times
    finally:
        proc.terminate()
        proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=2000, help="partners (default 2000)")
    ap.add_argument("--idle", type=float, default=30, help="seconds idle (default 30)")
    ap.add_argument("--edits", type=int, default=12, help="timed edits (default 12)")
    ap.add_argument("--workdir", type=pathlib.Path, help="keep corpora here")
    args = ap.parse_args()
    if not BIN.exists():
        sys.exit(f"{BIN} is missing: run `cargo build --profile dist` first")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or pathlib.Path(tmp)
        root = corpus(args.size, workdir)
        files = sum(1 for p in root.rglob("*") if p.is_file())
        print(f"{files} files, {args.idle:.0f} s idle, {args.edits} edits")
        for name, flags in [("system watcher", []), ("--poll", ["--poll"])]:
            cpu, times = run(root, flags, args.idle, args.edits)
            q = statistics.quantiles(times, n=4) if len(times) > 1 else times * 3
            print(
                f"{name:15} idle CPU {cpu:5.2f} %   edit to page: median {statistics.median(times):6.0f} ms"
                f"  (quartiles {q[0]:.0f}-{q[2]:.0f}, max {max(times):.0f})"
            )


if __name__ == "__main__":
    main()
