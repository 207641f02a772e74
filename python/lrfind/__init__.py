"""lr-find from Python: find a learning rate for a linear, logistic or SVM
model on data in memory (numpy, pandas) or in a file.

    >>> import lrfind
    >>> report = lrfind.find(X, y, model="logistic", batch_size=64)
    >>> report["recommended_lr"]

Every function returns lr-find's JSON report as Python objects (dicts keep
the report's key order; null is None). Options are the command line's long
names with '_' for '-' (batch_size=64, optimizer="adam", rates=[0.01, 0.1]);
an unknown keyword is a TypeError naming the nearest valid one. Bad settings
raise UsageError, unusable data DataError (both ValueErrors), with the
command line's messages; warnings go through warnings.warn.

The GIL is released while lr-find trains, so runs in several threads go in
parallel. Ctrl-C stops a run at its next batch and raises KeyboardInterrupt,
with the report of what was finished, if anything, as its `report`
attribute. `progress=True` draws a tqdm bar (when tqdm is installed);
`progress=callable` is called with (fraction, stage) on the
calling thread, about every 50 ms while the run moves; an exception it
raises stops the run and is raised in its place.
"""

import functools
import numbers
import os
import warnings

from . import _lrfind
from ._lrfind import DataError, UsageError

UsageError.__module__ = DataError.__module__ = "lrfind"  # shown as lrfind.UsageError

__all__ = ["find", "find_file", "check", "torch_settings", "UsageError", "DataError"]
__version__ = _lrfind.__version__


def find(X, y, *, model, progress=None, **options):
    """lr-find on X (rows of features) and y (one target per row).

    X: a 2-D numpy array of float64 or float32 (any memory order; other
    numeric types are converted to float64), a pandas DataFrame (numeric
    columns as numbers; object, string and categorical columns one-hot
    encoded as the CSV reader encodes text columns, named "column=level"),
    or a scipy.sparse matrix (trained as svmlight input is: scaling "scale"
    by default, non-zeros only).
    y: a numpy array, pandas Series or list; numbers, or class names.
    NaN (or None) marks a missing value: its row is dropped and counted;
    an infinite value is a DataError.
    """
    return _run(False, X, y, dict(options, model=model), progress)


def check(X, y, *, model, lr, progress=None, **options):
    """lr-find check on X and y: the report with its "check" object, whose
    "passed" says whether `lr` is within the recommended interval."""
    return _run(True, X, y, dict(options, model=model, lr=lr), progress)


def find_file(path, *, model, progress=None, **options):
    """lr-find on a CSV or svmlight file (gzip-compressed or not), as the
    command line reads it; FileNotFoundError when there is no such file."""
    return _run_file(path, dict(options, model=model), progress)


# Each public function calls the module through one helper, so that the
# module's warnings name the caller's line (warnings.warn's stacklevel 3).
def _run_file(path, options, progress):
    with _Progress(progress) as report:
        return report.done(_lrfind.find_file(os.fspath(path), options, report.callback))


class _Progress:
    """`progress` as the module takes it: a callable as it is; True for a tqdm
    bar (percent done, the stage as its description), or a warning when tqdm
    is not installed; None or False for none."""

    def __init__(self, progress):
        self.bar = None
        self.callback = None if progress is None or progress is False else progress
        if progress is not True:
            return
        try:
            from tqdm.auto import tqdm
        except ImportError:
            warnings.warn("progress=True draws a tqdm bar, and tqdm is not installed (apt install python3-tqdm)",
                          stacklevel=4)  # _Progress, _run, find: the caller's line
            self.callback = None
            return
        self.bar = tqdm(total=100, unit="%", bar_format="{desc}{percentage:3.0f}%|{bar}| [{elapsed}<{remaining}]")
        self.callback = self._update

    def _update(self, fraction, stage):
        self.bar.set_description(stage, refresh=False)
        self.bar.update(max(0.0, min(100.0, 100.0 * fraction) - self.bar.n))

    def done(self, report):
        if self.bar is not None:
            self.bar.update(100.0 - self.bar.n)
        return report

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        if self.bar is not None:
            self.bar.close()
        return False


def _is_sparse(X):
    module = type(X).__module__ or ""
    return module.startswith("scipy.sparse")


def _run(check, X, y, options, progress):
    import numpy as np

    if isinstance(X, (str, bytes, os.PathLike)):
        raise TypeError(f"X is a path ({os.fsdecode(X)!r}); lrfind.find_file(path, model=...) reads a file")

    if hasattr(y, "columns") and hasattr(y, "iloc"):  # a pandas DataFrame: one column, as a Series
        if y.shape[1] != 1:
            raise TypeError(f"y must be 1-D, not a DataFrame of {y.shape[1]} columns")
        y = y.iloc[:, 0]
    target_name = "y"
    if hasattr(y, "name") and hasattr(y, "to_numpy"):  # a pandas Series
        if y.name is not None:
            target_name = str(y.name)
    y = _targets(y)
    if _is_sparse(X):
        with _Progress(progress) as report:
            return report.done(_lrfind.find_sparse(check, *_sparse(X), y, target_name, options, report.callback))
    if hasattr(X, "columns") and hasattr(X, "dtypes"):  # a pandas DataFrame
        names = [str(c) for c in X.columns]
        columns = [_column(X.iloc[:, i]) for i in range(X.shape[1])]
        with _Progress(progress) as report:
            return report.done(_lrfind.find_frame(check, names, columns, y, target_name, options, report.callback))
    X = np.asarray(X)
    if np.iscomplexobj(X):
        raise TypeError("X must hold real numbers, not complex ones")
    if X.dtype not in (np.float64, np.float32):
        if not (np.issubdtype(X.dtype, np.number) or X.dtype == np.bool_):
            raise TypeError(f"X must hold numbers, not {X.dtype} (a pandas DataFrame takes text columns)")
        X = X.astype(np.float64)
    with _Progress(progress) as report:
        return report.done(_lrfind.find_array(check, X, y, target_name, [], options, report.callback))


def _targets(y):
    """y as a float64 array (numbers) or a list of cells (texts, numbers, None)."""
    import numpy as np

    if hasattr(y, "to_numpy"):  # pandas
        import pandas as pd

        if pd.api.types.is_numeric_dtype(y.dtype) and not isinstance(y.dtype, pd.CategoricalDtype):
            return y.to_numpy(dtype=np.float64, na_value=np.nan)
        return y.astype(object).where(y.notna(), None).tolist()
    array = np.asarray(y) if not isinstance(y, list) else None
    if array is not None and array.ndim == 1 and (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        return array.astype(np.float64)
    if array is not None and array.ndim == 2 and array.shape[1] == 1:  # a column, as scikit-learn takes it
        return _targets(array[:, 0])
    if array is not None and array.ndim != 1:
        raise TypeError(f"y must be 1-D, not {array.ndim}-D")
    return list(y)


def _column(series):
    """A DataFrame column: a float64 array when numeric, else its cells (None for missing)."""
    import numpy as np
    import pandas as pd

    if (pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype)) and \
            not isinstance(series.dtype, pd.CategoricalDtype):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    return series.astype(object).where(series.notna(), None).tolist()


def _sparse(X):
    """scipy.sparse X as the columns and compressed sparse rows (offsets,
    sorted distinct indices, values) find_sparse takes: converted, or copied
    when not canonical; the caller's matrix is left as it is."""
    import numpy as np

    X = X.tocsr()
    if not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()
    if X.shape[1] >= 2**31:
        raise ValueError(f"X has {X.shape[1]} columns; lr-find takes at most 2**31 - 1")
    if np.iscomplexobj(X.data):
        raise TypeError("X must hold real numbers, not complex ones")
    return (X.shape[1], X.indptr.astype(np.int64, copy=False), X.indices.astype(np.int32, copy=False),
            X.data.astype(np.float64, copy=False))


# torch.optim's class and keyword arguments for each of lr-find's optimizers
# (the report's "optimizer" object holds the hyper-parameters by name).
_TORCH_OPTIMIZERS = {
    "sgd": ("torch.optim.SGD", lambda o: {}),
    "momentum": ("torch.optim.SGD", lambda o: {"momentum": o["momentum"], "dampening": o["dampening"]}),
    "nesterov": ("torch.optim.SGD", lambda o: {"momentum": o["momentum"], "dampening": o["dampening"],
                                               "nesterov": True}),
    "adagrad": ("torch.optim.Adagrad", lambda o: {"lr_decay": o["lr_decay"], "eps": o["eps"],
                                                  "initial_accumulator_value": o["initial_accumulator_value"]}),
    "rmsprop": ("torch.optim.RMSprop", lambda o: {"alpha": o["alpha"], "eps": o["eps"]}),
    "adam": ("torch.optim.Adam", lambda o: {"betas": (o["beta1"], o["beta2"]), "eps": o["eps"]}),
    "sparse_adam": ("torch.optim.SparseAdam", lambda o: {"betas": (o["beta1"], o["beta2"]), "eps": o["eps"]}),
}

# torch.optim.lr_scheduler's class and keyword arguments for each schedule
# (the report's recommendation.schedule, whose step counts are batches).
_TORCH_SCHEDULERS = {
    "step": ("torch.optim.lr_scheduler.MultiStepLR",
             lambda s: {"milestones": [s["milestone_1"], s["milestone_2"]], "gamma": s["gamma"]}),
    "exponential": ("torch.optim.lr_scheduler.ExponentialLR", lambda s: {"gamma": s["gamma"]}),
    "cosine": ("torch.optim.lr_scheduler.CosineAnnealingLR", lambda s: {"T_max": s["T_max"], "eta_min": s["eta_min"]}),
    "onecycle": ("torch.optim.lr_scheduler.OneCycleLR",
                 lambda s: {"max_lr": s["max_lr"], "total_steps": s["total_steps"], "pct_start": s["pct_start"],
                            "div_factor": s["div_factor"], "final_div_factor": s["final_div_factor"],
                            "anneal_strategy": "cos", "cycle_momentum": False}),
    "invscaling": ("torch.optim.lr_scheduler.LambdaLR",
                   lambda s: {"lr_lambda": functools.partial(_invscaling, power_t=s["power_t"])}),
}


def _invscaling(step, power_t):
    """scikit-learn's invscaling factor at scheduler step `step` (from 0)."""
    return 1.0 / (step + 1) ** power_t


def torch_settings(report):
    """The torch.optim settings that train as lr-find's report recommends:
    {"optimizer": class name, "optimizer_kwargs": {...}, "scheduler": class
    name or None, "scheduler_kwargs": {...}, "scheduler_step": "batch"}.
    `lr` is the recommended rate; `weight_decay` is the report's L2 factor
    (torch adds weight_decay·p to every parameter's gradient, the bias's
    too: give the bias its own parameter group with weight_decay 0 to match
    lr-find, which never penalises the intercept). The scheduler's steps are
    batches: call scheduler.step() after every optimizer.step(). Step counts
    (T_max, total_steps, milestones) are the report's, counted in batches of
    the rows lr-find trained each rate on (a fold's, or the grid's training
    split): scale them to your training set's batches. For "invscaling" the
    scheduler is LambdaLR with lr_lambda t -> 1/(t+1)**power_t, so that
    LambdaLR(optimizer, **settings["scheduler_kwargs"]) works as for the
    others. For a check's report, lr is still the recommended rate, not the
    rate checked. Raises ValueError when the report has no recommended rate."""
    lr = report.get("recommended_lr")
    if lr is None:
        raise ValueError("torch_settings: the report has no recommended rate")
    optimizer = report["optimizer"]
    name, extra = _TORCH_OPTIMIZERS[optimizer["name"]]
    kwargs = {"lr": lr}
    kwargs.update(extra(optimizer))
    if optimizer["name"] != "sparse_adam":  # SparseAdam takes no weight decay
        kwargs["weight_decay"] = report["model"]["l2"]
    settings = {"optimizer": name, "optimizer_kwargs": kwargs, "scheduler": None, "scheduler_kwargs": {},
                "scheduler_step": "batch"}
    schedule = report["recommendation"].get("schedule") or {"name": "constant"}
    if schedule["name"] != "constant":
        scheduler, arguments = _TORCH_SCHEDULERS[schedule["name"]]
        settings["scheduler"] = scheduler
        settings["scheduler_kwargs"] = arguments(schedule)
    return settings
