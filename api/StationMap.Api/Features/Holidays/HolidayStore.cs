using Npgsql;
using NpgsqlTypes;

namespace StationMap.Api.Features.Holidays;

/// <summary>A stored region-year: its source and every day.</summary>
public sealed record StoredHolidayYear(string Region, int Year, string Basis, string Source, string? Note, DateTimeOffset LoadedAt, IReadOnlyList<HolidayDay> Days);

/// <summary>One stored day with its region (the calendar service's load).</summary>
public sealed record RegionHolidayDay(string Region, DateOnly Date, string Kind, string Name);

/// <summary>
/// The one reader and writer of <c>holiday_year</c> and <c>public_holiday</c> (migration 0011). A year is
/// replaced in one transaction, so readers see the old year or the new one, never a mix, and a failed
/// load leaves the old one; every committed change is announced on <see cref="Channel"/>.
/// </summary>
public static class HolidayStore
{
    public const string Channel = "stationmap_holiday_change";

    /// <summary>
    /// Replaces <paramref name="year"/>'s region-year with its days. Throws <see cref="HolidayFormatException"/>
    /// (nothing written) when a date is already a day of another year of the region (a notice reaching into
    /// the next year's first days, loaded twice).
    /// </summary>
    public static async Task<StoredHolidayYear> ReplaceYearAsync(NpgsqlConnection conn, HolidayYear year, CancellationToken ct = default)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Two loads of the same region-year wait for each other instead of failing on the primary key.
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('stationmap holiday ' || $1), $2)", conn, tx))
        {
            lockCmd.Parameters.AddWithValue(year.Region);
            lockCmd.Parameters.AddWithValue(year.Year);
            await lockCmd.ExecuteNonQueryAsync(ct);
        }
        var dates = year.Days.Select(d => d.Date).ToArray();
        var kinds = year.Days.Select(d => d.Kind).ToArray();
        var names = year.Days.Select(d => d.Name).ToArray();
        var clashes = new List<string>();
        await using (var check = new NpgsqlCommand("""
            SELECT h.date, h.kind, h.year FROM public_holiday h
            JOIN unnest($3::date[], $4::text[]) AS t(date, kind) ON t.date = h.date
                 AND (t.kind = h.kind OR (t.kind <> 'school_holiday' AND h.kind <> 'school_holiday'))
            WHERE h.region = $1 AND h.year <> $2
            ORDER BY h.date
            """, conn, tx))
        {
            check.Parameters.AddWithValue(year.Region);
            check.Parameters.AddWithValue(year.Year);
            check.Parameters.Add(new NpgsqlParameter { Value = dates, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date });
            check.Parameters.Add(new NpgsqlParameter { Value = kinds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            await using var r = await check.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                clashes.Add($"{r.GetFieldValue<DateOnly>(0):yyyy-MM-dd} is already a {r.GetString(1)} of {year.Region}'s year {r.GetInt32(2)}; load that year without it first");
        }
        if (clashes.Count > 0) throw new HolidayFormatException(clashes);

        await using (var write = new NpgsqlBatch(conn, tx))
        {
            var delete = new NpgsqlBatchCommand("DELETE FROM holiday_year WHERE region = $1 AND year = $2");
            delete.Parameters.AddWithValue(year.Region);
            delete.Parameters.AddWithValue(year.Year);
            var insertYear = new NpgsqlBatchCommand("INSERT INTO holiday_year (region, year, basis, source, note) VALUES ($1, $2, $3, $4, $5)");
            insertYear.Parameters.AddWithValue(year.Region);
            insertYear.Parameters.AddWithValue(year.Year);
            insertYear.Parameters.AddWithValue(year.Basis);
            insertYear.Parameters.AddWithValue(year.Source);
            insertYear.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)year.Note ?? DBNull.Value);
            var insertDays = new NpgsqlBatchCommand("""
                INSERT INTO public_holiday (region, year, date, kind, name)
                SELECT $1, $2, t.date, t.kind, t.name FROM unnest($3::date[], $4::text[], $5::text[]) AS t(date, kind, name)
                """);
            insertDays.Parameters.AddWithValue(year.Region);
            insertDays.Parameters.AddWithValue(year.Year);
            insertDays.Parameters.Add(new NpgsqlParameter { Value = dates, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date });
            insertDays.Parameters.Add(new NpgsqlParameter { Value = kinds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insertDays.Parameters.Add(new NpgsqlParameter { Value = names, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            write.BatchCommands.Add(delete);
            write.BatchCommands.Add(insertYear);
            write.BatchCommands.Add(insertDays);
            await write.ExecuteNonQueryAsync(ct);
        }
        var stored = (await YearsAsync(conn, tx, year.Region, year.Year, ct)).Single();
        await tx.CommitAsync(ct);
        return stored;
    }

    /// <summary>The stored years of a region (one when <paramref name="year"/> is given), each with its days in date order.</summary>
    public static async Task<IReadOnlyList<StoredHolidayYear>> YearsAsync(NpgsqlDataSource data, string region, int? year, CancellationToken ct = default)
    {
        await using var conn = await data.OpenConnectionAsync(ct);
        return await YearsAsync(conn, null, region, year, ct);
    }

    static async Task<IReadOnlyList<StoredHolidayYear>> YearsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string region, int? year, CancellationToken ct)
    {
        var years = new List<(int Year, string Basis, string Source, string? Note, DateTimeOffset LoadedAt)>();
        var days = new Dictionary<int, List<HolidayDay>>();
        await using var cmd = new NpgsqlBatch(conn, tx);
        foreach (var sql in new[]
        {
            "SELECT year, basis, source, note, loaded_at FROM holiday_year WHERE region = $1 AND ($2::int IS NULL OR year = $2) ORDER BY year",
            "SELECT year, date, kind, name FROM public_holiday WHERE region = $1 AND ($2::int IS NULL OR year = $2) ORDER BY date, kind",
        })
        {
            var part = new NpgsqlBatchCommand(sql);
            part.Parameters.AddWithValue(region);
            part.Parameters.AddWithValue(NpgsqlDbType.Integer, (object?)year ?? DBNull.Value);
            cmd.BatchCommands.Add(part);
        }
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            years.Add((r.GetInt32(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetFieldValue<DateTimeOffset>(4)));
        await r.NextResultAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var y = r.GetInt32(0);
            if (!days.TryGetValue(y, out var list)) days[y] = list = [];
            list.Add(new HolidayDay(r.GetFieldValue<DateOnly>(1), r.GetString(2), r.GetString(3)));
        }
        return years.Select(y => new StoredHolidayYear(region, y.Year, y.Basis, y.Source, y.Note, y.LoadedAt, days.GetValueOrDefault(y.Year) ?? [])).ToList();
    }

    /// <summary>Every stored day of every region, for the in-memory calendars.</summary>
    public static async Task<IReadOnlyList<RegionHolidayDay>> AllDaysAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        var result = new List<RegionHolidayDay>();
        await using var cmd = new NpgsqlCommand("SELECT region, date, kind, name FROM public_holiday ORDER BY region, date", conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) result.Add(new RegionHolidayDay(r.GetString(0), r.GetFieldValue<DateOnly>(1), r.GetString(2), r.GetString(3)));
        return result;
    }
}
