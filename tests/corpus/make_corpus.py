#!/usr/bin/python3
"""Writes the committed files of tests/corpus/ (deterministically: gzip and zip
members carry fixed dates), so that the binary ones can be reviewed here and
regenerated. Files too large to commit (beyond the field and column limits, a
very long valid line) are made by tests/corpus/corpus_test.py at test time instead.

Usage: make_corpus.py [FOLDER]   (default: the folder of this script)
"""

import bz2
import gzip
import io
import lzma
import os
import struct
import sys
import zipfile
import zlib


def rows_text(header, rows, end="\n"):
    return end.join([",".join(header)] + [",".join(str(c) for c in r) for r in rows]) + end


# A small two-class data set: two numeric features, classes 0 and 1.
BASE_HEADER = ["x1", "x2", "y"]
BASE_ROWS = [(f"{i * 0.5:.1f}", f"{(i * 7 % 10) / 4:.2f}", i % 2) for i in range(10)]
BASE = rows_text(BASE_HEADER, BASE_ROWS)


def numeric_columns(n, replaced):
    """n rows of three numeric features x1, x2, x3 and a class y; `replaced`
    maps (0-based data row, 0-based column) to the text put there instead."""
    rows = []
    for i in range(n):
        row = [f"{i / 4:.2f}", f"{(i * 3 % 7) / 2:.1f}", f"{i % 5}", i % 2]
        for (r, c), text in replaced.items():
            if r == i:
                row[c] = text
        rows.append(row)
    return rows_text(["x1", "x2", "x3", "y"], rows)


def png_1x1():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def xlsx_like():
    """A zip archive with the members an .xlsx workbook starts with."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("[Content_Types].xml", '<?xml version="1.0"?><Types/>'),
                           ("xl/workbook.xml", '<?xml version="1.0"?><workbook/>'),
                           ("xl/worksheets/sheet1.xml", '<?xml version="1.0"?><worksheet/>')):
            z.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), text)
    return out.getvalue()


def gz(data):
    return gzip.compress(data, mtime=0)


def files():
    f = {}
    # ---- odd but valid -------------------------------------------------------
    f["bom.csv"] = b"\xef\xbb\xbf" + BASE.encode()
    f["crlf.csv"] = BASE.replace("\n", "\r\n").encode()
    f["cr-last-line.csv"] = BASE.replace("\n", "\r\n").encode()[:-1]  # ends "\r", no "\n"
    f["mixed-line-ends.csv"] = "".join(
        line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(BASE.splitlines())).encode()
    f["quoted.csv"] = (
        '"x, first","x ""second""","label\nwith newline"\n'
        + "".join(f'"{a}",{b},' + ('"yes, it is"' if y else '"no ""never""\nreally"') + "\n"
                  for a, b, y in BASE_ROWS)).encode()
    f["header-quoted.csv"] = ('"x1","x2","y"\n' + BASE.split("\n", 1)[1]).encode()
    f["quoted-numbers.csv"] = rows_text(BASE_HEADER, [(f'"{a}"', f'"{b}"', y) for a, b, y in BASE_ROWS]).encode()
    f["quote-inside-field.csv"] = rows_text(BASE_HEADER, [
        (a, b, '12" pizza' if y else "small") for a, b, y in BASE_ROWS]).encode()
    f["semicolon.csv"] = BASE.replace(",", ";").encode()
    f["tab.tsv"] = BASE.replace(",", "\t").encode()
    f["missing-values.csv"] = rows_text(["size", "weight", "price"], [
        (1.0, 2.5, 10), (2.0, "NA", 12), (3.0, 3.5, 15), (4.0, "", 17), (5.0, 4.5, 21), ("?", 5.0, 22),
        (7.0, 5.5, 26), (8.0, 6.0, "N/A"), (9.0, 6.5, 31), (10.0, 7.0, 35), (11.0, 7.5, 36), (12.0, 8.0, 40)]).encode()
    f["na-values-custom.csv"] = numeric_columns(20, {(6, 1): "#N/A", (12, 0): "missing"}).encode()
    f["trailing-blank-lines.csv"] = (BASE + "\n\n\r\n\n").encode()
    f["whitespace-numbers.csv"] = rows_text(BASE_HEADER, [(f" {a}", f"{b}  ", f"\t{y} ") for a, b, y in BASE_ROWS]).encode()
    f["no-final-newline.csv"] = BASE.rstrip("\n").encode()
    f["categorical-feature.csv"] = rows_text(["size", "colour", "y"], [
        (f"{i * 0.3:.1f}", ("red", "green", "blue")[i % 3], (i // 2) % 2) for i in range(12)]).encode()
    f["text-labels.csv"] = rows_text(["a", "b", "animal"], [
        (f"{i * 0.3:.1f}", f"{(i * 5 % 7) / 3:.2f}", ("dog", "cat", "fish")[i % 3]) for i in range(12)]).encode()
    f["labels-1-and-1.0.csv"] = rows_text(BASE_HEADER, [
        (a, b, ("1", "2", "1.0", "2.0", "1.00", "2")[i % 6]) for i, (a, b, _) in enumerate(BASE_ROWS)]).encode()
    f["inf-class-label.csv"] = rows_text(BASE_HEADER, [
        (a, b, "inf" if y else "-inf") for a, b, y in BASE_ROWS]).encode()
    f["unicode-header.csv"] = rows_text(["température", "直径", "größe", "classe"], [
        (a, b, f"{i % 3}", y) for i, (a, b, y) in enumerate(BASE_ROWS)]).encode("utf-8")
    f["latin1-category.csv"] = rows_text(["size", "city", "y"], [
        (f"{i * 0.3:.1f}", ("Orl\xe9ans", "K\xf6ln", "Paris")[i % 3], (i // 2) % 2) for i in range(12)]).encode("latin-1")
    f["semicolon.csv.gz"] = gz(BASE.replace(",", ";").encode())
    f["pipe.csv"] = BASE.replace(",", "|").encode()
    f["cp1252-labels.csv"] = rows_text(["size", "city", "drink"], [
        (f"{i * 0.3:.1f}", ("Orl\xe9ans", "K\xf6ln", "\u20ac-Zone")[i % 3], ("th\xe9", "5\u20ac")[(i // 2) % 2])
        for i in range(12)]).encode("cp1252")
    # Line 2 in UTF-8, line 5 in cp1252: two encodings in one file.
    mixed = rows_text(["size", "city", "y"], [
        (f"{i * 0.3:.1f}", {0: "Orl\xe9ans", 3: "K\xf6ln"}.get(i, "Paris"), i % 2) for i in range(8)])
    f["utf8-then-cp1252.csv"] = b"".join(
        line.encode("utf-8" if n < 3 else "cp1252") for n, line in enumerate(mixed.splitlines(keepends=True)))
    f["duplicate-name.csv"] = rows_text(["x", "x", "y"], BASE_ROWS).encode()
    f["columns-3000.csv"] = rows_text([f"c{i}" for i in range(1, 3000)] + ["y"], [
        [(r * 7 + c * 3) % 10 for c in range(2999)] + [r % 2] for r in range(28)]).encode()
    # Features near the largest double and a target near 1e200: every rate's
    # loss overflows, so no rate is usable (exit 3), yet the JSON is written.
    f["huge-values.csv"] = rows_text(["a", "b", "y"], [
        (f"{i}e300", i % 3, f"{i}e200") for i in range(1, 12)]).encode()
    f["plain.csv"] = BASE.encode()
    f["gzip.csv.gz"] = gz(BASE.encode())
    # ---- malformed: the file as a whole -------------------------------------
    f["empty.csv"] = b""
    f["bom-only.csv"] = b"\xef\xbb\xbf"
    f["blank-lines-only.csv"] = b"\n\r\n\n"
    f["header-only.csv"] = b"x1,x2,y\n"
    f["one-row.csv"] = b"x1,x2,y\n1.5,2,0\n"
    f["one-column.csv"] = rows_text(["y"], [(i % 2,) for i in range(10)]).encode()
    f["empty-header-name.csv"] = rows_text(["x1", "", "y"], BASE_ROWS).encode()
    f["trailing-delimiter.csv"] = "".join(line + ",\n" for line in BASE.splitlines()).encode()
    f["cr-only-line-ends.csv"] = BASE.replace("\n", "\r").encode()
    # ---- malformed: rows and quoting ----------------------------------------
    lines = BASE.splitlines(keepends=True)
    f["ragged-too-many.csv"] = "".join(lines[:4] + ["1.5,2.25,0,7\n"] + lines[4:]).encode()
    f["ragged-too-few.csv"] = "".join(lines[:4] + ["1.5,0\n"] + lines[4:]).encode()
    f["unterminated-quote.csv"] = "".join(lines[:5] + ['2.5,"0.75,1\n'] + lines[5:]).encode()
    f["stray-after-quote.csv"] = "".join(lines[:3] + ['1.0,"2.5"x,1\n'] + lines[3:]).encode()
    f["cut-mid-row.csv"] = BASE.encode()[:-5]  # the last row loses its last field
    f["cut-in-quote.csv"] = ('"x1","x2","y"\n' + "".join(f'"{a}","{b}","{y}"\n' for a, b, y in BASE_ROWS)).encode()[:-6]
    # ---- malformed: values ---------------------------------------------------
    f["stray-na.csv"] = numeric_columns(24, {(6, 1): "#N/A"}).encode()
    f["stray-abc.csv"] = numeric_columns(24, {(17, 1): "abc"}).encode()
    f["inf-feature.csv"] = numeric_columns(10, {(3, 1): "inf"}).encode()
    f["overflow-feature.csv"] = numeric_columns(10, {(8, 1): "1e999"}).encode()
    f["too-many-categories.csv"] = rows_text(["id", "size", "y"], [
        (f"user{i:03d}", f"{i % 7}", i % 2) for i in range(101)]).encode()
    f["five-categories.csv"] = rows_text(["size", "colour", "y"], [
        (f"{i * 0.3:.1f}", ("red", "green", "blue", "cyan", "pink")[i % 5], (i // 2) % 2) for i in range(12)]).encode()
    f["decimal-commas.csv"] = "".join(
        line.replace(",", ";").replace(".", ",") + "\n" for line in BASE.splitlines()).encode()
    f["text-target.csv"] = rows_text(["a", "b", "price"], [
        (f"{i * 0.3:.1f}", f"{i % 4}", "cheap" if i == 4 else f"{10 + i}") for i in range(10)]).encode()
    f["inf-target.csv"] = rows_text(["a", "b", "price"], [
        (f"{i * 0.3:.1f}", f"{i % 4}", "-inf" if i == 6 else f"{10 + i}") for i in range(10)]).encode()
    f["one-class.csv"] = rows_text(BASE_HEADER, [(a, b, "yes") for a, b, _ in BASE_ROWS]).encode()
    f["all-dropped.csv"] = rows_text(BASE_HEADER, [(a, "NA" if i % 2 else b, "" if i % 2 == 0 else y)
                                                   for i, (a, b, y) in enumerate(BASE_ROWS)]).encode()
    f["too-many-classes.csv"] = rows_text(["x", "label"], [
        (f"{i % 10}", f"class{i}") for i in range(1001)]).encode()
    # ---- malformed: not CSV text --------------------------------------------
    f["nul-bytes.csv"] = BASE.encode()[:20] + b"\x00\x00\x00\x00" + BASE.encode()[20:]
    f["image.png"] = png_1x1()
    f["workbook.xlsx"] = xlsx_like()
    f["utf16le-bom.csv"] = "\ufeff".encode("utf-16-le") + BASE.encode("utf-16-le")
    f["utf16be-bom.csv"] = "\ufeff".encode("utf-16-be") + BASE.encode("utf-16-be")
    f["document.pdf"] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    f["data.csv.bz2"] = bz2.compress(BASE.encode(), 9)
    f["data.csv.xz"] = lzma.compress(BASE.encode(), format=lzma.FORMAT_XZ)
    good = gz(BASE.encode())
    f["truncated.csv.gz"] = good[: len(good) // 2]
    damaged = bytearray(good)
    damaged[-8] ^= 0xFF  # the CRC-32 of the data no longer matches
    f["bad-crc.csv.gz"] = bytes(damaged)
    f["gzip-of-binary.csv.gz"] = gz(png_1x1())
    svmlight_files(f)
    return f


def svm_lines(replaced=None):
    """The base data set as svmlight lines (1-based, a comment first); `replaced`
    maps a 0-based data row to the line put there instead."""
    lines = ["# x1 x2, class y\n"] + [f"{y} 1:{a} 2:{b}\n" for a, b, y in BASE_ROWS]
    for row, text in (replaced or {}).items():
        lines[row + 1] = text
    return "".join(lines).encode()


def svmlight_files(f):
    f["svm-plain.svm"] = svm_lines()
    f["svm-multilabel.svm"] = svm_lines({3: "1,3 1:0.5 2:1\n"})
    f["svm-zero-index.svm"] = svm_lines({4: "0 0:1 2:0.5\n"})
    f["svm-descending.txt"] = svm_lines({5: "0 2:1 1:0.5\n"})  # recognised by its content
    f["svm-repeated-index.svm"] = svm_lines({2: "1 1:1 1:2\n"})
    f["svm-non-integer-index.svm"] = svm_lines({6: "0 1.5:2\n"})
    f["svm-missing-colon.svm"] = svm_lines({1: "1 1:0.5 2\n"})
    f["svm-bad-value.svm"] = svm_lines({7: "1 1:0.5 2:abc\n"})
    f["svm-inf-value.svm"] = svm_lines({0: "0 1:inf\n"})
    f["svm-nan-value.svm"] = svm_lines({8: "0 1:1 2:nan\n"})
    f["svm-huge-index.svm"] = svm_lines({2: "1 1:1 3000000000:1\n"})
    f["svm-bad-qid.svm"] = svm_lines({0: "0 qid:first 1:1\n"})
    f["svm-text-label.svm"] = svm_lines({4: "cat 1:0.5 2:1\n"})
    f["svm-empty.svm"] = b""
    f["svm-comments-only.svm"] = b"# an export with no rows\n\n# and nothing after\n"


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for name, data in files().items():
        with open(os.path.join(folder, name), "wb") as out:
            out.write(data)


if __name__ == "__main__":
    main()
