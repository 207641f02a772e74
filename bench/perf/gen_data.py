#!/usr/bin/python3
"""Generate the CSV files of the performance benchmark (issue 4), deterministically.

    bench/perf/gen_data.py [--data-dir /tmp/lrfind-bench] [--quick] [--seed 0]

Files (full size; --quick makes every file 10x shorter and names it by its rows):
  reg-1m.csv        1,000,000 rows: x0..x19 and y of a noisy linear model (~178 MB)
  reg-200k-101.csv    200,000 rows: x0..x99 and y of a noisy linear model
  cls-1m.csv        1,000,000 rows: the same x0..x19 as reg-1m.csv, y in {0, 1}

Feature j is N(0, 1) times a scale log-spaced from 1 to 100 (so standardising
matters), written with %.6g. The numbers come from numpy's PCG64 seeded with
(seed, stream), drawn in fixed chunks of rows, so a file depends only on the
seed, its shape and GENERATOR_VERSION, never on the machine.

A file is skipped when it exists with the size recorded in the manifest
(manifest.json in the data directory) for the same seed, shape and version.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

GENERATOR_VERSION = 1
CHUNK_ROWS = 50_000
DEFAULT_DATA_DIR = "/tmp/lrfind-bench"
MANIFEST = "manifest.json"


def row_label(rows):
    """1000000 -> '1m', 200000 -> '200k', 20000 -> '20k'."""
    if rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}m"
    if rows % 1_000 == 0:
        return f"{rows // 1_000}k"
    return str(rows)


def dataset_specs(quick=False):
    """The benchmark files: dict key -> (file name, rows, features, kind).

    Keys are stable ('reg', 'wide', 'cls') so that run_bench.py can refer to
    a file whatever its size."""
    divisor = 10 if quick else 1
    big, wide = 1_000_000 // divisor, 200_000 // divisor
    return {
        "reg": (f"reg-{row_label(big)}.csv", big, 20, "regression"),
        "wide": (f"reg-{row_label(wide)}-101.csv", wide, 100, "regression"),
        "cls": (f"cls-{row_label(big)}.csv", big, 20, "classification"),
    }


def write_dataset(path, rows, features, kind, seed):
    """Write one CSV (header x0..x{features-1},y) and return its size in bytes.

    Streams: 0 = features, 1 = model weights, 2 = target noise. The features
    of a regression and a classification file of the same shape are therefore
    identical, and only the target differs."""
    feature_rng = np.random.default_rng([seed, 0, features])
    weight_rng = np.random.default_rng([seed, 1, features])
    noise_rng = np.random.default_rng([seed, 2, features])
    scales = np.logspace(0.0, 2.0, features)
    weights = weight_rng.standard_normal(features) / scales
    bias = 0.5
    header = ",".join([f"x{j}" for j in range(features)] + ["y"])
    tmp = path + ".tmp"
    with open(tmp, "w", newline="\n") as out:
        out.write(header + "\n")
        fmt = ",".join(["%.6g"] * features)
        for start in range(0, rows, CHUNK_ROWS):
            n = min(CHUNK_ROWS, rows - start)
            x = feature_rng.standard_normal((n, features)) * scales
            signal = x @ weights + bias
            if kind == "regression":
                y = signal + 0.5 * noise_rng.standard_normal(n)
                row_fmt = fmt + ",%.6g"
            else:
                # Logistic noise: P(y = 1) = sigmoid(signal), so the classes
                # overlap as in real data.
                y = (signal + noise_rng.logistic(size=n) > 0).astype(np.float64)
                row_fmt = fmt + ",%d"
            np.savetxt(out, np.column_stack([x, y]), fmt=row_fmt, delimiter=",")
    os.replace(tmp, path)
    return os.path.getsize(path)


def load_manifest(data_dir):
    try:
        with open(os.path.join(data_dir, MANIFEST)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save_manifest(data_dir, manifest):
    tmp = os.path.join(data_dir, MANIFEST + ".tmp")
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    os.replace(tmp, os.path.join(data_dir, MANIFEST))


def ensure_data(data_dir=DEFAULT_DATA_DIR, quick=False, seed=0, log=sys.stderr):
    """Generate the files that are missing or stale; return key -> path."""
    os.makedirs(data_dir, exist_ok=True)
    manifest = load_manifest(data_dir)
    paths = {}
    for key, (name, rows, features, kind) in dataset_specs(quick).items():
        path = os.path.join(data_dir, name)
        paths[key] = path
        recipe = {"version": GENERATOR_VERSION, "seed": seed, "rows": rows,
                  "features": features, "kind": kind}
        entry = manifest.get(name)
        if (entry and entry.get("recipe") == recipe and os.path.exists(path)
                and os.path.getsize(path) == entry.get("bytes")):
            print(f"gen_data: {name}: present ({entry['bytes'] / 1e6:.1f} MB), skipped",
                  file=log)
            continue
        began = time.perf_counter()
        size = write_dataset(path, rows, features, kind, seed)
        manifest[name] = {"recipe": recipe, "bytes": size}
        save_manifest(data_dir, manifest)
        print(f"gen_data: {name}: {rows} rows x {features + 1} columns, "
              f"{size / 1e6:.1f} MB in {time.perf_counter() - began:.1f} s", file=log)
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    parser.add_argument("--quick", action="store_true", help="files 10x smaller")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    ensure_data(args.data_dir, args.quick, args.seed)


if __name__ == "__main__":
    main()
