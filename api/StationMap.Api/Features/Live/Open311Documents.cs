using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;

namespace StationMap.Api.Features.Live;

/// <summary>Open311 service discovery.</summary>
public sealed record Open311DiscoveryDocument(string Changeset, string Contact, string KeyService, IReadOnlyList<Open311Endpoint> Endpoints);

/// <summary>One endpoint of the discovery document.</summary>
public sealed record Open311Endpoint(string Specification, string Url, string Changeset, string Type, IReadOnlyList<string> Formats);

/// <summary>A GeoReport v2 service: one problem of one amenity (or of the station itself).</summary>
/// <param name="ServiceCode">amenity.problem, e.g. microwave.broken, drinking_water.empty, station.closed_now.</param>
/// <param name="ServiceName">Its name, Chinese and English.</param>
/// <param name="Description">What to report with it.</param>
/// <param name="Metadata">true: the service has attributes (station_id, external_ref) in its definition.</param>
/// <param name="Type">realtime: a request becomes a ticket at once.</param>
/// <param name="Keywords">Comma-separated words: the amenity and the problem.</param>
/// <param name="Group">amenity or station.</param>
public sealed record Open311Service(string ServiceCode, string ServiceName, string Description, bool Metadata, string Type, string Keywords, string Group)
{
    [JsonIgnore] public string Amenity { get; init; } = "";
    [JsonIgnore] public string Problem { get; init; } = "";
}

/// <summary>A service's definition: the attributes a request may carry as attribute[code].</summary>
public sealed record Open311ServiceDefinition(string ServiceCode, IReadOnlyList<Open311Attribute> Attributes);

/// <summary>A GeoReport v2 attribute.</summary>
public sealed record Open311Attribute(bool Variable, string Code, string Datatype, bool Required, string DatatypeDescription, int Order, string Description);

/// <summary>A GeoReport v2 service request: a fault ticket.</summary>
/// <param name="ServiceRequestId">The ticket id.</param>
/// <param name="Status">open (reported, confirmed, acknowledged) or closed (fixed, verified, rejected).</param>
/// <param name="StatusNotes">The ticket's state.</param>
/// <param name="ServiceName">The service's name.</param>
/// <param name="ServiceCode">amenity.problem.</param>
/// <param name="Description">The request's description, or what the ticket is about.</param>
/// <param name="AgencyResponsible">The station's operator.</param>
/// <param name="ServiceNotice">Always null: no notice.</param>
/// <param name="RequestedDatetime">When the ticket was opened.</param>
/// <param name="UpdatedDatetime">Its last step.</param>
/// <param name="ExpectedDatetime">Always null: no fix date is promised.</param>
/// <param name="Address">The station's name and address.</param>
/// <param name="AddressId">The station id.</param>
/// <param name="Zipcode">Always null.</param>
/// <param name="Lat">The station's latitude (WGS-84).</param>
/// <param name="Long">The station's longitude (WGS-84).</param>
/// <param name="MediaUrl">Always null: no media are kept.</param>
public sealed record Open311Request(string ServiceRequestId, string Status, string StatusNotes, string ServiceName, string ServiceCode, string Description,
    string? AgencyResponsible, string? ServiceNotice, DateTimeOffset RequestedDatetime, DateTimeOffset UpdatedDatetime, DateTimeOffset? ExpectedDatetime,
    string Address, string AddressId, string? Zipcode, double Lat, double Long, string? MediaUrl)
{
    public static readonly string[] OpenStates = ["reported", "confirmed", "acknowledged"];
    public static readonly string[] ClosedStates = ["fixed", "verified", "rejected"];

    public static Open311Request From(TicketView t)
    {
        var code = Open311Catalogue.Code(t.Amenity, t.Problem);
        var name = Open311Catalogue.Find(code)?.ServiceName ?? code;
        return new(t.Id.ToString(CultureInfo.InvariantCulture), OpenStates.Contains(t.State) ? "open" : "closed", t.State, name, code,
            t.Description ?? $"{name}: {t.StationName}", t.Operator, null, t.ReportedAt, t.UpdatedAt, null,
            t.Address is null ? t.StationName : $"{t.StationName}, {t.Address}", t.StationId.ToString(CultureInfo.InvariantCulture), null, t.Lat, t.Lon, null);
    }
}

/// <summary>The answer to a new request.</summary>
public sealed record Open311Created(string ServiceRequestId, string? ServiceNotice, string? AccountId);

/// <summary>One GeoReport v2 error.</summary>
public sealed record Open311Error(int Code, string Description);

/// <summary>
/// The fields of POST requests.json (documentation: the body is read as a form or a JSON object).
/// </summary>
/// <param name="ServiceCode">Required: a service_code of services.json.</param>
/// <param name="Lat">Latitude (WGS-84 degrees); with long, the nearest station within 300 m is the one at fault.</param>
/// <param name="Long">Longitude (WGS-84 degrees).</param>
/// <param name="Description">What is wrong (at most 2000 characters).</param>
/// <param name="ApiKey">An editor or admin API key, when not sent as X-Api-Key.</param>
public sealed record Open311RequestForm(string ServiceCode, double? Lat, double? Long, string? Description, string? ApiKey);

/// <summary>The services: every amenity can be broken, drinking water can also run out, and the station itself can be closed, misplaced or gone.</summary>
public static class Open311Catalogue
{
    public static string Code(string amenity, string problem) => $"{amenity}.{problem}";

    // Hotline operators read Chinese first; the names are those of the client's amenity labels.
    static readonly Dictionary<string, string> AmenityNames = new()
    {
        ["drinking_water"] = "饮用水",
        ["microwave"] = "微波炉",
        ["phone_charging"] = "手机充电",
        ["ebike_charging"] = "电动车充电",
        ["battery_swap"] = "换电柜",
        ["toilet"] = "厕所",
        ["air_conditioning"] = "空调",
        ["heating"] = "取暖",
        ["seating"] = "座椅",
        ["first_aid"] = "急救药箱",
        ["wifi"] = "无线网络",
        ["fridge"] = "冰箱",
        ["lockers"] = "储物柜",
        ["umbrella"] = "爱心雨伞",
        ["repair_tools"] = "维修工具",
        ["canteen"] = "食堂",
        ["legal_aid"] = "法律援助",
        ["medical_service"] = "医疗服务",
        [LiveVocabulary.StationAmenity] = "驿站",
    };

    static readonly Dictionary<string, string> ProblemNames = new()
    {
        ["broken"] = "故障",
        ["empty"] = "没水了",
        ["closed_now"] = "现在没开门",
        ["wrong_location"] = "位置不对",
        ["gone"] = "已不存在",
    };

    public static readonly IReadOnlyList<Open311Service> Services =
    [
        .. StationVocabulary.Amenities.Select(a => Make(a, "broken")),
        Make("drinking_water", "empty"),
        Make(LiveVocabulary.StationAmenity, "closed_now"),
        Make(LiveVocabulary.StationAmenity, "wrong_location"),
        Make(LiveVocabulary.StationAmenity, "gone"),
    ];

    static Open311Service Make(string amenity, string problem)
    {
        var isStation = amenity == LiveVocabulary.StationAmenity;
        var what = isStation ? "The station" : $"The station's {amenity.Replace('_', ' ')}";
        var english = $"{char.ToUpperInvariant(amenity[0])}{amenity[1..].Replace('_', ' ')} {problem.Replace('_', ' ')}";
        return new(Code(amenity, problem), $"{AmenityNames.GetValueOrDefault(amenity, amenity)}{ProblemNames[problem]} / {english}",
            $"{what} is {problem.Replace('_', ' ')}.", true, "realtime", $"{amenity},{problem}", isStation ? "station" : "amenity")
        { Amenity = amenity, Problem = problem };
    }

    public static Open311Service? Find(string code) => Services.FirstOrDefault(s => s.ServiceCode == code);

    public static readonly IReadOnlyList<Open311Attribute> Attributes =
    [
        new(true, "station_id", "number", false, "A StationMap station id (GET /api/v1/stations)", 1,
            "The station at fault; without it, the nearest station within 300 m of lat/long."),
        new(true, "external_ref", "string", false, "Up to 200 characters", 2, "The caller's own case number (a 12345 hotline ticket), kept with the ticket."),
    ];
}

/// <summary>The POST body as name → value; <see cref="BadField"/> names what could not be read (a malformed form, a control character).</summary>
public sealed record Open311Form(IReadOnlyDictionary<string, string> Fields, string? BadField = null, string? Error = null);

/// <summary>The POST body as name → value, from a form or a JSON object (attribute objects flattened to attribute[code]); read once per request.</summary>
public static class Open311Body
{
    /// <summary>The body; null when it is neither a form nor a JSON object (415).</summary>
    public static async Task<Open311Form?> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HttpContext.Items.TryGetValue(typeof(Open311Body), out var cached)) return (Open311Form?)cached;
        var result = await ParseAsync(request, ct);
        if (result?.Fields.FirstOrDefault(f => f.Value.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r'))) is { Key: { } bad })
            result = result with { BadField = bad, Error = $"{bad}: control characters are not allowed." };
        request.HttpContext.Items[typeof(Open311Body)] = result;
        return result;
    }

    static async Task<Open311Form?> ParseAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.HasFormContentType)
        {
            try
            {
                var form = await request.ReadFormAsync(ct);
                return new(form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal));
            }
            catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
            {
                return new(new Dictionary<string, string>(), "body", $"body: not a valid form ({e.Message})");
            }
        }
        if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true) return null;
        try
        {
            using var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.Object)
                    foreach (var a in p.Value.EnumerateObject()) fields[$"{p.Name}[{a.Name}]"] = Text(a.Value);
                else fields[p.Name] = Text(p.Value);
            return new(fields);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static string Text(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.Null => "",
        _ => e.GetRawText(),
    };
}

/// <summary>
/// POST requests.json takes the key as GeoReport has it (the api_key field) or as every other write
/// (X-Api-Key): this policy accepts an editor or admin key from either.
/// </summary>
public static class Open311Auth
{
    public const string Policy = "open311-editor";

    public sealed class Requirement : IAuthorizationRequirement;

    public sealed class Handler(ApiKeyStore keys) : AuthorizationHandler<Requirement>
    {
        protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, Requirement requirement)
        {
            if (context.User.IsInRole(ApiKeyAuth.Editor) || context.User.IsInRole(ApiKeyAuth.Admin))
            {
                context.Succeed(requirement);
                return;
            }
            if (context.Resource is not HttpContext http || context.User.Identity?.IsAuthenticated == true) return;
            var body = await Open311Body.ReadAsync(http.Request, http.RequestAborted);
            if (body is null || !body.Fields.TryGetValue("api_key", out var key) || string.IsNullOrEmpty(key) || key.Length > 200) return;
            var found = await keys.FindActiveAsync(ApiKeyAuth.Hash(key), http.RequestAborted);
            if (found is null) return;
            http.User = new ClaimsPrincipal(new ClaimsIdentity(
                [new(ClaimTypes.NameIdentifier, found.Id.ToString(CultureInfo.InvariantCulture)), new(ClaimTypes.Name, found.Name), new(ClaimTypes.Role, found.Role)],
                ApiKeyAuth.Scheme));
            if (found.Role is ApiKeyAuth.Editor or ApiKeyAuth.Admin) context.Succeed(requirement);
        }
    }
}
