using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StationMap.Api.Features.Live;
using StationMap.Api.Infrastructure;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>
/// Stations, devices, keys and signals for the ticket tests, written to the fixture's real database.
/// A signal is inserted into live_signal and handed to the API's own <see cref="IFaultTickets"/> in
/// one transaction, as the ingest does.
/// </summary>
public sealed class TicketWorld(ApiFixture api)
{
    public ApiFixture Api => api;

    public async Task<long> StationAsync(string name, string? @operator, double lon = 120.1551, double lat = 30.2741)
    {
        await using var conn = await api.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO station (name, location, operator, address) VALUES ($1, ST_MakePoint($2, $3)::geography, $4, '测试路1号') RETURNING id", conn);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(lon);
        cmd.Parameters.AddWithValue(lat);
        cmd.Parameters.AddWithValue((object?)@operator ?? DBNull.Value);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<long> DeviceAsync(double trust = 0.8)
    {
        await using var conn = await api.OpenAsync();
        await using var cmd = new NpgsqlCommand("INSERT INTO device (token_hash, token_prefix, trust) VALUES ($1, 'smd_tst', $2) RETURNING id", conn);
        cmd.Parameters.AddWithValue(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        cmd.Parameters.AddWithValue((float)trust);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<double> TrustAsync(long device) => await api.ScalarAsync<float>("SELECT trust FROM device WHERE id = $1", device);

    public async Task<(string Key, long Id)> KeyAsync(string role, string? @operator = null, string? name = null)
    {
        var key = await api.CreateKeyAsync(role, name ?? $"{role}-tickets", @operator);
        return (key, await api.ScalarAsync<long>("SELECT id FROM api_key WHERE key_hash = $1", ApiKeyAuth.Hash(key)));
    }

    /// <summary>A courier's report (kind report, source crowd).</summary>
    public Task<IReadOnlyList<long>> ReportAsync(long station, long device, string amenity, string state, double trust = 0.8) =>
        SignalAsync(station, "report", LiveSources.Crowd, device, null, trust,
            amenity == LiveVocabulary.StationAmenity
                ? new LiveFields(Operating: state == "closed_now" ? "closed_now" : null)
                : new LiveFields(Amenities: new Dictionary<string, string> { [amenity] = state }),
            amenity, state);

    /// <summary>A courier's check-in.</summary>
    public Task<IReadOnlyList<long>> CheckInAsync(long station, long device, string? crowding = "some_seats") =>
        SignalAsync(station, "checkin", LiveSources.Crowd, device, null, 0.8, new LiveFields(Crowding: crowding));

    /// <summary>A staff (or sensor) live value.</summary>
    public Task<IReadOnlyList<long>> LiveAsync(long station, long keyId, LiveFields fields, string source = LiveSources.Staff) =>
        SignalAsync(station, "live", source, null, keyId, 1, fields);

    public async Task<IReadOnlyList<long>> SignalAsync(long station, string kind, string source, long? device, long? keyId, double trust,
        LiveFields fields, string? amenity = null, string? state = null)
    {
        var now = api.Clock.Now;
        var json = new JsonObject();
        if (fields.Crowding is { } c) json["crowding"] = c;
        if (fields.Operating is { } o) json["operating"] = o;
        if (fields.Amenities is { } a) json["amenities"] = new JsonObject(a.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        await using var conn = await api.OpenAsync();
        await using var tx = await conn.BeginTransactionAsync();
        long id;
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO live_signal (station_id, kind, source, device_id, api_key_id, trust, observed_at, received_at, fields, report_amenity, report_state)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8::jsonb, $9, $10) RETURNING id
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(station);
            cmd.Parameters.AddWithValue(kind);
            cmd.Parameters.AddWithValue(source);
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)device ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)keyId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
            cmd.Parameters.AddWithValue((float)trust);
            cmd.Parameters.AddWithValue(now);
            cmd.Parameters.AddWithValue(json.ToJsonString());
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)amenity ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)state ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            id = (long)(await cmd.ExecuteScalarAsync())!;
        }
        var signal = new LiveSignal(id, station, kind, source, device, keyId, trust, now, now, fields, amenity, state, null);
        var changed = await api.Services.GetRequiredService<IFaultTickets>().OnSignalAsync(conn, tx, signal, CancellationToken.None);
        await tx.CommitAsync();
        return changed;
    }

    /// <summary>The ticket row's state (admin read).</summary>
    public async Task<string> StateAsync(long ticket) => await api.ScalarAsync<string>("SELECT state FROM fault_ticket WHERE id = $1", ticket);

    /// <summary>Moves the test clock on.</summary>
    public void Later(TimeSpan by) => api.Clock.Now += by;
}
