#!/usr/bin/python3
"""lr-find plan, shard and merge end to end on the built binary (no cluster:
tests/cluster/ runs the same protocol under Slurm and GNU parallel).

- The merged report is byte-identical to the one-machine run's, for grid and
  range, dense CSV, svmlight, gzip on standard input, more shards than units.
- A shard is deterministic (run twice, the same bytes; --threads does not
  matter), takes its index from --index or the job array's variables in the
  documented order, and writes nothing when stopped by SIGTERM; run again it
  writes the same part as an uninterrupted run.
- merge refuses a missing, duplicated, incomplete or foreign part, and a
  shard or merge refuses changed data; --data points at a moved copy.

Usage: protocol_test.py LR_FIND SOURCE_DIR
"""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile

LR_FIND, SOURCE = sys.argv[1], sys.argv[2]
failures = []
checks = 0


def check(ok, what):
    global checks
    checks += 1
    if not ok:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def run(args, stdin=None, env=None, expect=0):
    full_env = {k: v for k, v in os.environ.items()
                if k not in ("SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX")}
    full_env.update(env or {})
    p = subprocess.run([LR_FIND] + args, cwd=SOURCE, input=stdin, capture_output=True, env=full_env)
    check(p.returncode == expect,
          f"lr-find {' '.join(args)}: exit {p.returncode}, expected {expect}: {p.stderr.decode()[-400:]}")
    return p


def read(path):
    with open(path, "rb") as f:
        return f.read()


def scale_out(tmp, name, args, shards, stdin=None, expect=0, after_plan=lambda: None):
    """plan, then rounds of every shard and a merge until the merge writes the
    report: the first plan, the last round's parts, the report's bytes and the
    number of rounds."""
    first = os.path.join(tmp, f"{name}.plan-1.json")
    run(["plan"] + args + ["--shards", str(shards), "-q", "-o", first], stdin=stdin)
    after_plan()
    merged = os.path.join(tmp, f"{name}.merged.json")
    plan, rounds = first, 1
    while True:
        parts = []
        for i in range(shards):
            part = os.path.join(tmp, f"{name}.part-{rounds}-{i}.json")
            run(["shard", plan, "--index", str(i), "-q", "-o", part])
            parts.append(part)
        following = os.path.join(tmp, f"{name}.plan-{rounds + 1}.json")
        p = subprocess.run([LR_FIND, "merge", plan] + parts + ["-q", "-o", merged, "--next-plan", following],
                           cwd=SOURCE, capture_output=True)
        if not os.path.exists(following):
            check(p.returncode == expect, f"{name}: merge exit {p.returncode}, expected {expect}: {p.stderr[-300:]}")
            break
        check(p.returncode == 0 and not os.path.exists(merged), f"{name}: round {rounds}'s merge wrote a report")
        plan, rounds = following, rounds + 1
        if rounds > 30:  # auto takes about 9: a merge that always asks for more is a failure, not a hang
            check(False, f"{name}: more than 30 rounds")
            break
    return first, parts, read(merged), rounds


def one_machine(args, stdin=None):
    return run(args + ["-q"], stdin=stdin).stdout


def equal_to_one_machine(tmp):
    cases = {
        "grid_svm": (["data/iris.csv", "--model", "svm", "--method", "grid"], 3),
        "grid_more_shards_than_units": (["data/iris.csv", "--model", "logistic", "--method", "grid",
                                         "--grid-points", "9"], 5),
        "grid_linear_validation": (["data/diabetes.csv", "--model", "linear", "--method", "grid", "--epochs", "3",
                                    "--optimizer", "adam", "--grid-points", "40"], 4),
        "grid_svmlight_sparse": (["tests/fixtures/iris.svm", "--model", "logistic", "--method", "grid",
                                  "--grid-points", "17"], 2),
        "grid_invscaling": (["data/breast_cancer.csv", "--model", "logistic", "--method", "grid", "--schedule",
                             "invscaling", "--power-t", "0.5"], 2),
        "range_repeats": (["data/diabetes.csv", "--model", "linear", "--method", "range", "--repeats", "5"], 2),
        "range_one_shard": (["data/iris.csv", "--model", "svm", "--method", "range"], 1),
        "auto_logistic": (["data/iris.csv", "--model", "logistic"], 3),
        "auto_svmlight_invscaling": (["tests/fixtures/iris.svm", "--model", "svm", "--repeats", "2", "--folds", "3",
                                     "--schedule", "invscaling", "--power-t", "0.5"], 4),
        "auto_linear_adam": (["data/diabetes.csv", "--model", "linear", "--optimizer", "adam"], 2),
        "range_adam_repeats": (["data/iris.csv", "--model", "logistic", "--method", "range", "--optimizer", "adam",
                                "--repeats", "3"], 3),
    }
    # Above 20,000 rows auto scores one hold-out run; on one machine with two
    # cores or more its sparse rows are cut into more stacks and its
    # refinement looks ahead (search/cv_objective.hpp), which the shards do
    # not: the same bytes all the same, and as on one thread.
    rng = random.Random(0)
    wide = os.path.join(tmp, "hold-out.svm")
    with open(wide, "w") as f:
        for _ in range(21000):
            cols = sorted(rng.sample(range(1, 400), 5))
            label = int(sum(c % 7 for c in cols) + rng.random() * 6 > 18)
            f.write(f"{label} " + " ".join(f"{c}:{rng.randint(1, 9)}" for c in cols) + "\n")
    hold_out = [wide, "--model", "logistic", "--epochs", "1"]
    cases["auto_svmlight_hold_out"] = (hold_out, 3)
    check(one_machine(hold_out + ["--threads", "2"]) == one_machine(hold_out + ["--threads", "1"]),
          "hold-out auto on sparse rows: two threads and one differ")
    for name, (args, shards) in cases.items():
        _, _, merged, rounds = scale_out(tmp, name, args, shards)
        check(merged == one_machine(args), f"{name}: the merged report differs from the one-machine run's")
        check((rounds == 1) == ("auto" not in name), f"{name}: {rounds} rounds")
    # lr-find check: the verdict and its exit status too.
    for name, args, status in (
            ("check_auto_fails", ["check", "data/iris.csv", "--model", "logistic", "--lr", "0.5"], 1),
            ("check_range_fails", ["check", "data/diabetes.csv", "--model", "linear", "--method", "range",
                                   "--lr", "0.01"], 1),
            ("check_grid_passes", ["check", "data/iris.csv", "--model", "svm", "--method", "grid", "--lr", "100"], 0)):
        _, _, merged, _ = scale_out(tmp, name, args, 3, expect=status)
        check(merged == run(args + ["-q"], expect=status).stdout, f"{name}: the merged report differs")
    # Standard input (gzip) as the source: the plan keeps a copy beside itself.
    data = subprocess.run(["gzip", "-c", "data/breast_cancer.csv"], cwd=SOURCE, capture_output=True).stdout
    args = ["-", "--model", "logistic", "--method", "grid", "--grid-points", "30"]
    plan, _, merged, _ = scale_out(tmp, "stdin", args, 4, stdin=data)
    check(os.path.exists(plan + ".data"), "standard input: no copy of the data beside the plan")
    check(merged == one_machine(args, stdin=data), "standard input: the merged report differs")
    # A pipe named by a path (/dev/stdin, <(zcat ...)) is copied beside the plan too.
    plan, _, merged, _ = scale_out(tmp, "pipe", ["/dev/stdin"] + args[1:], 2, stdin=data)
    check(os.path.exists(plan + ".data") and merged == one_machine(["/dev/stdin"] + args[1:], stdin=data),
          "/dev/stdin as a pipe: not copied, or the merged report differs")
    # The other formats of merge are the run's.
    parts = [f"{tmp}/grid_svm.part-1-{i}.json" for i in range(3)]
    table = run(["merge", f"{tmp}/grid_svm.plan-1.json"] + parts + ["--format", "table", "-q"]).stdout
    check(table == one_machine(["data/iris.csv", "--model", "svm", "--method", "grid", "--format", "table"]),
          "merge --format table differs from the run's table")


def shards_are_deterministic(tmp):
    plan = f"{tmp}/grid_linear_validation.plan-1.json"
    first = read(f"{tmp}/grid_linear_validation.part-1-1.json")
    run(["shard", plan, "--index", "1", "-q", "--threads", "1", "-o", f"{tmp}/again.json"])
    check(read(f"{tmp}/again.json") == first, "a shard run again (one thread) wrote other bytes")
    # The index from the job array's variables, in order: Slurm, Kubernetes, AWS Batch; --index first.
    for env, index in ((({"SLURM_ARRAY_TASK_ID": "1", "JOB_COMPLETION_INDEX": "2"}), 1),
                       (({"JOB_COMPLETION_INDEX": "1", "AWS_BATCH_JOB_ARRAY_INDEX": "2"}), 1),
                       (({"AWS_BATCH_JOB_ARRAY_INDEX": "1"}), 1)):
        out = run(["shard", plan, "-q"], env=env).stdout
        check(out == first, f"shard under {env} is not shard {index}")
    out = run(["shard", plan, "--index", "1", "-q"], env={"SLURM_ARRAY_TASK_ID": "3"}).stdout
    check(out == first, "--index does not come before SLURM_ARRAY_TASK_ID")
    err = run(["shard", plan, "-q"], env={"SLURM_ARRAY_TASK_ID": "4"}, expect=64).stderr.decode()
    check("SLURM_ARRAY_TASK_ID 4 is not one of the plan's shards 0 to 3" in err, f"index out of range: {err}")
    run(["shard", plan, "-q"], expect=64)  # no index at all


def killed_shard_writes_nothing(tmp):
    plan = f"{tmp}/killed.plan.json"
    run(["plan", "bench/quality/data/digits.csv", "--model", "logistic", "--method", "grid", "--epochs", "20",
         "--shards", "1", "-q", "-o", plan])
    part = f"{tmp}/killed.part-0.json"
    env = dict(os.environ, LR_FIND_TEST_ANNOUNCE_TRAINING="0.3")
    p = subprocess.Popen([LR_FIND, "shard", plan, "--index", "0", "-o", part], cwd=SOURCE, stderr=subprocess.PIPE,
                         env=env, text=True)
    for line in p.stderr:
        if "training under way" in line:
            p.send_signal(signal.SIGTERM)
            break
    rest = p.stderr.read()
    check(p.wait() == 128 + signal.SIGTERM, "a shard stopped by SIGTERM: not exit 143")
    check("wrote nothing" in rest, f"a stopped shard does not say it wrote nothing: {rest}")
    check(not os.path.exists(part), "a shard stopped by SIGTERM left a part")
    run(["shard", plan, "--index", "0", "-q", "-o", part])
    run(["shard", plan, "--index", "0", "-q", "-o", f"{tmp}/killed.again.json"])
    check(read(part) == read(f"{tmp}/killed.again.json"), "the re-run shard differs from another run")


def merge_refuses_bad_parts(tmp):
    plan = f"{tmp}/grid_linear_validation.plan-1.json"
    parts = [f"{tmp}/grid_linear_validation.part-1-{i}.json" for i in range(4)]
    out = f"{tmp}/refused.json"

    def refused(args, expect, words):
        p = run(["merge", plan] + args + ["-o", out], expect=expect)
        err = p.stderr.decode()
        check(all(w in err for w in words), f"merge {args}: message lacks {words}: {err}")
        check(not os.path.exists(out), f"merge {args} wrote a report")

    refused(parts[:3], 65, ["no part for shard 3 of the plan's 4"])
    refused(parts + [parts[2]], 65, ["shard 2 again"])
    refused(parts[:3] + [f"{tmp}/grid_svm.part-1-0.json"], 65, ["grid_svm.part-1-0.json", "a part of another plan"])
    refused(parts[:3] + [f"{tmp}/missing.json"], 66, ["missing.json"])
    incomplete = json.loads(read(parts[3]))
    incomplete["complete"] = False
    with open(f"{tmp}/incomplete.json", "w") as f:
        json.dump(incomplete, f)
    refused(parts[:3] + [f"{tmp}/incomplete.json"], 65, ["incomplete.json", "shard 3 is incomplete"])
    with open(f"{tmp}/not-json.json", "w") as f:
        f.write("{\"lr_find_part\": 1, ")
    refused(parts[:3] + [f"{tmp}/not-json.json"], 65, ["not-json.json", "not an lr-find part"])
    run(["merge", plan] + parts + ["-q", "-o", out])  # and the right ones are merged
    check(os.path.exists(out), "merge of the right parts wrote no report")
    os.remove(out)
    p = run(["merge", plan] + parts + ["-o", out, "--next-plan", out], expect=64)
    check("name the same file" in p.stderr.decode() and not os.path.exists(out), f"--next-plan = -o: {p.stderr}")
    p = run(["merge", plan] + parts + ["-o", out, "--next-plan", plan], expect=64)
    check("name the same file" in p.stderr.decode() and os.path.exists(plan), f"--next-plan = the plan: {p.stderr}")
    forged = json.loads(read(parts[3]))
    forged["units"].append({"id": 99, "result": []})
    with open(f"{tmp}/forged.json", "w") as f:
        json.dump(forged, f)
    refused(parts[:3] + [f"{tmp}/forged.json"], 65, ["forged.json", "unit 99 is not one of the plan's"])
    short = json.loads(read(parts[3]))
    short["units"][0]["result"] = short["units"][0]["result"][:1]
    with open(f"{tmp}/short.json", "w") as f:
        json.dump(short, f)
    refused(parts[:3] + [f"{tmp}/short.json"], 65, ["rates' results"])
    # A round of a search that needs more: without --next-plan, an error and no report;
    # the first round's parts are not the second round's.
    auto = [f"{tmp}/auto_logistic.part-1-{i}.json" for i in range(3)]
    p = run(["merge", f"{tmp}/auto_logistic.plan-1.json"] + auto + ["-o", out], expect=64)
    check("needs round 2" in p.stderr.decode() and not os.path.exists(out), f"no --next-plan: {p.stderr}")
    p = run(["merge", f"{tmp}/auto_logistic.plan-2.json"] + auto + ["-o", out], expect=65)
    check("a part of round 1" in p.stderr.decode() and "this plan is round 2" in p.stderr.decode(),
          f"round 1's parts for round 2: {p.stderr}")


def check_rate_from_a_file_is_read_by_plan(tmp):
    """--lr-from's file is read by plan: shards elsewhere need not see it.
    And a merge that writes the report removes a stale --next-plan file."""
    with open(f"{tmp}/train.json", "w") as f:
        json.dump({"train": {"lr": 10}}, f)
    args = ["check", "data/iris.csv", "--model", "svm", "--method", "grid", "--lr-from", f"{tmp}/train.json",
            "--lr-key", "train.lr"]
    expected = run(args + ["-q"]).stdout
    plan, _, merged, rounds = scale_out(tmp, "lr_from", args, 2, after_plan=lambda: os.remove(f"{tmp}/train.json"))
    check(merged == expected and rounds == 2, f"check --lr-from: the merged report differs ({rounds} rounds)")
    check("\"--lr\"" in read(plan).decode() and "--lr-from" not in read(plan).decode(),
          "the plan keeps --lr-from instead of the rate")
    stale = f"{tmp}/lr_from.plan-3.json"
    with open(stale, "w") as f:
        f.write("{}")  # a next plan left by an earlier run: not this search's
    parts = [f"{tmp}/lr_from.part-2-{i}.json" for i in range(2)]
    run(["merge", f"{tmp}/lr_from.plan-2.json"] + parts + ["-q", "-o", f"{tmp}/again.json", "--next-plan", stale])
    check(not os.path.exists(stale), "merge wrote the report and left a stale --next-plan file")


def changed_data_is_refused(tmp):
    data = f"{tmp}/iris.csv"
    shutil.copy(f"{SOURCE}/data/iris.csv", data)
    args = [data, "--model", "svm", "--method", "grid"]
    plan = f"{tmp}/changed.plan.json"
    run(["plan"] + args + ["--shards", "2", "-q", "-o", plan])
    run(["shard", plan, "--index", "0", "-q", "-o", f"{tmp}/changed.part-0.json"])
    moved = f"{tmp}/moved.csv"
    shutil.copy(data, moved)
    run(["shard", plan, "--index", "1", "--data", moved, "-q", "-o", f"{tmp}/changed.part-1.json"])
    with open(data, "a") as f:
        f.write("5.0,3.0,1.5,0.2,setosa\n")
    for command in (["shard", plan, "--index", "1"],
                    ["merge", plan, f"{tmp}/changed.part-0.json", f"{tmp}/changed.part-1.json"]):
        err = run(command + ["-q"], expect=65).stderr.decode()
        check("not the data of the plan" in err, f"{command[0]} of changed data: {err}")
    merged = run(["merge", plan, f"{tmp}/changed.part-0.json", f"{tmp}/changed.part-1.json", "--data", moved,
                  "-q"]).stdout
    shutil.copy(moved, data)
    check(merged == one_machine(args), "merge with --data differs from the one-machine run")


def help_lists_each_commands_options(tmp):
    for command, option in (("plan", "--shards"), ("shard", "--index"), ("merge", "--next-plan")):
        for args in ([command, "--help"], ["help", command]):
            out = run(args).stdout.decode()
            check(option in out, f"lr-find {' '.join(args)} does not list {option}")


def plan_refusals(tmp):
    for args, words in (
            (["data/iris.csv", "--model", "svm", "--method", "grid"], "needs --shards N"),
            (["data/iris.csv", "--model", "svm", "--method", "grid", "--shards", "0"], "from 1 to 100000"),
            (["data/iris.csv", "--model", "svm", "--method", "grid", "--shards", "2", "--plot", "x.svg"],
             "--plot is an option of lr-find merge"),
            (["-", "--model", "svm", "--method", "grid", "--shards", "2"], "needs -o FILE")):
        err = run(["plan"] + args, expect=64, stdin=b"").stderr.decode()
        check(words in err, f"plan {args}: {err}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        equal_to_one_machine(tmp)
        shards_are_deterministic(tmp)
        killed_shard_writes_nothing(tmp)
        merge_refuses_bad_parts(tmp)
        changed_data_is_refused(tmp)
        check_rate_from_a_file_is_read_by_plan(tmp)
        plan_refusals(tmp)
        help_lists_each_commands_options(tmp)
    print(f"{checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
