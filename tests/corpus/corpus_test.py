#!/usr/bin/python3
"""Runs lr-find on every entry of tests/corpus/manifest.tsv and checks the result.

Usage: corpus_test.py LR_FIND_BINARY SOURCE_DIR [NAME_FILTER]

Each manifest line is one run (tab-separated columns; `#` starts a comment):

  file     a file in tests/corpus/, or gen:NAME for one this script makes at
           run time in a scratch folder (too big to commit, or a directory,
           a missing or an unreadable file; as root, lr-find reads the
           unreadable file as the user nobody, through util-linux's setpriv,
           since root reads any file whatever its mode)
  input    path (the file name is the argument; lr-find runs in the file's
           folder, so messages name it as in the manifest) or stdin (`-`,
           the file's bytes on standard input)
  output   stdout; file: -o into a scratch folder that already holds a file
           of that name, which must be replaced by the JSON on success and
           left byte-for-byte as it was on failure; or new: -o into an empty
           scratch folder, which must stay empty on failure
  exit     the expected exit status
  args     extra arguments (shell words); `--method range --steps 20` is
           added unless they name a --method; a leading `check` runs
           `lr-find check FILE ...`
  expect   checks joined by ` && `: `$.a.b=JSON` compares a field of the
           output JSON; any other text must occur on stderr
  pending  empty, or why the entry does not pass yet (see below)

Every run must end with the expected status. A failure (status other than
0 and 3) must print exactly one line on stderr, `lr-find: error: ...`, holding
every fragment, nothing on stdout, and leave the -o file as it was (and no
temporary file beside it). A success must write one JSON document
(schema_version 1) to stdout or to the -o file, pass the JSON checks and hold
the stderr fragments (a warning, say).

A pending entry documents behaviour the reader does not have yet: while it
fails it is reported (PENDING) without failing the suite; once it passes it
fails the suite (PASSES, BUT MARKED PENDING) until its mark is removed, so that
marks never outlive their reason.

Also checks that every file in tests/corpus/ is used by the manifest and
described in tests/corpus/README.md, and the reverse.

Nothing is skipped: an entry that cannot run as specified (say, root that
cannot drop its privileges for the unreadable file) fails.

Prints one line per failure or pending entry and a summary; exits 0 only when
nothing failed.
"""

import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile

COLUMNS = ["file", "input", "output", "exit", "args", "expect", "pending"]
OWN_FILES = {"manifest.tsv", "README.md", "make_corpus.py", ".gitattributes", "corpus_test.py"}

# Runs a command as the unprivileged user nobody, with no supplementary groups.
DROP_PRIVILEGES = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]

# Run through DROP_PRIVILEGES: as nobody, the binary ($2) runs and the file ($1) cannot be read.
PROBE = """[ "$(id -u)" != 0 ] || { echo "still root"; exit 1; }
[ -x "$2" ] || { echo "$2 is not executable by $(id -un)"; exit 1; }
[ ! -r "$1" ] || { echo "$1 is readable by $(id -un)"; exit 1; }"""

# The reader's limits (README: a field of at most 1 MiB, at most 100,000 columns).
FIELD_LIMIT = 1 << 20
COLUMN_LIMIT = 100_000
RECORD_LIMIT = 64 << 20  # a row (an svmlight line) of at most 64 MiB


def generate(name, folder):
    """Makes the gen:NAME input in `folder`; returns its path (relative to it)."""
    path = os.path.join(folder, name)
    if name == "directory.csv":
        os.mkdir(path)
    elif name == "missing.csv":
        pass  # never created
    elif name == "unreadable.csv":
        with open(path, "w") as f:
            f.write("x1,x2,y\n1,2,0\n3,4,1\n")
        os.chmod(path, 0)
    elif name in ("field-too-long.csv", "field-at-limit.csv"):
        # Line 3, column 5: a field one byte beyond the limit (digits, so that a
        # reader without a limit would take it for a huge number), or a text
        # field exactly at it, which must be read.
        field = "7" * (FIELD_LIMIT + 1) if name == "field-too-long.csv" else "a" * FIELD_LIMIT
        with open(path, "w") as f:
            f.write(f"x1,x2,y\n0.5,1.0,0\n1.0,{field},1\n1.5,2.0,0\n2.0,1.5,1\n")
    elif name == "too-many-columns.csv":
        n = COLUMN_LIMIT + 1
        with open(path, "w") as f:
            f.write(",".join(f"c{i}" for i in range(n)) + "\n")
            for r in range(3):
                f.write(",".join(str((r + c) % 2) for c in range(n)) + "\n")
    elif name == "svm-line-too-long.svm":
        # Line 2: index:value pairs beyond the 64 MiB line limit.
        with open(path, "w") as f:
            f.write("1 1:1\n0")
            written, i = 0, 1
            while written <= RECORD_LIMIT:
                chunk = "".join(f" {j}:1" for j in range(i, i + 100_000))
                f.write(chunk)
                written += len(chunk)
                i += 100_000
            f.write("\n")
    elif name == "long-line.csv":
        # 60,000 one-digit fields per line: quadratic work in the line length
        # would show as minutes, which the ctest timeout catches (no time is
        # asserted here).
        n = 60_000
        with open(path, "w") as f:
            f.write(",".join(f"c{i}" for i in range(n)) + "\n")
            for r in range(4):
                f.write(",".join(str((r * c + r) % 3) for c in range(n)) + "\n")
    else:
        raise ValueError(f"unknown generated input gen:{name}")
    return name


def read_manifest(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if cells[0] == "file":
                continue  # the header
            if len(cells) < len(COLUMNS) - 1 or len(cells) > len(COLUMNS):
                raise ValueError(f"manifest.tsv:{number}: {len(cells)} columns, expected {len(COLUMNS)}")
            entry = dict(zip(COLUMNS, cells + [""] * (len(COLUMNS) - len(cells))))
            entry["line"] = number
            if entry["input"] not in ("path", "stdin") or entry["output"] not in ("stdout", "file", "new"):
                raise ValueError(f"manifest.tsv:{number}: input must be path or stdin, output stdout, file or new")
            entry["exit"] = int(entry["exit"])
            entries.append(entry)
    return entries


def reject_non_finite(name):
    raise ValueError(f"{name} is not JSON (a non-finite number must be written as null)")


def json_field(document, dotted):
    value = document
    for key in dotted.split("."):
        if isinstance(value, list):
            value = value[int(key)]
        else:
            value = value[key]
    return value


def drop_privileges(binary, path, scratch, run_dir):
    """The command that runs lr-find as nobody, for whom `path` (in run_dir, in
    scratch) is unreadable, as it is for its owner when not root; or a problem.
    The binary runs from a copy in scratch: the build folder may sit in a
    folder nobody cannot enter (a clone into `mktemp -d`, mode 0700)."""
    for folder in (scratch, run_dir):  # traversable by nobody, so that open() reaches the file's mode
        os.chmod(folder, 0o711)
    if shutil.which("setpriv") is None:
        return None, "running as root and setpriv (util-linux) is not installed: cannot run as nobody"
    copy = os.path.join(scratch, "lr-find")
    if not os.path.exists(copy):
        shutil.copyfile(binary, copy)
        os.chmod(copy, 0o755)
    binary = copy
    try:
        probe = subprocess.run(DROP_PRIVILEGES + ["sh", "-c", PROBE, "probe", path, binary], capture_output=True,
                               text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return None, "running as root: the setpriv probe did not finish within 60 s"
    if probe.returncode != 0:
        why = (probe.stdout + probe.stderr).strip()
        return None, f"running as root and cannot run lr-find as nobody with setpriv: {why}"
    return DROP_PRIVILEGES + [binary], None


def check_entry(binary, corpus, entry, scratch):
    """Runs one entry; returns a list of problems (empty: it passed)."""
    problems = []
    run_dir = corpus
    name = entry["file"]
    command = [binary]
    if name.startswith("gen:"):
        run_dir = tempfile.mkdtemp(dir=scratch)
        name = generate(name[4:], run_dir)
        if entry["file"] == "gen:unreadable.csv" and os.geteuid() == 0:
            # Root reads any file whatever its mode: read it as nobody instead.
            command, problem = drop_privileges(binary, os.path.join(run_dir, name), scratch, run_dir)
            if problem:
                return [problem]
    args = shlex.split(entry["args"])
    if "--method" not in args:
        args += ["--method", "range", "--steps", "20"]
    stdin_bytes = None
    if args[:1] == ["check"]:  # lr-find check FILE ...
        command.append(args.pop(0))
    if entry["input"] == "stdin":
        with open(os.path.join(run_dir, name), "rb") as f:
            stdin_bytes = f.read()
        argv = command + ["-"] + args
    else:
        argv = command + [name] + args
    out_dir = out_path = before = None
    if entry["output"] != "stdout":
        out_dir = tempfile.mkdtemp(dir=scratch)
        out_path = os.path.join(out_dir, "report.json")
        if entry["output"] == "file":
            before = b'{"previous": "report, kept unless a run succeeds"}\n'
            with open(out_path, "wb") as f:
                f.write(before)
        argv += ["-o", out_path]
    try:
        run = subprocess.run(argv, cwd=run_dir, input=stdin_bytes if stdin_bytes is not None else b"",
                             capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        return ["no result within 300 s (a hang, or quadratic work)"]
    stderr = run.stderr.decode("utf-8", errors="replace")
    stdout = run.stdout
    if run.returncode != entry["exit"]:
        problems.append(f"exit {run.returncode}, expected {entry['exit']}")
    checks = [c for c in entry["expect"].split(" && ") if c]
    fragments = [c for c in checks if not c.startswith("$.")]
    json_checks = [c for c in checks if c.startswith("$.")]
    for fragment in fragments:
        if fragment not in stderr:
            problems.append(f"stderr lacks {fragment!r}")
    if run.returncode not in (0, 3):
        lines = stderr.split("\n")
        if not (len(lines) == 2 and lines[1] == "" and lines[0].startswith("lr-find: error: ")):
            problems.append("stderr is not exactly one line 'lr-find: error: ...'")
        if stdout:
            problems.append(f"{len(stdout)} bytes on stdout after an error")
        if before is not None:
            with open(out_path, "rb") as f:
                if f.read() != before:
                    problems.append("the existing -o file was changed by a failed run")
        if out_dir is not None and sorted(os.listdir(out_dir)) != (["report.json"] if before is not None else []):
            problems.append(f"a failed run left the -o folder holding {sorted(os.listdir(out_dir))}")
    else:
        if out_path is not None:
            if stdout:
                problems.append("output on stdout although -o was given")
            with open(out_path, "rb") as f:
                stdout = f.read()
            if sorted(os.listdir(out_dir)) != ["report.json"]:
                problems.append(f"files left beside the -o file: {sorted(os.listdir(out_dir))}")
        try:
            document = json.loads(stdout.decode("utf-8"), parse_constant=reject_non_finite)
        except (UnicodeDecodeError, ValueError) as e:
            problems.append(f"the output is not UTF-8 JSON: {e}")
            document = None
        if document is not None:
            if document.get("schema_version") != 1:
                problems.append("the output has no schema_version 1")
            for check in json_checks:
                field, _, expected = check[2:].partition("=")
                try:
                    got = json_field(document, field)
                except (KeyError, IndexError, ValueError, TypeError):
                    problems.append(f"the output has no {field}")
                    continue
                if got != json.loads(expected):
                    shown = json.dumps(got, ensure_ascii=False)
                    problems.append(f"{field} is {shown[:200]}, expected {expected}")
    if problems:
        problems.append(f"stderr: {stderr.strip()[:300]!r}")
    return problems


def check_listing(corpus, entries):
    """Every file of the corpus is run and described, and every manifest file exists."""
    problems = []
    files = {n for n in os.listdir(corpus) if n not in OWN_FILES}
    used = {e["file"] for e in entries if not e["file"].startswith("gen:")}
    with open(os.path.join(corpus, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    for name in sorted(files - used):
        problems.append(f"{name}: in tests/corpus/ but not in manifest.tsv")
    for name in sorted(used - files):
        problems.append(f"{name}: in manifest.tsv but not in tests/corpus/")
    described = files | {e["file"][4:] for e in entries if e["file"].startswith("gen:")}
    for name in sorted(described):
        if f"`{name}`" not in readme:
            problems.append(f"{name}: not described in tests/corpus/README.md")
    return problems


def main():
    binary, source = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    only = sys.argv[3] if len(sys.argv) > 3 else None
    corpus = os.path.join(source, "tests", "corpus")
    entries = read_manifest(os.path.join(corpus, "manifest.tsv"))
    failed = passed = pending = 0
    for problem in check_listing(corpus, entries):
        print(f"FAILED: {problem}")
        failed += 1
    scratch = tempfile.mkdtemp(prefix="lrfind-corpus-")
    try:
        for entry in entries:
            if only and only not in entry["file"]:
                continue
            label = (f"manifest.tsv:{entry['line']}: {entry['file']} ({entry['input']}, {entry['output']}"
                     f"{', ' + entry['args'] if entry['args'] else ''})")
            problems = check_entry(binary, corpus, entry, scratch)
            if entry["pending"]:
                if problems:
                    print(f"PENDING: {label}: {entry['pending']}: {'; '.join(problems)}")
                    pending += 1
                else:
                    print(f"FAILED: {label}: PASSES, BUT MARKED PENDING ({entry['pending']}): remove the mark")
                    failed += 1
            elif problems:
                print(f"FAILED: {label}: {'; '.join(problems)}")
                failed += 1
            else:
                passed += 1
    finally:
        for folder, _, names in os.walk(scratch):
            for n in names:
                p = os.path.join(folder, n)
                if not os.path.islink(p):
                    os.chmod(p, stat.S_IRUSR | stat.S_IWUSR)
        shutil.rmtree(scratch)
    print(f"{passed} passed, {failed} failed, {pending} pending ({len(entries)} entries)")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
