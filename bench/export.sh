#!/usr/bin/env bash
# Peak memory of the server while it exports every infraction of a big
# database, in each format.
#
#   DB=/tmp/bench.db bench/export.sh          # an already seeded database (SQLite file or postgres:// URL)
#   bench/export.sh                           # seeds 100,000 persons / 1,000,000 infractions first (≈1 min)
#
# Builds the binary, starts the server on 127.0.0.1:$PORT, logs in as a
# bench administrator (created if missing), then downloads
# /admin/infracciones?formato=csv, csv-excel and xlsx one after the other.
# Before each download the server's peak RSS is reset (/proc/PID/clear_refs);
# while it runs VmHWM is the high-water mark. Prints rows, bytes, seconds and
# the peak RSS of each; the target is < 150 MiB whatever the row count.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18090}
FORMATS=${FORMATS:-"csv csv-excel xlsx"}
work=$(mktemp -d)
cleanup() {
  kill "${pid:-}" 2>/dev/null || true
  wait "${pid:-}" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
bin="$work/transito"
go build -o "$bin" ./cmd/transito
db=${DB:-}
if [ -z "$db" ]; then
  db="$work/bench.db"
  "$bin" --db "$db" seed --persons 100000 --infractions 1000000 --seed 1
fi
"$bin" --db "$db" migrate >/dev/null
printf '%s' 'clave-de-bench-export' | "$bin" --db "$db" admin create --username bench-export --password-stdin >/dev/null 2>&1 || true

TRANSITO_LOG_LEVEL=warn "$bin" --db "$db" serve --addr "127.0.0.1:$PORT" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
jar="$work/cookies"
csrf=$(curl -fsS -c "$jar" -b "$jar" "http://127.0.0.1:$PORT/admin/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n1)
curl -fsS -o /dev/null -c "$jar" -b "$jar" -d "_csrf=$csrf" --data-urlencode "usuario=bench-export" \
  --data-urlencode "clave=clave-de-bench-export" "http://127.0.0.1:$PORT/admin/login"

base_rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
printf 'server idle RSS: %d MiB\n' $((base_rss / 1024))
printf '%-10s %10s %12s %8s %14s\n' format rows bytes seconds 'peak RSS MiB'
for f in $FORMATS; do
  echo 5 >"/proc/$pid/clear_refs"
  out="$work/export.$f"
  start=$(date +%s.%N)
  curl -fsS -o "$out" -b "$jar" --max-time 1800 "http://127.0.0.1:$PORT/admin/infracciones?formato=$f"
  end=$(date +%s.%N)
  peak=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  case "$f" in
  xlsx) rows=$(unzip -p "$out" 'xl/worksheets/*.xml' 2>/dev/null | grep -o '<row ' | wc -l) ;;
  *) rows=$(wc -l <"$out") ;;
  esac
  printf '%-10s %10d %12d %8.1f %14d\n' "$f" "$rows" "$(stat -c %s "$out")" "$(echo "$end - $start" | bc)" $((peak / 1024))
  rm -f "$out"
done
