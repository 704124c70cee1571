using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.HttpPlatform;

/// <summary>Compression, conditional requests, HEAD, CORS, 405 and control characters, on the real API.</summary>
public sealed class HttpPlatformTests(HttpFixture api) : IClassFixture<HttpFixture>
{
    const string Nearest = "/api/v1/stations/nearest?lon=120.16&lat=30.27&limit=10";
    const string Box = "/api/v1/stations?bbox=120.10,30.22,120.22,30.32&limit=20";

    async Task<long> AnyStationAsync() => await api.ScalarAsync<long>("SELECT min(id) FROM station WHERE deleted_at IS NULL");

    async Task<HttpResponseMessage> Send(HttpRequestMessage request, int status)
    {
        var response = await api.Client().SendAsync(request);
        await response.Expect(status);
        return response;
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Json_geojson_and_csv_are_compressed_with_the_coding_asked_for(string coding)
    {
        foreach (var (url, type) in new[] { (Nearest, "application/json"), (Box + "&format=geojson", "application/geo+json"), (Box + "&format=csv", "text/csv") })
        {
            var plain = await Send(Responses.Get(url), 200);
            var packed = await Send(Responses.Get(url, ("Accept-Encoding", coding)), 200);
            var dump = await packed.Dump();
            Assert.True(packed.Content.Headers.ContentEncoding.SequenceEqual([coding]), dump);
            Assert.True(packed.Headers.Vary.Contains("Accept-Encoding"), dump);
            Assert.True(plain.Headers.Vary.Contains("Accept-Encoding"), await plain.Dump());
            Assert.Empty(plain.Content.Headers.ContentEncoding);
            Assert.Equal(type, packed.Content.Headers.ContentType?.MediaType);
            var raw = await packed.Content.ReadAsByteArrayAsync();
            var decoded = Responses.Decode(packed, raw);
            Assert.Equal(await plain.Content.ReadAsByteArrayAsync(), decoded);
            Assert.True(raw.Length < decoded.Length / 2, $"{url}: {raw.Length} compressed bytes of {decoded.Length}");
        }
    }

    [Fact]
    public async Task If_none_match_with_the_etag_answers_304_without_a_body()
    {
        var id = await AnyStationAsync();
        foreach (var url in new[] { Nearest, Box, Box + "&format=geojson", $"/api/v1/stations/{id}", "/api/v1/config",
                     "/api/v1/stations?updated_since=2020-01-01T00:00:00Z&limit=5" })
        {
            var first = await Send(Responses.Get(url), 200);
            var tag = first.Headers.ETag;
            Assert.True(tag is { IsWeak: false }, $"{url}: {await first.Dump()}");
            Assert.True(first.Headers.CacheControl is { Public: true, MustRevalidate: true } cc && cc.MaxAge == TimeSpan.Zero, await first.Dump());
            var again = await Send(Responses.Get(url, ("If-None-Match", tag!.ToString())), 304);
            Assert.Equal(tag, again.Headers.ETag);
            Assert.Equal(first.Headers.CacheControl, again.Headers.CacheControl);
            Assert.Empty(await again.Content.ReadAsByteArrayAsync());
            // Another tag, or a list without this one: the full answer.
            await Send(Responses.Get(url, ("If-None-Match", "\"other\", W/\"x\"")), 200);
            // The same tag in a list, weak or with another coding's suffix, still matches.
            var stripped = tag.Tag.Trim('"');
            await Send(Responses.Get(url, ("If-None-Match", $"\"a\", W/\"{stripped}\"")), 304);
            await Send(Responses.Get(url, ("If-None-Match", $"\"{stripped}-br\"")), 304);
        }
    }

    [Fact]
    public async Task Etags_differ_between_representations()
    {
        var id = await AnyStationAsync();
        foreach (var url in new[] { Nearest, $"/api/v1/stations/{id}" })
        {
            var sep = url.Contains('?') ? '&' : '?';
            var wgs = (await Send(Responses.Get(url), 200)).Headers.ETag!.Tag;
            var gcj = (await Send(Responses.Get($"{url}{sep}crs=gcj02"), 200)).Headers.ETag!.Tag;
            var br = await Send(Responses.Get(url, ("Accept-Encoding", "br")), 200);
            var gzip = (await Send(Responses.Get(url, ("Accept-Encoding", "gzip")), 200)).Headers.ETag!.Tag;
            Assert.NotEqual(wgs, gcj);
            Assert.NotEqual(wgs, br.Headers.ETag!.Tag);
            Assert.NotEqual(br.Headers.ETag!.Tag, gzip);
            Assert.Equal("br", br.Content.Headers.ContentEncoding.Single());
            // A 304 needs no compression: the br request revalidates with its own tag.
            var revalidated = await Send(Responses.Get(url, ("Accept-Encoding", "br"), ("If-None-Match", br.Headers.ETag.Tag)), 304);
            Assert.Equal(br.Headers.ETag, revalidated.Headers.ETag);
            Assert.Contains("Accept-Encoding", revalidated.Headers.Vary);
        }
        var json = (await Send(Responses.Get(Box), 200)).Headers.ETag!.Tag;
        var geojson = (await Send(Responses.Get(Box + "&format=geojson"), 200)).Headers.ETag!.Tag;
        var page2 = (await Send(Responses.Get(Box + "&page=2"), 200)).Headers.ETag!.Tag;
        Assert.Equal(3, new[] { json, geojson, page2 }.Distinct().Count());
    }

    [Fact]
    public async Task A_station_etag_names_its_version_and_is_accepted_by_if_match()
    {
        var id = await AnyStationAsync();
        var station = await Send(Responses.Get($"/api/v1/stations/{id}"), 200);
        var version = (int)JsonNode.Parse(await station.Text())!["version"]!;
        var tag = station.Headers.ETag!.Tag;
        Assert.StartsWith($"\"{version}.", tag);

        var editor = api.Client(await api.CreateKeyAsync("editor"));
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/stations/{id}")
        { Content = new StringContent("{\"capacity\": 33}", Encoding.UTF8, "application/merge-patch+json") };
        patch.Headers.TryAddWithoutValidation("If-Match", tag);
        var patched = await editor.SendAsync(patch);
        await patched.Expect(200);
        // The old tag is now stale for a write and no longer matches a read.
        var stale = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/stations/{id}")
        { Content = new StringContent("{\"capacity\": 34}", Encoding.UTF8, "application/merge-patch+json") };
        stale.Headers.TryAddWithoutValidation("If-Match", tag);
        await (await editor.SendAsync(stale)).Expect(412);
        var reread = await Send(Responses.Get($"/api/v1/stations/{id}", ("If-None-Match", tag)), 200);
        Assert.StartsWith($"\"{version + 1}.", reread.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Head_answers_every_get_route_with_the_same_headers_and_no_body()
    {
        var id = await AnyStationAsync();
        foreach (var url in new[] { Nearest, Box + "&format=csv", $"/api/v1/stations/{id}", "/api/v1/config", "/healthz",
                     "/swagger/v1/swagger.json", "/", HttpFixture.Script, "/planner/some/route" })
            foreach (var coding in new[] { "identity", "br" })
            {
                var get = await Send(Responses.Get(url, ("Accept-Encoding", coding)), 200);
                var head = await Send(Responses.Request(HttpMethod.Head, url, ("Accept-Encoding", coding)), 200);
                var getBody = await get.Content.ReadAsByteArrayAsync();
                Assert.Empty(await head.Content.ReadAsByteArrayAsync());
                var dump = $"{url} {coding}\nGET: {await get.Dump()}\nHEAD: {await head.Dump()}";
                Assert.True(get.Content.Headers.ContentType?.ToString() == head.Content.Headers.ContentType?.ToString(), dump);
                Assert.True(get.Headers.ETag?.ToString() == head.Headers.ETag?.ToString(), dump);
                Assert.True(get.Headers.CacheControl?.ToString() == head.Headers.CacheControl?.ToString(), dump);
                Assert.True(get.Content.Headers.ContentEncoding.SequenceEqual(head.Content.Headers.ContentEncoding), dump);
                Assert.True(head.Content.Headers.ContentLength == getBody.Length, dump);
            }
    }

    [Fact]
    public async Task Reads_are_open_to_any_origin_and_expose_the_headers_clients_need()
    {
        var response = await Send(Responses.Get(Nearest, ("Origin", "https://city-dashboard.example")), 200);
        var dump = await response.Dump();
        Assert.True(response.Header("Access-Control-Allow-Origin") == "*", dump);
        var exposed = response.Header("Access-Control-Expose-Headers").Split(',', StringSplitOptions.TrimEntries);
        foreach (var h in new[] { "ETag", "Link", "Retry-After", "RateLimit", "RateLimit-Policy", "Content-Disposition", "Location" })
            Assert.True(exposed.Contains(h, StringComparer.OrdinalIgnoreCase), $"{h} not exposed: {dump}");

        var tile = await Send(Responses.Request(HttpMethod.Options, "/api/v1/tiles/roads/14/13700/6700.mvt",
            ("Origin", "https://maps.example"), ("Access-Control-Request-Method", "GET"), ("Access-Control-Request-Headers", "if-none-match")), 204);
        Assert.True(tile.Header("Access-Control-Allow-Origin") == "*", await tile.Dump());
    }

    [Fact]
    public async Task Write_preflights_are_allowed_only_from_configured_origins()
    {
        var stranger = await Send(Responses.Request(HttpMethod.Options, "/api/v1/stations",
            ("Origin", "https://elsewhere.example"), ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "x-api-key, content-type")), 204);
        Assert.True(stranger.Header("Access-Control-Allow-Origin") == "", await stranger.Dump());
        Assert.True(stranger.Header("Access-Control-Allow-Methods") == "", await stranger.Dump());

        var allowed = await Send(Responses.Request(HttpMethod.Options, "/api/v1/stations/1",
            ("Origin", HttpFixture.WriteOrigin), ("Access-Control-Request-Method", "PATCH"),
            ("Access-Control-Request-Headers", "x-api-key, content-type, if-match, idempotency-key")), 204);
        var dump = await allowed.Dump();
        Assert.True(allowed.Header("Access-Control-Allow-Origin") == HttpFixture.WriteOrigin, dump);
        Assert.Contains("PATCH", allowed.Header("Access-Control-Allow-Methods"));
        foreach (var h in new[] { "X-Api-Key", "If-Match", "If-None-Match", "Idempotency-Key", "Content-Type" })
            Assert.True(allowed.Header("Access-Control-Allow-Headers").Contains(h, StringComparison.OrdinalIgnoreCase), $"{h}: {dump}");
        Assert.True(int.Parse(allowed.Header("Access-Control-Max-Age")) > 0, dump);

        // The actual write from the configured origin carries the CORS answer; from a stranger it does not.
        var editor = await api.CreateKeyAsync("editor");
        var write = Responses.Request(HttpMethod.Post, "/api/v1/stations", ("Origin", "https://elsewhere.example"), ("X-Api-Key", editor));
        write.Content = JsonContent.Create(new { name = "跨域测试驿站", lon = 120.1, lat = 30.2 });
        var refused = await api.Client().SendAsync(write);
        Assert.True(refused.Header("Access-Control-Allow-Origin") == "", await refused.Dump());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/swagger/v1/swagger.json")]
    [InlineData(HttpFixture.Script)]
    [InlineData("/some/client/route")]
    public async Task Other_methods_on_pages_and_files_get_405_with_allow(string path)
    {
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Delete, HttpMethod.Put, HttpMethod.Patch, new HttpMethod("PROPFIND") })
        {
            var request = Responses.Request(method, path);
            if (method != HttpMethod.Delete) request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            var response = await Send(request, 405);
            var problem = await response.Problem(405);
            Assert.Equal("/problems/method-not-allowed", (string?)problem["type"]);
            Assert.Equal("GET, HEAD", string.Join(", ", response.Content.Headers.Allow));
        }
    }

    [Fact]
    public async Task Api_405_lists_head_beside_get()
    {
        var response = await Send(Responses.Request(HttpMethod.Delete, "/api/v1/stations/nearest"), 405);
        Assert.Equal("GET, HEAD", string.Join(", ", response.Content.Headers.Allow));
        Assert.Equal("/problems/method-not-allowed", (string?)(await response.Problem(405))["type"]);
        var health = await Send(Responses.Request(HttpMethod.Post, "/healthz"), 405);
        Assert.Equal("GET, HEAD", string.Join(", ", health.Content.Headers.Allow));
    }

    [Theory]
    [InlineData("%00")]
    [InlineData("a%01b")]
    [InlineData("%7F")]
    [InlineData("line%0Abreak")]
    public async Task Control_characters_in_a_query_value_are_a_400_naming_it(string value)
    {
        var response = await api.Client().GetAsync($"/api/v1/stations?q={value}&bbox=120.1,30.2,120.2,30.3");
        var problem = await response.Problem(400, "q");
        Assert.Equal("/problems/invalid-parameters", (string?)problem["type"]);
    }

    [Fact]
    public async Task Control_characters_in_json_fields_are_a_400_naming_the_field()
    {
        var editor = api.Client(await api.CreateKeyAsync("editor"));
        var created = await editor.PostAsync("/api/v1/stations",
            new StringContent("{\"name\":\"坏\\u0000名\",\"lon\":120.1,\"lat\":30.2}", Encoding.UTF8, "application/json"));
        var problem = await created.Problem(400, "name");
        Assert.Equal("/problems/invalid-parameters", (string?)problem["type"]);
        await editor.PostAsync("/api/v1/stations",
            new StringContent("{\"name\":\"好名\",\"lon\":120.1,\"lat\":30.2,\"access\":[\"staffed\",\"x\\u001b\"]}", Encoding.UTF8, "application/json"))
            .Problem(400, "access[1]");
        await editor.PostAsync("/api/v1/stations",
            new StringContent("{\"name\":\"好名\",\"lon\":120.1,\"lat\":30.2,\"amenities\":{\"toilet\\u0007\":\"yes\"}}", Encoding.UTF8, "application/json"))
            .Problem(400, "amenities");
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM station WHERE name LIKE '坏%' OR name = '好名'"));

        // Tab and line breaks are text, not control: an address on two lines is kept.
        var fine = await editor.PostAsync("/api/v1/stations",
            new StringContent("{\"name\":\"两行地址驿站\",\"address\":\"文三路100号\\n2楼\\t东侧\",\"lon\":120.1,\"lat\":30.2}", Encoding.UTF8, "application/json"));
        var station = await fine.Json(201);
        Assert.Equal("文三路100号\n2楼\t东侧", (string?)station["address"]);

        var id = (long)station["id"]!;
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/stations/{id}")
        { Content = new StringContent("{\"name\":\"\\u0000\"}", Encoding.UTF8, "application/merge-patch+json") };
        patch.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        await (await editor.SendAsync(patch)).Problem(400, "name");
    }

    [Fact]
    public async Task Control_characters_in_an_imported_csv_row_are_reported_for_that_row()
    {
        var admin = api.Client(await api.CreateKeyAsync("admin"));
        var csv = "name,lon,lat,address\n导入控制字符\u0000,120.1,30.2,\n导入正常驿站,120.1,30.2,\"文三路\n2楼\"\n";
        var response = await admin.PostAsync("/api/v1/stations/import", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var problem = await response.Problem(400);
        var rows = problem["row_errors"]!.AsArray();
        Assert.Equal([1], rows.Select(r => (int)r!["row"]!));
        Assert.True(rows[0]!["errors"]!.AsObject().ContainsKey("name"), problem.ToJsonString());
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM station WHERE name LIKE '导入%'"));
    }

    [Fact]
    public async Task Hashed_assets_are_immutable_and_served_precompressed()
    {
        foreach (var (coding, expected) in new[] { ("br", "br"), ("gzip", "gzip"), ("gzip;q=0, br", "br"), ("br;q=0, gzip", "gzip") })
        {
            var response = await Send(Responses.Get(HttpFixture.Script, ("Accept-Encoding", coding)), 200);
            var dump = await response.Dump();
            Assert.True(response.Content.Headers.ContentEncoding.SequenceEqual([expected]), dump);
            Assert.True(response.Content.Headers.ContentType?.MediaType == "text/javascript", dump);
            Assert.True(response.Headers.CacheControl?.ToString() == "public, max-age=31536000, immutable", dump);
            Assert.True(response.Headers.Vary.Contains("Accept-Encoding"), dump);
            var file = await File.ReadAllBytesAsync(Path.Combine(api.ClientRoot, HttpFixture.Script.TrimStart('/') + (expected == "br" ? ".br" : ".gz")));
            Assert.Equal(file, await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(HttpFixture.ScriptText, await response.Text());
        }
        var plain = await Send(Responses.Get(HttpFixture.Script), 200);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal(HttpFixture.ScriptText, await plain.Content.ReadAsStringAsync());
        Assert.Equal("public, max-age=31536000, immutable", plain.Headers.CacheControl?.ToString());

        // No precompressed file: compressed on the fly.
        var css = await Send(Responses.Get(HttpFixture.Style, ("Accept-Encoding", "br")), 200);
        Assert.True(css.Content.Headers.ContentEncoding.SequenceEqual(["br"]), await css.Dump());
        Assert.Equal(HttpFixture.StyleText, await css.Text());
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_map_worker_is_sent_compressed_against_the_bundle_when_the_browser_holds_it()
    {
        // The bundle announces itself as the worker's dictionary, whatever coding it is sent in.
        foreach (var coding in new[] { "br", "identity" })
        {
            var script = await Send(Responses.Get(HttpFixture.Script, ("Accept-Encoding", coding)), 200);
            Assert.True(script.Header("Use-As-Dictionary") == HttpFixture.DictionaryHeader, await script.Dump());
        }
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(HttpFixture.ScriptText)));
        var dcz = await Send(Responses.Get(HttpFixture.Worker, ("Accept-Encoding", "gzip, deflate, br, zstd, dcb, dcz"), ("Available-Dictionary", $":{hash}:")), 200);
        var dump = await dcz.Dump();
        Assert.True(dcz.Content.Headers.ContentEncoding.SequenceEqual(["dcz"]), dump);
        Assert.True(dcz.Content.Headers.ContentType?.MediaType == "text/javascript", dump);
        Assert.True(dcz.Headers.Vary.Contains("Available-Dictionary") && dcz.Headers.Vary.Contains("Accept-Encoding"), dump);
        Assert.Equal("public, max-age=31536000, immutable", dcz.Headers.CacheControl?.ToString());
        Assert.Equal(HttpFixture.WorkerDcz, await dcz.Content.ReadAsByteArrayAsync());
        Assert.Equal("", dcz.Header("Use-As-Dictionary"));

        // Another dictionary, none, or dcz not accepted: the worker's own br.
        var other = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("another bundle")));
        foreach (var headers in new[]
        {
            new[] { ("Accept-Encoding", "br, dcz"), ("Available-Dictionary", $":{other}:") },
            new[] { ("Accept-Encoding", "br, dcz") },
            new[] { ("Accept-Encoding", "br, dcz"), ("Available-Dictionary", "not base64") },
            new[] { ("Accept-Encoding", "br"), ("Available-Dictionary", $":{hash}:") },
        })
        {
            var br = await Send(Responses.Get(HttpFixture.Worker, headers), 200);
            Assert.True(br.Content.Headers.ContentEncoding.SequenceEqual(["br"]), await br.Dump());
            Assert.True(br.Headers.Vary.Contains("Available-Dictionary"), await br.Dump());
            Assert.Equal(HttpFixture.WorkerText, await br.Text());
        }
    }

    [Theory]
    [InlineData("/sw.js", "text/javascript", HttpFixture.ServiceWorkerText)]
    [InlineData("/manifest.webmanifest", "application/manifest+json", HttpFixture.ManifestText)]
    public async Task The_service_worker_and_the_manifest_are_revalidated_with_their_types(string path, string type, string text)
    {
        // A worker or manifest cached as immutable would pin every phone to the release it first saw.
        var response = await Send(Responses.Get(path, ("Accept-Encoding", "br")), 200);
        var dump = await response.Dump();
        Assert.True(response.Headers.CacheControl?.NoCache == true, dump);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(text, await response.Text());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/planner")]
    public async Task The_page_is_never_cached_stale(string path)
    {
        var response = await Send(Responses.Get(path, ("Accept-Encoding", "br")), 200);
        var dump = await response.Dump();
        Assert.True(response.Headers.CacheControl?.NoCache == true, dump);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpFixture.IndexHtml, await response.Text());
    }

    [Fact]
    public async Task Every_api_read_says_how_long_it_may_be_cached()
    {
        foreach (var url in new[] { Nearest, Box, "/api/v1/config", "/api/v1/service-areas/status", "/api/v1/districts" })
        {
            var response = await api.Client().GetAsync(url);
            Assert.True(response.Headers.CacheControl is not null, $"{url}: {await response.Dump()}");
        }
    }
}
