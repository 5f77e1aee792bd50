#!/usr/bin/env bash
# Equal-budget x4 comparison of binarizers on the SRResNet backbone (issue 4): trains each options file of
# options/compare_x4 (same data, seed, iterations), then evaluates every model on Set5, Set14 and B100.
# Usage: bench/compare_x4.sh [RUNS_DIR] [extra train options...]   (RUNS_DIR default: runs/compare_x4)
# Resumable: a finished or interrupted run continues from its checkpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-runs/compare_x4}"; shift || true
data=../shared/datasets
for name in fp bnn dorefa abc bam; do
  echo "== train $name ($(date +%T))"
  ./bnnsr train --config "options/compare_x4/$name.yml" -o "$runs/$name" --resume "$@" || echo "!! $name failed"
done
for name in fp bnn dorefa abc bam; do
  m="$runs/$name/model_latest.safetensors"
  [ -f "$m" ] || continue
  echo "== eval $name"
  ./bnnsr eval --model "$m" --data "$data/Set5,$data/Set14,$data/B100" --json "$runs/$name/eval.json"
done
