using Npgsql;
using StationMap.Api.Features.Stations;

namespace StationMap.Api.Features.Live;

// The live layer's shared contract: the signal as the fusion reads it, and the seams between ingest
// (LiveState, LiveWriter), fault tickets, webhooks and delivery (feed and stream). The JSON every
// station answer carries under "live" (StationLive) and ILiveState are in Features/Stations/StationLive.cs,
// so that station answers need nothing of this feature. See README "Live station state".

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

    /// <summary>
    /// False when <see cref="OnSignalAsync"/> would certainly do nothing for this signal, judged from the
    /// in-memory state (a check-in at a station with no fixed ticket and no recent staff or sensor crowding):
    /// the writer then stores it in one statement, without a transaction around the rules.
    /// </summary>
    bool MayAct(SignalDraft draft);
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
    /// <summary>Inserts the live_change row. After commit, pass what it returns to <see cref="ILiveChangeApplier.AppliedAsync"/>.</summary>
    Task<LiveChange> RecordAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long stationId, string cause, long? refId, CancellationToken ct);
}

/// <summary>After a commit that recorded changes: reloads what they touched into <see cref="ILiveState"/>, raises <see cref="ILiveState.Changed"/> and announces them to the other instances.</summary>
public interface ILiveChangeApplier
{
    Task AppliedAsync(IReadOnlyList<LiveChange> changes, CancellationToken ct);
}
