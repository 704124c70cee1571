using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace StationMap.Api.Infrastructure.OpenApi;

/// <summary>The optional Idempotency-Key header on every write (<see cref="Http.IdempotencyKeys"/>), documented once.</summary>
public sealed class IdempotencyKeyParameter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var method = context.ApiDescription.HttpMethod?.ToUpperInvariant();
        var path = "/" + (context.ApiDescription.RelativePath ?? "").TrimStart('/');
        if (method is not ("POST" or "PUT" or "PATCH" or "DELETE") || !(path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/open311/", StringComparison.Ordinal)))
            return;
        operation.Parameters ??= [];
        if (operation.Parameters.Any(p => p.Name == Http.IdempotencyKeys.Header)) return;
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = Http.IdempotencyKeys.Header,
            In = ParameterLocation.Header,
            Required = false,
            Description = "1–255 printable ASCII characters (a UUID per action). A repeat within 24 h returns the first answer with " +
                          "Idempotent-Replayed: true and writes nothing; the same key with another request is a 422 " +
                          "(/problems/idempotency-key-reused), a repeat while the first still runs a 409 (/problems/idempotency-in-progress).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = Http.IdempotencyKeys.MaxKeyLength },
            Example = "5f0c6a9e-2b7d-4c1e-9a3f-8d2e1b4c7a60",
        });
    }
}
