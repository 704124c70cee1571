using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace StationMap.Api.Infrastructure;

/// <summary>
/// Documents what every /api operation can answer besides success: 400 validation problems,
/// 401/403 on key-protected writes, 500/503 problems; and marks protected operations with the API key scheme.
/// </summary>
public sealed class SwaggerConventions : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var path = context.ApiDescription.RelativePath ?? "";
        if (!path.StartsWith("api/", StringComparison.Ordinal)) return;
        operation.Responses ??= new OpenApiResponses();
        Add(operation, "400", "Invalid parameters (problem+json; errors keyed by parameter name)");
        Add(operation, "500", "Unexpected error (problem+json, no stack trace)");
        Add(operation, "503", "Database unavailable (problem+json)");
        if (path.Contains("{id}", StringComparison.Ordinal)) Add(operation, "404", "Nothing with that id (problem+json)");

        var protectedOp = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any();
        if (!protectedOp) return;
        Add(operation, "401", "No or unknown API key (problem+json)");
        Add(operation, "403", "The key's role may not do this (problem+json)");
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(ApiKeyAuth.Scheme, context.Document)] = [],
        });
    }

    static void Add(OpenApiOperation operation, string status, string description)
    {
        if (operation.Responses!.ContainsKey(status)) return;
        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference("ProblemDetails", null) },
            },
        };
    }
}
