#!/usr/bin/env bash
# Isochrone benchmark: a 15-minute e-bike isochrone polygon for random points, from the API
# (in-memory graph, bounded Dijkstra + marching squares) and, side by side in the same run, from
# pgRouting (pgr_drivingDistance + ST_ConcaveHull over the same stored edges and costs), on the
# Chengdu OpenStreetMap extract and on a generated network of at least 300,000 edges.
#
# Called by `./stationmap bench isochrone [--seconds S] [--cells N]`, which provisions the cluster
# and exports PGPASSWORD, STATIONMAP_PG_PORT, STATIONMAP_ROOT, PGBIN and STATIONMAP_BENCH_CS_PREFIX.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SECONDS_PER_RUN=15 CELLS=410 API_PORT="${STATIONMAP_BENCH_PORT:-8097}"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_PER_RUN="$2"; shift 2 ;;
    --cells) CELLS="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

ROOT="$STATIONMAP_ROOT"
API_DLL="$ROOT/api/StationMap.Api/bin/Release/net10.0/StationMap.Api.dll"
CHENGDU="$(cd "$ROOT/.." && pwd)/shared/data/osm/chengdu_central_2018.osm"
[ -f "$CHENGDU" ] || { echo "missing $CHENGDU (the shared data must sit beside the checkout)" >&2; exit 1; }
WORK=$(mktemp -d); API_PID=""
trap '[ -z "$API_PID" ] || kill "$API_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

psql_db() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$STATIONMAP_PG_PORT" -U stationmap -d "$1" "${@:2}"; }
cs() { echo "${STATIONMAP_BENCH_CS_PREFIX}Database=$1"; }

prepare() { # prepare DB KIND
  local db=$1 kind=$2
  psql_db postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 || psql_db postgres -c "CREATE DATABASE \"$db\""
  ConnectionStrings__Stations="$(cs "$db")" dotnet "$API_DLL" migrate >/dev/null
  psql_db "$db" -c "CREATE EXTENSION IF NOT EXISTS pgrouting"
  local region; region=$(psql_db "$db" -tAc "SELECT region FROM road_graph WHERE state = 'active'")
  if [ "$kind" = chengdu ] && [ "$region" != Chengdu ]; then
    ConnectionStrings__Stations="$(cs "$db")" dotnet "$API_DLL" import-osm "$CHENGDU" --region Chengdu | tail -1
  elif [ "$kind" = large ] && [ "$region" != "generated ${CELLS}×${CELLS} grid" ]; then
    ConnectionStrings__Stations="$(cs "$db")" dotnet "$API_DLL" generate-network --cells "$CELLS" | tail -1
  fi
}

serve() { # serve DB
  if [ -n "$API_PID" ]; then kill "$API_PID" 2>/dev/null || true; wait "$API_PID" 2>/dev/null || true; fi
  ConnectionStrings__Stations="$(cs "$1")" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    dotnet "$API_DLL" --urls "http://127.0.0.1:$API_PORT" >"$WORK/api.log" 2>&1 &
  API_PID=$!
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:$API_PORT/api/v1/config" 2>/dev/null | grep -q '"graph_version"' && return 0
    sleep 0.5
  done
  cat "$WORK/api.log" >&2; echo "API did not load the road graph" >&2; exit 1
}

api_run() { # bbox -> "p50 p95 rps errors"
  node "$ROOT/tests/bench/load.mjs" \
    --url "http://127.0.0.1:$API_PORT/api/v1/isochrones?lon={lon}&lat={lat}&mode=ebike&minutes=15&direction=from" \
    --bbox "$1" --concurrency 1 --seconds "$SECONDS_PER_RUN" --warmup 5 \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(r.p50_ms,r.p95_ms,r.throughput,r.errors)})'
}

pgrouting_run() { # DB -> "p50 p95 tps"
  local db=$1 version vertices
  version=$(psql_db "$db" -tAc "SELECT version FROM road_graph WHERE state = 'active'")
  vertices=$(psql_db "$db" -tAc "SELECT vertex_count FROM road_graph WHERE version = $version")
  cat >"$WORK/iso.sql" <<SQL
\set vid random(0, $((vertices - 1)))
SELECT ST_ConcaveHull(ST_Collect(v.geom), 0.3)
FROM pgr_drivingDistance(
  'SELECT id, source, target, coalesce(ebike_forward_s, -1) AS cost, coalesce(ebike_backward_s, -1) AS reverse_cost
   FROM road_edge WHERE graph_version = $version',
  :vid, 900, directed => true) AS d
JOIN road_vertex v ON v.graph_version = $version AND v.id = d.node;
SQL
  "$PGBIN/pgbench" -n -h 127.0.0.1 -p "$STATIONMAP_PG_PORT" -U stationmap -f "$WORK/iso.sql" -c 1 -j 1 -t 2 "$db" >/dev/null 2>&1
  rm -f "$WORK"/pgb.*
  "$PGBIN/pgbench" -n -h 127.0.0.1 -p "$STATIONMAP_PG_PORT" -U stationmap -f "$WORK/iso.sql" -c 1 -j 1 \
    -T "$SECONDS_PER_RUN" -l --log-prefix="$WORK/pgb" "$db" >"$WORK/pgbench.out" 2>&1 || { cat "$WORK/pgbench.out" >&2; exit 1; }
  pgbench_summary "$WORK"
}

rows=()
for kind in chengdu large; do
  db="stationmap_bench_$kind"
  prepare "$db" "$kind"
  edges=$(psql_db "$db" -tAc "SELECT edge_count FROM road_graph WHERE state = 'active'")
  # Random points inside the middle 60 % of the graph's extent.
  bbox=$(psql_db "$db" -tAc "SELECT concat_ws(',', x0 + 0.2 * (x1 - x0), y0 + 0.2 * (y1 - y0), x1 - 0.2 * (x1 - x0), y1 - 0.2 * (y1 - y0))
         FROM (SELECT ST_XMin(e) x0, ST_YMin(e) y0, ST_XMax(e) x1, ST_YMax(e) y1 FROM (SELECT ST_Extent(geom) e FROM road_vertex) s) b")
  serve "$db"
  read -r a50 a95 arps aerr < <(api_run "$bbox")
  read -r s50 s95 stps < <(pgrouting_run "$db")
  rows+=("$kind $edges $a50 $a95 $arps $aerr $s50 $s95 $stps")
done

echo
echo "15-minute e-bike isochrone polygon, random points, one client, ${SECONDS_PER_RUN}s per run, $(nproc) cores"
printf '%-9s %8s  %-34s %10s %10s %9s %7s\n' graph edges side "p50 ms" "p95 ms" "req/s" errors
for r in "${rows[@]}"; do
  read -r kind edges a50 a95 arps aerr s50 s95 stps <<<"$r"
  printf '%-9s %8s  %-34s %10.2f %10.2f %9.1f %7s\n' "$kind" "$edges" "API (in-memory engine)" "$a50" "$a95" "$arps" "$aerr"
  printf '%-9s %8s  %-34s %10.2f %10.2f %9.1f %7s\n' "$kind" "$edges" "pgr_drivingDistance+ST_ConcaveHull" "$s50" "$s95" "$stps" "-"
  awk -v k="$kind" -v e="$edges" -v a50="$a50" -v s50="$s50" -v a95="$a95" -v s95="$s95" \
    'BEGIN { printf "%-9s %8s  %-34s %9.1fx %9.1fx\n", k, e, "pgRouting / API (speed-up)", s50 / a50, s95 / a95 }'
done
echo "(pgRouting starts from a random vertex; the API from a random point snapped to its nearest edge.)"
