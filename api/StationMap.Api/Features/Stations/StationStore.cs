using Npgsql;

namespace StationMap.Api.Features.Stations;

/// <summary>A station as other features need it: where it is and its hours, nothing else.</summary>
public sealed record OpenStationRow(long Id, string Name, double Lon, double Lat, string? OpeningHours, string TimeZone);

/// <summary>
/// The reads of the <c>station</c> table that other features and the CLI make, so its status rule
/// (a station counts while <c>deleted_at IS NULL AND status = 'open'</c>) is written once. Endpoints
/// of this feature read it through <see cref="StationsDb"/> (EF) and the nearest index through
/// <see cref="StationIndex"/>; <see cref="StationCopy"/> is the bulk writer.
/// </summary>
public static class StationStore
{
    /// <summary>
    /// Every open, not deleted station by id, and the time the table last changed (the newest
    /// <c>updated_at</c> of any row, deleted ones included: a deletion changes the set too).
    /// Lon/lat in EPSG:4326 degrees. A sequential read: the whole set is wanted.
    /// </summary>
    public static async Task<(IReadOnlyList<OpenStationRow> Stations, DateTimeOffset? Changed)> OpenAsync(NpgsqlDataSource data, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand("""
            SELECT id, name, ST_X(location::geometry), ST_Y(location::geometry), opening_hours, time_zone,
                   (SELECT max(updated_at) FROM station)
            FROM station WHERE deleted_at IS NULL AND status = 'open' ORDER BY id
            """);
        var stations = new List<OpenStationRow>();
        DateTimeOffset? changed = null;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                changed ??= r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6);
                stations.Add(new OpenStationRow(r.GetInt64(0), r.GetString(1), r.GetDouble(2), r.GetDouble(3),
                    r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5)));
            }
        if (stations.Count == 0)
        {
            await using var any = data.CreateCommand("SELECT max(updated_at) FROM station");
            changed = await any.ExecuteScalarAsync(ct) is DateTime d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : null;
        }
        return (stations, changed);
    }

    /// <summary>Whether the table holds any row at all (deleted ones count: the data is not the demo's to replace).</summary>
    public static async Task<bool> AnyAsync(NpgsqlConnection conn)
    {
        await using var check = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM station)", conn);
        return (bool)(await check.ExecuteScalarAsync())!;
    }
}
