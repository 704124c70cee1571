using System.Globalization;
using NetTopologySuite.Geometries;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Routing;

namespace StationMap.Api.Infrastructure.Parameters;

/// <summary>
/// A query parameter value type that parses itself. Binding never fails on it (so one request's bad
/// values are all reported together, by name): an unparsable text gives a value whose
/// <see cref="Error"/> is set, and the API group's query filter (<see cref="QueryParameters"/>) answers
/// 400 naming the parameter before the handler runs. A handler only ever sees valid values.
/// </summary>
public interface IQueryValue
{
    /// <summary>Why the text is not valid, with <c>{0}</c> for the parameter's name; null when valid.</summary>
    string? Error { get; }
}

/// <summary><c>mode</c>: walk | ebike | car (<see cref="TravelMode"/>).</summary>
public readonly record struct TravelModeParameter(TravelMode Value, string? Error) : IQueryValue
{
    public const string Message = "{0} must be one of walk, ebike, car.";

    public static bool TryParse(string? text, IFormatProvider? provider, out TravelModeParameter result)
    {
        result = TravelModes.TryParse(text, out var mode) ? new(mode, null) : new(default, Message);
        return true;
    }

    public string Name => Value.Name();
}

/// <summary><c>crs</c>: the coordinate system of the coordinates sent and returned (wgs84 | gcj02 | bd09).</summary>
public readonly record struct CrsParameter(Crs Value, string? Error) : IQueryValue
{
    public const string Message = "{0} must be one of wgs84, gcj02, bd09.";

    public static bool TryParse(string? text, IFormatProvider? provider, out CrsParameter result)
    {
        result = CoordinateSystems.TryParse(text, out var crs) ? new(crs, null) : new(Crs.Wgs84, Message);
        return true;
    }

    /// <summary>The crs asked for, WGS-84 when the parameter is absent.</summary>
    public static Crs Or(CrsParameter? parameter) => parameter?.Value ?? Crs.Wgs84;
}

/// <summary><c>format</c>: json | geojson | csv (which of them an endpoint offers is in its description).</summary>
public enum Format { Json, GeoJson, Csv }

public readonly record struct OutputFormat(Format Value, string? Error) : IQueryValue
{
    public const string Message = "{0} must be one of json, geojson, csv.";

    public static bool TryParse(string? text, IFormatProvider? provider, out OutputFormat result)
    {
        result = text?.Trim().ToLowerInvariant() switch
        {
            "json" => new(Format.Json, null),
            "geojson" => new(Format.GeoJson, null),
            "csv" => new(Format.Csv, null),
            _ => new(Format.Json, Message),
        };
        return true;
    }

    /// <summary>The format asked for, <paramref name="fallback"/> when absent; a validation error when the endpoint does not offer it.</summary>
    public static Format Of(OutputFormat? parameter, Validation v, Format fallback, params Format[] offered)
    {
        var format = parameter?.Value ?? fallback;
        if (!offered.Contains(format))
            v.Add("format", $"format must be {string.Join(" or ", offered.Select(f => f.ToString().ToLowerInvariant()))}.");
        return format;
    }
}

/// <summary>
/// <c>bbox</c>: minLon,minLat,maxLon,maxLat in degrees in the request's crs. minLon may exceed maxLon
/// (a box across the antimeridian); minLat may not exceed maxLat.
/// </summary>
public readonly record struct Bbox(double MinLon, double MinLat, double MaxLon, double MaxLat, string? Error) : IQueryValue
{
    public const string Message = "{0} must be four comma-separated numbers of degrees: minLon,minLat,maxLon,maxLat " +
                                  "(lon in [-180, 180], lat in [-90, 90], minLat ≤ maxLat).";

    public static bool TryParse(string? text, IFormatProvider? provider, out Bbox result)
    {
        var parts = (text ?? "").Split(',');
        var v = new double[4];
        var ok = parts.Length == 4
                 && parts.Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) && double.IsFinite(v[i])).All(b => b)
                 && Math.Abs(v[0]) <= 180 && Math.Abs(v[2]) <= 180 && Math.Abs(v[1]) <= 90 && Math.Abs(v[3]) <= 90 && v[1] <= v[3];
        result = ok ? new(v[0], v[1], v[2], v[3], null) : new(0, 0, 0, 0, Message);
        return true;
    }

    /// <summary>The box as a WGS-84 (SRID 4326) polygon; across the antimeridian a MultiPolygon of two boxes.</summary>
    public Geometry ToWgs84(Crs crs)
    {
        var (x0, y0) = CoordinateSystems.ToWgs84(crs, MinLon, MinLat);
        var (x1, y1) = CoordinateSystems.ToWgs84(crs, MaxLon, MaxLat);
        var f = new GeometryFactory(new PrecisionModel(), 4326);
        if (x0 <= x1) return f.ToGeometry(new Envelope(x0, x1, y0, y1));
        return f.CreateMultiPolygon([
            (Polygon)f.ToGeometry(new Envelope(x0, 180, y0, y1)),
            (Polygon)f.ToGeometry(new Envelope(-180, x1, y0, y1)),
        ]);
    }

    /// <summary>The text as sent back in answers' parameters (invariant culture).</summary>
    public override string ToString() => string.Join(',', new[] { MinLon, MinLat, MaxLon, MaxLat }.Select(d => d.ToString(CultureInfo.InvariantCulture)));
}

/// <summary>
/// <c>minutes</c> as travel-time bands: up to <see cref="MaxBands"/> comma-separated whole minutes,
/// each 1–<see cref="MaxMinutes"/>, sorted and without repeats.
/// </summary>
public readonly record struct Bands(IReadOnlyList<int> Minutes, string? Error) : IQueryValue
{
    public const int MaxBands = 4;
    public const int MaxMinutes = 60;
    public const string Message = "{0} must be up to 4 comma-separated whole minutes, each between 1 and 60.";

    public static bool TryParse(string? text, IFormatProvider? provider, out Bands result)
    {
        var list = new SortedSet<int>();
        foreach (var part in (text ?? "").Split(','))
        {
            if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m < 1 || m > MaxMinutes)
            {
                result = new([], Message);
                return true;
            }
            list.Add(m);
        }
        result = list.Count > MaxBands ? new([], Message) : new(list.ToList(), null);
        return true;
    }

    /// <summary>The bands asked for, or <paramref name="fallback"/> when the parameter is absent.</summary>
    public static IReadOnlyList<int> Or(Bands? parameter, params int[] fallback) => parameter?.Minutes ?? fallback;
}

/// <summary>
/// <c>at</c>: an ISO 8601 instant with an offset or Z (<c>2026-12-02T23:00:00+08:00</c>); a local time
/// without one is refused, since the stations it is read against may lie in different zones.
/// </summary>
public readonly partial record struct InstantParameter(DateTimeOffset Value, string? Error) : IQueryValue
{
    public const string Message = "{0} must be an ISO 8601 instant with an offset or Z, such as 2026-12-02T23:00:00+08:00.";
    public const int FirstYear = 1900, LastYear = 9000;
    public const string RangeMessage = "{0} must lie in the years 1900 to 9000.";

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})$",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex Iso();

    public static bool TryParse(string? text, IFormatProvider? provider, out InstantParameter result)
    {
        var t = text?.Trim() ?? "";
        // An unencoded "+08:00" in a query string arrives as " 08:00" (form decoding): read it as meant.
        var space = t.IndexOf(' ');
        if (space > 0 && space == t.LastIndexOf(' ') && t.Length - space is 5 or 6) t = t[..space] + "+" + t[(space + 1)..];
        if (!Iso().IsMatch(t) || !DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            result = new(default, Message);
        // Opening hours look a year ahead (and a day back) of the instant: keep that inside the calendar.
        else if (at.UtcDateTime.Year is < FirstYear or > LastYear) result = new(default, RangeMessage);
        else result = new(at, null);
        return true;
    }

    /// <summary>The instant asked for, or null when the parameter is absent (the caller's "now").</summary>
    public static DateTimeOffset? Or(InstantParameter? parameter) => parameter?.Value;
}
