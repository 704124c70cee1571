using Npgsql;
using NpgsqlTypes;

namespace StationMap.Api.Features.Stations;

/// <summary>Bulk insert with binary COPY (100,000 stations in seconds; the audit trigger still records each row).</summary>
public static class StationCopy
{
    public static async Task<int> WriteAsync(NpgsqlConnection conn, IEnumerable<Station> stations, CancellationToken ct = default)
    {
        var n = 0;
        await using var copy = await conn.BeginBinaryImportAsync(
            "COPY station (name, name_en, address, district, location, tier, operator, phone, opening_hours, time_zone, status, " +
            "status_reason, capacity, amenities, access, verified_at, is_demo, services) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var s in stations)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(s.Name, ct); await copy.WriteAsync(s.NameEn, ct); await copy.WriteAsync(s.Address, ct);
            await copy.WriteAsync(s.District, ct); await copy.WriteAsync(s.Location, NpgsqlDbType.Geography, ct);
            await copy.WriteAsync(s.Tier, ct); await copy.WriteAsync(s.Operator, ct); await copy.WriteAsync(s.Phone, ct);
            await copy.WriteAsync(s.OpeningHours, ct); await copy.WriteAsync(s.TimeZone, ct); await copy.WriteAsync(s.Status, ct);
            await copy.WriteAsync(s.StatusReason, ct); await copy.WriteAsync(s.Capacity, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(s.Amenities, NpgsqlDbType.Jsonb, ct);
            await copy.WriteAsync(s.Access, NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
            await copy.WriteAsync(s.VerifiedAt, NpgsqlDbType.TimestampTz, ct); await copy.WriteAsync(s.IsDemo, ct);
            await copy.WriteAsync(s.Services, NpgsqlDbType.Jsonb, ct);
            n++;
        }
        await copy.CompleteAsync(ct);
        return n;
    }
}
