using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Formats;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Api.Features.Live;

/// <param name="StationId">Only tickets of this station.</param>
/// <param name="State">Comma-separated states (reported, confirmed, acknowledged, fixed, verified, rejected); default every state the caller may see.</param>
/// <param name="Operator">Only tickets of stations of this operator.</param>
/// <param name="Bbox">Only tickets of stations in this box (WGS-84 degrees minLon,minLat,maxLon,maxLat).</param>
/// <param name="Limit">At most this many tickets, 1–1000 (default 100).</param>
/// <param name="Format">json (a page) or geojson (a FeatureCollection of the stations' points, for the planner's fault map).</param>
public sealed record TicketQuery(
    [FromQuery(Name = "station_id")] long? StationId,
    [FromQuery(Name = "state")] string? State,
    [FromQuery(Name = "operator")] string? Operator,
    [FromQuery(Name = "bbox")] Bbox? Bbox,
    [FromQuery(Name = "limit")] int? Limit,
    [FromQuery(Name = "format")] OutputFormat? Format);

/// <summary>The foreign members of the ticket FeatureCollection.</summary>
public sealed record TicketPageMembers(int Limit, bool HasMore);

/// <summary>A step asked of a ticket.</summary>
/// <param name="State">acknowledged, fixed or verified (an operator key on its own stations, or editor/admin); rejected (editor/admin).</param>
/// <param name="Note">Why, shown in the ticket's history (at most 2000 characters).</param>
public sealed record TicketTransitionRequest(string? State, string? Note);

/// <summary>
/// Fault tickets: public reads of confirmed and later tickets (reported and rejected too for editors,
/// admins and the station's operator key), and the steps operators and editors take.
/// </summary>
public static class TicketEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public const int MaxNote = 2000;
    public static readonly string[] TransitionStates = ["acknowledged", "fixed", "verified", "rejected"];
    static readonly string[] OperatorStates = ["acknowledged", "fixed", "verified"];

    public static RouteGroupBuilder MapTickets(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/tickets").WithTags("Fault tickets");
        group.MapGet("/", List)
            .WithName("ListTickets")
            .WithSummary("Fault tickets, newest first; JSON or GeoJSON (the map of open faults)")
            .WithDescription("Public callers see confirmed, acknowledged, fixed and verified tickets; editors and admins also reported and rejected ones, " +
                             "an operator key also those of its own operator's stations. Filters: station_id, state (comma-separated), operator, bbox; limit ≤ 1000.");
        group.MapGet("/{id:long}", Get)
            .WithName("GetTicket")
            .WithSummary("One fault ticket with its history (every step: state, at, actor, note)")
            .WithDescription("404 when there is no such ticket or the caller may not see it (a reported or rejected ticket, without an editor key or the station's operator key).")
            .ProducesProblem(404);
        group.MapPost("/{id:long}/transitions", Transition)
            .RequireAuthorization(ApiKeyAuth.LiveWriter)
            .WithName("TransitionTicket")
            .WithSummary("Move a ticket on: acknowledged, fixed, verified (operator key of the station's operator, or editor/admin) or rejected (editor/admin)")
            .WithDescription("Legal steps: confirmed → acknowledged; confirmed or acknowledged → fixed; fixed → verified; reported, confirmed or acknowledged → rejected " +
                             "(its reporting devices lose trust). Any other step is 409 /problems/ticket-transition. Another operator's station is 403 /problems/operator-scope. " +
                             "Each step sets its timestamp, is recorded in the history and sent to webhooks as ticket.<state>. Answers the ticket with its history.")
            .ProducesProblem(404).ProducesProblem(409);
        return api;
    }

    static async Task<Results<Ok<TicketList>, GeoJson<TicketView, TicketPageMembers>, ValidationProblem>> List(
        [AsParameters] TicketQuery query, NpgsqlDataSource data, ClaimsPrincipal user, CancellationToken ct)
    {
        var v = new Validation();
        var format = OutputFormat.Of(query.Format, v, Format.Json, Format.Json, Format.GeoJson);
        v.Range(query.Limit, "limit", 1, MaxLimit);
        if (query.StationId is < 1) v.Add("station_id", "station_id must be a positive station id.");
        var states = ParseStates(query.State, v);
        if (query.Operator is { Length: 0 or > 200 }) v.Add("operator", "operator must be 1–200 characters.");
        if (!v.IsValid) return v.Problem();

        var limit = query.Limit ?? DefaultLimit;
        var rows = await TicketStore.ListAsync(data, new(query.StationId, states, query.Operator, query.Bbox, null, null, null, limit), TicketReader.Of(user), ct);
        var hasMore = rows.Count > limit;
        var tickets = rows.Take(limit).ToList();
        if (format == Format.GeoJson)
            return GeoJson.Collection<TicketView, TicketPageMembers>(Crs.Wgs84,
                tickets.Select(t => GeoJson.Feature(GeoJsonGeometry.Point(t.Lon, t.Lat, Crs.Wgs84), GeoJson.Properties(t), t.Id)),
                new TicketPageMembers(limit, hasMore));
        return TypedResults.Ok(new TicketList(tickets, limit, hasMore));
    }

    /// <summary>Comma-separated ticket states; null when absent.</summary>
    public static List<string>? ParseStates(string? text, Validation v, string name = "state")
    {
        if (text is null) return null;
        var states = text.Split(',', StringSplitOptions.TrimEntries).ToList();
        foreach (var s in states.Where(s => !LiveVocabulary.TicketStates.Contains(s)))
            v.Add(name, $"{name}: '{s}' is not a ticket state; use {string.Join(", ", LiveVocabulary.TicketStates)}.");
        return states;
    }

    static async Task<Results<Ok<TicketDetail>, ProblemHttpResult>> Get(long id, NpgsqlDataSource data, ClaimsPrincipal user, CancellationToken ct)
    {
        await using var conn = await data.OpenConnectionAsync(ct);
        var ticket = await TicketStore.DetailAsync(conn, null, id, ct);
        return ticket is not null && TicketReader.Of(user).MaySee(ticket) ? TypedResults.Ok(ticket) : NotFound(id);
    }

    public static ProblemHttpResult NotFound(long id) => Problems.Of(Problems.TicketNotFound, $"There is no fault ticket {id} that this caller may see.");

    static async Task<Results<Ok<TicketDetail>, ProblemHttpResult, ValidationProblem>> Transition(
        long id, TicketTransitionRequest body, NpgsqlDataSource data, ClaimsPrincipal user, TicketSteps steps, IServiceProvider services,
        TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        if (body.State is null) v.Add("state", "state is required: one of acknowledged, fixed, verified, rejected.");
        else if (!TransitionStates.Contains(body.State)) v.Add("state", $"state must be one of {string.Join(", ", TransitionStates)}.");
        if (body.Note is { Length: > MaxNote }) v.Add("note", $"note must be at most {MaxNote} characters.");
        if (!v.IsValid) return v.Problem();

        await using var conn = await data.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var ticket = await TicketSteps.LockAsync(conn, tx, id, ct);
        if (ticket is null) return NotFound(id);
        var isOperator = ApiKeyAuth.OperatorOf(user) is not null;
        if (!ApiKeyAuth.MaySpeakFor(user, ticket.Operator))
        {
            // An operator key may not even learn whether another operator's reported ticket exists.
            var view = await TicketStore.GetAsync(conn, tx, id, ct);
            if (!TicketReader.Of(user).MaySee(view!)) return NotFound(id);
            return Problems.Of(Problems.OperatorScope,
                $"Ticket {id} is at a station of {(ticket.Operator is null ? "no operator" : $"operator '{ticket.Operator}'")}; this key speaks for '{ApiKeyAuth.OperatorOf(user)}' only.");
        }
        if (isOperator && !OperatorStates.Contains(body.State))
            return Problems.Of(Problems.Forbidden, "An operator key may acknowledge, fix and verify its own stations' tickets; rejecting needs an editor or admin key.");
        if (!TicketSteps.From[body.State!].Contains(ticket.State))
            return Problems.Of(Problems.TicketTransition,
                $"Ticket {id} is {ticket.State}; {body.State} can follow only {string.Join(" or ", TicketSteps.From[body.State!])}.",
                new Dictionary<string, object?> { ["state"] = ticket.State, ["allowed_from"] = TicketSteps.From[body.State!] });

        await steps.StepAsync(conn, tx, ticket, body.State!, ApiKeyAuth.Actor(user), null, body.Note, clock.GetUtcNow(), ct);
        if (body.State == "rejected") await steps.TrustAsync(conn, tx, ticket.Reporters, confirmed: false, ct);
        var change = await LiveChanges.RecordAsync(services, conn, tx, ticket.StationId, "ticket", ticket.Id, ct);
        var detail = await TicketStore.DetailAsync(conn, tx, id, ct);
        await tx.CommitAsync(ct);
        await LiveChanges.AppliedAsync(services, change, ct);
        return TypedResults.Ok(detail!);
    }
}

/// <summary>
/// The ingest's change log and its applier, when registered (the ingest core provides them): a ticket
/// step or moderation decision outside a signal records one live_change and, after commit, lets the
/// live state reload the station.
/// </summary>
static class LiveChanges
{
    public static async Task<LiveChange?> RecordAsync(IServiceProvider services, NpgsqlConnection conn, NpgsqlTransaction tx, long stationId, string cause,
        long refId, CancellationToken ct) =>
        services.GetService<ILiveChangeLog>() is { } log ? await log.RecordAsync(conn, tx, stationId, cause, refId, ct) : null;

    public static async Task AppliedAsync(IServiceProvider services, LiveChange? change, CancellationToken ct)
    {
        if (change is not null && services.GetService<ILiveChangeApplier>() is { } applier) await applier.AppliedAsync([change], ct);
    }
}
