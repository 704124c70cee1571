using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;

using StationMap.Api.Infrastructure.Http;

namespace StationMap.Api.Features.Maps;

/// <summary><c>services</c>: comma-separated service kinds, a station must host one (any time); <c>v</c>: a cache-busting token, not read.</summary>
public sealed record StationTileQuery(
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "services")] string? Services,
    [Microsoft.AspNetCore.Mvc.FromQuery(Name = "v")] string? V);

/// <summary>
/// Mapbox vector tiles of the stations (source-layer <c>stations</c>), made by PostGIS
/// (<c>stationmap.station_tile</c>, migration 0015). Below <see cref="ClusterBelowZoom"/> a tile holds
/// clusters made on the server: cells of <see cref="ClusterCell"/> tile units (a 16th of the tile
/// side, 32 CSS pixels on a 512-pixel tile), each a point at its members' mean with <c>cluster</c>
/// (true), <c>count</c> and <c>open_count</c>. From that zoom on, one feature per station (MVT
/// feature id = station id) with <c>id</c>, <c>name</c>, <c>tier</c>, <c>open_state</c>; a tile
/// holding more than <see cref="MaxStationsPerTile"/> stations is shown as clusters
/// instead. Whatever the density a tile stays within <see cref="MaxTileBytes"/>: a tile that would
/// not is made again with cells twice as wide (never needed with these cells: a grid of 34 × 34
/// clusters is about 20 KB, 1,000 stations about 60 KB; the retry is the guarantee).
/// Open state comes from station_open_state (kept current by <see cref="StationOpenStates"/>), so
/// a tile is cached for <see cref="MaxAgeSeconds"/>; its ETag is made of the station-set and
/// open-state versions (and the filter), so a revalidation is answered 304 without making the tile.
/// Unfiltered cluster tiles, and the tiles up to zoom 15 holding too many stations to list, read the
/// pyramid station_cluster (rebuilt by the same job when the stations or their states changed, at
/// most every 15 s; its version is in the ETag too): a province tile then reads at most 256 rows
/// instead of aggregating 100,000 stations. With a services filter clusters are aggregated per
/// request (slower at province zooms, still capped in size).
/// </summary>
public static class StationTiles
{
    public const string ContentType = "application/vnd.mapbox-vector-tile";
    public const string Layer = "stations";
    public const int MinZoom = 0;
    public const int MaxZoom = 22;
    /// <summary>Tiles of a lower zoom hold clusters; at and above it, stations.</summary>
    public const int ClusterBelowZoom = 12;
    /// <summary>Cluster cell side in tile units (extent 4096).</summary>
    public const int ClusterCell = 256;
    public const int MaxStationsPerTile = 1000;
    public const int MaxTileBytes = 100 * 1024;
    public const int MaxAgeSeconds = 60;

    public static RouteGroupBuilder MapStationTiles(this RouteGroupBuilder api)
    {
        api.MapGet("/tiles/stations/{z:int}/{x:int}/{y:int}.mvt", Handle)
            .WithTags("Maps").WithName("StationTiles").ReadsMayLag()
            .WithSummary("Vector tile of the stations (source-layer stations): clusters below zoom 12, stations from zoom 12")
            .WithDescription("Mapbox Vector Tile, layer stations. Below zoom 12 (ClusterBelowZoom) features are clusters made on the server " +
                             "(cluster=true, count, open_count = members open now); from zoom 12 one feature per station, feature id = station id, " +
                             "with id, name, tier and open_state (open | closed | unknown, as open_state.state of the station API, now). " +
                             "A tile with more than 1,000 stations is shown as clusters instead, so no tile exceeds 100 KB. " +
                             "204 when the tile is empty. Cache-Control max-age=60; the ETag follows the station set and the open states, " +
                             "If-None-Match answers 304. services (comma-separated service kinds) keeps stations hosting one of them; " +
                             "v may carry any cache-busting token. Server-Timing tile;dur=ms.")
            .Produces(200, contentType: ContentType).Produces(204).Produces(304).ProducesValidationProblem();
        return api;
    }

    static async Task<Results<FileContentHttpResult, NoContent, StatusCodeHttpResult, ValidationProblem>> Handle(
        int z, int x, int y, [AsParameters] StationTileQuery query, ReadRouting reads, HttpContext http, CancellationToken ct)
    {
        var v = new Validation();
        v.Range(z, "z", MinZoom, MaxZoom);
        var size = 1L << Math.Clamp(z, 0, 30);
        if (x < 0 || x >= size) v.Add("x", $"x must be between 0 and {size - 1} at zoom {z}.");
        if (y < 0 || y >= size) v.Add("y", $"y must be between 0 and {size - 1} at zoom {z}.");
        var kinds = StationFilters.ParseList(query.Services, "services", StationVocabulary.ServiceKinds, v);
        if (!v.IsValid) return v.Problem();
        var data = reads.For(http);   // a replica may serve tiles: they are cached for a minute anyway

        var clock = Stopwatch.StartNew();
        await using var conn = await data.OpenConnectionAsync(ct);
        // One snapshot for the versions and the tile, so the tag never names newer rows than the tile shows.
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        // Unfiltered cluster tiles read the pyramid (its own version); the rest the stations and their open states.
        var pyramid = z < ClusterBelowZoom && kinds.Length == 0;
        string own;
        await using (var cmd = new NpgsqlCommand(
            "SELECT v.stations, v.open_states, c.version FROM station_tile_version v, station_cluster_version c", conn, tx))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            own = string.Create(CultureInfo.InvariantCulture, $"\"t{r.GetInt64(0)}-{r.GetInt64(1)}-{r.GetInt64(2)}") +
                  (kinds.Length == 0 ? "" : "-" + string.Join('_', kinds.Order(StringComparer.Ordinal))) + "\"";
        }
        http.Response.Headers.CacheControl = $"public, max-age={MaxAgeSeconds}";
        if (EntityTags.Matching(http.Request.Headers.IfNoneMatch, own) is { } matched)
        {
            http.Response.Headers.ETag = matched;
            Timing(http, clock);
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        // ConditionalGets keeps this as the prefix of the tag it hashes from the body.
        http.Response.Headers.ETag = own;

        var cell = z < ClusterBelowZoom ? ClusterCell : 0;
        byte[] tile;
        if (pyramid)
        {
            // A pyramid tile holds at most 16 × 16 clusters (a few KB): no size check needed.
            await using var cmd = new NpgsqlCommand("SELECT stationmap.station_cluster_tile($1, $2, $3)", conn, tx);
            cmd.Parameters.AddWithValue(z);
            cmd.Parameters.AddWithValue(x);
            cmd.Parameters.AddWithValue(y);
            tile = await cmd.ExecuteScalarAsync(ct) as byte[] ?? [];   // NULL (no rows) is an empty tile: 204
        }
        else while (true)
        {
            await using var cmd = new NpgsqlCommand("SELECT stationmap.station_tile($1, $2, $3, $4, $5, $6)", conn, tx);
            cmd.Parameters.AddWithValue(z);
            cmd.Parameters.AddWithValue(x);
            cmd.Parameters.AddWithValue(y);
            cmd.Parameters.AddWithValue(cell);
            cmd.Parameters.AddWithValue(MaxStationsPerTile);
            cmd.Parameters.AddWithValue(kinds);
            tile = await cmd.ExecuteScalarAsync(ct) as byte[] ?? [];   // NULL (no rows) is an empty tile: 204
            if (tile.Length <= MaxTileBytes || cell >= 4096) break;
            cell = cell == 0 ? 128 : cell * 2;
        }
        await tx.CommitAsync(ct);
        Timing(http, clock);
        return tile.Length == 0 ? TypedResults.NoContent() : TypedResults.File(tile, ContentType);
    }

    static void Timing(HttpContext http, Stopwatch clock) =>
        http.Response.Headers["Server-Timing"] = $"tile;dur={clock.Elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture)}";
}
