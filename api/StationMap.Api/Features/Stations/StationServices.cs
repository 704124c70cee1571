using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.OpeningHours;

namespace StationMap.Api.Features.Stations;

/// <summary>
/// A service a station hosts on a schedule, as written (POST/PUT/PATCH bodies, import rows, the
/// <c>services</c> jsonb column). <see cref="Hours"/> uses the opening_hours grammar.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ServiceInput
{
    /// <summary>free_clinic | haircut | legal_advice | counselling | classes | summer_drinks.</summary>
    public string? Kind { get; init; }
    /// <summary>Free text (at most 200 characters), e.g. "社区医院医生坐诊，量血压、测血糖".</summary>
    public string? Description { get; init; }
    /// <summary>When the service is on, in OpenStreetMap opening_hours syntax, e.g. "Tu 14:00-16:00".</summary>
    public string? Hours { get; init; }
}

/// <summary>One stored service, its hours parsed once (shared by every station with the same services text).</summary>
public sealed record ParsedService(string Kind, string? Description, string Hours, OpeningHoursSchedule? Schedule, int KindBit);

/// <summary>service_when: whether a service must be on at the instant, have hours on its local day, or just exist.</summary>
public enum ServiceWhen { Any, Now, Today }

/// <summary>The services column: validation, storage form, parsing, and the filters on it.</summary>
public static class StationServices
{
    public const int MaxServices = 20;
    public const int MaxDescription = 200;
    public const int MaxHours = 500;

    static readonly JsonSerializerOptions Storage = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    static readonly ConcurrentDictionary<string, (ParsedService[] Services, int Mask)> Cache = new(StringComparer.Ordinal);

    /// <summary>Checks each entry; keys are <c>services[i].kind</c>, <c>services[i].hours</c>, … (prefixed for import rows).</summary>
    public static void Validate(IReadOnlyList<ServiceInput?>? services, Validation v, string prefix = "")
    {
        if (services is null) return;
        if (services.Count > MaxServices) v.Add(prefix + "services", $"services may list at most {MaxServices} entries.");
        for (var i = 0; i < services.Count; i++)
        {
            var at = $"{prefix}services[{i}]";
            if (services[i] is not { } s) { v.Add(at, $"{at} must be an object with kind, hours and description."); continue; }
            if (s.Kind is null) v.Add(at + ".kind", $"{at}.kind is required.");
            else if (!StationVocabulary.IsServiceKind(s.Kind))
                v.Add(at + ".kind", $"{at}.kind: unknown service kind '{s.Kind}'. Allowed: {string.Join(", ", StationVocabulary.ServiceKinds)}.");
            if (string.IsNullOrWhiteSpace(s.Hours)) v.Add(at + ".hours", $"{at}.hours is required (opening_hours syntax, e.g. Tu 14:00-16:00).");
            else if (s.Hours.Length > MaxHours) v.Add(at + ".hours", $"{at}.hours must be at most {MaxHours} characters.");
            else if (!OpeningHoursSchedule.TryParse(s.Hours, out _, out var error))
                v.Add(at + ".hours", $"{at}.hours is not valid OpenStreetMap opening_hours syntax: {error}" +
                    (error?.Contains("position", StringComparison.Ordinal) == true ? "" : $" (position {s.Hours.TrimEnd().Length + 1})"));
            if (s.Description is { Length: > MaxDescription }) v.Add(at + ".description", $"{at}.description must be at most {MaxDescription} characters.");
            else if (s.Description is not null && Infrastructure.Http.ControlCharacters.FindInText(s.Description) is >= 0 and var c)
                v.Add(at + ".description", Infrastructure.Http.ControlCharacters.Describe(at + ".description", s.Description, c));
        }
    }

    /// <summary>The jsonb text stored for validated entries: [{"kind","description","hours"}], in the order given.</summary>
    public static string ToJson(IReadOnlyList<ServiceInput?>? services) => JsonSerializer.Serialize(
        (services ?? []).OfType<ServiceInput>().Select(s => new ServiceInput
        {
            Kind = s.Kind,
            Description = string.IsNullOrWhiteSpace(s.Description) ? null : s.Description.Trim(),
            Hours = s.Hours!.Trim(),
        }).ToList(), Storage);

    /// <summary>The inputs that would store <paramref name="json"/> again (merge-PATCH base, CSV export).</summary>
    public static List<ServiceInput> Inputs(string json) =>
        Parse(json).Services.Select(s => new ServiceInput { Kind = s.Kind, Description = s.Description, Hours = s.Hours }).ToList();

    /// <summary>
    /// The stored services, parsed, and the bit mask of their kinds (bit i = <see cref="StationVocabulary.ServiceKinds"/>[i]).
    /// Entries written by other means that are not objects with a known kind and hours are skipped.
    /// </summary>
    public static (ParsedService[] Services, int Mask) Parse(string json)
    {
        if (json is "[]" or "") return ([], 0);
        if (Cache.Count > 20_000) Cache.Clear();
        return Cache.GetOrAdd(json, j =>
        {
            var list = new List<ParsedService>();
            var mask = 0;
            List<JsonElement>? stored;
            try { stored = JsonSerializer.Deserialize<List<JsonElement>>(j); }
            catch (JsonException) { stored = null; }
            foreach (var e in stored ?? [])
            {
                if (e.ValueKind != JsonValueKind.Object) continue;
                string? Text(string name) => e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                var kind = Text("kind");
                var hours = Text("hours");
                var index = kind is null ? -1 : Array.IndexOf(StationVocabulary.ServiceKinds, kind);
                if (index < 0 || hours is null) continue;
                var schedule = StationView.Schedules.Get(hours);
                list.Add(new ParsedService(kind!, Text("description"), hours, schedule, 1 << index));
                mask |= 1 << index;
            }
            return (list.ToArray(), mask);
        });
    }

    public static int KindMask(string[] kinds)
    {
        var mask = 0;
        foreach (var k in kinds) mask |= 1 << Array.IndexOf(StationVocabulary.ServiceKinds, k);
        return mask;
    }

    /// <summary>service_when: now | today | any (default any); an error names the parameter.</summary>
    public static ServiceWhen ParseWhen(string? raw, Validation v) => raw?.Trim().ToLowerInvariant() switch
    {
        null or "" or "any" => ServiceWhen.Any,
        "now" => ServiceWhen.Now,
        "today" => ServiceWhen.Today,
        _ => Invalid(v),
    };

    static ServiceWhen Invalid(Validation v)
    {
        v.Add("service_when", "service_when must be now (on at the instant), today (has hours on the station's local day) or any.");
        return ServiceWhen.Any;
    }

    /// <summary>
    /// Whether the station has a service of one of the kinds in <paramref name="mask"/> (0 = any kind)
    /// that is on as <paramref name="when"/> asks, at <paramref name="at"/> in the station's context.
    /// </summary>
    public static bool Matches(ParsedService[] services, int mask, ServiceWhen when, DateTimeOffset at, EvaluationContext context)
    {
        foreach (var s in services)
        {
            if (mask != 0 && (s.KindBit & mask) == 0) continue;
            if (when == ServiceWhen.Any || IsOn(s, when, at, context)) return true;
        }
        return false;
    }

    static bool IsOn(ParsedService s, ServiceWhen when, DateTimeOffset at, EvaluationContext context)
    {
        if (s.Schedule is null) return false;
        if (when == ServiceWhen.Now) return s.Schedule.Evaluate(at, context).Status == OpenStatus.Open;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, context.Zone).DateTime);
        return s.Schedule.Days(today, 1, context)[0].Ranges.Any(r => r.Status == OpenStatus.Open);
    }
}
