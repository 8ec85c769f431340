#!/usr/bin/env bash
# Benchmark of the officer API and the report API on this machine.
#
#   bench/api.sh              # 64 connections, 10 s each, on SQLite
#   DURATION=30s bench/api.sh
#   bench/api.sh --postgres   # the same on a throwaway PostgreSQL cluster
#   DB=postgres://user:pw@host/empty_db bench/api.sh   # on an existing, empty database
#
# Builds the binary, seeds a temporary database (≈10,000 vehicles, the example
# catalogue, one person with 1,000 issued fines), starts the server on 127.0.0.1 with durable commits
# (SQLite: WAL, synchronous=FULL, as always; PostgreSQL: the server's defaults,
# fsync and synchronous_commit on), runs wrk against POST /cargar_infraccion
# (each with a codigo and an ubicacion: every request issues a fine, priced
# from the in-memory tariff, and writes its notification in the same commit)
# and GET /generar_informe (the 1,000 fines, a_pagar computed for each when
# the report is built; served from the report cache while nothing changes),
# and prints req/s, p50, p99 and the server's peak
# RSS. Another run posts without codigo and ubicacion (sin tipificar: no
# fine, no notification), to compare on the same machine at the same
# moment. A last run posts a plate that no vehicle has: each request is
# authenticated, decoded and looked up as usual, then answered 404 before it
# reaches the writer, which times the request path without the durable write.
# MAILER=1 also runs the mailer while it loads: a loopback SMTP server
# (bench/smtpsink: the tests' go-smtp server, which reads each message and
# keeps nothing; the real relay is on another machine) takes the fines'
# mails, and the script prints how many it received during the runs, and
# during the POST run the server's CPU per request and the sink's per mail.
# --postgres starts a cluster from Debian's postgresql package (installed if
# missing, see .ci/postgres) on 127.0.0.1:$PG_PORT (54330) and removes it
# afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
--postgres) POSTGRES=1 ;;
"") POSTGRES=0 ;;
*) echo "usage: bench/api.sh [--postgres]   (or DB=postgres://... bench/api.sh)" >&2; exit 2 ;;
esac
PG_PORT=${PG_PORT:-54330}

CONNS=${CONNS:-64}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}
MAILER=${MAILER:-0}
SMTP_PORT=${SMTP_PORT:-18025}

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

work=$(mktemp -d)
pgdir=""
cleanup() {
  kill "${smtp_pid:-}" 2>/dev/null || true
  kill "${pid:-}" 2>/dev/null || true
  wait "${pid:-}" 2>/dev/null || true
  if [ -n "$pgdir" ]; then .ci/postgres stop "$pgdir" || true; rm -rf "$pgdir"; fi
  rm -rf "$work"
}
trap cleanup EXIT
bin="$work/transito"
db=${DB:-"$work/bench.db"}
if [ "$POSTGRES" = 1 ]; then
  pgdir=$(mktemp -d /tmp/transito-bench-pg.XXXXXX)
  db=$(.ci/postgres start "$pgdir" "$PG_PORT")
fi
case "$db" in
postgres://* | postgresql://*) dbname="PostgreSQL" ;;
*) dbname="SQLite" ;;
esac
go build -o "$bin" ./cmd/transito

seeded=$("$bin" seed --db "$db" --persons 5000 --infractions 0 --officers 300 --seed 1)
echo "$seeded" >&2
vehicles=$(grep -o '[0-9]* vehículos' <<<"$seeded" | grep -o '[0-9]*')
printf 'nombre,email,placa_patente,marca,color\nPersona Frecuente,frecuente@example.com,BENCH01,Fiat,Rojo\n' > "$work/heavy.csv"
"$bin" import --db "$db" "$work/heavy.csv" >&2
"$bin" officer create --db "$db" --name "Oficial Bench" --badge BENCH-1 >/dev/null
token=$("$bin" officer token --db "$db" --badge BENCH-1 | tail -n1)

mail_env=()
if [ "$MAILER" = 1 ]; then
  go build -o "$work/smtpsink" ./bench/smtpsink
  "$work/smtpsink" "127.0.0.1:$SMTP_PORT" >"$work/smtp.out" &
  smtp_pid=$!
  mail_env=(TRANSITO_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" TRANSITO_MAIL_FROM="Tránsito <avisos@localhost>")
fi
env "${mail_env[@]}" TRANSITO_LOG_LEVEL=${LOG_LEVEL:-warn} "$bin" serve --db "$db" --addr "127.0.0.1:$PORT" \
  --rate-limit 0 --api-rate-limit 0 >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done

# The heavy person's 1,000 fines, issued through the API like any other.
seq 1000 | xargs -P 8 -I{} curl -fs -o /dev/null -X POST "http://127.0.0.1:$PORT/cargar_infraccion" \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"placa_patente":"BENCH01","comentarios":"Estacionamiento prohibido","codigo":"EST-PROH","ubicacion":{"lat":-34.6037,"lon":-58.3816,"descripcion":"Av. Corrientes 1200"}}'

# A POST with a codigo must issue a fine (an importe), or the run measures
# something else.
sample=$(curl -fs -X POST "http://127.0.0.1:$PORT/cargar_infraccion" \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"placa_patente":"AA001AA","codigo":"VEL-10","ubicacion":{"descripcion":"Ruta 2, km 54"}}')
if ! grep -q '"importe":"[0-9]' <<<"$sample"; then
  echo "a POST with a codigo issued no fine: $sample" >&2
  exit 1
fi

summary() { # name, wrk output
  awk -v name="$1" '
    /Requests\/sec/ {rps=$2}
    /^ +50%/ {p50=$2}
    /^ +99%/ {p99=$2}
    /Non-2xx/ {bad=$NF}
    END {printf "| %s | %.0f | %s | %s | %s |\n", name, rps, p50, p99, (bad==""?0:bad)}' <<<"$2"
}

load() { wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$@"; }
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; } # utime+stime, clock ticks
export TOKEN=$token VEHICLES=$vehicles
cpu0=$(cpu "$pid"); sink0=$([ "$MAILER" = 1 ] && cpu "$smtp_pid" || echo 0); mails0=$([ "$MAILER" = 1 ] && wc -l <"$work/smtp.out" || echo 0)
post=$(load -s bench/post.lua "http://127.0.0.1:$PORT/cargar_infraccion")
cpu1=$(cpu "$pid"); sink1=$([ "$MAILER" = 1 ] && cpu "$smtp_pid" || echo 0); mails1=$([ "$MAILER" = 1 ] && wc -l <"$work/smtp.out" || echo 0)
bare=$(BARE=1 load -s bench/post.lua "http://127.0.0.1:$PORT/cargar_infraccion")
unknown=$(PLATE=ZZ999ZZ load -s bench/post.lua "http://127.0.0.1:$PORT/cargar_infraccion")
report=$(load "http://127.0.0.1:$PORT/generar_informe?email=frecuente@example.com")
rss=$(awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' "/proc/$pid/status")
report_body=$(curl -fs "http://127.0.0.1:$PORT/generar_informe?email=frecuente@example.com")
rows=$(grep -o '"id"' <<<"$report_body" | wc -l)
owed=$(grep -o '"a_pagar":"[0-9.]*"' <<<"$report_body" | wc -l)

echo
echo "$dbname; $CONNS connections, $DURATION, wrk -t$THREADS on the same machine ($(nproc) cores); report of $rows infractions, $owed with a_pagar"
echo "| endpoint | req/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|"
summary "POST /cargar_infraccion" "$post"
summary "POST /cargar_infraccion without codigo/ubicacion (sin tipificar, no notification)" "$bare"
summary "GET /generar_informe" "$report"
summary "POST /cargar_infraccion, unknown plate (404, no write)" "$unknown"
echo "peak RSS of the server: $rss"
posts=$(awk '/requests in/ {print $1}' <<<"$post")
hz=$(getconf CLK_TCK)
awk -v c="$((cpu1 - cpu0))" -v s="$((sink1 - sink0))" -v n="$posts" -v m="$((mails1 - mails0))" -v hz="$hz" 'BEGIN {
  printf "during the POST run: server CPU %.0f µs per request", c / hz * 1e6 / n
  if (m > 0) printf "; %d mails sent, SMTP server CPU %.0f µs per mail", m, s / hz * 1e6 / m
  printf "\n" }'
if [ "$MAILER" = 1 ]; then
  echo "mails the loopback SMTP server received during the runs: $(wc -l <"$work/smtp.out")"
fi
