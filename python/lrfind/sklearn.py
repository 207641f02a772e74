"""The eta0 that scikit-learn's SGDClassifier or SGDRegressor should use.

    >>> from sklearn.linear_model import SGDClassifier
    >>> import lrfind.sklearn
    >>> clf = SGDClassifier(loss="log_loss", learning_rate="constant", max_iter=5, tol=None)
    >>> clf.set_params(eta0=lrfind.sklearn.eta0_for(clf, X, y)).fit(X, y)

How scikit-learn's conventions map onto lr-find's (scikit-learn 1.2,
sklearn/linear_model/_sgd_fast.pyx; every step is one sample):

  scikit-learn                          lr-find
  loss="log_loss"  log(1 + e^(-y·p))    model="logistic" (the same loss, labels ±1 as 0/1)
  loss="hinge"     max(0, 1 - y·p)      model="svm" (the same loss for two classes)
  loss="squared_error"  ½(y - p)²       model="linear" (MSE, (y - p)²: twice the loss,
                                        so twice the gradient: eta0 = 2·lr, l2 = 2·alpha)
  penalty="l2", alpha                   l2 = alpha (squared_error: 2·alpha); the penalty
                                        (alpha/2)·‖w‖² in both, never on the intercept
  penalty=None                          l2 = 0
  learning_rate="constant"              schedule="constant": eta = eta0
  learning_rate="invscaling", power_t   schedule="invscaling", power_t: eta0 / t^power_t,
                                        t the samples seen from 1
  one sample a step, shuffled, max_iter epochs   batch_size=1, epochs=max_iter
  the intercept learns at eta           the intercept learns at lr (dense X only:
                                        on sparse X scikit-learn slows it by 100)
  X as the estimator sees it            scaling="none" (a Pipeline's earlier steps
                                        are fitted on X and applied first)

Anything else (learning_rate="optimal", the default; penalty "l1" or
"elasticnet"; fit_intercept=False; average; class_weight; early_stopping;
more than two classes; other losses; sparse X) raises ValueError naming the
setting. With tol not None scikit-learn may stop before max_iter epochs, so a
warning says so: the rate is for max_iter epochs.
"""

import warnings

from . import find

__all__ = ["eta0_for"]

_MODELS = {"log_loss": "logistic", "hinge": "svm", "squared_error": "linear"}
# Options eta0_for sets from the estimator itself.
_IMPLIED = ("model", "batch_size", "epochs", "schedule", "power_t", "l2", "scaling", "no_standardize", "optimizer")


def _estimator_and_data(estimator, X, y):
    """The final SGD estimator, and X as it sees it."""
    steps = getattr(estimator, "steps", None)
    if steps is None:
        return estimator, X
    from sklearn.base import clone

    head = clone(estimator[:-1])
    return estimator[-1], head.fit_transform(X, y)


def _refuse(setting, why):
    raise ValueError(f"eta0_for: {setting}: {why}")


def _check_settings(est, regression):
    p = est.get_params()
    loss = p["loss"]
    allowed = ("squared_error",) if regression else ("log_loss", "hinge")
    if loss not in allowed:
        _refuse(f"loss={loss!r}", f"supported: {', '.join(map(repr, allowed))}")
    if p["learning_rate"] not in ("constant", "invscaling"):
        why = "supported: 'constant' and 'invscaling'"
        if p["learning_rate"] == "optimal":
            why += (" (the alternative to 'optimal': set learning_rate='constant' and call eta0_for again for "
                    "its eta0)")
        _refuse(f"learning_rate={p['learning_rate']!r}", why)
    if p["penalty"] not in (None, "l2"):
        _refuse(f"penalty={p['penalty']!r}", "supported: None and 'l2'")
    if not p["fit_intercept"]:
        _refuse("fit_intercept=False", "lr-find's models always have an intercept")
    if p["average"]:
        _refuse(f"average={p['average']!r}", "averaged SGD is not what lr-find trains")
    if p.get("class_weight") is not None:
        _refuse(f"class_weight={p['class_weight']!r}", "lr-find weighs every row alike")
    if p["early_stopping"]:
        _refuse("early_stopping=True", "lr-find trains max_iter epochs on all the rows given")
    if p["tol"] is not None:
        warnings.warn(f"eta0_for: tol={p['tol']!r}: scikit-learn may stop before max_iter={p['max_iter']} epochs; "
                      "the rate is for max_iter epochs (tol=None trains them all)", stacklevel=3)
    return p


def eta0_for(estimator, X, y, *, with_report=False, **options):
    """The eta0 for `estimator` (an SGDClassifier for two classes, an
    SGDRegressor, or a Pipeline ending in one) trained on X, y: lr-find's
    recommended rate for the same training, in scikit-learn's terms (see the
    module's docstring for the mapping). `options` are lr-find's other
    options (seed, method, repeats, folds, min_lr, max_lr, threads, ...).
    With with_report=True, returns (eta0, lr-find's report), the report in
    lr-find's terms (its rates are eta0/2 for squared_error). Raises
    ValueError when lr-find finds no usable rate."""
    from sklearn.linear_model import SGDClassifier, SGDRegressor

    for key in _IMPLIED:
        if key in options:
            raise TypeError(f"eta0_for() sets {key!r} from the estimator; it is not an option here")
    est, X = _estimator_and_data(estimator, X, y)
    if not isinstance(est, (SGDClassifier, SGDRegressor)):
        raise ValueError(f"eta0_for: {type(est).__name__}: supported: SGDClassifier, SGDRegressor "
                         "(or a Pipeline ending in one)")
    regression = isinstance(est, SGDRegressor)
    p = _check_settings(est, regression)
    if type(X).__module__.startswith("scipy.sparse"):
        _refuse("sparse X", "scikit-learn scales the intercept's steps by 0.01 on sparse input, lr-find does not")
    if not regression:
        import numpy as np

        classes = np.unique(np.asarray(y, dtype=object).astype(str))
        if len(classes) != 2:
            _refuse(f"{len(classes)} classes", "SGDClassifier trains one model per class (one-vs-rest); "
                    "supported: two classes")
    factor = 2.0 if regression else 1.0  # ½(y - p)² against lr-find's (y - p)²
    alpha = p["alpha"] if p["penalty"] == "l2" else 0.0
    schedule = {"schedule": p["learning_rate"]}
    if p["learning_rate"] == "invscaling":
        schedule["power_t"] = float(p["power_t"])
    # lr-find's warnings, re-issued at the caller's line; their rates are
    # lr-find's, which for squared_error are eta0/2.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            report = find(X, y, model=_MODELS[p["loss"]], optimizer="sgd", batch_size=1, epochs=int(p["max_iter"]),
                          l2=factor * alpha, scaling="none", **schedule, **options)
        except TypeError as e:  # an unknown keyword: name this function
            raise TypeError(str(e).replace("find()", "eta0_for()")) from None
    for w in caught:
        note = " (rates in lr-find's terms: eta0 is twice them for squared_error)" if factor != 1.0 else ""
        warnings.warn(f"eta0_for: {w.message}{note}", w.category, stacklevel=2)
    lr = report["recommended_lr"]
    if lr is None:
        reason = report["recommendation"].get("reason") or "no rate trained the model"
        raise ValueError(f"eta0_for: lr-find found no usable rate: {reason}")
    return (factor * lr, report) if with_report else factor * lr
