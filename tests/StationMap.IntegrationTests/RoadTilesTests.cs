using System.Net;
using System.Text;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests;

public sealed class RoadTilesTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    static (int X, int Y) Tile(double lon, double lat, int z)
    {
        var n = 1 << z;
        var rad = lat * Math.PI / 180;
        return ((int)Math.Floor((lon + 180) / 360 * n), (int)Math.Floor((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n));
    }

    /// <summary>A two-edge graph written straight into the tables: one primary road (two-way), one one-way residential street.</summary>
    async Task SeedGraphAsync()
    {
        await using var conn = await api.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("""
            DELETE FROM road_graph;
            WITH g AS (INSERT INTO road_graph (region, source, state, vertex_count, edge_count) VALUES ('tile test', 'synthetic', 'active', 3, 2) RETURNING version),
            v AS (INSERT INTO road_vertex (graph_version, id, geom)
                  SELECT g.version, p.id, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326) FROM g,
                         (VALUES (0, 120.150, 30.270), (1, 120.160, 30.270), (2, 120.160, 30.275)) AS p(id, lon, lat)
                  RETURNING graph_version)
            INSERT INTO road_edge (graph_version, id, source, target, highway, name, length_m, walk_forward_s, walk_backward_s, car_forward_s, car_backward_s, geom)
            SELECT DISTINCT v.graph_version, e.id, e.s, e.t, e.hw, e.name, 100, 72, 72, 10, e.back,
                   ST_MakeLine(ST_SetSRID(ST_MakePoint(e.x1, e.y1), 4326), ST_SetSRID(ST_MakePoint(e.x2, e.y2), 4326))
            FROM v, (VALUES (0, 0, 1, 'primary', '体育场路', 10::real, 120.150, 30.270, 120.160, 30.270),
                            (1, 1, 2, 'residential', '小巷', NULL::real, 120.160, 30.270, 120.160, 30.275)) AS e(id, s, t, hw, name, back, x1, y1, x2, y2);
            """, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_tile_over_the_roads_is_a_vector_tile_with_classes_names_and_oneway()
    {
        await SeedGraphAsync();
        var (x, y) = Tile(120.155, 30.2705, 14);
        var response = await api.Client().GetAsync($"/api/v1/tiles/roads/14/{x}/{y}.mvt");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        Assert.Equal("application/vnd.mapbox-vector-tile", response.Content.Headers.ContentType?.MediaType);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("roads", text);
        Assert.Contains("primary", text);
        Assert.Contains("体育场路", text);
        Assert.Contains("oneway", text);
    }

    [Fact]
    public async Task Minor_roads_drop_out_at_low_zoom_and_empty_tiles_are_204()
    {
        await SeedGraphAsync();
        var (x, y) = Tile(120.155, 30.2705, 11);
        var low = await (await api.Client().GetAsync($"/api/v1/tiles/roads/11/{x}/{y}.mvt")).Content.ReadAsByteArrayAsync();
        var lowText = Encoding.UTF8.GetString(low);
        Assert.Contains("primary", lowText);
        Assert.DoesNotContain("residential", lowText);

        var (fx, fy) = Tile(100.0, 40.0, 14);
        var empty = await api.Client().GetAsync($"/api/v1/tiles/roads/14/{fx}/{fy}.mvt");
        Assert.Equal(HttpStatusCode.NoContent, empty.StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/tiles/roads/30/0/0.mvt", "z")]
    [InlineData("/api/v1/tiles/roads/12/5000/0.mvt", "x")]
    [InlineData("/api/v1/tiles/roads/12/0/-1.mvt", "y")]
    public async Task Tile_coordinates_outside_the_pyramid_are_a_400_naming_them(string path, string parameter) =>
        await api.Client().GetAsync(path).Problem(400, parameter);
}
