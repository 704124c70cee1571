#!/usr/bin/env bash
# Nearest-station benchmark: the API's GET /api/v1/stations/nearest against the SQL its former
# per-request path sent (the KNN batch, run straight on PostgreSQL with pgbench), side by side in
# one run, on N generated stations, at each concurrency level: a warm-up, then a fixed duration.
#
# Called by `./stationmap bench nearest [--stations N] [--seconds S] [--concurrency "1 4"]`, which
# provisions the cluster and exports STATIONMAP_BENCH_CS, PGPASSWORD, STATIONMAP_PG_PORT,
# STATIONMAP_ROOT and PGBIN. The API side is driven by wrk (C, Debian's package) with nearest.lua,
# so that the load generator takes little of the CPU the server needs; both sides draw the same
# random points (same generator, seeds and box). Prints one table of p50/p95 per-request latency
# and requests per second, then one line per level:
#   nearest: API/SQL throughput ratio R at concurrency C
# Loopback only; every run is bounded by its duration. Both sides share this machine's cores with
# the server (and with anything else running), so quote ratios.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATIONS=100000 SECONDS_PER_RUN=15 WARMUP=8 LEVELS="1 4"
API_PORT="${STATIONMAP_BENCH_PORT:-$(( ${STATIONMAP_PORT:-8080} + 17 ))}"
while [ $# -gt 0 ]; do
  case "$1" in
    --stations) STATIONS="$2"; shift 2 ;;
    --seconds) SECONDS_PER_RUN="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --concurrency) LEVELS="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

command -v wrk >/dev/null || { echo "installing wrk" >&2
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y wrk >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y wrk >/dev/null; }; }

ROOT="$STATIONMAP_ROOT"
API_DLL="$ROOT/api/StationMap.Api/bin/Release/net10.0/StationMap.Api.dll"
BBOX="120.10,30.17,120.28,30.33"   # the generated stations' area (central Hangzhou)
DB=$(sed -E 's/.*Database=([^;]+).*/\1/' <<<"$STATIONMAP_BENCH_CS")
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$STATIONMAP_PG_PORT" -U stationmap -d "$DB")
WORK=$(mktemp -d); API_PID=""
trap '[ -z "$API_PID" ] || kill "$API_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
export ConnectionStrings__Stations="$STATIONMAP_BENCH_CS"

dotnet "$API_DLL" migrate >/dev/null
have=$("${PSQL[@]}" -tAc "SELECT count(*) FROM station WHERE deleted_at IS NULL")
if [ "$have" != "$STATIONS" ]; then
  echo "loading $STATIONS generated stations into $DB (had $have) ..."
  "${PSQL[@]}" -c "TRUNCATE station, station_audit RESTART IDENTITY CASCADE"
  dotnet "$API_DLL" seed-demo --count "$STATIONS" --seed 100000 >/dev/null
  "${PSQL[@]}" -c "VACUUM ANALYZE station"
fi

# The API in Release, request logging off, on its own port, with rate limits out of the way
# (both names: the limiter honours one of them).
env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  Logging__LogLevel__StationMap.Api.Features.Stations.StationIndex=Information \
  StationMap__RateLimits__PermitsPerMinute=100000000 StationMap__RateLimits__Enabled=false \
  dotnet "$API_DLL" --urls "http://127.0.0.1:$API_PORT" >"$WORK/api.log" 2>&1 &
API_PID=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$API_PORT/readyz" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$API_PORT/readyz" >/dev/null || { cat "$WORK/api.log"; echo "API did not start" >&2; exit 1; }
# Wait for the station index's first load (its log line), so the run measures the steady state.
for _ in $(seq 1 600); do grep -q "Station index resynchronised" "$WORK/api.log" && break; sleep 0.5; done
grep -q "Station index resynchronised" "$WORK/api.log" || echo "warning: station index not loaded; the API answers from SQL" >&2

# The SQL the API's former path sent for the first KNN batch of a limit=10 request (batch = 20
# rows), as Npgsql sent it: extended protocol, one round trip. Points: the generator nearest.lua uses.
cat >"$WORK/nearest.sql" <<'SQL'
\if :s = 0
\set s 1000003 + 7919 * (:client_id + 1)
\endif
\set s (:s * 48271) % 2147483647
\set lon 120.10 + (:s % 180001) / 1000000.0
\set s (:s * 48271) % 2147483647
\set lat 30.17 + (:s % 160001) / 1000000.0
SELECT s.id, s.access, s.address, s.amenities, s.capacity, s.created_at, s.deleted_at, s.district, s.geom,
       s.is_demo, s.location, s.name, s.name_en, s.opening_hours, s.operator, s.phone, s.status,
       s.status_reason, s.tier, s.time_zone, s.updated_at, s.verified_at, s.version,
       s.location <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography,
       ST_Distance(s.location, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography)
FROM station AS s
WHERE s.deleted_at IS NULL
ORDER BY s.location <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography
LIMIT 20;
SQL

pgbench_run() { # concurrency -> "p50 p95 tps"
  local c=$1 threads=$(( $1 < 2 ? 1 : 2 ))
  local args=(-n -M extended -h 127.0.0.1 -p "$STATIONMAP_PG_PORT" -U stationmap -f "$WORK/nearest.sql" -D s=0 -c "$c" -j "$threads")
  "$PGBIN/pgbench" "${args[@]}" -T "$WARMUP" "$DB" >/dev/null 2>&1
  rm -f "$WORK"/pgb.*
  "$PGBIN/pgbench" "${args[@]}" -T "$SECONDS_PER_RUN" -l --log-prefix="$WORK/pgb" "$DB" >"$WORK/pgbench.out" 2>&1 \
    || { cat "$WORK/pgbench.out" >&2; exit 1; }
  pgbench_summary "$WORK"
}

api_run() { # concurrency -> "p50 p95 rps errors"
  local c=$1 url="http://127.0.0.1:$API_PORT"
  wrk -t "$c" -c "$c" -d "${WARMUP}s" -s "$ROOT/tests/bench/nearest.lua" "$url" -- 10 >/dev/null
  wrk -t "$c" -c "$c" -d "${SECONDS_PER_RUN}s" --timeout 10s -s "$ROOT/tests/bench/nearest.lua" "$url" -- 10 >"$WORK/wrk.out" \
    || { cat "$WORK/wrk.out" >&2; exit 1; }
  awk '/^RESULT/ { print $2, $3, $4, $5 }' "$WORK/wrk.out"
}

echo
echo "nearest stations, limit=10, $STATIONS stations, random points in $BBOX, ${WARMUP}s warm-up + ${SECONDS_PER_RUN}s per run, $(nproc) cores"
printf '%-12s %-22s %10s %10s %12s %8s\n' concurrency side "p50 ms" "p95 ms" "req/s" errors
ratios=()
for c in $LEVELS; do
  read -r a50 a95 arps aerr < <(api_run "$c")
  read -r s50 s95 stps < <(pgbench_run "$c")
  # A non-2xx answer counts as a request to wrk: a ratio with errors in it would flatter the API.
  [ "${aerr:-1}" = 0 ] || { echo "the API side answered $aerr errors at concurrency $c (see $WORK/wrk.out)" >&2; exit 1; }
  [ -n "$arps" ] && [ -n "$stps" ] || { echo "a run printed no result at concurrency $c" >&2; exit 1; }
  printf '%-12s %-22s %10.2f %10.2f %12.1f %8s\n' "$c" "API (HTTP, JSON; wrk)" "$a50" "$a95" "$arps" "$aerr"
  printf '%-12s %-22s %10.2f %10.2f %12.1f %8s\n' "$c" "SQL (pgbench)" "$s50" "$s95" "$stps" "-"
  awk -v c="$c" -v a50="$a50" -v s50="$s50" -v a95="$a95" -v s95="$s95" -v ar="$arps" -v sr="$stps" \
    'BEGIN { printf "%-12s %-22s %9.2fx %9.2fx %11.2fx\n", c, "ratio API / SQL", a50 / s50, a95 / s95, ar / sr }'
  ratios+=("$(awk -v ar="$arps" -v sr="$stps" -v c="$c" 'BEGIN { printf "nearest: API/SQL throughput ratio %.2f at concurrency %s", ar / sr, c }')")
done
echo
printf '%s\n' "${ratios[@]}"
