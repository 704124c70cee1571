using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace StationMap.Api.Infrastructure;

/// <summary>
/// Serves the built MapLibre client (<c>web-client/dist</c>, path from <c>Spa:RootPath</c>) for every
/// route that is not an endpoint; /api, /swagger, /healthz and /readyz never fall through to it.
/// Files the build precompressed (<c>x.js.br</c>, <c>x.js.gz</c> beside <c>x.js</c>) are sent as they
/// are when the request accepts that coding; others are compressed on the fly. Hashed assets
/// (<c>/assets/name-[hash].ext</c>) are immutable for a year; index.html and everything else is
/// revalidated on every use, so a new release is seen at once. A file the build compressed against
/// another file as a dictionary (<c>x.mjs.dcz</c>: Compression Dictionary Transport,
/// zstd) is sent when the browser says it holds that dictionary (<c>Available-Dictionary</c>); the
/// dictionary file itself is announced with the <c>Use-As-Dictionary</c> header its build wrote
/// beside it (<c>x.js.use-as-dictionary</c>). The map's worker shares most of its code with the
/// map's bundle, so it crosses the wire in ~33 KB instead of ~122 KB (br). Methods other than GET and HEAD get
/// 405 with Allow, never a 500. (SpaServices' UseSpa was dropped for this: it serves neither
/// precompressed files nor a 405, and answered other methods on pages with a 500.)
/// </summary>
public static partial class ClientHosting
{
    const string Immutable = "public, max-age=31536000, immutable";
    const string Revalidate = "no-cache";

    static readonly (string Coding, string Suffix)[] Precompressed = [("br", ".br"), ("gzip", ".gz")];

    /// <summary>Dictionary-compressed zstd: 8 magic bytes, the SHA-256 of the dictionary, a zstd frame.</summary>
    const string DictionaryCoding = "dcz";
    const string DictionarySuffix = ".dcz";
    const string DictionaryHeaderSuffix = ".use-as-dictionary";
    static readonly byte[] DczMagic = [0x5e, 0x2a, 0x4d, 0x18, 0x20, 0x00, 0x00, 0x00];

    [GeneratedRegex(@"^/assets/.+-[A-Za-z0-9_-]{8,}\.[A-Za-z0-9]+$")]
    private static partial Regex HashedAsset();

    public static WebApplication UseStationMapClient(this WebApplication app)
    {
        var root = app.Configuration["Spa:RootPath"]
                   ?? Path.GetFullPath(Path.Combine(app.Environment.ContentRootPath, "..", "..", "web-client", "dist"));
        // Run the endpoints first so API routes are never swallowed by the client.
        app.UseEndpoints(_ => { });
        app.Use(RefuseOtherMethods);
        if (!File.Exists(Path.Combine(root, "index.html")))
        {
            app.Run(async http =>
            {
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await http.Response.WriteAsync($"The web client is not built ({root}/index.html is missing). Run ./stationmap run.");
            });
            return app;
        }
        var files = new PhysicalFileProvider(root);
        var types = new FileExtensionContentTypeProvider();
        var options = new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = new OriginalTypes(types),
            OnPrepareResponse = c => c.Context.Response.Headers.CacheControl =
                HashedAsset().IsMatch(OriginalPath(c.Context)) ? Immutable : Revalidate,
        };
        app.Use((http, next) => ChoosePrecompressed(http, next, files));
        app.UseStaticFiles(options);
        // The single-page fallback: any other GET is the app's index.html (the client routes itself).
        app.Use((http, next) =>
        {
            http.Request.Path = "/index.html";
            return ChoosePrecompressed(http, next, files);
        });
        app.UseStaticFiles(options);
        return app;
    }

    static Task RefuseOtherMethods(HttpContext http, RequestDelegate next)
    {
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)) return next(http);
        http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        http.Response.Headers.Allow = "GET, HEAD";
        return http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status405MethodNotAllowed,
                Type = "/problems/method-not-allowed",
                Title = "Method not allowed.",
                Detail = $"{http.Request.Path} is a page or file of the web client: it takes GET and HEAD, not {http.Request.Method}.",
            },
        }).AsTask();
    }

    /// <summary>
    /// When <c>path.br</c> (or <c>.gz</c>) exists and the request accepts that coding, serve it in place
    /// of <c>path</c>, labelled with the coding and the original file's type.
    /// </summary>
    static Task ChoosePrecompressed(HttpContext http, RequestDelegate next, IFileProvider files)
    {
        var path = http.Request.Path.Value ?? "/";
        http.Items[OriginalPathKey] = path;
        if (path.EndsWith(DictionarySuffix, StringComparison.OrdinalIgnoreCase))
        {
            if (!files.GetFileInfo(path).Exists) return next(http);
            http.Items[OriginalPathKey] = path[..^DictionarySuffix.Length];
            http.Response.Headers.ContentEncoding = DictionaryCoding;
            return next(http);
        }
        foreach (var (coding, suffix) in Precompressed)
        {
            // Asked for by its own name: the bytes are that coding, so say so.
            if (!path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) continue;
            // A missing x.js.br falls through to the page, which must not be labelled br.
            if (!files.GetFileInfo(path).Exists) return next(http);
            http.Items[OriginalPathKey] = path[..^suffix.Length];
            http.Response.Headers.ContentEncoding = coding;
            return next(http);
        }
        if (!files.GetFileInfo(path).Exists) return next(http);
        http.Response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
        AnnounceDictionary(http, files, path);
        var dictionaryCompressed = files.GetFileInfo(path + DictionarySuffix);
        if (dictionaryCompressed.Exists)
        {
            http.Response.Headers.Append(HeaderNames.Vary, "Available-Dictionary");
            if (Accepts(http, DictionaryCoding) && HoldsDictionary(http, dictionaryCompressed))
            {
                http.Request.Path = path + DictionarySuffix;
                http.Response.Headers.ContentEncoding = DictionaryCoding;
                return next(http);
            }
        }
        if (http.Request.Headers.AcceptEncoding.Count == 0) return next(http);
        foreach (var (coding, suffix) in Precompressed)
        {
            if (!Accepts(http, coding) || !files.GetFileInfo(path + suffix).Exists) continue;
            http.Request.Path = path + suffix;
            http.Response.Headers.ContentEncoding = coding;
            break;
        }
        return next(http);
    }

    /// <summary>Use-As-Dictionary on a file whose build wrote <c>file.use-as-dictionary</c> (one header value).</summary>
    static void AnnounceDictionary(HttpContext http, IFileProvider files, string path)
    {
        var header = files.GetFileInfo(path + DictionaryHeaderSuffix);
        if (!header.Exists || header.PhysicalPath is null) return;
        var value = File.ReadAllText(header.PhysicalPath).Trim();
        if (value.Length > 0) http.Response.Headers["Use-As-Dictionary"] = value;
    }

    /// <summary>
    /// True when the request's Available-Dictionary (<c>:base64(SHA-256):</c>) names the
    /// dictionary the .dcz file was made with (its bytes 8–40 hold that hash).
    /// </summary>
    static bool HoldsDictionary(HttpContext http, IFileInfo dcz)
    {
        var header = http.Request.Headers["Available-Dictionary"].ToString().Trim();
        if (header.Length < 3 || header[0] != ':' || header[^1] != ':') return false;
        Span<byte> offered = stackalloc byte[32];
        if (!Convert.TryFromBase64String(header[1..^1], offered, out var written) || written != 32) return false;
        Span<byte> head = stackalloc byte[40];
        using var stream = dcz.CreateReadStream();
        if (stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length) return false;
        return head[..8].SequenceEqual(DczMagic) && head[8..].SequenceEqual(offered);
    }

    static bool Accepts(HttpContext http, string coding)
    {
        // A coding named in the header goes by its own q; "*" only stands for codings not named (RFC 9110 §12.5.3).
        var values = http.Request.GetTypedHeaders().AcceptEncoding;
        double? named = null, any = null;
        foreach (var v in values)
        {
            if (v.Value.Equals(coding, StringComparison.OrdinalIgnoreCase)) named = Math.Max(named ?? 0, v.Quality ?? 1);
            else if (v.Value == "*") any = Math.Max(any ?? 0, v.Quality ?? 1);
        }
        return (named ?? any ?? 0) > 0;
    }

    const string OriginalPathKey = "stationmap.client.path";

    static string OriginalPath(HttpContext http) => http.Items[OriginalPathKey] as string ?? http.Request.Path.Value ?? "";

    /// <summary>Content types by the original file name, so <c>app.js.br</c> is text/javascript.</summary>
    sealed class OriginalTypes(FileExtensionContentTypeProvider types) : IContentTypeProvider
    {
        public bool TryGetContentType(string subpath, out string contentType)
        {
            foreach (var (_, suffix) in Precompressed)
                if (subpath.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) subpath = subpath[..^suffix.Length];
            if (subpath.EndsWith(DictionarySuffix, StringComparison.OrdinalIgnoreCase)) subpath = subpath[..^DictionarySuffix.Length];
            return types.TryGetContentType(subpath, out contentType!);
        }
    }
}
