"""scipy.sparse input gives the CLI's report on the same data as an svmlight
file, field by field."""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse

import lrfind
from conftest import assert_same, run_cli, without_input

OPTIONS = dict(batch_size=8, optimizer="adagrad", epochs=3, seed=5, repeats=2)


def sparse_data(rows=200, cols=30, density=0.15, seed=1):
    rng = np.random.default_rng(seed)
    X = scipy.sparse.random(rows, cols, density=density, format="csr", random_state=seed,
                            data_rvs=lambda n: rng.normal(size=n) * 3)
    w = rng.normal(size=cols)
    y = (X @ w + 0.1 * rng.normal(size=rows) > 0).astype(np.float64)
    return X, y


def write_svmlight(path, X, y):
    """One line per row, 1-based indices, values that read back as the same doubles."""
    X = X.tocsr()
    with open(path, "w") as f:
        for r in range(X.shape[0]):
            start, end = X.indptr[r], X.indptr[r + 1]
            cells = " ".join(f"{i + 1}:{float(v)!r}" for i, v in zip(X.indices[start:end], X.data[start:end]))
            f.write(f"{int(y[r])} {cells}\n")


def test_csr_equals_cli_on_the_svmlight_file(tmp_path, lr_find):
    X, y = sparse_data()
    write_svmlight(tmp_path / "data.svm", X, y)
    # --features: the file's largest index may be below the matrix's width.
    theirs = run_cli(lr_find, tmp_path / "data.svm", dict(model="logistic", features=X.shape[1], **OPTIONS))
    ours = lrfind.find(X, pd.Series(y, name="label"), model="logistic", **OPTIONS)
    assert ours["dataset"]["nonzeros"] == X.nnz
    assert ours["dataset"]["scaling"] == "scale"
    assert_same(without_input(ours), without_input(theirs))


def test_float32_csr_within_1e6_of_cli(tmp_path, lr_find):
    X, y = sparse_data(seed=4)
    X.data = X.data.astype(np.float32).astype(np.float64)  # values a float32 holds exactly
    write_svmlight(tmp_path / "data.svm", X, y)
    options = dict(model="logistic", float32=True, **OPTIONS)
    theirs = run_cli(lr_find, tmp_path / "data.svm", dict(options, features=X.shape[1]))
    ours = lrfind.find(X, pd.Series(y, name="label"), **options)
    assert ours["dataset"]["precision"] == "float32"
    assert_same(without_input(ours), without_input(theirs), rel=1e-6)


def test_csc_coo_and_csr_with_unsorted_duplicates_equal_csr():
    X, y = sparse_data(seed=2)
    expected = lrfind.find(X, y, model="logistic", **OPTIONS)
    assert_same(lrfind.find(X.tocsc(), y, model="logistic", **OPTIONS), expected)
    assert_same(lrfind.find(X.tocoo(), y, model="logistic", **OPTIONS), expected)
    # The same rows with each value split in two halves, listed backwards
    # within the row (v/2 + v/2 is v exactly): not canonical CSR.
    indices, values, indptr = [], [], [0]
    for r in range(X.shape[0]):
        start, end = X.indptr[r], X.indptr[r + 1]
        indices += list(X.indices[start:end][::-1]) * 2
        values += list(X.data[start:end][::-1] / 2) * 2
        indptr.append(len(indices))
    split = scipy.sparse.csr_matrix((np.array(values), np.array(indices), np.array(indptr)), shape=X.shape)
    assert not split.has_canonical_format
    assert_same(lrfind.find(split, y, model="logistic", **OPTIONS), expected)
    assert not split.has_canonical_format  # the caller's matrix is left as it was


def test_sparse_nan_drops_the_row_and_inf_is_a_data_error():
    X, y = sparse_data(seed=3)
    X = X.tolil()
    X[4, 2] = np.nan
    with pytest.warns(UserWarning, match="dropped 1 of 200 rows"):
        report = lrfind.find(X.tocsr(), y, model="logistic", **OPTIONS)
    assert report["dataset"]["rows_dropped"] == 1
    X[4, 2] = np.inf
    with pytest.raises(lrfind.DataError, match="non-finite"):
        lrfind.find(X.tocsr(), y, model="logistic", **OPTIONS)
