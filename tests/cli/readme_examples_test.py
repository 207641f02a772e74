#!/usr/bin/env python3
"""Runs every lr-find example in README.md against the built binary.

Examples are: commands after `$ ` in ```console blocks, lines that call
lr-find in ```sh blocks, `- run:` steps in ```yaml blocks, and the
backticked `lr-find ...` examples of the options table. Each runs with bash
(pipefail) in a scratch folder that links the repository's data/, tests/ and
bench/ (and has an empty docs/), so relative paths work and output files land
in the scratch folder.
An example must exit 0, unless a console block shows `$ echo $?` after it,
whose printed status it must then match.

Usage: readme_examples_test.py LR_FIND_BINARY SOURCE_DIR
"""

import os
import re
import subprocess
import sys
import tempfile


CALLS_LR_FIND = re.compile(r"(^|[|;&(]\s*|\$\()lr-find\b")


def examples(readme):
    found = []  # (command, expected exit status)
    block = None
    lines = readme.splitlines()
    for i, line in enumerate(lines):
        fence = re.match(r"^```(\w*)", line)
        if fence:
            block = None if block is not None else fence.group(1)
            continue
        if block == "console" and line.startswith("$ "):
            command = line[2:]
            if command == "echo $?":
                status = int(lines[i + 1])
                found[-1] = (found[-1][0], status)
            elif "lr-find" in command:
                found.append((command, 0))
        elif block == "sh" and CALLS_LR_FIND.search(line.split("  #")[0]):
            found.append((line.split("  #")[0], 0))
        elif block == "yaml":
            step = re.match(r"^\s*- run: (.*lr-find.*)$", line)
            if step:
                found.append((step.group(1), 0))
        elif block is None and line.startswith("|"):
            for command in re.findall(r"`(lr-find [^`]*)`", line):
                if "FILE" not in command and "[options]" not in command and command != "lr-find check":
                    found.append((command, 0))
    return found


def main():
    binary, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with open(os.path.join(source, "README.md"), encoding="utf-8") as f:
        cases = examples(f.read())
    if len(cases) < 20:
        print(f"only {len(cases)} examples found in README.md; the extraction is broken")
        return 1
    passed = failed = 0
    with tempfile.TemporaryDirectory() as scratch:
        for name in ("data", "tests", "bench"):
            os.symlink(os.path.join(source, name), os.path.join(scratch, name))
        os.mkdir(os.path.join(scratch, "docs"))  # examples write their plots here, not into the repository
        prelude = f'set -o pipefail; lr-find() {{ "{binary}" "$@"; }}; '
        for command, expected in cases:
            run = subprocess.run(["bash", "-c", prelude + command], cwd=scratch, capture_output=True, text=True,
                                 timeout=300)
            if os.environ.get("VERBOSE"):
                print(f"exit {run.returncode}: {command}")
            if run.returncode == expected:
                passed += 1
            else:
                failed += 1
                print(f"FAILED (exit {run.returncode}, expected {expected}): {command}\n{run.stderr.strip()}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
