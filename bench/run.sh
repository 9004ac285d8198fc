#!/usr/bin/env bash
# Load benchmark, run by hand (never in CI). Seeds N articles of realistic
# text once per N (`bantin bench-seed`: Zipf–Mandelbrot over the syllables
# of Debian's hunspell-vi), starts the release build and measures with wrk
# on loopback, each endpoint beside the bare /health/live of the same run:
#
#   list_first_page   GET /articles (what every app start fetches)
#   list_deep         a page 50,000 deep (or halfway) by cursor
#   list_category     a section's first page
#   detail_hot        an article drawn by a Zipf law over the newest 5,000
#   detail_cold       an article drawn uniformly over all of them
#   search            the 2,000 queries of bench-seed, 32 connections
#   search_one        the same, one client (latency without queueing)
#   visit             the visit beacon (10,000 returning visitors)
#   rating            a random visitor rates a random article
#
# Each line: req/s, share of /health/live, p50 and p99, answers from the
# response cache, the server's CPU time per request (user + system, from
# /proc: steadier than req/s on a shared machine); then the server's peak
# anonymous memory (RssAnon).
#
# Usage: bench/run.sh [N]   (default 100000). Needs wrk and hunspell-vi
# (apt-get install wrk hunspell-vi).
#   ENGINE=postgres   on PostgreSQL (PG_URL, default
#                     postgres://127.0.0.1:5432/bantin_bench_N), filled from
#                     the SQLite seed with `bantin export | bantin import`.
#   INSTANCES=2       two bantin processes on the one database (PostgreSQL),
#                     each driven by its own wrk with half the connections;
#                     req/s are summed.
#   BANTIN_CACHE_MB=0 without the response cache (any BANTIN_* passes through).
#   DURATION, CONNECTIONS (32), THREADS (2), PORT, ONLY (a regex of endpoints).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}
ENGINE=${ENGINE:-sqlite}
INSTANCES=${INSTANCES:-1}
ONLY=${ONLY:-.}
DIR=${BENCH_DIR:-data/bench-$N}
PG_URL=${PG_URL:-postgres://127.0.0.1:5432/bantin_bench_$N}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
[ -r /usr/share/hunspell/vi_VN.dic ] || { echo "hunspell-vi is missing: apt-get install -y hunspell-vi" >&2; exit 1; }
cargo build --release --quiet
BIN=target/release/bantin
mkdir -p "$DIR"
export BANTIN_DATA_DIR="$DIR" BANTIN_DATABASE_URL="$DIR/bantin.db" BANTIN_LOG=warn
# One load generator on loopback is one client: lift the per-client limits.
export BANTIN_WRITES_PER_MINUTE=1000000000

if [ ! -s "$DIR/in/queries.txt" ]; then
  echo "== seeding $N articles into $DIR"
  /usr/bin/time -f "seed: %e s, peak RSS %M KB" "$BIN" bench-seed --articles "$N" --out-dir "$DIR/in"
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
    "$BIN" export | BANTIN_DATABASE_URL="$PG_URL" /usr/bin/time -f "export | import: %e s, peak RSS %M KB" "$BIN" import
    psql "$PG_URL" -qc "VACUUM ANALYZE"
  fi
  export BANTIN_DATABASE_URL="$PG_URL"
  DB_SIZE=$(psql "$PG_URL" -Atc "select pg_size_pretty(pg_database_size(current_database()))")
  DEEP_ROW=$(psql "$PG_URL" -AtF ' ' -c "select to_char(published_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS'), id from articles where status = 'published' order by published_at desc, id desc limit 1 offset $(( N / 2 < 50000 ? N / 2 : 50000 ))")
else
  [ "$INSTANCES" = 1 ] || { echo "INSTANCES > 1 needs ENGINE=postgres (SQLite serves one process)" >&2; exit 1; }
  DB_SIZE=$(du -h "$DIR/bantin.db" | cut -f1)
  DEEP_ROW=$(python3 -c "
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
row = db.execute(\"select published_at, id from articles where status='published' order by published_at desc, id desc limit 1 offset ?\", (min(int(sys.argv[2]) // 2, 50000),)).fetchone()
print(row[0][:19], row[1])" "$DIR/bantin.db" "$N")
fi

# A cursor 50,000 deep (or halfway): keyset paging must make it as cheap as page 1.
DEEP=$(python3 -c "
import base64, json, sys
day, time, id = sys.argv[1].split()
c = json.dumps({'s': '-published_at', 'k': day + ' ' + time, 'i': int(id)}, separators=(',', ':'))
print(base64.urlsafe_b64encode(c.encode()).decode().rstrip('='))" "$DEEP_ROW")

SERVERS=()
PIDS=()
cleanup() { for s in "${SERVERS[@]}"; do pkill -TERM -P "$s" 2>/dev/null || true; done; }
trap cleanup EXIT
for i in $(seq 0 $((INSTANCES - 1))); do
  p=$((PORT + i))
  if curl -s -o /dev/null "http://127.0.0.1:$p/"; then echo "port $p is in use: stop that server or set PORT" >&2; exit 1; fi
  # Each process has a search index of its own (bench-seed built SQLite's;
  # on PostgreSQL each instance builds its own at its first start).
  SEARCH_DIR="$DIR/search-index"
  [ "$ENGINE" = sqlite ] || SEARCH_DIR="$DIR/search-index-$ENGINE-$i"
  # $! is /usr/bin/time; bantin is its child.
  BANTIN_SEARCH_DIR="$SEARCH_DIR" BANTIN_BIND="127.0.0.1:$p" /usr/bin/time -v -o "$DIR/server-time-$ENGINE-$i.txt" "$BIN" serve &
  SERVERS+=($!)
done
STARTED=$(date +%s)
for i in $(seq 0 $((INSTANCES - 1))); do
  for _ in $(seq 1 6000); do curl -fs "http://127.0.0.1:$((PORT + i))/health/ready" >/dev/null && break; sleep 0.1; done
  curl -fs "http://127.0.0.1:$((PORT + i))/health/ready" >/dev/null || { echo "server $i did not start" >&2; exit 1; }
  PIDS+=("$(pgrep -P "${SERVERS[$i]}")")
done
echo "ready after $(( $(date +%s) - STARTED )) s"

# The peak anonymous memory of each server, sampled twice a second.
for i in $(seq 0 $((INSTANCES - 1))); do
  ( peak=0; while kill -0 "${PIDS[$i]}" 2>/dev/null; do
      now=$(awk '/^RssAnon/ {print $2}' "/proc/${PIDS[$i]}/status" 2>/dev/null || echo 0)
      [ "${now:-0}" -gt "$peak" ] && peak=$now && echo "$peak" > "$DIR/rssanon-$ENGINE-$i.txt"
      sleep 0.5
    done ) &
done

# 10,000 visitor ids the server issued, for the beacon and the ratings.
python3 - "http://127.0.0.1:$PORT" "$DIR/visitors.txt" <<'PY'
import http.client, json, sys, urllib.parse
url = urllib.parse.urlparse(sys.argv[1])
conn = http.client.HTTPConnection(url.hostname, url.port)
with open(sys.argv[2], "w") as out:
    for _ in range(10000):
        conn.request("POST", "/api/v1/stats/visits")
        res = conn.getresponse()
        out.write(json.loads(res.read())["visitor_id"] + "\n")
PY

run() { # name, connections, path, wrk script, script args... (one wrk per instance, in parallel)
  local name=$1 connections=$2 path=$3 script=$4; shift 4
  [[ "$name" =~ $ONLY ]] || [ "$name" = health_live ] || return 0
  local conns=$(( connections / INSTANCES > 0 ? connections / INSTANCES : 1 ))
  local threads=$(( THREADS < conns ? THREADS : conns ))
  threads=$(( threads / INSTANCES > 0 ? threads / INSTANCES : 1 ))
  local before line
  before=$(cpu_ticks)
  line=$(for i in $(seq 0 $((INSTANCES - 1))); do
    wrk -t"$threads" -c"$conns" -d"$DURATION" -s "$script" "http://127.0.0.1:$((PORT + i))$path" "$@" | grep '^RESULT' &
  done | awk -v name="$name" '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "rps" || kv[1] == "requests" || kv[1] == "errors" || kv[1] == "non2xx" || kv[1] == "hits") s[kv[1]] += kv[2]; else if (kv[2] > m[kv[1]]) m[kv[1]] = kv[2] } }
    END { printf "%s rps=%.0f p50_ms=%.2f p99_ms=%.2f requests=%d errors=%d non2xx=%d hits=%d\n", name, s["rps"], m["p50_ms"], m["p99_ms"], s["requests"], s["errors"], s["non2xx"], s["hits"] }')
  wait
  # The servers' CPU time per request: steadier than req/s on a shared machine.
  echo "$line" | awk -v ticks=$(( $(cpu_ticks) - before )) -v hz="$(getconf CLK_TCK)" '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "requests") r = kv[2] }
      printf "%s cpu_us=%.1f\n", $0, (r > 0 ? ticks * 1e6 / hz / r : 0) }'
}

# User and system CPU time of every server, in clock ticks.
cpu_ticks() {
  local total=0 p
  for p in "${PIDS[@]}"; do
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}

RESULTS="$DIR/results-$ENGINE-$INSTANCES.txt"
echo "== $N articles on $ENGINE ($INSTANCES instance(s)), database $DB_SIZE, wrk -t$THREADS -c$CONNECTIONS -d$DURATION, cache ${BANTIN_CACHE_MB:-64} MB"
{
  run health_live "$CONNECTIONS" /health/live bench/report.lua
  run list_first_page "$CONNECTIONS" "/api/v1/articles" bench/report.lua
  run list_deep "$CONNECTIONS" "/api/v1/articles?cursor=$DEEP" bench/report.lua
  run list_category "$CONNECTIONS" /api/v1/articles bench/category.lua -- "$DIR/in/categories.txt"
  run detail_hot "$CONNECTIONS" /api/v1/articles/x bench/detail.lua -- "$DIR/in/slugs.txt" hot
  run detail_cold "$CONNECTIONS" /api/v1/articles/x bench/detail.lua -- "$DIR/in/slugs.txt" cold
  run search "$CONNECTIONS" /api/v1/articles bench/search.lua -- "$DIR/in/queries.txt"
  run search_one 1 /api/v1/articles bench/search.lua -- "$DIR/in/queries.txt"
  run visit "$CONNECTIONS" /api/v1/stats/visits bench/visit.lua -- "$DIR/visitors.txt"
  run rating "$CONNECTIONS" /api/v1/articles/x/ratings bench/rate.lua -- "$DIR/in/slugs.txt" "$DIR/visitors.txt"
} | tee "$RESULTS"

cleanup; for s in "${SERVERS[@]}"; do wait "$s" 2>/dev/null || true; done; trap - EXIT
for i in $(seq 0 $((INSTANCES - 1))); do
  echo "server $i: peak RSS $(awk -F': ' '/Maximum resident set size/ {print $2}' "$DIR/server-time-$ENGINE-$i.txt") KB, peak RssAnon $(cat "$DIR/rssanon-$ENGINE-$i.txt" 2>/dev/null || echo ?) KB"
done
awk '
  /^health_live/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "rps") base = kv[2] } }
  { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[$1, kv[1]] = kv[2] } names[++n] = $1 }
  END {
    printf "%-16s %10s %8s %8s %8s %8s %8s %9s\n", "endpoint", "req/s", "share", "p50 ms", "p99 ms", "non2xx", "hit %", "CPU us/r"
    for (j = 1; j <= n; j++) { k = names[j]; r = v[k, "requests"]; printf "%-16s %10s %8.3f %8s %8s %8s %8.1f %9s\n", k, v[k, "rps"], v[k, "rps"] / base, v[k, "p50_ms"], v[k, "p99_ms"], v[k, "non2xx"], (r > 0 ? 100 * v[k, "hits"] / r : 0), v[k, "cpu_us"] }
  }' "$RESULTS"
