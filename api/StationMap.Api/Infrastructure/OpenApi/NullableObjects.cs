using System.Reflection;
using System.Text.Json;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace StationMap.Api.Infrastructure.OpenApi;

/// <summary>Marks a nullable object member to be documented as one (<see cref="NullableObjects"/>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NullableObjectAttribute : Attribute;

/// <summary>
/// An object member marked <see cref="NullableObjectAttribute"/> (<c>OccurrenceView? Next</c>) as a schema that admits
/// null. OpenAPI 3.0 cannot put <c>nullable</c> beside a <c>$ref</c> (siblings of $ref are ignored, and
/// <c>allOf</c> with a null still fails the referenced object), so the member gets the referenced
/// object's schema inline with <c>nullable: true</c>, and the component, when nothing else names it,
/// leaves the document (<see cref="UnusedComponents"/>).
/// </summary>
public sealed class NullableObjects : ISchemaFilter
{
    static readonly NullabilityInfoContext Nullability = new();

    /// <summary>Components inlined somewhere, which <see cref="UnusedComponents"/> may drop.</summary>
    internal static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Inlined = new();

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties: { Count: > 0 } properties } || context.Type.IsPrimitive) return;
        foreach (var member in context.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (member.PropertyType.IsValueType || member.GetCustomAttribute<NullableObjectAttribute>() is null
                || Nullability.Create(member).ReadState != NullabilityState.Nullable) continue;
            var name = JsonNamingPolicy.SnakeCaseLower.ConvertName(member.Name);
            if (!properties.TryGetValue(name, out var property) || property is not OpenApiSchemaReference reference) continue;
            if (reference.Reference.Id is not { } id || !context.SchemaRepository.Schemas.TryGetValue(id, out var target)
                || target is not OpenApiSchema { Type: JsonSchemaType.Object } objectSchema) continue;
            Inlined[id] = true;
            properties[name] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object | JsonSchemaType.Null,
                Properties = objectSchema.Properties,
                Required = objectSchema.Required,
                AdditionalPropertiesAllowed = objectSchema.AdditionalPropertiesAllowed,
                Description = objectSchema.Description,
            };
        }
    }
}

/// <summary>
/// Drops the components <see cref="NullableObjects"/> inlined when nothing in the document refers to
/// them any more: Spectral and Redocly warn about unused components.
/// </summary>
public sealed class UnusedComponents : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        if (document.Components?.Schemas is not { } schemas) return;
        for (var removed = true; removed;)
        {
            using var text = new StringWriter();
            document.SerializeAsV3(new OpenApiJsonWriter(text));
            var json = text.ToString();
            removed = false;
            foreach (var id in schemas.Keys.Where(NullableObjects.Inlined.ContainsKey).ToList())
            {
                if (json.Contains($"\"#/components/schemas/{id}\"", StringComparison.Ordinal)) continue;
                schemas.Remove(id);
                removed = true;
            }
        }
    }
}
