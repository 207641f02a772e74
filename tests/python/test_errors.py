"""Errors are Python exceptions with the CLI's messages; warnings go through
warnings.warn."""

import numpy as np
import pytest

import lrfind


def data(rows=60):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, 3))
    return X, (X[:, 0] > 0).astype(float)


def test_bad_option_value_is_usage_error():
    X, y = data()
    with pytest.raises(lrfind.UsageError, match="did you mean 'adam'") as caught:
        lrfind.find(X, y, model="logistic", optimizer="adamm")
    assert isinstance(caught.value, ValueError)
    with pytest.raises(lrfind.UsageError, match="--min-lr .* must be smaller than --max-lr"):
        lrfind.find(X, y, model="logistic", min_lr=1.0, max_lr=0.1)


def test_bad_data_is_data_error():
    X, y = data()
    X[3, 1] = np.inf
    with pytest.raises(lrfind.DataError, match="non-finite") as caught:
        lrfind.find(X, y, model="logistic")
    assert isinstance(caught.value, ValueError)
    X, _ = data()
    with pytest.raises(lrfind.DataError, match="single class"):
        lrfind.find(X, np.zeros(len(X)), model="logistic")


def test_unknown_keyword_is_type_error_with_the_nearest():
    X, y = data()
    with pytest.raises(TypeError, match="unexpected keyword argument 'batchsize'; did you mean 'batch_size'"):
        lrfind.find(X, y, model="logistic", batchsize=8)
    with pytest.raises(TypeError, match="'delimiter'; it applies to a file"):
        lrfind.find(X, y, model="logistic", delimiter=";")


def test_wrong_type_is_type_error():
    X, y = data()
    with pytest.raises(TypeError, match="'epochs' must be an int, not str"):
        lrfind.find(X, y, model="logistic", epochs="3")


def test_missing_file_is_file_not_found():
    with pytest.raises(FileNotFoundError) as caught:
        lrfind.find_file("/nonexistent/data.csv", model="linear")
    assert str(caught.value) == "[Errno 2] No such file or directory: '/nonexistent/data.csv'"
    assert caught.value.filename == "/nonexistent/data.csv"


def test_missing_value_drops_its_row_with_a_warning():
    X, y = data()
    X[4, 2] = np.nan
    with pytest.warns(UserWarning, match="dropped 1 of 60 rows") as warned:
        report = lrfind.find(X, y, model="logistic", method="range", repeats=1)
    assert warned[0].filename == __file__  # the caller's line, not the package's
    assert report["dataset"]["rows_dropped"] == 1
    assert report["dataset"]["rows"] == 59


def test_a_negative_count_is_a_usage_error_and_a_bool_is_not_an_int():
    X, y = data()
    with pytest.raises(lrfind.UsageError, match="threads must be 0 or more, not -1"):
        lrfind.find(X, y, model="logistic", threads=-1)
    with pytest.raises(TypeError, match="argument 'epochs' must be an int, not bool"):
        lrfind.find(X, y, model="logistic", epochs=True)


def test_y_as_a_one_column_dataframe_is_its_column_and_complex_x_is_refused():
    import pandas as pd

    X, y = data()
    frame = pd.DataFrame({"above": y})
    report = lrfind.find(X, frame, model="logistic", method="range", steps=10)
    assert report["dataset"]["target"] == "above"
    with pytest.raises(TypeError, match="not a DataFrame of 2 columns"):
        lrfind.find(X, pd.DataFrame({"a": y, "b": y}), model="logistic")
    with pytest.raises(TypeError, match="not complex"):
        lrfind.find(X.astype(complex), y, model="logistic")


def test_warnings_name_the_callers_line_for_sparse_x_too():
    import scipy.sparse as sp

    X, y = data()
    X = sp.csr_matrix(X)
    X.data[0] = np.nan
    with pytest.warns(UserWarning, match="dropped 1 of 60 rows") as caught:
        lrfind.find(X, y, model="logistic", method="range", steps=10)
    assert [w.filename for w in caught if "dropped" in str(w.message)] == [__file__]


def test_keywords_the_method_does_not_use_warn_at_the_callers_line():
    X, y = data()
    with pytest.warns(UserWarning, match='rates has no effect with method="range"') as caught:
        lrfind.find(X, y, model="logistic", method="range", steps=10, rates=[0.1])
    assert [w.filename for w in caught if "no effect" in str(w.message)] == [__file__]
    with pytest.warns(UserWarning, match='steps has no effect with method="grid"'):
        lrfind.find(X, y, model="logistic", method="grid", grid_points=3, epochs=1, steps=20)


def test_a_path_as_x_points_to_find_file_and_y_may_be_a_column():
    X, y = data()
    with pytest.raises(TypeError, match=r"X is a path \('data/iris.csv'\); lrfind.find_file"):
        lrfind.find("data/iris.csv", None, model="logistic")
    as_column = lrfind.find(X, y.reshape(-1, 1), model="logistic", method="range", steps=10)
    assert as_column == lrfind.find(X, y, model="logistic", method="range", steps=10)
    with pytest.raises(TypeError, match="y must be 1-D, not 2-D"):
        lrfind.find(X, np.stack([y, y], axis=1), model="logistic")
