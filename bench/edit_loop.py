#!/usr/bin/env python3
"""The edit loop: one record edited, then built into the same output, again
and again, with default settings, as a partner manager works.

Variants alternate edit by edit (rotating who goes first), so that a noisy
spell of the machine hits each alike. Prints the median wall time of each.

    cargo build --profile dist
    python3 bench/edit_loop.py --workdir /tmp/bw                 # with and without the build cache
    python3 bench/edit_loop.py --bin old=/tmp/pb-old --bin new=target/dist/partnerbook

The corpus is ../shared/bench/gen_corpus.py's (10,000 partners by default),
generated into WORKDIR/c<N> unless it is there. The output is
WORKDIR/public<N>/partnerbook, as bench/build.py uses it. The record is
put back at the end. Not a test: the figures depend on the machine.
"""

import argparse
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
BIN = REPO / "target" / "dist" / "partnerbook"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--size", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=14, help="edits per variant")
    ap.add_argument("--bin", action="append", default=[],
                    help="NAME=PATH, a binary to compare; without any, this build with and without its cache")
    args = ap.parse_args()
    workdir = pathlib.Path(args.workdir)
    corpus = workdir / f"c{args.size}"
    if not (corpus / "partnerbook").is_dir():
        subprocess.run([sys.executable, str(GEN), str(args.size), str(corpus), "--only", "partnerbook"],
                       check=True, stdout=subprocess.DEVNULL)
    site = corpus / "partnerbook"
    output = workdir / f"public{args.size}" / "partnerbook"
    if args.bin:
        variants = {name: (path, False) for name, path in (b.split("=", 1) for b in args.bin)}
    else:
        variants = {"with the cache": (str(BIN), False), "cache deleted first": (str(BIN), True)}
    record = sorted((site / "content" / "partners").glob("*.yaml"))[0]
    original = record.read_text()

    def build(binary):
        started = time.monotonic()
        subprocess.run([binary, "build", "-r", site, "-o", output], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.monotonic() - started

    build(next(iter(variants.values()))[0])  # the output exists, as it does for users
    times = {name: [] for name in variants}
    names = list(variants)
    try:
        for n in range(args.edits):
            for name in names[n % len(names):] + names[:n % len(names)]:
                binary, clear = variants[name]
                text = record.read_text()
                record.write_text(re.sub(r"^name: (.*)$", lambda m: f"name: {m.group(1)} e", text,
                                         count=1, flags=re.M))
                if clear:
                    shutil.rmtree(site / ".partnerbook-cache", ignore_errors=True)
                times[name].append(build(binary))
    finally:
        record.write_text(original)
    print(f"{args.size:,} partners, {args.edits} edits each, alternating")
    for name, runs in times.items():
        print(f"  {name:24} median {statistics.median(runs):6.3f} s   "
              f"quartiles {statistics.quantiles(runs, n=4)[0]:.3f}..{statistics.quantiles(runs, n=4)[2]:.3f}")


if __name__ == "__main__":
    main()
