using System.Net.Http.Json;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>The API over the 300 demo stations, with a 1 s stream heartbeat so a test can wait for one.</summary>
public sealed class LiveDeliveryFixture : ApiFixture
{
    /// <summary>Around every demo station (Hangzhou).</summary>
    public const string DemoBbox = "119.9,30.0,120.5,30.5";

    protected override int DemoStations => 300;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(NoRateLimits)
    {
        ["StationMap:Live:StreamHeartbeatSeconds"] = "1",
    };

    /// <summary>The first <paramref name="n"/> stations by id with their WGS-84 positions.</summary>
    public async Task<List<(long Id, double Lon, double Lat)>> StationsAsync(int n)
    {
        await using var conn = await OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(
            "SELECT id, ST_X(location::geometry), ST_Y(location::geometry) FROM station WHERE deleted_at IS NULL ORDER BY id LIMIT $1", conn);
        cmd.Parameters.AddWithValue(n);
        var list = new List<(long, double, double)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add((r.GetInt64(0), r.GetDouble(1), r.GetDouble(2)));
        return list;
    }

    /// <summary>A new device (POST /api/v1/devices) checks in at the station, standing on it; answers the check-in's JSON.</summary>
    public async Task<System.Text.Json.Nodes.JsonNode> CheckInAsync((long Id, double Lon, double Lat) station, string crowding)
    {
        var client = Client();
        var device = await client.PostAsJsonAsync("/api/v1/devices", new { }).Json(201);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/stations/{station.Id}/checkins")
        {
            Content = JsonContent.Create(new { lon = station.Lon, lat = station.Lat, crowding }),
        };
        request.Headers.Add("X-Device-Token", (string)device["token"]!);
        return await client.SendAsync(request).Json(201);
    }
}
