using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace StationMap.Api.Features.Stations;

/// <summary>
/// The closed vocabularies of the station answers as enums in the OpenAPI document (service kinds,
/// open states, holiday kinds), taken from the same arrays the code validates with, so a generated
/// client gets them as types.
/// </summary>
public sealed class StationSchemas : ISchemaFilter
{
    static readonly string[] States = ["open", "closed", "unknown"];

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties: { } properties }) return;
        var type = context.Type;
        if (type == typeof(ServiceView) || type == typeof(ServiceInput)) Enum(properties, "kind", StationVocabulary.ServiceKinds, "free_clinic");
        if (type == typeof(ServiceStateView) || type == typeof(OpenStateView)) Enum(properties, "state", States, "open");
        if (type == typeof(DayHoursView)) Enum(properties, "status", States, "open");
        if (type == typeof(TimeRangeView)) Enum(properties, "status", ["open", "unknown"], "open");
        if (type == typeof(HolidayView)) Enum(properties, "kind", ["public_holiday", "school_holiday", "makeup_workday"], "public_holiday");
    }

    static void Enum(IDictionary<string, IOpenApiSchema> properties, string name, string[] values, string example)
    {
        if (!properties.TryGetValue(name, out var p) || p is not OpenApiSchema s) return;
        s.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
#pragma warning disable CS0618 // the 3.0 serialiser writes the single example
        s.Example = JsonValue.Create(example);
#pragma warning restore CS0618
    }
}
