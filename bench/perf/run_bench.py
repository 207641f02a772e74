#!/usr/bin/python3
"""Time whole lr-find runs against pandas, torch-lr-finder and scikit-learn (issue 4).

    bench/perf/run_bench.py [--lr-find build/lr-find] [--data-dir /tmp/lrfind-bench]
                            [--repeat 3] [--quick] [--json OUT]

Every case runs both sides in the same invocation, on the same files, read
from the page cache (each file is read once before timing), alternating the
sides within each repetition; the table shows medians and the spread
(min..max) of --repeat runs. Peak memory is the maximum resident set size of
the lr-find process (/usr/bin/time -f %M, or wait4's ru_maxrss without it).

The peers run as child processes of this script (`run_bench.py --peer ...`),
so that each is timed and measured alone; a peer whose modules do not import
is skipped with a note. What each timing includes is stated in the notes
printed under the table.
"""

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_data import DEFAULT_DATA_DIR, dataset_specs, ensure_data  # noqa: E402

MB = 1e6  # decimal megabytes throughout: file sizes, memory and MB/s
GRID_RATES = [format(10 ** (-5 + 4 * i / 15), ".6g") for i in range(16)]
GRID_EPOCHS = 3
RANGE_STEPS = 100
SAMPLE_ROWS = 100_000


# --------------------------------------------------------------------------
# Peers: each runs in its own process and prints one JSON object on stdout.
# --------------------------------------------------------------------------

def peer_read_csv(path):
    """pandas.read_csv alone; 'seconds' is the read_csv call only."""
    began = time.perf_counter()
    import pandas
    imported = time.perf_counter()
    frame = pandas.read_csv(path)
    read = time.perf_counter()
    return {"seconds": read - imported, "import_s": imported - began,
            "rows": int(frame.shape[0]), "columns": int(frame.shape[1])}


def peer_torch_range(path, seed):
    """torch-lr-finder's documented usage with pandas loading.

    Uses torch_lr_finder when it imports. Otherwise the loop of
    torch_lr_finder.LRFinder.range_test (0.2.x) is reproduced below, and the
    modules the package imports at load time (matplotlib.pyplot, tqdm,
    packaging) are imported when installed, as `from torch_lr_finder import
    LRFinder` would."""
    stamps = {}
    began = time.perf_counter()
    import numpy as np
    import pandas as pd
    import torch
    from torch import nn, optim
    from torch.utils.data import DataLoader, TensorDataset

    try:
        from torch_lr_finder import LRFinder
        implementation = "torch_lr_finder"
        missing = []
    except ImportError:
        LRFinder = None
        implementation = "reimplementation of LRFinder.range_test"
        missing = []
        for name in ("matplotlib.pyplot", "tqdm", "packaging.version"):
            try:
                __import__(name)
            except ImportError:
                missing.append(name)
    stamps["import_s"] = time.perf_counter() - began

    torch.manual_seed(seed)
    mark = time.perf_counter()
    frame = pd.read_csv(path)
    stamps["read_csv_s"] = time.perf_counter() - mark

    mark = time.perf_counter()
    # lr-find standardises the features by default, so the peer does too.
    features = frame.drop(columns="y").to_numpy(dtype=np.float64)
    features = (features - features.mean(axis=0)) / features.std(axis=0)
    inputs = torch.tensor(features, dtype=torch.float32)
    labels = torch.tensor(frame["y"].to_numpy(), dtype=torch.float32).reshape(-1, 1)
    del features, frame
    loader = DataLoader(TensorDataset(inputs, labels), batch_size=32, shuffle=True)
    model = nn.Linear(inputs.shape[1], 1)
    criterion = nn.MSELoss()
    optimizer = optim.SGD(model.parameters(), lr=1e-7)
    stamps["prepare_s"] = time.perf_counter() - mark

    mark = time.perf_counter()
    settings = dict(end_lr=10, num_iter=RANGE_STEPS, step_mode="exp", smooth_f=0.05, diverge_th=5)
    if LRFinder is not None:
        finder = LRFinder(model, optimizer, criterion, device="cpu")
        finder.range_test(loader, **settings)
        history = finder.history
        finder.reset()
    else:
        history = reimplemented_range_test(model, optimizer, criterion, loader, **settings)
    stamps["range_test_s"] = time.perf_counter() - mark

    # LRFinder.plot()'s suggestion (steepest descent after trimming 10 and 5
    # points), without drawing.
    lrs, losses = history["lr"][10:-5], history["loss"][10:-5]
    suggestion = float(lrs[int(np.gradient(np.array(losses)).argmin())]) if len(losses) > 1 else None
    return dict(stamps, implementation=implementation, missing_imports=missing,
                steps=len(history["loss"]), suggested_lr=suggestion,
                torch_threads=torch.get_num_threads())


def reimplemented_range_test(model, optimizer, criterion, loader, end_lr, num_iter, step_mode,
                             smooth_f, diverge_th):
    """The range test as torch_lr_finder.LRFinder runs it, on the CPU:
    deep copies of the model and optimizer state are taken first and loaded
    back at the end (LRFinder's StateCacher and reset()); the rate of step i is
    lr0 * (end_lr / lr0) ** (i / (num_iter - 1)), set by an _LRScheduler;
    the loader restarts when exhausted; the recorded loss is smoothed as
    s_i = f * loss_i + (1 - f) * s_{i-1}; the test stops once
    s_i > diverge_th * min(s)."""
    import copy

    from torch.optim.lr_scheduler import _LRScheduler

    assert step_mode == "exp"

    class ExponentialSweep(_LRScheduler):
        def __init__(self, optimizer, end_lr, num_iter):
            self.end_lr, self.num_iter = end_lr, num_iter
            super().__init__(optimizer)

        def get_lr(self):
            fraction = self.last_epoch / (self.num_iter - 1)
            return [base * (self.end_lr / base) ** fraction for base in self.base_lrs]

    saved_model = copy.deepcopy(model.state_dict())
    saved_optimizer = copy.deepcopy(optimizer.state_dict())
    history = {"lr": [], "loss": []}
    best = None
    schedule = ExponentialSweep(optimizer, end_lr, num_iter)
    batches = iter(loader)
    for iteration in range(num_iter):
        model.train()
        optimizer.zero_grad()
        try:
            inputs, labels = next(batches)
        except StopIteration:
            batches = iter(loader)
            inputs, labels = next(batches)
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()
        loss = loss.item()
        history["lr"].append(schedule.get_lr()[0])
        schedule.step()
        if iteration == 0:
            best = loss
        else:
            if smooth_f > 0:
                loss = smooth_f * loss + (1 - smooth_f) * history["loss"][-1]
            best = min(best, loss)
        history["loss"].append(loss)
        if loss > diverge_th * best:
            break
    model.load_state_dict(saved_model)
    optimizer.load_state_dict(saved_optimizer)
    return history


def peer_sklearn_grid(path, rates):
    """SGDRegressor fitted once per rate on one pandas load of the file.

    'seconds' = read_csv + StandardScaler + every fit + the training MSE of
    each fitted model (a grid needs a score per rate; lr-find computes one
    per epoch). Interpreter start and imports are excluded (import_s)."""
    import warnings

    began = time.perf_counter()
    import numpy as np
    import pandas as pd
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDRegressor
    from sklearn.preprocessing import StandardScaler
    imported = time.perf_counter()

    frame = pd.read_csv(path)
    loaded = time.perf_counter()
    features = StandardScaler().fit_transform(frame.drop(columns="y").to_numpy(dtype=np.float64))
    target = frame["y"].to_numpy(dtype=np.float64)
    del frame
    scaled = time.perf_counter()
    per_rate = []
    for rate in rates:
        mark = time.perf_counter()
        model = SGDRegressor(loss="squared_error", penalty=None, learning_rate="constant",
                             eta0=rate, max_iter=GRID_EPOCHS, tol=None, shuffle=True,
                             random_state=0)
        diverged = False
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            try:
                model.fit(features, target)
                residual = model.predict(features) - target
                mse = float(np.mean(residual * residual))
            except ValueError:  # sklearn stops on a non-finite weight
                diverged, mse = True, None
        per_rate.append({"lr": rate, "seconds": time.perf_counter() - mark,
                         "diverged": diverged or not np.isfinite(mse), "train_mse": mse})
    done = time.perf_counter()
    return {"seconds": done - imported, "import_s": imported - began,
            "read_csv_s": loaded - imported, "scale_s": scaled - loaded,
            "fit_s": done - scaled, "rates": per_rate, "rows": int(features.shape[0])}


def run_peer(args):
    if args.peer == "read_csv":
        result = peer_read_csv(args.peer_file)
    elif args.peer == "torch_range":
        result = peer_torch_range(args.peer_file, 0)
    elif args.peer == "sklearn_grid":
        result = peer_sklearn_grid(args.peer_file, [float(r) for r in GRID_RATES])
    else:
        raise SystemExit(f"unknown peer {args.peer}")
    json.dump(result, sys.stdout)


# --------------------------------------------------------------------------
# Measuring child processes
# --------------------------------------------------------------------------

TIME_BINARY = shutil.which("time", path="/usr/bin:/bin")


def measure(argv, scratch):
    """Run argv once: wall seconds (from here), peak RSS in bytes, exit code,
    stdout and stderr (as text)."""
    out_path, err_path = os.path.join(scratch, "out"), os.path.join(scratch, "err")
    rss_path = os.path.join(scratch, "rss")
    command = [TIME_BINARY, "-f", "%M", "-o", rss_path] + argv if TIME_BINARY else argv
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        began = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
    if TIME_BINARY:
        with open(rss_path) as f:
            rss_kib = int(f.read().split()[-1])
    else:
        rss_kib = usage.ru_maxrss
    with open(out_path, errors="replace") as f:
        stdout = f.read()
    with open(err_path, errors="replace") as f:
        stderr = f.read()
    return {"seconds": wall, "rss": rss_kib * 1024, "rc": child.returncode,
            "stdout": stdout, "stderr": stderr}


def warm_page_cache(path):
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def peer_available(modules):
    probe = "import " + ", ".join(modules)
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    if result.returncode == 0:
        return None
    lines = result.stderr.strip().splitlines()
    return lines[-1] if lines else f"import failed ({result.returncode})"


# --------------------------------------------------------------------------
# The suite
# --------------------------------------------------------------------------

def build_jobs(lr_find, paths):
    """Every process the suite times: key -> argv (and whether it is lr-find)."""
    reg, wide, cls = paths["reg"], paths["wide"], paths["cls"]
    quiet = ["-q", "-o", os.devnull]
    range_args = ["--method", "range", "--repeats", "1"]
    parse_args = ["--method", "range", "--steps", "1", "--repeats", "1"]
    grid_args = ["--method", "grid", "--rates", ",".join(GRID_RATES), "--epochs", str(GRID_EPOCHS),
                 "--validation", "0"]
    me = [sys.executable, os.path.abspath(__file__), "--peer"]
    return {
        "lf_range": [lr_find, reg, "--model", "linear"] + range_args + quiet,
        "pd_read": me + ["read_csv", "--peer-file", reg],
        "torch_range": me + ["torch_range", "--peer-file", reg],
        "lf_grid_b1": [lr_find, reg, "--model", "linear"] + grid_args + ["--batch-size", "1"] + quiet,
        "lf_grid_bdef": [lr_find, reg, "--model", "linear"] + grid_args + quiet,
        "sk_grid": me + ["sklearn_grid", "--peer-file", reg],
        "lf_sample": [lr_find, reg, "--model", "linear"] + range_args
        + ["--sample", str(SAMPLE_ROWS)] + quiet,
        "lf_wide": [lr_find, wide, "--model", "linear"] + range_args + quiet,
        "lf_parse_t1": [lr_find, reg, "--model", "linear"] + parse_args + ["--threads", "1"] + quiet,
        "lf_parse_all": [lr_find, reg, "--model", "linear"] + parse_args + quiet,
        "lf_parse_wide_t1": [lr_find, wide, "--model", "linear"] + parse_args + ["--threads", "1"] + quiet,
        "lf_parse_cls_t1": [lr_find, cls, "--model", "logistic"] + parse_args + ["--threads", "1"] + quiet,
    }


PEER_MODULES = {"pd_read": ["pandas"], "torch_range": ["pandas", "torch"],
                "sk_grid": ["pandas", "sklearn"]}


def run_suite(jobs, repeat, log):
    """Run every job `repeat` times, alternating jobs within a repetition."""
    skipped = {}
    for key, modules in PEER_MODULES.items():
        reason = peer_available(modules)
        if reason:
            skipped[key] = reason
            print(f"run_bench: skipping {key}: {reason}", file=log)
    runs = {key: [] for key in jobs if key not in skipped}
    with tempfile.TemporaryDirectory(prefix="lrfind-bench-") as scratch:
        for rep in range(repeat):
            for key in runs:
                result = measure(jobs[key], scratch)
                if result["rc"] != 0:
                    raise SystemExit(f"run_bench: {key} failed with exit code {result['rc']}:\n"
                                     f"{shlex.join(jobs[key])}\n{result['stderr'][-2000:]}")
                if key in PEER_MODULES:
                    result["peer"] = json.loads(result["stdout"])
                result.pop("stdout")
                result.pop("stderr")
                runs[key].append(result)
                print(f"run_bench: [{rep + 1}/{repeat}] {key}: {result['seconds']:.2f} s, "
                      f"{result['rss'] / MB:.0f} MB", file=log)
    return runs, skipped


def run_kernel_load(kernels, path, repeat, log):
    """The loader alone (BM_LoadFile of lrfind-kernels: load_dataset on `path`
    from the page cache, one thread and all cores): seconds per repetition,
    keyed by threads argument ("1", "0")."""
    argv = [kernels, "--benchmark_filter=^BM_LoadFile/", f"--benchmark_repetitions={repeat}",
            "--benchmark_format=json"]
    result = subprocess.run(argv, capture_output=True, text=True,
                            env=dict(os.environ, LRFIND_BENCH_FILE=path))
    if result.returncode != 0:
        raise SystemExit(f"run_bench: {shlex.join(argv)} failed:\n{result.stderr[-2000:]}")
    seconds = {}
    for b in json.loads(result.stdout)["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        if b.get("error_occurred"):
            raise SystemExit(f"run_bench: {b['name']}: {b.get('error_message')}")
        threads = b["name"].split("threads:")[1].split("/")[0]
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        seconds.setdefault(threads, []).append(b["real_time"] * scale)
    for threads, times in seconds.items():
        print(f"run_bench: load_dataset alone, threads {threads}: "
              + ", ".join(f"{t:.3f} s" for t in times), file=log)
    return seconds


def spread(values):
    return statistics.median(values), min(values), max(values)


def fmt_seconds(values):
    med, lo, hi = spread(values)
    return f"{med:.2f} s ({lo:.2f}..{hi:.2f})"


def fmt_mb(value):
    return f"{value / MB:.0f} MB"


def display_command(argv, lr_find_shown):
    """argv as a reader would type it: the binary as given, the grid's rates
    as $RATES, a peer as `python3 bench/perf/run_bench.py --peer ...`."""
    shown = []
    for i, word in enumerate(argv):
        if i == 0 and word == sys.executable:
            shown.append("python3")
        elif word == os.path.abspath(__file__):
            shown.append("bench/perf/run_bench.py")
        elif i == 0:
            shown.append(lr_find_shown)
        elif word == ",".join(GRID_RATES):
            shown.append("$RATES")
        else:
            shown.append(shlex.quote(word))
    return " ".join(shown)


def make_rows(runs, skipped, jobs, paths, specs, lr_find_shown, kernel_load=None):
    """The table rows: dicts with case, lr-find, peer, ratio, target, result, rss, command."""
    rows, notes = [], []
    name = {key: os.path.basename(path).removesuffix(".csv") for key, path in paths.items()}
    sizes = {key: os.path.getsize(path) for key, path in paths.items()}
    reg_rows, reg_features = specs["reg"][1], specs["reg"][2]
    wide_rows, wide_features = specs["wide"][1], specs["wide"][2]

    def lf(key):
        return [r["seconds"] for r in runs[key]]

    def rss(key):
        return max(r["rss"] for r in runs[key])

    def peer(key, field="seconds"):
        return [r["peer"][field] for r in runs[key]]

    def time_row(case, lf_key, peer_times, target, peer_label):
        lf_med = statistics.median(lf(lf_key))
        row = {"case": case, "lr_find": fmt_seconds(lf(lf_key)), "rss": fmt_mb(rss(lf_key)),
               "command": display_command(jobs[lf_key], lr_find_shown), "target": f"≥ {target}×"}
        if peer_times is None:
            row.update(peer=f"skipped ({peer_label})", ratio="–", result="SKIP")
        else:
            ratio = statistics.median(peer_times) / lf_med
            ratios = [p / l for p, l in zip(peer_times, lf(lf_key))]
            row.update(peer=fmt_seconds(peer_times),
                       ratio=f"{ratio:.1f}× ({min(ratios):.1f}..{max(ratios):.1f})",
                       result="PASS" if ratio >= target else "FAIL", ratio_value=ratio)
        rows.append(row)
        return row

    # (a) range test end to end.
    time_row(f"a1 range, {name['reg']} vs pandas.read_csv", "lf_range",
             peer("pd_read") if "pd_read" in runs else None, 5, skipped.get("pd_read"))
    torch_times = [r["seconds"] for r in runs["torch_range"]] if "torch_range" in runs else None
    time_row(f"a2 range, {name['reg']} vs torch-lr-finder", "lf_range", torch_times, 8,
             skipped.get("torch_range"))

    # (b) grid, 16 rates x 3 epochs.
    sk_times = peer("sk_grid") if "sk_grid" in runs else None
    updates = reg_rows * GRID_EPOCHS * len(GRID_RATES)
    for key, label in (("lf_grid_b1", "batch 1"), ("lf_grid_bdef", "default batch 32")):
        row = time_row(f"b grid 16×3, {label}, {name['reg']} vs SGDRegressor", key, sk_times, 10,
                       skipped.get("sk_grid"))
        row["throughput"] = (f"lr-find {updates / statistics.median(lf(key)) / 1e6:.1f} M, "
                             + (f"sklearn {updates / statistics.median(sk_times) / 1e6:.1f} M"
                                if sk_times else "sklearn –") + " rows·rates/s")

    # (c) peak memory.
    matrix = reg_rows * reg_features * 8
    for case, key, limit, limit_label in (
            (f"c1 peak RSS, range, {name['reg']}", "lf_range", 1.5 * matrix,
             f"< 1.5 × {fmt_mb(matrix)} matrix = {fmt_mb(1.5 * matrix)}"),
            (f"c2 peak RSS, range --sample {SAMPLE_ROWS}, {name['reg']}", "lf_sample",
             64 * MB + SAMPLE_ROWS * reg_features * 8,
             f"< 64 MB + {fmt_mb(SAMPLE_ROWS * reg_features * 8)} sample = "
             f"{fmt_mb(64 * MB + SAMPLE_ROWS * reg_features * 8)}"),
            (f"c3 peak RSS, range, {name['wide']}", "lf_wide", 1.5 * wide_rows * wide_features * 8,
             f"< 1.5 × {fmt_mb(wide_rows * wide_features * 8)} matrix = "
             f"{fmt_mb(1.5 * wide_rows * wide_features * 8)}")):
        peak = rss(key)
        base = matrix if key != "lf_wide" else wide_rows * wide_features * 8
        rows.append({"case": case, "lr_find": fmt_seconds(lf(key)), "peer": "–",
                     "ratio": f"{peak / base:.2f}× matrix", "target": limit_label,
                     "result": "PASS" if peak < limit else "FAIL", "rss": fmt_mb(peak),
                     "command": display_command(jobs[key], lr_find_shown)})

    # (d) parse throughput: the loader alone, then whole runs (a lower bound).
    if kernel_load:
        shown = kernel_load["command"]
        one = None
        for threads, label in (("1", "1 thread"), ("0", "all cores")):
            if threads not in kernel_load["seconds"]:
                raise SystemExit(f"run_bench: no BM_LoadFile/threads:{threads} result from {kernel_load['command']}")
            speeds = [sizes["reg"] / MB / t for t in kernel_load["seconds"][threads]]
            med = statistics.median(speeds)
            row = {"case": f"d0 MB/s, parse alone (load_dataset), {label}, {name['reg']}",
                   "lr_find": f"{med:.0f} MB/s ({min(speeds):.0f}..{max(speeds):.0f})",
                   "peer": "–", "ratio": "–", "target": "≥ 400 MB/s",
                   "result": "PASS" if med >= 400 else "FAIL", "rss": "–",
                   "command": f"LRFIND_BENCH_FILE={paths['reg']} {shown} --benchmark_filter=BM_LoadFile"}
            if threads == "1":
                one = med
            else:
                row.update(ratio=f"{med / one:.2f}× 1 thread", target="scales with cores",
                           result="PASS" if med > one * 1.1 else "FAIL")
            rows.append(row)
    else:
        rows.append({"case": f"d0 MB/s, parse alone (load_dataset), {name['reg']}", "lr_find": "skipped",
                     "peer": "–", "ratio": "–", "target": "≥ 400 MB/s", "result": "SKIP", "rss": "–",
                     "command": "needs lrfind-kernels (--kernels; README, Kernels)"})
    one_core = None
    for case, key, file_key, target in (
            (f"d1 MB/s, whole run, 1 thread, {name['reg']}", "lf_parse_t1", "reg", None),
            (f"d2 MB/s, whole run, all cores, {name['reg']}", "lf_parse_all", "reg", None),
            (f"d3 MB/s, whole run, 1 thread, {name['wide']}", "lf_parse_wide_t1", "wide", None),
            (f"d4 MB/s, whole run, 1 thread, {name['cls']}", "lf_parse_cls_t1", "cls", None)):
        speeds = [sizes[file_key] / MB / t for t in lf(key)]
        med = statistics.median(speeds)
        row = {"case": case, "lr_find": f"{med:.0f} MB/s ({min(speeds):.0f}..{max(speeds):.0f})",
               "peer": "–", "ratio": "–", "target": f"≥ {target} MB/s" if target else "–",
               "result": ("PASS" if med >= target else "FAIL") if target else "–",
               "rss": fmt_mb(rss(key)), "command": display_command(jobs[key], lr_find_shown)}
        if key == "lf_parse_t1":
            one_core = med
            row["target"] = "(lower bound of d0)"
        if key == "lf_parse_all" and one_core:
            row["ratio"] = f"{med / one_core:.2f}× 1 thread"
            row["target"] = "scales with cores"
            row["result"] = "PASS" if med > one_core * 1.1 else "FAIL"
        rows.append(row)
    if "pd_read" in runs:
        speeds = [sizes["reg"] / MB / t for t in peer("pd_read")]
        rows.append({"case": f"d5 MB/s, pandas.read_csv, {name['reg']} (reference)", "lr_find": "–",
                     "peer": f"{statistics.median(speeds):.0f} MB/s "
                             f"({min(speeds):.0f}..{max(speeds):.0f})",
                     "ratio": "–", "target": "–", "result": "–",
                     "rss": f"(pandas {fmt_mb(max(r['rss'] for r in runs['pd_read']))})",
                     "command": display_command(jobs["pd_read"], lr_find_shown)})

    # Notes: what each time includes.
    notes.append("lr-find times are whole processes (start, parse, standardise, train, JSON to "
                 "/dev/null), wall clock, files in the page cache.")
    if "pd_read" in runs:
        notes.append(f"a1 peer: the pandas.read_csv call only (import pandas excluded, median "
                     f"{statistics.median(peer('pd_read', 'import_s')):.2f} s).")
    if "torch_range" in runs:
        p = runs["torch_range"][0]["peer"]
        parts = {k: statistics.median(peer("torch_range", k))
                 for k in ("import_s", "read_csv_s", "prepare_s", "range_test_s")}
        notes.append("a2 peer: the whole Python process (" + p["implementation"]
                     + (f"; not installed: {', '.join(p['missing_imports'])}" if p["missing_imports"] else "")
                     + "), medians: " + ", ".join(f"{k[:-2]} {v:.2f} s" for k, v in parts.items())
                     + f"; {p['steps']} of {RANGE_STEPS} steps, torch threads {p['torch_threads']}; "
                     f"features standardised as lr-find does.")
    if "sk_grid" in runs:
        p = runs["sk_grid"][0]["peer"]
        parts = {k: statistics.median(peer("sk_grid", k))
                 for k in ("import_s", "read_csv_s", "scale_s", "fit_s")}
        diverged = sum(r["diverged"] for r in p["rates"])
        whole = statistics.median([r["seconds"] for r in runs["sk_grid"]])
        notes.append("b peer: one pandas load + StandardScaler + 16 SGDRegressor fits (3 epochs, "
                     "batch 1) with a training MSE per rate, in one process; interpreter start "
                     "and imports excluded (whole process "
                     f"{whole:.2f} s), medians: "
                     + ", ".join(f"{k[:-2]} {v:.2f} s" for k, v in parts.items())
                     + f"; {diverged} of {len(GRID_RATES)} rates diverged. The same sklearn runs "
                     "serve both batch sizes (SGDRegressor has none). sklearn's squared_error is "
                     "½(y−ŷ)², lr-find's linear loss (y−ŷ)², so lr-find's step at a rate equals "
                     "sklearn's at twice that eta0.")
    notes.append("a peer alone: " + "; ".join(
        f"`{display_command(jobs[key], lr_find_shown)}`" for key in PEER_MODULES if key in runs)
        + " (prints its timings as JSON).")
    notes.append(f"b throughput: rows × epochs × rates ({updates:,}) ÷ that side's time above.")
    notes.append("d0: file size ÷ the time of load_dataset alone in lrfind-kernels' BM_LoadFile "
                 "(the file from the page cache into the feature matrix and targets: reading, record "
                 "boundaries, numbers, checks), --threads 1 and all cores; d1–d4: file size ÷ the "
                 "whole lr-find run with --steps 1 (process start, parse, standardise, curvature "
                 "estimate, one step, JSON), so a lower bound on the parse speed.")
    return rows, notes


def print_table(rows, notes, header, out=sys.stdout):
    print(header, file=out)
    print("", file=out)
    print("| case | lr-find | peer | ratio | target | result | lr-find peak RSS | command |", file=out)
    print("|---|---|---|---|---|---|---|---|", file=out)
    for r in rows:
        print(f"| {r['case']} | {r['lr_find']} | {r['peer']} | {r['ratio']} | {r['target']} | "
              f"{r['result']} | {r['rss']} | `{r['command']}` |", file=out)
    print("", file=out)
    for r in rows:
        if "throughput" in r:
            print(f"- {r['case']}: {r['throughput']}", file=out)
    for note in notes:
        print(f"- {note}", file=out)
    print(f"- RATES={','.join(GRID_RATES)}", file=out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lr-find", default="build/lr-find", help="the binary to time")
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; medians are shown")
    parser.add_argument("--quick", action="store_true", help="files 10x smaller (a smoke run)")
    parser.add_argument("--json", metavar="OUT", help="also write every measurement here")
    parser.add_argument("--kernels", default="build-bench/bench/perf/lrfind-kernels",
                        help="lrfind-kernels (README, Kernels), for the parse alone (d0); "
                             "that row is skipped when it is missing")
    parser.add_argument("--peer", help=argparse.SUPPRESS)
    parser.add_argument("--peer-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        run_peer(args)
        return
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    lr_find = os.path.abspath(args.lr_find)
    if not os.access(lr_find, os.X_OK):
        parser.error(f"{args.lr_find}: not an executable (build it, or pass --lr-find)")

    paths = ensure_data(args.data_dir, args.quick)
    specs = dataset_specs(args.quick)
    for path in paths.values():
        warm_page_cache(path)
    jobs = build_jobs(lr_find, paths)
    load_before = os.getloadavg()[0]
    runs, skipped = run_suite(jobs, args.repeat, sys.stderr)
    kernel_load = None
    if os.access(args.kernels, os.X_OK):
        kernel_load = {"command": args.kernels,
                       "seconds": run_kernel_load(os.path.abspath(args.kernels), paths["reg"], args.repeat,
                                                  sys.stderr)}
    else:
        print(f"run_bench: {args.kernels} not found: the parse-alone row (d0) is skipped", file=sys.stderr)
    load_after = os.getloadavg()[0]
    rows, notes = make_rows(runs, skipped, jobs, paths, specs, args.lr_find, kernel_load)
    for key, reason in skipped.items():
        notes.append(f"{key} skipped: {reason}")

    cores = os.cpu_count()
    header = (f"lr-find benchmark, {datetime.date.today().isoformat()}: {cores} cores "
              f"({platform.processor() or platform.machine()}), median of {args.repeat} "
              f"(min..max){', QUICK files' if args.quick else ''}; 1-minute load average "
              f"{load_before:.1f} before, {load_after:.1f} after; "
              + ", ".join(f"{os.path.basename(p)} {os.path.getsize(p) / MB:.1f} MB"
                          for p in paths.values()))
    print_table(rows, notes, header)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"header": header, "rows": rows, "notes": notes, "runs": runs, "kernel_load": kernel_load,
                       "jobs": jobs, "skipped": skipped, "grid_rates": GRID_RATES,
                       "python": sys.version, "cores": cores}, f, indent=1)


if __name__ == "__main__":
    main()
