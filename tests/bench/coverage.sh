#!/usr/bin/env bash
# Coverage and planning benchmark on the demo city (the generated 33 × 33 km demo road network,
# ~27,000 vertices / 50,000 edges): 1,000 generated stations, 100,000 generated demand points in 9
# districts and 2,000 candidate sites. Prints one table: coverage analysis time (cold = first request
# after start, with the demand layer loaded, district-joined and snapped; new scenario = another
# station set; warm = cached field and snaps), what-if (add one random site / remove one random
# station) and suggest p=10 over the 2,000 candidates; all against the targets (coverage < 1 s,
# what-if < 300 ms). Requests are sequential, on an otherwise idle API.
#
# Called by `./stationmap bench coverage [--count N]`, which provisions the cluster and exports
# PGPASSWORD, STATIONMAP_PG_PORT, STATIONMAP_ROOT, PGBIN and STATIONMAP_BENCH_CS_PREFIX.
set -euo pipefail

COUNT=20 API_PORT="${STATIONMAP_BENCH_PORT:-8097}" DB="${STATIONMAP_BENCH_COV_DB:-stationmap_bench_cov}"
while [ $# -gt 0 ]; do
  case "$1" in
    --count) COUNT="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

ROOT="$STATIONMAP_ROOT"
API_DLL="$ROOT/api/StationMap.Api/bin/Release/net10.0/StationMap.Api.dll"
BBOX="120.04,30.14,120.34,30.38"   # the demo stations' area
WORK=$(mktemp -d); API_PID=""
trap '[ -z "$API_PID" ] || kill "$API_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
psql_db() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$STATIONMAP_PG_PORT" -U stationmap -d "$1" "${@:2}"; }
export ConnectionStrings__Stations="${STATIONMAP_BENCH_CS_PREFIX}Database=$DB"

psql_db postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 || psql_db postgres -c "CREATE DATABASE \"$DB\""
dotnet "$API_DLL" migrate >/dev/null
if [ "$(psql_db "$DB" -tAc "SELECT count(*) FROM road_graph WHERE state = 'active'")" = 0 ]; then
  dotnet "$API_DLL" seed-demo --if-empty | tail -1   # the demo road network (and 300 stations, replaced below)
fi
if [ "$(psql_db "$DB" -tAc "SELECT count(*) FROM station WHERE deleted_at IS NULL")" != 1000 ]; then
  echo "loading 1,000 generated stations ..."
  psql_db "$DB" -c "TRUNCATE station, station_audit RESTART IDENTITY CASCADE"
  dotnet "$API_DLL" seed-demo --count 1000 --seed 1000 >/dev/null
fi
if [ "$(psql_db "$DB" -tAc "SELECT coalesce(max(point_count), 0) FROM planning_layer WHERE name = 'bench-demand'")" != 100000 ]; then
  echo "generating 9 districts, 100,000 demand points and 2,000 candidates ..."
  psql_db "$DB" <<'SQL'
BEGIN;
DELETE FROM planning_layer WHERE name IN ('bench-demand', 'bench-candidates');
DELETE FROM district WHERE source = 'bench';
INSERT INTO district (code, name, source, geom, area_km2)
SELECT 'B' || (r * 3 + c), 'bench district ' || (r * 3 + c), 'bench', ST_Multi(e), ST_Area(e::geography) / 1e6
FROM generate_series(0, 2) r, generate_series(0, 2) c,
     LATERAL (SELECT ST_MakeEnvelope(120.04 + c * 0.1, 30.14 + r * 0.08, 120.14 + c * 0.1, 30.22 + r * 0.08, 4326) e) x;
INSERT INTO planning_layer (name, kind, description) VALUES ('bench-demand', 'demand', 'benchmark: generated'), ('bench-candidates', 'candidate', 'benchmark: generated');
SELECT setseed(0.2026) AS seeded \gset
INSERT INTO planning_point (layer_id, category, weight, geom)
SELECT (SELECT id FROM planning_layer WHERE name = 'bench-demand'), 'population', 1 + floor(random() * 10),
       ST_SetSRID(ST_MakePoint(120.04 + random() * 0.30, 30.14 + random() * 0.24), 4326)
FROM generate_series(1, 100000);
INSERT INTO planning_point (layer_id, label, geom)
SELECT (SELECT id FROM planning_layer WHERE name = 'bench-candidates'), 'c' || g,
       ST_SetSRID(ST_MakePoint(120.04 + random() * 0.30, 30.14 + random() * 0.24), 4326)
FROM generate_series(1, 2000) g;
UPDATE planning_layer l SET point_count = s.n, total_weight = s.w
FROM (SELECT layer_id, count(*) n, sum(weight) w FROM planning_point GROUP BY layer_id) s WHERE s.layer_id = l.id;
COMMIT;
ANALYZE planning_point; ANALYZE district;
SQL
fi
vertices=$(psql_db "$DB" -tAc "SELECT vertex_count || ' vertices / ' || edge_count || ' edges' FROM road_graph WHERE state = 'active'")

ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
  dotnet "$API_DLL" --urls "http://127.0.0.1:$API_PORT" >"$WORK/api.log" 2>&1 &
API_PID=$!
B="http://127.0.0.1:$API_PORT/api/v1"
for _ in $(seq 1 240); do curl -sf "$B/config" 2>/dev/null | grep -q '"graph_version":[0-9]' && break; sleep 0.5; done
# The background service-area job computes the stations' polygons after a start on a new graph or
# station set: wait for it so it does not share the cores with the measurements.
for _ in $(seq 1 900); do
  curl -sf "$B/service-areas/status" | grep -q '"stale":0,.*"running":false' && break; sleep 1
done

timed() { node "$ROOT/tests/bench/timed.mjs" "$@"; }
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);const v=process.argv[1].split(".").reduce((o,k)=>o?.[k],r);console.log(v===undefined||v===null?"-":v)})' "$1"; }
Q="layer=bench-demand&mode=ebike&minutes=15&worst=20"
stations=$(psql_db "$DB" -tAc "SELECT string_agg(id::text, ',') FROM (SELECT id FROM station WHERE status = 'open' AND deleted_at IS NULL ORDER BY md5(id::text) LIMIT $COUNT) s")

cold=$(timed --url "$B/coverage?$Q" --count 1)
warm=$(timed --url "$B/coverage?$Q" --count "$COUNT")
night=$(timed --url "$B/coverage?$Q&at=2026-11-18T23:00:00%2B08:00" --count 1)
add=$(timed --url "$B/planning/what-if" --method POST --bbox "$BBOX" --count "$COUNT" \
  --body '{"layer":"bench-demand","add":[{"lon":{lon},"lat":{lat}}]}')
remove=$(timed --url "$B/planning/what-if" --method POST --stations "$stations" --count "$COUNT" \
  --body '{"layer":"bench-demand","remove":[{station}]}')
SUGGEST='{"layer":"bench-demand","p":10,"candidates":{"layer":"bench-candidates"},"exact":"never"}'
sug_cold=$(timed --url "$B/planning/suggest" --method POST --count 1 --body "$SUGGEST")
sug_warm=$(timed --url "$B/planning/suggest" --method POST --count 5 --body "$SUGGEST")
sug_exact=$(timed --url "$B/planning/suggest" --method POST --count 1 --body "${SUGGEST/never/auto}")

echo
echo "coverage and planning, demo city ($vertices), 1,000 stations, 100,000 demand points, 9 districts, e-bike 15 min, $(nproc) cores"
printf '%-52s %6s %10s %10s %10s %8s %s\n' measurement n "first ms" "p50 ms" "p95 ms" target verdict
row() { # label json target_ms
  local n f p50 p95 verdict="-"
  n=$(field count <<<"$2"); f=$(field first_ms <<<"$2"); p50=$(field p50_ms <<<"$2"); p95=$(field p95_ms <<<"$2")
  [ "$(field errors <<<"$2")" = 0 ] || { verdict="ERRORS: $(field error <<<"$2")"; }
  if [ "$3" != "-" ] && [ "$verdict" = "-" ]; then verdict=$(awk -v p="$p95" -v t="$3" 'BEGIN { print (p < t ? "ok" : "MISSED") }'); fi
  printf '%-52s %6s %10.1f %10.1f %10.1f %8s %s\n' "$1" "$n" "$f" "$p50" "$p95" "$3" "$verdict"
}
row "coverage, cold (load+join+snap 100k points, field)" "$cold" 1000
row "coverage, new scenario (at=23:00: new field)" "$night" 1000
row "coverage, warm" "$warm" 1000
row "what-if: add 1 random site" "$add" 300
row "what-if: remove 1 random station (new field)" "$remove" 300
row "suggest p=10, 2,000 candidates, cold (covers)" "$sug_cold" -
row "suggest p=10, 2,000 candidates, warm (greedy)" "$sug_warm" -
row "suggest p=10, 2,000 candidates, exact=auto" "$sug_exact" -
echo "coverage: $(field last.coverage_pct <<<"$warm") % of demand covered; server-side compute $(field last.compute_ms <<<"$warm") ms (warm);" \
     "at 23:00: $(field last.coverage_pct <<<"$night") % with $(field last.stations <<<"$night") stations open"
echo "suggest: $(field last.candidates <<<"$sug_cold") candidates on the network; exact: $(field last.exact <<<"$sug_exact")" \
     "in $(field last.exact_seconds <<<"$sug_exact") s, gap to greedy $(field last.gap_pct <<<"$sug_exact") % of demand"
