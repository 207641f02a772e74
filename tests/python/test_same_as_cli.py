"""lrfind.find gives the CLI's report, field by field, on the same data and
options (tests/python/conftest.py says which fields name the input)."""

import numpy as np
import pandas as pd
import pytest

import lrfind
from conftest import assert_same, run_cli, without_input

OPTIONS = dict(batch_size=16, optimizer="adam", epochs=3, seed=7, repeats=2)


def classification_data(rows=240, features=4, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, features)) * np.array([1.0, 10.0, 0.1, 3.0])[:features]
    y = (X @ rng.normal(size=features) + rng.normal(size=rows) > 0).astype(np.float64)
    return X, y


def cell(value):
    """A number as a CSV cell that reads back as the same double; whole
    numbers without ".0", since the CLI names a class by its label's text
    and the module by the number ("0")."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def write_csv(path, X, y, names=None):
    names = names or [f"x{i + 1}" for i in range(X.shape[1])]
    with open(path, "w") as f:
        f.write(",".join(names + ["y"]) + "\n")
        for row, target in zip(X, y):
            f.write(",".join(repr(float(v)) for v in row) + f",{cell(target)}\n")


def test_numpy_float64_equals_cli(tmp_path, lr_find):
    X, y = classification_data()
    write_csv(tmp_path / "data.csv", X, y)
    theirs = run_cli(lr_find, tmp_path / "data.csv", dict(model="logistic", **OPTIONS))
    ours = lrfind.find(X, y, model="logistic", **OPTIONS)
    assert ours["recommended_lr"] is not None
    assert_same(without_input(ours), without_input(theirs))


def test_fortran_order_and_grid_equal_cli(tmp_path, lr_find):
    X, y = classification_data(rows=150, features=3, seed=2)
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1  # regression
    write_csv(tmp_path / "data.csv", X, y)
    options = dict(method="grid", rates=[0.001, 0.01, 0.1], epochs=2, schedule="cosine", l2=0.001, seed=3)
    theirs = run_cli(lr_find, tmp_path / "data.csv", dict(model="linear", **options))
    ours = lrfind.find(np.asfortranarray(X), list(y), model="linear", **options)
    assert_same(without_input(ours), without_input(theirs))


def test_float32_within_1e6_of_cli(tmp_path, lr_find):
    X, y = classification_data(seed=3)
    X32 = X.astype(np.float32)
    write_csv(tmp_path / "data.csv", X32.astype(np.float64), y)
    theirs = run_cli(lr_find, tmp_path / "data.csv", dict(model="logistic", float32=True, **OPTIONS))
    ours = lrfind.find(X32, y, model="logistic", float32=True, **OPTIONS)
    assert ours["dataset"]["precision"] == "float32"
    assert_same(without_input(ours), without_input(theirs), rel=1e-6)


def test_pandas_with_text_column_equals_cli(tmp_path, lr_find):
    rng = np.random.default_rng(4)
    rows = 200
    frame = pd.DataFrame({
        "size": rng.normal(size=rows) * 5,
        "colour": rng.choice(["red", "green", "blue", " blue"], size=rows),
        "count": rng.integers(0, 10, size=rows),
        "grade": pd.Categorical(rng.choice(["a", "b", "c"], size=rows)),
    })
    frame.loc[5, "colour"] = None  # missing: the row is dropped and counted
    frame.loc[9, "size"] = np.nan
    label = pd.Series(np.where(frame["size"].fillna(0) + (frame["colour"] == "red") * 3 > 1, "yes", "no"),
                      name="label")
    frame.assign(label=label).to_csv(tmp_path / "data.csv", index=False)
    options = dict(model="svm", **OPTIONS)
    theirs = run_cli(lr_find, tmp_path / "data.csv", options)
    with pytest.warns(UserWarning, match="dropped 2 of 200 rows"):
        ours = lrfind.find(frame, label, **options)
    assert ours["dataset"]["categorical_columns"] == ["colour", "grade"]
    assert ours["dataset"]["rows_dropped"] == 2
    assert ours["dataset"]["classes"] == ["no", "yes"]
    assert_same(without_input(ours), without_input(theirs))


def test_check_equals_cli_check(tmp_path, lr_find):
    X, y = classification_data(seed=5)
    write_csv(tmp_path / "data.csv", X, y)
    options = dict(model="logistic", **OPTIONS)
    theirs = run_cli(lr_find, tmp_path / "data.csv", dict(options, lr=0.05), check=True)
    ours = lrfind.check(X, y, lr=0.05, **options)
    assert "passed" in ours["check"]
    assert_same(without_input(ours), without_input(theirs))


def test_find_file_equals_cli(tmp_path, lr_find):
    X, y = classification_data(seed=6)
    write_csv(tmp_path / "data.csv", X, y)
    options = dict(model="logistic", **OPTIONS)
    theirs = run_cli(lr_find, tmp_path / "data.csv", options)
    ours = lrfind.find_file(tmp_path / "data.csv", **options)
    assert_same(ours, theirs)  # the same file: nothing excluded
