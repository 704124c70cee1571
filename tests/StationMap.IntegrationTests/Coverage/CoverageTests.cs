using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StationMap.IntegrationTests.Infrastructure;
using StationMap.Routing;

namespace StationMap.IntegrationTests.Coverage;

/// <summary>Coverage analysis on the demo city, checked against sums, a brute-force search per point and PostGIS.</summary>
public sealed class CoverageTests(CoverageFixture api) : IClassFixture<CoverageFixture>
{
    const string Noon = "2026-11-18T12:00:00%2B08:00";
    const string Night = "2026-11-18T23:00:00%2B08:00";

    async Task<JsonNode> Coverage(string query) =>
        await api.Client().GetAsync($"/api/v1/coverage?{query}").Json(200);

    [Fact]
    public async Task Totals_add_up_over_the_districts_and_the_outside_row()
    {
        await api.ReadyAsync();
        var body = await Coverage("layer=test-demand&worst=5");
        var rows = body["districts"]!.AsArray();
        double Sum(string key) => rows.Sum(r => (double)r![key]!);
        Assert.Equal((double)body["total_demand"]!, Sum("demand"), 2);
        Assert.Equal((double)body["covered_demand"]!, Sum("covered"), 2);
        Assert.Equal((int)body["points"]!, rows.Sum(r => (int)r!["points"]!));
        Assert.Equal(2001, (int)body["points"]!);
        Assert.Equal(await api.ScalarAsync<double>("SELECT sum(weight) FROM planning_point p JOIN planning_layer l ON l.id = p.layer_id WHERE l.name = 'test-demand'"),
            (double)body["total_demand"]!, 3);
        // The outside row (id null) holds the points in no district, among them the far-off one, which is off the network.
        var outside = rows.Single(r => r!["id"] is null)!;
        Assert.Equal("(outside districts)", (string?)outside["name"]);
        Assert.Equal(7.0, (double)body["off_network_demand"]!);
        Assert.Equal(await api.ScalarAsync<long>("""
            SELECT count(*) FROM planning_point p JOIN planning_layer l ON l.id = p.layer_id
            WHERE l.name = 'test-demand' AND NOT EXISTS (SELECT 1 FROM district d WHERE ST_Covers(d.geom, p.geom))
            """), (long)(int)outside["points"]!);
        // A point in two districts counts once, for the lower id: district 5 only has what district 1 does not cover.
        Assert.Equal(await api.ScalarAsync<long>("""
            SELECT count(*) FROM planning_point p JOIN planning_layer l ON l.id = p.layer_id, district d5
            WHERE l.name = 'test-demand' AND d5.code = 'T5' AND ST_Covers(d5.geom, p.geom)
              AND NOT EXISTS (SELECT 1 FROM district d WHERE d.id < d5.id AND ST_Covers(d.geom, p.geom))
            """), (long)(int)rows.Single(r => (string?)r!["name"] == "重叠区")!["points"]!);
        var pct = (double)body["coverage_pct"]!;
        Assert.InRange(pct, 1, 99.9);
        Assert.True((double)body["p95_minutes"]! >= (double)body["mean_minutes"]!);
        var worst = body["worst"]!.AsArray();
        Assert.Equal(5, worst.Count);
        Assert.True((bool)worst[0]!["off_network"]!);
        // Catchments partition the reachable demand.
        var stations = body["stations"]!.AsArray();
        Assert.True(stations.Sum(s => (double)s!["covered_catchment_demand"]!) - (double)body["covered_demand"]! is > -0.1 and < 0.1);
    }

    [Fact]
    public async Task Coverage_equals_a_brute_force_search_from_every_demand_point()
    {
        var graph = await api.ReadyAsync();
        var engine = graph.Engine;
        var body = await Coverage("layer=small-demand&mode=walk&minutes=10");
        var stations = new List<SnapResult>();
        await using (var conn = await api.OpenAsync())
        {
            await using var cmd = new Npgsql.NpgsqlCommand(
                "SELECT ST_X(location::geometry), ST_Y(location::geometry) FROM station WHERE deleted_at IS NULL AND status = 'open'", conn);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
                if (engine.Snap(r.GetDouble(0), r.GetDouble(1), TravelMode.Walk, 500) is { } s) stations.Add(s);
        }
        // Brute force: one forward search from each point (point → stations), the nearest station's seconds.
        double covered = 0, total = 0, weighted = 0, reachable = 0;
        int coveredPoints = 0;
        await using (var conn = await api.OpenAsync())
        {
            await using var cmd = new Npgsql.NpgsqlCommand("""
                SELECT ST_X(p.geom), ST_Y(p.geom), p.weight FROM planning_point p JOIN planning_layer l ON l.id = p.layer_id WHERE l.name = 'small-demand'
                """, conn);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                var w = r.GetDouble(2);
                total += w;
                if (engine.Snap(r.GetDouble(0), r.GetDouble(1), TravelMode.Walk, 500) is not { } from) continue;
                var t = engine.TravelSeconds(from, TravelMode.Walk, SearchDirection.Forward, stations.ToArray(), 3600).Min();
                if (t <= 600) { covered += w; coveredPoints++; }
                if (double.IsFinite(t)) { weighted += w * t; reachable += w; }
            }
        }
        Assert.Equal(total, (double)body["total_demand"]!, 3);
        Assert.Equal(coveredPoints, (int)body["covered_points"]!);
        Assert.Equal(covered, (double)body["covered_demand"]!, 3);
        Assert.InRange((double)body["mean_minutes"]!, weighted / reachable / 60 - 0.01, weighted / reachable / 60 + 0.01); // minutes to 2 decimals
    }

    [Fact]
    public async Task At_night_the_day_only_station_is_left_out_and_coverage_falls()
    {
        await api.ReadyAsync();
        var noon = await Coverage($"layer=test-demand&at={Noon}&worst=0");
        var night = await Coverage($"layer=test-demand&at={Night}&worst=0");
        var always = await Coverage("layer=test-demand&worst=0");
        var dayOnly = await api.ScalarAsync<long>("SELECT id FROM station WHERE name = '日间测试驿站'");
        bool Lists(JsonNode body) => body["stations"]!.AsArray().Any(s => (long)s!["id"]! == dayOnly);
        Assert.True(Lists(noon));
        Assert.False(Lists(night));
        Assert.True(Lists(always));
        Assert.True((int)night["stations_considered"]! < (int)noon["stations_considered"]!);
        Assert.True((int)night["stations_closed_at"]! > 0);
        Assert.True((double)night["covered_demand"]! < (double)noon["covered_demand"]!, $"night {night["covered_demand"]} vs noon {noon["covered_demand"]}");
        Assert.True((double)noon["covered_demand"]! <= (double)always["covered_demand"]!);
        Assert.Equal("2026-11-18T23:00:00+08:00", (string?)night["at"]);
    }

    [Fact]
    public async Task Csv_and_geojson_exports_carry_the_table_and_the_stamp()
    {
        await api.ReadyAsync();
        var csv = await api.Client().GetAsync("/api/v1/coverage?layer=test-demand&format=csv");
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = text.Trim().Split('\n');
        Assert.StartsWith("district_id,code,name", lines[0]);
        Assert.Contains("graph_version", lines[0]);
        Assert.Equal(7, lines.Length); // header + 5 districts + outside
        Assert.All(lines.Skip(1), l => Assert.Contains(",ebike,15,test-demand,", l));

        var geo = await api.Client().GetAsync("/api/v1/coverage?layer=test-demand&format=geojson&district=2").Json(200, "application/geo+json");
        var features = geo["features"]!.AsArray();
        Assert.Single(features);
        Assert.Equal("MultiPolygon", (string?)features[0]!["geometry"]!["type"]);
        Assert.Equal(2, (long)geo["parameters"]!["district"]!);
        Assert.NotNull(geo["graph_version"]);
    }

    [Fact]
    public async Task What_if_adding_a_site_raises_coverage_and_writes_nothing()
    {
        await api.ReadyAsync();
        var before = await api.ScalarAsync<string>("SELECT count(*) || ':' || max(updated_at) || ':' || sum(version) FROM station");
        var worst = (await Coverage("layer=test-demand&worst=30"))["worst"]!.AsArray()
            .First(w => !(bool)w!["off_network"]! && w["minutes"] is null || (double?)w!["minutes"] > 20)!;
        var request = new { layer = "test-demand", add = new[] { new { lon = (double)worst["lon"]!, lat = (double)worst["lat"]!, label = "试点" } } };
        var body = await (await api.Client().PostAsJsonAsync("/api/v1/planning/what-if", request)).Json(200);
        Assert.True((double)body["delta_covered"]! > 0, body.ToJsonString());
        Assert.True((double)body["scenario"]!["coverage_pct"]! > (double)body["baseline"]!["coverage_pct"]!);
        var added = body["added"]!.AsArray().Single()!;
        Assert.Equal((double)body["delta_covered"]!, (double)added["newly_covered"]!, 3);
        Assert.True((double)added["snap_distance_m"]! <= 500);
        Assert.Equal(before, await api.ScalarAsync<string>("SELECT count(*) || ':' || max(updated_at) || ':' || sum(version) FROM station"));

        // Removing the busiest station lowers coverage (or leaves it) and equals the coverage with that station closed.
        var busiest = (long)(await Coverage("layer=test-demand&worst=0"))["stations"]!.AsArray()[0]!["id"]!;
        var removed = await (await api.Client().PostAsJsonAsync("/api/v1/planning/what-if", new { layer = "test-demand", remove = new[] { busiest } })).Json(200);
        Assert.True((double)removed["delta_covered"]! < 0, removed.ToJsonString());
        Assert.Equal(before, await api.ScalarAsync<string>("SELECT count(*) || ':' || max(updated_at) || ':' || sum(version) FROM station"));
    }

    [Fact]
    public async Task Gaps_are_hexagons_with_minutes_and_tiles_are_mvt_or_204()
    {
        await api.ReadyAsync();
        var gaps = await api.Client().GetAsync("/api/v1/coverage/gaps?bbox=120.15,30.25,120.20,30.30&cell=400&mode=walk&minutes=10").Json(200, "application/geo+json");
        var features = gaps["features"]!.AsArray();
        Assert.InRange(features.Count, 50, 500);
        Assert.All(features, f =>
        {
            Assert.Equal(7, f!["geometry"]!["coordinates"]![0]!.AsArray().Count); // six corners, closed
            var minutes = (double?)f["properties"]!["minutes"];
            Assert.Equal(minutes is <= 10, (bool)f["properties"]!["covered"]!);
        });
        Assert.Contains(features, f => (bool)f!["properties"]!["covered"]!);

        var tile = await api.Client().GetAsync("/api/v1/coverage/gaps/tiles/12/3415/1686.mvt");
        Assert.Equal(200, (int)tile.StatusCode);
        Assert.Equal("application/vnd.mapbox-vector-tile", tile.Content.Headers.ContentType?.MediaType);
        Assert.True((await tile.Content.ReadAsByteArrayAsync()).Length > 100);
        Assert.Contains("max-age", tile.Headers.CacheControl?.ToString());
        var empty = await api.Client().GetAsync("/api/v1/coverage/gaps/tiles/12/100/100.mvt");
        Assert.Equal(204, (int)empty.StatusCode);
    }

    [Fact]
    public async Task Gaps_of_a_district_are_the_hexagons_that_meet_it()
    {
        await api.ReadyAsync();
        var id = await api.ScalarAsync<long>("SELECT id FROM district ORDER BY area_km2, id LIMIT 1");
        var gaps = await api.Client().GetAsync($"/api/v1/coverage/gaps?district={id}&cell=400&mode=walk&minutes=10").Json(200, "application/geo+json");
        var features = gaps["features"]!.AsArray();
        Assert.NotEmpty(features);
        var shapes = features.Select(f => f!["geometry"]!.ToJsonString()).ToArray();
        // Every hexagon meets the district, and together they cover it (up to the edges of the grid cells).
        Assert.Equal(0L, await api.ScalarAsync<long>("""
            SELECT count(*) FROM unnest($1::text[]) g, district d
            WHERE d.id = $2 AND NOT ST_Intersects(d.geom, ST_SetSRID(ST_GeomFromGeoJSON(g), 4326))
            """, shapes, id));
        Assert.True(await api.ScalarAsync<bool>("""
            SELECT ST_Covers(ST_Buffer(ST_Union(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)), 1e-6), d.geom)
            FROM unnest($1::text[]) g, district d WHERE d.id = $2 GROUP BY d.geom
            """, shapes, id));
    }

    [Fact]
    public async Task Uncovered_area_is_each_district_minus_the_union_of_service_areas()
    {
        await api.ReadyAsync();
        await api.Services.GetService<StationMap.Api.Features.ServiceAreas.ServiceAreaJob>()!.RunPassAsync();
        var body = await api.Client().GetAsync("/api/v1/coverage/uncovered?minutes=15&mode=ebike").Json(200, "application/geo+json");
        var features = body["features"]!.AsArray();
        Assert.Equal(5, features.Count);
        await using var conn = await api.OpenAsync();
        foreach (var f in features)
        {
            var props = f!["properties"]!;
            Assert.InRange((double)props["uncovered_km2"]!, 0, (double)props["area_km2"]! + 0.01);
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT ST_IsValid(ST_GeomFromGeoJSON($1))", conn);
            cmd.Parameters.AddWithValue(f["geometry"]!.ToJsonString());
            Assert.True((bool)(await cmd.ExecuteScalarAsync())!);
        }
        // The thinly served north-east has more uncovered area than the dense south-east.
        var byName = features.ToDictionary(f => (string)f!["properties"]!["name"]!, f => (double)f!["properties"]!["uncovered_pct"]!);
        Assert.True(byName["东北区"] > byName["东南区"]);
        await api.Client().GetAsync("/api/v1/coverage/uncovered?minutes=12").Problem(400, "minutes");
    }

    [Fact]
    public async Task Suggest_returns_p_sites_with_a_monotone_curve_and_exact_at_least_greedy()
    {
        await api.ReadyAsync();
        var request = new { layer = "test-demand", p = 5, candidates = new { layer = "test-candidates" }, exact = "always" };
        var body = await (await api.Client().PostAsJsonAsync("/api/v1/planning/suggest", request)).Json(200);
        var sites = body["sites"]!.AsArray();
        Assert.Equal(5, sites.Count);
        Assert.Equal([1, 2, 3, 4, 5], sites.Select(x => (int)x!["rank"]!));
        var curve = body["curve"]!.AsArray().Select(x => (double)x!["covered"]!).ToList();
        Assert.Equal(6, curve.Count);
        Assert.Equal((double)body["baseline"]!["covered_demand"]!, curve[0], 3);
        Assert.Equal(curve.Order(), curve);
        Assert.True(curve[^1] > curve[0]);
        Assert.All(sites, x => Assert.True((double)x!["newly_covered"]! > 0));
        Assert.Equal(curve[^1] - curve[0], sites.Sum(x => (double)x!["newly_covered"]!), 2);
        var exact = body["exact"]!;
        Assert.Contains((string?)exact["status"], new[] { "optimal", "feasible" });
        Assert.True((double)exact["covered"]! >= curve[^1] - 1e-6, body.ToJsonString());
        Assert.True((double)exact["gap_pct"]! >= -1e-9);

        // Independent check of the cover lists: the same sites added in a what-if give the curve's end.
        var add = sites.Select(x => new { lon = (double)x!["lon"]!, lat = (double)x["lat"]! }).ToArray();
        var whatIf = await (await api.Client().PostAsJsonAsync("/api/v1/planning/what-if", new { layer = "test-demand", add })).Json(200);
        Assert.Equal(curve[^1], (double)whatIf["scenario"]!["covered_demand"]!, 2);

        var csv = await api.Client().PostAsJsonAsync("/api/v1/planning/suggest?format=csv", request);
        var lines = (await csv.Content.ReadAsStringAsync()).Trim().Split('\n');
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal(6, lines.Length);
        Assert.Contains("graph_version", lines[0]);
        var geo = await (await api.Client().PostAsJsonAsync("/api/v1/planning/suggest?format=geojson", request)).Json(200, "application/geo+json");
        Assert.Equal(5, geo["features"]!.AsArray().Count);
        Assert.Equal(5, (int)geo["parameters"]!["p"]!);
    }

    [Fact]
    public async Task Cover_returns_how_many_sites_reach_the_target_and_grid_candidates_lie_on_roads()
    {
        await api.ReadyAsync();
        var suggest = await (await api.Client().PostAsJsonAsync("/api/v1/planning/suggest",
            new { layer = "test-demand", p = 3, candidates = new { layer = "test-candidates" }, exact = "never" })).Json(200);
        Assert.Equal("skipped", (string?)suggest["exact"]!["status"]);
        var target = (double)suggest["curve"]!.AsArray()[3]!["coverage_pct"]! - 0.001;
        var cover = await (await api.Client().PostAsJsonAsync("/api/v1/planning/cover",
            new { layer = "test-demand", target_pct = target, candidates = new { layer = "test-candidates" } })).Json(200);
        Assert.True((bool)cover["reachable"]!);
        Assert.Equal(3, (int)cover["stations_needed"]!); // greedy set covering follows the greedy curve
        Assert.True((double)cover["curve"]!.AsArray()[^1]!["coverage_pct"]! >= target);
        if ((string?)cover["exact"]!["status"] == "optimal") Assert.True((int)cover["exact"]!["stations_needed"]! <= 3);
        var impossible = await (await api.Client().PostAsJsonAsync("/api/v1/planning/cover",
            new { layer = "test-demand", target_pct = 100, candidates = new { layer = "test-candidates" } })).Json(200);
        Assert.False((bool)impossible["reachable"]!); // the off-network point can never be covered
        Assert.Null(impossible["stations_needed"]);
        Assert.True((double)impossible["max_pct"]! < 100);

        var grid = await (await api.Client().PostAsJsonAsync("/api/v1/planning/suggest",
            new { layer = "test-demand", p = 2, district = 2, candidates = new { grid = new { spacing_m = 600 } } })).Json(200);
        Assert.InRange((int)grid["candidates_considered"]!, 100, 600); // district 2 is about 11 × 17 km
        var graph = await api.ReadyAsync();
        foreach (var site in grid["sites"]!.AsArray())
        {
            var snap = graph.Engine.Snap((double)site!["lon"]!, (double)site["lat"]!, TravelMode.Ebike, 500);
            Assert.True(snap is { DistanceM: < 1 }, site.ToJsonString());
            Assert.True(await api.ScalarAsync<bool>("SELECT ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, 300) FROM district WHERE id = 2",
                (double)site["lon"]!, (double)site["lat"]!));
        }
    }

    [Theory]
    [InlineData("""{"p":0,"candidates":{"layer":"test-candidates"}}""", "p")]
    [InlineData("""{"p":51,"candidates":{"layer":"test-candidates"}}""", "p")]
    [InlineData("""{"candidates":{"layer":"test-candidates"}}""", "p")]
    [InlineData("""{"p":3}""", "candidates")]
    [InlineData("""{"p":3,"candidates":{"layer":"test-candidates","grid":{"spacing_m":500}}}""", "candidates")]
    [InlineData("""{"p":3,"candidates":{"grid":{"spacing_m":100}}}""", "candidates.grid.spacing_m")]
    [InlineData("""{"p":3,"candidates":{"grid":{"spacing":500}}}""", "candidates.grid.spacing")]
    [InlineData("""{"p":3,"candidates":{"layer":"test-candidates"},"exact":"maybe"}""", "exact")]
    [InlineData("""{"p":3,"candidates":{"layer":"test-candidates"},"minutes":61}""", "minutes")]
    [InlineData("""{"p":"three","candidates":{"layer":"test-candidates"}}""", "p")]
    public async Task Bad_suggest_bodies_are_400_problems_naming_the_field(string json, string parameter)
    {
        await api.ReadyAsync();
        var response = await api.Client().PostAsync("/api/v1/planning/suggest", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await response.Problem(400, parameter);
    }

    [Fact]
    public async Task Bad_cover_requests_are_400_and_unknown_candidate_layers_404()
    {
        await api.ReadyAsync();
        StringContent Json(string text) => new(text, System.Text.Encoding.UTF8, "application/json");
        await (await api.Client().PostAsync("/api/v1/planning/cover", Json("""{"target_pct":150,"candidates":{"layer":"test-candidates"}}"""))).Problem(400, "target_pct");
        await (await api.Client().PostAsync("/api/v1/planning/cover", Json("""{"candidates":{"layer":"test-candidates"}}"""))).Problem(400, "target_pct");
        await (await api.Client().PostAsync("/api/v1/planning/cover", Json("""{"target_pct":80,"max_sites":0,"candidates":{"layer":"test-candidates"}}"""))).Problem(400, "max_sites");
        await (await api.Client().PostAsync("/api/v1/planning/suggest?format=xml", Json("""{"p":2,"candidates":{"layer":"test-candidates"}}"""))).Problem(400, "format");
        await (await api.Client().PostAsync("/api/v1/planning/suggest", Json("""{"layer":"test-demand","p":2,"candidates":{"layer":"no-such"}}"""))).Problem(404);
        await (await api.Client().PostAsync("/api/v1/planning/suggest", Json("""{"layer":"test-demand","p":2,"candidates":{"layer":"test-demand"}}"""))).Problem(404);
        await (await api.Client().PostAsync("/api/v1/planning/suggest", Json("""{"layer":"test-demand","p":2,"candidates":{"grid":{"spacing_m":500,"district":999}}}"""))).Problem(404);
    }

    [Theory]
    [InlineData("/api/v1/coverage?mode=car", "mode")]
    [InlineData("/api/v1/coverage?mode=horse", "mode")]
    [InlineData("/api/v1/coverage?minutes=0", "minutes")]
    [InlineData("/api/v1/coverage?minutes=61", "minutes")]
    [InlineData("/api/v1/coverage?minutes=abc", "minutes")]
    [InlineData("/api/v1/coverage?at=yesterday", "at")]
    [InlineData("/api/v1/coverage?at=2026-11-18T23:00:00", "at")]
    [InlineData("/api/v1/coverage?worst=501", "worst")]
    [InlineData("/api/v1/coverage?format=xml", "format")]
    [InlineData("/api/v1/coverage?layer=bad%20name", "layer")]
    [InlineData("/api/v1/coverage?district=-1", "district")]
    [InlineData("/api/v1/coverage?lyer=x", "lyer")]
    [InlineData("/api/v1/coverage/gaps?mode=walk", "bbox")]
    [InlineData("/api/v1/coverage/gaps?bbox=1,2,3", "bbox")]
    [InlineData("/api/v1/coverage/gaps?bbox=120,30,120.1,30.1&cell=50", "cell")]
    [InlineData("/api/v1/coverage/gaps?bbox=120,30,121,31&cell=100", "cell")]
    [InlineData("/api/v1/coverage/gaps/tiles/5/1/1.mvt", "z")]
    [InlineData("/api/v1/coverage/gaps/tiles/12/5000/1.mvt", "x")]
    [InlineData("/api/v1/coverage/uncovered?minutes=20", "minutes")]
    public async Task Bad_parameters_are_400_problems_naming_them(string path, string parameter)
    {
        await api.ReadyAsync();
        await api.Client().GetAsync(path).Problem(400, parameter);
    }

    [Theory]
    [InlineData("""{"mode":"car"}""", "mode")]
    [InlineData("""{"minutes":90}""", "minutes")]
    [InlineData("""{"at":"23:00"}""", "at")]
    [InlineData("""{"add":[{"lon":200,"lat":30}]}""", "add[0].lon")]
    [InlineData("""{"add":[{"lng":120.1,"lat":30.2}]}""", "add[0].lng")]
    [InlineData("""{"layer":"test-demand","colour":"red"}""", "colour")]
    [InlineData("""{"minutes":"fifteen"}""", "minutes")]
    [InlineData("""{"layer":"test-demand","remove":[99999999]}""", "remove[0]")]
    [InlineData("""{"minutes":""", "body")]
    [InlineData("""[1,2]""", "body")]
    public async Task Bad_what_if_bodies_are_400_problems_naming_the_field(string json, string parameter)
    {
        await api.ReadyAsync();
        var response = await api.Client().PostAsync("/api/v1/planning/what-if", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        await response.Problem(400, parameter);
    }

    [Fact]
    public async Task Unknown_layers_and_districts_are_404()
    {
        await api.ReadyAsync();
        await api.Client().GetAsync("/api/v1/coverage?layer=no-such-layer").Problem(404);
        await api.Client().GetAsync("/api/v1/coverage?layer=test-candidates").Problem(404);
        await api.Client().GetAsync("/api/v1/coverage?layer=test-demand&district=999").Problem(404);
        await api.Client().GetAsync("/api/v1/coverage/gaps?district=999").Problem(404);
        await api.Client().GetAsync("/api/v1/coverage/uncovered?district=999").Problem(404);
    }
}

/// <summary>Without a road graph every coverage endpoint is a 503 problem, never a 500.</summary>
public sealed class CoverageWithoutGraphTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Theory]
    [InlineData("/api/v1/coverage")]
    [InlineData("/api/v1/coverage/gaps?bbox=120.1,30.2,120.2,30.3")]
    [InlineData("/api/v1/coverage/gaps/tiles/12/3415/1686.mvt")]
    [InlineData("/api/v1/coverage/uncovered")]
    public async Task Coverage_needs_a_road_graph(string path) =>
        await api.Client().GetAsync(path).Problem(503);

    [Fact]
    public async Task Swagger_documents_the_coverage_and_planning_endpoints()
    {
        var paths = (await api.Client().GetAsync("/swagger/v1/swagger.json").Json(200))["paths"]!.AsObject();
        foreach (var (path, method) in new[]
                 {
                     ("/api/v1/coverage", "get"), ("/api/v1/coverage/gaps", "get"), ("/api/v1/coverage/gaps/tiles/{z}/{x}/{y}.mvt", "get"),
                     ("/api/v1/coverage/uncovered", "get"), ("/api/v1/planning/what-if", "post"), ("/api/v1/planning/suggest", "post"),
                     ("/api/v1/planning/cover", "post"),
                 })
        {
            var op = paths[path]?[method];
            Assert.True(op is not null, $"{method.ToUpperInvariant()} {path} is not documented");
            Assert.NotNull(op["summary"]);
            Assert.NotNull(op["responses"]!["400"]);
            Assert.NotNull(op["responses"]!["503"]);
            if (method == "post") Assert.NotNull(op["requestBody"]);
        }
    }

    [Fact]
    public async Task What_if_needs_a_road_graph() =>
        await (await api.Client().PostAsJsonAsync("/api/v1/planning/what-if", new { layer = "x" })).Problem(503);
}
