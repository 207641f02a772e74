#!/usr/bin/env python3
"""Converts data files shipped by Debian's python3-sklearn to plain CSV with a
header row, for the recommendation-quality harness. Standard library only.

    python3 bench/quality/convert_sklearn.py [SKLEARN_DATA_DIR] [OUT_DIR]

SKLEARN_DATA_DIR defaults to /usr/lib/python3/dist-packages/sklearn/datasets/data,
OUT_DIR to bench/quality/data. The values are copied as they are in the source
files (no rounding, no scaling); only headers are added or renamed.
"""

import csv
import gzip
import os
import sys

WINE_FEATURES = [
    "alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols",
    "flavanoids", "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue",
    "od280_od315_of_diluted_wines", "proline",
]


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"{path}: {len(rows)} rows, {len(header) - 1} features")


def convert_wine(src, out):
    # First line: "178,13,class_0,class_1,class_2"; then 13 features and a class index.
    with open(os.path.join(src, "wine_data.csv"), newline="") as f:
        lines = list(csv.reader(f))
    names = lines[0][2:]
    rows = [r[:13] + [names[int(r[13])]] for r in lines[1:] if r]
    write(os.path.join(out, "wine.csv"), WINE_FEATURES + ["cultivar"], rows)


def convert_digits(src, out):
    # 1797 rows of 64 pixel counts (an 8x8 image, row by row) and the digit; no header.
    with gzip.open(os.path.join(src, "digits.csv.gz"), "rt", newline="") as f:
        rows = [[str(int(float(v))) for v in r] for r in csv.reader(f) if r]
    header = [f"pixel_{i // 8}_{i % 8}" for i in range(64)] + ["digit"]
    write(os.path.join(out, "digits.csv"), header, rows)


def convert_boston(src, out):
    # First line: "506,13,..."; second: the column names; MEDV (median value, $1000s) is the target.
    # The column B (a transform of the proportion of Black residents) is left out: it is why
    # scikit-learn removed this data set, and a learning-rate benchmark has no use for it.
    with open(os.path.join(src, "boston_house_prices.csv"), newline="") as f:
        lines = list(csv.reader(f))
    header = [h.strip() for h in lines[1]]
    keep = [i for i, h in enumerate(header) if h != "B"]
    rows = [[r[i] for i in keep] for r in lines[2:] if r]
    write(os.path.join(out, "boston.csv"), [header[i].lower() for i in keep], rows)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/usr/lib/python3/dist-packages/sklearn/datasets/data"
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    os.makedirs(out, exist_ok=True)
    convert_wine(src, out)
    convert_digits(src, out)
    convert_boston(src, out)


if __name__ == "__main__":
    main()
