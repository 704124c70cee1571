using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace StationMap.Api.Infrastructure.OpenApi;

/// <summary>
/// What every operation can answer, written once: a schema for each success content type (from the
/// endpoint's metadata: JSON types, GeoJSON collections of the typed results (<see cref="GeoJsonSchemas"/>),
/// CSV with the columns of its rows; tiles as binary); problem details for every error, with the statuses any /api call can meet (400, 429,
/// 500, 503; 401/403 on writes; 404 where a path names something); conditional-request headers
/// (If-None-Match/304 on reads, If-Match/412/428 on changes); and the security of every operation:
/// the API key schemes on writes, an explicit empty requirement on public reads.
/// </summary>
public sealed class ResponseConventions : IOperationFilter
{
    public const string ProblemJson = "application/problem+json";
    public const string Mvt = "application/vnd.mapbox-vector-tile";
    const string Json = "application/json";

    static readonly Dictionary<string, string> ErrorDescriptions = new()
    {
        ["400"] = "Invalid parameters or body: a validation problem whose errors are keyed by parameter name (unknown query parameters included).",
        ["401"] = "No API key, or an unknown or revoked one.",
        ["403"] = "The API key's role may not do this (writes need editor; delete and import need admin).",
        ["404"] = "Nothing with that id or name.",
        ["409"] = "The request conflicts with the current data.",
        ["412"] = "If-Match does not name the current version: someone changed it since you read it. Read it again and retry.",
        ["413"] = "The request body is larger than this endpoint accepts.",
        ["422"] = "The point is more than 500 m from a road usable by this mode.",
        ["428"] = "If-Match (or the body's version) is required so that a concurrent change is not overwritten.",
        ["429"] = "Too many requests: retry after the number of seconds in Retry-After.",
        ["500"] = "Unexpected error (logged; the problem carries a traceId and no stack trace).",
        ["503"] = "The database or the road graph is unavailable: retry after the number of seconds in Retry-After.",
    };

    /// <summary>Probes that answer 503 with their own JSON body rather than a problem, so that load balancers can read why.</summary>
    static readonly HashSet<string> AnswersUnavailableAsSuccessBody = ["Ready"];

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var description = context.ApiDescription;
        var path = description.RelativePath ?? "";
        var method = description.HttpMethod ?? "GET";
        var metadata = description.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= new OpenApiResponses();
        operation.Parameters ??= [];

        SuccessContent(operation, context, metadata);

        var isApi = path.StartsWith("api/", StringComparison.Ordinal);
        if (isApi)
        {
            Error(operation, "400");
            if (path.Contains('{') && !path.Contains("{z}", StringComparison.Ordinal)) Error(operation, "404");
        }
        Error(operation, "429");
        Error(operation, "500");
        if (operation.OperationId is { } id && AnswersUnavailableAsSuccessBody.Contains(id)
            && operation.Responses.TryGetValue("200", out var ok) && ok.Content is { } okContent && okContent.TryGetValue(Json, out var okJson) && okJson.Schema is { } body)
        {
            operation.Responses["503"] = new OpenApiResponse
            {
                Description = "Not ready: the database does not answer or migrations are pending (same body as 200, with the reason in status).",
                Content = new Dictionary<string, IOpenApiMediaType> { [Json] = new OpenApiMediaType { Schema = body } },
            };
        }
        Error(operation, "503");

        var isRead = method is "GET" or "HEAD";
        if (isRead && isApi)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-None-Match",
                In = ParameterLocation.Header,
                Required = false,
                Description = "ETag(s) of a representation the client holds; when one still matches, the answer is 304 with no body.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                Example = "\"3\"",
            });
            operation.Responses["304"] = new OpenApiResponse
            {
                Description = "Not modified: the representation named in If-None-Match is still current.",
                Headers = new Dictionary<string, IOpenApiHeader> { ["ETag"] = ETagHeader() },
            };
            foreach (var (status, response) in operation.Responses.Where(r => r.Key.StartsWith('2')).ToList())
                if (response is OpenApiResponse r && r.Content is { Count: > 0 })
                {
                    r.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    r.Headers.TryAdd("ETag", ETagHeader());
                }
        }
        var changesOne = method is "PUT" or "PATCH" or "DELETE" && operation.Responses.ContainsKey("412");
        if (changesOne)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Required = false,
                Description = "The ETag of the version being changed (from GET or the last write). " +
                              (method == "DELETE" ? "Optional on DELETE; 412 when stale." : "Required unless the body carries version: 428 when both are missing, 412 when stale."),
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                Example = "\"3\"",
            });
            Error(operation, "412");
            if (method != "DELETE") Error(operation, "428");
        }
        foreach (var status in operation.Responses.Keys.Where(k => k[0] is '4' or '5').ToList()) Error(operation, status);

        var protectedOp = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        if (metadata.OfType<DeviceTokenEndpoint>().Any())
        {
            Error(operation, "401");
            Error(operation, "403");
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiSetup.DeviceScheme, context.Document)] = [] }];
        }
        else if (protectedOp)
        {
            Error(operation, "401");
            Error(operation, "403");
            // Either scheme carries the same key: two alternatives, not both at once.
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuth.Scheme, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiSetup.BearerScheme, context.Document)] = [] },
            ];
        }
        else
        {
            operation.Security = [];
        }
    }

    static void SuccessContent(OpenApiOperation operation, OperationFilterContext context, IList<object> metadata)
    {
        var produced = metadata.OfType<IProducesResponseTypeMetadata>().Where(m => m.StatusCode is >= 200 and < 300).ToList();
        var byStatus = produced.GroupBy(m => m.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var group in byStatus)
        {
            var status = group.Key;
            if (operation.Responses!.TryGetValue(status, out var existing) && existing is not OpenApiResponse) continue;
            var response = existing as OpenApiResponse ?? new OpenApiResponse { Description = status == "201" ? "Created" : "OK" };
            operation.Responses[status] = response;
            foreach (var item in group)
                foreach (var contentType in item.ContentTypes.DefaultIfEmpty(item.Type is null || item.Type == typeof(void) ? "" : Json))
                {
                    if (contentType == "" || status == "204") continue;
                    response.Content ??= new Dictionary<string, IOpenApiMediaType>();
                    if (response.Content.TryGetValue(contentType, out var media) && media.Schema is not null) continue;
                    var schema = SchemaFor(operation, context, contentType, item.Type);
                    if (schema is null) continue;
                    response.Content[contentType] = new OpenApiMediaType { Schema = schema };
                }
        }
        foreach (var (status, r) in operation.Responses!.Where(r => r.Key.StartsWith('2')))
        {
            if (r is not OpenApiResponse response || response.Content is null) continue;
            foreach (var key in response.Content.Where(c => c.Value.Schema is null).Select(c => c.Key).ToList())
                response.Content.Remove(key);
        }
    }

    static IOpenApiSchema? SchemaFor(OpenApiOperation operation, OperationFilterContext context, string contentType, Type? type)
    {
        var named = type is not null && type != typeof(void) && type != typeof(string) && !typeof(IResult).IsAssignableFrom(type);
        return contentType switch
        {
            Formats.Csv.MediaType => Formats.Csv.Columns(context.ApiDescription.ActionDescriptor.EndpointMetadata) is { } columns ? Formats.Csv.Schema(columns) : null,
            Mvt => new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Format = "binary",
                Description = "Mapbox Vector Tile 2.1 (protobuf), 4096 extent, Web Mercator tile of z/x/y.",
            },
            _ when named => context.SchemaGenerator.GenerateSchema(type!, context.SchemaRepository),
            _ => null,
        };
    }

    static void Error(OpenApiOperation operation, string status)
    {
        operation.Responses!.TryGetValue(status, out var existing);
        var response = existing as OpenApiResponse ?? new OpenApiResponse();
        if (existing is not null && existing is not OpenApiResponse) return;
        var validation = status is "400" or "413";
        if (string.IsNullOrEmpty(response.Description) || IsDefaultReason(status, response.Description))
            response.Description = ErrorDescriptions.GetValueOrDefault(status, "Problem details.");
        response.Content ??= new Dictionary<string, IOpenApiMediaType>();
        var hasJsonBody = response.Content.Keys.Any(k => k == Json);
        if (!hasJsonBody)
        {
            response.Content.Clear();
            response.Content[ProblemJson] = new OpenApiMediaType
            {
                Schema = new OpenApiSchemaReference(validation ? "ValidationProblemDetails" : "ProblemDetails", null),
            };
        }
        if (status is "429" or "503")
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers.TryAdd("Retry-After", new OpenApiHeader
            {
                Description = "Seconds to wait before retrying.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" },
                Example = JsonValue.Create(5),
            });
        }
        operation.Responses[status] = response;
    }

    static bool IsDefaultReason(string status, string description) =>
        int.TryParse(status, out var code) && description == Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(code);

    static OpenApiHeader ETagHeader() => new()
    {
        Description = "Strong entity tag of this representation; send it back in If-None-Match (reads) or If-Match (changes).",
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        Example = "\"3\"",
    };
}

/// <summary>Endpoint metadata: the endpoint takes an X-Device-Token (documented with the DeviceToken scheme, 401 and 403).</summary>
public sealed class DeviceTokenEndpoint;
