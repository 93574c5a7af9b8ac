#!/usr/bin/env python3
"""Edit-to-reload latency of `partnerbook serve`.

For each corpus size, generates a site with ../shared/bench/gen_corpus.py,
starts `target/dist/partnerbook serve -p 0` on it, opens the live-reload
websocket the way a browser page does, then edits one partner record
again and again. Each edit is timed from just before the file is written to
the moment the reload event naming that partner's page arrives (the page is
in place by then), and, separately, to the event for the portfolio page,
which lists every partner and is rendered in the second phase.

    cargo build --profile dist
    python3 bench/reload.py                # 1,000 and 10,000 partners
    python3 bench/reload.py --sizes 1000 --edits 30 --save rename

Prints medians, quartiles and extremes in milliseconds. Not a test: the
figures depend on the machine.
"""

import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from serve_load import LiveSocket

REPO = pathlib.Path(__file__).resolve().parent.parent
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
BIN = REPO / "target" / "dist" / "partnerbook"


def corpus(size, workdir):
    out = workdir / f"c{size}"
    if not (out / "partnerbook").is_dir():
        subprocess.run(
            [sys.executable, str(GEN), str(size), str(out), "--only", "partnerbook"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out / "partnerbook"


def save(path, text, how):
    if how == "rename":
        tmp = path.with_name("." + path.name + ".tmp")
        tmp.write_text(text)
        os.replace(tmp, path)
    else:
        with open(path, "w") as f:
            f.write(text)


def measure(root, edits, how):
    proc = subprocess.Popen(
        [str(BIN), "serve", "-p", "0", "--root", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_COLOR": "1"},
    )
    try:
        started = time.perf_counter()
        line = proc.stdout.readline().decode()
        if not line.startswith("serving "):
            raise RuntimeError(f"serve did not start: {line!r}")
        first_build = time.perf_counter() - started
        url = line.split()[1]
        hostport = url.split("//")[1].split("/")[0]
        host, port = hostport.rsplit(":", 1)
        mount = "/" + url.split("//")[1].split("/", 1)[1]
        events = LiveSocket(host, int(port))

        records = sorted((root / "content" / "partners").glob("*.yaml"))
        record = records[len(records) // 2]
        slug = record.stem
        page = f"{mount}partners/{slug}/index.html"
        portfolio = f"{mount}index.html"
        original = record.read_text()
        # the region shows on the partner's page and in the portfolio (only
        # pages whose bytes change reload)
        assert "\nregion: " in original, "the record has no region line to edit"
        to_page, to_portfolio = [], []
        for i in range(edits):
            text = original.replace("\nregion: ", f"\nregion: Edit {i} ", 1)
            t0 = time.perf_counter()
            save(record, text, how)
            seen_page = seen_portfolio = None
            while seen_page is None or seen_portfolio is None:
                event = events.next(timeout=30)
                now = time.perf_counter()
                paths = event.get("paths", [])
                if seen_page is None and (event.get("all") or page in paths):
                    seen_page = now
                if seen_portfolio is None and (event.get("all") or portfolio in paths):
                    seen_portfolio = now
            to_page.append((seen_page - t0) * 1000)
            to_portfolio.append((seen_portfolio - t0) * 1000)
            time.sleep(0.15)  # let the editor "type" again
        save(record, original, how)
        return first_build, to_page, to_portfolio
    finally:
        proc.terminate()
        proc.wait()


def summary(ms):
    q = statistics.quantiles(ms, n=4)
    return (
        f"median {statistics.median(ms):7.1f} ms   quartiles {q[0]:6.1f}..{q[2]:6.1f}"
        f"   min {min(ms):6.1f}   max {max(ms):7.1f}"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--save", choices=["write", "rename"], default="write",
                    help="overwrite in place (most editors) or write a temporary file and rename it")
    ap.add_argument("--workdir", help="where to keep generated corpora (default: a temporary folder)")
    args = ap.parse_args()
    if not BIN.exists():
        sys.exit(f"{BIN} is missing: run `cargo build --profile dist` first")
    workdir = pathlib.Path(args.workdir or tempfile.mkdtemp(prefix="partnerbook-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"partnerbook serve, edit-to-reload, {args.edits} edits, save by {args.save}, {os.cpu_count()} CPUs")
    for size in [int(s) for s in args.sizes.split(",")]:
        root = corpus(size, workdir)
        site = pathlib.Path(tempfile.mkdtemp(prefix="partnerbook-site-"))
        shutil.copytree(root, site / "partnerbook")
        first, to_page, to_portfolio = measure(site / "partnerbook", args.edits, args.save)
        print(f"{size:>6} partners  first build {first:6.2f} s")
        print(f"        partner page reloaded: {summary(to_page)}")
        print(f"        portfolio reloaded:    {summary(to_portfolio)}")
        shutil.rmtree(site)
    if not args.workdir:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
