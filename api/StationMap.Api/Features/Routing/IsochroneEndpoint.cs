using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Caching.Memory;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Routing;

namespace StationMap.Api.Features.Routing;

public sealed record IsochroneQuery(
    [FromQuery(Name = "lon")] double? Lon,
    [FromQuery(Name = "lat")] double? Lat,
    [FromQuery(Name = "mode")] string? Mode,
    [FromQuery(Name = "minutes")] string? Minutes,
    [FromQuery(Name = "direction")] string? Direction,
    [FromQuery(Name = "crs")] string? Crs);

/// <summary>
/// Travel-time polygons for any point (planners testing a site): one bounded search on the
/// in-memory graph, bands traced from one grid. <c>direction=to</c> (default) is "who can reach
/// here", <c>from</c> is "where can I get to". Answers are cached (LRU by point, mode, bands,
/// direction and graph version).
/// </summary>
public static class IsochroneEndpoint
{
    public const int MaxBands = 4;
    public const int MaxMinutes = 60;
    public const double MaxSnapM = 500;

    public static IEndpointRouteBuilder MapIsochrones(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/isochrones", Handle).AllowOnlyQueryOf<IsochroneQuery, RouteHandlerBuilder>()
            .WithTags("Service areas").WithName("Isochrones")
            .WithSummary("Travel-time bands around any point over the road network (GeoJSON)")
            .WithDescription($"mode = walk | ebike (default) | car; minutes = up to {MaxBands} comma-separated cut-offs, each 1–{MaxMinutes} (default 15); " +
                             "direction = to (default: who can reach this point) | from (where one can get to); crs = wgs84 | gcj02 | bd09. " +
                             $"422 when the point is more than {MaxSnapM} m from a road usable by the mode; 503 while no road graph is loaded.")
            .Produces(200, contentType: StationFormats.GeoJsonType)
            .ProducesValidationProblem().ProducesProblem(422).ProducesProblem(503);
        return app;
    }

    internal static List<int>? ParseMinutes(string? text, Validation v, string name = "minutes")
    {
        if (string.IsNullOrWhiteSpace(text)) return [15];
        var result = new List<int>();
        foreach (var part in text.Split(','))
        {
            if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m < 1 || m > MaxMinutes)
            {
                v.Add(name, $"{name} must be whole minutes between 1 and {MaxMinutes}, comma-separated ('{part.Trim()}' is not).");
                return null;
            }
            if (!result.Contains(m)) result.Add(m);
        }
        if (result.Count > MaxBands) { v.Add(name, $"{name} allows at most {MaxBands} bands."); return null; }
        result.Sort();
        return result;
    }

    internal static TravelMode? ParseMode(string? text, Validation v, TravelMode fallback = TravelMode.Ebike)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (TravelModes.TryParse(text, out var mode)) return mode;
        v.Add("mode", "mode must be one of walk, ebike, car.");
        return null;
    }

    internal static IResult NoGraph() => TypedResults.Problem(statusCode: 503, title: "No road network is loaded.",
        type: "/problems/no-road-network",
        detail: "Travel times need a road network: import one with ./stationmap import-osm FILE (the demo set-up generates one).");

    internal static IResult OutsideNetwork(string mode) => TypedResults.Problem(statusCode: 422, title: "Outside the road network.",
        type: "/problems/outside-road-network",
        detail: $"The point is more than {MaxSnapM:0} m from any road usable by {mode}.");

    static IResult Handle([AsParameters] IsochroneQuery q, GraphHost graphs, IsochroneCache isochrones)
    {
        var v = new Validation();
        v.Coordinates(q.Lon, q.Lat);
        var mode = ParseMode(q.Mode, v);
        var minutes = ParseMinutes(q.Minutes, v);
        var direction = q.Direction?.Trim().ToLowerInvariant() switch
        {
            null or "" or "to" => SearchDirection.Reverse,
            "from" => SearchDirection.Forward,
            _ => (SearchDirection?)null,
        };
        if (direction is null) v.Add("direction", "direction must be 'to' (who can reach the point) or 'from' (where one can get to).");
        var crs = v.Crs(q.Crs);
        if (!v.IsValid) return v.Problem();

        var graph = graphs.Current;
        if (graph is null) return NoGraph();
        var (lon, lat) = CoordinateSystems.ToWgs84(crs, q.Lon!.Value, q.Lat!.Value);
        var key = $"iso:{graph.Info.Version}:{mode}:{direction}:{string.Join(',', minutes!)}:{crs}:{Math.Round(lon, 5)}:{Math.Round(lat, 5)}";
        if (isochrones.Cache.TryGetValue(key, out string? cached)) return Results.Text(cached!, StationFormats.GeoJsonType, Encoding.UTF8);

        var result = graph.Engine.Isochrone(lon, lat, mode!.Value, direction!.Value, minutes!.Select(m => (double)m).ToList(), MaxSnapM);
        if (result is null) return OutsideNetwork(mode.Value.Name());

        var features = new JsonArray();
        foreach (var band in result.Bands)
        {
            features.Add(RoutingGeoJson.Feature(band.Geometry, crs, new JsonObject
            {
                ["minutes"] = band.Minutes, ["mode"] = mode.Value.Name(), ["direction"] = direction == SearchDirection.Reverse ? "to" : "from",
                ["area_km2"] = Math.Round(band.AreaKm2, 3), ["graph_version"] = graph.Info.Version,
            }));
        }
        var (oLon, oLat) = CoordinateSystems.FromWgs84(crs, lon, lat);
        var body = new JsonObject
        {
            ["type"] = "FeatureCollection",
            ["origin"] = new JsonObject { ["lon"] = oLon, ["lat"] = oLat },
            ["snap_distance_m"] = result.Origin is { } snap ? Math.Round(snap.DistanceM, 1) : null,
            ["graph_version"] = graph.Info.Version,
            ["attribution"] = graph.Info.Attribution,
            ["crs"] = CoordinateSystems.Name(crs),
            ["features"] = features,
        }.ToJsonString(ApiJson.Options);
        isochrones.Cache.Set(key, body, new MemoryCacheEntryOptions { Size = 1 });
        return Results.Text(body, StationFormats.GeoJsonType, Encoding.UTF8);
    }
}

/// <summary>The isochrone LRU: a few hundred recent answers, keyed by graph version so a new graph never serves old polygons.</summary>
public sealed class IsochroneCache
{
    public MemoryCache Cache { get; } = new(new MemoryCacheOptions { SizeLimit = 512, CompactionPercentage = 0.25 });
}
