#!/usr/bin/env python3
"""Runs every lr-find example in README.md against the built binary.

Examples are: commands after `$ ` in ```console blocks, lines that call
lr-find in ```sh blocks, `- run:` steps in ```yaml blocks, and the
backticked `lr-find ...` examples of the options table. Each runs with bash
(pipefail) in a scratch folder that links the repository's data/, tests/ and
bench/ (and has an empty docs/), so relative paths work and output files land
in the scratch folder. A fenced block whose info string names a file,
```toml title="lr-find.toml"``` (the MkDocs spelling; GitHub shows only the
language), is written to that file in the scratch folder first, so examples
can use the files the README shows; each such file must be used by an example,
and every ```toml and ```json block must be such a file (a config example that
no command runs is untested; JSON output belongs under its command in a
console block).
An example must exit 0, unless a console block shows `$ echo $?` after it,
whose printed status it must then match.

A console block shows what its commands print, as a terminal shows it: the
lines after a `$ command` line (up to the next `$ ` line) are its output. The
command runs with its standard output and standard error on one
pseudo-terminal, as in an interactive shell, so the two streams arrive in the
order the user sees them; carriage returns and erase-line sequences are
applied as a terminal applies them (a progress bar that erases itself leaves
nothing), and LR_FIND_PROGRESS_AFTER=0 draws the bar from the start, so that
this holds on a fast machine too. The shown lines must be all the lines the
terminal shows, exactly and in order, where a line `...` (indented or not)
stands for any number of lines (none included). So a command shown without
output must print nothing, and `...` after the first lines of a JSON report
leaves the rest of it unchecked (but not what comes after it).

Usage: readme_examples_test.py LR_FIND_BINARY SOURCE_DIR
"""

import errno
import os
import pty
import re
import select
import signal
import subprocess
import sys
import tempfile
import time


CALLS_LR_FIND = re.compile(r"(^|[|;&(]\s*|\$\()lr-find\b")

FILE_BLOCK = re.compile(r'^```\w*\s.*\btitle="([^"/]+)"')

WILDCARD = "..."

TIMEOUT_SECONDS = 300


def shown_output(lines, i):
    """The output lines a console block shows after its `$ ` line at index i."""
    shown = []
    for line in lines[i + 1:]:
        if line.startswith("$ ") or line.startswith("```"):
            break
        shown.append(line)
    return shown


def examples(readme):
    """The examples ([command, exit status, shown lines or None, line number]), the files ({name: text}) and
    the line numbers of ```toml and ```json blocks that name no file."""
    found = []
    files = {}
    unnamed = []
    block = None
    file_name = None
    lines = readme.splitlines()
    for i, line in enumerate(lines):
        fence = re.match(r"^```(\w*)", line)
        if fence:
            if block is None:
                block = fence.group(1)
                named = FILE_BLOCK.match(line)
                file_name = named.group(1) if named else None
                if file_name:
                    files[file_name] = ""
                elif block in ("toml", "json"):
                    unnamed.append(i + 1)
            else:
                block = file_name = None
            continue
        if file_name:
            files[file_name] += line + "\n"
        elif block == "console" and line.startswith("$ "):
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
    return found, files, unnamed


def screen_lines(data):
    """The lines a terminal shows after receiving `data`: \\r returns to the
    start of the line, CSI K erases (0: to the end, 1: to the cursor, 2: all of
    it), other control sequences are dropped."""
    lines = []
    for raw in data.decode("utf-8", errors="replace").split("\n"):
        line, col = [], 0
        for token in re.findall(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\r|[^\x1b\r]", raw):
            if token == "\r":
                col = 0
            elif token.startswith("\x1b["):
                if token[-1] == "K":
                    mode = token[2:-1] or "0"
                    if mode == "0":
                        del line[col:]
                    elif mode == "1":
                        line[:col] = [" "] * min(col, len(line))
                    elif mode == "2":
                        line = [" "] * min(col, len(line))
            else:
                line[col:col + 1] = [token]
                col += 1
        lines.append("".join(line).rstrip(" "))
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    return lines


def run_in_terminal(command, cwd):
    """Runs `command` with bash, stdout and stderr on one pseudo-terminal; returns (status, lines shown)."""
    controller, terminal = pty.openpty()
    env = dict(os.environ, LR_FIND_PROGRESS_AFTER="0")
    process = subprocess.Popen(["bash", "-c", command], cwd=cwd, stdin=subprocess.DEVNULL, stdout=terminal,
                               stderr=terminal, env=env, start_new_session=True)
    os.close(terminal)
    data = b""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.killpg(process.pid, signal.SIGKILL)
                raise TimeoutError(f"no end after {TIMEOUT_SECONDS} s")
            if not select.select([controller], [], [], left)[0]:
                continue
            try:
                chunk = os.read(controller, 65536)
            except OSError as e:  # EIO: every writer has closed the terminal
                if e.errno != errno.EIO:
                    raise
                break
            if not chunk:
                break
            data += chunk
    finally:
        os.close(controller)
    return process.wait(), screen_lines(data)


def matches(pattern, lines):
    """Whether `lines` are the `pattern` lines, a WILDCARD standing for any number of lines."""
    if not pattern:
        return not lines
    if pattern[0] == WILDCARD:
        return any(matches(pattern[1:], lines[k:]) for k in range(len(lines) + 1))
    return bool(lines) and lines[0] == pattern[0] and matches(pattern[1:], lines[1:])


def output_problems(shown, printed):
    """How what the terminal showed differs from the output a console block shows."""
    pattern = []
    for line in shown:
        if line.strip() != WILDCARD:
            pattern.append(line.rstrip(" "))  # a terminal shows no trailing blanks
        elif pattern[-1:] != [WILDCARD]:  # indented as the lines it stands for, say
            pattern.append(WILDCARD)
    problems = []
    for line in pattern:
        if line != WILDCARD and line not in printed:
            near = [p for p in printed if p[:12] == line[:12]]
            problems.append(f"shown but not printed: {line!r}" + (f"; printed: {near[0]!r}" if near else ""))
    if not problems and not matches(pattern, printed):
        head = printed[:len(pattern) + 2]
        problems.append(f"the terminal does not show the lines as shown (order, or lines not shown): shown "
                        f"{pattern}, printed {head}{' ...' if len(printed) > len(head) else ''}")
    return problems


def main():
    binary, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with open(os.path.join(source, "README.md"), encoding="utf-8") as f:
        cases, files, unnamed = examples(f.read())
    if len(cases) < 20:
        print(f"only {len(cases)} examples found in README.md; the extraction is broken")
        return 1
    failed = len(unnamed)
    for number in unnamed:
        print(f'FAILED: README.md:{number}: a toml or json block that names no file (title="NAME") for examples to use')
    for name in files:
        if not any(re.search(rf"(^|[\s=]){re.escape(name)}(\s|$)", command) for command, *_ in cases):
            failed += 1
            print(f"FAILED: README.md shows the file {name}, but no example uses it")
    passed = 0
    with tempfile.TemporaryDirectory() as scratch:
        for name in ("data", "tests", "bench"):
            os.symlink(os.path.join(source, name), os.path.join(scratch, name))
        os.mkdir(os.path.join(scratch, "docs"))  # examples write their plots here, not into the repository
        for name, text in files.items():
            with open(os.path.join(scratch, name), "w", encoding="utf-8") as f:
                f.write(text)
        prelude = f'set -o pipefail; lr-find() {{ "{binary}" "$@"; }}; '
        for command, expected, shown, number in cases:
            status, printed = run_in_terminal(prelude + command, scratch)
            if os.environ.get("VERBOSE"):
                print(f"exit {status}: {command}")
            problems = []
            if status != expected:
                problems.append(f"exit {status}, expected {expected}; terminal: {printed[-5:]}")
            if shown is not None:
                problems += output_problems(shown, printed)
            if problems:
                failed += 1
                print(f"FAILED: README.md:{number}: {command}\n  " + "\n  ".join(problems))
            else:
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
