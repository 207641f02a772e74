#!/usr/bin/python3
"""Validates real lr-find outputs against schema/lr-find.schema.json.

Usage: validate_schema.py LR_FIND_BINARY SOURCE_DIR

Runs lr-find on a set of cases (auto, range and grid with every model kind,
binary and multiclass data, schedules, optimizers, a run with no usable rate,
a file with missing values, lr-find check) and validates each JSON output.
Then checks that the schema is not vacuous: every mutation of a valid output
(a required key dropped, a value outside its enum, a string where a number
must be, a section that does not belong to the method, ...) must be rejected.
Also checks that the schema is itself a valid draft 2020-12 schema and that
every property it defines has a description.

Prints one line per failure and a summary "N passed, M failed"; exits 0 only
when nothing failed. Needs python3-jsonschema (Debian).
"""

import copy
import json
import os
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print("validate_schema.py needs python3-jsonschema: apt-get install python3-jsonschema", file=sys.stderr)
    print("0 passed, 1 failed")
    sys.exit(1)

# A file with missing values (NA, empty, ?) and a categorical column.
MISSING_CSV = """size,colour,weight,price
1.0,red,2.5,10
2.0,blue,NA,12
3.0,green,3.5,15
4.0,red,,17
5.0,blue,4.5,21
6.0,?,5.0,22
7.0,green,5.5,26
8.0,red,6.0,29
9.0,blue,6.5,31
10.0,green,7.0,35
11.0,red,7.5,36
12.0,blue,8.0,40
"""

DIABETES = "data/diabetes.csv"
IRIS = "data/iris.csv"
CANCER = "data/breast_cancer.csv"


def holdout_csv(rows=20500):
    """Rows enough for auto to use a hold-out instead of folds (above 20,000)."""
    lines = ["a,b,y"]
    for i in range(rows):
        a, b = (i * 37 % 101) / 50.0 - 1.0, (i * 53 % 97) / 48.0 - 1.0
        lines.append(f"{a:.4f},{b:.4f},{2 * a - b + (i % 7) / 70.0:.4f}")
    return "\n".join(lines) + "\n"


def cases(missing_path, holdout_path):
    """(name, arguments, expected exit status, standard input or None)."""
    out = []
    for method in ("auto", "range", "grid"):
        out.append((f"{method} linear", [DIABETES, "--model", "linear", "--method", method], 0, None))
        for model in ("logistic", "svm"):
            out.append((f"{method} {model} binary", [CANCER, "--model", model, "--method", method], 0, None))
            out.append((f"{method} {model} multiclass", [IRIS, "--model", model, "--method", method], 0, None))
    small_grid = ["--method", "grid", "--grid-points", "5", "--epochs", "2"]
    for schedule in ("step", "exponential", "cosine", "onecycle", "invscaling"):
        out.append((f"grid {schedule}", [IRIS, "--model", "logistic", "--schedule", schedule] + small_grid, 0, None))
    out.append(("auto onecycle", [DIABETES, "--model", "linear", "--schedule", "onecycle"], 0, None))
    for optimizer in ("momentum", "nesterov", "adagrad", "rmsprop", "adam"):
        out.append((f"grid {optimizer}", [IRIS, "--model", "svm", "--optimizer", optimizer] + small_grid, 0, None))
    out.append(("range adam", [DIABETES, "--model", "linear", "--optimizer", "adam", "--method", "range"], 0, None))
    out.append(("range one repeat", [IRIS, "--model", "logistic", "--method", "range", "--repeats", "1"], 0, None))
    out.append(("range linear sweep", [IRIS, "--model", "logistic", "--method", "range", "--sweep", "linear",
                                       "--min-lr", "0.01", "--max-lr", "1"], 0, None))
    out.append(("grid no validation", [IRIS, "--model", "svm", "--method", "grid", "--validation", "0"], 0, None))
    out.append(("grid diverging", [DIABETES, "--model", "linear", "--no-standardize", "--method", "grid",
                                   "--rates", "1e-6,1", "--epochs", "4"], 0, None))
    out.append(("no usable rate", [DIABETES, "--model", "linear", "--no-standardize", "--method", "grid",
                                   "--rates", "1e6,1e7", "--batch-size", "0"], 3, None))
    out.append(("missing values grid", [missing_path, "--model", "linear", "--method", "grid",
                                        "--grid-points", "4", "--epochs", "3"], 0, None))
    out.append(("missing values range", [missing_path, "--model", "linear", "--method", "range", "--steps", "30"], 0, None))
    out.append(("missing values auto", [missing_path, "--model", "linear", "--folds", "3"], 0, None))
    out.append(("auto hold-out", [holdout_path, "--model", "linear"], 0, None))
    out.append(("cp1252 detected", ["tests/corpus/cp1252-labels.csv", "--model", "logistic", "--method", "range"], 0,
                None))
    out.append(("latin1 given", ["tests/corpus/cp1252-labels.csv", "--model", "svm", "--method", "range",
                                 "--encoding", "latin1"], 0, None))
    out.append(("svmlight", ["tests/fixtures/iris.svm", "--model", "logistic", "--method", "range", "--steps", "30"],
                0, None))
    out.append(("svmlight zero-based, features given", ["tests/fixtures/iris.svm", "--model", "logistic", "--method",
                                                        "range", "--steps", "30", "--zero-based", "--features", "10"],
                0, None))
    out.append(("semicolons detected", ["tests/corpus/semicolon.csv", "--model", "logistic", "--method", "range"], 0,
                None))
    out.append(("stdin, drop, target", ["-", "--model", "logistic", "--target", "class", "--drop", "sepalwidth",
                                        "--method", "grid", "--grid-points", "3"], 0, IRIS))
    out.append(("check auto too high", ["check", IRIS, "--model", "logistic", "--lr", "100"], 1, None))
    out.append(("check range", ["check", IRIS, "--model", "svm", "--method", "range", "--lr", "0.3",
                                "--tolerance", "3"], None, None))
    out.append(("check grid", ["check", DIABETES, "--model", "linear", "--method", "grid", "--lr", "0.02"], None, None))
    # Stopped by the library's interrupt test hook (exit 130, as by SIGINT); see INTERRUPT_AFTER.
    out.append(("interrupted range", [IRIS, "--model", "logistic", "--method", "range"], 130, None))
    out.append(("interrupted range repeats", [IRIS, "--model", "logistic", "--method", "range"], 130, None))
    out.append(("interrupted grid", [IRIS, "--model", "logistic", "--method", "grid", "--epochs", "5"], 130, None))
    out.append(("interrupted auto range tests", [IRIS, "--model", "logistic"], 130, None))
    out.append(("interrupted auto grid", [IRIS, "--model", "logistic"], 130, None))
    return out


# Cases run with LR_FIND_TEST_INTERRUPT_AFTER_STEPS: the training steps after
# which the library raises its stop flag. Iris logistic: range tests of at most
# 100 steps (3 repeats), grid epochs of 4 batches (120 training rows).
INTERRUPT_AFTER = {
    "interrupted range": 20,
    "interrupted range repeats": 130,
    "interrupted grid": 10,
    "interrupted auto range tests": 50,
    "interrupted auto grid": 320,
}


# ---------------------------------------------------------------- mutations
# Each: (name, the method it applies to or None for any, a function that
# changes a copy of a valid document in place). Every mutated document must
# fail validation.

def setter(path, value):
    def apply(doc):
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return apply


def deleter(path):
    def apply(doc):
        target = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return apply


def moved(key, value):
    return setter([key], value)


MUTATIONS = [
    # Required keys.
    ("drop schema_version", None, deleter(["schema_version"])),
    ("drop recommended_lr", None, deleter(["recommended_lr"])),
    ("drop recommendation.rule", None, deleter(["recommendation", "rule"])),
    ("drop recommendation.confidence", None, deleter(["recommendation", "confidence"])),
    ("drop dataset.rows", None, deleter(["dataset", "rows"])),
    ("drop model.loss", None, deleter(["model", "loss"])),
    ("drop config.seed", None, deleter(["config", "seed"])),
    ("drop theory", None, deleter(["theory"])),
    ("drop interrupted", None, deleter(["interrupted"])),
    ("interrupted as a string", None, setter(["interrupted"], "yes")),
    ("drop range_test.points", "range", deleter(["range_test", "points"])),
    ("drop range_test.repeats", "range", deleter(["range_test", "repeats"])),
    ("drop a point's smoothed_loss", "range", deleter(["range_test", "points", 0, "smoothed_loss"])),
    ("drop auto", "auto", deleter(["auto"])),
    ("drop a candidate's stage", "auto", deleter(["auto", "candidates", 0, "stage"])),
    ("drop grid", "grid", deleter(["grid"])),
    ("drop a grid rate's diverged", "grid", deleter(["grid", 0, "diverged"])),
    ("drop config.rates", "grid", deleter(["config", "rates"])),
    ("drop config.steps", "range", deleter(["config", "steps"])),
    ("drop config.folds", "auto", deleter(["config", "folds"])),
    # Enums and constants.
    ("schema_version 2", None, setter(["schema_version"], 2)),
    ("tool.name other", None, setter(["tool", "name"], "lr_find")),
    ("method unknown", None, setter(["method"], "sweep")),
    ("rule unknown", None, setter(["recommendation", "rule"], "minimum")),
    ("confidence unknown", "auto", setter(["recommendation", "confidence"], "certain")),
    ("model.kind unknown", None, setter(["model", "kind"], "mlp")),
    ("model.loss unknown", None, setter(["model", "loss"], "L1Loss")),
    ("optimizer unknown", None, setter(["optimizer", "name"], "lion")),
    ("config.optimizer unknown", None, setter(["config", "optimizer"], "lion")),
    ("schedule name unknown", "grid", setter(["recommendation", "schedule", "name"], "linear")),
    ("config.schedule unknown", "grid", setter(["config", "schedule"], "linear")),
    ("stop_reason unknown", "range", setter(["range_test", "stop_reason"], "diverged")),
    ("candidate stage unknown", "auto", setter(["auto", "candidates", 0, "stage"], "final")),
    ("config.sweep unknown", "range", setter(["config", "sweep"], "log")),
    ("dataset.encoding unknown", None, setter(["dataset", "encoding"], "utf-16")),
    ("dataset.encoding utf-8", None, setter(["dataset", "encoding"], "utf-8")),
    # Types: a string where a number must be, and the like.
    ("recommended_lr as text", None, setter(["recommended_lr"], "0.1")),
    ("dataset.rows as text", None, setter(["dataset", "rows"], "442")),
    ("dataset.rows fractional", None, setter(["dataset", "rows"], 442.5)),
    ("range loss as text", "range", setter(["range_test", "points", 0, "loss"], "nan")),
    ("grid train loss as text", "grid", setter(["grid", 0, "train_loss", 0], "1.5")),
    ("candidate val_loss as text", "auto", setter(["auto", "candidates", 0, "val_loss"], "Infinity")),
    ("diverged as text", "grid", setter(["grid", 0, "diverged"], "false")),
    ("standardized as number", None, setter(["dataset", "standardized"], 1)),
    ("classes as text", None, setter(["dataset", "classes"], "a,b")),
    ("interval of one", "auto", setter(["recommendation", "interval"], [0.1])),
    # Ranges of values.
    ("rate zero", None, setter(["recommended_lr"], 0)),
    ("negative loss", "grid", setter(["grid", 0, "train_loss", 0], -1.0)),
    ("negative l2", None, setter(["model", "l2"], -0.1)),
    # Unknown keys in objects whose keys are fixed.
    ("unknown top-level key", None, setter(["extra"], 1)),
    ("unknown dataset key", None, setter(["dataset", "extra"], 1)),
    ("unknown point key", "range", setter(["range_test", "points", 0, "extra"], 1)),
    ("unknown suggestion", "range", setter(["recommendation", "suggestions", "median"], 0.1)),
    ("unknown adam-like hyper-parameter on sgd", None, setter(["optimizer", "beta1"], 0.9)),
    # Sections and values that depend on the method, the model or the rate.
    ("auto with a grid", "auto", moved("grid", [])),
    ("range with untrained_loss", "range", moved("untrained_loss", {"train_loss": 1.0, "val_loss": None})),
    ("grid with a range test", "grid", moved("range_test", {"stop_reason": "completed", "steps_run": 0, "points": []})),
    ("range with a schedule", "range", setter(["recommendation", "schedule"], {"name": "constant", "lr": 0.1})),
    ("grid with a rule of range", "grid", setter(["recommendation", "rule"], "minimum_div_10")),
    ("grid with suggestions", "grid", setter(["recommendation", "suggestions"], {"valley": 0.1})),
    ("range with a band", "range", setter(["recommendation", "band"], {"floor": 0.05, "standard_errors": 2, "cap": 0.15,
                                                                      "untrained_share": 0.01, "basis": "x"})),
    ("grid without a band", "grid", setter(["recommendation", "band"], None)),
    ("range with grid settings", "range", setter(["config", "epochs"], 5)),
    ("config.method differs", "grid", setter(["config", "method"], "auto")),
    ("no rate without a reason", None, lambda d: (setter(["recommended_lr"], None)(d),
                                                  setter(["recommendation", "lr"], None)(d),
                                                  setter(["recommendation", "reason"], None)(d))),
    ("a rate with a reason", None, setter(["recommendation", "reason"], "no reason")),
    ("svm with theory", None, lambda d: (setter(["model", "kind"], "svm")(d), setter(["config", "model"], "svm")(d),
                                         setter(["model", "loss"], "hinge")(d), setter(["model", "outputs"], 1)(d),
                                         setter(["dataset", "classes"], ["0", "1"])(d))),
    ("linear with classes", None, setter(["dataset", "classes"], ["a", "b"])),
    ("schedule other than configured", "grid", setter(["config", "schedule"], "cosine")),
    ("confidence reason when high", "auto", setter(["recommendation", "confidence_reason"], "because")),
    ("check passed with too_high", "check", setter(["check", "passed"], True)),
    ("check verdict unknown", "check", setter(["check", "verdict"], "fine")),
    ("config without input_format", None, deleter(["config", "input_format"])),
    ("input_format unknown", None, setter(["config", "input_format"], "parquet")),
    ("csv with zero_based", None, setter(["config", "zero_based"], False)),
    ("svmlight without zero_based", None, deleter(["config", "zero_based"])),
    ("svmlight features 0", None, setter(["config", "features"], 0)),
]


def applies(doc, method):
    if method is None:
        return True
    if method == "check":
        return "check" in doc
    return doc.get("method") == method


def undescribed_properties(node, path="#"):
    """Paths of property definitions without a description, outside the
    conditional refinements (allOf/if/then/else/not) that only narrow them."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("allOf", "if", "then", "else", "not"):
                continue
            if key == "properties" and isinstance(value, dict):
                for name, sub in value.items():
                    if not isinstance(sub, dict) or "description" not in sub:
                        found.append(f"{path}/properties/{name}")
                    found += undescribed_properties(sub, f"{path}/properties/{name}")
            else:
                found += undescribed_properties(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += undescribed_properties(value, f"{path}/{i}")
    return found


def main():
    if len(sys.argv) != 3:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    binary, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with open(os.path.join(source, "schema", "lr-find.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)

    passed, failed = 0, 0

    def record(ok, what):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {what}")

    try:
        jsonschema.Draft202012Validator.check_schema(schema)
        record(True, "")
    except jsonschema.SchemaError as e:
        record(False, f"the schema is not a valid draft 2020-12 schema: {e.message}")
    missing = undescribed_properties(schema)
    record(not missing, f"properties without a description: {', '.join(missing)}")
    validator = jsonschema.Draft202012Validator(schema)

    documents = []
    with tempfile.TemporaryDirectory() as tmp:
        missing_path = os.path.join(tmp, "missing.csv")
        with open(missing_path, "w", encoding="utf-8") as f:
            f.write(MISSING_CSV)
        holdout_path = os.path.join(tmp, "holdout.csv")
        with open(holdout_path, "w", encoding="utf-8") as f:
            f.write(holdout_csv())
        for name, args, expected_status, stdin_path in cases(missing_path, holdout_path):
            stdin = open(os.path.join(source, stdin_path), "rb") if stdin_path else subprocess.DEVNULL
            try:
                env = dict(os.environ)
                if name in INTERRUPT_AFTER:
                    env["LR_FIND_TEST_INTERRUPT_AFTER_STEPS"] = str(INTERRUPT_AFTER[name])
                run = subprocess.run([binary] + args + ["--quiet"], cwd=source, stdin=stdin, capture_output=True,
                                     timeout=300, env=env)
            finally:
                if stdin_path:
                    stdin.close()
            if expected_status is not None and run.returncode != expected_status:
                record(False, f"{name}: exit status {run.returncode}, expected {expected_status}: "
                              f"{run.stderr.decode(errors='replace').strip()}")
                continue
            try:
                doc = json.loads(run.stdout)
            except ValueError as e:
                record(False, f"{name}: output is not JSON ({e}); stderr: {run.stderr.decode(errors='replace').strip()}")
                continue
            errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
            for e in errors[:5]:
                print(f"  {name}: at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
            record(not errors, f"{name}: {len(errors)} schema errors")
            if not errors:
                documents.append((name, doc))

    # The cases must cover what the schema distinguishes.
    def seen(predicate):
        return any(predicate(d) for _, d in documents)
    for what, predicate in [
        ("every method", lambda d: True),
        ("method auto", lambda d: d["method"] == "auto"),
        ("method range", lambda d: d["method"] == "range"),
        ("method grid", lambda d: d["method"] == "grid"),
        ("range repeats", lambda d: "repeats" in d.get("range_test", {})),
        ("a null recommended_lr", lambda d: d["recommended_lr"] is None),
        ("a null in a curve", lambda d: any(None in g["train_loss"] for g in d.get("grid", []))),
        ("rows dropped", lambda d: d["dataset"]["rows_dropped"] > 0),
        ("a categorical column", lambda d: d["dataset"]["categorical_columns"]),
        ("a check section", lambda d: "check" in d),
        ("auto with a hold-out", lambda d: d.get("auto", {}).get("folds") == 1),
        ("theory null (svm)", lambda d: d["theory"] is None),
        ("svmlight input", lambda d: d["config"]["input_format"] == "svmlight"),
        ("svmlight with --features", lambda d: d["config"].get("features") is not None),
        ("interrupted", lambda d: d["interrupted"]),
        ("not interrupted", lambda d: not d["interrupted"]),
        ("range stop_reason interrupted", lambda d: d.get("range_test", {}).get("stop_reason") == "interrupted"),
        ("range repeats, the last interrupted",
         lambda d: d.get("range_test", {}).get("repeats", [{}])[-1].get("stop_reason") == "interrupted"),
        ("auto interrupted before any candidate", lambda d: d.get("auto", {}).get("candidates", [1]) == []),
        ("auto with no bracket", lambda d: d.get("auto", {}).get("bracket", {}).get("high", 1) is None),
    ] + [(f"schedule {s}", lambda d, s=s: (d["recommendation"]["schedule"] or {}).get("name") == s)
         for s in ("constant", "step", "exponential", "cosine", "onecycle", "invscaling")] \
      + [(f"optimizer {o}", lambda d, o=o: d["optimizer"]["name"] == o)
         for o in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")] \
      + [(f"loss {l}", lambda d, l=l: d["model"]["loss"] == l)
         for l in ("MSELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "hinge", "MultiMarginLoss")]:
        record(seen(predicate), f"no valid output covers {what}")

    # The schema is not vacuous: each mutation of a valid document is rejected.
    for name, method, mutate in MUTATIONS:
        # The first valid document the mutation applies to and can change.
        target = None
        for case, doc in documents:
            if not applies(doc, method):
                continue
            if name == "linear with classes" and doc["model"]["kind"] != "linear":
                continue
            if name == "svm with theory" and doc["theory"] is None:
                continue
            if name in ("a rate with a reason", "no rate without a reason") and doc["recommended_lr"] is None:
                continue
            if name == "unknown adam-like hyper-parameter on sgd" and doc["optimizer"]["name"] != "sgd":
                continue
            if name == "drop range_test.repeats" and "repeats" not in doc.get("range_test", {}):
                continue
            if name in ("schedule name unknown", "schedule other than configured") and \
                    (doc["recommendation"]["schedule"] or {}).get("name") != "constant":
                continue
            if name == "confidence reason when high" and doc["recommendation"]["confidence"] != "high":
                continue
            if name.startswith("svmlight") != (doc["config"].get("input_format") == "svmlight"):
                continue
            target = (case, doc)
            break
        if target is None:
            record(False, f"mutation '{name}': no valid output to apply it to")
            continue
        mutated = copy.deepcopy(target[1])
        try:
            mutate(mutated)
        except (KeyError, IndexError, TypeError) as e:
            record(False, f"mutation '{name}' cannot be applied to {target[0]}: {e!r}")
            continue
        record(not validator.is_valid(mutated), f"mutation '{name}' of {target[0]} still validates")

    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
