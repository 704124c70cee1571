using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace StationMap.Api.Infrastructure.OpenApi;

/// <summary>Endpoint metadata: the endpoint is the XML twin of a JSON one, the same handler answering in XML.</summary>
public sealed class XmlTwinMetadata
{
    public const string MediaType = "application/xml";
    public const string ProblemMediaType = "application/problem+xml";
}

/// <summary>
/// Documents an XML twin as what it sends: its answers with the JSON twin's schema under
/// <c>application/xml</c>, and the handler's own problems (400, 404, 415) as problem+json or, for an
/// Accept naming XML, <c>application/problem+xml</c>; refusals before the handler (401, 403, 429, 5xx) are problem+json.
/// </summary>
public sealed class XmlTwins : IOperationFilter
{
    static readonly HashSet<string> HandlerProblems = ["400", "404", "415"];

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<XmlTwinMetadata>().Any() || operation.Responses is null) return;
        foreach (var (status, value) in operation.Responses)
        {
            if (value is not OpenApiResponse { Content: { } content } response) continue;
            var (from, to) = status.StartsWith('2') ? ("application/json", XmlTwinMetadata.MediaType)
                : HandlerProblems.Contains(status) ? (ResponseConventions.ProblemJson, XmlTwinMetadata.ProblemMediaType) : (null, null);
            if (from is null || !content.TryGetValue(from, out var media)) continue;
            if (status.StartsWith('2')) content.Remove(from);
            content[to!] = media;
            if (status.StartsWith('2')) response.Description = $"{response.Description} GeoReport XML: the members of the schema as elements of the same names, nulls as empty elements.".Trim();
        }
    }
}
