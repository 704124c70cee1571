#!/usr/bin/env bash
# Region benchmark: a province-size set of generated city grids (12 regions, ≥ 3,000,000 edges in
# all by default) stored once in the bench database and kept for later runs; then the load of every
# region into memory (seconds, managed heap bytes per edge) and 15-minute e-bike isochrones per
# region and per region size (p50/p95), in one process of the API binary (`bench-regions` verb).
# Prints tables and ends with
#   regions: load X s for N edges, B bytes/edge, isochrone p50 Y ms
#
# Called by `./stationmap bench regions [--regions N] [--samples S]`, which provisions the cluster
# and exports STATIONMAP_BENCH_CS and STATIONMAP_ROOT. Not part of ./stationmap test.
set -euo pipefail

ROOT="$STATIONMAP_ROOT"
API_DLL="$ROOT/api/StationMap.Api/bin/Release/net10.0/StationMap.Api.dll"
export ConnectionStrings__Stations="$STATIONMAP_BENCH_CS"
dotnet "$API_DLL" migrate >/dev/null
# Server GC off: the heap growth per edge is read from one process's managed heap, as the API keeps it.
DOTNET_gcServer=0 dotnet "$API_DLL" bench-regions "$@"
