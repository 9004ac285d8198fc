#!/usr/bin/env bash
# Load benchmark, run by hand (never in CI). Seeds N synthetic articles
# (once per N), starts a release build, and measures with wrk on loopback:
#   /health/live (the ceiling, same run), the article list (first page and a
#   page deep in the list), article detail by random slug, search, the visit
#   beacon and rating a random article as a random visitor.
# Usage: bench/run.sh [N]   (default 100000). Needs `wrk` (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}
DIR=${BENCH_DIR:-data/bench-$N}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cargo build --release --quiet
BIN=target/release/bantin
mkdir -p "$DIR"
export BANTIN_DATA_DIR="$DIR" BANTIN_DATABASE_URL="$DIR/bantin.db" BANTIN_LOG=warn BANTIN_BIND="127.0.0.1:$PORT"
# One load generator on loopback is one client: lift the per-client limits.
export BANTIN_WRITES_PER_MINUTE=1000000000

if [ ! -s "$DIR/slugs.txt" ]; then
  echo "== seeding $N articles into $DIR"
  /usr/bin/time -f "seed: %e s, peak RSS %M KB" "$BIN" bench-seed --articles "$N" --slugs-out "$DIR/slugs.txt"
fi
DB_SIZE=$(du -h "$DIR/bantin.db" | cut -f1)

if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then echo "port $PORT is in use: stop that server or set PORT" >&2; exit 1; fi
/usr/bin/time -v -o "$DIR/server-time.txt" "$BIN" serve &
SERVER=$!
# $SERVER is /usr/bin/time; the signal goes to bantin, its child, so time can report.
trap 'pkill -TERM -P $SERVER 2>/dev/null || true' EXIT
# The first start after an upgrade may build the search index (100k articles: under a minute).
STARTED=$(date +%s)
for _ in $(seq 1 3000); do curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.1; done
echo "ready after $(( $(date +%s) - STARTED )) s"
curl -fs "http://127.0.0.1:$PORT/health/ready" >/dev/null || { echo "the server did not start" >&2; exit 1; }

# A cursor about halfway down the list: keyset paging must make it as cheap as page 1.
DEEP=$(python3 - "$DIR/bantin.db" "$N" <<'PY'
import base64, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
row = db.execute("select published_at, id from articles where status='published' order by published_at desc, id desc limit 1 offset ?", (int(sys.argv[2]) // 2,)).fetchone()
c = json.dumps({"s": "-published_at", "k": row[0][:19], "i": row[1]}, separators=(",", ":"))
print(base64.urlsafe_b64encode(c.encode()).decode().rstrip("="))
PY
)

run() { # name, path, wrk script, script args...
  local name=$1 path=$2 script=$3; shift 3
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -s "$script" "http://127.0.0.1:$PORT$path" "$@" | grep '^RESULT' | sed "s/^RESULT/$name/"
}

echo "== $N articles, database $DB_SIZE, wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
{
  run health_live /health/live bench/report.lua
  run list_first_page "/api/v1/articles" bench/report.lua
  run list_deep_page "/api/v1/articles?cursor=$DEEP" bench/report.lua
  run detail_by_slug /api/v1/articles/x bench/detail.lua -- "$DIR/slugs.txt"
  run search /api/v1/articles bench/search.lua
  run post_visit /api/v1/stats/visits bench/visit.lua
  run post_rating /api/v1/articles/x/ratings bench/rate.lua -- "$DIR/slugs.txt"
} | tee "$DIR/results.txt"

pkill -TERM -P $SERVER; wait $SERVER 2>/dev/null || true; trap - EXIT
PEAK=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$DIR/server-time.txt")
echo "server peak RSS: ${PEAK} KB"
awk -v peak="$PEAK" '
  /^health_live/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "rps") base = kv[2] } }
  { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[$1, kv[1]] = kv[2] } names[++n] = $1 }
  END {
    printf "%-16s %10s %8s %8s %8s\n", "endpoint", "req/s", "ratio", "p50 ms", "p99 ms"
    for (j = 1; j <= n; j++) { k = names[j]; printf "%-16s %10s %8.3f %8s %8s\n", k, v[k, "rps"], v[k, "rps"] / base, v[k, "p50_ms"], v[k, "p99_ms"] }
  }' "$DIR/results.txt"
