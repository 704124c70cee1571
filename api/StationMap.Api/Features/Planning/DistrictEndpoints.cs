using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using StationMap.Api.Features.Routing;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Geo;

namespace StationMap.Api.Features.Planning;

public sealed record DistrictQuery([FromQuery(Name = "format")] string? Format, [FromQuery(Name = "crs")] string? Crs);

/// <summary>A district without its polygon; centroid = [lon, lat] of ST_Centroid in the requested crs; area on the ellipsoid.</summary>
public sealed record DistrictView(long Id, string? Code, string Name, string? NameEn, double AreaKm2, bool IsDemo, string Source, double[] Centroid);

public sealed record DistrictList(IReadOnlyList<DistrictView> Items);

/// <summary>Administrative districts for the planner: the per-district tables and filters of coverage refer to these ids.</summary>
public static class DistrictEndpoints
{
    public static IEndpointRouteBuilder MapDistricts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/districts").WithTags("Districts");
        group.MapGet("/", List).AllowOnlyQueryOf<DistrictQuery, RouteHandlerBuilder>()
            .WithName("ListDistricts")
            .WithSummary("Every district with its code, names, area (km²) and centroid; format=geojson adds the polygons")
            .WithDescription("format = json (default) | geojson (MultiPolygons, WGS-84 unless crs = gcj02 | bd09). " +
                             "Districts are replaced as a whole by ./stationmap import-districts; demo districts have is_demo = true.")
            .Produces<DistrictList>(200).Produces(200, contentType: StationFormats.GeoJsonType).ProducesValidationProblem();
        group.MapGet("/{id:long}", Get).AllowOnlyQueryOf<DistrictQuery, RouteHandlerBuilder>()
            .WithName("GetDistrict")
            .WithSummary("One district; format=geojson gives it as a Feature with its polygon")
            .Produces<DistrictView>(200).Produces(200, contentType: StationFormats.GeoJsonType).ProducesValidationProblem().ProducesProblem(404);
        return app;
    }

    static async Task<IResult> List([AsParameters] DistrictQuery query, NpgsqlDataSource data, CancellationToken ct)
    {
        if (Parse(query) is not { } p) return Invalid(query);
        var rows = await ReadAsync(data, null, p.Crs, p.GeoJson, ct);
        if (!p.GeoJson) return TypedResults.Ok(new DistrictList(rows.Select(r => r.View).ToList()));
        var features = new JsonArray([.. rows.Select(r => Feature(r.View, r.Geometry!, p.Crs))]);
        return GeoJson(new JsonObject { ["type"] = "FeatureCollection", ["crs_name"] = CoordinateSystems.Name(p.Crs), ["features"] = features });
    }

    static async Task<IResult> Get(long id, [AsParameters] DistrictQuery query, NpgsqlDataSource data, CancellationToken ct)
    {
        if (Parse(query) is not { } p) return Invalid(query);
        var rows = await ReadAsync(data, id, p.Crs, p.GeoJson, ct);
        if (rows.Count == 0) return TypedResults.Problem(statusCode: 404, title: "No such district.", detail: $"There is no district {id}.");
        return p.GeoJson ? GeoJson(Feature(rows[0].View, rows[0].Geometry!, p.Crs)) : TypedResults.Ok(rows[0].View);
    }

    static (Crs Crs, bool GeoJson)? Parse(DistrictQuery q)
    {
        var format = (q.Format ?? "json").ToLowerInvariant();
        if (!CoordinateSystems.TryParse(q.Crs, out var crs) || format is not ("json" or "geojson")) return null;
        return (crs, format == "geojson");
    }

    static IResult Invalid(DistrictQuery q)
    {
        var v = new Validation();
        v.Crs(q.Crs);
        if ((q.Format ?? "json").ToLowerInvariant() is not ("json" or "geojson")) v.Add("format", "format must be json or geojson.");
        return v.Problem();
    }

    static async Task<List<(DistrictView View, NetTopologySuite.Geometries.Geometry? Geometry)>> ReadAsync(
        NpgsqlDataSource data, long? id, Crs crs, bool withGeometry, CancellationToken ct)
    {
        await using var conn = await data.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            SELECT id, code, name, name_en, area_km2, is_demo, source, ST_X(c), ST_Y(c), CASE WHEN $2 THEN ST_AsBinary(geom) END
            FROM district, ST_Centroid(geom) AS c
            WHERE $1::bigint IS NULL OR id = $1 ORDER BY code NULLS LAST, id
            """, conn);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Bigint, (object?)id ?? DBNull.Value);
        cmd.Parameters.AddWithValue(withGeometry);
        var wkb = new NetTopologySuite.IO.WKBReader();
        var result = new List<(DistrictView, NetTopologySuite.Geometries.Geometry?)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var (lon, lat) = CoordinateSystems.FromWgs84(crs, r.GetDouble(7), r.GetDouble(8));
            result.Add((new DistrictView(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                Math.Round(r.GetDouble(4), 3), r.GetBoolean(5), r.GetString(6), [Math.Round(lon, 6), Math.Round(lat, 6)]),
                r.IsDBNull(9) ? null : wkb.Read(r.GetFieldValue<byte[]>(9))));
        }
        return result;
    }

    static JsonObject Feature(DistrictView view, NetTopologySuite.Geometries.Geometry geometry, Crs crs)
    {
        var feature = RoutingGeoJson.Feature(geometry, crs, System.Text.Json.JsonSerializer.SerializeToNode(view, ApiJson.Options)!.AsObject());
        feature["id"] = view.Id;
        return feature;
    }

    static IResult GeoJson(JsonObject body) => Results.Text(body.ToJsonString(ApiJson.Options), StationFormats.GeoJsonType, Encoding.UTF8);
}
