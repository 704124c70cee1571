using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Caching.Memory;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Formats;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Parameters;
using StationMap.Routing;

namespace StationMap.Api.Features.Routing;

public sealed record IsochroneQuery(
    [FromQuery(Name = "lon")] double? Lon,
    [FromQuery(Name = "lat")] double? Lat,
    [FromQuery(Name = "mode")] TravelModeParameter? Mode,
    [FromQuery(Name = "minutes")] Bands? Minutes,
    [FromQuery(Name = "direction")] string? Direction,
    [FromQuery(Name = "crs")] CrsParameter? Crs);

/// <summary>Properties of one isochrone band.</summary>
/// <summary>The point asked for, in the answer's crs.</summary>
public sealed record IsochroneOrigin(double Lon, double Lat);

/// <summary>The top-level members of an isochrone FeatureCollection.</summary>
/// <param name="Origin">The point asked for, in the answer's crs.</param>
/// <param name="SnapDistanceM">Distance from the point to the road it was snapped to, metres.</param>
/// <param name="GraphVersion">Version of the road graph the bands were computed on.</param>
/// <param name="Attribution">Attribution the road data requires (OpenStreetMap), or null for demo data.</param>
/// <param name="Region">The region whose road network answered (GET /api/v1/regions).</param>
public sealed record IsochroneMembers(IsochroneOrigin Origin, double? SnapDistanceM, long GraphVersion, string? Attribution, string Region);

public sealed record IsochroneBandProperties(double Minutes, string Mode, string Direction, double AreaKm2, long GraphVersion);

/// <summary>
/// Travel-time polygons for any point (planners testing a site): one bounded search on the
/// in-memory graph, bands traced from one grid. <c>direction=to</c> (default) is "who can reach
/// here", <c>from</c> is "where can I get to". Answers are cached (LRU by point, mode, bands,
/// direction and graph version).
/// </summary>
public static class IsochroneEndpoint
{
    public const int MaxBands = Bands.MaxBands;
    public const int MaxMinutes = Bands.MaxMinutes;
    public const double MaxSnapM = 500;

    public static RouteGroupBuilder MapIsochrones(this RouteGroupBuilder api)
    {
        api.MapGet("/isochrones", Handle)
            .WithTags("Service areas").WithName("Isochrones")
            .WithSummary("Travel-time bands around any point over the road network (GeoJSON)")
            .WithDescription($"mode = walk | ebike (default) | car; minutes = up to {MaxBands} comma-separated cut-offs, each 1–{MaxMinutes} (default 15); " +
                             "direction = to (default: who can reach this point) | from (where one can get to); crs = wgs84 | gcj02 | bd09. " +
                             $"The point's region answers (GET /api/v1/regions); 422 outside every region (naming the nearest) or more than {MaxSnapM} m " +
                             "from a road usable by the mode; 503 while no road graph is loaded. " +
                             "Polygon parts and holes smaller than one raster cell (walk 30 m, e-bike 60 m, car 100 m square) are left out.")
            .ProducesValidationProblem().ProducesProblem(422).ProducesProblem(503);
        return api;
    }

    /// <summary>The area (m²) of the raster cell the engine traces <paramref name="mode"/>'s polygons on: smaller parts are grid artefacts.</summary>
    public static double SpeckAreaM2(TravelMode mode) => GeoJsonGeometry.CellArea(new IsochroneOptions().ForMode(mode).CellSizeM!.Value);

    static Results<GeoJson<IsochroneBandProperties, IsochroneMembers>, ProblemHttpResult, ValidationProblem> Handle([AsParameters] IsochroneQuery q, GraphHost graphs, IsochroneCache isochrones)
    {
        var v = new Validation();
        v.Coordinates(q.Lon, q.Lat);
        var direction = q.Direction?.Trim().ToLowerInvariant() switch
        {
            null or "" or "to" => SearchDirection.Reverse,
            "from" => SearchDirection.Forward,
            _ => (SearchDirection?)null,
        };
        if (direction is null) v.Add("direction", "direction must be 'to' (who can reach the point) or 'from' (where one can get to).");
        if (!v.IsValid) return v.Problem();
        var mode = q.Mode?.Value ?? TravelMode.Ebike;
        var minutes = Bands.Or(q.Minutes, 15);
        var crs = CrsParameter.Or(q.Crs);

        var (lon, lat) = CoordinateSystems.ToWgs84(crs, q.Lon!.Value, q.Lat!.Value);
        var region = graphs.For(lon, lat);
        if (region.Problem is { } outside) return outside;
        var graph = region.Graph!;
        var key = $"iso:{graph.Info.Version}:{mode}:{direction}:{string.Join(',', minutes)}:{crs}:{Math.Round(lon, 5)}:{Math.Round(lat, 5)}";
        if (isochrones.Cache.TryGetValue(key, out GeoJson<IsochroneBandProperties, IsochroneMembers>? cached)) return cached!;

        var result = graph.Engine.Isochrone(lon, lat, mode, direction!.Value, minutes.Select(m => (double)m).ToList(), MaxSnapM);
        if (result is null) return Problems.OutsideNetwork(mode.Name(), MaxSnapM);

        var speck = SpeckAreaM2(mode);
        var directionName = direction == SearchDirection.Reverse ? "to" : "from";
        var features = result.Bands.Select(band => GeoJson.Feature(GeoJsonGeometry.Write(band.Geometry, crs, speck),
            GeoJson.Properties(new IsochroneBandProperties(band.Minutes, mode.Name(), directionName, Math.Round(band.AreaKm2, 3), graph.Info.Version))));
        var (oLon, oLat) = CoordinateSystems.FromWgs84(crs, lon, lat);
        var body = GeoJson.Collection<IsochroneBandProperties, IsochroneMembers>(crs, features, new IsochroneMembers(new IsochroneOrigin(oLon, oLat),
            result.Origin is { } snap ? Math.Round(snap.DistanceM, 1) : null, graph.Info.Version, graph.Info.Attribution, graph.Info.Region));
        isochrones.Cache.Set(key, body, new MemoryCacheEntryOptions { Size = 1 });
        return body;
    }
}

/// <summary>The isochrone LRU: a few hundred recent answers, keyed by graph version so a new graph never serves old polygons.</summary>
public sealed class IsochroneCache
{
    public MemoryCache Cache { get; } = new(new MemoryCacheOptions { SizeLimit = 512, CompactionPercentage = 0.25 });
}
