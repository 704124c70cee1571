using System.IO.Compression;
using System.Text;

namespace StationMap.IntegrationTests.HttpPlatform;

static class Responses
{
    /// <summary>Status line, headers and (decoded) body, for assertion messages.</summary>
    public static async Task<string> Dump(this HttpResponseMessage r)
    {
        var bytes = await r.Content.ReadAsByteArrayAsync();
        string body;
        try { body = Encoding.UTF8.GetString(Decode(r, bytes)); } catch (InvalidDataException) { body = $"<{bytes.Length} undecodable bytes>"; }
        if (body.Length > 4000) body = body[..4000] + "…";
        return $"{(int)r.StatusCode} {r.ReasonPhrase}\n{r.Headers}{r.Content.Headers}\n{body}";
    }

    /// <summary>The body with its Content-Encoding undone.</summary>
    public static byte[] Decode(HttpResponseMessage r, byte[] bytes)
    {
        var coding = r.Content.Headers.ContentEncoding.FirstOrDefault();
        if (coding is null) return bytes;
        using var input = new MemoryStream(bytes);
        using Stream decoder = coding switch
        {
            "br" => new BrotliStream(input, CompressionMode.Decompress),
            "gzip" => new GZipStream(input, CompressionMode.Decompress),
            _ => throw new InvalidDataException($"unexpected coding {coding}"),
        };
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    public static async Task<string> Text(this HttpResponseMessage r) => Encoding.UTF8.GetString(Decode(r, await r.Content.ReadAsByteArrayAsync()));

    public static string Header(this HttpResponseMessage r, string name) =>
        r.Headers.TryGetValues(name, out var v) ? string.Join(", ", v)
        : r.Content.Headers.TryGetValues(name, out var c) ? string.Join(", ", c) : "";

    public static async Task Expect(this HttpResponseMessage r, int status)
    {
        if ((int)r.StatusCode != status) Assert.Fail($"expected {status}, got:\n{await r.Dump()}");
    }

    public static HttpRequestMessage Get(string url, params (string Name, string Value)[] headers) => Request(HttpMethod.Get, url, headers);

    public static HttpRequestMessage Request(HttpMethod method, string url, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, url);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }
}
