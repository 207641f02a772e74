#!/usr/bin/env python3
"""`make demo` and `make test` from a fresh copy of the repository, quickly.

The Makefile runs as a new user runs it, in a copy of the source with no build
folder: its real recipes, the real `cmake --preset release` and the real build
tool, but with stand-ins first on PATH for what would take minutes or change
the machine:
- the compiler and linker (CMAKE_CXX_COMPILER_LAUNCHER and
  CMAKE_CXX_LINKER_LAUNCHER, so each compile and link is handed to the stand-in
  instead) log the file they were asked to make and write an empty object, or
  a program that does nothing; linking `lr-find` copies in the lr-find built
  for real, so that the recipe's next step can run it;
- `cmake` logs and runs the real one; `dpkg-query` reports the packages in
  FAKE_MISSING as not installed and the rest as installed; `id -u` prints
  FAKE_UID; `apt-get` and `ctest` only log.
All of them log to one file, so the test sees what ran, in order.

Checked: `make demo` installs missing packages before building anything (as
root; otherwise it prints the apt-get line and stops), builds lr-find and no
test, fuzz, benchmark or docgen program, and shows the table and the summary
line, not the JSON report; `make test` still builds everything and then runs
ctest.

Usage: make_demo_test.py LR_FIND_BINARY SOURCE_DIR CMAKE
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

STAND_INS = {
    # Called as `fake-c++ COMPILER ARGS...`; compiles have -c, links do not.
    # CMake's own checks at configure time (try_compile) compile for real.
    "fake-c++": """#!/bin/bash
case "$PWD" in */CMakeFiles/CMakeScratch/*|*/CMakeFiles/CMakeTmp*) exec "$@";; esac
out=; compile=
for ((i = 2; i <= $#; i++)); do
  case "${!i}" in -o) j=$((i + 1)); out="${!j}";; -c) compile=1;; esac
done
if [ -n "$compile" ]; then
  echo "compile $out" >> "$SHIM_LOG"; : > "$out"
elif [ "$(basename "$out")" = lr-find ]; then
  echo "link $out" >> "$SHIM_LOG"; cp "$LRFIND_PREBUILT" "$out"
else
  echo "link $out" >> "$SHIM_LOG"; printf '#!/bin/sh\\n' > "$out"; chmod +x "$out"
fi
""",
    "cmake": """#!/bin/bash
echo "cmake $*" >> "$SHIM_LOG"
exec "$REAL_CMAKE" "$@"
""",
    "dpkg-query": """#!/bin/bash
package="${@: -1}"
case " $FAKE_MISSING " in *" $package "*) echo "dpkg-query: no packages found matching $package" >&2; exit 1;; esac
echo "install ok installed"
""",
    "id": """#!/bin/bash
if [ "$1" = -u ]; then echo "$FAKE_UID"; else exec /usr/bin/id "$@"; fi
""",
    "apt-get": """#!/bin/bash
echo "apt-get $*" >> "$SHIM_LOG"
""",
    "ctest": """#!/bin/bash
echo "ctest $*" >> "$SHIM_LOG"
""",
}



class MakeRun:
    """`make TARGET` in `source`, with what the stand-ins logged."""

    def __init__(self, source, env, target, missing="", uid="0"):
        log = os.path.join(env["SHIM_DIR"], "log")
        open(log, "w").close()
        run = subprocess.run(["make", target, "JOBS=2"], cwd=source, capture_output=True, text=True, timeout=600,
                             env=dict(env, SHIM_LOG=log, FAKE_MISSING=missing, FAKE_UID=uid))
        self.status, self.output = run.returncode, run.stdout + run.stderr
        with open(log) as f:
            self.log = f.read().splitlines()

    def made(self, kind):
        """The files compiled ("compile") or linked ("link"), by base name for links."""
        files = [line.split(" ", 1)[1] for line in self.log if line.startswith(kind + " ")]
        return [os.path.basename(f) for f in files] if kind == "link" else files


def main():
    binary, source, cmake = (os.path.abspath(arg) for arg in sys.argv[1:4])
    failures = []

    def check(condition, what, run):
        if not condition:
            failures.append(f"{what}\n  exit {run.status}; logged: {run.log}\n  output: {run.output[-3000:]}")

    with tempfile.TemporaryDirectory() as scratch:
        copy = os.path.join(scratch, "src")
        shutil.copytree(source, copy, symlinks=True,
                        ignore=lambda folder, names: [n for n in names if folder == source and
                                                      (n == ".git" or n == "build" or n.startswith("build-"))])
        shims = os.path.join(scratch, "bin")
        os.mkdir(shims)
        for name, text in STAND_INS.items():
            path = os.path.join(shims, name)
            with open(path, "w") as f:
                f.write(text)
            os.chmod(path, 0o755)
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
        fake = os.path.join(shims, "fake-c++")
        env.update(PATH=shims + os.pathsep + env.get("PATH", "/usr/bin:/bin"), SHIM_DIR=shims, REAL_CMAKE=cmake,
                   LRFIND_PREBUILT=binary, CMAKE_CXX_COMPILER_LAUNCHER=fake, CMAKE_CXX_LINKER_LAUNCHER=fake)

        demo = MakeRun(copy, env, "demo")
        check(demo.status == 0, "make demo failed", demo)
        check([line.split()[:2] for line in demo.log[:2]] == [["cmake", "--preset"], ["cmake", "--build"]],
              "make demo should configure, then build", demo)
        check(demo.made("link") == ["lr-find"], "make demo should link lr-find and nothing else", demo)
        others = [f for f in demo.made("compile") if not re.match(r"CMakeFiles/(lrfind|lr-find)\.dir/src/", f)]
        check(demo.made("compile") and not others,
              f"make demo should compile lr-find and its library only, not {others[:5]}", demo)
        lines = demo.output.splitlines()
        check(any(line.startswith("lr-find: recommended lr ") for line in lines),
              "make demo shows no summary line", demo)
        check(any(re.match(r"recommended lr +\S+ by ", line) for line in lines), "make demo shows no table", demo)
        check('"schema_version"' not in demo.output, "make demo prints the JSON report", demo)

        # Missing packages come first: installed as root, else named, and nothing is built.
        root = MakeRun(copy, env, "demo", missing="jq")
        first = {tool: next((i for i, line in enumerate(root.log) if re.match(pattern, line)), None)
                 for tool, pattern in (("apt-get", r"apt-get .*install.* jq\b"), ("cmake", r"cmake "))}
        check(root.status == 0 and first["apt-get"] is not None and first["cmake"] is not None
              and first["apt-get"] < first["cmake"] and any(line.startswith("cmake --build") for line in root.log),
              "make demo as root should install the missing package, then build", root)
        user = MakeRun(copy, env, "demo", missing="jq", uid="1000")
        check(user.status != 0 and "sudo apt-get install -y jq" in user.output and not user.log,
              "make demo as a user should name the missing package and stop", user)

        MakeRun(copy, env, "clean")
        test = MakeRun(copy, env, "test")
        check(test.status == 0, "make test failed", test)
        linked = test.made("link")
        check(all(name in linked for name in ("lr-find", "lrfind_tests", "lr-find-docgen", "lrfind_quality")),
              f"make test should build everything; linked {linked}", test)
        check(test.log and test.log[-1].startswith("ctest --preset release"),
              "make test should run ctest after the build", test)

    for failure in failures:
        print("FAILED: " + failure)
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
