#!/usr/bin/python3
"""Time lr-find on sparse svmlight data against scikit-learn and liblinear (issue 15).

    bench/perf/sparse_bench.py [--lr-find build/lr-find] [--data-dir /tmp/lrfind-sparse-bench]
                               [--repeat 3] [--quick] [--rows N] [--features N] [--nnz N]
                               [--seed 0] [--peers-only] [--no-score] [--timeout 600]
                               [--liblinear-train /usr/bin/liblinear-train] [--json OUT]
    bench/perf/sparse_bench.py --generate-only [--quick] [--rows N] ...

Run it with Debian's /usr/bin/python3 (numpy, scipy, scikit-learn); liblinear-train
comes from Debian's liblinear-tools (its rows are skipped without it).

Data: a text-like binary classification set, generated deterministically and
cached in --data-dir (manifest.json, as gen_data.py does): 100,000 rows x
200,000 features (--quick: 20,000 rows), ~45 non-zeros a row. Each row is a
"document" of Poisson-many tokens drawn from a Zipf(1) distribution over the
features (feature 1 is the most frequent word); its non-zeros are the distinct
tokens, valued log1p(count) x idf (idf = ln((1 + rows) / (1 + df)) + 1),
written with 6 significant digits. The label is sigmoid-noisy from a sparse
true weight vector, so the problem is learnable (the notes show the true
model's loss and, from an untimed extra run of the scikit-learn sweep fitted
on 80% of the rows, each rate's training and held-out loss, against 0.693
untrained). The second file holds the same non-zeros spread over ten
times the features (0-based id j -> 10 j + j % 10, still ascending per row),
for the "cost follows the non-zeros, not the features" target.

Every case runs both sides in the same invocation, on the same files, read
from the page cache, alternating the processes within each repetition; the
table shows medians and the spread (min..max) of --repeat runs, the peak
memory (maximum resident set size, /usr/bin/time -f %M or wait4's ru_maxrss)
of both sides, and the ratio peer / lr-find. The peers run as child
processes of this script (`sparse_bench.py --peer ...`, printing JSON), or as
Debian's liblinear-train. lr-find's standard output goes to /dev/null; a run
that exits non-zero (or times out) is shown with its error instead of a time,
and is not repeated, so the peers are still timed while lr-find cannot read
or train on svmlight. Under the table: the issue's targets beside the
measured ratios, and the command that reproduces the table.

The grid is run_bench.py's: GRID_RATES (16 rates log-spaced from 1e-5 to
0.1) x 3 epochs, with --validation 0 so that lr-find trains on every row as
the scikit-learn fits do. On a busy machine read the CPU times in the notes
beside the wall-clock ones.
"""

import argparse
import datetime
import json
import os
import platform
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True  # importing run_bench and gen_data leaves no __pycache__ behind
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from gen_data import load_manifest, row_label, save_manifest  # noqa: E402
from run_bench import (GRID_EPOCHS, GRID_RATES, MB, TIME_BINARY,  # noqa: E402
                       peer_available, warm_page_cache)

DEFAULT_DATA_DIR = "/tmp/lrfind-sparse-bench"
GENERATOR_VERSION = 1
CHUNK_ROWS = 20_000      # rows drawn (and written) per block: the files never depend on memory
ZIPF_EXPONENT = 1.0      # word frequencies: P(feature of rank r) proportional to r^-1
WIDE_FACTOR = 10         # the wide file: 0-based id j -> 10 j + j % 10
MARGIN_STD = 3.0         # the true model's margins are scaled to this standard deviation
UNTRAINED_LOSS = 0.6931471805599453


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------

def dataset_names(rows, features):
    """key -> (file name, features): 'narrow' and 'wide' (WIDE_FACTOR x features)."""
    return {key: (f"text-{row_label(rows)}-{row_label(n)}.svm", n)
            for key, n in (("narrow", features), ("wide", features * WIDE_FACTOR))}


def tokens_per_row(probabilities, distinct):
    """The Poisson mean of a row's token count for which a row holds `distinct`
    distinct features on average: with Poisson(lam) tokens, the count of
    feature j is Poisson(lam p_j), so E[distinct] = sum_j 1 - exp(-lam p_j)."""
    import numpy as np

    if distinct >= len(probabilities):
        raise SystemExit(f"sparse_bench: --nnz {distinct} is not below --features {len(probabilities)}")
    low, high = float(distinct), float(distinct)
    while np.sum(-np.expm1(-high * probabilities)) < distinct:
        high *= 2
    for _ in range(100):
        mid = (low + high) / 2
        if np.sum(-np.expm1(-mid * probabilities)) < distinct:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def round_significant(values, digits=6):
    """Round positive floats to `digits` significant digits (as %.{digits}g prints them)."""
    import numpy as np

    exponent = np.floor(np.log10(values))
    scale = 10.0 ** (digits - 1 - exponent)
    return np.round(values * scale) / scale


def generate_matrix(rows, features, nnz, seed):
    """The text-like data set as CSR arrays: (labels, indptr, indices, values, stats).

    Streams of numpy's PCG64 seeded with (seed, stream, features): 10 = token
    counts, 11 = tokens, 12 = true weights, 13 = label noise."""
    import numpy as np

    length_rng = np.random.default_rng([seed, 10, features])
    token_rng = np.random.default_rng([seed, 11, features])
    weight_rng = np.random.default_rng([seed, 12, features])
    noise_rng = np.random.default_rng([seed, 13, features])

    probabilities = np.arange(1, features + 1, dtype=np.float64) ** -ZIPF_EXPONENT
    probabilities /= probabilities.sum()
    cdf = np.cumsum(probabilities)
    tokens_mean = tokens_per_row(probabilities, nnz)
    lengths = np.maximum(length_rng.poisson(tokens_mean, rows), 1)

    counts_per_row, index_blocks, count_blocks = [], [], []
    for start in range(0, rows, CHUNK_ROWS):
        block = lengths[start:start + CHUNK_ROWS]
        n = len(block)
        tokens = np.minimum(np.searchsorted(cdf, token_rng.random(int(block.sum())), side="right"),
                            features - 1)
        keys = np.repeat(np.arange(n, dtype=np.int64), block) * features + tokens
        unique, counts = np.unique(keys, return_counts=True)  # sorted: by row, then feature
        row = unique // features
        index_blocks.append((unique - row * features).astype(np.int32))
        count_blocks.append(counts)
        counts_per_row.append(np.bincount(row, minlength=n))
    indices = np.concatenate(index_blocks)
    counts = np.concatenate(count_blocks)
    row_nnz = np.concatenate(counts_per_row)
    document_frequency = np.bincount(indices, minlength=features)
    if document_frequency[-1] == 0:
        # The last feature is given to the last row, so that the largest index
        # (the feature count that readers infer) is exactly `features`.
        indices = np.append(indices, np.int32(features - 1))
        counts = np.append(counts, 1)
        row_nnz[-1] += 1
        document_frequency[-1] = 1
    indptr = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(row_nnz, out=indptr[1:])

    idf = np.log((1.0 + rows) / (1.0 + document_frequency)) + 1.0
    values = round_significant(np.log1p(counts) * idf[indices])

    # A sparse true model on frequent-ish words: 1% of the features, drawn from
    # the 2.5% most frequent. Labels: P(y = 1) = sigmoid(margin).
    top = max(1, features // 40)
    support = weight_rng.choice(top, size=max(1, min(top, features // 100)), replace=False)
    weights = np.zeros(features)
    weights[support] = weight_rng.standard_normal(len(support))
    margin = np.add.reduceat(values * weights[indices], indptr[:-1]) if len(values) else np.zeros(rows)
    margin[row_nnz == 0] = 0.0
    spread = margin.std()
    margin = (margin - np.median(margin)) / (spread if spread > 0 else 1.0) * MARGIN_STD
    labels = (margin + noise_rng.logistic(size=rows) > 0).astype(np.int64)
    true_loss = float(np.mean(np.logaddexp(0.0, np.where(labels == 1, -margin, margin))))
    stats = {"nnz": int(indptr[-1]), "tokens_per_row_mean": round(tokens_mean, 3),
             "nnz_per_row_mean": round(float(indptr[-1]) / rows, 3),
             "nnz_per_row_max": int(row_nnz.max()), "features_used": int(np.count_nonzero(document_frequency)),
             "positive_fraction": round(float(labels.mean()), 4),
             "true_model_loss": round(true_loss, 4), "support": int(len(support))}
    return labels, indptr, indices, values, stats


def write_svmlight(path, labels, indptr, indices, values):
    """Write `label idx:value ...` lines (1-based indices, ascending as given,
    values with %.6g). Vectorised per block of rows: one %-format string and
    one argument tuple per block, so the formatting runs in C."""
    import numpy as np

    tmp = path + ".tmp"
    rows = len(labels)
    with open(tmp, "w", newline="\n") as out:
        for start in range(0, rows, CHUNK_ROWS):
            stop = min(rows, start + CHUNK_ROWS)
            first, last = int(indptr[start]), int(indptr[stop])
            lengths = np.diff(indptr[start:stop + 1])
            args = np.empty((stop - start) + 2 * (last - first), dtype=object)
            label_at = (indptr[start:stop] - first) * 2 + np.arange(stop - start)
            entry_at = np.arange(last - first) * 2 + np.repeat(np.arange(stop - start), lengths) + 1
            args[label_at] = labels[start:stop].tolist()
            args[entry_at] = (indices[first:last].astype(np.int64) + 1).tolist()
            args[entry_at + 1] = values[first:last].tolist()
            pattern = "".join(["%d" + " %d:%.6g" * int(k) + "\n" for k in lengths.tolist()])
            out.write(pattern % tuple(args))
    os.replace(tmp, path)
    return os.path.getsize(path)


def ensure_data(data_dir, rows, features, nnz, seed, log=sys.stderr):
    """Generate the two files unless present with the recorded recipe and
    sizes; return (key -> path, key -> manifest entry)."""
    os.makedirs(data_dir, exist_ok=True)
    manifest = load_manifest(data_dir)
    names = dataset_names(rows, features)
    paths = {key: os.path.join(data_dir, name) for key, (name, _) in names.items()}
    recipe = {"version": GENERATOR_VERSION, "seed": seed, "rows": rows, "features": features,
              "nnz_per_row": nnz, "zipf": ZIPF_EXPONENT, "wide_factor": WIDE_FACTOR}
    entries = [manifest.get(name) for name, _ in names.values()]
    if all(e and e.get("recipe") == dict(recipe, file_features=n) and os.path.exists(paths[key])
           and os.path.getsize(paths[key]) == e.get("bytes")
           for e, (key, (name, n)) in zip(entries, names.items())):
        for key, (name, _) in names.items():
            print(f"sparse_bench: {name}: present ({manifest[name]['bytes'] / MB:.1f} MB), skipped", file=log)
        return paths, {key: manifest[name] for key, (name, _) in names.items()}

    import numpy as np

    began = time.perf_counter()
    labels, indptr, indices, values, stats = generate_matrix(rows, features, nnz, seed)
    drawn = time.perf_counter()
    print(f"sparse_bench: drew {rows} rows x {features} features, {stats['nnz']:,} non-zeros "
          f"in {drawn - began:.1f} s", file=log)
    for key, (name, n) in names.items():
        mark = time.perf_counter()
        if key == "wide":
            indices = indices.astype(np.int64) * WIDE_FACTOR + indices % WIDE_FACTOR
        size = write_svmlight(paths[key], labels, indptr, indices, values)
        written = time.perf_counter() - mark
        manifest[name] = {"recipe": dict(recipe, file_features=n), "bytes": size, "stats": stats,
                          "draw_s": round(drawn - began, 2), "write_s": round(written, 2)}
        save_manifest(data_dir, manifest)
        print(f"sparse_bench: {name}: {size / MB:.1f} MB written in {written:.1f} s", file=log)
    print(f"sparse_bench: data generated in {time.perf_counter() - began:.1f} s; "
          + ", ".join(f"{k} {v}" for k, v in stats.items()), file=log)
    return paths, {key: manifest[name] for key, (name, _) in names.items()}


# --------------------------------------------------------------------------
# Peers: each runs in its own process and prints one JSON object on stdout.
# --------------------------------------------------------------------------

def peer_load(path):
    """scikit-learn's load_svmlight_file alone; 'seconds' is the call only."""
    began = time.perf_counter()
    from sklearn.datasets import load_svmlight_file
    imported = time.perf_counter()
    features, labels = load_svmlight_file(path)
    loaded = time.perf_counter()
    return {"seconds": loaded - imported, "import_s": imported - began, "rows": int(features.shape[0]),
            "features": int(features.shape[1]), "nnz": int(features.nnz)}


def peer_sgd_sweep(path, rates, score):
    """load_svmlight_file, then SGDClassifier(log_loss, constant rate, 3
    epochs, shuffled, no penalty) fitted once per rate on the CSR matrix, as
    given (no scaling). With `score` (an untimed run, to show that the data
    is learnable): fitted on the first 80% of the rows instead, with each
    model's log loss on those rows and on the last 20% (held out)."""
    import warnings

    began = time.perf_counter()
    import numpy as np
    from sklearn.datasets import load_svmlight_file
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDClassifier
    imported = time.perf_counter()
    features, labels = load_svmlight_file(path)
    loaded = time.perf_counter()
    if score:
        cut = features.shape[0] * 4 // 5
        features, labels, held_features, held_labels = (features[:cut], labels[:cut], features[cut:],
                                                         labels[cut:])
    per_rate = []
    fit_s = 0.0
    for rate in rates:
        mark = time.perf_counter()
        model = SGDClassifier(loss="log_loss", penalty=None, learning_rate="constant", eta0=rate,
                              max_iter=GRID_EPOCHS, tol=None, shuffle=True, random_state=0)
        diverged = False
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            try:
                model.fit(features, labels)
            except ValueError:  # sklearn stops on a non-finite weight
                diverged = True
        seconds = time.perf_counter() - mark
        fit_s += seconds
        entry = {"lr": rate, "seconds": seconds, "diverged": diverged}
        if score and not diverged:
            for name, x, y in (("train_loss", features, labels), ("heldout_loss", held_features, held_labels)):
                margin = model.decision_function(x)
                entry[name] = float(np.mean(np.logaddexp(0.0, np.where(y == model.classes_[1], -margin,
                                                                        margin))))
        per_rate.append(entry)
    done = time.perf_counter()
    return {"seconds": done - began, "import_s": imported - began, "load_s": loaded - imported,
            "fit_s": fit_s, "rates": per_rate, "rows": int(features.shape[0]),
            "features": int(features.shape[1])}


def run_peer(args):
    if args.peer == "load":
        result = peer_load(args.peer_file)
    elif args.peer in ("sgd_sweep", "sgd_sweep_scored"):
        result = peer_sgd_sweep(args.peer_file, [float(r) for r in GRID_RATES],
                                args.peer == "sgd_sweep_scored")
    else:
        raise SystemExit(f"unknown peer {args.peer}")
    json.dump(result, sys.stdout)


# --------------------------------------------------------------------------
# Measuring child processes
# --------------------------------------------------------------------------

def measure(argv, scratch, keep_stdout, timeout):
    """Run argv once in its own process group: wall seconds, peak RSS in
    bytes, CPU seconds (user + system, children included), exit code (None
    after a timeout, when the group is killed), stdout (when kept; else
    /dev/null) and stderr."""
    out_path, err_path = os.path.join(scratch, "out"), os.path.join(scratch, "err")
    rss_path = os.path.join(scratch, "rss")
    if os.path.exists(rss_path):
        os.remove(rss_path)
    command = [TIME_BINARY, "-f", "%M", "-o", rss_path] + argv if TIME_BINARY else argv
    timed_out = threading.Event()
    with open(out_path if keep_stdout else os.devnull, "wb") as out, open(err_path, "wb") as err:
        began = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, start_new_session=True)

        def kill():
            timed_out.set()
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        timer = threading.Timer(timeout, kill)
        timer.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - began
        timer.cancel()
        child.returncode = os.waitstatus_to_exitcode(status)
    # Without /usr/bin/time: wait4's ru_maxrss. With it: its report, or none
    # when it was killed (its own ru_maxrss counts this Python process,
    # copied by the fork, before the exec).
    rss_kib = None if TIME_BINARY else usage.ru_maxrss
    try:
        with open(rss_path) as f:
            rss_kib = int(f.read().split()[-1])
    except (OSError, ValueError, IndexError):
        if not timed_out.is_set():
            rss_kib = usage.ru_maxrss
    stdout = ""
    if keep_stdout:
        with open(out_path, errors="replace") as f:
            stdout = f.read()
    with open(err_path, errors="replace") as f:
        stderr = f.read()
    if TIME_BINARY and child.returncode != 0 and not timed_out.is_set():
        # /usr/bin/time adds "Command exited with non-zero status N".
        stderr = "\n".join(line for line in stderr.splitlines()
                           if not line.startswith(("Command exited with non-zero status",
                                                   "Command terminated by signal")))
    return {"seconds": wall, "rss": None if rss_kib is None else rss_kib * 1024,
            "cpu": usage.ru_utime + usage.ru_stime, "rc": None if timed_out.is_set() else child.returncode,
            "stdout": stdout, "stderr": stderr}


def binary_identity(path):
    try:
        info = os.stat(path)
    except OSError as error:
        return str(error)
    modified = datetime.datetime.fromtimestamp(info.st_mtime).isoformat(timespec="seconds")
    return f"{info.st_size} bytes, modified {modified}"


# --------------------------------------------------------------------------
# The suite
# --------------------------------------------------------------------------

LR_FIND_JOBS = ("lf_range", "lf_grid_b32", "lf_grid_b1", "lf_auto", "lf_grid_wide")
PEER_MODULES = {"sk_load": ["sklearn"], "sk_sweep": ["sklearn"]}
LIBLINEAR_JOBS = ("ll_s0", "ll_s2")


def build_jobs(lr_find, liblinear, paths, scratch):
    """Every process the suite times: key -> argv."""
    narrow, wide = paths["narrow"], paths["wide"]
    quiet = ["-q"]
    logistic = ["--model", "logistic"]
    grid = ["--method", "grid", "--rates", ",".join(GRID_RATES), "--epochs", str(GRID_EPOCHS),
            "--optimizer", "sgd", "--validation", "0"]
    me = [sys.executable, os.path.abspath(__file__), "--peer"]
    jobs = {
        "sk_load": me + ["load", "--peer-file", narrow],
        "lf_range": [lr_find, narrow] + logistic + ["--method", "range"] + quiet,
        "sk_sweep": me + ["sgd_sweep", "--peer-file", narrow],
        "lf_grid_b32": [lr_find, narrow] + logistic + grid + ["--batch-size", "32"] + quiet,
        "lf_grid_b1": [lr_find, narrow] + logistic + grid + ["--batch-size", "1"] + quiet,
        "lf_auto": [lr_find, narrow] + logistic + quiet,
        "lf_grid_wide": [lr_find, wide] + logistic + grid + ["--batch-size", "32"] + quiet,
    }
    if liblinear:
        model = os.path.join(scratch, "model")
        jobs["ll_s0"] = [liblinear, "-s", "0", "-q", narrow, model]
        jobs["ll_s2"] = [liblinear, "-s", "2", "-q", narrow, model]
    return jobs


def first_error_line(stderr, rc):
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    message = lines[-1] if lines else "(no message)"
    if len(message) > 160:
        message = message[:157] + "..."
    return "timed out" if rc is None else f"exit {rc}: {message}"


def run_suite(jobs, repeat, timeout, scratch, log):
    """Run every job `repeat` times, alternating the jobs within a
    repetition. A failing job is recorded once and not run again."""
    runs = {key: [] for key in jobs}
    failures = {}
    for rep in range(repeat):
        for key, argv in jobs.items():
            if key in failures:
                continue
            result = measure(argv, scratch, key in PEER_MODULES, timeout)
            if result["rc"] != 0:
                failures[key] = {"error": first_error_line(result["stderr"], result["rc"]),
                                 "stderr": result["stderr"][-4000:], "seconds": result["seconds"],
                                 "rss": result["rss"], "rc": result["rc"]}
                print(f"sparse_bench: [{rep + 1}/{repeat}] {key}: FAILED after "
                      f"{result['seconds']:.2f} s ({failures[key]['error']})", file=log)
                if key not in LR_FIND_JOBS:
                    print(f"sparse_bench: {shlex.join(argv)}\n{result['stderr'][-2000:]}", file=log)
                continue
            if key in PEER_MODULES:
                result["peer"] = json.loads(result["stdout"])
            result.pop("stdout")
            result.pop("stderr")
            runs[key].append(result)
            print(f"sparse_bench: [{rep + 1}/{repeat}] {key}: {result['seconds']:.2f} s, "
                  f"{result['rss'] / MB:.0f} MB", file=log)
    return runs, failures


def spread_text(values, unit=" s"):
    med = statistics.median(values)
    return f"{med:.2f}{unit} ({min(values):.2f}..{max(values):.2f})"


def display_command(argv, lr_find_shown, paths):
    """argv as a reader would type it: the binary as given, the grid's rates
    as $RATES, the files as $NARROW and $WIDE, a peer as
    `python3 bench/perf/sparse_bench.py --peer ...`."""
    shown = []
    files = {paths["narrow"]: "$NARROW", paths["wide"]: "$WIDE"}
    for i, word in enumerate(argv):
        if i == 0:
            if word == sys.executable:
                shown.append("python3")
            elif "liblinear" in os.path.basename(word):
                shown.append(os.path.basename(word))
            else:
                shown.append(lr_find_shown)
        elif word == os.path.abspath(__file__):
            shown.append("bench/perf/sparse_bench.py")
        elif word == ",".join(GRID_RATES):
            shown.append("$RATES")
        elif word in files:
            shown.append(files[word])
        elif os.path.basename(word) == "model" and os.path.dirname(word).startswith(tempfile.gettempdir()):
            shown.append("/tmp/model")
        else:
            shown.append(shlex.quote(word))
    return " ".join(shown)


def make_rows(runs, failures, skipped, jobs, lr_find_shown, paths):
    """The table rows and the notes."""
    rows, notes = [], []

    def error_text(key):
        message = failures[key]["error"]
        for path, name in ((paths["narrow"], "$NARROW"), (paths["wide"], "$WIDE")):
            message = message.replace(path, name)
        return message

    def ok(key):
        return key in runs and runs[key] and key not in failures

    def times(key, field=None):
        if field is None:
            return [r["seconds"] for r in runs[key]]
        return [r["peer"][field] for r in runs[key]]

    def peak(key):
        if ok(key):
            return max(r["rss"] for r in runs[key])
        return None

    def peak_text(key):
        if key in skipped:
            return "skipped"
        if ok(key):
            return f"{peak(key) / MB:.0f} MB"
        if key in failures:
            rss = failures[key]["rss"]
            return "failed" if rss is None else f"({rss / MB:.0f} MB, failed)"
        return "–"

    def side_text(key, field=None):
        if key in skipped:
            return f"skipped ({skipped[key]})"
        if key in failures:
            return f"FAILED ({error_text(key)})"
        if ok(key):
            return spread_text(times(key, field))
        return "–"

    def compare(case, lf_key, peer_key, peer_field=None, target=None, target_text="–", command_key=None):
        """A row: peer / lr-find, PASS when the ratio is at least `target`."""
        row = {"case": case, "lr_find": side_text(lf_key), "peer": side_text(peer_key, peer_field),
               "lr_find_peak": peak_text(lf_key), "peer_peak": peak_text(peer_key),
               "target": target_text, "ratio": "–", "result": "–",
               "command": display_command(jobs[command_key or lf_key], lr_find_shown, paths)}
        if ok(lf_key) and ok(peer_key):
            lf_times, peer_times = times(lf_key), times(peer_key, peer_field)
            ratio = statistics.median(peer_times) / statistics.median(lf_times)
            pairs = [p / l for p, l in zip(peer_times, lf_times)]
            row["ratio"] = f"{ratio:.2f}× ({min(pairs):.2f}..{max(pairs):.2f})"
            row["ratio_value"] = ratio
            if target is not None:
                row["result"] = "PASS" if ratio >= target else "FAIL"
        elif target is not None:
            row["result"] = "ERROR" if lf_key in failures or peer_key in failures else "SKIP"
        rows.append(row)
        return row

    # (a) load_svmlight_file alone: the peer's reference row.
    rows.append({"case": "a  sklearn load_svmlight_file alone (the call)", "lr_find": "–",
                 "peer": side_text("sk_load", "seconds"), "lr_find_peak": "–",
                 "peer_peak": peak_text("sk_load"), "ratio": "–", "target": "–", "result": "–",
                 "command": display_command(jobs["sk_load"], lr_find_shown, paths)})
    # (b) the 16-rate grid against the per-rate SGD sweep.
    compare("b1 grid 16×3 sgd, batch 32 vs sklearn sweep (process)", "lf_grid_b32", "sk_sweep",
            target=5, target_text="≥ 5× (issue: sklearn process 4.3 s)")
    compare("b2 grid 16×3 sgd, batch 1 vs sklearn sweep (process)", "lf_grid_b1", "sk_sweep",
            target=3, target_text="≥ 3×")
    compare("b3 grid 16×3 sgd, batch 32 vs sklearn fits alone", "lf_grid_b32", "sk_sweep", "fit_s")
    compare("b4 grid 16×3 sgd, batch 1 vs sklearn fits alone", "lf_grid_b1", "sk_sweep", "fit_s")
    # (c) range against the load alone.
    compare("c  range vs load_svmlight_file alone (the call)", "lf_range", "sk_load", "seconds",
            target=3, target_text="≥ 3×")
    # (d) auto against the sweep.
    compare("d  auto (default) vs sklearn sweep (process)", "lf_auto", "sk_sweep",
            target=1, target_text="> 1× (faster than the sweep)")
    # (e) features: wide / narrow, both lr-find.
    row = {"case": f"e  grid 16×3 sgd batch 32, ×{WIDE_FACTOR} features ($WIDE) vs $NARROW",
           "lr_find": side_text("lf_grid_wide"), "peer": side_text("lf_grid_b32") + " (lr-find, $NARROW)",
           "lr_find_peak": peak_text("lf_grid_wide"), "peer_peak": peak_text("lf_grid_b32"),
           "target": "wide/narrow ≤ 1.3×", "ratio": "–", "result": "–",
           "command": display_command(jobs["lf_grid_wide"], lr_find_shown, paths)}
    if ok("lf_grid_wide") and ok("lf_grid_b32"):
        ratio = statistics.median(times("lf_grid_wide")) / statistics.median(times("lf_grid_b32"))
        pairs = [w / n for w, n in zip(times("lf_grid_wide"), times("lf_grid_b32"))]
        row.update(ratio=f"{ratio:.2f}× wide/narrow ({min(pairs):.2f}..{max(pairs):.2f})",
                   ratio_value=ratio, result="PASS" if ratio <= 1.3 else "FAIL")
    else:
        row["result"] = "ERROR" if "lf_grid_wide" in failures or "lf_grid_b32" in failures else "SKIP"
    rows.append(row)
    # (m) peak memory.
    for case, key, limit in (("m1 peak RSS, range", "lf_range", 150),
                             ("m2 peak RSS, grid 16×3 batch 32", "lf_grid_b32", 150),
                             ("m3 peak RSS, grid 16×3 batch 1", "lf_grid_b1", 150),
                             ("m4 peak RSS, auto", "lf_auto", 400)):
        row = {"case": case, "lr_find": peak_text(key), "peer": peak_text("sk_sweep") + " (sklearn sweep)",
               "lr_find_peak": peak_text(key), "peer_peak": peak_text("sk_sweep"),
               "target": f"≤ {limit} MB (issue: sklearn 188 MB)", "ratio": "–",
               "result": "ERROR" if key in failures else "SKIP",
               "command": display_command(jobs[key], lr_find_shown, paths)}
        if ok(key):
            row["result"] = "PASS" if peak(key) <= limit * MB else "FAIL"
            if ok("sk_sweep"):
                row["ratio"] = f"{peak('sk_sweep') / peak(key):.2f}×"
        rows.append(row)
    # (f) liblinear: one fit, for reference, against lr-find's auto.
    for key, label in (("ll_s0", "-s 0 (L2 logistic regression, primal)"),
                       ("ll_s2", "-s 2 (L2-loss SVM, primal)")):
        if key in jobs or key in skipped:
            compare(f"f  liblinear-train {label}, one fit, vs lr-find auto", "lf_auto", key,
                    command_key=key if key in jobs else "lf_auto")
            if key in skipped:
                rows[-1]["peer"] = f"skipped ({skipped[key]})"

    # Notes.
    notes.append("Times are whole processes, wall clock, files in the page cache, unless the case says "
                 "otherwise; ratio = peer ÷ lr-find (medians; in brackets the range of per-repetition "
                 "ratios). lr-find's JSON goes to /dev/null (-q keeps its errors on stderr).")
    if ok("sk_load"):
        process = statistics.median(times("sk_load"))
        notes.append(f"a, c peer: the load_svmlight_file call only; import of sklearn excluded (median "
                     f"{statistics.median(times('sk_load', 'import_s')):.2f} s), whole process "
                     f"{process:.2f} s.")
    if ok("sk_sweep"):
        parts = {k: statistics.median(times("sk_sweep", k)) for k in ("import_s", "load_s", "fit_s")}
        per_rate = runs["sk_sweep"][0]["peer"]["rates"]
        diverged = sum(r["diverged"] for r in per_rate)
        notes.append("b, d peer: one load_svmlight_file, then SGDClassifier(loss='log_loss', penalty=None, "
                     "learning_rate='constant', eta0=rate, max_iter=3, tol=None, shuffle=True, "
                     "random_state=0).fit(X, y) per rate on the CSR matrix as loaded (no scaling; lr-find "
                     "scales by the standard deviation, --scaling scale); medians: "
                     + ", ".join(f"{k[:-2]} {v:.2f} s" for k, v in parts.items())
                     + f"; {diverged} of {len(GRID_RATES)} rates raised (non-finite weights). "
                     "b3, b4 compare lr-find's whole process with the fits alone.")
    cpu = [f"{key} {statistics.median(r['cpu'] for r in runs[key]):.2f} s" for key in jobs if ok(key)]
    if cpu:
        notes.append("CPU time (user + system, median; less sensitive than wall clock to other load on the "
                     "machine; lr-find's can exceed its wall clock, it uses threads): " + ", ".join(cpu) + ".")
    notes.append("lr-find's grids use --validation 0 (every row trains, as in sklearn's fits; the default "
                 "would hold out 20%); the sklearn sweep is single-threaded, lr-find uses every core "
                 "(--threads 0).")
    if any(k in jobs for k in LIBLINEAR_JOBS):
        notes.append("f: Debian's liblinear-train (C = 1, its default stopping tolerance, no bias term), "
                     "one fit to convergence on the raw values: the cost of training once, for reference "
                     "beside lr-find's search.")
    return rows, notes


def print_table(rows, notes, header, out=sys.stdout):
    print(header, file=out)
    print("", file=out)
    print("| case | lr-find | peer | ratio peer/lr-find | target | result | lr-find peak | peer peak | command |",
          file=out)
    print("|---|---|---|---|---|---|---|---|---|", file=out)
    for r in rows:
        print(f"| {r['case']} | {r['lr_find']} | {r['peer']} | {r['ratio']} | {r['target']} | {r['result']} | "
              f"{r['lr_find_peak']} | {r['peer_peak']} | `{r['command']}` |", file=out)
    print("", file=out)
    for note in notes:
        print(f"- {note}", file=out)


TARGETS = (
    ("b1", "grid 16 rates × 3 epochs sgd (batch 32): ≥ 5× faster than sklearn per-rate SGD (process)"),
    ("b2", "grid 16 rates × 3 epochs sgd at --batch-size 1: ≥ 3× faster than sklearn per-rate SGD (process)"),
    ("c ", "--method range end to end: ≥ 3× faster than load_svmlight_file alone"),
    ("e ", f"same non-zeros over ×{WIDE_FACTOR} features: ≤ 1.3× the time (grid, sgd)"),
    ("m1", "peak memory of --method range: ≤ 150 MB"),
    ("m2", "peak memory of the 16-rate grid (batch 32): ≤ 150 MB"),
    ("m3", "peak memory of the 16-rate grid (batch 1): ≤ 150 MB"),
    ("m4", "peak memory of default auto: ≤ 400 MB"),
    ("d ", "default auto (logistic, sgd): faster than sklearn's 16-rate sweep"),
)


def print_targets(rows, out=sys.stdout):
    print("", file=out)
    print("Issue 15's targets:", file=out)
    by_case = {r["case"][:2]: r for r in rows}
    for prefix, text in TARGETS:
        row = by_case.get(prefix)
        if row is None:
            continue
        measured = row["ratio"] if row["ratio"] != "–" else row["lr_find"]
        print(f"  {row['result']:5} {text}: {measured}", file=out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lr-find", default="build/lr-find",
                        help="the binary to time (relative paths: from the repository root)")
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; medians are shown")
    parser.add_argument("--quick", action="store_true", help="20,000 rows instead of 100,000 (a smoke run)")
    parser.add_argument("--rows", type=int, help="rows of the data set [100000; 20000 with --quick]")
    parser.add_argument("--features", type=int, default=200_000,
                        help=f"features of the narrow file; the wide one has {WIDE_FACTOR}× [200000]")
    parser.add_argument("--nnz", type=int, default=45, help="mean non-zeros a row [45]")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--generate-only", action="store_true", help="write the files and stop")
    parser.add_argument("--peers-only", action="store_true", help="time the peers, not lr-find")
    parser.add_argument("--no-score", action="store_true",
                        help="skip the untimed sklearn sweep that reports each rate's training and held-out loss")
    parser.add_argument("--liblinear-train", default="/usr/bin/liblinear-train",
                        help="Debian's liblinear-tools; its rows are skipped when missing")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a run is killed [600]")
    parser.add_argument("--json", metavar="OUT", help="also write every measurement here")
    parser.add_argument("--peer", help=argparse.SUPPRESS)
    parser.add_argument("--peer-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        run_peer(args)
        return
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    rows = args.rows or (20_000 if args.quick else 100_000)
    if rows < 1 or args.features < 2 or args.nnz < 1:
        parser.error("--rows, --features and --nnz must be positive")

    began = time.perf_counter()
    paths, entries = ensure_data(args.data_dir, rows, args.features, args.nnz, args.seed)
    generation_s = time.perf_counter() - began
    if args.generate_only:
        return

    lr_find = args.lr_find if os.path.isabs(args.lr_find) else os.path.join(REPO, args.lr_find)
    if not args.peers_only and not os.access(lr_find, os.X_OK):
        parser.error(f"{args.lr_find}: not an executable (build it, pass --lr-find, or --peers-only)")
    liblinear = args.liblinear_train if os.access(args.liblinear_train, os.X_OK) else None
    skipped = {}
    for key, modules in PEER_MODULES.items():
        reason = peer_available(modules)
        if reason:
            skipped[key] = reason
            print(f"sparse_bench: skipping {key}: {reason}", file=sys.stderr)
    if not liblinear:
        for key in LIBLINEAR_JOBS:
            skipped[key] = f"{args.liblinear_train} not found (apt-get install liblinear-tools)"

    for path in paths.values():
        warm_page_cache(path)
    identity_before = binary_identity(lr_find)
    version = ""
    if not args.peers_only:
        probe = subprocess.Popen([lr_find, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True, start_new_session=True)
        try:
            version = probe.communicate(timeout=30)[0].strip()
        except subprocess.TimeoutExpired:
            os.killpg(probe.pid, signal.SIGKILL)
            probe.communicate()
            version = "(--version timed out)"
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="lrfind-sparse-bench-") as scratch:
        jobs = build_jobs(lr_find, liblinear, paths, scratch)
        timed = {k: v for k, v in jobs.items() if k not in skipped
                 and not (args.peers_only and k in LR_FIND_JOBS)}
        runs, failures = run_suite(timed, args.repeat, args.timeout, scratch, sys.stderr)
        scored = None
        if not args.no_score and "sk_sweep" not in skipped:
            argv = jobs["sk_sweep"][:-3] + ["sgd_sweep_scored"] + jobs["sk_sweep"][-2:]
            result = measure(argv, scratch, True, args.timeout)
            if result["rc"] == 0:
                scored = json.loads(result["stdout"])
            else:
                print(f"sparse_bench: the scored sweep failed: {result['stderr'][-2000:]}", file=sys.stderr)
    load_after = os.getloadavg()[0]
    identity_after = binary_identity(lr_find)
    if args.peers_only:
        for key in LR_FIND_JOBS:
            skipped[key] = "--peers-only"
            failures.pop(key, None)

    rows_table, notes = make_rows(runs, failures, skipped, jobs, args.lr_find, paths)
    stats = entries["narrow"]["stats"]
    generated = (f"drawn in {entries['narrow']['draw_s']:.1f} s, written in "
                 f"{entries['narrow']['write_s']:.1f} s + {entries['wide']['write_s']:.1f} s (wide)")
    notes.append(f"Data: {rows:,} rows, {stats['nnz']:,} non-zeros ({stats['nnz_per_row_mean']} a row, "
                 f"at most {stats['nnz_per_row_max']}; Poisson({stats['tokens_per_row_mean']}) Zipf tokens a "
                 f"row), {stats['features_used']:,} of {args.features:,} features used, "
                 f"{stats['positive_fraction']:.1%} positive; the true model's loss {stats['true_model_loss']} "
                 f"(untrained {UNTRAINED_LOSS:.3f}). Files {generated}; this run spent {generation_s:.1f} s on "
                 f"generation or the cache check.")
    if scored:
        finite = [(r["heldout_loss"], r["lr"], r["train_loss"]) for r in scored["rates"]
                  if "heldout_loss" in r and r["heldout_loss"] < float("inf")]
        if finite:
            best, best_rate, best_train = min(finite)
            notes.append("Learnable: the same sklearn sweep fitted on the first 80% of the rows (an untimed "
                         "run), log loss train/held-out per rate: "
                         + ", ".join(f"{r['lr']:.3g}: " + (f"{r['train_loss']:.3f}/{r['heldout_loss']:.3f}"
                                                           if "heldout_loss" in r else "raised")
                                     for r in scored["rates"])
                         + f"; best held-out {best:.3f} at {best_rate:.3g} (train {best_train:.3f}; "
                         f"untrained {UNTRAINED_LOSS:.3f}, true model {stats['true_model_loss']}).")
    for key, failure in failures.items():
        if key in LR_FIND_JOBS:
            continue
        notes.append(f"{key} failed: {failure['error']}")
    if identity_before != identity_after:
        notes.append(f"WARNING: {args.lr_find} changed during the run ({identity_before} -> {identity_after}): "
                     "a build replaced it; run again.")
    notes.append(f"NARROW={paths['narrow']} WIDE={paths['wide']} RATES={','.join(GRID_RATES)}")

    cores = os.cpu_count()
    header = (f"lr-find sparse benchmark, {datetime.date.today().isoformat()}: "
              + (f"{version} ({args.lr_find}: {identity_before}); " if version else "")
              + f"{cores} cores ({platform.processor() or platform.machine()}), median of {args.repeat} "
              f"(min..max){', QUICK' if args.quick else ''}; 1-minute load average {load_before:.1f} before, "
              f"{load_after:.1f} after; "
              + ", ".join(f"{os.path.basename(p)} {os.path.getsize(p) / MB:.1f} MB" for p in paths.values()))
    print_table(rows_table, notes, header)
    print_targets(rows_table)
    print("", file=sys.stdout)
    print("Reproduce: cd " + shlex.quote(REPO) + " && /usr/bin/python3 bench/perf/sparse_bench.py "
          + shlex.join(sys.argv[1:]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"header": header, "rows": rows_table, "notes": notes, "runs": runs,
                       "failures": failures, "skipped": skipped, "jobs": jobs, "grid_rates": GRID_RATES,
                       "data": entries, "scored_sweep": scored, "generation_s": generation_s,
                       "python": sys.version, "cores": cores, "argv": sys.argv}, f, indent=1)


if __name__ == "__main__":
    main()
