using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using StationMap.Api.Features.Stations;
using StationMap.Api.Infrastructure;
using StationMap.Api.Infrastructure.Geo;
using StationMap.Api.Infrastructure.Parameters;

namespace StationMap.Api.Features.Live;

/// <summary>Body of POST /stations/{id}/checkins: "I'm here".</summary>
/// <param name="Lon">Where the phone is (WGS-84 unless crs= says otherwise); must be within the geofence of the station.</param>
/// <param name="Lat">Where the phone is.</param>
/// <param name="Crowding">empty | some_seats | full.</param>
/// <param name="SeatsFree">Free seats counted, if the courier cares to say (0–10000).</param>
public sealed record CheckinBody(double? Lon, double? Lat, string? Crowding, int? SeatsFree);

/// <summary>Body of POST /stations/{id}/reports: "something is wrong (or right again)".</summary>
/// <param name="Lon">Where the phone is; within the geofence.</param>
/// <param name="Lat">Where the phone is.</param>
/// <param name="Amenity">An amenity (microwave, drinking_water, battery_swap, …) or "station" for the station itself.</param>
/// <param name="State">working | broken (equipment); also empty (drinking_water); charged_available (battery_swap, with charged_available); operating | closed_now | wrong_location | gone (station).</param>
/// <param name="ChargedAvailable">Charged batteries in the swap cabinet, with state charged_available.</param>
/// <param name="Note">Free text for the operator (at most 500 characters).</param>
public sealed record ReportBody(double? Lon, double? Lat, string? Amenity, string? State, int? ChargedAvailable, string? Note);

/// <summary>The answer to a check-in, report or live PUT: what was stored and the station's live state after it.</summary>
/// <param name="Id">The (last) stored signal's id.</param>
/// <param name="StationId">The station.</param>
/// <param name="ReceivedAt">When the server stored it.</param>
/// <param name="Live">The station's live state after the signal.</param>
/// <param name="Written">Signals stored (a live PUT that repeats what it said before stores none).</param>
public sealed record SignalAnswer(long Id, long StationId, DateTimeOffset ReceivedAt, StationLive Live, int Written = 1)
{
    /// <summary>The fault ticket a report opened or joined, if any.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public TicketRef? Ticket { get; init; }
}

/// <summary>A fault ticket named in an answer.</summary>
public sealed record TicketRef(long Id, string State);

/// <summary>GET /stations/{id}/live: the live state, the open public faults and the whole typical profile.</summary>
public sealed record StationLiveAnswer(long StationId, StationLive Live, IReadOnlyList<FaultSummary> Faults, TypicalProfileView TypicalProfile);

/// <summary>GET /keys/me: who the key sent is.</summary>
public sealed record KeyView(long Id, string Name, string Role, [property: Infrastructure.OpenApi.NullableObject] string? Operator);

/// <summary>What the live endpoints need to know of a station.</summary>
internal sealed record LiveStation(long Id, string? Operator, double Lon, double Lat, int? Capacity);

/// <summary>
/// The couriers' and operators' writes (check-ins, reports, live PUT) and the station's live read.
/// Order of checks for a crowd signal: the station exists (404), the body is valid (400), the device
/// token (401/403), the geofence (422), the limits (429); then one transaction (<see cref="LiveWriter"/>).
/// </summary>
public static class SignalEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var stations = api.MapGroup("/stations").WithTags("Live");
        stations.MapPost("/{id:long}/checkins", Checkin)
            .WithName("CheckIn")
            .WithMetadata(new Infrastructure.OpenApi.DeviceTokenEndpoint())
            .WithSummary("\"I'm here\": a courier's check-in with the crowding seen (device token)")
            .WithDescription("Needs X-Device-Token (POST /api/v1/devices). The phone's position must be within the geofence of the station " +
                             "(300 m by default; 422 otherwise); limits per device, per device and station, per client address and per station " +
                             "(429 with Retry-After). A check-in counts as a visit and feeds the station's typical crowding profile.")
            .Accepts<CheckinBody>("application/json")
            .Produces<SignalAnswer>(201).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .ProducesProblem(422).ProducesProblem(429);
        stations.MapPost("/{id:long}/reports", Report)
            .WithName("ReportProblem")
            .WithMetadata(new Infrastructure.OpenApi.DeviceTokenEndpoint())
            .WithSummary("A courier's report on an amenity or the station (broken, empty, working, batteries, closed now, gone)")
            .WithDescription("Needs X-Device-Token; same geofence and limits as check-ins. A fault (broken, empty, closed_now, wrong_location, gone) " +
                             "opens or joins a ticket; it becomes public (confirmed) after a second independent device or one staff or sensor confirmation.")
            .Accepts<ReportBody>("application/json")
            .Produces<SignalAnswer>(201).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404)
            .ProducesProblem(422).ProducesProblem(429);
        stations.MapPut("/{id:long}/live", PutLive)
            .RequireAuthorization(ApiKeyAuth.LiveWriter)
            .WithName("PutLive")
            .WithSummary("Staff toggles and sensor readings: seats, occupancy, crowding, batteries, amenity states (operator key)")
            .WithDescription("An operator key may change only its own operator's stations (403 otherwise); editors and admins any. " +
                             "Body: source (staff | sensor, default staff), observed_at (default now), and any of crowding, seats_free, occupancy, " +
                             "charged_available, operating (operating | closed_now), amenities ({name: working | broken | empty}); each value may be " +
                             "{\"value\": …, \"observed_at\": …}. Idempotent: what this key already said with the same observed_at is not stored again.")
            .Accepts<JsonObject>("application/json")
            .Produces<SignalAnswer>(200).ProducesValidationProblem().ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        stations.MapGet("/{id:long}/live", Get)
            .WithName("GetStationLive")
            .WithSummary("The station's live state with sources and confidence, its open faults and its 7 × 24 typical crowding")
            .Produces<StationLiveAnswer>(200).ProducesProblem(404);
        api.MapGet("/keys/me", KeyMe)
            .RequireAuthorization()
            .WithTags("Live")
            .WithName("GetKey")
            .WithSummary("The API key sent: its id, name, role and, for an operator key, its operator")
            .Produces<KeyView>(200).ProducesProblem(401);
    }

    internal static async Task<LiveStation?> FindStationAsync(long id, StationIndex index, NpgsqlDataSource data, CancellationToken ct)
    {
        if (index.IsLoaded)
            return index.Find(id) is { } r ? new LiveStation(r.Id, r.Row.Operator, r.Row.Location.X, r.Row.Location.Y, r.Row.Capacity) : null;
        await using var cmd = data.CreateCommand(
            "SELECT id, operator, ST_X(location::geometry), ST_Y(location::geometry), capacity FROM station WHERE id = $1 AND deleted_at IS NULL");
        cmd.Parameters.AddWithValue(id);
        await using var rd = await cmd.ExecuteReaderAsync(ct);
        return await rd.ReadAsync(ct)
            ? new LiveStation(rd.GetInt64(0), rd.IsDBNull(1) ? null : rd.GetString(1), rd.GetDouble(2), rd.GetDouble(3), rd.IsDBNull(4) ? null : rd.GetInt32(4))
            : null;
    }

    static async Task<Results<Created<SignalAnswer>, ValidationProblem, ProblemHttpResult>> Checkin(
        long id, [AsParameters] WriteQuery query, CheckinBody? body, HttpContext http, StationIndex index, NpgsqlDataSource data,
        DeviceStore devices, LiveLimits limits, LiveWriter writer, LiveState state, IOptions<LiveOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var station = await FindStationAsync(id, index, data, ct);
        if (station is null) return Problems.StationNotFound(id);
        var v = new Validation();
        var crs = CrsParameter.Or(query.Crs);
        v.Coordinates(body?.Lon, body?.Lat);
        if (body?.Crowding is null) v.Add("crowding", "crowding is required: empty, some_seats or full");
        else if (!LiveVocabulary.Crowding.Contains(body.Crowding)) v.Add("crowding", "crowding: must be empty, some_seats or full");
        v.Range(body?.SeatsFree, "seats_free", 0, 10_000);
        if (!v.IsValid) return v.Problem();
        var (device, refused) = await devices.RequireAsync(http, ct);
        if (refused is not null) return refused;
        if (Geofence(station, crs, body!.Lon!.Value, body.Lat!.Value, options.Value, out var distance) is { } far) return far;
        if (limits.CrowdSignal(http, device!.Id, id, checkin: true) is { } limited) return limited;

        var fields = new LiveFields(Crowding: body.Crowding, SeatsFree: body.SeatsFree);
        var written = await writer.WriteAsync([new SignalDraft(id, "checkin", LiveSources.Crowd, device.Id, null, device.Trust, clock.GetUtcNow(), distance, fields)], ct);
        return Created(id, written, state, clock);
    }

    static async Task<Results<Created<SignalAnswer>, ValidationProblem, ProblemHttpResult>> Report(
        long id, [AsParameters] WriteQuery query, ReportBody? body, HttpContext http, StationIndex index, NpgsqlDataSource data,
        DeviceStore devices, LiveLimits limits, LiveWriter writer, LiveState state, IOptions<LiveOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var station = await FindStationAsync(id, index, data, ct);
        if (station is null) return Problems.StationNotFound(id);
        var v = new Validation();
        var crs = CrsParameter.Or(query.Crs);
        v.Coordinates(body?.Lon, body?.Lat);
        var fields = ReportFields(body, v);
        if (body?.Note is { Length: > 500 }) v.Add("note", "note: at most 500 characters");
        if (!v.IsValid) return v.Problem();
        var (device, refused) = await devices.RequireAsync(http, ct);
        if (refused is not null) return refused;
        if (Geofence(station, crs, body!.Lon!.Value, body.Lat!.Value, options.Value, out var distance) is { } far) return far;
        if (limits.CrowdSignal(http, device!.Id, id, checkin: false) is { } limited) return limited;

        var draft = new SignalDraft(id, "report", LiveSources.Crowd, device.Id, null, device.Trust, clock.GetUtcNow(), distance, fields!,
            body.Amenity, body.State, string.IsNullOrWhiteSpace(body.Note) ? null : body.Note.Trim());
        var written = await writer.WriteAsync([draft], ct);
        var ticket = written.Tickets.Count == 0 ? null
            : state.Tickets(id).FirstOrDefault(t => written.Tickets.Contains(t.Id)) is { } t ? new TicketRef(t.Id, t.State)
            : await TicketAsync(data, written.Tickets[0], ct);
        var answer = Created(id, written, state, clock);
        return TypedResults.Created(answer.Location, answer.Value! with { Ticket = ticket });
    }

    static async Task<TicketRef?> TicketAsync(NpgsqlDataSource data, long ticketId, CancellationToken ct)
    {
        await using var cmd = data.CreateCommand("SELECT state FROM fault_ticket WHERE id = $1");
        cmd.Parameters.AddWithValue(ticketId);
        return await cmd.ExecuteScalarAsync(ct) is string s ? new TicketRef(ticketId, s) : null;
    }

    /// <summary>What a report says, in the fusion's fields; errors named by body field.</summary>
    static LiveFields? ReportFields(ReportBody? body, Validation v)
    {
        var amenity = body?.Amenity;
        var state = body?.State;
        if (amenity is null) { v.Add("amenity", "amenity is required: an amenity (e.g. microwave) or station"); return null; }
        if (amenity != LiveVocabulary.StationAmenity && !StationVocabulary.IsAmenity(amenity))
        {
            v.Add("amenity", $"amenity must be station or one of {string.Join(", ", StationVocabulary.Amenities)}");
            return null;
        }
        if (state is null) { v.Add("state", "state is required"); return null; }
        if (amenity == LiveVocabulary.StationAmenity)
        {
            if (!LiveVocabulary.StationReportStates.Contains(state)) { v.Add("state", "state: for the station: operating, closed_now, wrong_location or gone"); return null; }
            return state is "operating" or "closed_now" ? new LiveFields(Operating: state) : new LiveFields();
        }
        if (amenity == "battery_swap" && state == "charged_available")
        {
            if (body!.ChargedAvailable is null) v.Add("charged_available", "charged_available is required with state charged_available");
            v.Range(body.ChargedAvailable, "charged_available", 0, 10_000);
            return new LiveFields(ChargedAvailable: body.ChargedAvailable, Amenities: new Dictionary<string, string> { [amenity] = "working" });
        }
        var allowed = amenity == "drinking_water" ? LiveVocabulary.AmenityStates : ["working", "broken"];
        if (!allowed.Contains(state))
        {
            v.Add("state", $"state for {amenity}: {string.Join(", ", allowed)}{(amenity == "battery_swap" ? ", charged_available" : "")}");
            return null;
        }
        if (body!.ChargedAvailable is not null) v.Add("charged_available", "charged_available: only with amenity battery_swap and state charged_available");
        return new LiveFields(Amenities: new Dictionary<string, string> { [amenity] = state });
    }

    /// <summary>422 when the phone is farther from the station than the geofence; the distance otherwise.</summary>
    static ProblemHttpResult? Geofence(LiveStation station, Crs crs, double lon, double lat, LiveOptions options, out double distance)
    {
        var (x, y) = CoordinateSystems.ToWgs84(crs, lon, lat);
        distance = Math.Round(Geodesic.PostgisDistance(x, y, station.Lon, station.Lat), 1);
        if (distance <= options.GeofenceMetres) return null;
        return Problems.Of(Problems.TooFar,
            $"lon/lat: the position sent is {distance:0} m from the station; check-ins and reports are taken within {options.GeofenceMetres:0} m.",
            new Dictionary<string, object?>
            {
                ["distance_m"] = distance,
                ["limit_m"] = options.GeofenceMetres,
                ["errors"] = new Dictionary<string, string[]> { ["lon"] = [$"{distance:0} m from the station"], ["lat"] = [$"{distance:0} m from the station"] },
            });
    }

    static Created<SignalAnswer> Created(long stationId, LiveWriter.Written written, LiveState state, TimeProvider clock)
    {
        var last = written.Signals[^1];
        return TypedResults.Created($"/api/v1/stations/{stationId}/live",
            new SignalAnswer(last.Id, stationId, last.ReceivedAt, state.For(stationId, clock.GetUtcNow()), written.Signals.Count));
    }

    static async Task<Results<Ok<SignalAnswer>, ValidationProblem, ProblemHttpResult>> PutLive(
        long id, JsonObject? body, ClaimsPrincipal user, StationIndex index, NpgsqlDataSource data, LiveWriter writer, LiveState state,
        TimeProvider clock, CancellationToken ct)
    {
        var station = await FindStationAsync(id, index, data, ct);
        if (station is null) return Problems.StationNotFound(id);
        if (!ApiKeyAuth.MaySpeakFor(user, station.Operator))
            return Problems.Of(Problems.OperatorScope,
                $"This key speaks for {ApiKeyAuth.OperatorOf(user)}; station {id} is run by {station.Operator ?? "no named operator"}.");
        var now = clock.GetUtcNow();
        var v = new Validation();
        var readings = LiveBody.Read(body, now, v);
        if (!v.IsValid) return v.Problem();
        var keyId = ApiKeyAuth.KeyId(user);
        var source = readings.Source;

        // Idempotent: drop what this key already said with the same observed_at.
        var said = state.Signals(id).Where(s => s.ApiKeyId == keyId && s.Source == source).ToList();
        var drafts = readings.ByObservedAt()
            .Select(g => (At: g.Key, Fields: LiveBody.Without(g.Value, said.Where(s => s.ObservedAt == g.Key).Select(s => s.Fields))))
            .Where(g => !LiveBody.IsEmpty(g.Fields))
            .Select(g => new SignalDraft(id, "live", source, null, keyId, 1.0, g.At, null, g.Fields))
            .ToList();
        if (drafts.Count == 0)
        {
            var latest = said.Count > 0 ? said[^1] : null;
            return TypedResults.Ok(new SignalAnswer(latest?.Id ?? 0, id, latest?.ReceivedAt ?? now, state.For(id, now), 0));
        }
        var written = await writer.WriteAsync(drafts, ct);
        var last = written.Signals[^1];
        return TypedResults.Ok(new SignalAnswer(last.Id, id, last.ReceivedAt, state.For(id, clock.GetUtcNow()), written.Signals.Count));
    }

    static async Task<Results<Ok<StationLiveAnswer>, ProblemHttpResult>> Get(long id, HttpContext http, StationIndex index, NpgsqlDataSource data,
        LiveState state, TimeProvider clock, CancellationToken ct)
    {
        if (await FindStationAsync(id, index, data, ct) is null) return Problems.StationNotFound(id);
        var live = state.For(id, clock.GetUtcNow());
        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Ok(new StationLiveAnswer(id, live, live.Faults, state.TypicalProfile(id)));
    }

    /// <summary>Whose key this is, from what its authentication read (the key row, found by its hash and not revoked).</summary>
    static Results<Ok<KeyView>, ProblemHttpResult> KeyMe(ClaimsPrincipal user, HttpContext http)
    {
        if (ApiKeyAuth.KeyId(user) is not { } id) return Problems.Of(Problems.ApiKeyRequired, "Send an API key.");
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new KeyView(id, user.FindFirstValue(ClaimTypes.Name)!, user.FindFirstValue(ClaimTypes.Role)!, ApiKeyAuth.OperatorOf(user)));
    }
}

/// <summary>The body of PUT /stations/{id}/live, read strictly (errors named by field).</summary>
internal sealed class LiveBody
{
    public string Source { get; private set; } = LiveSources.Staff;
    readonly List<(string Field, object Value, DateTimeOffset At)> _values = [];

    static readonly string[] Known = ["source", "observed_at", "crowding", "seats_free", "occupancy", "charged_available", "operating", "amenities"];

    public static LiveBody Read(JsonObject? body, DateTimeOffset now, Validation v)
    {
        var result = new LiveBody();
        if (body is null) { v.Add("body", "body: a JSON object with at least one reading"); return result; }
        foreach (var (name, _) in body)
            if (!Known.Contains(name)) v.Add(name, $"{name}: unknown field; the fields are {string.Join(", ", Known)}");
        if (body["source"] is { } src)
        {
            var s = src.GetValueKind() == JsonValueKind.String ? src.GetValue<string>() : null;
            if (s is not (LiveSources.Staff or LiveSources.Sensor)) v.Add("source", "source: staff or sensor");
            else result.Source = s;
        }
        var at = Instant(body["observed_at"], "observed_at", now, now, v);
        Reading(body, "crowding", at, now, v, result, n => Text(n) is { } t && LiveVocabulary.Crowding.Contains(t) ? t : null, "empty, some_seats or full");
        Reading(body, "operating", at, now, v, result, n => Text(n) is { } t && LiveVocabulary.Operating.Contains(t) ? t : null, "operating or closed_now");
        foreach (var field in new[] { "seats_free", "occupancy", "charged_available" })
            Reading(body, field, at, now, v, result, n => Count(n), "a whole number from 0 to 10000");
        if (body["amenities"] is { } amenities)
        {
            if (amenities is not JsonObject map || map.Count == 0) v.Add("amenities", "amenities: an object of amenity: working | broken | empty");
            else
                foreach (var (name, node) in map)
                {
                    if (!StationVocabulary.IsAmenity(name)) { v.Add($"amenities.{name}", $"amenities.{name}: {name} is not an amenity"); continue; }
                    Reading(map, name, at, now, v, result, n => Text(n) is { } t && LiveVocabulary.AmenityStates.Contains(t) ? t : null,
                        "working, broken or empty", $"amenities.{name}", $"amenity:{name}");
                }
        }
        if (v.IsValid && result._values.Count == 0) v.Add("body", "body: no reading: send crowding, seats_free, occupancy, charged_available, operating or amenities");
        return result;
    }

    static void Reading(JsonObject body, string name, DateTimeOffset defaultAt, DateTimeOffset now, Validation v, LiveBody result,
        Func<JsonNode, object?> parse, string expected, string? path = null, string? field = null)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null) return;
        path ??= name;
        var at = defaultAt;
        if (node is JsonObject wrapped)
        {
            foreach (var (k, _) in wrapped)
                if (k is not ("value" or "observed_at")) v.Add($"{path}.{k}", $"{path}.{k}: unknown field; a reading is {{\"value\", \"observed_at\"}}");
            at = Instant(wrapped["observed_at"], $"{path}.observed_at", defaultAt, now, v);
            node = wrapped["value"];
            if (node is null) { v.Add($"{path}.value", $"{path}.value is required"); return; }
        }
        if (parse(node) is { } value) result._values.Add((field ?? name, value, at));
        else v.Add(path, $"{path}: {expected}");
    }

    static string? Text(JsonNode n) => n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null;

    static object? Count(JsonNode n) =>
        n.GetValueKind() == JsonValueKind.Number && n.AsValue().TryGetValue<int>(out var i) && i is >= 0 and <= 10_000 ? i : null;

    static DateTimeOffset Instant(JsonNode? node, string name, DateTimeOffset fallback, DateTimeOffset now, Validation v)
    {
        if (node is null) return fallback;
        if (node.GetValueKind() != JsonValueKind.String
            || !DateTimeOffset.TryParse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            || !node.GetValue<string>().Contains('T'))
        {
            v.Add(name, $"{name}: an RFC 3339 instant with its offset, e.g. 2026-12-01T12:00:00+08:00");
            return fallback;
        }
        if (at > now.AddMinutes(2)) v.Add(name, $"{name} is in the future");
        else if (at < now.AddDays(-1)) v.Add(name, $"{name} is more than a day old");
        return at.ToUniversalTime();
    }

    /// <summary>The readings grouped by their observed_at, as fields of one signal each.</summary>
    public IEnumerable<KeyValuePair<DateTimeOffset, LiveFields>> ByObservedAt() =>
        _values.GroupBy(x => x.At).OrderBy(g => g.Key).Select(g =>
        {
            var f = new LiveFields();
            var amenities = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (field, value, _) in g)
                f = field switch
                {
                    "crowding" => f with { Crowding = (string)value },
                    "operating" => f with { Operating = (string)value },
                    "seats_free" => f with { SeatsFree = (int)value },
                    "occupancy" => f with { Occupancy = (int)value },
                    "charged_available" => f with { ChargedAvailable = (int)value },
                    _ => Amenity(f, amenities, field["amenity:".Length..], (string)value),
                };
            return KeyValuePair.Create(g.Key, amenities.Count > 0 ? f with { Amenities = amenities } : f);
        });

    static LiveFields Amenity(LiveFields f, Dictionary<string, string> amenities, string name, string value)
    {
        amenities[name] = value;
        return f;
    }

    /// <summary>The fields of <paramref name="f"/> not already said, with the same value, by one of <paramref name="earlier"/>.</summary>
    public static LiveFields Without(LiveFields f, IEnumerable<LiveFields> earlier)
    {
        foreach (var e in earlier)
        {
            if (f.Crowding is not null && f.Crowding == e.Crowding) f = f with { Crowding = null };
            if (f.Operating is not null && f.Operating == e.Operating) f = f with { Operating = null };
            if (f.SeatsFree is not null && f.SeatsFree == e.SeatsFree) f = f with { SeatsFree = null };
            if (f.Occupancy is not null && f.Occupancy == e.Occupancy) f = f with { Occupancy = null };
            if (f.ChargedAvailable is not null && f.ChargedAvailable == e.ChargedAvailable) f = f with { ChargedAvailable = null };
            if (f.Amenities is { Count: > 0 } mine && e.Amenities is { } theirs)
            {
                var left = mine.Where(a => theirs.GetValueOrDefault(a.Key) != a.Value).ToDictionary(a => a.Key, a => a.Value);
                f = f with { Amenities = left.Count > 0 ? left : null };
            }
        }
        return f;
    }

    public static bool IsEmpty(LiveFields f) =>
        f.Crowding is null && f.Operating is null && f.SeatsFree is null && f.Occupancy is null && f.ChargedAvailable is null && f.Amenities is not { Count: > 0 };
}
