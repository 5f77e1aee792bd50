#!/usr/bin/env bash
# Load test for `bnnsr serve`, by hand: N requests of one image from C concurrent curl clients against a running
# server; prints requests/s, latency p50/p99 of the 200s, and how many were refused (429: queue full) or failed.
#   ./bnnsr serve --port 8080 --queue 4 &        # in another terminal
#   bench/load_serve.sh [IMAGE] [N=40] [C=8] [URL=http://127.0.0.1:8080/api/upscale?scale=4]
set -euo pipefail
img="${1:-$(dirname "$0")/../bnnsr-core/src/test/resources/Set5/bird.png}"
n="${2:-40}"; c="${3:-8}"; url="${4:-http://127.0.0.1:8080/api/upscale?scale=4}"
out="$(mktemp)"; trap 'rm -f "$out"' EXIT
start=$(date +%s.%N)
seq "$n" | xargs -P "$c" -I{} curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --data-binary @"$img" "$url" >> "$out" || true   # curl failures are counted below (status 000)
end=$(date +%s.%N)
python3 - "$out" "$start" "$end" "$n" "$c" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
wall = float(sys.argv[3]) - float(sys.argv[2])
ok = sorted(float(t) for s, t in rows if s == "200")
codes = {}
for s, _ in rows: codes[s] = codes.get(s, 0) + 1
def pct(p): return ok[min(len(ok) - 1, int(round(p / 100 * (len(ok) - 1))))] if ok else float("nan")
print(f"{sys.argv[4]} requests, {sys.argv[5]} concurrent, {wall:.1f} s: {len(ok) / wall:.2f} ok/s; "
      f"latency p50 {pct(50):.2f} s, p99 {pct(99):.2f} s; status counts {codes}")
PY
