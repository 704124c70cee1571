using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StationMap.Api.Features.Live;
using StationMap.Api.Infrastructure;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>
/// Stations, devices, keys and signals for the ticket tests, written to the fixture's real database.
/// A signal goes through the API's own <see cref="LiveWriter"/> (the ingest's writer, without the HTTP
/// checks of device, geofence and limits): stored, the ticket rules applied in its transaction, and the
/// in-memory state fed after the commit.
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
        var draft = new SignalDraft(station, kind, source, device, keyId, trust, api.Clock.Now, null, fields, amenity, state);
        var written = await api.Services.GetRequiredService<LiveWriter>().WriteAsync([draft], CancellationToken.None);
        return written.Tickets;
    }

    /// <summary>The ticket row's state (admin read).</summary>
    public async Task<string> StateAsync(long ticket) => await api.ScalarAsync<string>("SELECT state FROM fault_ticket WHERE id = $1", ticket);

    /// <summary>Moves the test clock on.</summary>
    public void Later(TimeSpan by) => api.Clock.Now += by;
}
