#!/usr/bin/env bash
# Load benchmark, run by hand (never in CI). Seeds N synthetic articles
# (once per N), starts a release build, and measures with wrk on loopback:
#   /health/live (the ceiling, same run), the article list (first page and a
#   page deep in the list), article detail by random slug, search, the visit
#   beacon and rating a random article as a random visitor.
#
# Usage: bench/run.sh [N]   (default 100000). Needs `wrk` (apt-get install wrk).
#   ENGINE=postgres   run on PostgreSQL (PG_URL, default
#                     postgres://127.0.0.1:5432/bantin_bench_N): the database is
#                     created and filled from the SQLite seed with
#                     `bantin export | bantin import` the first time.
#   INSTANCES=2       two bantin processes on the one database (PostgreSQL),
#                     each driven by its own wrk with half the connections, as
#                     an even load balancer would; req/s are summed.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}
ENGINE=${ENGINE:-sqlite}
INSTANCES=${INSTANCES:-1}
DIR=${BENCH_DIR:-data/bench-$N}
PG_URL=${PG_URL:-postgres://127.0.0.1:5432/bantin_bench_$N}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cargo build --release --quiet
BIN=target/release/bantin
mkdir -p "$DIR"
export BANTIN_DATA_DIR="$DIR" BANTIN_DATABASE_URL="$DIR/bantin.db" BANTIN_LOG=warn
# One load generator on loopback is one client: lift the per-client limits.
export BANTIN_WRITES_PER_MINUTE=1000000000

if [ ! -s "$DIR/slugs.txt" ]; then
  echo "== seeding $N articles into $DIR"
  /usr/bin/time -f "seed: %e s, peak RSS %M KB" "$BIN" bench-seed --articles "$N" --slugs-out "$DIR/slugs.txt"
fi

if [ "$ENGINE" = postgres ]; then
  ADMIN_URL="${PG_URL%/*}/postgres"
  DB_NAME="${PG_URL##*/}"
  if [ "$(psql "$ADMIN_URL" -Atc "select count(*) from pg_database where datname = '$DB_NAME'")" = 0 ]; then
    psql "$ADMIN_URL" -qc "CREATE DATABASE \"$DB_NAME\""
  fi
  if [ "$(psql "$PG_URL" -Atc "select count(*) from information_schema.tables where table_name = 'articles'")" = 0 ] ||
     [ "$(psql "$PG_URL" -Atc "select count(*) from articles")" = 0 ]; then
    echo "== copying the SQLite seed into $PG_URL (bantin export | bantin import)"
    /usr/bin/time -f "export: %e s, peak RSS %M KB" "$BIN" export > "$DIR/export.ndjson"
    ls -l "$DIR/export.ndjson"
    BANTIN_DATABASE_URL="$PG_URL" /usr/bin/time -f "import: %e s, peak RSS %M KB" "$BIN" import "$DIR/export.ndjson"
    psql "$PG_URL" -qc "VACUUM ANALYZE"
  fi
  export BANTIN_DATABASE_URL="$PG_URL"
  DB_SIZE=$(psql "$PG_URL" -Atc "select pg_size_pretty(pg_database_size(current_database()))")
  DEEP_ROW=$(psql "$PG_URL" -AtF ' ' -c "select to_char(published_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS'), id from articles where status = 'published' order by published_at desc, id desc limit 1 offset $((N / 2))")
else
  [ "$INSTANCES" = 1 ] || { echo "INSTANCES > 1 needs ENGINE=postgres (SQLite serves one process)" >&2; exit 1; }
  DB_SIZE=$(du -h "$DIR/bantin.db" | cut -f1)
  DEEP_ROW=$(python3 -c "
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
row = db.execute(\"select published_at, id from articles where status='published' order by published_at desc, id desc limit 1 offset ?\", (int(sys.argv[2]) // 2,)).fetchone()
print(row[0][:19], row[1])" "$DIR/bantin.db" "$N")
fi

# A cursor about halfway down the list: keyset paging must make it as cheap as page 1.
DEEP=$(python3 -c "
import base64, json, sys
day, time, id = sys.argv[1].split()
c = json.dumps({'s': '-published_at', 'k': day + ' ' + time, 'i': int(id)}, separators=(',', ':'))
print(base64.urlsafe_b64encode(c.encode()).decode().rstrip('='))" "$DEEP_ROW")

SERVERS=()
cleanup() { for s in "${SERVERS[@]}"; do pkill -TERM -P "$s" 2>/dev/null || true; done; }
trap cleanup EXIT
for i in $(seq 0 $((INSTANCES - 1))); do
  p=$((PORT + i))
  if curl -s -o /dev/null "http://127.0.0.1:$p/"; then echo "port $p is in use: stop that server or set PORT" >&2; exit 1; fi
  # $! is /usr/bin/time; the signal goes to bantin, its child, so time can report.
  BANTIN_BIND="127.0.0.1:$p" /usr/bin/time -v -o "$DIR/server-time-$ENGINE-$i.txt" "$BIN" serve &
  SERVERS+=($!)
done
# The first start after an upgrade may build the search index (100k articles: under a minute).
STARTED=$(date +%s)
for i in $(seq 0 $((INSTANCES - 1))); do
  for _ in $(seq 1 3000); do curl -fs "http://127.0.0.1:$((PORT + i))/health/ready" >/dev/null && break; sleep 0.1; done
  curl -fs "http://127.0.0.1:$((PORT + i))/health/ready" >/dev/null || { echo "server $i did not start" >&2; exit 1; }
done
echo "ready after $(( $(date +%s) - STARTED )) s"

run() { # name, path, wrk script, script args... (one wrk per instance, in parallel)
  local name=$1 path=$2 script=$3; shift 3
  local conns=$((CONNECTIONS / INSTANCES)) threads=$((THREADS / INSTANCES > 0 ? THREADS / INSTANCES : 1))
  for i in $(seq 0 $((INSTANCES - 1))); do
    wrk -t"$threads" -c"$conns" -d"$DURATION" -s "$script" "http://127.0.0.1:$((PORT + i))$path" "$@" | grep '^RESULT' &
  done | awk -v name="$name" '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "rps" || kv[1] == "requests" || kv[1] == "errors" || kv[1] == "non2xx") s[kv[1]] += kv[2]; else if (kv[2] > m[kv[1]]) m[kv[1]] = kv[2] } }
    END { printf "%s rps=%.0f p50_ms=%.2f p99_ms=%.2f requests=%d errors=%d non2xx=%d\n", name, s["rps"], m["p50_ms"], m["p99_ms"], s["requests"], s["errors"], s["non2xx"] }'
  wait
}

RESULTS="$DIR/results-$ENGINE-$INSTANCES.txt"
echo "== $N articles on $ENGINE ($INSTANCES instance(s)), database $DB_SIZE, wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
{
  run health_live /health/live bench/report.lua
  run list_first_page "/api/v1/articles" bench/report.lua
  run list_deep_page "/api/v1/articles?cursor=$DEEP" bench/report.lua
  run detail_by_slug /api/v1/articles/x bench/detail.lua -- "$DIR/slugs.txt"
  run search /api/v1/articles bench/search.lua
  run post_visit /api/v1/stats/visits bench/visit.lua
  run post_rating /api/v1/articles/x/ratings bench/rate.lua -- "$DIR/slugs.txt"
} | tee "$RESULTS"

cleanup; for s in "${SERVERS[@]}"; do wait "$s" 2>/dev/null || true; done; trap - EXIT
for i in $(seq 0 $((INSTANCES - 1))); do
  echo "server $i peak RSS: $(awk -F': ' '/Maximum resident set size/ {print $2}' "$DIR/server-time-$ENGINE-$i.txt") KB"
done
awk '
  /^health_live/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "rps") base = kv[2] } }
  { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[$1, kv[1]] = kv[2] } names[++n] = $1 }
  END {
    printf "%-16s %10s %8s %8s %8s %8s\n", "endpoint", "req/s", "ratio", "p50 ms", "p99 ms", "non2xx"
    for (j = 1; j <= n; j++) { k = names[j]; printf "%-16s %10s %8.3f %8s %8s %8s\n", k, v[k, "rps"], v[k, "rps"] / base, v[k, "p50_ms"], v[k, "p99_ms"], v[k, "non2xx"] }
  }' "$RESULTS"
