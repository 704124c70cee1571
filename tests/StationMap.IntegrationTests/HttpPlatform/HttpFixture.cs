using System.IO.Compression;
using System.Text;
using StationMap.IntegrationTests.Infrastructure;

namespace StationMap.IntegrationTests.HttpPlatform;

/// <summary>
/// The API over demo stations, with a write origin configured and a small built client in a
/// temporary folder: index.html, a hashed script with its .br and .gz beside it (as the client's
/// build writes them) and a hashed stylesheet without precompressed files.
/// </summary>
public class HttpFixture : ApiFixture
{
    public const string WriteOrigin = "https://dashboard.example.org";
    public const string Script = "/assets/index-Bx3kQ9_a.js";
    public const string Style = "/assets/index-C4d5E6f7.css";
    public static readonly string ScriptText = "export const greeting = '暖心驿站';\n" + string.Concat(Enumerable.Repeat("console.log(greeting);\n", 200));
    public static readonly string StyleText = string.Concat(Enumerable.Repeat("body { margin: 0; color: #223344; }\n", 100));
    public const string ServiceWorkerText = "self.addEventListener('fetch', () => {});\n";
    public const string ManifestText = "{\"name\":\"StationMap 驿站地图\",\"short_name\":\"驿站地图\",\"start_url\":\"/\",\"display\":\"standalone\"}";
    public const string IndexHtml = "<!doctype html><html><head><script type=\"module\" src=\"/assets/index-Bx3kQ9_a.js\"></script></head><body>StationMap</body></html>";

    public string ClientRoot { get; } = Path.Combine(Path.GetTempPath(), $"stationmap-client-{Guid.NewGuid():N}");

    protected override int DemoStations => 300;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(NoRateLimits)
    {
        ["Spa:RootPath"] = BuildClient(),
        ["StationMap:Cors:WriteOrigins:0"] = WriteOrigin,
    };

    string BuildClient()
    {
        Directory.CreateDirectory(Path.Combine(ClientRoot, "assets"));
        File.WriteAllText(Path.Combine(ClientRoot, "index.html"), IndexHtml);
        var script = Path.Combine(ClientRoot, Script.TrimStart('/'));
        File.WriteAllText(script, ScriptText);
        File.WriteAllBytes(script + ".br", Brotli(Encoding.UTF8.GetBytes(ScriptText)));
        File.WriteAllBytes(script + ".gz", Gzip(Encoding.UTF8.GetBytes(ScriptText)));
        File.WriteAllText(Path.Combine(ClientRoot, Style.TrimStart('/')), StyleText);
        // The PWA's files as vite-plugin-pwa writes them: the worker and the manifest at the root.
        File.WriteAllText(Path.Combine(ClientRoot, "sw.js"), ServiceWorkerText);
        File.WriteAllText(Path.Combine(ClientRoot, "manifest.webmanifest"), ManifestText);
        return ClientRoot;
    }

    public static byte[] Brotli(byte[] data)
    {
        using var output = new MemoryStream();
        using (var br = new BrotliStream(output, CompressionLevel.SmallestSize)) br.Write(data);
        return output.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.SmallestSize)) gz.Write(data);
        return output.ToArray();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(ClientRoot, recursive: true); } catch (IOException) { }
    }
}
