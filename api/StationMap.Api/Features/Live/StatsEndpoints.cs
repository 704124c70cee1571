using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Formats;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Api.Features.Live;

public sealed record UsageQuery(
    [FromQuery(Name = "group_by")] string? GroupBy,
    [FromQuery(Name = "from")] string? From,
    [FromQuery(Name = "to")] string? To,
    [FromQuery(Name = "format")] OutputFormat? Format);

public sealed record CrowdingQuery(
    [FromQuery(Name = "station_id")] string? StationId,
    [FromQuery(Name = "bbox")] Bbox? Bbox);

/// <summary>One group's usage in the range.</summary>
/// <param name="Key">The station's id (as text), or the district's or operator's name; null for stations without one.</param>
/// <param name="Name">The station's name, or the district or operator.</param>
/// <param name="Visits">Check-ins received in the range (服务人次).</param>
/// <param name="UniqueDevices">Distinct couriers' devices among those check-ins.</param>
/// <param name="FaultsReported">Fault tickets reported in the range.</param>
/// <param name="FaultsFixed">Fault tickets fixed in the range.</param>
/// <param name="MedianTimeToFixS">Median of fixed − reported over the tickets fixed in the range (seconds); null without one.</param>
/// <param name="MedianResponseS">Median of acknowledged − confirmed over the tickets acknowledged in the range (seconds): the operator's public response time.</param>
public sealed record UsageRow(string? Key, string? Name, long Visits, long UniqueDevices, long FaultsReported, long FaultsFixed,
    double? MedianTimeToFixS, double? MedianResponseS) : ICsvRow
{
    public static IReadOnlyList<string> Columns { get; } =
        ["key", "name", "visits", "unique_devices", "faults_reported", "faults_fixed", "median_time_to_fix_s", "median_response_s"];

    public IEnumerable<object?> Values() => [Key, Name, Visits, UniqueDevices, FaultsReported, FaultsFixed, MedianTimeToFixS, MedianResponseS];
}

/// <summary>Usage in [from, to), grouped by <see cref="GroupBy"/>; groups without any visit or ticket step in the range are left out.</summary>
public sealed record UsageReport(string GroupBy, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<UsageRow> Rows);

/// <summary>A station's 7 × 24 typical crowding, in the shape of typical_profile in GET /stations/{id}/live.</summary>
public sealed record StationCrowding(long StationId, string Name, string TimeZone, TypicalProfileView TypicalProfile);

/// <summary>Crowding profiles of the stations asked for, over [from, to).</summary>
/// <param name="From">Start of the window: now − window_days.</param>
/// <param name="To">End of the window: now.</param>
/// <param name="Stations">One profile per station, by id.</param>
/// <param name="Truncated">True when the bbox held more than 500 stations: only the first 500 by id are listed.</param>
public sealed record CrowdingReport(DateTimeOffset From, DateTimeOffset To, bool Truncated, IReadOnlyList<StationCrowding> Stations);

/// <summary>Statistics for unions (visits, faults, response times) and the planner (crowding by hour).</summary>
public static class StatsEndpoints
{
    public const int MaxRangeDays = 366;
    public const int MaxStations = 500;
    public static readonly string[] GroupBys = ["station", "district", "operator"];
    /// <summary>A date without a time is a day in China Standard Time (the stations' usual zone).</summary>
    static readonly TimeSpan DateOffset = TimeSpan.FromHours(8);

    public static RouteGroupBuilder MapStats(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/stats").WithTags("Statistics");
        group.MapGet("/usage", Usage)
            .WithName("UsageStatistics")
            .WithSummary("Visits, unique devices, faults reported and fixed, median time to fix and response time per station, district or operator")
            .WithDescription("group_by = station (default) | district | operator. from and to are ISO 8601 instants with an offset, or dates " +
                             "(YYYY-MM-DD, days in UTC+08:00; a date as to includes that day); the range is [from, to), at most 366 days; " +
                             "defaults: to = the end of today (UTC+08:00), from = 30 days before to. visits counts check-ins; median_response_s is the median of " +
                             "confirmed → acknowledged, the operator's public response time. format = json (default) | csv (UTF-8 with BOM, header row).")
            .Produces<UsageReport>(200).Produces<string>(200, Csv.MediaType).ProducesValidationProblem();
        group.MapGet("/crowding", Crowding)
            .WithName("CrowdingProfiles")
            .WithSummary("The typical crowding of stations by local weekday and hour (7 × 24), from couriers' check-ins")
            .WithDescription("station_id = one id or up to 500 comma-separated ids, or bbox = minLon,minLat,maxLon,maxLat (WGS-84; " +
                             "at most 500 stations, the first by id, truncated = true when there were more). Each profile covers the last " +
                             "LiveOptions.Typical.WindowDays days (window_days) in the station's time zone: scores 0 empty … 2 full, " +
                             "null where an hour has fewer check-ins than Typical.MinSamples; samples counts them.")
            .Produces<CrowdingReport>(200).ProducesValidationProblem();
        return api;
    }

    static async Task<Results<Ok<UsageReport>, Csv<UsageRow>, ValidationProblem>> Usage(
        [AsParameters] UsageQuery query, NpgsqlDataSource data, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var groupBy = query.GroupBy?.Trim().ToLowerInvariant() ?? "station";
        if (!GroupBys.Contains(groupBy)) v.Add("group_by", "group_by must be one of station, district, operator.");
        var format = OutputFormat.Of(query.Format, v, Format.Json, Format.Json, Format.Csv);
        // By default through the end of today (UTC+08:00), so everything received so far counts.
        var to = Instant(query.To, "to", endOfDay: true, v) ?? EndOfToday(clock.GetUtcNow());
        var from = Instant(query.From, "from", endOfDay: false, v) ?? to.AddDays(-30);
        if (v.IsValid && to < from) v.Add("to", "to must not be before from.");
        else if (v.IsValid && to - from > TimeSpan.FromDays(MaxRangeDays)) v.Add("to", $"from … to may span at most {MaxRangeDays} days (one year).");
        if (!v.IsValid) return v.Problem();

        await using var cmd = data.CreateCommand(
            "SELECT key, name, visits, unique_devices, faults_reported, faults_fixed, median_time_to_fix_s, median_response_s FROM stationmap.usage_stats($1, $2, $3)");
        cmd.Parameters.AddWithValue(groupBy);
        // Npgsql writes timestamptz from UTC offsets only.
        cmd.Parameters.AddWithValue(from.ToUniversalTime());
        cmd.Parameters.AddWithValue(to.ToUniversalTime());
        var rows = new List<UsageRow>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                rows.Add(new(r.IsDBNull(0) ? null : r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2), r.GetInt64(3),
                    r.GetInt64(4), r.GetInt64(5), r.IsDBNull(6) ? null : r.GetDouble(6), r.IsDBNull(7) ? null : r.GetDouble(7)));
        if (format == Format.Csv)
            return new Csv<UsageRow>(rows, $"usage-by-{groupBy}-{from.ToOffset(DateOffset):yyyyMMdd}-{to.ToOffset(DateOffset):yyyyMMdd}.csv");
        return TypedResults.Ok(new UsageReport(groupBy, from, to, rows));
    }

    static DateTimeOffset EndOfToday(DateTimeOffset now)
    {
        var local = now.ToOffset(DateOffset);
        return new DateTimeOffset(local.Date, DateOffset).AddDays(1);
    }

    /// <summary>An ISO 8601 instant with an offset, or a date (a day in UTC+08:00; as the end of a range, the day after it begins).</summary>
    static DateTimeOffset? Instant(string? text, string name, bool endOfDay, Validation v)
    {
        if (text is null) return null;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date.Year is >= 2000 and <= 2100)
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), DateOffset).AddDays(endOfDay ? 1 : 0);
        InstantParameter.TryParse(text, null, out var instant);
        if (instant.Error is null && instant.Value.Year is >= 2000 and <= 2100) return instant.Value;
        v.Add(name, $"{name} must be a date (YYYY-MM-DD) or an ISO 8601 instant with an offset (2026-11-01T00:00:00+08:00), in the years 2000 to 2100.");
        return null;
    }

    static async Task<Results<Ok<CrowdingReport>, ValidationProblem>> Crowding(
        [AsParameters] CrowdingQuery query, NpgsqlDataSource data, TimeProvider clock, IOptions<LiveOptions> live, CancellationToken ct)
    {
        var v = new Validation();
        var ids = new List<long>();
        if (query.StationId is null == query.Bbox is null)
            v.Add("station_id", "Give station_id (one id or comma-separated ids) or bbox, not both.");
        else if (query.StationId is { } text)
        {
            foreach (var part in text.Split(','))
            {
                if (!long.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
                {
                    v.Add("station_id", "station_id must be positive whole numbers separated by commas.");
                    break;
                }
                if (!ids.Contains(id)) ids.Add(id);
            }
            if (ids.Count > MaxStations) v.Add("station_id", $"station_id may list at most {MaxStations} stations.");
        }
        if (!v.IsValid) return v.Problem();

        var typical = live.Value.Typical;
        var to = clock.GetUtcNow();
        var from = to.AddDays(-typical.WindowDays);
        await using var conn = await data.OpenConnectionAsync(ct);
        var stations = new List<(long Id, string Name, string TimeZone)>();
        await using (var cmd = query.Bbox is { } box
            ? new NpgsqlCommand("""
                SELECT id, name, time_zone FROM station
                WHERE deleted_at IS NULL AND location && $1::geography AND ST_Intersects(location::geometry, $1)
                ORDER BY id LIMIT $2
                """, conn) { Parameters = { new() { Value = box.ToWgs84(Crs.Wgs84) }, new() { Value = MaxStations + 1 } } }
            : new NpgsqlCommand("SELECT id, name, time_zone FROM station WHERE deleted_at IS NULL AND id = ANY ($1) ORDER BY id", conn)
            { Parameters = { new() { Value = ids.ToArray() } } })
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) stations.Add((r.GetInt64(0), r.GetString(1), r.GetString(2)));
        var truncated = stations.Count > MaxStations;
        if (truncated) stations.RemoveAt(stations.Count - 1);

        var scores = stations.ToDictionary(s => s.Id, _ => Grid<double?>());
        var samples = stations.ToDictionary(s => s.Id, _ => Grid<int>());
        await using (var cmd = new NpgsqlCommand("SELECT station_id, weekday, hour, score, samples FROM stationmap.crowding_profile($1, $2, $3)", conn)
        { Parameters = { new() { Value = stations.Select(s => s.Id).ToArray() }, new() { Value = from }, new() { Value = to } } })
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                var (id, day, hour, n) = (r.GetInt64(0), r.GetInt32(1) - 1, r.GetInt32(2), (int)r.GetInt64(4));
                samples[id][day][hour] = n;
                if (n >= Math.Max(1, typical.MinSamples)) scores[id][day][hour] = Math.Round(r.GetDouble(3), 2);
            }
        var list = stations.Select(s => new StationCrowding(s.Id, s.Name, s.TimeZone,
            new TypicalProfileView(typical.WindowDays, TypicalProfile.Weekdays, scores[s.Id], samples[s.Id]))).ToList();
        return TypedResults.Ok(new CrowdingReport(from, to, truncated, list));
    }

    static T[][] Grid<T>() => [.. Enumerable.Range(0, 7).Select(_ => new T[24])];
}
