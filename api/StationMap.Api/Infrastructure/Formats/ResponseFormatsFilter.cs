using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace StationMap.Api.Infrastructure.Formats;

/// <summary>
/// An endpoint that answers JSON, GeoJSON or CSV (<c>format=</c>) declares three 200 responses, one per
/// media type (from <see cref="GeoJson{TProperties}"/>, <see cref="Csv{TRow}"/> and <c>Ok&lt;T&gt;</c>).
/// ApiExplorer keeps one response per status code, so this filter puts every declared media type of a
/// status back into the operation, each with its own schema, and the CSV columns into the description
/// and into <c>x-csv-columns</c> (from <see cref="CsvColumnsMetadata"/>).
/// </summary>
public sealed class ResponseFormatsFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var declared = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IProducesResponseTypeMetadata>()
            .Where(m => m.StatusCode is >= 200 and < 300 && m.ContentTypes.Any())
            .GroupBy(m => m.StatusCode)
            .Where(g => g.SelectMany(m => m.ContentTypes).Distinct().Count() > 1);
        foreach (var status in declared)
        {
            operation.Responses ??= new OpenApiResponses();
            var key = status.Key.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.Responses.TryGetValue(key, out var existing) || existing is not OpenApiResponse response)
                operation.Responses[key] = response = new OpenApiResponse { Description = "OK" };
            response.Content ??= new Dictionary<string, IOpenApiMediaType>();
            var descriptions = new List<string>();
            foreach (var m in status)
                foreach (var type in m.ContentTypes)
                {
                    var schema = type == Csv.MediaType && Csv.Columns(context.ApiDescription.ActionDescriptor.EndpointMetadata) is { } columns
                        ? Csv.Schema(columns)
                        : m.Type is null || m.Type == typeof(void)
                            ? null
                            : context.SchemaGenerator.GenerateSchema(m.Type, context.SchemaRepository);
                    response.Content[type] = new OpenApiMediaType { Schema = schema };
                    if (m.Description is { Length: > 0 } d) descriptions.Add(d);
                }
            var choice = "By format=: " + string.Join(", ", response.Content.Keys) + ".";
            response.Description = string.Join(" ", descriptions.Prepend(choice).Distinct());
        }
    }
}
