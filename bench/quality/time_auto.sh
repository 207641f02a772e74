#!/bin/sh
# Times lr-find's default method (auto, default settings) on a 10,000-row data
# set with 20 numeric features and a binary target, pinned to one core, for
# --model logistic, linear and svm: RUNS runs each (default 5), median wall
# time (and median CPU time). Issue 3's target: under 2 seconds. Needs
# python3, taskset (util-linux) and /usr/bin/time (Debian package time).
#
#   bench/quality/time_auto.sh                 # uses build/lr-find (built if absent)
#   LRFIND=/path/to/lr-find bench/quality/time_auto.sh
#   RUNS=9 ROWS=10000 CORE=0 bench/quality/time_auto.sh
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${RUNS:-5}
rows=${ROWS:-10000}
core=${CORE:-0}
bin=${LRFIND:-$root/build/lr-find}

if [ ! -x "$bin" ]; then
  echo "building $bin (Release)" >&2
  (cd "$root" && cmake --preset release >/dev/null && cmake --build build -j2 --target lr-find >/dev/null)
  bin=$root/build/lr-find
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data=$work/timing.csv
python3 "$here/make_synthetic.py" --timing "$data" --rows "$rows" >/dev/null

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo "lr-find: $bin ($("$bin" --version))"
echo "data: $rows rows x 20 numeric features, binary target (make_synthetic.py --timing)"
echo "cpu: ${cpu:-unknown}; pinned with taskset -c $core; $runs runs per model; load average before: $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo
echo "| model | median wall s | min wall s | max wall s | median CPU s | recommended lr | same bytes every run |"
echo "|---|---:|---:|---:|---:|---:|---|"

for model in logistic linear svm; do
  : >"$work/times"
  i=0
  while [ "$i" -lt "$runs" ]; do
    status=0
    # Wall time, and CPU time (user + system), which other load on the core disturbs less.
    /usr/bin/time -f "%e %U %S" -o "$work/time.$i" \
      taskset -c "$core" "$bin" "$data" --model "$model" --quiet >"$work/out.$i.json" || status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
      echo "lr-find failed with status $status on --model $model" >&2
      exit 1
    fi
    awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$work/time.$i" >>"$work/times"
    i=$((i + 1))
  done
  wall=$(cut -d ' ' -f 1 "$work/times" | sort -n | awk '{ t[NR] = $1 } END {
    m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
    printf "%.3f | %.3f | %.3f", m, t[1], t[NR] }')
  cpu=$(cut -d ' ' -f 2 "$work/times" | sort -n | awk '{ t[NR] = $1 } END {
    printf "%.3f", (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }')
  lr=$(sed -n 's/.*"recommended_lr": *\([^,}]*\).*/\1/p' "$work/out.0.json" | head -n 1)
  distinct=$(for f in "$work"/out.*.json; do md5sum <"$f"; done | sort -u | wc -l)
  same=$([ "$distinct" -eq 1 ] && echo yes || echo "no ($distinct versions)")
  echo "| $model | $wall | $cpu | ${lr:-?} | $same |"
  rm -f "$work"/out.*.json
done
