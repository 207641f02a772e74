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

A console block shows what its commands print: the lines after a `$ command`
line (up to the next `$ ` line) are its output. Each shown line must be a
line the command printed, exactly, on stdout or on stderr (the README does not
say which, and the two are not interleaved in a known order); the shown lines
of each stream must be all of that stream, in order, where a line `...`
(indented or not) stands for any number of lines (none included). So a command shown without
output must print nothing, and `...` after the first lines of a JSON report
leaves the rest of it unchecked.

Usage: readme_examples_test.py LR_FIND_BINARY SOURCE_DIR
"""

import os
import re
import subprocess
import sys
import tempfile


CALLS_LR_FIND = re.compile(r"(^|[|;&(]\s*|\$\()lr-find\b")


WILDCARD = "..."


def shown_output(lines, i):
    """The output lines a console block shows after its `$ ` line at index i."""
    shown = []
    for line in lines[i + 1:]:
        if line.startswith("$ ") or line.startswith("```"):
            break
        shown.append(line)
    return shown


def examples(readme):
    found = []  # [command, expected exit status, shown output lines or None, README line number]
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
                found[-1][1] = int(lines[i + 1])
            elif "lr-find" in command:
                found.append([command, 0, shown_output(lines, i), i + 1])
        elif block == "sh" and CALLS_LR_FIND.search(line.split("  #")[0]):
            found.append([line.split("  #")[0], 0, None, i + 1])
        elif block == "yaml":
            step = re.match(r"^\s*- run: (.*lr-find.*)$", line)
            if step:
                found.append([step.group(1), 0, None, i + 1])
        elif block is None and line.startswith("|"):
            for command in re.findall(r"`(lr-find [^`]*)`", line):
                if "FILE" not in command and "[options]" not in command and command != "lr-find check":
                    found.append([command, 0, None, i + 1])
    return found


def matches(pattern, lines):
    """Whether `lines` are the `pattern` lines, a WILDCARD standing for any number of lines."""
    if not pattern:
        return not lines
    if pattern[0] == WILDCARD:
        return any(matches(pattern[1:], lines[k:]) for k in range(len(lines) + 1))
    return bool(lines) and lines[0] == pattern[0] and matches(pattern[1:], lines[1:])


def output_problems(shown, stdout, stderr):
    """How what a command printed differs from the output its console block shows."""
    printed = {"stdout": stdout.splitlines(), "stderr": stderr.splitlines()}
    patterns = {"stdout": [], "stderr": []}
    problems = []
    for line in shown:
        if line.strip() == WILDCARD:  # indented as the lines it stands for, say
            for pattern in patterns.values():
                if pattern[-1:] != [WILDCARD]:
                    pattern.append(WILDCARD)
        elif line in printed["stderr"]:
            patterns["stderr"].append(line)
        elif line in printed["stdout"]:
            patterns["stdout"].append(line)
        else:
            near = [p for lines in printed.values() for p in lines if p[:12] == line[:12]]
            problems.append(f"shown but not printed: {line!r}" + (f"; printed: {near[0]!r}" if near else ""))
    if problems:
        return problems
    for stream, pattern in patterns.items():
        if not matches(pattern, printed[stream]):
            head = printed[stream][:len(pattern) + 2]
            problems.append(f"{stream} is not as shown: shown {pattern}, printed {head}"
                            f"{' ...' if len(printed[stream]) > len(head) else ''}")
    return problems


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
        for command, expected, shown, number in cases:
            run = subprocess.run(["bash", "-c", prelude + command], cwd=scratch, capture_output=True, text=True,
                                 timeout=300)
            if os.environ.get("VERBOSE"):
                print(f"exit {run.returncode}: {command}")
            problems = []
            if run.returncode != expected:
                problems.append(f"exit {run.returncode}, expected {expected}; stderr: {run.stderr.strip()}")
            if shown is not None:
                problems += output_problems(shown, run.stdout, run.stderr)
            if problems:
                failed += 1
                print(f"FAILED: README.md:{number}: {command}\n  " + "\n  ".join(problems))
            else:
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
