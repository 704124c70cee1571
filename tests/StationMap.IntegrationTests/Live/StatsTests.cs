using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Live;

/// <summary>
/// Usage statistics and crowding profiles over signals and tickets inserted by SQL (the API's clock
/// is Wed 2026-11-18 12:00 in Shanghai): every count and median is worked out by hand below.
/// </summary>
public sealed class StatsTests(StatsTests.Fixture api) : IClassFixture<StatsTests.Fixture>
{
    public sealed class Fixture : ApiFixture, IAsyncLifetime
    {
        public long A, B, C, D, E, F;

        /// <summary>The API's database with the stations (re-implements IAsyncLifetime: ApiFixture's own is not virtual).</summary>
        public new async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await using var conn = await OpenAsync();
            async Task<long> Station(string name, string? district, string? @operator, double lon, double lat, string tz = "Asia/Shanghai")
            {
                await using var cmd = new NpgsqlCommand(
                    "INSERT INTO station (name, district, operator, location, time_zone) VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography, $6) RETURNING id", conn);
                cmd.Parameters.AddWithValue(name);
                cmd.Parameters.AddWithValue((object?)district ?? DBNull.Value);
                cmd.Parameters.AddWithValue((object?)@operator ?? DBNull.Value);
                cmd.Parameters.AddWithValue(lon);
                cmd.Parameters.AddWithValue(lat);
                cmd.Parameters.AddWithValue(tz);
                return (long)(await cmd.ExecuteScalarAsync())!;
            }
            A = await Station("西溪驿站", "西湖区", "顺丰速运", 120.10, 30.27);
            B = await Station("望江驿站", "上城区", "顺丰速运", 120.19, 30.24);
            C = await Station("无人驿站", "西湖区", "美团", 120.12, 30.28);
            // The crowding stations: their check-ins lie in late September and October, outside the usage tests' November ranges.
            D = await Station("乌鲁木齐驿站", null, null, 87.6, 43.8, "Asia/Urumqi");
            E = await Station("陆家嘴驿站", "浦东新区", "测试运营商", 121.40, 31.20);
            F = await Station("世纪公园驿站", "浦东新区", "测试运营商", 121.42, 31.21);
            await Exec(conn, """
                INSERT INTO device (token_hash, token_prefix, trust) SELECT decode(md5(g::text), 'hex'), 'smd_' || g, 0.8 FROM generate_series(1, 3) g;
                """);
        }

        static async Task Exec(NpgsqlConnection conn, string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            await cmd.ExecuteNonQueryAsync();
        }

        public async Task CheckinAsync(long station, int device, string at, string crowding = "some_seats", string kind = "checkin")
        {
            await using var conn = await OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO live_signal (station_id, kind, source, device_id, trust, observed_at, received_at, fields, report_amenity, report_state)
                VALUES ($1, $2, 'crowd', (SELECT id FROM device ORDER BY id OFFSET $3 - 1 LIMIT 1), 0.8, $4::timestamptz, $4::timestamptz,
                        jsonb_build_object('crowding', $5::text), CASE WHEN $2 = 'report' THEN 'microwave' END, CASE WHEN $2 = 'report' THEN 'broken' END)
                """, conn);
            cmd.Parameters.AddWithValue(station);
            cmd.Parameters.AddWithValue(kind);
            cmd.Parameters.AddWithValue(device);
            cmd.Parameters.AddWithValue(at);
            cmd.Parameters.AddWithValue(crowding);
            await cmd.ExecuteNonQueryAsync();
        }

        public async Task TicketAsync(long station, string reported, string? confirmed, string? acknowledged, string? fixedAt)
        {
            await using var conn = await OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO fault_ticket (station_id, amenity, problem, state, opened_by, reported_at, confirmed_at, acknowledged_at, fixed_at)
                VALUES ($1, 'microwave', 'broken', CASE WHEN $5::timestamptz IS NOT NULL THEN 'fixed' WHEN $4::timestamptz IS NOT NULL THEN 'acknowledged'
                        WHEN $3::timestamptz IS NOT NULL THEN 'confirmed' ELSE 'reported' END, 'crowd', $2::timestamptz, $3::timestamptz, $4::timestamptz, $5::timestamptz)
                """, conn);
            cmd.Parameters.AddWithValue(station);
            cmd.Parameters.AddWithValue(reported);
            cmd.Parameters.AddWithValue((object?)confirmed ?? DBNull.Value);
            cmd.Parameters.AddWithValue((object?)acknowledged ?? DBNull.Value);
            cmd.Parameters.AddWithValue((object?)fixedAt ?? DBNull.Value);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    static readonly SemaphoreSlim Seeded = new(1, 1);
    static bool _usageSeeded;

    async Task SeedUsageAsync()
    {
        await Seeded.WaitAsync();
        try
        {
            if (_usageSeeded) return;
            // A: 3 check-ins of 2 devices in November (and one in September, outside); B: 1. C has none.
            await api.CheckinAsync(api.A, 1, "2026-11-03T02:00:00Z");
            await api.CheckinAsync(api.A, 1, "2026-11-04T02:00:00Z");
            await api.CheckinAsync(api.A, 2, "2026-11-05T02:00:00Z");
            await api.CheckinAsync(api.A, 1, "2026-09-05T02:00:00Z");
            await api.CheckinAsync(api.B, 3, "2026-11-06T02:00:00Z");
            // A report is no visit.
            await api.CheckinAsync(api.B, 3, "2026-11-06T03:00:00Z", kind: "report");
            // A: fixed after 4 h (acknowledged 30 min after confirmation) and after 8 h (acknowledged after 1 h).
            await api.TicketAsync(api.A, "2026-11-02T02:00:00Z", "2026-11-02T03:00:00Z", "2026-11-02T03:30:00Z", "2026-11-02T06:00:00Z");
            await api.TicketAsync(api.A, "2026-11-05T02:00:00Z", "2026-11-05T03:00:00Z", "2026-11-05T04:00:00Z", "2026-11-05T10:00:00Z");
            // B: reported, confirmed, still open. C: reported in October, outside the range.
            await api.TicketAsync(api.B, "2026-11-10T02:00:00Z", "2026-11-10T05:00:00Z", null, null);
            await api.TicketAsync(api.C, "2026-10-10T02:00:00Z", null, null, null);
            _usageSeeded = true;
        }
        finally { Seeded.Release(); }
    }

    static JsonNode Row(JsonNode report, string? key) => report["rows"]!.AsArray().Single(r => (string?)r!["key"] == key)!;

    [Fact]
    public async Task Usage_by_station_counts_visits_devices_faults_and_medians_in_the_range()
    {
        await SeedUsageAsync();
        var report = await api.Client().GetAsync("/api/v1/stats/usage?group_by=station&from=2026-11-01&to=2026-11-30").Json(200);
        Assert.Equal("station", (string?)report["group_by"]);
        Assert.Equal(DateTimeOffset.Parse("2026-10-31T16:00:00Z"), DateTimeOffset.Parse((string)report["from"]!));
        Assert.Equal(DateTimeOffset.Parse("2026-11-30T16:00:00Z"), DateTimeOffset.Parse((string)report["to"]!));   // the 30th included
        Assert.Equal(2, report["rows"]!.AsArray().Count);
        var a = Row(report, api.A.ToString());
        Assert.Equal("西溪驿站", (string?)a["name"]);
        Assert.Equal((3, 2, 2, 2), ((int)a["visits"]!, (int)a["unique_devices"]!, (int)a["faults_reported"]!, (int)a["faults_fixed"]!));
        Assert.Equal(21600, (double)a["median_time_to_fix_s"]!);   // median of 4 h and 8 h
        Assert.Equal(2700, (double)a["median_response_s"]!);       // median of 30 min and 1 h
        var b = Row(report, api.B.ToString());
        Assert.Equal((1, 1, 1, 0), ((int)b["visits"]!, (int)b["unique_devices"]!, (int)b["faults_reported"]!, (int)b["faults_fixed"]!));
        Assert.Null(b["median_time_to_fix_s"]);
        Assert.Null(b["median_response_s"]);
        Assert.Equal(api.A.ToString(), (string?)report["rows"]![0]!["key"]);   // most visited first
    }

    [Fact]
    public async Task Usage_by_operator_and_district_adds_up_the_stations()
    {
        await SeedUsageAsync();
        var byOperator = await api.Client().GetAsync("/api/v1/stats/usage?group_by=operator&from=2026-11-01&to=2026-11-30").Json(200);
        var sf = Assert.Single(byOperator["rows"]!.AsArray())!;
        Assert.Equal(("顺丰速运", "顺丰速运"), ((string?)sf["key"], (string?)sf["name"]));
        Assert.Equal((4, 3, 3, 2), ((int)sf["visits"]!, (int)sf["unique_devices"]!, (int)sf["faults_reported"]!, (int)sf["faults_fixed"]!));
        Assert.Equal(21600, (double)sf["median_time_to_fix_s"]!);
        Assert.Equal(2700, (double)sf["median_response_s"]!);

        var byDistrict = await api.Client().GetAsync("/api/v1/stats/usage?group_by=district&from=2026-09-01T00:00:00%2B08:00&to=2026-11-30T00:00:00Z").Json(200);
        Assert.Equal(4, (int)Row(byDistrict, "西湖区")["visits"]!);                 // September's check-in counts now
        Assert.Equal(3, (int)Row(byDistrict, "西湖区")["faults_reported"]!);        // C's October ticket too
        Assert.Equal(1, (int)Row(byDistrict, "上城区")["visits"]!);

        // Default range: the 30 days up to the end of today (2026-11-18 in UTC+08:00): October's ticket is out, November's check-ins in.
        var recent = await api.Client().GetAsync("/api/v1/stats/usage?group_by=operator").Json(200);
        Assert.Equal(DateTimeOffset.Parse("2026-11-18T16:00:00Z"), DateTimeOffset.Parse((string)recent["to"]!));
        Assert.Equal(DateTimeOffset.Parse("2026-10-19T16:00:00Z"), DateTimeOffset.Parse((string)recent["from"]!));
        Assert.Equal(4, (int)Assert.Single(recent["rows"]!.AsArray())!["visits"]!);
    }

    [Fact]
    public async Task Usage_as_csv_has_a_header_row_and_utf8_names()
    {
        await SeedUsageAsync();
        var response = await api.Client().GetAsync("/api/v1/stats/usage?group_by=operator&from=2026-11-01&to=2026-11-30&format=csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var text = new UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("key,name,visits,unique_devices,faults_reported,faults_fixed,median_time_to_fix_s,median_response_s", lines[0]);
        Assert.Equal("顺丰速运,顺丰速运,4,3,3,2,21600,2700", lines[1]);
        Assert.Equal(2, lines.Length);
    }

    [Fact]
    public async Task Bad_usage_parameters_are_400s_naming_them()
    {
        var client = api.Client();
        await client.GetAsync("/api/v1/stats/usage?group_by=city").Problem(400, "group_by");
        await client.GetAsync("/api/v1/stats/usage?from=yesterday").Problem(400, "from");
        await client.GetAsync("/api/v1/stats/usage?to=2026-13-01").Problem(400, "to");
        await client.GetAsync("/api/v1/stats/usage?from=2026-11-10&to=2026-11-01").Problem(400, "to");
        await client.GetAsync("/api/v1/stats/usage?from=2025-01-01&to=2026-06-01").Problem(400, "to");
        await client.GetAsync("/api/v1/stats/usage?from=2026-11-01T00:00:00").Problem(400, "from");   // no offset
        await client.GetAsync("/api/v1/stats/usage?format=geojson").Problem(400, "format");
        await client.GetAsync("/api/v1/stats/usage?groupby=station").Problem(400, "groupby");
        await client.GetAsync("/api/v1/stats/usage?from=1000-01-01").Problem(400, "from");
    }

    [Fact]
    public async Task Crowding_profiles_are_7_by_24_in_each_stations_own_time_zone()
    {
        // E (Shanghai, UTC+8): three Monday check-ins at 12:xx local (full, full, some seats), one Tuesday 08:xx;
        // one Monday noon 58 days ago (outside the 56-day window) and a report (no check-in) at Monday noon.
        foreach (var day in new[] { "2026-10-12", "2026-10-05", "2026-09-28" })
            await api.CheckinAsync(api.E, 1, $"{day}T04:10:00Z", day == "2026-09-28" ? "some_seats" : "full");
        await api.CheckinAsync(api.E, 2, "2026-10-13T00:30:00Z", "empty");
        await api.CheckinAsync(api.E, 2, "2026-09-21T04:10:00Z", "empty");
        await api.CheckinAsync(api.E, 2, "2026-10-12T04:20:00Z", "empty", kind: "report");
        // D (Urumqi, UTC+6): the same instants are Monday 10:10 there.
        foreach (var day in new[] { "2026-10-12", "2026-10-05", "2026-09-28" })
            await api.CheckinAsync(api.D, 3, $"{day}T04:10:00Z", "empty");

        var report = await api.Client().GetAsync($"/api/v1/stats/crowding?station_id={api.E},{api.D}").Json(200);
        Assert.False((bool)report["truncated"]!);
        var stations = report["stations"]!.AsArray();
        Assert.Equal([api.D, api.E], stations.Select(s => (long)s!["station_id"]!).ToArray());
        var a = stations[1]!["typical_profile"]!;
        Assert.Equal(56, (int)a["window_days"]!);
        Assert.Equal(["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"], a["weekdays"]!.AsArray().Select(d => (string)d!).ToArray());
        Assert.Equal(7, a["scores"]!.AsArray().Count);
        Assert.All(a["scores"]!.AsArray(), row => Assert.Equal(24, row!.AsArray().Count));
        Assert.Equal(1.67, (double)a["scores"]![0]![12]!);
        Assert.Equal(3, (int)a["samples"]![0]![12]!);
        Assert.Null(a["scores"]![1]![8]);                 // one check-in is below MinSamples (3)
        Assert.Equal(1, (int)a["samples"]![1]![8]!);
        Assert.Equal(4, a["samples"]!.AsArray().SelectMany(r => r!.AsArray()).Sum(n => (int)n!));
        var d = stations[0]!["typical_profile"]!;
        Assert.Equal("Asia/Urumqi", (string?)stations[0]!["time_zone"]);
        Assert.Equal(0, (double)d["scores"]![0]![10]!);
        Assert.Equal(3, (int)d["samples"]![0]![10]!);
        Assert.Equal(0, (int)d["samples"]![0]![12]!);

        // By bbox: only the stations inside it (E and F), with F's profile empty.
        var box = await api.Client().GetAsync("/api/v1/stats/crowding?bbox=121.35,31.15,121.45,31.25").Json(200);
        Assert.Equal([api.E, api.F], box["stations"]!.AsArray().Select(s => (long)s!["station_id"]!).ToArray());
        Assert.Equal(4, box["stations"]![0]!["typical_profile"]!["samples"]!.AsArray().SelectMany(r => r!.AsArray()).Sum(n => (int)n!));
        var c = box["stations"]![1]!["typical_profile"]!;
        Assert.All(c["scores"]!.AsArray().SelectMany(r => r!.AsArray()), Assert.Null);
    }

    [Fact]
    public async Task Bad_crowding_parameters_are_400s_naming_them()
    {
        var client = api.Client();
        await client.GetAsync("/api/v1/stats/crowding").Problem(400, "station_id");
        await client.GetAsync($"/api/v1/stats/crowding?station_id={api.E}&bbox=120,30,121,31").Problem(400, "station_id");
        await client.GetAsync("/api/v1/stats/crowding?station_id=1,x").Problem(400, "station_id");
        await client.GetAsync("/api/v1/stats/crowding?station_id=" + string.Join(',', Enumerable.Range(1, 501))).Problem(400, "station_id");
        await client.GetAsync("/api/v1/stats/crowding?bbox=1,2,3").Problem(400, "bbox");
        // Unknown ids are simply not listed.
        var none = await client.GetAsync("/api/v1/stats/crowding?station_id=999999").Json(200);
        Assert.Empty(none["stations"]!.AsArray());
    }
}
