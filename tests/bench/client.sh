#!/usr/bin/env bash
# Client benchmark: a phone on slow 4G (Lighthouse's profile, 4× CPU; web-client/e2e/firstView.mjs)
# opening StationMap — first useful paint (the map's first idle and ≥ 3 stations in the nearest
# list) and bytes over the wire, for a first visit (empty cache) and a repeat visit, at 300 and at
# 100,000 generated stations in a database of its own; then, at 100,000 stations, station-tile
# server time and size across zooms through tests/bench/tiles.mjs. Ends with
#   client: first useful paint X ms first visit, Y ms repeat, Z KB first view
# (medians at 300 stations). Called by `./stationmap bench client [--runs N] [--sizes "300 100000"]`,
# which builds the API and the client and exports STATIONMAP_BENCH_CS, PGPASSWORD,
# STATIONMAP_PG_PORT, STATIONMAP_ROOT and PGBIN. Loopback only; the whole run is bounded by
# --budget seconds (600).
set -euo pipefail

RUNS=3 SIZES="300 100000" BUDGET=600 WIRE=no
API_PORT="${STATIONMAP_BENCH_PORT:-$(( ${STATIONMAP_PORT:-8080} + 19 ))}"
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --sizes) SIZES="$2"; shift 2 ;;
    --budget) BUDGET="$2"; shift 2 ;;
    --wire) WIRE=yes; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

ROOT="$STATIONMAP_ROOT"
API_DLL="$ROOT/api/StationMap.Api/bin/Release/net10.0/StationMap.Api.dll"
DB=$(sed -E 's/.*Database=([^;]+).*/\1/' <<<"$STATIONMAP_BENCH_CS")
export PGOPTIONS="-c client_min_messages=warning"
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$STATIONMAP_PG_PORT" -U stationmap -d "$DB")
WORK=$(mktemp -d); API_PID=""
stop_api() { if [ -n "$API_PID" ]; then kill "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true; API_PID=""; fi; }
trap 'stop_api; rm -rf "$WORK"' EXIT
export ConnectionStrings__Stations="$STATIONMAP_BENCH_CS"
DEADLINE=$(( $(date +%s) + BUDGET ))
left() { echo $(( DEADLINE - $(date +%s) )); }

dotnet "$API_DLL" migrate >/dev/null

load_stations() { # N : exactly N generated stations (seed fixed), reloaded only when the count differs
  local n=$1 have
  have=$("${PSQL[@]}" -tAc "SELECT count(*) FROM station WHERE deleted_at IS NULL")
  if [ "$have" != "$n" ]; then
    echo "loading $n generated stations into $DB (had $have) ..."
    "${PSQL[@]}" -c "TRUNCATE station, station_audit RESTART IDENTITY CASCADE"
    dotnet "$API_DLL" seed-demo --count "$n" --seed 100000 >/dev/null
    "${PSQL[@]}" -c "VACUUM ANALYZE station"
  fi
}

start_api() {
  env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    Logging__LogLevel__StationMap.Api.Features.Stations.StationIndex=Information \
    Spa__RootPath="$ROOT/web-client/dist" StationMap__BasemapStyleUrl="" \
    dotnet "$API_DLL" --urls "http://127.0.0.1:$API_PORT" >"$WORK/api.log" 2>&1 &
  API_PID=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$API_PORT/readyz" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$API_PORT/readyz" >/dev/null || { cat "$WORK/api.log"; echo "API did not start" >&2; exit 1; }
  # The station index's first load (its log line; nearest answers from SQL until then), then one
  # warm-up of each first-view request (not measured), so the runs see the server's steady state.
  for _ in $(seq 1 240); do grep -q "Station index resynchronised" "$WORK/api.log" && break; sleep 0.5; done
  grep -q "Station index resynchronised" "$WORK/api.log" || echo "warning: station index not loaded; nearest answers from SQL" >&2
  curl -sf -o /dev/null "http://127.0.0.1:$API_PORT/" && curl -sf -o /dev/null "http://127.0.0.1:$API_PORT/api/v1/config"
  curl -sf -o /dev/null "http://127.0.0.1:$API_PORT/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=20&crs=wgs84" || true
}

declare -A RESULT
for n in $SIZES; do
  [ "$(left)" -gt 60 ] || { echo "time budget spent: $n stations not measured"; continue; }
  load_stations "$n"
  start_api
  args=(--url "http://127.0.0.1:$API_PORT" --runs "$RUNS" --label "$n stations")
  [ "$WIRE" = no ] || args+=(--wire yes)
  timeout "$(left)" node "$ROOT/tests/bench/client.mjs" "${args[@]}" | tee "$WORK/client-$n.out"
  RESULT[$n]=$(sed -n 's/^RESULT //p' "$WORK/client-$n.out")
  if [ "$n" -ge 100000 ]; then
    echo; echo "station tiles at $n stations (tests/bench/tiles.mjs):"
    timeout "$(left)" node "$ROOT/tests/bench/tiles.mjs" "http://127.0.0.1:$API_PORT" || echo "tiles.mjs failed"
  fi
  stop_api
done

echo
echo "first view on slow 4G (150 ms, 1.6 Mbit/s down, 750 kbit/s up), 4× CPU, 390×844; $RUNS runs each, $(nproc) cores (shared: times move with the load)"
echo "baseline: MapLibre GL JS alone drawing the same road and station tiles (tests/bench/floor), measured beside each run; ratio = client / baseline, median of the runs"
printf '%-16s %-7s %5s %13s %10s %13s %10s %9s %9s %14s %11s %7s\n' stations visit runs "FUP p50 ms" "FUP p95" "map p50 ms" "list p50" "KB p50" "KB p95" "baseline p50" "baseline KB" ratio
for n in $SIZES; do
  [ -n "${RESULT[$n]:-}" ] || continue
  node -e '
    const r = JSON.parse(process.argv[1]);
    for (const v of ["first", "repeat"]) {
      const s = r[v];
      console.log([String(process.argv[2]).padEnd(16), v.padEnd(7), String(s.runs).padStart(5), String(s.fupMedian).padStart(13), String(s.fupP95).padStart(10), String(s.mapMedian).padStart(13), String(s.listMedian).padStart(10), s.kbMedian.toFixed(1).padStart(9), s.kbP95.toFixed(1).padStart(9), String(s.floorMedian).padStart(14), s.floorKbMedian.toFixed(1).padStart(11), s.ratioMedian.toFixed(2).padStart(7)].join(" "));
    }' "${RESULT[$n]}" "$n"
done
first=${SIZES%% *}
[ -n "${RESULT[$first]:-}" ] || { echo "no result at $first stations" >&2; exit 1; }
node -e '
  const r = JSON.parse(process.argv[1]);
  console.log(`baseline (MapLibre alone, same tiles): ${r.first.floorMedian} ms first visit, ${r.repeat.floorMedian} ms repeat; client/baseline ${r.first.ratioMedian.toFixed(2)} first, ${r.repeat.ratioMedian.toFixed(2)} repeat`);
  console.log(`client: first useful paint ${r.first.fupMedian} ms first visit, ${r.repeat.fupMedian} ms repeat, ${r.first.kbMedian.toFixed(0)} KB first view`);' "${RESULT[$first]}"
