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
  # Each bench database holds one region (an import now adds a region beside the others): clear it before a new one.
  if { [ "$kind" = chengdu ] && [ "$region" != Chengdu ]; } || { [ "$kind" = large ] && [ "$region" != "generated ${CELLS}×${CELLS} grid" ]; }; then
    psql_db "$db" -c "DELETE FROM road_graph"
  fi
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

# The origins both sides start from: up to 5,000 road vertices of the active graph inside BBOX, in
# a fixed pseudo-random order, kept in the table bench_origin (pgbench reads it) and a points file.
pick_origins() { # DB BBOX
  psql_db "$1" -c "DROP TABLE IF EXISTS bench_origin" \
    -c "CREATE TABLE bench_origin AS SELECT row_number() OVER (ORDER BY md5(v.id::text)) AS i, v.id AS vid, v.geom
        FROM road_vertex v JOIN road_graph g ON g.version = v.graph_version AND g.state = 'active'
        WHERE v.geom && ST_MakeEnvelope($2, 4326) ORDER BY md5(v.id::text) LIMIT 5000" >/dev/null
  psql_db "$1" -tAc "SELECT concat(ST_X(geom), ',', ST_Y(geom)) FROM bench_origin ORDER BY i" >"$WORK/points"
}

api_run() { # -> "p50 p95 rps errors"
  node "$ROOT/tests/bench/load.mjs" \
    --url "http://127.0.0.1:$API_PORT/api/v1/isochrones?lon={lon}&lat={lat}&mode=ebike&minutes=15&direction=from" \
    --points "$WORK/points" --concurrency 1 --seconds "$SECONDS_PER_RUN" --warmup 5 \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);console.log(r.p50_ms,r.p95_ms,r.throughput,r.errors)})'
}

pgrouting_run() { # DB -> "p50 p95 tps"
  local db=$1 version origins
  version=$(psql_db "$db" -tAc "SELECT version FROM road_graph WHERE state = 'active'")
  origins=$(psql_db "$db" -tAc "SELECT count(*) FROM bench_origin")
  cat >"$WORK/iso.sql" <<SQL
\set k random(1, $origins)
SELECT ST_ConcaveHull(ST_Collect(v.geom), 0.3)
FROM pgr_drivingDistance(
  'SELECT id, source, target, coalesce(ebike_forward_s, -1) AS cost, coalesce(ebike_backward_s, -1) AS reverse_cost
   FROM road_edge WHERE graph_version = $version',
  (SELECT vid FROM bench_origin WHERE i = :k), 900, directed => true) AS d
JOIN road_vertex v ON v.graph_version = $version AND v.id = d.node;
SQL
  "$PGBIN/pgbench" -n -h 127.0.0.1 -p "$STATIONMAP_PG_PORT" -U stationmap -f "$WORK/iso.sql" -c 1 -j 1 -t 2 "$db" >/dev/null 2>&1
  rm -f "$WORK"/pgb.*
  "$PGBIN/pgbench" -n -h 127.0.0.1 -p "$STATIONMAP_PG_PORT" -U stationmap -f "$WORK/iso.sql" -c 1 -j 1 \
    -T "$SECONDS_PER_RUN" -l --log-prefix="$WORK/pgb" "$db" >"$WORK/pgbench.out" 2>&1 || { cat "$WORK/pgbench.out" >&2; exit 1; }
  pgbench_summary "$WORK"
}

# 1,000 stations at random points of the graph's middle, every one open: the service-area job's
# first pass after the API starts computes all their 5/10/15-minute walk and e-bike areas; the
# status endpoint reports how long that pass took.
place_stations() { # DB BBOX
  local db=$1; IFS=, read -r x0 y0 x1 y1 <<<"$2"
  psql_db "$db" -c "TRUNCATE station, station_audit RESTART IDENTITY CASCADE" \
    -c "SELECT setseed(0.42)" \
    -c "INSERT INTO station (name, location, tier, opening_hours, is_demo)
        SELECT 'benchmark station ' || i, ST_SetSRID(ST_MakePoint($x0 + random() * ($x1 - $x0), $y0 + random() * ($y1 - $y0)), 4326)::geography,
               'standard', '24/7', true
        FROM generate_series(1, 1000) i" >/dev/null
}

recompute_seconds() { # -> "seconds computed outside"
  local body
  for _ in $(seq 1 1200); do
    body=$(curl -sf "http://127.0.0.1:$API_PORT/api/v1/service-areas/status" || true)
    if node -e 'const s=JSON.parse(process.argv[1]);process.exit(s.stale===0&&!s.running&&s.last_pass_at?0:1)' "$body" 2>/dev/null; then
      node -e 'const s=JSON.parse(process.argv[1]);console.log(s.last_pass_seconds,s.last_pass_computed,s.outside_network)' "$body"
      return 0
    fi
    sleep 0.5
  done
  echo "service areas did not finish: $body" >&2; exit 1
}

rows=() recomputes=()
for kind in chengdu large; do
  db="stationmap_bench_$kind"
  prepare "$db" "$kind"
  edges=$(psql_db "$db" -tAc "SELECT edge_count FROM road_graph WHERE state = 'active'")
  # Random points inside the middle 60 % of the graph's extent.
  bbox=$(psql_db "$db" -tAc "SELECT concat_ws(',', x0 + 0.2 * (x1 - x0), y0 + 0.2 * (y1 - y0), x1 - 0.2 * (x1 - x0), y1 - 0.2 * (y1 - y0))
         FROM (SELECT ST_XMin(e) x0, ST_YMin(e) y0, ST_XMax(e) x1, ST_YMax(e) y1 FROM (SELECT ST_Extent(geom) e FROM road_vertex) s) b")
  place_stations "$db" "$bbox"
  serve "$db"
  read -r rsec rcount rout < <(recompute_seconds)
  recomputes+=("$kind $edges $rcount $rout $rsec")
  pick_origins "$db" "$bbox"
  read -r a50 a95 arps aerr < <(api_run)
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
echo "(both sides start from the same random road vertices in the middle 60 % of the graph's extent.)"
echo
echo "recompute every station's service areas (walk + e-bike × 5/10/15 min, reverse) and the per-vertex nearest station"
printf '%-9s %8s %10s %10s %12s %14s\n' graph edges stations outside seconds "ms/station"
for r in "${recomputes[@]}"; do
  read -r kind edges count out sec <<<"$r"
  awk -v k="$kind" -v e="$edges" -v c="$count" -v o="$out" -v s="$sec" \
    'BEGIN { printf "%-9s %8s %10s %10s %12.1f %14.1f\n", k, e, c, o, s, (c > 0 ? 1000 * s / c : 0) }'
done
