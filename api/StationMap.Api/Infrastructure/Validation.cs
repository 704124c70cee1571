using Microsoft.AspNetCore.Http.HttpResults;

namespace StationMap.Api.Infrastructure;

/// <summary>
/// Collects validation errors keyed by the request parameter's public name (<c>lat</c>, <c>bbox</c>,
/// <c>amenities[2]</c>), and turns them into an RFC 9457 400 whose detail names the parameters.
/// </summary>
public sealed class Validation
{
    readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public void Add(string parameter, string message)
    {
        if (!_errors.TryGetValue(parameter, out var list)) _errors[parameter] = list = [];
        list.Add(message);
    }

    /// <summary>The <c>crs</c> parameter (wgs84 when absent); an error when it names no supported system.</summary>
    public Geo.Crs Crs(string? text)
    {
        if (!Geo.CoordinateSystems.TryParse(text, out var crs)) Add("crs", "crs must be one of wgs84, gcj02, bd09.");
        return crs;
    }

    /// <summary>Checks a coordinate pair: finite, lon in [-180, 180], lat in [-90, 90] (degrees).</summary>
    public void Coordinates(double? lon, double? lat, string lonName = "lon", string latName = "lat", bool required = true)
    {
        Coordinate(lon, lonName, 180, required);
        Coordinate(lat, latName, 90, required);
    }

    void Coordinate(double? value, string name, double bound, bool required)
    {
        if (value is null)
        {
            if (required) Add(name, $"{name} is required.");
        }
        else if (!double.IsFinite(value.Value))
        {
            Add(name, $"{name} must be a finite number of degrees.");
        }
        else if (value < -bound || value > bound)
        {
            Add(name, $"{name} must be between -{bound} and {bound} degrees.");
        }
    }

    public void Range(int? value, string name, int min, int max)
    {
        if (value is { } v && (v < min || v > max)) Add(name, $"{name} must be between {min} and {max}.");
    }

    public void Range(double? value, string name, double min, double max, string unit)
    {
        if (value is { } v && (!double.IsFinite(v) || v < min || v > max))
            Add(name, $"{name} must be between {min} and {max} {unit}.");
    }

    public IReadOnlyDictionary<string, string[]> Errors => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public ValidationProblem Problem() => TypedResults.ValidationProblem(
        Errors,
        detail: string.Join(" ", _errors.SelectMany(e => e.Value)),
        title: Problems.InvalidParameters.Title,
        type: Problems.InvalidParameters.Type);
}
