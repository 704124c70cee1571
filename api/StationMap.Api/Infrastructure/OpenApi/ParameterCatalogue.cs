using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace StationMap.Api.Infrastructure.OpenApi;

/// <summary>What one public parameter means: written once, keyed by its public name.</summary>
public sealed record ParameterDoc(
    string Description,
    JsonNode? Example = null,
    string[]? Enum = null,
    JsonNode? Default = null,
    string? Minimum = null,
    string? Maximum = null,
    string? Pattern = null,
    string? Format = null,
    bool Required = false);

/// <summary>
/// Describes every parameter from one catalogue keyed by public name (lon, lat, crs, mode, …), with
/// per-operation overrides where the meaning differs (mode allows car for isochrones but not for
/// service areas; minutes is a list for isochrones). Parameters bound as value types that parse
/// themselves keep their public names, so the catalogue keeps working when binding changes.
/// Required is set here because handlers bind nullable types to report every invalid parameter
/// at once, which would otherwise mark lon/lat optional.
/// </summary>
public sealed class ParameterCatalogue : IOperationFilter
{
    static readonly string[] Crs = ["wgs84", "gcj02", "bd09"];
    static readonly string[] AllModes = ["walk", "ebike", "car"];
    static readonly string[] StoredModes = ["walk", "ebike"];
    const string BboxPattern = @"^-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?$";
    const string LayerNamePattern = "^[A-Za-z0-9_.-]{1,64}$";
    const string RegionPattern = "^[A-Z]{2}(-[A-Z0-9]{1,3})?$";

    public static readonly IReadOnlyDictionary<string, ParameterDoc> Common = new Dictionary<string, ParameterDoc>
    {
        ["lon"] = new("Longitude of the point in degrees, in the coordinate system given by crs.", 120.16, Minimum: "-180", Maximum: "180"),
        ["lat"] = new("Latitude of the point in degrees, in the coordinate system given by crs.", 30.27, Minimum: "-90", Maximum: "90"),
        ["crs"] = new("Coordinate system of the coordinates sent and returned: wgs84 (GPS, default), gcj02 (Amap, Tencent) or bd09 (Baidu).",
            "wgs84", Crs, "wgs84"),
        ["mode"] = new("Travel mode over the road network.", "ebike", AllModes, "ebike"),
        ["minutes"] = new("Travel-time cut-off in minutes.", 15, Default: 15, Minimum: "1", Maximum: "60"),
        ["bbox"] = new("Bounding box minLon,minLat,maxLon,maxLat in degrees (in crs).", "120.14,30.25,120.18,30.29", Pattern: BboxPattern),
        ["format"] = new("Representation of the answer."),
        ["limit"] = new("Page size: how many items to return.", 10, Minimum: "1"),
        ["page"] = new("Page number, from 1; has_more in the answer says whether another page exists.", 1, Default: 1, Minimum: "1", Maximum: "1000000"),
        ["q"] = new("Text search in name, English name, address and district (case-insensitive substring, at most 100 characters).", "暖心"),
        ["amenities"] = new("Comma-separated amenities that must all be yes (unknown does not count): drinking_water, microwave, phone_charging, " +
                            "ebike_charging, battery_swap, toilet, air_conditioning, heating, seating, first_aid, wifi, fridge, lockers, umbrella, " +
                            "repair_tools, canteen, legal_aid, medical_service.", "drinking_water,toilet", Pattern: "^[a-z_]+(,[a-z_]+)*$"),
        ["tier"] = new("Comma-separated station tiers, any of: flagship, standard, smart_24h, convenience, partner.", "standard,smart_24h",
            Pattern: "^[a-z_0-9]+(,[a-z_0-9]+)*$"),
        ["operator"] = new("Only the stations of this operator: its name exactly as stored (trimmed; Latin letters case-insensitive), e.g. a union " +
                           "federation or a partner company.", "杭州市总工会"),
        ["openNow"] = new("true keeps only stations open at this moment in their own time zone (unknown hours are left out).", true),
        ["maxDistance"] = new("Largest crow-flight distance in metres.", 2000, Minimum: "1", Maximum: "100000"),
        ["by"] = new("Ranking: distance (ellipsoidal, metres) or time (travel time over the road network for mode).", "distance", ["distance", "time"], "distance"),
        ["radius"] = new("Search radius in metres around lon/lat (required with lon and lat).", 1500, Minimum: "1", Maximum: "50000"),
        ["updated_since"] = new("Change feed: stations changed at or after this instant (ISO 8601), in (updated_at, id) order, deleted ones included with deleted_at set.",
            "2026-11-01T00:00:00Z", Format: "date-time"),
        ["at"] = new("Count only stations open at this instant by their opening hours (ISO 8601 with offset); default: every open station.",
            "2026-11-29T23:00:00+08:00", Format: "date-time"),
        ["service"] = new("Comma-separated service kinds, any of: free_clinic (义诊), haircut (理发), legal_advice (法律咨询), counselling (心理咨询), " +
                          "classes (公益课堂), summer_drinks (送清凉); keeps stations hosting one of them (when service_when allows).", "free_clinic,haircut",
            Pattern: "^[a-z_]+(,[a-z_]+)*$"),
        ["service_when"] = new("When the service (of a kind in service, or any kind) must be on: now (on at the instant at, default now), " +
                               "today (has hours on the station's local day of at) or any (the station hosts it at all).", "today", ["now", "today", "any"], "any"),
        ["seats"] = new("available: leave out stations that are full now (live crowding full or 0 seats free, with confidence of at least 0.5); " +
                        "typical crowding does not count.", "available", ["available"]),
        ["district"] = new("District id (from GET /api/v1/districts) to restrict the answer to.", 1, Minimum: "1"),
        ["layer"] = new("Name of the demand layer (from GET /api/v1/planning/layers).", "demo-demand", Default: "demo-demand", Pattern: LayerNamePattern),
        ["worst"] = new("How many worst-served demand points to list.", 20, Default: 20, Minimum: "0", Maximum: "500"),
        ["cell"] = new("Hexagon edge length in metres.", 250, Default: 250, Minimum: "100", Maximum: "2000"),
        ["direction"] = new("to: who can reach the point within the time; from: where one can get to from the point.", "to", ["to", "from"], "to"),
        ["v"] = new("Graph version (routing.graph_version of GET /api/v1/config), only to make tile URLs change when the graph does; not otherwise used.", "1"),
        ["z"] = new("Zoom level of the tile (XYZ scheme, Web Mercator).", 14, Required: true),
        ["x"] = new("Tile column at zoom z, 0 to 2^z − 1.", 13661, Minimum: "0", Required: true),
        ["y"] = new("Tile row at zoom z, 0 to 2^z − 1, counted from the north.", 6745, Minimum: "0", Required: true),
        ["id"] = new("Numeric id.", 1, Minimum: "1", Required: true),
        ["name"] = new("Layer name: 1–64 of A–Z a–z 0–9 _ . -", "demo-demand", Pattern: LayerNamePattern, Required: true),
        ["kind"] = new("Layer kind: demand (weighted points where workers are) or candidate (possible new sites).", "demand", ["demand", "candidate"], "demand"),
        ["atomic"] = new("true (default): write nothing when any row is invalid; false: write the valid rows and report the others.", true, Default: true),
        ["description"] = new("Free-text description of the layer, shown in the layer list.", "Pick-up hotspots, November 2026"),
    };

    /// <summary>at on the station reads: the instant opening hours and services are evaluated at.</summary>
    static readonly ParameterDoc StationsAt = new(
        "Evaluate open_state, openNow and services at this instant (ISO 8601 with an offset or Z) in each station's own time zone; default now.",
        "2026-12-02T23:00:00+08:00", Format: "date-time");

    /// <summary>Where a parameter means something else on one operation (keyed by operationId).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, ParameterDoc>> ByOperation =
        new Dictionary<string, IReadOnlyDictionary<string, ParameterDoc>>
        {
            ["NearestStations"] = new Dictionary<string, ParameterDoc>
            {
                ["lon"] = Common["lon"] with { Required = true },
                ["lat"] = Common["lat"] with { Required = true },
                ["limit"] = Common["limit"] with { Default = 10, Maximum = "100" },
                ["mode"] = Common["mode"] with { Description = "Travel mode for by=time (ignored for by=distance)." },
                ["at"] = StationsAt,
                ["openNow"] = Common["openNow"] with { Description = "true keeps only stations open at the instant at (default now) in their own time zone (unknown hours are left out)." },
            },
            ["GetStation"] = new Dictionary<string, ParameterDoc>
            {
                ["at"] = StationsAt with { Description = StationsAt.Description + " hours_week starts on the station's local day of this instant." },
            },
            ["ReachableStations"] = new Dictionary<string, ParameterDoc>
            {
                ["lon"] = Common["lon"] with { Required = true },
                ["lat"] = Common["lat"] with { Required = true },
                ["at"] = StationsAt,
            },
            ["Isochrones"] = new Dictionary<string, ParameterDoc>
            {
                ["lon"] = Common["lon"] with { Required = true },
                ["lat"] = Common["lat"] with { Required = true },
                ["minutes"] = new("Up to 4 comma-separated travel-time cut-offs in minutes, each 1–60; one band per value.", "5,10,15",
                    Default: "15", Pattern: @"^\d{1,2}(,\d{1,2}){0,3}$"),
            },
            ["ListStations"] = new Dictionary<string, ParameterDoc>
            {
                ["lon"] = Common["lon"] with { Description = "Longitude of the centre for a radius search (with lat and radius; not with bbox)." },
                ["lat"] = Common["lat"] with { Description = "Latitude of the centre for a radius search (with lon and radius; not with bbox)." },
                ["bbox"] = Common["bbox"] with { Description = Common["bbox"].Description + " Not with lon/lat/radius." },
                ["limit"] = Common["limit"] with { Default = 50, Maximum = "1000", Example = 50 },
                ["at"] = StationsAt,
                ["format"] = new("json (a page with has_more), geojson (a FeatureCollection of points) or csv (the columns the import reads).",
                    "json", ["json", "geojson", "csv"], "json"),
            },
            ["StationServiceArea"] = new Dictionary<string, ParameterDoc>
            {
                ["id"] = Common["id"] with { Description = "Station id." },
                ["mode"] = Common["mode"] with { Enum = StoredModes, Description = "Travel mode of the precomputed bands." },
                ["minutes"] = new("Comma-separated subset of the precomputed bands 5, 10, 15 (default all three).", "5,10,15",
                    Pattern: "^(5|10|15)(,(5|10|15)){0,2}$"),
            },
            ["ServiceAreaStatus"] = new Dictionary<string, ParameterDoc>
            {
                ["station_id"] = new("Only this station's logged computations in recent (newest first).", "42", Pattern: "^[1-9][0-9]{0,18}$"),
            },
            ["ServiceAreas"] = new Dictionary<string, ParameterDoc>
            {
                ["bbox"] = Common["bbox"] with { Required = true },
                ["mode"] = Common["mode"] with { Enum = StoredModes, Description = "Travel mode of the precomputed bands." },
                ["minutes"] = new("One precomputed band: 5, 10 or 15.", "15", ["5", "10", "15"], "15"),
            },
            ["Coverage"] = new Dictionary<string, ParameterDoc>
            {
                ["mode"] = Common["mode"] with { Enum = StoredModes },
                ["format"] = new("json (the full report), csv (the per-district table) or geojson (districts with the table's numbers).",
                    "json", ["json", "csv", "geojson"], "json"),
            },
            ["CoverageGaps"] = new Dictionary<string, ParameterDoc>
            {
                ["mode"] = Common["mode"] with { Enum = StoredModes },
                ["bbox"] = Common["bbox"] with { Description = Common["bbox"].Description + " One of bbox and district is required." },
                ["district"] = Common["district"] with { Description = "District id; one of bbox and district is required." },
            },
            ["CoverageGapTiles"] = new Dictionary<string, ParameterDoc>
            {
                ["mode"] = Common["mode"] with { Enum = StoredModes },
                ["z"] = Common["z"] with { Minimum = "8", Maximum = "18" },
                ["v"] = Common["v"] with { Description = "Any value that changes when the data do (the graph version and data time), to bust caches; not otherwise used." },
            },
            ["CoverageUncovered"] = new Dictionary<string, ParameterDoc>
            {
                ["mode"] = Common["mode"] with { Enum = StoredModes },
                ["minutes"] = new("One stored service-area band: 5, 10 or 15.", 15, ["5", "10", "15"], 15),
            },
            ["RoadTiles"] = new Dictionary<string, ParameterDoc>
            {
                ["z"] = Common["z"] with { Minimum = "8", Maximum = "16" },
            },
            ["StationTiles"] = new Dictionary<string, ParameterDoc>
            {
                ["z"] = Common["z"] with { Minimum = "0", Maximum = "22", Description = "Zoom level of the tile (XYZ scheme, Web Mercator): clusters below 12, stations from 12." },
                ["services"] = new("Comma-separated service kinds, any of: free_clinic, haircut, legal_advice, counselling, classes, summer_drinks; " +
                                   "keeps stations that host one of them (at any time).", "haircut,free_clinic", Pattern: "^[a-z_]+(,[a-z_]+)*$"),
                ["v"] = Common["v"] with { Description = "Any value, to bust caches; not otherwise used." },
            },
            ["ListDistricts"] = new Dictionary<string, ParameterDoc>
            {
                ["format"] = new("json (a list) or geojson (a FeatureCollection of MultiPolygons).", "json", ["json", "geojson"], "json"),
            },
            ["GetDistrict"] = new Dictionary<string, ParameterDoc>
            {
                ["id"] = Common["id"] with { Description = "District id." },
                ["format"] = new("json or geojson (a Feature with the district's MultiPolygon).", "json", ["json", "geojson"], "json"),
            },
            ["PlanningLayerPoints"] = new Dictionary<string, ParameterDoc>
            {
                ["name"] = Common["name"] with { Description = "Layer name (from GET /api/v1/planning/layers)." },
                ["bbox"] = Common["bbox"] with { Description = Common["bbox"].Description + " Optional: default all points." },
                ["format"] = new("geojson (default) or csv (the columns the upload reads: id, lon, lat, weight, label, category).",
                    "geojson", ["geojson", "csv"], "geojson"),
            },
            ["UploadPlanningLayer"] = new Dictionary<string, ParameterDoc>
            {
                ["name"] = Common["name"] with { Description = "Name of the layer to create or replace: 1–64 of A–Z a–z 0–9 _ . -" },
                ["crs"] = Common["crs"] with { Description = "Coordinate system of the uploaded coordinates; they are stored as WGS-84." },
                ["format"] = new("Body format: csv (lon,lat[,weight][,label][,category]) or geojson (Point features); default from Content-Type.",
                    "csv", ["csv", "geojson"]),
            },
            ["DeletePlanningLayer"] = new Dictionary<string, ParameterDoc>
            {
                ["name"] = Common["name"] with { Description = "Name of the layer to delete." },
            },
            ["ImportStations"] = new Dictionary<string, ParameterDoc>
            {
                ["format"] = new("Body format: csv (the columns of format=csv exports) or geojson (Point features with station properties); default from Content-Type.",
                    "csv", ["csv", "geojson"]),
                ["crs"] = Common["crs"] with { Description = "Coordinate system of the imported coordinates; they are stored as WGS-84." },
            },
            ["ListHolidays"] = new Dictionary<string, ParameterDoc>
            {
                ["region"] = new("Region: an ISO 3166-1 alpha-2 code, optionally with a subdivision (CN, CN-ZJ).", "CN", Default: "CN", Pattern: RegionPattern),
                ["year"] = new("One year, 2000–2100 (absent: every loaded year); 404 when it is not loaded.", "2026", Pattern: "^[0-9]{4}$"),
            },
            ["ReplaceHolidayYear"] = new Dictionary<string, ParameterDoc>
            {
                ["region"] = new("Region the file is loaded as: an ISO 3166-1 alpha-2 code, optionally with a subdivision (CN, CN-ZJ).", "CN", Pattern: RegionPattern, Required: true),
                ["year"] = new("The year the announcement is for (2000–2100); its days may reach into the December before and the January after.", "2027",
                    Pattern: "^[0-9]{4}$", Required: true),
                ["source"] = new("Where the days come from (title, document number, URL); replaces the body's source (an iCalendar file without SOURCE, URL or X-WR-CALDESC needs it).",
                    "国务院办公厅关于2027年部分节假日安排的通知"),
            },
            ["UsageStatistics"] = new Dictionary<string, ParameterDoc>
            {
                ["group_by"] = new("One row per station (default), district or operator.", "operator", ["station", "district", "operator"], "station"),
                ["from"] = new("Start of the range, included: a date (YYYY-MM-DD, a day in UTC+08:00) or an ISO 8601 instant with an offset; default 30 days before to.",
                    "2026-11-01"),
                ["to"] = new("End of the range, excluded (a date includes that day); at most 366 days after from; default the end of today (UTC+08:00).", "2026-11-30"),
                ["format"] = new("json (default) or csv (UTF-8 with BOM, one header row).", "json", ["json", "csv"], "json"),
            },
            ["CrowdingProfiles"] = new Dictionary<string, ParameterDoc>
            {
                ["station_id"] = new("One station id or up to 500 comma-separated ids (not with bbox).", "12,15", Pattern: "^[0-9]+(,[0-9]+)*$"),
                ["bbox"] = Common["bbox"] with { Description = "Bounding box minLon,minLat,maxLon,maxLat in degrees (WGS-84), not with station_id; at most 500 stations." },
            },
            ["ListWebhookDeliveries"] = new Dictionary<string, ParameterDoc>
            {
                ["limit"] = new("How many deliveries, newest first: 1–500.", "50", Default: "50", Pattern: "^[0-9]{1,3}$"),
            },
            ["PlanningSuggest"] = new Dictionary<string, ParameterDoc>
            {
                ["format"] = new("json (the full answer), geojson (the suggested sites as points) or csv (the sites in order).", "json", ["json", "geojson", "csv"], "json"),
            },
            ["PlanningCover"] = new Dictionary<string, ParameterDoc>
            {
                ["format"] = new("json (the full answer), geojson (the sites as points) or csv (the sites in order).", "json", ["json", "geojson", "csv"], "json"),
            },
            ["LiveFeed"] = new Dictionary<string, ParameterDoc>
            {
                ["bbox"] = Common["bbox"] with { Description = "Bounding box minLon,minLat,maxLon,maxLat in WGS-84 degrees; at most 5000 stations.", Required = true },
            },
            ["LiveStream"] = new Dictionary<string, ParameterDoc>
            {
                ["bbox"] = Common["bbox"] with { Description = "Bounding box minLon,minLat,maxLon,maxLat in WGS-84 degrees: the stations whose changes are sent.", Required = true },
                ["last_event_id"] = new("Resume after this event id (as the Last-Event-ID header, which wins when both are sent): every station of the box " +
                                        "changed since is sent once with its current state.", "1234", Pattern: "^[0-9]+$"),
            },
        };

    /// <summary>Query parameters an operation accepts without binding them (so the API explorer cannot see them).</summary>
    static readonly IReadOnlyDictionary<string, string[]> Unbound = new Dictionary<string, string[]>
    {
        ["RoadTiles"] = ["v"],
    };

    public static ParameterDoc? Find(string? operationId, string name) =>
        operationId is not null && ByOperation.TryGetValue(operationId, out var own) && own.TryGetValue(name, out var doc) ? doc
        : Common.GetValueOrDefault(name);

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        operation.Parameters ??= [];
        if (operation.OperationId is { } id && Unbound.TryGetValue(id, out var extra))
            foreach (var name in extra.Where(n => operation.Parameters.All(p => p.Name != n)))
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name,
                    In = ParameterLocation.Query,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });

        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>())
        {
            if (parameter.In is not (ParameterLocation.Query or ParameterLocation.Path) || parameter.Name is null) continue;
            var doc = Find(operation.OperationId, parameter.Name);
            if (doc is null) continue;
            parameter.Description = doc.Description;
            parameter.Required = doc.Required || parameter.In == ParameterLocation.Path;
            if (parameter.Schema is not OpenApiSchema schema) parameter.Schema = schema = new OpenApiSchema { Type = JsonSchemaType.String };
            // Nullable binding is an implementation detail: on the wire a parameter is present or absent.
            schema.Type &= ~JsonSchemaType.Null;
            if (doc.Enum is { } values)
            {
                var integer = schema.Type == JsonSchemaType.Integer;
                schema.Enum = values.Select(v => integer ? JsonValue.Create(int.Parse(v)) : (JsonNode)JsonValue.Create(v)).ToList();
            }
            if (doc.Default is not null) schema.Default = doc.Default.DeepClone();
            if (doc.Minimum is not null) schema.Minimum = doc.Minimum;
            if (doc.Maximum is not null) schema.Maximum = doc.Maximum;
            if (doc.Pattern is not null && schema.Type == JsonSchemaType.String) schema.Pattern = doc.Pattern;
            if (doc.Format is not null) schema.Format = doc.Format;
            if (doc.Example is not null)
            {
                parameter.Example = doc.Example.DeepClone();
                // The value type's own example and description are generic (Bands: "5,10,15"); where the
                // catalogue narrows the meaning (one precomputed band) they would contradict it.
#pragma warning disable CS0618 // the 3.0 serialiser still writes the single example
                schema.Example = null;
#pragma warning restore CS0618
                schema.Examples = null;
                schema.Description = null;
            }
        }
    }
}
