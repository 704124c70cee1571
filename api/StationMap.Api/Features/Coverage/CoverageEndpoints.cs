using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using StationMap.Api.Features.Routing;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Formats;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Parameters;
using StationMap.Routing;

namespace StationMap.Api.Features.Coverage;

public sealed record CoverageQuery(
    [FromQuery(Name = "mode")] TravelModeParameter? Mode,
    [FromQuery(Name = "minutes")] int? Minutes,
    [FromQuery(Name = "layer")] string? Layer,
    [FromQuery(Name = "district")] long? District,
    [FromQuery(Name = "at")] string? At,
    [FromQuery(Name = "worst")] int? Worst,
    [FromQuery(Name = "format")] OutputFormat? Format,
    [FromQuery(Name = "crs")] CrsParameter? Crs);

/// <summary>The top-level members of the coverage report as GeoJSON.</summary>
/// <param name="Parameters">The parameters the report was computed with (mode, minutes, layer, district, at), so an export is self-describing.</param>
/// <param name="GraphVersion">Version of the road graph the report was computed on.</param>
/// <param name="DataTime">Time of the newest station or demand data used.</param>
/// <param name="ComputedAt">When the report was computed.</param>
/// <param name="TotalDemand">Total demand weight.</param>
/// <param name="CoveredDemand">Demand weight within the cut-off.</param>
/// <param name="CoveragePct">covered_demand / total_demand × 100.</param>
/// <param name="Attribution">Attribution the road data requires (OpenStreetMap), or null for demo data.</param>
public sealed record CoverageMembers(JsonObject Parameters, long GraphVersion, DateTimeOffset? DataTime, DateTimeOffset ComputedAt,
    double TotalDemand, double CoveredDemand, double CoveragePct, string? Attribution);

public sealed record CoverageResponse(
    string Mode, int Minutes, string Layer, long? District, string? At, long GraphVersion, DateTimeOffset ComputedAt, DateTimeOffset? DataTime,
    int StationsConsidered, int StationsUnknownHours, int StationsClosedAt,
    double TotalDemand, double CoveredDemand, double CoveragePct, int Points, int CoveredPoints, double OffNetworkDemand, int OffNetworkPoints,
    double? MeanMinutes, double? P95Minutes, IReadOnlyList<DistrictCoverage> Districts, IReadOnlyList<WorstPoint> Worst,
    IReadOnlyList<StationCatchment> Stations, string Crs, string? Attribution, double ComputeMs);

/// <summary>One row of the per-district coverage CSV, stamped with what it was computed from.</summary>
public sealed record CoverageCsvRow(DistrictCoverage D, CoverageResponse R) : ICsvRow
{
    public static IReadOnlyList<string> Columns { get; } =
    [
        "district_id", "code", "name", "name_en", "demand", "covered", "coverage_pct", "mean_minutes", "p95_minutes",
        "points", "covered_points", "off_network_demand", "mode", "minutes", "layer", "at", "graph_version", "data_time", "computed_at",
    ];

    public IEnumerable<object?> Values() =>
    [
        D.Id, D.Code, D.Name, D.NameEn, D.Demand, D.Covered, D.CoveragePct, D.MeanMinutes, D.P95Minutes, D.Points, D.CoveredPoints,
        D.OffNetworkDemand, R.Mode, R.Minutes, R.Layer, R.At, R.GraphVersion, R.DataTime, R.ComputedAt,
    ];
}

/// <summary>
/// GET /api/v1/coverage: how much of a demand layer is within N minutes of an open station, per
/// district, answered in memory from the cached access field (no isochrones are recomputed).
/// </summary>
public static class CoverageEndpoints
{
    public const int MaxWorst = 500;
    public static RouteGroupBuilder MapCoverage(this RouteGroupBuilder api)
    {
        api.MapGet("/coverage", Handle)
            .WithTags("Coverage").WithName("Coverage")
            .WithSummary("Demand within N minutes of an open station: totals, per district, worst-served points, station catchments")
            .WithDescription("mode = walk | ebike (default); minutes 1–60 (default 15); layer = demand layer (default demo-demand); " +
                             "district = id (optional filter); at = ISO 8601 instant: only stations open then by their opening hours " +
                             "(unknown hours count as open and are counted in stations_unknown_hours); worst = 0–500 (default 20); " +
                             "format = json (default) | csv (per-district table) | geojson (districts with the table's numbers); crs = wgs84 | gcj02 | bd09. " +
                             "Mean and p95 minutes are demand-weighted over demand reachable within 60 minutes. " +
                             "404 unknown layer or district; 503 no road graph.")
            .ProducesValidationProblem().ProducesProblem(404).ProducesProblem(503);
        api.MapCoverageGaps();
        return api;
    }

    static async Task<Results<Ok<CoverageResponse>, GeoJson<DistrictCoverage, CoverageMembers>, Csv<CoverageCsvRow>, ProblemHttpResult, ValidationProblem>> Handle([AsParameters] CoverageQuery q, GraphHost graphs, CoverageEngine engine, NpgsqlDataSource data,
        TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var p = CoverageRequest.Parse(q.Mode, q.Minutes, q.Layer, q.District, q.At, v);
        v.Range(q.Worst, "worst", 0, MaxWorst);
        var format = q.Format?.Value ?? Format.Json;
        var crs = CrsParameter.Or(q.Crs);
        if (!v.IsValid) return v.Problem();

        var timer = System.Diagnostics.Stopwatch.StartNew();
        var (c, problem) = await CoverageRequest.ResolveAsync(p!, graphs, engine, data, withDemand: true, ct);
        if (problem is not null) return problem;
        var times = engine.Times(c!.Field, c.Demand!);
        var response = Build(c, times, q.Worst ?? 20, crs, clock.GetUtcNow(), timer.Elapsed.TotalMilliseconds);
        return format switch
        {
            Format.Csv => new Csv<CoverageCsvRow>(response.Districts.Select(d => new CoverageCsvRow(d, response)),
                $"coverage-{response.Mode}-{response.Minutes}min-{CsvFiles.Part(response.Layer)}.csv"),
            Format.GeoJson => await GeoJsonAsync(response, data, crs, ct),
            _ => TypedResults.Ok(response),
        };
    }

    public static CoverageResponse Build(CoverageContext c, PointTimes times, int worst, Crs crs, DateTimeOffset now, double startMs)
    {
        var timer = System.Diagnostics.Stopwatch.StartNew();
        var (totals, districts) = CoverageReport.Summarize(c, times.Seconds);
        var worstPoints = CoverageReport.Worst(c, times.Seconds, worst).Select(w =>
        {
            var (lon, lat) = CoordinateSystems.FromWgs84(crs, w.Lon, w.Lat);
            return w with { Lon = Math.Round(lon, 7), Lat = Math.Round(lat, 7) };
        }).ToList();
        var p = c.Parameters;
        return new CoverageResponse(p.Mode.Name(), p.Minutes, p.Layer, p.District, p.AtText, c.Graph.Info.Version, now, c.DataTime,
            c.Scenario.Stations.Count, c.Scenario.UnknownHours, c.Scenario.ClosedAtInstant,
            totals.TotalDemand, totals.CoveredDemand, totals.CoveragePct, totals.Points, totals.CoveredPoints, totals.OffNetworkDemand,
            totals.OffNetworkPoints, totals.MeanMinutes, totals.P95Minutes, districts, worstPoints, CoverageReport.Catchments(c, times),
            CoordinateSystems.Name(crs), c.Graph.Info.Attribution, Math.Round(startMs + timer.Elapsed.TotalMilliseconds, 1));
    }

    /// <summary>Districts as features (polygons from PostGIS) carrying the table's numbers; the outside row has no geometry.</summary>
    static async Task<GeoJson<DistrictCoverage, CoverageMembers>> GeoJsonAsync(CoverageResponse r, NpgsqlDataSource data, Crs crs, CancellationToken ct)
    {
        var ids = r.Districts.Where(d => d.Id is not null).Select(d => d.Id!.Value).ToArray();
        var geometries = await DistrictStore.GeometriesAsync(data, ids, ct);
        var features = r.Districts.Select(d => GeoJson.Feature(
            d.Id is { } id && geometries.TryGetValue(id, out var g) ? GeoJsonGeometry.Write(g, crs) : null,
            GeoJson.Properties(d), d.Id));
        return GeoJson.Collection<DistrictCoverage, CoverageMembers>(crs, features, new CoverageMembers(
            new JsonObject { ["mode"] = r.Mode, ["minutes"] = r.Minutes, ["layer"] = r.Layer, ["district"] = r.District, ["at"] = r.At },
            r.GraphVersion, r.DataTime, r.ComputedAt, r.TotalDemand, r.CoveredDemand, r.CoveragePct, r.Attribution));
    }
}
