using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StationMap.Api.Features.RoadNetwork;
using StationMap.Api.Features.Routing;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.Coverage;

/// <summary>
/// The demo city for planning tests: the generated demo road network, the 300 generated demo
/// stations plus one day-only station (08:00–18:00) in the thinly served north-east, four quadrant
/// districts and a fifth overlapping the first (a point in both belongs to the lower id), a demand
/// layer of 2,000 seeded random points (and one far off the network), a small demand layer of 250
/// points for brute-force checks, and a candidate layer of 60 points.
/// </summary>
public sealed class CoverageFixture : ApiFixture
{
    protected override int DemoStations => 300;

    /// <summary>The day-only station, far from the others (lon, lat).</summary>
    public static readonly (double Lon, double Lat) DayOnlyStation = (120.335, 30.405);

    readonly SemaphoreSlim _once = new(1, 1);
    bool _ready;

    public async Task<LoadedGraph> ReadyAsync()
    {
        await _once.WaitAsync();
        try
        {
            if (!_ready)
            {
                await using var conn = await OpenAsync();
                if (await RoadGraphStore.ActiveInfoAsync(conn, DemoRoadNetwork.Region) is null)
                    await RoadGraphStore.SaveAndActivateAsync(conn, DemoRoadNetwork.Generate(), DemoRoadNetwork.Region, "demo", null, null, "{}");
                await ExecuteAsync(conn, Setup);
                _ready = true;
            }
            var host = Services.GetRequiredService<GraphHost>();
            await host.ReloadIfChangedAsync();
            return host.Regions[DemoRoadNetwork.Region]!;
        }
        finally { _once.Release(); }
    }

    static async Task ExecuteAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    const string Setup = $"""
        INSERT INTO station (name, location, opening_hours, time_zone, status)
        VALUES ('日间测试驿站', ST_SetSRID(ST_MakePoint(120.335, 30.405), 4326)::geography, 'Mo-Su 08:00-18:00', 'Asia/Shanghai', 'open');

        INSERT INTO district (code, name, source, geom, area_km2)
        SELECT code, name, 'test', ST_Multi(e), ST_Area(e::geography) / 1e6 FROM (VALUES
            ('T1', '西北区', ST_MakeEnvelope(120.02, 30.27, 120.19, 30.42, 4326)),
            ('T2', '东北区', ST_MakeEnvelope(120.19, 30.27, 120.30, 30.42, 4326)),
            ('T3', '西南区', ST_MakeEnvelope(120.02, 30.12, 120.19, 30.27, 4326)),
            ('T4', '东南区', ST_MakeEnvelope(120.19, 30.12, 120.30, 30.27, 4326)),
            ('T5', '重叠区', ST_MakeEnvelope(120.15, 30.30, 120.25, 30.35, 4326))) v(code, name, e)
        ORDER BY code;

        INSERT INTO planning_layer (name, kind) VALUES ('test-demand', 'demand'), ('small-demand', 'demand'), ('test-candidates', 'candidate');
        SELECT setseed(0.4242);
        INSERT INTO planning_point (layer_id, label, category, weight, geom)
        SELECT (SELECT id FROM planning_layer WHERE name = 'test-demand'), 'd' || g, 'population', 1 + floor(random() * 5),
               ST_SetSRID(ST_MakePoint(120.03 + random() * 0.32, 30.13 + random() * 0.28), 4326)
        FROM generate_series(1, 2000) g;
        INSERT INTO planning_point (layer_id, label, category, weight, geom)
        VALUES ((SELECT id FROM planning_layer WHERE name = 'test-demand'), 'far away', 'depot', 7, ST_SetSRID(ST_MakePoint(120.60, 30.60), 4326));
        INSERT INTO planning_point (layer_id, label, weight, geom)
        SELECT (SELECT id FROM planning_layer WHERE name = 'small-demand'), 's' || g, 1 + floor(random() * 3),
               ST_SetSRID(ST_MakePoint(120.05 + random() * 0.28, 30.14 + random() * 0.26), 4326)
        FROM generate_series(1, 250) g;
        INSERT INTO planning_point (layer_id, label, weight, geom)
        SELECT (SELECT id FROM planning_layer WHERE name = 'test-candidates'), 'c' || g, 1,
               ST_SetSRID(ST_MakePoint(120.05 + random() * 0.28, 30.14 + random() * 0.26), 4326)
        FROM generate_series(1, 60) g;
        UPDATE planning_layer l SET point_count = s.n, total_weight = s.w
        FROM (SELECT layer_id, count(*) n, sum(weight) w FROM planning_point GROUP BY layer_id) s WHERE s.layer_id = l.id;
        """;
}
