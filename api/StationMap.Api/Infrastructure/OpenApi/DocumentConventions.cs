using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace StationMap.Api.Infrastructure.OpenApi;

/// <summary>
/// Document-wide parts: a relative server (replaced by the request's base when served), tag
/// descriptions, and the problem-details schemas every error response refers to, with the
/// traceId every problem carries.
/// </summary>
public sealed class DocumentConventions : IDocumentFilter
{
    static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Stations"] = "Rest stations: nearest, search, change feed, reachable by travel time, and writes with an API key.",
        ["Service areas"] = "Travel-time isochrones around any point and the stations' precomputed service areas.",
        ["Coverage"] = "How much demand is within N minutes of an open station: reports, gap surface, uncovered areas, tiles.",
        ["Planning"] = "What-if scenarios and where to add stations (maximal and set covering).",
        ["Planning layers"] = "Demand and candidate point layers that coverage and planning read.",
        ["Districts"] = "District boundaries the planner reports by.",
        ["Maps"] = "Vector tiles of the road network for map clients.",
        ["Holidays"] = "Public holidays and make-up working days (调休) by region, with their sources: what PH in opening_hours means.",
        ["Webhooks"] = "Signed HTTP callbacks of fault-ticket steps for operators' systems, with retries and a delivery log (admin key).",
        ["Statistics"] = "Usage for unions (visits, faults, time to fix, response time) and typical crowding by hour for the planner.",
        ["Platform"] = "Liveness, readiness and the configuration map clients start from.",
    };

    /// <summary>Descriptions for operations whose registration gives only a summary (keyed by operationId).</summary>
    static readonly Dictionary<string, string> OperationDescriptions = new()
    {
        ["GetDistrict"] = "The district's code, names, area (km²) and centroid; format=geojson gives a Feature with its MultiPolygon. 404 for an unknown id.",
        ["ListPlanningLayers"] = "Every demand and candidate layer with its point count, total weight, source, demo flag and last replacement time.",
        ["DeletePlanningLayer"] = "Deletes the layer and all its points (admin key). 404 for an unknown layer.",
        ["Health"] = "Liveness: 200 while the process runs; says nothing about the database (see /readyz).",
        ["Ready"] = "Readiness: 200 when the database answers within 5 s and every migration is applied; 503 with the reason otherwise.",
        ["ClientConfig"] = "The basemap style URL and attribution, the default centre and zoom, the amenity and tier vocabularies, " +
                           "whether the data are demo data, and the loaded road graph (routing: version, region, modes, bbox) or null.",
        ["ServiceAreaStatus"] = "How many stations' service areas are up to date on the active graph, stale or outside the network, " +
                                "and the background job's last pass.",
        ["CreateStation"] = "Creates a station from the body (editor key); coordinates in crs. 201 with the station and its ETag; " +
                            "400 with errors keyed by field (opening_hours is validated).",
        ["GetStation"] = "One station with hours_week (the next seven days, today first) and open_state; ETag = its version.",
        ["ReplaceStation"] = "Replaces every field of the station (editor key). If-Match with the current ETag (or version in the body) is required: " +
                             "412 when stale, 428 when missing.",
        ["PatchStation"] = "Changes the fields present in the body (RFC 7396 JSON merge patch; null clears a field; editor key). " +
                           "If-Match with the current ETag (or version in the body) is required: 412 when stale, 428 when missing.",
        ["DeleteStation"] = "Soft delete (admin key): the station leaves every read and appears in the change feed with deleted_at set. " +
                            "If-Match is optional; 412 when it is stale.",
    };

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
            if (string.IsNullOrEmpty(operation.Description) && operation.OperationId is { } id && OperationDescriptions.TryGetValue(id, out var text))
                operation.Description = text;

        document.Servers = [new OpenApiServer { Url = "/", Description = "The instance serving this document" }];
        var used = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []).SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(t => t.Name).Where(n => n is not null).Distinct().Order(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(used.Select(name => new OpenApiTag
        {
            Name = name,
            Description = TagDescriptions.GetValueOrDefault(name!, name!),
        }));

        var operations = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []).ToList();
        // The station import reads the columns the station list's CSV answer has: described from that answer, not a second list.
        IOpenApiResponse? listed = null;
        IOpenApiMediaType? csv = null;
        operations.FirstOrDefault(o => o.OperationId == "ListStations")?.Responses?.TryGetValue("200", out listed);
        listed?.Content?.TryGetValue(Formats.Csv.MediaType, out csv);
        var stationCsv = csv?.Schema?.Description ?? "CSV with a header row.";
        foreach (var operation in operations)
            if (operation.OperationId is { } id && operation.RequestBody is OpenApiRequestBody body && body.Content is not null)
                RequestBody(id, body, context.SchemaRepository, stationCsv);

        var schemas = context.SchemaRepository.Schemas;
        schemas["ProblemDetails"] = Problem(validation: false);
        schemas["ValidationProblemDetails"] = Problem(validation: true);
        schemas.Remove("HttpValidationProblemDetails");
    }

    /// <summary>
    /// Bodies the handlers read by hand (a JSON merge patch, CSV or GeoJSON uploads), which the API
    /// explorer can only see as "an object" or "a string".
    /// </summary>
    static void RequestBody(string operationId, OpenApiRequestBody body, SchemaRepository repository, string stationCsv)
    {
        switch (operationId)
        {
            case "PatchStation":
                body.Description = "JSON merge patch (RFC 7396): only the fields to change, null clears a field; the fields are those of StationInput.";
                foreach (var media in body.Content!.Values.OfType<OpenApiMediaType>()) media.Schema = new OpenApiSchemaReference("StationInput", null);
                break;
            case "ImportStations":
                body.Description = "CSV with the columns of format=csv exports (at least name, lon, lat), or a GeoJSON FeatureCollection of Points whose properties are station fields.";
                Upload(body, repository, "StationImportFeatureCollection", new OpenApiSchemaReference("StationInput", null),
                    stationCsv.Replace("then one row per item", "then one row per station; only name, lon and lat are required"));
                break;
            case "ReplaceHolidayYear":
                body.Description = "The year's days as JSON (HolidayYearDocument: holidays as dates or inclusive from/to ranges, make-up working days, " +
                                   "school holidays, and the source) or as iCalendar (RFC 5545): all-day VEVENTs (DTSTART;VALUE=DATE, DTEND exclusive) " +
                                   "named by SUMMARY; CATEGORIES makeup_workday | school_holiday | holiday, else a SUMMARY containing 班 is a make-up working day.";
                if (body.Content!.TryGetValue("text/calendar", out var calendar) && calendar is OpenApiMediaType ics)
                    ics.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "An iCalendar file (BEGIN:VCALENDAR … END:VCALENDAR)." };
                break;
            case "UploadPlanningLayer":
                body.Description = "CSV lon,lat[,weight][,label|name][,category|kind] (an id column is ignored, so an export reads back), " +
                                   "or a GeoJSON FeatureCollection of Points with properties weight, name/label, category/kind.";
                Upload(body, repository, "LayerPointImportFeatureCollection", new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    AdditionalPropertiesAllowed = true,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["weight"] = new OpenApiSchema { Type = JsonSchemaType.Number | JsonSchemaType.Null, Minimum = "0", Maximum = "1000000000", Description = "Demand weight (default 1)." },
                        ["label"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, MaxLength = 200, Description = "Label (or name)." },
                        ["name"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, MaxLength = 200, Description = "Read as label when label is absent." },
                        ["category"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, MaxLength = 64, Description = "Category (or kind)." },
                        ["kind"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, MaxLength = 64, Description = "Read as category when category is absent." },
                    },
                }, "CSV (UTF-8) with a header row: lon, lat, then optionally weight, label (or name), category (or kind); id is ignored.");
                break;
        }
    }

    static void Upload(OpenApiRequestBody body, SchemaRepository repository, string collectionId, IOpenApiSchema properties, string csvDescription)
    {
        if (!repository.Schemas.ContainsKey(collectionId))
        {
            var point = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "type", "coordinates" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [System.Text.Json.Nodes.JsonValue.Create("Point")] },
                    ["coordinates"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Array,
                        Items = new OpenApiSchema { Type = JsonSchemaType.Number },
                        MinItems = 2,
                        MaxItems = 3,
                        Description = "lon, lat in the crs given by the query."
                    },
                },
            };
            var feature = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "type", "geometry", "properties" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [System.Text.Json.Nodes.JsonValue.Create("Feature")] },
                    ["geometry"] = point,
                    ["properties"] = properties,
                },
            };
            repository.AddDefinition(collectionId, new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "type", "features" },
                AdditionalPropertiesAllowed = true,
                Description = "A GeoJSON FeatureCollection of Points to import.",
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [System.Text.Json.Nodes.JsonValue.Create("FeatureCollection")] },
                    ["features"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = feature, MinItems = 1 },
                },
            });
        }
        foreach (var (contentType, media) in body.Content!)
        {
            if (media is not OpenApiMediaType m) continue;
            m.Schema = contentType.StartsWith("text/", StringComparison.Ordinal)
                ? new OpenApiSchema { Type = JsonSchemaType.String, Description = csvDescription }
                : new OpenApiSchemaReference(collectionId, null);
        }
    }

    static OpenApiSchema Problem(bool validation)
    {
        var properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference", Description = "A URI naming the kind of problem; stable per kind." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Short summary of the kind of problem, the same for every occurrence." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong in this request and what to change." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request path." },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "W3C trace id of the request, for the server's logs." },
        };
        if (validation)
            properties["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                Description = "Messages keyed by the parameter or body field they concern (lat, bbox, amenities, If-Match, body, …).",
            };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = properties,
            AdditionalPropertiesAllowed = true,
            Required = new HashSet<string> { "title", "status" },
            Description = validation
                ? "RFC 9457 problem details for invalid input, with errors keyed by parameter name."
                : "RFC 9457 problem details (application/problem+json).",
        };
    }
}
