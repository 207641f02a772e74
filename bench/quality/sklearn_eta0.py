#!/usr/bin/python3
"""How good is lrfind.sklearn.eta0_for's eta0 for scikit-learn's own SGD?

For each supported loss (and the invscaling schedule), on the shipped data
sets with a StandardScaler in front: eta0_for's eta0, scikit-learn's
cross-validated loss with it (5 folds, averaged over 3 shuffle seeds), the
best loss over a sweep of 19 eta0 values (1e-5..10, log-spaced), and the
loss with scikit-learn's default learning rate. Prints a Markdown table.

    PYTHONPATH=build/python /usr/bin/python3 bench/quality/sklearn_eta0.py
"""

import os
import sys
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.metrics import hinge_loss, make_scorer
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import lrfind.sklearn

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data")
CLASSIFY = StratifiedKFold(5, shuffle=True, random_state=0)
REGRESS = KFold(5, shuffle=True, random_state=0)
HINGE = make_scorer(hinge_loss, greater_is_better=False, needs_threshold=True)
# name, estimator, its default-rate twin, data, scorer, folds
CASES = [
    ("log_loss, constant", SGDClassifier(loss="log_loss", learning_rate="constant", max_iter=5, tol=None),
     SGDClassifier(loss="log_loss", max_iter=5, tol=None), "breast_cancer.csv", "neg_log_loss", CLASSIFY),
    ("hinge, constant", SGDClassifier(loss="hinge", learning_rate="constant", max_iter=5, tol=None),
     SGDClassifier(loss="hinge", max_iter=5, tol=None), "breast_cancer.csv", HINGE, CLASSIFY),
    ("squared_error, constant", SGDRegressor(learning_rate="constant", max_iter=5, tol=None),
     SGDRegressor(max_iter=5, tol=None), "diabetes.csv", "neg_mean_squared_error", REGRESS),
    ("squared_error, invscaling", SGDRegressor(learning_rate="invscaling", max_iter=5, tol=None),
     SGDRegressor(max_iter=5, tol=None), "diabetes.csv", "neg_mean_squared_error", REGRESS),
    ("log_loss, invscaling power_t=0.5",
     SGDClassifier(loss="log_loss", learning_rate="invscaling", power_t=0.5, max_iter=5, tol=None),
     SGDClassifier(loss="log_loss", max_iter=5, tol=None), "breast_cancer.csv", "neg_log_loss", CLASSIFY),
]


def cv_loss(estimator, X, y, scoring, cv, **params):
    losses = []
    for seed in range(3):
        pipe = make_pipeline(StandardScaler(), estimator.set_params(random_state=seed, **params))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            losses.append(-cross_val_score(pipe, X, y, cv=cv, scoring=scoring).mean())
    return float(np.mean(losses))


def main():
    print("| case | default rate: loss | eta0_for: eta0, loss | best of the sweep: eta0, loss | eta0_for / best |")
    print("|---|---|---|---|---|")
    for name, estimator, default, data, scoring, cv in CASES:
        frame = pd.read_csv(os.path.join(DATA, data))
        X, y = frame.iloc[:, :-1].to_numpy(), frame.iloc[:, -1].to_numpy()
        started = time.perf_counter()
        eta0 = lrfind.sklearn.eta0_for(make_pipeline(StandardScaler(), estimator), X, y, seed=0)
        seconds = time.perf_counter() - started
        ours = cv_loss(estimator, X, y, scoring, cv, eta0=eta0)
        sweep = {e: cv_loss(estimator, X, y, scoring, cv, eta0=e) for e in np.logspace(-5, 1, 19)}
        best = min((e for e in sweep if np.isfinite(sweep[e])), key=sweep.get)
        base = cv_loss(default, X, y, scoring, cv)
        print(f"| {name} ({data}) | {base:.4g} | {eta0:.3g}, {ours:.4g} ({seconds:.1f} s) | {best:.3g}, "
              f"{sweep[best]:.4g} | {ours / sweep[best]:.3f} |")
    print(f"\nReproduce: PYTHONPATH=build/python /usr/bin/python3 {' '.join(sys.argv)}")


if __name__ == "__main__":
    main()
