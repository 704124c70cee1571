using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;
using StationMap.Routing;

namespace StationMap.Api.Features.ServiceAreas;

/// <summary>The state of one station's stored set and its bands (<see cref="ServiceAreaStore.ForStationAsync"/>).</summary>
public sealed record StationServiceArea(bool Deleted, string? Outcome, long? SetVersion, IReadOnlyList<StoredBand> Bands);

/// <summary>One stored band: minutes, area (km²), the graph it was computed on, when, and its MultiPolygon (EPSG:4326).</summary>
public sealed record StoredBand(long StationId, int Minutes, double AreaKm2, long GraphVersion, DateTime? ComputedAt, Geometry Geometry);

/// <summary>One logged computation of a station's set (service_area_computation, migration 0017).</summary>
public sealed record ServiceAreaComputation(long StationId, long GraphVersion, string Instance, DateTimeOffset ComputedAt);

/// <summary>How far the background job is on a graph: stations that need a set, those up to date, those beyond the network.</summary>
public sealed record ServiceAreaCounts(long Stations, long UpToDate, long OutsideNetwork);

/// <summary>
/// The one reader and writer of <c>service_area</c> and <c>service_area_state</c>. Reads that join
/// the station table are the <c>stationmap.*</c> functions of migrations 0007 and 0009 (which stations
/// count, what is stale), so those rules are written once, in SQL.
/// </summary>
public static class ServiceAreaStore
{
    /// <summary>Removes the sets of deleted and permanently closed stations (stationmap.drop_gone_service_areas, 0009).</summary>
    public static async Task DropGoneAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT stationmap.drop_gone_service_areas()", conn);
        await cmd.ExecuteScalarAsync(ct);
    }

    /// <summary>Logs one computation per station, each on its region's graph version, in <paramref name="tx"/> (the batch that replaced their sets).</summary>
    public static async Task LogComputationsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long[] versions, long[] stationIds, string instance, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO service_area_computation (station_id, graph_version, instance) SELECT s, v, $3 FROM unnest($1::bigint[], $2::bigint[]) AS u(s, v)", conn, tx);
        cmd.Parameters.AddWithValue(stationIds);
        cmd.Parameters.AddWithValue(versions);
        cmd.Parameters.AddWithValue(instance);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deletes logged computations older than a day (service_area_computation_at_idx).</summary>
    public static async Task PruneComputationsAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("DELETE FROM service_area_computation WHERE computed_at < now() - interval '1 day'", conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The newest logged computations, of one station or of all, newest first, and how many each instance did in the last hour.</summary>
    public static async Task<(List<ServiceAreaComputation> Recent, Dictionary<string, long> LastHourByInstance)> ComputationsAsync(
        NpgsqlDataSource data, long? stationId, int limit, CancellationToken ct)
    {
        var recent = new List<ServiceAreaComputation>();
        var byInstance = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var conn = await data.OpenConnectionAsync(ct);
        await using (var cmd = new NpgsqlCommand(
            "SELECT station_id, graph_version, instance, computed_at FROM service_area_computation " +
            "WHERE $1::bigint IS NULL OR station_id = $1 ORDER BY computed_at DESC, id DESC LIMIT $2", conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)stationId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            cmd.Parameters.AddWithValue(limit);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                recent.Add(new(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3)));
        }
        await using (var cmd = new NpgsqlCommand(
            "SELECT instance, count(*) FROM service_area_computation WHERE computed_at > now() - interval '1 hour' GROUP BY instance", conn))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) byInstance[r.GetString(0)] = r.GetInt64(1);
        return (recent, byInstance);
    }

    /// <summary>
    /// The next stations (by id) whose set is stale on their own region's graph, with that graph's version (0: in no
    /// region); stations of a region whose active version is not in <paramref name="loaded"/> wait (stationmap.stale_region_stations, 0017).
    /// </summary>
    public static async Task<List<(long Id, double Lon, double Lat, string Status, long GraphVersion)>> StaleAsync(NpgsqlConnection conn,
        long[] loaded, int batch, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT id, lon, lat, status, graph_version FROM stationmap.stale_region_stations($1, $2)", conn);
        cmd.Parameters.AddWithValue(loaded);
        cmd.Parameters.AddWithValue(batch);
        var result = new List<(long, double, double, string, long)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result.Add((r.GetInt64(0), r.GetDouble(1), r.GetDouble(2), r.GetString(3), r.GetInt64(4)));
        return result;
    }

    /// <summary>
    /// Replaces a station's set inside <paramref name="tx"/>: its bands, and its state row saying what
    /// the set was computed from (no bands: the station is outside the network).
    /// </summary>
    public static async Task ReplaceAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long version, long stationId, double lon, double lat,
        string status, double? snapM, IReadOnlyList<(TravelMode Mode, double Minutes, Geometry Geometry, double AreaKm2)> bands, CancellationToken ct)
    {
        await using (var clear = new NpgsqlCommand("DELETE FROM service_area WHERE station_id = $1", conn, tx))
        {
            clear.Parameters.AddWithValue(stationId);
            await clear.ExecuteNonQueryAsync(ct);
        }
        foreach (var (mode, minutes, geometry, area) in bands)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO service_area (station_id, mode, minutes, graph_version, geom, area_km2) VALUES ($1, $2, $3, $4, $5, $6)
                """, conn, tx);
            insert.Parameters.AddWithValue(stationId);
            insert.Parameters.AddWithValue(mode.Name());
            insert.Parameters.AddWithValue((int)minutes);
            insert.Parameters.AddWithValue(version);
            insert.Parameters.AddWithValue(NpgsqlDbType.Geometry, AsMulti(geometry));
            insert.Parameters.AddWithValue(area);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await using var state = new NpgsqlCommand("""
            INSERT INTO service_area_state (station_id, graph_version, station_location, station_status, outcome, snap_distance_m, computed_at)
            VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography, $5, $6, $7, now())
            ON CONFLICT (station_id) DO UPDATE SET graph_version = excluded.graph_version, station_location = excluded.station_location,
                station_status = excluded.station_status, outcome = excluded.outcome, snap_distance_m = excluded.snap_distance_m, computed_at = now()
            """, conn, tx);
        state.Parameters.AddWithValue(stationId);
        state.Parameters.AddWithValue(version);
        state.Parameters.AddWithValue(lon);
        state.Parameters.AddWithValue(lat);
        state.Parameters.AddWithValue(status);
        state.Parameters.AddWithValue(bands.Count == 0 ? "outside_network" : "ok");
        state.Parameters.AddWithValue((object?)snapM ?? DBNull.Value);
        await state.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A station's stored bands of a mode and its set's state; null for an unknown station (stationmap.station_service_area, 0009).</summary>
    public static async Task<StationServiceArea?> ForStationAsync(NpgsqlDataSource data, long id, TravelMode mode, IReadOnlyList<int> minutes, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand("""
            SELECT present, outcome, set_version, minutes, area_km2, graph_version, computed_at, ST_AsBinary(geom)
            FROM stationmap.station_service_area($1, $2, $3)
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(mode.Name());
        cmd.Parameters.AddWithValue(minutes.ToArray());
        var bands = new List<StoredBand>();
        bool? present = null;
        string? outcome = null;
        long? setVersion = null;
        var wkb = new NetTopologySuite.IO.WKBReader();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            present = r.GetBoolean(0);
            outcome = r.IsDBNull(1) ? null : r.GetString(1);
            setVersion = r.IsDBNull(2) ? null : r.GetInt64(2);
            if (r.IsDBNull(3)) continue;
            bands.Add(new StoredBand(id, r.GetInt32(3), r.GetDouble(4), r.GetInt64(5), r.GetDateTime(6), wkb.Read(r.GetFieldValue<byte[]>(7))));
        }
        return present is null ? null : new StationServiceArea(present == false, outcome, setVersion, bands);
    }

    /// <summary>Open stations' bands meeting <paramref name="bbox"/> (EPSG:4326), by station id (stationmap.open_service_areas, 0009).</summary>
    public static async Task<List<StoredBand>> OpenInBboxAsync(NpgsqlDataSource data, TravelMode mode, int minutes, Geometry bbox, int maxRows, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand("""
            SELECT station_id, minutes, area_km2, graph_version, ST_AsBinary(geom) FROM stationmap.open_service_areas($1, $2, $3, $4)
            """);
        cmd.Parameters.AddWithValue(mode.Name());
        cmd.Parameters.AddWithValue(minutes);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Geometry, bbox);
        cmd.Parameters.AddWithValue(maxRows);
        var bands = new List<StoredBand>();
        var wkb = new NetTopologySuite.IO.WKBReader();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            bands.Add(new StoredBand(r.GetInt64(0), r.GetInt32(1), r.GetDouble(2), r.GetInt64(3), null, wkb.Read(r.GetFieldValue<byte[]>(4))));
        return bands;
    }

    /// <summary>
    /// Counts of the job's progress, each station judged on its region's graph (stationmap.service_area_region_progress, 0017);
    /// with no graph loaded (<paramref name="anyGraph"/> false) every station counts as stale (stationmap.service_area_progress(-1), 0007).
    /// </summary>
    public static async Task<ServiceAreaCounts> ProgressAsync(NpgsqlDataSource data, bool anyGraph, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand(anyGraph
            ? "SELECT stations, up_to_date, outside_network FROM stationmap.service_area_region_progress()"
            : "SELECT stations, up_to_date, outside_network FROM stationmap.service_area_progress(-1)");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new ServiceAreaCounts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
    }

    /// <summary>When the job last stored a set (null: never): names a new pass in cache keys over stored bands.</summary>
    public static async Task<DateTimeOffset?> LastComputedAtAsync(NpgsqlDataSource data, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand("SELECT max(computed_at) FROM service_area_state");
        return await cmd.ExecuteScalarAsync(ct) is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    static MultiPolygon AsMulti(Geometry g) => g switch
    {
        MultiPolygon mp => mp,
        Polygon p => RoutingEngine.GeometryFactory.CreateMultiPolygon([p]),
        _ => RoutingEngine.GeometryFactory.CreateMultiPolygon(),
    };
}
