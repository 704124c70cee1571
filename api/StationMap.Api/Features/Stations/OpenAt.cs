using StationMap.Api.Infrastructure.OpeningHours;

namespace StationMap.Api.Features.Stations;

/// <summary>
/// What a read evaluates opening hours with: the instant (<c>at=</c>, default now) and the holiday
/// calendar of the stations' region. Each station adds its own zone and position
/// (<see cref="ContextFor"/>), so hours are always read in the station's own time zone.
/// </summary>
public sealed record OpenAt(DateTimeOffset Instant, IHolidayCalendar Holidays)
{
    /// <summary>Every station is in mainland China for now: the national calendar.</summary>
    public const string Region = "CN";

    public static OpenAt Of(DateTimeOffset? at, TimeProvider clock, IHolidayCalendars calendars) =>
        new(at ?? clock.GetUtcNow(), calendars.For(Region));

    public EvaluationContext ContextFor(Station s) => Context(StationView.Zones.Get(s.TimeZone), s.Location.Y, s.Location.X);

    public EvaluationContext Context(TimeZoneInfo zone, double lat, double lon) => new(zone, lat, lon, Holidays);
}
