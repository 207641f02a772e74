#!/usr/bin/python3
"""The layout the architecture promises (docs/ARCHITECTURE.md), checked:

- src/ holds only the stage folders, and tests/ has the same folders;
- no source file over 600 lines and no function over 100 lines, unless a
  comment "length: ..." on the line before it (or at the top of the file)
  says why the length serves the reader;
- no getenv outside src/cli/ (the library reads no environment variable).

Functions are found by a brace scan of the code with comments and string
literals blanked: a "{" at namespace or class level after a closing ")" (and
qualifiers) opens a function body.

Usage: layout_test.py SOURCE_DIR
"""

import os
import re
import sys

STAGES = ["common", "io", "load", "train", "search", "recommend", "report", "pipeline", "scale", "cli"]
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 100
LENGTH_NOTE = re.compile(r"//\s*length:", re.IGNORECASE)


def blank(code):
    """The code with comments and string/char literals replaced by spaces (newlines kept)."""
    out = []
    i, n = 0, len(code)
    while i < n:
        c = code[i]
        if code.startswith("//", i):
            j = code.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif code.startswith("/*", i):
            j = code.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", code[i:j]))
            i = j
        elif code.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', code[i:])
            end = code.find(")" + m.group(1) + '"', i) + len(m.group(1)) + 2
            out.append(re.sub(r"[^\n]", " ", code[i:end]))
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and code[j] != c:
                j += 2 if code[j] == "\\" else 1
            out.append(c + " " * (j - i - 1) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


FUNCTION_TAIL = re.compile(r"\)\s*(?:const|noexcept|override|final|mutable|&|&&|\s|->\s*[\w:<>,*&\s]+)*$")
NOT_FUNCTION = re.compile(r"^\s*(?:template\s*<[^>]*>\s*)?(?:namespace|class|struct|union|enum|extern)\b")
CONTROL = re.compile(r"\b(?:if|for|while|switch|catch)\s*\(")


def functions(code):
    """(name line, start line, end line) of every function body at namespace or class level."""
    text = blank(code)
    found = []
    stack = []  # per open brace: 'scope' (namespace, class, other top-level) or 'function' / 'inner'
    segment_start = 0
    for i, c in enumerate(text):
        if c == "{":
            in_function = any(kind in ("function", "inner") for kind, _ in stack)
            if in_function:
                stack.append(("inner", i))
            else:
                prefix = text[segment_start:i]
                is_function = bool(FUNCTION_TAIL.search(prefix)) and not NOT_FUNCTION.search(prefix) \
                    and not CONTROL.search(prefix) and "(" in prefix
                start = segment_start + len(prefix) - len(prefix.lstrip())
                stack.append(("function" if is_function else "scope", start))
            segment_start = i + 1
        elif c == "}":
            if stack:
                kind, start = stack.pop()
                if kind == "function":
                    found.append((text.count("\n", 0, start) + 1, text.count("\n", 0, i) + 1))
            segment_start = i + 1
        elif c == ";":
            if not any(kind in ("function", "inner") for kind, _ in stack):
                segment_start = i + 1
    return found


def main():
    source = os.path.abspath(sys.argv[1])
    problems = []
    src = os.path.join(source, "src")
    entries = sorted(os.listdir(src))
    for name in entries:
        if name not in STAGES:
            problems.append(f"src/{name}: not a stage folder (the stages: {', '.join(STAGES)})")
    for stage in STAGES:
        if not os.path.isdir(os.path.join(src, stage)):
            problems.append(f"src/{stage}/: missing")
        if not os.path.isdir(os.path.join(source, "tests", stage)):
            problems.append(f"tests/{stage}/: missing (tests/ has the same folders as src/)")
    checked_files = checked_functions = 0
    for top in ("src", "include"):
        for folder, _, names in os.walk(os.path.join(source, top)):
            for name in sorted(names):
                if not name.endswith((".cpp", ".hpp")):
                    continue
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, source)
                with open(path, encoding="utf-8") as f:
                    code = f.read()
                lines = code.split("\n")
                checked_files += 1
                file_noted = any(LENGTH_NOTE.search(line) for line in lines[:15])
                if len(lines) - 1 > MAX_FILE_LINES and not file_noted:
                    problems.append(f"{rel}: {len(lines) - 1} lines (at most {MAX_FILE_LINES})")
                for start, end in functions(code):
                    checked_functions += 1
                    length = end - start + 1
                    noted = start >= 2 and LENGTH_NOTE.search(lines[start - 2])
                    if length > MAX_FUNCTION_LINES and not noted:
                        problems.append(f"{rel}:{start}: a function of {length} lines (at most {MAX_FUNCTION_LINES}): "
                                        f"{lines[start - 1].strip()[:70]}")
                if "getenv" in blank(code) and not rel.startswith(os.path.join("src", "cli")):
                    problems.append(f"{rel}: reads the environment (getenv); only src/cli/ may")
    for p in problems:
        print("FAILED:", p)
    print(f"{checked_files} files, {checked_functions} functions checked; {len(problems)} problems")
    return 1 if problems or checked_functions < 100 else 0


if __name__ == "__main__":
    sys.exit(main())
