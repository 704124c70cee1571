using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using StationMap.Api.Infrastructure.OpeningHours;

namespace StationMap.Api.Hosting.Cli;

/// <summary>
/// The database-free verbs that evaluate opening hours line by line (JSON lines on stdin, one JSON
/// line per input on stdout, in order), for comparing the evaluator with other implementations:
/// <c>opening-hours-eval</c> (a value, a place and its holidays, a list of instants → state, next
/// change and comment at each) and <c>solar-times</c> (a date and a place → sunrise, sunset, dawn, dusk).
/// </summary>
public static class OpeningHoursCommands
{
    public static readonly string[] Verbs = ["opening-hours-eval", "solar-times"];

    static readonly JsonSerializerOptions Output = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int Run(string verb, TextReader input, TextWriter output)
    {
        Func<JsonObject, JsonObject> handle = verb == "solar-times" ? SolarTimesOf : Evaluate;
        var lineNumber = 0;
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonObject request;
            try
            {
                request = JsonNode.Parse(line) as JsonObject ?? throw new FormatException("not a JSON object");
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                Console.Error.WriteLine($"error: line {lineNumber}: {e.Message}");
                return 1;
            }
            output.WriteLine(handle(request).ToJsonString(Output));
        }
        output.Flush();
        return 0;
    }

    static JsonObject Evaluate(JsonObject request)
    {
        var id = request["id"]?.DeepClone();
        var value = request["value"]?.GetValue<string>();
        if (!OpeningHoursSchedule.TryParse(value, out var schedule, out var error))
            return new JsonObject { ["id"] = id, ["ok"] = false, ["error"] = error, ["results"] = new JsonArray() };
        var context = ContextOf(request);
        var results = new JsonArray();
        foreach (var item in request["instants"]?.AsArray() ?? [])
        {
            var instant = DateTimeOffset.Parse(item!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var state = schedule!.Evaluate(instant, context);
            results.Add(new JsonObject
            {
                ["state"] = state.Status.ToString().ToLowerInvariant(),
                ["next_change"] = state.NextChange is { } next ? Utc(next) : null,
                ["comment"] = state.Comment,
            });
        }
        return new JsonObject { ["id"] = id, ["ok"] = true, ["error"] = null, ["results"] = results };
    }

    static EvaluationContext ContextOf(JsonObject request)
    {
        static Dictionary<DateOnly, string> Named(JsonNode? node) =>
            (node as JsonObject)?.ToDictionary(p => DateOnly.ParseExact(p.Key, "yyyy-MM-dd", CultureInfo.InvariantCulture), p => p.Value?.GetValue<string>() ?? "")
            ?? [];
        var zone = TimeZoneInfo.FindSystemTimeZoneById(request["tz"]?.GetValue<string>() ?? "Asia/Shanghai");
        var makeup = (request["makeup"] as JsonArray ?? [])
            .Select(n => DateOnly.ParseExact(n!.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToHashSet();
        var calendar = new HolidayCalendar(Named(request["ph"]), Named(request["sh"]), makeup);
        var fallback = EvaluationContext.Default(zone);
        return new EvaluationContext(zone, request["lat"]?.GetValue<double>() ?? fallback.Latitude,
            request["lon"]?.GetValue<double>() ?? fallback.Longitude, calendar);
    }

    static JsonObject SolarTimesOf(JsonObject request)
    {
        var text = request["date"]?.GetValue<string>();
        var date = DateOnly.ParseExact(text ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(request["tz"]?.GetValue<string>() ?? "Asia/Shanghai");
        var day = SolarTimes.For(date, request["lat"]!.GetValue<double>(), request["lon"]!.GetValue<double>(), zone);
        static string? Time(DateTimeOffset? t) => t is { } v ? Utc(v) : null;
        return new JsonObject
        {
            ["date"] = text,
            ["sunrise"] = Time(day.Sunrise),
            ["sunset"] = Time(day.Sunset),
            ["dawn"] = Time(day.Dawn),
            ["dusk"] = Time(day.Dusk),
        };
    }

    static string Utc(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
