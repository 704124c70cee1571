using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace StationMap.Api.Infrastructure.OpenApi;

/// <summary>
/// Schemas for the answers the handlers write by hand today: GeoJSON FeatureCollections (RFC 7946,
/// with each export's feature properties and foreign members) and CSV tables (a string whose
/// columns are listed in the description and in <c>x-csv-columns</c>), keyed by operationId.
/// Used only where the endpoint's own metadata names no schema, so typed results that describe
/// themselves take over without a change here.
/// </summary>
public static class ExportSchemas
{
    public const string GeoJson = "application/geo+json";
    public const string Csv = "text/csv";
    public const string Mvt = "application/vnd.mapbox-vector-tile";

    /// <summary>One GeoJSON export: its component name, geometry, properties and top-level foreign members.</summary>
    sealed record GeoJsonExport(string Name, string Geometry, Func<SchemaRepository, OpenApiSchema> Properties,
        (string Name, OpenApiSchema Schema)[] Members, bool SingleFeature = false, bool NullGeometry = false, string? FeatureId = null);

    static readonly (string, OpenApiSchema)[] Stamp =
    [
        ("graph_version", Int("Version of the road graph the answer was computed on.")),
        ("data_time", Nullable(DateTime("Time of the newest station or demand data used."))),
    ];

    static readonly (string, OpenApiSchema) Attribution = ("attribution", Nullable(Str("Attribution the road data requires (OpenStreetMap), or null for demo data.")));

    static readonly Dictionary<string, GeoJsonExport> GeoJsonByOperation = new()
    {
        ["ListStations"] = new("Station", "GeoJsonPoint", r => Subset(r, "StationView", "lon", "lat", "hours_week"),
            [("page", Int("Page number.")), ("limit", Int("Page size.")), ("has_more", Bool("true when another page follows."))], FeatureId: "Station id."),
        ["Isochrones"] = new("IsochroneBand", "GeoJsonMultiPolygon", _ => Object(
                ("minutes", Int("Cut-off of this band.")), ("mode", Str("Travel mode.", "walk", "ebike", "car")),
                ("direction", Str("to or from the point.", "to", "from")), ("area_km2", Num("Area of the band in km².")),
                ("graph_version", Int("Road graph version."))),
            [("origin", Object(("lon", Num("Longitude of the point asked for."), false), ("lat", Num("Latitude of the point asked for."), false))),
             ("snap_distance_m", Num("Distance from the point to the road it was snapped to, metres.")), ("graph_version", Int("Road graph version.")), Attribution]),
        ["StationServiceArea"] = new("ServiceAreaBand", "GeoJsonMultiPolygon", ServiceAreaBand,
            [("state", Str("ready, or pending while the background job computes it (features then empty).", "ready", "pending")),
             ("stale", Bool("true when the stored bands predate the station's last move or the graph.")),
             ("graph_version", Nullable(Int("Road graph version."))), Attribution]),
        ["ServiceAreas"] = new("ServiceAreaBand", "GeoJsonMultiPolygon", ServiceAreaBand,
            [("state", Str("ready, or pending while the background job computes it.", "ready", "pending")),
             ("stale", Bool("true when some stored bands are out of date.")), ("graph_version", Nullable(Int("Road graph version."))), Attribution]),
        ["Coverage"] = new("DistrictCoverage", "GeoJsonMultiPolygon", r => Subset(r, "DistrictCoverage"),
            [("parameters", Parameters()), .. Stamp, ("computed_at", DateTime("When the report was computed.")),
             ("total_demand", Num("Total demand weight.")), ("covered_demand", Num("Demand weight within the cut-off.")),
             ("coverage_pct", Num("covered_demand / total_demand × 100.")), Attribution], NullGeometry: true, FeatureId: "District id (null for the outside-districts row)."),
        ["CoverageGaps"] = new("GapCell", "GeoJsonPolygon", _ => Object(
                ("minutes", Nullable(Num("Travel minutes from the cell centre to the nearest open station; null when unreachable within 60 minutes."))),
                ("covered", Bool("true when minutes is within the cut-off."))),
            [("parameters", Parameters()), .. Stamp, ("stations_considered", Int("Open stations in the scenario.")), Attribution]),
        ["CoverageUncovered"] = new("UncoveredArea", "GeoJsonMultiPolygon", _ => Object(
                ("district_id", Int("District id.")), ("name", Str("District name.")), ("area_km2", Num("District area, km².")),
                ("uncovered_km2", Num("Area outside every open station's service area, km².")), ("uncovered_pct", Num("uncovered_km2 / area_km2 × 100."))),
            [("parameters", Parameters()), .. Stamp, ("stations_considered", Int("Open stations in the scenario."))]),
        ["ListDistricts"] = new("District", "GeoJsonMultiPolygon", r => Subset(r, "DistrictView"), [], FeatureId: "District id."),
        ["GetDistrict"] = new("District", "GeoJsonMultiPolygon", r => Subset(r, "DistrictView"), [], SingleFeature: true, FeatureId: "District id."),
        ["PlanningLayerPoints"] = new("LayerPoint", "GeoJsonPoint", _ => Object(
                ("id", Int("Point id.")), ("weight", Num("Demand weight (1 for candidates).")),
                ("label", Nullable(Str("Label."))), ("category", Nullable(Str("Category, e.g. restaurant_cluster.")))),
            [("layer", Str("Layer name.")), ("kind", Str("demand or candidate.", "demand", "candidate")), ("is_demo", Bool("Generated demo data.")),
             ("updated_at", DateTime("When the layer was last replaced."))], FeatureId: "Point id."),
        ["PlanningSuggest"] = new("SuggestedSite", "GeoJsonPoint", r => Subset(r, "SuggestedSite", "lon", "lat"), [("parameters", Parameters()), .. Stamp]),
        ["PlanningCover"] = new("SuggestedSite", "GeoJsonPoint", r => Subset(r, "SuggestedSite", "lon", "lat"), [("parameters", Parameters()), .. Stamp]),
    };

    static readonly Dictionary<string, string[]> CsvByOperation = new()
    {
        ["ListStations"] =
        [
            "id", "name", "name_en", "address", "district", "lon", "lat", "tier", "operator", "phone", "opening_hours", "time_zone", "status",
            "status_reason", "capacity", "access", "verified_at", "drinking_water", "microwave", "phone_charging", "ebike_charging", "battery_swap",
            "toilet", "air_conditioning", "heating", "seating", "first_aid", "wifi", "fridge", "lockers", "umbrella", "repair_tools", "canteen",
            "legal_aid", "medical_service", "open_state", "updated_at", "version",
        ],
        ["Coverage"] =
        [
            "district_id", "code", "name", "name_en", "demand", "covered", "coverage_pct", "mean_minutes", "p95_minutes", "points", "covered_points",
            "off_network_demand", "mode", "minutes", "layer", "at", "graph_version", "data_time", "computed_at",
        ],
        ["PlanningLayerPoints"] = ["id", "lon", "lat", "weight", "label", "category"],
        ["PlanningSuggest"] = SiteColumns,
        ["PlanningCover"] = SiteColumns,
    };

    static string[] SiteColumns =>
        ["rank", "lon", "lat", "candidate_id", "label", "newly_covered", "cumulative_covered", "cumulative_pct", "graph_version", "data_time", "parameters"];

    /// <summary>Content types an operation answers 200 with beyond what its metadata says.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ExtraSuccessContent = new Dictionary<string, string[]>
    {
        // cover shares suggest's format parameter and renderings; its metadata names only the JSON answer.
        ["PlanningCover"] = [GeoJson, Csv],
    };

    public static OpenApiSchema? CsvSchema(string? operationId)
    {
        if (operationId is null || !CsvByOperation.TryGetValue(operationId, out var columns)) return null;
        return new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "CSV (RFC 4180, UTF-8), one header row, then one row per item. Columns: " + string.Join(", ", columns) + ".",
            Extensions = new Dictionary<string, IOpenApiExtension> { ["x-csv-columns"] = new JsonNodeExtension(new JsonArray(columns.Select(c => (JsonNode)c!).ToArray())) },
        };
    }

    public static IOpenApiSchema? GeoJsonSchema(string? operationId, SchemaRepository repository)
    {
        if (operationId is null || !GeoJsonByOperation.TryGetValue(operationId, out var export)) return null;
        EnsureGeometries(repository);
        var featureId = export.Name + "Feature";
        if (!repository.Schemas.ContainsKey(featureId))
        {
            var propertiesId = export.Name + "Properties";
            if (!repository.Schemas.ContainsKey(propertiesId)) repository.AddDefinition(propertiesId, export.Properties(repository));
            IOpenApiSchema geometry = new OpenApiSchemaReference(export.Geometry, null);
            if (export.NullGeometry)
                geometry = new OpenApiSchema { Type = JsonSchemaType.Object | JsonSchemaType.Null, AllOf = [geometry], Description = "null for a row with no area." };
            var feature = Object(
                ("type", new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("Feature")] }, true),
                ("geometry", geometry, true),
                ("properties", new OpenApiSchemaReference(propertiesId, null), true));
            if (export.FeatureId is { } idDescription) feature.Properties!["id"] = Nullable(Int(idDescription));
            feature.Description = "A GeoJSON Feature (RFC 7946 §3.2).";
            repository.AddDefinition(featureId, feature);
        }
        if (export.SingleFeature) return new OpenApiSchemaReference(featureId, null);

        var collectionId = export.Name + "FeatureCollection";
        if (!repository.Schemas.ContainsKey(collectionId))
        {
            var collection = Object(
                ("type", new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("FeatureCollection")] }, true),
                ("features", new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchemaReference(featureId, null) }, true));
            collection.Properties!["coordinate_system"] = Str("Foreign member: the coordinate system of every coordinate in this document, " +
                "wgs84 (RFC 7946) unless crs=gcj02 or crs=bd09 was asked for.", "wgs84", "gcj02", "bd09");
            foreach (var (name, schema) in export.Members) collection.Properties[name] = schema;
            collection.AdditionalPropertiesAllowed = true;
            collection.Description = "A GeoJSON FeatureCollection (RFC 7946 §3.3): lon/lat positions, outer rings counter-clockwise and holes clockwise, " +
                                     "no crs member. Other top-level members are foreign members (RFC 7946 §6.1).";
            repository.AddDefinition(collectionId, collection);
        }
        return new OpenApiSchemaReference(collectionId, null);
    }

    static void EnsureGeometries(SchemaRepository repository)
    {
        if (repository.Schemas.ContainsKey("GeoJsonPoint")) return;
        var position = new OpenApiSchema
        {
            Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Number }, MinItems = 2, MaxItems = 3,
            Description = "A position: longitude, latitude (degrees).",
        };
        var ring = new OpenApiSchema { Type = JsonSchemaType.Array, Items = position, MinItems = 4, Description = "A closed linear ring (first position = last)." };
        var polygon = new OpenApiSchema { Type = JsonSchemaType.Array, Items = ring, Description = "Outer ring (counter-clockwise), then holes (clockwise)." };
        repository.AddDefinition("GeoJsonPoint", Geometry("Point", position));
        repository.AddDefinition("GeoJsonPolygon", Geometry("Polygon", polygon));
        repository.AddDefinition("GeoJsonMultiPolygon", Geometry("MultiPolygon", new OpenApiSchema { Type = JsonSchemaType.Array, Items = polygon }));
    }

    static OpenApiSchema Geometry(string type, OpenApiSchema coordinates) => Object(
        ("type", new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create(type)] }, true),
        ("coordinates", coordinates, true));

    static OpenApiSchema ServiceAreaBand(SchemaRepository _) => Object(
        ("station_id", Int("Station id."), true), ("mode", Str("Travel mode.", "walk", "ebike"), true), ("minutes", Int("Band: 5, 10 or 15."), true),
        ("area_km2", Num("Area of the band in km²."), true), ("graph_version", Int("Road graph version."), true),
        ("computed_at", DateTime("When the band was computed (in the per-station answer only)."), false));

    static OpenApiSchema Parameters() => new()
    {
        Type = JsonSchemaType.Object, AdditionalPropertiesAllowed = true,
        Description = "The parameters the answer was computed with (mode, minutes, layer, district, at, …), so an export is self-describing.",
    };

    /// <summary>The properties of an existing component minus some (coordinates carried by the geometry).</summary>
    static OpenApiSchema Subset(SchemaRepository repository, string component, params string[] without)
    {
        if (!repository.Schemas.TryGetValue(component, out var source) || source.Properties is null)
            throw new InvalidOperationException($"OpenAPI component {component} is not generated; GeoJSON properties refer to it.");
        var kept = source.Properties.Where(p => !without.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object, Properties = kept,
            Required = source.Required is null ? null : new HashSet<string>(source.Required.Where(r => !without.Contains(r))),
            Description = $"The fields of {component}" + (without.Length > 0 ? $" without {string.Join(", ", without)} (given by the geometry)." : "."),
        };
    }

    static OpenApiSchema Object(params (string Name, IOpenApiSchema Schema)[] properties) =>
        Object(properties.Select(p => (p.Name, p.Schema, true)).ToArray());

    static OpenApiSchema Object(params (string Name, IOpenApiSchema Schema, bool Required)[] properties) => new()
    {
        Type = JsonSchemaType.Object,
        Properties = properties.ToDictionary(p => p.Name, p => p.Schema),
        Required = new HashSet<string>(properties.Where(p => p.Required).Select(p => p.Name)),
    };

    static OpenApiSchema Str(string description, params string[] values) => new()
    {
        Type = JsonSchemaType.String, Description = description,
        Enum = values.Length == 0 ? null : values.Select(v => (JsonNode)JsonValue.Create(v)).ToList(),
    };

    static OpenApiSchema Num(string description) => new() { Type = JsonSchemaType.Number, Description = description };
    static OpenApiSchema Int(string description) => new() { Type = JsonSchemaType.Integer, Format = "int64", Description = description };
    static OpenApiSchema Bool(string description) => new() { Type = JsonSchemaType.Boolean, Description = description };
    static OpenApiSchema DateTime(string description) => new() { Type = JsonSchemaType.String, Format = "date-time", Description = description };

    static OpenApiSchema Nullable(OpenApiSchema schema)
    {
        schema.Type |= JsonSchemaType.Null;
        return schema;
    }
}
