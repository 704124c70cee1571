using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace StationMap.Api.Infrastructure;

/// <summary>Lists the problem catalogue (<see cref="Problems.All"/>) in the OpenAPI document's description, as the README does.</summary>
public sealed class ProblemCatalogueDocument : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var rows = Problems.All.Select(k => $"| `{k.Type}` | {k.Status} | {k.Title} |");
        document.Info.Description = (document.Info.Description ?? "").TrimEnd() +
            "\n\nEvery problem's `type` is one of these stable URI references (RFC 9457):\n\n| type | status | title |\n| --- | --- | --- |\n" +
            string.Join("\n", rows) + "\n";
    }
}
