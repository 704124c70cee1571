using Npgsql;
using NpgsqlTypes;
using StationMap.Api.Infrastructure;

namespace StationMap.Api.Features.Live;

/// <summary>
/// DEMO DATA: four weeks of generated check-ins at the demo stations (at most 500), from 40 demo
/// devices (device.is_demo), so that the typical crowding profiles, the planner's crowding by hour
/// and the usage statistics have something to show on a fresh set-up. Busy at the meal-pickup
/// peaks (11–13 h, 17–19 h), quieter at weekends, each station with its own popularity; it ends two
/// hours before now, so nothing of it is live. Loaded once (when there is no demo device yet).
/// </summary>
public static class DemoLiveHistory
{
    const int Days = 28, Devices = 40, MaxStations = 500;

    /// <summary>Expected check-ins per hour of the local day at a station of popularity 1 (7 h – 21 h).</summary>
    static readonly double[] Hourly = [0, 0, 0, 0, 0, 0, 0, 0.3, 0.5, 0.4, 0.6, 1.5, 2.0, 1.2, 0.5, 0.4, 0.6, 1.4, 1.8, 1.0, 0.5, 0.3, 0, 0];

    public static async Task SeedMissingAsync(NpgsqlConnection conn, TextWriter output, int seed, DateTimeOffset now)
    {
        await using (var any = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM device WHERE is_demo)", conn))
            if ((bool)(await any.ExecuteScalarAsync())!) return;
        var stations = new List<(long Id, string Zone)>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT id, time_zone FROM station WHERE is_demo AND deleted_at IS NULL AND status = 'open' ORDER BY id LIMIT $1", conn))
        {
            cmd.Parameters.AddWithValue(MaxStations);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) stations.Add((r.GetInt64(0), r.GetString(1)));
        }
        if (stations.Count == 0) return;

        var rng = new Random(seed);
        await using var tx = await conn.BeginTransactionAsync();
        var devices = new long[Devices];
        for (var i = 0; i < Devices; i++)
        {
            await using var cmd = new NpgsqlCommand(
                "INSERT INTO device (token_hash, token_prefix, trust, created_at, is_demo) VALUES ($1, 'demo', 0.8, $2, true) RETURNING id", conn, tx);
            cmd.Parameters.AddWithValue(ApiKeyAuth.Hash(DeviceStore.NewToken()));   // a token nobody holds
            cmd.Parameters.AddWithValue(now.AddDays(-Days - 1));
            devices[i] = (long)(await cmd.ExecuteScalarAsync())!;
        }

        var end = now.AddHours(-2);
        var rows = 0;
        await using (var copy = await conn.BeginBinaryImportAsync(
            "COPY live_signal (station_id, kind, source, device_id, trust, observed_at, received_at, distance_m, fields) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (id, zoneId) in stations)
            {
                var zone = TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var z) ? z : TimeZoneInfo.Utc;
                var popularity = 0.3 + rng.NextDouble() * 1.2;
                var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime).AddDays(-Days);
                for (var d = 0; d < Days; d++)
                {
                    var day = firstDay.AddDays(d);
                    var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.7 : 1.0;
                    for (var h = 0; h < 24; h++)
                    {
                        var busy = Hourly[h] * popularity * weekend;
                        for (var n = Poisson(rng, busy * 0.5); n > 0; n--)
                        {
                            var local = day.ToDateTime(new TimeOnly(h, rng.Next(60), rng.Next(60)));
                            var at = new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
                            if (at > end) continue;
                            var pFull = Math.Clamp((busy - 0.8) / 2, 0, 0.8);
                            var pEmpty = Math.Clamp(0.6 - busy / 2, 0.05, 0.6);
                            var u = rng.NextDouble();
                            var crowding = u < pFull ? "full" : u < pFull + pEmpty ? "empty" : "some_seats";
                            await copy.StartRowAsync();
                            await copy.WriteAsync(id, NpgsqlDbType.Bigint);
                            await copy.WriteAsync("checkin", NpgsqlDbType.Text);
                            await copy.WriteAsync(LiveSources.Crowd, NpgsqlDbType.Text);
                            await copy.WriteAsync(devices[rng.Next(Devices)], NpgsqlDbType.Bigint);
                            await copy.WriteAsync(0.8f, NpgsqlDbType.Real);
                            await copy.WriteAsync(at, NpgsqlDbType.TimestampTz);
                            await copy.WriteAsync(at, NpgsqlDbType.TimestampTz);
                            await copy.WriteAsync((float)Math.Round(rng.NextDouble() * 80, 1), NpgsqlDbType.Real);
                            await copy.WriteAsync(LiveFieldsJson.Write(new LiveFields(Crowding: crowding)), NpgsqlDbType.Jsonb);
                            rows++;
                        }
                    }
                }
            }
            await copy.CompleteAsync();
        }
        await tx.CommitAsync();
        await output.WriteLineAsync($"loaded {rows} DEMO check-ins ({Days} days, {stations.Count} stations, {Devices} demo devices)");
    }

    static int Poisson(Random rng, double lambda)
    {
        if (lambda <= 0) return 0;
        var limit = Math.Exp(-lambda);
        var k = 0;
        for (var p = rng.NextDouble(); p > limit; p *= rng.NextDouble()) k++;
        return k;
    }
}
