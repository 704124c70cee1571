using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StationMap.Api.Infrastructure;

namespace StationMap.Api.Features.Stations;

/// <summary>Parses and applies the filters shared by the read endpoints (amenities, tier, service).</summary>
public static class StationFilters
{
    /// <summary>Comma-separated list → distinct values; each must be in <paramref name="vocabulary"/>.</summary>
    public static string[] ParseList(string? raw, string name, string[] vocabulary, Validation v)
    {
        if (string.IsNullOrWhiteSpace(raw)) return [];
        var values = raw.Split(',', StringSplitOptions.TrimEntries).Distinct().ToArray();
        foreach (var value in values)
        {
            if (value.Length == 0) v.Add(name, $"{name} has an empty item.");
            else if (!vocabulary.Contains(value, StringComparer.Ordinal))
                v.Add(name, $"Unknown value '{value}' in {name}. Allowed: {string.Join(", ", vocabulary)}.");
        }
        return values;
    }

    /// <summary>All-of amenity filter on the jsonb column (<c>amenities @> '{"toilet":"yes"}'</c>, GIN index); unknown is not yes.</summary>
    public static IQueryable<Station> WithAmenities(this IQueryable<Station> q, string[] amenities)
    {
        if (amenities.Length == 0) return q;
        var wanted = JsonSerializer.Serialize(amenities.ToDictionary(a => a, _ => "yes"));
        return q.Where(s => EF.Functions.JsonContains(s.Amenities, wanted));
    }

    /// <summary>Any-of service kinds on the generated <c>service_kinds</c> column (<c>&amp;&amp;</c>, GIN index station_service_kinds_gin).</summary>
    public static IQueryable<Station> WithServiceKinds(this IQueryable<Station> q, string[] kinds) =>
        kinds.Length == 0 ? q : q.Where(s => s.ServiceKinds.Any(k => kinds.Contains(k)));

    /// <summary>service_when=now|today without a kind still needs some service: the station must host one.</summary>
    public static IQueryable<Station> WithAnyService(this IQueryable<Station> q, bool required) =>
        required ? q.Where(s => s.ServiceKinds.Length > 0) : q;

    public static IQueryable<Station> WithTiers(this IQueryable<Station> q, string[] tiers) =>
        tiers.Length == 0 ? q : q.Where(s => tiers.Contains(s.Tier));
}
