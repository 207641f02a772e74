#!/usr/bin/python3
"""Times two lr-find binaries on the same commands, interleaved (old, new,
old, new, ...), and prints the medians, their ratio and the spread. Used to
check that a refactoring keeps the speed (issue 12: within 10%).

  compare_binaries.py OLD NEW [--runs 10] [--data-dir /tmp/lrfind-bench] [--cases range,grid1,grid32,auto]

The files come from gen_data.py. Wall-clock times on a shared machine are
noisy: read the spread, and re-run at a quiet moment.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

RATES = ("1e-05,1.84785e-05,3.41455e-05,6.30957e-05,0.000116591,0.000215443,0.000398107,0.000735642,"
         "0.00135936,0.00251189,0.00464159,0.00857696,0.0158489,0.0292864,0.054117,0.1")


def cases(data_dir):
    reg = os.path.join(data_dir, "reg-1m.csv")
    common = ["--model", "linear", "-q", "-o", "/dev/null"]
    grid = ["--method", "grid", "--rates", RATES, "--epochs", "3", "--validation", "0"]
    return {
        "range": [reg, "--method", "range", "--repeats", "1"] + common,
        "grid1": [reg] + grid + ["--batch-size", "1"] + common,
        "grid32": [reg] + grid + common,
        "auto": [reg] + common,
    }


def timed(binary, args):
    start = time.perf_counter()
    run = subprocess.run([binary] + args, capture_output=True)
    elapsed = time.perf_counter() - start
    if run.returncode != 0:
        sys.exit(f"{binary} {' '.join(args)} exited {run.returncode}: {run.stderr.decode()[:300]}")
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--data-dir", default="/tmp/lrfind-bench")
    parser.add_argument("--cases", default="range,grid1,grid32,auto")
    a = parser.parse_args()
    all_cases = cases(a.data_dir)
    print(f"| case | old median (min..max) | new median (min..max) | new / old | runs |")
    print("|---|---|---|---:|---:|")
    for name in a.cases.split(","):
        args = all_cases[name]
        times = {"old": [], "new": []}
        timed(a.new, args)  # warm the page cache
        for _ in range(a.runs):
            times["old"].append(timed(a.old, args))
            times["new"].append(timed(a.new, args))
        o, n = statistics.median(times["old"]), statistics.median(times["new"])
        print(f"| {name} | {o:.3f} s ({min(times['old']):.3f}..{max(times['old']):.3f}) | "
              f"{n:.3f} s ({min(times['new']):.3f}..{max(times['new']):.3f}) | {n / o:.3f} | {a.runs} |", flush=True)
    print(f"\n{os.uname().nodename}, load average {os.getloadavg()[0]:.2f} at the end; "
          f"command: {' '.join(sys.argv)}")


if __name__ == "__main__":
    main()
