using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using StationMap.Api.Features.RoadNetwork;
using StationMap.Api.Features.Routing;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests;

/// <summary>
/// An API over 40 demo stations, a small road network around them and a stand-in client build
/// (index.html and one asset), so the SPA paths are served as in production.
/// </summary>
public sealed class UnfriendlyClientFixture : ApiFixture
{
    protected override int DemoStations => 40;

    public string ClientRoot { get; } = Directory.CreateTempSubdirectory("stationmap-client-").FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(Path.Combine(ClientRoot, "assets"));
        File.WriteAllText(Path.Combine(ClientRoot, "index.html"), "<!doctype html><title>StationMap</title>");
        File.WriteAllText(Path.Combine(ClientRoot, "assets", "x.js"), "export {};");
        builder.UseSetting("Spa:RootPath", ClientRoot);
    }
}

/// <summary>
/// Nothing a client can send produces a 5xx other than 503: every route of the live OpenAPI
/// document and a few non-API paths, tried with every method, odd path and query values, odd
/// headers and bodies, as a new user or a careless integrator would. Bounded in count and time.
/// </summary>
public sealed class UnfriendlyClientTests(UnfriendlyClientFixture api) : IClassFixture<UnfriendlyClientFixture>
{
    const int MaxRequests = 12000;
    static readonly TimeSpan Budget = TimeSpan.FromMinutes(4);

    static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "BREW"];

    static readonly string[] OddPathValues =
    [
        "0", "-1", "99999999999999999999999999", "9223372036854775807", "1.5", "1e400", "NaN", "%00", "..", "%2e%2e",
        "%2F", "%20", "%E2%98%83", "%E9%A9%BF%E7%AB%99", "%F0%9F%98%80", "%C0%AF", "%FF", new string('9', 3000),
    ];

    static readonly string[] OddQueryValues =
    [
        "", "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "-0", "0x10", "1,2,3", ",,,", "NaN,NaN,NaN,NaN",
        "1e400,1e400,1e400,1e400", "-1", "99999999999999999999999", "true", "%00", "%01%1F%7F", "%E2%80%AE", "%E9%A9%BF",
        "%F0%9F%98%80", "%FF%FE", "[]", "{}", "'%20OR%201=1--", new string('x', 5000), "2026-13-45T99:99:99Z",
    ];

    /// <summary>A value that passes validation for each parameter name we know, so one odd parameter at a time reaches deep.</summary>
    static readonly Dictionary<string, string> Sensible = new(StringComparer.OrdinalIgnoreCase)
    {
        ["lon"] = "120.16",
        ["lat"] = "30.27",
        ["limit"] = "5",
        ["bbox"] = "120.14,30.25,120.19,30.29",
        ["mode"] = "walk",
        ["minutes"] = "15",
        ["crs"] = "wgs84",
        ["radius"] = "1000",
        ["page"] = "1",
        ["by"] = "distance",
        ["direction"] = "to",
        ["layer"] = "demo-demand",
        ["format"] = "json",
        ["cell"] = "250",
        ["maxDistance"] = "5000",
        ["openNow"] = "true",
        ["id"] = "1",
        ["z"] = "14",
        ["x"] = "13700",
        ["y"] = "6700",
        ["name"] = "demo-demand",
        ["kind"] = "demand",
    };

    static readonly (string Type, string Body)[] OddBodies =
    [
        ("application/json", ""), ("application/json", "{"), ("application/json", "null"), ("application/json", "[]"),
        ("application/json", "\"text\""), ("application/json", "0"), ("application/json", "1e400"), ("application/json", "{}"),
        ("application/json", """{"lon": 1e400, "lat": -1e400, "name": "x"}"""),
        ("application/json", """{"name": "a\u0000b", "lon": 120.1, "lat": 30.2}"""),
        ("application/json", """{"name": 123456789012345678901234567890, "lon": "east", "lat": [], "amenities": "all", "access": {}}"""),
        ("application/json", """{"mode": 7, "minutes": "x", "layer": {}, "add": "y", "remove": [null], "p": 1e400, "candidates": []}"""),
        ("application/json", """{"target_pct": "NaN", "p": -5, "candidates": {"grid": {"spacing_m": 0, "district": "x"}}}"""),
        ("application/json", new string('[', 10000) + new string(']', 10000)),
        ("application/json", string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000)),
        ("application/json", "{\"name\": \"" + new string('x', 200000) + "\"}"),
        ("application/merge-patch+json", """{"lon": null, "lat": null, "name": null}"""),
        ("application/geo+json", """{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1e400, "x"]}}]}"""),
        ("application/geo+json", """{"type": "Polygon", "coordinates": [[[0,0],[1,1]]]}"""),
        ("text/csv", "name,lon,lat\n\u0000,NaN,Infinity\n\"unclosed,1,2\n"),
        ("text/csv", ""),
        ("text/plain", "hello"),
        ("application/x-www-form-urlencoded", "a=1&b=%00"),
        ("multipart/form-data", "--x\r\n"),
        ("application/xml", "<station/>"),
    ];

    static readonly (string Name, string Value)[] OddHeaders =
    [
        ("If-Match", "garbage"), ("If-Match", "\"\""), ("If-Match", "W/\"1\""), ("If-Match", "\"99999999999999999999\""),
        ("If-None-Match", "garbage"), ("If-None-Match", "*"), ("If-None-Match", "W/\"\", \"x\""),
        ("If-Modified-Since", "yesterday"), ("Range", "bytes=garbage"), ("Accept", "garbage/;;"), ("Accept", "application/xml"),
        ("Accept-Encoding", "br;q=NaN, gzip;q=2"), ("Accept-Language", "zz-ZZ;q=x"), ("X-Api-Key", "garbage"),
        ("X-Api-Key", "sm_" + new string('A', 4000)), ("Authorization", "Bearer "), ("Authorization", "Basic Og=="),
        ("Origin", "null"), ("Content-Type", "application/json; charset=ebcdic"), ("Idempotency-Key", new string('k', 3000)),
    ];

    readonly List<string> _findings = [];
    int _sent;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    HttpClient? _client;
    string _adminKey = "";

    [Fact]
    public async Task Nothing_a_client_can_send_produces_a_5xx_other_than_503()
    {
        await LoadRoadGraphAsync();
        _adminKey = await api.CreateKeyAsync("admin", "unfriendly");
        _client = api.Client();
        _client.Timeout = TimeSpan.FromSeconds(60);
        var doc = await api.Client().GetAsync("/swagger/v1/swagger.json").Json(200);
        var paths = doc["paths"]!.AsObject().Select(p => (Template: p.Key, Item: p.Value!.AsObject())).ToList();
        Assert.True(paths.Count >= 20, $"the OpenAPI document lists only {paths.Count} paths");

        string[] nonApi = ["/", "/swagger/index.html", "/swagger/v1/swagger.json", "/assets/x.js", "/assets/missing.js", "/api/v1/nope", "/api", "/healthz", "/readyz"];
        foreach (var path in nonApi)
            foreach (var method in Methods)
                await SendAsync(method, path);

        foreach (var (template, item) in paths)
        {
            var operations = item.Where(o => Methods.Contains(o.Key.ToUpperInvariant())).Select(o => (Method: o.Key.ToUpperInvariant(), Op: o.Value!.AsObject())).ToList();
            var parameters = operations.SelectMany(o => o.Op["parameters"]?.AsArray() ?? []).Concat(item["parameters"]?.AsArray() ?? [])
                .Select(p => (Name: (string)p!["name"]!, In: (string)p["in"]!)).Distinct().ToList();
            var query = parameters.Where(p => p.In == "query").Select(p => p.Name).ToList();
            var baseline = Fill(template, _ => null);
            var baseQuery = string.Join("&", query.Where(Sensible.ContainsKey).Select(n => $"{n}={Sensible[n]}"));
            var url = baseQuery.Length > 0 ? $"{baseline}?{baseQuery}" : baseline;

            // Every method on the route, documented or not.
            foreach (var method in Methods) await SendAsync(method, url);

            // Odd values in each path segment.
            foreach (var name in parameters.Where(p => p.In == "path").Select(p => p.Name))
                foreach (var odd in OddPathValues)
                    foreach (var (method, _) in operations)
                        await SendAsync(method, Fill(template, n => n == name ? odd : null) + (baseQuery.Length > 0 ? "?" + baseQuery : ""));

            // Odd values in each query parameter, one at a time over sensible others; repeated; unknown.
            foreach (var (method, _) in operations)
            {
                foreach (var name in query)
                {
                    var others = string.Join("&", query.Where(n => n != name && Sensible.ContainsKey(n)).Select(n => $"{n}={Sensible[n]}"));
                    foreach (var odd in OddQueryValues) await SendAsync(method, $"{baseline}?{Join(others, $"{name}={odd}")}");
                    await SendAsync(method, $"{baseline}?{Join(others, $"{name}=1&{name}=2&{name}=NaN")}");
                    await SendAsync(method, $"{baseline}?{Join(others, name)}");
                }
                await SendAsync(method, $"{url}{(url.Contains('?') ? "&" : "?")}nope=1&%00=%00&=&&");

                foreach (var (header, value) in OddHeaders) await SendAsync(method, url, headers: [(header, value)]);
            }

            // Bodies on every method that may carry one, documented or not, with a key that passes any role check.
            foreach (var method in new[] { "POST", "PUT", "PATCH", "DELETE" })
                foreach (var (type, body) in OddBodies)
                    await SendAsync(method, url, type, body, [("X-Api-Key", _adminKey), ("If-Match", "\"1\"")]);
        }

        Assert.True(_findings.Count == 0,
            $"{_findings.Count} answers of 5xx other than 503 (of {_sent} requests in {_clock.Elapsed.TotalSeconds:F0} s):\n" + string.Join("\n", _findings.Take(200)));
        Assert.True(_sent > 2000, $"only {_sent} requests were sent");
    }

    async Task LoadRoadGraphAsync()
    {
        await using (var conn = await api.OpenAsync())
            await RoadGraphStore.SaveAndActivateAsync(conn, DemoRoadNetwork.Generate(3, 24, 120.14, 30.25, 150), "unfriendly", "demo", null, null, "{}");
        await api.Services.GetRequiredService<GraphHost>().ReloadIfChangedAsync();
    }

    static string Join(string a, string b) => a.Length == 0 ? b : $"{a}&{b}";

    /// <summary>The path template with {name} (or {name:constraint}) replaced by <paramref name="value"/>'s choice or a sensible value.</summary>
    static string Fill(string template, Func<string, string?> value) =>
        System.Text.RegularExpressions.Regex.Replace(template, @"\{([^}:]+)(:[^}]*)?\}", m =>
            value(m.Groups[1].Value) ?? (Sensible.TryGetValue(m.Groups[1].Value, out var v) ? v : "1"));

    async Task SendAsync(string method, string url, string? contentType = null, string? body = null, (string, string)[]? headers = null)
    {
        if (_sent >= MaxRequests || _clock.Elapsed > Budget) return;
        _sent++;
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (contentType is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body ?? ""));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        foreach (var (name, value) in headers ?? [])
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        try
        {
            // Headers first: a live stream (text/event-stream) answers 200 and never ends, so only its headers are read.
            using var response = await _client!.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (response.Content.Headers.ContentType?.MediaType != "text/event-stream") await response.Content.LoadIntoBufferAsync();
            var status = (int)response.StatusCode;
            if (status >= 500 && status != 503)
            {
                var text = await response.Content.ReadAsStringAsync();
                _findings.Add($"{method} {Short(url)} {string.Join(" ", (headers ?? []).Select(h => $"[{h.Item1}: {Short(h.Item2)}]"))}" +
                              $"{(contentType is null ? "" : $" [{contentType}: {Short(body ?? "")}]")} -> {status} {Short(text)}");
            }
        }
        catch (InvalidOperationException e) when (e.Message.Contains("null characters", StringComparison.Ordinal))
        {
            // TestServer refuses a decoded NUL in the path before the app sees it; Kestrel answers such a request 400 itself.
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or IOException)
        {
            _findings.Add($"{method} {Short(url)} -> no answer ({e.GetType().Name}: {Short(e.Message)})");
        }
    }

    static string Short(string s) => s.Length <= 120 ? s.ReplaceLineEndings(" ") : s[..117].ReplaceLineEndings(" ") + "...";
}
