using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using StationMap.Api.Infrastructure.Parameters;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace StationMap.Api.Infrastructure.OpenApi;

/// <summary>
/// The OpenAPI document at /swagger/v1/swagger.json, complete enough for a code generator: every
/// parameter described (<see cref="ParameterCatalogue"/>), every response with a schema
/// (<see cref="ResponseConventions"/>; GeoJSON and CSV from the typed results' metadata, <see cref="GeoJsonSchemas"/>), security on every operation, and
/// readable component names. Linted by Redocly and Spectral in ./stationmap test.
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentName = "v1";
    public const string BearerScheme = "Bearer";
    public const string DeviceScheme = "DeviceToken";

    public static IServiceCollection AddStationMapOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "StationMap API",
                Version = "v1",
                Description = Description.TrimEnd() + "\n\n" + ProblemCatalogueDocument.Table(),
                Contact = new OpenApiContact { Name = "StationMap" },
                License = new OpenApiLicense { Name = "Road data © OpenStreetMap contributors, ODbL 1.0 (where drawn from OpenStreetMap)", Url = new Uri("https://opendatacommons.org/licenses/odbl/") },
            });
            o.AddSecurityDefinition(ApiKeyAuth.Scheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuth.HeaderName,
                Description = "API key in the X-Api-Key header (./stationmap apikey create --role editor|admin). " +
                              "Roles: reader (read-only), editor (create and change), admin (also delete and import), " +
                              "operator (./stationmap apikey create --role operator --operator NAME: the live state and tickets of that operator's stations).",
            });
            o.AddSecurityDefinition(DeviceScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-Device-Token",
                Description = "An anonymous device token from POST /api/v1/devices, for couriers' check-ins and reports (no account).",
            });
            o.AddSecurityDefinition(BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "sm_ API key",
                Description = "The same API key as Authorization: Bearer sm_…, for clients that only send bearer tokens.",
            });
            // Component names a code generator can use as class names: nested and generic types get
            // a readable name ("FeatureCollection<StationView>" -> "StationViewFeatureCollection"),
            // never the CLR's "String<>f__AnonymousType0", which breaks $ref resolution.
            o.CustomSchemaIds(SchemaId);
            // The code's nullable annotations are the contract: a string that is never null is not
            // documented as nullable, so generated clients need no null checks where none can occur.
            o.SupportNonNullableReferenceTypes();
            // A JsonNode is any JSON value; without this its CLR members (parent, root, options) become a schema.
            o.MapType<JsonNode>(() => new OpenApiSchema { Description = "Any JSON value." });
            o.MapType<JsonObject>(() => new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalPropertiesAllowed = true });
            o.MapQueryValueTypes();
            o.SchemaFilter<GeoJsonSchemas>();
            o.SchemaFilter<NullableObjects>();
            o.OperationFilter<Formats.ResponseFormatsFilter>();
            o.OperationFilter<ParameterCatalogue>();
            o.OperationFilter<ResponseConventions>();
            o.OperationFilter<XmlTwins>();
            o.OperationFilter<IdempotencyKeyParameter>();
            o.OperationFilter<EventStreamOperations>();
            o.DocumentFilter<DocumentConventions>();
            o.DocumentFilter<UnusedComponents>();
            var xml = Path.Combine(AppContext.BaseDirectory, "StationMap.Api.xml");
            if (File.Exists(xml)) o.IncludeXmlComments(xml);
        });
        return services;
    }

    public static WebApplication UseStationMapOpenApi(this WebApplication app)
    {
        app.UseSwagger(o => o.PreSerializeFilters.Add((doc, request) =>
            // The base the client reached us at, so generated clients and "try it out" call this
            // instance (behind a proxy, PathBase carries the prefix). No trailing slash: paths start with one.
            doc.Servers = [new OpenApiServer { Url = $"{request.Scheme}://{request.Host.Value}{request.PathBase}", Description = "This instance" }]));
        app.UseSwaggerUI(o => o.DocumentTitle = "StationMap API");
        return app;
    }

    internal static string SchemaId(Type type)
    {
        // A collection is named by its features' properties: its members record is folded into it (GeoJsonSchemas).
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Formats.FeatureCollection<,>))
            return SchemaId(type.GetGenericArguments()[0]) + "FeatureCollection";
        if (type.IsGenericType)
        {
            var name = type.Name[..type.Name.IndexOf('`')];
            if (name.StartsWith('<')) throw new InvalidOperationException($"Anonymous type {type} in the API surface: use a named record.");
            return string.Concat(type.GetGenericArguments().Select(SchemaId)) + name;
        }
        if (type.IsArray) return SchemaId(type.GetElementType()!) + "Array";
        // Nested types carry their container's name only when it is needed to tell them apart.
        return type.Name;
    }

    const string Description = """
        Rest stations for outdoor workers: nearest stations, search, change feed and writes; travel-time
        isochrones and service areas over the road network; coverage analysis and planning of new sites;
        vector tiles for maps.

        **Coordinates** are lon/lat in WGS-84 unless `crs=gcj02` (Amap, Tencent) or `crs=bd09` (Baidu) is
        given, which applies to the coordinates sent and returned. GeoJSON answers are RFC 7946
        (`application/geo+json`, no `crs` member); a non-WGS-84 answer says so in the foreign member
        `coordinate_system`. Distances are metres, areas km², travel times seconds or minutes as named.

        **Authentication**: reads are public (`security: []`); writes need an API key in `X-Api-Key` or
        `Authorization: Bearer`. No key → 401, a key whose role may not do it → 403.

        **Conditional requests**: reads carry an `ETag`; send it back in `If-None-Match` to get 304.
        Changes to a station need `If-Match` with its current ETag: 412 when stale, 428 when missing.

        **Errors** are RFC 9457 problem details (`application/problem+json`) with a `traceId`:

        | status | when | body |
        | --- | --- | --- |
        | 400 | invalid or unknown query parameter, invalid body | ValidationProblemDetails, `errors` keyed by parameter name |
        | 401 | no or unknown API key on a write | ProblemDetails |
        | 403 | the key's role may not do this | ProblemDetails |
        | 404 | no such id, layer, district or route | ProblemDetails |
        | 409 | the write conflicts with current data | ProblemDetails |
        | 412 | `If-Match` does not match the current version | ProblemDetails |
        | 413 | request body too large | ValidationProblemDetails (`body`) |
        | 422 | point more than 500 m from a usable road | ProblemDetails |
        | 428 | `If-Match` missing on a change | ProblemDetails |
        | 429 | rate limit exceeded; retry after `Retry-After` seconds | ProblemDetails |
        | 500 | unexpected error (logged; no stack trace) | ProblemDetails |
        | 503 | database or road graph unavailable; retry after `Retry-After` seconds | ProblemDetails |

        Each problem's `type` is a stable URI naming its kind; `title` is the same for every occurrence of
        a kind and `detail` says what to change.
        """;
}
