using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.OpeningHours;

namespace StationMap.Api.Features.Stations;

/// <summary>A station as the API returns it (JSON in snake_case); coordinates in the requested CRS.</summary>
[Infrastructure.Formats.GeoJsonGeometryMembers("lon", "lat")]
public sealed record StationView(
    long Id, string Name, string? NameEn, string? Address, string? District,
    double Lon, double Lat, string Tier, string? Operator, string? Phone,
    string? OpeningHours, string TimeZone, string Status, string? StatusReason, int? Capacity,
    IReadOnlyDictionary<string, string> Amenities, string[] Access,
    DateTimeOffset? VerifiedAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version, bool IsDemo,
    OpenStateView OpenState, NavigationLinks Navigation)
{
    /// <summary>Metres along the ellipsoid (PostGIS geography ST_Distance); nearest queries only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? DistanceM { get; init; }

    /// <summary>Seconds over the road network by the requested mode; nearest by=time only.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? TravelSeconds { get; init; }

    /// <summary>The next seven local days of opening hours; single-station responses only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<DayHoursView>? HoursWeek { get; init; }

    /// <summary>Set when the station was deleted; only the change feed (updated_since) returns deleted stations.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? DeletedAt { get; init; }

    public static StationView From(Station s, Crs crs, DateTimeOffset now, double? distanceM = null, bool withWeek = false)
    {
        var (lon, lat) = CoordinateSystems.FromWgs84(crs, s.Location.X, s.Location.Y);
        var zone = Zones.Get(s.TimeZone);
        var schedule = s.OpeningHours is null ? null : Schedules.Get(s.OpeningHours);
        return new StationView(
            s.Id, s.Name, s.NameEn, s.Address, s.District, Math.Round(lon, 7), Math.Round(lat, 7), s.Tier, s.Operator, s.Phone,
            s.OpeningHours, s.TimeZone, s.Status, s.StatusReason, s.Capacity,
            AmenityValues(s.Amenities), s.Access, s.VerifiedAt, s.CreatedAt, s.UpdatedAt, s.Version, s.IsDemo,
            OpenStateView.Of(s.Status, schedule, zone, now),
            Infrastructure.Geo.Navigation.For(s.Location.X, s.Location.Y, s.Name, "ebike"))
        {
            DistanceM = distanceM is { } d ? Math.Round(d, 1) : null,
            HoursWeek = withWeek ? DayHoursView.Week(s.Status, schedule, zone, now) : null,
            DeletedAt = s.DeletedAt,
        };
    }

    /// <summary>Every known amenity with its tri-state value; missing keys are "unknown".</summary>
    public static IReadOnlyDictionary<string, string> AmenityValues(string json)
    {
        // The API only writes strings, but a row written by other means may hold any JSON value:
        // a non-string is "unknown" (the SQL filter's @> '{"x":"yes"}' does not match it either).
        var stored = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json) ?? [];
        return StationVocabulary.Amenities.ToDictionary(a => a,
            a => stored.TryGetValue(a, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "unknown");
    }

    /// <summary>Parsed schedules by text: every station with the same hours shares one parse.</summary>
    internal static class Schedules
    {
        static readonly ConcurrentDictionary<string, OpeningHoursSchedule?> Cache = new(StringComparer.Ordinal);

        public static OpeningHoursSchedule? Get(string text)
        {
            if (Cache.Count > 10_000) Cache.Clear();
            return Cache.GetOrAdd(text, t => OpeningHoursSchedule.TryParse(t, out var s, out _) ? s : null);
        }
    }

    internal static class Zones
    {
        static readonly ConcurrentDictionary<string, TimeZoneInfo> Cache = new(StringComparer.Ordinal);

        public static TimeZoneInfo Get(string id) => Cache.GetOrAdd(id, i =>
            TimeZoneInfo.TryFindSystemTimeZoneById(i, out var z) ? z : TimeZoneInfo.FindSystemTimeZoneById(StationVocabulary.DefaultTimeZone));

        public static bool Exists(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
    }
}

/// <summary>Open now? <c>state</c> is open | closed | unknown; <c>next_change</c> in the station's local offset.</summary>
public sealed record OpenStateView(string State, DateTimeOffset? NextChange, string? Comment)
{
    public static OpenStateView Of(string status, OpeningHoursSchedule? schedule, TimeZoneInfo zone, DateTimeOffset now)
    {
        if (status != "open") return new("closed", null, status);
        if (schedule is null) return new("unknown", null, null);
        var s = schedule.Evaluate(now, EvaluationContext.Default(zone));
        return new(Name(s.Status), s.NextChange, s.Comment);
    }

    public static string Name(OpenStatus status) => status switch
    {
        OpenStatus.Open => "open",
        OpenStatus.Closed => "closed",
        _ => "unknown",
    };
}

public sealed record TimeRangeView(string From, string To);

public sealed record DayHoursView(string Date, string Weekday, bool Today, string Status, IReadOnlyList<TimeRangeView> Ranges, string? Comment)
{
    static readonly string[] WeekdayCodes = ["Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"];

    public static IReadOnlyList<DayHoursView> Week(string status, OpeningHoursSchedule? schedule, TimeZoneInfo zone, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        return Enumerable.Range(0, 7).Select(i =>
        {
            var date = today.AddDays(i);
            var code = WeekdayCodes[(int)date.DayOfWeek];
            if (status != "open") return new DayHoursView(date.ToString("yyyy-MM-dd"), code, i == 0, "closed", [], status);
            if (schedule is null) return new DayHoursView(date.ToString("yyyy-MM-dd"), code, i == 0, "unknown", [], null);
            var day = schedule.Days(date, 1, EvaluationContext.Default(zone))[0];
            return new DayHoursView(date.ToString("yyyy-MM-dd"), code, i == 0, OpenStateView.Name(day.Status),
                day.Ranges.Select(r => new TimeRangeView(r.FromText, r.ToText)).ToList(),
                day.Comment);
        }).ToList();
    }
}
