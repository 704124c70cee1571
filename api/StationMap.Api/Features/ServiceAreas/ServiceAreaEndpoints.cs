using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using StationMap.Api.Features.Routing;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Routing;

namespace StationMap.Api.Features.ServiceAreas;

public sealed record ServiceAreaQuery(
    [FromQuery(Name = "mode")] string? Mode,
    [FromQuery(Name = "minutes")] string? Minutes,
    [FromQuery(Name = "crs")] string? Crs);

public sealed record ServiceAreasQuery(
    [FromQuery(Name = "mode")] string? Mode,
    [FromQuery(Name = "minutes")] string? Minutes,
    [FromQuery(Name = "bbox")] string? Bbox,
    [FromQuery(Name = "crs")] string? Crs);

public sealed record ServiceAreaStatus(long? GraphVersion, int Stations, int UpToDate, int Stale, int OutsideNetwork,
    bool Running, int LastPassComputed, double LastPassSeconds, DateTimeOffset? LastPassAt, string? LastError);

/// <summary>Precomputed service areas ("15-minute service circles") of stations, read from PostGIS.</summary>
public static class ServiceAreaEndpoints
{
    public static IEndpointRouteBuilder MapServiceAreas(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/stations/{id:long}/service-area", ForStation).AllowOnlyQueryOf<ServiceAreaQuery, RouteHandlerBuilder>()
            .WithTags("Service areas").WithName("StationServiceArea")
            .WithSummary("A station's precomputed service area: where a worker can reach it from within 5/10/15 minutes")
            .WithDescription("mode = walk | ebike (default); minutes ⊆ 5,10,15 (default all). state = ready, or pending (empty, Retry-After) " +
                             "while the background job has not computed this station yet; stale = true when computed on an older graph. " +
                             "404 unknown station; 422 station beyond the road network; 503 no road graph.")
            .Produces(200, contentType: StationFormats.GeoJsonType).ProducesValidationProblem()
            .ProducesProblem(404).ProducesProblem(422).ProducesProblem(503);
        app.MapGet("/api/v1/service-areas", InBbox).AllowOnlyQueryOf<ServiceAreasQuery, RouteHandlerBuilder>()
            .WithTags("Service areas").WithName("ServiceAreas")
            .WithSummary("Every open station's service-area band in a bbox (the planner's coverage layer)")
            .WithDescription("bbox=minLon,minLat,maxLon,maxLat (required); mode = walk | ebike (default); minutes = one of 5, 10, 15 (default 15).")
            .Produces(200, contentType: StationFormats.GeoJsonType).ProducesValidationProblem().ProducesProblem(503);
        app.MapGet("/api/v1/service-areas/status", Status).AllowOnlyQuery()
            .WithTags("Service areas").WithName("ServiceAreaStatus")
            .WithSummary("Progress of the background service-area computation").Produces<ServiceAreaStatus>(200);
        return app;
    }

    static List<int>? Bands(string? text, Validation v, bool single)
    {
        var minutes = IsochroneEndpoint.ParseMinutes(string.IsNullOrWhiteSpace(text) ? (single ? "15" : "5,10,15") : text, v);
        if (minutes is null) return null;
        if (minutes.Any(m => m is not (5 or 10 or 15))) { v.Add("minutes", "minutes must be among 5, 10 and 15 (the precomputed bands)."); return null; }
        if (single && minutes.Count != 1) { v.Add("minutes", "minutes must be one band: 5, 10 or 15."); return null; }
        return minutes;
    }

    static TravelMode? Mode(string? text, Validation v)
    {
        var mode = IsochroneEndpoint.ParseMode(text, v);
        if (mode == TravelMode.Car) { v.Add("mode", "mode must be walk or ebike for service areas."); return null; }
        return mode;
    }

    static async Task<IResult> ForStation(long id, [AsParameters] ServiceAreaQuery q, GraphHost graphs, NpgsqlDataSource data, HttpContext http, CancellationToken ct)
    {
        var v = new Validation();
        var mode = Mode(q.Mode, v);
        var minutes = Bands(q.Minutes, v, single: false);
        var crs = v.Crs(q.Crs);
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
        cmd.Parameters.AddWithValue(mode!.Value.Name());
        cmd.Parameters.AddWithValue(minutes!.ToArray());
        var features = new JsonArray();
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
                features.Add(RoutingGeoJson.Feature(reader.Read(r.GetFieldValue<byte[]>(7)), crs, new JsonObject
                {
                    ["station_id"] = id, ["mode"] = mode.Value.Name(), ["minutes"] = r.GetInt32(3),
                    ["area_km2"] = Math.Round(r.GetDouble(4), 3), ["graph_version"] = r.GetInt64(5), ["computed_at"] = r.GetDateTime(6),
                }));
            }
        }
        if (exists != true) return TypedResults.Problem(statusCode: 404, title: "No such station.", detail: $"There is no station {id}.");
        if (graph is null && features.Count == 0) return IsochroneEndpoint.NoGraph();
        if (outcome == "outside_network" && setVersion == graph?.Info.Version) return IsochroneEndpoint.OutsideNetwork(mode.Value.Name());
        var pending = features.Count == 0;
        if (pending) http.Response.Headers.RetryAfter = "5";
        return Collection(features, pending ? "pending" : "ready", graph, setVersion is { } sv && sv != graph?.Info.Version);
    }

    static async Task<IResult> InBbox([AsParameters] ServiceAreasQuery q, GraphHost graphs, NpgsqlDataSource data, CancellationToken ct)
    {
        var v = new Validation();
        var mode = Mode(q.Mode, v);
        var minutes = Bands(q.Minutes, v, single: true);
        var crs = v.Crs(q.Crs);
        var bbox = ListEndpoint.ParseBbox(q.Bbox, crs, v);
        if (q.Bbox is null) v.Add("bbox", "bbox is required: minLon,minLat,maxLon,maxLat.");
        if (!v.IsValid) return v.Problem();
        var graph = graphs.Current;
        if (graph is null) return IsochroneEndpoint.NoGraph();

        await using var conn = await data.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            SELECT a.station_id, a.minutes, a.area_km2, a.graph_version, ST_AsBinary(a.geom)
            FROM service_area a JOIN station s ON s.id = a.station_id
            WHERE a.mode = $1 AND a.minutes = $2 AND s.deleted_at IS NULL AND s.status = 'open'
              AND a.geom && $3
            ORDER BY a.station_id LIMIT 5000
            """, conn);
        cmd.Parameters.AddWithValue(mode!.Value.Name());
        cmd.Parameters.AddWithValue(minutes![0]);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Geometry, bbox!);
        var features = new JsonArray();
        var reader = new NetTopologySuite.IO.WKBReader();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                features.Add(RoutingGeoJson.Feature(reader.Read(r.GetFieldValue<byte[]>(4)), crs, new JsonObject
                {
                    ["station_id"] = r.GetInt64(0), ["mode"] = mode.Value.Name(), ["minutes"] = r.GetInt32(1),
                    ["area_km2"] = Math.Round(r.GetDouble(2), 3), ["graph_version"] = r.GetInt64(3),
                }));
        var stale = await StaleCountAsync(conn, graph.Info.Version, ct);
        return Collection(features, stale == 0 ? "ready" : "pending", graph, false);
    }

    static IResult Collection(JsonArray features, string state, LoadedGraph? graph, bool stale) =>
        Results.Text(new JsonObject
        {
            ["type"] = "FeatureCollection", ["state"] = state, ["stale"] = stale,
            ["graph_version"] = graph?.Info.Version, ["attribution"] = graph?.Info.Attribution, ["features"] = features,
        }.ToJsonString(ApiJson.Options), StationFormats.GeoJsonType, Encoding.UTF8);

    static async Task<int> StaleCountAsync(NpgsqlConnection conn, long version, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            SELECT count(*) FROM station s LEFT JOIN service_area_state st ON st.station_id = s.id
            WHERE s.deleted_at IS NULL AND s.status <> 'closed_permanently' AND {ServiceAreaJob.StaleCondition(version)}
            """, conn);
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    static async Task<IResult> Status(GraphHost graphs, ServiceAreaJob job, NpgsqlDataSource data, CancellationToken ct)
    {
        var version = graphs.Current?.Info.Version ?? -1;
        await using var conn = await data.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            SELECT count(*), count(*) FILTER (WHERE NOT {ServiceAreaJob.StaleCondition(version)}), count(*) FILTER (WHERE st.outcome = 'outside_network' AND st.graph_version = {version})
            FROM station s LEFT JOIN service_area_state st ON st.station_id = s.id
            WHERE s.deleted_at IS NULL AND s.status <> 'closed_permanently'
            """, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var (total, current, outside) = ((int)r.GetInt64(0), (int)r.GetInt64(1), (int)r.GetInt64(2));
        var p = job.Progress;
        return TypedResults.Ok(new ServiceAreaStatus(graphs.Current?.Info.Version, total, current, total - current, outside,
            p.Running, p.LastPassComputed, Math.Round(p.LastPassSeconds, 2), p.LastPassAt, p.LastError));
    }
}
