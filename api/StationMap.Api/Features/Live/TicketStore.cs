using Npgsql;
using StationMap.Api.Infrastructure.Formats;

namespace StationMap.Api.Features.Live;

/// <summary>A fault ticket as the ticket API, webhooks and Open311 show it.</summary>
/// <param name="Id">Ticket id (Open311 service_request_id).</param>
/// <param name="StationId">The station the fault is at.</param>
/// <param name="StationName">The station's name.</param>
/// <param name="Operator">The station's operator (who works the ticket); null when unknown.</param>
/// <param name="Amenity">The amenity at fault (drinking_water, microwave, …) or station (the station itself).</param>
/// <param name="Problem">broken, empty, closed_now, wrong_location or gone.</param>
/// <param name="State">reported, confirmed, acknowledged, fixed, verified or rejected.</param>
/// <param name="Description">Free text of an Open311 request or an editor; courier notes stay with their signal.</param>
/// <param name="OpenedBy">Who opened it: crowd, staff, sensor, open311 or editor.</param>
/// <param name="ConfirmedBy">What made it public: devices (enough independent devices), staff, sensor, moderator or open311; null while reported.</param>
/// <param name="Reports">How many distinct devices reported it.</param>
/// <param name="ReportedAt">When it was opened.</param>
/// <param name="ConfirmedAt">When it became public (confirmed).</param>
/// <param name="AcknowledgedAt">When the operator acknowledged it.</param>
/// <param name="FixedAt">When it was fixed.</param>
/// <param name="VerifiedAt">When a later check-in, a working report or staff verified the fix.</param>
/// <param name="RejectedAt">When it was rejected (contradicted by staff or a sensor, or by a moderator).</param>
/// <param name="UpdatedAt">Its last step.</param>
/// <param name="Lon">The station's longitude (WGS-84 degrees).</param>
/// <param name="Lat">The station's latitude (WGS-84 degrees).</param>
/// <param name="Address">The station's address, if known.</param>
[GeoJsonGeometryMembers("lon", "lat")]
public record TicketView(long Id, long StationId, string StationName, string? Operator, string Amenity, string Problem, string State,
    string? Description, string OpenedBy, string? ConfirmedBy, int Reports, DateTimeOffset ReportedAt, DateTimeOffset? ConfirmedAt,
    DateTimeOffset? AcknowledgedAt, DateTimeOffset? FixedAt, DateTimeOffset? VerifiedAt, DateTimeOffset? RejectedAt, DateTimeOffset UpdatedAt,
    double Lon, double Lat, string? Address);

/// <summary>One step of a ticket's life.</summary>
/// <param name="State">The state it entered (reported, confirmed, …).</param>
/// <param name="At">When.</param>
/// <param name="Actor">Who: device:ID, apikey:ID:NAME, open311:apikey:ID:NAME or system.</param>
/// <param name="Note">Why, when someone said.</param>
public sealed record TicketStep(string State, DateTimeOffset At, string Actor, string? Note);

/// <summary>A ticket with its history, oldest step first.</summary>
public sealed record TicketDetail : TicketView
{
    public TicketDetail(TicketView view, IReadOnlyList<TicketStep> history) : base(view) => History = history;

    /// <summary>Every step, oldest first.</summary>
    public IReadOnlyList<TicketStep> History { get; init; }
}

/// <summary>A page of tickets.</summary>
/// <param name="Tickets">Newest first (by reported_at, then id).</param>
/// <param name="Limit">The page size asked for.</param>
/// <param name="HasMore">Whether more tickets match than were returned.</param>
public sealed record TicketList(IReadOnlyList<TicketView> Tickets, int Limit, bool HasMore);

/// <summary>What a ticket list asks for; every filter optional. Codes are Open311 service codes (amenity.problem).</summary>
public sealed record TicketFilter(long? StationId, IReadOnlyList<string>? States, string? Operator, Infrastructure.Parameters.Bbox? Bbox,
    DateTimeOffset? From, DateTimeOffset? To, IReadOnlyList<long>? Ids, int Limit, IReadOnlyList<string>? Codes = null);

/// <summary>Who is reading: every reader sees public tickets; editors, admins and the station's operator key also reported and rejected ones.</summary>
public sealed record TicketReader(bool Privileged, string? Operator)
{
    public static TicketReader Of(System.Security.Claims.ClaimsPrincipal user) => new(
        user.IsInRole(Infrastructure.ApiKeyAuth.Editor) || user.IsInRole(Infrastructure.ApiKeyAuth.Admin), Infrastructure.ApiKeyAuth.OperatorOf(user));

    public static readonly TicketReader Public = new(false, null);

    public bool MaySee(TicketView t) => Privileged || TicketStore.PublicStates.Contains(t.State)
                                        || (Operator is not null && string.Equals(Operator, t.Operator, StringComparison.Ordinal));
}

/// <summary>
/// The one reader of fault_ticket and fault_ticket_event (the rules that change them are in
/// <see cref="FaultTickets"/> and <see cref="TicketSteps"/>). Relies on fault_ticket_station_idx,
/// fault_ticket_reported_at_idx and fault_ticket_event_ticket_idx.
/// </summary>
public static class TicketStore
{
    /// <summary>Shown to everyone: confirmed and later, rejected excepted.</summary>
    public static readonly string[] PublicStates = ["confirmed", "acknowledged", "fixed", "verified"];

    const string Columns = """
        t.id, t.station_id, s.name, s.operator, t.amenity, t.problem, t.state, t.description, t.opened_by, t.confirmed_by,
        cardinality(t.reporters), t.reported_at, t.confirmed_at, t.acknowledged_at, t.fixed_at, t.verified_at, t.rejected_at, t.updated_at,
        ST_X(s.location::geometry), ST_Y(s.location::geometry), s.address
        """;

    static TicketView Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
        r.IsDBNull(7) ? null : r.GetString(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), r.GetInt32(10),
        r.GetFieldValue<DateTimeOffset>(11), At(r, 12), At(r, 13), At(r, 14), At(r, 15), At(r, 16), r.GetFieldValue<DateTimeOffset>(17),
        Math.Round(r.GetDouble(18), 7), Math.Round(r.GetDouble(19), 7), r.IsDBNull(20) ? null : r.GetString(20));

    static DateTimeOffset? At(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);

    /// <summary>One ticket (any state), inside <paramref name="tx"/> when given.</summary>
    public static async Task<TicketView?> GetAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {Columns} FROM fault_ticket t JOIN station s ON s.id = t.station_id WHERE t.id = $1", conn, tx);
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public static async Task<TicketDetail?> DetailAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long id, CancellationToken ct)
    {
        var view = await GetAsync(conn, tx, id, ct);
        return view is null ? null : new TicketDetail(view, await HistoryAsync(conn, tx, id, ct));
    }

    public static async Task<IReadOnlyList<TicketStep>> HistoryAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT state, at, actor, note FROM fault_ticket_event WHERE ticket_id = $1 ORDER BY id", conn, tx);
        cmd.Parameters.AddWithValue(id);
        var steps = new List<TicketStep>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            steps.Add(new(r.GetString(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3)));
        return steps;
    }

    /// <summary>The tickets <paramref name="reader"/> may see that match <paramref name="filter"/>, newest first, one more than the limit (to tell has_more).</summary>
    public static async Task<List<TicketView>> ListAsync(NpgsqlDataSource data, TicketFilter filter, TicketReader reader, CancellationToken ct)
    {
        var where = new List<string> { "s.deleted_at IS NULL" };
        await using var cmd = data.CreateCommand();
        string P(object value)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value });
            return "$" + cmd.Parameters.Count;
        }
        if (!reader.Privileged)
            where.Add(reader.Operator is null
                ? $"t.state = ANY({P(PublicStates)})"
                : $"(t.state = ANY({P(PublicStates)}) OR s.operator = {P(reader.Operator)})");
        if (filter.StationId is { } station) where.Add($"t.station_id = {P(station)}");
        if (filter.States is { Count: > 0 } states) where.Add($"t.state = ANY({P(states.ToArray())})");
        if (filter.Operator is { } op) where.Add($"s.operator = {P(op)}");
        if (filter.From is { } from) where.Add($"t.reported_at >= {P(from)}");
        if (filter.To is { } to) where.Add($"t.reported_at <= {P(to)}");
        if (filter.Codes is { Count: > 0 } codes) where.Add($"(t.amenity || '.' || t.problem) = ANY({P(codes.ToArray())})");
        if (filter.Ids is { Count: > 0 } ids) where.Add($"t.id = ANY({P(ids.ToArray())})");
        if (filter.Bbox is { } box)
            where.Add($"ST_Intersects(s.location, {P(box.ToWgs84(Infrastructure.Geo.Crs.Wgs84))}::geography)");
        cmd.CommandText = $"SELECT {Columns} FROM fault_ticket t JOIN station s ON s.id = t.station_id WHERE {string.Join(" AND ", where)} " +
                          $"ORDER BY t.reported_at DESC, t.id DESC LIMIT {P(filter.Limit + 1)}";
        var list = new List<TicketView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }
}
