#!/usr/bin/env python3
"""Peak memory and time of the pixform CLI over a corpus, one process per file.

Runs `pixform INPUT TRANSFORM OUT` under `/usr/bin/time -v` (and `timeout`) for every file
under the given directories, then reports the maximum resident set size per category (the
first directory level under each root, e.g. odd/png, odd/tiff, photos), the worst file, and
the slowest file.

    cargo build --release --example pixform
    bench/corpus_memory.py                                  # odd corpus + photos
    bench/corpus_memory.py --transform w-2000,bl-5 ../shared/corpus/photos
    bench/corpus_memory.py --bin /work/main/target/release/examples/pixform --tsv out.tsv

The binary defaults to $CARGO_TARGET_DIR/release/examples/pixform, else
target/release/examples/pixform. Exit status 1 if any run crashed (killed by a signal, or
exit code outside the CLI's 0-5) or hit the timeout.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {"README.md", "MANIFEST.tsv"}


def default_bin() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "release" / "examples" / "pixform"


def run_one(binary, path, transform, out, timeout):
    cmd = ["/usr/bin/time", "-v", "timeout", "-s", "KILL", str(timeout),
           str(binary), str(path), transform, str(out)]
    start = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       errors="replace")
    wall = time.monotonic() - start
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    rss_kb = int(m.group(1)) if m else -1
    m = re.search(r"Exit status: (\d+)", p.stderr)
    code = int(m.group(1)) if m else p.returncode
    signal = re.search(r"Command terminated by signal (\d+)", p.stderr)
    return rss_kb, wall, code, signal.group(1) if signal else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dirs", nargs="*", type=Path,
                    default=[ROOT / "../shared/corpus/odd", ROOT / "../shared/corpus/photos"])
    ap.add_argument("--bin", type=Path, default=default_bin())
    ap.add_argument("--transform", default="w-300,h-300")
    ap.add_argument("--ext", default="webp", help="output extension (sets the format)")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per file")
    ap.add_argument("--tsv", type=Path, help="write one line per file here")
    args = ap.parse_args()
    if not args.bin.exists():
        sys.exit(f"{args.bin} not found: cargo build --release --example pixform")

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"out.{args.ext}"
        for root in args.dirs:
            root = root.resolve()
            for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name not in SKIP):
                rel = path.relative_to(root)
                category = f"{root.name}/{rel.parts[0]}" if len(rel.parts) > 1 else root.name
                rss_kb, wall, code, signal = run_one(args.bin, path, args.transform, out,
                                                     args.timeout)
                rows.append((category, str(rel), rss_kb, wall, code, signal))

    if args.tsv:
        with open(args.tsv, "w") as f:
            f.write("category\tfile\tmax_rss_kb\twall_s\texit\tsignal\n")
            for r in rows:
                f.write("\t".join(str(x) for x in r) + "\n")

    print(f"{len(rows)} files, transform `{args.transform}` to {args.ext}, {args.bin}")
    print(f"{'category':22} {'files':>5} {'max RSS MiB':>11} {'slowest s':>9}  worst file (RSS)")
    cats = sorted({r[0] for r in rows})
    for c in cats:
        rs = [r for r in rows if r[0] == c]
        worst = max(rs, key=lambda r: r[2])
        slow = max(rs, key=lambda r: r[3])
        print(f"{c:22} {len(rs):5} {worst[2] / 1024:11.1f} {slow[3]:9.2f}  {worst[1]}")
    worst = max(rows, key=lambda r: r[2])
    slow = max(rows, key=lambda r: r[3])
    print(f"max RSS: {worst[2] / 1024:.1f} MiB  ({worst[0]}: {worst[1]})")
    print(f"slowest: {slow[3]:.2f} s  ({slow[0]}: {slow[1]})")
    codes = {}
    for r in rows:
        codes[r[4]] = codes.get(r[4], 0) + 1
    print("exit codes: " + ", ".join(f"{k}: {v}" for k, v in sorted(codes.items())))
    # The CLI exits 0-5; 137 is the timeout's SIGKILL; anything else is a crash.
    bad = [r for r in rows if r[5] is not None or r[4] not in range(0, 6)]
    for r in bad:
        print(f"CRASH/TIMEOUT: {r[0]}: {r[1]} exit {r[4]} signal {r[5]}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
