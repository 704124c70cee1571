-- wrk script for ./stationmap bench nearest: GET /api/v1/stations/nearest at random points in the
-- generated stations' box. The points come from the same generator, seeds and box as the pgbench
-- script in nearest.sh: Park-Miller (s = s * 48271 mod 2^31-1, exact in doubles), one stream per
-- connection seeded 1000003 + 7919 * (n + 1), lon = 120.10 + (s mod 180001) / 1e6,
-- lat = 30.17 + (s mod 160001) / 1e6 (micro-degree steps). Run with as many threads as connections
-- so that connection n draws exactly what pgbench's client n draws.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  s = 1000003 + 7919 * (id + 1)
  limit = args[1] or "10"
  -- wrk calls request() once on thread 0's script before the run, to check the request it builds,
  -- and sends nothing for it: answer that call without drawing, so the streams stay in step with pgbench.
  verifying = (id == 0)
end

local function draw()
  s = (s * 48271) % 2147483647
  return s
end

function request()
  if verifying then
    verifying = false
    return wrk.format("GET", "/api/v1/stations/nearest?lon=120.1&lat=30.17&limit=" .. limit)
  end
  local lon = 120.10 + (draw() % 180001) / 1000000.0
  local lat = 30.17 + (draw() % 160001) / 1000000.0
  return wrk.format("GET", string.format("/api/v1/stations/nearest?lon=%.6f&lat=%.6f&limit=%s", lon, lat, limit))
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %.3f %.3f %.1f %d\n", latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.requests / (summary.duration / 1e6), errors))
end
