using System.Text.Json;
using System.Text.Json.Serialization;
using NetTopologySuite.Geometries;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.OpeningHours;

namespace StationMap.Api.Features.Stations;

/// <summary>
/// The writable fields of a station (POST, PUT, merge-PATCH, bulk import). Unknown JSON members are
/// rejected rather than ignored. Coordinates are WGS-84 unless the request says <c>crs=</c>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record StationInput
{
    /// <summary>Longest operator name stored (and so the longest <c>operator=</c> filter).</summary>
    public const int MaxOperatorLength = 200;

    public string? Name { get; init; }
    public string? NameEn { get; init; }
    public string? Address { get; init; }
    public string? District { get; init; }
    public double? Lon { get; init; }
    public double? Lat { get; init; }
    public string? Tier { get; init; }
    public string? Operator { get; init; }
    public string? Phone { get; init; }
    /// <summary>OpenStreetMap opening_hours syntax, e.g. "Mo-Fr 08:00-20:00; Sa 09:00-12:00"; null = unknown.</summary>
    public string? OpeningHours { get; init; }
    public string? TimeZone { get; init; }
    public string? Status { get; init; }
    public string? StatusReason { get; init; }
    public int? Capacity { get; init; }
    /// <summary>amenity → "yes" | "no" | "unknown"; omitted amenities are unknown.</summary>
    public Dictionary<string, string>? Amenities { get; init; }
    public string[]? Access { get; init; }
    public DateTimeOffset? VerifiedAt { get; init; }
    /// <summary>Services hosted on a schedule, each {kind, description, hours} with hours in opening_hours syntax; null or omitted = none.</summary>
    public List<ServiceInput?>? Services { get; init; }
    /// <summary>Optional alternative to If-Match on PUT/PATCH: the version the change is based on.</summary>
    public int? Version { get; init; }

    /// <summary>Validates every field; error keys are the JSON names (prefixed for import rows).</summary>
    public void Validate(Validation v, DateTimeOffset now, string prefix = "")
    {
        if (string.IsNullOrWhiteSpace(Name)) v.Add(prefix + "name", "name is required.");
        MaxLength(v, prefix + "name", Name, 200);
        MaxLength(v, prefix + "name_en", NameEn, 200);
        MaxLength(v, prefix + "address", Address, 500);
        MaxLength(v, prefix + "district", District, 100);
        MaxLength(v, prefix + "operator", Operator, MaxOperatorLength);
        MaxLength(v, prefix + "phone", Phone, 50);
        MaxLength(v, prefix + "status_reason", StatusReason, 500);
        v.Coordinates(Lon, Lat, prefix + "lon", prefix + "lat");
        if (Tier is not null && !StationVocabulary.IsTier(Tier))
            v.Add(prefix + "tier", $"tier must be one of {string.Join(", ", StationVocabulary.Tiers)}.");
        if (Status is not null && !StationVocabulary.Statuses.Contains(Status))
            v.Add(prefix + "status", $"status must be one of {string.Join(", ", StationVocabulary.Statuses)}.");
        if (OpeningHours is not null)
        {
            if (OpeningHours.Length > 500) v.Add(prefix + "opening_hours", "opening_hours must be at most 500 characters.");
            else if (!OpeningHoursSchedule.TryParse(OpeningHours, out _, out var error))
                v.Add(prefix + "opening_hours", $"opening_hours is not valid OpenStreetMap opening_hours syntax: {error}");
        }
        if (TimeZone is not null && !StationView.Zones.Exists(TimeZone))
            v.Add(prefix + "time_zone", $"Unknown time zone '{TimeZone}' (use an IANA name such as Asia/Shanghai).");
        v.Range(Capacity, prefix + "capacity", 0, 10_000);
        foreach (var (key, value) in Amenities ?? [])
        {
            if (!StationVocabulary.IsAmenity(key))
                v.Add(prefix + "amenities", $"Unknown amenity '{key}'. Allowed: {string.Join(", ", StationVocabulary.Amenities)}.");
            else if (!StationVocabulary.AmenityValues.Contains(value))
                v.Add(prefix + "amenities", $"amenities.{key} must be yes, no or unknown.");
        }
        foreach (var rule in Access ?? [])
        {
            if (!StationVocabulary.AccessRules.Contains(rule))
                v.Add(prefix + "access", $"Unknown access rule '{rule}'. Allowed: {string.Join(", ", StationVocabulary.AccessRules)}.");
        }
        StationServices.Validate(Services, v, prefix);
        if (VerifiedAt > now.AddMinutes(5)) v.Add(prefix + "verified_at", "verified_at must not be in the future.");
    }

    static void MaxLength(Validation v, string name, string? value, int max)
    {
        if (value is { Length: var n } && n > max) v.Add(name, $"{name} must be at most {max} characters.");
        // JSON bodies are checked as they are read; CSV import rows arrive here unchecked.
        else if (value is not null && Infrastructure.Http.ControlCharacters.FindInText(value) is >= 0 and var at)
            v.Add(name, Infrastructure.Http.ControlCharacters.Describe(name, value, at));
    }

    /// <summary>Copies the (validated) fields onto an entity; coordinates already converted to WGS-84.</summary>
    public void ApplyTo(Station s, double wgsLon, double wgsLat)
    {
        s.Name = Name!.Trim();
        s.NameEn = Blank(NameEn);
        s.Address = Blank(Address);
        s.District = Blank(District);
        s.Location = new Point(wgsLon, wgsLat) { SRID = 4326 };
        s.Tier = Tier ?? StationVocabulary.DefaultTier;
        s.Operator = Blank(Operator);
        s.Phone = Blank(Phone);
        s.OpeningHours = Blank(OpeningHours);
        s.TimeZone = TimeZone ?? StationVocabulary.DefaultTimeZone;
        s.Status = Status ?? "open";
        s.StatusReason = Blank(StatusReason);
        s.Capacity = Capacity;
        // Store only yes/no: "unknown" is the absence of a value.
        s.Amenities = JsonSerializer.Serialize((Amenities ?? []).Where(a => a.Value != "unknown").OrderBy(a => a.Key, StringComparer.Ordinal)
            .ToDictionary(a => a.Key, a => a.Value));
        s.Access = (Access ?? []).Distinct().ToArray();
        s.VerifiedAt = VerifiedAt;
        s.Services = StationServices.ToJson(Services);
    }

    static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>The input that would recreate <paramref name="view"/> (base document for merge-PATCH).</summary>
    public static StationInput From(StationView view) => new()
    {
        Name = view.Name,
        NameEn = view.NameEn,
        Address = view.Address,
        District = view.District,
        Lon = view.Lon,
        Lat = view.Lat,
        Tier = view.Tier,
        Operator = view.Operator,
        Phone = view.Phone,
        OpeningHours = view.OpeningHours,
        TimeZone = view.TimeZone,
        Status = view.Status,
        StatusReason = view.StatusReason,
        Capacity = view.Capacity,
        Amenities = view.Amenities.ToDictionary(),
        Access = view.Access,
        VerifiedAt = view.VerifiedAt,
        Services = view.Services.Select(s => (ServiceInput?)new ServiceInput { Kind = s.Kind, Description = s.Description, Hours = s.Hours }).ToList(),
    };
}
