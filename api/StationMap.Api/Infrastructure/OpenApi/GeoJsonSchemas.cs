using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using StationMap.Api.Infrastructure.Formats;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace StationMap.Api.Infrastructure.OpenApi;

/// <summary>
/// Turns the schema records that <see cref="GeoJson{TProperties, TMembers}"/> and
/// <see cref="GeoJsonFeature{TProperties}"/> name in their metadata into RFC 7946 schemas: the
/// constant <c>type</c>s, <c>coordinate_system</c> with its values, a geometry that may be null,
/// and the collection's foreign members taken from the members record the handler sends, so
/// the document and the answer come from the same types. Members are listed as properties of the
/// collection (not a nested object) because that is where they are on the wire; the members
/// record itself leaves the components, as nothing refers to it.
/// </summary>
public sealed class GeoJsonSchemas : ISchemaFilter
{
    static readonly string[] CoordinateSystemNames = ["wgs84", "gcj02", "bd09"];

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema s) return;
        var type = context.Type;
        if (type == typeof(GeoJsonGeometrySchema)) Geometry(s);
        else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Feature<>)) Feature(s, type.GetGenericArguments()[0], context);
        else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(FeatureCollection<,>)) Collection(s, type.GetGenericArguments(), context);
    }

    static void Geometry(OpenApiSchema s)
    {
        // RFC 7946 §3.2: a feature without a place (the coverage report's outside-districts row) has geometry null.
        s.Type = JsonSchemaType.Object | JsonSchemaType.Null;
        s.Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = Constant("Point", "Polygon", "MultiPolygon"),
            ["coordinates"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Items = new OpenApiSchema(),
                Description = "Point: [lon, lat]; Polygon: rings of positions, the first the outer ring; MultiPolygon: a list of polygons.",
            },
        };
        s.Required = new HashSet<string> { "type", "coordinates" };
        s.AdditionalPropertiesAllowed = false;
    }

    static void Feature(OpenApiSchema s, Type properties, SchemaFilterContext context)
    {
        s.Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = Constant("Feature"),
            ["id"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "Id of the item (absent when the item has none)." },
            ["geometry"] = context.SchemaGenerator.GenerateSchema(typeof(GeoJsonGeometrySchema), context.SchemaRepository),
            ["properties"] = Properties(properties, context),
            // A Feature sent as the whole answer names its datum like a collection does.
            [GeoJson.CoordinateSystemMember] = CoordinateSystem(),
        };
        s.Required = new HashSet<string> { "type", "geometry", "properties" };
        s.AdditionalPropertiesAllowed = false;
    }

    /// <summary>The properties record's schema; inline without the members the geometry carries when it has some.</summary>
    static IOpenApiSchema Properties(Type type, SchemaFilterContext context)
    {
        var reference = context.SchemaGenerator.GenerateSchema(type, context.SchemaRepository);
        var without = GeoJsonGeometryMembersAttribute.Of(type);
        if (without.Count == 0 || reference is not OpenApiSchemaReference { Reference.Id: { } id }
            || !context.SchemaRepository.Schemas.TryGetValue(id, out var generated) || generated is not OpenApiSchema source)
            return reference;
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            AdditionalPropertiesAllowed = false,
            Properties = (source.Properties ?? new Dictionary<string, IOpenApiSchema>()).Where(p => !without.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value),
            Required = source.Required is null ? null : new HashSet<string>(source.Required.Where(r => !without.Contains(r))),
            Description = $"The fields of {id} without {string.Join(", ", without)}, which are the geometry's coordinates.",
        };
    }

    static void Collection(OpenApiSchema s, Type[] arguments, SchemaFilterContext context)
    {
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = Constant("FeatureCollection"),
            [GeoJson.CoordinateSystemMember] = CoordinateSystem(),
        };
        var required = new HashSet<string> { "type", GeoJson.CoordinateSystemMember, "features" };
        if (arguments[1] != typeof(NoMembers)
            && context.SchemaGenerator.GenerateSchema(arguments[1], context.SchemaRepository) is OpenApiSchemaReference { Reference.Id: { } id }
            && context.SchemaRepository.Schemas.TryGetValue(id, out var generated) && generated is OpenApiSchema members)
        {
            foreach (var (name, member) in members.Properties ?? new Dictionary<string, IOpenApiSchema>())
            {
                properties[name] = member;
                // Every member is written, null included.
                required.Add(name);
            }
            context.SchemaRepository.Schemas.Remove(id);
        }
        properties["features"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Array,
            Items = context.SchemaGenerator.GenerateSchema(typeof(Feature<>).MakeGenericType(arguments[0]), context.SchemaRepository),
        };
        s.Properties = properties;
        s.Required = required;
        s.AdditionalPropertiesAllowed = false;
    }

    static OpenApiSchema CoordinateSystem() => new()
    {
        Type = JsonSchemaType.String,
        Enum = [.. CoordinateSystemNames.Select(n => (JsonNode)JsonValue.Create(n))],
        Description = "Foreign member naming the datum of the coordinates: wgs84 (RFC 7946's own), gcj02 or bd09 as asked for with crs. There is never a crs member.",
    };

    static OpenApiSchema Constant(params string[] values) => new()
    {
        Type = JsonSchemaType.String,
        Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))],
    };
}
