"""Shared by the Python tests: the built lr-find binary (LRFIND_BINARY, set by
ctest) and a comparison of the module's report with the CLI's on one data set."""

import json
import math
import os
import subprocess

import pytest

# Fields that name the input rather than describe the run: the CLI's report
# has the CSV's path, the module's "<memory>" (dataset.path) or nothing
# (config.input); the format read ("csv" or "svmlight" against "memory")
# and how a file was read (config.delimiter, svmlight's config.zero_based
# and config.features), which a file has and an array has not. Every other
# field must be equal.
INPUT_FIELDS = {("config", "input"), ("config", "input_format"), ("config", "zero_based"), ("config", "features"),
                ("config", "delimiter"), ("dataset", "path")}


@pytest.fixture(scope="session")
def lr_find():
    binary = os.environ.get("LRFIND_BINARY")
    if not binary:
        pytest.fail("LRFIND_BINARY is not set: the path of the built lr-find (ctest sets it)")
    return binary


def cli_flags(options):
    """Keyword options as the CLI's flags: batch_size=16 -> --batch-size 16."""
    flags = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            flags.append(flag)
        elif isinstance(value, (list, tuple)):
            flags += [flag, ",".join(repr(v) if isinstance(v, float) else str(v) for v in value)]
        else:
            flags += [flag, repr(value) if isinstance(value, float) else str(value)]
    return flags


def run_cli(binary, path, options, check=False):
    command = [binary] + (["check"] if check else []) + [str(path), "--quiet"] + cli_flags(options)
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode in (0, 1, 3), done.stderr
    return json.loads(done.stdout)


def without_input(report):
    report = json.loads(json.dumps(report))  # a deep copy
    for section, key in INPUT_FIELDS:
        report[section].pop(key, None)
    return report


def assert_same(ours, theirs, rel=0.0, where="report"):
    """Field by field, with keys in the same order; numbers within `rel` relative."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), where
        assert list(ours) == list(theirs), f"{where}: keys {list(ours)} != {list(theirs)}"
        for key in theirs:
            assert_same(ours[key], theirs[key], rel, f"{where}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), f"{where}: {ours!r} != {theirs!r}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, rel, f"{where}[{i}]")
    elif isinstance(theirs, float) and rel > 0.0 and not isinstance(ours, bool):
        assert math.isclose(ours, theirs, rel_tol=rel, abs_tol=1e-300), f"{where}: {ours!r} != {theirs!r}"
    else:
        assert type(ours) is type(theirs) and ours == theirs, f"{where}: {ours!r} != {theirs!r}"
