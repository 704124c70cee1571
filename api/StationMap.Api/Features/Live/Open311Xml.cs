using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.OpenApi;

namespace StationMap.Api.Features.Live;

/// <summary>
/// GeoReport v2's XML format, beside its JSON: the <c>.xml</c> twin of every Open311 endpoint runs
/// the same handler and writes its answer as the specification's XML (<c>&lt;services&gt;&lt;service&gt;</c>,
/// <c>&lt;service_requests&gt;&lt;request&gt;</c>, …), with the same snake_case element names as the JSON members
/// and empty elements for nulls. Errors are the API's problem+json as everywhere, or, when the
/// caller's Accept names XML, the same problem as RFC 9457's <c>application/problem+xml</c>: type,
/// title, status, detail, the errors keyed by parameter, and the GeoReport error list beside them in
/// <c>&lt;open311_errors&gt;</c>.
/// </summary>
public static class Open311Xml
{
    public const string MediaType = XmlTwinMetadata.MediaType;
    public const string ProblemMediaType = XmlTwinMetadata.ProblemMediaType;
    const string ProblemNamespace = "urn:ietf:rfc:7807";

    /// <summary>The endpoint answers in XML whatever its handler returns (values, Created, problems).</summary>
    public static RouteHandlerBuilder AsXml(this RouteHandlerBuilder builder) => builder
        .AddEndpointFilter(async (context, next) =>
        {
            // The problem's format follows Accept: shared caches must keep them apart.
            context.HttpContext.Response.Headers.Append("Vary", "Accept");
            return ToXml(await next(context), context.HttpContext.Request);
        })
        .WithMetadata(new XmlTwinMetadata());

    static object? ToXml(object? result, HttpRequest request)
    {
        while (result is INestedHttpResult nested) result = nested.Result;
        return result switch
        {
            ProblemHttpResult problem when AcceptsXmlProblems(request) => new XmlAnswerResult(null, problem.ProblemDetails, problem.StatusCode, ProblemMediaType, null),
            ProblemHttpResult problem => problem,
            IValueHttpResult { Value: { } value } and IStatusCodeHttpResult status =>
                new XmlAnswerResult(Document(value), null, status.StatusCode ?? 200, MediaType, XmlLocation(result)),
            _ => result,
        };
    }

    /// <summary>
    /// Problems are the API's problem+json unless the caller's Accept names XML (application/problem+xml,
    /// application/xml or text/xml): the one error format every endpoint shares stays the default.
    /// </summary>
    static bool AcceptsXmlProblems(HttpRequest request)
    {
        double Best(params string[] types) => request.GetTypedHeaders().Accept
            .Where(a => types.Any(t => string.Equals(a.MediaType.Value, t, StringComparison.OrdinalIgnoreCase)))
            .Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
        var xml = Best(ProblemMediaType, MediaType, "text/xml");
        return xml > 0 && xml > Best(ResponseConventions.ProblemJson, "application/json");
    }

    /// <summary>A Created answer's Location, pointing at the XML twin.</summary>
    static string? XmlLocation(object result) =>
        result.GetType().GetProperty("Location")?.GetValue(result) is string location
            ? location.EndsWith(".json", StringComparison.Ordinal) ? location[..^".json".Length] + ".xml" : location
            : null;

    /// <summary>The root element of each answer, and the element of each item of a list.</summary>
    static readonly Dictionary<Type, (string Root, string Item)> Roots = new()
    {
        [typeof(Open311Service)] = ("services", "service"),
        [typeof(Open311Request)] = ("service_requests", "request"),
        [typeof(Open311Created)] = ("service_requests", "request"),
        [typeof(Open311DiscoveryDocument)] = ("discovery", ""),
        [typeof(Open311ServiceDefinition)] = ("service_definition", ""),
    };

    /// <summary>Lists inside a document: the element of each item, by the list's own element.</summary>
    static readonly Dictionary<string, string> Items = new(StringComparer.Ordinal)
    {
        ["endpoints"] = "endpoint",
        ["formats"] = "format",
        ["attributes"] = "attribute",
    };

    /// <summary>
    /// A GeoReport document for one answer: an object or a list of objects. The answer is written as
    /// the JSON side writes it (the API's serializer options) and that JSON is turned into elements,
    /// so names, ignored members and value formats are the JSON's by construction.
    /// </summary>
    public static XDocument Document(object value)
    {
        var json = JsonSerializer.SerializeToElement(value, value.GetType(), ApiJson.Options);
        var itemType = value is IEnumerable and not string
            ? value.GetType().GetInterfaces().Concat([value.GetType()])
                .FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0]
            : value.GetType();
        var (root, item) = itemType is not null && Roots.TryGetValue(itemType, out var names) ? names : (Name(value.GetType().Name), "item");
        var rootElement = json.ValueKind == JsonValueKind.Array
            ? new XElement(root, json.EnumerateArray().Select(e => Element(item, e)))
            : Element(root, json);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), rootElement);
    }

    static XElement Element(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => new XElement(name, value.EnumerateObject().Select(p => Element(p.Name, p.Value))),
        JsonValueKind.Array => new XElement(name, value.EnumerateArray().Select(e => Element(Items.GetValueOrDefault(name, "item"), e))),
        JsonValueKind.String => new XElement(name, Text(value.GetString()!)),
        JsonValueKind.Null or JsonValueKind.Undefined => new XElement(name),
        _ => new XElement(name, value.GetRawText()),   // numbers as JSON writes them; true / false
    };

    static string Name(string member) => JsonNamingPolicy.SnakeCaseLower.ConvertName(member);

    /// <summary>
    /// Text as XML 1.0 can carry it: a character it cannot (a control character, a lone surrogate,
    /// as a bad parameter echoed in an error may hold) becomes U+FFFD.
    /// </summary>
    public static string Text(string text)
    {
        StringBuilder? clean = null;
        for (var i = 0; i < text.Length; i++)
        {
            var pair = i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]);
            var ok = pair || XmlConvert.IsXmlChar(text[i]);
            if (!ok) clean ??= new StringBuilder(text, 0, i, text.Length);
            if (ok) clean?.Append(text.AsSpan(i, pair ? 2 : 1));
            else clean!.Append('\uFFFD');
            if (pair) i++;
        }
        return clean?.ToString() ?? text;
    }

    /// <summary>RFC 9457's XML form of a problem, with this API's extension members.</summary>
    static XDocument Problem(ProblemDetails problem)
    {
        XNamespace ns = ProblemNamespace;
        var root = new XElement(ns + "problem");
        if (problem.Type is { } type) root.Add(new XElement(ns + "type", Text(type)));
        if (problem.Title is { } title) root.Add(new XElement(ns + "title", Text(title)));
        if (problem.Status is { } status) root.Add(new XElement(ns + "status", status.ToString(CultureInfo.InvariantCulture)));
        if (problem.Detail is { } detail) root.Add(new XElement(ns + "detail", Text(detail)));
        if (problem.Instance is { } instance) root.Add(new XElement(ns + "instance", Text(instance)));
        foreach (var (key, value) in problem.Extensions)
        {
            switch (value)
            {
                case IDictionary<string, string[]> byParameter:
                    // Parameter names such as attribute[station_id] are no element names: each is an attribute.
                    root.Add(new XElement(ns + key, byParameter.SelectMany(p => p.Value.Select(m => new XElement(ns + "error", new XAttribute("parameter", Text(p.Key)), Text(m))))));
                    break;
                case IEnumerable<Open311Error> errors:
                    root.Add(new XElement(ns + key, errors.Select(e => new XElement(ns + "error",
                        new XElement(ns + "code", e.Code.ToString(CultureInfo.InvariantCulture)), new XElement(ns + "description", Text(e.Description))))));
                    break;
                case bool flag:
                    root.Add(new XElement(ns + key, flag ? "true" : "false"));
                    break;
                case string or int or long or double:
                    root.Add(new XElement(ns + key, Text(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")));
                    break;
            }
        }
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    /// <summary>
    /// Writes an XML document with its status, content type and (for a Created) Location; a problem
    /// gets what every problem of the API gets first (traceId, instance: ProblemDetailsOptions).
    /// </summary>
    sealed class XmlAnswerResult(XDocument? answer, ProblemDetails? problem, int status, string contentType, string? location)
        : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => status;
        public string? ContentType => contentType;

        public async Task ExecuteAsync(HttpContext http)
        {
            var document = answer;
            if (problem is not null)
            {
                var options = http.RequestServices.GetService<Microsoft.Extensions.Options.IOptions<ProblemDetailsOptions>>()?.Value;
                options?.CustomizeProblemDetails?.Invoke(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
                document = Problem(problem);
            }
            http.Response.StatusCode = status;
            http.Response.ContentType = contentType + "; charset=utf-8";
            if (location is not null) http.Response.Headers.Location = location;
            var bytes = Encoding.UTF8.GetBytes(document!.Declaration + "\n" + document.Root!.ToString(SaveOptions.DisableFormatting));
            http.Response.ContentLength = bytes.Length;
            await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
        }
    }
}
