-- 0014: usage statistics for unions and the planner's crowding profiles (README, "Usage statistics"),
-- read from live_signal and fault_ticket (0013) by GET /api/v1/stats/usage and /stats/crowding; and
-- the ETag of a kept idempotent answer (a created station's version), replayed with it.

ALTER TABLE idempotency_record ADD COLUMN etag text;

-- stationmap.usage_stats(group_by text, from_at timestamptz, to_at timestamptz)
-- Visits and faults per station, district or operator in [from_at, to_at).
-- Inputs: group_by = 'station' | 'district' | 'operator'; the half-open range of instants.
-- Outputs, one row per group with any check-in or ticket step in the range:
--   key (station id as text, or the district / operator name; NULL = stations without one), name
--   (the station's name, or the key), visits (check-ins received), unique_devices (distinct devices
--   among them), faults_reported (tickets reported), faults_fixed (tickets fixed), median_time_to_fix_s
--   (median of fixed_at − reported_at over the tickets fixed, seconds), median_response_s (median of
--   acknowledged_at − confirmed_at over the tickets acknowledged, seconds: the public response time).
-- Check-ins of blocked devices are not visits. Relies on live_signal_received_idx and
-- fault_ticket_reported_at_idx; deleted stations still count (the visits happened).
CREATE FUNCTION stationmap.usage_stats(group_by text, from_at timestamptz, to_at timestamptz)
RETURNS TABLE (key text, name text, visits bigint, unique_devices bigint, faults_reported bigint, faults_fixed bigint,
               median_time_to_fix_s double precision, median_response_s double precision)
LANGUAGE sql STABLE AS $$
    WITH g AS (
        -- k: the group key with NULL as '' so that groups join by hash; never '' for a real name (names are trimmed non-empty).
        SELECT s.id AS station_id,
               coalesce(CASE usage_stats.group_by WHEN 'station' THEN s.id::text WHEN 'district' THEN s.district ELSE s.operator END, '') AS k,
               CASE usage_stats.group_by WHEN 'station' THEN s.name WHEN 'district' THEN s.district ELSE s.operator END AS name
        FROM station s
    ), v AS (
        SELECT g.k, count(*) AS visits, count(DISTINCT l.device_id) AS unique_devices
        FROM live_signal l JOIN g ON g.station_id = l.station_id
        WHERE l.kind = 'checkin' AND l.received_at >= from_at AND l.received_at < to_at
          AND (l.device_id IS NULL OR l.device_id NOT IN (SELECT id FROM device WHERE blocked_at IS NOT NULL))
        GROUP BY g.k
    ), t AS (
        SELECT g.k,
               count(*) FILTER (WHERE t.reported_at >= from_at AND t.reported_at < to_at) AS faults_reported,
               count(*) FILTER (WHERE t.fixed_at >= from_at AND t.fixed_at < to_at) AS faults_fixed,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.fixed_at - t.reported_at))
                   FILTER (WHERE t.fixed_at >= from_at AND t.fixed_at < to_at) AS median_time_to_fix_s,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.acknowledged_at - t.confirmed_at))
                   FILTER (WHERE t.acknowledged_at >= from_at AND t.acknowledged_at < to_at AND t.confirmed_at IS NOT NULL) AS median_response_s
        FROM fault_ticket t JOIN g ON g.station_id = t.station_id
        WHERE (t.reported_at >= from_at AND t.reported_at < to_at)
           OR (t.fixed_at >= from_at AND t.fixed_at < to_at)
           OR (t.acknowledged_at >= from_at AND t.acknowledged_at < to_at)
        GROUP BY g.k
    ), keys AS (
        SELECT k FROM v UNION SELECT k FROM t
    ), names AS (
        SELECT g.k, min(g.name) AS name FROM g JOIN keys USING (k) GROUP BY g.k
    )
    SELECT nullif(keys.k, ''), names.name, coalesce(v.visits, 0), coalesce(v.unique_devices, 0),
           coalesce(t.faults_reported, 0), coalesce(t.faults_fixed, 0), t.median_time_to_fix_s, t.median_response_s
    FROM keys JOIN names USING (k) LEFT JOIN v USING (k) LEFT JOIN t USING (k)
    ORDER BY coalesce(v.visits, 0) DESC, keys.k
$$;

-- stationmap.crowding_profile(station_ids bigint[], from_at timestamptz, to_at timestamptz)
-- The typical crowding of stations by local weekday and hour, from check-ins in (from_at, to_at] that
-- say crowding, blocked devices' left out: the same cells as the live state's typical profile (LiveState).
-- Inputs: the stations; the window (the API passes now − LiveOptions.Typical.WindowDays days … now).
-- Outputs: station_id, weekday (ISO: 1 = Monday … 7 = Sunday) and hour (0–23), both in the station's
--   own time_zone; score = mean of empty 0, some_seats 1, full 2; samples = check-ins counted.
-- Relies on live_signal_station_time_idx (station_id, observed_at).
CREATE FUNCTION stationmap.crowding_profile(station_ids bigint[], from_at timestamptz, to_at timestamptz)
RETURNS TABLE (station_id bigint, weekday int, hour int, score double precision, samples bigint)
LANGUAGE sql STABLE AS $$
    SELECT l.station_id,
           extract(isodow FROM l.observed_at AT TIME ZONE s.time_zone)::int,
           extract(hour FROM l.observed_at AT TIME ZONE s.time_zone)::int,
           avg(CASE l.fields ->> 'crowding' WHEN 'empty' THEN 0 WHEN 'some_seats' THEN 1 ELSE 2 END),
           count(*)
    FROM live_signal l JOIN station s ON s.id = l.station_id
    WHERE l.station_id = ANY (crowding_profile.station_ids)
      AND l.kind = 'checkin'
      AND l.observed_at > from_at AND l.observed_at <= to_at
      AND l.fields ->> 'crowding' IN ('empty', 'some_seats', 'full')
      AND (l.device_id IS NULL OR l.device_id NOT IN (SELECT id FROM device WHERE blocked_at IS NOT NULL))
    GROUP BY 1, 2, 3
$$;
