#!/usr/bin/env python3
"""Golden outputs: runs every case of cases.txt with the built lr-find and
compares standard output, standard error, the exit status and, where the case
draws one, the SVG plot with the files stored beside it, byte for byte.

  golden.py LR_FIND_BINARY SOURCE_DIR           check (ctest)
  golden.py LR_FIND_BINARY SOURCE_DIR --update  rewrite the stored files

A change of output on purpose regenerates them in a commit of its own that
names the fields that changed and why.
"""

import difflib
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def cases():
    with open(os.path.join(HERE, "cases.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, args = line.split("\t", 1)
            yield name, shlex.split(args)


def run_case(binary, source, args, scratch):
    env = dict(os.environ)
    for var in ("LR_FIND_TEST_INTERRUPT_AFTER_STEPS", "LR_FIND_PROGRESS_AFTER", "LR_FIND_TEST_ANNOUNCE_TRAINING"):
        env.pop(var, None)
    while args and "=" in args[0] and args[0].split("=", 1)[0].isupper():
        key, value = args[0].split("=", 1)
        env[key] = value
        args = args[1:]
    plot = os.path.join(scratch, "plot.svg")
    if os.path.exists(plot):
        os.remove(plot)
    args = [plot if a == "PLOT" else a for a in args]
    stdin = b""
    if "<" in args:  # standard input from a file of the repository
        at = args.index("<")
        stdin = open(os.path.join(source, args[at + 1]), "rb").read()
        args = args[:at] + args[at + 2:]
    run = subprocess.run([binary] + args, cwd=source, env=env, input=stdin, capture_output=True, timeout=300)
    outputs = {"stdout": run.stdout, "stderr": run.stderr, "exit": f"{run.returncode}\n".encode()}
    if plot in args:
        outputs["svg"] = open(plot, "rb").read() if os.path.exists(plot) else b""
    return outputs


def main():
    binary, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    update = "--update" in sys.argv[3:]
    failed = 0
    count = 0
    with tempfile.TemporaryDirectory() as scratch:
        for name, args in cases():
            count += 1
            outputs = run_case(binary, source, args, scratch)
            for kind, data in outputs.items():
                path = os.path.join(HERE, f"{name}.{kind}")
                if update:
                    with open(path, "wb") as f:
                        f.write(data)
                    continue
                stored = open(path, "rb").read() if os.path.exists(path) else None
                if stored == data:
                    continue
                failed += 1
                print(f"DIFFERS: {name}.{kind} ({' '.join(args)})")
                if stored is None:
                    print("  (no stored file)")
                    continue
                diff = difflib.unified_diff(stored.decode(errors="replace").splitlines(),
                                            data.decode(errors="replace").splitlines(), "stored", "now", lineterm="", n=1)
                for i, line in enumerate(diff):
                    if i >= 40:
                        print("  ...")
                        break
                    print("  " + line)
    if update:
        print(f"wrote the outputs of {count} cases")
        return 0
    print(f"{count} cases, {failed} outputs differ")
    return 0 if failed == 0 and count > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
