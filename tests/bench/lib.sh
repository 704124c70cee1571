# Shared by the benchmark scripts (sourced).

# pgbench_summary DIR: prints "p50_ms p95_ms tps" from pgbench's per-transaction logs DIR/pgb.*
# (third column: latency in microseconds) and its report DIR/pgbench.out.
pgbench_summary() {
  local dir=$1 tps n p50 p95
  tps=$(grep -oE 'tps = [0-9.]+' "$dir/pgbench.out" | head -1 | awk '{print $3}')
  cat "$dir"/pgb.* | awk '{print $3 / 1000}' | sort -n >"$dir/lat"
  n=$(wc -l <"$dir/lat")
  p50=$(sed -n "$(( (n + 1) / 2 ))p" "$dir/lat"); p95=$(sed -n "$(( (n * 95 + 99) / 100 ))p" "$dir/lat")
  echo "$p50 $p95 $tps"
}
