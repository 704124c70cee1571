using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;
using StationMap.Api.Features.Maps;
using StationMap.Api.Features.Routing;
using StationMap.Api.Features.ServiceAreas;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Formats;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Parameters;
using StationMap.Routing;

namespace StationMap.Api.Features.Coverage;

public sealed record GapsQuery(
    [FromQuery(Name = "mode")] TravelModeParameter? Mode,
    [FromQuery(Name = "minutes")] int? Minutes,
    [FromQuery(Name = "at")] string? At,
    [FromQuery(Name = "bbox")] Bbox? Bbox,
    [FromQuery(Name = "district")] long? District,
    [FromQuery(Name = "cell")] int? Cell,
    [FromQuery(Name = "crs")] CrsParameter? Crs);

public sealed record GapTileQuery(
    [FromQuery(Name = "mode")] TravelModeParameter? Mode,
    [FromQuery(Name = "minutes")] int? Minutes,
    [FromQuery(Name = "at")] string? At,
    [FromQuery(Name = "v")] string? V);

public sealed record UncoveredQuery(
    [FromQuery(Name = "mode")] TravelModeParameter? Mode,
    [FromQuery(Name = "minutes")] int? Minutes,
    [FromQuery(Name = "at")] string? At,
    [FromQuery(Name = "district")] long? District,
    [FromQuery(Name = "crs")] CrsParameter? Crs);

/// <summary>Properties of one gap hexagon: minutes from its centre to the nearest open station (null = off the network or beyond 60 min).</summary>
/// <summary>The top-level members of the gap surface.</summary>
/// <param name="Parameters">The parameters the surface was computed with (mode, minutes, at, district, bbox, cell_m, srid).</param>
/// <param name="GraphVersion">Version of the road graph used.</param>
/// <param name="DataTime">Time of the newest station or demand data used.</param>
/// <param name="StationsConsidered">Open stations in the scenario.</param>
/// <param name="Attribution">Attribution the road data requires (OpenStreetMap), or null for demo data.</param>
public sealed record GapMembers(JsonObject Parameters, long GraphVersion, DateTimeOffset? DataTime, int StationsConsidered, string? Attribution);

/// <summary>The top-level members of the uncovered areas.</summary>
/// <param name="Parameters">The parameters the areas were computed with (mode, minutes, at, district).</param>
/// <param name="GraphVersion">Version of the road graph used.</param>
/// <param name="DataTime">Time of the newest station or demand data used.</param>
/// <param name="StationsConsidered">Open stations whose service areas were subtracted.</param>
public sealed record UncoveredMembers(JsonObject Parameters, long GraphVersion, DateTimeOffset? DataTime, int StationsConsidered);

public sealed record GapCell(double? Minutes, bool Covered);

/// <summary>Properties of one district's uncovered area.</summary>
public sealed record UncoveredArea(long DistrictId, string Name, double AreaKm2, double UncoveredKm2, double UncoveredPct);

/// <summary>
/// The gap surface: travel minutes to the nearest open station at the centre of hexagons
/// (PostGIS <c>ST_HexagonGrid</c>; GeoJSON in the local UTM zone so cells are true metres, vector
/// tiles in Web Mercator scaled to ground metres at the graph's latitude so tiles join seamlessly),
/// and the uncovered area as polygons (district minus the union of the stored service areas).
/// Minutes come from the cached access field in memory; SQL only makes and draws the cells.
/// </summary>
public static class GapEndpoints
{
    public const int MaxCells = 20_000;
    public const int MinCellM = 100, MaxCellM = 2000;
    public const int MinZoom = 8, MaxZoom = 18;

    public static RouteGroupBuilder MapCoverageGaps(this RouteGroupBuilder api)
    {
        api.MapGet("/coverage/gaps", Gaps)
            .WithTags("Coverage").WithName("CoverageGaps")
            .WithSummary("Gap surface: hexagons with the travel minutes from their centre to the nearest open station (GeoJSON)")
            .WithDescription($"bbox=minLon,minLat,maxLon,maxLat or district=ID (one is required); cell = hexagon edge in metres {MinCellM}–{MaxCellM} " +
                             $"(default 250; at most {MaxCells} cells); mode, minutes, at as for /coverage. Properties: minutes (null = off the network " +
                             "or no station within 60 min) and covered. The bbox is answered on the region it is in (its centre's, else the one it " +
                             "overlaps most); 422 (/problems/outside-regions) when it touches no region. 404 unknown district; 503 no road graph.")
            .ProducesValidationProblem().ProducesProblem(404).ProducesProblem(422).ProducesProblem(503);
        api.MapGet("/coverage/gaps/tiles/{z:int}/{x:int}/{y:int}.mvt", Tile)
            .WithTags("Coverage").WithName("CoverageGapTiles")
            .WithSummary($"Gap surface as vector tiles (source-layer gaps), zoom {MinZoom}–{MaxZoom}")
            .WithDescription("Hexagons sized by zoom (2000 m at z8–10 down to 100 m from z14); properties minutes (−1 = unreachable within 60 min " +
                             "or off the network) and covered. 204 outside the road network. v may carry a cache-busting token.")
            .Produces(200, contentType: RoadTiles.ContentType).Produces(204).ProducesValidationProblem().ProducesProblem(503);
        api.MapGet("/coverage/uncovered", Uncovered)
            .WithTags("Coverage").WithName("CoverageUncovered")
            .WithSummary("Uncovered area per district: the district minus the union of the open stations' stored service areas (GeoJSON)")
            .WithDescription("minutes = 5, 10 or 15 (the stored bands; default 15); mode = walk | ebike; at = only stations open then; " +
                             "district = one district (default all). Properties district_id, name, area_km2, uncovered_km2, uncovered_pct. " +
                             "Parts and holes smaller than one raster cell of the mode's service areas (walk 30 m, e-bike 60 m square) are left out.")
            .ProducesValidationProblem().ProducesProblem(404).ProducesProblem(503);
        return api;
    }

    /// <summary>The UTM zone (WGS 84, EPSG 326xx north / 327xx south) holding a point: a metric SRID for cell sizes.</summary>
    public static int UtmSrid(double lon, double lat) => (lat >= 0 ? 32600 : 32700) + Math.Clamp((int)Math.Floor((lon + 180) / 6) + 1, 1, 60);

    /// <summary>Minutes to the nearest station from each centre (null = off network or beyond 60 min).</summary>
    static double?[] CentreMinutes(AccessField field, RoutingEngine engine, TravelMode mode, IReadOnlyList<(double Lon, double Lat)> centres)
    {
        var result = new double?[centres.Count];
        if (field.Result is not { } r) return result;
        Parallel.For(0, centres.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            if (engine.Snap(centres[i].Lon, centres[i].Lat, mode, CoverageEngine.OffNetworkM) is not { } snap) return;
            var (_, t) = engine.NearestSourceAt(r, snap);
            if (double.IsFinite(t)) result[i] = CoverageReport.Minutes(t);
        });
        return result;
    }

    static async Task<Results<GeoJson<GapCell, GapMembers>, ProblemHttpResult, ValidationProblem>> Gaps([AsParameters] GapsQuery q, GraphHost graphs, CoverageEngine engine, NpgsqlDataSource data, CancellationToken ct)
    {
        var v = new Validation();
        var p = CoverageRequest.Parse(q.Mode, q.Minutes, null, q.District, q.At, v);
        v.Range(q.Cell, "cell", MinCellM, MaxCellM);
        var crs = CrsParameter.Or(q.Crs);
        var bbox = q.Bbox?.ToWgs84(crs);
        if (q.Bbox is null && q.District is null) v.Add("bbox", "bbox (minLon,minLat,maxLon,maxLat) or district is required.");
        if (q.Bbox is not null && q.District is not null) v.Add("bbox", "Use either bbox or district, not both.");
        if (!v.IsValid) return v.Problem();
        var (c, problem) = await CoverageRequest.ResolveAsync(p!, graphs, engine, data, withDemand: false, ct,
            box: bbox?.EnvelopeInternal);
        if (problem is not null) return problem;

        var cell = q.Cell ?? 250;
        var centre = bbox?.Centroid.Coordinate ?? new Coordinate(c!.Graph.Engine.Graph.Projection.Lon0, c.Graph.Engine.Graph.Projection.Lat0);
        Geometry? district = null;
        if (q.District is { } districtId)
        {
            district = await DistrictStore.GeometryAsync(data, districtId, ct);
            if (district is not null) centre = district.Centroid.Coordinate;
        }
        var srid = UtmSrid(centre.X, centre.Y);
        await using var cmd = data.CreateCommand("SELECT lon, lat, ST_AsBinary(geom) FROM stationmap.gap_hexagons(coalesce($1::geometry, $2::geometry), $3, $4, $5)");
        cmd.Parameters.AddWithValue(NpgsqlDbType.Geometry, (object?)district ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Geometry, (object?)bbox ?? DBNull.Value);
        cmd.Parameters.AddWithValue(srid);
        cmd.Parameters.AddWithValue((double)cell);
        cmd.Parameters.AddWithValue(MaxCells + 1);
        var centres = new List<(double, double)>();
        var shapes = new List<Geometry>();
        var wkb = new NetTopologySuite.IO.WKBReader();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                centres.Add((r.GetDouble(0), r.GetDouble(1)));
                shapes.Add(wkb.Read(r.GetFieldValue<byte[]>(2)));
            }
        if (centres.Count > MaxCells)
        {
            v.Add("cell", $"cell {cell} m gives more than {MaxCells} hexagons over this area: use a larger cell or a smaller bbox.");
            return v.Problem();
        }
        var minutes = CentreMinutes(c!.Field, c.Graph.Engine, p!.Mode, centres);
        // Whole hexagons (never clipped), so there are no specks to drop.
        var features = shapes.Select((shape, i) => GeoJson.Feature(GeoJsonGeometry.Write(shape, crs, polygon: true),
            GeoJson.Properties(new GapCell(minutes[i], minutes[i] <= p.Minutes))));
        return GeoJson.Collection<GapCell, GapMembers>(crs, features, new GapMembers(
            new JsonObject
            {
                ["mode"] = p.Mode.Name(),
                ["minutes"] = p.Minutes,
                ["at"] = p.AtText,
                ["district"] = p.District,
                ["bbox"] = q.Bbox?.ToString(),
                ["cell_m"] = cell,
                ["srid"] = srid,
            },
            c.Graph.Info.Version, c.DataTime, c.Scenario.Stations.Count, c.Graph.Info.Attribution));
    }

    /// <summary>Hexagon edge by zoom: about 1/32 of the tile width, in steps, 2000 m down to 100 m.</summary>
    public static int CellForZoom(int z) => z switch { <= 10 => 2000 / (z == 10 ? 2 : 1), 11 => 500, 12 => 250, 13 => 150, _ => 100 };

    /// <summary>The WGS-84 centre of XYZ tile (z, x, y): the region of a tile is the one covering its centre.</summary>
    static (double Lon, double Lat) TileCentre(int z, int x, int y)
    {
        var n = Math.Pow(2, z);
        var lon = (x + 0.5) / n * 360 - 180;
        var lat = Math.Atan(Math.Sinh(Math.PI * (1 - 2 * (y + 0.5) / n))) * 180 / Math.PI;
        return (lon, lat);
    }

    static async Task<Results<FileContentHttpResult, NoContent, ProblemHttpResult, ValidationProblem>> Tile(int z, int x, int y, [AsParameters] GapTileQuery q, GraphHost graphs, CoverageEngine engine,
        NpgsqlDataSource data, HttpContext http, CancellationToken ct)
    {
        var v = new Validation();
        var p = CoverageRequest.Parse(q.Mode, q.Minutes, null, null, q.At, v);
        v.Range(z, "z", MinZoom, MaxZoom);
        var size = 1L << Math.Clamp(z, 0, 30);
        if (x < 0 || x >= size) v.Add("x", $"x must be between 0 and {size - 1} at zoom {z}.");
        if (y < 0 || y >= size) v.Add("y", $"y must be between 0 and {size - 1} at zoom {z}.");
        if (!v.IsValid) return v.Problem();
        var (c, problem) = await CoverageRequest.ResolveAsync(p!, graphs, engine, data, withDemand: false, ct, TileCentre(z, x, y));
        if (problem is not null) return problem;

        // Web Mercator units are ground metres / cos(latitude): one scale for the whole graph keeps the grid identical across tiles.
        var graph = c!.Graph.Engine.Graph;
        var hex = CellForZoom(z) / Math.Cos(graph.Projection.Lat0 * Math.PI / 180);
        var (minLon, minLat, maxLon, maxLat) = graph.Bounds;
        await using var conn = await data.OpenConnectionAsync(ct);
        var ij = new List<(int I, int J)>();
        var centres = new List<(double, double)>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT i, j, lon, lat FROM stationmap.gap_tile_cells($1, $2, $3, $4, ST_MakeEnvelope($5, $6, $7, $8, 4326))", conn))
        {
            foreach (var a in new object[] { z, x, y, hex, minLon, minLat, maxLon, maxLat }) cmd.Parameters.AddWithValue(a);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                ij.Add((r.GetInt32(0), r.GetInt32(1)));
                centres.Add((r.GetDouble(2), r.GetDouble(3)));
            }
        }
        http.Response.Headers.CacheControl = "public, max-age=30";
        if (ij.Count == 0) return TypedResults.NoContent();
        var minutes = CentreMinutes(c.Field, c.Graph.Engine, p!.Mode, centres);
        await using var draw = new NpgsqlCommand("SELECT stationmap.gap_tile($1, $2, $3, $4, $5, $6, $7, $8)", conn);
        foreach (var a in new object[] { z, x, y, hex }) draw.Parameters.AddWithValue(a);
        draw.Parameters.AddWithValue(ij.Select(k => k.I).ToArray());
        draw.Parameters.AddWithValue(ij.Select(k => k.J).ToArray());
        draw.Parameters.AddWithValue(minutes.Select(m => (float)(m ?? -1)).ToArray());
        draw.Parameters.AddWithValue(minutes.Select(m => m <= p.Minutes).ToArray());
        var bytes = await draw.ExecuteScalarAsync(ct) as byte[];
        return bytes is null || bytes.Length == 0 ? TypedResults.NoContent() : TypedResults.File(bytes, RoadTiles.ContentType);
    }

    static async Task<Results<GeoJson<UncoveredArea, UncoveredMembers>, ProblemHttpResult, ValidationProblem>> Uncovered([AsParameters] UncoveredQuery q, GraphHost graphs, CoverageEngine engine, NpgsqlDataSource data,
        CancellationToken ct)
    {
        var v = new Validation();
        var p = CoverageRequest.Parse(q.Mode, q.Minutes, null, q.District, q.At, v);
        if (q.Minutes is { } m && m is not (5 or 10 or 15)) v.Add("minutes", "minutes must be 5, 10 or 15 (the stored service-area bands).");
        var crs = CrsParameter.Or(q.Crs);
        if (!v.IsValid) return v.Problem();
        var (c, problem) = await CoverageRequest.ResolveAsync(p!, graphs, engine, data, withDemand: false, ct);
        if (problem is not null) return problem;

        var ids = c!.Scenario.Stations.Select(s => s.Id).ToArray();
        // The union of hundreds of service areas takes seconds; it only changes with the station
        // set, the graph, the districts or a new pass of the service-area job, which the key names.
        var stamp = $"{await DistrictStore.StampAsync(data, ct)}:{(await ServiceAreaStore.LastComputedAtAsync(data, ct))?.UtcTicks}";
        var key = $"uncovered|{c.Graph.Info.Version}|{p!.Mode}|{p.Minutes}|{c.Scenario.Fingerprint}|{q.District}|{stamp}";
        var rows = await engine.MemoAsync(key, () => UncoveredRowsAsync(data, ids, p.Mode.Name(), p.Minutes, q.District));
        var wkb = new NetTopologySuite.IO.WKBReader();
        // The difference of a district and traced service areas leaves slivers along the areas' edges:
        // anything smaller than one raster cell of those areas is an artefact, not an uncovered place.
        var speck = IsochroneEndpoint.SpeckAreaM2(p.Mode);
        var features = rows.Select(row => GeoJson.Feature(GeoJsonGeometry.Write(wkb.Read(row.Wkb), crs, speck), GeoJson.Properties(
            new UncoveredArea(row.Id, row.Name, Math.Round(row.AreaKm2, 3), Math.Round(row.UncoveredKm2, 3), CoverageReport.Pct(row.UncoveredKm2, row.AreaKm2)))));
        return GeoJson.Collection<UncoveredArea, UncoveredMembers>(crs, features, new UncoveredMembers(
            new JsonObject { ["mode"] = p.Mode.Name(), ["minutes"] = p.Minutes, ["at"] = p.AtText, ["district"] = p.District },
            c.Graph.Info.Version, c.DataTime, ids.Length));
    }

    sealed record UncoveredRow(long Id, string Name, double AreaKm2, byte[] Wkb, double UncoveredKm2);

    /// <summary>Each district minus the union of the given stations' stored bands (WGS-84 WKB, km²).</summary>
    static async Task<List<UncoveredRow>> UncoveredRowsAsync(NpgsqlDataSource data, long[] ids, string mode, int minutes, long? district)
    {
        // stationmap.uncovered_area (migration 0007): the union is per district, prefiltered on service_area_geom_idx.
        await using var cmd = data.CreateCommand("SELECT id, name, area_km2, ST_AsBinary(geom), uncovered_km2 FROM stationmap.uncovered_area($1, $2, $3, $4)");
        cmd.Parameters.AddWithValue(ids);
        cmd.Parameters.AddWithValue(mode);
        cmd.Parameters.AddWithValue(minutes);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Bigint, (object?)district ?? DBNull.Value);
        var rows = new List<UncoveredRow>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            rows.Add(new UncoveredRow(r.GetInt64(0), r.GetString(1), r.GetDouble(2), r.GetFieldValue<byte[]>(3), r.GetDouble(4)));
        return rows;
    }
}
