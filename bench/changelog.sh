#!/usr/bin/env bash
# What the change log costs a write: article creation req/s with wrk on
# loopback, by the release binary before the change log (BASE, the commit
# before it landed) and by this tree's, in the same run, each beside its
# /health/live ceiling, alternating twice. Run by hand, never in CI.
#
# Usage: bench/changelog.sh   (ENGINE=postgres for PostgreSQL at PG_URL)
#   BASE=a245bcc  DURATION=10s  CONNECTIONS=8
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${BASE:-a245bcc}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
ENGINE=${ENGINE:-sqlite}
PG_URL=${PG_URL:-postgres://127.0.0.1:5432/test}
PORT=${PORT:-18090}
WORK=$(mktemp -d)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

# Both binaries from one target directory: only bantin itself builds twice.
cargo build --release --quiet
cp target/release/bantin "$WORK/after"
if [ ! -x "data/bench-base-$BASE" ]; then
  git worktree add --force --detach "$WORK/base" "$BASE" >/dev/null
  (cd "$WORK/base" && cargo build --release --quiet --target-dir "$OLDPWD/target")
  mkdir -p data && cp target/release/bantin "data/bench-base-$BASE"
  git worktree remove --force "$WORK/base"
  cargo build --release --quiet   # put this tree's binary back
fi
cp "data/bench-base-$BASE" "$WORK/before"

run() {  # run <label> <binary>
  local label=$1 bin=$2 dir="$WORK/$1-$RANDOM"
  mkdir -p "$dir"
  export BANTIN_DATA_DIR="$dir" BANTIN_BIND="127.0.0.1:$PORT" BANTIN_LOG=warn
  if [ "$ENGINE" = postgres ]; then
    local schema="bench_$RANDOM$RANDOM"
    psql "$PG_URL" -qc "CREATE SCHEMA $schema"
    export BANTIN_DATABASE_URL="$PG_URL?options=-csearch_path%3D$schema"
  else
    export BANTIN_DATABASE_URL="$dir/bantin.db"
  fi
  printf 'mot-mat-khau-du-dai-cho-do-tai\n' | "$bin" user create --username editor --role editor --password-stdin >/dev/null
  "$bin" serve >"$dir/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.2; done
  TOKEN=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"username": "editor", "password": "mot-mat-khau-du-dai-cho-do-tai"}' |
    python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])')
  export TOKEN
  local live create
  live=$(wrk -t2 -c64 -d"$DURATION" "http://127.0.0.1:$PORT/health/live" | awk '/Requests\/sec/ {print $2}')
  create=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/create.lua "http://127.0.0.1:$PORT" 2>"$dir/wrk.err" |
    awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print rps, p50, p99}')
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  local errors; errors=$(sort -u "$dir/wrk.err" | head -3)
  printf '%-7s live %9s req/s | create %7s req/s (p50 %s, p99 %s) ratio %.4f %s\n' \
    "$label" "$live" $create "$(python3 -c "print(${create%% *} / $live)")" "${errors:+errors: $errors}"
}

echo "== $ENGINE, wrk -c$CONNECTIONS -d$DURATION, before = $BASE, after = $(git rev-parse --short HEAD)"
for round in 1 2; do
  run before "$WORK/before"
  run after "$WORK/after"
done
