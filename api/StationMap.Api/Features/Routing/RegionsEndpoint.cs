using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using StationMap.Api.Features.RoadNetwork;

namespace StationMap.Api.Features.Routing;

/// <summary>One region: its name, the active graph's version and size, the extent of its network and its attribution.</summary>
/// <param name="Name">The region's name, as given to <c>import-osm --region</c>.</param>
/// <param name="Extent">Bounding box of the network: [minLon, minLat, maxLon, maxLat] (degrees, WGS-84).</param>
/// <param name="Version">The active road graph's version (changes with every import of the region).</param>
/// <param name="Vertices">Vertices of the active graph.</param>
/// <param name="Edges">Edges of the active graph.</param>
/// <param name="Source">osm, demo or synthetic.</param>
/// <param name="Attribution">Attribution the road data requires (OpenStreetMap), or null for generated data.</param>
/// <param name="ActivatedAt">When the version became active.</param>
/// <param name="Loaded">Whether this API instance has the version in memory (false for a moment after an import).</param>
public sealed record RegionView(string Name, double[]? Extent, long Version, int Vertices, int Edges, string Source, string? Attribution,
    DateTimeOffset? ActivatedAt, bool Loaded);

public sealed record RegionList(IReadOnlyList<RegionView> Items);

/// <summary>
/// GET /api/v1/regions: the regions whose road graphs are active, read from road_graph (one active
/// graph per region, migration 0017). A routing query goes to the region whose network contains its
/// point; a point outside all of them is answered 422 naming the nearest.
/// </summary>
public static class RegionsEndpoint
{
    public static RouteGroupBuilder MapRegions(this RouteGroupBuilder api)
    {
        api.MapGet("/regions", Handle)
            .WithTags("Service areas").WithName("Regions")
            .WithSummary("The regions with an active road network: name, extent, version, vertices, edges, attribution")
            .WithDescription("Isochrones, nearest and reachable stations by time and service areas are answered by the region whose " +
                             "network (its hull: the roads' convex hull widened by 500 m) contains the point; a point outside every region " +
                             "is a 422 problem naming the nearest region (nearest_region, distance_m). Import a region with " +
                             "./stationmap import-osm FILE --region NAME; other regions keep serving while it is replaced.")
            .Produces<RegionList>(200).ProducesProblem(503);
        return api;
    }

    static async Task<Ok<RegionList>> Handle(NpgsqlDataSource data, GraphHost graphs, CancellationToken ct)
    {
        List<GraphInfo> active;
        await using (var conn = await data.OpenConnectionAsync(ct)) active = await RoadGraphStore.ActiveInfosAsync(conn, ct);
        var loaded = graphs.Regions;
        return TypedResults.Ok(new RegionList([.. active.Select(r => new RegionView(r.Region, r.Extent, r.Version, r.VertexCount, r.EdgeCount,
            r.Source, r.Attribution, r.ActivatedAt, loaded[r.Region]?.Info.Version == r.Version))]));
    }
}
