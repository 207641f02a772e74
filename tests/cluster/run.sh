#!/usr/bin/env bash
# make test-cluster: docs/scale-out.md's Slurm and GNU parallel recipes, as
# written there, on a real one-node Slurm cluster started here (Debian's
# slurm-wlm and munge, as root; stopped by their pids at the end), each merged
# report compared byte for byte with the one-machine run's.
# Usage: tests/cluster/run.sh BUILD_DIR SOURCE_DIR. Exits 0 only if every check passed.
set -euo pipefail
die() { echo "test-cluster: $*" >&2; exit 1; }
[[ $# -eq 2 ]] || die "usage: run.sh BUILD_DIR SOURCE_DIR"
BUILD=$(cd "$1" && pwd) SOURCE=$(cd "$2" && pwd)
HERE=$SOURCE/tests/cluster
[[ -x $BUILD/lr-find ]] || die "$BUILD/lr-find is missing: build first"
command -v parallel >/dev/null || die "GNU parallel is missing: make test-cluster installs it"
export PATH="$BUILD:$PATH"

D=$(mktemp -d /tmp/slurm.XXXXXX)   # short: unix socket paths live under it
W=$(mktemp -d /tmp/lr-find-cluster.XXXXXX)
cleanup() {
  local rc=$?
  "$HERE/stop-cluster.sh" "$D" || rc=1
  rm -rf "$D" "$W"
  exit $rc
}
trap cleanup EXIT
start=$SECONDS
"$HERE/start-cluster.sh" "$D" >/dev/null
. "$D/env"
echo "test-cluster: one-node Slurm cluster up in $((SECONDS - start)) s"

# The recipes, taken from the documentation as they are written there.
recipe() {  # the code block after the line "<!-- recipe: NAME ..."
  awk -v name="$1" '
    index($0, "<!-- recipe: " name) == 1 { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' "$SOURCE/docs/scale-out.md"
}
recipe slurm >"$W/lr-find-slurm.sh"
recipe parallel >"$W/lr-find-parallel.sh"
[[ -s $W/lr-find-slurm.sh && -s $W/lr-find-parallel.sh ]] || die "no recipe found in docs/scale-out.md"
chmod +x "$W/lr-find-slurm.sh" "$W/lr-find-parallel.sh"

passed=0 failed=0
check() {  # check WHAT FILE_A FILE_B
  if cmp -s "$2" "$3"; then passed=$((passed + 1)); echo "ok: $1"
  else failed=$((failed + 1)); echo "FAIL: $1: $2 and $3 differ" >&2; fi
}
cases=(
  "grid_logistic|3|$SOURCE/data/breast_cancer.csv --model logistic --method grid --grid-points 30"
  "grid_sparse|2|$SOURCE/tests/fixtures/iris.svm --model svm --method grid --epochs 3"
  "range_repeats|2|$SOURCE/data/diabetes.csv --model linear --method range --repeats 4"
  "auto_rounds|3|$SOURCE/data/iris.csv --model logistic"
)
for c in "${cases[@]}"; do
  IFS='|' read -r name shards options <<<"$c"
  read -ra args <<<"$options"
  mkdir -p "$W/$name/slurm" "$W/$name/parallel"
  lr-find "${args[@]}" -q -o "$W/$name/one.json"
  t=$SECONDS
  (cd "$W/$name/slurm" && "$W/lr-find-slurm.sh" "$shards" report.json "${args[@]}" 2>"$W/$name/slurm.err") \
    || { cat "$W/$name/slurm.err" >&2; die "$name: the Slurm recipe failed"; }
  rounds=$(ls "$W/$name"/slurm/lr-find-work.*/plan-*.json | wc -l)
  check "$name: Slurm arrays of $shards, $rounds round(s) ($((SECONDS - t)) s), merged = one machine" "$W/$name/slurm/report.json" "$W/$name/one.json"
  t=$SECONDS
  (cd "$W/$name/parallel" && "$W/lr-find-parallel.sh" 8 result.json "${args[@]}" 2>"$W/$name/parallel.err") \
    || { cat "$W/$name/parallel.err" >&2; die "$name: the GNU parallel recipe failed"; }
  check "$name: GNU parallel of 8 ($((SECONDS - t)) s) merged = one machine" "$W/$name/parallel/result.json" "$W/$name/one.json"
done
# The Slurm tasks ran as array tasks: each shard's part came from its own task index.
parts=$(ls "$W"/grid_logistic/slurm/lr-find-work.*/part-1-*.json | wc -l)
[[ $parts -eq 3 ]] && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: $parts parts of 3 from the Slurm array" >&2; }
echo "test-cluster: $passed passed, $failed failed"
(( failed == 0 ))
