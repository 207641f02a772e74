#!/usr/bin/python3
"""auto's 1 repeat above 20,000 rows against 3 (lr-find 1.5.0's default change).

    /usr/bin/python3 bench/quality/repeats_large.py [--lr-find build/lr-find] [--svmlight FILE]

Generates two dense data sets (seed 5): 50,000 rows x 20 features with a
logistic target and 30,000 x 12 with a linear one, and runs default auto on
each with --repeats 3 and with the default (1), for sgd and adam (logistic)
or sgd and momentum (linear); with --svmlight FILE (say the sparse
benchmark's text-100k-200k.svm) also on that file, logistic sgd. For each it
prints both recommended rates, their ratio, the three-repeat search's loss
at its scored rate nearest the one-repeat rate, relative to the best it
scored, and both wall times.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np


def write_sets(folder):
    rng = np.random.default_rng(5)
    sets = []
    for name, n, d, kind in (("cls50k", 50000, 20, "logistic"), ("reg30k", 30000, 12, "linear")):
        X = rng.normal(size=(n, d)) * np.linspace(0.5, 3, d)
        z = X @ rng.normal(size=d) / np.sqrt(d)
        y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int) if kind == "logistic" else z + 0.5 * rng.normal(size=n)
        path = os.path.join(folder, name + ".csv")
        np.savetxt(path, np.column_stack([X, y]), delimiter=",", comments="", fmt="%.6g",
                   header=",".join([f"x{i}" for i in range(d)] + ["y"]))
        sets.append((path, kind))
    return sets


def run(lr_find, path, model, optimizer, extra):
    start = time.monotonic()
    out = subprocess.run([lr_find, path, "--model", model, "--optimizer", optimizer, "-q"] + extra,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out), time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr-find", default="build/lr-find")
    parser.add_argument("--svmlight")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cases = []
        for path, kind in write_sets(folder):
            for optimizer in (("sgd", "adam") if kind == "logistic" else ("sgd", "momentum")):
                cases.append((path, kind, optimizer))
        if args.svmlight:
            cases.append((args.svmlight, "logistic", "sgd"))
        print("| data | model | optimizer | rate, 3 repeats | rate, 1 repeat | ratio | excess loss (3 repeats) | time 3 / 1 |")
        print("|---|---|---|---|---|---|---|---|")
        for path, model, optimizer in cases:
            three, t3 = run(args.lr_find, path, model, optimizer, ["--repeats", "3"])
            one, t1 = run(args.lr_find, path, model, optimizer, [])
            scored = {c["lr"]: c["val_loss"] for c in three["auto"]["candidates"] if c["val_loss"] is not None}
            best = min(scored.values())
            lr3, lr1 = three["recommended_lr"], one["recommended_lr"]
            nearest = min(scored, key=lambda r: abs(math.log(r / lr1)))
            print(f"| {os.path.basename(path)} | {model} | {optimizer} | {lr3:.4g} | {lr1:.4g} | {lr1 / lr3:.3f} | "
                  f"{(scored[nearest] - best) / best:.1e} | {t3:.2f} s / {t1:.2f} s |")
    print(f"\nReproduce: /usr/bin/python3 {' '.join(sys.argv)}")


if __name__ == "__main__":
    main()
