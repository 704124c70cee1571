using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NpgsqlTypes;
using StationMap.Api.Features.Coverage;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Formats;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Api.Features.Planning;

public sealed record LayerPointsQuery([FromQuery(Name = "bbox")] Bbox? Bbox, [FromQuery(Name = "format")] OutputFormat? Format, [FromQuery(Name = "crs")] CrsParameter? Crs);

/// <summary>A layer point: its properties in GeoJSON, its row in CSV (the columns the upload reads back).</summary>
/// <summary>The top-level members of a layer's points as GeoJSON.</summary>
/// <param name="Layer">Layer name.</param>
/// <param name="Kind">demand or candidate.</param>
/// <param name="IsDemo">Generated demo data.</param>
/// <param name="UpdatedAt">When the layer was last replaced.</param>
public sealed record LayerPointMembers(string Layer, string Kind, bool IsDemo, DateTimeOffset UpdatedAt);

public sealed record LayerPoint(long Id, [property: System.Text.Json.Serialization.JsonIgnore] double Lon,
    [property: System.Text.Json.Serialization.JsonIgnore] double Lat, double Weight, string? Label, string? Category) : ICsvRow
{
    public static IReadOnlyList<string> Columns { get; } = ["id", "lon", "lat", "weight", "label", "category"];

    public IEnumerable<object?> Values() => [Id, Lon, Lat, Weight, Label, Category];
}

public sealed record PlanningLayerList(IReadOnlyList<PlanningLayerView> Items);

/// <summary>Named demand and candidate layers: list, read points, upload (editor key), delete (admin key).</summary>
public static class PlanningLayerEndpoints
{
    public static RouteGroupBuilder MapPlanningLayers(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/planning/layers").WithTags("Planning layers");
        group.MapGet("/", List)
            .WithName("ListPlanningLayers")
            .WithSummary("Demand and candidate layers with point count, total weight and last replacement time")
            .Produces<PlanningLayerList>(200);
        group.MapGet("/{name}/points", Points)
            .WithName("PlanningLayerPoints")
            .WithSummary("The points of a layer as GeoJSON (weight, label, category), optionally within a bbox")
            .WithDescription("bbox = minLon,minLat,maxLon,maxLat (in crs); format = geojson (default) | csv (the columns the upload reads); " +
                             "crs = wgs84 | gcj02 | bd09 for bbox and output. 404 for an unknown layer.")
            .ProducesValidationProblem().ProducesProblem(404);
        group.MapPost("/", LayerUploadEndpoint.Handle)
            .RequireAuthorization(ApiKeyAuth.Editor)
            .WithBodyLimit(LayerUploadEndpoint.MaxBodyBytes)
            .Accepts<string>("text/csv", GeoJson.ContentType, "application/json", "text/plain")
            .WithName("UploadPlanningLayer")
            .WithSummary("Create or replace a demand or candidate layer from CSV or GeoJSON points (editor key), with a per-row report")
            .WithDescription("name (required) = 1–64 of A–Z a–z 0–9 _ . - ; kind = demand (default) | candidate; crs of the coordinates; " +
                             "format = csv | geojson (default from Content-Type); description (optional). CSV header: lon,lat[,weight][,label|name][,category|kind]; " +
                             "GeoJSON: Points with properties weight, name/label, category/kind. The layer is replaced in one transaction. " +
                             "atomic = true (default) writes nothing when a row is invalid (400 with row_errors); atomic = false stores the valid rows. " +
                             "409 when the layer exists with the other kind.")
            .Produces<LayerUploadReport>(200).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(409).ProducesProblem(413);
        group.MapDelete("/{name}", Delete)
            .RequireAuthorization(ApiKeyAuth.Admin)
            .WithName("DeletePlanningLayer").WithSummary("Delete a layer and its points (admin key)")
            .Produces(204).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    static async Task<Ok<PlanningLayerList>> List(NpgsqlDataSource data, CancellationToken ct)
    {
        await using var conn = await data.OpenConnectionAsync(ct);
        return TypedResults.Ok(new PlanningLayerList(await PointLayerStore.ListAsync(conn, null, ct)));
    }

    static async Task<Results<GeoJson<LayerPoint, LayerPointMembers>, Csv<LayerPoint>, ProblemHttpResult, ValidationProblem>> Points(
        string name, [AsParameters] LayerPointsQuery query, NpgsqlDataSource data, CancellationToken ct)
    {
        var v = new Validation();
        var format = OutputFormat.Of(query.Format, v, Format.GeoJson, Format.GeoJson, Format.Csv);
        if (!v.IsValid) return v.Problem();
        var crs = CrsParameter.Or(query.Crs);
        var bbox = query.Bbox?.ToWgs84(crs);

        await using var conn = await data.OpenConnectionAsync(ct);
        var layer = (await PointLayerStore.ListAsync(conn, name, ct)).SingleOrDefault();
        if (layer is null) return NotFound(name);
        var rows = new List<LayerPoint>();
        foreach (var p in await PointLayerStore.PointsAsync(conn, layer.Id, bbox, ct))
        {
            var (lon, lat) = CoordinateSystems.FromWgs84(crs, p.Lon, p.Lat);
            rows.Add(new(p.Id, Math.Round(lon, 7), Math.Round(lat, 7), p.Weight, p.Label, p.Category));
        }
        if (format == Format.Csv) return new Csv<LayerPoint>(rows, $"layer-{CsvFiles.Part(layer.Name)}.csv");
        return GeoJson.Collection<LayerPoint, LayerPointMembers>(crs,
            rows.Select(p => GeoJson.Feature(GeoJsonGeometry.Position(p.Lon, p.Lat), GeoJson.Properties(p), p.Id)),
            new LayerPointMembers(layer.Name, layer.Kind, layer.IsDemo, layer.UpdatedAt));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(string name, NpgsqlDataSource data, CancellationToken ct)
    {
        await using var conn = await data.OpenConnectionAsync(ct);
        return await PointLayerStore.DeleteAsync(conn, name, ct) ? TypedResults.NoContent() : NotFound(name);
    }

    internal static ProblemHttpResult NotFound(string name) => Problems.LayerNotFound(name);
}
