using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using StationMap.Api.Features.Coverage;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Api.Features.Planning;

public sealed record LayerUploadQuery(
    [FromQuery(Name = "name")] string? Name,
    [FromQuery(Name = "kind")] string? Kind,
    [FromQuery(Name = "crs")] CrsParameter? Crs,
    [FromQuery(Name = "atomic")] bool? Atomic,
    [FromQuery(Name = "format")] string? Format,
    [FromQuery(Name = "description")] string? Description);

/// <summary>What an upload did: rows read, points stored, rows refused with their problems, and the layer as it is now.</summary>
public sealed record LayerUploadReport(PlanningLayerView Layer, bool Atomic, int Rows, int Imported, int Failed, IReadOnlyList<PointRowError> Errors);

/// <summary>
/// <c>POST /api/v1/planning/layers</c>: a CSV or GeoJSON body replaces the named layer, through the same reader and
/// store as <c>./stationmap import-demand</c> / <c>import-candidates</c>.
/// </summary>
public static class LayerUploadEndpoint
{
    public const long MaxBodyBytes = 20 * 1024 * 1024;

    public static async Task<Results<Ok<LayerUploadReport>, ValidationProblem, ProblemHttpResult>> Handle(
        [AsParameters] LayerUploadQuery query, HttpRequest request, NpgsqlDataSource data, Coverage.CoverageWarmup warmup, CancellationToken ct)
    {
        var v = new Validation();
        if (string.IsNullOrEmpty(query.Name)) v.Add("name", "name is required: the layer to create or replace.");
        else if (!PointLayerStore.NamePattern().IsMatch(query.Name)) v.Add("name", $"name: {PointLayerStore.NameRule}.");
        var kind = (query.Kind ?? "demand").ToLowerInvariant();
        if (!PointLayerStore.Kinds.Contains(kind)) v.Add("kind", "kind must be demand or candidate.");
        var crs = CrsParameter.Or(query.Crs);
        if (query.Format is not null && query.Format.ToLowerInvariant() is not ("csv" or "geojson")) v.Add("format", "format must be csv or geojson.");
        if (query.Description is { Length: > 1000 }) v.Add("description", "description must be at most 1000 characters.");
        if (!v.IsValid) return v.Problem();

        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(ct);
        var format = PointLayerReader.DetectFormat(query.Format, request.ContentType, text)!;
        PointLayerRows rows;
        try { rows = PointLayerReader.Read(text, format, crs); }
        catch (FormatException e)
        {
            v.Add("body", $"body: the {format} document could not be read: {e.Message}.");
            return v.Problem();
        }
        if (rows.Rows == 0) { v.Add("body", $"body: the {format} document has no rows."); return v.Problem(); }

        var atomic = query.Atomic ?? true;
        if (rows.Errors.Count > 0 && (atomic || rows.Points.Count == 0))
        {
            return Problems.Rejected(
                $"{rows.Errors.Count} of {rows.Rows} rows are invalid; nothing was written{(atomic ? " (atomic=true)" : "")}. See row_errors.", rows.Errors);
        }
        await using var conn = await data.OpenConnectionAsync(ct);
        try
        {
            var layer = await PointLayerStore.ReplaceAsync(conn, query.Name!, kind, query.Description, "upload", isDemo: false, rows.Points, ct);
            // A new demand layer is snapped in the background now, not by the first coverage request.
            if (kind == "demand") warmup.Wake(query.Name!);
            return TypedResults.Ok(new LayerUploadReport(layer, atomic, rows.Rows, rows.Points.Count, rows.Errors.Count, rows.Errors));
        }
        catch (LayerKindConflictException e)
        {
            return Problems.Of(Problems.LayerKindConflictKind, e.Message);
        }
    }
}
