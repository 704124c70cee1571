using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace StationMap.Api.Infrastructure;

/// <summary>One kind of problem the API answers with: a stable <c>type</c> URI, its status and title.</summary>
/// <param name="Slug">The kebab-case name; <see cref="Type"/> is <c>/problems/{slug}</c>.</param>
/// <param name="Status">The HTTP status it is always sent with.</param>
/// <param name="Title">The RFC 9457 title, the same for every occurrence.</param>
/// <param name="When">When it is sent (documentation: the README table).</param>
public sealed record ProblemKind(string Slug, int Status, string Title, string When)
{
    /// <summary>
    /// The RFC 9457 <c>type</c>: a relative URI reference, resolved against the API's own origin, that
    /// never changes for this kind of problem, so a client can branch on it instead of on the title.
    /// </summary>
    public string Type => "/problems/" + Slug;
}

/// <summary>
/// The problem catalogue: every RFC 9457 problem the API sends comes from here, so one case has one
/// type, one status and one title everywhere. The README lists <see cref="All"/> in a table.
/// </summary>
public static class Problems
{
    public static readonly ProblemKind InvalidParameters = new("invalid-parameters", 400,
        "One or more request parameters are invalid.", "a query parameter, header or body field is missing or invalid; errors are keyed by its name");
    public static readonly ProblemKind ImportRejected = new("import-rejected", 400,
        "Import rejected: some rows are invalid.", "a bulk import or layer upload has invalid rows; row_errors lists them by row number");
    public static readonly ProblemKind ApiKeyRequired = new("api-key-required", 401,
        "An API key is required.", "a write without an API key (or with an unknown or revoked one)");
    public static readonly ProblemKind Forbidden = new("forbidden", 403,
        "This API key's role may not do this.", "the key's role is too low (reader keys are read-only, deletes and imports need admin)");
    public static readonly ProblemKind StationNotFoundKind = new("station-not-found", 404,
        "Station not found.", "no station with that id (or it was deleted)");
    public static readonly ProblemKind DistrictNotFoundKind = new("unknown-district", 404,
        "No such district.", "no district with that id");
    public static readonly ProblemKind LayerNotFoundKind = new("unknown-layer", 404,
        "No such planning layer.", "no demand or candidate layer of that name");
    public static readonly ProblemKind HolidayYearNotFoundKind = new("unknown-holiday-year", 404,
        "No holidays are loaded for that year.", "GET /holidays with a region and year that has not been loaded");
    public static readonly ProblemKind WebhookNotFoundKind = new("unknown-webhook", 404,
        "No such webhook.", "no webhook with that id");
    public static readonly ProblemKind RouteNotFound = new("not-found", 404,
        "No such API endpoint.", "the path is not part of the API");
    public static readonly ProblemKind MethodNotAllowed = new("method-not-allowed", 405,
        "Method not allowed.", "the path exists but not for this method; Allow lists the methods");
    public static readonly ProblemKind LayerKindConflictKind = new("layer-kind-conflict", 409,
        "The layer exists with the other kind.", "uploading a demand layer under a candidate layer's name or the reverse");
    public static readonly ProblemKind IdempotencyInProgress = new("idempotency-in-progress", 409,
        "A request with this Idempotency-Key is still being processed.", "a write repeats an Idempotency-Key whose first request has not finished; Retry-After says when to try again");
    public static readonly ProblemKind PreconditionFailed = new("precondition-failed", 412,
        "The station was changed by someone else.", "If-Match (or the body's version) is not the current version");
    public static readonly ProblemKind BodyTooLarge = new("body-too-large", 413,
        "The request body is too large.", "the body exceeds the endpoint's size limit");
    public static readonly ProblemKind UnsupportedMediaType = new("unsupported-media-type", 415,
        "Unsupported media type.", "the body's Content-Type is not one the endpoint takes");
    public static readonly ProblemKind OutsideNetworkKind = new("outside-road-network", 422,
        "Outside the road network.", "the point is farther from a road usable by the mode than the snap limit");
    public static readonly ProblemKind OutsideRegionsKind = new("outside-regions", 422,
        "Outside every region.", "the point is in none of the loaded regions' road networks; nearest_region and distance_m name the closest");
    public static readonly ProblemKind IdempotencyKeyReused = new("idempotency-key-reused", 422,
        "This Idempotency-Key was used for a different request.", "a write repeats an Idempotency-Key of the last 24 h with another method, path or body");
    public static readonly ProblemKind PreconditionRequired = new("precondition-required", 428,
        "A version is required.", "PUT or PATCH without If-Match (or a version in the body)");
    public static readonly ProblemKind RateLimited = new("rate-limited", 429,
        "Too many requests.", "a rate limit was reached; Retry-After says when to try again");
    public static readonly ProblemKind DeviceTokenRequired = new("device-token-required", 401,
        "A device token is required.", "a check-in or report without X-Device-Token, or with an unknown or revoked one (POST /api/v1/devices issues one)");
    public static readonly ProblemKind DeviceBlocked = new("device-blocked", 403,
        "This device is blocked.", "a moderator blocked the device that sent the check-in or report");
    public static readonly ProblemKind OperatorScope = new("operator-scope", 403,
        "This operator key may not speak for this station.", "an operator key changing the live state or tickets of a station of another operator");
    public static readonly ProblemKind DeviceNotFound = new("unknown-device", 404,
        "No such device.", "blocking or unblocking a device id that does not exist");
    public static readonly ProblemKind TooFar = new("too-far", 422,
        "Too far from the station.", "a check-in or report sent from farther than the geofence (300 m by default) from the station");
    public static readonly ProblemKind TicketNotFound = new("ticket-not-found", 404,
        "Fault ticket not found.", "no ticket with that id that the caller may see (reported and rejected tickets are shown to editors and the station's operator only)");
    public static readonly ProblemKind ModerationItemNotFound = new("moderation-item-not-found", 404,
        "Moderation item not found.", "no moderation item with that id");
    public static readonly ProblemKind TicketTransition = new("ticket-transition", 409,
        "The ticket cannot take that step from its current state.", "a ticket transition that its state does not allow (e.g. fixed before confirmed, or any step after verified)");
    public static readonly ProblemKind ModerationDecided = new("moderation-decided", 409,
        "The moderation item is already decided.", "a decision on an item that already has one");
    public static readonly ProblemKind InternalError = new("internal-error", 500,
        "An unexpected error occurred.", "a fault in the server (logged with the traceId); never for what a client sent");
    public static readonly ProblemKind NoRoadNetworkKind = new("no-road-network", 503,
        "No road network is loaded.", "travel times are asked for before a road graph is loaded");
    public static readonly ProblemKind DatabaseUnavailable = new("database-unavailable", 503,
        "The database is unavailable.", "PostgreSQL cannot be reached or did not answer in time; Retry-After says when to try again");

    /// <summary>Every kind, in status order (the README table and the OpenAPI description list these).</summary>
    public static readonly IReadOnlyList<ProblemKind> All =
    [
        InvalidParameters, ImportRejected, ApiKeyRequired, DeviceTokenRequired, Forbidden,
        DeviceBlocked, OperatorScope, StationNotFoundKind, DistrictNotFoundKind, LayerNotFoundKind,
        HolidayYearNotFoundKind, DeviceNotFound, TicketNotFound, ModerationItemNotFound, WebhookNotFoundKind,
        RouteNotFound, MethodNotAllowed, LayerKindConflictKind, TicketTransition, ModerationDecided, IdempotencyInProgress,
        PreconditionFailed, BodyTooLarge, UnsupportedMediaType, OutsideNetworkKind, OutsideRegionsKind, TooFar, IdempotencyKeyReused,
        PreconditionRequired, RateLimited, InternalError, NoRoadNetworkKind, DatabaseUnavailable,
    ];

    /// <summary>The general kind for a status (for problems written outside the catalogue); null for a status it has none for.</summary>
    public static ProblemKind? ForStatus(int status) => status switch
    {
        400 => InvalidParameters,
        401 => ApiKeyRequired,
        403 => Forbidden,
        404 => RouteNotFound,
        405 => MethodNotAllowed,
        412 => PreconditionFailed,
        413 => BodyTooLarge,
        415 => UnsupportedMediaType,
        428 => PreconditionRequired,
        429 => RateLimited,
        500 => InternalError,
        503 => DatabaseUnavailable,
        _ => null,
    };

    /// <summary>A problem of <paramref name="kind"/> with a detail and optional extension members.</summary>
    public static ProblemHttpResult Of(ProblemKind kind, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: kind.Status, title: kind.Title, type: kind.Type, detail: detail, extensions: extensions);

    /// <summary>The same as a <see cref="ProblemDetails"/>, for middleware that writes through IProblemDetailsService.</summary>
    public static ProblemDetails Details(ProblemKind kind, string detail) =>
        new() { Status = kind.Status, Title = kind.Title, Type = kind.Type, Detail = detail };

    public static ProblemHttpResult StationNotFound(long id) => Of(StationNotFoundKind, $"There is no station with id {id}.");

    public static ProblemHttpResult DistrictNotFound(long id) => Of(DistrictNotFoundKind, $"There is no district {id} (see GET /api/v1/districts).");

    /// <summary>An unknown planning layer; <paramref name="kind"/> = demand, candidate or null (any).</summary>
    public static ProblemHttpResult LayerNotFound(string name, string? kind = null) => Of(LayerNotFoundKind,
        $"There is no {(kind is null ? "" : kind + " ")}layer named '{name}' (see GET /api/v1/planning/layers).");

    public static ProblemHttpResult NoRoadNetwork() => Of(NoRoadNetworkKind,
        "Travel times need a road network: import one with ./stationmap import-osm FILE (the demo set-up generates one).");

    /// <summary>A point farther than <paramref name="limitM"/> metres from a road usable by <paramref name="mode"/>; <paramref name="what"/> names it (e.g. add[2]).</summary>
    public static ProblemHttpResult OutsideNetwork(string mode, double limitM, string what = "The point") =>
        Of(OutsideNetworkKind, $"{what} is more than {limitM:0} m from any road usable by {mode}.");

    /// <summary>A point in none of the loaded regions: names the nearest region and its distance (metres) in detail and as members.</summary>
    public static ProblemHttpResult OutsideRegions(string nearest, double distanceM) => Of(OutsideRegionsKind,
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"The point is in none of the loaded regions; the nearest is {nearest}, {distanceM / 1000:0.0} km away (see GET /api/v1/regions)."),
        new Dictionary<string, object?> { ["nearest_region"] = nearest, ["distance_m"] = Math.Round(distanceM) });

    public static ProblemHttpResult PreconditionRequiredFor() => Of(PreconditionRequired,
        "Send If-Match with the station's ETag (or \"version\" in the body) so a concurrent change is not overwritten.");

    public static ProblemHttpResult Stale(int sent, int? current = null) => Of(PreconditionFailed,
        $"Version {sent} is not the current version{(current is null ? "" : $" ({current})")}. Reload the station and apply your change again.");

    public static ProblemHttpResult Rejected(string detail, object rowErrors) =>
        Of(ImportRejected, detail, new Dictionary<string, object?> { ["row_errors"] = rowErrors });

    /// <summary>A 400 for one named parameter, in the same shape as validation problems (errors keyed by the name).</summary>
    public static ProblemHttpResult InvalidParameter(string name, string message) => Of(InvalidParameters, $"{name}: {message}",
        new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [name] = [message] } });
}
