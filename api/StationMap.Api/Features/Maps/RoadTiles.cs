using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using StationMap.Api.Infrastructure;

namespace StationMap.Api.Features.Maps;

/// <summary>
/// Mapbox vector tiles of the active road graph (source-layer <c>roads</c>), for the client's
/// offline basemap: no external tile server is needed to see streets. Properties: <c>class</c>
/// (OSM highway value), <c>name</c>, <c>oneway</c> (1 when cars may use it one way only).
/// Minor classes drop out at low zoom so a tile stays small; empty tiles are 204.
/// </summary>
/// <summary><c>v</c>: any cache-busting token (the client sends the graph version); not read.</summary>
public sealed record RoadTileQuery([Microsoft.AspNetCore.Mvc.FromQuery(Name = "v")] string? V);

public static class RoadTiles
{
    public const string ContentType = "application/vnd.mapbox-vector-tile";
    public const int MinZoom = 8;
    public const int MaxZoom = 16;

    public static RouteGroupBuilder MapRoadTiles(this RouteGroupBuilder api)
    {
        api.MapGet("/tiles/roads/{z:int}/{x:int}/{y:int}.mvt", Handle)
            .WithTags("Maps").WithName("RoadTiles").ReadsMayLag()
            .WithSummary("Vector tile of the loaded road network (source-layer roads), zoom 8–16")
            .WithDescription("Mapbox Vector Tile with class (OSM highway), name and oneway; 204 when the tile is empty. " +
                             "v may carry the graph version to bust caches.")
            .Produces(200, contentType: ContentType).Produces(204).ProducesValidationProblem();
        return api;
    }

    static async Task<Results<FileContentHttpResult, NoContent, ValidationProblem>> Handle(
        int z, int x, int y, [AsParameters] RoadTileQuery query, ReadRouting reads, HttpContext http, CancellationToken ct)
    {
        var v = new Validation();
        v.Range(z, "z", MinZoom, MaxZoom);
        var size = 1L << Math.Clamp(z, 0, 30);
        if (x < 0 || x >= size) v.Add("x", $"x must be between 0 and {size - 1} at zoom {z}.");
        if (y < 0 || y >= size) v.Add("y", $"y must be between 0 and {size - 1} at zoom {z}.");
        if (!v.IsValid) return v.Problem();
        var data = reads.For(http);   // a replica may serve tiles: they are cached for a minute anyway

        // stationmap.road_tile (migration 0009): the edge filter by zoom and the index-friendly envelope live there.
        await using var cmd = data.CreateCommand("SELECT stationmap.road_tile($1, $2, $3)");
        cmd.Parameters.AddWithValue(z);
        cmd.Parameters.AddWithValue(x);
        cmd.Parameters.AddWithValue(y);
        var tile = await cmd.ExecuteScalarAsync(ct) as byte[];
        http.Response.Headers.CacheControl = "public, max-age=300";
        return tile is null || tile.Length == 0 ? TypedResults.NoContent() : TypedResults.File(tile, ContentType);
    }
}
