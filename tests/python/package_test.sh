#!/bin/sh
# The .deb that cpack makes holds the Python module where Debian's python3
# looks, with the interpreter and numpy as suggestions; unpacked, it imports
# and runs. Usage: package_test.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1
source=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$build" && cpack -B "$scratch" >"$scratch/cpack.log" 2>&1) || { cat "$scratch/cpack.log"; exit 1; }
deb=$(ls "$scratch"/lr-find_*_amd64.deb)
contents=$(dpkg -c "$deb")
for file in lrfind/__init__.py lrfind/sklearn.py lrfind/_lrfind.cpython-; do
  echo "$contents" | grep -q "/usr/lib/python3\.[0-9]*/dist-packages/$file" || { echo "no $file in $deb"; exit 1; }
done
dpkg -I "$deb" | grep -q '^ Suggests: python3 (>= 3\.[0-9]*), python3 (<< 3\.[0-9]*), python3-numpy' || {
  dpkg -I "$deb"; echo "no python3 and numpy among the suggestions"; exit 1; }
dpkg -x "$deb" "$scratch/root"
packages=$(ls -d "$scratch"/root/usr/lib/python3.*/dist-packages)
cd "$source"
PYTHONPATH=$packages /usr/bin/python3 -c '
import lrfind, numpy as np
assert lrfind.__file__.startswith("'"$packages"'"), lrfind.__file__
X = np.random.default_rng(0).normal(size=(200, 3))
report = lrfind.find(X, X @ [1.0, -2.0, 0.5], model="linear", method="range", steps=20)
assert report["range_test"]["steps_run"] == 20, report["range_test"]
print("the packaged module runs:", lrfind.__file__)
'
