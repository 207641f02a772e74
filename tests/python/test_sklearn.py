"""lrfind.sklearn.eta0_for: the eta0 it returns trains scikit-learn's own
SGD estimator to within 5% of the best cross-validated loss of a sweep of
19 eta0 values (1e-5..10), for each supported loss and schedule; the
settings it cannot map are refused by name. And lrfind.torch_settings."""

import os
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression, SGDClassifier, SGDRegressor
from sklearn.metrics import hinge_loss, make_scorer
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import lrfind
import lrfind.sklearn

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "data")


def table(name):
    frame = pd.read_csv(os.path.join(DATA, name))
    return frame.iloc[:, :-1].to_numpy(), frame.iloc[:, -1].to_numpy()


def cv_loss(pipe, X, y, eta0, scoring, cv):
    """scikit-learn's cross-validated loss at eta0, averaged over 3 shuffles."""
    step = pipe.steps[-1][0]
    losses = []
    for seed in range(3):
        pipe.set_params(**{f"{step}__eta0": eta0, f"{step}__random_state": seed})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # overflow at the sweep's largest rates
            losses.append(-cross_val_score(pipe, X, y, cv=cv, scoring=scoring).mean())
    return float(np.mean(losses))


CLASSIFY = StratifiedKFold(5, shuffle=True, random_state=0)
REGRESS = KFold(5, shuffle=True, random_state=0)
CASES = {
    "log_loss": (SGDClassifier(loss="log_loss", learning_rate="constant", max_iter=5, tol=None, penalty=None),
                 "breast_cancer.csv", "neg_log_loss", CLASSIFY),
    "hinge": (SGDClassifier(loss="hinge", learning_rate="constant", max_iter=5, tol=None),
              "breast_cancer.csv", make_scorer(hinge_loss, greater_is_better=False, needs_threshold=True), CLASSIFY),
    "squared_error": (SGDRegressor(learning_rate="constant", max_iter=5, tol=None),
                      "diabetes.csv", "neg_mean_squared_error", REGRESS),
    "squared_error_invscaling": (SGDRegressor(learning_rate="invscaling", max_iter=5, tol=None),
                                 "diabetes.csv", "neg_mean_squared_error", REGRESS),
    "log_loss_invscaling_power_half": (SGDClassifier(loss="log_loss", learning_rate="invscaling", power_t=0.5,
                                                     max_iter=5, tol=None),
                                       "breast_cancer.csv", "neg_log_loss", CLASSIFY),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_eta0_trains_scikit_learn_within_5_percent_of_the_sweeps_best(case):
    estimator, data, scoring, cv = CASES[case]
    X, y = table(data)
    pipe = make_pipeline(StandardScaler(), estimator)
    eta0 = lrfind.sklearn.eta0_for(pipe, X, y, seed=0)
    sweep = {e: cv_loss(pipe, X, y, e, scoring, cv) for e in np.logspace(-5, 1, 19)}
    best = min(v for v in sweep.values() if np.isfinite(v))
    ours = cv_loss(pipe, X, y, eta0, scoring, cv)
    assert ours <= 1.05 * best, (eta0, ours, best, sweep)
    assert max(v for v in sweep.values() if np.isfinite(v)) > 2 * best  # the rate matters here


def test_a_bare_estimator_sees_x_as_given_and_a_pipeline_its_transformed_x():
    X, y = table("diabetes.csv")
    regressor = SGDRegressor(learning_rate="constant", max_iter=3, tol=None, alpha=0.5)
    scaled = StandardScaler().fit_transform(X)
    bare = lrfind.sklearn.eta0_for(regressor, scaled, y, seed=1)
    piped = lrfind.sklearn.eta0_for(make_pipeline(StandardScaler(), regressor), X, y, seed=1)
    assert bare == piped
    # scikit-learn's ½(y - p)² is half of lr-find's (y - p)²: twice the rate, twice alpha as l2.
    eta0, report = lrfind.sklearn.eta0_for(regressor, scaled, y, seed=1, with_report=True)
    assert eta0 == bare == 2 * report["recommended_lr"]
    assert report["model"]["kind"] == "linear" and report["model"]["l2"] == 1.0
    c = report["config"]
    assert (c["batch_size"], c["epochs"], c["schedule"], c["scaling"], c["optimizer"]) == (1, 3, "constant", "none", "sgd")


def test_classifier_settings_map_one_to_one():
    X, y = table("breast_cancer.csv")
    X = StandardScaler().fit_transform(X)
    hinge = SGDClassifier(loss="hinge", learning_rate="invscaling", power_t=0.25, alpha=0.003, max_iter=2, tol=None)
    eta0, report = lrfind.sklearn.eta0_for(hinge, X, y, seed=2, with_report=True)
    assert eta0 == report["recommended_lr"]
    assert (report["model"]["kind"], report["model"]["l2"], report["config"]["schedule"]) == ("svm", 0.003, "invscaling")
    assert report["recommendation"]["schedule"]["power_t"] == 0.25
    hinge.set_params(power_t=0.5)
    _, report = lrfind.sklearn.eta0_for(hinge, X, y, seed=2, with_report=True)
    assert report["recommendation"]["schedule"]["power_t"] == 0.5
    log = SGDClassifier(loss="log_loss", learning_rate="constant", penalty=None, alpha=0.5, max_iter=2, tol=None)
    _, report = lrfind.sklearn.eta0_for(log, X, y, seed=2, with_report=True)
    assert (report["model"]["kind"], report["model"]["l2"]) == ("logistic", 0.0)


@pytest.mark.parametrize("estimator, named", [
    (SGDClassifier(loss="log_loss"), "learning_rate='optimal'"),
    (SGDClassifier(loss="log_loss", learning_rate="adaptive", eta0=0.1), "learning_rate='adaptive'"),
    (SGDClassifier(loss="modified_huber", learning_rate="constant"), "loss='modified_huber'"),
    (SGDClassifier(loss="log_loss", learning_rate="constant", penalty="l1"), "penalty='l1'"),
    (SGDClassifier(loss="log_loss", learning_rate="constant", fit_intercept=False), "fit_intercept=False"),
    (SGDClassifier(loss="log_loss", learning_rate="constant", average=True), "average=True"),
    (SGDClassifier(loss="log_loss", learning_rate="constant", class_weight="balanced"), "class_weight='balanced'"),
    (SGDClassifier(loss="log_loss", learning_rate="constant", early_stopping=True), "early_stopping=True"),
    (SGDRegressor(loss="huber", learning_rate="constant"), "loss='huber'"),
    (LogisticRegression(), "LogisticRegression"),
])
def test_settings_it_cannot_map_are_refused_by_name(estimator, named):
    X, y = table("breast_cancer.csv")
    with pytest.raises(ValueError, match=named.replace("(", r"\(")):
        lrfind.sklearn.eta0_for(estimator, X, y)


def test_optimal_names_constant_as_the_alternative():
    X, y = table("breast_cancer.csv")
    with pytest.raises(ValueError, match="set learning_rate='constant' and call eta0_for again"):
        lrfind.sklearn.eta0_for(SGDClassifier(loss="log_loss"), X, y)


def test_three_classes_sparse_x_and_implied_options_are_refused():
    X, y = table("iris.csv")
    sgd = SGDClassifier(loss="log_loss", learning_rate="constant", max_iter=2, tol=None)
    with pytest.raises(ValueError, match="3 classes"):
        lrfind.sklearn.eta0_for(sgd, X, y)
    X, y = table("breast_cancer.csv")
    with pytest.raises(ValueError, match="sparse X"):
        lrfind.sklearn.eta0_for(sgd, sp.csr_matrix(X), y)
    with pytest.raises(TypeError, match="'batch_size'"):
        lrfind.sklearn.eta0_for(sgd, X, y, batch_size=8)


def test_tol_warns_that_scikit_learn_may_stop_early():
    X, y = table("breast_cancer.csv")
    sgd = make_pipeline(StandardScaler(), SGDClassifier(loss="log_loss", learning_rate="constant", max_iter=2))
    with pytest.warns(UserWarning, match="tol=0.001: scikit-learn may stop before max_iter=2 epochs"):
        lrfind.sklearn.eta0_for(sgd, X, y)


@pytest.mark.parametrize("optimizer, schedule, expected", [
    ("sgd", "constant", ("torch.optim.SGD", {}, None, {})),
    ("nesterov", "step", ("torch.optim.SGD", {"momentum": 0.9, "dampening": 0.0, "nesterov": True},
                          "torch.optim.lr_scheduler.MultiStepLR", {"gamma": 0.1})),
    ("adam", "cosine", ("torch.optim.Adam", {"betas": (0.9, 0.999), "eps": 1e-8},
                        "torch.optim.lr_scheduler.CosineAnnealingLR", {"eta_min": 0})),
    ("rmsprop", "exponential", ("torch.optim.RMSprop", {"alpha": 0.99, "eps": 1e-8},
                                "torch.optim.lr_scheduler.ExponentialLR", {})),
    ("adagrad", "onecycle", ("torch.optim.Adagrad", {"eps": 1e-10, "lr_decay": 0.0},
                             "torch.optim.lr_scheduler.OneCycleLR", {"pct_start": 0.3, "cycle_momentum": False})),
    ("sparse_adam", "invscaling", ("torch.optim.SparseAdam", {"betas": (0.9, 0.999)},
                                   "torch.optim.lr_scheduler.LambdaLR", {})),
])
def test_torch_settings_name_torchs_classes_with_the_reports_numbers(optimizer, schedule, expected):
    X, y = table("iris.csv")
    report = lrfind.find(X, y, model="logistic", method="grid", grid_points=5, epochs=4, optimizer=optimizer,
                         schedule=schedule, l2=0.0 if optimizer == "sparse_adam" else 0.001)
    settings = lrfind.torch_settings(report)
    name, kwargs, scheduler, scheduler_kwargs = expected
    assert settings["optimizer"] == name
    assert settings["optimizer_kwargs"]["lr"] == report["recommended_lr"]
    for key, value in kwargs.items():
        assert settings["optimizer_kwargs"][key] == value, key
    assert ("weight_decay" in settings["optimizer_kwargs"]) == (optimizer != "sparse_adam")
    if optimizer != "sparse_adam":
        assert settings["optimizer_kwargs"]["weight_decay"] == 0.001
    assert settings["scheduler"] == scheduler
    for key, value in scheduler_kwargs.items():
        assert settings["scheduler_kwargs"][key] == value, key
    if schedule == "step":
        s = report["recommendation"]["schedule"]
        assert settings["scheduler_kwargs"]["milestones"] == [s["milestone_1"], s["milestone_2"]]
    if schedule == "onecycle":
        assert settings["scheduler_kwargs"]["max_lr"] == report["recommendation"]["schedule"]["max_lr"]
    if schedule == "invscaling":  # LambdaLR(optimizer, **kwargs) works: lr_lambda is scikit-learn's factor
        lr_lambda = settings["scheduler_kwargs"]["lr_lambda"]
        assert (lr_lambda(0), lr_lambda(15)) == (1.0, 16 ** -0.25)


def test_torch_settings_refuse_a_report_without_a_rate():
    with pytest.raises(ValueError, match="no recommended rate"):
        lrfind.torch_settings({"recommended_lr": None})


def test_eta0_for_names_itself_for_a_typo_and_warns_at_the_callers_line():
    X, y = table("diabetes.csv")
    regressor = SGDRegressor(learning_rate="constant", max_iter=5, tol=None)
    with pytest.raises(TypeError, match=r"eta0_for\(\) got an unexpected keyword argument 'sed'"):
        lrfind.sklearn.eta0_for(regressor, X, y, sed=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        X = X.copy()
        X[0, 0] = np.nan  # lr-find warns that it dropped the row
        lrfind.sklearn.eta0_for(regressor, X, y, method="grid", grid_points=5)
    ours = [w for w in caught if "dropped 1 of" in str(w.message)]
    assert len(ours) == 1 and ours[0].filename == __file__, [(w.filename, str(w.message)) for w in caught]
    assert str(ours[0].message).startswith("eta0_for: ") and "eta0 is twice them" in str(ours[0].message)
