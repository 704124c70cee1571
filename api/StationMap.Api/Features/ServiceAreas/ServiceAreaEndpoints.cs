using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using StationMap.Api.Features.Routing;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Formats;
using StationMap.Api.Infrastructure.Parameters;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Routing;

namespace StationMap.Api.Features.ServiceAreas;

public sealed record ServiceAreaQuery(
    [FromQuery(Name = "mode")] TravelModeParameter? Mode,
    [FromQuery(Name = "minutes")] Bands? Minutes,
    [FromQuery(Name = "crs")] CrsParameter? Crs);

public sealed record ServiceAreasQuery(
    [FromQuery(Name = "mode")] TravelModeParameter? Mode,
    [FromQuery(Name = "minutes")] Bands? Minutes,
    [FromQuery(Name = "bbox")] Bbox? Bbox,
    [FromQuery(Name = "crs")] CrsParameter? Crs);

/// <summary>Properties of one stored service-area band; computed_at only on a single station's answer.</summary>
/// <summary>The top-level members of a service-area FeatureCollection.</summary>
/// <param name="State">ready, or pending while the background job computes the bands (features then empty).</param>
/// <param name="Stale">true when some stored bands predate the station's last move or the graph.</param>
/// <param name="GraphVersion">Version of the active road graph, or null when none is loaded.</param>
/// <param name="Attribution">Attribution the road data requires (OpenStreetMap), or null for demo data.</param>
public sealed record ServiceAreaMembers(string State, bool Stale, long? GraphVersion, string? Attribution);

public sealed record ServiceAreaBand(long StationId, string Mode, int Minutes, double AreaKm2, long GraphVersion)
{
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? ComputedAt { get; init; }
}

public sealed record ServiceAreaStatus(long? GraphVersion, int Stations, int UpToDate, int Stale, int OutsideNetwork,
    bool Running, int LastPassComputed, double LastPassSeconds, DateTimeOffset? LastPassAt, string? LastError);

/// <summary>Precomputed service areas ("15-minute service circles") of stations, read from PostGIS.</summary>
public static class ServiceAreaEndpoints
{
    public static RouteGroupBuilder MapServiceAreas(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags("Service areas");
        group.MapGet("/stations/{id:long}/service-area", ForStation)
           .WithName("StationServiceArea")
            .WithSummary("A station's precomputed service area: where a worker can reach it from within 5/10/15 minutes")
            .WithDescription("mode = walk | ebike (default); minutes ⊆ 5,10,15 (default all). state = ready, or pending (empty, Retry-After) " +
                             "while the background job has not computed this station yet; stale = true when computed on an older graph. " +
                             "404 unknown station; 422 station beyond the road network; 503 no road graph.")
            .ProducesValidationProblem()
            .ProducesProblem(404).ProducesProblem(422).ProducesProblem(503);
        group.MapGet("/service-areas", InBbox)
           .WithName("ServiceAreas")
            .WithSummary("Every open station's service-area band in a bbox (the planner's coverage layer)")
            .WithDescription("bbox=minLon,minLat,maxLon,maxLat (required); mode = walk | ebike (default); minutes = one of 5, 10, 15 (default 15).")
            .ProducesValidationProblem().ProducesProblem(503);
        group.MapGet("/service-areas/status", Status)
           .WithName("ServiceAreaStatus")
            .WithSummary("Progress of the background service-area computation").Produces<ServiceAreaStatus>(200);
        return api;
    }

    /// <summary>The stored bands: minutes among 5, 10 and 15; walk and e-bike only (the job computes no car areas).</summary>
    static (TravelMode Mode, IReadOnlyList<int> Minutes) Check(TravelModeParameter? mode, Bands? bands, Validation v, bool single)
    {
        var m = mode?.Value ?? TravelMode.Ebike;
        if (m == TravelMode.Car) v.Add("mode", "mode must be walk or ebike for service areas.");
        var minutes = Bands.Or(bands, single ? [15] : [5, 10, 15]);
        if (minutes.Any(x => x is not (5 or 10 or 15))) v.Add("minutes", "minutes must be among 5, 10 and 15 (the precomputed bands).");
        else if (single && minutes.Count != 1) v.Add("minutes", "minutes must be one band: 5, 10 or 15.");
        return (m, minutes);
    }

    static async Task<Results<GeoJson<ServiceAreaBand, ServiceAreaMembers>, ProblemHttpResult, ValidationProblem>> ForStation(
        long id, [AsParameters] ServiceAreaQuery q, GraphHost graphs, NpgsqlDataSource data, HttpContext http, CancellationToken ct)
    {
        var v = new Validation();
        var (mode, minutes) = Check(q.Mode, q.Minutes, v, single: false);
        var crs = CrsParameter.Or(q.Crs);
        if (!v.IsValid) return v.Problem();
        var graph = graphs.Current;

        await using var conn = await data.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            SELECT s.deleted_at IS NULL, st.outcome, st.graph_version, a.minutes, a.area_km2, a.graph_version, a.computed_at, ST_AsBinary(a.geom)
            FROM station s
            LEFT JOIN service_area_state st ON st.station_id = s.id
            LEFT JOIN service_area a ON a.station_id = s.id AND a.mode = $2 AND a.minutes = ANY($3)
            WHERE s.id = $1 ORDER BY a.minutes
            """, conn);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(mode.Name());
        cmd.Parameters.AddWithValue(minutes.ToArray());
        var features = new List<JsonObject>();
        var speck = IsochroneEndpoint.SpeckAreaM2(mode);
        bool? exists = null;
        string? outcome = null;
        long? setVersion = null;
        var reader = new NetTopologySuite.IO.WKBReader();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                exists = r.GetBoolean(0);
                outcome = r.IsDBNull(1) ? null : r.GetString(1);
                setVersion = r.IsDBNull(2) ? null : r.GetInt64(2);
                if (r.IsDBNull(3)) continue;
                features.Add(GeoJson.Feature(GeoJsonGeometry.Write(reader.Read(r.GetFieldValue<byte[]>(7)), crs, speck), GeoJson.Properties(
                    new ServiceAreaBand(id, mode.Name(), r.GetInt32(3), Math.Round(r.GetDouble(4), 3), r.GetInt64(5)) { ComputedAt = r.GetDateTime(6) })));
            }
        }
        if (exists != true) return Problems.StationNotFound(id);
        if (graph is null && features.Count == 0) return Problems.NoRoadNetwork();
        if (outcome == "outside_network" && setVersion == graph?.Info.Version)
            return Problems.OutsideNetwork(mode.Name(), IsochroneEndpoint.MaxSnapM, $"Station {id}");
        var pending = features.Count == 0;
        if (pending) http.Response.Headers.RetryAfter = "5";
        return Collection(features, crs, pending ? "pending" : "ready", graph, setVersion is { } sv && sv != graph?.Info.Version);
    }

    static async Task<Results<GeoJson<ServiceAreaBand, ServiceAreaMembers>, ProblemHttpResult, ValidationProblem>> InBbox(
        [AsParameters] ServiceAreasQuery q, GraphHost graphs, NpgsqlDataSource data, CancellationToken ct)
    {
        var v = new Validation();
        var (mode, minutes) = Check(q.Mode, q.Minutes, v, single: true);
        var crs = CrsParameter.Or(q.Crs);
        if (q.Bbox is null) v.Add("bbox", "bbox is required: minLon,minLat,maxLon,maxLat.");
        if (!v.IsValid) return v.Problem();
        var bbox = q.Bbox!.Value.ToWgs84(crs);
        var graph = graphs.Current;
        if (graph is null) return Problems.NoRoadNetwork();

        await using var conn = await data.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            SELECT a.station_id, a.minutes, a.area_km2, a.graph_version, ST_AsBinary(a.geom)
            FROM service_area a JOIN station s ON s.id = a.station_id
            WHERE a.mode = $1 AND a.minutes = $2 AND s.deleted_at IS NULL AND s.status = 'open'
              AND a.geom && $3
            ORDER BY a.station_id LIMIT 5000
            """, conn);
        cmd.Parameters.AddWithValue(mode.Name());
        cmd.Parameters.AddWithValue(minutes[0]);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Geometry, bbox);
        var features = new List<JsonObject>();
        var speck = IsochroneEndpoint.SpeckAreaM2(mode);
        var reader = new NetTopologySuite.IO.WKBReader();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                features.Add(GeoJson.Feature(GeoJsonGeometry.Write(reader.Read(r.GetFieldValue<byte[]>(4)), crs, speck), GeoJson.Properties(
                    new ServiceAreaBand(r.GetInt64(0), mode.Name(), r.GetInt32(1), Math.Round(r.GetDouble(2), 3), r.GetInt64(3)))));
        var stale = await StaleCountAsync(conn, graph.Info.Version, ct);
        return Collection(features, crs, stale == 0 ? "ready" : "pending", graph, false);
    }

    static GeoJson<ServiceAreaBand, ServiceAreaMembers> Collection(List<JsonObject> features, Crs crs, string state, LoadedGraph? graph, bool stale) =>
        GeoJson.Collection<ServiceAreaBand, ServiceAreaMembers>(crs, features, new ServiceAreaMembers(state, stale, graph?.Info.Version, graph?.Info.Attribution));

    static async Task<int> StaleCountAsync(NpgsqlConnection conn, long version, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT stations - up_to_date FROM stationmap.service_area_progress($1)", conn);
        cmd.Parameters.AddWithValue(version);
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    static async Task<IResult> Status(GraphHost graphs, ServiceAreaJob job, NpgsqlDataSource data, CancellationToken ct)
    {
        var version = graphs.Current?.Info.Version ?? -1;
        await using var conn = await data.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT stations, up_to_date, outside_network FROM stationmap.service_area_progress($1)", conn);
        cmd.Parameters.AddWithValue(version);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var (total, current, outside) = ((int)r.GetInt64(0), (int)r.GetInt64(1), (int)r.GetInt64(2));
        var p = job.Progress;
        return TypedResults.Ok(new ServiceAreaStatus(graphs.Current?.Info.Version, total, current, total - current, outside,
            p.Running, p.LastPassComputed, Math.Round(p.LastPassSeconds, 2), p.LastPassAt, p.LastError));
    }
}
