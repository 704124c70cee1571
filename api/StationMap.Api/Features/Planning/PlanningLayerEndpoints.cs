using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using NpgsqlTypes;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Geo;

namespace StationMap.Api.Features.Planning;

public sealed record LayerPointsQuery([FromQuery(Name = "bbox")] string? Bbox, [FromQuery(Name = "format")] string? Format, [FromQuery(Name = "crs")] string? Crs);

public sealed record PlanningLayerList(IReadOnlyList<PlanningLayerView> Items);

/// <summary>Named demand and candidate layers: list, read points, upload (editor key), delete (admin key).</summary>
public static class PlanningLayerEndpoints
{
    public static IEndpointRouteBuilder MapPlanningLayers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/planning/layers").WithTags("Planning layers");
        group.MapGet("/", List).AllowOnlyQuery()
            .WithName("ListPlanningLayers")
            .WithSummary("Demand and candidate layers with point count, total weight and last replacement time")
            .Produces<PlanningLayerList>(200);
        group.MapGet("/{name}/points", Points).AllowOnlyQueryOf<LayerPointsQuery, RouteHandlerBuilder>()
            .WithName("PlanningLayerPoints")
            .WithSummary("The points of a layer as GeoJSON (weight, label, category), optionally within a bbox")
            .WithDescription("bbox = minLon,minLat,maxLon,maxLat (in crs); format = geojson (default) | csv (the columns the upload reads); " +
                             "crs = wgs84 | gcj02 | bd09 for bbox and output. 404 for an unknown layer.")
            .Produces(200, contentType: StationFormats.GeoJsonType).Produces(200, contentType: "text/csv")
            .ProducesValidationProblem().ProducesProblem(404);
        group.MapPost("/", LayerUploadEndpoint.Handle).AllowOnlyQueryOf<LayerUploadQuery, RouteHandlerBuilder>()
            .RequireAuthorization(ApiKeyAuth.Editor)
            .WithBodyLimit(LayerUploadEndpoint.MaxBodyBytes)
            .Accepts<string>("text/csv", StationFormats.GeoJsonType, "application/json", "text/plain")
            .WithName("UploadPlanningLayer")
            .WithSummary("Create or replace a demand or candidate layer from CSV or GeoJSON points (editor key), with a per-row report")
            .WithDescription("name (required) = 1–64 of A–Z a–z 0–9 _ . - ; kind = demand (default) | candidate; crs of the coordinates; " +
                             "format = csv | geojson (default from Content-Type); description (optional). CSV header: lon,lat[,weight][,label|name][,category|kind]; " +
                             "GeoJSON: Points with properties weight, name/label, category/kind. The layer is replaced in one transaction. " +
                             "atomic = true (default) writes nothing when a row is invalid (400 with row_errors); atomic = false stores the valid rows. " +
                             "409 when the layer exists with the other kind.")
            .Produces<LayerUploadReport>(200).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(409).ProducesProblem(413);
        group.MapDelete("/{name}", Delete).AllowOnlyQuery()
            .RequireAuthorization(ApiKeyAuth.Admin)
            .WithName("DeletePlanningLayer").WithSummary("Delete a layer and its points (admin key)")
            .Produces(204).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        return app;
    }

    static async Task<Ok<PlanningLayerList>> List(NpgsqlDataSource data, CancellationToken ct)
    {
        await using var conn = await data.OpenConnectionAsync(ct);
        return TypedResults.Ok(new PlanningLayerList(await PointLayerStore.ListAsync(conn, null, ct)));
    }

    static async Task<IResult> Points(string name, [AsParameters] LayerPointsQuery query, NpgsqlDataSource data, CancellationToken ct)
    {
        var v = new Validation();
        var crs = v.Crs(query.Crs);
        var bbox = ListEndpoint.ParseBbox(query.Bbox, crs, v);
        var format = (query.Format ?? "geojson").ToLowerInvariant();
        if (format is not ("geojson" or "csv")) v.Add("format", "format must be geojson or csv.");
        if (!v.IsValid) return v.Problem();

        await using var conn = await data.OpenConnectionAsync(ct);
        var layer = (await PointLayerStore.ListAsync(conn, name, ct)).SingleOrDefault();
        if (layer is null) return NotFound(name);
        // planning_point_layer_idx for the whole layer; with a bbox, planning_point_geom_idx (&& on the GiST index).
        await using var cmd = new NpgsqlCommand("""
            SELECT id, ST_X(geom), ST_Y(geom), weight, label, category FROM planning_point
            WHERE layer_id = $1 AND ($2::geometry IS NULL OR geom && $2) ORDER BY id
            """, conn);
        cmd.Parameters.AddWithValue(layer.Id);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Geometry, (object?)bbox ?? DBNull.Value);
        var rows = new List<(long Id, double Lon, double Lat, double Weight, string? Label, string? Category)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                var (lon, lat) = CoordinateSystems.FromWgs84(crs, r.GetDouble(1), r.GetDouble(2));
                rows.Add((r.GetInt64(0), Math.Round(lon, 7), Math.Round(lat, 7), r.GetDouble(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5)));
            }
        return format == "csv" ? Csv(rows) : GeoJson(layer, crs, rows);
    }

    static IResult GeoJson(PlanningLayerView layer, Crs crs, List<(long Id, double Lon, double Lat, double Weight, string? Label, string? Category)> rows)
    {
        var features = new JsonArray();
        foreach (var p in rows)
            features.Add(new JsonObject
            {
                ["type"] = "Feature", ["id"] = p.Id,
                ["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(p.Lon, p.Lat) },
                ["properties"] = new JsonObject { ["id"] = p.Id, ["weight"] = p.Weight, ["label"] = p.Label, ["category"] = p.Category },
            });
        var body = new JsonObject
        {
            ["type"] = "FeatureCollection", ["layer"] = layer.Name, ["kind"] = layer.Kind, ["is_demo"] = layer.IsDemo,
            ["updated_at"] = layer.UpdatedAt, ["crs_name"] = CoordinateSystems.Name(crs), ["features"] = features,
        };
        return Results.Text(body.ToJsonString(ApiJson.Options), StationFormats.GeoJsonType, Encoding.UTF8);
    }

    static IResult Csv(List<(long Id, double Lon, double Lat, double Weight, string? Label, string? Category)> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            foreach (var c in new[] { "id", "lon", "lat", "weight", "label", "category" }) csv.WriteField(c);
            csv.NextRecord();
            foreach (var p in rows)
            {
                csv.WriteField(p.Id); csv.WriteField(p.Lon); csv.WriteField(p.Lat); csv.WriteField(p.Weight);
                csv.WriteField(p.Label); csv.WriteField(p.Category);
                csv.NextRecord();
            }
        }
        return Results.Text(text.ToString(), "text/csv; charset=utf-8", Encoding.UTF8);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(string name, NpgsqlDataSource data, CancellationToken ct)
    {
        await using var conn = await data.OpenConnectionAsync(ct);
        return await PointLayerStore.DeleteAsync(conn, name, ct) ? TypedResults.NoContent() : NotFound(name);
    }

    internal static ProblemHttpResult NotFound(string name) =>
        TypedResults.Problem(statusCode: 404, title: "No such planning layer.", detail: $"There is no layer named '{name}'; GET /api/v1/planning/layers lists them.");
}
