#!/usr/bin/env python3
"""Every picture committed under docs/ is what its README command draws now.

The README shows each picture with the command that makes it, a line of a
```sh block such as `lr-find data/diabetes.csv --model linear --quiet --plot
docs/diabetes-linear-auto.svg > /dev/null`. Each such command runs from the
source folder with the --plot path moved to a scratch folder, and its output
must equal the committed file byte for byte; every .svg, .png or .pdf under
docs/ must have such a command. A change to the plots or to the results then
fails here until the picture is regenerated with the README's command.

Usage: docs_pictures_test.py LR_FIND_BINARY SOURCE_DIR
"""

import os
import re
import shlex
import subprocess
import sys
import tempfile


def main():
    binary, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with open(os.path.join(source, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    commands = {}
    for block in re.findall(r"```sh\n(.*?)```", readme, re.S):
        for line in block.splitlines():
            words = shlex.split(line)
            if words[:1] == ["lr-find"] and "--plot" in words:
                target = words[words.index("--plot") + 1]
                if target.startswith("docs/"):
                    commands[target] = words
    pictures = sorted("docs/" + name for name in os.listdir(os.path.join(source, "docs"))
                      if name.endswith((".svg", ".png", ".pdf")))
    failures = [f"{p}: no README command draws it" for p in pictures if p not in commands]
    with tempfile.TemporaryDirectory() as scratch:
        for target, words in sorted(commands.items()):
            out = os.path.join(scratch, os.path.basename(target))
            end = words.index(">") if ">" in words else len(words)  # stdout is discarded anyway
            args = [binary] + [out if w == target else w for w in words[1:end]]
            run = subprocess.run(args, cwd=source, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if run.returncode != 0:
                failures.append(f"{target}: {' '.join(words)} exited {run.returncode}: {run.stderr.strip()}")
                continue
            with open(out, "rb") as now, open(os.path.join(source, target), "rb") as committed:
                if now.read() != committed.read():
                    failures.append(f"{target} is out of date: regenerate it with `{' '.join(words)}`")
    for failure in failures:
        print("FAIL:", failure)
    print(f"{len(commands)} pictures checked, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
