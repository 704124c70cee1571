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
    /// <summary>A map worker with a .dcz made against <see cref="Script"/> (the body is not decoded by the server).</summary>
    public const string Worker = "/assets/maplibre-gl-worker-Dq2x7Lw9.mjs";
    public const string DictionaryHeader = "match=\"/assets/maplibre-gl-worker-*.mjs\", match-dest=(\"worker\")";
    public static readonly string WorkerText = string.Concat(Enumerable.Repeat("self.onmessage = (e) => postMessage(e.data);\n", 100));
    public static byte[] WorkerDcz => [0x5e, 0x2a, 0x4d, 0x18, 0x20, 0x00, 0x00, 0x00, .. System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(ScriptText)), 1, 2, 3, 4];
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
        File.WriteAllText(script + ".use-as-dictionary", DictionaryHeader + "\n");
        var worker = Path.Combine(ClientRoot, Worker.TrimStart('/'));
        File.WriteAllText(worker, WorkerText);
        File.WriteAllBytes(worker + ".br", Brotli(Encoding.UTF8.GetBytes(WorkerText)));
        File.WriteAllBytes(worker + ".dcz", WorkerDcz);
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
