using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using StationMap.Api.Features.Coverage;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Formats;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Api.Features.Planning;

public sealed record DistrictQuery([FromQuery(Name = "format")] OutputFormat? Format, [FromQuery(Name = "crs")] CrsParameter? Crs);

/// <summary>A district without its polygon; centroid = [lon, lat] of ST_Centroid in the requested crs; area on the ellipsoid.</summary>
public sealed record DistrictView(long Id, string? Code, string Name, string? NameEn, double AreaKm2, bool IsDemo, string Source, double[] Centroid);

public sealed record DistrictList(IReadOnlyList<DistrictView> Items);

/// <summary>Administrative districts for the planner: the per-district tables and filters of coverage refer to these ids.</summary>
public static class DistrictEndpoints
{
    public static RouteGroupBuilder MapDistricts(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/districts").WithTags("Districts");
        group.MapGet("/", List)
            .WithName("ListDistricts")
            .WithSummary("Every district with its code, names, area (km²) and centroid; format=geojson adds the polygons")
            .WithDescription("format = json (default) | geojson (MultiPolygons, WGS-84 unless crs = gcj02 | bd09). " +
                             "Districts are replaced as a whole by ./stationmap import-districts; demo districts have is_demo = true.")
            .ProducesValidationProblem();
        group.MapGet("/{id:long}", Get)
            .WithName("GetDistrict")
            .WithSummary("One district; format=geojson gives it as a Feature with its polygon")
            .ProducesValidationProblem().ProducesProblem(404);
        return api;
    }

    static async Task<Results<Ok<DistrictList>, GeoJson<DistrictView>, ValidationProblem>> List(
        [AsParameters] DistrictQuery query, NpgsqlDataSource data, CancellationToken ct)
    {
        var v = new Validation();
        var format = OutputFormat.Of(query.Format, v, Format.Json, Format.Json, Format.GeoJson);
        if (!v.IsValid) return v.Problem();
        var crs = CrsParameter.Or(query.Crs);
        var rows = await ReadAsync(data, null, crs, format == Format.GeoJson, ct);
        if (format == Format.Json) return TypedResults.Ok(new DistrictList(rows.Select(r => r.View).ToList()));
        return GeoJson.Collection<DistrictView>(crs, rows.Select(r => Feature(r.View, r.Geometry!, crs)));
    }

    static async Task<Results<Ok<DistrictView>, GeoJsonFeature<DistrictView>, ProblemHttpResult, ValidationProblem>> Get(
        long id, [AsParameters] DistrictQuery query, NpgsqlDataSource data, CancellationToken ct)
    {
        var v = new Validation();
        var format = OutputFormat.Of(query.Format, v, Format.Json, Format.Json, Format.GeoJson);
        if (!v.IsValid) return v.Problem();
        var crs = CrsParameter.Or(query.Crs);
        var rows = await ReadAsync(data, id, crs, format == Format.GeoJson, ct);
        if (rows.Count == 0) return Problems.DistrictNotFound(id);
        return format == Format.GeoJson ? new GeoJsonFeature<DistrictView>(Feature(rows[0].View, rows[0].Geometry!, crs), crs) : TypedResults.Ok(rows[0].View);
    }

    static async Task<List<(DistrictView View, NetTopologySuite.Geometries.Geometry? Geometry)>> ReadAsync(
        NpgsqlDataSource data, long? id, Crs crs, bool withGeometry, CancellationToken ct)
    {
        var result = new List<(DistrictView, NetTopologySuite.Geometries.Geometry?)>();
        foreach (var d in await DistrictStore.ListAsync(data, id, withGeometry, ct))
        {
            var (lon, lat) = CoordinateSystems.FromWgs84(crs, d.CentroidLon, d.CentroidLat);
            result.Add((new DistrictView(d.Id, d.Code, d.Name, d.NameEn, Math.Round(d.AreaKm2, 3), d.IsDemo, d.Source, [Math.Round(lon, 6), Math.Round(lat, 6)]),
                d.Geometry));
        }
        return result;
    }

    static JsonObject Feature(DistrictView view, NetTopologySuite.Geometries.Geometry geometry, Crs crs) =>
        GeoJson.Feature(GeoJsonGeometry.Write(geometry, crs), GeoJson.Properties(view), view.Id);
}
