#!/usr/bin/env bash
# Benchmark of the citizen portal's report page on this machine.
#
#   bench/portal.sh                 # 64 connections, 10 s, on SQLite
#   DURATION=30s bench/portal.sh
#
# Builds the binary, seeds a temporary database (≈10,000 vehicles) plus one
# person with 200 issued fines (posted through the API with a codigo, so
# each has its amount, deadlines and notification), starts the server on
# 127.0.0.1 and runs wrk against GET /consulta?email= (open mode: the whole
# HTML page with the summary, a_pagar per fine and its reason) and the same
# with placa_patente (the proof checked, the visit cookie signed, the
# actions and documents offered). Prints the page's bytes, req/s, p50, p99
# and the CPU per request of the server and of wrk (load-insensitive,
# unlike req/s on a shared machine).
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${CONNS:-64}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
PORT=${PORT:-18081}
FINES=${FINES:-200}

work=$(mktemp -d)
cleanup() {
  kill "${pid:-}" 2>/dev/null || true
  wait "${pid:-}" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
bin="$work/transito"
db="$work/bench.db"
go build -o "$bin" ./cmd/transito

"$bin" seed --db "$db" --persons 5000 --infractions 0 --officers 300 --seed 1 >&2
printf 'nombre,email,placa_patente,marca,color\nPersona Frecuente,frecuente@example.com,BENCH01,Fiat,Rojo\n' > "$work/heavy.csv"
"$bin" import --db "$db" "$work/heavy.csv" >&2
"$bin" officer create --db "$db" --name "Oficial Bench" --badge BENCH-1 >/dev/null
token=$("$bin" officer token --db "$db" --badge BENCH-1 | tail -n1)

TRANSITO_LOG_LEVEL=${LOG_LEVEL:-warn} "$bin" serve --db "$db" --addr "127.0.0.1:$PORT" \
  --rate-limit 0 --api-rate-limit 0 >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done

code=$(curl -fs "http://127.0.0.1:$PORT/api/v1/catalogo" -H "Authorization: Bearer $token" | grep -o '"codigo":"[^"]*"' | head -n1 | cut -d'"' -f4)
seq "$FINES" | xargs -P 8 -I{} curl -fs -o /dev/null -X POST "http://127.0.0.1:$PORT/cargar_infraccion" \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"placa_patente":"BENCH01","comentarios":"Estacionamiento prohibido","codigo":"'"$code"'"}'

# CPU of a process so far, in clock ticks (user + system).
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
summary() { # name, url: runs wrk and prints a row of the table
  local before after wrkcpu out bytes
  bytes=$(curl -fs -o /dev/null -w '%{size_download}' -H 'Accept: text/html' "$2")
  before=$(ticks "$pid")
  out=$(/usr/bin/time -f '%U %S' -o "$work/wrk.time" \
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H 'Accept: text/html' "$2")
  after=$(ticks "$pid")
  wrkcpu=$(awk '{print $1 + $2}' "$work/wrk.time")
  awk -v name="$1" -v bytes="$bytes" -v server=$(( after - before )) -v hz="$hz" -v wrkcpu="$wrkcpu" '
    /requests in/ {n=$1}
    /Requests\/sec/ {rps=$2}
    /^ +50%/ {p50=$2}
    /^ +99%/ {p99=$2}
    /Non-2xx/ {bad=$NF}
    END {printf "| %s | %d | %.0f | %s | %s | %.0f µs | %.0f µs | %s |\n", name, bytes, rps, p50, p99,
      server / hz * 1e6 / n, wrkcpu * 1e6 / n, (bad==""?0:bad)}' <<<"$out"
}
rows=$(curl -fs "http://127.0.0.1:$PORT/consulta?email=frecuente@example.com" | grep -o 'data-testid="infraction-row"' | wc -l)

echo
echo "SQLite; $CONNS connections, $DURATION, wrk -t$THREADS on the same machine ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)); a report of $rows fines (codigo $code)"
echo "CPU per request: the server's (user + system, from /proc) and wrk's, over the run's requests"
echo "| page | bytes | req/s | p50 | p99 | server CPU/req | wrk CPU/req | non-2xx |"
echo "|---|---|---|---|---|---|---|---|"
summary "GET /consulta?email= (200 fines)" "http://127.0.0.1:$PORT/consulta?email=frecuente@example.com"
summary "GET /consulta?email=&placa_patente= (proven)" "http://127.0.0.1:$PORT/consulta?email=frecuente@example.com&placa_patente=BENCH01"
