using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace StationMap.Api.Infrastructure.Parameters;

/// <summary>
/// The query value types are strings on the wire: document them as such (with their values) rather
/// than as the structs they parse into.
/// </summary>
public static class QueryValueSchemas
{
    public static void MapQueryValueTypes(this SwaggerGenOptions o)
    {
        o.MapType<TravelModeParameter>(() => Enum("walk", "ebike", "car"));
        o.MapType<CrsParameter>(() => Enum("wgs84", "gcj02", "bd09"));
        o.MapType<OutputFormat>(() => Enum("json", "geojson", "csv"));
        o.MapType<Bbox>(() => new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "minLon,minLat,maxLon,maxLat in degrees (in crs)",
            Pattern = @"^-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?$",
            Examples = [JsonValue.Create("120.10,30.20,120.25,30.30")],
        });
        o.MapType<InstantParameter>(() => new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Format = "date-time",
            Description = "ISO 8601 instant with an offset or Z, in the years 1900 to 9000",
            Examples = [JsonValue.Create("2026-12-02T23:00:00+08:00")],
        });
        o.MapType<Bands>(() => new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "up to 4 comma-separated whole minutes, each 1–60",
            Pattern = @"^\d{1,2}(,\d{1,2}){0,3}$",
            Examples = [JsonValue.Create("5,10,15")],
        });
    }

    static OpenApiSchema Enum(params string[] values) => new()
    {
        Type = JsonSchemaType.String,
        Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))],
    };
}
