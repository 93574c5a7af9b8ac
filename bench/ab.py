#!/usr/bin/env python3
"""Two partnerbook binaries on one corpus, alternating: did a change pay?

    python3 bench/ab.py CORPUS OLD NEW [--runs N] [--out DIR]

CORPUS is a partnerbook site (e.g. `bench/gen_corpus.py 10000 DIR --only
partnerbook`, then DIR/partnerbook). Each binary builds into its own output
folder under DIR (default: beside CORPUS), which every later run builds
into again, as users do. Then, N times (default 4), for each binary in
turn: the site title is changed and the site rebuilt (every page changes).
Then, N times, for each in turn: its output is removed with `rm -rf` and
built again (a cold build). The runs alternate so that both binaries see
the same machine; what `bench/build.py` says about a busy machine applies.
Prints each binary's median and runs, and the ratio NEW/OLD per pair, the
figure to quote. The corpus's partnerbook.yaml is put back at the end.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path

ENV = dict(os.environ, SOURCE_DATE_EPOCH="1795305600", NO_COLOR="1")


def build(binary, root, out):
    t = time.perf_counter()
    subprocess.run([binary, "build", "--root", str(root), "-o", str(out), "--force"],
                   env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--out", type=Path, help="where the two output folders go")
    args = ap.parse_args()
    out = args.out or args.corpus.parent
    outs = {"old": (args.old, out / "ab-old"), "new": (args.new, out / "ab-new")}
    config = args.corpus / "partnerbook.yaml"
    text = config.read_text()
    times = {(row, side): [] for row in ("title change", "cold") for side in outs}
    try:
        for binary, folder in outs.values():
            shutil.rmtree(folder, ignore_errors=True)
            build(binary, args.corpus, folder)
        for i in range(args.runs):
            for side, (binary, folder) in outs.items():
                new = re.sub(r"^title:.*$", f"title: A/B title {i} {side}", text, count=1, flags=re.M)
                config.write_text(new if new != text else f"title: A/B title {i} {side}\n{text}")
                times["title change", side].append(build(binary, args.corpus, folder))
        for _ in range(args.runs):
            for side, (binary, folder) in outs.items():
                shutil.rmtree(folder)
                times["cold", side].append(build(binary, args.corpus, folder))
    finally:
        config.write_text(text)
    for row in ("title change", "cold"):
        for side in outs:
            runs = times[row, side]
            print(f"{row:13s} {side}  median {statistics.median(runs):6.2f} s  "
                  f"runs {[round(x, 2) for x in runs]}")
        pairs = [n / o for o, n in zip(times[row, "old"], times[row, "new"])]
        print(f"{row:13s} new/old per pair {[round(r, 2) for r in pairs]}, "
              f"median {statistics.median(pairs):.2f}")


if __name__ == "__main__":
    main()
