using Npgsql;

namespace StationMap.Api.Features.Live;

// The live layer's shared contract: the JSON every station answer carries under "live", the
// signal as the fusion reads it, and the seams between ingest (LiveState, LiveWriter), fault
// tickets, webhooks and delivery (feed and stream). See README "Live station state".

/// <summary>Who a live value comes from, strongest first: a sensor, station staff, couriers' phones.</summary>
public static class LiveSources
{
    public const string Sensor = "sensor";
    public const string Staff = "staff";
    public const string Crowd = "crowd";
    public static readonly string[] All = [Sensor, Staff, Crowd];
}

/// <summary>The closed vocabularies of live state.</summary>
public static class LiveVocabulary
{
    public static readonly string[] Crowding = ["empty", "some_seats", "full"];
    /// <summary>The station as a whole, as staff, sensors or a report say: operating now, or closed now against its hours.</summary>
    public static readonly string[] Operating = ["operating", "closed_now"];
    /// <summary>The live state of one amenity: equipment works or is broken; a consumable (water) may be empty.</summary>
    public static readonly string[] AmenityStates = ["working", "broken", "empty"];
    /// <summary>What a report may say of the station itself (amenity "station").</summary>
    public static readonly string[] StationReportStates = ["operating", "closed_now", "wrong_location", "gone"];
    /// <summary>Report states that open a fault ticket.</summary>
    public static readonly string[] FaultProblems = ["broken", "empty", "closed_now", "wrong_location", "gone"];
    /// <summary>A ticket's life, in order; rejected ends it at any step before fixed.</summary>
    public static readonly string[] TicketStates = ["reported", "confirmed", "acknowledged", "fixed", "verified", "rejected"];
    /// <summary>Public ticket states: a fault is shown on the map and in station answers from confirmed until verified.</summary>
    public static readonly string[] OpenPublicTicketStates = ["confirmed", "acknowledged", "fixed"];
    public const string StationAmenity = "station";
}

/// <summary>One live value: what it is, how sure (0–1, after decay), when the newest signal behind it was observed, and whose signal dominates.</summary>
public sealed record LiveValue<T>(T Value, double Confidence, DateTimeOffset AsOf, string Source);

/// <summary>
/// The live state of a station (the "live" object of every station answer). Each value is null when
/// nothing fresh is known (below <see cref="LiveOptions.MinConfidence"/>); then <see cref="Typical"/>
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

/// <summary>
/// A signal as stored in live_signal and read by the fusion. <see cref="Fields"/> is what it says:
/// crowding, seats_free, occupancy, charged_available, operating, amenities.{name} (see 0013_live.sql).
/// </summary>
public sealed record LiveSignal(
    long Id, long StationId, string Kind, string Source, long? DeviceId, long? ApiKeyId, double Trust,
    DateTimeOffset ObservedAt, DateTimeOffset ReceivedAt, LiveFields Fields, string? ReportAmenity, string? ReportState, string? Note);

/// <summary>The fields a signal carries; null = not said.</summary>
public sealed record LiveFields(
    string? Crowding = null, int? SeatsFree = null, int? Occupancy = null, int? ChargedAvailable = null, string? Operating = null,
    IReadOnlyDictionary<string, string>? Amenities = null);

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
}

/// <summary>
/// Fault tickets, called by the ingest inside the signal's own transaction (so a report and its
/// ticket commit together). Returns the tickets it changed, so the writer records one change of the
/// station and webhooks go out.
/// </summary>
public interface IFaultTickets
{
    /// <summary>
    /// A new signal (already inserted, <see cref="LiveSignal.Id"/> set): a report opens or joins a
    /// ticket (confirming it on a second independent device); staff or sensor values confirm, fix or
    /// contradict; a check-in after a fix verifies it. Adjusts device trust and queues moderation.
    /// </summary>
    Task<IReadOnlyList<long>> OnSignalAsync(NpgsqlConnection conn, NpgsqlTransaction tx, LiveSignal signal, CancellationToken ct);
}

/// <summary>A ticket as LiveState keeps it (read from fault_ticket by the ingest).</summary>
public sealed record TicketRow(long Id, long StationId, string Amenity, string Problem, string State,
    DateTimeOffset ReportedAt, DateTimeOffset? ConfirmedAt, DateTimeOffset? AcknowledgedAt, DateTimeOffset? FixedAt);

/// <summary>
/// The webhook outbox: a ticket event becomes one webhook_delivery row per matching webhook, inside
/// the caller's transaction; a background dispatcher signs and sends it with retries.
/// </summary>
public interface IWebhookOutbox
{
    /// <summary>Queues <paramref name="eventName"/> (ticket.reported, ticket.confirmed, ticket.acknowledged, ticket.fixed, ticket.verified, ticket.rejected) for every webhook that wants it.</summary>
    Task EnqueueAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string eventName, long ticketId, string? stationOperator, object payload, CancellationToken ct);
}

/// <summary>Records a change of a station's live state that is not a signal (a ticket step, a moderation decision, a blocked device), in the caller's transaction.</summary>
public interface ILiveChangeLog
{
    /// <summary>Inserts the live_change row and its notification. After commit, pass what it returns to <see cref="ILiveChangeApplier.AppliedAsync"/>.</summary>
    Task<LiveChange> RecordAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long stationId, string cause, long? refId, CancellationToken ct);
}

/// <summary>After a commit that recorded changes: reloads what they touched into <see cref="ILiveState"/> and raises <see cref="ILiveState.Changed"/>.</summary>
public interface ILiveChangeApplier
{
    Task AppliedAsync(IReadOnlyList<LiveChange> changes, CancellationToken ct);
}
