namespace StationMap.Api.Features.Stations;

// What every station answer carries under "live", and the interface it is read through. The live
// layer (Features/Live) implements ILiveState; station answers need nothing else of it.

/// <summary>One live value: what it is, how sure (0–1, after decay), when the newest signal behind it was observed, and whose signal dominates.</summary>
public sealed record LiveValue<T>(T Value, double Confidence, DateTimeOffset AsOf, string Source);

/// <summary>
/// The live state of a station (the "live" object of every station answer). Each value is null when
/// nothing fresh is known (below the live layer's minimum confidence); then <see cref="Typical"/>
/// gives the usual crowding for this weekday and hour, marked as typical, never as live.
/// </summary>
public sealed record StationLive(
    [property: Infrastructure.OpenApi.NullableObject] LiveValue<string>? Crowding,
    [property: Infrastructure.OpenApi.NullableObject] LiveValue<int>? SeatsFree,
    [property: Infrastructure.OpenApi.NullableObject] LiveValue<int>? Occupancy,
    [property: Infrastructure.OpenApi.NullableObject] LiveValue<int>? ChargedAvailable,
    [property: Infrastructure.OpenApi.NullableObject] LiveValue<string>? Operating,
    IReadOnlyDictionary<string, LiveAmenity> Amenities,
    IReadOnlyList<FaultSummary> Faults,
    [property: Infrastructure.OpenApi.NullableObject] TypicalNow? Typical,
    DateTimeOffset? AsOf,
    long Seq)
{
    /// <summary>A station nobody has reported on.</summary>
    public static StationLive Empty(TypicalNow? typical = null) => new(null, null, null, null, null,
        new Dictionary<string, LiveAmenity>(), [], typical, null, 0);

    /// <summary>Full now, and sure enough to leave it out of nearest?seats=available.</summary>
    public bool IsFull(double threshold) =>
        (Crowding is { Value: "full" } c && c.Confidence >= threshold) || (SeatsFree is { Value: 0 } s && s.Confidence >= threshold);
}

/// <summary>
/// The live state of one amenity: value working | broken | empty; <see cref="TicketId"/> and
/// <see cref="TicketState"/> name the open fault ticket behind a broken or empty value, if any.
/// </summary>
public sealed record LiveAmenity(string Value, double Confidence, DateTimeOffset AsOf, string Source, long? TicketId, string? TicketState);

/// <summary>An open public fault (confirmed, acknowledged or fixed, not yet verified).</summary>
public sealed record FaultSummary(long Id, string Amenity, string Problem, string State, DateTimeOffset ReportedAt,
    DateTimeOffset? ConfirmedAt, DateTimeOffset? AcknowledgedAt, DateTimeOffset? FixedAt);

/// <summary>The station's usual crowding at this local weekday and hour (learned from its check-ins): score 0 empty … 2 full.</summary>
public sealed record TypicalNow(string Crowding, double Score, int Samples, string Weekday, int Hour);

/// <summary>One change of what a station's live state shows; <see cref="Seq"/> is live_change.seq (the stream's event id).</summary>
public sealed record LiveChange(long Seq, long StationId, string Cause, long? RefId);

/// <summary>
/// The in-memory live state of every station, kept by the ingest (its own writes at once, other
/// instances' through channel stationmap_live_change) and read by every station answer, the feed
/// and the stream.
/// </summary>
public interface ILiveState
{
    /// <summary>The station's fused live state at <paramref name="now"/> (<see cref="StationLive.Empty"/> with its typical value when nothing is known).</summary>
    StationLive For(long stationId, DateTimeOffset now);

    /// <summary>The highest change sequence applied so far.</summary>
    long Sequence { get; }

    /// <summary>The sequence of the station's latest change (0: none since start).</summary>
    long SequenceOf(long stationId);

    /// <summary>Raised after a change is applied (this instance's writes and others'); handlers must be quick and not throw.</summary>
    event Action<LiveChange> Changed;

    /// <summary>The confidence from which a live "full" counts for nearest?seats=available and the by=time ranking (StationMap:Live:FullConfidence).</summary>
    double FullConfidence { get; }
}

