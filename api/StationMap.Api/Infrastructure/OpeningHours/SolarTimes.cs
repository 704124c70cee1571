namespace StationMap.Api.Infrastructure.OpeningHours;

/// <summary>Dawn, sunrise, sunset and dusk of one local day; null where the event does not happen (polar day or night).</summary>
public sealed record SolarDay(DateTimeOffset? Dawn, DateTimeOffset? Sunrise, DateTimeOffset? Sunset, DateTimeOffset? Dusk);

/// <summary>
/// Sunrise and sunset (the sun's upper edge at the horizon with refraction, −0.833°) and civil dawn and
/// dusk (−6°) by the NOAA solar-position equations (Meeus' low-precision solar coordinates, the
/// equation of time and the hour angle), refined once at the event itself.
/// </summary>
public static class SolarTimes
{
    const double Rad = Math.PI / 180;

    public static SolarDay For(DateOnly date, double latitude, double longitude, TimeZoneInfo zone) => new(
        Event(date, latitude, longitude, zone, -6, rising: true),
        Event(date, latitude, longitude, zone, -0.833, rising: true),
        Event(date, latitude, longitude, zone, -0.833, rising: false),
        Event(date, latitude, longitude, zone, -6, rising: false));

    /// <summary>The event that falls on the local day <paramref name="date"/> of <paramref name="zone"/>.</summary>
    internal static DateTimeOffset? Event(DateOnly date, double latitude, double longitude, TimeZoneInfo zone, double altitude, bool rising)
    {
        foreach (var shift in (ReadOnlySpan<int>)[0, -1, 1])
        {
            if (UtcEvent(date.AddDays(shift), latitude, longitude, altitude, rising) is not { } utc) continue;
            var local = TimeZoneInfo.ConvertTime(utc, zone);
            if (DateOnly.FromDateTime(local.DateTime) == date) return local;
        }
        return null;
    }

    /// <summary>The event of the solar day whose transit is nearest to noon UTC of <paramref name="utcDate"/> at this longitude.</summary>
    static DateTimeOffset? UtcEvent(DateOnly utcDate, double latitude, double longitude, double altitude, bool rising)
    {
        var julianDay = utcDate.DayNumber + 1721425.5; // 0h UTC
        var minutes = 720 - 4 * longitude;              // first guess: solar noon, minutes after 0h UTC
        for (var pass = 0; pass < 3; pass++)
        {
            var (declination, equationOfTime) = Sun(julianDay + minutes / 1440);
            var cosHourAngle = (Math.Sin(altitude * Rad) - Math.Sin(latitude * Rad) * Math.Sin(declination))
                               / (Math.Cos(latitude * Rad) * Math.Cos(declination));
            if (cosHourAngle is < -1 or > 1 || double.IsNaN(cosHourAngle)) return null;
            var hourAngle = Math.Acos(cosHourAngle) / Rad;
            minutes = 720 - 4 * (longitude + (rising ? hourAngle : -hourAngle)) - equationOfTime;
        }
        return new DateTimeOffset(utcDate.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddMinutes(minutes);
    }

    /// <summary>The sun's declination (radians) and the equation of time (minutes) at a Julian day.</summary>
    static (double Declination, double EquationOfTime) Sun(double julianDay)
    {
        var t = (julianDay - 2451545) / 36525;
        var meanLongitude = (280.46646 + t * (36000.76983 + t * 0.0003032)) % 360;
        var meanAnomaly = 357.52911 + t * (35999.05029 - 0.0001537 * t);
        var eccentricity = 0.016708634 - t * (0.000042037 + 0.0000001267 * t);
        var m = meanAnomaly * Rad;
        var center = Math.Sin(m) * (1.914602 - t * (0.004817 + 0.000014 * t)) + Math.Sin(2 * m) * (0.019993 - 0.000101 * t) + Math.Sin(3 * m) * 0.000289;
        var omega = (125.04 - 1934.136 * t) * Rad;
        var apparentLongitude = (meanLongitude + center - 0.00569 - 0.00478 * Math.Sin(omega)) * Rad;
        var meanObliquity = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60;
        var obliquity = (meanObliquity + 0.00256 * Math.Cos(omega)) * Rad;
        var declination = Math.Asin(Math.Sin(obliquity) * Math.Sin(apparentLongitude));
        var y = Math.Tan(obliquity / 2) * Math.Tan(obliquity / 2);
        var l0 = meanLongitude * Rad;
        var equation = y * Math.Sin(2 * l0) - 2 * eccentricity * Math.Sin(m) + 4 * eccentricity * y * Math.Sin(m) * Math.Cos(2 * l0)
                       - 0.5 * y * y * Math.Sin(4 * l0) - 1.25 * eccentricity * eccentricity * Math.Sin(2 * m);
        return (declination, 4 * equation / Rad);
    }
}
