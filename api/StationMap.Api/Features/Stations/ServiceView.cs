using StationMap.Api.Infrastructure.OpeningHours;

namespace StationMap.Api.Features.Stations;

/// <summary>A service's state at the instant asked for: <c>state</c> open | closed | unknown, <c>next_change</c> in the station's local offset.</summary>
public sealed record ServiceStateView(string State, DateTimeOffset? NextChange, string? Comment);

/// <summary>An occurrence of a service in the station's local offset; <c>to</c> is null when it does not end within a year.</summary>
public sealed record OccurrenceView(DateTimeOffset From, DateTimeOffset? To);

/// <summary>
/// A service the station hosts (kind free_clinic | haircut | legal_advice | counselling | classes | summer_drinks),
/// its state at the instant asked for and <c>next</c>: the occurrence under way at that instant, or the next
/// one within a year (null when there is none).
/// </summary>
public sealed record ServiceView(string Kind, string? Description, string Hours, ServiceStateView OpenState,
    [property: Infrastructure.OpenApi.NullableObject] OccurrenceView? Next)
{
    /// <summary>Changes looked through for the next occurrence: a year of a busy schedule, and a bound on the work.</summary>
    const int MaxSteps = 800;

    public static IReadOnlyList<ServiceView> List(ParsedService[] services, EvaluationContext context, DateTimeOffset at)
    {
        if (services.Length == 0) return [];
        var views = new ServiceView[services.Length];
        for (var i = 0; i < services.Length; i++) views[i] = Of(services[i], context, at);
        return views;
    }

    public static ServiceView Of(ParsedService s, EvaluationContext context, DateTimeOffset at)
    {
        if (s.Schedule is not { } schedule)
            return new(s.Kind, s.Description, s.Hours, new ServiceStateView("unknown", null, null), null);
        var state = schedule.Evaluate(at, context);
        return new(s.Kind, s.Description, s.Hours,
            new ServiceStateView(OpenStateView.Name(state.Status), state.NextChange, state.Comment),
            NextOccurrence(schedule, state, context, at));
    }

    /// <summary>The occurrence under way at <paramref name="at"/>, else the first one that starts within a year.</summary>
    static OccurrenceView? NextOccurrence(OpeningHoursSchedule schedule, OpenState state, EvaluationContext context, DateTimeOffset at)
    {
        if (state.Status == OpenStatus.Open) return new(CurrentStart(schedule, context, at), state.NextChange);
        var horizon = at.AddYears(1);
        var t = state.NextChange;
        for (var step = 0; t is { } from && from <= horizon && step < MaxSteps; step++)
        {
            var next = schedule.Evaluate(from, context);
            if (next.Status == OpenStatus.Open) return new(TimeZoneInfo.ConvertTime(from, context.Zone), next.NextChange);
            t = next.NextChange;
        }
        return null;
    }

    /// <summary>
    /// Where the open interval around <paramref name="at"/> began: the open spans of the last week,
    /// joined where one ends as the next begins (a span past midnight and the next day's), as local times.
    /// </summary>
    static DateTimeOffset CurrentStart(OpeningHoursSchedule schedule, EvaluationContext context, DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, context.Zone);
        var today = DateOnly.FromDateTime(local.DateTime);
        var spans = new List<(DateTime From, DateTime To)>();
        foreach (var day in schedule.Days(today.AddDays(-7), 8, context))
        {
            var midnight = day.Date.ToDateTime(TimeOnly.MinValue);
            foreach (var r in day.Ranges)
            {
                if (r.Status != OpenStatus.Open) continue;
                var from = midnight + r.From.ToTimeSpan();
                var to = (r.EndsNextDay ? midnight.AddDays(1) : midnight) + r.To.ToTimeSpan();
                spans.Add((from, to));
            }
        }
        spans.Sort();
        DateTime? start = null, end = null;
        foreach (var (from, to) in spans)
        {
            if (end is { } e && from <= e) { if (to > e) end = to; }
            else { start = from; end = to; }
            if (start <= local.DateTime && local.DateTime < end) return new DateTimeOffset(start.Value, context.Zone.GetUtcOffset(start.Value));
        }
        return local;
    }
}
