#!/usr/bin/env bash
# Spark's overhead (issue 13): images/s of `./bnnsr spark --master local[2]` against `./bnnsr upscale` of the same
# folder with the bundled default model, wall time including JVM (and Spark) start; then checks that both wrote the
# same files. Run on a quiet machine.
# Usage: bench/spark_vs_upscale.sh [IN] [RUNS_DIR]   (IN default: ../shared/datasets/B100, RUNS_DIR: runs/spark_vs_upscale)
set -euo pipefail
cd "$(dirname "$0")/.."
in="${1:-../shared/datasets/B100}"
runs="${2:-runs/spark_vs_upscale}"
n=$(find "$in" -type f \( -iname '*.png' -o -iname '*.bmp' -o -iname '*.jpg' -o -iname '*.jpeg' \) | wc -l)
rm -rf "$runs"
mkdir -p "$runs"
./bnnsr --version >/dev/null                  # build both jars before timing anything
./bnnsr spark --version >/dev/null
now() { date +%s.%N; }
t0=$(now)
./bnnsr upscale "$in" -o "$runs/upscale" 2>"$runs/upscale.log" || true
t1=$(now)
./bnnsr spark "$in" -o "$runs/spark" --master 'local[2]' 2>"$runs/spark.log" || true
t2=$(now)
python3 - "$n" "$t0" "$t1" "$t2" <<'PY'
import sys
n, t0, t1, t2 = int(sys.argv[1]), *map(float, sys.argv[2:])
print(f"{n} images: bnnsr upscale {t1 - t0:.1f} s = {n / (t1 - t0):.3f} images/s; "
      f"bnnsr spark local[2] {t2 - t1:.1f} s = {n / (t2 - t1):.3f} images/s ({(t2 - t1) / (t1 - t0):.2f}x the time)")
PY
grep -h '^spark:' "$runs/spark.log" || true
if diff -r --exclude=manifest "$runs/upscale" "$runs/spark" >/dev/null; then echo "outputs identical"; else echo "OUTPUTS DIFFER"; exit 1; fi
