#!/usr/bin/env bash
# What the Prometheus metrics cost: bench/run.sh with the request metrics on
# (the default) and off (BANTIN_METRICS=false), alternated ROUNDS times on
# the same seeded data, each run with its own bare /health/live beside it.
# Prints req/s, the server's CPU time per request and p99 per endpoint for
# both, and the ratios on/off.
#
# Usage: bench/metrics.sh [N]   (default 100000; the seed is bench/run.sh's)
#   ROUNDS (2), ONLY (default: the cheap reads, where a per-request cost shows),
#   and everything bench/run.sh takes (DURATION, CONNECTIONS, ENGINE, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
ROUNDS=${ROUNDS:-2}
export ONLY=${ONLY:-'list_first_page|detail_hot|detail_cold|search$'}
DIR=${BENCH_DIR:-data/bench-$N}
OUT="$DIR/metrics-ab.txt"
mkdir -p "$DIR"
: >"$OUT"
for round in $(seq 1 "$ROUNDS"); do
    for metrics in true false; do
        echo "== round $round, BANTIN_METRICS=$metrics"
        log="$DIR/metrics-$metrics-$round.log"
        BANTIN_METRICS=$metrics bench/run.sh "$N" | tee "$log"
        awk -v m="$metrics" -v r="$round" '/ rps=/ { print m, r, $0 }' "$log" >>"$OUT"
    done
done
# Means over the rounds; the CPU time per request is the steadier figure.
awk '
  { on = $1; name = $3
    for (i = 4; i <= NF; i++) { split($i, kv, "=")
      if (kv[1] == "rps") rps[on, name] += kv[2]; if (kv[1] == "p99_ms") p99[on, name] += kv[2]; if (kv[1] == "cpu_us") cpu[on, name] += kv[2] }
    count[on, name]++; if (!(name in seen)) { seen[name] = 1; names[++n] = name } }
  END {
    printf "\n%-16s %10s %10s %7s %10s %10s %7s %9s %9s\n", "endpoint", "req/s on", "req/s off", "on/off", "CPU us on", "CPU us off", "on/off", "p99 on", "p99 off"
    for (j = 1; j <= n; j++) { k = names[j]; a = count["true", k]; b = count["false", k]
      printf "%-16s %10.0f %10.0f %7.3f %10.2f %10.2f %7.3f %9.2f %9.2f\n", k, rps["true", k] / a, rps["false", k] / b,
        (rps["true", k] / a) / (rps["false", k] / b), cpu["true", k] / a, cpu["false", k] / b,
        (cpu["true", k] / a) / (cpu["false", k] / b), p99["true", k] / a, p99["false", k] / b }
  }' "$OUT"
