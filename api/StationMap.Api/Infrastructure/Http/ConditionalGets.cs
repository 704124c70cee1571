using System.IO.Hashing;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Net.Http.Headers;

namespace StationMap.Api.Infrastructure.Http;

/// <summary>
/// Strong ETags, If-None-Match → 304 and a Cache-Control on every successful API read, written once
/// instead of per endpoint. The body is buffered (pooled) and hashed with XxHash128 together with the
/// Content-Type and Content-Disposition, so every representation (crs, format, paging, open state …)
/// has its own tag. It runs inside response compression and hashes the identity bytes, so the tag
/// names the content coding that compression is about to apply (<c>"…-br"</c>, <c>"…-gzip"</c>):
/// the br and identity representations differ, as a strong validator must. If-None-Match compares
/// without that suffix: a cached copy in any coding is the same content, and a 304 needs no
/// compression at all.
/// An endpoint that sets its own ETag (a station's version) keeps it as the tag's prefix
/// (<c>"3.k1…"</c>), so <see cref="EntityTags.Version"/> can read the version back from If-Match.
/// </summary>
public static class ConditionalGets
{
    /// <summary>For reads anyone may make: cache, but ask every time (a 304 is cheap).</summary>
    public const string PublicDefault = "public, max-age=0, must-revalidate";
    /// <summary>For reads that need a key: never stored by a shared cache or on disk.</summary>
    public const string Private = "private, no-store";

    public static IApplicationBuilder UseConditionalGets(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!HttpMethods.IsGet(http.Request.Method) || !http.Request.Path.StartsWithSegments("/api") || http.GetEndpoint() is null)
        {
            await next(http);
            return;
        }
        var inner = http.Features.Get<IHttpResponseBodyFeature>()!;
        var body = new BufferedBody(inner, () => { SetCacheControl(http); return Task.CompletedTask; });
        http.Features.Set<IHttpResponseBodyFeature>(body);
        try
        {
            await next(http);
            await body.CompleteAsync();
        }
        catch
        {
            body.Release();   // the pooled segments go back even when the endpoint or the client failed
            throw;
        }
        finally
        {
            http.Features.Set(inner);
        }
        if (body.PassedThrough) return;
        if (http.Response.StatusCode != StatusCodes.Status200OK)
        {
            if (http.Response.StatusCode is >= 200 and < 400) SetCacheControl(http);
            await body.CopyToInnerAsync(http.RequestAborted);
            return;
        }
        SetCacheControl(http);
        var compression = http.RequestServices.GetService<IResponseCompressionProvider>();
        var coding = Coding(http, compression);
        var tag = Tag(http, body, coding);
        http.Response.Headers.ETag = tag;
        if (compression is not null && compression.ShouldCompressResponse(http)) AddVaryAcceptEncoding(http.Response.Headers);
        if (EntityTags.NoneMatch(http.Request.Headers.IfNoneMatch, tag))
        {
            body.Release();
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            // A 304 carries the validators and caching headers, not the body's.
            http.Response.Headers.ContentType = default;
            http.Response.Headers.ContentLength = null;
            http.Response.Headers.ContentDisposition = default;
            return;
        }
        http.Response.Headers.ContentLength = body.BufferedLength;
        await body.CopyToInnerAsync(http.RequestAborted);
    });

    static void SetCacheControl(HttpContext http)
    {
        var headers = http.Response.Headers;
        if (!string.IsNullOrEmpty(headers.CacheControl)) return;
        var needsKey = http.GetEndpoint()?.Metadata.GetMetadata<IAuthorizeData>() is not null;
        headers.CacheControl = needsKey ? Private : PublicDefault;
    }

    /// <summary>The content coding response compression will apply to this answer, or null for identity.</summary>
    static string? Coding(HttpContext http, IResponseCompressionProvider? compression)
    {
        if (compression is null || !compression.CheckRequestAcceptsCompression(http) || !compression.ShouldCompressResponse(http)) return null;
        return compression.GetCompressionProvider(http)?.EncodingName;
    }

    static string Tag(HttpContext http, BufferedBody body, string? coding)
    {
        var hash = new XxHash128();
        Span<byte> scratch = stackalloc byte[256];
        AppendText(hash, http.Response.Headers.ContentType.ToString(), scratch);
        AppendText(hash, http.Response.Headers.ContentDisposition.ToString(), scratch);
        body.AppendTo(hash);
        Span<byte> digest = stackalloc byte[16];
        hash.GetCurrentHash(digest);
        var own = http.Response.Headers.ETag.ToString();
        var prefix = own.Length > 2 ? own.Trim('"') + "." : "";
        var text = Convert.ToBase64String(digest[..12]).Replace('+', '-').Replace('/', '_');
        return coding is null ? $"\"{prefix}{text}\"" : $"\"{prefix}{text}-{coding}\"";
    }

    static void AppendText(XxHash128 hash, string text, Span<byte> scratch)
    {
        var bytes = Encoding.UTF8.GetByteCount(text) <= scratch.Length - 1 ? scratch : new byte[Encoding.UTF8.GetByteCount(text) + 1];
        var n = Encoding.UTF8.GetBytes(text, bytes);
        bytes[n] = 0; // separator, so "ab"+"c" and "a"+"bc" hash apart
        hash.Append(bytes[..(n + 1)]);
    }

    static void AddVaryAcceptEncoding(IHeaderDictionary headers)
    {
        foreach (var v in headers.Vary)
            if (v is not null && v.Contains(HeaderNames.AcceptEncoding, StringComparison.OrdinalIgnoreCase)) return;
        headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
    }
}

/// <summary>Entity-tag helpers shared by conditional reads and versioned writes.</summary>
public static class EntityTags
{
    static readonly string[] Codings = ["-br", "-gzip"];

    /// <summary>
    /// If-None-Match (weak comparison, RFC 9110 §13.1.2): true when any listed tag, or "*", matches
    /// <paramref name="current"/>. Content-coding suffixes are ignored on both sides.
    /// </summary>
    public static bool NoneMatch(Microsoft.Extensions.Primitives.StringValues header, string current)
    {
        if (header.Count == 0) return false;
        var target = Opaque(current);
        foreach (var value in header)
            foreach (var part in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (part == "*") return true;
                if (Opaque(part).SequenceEqual(target)) return true;
            }
        return false;
    }

    /// <summary>
    /// The If-None-Match tag that names an endpoint's own tag <paramref name="own"/>: alone, or as the prefix
    /// ConditionalGets gave it ("own.hash", with any coding suffix); null when none does. Lets an endpoint
    /// answer 304 before it makes the body.
    /// </summary>
    public static string? Matching(Microsoft.Extensions.Primitives.StringValues header, string own)
    {
        var prefix = own.Trim('"');
        foreach (var value in header)
            foreach (var part in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var tag = part.StartsWith("W/", StringComparison.Ordinal) ? part[2..] : part;
                var opaque = tag.Trim('"');
                if (opaque == prefix || opaque.StartsWith(prefix + ".", StringComparison.Ordinal)) return tag;
            }
        return null;
    }

    /// <summary>The tag without W/, quotes and content-coding suffix.</summary>
    static ReadOnlySpan<char> Opaque(string tag)
    {
        var s = tag.AsSpan().Trim();
        if (s.StartsWith("W/")) s = s[2..];
        s = s.Trim('"');
        foreach (var c in Codings)
            if (s.EndsWith(c, StringComparison.Ordinal)) return s[..^c.Length];
        return s;
    }

    /// <summary>
    /// The version an If-Match names: <c>"3"</c> as sent after a write, or <c>"3.k1…"</c> as sent by GET
    /// (the version, then the representation's hash). Null when it names none.
    /// </summary>
    public static int? Version(string tag)
    {
        var s = tag.AsSpan().Trim();
        if (s.StartsWith("W/")) s = s[2..];
        s = s.Trim('"');
        var dot = s.IndexOf('.');
        if (dot >= 0) s = s[..dot];
        return int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
    }
}
