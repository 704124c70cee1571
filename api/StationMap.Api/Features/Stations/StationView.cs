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

    /// <summary>
    /// nearest by=time only: the seconds the ranking used, travel_seconds plus the penalties for being closed (3600),
    /// of unknown hours (300), full now (600) or without a wanted amenity now (900); equal to travel_seconds for a station with none.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? RankSeconds { get; init; }

    /// <summary>The next seven local days of opening hours; single-station responses only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<DayHoursView>? HoursWeek { get; init; }

    /// <summary>Set when the station was deleted; only the change feed (updated_since) returns deleted stations.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>Live state: crowding, seats, batteries, amenities now, open faults, or the typical crowding (filled through ILiveState).</summary>
    public StationLive Live { get; init; } = StationLive.Empty();

    /// <summary>The services the station hosts, each with its state at the instant asked for and its next occurrence.</summary>
    public IReadOnlyList<ServiceView> Services { get; init; } = [];

    public static StationView From(Station s, Crs crs, OpenAt at, double? distanceM = null, bool withWeek = false)
    {
        var (lon, lat) = CoordinateSystems.FromWgs84(crs, s.Location.X, s.Location.Y);
        var context = at.ContextFor(s);
        var schedule = s.OpeningHours is null ? null : Schedules.Get(s.OpeningHours);
        return new StationView(
            s.Id, s.Name, s.NameEn, s.Address, s.District, Math.Round(lon, 7), Math.Round(lat, 7), s.Tier, s.Operator, s.Phone,
            s.OpeningHours, s.TimeZone, s.Status, s.StatusReason, s.Capacity,
            AmenityValues(s.Amenities), s.Access, s.VerifiedAt, s.CreatedAt, s.UpdatedAt, s.Version, s.IsDemo,
            OpenStateView.Of(s.Status, schedule, context, at.Instant),
            Infrastructure.Geo.Navigation.For(s.Location.X, s.Location.Y, s.Name, "ebike"))
        {
            DistanceM = distanceM is { } d ? Math.Round(d, 1) : null,
            HoursWeek = withWeek ? DayHoursView.Week(s.Status, schedule, context, at.Instant) : null,
            DeletedAt = s.DeletedAt,
            Services = ServiceView.List(StationServices.Parse(s.Services).Services, context, at.Instant),
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

/// <summary>
/// Open at the instant asked for (at=, default now)? <c>state</c> is open | closed | unknown;
/// <c>next_change</c> (null: none within the horizon the rules allow, up to a year) and <c>at</c>
/// (the instant evaluated) in the station's local offset.
/// </summary>
public sealed record OpenStateView(string State, DateTimeOffset? NextChange, string? Comment)
{
    /// <summary>The instant evaluated, in the station's local offset.</summary>
    public DateTimeOffset At { get; init; }

    public static OpenStateView Of(string status, OpeningHoursSchedule? schedule, EvaluationContext context, DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, context.Zone);
        if (status != "open") return new("closed", null, status) { At = local };
        if (schedule is null) return new("unknown", null, null) { At = local };
        var s = schedule.Evaluate(at, context);
        return new(Name(s.Status), s.NextChange, s.Comment) { At = local };
    }

    public static string Name(OpenStatus status) => status switch
    {
        OpenStatus.Open => "open",
        OpenStatus.Closed => "closed",
        _ => "unknown",
    };
}

/// <summary>A span of a day: from/to as HH:mm local ("24:00" = midnight at its end; to &lt; from runs past midnight); status open | unknown.</summary>
public sealed record TimeRangeView(string From, string To, string Status, string? Comment);

/// <summary>The day's holiday in the station's region: kind public_holiday | school_holiday | makeup_workday (调休, a working day).</summary>
public sealed record HolidayView(string Name, string Kind)
{
    public static HolidayView? Of(Holiday? holiday) => holiday is null ? null : new(holiday.Name, holiday.Kind switch
    {
        HolidayKind.Public => "public_holiday",
        HolidayKind.School => "school_holiday",
        _ => "makeup_workday",
    });

    /// <summary>For a day the evaluator does not read (a closed station, unknown hours): straight from the calendar.</summary>
    public static HolidayView? On(DateOnly date, IHolidayCalendar calendar)
    {
        if (calendar.IsMakeupWorkday(date)) return new("调休上班", "makeup_workday");
        if (calendar.PublicHoliday(date) is { } name) return new(name, "public_holiday");
        if (calendar.SchoolHoliday(date) is { } school) return new(school, "school_holiday");
        return null;
    }
}

/// <summary>One local day of the week view; <c>today</c> marks the first day (the day of the instant asked for).</summary>
public sealed record DayHoursView(string Date, string Weekday, bool Today, string Status, IReadOnlyList<TimeRangeView> Ranges, string? Comment,
    [property: Infrastructure.OpenApi.NullableObject] HolidayView? Holiday)
{
    static readonly string[] WeekdayCodes = ["Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"];

    /// <summary>Seven local days from the day of <paramref name="at"/> in the station's zone.</summary>
    public static IReadOnlyList<DayHoursView> Week(string status, OpeningHoursSchedule? schedule, EvaluationContext context, DateTimeOffset at)
    {
        var first = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, context.Zone).DateTime);
        var days = status == "open" && schedule is not null ? schedule.Days(first, 7, context) : null;
        return Enumerable.Range(0, 7).Select(i =>
        {
            var date = first.AddDays(i);
            var code = WeekdayCodes[(int)date.DayOfWeek];
            var text = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            if (status != "open") return new DayHoursView(text, code, i == 0, "closed", [], status, HolidayView.On(date, context.Holidays));
            if (days is null) return new DayHoursView(text, code, i == 0, "unknown", [], null, HolidayView.On(date, context.Holidays));
            var day = days[i];
            return new DayHoursView(text, code, i == 0, OpenStateView.Name(day.Status),
                day.Ranges.Select(r => new TimeRangeView(r.FromText, r.ToText, OpenStateView.Name(r.Status), r.Comment)).ToList(),
                day.Comment, HolidayView.Of(day.Holiday));
        }).ToList();
    }
}
