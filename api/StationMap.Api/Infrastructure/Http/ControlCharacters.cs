using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace StationMap.Api.Infrastructure.Http;

/// <summary>
/// Text with control characters is refused as a 400 naming the parameter or field, before it
/// reaches PostgreSQL (which rejects U+0000 in text and would make it a 500) or a log line.
/// Query and route values are single-line, so every C0 character and DEL is refused there; JSON
/// strings may hold tab, CR and LF (an address on two lines), nothing else below U+0020 nor DEL.
/// </summary>
public static class ControlCharacters
{
    public const string ProblemType = "/problems/invalid-parameters";

    /// <summary>The index of the first character refused in a single-line value, or -1.</summary>
    public static int FindInLine(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
            if (text[i] < ' ' || text[i] == '\u007f') return i;
        return -1;
    }

    /// <summary>The index of the first character refused in free text (tab, CR and LF allowed), or -1.</summary>
    public static int FindInText(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c < ' ' && c is not ('\t' or '\r' or '\n')) || c == '\u007f') return i;
        }
        return -1;
    }

    public static string Describe(string name, string value, int at) =>
        $"{name} must not contain control characters (U+{(int)value[at]:X4} at position {at + 1}).";

    /// <summary>Checks every query and route value of /api requests (after routing, so route values are known).</summary>
    public static IApplicationBuilder UseControlCharacterCheck(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!http.Request.Path.StartsWithSegments("/api"))
        {
            await next(http);
            return;
        }
        Dictionary<string, string[]>? errors = null;
        if (http.Request.QueryString.HasValue)
        {
            foreach (var (name, values) in http.Request.Query)
                foreach (var value in values)
                {
                    if (value is null) continue;
                    var at = FindInLine(value);
                    if (at >= 0) (errors ??= [])[name] = [Describe(name, value, at)];
                }
        }
        var pattern = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern;
        foreach (var (name, raw) in http.Request.RouteValues)
        {
            // A catch-all (the /api fallback) is not a parameter of any endpoint: it answers 404.
            if (raw is not string value || pattern?.GetParameter(name)?.IsCatchAll == true) continue;
            var at = FindInLine(value);
            if (at >= 0) (errors ??= [])[name] = [Describe(name, value, at)];
        }
        if (errors is null)
        {
            await next(http);
            return;
        }
        await TypedResults.ValidationProblem(errors, detail: string.Join(" ", errors.Values.SelectMany(e => e)),
            title: "One or more request parameters are invalid.", type: ProblemType).ExecuteAsync(http);
    });
}

/// <summary>Thrown while reading a JSON string with a control character; its Path names the field.</summary>
public sealed class ControlCharacterException : JsonException
{
    readonly string _problem;
    readonly string? _propertyName;

    /// <param name="problem">What is wrong, without the field's name.</param>
    /// <param name="propertyName">Set when the bad text is a member name: the field is then the object holding it.</param>
    public ControlCharacterException(string problem, string? propertyName = null) : base(problem) =>
        (_problem, _propertyName) = (problem, propertyName);

    /// <summary>"name must not contain …": the field is known only once the serializer has set Path.</summary>
    public override string Message => $"{Field} {_problem}";

    /// <summary>"$.name" → "name", "$.access[1]" → "access[1]"; a bad member name gives its object ("amenities").</summary>
    public string Field
    {
        get
        {
            var path = Path ?? "$";
            if (_propertyName is not null)
            {
                foreach (var suffix in (string[])["." + _propertyName, $"['{_propertyName}']"])
                    if (path.EndsWith(suffix, StringComparison.Ordinal)) { path = path[..^suffix.Length]; break; }
            }
            var name = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart((char)36);
            return name.Length > 0 ? name : "body";
        }
    }
}

/// <summary>
/// The JSON string converter of <see cref="ApiJson"/>: reading refuses control characters (so every
/// JSON body is checked once, whichever endpoint binds it); writing is the default.
/// </summary>
public sealed class ControlCharacterGuard : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Checked(reader.GetString());

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var name = reader.GetString()!;
        var at = ControlCharacters.FindInLine(name);
        if (at < 0) return name;
        throw new ControlCharacterException($"must not contain a name with control characters (U+{(int)name[at]:X4} at position {at + 1}).", name);
    }

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    static string? Checked(string? value)
    {
        if (value is null) return null;
        var at = ControlCharacters.FindInText(value);
        if (at < 0) return value;
        throw new ControlCharacterException($"must not contain control characters (U+{(int)value[at]:X4} at position {at + 1}).");
    }
}
