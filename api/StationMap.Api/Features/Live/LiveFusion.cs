using StationMap.Api.Features.Stations;
namespace StationMap.Api.Features.Live;

/// <summary>
/// Turns a station's recent signals and open tickets into its live values (README, "Fusion").
/// A pure function of its inputs and the instant: the same signals at the same <c>now</c> give the
/// same answer, so the decay is tested under a fake clock and every API instance agrees.
/// <list type="bullet">
/// <item>Each signal's <em>evidence</em> for a field is weight(source) × trust × ½^(age / half-life(field, source)),
/// with the weights sensor 0.95 &gt; staff 0.9 &gt; crowd 0.7 and the half-lives of <see cref="LiveOptions.HalfLifeMinutes"/>.</item>
/// <item>A signal followed by a later one from a stronger source for the same field is corrected by it: its evidence
/// counts a fifth (staff saying "seats free" after a courier said "full" wins at once; couriers arriving later count in full).</item>
/// <item>Categorical fields (crowding, operating, each amenity): the support of a value is 1 − Π(1 − evidence) over the
/// signals saying it; the value with the most support wins, with confidence support(winner) × (1 − support(runner-up)).</item>
/// <item>Counts (seats_free, occupancy, charged_available): the value of the signal with the most evidence, confidence = that evidence.</item>
/// <item>Crowding also follows from seats (staff or a sensor saying 0 seats free = full) when the signal does not say it.</item>
/// <item>A courier's broken, empty or closed_now is shown only once its fault ticket is public (confirmed); until then
/// the report waits for a second device or staff. A confirmed or acknowledged ticket shows its problem; a fixed one "working".</item>
/// <item>Values below <see cref="LiveOptions.MinConfidence"/> are dropped: nothing fresh is known.</item>
/// </list>
/// </summary>
public static class LiveFusion
{
    /// <summary>How much a signal counts once a stronger source has spoken after it.</summary>
    public const double CorrectedFactor = 0.2;

    /// <summary>The newest signals of each source that count for a field (the signals are in observed order).</summary>
    public const int PerSourceCap = 50;

    const double TicketConfidence = 0.9;

    /// <summary>The fused live state (without typical value and sequence: the caller adds those).</summary>
    public static StationLive Fuse(IReadOnlyList<LiveSignal> signals, IReadOnlyList<TicketRow> tickets, LiveOptions options,
        DateTimeOffset now, int? capacity = null, Func<long, bool>? blocked = null)
    {
        var usable = signals.Where(s => s.DeviceId is not { } d || blocked is null || !blocked(d))
            .Where(s => (now - s.ObservedAt).TotalHours <= options.HorizonHours).ToList();
        var publicTickets = tickets.Where(t => LiveVocabulary.OpenPublicTicketStates.Contains(t.State)).ToList();

        var crowding = Categorical("crowding", usable, s => s.Fields.Crowding ?? ImpliedCrowding(s.Fields, capacity), options, now);
        var seats = Count("seats_free", usable, s => s.Fields.SeatsFree, options, now);
        var occupancy = Count("occupancy", usable, s => s.Fields.Occupancy, options, now);
        var charged = Count("charged_available", usable, s => s.Fields.ChargedAvailable, options, now);

        var stationTicket = publicTickets.FirstOrDefault(t => t.Amenity == LiveVocabulary.StationAmenity && t.Problem == "closed_now");
        var operating = Categorical("operating", usable,
            s => s.Fields.Operating is "closed_now" && s.Source == LiveSources.Crowd && stationTicket is null ? null : s.Fields.Operating, options, now);
        operating = WithTicket(operating, stationTicket, "closed_now", "operating");

        var amenities = new SortedDictionary<string, LiveAmenity>(StringComparer.Ordinal);
        var named = usable.Where(s => s.Fields.Amenities is not null).SelectMany(s => s.Fields.Amenities!.Keys)
            .Concat(publicTickets.Where(t => t.Amenity != LiveVocabulary.StationAmenity).Select(t => t.Amenity)).Distinct();
        foreach (var amenity in named)
        {
            var ticket = publicTickets.Where(t => t.Amenity == amenity).OrderByDescending(t => t.ReportedAt).FirstOrDefault();
            var value = Categorical("amenity", usable, s =>
                s.Fields.Amenities?.GetValueOrDefault(amenity) is { } state
                    ? (state != "working" && s.Source == LiveSources.Crowd && ticket is null ? null : state)
                    : null, options, now);
            value = WithTicket(value, ticket, ticket?.Problem ?? "broken", "working");
            if (value is not null)
                amenities[amenity] = new LiveAmenity(value.Value, value.Confidence, value.AsOf, value.Source, ticket?.Id, ticket?.State);
        }

        var faults = publicTickets.OrderBy(t => t.ReportedAt).ThenBy(t => t.Id)
            .Select(t => new FaultSummary(t.Id, t.Amenity, t.Problem, t.State, t.ReportedAt, t.ConfirmedAt, t.AcknowledgedAt, t.FixedAt))
            .ToList();
        DateTimeOffset? asOf = new DateTimeOffset?[]
        {
            crowding?.AsOf, seats?.AsOf, occupancy?.AsOf, charged?.AsOf, operating?.AsOf,
        }.Concat(amenities.Values.Select(a => (DateTimeOffset?)a.AsOf)).Max();
        return new StationLive(crowding, seats, occupancy, charged, operating, amenities, faults, null, asOf, 0);

        LiveValue<string>? WithTicket(LiveValue<string>? fused, TicketRow? ticket, string problem, string working)
        {
            if (ticket is null) return fused;
            if (ticket.State == "fixed")
            {
                var fixedAt = ticket.FixedAt ?? ticket.ReportedAt;
                return fused is not null && fused.AsOf > fixedAt ? fused : new LiveValue<string>(working, TicketConfidence, fixedAt, LiveSources.Staff);
            }
            var since = ticket.ConfirmedAt ?? ticket.ReportedAt;
            // A later value from staff or a sensor (it will fix or reject the ticket in the same write) wins.
            if (fused is not null && fused.Value != problem && fused.Source != LiveSources.Crowd && fused.AsOf >= since) return fused;
            var confidence = Math.Max(TicketConfidence, fused?.Value == problem ? fused.Confidence : 0);
            return new LiveValue<string>(problem, Math.Round(confidence, 3),
                fused?.Value == problem && fused.AsOf > since ? fused.AsOf : since,
                fused?.Value == problem ? fused.Source : LiveSources.Crowd);
        }
    }

    /// <summary>Crowding a signal implies through its seats or occupancy (0 seats free = full; occupancy at capacity = full).</summary>
    public static string? ImpliedCrowding(LiveFields f, int? capacity)
    {
        if (f.SeatsFree is { } free)
            return free <= 0 ? "full" : capacity is > 0 && free >= capacity ? "empty" : "some_seats";
        if (f.Occupancy is { } people && capacity is > 0)
            return people <= 0 ? "empty" : people >= capacity ? "full" : "some_seats";
        return null;
    }

    /// <summary>The evidence of one signal for one field at <paramref name="now"/> (before correction).</summary>
    public static double Evidence(LiveSignal s, string field, LiveOptions options, DateTimeOffset now)
    {
        var ageMinutes = Math.Max(0, (now - s.ObservedAt).TotalMinutes);
        return options.Weight(s.Source) * Math.Clamp(s.Trust, 0, 1) * Math.Pow(0.5, ageMinutes / options.HalfLife(field, s.Source));
    }

    static int Rank(string source) => source switch { LiveSources.Sensor => 2, LiveSources.Staff => 1, _ => 0 };

    /// <summary>
    /// Each signal saying something of the field, with its evidence after correction by later stronger
    /// sources: the newest <see cref="PerSourceCap"/> of each source (older ones add next to nothing to a
    /// support already near 1, and a busy station keeps thousands), in one pass from the newest back.
    /// </summary>
    static List<(T Value, double Evidence, LiveSignal Signal)> Candidates<T>(string field, List<LiveSignal> signals, Func<LiveSignal, T?> read,
        LiveOptions options, DateTimeOffset now)
    {
        var said = new List<(LiveSignal Signal, T Value)>();
        Span<int> perSource = stackalloc int[3];
        Span<long> newestTicks = [long.MinValue, long.MinValue, long.MinValue];
        for (var i = signals.Count - 1; i >= 0 && (perSource[0] < PerSourceCap || perSource[1] < PerSourceCap || perSource[2] < PerSourceCap); i--)
        {
            var s = signals[i];
            var rank = Rank(s.Source);
            if (perSource[rank] >= PerSourceCap || read(s) is not { } value) continue;
            perSource[rank]++;
            newestTicks[rank] = Math.Max(newestTicks[rank], s.ObservedAt.UtcTicks);
            said.Add((s, value));
        }
        var result = new List<(T, double, LiveSignal)>(said.Count);
        foreach (var (s, value) in said)
        {
            var e = Evidence(s, field, options, now);
            var rank = Rank(s.Source);
            var corrected = false;
            for (var r = rank + 1; r < 3; r++) corrected |= newestTicks[r] >= s.ObservedAt.UtcTicks;
            if (corrected) e *= CorrectedFactor;
            result.Add((value, e, s));
        }
        return result;
    }

    static LiveValue<string>? Categorical(string field, List<LiveSignal> signals, Func<LiveSignal, string?> read, LiveOptions options, DateTimeOffset now)
    {
        var candidates = Candidates(field, signals, read, options, now);
        if (candidates.Count == 0) return null;
        var byValue = candidates.GroupBy(c => c.Value, StringComparer.Ordinal).Select(g => new
        {
            Value = g.Key,
            Support = 1 - g.Aggregate(1.0, (p, c) => p * (1 - c.Evidence)),
            Strongest = g.MaxBy(c => c.Evidence).Signal,
            Newest = g.Max(c => c.Signal.ObservedAt),
        }).OrderByDescending(v => v.Support).ThenByDescending(v => v.Newest).ToList();
        var winner = byValue[0];
        var runnerUp = byValue.Count > 1 ? byValue[1].Support : 0;
        var confidence = winner.Support * (1 - runnerUp);
        if (confidence < options.MinConfidence) return null;
        return new LiveValue<string>(winner.Value, Math.Round(confidence, 3), winner.Newest, winner.Strongest.Source);
    }

    static LiveValue<int>? Count(string field, List<LiveSignal> signals, Func<LiveSignal, int?> read, LiveOptions options, DateTimeOffset now)
    {
        var candidates = Candidates(field, signals, s => read(s) is { } v ? (object)v : null, options, now);
        if (candidates.Count == 0) return null;
        var best = candidates.OrderByDescending(c => c.Evidence).ThenByDescending(c => c.Signal.ObservedAt).First();
        if (best.Evidence < options.MinConfidence) return null;
        return new LiveValue<int>((int)best.Value, Math.Round(best.Evidence, 3), best.Signal.ObservedAt, best.Signal.Source);
    }
}
