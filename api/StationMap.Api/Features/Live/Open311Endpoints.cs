using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;
using StationMap.Api.Infrastructure;

namespace StationMap.Api.Features.Live;

/// <param name="ServiceRequestId">Comma-separated ticket ids; when given, the other filters are ignored (GeoReport v2).</param>
/// <param name="ServiceCode">Comma-separated service codes (from services.json).</param>
/// <param name="StartDate">Requests made at or after this instant (ISO 8601 with offset); default 90 days before end_date.</param>
/// <param name="EndDate">Requests made at or before this instant (ISO 8601 with offset); default now.</param>
/// <param name="Status">open or closed (comma-separated for both).</param>
/// <param name="JurisdictionId">Accepted and ignored: this server has one jurisdiction.</param>
public sealed record Open311Query(
    [FromQuery(Name = "service_request_id")] string? ServiceRequestId,
    [FromQuery(Name = "service_code")] string? ServiceCode,
    [FromQuery(Name = "start_date")] string? StartDate,
    [FromQuery(Name = "end_date")] string? EndDate,
    [FromQuery(Name = "status")] string? Status,
    [FromQuery(Name = "jurisdiction_id")] string? JurisdictionId);

/// <param name="JurisdictionId">Accepted and ignored: this server has one jurisdiction.</param>
public sealed record Open311Jurisdiction([FromQuery(Name = "jurisdiction_id")] string? JurisdictionId);

/// <summary>
/// Open311 GeoReport v2 over fault tickets, in JSON and in XML (each <c>.json</c> endpoint has its
/// <c>.xml</c> twin, <see cref="Open311Xml"/>), for city 12345-hotline systems: a service per amenity and
/// problem, a service request per ticket. Errors are this API's problem (problem+json, or problem+xml on
/// the XML side; errors keyed by parameter) with the GeoReport error list beside it in <c>open311_errors</c>.
/// </summary>
public static class Open311Endpoints
{
    public const string Prefix = "/open311/v2";
    const int MaxRequests = 1000;
    static readonly TimeSpan DefaultSpan = TimeSpan.FromDays(90);

    public static WebApplication MapOpen311(this WebApplication app)
    {
        var group = app.MapGroup(Prefix).WithTags("Open311");
        group.MapGet("/discovery.json", Discovery)
            .WithName("Open311Discovery")
            .WithSummary("Open311 service discovery: where the GeoReport v2 endpoint is and which formats it speaks")
            .WithDescription("One production endpoint, in JSON and XML (every .json path has its .xml twin); jurisdiction_id is accepted and ignored everywhere.");
        group.MapGet("/discovery.xml", Discovery).AsXml().WithName("Open311DiscoveryXml").WithSummary("Open311 service discovery, GeoReport XML");
        group.MapGet("/services.json", Services)
            .WithName("Open311Services")
            .WithSummary("GeoReport v2 service list: one service per amenity problem (microwave.broken, drinking_water.empty, station.gone, …)")
            .WithDescription("Every amenity of the station vocabulary can be broken; drinking_water can also be empty; the station itself closed_now, wrong_location or gone. " +
                             "All are realtime (a request is a ticket at once) and have attributes (station_id, external_ref).");
        group.MapGet("/services.xml", Services).AsXml().WithName("Open311ServicesXml").WithSummary("GeoReport v2 service list, XML (<services><service>…)");
        group.MapGet("/services/{code}.json", Service)
            .WithName("Open311ServiceDefinition")
            .WithSummary("GeoReport v2 service definition: the attributes a request may carry (station_id, external_ref)")
            .WithDescription("404 (problem+json with open311_errors) for a code services.json does not list.")
            .ProducesProblem(404);
        group.MapGet("/services/{code}.xml", Service).AsXml().WithName("Open311ServiceDefinitionXml")
            .WithSummary("GeoReport v2 service definition, XML (<service_definition>; errors as problem+xml)").ProducesProblem(404);
        group.MapGet("/requests.json", Requests)
            .WithName("Open311Requests")
            .WithSummary("GeoReport v2 service requests (fault tickets), newest first, at most 1000")
            .WithDescription("status is open until the ticket is fixed, verified or rejected (closed); status_notes is the ticket's state; agency_responsible " +
                             "the station's operator. Public callers see tickets once confirmed; an editor key also reported and rejected ones.")
            .ProducesProblem(400);
        group.MapGet("/requests.xml", Requests).AsXml().WithName("Open311RequestsXml")
            .WithSummary("GeoReport v2 service requests, XML (<service_requests><request>…; errors as problem+xml)").ProducesProblem(400);
        group.MapGet("/requests/{service_request_id}.json", Request)
            .WithName("Open311Request")
            .WithSummary("One GeoReport v2 service request (a list of one, as the specification has it)")
            .WithDescription("404 when there is no such ticket or the caller may not see it (reported and rejected tickets need an editor key).")
            .ProducesProblem(400).ProducesProblem(404);
        group.MapGet("/requests/{service_request_id}.xml", Request).AsXml().WithName("Open311RequestXml")
            .WithSummary("One GeoReport v2 service request, XML (a <service_requests> of one)").ProducesProblem(400).ProducesProblem(404);
        group.MapPost("/requests.json", Create)
            .RequireAuthorization(Open311Auth.Policy)
            .Accepts<Open311RequestForm>("application/x-www-form-urlencoded", "application/json")
            .WithName("Open311CreateRequest")
            .WithSummary("Report a fault as a GeoReport v2 service request (editor key in api_key or X-Api-Key)")
            .WithDescription("service_code from services.json; the station is attribute[station_id], or else the nearest station within 300 m of lat/long. " +
                             "The ticket is confirmed at once (confirmed_by open311) or, when the station already has an unfinished ticket for the same problem, " +
                             "the request joins it. Answers 201 with [{service_request_id, service_notice, account_id}].")
            .Produces<IReadOnlyList<Open311Created>>(201).ProducesProblem(400).ProducesProblem(415);
        group.MapPost("/requests.xml", Create).AsXml()
            .RequireAuthorization(Open311Auth.Policy)
            .Accepts<Open311RequestForm>("application/x-www-form-urlencoded", "application/json")
            .WithName("Open311CreateRequestXml")
            .WithSummary("Report a fault as a GeoReport v2 service request, answered in XML (201 <service_requests><request>, Location the .xml request)")
            .Produces<IReadOnlyList<Open311Created>>(201).ProducesProblem(400).ProducesProblem(415);
        // Anything else under the prefix is a 404 problem, never the client's index.html.
        group.MapGet("/{**rest}", (string? rest) => Error(Problems.RouteNotFound, 404, "path", $"{Prefix}/{rest} is not part of the Open311 facade; see {Prefix}/discovery.json."))
            .ExcludeFromDescription();
        return app;
    }

    static Ok<Open311DiscoveryDocument> Discovery([AsParameters] Open311Jurisdiction _, HttpRequest request) =>
        TypedResults.Ok(new Open311DiscoveryDocument("2026-12-01T00:00:00Z", "the station operator's hotline", "an editor API key (./stationmap apikey create --role editor)",
            [new Open311Endpoint("http://wiki.open311.org/GeoReport_v2", $"{request.Scheme}://{request.Host}{request.PathBase}{Prefix}", "2026-12-01T00:00:00Z",
                "production", ["application/json", Open311Xml.MediaType])]));

    static Ok<IReadOnlyList<Open311Service>> Services([AsParameters] Open311Jurisdiction _) => TypedResults.Ok(Open311Catalogue.Services);

    /// <summary>One service's definition.</summary>
    /// <param name="code">A service_code of services.json (amenity.problem, e.g. microwave.broken).</param>
    /// <param name="_">Unused.</param>
    static Results<Ok<Open311ServiceDefinition>, ProblemHttpResult> Service(string code, [AsParameters] Open311Jurisdiction _) =>
        Open311Catalogue.Find(code) is { } service
            ? TypedResults.Ok(new Open311ServiceDefinition(service.ServiceCode, Open311Catalogue.Attributes))
            : Error(Problems.RouteNotFound, 404, "service_code", $"There is no service '{code}'; see services.json.");

    static async Task<Results<Ok<IReadOnlyList<Open311Request>>, ProblemHttpResult>> Requests(
        [AsParameters] Open311Query query, NpgsqlDataSource data, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var errors = new List<(string, string)>();
        List<long>? ids = null;
        if (query.ServiceRequestId is { } idText)
        {
            ids = [];
            foreach (var part in idText.Split(',', StringSplitOptions.TrimEntries))
                if (long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0) ids.Add(id);
                else errors.Add(("service_request_id", $"service_request_id: '{part}' is not a request id (a positive whole number)."));
        }
        var services = new List<Open311Service>();
        foreach (var code in query.ServiceCode?.Split(',', StringSplitOptions.TrimEntries) ?? [])
            if (Open311Catalogue.Find(code) is { } s) services.Add(s);
            else errors.Add(("service_code", $"service_code: '{code}' is not a service; see services.json."));
        var end = Instant(query.EndDate, "end_date", errors) ?? clock.GetUtcNow();
        var start = Instant(query.StartDate, "start_date", errors) ?? end - DefaultSpan;
        var statuses = query.Status?.Split(',', StringSplitOptions.TrimEntries) ?? [];
        foreach (var s in statuses.Where(s => s is not ("open" or "closed"))) errors.Add(("status", $"status: '{s}' is not open or closed."));
        if (errors.Count > 0) return Invalid(errors);

        TicketFilter filter;
        if (ids is not null) filter = new(null, null, null, null, null, null, ids, MaxRequests);
        else
        {
            IReadOnlyList<string>? states = statuses.Distinct().Count() == 1 ? statuses[0] == "open" ? Open311Request.OpenStates : Open311Request.ClosedStates : null;
            filter = new(null, states, null, null, start, end, null, MaxRequests, services.Select(s => s.ServiceCode).ToList());
        }
        var tickets = await TicketStore.ListAsync(data, filter, TicketReader.Of(user), ct);
        return TypedResults.Ok<IReadOnlyList<Open311Request>>(tickets.Take(MaxRequests).Select(Open311Request.From).ToList());
    }

    /// <summary>One request.</summary>
    /// <param name="serviceRequestId">The service_request_id (a ticket id).</param>
    /// <param name="_">Unused.</param>
    /// <param name="data">Database.</param>
    /// <param name="user">Caller.</param>
    /// <param name="ct">Cancellation.</param>
    static async Task<Results<Ok<IReadOnlyList<Open311Request>>, ProblemHttpResult>> Request(
        [FromRoute(Name = "service_request_id")] string serviceRequestId, [AsParameters] Open311Jurisdiction _, NpgsqlDataSource data, ClaimsPrincipal user,
        CancellationToken ct)
    {
        if (!long.TryParse(serviceRequestId, NumberStyles.None, CultureInfo.InvariantCulture, out var ticketId) || ticketId < 1)
            return Invalid([("service_request_id", $"service_request_id: '{serviceRequestId}' is not a request id (a positive whole number).")]);
        await using var conn = await data.OpenConnectionAsync(ct);
        var ticket = await TicketStore.GetAsync(conn, null, ticketId, ct);
        if (ticket is null || !TicketReader.Of(user).MaySee(ticket))
            return Error(Problems.TicketNotFound, 404, "service_request_id", $"There is no service request {ticketId}.");
        return TypedResults.Ok<IReadOnlyList<Open311Request>>([Open311Request.From(ticket)]);
    }

    static async Task<Results<Created<IReadOnlyList<Open311Created>>, ProblemHttpResult>> Create(
        HttpRequest request, NpgsqlDataSource data, ClaimsPrincipal user, TicketSteps steps, IServiceProvider services,
        IOptionsMonitor<LiveOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var form = await Open311Body.ReadAsync(request, ct);
        if (form is null)
            return Error(Problems.UnsupportedMediaType, 415, "body", "Send the request as application/x-www-form-urlencoded or application/json (an object).");
        if (form.BadField is { } bad) return Invalid([(bad, form.Error!)]);
        var errors = new List<(string, string)>();
        string? Field(string name) => form.Fields.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var code = Field("service_code");
        var service = code is null ? null : Open311Catalogue.Find(code);
        if (code is null) errors.Add(("service_code", "service_code is required (see services.json)."));
        else if (service is null) errors.Add(("service_code", $"service_code: '{code}' is not a service; see services.json."));
        var lat = Number(Field("lat"), "lat", 90, errors);
        var lon = Number(Field("long"), "long", 180, errors);
        if ((lat is null) != (lon is null)) errors.Add((lat is null ? "lat" : "long", "lat and long go together."));
        long? stationId = null;
        if (Field("attribute[station_id]") is { } sid)
        {
            if (long.TryParse(sid, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0) stationId = s;
            else errors.Add(("attribute[station_id]", "attribute[station_id] must be a station id (a positive whole number)."));
        }
        if (stationId is null && lat is null && lon is null && !errors.Any(e => e.Item1 is "lat" or "long"))
            errors.Add(("lat", "lat and long (or attribute[station_id]) are required: the station is the nearest one within 300 m."));
        var description = Field("description");
        if (description is { Length: > 2000 }) errors.Add(("description", "description must be at most 2000 characters."));
        var externalRef = Field("attribute[external_ref]");
        if (externalRef is { Length: > 200 }) errors.Add(("attribute[external_ref]", "attribute[external_ref] must be at most 200 characters."));
        if (errors.Count > 0) return Invalid(errors);

        var geofence = options.CurrentValue.GeofenceMetres;
        var now = clock.GetUtcNow();
        await using var conn = await data.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var station = await StationAsync(conn, tx, stationId, lon, lat, geofence, ct);
        if (station is null)
            return stationId is not null
                ? Invalid([("attribute[station_id]", $"attribute[station_id]: there is no station {stationId}.")])
                : Invalid([("lat", $"lat/long: there is no station within {geofence:0} m of {lat}, {lon}.")]);
        if (stationId is not null && lat is not null && station.Value.DistanceM > geofence)
            return Invalid([("lat", $"lat/long are {station.Value.DistanceM:0} m from station {stationId}, more than {geofence:0} m.")]);

        var actor = "open311:" + ApiKeyAuth.Actor(user);
        var (ticket, opened) = await steps.OpenOrJoinAsync(conn, tx, station.Value.Id, service!.Amenity, service.Problem, "open311", null, description, externalRef,
            actor, null, now, ct);
        var changed = opened;
        if (ticket.State == "reported")
        {
            await steps.StepAsync(conn, tx, ticket, "confirmed", actor, null, "reported through Open311", now, ct, confirmedBy: "open311");
            await steps.TrustAsync(conn, tx, ticket.Reporters, confirmed: true, ct);
            changed = true;
        }
        var change = changed ? await LiveChanges.RecordAsync(services, conn, tx, ticket.StationId, "ticket", ticket.Id, ct) : null;
        await tx.CommitAsync(ct);
        await LiveChanges.AppliedAsync(services, change, ct);
        var notice = opened
            ? $"Ticket {ticket.Id} at station {station.Value.Id} is open and confirmed; its operator is notified."
            : $"Station {station.Value.Id} already has an open ticket for this problem ({ticket.Id}); the request joins it.";
        return TypedResults.Created($"{Prefix}/requests/{ticket.Id}.json",
            (IReadOnlyList<Open311Created>)[new Open311Created(ticket.Id.ToString(CultureInfo.InvariantCulture), notice, null)]);
    }

    /// <summary>The named station (with its distance from lat/long when given), or the nearest within the geofence (station_location_gist, KNN).</summary>
    static async Task<(long Id, double DistanceM)?> StationAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long? stationId, double? lon, double? lat,
        double geofence, CancellationToken ct)
    {
        await using var cmd = stationId is not null
            ? new NpgsqlCommand("SELECT id, CASE WHEN $2::float8 IS NULL THEN 0 ELSE ST_Distance(location, ST_MakePoint($2, $3)::geography) END " +
                                "FROM station WHERE id = $1 AND deleted_at IS NULL", conn, tx)
            : new NpgsqlCommand("SELECT id, ST_Distance(location, ST_MakePoint($2, $3)::geography) FROM station " +
                                "WHERE $1::bigint IS NULL AND deleted_at IS NULL AND ST_DWithin(location, ST_MakePoint($2, $3)::geography, $4) " +
                                "ORDER BY location <-> ST_MakePoint($2, $3)::geography LIMIT 1", conn, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)stationId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)lon ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Double });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)lat ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Double });
        if (stationId is null) cmd.Parameters.AddWithValue(geofence);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.GetInt64(0), r.GetDouble(1)) : null;
    }

    static double? Number(string? text, string name, double bound, List<(string, string)> errors)
    {
        if (text is null) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && Math.Abs(v) <= bound) return v;
        errors.Add((name, $"{name} must be a number of degrees between -{bound} and {bound}."));
        return null;
    }

    static DateTimeOffset? Instant(string? text, string name, List<(string, string)> errors)
    {
        if (text is null) return null;
        // GeoReport dates carry a zone (Z or ±HH:MM); one without is refused rather than guessed.
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            && (text.EndsWith('Z') || text.EndsWith('z') || System.Text.RegularExpressions.Regex.IsMatch(text, @"[+-]\d{2}:?\d{2}$"))
            && at.Year is >= 1900 and <= 9000)
            return at;
        errors.Add((name, $"{name} must be an ISO 8601 instant with Z or an offset (2026-12-01T08:00:00+08:00)."));
        return null;
    }

    /// <summary>A 400 naming every parameter, with the GeoReport error list beside the problem's errors.</summary>
    static ProblemHttpResult Invalid(List<(string Name, string Message)> errors) => Problems.Of(Problems.InvalidParameters,
        string.Join(" ", errors.Select(e => e.Message)), new Dictionary<string, object?>
        {
            ["errors"] = errors.GroupBy(e => e.Name).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            ["open311_errors"] = errors.Select(e => new Open311Error(400, e.Message)).ToList(),
        });

    static ProblemHttpResult Error(ProblemKind kind, int code, string name, string message) => Problems.Of(kind, message,
        new Dictionary<string, object?> { ["open311_errors"] = new[] { new Open311Error(code, message) } });
}
