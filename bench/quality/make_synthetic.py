#!/usr/bin/env python3
"""Synthetic data sets for the recommendation-quality harness, generated
deterministically (fixed seeds, Python's standard library only: the Mersenne
Twister behind random.Random gives the same stream on every platform and
Python 3 version).

    python3 bench/quality/make_synthetic.py [OUT_DIR]          # the four benchmark sets
    python3 bench/quality/make_synthetic.py --timing FILE [--rows N]   # the timing set

The benchmark sets (written to OUT_DIR, default bench/quality/data):
  synth_regression.csv  800 rows, 8 strongly correlated features on scales from
                        0.001 to 1000, target around 250,000 (regression)
  synth_friedman.csv    600 rows, Friedman's #1 function of 5 of 10 uniform
                        features, noise sd 1 (regression)
  synth_imbalanced.csv  3000 rows, 12 features (gaussian, heavy-tailed,
                        binary flags), about 3% positives (binary)
  synth_multiclass.csv  1500 rows, 6 numeric features and one categorical
                        column, 5 unequally frequent classes (multiclass)
The timing set: N rows (default 10,000), 20 numeric features, binary target.
"""

import csv
import math
import os
import random
import sys


def fmt(x):
    return "%.6g" % x


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"{path}: {len(rows)} rows, {len(header) - 1} feature columns")


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def synth_regression(path, seed=101, n=800):
    # Two latent factors drive eight features; pairs of features share a factor
    # with correlation up to about 0.97, and the features' scales differ by six
    # orders of magnitude (standardisation must fix that). The target is large
    # (mean 250,000, sd about 70,000), so the untrained model's MSE is ~6e10
    # and the intercept has far to travel.
    rng = random.Random(seed)
    loadings = [(0.97, 0.0), (0.9, 0.3), (0.0, 0.95), (0.5, 0.8), (0.7, -0.6), (0.2, 0.2), (0.95, 0.1), (-0.6, 0.7)]
    scales = [1000.0, 0.001, 50.0, 3.0, 0.2, 10.0, 250.0, 1.0]
    offsets = [5000.0, 0.01, 300.0, 20.0, 1.0, 0.0, 2000.0, -5.0]
    rows = []
    for _ in range(n):
        u1, u2 = rng.gauss(0, 1), rng.gauss(0, 1)
        x = []
        for (a, b), s, o in zip(loadings, scales, offsets):
            rest = math.sqrt(max(0.0, 1.0 - a * a - b * b))
            x.append(o + s * (a * u1 + b * u2 + rest * rng.gauss(0, 1)))
        y = 250000.0 + 60000.0 * u1 - 25000.0 * u2 + 8000.0 * (x[5] / scales[5]) + rng.gauss(0, 15000.0)
        rows.append([fmt(v) for v in x] + [fmt(y)])
    write(path, [f"x{j + 1}" for j in range(8)] + ["price"], rows)


def synth_friedman(path, seed=202, n=600):
    # Friedman (1991), "Multivariate adaptive regression splines", function #1
    # (scikit-learn's make_friedman1): only x1..x5 matter, nonlinearly.
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        x = [rng.random() for _ in range(10)]
        y = (10.0 * math.sin(math.pi * x[0] * x[1]) + 20.0 * (x[2] - 0.5) ** 2 + 10.0 * x[3] + 5.0 * x[4]
             + rng.gauss(0, 1.0))
        rows.append([fmt(v) for v in x] + [fmt(y)])
    write(path, [f"x{j + 1}" for j in range(10)] + ["y"], rows)


def synth_imbalanced(path, seed=303, n=3000):
    # A rare positive class (about 3%) from a logistic model over eight
    # gaussian features (two of them correlated), two log-normal amounts with
    # heavy right tails, and two binary flags.
    rng = random.Random(seed)
    weights = [1.2, -0.8, 0.6, 0.0, 0.0, 0.4, -0.3, 0.0]
    rows = []
    for _ in range(n):
        g = [rng.gauss(0, 1) for _ in range(8)]
        g[1] = 0.8 * g[0] + 0.6 * g[1]
        amount = math.exp(rng.gauss(4.0, 1.0))
        balance = math.exp(rng.gauss(7.0, 1.5))
        flag_a = 1 if rng.random() < 0.3 else 0
        flag_b = 1 if rng.random() < 0.1 else 0
        z = (-4.3 + sum(w * v for w, v in zip(weights, g)) + 0.7 * (math.log(amount) - 4.0)
             + 1.0 * flag_b - 0.5 * flag_a)
        label = 1 if rng.random() < sigmoid(z) else 0
        rows.append([fmt(v) for v in g] + [fmt(amount), fmt(balance), flag_a, flag_b, label])
    write(path, [f"g{j + 1}" for j in range(8)] + ["amount", "balance", "flag_a", "flag_b", "positive"], rows)


def synth_multiclass(path, seed=404, n=1500):
    # Five classes with unequal priors and overlapping gaussian clusters in six
    # correlated dimensions, plus a categorical "channel" (four text levels)
    # that each class favours differently; lr-find one-hot encodes it.
    rng = random.Random(seed)
    classes = ["alpha", "beta", "gamma", "delta", "epsilon"]
    priors = [0.3, 0.25, 0.2, 0.15, 0.1]
    means = [[rng.gauss(0, 1.2) for _ in range(6)] for _ in classes]
    channels = ["web", "store", "phone", "partner"]
    rows = []
    for _ in range(n):
        r, k = rng.random(), 0
        while k < len(priors) - 1 and r >= priors[k]:
            r -= priors[k]
            k += 1
        common = rng.gauss(0, 1)
        x = [means[k][j] + 0.6 * common + 0.8 * rng.gauss(0, 1) for j in range(6)]
        x[5] *= 100.0  # one feature on another scale
        channel = channels[k % 4] if rng.random() < 0.5 else channels[rng.randrange(4)]
        rows.append([fmt(v) for v in x] + [channel, classes[k]])
    write(path, [f"m{j + 1}" for j in range(6)] + ["channel", "segment"], rows)


def timing_set(path, rows=10000, seed=505):
    # 20 gaussian features sharing one common factor; a binary target from a
    # logistic model over half of them.
    rng = random.Random(seed)
    weights = [rng.gauss(0, 0.5) if j % 2 == 0 else 0.0 for j in range(20)]
    out = []
    for _ in range(rows):
        common = rng.gauss(0, 1)
        x = [0.5 * common + rng.gauss(0, 1) for _ in range(20)]
        z = 0.3 + sum(w * v for w, v in zip(weights, x))
        out.append([fmt(v) for v in x] + [1 if rng.random() < sigmoid(z) else 0])
    write(path, [f"f{j + 1}" for j in range(20)] + ["label"], out)


def main(argv):
    if argv and argv[0] == "--timing":
        if len(argv) < 2:
            sys.exit("usage: make_synthetic.py --timing FILE [--rows N]")
        rows = int(argv[3]) if len(argv) >= 4 and argv[2] == "--rows" else 10000
        timing_set(argv[1], rows)
        return
    out = argv[0] if argv else os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    os.makedirs(out, exist_ok=True)
    synth_regression(os.path.join(out, "synth_regression.csv"))
    synth_friedman(os.path.join(out, "synth_friedman.csv"))
    synth_imbalanced(os.path.join(out, "synth_imbalanced.csv"))
    synth_multiclass(os.path.join(out, "synth_multiclass.csv"))


if __name__ == "__main__":
    main(sys.argv[1:])
